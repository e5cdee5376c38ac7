"""Field extraction: find each field's label on the page, read the value beside or below it.

The label patterns are data (``templates/``); this module only knows where values sit relative
to labels (:mod:`extractors.layout`) and how to parse each kind of value
(:mod:`extractors.normalize`). Every value keeps its source: page, box, confidence, the raw text
it was read from and any OCR correction. Fields that carry no label (containers, service-history
rows, a VIN printed in a goods description) are found in the free text afterwards.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from statistics import median
from typing import Any, NamedTuple

from rapidfuzz.distance import Levenshtein

from checks import container as container_check
from checks import wmi
from checks.route import (
    country_code,
    country_named,
    nearest_country_name,
    port_countries,
    port_named,
)
from checks.vin import compact_chassis_number, is_chassis_number
from extractors import normalize
from extractors.label_repair import match_label, repair_labels
from extractors.label_shape import is_caption
from extractors.layout import Cell, Row, build_rows, cell_above, cell_below
from extractors.ocr import join_cjk
from extractors.page import Box, PageText, Word, boxes_overlap, union_box
from extractors.templates import (
    OTHER,
    FieldTemplate,
    doctype_templates,
    field_templates,
    other_labels,
    stated_fields,
)
from extractors.vin_reader import (
    VinReading,
    check_digit_used,
    find_chassis_numbers,
    find_vins,
    plausible_vin,
    read_vin,
)
from verifier.models import DocType

# Re-reads regions of an OCR page more carefully, in one go: (page number, boxes, purpose)
# -> the words of each box. Purpose "vin" reads one VIN-alphabet word, "vin_line" a line of
# VIN-alphabet text, "line" a line of text, "line_zh" a line of Chinese.
Rereader = Callable[[int, list[Box], str], list[list[Word]]]

_SEPARATORS = " \t:：;,，、-–—=|.#"


def _blank(rest: str) -> bool:
    """Whether what follows a label in its cell leaves it bare: separators, or a "!" glued
    to it (a rule's residue: "Model!"; after a colon, "Model: !", it is a value unread)."""
    return not rest.strip(_SEPARATORS) or rest == "!"


_VESSEL_VOYAGE = re.compile(
    r"\s*(?:[/,]\s*|\s)(?:V(?:OY(?:AGE)?)?\.?\s*(?:NO\.?)?\s*[-.:]?\s*)?[0-9]{2,4}[A-Z]?\s*$",
    re.IGNORECASE,
)
_YEAR_MAKE = re.compile(r"\b(19[5-9]\d|20\d\d)\s+([A-Za-z][A-Za-z-]+(?:\s+[A-Za-z-]+)?)")
_IDENT = re.compile(r"[A-Z0-9][A-Z0-9/._-]{2,39}", re.IGNORECASE)
_DAY_FIRST_LANGUAGE = re.compile(
    r"immatricul|certificat\b|Fahrzeug|Zulassung|Datum|Fecha|matr[íi]cula|carte grise", re.I
)
_DMY_HINT = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")


@dataclass
class Value:
    value: Any
    page: int
    box: Box | None
    confidence: float
    raw: str
    method: str
    corrections: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    rank: tuple = ()


@dataclass
class Extraction:
    values: dict[str, Value]
    vin_candidates: list[Value]  # every VIN reading, best first, for agreement across documents
    notes: list[str]


@dataclass(frozen=True)
class _Span:
    """Text of a run of words and where each word starts in it."""

    words: tuple[Word, ...]
    page: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def sub(self, start: int, end: int) -> tuple[Word, ...]:
        out, pos = [], 0
        for w in self.words:
            if pos < end and pos + len(w.text) > start:
                out.append(w)
            pos += len(w.text) + 1
        return tuple(out)


# ---------------------------------------------------------------- value parsers


def _latest_year() -> int:
    """The latest year a car can state: next year's model year."""
    return dt.date.today().year + 1


def _day_first(pages: list[PageText]) -> bool | None:
    """Whether the document writes dd/mm: decided by any date whose day is above 12."""
    votes = {True: 0, False: 0}
    for p in pages:
        for a, b, _ in _DMY_HINT.findall(p.text):
            if int(a) > 12 >= int(b):
                votes[True] += 1
            elif int(b) > 12 >= int(a):
                votes[False] += 1
    if votes[True] == votes[False]:
        # No date decides it: a document in a language that writes dd/mm does.
        text = "\n".join(p.text for p in pages[:2])
        return True if _DAY_FIRST_LANGUAGE.search(text) else None
    return votes[True] > votes[False]


def _first_line(text: str) -> str:
    # A trailing full stop belongs to "Co., Ltd." or "INC."; other punctuation does not.
    return text.strip().lstrip(_SEPARATORS).rstrip(" \t:：;,-–—=|#").strip()


def _as_printed(reading: VinReading) -> VinReading:
    """A text layer has no OCR errors: the VIN is what it says, I, O, Q or a wrong check
    digit included, for the checks to judge; nothing is "corrected"."""
    if not reading.corrections:
        return reading
    printed = "".join(ch for ch in reading.raw.upper() if ch.isalnum())
    return replace(reading, vin=printed, corrections=(), check_digit_ok=False)


def _alnum_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _read_vin(text: str, ctx: dict) -> VinReading | None:
    ocr = ctx.get("ocr", True)
    # Substituting look-alike characters to satisfy a check digit is for OCR only.
    mandatory = ctx.get("mandatory_check") if ocr else False
    reading = read_vin(text, mandatory_check=mandatory)
    if reading is None:
        found = find_vins(text, mandatory_check=mandatory)
        reading = found[0] if found else None
    if reading is None and ocr:
        reading = _read_look_alikes(text, mandatory)
    joined = _alnum_only(text) if reading is None and ocr else ""
    if len(joined) == 17 and 2 <= len(text.split()) <= 3:
        # A labelled value OCR split at a gap ("JTHEMTOE8AX9091 17"): in free text pieces
        # may be words strung together (vin_reader); after a VIN label they are the VIN.
        # Kept only when it names a maker and passes the check digit the maker uses, as
        # read or once read again (extract: _unconfirmed_join).
        reading = read_vin(joined, mandatory_check=mandatory)
        if reading is not None:
            note = f"joined {text.strip()!r}"
            reading = replace(reading, raw=text.strip(), corrections=(note, *reading.corrections))
    if reading is not None and not ocr:
        reading = _as_printed(reading)
    return reading


# Marks OCR reads for a VIN's characters on photos: a round G, 0 or 6 as "@", a J's hook as
# ")", a 1 as "|" or "!", an S or 5 as "$"; two V as one W (Chery's LVV read "LW").
_SYMBOL_SHAPES = {"@": "G06", ")": "J1", "|": "1", "!": "1", "$": "S5"}
_MAX_SYMBOLS = 2


def _read_look_alikes(text: str, mandatory) -> VinReading | None:
    """The one reading of :func:`look_alike_readings`; None if none or several (J and 1
    weigh the same in the check digit: "LWTPPJG4)1306889" is LVVTPPJG4J… or LVVTPPJG41…)."""
    found = look_alike_readings(text, mandatory)
    return found[0] if len(found) == 1 else None


def look_alike_readings(text: str, mandatory=None) -> list[VinReading]:
    """A VIN read with marks for characters ("L@WCP2WX2NS781535", "LWTPPJG4)1306889"): the
    readings, each mark put back as a character it looks like and a W one short of 17 as VV,
    whose check digit their maker uses holds with no other character changed."""
    chars = "".join(ch for ch in text if ch.isalnum() or ch in _SYMBOL_SHAPES)
    marks = [i for i, ch in enumerate(chars) if ch in _SYMBOL_SHAPES]
    if len(marks) > _MAX_SYMBOLS or len(chars) not in (16, 17):
        return []
    found: dict[str, VinReading] = {}
    for picks in itertools.product(*(_SYMBOL_SHAPES[chars[i]] for i in marks)):
        base = list(chars)
        notes = []
        for i, ch in zip(marks, picks, strict=True):
            base[i] = ch
            notes.append(f"{chars[i]}→{ch} at {i + 1}")
        spelled = "".join(base)
        options = [(spelled, notes)] if len(spelled) == 17 else [
            (spelled[:i] + "VV" + spelled[i + 1 :], [*notes, f"W→VV at {i + 1}"])
            for i, ch in enumerate(spelled)
            if ch.upper() == "W"
        ]
        for candidate, why in options:
            if not why:
                continue
            r = read_vin(candidate, mandatory_check=mandatory)
            if r is not None and r.check_digit_ok and check_digit_used(r.vin) and not r.corrections:
                found.setdefault(r.vin, replace(r, raw=text.strip(), corrections=tuple(why)))
    return list(found.values())


def _unconfirmed_join(reading: VinReading) -> bool:
    """A VIN joined from pieces (_read_vin) that names no maker or fails the check digit
    its maker uses: a garble, unless a re-read put it right."""
    return (
        bool(reading.corrections)
        and reading.corrections[0].startswith("joined ")
        and (
            wmi.lookup(reading.vin) is None
            or (check_digit_used(reading.vin) and not reading.check_digit_ok)
        )
    )


def stray_character_readings(text: str) -> list[VinReading]:
    """An OCR reading one character too long ("L6T3 1IMNK3PX355212"): every deletion whose
    check digit holds as read, where the maker uses one (:func:`check_digit_used`) or its WMI
    is a maker's (a Korean maker's exports validate: "KMHE9OXF67JF 240463"). About one
    deletion in eleven passes by chance, so these are only candidates, for the other
    documents to choose between (agreement)."""
    chars = _alnum_only(text)
    if len(chars) != 18:
        return []
    found: dict[str, VinReading] = {}
    for i in range(18):
        r = read_vin(chars[:i] + chars[i + 1 :], mandatory_check=False)
        if (
            r is not None
            and r.check_digit_ok
            and (check_digit_used(r.vin) or wmi.lookup(r.vin) is not None)
        ):
            note = f"dropped stray {chars[i]} at {i + 1}"
            found.setdefault(
                r.vin, replace(r, raw=text.strip(), corrections=(note, *r.corrections))
            )
    return list(found.values())


# A party's role printed under its label ("Seller" over "(Exporter)") read as the value's start.
_ROLE_FIRST = re.compile(
    r"\((?:Exporter|Importer|Seller|Buyer|Consignee|Shipper|Vendor|Purchaser)\)\s*", re.I
)
# Words of a sentence, never of a name: a party value that starts in lower case and holds
# two of them is the sentence its label word began ("Seller confirms that the above…"); OCR
# lower-cases a name's capital ("incheon Auto Export inc.") without making it a sentence.
_SENTENCE_WORDS = frozenset(["the", "that", "this", "is", "are", "was", "were", "of", "to", "and",
                             "its", "it", "above", "below", "hereby", "which", "with"])  # fmt: skip


# Of those, the ones no company's or authority's name holds.
_CLAUSE_WORDS = _SENTENCE_WORDS - {"the", "of", "and", "with"}


def _is_sentence(value: str) -> bool:
    """A sentence, not a name: it goes on in lower case with two of its small words, or
    holds three words no name does ("Confirms that the above is true…", capitalised by a
    re-read)."""
    split = value.split()
    if not split:
        return False
    words = [w.lower().strip(".,;") for w in split]
    if split[0].isalpha() and split[0].islower():
        return sum(w in _SENTENCE_WORDS for w in words) >= 2
    return sum(w in _CLAUSE_WORDS for w in words) >= 3


# A speck read as a lone small letter before a name ("x Tianjin Hengda …"): no name starts so.
_SPECK_FIRST = re.compile(r"[a-z]\s+(?=[A-Z][a-z])")
# Specks after a name's legal form ("Co., Ltd. renes", "Co. Lid. Fj"): a name ends there.
_AFTER_LEGAL_FORM = re.compile(
    r"\b(?:Co\.?,?\s*L\w{1,2}d|Ltd|Limited|Inc|LLC|FZE|GmbH|Corp)\.?\s+(\S.*)$", re.I
)


def _junk_tail(tail: str) -> bool:
    """At most three pieces, each lower case, of at most two letters, or holding a digit."""
    tokens = tail.split()
    return len(tokens) <= 3 and all(
        t.islower() or len(t.strip(".,")) <= 2 or any(ch.isdigit() for ch in t) for t in tokens
    )


# A place and its country, a period read for the comma between them.
_PERIOD_FOR_COMMA = re.compile(r"([A-Z][\w' -]+?)\. ([A-Z][\w ]+)")


# A day, a month's abbreviation as OCR misread it ("7 Ape 2023", "29. see. 2025") and a year.
_DAY_MON_YEAR = re.compile(r"(?<!\d)\d{1,2}\.?\s+([A-Za-z]{3})\.?,?\s+\d{4}(?!\d)")
_MON_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                      "nov", "dec")  # fmt: skip


def _ocr_month(text: str) -> tuple[str, dict] | None:
    """The text with a misread month put right: the one abbreviation a single edit away
    ("Ape" → Apr; "Jum" is Jun or Jul: left unread)."""
    m = _DAY_MON_YEAR.search(text)
    if m is None or m[1].lower() in _MON_ABBREVIATIONS:
        return None
    near = [a for a in _MON_ABBREVIATIONS if Levenshtein.distance(m[1].lower(), a) == 1]
    if len(near) != 1:
        return None
    month = near[0].capitalize()
    fixed = text[: m.start(1)] + month + text[m.end(1) :]
    return fixed, {"corrections": [f"month {m[1]!r} read as {month}"]}


_L_SHAPES = str.maketrans("!|", "ll")


def _ocr_make(text: str) -> tuple[str, dict] | None:
    """The brand a misread one-word make names ("Teyots" → Toyota, "testa" → Tesla): the one
    brand name or Latin alias with the same first letter within one edit (two from six
    letters on). "Mande" is two edits from Mazda and from nothing else, yet left unread.
    An l read as ! or | ("Hava!") is an l."""
    word = text.strip().lower().translate(_L_SHAPES)
    if not re.fullmatch(r"[a-z]{4,}", word):
        return None
    most = 1 if len(word) < 6 else 2
    near = {
        brand
        for brand, entry in normalize.load_makes().items()
        for alias in entry["aliases"]
        if alias.isascii()
        and alias[0] == word[0]
        and len(alias) >= 4
        and Levenshtein.distance(alias, word, score_cutoff=most) <= most
    }
    if len(near) != 1:
        return None
    brand = near.pop()
    return brand, {"corrections": [f"make {text.strip()!r} read as {brand}"]}


# A displacement's unit as OCR misread it: a whole number of cc with a garbled unit ("1477
# mi", "2,199 om3"; litres are never a whole number of 600 or more), a turbo's T read as 7
# ("2.27": no issuer gives litres to two decimals).
_CC_GARBLED = re.compile(r"(\d{3,4}|\d,\d{3})\s*([a-z]{1,3}3?)\.?", re.IGNORECASE)
_TURBO_AS_7 = re.compile(r"(\d\.\d)7")


def _ocr_displacement(text: str) -> tuple[str, dict] | None:
    value = text.strip()
    if (m := _CC_GARBLED.fullmatch(value)) and 600 <= int(m[1].replace(",", "")) <= 8000:
        if m[2].lower() in ("l", "kw", "hp", "ps", "km", "kg", "mm"):
            return None  # a unit of something else, read right
        fixed = f"{m[1].replace(',', '')} cc"
    elif m := _TURBO_AS_7.fullmatch(value):
        fixed = f"{m[1]}T"
    else:
        return None
    return fixed, {"corrections": [f"displacement {value!r} read as {fixed}"]}


# "km" as OCR reads it in small print after a reading: rn for m, o or n for a closed m.
_OCR_KM = re.compile(r"\d\s*(krn|kn|ko|ke|kin|kim|kw|lcm)\b", re.IGNORECASE)


# OCR marks inside a printed number: a tilde beside a hyphen or for one ("SC~-2024~-8181"),
# a dollar sign for 5 between digits, else for S ("IR2$07205224"); a space put inside its
# last group, the group then ending the value ("GH-COC-24-85 181").
_TILDE_BY_HYPHEN = re.compile(r"~+(?=[-–])|(?<=[-–])~+")
_TILDE_FOR_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])~(?=[A-Za-z0-9])")
_SPLIT_LAST_GROUP = re.compile(r"\s*(\S*[-/]\d+) (\d+)\s*")
LAST_GROUP_MAX = 8  # digits in the last group of a number once joined (PSI-24-666951)


