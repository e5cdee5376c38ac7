"""Intake against hostile input: every bad file is built here, at test time, in tmp_path."""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import socket
import struct
import zipfile
import zlib
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageFile

from verifier import intake
from verifier.intake import (
    DUPLICATE,
    ENCRYPTED,
    LIMIT,
    TYPE_MISMATCH,
    UNREADABLE,
    IntakeItem,
    display_name,
    duplicates,
    inspect_file,
    scan_folder,
)
from verifier.settings import Limits

CODES = {UNREADABLE, ENCRYPTED, LIMIT, TYPE_MISMATCH, DUPLICATE}
LIMITS = Limits()
_FORBIDDEN = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | {
    "\u061c", "\u200e", "\u200f", "\u2028", "\u2029",
    *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)),
}


# --- builders -------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, size: tuple[float, float] = (595, 842), **save) -> bytes:
    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=size[0], height=size[1])
        page.insert_text((72, 72), f"Purchase contract, page {i + 1}. VIN LGXCE4CB8N0012345")
    return doc.tobytes(**save)


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (180, 20, 20)).save(buf, fmt)
    return buf.getvalue()


def tiff_bytes(frames: int, size: tuple[int, int] = (32, 32)) -> bytes:
    imgs = [Image.new("L", size, 40 * i) for i in range(frames)]
    buf = io.BytesIO()
    imgs[0].save(buf, "TIFF", save_all=True, append_images=imgs[1:])
    return buf.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int, height: int) -> bytes:
    """A valid-looking PNG of a few hundred bytes whose header claims width x height."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" * 4096, 9)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def zip_bytes(member: str = "photos/readme.txt") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, "<w:document/>")
    return buf.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"
HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def write(folder: Path, name: str | bytes, data: bytes) -> Path:
    if isinstance(name, bytes):
        raw = os.fsencode(folder) + b"/" + name
        with open(raw, "wb") as fh:
            fh.write(data)
        return Path(os.fsdecode(raw))
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def check(tmp_path: Path, name: str, data: bytes, limits: Limits = LIMITS) -> IntakeItem:
    path = write(tmp_path, name, data)
    item = inspect_file(path, tmp_path, limits)
    assert_identity(item, data, name)
    return item


def assert_identity(item: IntakeItem, data: bytes, name: str) -> None:
    """Every item, however bad, keeps its hash, size and display name."""
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.size == len(data)
    assert item.name == display_name(name)
    assert item.path.is_absolute()
    assert (item.error_code is None) == (item.error is None)


def codes(item: IntakeItem) -> list[str]:
    return [w.code for w in item.warnings]


# --- good files ------------------------------------------------------------------------------


def test_good_files_are_typed_and_counted(tmp_path: Path) -> None:
    pdf = check(tmp_path, "contract.pdf", pdf_bytes(pages=3))
    assert (pdf.kind, pdf.media_type, pdf.pages, pdf.error_code) == (
        "pdf", "application/pdf", 3, None)
    assert pdf.warnings == ()
    for fmt, ext, media in [("JPEG", "jpg", "image/jpeg"), ("PNG", "png", "image/png"),
                            ("WEBP", "webp", "image/webp")]:
        img = check(tmp_path, f"photo.{ext}", image_bytes(fmt, (64, 48)))
        assert (img.kind, img.media_type, img.pages, img.pixels) == ("image", media, 1, 64 * 48)
        assert (img.width, img.height, img.error_code, img.warnings) == (64, 48, None, ())
    tif = check(tmp_path, "scan.tiff", tiff_bytes(3))
    assert (tif.kind, tif.media_type, tif.pages, tif.error_code) == ("image", "image/tiff", 3, None)
    video = check(tmp_path, "walkaround.mov", MP4_HEAD)  # ISO BMFF either way: no warning
    assert (video.kind, video.pages, video.error_code, video.warnings) == ("video", 0, None, ())


# --- PDFs ------------------------------------------------------------------------------------


def test_corrupt_pdf(tmp_path: Path) -> None:
    data = b"%PDF-1.7\n" + random.Random(1).randbytes(4000)
    item = check(tmp_path, "contract.pdf", data)
    assert (item.kind, item.error_code) == ("pdf", UNREADABLE)
    assert "not a readable PDF" in item.error


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_truncated_pdf_is_an_error_or_a_repair_warning(tmp_path: Path, fraction: float) -> None:
    full = pdf_bytes(pages=4)
    item = check(tmp_path, "contract.pdf", full[: int(len(full) * fraction)])
    assert item.kind == "pdf"
    if item.error_code is not None:
        assert item.error_code == UNREADABLE
    else:  # MuPDF rebuilt the xref: usable, but said so
        assert UNREADABLE in codes(item)
        assert "repaired" in item.warnings[0].message


def test_half_a_pdf_is_unreadable_and_stdout_stays_clean(tmp_path: Path, capfd) -> None:
    full = pdf_bytes(pages=2)
    assert check(tmp_path, "c.pdf", full[: len(full) // 2]).error_code == UNREADABLE
    check(tmp_path, "d.pdf", b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 9 0 R>>\nendobj\n")
    assert capfd.readouterr().out == ""  # MuPDF's complaints never reach the JSON on stdout


def test_encrypted_pdf_needs_a_password(tmp_path: Path) -> None:
    data = pdf_bytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    item = check(tmp_path, "contract.pdf", data)
    assert (item.kind, item.error_code) == ("pdf", ENCRYPTED)
    assert "password" in item.error


def test_pdf_with_empty_user_password_opens_with_a_warning(tmp_path: Path) -> None:
    data = pdf_bytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="", owner_pw="y")
    item = check(tmp_path, "contract.pdf", data)
    assert (item.error_code, item.pages) == (None, 1)
    assert codes(item) == [ENCRYPTED]


def test_huge_page_is_refused_before_rendering(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page()
    doc.new_page()
    doc.new_page(width=20000, height=20000)
    item = check(tmp_path, "poster.pdf", doc.tobytes())
    assert item.error_code == LIMIT
    assert item.error == "page 3 is 20000 × 20000 pt; the limit is 14400 pt a side"


def test_page_count_over_the_limit(tmp_path: Path) -> None:
    limits = Limits(max_pages=3)
    assert check(tmp_path, "ok.pdf", pdf_bytes(pages=3), limits).error_code is None
    item = check(tmp_path, "long.pdf", pdf_bytes(pages=5), limits)
    assert (item.error_code, item.pages) == (LIMIT, 5)
    assert "5 pages" in item.error


def test_size_over_the_limit_is_hashed_but_never_parsed(tmp_path: Path, monkeypatch) -> None:
    def boom(*_a, **_k):
        raise AssertionError("an over-limit file must not be parsed")

    monkeypatch.setattr(intake, "_check_pdf", boom)
    data = pdf_bytes(pages=2)
    item = check(tmp_path, "big.pdf", data, Limits(max_file_bytes=len(data) - 1))
    assert (item.error_code, item.kind, item.media_type) == (LIMIT, "pdf", "application/pdf")
    assert f"{len(data):,} bytes" in item.error


# --- images ----------------------------------------------------------------------------------


def test_truncated_jpeg(tmp_path: Path) -> None:
    full = image_bytes("JPEG", (400, 300))
    item = check(tmp_path, "photo.jpg", full[: len(full) // 2])
    assert (item.kind, item.error_code, item.pixels) == ("image", UNREADABLE, 400 * 300)
    assert "truncated" in item.error
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_decompression_bomb_png(tmp_path: Path) -> None:
    before = Image.MAX_IMAGE_PIXELS
    data = bomb_png(60000, 60000)
    assert len(data) < 1000
    item = check(tmp_path, "photo.png", data)
    assert (item.kind, item.error_code, item.pixels) == ("image", LIMIT, 60000 * 60000)
    assert "decompression bomb" in item.error
    assert before == Image.MAX_IMAGE_PIXELS  # nothing global was loosened
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_image_over_a_configured_pixel_limit_uses_the_local_check(tmp_path: Path) -> None:
    limits = Limits(max_pixels=10_000)
    item = check(tmp_path, "photo.png", image_bytes("PNG", (200, 100)), limits)
    assert (item.error_code, item.pixels) == (LIMIT, 20_000)
    assert item.error.startswith("image is 200 × 100 = 20,000 pixels")
    # Pillow's own warning band (MAX_IMAGE_PIXELS .. 2x) is not an error under our limit
    big = bomb_png(12000, 10000)  # 1.2e8 > Pillow's 8.9e7 warning, < our 1.5e8
    item = check(tmp_path, "big.png", big)
    assert (item.pixels, item.error_code) == (120_000_000, UNREADABLE)  # bad IDAT, no bomb


def test_tiff_frames_are_pages_and_limited(tmp_path: Path) -> None:
    limits = Limits(max_pages=2)
    assert check(tmp_path, "two.tif", tiff_bytes(2), limits).pages == 2
    item = check(tmp_path, "three.tif", tiff_bytes(3), limits)
    assert item.error_code == LIMIT
    assert "frames" in item.error


def test_heic_is_an_image_that_cannot_be_decoded_here(tmp_path: Path) -> None:
    item = check(tmp_path, "IMG_0001.HEIC", HEIC_HEAD)
    assert (item.kind, item.media_type, item.error_code) == ("image", "image/heic", UNREADABLE)


# --- types and extensions --------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    item = check(tmp_path, "contract.pdf", b"")
    assert (item.error_code, item.error) == (UNREADABLE, "empty file (0 bytes)")


def test_pdf_named_jpg_and_jpeg_named_pdf_are_processed_as_what_they_are(tmp_path: Path) -> None:
    item = check(tmp_path, "contract.pdf", image_bytes("JPEG"))
    assert (item.kind, item.media_type, item.error_code) == ("image", "image/jpeg", None)
    assert codes(item) == [TYPE_MISMATCH]
    assert "image/jpeg" in item.warnings[0].message
    item = check(tmp_path, "photo.jpg", pdf_bytes())
    assert (item.kind, item.pages, item.error_code) == ("pdf", 1, None)
    assert codes(item) == [TYPE_MISMATCH]


@pytest.mark.parametrize(
    ("data", "media"),
    [(zip_bytes(), "application/zip"), (zip_bytes("word/document.xml"), DOCX),
     (b"MZ\x90\x00" + b"\x00" * 200, "application/x-dosexec")],
    ids=["zip", "docx", "exe"],
)
def test_unsupported_content_named_pdf(tmp_path: Path, data: bytes, media: str) -> None:
    item = check(tmp_path, "contract.pdf", data)
    assert (item.kind, item.media_type, item.error_code) == ("other", media, UNREADABLE)
    assert item.error == f"not a supported document type: {media}"
    assert codes(item) == [TYPE_MISMATCH]


def test_hidden_files_are_items_of_kind_other(tmp_path: Path) -> None:
    write(tmp_path, ".DS_Store", b"\x00\x00\x00\x01Bud1" + b"\x00" * 100)
    write(tmp_path, "Thumbs.db", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    write(tmp_path, "__MACOSX/._contract.pdf", pdf_bytes())
    items = scan_folder(tmp_path, LIMITS)
    assert [i.name for i in items] == [".DS_Store", "Thumbs.db", "__MACOSX/._contract.pdf"]
    for item in items:
        assert (item.kind, item.hidden, item.error_code, item.pages) == ("other", True, None, 0)
        assert item.warnings == ()
        assert item.sha256 is not None


# --- names, links, special files -------------------------------------------------------------


HOSTILE = {
    "a\nb.pdf": "a\\nb.pdf",
    "\x1b[31mred.pdf": "\\x1b[31mred.pdf",
    "evil\u202efdp.exe": "evil\\u202efdp.exe",
    "iso\u2066late\u2069.pdf": "iso\\u2066late\\u2069.pdf",
    "back\\nslash.pdf": "back\\\\nslash.pdf",  # a literal backslash cannot forge an escape
    "-rf": "-rf",
    "контракт.pdf": "контракт.pdf",  # plain non-ASCII stays readable
}


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    data = pdf_bytes()
    for i, name in enumerate(HOSTILE):
        write(tmp_path, name, data + b"%" + bytes([i]))
    write(tmp_path, b"bad\xff\xfe.pdf", data)
    long_name = "x" * 251 + ".pdf"  # 255 bytes, the usual maximum
    write(tmp_path, long_name, data)
    items = {i.name: i for i in scan_folder(tmp_path, LIMITS)}
    assert set(items) == {*HOSTILE.values(), "bad\\xff\\xfe.pdf", long_name}
    for name, item in items.items():
        assert not _FORBIDDEN & set(name), name
        assert item.sha256 and item.error_code is None and item.kind == "pdf"
        assert item.path.exists()
    raw = os.fsencode(tmp_path) + b"/bad\xff\xfe.pdf"
    assert items["bad\\xff\\xfe.pdf"].path == Path(os.fsdecode(raw))


def test_display_name_escapes_every_unsafe_character() -> None:
    assert display_name("\r\t\x00\x7f\x85\u200f\u2028") == "\\r\\t\\x00\\x7f\\x85\\u200f\\u2028"
    assert display_name(b"dir/\xc3\xa9\xff") == "dir/é\\xff"


def test_symlink_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(pdf_bytes())
    root = tmp_path / "upload"
    root.mkdir()
    (root / "contract.pdf").symlink_to(outside)
    (root / "etc").symlink_to("/etc")
    items = scan_folder(root, LIMITS)
    assert [i.name for i in items] == ["contract.pdf", "etc"]
    for item in items:
        assert (item.error_code, item.sha256, item.kind) == (UNREADABLE, None, "other")
        assert item.error.startswith("symlink leaves the folder")


def test_symlink_loops_and_dangling_links_do_not_hang(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")  # a folder loop, never descended into
    (tmp_path / "gone.pdf").symlink_to("missing.pdf")
    items = {i.name: i for i in scan_folder(tmp_path, LIMITS)}
    assert sorted(items) == ["a", "b", "gone.pdf", "self", "sub/up"]
    assert all(i.error_code == UNREADABLE and i.sha256 is None for i in items.values())
    assert items["a"].error == items["self"].error == "symlink loop"
    assert items["gone.pdf"].error.startswith("broken symlink")
    assert items["sub/up"].error.startswith("symlink to a folder is not followed")


def test_symlink_to_a_file_inside_is_read_as_itself(tmp_path: Path) -> None:
    data = pdf_bytes()
    write(tmp_path, "docs/contract.pdf", data)
    (tmp_path / "link.pdf").symlink_to("docs/contract.pdf")
    items = scan_folder(tmp_path, LIMITS)
    assert [i.name for i in items] == ["docs/contract.pdf", "link.pdf"]
    assert all(i.ok and i.sha256 == hashlib.sha256(data).hexdigest() for i in items)
    assert items[1].path == tmp_path / "link.pdf"
    assert duplicates(items) == [items]


def _alarm(seconds: int):
    def fail(*_a):
        raise TimeoutError("intake blocked")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    return old


def test_fifo_is_reported_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    old = _alarm(5)
    try:
        items = scan_folder(tmp_path, LIMITS)
        direct = inspect_file(tmp_path / "pipe.pdf", tmp_path, LIMITS)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert items == [direct]
    assert (direct.name, direct.error_code, direct.sha256, direct.kind) == (
        "pipe.pdf", UNREADABLE, None, "other")
    assert direct.error == "not a regular file: a FIFO (named pipe)"


def test_socket_is_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # AF_UNIX paths are short: bind relative to the folder
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind("s.sock")
        item = inspect_file(tmp_path / "s.sock", tmp_path, LIMITS)
    finally:
        sock.close()
    assert (item.error_code, item.error) == (UNREADABLE, "not a regular file: a socket")


def test_unlistable_subfolder_is_an_item(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, "a.pdf", pdf_bytes())
    write(tmp_path, "locked/x.pdf", pdf_bytes())
    real_scandir = os.scandir

    def scandir(path):  # chmod 0 does not stop root, so refuse the listing like EACCES would
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(intake.os, "scandir", scandir)
    items = scan_folder(tmp_path, LIMITS)
    assert [(i.name, i.error_code, i.sha256) for i in items] == [
        ("a.pdf", None, items[0].sha256), ("locked", UNREADABLE, None)]
    assert items[1].error == "folder cannot be listed: PermissionError: Permission denied"


# --- order, duplicates, robustness -----------------------------------------------------------


def test_nested_folders_in_a_stable_byte_order(tmp_path: Path) -> None:
    names = ["b.pdf", "a/z.pdf", "a-b.pdf", "A.pdf", "é.pdf", "a/b/c/deep.jpg", "Z.pdf", "_.pdf"]
    for i, name in enumerate(names):
        write(tmp_path, name, pdf_bytes() + b"%" + str(i).encode())
    items = scan_folder(tmp_path, LIMITS)
    assert [i.name for i in items] == sorted(names, key=lambda n: n.encode())
    assert [i.name for i in items] == [
        "A.pdf", "Z.pdf", "_.pdf", "a-b.pdf", "a/b/c/deep.jpg", "a/z.pdf", "b.pdf", "é.pdf"]
    assert items == scan_folder(tmp_path, LIMITS)
    assert all(i.path == tmp_path / i.name for i in items)


def test_duplicates(tmp_path: Path) -> None:
    one, two = pdf_bytes(pages=1), pdf_bytes(pages=2)
    write(tmp_path, "contract.pdf", one)
    write(tmp_path, "copy/contract (1).pdf", one)
    write(tmp_path, "z_again.pdf", one)
    write(tmp_path, "other.pdf", two)
    write(tmp_path, "empty1.pdf", b"")
    write(tmp_path, "empty2.pdf", b"")
    items = scan_folder(tmp_path, LIMITS)
    groups = duplicates(items)
    assert [[i.name for i in g] for g in groups] == [
        ["contract.pdf", "copy/contract (1).pdf", "z_again.pdf"]]
    assert {i.sha256 for i in groups[0]} == {hashlib.sha256(one).hexdigest()}


def test_an_unexpected_exception_becomes_an_error_item(tmp_path: Path, monkeypatch) -> None:
    def boom(*_a, **_k):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(intake, "_check_pdf", boom)
    item = check(tmp_path, "contract.pdf", pdf_bytes())
    assert item.error_code == UNREADABLE
    assert "RuntimeError: parser exploded" in item.error


def test_not_a_file_and_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert inspect_file(tmp_path / "sub", tmp_path, LIMITS).error == "not a regular file: a folder"
    elsewhere = inspect_file(tmp_path / "x.pdf", tmp_path / "sub", LIMITS)
    assert (elsewhere.error_code, elsewhere.error) == (UNREADABLE, "file is outside the folder")
    with pytest.raises(NotADirectoryError):
        scan_folder(tmp_path / "missing", LIMITS)


_MAGIC_PREFIXES = [
    b"%PDF-1.7\n", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"\xff\xd8\xff\xdb", b"\x89PNG\r\n\x1a\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"\x00\x00\x00\x18ftypheic", b"\x00\x00\x00\x18ftypmp42", b"\x00\x00\x00\x14ftypqt  ",
    b"\x1aE\xdf\xa3", b"PK\x03\x04", b"MZ", b"", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
]


def test_two_hundred_junk_files_never_raise(tmp_path: Path) -> None:
    rnd = random.Random(20260101)
    valid = [pdf_bytes(pages=2), image_bytes("JPEG", (120, 80)), image_bytes("PNG", (120, 80)),
             tiff_bytes(2), image_bytes("WEBP", (120, 80)), image_bytes("GIF", (60, 40))]
    exts = [".pdf", ".jpg", ".png", ".tif", ".webp", ".mp4", ".bin", ""]
    limits = Limits(max_pixels=4_000_000, max_pages=50)  # keep any claimed decode small
    for i in range(200):
        if i % 2:
            data = rnd.choice(_MAGIC_PREFIXES) + rnd.randbytes(rnd.randrange(0, 3000))
        else:  # a real file, cut short or with bytes flipped
            data = bytearray(rnd.choice(valid))
            for _ in range(rnd.randrange(1, 8)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            data = bytes(data[: rnd.randrange(1, len(data) + 1)])
        write(tmp_path, f"junk{i:03d}{rnd.choice(exts)}", data)
    paths = sorted(tmp_path.iterdir())
    assert len(paths) == 200
    for path in paths:
        item = inspect_file(path, tmp_path, limits)
        assert item.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert item.name == path.name
        assert item.kind in {"pdf", "image", "video", "other"}
        assert item.error_code is None or item.error_code in CODES
        assert item.error_code is not None or item.kind != "other"
        assert all(w.code in CODES for w in item.warnings)


def test_messages_are_display_safe_too(tmp_path: Path, monkeypatch) -> None:
    def boom(*_a, **_k):
        raise ValueError("bad key \x1b[2J\u202e in dict")

    monkeypatch.setattr(intake, "_check_pdf", boom)
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / "x.pdf").symlink_to(tmp_path / "out\nside.pdf")
    (tmp_path / "out\nside.pdf").write_bytes(b"%PDF")
    item = check(tmp_path / "up", "c.pdf", pdf_bytes())
    assert item.error.endswith("ValueError: bad key \\x1b[2J\\u202e in dict")
    link = inspect_file(tmp_path / "up" / "x.pdf", tmp_path / "up", LIMITS)
    assert link.error.endswith("out\\nside.pdf)")
    assert not _FORBIDDEN & set(item.error + link.error)
