"""Form captions too small to read, recognised by their shape among the labels a type knows.

A phone photo of a whole form about 1,000 px wide prints its box captions ("Licence No.",
"Consignee", "Port of Discharge") at 4-5 px: grey, blurred strokes from which Tesseract reads
nothing or junk, while the values under them, printed larger, read well. A value without its
label is no field. The caption's shape still tells which of the few dozen labels of the
document type it is: its length, where its capitals, ascenders and word gaps stand.

So a piece of a line that OCR left unread (or read only as weak junk) is compared with every
spelling of the type's labels (``label_repair.spellings``, in capitals too), rendered in
Helvetica (PyMuPDF's base-14 face that most printed forms' Arial and Helvetica match; adding
Times made look-alike labels tie more often), cut to their ink, scaled to the
piece's size and blurred like it, by normalised cross-correlation: word spotting with
rendered templates. OCR engines read characters and offer no closed-vocabulary matching of a
word image, so this is ours. A piece becomes a label only when one field's spellings are
clearly the best (by ``MIN_MARGIN`` over every other field: "Exporter" and "Importer" look
alike and stay unread) and close enough (``MIN_SCORE``). Only label words are ever added,
marked weak; the value beside or under them keeps its own OCR source, and the page text
sealed as evidence is not changed.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import cv2
import numpy as np
import pymupdf

from extractors.label_repair import spellings
from extractors.page import Box, PageText, Word, boxes_overlap
from extractors.preprocess import to_gray
from extractors.templates import FieldTemplate

# A word OCR read this surely (and with two letters or digits) covers its marks; weaker words
# over a caption are its junk reading and give way to the caption.
SURE_CONF = 0.6
# A gap of this many mark heights ends a caption (the next cell's).
CELL_GAP = 1.6
# Shape match: aspect ratios (width / height of the ink) within this log-ratio, a score
# (normalised cross-correlation) at least MIN_SCORE, and the best field this far ahead.
MAX_LOG_ASPECT = 0.25
MIN_SCORE = 0.6
MIN_MARGIN = 0.06
# Blur of the rendered label, as a share of the piece's ink height: the best of these.
BLURS = (0.05, 0.09, 0.13, 0.18)
HEIGHT = 24  # pieces and labels are compared at this height
MAX_WIDTH_CHARS = 40  # in caption heights
MIN_PIECE_HEIGHT = 10  # px of ink: specks and rule residue are smaller than any caption
FONTS = ("helv",)
VALUE_CONF = 0.3  # a word this sure may be a value under a caption
CAPTION_CONF = 0.45  # below every check's "surely read", above nothing
# Line keys of the added captions (CAPTION_LINE_KEY, n, 0) and of the value cells under
# them (VALUE_LINE_KEY, n, 0): OCR's own keys never start with these.
CAPTION_LINE_KEY = 9500
VALUE_LINE_KEY = 9501
# Grey levels below the local mean that count as ink.
FAINT_C = 12
# Where a caption is looked for: this many value-line heights above the value; a caption's
# print is at most this share of the height of the value's (ascenders to descenders).
BAND_ABOVE = 1.3
MAX_CAPTION = 0.85


def _ink(gray: np.ndarray, threshold: float | None = None) -> np.ndarray | None:
    """``gray`` cut to its ink (Otsu within the region unless ``threshold`` is given)."""
    if gray.size == 0:
        return None
    if threshold is None:
        threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(gray < threshold)
    if len(xs) == 0:
        return None
    return gray[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


@cache
def rendered(text: str, font: str) -> np.ndarray | None:
    """``text`` set in ``font`` at 60 pt, grey, cut to its ink."""
    doc = pymupdf.open()
    page = doc.new_page(width=60 * (len(text) + 2), height=120)
    page.insert_text((10, 80), text, fontname=font, fontsize=60)
    pix = page.get_pixmap(dpi=72, colorspace=pymupdf.csGRAY)
    gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    return _ink(gray, 128)


@cache
def _templates(text: str, font: str) -> tuple[np.ndarray, ...]:
    """``text`` rendered in ``font``, ``HEIGHT`` px high, dark = high, once per blur."""
    ink = rendered(text, font)
    if ink is None:
        return ()
    h, w = ink.shape
    small = cv2.resize(ink, (max(1, round(w * HEIGHT / h)), HEIGHT), interpolation=cv2.INTER_AREA)
    dark = 255.0 - small.astype(np.float32)
    return tuple(cv2.GaussianBlur(dark, (0, 0), max(0.3, share * HEIGHT)) for share in BLURS)


def _normalised(piece: np.ndarray) -> np.ndarray:
    """A piece's ink ``HEIGHT`` px high, dark = high, mean 0."""
    h, w = piece.shape
    size = (max(1, round(w * HEIGHT / h)), HEIGHT)
    scaled = cv2.resize(
        piece, size, interpolation=cv2.INTER_AREA if h > HEIGHT else cv2.INTER_CUBIC
    )
    dark = 255.0 - scaled.astype(np.float32)
    return dark - dark.mean()


