"""checks/mileage.py: the odometer timeline, the 10,000 km rule, rollbacks."""

from __future__ import annotations

import pytest

from checks import mileage
from tests.checks_helpers import CTX, POLICY, codes, day, doc
from verifier.models import MileageEntry


def service(*entries):
    return doc(
        "svc.pdf",
        "mileage_record",
        mileage_entries=[MileageEntry(date=day(d), odometer_km=km) for d, km in entries],
    )


def run(*docs):
    return mileage.check_transaction(list(docs), CTX, POLICY)


def clean():
    return [
        service(("2023-01-10", 20_000), ("2023-09-01", 41_000)),
        doc("c.pdf", "purchase_contract", issue_date=day("2024-03-01"), odometer_km=52_000),
        doc("cert.pdf", "mileage_certificate", issue_date=day("2024-03-05"), odometer_km=52_300),
        doc("i.pdf", "inspection_report", inspection_date=day("2024-03-08"), odometer_km=52_600),
    ]


def test_consistent_timeline_passes_and_is_sorted():
    assert run(*clean()) == []
    line = mileage.timeline(clean())
    assert [r.km for r in line] == [20_000, 41_000, 52_000, 52_300, 52_600]
    assert [r.source for r in line][:2] == ["service entry", "service entry"]


def test_rounded_declared_figure_is_not_a_rollback():
    docs = [*clean(), doc("d.pdf", "seller_declaration", issue_date=day("2024-03-06"),
                          odometer_km=52_000)]  # "5.2万公里" after 52,300 on the day before
    assert run(*docs) == []


def test_more_than_10000_km_within_30_days_is_a_discrepancy():
    docs = clean()
    docs[3] = doc("i.pdf", "inspection_report", inspection_date=day("2024-03-08"),
                  odometer_km=64_000)
    found = run(*docs)
    assert {c for c in codes(found)} == {("mileage.discrepancy", "fail")}
    assert all("i.pdf" in f.documents for f in found)


def test_more_than_10000_km_over_a_year_is_driving():
    docs = [doc("a.pdf", "mileage_certificate", issue_date=day("2023-01-01"), odometer_km=10_000),
            doc("b.pdf", "inspection_report", inspection_date=day("2023-12-01"),
                odometer_km=35_000)]
    assert run(*docs) == []


def test_service_history_above_the_contract_is_a_rollback():
    docs = clean()
    docs[0] = service(("2023-01-10", 20_000), ("2023-09-01", 88_000))
    found = run(*docs)
    assert {c for c in codes(found)} == {("mileage.rollback", "fail")}
    assert any(f.documents == ["c.pdf", "svc.pdf"] for f in found)


def test_fall_within_one_service_history():
    found = run(service(("2021-01-01", 30_000), ("2021-08-01", 12_000), ("2022-03-01", 45_000)))
    assert codes(found) == [("mileage.rollback", "fail")]
    assert found[0].documents == ["svc.pdf"]


def test_uncertain_ocr_reading_is_review():
    docs = clean()
    docs[3] = doc("i.jpg", "inspection_report", ocr_conf=0.4,
                  inspection_date=day("2024-03-08"), odometer_km=12_600)
    assert {c for c in codes(run(*docs))} == {("mileage.rollback", "review")}


@pytest.mark.parametrize("km", [-1, 5_000_000])
def test_impossible_reading_is_indeterminate(km):
    found = run(doc("x.pdf", "inspection_report", inspection_date=day("2024-01-01"),
                    odometer_km=km))
    assert codes(found) == [("mileage.discrepancy", "review")]
    assert mileage.timeline([doc("x.pdf", "inspection_report",
                                 inspection_date=day("2024-01-01"), odometer_km=km)]) == []


def test_undated_reading_is_noted_not_judged():
    found = run(doc("x.pdf", "inspection_report", odometer_km=50_000), *clean())
    assert codes(found) == [("mileage.discrepancy", "info")]


def test_documents_with_errors_are_not_read():
    bad = doc("c.pdf", "purchase_contract", issue_date=day("2024-03-01"), odometer_km=1)
    bad.error = "unreadable"
    assert run(*clean()[:1], bad) == []
