"""The local folder store: the embedded default, offline, no server.

Layout under the root folder::

    originals/ab/<sha256>            every original once, content-addressed, read-only
    bundles/<root>/...               sealed bundles (BagIt bags), read-only files and folders
    bundles/.staging-*/              a bundle being written (never listed)
    escrows/<escrow_id>/chain/<seq>-<root>   the bundles begun for a record, in order
    escrows/<escrow_id>/.lock        flock held while sealing (one chain, no forks)
    meta/<key>                       small mutable records (document sets, job records, ...)

Durability: every file is written under a temporary name, fsynced, renamed into place, and
its folder fsynced (POSIX rename is atomic; the folder fsync makes the rename itself durable).
A bundle is assembled complete in a staging folder beside ``bundles/`` and renamed into place
in one step, so a crash or ``kill -9`` at any moment leaves either the whole bundle or none of
it visible (the test kills a sealing process between two files). Originals are hard-linked
into the bundle (``data/originals/<name>``): stored once however many bundles hold them,
and a downloaded bundle is a plain bag. Sealed files are mode 0444 and their folders 0555;
that guards against accidents, not against root — tamper evidence comes from verification.

``VERIFIER_SEAL_PAUSE_S`` (tests only) sleeps that many seconds after each file of a bundle
is written, so a test can kill the writer mid-seal.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from verifier.evidence import bag
from verifier.evidence.bag import Problem
from verifier.evidence.hashing import copy_hashing, hash_file
from verifier.evidence.store import (
    ROOT_RE,
    BundleNotFound,
    Plan,
    Store,
    StoreError,
    check_id,
    check_meta_key,
)

FILE_MODE = 0o444
DIR_MODE = 0o555
STALE_STAGING_S = 3600


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` durably: temporary name, fsync, rename, folder fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


class LocalStore(Store):
    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        try:
            for sub in ("originals", "bundles", "escrows", "meta"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot use {self.root} as a store: {exc}") from exc
        self.location = str(self.root)
        self._clean_staging()

    # ------------------------------------------------------------ basics
    def ping(self) -> None:
        if not (self.root / "bundles").is_dir() or not os.access(self.root / "bundles", os.W_OK):
            raise StoreError(f"store {self.root} is not a writable folder")

    def _clean_staging(self) -> None:
        """Remove staging folders and temporary files left by writers that died."""
        now = time.time()
        for parent in (self.root / "bundles", self.root / "originals"):
            for entry in parent.iterdir():
                if entry.name.startswith((".staging-", ".tmp-")):
                    try:
                        if now - entry.lstat().st_mtime > STALE_STAGING_S:
                            _remove_tree(entry)
                    except OSError:
                        pass

    # ------------------------------------------------------------ originals
    def _original_path(self, sha256: str) -> Path:
        if not ROOT_RE.fullmatch(sha256 or ""):
            raise StoreError(f"not a sha256: {sha256!r}")
        return self.root / "originals" / sha256[:2] / sha256

    def put_original(self, path: Path) -> str:
        tmp = self.root / "originals" / f".tmp-{uuid.uuid4().hex}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                sha, _ = copy_hashing(Path(path), fd)
                os.fsync(fd)
                os.fchmod(fd, FILE_MODE)
            finally:
                os.close(fd)
            dest = self._original_path(sha)
            if dest.exists():
                tmp.unlink()
                return sha
            dest.parent.mkdir(exist_ok=True)
            os.replace(tmp, dest)
            fsync_dir(dest.parent)
            fsync_dir(dest.parent.parent)
            return sha
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"cannot store {path}: {exc}") from exc

    def has_original(self, sha256: str) -> bool:
        return self._original_path(sha256).is_file()

    def original_size(self, sha256: str) -> int:
        try:
            return self._original_path(sha256).stat().st_size
        except OSError as exc:
            raise StoreError(f"original {sha256} is not stored") from exc

    def read_original(self, sha256: str) -> bytes:
        try:
            return self._original_path(sha256).read_bytes()
        except OSError as exc:
            raise StoreError(f"original {sha256} is not stored") from exc

    def copy_original(self, sha256: str, dest: Path) -> None:
        src = self._original_path(sha256)
        dest = Path(dest)
        tmp = dest.with_name(f".tmp-{uuid.uuid4().hex}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            try:
                got, _ = copy_hashing(src, fd)
            finally:
                os.close(fd)
            if got != sha256:
                raise StoreError(f"stored original {sha256} hashes {got}: it was changed")
            os.replace(tmp, dest)
        except OSError as exc:
            raise StoreError(f"cannot copy original {sha256}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)

    # ------------------------------------------------------------ meta
    def put_meta(self, key: str, data: bytes) -> None:
        try:
            write_atomic(self.root / "meta" / check_meta_key(key), data)
        except OSError as exc:
            raise StoreError(f"cannot write {key}: {exc}") from exc

    def get_meta(self, key: str) -> bytes | None:
        try:
            return (self.root / "meta" / check_meta_key(key)).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {key}: {exc}") from exc

    def list_meta(self, prefix: str) -> list[str]:
        base = self.root / "meta"
        out = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".tmp-")]
            for f in filenames:
                if f.startswith(".tmp-"):
                    continue
                key = os.path.relpath(os.path.join(dirpath, f), base).replace(os.sep, "/")
                if key.startswith(prefix):
                    out.append(key)
        return sorted(out)

    # ------------------------------------------------------------ chain
    @contextmanager
    def _lock(self, escrow_id: str):
        folder = self.root / "escrows" / check_id(escrow_id, "escrow id")
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _chain(self, escrow_id: str) -> list[tuple[int, str]]:
        folder = self.root / "escrows" / check_id(escrow_id, "escrow id") / "chain"
        out = []
        if folder.is_dir():
            for entry in folder.iterdir():
                seq, _, bid = entry.name.partition("-")
                if seq.isdigit() and ROOT_RE.fullmatch(bid):
                    out.append((int(seq), bid))
        return sorted(out)

    def _add_chain(self, escrow_id: str, seq: int, bundle_id: str) -> None:
        write_atomic(self.root / "escrows" / escrow_id / "chain" / f"{seq:08d}-{bundle_id}", b"")

    def _bundle_dir(self, bundle_id: str) -> Path:
        return self.root / "bundles" / bundle_id

    def _committed(self, bundle_id: str) -> bool:
        return (
            ROOT_RE.fullmatch(bundle_id or "") is not None and self._bundle_dir(bundle_id).is_dir()
        )

    # ------------------------------------------------------------ writing a bundle
    def _write_bundle(self, plan: Plan) -> None:
        final = self._bundle_dir(plan.bundle_id)
        staging = self.root / "bundles" / f".staging-{plan.bundle_id[:16]}-{uuid.uuid4().hex}"
        pause = float(os.environ.get("VERIFIER_SEAL_PAUSE_S") or 0)
        folders: set[Path] = {staging}
        try:
            staging.mkdir()
            for blob in plan.files:
                dest = staging / blob.path
                for parent in reversed(dest.relative_to(staging).parents[:-1]):
                    folders.add(staging / parent)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if blob.data is None:
                    self._link_original(blob.sha256, dest)
                else:
                    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
                    try:
                        view = memoryview(blob.data)
                        while view:
                            view = view[os.write(fd, view) :]
                        os.fsync(fd)
                        os.fchmod(fd, FILE_MODE)
                    finally:
                        os.close(fd)
                if pause:
                    time.sleep(pause)
            # Deepest first: a folder is fsynced after its entries, then made read-only.
            for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
                fsync_dir(folder)
                if folder != staging:
                    os.chmod(folder, DIR_MODE)
            os.chmod(staging, DIR_MODE)
            # The commit: one atomic rename in the same parent folder.
            os.rename(staging, final)
            fsync_dir(final.parent)
        except OSError as exc:
            _remove_tree(staging)
            raise StoreError(f"cannot seal bundle {plan.bundle_id}: {exc}") from exc

    def _link_original(self, sha256: str, dest: Path) -> None:
        src = self._original_path(sha256)
        try:
            os.link(src, dest)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EMLINK, errno.EPERM):
                raise
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                got, _ = copy_hashing(src, fd)
                os.fsync(fd)
                os.fchmod(fd, FILE_MODE)
            finally:
                os.close(fd)
            if got != sha256:
                raise StoreError(f"stored original {sha256} hashes {got}") from exc

    # ------------------------------------------------------------ reading a bundle
    def _existing(self, bundle_id: str) -> Path:
        self._check_bundle_id(bundle_id)
        folder = self._bundle_dir(bundle_id)
        if not folder.is_dir():
            raise BundleNotFound(f"no bundle {bundle_id} in {self.location}")
        return folder

    def read_file(self, bundle_id: str, path: str) -> bytes:
        folder = self._existing(bundle_id)
        if path not in bag.TAG_FILES and not bag.safe_path(path):
            raise StoreError(f"{path!r} is not a path inside a bundle")
        try:
            fd = os.open(folder / path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as exc:
            raise StoreError(f"bundle {bundle_id} has no readable {path}: {exc}") from exc
        with open(fd, "rb") as fh:
            return fh.read()

    def _inspect(
        self, bundle_id: str
    ) -> tuple[dict[str, str], Callable[[str], bytes], list[Problem]]:
        folder = self._existing(bundle_id)
        actual: dict[str, str] = {}
        problems: list[Problem] = []
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in filenames + [d for d in dirnames if os.path.islink(f"{dirpath}/{d}")]:
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, folder).replace(os.sep, "/")
                st = os.lstat(full)
                if not stat.S_ISREG(st.st_mode):
                    problems.append(Problem("changed", rel, "not a regular file any more"))
                    continue
                try:
                    actual[rel], _ = hash_file(Path(full))
                except OSError as exc:
                    problems.append(Problem("changed", rel, f"cannot be read: {exc}"))

        def read(path: str) -> bytes:
            return (folder / path).read_bytes()

        return actual, read, problems

    def download(self, bundle_id: str, dest: Path) -> Path:
        folder = self._existing(bundle_id)
        dest = Path(dest)
        shutil.copytree(folder, dest, symlinks=True, copy_function=shutil.copyfile)
        for dirpath, _, _ in os.walk(dest):
            os.chmod(dirpath, 0o755)  # a download is the caller's own, writable copy
        return dest


def _remove_tree(path: Path) -> None:
    """Remove a (possibly read-only) tree; used on staging folders only."""
    if not path.exists():
        return
    for dirpath, dirnames, _ in os.walk(path):
        for d in dirnames:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(dirpath, d), 0o755)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o755)
    shutil.rmtree(path, ignore_errors=True)
