"""A claim on an escrow record in the local store: the arrival documents uploaded to the
record against its latest sealed pre-shipment bundle; the claim sealed into the chain."""

import datetime as dt
import json

from tests.test_claims import POLICY, SETTINGS, arrival, prado_contract
from verifier import claims
from verifier.evidence import open_store
from verifier.models import Report

D = dt.date
TERMS = claims.ClaimTerms(arrived=D(2026, 3, 2), filed=D(2026, 3, 4))


def _stored_record(tmp_path):
    store = open_store(tmp_path / "store")
    pre = tmp_path / "pre"
    pre.mkdir()
    contract_docs = prado_contract()
    originals = []
    for doc in contract_docs:
        (pre / doc.file).write_bytes(f"original of {doc.file}".encode())
        originals.append((doc.file, store.put_original(pre / doc.file)))
    report = Report(escrow_id="ESC-7", stage="pre-transaction", policy_version=POLICY.version,
                    documents=contract_docs)
    first = store.seal("ESC-7", "pre-transaction", originals=originals, derived={}, report=report)
    up = tmp_path / "upload"
    up.mkdir()
    entries = []
    for name in ("arrival_inspection.pdf", "front.jpg"):
        (up / name).write_bytes(f"arrival {name}".encode())
        entries.append((name, store.put_original(up / name)))
    store.add_documents("ESC-7", "arrival", entries)
    return store, first


def test_claim_on_a_stored_record_is_sealed_into_its_chain(tmp_path):
    store, first = _stored_record(tmp_path)
    seen = []

    def check_folder(folder):
        # The arrival documents are read from the store's originals, under their names.
        seen.extend(sorted((p.name, p.read_bytes()) for p in folder.iterdir()))
        return Report(escrow_id=folder.name, stage="arrival", policy_version=POLICY.version,
                      documents=arrival(fuel_type="petrol"))

    decision, ref = claims.claim_for_escrow(
        store, "ESC-7", TERMS, check_folder=check_folder, settings=SETTINGS, policy=POLICY,
        today=D(2026, 6, 1),
    )
    assert seen == [("arrival_inspection.pdf", b"arrival arrival_inspection.pdf"),
                    ("front.jpg", b"arrival front.jpg")]
    assert decision.grounds == ["spec.mismatch"] and decision.compared_with == first.id
    assert decision.refund.amount == 6300.0
    chain = store.bundles("ESC-7")
    assert [b.stage for b in chain] == ["pre-transaction", "claim"]
    assert chain[-1].previous == first.root_sha256 and chain[-1].compared_with == first.id
    assert all(b.link_ok for b in chain) and store.verify(ref.id) == []
    sealed = json.loads(store.read_file(ref.id, "data/derived/claim.json"))
    assert sealed["grounds"] == ["spec.mismatch"] and sealed["refund"]["amount"] == 6300.0
    assert store.read_file(ref.id, "data/originals/front.jpg") == b"arrival front.jpg"


def test_a_record_without_a_pre_shipment_bundle_cannot_be_claimed(tmp_path):
    store = open_store(tmp_path / "store")
    try:
        claims.claim_for_escrow(store, "ESC-8", TERMS, check_folder=None, settings=SETTINGS,
                                policy=POLICY, today=D(2026, 6, 1))
    except LookupError as exc:
        assert "ESC-8" in str(exc)
    else:
        raise AssertionError("expected LookupError")
