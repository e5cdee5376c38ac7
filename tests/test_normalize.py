"""extractors.normalize: raw field text to contract value forms, never a guess."""

import datetime
import doctest
import random
from pathlib import Path

import pytest

import extractors.normalize
from extractors import normalize as n
from extractors.normalize import (
    MakesDataError,
    clean_text,
    find_dates,
    load_makes,
    normalize_make,
    parse_count,
    parse_date,
    parse_displacement,
    parse_fuel,
    parse_int_year,
    parse_km,
    parse_money,
    parse_transmission,
)

D = datetime.date


def test_doctests():
    assert doctest.testmod(extractors.normalize).failed == 0


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-12", D(2024, 3, 12)),
        ("2024/03/12", D(2024, 3, 12)),
        ("2024.03.12", D(2024, 3, 12)),
        ("2024/3/5", D(2024, 3, 5)),
        ("12.03.2024", D(2024, 3, 12)),  # dotted: day first
        ("13/03/2024", D(2024, 3, 13)),  # 13 can only be the day
        ("03/13/2024", D(2024, 3, 13)),
        ("03/03/2024", D(2024, 3, 3)),  # same either way
        ("12 Mar 2024", D(2024, 3, 12)),
        ("12-MAR-2024", D(2024, 3, 12)),
        ("March 12, 2024", D(2024, 3, 12)),
        ("Mar. 12, 2024", D(2024, 3, 12)),
        ("Dec. 31st, 2023", D(2023, 12, 31)),
        ("Sept 9 2020", D(2020, 9, 9)),
        ("30. SEP. 2022", D(2022, 9, 30)),
        ("2024年3月12日", D(2024, 3, 12)),
        ("２０２４年３月１２日", D(2024, 3, 12)),
        ("令和6年3月12日", D(2024, 3, 12)),
        ("平成30年1月5日", D(2018, 1, 5)),
        ("2024년 3월 12일", D(2024, 3, 12)),
        ("12th March 2024", D(2024, 3, 12)),
        ("1er mars 2024", D(2024, 3, 1)),
        ("5 juillet 2023", D(2023, 7, 5)),
        ("3. Dezember 2021", D(2021, 12, 3)),
        ("2024-Mar-12", D(2024, 3, 12)),
        ("2O24-03-12", D(2024, 3, 12)),  # OCR O for 0
        ("l2.03.2024", D(2024, 3, 12)),  # OCR l for 1
        ("2024-O3-I2", D(2024, 3, 12)),
        ("12 . 03 . 2024", D(2024, 3, 12)),  # stray spaces
        ("2024 - 03 - 12", D(2024, 3, 12)),
        ("Date of issue: 12.03.2024", D(2024, 3, 12)),
        ("20240312", D(2024, 3, 12)),
        ("2024-03-12T10:00:00", D(2024, 3, 12)),
        ("2024-03-12 / 2024-03-12", D(2024, 3, 12)),  # the same date twice
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12/03/2024",  # dd/mm or mm/dd: undecidable
        "03/12/2024",
        "05/01/1998",
        "03-04-2024",
        "2024-02-30",  # impossible
        "2023-02-29",
        "31.04.2024",
        "1949-12-31",  # out of range
        "2101-01-01",
        "12.03.2024 - 12.03.2025",  # two different dates
        "12.3.24",  # two-digit year
        "March 2024",  # no day
        "2024",
        "Oct",
        "no date",
        "20241312",
    ],
)
def test_parse_date_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text, day_first, expected",
    [
        ("12/03/2024", True, D(2024, 3, 12)),
        ("12/03/2024", False, D(2024, 12, 3)),
        ("03/12/2024", False, D(2024, 3, 12)),
        ("05/01/1998", True, D(1998, 1, 5)),  # French carte grise
        ("13/03/2024", False, D(2024, 3, 13)),  # the impossible order loses
        ("12.03.2024", False, D(2024, 12, 3)),  # an explicit order wins
    ],
)
def test_parse_date_day_first(text, day_first, expected):
    assert parse_date(text, day_first=day_first) == expected


def test_find_dates_in_free_text():
    text = "Inspected on 12 Mar 2024 at Tianjin; shipped 2024/03/20; ETA 03/04/2024. Ref 2024-99-99"
    found = find_dates(text)
    assert [(d, raw) for d, raw, _ in found] == [
        (D(2024, 3, 12), "12 Mar 2024"),
        (D(2024, 3, 20), "2024/03/20"),
    ]
    for _, raw, offset in found:
        assert text[offset : offset + len(raw)] == raw
    assert [d for d, _, _ in find_dates(text, day_first=True)][-1] == D(2024, 4, 3)


