"""checks/deal_lock.py: the deal-lock contract states what was verified before it."""

from __future__ import annotations

from checks import deal_lock
from tests.checks_helpers import POLICY, codes, doc
from verifier.context import CheckContext

VIN = "LGXCE4CB8N0012345"
BEFORE = (
    doc("spec.pdf", "spec_sheet", make="BYD", model="Atto 3", fuel_type="electric",
        model_year=2022),
    doc("draft.pdf", "purchase_contract", vin=VIN, price=21_500.0, currency="USD"),
    doc("reg.pdf", "registration_certificate", vin=VIN),
)


def run(contract, before=BEFORE, stage="deal-lock"):
    ctx = CheckContext(stage=stage, verified_before=before)
    return deal_lock.check_transaction([contract], ctx, POLICY)


def locked(**kw):
    base = {"vin": VIN, "make": "BYD", "model": "Atto 3", "fuel_type": "electric",
            "model_year": 2022, "price": 21_500.0, "currency": "USD"}
    return doc("signed.pdf", "purchase_contract", **(base | kw))


def test_same_vehicle_price_and_spec_passes():
    assert run(locked()) == []


def test_other_vin_price_spec_and_year_each_fail_saying_deal_lock():
    found = run(locked(vin="LGXCE4CB8N0099999", price=23_000.0, fuel_type="phev",
                       model_year=2023))
    assert sorted(codes(found)) == [("price.mismatch", "fail"), ("spec.mismatch", "fail"),
                                    ("vin.mismatch", "fail"), ("year.mismatch", "fail")]
    assert all(f.message.startswith("deal-lock: ") for f in found)
    assert all("signed.pdf" in f.documents for f in found)


def test_nothing_verified_before_is_review():
    assert codes(run(locked(), before=())) == [("deal_lock.unverified", "review")]


def test_other_stages_are_not_deal_lock():
    assert run(locked(vin="LGXCE4CB8N0099999"), stage="pre-transaction") == []


def test_junk_contract_fields_never_crash():
    found = run(doc("signed.pdf", "purchase_contract", vin="???", model="", price=-1.0))
    assert {f.code for f in found} <= {"vin.mismatch", "price.mismatch", "spec.mismatch"}
