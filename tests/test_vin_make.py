"""vin.make_mismatch: the stated make against the VIN's brand (checks/vin_make.py)."""

import pytest

from checks import vin_make
from verifier import pipeline
from verifier.context import CheckContext
from verifier.models import Document, Fields, Severity, Source
from verifier.policy import Policy

CTX = CheckContext()
BYD = "LGXCE4CB8N0012345"


def _doc(name, vin=None, make=None, method="text_layer"):
    sources = {"vin": Source(page=1, confidence=0.9, raw=vin, method=method)} if vin else {}
    return Document(file=name, sha256="0" * 64, fields=Fields(vin=vin, make=make), sources=sources)


@pytest.mark.parametrize(
    "number, make, ok",
    [
        (BYD, "BYD", True),
        (BYD, "byd auto co., ltd.", True),
        (BYD, "比亚迪", True),
        (BYD, "Toyota", False),
        ("KMTGA4SCDRU227656", "Genesis", True),
        ("KMTGA4SCDRU227656", "Hyundai", True),  # the parent group
        ("KMTGA4SCDRU227656", "Kia", False),  # a sibling is not the brand
        ("WDBTJ56J26F166340", "Mercedes", True),
        ("LSJA24U67MS000001", "SAIC MG", True),
        ("LGWEF6A51NH000001", "Haval", True),
        ("LGWEF6A51NH000001", "Great Wall", True),
        ("LGWEF6A51NH000001", "Tank", True),
        ("1C4RJEAG2EC476429", "Chrysler", True),  # another brand of the same WMI
        ("JN1CV6FE4EM164066", "Nissan", True),
        ("1HD1MAM20DB857910", "Harley Davidson", True),  # not in makes.yaml: compared by key
        ("Z9ZZZZZZZZZZZZZZZ", "Toyota", None),  # unknown WMI: nothing to compare
        ("not a vin", "Toyota", None),
        (BYD, "", None),
        (BYD, None, None),
        (None, "BYD", None),
    ],
)
def test_make_consistent(number, make, ok):
    assert vin_make.make_consistent(number, make) is ok


def test_consistent_documents_give_no_finding():
    docs = [_doc("contract.pdf", BYD, "BYD"), _doc("reg.pdf", BYD, "BYD Auto"), _doc("bl.pdf", BYD)]
    assert vin_make.check_transaction(docs, CTX, Policy()) == []


def test_text_layer_vin_and_known_wmi_fail():
    (f,) = vin_make.check_transaction([_doc("contract.pdf", BYD, "Toyota")], CTX, Policy())
    assert f.code == "vin.make_mismatch" and f.severity is Severity.fail
    assert (f.expected, f.found, f.documents) == ("BYD", "Toyota", ["contract.pdf"])
    assert "LGX" in f.message and "China" in f.message


def test_ocr_read_vin_is_for_review():
    (f,) = vin_make.check_transaction([_doc("plate.jpg", BYD, "Toyota", "ocr")], CTX, Policy())
    assert f.severity is Severity.review and "OCR" in f.message


def test_unconfirmed_wmi_row_or_unknown_make_is_for_review():
    (f,) = vin_make.check_transaction([_doc("a.pdf", "LW433B10XN1000001", "Toyota")], CTX, Policy())
    assert f.severity is Severity.review  # LW4 (Li Auto) is a low-confidence row
    (f,) = vin_make.check_transaction([_doc("a.pdf", BYD, "Zorglub Motors")], CTX, Policy())
    assert f.severity is Severity.review


def test_a_document_without_vin_is_compared_with_the_transactions_vin():
    docs = [_doc("contract.pdf", BYD, "BYD"), _doc("reg.pdf", BYD), _doc("spec.pdf", make="Kia")]
    (f,) = vin_make.check_transaction(docs, CTX, Policy())
    assert f.documents == ["contract.pdf", "spec.pdf"] and "stated by contract.pdf" in f.message


def test_unknown_wmi_and_junk_never_fail():
    docs = [
        _doc("a.pdf", "Z9ZZZZZZZZZZZZZZZ", "Toyota"),
        _doc("b.pdf", "GRJ150-0012345", "Lexus"),
        _doc("c.pdf", "junk", "junk"),
        _doc("d.pdf"),
        _doc("e.pdf", make="BYD"),
    ]
    assert vin_make.check_transaction(docs, CTX, Policy()) == []
    assert vin_make.check_transaction([], CTX, Policy()) == []


def test_registered_as_a_transaction_check():
    assert vin_make.check_transaction in pipeline.TRANSACTION_CHECKS
