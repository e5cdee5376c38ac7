"""Normalisers: raw field text (as read, possibly OCR-noisy) to the contract's value forms.

Every function takes the text as read and returns the normalised value, or ``None`` when the
text does not state one unambiguously. None of them guesses: an ambiguous date (``03/04/2024``
without a stated order), a ``¥`` amount without a hint whether it is yen or yuan, a bare number
without a unit, or two conflicting values all give ``None``, because a wrong date or amount
moves money. Junk of any kind (``None``, bytes, binary garbage, 10,000-character strings) also
gives ``None``; nothing here raises on input.

>>> parse_date('2O24-03-12'), parse_date('03/04/2024'), parse_date('03/04/2024', day_first=True)
(datetime.date(2024, 3, 12), None, datetime.date(2024, 4, 3))
>>> parse_km('28,100 miles'), parse_km('4.5万公里'), parse_km('45.210 km')
(45223, 45000, 45210)
>>> parse_displacement('2.8T'), parse_displacement('2,755 cm³')
((2800, 100), (2755, 1))
>>> parse_fuel('Petrol/Electric hybrid'), parse_fuel('插电式混合动力'), parse_fuel('GO')
('hybrid', 'phev', 'diesel')
>>> parse_transmission('8-speed automatic'), parse_transmission('7DCT')
('automatic', 'dct')
>>> normalize_make('BYD Auto Co., Ltd.'), normalize_make('雷克萨斯'), normalize_make('SAIC MOTOR')
('BYD', 'Lexus', 'SAIC')
>>> parse_money('EUR 18.900,00'), parse_money('¥ 2,350,000')
((18900.0, 'EUR'), None)
>>> parse_money('¥ 2,350,000', currency_hint='JPY')
(2350000.0, 'JPY')
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from verifier.yamldata import load_yaml

__all__ = [
    "MAX_FIELD_CHARS",
    "MakesDataError",
    "clean_text",
    "find_dates",
    "load_makes",
    "normalize_make",
    "parse_count",
    "parse_date",
    "parse_displacement",
    "parse_fuel",
    "parse_int_year",
    "parse_km",
    "parse_money",
    "parse_transmission",
]

#: A field value longer than this is not a field value (free text goes to ``find_dates``).
MAX_FIELD_CHARS = 500

MIN_YEAR, MAX_YEAR = 1950, 2100
KM_PER_MILE = Decimal("1.609344")
MAX_ODOMETER_KM = 3_000_000
MIN_CC, MAX_CC = 50, 10_000

MAKES_FILE = Path(__file__).with_name("data") / "makes.yaml"


# ---------------------------------------------------------------- shared helpers


def _nfkc_same_length(text: str) -> str:
    """NFKC per character where that keeps one character (full-width digits, ``³``, ``㎞`` is
    kept), so offsets into the result are offsets into the original."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        norm = unicodedata.normalize("NFKC", ch)
        out.append(norm if len(norm) == 1 else ch)
    return "".join(out)


def _field(text: Any) -> str | None:
    """The value text, NFKC-normalised and stripped; None for junk or over-long input."""
    if not isinstance(text, str):
        return None
    if len(text) > MAX_FIELD_CHARS:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if not text or "\x00" in text:
        return None
    return text


# OCR reads 0 as O/o and 1 as l/I/|. Only inside a token of digits and those letters that has
# at least one real digit and no other letter on either side (so "Oct", "Il" stay as they are).
_OCR_DIGIT_TOKEN = re.compile(r"(?<![A-Za-z])[0-9OoIl|]*[0-9][0-9OoIl|]*(?![A-Za-z])")
_OCR_DIGIT_MAP = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def _fix_ocr_digits(text: str) -> str:
    """Length-preserving: ``2O24`` -> ``2024``, ``l2`` -> ``12``."""
    return _OCR_DIGIT_TOKEN.sub(lambda m: m.group(0).translate(_OCR_DIGIT_MAP), text)


# A number as printed: grouped by spaces/apostrophes/thin spaces, or digits with , and .
_NUMBER_RE = re.compile(
    r"(?<![\d.,])(?:\d{1,3}(?:[ '\u2009\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)(?!\d)"
)


def _to_decimal(s: str, *, dot3: str = "thousands", grouping: bool = True) -> Decimal | None:
    """Parse one printed number.

    ``45,210`` and ``45.210`` (``dot3="thousands"``) are thousands; ``12,5`` a decimal comma;
    ``18.900,00`` and ``23,500.00`` both ways; ``45 210`` space-grouped. ``grouping=False``
    (litres) reads every separator as a decimal mark.
    """
    s = s.strip()
    if re.fullmatch(r"\d{1,3}(?:[ '\u2009\u202f]\d{3})+(?:[.,]\d+)?", s):
        s = re.sub(r"[ '\u2009\u202f]", "", s)
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", s):
        return None
    try:
        if not grouping:
            parts = re.split(r"[.,]", s)
            if len(parts) > 2:
                return None
            return Decimal(".".join(parts))
        if "," in s and "." in s:
            last = max(s.rfind(","), s.rfind("."))
            dec = s[last]
            thou = "." if dec == "," else ","
            int_part, frac = s[:last], s[last + 1 :]
            grouped = rf"\d{{1,3}}(?:{re.escape(thou)}\d{{3}})*"
            if dec in int_part or not re.fullmatch(grouped, int_part):
                return None
            return Decimal(int_part.replace(thou, "") + "." + frac)
        sep = "," if "," in s else "." if "." in s else None
        if sep is None:
            return Decimal(s)
        parts = s.split(sep)
        if len(parts) > 2:
            if 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
                return Decimal("".join(parts))
            return None
        int_part, frac = parts
        thousands = sep == "," or dot3 == "thousands"
        if thousands and len(frac) == 3 and 1 <= len(int_part) <= 3 and int_part != "0":
            return Decimal(int_part + frac)
        return Decimal(int_part + "." + frac)
    except InvalidOperation:
        return None


