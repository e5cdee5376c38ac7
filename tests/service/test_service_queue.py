"""Queue mode: the same jobs on RQ against a real Redis server, two interchangeable service
replicas and a `verifier worker`; a work horse killed mid-job fails only that job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.conftest import REPO
from tests.service.conftest import SCAN_PDF, STAGE, TEXT_PDFS, Service
from verifier.evidence import open_store


@pytest.fixture(scope="module")
def queue_url(redis_url):
    """A Redis database of this module's own (xdist workers may run queue tests side by
    side, each in a database of its own)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:] or 0) % 15 + 1
    base = redis_url.rsplit("/", 1)[0] if redis_url.count("/") > 2 else redis_url
    url = f"{base}/{index}"
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, queue_url):
    """Two service replicas and one worker sharing one store and one queue."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    store = tmp_path / "store"
    replicas = []
    for i in range(2):
        root = tmp_path / f"replica{i}"
        root.mkdir()
        replicas.append(Service(root, queue=queue_url, store=store).launch())
    log = open(tmp_path / "worker.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker", "--queue", queue_url, "--store", str(store),
         "--config", str(replicas[0].config)],
        cwd=REPO, stdout=log, stderr=log, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    log.close()
    for r in replicas:
        r.wait_ready()
    yield replicas, worker, tmp_path / "worker.log"
    worker.terminate()
    try:
        worker.wait(20)
    except subprocess.TimeoutExpired:
        worker.kill()
    for r in replicas:
        r.stop()


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(x) for x in text]
    return out


def test_queue_mode_upload_job_report_across_replicas(cluster):
    (a, b), worker, _ = cluster
    assert not (a.state / "jobs.sqlite3").exists()  # no local job state in queue mode
    r = a.upload("ESC-Q1", TEXT_PDFS[4], TEXT_PDFS[3])
    assert r.status_code == 202, r.text
    job = b.wait_job(r.json()["job"]["id"])  # asked of the other replica
    assert job["state"] == "done" and job["outcome"] == "sealed", job
    with b.client("inspector") as c:
        report = c.get("/v1/escrows/ESC-Q1/report").json()
    assert len(report["documents"]) == 2 and report["bundle"]["id"] == job["bundle"]["id"]

    again = b.upload("ESC-Q1", TEXT_PDFS[4]).json()
    assert again["new_documents"] == 0
    job2 = a.wait_job(again["job"]["id"])
    assert job2["outcome"] == "unchanged" and job2["bundle"]["id"] == job["bundle"]["id"]
    assert len(open_store(a.store).bundles("ESC-Q1")) == 1

    with a.client("admin") as c:
        metrics = c.get("/metrics").text
        ready = c.get("/readyz").json()
    done = [line for line in metrics.splitlines() if line.startswith('verifier_jobs{state="done"}')]
    assert float(done[0].split()[-1]) >= 2
    assert ready["checks"]["jobs"] == "ok" and "workers" not in ready["checks"]


def test_queue_mode_killed_horse_fails_only_its_job(cluster):
    (a, b), worker, log = cluster
    job_id = a.upload("ESC-Q2", SCAN_PDF).json()["job"]["id"]
    deadline = time.monotonic() + 60
    while True:  # wait for the work horse (the worker's forked child) to run the job
        with a.client("uploader") as c:
            state = c.get(f"/v1/jobs/{job_id}").json()["state"]
        horses = children(worker.pid)
        if state == "running" and horses:
            break
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        time.sleep(0.1)
    for pid in horses:
        os.kill(pid, signal.SIGKILL)
    job = b.wait_job(job_id)
    assert job["state"] == "failed", job
    assert job["error"] == "the job process was killed by SIGKILL"
    store = open_store(a.store)
    assert all(store.has_original(d.sha256) for d in store.documents("ESC-Q2", STAGE))
    assert worker.poll() is None  # the worker lives on and takes the next job
    nxt = a.wait_job(a.upload("ESC-Q3", TEXT_PDFS[2]).json()["job"]["id"])
    assert nxt["state"] == "done", nxt
