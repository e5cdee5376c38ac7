"""Reading VINs through OCR errors, and finding Japanese chassis (frame) numbers.

The reader never corrects silently: every changed character is recorded in
:attr:`VinReading.corrections` (``"O→0 at 11"``, 1-based positions in the VIN), and
:attr:`VinReading.raw` keeps the text exactly as read.

Corrections it makes:

* ``I``, ``O`` and ``Q`` never occur in a VIN (ISO 3779): they are read as ``1``, ``0``, ``0``.
* Where the check digit is mandatory (North American and Chinese WMIs, see
  :func:`checks.vin.check_digit_required`) and fails, the common OCR confusions (``S/5``,
  ``B/8``, ``Z/2``, ``G/6``, ``D/0``, ``T/7``) are tried, one substitution and then two, only
  where the result is a plausible VIN (positions that must be digits stay digits); a reading
  is corrected only when exactly one candidate validates, or exactly one of those that
  validate has an allocated WMI (ISO 3780, :mod:`checks.wmi`). Otherwise the reading as read is
  returned with ``check_digit_ok=False``, for the caller to report.

It also finds VINs glued to labels (``VIN:LGX…``, ``VINLGX…``, ``…12345Engine``) and printed
with spaces or dashes (``LGXC E4CB 8N00 12345``), and refuses runs of ordinary words
(``IDENTIFICATIONNUMBER``).

>>> r = read_vin('LGXCE4CB8NOO12345')
>>> r.vin, r.corrections, r.check_digit_ok
('LGXCE4CB8N0012345', ('O→0 at 11', 'O→0 at 12'), True)
>>> [v.vin for v in find_vins('VIN:LGXCE4CB8N0012345 Engine No. 4G15')]
['LGXCE4CB8N0012345']
>>> find_chassis_numbers('型式 DBA-GRJ150W 車台番号 GRJ150-0012345')
['GRJ150-0012345']
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, replace

from checks import container, wmi
from checks import vin as vincheck

__all__ = [
    "LABEL_WORDS", "VinReading", "check_digit_used", "find_chassis_numbers", "find_vins",
    "read_vin",
]  # fmt: skip

#: Words printed next to VINs; a candidate window containing one is not a VIN.
LABEL_WORDS = (
    "VIN", "VEHICLE", "IDENTIFICATION", "IDENT", "NUMBER", "NUMERO", "CHASSIS", "FRAME",
    "ENGINE", "MOTOR", "SERIAL", "MODEL", "MAKE", "YEAR", "TYPE", "COLOR", "COLOUR", "BODY",
    "REGISTRATION", "CERTIFICATE", "MANUFACTURER", "CONTAINER", "MILEAGE", "ODOMETER", "DATE",
    "NO", "NR", "NBR", "CODE",
)  # fmt: skip
_LABEL_RE = re.compile("|".join(sorted(LABEL_WORDS, key=len, reverse=True)))
# inside a candidate, only longer words (and "VIN", which has an I) disqualify it: "NO" can be
# an OCR reading of "N0" in a real VIN
_REJECT_RE = re.compile(
    "|".join(sorted((w for w in LABEL_WORDS if len(w) >= 4 or w == "VIN"), key=len, reverse=True))
)
# label words that may stand right before / after a glued VIN ("VINNO", "Engine")
_PREFIX_RE = re.compile(rf"(?:{_LABEL_RE.pattern})+$")
_SUFFIX_RE = re.compile(rf"^(?:{_LABEL_RE.pattern})")

_IOQ = {"I": "1", "O": "0", "Q": "0"}
# OCR confusions tried where the check digit is mandatory (both directions)
_CONFUSIONS = {"S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z", "G": "6", "6": "G",
               "D": "0", "0": "D", "T": "7", "7": "T"}  # fmt: skip

# Look-alikes tried in a WMI that no maker holds (printed J read as 1 or S in small serif).
_WMI_LOOKALIKES = {"1": "JLT", "S": "J5", "T": "J", "5": "S", "W": "NV", "0": "D", "D": "0",
                   "L": "1", "2": "Z", "Z": "2", "8": "B", "B": "8", "6": "G", "G": "6",
                   "E": "6F", "U": "H"}  # fmt: skip
# Digits a letter read in position 9 may be, where that position is a check digit.
_DIGIT_LOOKALIKES = {"S": "58", "B": "8", "Z": "2", "G": "6", "D": "0", "T": "7", "A": "4",
                     "L": "1", "J": "1", "E": "6"}  # fmt: skip
# Regions whose makers use the check digit although no law there requires it: every Japanese
# VIN of ../shared/corpus/vins/vins.csv validates (77; the one that fails is a test case
# broken on purpose). Korean domestic VINs do not (KMTGA4SCDRU227656), nor European ones.
_CHECK_DIGIT_USED = ("J",)


def check_digit_used(vin: str) -> bool:
    """Whether a VIN's maker uses the check digit: where it is mandatory, and in the regions
    of :data:`_CHECK_DIGIT_USED`."""
    return vincheck.check_digit_required(vin) or vin.upper().startswith(_CHECK_DIGIT_USED)


_RUN_RE = re.compile(r"[A-Za-z0-9]+")
_CHAIN_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z0-9]++"
    r"(?:(?:[ \t]{1,3}|[ \t]?[-‐‑–][ \t]?|[/|.,'’])[A-Za-z0-9]++)+"
)
# A mark OCR reads into a VIN from a plate's brushed metal or a photo's grain
# ("LCOFUNXF9SR7/57179"): a chain joined across one must prove itself (see _proven).
_STRAY_MARK = re.compile(r"[A-Za-z0-9][/|.,'’][A-Za-z0-9]")
_GROUP_RE = re.compile(r"[A-Za-z0-9]+")
_MAX_RUN = 60  # a longer unbroken run is not a glued VIN (hashes, base64)
_MAX_TEXT = 200_000


@dataclass(frozen=True)
class VinReading:
    """One VIN as read: the validated form, the text as read, and every correction made."""

    vin: str  # 17 characters, upper case, after corrections
    raw: str  # exactly as read (with any spaces or dashes)
    corrections: tuple[str, ...]  # "O→0 at 11" (1-based position in the VIN)
    check_digit_ok: bool
    score: float  # 0..1: 1 = read as printed with a valid check digit
    span: tuple[int, int]  # (start, end) of ``raw`` in the text searched
    check_digit_required: bool = False
    # Characters of its unbroken run left out that are no label words: a window picked
    # out of a longer misread run ("KNADIJG6K4LHS505834"), where no alignment is proven.
    cut: int = 0

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)


def _digit_positions(vin: str) -> frozenset[int]:
    """0-based positions that must be digits: the last four of the VIS (ISO 3779), the last
    five in North America (49 CFR 565.15(d), light vehicles)."""
    return frozenset(range(12, 17)) if vin[0] in "12345" else frozenset(range(13, 17))


def plausible_vin(vin: str, required: bool = True) -> bool:
    """A form a real VIN can have (beyond the alphabet): position 9 a digit or X (where the
    check digit is used; European makers often put a filler there), position 10 a model-year
    code, the last four digits."""
    if required and not (vin[8].isdigit() or vin[8] == "X"):
        return False
    if vin[9] in "0UZ":
        return False
    return all(vin[i].isdigit() for i in _digit_positions(vin))


def _alternatives(
    vin: str,
    counts: tuple[int, ...] = (1, 2),
    *,
    allocated_only: bool = False,
    read_o: frozenset[int] = frozenset(),
) -> tuple[str, tuple[str, ...]] | None:
    """For a failing check digit that must hold: the one candidate with 1, else 2, OCR
    confusions that validates and is plausible; None if none or several do.
    ``allocated_only``: only candidates whose WMI a maker holds count. ``read_o``: positions
    read as the letter O, which is no VIN character: a D as much as a 0, so of several
    candidates the one that only reads such an O as D assumes no misread at all and wins
    ("JTO7MSX…": JTD7MSX…, not JT0TMSX… with a 7 misread)."""
    positions = [i for i, ch in enumerate(vin) if ch in _CONFUSIONS]
    if len(positions) > 14:
        return None
    digit_positions = _digit_positions(vin)
    for count in counts:
        hits: list[tuple[str, tuple[str, ...]]] = []
        for combo in itertools.combinations(positions, count):
            chars = list(vin)
            for i in combo:
                chars[i] = _CONFUSIONS[vin[i]]
            candidate = "".join(chars)
            # a substitution may only turn a digit into a letter where letters are allowed
            if any(i in digit_positions and not candidate[i].isdigit() for i in combo):
                continue
            if not plausible_vin(candidate) or vincheck.calc_check_digit(candidate) != candidate[8]:
                continue
            hits.append((candidate, tuple(f"{vin[i]}→{candidate[i]} at {i + 1}" for i in combo)))
        allocated = [h for h in hits if wmi.lookup(h[0]) is not None]
        if allocated_only:
            hits = allocated
        settled = [h for h in hits if all(_changed_at(c) in read_o for c in h[1])]
        if len(hits) > 1 and len(settled) == 1:
            return settled[0]
        if len(hits) > 1:
            # Several validate: one whose WMI is allocated (ISO 3780) beats ones whose WMI
            # no maker holds ("LSSSBU7Y…": LS5 Changan, not LSS with a G in the serial); of
            # several allocated, the one that keeps an allocated WMI as read beats ones that
            # change it ("JTDDJSKL7…": JTDDJ5KL7, not the JT0 of D read for 0).
            if len(allocated) > 1 and wmi.lookup(vin) is not None:
                allocated = [h for h in allocated if h[0][:3] == vin[:3]]
            return allocated[0] if len(allocated) == 1 else None  # else ambiguous
        if hits:
            return hits[0]
    return None


def _changed_at(correction: str) -> int:
    """The 0-based position a correction note ("0→D at 3") names."""
    return int(correction.rsplit(" ", 1)[1]) - 1


def _impossible_repair(vin: str, required: bool) -> tuple[str, tuple[str, ...]] | None:
    """A reading that cannot be a VIN as read, and the one look-alike that makes it one:

    * a WMI no maker holds (neither :mod:`checks.wmi` table knows it): one character of it
      for its look-alike, where our own WMI table knows the result and the check digit,
      failing as read, then holds (``SN1AXXNT7…`` → ``JN1…``, Nissan);
    * a letter in position 9 where the maker uses the check digit (mandatory, or a Japanese
      maker): the look-alike digit that makes the check digit hold (``JTHEENDCS…`` → ``8``).

    None when the reading may be right as read (its check digit holds), or when no or several
    candidates fit."""
    hits: list[tuple[str, tuple[str, ...]]] = []
    if vincheck.calc_check_digit(vin) == vin[8]:
        return None  # the check digit has nothing to decide (J and 1 weigh the same)
    if wmi.lookup(vin) is None:
        for i in range(3):
            for ch in _WMI_LOOKALIKES.get(vin[i], ""):
                candidate = vin[:i] + ch + vin[i + 1 :]
                info = wmi.lookup(candidate)
                if (info is not None and info.source == "table"
                        and vincheck.calc_check_digit(candidate) == candidate[8]):
                    hits.append((candidate, (f"{vin[i]}→{ch} at {i + 1}",)))
    elif vin[8] != "X" and vin[8].isalpha() and (required or vin.startswith(_CHECK_DIGIT_USED)):
        for ch in _DIGIT_LOOKALIKES.get(vin[8], ""):
            candidate = vin[:8] + ch + vin[9:]
            if vincheck.calc_check_digit(candidate) == ch:
                hits.append((candidate, (f"{vin[8]}→{ch} at 9",)))
    return hits[0] if len(hits) == 1 else None


def _looks_like_words(raw_joined: str) -> bool:
    """Labels and other words are not VINs: a VIN has digits and letters, and no label word."""
    digits = sum(ch.isdigit() for ch in raw_joined)
    letters = sum(ch.isalpha() for ch in raw_joined)
    if digits < 3 or letters < 2:
        return True
    return _REJECT_RE.search(raw_joined.upper()) is not None


def _read(
    joined: str, raw: str, span: tuple[int, int], mandatory_check: bool | None, penalty: float
) -> VinReading | None:
    """A reading of exactly 17 alphanumeric characters ``joined``; None if it is not a VIN."""
    if len(joined) != 17 or not joined.isascii() or not joined.isalnum():
        return None
    if _looks_like_words(joined):
        return None
    upper = joined.upper()
    corrections: list[str] = []
    chars = list(upper)
    for i, ch in enumerate(upper):
        if ch in _IOQ:
            chars[i] = _IOQ[ch]
            corrections.append(f"{ch}→{chars[i]} at {i + 1}")
    vin = "".join(chars)
    if container.is_valid(vin[:11]):
        return None  # a container number and its seal ("CMAU4379094 / 154202"), not a VIN
    required = (
        vincheck.check_digit_required(vin) if mandatory_check is None else bool(mandatory_check)
    )
    ok = vincheck.calc_check_digit(vin) == vin[8]
    confusions = 0
    # A reading that cannot be right as read first (a WMI no maker holds, a letter for a
    # check digit); the look-alikes are chosen by the check digit, as below: not where the
    # caller turned it off (a text layer has no OCR errors).
    repair = _impossible_repair(vin, required) if mandatory_check is not False else None
    read_o = frozenset(i for i, ch in enumerate(upper) if ch == "O")
    if repair is None and not ok and required:
        repair = _alternatives(vin, read_o=read_o)
    elif repair is None and not ok and mandatory_check is None and vin.startswith(
        _CHECK_DIGIT_USED
    ):
        # A Japanese maker's VIN validates (see _CHECK_DIGIT_USED): one confusion, to a VIN
        # whose WMI a maker holds.
        repair = _alternatives(vin, (1,), allocated_only=True, read_o=read_o)
    if repair is not None:
        vin, extra = repair
        for note in extra:
            at = _changed_at(note)
            if at in read_o:  # one note for an O read as D, not O→0 then 0→D
                corrections.remove(f"O→0 at {at + 1}")
                note = f"O→{vin[at]} at {at + 1}"
            corrections.append(note)
        confusions = len(extra)
        ok = True
    # Words strung together ("GLOBAL VOYAGER V-202") can make 17 characters; a real VIN split
    # by spaces needs no I/O/Q repair unless its mandatory check digit then confirms it.
    if corrections and any(ch in raw for ch in " -") and not (ok and required):
        return None
    score = 1.0 - penalty
    score -= 0.08 * (len(corrections) - confusions) + 0.15 * confusions
    if not ok:
        score -= 0.4 if required else 0.1
    if joined != upper:
        score -= 0.1 if joined.lower() == joined else 0.15
    if not plausible_vin(vin, required):
        score -= 0.15
    return VinReading(
        vin=vin,
        raw=raw,
        corrections=tuple(corrections),
        check_digit_ok=ok,
        score=round(max(0.0, min(1.0, score)), 3),
        span=span,
        check_digit_required=required,
    )


def _prepare(text: str) -> str:
    """Full-width letters and digits to ASCII, one character for one (offsets stay)."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        norm = unicodedata.normalize("NFKC", ch)
        out.append(norm if len(norm) == 1 and norm.isascii() and norm.isalnum() else " ")
    return "".join(out)


