"""The HTML comparison in a real headless browser (Debian's chromium): it renders, and the
screenshot shows the differing rows marked and the photos as thumbnails."""

import datetime as dt
import shutil
import subprocess

import cv2
import numpy as np
import pytest

from verifier import compare as cmp
from verifier.models import DocType, Document, Fields

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The row background of a difference (#ffb3b3) and its marker cell (#d40000), in BGR.
DIFF_ROW = (179, 179, 255)
DIFF_MARK = (0, 0, 212)
PHOTO = (40, 180, 30)  # a distinctive green photo, BGR


def _doc(name, type_, **fields):
    return Document(file=name, sha256="0" * 64, type=type_, fields=Fields(**fields))


def _photo() -> bytes:
    image = np.full((600, 800, 3), PHOTO, np.uint8)
    return cv2.imencode(".png", image)[1].tobytes()


def _sides(year_b: int, fuel_b: str, vin_b: str) -> cmp.Comparison:
    vin = "JTEBR3FJ80K123456"
    a = cmp.Side(
        "pre-shipment",
        [
            _doc(
                "contract.pdf",
                DocType.purchase_contract,
                vin=vin,
                make="Toyota",
                model="Land Cruiser Prado",
                model_year=2023,
                engine_displacement_cc=2800,
                engine_displacement_precision_cc=100,
                fuel_type="diesel",
                price=42000.0,
                currency="USD",
                seller="Osaka Auto Export Co., Ltd.",
            ),
            _doc("front.jpg", DocType.photo),
        ],
        photos={"front.jpg": _photo()},
    )
    b = cmp.Side(
        "arrival",
        [
            _doc(
                "arrival_inspection.pdf",
                DocType.inspection_report,
                vin=vin_b,
                make="TOYOTA",
                model="Land Cruiser Prado",
                model_year=year_b,
                engine_displacement_cc=2755,
                engine_displacement_precision_cc=1,
                fuel_type=fuel_b,
                seller="OSAKA AUTO EXPORT CO LTD",
                inspection_date=dt.date(2026, 3, 3),
            ),
        ],
    )
    return cmp.compare(a, b)


def _screenshot(tmp_path, page: str) -> np.ndarray:
    # scripts/install.sh installs Debian's chromium: its absence is a broken install, not a skip.
    assert CHROMIUM, "chromium is not installed: run scripts/install.sh"
    html = tmp_path / "compare.html"
    html.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    image = cv2.imread(str(shot))
    assert image is not None, "chromium wrote no screenshot"
    return image


def _bands(image: np.ndarray, bgr, min_pixels: int = 40) -> int:
    """How many separate horizontal bands of the screen hold colour ``bgr``."""
    mask = np.all(np.abs(image.astype(int) - bgr) <= 6, axis=2)
    rows = mask.sum(axis=1) >= min_pixels
    return int(np.count_nonzero(rows[1:] & ~rows[:-1]) + rows[0])


def test_differing_rows_are_marked_on_screen(tmp_path):
    c = _sides(2022, "petrol", "JTEBR3FJ80K123456")
    assert {r.field for r in c.differences} == {"model_year", "fuel_type"}
    image = _screenshot(tmp_path, cmp.to_html(c))
    # one marked band per differing row, in the row colour and in the marker colour
    assert _bands(image, DIFF_ROW) == 2
    assert _bands(image, DIFF_MARK, min_pixels=10) == 2
    # the photo is on the page as a thumbnail (at most 240 px a side)
    green = np.all(np.abs(image.astype(int) - PHOTO) <= 12, axis=2)
    ys, xs = np.nonzero(green)
    assert len(xs) > 5000
    assert xs.max() - xs.min() <= 242 and ys.max() - ys.min() <= 242


def test_a_comparison_without_differences_marks_nothing(tmp_path):
    c = _sides(2023, "diesel", "JTEBR3FJ80K123456")
    assert c.differences == []
    image = _screenshot(tmp_path, cmp.to_html(c))
    assert _bands(image, DIFF_ROW) == 0 and _bands(image, DIFF_MARK, min_pixels=10) == 0
