"""Stated make against the VIN's brand (``vin.make_mismatch``).

The WMI (ISO 3780, :mod:`checks.wmi`) names the brand that built the vehicle. A document
stating another make describes another vehicle, or the VIN was copied from one. A stated make
is consistent when, after normalisation (``extractors/data/makes.yaml``: "Mercedes" is
Mercedes-Benz, "SAIC MG" is MG, "哈弗" is Haval), it is the VIN's brand, another brand built
under the same WMI (Jeep and Ram under ``1C4``; Haval, Tank, Ora under ``LGW``), the WMI's
manufacturer, or a parent group of any of these (Great Wall for Haval, Hyundai for Genesis).

Facts only; the policy decides severity through the basis: a VIN read from a text layer
against a confirmed WMI row states a fact (``vin.make_mismatch``), a VIN read by OCR
(``:ocr``), a WMI row we could not confirm or vininfo's fallback answer (``:uncertain``) and a
make no table knows (``:unrecognised``) are for a person to look at. An unknown WMI gives no
finding: nothing to compare with is never a failure.

>>> make_consistent('LGWEF6A51NH000001', 'Haval'), make_consistent('LGWEF6A51NH000001', 'GWM')
(True, True)
>>> make_consistent('KMTGA4SCDRU227656', 'Hyundai'), make_consistent('KMTGA4SCDRU227656', 'Kia')
(True, False)
>>> make_consistent('Z9ZZZZZZZZZZZZZZZ', 'Toyota') is None
True
"""

from __future__ import annotations

from collections import Counter

from checks import vin as vin_check
from checks import wmi as wmi_table
from extractors.normalize import _make_key, load_makes, normalize_make
from verifier.context import CheckContext
from verifier.models import Document, Finding
from verifier.policy import Policy

__all__ = ["acceptable_makes", "check_transaction", "make_consistent"]


def _canonical(name: str) -> str:
    """The makes.yaml brand for a name, else its normalised key (``Harley Davidson``)."""
    try:
        brand = normalize_make(name)
    except Exception:  # noqa: BLE001 - a broken makes table must not hide the comparison
        brand = None
    return _make_key(brand or name)


def _parents(brand: str) -> list[str]:
    try:
        brands = load_makes()
    except Exception:  # noqa: BLE001
        return []
    chain: list[str] = []
    parent = brands.get(brand, {}).get("parent")
    while parent and parent not in chain:
        chain.append(parent)
        parent = brands.get(parent, {}).get("parent")
    return chain


def acceptable_makes(info: wmi_table.WmiInfo) -> set[str]:
    """Normalised names a document may state for a vehicle of this WMI."""
    names: list[str] = []
    for brand in (*info.brands, info.manufacturer or ""):
        if not brand:
            continue
        names.append(brand)
        canonical = normalize_make(brand) if isinstance(brand, str) else None
        names.extend(_parents(canonical or brand))
    return {_canonical(n) for n in names if n}


def make_consistent(vin: str, stated_make: str) -> bool | None:
    """Whether the stated make fits the VIN's WMI; ``None`` when the WMI is unknown, the VIN
    malformed or the make empty. Never raises on junk."""
    if not isinstance(stated_make, str) or not stated_make.strip():
        return None
    info = wmi_table.lookup(vin) if vin_check.is_valid(vin, require_check_digit=False) else None
    if info is None or not info.brand:
        return None
    return _canonical(stated_make) in acceptable_makes(info)


def _recognised(stated: str) -> bool:
    try:
        return normalize_make(stated) is not None
    except Exception:  # noqa: BLE001
        return False


def _read_by_ocr(doc: Document) -> bool:
    source = doc.sources.get("vin")
    return source is not None and source.method == "ocr"


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    """One ``vin.make_mismatch`` per document whose stated make is not the VIN's brand.

    A document without a VIN of its own is compared with the VIN most documents state.
    """
    stated_vins = [d.fields.vin for d in documents if d.fields.vin]
    common = Counter(stated_vins).most_common(1)
    majority = common[0][0] if common else None
    vin_source: dict[str, Document] = {}  # first document stating each VIN, text layer first
    for d in sorted(documents, key=lambda d: _read_by_ocr(d)):
        if d.fields.vin:
            vin_source.setdefault(d.fields.vin, d)
    out: list[Finding] = []
    for doc in documents:
        make = doc.fields.make
        number = doc.fields.vin or majority
        if not make or not number:
            continue
        consistent = make_consistent(number, make)
        if consistent is None or consistent:
            continue
        info = wmi_table.lookup(number)
        assert info is not None
        holder = doc if doc.fields.vin else vin_source.get(number, doc)
        if _read_by_ocr(holder):
            basis = "ocr"
        elif not info.confident:
            basis = "uncertain"
        elif not _recognised(make):
            basis = "unrecognised"
        else:
            basis = None
        where = "" if holder is doc else f" (VIN stated by {holder.file})"
        others = [b for b in info.brands if b != info.brand]
        expected = info.brand + (f" (or {', '.join(others)})" if others else "")
        out.append(
            policy.finding(
                "vin.make_mismatch",
                f"{doc.file} states make {make} but VIN {number}{where} is a {expected} "
                f"(WMI {info.wmi}, {info.manufacturer}, {info.country})"
                + (" (VIN read by OCR)" if basis == "ocr" else ""),
                sorted({doc.file, holder.file}),
                expected=info.brand,
                found=make,
                basis=basis,
            )
        )
    return out
