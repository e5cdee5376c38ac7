"""Specification: make, model, engine, fuel and transmission as the contract states them,
compared with every other document (the escrow protocol's non-conformance grounds).

* Make: the brand, or the maker a document names instead (``Toyota`` on a Lexus's
  registration; table in ``checks/data/brand_groups.yaml``).
* Model: the same words, one statement possibly shorter (``Land Cruiser Prado`` / ``Prado``,
  ``RAV4`` / ``RAV4 Hybrid``), but ``Tiggo 7 Pro`` is not ``Tiggo 8 Pro``.
* Engine displacement at the coarser precision of the two statements: a statement of ``x`` at
  precision ``p`` (``engine_displacement_precision_cc``: 100 for ``2.8L``, 1 for ``2755 cc``)
  means a value within ``p/2`` of ``x``, and two statements agree when those ranges overlap:
  1494 cc is 1.5L and 2755 cc is 2.8L, but 2.7L is not 2.8L and 1.2L is not 1.5L.
* Fuel: the same ``fuel_type``; ``hybrid`` and ``petrol`` agree (a hybrid burns petrol and
  registrations often state only that).
* Transmission: the same word; a CVT or a dual-clutch box is an automatic, never a manual.

:func:`compare_spec` is the comparison alone (the claim adjudication reuses it).

>>> from verifier.models import Fields
>>> contracted = Fields(make='Toyota', model='Land Cruiser Prado', engine_displacement_cc=2800,
...     engine_displacement_precision_cc=100, fuel_type='diesel', transmission='automatic')
>>> delivered = Fields(make='Toyota', model='Prado', engine_displacement_cc=2700,
...     engine_displacement_precision_cc=100, fuel_type='petrol', transmission='automatic')
>>> [(d.field, d.a, d.b) for d in compare_spec(contracted, delivered)]
[('engine_displacement_cc', '2.8 L', '2.7 L'), ('fuel_type', 'diesel', 'petrol')]
>>> same_displacement(1494, 1, 1500, 100), same_displacement(1200, 100, 1500, 100)
(True, False)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from checks.facts import INDETERMINATE, basis, contracts, label, readable
from verifier.context import CheckContext
from verifier.models import DocType, Document, Fields, Finding
from verifier.policy import Policy
from verifier.yamldata import load_yaml

CODE = "spec.mismatch"
SPEC_FIELDS = ("make", "model", "engine_displacement_cc", "fuel_type", "transmission")
BRAND_GROUPS = Path(__file__).resolve().parent / "data" / "brand_groups.yaml"

AUTOMATICS = {"automatic", "cvt", "dct"}
TRANSMISSIONS = AUTOMATICS | {"manual"}
COMPATIBLE_FUELS = [{"petrol", "hybrid"}]
# Plausible displacements of a road vehicle's engine, in cc.
MIN_CC, MAX_CC = 50, 10_000


@dataclass(frozen=True)
class SpecDifference:
    field: str
    a: str
    b: str
    # False when the two values could not be compared (an unknown transmission word, a
    # displacement that cannot be one): a person must look.
    decided: bool = True


def compare_spec(a: Fields, b: Fields) -> list[SpecDifference]:
    """What ``a`` and ``b`` both state about the vehicle's specification and disagree on."""
    out: list[SpecDifference] = []
    if a.make and b.make and not same_make(a.make, b.make):
        out.append(SpecDifference("make", a.make, b.make))
    if a.model and b.model:
        same = same_model(a.model, b.model, a.make or b.make)
        if same is not True:
            out.append(SpecDifference("model", a.model, b.model, decided=same is not None))
    ca, cb = a.engine_displacement_cc, b.engine_displacement_cc
    if ca is not None and cb is not None:
        pa = _precision(ca, a.engine_displacement_precision_cc)
        pb = _precision(cb, b.engine_displacement_precision_cc)
        if not (MIN_CC <= ca <= MAX_CC and MIN_CC <= cb <= MAX_CC):
            out.append(SpecDifference("engine_displacement_cc", _cc(ca, pa), _cc(cb, pb), False))
        elif not same_displacement(ca, pa, cb, pb):
            out.append(SpecDifference("engine_displacement_cc", _cc(ca, pa), _cc(cb, pb)))
    fuels = {a.fuel_type, b.fuel_type}
    if a.fuel_type and b.fuel_type and len(fuels) > 1 and fuels not in COMPATIBLE_FUELS:
        out.append(SpecDifference("fuel_type", a.fuel_type, b.fuel_type))
    if a.transmission and b.transmission:
        same = same_transmission(a.transmission, b.transmission)
        if same is not True:
            out.append(
                SpecDifference("transmission", a.transmission, b.transmission, same is not None)
            )
    return out


