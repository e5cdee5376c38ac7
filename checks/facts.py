"""What the cross-document checks share: which documents speak for the deal, the date a
document speaks for, and whether a stated value rests on an uncertain OCR reading.

A cross-document check states facts (``year.mismatch`` on these two documents); the policy
decides severity. Where the only evidence of a disagreement is an OCR reading below the
policy's confidence floor, the fact carries the basis ``ocr`` (``year.mismatch:ocr``) so the
policy can ask a person instead of failing the deal on a misread digit, as ``vin.mismatch``
does. Where a check cannot decide (a value that cannot be what it claims to be, a port nobody
knows) the basis is ``indeterminate``: a review, never a pass and never a fail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from verifier.models import DocType, Document
from verifier.policy import Policy

OCR = "ocr"
INDETERMINATE = "indeterminate"


def readable(documents: Iterable[Document]) -> list[Document]:
    """The documents that were read (a document with an error states nothing reliable)."""
    return [d for d in documents if d.error is None]


def of_type(documents: Iterable[Document], *types: DocType | str) -> list[Document]:
    wanted = {str(t) for t in types}
    return [d for d in readable(documents) if str(d.type) in wanted]


def contracts(documents: Iterable[Document]) -> list[Document]:
    return of_type(documents, DocType.purchase_contract)


def document_date(doc: Document) -> dt.date | None:
    """The day a document speaks for: the inspection day of an inspection report, the
    shipped-on-board day of a B/L, else its issue (contract, certificate) date."""
    f = doc.fields
    if doc.type == DocType.inspection_report:
        return f.inspection_date or f.issue_date
    if doc.type == DocType.bill_of_lading:
        return f.shipped_on_board_date or f.issue_date
    return f.issue_date or f.inspection_date


def uncertain(doc: Document, field: str, policy: Policy) -> bool:
    """True when ``field`` of ``doc`` was read by OCR below the policy's confidence floor."""
    source = doc.sources.get(field)
    return (
        source is not None
        and source.method == "ocr"
        and source.confidence < policy.ocr_value_min_confidence
    )


def basis(policy: Policy, *pairs: tuple[Document, str]) -> str | None:
    """``ocr`` when any of the (document, field) statements is an uncertain OCR reading."""
    return OCR if any(uncertain(d, f, policy) for d, f in pairs) else None


def label(doc: Document) -> str:
    """``contract.pdf (purchase_contract)`` — how messages name a document."""
    return f"{doc.file} ({doc.type})"
