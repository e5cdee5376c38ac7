"""checks/parties.py: shipper/exporter is the seller, consignee is the buyer."""

from __future__ import annotations

import pytest

from checks import parties
from tests.checks_helpers import CTX, JUNK, POLICY, codes, doc

SELLER, BUYER = "Shanghai Autostar Export Co., Ltd.", "Adebayo Motors Ltd"


def run(*docs):
    return parties.check_transaction(list(docs), CTX, POLICY)


def contract(**kw):
    return doc("c.pdf", "purchase_contract", **({"seller": SELLER, "buyer": BUYER} | kw))


def test_names_written_differently_are_the_same_party():
    assert run(
        contract(),
        doc("bl.pdf", "bill_of_lading", shipper="SHANGHAI AUTOSTAR EXPORT CO LTD",
            consignee="ADEBAYO MOTORS LTD."),
        doc("lic.pdf", "export_license", exporter="Shanghai Autostar Export Company Limited",
            consignee=BUYER),
        doc("d.pdf", "seller_declaration", seller=SELLER, buyer=BUYER),
    ) == []


@pytest.mark.parametrize(
    ("other", "field", "value"),
    [
        ("bill_of_lading", "shipper", "Ningbo Oriental Motors Trading Co., Ltd."),
        ("bill_of_lading", "consignee", "Lekki Auto Imports Ltd"),
        ("export_license", "exporter", "Tianjin Hengda Vehicle Export Co., Ltd."),
        ("compliance_certificate", "consignee", "Chukwuemeka Okafor"),
    ],
)
def test_another_party_fails(other, field, value):
    found = run(contract(), doc("x.pdf", other, **{field: value}))
    assert codes(found) == [("party.mismatch", "fail")]
    assert found[0].found == value and found[0].documents == ["x.pdf", "c.pdf"]


def test_to_order_bill_of_lading_names_no_consignee():
    to_order = doc("bl.pdf", "bill_of_lading", consignee="TO ORDER OF ZENITH BANK")
    assert run(contract(), to_order) == []


def test_contract_without_a_buyer_is_indeterminate():
    found = run(contract(buyer=None), doc("bl.pdf", "bill_of_lading", consignee=BUYER))
    assert codes(found) == [("party.mismatch", "review")]


@pytest.mark.parametrize("junk", [j for j in JUNK if j.strip()])
def test_junk_names_never_crash(junk):
    found = run(contract(), doc("bl.pdf", "bill_of_lading", shipper=junk))
    assert {f.code for f in found} <= {"party.mismatch"}
    if not any(c.isalnum() for c in junk):
        assert codes(found) == [("party.mismatch", "review")]


def test_no_contract_nothing_to_compare():
    assert run(doc("bl.pdf", "bill_of_lading", shipper="Anyone Ltd")) == []
