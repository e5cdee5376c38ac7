"""The local folder store: atomic sealing under kill -9, read-only bundles, stored once."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from verifier.evidence import open_store
from verifier.models import Report

ESCROW = "ESC-KILL"
FILES = 6

SEALER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from verifier.evidence import open_store
    from verifier.models import Report

    store = open_store(sys.argv[1])
    files = sorted(Path(sys.argv[2]).iterdir())
    entries = [(p.name, store.put_original(p)) for p in files]
    print("stored", flush=True)
    report = Report(escrow_id="ESC-KILL", policy_version="p")
    ref = store.seal("ESC-KILL", "pre-transaction", originals=entries,
                     derived={"a.json": b"{}"}, report=report)
    print("sealed", ref.id, flush=True)
    """
)


@pytest.fixture
def upload(tmp_path) -> Path:
    folder = tmp_path / "upload"
    folder.mkdir()
    for i in range(FILES):
        (folder / f"doc{i}.pdf").write_bytes(os.urandom(5000 + i))
    return folder


def staged_files(store_root: Path) -> int:
    return sum(
        len(files)
        for d in (store_root / "bundles").glob(".staging-*")
        for _, _, files in os.walk(d)
    )


@pytest.mark.parametrize("kill_after", [1, 4, FILES + 3])
def test_kill_9_mid_seal_leaves_no_partial_bundle(tmp_path, upload, kill_after):
    """A sealing process killed after ``kill_after`` files leaves no bundle visible; a later
    seal of the same record works and starts the chain afresh."""
    root = tmp_path / "store"
    env = {**os.environ, "VERIFIER_SEAL_PAUSE_S": "0.15", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SEALER, str(root), str(upload)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert proc.stdout.readline().strip() == "stored"
        deadline = time.monotonic() + 30
        while staged_files(root) < kill_after and time.monotonic() < deadline:
            time.sleep(0.02)
        assert staged_files(root) >= kill_after, "the sealer never got that far"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    store = open_store(root)
    visible = [p for p in (root / "bundles").iterdir() if not p.name.startswith(".")]
    assert visible == []
    assert store.bundles(ESCROW) == []
    entries = [(p.name, store.put_original(p)) for p in sorted(upload.iterdir())]
    report = Report(escrow_id=ESCROW, policy_version="p")
    ref = store.seal(ESCROW, "pre-transaction", originals=entries, derived={}, report=report)
    assert ref.previous is None and store.verify(ref.id) == []
    assert [(b.id, b.link_ok) for b in store.bundles(ESCROW)] == [(ref.id, True)]


def test_a_seal_that_completes_is_whole(tmp_path, upload):
    root = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", SEALER, str(root), str(upload)],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    bundle_id = out.split()[-1]
    store = open_store(root)
    assert store.verify(bundle_id) == []
    assert [b.id for b in store.bundles(ESCROW)] == [bundle_id]


def test_sealed_bundles_are_read_only_and_share_originals(tmp_path, upload):
    store = open_store(tmp_path / "store")
    entries = [(p.name, store.put_original(p)) for p in sorted(upload.iterdir())]
    report = Report(escrow_id=ESCROW, policy_version="p")
    one = store.seal(ESCROW, "pre-transaction", originals=entries, derived={}, report=report)
    two = store.seal(ESCROW, "deal-lock", originals=entries, derived={}, report=report)
    folder = tmp_path / "store" / "bundles" / one.id
    for dirpath, _dirs, filenames in os.walk(folder):
        assert stat.S_IMODE(os.stat(dirpath).st_mode) == 0o555
        for f in filenames:
            assert stat.S_IMODE(os.stat(os.path.join(dirpath, f)).st_mode) == 0o444
    # one copy of each original, however many bundles hold it
    name, sha = entries[0]
    stored = tmp_path / "store" / "originals" / sha[:2] / sha
    assert os.stat(stored).st_nlink == 3
    a = tmp_path / "store" / "bundles" / one.id / "data" / "originals" / name
    b = tmp_path / "store" / "bundles" / two.id / "data" / "originals" / name
    assert os.stat(a).st_ino == os.stat(b).st_ino == os.stat(stored).st_ino
    originals = list((tmp_path / "store" / "originals").rglob("*"))
    assert len([p for p in originals if p.is_file()]) == FILES


def test_a_symlink_planted_in_a_bundle_is_reported(tmp_path, upload):
    store = open_store(tmp_path / "store")
    entries = [(p.name, store.put_original(p)) for p in sorted(upload.iterdir())]
    report = Report(escrow_id=ESCROW, policy_version="p")
    ref = store.seal(ESCROW, "pre-transaction", originals=entries, derived={}, report=report)
    target = tmp_path / "store" / "bundles" / ref.id / "data" / "originals" / "doc0.pdf"
    os.chmod(target.parent, 0o755)
    target.unlink()
    target.symlink_to(upload / "doc0.pdf")  # same bytes, but no longer the sealed file
    problems = {(p.kind, p.path) for p in store.verify(ref.id)}
    assert ("changed", "data/originals/doc0.pdf") in problems
