"""Property-based run of schemathesis against the service's own /openapi.json, once with a
valid token of each role: whatever it generates (hostile ids, odd multipart bodies, wrong
methods), no answer is a 5xx. Bounded (8 examples per operation, deterministic) so it stays
well under a minute."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.service.conftest import ROLES, token

SCHEMATHESIS = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "schemathesis"


@pytest.fixture(scope="module")
def quiet_service(tmp_path_factory):
    from tests.service.conftest import Service

    svc = Service(tmp_path_factory.mktemp("fuzzed"), workers=1).start()
    yield svc
    svc.stop()


@pytest.mark.parametrize("role", ROLES)
def test_no_5xx_for_any_role(quiet_service, role, tmp_path):
    exe = str(SCHEMATHESIS) if SCHEMATHESIS.exists() else shutil.which("schemathesis")
    assert exe, "schemathesis is a test dependency (pyproject.toml [test])"
    run = subprocess.run(
        [exe, "run", f"{quiet_service.url}/openapi.json",
         "--header", f"Authorization: Bearer {token(role)}",
         "--checks", "not_a_server_error",
         "--max-examples", "8", "--generation-deterministic",
         "--request-timeout", "20",
         "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout or "passed" in run.stdout, run.stdout[-2000:]
    assert " 5" not in _statuses(quiet_service.log)


def _statuses(log: Path) -> str:
    """Every status the service logged, as ' NNN' words (a 5xx would show as ' 5..')."""
    import json

    out = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            status = json.loads(line).get("status")
            if isinstance(status, int):
                out.append(f" {status}")
    return "".join(out)
