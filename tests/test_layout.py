from extractors.layout import build_rows, cell_below, estimate_slope, line_units
from extractors.page import PageText, Word
from tests.pages import CHAR_W, LINE_H, page


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


def _leaning(lines: list[tuple[float, float, str]], slope: float) -> PageText:
    """A photographed page: each line (y, x, text) rises by ``slope`` per unit of x, and (as
    a reader that returns one box per line gives) its words share the line's leaning box."""
    words = []
    for key, (y, x, text) in enumerate(lines):
        w = CHAR_W * len(text)
        top = y + slope * x + min(0.0, slope * w)
        bottom = y + slope * x + LINE_H + max(0.0, slope * w)
        pos = x
        for token in text.split():
            words.append(Word(token, (pos, top, pos + CHAR_W * len(token), bottom), 0.95, (key,)))
            pos += CHAR_W * (len(token) + 1)
    return PageText(1, 900.0, 1200.0, words, "ocr", "px")


def test_a_leaning_page_pairs_each_label_with_the_value_on_its_own_line():
    # 5 degrees of lean: a value on the right sits a row lower than its label (or higher)
    lines = [(100 + 16 * i, 50, label) for i, label in enumerate(("Make", "Model", "VIN"))]
    lines += [
        (100 + 16 * i, 300, value) for i, value in enumerate(("BYD", "Atto 3", "LGXCE4CB0P0123456"))
    ]
    for slope in (0.0875, -0.0875, 0.03):
        rows = build_rows(_leaning(lines, slope))
        assert [[c.text for c in r.cells] for r in rows] == [
            ["Make", "BYD"],
            ["Model", "Atto 3"],
            ["VIN", "LGXCE4CB0P0123456"],
        ], slope
        vin = rows[2].cells[1]
        assert abs(vin.slope - slope) < 0.006
        # the text's height, not that of its leaning box
        assert abs(vin.height - LINE_H) < 1.5 < vin.box[3] - vin.box[1] - LINE_H


def test_a_level_page_is_grouped_as_it_stands():
    p = page((100, 50, "Make:"), (100, 300, "BYD"), (116, 50, "Model:"), (116, 300, "Atto 3"))
    assert estimate_slope(line_units(p.words)) == 0.0
    assert all(c.slope == 0.0 for r in build_rows(p) for c in r.cells)


def test_a_leaning_vin_plate_keeps_its_label_and_number_on_one_row():
    # a plate: a few lines, one label beside its number, photographed at ~5.7 degrees
    lines = [(100, 50, "NISSAN"), (140, 50, "CHASSIS NO."), (140, 150, "E12-3508965"),
             (180, 50, "MAX. PERMISSIBLE MASS 2322 kg"), (220, 50, "MADE IN JAPAN")]
    rows = build_rows(_leaning(lines, 0.1))
    assert [r.text for r in rows][1] == "CHASSIS NO. E12-3508965"
