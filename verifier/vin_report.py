"""What ``verifier vin`` prints: the contract's JSON objects (``checks.vin.describe``) and a
table for people, with the reasons the JSON leaves out (why no model year, whether a failing
check digit is an error where the vehicle is)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from checks import vin as vin_check

__all__ = ["describe_all", "is_ok", "print_table"]


def describe_all(numbers: list[str], destination: str | None = None) -> list[dict[str, object]]:
    """One contract object per argument, in order."""
    return [vin_check.describe(n, destination=destination) for n in numbers]


def is_ok(described: dict[str, object]) -> bool:
    """Valid: a well-formed VIN whose check digit holds or is not required, or a chassis
    number (which has no check digit)."""
    if not described["format_ok"]:
        return False
    if described["kind"] == "chassis_number":
        return True
    return bool(described["check_digit_ok"]) or not described["check_digit_required"]


def _check_digit_text(d: dict[str, object], destination: str | None) -> str:
    if d["kind"] == "chassis_number":
        return "none (frame number)"
    status = vin_check.check_digit_status(str(d["normalized"]), destination)
    return {
        "valid": "valid",
        "invalid": "[red]INVALID[/red] (mandatory here)",
        "optional": "does not match (optional here: not an error)",
        None: "-",
    }[status]


def _year_text(d: dict[str, object]) -> str:
    if d["kind"] == "chassis_number":
        return "not encoded (frame number)"
    if not d["format_ok"]:
        return "-"
    reading = vin_check.model_year(str(d["normalized"]))
    if reading.year is not None:
        return str(reading.year)
    candidates = ", ".join(str(y) for y in reading.candidates)
    return f"unknown ({candidates}): {reading.reason}" if candidates else reading.reason


def _make_text(d: dict[str, object]) -> str:
    if d["make"]:
        return str(d["make"])
    return "unknown WMI" if d["kind"] == "vin" and d["format_ok"] else "-"


def print_table(
    rows: list[dict[str, object]], console: Console, destination: str | None = None
) -> None:
    table = Table(show_lines=True)
    for column in ("VIN", "kind", "valid", "check digit", "make", "manufacturer", "country",
                   "model year"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for d in rows:
        table.add_row(
            str(d["normalized"] or d["vin"]),
            str(d["kind"]),
            "yes" if is_ok(d) else "[red]no[/red]" + ("" if d["format_ok"] else " (format)"),
            _check_digit_text(d, destination),
            _make_text(d),
            str(d["manufacturer"] or "-"),
            str(d["country"] or "-"),
            _year_text(d),
        )
    console.print(table)
