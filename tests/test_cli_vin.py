"""``verifier vin VIN... [--format json] [--destination COUNTRY]`` (CONTRACT.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from cli import app
from tests.conftest import REPO

KEYS = [
    "vin", "normalized", "kind", "format_ok", "check_digit_ok", "check_digit_required",
    "make", "manufacturer", "country", "model_year", "model_year_candidates",
]  # fmt: skip
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["vin", *args], env={"COLUMNS": "250", "NO_COLOR": "1"})


def test_json_one_object_per_argument_in_order():
    result = run("--format", "json", "kmtga4scdru227656", "GRJ150-0012345", "LGXCE4CB8N0012345")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [list(r) for r in rows] == [KEYS] * 3
    genesis, frame, byd = rows
    assert genesis["vin"] == "kmtga4scdru227656" and genesis["normalized"] == "KMTGA4SCDRU227656"
    assert (genesis["make"], genesis["manufacturer"], genesis["country"]) == (
        "Genesis", "Hyundai", "South Korea",
    )  # fmt: skip
    assert genesis["check_digit_ok"] is False and genesis["check_digit_required"] is False
    assert genesis["model_year"] == 2024 and genesis["model_year_candidates"] == [2024]
    assert frame["kind"] == "chassis_number" and frame["check_digit_ok"] is None
    assert frame["make"] is None and frame["model_year"] is None
    assert byd["make"] == "BYD" and byd["check_digit_ok"] is True and byd["model_year"] == 2022


def test_destination_makes_the_check_digit_mandatory():
    result = run("--format", "json", "--destination", "US", "KMTGA4SCDRU227656")
    assert result.exit_code == 1
    (row,) = json.loads(result.stdout)
    assert row["check_digit_required"] is True and row["check_digit_ok"] is False


def test_exit_one_when_any_vin_is_invalid():
    assert run("--format", "json", "LGXCE4CB8N0012345", "LGXCE4CB9N0012345").exit_code == 1
    result = run("--format", "json", "junk")
    assert result.exit_code == 1
    (row,) = json.loads(result.stdout)
    assert row["format_ok"] is False and row["check_digit_ok"] is None and row["make"] is None


def test_not_encoded_year_is_null_with_candidates_and_reason_in_table():
    (row,) = json.loads(run("--format", "json", "VF1BB05CF26010203").stdout)
    assert row["model_year"] is None and row["model_year_candidates"] == [2002]
    result = run("VF1BB05CF26010203", "KMTGA4SCDRU227656")
    assert result.exit_code == 0
    assert "not encoded" in result.stdout and "Genesis" in result.stdout
    assert "optional here" in result.stdout  # Genesis exception VIN: no error outside N. America


def test_usage_errors_exit_two():
    assert run().exit_code == 2
    assert run("--format", "xml", "LGXCE4CB8N0012345").exit_code == 2


def test_as_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "vin", "--format", "json", "1HGCM82633A004352"],
        cwd=REPO, env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["make"] == "Honda"
