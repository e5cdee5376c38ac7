"""Which kind of document this is, from its title and content, with a confidence.

Titles near the top of the first page are strong evidence, the same title in the body (a
contract mentioning "the Bill of Lading") weak; keywords anywhere add a little. Two types that
both match are resolved by score, never by the order of the templates. A low score or a thin
margin is ``unknown``: a wrong type would send the document's fields to the wrong checks.
Images with almost no text are photos of the vehicle; a short text around a VIN is a VIN plate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checks.vin import is_chassis_number
from extractors.layout import Cell, Row, build_rows
from extractors.page import PageText
from extractors.templates import doctype_templates
from extractors.vin_reader import find_vins
from verifier.models import DocType

TITLE_TOP = 9.0  # a title in the top third of page 1
TITLE_BODY = 2.5  # the same words anywhere else
HEADING_ROWS = 3  # a title may be the page's heading: one of its first rows
KEYWORD = 0.6
KEYWORD_CAP = 3.6
MIN_SCORE = 4.0  # below this nothing is recognised
# Words of at least this OCR confidence and length count as legible text on an image.
LEGIBLE_CONF = 0.6
PHOTO_MAX_WORDS = 12
PLATE_MAX_WORDS = 40



@dataclass(frozen=True)
class Classification:
    type: DocType
    confidence: float
    reason: str
    scores: dict[str, float] = field(default_factory=dict)


def legible_words(pages: list[PageText]) -> list[str]:
    return [
        w.text
        for p in pages
        for w in p.words
        if w.conf >= LEGIBLE_CONF and sum(ch.isalnum() for ch in w.text) >= 3
    ]


def _opens_heading(word: re.Pattern[str], first: PageText, row: Row, cell: Cell) -> bool:
    """Whether ``cell`` opens one of the first rows of page 1 with ``word``, whole."""
    tokens = cell.text.split()
    return (
        row.page == first.number
        and row.index < HEADING_ROWS
        and cell is row.cells[0]
        and bool(tokens)
        and word.fullmatch(tokens[0].strip(".,:;'\"")) is not None
    )


def score_types(pages: list[PageText]) -> dict[DocType, float]:
    """Title and keyword score of every document type over the first pages."""
    scores: dict[DocType, float] = {}
    head = pages[:3]
    rows = [(p, r) for p in head for r in build_rows(p)]
    body = "\n".join(r.text for _, r in rows)
    cells = [(page, row, cell) for page, row in rows for cell in row.cells]
    # A title set with wide spacing falls apart into cells ("Vehicle Purchase | Contract"):
    # a short row is also read whole.
    cells += [
        (page, row, Cell(tuple(w for c in row.cells for w in c.words), row.page, row.index))
        for page, row in rows
        if 1 < len(row.cells) <= 3 and len(row.text.split()) <= 8
    ]
    heights = sorted(w.box[3] - w.box[1] for p in head for w in p.words)
    body_height = heights[len(heights) // 2] if heights else 0.0
    for dtype, tpl in doctype_templates().items():
        title = 0.0
        for page, row, cell in cells:
            text = cell.text.strip()
            for rx in tpl.titles:
                m = rx.search(text)
                if not m:
                    continue
                near_top = page is head[0] and row.box[1] <= page.height * 0.34
                # A title is most of its cell, or leads a cell set larger than the body
                # ("Export License of the People's Republic of China"); a sentence that
                # mentions it is not a title.
                big = cell.height >= 1.2 * body_height > 0
                whole = len(m.group(0).strip()) >= 0.5 * len(text) or (
                    big and (m.start() == 0 or m.end() >= len(text) - 1)
                )
                # The page's heading: one of its first lines, alone on it, opening with the
                # title (after at most an issuer's acronym: "KEBS PVoC Certificate …") and
                # going on in words ("Export License of the People's Republic of China"),
                # read no larger than the body from a blurred photo. A section heading further
                # down ("卖方声明 Disclosure") is not the document's title, and "Bill of Lading
                # No.: 123" is a label.
                rest = text[m.end() :]
                heading = (
                    row.index < HEADING_ROWS and len(text[: m.start()].split()) <= 1
                    and len(row.cells) == 1
                    and not any(ch.isdigit() or ch in ":：" for ch in rest)
                )
                # Titles are capitalised ("Inspection Report", "BILL OF LADING"); a match that
                # starts in lower case is a sentence mentioning the document ("… submit an
                # inspection report and photos.").
                sentence = m.group(0).lstrip()[:1].islower()
                titled = near_top and (whole or heading) and not sentence
                title = max(title, TITLE_TOP if titled else TITLE_BODY)
        if not title and any(_opens_heading(rx, head[0], row, cell) for rx in tpl.title_words
                             for _, row, cell in cells):
            title = TITLE_BODY  # the heading's first word, the rest of it garbled
        kw = sum(KEYWORD for rx in tpl.keywords if rx.search(body))
        scores[dtype] = title + min(kw, KEYWORD_CAP)
    return scores


def classify(pages: list[PageText], *, medium: str) -> Classification:
    """Classify a read document; ``medium`` is ``pdf``, ``image`` or ``video``."""
    if medium == "video":
        return Classification(DocType.video, 1.0, "video file")
    legible = legible_words(pages)
    scores = score_types(pages)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    named = {k.value: round(v, 2) for k, v in ranked if v > 0}
    # A Japanese domestic plate states a frame number (GGL15-2711896), not a VIN.
    has_vin = any(find_vins(p.text) for p in pages) or any(
        is_chassis_number(w.text) for p in pages for w in p.words
    )
    # An image of a document with a readable title is that document, whatever it also shows.
    if medium == "image" and top < MIN_SCORE + 2 and len(legible) <= PLATE_MAX_WORDS:
        plate = scores.get(DocType.vin_verification, 0.0)
        if has_vin or plate >= 2 * KEYWORD:
            conf = 0.8 if plate > 0 and has_vin else 0.65
            why = "short text around a VIN" if has_vin else "the wording of a VIN plate"
            return Classification(DocType.vin_verification, conf, why, named)
        if len(legible) <= PHOTO_MAX_WORDS:
            return Classification(DocType.photo, 0.9, "image with no legible text", named)
    if top < MIN_SCORE:
        if medium == "image" and len(legible) <= PHOTO_MAX_WORDS:
            return Classification(DocType.photo, 0.7, "image with little legible text", named)
        return Classification(DocType.unknown, 0.0, f"no document type scored {MIN_SCORE}", named)
    margin = (top - second) / top
    confidence = round(min(0.99, 0.4 + 0.6 * margin * min(top / TITLE_TOP, 1.0)), 3)
    if confidence < 0.5:
        return Classification(
            DocType.unknown, confidence, f"ambiguous between {best.value} and others", named
        )
    return Classification(best, confidence, "title and keywords", named)
