"""Real documents through the whole pipeline with real Tesseract.

``../shared/corpus/realdocs/expected.json`` says what a correct reading gives for each photo
(type, field values, findings); it is read here at test time, never copied into the test.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from verifier.models import Report
from verifier.pipeline import check_folder
from verifier.settings import OcrSettings, Settings

pytestmark = pytest.mark.integration
# expected.json's notes say how a VIN is printed when the print differs from the VIN.
PRINTED = re.compile(r"prints the VIN as ([A-Z0-9]{17})\b")


@pytest.fixture(scope="module")
def realdocs(corpus_dir, tmp_path_factory) -> tuple[dict, Report]:
    source = corpus_dir / "realdocs"
    expected = json.loads((source / "expected.json").read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("realdocs")
    photos = sorted(source.glob("*.jpg"))
    assert photos, f"no photo in {source}"
    for photo in photos:
        shutil.copyfile(photo, folder / photo.name)
    assert set(expected) <= {p.name for p in photos}
    report = check_folder(folder, settings=Settings(ocr=OcrSettings(workers=2)))
    return expected, report


def _doc(report: Report, name: str):
    return next(d for d in report.documents if d.file == name)


def test_every_photo_is_read(realdocs):
    expected, report = realdocs
    for name in expected:
        doc = _doc(report, name)
        assert doc.error is None, (name, doc.error_step, doc.error)
        assert doc.ocr is True, name


def test_type_and_fields_as_expected(realdocs):
    expected, report = realdocs
    wrong = []
    for name, want in expected.items():
        doc = _doc(report, name)
        if doc.type.value != want["type"]:
            wrong.append(f"{name}: type expected {want['type']}, got {doc.type.value}")
        got = doc.fields.model_dump(mode="json", exclude_none=True)
        for key, value in want.get("fields", {}).items():
            if got.get(key) != value:
                wrong.append(f"{name}: {key} expected {value!r}, got {got.get(key)!r}")
    assert not wrong, "\n".join(wrong)


def test_expected_findings(realdocs):
    expected, report = realdocs
    missing = []
    for name, want in expected.items():
        codes = {f.code for f in report.findings if name in f.documents}
        missing += [f"{name}: {code}" for code in want.get("findings", []) if code not in codes]
    assert not missing, "\n".join(missing)


def test_vin_corrections_are_recorded_beside_the_raw_text(realdocs):
    """Where a document prints its VIN with I for 1 (I never occurs in a VIN; expected.json's
    notes say how it is printed), the source keeps the raw reading with the I's and records
    each I→1 correction, and the field holds the corrected VIN."""
    expected, report = realdocs
    printed_as = {
        name: m.group(1)
        for name, want in expected.items()
        if (m := PRINTED.search(want.get("notes", ""))) and "vin" in want.get("fields", {})
    }
    assert printed_as, "expected.json names no VIN printed with I for 1"
    for name, printed in printed_as.items():
        vin = expected[name]["fields"]["vin"]
        flips = [i + 1 for i, (a, b) in enumerate(zip(printed, vin, strict=True)) if a != b]
        assert flips and all((printed[p - 1], vin[p - 1]) == ("I", "1") for p in flips)
        doc = _doc(report, name)
        source = doc.sources.get("vin")
        assert source is not None, f"{name}: no VIN source"
        assert doc.fields.vin == vin, (name, doc.fields.vin, source.raw)
        assert source.method == "ocr"
        assert printed in "".join(ch for ch in source.raw.upper() if ch.isalnum()), source.raw
        for pos in flips:
            assert f"I→1 at {pos}" in source.corrections, (name, pos, source.corrections)
