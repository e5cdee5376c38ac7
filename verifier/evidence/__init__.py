"""Sealed evidence: BagIt bundles with a Merkle root, chained per escrow record, on a local
folder or on MinIO/S3 (``../shared/CONTRACT.md``, Stores and Bundles; ``briefs/store_api.md``).

``open_store(uri)`` gives the store for a local folder path or an ``s3://BUCKET/PREFIX`` URI.
"""

from __future__ import annotations

from pathlib import Path

from verifier.evidence.bag import Problem
from verifier.evidence.merkle import Proof, verify_proof
from verifier.evidence.store import (
    BundleInfo,
    BundleNotFound,
    DocumentEntry,
    Store,
    StoreError,
)
from verifier.settings import StoreSettings

__all__ = [
    "BundleInfo",
    "BundleNotFound",
    "DocumentEntry",
    "Problem",
    "Proof",
    "Store",
    "StoreError",
    "open_store",
    "verify_proof",
]


def open_store(uri: str | Path, settings: StoreSettings | None = None) -> Store:
    """The store at ``uri``: ``s3://BUCKET/PREFIX`` or a local folder (created if missing).

    Raises :class:`StoreError` when it cannot be opened or created."""
    text = str(uri)
    if not text:
        raise StoreError("no store given")
    if text.startswith("s3://"):
        from verifier.evidence.s3 import S3Store

        return S3Store(text, settings)
    if "://" in text:
        raise StoreError(f"unknown store scheme: {text!r} (a folder path or s3://BUCKET/PREFIX)")
    from verifier.evidence.local import LocalStore

    return LocalStore(Path(text))