def similarity(piece: np.ndarray, templates: tuple[np.ndarray, ...]) -> float:
    """Normalised cross-correlation of a piece (``_normalised``) with a rendered label
    stretched to its width, the best over the label's blurs; -1 when their proportions
    differ."""
    w = piece.shape[1]
    if not templates or abs(np.log(w / templates[0].shape[1])) > MAX_LOG_ASPECT:
        return -1.0
    a_norm = float(np.sqrt((piece * piece).sum()))
    best = -1.0
    for t in templates:
        b = cv2.resize(t, (w, HEIGHT), interpolation=cv2.INTER_AREA)
        b -= b.mean()
        den = a_norm * float(np.sqrt((b * b).sum()))
        if den > 0:
            best = max(best, float((piece * b).sum()) / den)
    return best


@cache
def _vocabulary(templates: tuple[FieldTemplate, ...]) -> tuple[tuple[str, str], ...]:
    """(spelling, field) of every Latin-script label of ``templates`` (the base-14 faces
    have no Han characters)."""
    out = []
    for tpl in templates:
        for rx in tpl.labels:
            for s in spellings(rx):
                if s.isascii():
                    # Bills of lading and Chinese forms print their captions in capitals.
                    out += [(s, tpl.name)] + ([(s.upper(), tpl.name)] if s != s.upper() else [])
    return tuple(dict.fromkeys(out))


def best_label(piece: np.ndarray, templates: tuple[FieldTemplate, ...]):
    """(spelling, field, score, next field's score) of the label ``piece`` looks like most."""
    by_field: dict[str, tuple[float, str]] = {}
    norm = _normalised(piece)
    for text, name in _vocabulary(templates):
        for font in FONTS:
            score = similarity(norm, _templates(text, font))
            if score > by_field.get(name, (-1.0, ""))[0]:
                by_field[name] = (score, text)
    ranked = sorted(((s, t, f) for f, (s, t) in by_field.items()), reverse=True)
    if not ranked:
        return None
    score, text, name = ranked[0]
    runner = ranked[1][0] if len(ranked) > 1 else -1.0
    return text, name, score, runner


