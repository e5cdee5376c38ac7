"""Find company seals (chops, hanko, ink stamps) on a page image by colour and shape.

A company seal is an ink impression, red (Chinese 公章 / 合同专用章, Japanese 印鑑) or blue
(ink stamps), in one of three shapes: a round or oval ring with text around it and often a
star (the Chinese public-security regulation on company seals, 公安部《印章治安管理办法》,
prescribes a round seal with a five-pointed star and the company name around the rim); a
square frame with characters inside (角印); a small round hanko. This module finds them on a
BGR page image:

1. **Colour.** The paper colour is estimated (bright pixels) and divided out, which removes
   the colour cast of a phone photo's light. Red is hue 0±12 wrapping over 180 (OpenCV's half
   degrees), blue 96–132, both with enough saturation to be ink and not JPEG noise on white
   (faded ink keeps its hue, so the saturation floor is low and the shape does the rest).
2. **Grouping.** Straight strokes longer than any seal (table rules, underlines: probabilistic
   Hough lines) are taken out first, except where another stroke crosses them, so a seal
   stamped across a ruled table stays a shape of its own. Ink pixels within ~1% of the page of
   each other then form one candidate, so a ring broken by faded ink or crossed by black text
   stays one; specks (JPEG noise) beside it are left out of its outline.
3. **Shape.** An ellipse is fitted to the candidate's convex hull (sampled evenly along it);
   when a stroke of the same ink touches the ring (a signature across the seal), the hull is
   no ellipse and the ellipse most of the outer contour agrees on (RANSAC) is tried too.
   A round or oval seal has a hull that *is* that ellipse (small residual), a rim inked all
   the way round (angular coverage of the outer band) and some ink inside (text, a star), but
   is not a solid disc (a logo). A square seal has a hull that fills its rotated rectangle,
   four inked sides and ink inside. Sizes are relative to the page (about 1/22 to 1/3 of the
   page's short side), aspect ratios those of real seals (ovals up to 2:1).
4. **Paper.** Seal ink is on paper: around a seal, what is not ink is about as bright as the
   page (a phone photo's dark desk, whose grain can look like a ring, is not).

Rejected by construction: red or blue text lines and headings (no closed rim, elongated),
table rules and letterhead bands (erased as rules, elongated or too large), solid logos
(filled), signature ink and handwriting (no closed rim), a pen circle around a value (nothing
coloured inside), anything off the page in a photo (not on paper).

Why not a library: no maintained seal or stamp detector exists for OpenCV; this is plain
OpenCV (colour space conversion, morphology, connected components, ``fitEllipse``,
``minAreaRect``) with thresholds measured by ``benchmarks/seals.py``.

Coordinates are pixels of the image given (origin top left); the callers map them to the
document's units (:mod:`extractors.seal_scan`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

Color = Literal["red", "blue"]
Shape = Literal["round", "oval", "square"]

# Working size: pages are analysed with their short side at most this many pixels.
WORK_SIDE = 1000
# Ink: minimum saturation and value (0..255) after the paper's colour cast is removed.
MIN_SATURATION = 32
MIN_VALUE = 60
RED_HUE = 12  # red is hue <= RED_HUE or >= 180 - RED_HUE (OpenCV hue is 0..179)
BLUE_HUE = (96, 132)
# Seal size: major axis as a fraction of the image's short side.
MIN_SIZE = 0.045
MAX_SIZE = 0.34
MIN_PIXELS = 22
# Fewer ink pixels of a colour than this make no seal (a ring of the smallest size is longer):
# the page is not searched for one of that colour.
MIN_INK = 40
# Grouping distance as a fraction of the short side.
GROUP = 0.008
# Round/oval acceptance.
MIN_ROUND_ASPECT = 0.5  # minor / major
MAX_RESIDUAL = 0.05  # mean |r - 1| of hull points in the fitted ellipse's own units
MIN_RIM_COVERAGE = 0.72  # share of directions with ink in the outer band
MIN_INNER_INK = 0.03  # share of the inside (r < 0.7) that is ink
MAX_INNER_INK = 0.5  # more is a solid disc (a logo), not an impression
MAX_RIM_FILL = 0.8  # share of the outer band that is ink: a seal's rim is a line, not a disc
# Hough circle proposals: circularity (0..1, OpenCV's HOUGH_GRADIENT_ALT) and how many.
HOUGH_CIRCULARITY = 0.6
MAX_HOUGH = 12
HOUGH_BAND = 8  # px of the page around the ink that the circle transform looks at
# Rules (table lines, underlines, letterhead bands): straight runs longer than any seal can be,
# as a fraction of the short side; erased before grouping so a seal stamped across one stays
# a shape of its own.
MIN_RULE = 0.4
MAX_RULES = 300  # at most this many line segments are erased (a letterhead band gives many)
# Ink specks (JPEG noise) near a seal: pieces smaller than this share of the candidate's ink
# (and at most SPECK_PIXELS) are left out of its outline.
SPECK_SHARE = 0.02
SPECK_PIXELS = 20
# RANSAC ellipse fit (a seal touched by a stroke of its own ink): tries, inlier band in the
# ellipse's own units, and the share of the outline that must be on the ellipse.
RANSAC_TRIES = 120
RANSAC_BAND = 0.04
RANSAC_MIN_INLIERS = 0.45
# Ink lies on paper: the median brightness of what is not ink around a seal is at least this
# share of the paper's brightness (a dark desk's texture in a phone photo is not paper).
MIN_PAPER = 0.6
# Square acceptance.
MIN_SQUARE_ASPECT = 0.66
MIN_RECT_FILL = 0.9  # hull area / rotated rectangle area
MIN_SIDE_COVERAGE = 0.7
MAX_SPANNING_LINE = 0.95  # an inside row and column inked this far across: a table grid


@dataclass(frozen=True)
class FoundSeal:
    """A seal on the image: its box (x0, y0, x1, y1) in pixels, colour, shape, the ellipse
    or rotated rectangle fitted to it (centre, axes, angle: OpenCV's ``RotatedRect``) and a
    score (0..1, how cleanly the shape tests passed)."""

    box: tuple[float, float, float, float]
    color: Color
    shape: Shape
    center: tuple[float, float]
    axes: tuple[float, float]  # full width and height of the fitted ellipse or rectangle
    angle: float
    score: float


# ------------------------------------------------------------------------------ colour


def _as_bgr(image: np.ndarray) -> np.ndarray | None:
    """A uint8 3-channel copy, or None when the image carries no colour at all."""
    if not isinstance(image, np.ndarray) or image.size == 0 or image.dtype != np.uint8:
        raise ValueError("expected a non-empty uint8 image array")
    if image.ndim == 2:
        return None
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"expected a gray, BGR or BGRA image, got shape {image.shape}")
    return image[:, :, :3] if image.shape[2] == 4 else image


def has_color(image: np.ndarray) -> bool:
    """Whether the image carries colour at all: a grayscale scan cannot show a red seal."""
    bgr = _as_bgr(image)
    if bgr is None:
        return False
    b, g, r = (bgr[:, :, i].astype(np.int16) for i in range(3))
    return bool(np.any(b != g) or np.any(g != r))


def remove_cast(bgr: np.ndarray) -> np.ndarray:
    """Divide out the paper's colour: the brightest pixels are taken to be white paper."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    bright = (gray >= _percentile(_histogram(gray), 90)).view(np.uint8)
    if cv2.countNonZero(bright) < 100:
        return bgr
    paper = np.array([_percentile(_histogram(bgr, i, bright), 50) for i in range(3)], np.float32)
    if paper.min() < 60:  # a dark image: no paper to balance on
        return bgr
    gain = paper.max() / np.maximum(paper, 1.0)
    if np.all(gain == 1.0):  # white paper: nothing to divide out
        return bgr
    # one lookup table per channel: the same truncated products as multiplying every pixel
    levels = np.arange(256, dtype=np.float32)[:, None] * gain[None, :]
    lut = np.clip(levels, 0, 255).astype(np.uint8).reshape(256, 1, 3)
    return cv2.LUT(bgr, lut)


def _histogram(image: np.ndarray, channel: int = 0, mask: np.ndarray | None = None) -> np.ndarray:
    """Counts of the 256 values of one channel of an 8-bit image (where ``mask`` is set)."""
    return cv2.calcHist([image], [channel], mask, [256], [0, 256]).ravel().astype(np.int64)


def _percentile(hist: np.ndarray, q: float) -> float:
    """The ``q``-th percentile of 8-bit values from their histogram, interpolated linearly
    between the two nearest ranks as ``np.percentile`` does (a sort of a whole page is what
    this avoids)."""
    cum = np.cumsum(hist)
    at = q / 100.0 * (int(cum[-1]) - 1)
    lo = int(math.floor(at))
    v_lo = int(np.searchsorted(cum, lo, side="right"))
    v_hi = int(np.searchsorted(cum, min(lo + 1, int(cum[-1]) - 1), side="right"))
    return v_lo + (v_hi - v_lo) * (at - lo)


def ink_masks(bgr: np.ndarray) -> dict[Color, np.ndarray]:
    """Red and blue ink masks (uint8 0/255) of a colour-balanced BGR image."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    low, high = (MIN_SATURATION, MIN_VALUE), (255, 255)
    red = cv2.inRange(hsv, (0, *low), (RED_HUE, *high)) | cv2.inRange(
        hsv, (180 - RED_HUE, *low), (179, *high)
    )
    blue = cv2.inRange(hsv, (BLUE_HUE[0], *low), (BLUE_HUE[1], *high))
    return {"red": red, "blue": blue}


# ------------------------------------------------------------------------------ shape


def _hull_samples(points: np.ndarray, n: int = 128) -> np.ndarray:
    """``n`` points evenly spaced along the convex hull of ``points`` (N x 2)."""
    hull = cv2.convexHull(points.astype(np.float32)).reshape(-1, 2)
    closed = np.vstack([hull, hull[:1]])
    seg = np.hypot(*np.diff(closed, axis=0).T)
    total = seg.sum()
    if total <= 0:
        return hull
    at = np.linspace(0, total, n, endpoint=False)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    idx = np.clip(np.searchsorted(cum, at, side="right") - 1, 0, len(seg) - 1)
    t = (at - cum[idx]) / np.maximum(seg[idx], 1e-9)
    return closed[idx] + (closed[idx + 1] - closed[idx]) * t[:, None]


def _to_unit(points: np.ndarray, center, axes, angle) -> np.ndarray:
    """Points in the frame of an OpenCV ellipse where the ellipse is the unit circle."""
    a, b = axes[0] / 2.0, axes[1] / 2.0
    th = math.radians(angle)
    d = points - np.asarray(center, np.float64)
    x = d[:, 0] * math.cos(th) + d[:, 1] * math.sin(th)
    y = -d[:, 0] * math.sin(th) + d[:, 1] * math.cos(th)
    return np.stack([x / max(a, 1e-6), y / max(b, 1e-6)], axis=1)


def _from_unit(u: np.ndarray, center, axes, angle) -> np.ndarray:
    a, b = axes[0] / 2.0, axes[1] / 2.0
    th = math.radians(angle)
    x, y = u[:, 0] * a, u[:, 1] * b
    return np.stack(
        [
            center[0] + x * math.cos(th) - y * math.sin(th),
            center[1] + x * math.sin(th) + y * math.cos(th),
        ],
        axis=1,
    )


def _sample(mask: np.ndarray, pts: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    xi = np.clip(np.round(pts[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(pts[:, 1]).astype(int), 0, h - 1)
    return mask[yi, xi] > 0


def _ink_near(ink: np.ndarray, center, axes) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of every ink pixel (any component) in the box around a fitted shape."""
    h, w = ink.shape
    half = max(axes) * 0.56
    x0, x1 = max(0, int(center[0] - half)), min(w, int(center[0] + half) + 1)
    y0, y1 = max(0, int(center[1] - half)), min(h, int(center[1] + half) + 1)
    ys, xs = np.nonzero(ink[y0:y1, x0:x1])
    return ys + y0, xs + x0


def _round_test(ink: np.ndarray, ellipse) -> float | None:
    """Score of a round/oval seal (None: not one). ``ink`` is the whole page's mask: the
    text and star inside a ring are strokes of their own."""
    center, axes, angle = ellipse
    ys, xs = _ink_near(ink, center, axes)
    u = _to_unit(np.stack([xs, ys], axis=1).astype(np.float64), center, axes, angle)
    r = np.hypot(u[:, 0], u[:, 1])
    inside_area = math.pi * (axes[0] / 2) * (axes[1] / 2)
    inner = np.count_nonzero(r < 0.7) / max(1.0, inside_area * 0.49)
    if not MIN_INNER_INK <= inner <= MAX_INNER_INK:
        return None
    band = np.count_nonzero((r >= 0.8) & (r <= 1.05)) / max(1.0, inside_area * (1.1025 - 0.64))
    if band > MAX_RIM_FILL:
        return None
    # rim coverage: 120 directions, each looking for ink between r = 0.8 and 1.06
    angles = np.linspace(0, 2 * math.pi, 120, endpoint=False)
    hit = np.zeros(len(angles), bool)
    for rad in np.linspace(0.8, 1.06, 8):
        u_pts = np.stack([np.cos(angles) * rad, np.sin(angles) * rad], axis=1)
        hit |= _sample(ink, _from_unit(u_pts, center, axes, angle))
    coverage = hit.mean()
    if coverage < MIN_RIM_COVERAGE:
        return None
    return float(coverage)


def _square_test(ink: np.ndarray, rect) -> float | None:
    """Score of a square seal (None: not one); ``ink`` as for :func:`_round_test`."""
    center, (w, h), angle = rect
    if min(w, h) / max(w, h, 1e-6) < MIN_SQUARE_ASPECT:
        return None
    ys, xs = _ink_near(ink, center, (w, h))
    u = _to_unit(np.stack([xs, ys], axis=1).astype(np.float64), center, (w, h), angle)
    ax, ay = np.abs(u[:, 0]), np.abs(u[:, 1])
    core = (ax < 0.75) & (ay < 0.75)
    inner = np.count_nonzero(core) / max(1.0, w * h * 0.5625)
    if not MIN_INNER_INK <= inner <= MAX_INNER_INK:
        return None
    # a table: an inside row and an inside column inked all the way across
    cu = u[core]
    if len(cu):
        bins = 24
        occ = np.zeros((bins, bins), bool)
        ix = np.clip(((cu[:, 0] + 0.75) / 1.5 * bins).astype(int), 0, bins - 1)
        iy = np.clip(((cu[:, 1] + 0.75) / 1.5 * bins).astype(int), 0, bins - 1)
        occ[iy, ix] = True
        rows, cols = occ.mean(axis=1), occ.mean(axis=0)
        if rows.max() > MAX_SPANNING_LINE and cols.max() > MAX_SPANNING_LINE:
            return None
    t = np.linspace(-0.9, 0.9, 40)
    sides = []
    for fixed, horizontal in ((-1, True), (1, True), (-1, False), (1, False)):
        hit = np.zeros(len(t), bool)
        for depth in np.linspace(0.82, 1.04, 6):
            off = fixed * depth
            u_pts = np.stack(
                [t, np.full_like(t, off)] if horizontal else [np.full_like(t, off), t], axis=1
            )
            hit |= _sample(ink, _from_unit(u_pts, center, (w, h), angle))
        sides.append(hit.mean())
    if min(sides) < MIN_SIDE_COVERAGE:
        return None
    return float(np.mean(sides))


def _fit(samples: np.ndarray) -> tuple[tuple, float]:
    """Ellipse fitted to points, and the mean |r - 1| of the points in its own units."""
    ellipse = cv2.fitEllipse(samples.astype(np.float32))
    u = _to_unit(samples.astype(np.float64), *ellipse)
    return ellipse, float(np.abs(np.hypot(u[:, 0], u[:, 1]) - 1).mean())


def _ransac_fit(outline: np.ndarray, ref: float):
    """Ellipse with the most outline points on it (RANSAC over 5-point fits, then refitted to
    its inliers), and the residual of those inliers; (None, inf) when none is good enough.

    A signature or a rule of the seal's own ink that touches the ring adds outline points off
    the ellipse: a least-squares fit (even a trimmed one) is pulled towards them, a consensus
    fit is not. Seeded, so the same image gives the same answer."""
    n = len(outline)
    if n < 12:
        return None, math.inf
    rng = np.random.default_rng(0)
    pts = outline.astype(np.float32)
    best, best_in = None, 0
    for _ in range(RANSAC_TRIES):
        pick = pts[rng.choice(n, 5, replace=False)]
        try:
            ellipse = cv2.fitEllipse(pick)
        except cv2.error:
            continue
        (ex, ey), (ew, eh), _ = ellipse
        if not (math.isfinite(ex) and math.isfinite(ey) and ew > 0 and eh > 0):
            continue
        if max(ew, eh) > MAX_SIZE * ref * 1.3 or min(ew, eh) / max(ew, eh) < MIN_ROUND_ASPECT:
            continue
        u = _to_unit(outline, *ellipse)
        inliers = np.count_nonzero(np.abs(np.hypot(u[:, 0], u[:, 1]) - 1) < RANSAC_BAND)
        if inliers > best_in:
            best, best_in = ellipse, inliers
            if best_in >= 0.9 * n:
                break
    if best is None or best_in < RANSAC_MIN_INLIERS * n:
        return None, math.inf
    u = _to_unit(outline, *best)
    keep = outline[np.abs(np.hypot(u[:, 0], u[:, 1]) - 1) < RANSAC_BAND]
    ellipse = cv2.fitEllipse(keep.astype(np.float32))
    u = _to_unit(keep, *ellipse)
    return ellipse, float(np.abs(np.hypot(u[:, 0], u[:, 1]) - 1).mean())


def _outline(ys: np.ndarray, xs: np.ndarray, n: int = 160) -> np.ndarray:
    """Up to ``n`` points of the outer contour of the pixels (their largest outer edge)."""
    x0, y0 = xs.min(), ys.min()
    mask = np.zeros((ys.max() - y0 + 3, xs.max() - x0 + 3), np.uint8)
    mask[ys - y0 + 1, xs - x0 + 1] = 255
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return np.zeros((0, 2))
    c = max(contours, key=len).reshape(-1, 2).astype(np.float64)
    c = c[:: max(1, len(c) // n)]
    return c + np.array([x0 - 1, y0 - 1], np.float64)


def _round_size(geo, ref: float) -> bool:
    major = max(geo[1])
    return MIN_SIZE * ref <= major <= MAX_SIZE * ref and major >= MIN_PIXELS


def _classify(
    ink: np.ndarray, ys: np.ndarray, xs: np.ndarray, ref: float
) -> tuple[Shape, tuple, float] | None:
    pts = np.stack([xs, ys], axis=1).astype(np.float32)
    samples = _hull_samples(pts)
    if len(samples) < 5:
        return None
    ellipse, residual = _fit(samples)
    hull = cv2.convexHull(pts)
    hull_area = cv2.contourArea(hull)
    rect = cv2.minAreaRect(hull)
    rect_area = rect[1][0] * rect[1][1]
    rect_fill = hull_area / rect_area if rect_area > 0 else 0.0
    fits = [(ellipse, residual)]
    if residual > MAX_RESIDUAL:
        # a ring touched by a stroke of its own ink: its hull bulges where the stroke leaves
        # it; the ellipse most of the outline agrees on is tried too
        span = (xs.max() - xs.min() + 1, ys.max() - ys.min() + 1)
        if max(span) <= 4 * min(span):  # not a line of text
            fits.append(_ransac_fit(_outline(ys, xs), ref))
    for ellipse, residual in fits:
        if ellipse is None or not _round_size(ellipse, ref):
            continue
        major, minor = max(ellipse[1]), min(ellipse[1])
        if minor / major >= MIN_ROUND_ASPECT and residual <= MAX_RESIDUAL and rect_fill < 0.86:
            score = _round_test(ink, ellipse)
            if score is not None:
                return _round_shape(ellipse), ellipse, score * (1 - residual)
    if rect_fill >= MIN_RECT_FILL and _round_size(rect, ref):
        score = _square_test(ink, rect)
        if score is not None:
            return "square", rect, score
    return None


# ------------------------------------------------------------------------------ public


def find_seals(image: np.ndarray) -> list[FoundSeal]:
    """Seals on a page image (BGR or BGRA uint8; a grayscale image has none that colour can
    show, see :func:`has_color`). Boxes are pixels of ``image``; largest first."""
    bgr = _as_bgr(image)
    if bgr is None:
        return []
    h, w = bgr.shape[:2]
    scale = min(1.0, WORK_SIDE / min(h, w))
    small = (
        cv2.resize(
            bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
        if scale < 1
        else bgr
    )
    ref = float(min(small.shape[:2]))
    balanced = remove_cast(small)
    paper_area, on_paper = _paper_test(balanced)
    found: list[FoundSeal] = []  # shapes of their own
    proposed: list[FoundSeal] = []  # Hough circles: only where no shape of its own was found
    for color, mask in ink_masks(balanced).items():
        mask &= paper_area
        # JPEG drop-outs inside a stroke: a 3x3 close; then group strokes near each other
        ink = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        if cv2.countNonZero(ink) < MIN_INK:
            continue
        k = max(3, int(round(GROUP * ref)) | 1)
        strokes = _erase_rules(ink, ref, k)
        grouped = cv2.dilate(strokes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
        for i in range(1, n):
            x, y, bw, bh = stats[i, :4]
            side = max(bw, bh)
            if side < MIN_SIZE * ref * 0.9 or min(bw, bh) > MAX_SIZE * ref * 1.2 + k:
                continue
            # a line of text or a rule; an elongated group wide enough to hold a seal stays (a
            # signature running out of one)
            if max(bw, bh) > 2.6 * min(bw, bh) + k and min(bw, bh) < MIN_SIZE * ref:
                continue
            sub = labels[y : y + bh, x : x + bw] == i
            ys, xs = _without_specks(strokes[y : y + bh, x : x + bw] & sub.astype(np.uint8) * 255)
            if len(xs) < MIN_INK:
                continue
            got = _classify(ink, ys + y, xs + x, ref)
            if got is not None and on_paper(got[1], mask):
                found.append(_found(got, color, scale, w, h))
        # A ring touching other strokes of its colour (a signature across it, a heading rule)
        # is no shape of its own: circles are also proposed by the Hough transform.
        for ellipse in _hough_rings(ink, ref):
            score = _round_test(ink, ellipse)
            if score is not None and on_paper(ellipse, mask):
                shape = _round_shape(ellipse)
                proposed.append(_found((shape, ellipse, score), color, scale, w, h))
    return _suppress(found, proposed)


def _erase_rules(ink: np.ndarray, ref: float, k: int) -> np.ndarray:
    """The ink without straight strokes longer than any seal (probabilistic Hough lines of at
    least :data:`MIN_RULE` of the short side, any angle), except where another stroke crosses
    them: there ink continues on both sides of the rule (a seal's ring, a character), and the
    crossing is kept so that a seal stamped across a ruled table is not cut in pieces. ``k`` is
    the grouping distance: crossings are bridged over the rule's band up to that far."""
    # found at half resolution (a 2x2 block with any ink is ink): a thin rule in a photo bends
    # a little and breaks up in JPEG noise, and the transform is four times cheaper
    length = int(MIN_RULE * ref) // 2
    h, w = ink.shape
    half = cv2.resize(ink, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    lines = cv2.HoughLinesP(
        (half > 0).astype(np.uint8),
        1,
        math.pi / 360,
        threshold=length // 2,
        minLineLength=length,
        maxLineGap=3,
    )
    if lines is None:
        return ink
    thick = cv2.dilate(ink, np.ones((5, 5), np.uint8))
    # the rule's band (the segments found spread over its width), mostly-horizontal and
    # mostly-vertical ones apart
    bands = [np.zeros_like(ink), np.zeros_like(ink)]
    for x0, y0, x1, y1 in (_extend(thick, seg * 2) for seg in lines[:MAX_RULES, 0]):
        vertical = abs(int(y1) - int(y0)) > abs(int(x1) - int(x0))
        cv2.line(bands[vertical], (int(x0), int(y0)), (int(x1), int(y1)), 255, 5)
    out = ink & ~(bands[0] | bands[1])
    # a closing across the band, of the strokes grown by the grouping distance: columns (rows)
    # where strokes come to the band from both sides get their ink in the band back
    near = cv2.dilate(out, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    reach = 2 * k + 5
    kernels = (np.ones((reach, 1), np.uint8), np.ones((1, reach), np.uint8))
    for band, kernel in zip(bands, kernels, strict=True):
        if band.any():
            out |= cv2.morphologyEx(near, cv2.MORPH_CLOSE, kernel) & band & ink
    return out


def _extend(ink: np.ndarray, seg: np.ndarray, gap: int = 6) -> tuple[int, int, int, int]:
    """A segment the probabilistic transform found, extended both ways as long as ink goes on
    along its line (gaps up to ``gap`` px): the transform often returns a rule in pieces, and
    where a piece is missing the rule would join a seal to the text around it again."""
    x0, y0, x1, y1 = (float(v) for v in seg)
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 1:
        return int(x0), int(y0), int(x1), int(y1)
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    h, w = ink.shape
    reach = 2 * (h + w)
    t = np.arange(-reach, reach + length + 1, dtype=np.float64)
    xs, ys = x0 + t * dx, y0 + t * dy
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    t, xs, ys = t[inside], xs[inside], ys[inside]
    on = ink[np.round(ys).astype(int), np.round(xs).astype(int)] > 0
    idx = np.nonzero(on)[0]
    if len(idx) == 0:
        return int(x0), int(y0), int(x1), int(y1)
    # runs of ink along the line, split where the gap is longer than ``gap``
    breaks = np.nonzero(np.diff(t[idx]) > gap)[0]
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(idx) - 1]])
    mid = length / 2
    for a, b in zip(starts, ends, strict=True):
        ta, tb = t[idx[a]], t[idx[b]]
        if ta - gap <= mid <= tb + gap:
            return (
                int(round(x0 + ta * dx)),
                int(round(y0 + ta * dy)),
                int(round(x0 + tb * dx)),
                int(round(y0 + tb * dy)),
            )
    return int(x0), int(y0), int(x1), int(y1)


def _without_specks(piece: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates of a candidate's ink without specks: JPEG noise or a stray dot next
    to a seal would otherwise widen its outline."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(piece, connectivity=8)
    if n <= 2:
        return np.nonzero(piece)
    areas = stats[1:, cv2.CC_STAT_AREA]
    small = min(SPECK_PIXELS, SPECK_SHARE * areas.sum())
    keep = np.concatenate([[False], areas >= small])
    return np.nonzero(keep[labels])


def _paper_test(balanced: np.ndarray):
    """Where the paper is, and a test of whether a fitted shape lies on it.

    The area: blocks of 8 px whose mean brightness is near the paper's (the 90th percentile),
    grown by two blocks so that bold text and a seal's own solid star stay inside; ink off it
    (a phone photo's desk, often hundreds of thousands of reddish pixels) is not looked at,
    which also keeps the line and circle transforms fast. The test: the median brightness of
    the pixels around the shape that are not seal ink must be near the paper's."""
    gray = cv2.cvtColor(balanced, cv2.COLOR_BGR2GRAY)
    paper = _percentile(_histogram(gray), 90)
    h, w = gray.shape
    low = cv2.resize(gray, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    bright = (low >= MIN_PAPER * paper).astype(np.uint8) * 255
    bright = cv2.dilate(bright, np.ones((5, 5), np.uint8))
    area = cv2.resize(bright, (w, h), interpolation=cv2.INTER_NEAREST)

    def on_paper(geo, mask: np.ndarray) -> bool:
        (cx, cy), axes, _ = geo
        half = max(axes) * 0.56
        x0, x1 = max(0, int(cx - half)), min(w, int(cx + half) + 1)
        y0, y1 = max(0, int(cy - half)), min(h, int(cy + half) + 1)
        around = gray[y0:y1, x0:x1][mask[y0:y1, x0:x1] == 0]
        return around.size > 0 and float(np.median(around)) >= MIN_PAPER * paper

    return area, on_paper


def _found(got, color: Color, scale: float, w: int, h: int) -> FoundSeal:
    shape, geo, score = got
    (cx, cy), axes, angle = geo
    corners = cv2.boxPoints(geo) if shape == "square" else _ellipse_points(geo)
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    inv = 1.0 / scale
    return FoundSeal(
        box=(
            float(max(0.0, x0 * inv)),
            float(max(0.0, y0 * inv)),
            float(min(w, x1 * inv)),
            float(min(h, y1 * inv)),
        ),
        color=color,
        shape=shape,
        center=(float(cx * inv), float(cy * inv)),
        axes=(float(axes[0] * inv), float(axes[1] * inv)),
        angle=float(angle),
        score=round(float(score), 3),
    )


def _round_shape(ellipse) -> Shape:
    w, h = ellipse[1]
    return "round" if min(w, h) / max(w, h) >= 0.85 else "oval"


def _hough_rings(ink: np.ndarray, ref: float) -> list:
    """Circles proposed by OpenCV's gradient Hough transform, each refitted as an ellipse to
    the outer edge of its ring (directions where other strokes stick out are dropped)."""
    # A ring lies within its ink: the transform looks only there. The band around it keeps
    # the blur and the gradients as they are on the whole page, and offsets in whole cells of
    # the accumulator (dp 1.5: steps of 3 px) keep its grid where it was.
    x, y, w, h = cv2.boundingRect(ink)
    if not w or not h:
        return []
    x0, y0 = max(0, x - HOUGH_BAND) // 3 * 3, max(0, y - HOUGH_BAND) // 3 * 3
    x1, y1 = min(ink.shape[1], x + w + HOUGH_BAND), min(ink.shape[0], y + h + HOUGH_BAND)
    circles = cv2.HoughCircles(
        cv2.GaussianBlur(ink[y0:y1, x0:x1], (5, 5), 0),
        cv2.HOUGH_GRADIENT_ALT,
        dp=1.5,
        minDist=MIN_SIZE * ref / 2,
        param1=200,
        param2=HOUGH_CIRCULARITY,
        minRadius=max(4, int(MIN_SIZE * ref / 2)),
        maxRadius=int(MAX_SIZE * ref / 2),
    )
    if circles is None:
        return []
    out = []
    angles = np.linspace(0, 2 * math.pi, 120, endpoint=False)
    radii = np.linspace(1.25, 0.85, 24)
    for cx, cy, r in circles[0][:MAX_HOUGH]:
        cx, cy = cx + x0, cy + y0
        edge = []
        for a in angles:
            pts = np.stack([cx + np.cos(a) * radii * r, cy + np.sin(a) * radii * r], axis=1)
            hit = np.nonzero(_sample(ink, pts))[0]
            if len(hit):
                edge.append(pts[hit[0]])
        if len(edge) < 0.6 * len(angles):
            continue
        edge = np.array(edge, np.float32)
        d = np.hypot(edge[:, 0] - cx, edge[:, 1] - cy)
        med = float(np.median(d))
        keep = edge[np.abs(d - med) <= 0.08 * med]
        if len(keep) < 0.65 * len(angles):  # a square's edge is no constant radius
            continue
        ellipse = cv2.fitEllipse(keep)
        (ex, ey), (ew, eh), _ = ellipse
        if not (
            math.hypot(ex - cx, ey - cy) < 0.15 * r
            and 0.8 * med < min(ew, eh) / 2
            and max(ew, eh) / 2 < 1.6 * med
        ):
            ellipse = ((float(cx), float(cy)), (2 * med, 2 * med), 0.0)
        out.append(ellipse)
    return out


def _ellipse_points(ellipse) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, 64, endpoint=False)
    return _from_unit(np.stack([np.cos(t), np.sin(t)], axis=1), *ellipse)


def _area(b) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _overlaps(a: FoundSeal, b: FoundSeal, share: float) -> bool:
    """Whether ``share`` of the smaller of the two boxes lies inside the other."""
    ix = max(0.0, min(a.box[2], b.box[2]) - max(a.box[0], b.box[0]))
    iy = max(0.0, min(a.box[3], b.box[3]) - max(a.box[1], b.box[1]))
    return ix * iy > share * min(_area(a.box), _area(b.box))


def _suppress(found: list[FoundSeal], proposed: list[FoundSeal]) -> list[FoundSeal]:
    """Largest first; a seal mostly inside a larger one (an inner ring) is dropped, and a
    Hough proposal where a shape of its own was found."""
    out: list[FoundSeal] = []
    for f in sorted(found, key=lambda s: _area(s.box), reverse=True):
        if not any(_overlaps(f, o, 0.6) for o in out):
            out.append(f)
    for f in sorted(proposed, key=lambda s: _area(s.box), reverse=True):
        if not any(_overlaps(f, o, 0.3) for o in out):
            out.append(f)
    return sorted(out, key=lambda s: _area(s.box), reverse=True)
