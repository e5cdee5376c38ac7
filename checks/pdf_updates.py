"""Bytes of a PDF that no cross-reference section accounts for (ISO 32000-1 §7.5.6).

An incremental update is a body of new objects, an xref section listing them and a trailer
(ISO 32000-1 §7.5.6). A validator that follows the xref chain — pyHanko does — sees only the
objects the xref sections list; a *repairing* viewer (Acrobat, Foxit, pdf.js on a damaged
file) scans the bytes for ``N G obj`` and may show objects no xref lists. The Incremental
Saving Attack variant 3 (Mladenov et al., "1 Trillion Dollar Refund", CCS 2019; iText's
``isa-3.pdf``) appends a page with an **empty** xref section: pyHanko reports the signature
as covering its revision with modification level NONE, while a repairing viewer shows
"Manipulated now Page!".

Two facts, both from the bytes and the xref sections pyHanko parsed:

* :func:`trailing_data` — bytes after the ``%%EOF`` that closes the last revision pyHanko
  knows (whitespace aside);
* :func:`unlisted_objects` — ``N G obj`` headers inside the body of an update that its own xref
  section does not list at that offset (objects shadowed in by a repairing reader).

Stream data of listed objects is skipped by its ``/Length``, so compressed bytes that happen
to read ``1 0 obj`` are not mistaken for objects.
"""

from __future__ import annotations

import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

_OBJ = re.compile(rb"(?<![0-9])(\d{1,10})[ \t\r\n\f\x00]+(\d{1,5})[ \t\r\n\f\x00]+obj\b")
_STREAM = re.compile(rb">>\s*stream(\r\n|\n|\r)")
_EOF = b"%%EOF"
_BLANK = b" \t\r\n\f\x00"
# Writers point xref offsets at the first digit, some at the whitespace before it.
_OFFSET_SLACK = 3


def revision_end(reader: PdfFileReader, data: bytes, revision: int) -> int:
    """Offset just past the ``%%EOF`` that closes ``revision`` (or its xref, when none)."""
    meta = reader.xrefs.get_xref_container_info(revision)
    eof = data.find(_EOF, meta.end_location)
    return meta.end_location if eof < 0 else eof + len(_EOF)


def trailing_data(reader: PdfFileReader, data: bytes) -> int:
    """How many non-blank bytes follow the last revision pyHanko parsed."""
    last = reader.xrefs.total_revisions - 1
    return len(data[revision_end(reader, data, last) :].strip(_BLANK))


def unlisted_objects(reader: PdfFileReader, data: bytes, revision: int) -> list[str]:
    """``N G obj`` headers in the body of ``revision`` (an update, ``revision`` ≥ 1) that its
    xref section does not list at that offset, as ``"N G @offset"``."""
    xrefs = reader.xrefs
    end = xrefs.get_xref_container_info(revision).declared_startxref
    # The body starts after the section that precedes it in the file, which is not always the
    # previous revision: a linearized file's first-page xref sits at the top.
    start = max(
        (
            revision_end(reader, data, j)
            for j in range(xrefs.total_revisions)
            if xrefs.get_xref_container_info(j).declared_startxref < end
        ),
        default=0,
    )
    if end <= start:
        return []
    listed: dict[int, tuple[int, int]] = {}
    for idnum, (gen, offset) in xrefs.get_xref_data(revision).standard_xrefs.items():
        if start - _OFFSET_SLACK <= offset < end:
            listed[offset] = (idnum, gen)
    try:
        hybrid = reader.trailer.raw_get("/XRefStm", revision=revision)
        hybrid_offset = int(hybrid) if hybrid is not None else None
    except (KeyError, TypeError, ValueError):
        hybrid_offset = None
    skip = _stream_spans(reader, data, revision, listed, end)
    out = []
    for m in _OBJ.finditer(data, start, end):
        pos = m.start()
        if any(a < pos < b for a, b in skip):
            continue
        idnum, gen = int(m.group(1)), int(m.group(2))
        if hybrid_offset is not None and abs(hybrid_offset - pos) <= _OFFSET_SLACK:
            continue
        if any(
            listed.get(pos - d) == (idnum, gen) for d in range(-_OFFSET_SLACK, _OFFSET_SLACK + 1)
        ):
            continue
        out.append(f"{idnum} {gen} @{pos}")
    return out


def _stream_spans(reader, data: bytes, revision: int, listed: dict, end: int) -> list[tuple]:
    """(start, end) byte spans of the stream data of the listed objects."""
    resolver = reader.get_historical_resolver(revision)
    spans = []
    for offset, (idnum, gen) in listed.items():
        try:
            obj = resolver(generic.Reference(idnum, gen))
        except Exception:  # noqa: BLE001 - an unreadable object: nothing to skip
            continue
        if not isinstance(obj, generic.StreamObject):
            continue
        m = _STREAM.search(data, max(offset, 0), end)
        if m is None:
            continue
        spans.append((m.end(), m.end() + len(obj.encoded_data)))
    return spans