# A lower-case l in a number otherwise of capitals and digits is OCR's reading of an I
# beside a letter ("Ml240717-09" for MI240717-09), of a 1 between digits.
_UPPER_NUMBER_WITH_L = re.compile(
    r"\b(?=[A-Z0-9l/-]*[A-Z])(?=[A-Z0-9l/-]*\d)[A-Z0-9/-]*l[A-Z0-9l/-]*\b"
)


def _l_in_number(m: re.Match) -> str:
    """The number matched with each l as an I beside a capital, a 1 elsewhere."""
    word = m.group(0)
    return "".join(
        ch if ch != "l" else "I" if (word[i - 1 : i] + word[i + 1 : i + 2]).isupper() else "1"
        for i, ch in enumerate(word)
    )


def _mend_identifier(text: str) -> tuple[str, list[str]]:
    mended = _UPPER_NUMBER_WITH_L.sub(_l_in_number, text)
    mended = _TILDE_BY_HYPHEN.sub("", mended)
    mended = _TILDE_FOR_HYPHEN.sub("-", mended)
    mended = re.sub(r"(?<=\d)\$(?=\d)", "5", mended).replace("$", "S")
    split = _SPLIT_LAST_GROUP.fullmatch(mended)
    if split and len(re.split(r"[-/]", split[1])[-1] + split[2]) <= LAST_GROUP_MAX:
        mended = split[1] + split[2]
    if mended == text:
        return text, []
    return mended, [f"read {text.strip()!r} as {mended.strip()!r}"]


# A B/L number is the carrier's SCAC code and a serial of digits (COSU5912248718,
# HOEG5880143531); a letter of a digit's shape read in the serial is that digit. Only one
# or two of them, in a serial of at least eight digits otherwise: a carrier that puts a
# port code after its SCAC (HLCUSHA…, ONEYSHA…) has letters of other shapes there.
_CARRIER_NUMBER = re.compile(r"([A-Z]{4})([0-9SOBZGI]{8,})")
_DIGIT_SHAPES = str.maketrans("SOBZGI", "508261")


# A B/L number read with a space inside its serial ("COSU8 608316432", "MAEU20328697 13"):
# the carrier's code and one serial of BL_SERIAL digits, the whole value.
_SPLIT_CARRIER_SERIAL = re.compile(r"\s*([A-Z]{4}\d+) (\d+)\s*")
BL_SERIAL = (8, 10)  # the serials of COSCO, Maersk, Hoegh: 9-10 digits


def _join_carrier_serial(text: str, fixed: list[str]) -> tuple[str, list[str]]:
    split = _SPLIT_CARRIER_SERIAL.fullmatch(text)
    if split is None or not BL_SERIAL[0] <= len(split[1]) - 4 + len(split[2]) <= BL_SERIAL[1]:
        return text, fixed
    joined = split[1] + split[2]
    return joined, [*fixed, f"read {text.strip()!r} as {joined!r}"]


def _uncaptioned_bl_number(pages: list[PageText], dtype: DocType, values: dict) -> None:
    """A bill of lading's number with no caption read (nor value re-read under one): the one
    word of a carrier's SCAC code and a serial of 8 digits or more ("HOEG2396474938"; a
    container number has 7, ISO 6346)."""
    if dtype != DocType.bill_of_lading or "document_number" in values:
        return
    found: dict[str, tuple] = {}
    for page in pages:
        for word in page.words:
            text = word.text.strip(".,;:()")
            if _CARRIER_NUMBER.fullmatch(text) and len(text) <= 16:
                number, fixed = _carrier_number(text)
                if number[4:].isdigit():
                    found.setdefault(number, (word, page, fixed))
    if len(found) == 1:
        ((number, (word, page, fixed)),) = found.items()
        values["document_number"] = Value(
            number, page.number, word.box, word.conf, word.text, page.method, fixed, rank=(50,)
        )


# A voyage number: a few digits and the direction sailed (176W, 047E; € is an E misread).
# Its leading zero may be read as an O ("O76N").
_VOYAGE = re.compile(r"(?:V(?:OY)?\.?\s*)?[\dO]\d{1,3}\s?[NSEW€]", re.IGNORECASE)
_SHIP_NAME = re.compile(r"[A-Z][A-Z0-9 .-]{2,39}")
_LEGAL_FORM = re.compile(r"\b(?:Co|Ltd|Limited|Inc|LLC|FZE|GmbH|Corp|K\.K|Pty)\b", re.IGNORECASE)


def _vessel_before_voyage(pages: list[PageText], dtype: DocType, values: dict, labels) -> None:
    """A B/L's vessel whose caption was not read: the one name in capitals printed just before
    a voyage number ("HOEGH TARGET | 176W"), in its cell or the next one, as carriers print
    vessel and voyage side by side. Not a label, a port, a country or a party."""
    if "vessel" in values or "vessel" not in stated_fields(dtype):
        return
    claimed = _claimed(values)
    found = {}
    for page in pages:
        for row in build_rows(page):
            cells = list(row.cells)
            for i, cell in enumerate(cells):
                text = cell.text.strip()
                own = re.fullmatch(r"(.+?)\s+(?:/\s*)?" + _VOYAGE.pattern, text, re.IGNORECASE)
                beside = i + 1 < len(cells) and _VOYAGE.fullmatch(cells[i + 1].text.strip())
                name = own[1].strip() if own else text if beside else None
                if (
                    not name
                    or not _SHIP_NAME.fullmatch(name)
                    or sum(ch.isalpha() for ch in name) < 4
                    or _in_claimed(cell, claimed)
                    or match_label(name, labels)
                    or port_named(name)
                    or country_named(name)
                    or _LEGAL_FORM.search(name)
                ):
                    continue
                found.setdefault(name, (cell, page.method))
    if len(found) == 1:
        (name, (cell, method)), = found.items()
        values["vessel"] = _cell_value(name, cell, method)
        values["vessel"].corrections = ["caption unread: the name printed before a voyage number"]


# A letter, a 1, then six digits and a sequence: "T1240505-57".
_ONE_BEFORE_DATE = re.compile(r"([A-Z])1(\d{6})([-/]\d{1,4})?")


def _dated_number_prefix(values: dict[str, Value]) -> None:
    """A document number that embeds the document's date after a letter prefix
    ("TI240505-57" of 5 May 2024) read with the prefix's I as 1 ("T1240505-57"): the six
    digits after the 1 are the date, so the 1 is the prefix's. Only where they are the date
    the document states, to the day."""
    number, issued = values.get("document_number"), values.get("issue_date")
    if number is None or issued is None or number.method != "ocr":
        return
    m = _ONE_BEFORE_DATE.fullmatch(str(number.value))
    if m is None or not isinstance(issued.value, dt.date):
        return
    if m[2] != issued.value.strftime("%y%m%d"):
        return
    fixed = f"{m[1]}I{m[2]}{m[3] or ''}"
    number.corrections = [
        *number.corrections,
        f"1→I at 2 ({number.value}): {m[2]} is the document's date, after its prefix",
    ]
    number.value = fixed


def _carrier_number(ident: str) -> tuple[str, list[str]]:
    # A SCAC code is capitals: a number OCR read all in lower case ("cosus151141278") is
    # read as capitals.
    lower = ident.islower() and _CARRIER_NUMBER.fullmatch(ident.upper()) is not None
    m = _CARRIER_NUMBER.fullmatch(ident.upper() if lower else ident)
    if m is None:
        return ident, []
    serial = m[2]
    letters = sum(not ch.isdigit() for ch in serial)
    case = ["read in lower case: a SCAC code is capitals"] if lower else []
    if not 1 <= letters <= 2 or len(serial) - letters < 8:
        return (m[0], case) if lower and letters == 0 else (ident, [])
    fixed = m[1] + serial.translate(_DIGIT_SHAPES)
    pairs = enumerate(zip(m[0], fixed, strict=True))
    notes = [f"{a}→{b} at {i + 1}" for i, (a, b) in pairs if a != b]
    return fixed, [*case, *notes, "a B/L serial after the carrier's SCAC code is digits"]


# A frame number's model code OCR read without its digit ("BMSFP-1198882" for BM5FP-…).
_CHASSIS_LETTERS = re.compile(r"(?<![A-Z0-9])([A-Z]{3,6})\s*[-‐‑–—]\s*([0-9]{6,7})(?![A-Z0-9])")


def _chassis_look_alike(text: str) -> tuple[str, list[str]] | None:
    """A Japanese frame number under its caption whose model code holds no digit, mended
    where exactly one of its letters after the first is a digit's look-alike (S/5, B/8, Z/2,
    G/6, O/0, I/1): a model code is letters, then digits (JIS D 0101 frame numbers; GRJ150,
    ZVW30, BM5FP). Several candidates, or none, leave it unread."""
    # a blurred E read as the pound sign: "£12-7815151" for Nissan's E12-7815151
    symbol = text.upper().replace("£", "E")
    if symbol != text.upper() and (found := find_chassis_numbers(symbol)):
        return found[0], [f"£→E at {text.upper().index('£') + 1}"]
    m = _CHASSIS_LETTERS.search(text.upper())
    if m is None:
        return None
    code, serial = m[1], m[2]
    fits = []
    for i in range(1, len(code)):
        digit = code[i].translate(_DIGIT_SHAPES)
        number = f"{code[:i]}{digit}{code[i + 1:]}-{serial}"
        if digit != code[i] and is_chassis_number(number):
            fits.append((number, [f"{code[i]}→{digit} at {i + 1}"]))
    return fits[0] if len(fits) == 1 else None


def _is_date(text: str) -> bool:
    """Whether ``text`` is a date and nothing more ("27-JUL-2024", "2024/07/27")."""
    found = normalize.find_dates(text)
    return len(found) == 1 and len(found[0][1]) >= len(text.strip(" .,;:")) - 1


_OCR_DCT = re.compile(r"[O0o]CT", re.IGNORECASE)  # DCT, its D read as O
_DATE_UNSEPARATED = re.compile(r"(?:19|20)\d{6}")  # a date, its separators lost


def parse_value(parser: str, text: str, ctx: dict) -> tuple[Any, dict] | None:
    """Parse ``text`` as a ``parser`` value; None when it is not one (never a guess)."""
    text = _first_line(text)
    if not text:
        return None
    extra: dict = {}
    if parser == "vin":
        reading = _read_vin(text, ctx)
        if reading is None:
            # OCR splits a photographed serial at a gap ("GSE20-9638 148"): a value that is a
            # frame number once its spaces go is one.
            chassis = find_chassis_numbers(text) or (
                [compact_chassis_number(text)] if is_chassis_number(text) else []
            )
            if chassis:
                return None, {"chassis_number": chassis[0]}
            mended = _chassis_look_alike(text) if ctx.get("ocr") else None
            if mended is None:
                return None
            return None, {"chassis_number": mended[0], "corrections": mended[1]}
        return reading.vin, {"reading": reading}
    if parser == "date":
        found = normalize.find_dates(text, day_first=ctx.get("day_first"))
        if not found and ctx.get("ocr") and (month := _ocr_month(text)):
            text, extra = month
            found = normalize.find_dates(text, day_first=ctx.get("day_first"))
        if not found and ctx.get("ocr") and (run := _DATE_UNSEPARATED.fullmatch(text.strip())):
            # "2025/06/27" read "20250627": its slashes too thin for a blurred photo; year,
            # month and day in that order (ISO 8601's basic form), nothing else that long
            day = normalize.parse_date(run[0])
            if day is not None:
                return day, {"corrections": [f"read {run[0]!r}: its separators lost"]}
        return (found[0][0], extra) if found else None
    if parser == "year":
        m = re.search(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", text)
        # OCR's year after next is a misread ("2034" for 2024): a car's year is at most next
        # year's model year. A text layer's is what the page says, for the checks to judge.
        latest = _latest_year() if ctx.get("ocr") else 9999
        if m:
            return (int(m.group(1)), extra) if int(m.group(1)) <= latest else None
        day = normalize.parse_date(text, day_first=ctx.get("day_first"))
        return (day.year, extra) if day and day.year <= latest else None
    if parser == "km":
        km = normalize.parse_km(text)
        if km is None and ctx.get("ocr") and (unit := _OCR_KM.search(text)):
            km = normalize.parse_km(text[: unit.start(1)] + "km" + text[unit.end(1) :])
            extra = {"corrections": [f"read the unit {unit[1]!r} as km"]}
        return (km, extra) if km is not None else None
    if parser == "displacement":
        got = normalize.parse_displacement(text)
        if got is None and ctx.get("ocr") and (unit := _ocr_displacement(text)):
            text, extra = unit
            got = normalize.parse_displacement(text)
        return (got[0], {**extra, "precision": got[1]}) if got else None
    if parser == "fuel":
        fuel = _fuel_word(text) if ctx.get("ocr") else normalize.parse_fuel(text)
        return (fuel, extra) if fuel else None
    if parser == "transmission":
        gear = normalize.parse_transmission(text)
        if gear is None and ctx.get("ocr") and _OCR_DCT.fullmatch(text.strip(_SEPARATORS + "[]")):
            # a blurred D read as O: "OCT" is no gearbox, and a transmission's cell no date
            return "dct", {"corrections": [f"read {text.strip()!r} as DCT"]}
        return (gear, extra) if gear else None
    if parser == "make":
        make = normalize.normalize_make(text)
        if make is None and ctx.get("ocr"):
            return _ocr_make(text)
        return (make, extra) if make else None
    if parser == "money":
        # OCR reads US$ as USS ("USS 27,500.00"): no currency has that code today
        mended = re.sub(r"\bUSS(?=\s?\d)", "US$", text) if ctx.get("ocr") else text
        got = normalize.parse_money(mended, currency_hint=ctx.get("currency_hint"))
        if got and mended != text:
            extra = {"corrections": [f"read {text.strip()!r} as {mended.strip()!r}"]}
        return (got[0], {"currency": got[1], **extra}) if got else None
    if parser == "color":
        words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)[:3]]
        if ctx.get("ocr"):
            words, fixed = _colour_words(words)
            if fixed:
                extra = {"corrections": fixed}
            if not any(_names_a_colour(w) for w in words):
                return None  # junk or a neighbour's garbled caption ("cmptaceenent")
        return (" ".join(words), extra) if words else None
    if parser == "identifier":
        fixed = []
        if ctx.get("ocr"):
            text, fixed = _mend_identifier(text)
        if ctx.get("ocr") and ctx.get("doctype") == DocType.bill_of_lading:
            text, fixed = _join_carrier_serial(text, fixed)
        for m in _IDENT.finditer(text):
            if any(ch.isdigit() for ch in m.group(0)):
                ident = m.group(0).strip("._-/")
                # OCR reads a letter prefix's I as 1 ("1R2401285024" for "IR…"); a number
                # does not start with 1 followed by letters and then digits.
                if ctx.get("ocr") and re.match(r"1[A-Z]{1,3}[-/]?\d", ident):
                    fixed.append(f"1→I at 1 ({ident})")
                    ident = "I" + ident[1:]
                # ...and the I ending one before a separator ("PS1-25-984791" for PSI-…)
                elif ctx.get("ocr") and (end := re.match(r"[A-Z]{2,3}1(?=[-/]\d)", ident)):
                    fixed.append(f"1→I at {end.end()} ({ident})")
                    ident = ident[: end.end() - 1] + "I" + ident[end.end() :]
                if ctx.get("ocr") and ctx.get("doctype") == DocType.bill_of_lading:
                    ident, scac = _carrier_number(ident)
                    fixed += scac
                return ident, ({"corrections": fixed} if fixed else extra)
        return None
    if parser == "vessel":
        name = _VESSEL_VOYAGE.sub("", text).strip(" /,")
        if name.startswith("(") and ")" not in name:
            name = name[1:]  # the rule before the cell read as a parenthesis ("(CSCL NEPTUNE")
        name = normalize.clean_text(name) or ""  # or as a quote mark ('“CSCL NEPTUNE')
        return (name, extra) if sum(ch.isalpha() for ch in name) >= 3 else None
    if parser in ("text", "party", "place", "country", "block"):
        value = normalize.clean_text(text)
        # A value starts with a letter or digit (or an opening quote): "_] not covered" is a
        # misread checkbox, not a place. A model may be "H6" or "3"; a party has a name.
        letters = 1 if parser == "text" else 2
        if not value:
            return None  # punctuation only ("，" read after a Chinese label)
        if value.count("'") == 1 and value[0] in "'‘":
            value = value[1:]  # a speck read as an opening quote
            if not value:
                return None  # and nothing else
        if (
            ctx.get("ocr")
            and parser in ("place", "party")
            and value[0] in '"“'
            and value.count(value[0]) + value.count("”") == 1
        ):
            value = value[1:]  # the same, doubled ("“Lianyungang", '"Sakura Auto Export K.K.')
        if ctx.get("ocr") and value[0] in "([" and not re.search(r"[)\]]", value):
            # a cell's border read as an opening bracket nothing closes ("(P7", "[Tiggo")
            value = value[1:].lstrip()
            if not value:
                return None
        if ctx.get("ocr") and parser == "text" and (glyph := _MODEL_GLYPH.search(value)):
            # A model's last letter or digit read as a sign no model name holds: "Aion ¥"
            # (Y), "Arrizo §" (5).
            fixed = value[: glyph.start(1)] + _MODEL_GLYPHS[glyph[1]]
            extra = {"corrections": [f"read {value!r} as {fixed!r}"]}
            value = fixed
        if ctx.get("ocr") and parser == "party" and (role := _ROLE_FIRST.match(value)):
            value = value[role.end() :]  # the label's second line ("Seller" / "(Exporter) …")
        if ctx.get("ocr") and parser in ("party", "place", "country") and "|" in value:
            # A table rule read as "|" beside specks ("1 . - | Lekki Auto Imports Ltd"): the
            # one segment that holds a name is the value.
            named = [p.strip() for p in value.split("|") if sum(ch.isalpha() for ch in p) >= 3]
            if len(named) == 1:
                value = named[0]
        speck = _SPECK_FIRST.match(value) if ctx.get("ocr") and parser == "party" else None
        if speck:
            extra = {"corrections": [f"dropped {speck[0].strip()!r} before the name"]}
            value = value[speck.end() :]
        tail = _AFTER_LEGAL_FORM.search(value) if ctx.get("ocr") and parser == "party" else None
        if tail and _junk_tail(tail[1]):
            note = f"dropped {tail[1]!r} after the legal form"
            extra = {"corrections": [*extra.get("corrections", []), note]}
            value = value[: tail.start(1)].rstrip()
        if ctx.get("ocr") and parser == "party":
            value, fixed = normalize.fix_legal_form(value)
            value, capitals = normalize.fix_capital_i(value)
            if fixed or capitals:
                extra = {"corrections": [*extra.get("corrections", []), *fixed, *capitals]}
        port = _PERIOD_FOR_COMMA.fullmatch(value) if ctx.get("ocr") and parser == "place" else None
        if port and country_code(port[2]) and not country_code(port[1]):
            value = f"{port[1]}, {port[2]}"  # "Busan. Korea": a comma read as a period
            extra = {"corrections": [f"{port[0]} → {value}"]}
        if ctx.get("ocr") and parser == "country" and (named := nearest_country_name(value)):
            extra = {"corrections": [f"{value} → {named}"]}
            value = named
        if parser == "party" and _is_sentence(value):
            return None  # a sentence after the word ("The Seller confirms that the above…")
        if parser in ("party", "place") and _is_date(value):
            return None  # the date under a caption garbled into a name's ("issue": Issuer)
        if (
            not value
            or sum(ch.isalnum() for ch in value) < letters
            or not (value[0].isalnum() or value[0] in "\"'(“‘")
        ):
            return None
        return value, extra
    raise ValueError(f"unknown parser {parser!r}")


