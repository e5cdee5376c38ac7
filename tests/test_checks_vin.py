"""checks.vin (ISO 3779) and checks.errors."""

import doctest

import pytest

import checks.errors
import checks.vin
from checks import vin
from checks.errors import ChecksumError, FormatError, MismatchError, ValidationError


def test_doctests():
    for module in (checks.vin, checks.errors):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__


@pytest.mark.parametrize(
    "number, check",
    [
        ("1M8GDM9AXKP042788", "X"),  # the 49 CFR 565 worked example
        ("LGXCE4CB8N0012345", "8"),
        ("5YJ3E1EA7KF317000", "2"),  # as printed the check digit (7) is wrong
        ("WVWZZZ1JZ3W386753", "0"),
        ("JTDBR32E720123456", "4"),
    ],
)
def test_calc_check_digit(number, check):
    assert vin.calc_check_digit(number) == check


def test_check_digit_ignores_position_9():
    assert vin.calc_check_digit("1M8GDM9A?KP042788") == "X"


@pytest.mark.parametrize(
    "number, ok",
    [
        ("1M8GDM9AXKP042788", True),
        ("LGXCE4CB8N0012345", True),
        ("5YJ3E1EA7KF317000", False),
        ("5YJ3E1EA2KF317000", True),
        ("1M8GDM9A1KP042788", False),
        ("1M8GDM9AXKP04278", None),  # 16 characters
        ("LGXCE4CB8NOO12345", None),  # O is not a VIN character
        ("", None),
    ],
)
def test_check_digit_ok(number, ok):
    assert vin.check_digit_ok(number) is ok


def test_validate_returns_compact_upper():
    assert vin.validate(" lgx-ce4cb8n0012345 ") == "LGXCE4CB8N0012345"


def test_validate_checksum_error_carries_context():
    with pytest.raises(ChecksumError) as info:
        vin.validate("1M8GDM9A1KP042788")
    err = info.value
    assert (err.field, err.expected, err.found) == ("vin", "X", "1")
    assert err.code == "vin.checksum"
    assert isinstance(err, ValidationError) and isinstance(err, ValueError)


