"""PDF signatures end to end on our own PKI: signed with pyHanko, then tampered in each way the
attack corpus shows (``../shared/corpus/signatures/SOURCES.md``), judged by checks.signatures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from checks import signature_inspector, signature_parties, signatures
from tests import signing
from verifier.context import CheckContext
from verifier.intake import IntakeItem
from verifier.models import DocType, Document, Fields, Signature
from verifier.policy import Policy
from verifier.settings import Settings


@pytest.fixture(scope="module")
def pki():
    ca = signing.make_ca()
    return {
        "ca": ca,
        "seller": signing.make_signer(ca, "Kim Min-jun", "Hanbit Motors Co., Ltd."),
        "buyer": signing.make_signer(ca, "Kwame Mensah", "Accra Prime Autos Ltd"),
        "stranger": signing.make_signer(ca, "Li Wei", "Yangtze Car Brokers Ltd"),
        "no_ku": signing.make_signer(
            ca, "Key Agreement Only", "Hanbit Motors Co., Ltd.",
            digital_signature=False, non_repudiation=False,
        ),
        "ds_only": signing.make_signer(
            ca, "Digital Signature Only", "Hanbit Motors Co., Ltd.", non_repudiation=False
        ),
    }  # fmt: skip


@pytest.fixture(scope="module")
def signed(pki) -> bytes:
    return signing.sign(signing.contract_pdf(), pki["seller"], pki["ca"])


def judge(data: bytes, pki, *, roots=True, moment=signing.MOMENT) -> list[Signature]:
    return signatures.validate_pdf(data, [pki["ca"].asn1()] if roots else [], moment)


def only(sigs: list[Signature]) -> Signature:
    assert len(sigs) == 1, sigs
    return sigs[0]


def test_signed_contract_is_valid_with_signer_and_organisation(signed, pki):
    sig = only(judge(signed, pki))
    assert (sig.status, sig.intact, sig.trusted, sig.modified_after_signing) == (
        "valid", True, True, False,
    )  # fmt: skip
    assert (sig.signer, sig.organisation, sig.field) == (
        "Kim Min-jun", "Hanbit Motors Co., Ltd.", "Sig1",
    )  # fmt: skip
    assert sig.coverage == "entire_file" and sig.signed_at_source == "claimed"
    assert sig.reasons == []


def test_unsigned_pdf_has_no_signatures(pki):
    assert judge(signing.contract_pdf(), pki) == []


def test_without_trust_roots_intact_but_untrusted(signed, pki):
    # An empty root list must trust nothing (pyHanko would fall back to the OS store on None).
    sig = only(judge(signed, pki, roots=False))
    assert (sig.status, sig.intact, sig.trusted, sig.modified_after_signing) == (
        "untrusted", True, False, False,
    )  # fmt: skip


def test_expired_certificate_at_moment_is_indeterminate(signed, pki):
    sig = only(judge(signed, pki, moment=dt.datetime(2027, 6, 1, tzinfo=dt.UTC)))
    assert sig.status == "indeterminate" and sig.intact and not sig.trusted
    assert not sig.modified_after_signing
    assert any("OUT_OF_BOUNDS" in r for r in sig.reasons)


def test_key_usage_without_signing_bits_is_invalid(pki):
    data = signing.sign(signing.contract_pdf(), pki["no_ku"], pki["ca"])
    sig = only(judge(data, pki))
    assert sig.status == "invalid" and sig.intact and not sig.modified_after_signing
    assert any("CHAIN_CONSTRAINTS" in r for r in sig.reasons)


def test_digital_signature_alone_is_enough(pki):
    # pyHanko's default demands nonRepudiation; we accept either bit.
    data = signing.sign(signing.contract_pdf(), pki["ds_only"], pki["ca"])
    assert only(judge(data, pki)).status == "valid"


def test_page_content_added_after_signing_is_modified(signed, pki):
    sig = only(judge(signing.add_page_content(signed), pki))
    assert (sig.status, sig.intact, sig.modified_after_signing) == ("invalid", True, True)
    assert sig.coverage == "entire_revision"


def test_annotation_added_after_signing_is_modified(signed, pki):
    sig = only(judge(signing.add_annotation(signed), pki))
    assert (sig.status, sig.intact, sig.modified_after_signing) == ("invalid", True, True)


def test_form_field_value_changed_after_signing_is_modified(signed, pki):
    # pyHanko calls this FORM_FILLING and its bottom_line passes it: the "replace" attack.
    sig = only(judge(signing.change_field_value(signed), pki))
    assert sig.pyhanko_bottom_line is True
    assert (sig.status, sig.modified_after_signing) == ("invalid", True)
    assert any("Price" in r for r in sig.reasons)


def test_empty_xref_update_is_modified(signed, pki):
    # iText ISA-3: pyHanko sees coverage ENTIRE_REVISION, modification level NONE.
    sig = only(judge(signing.append_empty_xref_update(signed), pki))
    assert sig.pyhanko_bottom_line is True
    assert (sig.status, sig.intact, sig.modified_after_signing) == ("invalid", True, True)


def test_empty_xref_update_as_last_revision_is_invalid(signed, pki):
    sig = only(judge(signing.append_empty_xref_update(signed, point_to_empty=True), pki))
    assert sig.status == "invalid"


def test_appended_garbage_is_modified(signed, pki):
    sig = only(judge(signed + b"\n% appended after signing\n", pki))
    assert (sig.status, sig.modified_after_signing) == ("invalid", True)


def test_byte_flipped_inside_signed_range_is_not_intact(signed, pki):
    tampered = signing.flip_signed_byte(signed)
    assert len(tampered) == len(signed) and tampered != signed
    sig = only(judge(tampered, pki))
    assert (sig.status, sig.intact) == ("invalid", False)


def test_countersignature_keeps_both_valid(signed, pki):
    both = signing.sign(signed, pki["buyer"], pki["ca"], field="Sig2")
    sigs = judge(both, pki)
    assert [(s.field, s.status, s.modified_after_signing) for s in sigs] == [
        ("Sig1", "valid", False),
        ("Sig2", "valid", False),
    ]
    assert sigs[0].coverage == "entire_revision" and sigs[1].coverage == "entire_file"
    assert [s.organisation for s in sigs] == ["Hanbit Motors Co., Ltd.", "Accra Prime Autos Ltd"]


def test_field_changed_then_countersigned_breaks_only_the_first(signed, pki):
    both = signing.sign(signing.change_field_value(signed), pki["buyer"], pki["ca"], "Sig2")
    first, second = judge(both, pki)
    assert (first.status, first.modified_after_signing) == ("invalid", True)
    assert second.status == "valid"


def test_hidden_objects_before_a_countersignature_are_found(signed, pki):
    # ISA-3 bytes, then a legitimate second signature over them: the second signer signed
    # them, but they change what the first signer signed in a repairing viewer.
    both = signing.sign(signing.append_empty_xref_update(signed), pki["buyer"], pki["ca"], "Sig2")
    first, second = judge(both, pki)
    assert (first.status, first.modified_after_signing) == ("invalid", True)
    assert any("does not list" in r for r in first.reasons)
    assert second.status == "valid"


def test_unknown_subfilter_is_invalid_not_skipped(signed, pki):
    data = signing.rename_subfilter(signed)
    reader = PdfFileReader(__import__("io").BytesIO(data), strict=False)
    assert reader.embedded_signatures == []  # pyHanko alone would see an unsigned file
    sig = only(judge(data, pki))
    assert sig.status == "invalid" and sig.field == "Sig1"


def test_signature_field_removed_later_is_invalid(signed, pki):
    sig = only(judge(signing.remove_signature_field(signed), pki))
    assert sig.status == "invalid" and sig.field is None
    assert "no signature field" in sig.reasons[0]


def test_unreadable_signed_file_is_invalid_never_a_pass(signed, pki):
    cut = signed[: signed.index(b"/ByteRange") + 40]
    sig = only(judge(cut, pki))
    assert sig.status == "invalid" and not sig.intact and sig.modified_after_signing is None


# The inspector: findings and severity from the policy.


def _item(tmp_path: Path, data: bytes, name: str = "contract.pdf") -> IntakeItem:
    path = tmp_path / name
    path.write_bytes(data)
    return IntakeItem(
        path=path, name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        media_type="application/pdf", kind="pdf", pages=1,
    )  # fmt: skip


def _roots(tmp_path: Path, pki) -> tuple[Path, ...]:
    pem = tmp_path / "root.pem"
    pem.write_bytes(pki["ca"].pem)
    return (pem,)


@pytest.mark.parametrize(
    ("tamper", "roots", "code", "severity"),
    [
        (signing.add_page_content, True, "signature.invalid", "fail"),
        (lambda d: d, False, "signature.untrusted", "review"),
    ],
)
def test_inspector_findings(tmp_path, signed, pki, tamper, roots, code, severity):
    doc = Document(file="contract.pdf")
    ctx = CheckContext(at=signing.MOMENT, trust_roots=_roots(tmp_path, pki) if roots else ())
    findings = signature_inspector.inspect_pdf(
        _item(tmp_path, tamper(signed)), doc, Settings(), Policy(), ctx
    )
    assert [(f.code, f.severity.value) for f in findings] == [(code, severity)]
    assert len(doc.signatures) == 1 and doc.signatures[0].status != "valid"


def test_inspector_valid_signature_no_finding_and_settings_roots(tmp_path, signed, pki):
    doc = Document(file="contract.pdf")
    settings = Settings.model_validate({"signatures": {"trust_roots": [*_roots(tmp_path, pki)]}})
    findings = signature_inspector.inspect_pdf(
        _item(tmp_path, signed), doc, settings, Policy(), CheckContext(at=signing.MOMENT)
    )
    assert findings == [] and doc.signatures[0].status == "valid"


def test_inspector_refuses_bytes_changed_since_intake(tmp_path, signed, pki):
    item = _item(tmp_path, signed)
    item.path.write_bytes(signing.add_page_content(signed))
    doc = Document(file="contract.pdf")
    findings = signature_inspector.inspect_pdf(item, doc, Settings(), Policy(), CheckContext())
    assert [f.code for f in findings] == ["document.unreadable"] and doc.signatures == []


# signature.not_party


def _contract(*sigs: Signature) -> Document:
    return Document(
        file="contract.pdf",
        type=DocType.purchase_contract,
        fields=Fields(seller="Hanbit Motors Co., Ltd.", buyer="Accra Prime Autos Ltd"),
        signatures=list(sigs),
    )


def test_not_party_flags_a_stranger_only(signed, pki):
    stranger = only(judge(signing.sign(signing.contract_pdf(), pki["stranger"], pki["ca"]), pki))
    seller = only(judge(signed, pki))
    findings = signature_parties.check_transaction(
        [_contract(seller, stranger)], CheckContext(), Policy()
    )
    assert [(f.code, f.found, f.severity.value) for f in findings] == [
        ("signature.not_party", "Yangtze Car Brokers Ltd", "review")
    ]


def test_not_party_accepts_party_written_differently():
    sig = Signature(
        signer="x", organisation="HANBIT MOTORS CO LTD", intact=True, trusted=True,
        modified_after_signing=False, status="valid",
    )  # fmt: skip
    assert signature_parties.check_transaction([_contract(sig)], CheckContext(), Policy()) == []


def test_deleting_a_signed_object_is_modified(signed, pki):
    # Object freeing is allowed only for objects that were not live at signing (iText's
    # re-freeing); freeing a page content stream deletes signed content.
    page_contents = 6
    sig = only(judge(signing.free_object(signed, page_contents), pki))
    assert (sig.status, sig.modified_after_signing) == ("invalid", True)
    assert any("deleted: 6 0 R" in r for r in sig.reasons)


def test_freeing_an_object_that_never_existed_changes_nothing(signed, pki):
    sig = only(judge(signing.free_object(signed, 40), pki))
    assert (sig.status, sig.modified_after_signing) == ("valid", False)


def test_document_timestamp_after_signing_is_acceptable(signed, pki):
    tsa = signing.make_tsa(pki["ca"])
    sig, ts = judge(signing.add_document_timestamp(signed, tsa, pki["ca"]), pki)
    assert (sig.kind, sig.status, sig.modified_after_signing) == ("signature", "valid", False)
    assert sig.modification_level == "lta_updates"
    assert (ts.kind, ts.status, ts.signer, ts.signed_at_source) == (
        "timestamp", "valid", "Test TSA", "timestamp",
    )  # fmt: skip
    assert ts.signed_at == signing.NOW.isoformat()
