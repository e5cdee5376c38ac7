"""checks/spec.py: make, model, engine at the coarser precision, fuel, transmission."""

from __future__ import annotations

import re

import pytest

from checks import spec
from checks.spec import compare_spec
from tests.checks_helpers import CTX, JUNK, POLICY, codes, doc
from verifier.models import Fields


def run(*docs):
    return spec.check_transaction(list(docs), CTX, POLICY)


def litres(cc, prec=100):
    return {"engine_displacement_cc": cc, "engine_displacement_precision_cc": prec}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (litres(1494, 1), litres(1500), True),
        (litres(2755, 1), litres(2800), True),
        (litres(2700), litres(2800), False),
        (litres(1200), litres(1500), False),
        (litres(1497, 1), litres(1498, 1), False),
        (litres(1998, 1), litres(2000), True),
    ],
)
def test_displacement_at_the_coarser_precision(a, b, same):
    diffs = compare_spec(Fields(**a), Fields(**b))
    assert (diffs == []) is same


def test_seed_example_prado_diesel_vs_petrol():
    contracted = Fields(make="Toyota", model="Land Cruiser Prado", fuel_type="diesel",
                        transmission="automatic", **litres(2800))
    delivered = Fields(make="Toyota", model="Land Cruiser Prado", fuel_type="petrol",
                       transmission="automatic", **litres(2700))
    assert [(d.field, d.a, d.b) for d in compare_spec(contracted, delivered)] == [
        ("engine_displacement_cc", "2.8 L", "2.7 L"), ("fuel_type", "diesel", "petrol")]
    found = run(doc("c.pdf", "purchase_contract", **contracted.model_dump(exclude_none=True)),
                doc("i.pdf", "inspection_report", **delivered.model_dump(exclude_none=True)))
    assert codes(found) == [("spec.mismatch", "fail")]
    assert found[0].documents == ["i.pdf", "c.pdf"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"make": "Haval"}, {"make": "Great Wall"}, True),
        ({"make": "Lexus"}, {"make": "TOYOTA"}, True),
        ({"make": "Lexus"}, {"make": "Honda"}, False),
        ({"model": "Land Cruiser Prado"}, {"model": "PRADO"}, True),
        ({"model": "Tiggo 7 Pro"}, {"model": "Tiggo 8 Pro"}, False),
        ({"model": "Model 3"}, {"model": "Model Y"}, False),
        ({"fuel_type": "hybrid"}, {"fuel_type": "petrol"}, True),
        ({"fuel_type": "phev"}, {"fuel_type": "electric"}, False),
        ({"transmission": "cvt"}, {"transmission": "automatic"}, True),
        ({"transmission": "dct"}, {"transmission": "cvt"}, False),
        ({"transmission": "manual"}, {"transmission": "automatic"}, False),
    ],
)
def test_words_that_agree_and_that_do_not(a, b, same):
    assert (compare_spec(Fields(**a), Fields(**b)) == []) is same


def test_only_what_both_state_is_compared():
    assert compare_spec(Fields(make="BYD"), Fields(fuel_type="electric")) == []


def test_uncertain_ocr_difference_is_review():
    found = run(doc("c.pdf", "purchase_contract", fuel_type="diesel"),
                doc("s.jpg", "spec_sheet", ocr_conf=0.3, fuel_type="petrol"))
    assert codes(found) == [("spec.mismatch", "review")]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_words_never_crash_and_wordless_junk_never_fails(junk):
    found = run(doc("c.pdf", "purchase_contract", model="Atto 3", transmission="automatic"),
                doc("x.pdf", "spec_sheet", model=junk, transmission=junk))
    assert {f.code for f in found} <= {"spec.mismatch"}
    if not re.search(r"[^\W_]", junk):
        assert [f.severity.value for f in found] in ([], ["review"])


def test_impossible_displacement_is_indeterminate():
    found = run(doc("c.pdf", "purchase_contract", **litres(1500)),
                doc("x.pdf", "spec_sheet", **litres(99_999, 1)))
    assert codes(found) == [("spec.mismatch", "review")]
