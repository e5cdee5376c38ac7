"""Claims under the escrow protocol: filing window, evidence, grounds, refunds, deadlines."""

import datetime as dt

import pytest

from verifier import claims
from verifier.models import DocType, Document, Fields, MileageEntry, Severity
from verifier.policy import Policy
from verifier.settings import ClaimSettings

D = dt.date
POLICY = Policy()
SETTINGS = ClaimSettings()
ARRIVED = D(2026, 3, 2)  # a Monday
LATE_TODAY = D(2026, 6, 1)  # long after every response window
FILED = D(2026, 3, 4)  # a Wednesday


def doc(name, type_, **fields):
    return Document(file=name, sha256="0" * 64, type=type_, fields=Fields(**fields))


def prado_contract(**over):
    base = dict(
        make="Toyota",
        model="Land Cruiser Prado",
        model_year=2023,
        engine_displacement_cc=2800,
        engine_displacement_precision_cc=100,
        fuel_type="diesel",
        transmission="automatic",
        price=42000.0,
        currency="USD",
        odometer_km=18250,
        issue_date=D(2026, 1, 10),
    )
    base.update(over)
    return [
        doc("contract.pdf", DocType.purchase_contract, **base),
        doc(
            "mileage.pdf", DocType.mileage_certificate, odometer_km=18400, issue_date=D(2026, 1, 20)
        ),
    ]


def arrival(remarks="No defects found.", issuer="SGS Nigeria Ltd", photos=True, **over):
    base = dict(
        make="Toyota",
        model="Land Cruiser Prado",
        model_year=2023,
        engine_displacement_cc=2755,
        engine_displacement_precision_cc=1,
        fuel_type="diesel",
        transmission="automatic",
        odometer_km=19100,
        inspection_date=D(2026, 3, 3),
        issuer=issuer,
        remarks=remarks,
    )
    base.update(over)
    docs = [doc("arrival_inspection.pdf", DocType.inspection_report, **base)]
    if photos:
        docs.append(doc("front.jpg", DocType.photo))
    return docs


def decide(contract=None, arrived_docs=None, *, filed=FILED, today=LATE_TODAY,
           settings=SETTINGS, **terms):
    return claims.evaluate_claim(
        prado_contract() if contract is None else contract,
        arrival() if arrived_docs is None else arrived_docs,
        claims.ClaimTerms(arrived=ARRIVED, filed=filed, **terms),
        settings=settings, policy=POLICY, today=today,
    )


# ---------------------------------------------------------------- the seed example


def test_seed_example_2023_prado_diesel_delivered_as_2022_2_7l_petrol():
    d = decide(
        arrived_docs=arrival(
            model_year=2022,
            engine_displacement_cc=2700,
            engine_displacement_precision_cc=100,
            fuel_type="petrol",
        )
    )
    assert d.filed_in_time and d.complete and d.non_conforming and not d.material
    assert d.grounds == ["spec.mismatch", "year.mismatch"]
    fields = {f.message.split(":")[0] for f in d.findings if f.code == "spec.mismatch"}
    assert fields == {"engine_displacement_cc", "fuel_type"}
    # default table: model year 8% + engine 10% + fuel 15% = 33% of 42,000
    assert d.refund.variance_pct == 33.0 and d.refund.amount == 13860.0
    assert d.refund.currency == "USD" and "return freight borne by the seller" in d.refund.basis
    assert d.default_judgment and not d.escalate


def test_a_conforming_car_is_no_claim():
    d = decide()
    assert d.grounds == [] and not d.non_conforming and d.refund is None
    assert not d.default_judgment and not d.upheld


def test_2755cc_is_the_contracted_2_8l_but_2_7l_is_not():
    assert decide(arrived_docs=arrival()).grounds == []
    d = decide(
        arrived_docs=arrival(engine_displacement_cc=2700, engine_displacement_precision_cc=100)
    )
    assert d.grounds == ["spec.mismatch"]


# ---------------------------------------------------------------- the grounds


def test_odometer_more_than_10000_km_above_the_documented_reading():
    # documented: 18,400 km on the mileage certificate (the latest pre-shipment reading)
    assert decide(arrived_docs=arrival(odometer_km=28_400)).grounds == []
    d = decide(arrived_docs=arrival(odometer_km=28_401))
    assert d.grounds == ["mileage.discrepancy"]
    (f,) = d.findings
    assert f.documents[0] == "mileage.pdf" and f.found == "28401"


def test_mileage_over_the_allowance_refunds_per_started_1000_km_up_to_the_cap():
    d = decide(arrived_docs=arrival(odometer_km=18_400 + 10_000 + 2_500))
    assert d.refund.variance_pct == 3.0  # 2,500 km over: three started 1,000 km
    d = decide(arrived_docs=arrival(odometer_km=18_400 + 10_000 + 90_000))
    assert d.refund.variance_pct == 20.0


