"""Generated transactions with one injected defect each (fixtures/defects.py) through the
whole pipeline (text medium, fake OCR for the photos): the expected finding and verdict, and
no fail-severity finding the fixture does not contain. The full sweep over every defect and
medium with real Tesseract is ``benchmarks/checks.py``."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from fixtures.defects import DEFECTS
from fixtures.generate import generate_transaction
from tests.fake_ocr import FakeReaderFactory
from verifier.context import CheckContext
from verifier.models import Report, Severity
from verifier.pipeline import check_folder
from verifier.settings import OcrSettings, Settings

SEED = 3  # not the benchmark's
# The codes of the cross-document checks of issue 3 (other checks run in the pipeline too).
CROSS_CODES = {
    "vin.mismatch", "year.mismatch", "mileage.discrepancy", "mileage.rollback",
    "spec.mismatch", "party.mismatch", "route.mismatch", "document.expired", "date.sequence",
    "document.missing", "modification.undisclosed", "damage.material", "document.duplicate",
    "price.mismatch", "deal_lock.unverified",
}  # fmt: skip
SAMPLED = ("vin.mismatch", "spec.seed", "mileage.rollback", "mileage.discrepancy",
           "route.mismatch", "document.missing", "damage.material", "document.duplicate")


def check(folder: Path) -> tuple[dict, Report]:
    truth_file = folder.with_name(folder.name + ".truth.json")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    moment = dt.datetime.fromisoformat(truth["transaction"]["shipped_on_board_date"])
    ctx = CheckContext(stage="shipment", at=moment.replace(tzinfo=dt.UTC),
                       destination=truth["transaction"]["destination_country"])
    report = check_folder(folder, context=ctx, settings=Settings(ocr=OcrSettings(workers=1)),
                          reader_factory=FakeReaderFactory(truth_file))
    return truth, report


def make(tmp_path: Path, defect: str | None, media: str | None = "text", seed=SEED) -> Path:
    rng = random.Random(f"{defect}-{seed}")
    return generate_transaction(tmp_path, f"TX-{defect or 'clean'}", rng, seed=SEED,
                                defect=defect, complete=True, media=media)


def test_every_sampled_defect_is_a_known_one():
    assert set(SAMPLED) <= set(DEFECTS)


@pytest.mark.parametrize("defect", SAMPLED)
def test_defect_gives_its_finding_and_verdict(tmp_path, defect):
    truth, report = check(make(tmp_path, defect))
    expected = truth["defect"]
    assert expected["name"] == defect and expected["documents"] or defect == "document.missing"
    found = {f.code for f in report.findings}
    assert set(expected["expected_findings"]) <= found, report.findings
    allowed = set(expected["expected_findings"]) | set(expected["allowed_findings"])
    unexpected = [
        f for f in report.findings
        if f.code in CROSS_CODES and f.code not in allowed and f.severity != Severity.info
    ]
    assert unexpected == []
    fails = [f for f in report.findings if f.severity == Severity.fail and f.code not in allowed]
    assert fails == []
    cross = [f for f in report.findings if f.code in CROSS_CODES]
    verdict = ("fail" if any(f.severity == Severity.fail for f in cross) else
               "review" if any(f.severity == Severity.review for f in cross) else "pass")
    assert verdict == expected["expected_verdict"]
    if expected["expected_verdict"] == "fail":
        assert report.verdict == "fail"


def test_clean_complete_transaction_passes_the_cross_document_checks(tmp_path):
    truth, report = check(make(tmp_path, None))
    assert truth["defect"] is None
    assert [f for f in report.findings
            if f.code in CROSS_CODES and f.severity != Severity.info] == []
    assert report.verdict != "fail"


@pytest.mark.parametrize("seed", [SEED, 11])
def test_clean_complete_transaction_in_every_medium_passes(tmp_path, seed):
    """Text PDFs, scans and phone photos of pages (fake OCR), protocol-compliant photos and a
    sealed contract: nothing to review, nothing failed."""
    folder = make(tmp_path, None, media=None, seed=seed)
    truth, report = check(folder)
    media = {d["medium"] for d in truth["documents"].values()}
    assert {"text_pdf", "scan_pdf", "photo_jpg"} <= media
    assert [(f.code, f.message) for f in report.findings if f.severity != Severity.info] == []
    assert report.verdict == "pass"


def test_default_generation_has_no_defect_key(tmp_path):
    folder = generate_transaction(tmp_path, "TX-PLAIN", random.Random(1), seed=1)
    truth = json.loads(folder.with_name("TX-PLAIN.truth.json").read_text(encoding="utf-8"))
    assert "defect" not in truth


def test_unknown_defect_is_refused(tmp_path):
    with pytest.raises(ValueError):
        make(tmp_path, "vin.teleported")
