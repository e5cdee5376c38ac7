import pymupdf
import pytest

from extractors.textlayer import read_text_layer, triage_page

BODY = "VEHICLE PURCHASE CONTRACT Seller: Shenzhen Auto Export Co., Ltd. VIN LGXCE4CB8N0012345"


@pytest.fixture
def doc():
    d = pymupdf.open()
    yield d
    d.close()


def test_a_real_text_layer_is_used(doc):
    p = doc.new_page()
    p.insert_text((72, 72), BODY, fontsize=9)
    assert triage_page(p).usable
    words = [w.text for w in read_text_layer(p, 1).words]
    assert "LGXCE4CB8N0012345" in words


def test_an_invisible_layer_is_not_trusted(doc):
    # What an OCR tool or a forger leaves on a scan: render mode 3, not what the page shows.
    p = doc.new_page()
    p.insert_text((72, 72), BODY, fontsize=9, render_mode=3)
    t = triage_page(p)
    assert not t.usable and "invisible" in t.reason


def test_visible_words_are_kept_and_invisible_ones_dropped(doc):
    p = doc.new_page()
    p.insert_text((72, 72), BODY + " " + BODY, fontsize=9)
    p.insert_text((72, 300), "VIN WDB1234567890HIDDEN", fontsize=9, render_mode=3)
    words = [w.text for w in read_text_layer(p, 1).words]
    assert "LGXCE4CB8N0012345" in words
    assert "WDB1234567890HIDDEN" not in words


def test_a_page_without_text_needs_ocr(doc):
    p = doc.new_page()
    assert not triage_page(p).usable


def test_garbage_text_is_not_used(doc):
    p = doc.new_page()
    # Unmapped glyphs come out as replacement or filler characters, not letters.
    p.insert_text((72, 72), "\ufffd" * 60 + " ab", fontsize=9)
    t = triage_page(p)
    assert not t.usable and "garbage" in t.reason
    q = doc.new_page()
    q.insert_text((72, 72), "#$%&'()*+,-./:;<=>?@[]^_`{|}~" * 3 + " ab", fontsize=9)
    assert not triage_page(q).usable


def test_a_scan_with_a_little_text_is_read_as_an_image(doc):
    p = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 200, 280), False)
    pix.set_rect(pix.irect, (255,))
    p.insert_image(p.rect, pixmap=pix)
    stamp = "Scanned by OfficeScanner 3000 at 300 dpi, page 1 of 1, batch 2024-03-12 op 7"
    p.insert_text((20, 20), stamp, fontsize=6)
    assert "scanned image" in triage_page(p).reason
