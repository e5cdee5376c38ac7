"""Clean-up steps and raster loading on synthetic images (fast, no Tesseract)."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pymupdf
import pytest
from PIL import Image

from extractors import preprocess as pp
from extractors.ocr import OcrError, parse_tsv
from extractors.raster import (
    RasterError,
    RasterLimitError,
    image_frames,
    load_image,
    page_image_dpi,
    render_pdf_page,
)

TEXT = [
    "CERTIFICATE OF VEHICLE REGISTRATION",
    "Vehicle Identification Number: WVWZZZ1JZXW000001",
    "First registration 05/01/1998, date of issue 04/12/2009",
    "Make VOLKSWAGEN, model GOLF IV, petrol, 1595 cc, 187,420 km",
    "The vehicle described above has been inspected and found to be",
    "in roadworthy condition, with no structural damage observed.",
    "Port of loading SHANGHAI, port of discharge LOS ANGELES.",
]


def text_page(dpi: int = 150, lines: int = 14) -> np.ndarray:
    """A white A4 page of black text, grayscale."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i in range(lines):
        page.insert_text((60, 90 + 24 * i), TEXT[i % len(TEXT)], fontname="helv", fontsize=11)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    doc.close()
    return img


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return text_page()


# -- deskew ------------------------------------------------------------------------------


@pytest.mark.parametrize("angle", [3.0, -2.0, 1.2, -4.5])
def test_deskew_recovers_known_rotation(page, angle):
    turned = pp.rotate_small(page, angle)  # counter-clockwise by angle
    # Turned counter-clockwise, the lines rise to the right: a negative slope.
    assert pp.estimate_skew(turned) == pytest.approx(-angle, abs=0.5)
    fixed, note = pp.deskew(turned)
    assert note
    assert abs(pp.estimate_skew(fixed)) <= 0.5


def test_deskew_leaves_straight_page_alone(page):
    fixed, note = pp.deskew(page)
    assert note == ""
    assert fixed is page


def test_deskew_of_blank_page_is_a_no_op():
    blank = np.full((800, 600), 255, np.uint8)
    assert pp.deskew(blank) == (blank, "")


# -- orientation ---------------------------------------------------------------------------


@pytest.mark.parametrize("quadrant", [90, 270])
def test_sideways_text_is_detected_and_turned(page, quadrant):
    sideways = pp.rotate_quadrant(page, quadrant)
    assert pp.text_runs_vertical(sideways)
    turned, note = pp.orient(sideways)
    assert note
    assert turned.shape == page.shape
    assert not pp.text_runs_vertical(turned)


@pytest.mark.parametrize("quadrant", [0, 180])
def test_horizontal_text_is_not_turned(page, quadrant):
    img = pp.rotate_quadrant(page, quadrant)
    out, note = pp.orient(img)
    assert note == ""
    assert out is img


# -- perspective ----------------------------------------------------------------------------


