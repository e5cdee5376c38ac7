"""The service under test: ``verifier serve`` in a subprocess on a free loopback port, called
over real HTTP with httpx.

Jobs read text-layer PDFs of the committed sample (no OCR, about a second a job); the tests
that need a job to run long enough to be interrupted use the sample's scanned PDF, which real
Tesseract reads. Queue-mode tests use the Redis server named by ``REDIS_URL`` (started by
``scripts/test.sh``), or start ``redis-server`` themselves when run by hand.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, SAMPLE

ROLES = ("uploader", "inspector", "adjudicator", "admin")
TEXT_PDFS = (
    "EXP-2023-88371_19.pdf",
    "EXP-2023-88371_32.pdf",
    "EXP-2023-88371_35.pdf",
    "document(34).pdf",
    "specification.pdf",
)
SCAN_PDF = "Scan_2023-06-07_15-41.pdf"
STAGE = "pre-transaction"

# Small limits, so the refusals are cheap to provoke.
TEST_CONFIG = """
[service]
workers = {workers}
max_file_bytes = 3000000
max_files = 12
max_request_bytes = 12000000
job_timeout_s = 120

[ocr]
workers = {ocr_workers}
"""


def token(name: str) -> str:
    return f"test-token-{name}"


def tokens_file(path: Path) -> Path:
    entries = [
        {"token_sha256": hashlib.sha256(token(r).encode()).hexdigest(), "role": r} for r in ROLES
    ]
    for role in ROLES:  # scoped variants: reach ESC-SCOPED only
        entries.append(
            {
                "token_sha256": hashlib.sha256(token(f"{role}-scoped").encode()).hexdigest(),
                "role": role,
                "escrows": ["ESC-SCOPED"],
            }
        )
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample(name: str) -> Path:
    return SAMPLE / name


def files_part(*names: str, folder: Path = SAMPLE) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (n, (folder / n).read_bytes(), "application/octet-stream")) for n in names]


class Service:
    """One ``verifier serve`` process and the files it runs on."""

    def __init__(
        self, root: Path, *, workers: int = 2, queue: str | None = None,
        store: Path | None = None, ocr_workers: int = 1,
    ) -> None:
        self.root = root
        self.store = store or root / "store"
        self.state = root / "state"
        self.tokens = tokens_file(root / "tokens.json")
        self.config = root / "service.toml"
        self.config.write_text(TEST_CONFIG.format(workers=workers, ocr_workers=ocr_workers),
                               encoding="utf-8")
        self.queue = queue
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log = root / "service.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Service:
        return self.launch().wait_ready()

    def launch(self) -> Service:
        """Start the process; :meth:`wait_ready` waits for it to answer."""
        self.port = free_port()
        args = [
            sys.executable,
            "-m",
            "cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--store",
            str(self.store),
            "--tokens",
            str(self.tokens),
            "--config",
            str(self.config),
            "--state-dir",
            str(self.state),
        ]
        if self.queue:
            args += ["--queue", self.queue]
        log = open(self.log, "ab")  # noqa: SIM115 - the child writes to it until it ends
        self.proc = subprocess.Popen(
            args, cwd=REPO, stdout=log, stderr=log, env={**os.environ, "OMP_THREAD_LIMIT": "1"}
        )
        log.close()
        return self

    def wait_ready(self) -> Service:
        assert self.proc is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"service did not start: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """kill -9 the service process (its workers and jobs die with it)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def client(self, role: str | None = None, **kwargs) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token(role)}"} if role else {}
        kwargs.setdefault("timeout", 60)
        return httpx.Client(base_url=self.url, headers=headers, **kwargs)

    def upload(
        self,
        escrow: str,
        *names: str,
        stage: str = STAGE,
        role: str = "uploader",
        folder: Path = SAMPLE,
    ) -> httpx.Response:
        with self.client(role) as c:
            return c.post(
                f"/v1/escrows/{escrow}/documents",
                data={"stage": stage},
                files=files_part(*names, folder=folder),
            )

    def wait_job(self, job_id: str, timeout: float = 90, role: str = "uploader") -> dict:
        deadline = time.monotonic() + timeout
        with self.client(role) as c:
            while True:
                r = c.get(f"/v1/jobs/{job_id}")
                r.raise_for_status()
                job = r.json()
                if job["state"] in ("done", "failed"):
                    return job
                if time.monotonic() > deadline:
                    raise AssertionError(f"job did not end: {job}\n{self.log.read_text()[-3000:]}")
                time.sleep(0.1)

    def job_pid(self, job_id: str) -> int | None:
        import sqlite3

        with sqlite3.connect(self.state / "jobs.sqlite3") as conn:
            row = conn.execute("SELECT pid FROM jobs WHERE id=?", (job_id,)).fetchone()
        return row[0] if row else None


@pytest.fixture
def make_service(tmp_path):
    """Start services on demand; every one is stopped at the end of the test."""
    started: list[Service] = []

    def make(**kwargs) -> Service:
        root = tmp_path / f"svc{len(started)}"
        root.mkdir()
        svc = Service(root, **kwargs)
        started.append(svc)
        return svc.start()

    yield make
    for svc in started:
        svc.stop()


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One embedded-mode service shared by a test module."""
    root = tmp_path_factory.mktemp("service")
    svc = Service(root).start()
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """``REDIS_URL`` from scripts/test.sh, else a redis-server of our own on a free port."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("queue-mode tests need redis-server (scripts/install.sh installs it)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)