def _rank(reading: VinReading) -> tuple:
    return (-reading.score, not reading.check_digit_ok, len(reading.corrections), reading.span)


def _run_candidates(text: str, mandatory_check: bool | None) -> list[VinReading]:
    """VINs in unbroken alphanumeric runs, including ones glued to label words."""
    found: list[VinReading] = []
    for m in _RUN_RE.finditer(text):
        run, start = m.group(0), m.start()
        if len(run) < 17 or len(run) > _MAX_RUN:
            continue
        if len(run) == 17:
            reading = _read(run, run, (start, m.end()), mandatory_check, 0.0)
            if reading:
                found.append(reading)
            continue
        windows = []
        for offset in range(len(run) - 16):
            window = run[offset : offset + 17]
            before, after = run[:offset], run[offset + 17 :]
            left_ok = not before or _PREFIX_RE.search(before.upper()) is not None
            right_ok = not after or _SUFFIX_RE.match(after.upper()) is not None
            # a window flush with label words (VIN…, …Engine) or the run's ends is preferred
            penalty = 0.05 if left_ok and right_ok else 0.25
            reading = _read(
                window, window, (start + offset, start + offset + 17), mandatory_check, penalty
            )
            if reading:
                cut = 0 if left_ok and right_ok else len(run) - 17
                windows.append(replace(reading, cut=cut))
        windows.sort(key=_rank)
        taken: list[VinReading] = []
        for reading in windows:
            if any(_overlaps(reading.span, t.span) for t in taken):
                continue
            if taken and not (reading.check_digit_ok and reading.check_digit_required):
                continue  # a second VIN in one run only when its check digit proves it
            taken.append(reading)
        found.extend(taken)
    return found


