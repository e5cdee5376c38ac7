"""Pixels for OCR: decode uploaded images and rasterise PDF pages, within limits.

Every size check happens *before* pixels are decoded: an image header is read lazily by
Pillow, so a 100k x 100k PNG of a few kilobytes (a decompression bomb) is refused from its
header alone. Pixel counts are ``width * height`` of one image, frame or rendered page and
are compared with :attr:`verifier.settings.Limits.max_pixels`.

Images come back as BGR ``uint8`` arrays (OpenCV's convention) with their EXIF orientation
applied; rendered PDF pages come back as 2-D grayscale ``uint8`` arrays.
"""

from __future__ import annotations

import io
import logging
import math
import warnings
from collections.abc import Iterator

import numpy as np
import pymupdf
from PIL import Image, ImageFile, ImageOps, ImageSequence

log = logging.getLogger(__name__)

# PDF pages are not rendered below this resolution: less cannot be read.
MIN_DPI = 72
# A page image covering at least this much of the page makes the page "a scan".
SCAN_COVER = 0.8


class RasterError(ValueError):
    """An image that cannot be decoded (corrupt, truncated, unsupported)."""


class RasterLimitError(RasterError):
    """An image or page whose pixels exceed the configured limit."""

    def __init__(self, message: str, *, pixels: int, limit: int) -> None:
        super().__init__(message)
        self.pixels = pixels
        self.limit = limit


def _open(data: bytes) -> Image.Image:
    # A truncated image must fail, never be padded with grey and read as if complete.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Our own limit applies; Pillow's bomb warning below it is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise RasterLimitError(
            f"image refused before decoding: {exc}", pixels=-1, limit=-1
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:  # UnidentifiedImageError is an OSError
        raise RasterError(f"not a decodable image: {exc}") from exc


def _check_size(size: tuple[int, int], max_pixels: int, what: str) -> None:
    w, h = size
    if w <= 0 or h <= 0:
        raise RasterError(f"{what} has an empty size {w}x{h}")
    if w * h > max_pixels:
        raise RasterLimitError(
            f"{what} is {w}x{h} = {w * h:,} pixels, over the limit of {max_pixels:,}",
            pixels=w * h,
            limit=max_pixels,
        )


def _to_bgr(img: Image.Image) -> np.ndarray:
    """Decode ``img`` (already size-checked) into a BGR uint8 array."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() if arr.size else 0.0
        scale = 255.0 / top if top > 255 else 1.0
        gray = np.clip(arr * scale, 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in img.info):
        # Transparent regions are paper: composite on white.
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    rgb = np.asarray(img.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _decode_frame(img: Image.Image, max_pixels: int, what: str) -> np.ndarray:
    _check_size(img.size, max_pixels, what)
    try:
        img.load()
        img = ImageOps.exif_transpose(img)
        return _to_bgr(img)
    except Image.DecompressionBombError as exc:
        raise RasterLimitError(f"{what} refused: {exc}", pixels=-1, limit=max_pixels) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise RasterError(f"{what} is corrupt or truncated: {exc}") from exc


def load_image(data: bytes, *, max_pixels: int) -> np.ndarray:
    """Decode the first (or only) frame of an image file into a BGR uint8 array.

    Raises :class:`RasterLimitError` from the header alone when the image has more than
    ``max_pixels`` pixels, and :class:`RasterError` when it is corrupt or truncated.
    """
    img = _open(data)
    with img:
        return _decode_frame(img, max_pixels, f"{img.format or 'image'} image")


def image_frames(data: bytes, max_pixels: int) -> Iterator[np.ndarray]:
    """Yield every frame (page) of a multi-frame image such as a TIFF, each size-checked."""
    img = _open(data)
    with img:
        fmt = img.format or "image"
        try:
            frames = ImageSequence.Iterator(img)
            for i, frame in enumerate(frames, start=1):
                yield _decode_frame(frame, max_pixels, f"{fmt} frame {i}")
        except RasterError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise RasterError(f"{fmt} frame list is corrupt: {exc}") from exc


def render_pdf_page(
    page: pymupdf.Page,
    *,
    dpi: int,
    max_pixels: int,
    notes: list[str] | None = None,
) -> np.ndarray:
    """Rasterise ``page`` in grayscale at ``dpi``; a 2-D uint8 array.

    When the page would exceed ``max_pixels`` the resolution is lowered to fit, and the
    change is logged and appended to ``notes`` if given; :class:`RasterLimitError` is raised
    only when even :data:`MIN_DPI` would exceed the limit.
    """
    rect = page.rect
    w_in, h_in = rect.width / 72.0, rect.height / 72.0
    if w_in <= 0 or h_in <= 0:
        raise RasterError(f"page {page.number + 1} has an empty size")

    def pixels(d: float) -> int:
        return math.ceil(w_in * d) * math.ceil(h_in * d)

    if pixels(MIN_DPI) > max_pixels:
        raise RasterLimitError(
            f"page {page.number + 1} ({rect.width:.0f}x{rect.height:.0f} pt) exceeds "
            f"{max_pixels:,} pixels even at {MIN_DPI} dpi",
            pixels=pixels(MIN_DPI),
            limit=max_pixels,
        )
    used = dpi
    if pixels(used) > max_pixels:
        used = int(math.sqrt(max_pixels / (w_in * h_in)))
        while used > MIN_DPI and pixels(used) > max_pixels:
            used -= 1
        used = max(used, MIN_DPI)
        msg = f"render: {dpi} dpi lowered to {used} dpi to stay within {max_pixels:,} pixels"
        log.info("page %d: %s", page.number + 1, msg)
        if notes is not None:
            notes.append(msg)
    try:
        pix = page.get_pixmap(dpi=used, colorspace=pymupdf.csGRAY, alpha=False)
    except Exception as exc:  # MuPDF raises its own FzError family
        raise RasterError(f"page {page.number + 1} cannot be rendered: {exc}") from exc
    buf = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    return np.ascontiguousarray(buf[:, : pix.width * pix.n].reshape(pix.height, pix.width))


def page_image_dpi(page: pymupdf.Page) -> int | None:
    """The native resolution of a scanned page's one big image, or None.

    A page counts as a scan when a single image covers at least :data:`SCAN_COVER` of it.
    The resolution is the geometric mean over both axes, so a rotated placement is fine.
    Rendering at that resolution reproduces the scan's pixels without needless upscaling.
    """
    page_area = abs(page.rect)
    if page_area <= 0:
        return None
    best = None
    for info in page.get_image_info():
        bbox = pymupdf.Rect(info["bbox"]) & page.rect
        area = abs(bbox)
        if area >= SCAN_COVER * page_area and (best is None or area > best[0]):
            best = (area, info)
    if best is None:
        return None
    area, info = best
    bbox = pymupdf.Rect(info["bbox"])
    placed_in2 = abs(bbox) / (72.0 * 72.0)
    if placed_in2 <= 0:
        return None
    dpi = math.sqrt(info["width"] * info["height"] / placed_in2)
    return max(1, round(dpi))
