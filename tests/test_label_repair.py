"""Garbled OCR labels matched to the labels a document type knows (no Tesseract)."""

import datetime as dt

from extractors.fields import extract
from extractors.label_repair import match_label, repair_labels, spellings
from extractors.templates import _compile, doctype_templates, other_labels
from tests.pages import page
from verifier.models import DocType


def _labels(dtype):
    return (*doctype_templates()[dtype].fields, other_labels())


def test_a_pattern_expands_to_its_printed_spellings():
    rx = _compile(r"Licen[cs]e\s+(?:No\.?|Number)", "test")
    assert set(spellings(rx)) == {"Licence No", "Licence No.", "Licence Number",
                                  "License No", "License No.", "License Number"}
    # A Chinese-only label has no Latin spelling to compare OCR's garble with.
    assert spellings(_compile("车架号", "test")) == ()


def test_garbled_labels_of_a_photographed_form_are_recognised():
    tpls = _labels(DocType.export_license)
    assert match_label("EXPORTER MAME", tpls) == ("exporter", "Exporter Name")
    assert match_label("VALID UNTE", tpls)[0] == "expiry_date"
    assert match_label("UCENSE NO", tpls)[0] == "document_number"
    bl = _labels(DocType.bill_of_lading)
    assert match_label("Later on Board", bl)[0] == "shipped_on_board_date"
    assert match_label("Date of inewe", bl)[0] == "issue_date"


def test_values_and_short_or_far_readings_are_not_labels():
    tpls = _labels(DocType.export_license)
    for text in ("Desert Line Motors FZE", "United Arab Emirates", "Land Cruiser Prado",
                 "Osaka", "TOYOTA", "Src", "Venset"):
        assert match_label(text, tpls) is None, text


def test_only_weak_ocr_pieces_are_rewritten_and_the_value_keeps_its_source():
    lines = [(60, 200, "Export Permit"),
             (100, 50, "EXPORTER MAME"), (114, 50, "Minato Trading Co., Ltd."),
             (140, 50, "VALID UNTE"), (154, 50, "2025/01/09")]
    weak = page(*lines, conf=0.6, method="ocr")
    got = extract([weak], DocType.export_license).values
    assert got["exporter"].value == "Minato Trading Co., Ltd."
    assert got["exporter"].raw == "Minato Trading Co., Ltd."
    assert got["expiry_date"].value == dt.date(2025, 1, 9)
    # What OCR read with confidence is what the page says: not rewritten (but for one
    # letter of a long label, below).
    sure = page(*[(y, x, t.replace("MAME", "MAMF")) for y, x, t in lines], conf=0.97,
                method="ocr")
    assert repair_labels(sure, _labels(DocType.export_license)) is sure
    # Nor is a text layer ever: it says what the page says.
    text = extract([page(*lines, conf=1.0)], DocType.export_license).values
    assert text["exporter"].value == "MAME" and "expiry_date" not in text


def test_a_label_with_its_value_is_never_made_a_bare_label():
    tpls = _labels(DocType.purchase_contract)
    from extractors.label_repair import _garbled_label

    for text in ("Engine Displacement: 120", "Engine Displacement 120", "Model Note",
                 "Make: Nissan"):
        assert _garbled_label(text, tpls) is None, text
    weak = page((60, 200, "VEHICLE PURCHASE CONTRACT"), (100, 50, "Engine Displacement: 2.0L"),
                (115, 50, "Model Note"), conf=0.8, method="ocr")
    got = extract([weak], DocType.purchase_contract).values
    assert got["engine_displacement_cc"].value == 2000
    assert got["model"].value == "Note"


def test_a_label_garbled_before_its_colon_is_repaired_and_its_value_kept():
    # "Manufacture Year" with an f read as t, "出厂年份" with 厂 read as 三: the colon says
    # where the label ends; the value after it is read as printed.
    weak = page((60, 200, "Seller's Declaration"), (100, 50, "Manutacture Year: 2023"),
                (120, 50, "出三年份 : 2021"), conf=0.8, method="ocr")
    tpls = _labels(DocType.seller_declaration)
    words = [w.text for w in repair_labels(weak, tpls).words]
    assert "Manufacture Year:" in words and "出厂年份:" in words
    assert words.count("2023") == 1 and words.count("2021") == 1
    only_cjk = page((60, 200, "Seller's Declaration"), (120, 50, "出三年份 : 2021"),
                    conf=0.8, method="ocr")
    got = extract([only_cjk], DocType.seller_declaration).values
    assert got["manufacture_year"].value == 2021
    assert got["manufacture_year"].raw.strip(": ") == "2021"


