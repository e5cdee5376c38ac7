"""Build PageText objects from a few lines of layout for unit tests."""

from __future__ import annotations

from extractors.page import PageText, Word

CHAR_W, LINE_H = 6.0, 12.0


def page(*rows: tuple[float, float, str] | tuple[float, str], number: int = 1,
         conf: float = 1.0, method: str = "text_layer", height: float = 842.0) -> PageText:
    """Each row: (y, x, text) or (y, text) with x=50. Words are laid out left to right."""
    words = []
    for key, row in enumerate(rows):
        y, x, text = row if len(row) == 3 else (row[0], 50.0, row[1])
        pos = x
        for token in text.split(" "):
            if not token:
                pos += CHAR_W
                continue
            words.append(Word(token, (pos, y, pos + CHAR_W * len(token), y + LINE_H), conf,
                              (key,)))
            pos += CHAR_W * (len(token) + 1)
    return PageText(number, 595.0, height, words, method)
