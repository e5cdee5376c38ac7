from extractors.layout import build_rows, cell_below
from tests.pages import page


def test_words_on_one_baseline_form_one_row_split_into_cells_at_wide_gaps():
    p = page((100, 50, "Make: BYD"), (100, 300, "Model: Atto 3"), (130, "Colour: white"))
    rows = build_rows(p)
    assert [r.text for r in rows] == ["Make: BYD Model: Atto 3", "Colour: white"]
    assert [c.text for c in rows[0].cells] == ["Make: BYD", "Model: Atto 3"]


def test_the_cell_below_a_label_is_found_in_its_column():
    p = page((100, 50, "Shipper:"), (100, 300, "Port of loading:"),
             (114, 50, "GLOBAL FREIGHT INC."), (114, 300, "SHANGHAI, CHINA"))
    rows = build_rows(p)
    label = rows[0].cells[1]
    assert cell_below(rows, rows[0], label).text == "SHANGHAI, CHINA"
    assert cell_below(rows, rows[0], rows[0].cells[0]).text == "GLOBAL FREIGHT INC."


def test_nothing_below_when_the_next_row_is_far_away():
    p = page((100, 50, "Remarks:"), (400, 50, "far below"))
    rows = build_rows(p)
    assert cell_below(rows, rows[0], rows[0].cells[0]) is None