# ---------------------------------------------------------------- label anchoring


@dataclass(frozen=True)
class _LabelHit:
    field: str
    parser: str
    priority: int
    start: int
    end: int


_OCR_LABEL_FIXES = (
    # lssue, lnspection, 1mporter, tssue
    (re.compile(r"\b[l1|](?=(?:ss|ns|mp|ssu)[a-z])|\bt(?=ssu)"), "I"),
    (re.compile(r"\b0(?=[a-zA-Z]{3})"), "O"),  # 0dometer, 0wner
    (re.compile(r"(?<=[A-Za-z])0(?=[a-z])"), "o"),  # M0del
    (re.compile(r"(?<=[a-z])1(?=[a-z])|(?<=[a-z]{2})1\b"), "l"),  # Mi1eage, Fue1
    (re.compile(r"(?<=[a-z]{3})!(?=\s|$)"), "l"),  # Mode!
    (re.compile(r"(?<=\b[Mm]ode)t\b"), "l"),  # Modet
    (re.compile(r"(?<=\b[Dd]ec)i(?=ar)|(?<=\b[Ss]el)i(?=er)"), "l"),  # deciares, Selier
    (re.compile(r"(?<=[a-z] )(?:Wo|Ne)(?=\.)"), "No"),  # Report Wo., Registration Ne.
)


def _label_text(text: str) -> str:
    """The cell text with OCR's usual confusions in label words undone, character for
    character, so that label offsets still index the real text."""
    for rx, repl in _OCR_LABEL_FIXES:
        text = rx.sub(repl, text)
    return text


def _garbled_prefix(prefix: str) -> bool:
    """Whether the words before a label are OCR junk rather than words of a sentence: at
    most two short pieces, each of at most two letters or holding a digit or a symbol
    ("Th", "=S3ME", "3A"). "The", "Contract" or "payable at" are words: a label after them
    is part of the text."""
    # A quote OCR read before a word ('"SAME AS CONSIGNEE') does not make it junk.
    tokens = [
        t.strip(".,:;").strip("\"'“”‘’") or t.strip(".,:;")
        for t in prefix.replace("|", " ").split()
    ]
    return (
        0 < len(tokens) <= 2
        and len("".join(tokens)) <= 8
        and all(len(t) <= 2 or not t.isalpha() or _garbled_word(t, tokens) for t in tokens)
    )


def _garbled_caption(text: str, templates) -> bool:
    """A bilingual caption whose Chinese half OCR garbled ("9) Country" for 目的国 Country):
    a label at the end, only junk before it. Not a value for the label beside it."""
    text = text.strip()
    hits = _label_hits(text, templates)
    if not hits or not _blank(text[hits[-1].end :]):
        return False
    before = text[: hits[0].start]
    return not before.strip() or _garbled_prefix(before)


def _garbled_word(token: str, tokens: list[str]) -> bool:
    """Three letters that are no word, alone among the prefix's letters ("Aff Price", "{792
    BFE Mileage"); beside other letters ("Maz BA Owner") they may be the end of a header
    row's garbled neighbour."""
    alpha = [t for t in tokens if t.isalpha()]
    return len(token) == 3 and token.lower() not in _SHORT_WORDS and len(alpha) == 1


# Three-letter words that may stand before a label word in a sentence ("the Seller", "per
# Mileage"); any other three letters before a label are the garble of its Chinese twin.
_SHORT_WORDS = frozenset(
    ["the", "and", "for", "per", "any", "all", "our", "its", "has", "was", "are", "not"]
    + ["due", "net", "new", "old", "one", "two", "off", "out", "via", "use", "see", "his"]
    + ["her", "own", "who", "may"]
)


def _label_hits(text: str, templates: Iterable[FieldTemplate]) -> list[_LabelHit]:
    """Label matches in one cell; a label inside a longer label of another field is dropped,
    and bilingual neighbours of one field ("车型 Model") become one label."""
    # A page's cells are asked about again and again (header rows, values, neighbours).
    return list(_label_hits_cached(text, tuple(templates)))


