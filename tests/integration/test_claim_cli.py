"""``verifier claim`` and ``verifier compare`` end to end on generated claim cases: text PDFs
for the papers, a real photo read by real Tesseract."""

import datetime as dt
import json

import pytest

from fixtures.claims import PRADO_2022_PETROL, write_claim_case
from tests.test_cli import verifier

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def seed_case(tmp_path_factory):
    # seed 1: the arrival inspection states a model year (others state a year of manufacture)
    return write_claim_case(tmp_path_factory.mktemp("claim"), 1, delivered=PRADO_2022_PETROL)


def claim(case, filed, *more: str) -> tuple[int, dict]:
    proc = verifier("claim", "--contract", str(case["pre_shipment"]), "--arrival",
                    str(case["arrival"]), "--arrived", case["arrived"].isoformat(),
                    "--filed", filed.isoformat(), "--format", "json", *more)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_seed_example_claim_is_upheld_with_year_and_spec_grounds(seed_case):
    code, out = claim(seed_case, seed_case["arrived"], "--at", "2026-11-26")
    assert code == 1
    assert out["filed_in_time"] and out["complete"] and out["non_conforming"]
    assert out["grounds"] == ["spec.mismatch", "year.mismatch"]
    assert not out["material"] and out["default_judgment"] and not out["escalate"]
    # 2023 → 2022 (8%) + 2.8L → 2693 cc (10%) + diesel → petrol (15%) of USD 42,000
    assert out["refund"]["amount"] == 13860.0 and out["refund"]["currency"] == "USD"
    spec = [f for f in out["findings"] if f["code"] == "spec.mismatch"]
    assert {f["expected"] for f in spec} >= {"diesel"} and {f["found"] for f in spec} >= {"petrol"}


def test_a_late_claim_is_rejected_with_exit_0(seed_case):
    code, out = claim(seed_case, seed_case["arrived"] + dt.timedelta(days=4))
    assert code == 0 and not out["filed_in_time"] and out["refund"] is None
    assert any(f["code"] == "claim.late" for f in out["findings"])


def test_bad_costs_are_a_usage_error(seed_case):
    proc = verifier("claim", "--contract", str(seed_case["pre_shipment"]), "--arrival",
                    str(seed_case["arrival"]), "--arrived", "2026-03-02", "--filed",
                    "2026-03-03", "--costs", "hotel=100")
    assert proc.returncode == 2 and "hotel" in proc.stderr


def test_compare_marks_what_the_arrival_contradicts(seed_case, tmp_path):
    html = tmp_path / "cmp.html"
    proc = verifier(
        "compare",
        str(seed_case["pre_shipment"] / "purchase_contract.pdf"),
        str(seed_case["arrival"]),
        "--format",
        "json",
    )
    assert proc.returncode == 1, proc.stderr
    rows = {r["field"]: r for r in json.loads(proc.stdout)["rows"]}
    assert rows["fuel_type"]["differs"] and rows["model_year"]["differs"]
    assert not rows["make"]["differs"] and not rows["model"]["differs"]
    assert rows["fuel_type"]["a"] == [{"value": "diesel", "documents": ["purchase_contract.pdf"]}]
    proc = verifier(
        "compare",
        str(seed_case["pre_shipment"]),
        str(seed_case["arrival"]),
        "--format",
        "html",
        "--out",
        str(html),
    )
    assert proc.returncode == 1 and "front.jpg" in html.read_text()


def test_claim_against_a_sealed_bundle_is_sealed_into_the_same_chain(seed_case, tmp_path):
    store = str(tmp_path / "store")
    proc = verifier("check", str(seed_case["pre_shipment"]), "--escrow-id", "ESC-CLAIM",
                    "--store", store, "--format", "json")
    baseline = json.loads(proc.stdout)["bundle"]["id"]
    code, out = claim(seed_case, seed_case["arrived"], "--contract", baseline, "--store", store)
    assert code == 1 and out["compared_with"] == baseline
    assert out["grounds"] == ["spec.mismatch", "year.mismatch"]
    proc = verifier("bundle", "list", "ESC-CLAIM", "--store", store, "--format", "json")
    listing = json.loads(proc.stdout)
    chain = listing["bundles"]
    assert proc.returncode == 0 and listing["chain_ok"] and len(chain) == 2
    assert chain[1]["previous"] == chain[0]["root_sha256"] == baseline
    assert chain[1]["compared_with"] == baseline and chain[1]["stage"] == "claim"
