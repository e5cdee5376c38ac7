"""The fixture generator: reproducible, valid identifiers, truth that matches what is drawn."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pymupdf
import pytest
from PIL import Image
from stdnum import iso6346

from fixtures import sample
from fixtures.__main__ import main as cli_main
from fixtures.generate import generate_set, generate_transaction, tx_rng
from fixtures.vehicles import vin_check_digit, vin_is_valid

SEED = 11
COUNT = 20
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FIELDS = ("issue_date", "expiry_date", "inspection_date", "shipped_on_board_date",
               "first_registration_date")
FUELS = {"petrol", "diesel", "electric", "phev", "hybrid", "lpg", "cng"}
TRANSMISSIONS = {"automatic", "manual", "cvt", "dct"}
TYPES = {"purchase_contract", "registration_certificate", "spec_sheet", "mileage_record",
         "mileage_certificate", "inspection_report", "compliance_certificate", "export_license",
         "bill_of_lading", "photo", "vin_verification", "seller_declaration"}


@pytest.fixture(scope="module")
def tx_set(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("fixtures")
    return out, generate_set(out, COUNT, SEED)


def _truths(tx_set):
    out, folders = tx_set
    for f in folders:
        yield f, json.loads((out / f"{f.name}.truth.json").read_text(encoding="utf-8"))


def _docs(tx_set):
    for folder, truth in _truths(tx_set):
        for name, doc in truth["documents"].items():
            yield folder / name, doc, truth


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# --- reproducibility ---------------------------------------------------------------------------


def test_layout_and_names(tx_set):
    out, folders = tx_set
    assert [f.name for f in folders] == [f"TX-{SEED}-{i:04d}" for i in range(1, COUNT + 1)]
    for f in folders:
        assert (out / f"{f.name}.truth.json").is_file()
        assert not list(f.glob("*.json")), "truth must sit beside the folder, not inside"
        n = len(list(f.iterdir()))
        assert 9 <= n <= 13


def test_same_seed_same_bytes(tx_set, tmp_path):
    out, folders = tx_set
    for i in (1, 2):
        tx_id = f"TX-{SEED}-{i:04d}"
        generate_transaction(tmp_path, tx_id, tx_rng(SEED, i), seed=SEED)
        assert _files(tmp_path / tx_id) == _files(out / tx_id)
        assert (tmp_path / f"{tx_id}.truth.json").read_bytes() == \
            (out / f"{tx_id}.truth.json").read_bytes()


def test_different_seed_differs(tx_set, tmp_path):
    out, _ = tx_set
    generate_transaction(tmp_path, f"TX-{SEED}-0001", tx_rng(SEED + 1, 1), seed=SEED + 1)
    a = json.loads((out / f"TX-{SEED}-0001.truth.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / f"TX-{SEED}-0001.truth.json").read_text(encoding="utf-8"))
    assert a["vehicle"] != b["vehicle"]
    assert {d["sha256"] for d in a["documents"].values()}.isdisjoint(
        d["sha256"] for d in b["documents"].values())


# --- identifiers -------------------------------------------------------------------------------


def test_vin_check_digit_known_values():
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert vin_is_valid("1M8GDM9AXKP042788")
    assert vin_is_valid("1HGCM82633A004352")
    assert not vin_is_valid("1HGCM82643A004352")
    assert not vin_is_valid("1HGCM82633AO04352")  # letter O


def test_vins_and_containers_valid(tx_set):
    seen_containers = 0
    for _, truth in _truths(tx_set):
        v = truth["vehicle"]
        assert ("vin" in v) != ("chassis_number" in v)
        if "vin" in v:
            vin = v["vin"]
            assert vin_is_valid(vin), vin
            assert not set("IOQ") & set(vin)
            year_codes = "ABCDEFGHJKLMNPRS"
            assert vin[9] == year_codes[v["model_year"] - 2010]
        for name, doc in truth["documents"].items():
            f = doc["fields"]
            if "vin" in f:
                assert f["vin"] == v.get("vin"), name
            if "chassis_number" in f:
                assert f["chassis_number"] == v.get("chassis_number"), name
            for c in f.get("container_numbers", []):
                assert iso6346.is_valid(c), c
                seen_containers += 1
        for c in truth["transaction"]["container_numbers"]:
            assert iso6346.is_valid(c), c
    assert seen_containers > 0


def test_field_forms(tx_set):
    for path, doc, truth in _docs(tx_set):
        assert doc["type"] in TYPES
        f = doc["fields"]
        for k in DATE_FIELDS:
            if k in f:
                assert ISO_DATE.match(f[k]), (path.name, k, f[k])
        if "fuel_type" in f:
            assert f["fuel_type"] in FUELS
        if "transmission" in f:
            assert f["transmission"] in TRANSMISSIONS
        if "color" in f:
            assert f["color"] == f["color"].lower()
        for k in ("model_year", "manufacture_year", "odometer_km", "engine_displacement_cc"):
            if k in f:
                assert isinstance(f[k], int), (k, f[k])
        if "engine_displacement_cc" in f:
            assert f["engine_displacement_precision_cc"] in (1, 100)
        if "currency" in f:
            assert f["currency"] in {"USD", "EUR", "CNY", "JPY"}
        if "make" in f:
            # A page printing only the manufacturer states its namesake brand.
            from fixtures.documents import MANUFACTURER_BRAND

            maker = MANUFACTURER_BRAND.get(truth["vehicle"]["manufacturer"])
            assert f["make"] in (truth["vehicle"]["make"], maker)
        entries = f.get("mileage_entries")
        if entries:
            dates = [e["date"] for e in entries]
            kms = [e["odometer_km"] for e in entries]
            assert dates == sorted(dates) and kms == sorted(kms)
        if doc["type"] == "photo":
            assert f == {} and doc["lines"] == []


def test_every_transaction_has_contract_and_photo(tx_set):
    for _, truth in _truths(tx_set):
        types = [d["type"] for d in truth["documents"].values()]
        assert "purchase_contract" in types and "photo" in types


# --- media -------------------------------------------------------------------------------------


def test_sha256_and_lines(tx_set):
    for path, doc, _ in _docs(tx_set):
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == doc["sha256"]
        if doc["type"] == "photo":
            continue
        pages = {ln["page"] for ln in doc["lines"]}
        assert pages == set(range(1, doc["pages"] + 1)), path.name
        for ln in doc["lines"]:
            x0, y0, x1, y1 = ln["box"]
            assert x0 < x1 and y0 < y1 and ln["text"]


def test_text_pdfs_have_text(tx_set):
    n = 0
    for path, doc, _ in _docs(tx_set):
        if doc["medium"] != "text_pdf":
            continue
        n += 1
        with pymupdf.open(path) as pdf:
            assert pdf.page_count == doc["pages"]
            text = "\n".join(p.get_text() for p in pdf)
            for fld in ("vin", "chassis_number"):
                if fld in doc["fields"]:
                    assert doc["fields"][fld] in text
            squashed = _squash(text)
            for t in doc["title"]:
                assert _squash(t) in squashed, (path.name, t)
            for ln in doc["lines"]:
                assert _squash(ln["text"]) in squashed, (path.name, ln["text"])
            w, h = pdf[0].rect.width, pdf[0].rect.height
            for ln in doc["lines"]:
                x0, y0, x1, y1 = ln["box"]
                assert x0 >= -1 and x1 <= w + 1 and y0 >= -1 and y1 <= h + 1
    assert n > 0


def test_scan_pdfs_have_no_text_layer(tx_set):
    n = 0
    for path, doc, _ in _docs(tx_set):
        if doc["medium"] != "scan_pdf":
            continue
        n += 1
        with pymupdf.open(path) as pdf:
            assert pdf.page_count == doc["pages"]
            for page in pdf:
                assert page.get_text().strip() == ""
                assert len(page.get_images()) == 1
    assert n > 0


def test_photo_dimensions_and_rotation(tx_set):
    widths, rotations = [], []
    for path, doc, _ in _docs(tx_set):
        if doc["medium"] != "photo_jpg":
            continue
        with Image.open(path) as im:
            assert im.format == "JPEG"
            size = list(im.size)
        assert size == doc["image_size"]
        assert doc["pages"] == 1
        assert doc["rotation"] in (0, 90, 180, 270)
        rotations.append(doc["rotation"])
        w = size[0] if doc["rotation"] in (0, 180) else size[1]
        assert 950 <= w <= 1100 or 1600 <= w <= 3000, w
        widths.append(w)
        for ln in doc["lines"]:
            x0, y0, x1, y1 = ln["box"]
            assert x0 >= 0 and x1 <= size[0] and y0 >= 0 and y1 <= size[1]
    small = sum(w <= 1100 for w in widths) / len(widths)
    assert 0.15 <= small <= 0.55, small
    rotated = sum(r != 0 for r in rotations)
    assert 1 <= rotated <= 0.25 * len(rotations), (rotated, len(rotations))


def test_media_mix(tx_set):
    from collections import Counter
    media = Counter(doc["medium"] for _, doc, _ in _docs(tx_set)
                    if doc["type"] not in ("photo", "vin_verification"))
    total = sum(media.values())
    assert 0.25 <= media["text_pdf"] / total <= 0.55
    assert 0.2 <= media["scan_pdf"] / total <= 0.5
    assert 0.12 <= media["photo_jpg"] / total <= 0.4


# --- sample and command line -------------------------------------------------------------------


def test_committed_sample_is_current(tmp_path):
    committed = sample.SAMPLE_DIR
    folder = committed / "TX-SAMPLE"
    truth = json.loads((committed / "TX-SAMPLE.truth.json").read_text(encoding="utf-8"))
    files = _files(folder)
    assert sum(len(b) for b in files.values()) < 4_000_000
    assert 9 <= len(files) <= 12
    assert set(files) == set(truth["documents"])
    assert {d["medium"] for d in truth["documents"].values()} == \
        {"text_pdf", "scan_pdf", "photo_jpg"}
    sample.main(tmp_path)
    assert _files(tmp_path / "TX-SAMPLE") == files
    assert (tmp_path / "TX-SAMPLE.truth.json").read_bytes() == \
        (committed / "TX-SAMPLE.truth.json").read_bytes()


def test_cli(tmp_path, capsys):
    assert cli_main([str(tmp_path), "--count", "1", "--seed", "3"]) == 0
    assert (tmp_path / "TX-3-0001").is_dir()
    assert (tmp_path / "TX-3-0001.truth.json").is_file()
