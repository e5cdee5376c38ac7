"""The report's typed models (``../shared/CONTRACT.md``, Report).

Like pyHanko's status objects, the bottom line is computed, never stored: a
:class:`Report`'s ``verdict`` is a property of its findings. The JSON schema published in
``verifier/schema/report.schema.json`` is generated from these models
(``python -m verifier.schema``) and a test keeps the two in step.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    computed_field,
    model_validator,
)

SCHEMA_ID = "verifier.report/1"


class DocType(StrEnum):
    purchase_contract = "purchase_contract"
    registration_certificate = "registration_certificate"
    spec_sheet = "spec_sheet"
    mileage_record = "mileage_record"
    mileage_certificate = "mileage_certificate"
    inspection_report = "inspection_report"
    compliance_certificate = "compliance_certificate"
    export_license = "export_license"
    bill_of_lading = "bill_of_lading"
    photo = "photo"
    video = "video"
    vin_verification = "vin_verification"
    seller_declaration = "seller_declaration"
    unknown = "unknown"


class Severity(StrEnum):
    info = "info"
    review = "review"
    fail = "fail"


Verdict = Literal["pass", "review", "fail"]
Stage = Literal["pre-transaction", "deal-lock", "shipment", "arrival", "claim"]
FuelType = Literal["petrol", "diesel", "electric", "phev", "hybrid", "lpg", "cng"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MileageEntry(_Frozen):
    date: date
    odometer_km: int


class Fields(BaseModel):
    """What one document states; a key is absent when the document does not state it."""

    model_config = ConfigDict(extra="forbid")

    vin: str | None = None
    chassis_number: str | None = None
    make: str | None = None
    model: str | None = None
    model_year: int | None = None
    manufacture_year: int | None = None
    odometer_km: int | None = None
    engine_displacement_cc: int | None = None
    engine_displacement_precision_cc: int | None = None
    fuel_type: FuelType | None = None
    transmission: str | None = None
    color: str | None = None
    document_number: str | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    inspection_date: date | None = None
    shipped_on_board_date: date | None = None
    first_registration_date: date | None = None
    seller: str | None = None
    buyer: str | None = None
    exporter: str | None = None
    shipper: str | None = None
    consignee: str | None = None
    issuer: str | None = None
    owner: str | None = None
    port_of_loading: str | None = None
    port_of_discharge: str | None = None
    destination_country: str | None = None
    vessel: str | None = None
    container_numbers: list[str] | None = None
    price: float | None = None
    currency: str | None = None
    mileage_entries: list[MileageEntry] | None = None
    remarks: str | None = None
    disclosures: str | None = None


FIELD_NAMES: tuple[str, ...] = tuple(Fields.model_fields)


class Source(_Frozen):
    """Where a value came from: page (1-based), box, OCR confidence, raw text, corrections."""

    page: int
    box: tuple[float, float, float, float] | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    raw: str
    corrections: list[str] = Field(default_factory=list)
    method: Literal["text_layer", "ocr"] = "text_layer"
    # How many other documents of the transaction state the same value (VIN only for now).
    agreement: int | None = None


class Signature(_Frozen):
    """One PDF signature or document timestamp as :mod:`checks.signatures` judged it."""

    signer: str | None = None
    organisation: str | None = None
    # intact: the signed bytes hash to what was signed and the CMS signature verifies.
    intact: bool
    trusted: bool
    # None only when the file could not be read far enough to tell.
    modified_after_signing: bool | None
    signed_at: str | None = None
    status: Literal["valid", "invalid", "untrusted", "indeterminate"]
    # Fully qualified name of the signature field; None when no field refers to it.
    field: str | None = None
    kind: Literal["signature", "timestamp"] = "signature"
    # "timestamp" (an RFC 3161 token vouches for signed_at) or "claimed" (the signer's clock).
    signed_at_source: Literal["timestamp", "claimed"] | None = None
    timestamp_trusted: bool | None = None
    # pyHanko's SignatureCoverageLevel and ModificationLevel, lower case; its one-bit verdict.
    coverage: str | None = None
    modification_level: str | None = None
    pyhanko_bottom_line: bool | None = None
    # Why the status is what it is, one fact per line (empty for a plain valid signature).
    reasons: list[str] = Field(default_factory=list)


class Seal(_Frozen):
    page: int
    box: tuple[float, float, float, float]
    color: str
    text: str | None = None


class Finding(_Frozen):
    code: str
    severity: Severity
    message: str
    documents: list[str] = Field(default_factory=list)
    expected: str | None = None
    found: str | None = None


class MediaInfo(BaseModel):
    """What a photo or video file says about itself (EXIF, container) and what its pixels show
    (``extractors.media``). ``None`` where the file does not state it."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["image", "video"]
    width: int | None = None
    height: int | None = None
    # EXIF DateTimeOriginal (with OffsetTimeOriginal when stated: then timezone-aware), or a
    # video container's creation_time.
    captured_at: datetime | None = None
    device: str | None = None  # EXIF Make and Model
    gps: tuple[float, float] | None = None  # decimal degrees (lat, lon), WGS 84
    phash: str | None = None  # 64-bit DCT perceptual hash, 16 hex digits (imagehash.phash)
    vehicle_color: str | None = None  # body colour seen in the photo, when sure enough
    duration_s: float | None = None
    container: str | None = None
    codec: str | None = None
    frame_rate: float | None = None
    keyframes: int = 0  # keyframes kept as derived evidence (not in the report)
    # Alignment features and thumbnail for near-duplicate checks; travels with the document
    # between processes, never into the report (``checks.photo_match``).
    _fingerprint: bytes | None = PrivateAttr(default=None)


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    sha256: str | None = None  # None only when no byte could be read (FIFO, symlink out)
    media_type: str | None = None
    size_bytes: int = 0
    type: DocType = DocType.unknown
    type_confidence: float = 0.0
    pages: int = 0
    ocr: bool = False
    fields: Fields = Field(default_factory=Fields)
    sources: dict[str, Source] = Field(default_factory=dict)
    signatures: list[Signature] = Field(default_factory=list)
    seal_detected: bool | None = None
    seals: list[Seal] = Field(default_factory=list)
    media: MediaInfo | None = None
    error: str | None = None
    error_step: str | None = None


class BundleRef(_Frozen):
    id: str
    root_sha256: str
    previous: str | None = None
    location: str


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_: Literal["verifier.report/1"] = Field(SCHEMA_ID, alias="schema")
    escrow_id: str
    stage: Stage = "pre-transaction"
    policy_version: str
    documents: list[Document] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    bundle: BundleRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data):
        """A report read back from JSON carries its computed verdict: recompute it instead."""
        if isinstance(data, dict) and "verdict" in data:
            data = {k: v for k, v in data.items() if k != "verdict"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verdict(self) -> Verdict:
        """``fail`` if any finding fails, else ``review`` if any asks for review, else ``pass``."""
        severities = {f.severity for f in self.findings}
        if Severity.fail in severities:
            return "fail"
        if Severity.review in severities:
            return "review"
        return "pass"

    def to_json(self) -> str:
        """The report as the contract's JSON: absent fields are left out, not null."""
        return self.model_dump_json(by_alias=True, exclude_none=True, indent=2)

    def summary(self) -> dict[str, int]:
        """Machine summary: how many documents and findings of each severity."""
        out = {"documents": len(self.documents)}
        for sev in Severity:
            out[sev.value] = sum(1 for f in self.findings if f.severity == sev)
        return out
