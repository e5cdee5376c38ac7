"""Finding the lines of a page that OCR left unread, and fitting their re-read words into the
page's lines (fast, no Tesseract)."""

from __future__ import annotations

import numpy as np
import pymupdf

from extractors.ocr import RULE_RESIDUE, _join_lines, _mark_lines
from extractors.page import Word
from extractors.preprocess import text_mark_boxes

LABELS = ["Make:", "Model:", "MY:", "Frame No.:", "Transmission:", "Odometer:"]


def label_column(dpi: int = 200) -> np.ndarray:
    """Bold labels one under the other, as on a photographed contract (grayscale)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i, label in enumerate(LABELS):
        page.insert_text((60, 100 + 18 * i), label, fontname="hebo", fontsize=11)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    doc.close()
    return img


def test_bold_labels_make_one_line_each():
    img = label_column()
    marks = text_mark_boxes(img, max_aspect=12.0)
    height = float(np.median(marks[:, 3] - marks[:, 1]))
    lines = sorted(_mark_lines(marks, img.shape, height), key=lambda b: b[1])
    assert len(lines) == len(LABELS)
    # one above the other, none spanning two labels
    tops = [b[1] for b in lines]
    assert all(b - a > 30 for a, b in zip(tops, tops[1:], strict=False))
    # each line starts at the labels' left edge (60 pt at 200 dpi = 167 px)
    assert all(abs(b[0] - 167) < 8 for b in lines)


def test_lines_are_measured_with_the_pages_character_height():
    # Unread marks may be mostly the labels' colons; measured with the colons' height, a
    # 24-px bold label is "taller than three characters" and its line is lost.
    img = label_column()
    marks = text_mark_boxes(img, max_aspect=12.0)
    heights = marks[:, 3] - marks[:, 1]
    dots = float(np.median(heights[heights < 12]))
    assert len(_mark_lines(marks, img.shape, dots)) < len(LABELS)
    assert len(_mark_lines(marks, img.shape, float(np.median(heights)))) == len(LABELS)


def test_a_lone_mark_is_no_line():
    marks = np.array([[100.0, 100.0, 110.0, 120.0]])
    assert _mark_lines(marks, (500, 500), 20.0) == []


def test_added_words_join_the_line_beside_them():
    read = [Word("17,940", (300, 100, 380, 124), 0.9, (4, 1, 1))]
    added = [Word("mls", (392, 100, 430, 124), 0.8, (9000, 0, 0)),
             Word("MODEL", (100, 200, 180, 224), 0.9, (9001, 0, 0)),
             Word("YEAR", (192, 200, 250, 224), 0.9, (9002, 0, 0)),
             Word("Page", (100, 400, 160, 424), 0.9, (9003, 0, 0))]
    out = {w.text: w.line_key for w in _join_lines(read, added)}
    assert out["mls"] == (4, 1, 1)  # beside the value it follows
    assert out["YEAR"] == out["MODEL"]  # read on two unread lines, one line of the page
    assert out["Page"] == (9003, 0, 0)  # alone: its own line


def test_rule_residue_is_bars_only():
    assert RULE_RESIDUE.fullmatch("|") and RULE_RESIDUE.fullmatch("||")
    assert not RULE_RESIDUE.fullmatch("|Remarks") and not RULE_RESIDUE.fullmatch("1")


def test_a_few_blurred_words_are_worth_a_look_a_few_colons_are_not():
    from extractors.ocr import _worth_a_look

    # Three labels blurred into one mark a word (20 px letters): 7 marks, 14 letters wide.
    words = np.array([[132, 328, 211, 347], [219, 328, 248, 347], [132, 376, 146, 396],
                      [148, 379, 198, 400], [199, 381, 219, 396], [133, 426, 197, 449],
                      [198, 430, 218, 445]], float)
    assert _worth_a_look(words, 20.0)
    # Seven colons the page pass left unread are not.
    colons = np.array([[300, 100 + 30 * i, 304, 114 + 30 * i] for i in range(7)], float)
    assert not _worth_a_look(colons, 20.0)
    assert _worth_a_look(np.tile(colons, (2, 1)), 20.0)  # many marks still are
    # "BYD", "Seal" and "5" the page pass skipped in a column of values: 8 letters
    letters = np.array([[500 + 14 * i, 300, 512 + 14 * i, 320] for i in range(3)]
                       + [[500 + 14 * i, 340, 512 + 14 * i, 360] for i in range(4)]
                       + [[500, 380, 512, 400]], float)
    assert _worth_a_look(letters, 20.0)
    assert not _worth_a_look(letters[:5], 20.0)


def test_a_poorly_read_enlarged_page_is_read_again_sharpened_and_kept_only_if_clearly_better():
    from extractors.ocr import TesseractReader

    page = label_column(100)
    reader = object.__new__(TesseractReader)  # no Tesseract: _data is stood in for below
    reader.psm = 3

    def reading(conf: float) -> list[Word]:
        return [Word("Exporter", (10, 10, 90, 30), conf, (1, 1, 1))]

    def run(sharp_conf: float, notes: list[str]):
        calls = []

        def data(image, psm):
            calls.append(image)
            return reading(sharp_conf)

        reader._data = data
        got = reader._try_sharpening(page, reading(0.40), 0.40, notes)
        return got, calls

    enlarged = ["upscale x3.00 (characters 7.0 px)"]
    (image, words, quality), calls = run(0.60, list(enlarged))
    assert len(calls) == 1 and image is calls[0] and image is not page and quality == 0.60
    (image, words, quality), _ = run(0.42, list(enlarged))  # not clearly better
    assert image is page and quality == 0.40
    # A page not enlarged, or already sharpened, is not read again.
    for notes in ([], [*enlarged, "sharpen: unsharp mask 2/1.5"]):
        (image, _, _), calls = run(0.9, notes)
        assert image is page and calls == []
