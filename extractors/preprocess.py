"""OpenCV clean-up of phone photos and scans before Tesseract reads them.

Each step is a small function ``step(gray) -> (gray, note)``; the note says what it did (an
empty note means it left the page alone). :func:`clean_page` composes the steps that were
measured to help (``benchmarks/preprocess_ablation.py``):

* page-boundary (perspective) correction, only for a photo of paper on a darker background;
* shading normalisation (divide by a morphological-close background);
* orientation: a 90-degree turn when text lines run vertically (projection profiles, cheap);
  0 vs 180 is left to the OCR layer, which consults Tesseract OSD only when a read is poor;
* deskew of small angles (+-5 degrees, projection-profile search);
* upscaling of really small text (characters under 10 px) to ~24 px;
* a 3x3 median filter against JPEG and sensor noise, when the page is noisy.

There is deliberately no binarisation: Tesseract's own (Otsu on its own terms) was measured
better than an adaptive threshold on noisy JPEG scans. :func:`adaptive_threshold` exists only
for the ablation benchmark.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import cv2
import numpy as np

Step = tuple[np.ndarray, str]

# Working size of the analysis copies (long side, pixels): cheap, and still precise enough.
ANALYSIS_SIDE = 1200
PERSPECTIVE_SIDE = 640
# The sheet's outline (see find_page_quad): sides meeting at less than QUAD_STRAIGHT degrees
# are one side; its four longest sides make at least QUAD_SIDES_SHARE of it, and at least
# QUAD_SUPPORT of its length lies along them. Measured on 2,030 generated photos: a sheet
# with a corner lost to shading 0.80-0.99, the desk's bright patches joined to a VIN plate
# 0.49-0.58.
QUAD_STRAIGHT = 8.0
QUAD_SIDES_SHARE = 0.8
QUAD_SUPPORT = 0.75
# A corner put back lies at most this share of the sheet's diagonal outside its outline
# (measured: cut corners up to 0.09; a plate's side run out along the desk's patches 0.21).
QUAD_CORNER_REACH = 0.15
# Deskew searches +-MAX_SKEW degrees; corrections below MIN_SKEW are not worth a resample.
MAX_SKEW = 5.0
MIN_SKEW = 0.2
# Characters shorter than this (median component height, px) get the page upscaled. Phone
# photos about 1,000 px wide have 10-13 px characters, read much better enlarged (see
# SHARPENED_AFTER for the figures).
MIN_CHAR_HEIGHT = 14.0
TARGET_CHAR_HEIGHT = 24.0
MAX_UPSCALE = 3.0
# Unsharp mask of enlarged pages: Gaussian sigma (px, on the enlarged page) and amount.
SHARPEN_SIGMA = 2.0
SHARPEN_AMOUNT = 1.5
# Pages enlarged from characters smaller than this are not sharpened: their strokes are about
# a pixel wide, and the mask's halo joins them (the real French registration specimen, 6 px,
# lost a VIN character and its date).
SHARPEN_MIN_CHAR_HEIGHT = 9.0
# Only images up to this long side are low-resolution enough to need enlarging.
MAX_UPSCALE_SIDE = 1800
# Estimated noise (mean absolute deviation from a median-filtered copy, grey levels) above
# which the median filter is applied.
NOISE_THRESHOLD = 4.0
# Light-on-dark bands: background darker than this (grey level) over at least this share of
# the page's width, in a run of rows at most this share of its height.
DARK_BAND_LEVEL = 110
DARK_BAND_MIN_WIDTH = 0.6
DARK_BAND_MAX_HEIGHT = 0.35
# A column band is looked for when a column is this share of DARK_BAND_MIN_WIDTH dark (as the
# rows' analysis sees it: the margin covers the turned copy's analysis differing by a level).
COLUMN_BAND_HINT = 0.8
BAND_TYPE_CONTRAST = 60  # grey levels above the band's own: dim type (see invert_dark_bands)
# Column profile this much sharper than the row profile means the text runs vertically.
VERTICAL_RATIO = 1.5
# A letterhead band above the sheet's bright part: searched up to LETTERHEAD_SEARCH of the
# sheet's height; a row belongs to it when LETTERHEAD_ROW_SHARE of its middle differs from the
# desk by more than LETTERHEAD_Z robust deviations (Lab; the three channels' distance, not the
# largest: a neutral grey band on a green desk differs by 2-2.5 in each of a and b and by 1 in
# L, 3.3 together); kept when at least LETTERHEAD_MIN of the sheet's height.
LETTERHEAD_SEARCH = 0.3
LETTERHEAD_ROW_SHARE = 0.6
LETTERHEAD_Z = 3.0
LETTERHEAD_MIN = 0.03
LETTERHEAD_DARK = 0.75  # a band's lightness at most this share of the sheet's
# A desk this grainy (median local deviation of lightness, 5x5) or more, and a band's print
# this much smoother than it (measured: desk 4.7, dark grey band 1.0); rows that look like
# neither, where type meets print, crossed.
LETTERHEAD_GRAIN = 2.5
LETTERHEAD_SMOOTH = 0.4
LETTERHEAD_BRIDGE = 2
LETTERHEAD_EDGE = 6  # rows of the sheet's blurred edge, where the same is crossed
# A desk whose lightness varies this much (robust deviation) is blotched; rows whose
# lightness varies across less than this share of it, and whose colour stands this many of
# the desk's deviations off its own, are a band's flat print (navy on a mottled purple
# cloth: rows 1.5-2 across against the cloth's 5-10, 2.4 deviations off). Flatness alone
# took wood grain, whose rows run along the grain, for bands.
LETTERHEAD_BLOTCHED = 8.0
LETTERHEAD_FLAT = 0.33
LETTERHEAD_OFF = 2.0


# -- helpers ---------------------------------------------------------------------------


def to_gray(image: np.ndarray) -> np.ndarray:
    """A 2-D uint8 grayscale copy of a BGR, BGRA or grayscale image."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.shape[2] == 1:
        return image[:, :, 0]
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _shrink(gray: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most ``side``, and the factor applied."""
    h, w = gray.shape[:2]
    f = min(1.0, side / max(h, w))
    if f >= 1.0:
        return gray, 1.0
    return cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), cv2.INTER_AREA), f


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark-on-light ink as a boolean mask (Otsu on a lightly blurred copy)."""
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    _, mask = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask > 0


def rotate_quadrant(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by 0, 90, 180 or 270 degrees (lossless)."""
    d = degrees % 360
    if d == 0:
        return gray
    code = {
        90: cv2.ROTATE_90_CLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_COUNTERCLOCKWISE,
    }[d]
    return cv2.rotate(gray, code)


def rotate_small(gray: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by ``degrees`` about the centre, growing the canvas, white fill."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(math.ceil(h * sin + w * cos)), int(math.ceil(h * cos + w * sin))
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(
        gray,
        m,
        (nw, nh),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def _text_points(gray: np.ndarray, limit: int = 150_000) -> np.ndarray | None:
    """Coordinates (x, y) of ink pixels of a shrunk copy, with big blobs and rules removed."""
    small, _ = _shrink(gray, ANALYSIS_SIDE)
    mask = ink_mask(small).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = small.shape
    ws, hs = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    # Keep character-sized components: not specks, not rules, not photos or borders.
    keep = (hs >= 2) & (hs <= h * 0.08) & (ws <= w * 0.25)
    keep[0] = False
    ys, xs = np.nonzero(keep[labels])
    if len(xs) < 200:
        return None
    if len(xs) > limit:
        idx = np.random.default_rng(0).choice(len(xs), limit, replace=False)
        xs, ys = xs[idx], ys[idx]
    return np.stack([xs, ys], axis=1).astype(np.float64)


def _profile_score(pts: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """Sharpness of the row profile of ``pts`` rotated by each angle (sum of squared steps)."""
    out = np.empty(len(degrees))
    x, y = pts[:, 0], pts[:, 1]
    for i, a in enumerate(np.radians(degrees)):
        r = y * math.cos(a) - x * math.sin(a)
        r = np.round(r - r.min()).astype(np.int64)
        hist = np.bincount(r).astype(np.float64)
        out[i] = float(np.sum(np.diff(hist) ** 2))
    return out


# -- steps ---------------------------------------------------------------------------------


def estimate_skew(gray: np.ndarray) -> float | None:
    """The text lines' slope in degrees (positive: descending to the right, i.e. the page was
    turned clockwise) within +-MAX_SKEW, or None when there is too little text."""
    pts = _text_points(gray)
    if pts is None:
        return None
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5)
    best = float(coarse[int(np.argmax(_profile_score(pts, coarse)))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    return float(fine[int(np.argmax(_profile_score(pts, fine)))])


def deskew(gray: np.ndarray) -> Step:
    """Undo a small rotation of the text lines."""
    angle = estimate_skew(gray)
    if angle is None or abs(angle) < MIN_SKEW:
        return gray, ""
    # Lines at profile angle a descend to the right by a (y down), i.e. the page was turned
    # clockwise by a: turning it counter-clockwise by a puts them level.
    return rotate_small(gray, angle), f"deskew: {angle:+.1f} deg"


def text_runs_vertical(gray: np.ndarray) -> bool:
    """Whether the text lines run vertically (page turned by 90 or 270 degrees)."""
    pts = _text_points(gray)
    if pts is None:
        return False
    angles = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 1.0)
    rows = _profile_score(pts, angles).max()
    cols = _profile_score(pts, angles + 90.0).max()
    return cols > VERTICAL_RATIO * rows


def orient(gray: np.ndarray) -> Step:
    """Turn a page whose lines run vertically by 90 degrees clockwise.

    Whether it then stands upright or upside down is not decided here: the OCR layer checks
    the read and, if poor, asks Tesseract's orientation detection.
    """
    if text_runs_vertical(gray):
        return rotate_quadrant(gray, 90), "orientation: text vertical, rotated 90 deg"
    return gray, ""


def _order_quad(q: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = q.sum(axis=1), np.diff(q, axis=1).ravel()
    return np.array(
        [q[np.argmin(s)], q[np.argmin(d)], q[np.argmax(s)], q[np.argmax(d)]], dtype=np.float32
    )


def find_page_quad(gray: np.ndarray) -> np.ndarray | None:
    """Corners (TL, TR, BR, BL; full-size pixels) of a sheet of paper photographed on a
    darker background, or None when there is no such sheet (e.g. a plain scan)."""
    small, f = _shrink(gray, PERSPECTIVE_SIDE)
    h, w = small.shape
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    k = max(3, (min(h, w) // 60) | 1)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c)
    if area < 0.25 * h * w or area > 0.97 * h * w:
        return None
    quad = _sheet_sides(c)
    if quad is None or not cv2.isContourConvex(quad.reshape(4, 1, 2).astype(np.int32)):
        return None
    if not 0.85 * area <= cv2.contourArea(quad) <= 1.15 * area:
        return None
    # A sheet's outline runs along its four sides; one that mostly does not is the desk's
    # bright patches joined to it (a VIN plate on brushed metal, a car under a bright sky).
    if _along_sides(c, quad, 0.015 * max(h, w)) < QUAD_SUPPORT:
        return None
    # A corner put back where shading cut it lies near the outline, not out on the desk.
    hull = cv2.convexHull(c)
    reach = QUAD_CORNER_REACH * float(np.hypot(*(quad[2] - quad[0])))
    if any(-cv2.pointPolygonTest(hull, (float(x), float(y)), True) > reach for x, y in quad):
        return None
    # A photo shows the sheet's corners; a scan with a dark lid margin has them on the frame
    # (all four, or three for a margin along two edges). A sheet photographed close up may
    # touch the frame with two of its corners.
    tol = 0.015 * max(h, w)
    xs, ys = quad[:, 0], quad[:, 1]
    inner = (xs > tol) & (xs < w - tol) & (ys > tol) & (ys < h - tol)
    if inner.sum() < 2:
        return None
    # Paper must be clearly lighter than what surrounds it.
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    outside = cv2.erode(255 - inside, np.ones((k, k), np.uint8))
    if outside.sum() == 0:
        return None
    contrast = float(cv2.mean(small, inside)[0]) - float(cv2.mean(small, outside)[0])
    if contrast < 40:
        return None
    return _order_quad(quad / f)


def _sheet_sides(contour: np.ndarray) -> np.ndarray | None:
    """The sheet's corners where its four longest sides meet (float32, 4x2), or None.

    Intersecting the sides, not keeping the outline's own vertices, puts back a corner that
    shading cut off: approximated to four vertices, a bevelled corner had one of them placed
    on the bevel, and the flattened page came out sheared (rows of a contract sloping by
    a line's height between label and value)."""
    hull = cv2.convexHull(contour)
    pts = cv2.approxPolyDP(hull, 0.01 * cv2.arcLength(hull, True), True)
    pts = pts.reshape(-1, 2).astype(np.float64)
    # Vertices where the outline hardly turns split one side in two: dropped.
    turned = True
    while turned and len(pts) > 4:
        turned = False
        for i in range(len(pts)):
            u, v = pts[i] - pts[i - 1], pts[(i + 1) % len(pts)] - pts[i]
            angle = abs(math.degrees(math.atan2(u[0] * v[1] - u[1] * v[0], float(u @ v))))
            if angle < QUAD_STRAIGHT:
                pts, turned = np.delete(pts, i, axis=0), True
                break
    n = len(pts)
    if n < 4:
        return None
    lengths = np.hypot(*(np.roll(pts, -1, axis=0) - pts).T)
    sides = sorted(np.argsort(-lengths)[:4])
    if lengths[sides].sum() < QUAD_SIDES_SHARE * lengths.sum():
        return None  # not four sides and a few cut corners: no sheet
    corners = []
    for a, b in zip([sides[-1], *sides[:-1]], sides, strict=True):
        corner = _meet(pts[a], pts[(a + 1) % n], pts[b], pts[(b + 1) % n])
        if corner is None:
            return None
        corners.append(corner)
    return np.array(corners, dtype=np.float32)


def _meet(p1, p2, q1, q2) -> tuple[float, float] | None:
    """Where the line through p1, p2 meets the line through q1, q2 (None: parallel)."""
    d, e = p2 - p1, q2 - q1
    det = d[0] * e[1] - d[1] * e[0]
    if abs(det) < 1e-9:
        return None
    t = ((q1[0] - p1[0]) * e[1] - (q1[1] - p1[1]) * e[0]) / det
    return float(p1[0] + t * d[0]), float(p1[1] + t * d[1])


def _along_sides(contour: np.ndarray, quad: np.ndarray, tol: float) -> float:
    """Share of the outline's length within ``tol`` of one of the quad's sides."""
    pts = contour.reshape(-1, 2).astype(np.float64)
    steps = np.roll(pts, -1, axis=0) - pts
    lengths = np.hypot(*steps.T)
    mids = pts + steps / 2
    nearest = np.full(len(pts), np.inf)
    for i in range(4):
        p, q = quad[i].astype(np.float64), quad[(i + 1) % 4].astype(np.float64)
        d = q - p
        t = np.clip((mids - p) @ d / max(float(d @ d), 1e-9), 0.0, 1.0)
        nearest = np.minimum(nearest, np.hypot(*(mids - p - t[:, None] * d).T))
    total = lengths.sum()
    return float(lengths[nearest <= tol].sum() / total) if total else 0.0


def _flattening(quad: np.ndarray, top: float = 0.0) -> tuple[np.ndarray, int, int]:
    """The homography that maps ``quad`` onto an upright rectangle, ``top`` pixels below the
    output's top edge, and that rectangle's width and height."""
    tl, tr, br, bl = quad
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    dst = np.array(
        [[0, top], [width - 1, top], [width - 1, top + height - 1], [0, top + height - 1]],
        dtype=np.float32,
    )
    return cv2.getPerspectiveTransform(quad.astype(np.float32), dst), width, height


class _Desk(NamedTuple):
    """A photo at analysis size in Lab, with each pixel's local deviation of lightness (5x5)
    as a fourth channel, and the desk as the image's border shows it."""

    pixels: np.ndarray
    scale: float
    colour: np.ndarray  # robust mean per Lab channel
    spread: np.ndarray  # robust deviation per Lab channel
    grain: float  # median local deviation of lightness


def _desk(image: np.ndarray) -> _Desk:
    colour = image if image.ndim == 3 and image.shape[2] == 3 else cv2.cvtColor(
        to_gray(image), cv2.COLOR_GRAY2BGR)
    small, f = _shrink(colour, PERSPECTIVE_SIDE)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    # The desk: the image's border, robust mean and deviation per channel.
    b = max(3, min(lab.shape[:2]) // 40)
    border = np.concatenate([lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3),
                             lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)])
    desk = np.median(border, axis=0)
    spread = 1.4826 * np.median(np.abs(border - desk), axis=0) + 1.0
    lum = lab[:, :, 0]
    local = np.sqrt(np.maximum(cv2.blur(lum * lum, (5, 5)) - cv2.blur(lum, (5, 5)) ** 2, 0))
    grain = float(np.median(np.concatenate([local[:b].ravel(), local[-b:].ravel(),
                                            local[:, :b].ravel(), local[:, -b:].ravel()])))
    return _Desk(np.dstack([lab, local]), f, desk, spread, grain)


def letterhead_band(image: np.ndarray, quad: np.ndarray, desk: _Desk | None = None) -> float:
    """Height, as a share of the sheet's, of a band printed along the edge from ``quad``'s
    first corner to its second (its top, as listed) that the brightness-based
    :func:`find_page_quad` left out with the desk; 0.0 if none.

    A letterhead printed on a dark or coloured band (a ministry's red, a black header) is as
    dark as the desk in grey, so the bright part of the sheet ends under it and the issuer's
    name is cut off. In colour the band differs from the desk, which the image's border
    shows: rows just above the sheet's top edge, flattened, that mostly differ from the desk
    are the band. A band of nearly the desk's colour (dark grey on a dark wood desk) is told
    from a grainy desk by its flat print: rows far smoother than the desk are band too; from
    a blotched desk by rows of one colour across, a little off the desk's.
    ``desk`` is the image's :func:`_desk`, when the caller looks along several edges.
    """
    pixels, f, colour, spread, grain = desk if desk is not None else _desk(image)
    lum = pixels[:, :, 0]
    q = quad * f
    height = _flattening(q)[2]
    search = int(round(LETTERHEAD_SEARCH * height))
    m, width, _ = _flattening(q, top=search)
    above = cv2.warpPerspective(pixels, m, (width, search),
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                borderValue=(-1e4,) * 4)
    middle = above[:, width // 10 : width - width // 10]
    inside = middle[:, :, 0] > -1e3
    differs = (np.sqrt((((middle[:, :, :3] - colour) / spread) ** 2).sum(axis=2)) > LETTERHEAD_Z)
    share = (differs & inside).sum(axis=1) / np.maximum(inside.sum(axis=1), 1)
    band = _band_rows(inside, share >= LETTERHEAD_ROW_SHARE)
    if not LETTERHEAD_MIN * height <= band < search and grain >= LETTERHEAD_GRAIN:
        # Not by its colour: by a grainy desk's texture, row by row the median local
        # deviation of lightness. The band's flat print is far smoother, its type (and the
        # sheet's blurred edge) far rougher; rough rows count only between smooth ones, and
        # most rows must be smooth.
        texture = np.array(
            [np.median(r[i, 3]) if i.any() else grain
             for r, i in zip(middle, inside, strict=True)]
        )
        solid = (share >= LETTERHEAD_ROW_SHARE) | (texture < LETTERHEAD_SMOOTH * grain)
        if spread[0] >= LETTERHEAD_BLOTCHED:
            # A desk blotched at a larger scale than the grain (a mottled cloth): the band's
            # rows are of one colour across, the desk's rows of several.
            medians = np.array(
                [np.median(r[i, :3], axis=0) if i.any() else colour
                 for r, i in zip(middle, inside, strict=True)]
            )
            across = np.array(
                [np.median(np.abs(r[i, 0] - med[0])) if i.any() else spread[0]
                 for r, i, med in zip(middle, inside, medians, strict=True)]
            )
            off = np.sqrt((((medians - colour) / spread) ** 2).sum(axis=1))
            solid |= (1.4826 * across < LETTERHEAD_FLAT * spread[0]) & (off > LETTERHEAD_OFF)
        rough = texture > grain / LETTERHEAD_SMOOTH
        band = _band_rows(inside, solid, rough)
    if band >= search or band < LETTERHEAD_MIN * height:
        return 0.0  # none, or no edge found: not a band but something the quad missed
    # A band is dark print: a light strip is paper the quad cut off (a corner misplaced).
    sheet = np.zeros(lum.shape, np.uint8)
    cv2.fillConvexPoly(sheet, q.astype(np.int32), 1)
    printed = middle[search - band :, :, 0][inside[search - band :]]
    if np.median(printed) > LETTERHEAD_DARK * np.median(lum[sheet > 0]):
        return 0.0
    return band / height


def _band_rows(inside: np.ndarray, solid: np.ndarray, rough: np.ndarray | None = None) -> int:
    """Rows of band upwards from the sheet's edge (the last row of ``solid``): rough rows
    (type) are crossed, and a row or two where type meets print, or the sheet's edge meets
    the band, and looks like neither; half of the rows at least must be solid."""
    band = solid_rows = like_neither = 0
    for rows, y in enumerate(range(len(solid) - 1, -1, -1), start=1):
        if inside[y].mean() < 0.8:
            break
        like_neither = 0 if solid[y] or (rough is not None and rough[y]) else like_neither + 1
        # The sheet's blurred edge (its first rows) is neither paper nor band for a row or two.
        if like_neither > (LETTERHEAD_BRIDGE if rough is not None or rows <= LETTERHEAD_EDGE
                           else 0):
            break
        if solid[y]:
            band, solid_rows = rows, solid_rows + 1
    return band if solid_rows >= band / 2 else 0


def correct_perspective(gray: np.ndarray, colour: np.ndarray | None = None) -> Step:
    """Cut out and flatten the photographed sheet of paper, if there is one, with the
    letterhead band over it (:func:`letterhead_band`) when ``colour`` shows one."""
    quad = find_page_quad(gray)
    if quad is None:
        return gray, ""
    band, sideways = 0.0, False
    if colour is not None:
        desk = _desk(colour)
        # The sheet may lie any way up (a photo upside down puts its letterhead at the
        # bottom): each edge in turn is looked at as the top, its corners listed first.
        for turn in range(4):
            turned = np.roll(quad, -turn, axis=0)
            found = letterhead_band(colour, turned, desk)
            if found:
                # That edge's corners moved out along the sheet's plane by the band's height.
                m, width, height = _flattening(turned)
                up = np.array([[[0, -found * height], [width - 1, -found * height]]],
                              dtype=np.float32)
                turned[:2] = cv2.perspectiveTransform(up, np.linalg.inv(m))[0]
                quad = np.roll(turned, turn, axis=0)
                band = max(band, found)
                sideways = sideways or turn % 2 == 1
    m, width, height = _flattening(quad)
    out = cv2.warpPerspective(
        gray, m, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    extra = f" with a letterhead band of {band:.0%} over it" if band else ""
    note = f"perspective: page quad {width}x{height} flattened{extra}"
    if max(out.shape) > MAX_UPSCALE_SIDE:
        return out, note  # not a low-resolution page: nothing to enlarge, nothing to measure
    # Measured as the upscale step would measure it: on the evenly lit page; a band down a
    # side (a sheet photographed sideways) with its type inverted, as it will be, or its dark
    # columns pass for characters.
    measured = invert_dark_bands(out)[0] if sideways else out
    factor, ch = _enlargement(normalise_illumination(measured)[0])
    if factor > 1.0:
        # Flattened and enlarged in one resampling: flattening at the photo's own size and
        # then enlarging blurs 8-px characters twice.
        big = np.diag([factor, factor, 1.0]) @ m
        size = (round(width * factor), round(height * factor))
        out = cv2.warpPerspective(
            gray, big, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
        )
        note += f"\nupscale x{factor:.2f} (characters {ch:.1f} px)"
    return out, note


def invert_dark_bands(gray: np.ndarray) -> Step:
    """Turn light-on-dark bands (a letterhead printed white on a coloured band) dark-on-light.

    Tesseract reads dark text on light paper; a header band of white type is skipped whole,
    and with it the issuer's name. A band is a run of rows mostly dark across the page's width
    (not the table around a photographed sheet: at most a third of the page high) holding some
    light marks (the type); its dark part is inverted. A sheet photographed sideways has its
    band down one side: columns are looked at the same way.
    """
    out, inverted, columns = _invert_dark_rows(gray)
    # Columns are looked at only where some column is nearly dark enough to be a band's:
    # nearly every page has none, and is spared the turned copy and its second analysis.
    if columns >= COLUMN_BAND_HINT * DARK_BAND_MIN_WIDTH:
        turned, more, _ = _invert_dark_rows(np.ascontiguousarray(out.T))
        if more:
            out, inverted = np.ascontiguousarray(turned.T), inverted + more
    if not inverted:
        return gray, ""
    return out, f"inverted {inverted} light-on-dark band(s)"


def _invert_dark_rows(gray: np.ndarray) -> tuple[np.ndarray, int, float]:
    """``gray`` with its light-on-dark bands of rows inverted, how many there were, and the
    largest share of a column that is dark."""
    small, f = _shrink(gray, ANALYSIS_SIDE)
    sh, sw = small.shape
    k = max(15, (min(sh, sw) // 40) | 1)
    dark = cv2.medianBlur(small, k) < DARK_BAND_LEVEL
    rows = dark.mean(axis=1) >= DARK_BAND_MIN_WIDTH
    out, inverted = gray, 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.astype(np.int8), [0]))))
    for y0, y1 in zip(edges[::2], edges[1::2], strict=True):
        if not 0.015 * sh <= y1 - y0 <= DARK_BAND_MAX_HEIGHT * sh:
            continue
        band = dark[y0:y1]
        # Type is light against its band: above 160, or (small type a blurred photo dims)
        # well above the band's own level.
        shades = small[y0:y1][band]
        light = float(np.mean(shades > min(160, np.median(shades) + BAND_TYPE_CONTRAST)))
        if not 0.005 <= light <= 0.4:
            continue  # no type in it (a shadow, a photo) or mostly light (not a band)
        if out is gray:
            out = gray.copy()
        g0, g1 = int(y0 / f), min(gray.shape[0], int(np.ceil(y1 / f)))
        mask = cv2.resize(band.astype(np.uint8), (gray.shape[1], g1 - g0),
                          interpolation=cv2.INTER_NEAREST) > 0
        part = out[g0:g1]
        part[mask] = 255 - part[mask]
        inverted += 1
    return out, inverted, float(dark.mean(axis=0).max())


def normalise_illumination(gray: np.ndarray) -> Step:
    """Divide by the background (text closed away) so shading and shadows become white."""
    h, w = gray.shape
    small, f = _shrink(gray, 600)
    k = max(7, (min(small.shape) // 25) | 1)
    bg = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    )
    bg = cv2.GaussianBlur(bg, (0, 0), k / 2)
    if f < 1.0:
        bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    spread = float(np.percentile(bg, 95)) - float(np.percentile(bg, 5))
    if spread < 20:
        return gray, ""  # evenly lit: leave the pixels alone
    out = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    return out, f"illumination: background spread {spread:.0f} levels flattened"


def noise_level(gray: np.ndarray) -> float:
    """Mean absolute difference from a 3x3 median copy, on the page's background."""
    small, _ = _shrink(gray, ANALYSIS_SIDE)
    med = cv2.medianBlur(small, 3)
    diff = cv2.absdiff(small, med)
    bg = med > np.percentile(med, 50)  # paper, not ink
    return float(diff[bg].mean()) if bg.any() else 0.0


def denoise(gray: np.ndarray, *, force: bool = False) -> Step:
    """3x3 median filter, when the page is noisy (or always with ``force``)."""
    level = noise_level(gray)
    if not force and level < NOISE_THRESHOLD:
        return gray, ""
    return cv2.medianBlur(gray, 3), f"denoise: median 3 (noise {level:.1f})"


def char_height(gray: np.ndarray) -> float | None:
    """Lower-quartile height (px) of character-sized ink components; None without text."""
    mask = ink_mask(gray).astype(np.uint8)
    h, w = gray.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return None
    ws, hs = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    area = stats[1:, cv2.CC_STAT_AREA]
    ok = (hs >= 4) & (hs <= h * 0.1) & (ws <= 4 * hs) & (ws >= 2) & (area >= 6)
    if ok.sum() < 10:
        return None
    # The lower quartile, not the median: labels printed small beside large values must be
    # legible too (a phone photo of a registration card with 5-px labels).
    return float(np.percentile(hs[ok], 25))


def remove_rules(gray: np.ndarray) -> Step:
    """Paint out long horizontal and vertical rules (table grids, underlines).

    Tesseract's page layout analysis takes a bordered table for a picture and skips the text
    in its cells: on a scanned inspection report with a ruled table it read 43 words, with
    the rules removed 50, including every label of the table.
    """
    h, w = gray.shape
    # Found at half resolution (a quarter of the work; rules are long and survive it), painted
    # out at full resolution.
    f = 0.5 if min(h, w) >= 1200 else 1.0
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    sh, sw = small.shape
    ink = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31 if f == 1 else 15, 15
    )
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, sw // 12), 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(40, sh // 12)))
    )
    rules = horizontal | vertical
    if f < 1:
        rules = cv2.resize(rules, (w, h), interpolation=cv2.INTER_NEAREST)
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    count = int(np.count_nonzero(rules))
    if count < 0.0005 * h * w:
        return gray, ""
    paper = int(np.percentile(gray[::4, ::4], 90))  # a sample: a full page costs 0.1 s
    out = gray.copy()
    out[rules > 0] = paper
    return out, f"rules: {count} px of table lines painted out"


