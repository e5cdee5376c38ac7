"""Company seals: detection on drawn pages (colour, shape, noise), the text-PDF scan, junk
input, the inspector and ``seal.missing``."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from checks import seal as seal_check
from extractors.raster import RasterError
from extractors.seal import _percentile, find_seals, has_color, ink_masks, remove_cast
from extractors.seal_scan import pages_to_scan, scan_image, scan_pdf
from verifier.inspect import INSPECTORS, inspect_document
from verifier.intake import IntakeItem
from verifier.models import Document, Seal, Signature
from verifier.pipeline import TRANSACTION_CHECKS
from verifier.policy import Policy
from verifier.settings import Settings

RED = (30, 30, 215)  # BGR
BLUE = (190, 70, 30)
W, H = 850, 1100


def blank() -> np.ndarray:
    img = np.full((H, W, 3), 250, np.uint8)
    for y in range(120, 1000, 28):  # black body text
        cv2.putText(
            img,
            "Lorem ipsum dolor sit amet 12345",
            (60, y),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.7,
            (20, 20, 20),
            2,
            cv2.LINE_AA,
        )
    return img


def ring_seal(img, center, axes=(60, 60), angle=0.0, color=RED, star=True) -> tuple:
    """A Chinese company seal: outer ring, thin inner ring, letters round the rim, a star."""
    cx, cy = center
    cv2.ellipse(img, (center, (2 * axes[0], 2 * axes[1]), angle), color, 5, cv2.LINE_AA)
    cv2.ellipse(img, (center, (2 * axes[0] - 18, 2 * axes[1] - 18), angle), color, 1, cv2.LINE_AA)
    for k in range(12):  # letters round the top of the rim
        a = math.radians(200 + k * 12 + angle)
        x = int(cx + (axes[0] - 22) * math.cos(a))
        y = int(cy + (axes[1] - 22) * math.sin(a))
        cv2.putText(
            img,
            "ABCDEFGHJKLM"[k],
            (x - 5, y + 5),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            color,
            2,
            cv2.LINE_AA,
        )
    if star:
        r = min(axes) * 0.3
        pts = [
            (
                cx + (r if k % 2 == 0 else r * 0.4) * math.cos(math.radians(-90 + 36 * k)),
                cy + (r if k % 2 == 0 else r * 0.4) * math.sin(math.radians(-90 + 36 * k)),
            )
            for k in range(10)
        ]
        cv2.fillPoly(img, [np.array(pts, np.int32)], color, cv2.LINE_AA)
    cv2.putText(
        img,
        "SEAL",
        (cx - 22, cy + int(min(axes) * 0.6)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.55,
        color,
        2,
        cv2.LINE_AA,
    )
    return (cx - axes[0], cy - axes[1], cx + axes[0], cy + axes[1])


def overlap(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / small


def the_one(found, truth, color="red"):
    assert len(found) == 1, found
    assert found[0].color == color
    assert overlap(found[0].box, truth) > 0.8, (found[0].box, truth)
    return found[0]


# --- detection on drawn pages --------------------------------------------------------------


def test_red_ring_seal():
    img = blank()
    truth = ring_seal(img, (600, 850))
    got = the_one(find_seals(img), truth)
    assert got.shape == "round"


def test_oval_seal():
    img = blank()
    truth = ring_seal(img, (420, 600), axes=(85, 52), star=False)
    assert the_one(find_seals(img), truth).shape == "oval"


def test_blue_seal():
    img = blank()
    truth = ring_seal(img, (300, 400), color=BLUE)
    the_one(find_seals(img), truth, color="blue")


def test_square_hanko():
    img = blank()
    cv2.rectangle(img, (500, 700), (580, 780), RED, 5)
    for (x, y), ch in zip([(510, 735), (550, 735), (510, 770), (550, 770)], "ABCD", strict=True):
        cv2.putText(img, ch, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, RED, 3)
    got = the_one(find_seals(img), (500, 700, 580, 780))
    assert got.shape == "square"


def test_seal_crossed_by_a_signature_of_the_same_ink():
    img = blank()
    truth = ring_seal(img, (500, 800), color=BLUE)
    pts = np.array([[380, 820], [450, 770], [520, 840], [600, 780], [700, 830]], np.int32)
    cv2.polylines(img, [pts], False, BLUE, 2, cv2.LINE_AA)
    cv2.line(img, (60, 860), (790, 860), BLUE, 1)
    the_one(find_seals(img), truth, color="blue")


def test_seal_crossed_by_a_signature_in_a_corner_far_from_other_ink():
    """The circle transform looks only where the ink is: its boxes are still the page's."""
    img = blank()
    cv2.putText(img, "BLUE HEADING", (61, 47), cv2.FONT_HERSHEY_SIMPLEX, 1.0, BLUE, 2)
    truth = ring_seal(img, (611, 983), color=BLUE)
    pts = np.array([[491, 1003], [561, 953], [631, 1023], [711, 963], [811, 1013]], np.int32)
    cv2.polylines(img, [pts], False, BLUE, 2, cv2.LINE_AA)
    cv2.line(img, (60, 1043), (790, 1043), BLUE, 1)
    the_one(find_seals(img), truth, color="blue")


