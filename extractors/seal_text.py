"""Read the text of a company seal, best effort: the centre and the rim.

The seal's own ink is isolated by colour (:func:`extractors.seal.ink_masks`), so black print
under the seal does not disturb Tesseract, and read twice:

* the **centre** (inside 84% of the fitted ellipse) as a block (``--psm 6``): the seal's name
  (合同专用章, COMPANY SEAL) or a hanko's characters;
* the **rim**, unwrapped with ``cv2.warpPolar`` into a straight strip (an oval first made
  round by an affine map), starting at the bottom so the company name running clockwise over
  the top is one line (``--psm 7``), tops of the characters upwards.

Words below :data:`MIN_CONF` are dropped; ``None`` when nothing readable remains. Tesseract
runs through :mod:`extractors.ocr` (timeouts, its failures as :class:`OcrError`).
"""

from __future__ import annotations

import logging
import math
import re

import cv2
import numpy as np

from extractors.ocr import OcrError, _tsv, parse_tsv
from extractors.seal import FoundSeal, ink_masks, remove_cast

log = logging.getLogger(__name__)

MIN_CONF = 0.55
# The seal is enlarged (or reduced) to this diameter in pixels before reading.
READ_DIAMETER = 420
# The centre read keeps the ink inside this share of the fitted ellipse (the rim lies outside).
CENTRE = 0.84
_USEFUL = re.compile(r"[0-9A-Za-z\u3040-\u30ff\u3400-\u9fff]")


def _ink_image(crop: np.ndarray, color: str) -> np.ndarray:
    """Black seal ink on white, from a BGR crop around the seal."""
    mask = ink_masks(remove_cast(crop))[color]  # type: ignore[index]
    return 255 - mask


def drop_long_strokes(ink: np.ndarray, longest: float) -> np.ndarray:
    """White out strokes longer than ``longest`` pixels (what is left of a ring or its inner
    line): Tesseract reads them as text."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats((ink < 128).astype(np.uint8), 8)
    long_ = np.nonzero(np.maximum(stats[:, 2], stats[:, 3]) > longest)[0]
    long_ = long_[long_ > 0]
    out = ink.copy()
    if len(long_):
        out[np.isin(labels, long_)] = 255
    return out


def _words(image: np.ndarray, *, psm: int, lang: str, timeout_s: float) -> list[str]:
    tsv = _tsv(image, lang=lang, psm=psm, timeout_s=timeout_s)
    out = []
    for w in parse_tsv(tsv):
        useful = _USEFUL.findall(w.text)
        cjk = any(ord(c) > 0x2FFF for c in useful)
        if w.conf >= MIN_CONF and (len(useful) >= 2 or (cjk and useful)):
            out.append(w.text.strip("“”‘’\"'"))
    return out


def _join(words: list[str]) -> str:
    text = ""
    for w in words:
        cjk = text and ord(text[-1]) > 0x2FFF and ord(w[0]) > 0x2FFF
        text += w if (not text or cjk) else " " + w
    return text


def unwrap_rim(ink: np.ndarray, seal: FoundSeal, origin: tuple[float, float]) -> np.ndarray:
    """The rim band (radius 0.5..0.97 of the seal) of ``ink`` as a straight strip, read left
    to right clockwise from the bottom; ``origin`` is the crop's top left in the seal's
    coordinates."""
    cx, cy = seal.center[0] - origin[0], seal.center[1] - origin[1]
    w, h = seal.axes
    # make an oval round: rotate its axes onto x/y, stretch the short one
    big = max(w, h)
    m = cv2.getRotationMatrix2D((cx, cy), seal.angle, 1.0)
    rot = cv2.warpAffine(ink, m, (ink.shape[1], ink.shape[0]), borderValue=255)
    sx, sy = big / max(w, 1.0), big / max(h, 1.0)
    stretch = np.array([[sx, 0, cx * (1 - sx)], [0, sy, cy * (1 - sy)]], np.float64)
    round_ = cv2.warpAffine(rot, stretch, (ink.shape[1], ink.shape[0]), borderValue=255)
    radius = big / 2
    n_r = max(16, int(radius))
    n_a = max(64, int(2 * math.pi * radius * 0.75))
    polar = cv2.warpPolar(
        round_, (n_r, n_a), (cx, cy), radius, cv2.WARP_POLAR_LINEAR | cv2.INTER_LINEAR
    )
    # rows are angles (0 = +x, growing clockwise on screen), columns radii
    polar = np.roll(polar, -n_a // 4, axis=0)  # start at the bottom (90 degrees)
    band = polar[:, int(0.5 * n_r) : int(0.97 * n_r)]
    strip = cv2.flip(band.T, 0)  # radius upwards: tops of the characters point outwards
    strip = drop_long_strokes(strip, 0.25 * strip.shape[1])
    return cv2.copyMakeBorder(strip, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255)


def read_seal_text(
    image: np.ndarray,
    seal: FoundSeal,
    *,
    lang: str = "chi_sim+eng",
    timeout_s: float = 20.0,
) -> str | None:
    """The text of ``seal`` on ``image`` (BGR, the coordinates ``seal`` was found in), or
    None when Tesseract reads nothing confident or cannot run (logged)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = seal.box
    pad = 0.08 * max(x1 - x0, y1 - y0)
    cx0, cy0 = max(0, int(x0 - pad)), max(0, int(y0 - pad))
    cx1, cy1 = min(w, int(x1 + pad) + 1), min(h, int(y1 + pad) + 1)
    crop = image[cy0:cy1, cx0:cx1]
    if crop.size == 0 or crop.ndim != 3:
        return None
    scale = READ_DIAMETER / max(seal.axes)
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    ink = _ink_image(crop, seal.color)
    scaled = FoundSeal(
        box=seal.box,
        color=seal.color,
        shape=seal.shape,
        center=((seal.center[0] - cx0) * scale, (seal.center[1] - cy0) * scale),
        axes=(seal.axes[0] * scale, seal.axes[1] * scale),
        angle=seal.angle,
        score=seal.score,
    )
    parts: list[str] = []
    try:
        if seal.shape != "square":
            rim = unwrap_rim(ink, scaled, (0.0, 0.0))
            parts.append(_join(_words(rim, psm=7, lang=lang, timeout_s=timeout_s)))
        centre = _centre(ink, scaled, CENTRE if seal.shape != "square" else 0.95)
        parts.append(_join(_words(centre, psm=6, lang=lang, timeout_s=timeout_s)))
    except OcrError as exc:  # best effort: the seal stays detected, its text unknown
        log.info("seal text not read: %s", exc)
        return None
    text = " / ".join(p for p in parts if p)
    return text if len(_USEFUL.findall(text)) >= 2 else None


def _centre(ink: np.ndarray, seal: FoundSeal, keep: float) -> np.ndarray:
    """Only the ink inside ``keep`` of the fitted shape (the rim whited out)."""
    mask = np.zeros(ink.shape, np.uint8)
    (cx, cy), (w, h) = seal.center, seal.axes
    if seal.shape == "square":
        box = cv2.boxPoints(((cx, cy), (w * keep, h * keep), seal.angle)).astype(np.int32)
        cv2.fillConvexPoly(mask, box, 255)
    else:
        cv2.ellipse(mask, ((cx, cy), (w * keep, h * keep), seal.angle), 255, -1)
    out = np.where(mask > 0, ink, 255).astype(np.uint8)
    return drop_long_strokes(out, 0.45 * keep * max(w, h))
