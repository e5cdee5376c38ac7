"""Form labels garbled by OCR, matched to the label they most resemble.

A phone photo of a form prints its labels at a few pixels: Tesseract reads the values beside
them and garbles the labels ("EXPORTER MAME", "VALID UNTE", "Laten on Board", "Mode!"), and a
value without its label is no field. On an OCR page, a short, weakly read piece of a line that
holds no label is compared, by edit distance (rapidfuzz), with every spelling of the labels
the document type knows; when one label is clearly the closest and close enough, the piece is
rewritten as that label. The value beside or under it is then read as usual, and keeps its own
source: only label words are ever rewritten, never a value.

A label OCR garbled in front of its value ("Manutacture Year: 2023", "出三年份 : 2021") is
rewritten the same way, its head up to the colon only: the colon says where the label ends,
and the value after it is left as read. Chinese labels are compared only there, before a
colon, or in a cell of four characters or more that opens its line before its value's cell
("出厂日其 | 2024"): a few Han characters one stroke apart are too easily a value of their own.
Where a garbled label is as close to two fields' labels, the value after it decides: the
field whose parser reads it (出三日期 before "2019-07": a year of manufacture, no date of issue).

The spellings come from the label patterns themselves (``templates/fields.yaml``): each pattern
is expanded into the few strings it matches, one per alternative, optional parts with and
without, whitespace as one space. A general generator (exrex) enumerates every whitespace and
wildcard character instead, thousands of strings a label; this expander is 40 lines on the
standard library's own regex parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from itertools import product

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

try:  # Python 3.11+ keeps the parser here; sre_parse is its deprecated alias
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

from extractors.layout import line_units
from extractors.page import PageText, Word, union_box
from extractors.templates import FieldTemplate

# A piece is a candidate when it has at most this many words, at least this many letters,
# and OCR was this unsure of it (mean confidence); a sure reading is what the page says.
MAX_WORDS = 5
MIN_LETTERS = 5
MAX_CONF = 0.92
# Similarity (1 - edit distance / length) needed: one error in five letters, a quarter of a
# longer label; and the margin by which the best label must beat any other field's.
MIN_SIMILARITY_SHORT = 0.8
MIN_SIMILARITY = 0.75
MIN_MARGIN = 0.08
MAX_SPELLINGS = 32
# A Chinese label is a few characters, each worth a Latin word: one misread in four.
MIN_CJK = 3
MIN_SIMILARITY_CJK = 0.75
MIN_CJK_CELL = 4
# A label read surely is rewritten only when this long and one letter off.
MIN_SURE_LETTERS = 12
_COLONS = (":", "：")
_COLON_END = "".join(_COLONS) + " "
_TRIM = " |:;.,-_—–'‘’\"[](){}!/\\"


def _expand(parsed, limit: int = MAX_SPELLINGS) -> list[str]:
    """The strings a parsed pattern matches, one per alternative (at most ``limit``)."""
    outs = [""]
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            options = [chr(arg)]
        elif name == "IN":
            options = _set_options(arg)
        elif name == "CATEGORY":
            options = [" " if "SPACE" in str(arg) else "0" if "DIGIT" in str(arg) else "a"]
        elif name == "ANY":
            options = [" "]
        elif name == "BRANCH":
            options = [s for branch in arg[1] for s in _expand(branch, limit)]
        elif name == "SUBPATTERN":
            options = _expand(arg[-1], limit)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            once = _expand(sub, limit)
            options = ([""] if low == 0 else []) + ([s * max(1, low) for s in once] if high else [])
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            return []  # a construct labels do not use: no spelling rather than a wrong one
        outs = [a + b for a, b in product(outs, options)][:limit]
    return outs


def _set_options(items) -> list[str]:
    """A character set's letters when it lists a few ("Licen[cs]e"), else one of them."""
    letters = [chr(arg) for op, arg in items if str(op) == "LITERAL"]
    if letters and len(letters) == len(items) and len(letters) <= 3:
        return letters
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            return [chr(arg)]
        if name == "RANGE":
            return [chr(arg[0])]
        if name == "CATEGORY":
            return [" " if "SPACE" in str(arg) else "0" if "DIGIT" in str(arg) else "a"]
    return [" "]


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _normal(text: str) -> str:
    text = " ".join(text.lower().split()).strip(_TRIM + "：")
    # OCR spaces Han characters out ("出 厂 年份"); a Chinese label has no spaces.
    return text.replace(" ", "") if any(_is_cjk(ch) for ch in text) else text


def _latin(text: str) -> int:
    return sum(ch.isascii() and ch.isalpha() for ch in text)


