"""The evidence store's one interface (``../shared/CONTRACT.md``, Stores; ``briefs/store_api.md``).

:class:`Store` holds everything both stores share: sealing a bundle (building the BagIt tag
files and the Merkle root, :mod:`verifier.evidence.bag`), the hash chain per escrow record,
listing and verifying bundles, proofs, and the escrow record's document set. A concrete store
(:mod:`.local`, :mod:`.s3`) supplies the storage primitives: content-addressed originals, the
atomic write of one bundle, reading a bundle's sealed files, small mutable records.

A bundle's id *is* its Merkle root (64 hex digits): the id alone locates the bundle, and a
manifest rewritten together with its tag manifest no longer reproduces the id it is stored
under. The chain: each bundle's ``bag-info.txt`` names the previous bundle's root
(``Previous-Bundle-Root``), and the root commits to ``bag-info.txt``, so a link cannot be
changed without changing the bundle's identity. The store keeps, per escrow record, the
ordered list of bundle ids it began to seal (written *before* the bundle); an entry whose
bundle never committed (the writer died) is simply not listed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from verifier.evidence import bag, merkle
from verifier.evidence.bag import Problem
from verifier.evidence.merkle import Proof
from verifier.models import BundleRef, Report

ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_META_SEGMENT = re.compile(r"[A-Za-z0-9._-]{1,128}")
ROOT_RE = re.compile(r"[0-9a-f]{64}")


class StoreError(Exception):
    """The store cannot do what was asked (unreachable, refused, bad id, not stored)."""


class BundleNotFound(StoreError):
    """No sealed bundle has this id in the store."""


def check_id(value: str, what: str = "id") -> str:
    """An escrow or bundle id, or :class:`StoreError` (never a path into the store)."""
    if not isinstance(value, str) or not ID_RE.fullmatch(value) or value in (".", ".."):
        raise StoreError(f"{what} must match [A-Za-z0-9._-]{{1,64}}: {value!r}")
    return value


def check_meta_key(key: str) -> str:
    parts = key.split("/") if isinstance(key, str) else [""]
    if len(key) > 1024 or not all(
        _META_SEGMENT.fullmatch(p) and p not in (".", "..") for p in parts
    ):
        raise StoreError(f"meta key must be '/'-separated [A-Za-z0-9._-] segments: {key!r}")
    return key


@dataclass(frozen=True)
class DocumentEntry:
    name: str
    sha256: str
    size: int
    added_at: str


@dataclass(frozen=True)
class BundleInfo:
    id: str
    root_sha256: str
    previous: str | None
    stage: str
    sealed_at: str
    compared_with: str | None
    link_ok: bool
    escrow_id: str = ""
    link_detail: str = ""

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "root_sha256": self.root_sha256,
            "previous": self.previous,
            "stage": self.stage,
            "sealed_at": self.sealed_at,
            "compared_with": self.compared_with,
            "link_ok": self.link_ok,
            "link_detail": self.link_detail or None,
        }


@dataclass(frozen=True)
class Blob:
    """A file of a bundle being sealed: its bag path, its bytes or the original it is."""

    path: str
    sha256: str
    size: int
    data: bytes | None = None  # None: the stored original ``sha256``


@dataclass(frozen=True)
class Plan:
    """Everything one bundle consists of, in the order it is written (manifest last)."""

    bundle_id: str
    escrow_id: str
    files: tuple[Blob, ...]


@functools.cache
def tool_versions() -> dict[str, str]:
    """Versions recorded in every bundle: our own, pyHanko's, Tesseract's."""
    from importlib import metadata

    def dist(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        from extractors.ocr import version

        tesseract = version()
    except Exception as exc:  # noqa: BLE001 - recorded, never fatal
        tesseract = f"unavailable ({type(exc).__name__})"
    return {
        "verifier": dist("escrow-doc-verifier"),
        "pyhanko": dist("pyhanko"),
        "tesseract": tesseract,
    }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Store(ABC):
    """One evidence store (see the module docstring and ``briefs/store_api.md``)."""

    location: str

    # ------------------------------------------------------------ primitives per store
    @abstractmethod
    def ping(self) -> None: ...

    @abstractmethod
    def put_original(self, path: Path) -> str: ...

    @abstractmethod
    def has_original(self, sha256: str) -> bool: ...

    @abstractmethod
    def original_size(self, sha256: str) -> int:
        """Size of a stored original; :class:`StoreError` when it is not stored."""

    @abstractmethod
    def read_original(self, sha256: str) -> bytes: ...

    @abstractmethod
    def copy_original(self, sha256: str, dest: Path) -> None: ...

    @abstractmethod
    def put_meta(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def get_meta(self, key: str) -> bytes | None: ...

    @abstractmethod
    def list_meta(self, prefix: str) -> list[str]: ...

    @abstractmethod
    def _lock(self, escrow_id: str) -> AbstractContextManager: ...

    @abstractmethod
    def _chain(self, escrow_id: str) -> list[tuple[int, str]]:
        """(sequence, bundle id) of every bundle begun for the record, committed or not."""

    @abstractmethod
    def _add_chain(self, escrow_id: str, seq: int, bundle_id: str) -> None: ...

    @abstractmethod
    def _committed(self, bundle_id: str) -> bool: ...

    @abstractmethod
    def _write_bundle(self, plan: Plan) -> None:
        """Write every file of the bundle; it becomes visible whole or not at all."""

    @abstractmethod
    def _inspect(
        self, bundle_id: str
    ) -> tuple[dict[str, str], Callable[[str], bytes], list[Problem]]:
        """Hash every file of a bundle: ``{path: sha256}`` of the files present, a reader of
        their bytes, and problems only the store can see (e.g. later versions on S3)."""

    @abstractmethod
    def read_file(self, bundle_id: str, path: str) -> bytes: ...

    @abstractmethod
    def download(self, bundle_id: str, dest: Path) -> Path:
        """Write the bundle's sealed files to ``dest`` (a new folder): a plain BagIt bag."""

    def bundle_location(self, bundle_id: str) -> str:
        return f"{self.location.rstrip('/')}/bundles/{bundle_id}"

    # ------------------------------------------------------------ document sets
    def add_documents(
        self, escrow_id: str, stage: str, entries: list[tuple[str, str]]
    ) -> list[bool]:
        """Add (name, sha256) pairs to the record's set for ``stage``; True where new.

        The same bytes already in the set (under any name) are not new. Every original must
        already be stored."""
        check_id(escrow_id, "escrow id")
        check_id(stage, "stage")
        key = f"documents/{escrow_id}/{stage}"
        with self._lock(escrow_id):
            current = self._load_documents(key)
            known = {d.sha256 for d in current}
            out = []
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for name, sha in entries:
                size = self.original_size(sha)
                if sha in known:
                    out.append(False)
                    continue
                known.add(sha)
                current.append(DocumentEntry(name, sha, size, now))
                out.append(True)
            data = [d.__dict__ for d in current]
            self.put_meta(key, json.dumps(data, indent=1).encode())
        return out

    def documents(self, escrow_id: str, stage: str) -> list[DocumentEntry]:
        check_id(escrow_id, "escrow id")
        check_id(stage, "stage")
        return self._load_documents(f"documents/{escrow_id}/{stage}")

    def _load_documents(self, key: str) -> list[DocumentEntry]:
        raw = self.get_meta(key)
        return [DocumentEntry(**d) for d in json.loads(raw)] if raw else []

    # ------------------------------------------------------------ sealing
    def seal(
        self,
        escrow_id: str,
        stage: str,
        *,
        originals: list[tuple[str, str]],
        derived: dict[str, bytes],
        report: Report,
        compared_with: str | None = None,
    ) -> BundleRef:
        """Seal one bundle against ``escrow_id``: the stored originals, the derived data and
        the report (its ``bundle`` key dropped), chained to the record's previous bundle."""
        check_id(escrow_id, "escrow id")
        check_id(stage, "stage")
        if compared_with is not None:
            check_id(compared_with, "compared_with")
        if report.bundle is not None:
            report = report.model_copy(update={"bundle": None})
        report_bytes = (report.to_json() + "\n").encode("utf-8")
        blobs: list[Blob] = []
        for name, sha in originals:
            blobs.append(Blob(self._payload_path("originals", name), sha, self.original_size(sha)))
        for name, data in sorted(derived.items()):
            blobs.append(Blob(self._payload_path("derived", name), _sha(data), len(data), data))
        blobs.append(Blob(bag.REPORT, _sha(report_bytes), len(report_bytes), report_bytes))
        paths = [b.path for b in blobs]
        if len(set(paths)) != len(paths):
            raise StoreError("two files of the bundle would have the same path")
        payload = {b.path: b.sha256 for b in blobs}

        with self._lock(escrow_id):
            chain = self._chain(escrow_id)
            listed = [bid for _, bid in chain if self._committed(bid)]
            previous = listed[-1] if listed else None
            now = dt.datetime.now(dt.UTC)
            versions = tool_versions()
            fields = [
                ("Bag-Software-Agent", f"verifier {versions['verifier']}"),
                ("Bagging-Date", now.date().isoformat()),
                ("Payload-Oxum", f"{sum(b.size for b in blobs)}.{len(blobs)}"),
                ("Escrow-Id", escrow_id),
                ("Escrow-Stage", stage),
                ("Sealed-At", now.isoformat(timespec="microseconds")),
                ("Policy-Version", report.policy_version),
                ("Verifier-Version", versions["verifier"]),
                ("PyHanko-Version", versions["pyhanko"]),
                ("Tesseract-Version", versions["tesseract"]),
                ("Previous-Bundle-Root", previous or "none"),
            ]
            if compared_with:
                fields.append(("Compared-With", compared_with))
            fields.append(("Merkle-Root-Algorithm", merkle.ALGORITHM))
            info = bag.bag_info_bytes(fields)
            tags = {bag.BAGIT: _sha(bag.BAGIT_TXT), bag.BAG_INFO: _sha(info)}
            manifest = bag.manifest_bytes(payload)
            tagmanifest = bag.manifest_bytes({**tags, bag.MANIFEST: _sha(manifest)})
            root = merkle.bundle_root(bag.sealed_files(payload, tags))
            if root in {bid for _, bid in chain} or self._committed(root):
                raise StoreError(f"a bundle with root {root} exists already")
            seq = max((s for s, _ in chain), default=0) + 1
            self._add_chain(escrow_id, seq, root)
            files = [
                *blobs,
                Blob(bag.BAGIT, tags[bag.BAGIT], len(bag.BAGIT_TXT), bag.BAGIT_TXT),
                Blob(bag.BAG_INFO, tags[bag.BAG_INFO], len(info), info),
                Blob(bag.TAGMANIFEST, _sha(tagmanifest), len(tagmanifest), tagmanifest),
                Blob(bag.MANIFEST, _sha(manifest), len(manifest), manifest),  # commit marker
            ]
            self._write_bundle(Plan(root, escrow_id, tuple(files)))
        return BundleRef(
            id=root, root_sha256=root, previous=previous, location=self.bundle_location(root)
        )

    @staticmethod
    def _payload_path(folder: str, name: str) -> str:
        path = f"data/{folder}/{name}"
        if not bag.safe_path(path, f"data/{folder}/"):
            raise StoreError(f"{name!r} cannot be a file of the bundle")
        return path

    # ------------------------------------------------------------ listing and checking
    def bundles(self, escrow_id: str) -> list[BundleInfo]:
        """The record's sealed bundles, oldest first, each with whether its link holds."""
        check_id(escrow_id, "escrow id")
        out: list[BundleInfo] = []
        previous_root: str | None = None
        for _, bid in self._chain(escrow_id):
            if not self._committed(bid):
                continue
            try:
                info = bag.parse_bag_info(self.read_file(bid, bag.BAG_INFO))
            except StoreError as exc:
                info, why = {}, f"bag-info.txt cannot be read: {exc}"
            else:
                why = ""
            prev = info.get("Previous-Bundle-Root", "none")
            prev = None if prev == "none" else prev
            if not why:
                if info.get("Escrow-Id") != escrow_id:
                    why = f"bag-info.txt names escrow {info.get('Escrow-Id')!r}"
                elif prev != previous_root:
                    why = (
                        f"names previous root {prev or 'none'}, but the bundle before it in "
                        f"the record is {previous_root or 'none'}"
                    )
            out.append(
                BundleInfo(
                    id=bid,
                    root_sha256=bid,
                    previous=prev,
                    stage=info.get("Escrow-Stage", ""),
                    sealed_at=info.get("Sealed-At", ""),
                    compared_with=info.get("Compared-With"),
                    link_ok=not why,
                    escrow_id=escrow_id,
                    link_detail=why,
                )
            )
            previous_root = bid
        return out

    def verify(self, bundle_id: str) -> list[Problem]:
        """Re-hash every file of the bundle and report every problem at once ([] = intact)."""
        self._check_bundle_id(bundle_id)
        actual, read, store_problems = self._inspect(bundle_id)
        problems, _ = bag.check_bag(bundle_id, actual, read)
        if bag.BAG_INFO in actual:
            problems += self._chain_problems(bundle_id, bag.parse_bag_info(read(bag.BAG_INFO)))
        return _merge(store_problems, problems)

    def _chain_problems(self, bundle_id: str, info: dict[str, str]) -> list[Problem]:
        escrow_id = info.get("Escrow-Id", "")
        if not ID_RE.fullmatch(escrow_id):
            return [Problem("chain", bag.BAG_INFO, f"no valid Escrow-Id: {escrow_id!r}")]
        prev = info.get("Previous-Bundle-Root", "none")
        out = []
        if prev != "none" and not (ROOT_RE.fullmatch(prev) and self._committed(prev)):
            out.append(
                Problem("chain", bag.BAG_INFO, f"the previous bundle {prev} is not in the store")
            )
        listing = self.bundles(escrow_id)
        mine = [b for b in listing if b.id == bundle_id]
        if not mine:
            out.append(
                Problem("chain", bag.BAG_INFO, f"not listed in escrow record {escrow_id}'s chain")
            )
        elif not mine[0].link_ok and not out:
            out.append(Problem("chain", bag.BAG_INFO, mine[0].link_detail))
        return out

    def prove(self, bundle_id: str, path: str) -> Proof:
        """The Merkle inclusion proof of one file of a bundle (see :mod:`.merkle`)."""
        self._check_bundle_id(bundle_id)
        payload, _ = bag.parse_manifest(self.read_file(bundle_id, bag.MANIFEST), bag.MANIFEST)
        tags, _ = bag.parse_manifest(self.read_file(bundle_id, bag.TAGMANIFEST), bag.TAGMANIFEST)
        files = bag.sealed_files(payload, tags)
        if merkle.bundle_root(files) != bundle_id:
            raise StoreError(
                f"bundle {bundle_id}'s manifests do not reproduce its root: run bundle verify"
            )
        if path not in files:
            raise StoreError(f"{path!r} is not a sealed file of bundle {bundle_id}")
        return merkle.prove(bundle_id, files, path)

    def _check_bundle_id(self, bundle_id: str) -> None:
        check_id(bundle_id, "bundle id")
        if not ROOT_RE.fullmatch(bundle_id):
            raise BundleNotFound(f"no bundle {bundle_id} (a bundle id is its 64-hex root)")


def _merge(*groups: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for group in groups:
        for p in group:
            if (p.kind, p.path, p.detail) not in seen:
                seen.add((p.kind, p.path, p.detail))
                out.append(p)
    return out