def text_mark_boxes(gray: np.ndarray, max_aspect: float = 3.0) -> np.ndarray:
    """Boxes (x0, y0, x1, y1), one row each, of the character-sized ink marks of a page:
    where text is, read or not. A mark is at most ``max_aspect`` times wider than high; the
    letters of a bold word touch and make one mark."""
    mask = ink_mask(gray).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    xs, ys = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    ws, hs = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    ok = (hs >= 5) & (hs <= gray.shape[0] * 0.05) & (ws <= max_aspect * hs) & (ws >= 2)
    return np.stack([xs, ys, xs + ws, ys + hs], axis=1)[ok].astype(np.float64)


def text_marks(gray: np.ndarray) -> np.ndarray:
    """Centres (x, y) of the character-sized ink marks of a page."""
    boxes = text_mark_boxes(gray)
    return np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)


def _enlargement(gray: np.ndarray) -> tuple[float, float]:
    """The factor that brings a low-resolution page's characters to ~TARGET_CHAR_HEIGHT px
    (1.0 when they are large enough), and their height."""
    if max(gray.shape) > MAX_UPSCALE_SIDE:
        return 1.0, 0.0  # not a low-resolution page: small "characters" here are texture
    ch = char_height(gray)
    if ch is None or ch >= MIN_CHAR_HEIGHT:
        return 1.0, ch or 0.0
    return min(MAX_UPSCALE, TARGET_CHAR_HEIGHT / ch), ch


