"""One vehicle: every VIN stated in the transaction's documents is the same VIN.

A fact per disagreeing document (``vin.mismatch``), naming the documents on each side. The
policy decides severity: a document whose VIN only OCR read differently may be a misreading
(``vin.mismatch:ocr``, review); a text layer that states another VIN is a different vehicle
or a forgery (fail). The fuller cross-document reconciliation (year, mileage, spec, parties)
is built on this in ``checks/``.
"""

from __future__ import annotations

from collections import Counter

from verifier.context import CheckContext
from verifier.models import Document, Finding
from verifier.policy import Policy


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    stated = [(d, d.fields.vin) for d in documents if d.fields.vin]
    counts = Counter(vin for _, vin in stated)
    if len(counts) <= 1:
        return []
    majority, support = counts.most_common(1)[0]
    if list(counts.values()).count(support) > 1:
        majority = None  # no majority: every document is reported against the others
    out = []
    for doc, vin in stated:
        if vin == majority:
            continue
        others = [d.file for d, v in stated if v != vin]
        source = doc.sources.get("vin")
        basis = "ocr" if source is not None and source.method == "ocr" else None
        expected = majority or ", ".join(sorted(set(counts) - {vin}))
        out.append(
            policy.finding(
                "vin.mismatch",
                f"{doc.file} states VIN {vin} but {len(others)} other document(s) state "
                f"{expected}" + (" (read by OCR: may be a misreading)" if basis else ""),
                [doc.file, *others],
                expected=expected,
                found=vin,
                basis=basis,
            )
        )
    return out
