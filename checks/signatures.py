"""PDF digital signatures, validated offline with pyHanko, and judged for escrow.

Standards: ISO 32000-1 §12.8 (PDF signatures, ``/ByteRange``, DocMDP/FieldMDP), ETSI EN
319 142-1 (PAdES: CMS signatures, document timestamps, the DSS), RFC 5652 (CMS), RFC 3161
(timestamp tokens), RFC 5280 (certificate paths, key usage, revocation).

What pyHanko does for us (0.38, never re-implemented here): the digest over the signed byte
ranges and the CMS signature (*intact*), the certificate path to the trust roots given at the
moment of validation (``ValidationContext(trust_roots=…, moment=…, allow_fetching=False)``:
nothing is fetched; revocation data embedded in the DSS or in the CMS
``adbe-revocationInfoArchival`` attribute is handed in as ``crls``/``ocsps``), the key usage
(:class:`~pyhanko.sign.validation.settings.KeyUsageConstraints` with digitalSignature *or*
nonRepudiation, where pyHanko's default demands nonRepudiation), the timestamp token, the
signature's coverage and the difference analysis between the signed and the later revisions.

pyHanko's one-bit ``bottom_line`` is not the escrow verdict. Measured on the 42-file corpus
(``../shared/corpus/signatures``, ``benchmarks/signatures.py``), it is fooled by 2 attacks and
raises on 5; these are its weaknesses and how this module corrects them:

1. **Form filling after an approval signature is accepted** (pdf-insecurity.org "replace":
   field ``Text1`` re-valued after ``Signature2``, modification level FORM_FILLING,
   bottom_line True). ISO 32000 allows it; escrow does not: the later revision may only
   change *signature* fields. Every name in pyHanko's ``changed_form_fields`` must be a
   signature field in the final revision and must not have been another kind of field at
   signing, else ``modified_after_signing``.
2. **Bytes after the signed revision that no xref lists are ignored** (iText ISA-3: a page
   appended with an empty xref section; coverage ENTIRE_REVISION, level NONE, bottom_line
   True). Coverage short of the whole file must be explained by later revisions: a signature
   whose revision is the last one pyHanko knows must cover the entire file; no non-blank
   byte may follow the last revision; and no update after the signed revision may carry
   ``N G obj`` bodies its xref does not list (:mod:`checks.pdf_updates`).
3. **Exceptions are not a verdict.** pyHanko raises on 5 attack files (a broken stream, an
   object-number mismatch, an unparsable encryption entry, a CMS with two SignerInfos,
   ``/Contents`` removed) and silently *skips* a signature whose ``/SubFilter`` it does not
   know. Here every exception while reading or validating a signature makes it ``invalid``;
   signature fields are enumerated directly (nothing skipped); a file pyHanko cannot open
   whose bytes hold a signature dictionary gets one ``invalid`` entry; so does a signature
   dictionary in the bytes that no signature field refers to any more.
4. **The difference analysis is never skipped**, and a diff that could not run is a failure.
5. **Legitimate countersignatures flagged** — pyHanko rejects iText's freeing of objects that
   were never live, and the structure-tree entries of a new signature widget in a tagged PDF;
   :mod:`checks.signature_diff` clears exactly those (corpus control
   ``mdp/itext_outlinesNotModified.pdf``).
6. **Hybrid-reference files** are refused by the strict reader; signatures are read with
   ``PdfFileReader(strict=False)`` (what the strict reader would have refused is recorded
   in ``reasons``), and the difference analysis then judges what the lenient reader sees.

Acceptable after signing (ETSI EN 319 142-1 §5.4): revisions that add signatures, document
timestamps and validation data (DSS) — a buyer countersigning. Anything else — page content,
annotations, a non-signature field's value, coverage short of the file — is
``modified_after_signing`` and ``invalid``.

Status: ``invalid`` when not intact, modified, unreadable, the timestamp token broken, the
certificate revoked or not permitted for signing (key usage), or a DocMDP/seed-value
constraint violated; ``untrusted`` when intact and unmodified but no path to a trust root
(or the timestamp's TSA is not trusted); ``indeterminate`` when the path exists but cannot be
decided at the moment of validation (expired, no proof of existence, stale revocation data);
``valid`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from asn1crypto import x509
from asn1crypto.crl import CertificateList
from asn1crypto.ocsp import OCSPResponse
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.general import find_cms_attribute_iter
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from checks import pdf_updates
from checks.signature_diff import ESCROW_DIFF_POLICY
from verifier.models import Signature

log = logging.getLogger(__name__)

# Either bit suffices (pyHanko's default demands non_repudiation alone).
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
# A signature dictionary in the raw bytes (ISO 32000-1 Table 252).
_SIG_DICT = re.compile(rb"/ByteRange\s*\[")
# Trust problems that make a signature invalid, not merely undecided.
_HARD = {
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
    AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE,  # e.g. key usage forbids signing
}


def load_trust_roots(paths: Iterable[Path]) -> list[x509.Certificate]:
    """Every certificate in the given PEM (or DER) files."""
    return list(load_certs_from_pemder([str(p) for p in paths]))


def embedded_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate carried in the file's signatures and their timestamp tokens.

    Used as trust roots only to test the corpus as ``SOURCES.md`` did — trusting each file's
    own certificates so that trust cannot hide a missed attack — never in production."""
    out: list[x509.Certificate] = []
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception:  # noqa: BLE001 - an unreadable file carries no usable certificate
        return out
    for name, _sig_obj, field in fields:
        try:
            embedded = EmbeddedPdfSignature(reader, field, name)
        except Exception:  # noqa: BLE001
            continue
        out += _cms_certificates(embedded.signed_data)
        try:
            tokens = embedded.signer_info["unsigned_attrs"]
            for tst in find_cms_attribute_iter(tokens, "signature_time_stamp_token"):
                out += _cms_certificates(tst["content"])
        except Exception:  # noqa: BLE001 - a malformed timestamp token carries nothing usable
            pass
    return out


