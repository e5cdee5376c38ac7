"""Brand, manufacturer and country of a VIN from its world manufacturer identifier (WMI).

ISO 3780 allocates the WMI (VIN positions 1-3; for makers of fewer than 1,000 vehicles a
year, a ``9`` in position 3 and the maker's code in positions 12-14). Our own table
``checks/data/wmi.yaml`` comes first; vininfo's table is the fallback.

Why not vininfo alone (measured on ``../shared/corpus/vins``): it names the parent group
instead of the brand (``KMT`` Genesis -> Hyundai, ``JNK`` Infiniti -> Nissan, ``JH4`` Acura
-> Honda), has wrong rows (``KMH`` -> Genesis, ``1M8`` -> Mercury) and only about 48 Chinese
WMIs. Several brands share one WMI (Chrysler, Dodge, Jeep and Ram under ``1C4``; Nissan and
Infiniti under ``JN1``): the table keeps the other brands too, and ``vds_rules`` decide the
brand from positions 4-8 where the makers document how.

More information:

* ISO 3780:2009 Road vehicles - World manufacturer identifier (WMI) code
* 49 CFR 565.15 (WMI, VDS and model year of North American VINs)
* https://vpic.nhtsa.dot.gov/ (NHTSA Product Information Catalog, WMI lists)

>>> info = lookup('KMTGA4SCDRU227656')
>>> info.brand, info.manufacturer, info.country
('Genesis', 'Hyundai', 'South Korea')
>>> lookup('1C4RJEAG2EC476429').brand, lookup('1C4GJ25372B521864').brand
('Jeep', 'Chrysler')
>>> lookup('LGWEF6A51NH000001').brands
('Great Wall', 'Haval', 'Tank', 'Ora', 'WEY')
>>> lookup('92TA36FX9TML92914').source  # not in our table: vininfo's answer
'vininfo'
>>> lookup('Z9ZZZZZZZZZZZZZZZ') is None
True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from verifier.yamldata import load_yaml

__all__ = ["WMI_FILE", "WmiDataError", "WmiInfo", "load_table", "lookup", "year_encoded_brands"]

WMI_FILE = Path(__file__).with_name("data") / "wmi.yaml"

_ROW_KEYS = {"brand", "brands", "manufacturer", "country", "since", "heavy", "confidence"}
_RULE_KEYS = {"wmi", "when", "position", "map", "match", "brand"}
_WMI_RE = re.compile(r"[0-9A-HJ-NPR-Z]{3}(?:[0-9A-HJ-NPR-Z]{3})?")
_VIN_RE = re.compile(r"[0-9A-HJ-NPR-Z]{17}")


class WmiDataError(ValueError):
    """``checks/data/wmi.yaml`` is malformed."""


@dataclass(frozen=True)
class WmiInfo:
    """What the WMI (and, where a rule says so, the VDS) tells about the maker."""

    wmi: str
    brand: str | None
    brands: tuple[str, ...]  # every brand built under this WMI, ``brand`` first
    manufacturer: str | None
    country: str | None
    since: int | None = None
    heavy: bool = False
    confident: bool = True
    source: str = "table"  # "table" (checks/data/wmi.yaml) or "vininfo"


@dataclass(frozen=True)
class _Rule:
    wmis: frozenset[str]
    when: str | None
    position: int | None
    mapping: dict[str, str]
    match: re.Pattern[str] | None
    brand: str | None


@dataclass(frozen=True)
class _Table:
    rows: dict[str, dict[str, Any]]
    rules: tuple[_Rule, ...]
    year_brands: frozenset[str]


def _fail(path: Path, message: str) -> WmiDataError:
    return WmiDataError(f"{path}: {message}")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_row(path: Path, code: Any, row: Any) -> dict[str, Any]:
    where = f"WMI {code!r}"
    if not isinstance(code, str) or not _WMI_RE.fullmatch(code):
        raise _fail(path, f"{where}: a WMI is 3 (or 6, small makers) VIN characters")
    if not isinstance(row, dict):
        raise _fail(path, f"{where}: expected a mapping")
    unknown = set(row) - _ROW_KEYS
    if unknown:
        raise _fail(path, f"{where}: unknown keys {sorted(unknown)}")
    for key in ("brand", "manufacturer", "country"):
        if not _text(row.get(key)):
            raise _fail(path, f"{where}: {key} is required text")
    others = row.get("brands", [])
    if not isinstance(others, list) or not all(_text(b) for b in others):
        raise _fail(path, f"{where}: brands must be a list of names")
    since = row.get("since")
    if since is not None and not (isinstance(since, int) and 1980 <= since <= 2100):
        raise _fail(path, f"{where}: since must be a model year")
    if not isinstance(row.get("heavy", False), bool):
        raise _fail(path, f"{where}: heavy must be true or false")
    if row.get("confidence", "high") not in ("high", "low"):
        raise _fail(path, f"{where}: confidence is high or low")
    return row


def _check_rule(path: Path, index: int, rule: Any) -> _Rule:
    where = f"vds_rules[{index}]"
    if not isinstance(rule, dict) or set(rule) - _RULE_KEYS:
        raise _fail(path, f"{where}: expected a mapping of {sorted(_RULE_KEYS)}")
    wmis = rule.get("wmi")
    if (
        not isinstance(wmis, list)
        or not wmis
        or not all(isinstance(w, str) and _WMI_RE.fullmatch(w) for w in wmis)
    ):
        raise _fail(path, f"{where}: wmi must be a list of WMIs")
    when = rule.get("when")
    if when not in (None, "cycle1980", "cycle2010"):
        raise _fail(path, f"{where}: when is cycle1980 or cycle2010")
    position, mapping = rule.get("position"), rule.get("map")
    pattern, brand = rule.get("match"), rule.get("brand")
    if (position is None) == (pattern is None):
        raise _fail(path, f"{where}: give either position + map or match + brand")
    if position is not None:
        if not (isinstance(position, int) and 4 <= position <= 8):
            raise _fail(path, f"{where}: position is 4-8")
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and _text(v) for k, v in mapping.items()
        ):
            raise _fail(path, f"{where}: map is {{character: brand}}")
    try:
        compiled = re.compile(pattern) if pattern is not None else None
    except (re.error, TypeError) as e:
        raise _fail(path, f"{where}: match is not a regular expression: {e}") from e
    if compiled is not None and not _text(brand):
        raise _fail(path, f"{where}: match needs a brand")
    return _Rule(frozenset(wmis), when, position, dict(mapping or {}), compiled, brand)


@functools.lru_cache(maxsize=4)
def load_table(path: str | Path | None = None) -> _Table:
    """The validated table; a malformed file raises :class:`WmiDataError`."""
    path = Path(path) if path else WMI_FILE
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise _fail(path, f"cannot load: {e}") from e
    if not isinstance(raw, dict) or not isinstance(raw.get("wmi"), dict) or not raw["wmi"]:
        raise _fail(path, "expected a mapping with 'wmi: {WMI: {brand: ...}}'")
    rows = {code: _check_row(path, code, row) for code, row in raw["wmi"].items()}
    rules = tuple(_check_rule(path, i, r) for i, r in enumerate(raw.get("vds_rules") or []))
    years = raw.get("year_encoded_brands") or []
    if not isinstance(years, list) or not all(_text(b) for b in years):
        raise _fail(path, "year_encoded_brands must be a list of brands")
    return _Table(rows, rules, frozenset(years))


def year_encoded_brands() -> frozenset[str]:
    """Brands that code the model year at position 10 in every market."""
    return load_table().year_brands


def _rule_brand(rule: _Rule, number: str) -> str | None:
    if rule.when == "cycle2010" and not number[6].isalpha():
        return None
    if rule.when == "cycle1980" and not number[6].isdigit():
        return None
    if rule.position is not None:
        return rule.mapping.get(number[rule.position - 1])
    assert rule.match is not None
    return rule.brand if rule.match.search(number[3:8]) else None


def _vininfo(number: str) -> WmiInfo | None:
    try:
        from vininfo import Vin

        vin = Vin(number)
        brand = vin.brand.title
        manufacturer = vin.manufacturer
        country = vin.country
    except Exception:  # noqa: BLE001 - vininfo is a fallback; its failure is "unknown"
        return None
    if brand in (None, "", "UnsupportedBrand"):
        brand = manufacturer if manufacturer not in (None, "", "UnsupportedBrand") else None
    if brand is None:
        return None
    return WmiInfo(
        wmi=number[:3], brand=brand, brands=(brand,), manufacturer=manufacturer or brand,
        country=country, confident=False, source="vininfo",
    )  # fmt: skip


def lookup(vin: str) -> WmiInfo | None:
    """The maker of a 17-character VIN, or ``None`` when neither table knows the WMI (or the
    text is no VIN). Never raises on junk."""
    if not isinstance(vin, str):
        return None
    number = re.sub(r"[\s\-]+", "", vin).upper()
    if not _VIN_RE.fullmatch(number):
        return None
    table = load_table()
    code = number[:3] + number[11:14] if number[2] == "9" else number[:3]
    row = table.rows.get(code) or table.rows.get(number[:3])
    if row is None:
        return _vininfo(number)
    brand = row["brand"]
    for rule in table.rules:
        if number[:3] in rule.wmis:
            decided = _rule_brand(rule, number)
            if decided:
                brand = decided
                break
    brands = [brand, row["brand"], *row.get("brands", [])]
    return WmiInfo(
        wmi=code if code in table.rows else number[:3],
        brand=brand,
        brands=tuple(dict.fromkeys(brands)),
        manufacturer=row["manufacturer"],
        country=row["country"],
        since=row.get("since"),
        heavy=row.get("heavy", False),
        confident=row.get("confidence", "high") == "high",
    )