@lru_cache(maxsize=4096)
def _label_hits_cached(text: str, templates: tuple[FieldTemplate, ...]) -> tuple[_LabelHit, ...]:
    hits = []
    seen = _label_text(text)
    for tpl in (*templates, other_labels()):
        for prio, rx in enumerate(tpl.labels):
            for m in rx.finditer(seen):
                if m.end() > m.start():
                    hits.append(_LabelHit(tpl.name, tpl.parser, prio, m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_LabelHit] = []
    for h in hits:
        inside = next((k for k in kept if k.start <= h.start < k.end), None)
        if inside is not None:
            if inside.field == h.field and h.end > inside.end:  # "合同编号" + "编号 No."
                kept[kept.index(inside)] = _LabelHit(
                    h.field, h.parser, min(inside.priority, h.priority), inside.start, h.end
                )
            continue  # inside a longer label (of this field or another)
        # A label starts its cell or is followed by a colon; the same words inside a value
        # or a sentence ("freight payable at DESTINATION") are not a label.
        follows_label = kept and not text[kept[-1].end : h.start].strip(" /|")
        # Before a label may stand only table-rule residue or a number ("| 3875 Seller"), or
        # the OCR garble of its Chinese twin ("3A Seller" for 卖方 Seller, "ff Price").
        prefix_ok = h.start <= 12 and (
            not re.search(r"[A-Za-z]", text[: h.start])
            or (not kept and _garbled_prefix(text[: h.start]))
        )
        colon = text[h.end :].lstrip().startswith((":", "："))
        if h.start > 2 and not (follows_label or prefix_ok or colon):
            continue
        if kept and kept[-1].field == h.field and not text[kept[-1].end : h.start].strip(" /|"):
            prev = kept.pop()
            h = _LabelHit(h.field, h.parser, min(prev.priority, h.priority), prev.start, h.end)
        kept.append(h)
    return tuple(kept)


def _is_bare_label(cell: Cell, templates: Iterable[FieldTemplate]) -> bool:
    """A cell holding only a label: the cells under it are its values. Before the label may
    stand the garble of its Chinese twin ("RA Seller" for 卖方 Seller)."""
    hits = _label_hits(cell.text, templates)
    return (
        bool(hits)
        and (hits[0].start <= 2 or _garbled_prefix(cell.text[: hits[0].start]))
        and _blank(cell.text[hits[-1].end :])
    )


def _holds_label(cell: Cell, templates: Iterable[FieldTemplate]) -> bool:
    """A label alone, or a label with its own value after a colon: not a value of another
    label ("Model 3" is a value, "Model: CX-5" and "Model" are not)."""
    hits = _label_hits(cell.text, templates)
    if not hits or hits[0].start > 2:
        return False
    after = cell.text[hits[0].end :]
    return _blank(after) or after.lstrip().startswith((":", "："))


def _starts_with_label(cell: Cell, templates: Iterable[FieldTemplate]) -> bool:
    return any(h.start <= 2 for h in _label_hits(cell.text, templates))


def _starts_label_line(cell: Cell, templates: Iterable[FieldTemplate]) -> bool:
    """A line that opens with a label *as a label* (alone, or followed by a colon): remark
    prose that begins with a label word ("Transmission rebuilt, new torque converter",
    "Engine overhauled: ...") is not one."""
    text = cell.text
    for h in _label_hits(text, templates):
        if h.start > 2:
            continue
        rest = text[h.end :].lstrip()
        if not rest or rest.startswith((":", "：")):
            return True
    return False


def _value_from(words: tuple[Word, ...], text: str, page: int, method: str) -> dict:
    box = union_box(w.box for w in words) if words else None
    conf = min((w.conf for w in words), default=0.0)
    return {"page": page, "box": box, "confidence": conf, "raw": text, "method": method}


def _in_column(below: Cell, header: Row, ci: int) -> Cell | None:
    """The words of ``below`` under the ``ci``-th cell of a header row: a long value can run
    into its neighbour's ("Ningbo Oriental Motors Trading Co., Ltd. Thabo Nkosi" under
    "SELLER | TO"), and the next column starts where the next header does."""
    tol = 0.5 * header.cells[ci].height
    left = header.cells[ci].box[0] - tol if ci > 0 else float("-inf")
    right = header.cells[ci + 1].box[0] - tol if ci + 1 < len(header.cells) else float("inf")
    # A word starts in the column its middle is in: a quote mark read before the value's
    # first word ('"BUSAN GLOBAL…') may reach left of its caption.
    words = tuple(
        w for w in below.words if left <= (w.box[0] + w.box[2]) / 2 and w.box[0] < right
    )
    if len(words) == len(below.words):
        return below
    return replace(below, words=words) if words else None


def _is_header_row(row: Row, templates) -> bool:
    """A row of labels (a grid whose values are in the row below): at least two cells, and
    most of them, hold a label alone; a label this reader does not know may be the rest."""
    bare = sum(_is_bare_label(c, templates) for c in row.cells)
    return bare >= 2 and bare * 2 >= len(row.cells)


def _block(
    rows: list[Row], row: Row, cell: Cell, rest: str, templates, method: str = "ocr"
) -> tuple[str, list[Cell]]:
    """A free-text value (remarks, disclosures) after or under its label.

    An introduction that ends in a colon ("The Seller declares the following about the
    vehicle's history of damage and repairs:") belongs to the label; the value is the
    paragraph after it, ending at a wider line gap or at the next label. Paragraphs are set
    only a little apart, and a text layer's word boxes are as tall as the line pitch: there
    (``method``), or after a line that ends a sentence well short of the block's widest line,
    a gap a little wider than a line after a sentence's end ends the paragraph.
    """
    below: list[Cell] = []
    current, current_row = cell, row
    for _ in range(12):
        nxt = cell_below(rows, current_row, current, max_rows=2)
        if nxt is None or _starts_label_line(nxt, templates):
            break
        if len(row.cells) == 1:
            nxt = _rest_of_line(rows[nxt.row], nxt, templates)
        below.append(nxt)
        current, current_row = nxt, rows[nxt.row]
    parts: list[tuple[str, Cell | None]] = [(rest.strip(), None)] + [(c.text, c) for c in below]
    start = 0 if parts[0][0] else 1
    for i, (text, _) in enumerate(parts[:4]):
        if text.rstrip().endswith((":", "：")):
            start = i + 1
            break
    value: list[str] = []
    cells: list[Cell] = []
    previous: Cell | None = None
    widest = max(c.box[2] - c.box[0] for c in (cell, *below))
    for text, c in parts[start:]:
        gap = 0.0
        if c is not None and previous is not None:  # a leaning page: along its lean
            gap = c.level - previous.level if c.slope else c.box[1] - previous.box[1]
        if previous is not None:
            height = max(previous.height, 1.0)
            ended = (
                value
                and value[-1].rstrip().endswith((".", "!", "?", "。"))
                and (method == "text_layer" or previous.box[2] - previous.box[0] < 0.8 * widest)
            )
            if gap > 1.45 * height or (ended and gap > 1.2 * height):
                break  # a new paragraph
            if value and value[-1].rstrip().endswith(".") and _ATTESTATION.match(text):
                break  # the declarant's closing words, however close they are set
        value.append(text)
        if c is not None:
            cells.append(c)
            previous = c
        else:
            previous = cell
    return " ".join(v for v in value if v), cells


# "The Seller confirms that the above is true and complete": the statement's close, not
# one more thing it states.
_ATTESTATION = re.compile(
    r"(?:The\s+(?:Seller|Buyer|Exporter|undersigned)|We|I)\s+(?:hereby\s+)?"
    r"(?:confirms?|certif(?:y|ies)|attests?|declares?)\s+that\b",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^(?:Page\s*)?\d{1,3}\s*(?:of|/)\s*\d{1,3}$", re.IGNORECASE)


def _ends_page(rows: list[Row], row: Row) -> bool:
    """Whether ``row`` is the page's last line of text (a page number may follow it)."""
    return all(_PAGE_NUMBER.match(r.text.strip()) for r in rows[row.index + 1 :])


def _block_overleaf(page: PageText, templates) -> tuple[str, list[Cell]]:
    """A free-text value the page break pushed to the top of the next page (its label is the
    last line of the page before): the paragraph the page opens with, unless it opens with a
    label."""
    rows = build_rows(page)
    top = next((r for r in rows if not _PAGE_NUMBER.match(r.text.strip())), None)
    if top is None or _starts_label_line(top.cells[0], templates):
        return "", []
    first = top.cells[0]
    value, more = _block(rows, top, first, first.text, templates, page.method)
    return value, [first, *more]


# Cells of one line of a paragraph lie at most this many line heights apart: a word OCR lost
# leaves a gap ("No visible ___ age. Vehicle in good condition."); a second column is further.
PARAGRAPH_GAP = 6.0


def _rest_of_line(line: Row, cell: Cell, templates) -> Cell:
    """``cell`` with the cells after it on its line, for a block whose label stands alone on
    its line: its paragraph is as wide as the page, though OCR split a line where it lost a
    word. A cell far off or starting with a label is another column's."""
    words, last = list(cell.words), cell
    for other in line.cells[line.cells.index(cell) + 1 :]:
        if other.box[0] - last.box[2] > PARAGRAPH_GAP * max(last.height, 1.0) or (
            _starts_label_line(other, templates)
        ):
            break
        words += other.words
        last = other
    return replace(cell, words=tuple(words)) if last is not cell else cell


def _strip_own_label(text: str, template: FieldTemplate) -> str:
    """A value that repeats its own label ("MODEL: ET5" under "Model"): the value alone."""
    hits = _label_hits(text.strip(), (template,))
    if hits and hits[0].start <= 1 and hits[0].field == template.name:
        rest = text.strip()[hits[0].end :]
        if rest.lstrip().startswith((":", "：")):
            return rest
    return text


def _is_title(text: str, titles) -> bool:
    text = text.strip()
    return any((m := rx.search(text)) and len(m.group(0)) >= 0.5 * len(text) for rx in titles)


# Two cells are one label's when at most this many character heights apart.
SPLIT_LABEL_GAP = 3.0


def _join_split_label(row: Row, templates: tuple[FieldTemplate, ...]) -> Row:
    """The row with a label OCR spaced into two cells joined up again: "Model | Year" over
    a year is the model year's caption, not the model's with a cell beside it."""
    cells = list(row.cells)
    for i in range(len(cells) - 1):
        a, b = cells[i], cells[i + 1]
        if b.box[0] - a.box[2] > SPLIT_LABEL_GAP * a.height:
            continue  # two columns' captions ("Model" and "Year" over a table)
        joined, cut = f"{a.text} {b.text}", len(a.text)
        alone = {h.field for h in _label_hits(a.text, templates)}
        # A label of another field that starts in the first cell and ends with the second
        # (two captions of one field side by side, "Model | Model", stay two cells).
        if any(
            h.start < cut < h.end - 1
            and not joined[h.end :].strip(_SEPARATORS)
            and h.field not in alone
            for h in _label_hits(joined, templates)
        ):
            cells[i + 1] = replace(b, words=a.words + b.words)
            cells[i] = None
    if None not in cells:
        return row
    return replace(row, cells=tuple(c for c in cells if c is not None))


def _candidates(
    pages: list[PageText], templates: tuple[FieldTemplate, ...], titles=()
) -> Iterable[tuple[_LabelHit, str, dict]]:
    """Every (label, value text, source) the layout offers, in page order. A title
    ("Seller Disclosure Statement") holds no label."""
    for pi, page in enumerate(pages):
        rows = [_join_split_label(r, templates) for r in build_rows(page)]
        for row in rows:
            header = _is_header_row(row, templates)
            for ci, cell in enumerate(row.cells):
                if _is_title(cell.text, titles):
                    continue
                span = _Span(cell.words, page.number)
                text = span.text
                # A value ends where the next label starts, a label of something no field
                # records included ("Model Max. Power": Max. Power is not the model).
                every = _label_hits(text, templates)
                hits = [h for h in every if h.field != OTHER]
                for hi, hit in enumerate(hits):
                    end = next((h.start for h in every if h.start >= hit.end), len(text))
                    rest = text[hit.end : end]
                    if hit.parser == "block":
                        value, more = _block(rows, row, cell, rest, templates, page.method)
                        words = span.sub(hit.end, end) + tuple(w for c in more for w in c.words)
                        on = page
                        if not value and pi + 1 < len(pages) and _ends_page(rows, row):
                            on = pages[pi + 1]
                            value, more = _block_overleaf(on, templates)
                            words = tuple(w for c in more for w in c.words)
                        if value:
                            yield hit, value, _value_from(words, value, on.number, on.method)
                        continue
                    if not _blank(rest):
                        words = span.sub(hit.end, end)
                        yield hit, rest, _value_from(words, rest, page.number, page.method)
                        continue
                    if hi + 1 < len(hits):
                        continue
                    # A caption recognised by its shape stands over its value (label_shape).
                    over = all(is_caption(w) for w in cell.words)
                    below = cell_below(rows, row, cell)
                    if over and ci + 1 < len(row.cells):
                        # ...unless it is in a table of label and value rows: the next label
                        # is under it, and its value beside it.
                        over = below is not None and not _holds_label(below, templates)
                    beside = ci + 1 < len(row.cells) and not header and not over
                    nxt = row.cells[ci + 1] if beside else None
                    above = cell_above(rows, row, nxt) if nxt is not None else None
                    if (
                        above is not None
                        and _is_bare_label(above, templates)
                        and min(above.box[2], cell.box[2]) <= max(above.box[0], cell.box[0])
                    ):
                        # The value of the label over it, in a grid of columns; not a section
                        # heading over both ("3. Price and Delivery" over "Price | USD 23,000").
                        nxt = None
                    if nxt is not None and not _holds_label(nxt, templates):
                        yield hit, *_cell_text(rows, nxt, hit, page)
                    if below is not None and header:
                        below = _in_column(below, row, ci)
                    if below is not None and not _holds_label(below, templates):
                        yield hit, *_cell_text(rows, below, hit, page)


def _cell_text(rows: list[Row], cell: Cell, hit: _LabelHit, page: PageText) -> tuple[str, dict]:
    """A value cell's text and source; an amount broken after a group separator ("EUR 21."
    then "700,00") with its rest: the cell just after it on its line, or under it (a narrow
    column wrapped it); a place or party broken after its comma with the cell after it."""
    words, text = cell.words, cell.text

    def just_after(within: float) -> Cell | None:
        """The cell that starts less than ``within`` line heights right of this one."""
        gap = within * cell.height
        return next((c for c in rows[cell.row].cells if 0 <= c.box[0] - cell.box[2] < gap), None)

    if hit.parser in ("place", "party") and text.endswith(","):
        # A name broken after its comma ("Kobe," | "Japan"): it goes on in the next cell.
        after = just_after(2)
        if after is not None and after.text[:1].isalpha():
            words, text = words + after.words, f"{text} {after.text}"
    if hit.parser == "money" and re.search(r"\d[.,']$", text):
        row = rows[cell.row]
        rest = just_after(1)
        rest = rest if rest is not None else cell_below(rows, row, cell, max_rows=1)
        if rest is not None and re.match(r"\d{3}(?:[.,]\d{2})?$", rest.text):
            words, text = words + rest.words, text + rest.text
    return text, _value_from(words, text, page.number, page.method)


# ---------------------------------------------------------------- the extractor


def extract(pages: list[PageText], dtype: DocType, *, reread: Rereader | None = None) -> Extraction:
    """Every field a document of type ``dtype`` states, with its source."""
    tpl = doctype_templates().get(dtype)
    notes: list[str] = []
    values: dict[str, Value] = {}
    vin_candidates: list[Value] = []
    if tpl is None or not pages:
        return Extraction(values, vin_candidates, notes)
    labels = (*tpl.fields, other_labels())
    parsers = {t.name: t.parser for t in labels}

    def fits(field: str, text: str) -> bool:
        return parse_value(parsers[field], text, {"doctype": dtype}) is not None

    pages = [repair_labels(p, labels, fits) for p in pages]
    ctx = {"day_first": _day_first(pages), "mandatory_check": None, "doctype": dtype}
    whole = "\n".join(p.text for p in pages)
    if re.search(r"\bJPY\b|円|¥\s*\d{1,3}(?:,\d{3}){2,}", whole):
        ctx["currency_hint"] = "JPY"
    elif re.search(r"\bCNY\b|\bRMB\b|人民币|元", whole):
        ctx["currency_hint"] = "CNY"

    if reread is not None:
        pages = _mend_chinese_dates(pages, reread, ctx, notes)
    by_name = {t.name: t for t in tpl.fields}
    unparsed: dict[str, tuple[_LabelHit, dict]] = {}  # OCR values that did not parse
    for hit, text, src in _candidates(pages, tpl.fields, tpl.titles):
        text = _strip_own_label(text, by_name[hit.field])
        if src["method"] == "ocr" and hit.parser in _FREE_TEXT and (
            match_label(text, labels) or _garbled_caption(text, labels)
        ):
            continue  # a garbled label read surely ("Manutacture Year" beside "Model")
        parsed = parse_value(hit.parser, text, {**ctx, "ocr": src["method"] == "ocr"})
        if hit.field == "vin" and src["method"] == "ocr":
            # One character too long: no VIN as read, or one that leaves a character out
            # ("LMGS5KMJS5MZ754059" read as MGS5K…); the deletions that validate are offered.
            for r in stray_character_readings(text):
                vin_candidates.append(
                    Value(
                        r.vin,
                        **{**src, "raw": r.raw},
                        corrections=list(r.corrections),
                        extra={"reading": r},
                        rank=(90,),
                    )
                )
        if parsed is None:
            if src["method"] == "ocr" and src["box"] is not None and text.strip(_SEPARATORS):
                unparsed.setdefault(hit.field, (hit, src))
            continue
        value, extra = parsed
        if hit.field == "vin" and value is None:
            if "chassis_number" in extra and "chassis_number" not in values:
                values["chassis_number"] = Value(
                    extra["chassis_number"],
                    **src,
                    rank=(hit.priority,),
                    corrections=extra.get("corrections", []),
                )
            continue
        rank = (hit.priority, src["page"])
        if hit.parser == "country" and not (country_code(value) or country_named(value)):
            # Beside its caption OCR may have read the next column's garbled caption
            # ("Destination Country | axor" over "Nigeria | Guangzhou"): a country named
            # under it comes first; a name no table holds ("DR Congo") still stands alone.
            rank = (*rank, 1)
        val = Value(value, **src, extra=extra, rank=rank, corrections=extra.get("corrections", []))
        if hit.field == "vin":
            reading: VinReading = extra["reading"]
            val.raw = reading.raw
            val.corrections = list(reading.corrections)
            vin_candidates.append(val)
        current = values.get(hit.field)
        if current is None or rank < current.rank:
            values[hit.field] = val

    _vin_from_free_text(pages, dtype, values, vin_candidates, ctx)
    if reread is not None and "vin" in stated_fields(dtype) and "vin" not in values:
        _read_vin_beside_label(pages, by_name["vin"], values, vin_candidates, reread, ctx, notes)
    if reread is not None and "document_number" in by_name and "document_number" not in values:
        _read_number_beside_label(pages, by_name["document_number"], values, reread, ctx, notes)
    if reread is not None:
        _reread_vin(values, vin_candidates, reread, ctx, notes)
        _reread_vin_variants(values, vin_candidates, reread, ctx, notes)
    if reread is not None and "vin" in stated_fields(dtype) and "vin" not in values:
        _vin_from_garbles(pages, values, vin_candidates, reread, ctx, notes)
    if "vin" in values and _unconfirmed_join(values["vin"].extra["reading"]):
        notes.append(f"VIN joined from pieces unconfirmed: {values.pop('vin').raw!r}")
    _unlabelled(pages, dtype, values, ctx)
    _date_under_unread_label(pages, tpl.fields, values, ctx)
    _validity_under_unread_labels(pages, tpl.fields, values, ctx)
    _bill_dates_under_unread_labels(pages, tpl.fields, values, ctx)
    if reread is not None and "container_numbers" in stated_fields(dtype):
        _reread_containers(pages, values, reread, notes)
    if reread is not None:
        _reread_weak_values(values, tpl.fields, reread, ctx, notes)
        _reread_weak_readings(values, reread, notes)
        _reread_unparsed(unparsed, values, reread, ctx, notes, labels)
        # a date read again may be the one the other's unread label needs beside it
        _validity_under_unread_labels(pages, tpl.fields, values, ctx)
    _uncaptioned_bl_number(pages, dtype, values)
    _vessel_before_voyage(pages, dtype, values, labels)
    _shipper_under_unread_caption(pages, dtype, values, tpl.fields, ctx)
    _dated_number_prefix(values)
    _fold_extras(values)
    allowed = stated_fields(dtype)
    values = {k: v for k, v in values.items() if k in allowed}
    vin_candidates.sort(key=_vin_rank)
    return Extraction(values, vin_candidates, notes)


def _vin_rank(v: Value) -> tuple:
    reading: VinReading = v.extra["reading"]
    return (not reading.check_digit_ok, v.rank or (9,), -v.confidence, len(v.corrections))


def _vin_from_free_text(pages, dtype, values, vin_candidates, ctx) -> None:
    """A VIN printed without a label (goods description, plate photo): scan the text."""
    for page in pages:
        for row in build_rows(page):
            span = _Span(tuple(w for c in row.cells for w in c.words), page.number)
            ocr = page.method == "ocr"
            mandatory = ctx.get("mandatory_check") if ocr else False
            for reading in find_vins(span.text, mandatory_check=mandatory):
                if not ocr:
                    reading = _as_printed(reading)
                words = span.sub(*reading.span)
                src = _value_from(words, reading.raw, page.number, page.method)
                src["raw"] = reading.raw
                val = Value(
                    reading.vin,
                    **src,
                    corrections=list(reading.corrections),
                    extra={"reading": reading},
                    rank=(50, page.number),
                )
                if not any(c.value == val.value for c in vin_candidates):
                    vin_candidates.append(val)
                    if "vin" not in values:
                        values["vin"] = val
            if ocr:
                # A word one character too long, its caption unread ("Frame No." as "Figen
                # ie"), or read with marks for characters: the readings that validate are
                # candidates, for the other documents to choose between.
                pairs = zip(span.words, (*span.words[1:], None), strict=True)
                for word, after in pairs:
                    alone = stray_character_readings(word.text) + look_alike_readings(word.text)
                    found = [(r, (word,)) for r in alone]
                    if after is not None:
                        both = look_alike_readings(f"{word.text} {after.text}")
                        found += [(r, (word, after)) for r in both]
                    for r, read in found:
                        if not any(c.value == r.vin for c in vin_candidates):
                            src = _value_from(read, r.raw, page.number, page.method)
                            src["raw"] = r.raw
                            vin_candidates.append(
                                Value(r.vin, **src, corrections=list(r.corrections),
                                      extra={"reading": r}, rank=(90,))
                            )
    if "vin" not in values and "chassis_number" not in values:
        for page in pages:
            found = find_chassis_numbers(page.text)
            if found:
                values["chassis_number"] = Value(
                    found[0], page.number, None, 0.0, found[0], page.method, rank=(50,)
                )
                break


# "VIN" at the start of a re-read region, read through the VIN alphabet (no I).
_VIN_LABEL_READ = re.compile(r"^V[I1L]?N(?=[A-HJ-NPR-Z0-9]{17})")


def _vin_value(words: list[Word], page: int, rank: tuple, ctx) -> Value | None:
    """The VIN a re-read's words spell, as an OCR value with its reading; None if none."""
    text = "".join(w.text for w in words)
    if len(text) > 17 and (label := _VIN_LABEL_READ.match(text)):
        text = text[label.end() :]  # the label's end in the crop, read in VIN letters
    reading = read_vin(text, mandatory_check=ctx.get("mandatory_check"))
    if reading is None:
        found = find_vins(text)
        reading = found[0] if found else None
    if reading is None or not words:
        return None
    return Value(
        reading.vin,
        page,
        union_box(w.box for w in words),
        min(w.conf for w in words),
        reading.raw,
        "ocr",
        corrections=list(reading.corrections),
        extra={"reading": reading},
        rank=rank,
    )


def _empty_caption(cell: Cell, template: FieldTemplate, page: PageText,
                   stretch: float) -> tuple[_LabelHit, Box] | None:
    """Whether ``cell`` is a caption of ``template``'s field (not another's) with nothing
    read after it: its hit, and the stretch of its line right of it to read again, ``stretch``
    line heights long (at least four, the page's edge allowing)."""
    hits = [
        h for h in _label_hits(cell.text, (template,))
        if h.field == template.name and h.start <= 2
    ]
    if not hits or cell.text[hits[0].end :].strip(_SEPARATORS):
        return None
    x0, y0, x1, y1 = cell.box
    h = y1 - y0
    crop = (x1, y0, min(page.width - 1, x1 + stretch * h), y1)
    return (hits[0], crop) if crop[2] - crop[0] >= 4 * h else None


def _read_vin_beside_label(
    pages, template: FieldTemplate, values, vin_candidates, reread: Rereader, ctx, notes
) -> None:
    """Read the line right of a VIN label that OCR found with nothing after it.

    Both layout passes may skip a VIN printed in another face than the page's text (a
    contract's "VIN:" read, its value not at all; a sideways plate's "VIN" alone): the
    stretch after the label, one line high and up to the page's edge, is read again as one
    line (psm 7: one word, psm 8, reads nothing in so wide a crop) with the VIN character
    whitelist. The reading is a VIN only if it parses as one.
    """
    for page in pages:
        if page.method != "ocr":
            continue
        for row in build_rows(page):
            for cell in row.cells:
                if (empty := _empty_caption(cell, template, page, VIN_STRETCH)) is None:
                    continue
                hit, crop = empty
                (words,) = reread(page.number, [crop], "vin_line")
                rank = (hit.priority, page.number)
                val = _vin_value(words, page.number, rank, ctx)
                text = "".join(w.text for w in words)
                if val is None and words and abs(len(_alnum_only(text)) - 17) <= 2:
                    # Near a VIN's length but none: the words' region read as several
                    # versions of itself may agree on one its check digit proves.
                    region = union_box(w.box for w in words)
                    val = _voted_vin(page.number, region, text, rank, reread, ctx, notes,
                                     unproven=True, candidates=vin_candidates)
                if val is None:
                    notes.append(f"VIN beside its label: no VIN read ({text!r})")
                    continue
                notes.append(f"VIN read again beside its label: {val.value}")
                vin_candidates.append(val)
                values["vin"] = val
                return


NUMBER_STRETCH = 14  # line heights right of a number's caption read again


def _read_number_beside_label(pages, template: FieldTemplate, values, reread: Rereader, ctx,
                              notes) -> None:
    """Read the line right of a document-number caption that ends its row, OCR having read
    nothing after it ("Report No.:" over a photo's glare): a stretch of the line, one line
    high, read again; the reading is the number if it parses as one, with digits."""
    for page in pages:
        if page.method != "ocr":
            continue
        for row in build_rows(page):
            cell = row.cells[-1]
            if (empty := _empty_caption(cell, template, page, NUMBER_STRETCH)) is None:
                continue
            hit, crop = empty
            (words,) = reread(page.number, [crop], "line")
            text = " ".join(w.text for w in words).strip(_SEPARATORS + " .")
            parsed = parse_value("identifier", text, {**ctx, "ocr": True}) if text else None
            if parsed is None or sum(ch.isdigit() for ch in parsed[0]) < 4:
                notes.append(f"number beside its caption {cell.text!r}: none read ({text!r})")
                continue
            notes.append(f"number read again beside its caption: {parsed[0]}")
            values["document_number"] = Value(
                parsed[0], page.number, union_box(w.box for w in words),
                min(w.conf for w in words), text, "ocr",
                [*parsed[1].get("corrections", []), "read again beside its caption"],
                parsed[1], (hit.priority, page.number),
            )
            return


def _reread_vin(values, vin_candidates, reread: Rereader, ctx, notes) -> None:
    """Re-read the VIN region of an OCR page with a VIN character whitelist (psm 8).

    The main pass reads whole pages; the VIN is where a misread costs most, so its region is
    read again as one line restricted to VIN characters, and the readings are compared.
    """
    current = values.get("vin")
    if current is None or current.method != "ocr" or current.box is None:
        return
    first: VinReading = current.extra["reading"]
    if first.check_digit_required and first.check_digit_ok and not first.corrections:
        return  # confirmed as read: a mandatory check digit holds
    x0, y0, x1, y1 = current.box
    (words,) = reread(current.page, [(x0, y0, x1, y1)], "vin")
    if not words:
        return
    val = _vin_value(words, current.page, current.rank, ctx)
    if val is None:
        notes.append(f"VIN re-read gave no VIN ({''.join(w.text for w in words)!r})")
        return
    reading: VinReading = val.extra["reading"]
    conf = val.confidence
    vin_candidates.append(val)
    if reading.vin == current.value:
        current.confidence = max(current.confidence, conf)
        notes.append("VIN re-read agrees")
        return
    # The whitelist has no I, O or Q, so where the first pass read one of those the re-read
    # guessed; only a check digit can then overrule the first pass.
    raw = _alnum_only(first.raw.upper())
    raw = raw if len(raw) == len(current.value) else current.value
    guessed = any(
        a != b and r in "IOQ" for a, b, r in zip(current.value, reading.vin, raw, strict=False)
    )
    # A re-read that validates with a WMI no maker holds, where the page's reading names a
    # maker, passed its check digit by chance (one in eleven): the crop's label read as "VN".
    chance = wmi.lookup(reading.vin) is None and wmi.lookup(current.value) is not None
    better = (reading.check_digit_ok and not first.check_digit_ok and not chance) or (
        reading.check_digit_ok == first.check_digit_ok and conf > current.confidence and not guessed
    )
    notes.append(
        f"VIN re-read {reading.vin} ({conf:.2f}) vs {current.value} "
        f"({current.confidence:.2f}): kept {'re-read' if better else 'first'}"
    )
    if better:
        values["vin"] = val


# Readings of a VIN's region, each a differently resampled version of it, that must agree
# (check digit holding) before they overrule the page's reading.
VIN_VARIANT_VOTES = 2
# A VIN no check digit proves needs this share of the versions, and no rival.
VIN_UNPROVEN_SHARE = 2 / 3


def _reread_vin_variants(values, vin_candidates, reread: Rereader, ctx, notes) -> None:
    """A VIN whose maker uses the check digit, read so that it fails or so that it cannot be
    a VIN as read (:func:`plausible_vin`), or one picked out of a longer run of characters
    (``cut``): its region read again as several versions of itself
    (preprocess.line_variants), and taken as :func:`_voted_vin` decides."""
    current = values.get("vin")
    if current is None or current.method != "ocr" or current.box is None:
        return
    reading: VinReading = current.extra["reading"]
    doubtful = check_digit_used(reading.vin) and not (
        reading.check_digit_ok and plausible_vin(reading.vin)
    )
    if not doubtful and not reading.cut:
        return
    val = _voted_vin(
        current.page, current.box, current.value, current.rank, reread, ctx, notes,
        unproven=bool(reading.cut), candidates=vin_candidates,
    )
    if val is not None:
        vin_candidates.append(val)
        values["vin"] = val


# A run of words as long as a VIN, give or take two, mixing letters and digits: a VIN OCR
# garbled ("RMTG43WOMLASEL 9S" for KMTG43JW0ML856198); at most this many are re-read.
# Three short, where a table's rule took the first characters with it ("a 1AHN1A3025050"
# for JTM21AHN1A3025050, the cell's border read as "a").
VIN_GARBLES = 3
GARBLE_LENGTHS = (14, 19)


def _vin_garbles(page: PageText) -> list[tuple[str, Box]]:
    """Runs of one or two adjacent words of an OCR line that may be a VIN garbled."""
    found: list[tuple[str, Box]] = []
    for row in build_rows(page):
        words = [w for c in row.cells for w in c.words]
        for i in range(len(words)):
            for run in [words[i : i + n] for n in (1, 2) if i + n <= len(words)]:
                gap = run[-1].box[0] - run[0].box[2]
                if len(run) == 2 and gap > run[0].box[3] - run[0].box[1]:
                    continue  # two words a gap apart are two values
                if any(w.text.endswith(":") or re.search(r"[a-z]{4}", w.text) for w in run):
                    continue  # a label, a word: a VIN is capitals and digits
                text = _alnum_only("".join(w.text for w in run))
                digits = sum(ch.isdigit() for ch in text)
                if GARBLE_LENGTHS[0] <= len(text) <= GARBLE_LENGTHS[1] and (
                    digits >= 3 and len(text) - digits >= 3
                ):
                    found.append((text, union_box(w.box for w in run)))
    return found


def _vin_from_garbles(pages, values, vin_candidates, reread: Rereader, ctx, notes) -> None:
    """A page that states a VIN but yielded none: the runs that may be one garbled are read
    again as several versions of themselves (:func:`_voted_vin`)."""
    tried = 0
    for page in pages:
        if page.method != "ocr":
            continue
        for text, box in _vin_garbles(page):
            if tried == VIN_GARBLES:
                return
            tried += 1
            val = _voted_vin(page.number, box, text, (90, page.number), reread, ctx, notes,
                             unproven=True, candidates=vin_candidates)
            if val is not None:
                vin_candidates.append(val)
                values["vin"] = val
                return


def _voted_vin(
    page: int, box: Box, read_as: str, rank, reread: Rereader, ctx, notes, *,
    unproven: bool = False, candidates: list[Value] | None = None,
) -> Value | None:
    """The VIN the versions of the region ``box`` (read as ``read_as``) spell, with that box
    and a correction that says why it was taken. At least VIN_VARIANT_VOTES
    versions must spell it as one word of 17 characters (no window picked out of a longer
    reading), with a check digit its maker uses holding, and more versions than spell any
    other such VIN; the check digit alone would pass one wrong reading in eleven.

    ``unproven``: a VIN whose maker uses no check digit (Korea, Europe) may be taken too, on
    its form (a maker's WMI, :func:`plausible_vin`) when VIN_UNPROVEN_SHARE of the versions
    spell it and no version spells another such VIN."""
    versions = reread(page, [box], "vin_variants")
    spelled: Counter[str] = Counter()
    valid: dict[str, Value] = {}
    for words in versions:
        # one word of 17 characters (a speck of the margin beside it is its own word)
        whole = [w for w in words if len(_VIN_LABEL_READ.sub("", _alnum_only(w.text), 1)) == 17]
        val = _vin_value(whole if len(whole) == 1 else words, page, rank, ctx)
        if val is None:
            continue
        spelled[val.value] += 1
        used = check_digit_used(val.value)
        ok = (
            val.extra["reading"].check_digit_ok and used and plausible_vin(val.value)
        ) or (
            unproven
            and not used
            and plausible_vin(val.value, required=False)
            and wmi.lookup(val.value) is not None
        )
        if len(whole) == 1 and ok:
            valid.setdefault(val.value, val)
    ranked = spelled.most_common()
    best = next(((v, n) for v, n in ranked if v in valid), None)
    # Readings that fail a check digit the maker uses cannot be right, however many spell
    # them; only another reading that validates competes.
    need = VIN_VARIANT_VOTES
    if best is not None and not check_digit_used(best[0]):
        need = max(need, VIN_UNPROVEN_SHARE * len(versions))
    if (
        best is None
        or best[1] < need
        or any(n >= best[1] for v, n in ranked if v != best[0] and v in valid)
        or (need > VIN_VARIANT_VOTES and sum(v in valid for v, _ in ranked) > 1)
    ):
        if spelled:
            notes.append(f"VIN variants undecided: {dict(spelled)}")
        # Not enough alone, but the page's own readings: the other documents of the
        # transaction may choose among them (verifier.agreement).
        for vin, n in ranked:
            if vin in valid and candidates is not None:
                val = valid[vin]
                val.box = box
                val.corrections = [
                    *val.corrections,
                    f"read as {read_as!r}; {n} of {len(versions)} re-readings of its region "
                    "spell it, too few to take it alone",
                ]
                candidates.append(val)
        return None
    vin, n = best
    notes.append(f"VIN variants: {vin} ({n} of {len(versions)})")
    why = f"{n} of {len(versions)} re-readings of its region spell {vin}, " + (
        "whose check digit holds" if check_digit_used(vin) else
        "and none another VIN (its maker uses no check digit)"
    )
    val = valid[vin]
    val.box = box
    val.corrections = [*val.corrections, f"read as {read_as!r}; {why}"]
    return val


def _claimed(values: dict[str, Value]) -> list[tuple[int, Box]]:
    """Where the values found so far were read (page, box)."""
    return [(v.page, v.box) for v in values.values() if v.box is not None]


def _in_claimed(cell: Cell, claimed: list[tuple[int, Box]]) -> bool:
    """Whether another field's value was read from ``cell``."""
    return any(p == cell.page and boxes_overlap(b, cell.box) for p, b in claimed)


def _cell_value(value, cell: Cell, method: str, raw: str | None = None) -> Value:
    # The cell may hold a misread label beside the value: its mean, not its worst word.
    conf = sum(w.conf for w in cell.words) / len(cell.words)
    return Value(value, cell.page, cell.box, conf, raw or cell.text, method, rank=(50,))


_CONTAINERISH = re.compile(
    r"[A-Z]{2,4}\S{0,2}\d{5,7}|\d{6,7}\S{0,6}(?:HQ|GP|DC|HC|RF|OT|/)", re.IGNORECASE
)
_CONTAINER_OCR = re.compile(r"\b([A-Z]{3}[UJZ])\s?([0-9IlO|]{6})\s?([0-9IlO|])(?![0-9])")
_DIGIT_FIX = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0"})


WEAK_VALUE = 0.75
MAX_VALUE_REREADS = 4


class _Reread(NamedTuple):
    name: str
    page: int
    crop: Box  # the region read again
    columns: tuple[float, float]  # x range the value's own words are centred in
    purpose: str  # Rereader purpose: "line", or "line_zh" for a value printed in Chinese


def _reread_each(jobs: list[_Reread], reread: Rereader):
    """Each job with the words read again in its crop, one Tesseract call per page and
    purpose; only the words centred within the value's columns and the crop's height: the
    margin read around the crop also catches its label, the start of the next column
    ("Seller: Chongqing ... Ltd. Buy") and the line under it (the buyer's name)."""
    for page, purpose in sorted({(j.page, j.purpose) for j in jobs}):
        mine = [j for j in jobs if (j.page, j.purpose) == (page, purpose)]
        for job, words in zip(mine, reread(page, [j.crop for j in mine], purpose), strict=True):
            x0, x1 = job.columns
            y0, y1 = job.crop[1], job.crop[3]
            yield job, [
                w
                for w in words
                if x0 <= (w.box[0] + w.box[2]) / 2 <= x1 and y0 <= (w.box[1] + w.box[3]) / 2 <= y1
            ]


_LABEL_END = re.compile(r"[^:;：]{0,24}[:;：]\s*(?P<value>.+)")


def _reread_weak_values(values: dict, templates, reread: Rereader, ctx, notes) -> None:
    """Re-read, alone and enlarged, the values OCR was least sure of; keep a re-reading that
    parses and is more confident ("-OS ANGELES, USA" → "LOS ANGELES, USA")."""
    parsers = {t.name: t.parser for t in templates}
    weak = sorted(
        (v.confidence, name)
        for name, v in values.items()
        if v.method == "ocr"
        and v.box is not None
        and v.confidence < WEAK_VALUE
        and not v.extra.get("description")
        and parsers.get(name)
        in ("text", "party", "place", "country", "date", "identifier", "km", "money")
    )
    jobs = []
    for _, name in weak[:MAX_VALUE_REREADS]:
        x0, y0, x1, y1 = values[name].box
        pad = y1 - y0
        jobs.append(
            _Reread(
                name, values[name].page, (max(0.0, x0 - pad), y0, x1 + pad, y1), (x0, x1), "line"
            )
        )
    for job, words in _reread_each(jobs, reread):
        name, v = job.name, values[job.name]
        if not words:
            continue
        text = " ".join(w.text for w in words)
        conf = sum(w.conf for w in words) / len(words)
        # The enlarged crop may catch the end of the label: what follows its colon, which
        # the re-read may see as a semicolon ("NAME; UNI-K").
        cut = _LABEL_END.match(text)
        if cut and not _LABEL_END.match(v.raw.strip(_SEPARATORS)):
            text = cut["value"]
        # or the whole caption, colon or none ("| MODEL NAME RAV4 Hybrid")
        own = _label_hits(text.strip(_SEPARATORS), tuple(t for t in templates if t.name == name))
        if own and own[0].start == 0:
            text = text.strip(_SEPARATORS)[own[0].end :].strip(_SEPARATORS)
        parsed = parse_value(parsers[name], text, {**ctx, "ocr": True})
        if parsed is None or conf <= v.confidence or parsed[0] == v.value:
            continue
        if _alnum(str(parsed[0])) < 0.75 * _alnum(str(v.value)):
            continue  # a reading that lost characters ("Nagoya" → "Nae") is not a better one
        if _letters_for_digits(v.value, parsed[0]):
            continue  # nor one that reads digits as their look-alikes ("56813" → "S6813")
        notes.append(f"{name} re-read: {v.value!r} → {parsed[0]!r}")
        values[name] = Value(
            parsed[0],
            v.page,
            union_box(w.box for w in words),
            conf,
            text,
            "ocr",
            v.corrections,
            {**v.extra, **parsed[1]},
            v.rank,
        )


def _letters_for_digits(old, new) -> bool:
    """Whether ``new`` is ``old`` with digits of a run of three or more read as the letters
    they look like ("EXP/2024/56813" → "…/S6813"; "S0-COC" → "SO-COC" may be a correction)."""
    if not (isinstance(old, str) and isinstance(new, str) and len(old) == len(new) != 0):
        return False
    in_run = [False] * len(old)
    for m in re.finditer(r"\d{3,}", old):
        in_run[m.start() : m.end()] = [True] * (m.end() - m.start())
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    return bool(changed) and all(
        in_run[i] and new[i].upper().translate(_DIGIT_SHAPES) == old[i] for i in changed
    )


# How far right of a bare VIN label its value is looked for, in line heights (17
# characters about 0.6 of a line wide each, and a gap).
VIN_STRETCH = 30
# Parsers that take any words: a label read as a value passes them.
_FREE_TEXT = ("text", "party", "place", "color", "vessel")


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _chinese_date_like(hit: _LabelHit, raw: str) -> bool:
    """A date value of 4 digits and more that did not parse: 年, 月 and 日 read as junk."""
    return hit.parser == "date" and sum(ch.isdigit() for ch in raw) >= 4


# Fields whose values Chinese papers print as two or three characters (自动, 手动, 汽油, 柴油,
# 白色), which English OCR reads as a few letters ("am"), no value of theirs.
_CHINESE_WORD_PARSERS = frozenset({"transmission", "fuel", "color"})


def _chinese_word_like(hit: _LabelHit, raw: str) -> bool:
    """A value of a field Chinese papers state in a word of their own (2-4 characters), read
    as a few Latin letters or marks that did not parse ("am", "She zh" for 纯电动)."""
    text = raw.strip(_SEPARATORS)
    return hit.parser in _CHINESE_WORD_PARSERS and 0 < _alnum(text) <= 6 and not any(
        ch.isdigit() for ch in text
    )


def _reread_unparsed(unparsed: dict, values: dict, reread: Rereader, ctx, notes, labels) -> None:
    """Re-read, alone and enlarged, a labelled OCR value that did not parse ("120" for 1.2L,
    its point and L lost), where the field has no value from elsewhere. A date of digits
    garbled by English OCR ("20233A88") is read with Chinese: 2023年3月8日; so is a word of a
    field Chinese papers state in Chinese ("am" for 自动), where English read it no better."""
    todo = [(f, hit, src) for f, (hit, src) in unparsed.items() if f not in values]
    jobs = [
        _Reread(
            f,
            src["page"],
            src["box"],
            (src["box"][0] - 4, src["box"][2] + 4),
            "line_zh" if _chinese_date_like(hit, src["raw"]) else "line",
        )
        for f, hit, src in todo[:MAX_VALUE_REREADS]
    ]
    failed = [job for job, words in _reread_each(jobs, reread)
              if not _take_reread(job, words, unparsed, values, ctx, notes, labels)]
    again = []
    for job in failed:
        hit, src = unparsed[job.name]
        if job.purpose == "line" and _chinese_word_like(hit, src["raw"]):
            again.append(job._replace(purpose="line_zh"))
    for job, words in _reread_each(again, reread):
        _take_reread(job, words, unparsed, values, ctx, notes, labels)
    # Still unread: the value's ink alone, at several sizes (preprocess.value_versions); what
    # most versions parse to.
    for job in failed:
        if job.name in values:
            continue
        hit = unparsed[job.name][0]
        voted = _voted_reading(
            job._replace(purpose="value_versions"),
            "value_versions",
            lambda t, h=hit: _parsed_hashable(_parse_reread(h, _after_label(t), ctx, labels)),
            reread,
        )
        if voted is not None:
            _, words, text, agreed = voted
            _take_reread(job, words, unparsed, values, ctx, notes, labels, text=text,
                         box=job.crop, how=f"as {agreed}")


def _after_label(text: str) -> str:
    """A re-read value's text without the end of its label the crop caught."""
    if ":" in text and len(text.split(":", 1)[0]) <= 24:
        return text.split(":", 1)[1].strip()
    return text


def _parse_reread(hit: _LabelHit, text: str, ctx, labels) -> tuple[Any, dict] | None:
    """A re-read value's text (past its label, :func:`_after_label`) parsed for the field of
    ``hit``; None where it does not parse or is the field's label."""
    if hit.parser in _FREE_TEXT and match_label(text, labels):
        return None  # the label itself ("Model!" re-read as Model), not its value
    parsed = parse_value(hit.parser, text, {**ctx, "ocr": True})
    return None if parsed is None or parsed[0] is None else parsed


def _parsed_hashable(parsed: tuple[Any, dict] | None):
    """A parsed value to count votes by (a list of them as a tuple)."""
    if parsed is None:
        return None
    return tuple(parsed[0]) if isinstance(parsed[0], list) else parsed[0]


def _take_reread(job: _Reread, words: list[Word], unparsed: dict, values: dict, ctx, notes,
                 labels, *, text: str | None = None, box: Box | None = None,
                 how: str = "") -> bool:
    """Set the field of ``job`` from its re-read ``words`` (``text``, read as one version of
    the value's region ``box``) where they parse; whether they did."""
    name, (hit, src) = job.name, unparsed[job.name]
    if not words:
        return False
    text = _after_label(" ".join(w.text for w in join_cjk(words)) if text is None else text)
    parsed = _parse_reread(hit, text, ctx, labels)
    if parsed is None:
        return False
    notes.append(f"{name} re-read{' ' + how if how else ''}: {src['raw']!r} did not parse, "
                 f"{text!r} did")
    values[name] = Value(
        parsed[0],
        job.page,
        box or union_box(w.box for w in words),
        min(w.conf for w in words),
        text,
        "ocr",
        list(parsed[1].get("corrections", [])),
        parsed[1],
        (hit.priority, job.page),
    )
    return True


# A date printed in Chinese that English OCR read with its 年, 月 and 日 as digits or
# letters ("2023108288" for 2023年10月28日): a year, then 4 to 8 more characters, at least
# three of them digits, and no date as it stands.
_GARBLED_CJK_DATE = re.compile(r"(?:19|20)\d\d(?=(?:\S*\d){3})\S{4,8}")
MAX_DATE_REREADS = 12  # a service history lists a date a row, read in one call
MAX_DATE_VARIANTS = 3  # of those the one call did not read, read again one by one


def _mend_chinese_dates(pages: list[PageText], reread: Rereader, ctx, notes) -> list[PageText]:
    """The pages with each garbled Chinese date cell read again with Chinese OCR, where that
    reading is a date: for every rule after this one, under its caption read or not (an
    export licence's 发证日期 and 有效期至, both garbled as well)."""
    cells = [
        cell
        for page in pages
        if page.method == "ocr"
        for row in build_rows(page)
        for cell in row.cells
        # one space inside: a character read as two ("2024% 88228" for 2024年8月22日)
        if _GARBLED_CJK_DATE.fullmatch(cell.text.strip().replace(" ", "", 1))
        and not normalize.find_dates(cell.text, day_first=ctx.get("day_first"))
    ][:MAX_DATE_REREADS]
    jobs = []
    for i, cell in enumerate(cells):
        x0, y0, x1, y1 = cell.box
        pad = y1 - y0
        crop = (max(0.0, x0 - pad), y0, x1 + pad, y1)
        jobs.append(_Reread(str(i), cell.page, crop, (crop[0], crop[2]), "line_zh"))
    if not jobs:
        return pages
    mended = {p.number: list(p.words) for p in pages}
    failed = 0
    for job, words in _reread_each(jobs, reread):
        text = "".join(w.text for w in join_cjk(words))
        cell = cells[int(job.name)]
        if _whole_date(text, ctx) is None:
            # Read among others, a line can go wrong that read alone is read right (the
            # first of a strip, at ~8 px): read again as several versions of itself.
            voted = (
                _voted_reading(job, "line_zh_variants", lambda t: _whole_date(t, ctx), reread)
                if failed < MAX_DATE_VARIANTS
                else None
            )
            failed += 1
            if voted is None:
                notes.append(f"Chinese date re-read: {cell.text!r} gave no date ({text!r})")
                continue
            _, words, text, agreed = voted
            notes.append(f"Chinese date re-read as versions: {cell.text!r} → {text!r} "
                         f"({agreed})")
        else:
            notes.append(f"Chinese date re-read: {cell.text!r} → {text!r}")
        word = Word(text, cell.box, min(w.conf for w in words), cell.words[0].line_key)
        kept = [w for w in mended[job.page] if w not in cell.words]
        mended[job.page] = [*kept, word]
    return [replace(p, words=mended[p.number]) for p in pages]


def _whole_date(text: str, ctx) -> dt.date | None:
    """The date ``text`` is, all of it but a character at most."""
    found = normalize.find_dates(text, day_first=ctx.get("day_first"))
    if not found or len(found[0][1]) < len(text) - 1:
        return None
    return found[0][0]


def _voted_reading(job: _Reread, purpose: str, parse: Callable[[str], Any],
                   reread: Rereader) -> tuple[Any, list[Word], str, str] | None:
    """A region read as several versions of itself (preprocess.line_variants, ``purpose``
    a ``*_variants`` one): the value more than half the versions parse to, with the words
    and text of one of them, and how many agreed; None without such a majority."""
    versions = reread(job.page, [job.crop], purpose)
    read = [
        (words, text, parse(text))
        for words in versions
        if (text := "".join(w.text for w in join_cjk(words)) if purpose == "line_zh_variants"
            else " ".join(w.text for w in words))
    ]
    votes = Counter(value for _, _, value in read if value is not None)
    if not votes:
        return None
    value, count = votes.most_common(1)[0]
    if 2 * count <= len(versions):
        return None
    words, text, _ = next(r for r in read if r[2] == value)
    return value, words, text, f"{count} of {len(versions)} versions"


def _reread_containers(pages: list[PageText], values: dict, reread: Rereader, notes) -> None:
    """Re-read, line by line, the cells of an OCR page where a container number seems to be
    but none with a valid check digit was read (thin fonts lose the owner code's letters)."""
    found = values.get("container_numbers")
    if found is not None and all(container_check.is_valid(c) for c in found.value):
        return
    stated: list[str] = list(found.value) if found is not None else []
    read: list[Word] = []
    for page in pages:
        if page.method != "ocr":
            continue
        cells = [
            c
            for r in build_rows(page)
            for c in r.cells
            if _CONTAINERISH.search(c.text) and c.conf < 0.9
        ]
        # OCR that lost the owner code also lost its box: look left of the digits.
        boxes = [(max(0.0, c.box[0] - 5 * (c.box[3] - c.box[1])), *c.box[1:]) for c in cells]
        for words in reread(page.number, boxes, "line") if boxes else []:
            text = " ".join(w.text for w in words)
            for m in _CONTAINER_OCR.finditer(text):
                number = m.group(1) + (m.group(2) + m.group(3)).translate(_DIGIT_FIX)
                if number not in stated:
                    stated.append(number)
                    read.extend(words)
                    notes.append(f"container {number} re-read from {m.group(0)!r}")
    if read:
        values["container_numbers"] = Value(
            stated,
            pages[0].number,
            union_box(w.box for w in read),
            min(w.conf for w in read),
            " ".join(w.text for w in read),
            "ocr",
            rank=(50,),
        )


def _container_numbers(
    pages: list[PageText], values: dict
) -> tuple[list[str], list[Row], list[str]]:
    """The container numbers the pages state, each once, the rows they are in, and the
    corrections made: on an OCR page a number read with a letter for a digit of its shape
    is put back where the check digit then holds (:func:`_look_alike_containers`)."""
    # A carrier's B/L number read with a space inside ("MAEU9023891 786") starts with
    # four letters and seven digits: a container number's form, but not a container.
    bill = values.get("document_number")
    bill_number = re.sub(r"\W", "", str(bill.value)) if bill is not None else ""
    stated: list[str] = []
    where: list[Row] = []
    notes: list[str] = []
    for page in pages:
        for row in build_rows(page):
            found = [number for number, _ in container_check.find_containers(row.text)]
            if page.method == "ocr":
                for read, number in _look_alike_containers(row.text):
                    notes.append(f"read {read!r} as {number!r}")
                    found.append(number)
                # A space OCR put inside the serial ("ONEU41861 16"): the check digit holds
                # once it is gone, one time in eleven by chance.
                known = {re.sub(r"\W", "", n) for n in found}
                for m in _CONTAINER_SPACED.finditer(row.text):
                    number = re.sub(r"\W", "", m[0])
                    if number not in known and container_check.is_valid(number):
                        notes.append(f"read {m[0]!r} as {number!r}")
                        found.append(number)
                        known.add(number)
            for number in found:
                compact = re.sub(r"\W", "", number)
                if bill_number.startswith(compact) and len(bill_number) > len(compact):
                    continue
                if number not in stated:
                    stated.append(number)
                    where.append(row)
    return stated, where, notes


_CONTAINER_SPACED = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}[UJZ][ -]?(?:[0-9] ?){6}[0-9](?![0-9])")
# Owner code and category, then seven digits some of which OCR read as letters of their
# shape ("CMAUS661271" for CMAU5661271).
_CONTAINER_LOOK_ALIKE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{3}[UJZ])[ -]?([0-9SOBZGI]{6})[ /-]?([0-9SOBZGI])(?![A-Za-z0-9])"
)


