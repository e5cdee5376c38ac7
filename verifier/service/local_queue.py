"""The embedded job queue: a SQLite table (WAL) in the state folder and local worker processes.

One machine, no server to run: ``verifier serve`` alone verifies. The table survives
restarts — queued jobs are taken up again when the service starts, finished ones stay
queryable — and a job that was *running* when the service died (kill -9, power loss) is
queued again, up to ``service.max_attempts`` runs in all, then ends ``failed`` with the
reason. One service owns a state folder at a time (an ``flock`` on ``service.lock``).

Isolation: each worker process runs each job in a child process of its own (fork after the
pipeline is imported, so a job starts in milliseconds). A child that dies — killed, out of
memory, a segfault in a native library on a hostile file — ends its job ``failed`` with the
signal or exit status as the reason, and the worker goes on with the next job; the
originals were stored before the job was queued, so nothing is lost. The workers die with
the service (``PR_SET_PDEATHSIG``), and jobs run at a lower CPU priority (``job_nice``) so
that answering uploads never waits for OCR. One escrow record runs one job at a time, so
its bundle chain is extended in order.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import logging
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from verifier.service.jobs import (
    JOB_STATES,
    JobRecord,
    JobResult,
    JobStats,
    histogram,
    new_job_id,
)

log = logging.getLogger("verifier.service.local_queue")

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    escrow_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    destination TEXT,
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    pid INTEGER,
    worker INTEGER,
    boot TEXT,
    error TEXT,
    result TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, created_at);
CREATE INDEX IF NOT EXISTS jobs_escrow ON jobs(escrow_id, stage, state);
"""

POLL_S = 0.2


def _ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a finished or queued job survives power loss
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


@contextlib.contextmanager
def _immediate(conn: sqlite3.Connection):
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _record(row: sqlite3.Row) -> JobRecord:
    return JobRecord(
        id=row["id"],
        escrow_id=row["escrow_id"],
        stage=row["stage"],
        destination=row["destination"],
        state=row["state"],
        created_at=_ts(row["created_at"]),
        started_at=_ts(row["started_at"]),
        finished_at=_ts(row["finished_at"]),
        attempts=row["attempts"],
        error=row["error"],
        result=JobResult.model_validate_json(row["result"]) if row["result"] else None,
    )


