"""Field extraction on laid-out pages: every layout issuers use, and the sources kept."""

import datetime as dt

import pytest

from extractors.fields import extract
from tests.pages import page
from verifier.models import DocType


def _values(pages, dtype):
    ex = extract(pages, dtype)
    return {k: v.value for k, v in ex.values.items()}, ex


def test_label_colon_value_lines():
    p = page((60, "VEHICLE PURCHASE CONTRACT"),
             (100, "Contract No.: SC-2024-0312"),
             (115, "Date: 12 Mar 2024"),
             (130, "Seller: Shenzhen Auto Export Co., Ltd."),
             (145, "Buyer: Lagos Motors Ltd"),
             (160, "VIN: LGXCE4CB8N0012345"),
             (175, "Make: BYD Auto"),
             (190, "Model: Atto 3"),
             (205, "Model Year: 2022"),
             (220, "Odometer: 18,250 km"),
             (235, "Engine Displacement: 1.5L"),
             (250, "Fuel Type: Plug-in Hybrid"),
             (265, "Transmission: DCT"),
             (280, "Colour: Pearl White"),
             (295, "Total Price: USD 23,500.00"))
    got, ex = _values([p], DocType.purchase_contract)
    assert got["vin"] == "LGXCE4CB8N0012345"
    assert got["document_number"] == "SC-2024-0312"
    assert got["issue_date"] == dt.date(2024, 3, 12)
    assert got["seller"] == "Shenzhen Auto Export Co., Ltd."
    assert got["buyer"] == "Lagos Motors Ltd"
    assert got["make"] == "BYD"
    assert got["model"] == "Atto 3"
    assert got["model_year"] == 2022
    assert got["odometer_km"] == 18250
    assert got["engine_displacement_cc"] == 1500
    assert got["engine_displacement_precision_cc"] == 100
    assert got["fuel_type"] == "phev"
    assert got["transmission"] == "dct"
    assert got["color"] == "pearl white"
    assert got["price"] == 23500.0 and got["currency"] == "USD"
    src = ex.values["vin"]
    assert src.page == 1 and src.raw == "LGXCE4CB8N0012345" and src.box is not None


def test_a_section_heading_over_a_label_and_its_value_leaves_the_value_beside_the_label():
    # "3. Price and Delivery" over both columns is no caption of the price's cell
    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"),
             (100, 42, "3. Price and Delivery"),
             (115, 47, "总价 Price"), (115, 150, "USD 23,000.00"),
             (130, 47, "Port of Loading"), (130, 150, "Ningbo"))
    got, _ = _values([p], DocType.purchase_contract)
    assert got["price"] == 23000 and got["currency"] == "USD"
    # a caption over the value's cell alone is one: the cell is its value, not the price's
    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"),
             (100, 47, "Price"), (100, 150, "Buyer"),
             (115, 47, "USD 23,000.00"), (115, 150, "Desert Line Motors FZE"))
    got, _ = _values([p], DocType.purchase_contract)
    assert got["price"] == 23000 and got["buyer"] == "Desert Line Motors FZE"


def test_table_label_cell_then_value_cell():
    p = page((60, "MOTOR VEHICLE REGISTRATION CERTIFICATE"),
             (100, 50, "Vehicle Identification Number"), (100, 260, "LGXCE4CB8N0012345"),
             (115, 50, "Date of First Registration"), (115, 260, "2019-05-14"),
             (130, 50, "Registered Owner"), (130, 260, "Zhang Wei"))
    got, _ = _values([p], DocType.registration_certificate)
    assert got["vin"] == "LGXCE4CB8N0012345"
    assert got["first_registration_date"] == dt.date(2019, 5, 14)
    assert got["owner"] == "Zhang Wei"


def test_a_value_running_into_the_next_column_of_a_header_grid_is_cut_at_its_header():
    # Photographed, the gap between a long seller name and the buyer's is one space.
    p = page((60, 200, "SELLER'S DECLARATION"),
             (100, 50, "SELLER"), (100, 300, "BUYER"), (100, 450, "VIN"),
             (114, 50, "Ningbo Oriental Motors Trading Co., Ltd. Thabo Nkosi"),
             (114, 450, "LVVBZ0BW7LP779849"), method="ocr")
    got, _ = _values([p], DocType.seller_declaration)
    assert got["seller"] == "Ningbo Oriental Motors Trading Co., Ltd."
    assert got["buyer"] == "Thabo Nkosi"
    assert got["vin"] == "LVVBZ0BW7LP779849"


def test_a_quote_mark_read_before_a_value_keeps_its_first_word_in_its_column():
    # '"BUSAN' starts left of the SHIPPER caption, its middle under it
    p = page((60, 200, "BILL OF LADING"),
             (100, 50, "B/L No"), (100, 250, "SHIPPER"), (100, 430, "CONSIGNEE"),
             (114, 50, "BYDS6986107870"),
             (114, 238, '"BUSAN GLOBAL AUTO TRADING CO. JUMA MWINYI'), method="ocr")
    got, _ = _values([p], DocType.bill_of_lading)
    assert got["shipper"] == "BUSAN GLOBAL AUTO TRADING CO."
    assert got["consignee"] == "JUMA MWINYI"


def test_a_caption_read_with_a_stray_mark_after_it_is_still_bare():
    # "Model!": the value is under it, not the "!"
    p = page((60, 200, "MILEAGE CERTIFICATE"),
             (100, 50, "Model!"), (100, 250, "Year of Manufacture"),
             (114, 50, "Vezel"), (114, 250, "2020"), method="ocr")
    got, _ = _values([p], DocType.mileage_certificate)
    assert got["model"] == "Vezel"
    assert got["manufacture_year"] == 2020


def test_a_header_grid_whose_captions_carry_their_garbled_chinese_twins():
    # 卖方 Seller | 买方 BUYER | 车架号 / VIN, the Chinese read as junk: still a row of
    # captions, so the seller's long name is cut where the buyer's column starts
    p = page((60, 200, "SELLER'S DECLARATION"),
             (100, 50, "RA Seller"), (100, 290, "BUYER"), (100, 450, "RS / VIN"),
             (114, 50, "Tianjin Hengda Vehicle Export Co., Ltd. Thabo Nkosi"),
             (114, 450, "LGWFK06D8RU047529"), method="ocr")
    got, _ = _values([p], DocType.seller_declaration)
    assert got["seller"] == "Tianjin Hengda Vehicle Export Co., Ltd."
    assert got["buyer"] == "Thabo Nkosi"


def test_label_above_value_grid_like_a_bill_of_lading():
    p = page((60, 350, "BILL OF LADING"),
             (100, 50, "Shipper:"), (100, 300, "Port of loading:"),
             (114, 50, "GLOBAL FREIGHT SOLUTIONS INC."), (114, 300, "SHANGHAI, CHINA"),
             (140, 50, "Ocean vessel:"), (140, 300, "Port of discharge:"),
             (154, 50, "GLOBAL VOYAGER V-202"), (154, 300, "LOS ANGELES, USA"),
             (180, 50, "FFAU1234567/40'HQ/CFS-CFS 1 UNIT USED BYD ATTO 3 VIN LGXCE4CB8N0012345"),
             (200, 300, "SHIPPED ON BOARD:"), (214, 300, "30. SEP. 2022"))
    got, _ = _values([p], DocType.bill_of_lading)
    assert got["shipper"] == "GLOBAL FREIGHT SOLUTIONS INC."
    assert got["port_of_loading"] == "SHANGHAI, CHINA"
    assert got["port_of_discharge"] == "LOS ANGELES, USA"
    assert got["vessel"] == "GLOBAL VOYAGER"
    assert got["shipped_on_board_date"] == dt.date(2022, 9, 30)
    assert got["container_numbers"] == ["FFAU1234567"]
    assert got["vin"] == "LGXCE4CB8N0012345"


def test_two_pairs_per_row_do_not_bleed_into_each_other():
    p = page((60, "VEHICLE INSPECTION REPORT"),
             (100, 50, "Make: Toyota"), (100, 300, "Model: Land Cruiser Prado"),
             (115, 50, "Mileage: 28,100 miles"), (115, 300, "Fuel: Diesel"),
             (130, 50, "Date of Inspection: March 12, 2024"))
    got, _ = _values([p], DocType.inspection_report)
    assert got["make"] == "Toyota"
    assert got["model"] == "Land Cruiser Prado"
    assert got["odometer_km"] == round(28100 * 1.609344)
    assert got["fuel_type"] == "diesel"
    assert got["inspection_date"] == dt.date(2024, 3, 12)


def test_a_bare_date_means_what_the_document_type_says():
    lines = [(60, "PRE-SHIPMENT INSPECTION REPORT"), (100, "Date: 2024-03-12"),
             (115, "Date of Issue: 2024-03-14")]
    got, _ = _values([page(*lines)], DocType.inspection_report)
    assert got["inspection_date"] == dt.date(2024, 3, 12)
    assert got["issue_date"] == dt.date(2024, 3, 14)


def test_a_longer_label_wins_over_a_shorter_one_inside_it():
    # "Model Year" must not be read as the model, nor "Date of First Registration" as a date
    p = page((60, "VEHICLE REGISTRATION CERTIFICATE"),
             (100, "Model Year: 2021"), (115, "Model: Camry"),
             (130, "Date of First Registration: 14.05.2019"))
    got, _ = _values([p], DocType.registration_certificate)
    assert got["model_year"] == 2021 and got["model"] == "Camry"
    assert got["first_registration_date"] == dt.date(2019, 5, 14)
    assert "issue_date" not in got


def test_ocr_corrections_are_recorded_beside_the_raw_text():
    p = page((60, "SPECIFICATION SHEET"), (100, "VIN: LGXCE4CB8NOO12345"), method="ocr")
    _, ex = _values([p], DocType.spec_sheet)
    vin = ex.values["vin"]
    assert vin.value == "LGXCE4CB8N0012345"
    assert vin.raw == "LGXCE4CB8NOO12345"
    assert vin.corrections == ["O→0 at 11", "O→0 at 12"]


def test_service_history_rows_become_mileage_entries():
    p = page((60, "SERVICE HISTORY RECORD"),
             (100, 50, "Date"), (100, 200, "Odometer (km)"), (100, 350, "Work performed"),
             (115, 50, "2021-04-02"), (115, 200, "5,020"), (115, 350, "First service"),
             (130, 50, "2022-03-28"), (130, 200, "15,480"), (130, 350, "Oil change"))
    got, _ = _values([p], DocType.mileage_record)
    assert got["mileage_entries"] == [{"date": "2021-04-02", "odometer_km": 5020},
                                      {"date": "2022-03-28", "odometer_km": 15480}]


def test_a_service_date_read_without_its_separators_is_a_date_in_the_date_column():
    # "2020/04/26" read as "20200426" on a photo: ISO 8601's basic format, in the column
    # where the other rows' dates begin
    rows = [(60, "SERVICE HISTORY RECORD"),
            (100, 50, "Date"), (100, 200, "Odometer (km)"), (100, 350, "Work performed"),
            (115, 50, "20200426"), (115, 200, "10398"), (115, 350, "Tyre rotation"),
            (130, 50, "2021/01/01"), (130, 200, "21,278"), (130, 350, "Software update"),
            (145, 50, "2021/08/17"), (145, 200, "31,201"), (145, 350, "Air filter")]
    got, _ = _values([page(*rows, method="ocr")], DocType.mileage_record)
    assert got["mileage_entries"][0] == {"date": "2020-04-26", "odometer_km": 10398}
    assert len(got["mileage_entries"]) == 3
    # eight digits in another column, or no date a calendar has, are no date
    moved = [(115, 200, "20200426"), (115, 350, "10398")] + rows[7:]
    got, _ = _values([page(*rows[:4], *moved, method="ocr")], DocType.mileage_record)
    assert len(got["mileage_entries"]) == 2
    wrong = [r if r[1:] != (50, "20200426") else (115, 50, "20201346") for r in rows]
    got, _ = _values([page(*wrong, method="ocr")], DocType.mileage_record)
    assert len(got["mileage_entries"]) == 2


@pytest.mark.parametrize(("versions", "km"), [
    (["8619 KM"] * 6 + ["e619 KM", "", "8G19 KM"], 8619),  # most versions agree: taken
    (["8619 KM"] * 4 + ["e619 KM", "", "", "", ""], 619),  # four of nine: no majority
    (["61 KM"] * 9, 619),  # a reading that loses a digit is no better one
])
def test_an_odometer_cell_read_unsure_is_read_again_as_versions(versions, km):
    from extractors.page import Word

    rows = [(60, "SERVICE HISTORY RECORD"), (100, 50, "Date"), (100, 200, "Mileage"),
            (115, 50, "07-MAR-2024"), (115, 200, "e619 KM"),
            (130, 50, "17-OCT-2024"), (130, 200, "18848 KM")]
    p = page(*rows, method="ocr")
    weak = [w for w in p.words if w.text in ("e619", "KM") and w.box[1] == 115]
    p.words[:] = [Word(w.text, w.box, 0.28, w.line_key) if w in weak else w for w in p.words]
    purposes = []

    def reread(page_number, boxes, purpose):
        purposes.append(purpose)
        if purpose == "line_variants":
            return [[Word(t, boxes[0], 0.5) for t in v.split()] for v in versions]
        return [[] for _ in boxes]

    got = extract([p], DocType.mileage_record, reread=reread)
    assert got.values["mileage_entries"].value == [
        {"date": "2024-03-07", "odometer_km": km}, {"date": "2024-10-17", "odometer_km": 18848}]
    assert purposes.count("line_variants") == 1  # the sure cell is not read again


def test_a_reading_whose_group_separator_ocr_spaced_from_its_digits_is_whole():
    p = page((60, "SERVICE HISTORY RECORD"),
             (115, 50, "2023/05/07 5,517 km battery health check"),
             (130, 50, "2023/11/25 |10, 344 km coolant and brake fluid"), method="ocr")
    got, _ = _values([p], DocType.mileage_record)
    assert got["mileage_entries"] == [{"date": "2023-05-07", "odometer_km": 5517},
                                      {"date": "2023-11-25", "odometer_km": 10344}]


def test_a_description_line_with_its_make_misread_by_one_letter():
    # "2022 Crangan UNL-K" under a garbled caption: Changan, one letter off, as OCR read it
    from extractors.page import Word

    p = page((60, 200, "SPECIFICATION SHEET"), (100, 50, "vErecue"),
             (114, 50, "2022 Crangan UNI-K"), conf=0.5, method="ocr")
    got, ex = _values([p], DocType.spec_sheet)
    assert (got["make"], got["model"], got["model_year"]) == ("Changan", "UNI-K", 2022)
    assert ex.values["make"].corrections == ["make 'Crangan' read as Changan"]
    # the line's box is no model's: an unsure model is not read again as the whole line
    line = extract([p], DocType.spec_sheet,
                   reread=lambda n, boxes, why: [[Word("2022 Crangan UNI-K", b, 0.9)]
                                                 for b in boxes]).values
    assert line["model"].value == "UNI-K"
    # a text layer says what it says: no brand is guessed
    p = page((60, 200, "SPECIFICATION SHEET"), (114, 50, "2022 Crangan UNI-K"))
    assert "make" not in _values([p], DocType.spec_sheet)[0]


