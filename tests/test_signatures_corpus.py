"""The 42-file signed-PDF corpus (``../shared/corpus/signatures``): every attack comes out
``invalid`` with a ``signature.invalid`` (or ``document.*``) finding, every control intact and
unmodified.

As ``SOURCES.md`` did, each file is validated with its *own* embedded certificates as trust
roots, so trust can never be what hides a missed attack: an attack must fail on integrity or
modification. The generated files' certificates expire about a year after generation, so they
are validated at a fixed moment inside their validity.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from asn1crypto import pem

from checks import signature_inspector, signatures
from tests.conftest import CORPUS
from verifier.context import CheckContext
from verifier.intake import IntakeItem
from verifier.models import Document
from verifier.policy import Policy
from verifier.settings import Settings

SIGS = CORPUS / "signatures"
# Inside the generated certificates' validity (issued 2026-11-25, signer expires 2027-11-26).
GENERATED_AT = dt.datetime(2027, 1, 15, tzinfo=dt.UTC)


def _rows() -> list[tuple[str, str]]:
    path = SIGS / "expected.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [(r["file"], r["kind"]) for r in csv.DictReader(fh)]


ROWS = _rows()


def judge(path: Path, tmp_path: Path, roots: list[Path] | None = None):
    data = path.read_bytes()
    if roots is None:
        pem_file = tmp_path / "embedded.pem"
        pem_file.write_bytes(
            b"".join(
                pem.armor("CERTIFICATE", c.dump()) for c in signatures.embedded_certificates(data)
            )
        )
        roots = [pem_file] if pem_file.stat().st_size else []
    generated = path.parent.name == "generated"
    ctx = CheckContext(at=GENERATED_AT if generated else None, trust_roots=tuple(roots))
    item = IntakeItem(
        path=path, name=path.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        media_type="application/pdf", kind="pdf", pages=1,
    )  # fmt: skip
    doc = Document(file=path.name)
    findings = signature_inspector.inspect_pdf(item, doc, Settings(), Policy(), ctx)
    return doc.signatures, findings


def test_corpus_has_34_attacks_and_8_controls(corpus_dir):
    kinds = [kind for _file, kind in ROWS]
    assert (kinds.count("attack"), kinds.count("control"), len(kinds)) == (34, 8, 42)


@pytest.mark.parametrize(("file", "kind"), ROWS, ids=[f for f, _ in ROWS])
def test_corpus_file(corpus_dir, tmp_path, file, kind):
    sigs, findings = judge(SIGS / file, tmp_path)
    assert sigs, "every corpus file is signed"
    if kind == "attack":
        assert any(s.status == "invalid" for s in sigs), [(s.status, s.reasons) for s in sigs]
        codes = {f.code for f in findings}
        assert "signature.invalid" in codes or any(c.startswith("document.") for c in codes)
        assert any(f.severity.value == "fail" for f in findings)
    else:
        for s in sigs:
            assert s.intact and s.modified_after_signing is False, s.reasons
            assert s.status != "invalid", s.reasons


def test_generated_controls_valid_against_the_test_root(corpus_dir, tmp_path):
    root = SIGS / "certs" / "escrow-test-root.cert.pem"
    for name in ("gen_signed.pdf", "gen_signed_twice.pdf", "gen_signed_ts.pdf"):
        sigs, findings = judge(SIGS / "generated" / name, tmp_path, roots=[root])
        assert [s.status for s in sigs] == ["valid"] * len(sigs), (name, sigs)
        assert findings == []
        assert {s.organisation for s in sigs} == {"Escrow Test"}
    sigs, _ = judge(SIGS / "generated" / "gen_signed_ts.pdf", tmp_path, roots=[root])
    assert sigs[0].signed_at_source == "timestamp" and sigs[0].timestamp_trusted is True


def test_generated_control_untrusted_without_roots(corpus_dir, tmp_path):
    sigs, findings = judge(SIGS / "generated" / "gen_signed.pdf", tmp_path, roots=[])
    assert [s.status for s in sigs] == ["untrusted"]
    assert [f.code for f in findings] == ["signature.untrusted"]


def test_structure_tree_rule_clears_only_the_signature_bookkeeping(corpus_dir):
    """The control's second revision: the /Form element for the new widget, its parent, the
    structure root and the new /ParentTree objects, and nothing else."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    from checks.signature_diff import SignatureStructureRule

    data = (SIGS / "mdp" / "itext_outlinesNotModified.pdf").read_bytes()
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    old, new = reader.get_historical_resolver(0), reader.get_historical_resolver(1)
    cleared = {
        u.updated_ref.idnum for _lvl, u in SignatureStructureRule().apply_qualified(old, new)
    }
    assert cleared == {4, 5, 32, 33, 34}


def test_structure_tree_change_beside_a_signature_is_modified(corpus_dir, tmp_path):
    """On top of the control: a revision that adds an /Alt text to the document's structure
    element — no signature widget involved, so nothing clears it."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data = (SIGS / "mdp" / "itext_outlinesNotModified.pdf").read_bytes()
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    elem = w.root["/StructTreeRoot"]["/K"][0]
    elem["/Alt"] = generic.TextStringObject("Price USD 1,850")
    w.update_container(elem)
    out = io.BytesIO()
    w.write(out)
    path = tmp_path / "struct.pdf"
    path.write_bytes(out.getvalue())
    sigs, _findings = judge(path, tmp_path)
    assert [(s.status, s.modified_after_signing) for s in sigs] == [("invalid", True)] * 2
