"""Mileage: one odometer timeline across every document, and the protocol's rules on it.

Readings: a document's ``odometer_km`` on the day the document speaks for (inspection day,
contract date, certificate issue date — a contract's stated mileage counts as of the
contract's date) and every entry of a service history (``mileage_entries``). Miles were
converted to kilometres at extraction.

* ``mileage.discrepancy`` — the escrow protocol's rule: two readings dated at most
  ``Policy.mileage_window_days`` (30) apart differ by more than ``Policy.mileage_allowance_km``
  (10,000 km).
* ``mileage.rollback`` — a reading lower than an earlier-dated one by more than the larger of
  ``mileage_rollback_tolerance_km`` and ``mileage_rollback_tolerance_pct`` of the earlier
  reading (declared figures are often rounded). A fall is reported once, as a rollback, even
  when it also breaks the 10,000 km rule.

A reading with no date cannot be placed on the timeline (noted, basis ``undated``); a
negative or absurd figure is no reading at all (indeterminate, review).

>>> import datetime as dt
>>> from verifier.models import Document, Fields, MileageEntry
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> svc = Document(file='svc.pdf', type='mileage_record', fields=Fields(mileage_entries=[
...     MileageEntry(date=dt.date(2024, 1, 5), odometer_km=88_000)]))
>>> con = Document(file='c.pdf', type='purchase_contract',
...                fields=Fields(issue_date=dt.date(2024, 3, 1), odometer_km=52_000))
>>> [(r.date.isoformat(), r.km) for r in timeline([svc, con])]
[('2024-01-05', 88000), ('2024-03-01', 52000)]
>>> [f.code for f in check_transaction([svc, con], CheckContext(), Policy())]
['mileage.rollback']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from checks.facts import INDETERMINATE, OCR, document_date, label, readable, uncertain
from verifier.context import CheckContext
from verifier.models import Document, Finding
from verifier.policy import Policy

UNDATED = "undated"
# No road vehicle's odometer shows more than this: a larger figure is a misreading.
MAX_KM = 2_000_000


@dataclass(frozen=True)
class Reading:
    date: dt.date
    km: int
    document: str
    source: str  # "odometer" or "service entry"
    uncertain: bool = False  # read by OCR below the policy's confidence floor

    def describe(self) -> str:
        return f"{self.km:,} km on {self.date.isoformat()} ({self.document}, {self.source})"


def timeline(documents: list[Document], policy: Policy | None = None) -> list[Reading]:
    """Every dated, plausible odometer reading of the transaction, oldest first."""
    return sorted(_readings(documents, policy or Policy())[0], key=lambda r: (r.date, r.km))


def _readings(documents: list[Document], policy: Policy) -> tuple[list[Reading], list[Finding]]:
    readings: list[Reading] = []
    problems: list[Finding] = []

    def junk(doc: Document, what: str, why: str = INDETERMINATE) -> None:
        problems.append(
            policy.finding(
                "mileage.discrepancy",
                f"{label(doc)}: {what}; not placed on the odometer timeline",
                [doc.file],
                basis=why,
            )
        )

    for doc in readable(documents):
        km = doc.fields.odometer_km
        if km is not None:
            day = document_date(doc)
            if not 0 <= km <= MAX_KM:
                junk(doc, f"odometer reading {km} km cannot be right")
            elif day is None:
                junk(doc, f"odometer reading {km:,} km with no date", UNDATED)
            else:
                readings.append(
                    Reading(day, km, doc.file, "odometer", uncertain(doc, "odometer_km", policy))
                )
        for entry in doc.fields.mileage_entries or []:
            if not 0 <= entry.odometer_km <= MAX_KM:
                junk(doc, f"service entry of {entry.odometer_km} km cannot be right")
                continue
            readings.append(
                Reading(
                    entry.date,
                    entry.odometer_km,
                    doc.file,
                    "service entry",
                    uncertain(doc, "mileage_entries", policy),
                )
            )
    return readings, problems


def tolerance(earlier_km: int, policy: Policy) -> float:
    return max(
        policy.mileage_rollback_tolerance_km,
        earlier_km * policy.mileage_rollback_tolerance_pct / 100.0,
    )


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    readings, out = _readings(documents, policy)
    readings.sort(key=lambda r: (r.date, r.km))
    # The worst fact per pair of documents (one service history holds many readings).
    rollbacks: dict[tuple[str, str], tuple[int, Reading, Reading]] = {}
    jumps: dict[tuple[str, str], tuple[int, Reading, Reading]] = {}
    window = dt.timedelta(days=policy.mileage_window_days)
    for i, a in enumerate(readings):
        for b in readings[i + 1 :]:
            fall = a.km - b.km
            if b.date > a.date and fall > tolerance(a.km, policy):
                _keep(rollbacks, (b.document, a.document), fall, a, b)
            elif b.date - a.date <= window and abs(b.km - a.km) > policy.mileage_allowance_km:
                if fall > 0 and b.date > a.date:
                    continue  # already a rollback
                _keep(jumps, tuple(sorted((a.document, b.document))), abs(b.km - a.km), a, b)
    for (later_doc, earlier_doc), (fall, a, b) in rollbacks.items():
        out.append(
            policy.finding(
                "mileage.rollback",
                f"odometer went back {fall:,} km: {b.describe()} is lower than the earlier "
                f"{a.describe()}",
                dict.fromkeys([later_doc, earlier_doc]),
                expected=f">= {a.km - tolerance(a.km, policy):,.0f} km",
                found=f"{b.km:,} km",
                basis=OCR if a.uncertain or b.uncertain else None,
            )
        )
    for _, (diff, a, b) in jumps.items():
        days = (b.date - a.date).days
        out.append(
            policy.finding(
                "mileage.discrepancy",
                f"readings {days} day(s) apart differ by {diff:,} km, more than the "
                f"{policy.mileage_allowance_km:,} km the protocol allows: {a.describe()}; "
                f"{b.describe()}",
                dict.fromkeys([b.document, a.document]),
                expected=f"within {policy.mileage_allowance_km:,} km of {a.km:,} km",
                found=f"{b.km:,} km",
                basis=OCR if a.uncertain or b.uncertain else None,
            )
        )
    return out


def _keep(store, key, amount, a: Reading, b: Reading) -> None:
    if key not in store or amount > store[key][0]:
        store[key] = (amount, a, b)
