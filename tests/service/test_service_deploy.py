"""deploy/compose.yaml stays in step with the command line: the commands it runs exist, the
environment it sets is what `verifier serve` / `verifier worker` read, and every part of the
queue-mode deployment is there."""

from __future__ import annotations

import subprocess
import sys

import yaml

from tests.conftest import REPO

COMPOSE = REPO / "deploy" / "compose.yaml"


def help_of(command: str) -> str:
    run = subprocess.run([sys.executable, "-m", "cli", command, "--help"], cwd=REPO,
                         capture_output=True, text=True, timeout=60,
                         env={"COLUMNS": "200", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_compose_runs_minio_redis_service_and_workers_from_the_dockerfile():
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert set(services) >= {"minio", "redis", "service", "worker"}
    assert services["service"]["build"] == ".."  # the repository's Dockerfile
    assert (COMPOSE.parent / services["service"]["build"] / "Dockerfile").is_file()
    assert services["worker"]["image"] == services["service"]["image"]
    assert services["service"]["command"][:2] == ["verifier", "serve"]
    assert services["worker"]["command"] == ["verifier", "worker"]
    for name in ("service", "worker"):
        env = services[name]["environment"]
        assert env["VERIFIER_QUEUE"].startswith("redis://redis:")
        assert env["VERIFIER_STORE"].startswith("s3://")
        assert env["VERIFIER_S3_ENDPOINT"] == "http://minio:9000"


def test_the_environment_compose_sets_is_what_the_commands_read():
    spec = yaml.safe_load(COMPOSE.read_text())
    serve, worker = help_of("serve"), help_of("worker")
    for var in ("VERIFIER_STORE", "VERIFIER_TOKENS_FILE", "VERIFIER_QUEUE"):
        assert var in serve and var in spec["services"]["service"]["environment"]
    for var in ("VERIFIER_STORE", "VERIFIER_QUEUE"):
        assert var in worker
