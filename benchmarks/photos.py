"""Photo reuse and vehicle colour, measured on the generator's car photos.

    .venv/bin/python benchmarks/photos.py              # 120 photos (about a minute)
    .venv/bin/python benchmarks/photos.py --count 40   # a smoke run

Photos come from ``fixtures.imaging.car_photo`` (seeded; every other photo shows the same
vehicle as the one before it from a new position, the hardest distinct pair), half at phone
size (1000-1280 px) and half at camera size (960-3000 px). Seeds differ from those the
thresholds were tuned on.

1. **Near-duplicates**: each photo re-encoded at JPEG quality 60, resized to 50%, cropped 5%
   (2.5% off every side), cropped 5% off two sides (left and top), and all of resize + crop +
   quality 50 at once; each compared with its original (``checks.photo_match``). Target:
   every one found.
2. **Distinct photos**: every pair of different photos. Target: no false match.
3. **Index**: the originals indexed under one escrow record each, every variant looked up
   from another record (``checks.photo_index.check_reuse``): found, and false matches.
4. **pHash alone** (why it is not the decision): the largest distance of a near-duplicate and
   the smallest between distinct photos, per variant.
5. **Colour**: the body colour seen (``extractors.colour``) against the truth: exact, a close
   neighbour (white/silver), unsure, contradiction (what would be a false
   ``photo.color_mismatch``); and, for every truth colour, how many stated colours that
   contradict it the check would catch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks import photo_match  # noqa: E402
from checks.photo_index import MemoryMeta, PhotoIndex, check_reuse  # noqa: E402
from extractors import colour, media  # noqa: E402
from fixtures import imaging, vehicles  # noqa: E402
from verifier.models import DocType, Document  # noqa: E402
from verifier.policy import Policy  # noqa: E402

SEED = 770_000
POLICY = Policy()


def make_photos(count: int) -> list[tuple[bytes, str]]:
    out: list[tuple[bytes, str]] = []
    v = None
    for i in range(count):
        rng, nprng = random.Random(SEED + i), np.random.default_rng(SEED + i)
        fresh = vehicles.make_vehicle(rng, dt.date(2024, 5, 1))
        v = fresh if i % 2 == 0 or v is None else v
        data, _ = imaging.car_photo(v, rng, nprng, dt.datetime(2024, 5, 1, 10), i % 4 < 2)
        out.append((data, v.color))
    return out


def _jpeg(im: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def variants(data: bytes) -> dict[str, bytes]:
    im = Image.open(io.BytesIO(data))
    w, h = im.size
    dx, dy = round(w * 0.025), round(h * 0.025)
    ex, ey = round(w * 0.05), round(h * 0.05)
    return {
        "re-encoded q60": _jpeg(im, 60),
        "resized 50%": _jpeg(im.resize((w // 2, h // 2), Image.Resampling.LANCZOS)),
        "cropped 5% (all sides)": _jpeg(im.crop((dx, dy, w - dx, h - dy))),
        "cropped 5% (left+top)": _jpeg(im.crop((ex, ey, w, h))),
        "crop+resize+q50": _jpeg(
            im.crop((ex, 0, w, h - ey)).resize((w * 2 // 3, h * 2 // 3)), 50
        ),
    }


def photo_doc(name: str, data: bytes) -> tuple[Document, photo_match.Fingerprint]:
    im = Image.open(io.BytesIO(data))
    info = media.image_info(im)
    fp = photo_match.fingerprint(im)
    info._fingerprint = fp.to_bytes()
    import hashlib

    doc = Document(
        file=name, sha256=hashlib.sha256(data).hexdigest(), type=DocType.photo, media=info
    )
    return doc, fp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=120)
    args = ap.parse_args()
    need = POLICY.photo_same_min_agreement
    t0 = time.monotonic()
    photos = make_photos(args.count)
    print(f"{len(photos)} photos generated in {time.monotonic() - t0:.0f} s; "
          f"same picture when agreement >= {need}, index candidates within "
          f"{POLICY.photo_candidate_distance} pHash bits\n")

    t0 = time.monotonic()
    docs = [photo_doc(f"p{i:03d}.jpg", d) for i, (d, _) in enumerate(photos)]
    per_fp = (time.monotonic() - t0) / len(docs)
    var_docs: dict[str, list[tuple[int, Document, photo_match.Fingerprint]]] = {}
    for i, (data, _) in enumerate(photos):
        for name, vdata in variants(data).items():
            doc, fp = photo_doc(f"v{i:03d}.jpg", vdata)
            var_docs.setdefault(name, []).append((i, doc, fp))

    print("1. near-duplicates found (agreement min) | pHash distance max")
    all_found = True
    for name, rows in var_docs.items():
        agreements = [photo_match.compare(fp, docs[i][1]).agreement for i, _, fp in rows]
        found = sum(a >= need for a in agreements)
        all_found &= found == len(rows)
        dmax = max(media.hamming(d.media.phash, docs[i][0].media.phash) for i, d, _ in rows)
        print(f"   {name:24s} {found}/{len(rows)}  ({min(agreements):.3f})  | {dmax}")

    t0 = time.monotonic()
    pairs = list(itertools.combinations(range(len(docs)), 2))
    scores = [(photo_match.compare(docs[i][1], docs[j][1]).agreement, i, j) for i, j in pairs]
    per_cmp = (time.monotonic() - t0) / len(pairs)
    false = [s for s in scores if s[0] >= need]
    same_vehicle = [s for s in scores if s[1] % 2 == 0 and s[2] == s[1] + 1]
    dmin = min(media.hamming(docs[i][0].media.phash, docs[j][0].media.phash) for i, j in pairs)
    within = sum(
        media.hamming(docs[i][0].media.phash, docs[j][0].media.phash)
        <= POLICY.photo_candidate_distance
        for i, j in pairs
    )
    print(f"\n2. distinct pairs: {len(pairs)}, false matches: {len(false)}, agreement max "
          f"{max(s[0] for s in scores):.3f} (same vehicle, new photo: max "
          f"{max(s[0] for s in same_vehicle):.3f}, median "
          f"{statistics.median(s[0] for s in scores):.3f})")
    print(f"   pHash distance min between distinct photos: {dmin}; pairs within the candidate "
          f"distance: {within}/{len(pairs)}")

    index = PhotoIndex(MemoryMeta())
    for i, (doc, _) in enumerate(docs):
        check_reuse([doc], index, f"ESC-{i:03d}", POLICY)
    hit = wrong = total = 0
    for rows in var_docs.values():
        for i, doc, _ in rows:
            found = check_reuse([doc], index, "ESC-NEW", POLICY, register=False)
            total += 1
            named = {e for f in found for e in (f.found or "").split(", ") if e}
            hit += f"ESC-{i:03d}" in named
            wrong += len(named - {f"ESC-{i:03d}"})
    print(f"\n3. index across escrow records: {hit}/{total} variants traced to their record, "
          f"{wrong} false records named")

    print(f"\n   time: fingerprint {per_fp * 1000:.0f} ms/photo, comparison "
          f"{per_cmp * 1000:.1f} ms/pair")

    print("\n5. colour (seen vs truth)")
    outcome = Counter()
    per_truth: dict[str, Counter] = {}
    caught = chances = 0
    palette = sorted({colour.stated_name(c) for c in vehicles.COLORS})
    for data, truth_word in photos:
        truth = colour.stated_name(truth_word)
        seen = colour.body_colour(Image.open(io.BytesIO(data)))
        name = seen.name if seen else None
        kind = ("unsure" if name is None else "exact" if name == truth
                else "contradiction" if colour.contradicts(name, truth) else "close")
        outcome[kind] += 1
        per_truth.setdefault(truth, Counter())[kind] += 1
        for stated in palette:
            if colour.contradicts(truth, stated):
                chances += 1
                caught += bool(name and colour.contradicts(name, stated))
    n = sum(outcome.values())
    print("   " + ", ".join(f"{k} {v}/{n} ({v / n:.0%})" for k, v in sorted(outcome.items())))
    for truth, c in sorted(per_truth.items()):
        print(f"   {truth:7s} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print(f"   a wrongly stated colour caught: {caught}/{chances} ({caught / chances:.0%})")

    print("\nverdict: near-duplicates " + ("all found" if all_found else "MISSED SOME")
          + f", false matches {len(false)}, false colour contradictions "
          f"{outcome['contradiction']}")


if __name__ == "__main__":
    main()
