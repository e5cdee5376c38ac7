"""Receiving an upload: ``multipart/form-data`` streamed to disk part by part.

Starlette's form parser (behind FastAPI's ``UploadFile``) spools each file in memory up to
1 MB and then to an anonymous temp file, with no limit on a file's size: a 50 GB part would
be written to disk in full before the endpoint could refuse it. So the request body is fed
chunk by chunk to python-multipart's streaming ``MultipartParser`` here, each file part goes
straight into a temp file of ours (named by us, never by the client) while its SHA-256 is
computed, and the per-file, per-request and file-count limits are enforced as the bytes
arrive. Past a limit the rest of the body is read and discarded (up to the request limit) so
the client gets a clean 413 instead of a reset connection.

File names from the client are hostile until cleaned (:func:`safe_name`): only the last path
segment is kept, NUL, control and format characters (bidi overrides) are removed, leading
dots go (no ``..``, no hidden files), and the name is cut to 200 bytes keeping its extension.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.requests import ClientDisconnect, Request

from verifier.service.errors import ApiError

FILE_FIELD = "files"
TEXT_FIELDS = ("stage", "destination")
MAX_TEXT_FIELD = 4096
MAX_NAME_BYTES = 200


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    max_files: int
    max_request_bytes: int


@dataclass
class ReceivedFile:
    name: str  # cleaned, unique within the request
    path: Path  # our temp file
    size: int
    sha256: str
    renamed: bool  # the client's name was changed by cleaning


@dataclass
class Received:
    files: list[ReceivedFile] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


def safe_name(raw: str, index: int) -> str:
    """A file name safe to write inside a folder, as close to ``raw`` as that allows.

    >>> safe_name("../../etc/passwd", 1)
    'passwd'
    >>> safe_name("C:\\\\docs\\\\contract.pdf", 1)
    'contract.pdf'
    >>> safe_name("..", 3)
    'upload-3'
    >>> safe_name("inv\\u202eoice\\x00.pdf", 1)
    'invoice.pdf'
    """
    name = unicodedata.normalize("NFC", raw)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").rstrip(". ").strip()
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        if not dot or len(ext) > 16 or not stem:
            stem, ext = name, ""
        budget = MAX_NAME_BYTES - len(ext.encode("utf-8")) - (1 if ext else 0)
        stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(". ")
        name = f"{stem}.{ext}" if ext else stem
    return name or f"upload-{index}"


_EXTENDED = re.compile(rb"filename\*\s*=\s*([^;]+)", re.IGNORECASE)


def _extended_filename(header: bytes) -> bytes | None:
    """``filename*=UTF-8''…`` (RFC 5987), which python-multipart's parser drops."""
    m = _EXTENDED.search(header)
    if not m:
        return None
    charset, _, rest = m.group(1).strip().strip(b'"').partition(b"'")
    _, _, value = rest.partition(b"'")
    try:
        return urllib.parse.unquote_to_bytes(value).decode(
            charset.decode("ascii", "replace") or "utf-8", "replace").encode("utf-8")
    except LookupError:  # an unknown charset name
        return urllib.parse.unquote_to_bytes(value)


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
        if candidate not in taken:
            return candidate
        n += 1