def _printed(rx: re.Pattern[str], space: str) -> list[str]:
    """The strings a label pattern matches, its whitespace printed as ``space``."""
    found = (space.join(s.split()) for s in _expand(sre_parse.parse(rx.pattern, rx.flags)))
    return list(dict.fromkeys(s for s in found if rx.fullmatch(s)))


@cache
def spellings(rx: re.Pattern[str]) -> tuple[str, ...]:
    """The Latin-script strings a label pattern matches, as labels are printed."""
    return tuple(s for s in _printed(rx, " ") if _latin(s) >= 2)


def _chinese(text: str) -> bool:
    """Whether ``text`` is a Chinese label's length of Han characters and no Latin letter."""
    return sum(_is_cjk(ch) for ch in text) >= MIN_CJK and not _latin(text)


@cache
def cjk_spellings(rx: re.Pattern[str]) -> tuple[str, ...]:
    """The Chinese strings a label pattern matches (``(?:出厂|制造)(?:年份|日期)``: four)."""
    return tuple(s for s in _printed(rx, "") if _chinese(s))


@cache
def _table(
    templates: tuple[FieldTemplate, ...], cjk: bool = False
) -> tuple[list[str], list[str], list[str]]:
    """(normalised spelling, spelling, field) of every label of ``templates``, the Latin
    ones or (``cjk``) the Chinese ones."""
    keys, shown, owners = [], [], []
    for tpl in templates:
        for rx in tpl.labels:
            for s in cjk_spellings(rx) if cjk else spellings(rx):
                if _normal(s) not in keys:
                    keys.append(_normal(s))
                    shown.append(s)
                    owners.append(tpl.name)
    return keys, shown, owners


def _is_label(text: str, templates: Iterable[FieldTemplate]) -> bool:
    """Whether the whole piece reads as a label already (a label with a garbled word after
    it, "EXPORTER MAME", does not)."""
    text = text.strip(_TRIM)
    return any(rx.fullmatch(text) for tpl in templates for rx in tpl.labels)


def match_label(
    text: str,
    templates: tuple[FieldTemplate, ...],
    *,
    cjk: bool = False,
    holds: Callable[[str], bool] | None = None,
) -> tuple[str, str] | None:
    """(field, label spelling) that garbled ``text`` most resembles, if one clearly does;
    with ``cjk``, a Chinese ``text`` among the Chinese labels. Where two fields' labels are
    as close, ``holds`` (whether a field can hold the value read after the label) settles
    it: 出三日期 before "2023-05" is 出厂日期 (a year), not 出具日期 (a date)."""
    key = _normal(text)
    if cjk:
        if not _chinese(key):
            return None
    elif sum(ch.isalpha() for ch in key) < MIN_LETTERS or any(_is_cjk(ch) for ch in key):
        return None
    keys, shown, owners = _table(templates, cjk)
    if not keys:
        return None
    scores = process.cdist([key], keys, scorer=Levenshtein.normalized_similarity)[0]
    best = int(np.argmax(scores))
    short = MIN_SIMILARITY_SHORT if len(key) < 8 else MIN_SIMILARITY
    need = MIN_SIMILARITY_CJK if cjk else short
    if scores[best] < need:
        return None
    others = [s for s, f in zip(scores, owners, strict=True) if f != owners[best]]
    if others and scores[best] - max(others) < MIN_MARGIN:
        # Another field's label is as close: only the value may settle it, asked of those
        # fields alone.
        close = {f for s, f in zip(scores, owners, strict=True) if scores[best] - s < MIN_MARGIN}
        close.discard(owners[best])
        if holds is None or not holds(owners[best]) or any(holds(f) for f in close):
            return None
    return owners[best], shown[best]


def _garbled_label(text: str, templates: tuple[FieldTemplate, ...]) -> tuple[str, str] | None:
    """The label a piece is a garbled reading of; None when the piece holds a value.

    A label with its value ("Engine Displacement: 120", "Model Note") must never become the
    bare label: after a colon there is a value; after a label read right, only the garbled
    rest of a longer label may follow ("EXPORTER MAME" for "Exporter Name").
    """
    piece = text.strip(_TRIM)
    head, colon, after = piece.partition(":")
    if colon and after.strip(_TRIM):
        return None
    exact = next(
        (m for tpl in templates for rx in tpl.labels if (m := rx.match(piece))), None
    )
    found = match_label(text, templates)
    if found is None or exact is None:
        return found
    said, label = _normal(exact.group(0)), _normal(found[1])
    rest, tail = _normal(piece[exact.end() :]), label[len(said) :].strip()
    if not label.startswith(said) or not tail:
        return None
    if Levenshtein.normalized_similarity(rest, tail) < MIN_SIMILARITY:
        return None
    return found