def test_find_dates_keeps_raw_ocr_text():
    found = find_dates("Date: 2O24-03-12")
    assert found == [(D(2024, 3, 12), "2O24-03-12", 6)]


def test_find_dates_does_not_misread_numbers():
    assert find_dates("Invoice 1234567, amount 23,500.00, phone 021-5555-1234") == []


# ---------------------------------------------------------------- odometer


@pytest.mark.parametrize(
    "text, expected",
    [
        ("45,210 km", 45210),
        ("45210KM", 45210),
        ("45210 kms", 45210),
        ("45.210 km", 45210),  # European thousands
        ("45 210 km", 45210),
        ("45\u202f210 km", 45210),
        ("1,234,567 km", 1234567),
        ("28,100 miles", 45223),  # 28,100 × 1.609344 = 45,222.57
        ("28,100 mi", 45223),
        ("28100 MILES", 45223),
        ("4.5万公里", 45000),
        ("4.5 万公里", 45000),
        ("4.5万km", 45000),
        ("45000公里", 45000),
        ("12,5 km", 13),  # decimal comma, rounded half up
        ("12.5 km", 13),
        ("0 km", 0),
        ("Odometer: 45,210 km", 45210),
        ("Mileage (km): 45210", 45210),
        ("45,210 km (28,100 miles)", 45210),  # consistent
        ("45210 km / 2024-03-12", 45210),
        ("45,2l0 km", 45210),  # OCR l for 1
        ("Odometer - 45210 km", 45210),
        ("45210 kilometres", 45210),
    ],
)
def test_parse_km(text, expected):
    assert parse_km(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "45210",  # no unit: km or miles?
        "45,210 km (10,000 miles)",  # contradicting
        "Mileage (km/mi): 45210",
        "-5 km",
        "9,999,999 km",
        "km",
        "abc",
        "45,21,0 km",
    ],
)
def test_parse_km_none(text):
    assert parse_km(text) is None


def test_parse_km_with_separate_unit():
    assert parse_km("45210", unit="km") == 45210
    assert parse_km("45,210", unit="KM") == 45210
    assert parse_km("28100", unit="mi") == 45223
    assert parse_km("28100", unit="miles") == 45223
    assert parse_km("45210 km", unit="mi") == 45210  # the stated unit wins
    assert parse_km("Mileage (km): 45210", unit="mi") == 45210
    assert parse_km("45210", unit="furlongs") is None


# ---------------------------------------------------------------- displacement


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.5L", (1500, 100)),
        ("2.8T", (2800, 100)),
        ("2.0 l", (2000, 100)),
        ("2.0 TDI", (2000, 100)),
        ("1.4 TSI", (1400, 100)),
        ("1.5 Turbo", (1500, 100)),
        ("2.5 litre", (2500, 100)),
        ("1,5 l", (1500, 100)),
        ("2L", (2000, 1000)),
        ("1.99 L", (1990, 10)),
        ("1498 cc", (1498, 1)),
        ("1498cc", (1498, 1)),
        ("2,755 cm3", (2755, 1)),
        ("2,755 cm³", (2755, 1)),
        ("2755 ccm", (2755, 1)),
        ("1.998 ccm", (1998, 1)),  # German thousands dot
        ("1998 ml", (1998, 1)),
        ("排量 1.5L", (1500, 100)),
        ("排量：1498mL", (1498, 1)),
        ("1.5L (1498 cc)", (1498, 1)),  # consistent: the more precise
    ],
)
def test_parse_displacement(text, expected):
    assert parse_displacement(text) == expected


@pytest.mark.parametrize(
    "text",
    ["1.5L (1598 cc)", "2 t", "40 cc", "12000 cc", "1498", "1.5", "4.0 V8", "50L fuel tank", "V6"],
)
def test_parse_displacement_none(text):
    assert parse_displacement(text) is None


def test_parse_displacement_with_separate_unit():
    assert parse_displacement("1498", unit="cc") == (1498, 1)
    assert parse_displacement("1.5", unit="L") == (1500, 100)
    assert parse_displacement("15", unit="cc") is None


