"""Route: the port of discharge lies in the destination country — the one the compliance
certificate (and the contract, the export licence) states and the buyer's ``--destination``.

Ports are looked up in ``checks/data/ports.yaml``, an extract of UN/LOCODE (UNECE Code for
Trade and Transport Locations: ISO 3166-1 alpha-2 country + 3-character place code) holding
the ports the trade in used vehicles runs through; countries in ``checks/data/countries.yaml``
(ISO 3166-1 alpha-2 and alpha-3 codes and the names documents use). A port text may name its
country too (``SANTOS, BRAZIL``); a port or a country the tables do not know cannot be placed
and is reported as indeterminate (review) — never a fail.

>>> port_countries('JEBEL ALI, UNITED ARAB EMIRATES'), port_countries('Tin Can Island, Lagos')
({'AE'}, {'NG'})
>>> country_code('NG'), country_code('Tanzania'), country_code('Atlantis')
('NG', 'TZ', None)
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pycountry
from rapidfuzz.distance import Levenshtein

from checks.facts import INDETERMINATE, basis, label, readable
from verifier.context import CheckContext
from verifier.models import Document, Finding
from verifier.policy import Policy
from verifier.yamldata import load_yaml

CODE = "route.mismatch"
DATA = Path(__file__).resolve().parent / "data"


def _words(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("'", "")
    return tuple(re.findall(r"[a-z0-9]+", text))


@cache
def _countries() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str]]:
    """(names -> ISO2, codes -> ISO2)."""
    data = load_yaml((DATA / "countries.yaml").read_text(encoding="utf-8"))
    names: dict[tuple[str, ...], str] = {}
    codes: dict[tuple[str, ...], str] = {}
    for iso2, aliases in data.items():
        if not (isinstance(iso2, str) and len(iso2) == 2 and isinstance(aliases, list)):
            raise ValueError(f"countries.yaml: bad entry {iso2!r}")
        codes[_words(iso2)] = iso2
        codes[_words(aliases[0])] = iso2  # alpha-3
        for alias in aliases[1:]:
            names[_words(alias)] = iso2
    return names, codes


@cache
def _ports() -> dict[tuple[str, ...], frozenset[str]]:
    """Port names (and LOCODEs) -> the countries a port of that name lies in."""
    data = load_yaml((DATA / "ports.yaml").read_text(encoding="utf-8"))
    out: dict[tuple[str, ...], set[str]] = {}
    for locode, names in data.items():
        if not (isinstance(locode, str) and re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", locode)):
            raise ValueError(f"ports.yaml: {locode!r} is not a UN/LOCODE")
        country = locode[:2]
        for key in (_words(locode), _words(f"{locode[:2]} {locode[2:]}"), *map(_words, names)):
            out.setdefault(key, set()).add(country)
    return {k: frozenset(v) for k, v in out.items()}


def _find(words: tuple[str, ...], table: dict) -> tuple[set, set[int]]:
    """Values of the longest table keys found in ``words`` and the positions they cover."""
    best: list[tuple[int, int, object]] = []
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            key = words[start : start + size]
            if key in table and not any(s <= start < s + n for s, n, _ in best):
                best.append((start, size, table[key]))
    found: set = set()
    for _, _, value in best:
        found |= value if isinstance(value, frozenset) else {value}
    covered = {i for s, n, _ in best for i in range(s, s + n)}
    return found, covered


def country_code(text: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name or code; None when unknown or ambiguous."""
    if not text or not isinstance(text, str):
        return None
    names, codes = _countries()
    words = _words(text)
    if words in codes:
        return codes[words]
    found, _ = _find(words, names)
    return next(iter(found)) if len(found) == 1 else None


