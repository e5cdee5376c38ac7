"""checks/validity.py: licences and certificates valid at shipment; inspection before it."""

from __future__ import annotations

import datetime as dt

import pytest

from checks import validity
from tests.checks_helpers import POLICY, codes, day, doc
from verifier.context import CheckContext

AT = CheckContext(at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
BL = doc("bl.pdf", "bill_of_lading", shipped_on_board_date=day("2024-06-10"))


def licence(expiry, issue="2024-03-01", type_="export_license"):
    return doc("lic.pdf", type_, issue_date=day(issue), expiry_date=day(expiry))


def run(*docs, ctx=AT):
    return validity.check_transaction(list(docs), ctx, POLICY)


def test_valid_on_the_shipped_on_board_date_passes():
    coc = licence("2024-09-01", type_="compliance_certificate")
    assert run(BL, licence("2024-06-10"), coc) == []


@pytest.mark.parametrize("type_", ["export_license", "compliance_certificate"])
def test_expired_before_shipment_fails(type_):
    found = run(BL, licence("2024-06-09", type_=type_))
    assert codes(found) == [("document.expired", "fail")]
    assert found[0].documents == ["lic.pdf", "bl.pdf"]


def test_before_shipment_the_day_of_the_check_counts():
    assert run(licence("2024-05-01")) == []
    assert codes(run(licence("2024-04-30"))) == [("document.expired", "fail")]


def test_expiry_before_issue_is_indeterminate():
    assert codes(run(BL, licence("2024-01-01", issue="2024-03-01"))) == [
        ("document.expired", "review")]


def test_inspection_after_shipment_is_a_date_sequence_fail():
    found = run(BL, doc("i.pdf", "inspection_report", inspection_date=day("2024-06-12")))
    assert codes(found) == [("date.sequence", "fail")]
    assert run(BL, doc("i.pdf", "inspection_report", inspection_date=day("2024-06-10"))) == []


def test_arrival_inspection_is_after_shipment_by_nature():
    ctx = CheckContext(stage="arrival", at=AT.at)
    assert run(BL, doc("i.pdf", "inspection_report", inspection_date=day("2024-07-20")),
               ctx=ctx) == []


def test_unreadable_and_undated_documents_are_not_judged():
    broken = licence("2020-01-01")
    broken.error = "corrupt"
    assert run(BL, broken, doc("x.pdf", "export_license"), doc("i.pdf", "inspection_report")) == []