class JobTable:
    """The SQLite job table; one connection per thread of each process (the service answers
    from a thread pool; a forked child opens its own)."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.db = self.state_dir / "jobs.sqlite3"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self.conn.executescript(SCHEMA)

    @property
    def conn(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn, local.pid = connect(self.db), os.getpid()
            with self._guard:
                self._all.append(local.conn)
        return local.conn

    # -- the service's side
    def submit(self, escrow_id: str, stage: str, destination: str | None) -> JobRecord:
        """A new queued job, or the queued one for the same record and stage: a job that has
        not started yet will read the whole current set anyway."""
        with _immediate(self.conn) as c:
            row = c.execute(
                "SELECT * FROM jobs WHERE escrow_id=? AND stage=? AND state='queued' "
                "AND destination IS ? ORDER BY created_at LIMIT 1",
                (escrow_id, stage, destination),
            ).fetchone()
            if row is not None:
                return _record(row)
            job_id = new_job_id()
            c.execute(
                "INSERT INTO jobs (id, escrow_id, stage, destination, state, created_at) "
                "VALUES (?, ?, ?, ?, 'queued', ?)",
                (job_id, escrow_id, stage, destination, time.time()),
            )
            return _record(c.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone())

    def get(self, job_id: str) -> JobRecord | None:
        row = self.conn.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
        return _record(row) if row else None

    def pending(self, escrow_id: str, stage: str | None = None) -> JobRecord | None:
        row = self.conn.execute(
            "SELECT * FROM jobs WHERE escrow_id=? AND (? IS NULL OR stage=?) "
            "AND state IN ('queued', 'running') ORDER BY created_at DESC LIMIT 1",
            (escrow_id, stage, stage),
        ).fetchone()
        return _record(row) if row else None

    def pid_of(self, job_id: str) -> int | None:
        row = self.conn.execute("SELECT pid FROM jobs WHERE id=?", (job_id,)).fetchone()
        return row["pid"] if row else None

    def stats(self) -> JobStats:
        by_state = dict.fromkeys(JOB_STATES, 0)
        for row in self.conn.execute("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state"):
            by_state[row["state"]] = row["n"]
        durations, pages, ocr_pages = [], 0, 0
        for row in self.conn.execute(
            "SELECT started_at, finished_at, result FROM jobs "
            "WHERE state IN ('done', 'failed') AND started_at IS NOT NULL"
        ):
            durations.append(max(0.0, row["finished_at"] - row["started_at"]))
            if row["result"]:
                r = json.loads(row["result"])
                pages += r.get("pages", 0)
                ocr_pages += r.get("ocr_pages", 0)
        return JobStats(by_state=by_state, duration_buckets=histogram(durations),
                        duration_sum=sum(durations), duration_count=len(durations),
                        pages=pages, ocr_pages=ocr_pages)

    def ping(self) -> None:
        self.conn.execute("SELECT 1").fetchone()

    def close(self) -> None:
        with self._guard:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    # -- the workers' side
    def recover(self, boot: str, max_attempts: int) -> tuple[int, int]:
        """Jobs left running by an earlier service: queued again, or failed after too many
        runs. Returns (requeued, failed)."""
        with _immediate(self.conn) as c:
            failed = c.execute(
                "UPDATE jobs SET state='failed', finished_at=?, pid=NULL, error=? "
                "WHERE state='running' AND boot IS NOT ? AND attempts >= ?",
                (time.time(), f"interrupted by a service restart in each of its runs "
                 f"(at most {max_attempts})", boot, max_attempts),
            ).rowcount
            requeued = c.execute(
                "UPDATE jobs SET state='queued', pid=NULL, "
                "error='interrupted by a service restart; queued again' "
                "WHERE state='running' AND boot IS NOT ?",
                (boot,),
            ).rowcount
        return requeued, failed

    def claim(self, boot: str, worker: int) -> JobRecord | None:
        """The oldest queued job whose escrow record has no job running, now running."""
        with _immediate(self.conn) as c:
            row = c.execute(
                "SELECT id FROM jobs WHERE state='queued' AND escrow_id NOT IN "
                "(SELECT escrow_id FROM jobs WHERE state='running') "
                "ORDER BY created_at LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            c.execute(
                "UPDATE jobs SET state='running', started_at=?, attempts=attempts+1, boot=?, "
                "worker=?, pid=NULL WHERE id=?",
                (time.time(), boot, worker, row["id"]),
            )
            return _record(c.execute("SELECT * FROM jobs WHERE id=?", (row["id"],)).fetchone())

    def running_pids(self, worker: int) -> list[int]:
        return [r["pid"] for r in self.conn.execute(
            "SELECT pid FROM jobs WHERE state='running' AND worker=? AND pid IS NOT NULL",
            (worker,))]

    def worker_died(self, worker: int, why: str) -> int:
        """Jobs a dead worker was running end failed (their job process died with it)."""
        return self.conn.execute(
            "UPDATE jobs SET state='failed', finished_at=?, pid=NULL, error=? "
            "WHERE state='running' AND worker=?",
            (time.time(), why, worker),
        ).rowcount

    def set_pid(self, job_id: str, pid: int) -> None:
        self.conn.execute("UPDATE jobs SET pid=? WHERE id=?", (pid, job_id))

    def finish(self, job_id: str, attempt: int, result: JobResult) -> bool:
        return self.conn.execute(
            "UPDATE jobs SET state='done', finished_at=?, pid=NULL, error=NULL, result=? "
            "WHERE id=? AND attempts=? AND state='running'",
            (time.time(), result.model_dump_json(), job_id, attempt),
        ).rowcount == 1

    def fail(self, job_id: str, attempt: int, error: str) -> bool:
        return self.conn.execute(
            "UPDATE jobs SET state='failed', finished_at=?, pid=NULL, error=? "
            "WHERE id=? AND attempts=? AND state='running'",
            (time.time(), error[:2000], job_id, attempt),
        ).rowcount == 1

    def requeue(self, job_id: str, attempt: int, note: str) -> None:
        """Back in the queue without counting the run (the service is stopping)."""
        self.conn.execute(
            "UPDATE jobs SET state='queued', pid=NULL, attempts=attempts-1, error=? "
            "WHERE id=? AND attempts=? AND state='running'",
            (note, job_id, attempt),
        )


# ---------------------------------------------------------------- process plumbing

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to signal this process when its parent dies (no orphans left running)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)


def exit_reason(code: int | None) -> str:
    if code is None:
        return "did not end"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}"
    return f"exited with status {code}"


def kill_group(pid: int) -> None:
    """SIGKILL a job's whole process group (the job and the reader processes it started)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def describe_exit(code: int | None) -> str:
    return f"the job process {exit_reason(code)}"


