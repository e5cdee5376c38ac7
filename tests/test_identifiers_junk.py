"""Junk input through every public function of the identifier checks (stdnum's robustness
test): each returns or raises one of our typed errors, never anything else."""

import contextlib
import random

import pytest

from checks import container, vin, vin_make, wmi
from checks.errors import ValidationError

rng = random.Random(3779)
JUNK = [
    None, 17, 3.5, b"LGXCE4CB8N0012345", "", " ", "x" * 10_000, "\x00" * 17, object(),
    ["LGXCE4CB8N0012345"], "ÄÖÜ" * 6, "LGXCE4CB8N00123é", "-----", "I" * 17, "CSQU-305438-3",
    "GRJ150-0012345", "１２３４５６７８９０１２３４５６７",
]  # fmt: skip
JUNK += [
    "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.choice([11, 14, 17])))
    for _ in range(150)
]


def _public(module, skip=()):
    return [
        (f"{module.__name__}.{name}", getattr(module, name))
        for name in module.__all__
        if callable(getattr(module, name))
        and not isinstance(getattr(module, name), type)
        and name not in skip
    ]


FUNCTIONS = [
    *_public(vin),
    *_public(container),
    ("checks.wmi.lookup", wmi.lookup),
    ("checks.vin_make.make_consistent", lambda x: vin_make.make_consistent(x, x)),
]


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_junk_never_raises_anything_but_our_errors(name, function):
    for junk in JUNK:
        with contextlib.suppress(ValidationError):
            function(junk)


def test_the_never_raising_ones_never_raise():
    for junk in JUNK:
        assert vin.is_valid(junk) in (True, False)
        assert container.is_valid(junk) in (True, False)
        vin.check_digit_ok(junk)
        vin.check_digit_status(junk)
        vin.model_year(junk)
        vin.describe(junk)
        vin.brand_info(junk)
        container.find_containers(junk)
