"""Streaming SHA-256 for sealing and verification: one read per file, large buffers.

``hashlib`` releases the GIL for updates over 2 KiB and is given memoryview slices of one
reused buffer, so nothing is copied between the read and the hash. Sealing hashes *while*
copying (:func:`copy_hashing`), so an original is read once whether it is stored or checked.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

CHUNK = 4 * 1024 * 1024


def hash_fd(fd: int) -> tuple[str, int]:
    """SHA-256 hex and size of an open file descriptor, read from its current offset."""
    digest = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    size = 0
    with open(fd, "rb", buffering=0, closefd=False) as fh:
        while n := fh.readinto(buf):
            digest.update(view[:n])
            size += n
    return digest.hexdigest(), size


def hash_file(path: Path) -> tuple[str, int]:
    """SHA-256 hex and size of a file (symlinks are not followed)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        with contextlib.suppress(AttributeError, OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        return hash_fd(fd)
    finally:
        os.close(fd)


def copy_hashing(src: Path, dst_fd: int) -> tuple[str, int]:
    """Copy ``src`` into ``dst_fd`` while hashing it; returns SHA-256 hex and size.

    The caller fsyncs and renames; the file is read exactly once.
    """
    digest = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    size = 0
    with open(src, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            chunk = view[:n]
            digest.update(chunk)
            written = 0
            while written < n:
                written += os.write(dst_fd, chunk[written:])
            size += n
    return digest.hexdigest(), size


def read_hashing(src: Path, limit: int) -> tuple[bytes, str]:
    """The bytes of ``src`` (at most ``limit``) and their SHA-256, from one read."""
    digest = hashlib.sha256()
    with open(src, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise ValueError(f"{size} bytes is over the limit of {limit}")
        buf = bytearray(size)
        view = memoryview(buf)
        got = 0
        while got < size and (n := fh.readinto(view[got:])):
            got += n
        if got != size or fh.read(1):
            raise ValueError("the file changed size while it was read")
    digest.update(view)
    return bytes(buf), digest.hexdigest()