def test_rotated_and_photographed_in_perspective():
    img = blank()
    ring_seal(img, (560, 820), axes=(70, 70))
    src = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    dst = np.float32([[60, 40], [W - 20, 90], [W - 80, H - 30], [30, H - 70]])
    m = cv2.getPerspectiveTransform(src, dst)
    photo = cv2.warpPerspective(img, m, (W, H), borderValue=(60, 80, 110))
    centre = cv2.perspectiveTransform(np.float32([[[560, 820]]]), m)[0, 0]
    found = find_seals(photo)
    assert len(found) == 1
    x0, y0, x1, y1 = found[0].box
    assert x0 < centre[0] < x1 and y0 < centre[1] < y1


def test_jpeg_noise_colour_cast_and_faded_ink():
    img = blank()
    seal = np.full_like(img, 255)
    truth = ring_seal(seal, (400, 700))
    img = np.minimum(img, (0.45 * seal + 0.55 * 255).astype(np.uint8))  # faded impression
    cast = np.clip(img.astype(np.float32) * np.array([0.86, 0.97, 1.08]), 0, 255)
    ok, jpg = cv2.imencode(".jpg", cast.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 35])
    assert ok
    the_one(find_seals(cv2.imdecode(jpg, cv2.IMREAD_COLOR)), truth)


@pytest.mark.parametrize(
    "what",
    ["red_text", "red_rules", "red_logo", "red_scribble", "blue_loops", "pen_circle", "empty"],
)
def test_hard_negatives_are_not_seals(what):
    img = blank()
    if what == "red_text":
        cv2.putText(img, "IMPORTANT NOTICE", (150, 500), cv2.FONT_HERSHEY_DUPLEX, 1.6, RED, 3)
        cv2.putText(img, "ORIGINAL COPY", (250, 700), cv2.FONT_HERSHEY_DUPLEX, 1.2, RED, 2)
        cv2.line(img, (60, 520), (790, 520), RED, 2)
    elif what == "red_rules":
        for y in range(600, 721, 30):
            cv2.line(img, (60, y), (790, y), RED, 1)
        for x in (60, 300, 550, 790):
            cv2.line(img, (x, 600), (x, 720), RED, 1)
    elif what == "red_logo":
        cv2.circle(img, (110, 80), 45, RED, -1, cv2.LINE_AA)
        cv2.putText(img, "AB", (80, 95), cv2.FONT_HERSHEY_DUPLEX, 1.2, (255, 255, 255), 3)
    elif what == "red_scribble":
        pts = np.array([[400, 900], [430, 860], [470, 930], [520, 850], [580, 920]], np.int32)
        cv2.polylines(img, [pts], False, RED, 2, cv2.LINE_AA)
    elif what == "blue_loops":
        for k in range(25):
            cv2.ellipse(img, (200 + 14 * k, 950), (7, 11), 20, 0, 360, BLUE, 2, cv2.LINE_AA)
    elif what == "pen_circle":  # a loop round a value, black print inside
        cv2.ellipse(img, (300, 400), (140, 30), 0, 10, 350, BLUE, 2, cv2.LINE_AA)
    assert find_seals(img) == []


