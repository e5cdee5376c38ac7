"""extractors.vin_reader: VINs through OCR errors, glued labels and spacing."""

import dataclasses
import doctest
import random

import pytest

import extractors.vin_reader
from checks import vin as vincheck
from extractors.vin_reader import VinReading, find_chassis_numbers, find_vins, read_vin

GOOD = "LGXCE4CB8N0012345"  # check digit 8 computed


def test_doctests():
    assert doctest.testmod(extractors.vin_reader).failed == 0


def test_reading_is_frozen():
    reading = read_vin(GOOD)
    assert isinstance(reading, VinReading)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.vin = "X"  # type: ignore[misc]


def test_clean_vin():
    r = read_vin(GOOD)
    assert (r.vin, r.raw, r.corrections, r.check_digit_ok, r.span) == (
        GOOD,
        GOOD,
        (),
        True,
        (0, 17),
    )
    assert r.score == 1.0 and r.check_digit_required


def test_o_read_as_zero_recorded():
    r = read_vin("LGXCE4CB8NOO12345")
    assert r.vin == GOOD
    assert r.raw == "LGXCE4CB8NOO12345"
    assert r.corrections == ("O→0 at 11", "O→0 at 12")
    assert r.check_digit_ok
    assert r.score < 1.0


@pytest.mark.parametrize(
    "raw, correction",
    [
        ("LGXCE4CB8N00I2345", "I→1 at 13"),
        ("LGXCE4CB8N0Q12345", "Q→0 at 12"),
        ("L6XCE4CB8N0012345", "6→G at 2"),  # check digit fails, one confusion validates
        ("LGXCE4CBBN0012345", "B→8 at 9"),
        ("LGXCE4CB8ND012345", "D→0 at 11"),
        ("LGXCE4CB8N001Z345", "Z→2 at 14"),
        ("LGXCE4CB8N001234S", "S→5 at 17"),
        ("1M8GDM9AXKP04278B", "B→8 at 17"),
    ],
)
def test_single_corrections(raw, correction):
    r = read_vin(raw)
    assert r.vin in (GOOD, "1M8GDM9AXKP042788")
    assert r.corrections == (correction,)
    assert r.check_digit_ok
    assert r.raw == raw


def test_two_substitutions():
    r = read_vin("LGXCE4CBBN001Z345")
    assert r.vin == GOOD
    assert set(r.corrections) == {"B→8 at 9", "Z→2 at 14"}


def test_ambiguous_confusions_are_not_corrected():
    # 8→B at 8 and 0→D at 12 both validate: never pick one
    r = read_vin("LGXCE4C88N0012345")
    assert r.vin == "LGXCE4C88N0012345"
    assert r.corrections == ()
    assert not r.check_digit_ok


def test_an_allocated_wmi_decides_between_validating_confusions():
    # S→5 at 3 (LS5, Changan) and 6→G at 12 both validate; LSS is no maker's WMI
    r = read_vin("LSSSBU7Y2M7687448")
    assert r.vin == "LS5SBU7Y2M7687448" and r.corrections == ("S→5 at 3",)
    # ...but where every candidate's WMI is allocated, or none is, nothing is picked
    assert read_vin("LGXCE4C88N0012345").corrections == ()


def test_a_wmi_no_maker_holds_is_put_right_by_the_check_digit():
    r = read_vin("SN1AXXNT7EX251739")  # small-serif J read as S
    assert r.vin == "JN1AXXNT7EX251739" and r.corrections == ("S→J at 1",)
    assert r.check_digit_ok
    # J and 1 weigh the same in the check digit: it cannot tell them apart, so no change
    assert read_vin("1TDCRTTY9LM598060").corrections == ()
    # a text layer's VIN is never changed
    assert read_vin("SN1AXXNT7EX251739", mandatory_check=False).corrections == ()


