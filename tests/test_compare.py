"""Side-by-side comparison: values grouped per field, compared as the checks compare them."""

import json

import pytest

from verifier import compare as cmp
from verifier.models import DocType, Document, Fields


def _doc(name, type_=DocType.purchase_contract, **fields):
    return Document(file=name, sha256="0" * 64, type=type_, fields=Fields(**fields))


def test_values_group_the_documents_that_state_the_same_value():
    docs = [_doc("a.pdf", seller="Osaka Auto Export Co., Ltd."),
            _doc("b.pdf", seller="OSAKA AUTO EXPORT CO LTD"),
            _doc("c.pdf", seller="Kobe Motors KK")]
    values = cmp.values_of(docs, "seller")
    assert [(v.text, v.documents) for v in values] == [
        ("Osaka Auto Export Co., Ltd.", ["a.pdf", "b.pdf"]), ("Kobe Motors KK", ["c.pdf"])]


def test_rows_differ_only_where_the_statements_contradict():
    a = cmp.Side("A", [_doc("contract.pdf", engine_displacement_cc=2800,
                             engine_displacement_precision_cc=100, fuel_type="diesel",
                             model_year=2023, document_number="SC-1", odometer_km=18000)])
    b = cmp.Side("B", [_doc("arrival.pdf", DocType.inspection_report, engine_displacement_cc=2755,
                             engine_displacement_precision_cc=1, fuel_type="petrol",
                             model_year=2023, document_number="IR-9", color="white")])
    rows = {r.field: r for r in cmp.compare(a, b).rows}
    assert not rows["engine_displacement_cc"].differs  # 2755 cc is the contract's 2.8 L
    assert rows["engine_displacement_cc"].a[0].text == "2.8 L"
    assert rows["fuel_type"].differs
    assert not rows["model_year"].differs
    assert not rows["document_number"].differs  # each document has its own number
    assert not rows["color"].differs and not rows["odometer_km"].differs  # stated on one side
    assert "vin" not in rows  # stated nowhere


def test_2_7l_is_not_2_8l():
    a = cmp.Side("A", [_doc("a.pdf", engine_displacement_cc=2800,
                             engine_displacement_precision_cc=100)])
    b = cmp.Side("B", [_doc("b.pdf", engine_displacement_cc=2700,
                             engine_displacement_precision_cc=100)])
    assert [r.field for r in cmp.compare(a, b).differences] == ["engine_displacement_cc"]


def test_a_side_that_disagrees_with_itself_differs_from_a_side_that_does_not():
    a = cmp.Side("A", [_doc("a.pdf", vin="JTEBR3FJ80K123456"),
                       _doc("b.pdf", vin="JTEBR3FJ80K654321")])
    b = cmp.Side("B", [_doc("c.pdf", vin="JTEBR3FJ80K123456")])
    (row,) = cmp.compare(a, b).rows
    assert row.differs and len(row.a) == 2


def test_json_and_html_carry_every_row_and_escape_what_documents_say():
    a = cmp.Side("A", [_doc("<a>.pdf", model="Hilux <script>", fuel_type="diesel")])
    b = cmp.Side("B", [_doc("b.pdf", model="Prado", fuel_type="petrol")])
    c = cmp.compare(a, b)
    data = json.loads(cmp.to_json(c))
    assert data["differences"] == 2 and [r["field"] for r in data["rows"]] == ["model", "fuel_type"]
    page = cmp.to_html(c)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count('class="differs"') == 2


def test_a_missing_side_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="needs --store"):
        cmp.load_side(str(tmp_path / "nope"), lambda folder: None)


def test_thumbnail_of_junk_is_none():
    assert cmp.thumbnail(b"not an image") is None
