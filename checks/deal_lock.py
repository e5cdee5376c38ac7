"""Deal lock: the contract signed at the ``deal-lock`` stage states the same vehicle (VIN and
model year), price and specification as the documents verified before it
(``CheckContext.verified_before``, filled from the escrow record's previous sealed bundle).

Codes are those of the facts (``vin.mismatch``, ``year.mismatch``, ``spec.mismatch``,
``price.mismatch``), each message saying it is the deal lock that disagrees. With nothing
verified before to compare the contract with, the lock cannot be confirmed:
``deal_lock.unverified`` (review).

>>> from verifier.models import Document, Fields
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> before = Document(file='spec.pdf', type='spec_sheet', fields=Fields(fuel_type='diesel'))
>>> lock = Document(file='signed.pdf', type='purchase_contract', fields=Fields(fuel_type='petrol'))
>>> ctx = CheckContext(stage='deal-lock', verified_before=(before,))
>>> [(f.code, f.message[:10]) for f in check_transaction([lock], ctx, Policy())]
[('spec.mismatch', 'deal-lock:')]
"""

from __future__ import annotations

from collections import Counter

from checks.facts import basis, contracts, label, readable
from checks.spec import spec_findings
from verifier.context import CheckContext
from verifier.models import DocType, Document, Finding
from verifier.policy import Policy

PREFIX = "deal-lock: "


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    if ctx.stage != "deal-lock":
        return []
    locked = contracts(documents)
    before = readable(ctx.verified_before)
    if not locked:
        return []  # completeness reports the missing contract
    if not before:
        return [
            policy.finding(
                "deal_lock.unverified",
                PREFIX + "no documents verified before the deal lock to compare the contract "
                "with (no previous sealed bundle)",
                [d.file for d in locked],
            )
        ]
    out: list[Finding] = []
    for contract in locked:
        out += _vin(contract, before, policy)
        out += _same_value(contract, before, "model_year", "year.mismatch", "model year", policy)
        out += _price(contract, before, policy)
        for doc in before:
            if doc.type != DocType.photo:
                out += spec_findings(doc, contract, policy, context=PREFIX)
    return out


def _vin(contract: Document, before: list[Document], policy: Policy) -> list[Finding]:
    vin = contract.fields.vin
    stated = Counter(d.fields.vin for d in before if d.fields.vin)
    if not vin or not stated or vin in stated:
        return []
    expected, _ = stated.most_common(1)[0]
    holders = [d.file for d in before if d.fields.vin == expected]
    return [
        policy.finding(
            "vin.mismatch",
            f"{PREFIX}{label(contract)} states VIN {vin} but the documents verified before "
            f"it state {expected} ({', '.join(holders)})",
            [contract.file, *holders],
            expected=expected,
            found=vin,
            basis=basis(policy, (contract, "vin")),
        )
    ]


def _same_value(
    contract: Document, before: list[Document], field: str, code: str, what: str, policy: Policy
) -> list[Finding]:
    value = getattr(contract.fields, field)
    others = [(d, getattr(d.fields, field)) for d in before if getattr(d.fields, field)]
    wrong = [(d, v) for d, v in others if v != value]
    if value is None or not wrong:
        return []
    return [
        policy.finding(
            code,
            f"{PREFIX}{label(contract)} states {what} {value} but {label(d)}, verified before "
            f"it, states {v}",
            [contract.file, d.file],
            expected=str(v),
            found=str(value),
            basis=basis(policy, (contract, field), (d, field)),
        )
        for d, v in wrong
    ]


def _price(contract: Document, before: list[Document], policy: Policy) -> list[Finding]:
    price, currency = contract.fields.price, contract.fields.currency
    if price is None:
        return []
    out = []
    for d in before:
        if d.fields.price is None:
            continue
        same_currency = not (currency and d.fields.currency) or currency == d.fields.currency
        if same_currency and abs(d.fields.price - price) < 0.005:
            continue
        out.append(
            policy.finding(
                "price.mismatch",
                f"{PREFIX}{label(contract)} states price {currency or ''} {price:,.2f} but "
                f"{label(d)}, verified before it, states {d.fields.currency or ''} "
                f"{d.fields.price:,.2f}",
                [contract.file, d.file],
                expected=f"{d.fields.currency or ''} {d.fields.price:,.2f}".strip(),
                found=f"{currency or ''} {price:,.2f}".strip(),
                basis=basis(policy, (contract, "price"), (d, "price")),
            )
        )
    return out
