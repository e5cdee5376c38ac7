"""Upload answer time of the HTTP service while its workers are busy with OCR, beside the
same on an idle service, in one run.

    .venv/bin/python benchmarks/service_load.py            # 8 clients x 25 uploads per phase
    .venv/bin/python benchmarks/service_load.py --quick    # 8 clients x 8 uploads

Starts ``verifier serve`` (embedded mode, 2 job workers) in a subprocess on a loopback port;
this process is the second one, with 8 client threads, each its own HTTP connection, each
uploading 1 MB files (fresh random bytes every time, so every upload stores a new original and
queues a job) to an escrow record of its own. Two phases:

1. **idle**: no job is reading anything when the load starts (the uploads' own jobs are
   junk files that intake refuses in milliseconds);
2. **busy**: first the sample's scanned PDFs and phone photos are uploaded to several records,
   so both workers run OCR; the same load runs while they do (the number of jobs running is
   sampled during the phase and printed, so a phase that was not busy shows it).

Printed per phase: uploads per second, p50/p95/max of the upload answer (request sent to
answer read). Targets: busy p95 < 500 ms and within 3x of idle p95 (the answer must not wait
for OCR). The machine is shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "fixtures" / "sample" / "TX-SAMPLE"
OCR_FILES = ("Scan_2023-06-07_15-41.pdf", "scan0012.pdf", "DSC03006.JPG", "DSC04111.JPG",
             "IMG_20230606_142719.jpg")
TOKEN = "bench-token"
MB = 1 << 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(root: Path) -> tuple[subprocess.Popen, str]:
    tokens = root / "tokens.json"
    tokens.write_text(json.dumps([{"token_sha256": hashlib.sha256(TOKEN.encode()).hexdigest(),
                                   "role": "admin"}]))
    config = root / "service.toml"
    config.write_text("[service]\nworkers = 2\n")
    port = free_port()
    log = open(root / "service.log", "wb")  # noqa: SIM115 - the child writes to it
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--store", str(root / "store"), "--tokens", str(tokens), "--config", str(config),
         "--state-dir", str(root / "state")],
        cwd=REPO, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the service did not become ready; see " + str(root / "service.log"))


def jobs_running(url: str) -> int:
    text = httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                     timeout=10).text
    for line in text.splitlines():
        if line.startswith('verifier_jobs{state="running"}'):
            return int(float(line.split()[-1]))
    return 0


def load(url: str, phase: str, clients: int, per_client: int) -> tuple[list[float], float]:
    """Every client uploads ``per_client`` 1 MB files one after another; latencies (s)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(c: int) -> None:
        body = bytearray(os.urandom(MB))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
            start.wait()
            for i in range(per_client):
                body[:16] = os.urandom(16)  # new bytes: a new original and a new document
                t0 = time.perf_counter()
                r = http.post(f"/v1/escrows/LOAD-{phase}-{c}/documents",
                              data={"stage": "pre-transaction"},
                              files=[("files", (f"upload-{i}.bin", bytes(body)))])
                dt = time.perf_counter() - t0
                with lock:
                    if r.status_code == 202:
                        latencies.append(dt)
                    else:
                        errors.append(f"{r.status_code} {r.text[:200]}")

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{len(errors)} uploads failed, e.g. {errors[0]}")
    return latencies, wall


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="8 uploads per client")
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    per_client = 8 if args.quick else 25

    with tempfile.TemporaryDirectory(prefix="service-load-") as tmp:
        proc, url = start_service(Path(tmp))
        try:
            rows = []
            # warm-up: the first request of each kind pays imports
            load(url, "warm", 2, 2)
            time.sleep(3)
            idle_running = jobs_running(url)
            lat, wall = load(url, "idle", args.clients, per_client)
            rows.append(("idle", lat, wall, f"{idle_running} at start"))

            # busy: OCR jobs first, on several records so both workers take one
            headers = {"Authorization": f"Bearer {TOKEN}"}
            with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
                for i in range(6):
                    names = OCR_FILES[i % len(OCR_FILES):] + OCR_FILES[:i % len(OCR_FILES)]
                    r = http.post(f"/v1/escrows/OCR-{i}/documents",
                                  data={"stage": "pre-transaction"},
                                  files=[("files", (n, (SAMPLE / n).read_bytes()))
                                         for n in names[:3]])
                    r.raise_for_status()
            deadline = time.monotonic() + 60
            while jobs_running(url) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            samples: list[int] = []
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(0.5):
                    samples.append(jobs_running(url))

            sampler = threading.Thread(target=sample)
            sampler.start()
            lat, wall = load(url, "busy", args.clients, per_client)
            stop.set()
            sampler.join()
            busy = f"min {min(samples, default=0)}, max {max(samples, default=0)}"
            rows.append(("busy", lat, wall, busy))
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    n = args.clients * per_client
    print(f"service upload load: {args.clients} clients, 1 MB files, {n} uploads per phase, "
          f"2 job workers, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'phase':6} {'uploads/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  jobs running")
    p95 = {}
    for phase, lat, wall, running in rows:
        p95[phase] = percentile(lat, 95) * 1000
        print(f"{phase:6} {len(lat) / wall:10.1f} {statistics.median(lat) * 1000:8.1f} "
              f"{p95[phase]:8.1f} {max(lat) * 1000:8.1f}  {running}")
    ratio = p95["busy"] / p95["idle"]
    met = {True: "met", False: "MISSED"}
    print(f"busy p95 {p95['busy']:.0f} ms (target < 500: {met[p95['busy'] < 500]}); "
          f"busy/idle p95 {ratio:.2f}x (target <= 3: {met[ratio <= 3]})")


if __name__ == "__main__":
    main()
