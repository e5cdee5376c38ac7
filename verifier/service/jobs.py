"""Jobs: what one verification job does, and the record of its state.

A job verifies an escrow record's *whole current document set* for one stage — not only the
files of the upload that made it — so the report always covers everything the record holds:
the originals are copied out of the evidence store into a temporary folder under the names
they were uploaded with, and :func:`verifier.pipeline.check_folder` reads them and seals the
run (originals, derived text, report) as a new bundle in the record's chain. When the set
is exactly what the latest bundle of that stage already sealed (the same names and bytes),
nothing is sealed again: the job ends ``done`` with outcome ``unchanged`` and names that
bundle. A run that could not be sealed ends ``failed`` with the report's reason.

The job record (state ``queued`` → ``running`` → ``done`` | ``failed``) is kept by the queue
backend: a SQLite table in embedded mode (:mod:`verifier.service.local_queue`) or Redis in
queue mode (:mod:`verifier.service.queue_rq`). Both run :func:`run_job` in a process of its
own, so a job that crashes cannot take the service or its worker down.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from verifier.models import BundleRef, Stage
from verifier.settings import Settings

log = logging.getLogger("verifier.service.jobs")

JobState = Literal["queued", "running", "done", "failed"]
JOB_STATES: tuple[str, ...] = ("queued", "running", "done", "failed")
ORIGINALS = "data/originals/"


def new_job_id() -> str:
    return uuid.uuid4().hex


def now() -> datetime:
    return datetime.now(UTC)


class JobResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["sealed", "unchanged"]
    verdict: str | None = None
    documents: int = 0
    pages: int = 0
    ocr_pages: int = 0
    bundle: BundleRef | None = None


class JobRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    escrow_id: str
    stage: Stage
    destination: str | None = None
    state: JobState = "queued"
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0
    error: str | None = None
    result: JobResult | None = None

    def public(self) -> dict:
        """The job as ``GET /v1/jobs/{id}`` answers it."""
        out = {
            "id": self.id,
            "escrow_id": self.escrow_id,
            "stage": self.stage,
            "state": self.state,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "attempts": self.attempts,
            "error": self.error,
            "outcome": None,
            "verdict": None,
            "bundle": None,
            "report": None,
        }
        if self.destination:
            out["destination"] = self.destination
        r = self.result
        if r is not None:
            out.update(outcome=r.outcome, verdict=r.verdict, documents=r.documents,
                       pages=r.pages, ocr_pages=r.ocr_pages)
            if r.bundle is not None:
                out["bundle"] = r.bundle.model_dump()
                out["report"] = {
                    "url": f"/v1/escrows/{self.escrow_id}/report?stage={self.stage}",
                    "bundle_id": r.bundle.id,
                    "path": "data/report.json",
                }
        return out


class JobQueue(Protocol):
    """What the service needs from a queue backend."""

    def submit(self, escrow_id: str, stage: str, destination: str | None) -> JobRecord: ...
    def get(self, job_id: str) -> JobRecord | None: ...
    def pending(self, escrow_id: str, stage: str | None = None) -> JobRecord | None: ...
    def stats(self) -> JobStats: ...
    def ping(self) -> None: ...
    def close(self) -> None: ...


class JobStats(BaseModel):
    """What /metrics shows about jobs (from whichever backend holds them)."""

    by_state: dict[str, int]
    # cumulative counts per upper bound (seconds), plus the sum and count of durations
    duration_buckets: list[tuple[float, int]]
    duration_sum: float
    duration_count: int
    pages: int
    ocr_pages: int


DURATION_BOUNDS = (1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


def histogram(durations: list[float]) -> list[tuple[float, int]]:
    return [(b, sum(1 for d in durations if d <= b)) for b in DURATION_BOUNDS]


# ---------------------------------------------------------------- the work itself


def sealed_set(store, bundle_id: str) -> set[tuple[str, str]]:
    """The (name, sha256) originals a bundle sealed, from its BagIt manifest."""
    from verifier.evidence import bag

    payload, _ = bag.parse_manifest(store.read_file(bundle_id, bag.MANIFEST), bag.MANIFEST)
    return {(path[len(ORIGINALS):], sha) for path, sha in payload.items()
            if path.startswith(ORIGINALS)}


def latest_bundle(store, escrow_id: str, stage: str | None = None):
    bundles = [b for b in store.bundles(escrow_id) if stage is None or b.stage == stage]
    return bundles[-1] if bundles else None


def folder_names(entries) -> list[tuple[str, str]]:
    """(name, sha256) per document, names made unique for one folder (same name, new bytes)."""
    taken: set[str] = set()
    out = []
    for e in entries:
        name = e.name
        if name in taken:
            stem, dot, ext = name.rpartition(".")
            if not dot or not stem:
                stem, ext = name, ""
            name = f"{stem}~{e.sha256[:8]}" + (f".{ext}" if ext else "")
        taken.add(name)
        out.append((name, e.sha256))
    return out


def run_job(
    store,
    record: JobRecord,
    settings: Settings,
    trust_roots: tuple[Path, ...] = (),
    reader_factory=None,
) -> JobResult:
    """Verify the record's current document set for the job's stage; seal it if it changed."""
    from verifier.context import CheckContext
    from verifier.pipeline import check_folder, default_reader

    entries = store.documents(record.escrow_id, record.stage)
    originals = folder_names(entries)
    latest = latest_bundle(store, record.escrow_id, record.stage)
    if latest is not None and sealed_set(store, latest.id) == set(originals):
        log.info("document set unchanged; nothing to seal", extra={"bundle": latest.id})
        return JobResult(
            outcome="unchanged",
            documents=len(originals),
            bundle=BundleRef(id=latest.id, root_sha256=latest.root_sha256,
                             previous=latest.previous, location=store.bundle_location(latest.id)),
        )
    ctx = CheckContext(
        stage=record.stage,
        escrow_id=record.escrow_id,
        destination=record.destination,
        trust_roots=tuple(trust_roots),
    )
    with tempfile.TemporaryDirectory(prefix=f"job-{record.id[:8]}-") as tmp:
        folder = Path(tmp) / record.escrow_id
        folder.mkdir()
        for name, sha in originals:
            store.copy_original(sha, folder / name)
        # with the store, the pipeline seals the run itself: originals, what was read from
        # each (text and word boxes) and the report, chained to the record's last bundle
        report = check_folder(
            folder, context=ctx, settings=settings,
            reader_factory=reader_factory or default_reader, store=store,
        )
    if report.bundle is None:
        why = [f.message for f in report.findings if f.code == "evidence.unsealed"]
        raise UnsealedError(why[0] if why else "the run was not sealed")
    pages = sum(d.pages for d in report.documents)
    ocr_pages = sum(d.pages for d in report.documents if d.ocr)
    log.info("sealed", extra={"bundle": report.bundle.id, "verdict": report.verdict,
                              "pages": pages})
    return JobResult(outcome="sealed", verdict=report.verdict, documents=len(report.documents),
                     pages=pages, ocr_pages=ocr_pages, bundle=report.bundle)


class UnsealedError(RuntimeError):
    """The run finished but its bundle could not be sealed (the reason from the report)."""
