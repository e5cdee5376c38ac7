"""Seals on generated contracts with real Tesseract reading their text (bounded: 3 files)."""

from __future__ import annotations

import pytest

from extractors.seal_scan import scan_image, scan_pdf
from fixtures.seals import make_sample

pytestmark = pytest.mark.integration
SEED = 7


def overlaps(a, b) -> bool:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy > 0.5 * small


def test_generator_seal_on_a_text_pdf_is_found_and_read():
    sample = make_sample(0, SEED, "text_pdf", True)
    assert sample.variant == "generator"  # the fixture generator's own seal, "COMPANY SEAL"
    scan = scan_pdf(sample.data)
    (seal,) = scan.seals
    assert overlaps(seal.box, sample.seal_boxes[0])
    assert seal.text is not None and "SEAL" in seal.text


def test_phone_photo_with_and_without_a_seal():
    sealed = make_sample(0, SEED, "photo_jpg", True)
    scan = scan_image(sealed.data)
    assert scan.detected is True
    assert any(overlaps(s.box, sealed.seal_boxes[0]) for s in scan.seals)
    assert all(s.text is None or len(s.text) >= 2 for s in scan.seals)
    plain = make_sample(0, SEED, "photo_jpg", False)
    assert plain.distractors  # hard negatives drawn on it
    assert scan_image(plain.data, read_text=False).detected is False
