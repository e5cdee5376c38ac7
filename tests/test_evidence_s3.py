"""What the S3 store adds, tested against a real S3-protocol server (moto_server here).

What moto can prove: the bucket gets versioning and object lock; every sealed object carries
a COMPLIANCE retention (read back with ``stat_object``: moto cannot answer
``get_object_retention``); a locked version cannot be deleted; a bundle whose manifest (the
commit marker) was never written is not listed; verification reads the recorded versions.
What it cannot: moto does not enforce COMPLIANCE against shortening the retention, and does
not check ``x-amz-checksum-sha256`` — run the suite against MinIO for those (README).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from minio.error import S3Error

from tests.s3server import new_bucket_uri, s3_endpoint
from verifier.evidence import StoreError, open_store
from verifier.evidence.s3 import S3Store
from verifier.models import Report
from verifier.settings import StoreSettings

ESCROW = "ESC-S3"


@pytest.fixture
def store() -> S3Store:
    s3_endpoint()
    return open_store(new_bucket_uri(), StoreSettings(retention_days=2))


def seal(store, tmp_path, name="a.pdf", data=b"%PDF-1.4 original"):
    src = tmp_path / name
    src.write_bytes(data)
    sha = store.put_original(src)
    report = Report(escrow_id=ESCROW, policy_version="p")
    return store.seal(
        ESCROW, "pre-transaction", originals=[(name, sha)], derived={}, report=report
    ), sha


def test_bucket_has_versioning_and_object_lock(store):
    assert store.client.get_bucket_versioning(store.bucket).status == "Enabled"
    assert store.client.get_object_lock_config(store.bucket) is not None


def test_sealed_objects_carry_compliance_retention(store, tmp_path):
    ref, sha = seal(store, tmp_path)
    versions = json.loads(store._get(store._bundle_prefix(ref.id) + ".versions.json"))
    keys = [(rec["key"], rec["version_id"]) for rec in versions.values()]
    keys.append((store._bundle_prefix(ref.id) + "manifest-sha256.txt", None))
    assert (store._original_key(sha), versions["data/originals/a.pdf"]["version_id"]) in keys
    now = dt.datetime.now(dt.UTC)
    for key, version in keys:
        mode, until = store.retention_of(key, version)
        assert mode == "COMPLIANCE", key
        until = dt.datetime.fromisoformat(until.replace("Z", "+00:00"))
        assert now + dt.timedelta(days=1) < until <= now + dt.timedelta(days=2, minutes=1)


def test_governance_mode_from_settings(tmp_path):
    s3_endpoint()
    store = open_store(new_bucket_uri(), StoreSettings(retention_mode="GOVERNANCE"))
    ref, _ = seal(store, tmp_path)
    mode, _ = store.retention_of(store._bundle_prefix(ref.id) + "bag-info.txt")
    assert mode == "GOVERNANCE"


def test_a_locked_version_cannot_be_deleted(store, tmp_path):
    ref, _ = seal(store, tmp_path)
    key = store._bundle_prefix(ref.id) + "data/report.json"
    version = store.client.stat_object(store.bucket, key).version_id
    with pytest.raises(S3Error):
        store.client.remove_object(store.bucket, key, version_id=version)
    assert store.verify(ref.id) == []


def test_a_bundle_without_its_commit_marker_is_never_listed(store, tmp_path, monkeypatch):
    src = tmp_path / "a.pdf"
    src.write_bytes(b"%PDF-1.4 x")
    sha = store.put_original(src)
    report = Report(escrow_id=ESCROW, policy_version="p")
    real_put = store._put

    def die_at_manifest(key, data, sha256, **kw):
        if key.endswith("/manifest-sha256.txt"):
            raise StoreError("the writer died")
        return real_put(key, data, sha256, **kw)

    monkeypatch.setattr(store, "_put", die_at_manifest)
    with pytest.raises(StoreError):
        store.seal(ESCROW, "pre-transaction", originals=[("a.pdf", sha)], derived={}, report=report)
    monkeypatch.setattr(store, "_put", real_put)
    assert len(store._chain(ESCROW)) == 1  # begun ...
    assert store.bundles(ESCROW) == []  # ... never sealed
    ref = store.seal(
        ESCROW, "pre-transaction", originals=[("a.pdf", sha)], derived={}, report=report
    )
    assert ref.previous is None
    assert [b.id for b in store.bundles(ESCROW)] == [ref.id]
    assert store.verify(ref.id) == []


def test_verification_reads_the_sealed_versions(store, tmp_path):
    """Overwriting a sealed object makes a new version; the sealed bytes stay readable and
    verification both reads them and reports the overwrite."""
    ref, _ = seal(store, tmp_path)
    key = store._bundle_prefix(ref.id) + "data/report.json"
    sealed = store.read_file(ref.id, "data/report.json")
    store.client.put_object(store.bucket, key, io.BytesIO(b"{}"), 2)
    assert store.read_file(ref.id, "data/report.json") == sealed
    problems = store.verify(ref.id)
    assert [(p.kind, p.path) for p in problems] == [("changed", "data/report.json")]
    assert "overwritten after sealing" in problems[0].detail


def test_unreachable_endpoint_is_a_store_error(monkeypatch):
    monkeypatch.setenv("VERIFIER_S3_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(StoreError):
        open_store("s3://unreachable-bucket/x")


@pytest.mark.parametrize("uri", ["s3://", "s3://UPPER/x", "s3://ok-bucket/../x", "ftp://x/y"])
def test_bad_uris(uri):
    with pytest.raises(StoreError):
        open_store(uri)
