"""``check --store``: originals stored before parsing, the run sealed, and the CLI's bundle
commands (exit status and JSON per ``../shared/CONTRACT.md``) on both stores."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE, truth_path
from tests.fake_ocr import FakeOcrReader, FakeReaderFactory
from tests.s3server import new_bucket_uri, s3_endpoint
from verifier.evidence import StoreError, open_store, verify_proof
from verifier.evidence.local import LocalStore
from verifier.evidence.merkle import Proof
from verifier.pipeline import check_folder
from verifier.settings import OcrSettings, Settings

ONE_WORKER = Settings(ocr=OcrSettings(workers=1))
TEXT_PDFS = ("specification.pdf", "document(34).pdf")


class StoreCheckingFactory(FakeReaderFactory):
    """A fake OCR engine that, whenever it is asked to read a page, checks that the page's
    original is already in the store: nothing is parsed before it is stored."""

    def __init__(self, store, *truth: Path) -> None:
        super().__init__(*truth)
        self.store = store
        self.checked: list[str] = []

    def __call__(self, settings):
        factory = self

        class Reader(FakeOcrReader):
            def read(self, image, *, page_number, key=""):
                sha = key.partition(":")[0]
                assert factory.store.has_original(sha), f"{key} read before it was stored"
                factory.checked.append(sha)
                return super().read(image, page_number=page_number, key=key)

        return Reader(self.lines)


def test_check_folder_stores_first_and_seals(tmp_path):
    folder = tmp_path / "TX-SCANS"
    folder.mkdir()
    for name in ("scan0012.pdf", "DSC03006.JPG", "specification.pdf"):
        shutil.copyfile(SAMPLE / name, folder / name)
    store = open_store(tmp_path / "store")
    factory = StoreCheckingFactory(store, truth_path(SAMPLE))
    report = check_folder(folder, settings=ONE_WORKER, reader_factory=factory, store=store)
    assert factory.checked, "the folder has scans: the fake engine must have been asked"
    assert report.bundle is not None and store.verify(report.bundle.id) == []
    bundle = report.bundle.id
    for doc in report.documents:
        original = store.read_file(bundle, f"data/originals/{doc.file}")
        assert original == (folder / doc.file).read_bytes()
    sealed = json.loads(store.read_file(bundle, "data/report.json"))
    assert "bundle" not in sealed
    assert sealed == json.loads(report.model_copy(update={"bundle": None}).to_json())
    # what was read: one JSON per readable document, with text and word boxes
    scan = next(d for d in report.documents if d.ocr)
    derived = json.loads(store.read_file(bundle, f"data/derived/{scan.file}.json"))
    assert derived["sha256"] == scan.sha256 and derived["pages"][0]["method"] == "ocr"
    assert derived["pages"][0]["words"] and derived["pages"][0]["text"]
    proof = store.prove(bundle, f"data/originals/{scan.file}")
    assert verify_proof(proof, report.bundle.root_sha256)


class FailingStore(LocalStore):
    def put_original(self, path: Path) -> str:
        if Path(path).name == "specification.pdf":
            raise StoreError("disk full")
        return super().put_original(path)


def test_a_store_failure_is_recorded_and_nothing_is_sealed(tmp_path):
    folder = tmp_path / "TX"
    folder.mkdir()
    for name in TEXT_PDFS:
        shutil.copyfile(SAMPLE / name, folder / name)
    store = FailingStore(tmp_path / "store")
    report = check_folder(folder, settings=ONE_WORKER, store=store)
    doc = next(d for d in report.documents if d.file == "specification.pdf")
    assert doc.error_step == "store" and "disk full" in doc.error
    codes = {f.code: f for f in report.findings}
    assert codes["evidence.not_stored"].documents == ["specification.pdf"]
    assert "evidence.unsealed" in codes and report.verdict != "pass"
    assert report.bundle is None and store.bundles("TX") == []
    others = [d for d in report.documents if d.file != "specification.pdf"]
    assert all(store.has_original(d.sha256) for d in others)  # the rest is not lost


# ---------------------------------------------------------------- the command line


def verifier(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a subprocess (the contract's own door)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=REPO,
        env={**os.environ, "COLUMNS": "250", "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run(*args: str, env: dict | None = None):
    """The command in-process (CliRunner): the same code without a second start-up."""
    from typer.testing import CliRunner

    from cli import app

    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250", **(env or {})})


@pytest.fixture(params=["local", "s3"])
def store_uri(request, tmp_path) -> str:
    if request.param == "local":
        return str(tmp_path / "store")
    s3_endpoint()
    return new_bucket_uri()


@pytest.fixture
def text_folder(tmp_path) -> Path:
    folder = tmp_path / "ESC-CLI-1"
    folder.mkdir()
    for name in TEXT_PDFS:
        shutil.copyfile(SAMPLE / name, folder / name)
    return folder


def test_cli_check_store_then_bundle_commands(text_folder, store_uri, tmp_path):
    first = verifier("check", str(text_folder), "--store", store_uri, "--format", "json")
    assert first.returncode in (0, 1, 3), first.stderr
    report = json.loads(first.stdout)
    bundle = report["bundle"]["id"]
    assert report["escrow_id"] == "ESC-CLI-1" and report["bundle"]["root_sha256"] == bundle
    # VERIFIER_STORE stands in for --store
    second = run(
        "check", str(text_folder), "--format", "json", "--workers", "1",
        env={"VERIFIER_STORE": store_uri},
    )  # fmt: skip
    again = json.loads(second.stdout)["bundle"]
    assert again["previous"] == bundle

    ok = run("bundle", "verify", bundle, "--store", store_uri, "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout) == {"bundle_id": bundle, "intact": True, "problems": []}

    listing = run("bundle", "list", "ESC-CLI-1", "--store", store_uri, "--format", "json")
    assert listing.exit_code == 0
    chain = json.loads(listing.stdout)
    assert chain["chain_ok"] is True
    assert [b["id"] for b in chain["bundles"]] == [bundle, again["id"]]

    proved = run(
        "bundle", "prove", bundle, "data/originals/specification.pdf", "--store", store_uri
    )
    assert proved.exit_code == 0
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(proved.stdout)
    assert verify_proof(Proof.from_dict(json.loads(proved.stdout)), bundle)
    spec = str(text_folder / "specification.pdf")
    checked = run("bundle", "check-proof", str(proof_file), "--root", bundle, "--file", spec)
    assert checked.exit_code == 0
    wrong = run("bundle", "check-proof", str(proof_file), "--root", again["id"])
    assert wrong.exit_code == 1

    # tamper, then verify again: exit 1 and the problem named
    store = open_store(store_uri)
    if isinstance(store, LocalStore):
        target = store.root / "bundles" / bundle / "data" / "report.json"
        os.chmod(target.parent, 0o755)
        os.chmod(target, 0o644)
        target.write_text("{}")
    else:
        key = store._bundle_prefix(bundle) + "data/report.json"
        store.client.put_object(store.bucket, key, io.BytesIO(b"{}"), 2)
    bad = verifier("bundle", "verify", bundle, "--store", store_uri, "--format", "json")
    assert bad.returncode == 1
    problems = json.loads(bad.stdout)["problems"]
    assert [(p["kind"], p["path"]) for p in problems] == [("changed", "data/report.json")]
    table = run("bundle", "verify", bundle, "--store", store_uri)
    assert table.exit_code == 1 and "data/report.json" in table.stdout


def test_cli_usage_errors(text_folder, tmp_path):
    store = str(tmp_path / "store")
    bad_id = run("check", str(text_folder), "--store", store, "--escrow-id", "../x")
    assert bad_id.exit_code == 2
    assert run("bundle", "verify", "../x", "--store", store).exit_code == 2
    assert run("bundle", "verify", "a" * 64, env={"VERIFIER_STORE": ""}).exit_code == 2
    missing = run("bundle", "verify", "a" * 64, "--store", store, "--format", "json")
    assert missing.exit_code == 1 and json.loads(missing.stdout)["intact"] is False
    assert run("bundle", "list", "E1", "--store", store, "--format", "xml").exit_code == 2


def test_a_stored_run_seals_video_keyframes_and_finds_photos_reused_across_records(tmp_path):
    from tests.test_media import write_mp4

    store = open_store(tmp_path / "store")
    photo = "DSC03006.JPG"
    reports = {}
    for escrow in ("ESC-A", "ESC-B"):
        folder = tmp_path / escrow
        folder.mkdir()
        shutil.copyfile(SAMPLE / photo, folder / photo)
        if escrow == "ESC-A":
            write_mp4(folder / "walkaround.mp4")
        factory = FakeReaderFactory(truth_path(SAMPLE))
        reports[escrow] = check_folder(folder, settings=ONE_WORKER, reader_factory=factory,
                                       store=store)
    a, b = reports["ESC-A"], reports["ESC-B"]
    assert not [f for f in a.findings if f.code == "photo.reused"]
    (reused,) = [f for f in b.findings if f.code == "photo.reused"]
    assert "ESC-A" in reused.message and reused.documents[0] == photo
    manifest = store.read_file(a.bundle.id, "manifest-sha256.txt").decode().splitlines()
    keyframes = [line.split(maxsplit=1)[1] for line in manifest
                 if "data/derived/keyframes/walkaround.mp4/" in line]
    assert len(keyframes) >= 3
    assert store.read_file(a.bundle.id, keyframes[0])[:3] == b"\xff\xd8\xff"  # a JPEG