def _cms_certificates(signed_data) -> list[x509.Certificate]:
    return [c.chosen for c in signed_data["certificates"] if c.name == "certificate"]


def validate_pdf(
    data: bytes, trust_roots: Sequence[x509.Certificate], moment: dt.datetime
) -> list[Signature]:
    """Every signature and document timestamp of a PDF, judged at ``moment`` against
    ``trust_roots`` (an empty list trusts nothing: the OS trust store is never used)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:  # noqa: BLE001 - unreadable: a failed signature if it has one
        if _SIG_DICT.search(data):
            return [_failed(None, f"the signed file cannot be read: {_describe(exc)}")]
        return []
    if not fields:
        if _SIG_DICT.search(data):
            return [
                _failed(
                    None,
                    "a signature dictionary is in the file but no signature field refers "
                    "to it (signature removed in a later revision?)",
                )
            ]
        return []
    notes = _strict_reader_notes(data)
    revinfo = _embedded_revinfo(reader)
    out = []
    for name, _sig_obj, field in fields:
        try:
            out.append(
                _validate_one(reader, data, name, field, trust_roots, moment, revinfo, notes)
            )
        except Exception as exc:  # noqa: BLE001 - any exception is a failed signature
            log.debug("signature %s failed", name, exc_info=True)
            out.append(_failed(name, f"validation failed: {_describe(exc)}"))
    return out


def _validate_one(reader, data, name, field, roots, moment, revinfo, notes) -> Signature:
    embedded = EmbeddedPdfSignature(reader, field, name)
    crls, ocsps, certs = revinfo
    archival = _archival_revinfo(embedded)
    vc_kwargs = dict(
        trust_roots=list(roots),
        other_certs=certs,
        crls=crls + archival[0],
        ocsps=ocsps + archival[1],
        allow_fetching=False,
        moment=moment,
    )
    is_timestamp = embedded.sig_object_type == "/DocTimeStamp"
    if is_timestamp:
        st = validate_pdf_timestamp(
            embedded, ValidationContext(**vc_kwargs), diff_policy=ESCROW_DIFF_POLICY
        )
    else:
        st = validate_pdf_signature(
            embedded,
            ValidationContext(**vc_kwargs),
            ts_validation_context=ValidationContext(**vc_kwargs),
            diff_policy=ESCROW_DIFF_POLICY,
            key_usage_settings=KEY_USAGE,
        )
    reasons = list(notes)
    modified = _modifications(reader, data, embedded, st, reasons)
    intact = bool(st.intact and st.valid)
    if not intact:
        reasons.append("the signed bytes or the CMS signature do not verify")
    trusted = bool(st.trusted)
    hard = False
    indic = st.trust_problem_indic
    if indic is not None:
        reasons.append(f"certificate: {indic.name}")
        hard = isinstance(indic, AdESFailure) or indic in _HARD
    ts_trusted = None
    signed_at, source = None, None
    if is_timestamp:
        signed_at, source = st.timestamp, "timestamp"
    else:
        for label, tst in (
            ("timestamp token", st.timestamp_validity),
            ("content timestamp", st.content_timestamp_validity),
        ):
            if tst is None:
                continue
            if not (tst.intact and tst.valid):
                hard = True
                reasons.append(f"{label} does not verify")
            elif not tst.trusted:
                reasons.append(f"{label}: TSA not trusted ({_indic(tst)})")
        tst = st.timestamp_validity
        if tst is not None:
            ts_trusted = bool(tst.intact and tst.valid and tst.trusted)
            signed_at, source = tst.timestamp, "timestamp"
        elif st.signer_reported_dt is not None:
            signed_at, source = st.signer_reported_dt, "claimed"
        if not st.seed_value_ok:
            hard = True
            reasons.append(f"seed value constraints violated: {st.seed_value_constraint_error}")
    if not intact or modified or hard:
        status = "invalid"
    elif not trusted:
        status = (
            "untrusted"
            if indic in (None, AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND)
            else "indeterminate"
        )
    elif ts_trusted is False:
        status = "untrusted"
    else:
        status = "valid"
    signer, org = _names(st.signing_cert)
    level = st.modification_level
    return Signature(
        signer=signer,
        organisation=org,
        intact=intact,
        trusted=trusted,
        modified_after_signing=modified,
        signed_at=signed_at.isoformat() if signed_at else None,
        status=status,
        field=name,
        kind="timestamp" if is_timestamp else "signature",
        signed_at_source=source,
        timestamp_trusted=ts_trusted,
        coverage=st.coverage.name.lower() if st.coverage is not None else None,
        modification_level=level.name.lower() if level is not None else None,
        # DocumentTimestampStatus has no bottom_line
        pyhanko_bottom_line=getattr(st, "bottom_line", None),
        reasons=reasons,
    )


def _modifications(reader, data, embedded, st, reasons: list[str]) -> bool:
    """Apply the escrow rule; append one reason per fact; True when modified after signing."""
    before = len(reasons)
    coverage = st.coverage
    last = reader.xrefs.total_revisions - 1
    if coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        reasons.append(
            f"coverage {getattr(coverage, 'name', coverage)}: "
            "the signed byte range is not the whole revision"
        )
    elif coverage == SignatureCoverageLevel.ENTIRE_REVISION and embedded.signed_revision >= last:
        reasons.append("bytes follow the signed revision that no cross-reference section lists")
    diff = st.diff_result
    if diff is None:
        reasons.append("difference analysis did not run")
    elif not isinstance(diff, DiffResult):
        reasons.append(f"changed after signing: {_first_line(diff)}")
    else:
        if diff.modification_level > ModificationLevel.FORM_FILLING:
            reasons.append(f"changed after signing at level {diff.modification_level.name}")
        others = _non_signature_fields(reader, embedded.signed_revision, diff.changed_form_fields)
        if others:
            reasons.append("form fields changed after signing: " + ", ".join(sorted(others)))
        if getattr(st, "docmdp_ok", None) is False:
            reasons.append("changes exceed what the certification signature (DocMDP) permits")
    for revision in range(embedded.signed_revision + 1, last + 1):
        hidden = pdf_updates.unlisted_objects(reader, data, revision)
        if hidden:
            reasons.append(
                f"revision {revision} carries objects its xref does not list: "
                + ", ".join(hidden[:5])
            )
    tail = pdf_updates.trailing_data(reader, data)
    if tail:
        reasons.append(f"{tail} bytes appended after the last revision")
    return len(reasons) > before


def _non_signature_fields(reader, signed_revision: int, names: Iterable[str]) -> set[str]:
    names = set(names)
    if not names:
        return set()
    now = _field_types(reader)
    then = _field_types(reader.get_historical_resolver(signed_revision))
    return {n for n in names if now.get(n) != "/Sig" or then.get(n, "/Sig") != "/Sig"}


def _field_types(handler) -> dict[str, str | None]:
    """Fully qualified field name → field type (``/FT``, inherited), ISO 32000-1 §12.7.3.1."""
    out: dict[str, str | None] = {}
    try:
        fields = handler.root["/AcroForm"]["/Fields"]
    except (KeyError, TypeError):
        return out
    seen: set = set()

    def walk(kids, prefix: str, ft, depth: int) -> None:
        if depth > 64:
            return
        for kid_ref in kids:
            ref = kid_ref.reference if isinstance(kid_ref, generic.IndirectObject) else None
            if ref is not None and ref in seen:
                continue
            seen.add(ref)
            kid = kid_ref.get_object()
            if not isinstance(kid, generic.DictionaryObject):
                continue
            part = kid.get("/T")
            name = f"{prefix}.{part}" if prefix and part else (str(part) if part else prefix)
            kind = kid.get("/FT", ft)
            if name:
                out[name] = kind
            if "/Kids" in kid:
                walk(kid["/Kids"], name, kind, depth + 1)

    walk(fields, "", None, 0)
    return out


def _embedded_revinfo(reader) -> tuple[list, list, list]:
    """CRLs, OCSP responses and certificates from the document security store, if any."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # noqa: BLE001 - no DSS (NoDSSFoundError) or an unreadable one
        return [], [], []
    crls = [CertificateList.load(ref.get_object().data) for ref in dss.crls]
    ocsps = [OCSPResponse.load(ref.get_object().data) for ref in dss.ocsps]
    return crls, ocsps, list(dss.load_certs())