# ---------------------------------------------------------------- fuel


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gasoline", "petrol"),
        ("Petrol", "petrol"),
        ("Benzin", "petrol"),
        ("Benzine", "petrol"),
        ("Essence", "petrol"),
        ("Gas", "petrol"),
        ("Unleaded", "petrol"),
        ("汽油", "petrol"),
        ("ガソリン", "petrol"),
        ("Natural Gas", "cng"),
        ("CNG", "cng"),
        ("LPG", "lpg"),
        ("Autogas", "lpg"),
        ("Petrol/LPG", "lpg"),
        ("Diesel", "diesel"),
        ("Gasoil", "diesel"),
        ("Gas Oil", "diesel"),
        ("柴油", "diesel"),
        ("ディーゼル", "diesel"),
        ("纯电动", "electric"),
        ("BEV", "electric"),
        ("EV", "electric"),
        ("Electric", "electric"),
        ("PHEV", "phev"),
        ("Plug-in Hybrid", "phev"),
        ("插电式混合动力", "phev"),
        ("增程式", "phev"),
        ("混合动力", "hybrid"),
        ("HEV", "hybrid"),
        ("Hybrid", "hybrid"),
        ("Full hybrid", "hybrid"),
        ("Petrol/Electric hybrid", "hybrid"),
        ("Gas/Electric", "hybrid"),
        ("Diesel Hybrid", "hybrid"),
        ("Fuel type: Diesel", "diesel"),
        # French registration certificate P.3
        ("GO", "diesel"),
        ("ES", "petrol"),
        ("EL", "electric"),
        ("EE", "hybrid"),
        ("GP", "lpg"),
        ("GN", "cng"),
        ("P.3: GO", "diesel"),
    ],
)
def test_parse_fuel(text, expected):
    assert parse_fuel(text) == expected


@pytest.mark.parametrize("text", ["Petrol or Diesel", "xyz", "ZZ", "Gases", "Evening", "N/A"])
def test_parse_fuel_none(text):
    assert parse_fuel(text) is None


# ---------------------------------------------------------------- transmission


@pytest.mark.parametrize(
    "text, expected",
    [
        ("AT", "automatic"),
        ("A/T", "automatic"),
        ("Automatic", "automatic"),
        ("Auto", "automatic"),
        ("6AT", "automatic"),
        ("8-speed automatic", "automatic"),
        ("Automatic with manual mode", "automatic"),
        ("Tiptronic", "automatic"),
        ("自动", "automatic"),
        ("手自一体", "automatic"),
        ("MT", "manual"),
        ("6MT", "manual"),
        ("M/T", "manual"),
        ("5 M/T", "manual"),
        ("Manual", "manual"),
        ("6-speed manual", "manual"),
        ("手动", "manual"),
        ("6速手动", "manual"),
        ("CVT", "cvt"),
        ("e-CVT", "cvt"),
        ("CVT (automatic)", "cvt"),
        ("无级变速", "cvt"),
        ("DCT", "dct"),
        ("DSG", "dct"),
        ("7DCT", "dct"),
        ("7-speed DSG", "dct"),
        ("Dual-clutch", "dct"),
    ],
)
def test_parse_transmission(text, expected):
    assert parse_transmission(text) == expected


@pytest.mark.parametrize("text", ["Automatic / Manual", "DSG manual", "xyz", "AMT?", "Matter"])
def test_parse_transmission_none(text):
    assert parse_transmission(text) is None


# ---------------------------------------------------------------- makes


