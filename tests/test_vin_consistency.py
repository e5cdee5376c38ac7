from checks.vin_consistency import check_transaction
from verifier.context import CheckContext
from verifier.models import Document, Fields, Severity, Source
from verifier.policy import Policy

VIN = "LS5RTN5N2L2183505"
OTHER = "LS5RTN5N2L2183513"
CTX = CheckContext()


def _doc(name, vin, method="text_layer"):
    return Document(file=name, sha256="0" * 64, fields=Fields(vin=vin),
                    sources={"vin": Source(page=1, confidence=0.9, raw=vin, method=method)})


def test_one_vin_everywhere_is_no_finding():
    assert check_transaction([_doc("a.pdf", VIN), _doc("b.pdf", VIN)], CTX, Policy()) == []


def test_a_text_layer_stating_another_vin_fails_and_names_both_sides():
    (f,) = check_transaction([_doc("a.pdf", VIN), _doc("b.pdf", VIN), _doc("bl.pdf", OTHER)],
                             CTX, Policy())
    assert f.code == "vin.mismatch" and f.severity is Severity.fail
    assert f.documents == ["bl.pdf", "a.pdf", "b.pdf"]
    assert (f.expected, f.found) == (VIN, OTHER)


def test_an_ocr_reading_that_disagrees_asks_for_review_not_a_fail():
    (f,) = check_transaction([_doc("a.pdf", VIN), _doc("b.pdf", VIN),
                              _doc("plate.jpg", OTHER, "ocr")], CTX, Policy())
    assert f.severity is Severity.review and "misreading" in f.message


def test_no_majority_reports_every_side():
    found = check_transaction([_doc("a.pdf", VIN), _doc("b.pdf", OTHER)], CTX, Policy())
    assert sorted(f.found for f in found) == sorted([VIN, OTHER])
