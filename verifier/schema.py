"""The report's published JSON schema, generated from the pydantic models.

``python -m verifier.schema`` rewrites ``verifier/data/report.schema.json``; a test fails when
the committed file and the models drift apart, so consumers can rely on the published copy.
"""

from __future__ import annotations

import json
from pathlib import Path

from verifier.models import Report

SCHEMA_FILE = Path(__file__).with_name("data") / "report.schema.json"


def report_schema() -> dict:
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "verifier.report/1"
    return schema


def published_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


if __name__ == "__main__":
    SCHEMA_FILE.write_text(json.dumps(report_schema(), indent=2) + "\n", encoding="utf-8")
    print(SCHEMA_FILE)
