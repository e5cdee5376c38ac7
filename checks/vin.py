"""VIN (ISO 3779 vehicle identification number) and Japanese chassis (frame) numbers.

A VIN is 17 characters of the alphabet ``0-9 A-Z`` without ``I``, ``O`` and ``Q``. Positions
1-3 are the world manufacturer identifier (WMI, ISO 3780), 4-9 the vehicle descriptor
section (VDS), 10-17 the vehicle identifier section (VIS); position 10 codes the model year on
a 30-year cycle.

Position 9 is a check digit (weighted sum modulo 11, ``X`` for 10). ISO 3779 leaves it
optional; it is mandatory in North America (49 CFR 565.15, WMI starting with 1-5) and in China
(GB 16735, WMI starting with ``L``). Elsewhere a failing check digit is a fact, not an error,
unless the caller requires it (e.g. because the car is exported to North America).

Position 10 is a model-year code only where a rule makes it one: North America (49 CFR
565.15, where position 7 tells the 1980-2009 cycle from 2010-2039 for light vehicles), China
(GB 16735), VINs that follow 49 CFR 565 (a valid check digit) and brands known to code it in
every market (``year_encoded_brands`` in ``checks/data/wmi.yaml``). Elsewhere
:func:`model_year` says the year is not encoded instead of guessing; years the documents state
pick between the two cycles. Brand, manufacturer and country come from :mod:`checks.wmi`.

Japanese domestic-market vehicles carry no VIN but a frame number (車台番号) such as
``GRJ150-0012345``: model prefix, dash, 6-7 digit serial.

More information:

* ISO 3779:2009 Road vehicles - Vehicle identification number (VIN) - Content and structure
* 49 CFR Part 565 - Vehicle Identification Number (VIN) Requirements
* GB 16735-2019 道路车辆 车辆识别代号(VIN)
* https://en.wikipedia.org/wiki/Vehicle_identification_number

>>> validate('1m8gdm9axkp042788')
'1M8GDM9AXKP042788'
>>> calc_check_digit('1M8GDM9A_KP042788')
'X'
>>> validate('1M8GDM9A1KP042788')
Traceback (most recent call last):
    ...
checks.errors.ChecksumError: VIN check digit is 1, computed X
>>> validate('WVWZZZ1JZ3W386753')  # check digit optional in Europe
'WVWZZZ1JZ3W386753'
>>> validate('WVWZZZ1JZ3W386753', require_check_digit=True)
Traceback (most recent call last):
    ...
checks.errors.ChecksumError: VIN check digit is Z, computed 0
>>> validate('LGXCE4CB8NOO12345')
Traceback (most recent call last):
    ...
checks.errors.FormatError: VIN contains I, O or Q, which ISO 3779 does not use
>>> check_digit_required('WVWZZZ1JZ3W386753', destination='US')
True
>>> year_candidates('5YJ3E1EA2KF317000')
[2019]
>>> is_chassis_number('GRJ150-0012345'), is_chassis_number('DBA-GRJ150W')
(True, False)
>>> model_year('KMTGA4SCDRU227656', current_year=2026).year  # Genesis exists since 2016
2024
>>> r = model_year('WBA71DC010CH14720', current_year=2026)
>>> r.year, r.encoded
(None, False)
>>> model_year('WVWZZZ1JZAW386753', [2010], current_year=2026).year
2010
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from checks import wmi as wmi_table
from checks.errors import ChecksumError, FormatError

__all__ = [
    "ALPHABET",
    "CHASSIS_NUMBER_RE",
    "YearReading",
    "brand_info",
    "calc_check_digit",
    "check_digit_ok",
    "check_digit_status",
    "check_digit_required",
    "compact",
    "compact_chassis_number",
    "describe",
    "format",
    "is_chassis_number",
    "is_north_american",
    "is_valid",
    "model_year",
    "region",
    "validate",
    "vds",
    "vis",
    "wmi",
    "year_candidates",
]

#: Characters a VIN may contain (ISO 3779: no I, O, Q).
ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

_VIN_RE = re.compile(r"[0-9A-HJ-NPR-Z]{17}")
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—./]+")

# ISO 3779 Annex / 49 CFR 565.15(c): transliteration of letters and position weights.
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

# Model-year codes of position 10, in order from 1980 (A) to 2009 (9); the cycle repeats from
# 2010 (A). I, O, Q, U, Z and 0 are never used.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
# GB 16735-1997: VINs on every new vehicle in China from 1 January 1999
_CHINA_VIN_SINCE = 1999

# First character of the WMI -> region (ISO 3780 allocation, coarse). The later WMI -> brand
# table plugs in beside this one (see :func:`wmi`).
_REGIONS = {
    **dict.fromkeys("ABCDEFGH", "Africa"),
    **dict.fromkeys("JKLMNPR", "Asia"),
    **dict.fromkeys("STUVWXYZ", "Europe"),
    **dict.fromkeys("12345", "North America"),
    **dict.fromkeys("67", "Oceania"),
    **dict.fromkeys("89", "South America"),
}

#: Destinations where the check digit is mandatory (49 CFR 565 and its Canadian and Mexican
#: counterparts); compared after upper-casing and stripping dots.
_CHECK_DIGIT_DESTINATIONS = frozenset(
    {
        "US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA", "AMERICA",
        "CA", "CAN", "CANADA",
        "MX", "MEX", "MEXICO", "MÉXICO",
    }
)  # fmt: skip

#: Japanese frame number (車台番号): model prefix (letters, 1-3 digits, up to two letters —
#: Mazda's KE2FW, DJ5FS; 2-7 characters), dash, 6-7 digit serial. ``DBA-GRJ150W`` is a model
#: code, not a frame number.
CHASSIS_NUMBER_RE = re.compile(
    r"(?<![A-Z0-9-])(?=[A-Z0-9]{2,7}-)([A-Z]{1,4}[0-9]{1,3}[A-Z]{0,2})-([0-9]{6,7})(?![A-Z0-9-])"
)


def compact(vin: str) -> str:
    """Strip spaces and separators and upper-case; never changes a character.

    Reading ``O`` as ``0`` is an OCR correction and belongs to the reader
    (:mod:`extractors.vin_reader`), which records it.

    >>> compact(' lgx-ce4cb8n0012345 ')
    'LGXCE4CB8N0012345'
    """
    return _SEPARATORS_RE.sub("", str(vin)).upper()


def format(vin: str) -> str:  # noqa: A001 - the stdnum name
    """The standard presentation: the compact VIN (VINs are printed without separators)."""
    return compact(vin)


def _check_format(vin: str) -> str:
    number = compact(vin)
    if len(number) != 17:
        raise FormatError(
            f"VIN has {len(number)} characters, 17 required",
            field="vin", expected="17 characters", found=number,
        )  # fmt: skip
    if not _VIN_RE.fullmatch(number):
        if any(c in "IOQ" for c in number) and _VIN_RE.fullmatch(
            number.replace("I", "1").replace("O", "0").replace("Q", "0")
        ):
            message = "VIN contains I, O or Q, which ISO 3779 does not use"
        else:
            message = "VIN contains characters outside the ISO 3779 alphabet"
        raise FormatError(message, field="vin", expected="0-9 A-Z without I O Q", found=number)
    return number


def calc_check_digit(vin: str) -> str:
    """The check digit (position 9) for a 17-character VIN; position 9 itself is ignored.

    >>> calc_check_digit('5YJ3E1EA_KF317000')
    '2'
    """
    number = compact(vin)
    if len(number) != 17:
        raise FormatError("VIN has not 17 characters", field="vin", found=number)
    total = 0
    for i, (char, weight) in enumerate(zip(number, _WEIGHTS, strict=True)):
        if i == 8:
            continue
        try:
            total += _TRANSLITERATION[char] * weight
        except KeyError:
            raise FormatError(
                f"{char!r} is not a VIN character", field="vin", found=number
            ) from None
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def check_digit_ok(vin: str) -> bool | None:
    """Whether position 9 matches the computed check digit; ``None`` when the VIN is malformed.

    >>> check_digit_ok('1M8GDM9AXKP042788'), check_digit_ok('1M8GDM9A1KP042788')
    (True, False)
    >>> check_digit_ok('1M8GDM9AXKP04278') is None
    True
    """
    try:
        number = _check_format(vin)
    except (FormatError, TypeError):
        return None
    return calc_check_digit(number) == number[8]


def is_north_american(vin: str) -> bool:
    """WMI allocated to North America (first character 1-5)."""
    number = compact(vin)
    return bool(number) and number[0] in "12345"


def check_digit_required(vin: str, destination: str | None = None) -> bool:
    """Whether the check digit must hold: North American WMI (1-5), Chinese WMI (``L``), or a
    destination in the United States, Canada or Mexico.

    >>> check_digit_required('LGXCE4CB8N0012345'), check_digit_required('JTDBR32E720123456')
    (True, False)
    >>> check_digit_required('JTDBR32E720123456', destination='Canada')
    True
    """
    number = compact(vin) if vin else ""
    if number[:1] in ("1", "2", "3", "4", "5", "L"):
        return True
    if destination:
        key = re.sub(r"[.\s]+", " ", str(destination)).strip().upper()
        key = key.removeprefix("THE ")
        if key in _CHECK_DIGIT_DESTINATIONS or key.replace(" ", "") in {"US", "USA"}:
            return True
    return False


def validate(vin: str, *, require_check_digit: bool | None = None) -> str:
    """Check the VIN's form and, where required, its check digit; return the compact VIN.

    ``require_check_digit``: ``None`` decides from the WMI (:func:`check_digit_required`);
    ``True`` or ``False`` force it.

    Raises :class:`~checks.errors.FormatError` or :class:`~checks.errors.ChecksumError`.
    """
    if not isinstance(vin, str):
        raise FormatError("VIN is not text", field="vin", found=repr(vin))
    number = _check_format(vin)
    required = check_digit_required(number) if require_check_digit is None else require_check_digit
    if required:
        expected = calc_check_digit(number)
        if expected != number[8]:
            raise ChecksumError(
                f"VIN check digit is {number[8]}, computed {expected}",
                field="vin", expected=expected, found=number[8],
            )  # fmt: skip
    return number


def is_valid(vin: str, *, require_check_digit: bool | None = None) -> bool:
    """Like :func:`validate`, but returns ``False`` instead of raising (never raises).

    >>> is_valid('LGXCE4CB8N0012345'), is_valid('LGXCE4CB9N0012345'), is_valid(None)
    (True, False, False)
    """
    try:
        return bool(validate(vin, require_check_digit=require_check_digit))
    except (ValueError, TypeError):
        return False


def wmi(vin: str) -> str:
    """The world manufacturer identifier: positions 1-3, or, for manufacturers making fewer
    than 1,000 vehicles a year (third character ``9``), positions 1-3 plus 12-14.

    >>> wmi('5YJ3E1EA7KF317000')
    '5YJ'
    """
    number = _check_format(vin)
    if number[2] == "9":
        return number[:3] + number[11:14]
    return number[:3]


def vds(vin: str) -> str:
    """The vehicle descriptor section: positions 4-9 (9 is the check digit)."""
    return _check_format(vin)[3:9]


def vis(vin: str) -> str:
    """The vehicle identifier section: positions 10-17."""
    return _check_format(vin)[9:]


def region(vin: str) -> str | None:
    """The continent the WMI is allocated to (ISO 3780, by its first character)."""
    number = compact(vin) if isinstance(vin, str) else ""
    return _REGIONS.get(number[:1]) if number else None


def year_candidates(vin: str, *, current_year: int | None = None) -> list[int]:
    """Model years that position 10 can stand for, oldest first.

    North American VINs (49 CFR 565.15) use position 7 to tell the cycles apart: a digit means
    1980-2009, a letter 2010-2039. Chinese VINs exist only since 1999 (GB 16735-1997). Elsewhere
    both cycles are returned as far as they fall within 1980 .. next year. An unused code
    (0, U, Z) or a malformed VIN gives ``[]``.

    >>> year_candidates('1M8GDM9AXKP042788')
    [1989]
    >>> year_candidates('JTDBR32E720123456', current_year=2026)
    [2002]
    >>> year_candidates('WVWZZZ1JZ3W386753', current_year=2026)
    [2003]
    >>> year_candidates('LGXCE4CB8N0012345', current_year=2026)
    [2022]
    >>> year_candidates('KMHCT41BANU123456', current_year=2026)
    [1992, 2022]
    """
    try:
        number = _check_format(vin)
    except (FormatError, TypeError):
        return []
    code = number[9]
    if code not in _YEAR_CODES:
        return []
    first = 1980 + _YEAR_CODES.index(code)
    if is_north_american(number):
        return [first if number[6].isdigit() else first + 30]
    latest = (current_year or datetime.date.today().year) + 1
    earliest = _CHINA_VIN_SINCE if number[0] == "L" else 1980
    return [year for year in (first, first + 30) if earliest <= year <= latest]


@dataclass(frozen=True)
class YearReading:
    """The model year position 10 gives, and why.

    ``encoded``: whether position 10 codes the model year for this VIN (``None`` when the VIN
    is malformed). ``candidates``: the years the code can stand for after the evidence (both
    cycles when undecided; the code's years even when not encoded, for a reader to see).
    ``year``: the one year left, else ``None`` - never a guess.
    """

    year: int | None
    candidates: tuple[int, ...]
    encoded: bool | None
    reason: str


def _china(number: str) -> bool:
    return number[:1] == "L"


def model_year(
    vin: str, stated_years: Iterable[int] = (), *, current_year: int | None = None
) -> YearReading:
    """Decide the model year from position 10, position 7 and the years documents state.

    Evidence, in order: does position 10 code the year here (North America, China, a valid
    check digit, or a brand that always codes it)? Which cycle: not before the WMI existed
    (``since``), not before 1999 in China, position 7 for light vehicles whose VIN follows
    49 CFR 565.15 (digit: 1980-2009, letter: 2010-2039), and finally the stated years (a
    year of manufacture may precede the model year by one, so a stated year within one of a
    candidate supports it).

    >>> model_year('1M8GDM9AXKP042788', current_year=2026).candidates  # a coach: no pos-7 rule
    (1989, 2019)
    >>> model_year('5YJ3E1EA2KF317000').year
    2019
    >>> model_year('JTMW53FV60D023016').reason
    'position 10 (0) is not a model-year code'
    """
    try:
        number = _check_format(vin)
    except (FormatError, TypeError):
        return YearReading(None, (), None, "not a well-formed VIN")
    code = number[9]
    if code not in _YEAR_CODES:
        return YearReading(None, (), False, f"position 10 ({code}) is not a model-year code")
    first = 1980 + _YEAR_CODES.index(code)
    latest = (current_year or datetime.date.today().year) + 1
    candidates = [y for y in (first, first + 30) if 1980 <= y <= latest]
    if not candidates:
        return YearReading(None, (), False, f"position 10 ({code}) codes a future year")
    info = wmi_table.lookup(number)
    structured = is_north_american(number) or check_digit_ok(number) is True
    if is_north_american(number):
        basis = "49 CFR 565 (North American WMI)"
    elif _china(number):
        basis = "GB 16735 (Chinese WMI)"
    elif structured:
        basis = "49 CFR 565 structure (valid check digit)"
    elif info is not None and info.brand in wmi_table.year_encoded_brands():
        basis = f"{info.brand} codes the model year in every market"
    else:
        return YearReading(
            None, tuple(candidates), False,
            "position 10 need not code the model year outside North America and China "
            "(ISO 3779) and this VIN gives no sign that it does: not encoded",
        )  # fmt: skip

    def narrow(keep: list[int]) -> None:
        if keep and keep != candidates:
            candidates[:] = keep

    # Hard limits: no VIN of this kind existed before these years.
    earliest = max(
        _CHINA_VIN_SINCE if _china(number) else 1980,
        info.since if info is not None and info.since else 1980,
    )
    possible = [y for y in candidates if y >= earliest]
    if not possible:
        return YearReading(
            None, (), True,
            f"{basis}; position 10 ({code}) gives {', '.join(map(str, candidates))}, before "
            f"such VINs existed ({earliest}) or after next year: inconsistent",
        )  # fmt: skip
    candidates = possible
    light = not (info is not None and info.heavy)
    if len(candidates) > 1 and structured and light:
        narrow([first if number[6].isdigit() else first + 30])
    stated = [y for y in stated_years if isinstance(y, int)]
    if len(candidates) > 1 and stated:
        narrow([y for y in candidates if any(abs(y - s) <= 1 for s in stated)])
        if len(candidates) == 1:
            basis += "; cycle from the stated year"
    if len(candidates) == 1:
        return YearReading(candidates[0], tuple(candidates), True, basis)
    return YearReading(
        None, tuple(candidates), True,
        f"{basis}; the 30-year cycle is undecided (no position-7 rule or stated year applies)",
    )  # fmt: skip


def check_digit_status(vin: str, destination: str | None = None) -> str | None:
    """``valid``, ``invalid`` (wrong where the check digit is mandatory), ``optional`` (does
    not match where the check digit is optional: the maker need not use one, so this is no
    error), or ``None`` for a malformed VIN.

    >>> check_digit_status('WVWZZZ1JZ3W386753'), check_digit_status('LGXCE4CB9N0012345')
    ('optional', 'invalid')
    >>> check_digit_status('KMTGA4SCDRU227656', destination='US')
    'invalid'
    """
    ok = check_digit_ok(vin)
    if ok is None:
        return None
    if ok:
        return "valid"
    return "invalid" if check_digit_required(vin, destination) else "optional"


def brand_info(vin: str) -> wmi_table.WmiInfo | None:
    """Brand, other brands of the WMI, manufacturer and country (:func:`checks.wmi.lookup`)."""
    return wmi_table.lookup(vin)


def compact_chassis_number(text: str) -> str:
    """Upper-case, drop spaces, and unify dash variants of a frame number.

    >>> compact_chassis_number(' grj150 – 0012345')
    'GRJ150-0012345'
    """
    text = re.sub(r"\s+", "", str(text)).upper()
    return re.sub(r"[‐‑‒–—−ー－]", "-", text)


def is_chassis_number(text: str) -> bool:
    """Whether the text is a Japanese domestic frame number such as ``ZVW30-1234567``."""
    if not isinstance(text, str) or len(text) > 40:
        return False
    return CHASSIS_NUMBER_RE.fullmatch(compact_chassis_number(text)) is not None


def describe(
    text: str,
    *,
    destination: str | None = None,
    current_year: int | None = None,
    stated_years: Iterable[int] = (),
) -> dict[str, object]:
    """The facts ``verifier vin --format json`` prints for one argument (see CONTRACT.md).

    ``make`` is the brand (:mod:`checks.wmi`); ``model_year`` is :func:`model_year`'s year,
    ``None`` when position 10 does not code it or the cycle is undecided (never a guess).

    >>> d = describe('lgxce4cb8n0012345', current_year=2026)
    >>> d['normalized'], d['kind'], d['format_ok'], d['check_digit_ok'], d['model_year']
    ('LGXCE4CB8N0012345', 'vin', True, True, 2022)
    >>> d = describe('GRJ150-0012345')
    >>> d['kind'], d['normalized'], d['check_digit_ok'], d['check_digit_required']
    ('chassis_number', 'GRJ150-0012345', None, False)
    >>> describe('ABC')['format_ok']
    False
    """
    given = text if isinstance(text, str) else repr(text)
    result: dict[str, object] = {
        "vin": given,
        "normalized": None,
        "kind": "vin",
        "format_ok": False,
        "check_digit_ok": None,
        "check_digit_required": False,
        "make": None,
        "manufacturer": None,
        "country": None,
        "model_year": None,
        "model_year_candidates": [],
    }
    if isinstance(text, str) and is_chassis_number(text):
        result.update(
            kind="chassis_number", normalized=compact_chassis_number(text), format_ok=True
        )
        return result
    number = compact(given)
    result["normalized"] = number
    result["check_digit_required"] = check_digit_required(number, destination)
    try:
        _check_format(number)
    except FormatError:
        return result
    reading = model_year(number, stated_years, current_year=current_year)
    info = brand_info(number)
    result.update(
        format_ok=True,
        check_digit_ok=check_digit_ok(number),
        model_year=reading.year,
        model_year_candidates=list(reading.candidates),
    )
    if info is not None:
        result.update(make=info.brand, manufacturer=info.manufacturer, country=info.country)
    return result