def test_service_history_entries_count_as_documented_readings():
    contract = prado_contract()
    contract.append(
        doc(
            "service.pdf",
            DocType.mileage_record,
            mileage_entries=[MileageEntry(date=D(2026, 1, 25), odometer_km=30_000)],
        )
    )
    assert decide(contract, arrival(odometer_km=39_000)).grounds == []


@pytest.mark.parametrize(
    "remarks",
    [
        "Engine overhauled in 2025; cylinder head replaced.",
        "Transmission replaced with a used unit.",
    ],
)
def test_an_undisclosed_major_repair_is_a_ground(remarks):
    d = decide(arrived_docs=arrival(remarks=remarks))
    assert d.grounds == ["modification.undisclosed"] and not d.material
    assert d.refund.variance_pct == 15.0


def test_a_disclosed_repair_is_no_ground():
    contract = prado_contract(disclosures="Transmission replaced in 2024 under warranty.")
    found = decide(contract, arrival(remarks="Transmission replaced with a used unit."))
    assert found.grounds == []


@pytest.mark.parametrize(
    "remarks, kind",
    [
        ("Flood damage: silt under the carpets, corrosion on seat rails.", "flood"),
        ("Evidence of a frontal accident; chassis rail repaired.", "accident"),
        ("Water ingress in the cabin and the boot.", "water"),
    ],
)
def test_material_damage_refunds_price_plus_costs(remarks, kind):
    d = decide(
        arrived_docs=arrival(remarks=remarks),
        costs={"logistics": 2100, "customs": 3400.5, "inspection": 350},
    )
    assert "damage.material" in d.grounds and d.material and d.non_conforming
    assert d.refund.amount == 42000 + 2100 + 3400.5 + 350
    assert d.refund.costs == {"logistics": 2100, "customs": 3400.5, "inspection": 350}
    assert "full price" in d.refund.basis and "return freight" in d.refund.basis
    assert kind in next(f.found for f in d.findings if f.code == "damage.material")


@pytest.mark.parametrize(
    "remarks",
    [
        "No flood damage. No signs of accident. None observed.",
        "Body and chassis: no accident damage found; no water ingress.",
        "",
    ],
)
def test_negated_damage_is_no_ground(remarks):
    assert decide(arrived_docs=arrival(remarks=remarks)).grounds == []


# ---------------------------------------------------------------- filing and evidence


@pytest.mark.parametrize(
    "filed, in_time",
    [
        (D(2026, 3, 2), True),
        (D(2026, 3, 5), True),
        (D(2026, 3, 6), False),
        (D(2026, 3, 1), False),
    ],
)
def test_filing_window_is_arrival_day_plus_three_inclusive(filed, in_time):
    d = decide(arrived_docs=arrival(fuel_type="petrol"), filed=filed)
    assert d.filed_in_time is in_time
    late = [f for f in d.findings if f.code == "claim.late"]
    assert bool(late) is not in_time
    if late:
        assert late[0].severity is Severity.fail and late[0].found == filed.isoformat()
        assert d.refund is None and not d.default_judgment and not d.upheld


def test_missing_evidence_makes_the_claim_incomplete_and_names_it():
    d = decide(arrived_docs=arrival(fuel_type="petrol", photos=False, issuer="Joe's Garage"))
    assert not d.complete and d.refund is None and not d.default_judgment
    (f,) = [f for f in d.findings if f.code == "claim.incomplete"]
    assert "accredited agency" in f.message and "Joe's Garage" in f.message
    assert "photos or videos" in f.message
    d = decide(arrived_docs=[doc("front.jpg", DocType.photo)])
    assert d.missing_evidence == ["an arrival inspection report"]


def test_accredited_agencies_are_configuration_and_matched_as_words():
    assert claims.accredited("SGS Nigeria Ltd", SETTINGS)
    assert claims.accredited("Bureau Veritas Kenya", SETTINGS)
    assert not claims.accredited("Sgsx Motors", SETTINGS)
    local = ClaimSettings(accredited_agencies=["Lagos Vehicle Inspectorate"])
    assert not claims.accredited("SGS Nigeria Ltd", local)
    d = decide(
        arrived_docs=arrival(issuer="Lagos Vehicle Inspectorate", fuel_type="petrol"),
        settings=local,
    )
    assert d.complete


def test_a_video_counts_as_visual_evidence():
    docs = arrival(photos=False, fuel_type="petrol") + [doc("walkaround.mp4", DocType.video)]
    assert decide(arrived_docs=docs).complete


# ---------------------------------------------------------------- response, ruling, refund


def test_no_response_before_the_window_closes_is_no_judgment_yet():
    d = decide(arrived_docs=arrival(fuel_type="petrol"), today=D(2026, 3, 6))
    assert d.seller_response_due == D(2026, 3, 13)
    assert d.upheld and not d.default_judgment and d.refund is None