def test_a_fuel_with_its_l_read_as_an_exclamation_mark():
    # "Petro!" beside an unread caption names itself; on a text layer it is what it says
    rows = [(60, 200, "SPECIFICATION SHEET"), (100, 50, "nergy Tree"), (100, 300, "Petro!")]
    assert _values([page(*rows, method="ocr")], DocType.spec_sheet)[0]["fuel_type"] == "petrol"
    rows[1] = (100, 50, "Fuel Type")
    assert _values([page(*rows, method="ocr")], DocType.spec_sheet)[0]["fuel_type"] == "petrol"
    assert "fuel_type" not in _values([page(*rows)], DocType.spec_sheet)[0]


def test_a_description_line_states_the_model_year():
    p = page((60, "EXPORT LICENCE"), (100, "Goods: 2022 BYD Atto 3 passenger car"))
    got, _ = _values([p], DocType.export_license)
    assert got["model_year"] == 2022


def test_a_japanese_frame_number_is_a_chassis_number_not_a_bad_vin():
    p = page((60, "EXPORT CERTIFICATE / REGISTRATION CERTIFICATE"),
             (100, "Chassis No.: GRJ150-0012345"))
    got, _ = _values([p], DocType.registration_certificate)
    assert got.get("chassis_number") == "GRJ150-0012345"
    assert "vin" not in got


def test_a_frame_number_split_at_a_gap_by_ocr_is_joined():
    p = page((60, "MILEAGE CERTIFICATE"), (100, "Frame No.: GSE20-9638 148"), method="ocr")
    got, _ = _values([p], DocType.mileage_certificate)
    assert got.get("chassis_number") == "GSE20-9638148"
    # Two numbers in one value are not joined into one.
    p = page((60, "MILEAGE CERTIFICATE"), (100, "Frame No.: GSE20-963 8148 123"), method="ocr")
    got, _ = _values([p], DocType.mileage_certificate)
    assert "chassis_number" not in got


def test_an_ocr_garbled_country_is_repaired_only_when_no_real_country_is_as_close():
    def country(text: str, method: str = "ocr") -> tuple[object, list[str]]:
        p = page((60, "SONCAP CERTIFICATE"), (100, f"Destination: {text}"), method=method)
        got, ex = _values([p], DocType.compliance_certificate)
        return got.get("destination_country"), ex.values["destination_country"].corrections

    assert country("South Alrica") == ("South Africa", ["South Alrica → South Africa"])
    assert country("Onited Acab Emirates") == ("United Arab Emirates",
                                               ["Onited Acab Emirates → United Arab Emirates"])
    # Real countries stay what they are, even one letter from a country the tables know.
    assert country("Gambia") == ("Gambia", [])
    assert country("Niger") == ("Niger", [])
    # A text layer says what it says.
    assert country("South Alrica", method="text_layer") == ("South Alrica", [])


def test_fields_a_type_does_not_state_are_not_reported():
    p = page((60, "BILL OF LADING"), (100, "Odometer: 12,000 km"), (115, "Shipper: ACME"))
    got, _ = _values([p], DocType.bill_of_lading)
    assert "odometer_km" not in got and got["shipper"] == "ACME"


def test_ocr_letter_prefix_of_a_document_number_and_a_repeated_label():
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, "Report No.: 1R2401285024"),
             (115, 50, "Model Name"), (130, 50, "MODEL: ET5"), method="ocr")
    got, ex = _values([p], DocType.inspection_report)
    assert got["document_number"] == "IR2401285024"
    assert ex.values["document_number"].corrections == ["1→I at 1 (1R2401285024)"]
    assert got["model"] == "ET5"


@pytest.mark.parametrize(("read", "number"), [
    ("PS1-25-984791", "PSI-25-984791"),  # the I ending a letter prefix, before its hyphen
    ("AB12-25-984791", "AB12-25-984791"),  # digits of their own: left as read
    ("PS1A-25-984791", "PS1A-25-984791"),
])
def test_a_letter_prefix_ending_in_an_i_read_as_1(read, number):
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"Report No.: {read}"), method="ocr")
    got, ex = _values([p], DocType.inspection_report)
    assert got["document_number"] == number
    assert ex.values["document_number"].corrections == (
        [f"1→I at 3 ({read})"] if read != number else [])


@pytest.mark.parametrize(("read", "number"), [
    ([".", "IR2403238869"], "IR2403238869"),
    ([".:", "1R2403238869"], "IR2403238869"),  # a letter prefix's I read as 1, mended
    (["Date"], None),  # no number: nothing
    ([], None),
])
def test_a_number_caption_with_nothing_after_it_is_read_again_beside_it(read, number):
    # "Report No.:" read, the number after it not at all (a photo's glare)
    from extractors.page import Word

    p = page((60, 200, "VEHICLE INSPECTION REPORT"), (80, 400, "Report No.:"),
             (100, 50, "Inspection Date: 23 Mar 2024"), method="ocr")
    asked = []

    def reread(page_number, boxes, purpose):
        asked.append((purpose, boxes[0][0]))
        return [[Word(t, boxes[0], 0.9) for t in read]]

    got = extract([p], DocType.inspection_report, reread=reread).values
    assert ("line", 466.0) in asked  # right of the caption's end
    assert (got["document_number"].value if number else None) == number
    if number:
        assert "read again beside its caption" in got["document_number"].corrections


@pytest.mark.parametrize("speck", ["'", "‘", "“", "'  "])
def test_a_value_that_is_one_speck_read_as_a_quote_is_no_value(speck):
    # a declaration scan's seller cell read as a lone quote mark: no value, and no crash
    from extractors.fields import parse_value

    for parser in ("text", "party", "place", "country", "block"):
        assert parse_value(parser, speck, {"ocr": True}) is None
    p = page((60, 200, "SELLER'S DECLARATION"), (100, 50, f"Seller: {speck}"), method="ocr")
    assert "seller" not in _values([p], DocType.seller_declaration)[0]


def test_a_text_layer_document_number_is_never_changed():
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, "Report No.: 1R2401285024"))
    got, _ = _values([p], DocType.inspection_report)
    assert got["document_number"] == "1R2401285024"


@pytest.mark.parametrize(("read", "number"), [
    ("SC~-2024~-8181", "SC-2024-8181"),  # tildes beside the hyphens
    ("SC~2024~8181", "SC-2024-8181"),  # tildes for them
    ("IR2$07205224", "IR2507205224"),  # a dollar sign between digits
    ("GH-COC-24-85 181", "GH-COC-24-85181"),  # a space in the last group
    ("PSI-24-66695 1", "PSI-24-666951"),
])
def test_ocr_marks_inside_a_document_number(read, number):
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"Report No.: {read}"), method="ocr")
    got, ex = _values([p], DocType.inspection_report)
    assert got["document_number"] == number
    assert ex.values["document_number"].corrections == [f"read {read!r} as {number!r}"]


@pytest.mark.parametrize(("read", "number"), [
    ("Ml240717-09", "MI240717-09"),  # an l beside a capital is an I
    ("MI2407l7-09", "MI240717-09"),  # between digits, a 1
])
def test_a_lower_case_l_in_a_number_of_capitals_and_digits(read, number):
    p = page((60, "MILEAGE CERTIFICATE"), (100, 50, f"Certificate No.: {read}"), method="ocr")
    got, ex = _values([p], DocType.mileage_certificate)
    assert got["document_number"] == number
    assert ex.values["document_number"].corrections == [f"read {read!r} as {number!r}"]


@pytest.mark.parametrize("read", ["GH-COC-24-85 181 A", "AB-1234567 12345"])
def test_a_space_before_other_text_is_no_split_number(read):
    # more text after the group, or a group too long once joined: two things, not one
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"Report No.: {read}"), method="ocr")
    assert _values([p], DocType.inspection_report)[0]["document_number"] == read.split()[0]


def test_a_container_number_read_with_a_letter_for_a_digit():
    # CMAU5661271: its 5 read as S; the check digit holds once it is put back
    p = page((60, "BILL OF LADING"), (100, 50, "CMAUS661271 / 584650"), method="ocr")
    got, ex = _values([p], DocType.bill_of_lading)
    assert got["container_numbers"] == ["CMAU5661271"]
    assert ex.values["container_numbers"].corrections == ["read 'CMAUS661271' as 'CMAU5661271'"]
    # where it then fails, or on a text layer, nothing is put back
    for p in (page((60, "BILL OF LADING"), (100, 50, "CMAUS661272 / 584650"), method="ocr"),
              page((60, "BILL OF LADING"), (100, 50, "CMAUS661271 / 584650"))):
        assert "container_numbers" not in _values([p], DocType.bill_of_lading)[0]


def test_a_container_number_read_with_a_space_inside_its_serial():
    # ONEU4186116 read "ONEU41861 16": the check digit holds once the space is gone
    p = page((60, "BILL OF LADING"), (100, 50, "Container No. / Seal No. ONEU41861 16 / 583384"),
             method="ocr")
    got, ex = _values([p], DocType.bill_of_lading)
    assert got["container_numbers"] == ["ONEU4186116"]
    assert ex.values["container_numbers"].corrections == ["read 'ONEU41861 16' as 'ONEU4186116'"]
    # where it then fails, nothing is joined
    p = page((60, "BILL OF LADING"), (100, 50, "Container No. / Seal No. ONEU41861 17 / 583384"),
             method="ocr")
    assert "container_numbers" not in _values([p], DocType.bill_of_lading)[0]


def test_the_head_of_a_bill_number_read_with_a_space_is_no_container():
    # MAEU9023891 has a container number's form (owner code and seven digits); it is the
    # B/L's number MAEU9023891786 read with a space, not a second container
    p = page((60, "BILL OF LADING"), (100, 50, "B/L NO"), (114, 50, "MAEU9023891 786"),
             (140, 50, "CONTAINER NO. / SEAL NO"), (154, 50, "YMLU1524500 / 502172"),
             method="ocr")
    got, _ = _values([p], DocType.bill_of_lading)
    assert got["document_number"] == "MAEU9023891786"
    assert got["container_numbers"] == ["YMLU1524500"]


@pytest.mark.parametrize(("read", "number"), [
    ("COSUS912248718", "COSU5912248718"),
    ("HOEG5880I43531", "HOEG5880143531"),
    ("HLCUSHA220123456", "HLCUSHA220123456"),  # a port code after the SCAC stays letters
    ("COSUSB1224871", "COSUSB1224871"),  # too few digits left to call it a serial
    ("cosus151141278", "COSU5151141278"),  # read in lower case: a SCAC code is capitals
    ("cosu5151141278", "COSU5151141278"),
])
def test_look_alike_letters_in_a_bill_of_lading_serial(read, number):
    p = page((60, "BILL OF LADING"), (100, 50, f"B/L No.: {read}"), method="ocr")
    got, ex = _values([p], DocType.bill_of_lading)
    assert got["document_number"] == number
    assert bool(ex.values["document_number"].corrections) == (read != number)
    # another document's number is no carrier's: left as read
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"Report No.: {read}"), method="ocr")
    assert _values([p], DocType.inspection_report)[0]["document_number"] == read


@pytest.mark.parametrize(("read", "number"), [
    ("COSU8 608316432", "COSU8608316432"),
    ("MAEU20328697 13", "MAEU2032869713"),
    ("ONEU8521 160480", "ONEU8521160480"),
    ("COSU8 6083164321234", "COSU8"),  # a serial too long once joined: two things
    ("COSU8608316432 2", "COSU8608316432"),  # a whole number and another one
])
def test_a_bill_of_lading_serial_read_with_a_space_inside_is_one_number(read, number):
    p = page((60, "BILL OF LADING"), (100, 50, f"B/L No.: {read}"), method="ocr")
    got, ex = _values([p], DocType.bill_of_lading)
    assert got["document_number"] == number
    if number != read.split()[0]:
        assert ex.values["document_number"].corrections == [f"read {read!r} as {number!r}"]
    # another document's reference is not a carrier's number: its first group only
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"Report No.: {read}"), method="ocr")
    assert _values([p], DocType.inspection_report)[0]["document_number"] == read.split()[0]


@pytest.mark.parametrize("unit", ["ko", "krn", "kn", "ke"])
def test_km_as_ocr_misreads_it_in_small_print(unit):
    p = page((60, "EXPORT SALES CONTRACT"), (100, 50, f"Current Mileage: 19,781 {unit}"),
             method="ocr")
    got, ex = _values([p], DocType.purchase_contract)
    assert got["odometer_km"] == 19781
    assert ex.values["odometer_km"].corrections == [f"read the unit {unit!r} as km"]
    # a reading without a unit stays unread: kilometres or miles cannot be told
    p = page((60, "EXPORT SALES CONTRACT"), (100, 50, "Current Mileage: 19,781"), method="ocr")
    assert "odometer_km" not in _values([p], DocType.purchase_contract)[0]


@pytest.mark.parametrize(("read", "place"), [
    ("Busan. Korea", "Busan, Korea"),  # a period read for the comma before a country
    ("Jebel Ali. United Arab Emirates", "Jebel Ali, United Arab Emirates"),
    ("St. Petersburg", "St. Petersburg"),  # an abbreviation's period stays
    ("\u201cLianyungang", "Lianyungang"),  # a speck read as an opening double quote
])
def test_ocr_marks_in_a_port_name(read, place):
    p = page((60, "BILL OF LADING"), (100, 50, f"Port of Loading: {read}"), method="ocr")
    assert _values([p], DocType.bill_of_lading)[0]["port_of_loading"] == place


def test_a_role_under_a_party_label_is_not_the_party():
    p = page((60, "EXPORT SALES CONTRACT"), (100, 50, "Seller"),
             (112, 50, "(Exporter) Kobe Global Motors Co., Ltd."), method="ocr")
    got, _ = _values([p], DocType.purchase_contract)
    assert got["seller"] == "Kobe Global Motors Co., Ltd."


@pytest.mark.parametrize(("line", "field", "value"), [
    ("lssue Date: 2023-06-13", "issue_date", dt.date(2023, 6, 13)),
    ("tssue Date: 2023-06-13", "issue_date", dt.date(2023, 6, 13)),
    ("0dometer: 12,000 km", "odometer_km", 12000),
    ("Mi1eage: 12,000 km", "odometer_km", 12000),
    ("Selier: Hanbit Motors Co., Ltd.", "seller", "Hanbit Motors Co., Ltd."),
    ("Contract Wo.: SC-2023-0438", "document_number", "SC-2023-0438"),
    ("Contract Ne.: SC-2023-0438", "document_number", "SC-2023-0438"),
    ("Modet: Tiggo 8 Pro", "model", "Tiggo 8 Pro"),
])
def test_labels_through_ocr_look_alikes(line, field, value):
    p = page((60, "EXPORT SALES CONTRACT"), (100, 50, line), method="ocr")
    assert _values([p], DocType.purchase_contract)[0][field] == value


@pytest.mark.parametrize(("read", "day"), [
    ("7 Ape 2023", dt.date(2023, 4, 7)),
    ("29. see. 2025", dt.date(2025, 9, 29)),
    ("28. vec. 2025", dt.date(2025, 12, 28)),
    ("7 Jum 2023", None),  # Jun or Jul: not guessed
])
def test_a_misread_month_one_edit_from_one_abbreviation(read, day):
    p = page((60, "EXPORT SALES CONTRACT"), (100, 50, f"Contract Date: {read}"), method="ocr")
    got, ex = _values([p], DocType.purchase_contract)
    assert got.get("issue_date") == day
    if day:
        assert ex.values["issue_date"].corrections[0].startswith("month ")