def _chain_candidates(text: str, mandatory_check: bool | None) -> list[VinReading]:
    """VINs printed in groups separated by spaces or dashes (``LGXC E4CB 8N00 12345``).

    A chain is split at label words (``VIN``, ``No``, ``Engine``); a segment that joins to
    exactly 17 characters is a candidate. Groups cut out of a longer segment must prove
    themselves: a plausible VIN whose check digit holds as read (no OCR substitutions).
    """
    found: list[VinReading] = []
    for m in _CHAIN_RE.finditer(text):
        all_groups = [
            (g.start() + m.start(), g.end() + m.start()) for g in _GROUP_RE.finditer(m.group(0))
        ]
        segments: list[list[tuple[int, int]]] = [[]]
        for a, b in all_groups:
            if _is_label(text[a:b]):
                segments.append([])
            else:
                segments[-1].append((a, b))
        for groups in segments:
            found.extend(_segment_candidates(text, groups, mandatory_check))
    return found


def _segment_candidates(
    text: str, groups: list[tuple[int, int]], mandatory_check: bool | None
) -> list[VinReading]:
    found: list[VinReading] = []
    for i in range(len(groups)):
        length = 0
        for j in range(i, len(groups)):
            length += groups[j][1] - groups[j][0]
            if length > 17:
                break
            if length < 17 or j == i:
                continue
            start, end = groups[i][0], groups[j][1]
            parts = [text[a:b] for a, b in groups[i : j + 1]]
            if any(p.lower() != p and p.upper() != p for p in parts):
                continue  # a capitalised word ("Voyage") is not part of a VIN
            if any(
                p in ("x", "X", "×") and a.isdigit() and b.isdigit()
                for a, p, b in zip(parts, parts[1:], parts[2:], strict=False)
            ):
                continue  # dimensions ("4786 x 1916 x 1534 mm") are not a VIN
            reading = _read("".join(parts), text[start:end], (start, end), mandatory_check, 0.05)
            if reading is None:
                continue
            if _STRAY_MARK.search(text[start:end]) and not _proven(reading):
                continue
            whole = i == 0 and j == len(groups) - 1
            if not whole and not (
                reading.check_digit_ok
                and not reading.corrections
                and plausible_vin(reading.vin, reading.check_digit_required)
            ):
                continue
            found.append(reading)
    return found


