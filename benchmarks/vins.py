"""Check-digit, brand and model-year accuracy on the real VIN corpus, ours beside vininfo.

    .venv/bin/python benchmarks/vins.py [--corpus ../shared/corpus/vins] [--year 2026]

Reads ``vins.csv`` (744 VINs from public decoders' test suites, labels as their sources
state them; ``SOURCES.md``) and prints, for the whole set and for the independent part
(without vininfo's own fixtures, which are circular for a vininfo baseline, and without the
299 NHTSA-exception Genesis VINs, one model of one year that weighs 40 % of the set):

* check digit: our ``check_digit_ok`` equals the label, on every VIN labelled true/false;
* brand: the make we name equals the labelled make after normalisation
  (``extractors/data/makes.yaml``: ``HONDA`` = Honda, ``Mercedes`` = Mercedes-Benz);
* model year: our ``model_year`` equals the label (``None`` - not encoded or undecided -
  counts as wrong).

vininfo alone: ``verify_checksum()``, ``manufacturer`` and the most recent of ``years``.
The synthetic vPIC-pattern file (``vins_vpic_pattern_synthetic.csv``, not real vehicles) is
scored on a third line. ``--year`` fixes "now" (the latest model year is the next one).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks import vin as vin_check  # noqa: E402
from extractors.normalize import _make_key, normalize_make  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "vins"


def independent(row: dict[str, str]) -> bool:
    """Not vininfo's own fixture and not one of the NHTSA-exception Genesis VINs."""
    return (
        "idlesign/vininfo" not in row["source_repo"]
        and "test_vin_exceptions" not in row["source_path"]
    )


def same_make(ours: str | None, label: str) -> bool:
    if not ours:
        return False

    def key(name: str) -> str:
        return _make_key(normalize_make(name) or name)

    return key(ours) == key(label)


def ours(row: dict[str, str], year: int) -> tuple[bool | None, str | None, int | None]:
    d = vin_check.describe(row["vin"], current_year=year)
    return d["check_digit_ok"], d["make"], d["model_year"]  # type: ignore[return-value]


def vininfo_alone(row: dict[str, str], year: int) -> tuple[bool | None, str | None, int | None]:
    from vininfo import Vin

    try:
        v = Vin(row["vin"])
    except Exception:  # noqa: BLE001
        return None, None, None
    years = [y for y in v.years if y <= year + 1]
    return v.verify_checksum(), v.manufacturer, (years[0] if years else None)


def score(
    rows: Iterable[dict[str, str]],
    decode: Callable[[dict[str, str], int], tuple[bool | None, str | None, int | None]],
    year: int,
) -> dict[str, tuple[int, int]]:
    """``{"check_digit"|"brand"|"model_year": (right, labelled)}``."""
    out = {"check_digit": [0, 0], "brand": [0, 0], "model_year": [0, 0]}
    for row in rows:
        check, make, model_year = decode(row, year)
        if row["expected_checksum_valid"]:
            out["check_digit"][1] += 1
            out["check_digit"][0] += check == (row["expected_checksum_valid"] == "true")
        if row["make"]:
            out["brand"][1] += 1
            out["brand"][0] += same_make(make, row["make"])
        if row["model_year"]:
            out["model_year"][1] += 1
            out["model_year"][0] += model_year == int(row["model_year"])
    return {k: (v[0], v[1]) for k, v in out.items()}


def _cell(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}% ({right}/{total})" if total else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--year", type=int, default=2026, help="current year (default 2026)")
    args = parser.parse_args()
    rows = list(csv.DictReader((args.corpus / "vins.csv").open(encoding="utf-8")))
    synthetic = list(
        csv.DictReader((args.corpus / "vins_vpic_pattern_synthetic.csv").open(encoding="utf-8"))
    )
    parts = [
        (f"whole set ({len(rows)})", rows),
        (f"independent ({sum(map(independent, rows))})", [r for r in rows if independent(r)]),
        (f"vPIC synthetic ({len(synthetic)})", synthetic),
    ]
    header = f"{'part':<24} {'decoder':<9} {'check digit':>20} {'brand':>20} {'model year':>20}"
    print(header)
    print("-" * len(header))
    for label, part in parts:
        for name, decode in (("ours", ours), ("vininfo", vininfo_alone)):
            s = score(part, decode, args.year)
            print(
                f"{label:<24} {name:<9} {_cell(*s['check_digit']):>20} "
                f"{_cell(*s['brand']):>20} {_cell(*s['model_year']):>20}"
            )


if __name__ == "__main__":
    main()
