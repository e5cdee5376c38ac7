"""Company seals: find them on the documents that carry one, and ask for one on the contract.

The escrow protocol has the buyer sign the purchase contract "through digital signature and
company seal". Two pieces:

* :func:`inspect_seals`, a per-document inspector (:data:`verifier.inspect.INSPECTORS`): on the
  document types that are sealed in the trade (:data:`SEALED_TYPES`) it looks for red or blue
  seals (:mod:`extractors.seal_scan`, :mod:`extractors.seal`) and sets the document's
  ``seal_detected`` and ``seals``. It is cheap by construction: one low-resolution render per
  page, only the first pages and the last.
* :func:`check_transaction`, a transaction check (:data:`verifier.pipeline.TRANSACTION_CHECKS`)
  run on the final documents, after the signature inspector has filled ``signatures``: a
  purchase contract with neither a ``valid`` digital signature nor a detected seal is
  ``seal.missing``. A seal that could not be looked for (a grayscale scan cannot show one, an
  inspection that failed) is not a seal: the finding says why.

>>> from verifier.models import Document, Seal
>>> from verifier.policy import Policy
>>> doc = Document(file="contract.pdf", type="purchase_contract", seal_detected=False)
>>> [f.code for f in check_transaction([doc], None, Policy())]
['seal.missing']
>>> doc.seal_detected, doc.seals = True, [Seal(page=1, box=(1, 2, 3, 4), color="red")]
>>> check_transaction([doc], None, Policy())
[]
"""

from __future__ import annotations

from verifier.models import DocType, Document, Finding

SEALED_TYPES = frozenset(
    {
        DocType.purchase_contract,
        DocType.compliance_certificate,
        DocType.export_license,
        DocType.mileage_certificate,
        DocType.inspection_report,
        DocType.registration_certificate,
        DocType.seller_declaration,
    }
)
# Types that must bear a seal or a valid digital signature.
MUST_BE_SEALED = frozenset({DocType.purchase_contract})


def inspect_seals(item, doc: Document, settings, policy, ctx) -> list[Finding]:
    """Set ``doc.seal_detected`` and ``doc.seals`` on a document of a sealed type; no
    findings of its own (the contract's requirement is :func:`check_transaction`)."""
    del policy, ctx
    if doc.type not in SEALED_TYPES or item.kind not in ("pdf", "image") or doc.error:
        return []
    from extractors.seal_scan import scan_image, scan_pdf

    conf = settings.seals
    kwargs = dict(
        first_pages=conf.first_pages,
        max_pixels=settings.limits.max_pixels,
        read_text=conf.read_text,
        lang=conf.languages,
    )
    if item.kind == "pdf":
        scan = scan_pdf(item.path, dpi=conf.dpi, **kwargs)
    else:
        scan = scan_image(item.path, **kwargs)
    doc.seals = scan.seals
    doc.seal_detected = scan.detected
    return []


def _why_not(doc: Document) -> str:
    if doc.seal_detected is None:
        return "no seal could be looked for (grayscale page images carry no seal colour)"
    return "no red or blue company seal was found on its pages"


def check_transaction(documents: list[Document], ctx, policy) -> list[Finding]:
    """``seal.missing`` for each purchase contract with neither a valid digital signature
    nor a detected seal."""
    del ctx
    out = []
    for doc in documents:
        if doc.type not in MUST_BE_SEALED:
            continue
        if any(s.status == "valid" for s in doc.signatures) or doc.seal_detected:
            continue
        if doc.signatures:
            statuses = ", ".join(sorted({s.status for s in doc.signatures}))
            signed = f"its digital signatures are not valid ({statuses})"
        else:
            signed = "it has no digital signature"
        out.append(
            policy.finding(
                "seal.missing",
                f"{doc.file}: the purchase contract is neither validly signed nor sealed: "
                f"{signed}, and {_why_not(doc)}",
                [doc.file],
                expected="a valid digital signature or a company seal",
                found="none",
            )
        )
    return out
