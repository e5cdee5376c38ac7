"""Intake: the first thing that touches an uploaded file, and the only one that trusts nothing.

For every file of an escrow transaction's folder intake records what it *is* (not what its
name claims), hashes the exact bytes, and decides whether the later stages may parse it. Each
problem becomes a per-document error or warning with a contract finding code
(``document.unreadable``, ``document.encrypted``, ``document.limit``,
``document.type_mismatch``; ``document.duplicate`` from :func:`duplicates`);
:func:`inspect_file` never raises, so one hostile file cannot take the run down
(``../shared/DESIGN.md``, Non-negotiables).

What it enforces, and why:

* **Nothing silently skipped.** :func:`scan_folder` lists every file under the folder,
  recursively, in one stable order (the relative path's bytes), including hidden files such as
  ``.DS_Store`` (kind ``other``: they were uploaded, so they are hashed and stored, but never
  parsed). A sub-folder that cannot be listed is an error item, not a gap.
* **Hash first.** The sha256 is computed streaming over the exact bytes *before* any parser
  sees them, and the parsers get those very bytes (read once), so what is checked is what is
  hashed, even if the file changes on disk meanwhile.
* **Real types.** The media type comes from the magic bytes (libmagic), never from the
  extension; an extension that disagrees is a ``document.type_mismatch`` warning and the file is
  processed as what it really is. Content that is no supported document (ZIP, DOCX, EXE, text)
  is an error.
* **Symlinks.** Links are never followed out of the folder (a link to ``/etc/passwd`` or to
  another client's upload is an error item, not its content); a link to a file inside the
  folder is read as that file; links to folders are not followed, so link loops cannot hang the
  walk, and a looping or dangling link is an error item.
* **Special files.** FIFOs, sockets and devices are reported from ``lstat`` without ever being
  opened (opening a FIFO for reading blocks until a writer appears); files are opened with
  ``O_NONBLOCK | O_NOFOLLOW`` and re-checked with ``fstat`` in case one was swapped in after
  the listing.
* **Limits** (:class:`verifier.settings.Limits`). A file over ``max_file_bytes`` is hashed
  streaming but never held whole or parsed. A PDF over ``max_pages`` or with a page over
  ``max_page_points`` on a side is refused before anything renders it (a 20000 pt page at
  300 dpi is a 83333-pixel-square raster). An image whose header claims more than ``max_pixels``
  is a **decompression bomb** candidate: a 50 KB PNG can claim 60000 x 60000 pixels (3.6 G px,
  10 GB decoded). The header is read lazily and checked locally; Pillow's own
  ``DecompressionBombError`` becomes the same ``document.limit``, and neither Pillow's global
  ``MAX_IMAGE_PIXELS`` nor ``ImageFile.LOAD_TRUNCATED_IMAGES`` is touched. Only an image
  within the limit is fully decoded, to prove it is not truncated or corrupt.
* **Encryption.** A PDF that needs a password is ``document.encrypted``; one encrypted with an
  empty user password opens and is only warned about.
* **Display-safe names.** ``IntakeItem.name`` escapes control characters, non-UTF-8 bytes and
  bidi overrides, so a hostile file name cannot forge terminal output or a report line.

Nothing here renders, OCRs or stores; it only decides what the later stages may safely do.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import re
import stat
import struct
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

import magic
import pymupdf
from PIL import Image, ImageFile, UnidentifiedImageError

from verifier.settings import Limits

Kind = Literal["pdf", "image", "video", "other"]

# PyMuPDF prints MuPDF's complaints about damaged files ("MuPDF error: syntax error ...") to
# *stdout* by default, which would corrupt `verifier check --format json`. Route them to the
# "pymupdf" logger (stderr by default) unless the operator chose a destination already.
if not os.environ.get("PYMUPDF_MESSAGE"):
    pymupdf.set_messages(pylogging=True, pylogging_name="pymupdf", pylogging_level=logging.WARNING)

UNREADABLE = "document.unreadable"
ENCRYPTED = "document.encrypted"
LIMIT = "document.limit"
TYPE_MISMATCH = "document.type_mismatch"
DUPLICATE = "document.duplicate"

HEAD_BYTES = 8192  # what libmagic sees
_CHUNK = 1024 * 1024

# Pillow decoder for each image type it may open; nothing else is offered to Pillow, so a file
# sniffed as PNG is never handed to some obscure plugin that happens to accept it.
_PIL_FORMATS: dict[str, str] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "image/webp": "WEBP",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/x-ms-bmp": "BMP",
}
# Photos that are accepted as images but cannot be decoded here (no pillow-heif installed).
_UNDECODABLE_IMAGES = frozenset({"image/heic", "image/heif", "image/avif"})

# Extension -> family. Two media types of one family never warrant a type-mismatch warning
# (an iPhone .mov that libmagic calls video/mp4 is fine); an extension not listed says nothing.
_FAMILY_OF_TYPE: dict[str, str] = {
    "application/pdf": "pdf",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/tiff": "tiff",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/x-ms-bmp": "bmp",
    "image/heic": "heif",
    "image/heif": "heif",
    "image/avif": "heif",
    "video/mp4": "isobmff",
    "video/quicktime": "isobmff",
    "video/x-m4v": "isobmff",
    "video/3gpp": "isobmff",
    "video/webm": "matroska",
    "video/x-matroska": "matroska",
    "application/zip": "zip",
    "application/x-dosexec": "exe",
    "text/plain": "text",
}
_FAMILY_OF_EXT: dict[str, str] = {
    ".pdf": "pdf",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".jfif": "jpeg",
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".webp": "webp",
    ".gif": "gif",
    ".bmp": "bmp",
    ".heic": "heif",
    ".heif": "heif",
    ".avif": "heif",
    ".mp4": "isobmff",
    ".m4v": "isobmff",
    ".mov": "isobmff",
    ".3gp": "isobmff",
    ".webm": "matroska",
    ".mkv": "matroska",
    ".zip": "zip",
    ".docx": "zip",
    ".xlsx": "zip",
    ".pptx": "zip",
    ".odt": "zip",
    ".ods": "zip",
    ".exe": "exe",
    ".dll": "exe",
    ".txt": "text",
    ".csv": "text",
    ".doc": "msoffice",
    ".xls": "msoffice",
    ".ppt": "msoffice",
    ".rar": "rar",
    ".7z": "7z",
    ".gz": "gzip",
    ".tgz": "gzip",
}
_HIDDEN_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "__macosx"})

# Escaped in display names: C0 and C1 controls, DEL, the backslash itself (so an escape cannot
# be forged by a name that contains one literally), line/paragraph separators, and every bidi
# formatting character (LRM, RLM, ALM, embeddings/overrides U+202A-E, isolates U+2066-9).
_UNSAFE = re.compile(
    "[\\\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udcff]"
)
_SHORT_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Messages (which may quote a parser's complaint about hostile bytes) get the same treatment
# except for the backslash, so an already escaped name inside a message is not doubled.
_UNSAFE_IN_TEXT = re.compile(_UNSAFE.pattern.replace("\\\\", "", 1))


class Notice(NamedTuple):
    """A non-fatal observation: a contract finding code and a human message."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class IntakeItem:
    """One file of the folder as intake found it.

    ``sha256`` is None only when no byte of the file was read: a special file, a symlink
    leaving the folder or a broken one, a sub-folder that cannot be listed, a file that
    cannot be opened. Everything else, including over-limit and unsupported files, is hashed.
    """

    path: Path  # absolute; for a symlink, the link itself
    name: str  # relative path, '/'-separated, display-safe (see display_name)
    sha256: str | None
    size: int
    media_type: str | None
    kind: Kind
    pages: int = 0  # PDF pages, TIFF frames, 1 for other images, 0 otherwise
    pixels: int | None = None  # width x height (largest frame) from the header, images only
    width: int | None = None
    height: int | None = None
    error_code: str | None = None
    error: str | None = None
    warnings: tuple[Notice, ...] = ()
    hidden: bool = False  # .DS_Store, Thumbs.db, __MACOSX/...: kept and hashed, never parsed

    @property
    def ok(self) -> bool:
        return self.error_code is None


