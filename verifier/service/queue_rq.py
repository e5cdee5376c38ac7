"""Queue mode (``--queue redis://…``): the same jobs on RQ, with workers on any machine.

Why RQ rather than Celery: the service needs one thing from a queue — run
:func:`verifier.service.jobs.run_job` somewhere, once, and say how it ended — and Redis is
the only broker the deployment wants. RQ is exactly that, Redis-only, a few small modules;
Celery brings a broker abstraction (kombu), its own pool (billiard) and result backends we
would not use. Decisive is isolation: RQ's default ``Worker`` forks a fresh *work horse* per
job, so a job that segfaults in a native library, is OOM-killed or hangs past its timeout
takes down only that horse; the worker records the failure (``work_horse_killed_handler``)
and takes the next job. Celery's prefork pool reuses its children across tasks, and a child
that dies mid-task is reported far less precisely.

State: nothing lives in the service process. A job's record is JSON in Redis
(``verifier:job:<id>``, written just before the enqueue), updated by the horse
(running, done, failed) or by its worker when the horse dies; job figures for ``/metrics``
are counters in the hash ``verifier:metrics``. The evidence store holds the originals and
bundles. Any replica of the service can answer for any job, so replicas are
interchangeable behind a load balancer. One escrow record runs one job at a time (a Redis
lock), so its bundle chain is extended in order. Workers: ``verifier worker --queue
redis://… --store URI``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time

from redis import Redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from verifier.service import logs
from verifier.service.jobs import (
    DURATION_BOUNDS,
    JobRecord,
    JobStats,
    new_job_id,
    now,
    run_job,
)

log = logging.getLogger("verifier.service.queue_rq")

QUEUE = "verifier"
METRICS = "verifier:metrics"
FINAL = ("done", "failed")
# RQ's own job data (arguments, exception text) is kept this long; our record stays.
RQ_KEEP_S = 7 * 24 * 3600

_worker_config = None  # the ServiceConfig of this worker process (inherited by each horse)


def job_key(job_id: str) -> str:
    return f"verifier:job:{job_id}"


def _load(redis: Redis, job_id: str) -> JobRecord | None:
    raw = redis.get(job_key(job_id))
    return JobRecord.model_validate_json(raw) if raw else None


def _save(redis, record: JobRecord) -> None:
    redis.set(job_key(record.id), record.model_dump_json())


def _count_end(redis: Redis, record: JobRecord) -> None:
    """Job figures for /metrics, shared by every worker."""
    pipe = redis.pipeline()
    pipe.hincrby(METRICS, record.state, 1)
    if record.started_at and record.finished_at:
        seconds = max(0.0, (record.finished_at - record.started_at).total_seconds())
        pipe.hincrbyfloat(METRICS, "duration_sum", seconds)
        pipe.hincrby(METRICS, "duration_count", 1)
        for b in DURATION_BOUNDS:
            if seconds <= b:
                pipe.hincrby(METRICS, f"le:{b:g}", 1)
    if record.result:
        pipe.hincrby(METRICS, "pages", record.result.pages)
        pipe.hincrby(METRICS, "ocr_pages", record.result.ocr_pages)
    pipe.execute()


def _end(redis: Redis, record: JobRecord) -> None:
    """Write a final state once: a record already final is left as it is."""
    with redis.pipeline() as pipe:
        key = job_key(record.id)
        while True:
            try:
                pipe.watch(key)
                raw = pipe.get(key)
                if raw and JobRecord.model_validate_json(raw).state in FINAL:
                    pipe.reset()
                    return
                pipe.multi()
                pipe.set(key, record.model_dump_json())
                pipe.execute()
                break
            except Exception as exc:  # redis WatchError: someone wrote meanwhile; try again
                if type(exc).__name__ != "WatchError":
                    raise
    _count_end(redis, record)


class RqQueue:
    """The service's side of queue mode."""

    def __init__(self, url: str, job_timeout_s: float) -> None:
        self.redis = Redis.from_url(url)
        self.queue = Queue(QUEUE, connection=self.redis)
        self.job_timeout = int(job_timeout_s)

    def submit(self, escrow_id: str, stage: str, destination: str | None) -> JobRecord:
        record = JobRecord(id=new_job_id(), escrow_id=escrow_id, stage=stage,
                           destination=destination, created_at=now())
        _save(self.redis, record)  # the record first: a worker may take the job at once
        try:
            self.queue.enqueue_call(
                perform, args=(record.id,), job_id=record.id, timeout=self.job_timeout,
                result_ttl=RQ_KEEP_S, failure_ttl=RQ_KEEP_S,
            )
        except Exception as exc:
            record.state, record.finished_at = "failed", now()
            record.error = f"could not be queued: {type(exc).__name__}: {exc}"
            with contextlib.suppress(Exception):
                _end(self.redis, record)
            raise
        return record

    def get(self, job_id: str) -> JobRecord | None:
        record = _load(self.redis, job_id)
        if record is None or record.state in FINAL:
            return record
        # Not final in our record: if RQ says the job ended (a horse killed before it could
        # write, a worker machine lost), our record is brought up to date with its reason.
        try:
            job = Job.fetch(job_id, connection=self.redis)
            status = job.get_status()
        except NoSuchJobError:
            status, job = None, None
        ended = (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED)
        if status is None or status in ended:
            reason = "the job left the queue without a result"
            if job is not None:
                res = job.latest_result()
                if res is not None and res.exc_string:
                    reason = res.exc_string.strip().splitlines()[-1][:500]
            record.state, record.finished_at, record.error = "failed", now(), reason
            _end(self.redis, record)
            record = _load(self.redis, job_id)
        return record

    def pending(self, escrow_id: str, stage: str | None = None) -> JobRecord | None:
        return None  # not indexed in queue mode: a re-upload just queues a (cheap) job

    def stats(self) -> JobStats:
        h = {k.decode(): v.decode() for k, v in self.redis.hgetall(METRICS).items()}
        by_state = {
            "queued": self.queue.count,
            "running": StartedJobRegistry(queue=self.queue).count,
            "done": int(h.get("done", 0)),
            "failed": int(h.get("failed", 0)),
        }
        buckets = [(b, int(h.get(f"le:{b:g}", 0))) for b in DURATION_BOUNDS]
        return JobStats(by_state=by_state, duration_buckets=buckets,
                        duration_sum=float(h.get("duration_sum", 0.0)),
                        duration_count=int(h.get("duration_count", 0)),
                        pages=int(h.get("pages", 0)), ocr_pages=int(h.get("ocr_pages", 0)))

    def ping(self) -> None:
        self.redis.ping()

    def close(self) -> None:
        self.redis.close()


