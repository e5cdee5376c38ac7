"""Run settings: intake limits and OCR options, every one with a default, overridable by TOML.

``--config FILE`` (``../shared/CONTRACT.md``) is a TOML file whose tables mirror these
models, e.g.::

    [limits]
    max_file_bytes = 104857600
    max_pages = 600

    [ocr]
    languages = "eng"

Unknown keys are an error: a misspelt limit must not silently fall back to its default.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_file_bytes: int = Field(100 * 1024 * 1024, gt=0)
    max_pages: int = Field(1000, gt=0)
    # Decoded pixels of one image or rendered page; 1.5e8 is ~ a 50 Mpx RGB photo x3.
    max_pixels: int = Field(150_000_000, gt=0)
    # A PDF page larger than this (in points, either side) is not rasterised: 200 inches.
    max_page_points: float = Field(14_400.0, gt=0)
    seconds_per_page: float = Field(60.0, gt=0)


class OcrSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: str = "eng"
    dpi: int = Field(300, ge=72, le=600)
    # Worker processes for pages and documents; 0 means one per core.
    workers: int = Field(0, ge=0)


class ClaimSettings(BaseModel):
    """The protocol's claim terms and the calendar its deadlines are counted on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    filing_days: int = Field(3, ge=0)  # calendar days after port arrival, inclusive
    response_business_days: int = Field(7, ge=1)
    refund_business_days: int = Field(7, ge=1)
    holidays: list[date] = Field(default_factory=list)
    # Inspection agencies whose arrival reports a claim may rest on, matched as words of the
    # report's issuer. The defaults are the international and export-market agencies the
    # trade uses; an operator replaces the list in --config.
    accredited_agencies: list[str] = Field(
        default_factory=lambda: [
            "SGS", "Bureau Veritas", "Intertek", "CCIC", "Cotecna", "DEKRA", "TÜV",
            "JEVIC", "QISJ", "Quality Inspection Services Japan", "Auto Terminal Japan",
            "EAA", "Korea Automobile Testing",
        ]
    )


class ServiceSettings(BaseModel):
    """The HTTP service (``verifier serve``): upload limits and its job workers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_file_bytes: int = Field(100 * 1024 * 1024, gt=0)  # one uploaded file
    max_files: int = Field(100, gt=0)  # files in one upload request
    max_request_bytes: int = Field(1024 * 1024 * 1024, gt=0)  # one whole upload request
    # Local job worker processes (embedded mode); 0 means half the cores, at least one.
    workers: int = Field(0, ge=0)
    job_timeout_s: float = Field(3600.0, gt=0)
    # A job interrupted by a restart runs again, at most this many times in all.
    max_attempts: int = Field(3, ge=1)
    # Jobs run at a lower CPU priority so that the upload answer never waits for OCR.
    job_nice: int = Field(10, ge=0, le=19)
    # Where the embedded job table lives (default: $VERIFIER_STATE_DIR or ./verifier-state).
    state_dir: str | None = None


class StoreSettings(BaseModel):
    """Sealed evidence on MinIO/S3: the object-lock retention of every sealed object."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # COMPLIANCE: nobody, root account included, can delete or shorten it before it ends.
    retention_mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    retention_days: int = Field(3650, gt=0)


class SignatureSettings(BaseModel):
    """PDF signatures: CA certificates (PEM files) trusted in addition to ``--trust-roots``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trust_roots: list[Path] = Field(default_factory=list)


class SealSettings(BaseModel):
    """Company seals (checks/seal.py): pages looked at, render resolution, seal text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first_pages: int = Field(3, ge=1)  # the first pages, and the last one
    dpi: int = Field(100, ge=50, le=300)  # PDF pages are rendered in colour at this
    read_text: bool = True  # read the seal's text with Tesseract (best effort)
    languages: str = "chi_sim+eng"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limits: Limits = Field(default_factory=Limits)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    claims: ClaimSettings = Field(default_factory=ClaimSettings)
    service: ServiceSettings = Field(default_factory=ServiceSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    signatures: SignatureSettings = Field(default_factory=SignatureSettings)
    seals: SealSettings = Field(default_factory=SealSettings)

    @classmethod
    def load(cls, path: Path | None) -> Settings:
        if path is None:
            return cls()
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return cls.model_validate(data)

    def worker_count(self) -> int:
        return self.ocr.workers or max(1, len(os.sched_getaffinity(0)))