def _archival_revinfo(embedded) -> tuple[list, list]:
    """CRLs and OCSP responses in the signer's ``adbe-revocationInfoArchival`` attribute."""
    crls, ocsps = [], []
    try:
        attrs = embedded.signer_info["signed_attrs"]
        for archival in find_cms_attribute_iter(attrs, "adobe_revocation_info_archival"):
            crls += list(archival["crl"]) if archival["crl"].native else []
            ocsps += list(archival["ocsp"]) if archival["ocsp"].native else []
    except Exception:  # noqa: BLE001 - malformed archival data: validate without it
        return [], []
    return crls, ocsps


def _strict_reader_notes(data: bytes) -> list[str]:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        if reader.xrefs.hybrid_xrefs_present:
            return ["hybrid-reference file: read with the non-strict reader"]
    except Exception as exc:  # noqa: BLE001 - only a note: the lenient reader is the judge
        return [f"strict reader refused the file ({_describe(exc)}); read leniently"]
    return []


def _names(cert) -> tuple[str | None, str | None]:
    try:
        subject = cert.subject.native
    except Exception:  # noqa: BLE001 - an unreadable subject is no name
        return None, None

    def one(key: str) -> str | None:
        value = subject.get(key)
        if isinstance(value, list):  # a multi-valued attribute
            value = ", ".join(str(v) for v in value)
        return str(value).strip() or None if value is not None else None

    return one("common_name"), one("organization_name")


def _failed(field: str | None, reason: str) -> Signature:
    return Signature(
        intact=False,
        trusted=False,
        modified_after_signing=None,
        status="invalid",
        field=field,
        reasons=[reason],
    )


def _indic(status) -> str:
    indic = getattr(status, "trust_problem_indic", None)
    return indic.name if indic is not None else "unknown"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_first_line(exc)}"