def test_grayscale_pages_carry_no_seal_colour():
    img = blank()
    ring_seal(img, (400, 700))
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    assert not has_color(gray)
    assert not has_color(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
    assert has_color(img)
    assert find_seals(gray) == []


@pytest.mark.parametrize(
    "junk",
    [
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((10, 10), np.float32),
        np.zeros((5, 5, 2), np.uint8),
        "not an image",
    ],
)
def test_junk_arrays_raise_value_error(junk):
    with pytest.raises(ValueError):
        find_seals(junk)


def test_tiny_and_flat_images_have_no_seal():
    assert find_seals(np.zeros((3, 3, 3), np.uint8)) == []
    assert find_seals(np.full((50, 2000, 3), (0, 0, 255), np.uint8)) == []


# --- documents -----------------------------------------------------------------------------


def seal_pdf(seal_page: int | None = 0, pages: int = 2) -> bytes:
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), f"Vehicle Purchase Contract, page {n + 1}", fontsize=14)
        if n == seal_page:
            red = (0.85, 0.1, 0.1)
            page.draw_circle((420, 650), 40, color=red, width=2.4)
            page.draw_circle((420, 650), 34, color=red, width=0.7)
            page.insert_text((395, 672), "SEAL", fontsize=9, color=red)
            page.draw_polyline(
                [(420, 628), (426, 645), (414, 645), (420, 628)], color=red, fill=red
            )
    return doc.tobytes()


def test_text_pdf_seal_box_in_points():
    scan = scan_pdf(seal_pdf(seal_page=1), read_text=False)
    assert scan.detected is True and scan.pages_scanned == [1, 2]
    (seal,) = scan.seals
    assert seal.page == 2 and seal.color == "red"
    assert overlap(seal.box, (379, 609, 461, 691)) > 0.85, seal.box


def test_text_pdf_without_seal():
    scan = scan_pdf(seal_pdf(seal_page=None), read_text=False)
    assert scan.detected is False and scan.seals == []


def test_grayscale_scan_is_undecided():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    img = cv2.cvtColor(blank(), cv2.COLOR_BGR2GRAY)
    ok, png = cv2.imencode(".png", img)
    page.insert_image(page.rect, stream=png.tobytes())
    scan = scan_pdf(doc.tobytes(), read_text=False)
    assert scan.detected is None and scan.colorless_pages == [1]


def test_pages_looked_at():
    assert pages_to_scan(0) == []
    assert pages_to_scan(1) == [0]
    assert pages_to_scan(4) == [0, 1, 2, 3]
    assert pages_to_scan(40) == [0, 1, 2, 39]


def test_image_file(tmp_path):
    img = blank()
    truth = ring_seal(img, (600, 850))
    ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
    scan = scan_image(jpg.tobytes(), read_text=False)
    assert scan.detected is True and overlap(scan.seals[0].box, truth) > 0.8


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4 garbage", b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_junk_files_raise(data):
    with pytest.raises((RasterError, pymupdf.FileDataError, RuntimeError, ValueError)):
        scan_image(data, read_text=False) if data.startswith(b"\x89") else scan_pdf(data)


# --- the inspector -------------------------------------------------------------------------


def item_for(path: Path, kind: str) -> IntakeItem:
    return IntakeItem(
        path=path,
        name=path.name,
        sha256="0" * 64,
        size=path.stat().st_size,
        media_type="application/pdf" if kind == "pdf" else "image/jpeg",
        kind=kind,
        pages=1,
    )


