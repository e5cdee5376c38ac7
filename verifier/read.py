"""Read one document: pages (text layer or OCR) → type → fields, as a :class:`Document`.

This is the unit of work sent to a worker process. It never raises: whatever goes wrong
becomes the document's ``error`` (with the step it failed at) and a finding, so one bad file
cannot take the run down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pymupdf

from extractors import classify, fields, label_shape, raster, textlayer
from extractors.page import Box, PageText, Word
from extractors.preprocess import value_versions, variant_strip
from extractors.templates import doctype_templates, other_labels
from verifier.context import CheckContext
from verifier.inspect import inspect_document
from verifier.intake import IntakeItem
from verifier.models import DocType, Document, Fields, Finding, Source
from verifier.policy import Policy
from verifier.settings import Settings

VIN_WHITELIST = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
# Cleaned rasters kept for re-reading a field's region: the first pages state the VIN.
KEEP_RASTERS = 3


class OcrReader(Protocol):
    def read(self, image: np.ndarray, *, page_number: int, key: str = "") -> PageText: ...

    def reread_many(
        self,
        boxes: list[Box],
        *,
        psm: int = 6,
        whitelist: str | None = None,
        lang: str | None = None,
        image: np.ndarray | None = None,
        enlarge: bool = True,
    ) -> list[list[Word]]: ...

    last_image: np.ndarray | None


ReaderFactory = Callable[[Settings], OcrReader]


class ReadError(Exception):
    """A document could not be read; ``code`` is the finding it becomes."""

    def __init__(self, code: str, message: str, step: str) -> None:
        super().__init__(message)
        self.code, self.step = code, step


@dataclass
class ReadResult:
    document: Document
    findings: list[Finding]
    vin_candidates: list[fields.Value] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # What was read, page by page (text layer or OCR): sealed as derived evidence.
    pages: list[PageText] = field(default_factory=list)


@dataclass
class _Pages:
    pages: list[PageText] = field(default_factory=list)
    rasters: dict[int, np.ndarray] = field(default_factory=dict)
    ocr: bool = False


def _read_pdf(item: IntakeItem, settings: Settings, reader: OcrReader) -> _Pages:
    out = _Pages()
    try:
        doc = pymupdf.open(item.path, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises many types
        raise ReadError("document.unreadable", f"PDF cannot be opened: {exc}", "open") from exc
    with doc:
        for index, page in enumerate(doc):
            number = index + 1
            triage = textlayer.triage_page(page)
            if triage.usable:
                out.pages.append(textlayer.read_text_layer(page, number))
                continue
            dpi = raster.page_image_dpi(page) or settings.ocr.dpi
            dpi = max(200, min(dpi, settings.ocr.dpi))
            try:
                image = raster.render_pdf_page(page, dpi=dpi, max_pixels=settings.limits.max_pixels)
            except raster.RasterLimitError as exc:
                raise ReadError("document.limit", f"page {number}: {exc}", "rasterise") from exc
            out.pages.append(_ocr(reader, image, number, f"{item.sha256}:{number}", out))
            out.pages[-1].notes.insert(0, triage.reason)
            del image
            # MuPDF caches decoded page images; a 600-page scan must not keep them all.
            pymupdf.TOOLS.store_shrink(100)
    return out


def _read_image(item: IntakeItem, settings: Settings, reader: OcrReader) -> _Pages:
    out = _Pages()
    data = Path(item.path).read_bytes()
    try:
        for index, image in enumerate(raster.image_frames(data, settings.limits.max_pixels)):
            number = index + 1
            out.pages.append(_ocr(reader, image, number, f"{item.sha256}:{number}", out))
    except raster.RasterLimitError as exc:
        raise ReadError("document.limit", str(exc), "decode") from exc
    except raster.RasterError as exc:
        raise ReadError("document.unreadable", str(exc), "decode") from exc
    return out


def _ocr(reader: OcrReader, image: np.ndarray, number: int, key: str, out: _Pages) -> PageText:
    from extractors.ocr import OcrError, OcrTimeout

    try:
        page = reader.read(image, page_number=number, key=key)
    except OcrTimeout as exc:
        raise ReadError("document.limit", f"page {number}: OCR over time: {exc}", "ocr") from exc
    except OcrError as exc:
        raise ReadError("document.unreadable", f"page {number}: OCR failed: {exc}", "ocr") from exc
    out.ocr = True
    if len(out.rasters) < KEEP_RASTERS and reader.last_image is not None:
        out.rasters[number] = reader.last_image
    return page


def read_document(
    item: IntakeItem,
    settings: Settings,
    reader: OcrReader,
    policy: Policy,
    ctx: CheckContext | None = None,
) -> ReadResult:
    """Read, classify and extract one intake item, then inspect its original (signatures,
    seals, photo metadata); never raises."""
    import time

    started = time.monotonic()
    doc = Document(
        file=item.name,
        sha256=item.sha256,
        media_type=item.media_type,
        size_bytes=item.size,
        pages=item.pages,
    )
    findings = [
        policy.finding(code, f"{item.name}: {msg}", [item.name]) for code, msg in item.warnings
    ]
    result = ReadResult(doc, findings)
    if item.error_code:
        doc.error, doc.error_step = item.error, "intake"
        findings.append(policy.finding(item.error_code, f"{item.name}: {item.error}", [item.name]))
        return result
    try:
        if item.kind == "pdf":
            got = _read_pdf(item, settings, reader)
        elif item.kind == "image":
            got = _read_image(item, settings, reader)
        elif item.kind == "video":
            got = _Pages()
        else:
            raise ReadError(
                "document.unreadable", f"not a supported document ({item.media_type})", "intake"
            )
        doc.pages, doc.ocr = len(got.pages) or item.pages, got.ocr
        result.pages = got.pages
        verdict = classify.classify(got.pages, medium=item.kind)
        doc.type, doc.type_confidence = verdict.type, verdict.confidence
        result.notes.append(f"classified {verdict.type.value} ({verdict.reason})")
        if verdict.type is DocType.unknown:
            findings.append(
                policy.finding(
                    "document.unclassified",
                    f"{item.name}: not recognised as any document type ({verdict.reason})",
                    [item.name],
                )
            )
        else:
            _extract(doc, got, reader, result)
    except ReadError as exc:
        doc.error, doc.error_step = str(exc), exc.step
        findings.append(policy.finding(exc.code, f"{item.name}: {exc}", [item.name]))
    except Exception as exc:  # noqa: BLE001 - a bug or a library failure on hostile input
        doc.error, doc.error_step = f"{type(exc).__name__}: {exc}", "read"
        findings.append(
            policy.finding(
                "document.unreadable",
                f"{item.name}: could not be read ({type(exc).__name__}: {exc})",
                [item.name],
            )
        )
    findings += inspect_document(item, doc, settings, policy, ctx or CheckContext())
    result.seconds = time.monotonic() - started
    return result


def _extract(doc: Document, got: _Pages, reader: OcrReader, result: ReadResult) -> None:
    """Extract the fields of a classified document, re-reading weak regions on its rasters."""

    def reread(page_number: int, boxes: list[Box], purpose: str) -> list[list[Word]]:
        image = got.rasters.get(page_number)
        if image is None:
            return [[] for _ in boxes]
        if purpose == "vin":
            # psm 8 (one word) read noisy VINs right where psm 7 added characters.
            return reader.reread_many(boxes, psm=8, whitelist=VIN_WHITELIST, image=image)
        if purpose == "vin_line":  # a stretch of line after a VIN label, mostly blank
            return reader.reread_many(boxes, psm=7, whitelist=VIN_WHITELIST, image=image)
        whitelist, lang = (VIN_WHITELIST, None) if purpose.startswith("vin") else (None, None)
        if purpose.startswith("line_zh"):  # printed in Chinese (2023年3月8日)
            from extractors.ocr import CJK_LANGS, available_languages

            if not set(CJK_LANGS.split("+")) <= available_languages():
                return [[] for _ in boxes]
            lang = CJK_LANGS
        if purpose == "value_versions":
            # A value that did not parse, its ink cut out at several sizes, each read alone
            # as one line (preprocess.value_versions): a list of words per version.
            return [
                reader.reread_many([(0, 0, v.shape[1], v.shape[0])], psm=7, image=v,
                                   enlarge=False)[0]
                for v in value_versions(image, boxes[0])
            ]
        if purpose.endswith("_variants"):
            # One region read as several versions of itself (preprocess.line_variants),
            # stacked and read in one call: a list of words per version.
            got_strip = variant_strip(image, boxes[0])
            if got_strip is None:
                return []
            strip, spans = got_strip
            return reader.reread_many(spans, psm=6, whitelist=whitelist, lang=lang, image=strip)
        # psm 6 read thin fonts best (a B/L's container line)
        return reader.reread_many(boxes, psm=6, lang=lang, image=image)

    pages = got.pages
    tpl = doctype_templates().get(doc.type)
    if got.rasters and tpl is not None:
        # Captions too small to read, recognised by shape: for extraction only (the page
        # text sealed as evidence stays what OCR read).
        pages = []
        labels = (*tpl.fields, other_labels())
        for page in got.pages:
            image = got.rasters.get(page.number)
            if image is not None:
                page, notes = label_shape.add_captions(page, image, labels)
                result.notes.extend(notes)
            pages.append(page)
    extraction = fields.extract(pages, doc.type, reread=reread if got.rasters else None)
    result.notes.extend(extraction.notes)
    result.vin_candidates = extraction.vin_candidates
    apply_values(doc, extraction.values)


def apply_values(doc: Document, values: dict[str, fields.Value]) -> None:
    """Set the document's fields and their sources from extracted values."""
    data = {name: v.value for name, v in values.items()}
    doc.fields = Fields.model_validate(data)
    doc.sources = {
        name: Source(
            page=v.page,
            box=tuple(round(c, 1) for c in v.box) if v.box else None,
            confidence=round(max(0.0, min(1.0, v.confidence)), 3),
            raw=v.raw[:500],
            corrections=v.corrections,
            method="ocr" if v.method == "ocr" else "text_layer",
        )
        for name, v in values.items()
    }
