"""Post-delivery non-conformance claims under the escrow protocol (``../shared/CONTRACT.md``,
Claims).

The protocol, as rules this module applies:

- **Filing**: within 3 calendar days of port arrival (arrival day + 3, inclusive), else
  ``claim.late``; with an inspection report from an accredited agency (the list is
  configuration) and photos or videos, else the claim is incomplete (``claim.incomplete``
  naming what is missing).
- **Grounds** (any one makes the car non-conforming), found by comparing what the arrival
  inspection states with the contract and the sealed pre-shipment documents: configuration
  contradicting the contract (``spec.mismatch``, ``year.mismatch``); odometer more than
  10,000 km above the documented reading (``mileage.discrepancy``); a major engine or
  transmission repair not disclosed (``modification.undisclosed``); accident, flood, water or
  fire damage (``damage.material`` — material non-conformance).
- **Response and ruling**: the seller answers within 7 business days of filing; a missing
  answer, or one that brings no evidence against the grounds, is a default judgment for the
  buyer; a substantiated answer escalates to mediation and binding arbitration.
- **Refund**: partial non-conformance refunds the variance percentage of the price (from the
  adjudicator, else the policy's default table); material non-conformance refunds the full
  price plus logistics, customs and inspection costs; paid within 7 business days of the
  ruling; return freight is always the seller's.

Business days come from :func:`numpy.busday_offset` with the configured holiday calendar.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from checks import disclosures, spec
from verifier.models import DocType, Document, Fields, Finding
from verifier.policy import Policy
from verifier.settings import ClaimSettings

GROUND_CODES = (
    "spec.mismatch",
    "year.mismatch",
    "mileage.discrepancy",
    "modification.undisclosed",
    "damage.material",
)
COST_KINDS = ("logistics", "customs", "inspection")


class SellerResponse(BaseModel):
    """The seller's answer (``--seller-response FILE``, JSON).

    ``{"received": "YYYY-MM-DD", "contests": ["mileage.discrepancy"],
    "evidence": ["odometer_service_invoice.pdf"], "statement": "…"}``: ``contests`` the
    grounds it answers (empty: all of them), ``evidence`` what it brings against them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    received: dt.date | None = None
    contests: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    statement: str | None = None

    @classmethod
    def load(cls, path: Path) -> SellerResponse:
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))

    def substantiates_against(self, grounds: list[str]) -> bool:
        """True when it brings evidence against at least one of ``grounds``."""
        if not any(e.strip() for e in self.evidence):
            return False
        return not self.contests or bool(set(self.contests) & set(grounds))


class ClaimTerms(BaseModel):
    """What the parties and the adjudicator state about one claim (the CLI's options, the
    service's request body)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    arrived: dt.date
    filed: dt.date
    variance_pct: float | None = Field(None, ge=0, le=100)
    costs: dict[str, float] = Field(default_factory=dict)
    seller_response: SellerResponse | None = None
    ruled: dt.date | None = None

    @field_validator("costs")
    @classmethod
    def _known_costs(cls, costs: dict[str, float]) -> dict[str, float]:
        unknown = set(costs) - set(COST_KINDS)
        if unknown:
            raise ValueError(f"unknown costs {sorted(unknown)}: only {', '.join(COST_KINDS)}")
        if any(v < 0 for v in costs.values()):
            raise ValueError("costs cannot be negative")
        return costs


class Refund(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: float
    currency: str
    basis: str
    variance_pct: float | None = None
    price: float
    costs: dict[str, float] = Field(default_factory=dict)
    return_freight: str = "seller"


class ClaimDecision(BaseModel):
    """The contract's claim JSON, plus what the decision rests on."""

    model_config = ConfigDict(extra="forbid")

    filed_in_time: bool
    complete: bool
    non_conforming: bool
    material: bool
    grounds: list[str]
    refund: Refund | None
    seller_response_due: dt.date
    default_judgment: bool
    escalate: bool
    refund_due: dt.date | None
    findings: list[Finding]
    missing_evidence: list[str] = Field(default_factory=list)
    compared_with: str | None = None

    @property
    def upheld(self) -> bool:
        """The buyer's claim stands: in time, complete and non-conforming."""
        return self.filed_in_time and self.complete and self.non_conforming

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


