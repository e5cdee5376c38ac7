"""Agreement across the documents of one transaction when choosing between OCR readings.

An OCR page may offer several readings of its VIN (main pass, region re-read, free-text
scan). When the reading chosen on its own disagrees with what the other documents state:

* if one of the page's *own* other readings agrees with them, that reading is taken;
* if the page's reading differs from theirs only where OCR confuses characters (S/5, B/8,
  Z/2, G/6, O/Q/D/0, I/L/1, E/F...) and cannot be a real VIN as read — its check digit is
  mandatory (North America, China) and wrong — or was read with low confidence, the stated
  VIN is taken as what the page shows.

Either way the choice is recorded as a correction beside the raw text. A reading that is a
valid VIN in its own right, read with confidence, is never replaced: a document that really
states another VIN (a cloned or swapped vehicle) must still disagree, and text-layer values
are never touched.
"""

from __future__ import annotations

import re
from collections import Counter

from checks import vin as vin_check
from checks import wmi
from extractors.page import union_box
from extractors.templates import stated_fields
from verifier.models import Source
from verifier.read import ReadResult

# A reading this sure of itself is left alone even when the others disagree.
CONFIDENT = 0.92
# Characters OCR takes for one another on VIN plates, scans and photos.
# Pairs, not groups: two digits are never confusable here, since a cloned VIN differs from
# the real one in a serial digit.
CONFUSABLE = {
    frozenset(p)
    for p in (
        "S5",
        "S8",
        "B8",
        "Z2",
        "G6",
        "GC",
        "O0",
        "Q0",
        "D0",
        "U0",
        "OD",
        "OQ",
        "I1",
        "L1",
        "T1",
        "T7",
        "J1",
        "IL",
        "IT",
        "E6",
        "EF",
        "FP",
        "PR",
        "A4",
        "MN",
        "VY",
        "KX",
        "HN",
        "B3",
        "S9",
        "LU",
        "G9",
        "VW",
        "JU",  # the hook of a small J read as U ("LU1SLJ…" for LJ15LJ…)
        # a blurred photo's 3 and 6 read as S ("LMGASHGF…" for LMGA3HGF…, "LRWBES1N…" for
        # LRWBE61N…), its 0 as an open C ("JTMCTK…" for JTM0TK…)
        "S3",
        "S6",
        "C0",
        # a blurred 9 read as Q, which a VIN never holds ("KNAQRK…" for KNA9RK…)
        "Q9",
        # a blurred 3 read as a brace, which no VIN nor name holds ("Mazda}", "Model }")
        "3}",
        # in names: the tail of q lost or gained ("Chongging", "Chongaing"), an open o
        # ("Ric" for Rio), the yen sign for Y ("Aion ¥"), the section sign for 5 ("Arrizo §")
        "GQ",
        "AQ",
        "CO",
        "Y¥",
        "5§",
    )
}
MAX_CONFUSIONS = 3
# What a letter read for the digit of its shape counts against MAX_CONFUSIONS when the others
# state the VIN: OCR of a photo makes that error even when sure (SHAPES), and another
# vehicle's VIN never differs that way ("JTEAPSCB1EKSS1719": an F read as P, and three 5s as S).
SHAPE_COST = 0.5
# A reading that cannot be a real VIN (its mandatory check digit fails) may differ by one more.
MAX_CONFUSIONS_UNREAL = 4
# Letters and the digits of the same shape: confused by OCR even when it is sure.
SHAPES = {frozenset(p) for p in ("S5", "B8", "Z2", "G6", "O0", "Q0", "D0", "I1")}


# In a reading that cannot be a VIN (no maker holds its WMI), digits OCR takes for one
# another in small print, outside the serial (positions 12-17), where a cloned VIN differs
# ("L0TVV06F…" for Geely's L6TVV0GF…); and in the WMI a small-serif J read as S ("STH0K…"
# for Lexus's JTH6K…).
DIGIT_CONFUSABLE = {frozenset(p) for p in ("06", "08", "38", "58", "68", "56", "17")}
WMI_CONFUSABLE = {frozenset("SJ")}
SERIAL_START = 11  # 0-based: positions 12-17
CHECK_DIGIT_AT = 8  # 0-based: position 9