def test_a_wmi_misread_is_put_right_before_any_other_confusion():
    # J1H is no maker's: 1→T (Lexus) makes the check digit hold. A confusion elsewhere
    # (D→0 at 7) that also validates must not be chosen instead.
    r = read_vin("J1HEENDC8DN990377")
    assert r.vin == "JTHEENDC8DN990377" and r.corrections == ("1→T at 2",)
    r = read_vin("LETSPSRW2P2330794")  # Geely's L6T
    assert r.vin == "L6TSPSRW2P2330794" and r.corrections == ("E→6 at 2",)
    r = read_vin("JUMVV02M5FP478890")  # Honda's JHM, the H's bar lost in small print
    assert r.vin == "JHMVV02M5FP478890" and r.corrections == ("U→H at 2",)


def test_a_japanese_vin_that_fails_its_check_digit_is_misread():
    # Japanese makers' VINs validate (the corpus): one confusion that validates is taken
    r = read_vin("JTMBVWVZ9JP852144")
    assert r.vin == "JTM8VWVZ9JP852144" and r.corrections == ("B→8 at 4",)
    # S→5 at 6 and D→0 at 3 both validate, and JT0 is a Toyota WMI too: JTD, Toyota's as
    # read, is kept (three photos of one transaction read this S)
    r = read_vin("JTDDJSKL7PJ635384")
    assert r.vin == "JTDDJ5KL7PJ635384" and r.corrections == ("S→5 at 6",)


def test_a_letter_o_is_read_as_the_d_the_check_digit_wants_before_any_misread():
    # O is no VIN character: a D as much as a 0. JTD, JT0T (7 read for T) and a B for the
    # 8 at 12 all validate; only the D assumes no misread, so it is taken, noted once.
    r = read_vin("JTO7MSX89HE861587")
    assert r.vin == "JTD7MSX89HE861587" and r.corrections == ("O→D at 3",)
    # read as a 0, it is one of three that validate: nothing to choose by
    assert read_vin("JT07MSX89HE861587").corrections == ()


def test_a_window_picked_out_of_a_longer_run_says_how_much_it_left_out():
    # a stray I and two characters too many: no window of it is proven
    assert read_vin("KNADIJG6K4LHS505834").cut == 2
    # a label glued on is no characters left out
    assert read_vin("VINLGXCE4CB8N0012345").cut == 0
    assert read_vin("LGXCE4CB8N0012345").cut == 0


def test_a_letter_read_as_check_digit_where_the_maker_uses_one():
    r = read_vin("JTHEENDCSDN990377")  # Lexus: 8 read as S
    assert r.vin == "JTHEENDC8DN990377" and r.corrections == ("S→8 at 9",)
    # Korean domestic and European makers may put a letter there: left as read
    assert read_vin("KMHGTXB2SH7572449").corrections == ()
    assert read_vin("WVWZZZ1KZ9W123456").corrections == ()


def test_no_confusion_search_where_check_digit_optional():
    # a European VIN: the check digit is not used, nothing is "corrected" to make it pass
    r = read_vin("WVWZZZ1JZ3W386753")
    assert r.vin == "WVWZZZ1JZ3W386753" and r.corrections == ()
    assert not r.check_digit_ok and not r.check_digit_required


def test_mandatory_check_forced_and_disabled():
    # Japanese VIN with a wrong check digit: corrected only when the check is forced
    wrong = "JTDBR32E72012345B"
    assert read_vin(wrong).corrections == ()
    forced = read_vin(wrong, mandatory_check=True)
    assert forced.check_digit_required
    assert read_vin("L6XCE4CB8N0012345", mandatory_check=False).corrections == ()


def test_failing_check_digit_is_still_returned():
    r = read_vin("5YJ3E1EA7KF317000")
    assert r.vin == "5YJ3E1EA7KF317000"
    assert not r.check_digit_ok
    assert r.score < read_vin("5YJ3E1EA2KF317000").score


def test_lower_case_upper_cased():
    r = read_vin("lgxce4cb8n0012345")
    assert r.vin == GOOD and r.raw == "lgxce4cb8n0012345"