def test_a_vin_read_one_character_too_long_offers_candidates():
    # a Japanese maker's VIN validates too (the corpus): the deletions that validate are
    # candidates, for the other documents to choose between; none is the value
    p = page((60, "EXPORT SALES CONTRACT"), (100, 50, "VIN Code: JN1IOUVSW8FY991 142"),
             method="ocr")
    ex = extract([p], DocType.purchase_contract)
    assert "vin" not in ex.values
    assert "JN10UVSW8FY991142" in {c.value for c in ex.vin_candidates}
    # a European one need not validate: no deletion can be told from another
    p = page((60, "EXPORT SALES CONTRACT"), (100, 50, "VIN Code: WVWZZZ1KZ9W1234567"),
             method="ocr")
    found = extract([p], DocType.purchase_contract).vin_candidates
    assert not any(n.startswith("dropped stray") for c in found for n in c.corrections)


def test_tesla_model_names_are_no_model_label():
    # "Model 3" read without its caption is no label "Model" with the value "3": it is the
    # model, naming itself
    p = page((60, "EXPORT LICENCE"), (100, 50, "Make: Tesla"), (115, 50, "Model 3"), method="ocr")
    assert _values([p], DocType.export_license)[0]["model"] == "Model 3"
    p = page((60, "EXPORT LICENCE"), (100, 50, "Model Name:"), (100, 300, "Model Y"),
             method="ocr")
    assert _values([p], DocType.export_license)[0]["model"] == "Model Y"


def test_a_speck_read_as_an_opening_quote_is_not_part_of_the_model():
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, "Model: 'Sportage"), method="ocr")
    got, _ = _values([p], DocType.inspection_report)
    assert got["model"] == "Sportage"


def test_ocr_misreadings_of_a_legal_form_are_undone_and_recorded():
    p = page((60, "EXPORT LICENCE"),
             (100, "Exporter Name: Minato Trading Co.. Lid."),
             (115, "Consignee: 1 . - | Lekki Auto Imports Ltd"), method="ocr")
    got, ex = _values([p], DocType.export_license)
    assert got["exporter"] == "Minato Trading Co., Ltd."
    assert ex.values["exporter"].corrections == ["Co.. → Co.,", "Lid → Ltd"]
    assert ex.values["exporter"].raw.strip(" :") == "Minato Trading Co.. Lid."
    assert got["consignee"] == "Lekki Auto Imports Ltd"


def test_a_text_layer_party_is_kept_as_printed():
    p = page((60, "EXPORT LICENCE"), (100, "Exporter Name: Lid Co.. Lid."))
    got, _ = _values([p], DocType.export_license)
    assert got["exporter"] == "Lid Co.. Lid."


def test_a_disclosure_ends_where_the_next_paragraph_begins():
    # a text layer's word boxes are as tall as the line pitch (12): the next paragraph is only
    # 17 lower, a wrapped line 12 lower
    p = page(
        (100, "Seller: Ningbo Oriental Motors Trading Co., Ltd."),
        (120, "The Seller declares the following about the vehicle's history of damage and"),
        (132, "repairs:"),
        (149, "Windscreen replaced after a stone chip. No other repairs. The rear bumper was"),
        (161, "repainted in 2023."),
        (178, "The Seller confirms that the above is true and complete to the best of its"),
        (190, "knowledge."),
    )
    got = extract([p], DocType.seller_declaration).values["disclosures"].value
    assert got == ("Windscreen replaced after a stone chip. No other repairs. The rear bumper "
                   "was repainted in 2023.")


def test_a_neighbouring_column_label_beside_a_stacked_label_is_not_its_value():
    # A spec sheet with labels above values in two columns, the right column a little higher
    # (a skewed scan): "Motor Power" sits on the "Model" row but is a label, not the model.
    p = page((127, 45, "Model"), (140, 47, "ES6"), (119, 292, "Motor Power"),
             (132, 294, "143 kW"), (159, 45, "Transmission"), (172, 48, "AT"),
             method="ocr")
    got, _ = _values([p], DocType.spec_sheet)
    assert got["model"] == "ES6"


def _taller(p, line_key, factor):
    """The page with one line set ``factor`` times taller (a letterhead's larger type)."""
    from extractors.page import Word

    words = [
        Word(w.text, (w.box[0], w.box[1], w.box[2], w.box[1] + factor * (w.box[3] - w.box[1])),
             w.conf, w.line_key) if w.line_key == line_key else w
        for w in p.words
    ]
    return type(p)(p.number, p.width, p.height, words, p.method, p.unit)


def test_a_letterhead_without_a_company_word_is_the_issuer_when_set_larger():
    lines = [(40, "Car History Korea"), (62, "Vehicle History Division"),
             (100, 200, "Odometer Verification Certificate"),
             (130, "Ref. No.: MC-25-801382"), (145, "Mileage: 12,570 KM")]
    got, _ = _values([_taller(page(*lines, conf=0.95, method="ocr"), (0,), 1.5)],
                     DocType.mileage_certificate)
    assert got["issuer"] == "Car History Korea"
    # Set like the text, the first line is just a line: no issuer is guessed (over its
    # department it would be: test_a_letterhead_name_over_its_department_is_the_issuer).
    plain = [lines[0], *lines[2:]]
    got, _ = _values([page(*plain, conf=0.95, method="ocr")], DocType.mileage_certificate)
    assert "issuer" not in got


def test_a_party_under_the_title_is_no_letterhead():
    # The ministry's band was not read: the exporter beside its label is not the issuer.
    p = page((60, 200, "出口许可证 / Export Licence"), (90, 50, "LICENCE NO.:"),
             (90, 300, "25-AB-573403"), (105, 50, "出口商 Exporter:"),
             (105, 300, "Shanghai Autostar Export Co., Ltd."), conf=0.9, method="ocr")
    got, _ = _values([p], DocType.export_license)
    assert got["exporter"] == "Shanghai Autostar Export Co., Ltd."
    assert "issuer" not in got


def test_the_letterhead_under_a_bilingual_title_is_the_issuer():
    # the title's English line names the mileage: it is no field's label
    p = page((40, 200, "里程证明"), (55, 200, "Mileage Certification"),
             (70, 200, "CCIC Shanghai Vehicle Services"), (100, 50, "Ref. No.: MC-23-314914"),
             conf=0.9, method="ocr")
    got, _ = _values([p], DocType.mileage_certificate)
    assert got["issuer"] == "CCIC Shanghai Vehicle Services"


MINISTRY = "Ministry of Commerce of the People's"


@pytest.mark.parametrize(("rows", "name", "apart", "alone"), [
    # an acronym set apart; another cell beside the name is no part of it
    (((40, 50, "Auto Terminal Japan Ltd."), (40, 300, "(ATJ)")),
     "Auto Terminal Japan Ltd. (ATJ)",
     ((40, 50, "Auto Terminal Japan Ltd."), (40, 300, "Yokohama")), "Auto Terminal Japan Ltd."),
    # a name broken after a word no name ends with goes on in the next cell or line; one that
    # ends where it should is not joined to the line under it
    (((40, 50, MINISTRY), (40, 330, "Republic of China")), f"{MINISTRY} Republic of China",
     ((40, 50, "Ministry of Commerce"), (54, 50, "Beijing Office")), "Ministry of Commerce"),
    (((40, 50, MINISTRY), (54, 50, "Republic of China")), f"{MINISTRY} Republic of China",
     ((40, 50, "Ministry of Commerce"), (54, 50, "Beijing Office")), "Ministry of Commerce"),
    # a word OCR broke in two cells is one word again; a gap as wide as a line's height
    # parts two cells
    (((40, 50, "Shanghai Public Security Bureau Traff"), (40, 275, "ic Police Department")),
     "Shanghai Public Security Bureau Traffic Police Department",
     ((40, 50, "Shanghai Public Security Bureau"), (40, 250, "traffic section")),
     "Shanghai Public Security Bureau"),
])
def test_a_letterhead_goes_on_in_its_acronym_or_after_a_break(rows, name, apart, alone):
    for head, issuer in ((rows, name), (apart, alone)):
        p = page(*head, (80, 50, "Export Licence"), (100, 50, "Licence No.: 23-CD-478631"),
                 conf=0.9, method="ocr")
        assert _values([p], DocType.export_license)[0]["issuer"] == issuer


def test_a_weak_value_re_read_keeps_only_the_words_of_the_value():
    from extractors.page import Word

    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"),
             (100, 50, "Seller: Chongqlng Mingyuan Automoblle Export Co., Ltd."),
             conf=0.6, method="ocr")
    value_x0 = 50 + 6 * len("Seller: ")
    value_x1 = 50 + 6 * len("Seller: Chongqlng Mingyuan Automoblle Export Co., Ltd.")
    calls = []

    def reread(page_number, boxes, purpose):
        calls.append(purpose)
        # The widened crop caught the label and the start of the next column.
        words, x = [Word("Seller:", (value_x0 - 50, 100, value_x0 - 8, 112), 0.95)], value_x0
        for token in ["Chongqing", "Mingyuan", "Automobile", "Export", "Co.,", "Ltd."]:
            words.append(Word(token, (x, 100, x + 6 * len(token), 112), 0.95))
            x += 6 * (len(token) + 1)
        words.append(Word("Buy", (value_x1 + 14, 100, value_x1 + 40, 112), 0.95))
        return [words for _ in boxes]

    got = extract([p], DocType.purchase_contract, reread=reread).values
    assert "line" in calls
    assert got["seller"].value == "Chongqing Mingyuan Automobile Export Co., Ltd."
    assert got["seller"].confidence == pytest.approx(0.95)


def test_an_ocr_value_that_does_not_parse_is_read_again():
    from extractors.page import Word

    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Engine Displacement: 120"),
             conf=0.8, method="ocr")
    value = next(w for w in p.words if w.text == "120")

    def reread(page_number, boxes, purpose):
        (box,) = boxes
        assert purpose == "line" and box[0] <= value.box[0] and box[2] >= value.box[2]
        # The crop also holds the end of the label, glued to its colon.
        return [[Word("Displacement:", (box[0], 100, value.box[0] - 6, 112), 0.9),
                 Word("1.2L", value.box, 0.9)]]

    assert "engine_displacement_cc" not in extract([p], DocType.purchase_contract).values
    got = extract([p], DocType.purchase_contract, reread=reread)
    assert got.values["engine_displacement_cc"].value == 1200
    assert got.values["engine_displacement_cc"].raw == "1.2L"
    assert any("did not parse" in n for n in got.notes)


def test_a_vessels_re_read_that_reads_its_caption_is_no_vessel():
    from extractors.page import Word

    # "Ocean Vessel!" over a value read as a speck; the crop's re-read gives the caption
    p = page((60, 200, "BILL OF LADING"), (100, 50, "Ocean Vessel: !"), conf=0.5,
             method="ocr")

    def reread(page_number, boxes, purpose):
        (box,) = boxes
        return [[Word("Vessel", box, 0.9)]]

    assert "vessel" not in extract([p], DocType.bill_of_lading, reread=reread).values

    def reread_name(page_number, boxes, purpose):
        (box,) = boxes
        return [[Word("HOEGH", box, 0.9), Word("TRACER", box, 0.9)]]

    got = extract([p], DocType.bill_of_lading, reread=reread_name)
    assert got.values["vessel"].value == "HOEGH TRACER"


def test_a_garbled_chinese_date_is_read_again_with_chinese():
    from extractors.page import Word

    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Signed on: 20233A88"),
             conf=0.8, method="ocr")
    value = next(w for w in p.words if w.text == "20233A88")
    purposes = []

    def reread(page_number, boxes, purpose):
        purposes.append(purpose)
        x0, y0, _, y1 = value.box
        return [[Word(t, (x0 + 8 * i, y0, x0 + 8 * i + 7, y1), 0.9)
                 for i, t in enumerate(["2023", "年", "3", "月", "8", "日"])]]

    got = extract([p], DocType.purchase_contract, reread=reread).values
    assert purposes == ["line_zh"]
    assert got["issue_date"].value == dt.date(2023, 3, 8)


def test_a_chinese_date_the_strip_misread_is_read_again_as_versions():
    # read among the other dates of its table, the first line went wrong ("2021458198");
    # read alone as nine versions of itself, most read it as a date
    from extractors.page import Word

    rows = [(60, "SERVICE HISTORY RECORD"), (100, 50, "Date"), (100, 200, "Mileage (km)"),
            (115, 50, "2021458198"), (115, 200, "2946"),
            (130, 50, "2022%2A68"), (130, 200, "6626")]
    p = page(*rows, method="ocr")
    first = {"2022%2A68": "2022年2月6日"}

    def reread(versions):
        def read(page_number, boxes, purpose):
            if purpose == "line_zh_variants":
                return [[Word(t, boxes[0], 0.8)] if t else [] for t in versions]
            out = []
            for box in boxes:
                cell = [w.text for w in p.words if box[0] <= w.box[0] and w.box[2] <= box[2]
                        and box[1] <= w.box[1] and w.box[3] <= box[3]]
                out.append([Word(first[cell[0]], box, 0.9)] if cell[0] in first else
                           [Word("2021458198", box, 0.5)])
            return out
        return read

    versions = ["2021年5月19日"] * 5 + ["20215198", "", "2021年5月18日", ""]
    got = extract([p], DocType.mileage_record, reread=reread(versions))
    assert got.values["mileage_entries"].value == [
        {"date": "2021-05-19", "odometer_km": 2946}, {"date": "2022-02-06", "odometer_km": 6626}]
    assert any("5 of 9 versions" in n for n in got.notes)
    # four of nine is no majority: the row stays unread
    got = extract([p], DocType.mileage_record, reread=reread(versions[1:] + [""]))
    assert not any("versions" in n for n in got.notes)
    assert got.values["mileage_entries"].value == [{"date": "2022-02-06", "odometer_km": 6626}]


@pytest.mark.parametrize(("field", "read", "english", "purposes", "value"), [
    # 自动 read "am" by English OCR, and again in English: read in Chinese
    ("Transmission", "am", "am", ["line", "line_zh"], "automatic"),
    # "Bie" for Blue: English read it right, nothing more is read
    ("Colour", "Bie", "Blue", ["line"], "blue"),
    ("Fuel Type", "She zh", "She zh", ["line", "line_zh"], "electric"),  # 纯电动
    # seven letters are no Chinese word's reading
    # (nor do the versions of its ink read a value)
    ("Transmission", "xqvzpwk", "xqvzpwk", ["line", "value_versions"], None),
])
def test_a_chinese_word_value_read_as_latin_letters_is_read_again_in_chinese(
        field, read, english, purposes, value):
    from extractors.page import Word

    p = page((60, 200, "SPECIFICATION SHEET"), (100, 50, field), (100, 250, read),
             method="ocr")
    asked = []

    def reread(page_number, boxes, why):
        asked.append(why)
        chinese = {"am": "自动", "Bie": "蓝色", "She zh": "纯电动", "xqvzpwk": "自动"}[read]
        text = chinese if why == "line_zh" else english
        return [[Word(text, box, 0.9)] for box in boxes]

    got = extract([p], DocType.spec_sheet, reread=reread).values
    name = {"Transmission": "transmission", "Colour": "color", "Fuel Type": "fuel_type"}[field]
    assert asked == purposes
    assert (got[name].value if value else None) == value