@pytest.mark.parametrize(
    "text, expected",
    [
        ("比亚迪", "BYD"),
        ("吉利", "Geely"),
        ("奇瑞", "Chery"),
        ("长城", "Great Wall"),
        ("哈弗", "Haval"),
        ("长城哈弗", "Haval"),
        ("长安", "Changan"),
        ("名爵", "MG"),
        ("上汽名爵", "MG"),
        ("广汽", "GAC"),
        ("传祺", "GAC"),
        ("GAC Trumpchi", "GAC"),
        ("特斯拉", "Tesla"),
        ("蔚来", "NIO"),
        ("小鹏", "XPeng"),
        ("理想", "Li Auto"),
        ("丰田", "Toyota"),
        ("本田", "Honda"),
        ("日产", "Nissan"),
        ("雷克萨斯", "Lexus"),
        ("现代", "Hyundai"),
        ("起亚", "Kia"),
        ("捷尼赛思", "Genesis"),
        ("TOYOTA MOTOR CORPORATION", "Toyota"),
        ("toyota", "Toyota"),
        ("BYD Auto Co., Ltd.", "BYD"),
        ("比亚迪汽车工业有限公司", "BYD"),
        ("Mercedes", "Mercedes-Benz"),
        ("Mercedes-Benz", "Mercedes-Benz"),
        ("MERCEDES BENZ", "Mercedes-Benz"),
        ("Daimler", "Mercedes-Benz"),
        ("VW", "Volkswagen"),
        ("SAIC MOTOR", "SAIC"),
        ("SAIC", "SAIC"),
        ("SAIC MG", "MG"),
        ("MG Motor", "MG"),
        ("GAC Toyota", "Toyota"),  # joint venture: the brand
        ("FAW-Volkswagen", "Volkswagen"),
        ("一汽-大众", "Volkswagen"),
        ("Toyota Lexus", "Lexus"),
        ("Hyundai Motor Company", "Hyundai"),
        ("Kia Corporation", "Kia"),
        ("Range Rover Sport", "Land Rover"),
        ("Citroen", "Citroën"),
        ("Lynk & Co", "Lynk & Co"),
        ("Tesla, Inc.", "Tesla"),
        ("Dr. Ing. h.c. F. Porsche AG", "Porsche"),
        ("Nissan Motor Co., Ltd.", "Nissan"),
        ("Li Auto Inc.", "Li Auto"),
        ("Ford Motor Company", "Ford"),
        ("General Motors", "General Motors"),
        ("BYD Atto 3", "BYD"),
        ("Haval H6", "Haval"),
    ],
)
def test_normalize_make(text, expected):
    assert normalize_make(text) == expected


@pytest.mark.parametrize("text", ["Toyota Honda", "xyz", "Image", "Skiing", "Unknown make"])
def test_normalize_make_none(text):
    assert normalize_make(text) is None


def test_makes_file_is_valid_and_named_brands_present():
    brands = load_makes()
    for brand in ("Toyota", "Lexus", "Genesis", "Infiniti", "BYD", "Haval", "MG", "SAIC", "GAC"):
        assert brand in brands
    assert brands["Haval"]["parent"] == "Great Wall"


@pytest.mark.parametrize(
    "content",
    [
        "not a mapping",
        "brands: []",
        "brands:\n  Toyota:\n    aliases: Toyota Motor\n",  # not a list
        "brands:\n  Toyota:\n    aliases: [TM]\n    color: red\n",  # unknown key
        "brands:\n  Toyota:\n    aliases: [TM]\n  Tesla:\n    aliases: [tm]\n",  # alias twice
        "brands:\n  Lexus:\n    parent: Toyoda\n",  # unknown parent
        "brands:\n  A:\n    parent: B\n  B:\n    parent: A\n",  # cycle
        "brands:\n  A:\n    aliases: ['']\n",
        "brands:\n  A: [x\n",  # broken YAML
    ],
)
def test_malformed_makes_file_fails_loudly(tmp_path: Path, content):
    path = tmp_path / "makes.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MakesDataError):
        load_makes(path)


def test_missing_makes_file_fails_loudly(tmp_path: Path):
    with pytest.raises(MakesDataError):
        load_makes(tmp_path / "absent.yaml")


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    "text, expected",
    [
        ("USD 23,500.00", (23500.0, "USD")),
        ("USD23,500.00", (23500.0, "USD")),
        ("US$23,500", (23500.0, "USD")),
        ("$23,500", (23500.0, "USD")),
        ("23,500 USD", (23500.0, "USD")),
        ("Amount: 23500.00 USD", (23500.0, "USD")),
        ("USD 23,500.00 (Twenty-three thousand five hundred US dollars)", (23500.0, "USD")),
        ("EUR 18.900,00", (18900.0, "EUR")),
        ("€18,900", (18900.0, "EUR")),
        ("1.234,56 €", (1234.56, "EUR")),
        ("CNY 150,000", (150000.0, "CNY")),
        ("RMB 150,000", (150000.0, "CNY")),
        ("人民币 150000元", (150000.0, "CNY")),
        ("15万元", (150000.0, "CNY")),
        ("JPY 2,350,000", (2350000.0, "JPY")),
        ("2,350,000円", (2350000.0, "JPY")),
        ("£12,000", (12000.0, "GBP")),
        ("A$ 30,000", (30000.0, "AUD")),
        ("HK$ 200,000", (200000.0, "HKD")),
        ("CAD 40,000", (40000.0, "CAD")),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "¥ 2,350,000",  # yen or yuan?
        "￥2,350,000",
        "23,500",  # no currency
        "USD",
        "USD 23,500 / EUR 21,000",
        "Total: USD 23,500 x 2 units",
        "$ -500",
    ],
)
def test_parse_money_none(text):
    assert parse_money(text) is None