# ---------------------------------------------------------------- calendar


def add_business_days(start: dt.date, days: int, holidays: list[dt.date]) -> dt.date:
    """``days`` business days after ``start``: weekends and ``holidays`` are skipped, and a
    start on a day off counts from the business day before it (a claim filed on Saturday has
    the same deadline as one filed on Friday)."""
    out = np.busday_offset(
        np.datetime64(start, "D"),
        days,
        roll="backward",
        holidays=[np.datetime64(h) for h in holidays],
    )
    return out.astype(dt.date)


def filed_in_time(arrived: dt.date, filed: dt.date, settings: ClaimSettings) -> bool:
    """Arrival day + ``filing_days`` calendar days, inclusive. Filing before arrival is no
    filing at all (a claim on a car not yet delivered)."""
    return arrived <= filed <= arrived + dt.timedelta(days=settings.filing_days)


# ---------------------------------------------------------------- evidence


def accredited(issuer: str | None, settings: ClaimSettings) -> bool:
    """The inspection's issuer names one of the configured accredited agencies."""
    if not issuer:
        return False
    return any(
        re.search(rf"(?<!\w){re.escape(agency)}(?!\w)", issuer, re.IGNORECASE)
        for agency in settings.accredited_agencies
    )


def missing_evidence(arrival: list[Document], settings: ClaimSettings) -> list[str]:
    """What the protocol requires of a claim that ``arrival`` lacks."""
    missing = []
    inspections = [d for d in arrival if d.type is DocType.inspection_report]
    if not inspections:
        missing.append("an arrival inspection report")
    elif not any(accredited(d.fields.issuer, settings) for d in inspections):
        issuers = ", ".join(sorted({d.fields.issuer or "no issuer stated" for d in inspections}))
        missing.append(f"an inspection report from an accredited agency (found: {issuers})")
    if not any(d.type in (DocType.photo, DocType.video) for d in arrival):
        missing.append("photos or videos of the delivered vehicle")
    return missing


# ---------------------------------------------------------------- grounds


def stated(documents: list[Document], order: tuple[DocType, ...]) -> Fields:
    """One set of fields from ``documents``: each field from the first document type in
    ``order`` that states it (the contract before the spec sheet before the rest)."""
    rank = {t: i for i, t in enumerate(order)}
    ranked = sorted(
        (d for d in documents if d.error is None),
        key=lambda d: (rank.get(d.type, len(rank)), d.file),
    )
    merged: dict = {}
    for doc in ranked:
        for name, value in doc.fields.model_dump(exclude_none=True).items():
            merged.setdefault(name, value)
    return Fields.model_validate(merged)


CONTRACT_ORDER = (
    DocType.purchase_contract,
    DocType.spec_sheet,
    DocType.registration_certificate,
    DocType.compliance_certificate,
    DocType.export_license,
)
ARRIVAL_ORDER = (DocType.inspection_report, DocType.vin_verification)


def documented_odometer(documents: list[Document]) -> tuple[int, str] | None:
    """The latest odometer reading the pre-shipment documents state, and where."""
    readings: list[tuple[dt.date, int, str]] = []
    for doc in documents:
        f = doc.fields
        when = f.inspection_date or f.issue_date or f.shipped_on_board_date or dt.date.min
        if f.odometer_km is not None:
            readings.append((when, f.odometer_km, doc.file))
        for entry in f.mileage_entries or []:
            readings.append((entry.date, entry.odometer_km, doc.file))
    if not readings:
        return None
    _, km, file = max(readings)
    return km, file


@dataclass(frozen=True)
class Ground:
    """One fact of non-conformance. ``term`` names its row in the policy's variance table
    (None: no default, the adjudicator decides); ``units`` how many of that row apply (years of
    model-year difference, started 1,000 km over the mileage allowance)."""

    code: str
    message: str
    documents: tuple[str, ...]
    expected: str | None = None
    found: str | None = None
    term: str | None = None
    units: int = 1

    def finding(self, policy: Policy) -> Finding:
        return policy.finding(
            self.code, self.message, self.documents, expected=self.expected, found=self.found
        )