def display_name(name: str | bytes) -> str:
    """``name`` with everything that could forge terminal or report output escaped visibly.

    Non-UTF-8 bytes become ``\\xNN``, control characters ``\\n``/``\\x1b``, bidi overrides
    ``\\u202e``, and a literal backslash ``\\\\``, so distinct names stay distinct.
    """
    return _UNSAFE.sub(_escape, os.fsencode(name).decode("utf-8", "surrogateescape"))


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, smuggled by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _safe_text(text: str) -> str:
    return _UNSAFE_IN_TEXT.sub(_escape, text)


def scan_folder(root: Path, limits: Limits) -> list[IntakeItem]:
    """Inspect every file under ``root``, recursively, ordered by the relative path's bytes.

    Symlinks to folders are not descended into (they become error items via
    :func:`inspect_file`), so the walk always terminates. Raises only when ``root`` itself is
    not a readable folder.
    """
    root_abs = Path(os.path.abspath(root))
    if not root_abs.is_dir():
        raise NotADirectoryError(f"not a folder: {root}")
    found: list[tuple[bytes, Path | IntakeItem]] = []
    stack = [root_abs]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            if folder == root_abs:
                raise
            rel = _rel(folder, root_abs)
            found.append(
                (
                    _sort_key(rel),
                    _failed(
                        folder,
                        rel,
                        f"folder cannot be listed: {type(exc).__name__}: {exc.strerror}",
                    ),
                )
            )
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False  # inspect_file will say what it is
            if is_dir:
                stack.append(path)
            else:
                found.append((_sort_key(_rel(path, root_abs)), path))
    found.sort(key=lambda pair: pair[0])
    return [
        obj if isinstance(obj, IntakeItem) else inspect_file(obj, root_abs, limits)
        for _, obj in found
    ]