@pytest.mark.parametrize(
    "text, raw",
    [
        ("VIN:LGXCE4CB8N0012345", GOOD),
        ("VIN: LGXCE4CB8N0012345", GOOD),
        ("VINLGXCE4CB8N0012345", GOOD),
        ("VINNO.LGXCE4CB8N0012345", GOOD),
        ("LGXCE4CB8N0012345Engine", GOOD),
        ("VEHICLEIDENTIFICATIONNUMBERLGXCE4CB8N0012345", GOOD),
        ("车架号LGXCE4CB8N0012345发动机号", GOOD),
        ("LGXC E4CB 8N00 12345", "LGXC E4CB 8N00 12345"),
        ("LGX-CE4CB8N0012345", "LGX-CE4CB8N0012345"),
        ("VIN No. LGXC E4CB 8N00 12345 Engine 4G15", "LGXC E4CB 8N00 12345"),
        ("Chassis no LGX CE4CB8N 0012345 COLOR WHITE", "LGX CE4CB8N 0012345"),
        ("ＬＧＸＣＥ４ＣＢ８Ｎ００１２３４５", "ＬＧＸＣＥ４ＣＢ８Ｎ００１２３４５"),
    ],
)
def test_found_in_context(text, raw):
    found = find_vins(text)
    assert [r.vin for r in found] == [GOOD]
    assert found[0].raw == raw
    start, end = found[0].span
    assert text[start:end] == raw


def test_glued_label_with_ocr_o():
    found = find_vins("VIN:LGXCE4CB8NOO12345 2022 BYD")
    assert found[0].vin == GOOD
    assert found[0].corrections == ("O→0 at 11", "O→0 at 12")


def test_european_vin_glued_to_label():
    found = find_vins("VINWVWZZZ1JZ3W386753")
    assert [r.vin for r in found] == ["WVWZZZ1JZ3W386753"]


@pytest.mark.parametrize(
    "text",
    [
        "IDENTIFICATIONNUMBER",
        "VEHICLEIDENTIFICATIONNUMBER",
        "VEHICLE IDENTIFICATION NUMBER",
        "CERTIFICATEOFREGISTRATION",
        "ABCDEFGHJKLMNPRST",  # letters only
        "12345678901234567",  # digits only
        "Serial 2024031200123456789",
        "Seal 1234567 Voyage 024E",
        "TOTAL 2 UNITS FOB SHANGHAI USD 23 500 00",
        "B/L No. COSU6283941230 Container CSQU 305438 3",
        "LGXCE4CB8N001234",  # 16 characters
        "",
    ],
)
def test_not_vins(text):
    assert find_vins(text) == []


def test_read_vin_on_field_value_with_rest():
    r = read_vin("LGXCE4CB8N0012345 (see plate)")
    assert r.vin == GOOD and r.span == (0, 17)
    assert read_vin("IDENTIFICATIONNUM") is None
    assert read_vin("none stated") is None


def test_ranking_prefers_valid_and_uncorrected():
    text = "LGXCE4CB9N0012345 / LGXCE4CB8NOO12345 / 1M8GDM9AXKP042788"
    found = find_vins(text)
    assert [r.vin for r in found] == ["1M8GDM9AXKP042788", GOOD, "LGXCE4CB9N0012345"]
    assert not found[-1].check_digit_ok


def test_two_vins_glued():
    found = find_vins(GOOD + "1M8GDM9AXKP042788")
    assert sorted(r.vin for r in found) == sorted([GOOD, "1M8GDM9AXKP042788"])