def lock_state_dir(state_dir: Path):
    """Hold an exclusive lock on the state folder for this process's life; OSError if taken."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fh = open(state_dir / "service.lock", "w")  # noqa: SIM115 - held until the process ends
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        fh.close()
        raise OSError(f"another service already uses the state folder {state_dir}") from exc
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


def _job_child(config, record: JobRecord) -> None:
    """In the forked child: run one job and write its end into the table."""
    from verifier.evidence import open_store
    from verifier.service import logs
    from verifier.service.jobs import run_job

    # A process group of its own: the pipeline's reader processes belong to the job, and
    # killing the group leaves none of them behind when the job is killed.
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    die_with_parent(signal.SIGKILL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError):
        os.nice(config.settings.service.job_nice)
    logs.job_id.set(record.id)
    table = JobTable(config.state_dir)
    try:
        store = open_store(config.store_uri, config.settings.store)
        result = run_job(store, record, config.settings, config.trust_roots,
                         reader_factory=config.reader_factory)
    except BaseException as exc:  # noqa: BLE001 - every failure ends the job with its reason
        log.exception("job failed")
        table.fail(record.id, record.attempts, f"{type(exc).__name__}: {exc}")
        os._exit(0)
    table.finish(record.id, record.attempts, result)
    os._exit(0)


def worker_main(config, index: int) -> None:
    """One local worker process: claim a job, run it in a child, record how it ended."""
    from verifier.service import logs

    die_with_parent(signal.SIGTERM)
    logs.configure()
    # Import the pipeline once here, so every forked job starts with it loaded.
    import verifier.pipeline  # noqa: F401

    stopping = {"now": False}

    def stop(signum, frame) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    table = JobTable(config.state_dir)
    fork = multiprocessing.get_context("fork")
    timeout = config.settings.service.job_timeout_s
    log.info("worker started", extra={"worker": index})
    while not stopping["now"] and os.getppid() == parent:
        record = table.claim(config.boot, os.getpid())
        if record is None:
            time.sleep(POLL_S)
            continue
        logs.job_id.set(record.id)
        child = fork.Process(target=_job_child, args=(config, record), name=f"job-{record.id}")
        child.start()
        table.set_pid(record.id, child.pid)
        log.info("job started", extra={"pid": child.pid, "escrow_id": record.escrow_id,
                                       "attempt": record.attempts})
        deadline = time.monotonic() + timeout
        while child.is_alive() and not stopping["now"] and time.monotonic() < deadline:
            child.join(POLL_S)
        if child.is_alive():
            kill_group(child.pid)
            child.kill()
            child.join()
            if stopping["now"]:
                table.requeue(record.id, record.attempts, "the service stopped; queued again")
                break
            table.fail(record.id, record.attempts, f"timed out after {timeout:g} s")
        elif child.exitcode != 0:
            # died: its readers still hold the group, so the group id is still its own
            kill_group(child.pid)
            if table.fail(record.id, record.attempts, describe_exit(child.exitcode)):
                log.warning("job process died", extra={"exitcode": child.exitcode})
        else:  # ended cleanly: it wrote its end, so this changes nothing unless it did not
            table.fail(record.id, record.attempts, "the job process ended without a result")
        logs.job_id.set(None)
    table.close()


class LocalWorkers:
    """The service's worker processes (spawned: a clean interpreter, not a fork of the
    event loop)."""

    def __init__(self, config, count: int) -> None:
        self.config, self.count = config, count
        self.procs: list[multiprocessing.process.BaseProcess] = []

    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        for i in range(self.count):
            p = ctx.Process(target=worker_main, args=(self.config, i), name=f"verifier-worker-{i}")
            p.start()
            self.procs.append(p)

    def stop(self, grace_s: float = 10.0) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        deadline = time.monotonic() + grace_s
        for p in self.procs:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join()
        self.procs.clear()

    def alive(self) -> int:
        return sum(1 for p in self.procs if p.is_alive())

    def supervise(self, table: JobTable) -> None:
        """Replace a worker that died; its running job ends failed with the reason."""
        ctx = multiprocessing.get_context("spawn")
        for i, p in enumerate(self.procs):
            if p.is_alive():
                continue
            why = f"the worker process running it {exit_reason(p.exitcode)}"
            for pid in table.running_pids(p.pid):
                kill_group(pid)  # its job dies with it (PR_SET_PDEATHSIG), and the readers too
            n = table.worker_died(p.pid, why)
            log.warning("worker died; replaced", extra={"worker": i, "exitcode": p.exitcode,
                                                        "jobs_failed": n})
            q = ctx.Process(target=worker_main, args=(self.config, i),
                            name=f"verifier-worker-{i}")
            q.start()
            self.procs[i] = q


def new_boot() -> str:
    return uuid.uuid4().hex
