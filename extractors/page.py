"""What a page says, whichever way it was read: words with boxes and confidences.

Both the PDF text layer and OCR produce a :class:`PageText`, so classification and field
extraction never care which one they got. Boxes are ``(x0, y0, x1, y1)`` with the origin at
the top left, in the page's own units (PDF points for a text layer, pixels of the cleaned-up
raster for OCR); ``unit`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    conf: float  # 0..1; 1.0 for a text layer
    line_key: tuple[int, ...] = ()  # words sharing a key were read as one line


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        return union_box(w.box for w in self.words)

    @property
    def conf(self) -> float:
        return min((w.conf for w in self.words), default=0.0)


@dataclass
class PageText:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    method: Literal["text_layer", "ocr"]
    unit: Literal["pt", "px"] = "pt"
    notes: list[str] = field(default_factory=list)  # clean-up steps applied, passes run

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines())

    def lines(self) -> list[Line]:
        """Words grouped by their line key, in reading order (top to bottom, left to right)."""
        groups: dict[tuple[int, ...], list[Word]] = {}
        for w in self.words:
            groups.setdefault(w.line_key, []).append(w)
        lines = [Line(tuple(sorted(ws, key=lambda w: w.box[0]))) for ws in groups.values()]
        band = max(self.height, 1) / 200
        return sorted(lines, key=lambda ln: (round(ln.box[1] / band), ln.box[0]))


def union_box(boxes) -> Box:
    boxes = list(boxes)
    if not boxes:
        return (0.0, 0.0, 0.0, 0.0)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def boxes_overlap(a: Box, b: Box) -> bool:
    """Whether two boxes share some area (touching edges do not)."""
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
