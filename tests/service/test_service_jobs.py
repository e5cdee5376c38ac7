"""Upload → job → report over real HTTP: the originals are stored before the answer, a job
verifies the record's whole current set and seals a bundle only when that set changed."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

from tests.service.conftest import SAMPLE, STAGE, TEXT_PDFS
from verifier.evidence import open_store

FAST = TEXT_PDFS[1:]  # the quickest to read


def sha(name: str) -> str:
    return hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest()


def test_upload_job_report(service):
    with service.client("inspector") as c:
        r = c.get("/v1/escrows/ESC-FLOW/report")
        assert r.status_code == 404 and r.json()["error"]["code"] == "report.not_found"
    r = service.upload("ESC-FLOW", TEXT_PDFS[0], TEXT_PDFS[4])
    assert r.status_code == 202, r.text
    answer = r.json()
    assert [(f["name"], f["sha256"], f["new"]) for f in answer["files"]] == [
        (TEXT_PDFS[0], sha(TEXT_PDFS[0]), True), (TEXT_PDFS[4], sha(TEXT_PDFS[4]), True)]
    # stored before the answer: the store has both originals and the record lists them
    store = open_store(service.store)
    assert all(store.has_original(f["sha256"]) for f in answer["files"])
    assert {d.sha256 for d in store.documents("ESC-FLOW", STAGE)} == {
        sha(TEXT_PDFS[0]), sha(TEXT_PDFS[4])}

    job = service.wait_job(answer["job"]["id"])
    assert job["state"] == "done" and job["outcome"] == "sealed", job
    assert job["documents"] == 2 and job["pages"] >= 2 and job["error"] is None
    assert re.fullmatch(r"[0-9a-f]{64}", job["bundle"]["root_sha256"])

    with service.client("inspector") as c:
        report = c.get(job["report"]["url"]).json()
        assert report["escrow_id"] == "ESC-FLOW" and report["stage"] == STAGE
        assert sorted(d["sha256"] for d in report["documents"]) == sorted(
            f["sha256"] for f in answer["files"])
        assert report["bundle"]["id"] == job["bundle"]["id"]
        assert report["verdict"] in ("pass", "review", "fail")
        # the sealed copy is intact
        v = c.post(f"/v1/bundles/{job['bundle']['id']}/verify").json()
        assert v["intact"] is True and v["problems"] == [] and v["escrow_id"] == "ESC-FLOW"


def test_reupload_of_the_same_bytes_seals_nothing_new(service):
    first = service.upload("ESC-IDEM", TEXT_PDFS[1]).json()
    job1 = service.wait_job(first["job"]["id"])
    assert job1["outcome"] == "sealed"

    # the same bytes again, under the same and under another name
    with service.client("uploader") as c:
        again = c.post("/v1/escrows/ESC-IDEM/documents", data={"stage": STAGE}, files=[
            ("files", (TEXT_PDFS[1], (SAMPLE / TEXT_PDFS[1]).read_bytes())),
            ("files", ("renamed copy.pdf", (SAMPLE / TEXT_PDFS[1]).read_bytes())),
        ]).json()
    assert [f["new"] for f in again["files"]] == [False, False]
    assert again["new_documents"] == 0
    job2 = service.wait_job(again["job"]["id"])
    assert job2["state"] == "done" and job2["outcome"] == "unchanged", job2
    assert job2["bundle"]["id"] == job1["bundle"]["id"]
    store = open_store(service.store)
    assert len(store.documents("ESC-IDEM", STAGE)) == 1
    assert [b.id for b in store.bundles("ESC-IDEM")] == [job1["bundle"]["id"]]

    # a new document: a new bundle over the whole set, chained to the first
    third = service.upload("ESC-IDEM", TEXT_PDFS[2]).json()
    assert third["new_documents"] == 1
    job3 = service.wait_job(third["job"]["id"])
    assert job3["outcome"] == "sealed" and job3["documents"] == 2
    assert job3["bundle"]["previous"] == job1["bundle"]["id"]
    with service.client("adjudicator") as c:
        listed = c.get("/v1/escrows/ESC-IDEM/bundles").json()["bundles"]
    assert [b["id"] for b in listed] == [job1["bundle"]["id"], job3["bundle"]["id"]]
    assert all(b["link_ok"] for b in listed)


def test_eight_concurrent_escrows_each_get_a_complete_report(service):
    escrows = [f"ESC-CONC-{i}" for i in range(8)]

    def one(i: int) -> tuple[str, dict, dict]:
        escrow = escrows[i]
        names = (FAST[i % 4], FAST[(i + 1) % 4])
        r = service.upload(escrow, *names)
        assert r.status_code == 202, r.text
        job = service.wait_job(r.json()["job"]["id"], timeout=180)
        with service.client("inspector") as c:
            return escrow, job, c.get(f"/v1/escrows/{escrow}/report").json()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(8)))
    for i, (escrow, job, report) in enumerate(results):
        assert job["state"] == "done" and job["outcome"] == "sealed", job
        assert report["escrow_id"] == escrow
        expected = {sha(FAST[i % 4]), sha(FAST[(i + 1) % 4])}
        assert {d["sha256"] for d in report["documents"]} == expected
        assert all(d["type"] != "unknown" for d in report["documents"]), report["documents"]
        assert report["bundle"]["id"] == job["bundle"]["id"]


def test_metrics_count_jobs_pages_and_uploads(service):
    r = service.upload("ESC-METRICS", TEXT_PDFS[3])
    service.wait_job(r.json()["job"]["id"])
    with service.client("admin") as c:
        r = c.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            values[key] = float(value)
    assert values['verifier_jobs{state="done"}'] >= 1
    assert values["verifier_job_duration_seconds_count"] >= 1
    assert values["verifier_pages_read_total"] >= 1
    assert values['verifier_uploaded_files_total{new="true"}'] >= 1
    assert values["verifier_uploaded_bytes_total"] >= (SAMPLE / TEXT_PDFS[3]).stat().st_size