def same_displacement(a_cc: int, a_prec: int, b_cc: int, b_prec: int) -> bool:
    """Do two statements of displacement (value, precision in cc) overlap?"""
    return abs(a_cc - b_cc) < (a_prec + b_prec) / 2


def _precision(cc: int, stated: int | None) -> int:
    if stated and stated > 0:
        return stated
    return 100 if cc % 100 == 0 else 1  # "2800" alone reads as a rounded litre figure


def _cc(cc: int, precision: int) -> str:
    return f"{cc / 1000:.1f} L" if precision >= 100 else f"{cc} cc"


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"[^\W_]+", text)


@cache
def brand_groups() -> dict[str, str]:
    data = load_yaml(BRAND_GROUPS.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{BRAND_GROUPS}: expected a mapping of brand to maker")
    return {" ".join(_words(k)): " ".join(_words(v)) for k, v in data.items()}


def same_make(a: str, b: str) -> bool:
    ka, kb = " ".join(_words(a)), " ".join(_words(b))
    if not ka or not kb:
        return True  # nothing stated
    if ka == kb:
        return True
    groups = brand_groups()
    return groups.get(ka) == kb or groups.get(kb) == ka


def same_model(a: str, b: str, make: str | None = None) -> bool | None:
    """True when one statement's words are all in the other's (the make's words aside);
    None when a statement has no words to compare."""
    drop = set(_words(make or ""))
    wa = {w for w in _words(a) if w not in drop}
    wb = {w for w in _words(b) if w not in drop}
    if not wa or not wb:
        return None
    return wa <= wb or wb <= wa


def same_transmission(a: str, b: str) -> bool | None:
    ka, kb = " ".join(_words(a)), " ".join(_words(b))
    if ka == kb:
        return True
    if ka in TRANSMISSIONS and kb in TRANSMISSIONS:
        return "manual" not in (ka, kb) and "automatic" in (ka, kb)
    return None


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    out: list[Finding] = []
    for contract in contracts(documents):
        for doc in readable(documents):
            if doc is contract or doc.type in (DocType.purchase_contract, DocType.photo):
                continue
            out += spec_findings(contract, doc, policy)
    return out


def spec_findings(
    reference: Document, doc: Document, policy: Policy, *, context: str = ""
) -> list[Finding]:
    """One ``spec.mismatch`` for what ``doc`` states differently from ``reference``."""
    diffs = compare_spec(reference.fields, doc.fields)
    decided = [d for d in diffs if d.decided]
    out = []
    for group, how in ((decided, None), ([d for d in diffs if not d.decided], INDETERMINATE)):
        if not group:
            continue
        fields = [d.field for d in group]
        b = how or basis(policy, *[(doc, f) for f in fields], *[(reference, f) for f in fields])
        verb = "states" if how is None else "cannot be compared:"
        out.append(
            policy.finding(
                CODE,
                f"{context}{label(doc)} {verb} "
                + "; ".join(f"{_name(d.field)} {d.b}" for d in group)
                + f" but {label(reference)} states "
                + "; ".join(f"{_name(d.field)} {d.a}" for d in group),
                [doc.file, reference.file],
                expected=", ".join(d.a for d in group),
                found=", ".join(d.b for d in group),
                basis=b,
            )
        )
    return out


def _name(field: str) -> str:
    return {"engine_displacement_cc": "engine", "fuel_type": "fuel"}.get(field, field)
