"""The orientation retry of extractors.ocr on a stand-in engine: which reading is kept."""

import numpy as np
import pytest

from extractors import ocr
from extractors.page import Word


class _Engine(ocr.TesseractReader):
    """Tesseract's answers as a sparse upside-down VIN plate gave them: psm 3 reads junk on
    the page as photographed and nothing once it is turned; psm 6 reads the turned plate."""

    def __init__(self):  # no Tesseract needed
        self.psm = ocr.MAIN_PSM
        self.calls = []

    def osd(self, image):
        return 180, 0.8

    def _data(self, image, *, psm, **kw):
        turned = bool(image[0, 0])  # the marker pixel below is at the bottom before turning
        self.calls.append((turned, psm))
        if not turned:
            return [Word("YNIHD", (0, 0, 10, 10), 0.3), Word("JOVW", (0, 0, 10, 10), 0.35),
                    Word("AYFHD", (0, 0, 10, 10), 0.3)]
        if psm == ocr.BLOCK_PSM:
            return [Word("VIN", (0, 0, 10, 10), 0.9),
                    Word("LVVOJWLT6LB087472", (0, 0, 10, 10), 0.85)]
        return []


def _page():
    image = np.zeros((40, 40), np.uint8)
    image[-1, -1] = 255  # at the top left once turned 180 degrees
    return image


def test_a_turned_page_psm_3_finds_no_block_in_is_read_as_one_block():
    engine, notes = _Engine(), []
    words = engine._data(_page(), psm=engine.psm)
    _, got, quality = engine._try_orientation(_page(), words, ocr.read_quality(words), notes)
    assert [w.text for w in got] == ["VIN", "LVVOJWLT6LB087472"]
    assert quality > 0.8
    assert "orientation: kept the 180 deg rotation" in notes
    assert (True, ocr.BLOCK_PSM) in engine.calls


def test_no_block_pass_where_the_turned_page_reads_words():
    class Wordy(_Engine):
        def _data(self, image, *, psm, **kw):
            got = super()._data(image, psm=psm, **kw)
            return got or [Word(f"w{i}", (0, 0, 10, 10), 0.2) for i in range(5)]

    engine, notes = Wordy(), []
    words = engine._data(_page(), psm=engine.psm)
    engine._try_orientation(_page(), words, ocr.read_quality(words), notes)
    assert (True, ocr.BLOCK_PSM) not in engine.calls


def _words(on_end: bool, n: int = 10, conf: float = 0.9):
    """``n`` words of five letters, standing on end (20 wide, 80 high) or lying flat."""
    w, h = (20, 80) if on_end else (80, 20)
    return [Word("Kobe5", (0, 100 * i, w, 100 * i + h), conf) for i in range(n)]


def test_words_standing_on_end_say_the_page_lies_on_its_side():
    assert ocr.read_on_end(_words(True))
    assert not ocr.read_on_end(_words(False))
    assert not ocr.read_on_end(_words(True, n=5))  # too few to tell
    mixed = _words(True, n=5) + _words(False, n=5)
    assert not ocr.read_on_end(mixed)


class _OnEnd(ocr.TesseractReader):
    """A form the clean-up turned a quarter wrongly: read as words on end; turned back (270
    degrees) its words lie flat; turned the other way they lie flat, upside down, unsure."""

    def __init__(self):  # no Tesseract needed
        self.psm = ocr.MAIN_PSM

    def _data(self, image, *, psm, **kw):
        corner = int(image[0, 0])
        if corner == 1:  # as the clean-up left it
            return _words(True)
        return _words(False, conf=0.9 if corner == 2 else 0.3)


def _turned_page():
    # the marker pixels: which corner is at the top left says which way it was turned
    image = np.zeros((40, 60), np.uint8)
    image[0, 0] = 1
    image[0, -1] = 2  # at the top left once turned 270 degrees (counter-clockwise)
    image[-1, 0] = 3  # at the top left once turned 90 degrees
    return image


def test_a_page_read_on_end_is_turned_to_lay_its_words_flat():
    engine, notes = _OnEnd(), []
    page = _turned_page()
    words = engine._data(page, psm=engine.psm)
    turned, got, quality = engine._stand_up(page, words, ocr.read_quality(words), notes)
    assert turned[0, 0] == 2 and turned.shape == (60, 40)
    assert not ocr.read_on_end(got) and quality == pytest.approx(0.9)
    assert "orientation: words read on end; the page turned to lay them flat" in notes


def test_a_page_read_on_end_whose_turns_read_worse_is_kept():
    class Worse(_OnEnd):
        def _data(self, image, *, psm, **kw):
            if int(image[0, 0]) == 1:
                return _words(True)
            return _words(False, conf=0.2)

    engine, notes = Worse(), []
    page = _turned_page()
    words = engine._data(page, psm=engine.psm)
    turned, got, _ = engine._stand_up(page, words, ocr.read_quality(words), notes)
    assert turned is page and got is words
