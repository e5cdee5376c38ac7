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
    # Identifiers stated on one document
    "vin.format": Severity.fail,
    "vin.checksum": Severity.fail,
    "container.checksum": Severity.review,
    # Across documents. A VIN that only OCR read differently may be a misreading: review.
    "vin.mismatch": Severity.fail,
    "vin.mismatch:ocr": Severity.review,
}


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = "2026.11-1"
    severity: dict[str, Severity] = Field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    # A VIN read by OCR below this confidence, or only through corrections that no check digit
    # confirms, is reported for a person to look at.
    ocr_vin_min_confidence: float = Field(0.80, ge=0.0, le=1.0)

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
