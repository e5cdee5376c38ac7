"""Disclosures: what the inspection found against what the seller disclosed.

* ``modification.undisclosed`` — an inspection's remarks report a major engine or
  transmission repair (overhaul, rebuild, replacement) that neither the contract nor a seller
  declaration (``disclosures``) discloses. The escrow protocol makes an unreported major
  repair to engine or transmission a ground of non-conformance.
* ``damage.material`` — an inspection's remarks report accident, flood, water or fire damage
  (the protocol's material non-conformance), disclosed or not.

:func:`read_remarks` reads free text sentence by sentence and clause by clause: a keyword is
denied by a negation before it in its clause ("no flood damage", "never been in an
accident", "no signs of accident") or by a "none" after it ("Accident history: none",
"flood damage not found"); "None observed" on its own states nothing.

If no document states a disclosure at all, an undisclosed repair cannot be told from a
disclosure the reading missed: indeterminate (review).

>>> read_remarks("No accident, flood or fire damage. No major engine or transmission repair.")
RemarkFacts(major_repairs=frozenset(), damage=frozenset())
>>> read_remarks("Engine overhauled in 2023; water marks under the carpets, silt in the boot.")
RemarkFacts(major_repairs=frozenset({'engine'}), damage=frozenset({'flood'}))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.facts import INDETERMINATE, OCR, contracts, label, of_type, uncertain
from verifier.context import CheckContext
from verifier.models import DocType, Document, Finding
from verifier.policy import Policy

_NEGATION = re.compile(
    r"\b(no|not|never|without|none|nil|free\s+(of|from)|nothing|neither|nor)\b|\bn/a\b",
    re.IGNORECASE,
)
_DENIED_AFTER = re.compile(
    r":\s*(none|no|nil|n/?a|negative)\b|\bnot\s+(found|observed|detected|noted|evident)\b|"
    r"\bnone\s+(observed|found|detected|noted)\b",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"[.;!?\n]+|\b(?:but|however|although|though|except)\b", re.IGNORECASE)

_REPAIR = r"(overhaul(?:ed|s)?|rebuil[dt]|rebuilding|replac(?:ed|ement|ing)|swap(?:ped)?|" \
          r"repair(?:ed|s)?|reconditioned|remanufactured)"
_PARTS = {
    "engine": r"(engine|motor\s+block|cylinder\s+head|head\s+gasket|crankshaft|pistons?|" \
              r"engine\s+block|timing\s+chain)",
    "transmission": r"(transmission|gear\s*box|clutch\s+pack|torque\s+converter|" \
                    r"differential)",
}
_PART_PATTERNS = {
    part: re.compile(
        rf"\b{words}\b(?:\W+\w+){{0,3}}?\W+{_REPAIR}\b|\b{_REPAIR}\b(?:\W+\w+){{0,3}}?\W+{words}\b",
        re.IGNORECASE,
    )
    for part, words in _PARTS.items()
}
_DAMAGE = {
    "accident": re.compile(
        r"\b(accident\w*|collision|crash(?:ed)?|(?:frame|structural|chassis)\s+damage|"
        r"airbags?\s+deployed)\b",
        re.IGNORECASE,
    ),
    "flood": re.compile(r"\b(flood\w*|submerged|silt|mud\s+(?:in|under))\b", re.IGNORECASE),
    "water": re.compile(
        r"\b(water[\s-]+(?:damage\w*|ingress|marks?|lines?|stains?)|waterlogged|"
        r"water-damaged)\b",
        re.IGNORECASE,
    ),
    "fire": re.compile(
        r"\b(fire(?:\W+\w+){0,2}?\W+damage\w*|fire-damaged|burnt|burned|charred|"
        r"smoke\s+damage)\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class RemarkFacts:
    major_repairs: frozenset[str]  # "engine", "transmission"
    damage: frozenset[str]  # "accident", "flood", "water", "fire"


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSES.split(text or "") if c and c.strip()]


def _affirmed(pattern: re.Pattern, clause: str) -> bool:
    for m in pattern.finditer(clause):
        # "no engine repair", "engine: no repairs" (a negation inside the match counts too)
        if _NEGATION.search(clause[: m.end()]):
            continue
        if _DENIED_AFTER.search(clause[m.end() :]):
            continue
        return True
    return False


def read_remarks(text: str | None) -> RemarkFacts:
    """The major repairs and kinds of damage a remark affirms (negations denied)."""
    if not isinstance(text, str):
        return RemarkFacts(frozenset(), frozenset())
    repairs, damage = set(), set()
    for clause in clauses(text):
        repairs |= {p for p, pat in _PART_PATTERNS.items() if _affirmed(pat, clause)}
        damage |= {d for d, pat in _DAMAGE.items() if _affirmed(pat, clause)}
    # Flood damage is water damage; name it once.
    if "flood" in damage:
        damage.discard("water")
    return RemarkFacts(frozenset(repairs), frozenset(damage))


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    out: list[Finding] = []
    declarers = contracts(documents) + of_type(documents, DocType.seller_declaration)
    stated = [d for d in declarers if d.fields.disclosures]
    disclosed_repairs: set[str] = set()
    disclosed_damage: set[str] = set()
    for d in stated:
        facts = read_remarks(d.fields.disclosures)
        disclosed_repairs |= facts.major_repairs
        disclosed_damage |= facts.damage
    for doc in of_type(documents, DocType.inspection_report):
        facts = read_remarks(doc.fields.remarks)
        ocr = OCR if uncertain(doc, "remarks", policy) else None
        for part in sorted(facts.major_repairs - disclosed_repairs):
            if stated:
                message = (
                    f"{label(doc)} reports a major {part} repair that "
                    + ", ".join(label(d) for d in stated)
                    + " did not disclose"
                )
                how = ocr
            else:
                message = (
                    f"{label(doc)} reports a major {part} repair and no document states the "
                    "seller's disclosures to compare it with"
                )
                how = INDETERMINATE
            out.append(
                policy.finding(
                    "modification.undisclosed",
                    message,
                    [doc.file, *[d.file for d in stated]],
                    expected=f"{part} repair disclosed",
                    found=doc.fields.remarks,
                    basis=how,
                )
            )
        for kind in sorted(facts.damage):
            note = " (disclosed by the seller)" if kind in disclosed_damage else ""
            out.append(
                policy.finding(
                    "damage.material",
                    f"{label(doc)} reports {kind} damage{note}",
                    [doc.file],
                    found=doc.fields.remarks,
                    basis=ocr,
                )
            )
    return out
