"""Nothing is lost when things die: the service killed mid-job, a job process killed, a
worker process killed. Jobs read the sample's scanned PDF with real Tesseract, so they run
long enough to be interrupted."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.service.conftest import SAMPLE, SCAN_PDF, STAGE, TEXT_PDFS
from verifier.evidence import open_store

pytestmark = pytest.mark.integration  # real Tesseract keeps the jobs running long enough


def wait_running(svc, job_id: str, timeout: float = 60) -> tuple[int, int]:
    """(job pid, worker pid) once the job runs in its process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(svc.state / "jobs.sqlite3") as conn:
            row = conn.execute("SELECT state, pid, worker FROM jobs WHERE id=?",
                               (job_id,)).fetchone()
        if row and row[0] == "running" and row[1]:
            return row[1], row[2]
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never ran")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def wait_dead(pid: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while alive(pid):
        assert time.monotonic() < deadline, f"process {pid} outlived its service"
        time.sleep(0.05)


def originals_present(svc, escrow: str, names) -> None:
    store = open_store(svc.store)
    shas = {hashlib.sha256((SAMPLE / n).read_bytes()).hexdigest() for n in names}
    assert {d.sha256 for d in store.documents(escrow, STAGE)} == shas
    assert all(store.has_original(s) for s in shas)


def test_service_killed_during_a_job_loses_nothing(make_service):
    svc = make_service(workers=1)
    running = svc.upload("ESC-R1", SCAN_PDF, TEXT_PDFS[4]).json()["job"]["id"]
    queued = svc.upload("ESC-R2", TEXT_PDFS[3]).json()["job"]["id"]
    job_pid, worker_pid = wait_running(svc, running)
    killed_at = datetime.now(UTC)
    svc.kill()  # kill -9 the service while the job runs and another waits
    wait_dead(worker_pid)
    wait_dead(job_pid)

    svc.start()  # same store, same state folder
    first = svc.wait_job(running, timeout=240)
    second = svc.wait_job(queued, timeout=240)
    # run again from the start, to the end (its worker put it back in the queue as it died,
    # or the new service found it left running)
    assert first["state"] == "done", first
    assert datetime.fromisoformat(first["started_at"]) > killed_at
    assert first["outcome"] == "sealed" and first["documents"] == 2
    assert second["state"] == "done" and second["attempts"] == 1, second
    assert datetime.fromisoformat(second["started_at"]) > killed_at
    originals_present(svc, "ESC-R1", (SCAN_PDF, TEXT_PDFS[4]))
    originals_present(svc, "ESC-R2", (TEXT_PDFS[3],))


def test_a_killed_job_ends_failed_with_its_reason_and_work_goes_on(make_service):
    svc = make_service(workers=1)
    job_id = svc.upload("ESC-K1", SCAN_PDF).json()["job"]["id"]
    job_pid, worker_pid = wait_running(svc, job_id)
    os.kill(job_pid, signal.SIGKILL)
    job = svc.wait_job(job_id)
    assert job["state"] == "failed", job
    assert job["error"] == "the job process was killed by SIGKILL"
    originals_present(svc, "ESC-K1", (SCAN_PDF,))
    assert alive(worker_pid)  # the worker survived its job
    nxt = svc.wait_job(svc.upload("ESC-K2", TEXT_PDFS[2]).json()["job"]["id"])
    assert nxt["state"] == "done", nxt


def test_a_killed_worker_fails_its_job_and_is_replaced(make_service):
    svc = make_service(workers=1)
    job_id = svc.upload("ESC-W1", SCAN_PDF).json()["job"]["id"]
    job_pid, worker_pid = wait_running(svc, job_id)
    os.kill(worker_pid, signal.SIGKILL)
    wait_dead(job_pid)  # the job process dies with its worker
    job = svc.wait_job(job_id)
    assert job["state"] == "failed", job
    assert job["error"] == "the worker process running it was killed by SIGKILL"
    originals_present(svc, "ESC-W1", (SCAN_PDF,))
    nxt = svc.wait_job(svc.upload("ESC-W2", TEXT_PDFS[2]).json()["job"]["id"])
    assert nxt["state"] == "done", nxt
    with svc.client() as c:
        assert c.get("/readyz").json()["checks"]["workers"] == "ok"


def group_members(pgid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def test_a_killed_job_leaves_no_reader_process_behind(make_service):
    svc = make_service(workers=1, ocr_workers=2)  # the job reads in a pool of its own
    job_id = svc.upload("ESC-G1", SCAN_PDF, "scan0012.pdf").json()["job"]["id"]
    job_pid, _ = wait_running(svc, job_id)
    deadline = time.monotonic() + 60
    while len(group_members(job_pid)) < 2:  # the job and its reader processes
        assert time.monotonic() < deadline, "the job never started its readers"
        time.sleep(0.05)
    os.kill(job_pid, signal.SIGKILL)
    job = svc.wait_job(job_id)
    assert job["state"] == "failed" and "SIGKILL" in job["error"], job
    deadline = time.monotonic() + 10
    while group_members(job_pid):
        assert time.monotonic() < deadline, f"left behind: {group_members(job_pid)}"
        time.sleep(0.05)
