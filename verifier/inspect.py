"""Per-document inspections that need the original file, not only its text: digital
signatures, company seals, photo and video metadata.

Each inspector is ``(item, document, settings, policy, context) -> list[Finding]``; it may set
the document's ``signatures``, ``seal_detected``/``seals`` and returns findings. They run in
the worker process that read the document, after reading, and never raise: an inspector that
fails yields a ``review`` finding naming it, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable

from checks import photos, seal, signature_inspector
from verifier.context import CheckContext
from verifier.intake import IntakeItem
from verifier.models import Document, Finding
from verifier.policy import Policy
from verifier.settings import Settings

Inspector = Callable[[IntakeItem, Document, Settings, Policy, CheckContext], list[Finding]]

# Inspectors in the order they run. Add one line per inspector.
INSPECTORS: list[tuple[str, Inspector]] = [
    ("signatures", signature_inspector.inspect_pdf),
    ("media", photos.inspect_media),
    ("seals", seal.inspect_seals),
]


def inspect_document(
    item: IntakeItem, doc: Document, settings: Settings, policy: Policy, ctx: CheckContext
) -> list[Finding]:
    findings: list[Finding] = []
    for name, inspector in INSPECTORS:
        try:
            findings += inspector(item, doc, settings, policy, ctx)
        except Exception as exc:  # noqa: BLE001 - a failed inspection is never a pass
            findings.append(
                policy.finding(
                    "document.unreadable",
                    f"{doc.file}: {name} inspection failed ({type(exc).__name__}: {exc})",
                    [doc.file],
                )
            )
    return findings
