"""Identifiers stated on one document: VIN (ISO 3779) and container numbers (ISO 6346).

Facts only; the policy decides severity. Where the VIN check digit is mandatory (North
America, 49 CFR 565; China, GB 16735) a wrong one is ``vin.checksum``; elsewhere it is
optional and not a finding. A VIN that OCR read with low confidence, or only through
corrections nothing confirmed, is ``document.ocr_uncertain``: a person should look.
"""

from __future__ import annotations

from checks import container, vin
from verifier.models import Document, Finding
from verifier.policy import Policy


def check_document(doc: Document, policy: Policy) -> list[Finding]:
    out: list[Finding] = []
    name = doc.file
    stated = doc.fields.vin
    if stated:
        if not vin.is_valid(stated, require_check_digit=False):
            out.append(
                policy.finding(
                    "vin.format",
                    f"{name}: {stated} is not a well-formed VIN (ISO 3779)",
                    [name],
                    found=stated,
                )
            )
        elif vin.check_digit_required(stated) and not vin.check_digit_ok(stated):
            out.append(
                policy.finding(
                    "vin.checksum",
                    f"{name}: VIN {stated} fails the mandatory check digit (position 9 should be "
                    f"{vin.calc_check_digit(stated)})",
                    [name],
                    expected=vin.calc_check_digit(stated),
                    found=stated[8],
                )
            )
        source = doc.sources.get("vin")
        if source is not None and source.method == "ocr":
            confirmed = vin.check_digit_required(stated) and vin.check_digit_ok(stated)
            agreed = bool(source.agreement)
            if source.confidence < policy.ocr_vin_min_confidence and not (confirmed or agreed):
                out.append(
                    policy.finding(
                        "document.ocr_uncertain",
                        f"{name}: VIN read by OCR as {stated} with confidence "
                        f"{source.confidence:.2f}, confirmed by neither a check digit nor "
                        "other documents",
                        [name],
                        found=stated,
                    )
                )
    for number in doc.fields.container_numbers or []:
        if not container.is_valid(number):
            out.append(
                policy.finding(
                    "container.checksum",
                    f"{name}: container number {number} fails the ISO 6346 check digit",
                    [name],
                    found=number,
                )
            )
    return out