def test_parse_money_hint():
    assert parse_money("¥ 2,350,000", currency_hint="JPY") == (2350000.0, "JPY")
    assert parse_money("¥ 150,000", currency_hint="CNY") == (150000.0, "CNY")
    assert parse_money("¥ 150,000", currency_hint="RMB") == (150000.0, "CNY")
    assert parse_money("¥ 150,000", currency_hint="USD") is None
    assert parse_money("$23,500", currency_hint="CAD") == (23500.0, "CAD")
    assert parse_money("23,500", currency_hint="USD") == (23500.0, "USD")
    assert parse_money("EUR 23,500", currency_hint="USD") == (23500.0, "EUR")  # stated wins


# ---------------------------------------------------------------- small values


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2022", 2022),
        ("Model Year: 2022", 2022),
        ("2022年", 2022),
        ("MY2022", 2022),
        ("2O22", 2022),
        ("1950", 1950),
        ("2100", 2100),
        ("2021/2022", None),
        ("1949", None),
        ("2101", None),
        ("22", None),
        ("year", None),
    ],
)
def test_parse_int_year(text, expected):
    assert parse_int_year(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2", 2),
        ("Qty: 2 units", 2),
        ("1 (one)", 1),
        ("two", 2),
        ("两台", 2),
        ("3辆", 3),
        ("1,000 pcs", 1000),
        ("1 or 2", None),
        ("1.5", None),
        ("abc", None),
    ],
)
def test_parse_count(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (" :  Shanghai   Auto\n Export Co., Ltd. ", "Shanghai Auto Export Co., Ltd."),
        ("：上海汽车进出口有限公司。", "上海汽车进出口有限公司"),
        ("Seller:", "Seller"),
        ("  Tokyo  ", "Tokyo"),
        ("- Tianjin Port -", "Tianjin Port"),
        ("“CSCL NEPTUNE", "CSCL NEPTUNE"),  # a quote mark made of a speck: no partner
        ('MV "Glovis Sun"', 'MV "Glovis Sun"'),
        ("a\tb\x00c", "a b c"),
        ("---", None),
        ("", None),
    ],
)
def test_clean_text(text, expected):
    assert clean_text(text) == expected


# ---------------------------------------------------------------- junk

FIELD_PARSERS = [
    parse_date,
    parse_km,
    parse_displacement,
    parse_fuel,
    parse_transmission,
    normalize_make,
    parse_money,
    parse_int_year,
    parse_count,
    clean_text,
    lambda t: parse_date(t, day_first=True),
    lambda t: parse_km(t, unit="km"),
    lambda t: parse_money(t, currency_hint="JPY"),
]