def _round_int(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


# ---------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "january jan janvier janv januar jänner jaenner enero ene",
        "february feb février fevrier févr fevr februar febrero",
        "march mar mars märz maerz mär marzo",
        "april apr avril avr abril",
        "may mai mayo",
        "june jun juin juni junio",
        "july jul juillet juil juli julio",
        "august aug août aout agosto ago",
        "september sep sept septembre septiembre setiembre",
        "october oct octobre oktober okt octubre",
        "november nov novembre noviembre",
        "december dec décembre decembre déc dezember dez diciembre dic",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _num

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_MON = rf"(?P<mon>{_MONTH_ALT})(?![^\W\d_])\.?"
_SEP = r"\s*(?P<sep>[-/.])\s*"
_ORD = r"(?:st|nd|rd|th|er|e)?"

_D, _M, _Y4 = r"(?P<d>\d{1,2})", r"(?P<m>\d{1,2})", r"(?P<y>\d{4})"
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 2024-03-12, 2024/03/12, 2024.03.12 (year first is always year-month-day)
    ("ymd", re.compile(rf"(?<![\d.,]){_Y4}{_SEP}{_M}\s*(?P=sep)\s*{_D}(?!\d)")),
    # 2024年3月12日, 2024년 3월 12일
    ("ymd", re.compile(rf"(?<!\d){_Y4}\s*[年년]\s*{_M}\s*[月월]\s*{_D}\s*[日일]?")),
    # 令和6年3月12日 (Japanese era)
    ("era", re.compile(rf"(?P<era>令和|平成|昭和)\s*(?P<ey>\d{{1,2}}|元)\s*年\s*{_M}\s*月\s*{_D}")),
    # 12.03.2024, 12/03/2024, 03/12/2024, 12-03-2024
    ("dmy?", re.compile(rf"(?<![\d.,])(?P<a>\d\d?){_SEP}(?P<b>\d\d?)\s*(?P=sep)\s*{_Y4}(?!\d)")),
    # 12 Mar 2024, 12-MAR-2024, 30. SEP. 2022, 12th March 2024, 12 March, 2024
    ("d_mon_y", re.compile(rf"(?<!\d){_D}{_ORD}\.?\s*[-/]?\s*{_MON}\s*[-/,]?\s*{_Y4}(?!\d)", re.I)),
    # March 12, 2024; Mar. 12, 2024; March 12th 2024
    ("mon_d_y", re.compile(rf"(?<![^\W\d_]){_MON}\s*[-/]?\s*{_D}{_ORD}\s*,?\s*{_Y4}(?!\d)", re.I)),
    # 2024-Mar-12, 2024 March 12
    ("y_mon_d", re.compile(rf"(?<!\d){_Y4}\s*[-/ ]\s*{_MON}\s*[-/ ]\s*{_D}(?!\d)", re.I)),
]
_ERA_START = {"令和": 2018, "平成": 1988, "昭和": 1925}


def _make_date(y: int, m: int, d: int) -> datetime.date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return datetime.date(y, m, d)
    except ValueError:
        return None


def _resolve(kind: str, g: dict[str, str], day_first: bool | None) -> datetime.date | None:
    """The date a match stands for; None if impossible or ambiguous."""
    if kind == "ymd":
        return _make_date(int(g["y"]), int(g["m"]), int(g["d"]))
    if kind == "era":
        year = 1 if g["ey"] == "元" else int(g["ey"])
        return _make_date(_ERA_START[g["era"]] + year, int(g["m"]), int(g["d"]))
    if kind in ("d_mon_y", "mon_d_y", "y_mon_d"):
        month = _MONTHS.get(g["mon"].lower().rstrip("."))
        return _make_date(int(g["y"]), month, int(g["d"])) if month else None
    # dd/mm/yyyy or mm/dd/yyyy
    a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
    if a > 12 and b <= 12:
        order = "dm"
    elif b > 12 and a <= 12:
        order = "md"
    elif a == b:
        order = "dm"
    elif day_first is not None:
        order = "dm" if day_first else "md"
    elif g["sep"] == ".":
        order = "dm"  # dotted dates are day-first wherever they are used (DE, FR, RU, CN, JP)
    else:
        return None
    return _make_date(y, b, a) if order == "dm" else _make_date(y, a, b)


def _date_matches(text: str, day_first: bool | None) -> list[tuple[int, int, datetime.date | None]]:
    """Non-overlapping date-like spans (longest first at each place), resolved or None."""
    fixed = _fix_ocr_digits(_nfkc_same_length(text))
    spans: list[tuple[int, int, str, dict[str, str]]] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(fixed):
            spans.append((m.start(), m.end(), kind, m.groupdict()))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    chosen: list[tuple[int, int, datetime.date | None]] = []
    end = -1
    for start, stop, kind, groups in spans:
        if start < end:
            continue
        chosen.append((start, stop, _resolve(kind, groups, day_first)))
        end = stop
    return chosen