def test_a_response_without_evidence_is_a_default_judgment_for_the_buyer():
    response = claims.SellerResponse(statement="The car was as described.")
    d = decide(
        arrived_docs=arrival(fuel_type="petrol"), seller_response=response, today=D(2026, 3, 6)
    )
    assert d.default_judgment and not d.escalate and d.refund.amount == 6300.0


def test_a_substantiated_response_escalates_to_mediation():
    response = claims.SellerResponse(
        contests=["spec.mismatch"], evidence=["factory_build_sheet.pdf"]
    )
    d = decide(arrived_docs=arrival(fuel_type="petrol"), seller_response=response)
    assert d.escalate and not d.default_judgment and d.refund is None and d.refund_due is None


def test_evidence_against_another_ground_does_not_substantiate():
    response = claims.SellerResponse(contests=["mileage.discrepancy"], evidence=["invoice.pdf"])
    d = decide(arrived_docs=arrival(fuel_type="petrol"), seller_response=response)
    assert d.default_judgment and not d.escalate


def test_adjudicator_variance_and_ruling_set_amount_and_due_date():
    # ruled Friday 2026-04-03; Monday 04-06 a holiday: 7 business days → Wednesday 04-15
    settings = ClaimSettings(holidays=[D(2026, 4, 6)])
    d = decide(
        arrived_docs=arrival(fuel_type="petrol"),
        variance_pct=10,
        ruled=D(2026, 4, 3),
        settings=settings,
    )
    assert d.refund.amount == 4200.0 and d.refund.variance_pct == 10
    assert "set by the adjudicator" in d.refund.basis
    assert d.refund_due == D(2026, 4, 15)


def test_a_different_model_has_no_default_variance():
    d = decide(arrived_docs=arrival(model="Hilux"))
    assert d.grounds == ["spec.mismatch"] and d.refund is None
    (f,) = [f for f in d.findings if f.code == "claim.refund_undetermined"]
    assert "--variance-pct" in f.message
    assert decide(arrived_docs=arrival(model="Hilux"), variance_pct=25).refund.amount == 10500


def test_no_price_in_the_contract_means_no_refund_figure():
    d = decide(prado_contract(price=None, currency=None), arrival(fuel_type="petrol"))
    assert d.refund is None
    assert any(f.code == "claim.refund_undetermined" for f in d.findings)


# ---------------------------------------------------------------- business days


@pytest.mark.parametrize(
    "start, holidays, due",
    [
        (D(2026, 11, 27), [], D(2026, 12, 8)),  # Friday → across one weekend
        (D(2026, 11, 28), [], D(2026, 12, 8)),  # Saturday counts from Friday
        (D(2026, 11, 23), [], D(2026, 12, 2)),  # Monday
        (D(2026, 11, 27), [D(2026, 12, 1), D(2026, 12, 2)], D(2026, 12, 10)),
        (D(2026, 12, 24), [D(2026, 12, 25), D(2027, 1, 1)], D(2027, 1, 6)),
    ],
)
def test_business_days_skip_weekends_and_holidays(start, holidays, due):
    assert claims.add_business_days(start, 7, holidays) == due


def test_seller_response_file_loads(tmp_path):
    p = tmp_path / "r.json"
    p.write_text('{"received": "2026-03-09", "evidence": ["a.pdf"]}')
    r = claims.SellerResponse.load(p)
    assert r.received == D(2026, 3, 9) and r.substantiates_against(["spec.mismatch"])
    p.write_text('{"surprise": 1}')
    with pytest.raises(ValueError):
        claims.SellerResponse.load(p)


def test_a_year_of_manufacture_may_precede_the_contracted_model_year_by_one():
    assert decide(arrived_docs=arrival(model_year=None, manufacture_year=2022)).grounds == []
    assert decide(arrived_docs=arrival(model_year=None, manufacture_year=2023)).grounds == []
    d = decide(arrived_docs=arrival(model_year=None, manufacture_year=2020))
    assert d.grounds == ["year.mismatch"]
    assert d.refund.variance_pct == 16.0  # at best a 2021 model: two years × 8%
    assert decide(arrived_docs=arrival(model_year=None, manufacture_year=2024)).grounds == [
        "year.mismatch"
    ]


def test_claim_terms_refuse_unknown_or_negative_costs():
    with pytest.raises(ValueError, match="unknown costs"):
        claims.ClaimTerms(arrived=ARRIVED, filed=FILED, costs={"hotel": 100})
    with pytest.raises(ValueError, match="negative"):
        claims.ClaimTerms(arrived=ARRIVED, filed=FILED, costs={"customs": -1})
    with pytest.raises(ValueError):
        claims.ClaimTerms(arrived=ARRIVED, filed=FILED, variance_pct=120)
