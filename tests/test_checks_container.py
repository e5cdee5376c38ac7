"""checks.container (ISO 6346, wrapping stdnum.iso6346)."""

import doctest
import random

import pytest

import checks.container
from checks import container
from checks.errors import ChecksumError, FormatError


def test_doctests():
    assert doctest.testmod(checks.container).failed == 0


@pytest.mark.parametrize(
    "number",
    [
        "CSQU3054383",
        "CSQU-305438-3",
        "csqu 305438 3",
        "CSQU305438/3",
        " CSQU 3054383 ",
        "TGHU8854214",
    ],
)
def test_valid(number):
    assert container.is_valid(number)
    assert container.validate(number) == container.compact(number)


def test_compact():
    assert container.compact("csqu-305438/3") == "CSQU3054383"
    assert container.compact("CSQU 305438 3") == "CSQU3054383"


def test_calc_check_digit():
    assert container.calc_check_digit("FFAU123456") == "2"
    assert container.calc_check_digit("CSQU305438") == "3"
    assert container.calc_check_digit("CSQU-305438") == "3"


def test_checksum_error():
    assert not container.is_valid("FFAU1234567")
    with pytest.raises(ChecksumError) as info:
        container.validate("FFAU1234567")
    assert (info.value.expected, info.value.found) == ("2", "7")
    assert info.value.code == "container_number.checksum"


@pytest.mark.parametrize(
    "number",
    ["CSQ3054383", "CSQU305438", "CSQU30543833", "CSQX3054383", "1SQU3054383", "CSQUA054383", ""],
)
def test_format_error(number):
    with pytest.raises(FormatError):
        container.validate(number)
    assert container.is_valid(number) is False


def test_calc_check_digit_rejects_malformed():
    with pytest.raises(FormatError):
        container.calc_check_digit("CSQ1305438")


def test_format():
    assert container.format("csqu3054383") == "CSQU 305438 3"


def test_find_containers_in_free_text():
    text = (
        "Container/Seal: FFAU1234567/40'HQ, CSQU 305438 3 seal SH123456; "
        "TGHU885421-4 20GP; B/L COSU6283941230"
    )
    assert container.find_containers(text) == [
        ("FFAU1234567", False),
        ("CSQU 305438 3", True),
        ("TGHU885421-4", True),
    ]


def test_find_containers_skips_non_numbers():
    assert container.find_containers("CSQU305438") == []  # no check digit
    assert container.find_containers("XCSQU3054383") == []  # five letters
    assert container.find_containers("CSQU30543831") == []  # one digit too many
    assert container.find_containers("ABCD1234567") == []  # 4th letter not U/J/Z
    assert container.find_containers(None) == []  # type: ignore[arg-type]


def test_is_valid_never_raises_on_junk():
    rng = random.Random(6346)
    junk = [None, 3054383, b"CSQU3054383", "", "x" * 10_000, "\x00" * 11, object(), ["CSQU3054383"]]
    junk += [bytes(rng.randrange(256) for _ in range(11)).decode("latin-1") for _ in range(200)]
    for item in junk:
        assert container.is_valid(item) is False  # type: ignore[arg-type]
        container.find_containers(item)  # type: ignore[arg-type]