class _Receiver:
    """python-multipart callbacks writing each part where it belongs, within the limits."""

    def __init__(self, folder: Path, limits: UploadLimits) -> None:
        self.folder, self.limits = folder, limits
        self.result = Received()
        self.error: ApiError | None = None
        self._names: set[str] = set()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._file = None
        self._text: bytearray | None = None
        self._part: dict = {}

    # headers of one part
    def on_part_begin(self) -> None:
        self._headers = {}
        self._part = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._header_field).decode("latin-1").lower()] = bytes(
            self._header_value
        )
        self._header_field.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        if self.error:
            return
        raw = self._headers.get("content-disposition", b"")
        _, params = parse_options_header(raw)
        name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename") or _extended_filename(raw)
        if name == FILE_FIELD:
            self._start_file(filename)
        elif name in TEXT_FIELDS and filename is None:
            if name in self.result.fields:
                self.error = ApiError(422, "upload.field", f"form field {name!r} given twice")
            self._part = {"text": name}
            self._text = bytearray()
        else:
            self.error = ApiError(
                422,
                "upload.field",
                f"unexpected form field {name[:64]!r}: send files as {FILE_FIELD!r}, "
                f"and the fields {', '.join(TEXT_FIELDS)}",
            )

    def _start_file(self, filename: bytes | None) -> None:
        index = len(self.result.files) + 1
        if index > self.limits.max_files:
            self.error = ApiError(
                413, "upload.too_many_files", f"at most {self.limits.max_files} files per upload"
            )
            return
        given = (filename or b"").decode("utf-8", "replace")
        name = _unique(safe_name(given, index), self._names)
        self._names.add(name)
        path = self.folder / f"part-{index:04d}"
        self._file = open(path, "wb")  # noqa: SIM115 - closed in on_part_end or abort()
        self._part = {"name": name, "path": path, "size": 0, "sha": hashlib.sha256(),
                      "renamed": name != given}

    # data of one part
    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.error:
            return
        chunk = data[start:end]
        if self._file is not None:
            self._part["size"] += len(chunk)
            if self._part["size"] > self.limits.max_file_bytes:
                self.error = ApiError(
                    413,
                    "upload.file_too_large",
                    f"{self._part['name']} is over the {self.limits.max_file_bytes}-byte limit",
                )
                return
            self._file.write(chunk)
            self._part["sha"].update(chunk)
        elif self._text is not None:
            self._text += chunk
            if len(self._text) > MAX_TEXT_FIELD:
                self.error = ApiError(422, "upload.field", "a form field is too long")

    def on_part_end(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            if not self.error:
                p = self._part
                self.result.files.append(
                    ReceivedFile(p["name"], p["path"], p["size"], p["sha"].hexdigest(),
                                 p["renamed"])
                )
        elif self._text is not None:
            if not self.error:
                try:
                    value = bytes(self._text).decode("utf-8")
                except UnicodeDecodeError:
                    self.error = ApiError(422, "upload.field", "form fields must be UTF-8")
                else:
                    self.result.fields[self._part["text"]] = value
            self._text = None

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }


async def receive(request: Request, folder: Path, limits: UploadLimits) -> Received:
    """Stream the request's multipart body into ``folder``; ApiError when it is refused."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise ApiError(415, "upload.media_type", "send multipart/form-data with a boundary")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_request_bytes:
        raise ApiError(
            413, "upload.too_large", f"the upload is over the {limits.max_request_bytes}-byte limit"
        )
    os.makedirs(folder, exist_ok=True)
    rx = _Receiver(folder, limits)
    try:
        parser = MultipartParser(boundary, rx.callbacks())
    except Exception as exc:  # noqa: BLE001 - an absurd boundary is the client's error
        raise ApiError(400, "upload.malformed", "unusable multipart boundary") from exc
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > limits.max_request_bytes:
                rx.error = rx.error or ApiError(
                    413, "upload.too_large",
                    f"the upload is over the {limits.max_request_bytes}-byte limit",
                )
                break
            if rx.error:
                continue  # drain the rest so the client reads a clean answer
            try:
                parser.write(chunk)
            except MultipartParseError as exc:
                rx.error = ApiError(400, "upload.malformed", f"malformed multipart body: {exc}")
        # python-multipart's finalize() does not check the closing boundary: check it here,
        # so a body cut short is refused instead of storing a truncated file.
        if not rx.error and parser.state != MultipartState.END:
            rx.error = ApiError(400, "upload.malformed", "the multipart body ended early")
    except ClientDisconnect as exc:
        rx.abort()
        raise ApiError(400, "upload.incomplete", "the client went away mid-upload") from exc
    finally:
        rx.abort()
    if rx.error:
        raise rx.error
    return rx.result
