"""The photo index kept beside the bundles: the same photo in another escrow record is
``photo.reused`` (issue 4).

Every photo an escrow record shows is one small record under
``photos/<phash>/<escrow_id>/<sha256>`` in the store's meta space (``Store.put_meta``): one
key per (photo, record), written once and never updated, so two uploads at the same time
cannot lose each other's entries (no read-modify-write). Its value is JSON: file name, pHash
and the alignment fingerprint of :mod:`checks.photo_match` (base64), which is what decides;
the pHash only chooses the candidates (those within ``policy.photo_candidate_distance`` bits).

A lookup lists the ``photos/`` keys and compares hashes in memory: one listing per upload,
no value read unless the hash is close. At millions of photos that listing would be split
by hash bands (multi-index hashing); at an escrow service's volume it is not needed.

The same photo in an earlier upload of the *same* escrow record is not reuse (a seller
re-uploading their own photos at the next stage).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Protocol

from checks import photo_match
from checks.photos import PHOTO_TYPES
from extractors.media import hamming
from verifier.models import Document, Finding
from verifier.policy import Policy

PREFIX = "photos/"
_KEY = re.compile(r"photos/([0-9a-f]{16})/([A-Za-z0-9._-]{1,64})/([0-9a-f]{64})")


class MetaStore(Protocol):
    """The part of ``verifier.evidence.Store`` the index uses."""

    def put_meta(self, key: str, data: bytes) -> None: ...
    def get_meta(self, key: str) -> bytes | None: ...
    def list_meta(self, prefix: str) -> list[str]: ...


class MemoryMeta:
    """An in-memory meta store (tests, and a run without a store)."""

    def __init__(self) -> None:
        self.records: dict[str, bytes] = {}

    def put_meta(self, key: str, data: bytes) -> None:
        self.records[key] = bytes(data)

    def get_meta(self, key: str) -> bytes | None:
        return self.records.get(key)

    def list_meta(self, prefix: str) -> list[str]:
        return sorted(k for k in self.records if k.startswith(prefix))


@dataclass(frozen=True)
class IndexMatch:
    escrow_id: str
    file: str
    sha256: str
    distance: int  # pHash Hamming distance to the looked-up photo
    fingerprint: bytes | None = None


class PhotoIndex:
    def __init__(self, store: MetaStore) -> None:
        self.store = store

    @staticmethod
    def key(escrow_id: str, sha256: str, phash: str) -> str:
        return f"{PREFIX}{phash.lower()}/{escrow_id}/{sha256.lower()}"

    def add(
        self,
        escrow_id: str,
        file: str,
        sha256: str,
        phash: str,
        fingerprint: bytes | None = None,
    ) -> None:
        key = self.key(escrow_id, sha256, phash)
        if not _KEY.fullmatch(key):
            raise ValueError(f"not an index key: {key!r}")
        record = {
            "escrow_id": escrow_id,
            "file": file,
            "sha256": sha256.lower(),
            "phash": phash.lower(),
            "added_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "fingerprint": base64.b64encode(fingerprint).decode() if fingerprint else None,
        }
        self.store.put_meta(key, json.dumps(record, sort_keys=True).encode())

    def lookup(self, phash: str, max_distance: int = 32) -> list[IndexMatch]:
        """Indexed photos whose pHash is within ``max_distance`` bits, nearest first."""
        out = []
        for key in self.store.list_meta(PREFIX):
            m = _KEY.fullmatch(key)
            if not m:
                continue
            distance = hamming(m.group(1), phash)
            if distance > max_distance:
                continue
            raw = self.store.get_meta(key)
            record = json.loads(raw) if raw else {}
            fp = record.get("fingerprint")
            out.append(
                IndexMatch(
                    escrow_id=m.group(2),
                    file=str(record.get("file", "")),
                    sha256=m.group(3),
                    distance=distance,
                    fingerprint=base64.b64decode(fp) if fp else None,
                )
            )
        return sorted(out, key=lambda x: (x.distance, x.escrow_id, x.sha256))


def check_reuse(
    documents: list[Document],
    index: PhotoIndex,
    escrow_id: str,
    policy: Policy,
    *,
    register: bool = True,
) -> list[Finding]:
    """``photo.reused`` for each photo of ``documents`` that another escrow record already
    showed; then (``register``) adds this record's photos to the index."""
    photos = [
        d
        for d in documents
        if d.type in PHOTO_TYPES and d.media is not None and d.media.phash and d.sha256
    ]
    out = []
    for doc in photos:
        mine = doc.media._fingerprint
        print_mine = photo_match.Fingerprint.from_bytes(mine) if mine else None
        hits: list[tuple[IndexMatch, str]] = []
        for match in index.lookup(doc.media.phash, policy.photo_candidate_distance):
            if match.escrow_id == escrow_id:
                continue  # this record's own earlier upload
            if match.sha256 == doc.sha256:
                hits.append((match, "the identical file"))
            elif print_mine is not None and match.fingerprint:
                c = photo_match.compare(
                    print_mine, photo_match.Fingerprint.from_bytes(match.fingerprint)
                )
                if c.same(policy.photo_same_min_agreement):
                    hits.append((match, f"the same picture ({c.agreement:.0%} agrees)"))
        if hits:
            where = "; ".join(f"{h.file} in escrow {h.escrow_id}: {how}" for h, how in hits[:5])
            more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
            out.append(
                policy.finding(
                    "photo.reused",
                    f"{doc.file} was already shown in another escrow record ({where}{more})",
                    [doc.file],
                    found=", ".join(sorted({h.escrow_id for h, _ in hits})),
                    basis="other_escrow",
                )
            )
    if register:
        for doc in photos:
            index.add(escrow_id, doc.file, doc.sha256, doc.media.phash, doc.media._fingerprint)
    return out
