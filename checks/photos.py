"""Photos and videos as visual documentation of the vehicle (issue 4; CONTRACT.md codes
``photo.low_resolution``, ``photo.metadata``, ``photo.reused``, ``photo.color_mismatch``).

- :func:`inspect_media` (a per-document inspector): reads the EXIF or container facts, the
  perceptual hash and the alignment fingerprint into ``document.media``; a photo whose long
  side is under ``policy.photo_min_long_side_px`` is ``photo.low_resolution`` (the escrow
  protocol asks for high-resolution photos); a GPS position at 0°, 0° (a receiver that had no
  fix writes zeros) or a capture time after the moment of validation is ``photo.metadata``;
  a video that cannot be decoded is ``document.unreadable``.
- :func:`check_capture_dates`: a photo taken after the latest inspection date, or more than
  ``policy.photo_max_age_years`` before the contract, is ``photo.metadata``.
- :func:`check_reuse_within`: two photos of one upload that are the same picture (re-encoded,
  resized, cropped; :mod:`checks.photo_match`) are ``photo.reused``. Identical files are
  intake's ``document.duplicate`` and not repeated here.
- :func:`check_colour`: the body colour seen in a photo (:mod:`extractors.colour`) against the
  colour the documents state; only a contradiction (red vs blue, white vs black) is a
  finding, and only ``review``: the estimate is a heuristic (measured in
  ``benchmarks/photos.py``).

Across escrow records, reuse is :func:`checks.photo_index.check_reuse`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import combinations

from checks import photo_match
from extractors import colour, media
from verifier.context import CheckContext
from verifier.intake import IntakeItem
from verifier.models import DocType, Document, Finding
from verifier.policy import Policy
from verifier.settings import Settings

PHOTO_TYPES = (DocType.photo, DocType.vin_verification)
# EXIF times are the camera's local clock, often without a zone: a day's slack either way.
CLOCK_SLACK = dt.timedelta(days=1)


def inspect_media(
    item: IntakeItem, doc: Document, settings: Settings, policy: Policy, ctx: CheckContext
) -> list[Finding]:
    if item.error_code:
        return []
    if item.kind == "video" and doc.type is DocType.video:
        return _inspect_video(item, doc, policy)
    if item.kind == "image" and doc.type in PHOTO_TYPES:
        return _inspect_photo(item, doc, policy, ctx)
    return []


def _inspect_video(item: IntakeItem, doc: Document, policy: Policy) -> list[Finding]:
    try:
        info, _ = media.read_video(item.path)
    except media.MediaError as exc:
        doc.error, doc.error_step = str(exc), "media"
        return [policy.finding("document.unreadable", f"{doc.file}: {exc}", [doc.file])]
    doc.media = info
    return []


def _inspect_photo(
    item: IntakeItem, doc: Document, policy: Policy, ctx: CheckContext
) -> list[Finding]:
    try:
        image = media.open_image(item.path)
    except media.MediaError as exc:
        return [policy.finding("document.unreadable", f"{doc.file}: {exc}", [doc.file])]
    with image:
        info = media.image_info(image)
        info._fingerprint = photo_match.fingerprint(image).to_bytes()
        if doc.type is DocType.photo:
            seen = colour.body_colour(image)
            info.vehicle_color = seen.name if seen else None
    doc.media = info
    out = []
    long_side = max(info.width or 0, info.height or 0)
    if doc.type is DocType.photo and long_side < policy.photo_min_long_side_px:
        out.append(
            policy.finding(
                "photo.low_resolution",
                f"{doc.file} is {info.width} x {info.height} pixels; photos of the vehicle "
                f"must be at least {policy.photo_min_long_side_px} px on the long side",
                [doc.file],
                expected=f">= {policy.photo_min_long_side_px} px",
                found=f"{long_side} px",
            )
        )
    if info.gps is not None and info.gps == (0.0, 0.0):
        out.append(
            policy.finding(
                "photo.metadata",
                f"{doc.file}: its GPS position is 0°, 0° (in the Gulf of Guinea): the camera "
                "had no position fix, or the position was edited",
                [doc.file],
                found="0, 0",
            )
        )
    when = info.captured_at
    if when is not None:
        aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        if aware > ctx.moment() + CLOCK_SLACK:
            out.append(
                policy.finding(
                    "photo.metadata",
                    f"{doc.file}: EXIF says it was taken {when.isoformat()}, after the moment "
                    f"of validation ({ctx.moment():%Y-%m-%d})",
                    [doc.file],
                    expected=f"<= {ctx.moment():%Y-%m-%d}",
                    found=when.isoformat(),
                )
            )
    return out


# --- across the documents of one transaction -------------------------------------------------


def _photos(documents: list[Document]) -> list[Document]:
    return [d for d in documents if d.type in PHOTO_TYPES and d.media is not None]


def check_capture_dates(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    inspections = [
        d.fields.inspection_date
        for d in documents
        if d.type is DocType.inspection_report and d.fields.inspection_date
    ]
    contracts = [
        d.fields.issue_date
        for d in documents
        if d.type is DocType.purchase_contract and d.fields.issue_date
    ]
    latest_inspection = max(inspections) if inspections else None
    contract = min(contracts) if contracts else None
    out = []
    for doc in _photos(documents):
        when = doc.media.captured_at if doc.media else None
        if when is None:
            continue
        day = when.date()
        if latest_inspection and day > latest_inspection + CLOCK_SLACK:
            out.append(
                policy.finding(
                    "photo.metadata",
                    f"{doc.file} was taken {day} (EXIF), after the inspection of "
                    f"{latest_inspection}: it does not show the vehicle as inspected",
                    [doc.file],
                    expected=f"<= {latest_inspection}",
                    found=str(day),
                )
            )
        if contract:
            limit = contract - dt.timedelta(days=round(365.25 * policy.photo_max_age_years))
            if day < limit:
                out.append(
                    policy.finding(
                        "photo.metadata",
                        f"{doc.file} was taken {day} (EXIF), more than "
                        f"{policy.photo_max_age_years:g} years before the contract of "
                        f"{contract}: it may not show the vehicle as sold",
                        [doc.file],
                        expected=f">= {limit}",
                        found=str(day),
                    )
                )
    return out


def check_reuse_within(
    documents: list[Document], ctx: CheckContext, policy: Policy
) -> list[Finding]:
    photos = [d for d in _photos(documents) if d.media and d.media._fingerprint]
    prints = {d.file: photo_match.Fingerprint.from_bytes(d.media._fingerprint) for d in photos}
    out = []
    for a, b in combinations(photos, 2):
        if a.sha256 and a.sha256 == b.sha256:
            continue  # the same bytes: intake's document.duplicate
        c = photo_match.compare(prints[a.file], prints[b.file])
        if c.same(policy.photo_same_min_agreement):
            out.append(
                policy.finding(
                    "photo.reused",
                    f"{a.file} and {b.file} are the same picture (re-encoded, resized or "
                    f"cropped): {c.agreement:.0%} of the aligned image agrees",
                    [a.file, b.file],
                    found=f"agreement {c.agreement:.2f}",
                )
            )
    return out


def stated_colour(documents: list[Document]) -> tuple[str, list[str]] | None:
    """The colour name the documents state (when they agree), and which documents state it."""
    stated = [(d.file, colour.stated_name(d.fields.color)) for d in documents if d.fields.color]
    names = Counter(n for _, n in stated if n)
    if len(names) != 1:
        return None  # none, or the documents disagree among themselves: not a photo question
    (name,) = names
    return name, [f for f, n in stated if n == name]


def check_colour(documents: list[Document], ctx: CheckContext, policy: Policy) -> list[Finding]:
    stated = stated_colour(documents)
    if stated is None:
        return []
    name, sources = stated
    out = []
    for doc in _photos(documents):
        seen = doc.media.vehicle_color if doc.media else None
        if seen and colour.contradicts(seen, name):
            out.append(
                policy.finding(
                    "photo.color_mismatch",
                    f"the vehicle in {doc.file} looks {seen}, but {', '.join(sources)} "
                    f"state{'s' if len(sources) == 1 else ''} {name} (estimated from the "
                    "photo's dominant central colour: for a person to look at)",
                    [doc.file, *sources],
                    expected=name,
                    found=seen,
                )
            )
    return out