def _look_alike_containers(text: str) -> list[tuple[str, str]]:
    """Container numbers read with letters for digits (as read, and with the digits put
    back): only where the check digit (ISO 6346) then holds, one in eleven by chance."""
    out = []
    for m in _CONTAINER_LOOK_ALIKE.finditer(text):
        digits = m[2] + m[3]
        if digits.isdigit():
            continue  # as read: find_containers has it
        number = m[1] + digits.translate(_DIGIT_SHAPES)
        if container_check.is_valid(number):
            out.append((m[0], number))
    return out


def _unlabelled(pages: list[PageText], dtype: DocType, values: dict, ctx) -> None:
    """Fields found without a label: containers, service rows, the vehicle's description
    line, the issuer's letterhead, and values that name themselves (``Gasoline``, ``1.5L``)."""
    allowed = stated_fields(dtype)
    method = pages[0].method
    if "container_numbers" in allowed:
        stated, where, notes = _container_numbers(pages, values)
        if stated:
            values["container_numbers"] = _rows_value(stated, where, method)
            values["container_numbers"].corrections = notes
    if "mileage_entries" in allowed:
        entries, used, spots = _mileage_entries(pages, ctx)
        if entries:
            values["mileage_entries"] = _rows_value(entries, used, method)
            # where each reading was read, for _reread_weak_readings
            values["mileage_entries"].extra = {"rows": used, "spots": spots}
    cells = [(c, p.method) for p in pages for r in build_rows(p) for c in r.cells]
    for cell, how in cells:
        desc = _description(cell.text, ocr=how == "ocr")
        if desc:
            misread = desc.pop("misread", None)
            for name, value in desc.items():
                if name in allowed and name not in values:
                    values[name] = _cell_value(value, cell, how)
                    # its box is the line's: read again, the line is no model
                    values[name].extra = {"description": True}
                    if name == "make" and misread:
                        values[name].corrections = [f"make {misread!r} read as {value}"]
            break
    grids = ((*g, p.method) for p in pages for r in build_rows(p) if (g := _make_model_year(r)))
    if "model" in allowed and "model" not in values and (grid := next(grids, None)):
        values["model"] = _cell_value(*grid)
        values["model"].corrections = ["caption unread: the cell between a make and a year"]
    tpl = doctype_templates()[dtype].fields
    pair = _model_beside_make(pages, values, tpl) if "model" not in values else None
    if "model" in allowed and pair is not None:
        values["model"] = _cell_value(*pair, method)
        values["model"].corrections = ["caption unread: the cell right of the make's"]
    pair = _model_under_make(pages, values, tpl) if "model" not in values else None
    if "model" in allowed and pair is not None:
        values["model"] = _cell_value(*pair, method)
        values["model"].corrections = ["caption unread: the row under the make's"]
    if "issuer" in allowed and "issuer" not in values:
        head = _letterhead(pages[0], dtype)
        # Parsed as a party: a speck read as an opening quote goes, a legal form is mended.
        parsed = parse_value("party", head.text, ctx) if head is not None else None
        if parsed is not None:
            values["issuer"] = _cell_value(parsed[0], head, method)
    # A cell another field's value was read from names no brand or fuel: the owner
    # "SUZUKI KENJI" is not a Suzuki.
    claimed = _claimed(values)
    free = [(c, how) for c, how in cells if not _in_claimed(c, claimed)]
    by_shape = doctype_templates()[dtype].by_shape
    for name, value, cell, how in _self_naming(free, allowed - set(values), by_shape):
        values[name] = _cell_value(value, cell, how)
        if name in by_shape:
            values[name].corrections = [f"caption unread: the one {name} its shape allows"]
    # A car does not go where it is loaded: a country that is the loading port's was read
    # from somewhere else on the page (an address), not from the destination's cell.
    found, port = values.get("destination_country"), values.get("port_of_loading")
    if (
        found
        and port
        and "destination_country" in by_shape
        and country_code(found.value) in (port_countries(port.value) or ())
    ):
        del values["destination_country"]