def test_random_valid_vins_survive_one_ocr_o():
    rng = random.Random(3779)
    alphabet = vincheck.ALPHABET
    for _ in range(200):
        body = (
            "L"
            + "".join(rng.choice(alphabet) for _ in range(12))
            + "".join(rng.choice("0123456789") for _ in range(4))
        )
        number = body[:8] + vincheck.calc_check_digit(body) + body[9:]
        if number[9] in "0UZ":
            continue
        zeros = [i for i, ch in enumerate(number) if ch == "0"]
        if not zeros:
            continue
        i = zeros[0]
        r = read_vin(number[:i] + "O" + number[i + 1 :])
        assert r.vin == number and r.corrections == (f"O→0 at {i + 1}",)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("GRJ150-0012345", ["GRJ150-0012345"]),
        ("Frame No. ZVW30-1234567", ["ZVW30-1234567"]),
        ("車台番号 NZE161-7012345", ["NZE161-7012345"]),
        ("nze161 - 7012345", ["NZE161-7012345"]),
        ("型式 DBA-GRJ150W", []),
        ("DBA-GRJ150W GRJ150-0012345 GRJ150-0012345", ["GRJ150-0012345"]),
        ("Invoice INV2024-001234", []),
        ("Tel 03-1234567", []),
        ("LGXCE4CB8N0012345", []),
        ("", []),
    ],
)
def test_find_chassis_numbers(text, expected):
    assert find_chassis_numbers(text) == expected


def test_junk_never_raises():
    rng = random.Random(17)
    junk = [None, 17, b"LGXCE4CB8N0012345", "", "x" * 10_000, "9" * 10_000, "\x00" * 40]
    junk += [(GOOD + " ") * 600]
    junk += [
        bytes(rng.randrange(256) for _ in range(64)).decode("utf-8", "replace") for _ in range(100)
    ]
    for item in junk:
        found = find_vins(item)  # type: ignore[arg-type]
        assert isinstance(found, list)
        assert all(len(r.vin) == 17 for r in found)
        read_vin(item)  # type: ignore[arg-type]
        find_chassis_numbers(item)  # type: ignore[arg-type]


def test_dimensions_in_a_row_are_not_a_vin():
    # a spec sheet's "Length x Width x Height" value beside "2,188 cc", read by OCR as one row
    assert find_vins("4786 x 1916 x 1534 mm 2") == []
    assert find_vins("4786 x 1916 x 1534 mm 2,188 cc") == []


def test_a_frame_number_whose_hyphen_was_read_as_a_dash_is_found():
    # OCR of a photographed plate: "CHASSIS NO. GSE20—9638148" (an em dash).
    assert find_chassis_numbers("CHASSIS NO. GSE20—9638148") == ["GSE20-9638148"]
    assert find_chassis_numbers("E12 – 6197903") == ["E12-6197903"]
    assert find_chassis_numbers("CHASSIS NO. NT32—-6192723") == ["NT32-6192723"]


def test_a_container_number_and_its_seal_are_no_vin():
    # CMAU4379094 is a valid ISO 6346 container number; with its seal it makes 17 characters
    assert read_vin("CMAU4379094 / 154202") is None
    assert read_vin("CMAU4379094154202") is None
    assert find_vins("Container CMAU4379094154202 VIN LGWCP2WX2NS781535")[0].vin == (
        "LGWCP2WX2NS781535")


def test_a_stray_mark_inside_a_vin_is_passed_over_when_the_check_digit_proves_it():
    # A full-size plate photo: the brushed metal read as "/" between two characters.
    (got,) = find_vins("VIN LCOFUNXF9SR7/57179")
    assert (got.vin, got.raw) == ("LC0FUNXF9SR757179", "LCOFUNXF9SR7/57179")
    assert got.corrections == ("O→0 at 3",)
    assert find_vins("VIN LC0FUNXF9SR7.57179")[0].vin == "LC0FUNXF9SR757179"
    # Not where the check digit proves nothing (a European VIN) or fails...
    assert find_vins("WVWZZZ1JZX/W000001") == []
    assert find_vins("LC0FUNXF8SR7/57179") == []
    # ...nor where it would take a confusion besides (5 read as S) to make it hold.
    assert find_vins("LC0FUNXF9SR7/S7179") == []
    # Dates and codes with slashes are no VIN.
    assert find_vins("Issued 2025/01/12 ref ABC/DEF/123456789") == []
