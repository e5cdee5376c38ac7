"""A PDF page's own text layer, used only when it is real.

A text layer is *not* real when most of its characters are invisible (text render mode 3, as
OCR tools and forgers leave behind a scan: what it says need not be what the page shows) or
when it is garbage (replacement characters, private-use glyphs, unmapped CID codes: mostly
not letters or digits of any script). Such
pages are rasterised and OCRed instead, so we read what a person reading the page would read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pymupdf

from extractors.page import PageText, Word

# Fewer meaningful characters than this and the page is treated as having no text layer.
MIN_REAL_CHARS = 40
MAX_GARBAGE_RATIO = 0.5
MAX_INVISIBLE_RATIO = 0.5
# A page whose images cover this much of it, with little text, is a scan with a stray label.
SCAN_IMAGE_COVER = 0.6
SCAN_TEXT_CHARS = 300


@dataclass(frozen=True)
class Triage:
    usable: bool
    reason: str


def _is_meaningful(ch: str) -> bool:
    """Letters and digits (any script); a real page is mostly these, garbage mostly not."""
    return unicodedata.category(ch)[0] in ("L", "N")


def triage_page(page: pymupdf.Page) -> Triage:
    """Decide whether ``page``'s text layer is what the page shows."""
    visible = invisible = 0
    for span in page.get_texttrace():
        n = len(span["chars"])
        if span["type"] == 3 or span.get("opacity", 1.0) == 0:
            invisible += n
        else:
            visible += n
    text = page.get_text("text")
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return Triage(False, "no text layer")
    garbage = sum(1 for c in chars if not _is_meaningful(c)) / len(chars)
    if invisible and invisible / (visible + invisible) > MAX_INVISIBLE_RATIO:
        return Triage(False, "text layer is invisible (render mode 3): reading the image")
    if garbage > MAX_GARBAGE_RATIO:
        return Triage(False, f"text layer is garbage ({garbage:.0%} not letters or digits)")
    if len(chars) < MIN_REAL_CHARS:
        return Triage(False, f"text layer has only {len(chars)} characters")
    if len(chars) < SCAN_TEXT_CHARS and _image_cover(page) > SCAN_IMAGE_COVER:
        return Triage(False, "page is a scanned image with a little text on it")
    return Triage(True, "text layer")


def _image_cover(page: pymupdf.Page) -> float:
    area = abs(page.rect) or 1.0
    covered = 0.0
    for info in page.get_image_info():
        r = pymupdf.Rect(info["bbox"]) & page.rect
        covered += abs(r)
    return min(covered / area, 1.0)


def read_text_layer(page: pymupdf.Page, number: int) -> PageText:
    """The visible words of the page with their boxes in PDF points (origin top left)."""
    invisible_boxes = [
        pymupdf.Rect(span["bbox"])
        for span in page.get_texttrace()
        if span["type"] == 3 or span.get("opacity", 1.0) == 0
    ]
    words = []
    for x0, y0, x1, y1, text, block, line, _ in page.get_text("words", sort=False):
        if invisible_boxes:
            centre = pymupdf.Point((x0 + x1) / 2, (y0 + y1) / 2)
            if any(centre in r for r in invisible_boxes):
                continue
        words.append(Word(text=text, box=(x0, y0, x1, y1), conf=1.0, line_key=(block, line)))
    rect = page.rect
    return PageText(
        number=number, width=rect.width, height=rect.height, words=words, method="text_layer"
    )
