"""Rows and cells from word boxes, the same for a text layer and for OCR.

Issuers lay the same fields out as "Label: value" lines, bordered two-column tables, two
label/value pairs per row, or a label above its value (bills of lading). Grouping words into
rows by their vertical overlap and splitting a row into cells at wide horizontal gaps turns
all of these into the same question: is the value in the label's cell, the next cell to the
right, or the cell below?

A photographed (or badly scanned) page leans: its text lines rise or fall a few degrees, so a
label on the left and its value on the right sit at different heights, and the axis-aligned
box of a leaning line is taller than its text. Rows are therefore grouped by *de-skewed*
height: the page's text-line slope is estimated from the words themselves (pieces of one row
side by side agree on one slope; the pairs of pieces of different rows scatter) and every
piece's centre is moved back along it. Image clean-up deskews before OCR too
(``extractors/preprocess.py``), but perspective and a residual lean remain, and the boxes a
reader returns are the only thing this module sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import numpy as np

from extractors.page import Box, Line, PageText, Word, union_box

# A horizontal gap wider than this many word heights separates two cells of a row.
CELL_GAP = 1.6
# The steepest text-line slope considered (tan 10 degrees): a phone photo of a page leans
# by its tilt and, across the page, by its perspective.
MAX_SLOPE = 0.18
# Below this a page counts as level and is grouped as it stands.
LEVEL_SLOPE = 0.003
# A text this short (a VIN plate, a label) may show its lean by one pair of pieces only.
FEW_UNITS = 8


@dataclass(frozen=True)
class Cell(Line):
    """A run of words of one row, set apart from the next by a wide gap."""

    page: int = 0
    row: int = 0
    slope: float = 0.0  # the page's text-line slope (dy/dx) when the row was built

    @property
    def height(self) -> float:
        """The height of its text; on a leaning page, without the lean of its box."""
        if not self.slope:
            return median(w.box[3] - w.box[1] for w in self.words)
        x0, y0, x1, y1 = self.box
        return max(y1 - y0 - abs(self.slope) * (x1 - x0), 0.25 * (y1 - y0))

    @property
    def level(self) -> float:
        """The de-skewed height of its middle: cells of one row share it."""
        return _level(list(self.words), self.slope)


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


def line_units(words: list[Word]) -> list[list[Word]]:
    """Words grouped as the reader grouped them into lines, split where a wide gap shows
    that one "line" is really two columns."""
    groups: dict[tuple[int, ...], list[Word]] = {}
    for w in words:
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


def _level(unit: list[Word], slope: float) -> float:
    """Mean middle of the unit's words, moved back along the page's slope to x = 0."""
    return sum((w.box[1] + w.box[3]) / 2 - slope * (w.box[0] + w.box[2]) / 2 for w in unit) / len(
        unit
    )


def _unit_slope(unit: list[Word]) -> float | None:
    """The lean of one line read word by word (OCR boxes follow it), if its words say so."""
    if len(unit) < 3:
        return None
    xs = np.array([(w.box[0] + w.box[2]) / 2 for w in unit])
    ys = np.array([(w.box[1] + w.box[3]) / 2 for w in unit])
    if np.ptp(ys) == 0 or np.ptp(xs) == 0:  # one box cut into words: says nothing
        return None
    return float(np.polyfit(xs, ys, 1)[0])


def estimate_slope(units: list[list[Word]]) -> float:
    """The page's text-line slope (dy/dx, y down), 0.0 when level or undecidable.

    Evidence: every two pieces side by side (no horizontal overlap, close enough in height to
    share a line at the steepest slope), and every line of three or more words whose boxes
    step up or down. A candidate slope scores the pairs it lines up to within a fifth of a
    line's height; pieces of one row agree, pairs of pieces of two rows scatter — except a
    label and the value of the next row, a line-pitch off: those are ruled out by the boxes
    themselves, since a line leaning by s over its width W has a box at least s * W tall, so
    no slope steeper than the flattest wide box allows is considered. The best-scoring slope
    (ties: the flattest) wins if it lines up at least two pairs (one, on a short text).
    """
    if len(units) < 2:
        return 0.0
    boxes = np.array([union_box(w.box for w in u) for u in units], dtype=float)
    xc = (boxes[:, 0] + boxes[:, 2]) / 2
    yc = np.array([sum(w.box[1] + w.box[3] for w in u) / (2 * len(u)) for u in units])
    h = boxes[:, 3] - boxes[:, 1]
    w = boxes[:, 2] - boxes[:, 0]
    dx = xc[None, :] - xc[:, None]
    dy = yc[None, :] - yc[:, None]
    apart = (boxes[None, :, 0] >= boxes[:, None, 2]) | (boxes[:, None, 0] >= boxes[None, :, 2])
    near = np.abs(dy) < (h[None, :] + h[:, None]) / 2 + MAX_SLOPE * np.abs(dx)
    pick = np.triu(apart & near, 1)
    pdx, pdy = list(np.abs(dx[pick])), list(np.where(dx[pick] < 0, -1, 1) * dy[pick])
    for u, width in zip(units, w, strict=True):
        if (s := _unit_slope(u)) is not None:
            pdx.append(width)
            pdy.append(s * width)
    if not pdx:
        return 0.0
    px, py = np.array(pdx), np.array(pdy)
    line_h = float(np.median(h))
    wide = w >= 4 * line_h
    steepest = min(MAX_SLOPE, float((h[wide] / w[wide]).min()) + 0.01) if wide.any() else MAX_SLOPE
    grid = np.arange(-steepest, steepest + 1e-9, 0.002)
    tol = 0.2 * line_h
    lined = np.abs(py[None, :] - grid[:, None] * px[None, :]) <= tol
    score = lined.sum(axis=1)
    best = max(range(len(grid)), key=lambda i: (score[i], -abs(grid[i])))
    if score[best] < (2 if len(units) > FEW_UNITS else 1):
        return 0.0
    slope = float(np.median(py[lined[best]] / px[lined[best]]))
    return 0.0 if abs(slope) < LEVEL_SLOPE else slope


def build_rows(page: PageText) -> list[Row]:
    """Group the page's words into rows (top to bottom) of cells (left to right).

    A line the reader saw stays whole (OCR may print one word of a line a few pixels higher);
    lines whose de-skewed middles fall within one another's text height share a row.
    """
    units = line_units(page.words)
    if not units:
        return []
    slope = estimate_slope(units)
    units.sort(key=lambda u: (_level(u, slope), u[0].box[0]))
    bands: list[list[list[Word]]] = []
    first_level = first_half = 0.0
    for unit in units:
        box = union_box(w.box for w in unit)
        if slope:
            centre = _level(unit, slope)
            half = max(box[3] - box[1] - abs(slope) * (box[2] - box[0]), 0.25 * (box[3] - box[1]))
            half /= 2
        else:  # the unit's box middle, within the first unit's box
            centre = (box[1] + box[3]) / 2
            half = (box[3] - box[1]) / 2
        if bands and abs(centre - first_level) <= first_half:
            bands[-1].append(unit)
            continue
        bands.append([unit])
        first_level, first_half = centre, half
    rows = []
    for index, band in enumerate(bands):
        band.sort(key=lambda u: u[0].box[0])
        cells = tuple(Cell(tuple(u), page.number, index, slope) for u in band)
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
