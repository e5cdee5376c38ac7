"""An S3-protocol server for the store tests.

``scripts/test.sh`` starts one ``moto_server`` on loopback and exports
``VERIFIER_S3_ENDPOINT``; every test then works in a bucket of its own. Run by hand without
that variable, :func:`s3_endpoint` starts a private ``moto_server`` for the session (stopped
at exit) rather than skipping the S3 tests. Point ``VERIFIER_S3_ENDPOINT`` (and
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``) at a real MinIO to run the same tests
there (README, Stores).
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

MOTO = Path(sys.executable).with_name("moto_server")
_started: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(timeout: float = 30.0) -> tuple[subprocess.Popen, str]:
    """Start ``moto_server`` on a free loopback port; (process, endpoint URL)."""
    port = free_port()
    proc = subprocess.Popen(
        [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto_server did not answer within {timeout} s")


def _stop_all() -> None:
    for proc in _started:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def s3_endpoint() -> str:
    """The endpoint the S3 tests use; sets the environment the store reads."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    url = os.environ.get("VERIFIER_S3_ENDPOINT")
    if not url:
        proc, url = start_moto()
        _started.append(proc)
        if len(_started) == 1:
            atexit.register(_stop_all)
        os.environ["VERIFIER_S3_ENDPOINT"] = url
    return url


def new_bucket_uri(prefix: str = "ev") -> str:
    """An ``s3://`` URI in a bucket no other test uses."""
    return f"s3://{prefix}-{uuid.uuid4().hex[:20]}/verifier"