# Which variance row a specification difference falls under; make and model have none (a
# different car is not a percentage of the same one).
SPEC_TERMS = {
    "engine_displacement_cc": "engine",
    "fuel_type": "fuel",
    "transmission": "transmission",
}


def year_ground(agreed: Fields, delivered: Fields, documents: tuple[str, ...]) -> Ground | None:
    """Model years compared as stated; a delivered year of manufacture may precede the
    contracted model year by one (a car built in late 2022 is often a 2023 model), never more
    and never follow it."""
    contracted, found = agreed.model_year, delivered.model_year
    if contracted and found:
        if contracted == found:
            return None
        message = f"contracted model year {contracted}, delivered {found}"
        years = abs(contracted - found)
    elif contracted and delivered.manufacture_year:
        found = delivered.manufacture_year
        if contracted - 1 <= found <= contracted:
            return None
        message = f"contracted model year {contracted}, delivered a car manufactured in {found}"
        # built in 2020, the car is at best a 2021 model: two years short of a 2023 one
        years = contracted - 1 - found if found < contracted else found - contracted
    elif agreed.manufacture_year and delivered.manufacture_year:
        contracted, found = agreed.manufacture_year, delivered.manufacture_year
        if contracted == found:
            return None
        message = f"contracted year of manufacture {contracted}, delivered {found}"
        years = abs(contracted - found)
    else:
        return None
    return Ground(
        "year.mismatch",
        message,
        documents,
        expected=str(contracted),
        found=str(found),
        term="model_year",
        units=years,
    )


@dataclass(frozen=True)
class Statements:
    """What the contract side and the arrival side state, read once per claim."""

    agreed: Fields
    delivered: Fields
    spec_differences: tuple[spec.SpecDifference, ...]

    @classmethod
    def of(cls, contract_docs: list[Document], arrival_docs: list[Document]) -> Statements:
        agreed = stated(contract_docs, CONTRACT_ORDER)
        delivered = stated(arrival_docs, ARRIVAL_ORDER)
        return cls(agreed, delivered, tuple(spec.compare_spec(agreed, delivered)))