@pytest.mark.parametrize(
    "number", ["1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "LGXCE4CB8NOO12345", "LGXCE4CB8N00123$5"]
)
def test_validate_format_errors(number):
    with pytest.raises(FormatError) as info:
        vin.validate(number)
    assert info.value.code == "vin.format"


def test_validate_non_text():
    with pytest.raises(FormatError):
        vin.validate(None)  # type: ignore[arg-type]


def test_check_digit_only_where_required():
    # Europe and Japan: the check digit is optional, a failing one is no error
    assert vin.validate("WVWZZZ1JZ3W386753") == "WVWZZZ1JZ3W386753"
    assert vin.is_valid("JTDBR32E720123450")
    # China and North America: mandatory
    assert not vin.is_valid("LGXCE4CB9N0012345")
    assert not vin.is_valid("5YJ3E1EA7KF317000")
    # forced either way
    assert not vin.is_valid("WVWZZZ1JZ3W386753", require_check_digit=True)
    assert vin.is_valid("5YJ3E1EA7KF317000", require_check_digit=False)


@pytest.mark.parametrize(
    "number, destination, required",
    [
        ("1M8GDM9AXKP042788", None, True),
        ("2T1BR32E720123456", None, True),  # Canada
        ("3VWFE21C04M000001", None, True),  # Mexico
        ("5YJ3E1EA2KF317000", None, True),
        ("LGXCE4CB8N0012345", None, True),  # China, GB 16735
        ("JTDBR32E720123456", None, False),
        ("WVWZZZ1JZ3W386753", None, False),
        ("KMHxx", None, False),
        ("JTDBR32E720123456", "US", True),
        ("JTDBR32E720123456", "USA", True),
        ("JTDBR32E720123456", "U.S.A.", True),
        ("JTDBR32E720123456", "United States", True),
        ("JTDBR32E720123456", "canada", True),
        ("JTDBR32E720123456", "MX", True),
        ("JTDBR32E720123456", "Mexico", True),
        ("JTDBR32E720123456", "KZ", False),
        ("JTDBR32E720123456", "Georgia", False),
        ("", None, False),
    ],
)
def test_check_digit_required(number, destination, required):
    assert vin.check_digit_required(number, destination) is required


@pytest.mark.parametrize(
    "number, years",
    [
        ("1M8GDM9AXKP042788", [1989]),  # position 7 digit: 1980-2009 cycle
        ("5YJ3E1EA2KF317000", [2019]),  # position 7 letter: 2010-2039 cycle
        ("1HGCM82633A004352", [2003]),
        ("LGXCE4CB8N0012345", [2022]),  # China: VINs since 1999
        ("KMHCT41BANU123456", [1992, 2022]),
        ("JTDBR32E720123456", [2002]),  # 2032 is in the future
        ("WVWZZZ1JZ3W386753", [2003]),
        ("WVWZZZ1JZAW386753", [1980, 2010]),
        ("WVWZZZ1JZUW386753", []),  # U is not a year code
        ("WVWZZZ1JZ0W386753", []),
        ("nonsense", []),
    ],
)
def test_year_candidates(number, years):
    assert vin.year_candidates(number, current_year=2026) == years


def test_year_candidates_limit_is_next_year():
    assert vin.year_candidates("KMHCT41BAT0012345", current_year=2025) == [1996, 2026]
    assert vin.year_candidates("KMHCT41BAT0012345", current_year=2024) == [1996]
    assert vin.year_candidates("LGXCE4CB8T0012345", current_year=2024) == []


def test_wmi_sections_region():
    assert vin.wmi("LGXCE4CB8N0012345") == "LGX"
    assert vin.wmi("1A9AB1234XA123456") == "1A9123"  # small manufacturer
    assert vin.vds("LGXCE4CB8N0012345") == "CE4CB8"
    assert vin.vis("LGXCE4CB8N0012345") == "N0012345"
    assert vin.region("LGXCE4CB8N0012345") == "Asia"
    assert vin.region("1M8GDM9AXKP042788") == "North America"
    assert vin.region("WVWZZZ1JZ3W386753") == "Europe"
    assert vin.region("") is None


@pytest.mark.parametrize(
    "text, ok",
    [
        ("GRJ150-0012345", True),
        ("ZVW30-1234567", True),
        ("NZE161-7012345", True),
        ("AE86-123456", True),
        ("L375S-0123456", True),
        ("KE2FW-1343515", True),  # Mazda CX-5: two letters after the digit
        ("DJ5FS-123456", True),
        ("ABCD123EF-1234567", False),  # a model prefix is at most 7 characters
        ("grj150 - 0012345", True),
        ("GRJ150－0012345", True),  # full-width dash
        ("DBA-GRJ150W", False),  # model code
        ("GRJ150-00123", False),  # serial too short
        ("GRJ150-001234567", False),
        ("INV2024-001234", False),
        ("LGXCE4CB8N0012345", False),
        ("150-0012345", False),
        ("", False),
        (None, False),
    ],
)
def test_is_chassis_number(text, ok):
    assert vin.is_chassis_number(text) is ok


def test_mismatch_error_context():
    err = MismatchError(
        "VIN differs", field="vin", expected="LGX…", found="LGY…", document="bl.pdf"
    )
    assert err.code == "vin.mismatch"
    assert err.context()["document"] == "bl.pdf"
    assert "bl.pdf" in repr(err)


def test_is_valid_never_raises_on_junk():
    for junk in (None, 17, b"LGXCE4CB8N0012345", "", "x" * 10_000, "\x00" * 17, object()):
        assert vin.is_valid(junk) is False  # type: ignore[arg-type]
        assert vin.check_digit_ok(junk) is None  # type: ignore[arg-type]
        assert vin.year_candidates(junk) == []  # type: ignore[arg-type]


def test_describe_matches_contract_keys():
    keys = {
        "vin", "normalized", "kind", "format_ok", "check_digit_ok", "check_digit_required",
        "make", "manufacturer", "country", "model_year", "model_year_candidates",
    }  # fmt: skip
    for text in ("LGXCE4CB8N0012345", "GRJ150-0012345", "junk", ""):
        assert set(vin.describe(text)) == keys


def test_describe_values():
    d = vin.describe("1HGCM82643A004352")  # a wrong check digit does not hide the year
    assert d["format_ok"] and d["check_digit_ok"] is False and d["check_digit_required"]
    assert d["model_year"] == 2003 and d["make"] == "Honda"
    # a coach (over 10,000 lb): the position-7 rule of 49 CFR 565.15 does not apply
    d = vin.describe("1M8GDM9A1KP042788", current_year=2026)
    assert d["model_year"] is None and d["model_year_candidates"] == [1989, 2019]
    d = vin.describe("WVWZZZ1JZAW386753", current_year=2026)
    assert d["model_year"] is None and d["model_year_candidates"] == [1980, 2010]
    d = vin.describe("JTDBR32E720123456", destination="US")
    assert d["check_digit_required"] and d["check_digit_ok"] is False
    d = vin.describe("LGXCE4CB8NOO12345")  # the reader corrects OCR; describe does not
    assert d["format_ok"] is False and d["check_digit_ok"] is None
    d = vin.describe("ZVW30-1234567")
    assert d["kind"] == "chassis_number" and d["check_digit_ok"] is None