# ---------------------------------------------------------------- the worker's side


def perform(job_id: str) -> str:
    """The RQ job function, run in a forked work horse."""
    from rq import get_current_job

    from verifier.evidence import open_store

    config = _worker_config
    if config is None:
        raise RuntimeError("perform() runs only in a `verifier worker` process")
    redis = get_current_job().connection
    logs.job_id.set(job_id)
    record = _load(redis, job_id)
    if record is None:
        raise LookupError(f"no job record {job_id}")
    with contextlib.suppress(OSError):
        os.nice(config.settings.service.job_nice)
    timeout = config.settings.service.job_timeout_s
    with redis.lock(f"verifier:lock:escrow:{record.escrow_id}", timeout=timeout + 60,
                    blocking_timeout=timeout):
        record.state, record.started_at = "running", now()
        record.attempts += 1
        _save(redis, record)
        try:
            store = open_store(config.store_uri, config.settings.store)
            record.result = run_job(store, record, config.settings, config.trust_roots,
                                    reader_factory=config.reader_factory)
        except Exception as exc:
            log.exception("job failed")
            record.state, record.finished_at = "failed", now()
            record.error = f"{type(exc).__name__}: {exc}"[:2000]
            _end(redis, record)
            raise
        record.state, record.finished_at, record.error = "done", now(), None
        _end(redis, record)
    return record.result.outcome


def _horse_killed(job: Job, retpid: int, ret_val: int, rusage) -> None:
    """In the worker, when a horse died without writing its end: fail the job with why."""
    from verifier.service.local_queue import exit_reason

    if os.WIFSIGNALED(ret_val):
        why = exit_reason(-os.WTERMSIG(ret_val))
    else:
        why = exit_reason(os.WEXITSTATUS(ret_val) if os.WIFEXITED(ret_val) else ret_val)
    # RQ makes each horse a process group leader: end the readers it left behind too
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(retpid, signal.SIGKILL)
    record = _load(job.connection, job.id)
    if record is None:
        return
    record.state, record.finished_at = "failed", now()
    record.error = f"the job process {why}"
    _end(job.connection, record)


def worker_main(config, burst: bool = False) -> None:
    """``verifier worker``: take jobs from the queue until stopped (or, with burst, empty)."""
    global _worker_config
    _worker_config = config
    logs.configure()
    import verifier.pipeline  # noqa: F401 - loaded once here, inherited by every horse

    redis = Redis.from_url(config.queue_url)
    for attempt in range(30):  # Redis may come up after the worker (compose)
        try:
            redis.ping()
            break
        except Exception:  # noqa: BLE001
            if attempt == 29:
                raise
            time.sleep(1)
    worker = Worker([Queue(QUEUE, connection=redis)], connection=redis,
                    work_horse_killed_handler=_horse_killed)
    worker.work(burst=burst, logging_level="INFO", with_scheduler=False)