def inspect_file(path: Path, root: Path, limits: Limits) -> IntakeItem:
    """Hash, sniff and check one file; never raises (an unexpected failure is an error item).

    ``path`` is absolute or relative to ``root``; ``root`` only names the folder that
    symlinks must stay inside and that the display name is relative to.
    """
    root_abs = Path(os.path.abspath(root))
    abs_path = Path(os.path.abspath(path if Path(path).is_absolute() else root_abs / path))
    try:
        rel = _rel(abs_path, root_abs)
    except Exception:  # pragma: no cover - relpath only fails on odd platforms
        rel = os.fspath(abs_path)
    draft = _Draft(path=abs_path, name=display_name(rel), hidden=_is_hidden(rel))
    try:
        _inspect(draft, abs_path, rel, root_abs, limits)
    except Exception as exc:  # the contract: a bad file never takes the run down
        draft.fail(UNREADABLE, f"unexpected error during intake: {type(exc).__name__}: {exc}")
    return draft.freeze()


def duplicates(items: Iterable[IntakeItem]) -> list[list[IntakeItem]]:
    """Groups (two or more) of items with identical bytes, in scan order.

    Empty files (already ``document.unreadable``) and items that could not be hashed are left
    out: sharing the empty hash, or no hash, says nothing about the documents.
    """
    groups: dict[str, list[IntakeItem]] = {}
    for item in items:
        if item.sha256 is not None and item.size > 0:
            groups.setdefault(item.sha256, []).append(item)
    return [group for group in groups.values() if len(group) > 1]


# --- internals ------------------------------------------------------------------------------


@dataclass
class _Draft:
    path: Path
    name: str
    hidden: bool
    sha256: str | None = None
    size: int = 0
    media_type: str | None = None
    kind: Kind = "other"
    pages: int = 0
    pixels: int | None = None
    width: int | None = None
    height: int | None = None
    error_code: str | None = None
    error: str | None = None
    warnings: list[Notice] = field(default_factory=list)

    def fail(self, code: str, message: str) -> None:
        if self.error_code is None:  # the first error is the one that stopped intake
            self.error_code, self.error = code, message

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(Notice(code, message))

    def freeze(self) -> IntakeItem:
        return IntakeItem(
            path=self.path,
            name=self.name,
            sha256=self.sha256,
            size=self.size,
            media_type=self.media_type,
            kind=self.kind,
            pages=self.pages,
            pixels=self.pixels,
            width=self.width,
            height=self.height,
            error_code=self.error_code,
            error=None if self.error is None else _safe_text(self.error),
            warnings=tuple(Notice(w.code, _safe_text(w.message)) for w in self.warnings),
            hidden=self.hidden,
        )


