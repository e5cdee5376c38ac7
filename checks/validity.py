"""Validity and date order: export licences and compliance certificates are valid on the day
the vehicle is shipped (the B/L's shipped-on-board date), or — before shipment — on the day
of the check (``CheckContext.today()``, i.e. ``--at``); the pre-shipment inspection is dated
no later than the shipment.

A certificate's "valid until" day is its last valid day. An expiry before the issue date
cannot be right and is reported as indeterminate (review). From the ``arrival`` stage on an
inspection report is the arrival inspection, dated after shipment by nature: the date order
rule applies to the stages before (``pre-transaction``, ``deal-lock``, ``shipment``).

>>> import datetime as dt
>>> from verifier.models import Document, Fields
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> bl = Document(file='bl.pdf', type='bill_of_lading',
...               fields=Fields(shipped_on_board_date=dt.date(2024, 5, 10)))
>>> lic = Document(file='lic.pdf', type='export_license',
...                fields=Fields(issue_date=dt.date(2024, 2, 1), expiry_date=dt.date(2024, 5, 1)))
>>> [(f.code, f.documents) for f in check_transaction([bl, lic], CheckContext(), Policy())]
[('document.expired', ['lic.pdf', 'bl.pdf'])]
"""

from __future__ import annotations

import datetime as dt

from checks.facts import INDETERMINATE, basis, label, of_type
from verifier.context import CheckContext
from verifier.models import DocType, Document, Finding
from verifier.policy import Policy

EXPIRING = (DocType.export_license, DocType.compliance_certificate)
BEFORE_SHIPMENT_STAGES = ("pre-transaction", "deal-lock", "shipment")


def shipment(documents: list[Document]) -> tuple[dt.date, Document] | None:
    """The earliest shipped-on-board date any B/L states, with its B/L."""
    dated = [
        (d.fields.shipped_on_board_date, d)
        for d in of_type(documents, DocType.bill_of_lading)
        if d.fields.shipped_on_board_date
    ]
    return min(dated, key=lambda x: x[0]) if dated else None


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    out: list[Finding] = []
    shipped = shipment(documents)
    if shipped:
        day, bl = shipped
        when = f"on the shipped-on-board date {day.isoformat()} ({bl.file})"
    else:
        day, bl = ctx.today(), None
        when = f"on {day.isoformat()}, the day of the check (not shipped yet)"
    for doc in of_type(documents, *EXPIRING):
        issue, expiry = doc.fields.issue_date, doc.fields.expiry_date
        if expiry is None:
            continue
        if issue is not None and expiry < issue:
            out.append(
                policy.finding(
                    "document.expired",
                    f"{label(doc)}: expiry {expiry.isoformat()} before issue "
                    f"{issue.isoformat()} cannot be right",
                    [doc.file],
                    found=expiry.isoformat(),
                    basis=INDETERMINATE,
                )
            )
            continue
        if expiry < day:
            pairs = [(doc, "expiry_date")] + ([(bl, "shipped_on_board_date")] if bl else [])
            out.append(
                policy.finding(
                    "document.expired",
                    f"{label(doc)} expired on {expiry.isoformat()}: not valid {when}",
                    [doc.file] + ([bl.file] if bl else []),
                    expected=f">= {day.isoformat()}",
                    found=expiry.isoformat(),
                    basis=basis(policy, *pairs),
                )
            )
    if shipped and ctx.stage in BEFORE_SHIPMENT_STAGES:
        for doc in of_type(documents, DocType.inspection_report):
            inspected = doc.fields.inspection_date or doc.fields.issue_date
            if inspected is None or inspected <= day:
                continue
            field = "inspection_date" if doc.fields.inspection_date else "issue_date"
            out.append(
                policy.finding(
                    "date.sequence",
                    f"{label(doc)} is dated {inspected.isoformat()}, after the vehicle was "
                    f"shipped {when}: a pre-shipment inspection must come before shipment",
                    [doc.file, bl.file],
                    expected=f"<= {day.isoformat()}",
                    found=inspected.isoformat(),
                    basis=basis(policy, (doc, field), (bl, "shipped_on_board_date")),
                )
            )
    return out
