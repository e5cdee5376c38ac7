"""The per-document inspector for PDF signatures: :mod:`checks.signatures` on the original file,
its judgement turned into findings (severity from the policy).

``signature.invalid`` — broken, unreadable, or modified after signing (ISO 32000-1 §12.8,
the escrow rule in :mod:`checks.signatures`); ``signature.untrusted`` — intact and unchanged
but no chain to a trusted root; ``signature.indeterminate`` — a chain that cannot be decided
at the moment of validation (RFC 5280 validity, ETSI EN 319 102-1 INDETERMINATE).

The bytes validated are re-hashed against intake's sha256, so what is judged is what was
hashed and stored (``../shared/DESIGN.md``, Nothing is lost).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from verifier.context import CheckContext
from verifier.intake import IntakeItem
from verifier.models import Document, Finding, Signature
from verifier.policy import Policy
from verifier.settings import Settings

_CODES = {
    "invalid": "signature.invalid",
    "untrusted": "signature.untrusted",
    "indeterminate": "signature.indeterminate",
}


@lru_cache(maxsize=8)
def _roots(paths: tuple[Path, ...]):
    from checks import signatures

    return tuple(signatures.load_trust_roots(paths))


def inspect_pdf(
    item: IntakeItem, doc: Document, settings: Settings, policy: Policy, ctx: CheckContext
) -> list[Finding]:
    """Validate every signature of a PDF; set ``doc.signatures``; one finding per signature
    that is not ``valid``."""
    if item.kind != "pdf" or not item.ok:
        return []
    # pyHanko takes a third of a second to import: a folder of photos does not pay it.
    from checks import signatures

    data = Path(item.path).read_bytes()
    if item.sha256 and hashlib.sha256(data).hexdigest() != item.sha256:
        return [
            policy.finding(
                "document.unreadable",
                f"{doc.file}: changed on disk after intake; its signatures were not validated",
                [doc.file],
            )
        ]
    roots = _roots(tuple(dict.fromkeys([*ctx.trust_roots, *settings.signatures.trust_roots])))
    doc.signatures = signatures.validate_pdf(data, list(roots), ctx.moment())
    return [
        policy.finding(
            _CODES[sig.status],
            f"{doc.file}: {describe(sig)} is {sig.status}"
            + (f": {'; '.join(sig.reasons[:3])}" if sig.reasons else ""),
            [doc.file],
            found=sig.status,
            expected="valid",
        )
        for sig in doc.signatures
        if sig.status != "valid"
    ]


def describe(sig: Signature) -> str:
    """``signature 'Sig1' by Test Exporter GmbH (Escrow Test)`` — how messages name one."""
    what = "timestamp" if sig.kind == "timestamp" else "signature"
    name = f" {sig.field!r}" if sig.field else ""
    who = f" by {sig.signer}" if sig.signer else ""
    org = f" ({sig.organisation})" if sig.organisation else ""
    return f"{what}{name}{who}{org}"