def test_a_label_after_the_ocr_garble_of_its_chinese_twin_is_a_label():
    # 卖方 Seller / 价格 Price read by an English pass as "3A Seller" and "ff Price".
    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"),
             (100, 50, "3A Seller"), (100, 250, "Shanghai Autostar Export Co., Ltd."),
             (115, 50, "ff Price"), (115, 250, "EUR 33.200,00"),
             (130, 50, "=S3ME Color"), (130, 250, "Brown"),
             conf=0.8, method="ocr")
    got, _ = _values([p], DocType.purchase_contract)
    assert got["seller"] == "Shanghai Autostar Export Co., Ltd."
    assert got["price"] == 33200
    assert got["currency"] == "EUR"
    assert got["color"] == "brown"


@pytest.mark.parametrize("line", [
    "Contract freight payable at Price 12,500",  # a sentence: words before the label
    "The Price: as agreed",
])
def test_words_of_a_sentence_before_a_label_word_are_not_a_garble(line):
    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, line), conf=0.8, method="ocr")
    got, _ = _values([p], DocType.purchase_contract)
    assert "price" not in got


def test_a_value_repeating_its_label_word_keeps_it():
    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Model: Model Y"),
             conf=0.9, method="ocr")
    got, _ = _values([p], DocType.purchase_contract)
    assert got["model"] == "Model Y"


def test_a_full_width_comma_after_a_chinese_label_is_no_value():
    p = page((60, 200, "出口许可证 / Export Licence"), (100, 50, "目的国，"), (115, 50, "Brazil"),
             conf=0.9, method="ocr")
    got, ex = _values([p], DocType.export_license)
    assert got["destination_country"] == "Brazil"


def test_a_speck_read_as_an_opening_quote_before_the_letterhead_goes():
    p = page((40, 200, "‘China Certification & Inspection Group (CCIC)"),
             (60, 200, "Vehicle Inspection Report"),
             (100, 50, "VIN: LGWCNEDD7KS152283"), conf=0.9, method="ocr")
    got, _ = _values([p], DocType.inspection_report)
    assert got["issuer"] == "China Certification & Inspection Group (CCIC)"


def test_ocr_colour_and_capital_names_are_repaired_and_noted():
    p = page((60, "MOTOR VEHICLE REGISTRATION CERTIFICATE"), (100, "Colour: pear white"),
             (115, "Registered Owner: ZHANG WE!"), method="ocr")
    got, ex = _values([p], DocType.registration_certificate)
    assert got["color"] == "pearl white" and ex.values["color"].corrections == ["pear → pearl"]
    assert got["owner"] == "ZHANG WEI" and ex.values["owner"].corrections == ["WE! → WEI"]
    # Words that are no near colour stay; a text layer says what it says.
    p = page((60, "MOTOR VEHICLE REGISTRATION CERTIFICATE"), (100, "Colour: Soul Red Crystal"),
             method="ocr")
    assert _values([p], DocType.registration_certificate)[0]["color"] == "soul red crystal"
    p = page((60, "MOTOR VEHICLE REGISTRATION CERTIFICATE"), (100, "Colour: pear white"))
    assert _values([p], DocType.registration_certificate)[0]["color"] == "pear white"


def test_a_value_ends_where_a_label_of_an_unrecorded_thing_starts():
    # "Model" then "Max. Power" in one header cell: the model is under it, not "Max. Power".
    p = page((60, "SPECIFICATION SHEET"), (100, 50, "Brand"), (100, 200, "Model Max. Power"),
             (115, 50, "Changan"), (115, 200, "CS75 Plus"),
             (130, 50, "Colour"), (130, 200, "Length x Width x Height"),
             (145, 50, "Black"), (145, 200, "4524 x 1944 x 1641 mm"), method="ocr")
    got, _ = _values([p], DocType.spec_sheet)
    assert got.get("model") != "Max. Power"
    assert got["color"] == "black"


def test_a_garbled_chinese_twin_of_three_letters_before_a_label():
    p = page((60, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Aff Price"),
             (115, 50, "RMB 62,000.00"), (130, 50, "{792 BFE Mileage"), (145, 50, "67628 KM"),
             method="ocr")
    got, _ = _values([p], DocType.purchase_contract)
    assert got["price"] == 62000 and got["odometer_km"] == 67628
    # A word of a sentence is no garble; nor are three letters beside other letters.
    p = page((60, "VEHICLE PURCHASE CONTRACT"), (100, 50, "the Price"),
             (115, 50, "RMB 62,000.00"), (130, 50, "Maz BA Owner"), (145, 50, "Sse"),
             method="ocr")
    got, _ = _values([p], DocType.purchase_contract)
    assert "price" not in got


def test_a_re_reading_that_lost_characters_does_not_replace_the_value():
    from extractors.page import Word

    p = page((60, 200, "EXPORT SALES CONTRACT"), (100, 50, "Port of Loading: Nagoya"),
             conf=0.6, method="ocr")
    value = next(w for w in p.words if w.text == "Nagoya")

    def reread(page_number, boxes, purpose):
        return [[Word("Nae", value.box, 0.9)] for _ in boxes]

    got = extract([p], DocType.purchase_contract, reread=reread).values
    assert got["port_of_loading"].value == "Nagoya"


def test_a_garbled_label_read_surely_is_no_value():
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, "Model"), (100, 200, "Manutacture Year"),
             (115, 50, "Sorento"), (115, 200, "2021"), method="ocr")
    got, _ = _values([p], DocType.inspection_report)
    assert got.get("model") != "Manutacture Year"


def test_a_vin_label_with_nothing_after_it_has_its_line_read_again():
    from extractors.page import Word

    p = page((60, 200, "SALES CONTRACT"), (100, 50, "SEATS: 5"), (115, 50, "VIN:"),
             (130, 50, "ENGINE: 1,498 cm3"), conf=0.95, method="ocr")
    label = next(w for w in p.words if w.text == "VIN:")
    asked = []

    def reread(page_number, boxes, purpose):
        asked.append((purpose, boxes))
        if purpose != "vin_line":
            return [[] for _ in boxes]
        (box,) = boxes
        # The stretch starts where the label ends and keeps to its line.
        assert box[0] >= label.box[2] and box[1] >= label.box[1] - 1 and box[3] <= label.box[3] + 1
        return [[Word("LVVTMF0C3N3440059", (200, 115, 330, 127), 0.8)]]

    got = extract([p], DocType.purchase_contract, reread=reread)
    assert got.values["vin"].value == "LVVTMF0C3N3440059"
    assert any(purpose == "vin_line" for purpose, _ in asked)
    # Without a second reading there is no VIN, and a text layer is never read again.
    assert "vin" not in extract([p], DocType.purchase_contract).values
    # Another field's caption with nothing after it ("Max. Power", "Body Type") is no VIN's,
    # nor a document number's: nothing is read right of it.
    other = page((60, 200, "SPECIFICATION SHEET"), (100, 50, "Max. Power"),
                 (115, 50, "Body Type"), conf=0.95, method="ocr")
    asked.clear()
    extract([other], DocType.spec_sheet, reread=reread)
    assert not [purpose for purpose, _ in asked if purpose in ("vin_line", "line")]


def test_an_ocr_colour_that_names_no_colour_is_no_value():
    p = page((60, "MOTOR VEHICLE REGISTRATION CERTIFICATE"), (100, 50, "Exterior Colour"),
             (100, 250, "Cmptaceenent i ae"), (115, 50, "SILVER"), method="ocr")
    got, _ = _values([p], DocType.registration_certificate)
    assert got["color"] == "silver"
    p = page((60, "MOTOR VEHICLE REGISTRATION CERTIFICATE"), (100, "Colour: 白色"), method="ocr")
    assert _values([p], DocType.registration_certificate)[0]["color"] == "白色"


@pytest.mark.parametrize(
    ("read", "make"),
    [("Teyots", "Toyota"), ("testa", "Tesla"), ("Hynudai", "Hyundai"), ("Hava!", "Haval"),
     ("Mande", None)],
)
def test_a_misread_make_within_reach_of_one_brand(read, make):
    # "Mande" is two edits from Mazda: too far for a five-letter word, left unread; "Hava!"
    # is Haval with its l read as !
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"Make: {read}"), method="ocr")
    got, ex = _values([p], DocType.inspection_report)
    assert got.get("make") == make
    if make:
        assert ex.values["make"].corrections == [f"make {read!r} read as {make}"]
    # a text layer states what it states
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"Make: {read}"))
    assert _values([p], DocType.inspection_report)[0].get("make") is None


def test_an_owner_named_like_a_brand_is_no_make():
    # the make's value misread beyond repair; the owner's name is Suzuki's only as a name
    p = page((60, "CERTIFICATE OF VEHICLE REGISTRATION"), (100, 50, "Name of Owner: SUZUKI KENJI"),
             (115, 50, "Make: Tqxqtq"), method="ocr")
    got, _ = _values([p], DocType.registration_certificate)
    assert got["owner"] == "SUZUKI KENJI"
    assert "make" not in got
    # named alone, the brand is the make
    p = page((60, "CERTIFICATE OF VEHICLE REGISTRATION"), (100, 50, "Name of Owner: KIM MINJUN"),
             (115, 50, "SUZUKI"), method="ocr")
    assert _values([p], DocType.registration_certificate)[0]["make"] == "Suzuki"


@pytest.mark.parametrize(("again", "model"), [("Model", None), ("Vezel", "Vezel")])
def test_a_value_read_again_as_its_own_label_is_no_value(again, model):
    from extractors.page import Word

    p = page((60, 200, "MILEAGE CERTIFICATE"), (100, 50, "Model: !"), conf=0.8, method="ocr")
    value = next(w for w in p.words if w.text == "!")

    def reread(page_number, boxes, purpose):
        return [[Word(again, value.box, 0.9)]] if purpose == "line" else [[] for _ in boxes]

    got = extract([p], DocType.mileage_certificate, reread=reread).values
    assert (got["model"].value if "model" in got else None) == model


def test_a_sentence_after_a_party_word_is_no_party():
    p = page((60, "SELLER DECLARATION"), (100, 50, "Seller: Hanbit Motors Co., Ltd."),
             (140, 50, "Seller confirms that the above is true and complete"), method="ocr")
    got, _ = _values([p], DocType.seller_declaration)
    assert got["seller"] == "Hanbit Motors Co., Ltd."
    p = page((60, "SELLER DECLARATION"), (140, 50, "Seller confirms that the above is true"),
             method="ocr")
    assert "seller" not in _values([p], DocType.seller_declaration)[0]
    # A re-read capitalised the sentence's first word: still a sentence.
    p = page((60, "SELLER DECLARATION"),
             (140, 50, "Seller Confirms that the above is true and complete to the best of its"),
             method="ocr")
    assert "seller" not in _values([p], DocType.seller_declaration)[0]
    # A name holds "of", "the", "and", "with", never three clause words.
    p = page((60, "EXPORT LICENCE"),
             (100, 50, "Issued by: Ministry of Commerce of the People's Republic of China"),
             method="ocr")
    assert _values([p], DocType.export_license)[0]["issuer"] == (
        "Ministry of Commerce of the People's Republic of China")


def test_a_disclosure_ends_before_the_declarants_closing_words_set_as_close():
    # a photo's lines evenly spaced (14 for 12-high words) and as wide: only the words tell
    # the close apart
    intro = "The Seller declares the following about the vehicle's history of damage and repairs:"
    stated = "Rear bumper repainted in 2023 after a minor scratch. No structural damage here."
    close = "The Seller confirms that the above is true and complete to the best of its know."
    p = page((100, "Seller: Ningbo Oriental Motors Trading Co., Ltd."),
             (120, intro), (134, stated), (148, close), method="ocr", conf=0.9)
    assert extract([p], DocType.seller_declaration).values["disclosures"].value == stated


def test_a_disclosure_after_a_misread_declares():
    p = page(
        (100, "Seller: Ningbo Oriental Motors Trading Co., Ltd."),
        (120, "The Seller deciares the following about the vehicle's history of damage and"),
        (132, "repairs:"),
        (149, "Rear bumper repainted in 2023 after a minor scratch."),
        (178, "The Seller confirms that the above is true and complete to the best of its"),
        method="ocr",
    )
    got = extract([p], DocType.seller_declaration).values
    assert got["disclosures"].value == "Rear bumper repainted in 2023 after a minor scratch."
    assert got["seller"].value == "Ningbo Oriental Motors Trading Co., Ltd."


def test_the_only_date_after_an_unread_label_is_the_documents_date():
    # 日期 as English OCR reads it: the mileage certificate's one date is its issue date
    lines = [(60, "MILEAGE CERTIFICATE"), (100, 50, "Certificate No.: MC-23-962107"),
             (120, 50, "tH. BHA: September 6, 2023"), (140, 50, "Mileage: 9690 km")]
    got = extract([page(*lines, method="ocr")], DocType.mileage_certificate).values
    assert got["issue_date"].value == dt.date(2023, 9, 6)
    assert got["issue_date"].corrections == ["label 'tH. BHA' unread: the document's only date"]
    # a second date: either could be which
    two = [*lines, (160, 50, "Odometer read on 2 Sep 2023")]
    assert "issue_date" not in extract([page(*two, method="ocr")],
                                       DocType.mileage_certificate).values
    # a type with dates of other kinds (first registration, expiry): not guessed
    reg = [(60, "CERTIFICATE OF VEHICLE REGISTRATION"), (120, 50, "tH. BHA: September 6, 2023")]
    got = extract([page(*reg, method="ocr")], DocType.registration_certificate).values
    assert not {"issue_date", "first_registration_date"} & set(got)


@pytest.mark.parametrize(("read", "cc"), [
    ("1477 mi", 1477), ("2.27", 2200), ("1477 kg", None), ("1998", None), ("3500 km", None),
    ("2,199 om3", 2199), ("2,199 km", None),
])
def test_a_displacement_with_a_misread_unit(read, cc):
    # cc with a garbled unit; a turbo's T read as 7; a bare number or another unit is not one
    p = page((60, "VEHICLE REGISTRATION CERTIFICATE"), (100, 50, f"Engine Capacity: {read}"),
             method="ocr")
    got, ex = _values([p], DocType.registration_certificate)
    assert got.get("engine_displacement_cc") == cc
    if cc:
        assert ex.values["engine_displacement_cc"].corrections[0].startswith("displacement ")
    text = page((60, "VEHICLE REGISTRATION CERTIFICATE"), (100, 50, f"Engine Capacity: {read}"))
    assert "engine_displacement_cc" not in _values([text], DocType.registration_certificate)[0]