def test_registered():
    assert ("seals", seal_check.inspect_seals) in INSPECTORS
    assert seal_check.check_transaction in TRANSACTION_CHECKS


def test_inspector_sets_the_document(tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_bytes(seal_pdf(seal_page=0, pages=1))
    settings = Settings.model_validate({"seals": {"read_text": False}})
    doc = Document(file="contract.pdf", type="purchase_contract")
    assert seal_check.inspect_seals(item_for(path, "pdf"), doc, settings, Policy(), None) == []
    assert doc.seal_detected is True and doc.seals[0].page == 1
    other = Document(file="bl.pdf", type="bill_of_lading")
    seal_check.inspect_seals(item_for(path, "pdf"), other, settings, Policy(), None)
    assert other.seal_detected is None and other.seals == []


def test_inspector_on_a_junk_file_is_never_a_seal(tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_bytes(b"%PDF-1.7\nthis is not a pdf")
    doc = Document(file="contract.pdf", type="purchase_contract")
    findings = inspect_document(item_for(path, "pdf"), doc, Settings(), Policy(), None)
    assert doc.seal_detected is not True
    assert any(f.code == "document.unreadable" and "seals" in f.message for f in findings)


# --- seal.missing --------------------------------------------------------------------------


def sig(status: str) -> Signature:
    return Signature(
        intact=status != "invalid",
        trusted=status == "valid",
        modified_after_signing=False,
        status=status,
    )


def contract(**kw) -> Document:
    return Document(file="contract.pdf", type="purchase_contract", **kw)


def test_valid_signature_needs_no_seal():
    doc = contract(signatures=[sig("valid")], seal_detected=False)
    assert seal_check.check_transaction([doc], None, Policy()) == []


def test_seal_without_signature_is_enough():
    doc = contract(seal_detected=True, seals=[Seal(page=1, box=(1, 1, 9, 9), color="red")])
    assert seal_check.check_transaction([doc], None, Policy()) == []


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"seal_detected": False}, "no digital signature"),
        ({"seal_detected": False, "signatures": [sig("untrusted")]}, "not valid (untrusted)"),
        ({"seal_detected": None}, "grayscale"),
    ],
)
def test_neither_signature_nor_seal_is_review(kw, words):
    (f,) = seal_check.check_transaction([contract(**kw)], None, Policy())
    assert f.code == "seal.missing" and f.severity == "review" and f.documents == ["contract.pdf"]
    assert words in f.message


def test_only_contracts_must_be_sealed():
    docs = [
        Document(file=f"{t}.pdf", type=t, seal_detected=False)
        for t in ("inspection_report", "bill_of_lading", "export_license")
    ]
    assert seal_check.check_transaction(docs, None, Policy()) == []


# --- regressions: strokes touching a seal, rules across it, specks, off-paper texture ------


def test_oval_with_a_thin_signature_of_the_same_ink_running_out_of_it():
    # the outline is no ellipse (the stroke leaves it), the ring is not round (no Hough
    # circle): the consensus (RANSAC) ellipse of the outline finds it
    img = blank()
    truth = ring_seal(img, (450, 800), axes=(80, 50), angle=-8, color=BLUE, star=False)
    pts = np.array([[250, 845], [330, 835], [420, 842], [500, 838], [560, 826]], np.int32)
    cv2.polylines(img, [pts], False, BLUE, 2, cv2.LINE_AA)
    assert the_one(find_seals(img), truth, color="blue").shape == "oval"


@pytest.mark.parametrize("shape", ["oval", "square"])
def test_seal_stamped_across_ruled_lines(shape):
    img = blank()
    if shape == "oval":
        truth = ring_seal(img, (420, 640), axes=(85, 55), star=False)
    else:
        cv2.rectangle(img, (380, 600), (460, 680), RED, 4)
        for (x, y), ch in zip(
            [(390, 635), (425, 635), (390, 672), (425, 672)], "ABCD", strict=True
        ):
            cv2.putText(img, ch, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.9, RED, 3)
        truth = (380, 600, 460, 680)
    for y in (612, 641, 668):  # a red-ruled table, slightly tilted as in a photo
        cv2.line(img, (60, y), (790, y - 9), RED, 2, cv2.LINE_AA)
    the_one(find_seals(img), truth)