def test_a_sure_head_or_a_chinese_piece_without_a_colon_is_left_as_read():
    tpls = _labels(DocType.seller_declaration)
    sure = page((100, 50, "Manutacturo Year: 2023"), conf=0.97, method="ocr")
    assert repair_labels(sure, tpls) is sure
    # Han characters one away from a label, with no colon after them, may be a value.
    bare = page((100, 50, "出三年份"), conf=0.5, method="ocr")
    assert repair_labels(bare, tpls) is bare
    assert match_label("出三年份", tpls) is None
    assert match_label("出三年份", tpls, cjk=True) == ("manufacture_year", "出厂年份")
    # A Chinese value far from every label is no label, colon or not.
    assert match_label("上海汽车", tpls, cjk=True) is None


def test_a_chinese_label_opening_a_line_before_its_value_cell_is_repaired():
    # "出厂日其 | 2024" (期 read 其) on a registration photo: the garbled label opens the line and
    # its value stands in the next cell.
    tpls = _labels(DocType.registration_certificate)
    gap = " " * 6
    weak = page((60, 200, "Motor Vehicle Registration Certificate"),
                (120, 50, f"出厂日其{gap}2024"), conf=0.8, method="ocr")
    words = [w.text for w in repair_labels(weak, tpls).words]
    assert "出厂日期" in words and "2024" in words
    got = extract([weak], DocType.registration_certificate).values
    assert got["manufacture_year"].value == 2024
    # A line-opening cell with nothing after it on its line is left as read: a Chinese value
    # in a column (a name, a place) is one.
    alone = page((120, 50, "出厂日其"), conf=0.8, method="ocr")
    assert repair_labels(alone, tpls) is alone
    # Three characters are too few, though three of a four-character label's.
    short = page((120, 50, f"出厂日{gap}2024"), conf=0.8, method="ocr")
    assert repair_labels(short, tpls) is short


def test_the_value_after_a_garbled_label_decides_between_two_fields_labels():
    # 出三日期 is one character from 出厂日期 (manufacture) and from 出具日期 (issue date):
    # a year and month is no date of issue, a whole date is no year of manufacture alone.
    tpls = _labels(DocType.registration_certificate)
    from extractors.fields import parse_value

    parsers = {t.name: t.parser for t in tpls}

    def fits(field, text):
        return parse_value(parsers[field], text, {}) is not None

    month = page((120, 50, "出三日期 : 2019-07"), conf=0.8, method="ocr")
    assert "出厂日期:" in [w.text for w in repair_labels(month, tpls, fits).words]
    assert repair_labels(month, tpls) is month  # no value to decide by: left as read
    got = extract([month], DocType.registration_certificate).values
    assert got["manufacture_year"].value == 2019
    assert "issue_date" not in got
    # A whole date fits both (its year is a year): still undecided, still left as read.
    day = page((120, 50, "出三日期 : 2019-07-03"), conf=0.8, method="ocr")
    assert repair_labels(day, tpls, fits) is day


def test_a_long_label_read_surely_but_for_one_letter_is_rewritten():
    # A photographed certificate: every word read at 0.92 or more, "f" read as "t".
    sure = page((60, 200, "Mileage Certification"),
                (100, 50, "Year of Manutacture: 2018"), conf=0.97, method="ocr")
    got = extract([sure], DocType.mileage_certificate).values
    assert got["manufacture_year"].value == 2018
    # Two letters off, or a short label one letter off, is left as read when read surely.
    for text in ("Year of Manutactura: 2018", "Modal: 2018"):
        sure = page((60, 200, "Mileage Certification"), (100, 50, text), conf=0.97,
                    method="ocr")
        assert repair_labels(sure, _labels(DocType.mileage_certificate)) is sure, text
