"""What a photo or video says about itself: EXIF capture time, device and GPS (Pillow), size,
a perceptual hash (imagehash), and for MP4/MOV the duration, container, codec, creation time
and a few keyframes (PyAV, FFmpeg's libraries).

EXIF tags are those of CIPA DC-008 (Exif 2.32): DateTimeOriginal (0x9003) with
OffsetTimeOriginal (0x9011), falling back to DateTimeDigitized (0x9004); Make (0x010F), Model
(0x0110); GPSLatitudeRef/GPSLatitude/GPSLongitudeRef/GPSLongitude (GPS IFD tags 1-4) as
degrees, minutes, seconds, converted to signed decimal degrees. Anything absent or
malformed is ``None``, never a guess.

The perceptual hash is imagehash's pHash (64-bit DCT hash): of the hashes imagehash offers it
moved least under re-encoding and halving on the generator's photos (2 bits; dHash 3), and it
keys the cross-record photo index. dHash was measured too and adds nothing: neither separates
a 5%-cropped copy from a distinct photo of a similar car, which is why the decision is made
by alignment in :mod:`checks.photo_match`, not by the hash (see ``benchmarks/photos.py``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import imagehash
from PIL import ExifTags, Image, ImageOps

from verifier.models import MediaInfo

KEYFRAMES = 4
KEYFRAME_SIDE = 1280  # keyframes are kept at most this wide or high
MAX_PACKETS_PER_SEEK = 300  # packets decoded after a seek before giving up on that frame


class MediaError(Exception):
    """A photo or video that cannot be decoded; the message says what failed."""


# --- images ----------------------------------------------------------------------------------


def _exif_time(value: object, offset: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*(\d{4}):(\d\d):(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d+)?\s*\x00*", value)
    if not m:
        return None
    try:
        when = dt.datetime(*(int(g) for g in m.groups()))
    except ValueError:
        return None  # "0000:00:00 00:00:00" and friends
    if isinstance(offset, str):
        o = re.fullmatch(r"\s*([+-])(\d\d):(\d\d)\s*\x00*", offset)
        if o:
            delta = dt.timedelta(hours=int(o.group(2)), minutes=int(o.group(3)))
            when = when.replace(tzinfo=dt.timezone(delta if o.group(1) == "+" else -delta))
    return when


def _dms(value: object, ref: object, limit: float) -> float | None:
    try:
        d, m, s = (float(x) for x in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip().upper()[:1] in ("S", "W"):
        deg = -deg
    if deg != deg or abs(deg) > limit:  # NaN or out of range
        return None
    return round(deg, 7)


@dataclass(frozen=True)
class ExifFacts:
    captured_at: dt.datetime | None = None
    device: str | None = None
    gps: tuple[float, float] | None = None


def exif_facts(image: Image.Image) -> ExifFacts:
    """Capture time, device and GPS position stated in the image's EXIF, where present."""
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001 - a malformed EXIF block states nothing
        return ExifFacts()
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    when = _exif_time(sub.get(0x9003), sub.get(0x9011)) or _exif_time(
        sub.get(0x9004), sub.get(0x9012)
    )
    parts = [str(exif.get(t, "")).strip("\x00 ") for t in (0x010F, 0x0110)]
    make, model = parts
    if make and model.lower().startswith(make.lower()):
        make = ""  # "Apple" + "Apple iPhone 13"
    device = " ".join(p for p in (make, model) if p) or None
    gps = None
    g = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if g:
        lat, lon = _dms(g.get(2), g.get(1), 90), _dms(g.get(4), g.get(3), 180)
        if lat is not None and lon is not None:
            gps = (lat, lon)
    return ExifFacts(when, device, gps)


def phash(image: Image.Image) -> str:
    """The 64-bit pHash of the upright image, as 16 hex digits."""
    return str(imagehash.phash(ImageOps.exif_transpose(image)))


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex hashes of the same length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def image_info(image: Image.Image) -> MediaInfo:
    facts = exif_facts(image)
    upright = ImageOps.exif_transpose(image)
    return MediaInfo(
        kind="image",
        width=upright.width,
        height=upright.height,
        captured_at=facts.captured_at,
        device=facts.device,
        gps=facts.gps,
        phash=str(imagehash.phash(upright)),
    )


