"""checks.wmi (ISO 3780 WMI -> brand) and the model-year / check-digit verdicts of checks.vin."""

import doctest

import pytest

import checks.vin_make
import checks.wmi
from checks import vin, wmi


def test_doctests():
    for module in (checks.wmi, checks.vin_make):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize(
    "number, brand, manufacturer, country",
    [
        ("KMTGA4SCDRU227656", "Genesis", "Hyundai", "South Korea"),  # vininfo: Hyundai
        ("JNKCV51F54M711589", "Infiniti", "Nissan", "Japan"),
        ("JTHBW1GG7D2369737", "Lexus", "Toyota", "Japan"),
        ("JH4DC4340RS003205", "Acura", "Honda", "Japan"),
        ("LGXCE4CB8N0012345", "BYD", "BYD Auto", "China"),
        ("LRW3E1EB0PC932736", "Tesla", "Tesla Shanghai", "China"),
        ("1M8GDM9AXKP042788", "Motor Coach Industries", "Motor Coach Industries", "United States"),
        ("YT9NN1U14KA007175", "Koenigsegg", "Koenigsegg", "Sweden"),  # small maker: 1-3 + 12-14
    ],
)
def test_brand_not_parent_group(number, brand, manufacturer, country):
    info = wmi.lookup(number)
    assert (info.brand, info.manufacturer, info.country) == (brand, manufacturer, country)
    assert info.source == "table"


@pytest.mark.parametrize(
    "number, brand",
    [
        ("1C4RJEAG2EC476429", "Jeep"),  # 2011+: position 5 is the brand
        ("1C6SRFETXKN545625", "Ram"),
        ("2C3CDYAGXDH825982", "Dodge"),
        ("1C4GJ25372B521864", "Chrysler"),  # position 7 a digit: the rule does not apply
        ("JN1CV6FE4EM164066", "Infiniti"),  # V36 under a Nissan WMI
        ("JN8BT3AB4SW412749", "Nissan"),
        ("5XYZUDLB3DG001966", "Hyundai"),  # Santa Fe from Kia Georgia
        ("5XYKTCA62DG346197", "Kia"),
    ],
)
def test_vds_rules_decide_shared_wmis(number, brand):
    assert wmi.lookup(number).brand == brand


def test_other_brands_of_a_wmi_are_kept():
    assert wmi.lookup("LGWEF6A51NH000001").brands == ("Great Wall", "Haval", "Tank", "Ora", "WEY")
    info = wmi.lookup("1C4RJEAG2EC476429")
    assert info.brand == "Jeep" and {"Chrysler", "Dodge", "Ram"} <= set(info.brands)


def test_chinese_makers_exporting_today():
    expected = {
        "LGX": "BYD", "L6T": "Geely", "LB3": "Geely", "LVV": "Chery", "LGW": "Great Wall",
        "LS5": "Changan", "LSJ": "MG", "LMG": "GAC", "LRW": "Tesla", "LJ1": "JAC",
        "LNB": "BAIC", "LFP": "FAW", "LGJ": "Dongfeng", "LW4": "Li Auto", "L1N": "XPeng",
    }  # fmt: skip
    for prefix, brand in expected.items():
        assert wmi.lookup(prefix + "AB12C3N0012345").brand == brand, prefix
    assert "NIO" in wmi.lookup("LJ1EEAUU8J7700245").brands
    assert {"Zeekr", "Lynk & Co"} <= set(wmi.lookup("L6TAB12C3N0012345").brands)
    assert "Hongqi" in wmi.lookup("LFPAB12C3N0012345").brands
    assert not wmi.lookup("LW4AB12C3N0012345").confident  # unconfirmed row


def test_vininfo_is_the_fallback_and_unknown_is_none():
    info = wmi.lookup("XTAGFK330JY144213")  # in our table
    assert info.brand == "Lada" and info.source == "table"
    info = wmi.lookup("92TA36FX9TML92914")  # only vininfo knows it
    assert info.source == "vininfo" and info.brand == "Bajaj" and not info.confident
    assert wmi.lookup("Z9ZZZZZZZZZZZZZZZ") is None


@pytest.mark.parametrize("junk", [None, 17, b"LGXCE4CB8N0012345", "", "LGX", "x" * 10_000,
                                  "\x00" * 17, "LGXCE4CB8NOO12345", object()])  # fmt: skip
