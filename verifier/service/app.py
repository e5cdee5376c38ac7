"""The FastAPI application: the contract's endpoints (``../shared/CONTRACT.md``, HTTP service).

Every route but ``/healthz`` and ``/readyz`` needs a bearer token (:mod:`.auth`), the
OpenAPI document included. Uploads are streamed to disk (:mod:`.uploads`), every original is
put in the evidence store and added to the record's document set *before* the answer, and
verification runs as a job in worker processes (:mod:`.local_queue` or :mod:`.queue_rq`),
never in the request. Errors are ``{"error": {"code", "message"}}`` (:mod:`.errors`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import time
import uuid
from typing import Annotated, Any, get_args

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from verifier.models import Stage
from verifier.service import errors, logs, uploads
from verifier.service.auth import Principal, TokenBook
from verifier.service.config import ServiceConfig
from verifier.service.errors import ApiError
from verifier.service.ids import BundleId, EscrowId, JobId, check_id
from verifier.service.metrics import CONTENT_TYPE, ServiceMetrics

log = logging.getLogger("verifier.service")

STAGES: tuple[str, ...] = get_args(Stage)
MAX_CLAIM_BYTES = 1024 * 1024
READY_CACHE_S = 10.0

_bearer = HTTPBearer(auto_error=False, description="a token from the tokens file")


def principal(
    request: Request, _credentials: Annotated[Any, Security(_bearer)] = None
) -> Principal:
    """The caller, or 401 (also declares the bearer scheme in the OpenAPI document)."""
    book: TokenBook = request.app.state.tokens
    who = book.authenticate(request.headers.get("authorization"))
    request.scope.setdefault("state", {})["role"] = who.role
    return who


Caller = Annotated[Principal, Depends(principal)]


# ---------------------------------------------------------------- answer shapes (for OpenAPI)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class UploadedFile(BaseModel):
    name: str
    sha256: str
    size: int
    new: bool
    renamed: bool


class JobLink(BaseModel):
    id: str
    state: str
    url: str


class UploadAnswer(BaseModel):
    escrow_id: str
    stage: str
    files: list[UploadedFile]
    new_documents: int
    job: JobLink


ERRORS = {
    code: {"model": ErrorBody, "description": what}
    for code, what in (
        (400, "malformed request"),
        (401, "no token or an unknown one"),
        (403, "outside the token's role or escrow scope"),
        (404, "not found"),
        (422, "invalid input"),
        (500, "internal error"),
    )
}

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files", "stage"],
                    "properties": {
                        "files": {"type": "array",
                                  "items": {"type": "string", "format": "binary"}},
                        "stage": {"type": "string", "enum": list(STAGES)},
                        "destination": {"type": "string", "maxLength": 64},
                    },
                }
            }
        },
    }
}


def create_app(config: ServiceConfig, *, start_workers: bool = True) -> FastAPI:
    """The application for one service process. Opens the store and reads the tokens now,
    so a bad ``--store`` or ``--tokens`` stops ``verifier serve`` before it listens."""
    from verifier.evidence import open_store

    if config.tokens_file is None:
        raise ValueError("the service needs a tokens file (--tokens or VERIFIER_TOKENS_FILE)")
    tokens = TokenBook(config.tokens_file)
    store = open_store(config.store_uri, config.settings.store)
    if config.queue_url:
        from verifier.service.queue_rq import RqQueue

        jobs: Any = RqQueue(config.queue_url, config.settings.service.job_timeout_s)
        workers = None
    else:
        from verifier.service.local_queue import JobTable, LocalWorkers, lock_state_dir

        lock = lock_state_dir(config.state_dir)
        jobs = JobTable(config.state_dir)
        requeued, failed = jobs.recover(config.boot, config.settings.service.max_attempts)
        if requeued or failed:
            log.warning("jobs of an earlier run recovered",
                        extra={"requeued": requeued, "failed": failed})
        workers = LocalWorkers(config, config.worker_count()) if start_workers else None
    metrics = ServiceMetrics(jobs)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        supervisor = None
        if workers is not None:
            workers.start()

            async def supervise() -> None:
                while True:
                    await asyncio.sleep(1.0)
                    try:
                        await run_in_threadpool(workers.supervise, jobs)
                    except Exception:  # noqa: BLE001 - keep supervising; say why it failed
                        log.exception("supervising the workers failed")

            supervisor = asyncio.create_task(supervise())
        log.info("service started", extra={"store": store.location,
                                           "queue": config.queue_url or "embedded"})
        try:
            yield
        finally:
            if supervisor is not None:
                supervisor.cancel()
            if workers is not None:
                await run_in_threadpool(workers.stop)
            jobs.close()
            if not config.queue_url:
                lock.close()

    app = FastAPI(
        title="verifier",
        version="1",
        summary="Document verification and evidence service for vehicle export escrow",
        docs_url=None, redoc_url=None, openapi_url=None,
        lifespan=lifespan,
        responses=ERRORS,
    )
    app.state.config, app.state.tokens, app.state.store = config, tokens, store
    app.state.jobs, app.state.metrics = jobs, metrics
    errors.install(app)
    app.add_middleware(logs.RequestContext, on_done=metrics.observe_request)
    limits = uploads.UploadLimits(
        max_file_bytes=config.settings.service.max_file_bytes,
        max_files=config.settings.service.max_files,
        max_request_bytes=config.settings.service.max_request_bytes,
    )
    ready_cache: dict[str, Any] = {}

    # ------------------------------------------------------------ open routes

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict:
        """The process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"description": "not ready"}})
    def readyz() -> JSONResponse:
        """This replica can do its work: store reachable, job queue reachable, Tesseract and
        its languages present."""
        from verifier.evidence import StoreError

        checks: dict[str, Any] = {}
        try:
            store.ping()
            checks["store"] = "ok"
        except StoreError as exc:
            checks["store"] = f"unreachable: {exc}"
        try:
            jobs.ping()
            checks["jobs"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is "not ready"
            checks["jobs"] = f"unreachable: {type(exc).__name__}: {exc}"
        if workers is not None:
            checks["workers"] = "ok" if workers.alive() else "no worker process alive"
        checks["tesseract"] = _tesseract(config, ready_cache)
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)

    # ------------------------------------------------------------ token routes

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(who: Caller) -> JSONResponse:
        who.require("openapi.read")
        return JSONResponse(app.openapi())

    @app.post(
        "/v1/escrows/{escrow_id}/documents",
        status_code=202,
        response_model=UploadAnswer,
        openapi_extra=UPLOAD_BODY,
        tags=["escrows"],
        responses={413: {"model": ErrorBody, "description": "over a size or count limit"},
                   415: {"model": ErrorBody, "description": "not multipart/form-data"}},
    )
    async def upload_documents(
        escrow_id: EscrowId, request: Request, who: Caller
    ) -> JSONResponse:
        """Upload documents (multipart ``files``, form field ``stage``). Every original is
        stored and added to the record before the answer; the answer names the job that
        verifies the record's whole current set for that stage."""
        check_id(escrow_id, "escrow id")
        who.require("documents.upload", escrow_id)
        folder = config.upload_dir() / uuid.uuid4().hex
        try:
            received = await uploads.receive(request, folder, limits)
            stage = received.fields.get("stage")
            if stage not in STAGES:
                raise ApiError(422, "upload.stage", f"form field stage must be one of "
                                                    f"{', '.join(STAGES)}")
            if not received.files:
                raise ApiError(422, "upload.no_files", "no file in form field 'files'")
            destination = (received.fields.get("destination") or "").strip() or None
            if destination is not None and len(destination) > 64:
                raise ApiError(422, "upload.field", "destination is too long")
            answer = await run_in_threadpool(
                _store_and_queue, escrow_id, stage, destination, received.files
            )
        finally:
            await run_in_threadpool(shutil.rmtree, folder, True)
        return JSONResponse(answer, status_code=202)

    def _store_and_queue(escrow_id, stage, destination, files) -> dict:
        for f in files:
            sha = store.put_original(f.path)
            if sha != f.sha256:
                raise RuntimeError(f"store hashed {f.name} as {sha}, received {f.sha256}")
        flags = store.add_documents(escrow_id, stage, [(f.name, f.sha256) for f in files])
        for f, new in zip(files, flags, strict=True):
            metrics.files.labels("true" if new else "false").inc()
            metrics.upload_bytes.inc(f.size)
        job = None if any(flags) else jobs.pending(escrow_id, stage)
        job = job or jobs.submit(escrow_id, stage, destination)
        log.info("upload stored", extra={"escrow_id": escrow_id, "stage": stage,
                                         "files": len(files), "new": sum(flags), "job": job.id})
        return {
            "escrow_id": escrow_id,
            "stage": stage,
            "files": [{"name": f.name, "sha256": f.sha256, "size": f.size, "new": new,
                       "renamed": f.renamed} for f, new in zip(files, flags, strict=True)],
            "new_documents": sum(flags),
            "job": {"id": job.id, "state": job.state, "url": f"/v1/jobs/{job.id}"},
        }

    @app.get("/v1/jobs/{job_id}", tags=["jobs"])
    def get_job(job_id: JobId, who: Caller) -> dict:
        """A job's state (queued, running, done, failed), its outcome, bundle and report."""
        check_id(job_id, "job id")
        who.require("jobs.read")
        record = jobs.get(job_id)
        if record is None or not who.can_reach(record.escrow_id):
            # a scoped token learns nothing about other records' jobs
            if record is not None:
                raise ApiError(403, "auth.out_of_scope", "this token does not reach that job")
            raise ApiError(404, "job.not_found", "no such job")
        return record.public()

    @app.get("/v1/escrows/{escrow_id}/report", tags=["escrows"])
    def get_report(
        escrow_id: EscrowId,
        response: Response,
        who: Caller,
        stage: Annotated[Stage | None, Query(description="that stage's latest report")] = None,
    ) -> dict:
        """The latest sealed report over all documents of the record's current stage (or of
        ``stage``), with the bundle that seals it."""
        from verifier.service.jobs import latest_bundle

        check_id(escrow_id, "escrow id")
        who.require("report.read", escrow_id)
        latest = latest_bundle(store, escrow_id, stage)
        pending = jobs.pending(escrow_id, stage)
        if pending is not None:
            response.headers["X-Pending-Job"] = pending.id
        if latest is None:
            hint = f"; job {pending.id} is {pending.state}" if pending else ""
            raise ApiError(404, "report.not_found", f"no sealed report for this record{hint}")
        report = json.loads(store.read_file(latest.id, "data/report.json"))
        report["bundle"] = {"id": latest.id, "root_sha256": latest.root_sha256,
                            "previous": latest.previous,
                            "location": store.bundle_location(latest.id)}
        if report["bundle"]["previous"] is None:
            del report["bundle"]["previous"]
        return report

    @app.get("/v1/escrows/{escrow_id}/bundles", tags=["bundles"])
    def list_bundles(escrow_id: EscrowId, who: Caller) -> dict:
        """The record's sealed bundles, oldest first, each with whether its link holds."""
        check_id(escrow_id, "escrow id")
        who.require("bundles.read", escrow_id)
        return {
            "escrow_id": escrow_id,
            "bundles": [
                {"id": b.id, "root_sha256": b.root_sha256, "previous": b.previous,
                 "stage": b.stage, "sealed_at": str(b.sealed_at),
                 "compared_with": b.compared_with, "link_ok": b.link_ok}
                for b in store.bundles(escrow_id)
            ],
        }

    @app.post("/v1/bundles/{bundle_id}/verify", tags=["bundles"])
    def verify_bundle(bundle_id: BundleId, who: Caller) -> dict:
        """Re-hash a sealed bundle; every problem found (changed, missing, unexpected,
        manifest, chain)."""
        from verifier.evidence import StoreError

        check_id(bundle_id, "bundle id")
        who.require("bundles.verify")
        try:
            owner = _bundle_escrow(store, bundle_id)
        except (StoreError, KeyError, ValueError) as exc:
            raise ApiError(404, "bundle.not_found", "no such bundle") from exc
        if who.escrows is not None and (owner is None or not who.can_reach(owner)):
            raise ApiError(403, "auth.out_of_scope", "this token does not reach that bundle")
        problems = store.verify(bundle_id)
        return {
            "bundle_id": bundle_id,
            "escrow_id": owner,
            "intact": not problems,
            "problems": [{"kind": p.kind, "path": p.path, "detail": p.detail} for p in problems],
        }

    @app.post("/v1/claims", tags=["claims"],
              responses={501: {"model": ErrorBody, "description": "claims not available"}})
    async def file_claim(request: Request, who: Caller) -> Any:
        """Evaluate a post-delivery non-conformance claim (adjudicator, admin)."""
        who.require("claims.file")
        body = await request.body()
        if len(body) > MAX_CLAIM_BYTES:
            raise ApiError(413, "request.too_large", "a claim is at most 1 MB of JSON")
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise ApiError(422, "claims.invalid", "the claim must be a JSON object") from exc
        if not isinstance(payload, dict):
            raise ApiError(422, "claims.invalid", "the claim must be a JSON object")
        escrow = payload.get("escrow_id")
        if isinstance(escrow, str):
            check_id(escrow, "escrow id")
            who.require("claims.file", escrow)
        elif who.escrows is not None:
            raise ApiError(403, "auth.out_of_scope", "a scoped token must name its escrow_id")
        handler = _claims_handler()
        if handler is None:
            raise ApiError(501, "claims.not_available",
                           "claim evaluation is not available in this build")
        try:
            return await run_in_threadpool(handler, payload, store=store,
                                           settings=config.settings, principal=who)
        except ValueError as exc:
            raise ApiError(422, "claims.invalid", str(exc)) from exc

    @app.get("/metrics", tags=["operations"],
             responses={200: {"content": {"text/plain": {}}}})
    def get_metrics(who: Caller) -> Response:
        """Prometheus text format: jobs by state, job durations, pages read, uploads."""
        who.require("metrics.read")
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return app


def _bundle_escrow(store, bundle_id: str) -> str | None:
    """The escrow record a bundle belongs to (its bag-info.txt)."""
    from verifier.evidence import bag

    return bag.parse_bag_info(store.read_file(bundle_id, bag.BAG_INFO)).get("Escrow-Id")


def _claims_handler():
    """``verifier.claims.service_claim(payload, *, store, settings, principal) -> dict`` when
    the claims module provides it; None otherwise (the route answers 501)."""
    try:
        from verifier import claims
    except ImportError:
        return None
    return getattr(claims, "service_claim", None)


def _tesseract(config: ServiceConfig, cache: dict) -> str:
    hit = cache.get("tesseract")
    if hit and time.monotonic() - hit[0] < READY_CACHE_S:
        return hit[1]
    from extractors.ocr import OcrError, available_languages

    try:
        have = set(available_languages())
        missing = sorted(set(config.settings.ocr.languages.split("+")) - have)
        status = "ok" if not missing else f"missing languages: {', '.join(missing)}"
    except OcrError as exc:
        status = str(exc)
    cache["tesseract"] = (time.monotonic(), status)
    return status