def test_the_one_distance_under_an_unread_caption_is_the_odometer():
    head = [(60, "MILEAGE CERTIFICATE"), (100, 50, "Model Year"), (100, 300, "aeen")]
    p = page(*head, (120, 50, "2021"), (120, 300, "46 985 km"), method="ocr")
    assert _values([p], DocType.mileage_certificate)[0]["odometer_km"] == 46985
    # in miles: 46,661 miles are 75,094 km
    p = page(*head, (120, 50, "2020"), (120, 300, "46,661 miles"), method="ocr")
    assert _values([p], DocType.mileage_certificate)[0]["odometer_km"] == 75094
    # two distances: which is the odometer is not guessed
    p = page(*head, (120, 50, "2021"), (120, 300, "46 985 km"), (140, 300, "12 km"),
             method="ocr")
    assert "odometer_km" not in _values([p], DocType.mileage_certificate)[0]


@pytest.mark.parametrize(("read", "name"), [
    ("Ningbo Oriental Motors Trading Co., Ltd. renes", "Ningbo Oriental Motors Trading Co., Ltd."),
    ("Tianjin Hengda Vehicle Export Co. Lid. Fj", "Tianjin Hengda Vehicle Export Co. Ltd."),
    ("Incheon Auto Export Inc. ae eer eee", "Incheon Auto Export Inc."),
    ("Kobe Global Motors Co., Ltd. Japan Branch", "Kobe Global Motors Co., Ltd. Japan Branch"),
    # OCR lower-cases a capital; a name is no sentence for it
    ("incheon Auto Export inc.", "incheon Auto Export inc."),
    # a speck read as a lone small letter before the name
    ("x Tianjin Hengda Vehicle Export Co., Ltd. Fj", "Tianjin Hengda Vehicle Export Co., Ltd."),
])
def test_specks_after_a_legal_form_end_the_name(read, name):
    p = page((60, "EXPORT LICENCE"), (100, 50, f"Exporter: {read}"), method="ocr")
    assert _values([p], DocType.export_license)[0]["exporter"] == name


def test_a_capital_i_read_as_l_in_an_acronym():
    p = page((60, "MILEAGE CERTIFICATE"),
             (100, 50, "Issued by: Japan Automobile Appraisal Institute (JAAl)"), method="ocr")
    got, ex = _values([p], DocType.mileage_certificate)
    assert got["issuer"] == "Japan Automobile Appraisal Institute (JAAI)"
    assert ex.values["issuer"].corrections == ["JAAl → JAAI"]


def test_a_section_heading_is_no_party():
    # "The Seller" read without its value; the heading under it is not the seller
    p = page((60, "VEHICLE SALE AND PURCHASE AGREEMENT"), (100, 50, "The Seller"),
             (115, 50, "Vehicie Details"), (130, 50, "Model: G80"), method="ocr")
    got, _ = _values([p], DocType.purchase_contract)
    assert "seller" not in got
    assert got["model"] == "G80"


def _variant_rereader(spellings, first_reread=None):
    from extractors.page import Word

    def reread(page_number, boxes, purpose):
        (box,) = boxes
        if purpose == "vin_variants":
            return [[Word(t, box, 0.8)] if t else [] for t in spellings]
        return [[Word(first_reread, box, 0.8)] if first_reread else []]

    return reread


@pytest.mark.parametrize(("spellings", "vin"), [
    # two versions agree on a reading whose check digit holds: it overrules the page's
    (["LGW9W2UY4MJ533641", "LGWSW2UY4MJ533641", "LGW9W2UY4MJ533641", "", "LW2UY4M"],
     "LGW9W2UY4MJ533641"),
    # the crop's label glued on as "VN": read past it; failing readings do not compete
    (["VNLGW9W2UY4MJ533641"] * 3 + ["VNLGWSW2UY4MJ533641"] * 6, "LGW9W2UY4MJ533641"),
    # one version alone proves nothing (a chance pass is one in eleven)
    (["LGW9W2UY4MJ533641", "LGWSW2UY4MJ533641", "", "", ""], "LAW0W2UY4MSS33641"),
])
def test_a_failing_vin_is_read_again_as_several_versions(spellings, vin):
    p = page((60, "VEHICLE REGISTRATION CERTIFICATE"), (100, 50, "VIN: LAW0W2UY4MSS33641"),
             conf=0.7, method="ocr")
    ex = extract([p], DocType.registration_certificate, reread=_variant_rereader(spellings))
    assert ex.values["vin"].value == vin
    if vin == spellings[0]:
        assert "2 of 5 re-readings" in ex.values["vin"].corrections[-1]
    elif vin != "LAW0W2UY4MSS33641":
        assert "3 of 9 re-readings" in ex.values["vin"].corrections[-1]


def test_a_reread_validating_by_chance_with_no_makers_wmi_does_not_overrule():
    # the crop's label read as "VN": VNLWW2UY4MJ539647 validates, but no maker holds VNL
    p = page((60, "VEHICLE REGISTRATION CERTIFICATE"), (100, 50, "VIN: LGWSW2UY4MJ533641"),
             conf=0.7, method="ocr")
    ex = extract([p], DocType.registration_certificate,
                 reread=_variant_rereader([], first_reread="VNLWW2UY4MJ539647"))
    assert ex.values["vin"].value != "VNLWW2UY4MJ539647"


def test_vin_versions_outvoted_or_picked_out_of_a_longer_reading_decide_nothing():
    # most versions spell the failing reading; two spell 19 characters, a window of which
    # validates by chance under a WMI the page never showed
    spellings = ["JTEYD0S1XCA493687"] * 6 + ["JTEYD0S5S1XCA493687"] * 2 + [""]
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, "VIN: JTEYD0S1XCA493687"),
             conf=0.7, method="ocr")
    ex = extract([p], DocType.inspection_report, reread=_variant_rereader(spellings))
    assert ex.values["vin"].value != "EYD0S5S1XCA493687"
    # readings failing a check digit the maker uses cannot be right, however many; two
    # validating readings as often as each other decide nothing
    fails = ["LGWSW2UY4MJ533641"] * 6
    p = page((60, "VEHICLE REGISTRATION CERTIFICATE"), (100, 50, "VIN: LAW0W2UY4MSS33641"),
             conf=0.7, method="ocr")
    ex = extract([p], DocType.registration_certificate,
                 reread=_variant_rereader([*fails, "LGW9W2UY4MJ533641", "LGW9W2UY4MJ533641"]))
    assert ex.values["vin"].value == "LGW9W2UY4MJ533641"
    tie = [*fails, *["LGW9W2UY4MJ533641"] * 2, *["LGW9W2UY4MJ533624"] * 2]
    tied = extract([p], DocType.registration_certificate, reread=_variant_rereader(tie))
    assert tied.values["vin"].value == "LAW0W2UY4MSS33641"


def test_a_vin_picked_out_of_a_longer_run_is_read_again_as_several_versions():
    # 19 characters read for a Korean VIN (no check digit): the window taken proves nothing;
    # two thirds of the versions spelling one VIN under a maker's WMI, and none another, do
    p = page((60, "VEHICLE REGISTRATION CERTIFICATE"), (100, 50, "VIN: KNADIJG6K4LHS505834"),
             conf=0.7, method="ocr")
    spellings = ["KNADJG6K4LH505834"] * 6 + ["KNADJG6K4LH50", "", ""]
    got = extract([p], DocType.registration_certificate, reread=_variant_rereader(spellings))
    assert got.values["vin"].value == "KNADJG6K4LH505834"
    assert "6 of 9 re-readings" in got.values["vin"].corrections[-1]
    # five of nine are not two thirds, and one version spelling another VIN is a rival:
    # the page's reading stays, for review
    for spellings in (["KNADJG6K4LH505834"] * 5 + [""] * 4,
                      ["KNADJG6K4LH505834"] * 6 + ["KNADJG6K4LHS05834", "", ""]):
        got = extract([p], DocType.registration_certificate,
                      reread=_variant_rereader(spellings))
        assert got.values["vin"].value == "KNAD1JG6K4LHS5058"


@pytest.mark.parametrize(("read", "vin"), [
    ("JTHEMTOE8AX9091 17", "JTHEMT0E8AX909117"),
    ("KMHOW22F3KZ08 1257", "KMH0W22F3KZ081257"),
])
def test_a_labelled_vin_split_at_a_gap_is_joined(read, vin):
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"VIN: {read}"), method="ocr")
    ex = extract([p], DocType.inspection_report)
    assert ex.values["vin"].value == vin
    assert ex.values["vin"].corrections[0] == f"joined {read!r}"
    # pieces that make more or fewer than 17 characters are not a VIN
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"VIN: {read}4"), method="ocr")
    assert "vin" not in extract([p], DocType.inspection_report).values


@pytest.mark.parametrize("read", [
    "GED2O RANEND752693",  # no maker holds GED: a garble
    "JTHEMTOE8AX9091 18",  # a Japanese maker's check digit fails
])
def test_split_pieces_that_no_maker_would_print_are_not_joined(read):
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, f"VIN: {read}"), method="ocr")
    assert "vin" not in extract([p], DocType.inspection_report).values


def test_joined_pieces_that_fail_are_kept_only_once_read_again_right():
    p = page((60, "VIN VERIFICATION"), (100, 50, "VIN: JIHZSUCW4NX7 15421"), conf=0.7,
             method="ocr")
    assert "vin" not in extract([p], DocType.inspection_report).values
    again = _variant_rereader(["JTH2SUCW4NX715421"] * 3 + ["J1HZSUCW4NX715421"] * 6)
    got = extract([p], DocType.inspection_report, reread=again).values["vin"]
    assert got.value == "JTH2SUCW4NX715421"


def test_a_round_letter_read_as_at_sign_is_what_the_check_digit_confirms():
    p = page((60, "BILL OF LADING"), (100, 50, "VIN: L@WCP2WX2NS781535"), method="ocr")
    got = extract([p], DocType.bill_of_lading).values["vin"]
    assert got.value == "LGWCP2WX2NS781535"
    assert got.corrections == ["@→G at 2"]
    # no check digit to confirm it (a Korean maker's): not guessed
    p = page((60, "BILL OF LADING"), (100, 50, "VIN: KMH@W22F3KZ081257"), method="ocr")
    assert "vin" not in extract([p], DocType.bill_of_lading).values


def _captions_by_shape(p, texts):
    """``p`` with the words of the cells ``texts`` as captions label_shape recognised."""
    from dataclasses import replace

    from extractors.label_shape import CAPTION_LINE_KEY

    out, n = [], 0
    for w in p.words:
        if any(w.text in t.split() for t in texts):
            w = replace(w, line_key=(CAPTION_LINE_KEY, n, 0))
            n += 1
        out.append(w)
    return replace(p, words=out)


def test_a_caption_recognised_by_shape_in_a_table_of_rows_has_its_value_beside_it():
    # label | value rows: the next label is under the caption, so its value is beside it
    p = page((60, "SALES CONTRACT"), (100, 50, "Colour"), (100, 260, "Peart White"),
             (115, 50, "Odometer"), (115, 260, "40 573 km"), method="ocr")
    got, ex = _values([_captions_by_shape(p, ["Colour"])], DocType.purchase_contract)
    assert got["color"] == "pearl white"
    assert ex.values["color"].corrections == ["peart → pearl"]
    # a grid of captions over values: the caption's neighbour is another caption, not its value
    grid = page((60, "SALES CONTRACT"), (100, 50, "Colour"), (100, 260, "Whlte Red"),
                (115, 50, "Black"), (115, 260, "xx"), method="ocr")
    got, _ = _values([_captions_by_shape(grid, ["Colour"])], DocType.purchase_contract)
    assert got.get("color") == "black"


@pytest.mark.parametrize(("cell", "cc"), [
    ("1494 mL", 1494),  # 排量 (displacement) too small to read; a volume in mL is nothing else
    ("HEM: 1996 ml", 1996),  # the caption read as garble, then its colon
    ("1,500 kg", None),
    ("Fuel tank 50 L", None),
])
def test_a_cell_that_holds_only_a_volume_in_cc_or_ml_is_the_displacement(cell, cc):
    p = page((60, "VEHICLE INSPECTION REPORT"), (100, 50, "Brand: Honda"), (120, 300, cell),
             method="ocr")
    assert _values([p], DocType.inspection_report)[0].get("engine_displacement_cc") == cc


@pytest.mark.parametrize(("cells", "model"), [
    (["Model Y"], "Model Y"),  # 车型 (model) unread beside it
    (["Model ¥"], "Model Y"),  # its Y read as the yen sign
    (["Model Y", "Model 3"], None),  # two: which one is not guessed
    (["Model Year"], None),
])
def test_a_cell_that_holds_only_a_tesla_model_name_is_the_model(cells, model):
    rows = [(120 + 20 * i, 300, c) for i, c in enumerate(cells)]
    p = page((60, "SPECIFICATION SHEET"), (100, 50, "Brand: Tesla"), *rows, method="ocr")
    assert _values([p], DocType.spec_sheet)[0].get("model") == model


@pytest.mark.parametrize(("cell", "gear"), [
    ("Sakura Auto Export K.K.", None),  # a company's "Auto" names no gearbox
    ("arrival at the port of discharge.", None),
    ("Bik: 5-speed manual", "manual"),  # a caption nobody could read, then the value
    ("38M: DCT", "dct"),
    ("7-speed automatic transmission", "automatic"),
])
def test_only_a_cell_that_says_nothing_else_names_the_transmission(cell, gear):
    p = page((60, "SALES CONTRACT"), (100, 50, "Brand: Honda"), (120, 300, cell), method="ocr")
    assert _values([p], DocType.purchase_contract)[0].get("transmission") == gear


def test_a_re_read_keeps_the_words_of_its_own_line():
    from extractors.page import Word

    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Seller: sake Ao pot"),
             (130, 50, "Buyer: Olena Kovalenko"), conf=0.5, method="ocr")

    def reread(page_number, boxes, purpose):
        out = []
        for x0, y0, _x1, y1 in boxes:
            # Tesseract reads past the crop's edge: the line under it comes too
            below = y1 + 6
            out.append([Word("Sakura", (x0 + 4, y0, x0 + 40, y1), 0.9),
                        Word("Auto", (x0 + 44, y0, x0 + 70, y1), 0.9),
                        Word("K.K.", (x0 + 74, y0, x0 + 96, y1), 0.9),
                        Word("Ctena", (x0 + 4, below, x0 + 34, below + 12), 0.9)])
        return out

    got = extract([p], DocType.purchase_contract, reread=reread).values
    assert got["seller"].value == "Sakura Auto K.K."


@pytest.mark.parametrize(("reread", "kept"), [
    ("EXP/2024/S6813", "EXP/2024/56813"),  # a digit of a number read as its look-alike
    ("SO-COC-25-47003", "SO-COC-25-47003"),  # a lone 0 after a letter may well be an O
])
def test_a_re_read_that_turns_digits_into_letters_is_no_better(reread, kept):
    from extractors.page import Word

    first = kept.replace("SO-", "S0-") if reread.startswith("SO") else kept
    p = page((60, "CERTIFICATE OF CONFORMITY"), (100, 50, f"Certificate No.: {first}"),
             conf=0.5, method="ocr")

    def rereader(page_number, boxes, purpose):
        return [[Word(reread, (boxes[0][0] + 100, 100, boxes[0][2] - 10, 112), 0.95)]
                for _ in boxes]

    got = extract([p], DocType.compliance_certificate, reread=rereader).values
    assert got["document_number"].value == kept


