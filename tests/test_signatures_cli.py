"""``verifier check --trust-roots FILE.pem --at MOMENT`` on signed contracts, as a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import signing
from tests.test_cli import report_of, verifier


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    ca = signing.make_ca()
    seller = signing.make_signer(ca, "Kim Min-jun", "Hanbit Motors Co., Ltd.")
    buyer = signing.make_signer(ca, "Kwame Mensah", "Accra Prime Autos Ltd")
    root = tmp_path_factory.mktemp("pki") / "root.pem"
    root.write_bytes(ca.pem)
    signed = signing.sign(signing.contract_pdf(), seller, ca)
    return {"root": root, "countersigned": signing.sign(signed, buyer, ca, "Sig2")}


def run(folder: Path, root: Path | None, at: str) -> tuple[int, dict]:
    args = ["check", str(folder), "--format", "json", "--at", at]
    if root is not None:
        args += ["--trust-roots", str(root)]
    proc = verifier(*args)
    return proc.returncode, report_of(proc)


def signature_findings(report: dict) -> list[tuple[str, str]]:
    return [
        (f["code"], f["severity"]) for f in report["findings"] if f["code"].startswith("signature.")
    ]


def test_roots_and_moment_valid_beside_tampered(tmp_path, pki):
    (tmp_path / "a_signed.pdf").write_bytes(pki["countersigned"])
    (tmp_path / "b_tampered.pdf").write_bytes(signing.add_page_content(pki["countersigned"]))
    code, report = run(tmp_path, pki["root"], "2026-06-01")
    good, bad = report["documents"]
    assert [(s["field"], s["status"], s["organisation"]) for s in good["signatures"]] == [
        ("Sig1", "valid", "Hanbit Motors Co., Ltd."),
        ("Sig2", "valid", "Accra Prime Autos Ltd"),
    ]
    assert all(s["modified_after_signing"] and s["status"] == "invalid" for s in bad["signatures"])
    assert code == 1 and report["verdict"] == "fail"
    findings = [(f["code"], f["severity"], f["documents"]) for f in report["findings"]]
    assert [f for f in findings if f[0].startswith("signature.")] == [
        ("signature.invalid", "fail", ["b_tampered.pdf"])
    ] * 2


def test_moment_after_expiry_is_indeterminate(tmp_path, pki):
    (tmp_path / "contract.pdf").write_bytes(pki["countersigned"])
    _code, report = run(tmp_path, pki["root"], "2027-06-01T09:30")
    assert {s["status"] for s in report["documents"][0]["signatures"]} == {"indeterminate"}
    assert signature_findings(report) == [("signature.indeterminate", "review")] * 2