def find_dates(text: str, *, day_first: bool | None = None) -> list[tuple[datetime.date, str, int]]:
    """Every date in free text as ``(value, raw substring, offset)``, in text order.

    Ambiguous (``03/04/2024`` without ``day_first``) and impossible dates are left out.

    >>> for found in find_dates('Issued 12 Mar 2024, valid until 2025年3月11日'):
    ...     print(found)
    (datetime.date(2024, 3, 12), '12 Mar 2024', 7)
    (datetime.date(2025, 3, 11), '2025年3月11日', 32)
    """
    if not isinstance(text, str) or not text:
        return []
    return [
        (value, text[start:stop], start)
        for start, stop, value in _date_matches(text, day_first)
        if value is not None
    ]


def parse_date(text: str, *, day_first: bool | None = None) -> datetime.date | None:
    """The one date a field states; None when there is none, it is ambiguous, or the text
    states two different dates.

    >>> parse_date('30. SEP. 2022'), parse_date('March 12, 2024'), parse_date('12th March 2024')
    (datetime.date(2022, 9, 30), datetime.date(2024, 3, 12), datetime.date(2024, 3, 12))
    >>> parse_date('2024-02-30') is None
    True
    """
    value = _field(text)
    if value is None:
        return None
    found = _date_matches(value, day_first)
    if not found:
        compact = _fix_ocr_digits(value)
        if re.fullmatch(r"\d{8}", compact):  # 20240312
            return _make_date(int(compact[:4]), int(compact[4:6]), int(compact[6:]))
        return None
    dates = {d for _, _, d in found}
    if None in dates or len(dates) != 1:
        return None
    return dates.pop()


# ---------------------------------------------------------------- odometer

_KM_UNIT = r"(?:km|kms|kilomet(?:er|re)s?|公里|千米|キロメートル|キロ|킬로미터|킬로)"
_MI_UNIT = r"(?:miles?|mi|mls)"
_WAN = r"(?:万|萬)"


def _unit_kind(unit: str | None) -> str | None:
    if unit is None:
        return None
    u = unicodedata.normalize("NFKC", str(unit)).strip().lower()
    if re.fullmatch(_KM_UNIT, u):
        return "km"
    if re.fullmatch(_MI_UNIT, u):
        return "mi"
    return None


def parse_km(text: str, unit: str | None = None) -> int | None:
    """Odometer reading in integer kilometres (miles converted, ``万`` = 10,000).

    A bare number needs ``unit`` (``"km"`` or ``"mi"``); a unit in the text wins over it.
    Two readings that disagree (beyond rounding) give None.

    >>> parse_km('45 210 km'), parse_km('45210', unit='km'), parse_km('45210') is None
    (45210, 45210, True)
    >>> parse_km('12,5 km'), parse_km('45,210 km (28,100 miles)')
    (13, 45210)
    """
    value = _field(text)
    if value is None:
        return None
    value = _fix_ocr_digits(value).lower()
    default = _unit_kind(unit)
    if unit is not None and default is None:
        return None
    after = re.compile(rf"\s*(?P<wan>{_WAN})?\s*(?P<unit>{_KM_UNIT}|{_MI_UNIT})?(?![a-z])")
    if re.search(r"(?:^|[\s(:=])[-−]\d", value):
        return None  # a negative reading is not an odometer reading
    readings: list[tuple[Decimal, bool]] = []  # (km, stated with a unit)
    for m in _NUMBER_RE.finditer(value):
        amount = _to_decimal(m.group(0))
        tail = after.match(value, m.end())
        wan = bool(tail and tail.group("wan"))
        stated = tail.group("unit") if tail else None
        kind = _unit_kind(stated) if stated else None
        if kind is None and wan:
            kind = default or "km"  # 万 is a Chinese (kilometre) reading
        if amount is None:
            if kind is not None:
                return None  # the reading itself is malformed ("45,21,0 km")
            readings.append((Decimal(-1), False))  # some other malformed number
            continue
        if wan:
            amount *= 10_000
        readings.append((amount * KM_PER_MILE if kind == "mi" else amount, kind is not None))
    if not readings:
        return None
    with_unit = [km for km, stated in readings if stated]
    if with_unit:
        # any numbers without a unit next to them are other things (a date, an index)
        candidates = with_unit
    elif len(readings) == 1:
        has_km = _has(rf"(?<![a-z]){_KM_UNIT}(?![a-z])", value)
        has_mi = _has(rf"(?<![a-z]){_MI_UNIT}(?![a-z])", value)
        if has_km and has_mi:
            return None
        kind = "km" if has_km else "mi" if has_mi else default
        if kind is None:
            return None
        km = readings[0][0]
        candidates = [km * KM_PER_MILE if kind == "mi" else km]
    else:
        return None
    first = candidates[0]
    for other in candidates[1:]:
        if abs(other - first) > max(Decimal(2), first * Decimal("0.01")):
            return None
    result = _round_int(first)
    return result if 0 <= result <= MAX_ODOMETER_KM else None


# ---------------------------------------------------------------- engine displacement

_DISPLACEMENT_RE = re.compile(
    r"(?<![\d.,])(?P<num>\d+(?:[.,]\d+)*)\s*"
    r"(?P<unit>cm3|ccm|cc|ml|litres?|liters?|ltrs?|公升|升|l(?![a-z])|t(?:si|fsi|di|gdi|d|c|urbo)?(?![a-z]))",
    re.I,
)


