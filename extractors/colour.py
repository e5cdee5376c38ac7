"""The vehicle's body colour in a photo, as a colour name, and which stated colours it rules out.

Method: the photo is reduced to 160 px, converted to CIE L*a*b* (CIE 15:2004, D65, through
OpenCV), and the pixels of its central region (where a photographer puts the car) are
clustered with k-means. A cluster that is also common in the photo's outer frame is scenery
(sky, ground, wall) and is discarded; the largest remaining cluster is the body. It is named
by lightness and chroma (achromatic: white, silver, grey, black) or by hue angle (red, orange,
yellow, green, blue, purple, brown, beige). When no cluster stands out (the car does not fill
the centre, or the body looks like the background) the answer is ``None``: unsure.

No library names a car's colour from a photo; OpenCV's k-means and colour conversion do the
work, the naming table below is ours. Comparison is deliberately lenient: white, silver, grey
(and beige) are neighbours under daylight and exposure, so only contradictions between
families (red vs blue, white vs black) count, see :func:`contradicts`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

SIZE = 160
CLUSTERS = 6
# A centre cluster is scenery when at least this share of the frame's pixels lies near it.
FRAME_SHARE = 0.03
NEAR_DE = 12.0  # ΔE*ab counted as "the same colour" between a cluster centre and a pixel
MIN_SHARE = 0.15  # of the central region, for the body cluster
CHROMA_BODY = 20.0  # C*ab above which a cluster is "coloured" rather than white/grey/black
DARK_BODY_SHARE = 0.4  # a black answer needs this much of the centre

# Hue angles (degrees, a*b* plane) of the chromatic names; brown and beige are dark/light
# variants of the orange-yellow hues and decided by lightness.
_HUES = {
    "red": 30.0,
    "orange": 60.0,
    "yellow": 90.0,
    "green": 150.0,
    "blue": 265.0,
    "purple": 320.0,
}

# Stated words onto the names this module uses.
SYNONYMS = {
    "gray": "grey",
    "pearl": "white",
    "ivory": "white",
    "cream": "beige",
    "champagne": "beige",
    "gold": "beige",
    "golden": "beige",
    "maroon": "red",
    "burgundy": "red",
    "wine": "red",
    "navy": "blue",
    "teal": "green",
    "olive": "green",
    "bronze": "brown",
    "tan": "beige",
    "violet": "purple",
    "graphite": "grey",
    "charcoal": "grey",
    "titanium": "silver",
    "white": "white",
    "black": "black",
    "silver": "silver",
    "grey": "grey",
    "red": "red",
    "blue": "blue",
    "green": "green",
    "brown": "brown",
    "beige": "beige",
    "yellow": "yellow",
    "orange": "orange",
    "purple": "purple",
}

# Names a photo can show for a stated colour without contradicting it (symmetric).
_CLOSE: dict[str, set[str]] = {
    "white": {"silver", "grey", "beige"},
    "silver": {"white", "grey", "beige"},
    "grey": {"white", "silver", "black", "blue", "beige"},
    "black": {"grey"},
    "beige": {"white", "silver", "grey", "brown", "yellow", "orange"},
    "brown": {"beige", "orange", "red", "black"},
    "red": {"orange", "brown", "purple"},
    "orange": {"red", "yellow", "brown", "beige"},
    "yellow": {"orange", "beige"},
    "green": set(),
    "blue": {"grey", "purple"},
    "purple": {"blue", "red"},
}


@dataclass(frozen=True)
class BodyColour:
    name: str
    lab: tuple[float, float, float]
    share: float  # of the central region


def stated_name(text: str | None) -> str | None:
    """The colour name of a stated colour (``"Pearl White"`` → ``white``); None if unknown."""
    if not text:
        return None
    for word in reversed(text.lower().replace("-", " ").split()):
        if word in SYNONYMS:
            return SYNONYMS[word]
    return None


def contradicts(seen: str, stated: str) -> bool:
    """True when a photo showing ``seen`` cannot be a vehicle of colour ``stated``."""
    return (
        seen != stated
        and seen not in _CLOSE.get(stated, set())
        and (stated not in _CLOSE.get(seen, set()))
    )


def name_lab(lab: tuple[float, float, float]) -> str:
    """The colour name of one L*a*b* colour (L 0-100)."""
    lightness, a, b = lab
    chroma = math.hypot(a, b)
    hue = math.degrees(math.atan2(b, a)) % 360
    if chroma < 12 or (chroma < 18 and lightness > 75):
        if lightness >= 78:
            return "white"
        if lightness >= 58:
            return "silver"
        if lightness >= 28:
            return "grey"
        return "black"
    if 35 <= hue <= 100 and chroma < 40:  # warm, weakly saturated: brown or beige
        return "beige" if lightness >= 60 else "brown"
    best = min(_HUES, key=lambda n: min(abs(hue - _HUES[n]), 360 - abs(hue - _HUES[n])))
    return best


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def body_colour(image: Image.Image) -> BodyColour | None:
    """The dominant non-background colour of the photo's centre, or None when unsure."""
    im = ImageOps.exif_transpose(image).convert("RGB")
    scale = SIZE / max(im.size)
    im = im.resize(
        (max(8, round(im.width * scale)), max(8, round(im.height * scale))),
        Image.Resampling.BILINEAR,
    )
    lab = _lab(np.asarray(im))
    h, w = lab.shape[:2]
    centre = lab[int(h * 0.3) : int(h * 0.85), int(w * 0.2) : int(w * 0.8)].reshape(-1, 3)
    frame_mask = np.ones((h, w), bool)
    frame_mask[int(h * 0.1) : int(h * 0.9), int(w * 0.08) : int(w * 0.92)] = False
    frame = lab[frame_mask]
    cv2.setRNGSeed(7)  # k-means++ seeding: the same photo always gives the same answer
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.5)
    _, labels, centres = cv2.kmeans(
        centre.astype(np.float32), CLUSTERS, None, criteria, 3, cv2.KMEANS_PP_CENTERS
    )
    labels = labels.ravel()
    candidates = []
    for k, c in enumerate(centres):
        share = float((labels == k).mean())
        near_frame = float((np.linalg.norm(frame - c, axis=1) < NEAR_DE).mean())
        if share >= MIN_SHARE and near_frame < FRAME_SHARE:
            lab_c = (round(float(c[0]), 1), round(float(c[1]), 1), round(float(c[2]), 1))
            candidates.append(BodyColour(name_lab(lab_c), lab_c, round(share, 3)))
    return _pick(candidates)


def _pick(candidates: list[BodyColour]) -> BodyColour | None:
    """The body among the central non-scenery clusters. Windows, tyres and wheels are
    achromatic parts of every car, so a clearly coloured cluster is the body whenever there is
    one; two of contradicting colours, or only dark clusters of modest size, are unsure."""
    chromatic = [c for c in candidates if math.hypot(c.lab[1], c.lab[2]) >= CHROMA_BODY]
    pool = chromatic or candidates
    if not pool:
        return None
    pool = sorted(pool, key=lambda c: c.share, reverse=True)
    best = pool[0]
    for other in pool[1:]:
        if other.share >= 0.7 * best.share and contradicts(other.name, best.name):
            return None
    if best.name == "black" and best.share < DARK_BODY_SHARE:
        return None  # windows, tyres and shadows are dark too
    return best