def _rel(path: Path, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _sort_key(rel: str) -> bytes:
    return os.fsencode(rel)


def _failed(path: Path, rel: str, message: str) -> IntakeItem:
    return IntakeItem(
        path=path,
        name=display_name(rel),
        sha256=None,
        size=0,
        media_type=None,
        kind="other",
        error_code=UNREADABLE,
        error=message,
        hidden=_is_hidden(rel),
    )


def _is_hidden(rel: str) -> bool:
    return any(
        (part.startswith(".") and part not in (".", "..")) or part.lower() in _HIDDEN_NAMES
        for part in rel.split("/")
    )


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives
        return False


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _inspect(d: _Draft, path: Path, rel: str, root: Path, limits: Limits) -> None:
    if rel == ".." or rel.startswith("../"):
        d.fail(UNREADABLE, "file is outside the folder")
        return
    try:
        st = os.lstat(path)
    except OSError as exc:
        d.fail(UNREADABLE, f"cannot stat the file: {type(exc).__name__}: {exc.strerror}")
        return

    read_from = path
    if stat.S_ISLNK(st.st_mode):
        root_real = os.path.realpath(root)
        try:
            target = os.path.realpath(path, strict=True)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                d.fail(UNREADABLE, "broken symlink: its target does not exist")
            else:  # ELOOP, EACCES, ...
                reason = (
                    "symlink loop"
                    if exc.errno == errno.ELOOP
                    else (f"symlink cannot be resolved: {exc.strerror}")
                )
                d.fail(UNREADABLE, reason)
            return
        if not _within(target, root_real):
            d.fail(UNREADABLE, f"symlink leaves the folder (points to {display_name(target)})")
            return
        st = os.stat(target)
        if stat.S_ISDIR(st.st_mode):
            d.fail(
                UNREADABLE,
                "symlink to a folder is not followed "
                "(the folder's files are checked where they really are)",
            )
            return
        read_from = Path(target)

    if not stat.S_ISREG(st.st_mode):
        # Never open it: a FIFO blocks, a device may have side effects.
        d.fail(UNREADABLE, f"not a regular file: {_special_kind(st.st_mode)}")
        return

    data = _read(d, read_from, st, limits)
    if d.error_code is not None:
        return
    _classify(d, rel, data, limits)


def _read(d: _Draft, path: Path, st: os.stat_result, limits: Limits) -> bytearray | None:
    """Stream the file once: sha256, size, the head for libmagic, and the bytes to parse
    (None when over the size limit). Fills ``d``; the returned bytes are exactly those hashed."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        d.fail(UNREADABLE, f"cannot open the file: {type(exc).__name__}: {exc.strerror}")
        return None
    with open(fd, "rb", buffering=0, closefd=True) as fh:
        fst = os.fstat(fh.fileno())
        if not stat.S_ISREG(fst.st_mode) or (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino):
            d.fail(UNREADABLE, "the file was replaced while being read")
            return None
        digest = hashlib.sha256()
        keep = fst.st_size <= limits.max_file_bytes
        buf = bytearray()
        head = b""
        size = 0
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            if keep:
                buf += chunk
                if size > limits.max_file_bytes:  # grew while we read it
                    keep = False
                    buf = bytearray()
    d.sha256 = digest.hexdigest()
    d.size = size
    d.media_type = magic.from_buffer(head, mime=True) if head else "application/x-empty"
    return buf if keep else None  # no copy: up to max_file_bytes


def _classify(d: _Draft, rel: str, data: bytearray | None, limits: Limits) -> None:
    media = d.media_type or "application/octet-stream"
    if media == "application/pdf":
        d.kind = "pdf"
    elif media in _PIL_FORMATS or media in _UNDECODABLE_IMAGES:
        d.kind = "image"
    elif media.startswith("video/"):
        d.kind = "video"
    else:
        d.kind = "other"
    if d.hidden:
        d.kind = "other"

    ext = os.path.splitext(rel)[1].lower()
    claimed = _FAMILY_OF_EXT.get(ext)
    actual = _FAMILY_OF_TYPE.get(media)
    if media.startswith(("application/vnd.openxmlformats", "application/vnd.oasis")):
        actual = "zip"  # DOCX/XLSX/ODT are ZIP containers
    if d.size > 0 and not d.hidden and claimed is not None and claimed != actual:
        d.warn(TYPE_MISMATCH, f"the extension says {ext} but the content is {media}")

    if d.size > limits.max_file_bytes:
        d.fail(LIMIT, f"file is {d.size:,} bytes; the limit is {limits.max_file_bytes:,}")
        return
    if d.hidden:
        return  # system metadata (.DS_Store): hashed and kept, never parsed
    if d.size == 0:
        d.fail(UNREADABLE, "empty file (0 bytes)")
        return
    assert data is not None
    if d.kind == "pdf":
        _check_pdf(d, data, limits)
    elif d.kind == "image":
        _check_image(d, data, media, limits)
    elif d.kind == "video":
        d.pages = 0  # not parsed here
    else:
        d.fail(UNREADABLE, f"not a supported document type: {media}")


def _check_pdf(d: _Draft, data: bytearray, limits: Limits) -> None:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        d.fail(UNREADABLE, f"not a readable PDF: {type(exc).__name__}: {exc}")
        return
    with doc:
        if doc.needs_pass:
            d.fail(ENCRYPTED, "the PDF is encrypted and needs a password to open")
            return
        encryption = (doc.metadata or {}).get("encryption")
        if encryption:
            d.warn(
                ENCRYPTED,
                f"the PDF is encrypted ({encryption}) with an empty user "
                "password; it opens without one",
            )
        if getattr(doc, "is_repaired", False):
            d.warn(
                UNREADABLE, "the PDF is damaged and was repaired on opening; content may be missing"
            )
        n = doc.page_count
        d.pages = n
        if n == 0:
            d.fail(UNREADABLE, "the PDF has no readable pages")
            return
        if n > limits.max_pages:
            d.fail(LIMIT, f"the PDF has {n:,} pages; the limit is {limits.max_pages:,}")
            return
        side = limits.max_page_points
        for i in range(n):
            try:
                rect = doc[i].rect
            except Exception as exc:
                d.fail(UNREADABLE, f"page {i + 1} cannot be read: {type(exc).__name__}: {exc}")
                return
            w, h = rect.width, rect.height
            if w > side or h > side:
                d.fail(LIMIT, f"page {i + 1} is {w:g} × {h:g} pt; the limit is {side:g} pt a side")
                return
            if w <= 0 or h <= 0:
                d.fail(UNREADABLE, f"page {i + 1} has no area ({w:g} × {h:g} pt)")
                return


_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def _check_image(d: _Draft, data: bytearray, media: str, limits: Limits) -> None:
    d.pages = 1
    fmt = _PIL_FORMATS.get(media)
    if fmt is None:
        d.fail(UNREADABLE, f"{media} images cannot be decoded here; convert it to JPEG or PNG")
        return
    try:
        # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; our own limit
        # decides, so its bomb warning is dropped and its error mapped below. Its other
        # warnings (corrupt EXIF, truncated tags) become the item's, not stderr noise.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                _decode_image(d, data, fmt, limits)
            finally:
                seen: set[str] = set()
                for w in caught:
                    msg = " ".join(str(w.message).split())
                    if not issubclass(w.category, Image.DecompressionBombWarning) and (
                        msg not in seen
                    ):
                        seen.add(msg)
                        d.warn(UNREADABLE, f"the image is partly damaged: {msg}")
    except Image.DecompressionBombError as exc:
        m = _BOMB_PIXELS.search(str(exc))
        if m:
            d.pixels = int(m.group(1))
        claimed = f" ({d.pixels:,} pixels)" if d.pixels else ""
        d.fail(
            LIMIT,
            f"image is too large to decode safely{claimed}; "
            f"the limit is {limits.max_pixels:,} pixels (decompression bomb?)",
        )
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        struct.error,
    ) as exc:
        d.fail(UNREADABLE, f"corrupt or truncated {fmt} image: {type(exc).__name__}: {exc}")


def _decode_image(d: _Draft, data: bytearray, fmt: str, limits: Limits) -> None:
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        d.warn(
            UNREADABLE,
            "truncation cannot be detected: ImageFile.LOAD_TRUNCATED_IMAGES "
            "was switched on elsewhere",
        )
    with Image.open(io.BytesIO(data), formats=[fmt]) as im:
        # Pass 1, headers only: frame count and sizes, nothing decoded.
        sizes: list[tuple[int, int]] = []
        multi = fmt == "TIFF"
        while True:
            sizes.append(im.size)
            if not multi or len(sizes) > limits.max_pages:
                break
            try:
                im.seek(len(sizes))
            except EOFError:
                break
        d.pages = len(sizes)
        w, h = max(sizes, key=lambda s: s[0] * s[1])
        d.width, d.height, d.pixels = w, h, w * h
        if len(sizes) > limits.max_pages:
            d.fail(
                LIMIT,
                f"the TIFF has more than {limits.max_pages:,} frames; "
                f"the limit is {limits.max_pages:,}",
            )
            return
        for i, (fw, fh) in enumerate(sizes):
            if fw * fh > limits.max_pixels:
                where = f"frame {i + 1} is" if len(sizes) > 1 else "image is"
                d.fail(
                    LIMIT,
                    f"{where} {fw:,} × {fh:,} = {fw * fh:,} pixels; "
                    f"the limit is {limits.max_pixels:,} (decompression bomb?)",
                )
                return
            if fw <= 0 or fh <= 0:
                d.fail(UNREADABLE, f"image has no area ({fw} × {fh})")
                return
        # Pass 2: decode every frame, which is what proves it is neither truncated nor corrupt.
        for i in range(len(sizes)):
            if multi:
                im.seek(i)
            im.load()