# The date fields of the types whose only date is the document's own (a contract's, a
# certificate's, an inspection's); where a type states others, an unread label could be any.
_DOCUMENT_DATES = frozenset({"issue_date", "inspection_date"})
# "tH ABM: 7 May 2024": a Chinese label (日期) as English OCR reads it, then a colon.
_UNREAD_LABEL = re.compile(r"(?P<label>[^:：]{1,14}?)\s*[:：]\s*(?P<value>.+)")


def _date_under_unread_label(pages: list[PageText], templates, values: dict, ctx) -> None:
    """The document's date where its label was not read: on a document of a type whose one
    date is its own, the only date the document holds, after a colon and a few characters
    no label matches, or alone under a caption not read. It is the field that type's bare
    "Date" names (doctypes.yaml)."""
    dated = [t for t in templates if t.name.endswith("_date")]
    bare = [t.name for t in dated if any(rx.fullmatch("Date") for rx in t.labels)]
    if (
        len(bare) != 1
        or not {t.name for t in dated} <= _DOCUMENT_DATES
        or any(t.name in values for t in dated)
        or any(p.method != "ocr" for p in pages)
    ):
        return
    if _distinct_dates(pages, ctx) != 1:
        return
    for when, label, cell, method in _dates_after_unread_labels(pages, templates, ctx)[:1]:
        value = _cell_value(when, cell, method)
        value.corrections = [
            f"{_unread(label)} unread: the document's only date"
        ]
        values[bare[0]] = value