def _confusable(a: str, b: str, at: int = SERIAL_START, impossible: bool = False) -> bool:
    """Whether OCR may read ``b`` as ``a`` at 0-based position ``at`` of the VIN stated;
    ``impossible``: in a reading that cannot be this car's VIN (see DIGIT_CONFUSABLE), where
    also any letter of the WMI may be misread as another: its maker is wrong anyway."""
    pair = frozenset((a, b))
    if a == b or pair in CONFUSABLE:
        return True
    return impossible and (
        (at < SERIAL_START and pair in DIGIT_CONFUSABLE)
        or (at < 3 and (pair in WMI_CONFUSABLE or (a.isalpha() and b.isalpha())))
    )


def _confusions(
    read: str,
    stated: str,
    limit: int = MAX_CONFUSIONS,
    impossible: bool = False,
    shape_cost: float = 1.0,
    *,
    check_digit_misread: bool = False,
) -> list[str] | None:
    """How ``read`` becomes ``stated`` by at most ``limit`` edits, each an OCR confusion
    or a single character lost or gained (``J1RKHDH91NG…`` for ``LJ1RKHDH9NG…``: an L lost,
    a 1 gained); None when it cannot. An alignment by dynamic programming. ``impossible``:
    ``read`` cannot be this car's VIN, and more confusions count (:func:`_confusable`);
    ``shape_cost``: what a letter read for the digit of its shape (SHAPES) counts.
    ``check_digit_misread``: ``read`` fails the check digit its maker must use and ``stated``
    holds it; its check digit (position 9) may be misread as any character ("LGW0JEA0SNR…"
    for LGW0JEA04NR…, an S where only a digit or X stands)."""
    read = "".join(ch for ch in read.upper() if ch.isalnum())
    n, m, inf = len(read), len(stated), limit + 1
    if abs(n - m) > 2:
        return None
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[str | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for a in range(n + 1):
        for b in range(m + 1):
            c = cost[a][b]
            if c >= inf:
                continue
            moves = []
            if a < n and b < m:
                same = read[a] == stated[b]
                at_check = check_digit_misread and b == CHECK_DIGIT_AT
                if same or at_check or _confusable(read[a], stated[b], b, impossible):
                    shape = frozenset((read[a], stated[b])) in SHAPES
                    moves.append(
                        (
                            a + 1,
                            b + 1,
                            c + (0 if same else shape_cost if shape else 1),
                            None if same else f"{read[a]}→{stated[b]} at {b + 1}",
                        )
                    )
            if a < n:
                moves.append((a + 1, b, c + 1, f"dropped stray {read[a]} at {a + 1}"))
            if b < m:
                moves.append((a, b + 1, c + 1, f"restored lost {stated[b]} at {b + 1}"))
            for na, nb, nc, note in moves:
                if nc < cost[na][nb]:
                    cost[na][nb] = nc
                    step[na][nb] = f"{a},{b}|{note or ''}"
    if cost[n][m] > limit:
        return None
    notes, a, b = [], n, m
    while (a, b) != (0, 0):
        prev, note = step[a][b].split("|", 1)
        if note:
            notes.append(note)
        a, b = (int(x) for x in prev.split(","))
    notes.reverse()
    # A character lost and another gained in the same place is a substitution in disguise:
    # only a confusion may substitute (a cloned VIN differs in one serial digit).
    drops = [int(x.rsplit(" ", 1)[1]) for x in notes if x.startswith("dropped")]
    gains = [int(x.rsplit(" ", 1)[1]) for x in notes if x.startswith("restored")]
    if any(abs(d - g) < 3 for d in drops for g in gains):
        return None
    return notes


def _other_maker(read: str, stated: str, doc) -> bool:
    """Whether the WMI of ``read`` names a maker other than the make ``doc`` states, and the
    WMI of ``stated`` names that make."""
    make = (doc.fields.make or "").casefold()
    mine, theirs = wmi.lookup(read), wmi.lookup(stated)
    if not make or mine is None or theirs is None:
        return False
    return make not in {b.casefold() for b in mine.brands} and make in {
        b.casefold() for b in theirs.brands
    }


def _shape_only(diffs: list[str]) -> bool:
    """Whether every difference puts a digit for a letter of the same shape or back (S/5,
    B/8, Z/2, G/6, O/0, I/1): what OCR of a photo gets wrong with full confidence. Another
    vehicle's VIN differs otherwise: in a serial digit, never a letter for its look-alike."""
    for note in diffs:
        head = note.split(" at ", 1)[0]
        if "→" not in head:
            return False  # a character lost or gained
        a, b = head.split("→")
        if frozenset((a, b)) not in SHAPES:
            return False
    return bool(diffs)


def _adopt_candidate(result: ReadResult, stated: Counter) -> None:
    """A page that yielded no VIN of its own but candidates (a reading one character too
    long): the candidate at least two other documents state is taken, and so recorded."""
    consensus, support = max(stated.items(), key=lambda kv: kv[1], default=(None, 0))
    if consensus is None or support < 2:
        return
    if "vin" not in stated_fields(result.document.type):
        return
    own = next((c for c in result.vin_candidates if c.value == consensus), None)
    if own is None or own.method != "ocr":
        _locate_vin(result, consensus, support, stated)
        return
    doc = result.document
    doc.fields.vin = consensus
    doc.sources["vin"] = Source(
        page=own.page,
        box=own.box,
        confidence=round(min(1.0, own.confidence), 3),
        raw=own.raw,
        corrections=[
            *own.corrections,
            f"chosen among this page's readings: {support} other documents state it",
        ],
        method="ocr",
    )
    stated[consensus] += 1


def _locate_vin(result: ReadResult, consensus: str, support: int, stated: Counter) -> None:
    """A page that yielded no VIN nor candidate (characters misread past the check digit's
    help, a 1 split off: "LGW3JZ4LONHG1 1562"): a run of one of its OCR lines that becomes
    the VIN the others state by OCR confusions alone (:func:`_confusions`) is taken, and
    so recorded. A line stating another VIN differs in a serial digit: no confusion."""
    grams = {consensus[i : i + 3] for i in range(len(consensus) - 2)}
    best = None
    for page in result.pages:
        if page.method != "ocr":
            continue
        for line in page.lines():
            text = "".join(ch for ch in line.text.upper() if ch.isalnum())
            for size in (len(consensus) - 1, len(consensus), len(consensus) + 1):
                for i in range(len(text) - size + 1):
                    run = text[i : i + size]
                    # Cheap first: a run sharing few trigrams with the VIN cannot align.
                    if sum(run[k : k + 3] in grams for k in range(size - 2)) < 4:
                        continue
                    diffs = _confusions(run, consensus)
                    if diffs is None or _cut_at_an_end(diffs, size, len(consensus)):
                        continue
                    if best is None or len(diffs) < len(best[0]):
                        best = (diffs, page.number, line)
    if best is None:
        return
    diffs, number, line = best
    doc = result.document
    doc.fields.vin = consensus
    doc.sources["vin"] = Source(
        page=number,
        box=line.box,
        confidence=round(min(1.0, line.conf), 3),
        raw=line.text,
        corrections=[
            *diffs,
            f"no VIN read on its own; found in this line as {support} other documents "
            f"state it, by characters OCR confuses",
        ],
        method="ocr",
    )
    stated[consensus] += 1


def _cut_at_an_end(diffs: list[str], size: int, length: int) -> bool:
    """Whether a run aligns only by a character lost or gained at its first or last place:
    a run cut short of another VIN's last digit ("…156" of "…1563") "restores" the 2 the
    others state."""
    ends = {"dropped": (1, size), "restored": (1, length)}
    for note in diffs:
        kind = note.split(" ", 1)[0]
        if kind in ends and int(note.rsplit(" ", 1)[1]) in ends[kind]:
            return True
    return False


def agree_on_vin(results: list[ReadResult]) -> None:
    """Correct an OCR VIN by what the other documents state: at least two of them, more than
    state it as read; or the one VIN the text layers state (no OCR there: the scans and photos
    of one transaction all misread the same font's 5 as S)."""
    stated = Counter(r.document.fields.vin for r in results if r.document.fields.vin)
    if not stated:
        return
    printed = {
        r.document.fields.vin
        for r in results
        if r.document.fields.vin
        and (s := r.document.sources.get("vin")) is not None
        and s.method == "text_layer"
    }
    for result in results:
        doc = result.document
        current = doc.fields.vin
        source = doc.sources.get("vin")
        if not current:
            _adopt_candidate(result, stated)
            continue
        if source is None or source.method != "ocr":
            continue
        others = stated.copy()
        others[current] -= 1
        consensus, support = max(others.items(), key=lambda kv: kv[1], default=(None, 0))
        by_text = len(printed) == 1 and current not in printed
        if by_text:
            (consensus,) = printed
            support = others[consensus]
        enough = consensus not in (None, current) and support >= max(2, others[current] + 1)
        if not (enough or by_text):
            continue
        valid_as_read = vin_check.check_digit_ok(current) is True
        mandatory = vin_check.check_digit_required(current)
        sure = source.confidence >= CONFIDENT and not source.corrections
        own = next((c for c in result.vin_candidates if c.value == consensus), None)
        if not enough:
            # One text layer against the scans: only a letter for the digit it looks like.
            diffs = _confusions(current, consensus, MAX_CONFUSIONS)
            if not (diffs and _shape_only(diffs)):
                continue
            note = (
                f"read as {current}; a text layer states {consensus}, which differs only in "
                "letters read for the digits they look like"
            )
            corrections, raw, conf = (
                [*source.corrections, *diffs, note],
                source.raw,
                source.confidence,
            )
        elif own is not None and not (sure and valid_as_read):
            note = f"chose this reading over {current}: {support} other documents state it"
            corrections, raw, conf = [*own.corrections, note], own.raw, own.confidence
        else:
            cannot_be_real = mandatory and not valid_as_read
            # No real VIN (see DIGIT_CONFUSABLE), or not this car's: its WMI's maker is not
            # the make its own page states, the others' is ("JAMNTR…", Isuzu's WMI, on a Honda
            # page whose papers state JHMNTR…).
            impossible = wmi.lookup(current) is None or _other_maker(current, consensus, doc)
            limit = MAX_CONFUSIONS_UNREAL if cannot_be_real else MAX_CONFUSIONS
            # A check digit that fails where the others' holds is where the misreading may be.
            misread = cannot_be_real and vin_check.check_digit_ok(consensus) is True
            diffs = _confusions(
                current, consensus, limit, impossible, SHAPE_COST, check_digit_misread=misread
            ) or _confusions(
                source.raw, consensus, limit, impossible, SHAPE_COST, check_digit_misread=misread
            )
            if diffs is None or not (
                cannot_be_real or source.confidence < CONFIDENT or _shape_only(diffs)
            ):
                continue
            note = (
                f"read as {current}; {support} other documents state {consensus}, which "
                f"differs only in characters OCR confuses"
            )
            corrections, raw, conf = (
                [*source.corrections, *diffs, note],
                source.raw,
                source.confidence,
            )
        doc.fields.vin = consensus
        doc.sources["vin"] = source.model_copy(
            update={
                "raw": raw,
                "confidence": round(min(1.0, conf), 3),
                "corrections": corrections,
            }
        )
        stated[current] -= 1
        stated[consensus] += 1
    for result in results:
        doc = result.document
        if doc.fields.vin and "vin" in doc.sources:
            doc.sources["vin"] = doc.sources["vin"].model_copy(
                update={"agreement": stated[doc.fields.vin] - 1}
            )


# Names and words the documents of one transaction share, where OCR's look-alike characters
# ("ETS" for "ET5", "Autolmport" for "AutoImport") are put right by the others.
SHARED_TEXT_FIELDS = (
    "model",
    "seller",
    "buyer",
    "consignee",
    "exporter",
    "shipper",
    "owner",
    "port_of_loading",
    "port_of_discharge",
    "vessel",
)
MAX_TEXT_CONFUSIONS = 2


# The parties: one company is the seller on the contract, the exporter on the licence, the
# shipper on the B/L, the owner on the registration; the buyer is the consignee. A name is
# checked against every party name the other documents state.
PARTY_FIELDS = ("seller", "buyer", "consignee", "exporter", "shipper", "owner")


def agree_on_text(results: list[ReadResult], names=SHARED_TEXT_FIELDS) -> None:
    """Correct an OCR value that differs only in characters OCR confuses from what at least
    two other documents state, or from what a text layer states (no OCR there: "ET5" on the
    contract's text layer beats "ETS" on five scans, which all misread the same font); each
    change is recorded beside the raw text."""
    for name in names:
        pool = PARTY_FIELDS if name in PARTY_FIELDS else (name,)
        stated, written, exact = _names_stated(results, pool, str.upper)
        for result in results:
            _agree_one(result, name, stated, written, exact)


def _names_stated(
    results: list[ReadResult], pool, key
) -> tuple[Counter[str], dict[str, str], set[str]]:
    """What the documents state in the fields of ``pool``, compared by ``key``: how many
    documents state each name, how they write it (as a text layer prints it where one does,
    case and all), and the names a text layer states."""
    stated: Counter[str] = Counter()
    written: dict[str, str] = {}
    exact: set[str] = set()
    for r in results:
        values = {(str(v), f) for f in pool if (v := getattr(r.document.fields, f))}
        for value in {v for v, _ in values}:
            written.setdefault(key(value), value)
        stated.update({key(v) for v, _ in values})
        for value, f in values:
            source = r.document.sources.get(f)
            if source is not None and source.method == "text_layer":
                exact.add(key(value))
                written[key(value)] = value
    return stated, written, exact


def _agree_one(
    result: ReadResult, name: str, stated: Counter, written: dict[str, str], exact: set[str]
) -> None:
    doc = result.document
    value = getattr(doc.fields, name)
    source = doc.sources.get(name)
    if not value or source is None or source.method != "ocr":
        return
    key = str(value).upper()
    others = stated.copy()
    others[key] -= 1
    for consensus, support in others.most_common():
        printed = consensus in exact and key not in exact
        if support < max(2, others[key] + 1) and not printed:
            continue
        diffs = _look_alike_positions(key, consensus, str(value))
        bare, stated_bare = _PUNCTUATION.sub("", key), _PUNCTUATION.sub("", consensus)
        # Both at once: "EXPORTCO.LTO." for "EXPORT CO., LTD." (a space lost, D read as O).
        blurred = consensus != key and (
            bare == stated_bare
            or _look_alike_positions(bare, stated_bare, _PUNCTUATION.sub("", str(value)))
        )
        if diffs or blurred:
            break
    else:
        return
    # An upper-case document keeps its case; otherwise as the others write the character.
    model = consensus if value == value.upper() else written[consensus]
    if diffs:
        chars = list(value)
        for i in diffs:
            chars[i] = model[i]
        fixed = "".join(chars)
        notes = [f"{value[i]}→{fixed[i]} at {i + 1}" for i in diffs]
    else:  # the stops, commas and spaces differ, and perhaps look-alikes between them
        fixed = model
        notes = [f"punctuation read as {value!r}"]
        if bare != stated_bare:
            notes[0] = f"read as {value!r}: its stops, commas, spaces and look-alike letters"
    notes.append(f"{support} other documents state {fixed}")
    setattr(doc.fields, name, fixed)
    doc.sources[name] = source.model_copy(update={"corrections": [*source.corrections, *notes]})
    stated[key] -= 1
    stated[fixed.upper()] += 1


# What a blurred photo loses or blurs between the words of a name: stops, commas, spaces.
_PUNCTUATION = re.compile(r"[.,\s]+")


# Small letters a blurred photo's print makes one of another, which their capitals are not:
# the round e, a, o and c, the stems i, l and t ("Minato Treding", "Mombese", "Joao Poreira",
# "Otena Kovaienko"), a t for an f ("Leat"); and a b for a 6 ("Gb" for XPeng's G6).
LOWER_LOOK_ALIKES = {
    frozenset(p) for p in ("ea", "eo", "ec", "ao", "oc", "il", "lt", "it", "tf", "b6")
}


def _look_alike_positions(key: str, consensus: str, read: str = "") -> list[int] | None:
    """Where ``key`` differs from ``consensus``, when it does so only in at most
    MAX_TEXT_CONFUSIONS characters OCR confuses (same length); else None. ``read``: ``key``
    as read, in its case, whose small letters may also be LOWER_LOOK_ALIKES."""
    if consensus == key or len(consensus) != len(key):
        return None
    diffs = [i for i, (a, b) in enumerate(zip(key, consensus, strict=True)) if a != b]
    if len(diffs) > MAX_TEXT_CONFUSIONS:
        return None
    small = read if len(read) == len(key) else ""

    def look_alike(i: int) -> bool:
        if _confusable(key[i], consensus[i]):
            return True
        return bool(small) and small[i].islower() and frozenset(
            (small[i], consensus[i].lower())
        ) in LOWER_LOOK_ALIKES

    return diffs if all(look_alike(i) for i in diffs) else None


# Fields a page may be searched for when its own reading found none, each with the fields
# of the other documents that state the same thing. A model name is printed nowhere on a
# vehicle's papers but as the model; the selling company's name is the seller's, the
# exporter's and the shipper's. A make the others state found on a page that states a make
# is its make, printed as the make or in its maker's name ("Great Wall Motor Co., Ltd." as
# the manufacturer). Not a port (in an address), nor the buyer (a B/L may be consigned to a
# bank's order and name the buyer to notify).
SELLING_SIDE = ("seller", "exporter", "shipper")
LOCATABLE_FIELDS = {
    "model": ("model",),
    "make": ("make",),
    "seller": SELLING_SIDE,
    "exporter": SELLING_SIDE,
    "shipper": SELLING_SIDE,
    # the exporter owns the car it sells: its name on a registration is the owner's (a
    # registration names no one else)
    "owner": SELLING_SIDE,
}
# Fields whose values are normalised names (a make is its common name, extractors/data/
# makes.yaml): found on a page, written as the others state it, not as the page prints it.
NORMALISED_FIELDS = frozenset({"make"})
# What OCR leaves round a value: a caption's colon, a rule's bar, a quote.
_LOOSE_MARKS = ",:;|'\"‘’“”"


def locate_unread(results: list[ReadResult], fields=LOCATABLE_FIELDS) -> None:
    """Find on an OCR page a value its caption's reading missed, where the page's words
    hold, whole, what at least two other documents (or a text layer) state: "Jolion" under a
    caption read as "Woon:", "P7" after "SMHS:", the exporter's name under a caption read as
    nothing. The page's own words are the value, their box its source; a page that states
    another name (or none legibly) stays unread."""
    for name, pool in fields.items():
        stated, written, printed = _names_stated(results, pool, _squeeze)
        ranked = stated.most_common(2)
        if not ranked:
            continue
        key, support = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        if len(printed) == 1:
            (key,) = printed
        elif support < 2 or support == runner_up:
            continue  # the others do not agree on one
        if not any(c.isalpha() for c in key):
            continue  # a bare number ("3") is on every page
        for result in results:
            doc = result.document
            if getattr(doc.fields, name) or name not in stated_fields(doc.type):
                continue
            found = _find_words(result, key)
            if found is None:
                continue
            page, words, misread = found
            others = stated[key]
            raw = " ".join(w.text for w in words)
            spelt = "".join(_squeeze(w.text) for w in words)
            # As the page writes it; a misread letter, or a normalised name, as the others
            # write the name.
            as_stated = misread or name in NORMALISED_FIELDS
            value = written[key] if as_stated else raw.strip(_LOOSE_MARKS)
            setattr(doc.fields, name, value)
            doc.sources[name] = Source(
                page=page,
                box=union_box(w.box for w in words),
                confidence=round(min(1.0, min(w.conf for w in words)), 3),
                raw=raw,
                corrections=[
                    *(f"{spelt[k]}→{key[k]} at letter {k + 1}" for k in misread),
                    f"its caption was not read; found on the page as {others} other "
                    f"documents state it ({written[key]})",
                ],
                method="ocr",
            )


def _squeeze(text: str) -> str:
    """A name as compared: its letters and digits, upper case ("Co.,Ltd." is "COLTD")."""
    return re.sub(r"[\W_]+", "", text).upper()


def _find_words(result: ReadResult, key: str):
    """The run of whole words on an OCR page that spells ``key``, or does but for letters OCR
    takes for one another ("GSB" for GS8; none in a name under three characters, where a
    look-alike is as likely another name): (page, words, misread positions) or None."""
    allowed = 0 if len(key) < 3 else 1 if len(key) < 6 else MAX_TEXT_CONFUSIONS
    best = None
    for page in result.pages:
        if page.method != "ocr":
            continue
        for line in page.lines():
            words = line.words
            for i in range(len(words)):
                if not _squeeze(words[i].text):
                    continue
                spelt = ""
                for j in range(i, len(words)):
                    spelt += _squeeze(words[j].text)
                    if len(spelt) > len(key):
                        break
                    misread = [k for k, ch in enumerate(spelt) if ch != key[k]]
                    if len(misread) > allowed or not all(
                        _confusable(spelt[k], key[k]) for k in misread
                    ):
                        break
                    if len(spelt) == len(key):
                        if not misread:
                            return page.number, words[i : j + 1], []
                        if best is None or len(misread) < len(best[2]):
                            best = (page.number, words[i : j + 1], misread)
    return best
