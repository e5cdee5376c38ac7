"""The versioned policy: facts come from checks, severity comes from here.

Like pyHanko's validation settings, the policy is an object passed in, never read from
globals, and its version is recorded in every report (and, later, every sealed bundle), so an
adjudicator can tell which rules a verdict was reached under.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from verifier.models import Finding, Severity

DEFAULT_SEVERITY: dict[str, Severity] = {
    # Reading the documents
    "document.unreadable": Severity.review,
    "document.encrypted": Severity.review,
    "document.limit": Severity.review,
    "document.type_mismatch": Severity.review,
    "document.unclassified": Severity.review,
    "document.duplicate": Severity.info,
    "document.ocr_uncertain": Severity.review,
    # Sealed evidence (--store): an original not stored or a bundle not sealed is never a pass.
    "evidence.not_stored": Severity.review,
    "evidence.unsealed": Severity.review,
    # Identifiers stated on one document
    "vin.format": Severity.fail,
    "vin.checksum": Severity.fail,
    "container.checksum": Severity.review,
    # Across documents. A VIN that only OCR read differently may be a misreading: review.
    "vin.mismatch": Severity.fail,
    "vin.mismatch:ocr": Severity.review,
    # Stated make not the VIN's brand: a fact when the VIN came from a text layer and the WMI
    # row is confirmed; an OCR-read VIN, an unconfirmed WMI row or a make no table knows: review.
    "vin.make_mismatch": Severity.fail,
    "vin.make_mismatch:ocr": Severity.review,
    "vin.make_mismatch:uncertain": Severity.review,
    "vin.make_mismatch:unrecognised": Severity.review,
    # Claims: a late or incomplete claim is not upheld; a refund nobody could compute is
    # for the adjudicator.
    "claim.late": Severity.fail,
    "claim.incomplete": Severity.fail,
    "claim.refund_undetermined": Severity.review,
    "claim.review": Severity.review,
    # Across documents (issue 3). ``:ocr`` = the disagreement rests on an OCR reading below
    # ``ocr_value_min_confidence``; ``:indeterminate`` = the check could not decide (a value
    # that cannot be right, a port or country nobody knows). Both ask a person, never pass.
    **{
        f"{code}{suffix}": severity
        for code in (
            "year.mismatch", "mileage.discrepancy", "mileage.rollback", "spec.mismatch",
            "party.mismatch", "route.mismatch", "document.expired", "date.sequence",
            "modification.undisclosed", "damage.material", "price.mismatch",
        )
        for suffix, severity in (
            ("", Severity.fail), (":ocr", Severity.review), (":indeterminate", Severity.review),
        )
    },  # fmt: skip
    "vin.mismatch:indeterminate": Severity.review,
    # A reading with no date cannot be on the odometer timeline: noted, not held against it.
    "mileage.discrepancy:undated": Severity.info,
    # A required document is absent: nothing contradicts the deal, but it cannot go on
    # without it; the seller supplies it and a person re-checks.
    "document.missing": Severity.review,
    # One document uploaded twice with different bytes (a scan beside the PDF): which copy
    # is the document of record is for a person to say.
    "document.duplicate:content": Severity.review,
    # PDF signatures (checks.signatures): broken, unreadable or changed after signing fails;
    # a chain to no trusted root, or one undecidable at the moment of validation (expired, no
    # proof of existence), asks a person; so does a signer who belongs to neither party.
    "signature.invalid": Severity.fail,
    "signature.untrusted": Severity.review,
    "signature.indeterminate": Severity.review,
    "signature.not_party": Severity.review,
    # Deal lock with nothing verified before it to compare the contract with.
    "deal_lock.unverified": Severity.review,
    # Photos and videos (checks/photos.py): each asks a person to look; none alone is fraud.
    "photo.reused": Severity.review,
    "photo.low_resolution": Severity.review,
    "photo.metadata": Severity.review,
    "photo.color_mismatch": Severity.review,
    # A purchase contract with neither a valid digital signature nor a company seal.
    "seal.missing": Severity.review,
}

# Documents each escrow stage requires (CONTRACT.md, Escrow stages). An entry "a|b" is met by
# either type. Later stages require what the earlier ones did only where the folder is the
# whole record so far (pre-transaction, shipment); deal-lock, arrival and claim folders hold
# that stage's own documents.
_PRE_TRANSACTION = [
    "spec_sheet", "mileage_record", "photo", "vin_verification", "purchase_contract",
    "registration_certificate", "compliance_certificate", "export_license",
    "inspection_report", "mileage_certificate",
]  # fmt: skip
DEFAULT_REQUIRED_DOCUMENTS: dict[str, list[str]] = {
    "pre-transaction": _PRE_TRANSACTION,
    # the contract signed and sealed by both parties; the rest was verified before it
    "deal-lock": ["purchase_contract"],
    "shipment": [*_PRE_TRANSACTION, "bill_of_lading"],
    # inspection at the destination port, with visual documentation of the vehicle
    "arrival": ["inspection_report", "photo|video"],
    # the protocol: an accredited agency's inspection report and photos or videos
    "claim": ["inspection_report", "photo|video"],
}

# Percent of the price per ground of partial non-conformance (README, Claims: the reasoning).
DEFAULT_CLAIM_VARIANCE_PCT: dict[str, float] = {
    "model_year": 8.0,  # per model year of difference
    "engine": 10.0,
    "fuel": 15.0,
    "transmission": 7.0,
    "mileage_per_1000km": 1.0,  # per started 1,000 km above the allowance ...
    "mileage_cap": 20.0,  # ... up to this much
    "undisclosed_repair": 15.0,
}


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = "2026.11-1"
    severity: dict[str, Severity] = Field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    # A VIN read by OCR below this confidence, or only through corrections that no check digit
    # confirms, is reported for a person to look at.
    ocr_vin_min_confidence: float = Field(0.80, ge=0.0, le=1.0)
    # The protocol: an odometer more than this above the documented reading is non-conforming.
    mileage_allowance_km: int = Field(10_000, ge=0)
    # ... between two readings dated at most this many days apart (checks/mileage.py).
    mileage_window_days: int = Field(30, ge=0)
    # A reading lower than an earlier one by at most the larger of these is rounding, not a
    # rollback: declared figures are often rounded ("12.7万公里", "approx. 127,000 km").
    mileage_rollback_tolerance_km: int = Field(500, ge=0)
    mileage_rollback_tolerance_pct: float = Field(2.0, ge=0.0)
    # A year of manufacture may precede the model year by at most this many years.
    manufacture_year_max_lead: int = Field(1, ge=0)
    # A cross-document disagreement resting on an OCR value below this confidence is
    # reported for review (``code:ocr``) instead of failing the deal.
    ocr_value_min_confidence: float = Field(0.80, ge=0.0, le=1.0)
    required_documents: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_REQUIRED_DOCUMENTS.items()}
    )
    # Claims: the default variance table (percent of the price per ground) used when the
    # adjudicator gives none; the reasoning for each row is in the README (Claims).
    claim_variance_pct: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_CLAIM_VARIANCE_PCT)
    )
    # Photos (checks/photos.py): the "high-resolution" requirement on the long side; a capture
    # this many years before the contract is worth a look; two photos are the same picture
    # when at least this share of their aligned 8x8-pixel tiles agree (checks/photo_match.py).
    photo_min_long_side_px: int = Field(1920, ge=1)
    photo_max_age_years: float = Field(2.0, ge=0.0)
    photo_same_min_agreement: float = Field(0.75, gt=0.0, le=1.0)
    # Index candidates within this phash Hamming distance are compared (checks/photo_index.py).
    photo_candidate_distance: int = Field(32, ge=0, le=64)

    def severity_of(self, code: str, basis: str | None = None) -> Severity:
        """The severity of ``code``, or of ``code:basis`` where the policy distinguishes the
        basis of the fact (``vin.mismatch:ocr``). A code it does not know is never passed."""
        if basis and f"{code}:{basis}" in self.severity:
            return self.severity[f"{code}:{basis}"]
        return self.severity.get(code, Severity.review)

    def finding(
        self,
        code: str,
        message: str,
        documents: Iterable[str] = (),
        *,
        expected: str | None = None,
        found: str | None = None,
        basis: str | None = None,
    ) -> Finding:
        return Finding(
            code=code,
            severity=self.severity_of(code, basis),
            message=message,
            documents=list(documents),
            expected=expected,
            found=found,
        )
