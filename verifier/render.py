"""The human rendering of a report: a rich table per documents and findings.

The report decides; this only displays it (pyHanko's status objects and their pretty-print).
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from verifier.models import Report, Severity

_VERDICT_STYLE = {"pass": "bold green", "review": "bold yellow", "fail": "bold red"}
_SEVERITY_STYLE = {Severity.fail: "red", Severity.review: "yellow", Severity.info: "dim"}
# The fields worth a column in the terminal; the JSON has them all.
_SHOWN = (
    "vin",
    "chassis_number",
    "make",
    "model",
    "model_year",
    "odometer_km",
    "engine_displacement_cc",
    "fuel_type",
    "document_number",
)


def _fields_text(doc) -> Text:
    data = doc.fields.model_dump(exclude_none=True, mode="json")
    text = Text()
    for key in _SHOWN:
        if key in data:
            corrected = doc.sources.get(key) and doc.sources[key].corrections
            text.append(f"{key}=", style="dim")
            text.append(f"{data[key]}", style="yellow" if corrected else "")
            text.append("  ")
    others = len([k for k in data if k not in _SHOWN])
    if others:
        text.append(f"+{others} more", style="dim")
    return text


def render(report: Report) -> Group:
    docs = Table(title=f"Escrow {report.escrow_id} · stage {report.stage}", expand=True)
    docs.add_column("file", overflow="fold", ratio=2)
    docs.add_column("type", ratio=2)
    docs.add_column("pages", justify="right")
    docs.add_column("read", ratio=1)
    docs.add_column("what it states", overflow="fold", ratio=6)
    for doc in report.documents:
        kind = Text(doc.type.value)
        if doc.type_confidence and doc.type.value != "unknown":
            kind.append(f" {doc.type_confidence:.2f}", style="dim")
        how = "OCR" if doc.ocr else ("text" if doc.pages else "-")
        states = (
            Text(f"error ({doc.error_step}): {doc.error}", style="red")
            if doc.error
            else (_fields_text(doc))
        )
        docs.add_row(Text(doc.file), kind, str(doc.pages), how, states)

    findings = Table(title="Findings", expand=True)
    findings.add_column("severity")
    findings.add_column("code")
    findings.add_column("message", overflow="fold", ratio=1)
    for f in report.findings:
        findings.add_row(
            Text(f.severity.value, style=_SEVERITY_STYLE[f.severity]), f.code, Text(f.message)
        )
    if not report.findings:
        findings.add_row("-", "-", "no findings")
    verdict = Text(f"verdict: {report.verdict}", style=_VERDICT_STYLE[report.verdict])
    parts = [docs, findings, verdict]
    if report.bundle:
        parts.append(Text(f"sealed bundle {report.bundle.id} root {report.bundle.root_sha256}"))
    return Group(*parts)


def print_report(report: Report, console: Console | None = None) -> None:
    (console or Console()).print(render(report))
