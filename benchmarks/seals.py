"""Seal detection on generated purchase contracts, with and without seals, per medium.

    .venv/bin/python -m benchmarks.seals [--per-class 40] [--seed 7] [--text 10] [--out DIR]
                                         [--media text_pdf scan_pdf photo_jpg]

Contracts come from :mod:`fixtures.seals` (seeded): per medium (text PDF, colour scan, phone
photo) ``--per-class`` sealed and as many unsealed ones, every unsealed one carrying hard
negatives (red letterhead, logo, red text, table rules, red signature ink, blue handwriting,
a pen circle). A sealed contract is right when a seal is reported on the seal's page with its
box overlapping the true box; an unsealed one is right when no seal is reported. Prints
accuracy per medium and class, every miss and false alarm (with the variant or distractors),
and the detection time per page (one low-resolution render or decode plus the detector;
seal text off). ``--text N`` also reads the text of the first N sealed contracts per medium
and prints what was read and the time per seal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from extractors.seal_scan import scan_image, scan_pdf
from fixtures.seals import MEDIA, make_sample


def overlaps(a, b) -> bool:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return small > 0 and inter / small > 0.5


def run(per_class: int, seed: int, text: int, out: Path | None, media=MEDIA) -> int:
    right: dict[tuple[str, bool], int] = defaultdict(int)
    total: dict[tuple[str, bool], int] = defaultdict(int)
    page_times: dict[str, list[float]] = defaultdict(list)
    text_times: list[float] = []
    errors = []
    for medium in media:
        for sealed in (True, False):
            for i in range(per_class):
                s = make_sample(i, seed, medium, sealed)
                if out:
                    out.mkdir(parents=True, exist_ok=True)
                    (out / s.name).write_bytes(s.data)
                scan = scan_image if medium == "photo_jpg" else scan_pdf
                got = scan(s.data, read_text=False)
                page_times[medium].append(got.seconds / max(1, len(got.pages_scanned)))
                if sealed:
                    ok = any(
                        overlaps(seal.box, truth) for seal in got.seals for truth in s.seal_boxes
                    )
                else:
                    ok = not got.seals
                total[(medium, sealed)] += 1
                right[(medium, sealed)] += ok
                if not ok:
                    what = s.variant if sealed else ",".join(s.distractors)
                    errors.append(
                        f"  {s.name}: {'missed' if sealed else 'false alarm'} ({what}); "
                        f"found {[(x.page, x.box, x.color) for x in got.seals]}"
                        f" truth {s.seal_boxes}"
                    )
                if sealed and i < text:
                    t = time.monotonic()
                    read = scan(s.data, read_text=True)
                    text_times.append(time.monotonic() - t - got.seconds)
                    print(f"text {s.name} ({s.variant}): {[x.text for x in read.seals]}")
    print(f"\nseal detection, seed {seed}, {per_class} per medium and class")
    print(f"{'medium':<10} {'sealed':>12} {'unsealed':>12} {'ms/page':>9}")
    for medium in media:
        cells = []
        for sealed in (True, False):
            k = (medium, sealed)
            cells.append(f"{right[k]}/{total[k]} {100 * right[k] / max(1, total[k]):.0f}%")
        ms = 1000 * statistics.mean(page_times[medium])
        print(f"{medium:<10} {cells[0]:>12} {cells[1]:>12} {ms:>9.0f}")
    all_right, all_total = sum(right.values()), sum(total.values())
    print(f"overall {all_right}/{all_total} = {100 * all_right / all_total:.1f}% right")
    if text_times:
        print(f"seal text: {statistics.mean(text_times):.2f} s per document with a seal")
    if errors:
        print("errors:")
        print("\n".join(errors))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-class", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--text", type=int, default=0)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--media", nargs="+", choices=MEDIA, default=list(MEDIA))
    args = ap.parse_args(argv)
    return run(args.per_class, args.seed, args.text, args.out, tuple(args.media))


if __name__ == "__main__":
    sys.exit(main())