def find_grounds(
    contract_docs: list[Document],
    arrival_docs: list[Document],
    said: Statements,
    policy: Policy,
) -> list[Ground]:
    """Facts of non-conformance: what the arrival documents state against the contract."""
    agreed, delivered = said.agreed, said.delivered
    contract_files = [d.file for d in contract_docs if d.type is DocType.purchase_contract]
    arrival_files = [d.file for d in arrival_docs if d.type is DocType.inspection_report]
    involved = (*contract_files, *arrival_files)
    out: list[Ground] = []

    year = year_ground(agreed, delivered, involved)
    if year:
        out.append(year)
    for diff in said.spec_differences:
        if not diff.decided:
            # Two statements nobody can compare mechanically: not a ground until a person
            # has looked (the adjudicator may still rule on it).
            continue
        out.append(
            Ground(
                "spec.mismatch",
                f"{diff.field}: contracted {diff.a}, delivered {diff.b}",
                involved,
                expected=str(diff.a),
                found=str(diff.b),
                term=SPEC_TERMS.get(diff.field),
            )
        )

    documented = documented_odometer(contract_docs)
    if documented and delivered.odometer_km is not None:
        km, source = documented
        allowed = km + policy.mileage_allowance_km
        if delivered.odometer_km > allowed:
            out.append(
                Ground(
                    "mileage.discrepancy",
                    f"odometer {delivered.odometer_km} km on arrival, "
                    f"{delivered.odometer_km - km} km above the {km} km documented in {source} "
                    f"(allowed: {policy.mileage_allowance_km} km)",
                    (source, *arrival_files),
                    expected=f"at most {allowed}",
                    found=str(delivered.odometer_km),
                    term="mileage_per_1000km",
                    units=-(-(delivered.odometer_km - allowed) // 1000),
                )
            )

    remarks = " ".join(d.fields.remarks for d in arrival_docs if d.fields.remarks)
    facts = disclosures.read_remarks(remarks)
    declared = " ".join(d.fields.disclosures for d in contract_docs if d.fields.disclosures)
    undisclosed = sorted(
        set(facts.major_repairs) - set(disclosures.read_remarks(declared).major_repairs)
    )
    if undisclosed:
        out.append(
            Ground(
                "modification.undisclosed",
                "arrival inspection reports a major repair the seller did not disclose: "
                + ", ".join(undisclosed),
                involved,
                found=", ".join(undisclosed),
                term="undisclosed_repair",
            )
        )
    if facts.damage:
        out.append(
            Ground(
                "damage.material",
                "arrival inspection reports material damage: " + ", ".join(sorted(facts.damage)),
                tuple(arrival_files),
                found=", ".join(sorted(facts.damage)),
            )
        )
    return out


def undecided_spec(said: Statements, policy: Policy) -> list[Finding]:
    """Specification statements that could not be compared mechanically (an unknown
    transmission word, a model name of another market): for the adjudicator to look at."""
    return [
        policy.finding(
            "claim.review",
            f"{d.field}: contracted {d.a}, delivered {d.b} — could not be compared; "
            "not counted as a ground",
            expected=d.a,
            found=d.b,
        )
        for d in said.spec_differences
        if not d.decided
    ]


# ---------------------------------------------------------------- refund


def default_variance(grounds: list[Ground], policy: Policy) -> tuple[float, list[str]] | None:
    """The variance percentage from the policy's default table, with its terms; None when
    a ground has no row (a different make or model: the adjudicator decides)."""
    table = policy.claim_variance_pct
    total, terms = 0.0, []
    for g in grounds:
        if g.term is None or g.term not in table:
            return None
        pct = table[g.term] * g.units
        if g.term == "mileage_per_1000km":
            pct = min(pct, table["mileage_cap"])
        total += pct
        terms.append(
            f"{g.term} {pct:g}%" + (f" ({g.units} × {table[g.term]:g}%)" if g.units > 1 else "")
        )
    return min(100.0, total), terms


def refund_for(
    grounds: list[Ground],
    price: float | None,
    currency: str | None,
    variance_pct: float | None,
    costs: dict[str, float],
    policy: Policy,
) -> tuple[Refund | None, str | None]:
    """The refund the grounds entitle the buyer to, or None and the reason there is none."""
    if price is None or not currency:
        return None, "the contract documents state no price and currency"
    if any(g.code == "damage.material" for g in grounds):
        paid = {k: float(costs.get(k, 0.0)) for k in COST_KINDS}
        return Refund(
            amount=round(price + sum(paid.values()), 2),
            currency=currency,
            basis="material non-conformance: full price plus logistics, customs and "
            "inspection costs; return freight borne by the seller",
            price=price,
            costs=paid,
        ), None
    if variance_pct is not None:
        pct, basis = variance_pct, f"variance {variance_pct:g}% set by the adjudicator"
    else:
        default = default_variance(grounds, policy)
        if default is None:
            return None, "no default variance for these grounds: --variance-pct is needed"
        pct, terms = default
        basis = f"variance {pct:g}% from the default table ({'; '.join(terms)})"
    return Refund(
        amount=round(price * pct / 100.0, 2),
        currency=currency,
        basis=f"partial non-conformance: {basis} of the price; return freight borne by the seller",
        variance_pct=pct,
        price=price,
    ), None


# ---------------------------------------------------------------- the decision


def evaluate_claim(
    contract_docs: list[Document],
    arrival_docs: list[Document],
    terms: ClaimTerms,
    *,
    settings: ClaimSettings,
    policy: Policy,
    today: dt.date,
    compared_with: str | None = None,
) -> ClaimDecision:
    """Apply the protocol to one claim: filing, evidence, grounds, response, refund."""
    arrived, filed, ruled = terms.arrived, terms.filed, terms.ruled
    seller_response = terms.seller_response
    findings: list[Finding] = []
    in_time = filed_in_time(arrived, filed, settings)
    if not in_time:
        last = arrived + dt.timedelta(days=settings.filing_days)
        findings.append(
            policy.finding(
                "claim.late",
                f"claim filed {filed.isoformat()}; port arrival {arrived.isoformat()} allows "
                f"filing from arrival to {last.isoformat()} inclusive",
                expected=f"{arrived.isoformat()}..{last.isoformat()}",
                found=filed.isoformat(),
            )
        )
    missing = missing_evidence(arrival_docs, settings)
    if missing:
        findings.append(
            policy.finding(
                "claim.incomplete",
                "the claim lacks " + "; ".join(missing),
                [d.file for d in arrival_docs],
            )
        )
    said = Statements.of(contract_docs, arrival_docs)
    found = find_grounds(contract_docs, arrival_docs, said, policy)
    findings += [g.finding(policy) for g in found]
    findings += undecided_spec(said, policy)
    grounds = sorted({g.code for g in found}, key=GROUND_CODES.index)
    material = "damage.material" in grounds
    non_conforming = bool(grounds)

    response_due = add_business_days(filed, settings.response_business_days, settings.holidays)
    upheld = in_time and not missing and non_conforming
    substantiated = bool(seller_response and seller_response.substantiates_against(grounds))
    window_closed = (ruled or today) > response_due
    escalate = upheld and substantiated
    # A default judgment needs the seller's chance to answer to be over: an answer without
    # evidence, or no answer once the window has closed (or an adjudicator has ruled).
    default_judgment = (
        upheld and not substantiated and (seller_response is not None or window_closed)
    )

    refund = None
    if default_judgment or (upheld and ruled and not escalate):
        refund, why_not = refund_for(
            found,
            said.agreed.price,
            said.agreed.currency,
            terms.variance_pct,
            terms.costs,
            policy,
        )
        if why_not:
            findings.append(
                policy.finding("claim.refund_undetermined", f"no refund computed: {why_not}")
            )
    refund_due = (
        add_business_days(ruled, settings.refund_business_days, settings.holidays)
        if ruled and refund
        else None
    )
    return ClaimDecision(
        filed_in_time=in_time,
        complete=not missing,
        non_conforming=non_conforming,
        material=material,
        grounds=grounds,
        refund=refund,
        seller_response_due=response_due,
        default_judgment=default_judgment,
        escalate=escalate,
        refund_due=refund_due,
        findings=findings,
        missing_evidence=missing,
        compared_with=compared_with,
    )


# ---------------------------------------------------------------- sealing and display


def seal_claim(store, escrow_id: str, arrival: Path, arrival_report, decision: ClaimDecision):
    """Seal the claim — the arrival evidence as received, its report with the claim's findings,
    and the decision — as the next bundle of the escrow record's chain, naming the bundle it
    was compared with."""
    originals = []
    for doc in arrival_report.documents:
        source = Path(arrival) / doc.file
        if doc.sha256 and source.is_file():
            originals.append((doc.file, store.put_original(source)))
    report = arrival_report.model_copy(
        update={
            "escrow_id": escrow_id,
            "stage": "claim",
            "findings": [*arrival_report.findings, *decision.findings],
            "bundle": None,
        }
    )
    return store.seal(
        escrow_id,
        "claim",
        originals=originals,
        derived={"claim.json": decision.to_json().encode()},
        report=report,
        compared_with=decision.compared_with,
    )


def print_decision(decision: ClaimDecision, console) -> None:
    from rich.table import Table

    table = Table(show_header=False, title="claim")
    rows = [
        ("filed in time", decision.filed_in_time),
        ("complete", decision.complete),
        ("non-conforming", decision.non_conforming),
        ("material", decision.material),
        ("grounds", ", ".join(decision.grounds) or "none"),
        ("seller response due", decision.seller_response_due.isoformat()),
        ("default judgment", decision.default_judgment),
        ("escalate to mediation", decision.escalate),
        (
            "refund",
            f"{decision.refund.amount:,.2f} {decision.refund.currency} — {decision.refund.basis}"
            if decision.refund
            else "none",
        ),
        ("refund due", decision.refund_due.isoformat() if decision.refund_due else "—"),
    ]
    for key, value in rows:
        table.add_row(key, str(value))
    console.print(table)
    for f in decision.findings:
        console.print(
            f"[{'red' if f.severity == 'fail' else 'yellow'}]{f.severity}[/] {f.code}: {f.message}"
        )


# ---------------------------------------------------------------- claims on a stored record

# Stages whose sealed bundles describe the car as sold, latest last: the claim compares the
# arrival evidence with the newest of them.
SOLD_STAGES = ("pre-transaction", "deal-lock", "shipment")


def claim_for_escrow(
    store,
    escrow_id: str,
    terms: ClaimTerms,
    *,
    check_folder,
    settings: ClaimSettings,
    policy: Policy,
    today: dt.date,
    seal: bool = True,
) -> tuple[ClaimDecision, object | None]:
    """A claim on an escrow record held in ``store``: the arrival-stage documents uploaded to
    the record, compared with its latest sealed pre-shipment bundle; the claim sealed into
    the record's chain. Returns the decision and the claim bundle's reference (None when
    ``seal`` is off). Raises ``LookupError`` when the record has no bundle to compare with."""
    import tempfile

    from verifier.models import Report

    sold = [b for b in store.bundles(escrow_id) if b.stage in SOLD_STAGES]
    if not sold:
        raise LookupError(f"escrow record {escrow_id} has no sealed pre-shipment bundle")
    baseline = sold[-1]
    contract = Report.model_validate_json(store.read_file(baseline.id, "data/report.json"))
    with tempfile.TemporaryDirectory(prefix="verifier-claim-") as tmp:
        folder = Path(tmp) / escrow_id
        folder.mkdir()
        for entry in store.documents(escrow_id, "arrival"):
            (folder / entry.name).parent.mkdir(parents=True, exist_ok=True)
            store.copy_original(entry.sha256, folder / entry.name)
        arrival_report = check_folder(folder)
        decision = evaluate_claim(
            contract.documents,
            arrival_report.documents,
            terms,
            settings=settings,
            policy=policy,
            today=today,
            compared_with=baseline.id,
        )
        ref = seal_claim(store, escrow_id, folder, arrival_report, decision) if seal else None
    return decision, ref


class ClaimRequest(ClaimTerms):
    """``POST /v1/claims``: the terms of a claim on one escrow record held in the store."""

    escrow_id: str
    # "Today" for the response window (default: the server's date).
    at: dt.date | None = None


def service_claim(payload: dict, *, store, settings, principal=None) -> dict:
    """The service's claim endpoint: evaluate the claim on the record's arrival documents
    against its latest sealed pre-shipment bundle, seal it into the chain, and answer the
    contract's claim JSON plus the claim bundle. ``ValueError`` for a malformed claim or a
    record that cannot be claimed on (the service answers 422)."""
    from pydantic import ValidationError

    from verifier.context import CheckContext
    from verifier.pipeline import check_folder

    try:
        request = ClaimRequest.model_validate(payload)
    except ValidationError as exc:
        raise ValueError(str(exc)) from exc
    # Read in this process: the request thread must not fork a reading pool.
    one = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"workers": 1})})
    terms = ClaimTerms.model_validate(request.model_dump(exclude={"escrow_id", "at"}))
    try:
        decision, ref = claim_for_escrow(
            store,
            request.escrow_id,
            terms,
            check_folder=lambda folder: check_folder(
                folder, context=CheckContext(stage="arrival", escrow_id=request.escrow_id),
                settings=one,
            ),
            settings=settings.claims,
            policy=Policy(),
            today=request.at or dt.date.today(),
        )
    except LookupError as exc:
        raise ValueError(str(exc)) from exc
    answer = json.loads(decision.to_json())
    answer["bundle"] = ref.model_dump() if ref is not None else None
    return answer
