"""A fake OCR engine for fast unit tests (the habit of OCRmyPDF's tests/plugins).

It returns the text lines the fixture generator drew on each page (from the transaction's
ground truth, keyed by the file's sha256 and page number) instead of running Tesseract, so the
whole pipeline — triage, classification, extraction, checks — runs on every medium in
milliseconds. What it cannot test is OCR itself: the integration suite does that.

A photo uploaded sideways or upside down (the truth's ``rotation``) is read as the real
reader reads it after orientation detection: upright, so its lines come back turned back.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from extractors.page import PageText, Word


def _upright(box: list[float], rotation: int, size: list[int]) -> list[float]:
    """A box of the uploaded (turned by ``rotation``) image in the upright page's frame."""
    fw, fh = size  # the uploaded image
    x0, y0, x1, y1 = box
    if rotation == 90:  # upright (x, y) -> (h-1-y, x)
        return [y0, fw - 1 - x1, y1, fw - 1 - x0]
    if rotation == 180:
        return [fw - 1 - x1, fh - 1 - y1, fw - 1 - x0, fh - 1 - y0]
    if rotation == 270:  # upright (x, y) -> (y, w-1-x)
        return [fh - 1 - y1, x0, fh - 1 - y0, x1]
    return box


def load_truth_lines(*truth_files: Path) -> dict[str, dict[int, list[dict]]]:
    out: dict[str, dict[int, list[dict]]] = {}
    for path in truth_files:
        truth = json.loads(Path(path).read_text(encoding="utf-8"))
        for doc in truth["documents"].values():
            pages: dict[int, list[dict]] = {}
            rotation, size = doc.get("rotation") or 0, doc.get("image_size")
            for line in doc.get("lines", []):
                if rotation and size:
                    line = {**line, "box": _upright(line["box"], rotation, size)}
                pages.setdefault(int(line["page"]), []).append(line)
            out[doc["sha256"]] = pages
    return out


def _words(line: dict, index: int, conf: float) -> list[Word]:
    x0, y0, x1, y1 = line["box"]
    text = line["text"]
    tokens = text.split()
    out, pos = [], 0
    width = (x1 - x0) / max(len(text), 1)
    for tok in tokens:
        start = text.index(tok, pos)
        pos = start + len(tok)
        box = (x0 + start * width, y0, x0 + pos * width, y1)
        out.append(Word(tok, box, conf, (index,)))
    return out


class FakeOcrReader:
    def __init__(self, lines: dict[str, dict[int, list[dict]]], conf: float = 0.95) -> None:
        self.lines, self.conf = lines, conf
        self.calls: list[str] = []
        self.last_image = None

    def read(self, image: np.ndarray, *, page_number: int, key: str = "") -> PageText:
        self.calls.append(key)
        sha, _, _ = key.partition(":")
        drawn = self.lines.get(sha, {}).get(page_number, [])
        words = [w for i, line in enumerate(drawn) for w in _words(line, i, self.conf)]
        height, width = image.shape[:2]
        if drawn:
            width = max(width, max(line["box"][2] for line in drawn))
            height = max(height, max(line["box"][3] for line in drawn))
        return PageText(page_number, float(width), float(height), words, "ocr", "px",
                        notes=["fake OCR"])

    def reread_many(self, boxes, *, psm=6, whitelist=None, lang=None, image=None, enlarge=True):
        return [[] for _ in boxes]


class FakeReaderFactory:
    """Picklable factory, so the pipeline may also hand it to worker processes."""

    def __init__(self, *truth_files: Path) -> None:
        self.lines = load_truth_lines(*truth_files)

    def __call__(self, settings) -> FakeOcrReader:
        return FakeOcrReader(self.lines)
