"""Is one photo the same picture as another, after re-encoding, resizing or cropping?

A perceptual hash alone cannot say so on vehicle photos. Measured on the generator's car
photos (``benchmarks/photos.py``): distinct photos of similar cars against similar scenery
come as close as 4 bits of a 64-bit pHash, while the same photo cropped 5% on one side moves
up to 28 bits (dHash and a 256-bit pHash overlap the same way). Photos taken by one dealer in
one yard are the same problem in real life. So the hash is only the index key that finds
candidates (``checks.photo_index``), and this module decides, the way image-forensics
near-duplicate detection does:

1. align: ORB keypoints (Rublee et al., ICCV 2011, OpenCV) matched with Lowe's ratio test,
   and a similarity transform (rotation, scale, shift) fitted with RANSAC
   (``cv2.estimateAffinePartial2D``); when too few keypoints exist, the identity for photos
   of the same aspect ratio;
2. compare the pixels: both 128-pixel grey thumbnails, aligned, gain and offset matched, cut
   into 8x8 tiles; the share of tiles whose RMS difference stays under 4 grey levels is the
   *agreement*. The same picture agrees almost everywhere (measured >= 0.92 over re-encoding,
   halving and 5% crops); two photos of one car model differ in the background and the
   sensor noise and agree in under half of their tiles.

Everything needed for step 1 and 2 fits in a ~20 KB *fingerprint* computed once per photo,
so photos of other escrow records are compared without their originals.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

FEATURE_SIDE = 640  # the long side keypoints are found on
THUMB_SIDE = 128
ORB_FEATURES = 256
TILE = 8
TILE_RMS = 4.0  # grey levels: the same picture re-encoded stays well under it
MIN_INLIERS = 12
FLAT_STD = 2.0  # grey levels of a tile's own variation below which it is flat
MIN_TEXTURED = 12
MIN_OVERLAP = 0.5  # of the first photo covered by the second once aligned
_VERSION = 1


@dataclass(frozen=True)
class Fingerprint:
    points: np.ndarray  # (n, 2) float32, keypoint positions / long side
    descriptors: np.ndarray  # (n, 32) uint8 ORB descriptors
    thumb: np.ndarray  # (h, w) uint8 grey, long side THUMB_SIDE

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            version=np.array([_VERSION]),
            points=np.round(self.points * 65535).astype(np.uint16),
            descriptors=self.descriptors,
            thumb=self.thumb,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            if int(z["version"][0]) != _VERSION:
                raise ValueError(f"fingerprint version {int(z['version'][0])} not supported")
            return cls(z["points"].astype(np.float32) / 65535, z["descriptors"], z["thumb"])


@dataclass(frozen=True)
class Comparison:
    agreement: float  # share of aligned tiles that agree, 0..1
    inliers: int  # keypoint matches consistent with the alignment (0: identity was used)

    def same(self, min_agreement: float) -> bool:
        return self.agreement >= min_agreement


def _resize_long(gray: np.ndarray, side: int) -> np.ndarray:
    s = side / max(gray.shape)
    size = (max(1, round(gray.shape[1] * s)), max(1, round(gray.shape[0] * s)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def fingerprint(image: Image.Image) -> Fingerprint:
    """The alignment keypoints and the thumbnail of a photo (EXIF orientation applied)."""
    gray = np.asarray(ImageOps.exif_transpose(image).convert("L"))
    big = _resize_long(gray, FEATURE_SIDE)
    orb = cv2.ORB_create(nfeatures=ORB_FEATURES)
    keypoints, descriptors = orb.detectAndCompute(big, None)
    if descriptors is None:
        points = np.zeros((0, 2), np.float32)
        descriptors = np.zeros((0, 32), np.uint8)
    else:
        points = np.array([k.pt for k in keypoints], np.float32) / max(big.shape)
    return Fingerprint(points, descriptors, _resize_long(gray, THUMB_SIDE))


def _align(a: Fingerprint, b: Fingerprint) -> tuple[np.ndarray | None, int]:
    """The similarity transform taking a's normalised coordinates to b's, and its inliers."""
    if len(a.descriptors) >= 2 and len(b.descriptors) >= 2:
        pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(a.descriptors, b.descriptors, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
        if len(good) >= MIN_INLIERS:
            src = a.points[[m.queryIdx for m in good]]
            dst = b.points[[m.trainIdx for m in good]]
            cv2.setRNGSeed(11)
            m, inliers = cv2.estimateAffinePartial2D(
                src, dst, method=cv2.RANSAC, ransacReprojThreshold=0.01
            )
            if m is not None and inliers is not None and int(inliers.sum()) >= MIN_INLIERS:
                return m, int(inliers.sum())
    ha, wa = a.thumb.shape
    hb, wb = b.thumb.shape
    if abs(wa / ha - wb / hb) <= 0.03 * (wa / ha):  # same framing: try them as they are
        return np.array([[1.0, 0, 0], [0, 1.0, 0]]), 0
    return None, 0


def _agreement(a: Fingerprint, b: Fingerprint, m: np.ndarray) -> float:
    ta = a.thumb.astype(np.float32)
    h, w = ta.shape
    # m maps a's normalised coordinates to b's; in thumbnail pixels both scale by their side.
    mp = m.copy()
    mp[:, :2] *= max(b.thumb.shape) / max(a.thumb.shape)
    mp[:, 2] *= max(b.thumb.shape)
    flags = cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR
    warped = cv2.warpAffine(b.thumb.astype(np.float32), mp, (w, h), flags=flags)
    cover = (
        cv2.warpAffine(
            np.ones(b.thumb.shape, np.float32),
            mp,
            (w, h),
            flags=cv2.WARP_INVERSE_MAP | cv2.INTER_NEAREST,
        )
        > 0.5
    )
    inner = cv2.erode(cover.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if inner.mean() < MIN_OVERLAP:
        return 0.0
    fa = cv2.GaussianBlur(ta, (0, 0), 1.0)
    fb = cv2.GaussianBlur(np.where(cover, warped, 0).astype(np.float32), (0, 0), 1.0)
    va, vb = fa[inner], fb[inner]
    sa, sb = float(va.std()), float(vb.std())
    if sa < 1e-3 or sb < 1e-3:  # flat images: compare levels only
        fb = fb - float(vb.mean()) + float(va.mean())
    else:
        fb = (fb - float(vb.mean())) * (sa / sb) + float(va.mean())
    th, tw = h // TILE * TILE, w // TILE * TILE

    def tiles(x: np.ndarray) -> np.ndarray:  # (rows, cols) sums over each TILE x TILE tile
        return x[:th, :tw].reshape(th // TILE, TILE, tw // TILE, TILE).sum(axis=(1, 3))

    m = inner.astype(np.float32)
    n = tiles(m)
    keep = n >= 0.9 * TILE * TILE
    if not keep.any():
        return 0.0
    rms = np.sqrt(tiles((fa - fb) ** 2 * m) / np.maximum(n, 1))
    texture = np.zeros_like(rms)
    for f in (fa, fb):
        mean = tiles(f * m) / np.maximum(n, 1)
        var = tiles(f * f * m) / np.maximum(n, 1) - mean**2
        texture = np.maximum(texture, np.sqrt(np.maximum(var, 0)))
    agrees = rms < TILE_RMS
    # Flat tiles (clear sky, a plain wall) agree between any two similar scenes: count the
    # textured ones, unless the photo has hardly any.
    textured = keep & (texture >= FLAT_STD)
    counted = textured if textured.sum() >= MIN_TEXTURED else keep
    return float(agrees[counted].mean())


def compare(a: Fingerprint, b: Fingerprint) -> Comparison:
    """How much of the two photos is the same picture, whichever of the two is the crop."""
    best = Comparison(0.0, 0)
    for x, y in ((a, b), (b, a)):
        m, inliers = _align(x, y)
        if m is None:
            continue
        c = Comparison(round(_agreement(x, y, m), 3), inliers)
        if c.agreement > best.agreement:
            best = c
    return best
