"""``verifier compare A B``: what two documents, two folders or two sealed bundles state, side
by side — every field, its values, the document each value came from, and where they differ.

A side is read with the same pipeline as ``verifier check`` (a folder, or one file on its
own), or taken from a sealed bundle's report and originals in a store. Values are compared the
way the checks compare them: engine displacement at the coarser precision of the two
statements, company names without punctuation and legal-form noise, text without case.
"""

from __future__ import annotations

import base64
import html
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from checks import spec
from checks.company import same_company
from verifier.models import FIELD_NAMES, DocType, Document, Fields, Report

PARTY_FIELDS = {"seller", "buyer", "exporter", "shipper", "consignee", "issuer", "owner"}
SPEC_FIELDS = {"make", "model", "engine_displacement_cc", "fuel_type", "transmission"}
# Fields that describe a document rather than the vehicle or the deal: shown, never a difference.
DOCUMENT_FIELDS = {"document_number", "issue_date", "expiry_date", "issuer", "remarks"}
PHOTO_TYPES = (DocType.photo, DocType.vin_verification)


@dataclass
class Side:
    label: str
    documents: list[Document]
    # Original bytes of photos by file name, for thumbnails.
    photos: dict[str, bytes] = field(default_factory=dict)
    # The escrow record a sealed bundle belongs to (None for files and folders).
    escrow_id: str | None = None


@dataclass
class Value:
    text: str
    documents: list[str]
    raw: object = None
    precision: int | None = None


@dataclass
class Row:
    field: str
    a: list[Value]
    b: list[Value]
    differs: bool


@dataclass
class Comparison:
    a: Side
    b: Side
    rows: list[Row]

    @property
    def differences(self) -> list[Row]:
        return [r for r in self.rows if r.differs]

    def to_dict(self) -> dict:
        def side(values: list[Value]) -> list[dict]:
            return [{"value": v.text, "documents": v.documents} for v in values]

        return {
            "a": {"label": self.a.label, "documents": [d.file for d in self.a.documents]},
            "b": {"label": self.b.label, "documents": [d.file for d in self.b.documents]},
            "rows": [
                {"field": r.field, "a": side(r.a), "b": side(r.b), "differs": r.differs}
                for r in self.rows
            ],
            "differences": len(self.differences),
        }


# ---------------------------------------------------------------- reading a side

CheckFolder = Callable[[Path], Report]


def load_side(spec_: str, check_folder: CheckFolder, store=None) -> Side:
    """A side from a folder, one file, or (with a store) a sealed bundle's id."""
    path = Path(spec_)
    if path.is_dir():
        report = check_folder(path)
        return Side(str(path), report.documents, _photos(report.documents, path.__truediv__))
    if path.is_file():
        with tempfile.TemporaryDirectory(prefix="verifier-compare-") as tmp:
            shutil.copyfile(path, Path(tmp) / path.name)
            report = check_folder(Path(tmp))
            return Side(
                str(path), report.documents, _photos(report.documents, Path(tmp).__truediv__)
            )
    if store is not None:
        report = Report.model_validate_json(store.read_file(spec_, "data/report.json"))

        def original(name: str) -> bytes:
            return store.read_file(spec_, f"data/originals/{name}")

        photos = _photos(report.documents, original)
        return Side(f"bundle {spec_}", report.documents, photos, escrow_id=report.escrow_id)
    raise FileNotFoundError(f"{spec_}: no such file or folder (a bundle id needs --store)")


def _photos(documents: list[Document], locate) -> dict[str, bytes]:
    out = {}
    for doc in documents:
        if doc.type in PHOTO_TYPES and doc.error is None:
            try:
                found = locate(doc.file)
                out[doc.file] = found.read_bytes() if isinstance(found, Path) else found
            except Exception:  # noqa: BLE001 - a missing thumbnail is not worth failing over
                continue
    return out


# ---------------------------------------------------------------- comparing


def values_of(documents: list[Document], name: str) -> list[Value]:
    """The distinct values of field ``name`` across ``documents``, each with its documents."""
    out: list[Value] = []
    for doc in documents:
        raw = getattr(doc.fields, name)
        if raw is None or raw == []:
            continue
        precision = (
            doc.fields.engine_displacement_precision_cc
            if name == "engine_displacement_cc"
            else None
        )
        text = _text(raw)
        if precision:
            text = f"{raw / 1000:.1f} L" if precision >= 100 else f"{raw} cc"
        for v in out:
            if _same(name, v, Value(text, [], raw, precision)):
                v.documents.append(doc.file)
                break
        else:
            out.append(Value(text, [doc.file], raw, precision))
    return out


