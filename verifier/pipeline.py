"""The pipeline, top to bottom: intake → read (triage, text/OCR, classify, extract) → checks
→ verdict. The CLI and the service are thin doors onto :func:`check_folder`.

Documents are read in worker processes, one per core; Tesseract itself runs single-threaded
(``OMP_THREAD_LIMIT=1``, see :mod:`extractors.ocr`) because its default OpenMP threading was
measured here burning ~5x the CPU for the same page.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from checks import (
    completeness,
    deal_lock,
    disclosures,
    duplicates,
    identifiers,
    mileage,
    parties,
    photo_index,
    photos,
    route,
    seal,
    signature_parties,
    spec,
    validity,
    vin_consistency,
    vin_make,
    year,
)
from checks.photo_index import PhotoIndex
from verifier import agreement, intake
from verifier.context import CheckContext
from verifier.evidence import run as evidence_run
from verifier.evidence.store import Store
from verifier.models import Document, Finding, Report
from verifier.policy import Policy
from verifier.read import ReaderFactory, ReadResult, read_document
from verifier.settings import Settings

Progress = Callable[[int, int, str], None]  # (done, total, file name)
# A check over the whole transaction: facts in, findings out (severity from the policy).
TransactionCheck = Callable[[list[Document], CheckContext, Policy], list[Finding]]

# Checks across the documents of one transaction, in the order they run; one line each.
TRANSACTION_CHECKS: list[TransactionCheck] = [
    vin_consistency.check_transaction,
    vin_make.check_transaction,
    signature_parties.check_transaction,
    year.check_transaction,
    mileage.check_transaction,
    spec.check_transaction,
    parties.check_transaction,
    route.check_transaction,
    validity.check_transaction,
    completeness.check_transaction,
    disclosures.check_transaction,
    duplicates.check_transaction,
    deal_lock.check_transaction,
    photos.check_capture_dates,
    photos.check_reuse_within,
    photos.check_colour,
    seal.check_transaction,
]


def default_reader(settings: Settings):
    from extractors.ocr import TesseractReader

    return TesseractReader(
        languages=settings.ocr.languages, timeout_s=settings.limits.seconds_per_page
    )


def check_folder(
    folder: Path,
    *,
    context: CheckContext | None = None,
    settings: Settings | None = None,
    policy: Policy | None = None,
    reader_factory: ReaderFactory = default_reader,
    progress: Progress | None = None,
    store: Store | None = None,
) -> Report:
    """Verify every file of one transaction folder and return the report; with ``store``,
    every original is stored before anything parses it and the run is sealed at the end."""
    settings = settings or Settings()
    policy = policy or Policy()
    ctx = context or CheckContext()
    items = intake.scan_folder(Path(folder), settings.limits)
    unstored = evidence_run.store_originals(items, store) if store is not None else {}
    results = read_all(items, settings, policy, reader_factory, progress, ctx)
    agreement.agree_on_vin(results)
    agreement.locate_unread(results)
    agreement.agree_on_text(results)
    findings: list[Finding] = [f for r in results for f in r.findings]
    findings += intake_findings(items, policy)
    findings += [f for r in results for f in identifiers.check_document(r.document, policy)]
    documents = [r.document for r in results]
    escrow_id = ctx.escrow_id or Path(folder).resolve().name
    if store is not None:
        ctx = evidence_run.with_history(store, escrow_id, ctx)
    for check in TRANSACTION_CHECKS:
        findings += check(documents, ctx, policy)
    if store is not None:
        # The same photo shown in another escrow record (the index lives beside the bundles).
        findings += photo_index.check_reuse(documents, PhotoIndex(store), escrow_id, policy)
    report = Report(
        escrow_id=escrow_id,
        stage=ctx.stage,
        policy_version=policy.version,
        documents=[r.document for r in results],
        findings=findings,
    )
    if store is not None:
        report = evidence_run.seal_report(store, report, items, results, unstored, policy)
    return report


def intake_findings(items: list[intake.IntakeItem], policy: Policy) -> list[Finding]:
    out = []
    for group in intake.duplicates(items):
        names = [i.name for i in group]
        out.append(
            policy.finding(
                "document.duplicate",
                f"the same file was uploaded {len(names)} times: " + ", ".join(names),
                names,
            )
        )
    return out


# ---------------------------------------------------------------- parallel reading

_worker_state: dict = {}


def _init_worker(
    settings: Settings, policy: Policy, factory: ReaderFactory, ctx: CheckContext
) -> None:
    _worker_state.update(settings=settings, policy=policy, reader=factory(settings), ctx=ctx)


def _read_in_worker(item: intake.IntakeItem) -> ReadResult:
    s = _worker_state
    return read_document(item, s["settings"], s["reader"], s["policy"], s["ctx"])


def read_all(
    items: list[intake.IntakeItem],
    settings: Settings,
    policy: Policy,
    factory: ReaderFactory,
    progress: Progress | None = None,
    ctx: CheckContext | None = None,
) -> list[ReadResult]:
    """Read every item in worker processes (one per core): in parallel, and so that a reader
    dying on a hostile file cannot take the run down. ``ocr.workers = 1`` reads in this
    process instead (no isolation: for debugging and fast tests)."""
    ctx = ctx or CheckContext()
    total = len(items)
    workers = max(1, min(settings.worker_count(), total))
    results: list[ReadResult | None] = [None] * total
    if settings.ocr.workers == 1 or not items:
        reader = factory(settings)
        for i, item in enumerate(items):
            results[i] = read_document(item, settings, reader, policy, ctx)
            if progress:
                progress(i + 1, total, item.name)
        return results  # type: ignore[return-value]
    done = 0

    def finished(i: int, result: ReadResult) -> None:
        nonlocal done
        results[i] = result
        done += 1
        if progress:
            progress(done, total, items[i].name)

    if any(item.kind == "pdf" for item in items):
        # Every PDF's signatures are validated with pyHanko (a third of a second to import):
        # imported once here, the forked workers inherit it instead of each importing it.
        import checks.signatures  # noqa: F401

    pool_args = (settings, policy, factory, ctx)
    pending = _read_in_pool(list(range(total)), items, workers, pool_args, finished)
    # A worker that dies (a segfault in a native library on a hostile file) breaks the whole
    # pool and every document in flight with it. Read those again one at a time, each in a
    # process of its own, so only the document that kills its reader is lost.
    for i in pending:
        if _read_in_pool([i], items, 1, pool_args, finished):
            finished(i, _crashed(items[i], policy, "the reading process died on this file"))
    return results  # type: ignore[return-value]


def _read_in_pool(indices, items, workers, pool_args, finished) -> list[int]:
    """Read ``indices`` in a pool of ``workers``; the indices left unread if it broke."""
    # fork: workers inherit the imported libraries instead of importing them again.
    ctx = multiprocessing.get_context("fork")
    unread = set(indices)
    # Frozen, the parent's objects are left alone by the workers' garbage collections, which
    # would otherwise write to (and so copy) every page of them (Python's gc.freeze docs).
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, ctx, _init_worker, pool_args) as pool:
            futures = {pool.submit(_read_in_worker, items[i]): i for i in indices}
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    continue
                except Exception as exc:  # noqa: BLE001 - never lose a document to a worker bug
                    result = _crashed(items[i], pool_args[1], f"{type(exc).__name__}: {exc}")
                unread.discard(i)
                finished(i, result)
    finally:
        gc.unfreeze()
    return sorted(unread)


def _crashed(item: intake.IntakeItem, policy: Policy, why: str) -> ReadResult:
    doc = Document(
        file=item.name,
        sha256=item.sha256,
        media_type=item.media_type,
        size_bytes=item.size,
        error=why,
        error_step="read",
    )
    return ReadResult(
        doc,
        [policy.finding("document.unreadable", f"{item.name}: reading failed: {why}", [item.name])],
    )
