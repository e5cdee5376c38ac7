"""Agreement across the documents of one transaction when choosing between OCR readings.

An OCR page can offer several readings of its VIN (main pass, region re-read, free-text scan).
When the reading chosen on its own disagrees with what the other documents state, and one of
its *own* other readings agrees with them, that reading is taken — and recorded as a
correction. A reading is never replaced by a value the page did not yield: a document that
really states another VIN (a cloned or swapped vehicle) must still disagree, and text-layer
values are never touched.
"""

from __future__ import annotations

from collections import Counter

from verifier.read import ReadResult

# A reading this sure of itself is left alone even when the others disagree.
CONFIDENT = 0.92


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
        reading = next((c for c in result.vin_candidates if c.value == consensus), None)
        if reading is None:
            continue
        own = next((c for c in result.vin_candidates if c.value == current), None)
        checked = own is not None and own.extra["reading"].check_digit_ok
        if source.confidence >= CONFIDENT and not source.corrections and checked:
            continue
        doc.fields.vin = consensus
        doc.sources["vin"] = source.model_copy(
            update={
                "raw": reading.raw,
                "confidence": round(min(1.0, reading.confidence), 3),
                "corrections": [
                    *reading.corrections,
                    f"chose this reading over {current}: {support} other documents state it",
                ],
            }
        )
        stated[current] -= 1
        stated[consensus] += 1