def test_small_square_hanko_with_ink_specks_beside_it():
    img = blank()
    cv2.rectangle(img, (500, 700), (560, 760), RED, 3)
    for (x, y), ch in zip([(506, 727), (533, 727), (506, 754), (533, 754)], "ABCD", strict=True):
        cv2.putText(img, ch, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.7, RED, 2)
    for x, y in ((494, 690), (491, 730), (566, 758)):  # specks just outside the frame
        cv2.rectangle(img, (x, y), (x + 1, y + 1), RED, -1)
    img = cv2.GaussianBlur(img, (3, 3), 0)
    assert the_one(find_seals(img), (500, 700, 560, 760)).shape == "square"


def test_red_ring_off_the_paper_is_no_seal():
    # a phone photo: the page on the left, a dark desk on the right with a red ring-shaped
    # thing on it (its grain, a mug's rim); seal ink is on paper, so nothing off it is a seal
    img = blank()
    rng = np.random.default_rng(3)
    grain = cv2.GaussianBlur(rng.normal(0, 1, (H, 300)).astype(np.float32), (0, 0), 4)
    grain = (grain - grain.min()) / (grain.max() - grain.min())
    img[:, 550:] = (45 + 30 * grain)[:, :, None].astype(np.uint8)
    dark_red = (40, 45, 120)
    ring_seal(img, (700, 500), color=dark_red, star=False)
    assert find_seals(img) == []
    on_paper = blank()
    truth = ring_seal(on_paper, (300, 500), color=dark_red, star=False)
    the_one(find_seals(on_paper), truth)


def test_a_drawn_seal_is_read_from_the_text_layer_without_ocr(monkeypatch):
    import extractors.seal_text as seal_text

    def no_ocr(*args, **kwargs):
        raise AssertionError("a seal with a text layer must not be OCRed")

    monkeypatch.setattr(seal_text, "read_seal_text", no_ocr)
    (seal,) = scan_pdf(seal_pdf(seal_page=0), read_text=True).seals
    assert seal.text == "SEAL"


# --- the fast arithmetic is the plain arithmetic -------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 5000])
def test_percentile_from_a_histogram_is_numpys(n):
    rng = np.random.default_rng(n)
    for _ in range(50):
        values = rng.integers(rng.integers(0, 200), 256, n).astype(np.uint8)
        hist = np.bincount(values, minlength=256)
        for q in (50, 90):
            assert _percentile(hist, q) == pytest.approx(np.percentile(values, q), abs=1e-9)


def test_colour_cast_is_divided_out_as_pixel_by_pixel():
    img = blank()
    ring_seal(img, (400, 700))
    img = np.clip(img.astype(np.float32) * np.array([0.86, 0.97, 1.08]), 0, 255).astype(np.uint8)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    bright = gray >= np.percentile(gray, 90)
    paper = np.array([np.median(img[:, :, i][bright]) for i in range(3)], np.float32)
    gain = paper.max() / np.maximum(paper, 1.0)
    expected = np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    assert not np.array_equal(expected, img)
    assert np.array_equal(remove_cast(img), expected)
    white = blank()
    assert remove_cast(white) is white  # white paper: nothing to divide


def test_ink_masks_are_the_hue_saturation_and_value_rule():
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, (120, 160, 3)).astype(np.uint8)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV).astype(int)
    h, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    inked = (sat >= 32) & (val >= 60)
    masks = ink_masks(img)
    assert np.array_equal(masks["red"] > 0, inked & ((h <= 12) | (h >= 168)))
    assert np.array_equal(masks["blue"] > 0, inked & (h >= 96) & (h <= 132))
    assert set(np.unique(masks["red"])) == {0, 255}