def _proven(reading: VinReading) -> bool:
    """A reading whose check digit holds where its maker uses one, with no correction beyond
    the I/O/Q a VIN never holds: what a chain joined across a stray mark must be."""
    return (
        reading.check_digit_ok
        and check_digit_used(reading.vin)
        and all(c[0] in _IOQ for c in reading.corrections)
    )


def _is_label(word: str) -> bool:
    return _PREFIX_RE.fullmatch(word.upper()) is not None  # "VIN", "No", "VINNO", "Engine"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def find_vins(text: str, *, mandatory_check: bool | None = None) -> list[VinReading]:
    """Every VIN in the text, best first (valid check digit, fewest corrections).

    ``mandatory_check``: ``None`` decides from each VIN's WMI; ``True`` treats every check digit
    as mandatory (e.g. export to North America), ``False`` never corrects beyond I/O/Q.

    >>> [(v.vin, v.raw) for v in find_vins('Chassis: LGXC E4CB 8N00 12345, VINLGXCE4CB8N0012345')]
    [('LGXCE4CB8N0012345', 'LGXC E4CB 8N00 12345'), ('LGXCE4CB8N0012345', 'LGXCE4CB8N0012345')]
    >>> find_vins('VEHICLE IDENTIFICATIONNUMBER')
    []
    """
    if not isinstance(text, str) or not text or len(text) > _MAX_TEXT:
        return []
    prepared = _prepare(text)
    candidates = _run_candidates(prepared, mandatory_check) + _chain_candidates(
        prepared, mandatory_check
    )
    candidates.sort(key=_rank)
    chosen: list[VinReading] = []
    for reading in candidates:
        if any(_overlaps(reading.span, c.span) for c in chosen):
            continue
        start, end = reading.span
        chosen.append(_with_raw(reading, text[start:end]))
    chosen.sort(key=_rank)
    return chosen


