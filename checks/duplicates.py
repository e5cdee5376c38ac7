"""Duplicates: one document uploaded under two names with different bytes — a scan beside
the PDF it was printed from, two photos of the same certificate.

Byte-identical copies are found by intake (``document.duplicate``, sha256). Here two readable
documents of the same type are one document when they state the same ``document_number``,
or — for documents without a number (service histories, seller declarations) — when they
state the same fields, at least three of them. Photos, videos and VIN plates are left out:
two pictures of one car state the same VIN by nature.

>>> from verifier.models import Document, Fields
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> a = Document(file='a.pdf', sha256='1', type='export_license',
...              fields=Fields(document_number='24-AB-1'))
>>> b = Document(file='b.jpg', sha256='2', type='export_license',
...              fields=Fields(document_number='24 AB 1'))
>>> [(f.code, f.documents) for f in check_transaction([a, b], CheckContext(), Policy())]
[('document.duplicate', ['a.pdf', 'b.jpg'])]
"""

from __future__ import annotations

import re

from checks.facts import label, readable
from verifier.context import CheckContext
from verifier.models import DocType, Document, Finding
from verifier.policy import Policy

PICTURES = (DocType.photo, DocType.video, DocType.vin_verification, DocType.unknown)
MIN_SHARED_FIELDS = 3


def _number(doc: Document) -> str | None:
    n = doc.fields.document_number
    key = re.sub(r"[^0-9A-Z]", "", n.upper()) if n else ""
    return key or None


def same_document(a: Document, b: Document) -> bool:
    if a.type != b.type or a.type in PICTURES:
        return False
    na, nb = _number(a), _number(b)
    if na or nb:
        return na == nb
    fa = a.fields.model_dump(exclude_none=True, mode="json")
    fb = b.fields.model_dump(exclude_none=True, mode="json")
    return len(fa) >= MIN_SHARED_FIELDS and fa == fb


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    docs = readable(documents)
    out: list[Finding] = []
    seen: set[int] = set()
    for i, a in enumerate(docs):
        if i in seen:
            continue
        group = [a]
        for j in range(i + 1, len(docs)):
            b = docs[j]
            if j in seen or (a.sha256 and a.sha256 == b.sha256):
                continue  # byte-identical: intake's finding
            if same_document(a, b):
                group.append(b)
                seen.add(j)
        if len(group) < 2:
            continue
        number = a.fields.document_number
        what = f"number {number}" if number else "the same content"
        out.append(
            policy.finding(
                "document.duplicate",
                f"one {a.type} ({what}) was uploaded {len(group)} times with different "
                "bytes: " + ", ".join(label(d) for d in group),
                [d.file for d in group],
                basis="content",
            )
        )
    return out
