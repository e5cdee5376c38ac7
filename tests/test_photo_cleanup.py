"""Regressions of the phone-photo clean-up and the Chinese re-read gate (fast, no Tesseract)."""

from __future__ import annotations

import cv2
import numpy as np
import pymupdf
import pytest

from extractors import preprocess as pp
from extractors.ocr import CJK_MIN_STROKES, stroke_crossings


def form_page(dpi: int, shaded_labels: bool) -> np.ndarray:
    """A licence-like form: labels in grey-filled cells, values beside them (grayscale)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    labels = [
        "Licence No.",
        "Exporter Name",
        "Consignee",
        "Country of Destination",
        "Port of Loading",
        "Issue Date",
        "Expiry Date",
        "VIN No.",
        "Brand",
        "Model",
    ]
    values = [
        "25-GH-499646",
        "Minato Trading Co., Ltd.",
        "Kwame Mensah",
        "Ghana",
        "Kobe",
        "2025/02/10",
        "2025/08/09",
        "JHML0TP55NP495969",
        "HONDA",
        "CR-V",
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 80 + 22 * i
        if shaded_labels:
            page.draw_rect(pymupdf.Rect(50, y - 13, 200, y + 5), color=None, fill=(0.8, 0.8, 0.8))
        page.insert_text((55, y), label, fontname="helv", fontsize=9)
        page.insert_text((210, y), value, fontname="helv", fontsize=9)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    doc.close()
    return img


def test_sheet_touching_the_frame_with_two_corners_is_still_flattened():
    page = form_page(110, shaded_labels=False)
    h, w = page.shape
    out_w, out_h = 1000, 1300
    # Top-left and top-right corners pushed to the frame's top edge (a close-up photo).
    corners = np.float32([[120, 0], [930, 0], [980, 1240], [60, 1270]])
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    desk = np.full((out_h, out_w), 50, np.uint8)
    img = cv2.warpPerspective(page, m, (out_w, out_h), dst=desk, borderMode=cv2.BORDER_TRANSPARENT)
    assert pp.find_page_quad(img) is not None
    # A scan with a dark lid margin along two edges still is not a photo.
    scan = page.copy()
    scan[:, :40] = 30
    scan[:40, :] = 30
    assert pp.find_page_quad(scan) is None


def test_only_pages_enlarged_from_mid_sized_characters_are_sharpened():
    def sharpened(dpi: int) -> tuple[bool, bool]:
        _, notes = pp.clean_page(form_page(dpi, shaded_labels=False))
        return (any(n.startswith("upscale") for n in notes),
                any(n.startswith("sharpen") for n in notes))

    # A 200-dpi scan is read as it is.
    assert sharpened(200) == (False, False)
    # A phone photo about 1,000 px wide (10-11 px characters) is enlarged and sharpened.
    assert sharpened(100) == (True, True)
    # 8 px characters are enlarged only: the mask's halo would join their 1-px strokes.
    assert sharpened(72) == (True, False)


def test_sharpen_restores_stroke_contrast():
    page = form_page(150, shaded_labels=False)
    blurred = cv2.GaussianBlur(page, (0, 0), 1.5)
    sharp, note = pp.sharpen(blurred)
    assert note.startswith("sharpen")
    ink = page < 100
    # The strokes are darker again, the paper stays white.
    assert sharp[ink].mean() < blurred[ink].mean() - 10
    assert np.percentile(sharp[page > 250], 50) >= 250


def _rendered(text: str, font: str) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=60)
    page.insert_text((10, 40), text, fontname=font, fontsize=24)
    pix = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    doc.close()
    ys, xs = np.nonzero(img < 128)
    return img, (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))


@pytest.mark.parametrize("text", ["燃料类型", "变速箱", "品牌", "车辆识别代号"])
def test_han_characters_pass_the_chinese_reread_gate(text):
    img, box = _rendered(text, "china-s")
    assert stroke_crossings(img, box) >= CJK_MIN_STROKES


@pytest.mark.parametrize("text", ["Fuel Type", "ODOMETER", "VIN No.", "Model", "Kobe"])
def test_latin_words_do_not_pass_the_chinese_reread_gate(text):
    # The gate saves time, not accuracy: letters with three strokes down a column (B, e, 8)
    # may still let a weak Latin word through; single-stroke text must not pass.
    img, box = _rendered(text, "helv")
    assert stroke_crossings(img, box) < CJK_MIN_STROKES


def test_chinese_characters_join_into_one_word_with_the_colon_they_end_on():
    # chi_sim gives a word a character; "出厂日 期;" (a full-width colon read ";") must come out
    # as one label, its colon kept, and not swallow the value after it.
    from extractors.ocr import join_cjk
    from extractors.page import Word

    def word(text, x):
        return Word(text, (x, 0, x + 10, 10), 0.9, (0,))

    got = join_cjk([word("出厂", 0), word("日", 12), word("期;", 24), word("2019", 40)])
    assert [w.text for w in got] == ["出厂日期;", "2019"]
    got = join_cjk([word("出厂日", 0), word("期:", 32), word("厂", 50)])
    assert [w.text for w in got] == ["出厂日期:", "厂"]
    assert [w.text for w in join_cjk([word("No.", 0), word("期;", 12)])] == ["No.", "期;"]