def _text(raw: object) -> str:
    if isinstance(raw, list):
        return "; ".join(
            f"{e.date.isoformat()}: {e.odometer_km} km" if hasattr(e, "odometer_km") else str(e)
            for e in raw
        )
    if hasattr(raw, "isoformat"):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _same(name: str, a: Value, b: Value) -> bool:
    if name in PARTY_FIELDS:
        return same_company(a.text, b.text) or a.text.casefold() == b.text.casefold()
    if name in SPEC_FIELDS:
        fa = Fields.model_validate({name: a.raw, "engine_displacement_precision_cc": a.precision})
        fb = Fields.model_validate({name: b.raw, "engine_displacement_precision_cc": b.precision})
        return not spec.compare_spec(fa, fb)
    return " ".join(a.text.casefold().split()) == " ".join(b.text.casefold().split())


def compare(a: Side, b: Side) -> Comparison:
    rows = []
    for name in FIELD_NAMES:
        if name == "engine_displacement_precision_cc":
            continue
        va, vb = values_of(a.documents, name), values_of(b.documents, name)
        if not va and not vb:
            continue
        differs = (
            name not in DOCUMENT_FIELDS
            and bool(va)
            and bool(vb)
            and not (
                all(any(_same(name, x, y) for y in vb) for x in va)
                and all(any(_same(name, y, x) for x in va) for y in vb)
            )
        )
        rows.append(Row(name, va, vb, differs))
    return Comparison(a, b, rows)


# ---------------------------------------------------------------- rendering


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), indent=2, ensure_ascii=False)


def print_table(c: Comparison, console) -> None:
    from rich.table import Table

    table = Table(title=f"{c.a.label}  vs  {c.b.label}", show_lines=False)
    table.add_column("field")
    table.add_column(c.a.label, overflow="fold")
    table.add_column(c.b.label, overflow="fold")
    table.add_column("")
    for r in c.rows:
        style = "bold red" if r.differs else None
        table.add_row(r.field, _cell(r.a), _cell(r.b), "DIFFERS" if r.differs else "", style=style)
    console.print(table)
    console.print(f"{len(c.differences)} difference(s)")


def _cell(values: list[Value]) -> str:
    return "\n".join(f"{v.text}  ({', '.join(v.documents)})" for v in values) or "—"


_CSS = """
body { font: 14px/1.4 "DejaVu Sans", sans-serif; margin: 24px; color: #111; }
h1 { font-size: 20px; } table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 6px 8px; vertical-align: top; text-align: left; }
th { background: #e8e8e8; }
tr.differs td { background: #ffb3b3; }
tr.differs td.mark { background: #d40000; color: #fff; font-weight: bold; }
.src { color: #555; font-size: 12px; }
.photos { display: flex; gap: 24px; margin-top: 24px; }
.photos figure { margin: 0 8px 8px 0; display: inline-block; }
.photos img { max-width: 240px; max-height: 240px; border: 1px solid #999; }
figcaption { font-size: 12px; color: #333; }
@media print { tr.differs td { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def to_html(c: Comparison) -> str:
    """A self-contained page (photos inlined) an adjudicator can open or print."""
    e = html.escape
    rows = []
    for r in c.rows:
        cls = ' class="differs"' if r.differs else ""
        mark = "differs" if r.differs else ""
        rows.append(
            f"<tr{cls}><td>{e(r.field)}</td><td>{_html_values(r.a)}</td>"
            f'<td>{_html_values(r.b)}</td><td class="mark">{mark}</td></tr>'
        )
    photos = "".join(
        f"<section><h2>{e(side.label)}</h2>{_html_photos(side)}</section>" for side in (c.a, c.b)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Comparison: {e(c.a.label)} vs {e(c.b.label)}</title><style>{_CSS}</style>"
        "</head><body>"
        f"<h1>{e(c.a.label)} vs {e(c.b.label)}</h1>"
        f"<p>{len(c.differences)} difference(s) in {len(c.rows)} fields stated.</p>"
        f"<table><thead><tr><th>field</th><th>{e(c.a.label)}</th><th>{e(c.b.label)}</th>"
        "<th></th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        f'<div class="photos">{photos}</div></body></html>'
    )


def _html_values(values: list[Value]) -> str:
    e = html.escape
    return (
        "<br>".join(
            f'{e(v.text)} <span class="src">({e(", ".join(v.documents))})</span>' for v in values
        )
        or "—"
    )


def _html_photos(side: Side) -> str:
    out = []
    for name, data in sorted(side.photos.items()):
        thumb = thumbnail(data)
        if thumb is None:
            continue
        src = "data:image/jpeg;base64," + base64.b64encode(thumb).decode()
        out.append(
            f'<figure><img src="{src}" alt="{html.escape(name)}">'
            f"<figcaption>{html.escape(name)}</figcaption></figure>"
        )
    return "".join(out) or "<p>no photos</p>"


def thumbnail(data: bytes, side: int = 240) -> bytes | None:
    """A JPEG thumbnail no larger than ``side`` pixels, or None when the bytes are no image."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None
    scale = side / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return buf.tobytes() if ok else None