def parse_displacement(text: str, unit: str | None = None) -> tuple[int, int] | None:
    """Engine displacement as ``(cc, precision_cc)``: ``1.5L`` -> ``(1500, 100)``,
    ``1498 cc`` -> ``(1498, 1)``. A bare number needs ``unit`` (``"cc"`` or ``"l"``).

    Several consistent statements (``1.5L (1498 cc)``) give the most precise one; inconsistent
    ones, or a value outside 50..10,000 cc, give None.

    >>> parse_displacement('排量 1.5L'), parse_displacement('1998 ml'), parse_displacement('2.0 l')
    ((1500, 100), (1998, 1), (2000, 100))
    >>> parse_displacement('1.5L (1498 cc)'), parse_displacement('2 t') is None
    ((1498, 1), True)
    """
    value = _field(text)
    if value is None:
        return None
    value = value.lower().replace("cm³", "cm3")
    found: list[tuple[int, int]] = []
    for m in _DISPLACEMENT_RE.finditer(value):
        got = _displacement(m.group("num"), m.group("unit"))
        if got is None:
            return None
        found.append(got)
    if not found and unit is not None:
        numbers = _NUMBER_RE.findall(value)
        if len(numbers) == 1 and re.fullmatch(r"[^\d]*" + re.escape(numbers[0]) + r"[^\d]*", value):
            got = _displacement(numbers[0], str(unit).strip().lower())
            found = [got] if got else []
    if not found:
        return None
    best = min(found, key=lambda f: f[1])
    for cc, precision in found:
        if abs(cc - best[0]) > precision / 2:
            return None
    return best if MIN_CC <= best[0] <= MAX_CC else None


def _displacement(num: str, unit: str) -> tuple[int, int] | None:
    unit = unit.lower()
    if unit in ("cc", "cm3", "ccm", "ml"):
        amount = _to_decimal(num)
        if amount is None or amount != amount.to_integral_value():
            return None
        return int(amount), 1
    if unit.startswith("t") and not re.fullmatch(r"\d\.\d", num):
        return None  # "2.8T" is turbo litres; "2 t" is tonnes
    if unit in ("l", "t") or re.fullmatch(r"litres?|liters?|ltrs?|公升|升|t\w*", unit):
        amount = _to_decimal(num, grouping=False)
        if amount is None or amount <= 0 or amount >= 100:
            return None
        decimals = len(num.replace(",", ".").partition(".")[2])
        precision = 10 ** max(0, 3 - decimals)
        return _round_int(amount * 1000), precision
    return None


# ---------------------------------------------------------------- fuel

_FUEL_FEATURES: list[tuple[str, str]] = [
    (
        "plugin",
        r"phev|phv|plug\s*-?\s*in|ovc\s*-?\s*hev|插电|插電|增程|range\s*-?\s*extend\w*|erev|"
        r"プラグイン|rechargeable",
    ),
    (
        "hybrid",
        r"hybrid\w*|hev|fhev|mhev|混合动力|混合動力|混动|油电混合|油電混合|"
        r"ハイブリッド|하이브리드",
    ),
    ("cng", r"cng|natural\s*gas|gaz\s*naturel|erdgas|天然气|天然氣|gnv|metano|methane"),
    ("lpg", r"lpg|autogas|auto\s*gas|gpl|glp|lp\s*gas|液化石油气|液化石油氣|propane"),
    (
        "diesel",
        # OCR: "Diese!" for Diesel, "Gas Ol" for Gas Oil (which is diesel, never petrol).
        r"diese[l!1|]|dizel|gas\s*o[i1l|]?[l1|]\b|gasoil|gazole|gasóleo|gasoleo|柴油|ディーゼル|軽油|"
        r"경유|디젤",
    ),
    (
        "electric",
        r"bev|ev|electric|electrique|électrique|elektro\w*|elettric\w*|eléctrico|"
        r"electrico|纯电动?|純電動?|电动|電動|電気|전기",
    ),
    (
        "petrol",
        r"petrol|gasoline|gasolina|benzin|benzine|benzina|essence|汽油|ガソリン|휘발유|"
        r"unleaded|gas",
    ),
]
_FUEL_RES = [(name, re.compile(rf"(?<![a-z])(?:{alt})(?![a-z])")) for name, alt in _FUEL_FEATURES]
# French registration certificate (carte grise) field P.3 codes
_FR_FUEL_CODES = {
    "es": "petrol", "go": "diesel", "el": "electric", "ee": "hybrid", "eh": "hybrid",
    "gh": "hybrid", "gl": "phev", "gp": "lpg", "gn": "cng",
}  # fmt: skip


def parse_fuel(text: str) -> str | None:
    """Fuel type: ``petrol``, ``diesel``, ``electric``, ``phev``, ``hybrid``, ``lpg`` or ``cng``.

    Two contradicting fuels (``Petrol / Diesel``) give None; petrol or diesel together with
    electric is a hybrid; LPG or CNG with petrol is a bi-fuel car registered as LPG/CNG.

    >>> parse_fuel('Gas'), parse_fuel('Natural Gas'), parse_fuel('Gas Oil'), parse_fuel('BEV')
    ('petrol', 'cng', 'diesel', 'electric')
    >>> parse_fuel('Petrol or Diesel') is None
    True
    """
    value = _field(text)
    if value is None:
        return None
    # A French certificate's P.3 code is printed in capitals ("EE", "GO"); "ee." is OCR's
    # reading of a smudge, not an essence-électrique hybrid.
    code = re.fullmatch(r"(?:[pP]\.?\s*3\s*[:.\-]?\s*)?([A-Za-z]{2})\.?", value)
    value = value.lower()
    if code and (code.group(1).isupper() or code.group(0)[:1] in "pP"):
        return _FR_FUEL_CODES.get(code.group(1).lower()) or _fuel_from_features(value)
    return _fuel_from_features(value)


