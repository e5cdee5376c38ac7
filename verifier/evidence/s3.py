"""The MinIO/S3 store, through the ``minio`` SDK.

``s3://BUCKET/PREFIX``; endpoint from ``VERIFIER_S3_ENDPOINT`` (``http://127.0.0.1:9000``;
AWS when unset), credentials from ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, region
from ``AWS_REGION`` (``us-east-1``). Layout under the prefix::

    originals/<sha256>                        every original once, locked
    bundles/<root>/<bag path>                 derived data, report, tag files, locked
    bundles/<root>/.versions.json             the version id of every file of the bundle
    bundles/<root>/manifest-sha256.txt        written last: the commit marker
    escrows/<escrow_id>/chain/<seq>-<root>    bundles begun for a record, in order, locked
    meta/<key>                                small mutable records (not locked)

The bucket is created with versioning and object lock when missing (``make_bucket(...,
object_lock=True)`` turns versioning on). Every sealed object is written with a retention
(mode and days from :class:`verifier.settings.StoreSettings`, COMPLIANCE by default), so no
version of it can be deleted or overwritten until the retention ends. A PUT with retention
needs an integrity header: the SDK sends ``Content-MD5`` only over HTTPS, so every object is
sent with ``x-amz-checksum-sha256`` (the SHA-256 we compute anyway) and
``x-amz-sdk-checksum-algorithm`` — passed through ``metadata``, which the SDK forwards as
headers for ``x-amz-*`` names. A server that checks it (MinIO, AWS) thereby proves it stored
the bytes we hashed.

Data objects of a bundle reference the content-addressed originals (``data/originals/<name>``
→ ``originals/<sha256>`` at a recorded version) instead of copying them. The version ids of
everything written are recorded in ``.versions.json``, then the manifest is written last:
a bundle whose writer died before that has no manifest and is never listed as sealed.

Verification reads exactly the recorded versions (the sealed bytes are immutable under object
lock), then looks at the current state: a later version over a sealed object is reported
``changed`` (``manifest`` for the manifests), a delete marker over it ``missing``, any other
key under the bundle ``unexpected``. The manifest's own sealed version is the one of its
versions that reproduces the bundle's root.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import re
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from verifier.evidence import bag, merkle
from verifier.evidence.bag import Problem
from verifier.evidence.hashing import read_hashing
from verifier.evidence.store import (
    ROOT_RE,
    BundleNotFound,
    Plan,
    Store,
    StoreError,
    check_id,
    check_meta_key,
)
from verifier.settings import StoreSettings

VERSIONS = ".versions.json"
MAX_SINGLE_PUT = 5 * 1024**3  # S3's limit for one PUT; larger needs multipart
_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_LOCKS: dict[str, threading.Lock] = {}


def _checksum_headers(sha256_hex: str) -> dict[str, str]:
    b64 = base64.b64encode(bytes.fromhex(sha256_hex)).decode()
    return {"x-amz-checksum-sha256": b64, "x-amz-sdk-checksum-algorithm": "SHA256"}


def _latest(obj) -> bool:
    """``Object.is_latest`` from a version listing: the SDK passes the XML text through."""
    return str(obj.is_latest).lower() == "true"


def parse_uri(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not _BUCKET_RE.fullmatch(parsed.netloc or ""):
        raise StoreError(f"not an s3://BUCKET/PREFIX URI with a valid bucket name: {uri!r}")
    prefix = parsed.path.strip("/")
    if prefix and not all(
        re.fullmatch(r"[A-Za-z0-9._-]+", p) and p not in (".", "..") for p in prefix.split("/")
    ):
        raise StoreError(f"the prefix must be '/'-separated [A-Za-z0-9._-] segments: {uri!r}")
    return parsed.netloc, (prefix + "/" if prefix else "")


def client_from_env():
    """A ``minio.Minio`` client for ``VERIFIER_S3_ENDPOINT`` and the AWS credentials."""
    import urllib3
    from minio import Minio

    endpoint = os.environ.get("VERIFIER_S3_ENDPOINT") or "https://s3.amazonaws.com"
    parsed = urlparse(endpoint if "://" in endpoint else "https://" + endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise StoreError(f"VERIFIER_S3_ENDPOINT is not http(s)://HOST[:PORT]: {endpoint!r}")
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=120),
        maxsize=10,
        retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )
    return Minio(
        parsed.netloc,
        access_key=os.environ.get("AWS_ACCESS_KEY_ID"),
        secret_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        session_token=os.environ.get("AWS_SESSION_TOKEN"),
        secure=parsed.scheme == "https",
        region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        http_client=http,
    )


class S3Store(Store):
    def __init__(self, uri: str, settings: StoreSettings | None = None, client=None) -> None:
        self.bucket, self.prefix = parse_uri(uri)
        self.settings = settings or StoreSettings()
        self.client = client or client_from_env()
        self.location = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        self._ensure_bucket()

    # ------------------------------------------------------------ plumbing
    @contextmanager
    def _errors(self, what: str):
        from minio.error import MinioException

        try:
            yield
        except StoreError:
            raise
        except (MinioException, OSError, ValueError) as exc:
            raise StoreError(f"{what}: {type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # urllib3 errors when the endpoint is unreachable
            if type(exc).__module__.startswith("urllib3"):
                raise StoreError(f"{what}: {type(exc).__name__}: {exc}") from exc
            raise

    def _ensure_bucket(self) -> None:
        from minio.versioningconfig import ENABLED, VersioningConfig

        with self._errors(f"cannot open bucket {self.bucket}"):
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket, object_lock=True)
            if self.client.get_bucket_versioning(self.bucket).status != ENABLED:
                self.client.set_bucket_versioning(self.bucket, VersioningConfig(ENABLED))
            config = self.client.get_object_lock_config(self.bucket)
            del config  # raises when the bucket has no object lock
        # get_object_lock_config raises S3Error (ObjectLockConfigurationNotFoundError) on a
        # bucket created without object lock; it cannot be added afterwards.

    def _retention(self):
        from minio.retention import Retention

        until = dt.datetime.now(dt.UTC) + dt.timedelta(days=self.settings.retention_days)
        return Retention(self.settings.retention_mode, until.replace(microsecond=0))

    def _put(self, key: str, data: bytes, sha256_hex: str, *, lock: bool = True) -> str | None:
        """PUT one object (with retention unless ``lock`` is False); its version id."""
        result = self.client.put_object(
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            metadata=_checksum_headers(sha256_hex),
            retention=self._retention() if lock else None,
            part_size=max(len(data), 5 * 1024 * 1024),
        )
        return result.version_id

    def _get(self, key: str, version_id: str | None = None) -> bytes:
        response = self.client.get_object(self.bucket, key, version_id=version_id)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def _get_hash(self, key: str, version_id: str | None) -> str:
        response = self.client.get_object(self.bucket, key, version_id=version_id)
        digest = hashlib.sha256()
        try:
            for chunk in response.stream(4 * 1024 * 1024):
                digest.update(chunk)
        finally:
            response.close()
            response.release_conn()
        return digest.hexdigest()

    def _exists(self, key: str) -> bool:
        from minio.error import S3Error

        try:
            self.client.stat_object(self.bucket, key)
            return True
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchVersion", "ResourceNotFound", "MethodNotAllowed"):
                return False
            raise

    def _versions(self, prefix: str) -> dict[str, list]:
        """Every version (delete markers included) of every key under ``prefix``."""
        out: dict[str, list] = {}
        for obj in self.client.list_objects(
            self.bucket, prefix=prefix, recursive=True, include_version=True
        ):
            out.setdefault(obj.object_name, []).append(obj)
        return out

    def ping(self) -> None:
        with self._errors(f"store {self.location} is unreachable"):
            if not self.client.bucket_exists(self.bucket):
                raise StoreError(f"bucket {self.bucket} does not exist")

    # ------------------------------------------------------------ originals
    def _original_key(self, sha256: str) -> str:
        if not ROOT_RE.fullmatch(sha256 or ""):
            raise StoreError(f"not a sha256: {sha256!r}")
        return f"{self.prefix}originals/{sha256}"

    def put_original(self, path: Path) -> str:
        try:
            data, sha = read_hashing(Path(path), MAX_SINGLE_PUT)
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot store {path}: {exc}") from exc
        key = self._original_key(sha)
        with self._errors(f"cannot store {path}"):
            if not self._exists(key):
                self._put(key, data, sha)
        return sha

    def has_original(self, sha256: str) -> bool:
        with self._errors(f"cannot look up original {sha256}"):
            return self._exists(self._original_key(sha256))

    def original_size(self, sha256: str) -> int:
        from minio.error import S3Error

        try:
            with self._errors(f"cannot look up original {sha256}"):
                return self.client.stat_object(self.bucket, self._original_key(sha256)).size
        except StoreError as exc:
            if isinstance(exc.__cause__, S3Error):
                raise StoreError(f"original {sha256} is not stored") from exc
            raise

    def _original_version(self, sha256: str) -> str | None:
        """The version of an original that a bundle references: the latest, checked."""
        key = self._original_key(sha256)
        stat = self.client.stat_object(self.bucket, key)
        return stat.version_id

    def read_original(self, sha256: str) -> bytes:
        with self._errors(f"cannot read original {sha256}"):
            data = self._get(self._original_key(sha256))
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"stored original {sha256} does not hash to its name")
        return data

    def copy_original(self, sha256: str, dest: Path) -> None:
        dest = Path(dest)
        tmp = dest.with_name(f".tmp-{uuid.uuid4().hex}")
        try:
            with self._errors(f"cannot read original {sha256}"):
                response = self.client.get_object(self.bucket, self._original_key(sha256))
                digest = hashlib.sha256()
                try:
                    with open(tmp, "wb") as fh:
                        for chunk in response.stream(4 * 1024 * 1024):
                            digest.update(chunk)
                            fh.write(chunk)
                finally:
                    response.close()
                    response.release_conn()
            if digest.hexdigest() != sha256:
                raise StoreError(f"stored original {sha256} does not hash to its name")
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)

    # ------------------------------------------------------------ meta
    def put_meta(self, key: str, data: bytes) -> None:
        full = f"{self.prefix}meta/{check_meta_key(key)}"
        with self._errors(f"cannot write {key}"):
            self._put(full, data, hashlib.sha256(data).hexdigest(), lock=False)

    def get_meta(self, key: str) -> bytes | None:
        full = f"{self.prefix}meta/{check_meta_key(key)}"
        with self._errors(f"cannot read {key}"):
            if not self._exists(full):
                return None
            return self._get(full)

    def list_meta(self, prefix: str) -> list[str]:
        base = f"{self.prefix}meta/"
        with self._errors("cannot list meta records"):
            names = [
                o.object_name[len(base) :]
                for o in self.client.list_objects(self.bucket, prefix=base + prefix, recursive=True)
            ]
        return sorted(names)

    # ------------------------------------------------------------ chain
    @contextmanager
    def _lock(self, escrow_id: str):
        # One writer per record within this process; across processes the sequence entry
        # is checked for existence just before it is written (see _add_chain).
        lock = _LOCKS.setdefault(f"{self.location}/{escrow_id}", threading.Lock())
        with lock:
            yield

    def _chain_prefix(self, escrow_id: str) -> str:
        return f"{self.prefix}escrows/{check_id(escrow_id, 'escrow id')}/chain/"

    def _chain(self, escrow_id: str) -> list[tuple[int, str]]:
        base = self._chain_prefix(escrow_id)
        out = []
        with self._errors(f"cannot list the chain of {escrow_id}"):
            for obj in self.client.list_objects(self.bucket, prefix=base, recursive=True):
                seq, _, bid = obj.object_name[len(base) :].partition("-")
                if seq.isdigit() and ROOT_RE.fullmatch(bid):
                    out.append((int(seq), bid))
        return sorted(out)

    def _add_chain(self, escrow_id: str, seq: int, bundle_id: str) -> None:
        base = self._chain_prefix(escrow_id)
        with self._errors(f"cannot extend the chain of {escrow_id}"):
            taken = list(self.client.list_objects(self.bucket, prefix=f"{base}{seq:08d}-"))
            if taken:
                raise StoreError(f"another writer is sealing bundle {seq} of {escrow_id}")
            self._put(f"{base}{seq:08d}-{bundle_id}", b"", hashlib.sha256(b"").hexdigest())

    def _bundle_prefix(self, bundle_id: str) -> str:
        return f"{self.prefix}bundles/{bundle_id}/"

    def _committed(self, bundle_id: str) -> bool:
        if not ROOT_RE.fullmatch(bundle_id or ""):
            return False
        with self._errors(f"cannot look up bundle {bundle_id}"):
            return self._exists(self._bundle_prefix(bundle_id) + bag.MANIFEST)

    # ------------------------------------------------------------ writing a bundle
    def _write_bundle(self, plan: Plan) -> None:
        base = self._bundle_prefix(plan.bundle_id)
        versions: dict[str, dict] = {}
        with self._errors(f"cannot seal bundle {plan.bundle_id}"):
            *body, manifest = plan.files
            for blob in body:
                if blob.data is None:
                    key = self._original_key(blob.sha256)
                    vid = self._original_version(blob.sha256)
                else:
                    key = base + blob.path
                    vid = self._put(key, blob.data, blob.sha256)
                versions[blob.path] = {
                    "key": key,
                    "version_id": vid,
                    "sha256": blob.sha256,
                    "size": blob.size,
                }
            record = json.dumps(versions, indent=1, sort_keys=True).encode()
            self._put(base + VERSIONS, record, hashlib.sha256(record).hexdigest())
            self._put(base + manifest.path, manifest.data, manifest.sha256)  # commit marker

    # ------------------------------------------------------------ reading a bundle
    def _sealed(self, bundle_id: str) -> tuple[dict[str, dict], dict, dict[str, list], list]:
        """The recorded versions, the sealed manifest version, all versions under the
        bundle, and problems with the version record itself."""
        self._check_bundle_id(bundle_id)
        base = self._bundle_prefix(bundle_id)
        all_versions = self._versions(base)
        manifests = [v for v in all_versions.get(base + bag.MANIFEST, []) if not v.is_delete_marker]
        if not manifests:
            raise BundleNotFound(f"no bundle {bundle_id} in {self.location}")
        problems: list[Problem] = []
        record_versions = [v for v in all_versions.get(base + VERSIONS, [])]
        latest_record = [v for v in record_versions if _latest(v) and not v.is_delete_marker]
        if len(record_versions) > 1:
            problems.append(
                Problem("manifest", VERSIONS, "the version record was overwritten or deleted")
            )
        source = latest_record or [v for v in record_versions if not v.is_delete_marker]
        recorded: dict[str, dict] = {}
        if source:
            recorded = json.loads(self._get(base + VERSIONS, source[0].version_id))
        else:
            problems.append(Problem("manifest", VERSIONS, "the version record is missing"))
        tags: dict[str, str] = {}
        if bag.TAGMANIFEST in recorded:
            try:
                rec = recorded[bag.TAGMANIFEST]
                raw = self._get(rec["key"], rec["version_id"])
                tags, _ = bag.parse_manifest(raw, bag.TAGMANIFEST)
            except Exception:  # noqa: BLE001 - reported by the full check
                tags = {}
        chosen = None
        for v in sorted(manifests, key=lambda v: not _latest(v)):
            payload, _ = bag.parse_manifest(self._get(v.object_name, v.version_id), bag.MANIFEST)
            if merkle.bundle_root(bag.sealed_files(payload, tags)) == bundle_id:
                chosen = v
                break
        chosen = chosen or next((v for v in manifests if _latest(v)), manifests[0])
        sealed = {"key": chosen.object_name, "version_id": chosen.version_id}
        return recorded, sealed, all_versions, problems

    def _where(self, bundle_id: str, path: str) -> dict:
        """Where the sealed version of one file is (key and version id)."""
        from minio.error import S3Error

        if path == bag.MANIFEST:
            return self._sealed(bundle_id)[1]
        self._check_bundle_id(bundle_id)
        try:
            recorded = json.loads(self._get(self._bundle_prefix(bundle_id) + VERSIONS))
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchVersion"):
                raise BundleNotFound(f"no bundle {bundle_id} in {self.location}") from exc
            raise
        if path not in recorded:
            raise StoreError(f"bundle {bundle_id} has no sealed {path}")
        return recorded[path]

    def read_file(self, bundle_id: str, path: str) -> bytes:
        with self._errors(f"cannot read {path} of bundle {bundle_id}"):
            where = self._where(bundle_id, path)
            return self._get(where["key"], where["version_id"])

    def _inspect(
        self, bundle_id: str
    ) -> tuple[dict[str, str], Callable[[str], bytes], list[Problem]]:
        from minio.error import S3Error

        with self._errors(f"cannot verify bundle {bundle_id}"):
            recorded, manifest, all_versions, problems = self._sealed(bundle_id)
            where = {**recorded, bag.MANIFEST: manifest}
            base = self._bundle_prefix(bundle_id)
            actual: dict[str, str] = {}
            cache: dict[str, bytes] = {}
            for path, rec in where.items():
                try:
                    if path in bag.TAG_FILES:
                        cache[path] = self._get(rec["key"], rec["version_id"])
                        actual[path] = hashlib.sha256(cache[path]).hexdigest()
                    else:
                        actual[path] = self._get_hash(rec["key"], rec["version_id"])
                except S3Error as exc:
                    if exc.code not in ("NoSuchKey", "NoSuchVersion"):
                        raise
            # The current state: what a reader of the latest versions would get.
            outside = {rec["key"] for rec in recorded.values() if not rec["key"].startswith(base)}
            current = dict(all_versions)
            for key in sorted(outside):
                current.update(self._versions(key))
            by_key = {rec["key"]: (path, rec) for path, rec in where.items()}
            for key, versions in sorted(current.items()):
                latest = next((v for v in versions if _latest(v)), None)
                if key == base + VERSIONS or latest is None:
                    continue
                if key not in by_key:
                    if key.startswith(base) and not latest.is_delete_marker:
                        problems.append(
                            Problem("unexpected", key[len(base) :], "added after sealing")
                        )
                    continue
                path, rec = by_key[key]
                kind = "manifest" if path in (bag.MANIFEST, bag.TAGMANIFEST) else None
                if latest.is_delete_marker:
                    problems.append(
                        Problem(
                            kind or "missing",
                            path,
                            f"deleted after sealing (a delete marker hides sealed version "
                            f"{rec['version_id']})",
                        )
                    )
                elif latest.version_id != rec["version_id"]:
                    problems.append(
                        Problem(
                            kind or "changed",
                            path,
                            f"overwritten after sealing: the latest version {latest.version_id} "
                            f"is not the sealed version {rec['version_id']}",
                        )
                    )

        def read(path: str) -> bytes:
            if path in cache:
                return cache[path]
            rec = where[path]
            with self._errors(f"cannot read {path} of bundle {bundle_id}"):
                return self._get(rec["key"], rec["version_id"])

        return actual, read, problems

    def download(self, bundle_id: str, dest: Path) -> Path:
        dest = Path(dest)
        with self._errors(f"cannot download bundle {bundle_id}"):
            recorded, manifest, _, _ = self._sealed(bundle_id)
            for path, rec in {**recorded, bag.MANIFEST: manifest}.items():
                if path not in bag.TAG_FILES and not bag.safe_path(path):
                    raise StoreError(f"bundle {bundle_id} records an unsafe path {path!r}")
                target = dest / path
                target.parent.mkdir(parents=True, exist_ok=True)
                self.client.fget_object(
                    self.bucket, rec["key"], str(target), version_id=rec["version_id"]
                )
        return dest

    def retention_of(self, key: str, version_id: str | None = None) -> tuple[str | None, ...]:
        """(mode, retain-until) of an object version, from its headers (``stat_object``)."""
        with self._errors(f"cannot stat {key}"):
            meta = self.client.stat_object(self.bucket, key, version_id=version_id).metadata
        return meta.get("x-amz-object-lock-mode"), meta.get("x-amz-object-lock-retain-until-date")
