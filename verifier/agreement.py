"""Agreement across the documents of one transaction when choosing between OCR readings.

An OCR page may offer several readings of its VIN (main pass, region re-read, free-text
scan). When the reading chosen on its own disagrees with what the other documents state:

* if one of the page's *own* other readings agrees with them, that reading is taken;
* if the page's reading differs from theirs only where OCR confuses characters (S/5, B/8,
  Z/2, G/6, O/Q/D/0, I/L/1, E/F...) and cannot be a real VIN as read — its check digit is
  mandatory (North America, China) and wrong — or was read with low confidence, the stated
  VIN is taken as what the page shows.

Either way the choice is recorded as a correction beside the raw text. A reading that is a
valid VIN in its own right, read with confidence, is never replaced: a document that really
states another VIN (a cloned or swapped vehicle) must still disagree, and text-layer values
are never touched.
"""

from __future__ import annotations

from collections import Counter

from checks import vin as vin_check
from verifier.read import ReadResult

# A reading this sure of itself is left alone even when the others disagree.
CONFIDENT = 0.92
# Characters OCR takes for one another on VIN plates, scans and photos.
CONFUSABLE = [
    set(g)
    for g in ("S58B", "Z2", "G6C", "OQD0U", "IL1T7J", "EFP6", "A4", "MN", "VY", "KX", "HN", "PR")
]
MAX_CONFUSIONS = 3


def _confusable(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in CONFUSABLE)


def _confusions(read: str, stated: str) -> list[str] | None:
    """How ``read`` becomes ``stated`` by OCR confusions and at most one stray character
    (``L6ETHWZ…``: an E read into a gap); None when it cannot."""
    read = "".join(ch for ch in read.upper() if ch.isalnum())
    if len(read) == len(stated) + 1:
        best = None
        for i in range(len(read)):
            rest = _confusions(read[:i] + read[i + 1 :], stated)
            if rest is not None and (best is None or len(rest) + 1 < len(best)):
                best = [f"dropped stray {read[i]} at {i + 1}", *rest]
        return best if best is not None and len(best) <= MAX_CONFUSIONS else None
    if len(read) != len(stated):
        return None
    out = []
    for i, (a, b) in enumerate(zip(read, stated, strict=True), start=1):
        if a != b:
            if not _confusable(a, b):
                return None
            out.append(f"{a}→{b} at {i}")
    return out if len(out) <= MAX_CONFUSIONS else None


def agree_on_vin(results: list[ReadResult]) -> None:
    stated = Counter(r.document.fields.vin for r in results if r.document.fields.vin)
    if not stated:
        return
    for result in results:
        doc = result.document
        current = doc.fields.vin
        source = doc.sources.get("vin")
        if not current or source is None or source.method != "ocr":
            continue
        others = stated.copy()
        others[current] -= 1
        consensus, support = max(others.items(), key=lambda kv: kv[1], default=(None, 0))
        if consensus is None or consensus == current or support < max(2, others[current] + 1):
            continue
        valid_as_read = vin_check.check_digit_ok(current) is True
        mandatory = vin_check.check_digit_required(current)
        sure = source.confidence >= CONFIDENT and not source.corrections
        own = next((c for c in result.vin_candidates if c.value == consensus), None)
        if own is not None and not (sure and valid_as_read):
            note = f"chose this reading over {current}: {support} other documents state it"
            corrections, raw, conf = [*own.corrections, note], own.raw, own.confidence
        else:
            diffs = _confusions(current, consensus) or _confusions(source.raw, consensus)
            cannot_be_real = mandatory and not valid_as_read
            if diffs is None or not (cannot_be_real or source.confidence < CONFIDENT):
                continue
            note = (
                f"read as {current}; {support} other documents state {consensus}, which "
                f"differs only in characters OCR confuses"
            )
            corrections, raw, conf = (
                [*source.corrections, *diffs, note],
                source.raw,
                source.confidence,
            )
        doc.fields.vin = consensus
        doc.sources["vin"] = source.model_copy(
            update={
                "raw": raw,
                "confidence": round(min(1.0, conf), 3),
                "corrections": corrections,
            }
        )
        stated[current] -= 1
        stated[consensus] += 1
    for result in results:
        doc = result.document
        if doc.fields.vin and "vin" in doc.sources:
            doc.sources["vin"] = doc.sources["vin"].model_copy(
                update={"agreement": stated[doc.fields.vin] - 1}
            )