def _fuel_from_features(value: str) -> str | None:
    features: set[str] = set()
    rest = value
    for name, pattern in _FUEL_RES:
        if pattern.search(rest):
            features.add(name)
            rest = pattern.sub(" ", rest)  # "natural gas" must not also count as "gas"
    if not features:
        return None
    combustion = features & {"petrol", "diesel"}
    if "plugin" in features:
        return "phev" if features <= {"plugin", "hybrid", "electric", "petrol", "diesel"} else None
    if "hybrid" in features or ("electric" in features and combustion):
        return "hybrid" if not features & {"lpg", "cng"} else None
    gas = features & {"lpg", "cng"}
    if gas:
        return gas.pop() if len(gas) == 1 and "diesel" not in features else None
    if len(features) == 1:
        return features.pop()
    return None


# ---------------------------------------------------------------- transmission

_GEAR_FEATURES: list[tuple[str, str]] = [
    ("cvt", r"e\s*-?\s*cvt|cvt|ivt|无级变速\w*|無段変速|無段階変速|无级|無級"),
    (
        "dct",
        r"\d{0,2}\s*-?\s*(?:dct|dsg|dcg|edc|pdk)|dual\s*-?\s*clutch|double\s*clutch|"
        r"s\s*-?\s*tronic|双离合\w*|雙離合\w*|デュアルクラッチ",
    ),
    (
        "automatic",
        r"\d{0,2}\s*-?\s*(?:at|a/t)|automatic|automatique|automatik|automatico|"
        r"automático|auto|tiptronic|steptronic|自动挡?|自動|手自一体|オートマ\w*|자동",
    ),
    (
        "manual",
        r"\d{0,2}\s*-?\s*(?:mt|m/t)|manual|manuelle|manuell|schaltgetriebe|stick|"
        r"手动挡?|手動|マニュアル|수동",
    ),
]
_GEAR_RES = [(name, re.compile(rf"(?<![a-z])(?:{alt})(?![a-z])")) for name, alt in _GEAR_FEATURES]
# Words a gearbox's own cell may hold beside its kind ("7-speed automatic transmission").
_GEAR_WORDS = re.compile(r"(?<![a-z])(?:transmission|gearbox|trans|gears?|speeds?|变速箱)(?![a-z])")


def parse_transmission(text: str, *, whole: bool = False) -> str | None:
    """Transmission: ``automatic``, ``manual``, ``cvt`` or ``dct``. With ``whole``, only
    when the text says nothing else ("Sakura Auto Export K.K." names no gearbox).

    >>> parse_transmission('A/T'), parse_transmission('6MT'), parse_transmission('e-CVT')
    ('automatic', 'manual', 'cvt')
    >>> parse_transmission('DSG automatic'), parse_transmission('手动')
    ('dct', 'manual')
    >>> parse_transmission('Sakura Auto Export'), parse_transmission('Sakura Auto', whole=True)
    ('automatic', None)
    """
    value = _field(text)
    if value is None:
        return None
    value = value.lower()
    # "speed" counts: "6-speed", "8 speed", "6速"; and "with manual mode" is still automatic
    value = re.sub(r"(\d+)\s*-?\s*(?:speed|spd|速|段)", r"\1", value)
    value = re.sub(r"(?:with\s+)?manual\s+(?:mode|shift\w*)", " ", value)
    features = []
    rest = value
    for name, pattern in _GEAR_RES:
        if pattern.search(rest):
            features.append(name)
            rest = pattern.sub(" ", rest)
    if not features or (whole and re.search(r"[^\W\d_]", _GEAR_WORDS.sub(" ", rest))):
        return None
    if features[0] in ("cvt", "dct"):
        # "CVT (automatic)", "7-speed DSG automatic": a CVT or DCT is an automatic
        others = set(features) - {features[0], "automatic"}
        return None if others else features[0]
    return features[0] if len(features) == 1 else None


# ---------------------------------------------------------------- makes


class MakesDataError(ValueError):
    """``extractors/data/makes.yaml`` is malformed."""


def _make_key(text: str) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\s\-_/.,()&'’·・:;\"+]+", " ", text)
    return text.strip()


