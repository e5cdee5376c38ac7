"""Year: the model years the documents state agree with each other and with the VIN.

* Every stated ``model_year`` is the contract's (or, without a contract, the one most
  documents state). The seed example of the escrow protocol: contracted 2023, delivered 2022.
* A ``manufacture_year`` may precede the model year by one (a 2023 model built in late 2022),
  never by more and never follow it (``Policy.manufacture_year_max_lead``).
* Position 10 of the VIN codes the model year (ISO 3779, 30-year cycle) where a regulation
  makes it mandatory: North America (49 CFR 565.15) and China (GB 16735; Chinese makers may
  code the year of manufacture there, so the model year or the year before it is accepted).
  Elsewhere (EU, Japan, Korea) position 10 need not be a year at all, and is not read as one.
  Candidates come from :func:`checks.vin.year_candidates` (position 7 for North America).

A year that cannot be one (before 1900, more than a year ahead of the check) is reported as
indeterminate (review), not compared.

>>> from verifier.models import Document, Fields
>>> from verifier.context import CheckContext
>>> from verifier.policy import Policy
>>> docs = [Document(file='c.pdf', type='purchase_contract', fields=Fields(model_year=2023)),
...         Document(file='i.pdf', type='inspection_report', fields=Fields(model_year=2022))]
>>> found = check_transaction(docs, CheckContext(), Policy())
>>> [(f.code, f.documents, f.expected, f.found) for f in found]
[('year.mismatch', ['i.pdf', 'c.pdf'], '2023', '2022')]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from checks import vin as vin_check
from checks.facts import INDETERMINATE, basis, contracts, label, readable
from verifier.context import CheckContext
from verifier.models import Document, Finding
from verifier.policy import Policy

EARLIEST = 1900
CODE = "year.mismatch"


@dataclass(frozen=True)
class YearStatement:
    document: Document
    field: str  # model_year | manufacture_year
    year: int


def statements(documents: list[Document]) -> list[YearStatement]:
    out = []
    for doc in readable(documents):
        for field in ("model_year", "manufacture_year"):
            value = getattr(doc.fields, field)
            if value is not None:
                out.append(YearStatement(doc, field, value))
    return out


def reference_year(documents: list[Document]) -> tuple[int, list[Document]] | None:
    """The contract's model year (and the contracts stating it), else the most stated one."""
    stated = [
        (d, d.fields.model_year) for d in contracts(documents) if d.fields.model_year is not None
    ]
    if not stated:
        stated = [
            (d, d.fields.model_year) for d in readable(documents) if d.fields.model_year is not None
        ]
    if not stated:
        return None
    year, _ = Counter(y for _, y in stated).most_common(1)[0]
    return year, [d for d, y in stated if y == year]


def vin_years(vin: str, current_year: int) -> tuple[list[int], bool] | None:
    """(candidate model years, lenient) where the VIN must code its year; None elsewhere.
    Lenient: China, where position 10 may be the year of manufacture."""
    try:
        number = vin_check.compact(vin)
    except (TypeError, ValueError):
        return None
    if vin_check.is_north_american(number):
        lenient = False
    elif number.startswith("L"):
        lenient = True
    else:
        return None
    years = vin_check.year_candidates(number, current_year=current_year)
    return (years, lenient) if years else None


def check_transaction(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    latest = ctx.today().year + 1
    out: list[Finding] = []
    plausible = []
    for st in statements(documents):
        if EARLIEST <= st.year <= latest:
            plausible.append(st)
            continue
        out.append(
            policy.finding(
                CODE,
                f"{label(st.document)} states {st.field.replace('_', ' ')} {st.year}, which "
                "cannot be a vehicle's year: not compared",
                [st.document.file],
                found=str(st.year),
                basis=INDETERMINATE,
            )
        )
    ref = reference_year([d for d in documents if _year_ok(d, latest)])
    if ref is None:
        # Only years of manufacture: they must lie within the lead of each other.
        return out + _manufacture_only(plausible, policy)
    year, ref_docs = ref
    ref_doc = ref_docs[0]
    for st in plausible:
        if st.document in ref_docs and st.field == "model_year":
            continue
        lo, hi = (
            (year, year)
            if st.field == "model_year"
            else (year - policy.manufacture_year_max_lead, year)
        )
        if lo <= st.year <= hi:
            continue
        what = "model year" if st.field == "model_year" else "year of manufacture"
        rule = "" if st.field == "model_year" else (
            f" (a year of manufacture may precede the model year by at most "
            f"{policy.manufacture_year_max_lead}, never follow it)"
        )
        out.append(
            policy.finding(
                CODE,
                f"{label(st.document)} states {what} {st.year} but {label(ref_doc)} states "
                f"model year {year}{rule}",
                [st.document.file, ref_doc.file],
                expected=str(year),
                found=str(st.year),
                basis=basis(policy, (st.document, st.field), (ref_doc, "model_year")),
            )
        )
    out += _vin_year(documents, year, ref_doc, ctx, policy)
    return out


def _year_ok(doc: Document, latest: int) -> bool:
    y = doc.fields.model_year
    return y is None or EARLIEST <= y <= latest


def _manufacture_only(plausible: list[YearStatement], policy: Policy) -> list[Finding]:
    years = sorted({st.year for st in plausible if st.field == "manufacture_year"})
    if len(years) < 2 or years[-1] - years[0] <= policy.manufacture_year_max_lead:
        return []
    docs = [st.document.file for st in plausible]
    return [
        policy.finding(
            CODE,
            "the documents state years of manufacture " + ", ".join(map(str, years))
            + ": more than one vehicle year",
            docs,
            found=", ".join(map(str, years)),
        )
    ]


def _vin_year(
    documents: list[Document], year: int, ref_doc: Document, ctx: CheckContext, policy: Policy
) -> list[Finding]:
    vins = Counter(d.fields.vin for d in readable(documents) if d.fields.vin)
    if not vins:
        return []
    vin, _ = vins.most_common(1)[0]
    coded = vin_years(vin, ctx.today().year)
    if coded is None:
        return []
    candidates, lenient = coded
    accepted = {year - 1, year} if lenient else {year}
    if accepted & set(candidates):
        return []
    holders = [d for d in readable(documents) if d.fields.vin == vin]
    shown = " or ".join(map(str, candidates))
    return [
        policy.finding(
            CODE,
            f"VIN {vin} codes model year {shown} in position 10 but {label(ref_doc)} states "
            f"model year {year}",
            [ref_doc.file, *[d.file for d in holders if d is not ref_doc]],
            expected=shown,
            found=str(year),
            basis=basis(policy, (ref_doc, "model_year")),
        )
    ]
