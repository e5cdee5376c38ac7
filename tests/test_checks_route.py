"""checks/route.py: port of discharge in the destination country (UN/LOCODE extract)."""

from __future__ import annotations

import pytest

from checks import route
from fixtures.vehicles import DESTINATIONS, LOADING_PORTS
from tests.checks_helpers import JUNK, POLICY, codes, doc
from verifier.context import CheckContext


def run(*docs, destination=None):
    return route.check_transaction(list(docs), CheckContext(destination=destination), POLICY)


def test_every_fixture_port_is_in_the_table_in_its_country():
    for d in DESTINATIONS:
        code = route.country_code(d.country)
        assert code is not None, d.country
        assert route.port_countries(d.port) == {code}, d.port
        assert route.port_countries(f"{d.port}, {d.country}".upper()) == {code}
    for country, ports in LOADING_PORTS.items():
        for port in ports:
            assert route.port_countries(port) == {country}, port


@pytest.mark.parametrize("destination", ["Nigeria", "NG", "NGA", "nigeria"])
def test_port_in_destination_passes_names_and_codes(destination):
    assert run(
        doc("bl.pdf", "bill_of_lading", port_of_discharge="APAPA, LAGOS"),
        doc("coc.pdf", "compliance_certificate", destination_country="Nigeria"),
        destination=destination,
    ) == []


def test_port_in_another_country_fails():
    found = run(
        doc("bl.pdf", "bill_of_lading", port_of_discharge="Mombasa, Kenya"),
        doc("coc.pdf", "compliance_certificate", destination_country="Nigeria"),
        destination="NG",
    )
    assert {c for c in codes(found)} == {("route.mismatch", "fail")}
    assert {tuple(f.documents) for f in found} == {("bl.pdf",), ("bl.pdf", "coc.pdf")}


def test_certificate_for_another_country_than_the_buyers_fails():
    found = run(doc("coc.pdf", "compliance_certificate", destination_country="Ghana"),
                destination="Kenya")
    assert codes(found) == [("route.mismatch", "fail")]


def test_unknown_port_is_indeterminate_never_fail():
    found = run(doc("bl.pdf", "bill_of_lading", port_of_discharge="Atlantis Harbour"),
                destination="Nigeria")
    assert codes(found) == [("route.mismatch", "review")]


def test_unknown_destination_is_indeterminate():
    found = run(doc("bl.pdf", "bill_of_lading", port_of_discharge="Lagos"), destination="Narnia")
    assert codes(found) == [("route.mismatch", "review")]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_never_fails(junk):
    found = run(doc("bl.pdf", "bill_of_lading", port_of_discharge=junk,
                    destination_country=junk), destination="Kenya")
    assert all(f.severity.value != "fail" for f in found)
    assert {f.code for f in found} <= {"route.mismatch"}


def test_port_tables_are_well_formed():
    ports = route._ports()
    assert len({c for cs in ports.values() for c in cs}) > 50
    assert route.port_countries("NGLOS") == {"NG"}


def test_doctests():
    import doctest

    assert doctest.testmod(route).failed == 0


@pytest.mark.parametrize(("text", "country"), [
    ("South Africa", "South Africa"), ("UNITED ARAB EMIRATES", "United Arab Emirates"),
    ("Onited Acab Emirates", "United Arab Emirates"),
    # more or less than one country's name
    ("Durban, South Africa", None), ("Kobe", None), ("1 unit", None), ("", None),
])
def test_a_cell_naming_one_country(text, country):
    assert route.country_named(text) == country


@pytest.mark.parametrize(("text", "named"), [
    ("Guangzhou", True), ("Jebel Ali", True), ("NGLOS", True),
    ("Guangzhou, China", False), ("Tianjin Hengda Vehicle Export", False), ("", False),
])
def test_a_cell_naming_one_port(text, named):
    assert route.port_named(text) is named