@cache
def _country_names() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(name as words, the name reported for it) of every country: the table's names and
    ISO 3166's (pycountry), so that a real country's name is never "repaired" into another's
    ("Gambia" is not an OCR error for the table's "Zambia")."""
    data = load_yaml((DATA / "countries.yaml").read_text(encoding="utf-8"))
    table = {iso2: aliases[1] for iso2, aliases in data.items()}
    out: dict[tuple[str, ...], str] = {}
    for aliases in data.values():
        for name in aliases[1:]:
            out[_words(name)] = aliases[1]
    for country in pycountry.countries:
        spelled = table.get(country.alpha_2) or getattr(country, "common_name", country.name)
        for name in (country.name, country.name.split(",")[0],
                     getattr(country, "common_name", ""), getattr(country, "official_name", "")):
            if name:
                out.setdefault(_words(name), spelled)
    return tuple((words, spelled) for words, spelled in out.items()
                 if sum(map(len, words)) >= 5)


def nearest_country_name(text: str, *, min_similarity: float = 0.7, margin: float = 0.08):
    """The country name an OCR-garbled one stands for ("South Alrica" -> "South Africa"): the
    name clearly closest by edit distance, or None: for a real country's name (nothing to
    repair), and when two countries are about as close (never guessed between).

    >>> nearest_country_name('Onited Acab Emirates'), nearest_country_name('South Alrica')
    ('United Arab Emirates', 'South Africa')
    >>> [nearest_country_name(name) for name in ('Niger', 'Gambia', 'Atlantis')]
    [None, None, None]
    """
    words = _words(text or "")
    names = _country_names()
    if not words or any(words == known for known, _ in names):
        return None
    key = " ".join(words)
    scored = sorted(
        ((Levenshtein.normalized_similarity(key, " ".join(known)), spelled)
         for known, spelled in names),
        reverse=True,
    )
    best, spelled = scored[0]
    rival = next((score for score, other in scored[1:] if other != spelled), 0.0)
    return spelled if best >= min_similarity and best - rival >= margin else None


def country_named(text: str) -> str | None:
    """The country a text names and nothing else ("South Africa", "South Alrica" for it as
    :func:`nearest_country_name` mends it); None for anything more or less than one name.

    >>> country_named('South Africa'), country_named('South Alrica'), country_named('Kobe')
    ('South Africa', 'South Africa', None)
    """
    words = _words(text or "")
    exact = dict(_country_names()).get(words)
    return exact or (nearest_country_name(text) if words else None)


def port_named(text: str) -> bool:
    """Whether a text is one known port's name and nothing else ("Guangzhou", "Jebel Ali")."""
    return bool(text) and _words(text) in _ports()


def port_countries(text: str | None) -> set[str] | None:
    """The countries a stated port of discharge can lie in; None when it cannot be placed
    (unknown port, or a text naming a country the port is not in)."""
    if not text or not isinstance(text, str):
        return None
    words = _words(text)
    ports, covered = _find(words, _ports())
    rest = tuple(w for i, w in enumerate(words) if i not in covered)
    names, codes = _countries()
    stated, _ = _find(rest, names)
    for part in re.split(r"[,/()]", text):
        code = codes.get(_words(part))
        if code and _words(part) not in _ports():
            stated.add(code)
    if ports and stated:
        return stated & ports if stated <= ports else None
    return set(ports or stated) or None


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    out: list[Finding] = []
    docs = readable(documents)
    # (where it is stated, document or None for --destination, country code)
    destinations: list[tuple[str, Document | None, str]] = []
    if ctx.destination:
        code = country_code(ctx.destination)
        if code is None:
            out.append(
                policy.finding(
                    CODE,
                    f"the destination {ctx.destination!r} is not a country this check knows",
                    [],
                    found=ctx.destination,
                    basis=INDETERMINATE,
                )
            )
        else:
            destinations.append((f"the destination {ctx.destination!r}", None, code))
    for doc in docs:
        stated = doc.fields.destination_country
        if not stated:
            continue
        code = country_code(stated)
        if code is None:
            out.append(
                policy.finding(
                    CODE,
                    f"{label(doc)} states destination {stated!r}, a country this check does "
                    "not know",
                    [doc.file],
                    found=stated,
                    basis=INDETERMINATE,
                )
            )
            continue
        destinations.append((f"{label(doc)} ({stated!r})", doc, code))
        if ctx.destination and (given := country_code(ctx.destination)) and given != code:
            out.append(
                policy.finding(
                    CODE,
                    f"{label(doc)} states destination {stated!r} but the buyer's destination "
                    f"is {ctx.destination!r}",
                    [doc.file],
                    expected=ctx.destination,
                    found=stated,
                    basis=basis(policy, (doc, "destination_country")),
                )
            )
    for doc in docs:
        port = doc.fields.port_of_discharge
        if not port:
            continue
        countries = port_countries(port)
        if countries is None:
            out.append(
                policy.finding(
                    CODE,
                    f"{label(doc)}: port of discharge {port!r} is not in the port table "
                    "(or names a country it is not in); its country cannot be checked",
                    [doc.file],
                    found=port,
                    basis=INDETERMINATE,
                )
            )
            continue
        for where, dest_doc, code in destinations:
            if code in countries:
                continue
            pairs = [(doc, "port_of_discharge")]
            if dest_doc is not None:
                pairs.append((dest_doc, "destination_country"))
            out.append(
                policy.finding(
                    CODE,
                    f"{label(doc)}: port of discharge {port!r} ({'/'.join(sorted(countries))}) "
                    f"is not in the destination country of {where}",
                    [doc.file] + ([dest_doc.file] if dest_doc is not None else []),
                    expected=code,
                    found=f"{port} ({'/'.join(sorted(countries))})",
                    basis=basis(policy, *pairs),
                )
            )
    return out
