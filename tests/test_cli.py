"""The ``verifier`` command as a subprocess: stdout, stderr and exit status (CONTRACT.md).

The fast tests use folders of text-layer PDFs (copied from the sample or built here), so no
page is OCRed; the one run over the whole sample with real Tesseract is marked integration.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pymupdf
import pytest

from tests.conftest import REPO, SAMPLE, load_truth
from verifier.schema import published_schema

EXIT = {"pass": 0, "fail": 1, "review": 3}
TEXT_PDFS = (
    "EXP-2023-88371_19.pdf",
    "EXP-2023-88371_32.pdf",
    "EXP-2023-88371_35.pdf",
    "document(34).pdf",
    "specification.pdf",
)
# A Chinese VIN (check digit mandatory, GB 16735) whose position 9 should be 2, not 7.
BAD_CHECK_DIGIT_VIN = "LS5RTN5N7L2183505"


def verifier(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def report_of(proc: subprocess.CompletedProcess[str]) -> dict:
    """The whole of stdout is one JSON report, valid against the published schema."""
    data = json.loads(proc.stdout)
    jsonschema.validate(data, published_schema())
    return data


def contract_pdf(path: Path, vin: str) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 80.0
    for size, text in [
        (18, "SALES CONTRACT"),
        (11, "Contract No.: SC-2024-0001"),
        (11, "Seller: Tianjin Hengda Vehicle Export Co., Ltd."),
        (11, "Buyer: Kwame Mensah"),
        (11, f"VIN: {vin}"),
        (11, "Make: Changan   Model: CS75 Plus"),
        (11, "Price: USD 12,400"),
    ]:
        page.insert_text((60, y), text, fontname="helv", fontsize=size)
        y += size * 2.2
    doc.save(path)
    doc.close()


@pytest.fixture
def text_folder(tmp_path) -> Path:
    """The sample's text-layer PDFs only: nothing to OCR."""
    folder = tmp_path / "TX-TEXT"
    folder.mkdir()
    for name in TEXT_PDFS:
        shutil.copyfile(SAMPLE / name, folder / name)
    return folder


@pytest.fixture
def review_folder(text_folder) -> Path:
    """Text PDFs beside an empty file and a corrupt PDF (MuPDF complains about it)."""
    (text_folder / "empty.pdf").write_bytes(b"")
    corrupt = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog" + b"\xff" * 900
    (text_folder / "corrupt.pdf").write_bytes(corrupt)
    return text_folder


@pytest.fixture
def fail_folder(tmp_path) -> Path:
    folder = tmp_path / "TX-FAIL"
    folder.mkdir()
    contract_pdf(folder / "contract.pdf", BAD_CHECK_DIGIT_VIN)
    return folder


# --- check --format json --------------------------------------------------------------------


def test_check_json_on_text_pdfs(text_folder):
    proc = verifier("check", str(text_folder), "--format", "json")
    report = report_of(proc)
    assert proc.returncode == EXIT[report["verdict"]], proc.stderr
    assert report["escrow_id"] == "TX-TEXT"
    assert report["stage"] == "pre-transaction"
    truth = load_truth(SAMPLE)["documents"]
    assert [d["file"] for d in report["documents"]] == sorted(TEXT_PDFS)
    for doc in report["documents"]:
        assert doc["ocr"] is False, doc["file"]
        assert doc["type"] == truth[doc["file"]]["type"], doc["file"]
        assert doc["sha256"] == truth[doc["file"]]["sha256"], doc["file"]
        assert doc["fields"], doc["file"]


@pytest.mark.parametrize(
    ("folder", "verdict", "code"),
    [
        # a few text PDFs are not the documents the pre-transaction stage requires
        ("text_folder", "review", "document.missing"),
        ("review_folder", "review", "document.unreadable"),
        ("fail_folder", "fail", "vin.checksum"),
    ],
)
def test_check_exit_status_follows_the_verdict(request, folder, verdict, code):
    proc = verifier("check", str(request.getfixturevalue(folder)), "--format", "json")
    report = report_of(proc)  # MuPDF's complaints about corrupt.pdf must not reach stdout
    assert report["verdict"] == verdict, report["findings"]
    assert proc.returncode == EXIT[verdict], proc.stderr
    codes = {f["code"] for f in report["findings"]}
    if code is None:
        assert not [f for f in report["findings"] if f["severity"] != "info"]
    else:
        assert code in codes