@functools.lru_cache(maxsize=4)
def load_makes(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Brands from ``makes.yaml``: ``{brand: {"aliases": [...], "parent": str|None,
    "group": bool}}``. Validated; a malformed file raises :class:`MakesDataError`."""
    path = Path(path) if path else MAKES_FILE
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise MakesDataError(f"{path}: cannot load: {e}") from e
    if not isinstance(raw, dict) or not isinstance(raw.get("brands"), dict) or not raw["brands"]:
        raise MakesDataError(f"{path}: expected a mapping 'brands: {{Brand: {{aliases: [...]}}}}'")
    brands: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    for brand, entry in raw["brands"].items():
        where = f"{path}: brand {brand!r}"
        if not isinstance(brand, str) or not brand.strip():
            raise MakesDataError(f"{where}: brand names must be non-empty text")
        if entry is None:
            entry = {}
        if isinstance(entry, list):
            entry = {"aliases": entry}
        if not isinstance(entry, dict):
            raise MakesDataError(f"{where}: expected a mapping or a list of aliases")
        unknown = set(entry) - {"aliases", "parent", "group"}
        if unknown:
            raise MakesDataError(f"{where}: unknown keys {sorted(unknown)}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in aliases
        ):
            raise MakesDataError(f"{where}: aliases must be a list of non-empty text")
        parent = entry.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise MakesDataError(f"{where}: parent must be a brand name")
        group = entry.get("group", False)
        if not isinstance(group, bool):
            raise MakesDataError(f"{where}: group must be true or false")
        keys = []
        for alias in [brand, *aliases]:
            key = _make_key(alias)
            if not key:
                raise MakesDataError(f"{where}: alias {alias!r} is empty after normalisation")
            if seen.get(key, brand) != brand:
                raise MakesDataError(f"{where}: alias {alias!r} also belongs to {seen[key]!r}")
            seen[key] = brand
            if key not in keys:
                keys.append(key)
        brands[brand] = {"aliases": keys, "parent": parent, "group": group}
    for brand, entry in brands.items():
        parent, chain = entry["parent"], {brand}
        while parent is not None:
            if parent not in brands:
                raise MakesDataError(f"{path}: brand {brand!r}: unknown parent {parent!r}")
            if parent in chain:
                raise MakesDataError(f"{path}: brand {brand!r}: parent cycle")
            chain.add(parent)
            parent = brands[parent]["parent"]
    return brands


@functools.lru_cache(maxsize=4)
def _make_index(
    path: str | Path | None = None,
) -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    brands = load_makes(path)
    exact: dict[str, str] = {}
    patterns: list[tuple[str, str]] = []
    for brand, entry in brands.items():
        for key in entry["aliases"]:
            exact[key] = brand
            patterns.append((key, brand))
    patterns.sort(key=lambda p: len(p[0]), reverse=True)
    compiled = []
    for key, brand in patterns:
        if key.isascii():
            compiled.append((re.compile(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])"), brand))
        else:
            compiled.append((re.compile(re.escape(key)), brand))
    return exact, compiled


_CORPORATE = re.compile(
    r"(?:\s|^)(?:co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|"
    r"spa|s p a|nv|bv|kk|group|holdings?|motors?|motor company|auto|automobiles?|automotive|"
    r"automobile|cars?|vehicles?)$"
)
_CORPORATE_CJK = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|集团|汽车|株式会社|自動車|自动车)$"
)


def normalize_make(text: str) -> str | None:
    """The brand's common name (``extractors/data/makes.yaml``), or None.

    A sub-brand wins over its parent (``Toyota Lexus`` -> Lexus, ``SAIC MG`` -> MG); a
    ``group`` (joint-venture partner) yields to any other brand (``FAW-Volkswagen`` ->
    Volkswagen); two unrelated brands give None.

    >>> normalize_make('TOYOTA MOTOR CORPORATION'), normalize_make('VW'), normalize_make('哈弗')
    ('Toyota', 'Volkswagen', 'Haval')
    >>> normalize_make('SAIC MG'), normalize_make('一汽-大众'), normalize_make('Toyota Honda')
    ('MG', 'Volkswagen', None)
    """
    value = _field(text)
    if value is None:
        return None
    exact, patterns = _make_index()  # a malformed makes.yaml raises MakesDataError here
    brands = load_makes()
    key = _make_key(value)
    if not key:
        return None
    stripped = key
    for _ in range(4):
        if stripped in exact:
            return exact[stripped]
        shorter = _CORPORATE_CJK.sub("", _CORPORATE.sub("", stripped)).strip()
        if shorter == stripped or not shorter:
            break
        stripped = shorter
    matched: set[str] = set()
    rest = key
    for pattern, brand in patterns:
        if pattern.search(rest):
            matched.add(brand)
            rest = pattern.sub(" ", rest)
    return _resolve_brands(matched, brands)


def _resolve_brands(matched: Iterable[str], brands: dict[str, dict[str, Any]]) -> str | None:
    found = set(matched)
    ancestors: set[str] = set()
    for brand in found:
        parent = brands[brand]["parent"]
        while parent is not None:
            ancestors.add(parent)
            parent = brands[parent]["parent"]
    found -= ancestors
    if len(found) > 1:
        found = {b for b in found if not brands[b]["group"]} or found
    return found.pop() if len(found) == 1 else None


# ---------------------------------------------------------------- money

_CURRENCY_CODES = frozenset(
    re.findall(
        r"[A-Z]{3}",
        """USD EUR CNY JPY GBP AUD CAD NZD HKD SGD CHF SEK NOK DKK PLN CZK HUF RON BGN RUB UAH
        KZT UZS KGS TJS AZN GEL AMD MNT AED SAR QAR OMR KWD BHD JOD ILS TRY EGP MAD DZD TND NGN
        GHS KES TZS UGX ETB ZAR XOF XAF INR PKR BDT LKR NPR THB MYR IDR PHP VND KRW TWD MOP KHR
        LAK MMK MXN BRL ARS CLP COP PEN UYU PYG BOB DOP JMD TTD GYD XCD""",
    )
)
_CURRENCY_WORDS: list[tuple[str, str | None]] = [
    # (pattern, code); None = a dollar/yen sign whose code needs the context
    (r"us\s*\$|usd\s*\$|u\.\s*s\.\s*dollars?|us\s*dollars?|美元|美金", "USD"),
    (r"a\s*\$|au\s*\$|aud\s*\$|australian\s+dollars?", "AUD"),
    (r"c\s*\$|ca\s*\$|cad\s*\$|canadian\s+dollars?", "CAD"),
    (r"nz\s*\$|new\s+zealand\s+dollars?", "NZD"),
    (r"hk\s*\$|hong\s+kong\s+dollars?|港币|港元", "HKD"),
    (r"s\s*\$|sg\s*\$|singapore\s+dollars?", "SGD"),
    (r"mx\s*\$|mex\s*\$", "MXN"),
    (r"rmb|人民币|人民幣|yuan|renminbi|元", "CNY"),
    (r"円|yen", "JPY"),
    (r"€|euros?", "EUR"),
    (r"£|pounds?\s+sterling|gbp", "GBP"),
    (r"₩|원", "KRW"),
    (r"₽|руб\w*", "RUB"),
    (r"₹", "INR"),
    (r"₺", "TRY"),
    (r"₫", "VND"),
    (r"₱", "PHP"),
    (r"฿|baht", "THB"),
    (r"₸|тенге", "KZT"),
    (r"dollars?|\$", "$"),
    (r"¥|￥", "¥"),
]
_CURRENCY_RES = [(re.compile(rf"(?<![a-z])(?:{p})(?![a-z])"), code) for p, code in _CURRENCY_WORDS]
_DOLLAR_CODES = {"USD", "AUD", "CAD", "NZD", "HKD", "SGD", "MXN", "TWD"}


def parse_money(text: str, currency_hint: str | None = None) -> tuple[float, str] | None:
    """An amount and its ISO 4217 code.

    ``$`` is US dollars unless ``currency_hint`` names another dollar; ``¥`` needs a hint
    (``JPY`` or ``CNY``); text without any currency takes the hint, or gives None. Two
    different amounts or currencies give None.

    >>> parse_money('USD 23,500.00'), parse_money('€18,900'), parse_money('人民币 150000元')
    ((23500.0, 'USD'), (18900.0, 'EUR'), (150000.0, 'CNY'))
    >>> parse_money('15万元'), parse_money('23,500') is None
    ((150000.0, 'CNY'), True)
    """
    value = _field(text)
    if value is None:
        return None
    hint = str(currency_hint).strip().upper() if currency_hint else None
    if hint == "RMB":
        hint = "CNY"
    if hint is not None and hint not in _CURRENCY_CODES:
        hint = None
    work = _fix_ocr_digits(value).lower()
    if re.search(r"(?:^|[\s(:=$€£¥])[-−]\s?\d", work):
        return None  # a negative amount is not a price
    currencies: set[str] = set()
    for m in re.finditer(r"(?<![a-z])([a-z]{3})(?![a-z])", work):
        code = m.group(1).upper()
        if code in _CURRENCY_CODES or code == "RMB":
            currencies.add("CNY" if code == "RMB" else code)
            work = work[: m.start()] + "   " + work[m.end() :]
    for pattern, code in _CURRENCY_RES:
        if pattern.search(work):
            currencies.add(code)  # type: ignore[arg-type]
            work = pattern.sub(lambda m: " " * len(m.group(0)), work)
    currency = _resolve_currency(currencies, hint)
    if currency is None:
        return None
    amounts: set[Decimal] = set()
    for m in _NUMBER_RE.finditer(work):
        amount = _to_decimal(m.group(0))
        if amount is None:
            return None
        tail = work[m.end() : m.end() + 3].lstrip()
        if tail.startswith(("万", "萬")):
            amount *= 10_000
        elif tail.startswith(("亿", "億")):
            amount *= 100_000_000
        amounts.add(amount)
    if len(amounts) != 1:
        return None
    return float(amounts.pop()), currency


def _resolve_currency(currencies: set[str], hint: str | None) -> str | None:
    if "$" in currencies:
        currencies.discard("$")
        if not currencies & _DOLLAR_CODES:
            currencies.add(hint if hint in _DOLLAR_CODES else "USD")
    if "¥" in currencies:
        currencies.discard("¥")
        if not currencies & {"JPY", "CNY"}:
            if hint not in ("JPY", "CNY"):
                return None
            currencies.add(hint)
    if not currencies:
        return hint
    return currencies.pop() if len(currencies) == 1 else None


# ---------------------------------------------------------------- small values

_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def parse_int_year(text: str) -> int | None:
    """The one year (1950..2100) a field states: ``2022``, ``MY2022``, ``2022年``, ``2O22``.

    >>> parse_int_year('Model Year: 2022'), parse_int_year('2021/2022') is None
    (2022, True)
    """
    value = _field(text)
    if value is None:
        return None
    years = {int(y) for y in _YEAR_RE.findall(_fix_ocr_digits(value))}
    years = {y for y in years if MIN_YEAR <= y <= MAX_YEAR}
    if len(years) != 1:
        return None
    return years.pop()


_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "十": 10,
}  # fmt: skip


def parse_count(text: str) -> int | None:
    """A count (``2 units``, ``Qty: 3``, ``1 (one)``, ``两台``); None unless exactly one.

    >>> parse_count('Qty: 2 units'), parse_count('1 (one)'), parse_count('1 or 2') is None
    (2, 1, True)
    """
    value = _field(text)
    if value is None:
        return None
    work = _fix_ocr_digits(value).lower()
    found: set[int] = set()
    for m in _NUMBER_RE.finditer(work):
        amount = _to_decimal(m.group(0))
        if amount is None or amount != amount.to_integral_value():
            return None
        found.add(int(amount))
    for word, number in _NUMBER_WORDS.items():
        pattern = rf"(?<![a-z]){word}(?![a-z])" if word.isascii() else re.escape(word)
        if re.search(pattern, work):
            found.add(number)
    if len(found) != 1:
        return None
    count = found.pop()
    return count if 0 <= count <= 1_000_000 else None


_LABEL_PUNCT = " \t:;,.-–—_*|#•·=>：；，。、"


_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def clean_text(text: str) -> str | None:
    """Whitespace collapsed, control characters dropped, label punctuation stripped from both
    ends; None when nothing is left.

    >>> clean_text(' :  Shanghai   Auto\\n Export Co., Ltd. ')
    'Shanghai Auto Export Co., Ltd.'
    """
    if not isinstance(text, str) or len(text) > 10 * MAX_FIELD_CHARS:
        return None
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    # Typographic quotes as typed ones: "People’s Republic" is "People's Republic".
    text = text.translate(_QUOTES)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.lstrip(_LABEL_PUNCT)
    # A quote mark OCR made of a speck ('"CSCL NEPTUNE') has no partner.
    if text.count('"') % 2:
        text = text.strip('"').strip()
    # a trailing abbreviation dot (Ltd.) is part of the value; other punctuation is not
    text = re.sub(r"[\s:;,\-–—_*|#•·=>：；，、]+$", "", text)
    if text.endswith("。"):
        text = text[:-1]
    return text or None


# OCR's usual misreadings of a company's legal form: the comma of "Co.," read as a second
# full stop ("Co.. Ltd.", "Co.., Ltd."); "Lid." / "Lad." / "L1d." / "itd." / "Ld." for a final
# "Ltd." after "Co." or "(Pty)"; and a final "Lid" after a name ("Adebayo Motors Lid"), which
# no company is called. Only these fixed suffixes are touched.
_AFTER_CO = r"(?:(?<=\bCo\.\s)|(?<=\bCo\.,\s)|(?<=\(Pty\)\s))"
_LEGAL_FORM_FIXES = (
    (re.compile(r"\bCo\.\.+,?"), "Co.,"),
    # The capital O of "CO." doubled into "CoO." before a capital legal form.
    (re.compile(r"\bCoO\.(?=,?\s*(?:LTD|LIMITED)\b)"), "CO."),
    (re.compile(_AFTER_CO + r"(?:L[a-z1|!]d|[il1|]td|Ld)\b(?=\.?\s*$)"), "Ltd"),
    (re.compile(r"(?<=[A-Za-z]{3}\s)L[il1|]d\b(?=\.?\s*$)"), "Ltd"),
    # "CO.,LTD." with its space lost.
    (re.compile(r"\b(Co|CO)\.,(Ltd|LTD)\b"), r"\1., \2"),
    # Brazil's and Portugal's "Ltda" (limitada) read with i for t.
    (re.compile(r"(?<=[A-Za-z]{3}\s)L[il1|]da\b(?=\.?\s*$)"), "Ltda"),
)


def fix_legal_form(text: str) -> tuple[str, list[str]]:
    """An OCR-read party name with its legal form's usual misreadings undone, and what was
    changed (for the value's ``corrections``).

    >>> fix_legal_form('Minato Trading Co., Lid.')
    ('Minato Trading Co., Ltd.', ['Lid → Ltd'])
    >>> fix_legal_form('Kobe Global Motors Co.. Lad.')
    ('Kobe Global Motors Co., Ltd.', ['Co.. → Co.,', 'Lad → Ltd'])
    """
    notes: list[str] = []
    for rx, repl in _LEGAL_FORM_FIXES:
        m = rx.search(text)
        fixed = m.expand(repl) if m is not None else None
        if m is not None and m.group(0) != fixed:
            notes.append(f"{m.group(0).strip()} → {fixed.strip()}")
            text = text[: m.start()] + fixed + text[m.end() :]
    return text, notes


_LMPORT = re.compile(r"(?<=[a-z])lmport")
_CAPITALS_WITH_L = re.compile(r"(?<![A-Za-z])[A-Z]{2,}l[A-Z]*(?![a-z])")
_CAPITAL_WORD_WITH_BANG = re.compile(
    r"(?<![^\s(])[A-Z-]*(?:[A-Z]![A-Z-]*|![A-Z])[A-Z-]*(?=[\s.,)]|$)"
)


def fix_capital_i(text: str) -> tuple[str, list[str]]:
    """A capital I read as "!" inside or at the end of a word in capitals ("ZHANG WE!",
    "CHO! YU-NA"): names are printed in capitals on registrations and passports, and no
    name holds an exclamation mark.

    >>> fix_capital_i('ZHANG WE!')
    ('ZHANG WEI', ['WE! → WEI'])
    >>> fix_capital_i('JUMA MWINY!I')
    ('JUMA MWINYI', ['MWINY!I → MWINYI'])
    >>> fix_capital_i('Japan Automobile Appraisal Institute (JAAl)')[0]
    'Japan Automobile Appraisal Institute (JAAI)'
    >>> fix_capital_i('Ningbo Oriental! Motors')
    ('Ningbo Oriental Motors', ['Oriental! → Oriental'])
    """
    notes: list[str] = []

    def repl(m: re.Match) -> str:
        # each pattern's match holds only the misread I as "!" or "l"; an I beside the "!"
        # is the same I read twice ("MWINY!I" for MWINYI): no name doubles an I
        fixed = m.group(0).replace("!I", "!").replace("I!", "!")
        fixed = fixed.replace("!", "I").replace("l", "I")
        notes.append(f"{m.group(0)} → {fixed}")
        return fixed

    text = _CAPITAL_WORD_WITH_BANG.sub(repl, text)
    # A capital I read as l after capitals ("(JAAl)"): no word in capitals holds an l.
    text = _CAPITALS_WITH_L.sub(repl, text)
    # The capital I of "Import" inside a name read as l ("Autolmport"): no word is
    # spelled "lmport".
    text = _LMPORT.sub(repl, text)

    def doubled(m: re.Match) -> str:
        notes.append(f"{m.group(0)} → {m.group(1)}")
        return m.group(1)

    # An l read twice, the second time as "!" ("Oriental!"); "Yahoo!" keeps its mark.
    return _L_DOUBLED_AS_BANG.sub(doubled, text), notes


_L_DOUBLED_AS_BANG = re.compile(r"\b([A-Za-z]*[a-z]l)!(?=[\s,.]|$)")
