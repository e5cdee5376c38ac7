import json

import jsonschema

from verifier.models import Document, Fields, Finding, Report, Severity, Source
from verifier.policy import Policy
from verifier.schema import published_schema, report_schema


def _report(*severities: Severity) -> Report:
    findings = [Finding(code="x.y", severity=s, message="m") for s in severities]
    return Report(escrow_id="ESC-1", policy_version="p", findings=findings)


def test_verdict_is_computed_from_findings():
    assert _report().verdict == "pass"
    assert _report(Severity.info).verdict == "pass"
    assert _report(Severity.info, Severity.review).verdict == "review"
    assert _report(Severity.review, Severity.fail, Severity.info).verdict == "fail"


def test_json_leaves_out_absent_fields_and_uses_contract_names():
    doc = Document(file="a.pdf", sha256="0" * 64, fields=Fields(vin="LGXCE4CB8N0012345"),
                   sources={"vin": Source(page=1, confidence=0.9, raw="LGXCE4CB8NOO12345",
                                          corrections=["O→0 at 11"], method="ocr")})
    data = json.loads(Report(escrow_id="E", policy_version="p", documents=[doc]).to_json())
    assert data["schema"] == "verifier.report/1"
    assert data["verdict"] == "pass"
    assert data["documents"][0]["fields"] == {"vin": "LGXCE4CB8N0012345"}
    assert data["documents"][0]["sources"]["vin"]["corrections"] == ["O→0 at 11"]
    assert "bundle" not in data


def test_published_schema_matches_the_models():
    # Regenerate with `python -m verifier.schema` when the models change.
    assert published_schema() == report_schema()


def test_a_full_report_validates_against_the_published_schema():
    policy = Policy()
    report = Report(
        escrow_id="E", policy_version=policy.version,
        documents=[Document(file="x.pdf", sha256="a" * 64, error="boom", error_step="intake")],
        findings=[policy.finding("document.unreadable", "x.pdf: boom", ["x.pdf"])],
    )
    data = json.loads(report.to_json())
    jsonschema.validate(data, published_schema())
    assert data["verdict"] == "review"


def test_policy_never_passes_an_unknown_code():
    assert Policy().severity_of("something.new") is Severity.review