def test_check_json_review_lists_broken_files(review_folder):
    report = report_of(verifier("check", str(review_folder), "--format", "json"))
    docs = {d["file"]: d for d in report["documents"]}
    assert set(docs) == {*TEXT_PDFS, "empty.pdf", "corrupt.pdf"}
    for name in ("empty.pdf", "corrupt.pdf"):
        assert docs[name]["type"] == "unknown"
        assert docs[name]["error"]
        assert any(
            f["code"] == "document.unreadable" and name in f["documents"]
            for f in report["findings"]
        ), name


def test_check_stage_and_escrow_id_options(text_folder):
    proc = verifier(
        "check", str(text_folder), "--format", "json", "--stage", "shipment",
        "--escrow-id", "ESC-2026-0001",
    )
    report = report_of(proc)
    assert (report["stage"], report["escrow_id"]) == ("shipment", "ESC-2026-0001")
    assert proc.returncode == EXIT[report["verdict"]]


# --- check --format table -------------------------------------------------------------------


@pytest.mark.parametrize("args", [("--format", "table"), ()], ids=["table", "default"])
def test_check_table_names_every_file(review_folder, args):
    proc = verifier("check", str(review_folder), *args)
    assert proc.returncode == EXIT["review"], proc.stderr
    for name in (*TEXT_PDFS, "empty.pdf", "corrupt.pdf"):
        assert name in proc.stdout, name
    assert "document.unreadable" in proc.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(proc.stdout)


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("check", "{folder}", "--format", "xml"),
        ("check", "{folder}/no-such-folder", "--format", "json"),
        ("check", "{folder}", "--stage", "customs"),
        ("check", "{folder}", "--config", "{folder}/../unknown-key.toml"),
        ("check", "{folder}", "--config", "{folder}/../not-toml.toml"),
        ("check", "{folder}", "--config", "{folder}/../no-such.toml"),
        ("check", "{folder}", "--no-such-option"),
        ("check",),
        ("no-such-command",),
    ],
    ids=[
        "format", "missing-folder", "stage", "config-unknown-key", "config-not-toml",
        "config-missing", "unknown-option", "no-folder-argument", "unknown-command",
    ],
)
def test_usage_errors_exit_2(text_folder, args):
    (text_folder.parent / "unknown-key.toml").write_text("[limits]\nmax_file_byts = 10\n")
    (text_folder.parent / "not-toml.toml").write_text("limits = = 3\n")
    proc = verifier(*(a.format(folder=text_folder) for a in args))
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.strip()


# --- schema and config ----------------------------------------------------------------------


def test_schema_prints_the_published_schema():
    proc = verifier("schema")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == published_schema()


def test_config_limits_take_effect(text_folder, tmp_path):
    config = tmp_path / "limits.toml"
    config.write_text("[limits]\nmax_file_bytes = 10\n")
    proc = verifier("check", str(text_folder), "--format", "json", "--config", str(config))
    report = report_of(proc)
    assert report["verdict"] == "review"
    assert proc.returncode == EXIT["review"]
    assert len(report["documents"]) == len(TEXT_PDFS)
    for doc in report["documents"]:
        assert doc["type"] == "unknown", doc["file"]
        assert doc["error_step"] == "intake", doc["file"]
        assert doc["sha256"], doc["file"]  # over the limit is still hashed
        assert any(
            f["code"] == "document.limit" and doc["file"] in f["documents"]
            for f in report["findings"]
        ), doc["file"]


def test_config_ocr_settings_are_accepted(text_folder, tmp_path):
    config = tmp_path / "ocr.toml"
    config.write_text('[ocr]\nlanguages = "eng"\ndpi = 200\nworkers = 1\n')
    proc = verifier("check", str(text_folder), "--format", "json", "--config", str(config))
    report = report_of(proc)
    assert proc.returncode == EXIT[report["verdict"]]
    assert all(d["type"] != "unknown" for d in report["documents"])


# --- the whole sample, real Tesseract -------------------------------------------------------


@pytest.mark.integration
def test_check_sample_with_real_tesseract():
    proc = verifier("check", str(SAMPLE), "--format", "json", timeout=300)
    report = report_of(proc)
    assert proc.returncode == EXIT[report["verdict"]], proc.stderr
    truth = load_truth(SAMPLE)["documents"]
    docs = {d["file"]: d for d in report["documents"]}
    assert set(docs) == set(truth)
    for name, expected in truth.items():
        assert docs[name]["ocr"] is (expected["medium"] != "text_pdf"), name
        assert "error" not in docs[name], (name, docs[name].get("error"))