def upscale(gray: np.ndarray) -> Step:
    """Enlarge a low-resolution page so characters are ~TARGET_CHAR_HEIGHT px tall."""
    factor, ch = _enlargement(gray)
    if factor <= 1.0:
        return gray, ""
    h, w = gray.shape
    out = cv2.resize(gray, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_CUBIC)
    return out, f"upscale x{factor:.2f} (characters {ch:.1f} px)"


def sharpen(gray: np.ndarray) -> Step:
    """Unsharp mask: restore the contrast of thin strokes softened by lens, JPEG and resampling."""
    blur = cv2.GaussianBlur(gray, (0, 0), SHARPEN_SIGMA)
    out = cv2.addWeighted(gray, 1 + SHARPEN_AMOUNT, blur, -SHARPEN_AMOUNT, 0)
    return out, f"sharpen: unsharp mask {SHARPEN_SIGMA:g}/{SHARPEN_AMOUNT:g}"


def adaptive_threshold(gray: np.ndarray) -> Step:
    """Gaussian adaptive threshold. Not used by :func:`clean_page` (measured to hurt)."""
    out = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 15
    )
    return out, "binarise: adaptive gaussian 31/15"


# -- composition ------------------------------------------------------------------------


# A line re-read several ways: at its size, smaller and larger, each as is, thickened (a
# light font's strokes joined) and softened (a grainy photo's specks merged). Tesseract reads
# a 7-10 px VIN of a small photo differently in each; where several readings agree on one
# that its check digit confirms, the line is read (extractors.fields, _reread_vin_variants).
VARIANT_SCALES = (1.0, 0.75, 1.5)


