"""Captions too small to read, recognised by shape (extractors/label_shape.py)."""

import cv2
import numpy as np
import pymupdf

from extractors import label_shape
from extractors.fields import extract
from extractors.page import PageText, Word
from extractors.templates import doctype_templates, other_labels
from verifier.models import DocType

# (caption, value, x, y) of an export licence's grid, in points on an A4 page.
GRID = [
    ("Licence No.", "23-CD-979598", 60, 200),
    ("Exporter", "Tianjin Hengda Vehicle Export Co., Ltd.", 300, 200),
    ("Consignee", "Adebayo Motors Ltd", 60, 240),
    ("Destination Country", "Nigeria", 300, 240),
    ("Port of Clearance", "Tianjin", 60, 280),
    ("Issue Date", "25 Dec 2023", 300, 280),
    ("Valid until", "22 Jun 2024", 60, 320),
    ("Make", "Chery", 300, 320),
]
SCALE = 3.0  # the reader enlarges a page of 7 px characters about this much


def _photo_like(font: str = "helv", captions: bool = True):
    """A grid rendered at about 1,000 px across (captions 4-5 px high), blurred, then enlarged
    as the reader enlarges it; with the value words where OCR would find them."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((200, 120), "Export License", fontname="helv", fontsize=18)
    for caption, value, x, y in GRID:
        if captions:
            page.insert_text((x, y), caption, fontname=font, fontsize=6, color=(0.35, 0.35, 0.35))
        page.insert_text((x, y + 16), value, fontname="helv", fontsize=10)
    zoom = 1000 / 595
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
    small = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    small = cv2.GaussianBlur(small, (0, 0), 0.8)
    image = cv2.resize(small, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC)
    f = zoom * SCALE
    words = []
    for x0, y0, x1, y1, text, *_rest in page.get_text("words"):
        if y1 - y0 > 9:  # the values and the title, as OCR reads them; not the captions
            words.append(Word(text, (x0 * f, y0 * f, x1 * f, y1 * f), 0.9, (int(y0),)))
    notes = [f"upscale x{SCALE:.2f} (characters 7.0 px)"]
    height, width = image.shape
    return PageText(1, float(width), float(height), words, "ocr", "px", notes), image


def _labels():
    tpl = doctype_templates()[DocType.export_license]
    return (*tpl.fields, other_labels())


def test_captions_are_recognised_by_shape_and_give_their_values_a_field():
    page, image = _photo_like()
    assert "consignee" not in extract([page], DocType.export_license).values
    got, notes = label_shape.add_captions(page, image, _labels())
    added = [w.text for w in got.words if label_shape.is_caption(w)]
    assert {"Consignee", "Issue Date"} <= set(added), notes
    assert len(added) >= 6, notes  # of 8 captions; 8 when this was written
    values = extract([got], DocType.export_license).values
    assert values["consignee"].value == "Adebayo Motors Ltd"
    assert str(values["issue_date"].value) == "2023-12-25"
    # Every caption added is the one printed there: the right field or none.
    for caption, _value, x, y in GRID:
        field_words = [w for w in got.words if label_shape.is_caption(w)]
        for w in field_words:
            if (
                abs(w.box[0] / (1000 / 595 * SCALE) - x) < 5
                and abs(w.box[3] / (1000 / 595 * SCALE) - y) < 5
            ):
                assert _same_field(w.text, caption), (w.text, caption)
    # The page text sealed as evidence is not touched: a new PageText came back.
    assert not any(label_shape.is_caption(w) for w in page.words)


def _same_field(spelling: str, caption: str) -> bool:
    from extractors.fields import _label_hits

    tpl = _labels()
    a, b = _label_hits(spelling, tpl), _label_hits(caption, tpl)
    return bool(a and b and a[0].field == b[0].field)


def test_another_face_is_recognised_or_left_alone_never_mislabelled():
    page, image = _photo_like(font="tiro")
    got, _ = label_shape.add_captions(page, image, _labels())
    f = 1000 / 595 * SCALE
    for w in got.words:
        if not label_shape.is_caption(w):
            continue
        caption = next(
            c for c, _v, x, y in GRID if abs(w.box[0] / f - x) < 5 and abs(w.box[3] / f - y) < 5
        )
        assert _same_field(w.text, caption), (w.text, caption)


def test_no_caption_no_label():
    page, image = _photo_like(captions=False)
    got, notes = label_shape.add_captions(page, image, _labels())
    assert got is page and notes == []


def test_a_text_layer_page_and_print_large_enough_are_left_alone():
    page, image = _photo_like()
    text_page = PageText(1, page.width, page.height, page.words, "text_layer", "px")
    assert label_shape.add_captions(text_page, image, _labels())[0] is text_page
    # A page OCR did not need to enlarge prints its captions large enough to read.
    scan = PageText(1, page.width, page.height, page.words, "ocr", "px", ["deskew: +1.0 deg"])
    assert label_shape.add_captions(scan, image, _labels())[0] is scan


def test_the_value_of_a_shape_caption_is_under_it_never_beside_it():
    from extractors.label_shape import CAPTION_CONF, CAPTION_LINE_KEY

    words = [
        Word("Consignee", (50, 100, 110, 108), CAPTION_CONF, (CAPTION_LINE_KEY, 0, 0)),
        Word("ROMt", (300, 100, 330, 108), 0.7, (1,)),  # a neighbour caption, garbled
        Word("oF", (335, 100, 350, 108), 0.84, (1,)),
        Word("Adebayo", (50, 114, 110, 126), 0.95, (2,)),
        Word("Motors", (116, 114, 160, 126), 0.95, (2,)),
        Word("Ltd", (166, 114, 190, 126), 0.95, (2,)),
    ]
    page = PageText(1, 595.0, 842.0, words, "ocr", "px", ["upscale x3.00 (characters 7.0 px)"])
    values = extract([page], DocType.export_license).values
    assert values["consignee"].value == "Adebayo Motors Ltd"
