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
from pathlib import Path

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


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limits: Limits = Field(default_factory=Limits)
    ocr: OcrSettings = Field(default_factory=OcrSettings)

    @classmethod
    def load(cls, path: Path | None) -> Settings:
        if path is None:
            return cls()
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return cls.model_validate(data)

    def worker_count(self) -> int:
        return self.ocr.workers or max(1, len(os.sched_getaffinity(0)))