def test_a_bill_of_ladings_number_without_its_caption():
    # the caption "B/L No." too small to read: the carrier's SCAC code and a serial name it
    rows = [(60, 200, "Bill of Lading"), (100, 50, "HOEG2396474938"), (100, 300, "KOBE MOTORS"),
            (130, 50, "CMAU7790236 / 776852"), (160, 50, "VIN: JTHJH9VC3KK585537")]
    got, ex = _values([page(*rows, method="ocr")], DocType.bill_of_lading)
    assert got["document_number"] == "HOEG2396474938"  # not the container (7 digits)
    assert ex.values["document_number"].raw == "HOEG2396474938"
    # a serial letter read for its digit is mended, and said so
    got, ex = _values([page(*[(100, 50, "HOEG23964749S8") if r[1:] == (50, "HOEG2396474938")
                              else r for r in rows], method="ocr")], DocType.bill_of_lading)
    assert got["document_number"] == "HOEG2396474958"
    assert "S→5 at 13" in ex.values["document_number"].corrections
    # two such numbers: which one is the B/L's is not guessed; nor on another type
    two = page(*rows, (190, 50, "COSU1733274256"), method="ocr")
    assert "document_number" not in _values([two], DocType.bill_of_lading)[0]
    other = page((60, 200, "EXPORT LICENCE"), (100, 50, "HOEG2396474938"), method="ocr")
    assert "document_number" not in _values([other], DocType.export_license)[0]


def test_a_bill_number_captioned_without_its_slash_makes_a_header_row():
    # "BL No" (B/L No. as OCR or the carrier printed it) over the number; with "Consignee"
    # the row is a header, and a shipper and a consignee read as one cell are cut at its
    # caption's column
    rows = [(60, 200, "SEA WAYBILL"), (100, 50, "BL No"), (100, 250, "Stigper"),
            (100, 480, "Consignee"),
            (114, 50, "ONEU5520481082"),
            (114, 250, "Ningbo Oriental Motors Trading Co.,Ltd. Caucasus Motors LLC")]
    got, _ = _values([page(*rows, method="ocr")], DocType.bill_of_lading)
    assert got["document_number"] == "ONEU5520481082"
    assert got["consignee"] == "Caucasus Motors LLC"


@pytest.mark.parametrize(("caption", "shipper"), [
    ("‘Shoper", "Kobe Global Motors Co., Ltd."),  # garbled past repair
    (None, "Kobe Global Motors Co., Ltd."),  # not read at all
    ("Notify Party", None),  # a caption read is what it says
])
def test_a_bills_shipper_under_an_unread_caption_is_the_company_above_the_consignee(
        caption, shipper):
    rows = [(60, 200, "BILL OF LADING"), (100, 50, "B/L No."),
            (114, 50, "COSU5151141278"), (114, 300, "Kobe Global Motors Co., Ltd."),
            (140, 50, "Consignee"), (140, 300, "Notify Party"),
            (154, 50, "Olena Kovalenko"), (154, 300, "SAME AS CONSIGNEE")]
    if caption:
        rows.append((100, 300, caption))
    got, ex = _values([page(*rows, method="ocr")], DocType.bill_of_lading)
    assert got["consignee"] == "Olena Kovalenko"
    assert got.get("shipper") == shipper
    if shipper is None:
        return
    assert ex.values["shipper"].corrections == ["caption unread: the company above the consignee"]
    # a person's name could be anyone's; below the consignee, it is another party
    person = [r if r[2] != "Kobe Global Motors Co., Ltd." else (114, 300, "Taro Yamada")
              for r in rows]
    assert "shipper" not in _values([page(*person, method="ocr")], DocType.bill_of_lading)[0]
    below = [r for r in rows if r[1:] != (300, "Kobe Global Motors Co., Ltd.")]
    below.append((168, 300, "Kobe Global Motors Co., Ltd."))
    assert "shipper" not in _values([page(*below, method="ocr")], DocType.bill_of_lading)[0]


def test_a_bills_shipper_under_an_unread_caption_beside_the_consignee():
    # "B/L No | Shipper | Consignee" side by side, the shipper's caption garbled
    rows = [(60, 200, "OCEAN BILL OF LADING"), (100, 50, "B/L No"), (100, 250, "Shipoe"),
            (100, 550, "Consignee"), (114, 50, "BYDS2037614209"),
            (114, 250, "Guangzhou Silkroad Auto Trade Co.,Ltd."), (114, 550, "Kwame Mensah")]
    got, ex = _values([page(*rows, method="ocr")], DocType.bill_of_lading)
    assert got["consignee"] == "Kwame Mensah"
    assert got["shipper"] == "Guangzhou Silkroad Auto Trade Co.,Ltd."
    assert ex.values["shipper"].corrections == ["caption unread: the company left of the consignee"]
    # right of the consignee is no shipper's place
    right = [(60, 200, "OCEAN BILL OF LADING"), (100, 50, "B/L No"), (100, 250, "Consignee"),
             (100, 550, "Shipoe"), (114, 50, "BYDS2037614209"), (114, 250, "Kwame Mensah"),
             (114, 550, "Guangzhou Silkroad Auto Trade Co.,Ltd.")]
    assert "shipper" not in _values([page(*right, method="ocr")], DocType.bill_of_lading)[0]


def test_a_licences_two_dates_under_unread_chinese_labels():
    # 发证日期 and 有效截止日期 as English OCR reads them: the earlier date is the issue date
    rows = [(60, 200, "出口许可证 / Export Licence"), (100, 50, "2EBM: 2025/05/05"),
            (115, 50, "AMMAR: 2025/08/03"), (130, 50, "Exporter: Ningbo Motors Co., Ltd.")]
    got, ex = _values([page(*rows, method="ocr")], DocType.export_license)
    assert got["issue_date"] == dt.date(2025, 5, 5)
    assert got["expiry_date"] == dt.date(2025, 8, 3)
    assert "earlier" in ex.values["issue_date"].corrections[0]
    # a third date: no guessing
    third = page(*rows, (145, 50, "Contract: 2025/04/01"), method="ocr")
    assert not {"issue_date", "expiry_date"} & set(_values([third], DocType.export_license)[0])
    # a type with other dates (a registration's first registration): not guessed either
    reg = page((60, "VEHICLE REGISTRATION CERTIFICATE"), *rows[1:3], method="ocr")
    assert not {"issue_date", "first_registration_date"} & set(
        _values([reg], DocType.registration_certificate)[0]
    )


def test_a_licences_issue_date_read_again_lets_its_expiry_under_an_unread_label_be_read():
    # "ISSUE DATE | 44.03.2024" (14.03.2024, re-read) and "ARAL AM | 12.06.2024" (有效期至)
    from extractors.page import Word

    rows = [(60, 200, "EXPORT LICENCE"), (100, 50, "ISSUE DATE"), (100, 250, "44.03.2024"),
            (115, 50, "ARAL AM"), (115, 250, "12.06.2024")]
    p = page(*rows, method="ocr")

    def reread(page_number, boxes, purpose):
        return [[Word("14.03.2024", box, 0.9)] for box in boxes]

    got = extract([p], DocType.export_license, reread=reread).values
    assert got["issue_date"].value == dt.date(2024, 3, 14)
    assert got["expiry_date"].value == dt.date(2024, 6, 12)
    assert "later" in got["expiry_date"].corrections[0]
    # read again as a later date than the other: which is which is not guessed
    late = extract([p], DocType.export_license,
                   reread=lambda n, boxes, why: [[Word("14.08.2024", b, 0.9)] for b in boxes])
    assert "expiry_date" not in late.values
    # not read again, one date alone says nothing
    assert "expiry_date" not in extract([p], DocType.export_license).values


def test_an_export_licences_only_country_is_the_destination():
    p = page((60, 200, "EXPORT LICENCE"), (100, 50, "89 Country: United Arab Emirates"),
             method="ocr")
    assert _values([p], DocType.export_license)[0]["destination_country"] == "United Arab Emirates"


def _licence_grid(*extra, country="South Africa", dates=("01-SEP-2024", "30-NOV-2024")):
    # captions too small to read (许可证号, 目的国, 报关口岸, 发证日期, 有效截止日期) over values
    return page((60, 200, "出口许可证 / Export Licence"),
                (100, 50, "iFaTie"), (100, 250, "Exporter"),
                (115, 50, "24-AB-496411"), (115, 250, "Tianjin Hengda Vehicle Export Co., Ltd."),
                (140, 50, "DOE Cxrtry"), (140, 250, "\\=ane"),
                (155, 50, country), (155, 250, "Guangzhou"),
                (180, 50, "2EBM"), (180, 250, "AMMAR"),
                (195, 50, dates[0]), (195, 250, dates[1]), *extra, method="ocr")


def test_values_under_unread_captions_name_themselves_on_a_licence():
    got, ex = _values([_licence_grid()], DocType.export_license)
    assert got["document_number"] == "24-AB-496411"
    assert got["destination_country"] == "South Africa"
    assert got["port_of_loading"] == "Guangzhou"
    assert got["issue_date"] == dt.date(2024, 9, 1)
    assert got["expiry_date"] == dt.date(2024, 11, 30)
    assert got["exporter"] == "Tianjin Hengda Vehicle Export Co., Ltd."
    assert ex.values["document_number"].corrections == [
        "caption unread: the one document_number its shape allows"]
    assert ex.values["issue_date"].corrections == [
        "caption unread: the earlier of the document's two dates"]
    # a type whose layout holds other identifiers, ports or countries: nothing guessed
    got, _ = _values([_licence_grid()], DocType.bill_of_lading)
    assert not {"document_number", "port_of_loading"} & set(got)


def test_a_shape_is_no_field_when_two_values_have_it():
    got, _ = _values([_licence_grid((220, 50, "HS-8703-2390"))], DocType.export_license)
    assert "document_number" not in got
    assert got["destination_country"] == "South Africa"
    got, _ = _values([_licence_grid((220, 50, "Kenya"))], DocType.export_license)
    assert "destination_country" not in got


def test_a_destination_in_the_loading_ports_country_is_not_taken():
    got, _ = _values([_licence_grid(country="China")], DocType.export_license)
    assert got["port_of_loading"] == "Guangzhou" and "destination_country" not in got


def test_validity_dates_printed_out_of_order_were_misread():
    # 2023-02-18 and 2023-05-19 read "18.02.2025" over "19.08.2023": the later printed first
    got, _ = _values([_licence_grid(dates=("18.02.2025", "19.08.2023"))],
                     DocType.export_license)
    assert not {"issue_date", "expiry_date"} & set(got)


def test_the_other_validity_date_beside_one_read_under_its_label():
    rows = [(60, 200, "出口许可证 / Export Licence"), (100, 50, "Issue Date: 2025/05/05"),
            (115, 50, "AMMAR: 2025/08/03")]
    got, ex = _values([page(*rows, method="ocr")], DocType.export_license)
    assert got["issue_date"] == dt.date(2025, 5, 5)
    assert got["expiry_date"] == dt.date(2025, 8, 3)
    assert ex.values["expiry_date"].corrections == [
        "label 'AMMAR' unread: the later of the document's two dates"]
    # the other date before the issue date: it cannot be the expiry
    early = page(*rows[:2], (115, 50, "AMMAR: 2025/01/03"), method="ocr")
    got, _ = _values([early], DocType.export_license)
    assert "expiry_date" not in got


@pytest.mark.parametrize("again", ["NAME: UNI-K", "NAME; UNI-K", "UNI-K"])
def test_a_weak_value_read_again_with_its_labels_end(again):
    # the enlarged crop catches "NAME" of "MODEL NAME:", its colon read as a semicolon
    from extractors.page import Word

    p = page((60, 200, "SPECIFICATION SHEET"), (100, 50, "MODEL NAME: UNl-K"), conf=0.6,
             method="ocr")

    def reread(page_number, boxes, purpose):
        # where the real re-read put them: inside the value's columns
        return [[Word(w, (122 + 7 * i, 100, 128 + 7 * i, 112), 0.95)
                 for i, w in enumerate(again.split())] for _ in boxes]

    got = extract([p], DocType.spec_sheet, reread=reread).values
    assert got["model"].value == "UNI-K"


@pytest.mark.parametrize(("rows", "vessel"), [
    ([(115, 50, "SAME AS CONSIGNEE"), (115, 250, "TONSBERG"), (115, 450, "047E")], "TONSBERG"),
    ([(115, 50, "HOEGH TRACER"), (115, 450, "169N")], "HOEGH TRACER"),
    ([(115, 50, "MAERSK KENTUCKY"), (115, 450, "149€")], "MAERSK KENTUCKY"),  # € read for E
    ([(115, 50, "HOEGH TARGET"), (115, 450, "O76N")], "HOEGH TARGET"),  # its 0 read as O
    ([(115, 50, "CSCL NEPTUNE 024W")], "CSCL NEPTUNE"),
    # a party, a port or a label before the number is no vessel; nor one of two names
    ([(115, 50, "KOBE GLOBAL MOTORS CO., LTD."), (115, 450, "176W")], None),
    ([(115, 50, "NINGBO"), (115, 450, "176W")], None),
    ([(115, 50, "NOTIFY PARTY"), (115, 450, "176W")], None),
    ([(115, 50, "HOEGH TRACER"), (115, 450, "169N"), (135, 50, "CMA CGM TAGE 012E")], None),
])
def test_a_bills_vessel_under_an_unread_caption_is_the_name_before_the_voyage(rows, vessel):
    p = page((60, 200, "BILL OF LADING"), (100, 50, "Vesl"), (100, 450, "Voyoge"), *rows,
             (160, 50, "VIN: LVV37Y5UXKW312335"), method="ocr")
    got, ex = _values([p], DocType.bill_of_lading)
    assert got.get("vessel") == vessel
    if vessel:
        assert ex.values["vessel"].corrections == [
            "caption unread: the name printed before a voyage number"]


