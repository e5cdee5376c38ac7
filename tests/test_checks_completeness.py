"""checks/completeness.py: the documents each escrow stage requires (policy data)."""

from __future__ import annotations

import pytest

from checks import completeness
from tests.checks_helpers import POLICY, doc
from verifier.context import CheckContext
from verifier.policy import DEFAULT_REQUIRED_DOCUMENTS, Policy

PRE = DEFAULT_REQUIRED_DOCUMENTS["pre-transaction"]


def run(docs, stage="pre-transaction", policy=POLICY):
    return completeness.check_transaction(docs, CheckContext(stage=stage), policy)


def test_every_required_document_passes():
    assert run([doc(f"{t}.pdf", t) for t in PRE]) == []


@pytest.mark.parametrize("absent", PRE)
def test_each_missing_type_is_named(absent):
    found = run([doc(f"{t}.pdf", t) for t in PRE if t != absent])
    assert [(f.code, f.severity.value, f.expected) for f in found] == [
        ("document.missing", "review", absent)]


def test_shipment_adds_the_bill_of_lading():
    found = run([doc(f"{t}.pdf", t) for t in PRE], stage="shipment")
    assert [f.expected for f in found] == ["bill_of_lading"]


def test_claim_takes_photos_or_videos():
    assert run([doc("i.pdf", "inspection_report"), doc("v.mp4", "video")], stage="claim") == []
    assert [f.expected for f in run([doc("i.pdf", "inspection_report")], stage="claim")] == [
        "photo or video"]


def test_unreadable_or_unknown_documents_meet_nothing():
    broken = doc("c.pdf", "purchase_contract")
    broken.error = "encrypted"
    found = run([broken, doc("x.pdf", "unknown")], stage="deal-lock")
    assert [f.expected for f in found] == ["purchase_contract"]


def test_required_documents_are_policy():
    policy = Policy(required_documents={**DEFAULT_REQUIRED_DOCUMENTS, "deal-lock": []})
    assert run([], stage="deal-lock", policy=policy) == []
    found = run([], stage="deal-lock", policy=Policy(required_documents={}))
    assert [(f.code, f.severity.value) for f in found] == [("document.missing", "review")]
