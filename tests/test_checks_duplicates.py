"""checks/duplicates.py: one document uploaded under two names with different bytes."""

from __future__ import annotations

import pytest

from checks import duplicates
from tests.checks_helpers import CTX, JUNK, POLICY, codes, day, doc
from verifier.models import Document, Fields


def run(*docs):
    return duplicates.check_transaction(list(docs), CTX, POLICY)


def test_same_number_same_type_is_one_document():
    found = run(doc("lic.pdf", "export_license", document_number="24-AB-000123"),
                doc("IMG_1.jpg", "export_license", document_number="24 AB 000123"))
    assert codes(found) == [("document.duplicate", "review")]
    assert found[0].documents == ["lic.pdf", "IMG_1.jpg"]


def test_different_numbers_or_types_are_different_documents():
    assert run(doc("a.pdf", "export_license", document_number="1"),
               doc("b.pdf", "export_license", document_number="2"),
               doc("c.pdf", "compliance_certificate", document_number="1")) == []


def test_unnumbered_documents_with_the_same_content():
    fields = {"seller": "Hanbit Motors", "buyer": "Kwame Mensah", "issue_date": day("2024-01-02")}
    assert codes(run(doc("d1.pdf", "seller_declaration", **fields),
                     doc("d2.jpg", "seller_declaration", **fields))) == [
        ("document.duplicate", "review")]
    assert run(doc("d1.pdf", "seller_declaration", **fields),
               doc("d2.jpg", "seller_declaration", **(fields | {"buyer": "Other"}))) == []


def test_two_photos_of_one_car_are_not_duplicates():
    vin = {"vin": "LGXCE4CB8N0012345", "make": "BYD", "manufacture_year": 2022}
    assert run(doc("a.jpg", "vin_verification", **vin), doc("b.jpg", "vin_verification", **vin),
               doc("c.jpg", "photo"), doc("d.jpg", "photo")) == []


def test_byte_identical_copies_are_left_to_intake():
    a = Document(file="a.pdf", sha256="same", type="export_license",
                 fields=Fields(document_number="7"))
    b = Document(file="b.pdf", sha256="same", type="export_license",
                 fields=Fields(document_number="7"))
    assert run(a, b) == []


@pytest.mark.parametrize("junk", JUNK)
def test_junk_numbers_never_crash(junk):
    found = run(doc("a.pdf", "export_license", document_number=junk),
                doc("b.pdf", "export_license", document_number=junk))
    assert {f.code for f in found} <= {"document.duplicate"}