def test_a_dollar_sign_read_as_s_in_a_price():
    p = page((60, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Price: USS 27,500.00"), method="ocr")
    got, ex = _values([p], DocType.purchase_contract)
    assert (got["price"], got["currency"]) == (27500, "USD")
    assert ex.values["price"].corrections == ["read 'USS 27,500.00' as 'US$ 27,500.00'"]
    # a text layer says what it says
    p = page((60, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Price: USS 27,500.00"))
    assert "price" not in _values([p], DocType.purchase_contract)[0]


def test_a_speck_read_as_an_opening_quote_or_parenthesis_before_a_name():
    p = page((60, "VEHICLE PURCHASE CONTRACT"), (100, 50, 'Seller: "Sakura Auto Export K.K.'),
             method="ocr")
    assert _values([p], DocType.purchase_contract)[0]["seller"] == "Sakura Auto Export K.K."
    p = page((60, "VEHICLE PURCHASE CONTRACT"),
             (100, 50, 'Seller: "Sakura" Auto Export K.K.'), method="ocr")
    assert _values([p], DocType.purchase_contract)[0]["seller"] == '"Sakura" Auto Export K.K.'
    p = page((60, "BILL OF LADING"), (100, 50, "Vessel: (CSCL NEPTUNE"), method="ocr")
    assert _values([p], DocType.bill_of_lading)[0]["vessel"] == "CSCL NEPTUNE"
    p = page((60, "BILL OF LADING"), (100, 50, "Vessel: (CSCL) NEPTUNE"), method="ocr")
    assert _values([p], DocType.bill_of_lading)[0]["vessel"] == "(CSCL) NEPTUNE"
    p = page((60, "BILL OF LADING"), (100, 50, "Vessel: “CSCL NEPTUNE"), method="ocr")
    assert _values([p], DocType.bill_of_lading)[0]["vessel"] == "CSCL NEPTUNE"


def _bill(*rows):
    return page((60, 200, "BILL OF LADING"), (100, 50, "Plce oi Isue"), (100, 250, "Dat OF meue"),
                (115, 50, "Ningbo"), *rows, method="ocr")


def test_a_bills_one_date_printed_twice_is_its_issue_and_on_board_date():
    got, ex = _values([_bill((115, 250, "2023-03-13"), (140, 250, "Fav."),
                             (155, 250, "2023-03-13"))], DocType.bill_of_lading)
    assert got["issue_date"] == got["shipped_on_board_date"] == dt.date(2023, 3, 13)
    assert ex.values["issue_date"].corrections == [
        "caption unread: the bill's one date, printed again"]
    # one read under its label: the other cell is the other date
    got, _ = _values([_bill((115, 250, "2023-03-13"), (155, 250, "Laden on Board: 2023-03-13"))],
                     DocType.bill_of_lading)
    assert got["issue_date"] == got["shipped_on_board_date"] == dt.date(2023, 3, 13)
    # two dates, or the date printed once: which is which is not guessed
    for rows in [((115, 250, "2023-03-13"), (155, 250, "2023-03-14")), ((115, 250, "2023-03-13"),)]:
        got, _ = _values([_bill(*rows)], DocType.bill_of_lading)
        assert not {"issue_date", "shipped_on_board_date"} & set(got)


def test_a_garbled_bilingual_caption_beside_a_label_is_no_value():
    # "收货人 Consignee | 目的国 Country" read "WHA Consignee | 9) Country", the values under them
    p = page((60, 200, "EXPORT LICENCE"), (100, 50, "WHA Consignee"), (100, 300, "9) Country"),
             (115, 50, "Olena Kovalenko"), (115, 300, "Ukraine"), conf=0.6, method="ocr")
    got, _ = _values([p], DocType.export_license)
    assert got["consignee"] == "Olena Kovalenko"
    assert got["destination_country"] == "Ukraine"


def test_a_remark_line_split_where_ocr_lost_a_word_is_taken_whole():
    # the stamp over "damage": OCR lost the word, and the line fell into two cells
    p = page((60, 200, "PRE-SHIPMENT INSPECTION REPORT"), (100, 50, "Inspector's Remarks"),
             (120, 50, "No visible"), (120, 160, "Vehicle in good condition."),
             method="ocr")
    got, _ = _values([p], DocType.inspection_report)
    assert got["remarks"] == "No visible Vehicle in good condition."
    # a cell far off on the line is another column's, and a label starts another field
    for far in [(120, 500, "Seal intact"), (120, 160, "Odometer: 53,926 km")]:
        p = page((60, 200, "PRE-SHIPMENT INSPECTION REPORT"), (100, 50, "Inspector's Remarks"),
                 (120, 50, "No visible damage."), far, method="ocr")
        assert _values([p], DocType.inspection_report)[0]["remarks"] == "No visible damage."


def test_a_label_ocr_spaced_into_two_cells_is_one_label_again():
    # "Model Year" over its value, its words read as two cells: the year is the model
    # year, not the model (a photographed certificate gave the model as "2010").
    split = page((60, 200, "Certificate of Conformity"), (100, 50, "Model"), (100, 112, "Year"),
                 (130, 50, "2010"), conf=0.9, method="ocr")
    got = extract([split], DocType.compliance_certificate).values
    assert got["model_year"].value == 2010 and "model" not in got
    # Two columns' captions far apart stay two: each has its value under it.
    columns = page((60, 200, "Certificate of Conformity"), (100, 50, "Model"),
                   (100, 250, "Year"), (130, 50, "Note"), (130, 250, "2015"),
                   conf=0.9, method="ocr")
    got = extract([columns], DocType.compliance_certificate).values
    assert got["model"].value == "Note" and got["model_year"].value == 2015
    # The label and a value that reads as the label are not joined: "Model | Model | 3"
    # (Tesla's "Model 3" split by OCR) does not make 3 the model.
    twice = page((60, 200, "Certificate of Conformity"), (100, 50, "Model"),
                 (100, 90, "Model"), (100, 130, "3"), conf=0.9, method="ocr")
    assert "model" not in extract([twice], DocType.compliance_certificate).values


def test_a_letterhead_name_over_its_department_is_the_issuer():
    # A text PDF: "Car History Korea" set like the text under the title, its division under
    # it. A company word is not needed where a department names the line over it.
    lines = [(40, 200, "Odometer Verification Certificate"), (62, "Car History Korea"),
             (78, "Vehicle History Division"), (100, "Ref. No.: MC-23-162613"),
             (115, "Odometer: 98,623 km")]
    got, _ = _values([page(*lines)], DocType.mileage_certificate)
    assert got["issuer"] == "Car History Korea"
    # Without the department line it is any line under a title: no issuer is guessed.
    got, _ = _values([page(*(lines[:2] + lines[3:]))], DocType.mileage_certificate)
    assert "issuer" not in got
    # A department named like the title ("Odometer Verification ...") is no issuer itself.
    service = [(40, 200, "Mileage Certification"), (62, "Car History Korea"),
               (78, "Odometer Verification Service"), *lines[3:]]
    got, _ = _values([page(*service)], DocType.mileage_certificate)
    assert got["issuer"] == "Car History Korea"


def test_a_year_and_month_under_an_unread_caption_is_the_date_of_manufacture():
    # 出厂日期 read as Latin junk, colon or not: a year and month is no other field's value
    # (a model year has no month, the other dates their day).
    for line in ("ti” BRA: 2019-01", "tT ARB 2019-01", "2019年1月"):
        p = page((60, 200, "Motor Vehicle Registration Certificate"),
                 (100, "Date of First Registration: 2019/02/18"), (120, line),
                 conf=0.9, method="ocr")
        got, _ = _values([p], DocType.registration_certificate)
        assert got["manufacture_year"] == 2019, line
    # Two of them: which is the manufacture date is not known.
    p = page((60, 200, "Motor Vehicle Registration Certificate"), (100, "ti” BRA: 2019-01"),
             (120, "Xq: 2018-11"), conf=0.9, method="ocr")
    assert "manufacture_year" not in _values([p], DocType.registration_certificate)[0]


def test_a_free_text_value_the_page_break_pushed_overleaf():
    # The contract's "卖方声明 Disclosure" caption is page 1's last line; its text opens page 2.
    one = page((60, 200, "Vehicle Purchase Contract"), (100, "Contract No.: SC-2024-9770"),
               (700, "卖方声明 Disclosure"), (800, 280, "Page 1 of 2"))
    two = page((60, "Windscreen replaced after a stone chip. No other repairs."),
               (100, "Seller"), (800, 280, "Page 2 of 2"), number=2)
    got, ex = _values([one, two], DocType.purchase_contract)
    assert got["disclosures"] == "Windscreen replaced after a stone chip. No other repairs."
    assert ex.values["disclosures"].page == 2
    # A caption with lines after it on its own page keeps to them; page 2 opening with a
    # label is not its text either.
    labelled = page((60, "Buyer: Juma Mwinyi"), number=2)
    got, _ = _values([one, labelled], DocType.purchase_contract)
    assert "disclosures" not in got


def test_an_amount_broken_after_its_group_separator_is_read_whole():
    # OCR split "EUR 21.700,00" after the stop into two cells; a narrow column wraps it.
    beside = page((60, 200, "Vehicle Purchase Contract"), (300, 50, "Price:"),
                  (300, 200, "EUR 21."), (300, 245, "700,00"), conf=0.9, method="ocr")
    got, _ = _values([beside], DocType.purchase_contract)
    assert got["price"] == 21700 and got["currency"] == "EUR"
    wrapped = page((60, 200, "Vehicle Purchase Contract"), (300, 50, "Price:"),
                   (300, 200, "EUR 21."), (314, 200, "700,00"), conf=0.9, method="ocr")
    assert _values([wrapped], DocType.purchase_contract)[0]["price"] == 21700
    # An amount that ends as printed is not joined to the number under it.
    whole = page((60, 200, "Vehicle Purchase Contract"), (300, 50, "Price:"),
                 (300, 200, "EUR 21,700"), (314, 200, "500"), conf=0.9, method="ocr")
    assert _values([whole], DocType.purchase_contract)[0]["price"] == 21700


def test_an_ocr_year_after_next_is_a_misread_and_a_text_layers_is_kept():
    import datetime as dt

    future = dt.date.today().year + 8  # "2034" read for 2024 on a photo
    lines = [(60, 200, "Motor Vehicle Registration Certificate"),
             (100, f"Year of Manufacture: {future}"), (120, "Model Year: 2024")]
    got, _ = _values([page(*lines, conf=0.9, method="ocr")], DocType.registration_certificate)
    assert "manufacture_year" not in got and got["model_year"] == 2024
    # What a text layer states is the document's claim, for the checks to judge.
    got, _ = _values([page(*lines)], DocType.registration_certificate)
    assert got["manufacture_year"] == future


def test_a_models_last_character_read_as_a_sign_is_put_right_on_ocr_pages():
    for read, model in (("Aion ¥", "Aion Y"), ("Arrizo §", "Arrizo 5")):
        p = page((60, 200, "Vehicle Inspection Report"), (100, f"Model: {read}"),
                 conf=0.9, method="ocr")
        got = extract([p], DocType.inspection_report).values["model"]
        assert got.value == model and got.corrections == [f"read {read!r} as {model!r}"]
        # A text layer says what it says.
        text = extract([page((100, f"Model: {read}"))], DocType.inspection_report).values
        assert text["model"].value == read


def test_a_frame_numbers_model_code_read_without_its_digit_is_mended_on_ocr_pages():
    # A photographed certificate: BM5FP-1198882 read "BMSFP-1198882" under its caption.
    p = page((60, "MILEAGE CERTIFICATE"), (100, "Chassis Number: BMSFP-1198882"), method="ocr")
    got, _ = _values([p], DocType.mileage_certificate)
    assert got.get("chassis_number") == "BM5FP-1198882"
    # Two letters that could be the digit (S and O): which one is unknown; left unread.
    p = page((60, "MILEAGE CERTIFICATE"), (100, "Chassis Number: ZVWSO-1234567"), method="ocr")
    assert "chassis_number" not in _values([p], DocType.mileage_certificate)[0]
    # A text layer has no OCR errors to mend.
    p = page((60, "MILEAGE CERTIFICATE"), (100, "Chassis Number: BMSFP-1198882"))
    assert "chassis_number" not in _values([p], DocType.mileage_certificate)[0]


def test_a_date_is_no_name():
    # A photographed certificate's "Date of issue" caption read as "issue", taken for
    # "Issuer": the date under it is no issuer; the letterhead is.
    p = page((40, "Standards Organisation of Nigeria"), (60, "SONCAP CERTIFICATE"),
             (100, 50, "Issuer: 27-JUL-2024"), (120, 50, "Port of Loading: 2024/07/27"),
             method="ocr")
    got, _ = _values([p], DocType.compliance_certificate)
    assert got.get("issuer") == "Standards Organisation of Nigeria"
    assert "port_of_loading" not in got


@pytest.mark.parametrize(("spellings", "vin"), [
    # a Chinese VIN: two versions agree and its check digit holds
    (["LGW9W2UY4MJ533641"] * 2 + ["LGWSW2UY4MJ533641"] + [""] * 6, "LGW9W2UY4MJ533641"),
    # a Korean VIN proves nothing by its check digit: two thirds of the versions, no rival
    (["KNAPH2YX2NB087042"] * 6 + [""] * 3, "KNAPH2YX2NB087042"),
    (["KNAPH2YX2NB087042"] * 5 + [""] * 4, None),
    (["KNAPH2YX2NB087042"] * 6 + ["KNAPH2YX2NB087043"], None),
    # nor does a WMI no maker holds
    (["QQAPH2YX2NB087042"] * 9, None),
])
def test_a_vin_garbled_beyond_reading_is_read_again_as_several_versions(spellings, vin):
    # A photographed contract's VIN read "RMTG43WOMLASEL 9S": a run as long as a VIN, give or
    # take two, of letters and digits, on a page that yielded none.
    p = page((60, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Frame No.: RMTG43WOMLASEL 9S"),
             conf=0.5, method="ocr")
    ex = extract([p], DocType.purchase_contract, reread=_variant_rereader(spellings))
    assert (ex.values["vin"].value if "vin" in ex.values else None) == vin
    if vin:
        why = ex.values["vin"].corrections[-1]
        assert "re-readings of its region spell" in why
        # what proves it is said: the check digit, or only the versions' agreement
        assert ("whose check digit holds" in why) == (vin[0] == "L"), why
    # A text layer is what the page says: nothing is re-read.
    p = page((60, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Frame No.: RMTG43WOMLASEL 9S"))
    assert "vin" not in extract([p], DocType.purchase_contract,
                                reread=_variant_rereader(spellings)).values


@pytest.mark.parametrize(("cells", "model"), [
    (("xPeng", "G6", "2022"), "G6"),
    (("GAC", "—GS8", "2019"), "GS8"),
    (("Changan", "CS55 Plus", "2019"), "CS55 Plus"),
    # not a make, a second make, a company or no year: no model
    (("Lekki", "G6", "2022"), None),
    (("Toyota", "Lexus", "2022"), None),
    (("Toyota", "Tsusho Corporation", "2022"), None),
    (("xPeng", "G6", "32,306 km"), None),
])
def test_the_model_between_a_make_and_a_year_under_unread_captions(cells, model):
    # A photographed certificate's MAKE | MODEL | MODEL YEAR captions read as specks.
    p = page((60, "CERTIFICATE OF CONFORMITY"), (100, 50, "Metartre tm eet 1 se"),
             *[(120, 50 + 150 * i, text) for i, text in enumerate(cells)], method="ocr")
    got, ex = _values([p], DocType.compliance_certificate)
    assert got.get("model") == model
    if model:
        assert ex.values["model"].corrections[-1].startswith("caption unread")
        # the year is the model year or the year of manufacture: only its caption says
        assert "model_year" not in got and "manufacture_year" not in got


def test_a_vin_one_character_short_with_vv_read_as_w():
    # A plate photo: Chery's LVV read "LW", the VIN then 16 characters.
    p = page((60, "CHERY AUTOMOBILE CO., LTD."), (100, 50, "VIN: LWGS83R6LZ6 15028"),
             conf=0.7, method="ocr")
    ex = extract([p], DocType.vin_verification)
    assert ex.values["vin"].value == "LVVGS83R6LZ615028"
    assert ex.values["vin"].corrections == ["W→VV at 2"]
    # Not when the check digit fails so read, nor on a text layer.
    p = page((60, "CHERY"), (100, 50, "VIN: LWGS83R6LZ6 15029"), conf=0.7, method="ocr")
    assert "vin" not in extract([p], DocType.vin_verification).values
    p = page((60, "CHERY"), (100, 50, "VIN: LWGS83R6LZ6 15028"))
    assert "vin" not in extract([p], DocType.vin_verification).values


def test_marks_read_for_a_vins_characters_are_candidates_when_ambiguous():
    from extractors.fields import look_alike_readings

    # ")" for a J's hook and W for VV: J and 1 weigh the same in the check digit, so both
    # validate; neither is taken alone, both are offered to the other documents.
    found = {r.vin: r.corrections for r in look_alike_readings("LWTPPJG4)1306889")}
    assert found == {"LVVTPPJG4J1306889": (")→J at 9", "W→VV at 2"),
                     "LVVTPPJG411306889": (")→1 at 9", "W→VV at 2")}
    p = page((60, "MAINTENANCE RECORD"), (100, 50, "VS / VIN: LWTPPJG4)1306889"), conf=0.7,
             method="ocr")
    ex = extract([p], DocType.mileage_record)
    assert "vin" not in ex.values
    assert {"LVVTPPJG4J1306889", "LVVTPPJG411306889"} <= {c.value for c in ex.vin_candidates}


def test_a_chinese_date_read_as_digits_is_read_again_in_chinese():
    # 发证日期 2023年10月28日 and 有效期至 2024年4月25日 on an export licence photo, captions
    # and dates garbled by English OCR; read again with Chinese, the dates are dates
    from extractors.page import Word

    p = page((60, "EXPORT LICENCE"), (100, 50, "Permit No.: 23-EF-859191"),
             (120, 50, "RiERw"), (120, 300, "2023108288"),
             (140, 50, "ARMA"), (140, 300, "2024948258"), conf=0.8, method="ocr")
    chinese = {"2023108288": "2023年10月28日", "2024948258": "2024年4月25日"}

    def reread(page_number, boxes, purpose):
        out = []
        for box in boxes:
            read = [w.text for w in p.words if w.box[0] >= box[0] and w.box[2] <= box[2]
                    and w.box[1] >= box[1] and w.box[3] <= box[3]]
            zh = purpose == "line_zh" and read and chinese.get(read[0])
            out.append([Word(zh, box, 0.9)] if zh else [])
        return out

    got = extract([p], DocType.export_license, reread=reread)
    assert got.values["issue_date"].value == dt.date(2023, 10, 28)
    assert got.values["expiry_date"].value == dt.date(2024, 4, 25)
    assert got.values["issue_date"].raw == "2023年10月28日"
    # without a re-read, the garbled digits are no date
    assert "issue_date" not in extract([p], DocType.export_license).values


def test_a_vin_three_characters_short_is_read_again_as_several_versions():
    # A grid cell's border read with the VIN's first characters as "a": 14 characters left
    p = page((60, "SPECIFICATION SHEET"), (100, 50, "VIN"), (114, 50, "a 1AHN1A3025050"),
             conf=0.5, method="ocr")
    spellings = ["JTM21AHN1A3025050"] * 4 + ["JTM21AHN1A3028050"] * 2 + [""] * 3
    ex = extract([p], DocType.spec_sheet, reread=_variant_rereader(spellings))
    assert ex.values["vin"].value == "JTM21AHN1A3025050"
    assert "4 of 9 re-readings" in ex.values["vin"].corrections[-1]
    # four short is no VIN's garble: nothing is re-read
    p = page((60, "SPECIFICATION SHEET"), (100, 50, "VIN"), (114, 50, "a AHN1A3025050"),
             conf=0.5, method="ocr")
    assert "vin" not in extract([p], DocType.spec_sheet, reread=_variant_rereader(spellings)).values


@pytest.mark.parametrize(("caption", "cell", "model"), [
    ("e4nS", "GS8", "GS8"),  # 车型 read by English OCR
    ("FRUS:", "Poer", "Poer"),
    # what can be something else is not taken, nor what is under a caption read
    ("e4nS", "Pearl White", None),
    ("e4nS", "2022", None),
    ("e4nS", "Pp?", None),  # a mark no model name holds: a garble
    ("Colour", "Poer", None),
])
def test_the_model_under_a_make_in_a_caption_value_table(caption, cell, model):
    rows = [(60, 200, "EXPORT LICENCE"), (100, 50, "Make"), (100, 300, "GAC"),
            (115, 50, caption), (115, 300, cell), (130, 50, "Qty"), (130, 300, "1 unit")]
    got, ex = _values([page(*rows, method="ocr")], DocType.export_license)
    assert got.get("model") == model
    if model:
        assert ex.values["model"].corrections == ["caption unread: the row under the make's"]
    # out of the make's column, it is another column's
    moved = [r if r[1:] != (300, cell) else (115, 450, cell) for r in rows]
    assert "model" not in _values([page(*moved, method="ocr")], DocType.export_license)[0]
    # a text layer's caption is what it says: nothing is guessed
    assert "model" not in _values([page(*rows)], DocType.export_license)[0]


@pytest.mark.parametrize(("captions", "cells", "model"), [
    (("Brand", "MUS"), ("Geely", "Coolray"), "Coolray"),
    (("MANUFACTURER", "VOCE."), ("Hyundai Motor Company", "Tucson"), "Tucson"),
    # what can be something else is not taken: a colour, a number, a date, a company
    (("Brand", "MUS"), ("Geely", "Pearl White"), None),
    (("Brand", "MUS"), ("Geely", "4,493"), None),
    (("Brand", "MUS"), ("Geely", "2023-05-01"), None),
    (("Brand", "MUS"), ("Geely", "Geely Auto Co., Ltd."), None),
    # a caption read is what it says: a colour's column holds no model
    (("Brand", "Colour"), ("Geely", "Coolray"), None),
])
def test_the_model_right_of_a_make_under_an_unread_caption(captions, cells, model):
    p = page((60, 200, "EXPORT LICENCE"), (100, 50, captions[0]), (100, 300, captions[1]),
             (114, 50, cells[0]), (114, 300, cells[1]), method="ocr")
    got, ex = _values([p], DocType.export_license)
    assert got.get("model") == model
    if model:
        assert ex.values["model"].corrections == ["caption unread: the cell right of the make's"]
    # a text layer's caption is what it says: nothing is guessed
    p = page((60, 200, "EXPORT LICENCE"), (100, 50, captions[0]), (100, 300, captions[1]),
             (114, 50, cells[0]), (114, 300, cells[1]))
    assert "model" not in _values([p], DocType.export_license)[0]


def test_a_country_named_under_its_caption_beats_a_garble_beside_it():
    # Captions over values, the next column's caption garbled into a word beside this one.
    grid = page((60, 200, "Export Licence"),
                (100, 50, "Destination Country"), (100, 250, "axor"), (100, 400, "Tl"),
                (115, 50, "Nigeria"), (115, 250, "Guangzhou"), (115, 400, "2023-09-21"),
                method="ocr")
    assert _values([grid], DocType.export_license)[0]["destination_country"] == "Nigeria"
    # A name no table holds, alone under its caption, still stands.
    alone = page((60, 200, "Export Licence"), (100, 50, "Destination Country: DR Congo"),
                 method="ocr")
    assert _values([alone], DocType.export_license)[0]["destination_country"] == "DR Congo"


def test_a_bill_read_with_quotes_before_its_captions_keeps_its_grid():
    # '"SAME AS CONSIGNEE' over the vessel is a value with a quote read before it, not a
    # caption ("CONSIGNEE" after junk) whose column the vessel would be in; a port broken
    # after its comma goes on in the next cell.
    p = page((60, 200, "SEA WAYBILL"),
             (100, 50, "“CONSIGNEE"), (100, 250, "Juma Mwinyi"),
             (120, 50, "NOTIFY PARTY"), (120, 240, '"SAME AS CONSIGNEE'),
             (140, 50, "“OCEAN VESSEL"), (140, 250, "MSC ANNA"),
             (160, 50, "VOYAGE NO."), (160, 250, "010N"),
             (180, 50, "PORT OF LOADING"), (180, 250, "Kobe,"), (180, 290, "Japan"),
             (200, 50, "PORT OF DISCHARGE"), (200, 250, "Dar es Salaam, Tanzania"),
             method="ocr")
    got, _ = _values([p], DocType.bill_of_lading)
    assert got["vessel"] == "MSC ANNA"
    assert got["port_of_loading"] == "Kobe, Japan"
    assert got["port_of_discharge"] == "Dar es Salaam, Tanzania"


def test_an_undecided_vote_leaves_its_readings_for_the_other_documents_to_choose():
    from extractors.fields import _voted_vin
    from verifier.agreement import agree_on_vin
    from verifier.models import Document, Fields, Source
    from verifier.read import ReadResult

    # A Korean plate (its maker uses no check digit): 7 of 9 versions spell one VIN, 2
    # another. Alone, that is undecided; both stay the page's own readings.
    spellings = ["KNA9R1D72LR087584"] * 7 + ["KNASR1D72LR087584"] * 2
    notes, candidates = [], []
    box = (300.0, 300.0, 1290.0, 374.0)
    got = _voted_vin(1, box, "KNAQR1D72LRO087/7584", (90, 1), _variant_rereader(spellings), {},
                     notes, unproven=True, candidates=candidates)
    assert got is None and "undecided" in notes[-1]
    assert [c.value for c in candidates] == ["KNA9R1D72LR087584", "KNASR1D72LR087584"]
    assert "7 of 9 re-readings of its region spell it" in candidates[0].corrections[-1]
    # A later re-read took "KNAIR…" as KNA1R…; two other documents state KNA9R…: the page's
    # own reading that agrees is chosen, not the page left disagreeing over a 1 for a 9.
    read = Source(page=1, confidence=0.19, raw="KNAIR1D72LRO87584", corrections=["I→1 at 4"],
                  method="ocr")
    plate = ReadResult(Document(file="plate.jpg", sha256="0" * 64,
                                fields=Fields(vin="KNA1R1D72LR087584"), sources={"vin": read}),
                       [], vin_candidates=candidates)
    others = [ReadResult(Document(file=f"{n}.pdf", sha256="0" * 64,
                                  fields=Fields(vin="KNA9R1D72LR087584"),
                                  sources={"vin": Source(page=1, confidence=1.0,
                                                         raw="KNA9R1D72LR087584")}), [])
              for n in "ab"]
    agree_on_vin([*others, plate])
    assert plate.document.fields.vin == "KNA9R1D72LR087584"


def test_a_numbers_prefix_i_read_as_1_before_the_documents_date():
    # TI240505-57 of 5 May 2024, its I read as 1: the six digits after it are the date
    def contract(number, date="2024-05-05"):
        return page((60, "EXPORT SALES CONTRACT"), (100, 50, f"No.: {number}"),
                    (115, 50, f"Date: {date}"), method="ocr")

    got, ex = _values([contract("T1240505-57")], DocType.purchase_contract)
    assert got["document_number"] == "TI240505-57"
    assert "240505 is the document's date" in ex.values["document_number"].corrections[-1]
    # another date, or a text layer: the 1 is left as read
    assert _values([contract("T1240505-57", "2024-05-06")],
                   DocType.purchase_contract)[0]["document_number"] == "T1240505-57"
    text = page((60, "EXPORT SALES CONTRACT"), (100, 50, "No.: T1240505-57"),
                (115, 50, "Date: 2024-05-05"))
    assert _values([text], DocType.purchase_contract)[0]["document_number"] == "T1240505-57"


def _versions_rereader(versions, purposes):
    """A rereader whose page-wide re-reads read nothing and whose ``value_versions`` read
    reads ``versions`` (one text each, "" for nothing)."""
    from extractors.page import Word

    def reread(page_number, boxes, purpose):
        purposes.append(purpose)
        if purpose == "value_versions":
            return [[Word(t, boxes[0], 0.8)] if t else [] for t in versions]
        return [[] for _ in boxes]

    return reread


def test_a_value_no_reread_parses_is_what_most_versions_of_its_ink_read():
    # "|[ 1598 ee": a cell's border and an unread unit; read alone at three sizes, two
    # versions read "1598 cc"
    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Engine Capacity: |[ 1598 ee"),
             conf=0.4, method="ocr")
    purposes = []
    got = extract([p], DocType.purchase_contract,
                  reread=_versions_rereader(["1598 cc", "", "1598 cc"], purposes))
    assert purposes[0] == "line" and "value_versions" in purposes
    assert got.values["engine_displacement_cc"].value == 1598
    assert any("as 2 of 3 versions" in n for n in got.notes)


def test_versions_that_disagree_leave_the_value_unread():
    p = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Engine Capacity: |[ 1598 ee"),
             conf=0.4, method="ocr")
    got = extract([p], DocType.purchase_contract,
                  reread=_versions_rereader(["1598 cc", "1508 cc", ""], []))
    assert "engine_displacement_cc" not in got.values


@pytest.mark.parametrize(("text", "ocr", "want"), [
    ("[oct", True, "dct"), ("OCT", True, "dct"), ("0CT", True, "dct"),
    ("oct", False, None), ("Oct 2023", True, None), ("DCT", False, "dct"),
])
def test_a_transmission_read_oct_is_dct(text, ocr, want):
    from extractors.fields import parse_value

    got = parse_value("transmission", text, {"ocr": ocr})
    assert (got[0] if got else None) == want


@pytest.mark.parametrize(("text", "ocr", "want"), [
    ("20250627", True, dt.date(2025, 6, 27)),  # 2025/06/27, its slashes lost
    ("20250627", False, None),  # a text layer's digits are what the page prints
    ("20251327", True, None),  # no 13th month
    ("2025062", True, None),
    ("120250627", True, None),
])
def test_a_date_read_without_its_separators(text, ocr, want):
    from extractors.fields import parse_value

    got = parse_value("date", text, {"ocr": ocr})
    assert (got[0] if got else None) == want


def test_a_frame_number_read_with_a_pound_sign_for_its_e():
    from extractors.fields import parse_value

    got = parse_value("vin", "£12-7815151", {"ocr": True})
    assert got is not None and got[1]["chassis_number"] == "E12-7815151"
    assert parse_value("vin", "£12-7815151", {}) is None


@pytest.mark.parametrize(("text", "ocr", "want"), [
    ("(P7", True, "P7"), ("[Tiggo 8 Pro", True, "Tiggo 8 Pro"),
    ("Model (P7)", True, "Model (P7)"),  # closed: part of the name
    ("(P7", False, "(P7"),  # a text layer prints what it prints
])
def test_an_opening_bracket_nothing_closes_is_a_cells_border(text, ocr, want):
    from extractors.fields import parse_value

    assert parse_value("text", text, {"ocr": ocr})[0] == want


def test_a_weak_values_re_read_that_caught_its_caption_keeps_the_value_only():
    from extractors.page import Word

    # "MODEL NAME" over "ne Hybrid" (RAV4 garbled): the crop of the value took the caption
    p = page((60, 200, "ODOMETER VERIFICATION CERTIFICATE"), (100, 50, "Model: ne Hybrid"),
             conf=0.2, method="ocr")
    value = next(w for w in p.words if w.text == "ne")

    def reread(page_number, boxes, purpose):
        x = value.box[0]
        return [[Word(t, (x + 6 * i, 100, x + 6 * i + 5, 112), 0.95)
                 for i, t in enumerate(["|", "MODEL", "NAME", "RAV4", "Hybrid"])]]

    got = extract([p], DocType.mileage_certificate, reread=reread).values
    assert got["model"].value == "RAV4 Hybrid"