def line_variants(gray: np.ndarray) -> list[np.ndarray]:
    """Versions of one cropped line of text for re-reading (see VARIANT_SCALES)."""
    gray = to_gray(gray)
    out = []
    for scale in VARIANT_SCALES:
        img = gray
        if scale != 1.0:
            how = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
            img = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=how)
        out += [img, cv2.erode(img, np.ones((2, 2), np.uint8)), cv2.GaussianBlur(img, (3, 3), 0)]
    return out


# A value OCR could not parse, re-read as these versions, one Tesseract call each and none
# enlarged: a cell of a ~1,000 px photo's page, enlarged 2.4 times and blurred, read
# "casonzee" in the page pass, "GA Sot INE" cut out alone, and "GASOLINE" at 0.75 and 0.5 of
# its size, near the print's size in the photo (seed 20261237).
VALUE_SCALES = (1.0, 0.75, 0.5)
# Ink marks of a value's box that are not its characters, where some are: a cell's border
# or its frame, nearly as tall as the box (its value's box a cell high: "[oct" for DCT), a
# rule's remains, flat, and specks.
FRAME_HEIGHT_SHARE = 0.8
FLAT_SHARE = 0.1
SPECK_AREA = 6


def ink_box(gray: np.ndarray, box) -> tuple[float, float, float, float] | None:
    """The part of ``box`` (on a cleaned page) its characters' ink takes, a cell's border
    left out; None where no ink lies in it."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    crop = to_gray(gray)[y0:y1, x0:x1]
    if crop.size == 0 or int(crop.max()) - int(crop.min()) < 40:
        return None  # a blank or evenly grey box: no ink to find
    _, _, stats, _ = cv2.connectedComponentsWithStats(
        ink_mask(crop).astype(np.uint8), connectivity=8
    )
    ch = crop.shape[0]
    marks = stats[1:][(stats[1:, 4] >= SPECK_AREA) & (stats[1:, 3] > FLAT_SHARE * ch)]
    # Marks shorter than the box are its characters, the taller ones its cell's lines; a box
    # no taller than its characters keeps them all ("1" is as thin as a border).
    chars = marks[marks[:, 3] < FRAME_HEIGHT_SHARE * ch]
    kept = chars if len(chars) else marks
    if not len(kept):
        return None
    left, top = kept[:, 0], kept[:, 1]
    return (
        float(x0 + left.min()),
        float(y0 + top.min()),
        float(x0 + (left + kept[:, 2]).max()),
        float(y0 + (top + kept[:, 3]).max()),
    )


def value_versions(page: np.ndarray, box) -> list[np.ndarray]:
    """A value's region (its ink, see :func:`ink_box`, with a third of its height round it)
    at each of VALUE_SCALES; none where the box holds no ink."""
    tight = ink_box(page, box)
    if tight is None:
        return []
    crop, _, _ = crop_around(to_gray(page), tight, 0.3)
    return [
        crop if s == 1.0 else cv2.resize(crop, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        for s in VALUE_SCALES
    ]


def crop_around(page: np.ndarray, box, margin: float) -> tuple[np.ndarray, int, int]:
    """The region ``box`` of a page with ``margin`` of its height (and 4 px) around it, cut
    to the page, and the crop's top-left corner on the page; the crop is empty for a box
    outside the page."""
    x0, y0, x1, y1 = box
    m = margin * max(1.0, y1 - y0) + 4
    h, w = page.shape[:2]
    cx0, cy0 = max(0, int(x0 - m)), max(0, int(y0 - m))
    cx1, cy1 = min(w, int(np.ceil(x1 + m))), min(h, int(np.ceil(y1 + m)))
    return page[cy0:cy1, cx0:cx1], cx0, cy0


def variant_strip(page: np.ndarray, box) -> tuple[np.ndarray, list[tuple]] | None:
    """The region ``box`` of a cleaned page (with a margin of a third of its height) as
    :func:`line_variants`, stacked a line's height apart: one image for one OCR call, and
    the box of each version in it. None for a box outside the page."""
    # Whole pixels, unlike crop_around's margin: the versions were measured on this crop
    # (moving it by a pixel changed one VIN reading of seed 20261206).
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    m = int(0.3 * (y1 - y0)) + 4
    h, w = page.shape[:2]
    crop = page[max(0, y0 - m) : min(h, y1 + m), max(0, x0 - m) : min(w, x1 + m)]
    if crop.size == 0:
        return None
    variants = line_variants(crop)
    gap = max(v.shape[0] for v in variants)
    return stack_lines(variants, margin=gap, between=gap)


def stack_lines(
    images: list[np.ndarray], *, margin: int, between: int
) -> tuple[np.ndarray, list[tuple]]:
    """The images one under another on white, ``between`` apart and ``margin`` from the
    strip's edges, and the box of each."""
    width = max(im.shape[1] for im in images) + 2 * margin
    height = sum(im.shape[0] for im in images) + 2 * margin + between * (len(images) - 1)
    strip = np.full((height, width), 255, np.uint8)
    boxes, top = [], margin
    for im in images:
        h, w = im.shape[:2]
        strip[top : top + h, margin : margin + w] = im
        boxes.append((float(margin), float(top), float(margin + w), float(top + h)))
        top += h + between
    return strip, boxes


