"""Which clean-up steps help Tesseract? Character accuracy and time per variant and page kind.

Run: ``python benchmarks/preprocess_ablation.py [--psm 3] [--real DIR]``

Pages are synthetic vehicle documents rendered with PyMuPDF and degraded like real uploads
(clean render, noisy JPEG scan with skew, phone photo with perspective and shading, a
1,000-px-wide photo, rotated photos). Accuracy is 1 - normalised Levenshtein distance between
the read text and the truth, whitespace collapsed. Time is wall time of clean-up + Tesseract
(OMP_THREAD_LIMIT=1). The last section times one page with and without OMP_THREAD_LIMIT=1.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors import preprocess as pp  # noqa: E402
from extractors.ocr import MAIN_PSM, TesseractReader, read_quality  # noqa: E402
from extractors.page import PageText  # noqa: E402

LINES = [
    ("hebo", 16, "CERTIFICATE OF VEHICLE REGISTRATION"),
    ("helv", 11, "Registration No. AB-123-CD      Date of issue: 04/12/2009"),
    ("helv", 11, "Vehicle Identification Number (VIN): WVWZZZ1JZXW000001"),
    ("helv", 11, "Make: VOLKSWAGEN   Model: GOLF IV 1.6   Body: Hatchback"),
    ("helv", 11, "First registration: 05/01/1998   Colour: Silver metallic"),
    ("helv", 11, "Engine No. AKL 123456   Fuel: Petrol   Capacity: 1595 cc"),
    ("helv", 11, "Odometer reading at inspection: 187,420 km on 2024-03-18"),
    ("helv", 11, "Owner: Mr. Jean Dupont, 27 rue des Roitelets, 59169 Ferin"),
    ("cour", 10, "Container: MSCU 123456 5   Seal: 0045871   B/L: SHA-LAX-0932"),
    ("helv", 10, "The vehicle described above has been inspected and found to be"),
    ("helv", 10, "in roadworthy condition. No structural damage was observed to the"),
    ("helv", 10, "chassis, floor pan or suspension mounts. The inspector's remarks"),
    ("helv", 10, "are attached on page two, together with the emission test result."),
    ("helv", 10, "Port of loading: SHANGHAI, CHINA    Port of discharge: LOS ANGELES"),
    ("helv", 10, "Gross weight 1,210 kg    Net weight 1,050 kg    Axles: 2"),
    ("cour", 10, "Signed at Lyon on 12 March 2024 by the authorised inspector."),
]
TRUTH = "\n".join(t for _, _, t in LINES)


def render_page(dpi: int = 300) -> np.ndarray:
    """The synthetic document as a clean grayscale raster."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 90.0
    for font, size, text in LINES:
        page.insert_text((60, y), text, fontname=font, fontsize=size)
        y += size * 2.1
    page.draw_rect(pymupdf.Rect(50, 60, 545, y), color=(0, 0, 0), width=0.8)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    doc.close()
    return img


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def noisy_scan(seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = pp.rotate_small(render_page(200), 2.5)
    img = np.clip(img + rng.normal(0, 25, img.shape), 0, 255).astype(np.uint8)
    return jpeg(img, 50)


def photo(width: int = 2000, seed: int = 2) -> np.ndarray:
    """A phone-like photo: page in perspective on a dark desk, shaded, noisy, JPEG."""
    rng = np.random.default_rng(seed)
    page = cv2.cvtColor(render_page(300), cv2.COLOR_GRAY2BGR)
    h, w = page.shape[:2]
    out_w, out_h = width, int(width * 1.33)
    s = out_w / w
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([
        [0.10 * w, 0.07 * h], [0.88 * w, 0.05 * h], [0.95 * w, 0.93 * h], [0.05 * w, 0.90 * h],
    ]) * s * np.float32([1.0, out_h / (h * s) * 1.0])
    m = cv2.getPerspectiveTransform(src, dst)
    desk = np.full((out_h, out_w, 3), (40, 55, 70), np.uint8)
    warped = cv2.warpPerspective(page, m, (out_w, out_h), flags=cv2.INTER_AREA,
                                 borderMode=cv2.BORDER_TRANSPARENT, dst=desk)
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    shade = 0.55 + 0.45 * (xx / out_w) * (0.6 + 0.4 * yy / out_h)
    img = warped.astype(np.float32) * shade[:, :, None]
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    img = np.clip(img + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)
    return jpeg(img, 80)


def pages() -> dict[str, np.ndarray]:
    ph = photo(2000)
    return {
        "clean 300dpi": render_page(300),
        "noisy jpeg scan, skew 2.5": noisy_scan(),
        "photo 2000px, persp+shade": ph,
        "photo 1000px": photo(1000, seed=3),
        "photo rotated 90": cv2.rotate(ph, cv2.ROTATE_90_COUNTERCLOCKWISE),
        "photo rotated 270": cv2.rotate(ph, cv2.ROTATE_90_CLOCKWISE),
        "photo upside down": cv2.rotate(ph, cv2.ROTATE_180),
        "very noisy scan s=45 q=35": very_noisy_scan(),
    }


def very_noisy_scan(seed: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = pp.rotate_small(render_page(200), -1.5)
    img = np.clip(img + rng.normal(0, 45, img.shape), 0, 255).astype(np.uint8)
    return jpeg(img, 35)


# Real samples (../shared/corpus/realdocs): scored as the fraction of these strings found.
REAL = {
    "fr_registration_specimen.jpg": ["AB-123-CD", "05/01/1998", "04/12/2009", "DUPONT",
                                     "VFSIV2009ASIV2009", "ROITELETS", "MCT5432PY315"],
    "bill_of_lading_sample.jpg": ["FFAU1234567", "SHANGHAI, CHINA", "LOS ANGELES, USA",
                                  "GLOBAL VOYAGER", "30. SEP. 2022", "PACIFIC TRADING CO."],
}
REAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "realdocs"


def found(text: str, wanted: list[str]) -> float:
    flat = " ".join(text.split()).upper()
    return sum(w.upper() in flat for w in wanted) / len(wanted)


# -- measuring ---------------------------------------------------------------------------


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def accuracy(text: str, truth: str = TRUTH) -> float:
    a, b = " ".join(text.split()), " ".join(truth.split())
    return max(0.0, 1.0 - levenshtein(a, b) / max(1, len(b)))


def raw_read(reader: TesseractReader, gray: np.ndarray, psm: int) -> PageText:
    words = reader._data(gray, psm=psm)
    h, w = gray.shape[:2]
    return PageText(1, w, h, words, "ocr", "px")


def variants(reader: TesseractReader, psm: int):
    def raw(img):
        return raw_read(reader, pp.to_gray(img), psm)

    def adaptive(img):
        g, _ = pp.adaptive_threshold(pp.to_gray(img))
        return raw_read(reader, g, psm)

    def deskew_median(img):
        g, _ = pp.deskew(pp.to_gray(img))
        g, _ = pp.denoise(g, force=True)
        return raw_read(reader, g, psm)

    def full(img):
        reader.psm = psm
        return reader.read(img, page_number=1)

    def without(step):
        def fn(img):
            g, _ = pp.clean_page(img, skip={step})
            return raw_read(reader, g, psm)
        return fn

    out = {"raw": raw, "adaptive thr": adaptive, "deskew+median": deskew_median,
           "clean_page": full}
    for step in pp.STEPS:
        out[f"-{step}"] = without(step)
    return out


def child_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def omp_comparison(img: np.ndarray) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "p.png")
        cv2.imwrite(path, img)
        cmd = ["tesseract", path, str(Path(tmp) / "out"), "--psm", str(MAIN_PSM)]
        base = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
        for label, env in (("default OpenMP", base),
                           ("OMP_THREAD_LIMIT=1", {**base, "OMP_THREAD_LIMIT": "1"})):
            runs = [child_cpu(cmd, env) for _ in range(3)]
            wall = min(r[0] for r in runs)
            cpu = min(r[1] for r in runs)
            print(f"  {label:20s} wall {wall:5.2f} s   cpu {cpu:5.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--psm", type=int, default=MAIN_PSM)
    ap.add_argument("--only", default="", help="comma-separated variant names")
    args = ap.parse_args()
    reader = TesseractReader("eng", timeout_s=120)
    vs = variants(reader, args.psm)
    if args.only:
        vs = {k: v for k, v in vs.items() if k in args.only.split(",")}
    print(f"psm {args.psm}; character accuracy / wall seconds (clean-up + tesseract)")
    print(f"{'page':28s}" + "".join(f"{k:>20s}" for k in vs))
    print("(-step: clean_page without that step, no orientation fallback)")
    totals = {k: [0.0, 0.0] for k in vs}
    for name, img in pages().items():
        row = f"{name:28s}"
        for k, fn in vs.items():
            t = time.perf_counter()
            pt = fn(img)
            dt = time.perf_counter() - t
            acc = accuracy(pt.text)
            totals[k][0] += acc
            totals[k][1] += dt
            row += f"{acc:>13.3f} {dt:5.2f}s"
            if k == "clean_page":
                notes = "; ".join(n for n in pt.notes)
                extra = f"  q={read_quality(pt.words):.2f} [{notes}]"
        print(row + (extra if "clean_page" in vs else ""))
    for fname, wanted in REAL.items():
        path = REAL_DIR / fname
        if not path.exists():
            continue
        img = cv2.imread(str(path))
        row = f"*{fname[:27]:27s}"
        for fn in vs.values():
            t = time.perf_counter()
            pt = fn(img)
            dt = time.perf_counter() - t
            row += f"{found(pt.text, wanted):>13.3f} {dt:5.2f}s"
        print(row + (f"  [{'; '.join(pt.notes)}]" if "clean_page" in vs else ""))
    print("* real sample: fraction of expected strings found, not character accuracy")
    n = len(pages())
    print(f"{'mean':28s}" + "".join(
        f"{totals[k][0] / n:>13.3f} {totals[k][1] / n:5.2f}s" for k in vs))
    print("\nOne clean 300-dpi page, plain tesseract CLI, best of 3:")
    omp_comparison(render_page(300))


if __name__ == "__main__":
    main()