def _inside(box: Box, other: Box) -> bool:
    cx, cy = (other[0] + other[2]) / 2, (other[1] + other[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _alnum(text: str) -> int:
    return sum(c.isalnum() for c in text)


def _cells(words: list[Word]) -> list[Box]:
    """The boxes of the cells of ``words``: each line (by line key) split where the gap
    between two words is wider than two line heights (the next column of a grid)."""
    groups: dict[tuple, list[Word]] = {}
    for w in words:
        groups.setdefault(w.line_key, []).append(w)
    cells = []
    for ws in groups.values():
        ws.sort(key=lambda w: w.box[0])
        height = float(np.median([w.box[3] - w.box[1] for w in ws]))
        box = list(ws[0].box)
        for w in ws[1:]:
            if w.box[0] - box[2] > 2 * height:
                cells.append(tuple(box))
                box = list(w.box)
            else:
                box = [box[0], min(box[1], w.box[1]), w.box[2], max(box[3], w.box[3])]
        cells.append(tuple(box))
    return cells


def _marks(region: np.ndarray, height: float) -> list[tuple[int, int, int, int]]:
    """Letter-sized ink marks (x0, y0, x1, y1) of a region, sorted left to right: a local
    threshold (the grey of small captions is lighter than the page-wide ink threshold);
    hairlines, what painting out the table rules left, are no letters (letters are 3 px
    and more wide on an enlarged page)."""
    block = 2 * int(max(3, height)) + 1
    mask = cv2.adaptiveThreshold(
        region, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, FAINT_C
    )
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    x, y, w, h, area = (stats[1:, i] for i in range(5))
    ok = (h >= 0.15 * height) & (h <= 1.2 * height) & (area >= 4) & (w >= 3)
    return sorted(zip(x[ok], y[ok], (x + w)[ok], (y + h)[ok], strict=True))


def caption_over(
    gray: np.ndarray, value: Box, height: float, sure: list[Word], templates
) -> Box | None:
    """The box of an unread caption printed over a value line, starting near its left edge:
    ink a little above the value, its letters smaller than the value's, its marks a few
    letters apart at most; None when there is none, when OCR read a label there, or when
    the line above is print of the value's size (the value of the row above)."""
    x0, y0, x1, y1 = (int(v) for v in value)
    letters = _marks(gray[y0:y1, x0:x1], height)
    if not letters:
        return None
    # The value's print, ascenders to descenders: set in one size, a caption is smaller.
    size = float(max(m[3] for m in letters) - min(m[1] for m in letters))
    top = int(max(0, y0 - BAND_ABOVE * height))
    bottom = int(y0 - 0.05 * height)
    left = int(max(0, x0 - 0.5 * height))
    right = int(min(gray.shape[1], max(x1, x0 + MAX_WIDTH_CHARS * 0.5 * height)))
    if bottom - top < 4 or right - left < 4:
        return None
    marks = [m for m in _marks(gray[top:bottom, left:right], height) if m[3] - m[1] <= size]
    # The band may hold the foot of the row above: the caption is the lowest line of marks.
    lines: list[list] = []
    for m in sorted(marks, key=lambda m: -m[3]):
        line = next((ln for ln in lines if _share(m, ln[0]) >= 0.5), None)
        if line is None:
            lines.append([m])
        else:
            line.append(m)
    marks = sorted(lines[0]) if lines else []
    if not marks or marks[0][0] > (x0 - left) + 1.2 * height:
        return None  # captions start where their value starts
    bx0, by0, bx1, by1 = marks[0]
    kept = [marks[0]]
    for m in marks[1:]:
        if m[0] - bx1 > CELL_GAP * (by1 - by0):
            break
        kept.append(m)
        bx0, by0, bx1, by1 = min(bx0, m[0]), min(by0, m[1]), max(bx1, m[2]), max(by1, m[3])
    letter = float(np.median([m[3] - m[1] for m in kept]))
    if by1 - by0 > MAX_CAPTION * size or bx1 - bx0 < 1.5 * letter:
        return None  # print of the value's size: a line, not a caption
    box = (float(bx0 + left), float(by0 + top), float(bx1 + left), float(by1 + top))
    over = [w for w in sure if boxes_overlap(box, w.box)]
    if over and _has_label(" ".join(w.text for w in over), templates):
        return None  # a caption OCR read: extraction finds it
    return box


def add_captions(
    page: PageText, image: np.ndarray, templates: tuple[FieldTemplate, ...]
) -> tuple[PageText, list[str]]:
    """``page`` with the captions recognised by shape over its value lines added as weak
    label words (the junk OCR read over them removed), and a note for each."""
    if page.method != "ocr" or not page.words:
        return page, []
    if not any(n.startswith("upscale") for n in page.notes):
        # Print large enough not to need enlarging is read by OCR, captions included: a
        # 200 dpi scan prints a 6 pt caption 12 px high.
        return page, []
    gray = to_gray(image)
    sure = [w for w in page.words if w.conf >= SURE_CONF and _alnum(w.text) >= 2]
    values = [w for w in page.words if w.conf >= VALUE_CONF and _alnum(w.text) >= 2]
    added: list[Word] = []
    captions: list[Box] = []  # every piece that looks like some label, recognised or not
    cells: list[Box] = []  # the value cell under each recognised caption
    notes: list[str] = []
    for value in _cells(values):
        height = value[3] - value[1]
        box = caption_over(gray, value, height, sure, templates)
        if box is None or any(boxes_overlap(box, c) for c in captions):
            continue
        x0, y0, x1, y1 = (int(v) for v in box)
        piece = _ink(gray[y0:y1, x0:x1])
        if piece is None or piece.shape[0] < MIN_PIECE_HEIGHT:
            continue
        found = best_label(piece, templates)
        if found is None or found[2] < MIN_SCORE:
            continue
        text, name, score, runner = found
        captions.append(box)
        where = tuple(round(v) for v in box)
        if score - runner < MIN_MARGIN:
            notes.append(
                f"caption at {where} not recognised: {text!r} ({name}) {score:.2f},"
                f" another field {runner:.2f}"
            )
            continue
        added.append(Word(text, box, CAPTION_CONF, (CAPTION_LINE_KEY, len(added), 0)))
        cells.append(value)
        notes.append(
            f"caption {text!r} ({name}) recognised by shape at {where}: {score:.2f},"
            f" next field {runner:.2f}"
        )
    if not captions:
        return page, notes
    # What OCR read over a caption is its garble, not a value ("Commoner are" for
    # "Destination Country", "OF" for "PORT OF LOADING"): all of it under a recognised
    # caption, the weak words under one that could be two labels. What stands beside a
    # recognised caption is not its value either: extraction takes the value under it.
    named = [a.box for a in added]
    kept = [
        w
        for w in page.words
        if not any(_inside(c, w.box) for c in named)
        and (w.conf >= SURE_CONF or not any(_inside(c, w.box) for c in captions))
    ]
    # The value under a caption is a cell of its own, though OCR strung it into one line
    # with its neighbour's ("... Export Co. Ltd. AutoImport Odesa LLC" under "Consignee").
    for n, cell in enumerate(cells):
        key = (VALUE_LINE_KEY, n, 0)
        kept = [replace(w, line_key=key) if _inside(cell, w.box) else w for w in kept]
    return replace(page, words=kept + added), notes


def is_caption(word: Word) -> bool:
    """Whether ``word`` is a caption this module added: extraction takes its value under it,
    never beside it (a garbled neighbour caption stands there)."""
    return word.line_key[:1] == (CAPTION_LINE_KEY,)


def _share(a, b) -> float:
    """How much of the lower of two marks' heights they share vertically."""
    shared = min(a[3], b[3]) - max(a[1], b[1])
    return shared / max(1, min(a[3] - a[1], b[3] - b[1]))


def _has_label(text: str, templates: tuple[FieldTemplate, ...]) -> bool:
    return any(rx.search(text) for tpl in templates for rx in tpl.labels)