def photographed(page: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page warped onto a dark desk; the image and the true corners (TL, TR, BR, BL)."""
    h, w = page.shape
    out_w, out_h = 1100, 1400
    corners = np.float32([[130, 90], [980, 60], [1040, 1320], [70, 1290]])
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    desk = np.full((out_h, out_w), 45, np.uint8)
    img = cv2.warpPerspective(page, m, (out_w, out_h), dst=desk,
                              borderMode=cv2.BORDER_TRANSPARENT)
    return img, corners


def test_perspective_finds_the_page_quad(page):
    img, corners = photographed(page)
    quad = pp.find_page_quad(img)
    assert quad is not None
    assert np.abs(quad - corners).max() < 15  # px, on a 1100 x 1400 photo
    flat, note = pp.correct_perspective(img)
    assert note
    # The flattened sheet has about the page's proportions and is level.
    assert flat.shape[0] / flat.shape[1] == pytest.approx(page.shape[0] / page.shape[1], rel=0.1)
    assert abs(pp.estimate_skew(flat)) <= 0.5


def test_a_corner_lost_in_shadow_is_put_back_where_the_sides_meet(page):
    # A vignette darkens the photo's bottom-left until the sheet's corner there is as dark
    # as the desk: the bright outline has a bevel, not a corner. Its four straight sides
    # still meet where the corner is.
    img, corners = photographed(page)
    h, w = img.shape
    yy, xx = np.mgrid[0:h, 0:w]
    shade = np.clip(np.hypot(xx - 0, yy - h) / 420.0, 0.2, 1.0)
    shaded = (img * shade).astype(np.uint8)
    quad = pp.find_page_quad(shaded)
    assert quad is not None
    assert np.abs(quad - corners).max() < 20  # px, on a 1100 x 1400 photo
    flat, _ = pp.correct_perspective(shaded)
    assert abs(pp.estimate_skew(flat)) <= 0.5


def test_a_plate_run_out_along_the_desk_is_no_sheet():
    # A bright plate whose outline the desk's bright patches drag out to one side (as brushed
    # metal on a mottled desk does): four sides can be fitted round it, one of them out on
    # the desk, but the outline does not run along them. No flattening beats a wrong one.
    img = np.full((1000, 1400), 60, np.uint8)
    cv2.fillConvexPoly(img, np.int32([[300, 300], [1100, 330], [1080, 800], [320, 760]]), 200)
    rng = np.random.default_rng(3)  # patches that leave a quad to fit (most seeds do not)
    for _ in range(40):
        centre = (int(rng.integers(180, 330)), int(rng.integers(250, 880)))
        cv2.circle(img, centre, int(rng.integers(15, 40)), 200, -1)
    assert pp.find_page_quad(img) is None


def test_a_corner_is_not_put_back_out_on_the_desk():
    # A wedge of glare joined to a plate's left side: the lines through the outline's
    # sides meet far out on the desk, not where shading cut a corner.
    img = np.full((1000, 1400), 60, np.uint8)
    cv2.fillConvexPoly(img, np.int32([[300, 300], [1100, 330], [1080, 800], [320, 760]]), 200)
    cv2.fillConvexPoly(img, np.int32([[300, 300], [200, 520], [310, 720]]), 200)
    assert pp.find_page_quad(img) is None


def letterhead_photo(band_bgr: tuple[int, int, int] | None,
                     desk: np.ndarray | None = None) -> np.ndarray:
    """A white sheet (a band of ``band_bgr`` along its top, 10 % of its height, with white
    type in it) photographed in perspective on a desk: purple and blotchy unless given
    (BGR, 1400 x 1100)."""
    h, w = 1170, 827
    sheet = np.full((h, w, 3), 235, np.uint8)
    for i in range(20):
        cv2.putText(sheet, f"Exporter {i}: Tianjin Motors", (60, 220 + 40 * i),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.8, (40, 40, 40), 2)
    if band_bgr is not None:
        sheet[: h // 10] = band_bgr
        cv2.putText(sheet, "MINISTRY OF COMMERCE", (60, 75), cv2.FONT_HERSHEY_SIMPLEX, 1.2,
                    (235, 235, 235), 3)
    rng = np.random.default_rng(7)
    blotches = cv2.resize(rng.normal(0, 1, (14, 11)), (1100, 1400), interpolation=cv2.INTER_CUBIC)
    if desk is None:
        desk = np.clip(np.stack([70 + 18 * blotches, 40 + 12 * blotches, 60 + 16 * blotches], 2),
                       0, 255).astype(np.uint8)
    corners = np.float32([[130, 90], [980, 60], [1040, 1320], [70, 1290]])
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    return cv2.warpPerspective(sheet, m, (1100, 1400), dst=desk, borderMode=cv2.BORDER_TRANSPARENT)


@pytest.mark.parametrize("band", [(30, 30, 170), (35, 35, 35)], ids=["red", "black"])
def test_a_letterhead_band_as_dark_as_the_desk_stays_on_the_sheet(band):
    img = letterhead_photo(band)
    gray = pp.to_gray(img)
    # In grey the band is desk: the bright part of the sheet starts under it.
    quad = pp.find_page_quad(gray)
    assert quad is not None and quad[0][1] > 90 + 0.08 * 1230
    assert pp.letterhead_band(img, quad) == pytest.approx(0.11, abs=0.02)
    flat, note = pp.correct_perspective(gray, img)
    assert "letterhead band of 1" in note
    # The flattened sheet is the whole sheet again (as its true corners give it), band on top.
    _, width, height = pp._flattening(np.float32([[130, 90], [980, 60], [1040, 1320], [70, 1290]]))
    assert flat.shape[0] / flat.shape[1] == pytest.approx(height / width, rel=0.03)
    assert flat[: flat.shape[0] // 20].mean() < 110 < flat[flat.shape[0] // 5 :].mean()
    # Without colour there is no telling band from desk.
    assert "letterhead" not in pp.correct_perspective(gray)[1]


@pytest.mark.parametrize("turn", [cv2.ROTATE_180, cv2.ROTATE_90_CLOCKWISE],
                         ids=["upside-down", "sideways"])
def test_a_letterhead_band_along_any_edge_stays_on_the_sheet(turn):
    # A sheet photographed upside down has its band along the bottom edge, one photographed
    # sideways along a side: the band is found there and the sheet flattened with it.
    img = cv2.rotate(letterhead_photo((30, 30, 170)), turn)
    gray = pp.to_gray(img)
    flat, note = pp.correct_perspective(gray, img)
    assert "letterhead band of 1" in note
    _, width, height = pp._flattening(np.float32([[130, 90], [980, 60], [1040, 1320], [70, 1290]]))
    long_side, short_side = max(flat.shape), min(flat.shape)
    assert long_side / short_side == pytest.approx(height / width, rel=0.03)
    # the band is dark at the edge where it lies: the bottom, or the right (turned clockwise)
    h, w = flat.shape
    edge = flat[-h // 20 :] if turn == cv2.ROTATE_180 else flat[:, -w // 20 :]
    assert edge.mean() < 110


@pytest.mark.parametrize(
    ("desk_lab", "desk_sd", "band_lab"),
    [
        # As measured on generated photos. A neutral band on a grainy green desk: under 3
        # deviations apart in every channel, but apart.
        ((25, 122, 133), (7, 1.7, 1.7), (36, 128, 128)),
        # A dark-grey band on dark wood (desk deviations 12.9, 2.5, 2.5): under 2 apart; but
        # the desk's grain is 4.7 a pixel (5x5), the band's flat print 1.0.
        ((29, 132, 132), (9, 1.7, 1.7), (36, 128, 131)),
    ],
    ids=["neutral-on-green", "grey-on-wood"],
)
def test_a_band_close_to_a_grainy_desks_colour_is_found(desk_lab, desk_sd, band_lab):
    rng = np.random.default_rng(11)
    lab = np.stack([rng.normal(m, sd, (1400, 1100)) for m, sd in zip(desk_lab, desk_sd,
                                                                       strict=True)], 2)
    desk = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2BGR)
    band = cv2.cvtColor(np.uint8([[band_lab]]), cv2.COLOR_LAB2BGR)[0, 0]
    img = letterhead_photo(tuple(int(v) for v in band), desk)
    quad = pp.find_page_quad(pp.to_gray(img))
    assert quad is not None
    assert pp.letterhead_band(img, quad) == pytest.approx(0.11, abs=0.02)
    # the same desk's grain alone is no band
    img = letterhead_photo(None, desk)
    assert pp.letterhead_band(img, pp.find_page_quad(pp.to_gray(img))) == 0.0


def test_a_sheet_without_a_letterhead_band_is_not_stretched_over_the_desk():
    img = letterhead_photo(None)
    quad = pp.find_page_quad(pp.to_gray(img))
    assert quad is not None and pp.letterhead_band(img, quad) == 0.0
    _, note = pp.correct_perspective(pp.to_gray(img), img)
    assert note and "letterhead" not in note


def test_perspective_does_nothing_on_a_plain_scan(page):
    assert pp.find_page_quad(page) is None
    out, note = pp.correct_perspective(page)
    assert out is page and note == ""
    # A scan with a dark scanner-lid margin on one side is still not a photo.
    margin = page.copy()
    margin[:, :40] = 30
    assert pp.correct_perspective(margin)[1] == ""


# -- illumination, noise, upscale ----------------------------------------------------------


def test_shading_is_flattened(page):
    h, w = page.shape
    shade = np.linspace(0.45, 1.0, w, dtype=np.float32)[None, :]
    shaded = (page.astype(np.float32) * shade).astype(np.uint8)
    flat, note = pp.normalise_illumination(shaded)
    assert note
    paper = page > 250
    assert np.percentile(flat[paper], 5) > 200  # the dark side's paper is white again
    assert pp.normalise_illumination(page)[1] == ""  # an evenly lit page is left alone


def test_median_only_on_noisy_pages(page):
    assert pp.denoise(page)[1] == ""
    rng = np.random.default_rng(0)
    noisy = np.clip(page + rng.normal(0, 30, page.shape), 0, 255).astype(np.uint8)
    out, note = pp.denoise(noisy)
    assert note.startswith("denoise")
    assert pp.noise_level(out) < pp.noise_level(noisy)


def test_upscale_triggers_on_small_text_only():
    small = text_page(dpi=72)
    out, note = pp.upscale(small)
    assert note.startswith("upscale")
    assert out.shape[1] >= 2 * small.shape[1]
    big = text_page(dpi=300)
    out, note = pp.upscale(big)
    assert note == "" and out is big


def test_small_photo_is_flattened_and_enlarged_in_one_resampling():
    # A sheet of 8-px type photographed about 1,000 px wide: one warp straight to the
    # enlarged size (two resamplings blur such type twice), noted as both steps.
    img, _ = photographed(text_page(dpi=72))
    out, notes = pp.clean_page(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR))
    assert [n.split(" ", 1)[0] for n in notes if n.startswith(("perspective", "upscale"))] == [
        "perspective:", "upscale"]
    flat, _ = pp.correct_perspective(img)
    assert flat.shape[1] >= 2 * 850  # the sheet is about 850 px wide in the photo
    assert pp.char_height(flat) >= pp.MIN_CHAR_HEIGHT
    assert pp.upscale(flat)[1] == ""  # nothing left for the upscale step


BAND = slice(150, 310)  # the first three lines of text


def banded(page: np.ndarray) -> np.ndarray:
    """The page with its first lines printed as white type on a dark band."""
    out = page.copy()
    out[BAND] = np.where(page[BAND] < 128, 230, 50)
    return out


def test_light_on_dark_band_is_inverted(page):
    img = banded(page)
    out, note = pp.invert_dark_bands(img)
    assert note == "inverted 1 light-on-dark band(s)"
    assert out[BAND].mean() > 180  # light paper again
    # The type is dark now, where the original page has its text.
    ink = page[BAND] < 128
    assert out[BAND][ink].mean() < out[BAND][~ink].mean() - 80
    np.testing.assert_array_equal(out[400:], img[400:])  # the rest untouched


def test_a_band_down_a_sideways_pages_side_is_inverted(page):
    img = np.ascontiguousarray(cv2.rotate(banded(page), cv2.ROTATE_90_CLOCKWISE))
    out, note = pp.invert_dark_bands(img)
    assert note == "inverted 1 light-on-dark band(s)"
    back = cv2.rotate(out, cv2.ROTATE_90_COUNTERCLOCKWISE)
    assert back[BAND].mean() > 180
    np.testing.assert_array_equal(back[400:], banded(page)[400:])  # the rest untouched


def test_no_band_no_inversion(page):
    assert pp.invert_dark_bands(page) == (page, "")
    # The dark desk around a photographed sheet is no band: it is no run of rows.
    img, _ = photographed(page)
    assert pp.invert_dark_bands(img)[1] == ""
    # A dark photo filling the page is not a band of type either.
    dark = np.full_like(page, 40)
    assert pp.invert_dark_bands(dark)[1] == ""


def test_clean_page_on_colour_photo_returns_gray_and_notes(page):
    img, _ = photographed(page)
    bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    out, notes = pp.clean_page(bgr)
    assert out.ndim == 2 and out.dtype == np.uint8
    assert any(n.startswith("perspective") for n in notes)
    with pytest.raises(ValueError):
        pp.clean_page(bgr, skip={"no-such-step"})


# -- raster loading ------------------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` 1-bit pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [100_000, 3_000])
def test_decompression_bomb_refused_from_header(side):
    data = png_header_only(side, side)
    assert len(data) < 200
    with pytest.raises(RasterLimitError):
        load_image(data, max_pixels=1_000_000)


def jpeg_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


def test_truncated_jpeg_is_a_raster_error():
    img = Image.fromarray(text_page(dpi=50))
    data = jpeg_bytes(img)
    assert load_image(data, max_pixels=10**7).shape[2] == 3
    with pytest.raises(RasterError) as info:
        load_image(data[: len(data) // 2], max_pixels=10**7)
    assert not isinstance(info.value, RasterLimitError)


def test_garbage_is_a_raster_error():
    with pytest.raises(RasterError):
        load_image(b"%PDF-1.7 not an image", max_pixels=10**7)


def test_exif_orientation_is_applied():
    arr = np.full((20, 40, 3), 255, np.uint8)
    arr[:, :20] = 0  # left half black, as stored
    img = Image.fromarray(arr)
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    out = load_image(jpeg_bytes(img, exif=exif, quality=95), max_pixels=10**6)
    assert out.shape == (40, 20, 3)
    # Turned clockwise, the stored left half becomes the top half.
    assert out[:15].mean() < 60 and out[25:].mean() > 200


def test_rgba_is_composited_on_white():
    img = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    out = load_image(buf.getvalue(), max_pixels=100)
    assert out.shape == (10, 10, 3) and out.min() == 255


def test_multi_frame_tiff_yields_every_page():
    frames = [Image.new("L", (30, 20), v) for v in (0, 128, 255)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    out = list(image_frames(buf.getvalue(), 10_000))
    assert [f.shape for f in out] == [(20, 30, 3)] * 3
    assert [int(f.mean()) for f in out] == [0, 128, 255]
    with pytest.raises(RasterLimitError):
        list(image_frames(buf.getvalue(), 100))


# -- PDF rendering -------------------------------------------------------------------------


def test_render_lowers_dpi_to_fit_then_refuses():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    img = render_pdf_page(page, dpi=200, max_pixels=10**8)
    assert img.shape == (2339, 1653)
    notes: list[str] = []
    img = render_pdf_page(page, dpi=300, max_pixels=1_000_000, notes=notes)
    assert img.size <= 1_000_000 and img.shape[1] > 595
    assert notes and "lowered" in notes[0]
    with pytest.raises(RasterLimitError):
        render_pdf_page(page, dpi=300, max_pixels=100_000)  # A4 at 72 dpi is 500k


def test_page_image_dpi_is_the_scan_resolution():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    assert page_image_dpi(page) is None
    scan = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    buf = io.BytesIO()
    scan.save(buf, "PNG")
    page.insert_image(page.rect, stream=buf.getvalue())
    assert page_image_dpi(page) == pytest.approx(150, abs=1)


# -- TSV parsing (no Tesseract) ------------------------------------------------------------

HEADER = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
          "\tconf\ttext")


def test_parse_tsv_keeps_words_and_maps_boxes():
    tsv = "\n".join([
        HEADER,
        "4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t20\t100\t40\t96.5\tVIN:",
        "5\t1\t1\t1\t1\t2\t120\t20\t190\t40\t88\tWVWZZZ1JZXW000001",
        "5\t1\t1\t1\t1\t3\t320\t20\t10\t40\t50\t ",
    ])
    words = parse_tsv(tsv, offset=(5, 7), scale=2.0)
    assert [w.text for w in words] == ["VIN:", "WVWZZZ1JZXW000001"]
    assert words[0].box == (10.0, 17.0, 60.0, 37.0)
    assert words[0].conf == pytest.approx(0.965)
    assert words[1].line_key == (1, 1, 1)


@pytest.mark.parametrize("tsv", ["", "not a header\n1\t2", HEADER + "\n5\t1\tx\t1"])
def test_parse_tsv_rejects_bad_output(tsv):
    with pytest.raises(OcrError):
        parse_tsv(tsv)


def test_two_readings_merge_word_by_word():
    from extractors.ocr import _merge_readings
    from extractors.page import Word

    # psm 6 leads (it read the skipped block) but garbled a line psm 3 read; the VIN's box
    # only touches the junk word above it.
    lead = [Word("oat", (57, 154, 85, 188), 0.63), Word("Geely", (405, 144, 440, 158), 0.97),
            Word("Brand", (403, 124, 427, 132), 0.24)]
    other = [Word("L6TE4JOAORX667360", (63, 136, 199, 166), 0.66),
             Word("Geely", (404, 144, 441, 158), 0.80), Word("Band", (403, 124, 427, 132), 0.95),
             Word("~", (600, 600, 605, 605), 0.2)]
    merged = {w.text: w for w in _merge_readings(lead, other)}
    assert "L6TE4JOAORX667360" in merged  # filled in: it is no word the leader read
    assert merged["Geely"].conf == 0.97  # the leader's surer reading of one word stays
    assert "Band" in merged and "Brand" not in merged  # much surer: it replaces the leader's
    assert "~" not in merged  # a speck read unsurely fills in nothing


def test_words_the_other_reading_fills_in_join_the_leaders_line():
    # psm 3 read "Kobe" and "Motors", psm 6 "Global" and "Co., Ltd." between and after them:
    # one line, one cell; a word of the other reading far from any is its own line
    from extractors.layout import build_rows
    from extractors.ocr import _merge_readings
    from extractors.page import PageText, Word

    lead = [Word("SHIPPER", (150, 556, 315, 585), 0.8, (6, 1, 6)),
            Word("Kobe", (753, 558, 840, 585), 0.96, (18, 1, 1)),
            Word("Motors", (1019, 558, 1151, 585), 0.93, (18, 1, 1))]
    other = [Word("Global", (864, 556, 994, 585), 0.94, (6001, 1, 6)),
             Word("Co.,", (1166, 556, 1256, 585), 0.92, (6001, 1, 6)),
             Word("Ltd.", (1288, 556, 1369, 584), 0.91, (6001, 1, 6)),
             Word("Osaka", (753, 900, 864, 927), 0.95, (6001, 1, 9))]
    merged = _merge_readings(lead, other)
    rows = build_rows(PageText(1, 1600, 2000, merged, "ocr", "px"))
    assert [[c.text for c in r.cells] for r in rows] == [
        ["SHIPPER", "Kobe Global Motors Co., Ltd."], ["Osaka"]]


def _cell(text: str, border: bool = True) -> np.ndarray:
    """A table cell 74 px high, as a photographed contract's value cell after clean-up: a
    vertical border at its left (read as "[" with the value), the value in 30-px print."""
    img = np.full((74, 240), 255, np.uint8)
    if border:
        img[:, 2:6] = 60
    cv2.putText(img, text, (50, 52), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
    return img


def test_a_values_ink_box_leaves_its_cells_border_out():
    page = np.full((300, 400), 255, np.uint8)
    page[100:174, 50:290] = _cell("1598 cc")
    x0, y0, x1, y1 = pp.ink_box(page, (50, 100, 290, 174))
    # the print: from x=100 (50 + 50), about 22 px high above its baseline at y=152
    assert 98 <= x0 <= 108 and 125 <= y0 <= 133 and 150 <= y1 <= 156 and x1 < 290
    # without the border, the same print
    page[100:174, 50:290] = _cell("1598 cc", border=False)
    assert pp.ink_box(page, (50, 100, 290, 174)) == pytest.approx((x0, y0, x1, y1), abs=1)


def test_a_box_as_tall_as_its_print_keeps_a_thin_1():
    page = np.full((100, 200), 255, np.uint8)
    cv2.putText(page, "1 7", (40, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
    tight = pp.ink_box(page, (0, 0, 200, 100))
    x0, y0, x1, y1 = pp.ink_box(page, tight)
    assert (x0, x1) == pytest.approx((tight[0], tight[2]))
    assert x0 <= 45  # the 1 is kept


def test_a_blank_box_has_no_ink_box_nor_versions():
    page = np.full((100, 200), 250, np.uint8)
    assert pp.ink_box(page, (10, 10, 150, 60)) is None
    assert pp.value_versions(page, (10, 10, 150, 60)) == []


def test_value_versions_are_the_ink_at_each_scale():
    page = np.full((300, 400), 255, np.uint8)
    page[100:174, 50:290] = _cell("GASOLINE")
    versions = pp.value_versions(page, (50, 100, 290, 174))
    assert len(versions) == len(pp.VALUE_SCALES)
    full = versions[0]
    assert full.shape[0] < 74  # cut to the print and its margin, not the cell
    for scale, img in zip(pp.VALUE_SCALES, versions, strict=True):
        assert img.shape[1] == pytest.approx(full.shape[1] * scale, abs=1)
