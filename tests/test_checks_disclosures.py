"""checks/disclosures.py: undisclosed major repairs and material damage, negations handled."""

from __future__ import annotations

import pytest

from checks import disclosures
from checks.disclosures import read_remarks
from tests.checks_helpers import CTX, JUNK, POLICY, codes, doc

NOTHING = (frozenset(), frozenset())


def facts(text):
    f = read_remarks(text)
    return f.major_repairs, f.damage


@pytest.mark.parametrize(
    "text",
    [
        "No flood damage.", "None observed", "No signs of accident.",
        "No accident, flood or fire damage. No major engine or transmission repair.",
        "The vehicle has never been in an accident.", "Flood damage: none observed",
        "Accident history: None", "Engine and transmission: no repairs",
        "Engine runs smoothly. Fire extinguisher present. Water pump replaced.",
        "Front left door repaired and repainted. No flood or fire damage.",
        "No evidence of flood, fire or accident damage",
    ],
)
def test_negations_and_harmless_remarks_state_nothing(text):
    assert facts(text) == NOTHING


@pytest.mark.parametrize(
    ("text", "repairs", "damage"),
    [
        ("Engine overhauled, no other repairs.", {"engine"}, set()),
        ("Gearbox replaced at a non-dealer workshop.", {"transmission"}, set()),
        ("Cylinder head replaced after overheating", {"engine"}, set()),
        ("Flood damage: water marks and silt under the carpets.", set(), {"flood"}),
        ("Signs of accident repair on the front chassis rail.", set(), {"accident"}),
        ("Fire damage in the engine bay", set(), {"fire"}),
        ("Water damage in the boot", set(), {"water"}),
        ("No rust. But flood damage under the seats", set(), {"flood"}),
    ],
)
def test_affirmed_repairs_and_damage(text, repairs, damage):
    assert facts(text) == (repairs, damage)


def run(*docs):
    return disclosures.check_transaction(list(docs), CTX, POLICY)


CONTRACT = doc("c.pdf", "purchase_contract",
               disclosures="No accident, flood or fire damage. No major engine or transmission "
                           "repair.")


def test_clean_inspection_passes():
    assert run(CONTRACT, doc("i.pdf", "inspection_report",
                             remarks="No visible damage. Vehicle in good condition.")) == []


def test_undisclosed_engine_repair_fails():
    found = run(CONTRACT, doc("i.pdf", "inspection_report",
                              remarks="Replacement engine fitted."))
    assert codes(found) == [("modification.undisclosed", "fail")]
    assert found[0].documents == ["i.pdf", "c.pdf"]


def test_disclosed_repair_passes():
    declared = doc("d.pdf", "seller_declaration",
                   disclosures="Gearbox replaced in 2022 under warranty.")
    assert run(CONTRACT, declared, doc("i.pdf", "inspection_report",
                                       remarks="Transmission replaced.")) == []


def test_material_damage_fails_even_when_disclosed():
    declared = doc("d.pdf", "seller_declaration", disclosures="Flood damage in 2021.")
    found = run(declared, doc("i.pdf", "inspection_report", remarks="Flood damage, silt."))
    assert codes(found) == [("damage.material", "fail")]
    assert "disclosed" in found[0].message


def test_repair_with_no_disclosure_anywhere_is_indeterminate():
    found = run(doc("i.pdf", "inspection_report", remarks="Engine rebuilt."))
    assert codes(found) == [("modification.undisclosed", "review")]


@pytest.mark.parametrize("junk", [*JUNK, None, 42, b"bytes"])
def test_junk_remarks_state_nothing(junk):
    assert facts(junk) == NOTHING
