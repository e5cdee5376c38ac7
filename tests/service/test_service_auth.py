"""Who may do what: every endpoint against every role, no token, an unknown token and tokens
scoped to another escrow record (CONTRACT.md, HTTP service: the role table)."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.service.conftest import ROLES, STAGE, TEXT_PDFS, files_part
from verifier.service.auth import TokenBook, TokensFileError, parse_tokens

NO_BUNDLE = "0" * 64
ESCROW = "ESC-AUTH"

# (name, method, path, roles allowed): the contract's table
ENDPOINTS = [
    ("upload", "POST", f"/v1/escrows/{ESCROW}/documents", {"uploader", "admin"}),
    ("job", "GET", "/v1/jobs/{job}", set(ROLES)),
    ("report", "GET", f"/v1/escrows/{ESCROW}/report", set(ROLES)),
    ("bundles", "GET", f"/v1/escrows/{ESCROW}/bundles", {"inspector", "adjudicator", "admin"}),
    ("verify", "POST", "/v1/bundles/{bundle}/verify", {"inspector", "adjudicator", "admin"}),
    ("claims", "POST", "/v1/claims", {"adjudicator", "admin"}),
    ("metrics", "GET", "/metrics", {"admin"}),
    ("openapi", "GET", "/openapi.json", set(ROLES)),
]


@pytest.fixture(scope="module")
def sealed(service):
    """One sealed bundle and its job for ESCROW, made by the uploader."""
    r = service.upload(ESCROW, TEXT_PDFS[4])
    assert r.status_code == 202, r.text
    job = service.wait_job(r.json()["job"]["id"])
    assert job["state"] == "done", job
    return {"job": job["id"], "bundle": job["bundle"]["id"]}


def call(service, role, method, path, sealed):
    path = path.format(job=sealed["job"], bundle=sealed["bundle"])
    kwargs = {}
    if path.endswith("/documents"):
        kwargs = {"data": {"stage": STAGE}, "files": files_part(TEXT_PDFS[4])}
    elif path == "/v1/claims":
        kwargs = {"json": {"escrow_id": ESCROW}}
    with service.client(role) as c:
        return c.request(method, path, **kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "path", "allowed"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_role_table(service, sealed, role, name, method, path, allowed):
    r = call(service, role, method, path, sealed)
    if role in allowed:
        assert r.status_code not in (401, 403), (name, role, r.text)
        assert r.status_code < 500 or r.status_code == 501, r.text
    else:
        assert r.status_code == 403, (name, role, r.text)
        assert r.json()["error"]["code"] == "auth.forbidden"


@pytest.mark.parametrize(
    ("name", "method", "path", "allowed"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
@pytest.mark.parametrize(
    "header", [None, "Bearer not-a-known-token", "Basic dXNlcjpwYXNz", "Bearer"]
)
def test_no_or_unknown_token_is_401(service, sealed, name, method, path, allowed, header):
    path = path.format(job=sealed["job"], bundle=sealed["bundle"])
    headers = {"Authorization": header} if header else {}
    with service.client() as c:
        r = c.request(method, path, headers=headers)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] in ("auth.required", "auth.unknown_token")
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("name", "method", "path"),
    [
        ("upload", "POST", f"/v1/escrows/{ESCROW}/documents"),
        ("job", "GET", "/v1/jobs/{job}"),
        ("report", "GET", f"/v1/escrows/{ESCROW}/report"),
        ("bundles", "GET", f"/v1/escrows/{ESCROW}/bundles"),
        ("verify", "POST", "/v1/bundles/{bundle}/verify"),
        ("claims", "POST", "/v1/claims"),
    ],
)
def test_scoped_token_outside_its_records_is_403(service, sealed, name, method, path):
    role = {"upload": "uploader", "job": "uploader", "report": "inspector"}.get(name, "admin")
    r = call(service, f"{role}-scoped", method, path, sealed)
    assert r.status_code == 403, (name, r.text)
    assert r.json()["error"]["code"] == "auth.out_of_scope"


def test_scoped_token_inside_its_record(service):
    r = service.upload("ESC-SCOPED", TEXT_PDFS[3], role="uploader-scoped")
    assert r.status_code == 202, r.text
    job = service.wait_job(r.json()["job"]["id"], role="uploader-scoped")
    assert job["state"] == "done", job
    with service.client("inspector-scoped") as c:
        assert c.get("/v1/escrows/ESC-SCOPED/report").status_code == 200
        assert c.get("/v1/escrows/ESC-SCOPED/bundles").status_code == 200
        v = c.post(f"/v1/bundles/{job['bundle']['id']}/verify")
        assert v.status_code == 200 and v.json()["intact"] is True


def test_health_and_readiness_need_no_token(service):
    with service.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        ready = c.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {
            "store": "ok",
            "jobs": "ok",
            "workers": "ok",
            "tesseract": "ok",
        }
        assert c.get("/docs").status_code == 404  # no unauthenticated docs pages


def test_ids_are_validated(service):
    with service.client("admin") as c:
        for path in (
            "/v1/escrows/" + "a" * 65 + "/report",
            "/v1/escrows/a%20b/bundles",
            "/v1/jobs/%2E%2E%2Fetc",
            "/v1/escrows/..../report",
        ):
            r = c.get(path)
            assert r.status_code in (404, 422), (path, r.text)
            assert r.json()["error"]["code"] in ("request.invalid", "id.invalid", "not_found")
        r = c.get("/v1/escrows/.../report")
        assert r.status_code == 422 and r.json()["error"]["code"] == "id.invalid"
        r = c.post("/v1/bundles/" + "z" * 64 + "/verify")
        assert r.status_code == 404 and r.json()["error"]["code"] == "bundle.not_found"


def test_request_id_in_and_out(service):
    with service.client("admin") as c:
        r = c.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert r.headers["x-request-id"] == "abc-123"
        r = c.get("/healthz", headers={"X-Request-ID": "bad id\twith junk"})
        assert (
            r.headers["x-request-id"] != "bad id\twith junk"
            and len(r.headers["x-request-id"]) == 32
        )
    lines = [json.loads(x) for x in service.log.read_text().splitlines() if x.startswith("{")]
    assert any(x.get("request_id") == "abc-123" and x.get("path") == "/healthz" for x in lines)


# ---------------------------------------------------------------- the tokens file itself


def test_tokens_file_holds_hashes_and_is_checked(tmp_path):
    good = hashlib.sha256(b"t").hexdigest()
    assert parse_tokens([{"token_sha256": good, "role": "admin"}])[0].role == "admin"
    for bad in (
        {"token_sha256": "t", "role": "admin"},
        {"token_sha256": good, "role": "root"},
        {"token_sha256": good, "role": "admin", "escrows": ["../x"]},
        {"token": "t", "role": "admin"},
    ):
        with pytest.raises(TokensFileError):
            parse_tokens([bad])
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps([{"token_sha256": good, "role": "inspector"}]))
    book = TokenBook(path)
    assert book.authenticate("Bearer t").role == "inspector"
    # rotation: the file changes on disk, the next request sees it
    path.write_text(json.dumps([{"token_sha256": good, "role": "admin", "escrows": ["E1"]}]))
    who = book.authenticate("Bearer t")
    assert who.role == "admin" and who.escrows == {"E1"}