def _validity_under_unread_labels(pages: list[PageText], templates, values: dict, ctx) -> None:
    """A licence's or certificate's two dates where their labels were not read ("2EBM:" for
    发证日期, "AMMAR:" for 有效截止日期): on a type whose only dates are its issue and expiry
    dates, the two dates the document holds, each after a colon and characters no label
    matches, or alone under a caption not read; the earlier is the issue date (a document
    expires after it is issued). Where one of them was read under its label, the other date
    is the missing one if it falls on the right side of it."""
    dated = {"issue_date", "expiry_date"}
    if not _dates_left_unread(pages, templates, values, ctx, dated, distinct=2):
        return
    known = {values[name].value for name in dated & set(values)}
    found = [f for f in _dates_after_unread_labels(pages, templates, ctx) if f[0] not in known]
    if len(found) != 2 - len(known) or len({f[0] for f in found} | known) != 2:
        return
    guessed = {}
    for when, label, cell, method in found:
        earlier = when < max(known | {f[0] for f in found})
        name = "issue_date" if earlier else "expiry_date"
        if name in values:
            return  # the date read under its label is on the wrong side: guess nothing
        guessed[name] = _cell_value(when, cell, method)
        guessed[name].corrections = [
            f"{_unread(label)} unread: the "
            f"{'earlier' if earlier else 'later'} of the document's two dates"
        ]
    # A document prints its issue date before its expiry; dates whose order on the page says
    # otherwise were misread ("18.02.2025" over "19.08.2023" for 2023-02-18 and 2023-05-19).
    both = {**values, **guessed}
    if _printed_before(both["expiry_date"], both["issue_date"]):
        return
    values.update(guessed)


def _bill_dates_under_unread_labels(pages: list[PageText], templates, values: dict, ctx) -> None:
    """A B/L's issue and on-board dates where their captions were not read: on a bill that
    holds one date only, printed in two cells (alone, or after characters no label
    matches), that date is both; with one of them read under its label, the other cell is
    the other. A bill is issued when the goods are on board, often that very day."""
    dated = {"issue_date", "shipped_on_board_date"}
    if not _dates_left_unread(pages, templates, values, ctx, dated, distinct=1):
        return
    claimed = _claimed(values)
    found = [
        f for f in _dates_after_unread_labels(pages, templates, ctx)
        if not _in_claimed(f[2], claimed)
    ]
    missing = sorted(dated - set(values))
    if len(found) != len(missing):
        return
    for name, (when, label, cell, method) in zip(missing, found, strict=True):
        values[name] = _cell_value(when, cell, method)
        values[name].corrections = [f"{_unread(label)} unread: the bill's one date, printed again"]


def _shipper_under_unread_caption(pages: list[PageText], dtype: DocType, values: dict,
                                  templates, ctx) -> None:
    """A B/L's shipper where its caption was not read ("‘Shoper", or nothing): the shipper's
    box is the bill's first party, above the consignee's or left of it. The one company name
    (a legal form or an organisation's word) of a row above the consignee's value (or of its
    row, left of it) that holds another
    value read under its caption (the bill's number beside it), whose own caption is not
    read as any label. A person's name is left alone: it could be anyone's."""
    consignee = values.get("consignee")
    if dtype != DocType.bill_of_lading or "shipper" in values or consignee is None:
        return
    page = pages[consignee.page - 1] if consignee.page <= len(pages) else None
    if page is None or page.method != "ocr" or consignee.box is None:
        return
    claimed = _claimed(values)
    rows = build_rows(page)
    found = []
    for row in rows:
        # Above the consignee's row, or in it left of the consignee ("B/L No | Shipper |
        # Consignee" side by side over their values).
        beside = row.box[1] <= (consignee.box[1] + consignee.box[3]) / 2 <= row.box[3]
        if (row.box[3] > consignee.box[1] and not beside) or not any(
            _in_claimed(c, claimed) for c in row.cells
        ):
            continue
        for cell in row.cells:
            above = cell_above(rows, row, cell, max_rows=1)
            if (
                (beside and cell.box[2] > consignee.box[0])
                or _in_claimed(cell, claimed)
                or not _ORG.search(cell.text)
                or _holds_label(cell, templates)
                or (above is not None and _holds_label(above, templates))
            ):
                continue
            parsed = parse_value("party", cell.text, ctx)
            if parsed is not None:
                found.append((parsed[0], cell, "left of" if beside else "above"))
    if len(found) == 1:
        value, cell, where = found[0]
        values["shipper"] = _cell_value(value, cell, page.method)
        values["shipper"].corrections = [f"caption unread: the company {where} the consignee"]


def _dates_left_unread(pages, templates, values: dict, ctx, dated: set[str], distinct: int) -> bool:
    """Whether an OCR'd document of a type whose only dates are ``dated`` left some of them
    unread, and holds ``distinct`` different dates in all: the rules above place no date
    on a document holding others their labels could be."""
    if (
        {t.name for t in templates if t.name.endswith("_date")} != dated
        or dated <= set(values)
        or any(p.method != "ocr" for p in pages)
    ):
        return False
    # a date read again where OCR garbled it ("44.03.2024" as 14.03.2024) counts as well
    read = {values[name].value for name in dated & set(values)}
    return len(_page_dates(pages, ctx) | read) == distinct


def _page_dates(pages: list[PageText], ctx) -> set[dt.date]:
    """The different dates the document's text holds."""
    whole = "\n".join(p.text for p in pages)
    return {d for d, _, _ in normalize.find_dates(whole, day_first=ctx.get("day_first"))}


def _distinct_dates(pages: list[PageText], ctx) -> int:
    """How many different dates the document's text holds."""
    return len(_page_dates(pages, ctx))


def _printed_before(a: Value, b: Value) -> bool:
    """Whether ``a`` comes before ``b`` in reading order: an earlier page, a line above, or
    the same line further left."""
    if a.page != b.page or a.box is None or b.box is None:
        return a.page < b.page
    line = min(a.box[3] - a.box[1], b.box[3] - b.box[1]) / 2
    if abs(a.box[1] - b.box[1]) > line:
        return a.box[1] < b.box[1]
    return a.box[0] < b.box[0]


def _unread(label: str) -> str:
    """What was not read: the label as OCR garbled it, or the caption above (label "")."""
    return f"label {label!r}" if label else "caption"


def _dates_after_unread_labels(pages: list[PageText], templates, ctx) -> list[tuple]:
    """(date, label as read, cell, method) of each cell "characters no label matches: a date"
    or holding a date alone (label "": its caption above was not read)."""
    out = []
    for page in pages:
        for row in build_rows(page):
            for cell in row.cells:
                m = _UNREAD_LABEL.fullmatch(cell.text.strip())
                label, text = (m["label"], m["value"]) if m else ("", cell.text)
                if label and _label_hits(label, templates):
                    continue
                found = normalize.find_dates(text, day_first=ctx.get("day_first"))
                if found and len(found[0][1]) >= len(text.strip()) - 1:
                    out.append((found[0][0], label, cell, page.method))
    return out


_DESCRIPTION_STOP = frozenset(
    [
        "passenger",
        "car",
        "cars",
        "vehicle",
        "vehicles",
        "suv",
        "sedan",
        "hatchback",
        "unit",
        "units",
        "used",
        "new",
        "with",
        "in",
        "and",
        "for",
        "pickup",
        "truck",
        "van",
        "wagon",
        "coupe",
    ]
)


def _description(text: str, ocr: bool = False) -> dict | None:
    """``2022 BYD Atto 3``: the model year, make and model of a description line; read by
    OCR, a make one letter off (``2022 Crangan UNI-K``) as :func:`_ocr_make` reads it, with
    the word as read under ``misread``."""
    for m in re.finditer(r"(?<!\d)(19[5-9]\d|20\d\d)\s+(\S.*)", text):
        words = m.group(2).split()
        for n in (1, 2, 3):
            make = normalize.normalize_make(" ".join(words[:n])) if len(words) >= n else None
            misread = None
            if make is None and ocr and n == 1 and words and (fixed := _ocr_make(words[0])):
                make, misread = fixed[0], words[0]
            if make:
                model = []
                for w in words[n : n + 4]:
                    if w.lower().strip(",.") in _DESCRIPTION_STOP or w.startswith("("):
                        break
                    model.append(w.strip(","))
                out = {"model_year": int(m.group(1)), "make": make}
                if model:
                    out["model"] = " ".join(model)
                if misread:
                    out["misread"] = misread
                return out
    return None


def _make_model_year(row: Row) -> tuple[str, Cell] | None:
    """The model of a row of three cells, a brand, a word or three and a year: the values
    under the captions MAKE | MODEL | YEAR of a certificate's grid, read without them
    ("xPeng | G6 | 2022"). Whether the year is the model year or the year of manufacture,
    only the caption says: it is left."""
    if len(row.cells) != 3:
        return None
    make, model, year = row.cells
    if not re.fullmatch(r"(?:19[5-9]\d|20\d\d)", year.text.strip()):
        return None
    if normalize.normalize_make(make.text.strip()) is None:
        return None
    text = _model_word(model.text)
    return (text, model) if text else None


def _model_word(text: str) -> str | None:
    """A cell's text as a model name: one to three words, no company, no brand."""
    text = text.strip(" —–-_|:;,.'‘’\"")
    words = text.split()
    if not 1 <= len(words) <= 3 or _ORG.search(text) or not any(ch.isalnum() for ch in text):
        return None
    if normalize.normalize_make(text) is not None:
        return None  # a second brand: a make's column, not a model's
    return text


def _model_beside_make(pages: list[PageText], values: dict, templates) -> tuple[str, Cell] | None:
    """The model in a grid of captions over values where the make was read under its caption
    and the caption right of it was not ("Brand | MUS" for Brand | 型号, over "Geely |
    Coolray"): the value right of the make's, when it can be nothing else a page states (no
    colour, date, number or company)."""
    make = values.get("make")
    if make is None or make.box is None or make.method != "ocr":
        return None
    rows = build_rows(pages[make.page - 1])
    for row in rows:
        for cell, right in itertools.pairwise(row.cells):
            if not boxes_overlap(cell.box, make.box):
                continue
            over_make = cell_above(rows, row, cell, max_rows=1)
            over = cell_above(rows, row, right, max_rows=1)
            if over_make is None or over is None or over.row != over_make.row:
                return None
            made = any(h.field == "make" for h in _label_hits(over_make.text, templates))
            # no label of any field, whether this type states it or not ("Colour")
            every = tuple(field_templates().values())
            unread = not _label_hits(over.text, every) and len(over.text.strip()) <= 10
            text = _could_be_model(right.text)
            return (text, right) if made and unread and text else None
    return None


def _could_be_model(text: str) -> str | None:
    """A cell's text as a model name, where it can be nothing else a page states (no colour,
    date, number or company)."""
    text = _model_word(text)
    if not text or _colour(text) or re.search(r"\d{5}", text):
        return None
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .+:/-]*", text):
        return None  # a mark no model name holds ("Pp?"): a garble, not a name
    if normalize.find_dates(text) or re.fullmatch(r"[\d\s.,]+", text):
        return None
    return text


def _model_under_make(pages: list[PageText], values: dict, templates) -> tuple[str, Cell] | None:
    """The model in a table of caption and value rows where the make was read beside its
    caption and the next row's caption was not ("Make | GAC" over "e4nS | GS8", 车型 read by
    English OCR): the value under the make's, in its column, when it can be nothing else a
    page states. Chinese forms print the model right after the make."""
    make = values.get("make")
    if make is None or make.box is None or make.method != "ocr":
        return None
    rows = build_rows(pages[make.page - 1])
    every = tuple(field_templates().values())
    for row in rows:
        for caption, cell in itertools.pairwise(row.cells):
            if not boxes_overlap(cell.box, make.box):
                continue
            if not any(h.field == "make" for h in _label_hits(caption.text, templates)):
                return None
            below = rows[row.index + 1].cells if row.index + 1 < len(rows) else ()
            if len(below) != 2:
                return None
            under_caption, value = below
            unread = not _label_hits(under_caption.text, every) and len(
                under_caption.text.strip()) <= 10
            aligned = abs(value.box[0] - cell.box[0]) < cell.height and abs(
                under_caption.box[0] - caption.box[0]) < cell.height
            text = _could_be_model(value.text)
            return (text, value) if unread and aligned and text else None
    return None


_ORG = re.compile(
    r"\b(?:Authority|Bureau|Department|Ministry|Customs|Cent(?:er|re)|Services?|Inspection|"
    r"Group|Co\.|Company|Corporation|Corp\.|Ltd\.?|Limited|Inc\.?|K\.K\.|LLC|GmbH|S\.A\.|ASA|"
    r"Agency|Office|Institute|Association|Council|Intertek|SGS|Veritas|CCIC|JEVIC|"
    r"Administration|Police|Standards|Garage|Motors|Dealer(?:ship)?|Workshop|Regulator|"
    r"Commission|Board|City|Metropolitan|Government|Prefecture|Province|Municipal)\b",
    re.IGNORECASE,
)


_ACRONYM = re.compile(r"\([A-Z]{2,6}\)")
# A line no name ends with: the name goes on in the next ("… of the People's" / "Republic
# of China").
_BROKEN_NAME = re.compile(r"(?:\b(?:of|the|and|for)|'s|&)$", re.IGNORECASE)


def _name_goes_on(cell: Cell, plausible: Callable[[Cell], bool]) -> bool:
    """Whether a cell can be the rest of a broken name: capitalised words (and of, the,
    and, for), no digits."""
    words = cell.text.split()
    return (
        bool(words)
        and plausible(cell)
        and not any(ch.isdigit() for ch in cell.text)
        and all(w[0].isupper() or w.lower() in ("of", "the", "and", "for") for w in words)
    )