def test_lookup_junk_is_none(junk):
    assert wmi.lookup(junk) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("wmi: {}", "expected a mapping"),
        ("wmi: {LGX: {brand: BYD}}", "manufacturer is required"),
        ("wmi: {LGXX: {brand: B, manufacturer: M, country: C}}", r"3 \(or 6"),
        ("wmi: {LGX: {brand: B, manufacturer: M, country: C, colour: red}}", "unknown keys"),
        ("wmi: {LGX: {brand: B, manufacturer: M, country: C, since: 1900}}", "model year"),
        (
            "wmi: {LGX: {brand: B, manufacturer: M, country: C}}\nvds_rules: [{wmi: [LGX]}]",
            "either position",
        ),
        (
            "wmi: {LGX: {brand: B, manufacturer: M, country: C}}\n"
            "vds_rules: [{wmi: [LGX], match: '(', brand: X}]",
            "regular expression",
        ),
        ("wmi: [", "cannot load"),
    ],
)
def test_malformed_table_fails_loudly(tmp_path, text, message):
    path = tmp_path / "wmi.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(wmi.WmiDataError, match=message):
        wmi.load_table(path)


# ----------------------------------------------------------------- model year


@pytest.mark.parametrize(
    "number, stated, year, encoded",
    [
        ("5YJ3E1EA2KF317000", (), 2019, True),  # position 7 a letter: 2010-2039
        ("1HGCM82633A004352", (), 2003, True),  # position 7 a digit: 1980-2009
        ("1HGCM82643A004352", (), 2003, True),  # a wrong check digit does not hide the year
        ("KMTGA4SCDRU227656", (), 2024, True),  # Genesis since 2016 rules out 1994
        ("LGXCE4CB8N0012345", (), 2022, True),  # China: VINs since 1999
        ("WVWZZZ1JZ3W386753", (), 2003, True),  # VW codes the year in every market
        ("WVWZZZ1JZAW386753", (), None, True),  # 1980 or 2010: undecided ...
        ("WVWZZZ1JZAW386753", (2010,), 2010, True),  # ... until a document states one
        ("WVWZZZ1JZAW386753", (2011,), 2010, True),  # manufacture may precede by one
        ("WVWZZZ1JZAW386753", (2015,), None, True),  # a stated year fitting neither decides nothing
        ("1M8GDM9AXKP042788", (), None, True),  # a coach: no position-7 rule
        ("1HD1MAM20DB857910", (2013,), 2013, True),  # a motorcycle, decided by the stated year
        ("WBA71DC010CH14720", (), None, False),  # position 10 is 0: not a year code
        ("WDBTJ56J26F166340", (), 2006, True),  # US-market Mercedes: valid check digit
        ("VF1BB05CF26010203", (2002,), None, False),  # Renault: not encoded, never guessed
        ("LGXCE4CB8T0012345", (), None, True),  # 1996 predates Chinese VINs, 2026 is future
    ],
)
def test_model_year(number, stated, year, encoded):
    reading = vin.model_year(number, stated, current_year=2024 if number[9] == "T" else 2026)
    assert reading.year == year and reading.encoded is encoded
    if year is None:
        assert reading.reason


def test_model_year_not_encoded_says_so_and_keeps_candidates():
    reading = vin.model_year("VF1BB05CF26010203", current_year=2026)
    assert (
        reading.year is None and reading.candidates == (2002,) and "not encoded" in reading.reason
    )


@pytest.mark.parametrize("junk", [None, 17, "", "nonsense", "x" * 10_000, "\x00" * 17, object()])
def test_model_year_junk(junk):
    reading = vin.model_year(junk, [2020, "x", None])  # type: ignore[arg-type]
    assert reading.year is None and reading.encoded is None and reading.candidates == ()


# ----------------------------------------------------------------- check digit verdict


@pytest.mark.parametrize(
    "number, destination, status",
    [
        ("1HGCM82633A004352", None, "valid"),
        ("1HGCM82643A004352", None, "invalid"),  # North America: mandatory
        ("LGXCE4CB9N0012345", None, "invalid"),  # China: mandatory
        ("WVWZZZ1JZ3W386753", None, "optional"),  # VW Europe uses no check digit
        ("KMTGA4SCDRU227656", None, "optional"),  # NHTSA-exception Genesis, outside N. America
        ("KMTGA4SCDRU227656", "US", "invalid"),  # ... bound for the United States
        ("LGXCE4CB8NOO12345", None, None),
        (None, None, None),
    ],
)
def test_check_digit_status(number, destination, status):
    assert vin.check_digit_status(number, destination) == status


def test_describe_names_brand_manufacturer_country():
    d = vin.describe("KMTGA4SCDRU227656", current_year=2026)
    assert (d["make"], d["manufacturer"], d["country"]) == ("Genesis", "Hyundai", "South Korea")
    assert d["check_digit_ok"] is False and d["check_digit_required"] is False
    assert d["model_year"] == 2024 and d["model_year_candidates"] == [2024]
    d = vin.describe("WVWZZZ1JZAW386753", current_year=2026, stated_years=[2010])
    assert d["model_year"] == 2010
    assert vin.describe("Z9ZZZZZZZZZZZZZZZ")["make"] is None  # unknown WMI: no guess
