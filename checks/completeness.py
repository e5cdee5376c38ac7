"""Completeness: the documents the escrow stage requires are all there.

Which types each stage requires is policy (``Policy.required_documents``, after the escrow
protocol: pre-transaction — specification sheet, mileage records, photos, VIN verification,
purchase contract, registration certificate, destination compliance certificate, export
licence, third-party inspection report, mileage authentication certificate; shipment adds the
B/L). An entry ``photo|video`` is met by either type. A document that could not be read
(``error``) or classified (``unknown``) meets nothing.

>>> from verifier.models import Document
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> docs = [Document(file='c.pdf', type='purchase_contract')]
>>> [f.found for f in check_transaction(docs, CheckContext(stage='deal-lock'), Policy())]
[]
>>> [f.expected for f in check_transaction([], CheckContext(stage='claim'), Policy())]
['inspection_report', 'photo or video']
"""

from __future__ import annotations

from verifier.context import CheckContext
from verifier.models import Document, Finding
from verifier.policy import Policy


def missing(documents: list[Document], stage: str, policy: Policy) -> list[str]:
    """The required entries (``a|b``) of ``stage`` no document meets, in policy order."""
    present = {str(d.type) for d in documents if d.error is None}
    required = policy.required_documents.get(stage)
    if required is None:
        raise KeyError(f"the policy names no required documents for stage {stage!r}")
    return [entry for entry in required if not set(entry.split("|")) & present]


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    try:
        absent = missing(documents, ctx.stage, policy)
    except KeyError as exc:
        return [policy.finding("document.missing", str(exc.args[0]), [], basis="indeterminate")]
    return [
        policy.finding(
            "document.missing",
            f"the {ctx.stage} stage requires a {name} and the folder has none",
            [],
            expected=name,
        )
        for name in (entry.replace("|", " or ") for entry in absent)
    ]