# The order matters: the sheet is cut out and evenly lit before text is analysed; the median
# filter runs after upscaling, since at native size it erases the strokes of small text.
# "sharpen" runs only on enlarged pages (see SHARPENED_AFTER).
STEPS = {
    "perspective": correct_perspective,
    "invert": invert_dark_bands,
    "illumination": normalise_illumination,
    "orientation": orient,
    "deskew": deskew,
    "upscale": upscale,
    "sharpen": sharpen,
    "rules": remove_rules,
    "denoise": denoise,
}


# Steps after whose note "sharpen" runs: enlarged low-resolution pages, whose strokes the
# lens, the JPEG and the resampling have all softened. On the generated phone photos of about
# 1,000 px (50 of two saved sets, seeds 20261201 and 20261130), enlarging 10-13 px characters
# and sharpening the result read 80 % of fields against 64 % before (enlarging alone: 68 %).
# Sharpening full-size photographed pages as well misread the VIN of the integration suite's
# sharp photo; flatbed scans measured neutral to harmful.
SHARPENED_AFTER: tuple[str, ...] = ("upscale",)


_UPSCALE_NOTE = re.compile(r"upscale x[\d.]+ \(characters (?P<height>[\d.]+) px\)")


def _wants_sharpening(notes: list[str]) -> bool:
    """Whether the steps done so far call for sharpening (see SHARPENED_AFTER)."""
    for note in notes:
        if not note.startswith(SHARPENED_AFTER):
            continue  # e.g. a flatbed scan: sharpening measured neutral to harmful there
        enlarged = _UPSCALE_NOTE.match(note)
        if enlarged is None or float(enlarged["height"]) >= SHARPEN_MIN_CHAR_HEIGHT:
            return True
    return False


def clean_page(
    image: np.ndarray, *, skip: frozenset[str] | set[str] = frozenset()
) -> tuple[np.ndarray, list[str]]:
    """Apply the measured-useful steps; the cleaned grayscale page and what was done.

    ``skip`` names steps of :data:`STEPS` to leave out (for the ablation benchmark).
    """
    unknown = set(skip) - STEPS.keys()
    if unknown:
        raise ValueError(f"unknown clean-up steps: {sorted(unknown)}")
    gray = to_gray(image)
    notes: list[str] = []
    for name, step in STEPS.items():
        if name in skip:
            continue
        if name == "sharpen" and not _wants_sharpening(notes):
            continue
        if name == "upscale" and any(n.startswith("upscale") for n in notes):
            continue  # enlarged while flattened
        # The sheet is found in grey; its letterhead band only shows in colour.
        gray, note = step(gray, image) if name == "perspective" else step(gray)
        notes.extend(note.splitlines())  # a step may do two things (see correct_perspective)
    return gray, notes
