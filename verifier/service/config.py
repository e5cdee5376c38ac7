"""What one service (or queue worker) runs with: store, tokens, queue, trust roots, settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from verifier.settings import Settings

DEFAULT_STATE_DIR = "verifier-state"


def default_state_dir(settings: Settings) -> Path:
    return Path(
        settings.service.state_dir or os.environ.get("VERIFIER_STATE_DIR") or DEFAULT_STATE_DIR
    )


@dataclass(frozen=True)
class ServiceConfig:
    store_uri: str
    tokens_file: Path | None = None
    settings: Settings = field(default_factory=Settings)
    queue_url: str | None = None  # redis://… for queue mode; None: the embedded queue
    trust_roots: tuple[Path, ...] = ()
    state_dir: Path = Path(DEFAULT_STATE_DIR)
    boot: str = ""  # this service run's id (embedded mode: tells its jobs from a dead run's)
    reader_factory: object = None  # None: Tesseract (verifier.pipeline.default_reader)

    def worker_count(self) -> int:
        n = self.settings.service.workers
        return n or max(1, len(os.sched_getaffinity(0)) // 2)

    def upload_dir(self) -> Path:
        return self.state_dir / "uploads"
