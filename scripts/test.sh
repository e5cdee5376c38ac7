#!/usr/bin/env bash
# The whole test suite: lint, the fast unit tests (fake OCR engine) and the integration suite
# on real Tesseract. Servers the tests need are started here and stopped after, also on
# failure: an S3-protocol server (moto_server) on loopback for the S3 store tests, unless
# VERIFIER_S3_ENDPOINT already names one (e.g. a real MinIO, see README "Stores"); a Redis
# server for the service's queue-mode tests, unless REDIS_URL already names one.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
if [ -z "${VERIFIER_S3_ENDPOINT:-}" ]; then
    port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    .venv/bin/moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    moto_pid=$!
    pids+=("$moto_pid")
    export VERIFIER_S3_ENDPOINT="http://127.0.0.1:$port"
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    for _ in $(seq 1 150); do
        .venv/bin/python -c 'import os, urllib.request as u; u.urlopen(os.environ["VERIFIER_S3_ENDPOINT"] + "/moto-api/", timeout=1)' 2>/dev/null && break
        kill -0 "$moto_pid" 2>/dev/null || { echo "moto_server did not start" >&2; exit 1; }
        sleep 0.2
    done
fi
# A Redis server for the service's queue-mode tests (RQ), unless REDIS_URL names one:
# loopback, a free port, nothing persisted.
if [ -z "${REDIS_URL:-}" ]; then
    rport=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir /tmp >/dev/null 2>&1 &
    redis_pid=$!
    pids+=("$redis_pid")
    export REDIS_URL="redis://127.0.0.1:$rport/0"
    for _ in $(seq 1 100); do
        .venv/bin/python -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).ping()' 2>/dev/null && break
        kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server did not start" >&2; exit 1; }
        sleep 0.1
    done
fi
.venv/bin/python -m pytest -n 2 -q "$@"
