"""Rows and cells from word boxes, the same for a text layer and for OCR.

Issuers lay the same fields out as "Label: value" lines, bordered two-column tables, two
label/value pairs per row, or a label above its value (bills of lading). Grouping words into
rows by their vertical overlap and splitting a row into cells at wide horizontal gaps turns
all of these into the same question: is the value in the label's cell, the next cell to the
right, or the cell below?
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from extractors.page import Box, Line, PageText, Word, union_box

# A horizontal gap wider than this many word heights separates two cells of a row.
CELL_GAP = 1.6


@dataclass(frozen=True)
class Cell(Line):
    """A run of words of one row, set apart from the next by a wide gap."""

    page: int = 0
    row: int = 0

    @property
    def height(self) -> float:
        return median(w.box[3] - w.box[1] for w in self.words)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    page: int
    index: int

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)

    @property
    def box(self) -> Box:
        return union_box(c.box for c in self.cells)


def _line_units(page: PageText) -> list[list[Word]]:
    """Words grouped as the reader grouped them into lines, split where a wide gap shows
    that one "line" is really two columns."""
    groups: dict[tuple[int, ...], list[Word]] = {}
    for w in page.words:
        if w.text.strip():
            groups.setdefault(w.line_key, []).append(w)
    units = []
    for ws in groups.values():
        ws.sort(key=lambda w: w.box[0])
        height = median(w.box[3] - w.box[1] for w in ws) or 1.0
        unit = [ws[0]]
        for prev, w in zip(ws, ws[1:], strict=False):
            # A wide gap, or a step up or down (OCR sometimes strings words of neighbouring
            # lines into one), ends the unit.
            step = abs((w.box[1] + w.box[3]) - (prev.box[1] + prev.box[3])) / 2
            if (
                w.box[0] - prev.box[2] > CELL_GAP * height
                or w.box[0] < prev.box[0]
                or step > 0.6 * height
            ):
                units.append(unit)
                unit = []
            unit.append(w)
        units.append(unit)
    return units


def build_rows(page: PageText) -> list[Row]:
    """Group the page's words into rows (top to bottom) of cells (left to right).

    A line the reader saw stays whole (OCR may print one word of a line a few pixels higher);
    lines whose middles fall within one another's height share a row.
    """
    units = _line_units(page)
    if not units:
        return []
    units.sort(key=lambda u: (sum(w.box[1] + w.box[3] for w in u) / (2 * len(u)), u[0].box[0]))
    bands: list[list[list[Word]]] = []
    for unit in units:
        box = union_box(w.box for w in unit)
        centre = (box[1] + box[3]) / 2
        if bands:
            first = union_box(w.box for w in bands[-1][0])
            if first[1] <= centre <= first[3]:
                bands[-1].append(unit)
                continue
        bands.append([unit])
    rows = []
    for index, band in enumerate(bands):
        band.sort(key=lambda u: u[0].box[0])
        cells = tuple(Cell(tuple(u), page.number, index) for u in band)
        rows.append(Row(cells, page.number, index))
    return rows


def cell_above(rows: list[Row], row: Row, cell: Cell, *, max_rows: int = 3) -> Cell | None:
    """The nearest cell over ``cell`` in its column, within a few rows."""
    x0, y0, x1, _ = cell.box
    limit = y0 - (max_rows + 1) * cell.height * 1.6
    for other in reversed(rows[: row.index]):
        if other.box[3] < limit:
            return None
        for c in other.cells:
            cx0, _, cx1, _ = c.box
            if min(x1, cx1) - max(x0, cx0) > 0 and abs(cx0 - x0) < max(x1 - x0, cx1 - cx0):
                return c
    return None


def cell_below(rows: list[Row], row: Row, cell: Cell, *, max_rows: int = 3) -> Cell | None:
    """The nearest cell under ``cell`` whose horizontal span overlaps it, within a few rows."""
    x0, _, x1, y1 = cell.box
    limit = y1 + (max_rows + 1) * cell.height * 1.6
    for other in rows[row.index + 1 :]:
        if other.box[1] > limit:
            return None
        for c in other.cells:
            cx0, _, cx1, _ = c.box
            overlap = min(x1, cx1) - max(x0, cx0)
            if overlap > 0 and abs(cx0 - x0) < max(x1 - x0, cx1 - cx0):
                return c
    return None