def _garbage(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
        out.append(raw.decode("utf-8", "replace") if i % 2 else raw.decode("latin-1"))
    return out


@pytest.mark.parametrize("parser", FIELD_PARSERS)
def test_junk_gives_none(parser):
    for junk in (None, "", "   ", b"2024-03-12", 2024, 12.5, object(), ["2024"], "\x00" * 20):
        assert parser(junk) is None
    for long in ("x" * 10_000, "2024-03-12 " * 1000, "9" * 10_000, "45,210 km " * 1000):
        assert parser(long) is None


@pytest.mark.parametrize("parser", FIELD_PARSERS)
def test_garbage_never_raises(parser):
    for junk in _garbage(seed=FIELD_PARSERS.index(parser), count=300):
        result = parser(junk)
        assert result is None or isinstance(result, (str, int, float, tuple, datetime.date))


def test_find_dates_junk():
    for junk in (None, "", b"2024-03-12", 2024, "x" * 10_000, "\x00" * 20):
        assert find_dates(junk) == []  # type: ignore[arg-type]
    for junk in _garbage(seed=5, count=300):
        assert isinstance(find_dates(junk), list)
    assert len(find_dates("2024-03-12 " * 1000)) == 1000


def test_max_field_length_is_public():
    assert n.MAX_FIELD_CHARS >= 200


def test_fix_legal_form_only_touches_the_suffix():
    from extractors.normalize import fix_legal_form

    assert fix_legal_form("Tianjin Hengda Vehicle Export Co., Lid.") == (
        "Tianjin Hengda Vehicle Export Co., Ltd.", ["Lid → Ltd"])
    assert fix_legal_form("Kobe Global Motors Co.., Ltd.") == (
        "Kobe Global Motors Co., Ltd.", ["Co.., → Co.,"])
    # Names that merely contain the letters are left alone.
    assert fix_legal_form("Lido Motors Co., Ltd.") == ("Lido Motors Co., Ltd.", [])
    assert fix_legal_form("Co., Lid and Partners") == ("Co., Lid and Partners", [])
    assert fix_legal_form("Shanghai Auto Co. Ltd.") == ("Shanghai Auto Co. Ltd.", [])


def test_fix_legal_form_reads_the_final_ltd_through_its_usual_misreadings():
    from extractors.normalize import fix_legal_form

    assert fix_legal_form("Adebayo Motors Lid") == ("Adebayo Motors Ltd", ["Lid → Ltd"])
    assert fix_legal_form("Cape Auto Traders (Pty) Lid") == (
        "Cape Auto Traders (Pty) Ltd", ["Lid → Ltd"])
    assert fix_legal_form("Kobe Global Motors Co., itd.") == (
        "Kobe Global Motors Co., Ltd.", ["itd → Ltd"])
    assert fix_legal_form("Chongqing Export Co. Ld.") == ("Chongqing Export Co. Ltd.", ["Ld → Ltd"])
    # "Lad" or "Ld" after a bare name is not read as Ltd: only after "Co." or "(Pty)".
    assert fix_legal_form("Global Lad") == ("Global Lad", [])
    assert fix_legal_form("Tokyo Ld") == ("Tokyo Ld", [])


def test_fix_legal_form_capital_co_and_ltda():
    from extractors.normalize import fix_legal_form

    assert fix_legal_form("TIANJIN HENGDA VEHICLE EXPORT CoO., LTD.") == (
        "TIANJIN HENGDA VEHICLE EXPORT CO., LTD.", ["CoO. → CO."])
    assert fix_legal_form("Importadora Rio Veiculos Lida") == (
        "Importadora Rio Veiculos Ltda", ["Lida → Ltda"])
    # A first name is not a legal form; nor is "CoO" in a name without one.
    assert fix_legal_form("Lida Petrova") == ("Lida Petrova", [])
    assert fix_legal_form("CoO. Partners") == ("CoO. Partners", [])


def test_fix_capital_i_only_in_words_of_capitals():
    from extractors.normalize import fix_capital_i

    assert fix_capital_i("ZHANG WE!") == ("ZHANG WEI", ["WE! → WEI"])
    assert fix_capital_i("CHO! YU-NA") == ("CHOI YU-NA", ["CHO! → CHOI"])
    assert fix_capital_i("Yahoo! Motors") == ("Yahoo! Motors", [])
    assert fix_capital_i("KIM !") == ("KIM !", [])
    # an l read twice, the second time as "!"
    assert fix_capital_i("Ningbo Oriental! Motors Trading Co., Ltd.") == (
        "Ningbo Oriental Motors Trading Co., Ltd.", ["Oriental! → Oriental"])


def test_ocr_party_name_slips_lost_space_and_import():
    from extractors.normalize import fix_capital_i, fix_legal_form

    assert fix_legal_form("SHANGHAI AUTOSTAR EXPORT CO.,LTD.") == (
        "SHANGHAI AUTOSTAR EXPORT CO., LTD.", ["CO.,LTD → CO., LTD"])
    assert fix_capital_i("Autolmport Odesa LLC") == ("AutoImport Odesa LLC",
                                                     ["lmport → Import"])
    assert fix_capital_i("Palm Motors") == ("Palm Motors", [])


def test_ocr_slips_in_diesel_and_gas_oil_read_as_diesel():
    assert n.parse_fuel("Diese! (Gas Ol)") == "diesel"
    assert n.parse_fuel("Diese!") == "diesel"
    assert n.parse_fuel("Gas Ol") == "diesel"
    assert n.parse_fuel("Gas Only") == "petrol"


def test_a_french_fuel_code_is_in_capitals_not_a_smudge_read_in_lower_case():
    # "ee." is what OCR made of specks beside an unread caption on a registration photo:
    # not essence-électrique, which would have outvoted the DIESEL printed below it.
    assert parse_fuel("EE") == "hybrid" and parse_fuel("P.3: GO") == "diesel"
    assert parse_fuel("ee.") is None and parse_fuel("Ee") is None
