"""Building documents directly for the cross-document check tests (no reading involved)."""

from __future__ import annotations

import datetime as dt

from verifier.context import CheckContext
from verifier.models import Document, Fields, Severity, Source
from verifier.policy import Policy

POLICY = Policy()
CTX = CheckContext(at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
JUNK = ["", " ", "\x00", "???", "ÿÿÿÿ", "None", "0", "-1", "x" * 500, "🚗", "\n\t"]


def doc(name: str, type_: str, ocr_conf: float | None = None, **fields) -> Document:
    """A document stating ``fields``; with ``ocr_conf`` every value was read by OCR at it."""
    sources = {}
    if ocr_conf is not None:
        sources = {
            k: Source(page=1, confidence=ocr_conf, raw=str(v), method="ocr")
            for k, v in fields.items()
        }
    return Document(
        file=name, sha256=name, type=type_, fields=Fields(**fields), sources=sources,
        ocr=bool(sources),
    )


def codes(findings) -> list[tuple[str, str]]:
    return [(f.code, f.severity.value) for f in findings]


def fails(findings) -> list:
    return [f for f in findings if f.severity == Severity.fail]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