def _head(unit: list[Word]) -> list[Word] | None:
    """The words of a unit up to the one that ends in a colon, when a value follows it."""
    for i, w in enumerate(unit[:-1]):
        if w.text.endswith(_COLONS):
            return unit[: i + 1]
    return None


def _garbled_head(
    text: str, templates: tuple[FieldTemplate, ...], holds: Callable[[str], bool] | None
) -> tuple[str, str] | None:
    """The label a piece ending in a colon, a value after it, is a garbled reading of."""
    if any(_is_cjk(ch) for ch in text):
        return match_label(text, templates, cjk=True, holds=holds)
    return _garbled_label(text.rstrip(_COLON_END), templates)


def _leads_its_line(units: list[list[Word]], n: int) -> bool:
    """Whether unit ``n`` opens its line and another cell follows it on that line."""
    key = units[n][0].line_key
    first = n == 0 or units[n - 1][0].line_key != key
    return first and n + 1 < len(units) and units[n + 1][0].line_key == key


def _holder(fits: Callable[[str, str], bool] | None, value: str) -> Callable[[str], bool] | None:
    """Whether a field can hold ``value``, as ``match_label`` asks it."""
    return None if fits is None else lambda field: fits(field, value)


def _garbled_cjk_cell(
    text: str, templates: tuple[FieldTemplate, ...], holds: Callable[[str], bool] | None
) -> tuple[str, str] | None:
    """The Chinese label a cell that opens a line, its value in the next cell, is a garbled
    reading of ("出厂日其 | 2024"): a label of four or more characters, where one misread
    leaves three that are no value's."""
    key = _normal(text)
    if len(key) < MIN_CJK_CELL or not _chinese(key):
        return None
    return match_label(key, templates, cjk=True, holds=holds)


def _weak(words: list[Word], templates: tuple[FieldTemplate, ...]) -> str | None:
    """The words' text when they are a short, weak reading that is no label as read, or a
    long label read surely but for one letter ("Year of Manutacture", "Date of Inepection")."""
    text = " ".join(w.text for w in words)
    if len(words) > MAX_WORDS or _is_label(text.rstrip(_COLON_END), templates):
        return None
    if sum(w.conf for w in words) / len(words) >= MAX_CONF and not _misspelt(text, templates):
        return None
    return text


def _misspelt(text: str, templates: tuple[FieldTemplate, ...]) -> bool:
    """Whether ``text`` is one edit from a label spelling of MIN_SURE_LETTERS letters or more:
    OCR sure of every word but one letter of a long label."""
    key = _normal(text.rstrip(_COLON_END).strip(_TRIM))
    if sum(ch.isalpha() for ch in key) < MIN_SURE_LETTERS:
        return False
    best = process.extractOne(key, _table(templates)[0], scorer=Levenshtein.distance,
                              score_cutoff=1)
    return best is not None and best[1] == 1


def repair_labels(
    page: PageText,
    templates: tuple[FieldTemplate, ...],
    fits: Callable[[str, str], bool] | None = None,
) -> PageText:
    """The page with its garbled labels rewritten, bare or before a colon and their value
    (an OCR page; others unchanged). ``fits(field, text)``, whether ``text`` reads as a value
    of ``field``, tells apart two labels a garbled head resembles alike."""
    if page.method != "ocr":
        return page
    rewritten: dict[int, Word] = {}
    dropped: set[int] = set()
    units = line_units(page.words)
    for n, unit in enumerate(units):
        text = _weak(unit, templates)
        found = _garbled_label(text, templates) if text is not None else None
        colon = ""
        if found is None and text is not None and _leads_its_line(units, n):
            value = " ".join(w.text for w in units[n + 1])
            found = _garbled_cjk_cell(text, templates, _holder(fits, value))
        if found is None and (head := _head(unit)) is not None:
            text = _weak(head, templates)
            value = " ".join(w.text for w in unit[len(head) :])
            holds = _holder(fits, value)
            found = _garbled_head(text, templates, holds) if text is not None else None
            unit, colon = head, ":"
        if found is None:
            continue
        label = Word(found[1] + colon, union_box(w.box for w in unit),
                     min(w.conf for w in unit), unit[0].line_key)
        rewritten[id(unit[0])] = label
        dropped.update(id(w) for w in unit[1:])
    if not rewritten:
        return page
    words = [rewritten.get(id(w), w) for w in page.words if id(w) not in dropped]
    notes = [*page.notes, f"labels: {len(rewritten)} garbled labels matched"]
    return PageText(page.number, page.width, page.height, words, page.method, page.unit, notes)
