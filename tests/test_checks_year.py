"""checks/year.py: model years agree; manufacture year may lead by one; the VIN's year code."""

from __future__ import annotations

import pytest

from checks import year
from tests.checks_helpers import CTX, POLICY, codes, doc

NA_VIN_2019 = "1HGCV1F30KA000001"  # position 10 K, position 7 letter: 2019


def run(*docs):
    return year.check_transaction(list(docs), CTX, POLICY)


def test_same_model_year_everywhere_passes():
    assert run(
        doc("c.pdf", "purchase_contract", model_year=2022),
        doc("i.pdf", "inspection_report", model_year=2022),
        doc("r.pdf", "registration_certificate", manufacture_year=2021),
    ) == []


def test_seed_example_contracted_2023_delivered_2022_fails():
    found = run(
        doc("c.pdf", "purchase_contract", model_year=2023),
        doc("arrival.pdf", "inspection_report", model_year=2022),
    )
    assert codes(found) == [("year.mismatch", "fail")]
    assert found[0].documents == ["arrival.pdf", "c.pdf"]
    assert (found[0].expected, found[0].found) == ("2023", "2022")


@pytest.mark.parametrize(
    ("made", "bad"), [(2023, False), (2022, False), (2021, True), (2024, True)]
)
def test_manufacture_year_may_precede_by_one_never_more_never_follow(made, bad):
    found = run(
        doc("c.pdf", "purchase_contract", model_year=2023),
        doc("r.pdf", "registration_certificate", manufacture_year=made),
    )
    assert bool(found) is bad
    assert all(f.severity.value == "fail" for f in found)


def test_vin_year_code_where_mandatory():
    ok = run(doc("c.pdf", "purchase_contract", model_year=2019, vin=NA_VIN_2019))
    assert ok == []
    found = run(doc("c.pdf", "purchase_contract", model_year=2021, vin=NA_VIN_2019))
    assert codes(found) == [("year.mismatch", "fail")]
    assert "2019" in found[0].expected


def test_chinese_vin_may_code_the_year_of_manufacture():
    vin = "LGXCE4CB8N0012345"  # N: 2022
    assert run(doc("c.pdf", "purchase_contract", model_year=2023, vin=vin)) == []
    assert codes(run(doc("c.pdf", "purchase_contract", model_year=2024, vin=vin))) == [
        ("year.mismatch", "fail")
    ]


def test_japanese_vin_position_10_is_not_read_as_a_year():
    assert run(doc("c.pdf", "purchase_contract", model_year=2015, vin="JTEBU3FJ80K012345")) == []


def test_uncertain_ocr_year_is_review():
    found = run(
        doc("c.pdf", "purchase_contract", model_year=2023),
        doc("scan.pdf", "inspection_report", ocr_conf=0.5, model_year=2028),
    )
    assert codes(found) == [("year.mismatch", "review")]


@pytest.mark.parametrize("junk", [0, -5, 1066, 20233, 99999])
def test_impossible_year_is_indeterminate_not_compared(junk):
    found = run(
        doc("c.pdf", "purchase_contract", model_year=2023),
        doc("x.pdf", "spec_sheet", model_year=junk),
    )
    assert codes(found) == [("year.mismatch", "review")]


def test_junk_contract_year_does_not_become_the_reference():
    found = run(
        doc("c.pdf", "purchase_contract", model_year=3),
        doc("a.pdf", "spec_sheet", model_year=2020),
        doc("b.pdf", "inspection_report", model_year=2020),
    )
    assert codes(found) == [("year.mismatch", "review")]


def test_nothing_stated_nothing_found():
    assert run(doc("p.jpg", "photo"), doc("c.pdf", "purchase_contract")) == []
