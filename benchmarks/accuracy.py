"""Accuracy of classification and field extraction on freshly generated transactions.

    .venv/bin/python benchmarks/accuracy.py --count 30 --seed 20261126

Generates a set of transactions (not the one the tests use), runs the real pipeline (real
Tesseract) on each folder and compares every document with its ground truth. Prints per-type
classification accuracy and per-field accuracy by medium (text PDF, scanned PDF, phone photo).
A field counts as right when the value equals the truth after the contract's normalisation
(text compared case- and space-insensitively; remarks and disclosures at ≥ 90 % similarity);
a field the truth states but the report does not is wrong. Fields the report states that the
truth does not are counted separately as spurious.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures.generate import generate_set  # noqa: E402
from verifier.pipeline import check_folder  # noqa: E402
from verifier.settings import Settings  # noqa: E402

FUZZY = {"remarks", "disclosures"}
IGNORED = {"engine_displacement_precision_cc"}  # scored together with the displacement


def _norm(value):
    if isinstance(value, str):
        return " ".join(value.lower().replace("\n", " ").split()).strip(" .,;:")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def same(field: str, truth, got) -> bool:
    if got is None:
        return False
    if field in FUZZY:
        return SequenceMatcher(None, _norm(truth), _norm(got)).ratio() >= 0.9
    if field == "container_numbers":
        return sorted(_norm(truth)) == sorted(_norm(got))
    return _norm(truth) == _norm(got)


def evaluate(out: Path, tx_dirs: list[Path], settings: Settings, verbose: bool) -> dict:
    type_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    medium_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    field_hits: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    spurious: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    errors: list[str] = []
    pages = 0
    started = time.monotonic()
    for tx in tx_dirs:
        truth = json.loads(tx.with_suffix(".truth.json").read_text(encoding="utf-8"))
        report = check_folder(tx, settings=settings)
        by_file = {d.file: d for d in report.documents}
        for name, want in truth["documents"].items():
            doc = by_file.get(name)
            medium = want["medium"]
            got_type = doc.type.value if doc else "missing"
            if doc is not None and doc.error:
                errors.append(f"{tx.name}/{name} [{medium}] {doc.error_step}: {doc.error}")
            pages += doc.pages if doc else 0
            ok = got_type == want["type"]
            type_hits[want["type"]][0] += ok
            type_hits[want["type"]][1] += 1
            medium_type[medium][0] += ok
            medium_type[medium][1] += 1
            if not ok:
                misses.append(f"{tx.name}/{name} [{medium}] type {got_type} != {want['type']}")
            got_fields = doc.fields.model_dump(mode="json", exclude_none=True) if doc else {}
            for field, value in want["fields"].items():
                if field in IGNORED:
                    continue
                hit = same(field, value, got_fields.get(field))
                if field == "engine_displacement_cc" and hit:
                    hit = got_fields.get("engine_displacement_precision_cc") == want["fields"].get(
                        "engine_displacement_precision_cc", got_fields.get(
                            "engine_displacement_precision_cc"))
                field_hits[(field, medium)][0] += hit
                field_hits[(field, medium)][1] += 1
                if not hit:
                    misses.append(f"{tx.name}/{name} [{medium}] {field}: "
                                  f"{got_fields.get(field)!r} != {value!r}")
            for field in got_fields:
                if field not in want["fields"] and field not in IGNORED and ok:
                    spurious[field] += 1
    elapsed = time.monotonic() - started
    return {"type_hits": type_hits, "medium_type": medium_type, "field_hits": field_hits,
            "spurious": spurious, "misses": misses, "errors": errors, "seconds": elapsed,
            "pages": pages}


def _pct(h: list[int]) -> str:
    return f"{100 * h[0] / h[1]:6.1f}% ({h[0]}/{h[1]})" if h[1] else "     -"


def print_results(r: dict, verbose: bool) -> None:
    print("\nDocument type, per type")
    total = [0, 0]
    for t, h in sorted(r["type_hits"].items()):
        print(f"  {t:26s} {_pct(h)}")
        total = [total[0] + h[0], total[1] + h[1]]
    print(f"  {'ALL':26s} {_pct(total)}")
    print("\nDocument type, per medium")
    for m, h in sorted(r["medium_type"].items()):
        print(f"  {m:26s} {_pct(h)}")
    media = sorted({m for _, m in r["field_hits"]})
    print("\nFields, per medium")
    print(f"  {'field':30s}" + "".join(f"{m:>22s}" for m in media))
    fields = sorted({f for f, _ in r["field_hits"]})
    other = {m: [0, 0] for m in media}
    for f in fields:
        row = f"  {f:30s}"
        for m in media:
            h = r["field_hits"].get((f, m), [0, 0])
            row += f"{_pct(h):>22s}"
            if f != "vin":
                other[m][0] += h[0]
                other[m][1] += h[1]
        print(row)
    print(f"  {'ALL BUT VIN':30s}" + "".join(f"{_pct(other[m]):>22s}" for m in media))
    if r["spurious"]:
        print("\nSpurious fields (stated in the report, not in the truth): "
              + ", ".join(f"{k}={v}" for k, v in sorted(r["spurious"].items())))
    print(f"\n{r['pages']} pages in {r['seconds']:.0f} s; {len(r['errors'])} documents with errors")
    for line in r["errors"]:
        print("  error: " + line)
    if verbose:
        print("\nMisses:")
        for line in r["misses"]:
            print("  " + line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--out", type=Path, default=None, help="keep the generated set here")
    ap.add_argument("--workers", type=int, default=0)
    # The per-page time limit guards against hostile files; on a shared, overloaded machine
    # a legitimate page can exceed the default, which would score a timeout, not accuracy.
    ap.add_argument("--seconds-per-page", type=float, default=300.0)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="verifier-accuracy-"))
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    existing = sorted(p for p in out.glob(f"TX-{args.seed}-*") if p.is_dir())
    tx_dirs = existing if len(existing) == args.count else generate_set(out, args.count, args.seed)
    print(f"{len(tx_dirs)} transactions (seed {args.seed}) in {out}, generated in "
          f"{time.monotonic() - t0:.0f} s")
    settings = Settings.model_validate(
        {"ocr": {"workers": args.workers}, "limits": {"seconds_per_page": args.seconds_per_page}}
    )
    print_results(evaluate(out, tx_dirs, settings, args.verbose), args.verbose)


if __name__ == "__main__":
    main()
