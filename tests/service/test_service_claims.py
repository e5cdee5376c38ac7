"""``POST /v1/claims`` on the real service: the arrival documents uploaded to the record are
compared with its sealed pre-shipment bundle and the claim is sealed into the chain."""

import datetime as dt

import pytest

from fixtures.claims import PRADO_2022_PETROL, write_claim_case

ESCROW = "ESC-CLAIMS-1"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return write_claim_case(tmp_path_factory.mktemp("case"), 1, delivered=PRADO_2022_PETROL)


def _upload_all(service, folder, stage):
    names = sorted(p.name for p in folder.iterdir())
    r = service.upload(ESCROW, *names, stage=stage, folder=folder)
    assert r.status_code == 202, r.text
    job = service.wait_job(r.json()["job"]["id"], timeout=180)
    assert job["state"] == "done", job
    return job


def test_claim_over_http_is_decided_and_sealed(service, case):
    pre = _upload_all(service, case["pre_shipment"], "pre-transaction")
    _upload_all(service, case["arrival"], "arrival")
    arrived = case["arrived"]
    body = {"escrow_id": ESCROW, "arrived": arrived.isoformat(),
            "filed": (arrived + dt.timedelta(days=2)).isoformat(), "at": "2026-11-26"}
    with service.client("adjudicator", timeout=300) as c:
        r = c.post("/v1/claims", json=body)
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["grounds"] == ["spec.mismatch", "year.mismatch"]
        assert out["refund"]["amount"] == 13860.0 and out["default_judgment"]
        assert out["compared_with"] == pre["bundle"]["id"]
        chain = c.get(f"/v1/escrows/{ESCROW}/bundles").json()
    bundles = chain["bundles"] if isinstance(chain, dict) else chain
    assert bundles[-1]["id"] == out["bundle"]["id"] and bundles[-1]["stage"] == "claim"


def test_malformed_claims_are_422(service):
    with service.client("adjudicator") as c:
        r = c.post("/v1/claims", json={"escrow_id": ESCROW, "arrived": "yesterday"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "claims.invalid"
        r = c.post("/v1/claims", json={"escrow_id": "ESC-NONE", "arrived": "2026-03-02",
                                       "filed": "2026-03-03"})
        assert r.status_code == 422 and "no sealed pre-shipment bundle" in r.text
