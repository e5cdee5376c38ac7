"""The orientation retry of extractors.ocr on a stand-in engine: which reading is kept."""

import numpy as np

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
