"""Uploads refused cleanly — too large, too many, hostile names, broken bodies — each with a
JSON error and a stable code, and nothing of a refused upload added to the record."""

from __future__ import annotations

import json
import os
import socket

import httpx
import pytest

from tests.service.conftest import SAMPLE, STAGE, TEXT_PDFS
from verifier.evidence import open_store
from verifier.service.uploads import MAX_NAME_BYTES, safe_name


def post(service, escrow, *, role="uploader", **kwargs) -> httpx.Response:
    with service.client(role) as c:
        return c.post(f"/v1/escrows/{escrow}/documents", **kwargs)


def documents(service, escrow):
    return open_store(service.store).documents(escrow, STAGE)


def error_code(r: httpx.Response) -> str:
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]["code"]


def test_a_file_over_the_limit_is_413_and_nothing_is_added(service):
    big = os.urandom(3_000_001)  # the test config's max_file_bytes is 3,000,000
    r = post(service, "ESC-BIG", data={"stage": STAGE},
             files=[("files", ("ok.pdf", (SAMPLE / TEXT_PDFS[4]).read_bytes())),
                    ("files", ("big.bin", big))])
    assert r.status_code == 413 and error_code(r) == "upload.file_too_large"
    assert documents(service, "ESC-BIG") == []
    assert not list((service.state / "uploads").iterdir())  # temp files cleaned


def test_too_many_files_is_413(service):
    files = [("files", (f"f{i}.txt", b"x%d" % i)) for i in range(13)]  # max_files = 12
    r = post(service, "ESC-MANY", data={"stage": STAGE}, files=files)
    assert r.status_code == 413 and error_code(r) == "upload.too_many_files"
    assert documents(service, "ESC-MANY") == []


def test_a_request_declared_over_the_limit_is_refused_before_reading(service):
    # a raw socket: the client declares 12 MB and sends none of it; the answer comes anyway
    with socket.create_connection(("127.0.0.1", service.port), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/escrows/ESC-HUGE/documents HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer test-token-uploader\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 12000001\r\n\r\n--x\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer
    assert json.loads(body)["error"]["code"] == "upload.too_large"


def test_a_streamed_body_over_the_request_limit_is_413(service):
    chunk = b"x" * 1_000_000

    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="stage"\r\n\r\npre-transaction\r\n'
        for i in range(13):  # 13 files of 1 MB, no Content-Length (chunked)
            yield (f'--b\r\nContent-Disposition: form-data; name="files"; filename="f{i}"'
                   '\r\n\r\n').encode()
            yield chunk + b"\r\n"
        yield b"--b--\r\n"

    with service.client("uploader") as c:
        r = c.post("/v1/escrows/ESC-STREAM/documents", content=body(),
                   headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413, r.text
    assert error_code(r) in ("upload.too_large", "upload.too_many_files")
    assert documents(service, "ESC-STREAM") == []


HOSTILE = [
    ("../../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
    ("/abs/path/contract.pdf", "contract.pdf"),
    ("..", None),
    (".hidden.pdf", "hidden.pdf"),
    ("in\x00voice.pdf", "invoice.pdf"),
    ("bell\x07\x1b[31m.pdf", "bell[31m.pdf"),
    ("gpj.\u202eexe.pdf", "gpj.exe.pdf"),
    ("出口许可证.pdf", "出口许可证.pdf"),
    ("a" * 300 + ".pdf", "a" * (MAX_NAME_BYTES - 4) + ".pdf"),
]


@pytest.mark.parametrize(("given", "expected"), HOSTILE)
def test_safe_name(given, expected):
    name = safe_name(given, 7)
    assert name == (expected or "upload-7")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert len(name.encode()) <= MAX_NAME_BYTES and not name.startswith(".")


def test_hostile_names_are_cleaned_and_stored(service):
    # raw multipart, so the names reach the server exactly as a hostile client sends them
    boundary = "hostile"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="stage"\r\n\r\n{STAGE}\r\n'
             .encode()]
    for i, (given, _) in enumerate(HOSTILE):
        quoted = given.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                     f'filename="{quoted}"\r\n\r\n'.encode() + b"content %d\r\n" % i)
    parts.append(f"--{boundary}--\r\n".encode())
    with service.client("uploader") as c:
        r = c.post("/v1/escrows/ESC-HOSTILE/documents", content=b"".join(parts),
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 202, r.text
    names = [f["name"] for f in r.json()["files"]]
    assert len(names) == len(set(names)) == len(HOSTILE)
    for name in names:
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert all(ord(ch) >= 32 for ch in name)
    assert names[0] == "passwd" and names[8] == "出口许可证.pdf"
    assert {d.name for d in documents(service, "ESC-HOSTILE")} == set(names)
    job = service.wait_job(r.json()["job"]["id"])
    # the job ran over every file (unreadable ones reported, never a crash)
    assert job["state"] == "done", job
    assert job["documents"] == len(HOSTILE)


@pytest.mark.parametrize(("kwargs", "status", "code"), [
    ({"json": {"stage": STAGE}}, 415, "upload.media_type"),
    ({"data": {"stage": STAGE}, "files": []}, 415, "upload.media_type"),  # urlencoded
    ({"files": [("files", ("a.pdf", b"%PDF"))]}, 422, "upload.stage"),
    ({"data": {"stage": "post-delivery"}, "files": [("files", ("a.pdf", b"%PDF"))]},
     422, "upload.stage"),
    ({"data": {"stage": STAGE, "x": "1"}, "files": [("files", ("a.pdf", b"%PDF"))]},
     422, "upload.field"),
    ({"data": {"stage": STAGE}, "files": [("file", ("a.pdf", b"%PDF"))]}, 422, "upload.field"),
])
def test_malformed_uploads(service, kwargs, status, code):
    r = post(service, "ESC-BAD", **kwargs)
    assert r.status_code == status, r.text
    assert error_code(r) == code
    assert documents(service, "ESC-BAD") == []


def test_no_files_and_cut_bodies(service):
    with service.client("uploader") as c:
        r = c.post("/v1/escrows/ESC-CUT/documents",
                   content=f'--b\r\nContent-Disposition: form-data; name="stage"\r\n\r\n{STAGE}'
                           '\r\n--b--\r\n'.encode(),
                   headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 422 and error_code(r) == "upload.no_files"
        r = c.post("/v1/escrows/ESC-CUT/documents",
                   content=f'--b\r\nContent-Disposition: form-data; name="stage"\r\n\r\n{STAGE}'
                           '\r\n--b\r\nContent-Disposition: form-data; name="files"; '
                           'filename="a.pdf"\r\n\r\n%PDF-1.7 and then noth'.encode(),
                   headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 400 and error_code(r) == "upload.malformed"
    assert documents(service, "ESC-CUT") == []


def test_rfc5987_file_names_are_read_and_cleaned(service):
    body = (f'--b\r\nContent-Disposition: form-data; name="stage"\r\n\r\n{STAGE}\r\n'
            '--b\r\nContent-Disposition: form-data; name="files"; '
            "filename*=UTF-8''..%2F..%2F%E5%87%BA%E5%8F%A3.pdf\r\n\r\n"
            "bytes\r\n--b--\r\n").encode()
    with service.client("uploader") as c:
        r = c.post("/v1/escrows/ESC-5987/documents", content=body,
                   headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 202, r.text
    assert [f["name"] for f in r.json()["files"]] == ["出口.pdf"]
