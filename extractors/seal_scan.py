"""Look for seals on a document's pages: a PDF or an image file, cheaply.

Each PDF page looked at is rendered once, in colour, at a low resolution (:data:`DPI`, lowered
further if the page would exceed the pixel limit); images are decoded once (EXIF orientation
applied, like :mod:`extractors.raster`). Only the first :data:`FIRST_PAGES` pages and the last
page are looked at: contracts and certificates are sealed on the signature page (the last) and
often on the first.

Seal boxes are in the document's own units, origin top left: **PDF points** of the page as
displayed, for PDFs; **pixels** of the image (after EXIF orientation), for images.

A page that carries no colour — a grayscale scan (its page image is gray), a gray image — cannot
show a red or blue seal; :attr:`SealScan.detected` is then ``None`` (undecidable) unless a seal
was found on another page.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pymupdf

from extractors import raster
from extractors.seal import FoundSeal, find_seals, has_color
from verifier.models import Seal

DPI = 100
TEXT_DPI = 300
FIRST_PAGES = 3
# The text of at most this many seals per document is read (two Tesseract calls each).
MAX_READ = 3


@dataclass
class SealScan:
    seals: list[Seal] = field(default_factory=list)
    pages_scanned: list[int] = field(default_factory=list)  # 1-based
    colorless_pages: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def detected(self) -> bool | None:
        """True when a seal was found; False when none was and every page looked at could
        have shown one; None when a page without colour leaves it undecided."""
        if self.seals:
            return True
        return None if self.colorless_pages else False


def pages_to_scan(count: int, first: int = FIRST_PAGES) -> list[int]:
    """0-based indices: the first ``first`` pages and the last one."""
    if count <= 0:
        return []
    idx = list(range(min(first, count)))
    if count - 1 not in idx:
        idx.append(count - 1)
    return idx


def _render(page: pymupdf.Page, dpi: float, max_pixels: int, clip=None) -> np.ndarray:
    rect = clip or page.rect
    w_in, h_in = rect.width / 72.0, rect.height / 72.0
    if w_in * h_in > 0 and w_in * h_in * dpi * dpi > max_pixels:
        dpi = max(20.0, math.sqrt(max_pixels / (w_in * h_in)) * 0.99)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False, clip=clip)
    buf = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    rgb = buf[:, : pix.width * 3].reshape(pix.height, pix.width, 3)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _text_reader(read_text: bool, lang: str):
    if not read_text:
        return None
    from extractors.seal_text import read_seal_text

    return lambda image, seal: read_seal_text(image, seal, lang=lang)


def scan_pdf(
    source: Path | bytes,
    *,
    dpi: float = DPI,
    first_pages: int = FIRST_PAGES,
    max_pixels: int = 150_000_000,
    read_text: bool = True,
    lang: str = "chi_sim+eng",
) -> SealScan:
    """Seals on the pages of a PDF (boxes in points). Raises what MuPDF raises on a file it
    cannot open; the caller turns that into a finding."""
    started = time.monotonic()
    out = SealScan()
    reader = _text_reader(read_text, lang)
    doc = (
        pymupdf.open(stream=source, filetype="pdf")
        if isinstance(source, bytes)
        else pymupdf.open(source, filetype="pdf")
    )
    with doc:
        for index in pages_to_scan(doc.page_count, first_pages):
            page = doc[index]
            image = _render(page, dpi, max_pixels)
            out.pages_scanned.append(index + 1)
            if raster.page_image_dpi(page) is not None and not has_color(image):
                out.colorless_pages.append(index + 1)
                continue
            scale = (image.shape[1] / page.rect.width) if page.rect.width else 1.0
            for found in find_seals(image):
                box = tuple(round(v / scale, 1) for v in found.box)
                text = None
                if reader is not None and len(out.seals) < MAX_READ:
                    text = _read_pdf_text(page, found, scale, max_pixels, reader)
                out.seals.append(Seal(page=index + 1, box=box, color=found.color, text=text))
            pymupdf.TOOLS.store_shrink(100)
    out.seconds = time.monotonic() - started
    return out


def _inked_text(page, rect, color: str) -> str | None:
    """The text-layer words inside ``rect`` set in the seal's ``color`` (red or blue)."""
    words = []
    for block in page.get_text("dict", clip=rect).get("blocks", []):
        for line in block.get("lines", []):
            for span in line.get("spans", []):
                rgb = span.get("color", 0)
                r, g, b = (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255
                inked = (
                    r > 110 and r > 1.6 * g and r > 1.6 * b
                    if color == "red"
                    else b > 90 and b > 1.3 * r and b > 1.05 * g
                )
                if inked and span.get("text", "").strip():
                    words.append(span["text"].strip())
    return " ".join(words) or None


def _read_pdf_text(page, found: FoundSeal, scale: float, max_pixels: int, reader) -> str | None:
    """Re-render only the seal's region at :data:`TEXT_DPI` and read it."""
    x0, y0, x1, y1 = (v / scale for v in found.box)
    pad = 0.1 * max(x1 - x0, y1 - y0)
    clip = pymupdf.Rect(x0 - pad, y0 - pad, x1 + pad, y1 + pad) & page.rect
    if clip.is_empty:
        return None
    # A seal drawn into the PDF carries its words in the text layer, in the seal's ink: take
    # them as written (exact, and no Tesseract call). Text of another colour under the seal is
    # the document's own; only a seal that is an image needs OCR.
    layer = _inked_text(page, pymupdf.Rect(x0, y0, x1, y1), found.color)
    if layer:
        return layer
    crop = _render(page, TEXT_DPI, max_pixels, clip=clip)
    k = crop.shape[1] / clip.width  # pixels per point of the crop
    local = FoundSeal(
        box=((x0 - clip.x0) * k, (y0 - clip.y0) * k, (x1 - clip.x0) * k, (y1 - clip.y0) * k),
        color=found.color,
        shape=found.shape,
        center=((found.center[0] / scale - clip.x0) * k, (found.center[1] / scale - clip.y0) * k),
        axes=(found.axes[0] / scale * k, found.axes[1] / scale * k),
        angle=found.angle,
        score=found.score,
    )
    return reader(crop, local)


def scan_image(
    source: Path | bytes,
    *,
    first_pages: int = FIRST_PAGES,
    max_pixels: int = 150_000_000,
    read_text: bool = True,
    lang: str = "chi_sim+eng",
) -> SealScan:
    """Seals on an image file (every frame of a TIFF counts as a page; boxes in pixels).
    Raises :class:`extractors.raster.RasterError` on an image it cannot decode."""
    started = time.monotonic()
    out = SealScan()
    reader = _text_reader(read_text, lang)
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    last: tuple[int, np.ndarray] | None = None
    for index, image in enumerate(raster.image_frames(data, max_pixels)):
        if index < first_pages:
            _scan_frame(out, index, image, reader)
        else:
            last = (index, image)  # only the last of the rest is looked at
    if last is not None:
        _scan_frame(out, *last, reader)
    out.seconds = time.monotonic() - started
    return out


def _scan_frame(out: SealScan, index: int, image: np.ndarray, reader) -> None:
    out.pages_scanned.append(index + 1)
    if not has_color(image):
        out.colorless_pages.append(index + 1)
        return
    for found in find_seals(image):
        text = reader(image, found) if reader is not None and len(out.seals) < MAX_READ else None
        box = tuple(round(v, 1) for v in found.box)
        out.seals.append(Seal(page=index + 1, box=box, color=found.color, text=text))
