"""At deal-lock the pipeline takes what the record's pre-transaction bundle verified from the
store, so the signed contract is checked against it (checks/deal_lock.py)."""

from checks import deal_lock
from verifier.context import CheckContext
from verifier.evidence import open_store
from verifier.evidence.run import with_history
from verifier.models import DocType, Document, Fields, Report
from verifier.policy import Policy


def _doc(name, type_, **fields):
    return Document(file=name, sha256="0" * 64, type=type_, fields=Fields(**fields))


def test_deal_lock_compares_the_contract_with_the_sealed_pre_transaction_documents(tmp_path):
    store = open_store(tmp_path / "store")
    verified = [_doc("spec.pdf", DocType.spec_sheet, fuel_type="diesel", make="Toyota")]
    store.seal("ESC-1", "pre-transaction", originals=[], derived={},
               report=Report(escrow_id="ESC-1", policy_version="p", documents=verified))
    lock = CheckContext(stage="deal-lock", escrow_id="ESC-1")
    ctx = with_history(store, "ESC-1", lock)
    assert [d.file for d in ctx.verified_before] == ["spec.pdf"]
    signed = [_doc("signed.pdf", DocType.purchase_contract, fuel_type="petrol", make="Toyota")]
    (f,) = deal_lock.check_transaction(signed, ctx, Policy())
    assert f.code == "spec.mismatch" and "deal-lock" in f.message


def test_other_stages_and_records_without_history_are_left_alone(tmp_path):
    store = open_store(tmp_path / "store")
    pre = CheckContext(stage="pre-transaction", escrow_id="ESC-2")
    assert with_history(store, "ESC-2", pre) is pre
    lock = CheckContext(stage="deal-lock", escrow_id="ESC-2")
    assert with_history(store, "ESC-2", lock).verified_before == ()