def open_image(path: Path) -> Image.Image:
    """The first frame of an image file, decoded (intake has already bounded its size)."""
    try:
        im = Image.open(path)
        im.load()
        return im
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types on hostile input
        raise MediaError(f"image cannot be decoded: {type(exc).__name__}: {exc}") from exc


# --- videos ----------------------------------------------------------------------------------


def _creation_time(*metadata: dict) -> dt.datetime | None:
    for md in metadata:
        value = (md or {}).get("creation_time")
        if not value:
            continue
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if when.year > 1904:  # QuickTime's epoch: a zero timestamp means "not set"
            return when
    return None


def read_video(path: Path, keyframes: int = KEYFRAMES) -> tuple[MediaInfo, list[bytes]]:
    """The video's facts and up to ``keyframes`` frames (JPEG), evenly spaced over its
    duration, each the keyframe at or before its moment (no decoding from the start)."""
    import av

    try:
        container = av.open(str(path), metadata_errors="ignore")
    except Exception as exc:  # noqa: BLE001 - av.error.* and OSError
        raise MediaError(f"video cannot be opened: {type(exc).__name__}: {exc}") from exc
    with container:
        stream = next((s for s in container.streams if s.type == "video"), None)
        if stream is None:
            raise MediaError("the file has no video stream")
        duration = None
        if container.duration:
            duration = container.duration / av.time_base
        elif stream.duration and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        ctx = stream.codec_context
        info = MediaInfo(
            kind="video",
            width=ctx.width or None,
            height=ctx.height or None,
            captured_at=_creation_time(dict(container.metadata), dict(stream.metadata)),
            duration_s=round(duration, 3) if duration else None,
            container=container.format.name,
            codec=ctx.name,
            frame_rate=round(float(stream.average_rate), 3) if stream.average_rate else None,
        )
        frames = _keyframes(container, stream, duration, keyframes)
    if keyframes and not frames:
        raise MediaError("no frame of the video could be decoded")
    info.keyframes = len(frames)
    return info, frames


def _keyframes(container, stream, duration: float | None, n: int) -> list[bytes]:
    import av

    if n <= 0:
        return []
    targets = [duration * (i + 0.5) / n for i in range(n)] if duration else [0.0]
    out: list[bytes] = []
    seen: set[int] = set()
    for t in targets:
        try:
            if t > 0 and stream.time_base:
                container.seek(
                    int(t / stream.time_base), stream=stream, backward=True, any_frame=False
                )
            frame = None
            for i, packet in enumerate(container.demux(stream)):
                if i >= MAX_PACKETS_PER_SEEK:
                    break
                decoded = packet.decode()
                if decoded:
                    frame = decoded[0]
                    break
        except av.error.FFmpegError:
            continue  # a damaged stretch: the other moments may still decode
        if frame is None or frame.pts in seen:
            continue
        seen.add(frame.pts)
        im = frame.to_image()
        im.thumbnail((KEYFRAME_SIDE, KEYFRAME_SIDE))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=85)
        out.append(buf.getvalue())
    return out


# --- derived evidence ------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def derived_files(item) -> dict[str, bytes]:
    """Files derived from one intake item to keep in its evidence bundle: for a video, its
    keyframes as ``keyframes/<file>/NN.jpg``. Empty for anything else or an undecodable
    video (the report already says why)."""
    if getattr(item, "kind", None) != "video" or getattr(item, "error_code", None):
        return {}
    try:
        _, frames = read_video(Path(item.path))
    except MediaError:
        return {}
    name = _UNSAFE.sub("_", item.name).strip("._") or "video"
    return {f"keyframes/{name}/{i + 1:02d}.jpg": data for i, data in enumerate(frames)}
