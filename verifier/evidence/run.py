"""The pipeline's two evidence steps (``../shared/DESIGN.md``: intake … seal).

* :func:`store_originals`, right after intake and before anything parses a file: every
  original that intake could hash is stored (durably) first, so a crash during OCR loses
  nothing. A file the store refuses is recorded, never skipped silently.
* :func:`seal_report`, last: the originals, what was read from them (text and word boxes per
  page, as JSON) and the report (without its ``bundle`` key) are sealed into one bundle
  against the escrow record, and ``report.bundle`` names it. When an original was not stored
  or sealing fails, the report says which step failed (``evidence.not_stored`` on the
  document, with ``error_step`` ``store``; ``evidence.unsealed``) and nothing is sealed:
  a bundle missing an original would misstate what was uploaded.
"""

from __future__ import annotations

import json

from extractors import media
from verifier.context import CheckContext
from verifier.evidence.store import Store, StoreError, check_id
from verifier.intake import IntakeItem
from verifier.models import Report
from verifier.policy import Policy


def store_originals(items: list[IntakeItem], store: Store) -> dict[str, str]:
    """Store every hashed original; ``{name: why}`` for each that could not be stored."""
    failed: dict[str, str] = {}
    for item in items:
        if item.sha256 is None:
            continue  # intake read no byte of it (special file, link out): nothing to store
        try:
            sha = store.put_original(item.path)
        except StoreError as exc:
            failed[item.name] = f"storing the original failed: {exc}"
            continue
        if sha != item.sha256:
            failed[item.name] = (
                f"the file changed between intake and storing (intake hashed {item.sha256}, "
                f"the store received {sha})"
            )
    return failed


def derived_of(result) -> bytes:
    """What was read from one document, as JSON: per page its text and word boxes."""
    pages = [
        {
            "page": p.number,
            "method": p.method,
            "unit": p.unit,
            "width": p.width,
            "height": p.height,
            "text": p.text,
            "words": [
                {"text": w.text, "box": [round(c, 2) for c in w.box], "conf": round(w.conf, 4)}
                for w in p.words
            ],
            "notes": list(p.notes),
        }
        for p in result.pages
    ]
    doc = result.document
    data = {"file": doc.file, "sha256": doc.sha256, "type": doc.type.value, "pages": pages}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def seal_report(
    store: Store,
    report: Report,
    items: list[IntakeItem],
    results: list,
    unstored: dict[str, str],
    policy: Policy,
    compared_with: str | None = None,
) -> Report:
    """Record storing failures, then seal the run; the report with ``bundle`` set."""
    findings = list(report.findings)
    for doc in report.documents:
        if doc.file in unstored:
            if doc.error is None:
                doc.error, doc.error_step = unstored[doc.file], "store"
            findings.append(
                policy.finding(
                    "evidence.not_stored", f"{doc.file}: {unstored[doc.file]}", [doc.file]
                )
            )
    report = report.model_copy(update={"findings": findings})
    if unstored:
        why = f"{len(unstored)} original(s) could not be stored, so no bundle was sealed"
        return _unsealed(report, policy, why, sorted(unstored))
    originals = [(i.name, i.sha256) for i in items if i.sha256 is not None]
    derived = {f"{r.document.file}.json": derived_of(r) for r in results if r.pages}
    for item in items:
        derived.update(media.derived_files(item))  # a video's keyframes
    try:
        check_id(report.escrow_id, "escrow id")
        ref = store.seal(
            report.escrow_id,
            report.stage,
            originals=originals,
            derived=derived,
            report=report,
            compared_with=compared_with,
        )
    except StoreError as exc:
        return _unsealed(report, policy, f"sealing the bundle failed: {exc}", [])
    return report.model_copy(update={"bundle": ref})


def _unsealed(report: Report, policy: Policy, why: str, documents: list[str]) -> Report:
    finding = policy.finding("evidence.unsealed", why, documents)
    return report.model_copy(update={"findings": [*report.findings, finding]})


def with_history(store: Store, escrow_id: str, ctx: CheckContext) -> CheckContext:
    """The context with what the escrow record's earlier bundles verified: at ``deal-lock``,
    the documents of the latest sealed ``pre-transaction`` bundle (``checks/deal_lock.py``).
    A record with no such bundle leaves the context as it is (the lock is then unverified)."""
    if ctx.stage != "deal-lock" or ctx.verified_before:
        return ctx
    try:
        earlier = [b for b in store.bundles(escrow_id) if b.stage == "pre-transaction"]
        if not earlier:
            return ctx
        report = Report.model_validate_json(store.read_file(earlier[-1].id, "data/report.json"))
    except StoreError:
        return ctx
    return ctx.model_copy(update={"verified_before": tuple(report.documents)})