# A letterhead without a company word must be set this much larger than the median line.
LETTERHEAD_SCALE = 1.2
_DEPARTMENT = re.compile(r"\b(?:Division|Section|Unit|Department|Office|Services?)$", re.IGNORECASE)


def _word_split_at(cell: Cell, after: Cell) -> bool:
    """Whether ``after`` goes on with the word ``cell`` ends with: a lower-case letter each
    side of a gap narrower than half a line's height."""
    gap = after.box[0] - cell.box[2]
    return (
        cell.text[-1:].islower()
        and after.text[:1].islower()
        and 0 <= gap < 0.5 * cell.height
    )


def _letterhead(page: PageText, dtype: DocType) -> Cell | None:
    """The issuing organisation printed at the head of page 1, above or just under the title."""
    tpl = doctype_templates()[dtype]
    every = build_rows(page)
    rows = [r for r in every if r.box[1] <= page.height * 0.35]
    # The title is a cell that is mostly title ("Odometer Verification Service" beside the
    # issuer's name is a department, not the title).
    titled = [i for i, r in enumerate(rows) if any(_is_title(c.text, tpl.titles) for c in r.cells)]
    # A title stands alone on its line; a title-like cell beside others is a sub-heading.
    title = next((i for i in titled if len(rows[i].cells) == 1), titled[0] if titled else None)
    if title is None:
        order = rows[:4]
    else:
        # Under the title, the fields begin at the first label: a name from there on is a
        # party's ("Exporter: Shanghai Autostar Export Co., Ltd."), not the letterhead.
        under = rows[title + 1 : title + 3]
        labelled = [
            i
            for i, r in enumerate(under)
            if any(
                _label_hits(c.text, tpl.fields) and not _is_title(c.text, tpl.titles)
                for c in r.cells
            )  # the title's other language ("Mileage Certification")
        ]
        order = rows[:title] + under[: labelled[0] if labelled else None]

    def plausible(cell: Cell) -> bool:
        t = cell.text
        return (
            not _is_title(t, tpl.titles)
            and not _label_hits(t, tpl.fields)
            and len(t) <= 90
            and sum(ch.isdigit() for ch in t) <= 2
            # the mean: a speck read beside the name must not disqualify it
            and sum(w.conf for w in cell.words) / len(cell.words) >= 0.5
        )

    for i, row in enumerate(order):
        for n, cell in enumerate(row.cells):
            if _ORG.search(cell.text) and plausible(cell):
                # Its acronym set apart after it is part of the name ("… Ltd. (ATJ)"); so is
                # the line a name broken after "of", "the" or "People's" goes on in.
                after = row.cells[n + 1] if n + 1 < len(row.cells) else None
                if after is not None and _word_split_at(cell, after):
                    # OCR broke a word of the name in two cells ("Traff" | "ic Police
                    # Department"): one name, one word again.
                    last, first = cell.words[-1], after.words[0]
                    word = Word(last.text + first.text, union_box([last.box, first.box]),
                                min(last.conf, first.conf), last.line_key)
                    return Cell((*cell.words[:-1], word, *after.words[1:]), page=cell.page,
                                row=cell.row, slope=cell.slope)
                if after is None and i + 1 < len(order) and len(order[i + 1].cells) == 1:
                    after = order[i + 1].cells[0]
                if after is not None and not (
                    (after.row == cell.row and _ACRONYM.fullmatch(after.text.strip()))
                    or (_BROKEN_NAME.search(cell.text) and _name_goes_on(after, plausible))
                ):
                    after = None
                if after is not None:
                    return Cell((*cell.words, *after.words), page=cell.page, row=cell.row,
                                slope=cell.slope)
                return cell
    # A name without a company word ("Car History Korea") is still the letterhead when it
    # opens the page above the title, set larger than the text.
    if title:
        first = rows[0].cells[0]
        body = median(c.height for r in every for c in r.cells)
        if (
            first.height >= LETTERHEAD_SCALE * body
            and plausible(first)
            and len(re.findall(r"[A-Za-z]{2,}", first.text)) >= 2
            and not any(ch.isdigit() for ch in first.text)
        ):
            return first
    # Nor when a department follows it ("Car History Korea" over "Vehicle History Division",
    # over "Odometer Verification Service": a department named like the title is no issuer).
    for row, below in zip(order, order[1:], strict=False):
        name = row.cells[0]
        if (
            len(row.cells) == 1
            and len(below.cells) == 1
            and _DEPARTMENT.search(below.cells[0].text)
            and plausible(name)
            and len(re.findall(r"[A-Za-z]{2,}", name.text)) >= 2
            and not any(ch.isdigit() for ch in name.text)
        ):
            return name
    return None


_COLOURS = frozenset(
    [
        "white",
        "black",
        "silver",
        "grey",
        "gray",
        "red",
        "blue",
        "green",
        "brown",
        "beige",
        "yellow",
        "orange",
        "gold",
        "purple",
        "maroon",
        "bronze",
        "champagne",
        "pink",
        "violet",
        "cream",
        "ivory",
        "tan",
        "navy",
        "teal",
        "turquoise",
        "burgundy",
        "copper",
        "graphite",
        "charcoal",
        "titanium",
        "khaki",
        "olive",
        "aqua",
        "magenta",
        "lime",
    ]
)
_COLOUR_MODIFIERS = frozenset(
    ["pearl", "metallic", "dark", "light", "deep", "bright", "matte", "pale", "midnight"]
)


_COLOUR_WORDS = _COLOURS | _COLOUR_MODIFIERS


def _names_a_colour(word: str) -> bool:
    """A colour word, or one in Chinese, Japanese or Korean (白色, 黒色, 흰색)."""
    return word in _COLOUR_WORDS or "色" in word or "색" in word


def _colour_words(words: list[str]) -> tuple[list[str], list[str]]:
    """Colour words with OCR's one-character slips undone ("pear white" → "pearl white"):
    a word of four letters or more one edit from a colour or a colour modifier, with the
    same first letter. Marketing names ("Soul Red Crystal") keep their other words."""
    out, fixed = [], []
    for w in words:
        near = (
            [c for c in _COLOUR_WORDS if c[0] == w[0] and Levenshtein.distance(c, w) == 1]
            if len(w) >= 4 and w not in _COLOUR_WORDS
            else []
        )
        if len(near) == 1:
            fixed.append(f"{w} → {near[0]}")
            w = near[0]
        out.append(w)
    return out, fixed


def _colour(text: str) -> str | None:
    words = text.lower().split()
    if (
        1 <= len(words) <= 3
        and words[-1] in _COLOURS
        and all(w in _COLOURS or w in _COLOUR_MODIFIERS for w in words)
    ):
        return " ".join(words)
    return None


_DOCUMENT_NUMBER = re.compile(r"(?=(?:\D*\d){4})(?=.*[A-Z])[A-Z0-9]+(?:[-/][A-Z0-9]+){1,4}")


def _document_number(text: str) -> str | None:
    """A number of letter and digit groups ("24-AB-496411", "MC-25-448285"), not a date."""
    text = text.strip(" .:;,")
    if len(text) > 24 or not _DOCUMENT_NUMBER.fullmatch(text) or normalize.find_dates(text):
        return None
    return text


_YEAR_MONTH = re.compile(
    r"(?:[^\W\d_][^\d:：]{0,13}\s)?(?P<year>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?:0?[1-9]|1[0-2])\s*月?"
)
_MODEL_GLYPHS = {"¥": "Y", "§": "5"}
_MODEL_GLYPH = re.compile(r"\w (¥|§)$")
_TESLA_MODEL = re.compile(r"Model ([3SXY¥])")


def _fuel_word(text: str) -> str | None:
    """The fuel a value names, an l OCR read as ! or | included ("Petro!")."""
    fuel = normalize.parse_fuel(text)
    if fuel is None and re.search(r"[a-z][!|]", text):
        fuel = normalize.parse_fuel(text.translate(_L_SHAPES))
    return fuel


def _self_naming(cells, wanted: set[str], by_shape: frozenset[str] = frozenset()):
    """Cells whose whole text can only be one field's value, when the document holds exactly
    one such value: a label too small or blurred to read does not lose the value beside it.
    The fields of ``by_shape`` (doctypes.yaml) are named so only on types that list them."""
    shaped = {
        "document_number": _document_number,
        "destination_country": country_named,
        "port_of_loading": lambda t: t.strip() if port_named(t) else None,
    }
    parsers = {name: parse for name, parse in shaped.items() if name in by_shape}
    parsers |= {
        "fuel_type": _fuel_word,
        "transmission": lambda t: normalize.parse_transmission(t, whole=True),
        "color": _colour,
        "engine_displacement_cc": lambda t: (
            normalize.parse_displacement(t)
            if re.fullmatch(r"[\d.,]+\s*(?:L|T|cc|cm3|cm³|ml)", t.strip(), re.I)
            else None
        ),
        "make": normalize.normalize_make,
        # Tesla's model names name themselves ("Model Y" beside an unread caption; its Y
        # read as the yen sign): a caption is never followed by a lone 3, S, X or Y
        "model": lambda t: (
            f"Model {m[1].replace('¥', 'Y')}" if (m := _TESLA_MODEL.fullmatch(t)) else None
        ),
        # a year and month is a date of manufacture (出厂日期 2024-06); other dates have
        # their day, a model year no month. Its caption may be unread, colon or not.
        "manufacture_year": lambda t: (
            int(m["year"])
            if (m := _YEAR_MONTH.fullmatch(t)) and int(m["year"]) <= _latest_year()
            else None
        ),
        # the one distance a document states, its odometer caption unread ("aeen"), in km
        # or in miles ("46,661 miles" on a Japanese appraisal of a car from a miles market)
        "odometer_km": lambda t: (
            normalize.parse_km(t)
            if re.fullmatch(r"\d[\d,. ]*\s*(?:km|miles?)", t, re.I)
            else None
        ),
    }
    for name, parse in parsers.items():
        if name not in wanted:
            continue
        found = {}
        for cell, how in cells:
            t = cell.text.strip()
            # a label nobody could read, then its colon ("Bik: 5-speed manual", "WB BA: 5554 KM")
            m = _UNREAD_LABEL.fullmatch(t)
            if m and re.search(r"[^\W\d_]", m["label"]):
                t = m["value"]
            if not t or len(t) > 60 or len(t.split()) > 6:
                continue
            # a text layer's value is what it says: OCR's look-alikes are not read into it
            value = normalize.parse_fuel(t) if parse is _fuel_word and how != "ocr" else parse(t)
            if value:
                found.setdefault(value, (cell, how))
        if len(found) == 1:
            value, (cell, how) = next(iter(found.items()))
            if name == "engine_displacement_cc":
                yield name, value[0], cell, how
                yield "engine_displacement_precision_cc", value[1], cell, how
            else:
                yield name, value, cell, how


def _mileage_entries(
    pages: list[PageText], ctx
) -> tuple[list[dict], list[Row], list[tuple[Cell | None, str]]]:
    """Dated odometer readings from a service history table, in the order printed, with
    the rows they were read from and, for each, the cell its reading is in and the unit a
    bare number there is in."""
    unit = "km"
    out, used, spots = [], [], []
    for page in pages:
        rows = build_rows(page)
        compact = _compact_dates(rows, ctx)
        for row in rows:
            text = row.text
            low = text.lower()
            # A header in miles ("Odometer (miles)"); "Mileage (km)" is not one.
            if (
                re.search(r"\b(miles|mi)\b", low)
                and ("odometer" in low or "mileage" in low)
                and not re.search(r"\d|\bkms?\b", text, re.I)
            ):
                unit = "miles"
            dates = normalize.find_dates(text, day_first=ctx.get("day_first"))
            if not dates and row.index in compact:
                dates = [compact[row.index]]
            if not dates:
                continue
            when, raw, offset = dates[0]
            rest = text[:offset] + " " + text[offset + len(raw) :]
            km, number = _reading_in(rest, unit)
            if km is not None:
                out.append({"date": when.isoformat(), "odometer_km": km})
                used.append(row)
                spots.append((next((c for c in row.cells if number in c.text), None), unit))
    return out, used, spots


def _reading_in(text: str, unit: str) -> tuple[int | None, str]:
    """The first odometer reading in a service row's text (bare numbers in ``unit``), in km,
    and the number as printed."""
    # OCR may space a group separator from the digits after it ("10, 344 km").
    for m in re.finditer(
        r"(\d{1,3}(?:(?:[,.]\s?|\s)\d{3})+|\d{3,7})\s*(km|kms|miles|mi)?\b", text, re.I
    ):
        number = re.sub(r"(?<=[,.])\s", "", m.group(1))
        given = (m.group(2) or unit).lower()
        km = normalize.parse_km(f"{number} {'miles' if given.startswith('mi') else 'km'}")
        if km is not None:
            return km, m.group(1)
    return None, ""


def _reread_weak_readings(values: dict, reread: Rereader, notes) -> None:
    """Re-read the odometer cells of a service history OCR was unsure of ("e619 KM" for
    8619 KM, at 0.28) as several versions of each: the reading most versions agree on, where
    it loses no digit."""
    found = values.get("mileage_entries")
    if found is None or found.method != "ocr":
        return
    entries, used, spots = list(found.value), found.extra["rows"], found.extra["spots"]
    weak = [
        i for i, (cell, _) in enumerate(spots)
        if cell is not None and min(w.conf for w in cell.words) < WEAK_VALUE
    ]
    changed = False
    # Read among others, a cell's confidence says little (a strip of cells read 8619 at
    # 0.2, the same cell alone at 0.97): each is read alone, as several versions of itself.
    for i in weak[:MAX_VALUE_REREADS]:
        cell, unit = spots[i]
        x0, y0, x1, y1 = cell.box
        job = _Reread(str(i), cell.page, (x0, y0, x1, y1), (x0, x1), "line_variants")
        voted = _voted_reading(job, "line_variants", lambda t, u=unit: _reading_in(t, u)[0],
                               reread)
        old = entries[i]["odometer_km"]
        if voted is None or voted[0] == old or len(str(voted[0])) < len(str(old)):
            continue
        notes.append(f"odometer re-read as versions: {cell.text!r} → {voted[0]} km "
                     f"({voted[3]}; {old} as first read)")
        entries[i] = {**entries[i], "odometer_km": voted[0]}
        changed = True
    if changed:
        values["mileage_entries"] = _rows_value(entries, used, found.method)


def _compact_dates(rows: list[Row], ctx) -> dict[int, tuple]:
    """Dates in a table's date column read without their separators ("2020/04/26" as
    "20200426"), by row index: a first cell of eight digits that make a date (ISO 8601's
    basic format), in the column where the other rows' dates begin."""
    starts = []  # where a row's date cell begins, on the rows whose dates were read
    for row in rows:
        first = row.cells[0]
        found = normalize.find_dates(first.text, day_first=ctx.get("day_first"))
        if found and found[0][2] == 0:
            starts.append(first.box[0])
    out = {}
    for row in rows:
        first = row.cells[0]
        text = first.text.strip()
        if len(starts) < 2 or not re.fullmatch(r"\d{8}", text):
            continue
        when = normalize.parse_date(text)
        if when is not None and any(abs(first.box[0] - x) < first.height for x in starts):
            out[row.index] = (when, row.text[: len(first.text)], 0)
    return out


def _rows_value(value, rows: list[Row], method: str) -> Value:
    """A value read from several rows of one page (a table, a list): their box, their
    weakest confidence, their text."""
    first = [r for r in rows if r.page == rows[0].page]
    words = [w for r in first for c in r.cells for w in c.words]
    return Value(
        value,
        rows[0].page,
        union_box(w.box for w in words),
        min((w.conf for w in words), default=0.0),
        " | ".join(r.text for r in rows),
        method,
        rank=(50,),
    )


def _fold_extras(values: dict[str, Value]) -> None:
    """Values that come with another field: a price's currency, a displacement's precision."""
    price = values.get("price")
    if price is not None and "currency" in price.extra:
        values["currency"] = Value(
            price.extra["currency"],
            price.page,
            price.box,
            price.confidence,
            price.raw,
            price.method,
            rank=price.rank,
        )
    disp = values.get("engine_displacement_cc")
    if disp is not None and "precision" in disp.extra:
        values["engine_displacement_precision_cc"] = Value(
            disp.extra["precision"],
            disp.page,
            disp.box,
            disp.confidence,
            disp.raw,
            disp.method,
            rank=disp.rank,
        )
