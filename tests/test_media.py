"""Photos and videos: EXIF facts, resolution, near-duplicates within an upload and across
escrow records, body colour, capture dates, and MP4 metadata and keyframes (issue 4)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import random
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from checks import photo_match, photos
from checks.photo_index import MemoryMeta, PhotoIndex, check_reuse
from extractors import colour, media
from fixtures import imaging, vehicles
from tests.conftest import SAMPLE, truth_path
from tests.fake_ocr import FakeReaderFactory
from verifier.context import CheckContext
from verifier.intake import IntakeItem
from verifier.models import DocType, Document, Fields, MediaInfo
from verifier.pipeline import check_folder
from verifier.policy import Policy
from verifier.settings import Settings

POLICY = Policy()
CTX = CheckContext(at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
ONE_WORKER = Settings.model_validate({"ocr": {"workers": 1}})


def car(seed: int, color: str | None = None, compact: bool = True) -> bytes:
    rng, nprng = random.Random(seed), np.random.default_rng(seed)
    v = vehicles.make_vehicle(rng, dt.date(2024, 5, 1))
    if color:
        v = dataclasses.replace(v, color=color)
    data, _ = imaging.car_photo(v, rng, nprng, dt.datetime(2024, 5, 1, 10), compact)
    return data


def jpeg(im: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", **kw)
    return buf.getvalue()


def exif_jpeg(size=(640, 480), gps=True) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 13"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2024:05:01 14:27:19"
    sub[0x9011] = "+08:00"
    if gps:
        g = exif.get_ifd(0x8825)
        g[1], g[2] = "S", (Fraction(33), Fraction(51), Fraction(5436, 100))
        g[3], g[4] = "E", (Fraction(151), Fraction(12), Fraction(3024, 100))
    return jpeg(Image.new("RGB", size, (90, 120, 200)), exif=exif.tobytes())


def item_for(path: Path, kind: str) -> IntakeItem:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return IntakeItem(path=path, name=path.name, sha256=sha,
                      size=path.stat().st_size, media_type=None, kind=kind)


def inspect(path: Path, doc_type: DocType, kind: str = "image") -> tuple[Document, list]:
    doc = Document(file=path.name, sha256=item_for(path, kind).sha256, type=doc_type)
    found = photos.inspect_media(item_for(path, kind), doc, Settings(), POLICY, CTX)
    return doc, found


# --- EXIF and resolution ---------------------------------------------------------------------


def test_exif_time_device_and_gps_are_read():
    facts = media.exif_facts(Image.open(io.BytesIO(exif_jpeg())))
    assert facts.captured_at == dt.datetime(
        2024, 5, 1, 14, 27, 19, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert facts.device == "Apple iPhone 13"
    lat, lon = facts.gps
    assert lat == pytest.approx(-(33 + 51 / 60 + 54.36 / 3600), abs=1e-6)
    assert lon == pytest.approx(151 + 12 / 60 + 30.24 / 3600, abs=1e-6)


def test_photo_without_exif_states_nothing(tmp_path):
    path = tmp_path / "plain.jpg"
    path.write_bytes(jpeg(Image.new("RGB", (2400, 1800), (200, 30, 30))))
    doc, found = inspect(path, DocType.photo)
    assert (doc.media.captured_at, doc.media.device, doc.media.gps) == (None, None, None)
    assert (doc.media.width, doc.media.height) == (2400, 1800)
    assert len(doc.media.phash) == 16
    assert found == []  # large enough, nothing implausible


def test_low_resolution_photo_is_flagged_and_the_threshold_is_policy(tmp_path):
    path = tmp_path / "small.jpg"
    path.write_bytes(exif_jpeg(size=(1280, 960)))
    _, found = inspect(path, DocType.photo)
    assert [f.code for f in found] == ["photo.low_resolution"]
    assert found[0].found == "1280 px"
    lenient = Policy(photo_min_long_side_px=1200)
    doc = Document(file=path.name, type=DocType.photo)
    assert photos.inspect_media(item_for(path, "image"), doc, Settings(), lenient, CTX) == []


def test_gps_at_zero_zero_and_a_future_capture_are_metadata_findings(tmp_path):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2030:01:01 10:00:00"
    g = exif.get_ifd(0x8825)
    g[1], g[2], g[3], g[4] = "N", (0, 0, 0), "E", (0, 0, 0)
    path = tmp_path / "odd.jpg"
    path.write_bytes(jpeg(Image.new("RGB", (2000, 1500)), exif=exif.tobytes()))
    _, found = inspect(path, DocType.photo)
    assert sorted(f.code for f in found) == ["photo.metadata", "photo.metadata"]


def test_capture_dates_against_inspection_and_contract():
    def photo(name, when):
        return Document(file=name, type=DocType.photo,
                        media=MediaInfo(kind="image", captured_at=when))

    docs = [
        Document(file="inspection.pdf", type=DocType.inspection_report,
                 fields=Fields(inspection_date=dt.date(2024, 5, 10))),
        Document(file="contract.pdf", type=DocType.purchase_contract,
                 fields=Fields(issue_date=dt.date(2024, 5, 20))),
        photo("ok.jpg", dt.datetime(2024, 5, 9, 12)),
        photo("after.jpg", dt.datetime(2024, 5, 14, 9)),
        photo("old.jpg", dt.datetime(2021, 3, 1, 9)),
        photo("none.jpg", None),
    ]
    found = photos.check_capture_dates(docs, CTX, POLICY)
    assert sorted((f.code, f.documents[0]) for f in found) == [
        ("photo.metadata", "after.jpg"), ("photo.metadata", "old.jpg")]


# --- near-duplicates -------------------------------------------------------------------------


def variants(data: bytes) -> dict[str, bytes]:
    im = Image.open(io.BytesIO(data))
    w, h = im.size
    return {
        "quality60": jpeg(im, quality=60),
        "half": jpeg(im.resize((w // 2, h // 2), Image.Resampling.LANCZOS), quality=90),
        "crop5": jpeg(im.crop((int(w * 0.05), int(h * 0.05), w, h)), quality=90),
    }


def photo_doc(tmp_path: Path, name: str, data: bytes) -> Document:
    path = tmp_path / name
    path.write_bytes(data)
    doc, _ = inspect(path, DocType.photo)
    return doc


def test_near_duplicates_in_one_upload_are_reused_and_distinct_photos_are_not(tmp_path):
    original = car(11)
    docs = [photo_doc(tmp_path, "original.jpg", original)]
    docs += [photo_doc(tmp_path, f"{k}.jpg", v) for k, v in variants(original).items()]
    docs += [photo_doc(tmp_path, f"other{s}.jpg", car(s)) for s in (12, 13, 14)]
    found = photos.check_reuse_within(docs, CTX, POLICY)
    pairs = {tuple(sorted(f.documents)) for f in found}
    copies = ["original.jpg", "quality60.jpg", "half.jpg", "crop5.jpg"]
    expected = {tuple(sorted((a, b))) for i, a in enumerate(copies) for b in copies[i + 1:]}
    assert pairs == expected
    assert {f.code for f in found} == {"photo.reused"}


def test_fingerprint_survives_serialisation():
    fp = photo_match.fingerprint(Image.open(io.BytesIO(car(21))))
    back = photo_match.Fingerprint.from_bytes(fp.to_bytes())
    assert photo_match.compare(fp, back).agreement == 1.0


# --- across escrow records -------------------------------------------------------------------


def test_index_finds_a_photo_reused_in_another_escrow_record(tmp_path):
    index = PhotoIndex(MemoryMeta())
    original = car(31)
    first = [photo_doc(tmp_path, "a.jpg", original), photo_doc(tmp_path, "b.jpg", car(32))]
    assert check_reuse(first, index, "ESC-1", POLICY) == []
    # The same record's next upload shows its own photo again: not reuse.
    assert check_reuse(first[:1], index, "ESC-1", POLICY) == []
    resized = variants(original)["half"]
    second = [photo_doc(tmp_path, "front.jpg", resized), photo_doc(tmp_path, "c.jpg", car(33))]
    found = check_reuse(second, index, "ESC-2", POLICY)
    assert [(f.code, f.documents, f.found) for f in found] == [
        ("photo.reused", ["front.jpg"], "ESC-1")]
    matches = index.lookup(second[0].media.phash, POLICY.photo_candidate_distance)
    assert {(m.escrow_id, m.file) for m in matches} >= {("ESC-1", "a.jpg"), ("ESC-2", "front.jpg")}
    keys = index.store.list_meta("photos/")
    assert len(keys) == 4 and all(k.count("/") == 3 for k in keys)


def test_index_over_the_local_evidence_store(tmp_path):
    from verifier.evidence import open_store

    store = open_store(str(tmp_path / "store"))
    original = car(41)
    doc = photo_doc(tmp_path, "a.jpg", original)
    assert check_reuse([doc], PhotoIndex(store), "ESC-A", POLICY) == []
    again = photo_doc(tmp_path, "b.jpg", variants(original)["quality60"])
    found = check_reuse([again], PhotoIndex(open_store(str(tmp_path / "store"))), "ESC-B", POLICY)
    assert [f.code for f in found] == ["photo.reused"]


# --- colour ----------------------------------------------------------------------------------


@pytest.mark.parametrize("color", ["red", "blue", "green"])
def test_body_colour_of_a_coloured_car(color):
    seen = colour.body_colour(Image.open(io.BytesIO(car(51, color))))
    assert seen is not None and seen.name == color


def test_colour_contradiction_is_review_and_neighbours_are_not():
    assert colour.stated_name("Pearl White") == "white"
    assert not colour.contradicts("silver", "white")
    assert colour.contradicts("red", "blue")
    photo = Document(file="p.jpg", type=DocType.photo,
                     media=MediaInfo(kind="image", vehicle_color="red"))
    spec = Document(file="spec.pdf", type=DocType.spec_sheet, fields=Fields(color="Blue"))
    (f,) = photos.check_colour([photo, spec], CTX, POLICY)
    assert (f.code, f.severity.value, f.expected, f.found) == (
        "photo.color_mismatch", "review", "blue", "red")
    spec.fields.color = "Dark Red"
    assert photos.check_colour([photo, spec], CTX, POLICY) == []


# --- videos ----------------------------------------------------------------------------------


def write_mp4(path: Path, seconds: int = 2, fps: int = 10) -> None:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.codec_context.gop_size = fps // 2
        for i in range(seconds * fps):
            img = np.full((120, 160, 3), (i * 12) % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def test_mp4_duration_codec_and_keyframes(tmp_path):
    path = tmp_path / "walkaround.mp4"
    write_mp4(path)
    info, frames = media.read_video(path)
    assert info.duration_s == pytest.approx(2.0, abs=0.15)
    assert (info.codec, info.width, info.height) == ("mpeg4", 160, 120)
    assert "mp4" in info.container
    assert info.keyframes == len(frames) >= 3
    assert all(Image.open(io.BytesIO(f)).format == "JPEG" for f in frames)
    item = item_for(path, "video")
    derived = media.derived_files(item)
    assert sorted(derived) == [f"keyframes/walkaround.mp4/{i:02d}.jpg"
                               for i in range(1, len(frames) + 1)]


def test_video_through_the_pipeline_is_a_video_document(tmp_path):
    write_mp4(tmp_path / "walkaround.mp4")
    report = check_folder(tmp_path, settings=ONE_WORKER, context=CTX,
                          reader_factory=FakeReaderFactory(truth_path(SAMPLE)))
    (doc,) = report.documents
    assert doc.type is DocType.video and doc.error is None
    assert doc.media.kind == "video" and doc.media.keyframes >= 3


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_corrupt_mp4_is_a_clear_error_not_a_crash(tmp_path, damage):
    good = tmp_path / "good.mp4"
    write_mp4(good)
    path = tmp_path / "bad.mp4"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 3] if damage == "truncated" else
                     data[:32] + bytes(random.Random(1).randbytes(4000)))
    doc, found = inspect(path, DocType.video, kind="video")
    assert [f.code for f in found] == ["document.unreadable"]
    assert doc.error and doc.error_step == "media"
    assert media.derived_files(item_for(path, "video")) == {}
