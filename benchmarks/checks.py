"""Recall and false alarms of the cross-document checks on generated transactions.

Generates ``--count`` clean complete transactions and ``--count`` per defect
(``fixtures/defects.py``; seeded, not the tests' seed), runs ``check_folder`` at the shipment
stage as of the shipment day with the buyer's destination, and prints per defect: recall
(the expected finding reported), verdict agreement, and false alarms (fail-severity findings
the fixture does not contain); for the clean ones the pass rate and how often they failed.

    .venv/bin/python -m benchmarks.checks --count 3 --media text --ocr fake   # seconds
    .venv/bin/python -m benchmarks.checks --count 1 --ocr tesseract           # ~10 s/page

``--ocr fake`` reads scans and photos with the lines the generator drew (tests/fake_ocr.py):
it measures the checks and extraction, not OCR. ``--media text`` makes every paper document
a text PDF. Other checks' review findings (photo resolution, seals) are counted apart: the
"cross" pass rate looks only at the codes of the cross-document checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from fixtures.defects import DEFECTS
from fixtures.generate import generate_transaction
from verifier.context import CheckContext
from verifier.models import Severity
from verifier.pipeline import check_folder
from verifier.settings import OcrSettings, Settings

SEED = 20261  # the tests use 3 and 1234
CROSS = {
    "vin.mismatch", "year.mismatch", "mileage.discrepancy", "mileage.rollback",
    "spec.mismatch", "party.mismatch", "route.mismatch", "document.expired", "date.sequence",
    "document.missing", "modification.undisclosed", "damage.material", "document.duplicate",
    "price.mismatch",
}  # fmt: skip


def run_one(out: Path, defect: str | None, i: int, media: str | None, ocr: str):
    rng = random.Random(f"{SEED}-{defect}-{i}")
    tx_id = f"TX-{(defect or 'clean').replace('.', '_')}-{i:03d}"
    folder = generate_transaction(out, tx_id, rng, seed=SEED, defect=defect, complete=True,
                                  media=media)
    truth_file = folder.with_name(folder.name + ".truth.json")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    tr = truth["transaction"]
    moment = dt.datetime.fromisoformat(tr["shipped_on_board_date"]).replace(tzinfo=dt.UTC)
    ctx = CheckContext(stage="shipment", at=moment, destination=tr["destination_country"])
    kwargs = {}
    if ocr == "fake":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.fake_ocr import FakeReaderFactory

        kwargs["reader_factory"] = FakeReaderFactory(truth_file)
    settings = Settings(ocr=OcrSettings(workers=1 if ocr == "fake" else 0))
    report = check_folder(folder, context=ctx, settings=settings, **kwargs)
    return truth, report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=3, help="transactions per defect and clean")
    ap.add_argument("--media", choices=["text", "all"], default="all")
    ap.add_argument("--ocr", choices=["fake", "tesseract"], default="fake")
    ap.add_argument("--defects", default=",".join(DEFECTS), help="comma-separated subset")
    args = ap.parse_args(argv)
    media = "text" if args.media == "text" else None
    rows: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    by_medium: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for defect in (None, *[d for d in args.defects.split(",") if d]):
            name = defect or "clean"
            for i in range(args.count):
                truth, report = run_one(Path(tmp), defect, i, media, args.ocr)
                exp = truth["defect"] or {"expected_findings": [], "allowed_findings": [],
                                          "expected_verdict": "pass", "media": []}
                allowed = set(exp["expected_findings"]) | set(exp["allowed_findings"])
                codes = {f.code for f in report.findings}
                hit = set(exp["expected_findings"]) <= codes
                false = [f for f in report.findings
                         if f.severity == Severity.fail and f.code not in allowed]
                cross = [f for f in report.findings if f.code in CROSS]
                cross_verdict = ("fail" if any(f.severity == Severity.fail for f in cross)
                                 else "review" if any(f.severity == Severity.review for f in cross)
                                 else "pass")
                r = rows[name]
                r["n"] += 1
                r["hit"] += hit
                r["verdict_ok"] += report.verdict == exp["expected_verdict"]
                r["cross_verdict_ok"] += cross_verdict == exp["expected_verdict"]
                r["false_alarm_tx"] += bool(false)
                r["fail"] += report.verdict == "fail"
                for m in exp["media"]:
                    by_medium[f"{name} @ {m}"][0] += hit
                    by_medium[f"{name} @ {m}"][1] += 1
                for f in false:
                    print(f"  false alarm {name}#{i}: {f.code}: {f.message[:140]}",
                          file=sys.stderr)
                if not hit:
                    print(f"  missed {name}#{i}: {exp.get('note')}; got {sorted(codes)}",
                          file=sys.stderr)
    elapsed = time.perf_counter() - t0
    print(f"checks benchmark: count={args.count} media={args.media} ocr={args.ocr} "
          f"seed={SEED} ({elapsed:.0f} s)")
    print(f"{'fixture':28} {'n':>3} {'recall':>7} {'verdict':>8} {'x-verdict':>9} "
          f"{'false-alarm':>11} {'failed':>6}")
    total = defaultdict(int)
    for name, r in rows.items():
        n = r["n"]
        recall = "-" if name == "clean" else f"{r['hit'] / n:.0%}"
        print(f"{name:28} {n:3d} {recall:>7} {r['verdict_ok'] / n:8.0%} "
              f"{r['cross_verdict_ok'] / n:9.0%} {r['false_alarm_tx'] / n:11.0%} "
              f"{r['fail'] / n:6.0%}")
        if name != "clean":
            for k in ("n", "hit", "false_alarm_tx"):
                total[k] += r[k]
    if total["n"]:
        print(f"defects: recall {total['hit'] / total['n']:.1%} "
              f"({total['hit']}/{total['n']}), transactions with a false alarm "
              f"{total['false_alarm_tx'] / total['n']:.1%}")
    clean = rows.get("clean")
    if clean:
        n = clean["n"]
        print(f"clean: pass {clean['verdict_ok'] / n:.1%} (cross-document checks only "
              f"{clean['cross_verdict_ok'] / n:.1%}), fail {clean['fail'] / n:.1%}, "
              f"false alarms {clean['false_alarm_tx'] / n:.1%}")
    print("recall by carrier medium: " + ", ".join(
        f"{k} {h}/{t}" for k, (h, t) in sorted(by_medium.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