def _with_raw(reading: VinReading, raw: str) -> VinReading:
    if reading.raw == raw:
        return reading
    return replace(reading, raw=raw)


def read_vin(raw: str, *, mandatory_check: bool | None = None) -> VinReading | None:
    """Read one VIN from a field value: the whole value (spaces and dashes removed) when it is
    17 characters, otherwise the best VIN found in it; None when there is none.

    >>> read_vin('lgx-ce4cb8n0012345').vin
    'LGXCE4CB8N0012345'
    >>> read_vin('IDENTIFICATIONNUM') is None
    True
    """
    if not isinstance(raw, str) or not raw or len(raw) > _MAX_TEXT:
        return None
    prepared = _prepare(raw)
    stripped = prepared.strip()
    lead = len(prepared) - len(prepared.lstrip())
    joined = re.sub(r"[\s\-‐‑–]+", "", stripped)
    if len(joined) == 17:
        end = lead + len(stripped)
        reading = _read(joined, raw[lead:end], (lead, end), mandatory_check, 0.0)
        if reading is not None:
            return reading
    found = find_vins(raw, mandatory_check=mandatory_check)
    return found[0] if found else None


def find_chassis_numbers(text: str) -> list[str]:
    """Japanese domestic frame numbers (``GRJ150-0012345``) in the text, upper case, in text
    order, each once. Model codes such as ``DBA-GRJ150W`` are not frame numbers.

    >>> find_chassis_numbers('Chassis No: zvw30-1234567 / NZE161 - 7012345 / GSE20—9638148')
    ['ZVW30-1234567', 'NZE161-7012345', 'GSE20-9638148']
    """
    if not isinstance(text, str) or not text or len(text) > _MAX_TEXT:
        return []
    # Dashes first: OCR reads the hyphen of a photographed plate as an em dash, or as two
    # ("NT32—-6192723"), which the preparation below would blank as any other non-ASCII
    # character.
    dashed = re.sub(r"[ \t]*[\-‐‑‒–—−ー－]+[ \t]*", "-", text)
    prepared = _prepare_dashes(dashed).upper()
    found: list[str] = []
    for m in vincheck.CHASSIS_NUMBER_RE.finditer(prepared):
        number = f"{m.group(1)}-{m.group(2)}"
        if number not in found:
            found.append(number)
    return found


def _prepare_dashes(text: str) -> str:
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        else:
            norm = unicodedata.normalize("NFKC", ch)
            out.append(norm if len(norm) == 1 and (norm.isascii() or norm in "ー－−") else " ")
    return "".join(out)
