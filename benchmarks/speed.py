"""Speed and memory of the pipeline, each figure against a baseline measured in the same run.

    .venv/bin/python benchmarks/speed.py              # full sizes (several minutes on 2 cores)
    .venv/bin/python benchmarks/speed.py --quick      # a smoke run
    .venv/bin/python benchmarks/speed.py --profile    # also: where the time goes

Generates transactions (``fixtures.generate``, fixed seed) and measures

1. **OCR throughput**: the pipeline on a folder of single-page scanned PDFs, in-process
   (``check_folder``) and as the CLI (``verifier check FOLDER --format json``), against plain
   ``tesseract IMAGE - -l eng`` (``OMP_THREAD_LIMIT=1``, default psm) run one after another on
   the same pages' embedded images (PNG). Target: pipeline / baseline <= 1.0.
2. **Per-document time on text PDFs**: one ``verifier check`` process over 40 text-layer PDFs,
   wall time / 40 with process start included. Target <= 100 ms; ``verifier --help`` wall time
   is printed as the bare process-start baseline.
3. **Peak memory** of ``verifier check`` (the whole process tree: the CLI, its workers and
   their Tesseract children, polled from /proc) on a 600-page text-layer PDF (target < 1 GiB),
   and on scanned PDFs of two sizes to show how memory grows with scanned pages (OCRing 600
   scanned pages would take too long here; the growth per page is reported and extrapolated).

The machine is noisy: compare the ratios, not the absolute seconds, across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pymupdf  # noqa: E402

from fixtures.generate import generate_transaction, tx_rng  # noqa: E402
from verifier.pipeline import check_folder  # noqa: E402
from verifier.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VERIFIER = str(BIN / "verifier") if (BIN / "verifier").exists() else shutil.which("verifier")
TESSERACT = shutil.which("tesseract") or "tesseract"
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
MIB = 1024 * 1024
GIB = 1024 * MIB

TARGET_OCR_RATIO = 1.0
TARGET_MS_PER_DOC = 100.0
TARGET_PEAK_BYTES = GIB


@dataclass
class Sizes:
    scans: int  # single-page scanned PDFs for the OCR throughput figure
    texts: int  # text-layer PDFs for the per-document figure
    big_pages: tuple[int, ...]  # text-layer PDF sizes for memory (the last one is the target)
    scan_pages: tuple[int, ...]  # scanned PDF sizes for memory growth
    max_tx: int = 60


FULL = Sizes(scans=16, texts=40, big_pages=(60, 600), scan_pages=(10, 40))
QUICK = Sizes(scans=4, texts=10, big_pages=(20, 60), scan_pages=(2, 4))


@dataclass
class Row:
    name: str
    figure: str
    target: str
    ok: bool | None  # None: context only, no target


@dataclass
class Corpus:
    scans: list[Path] = field(default_factory=list)  # single-page scan_pdf files
    scans_multi: list[Path] = field(default_factory=list)  # multi-page scan_pdf files
    texts: list[Path] = field(default_factory=list)  # text_pdf files
    transactions: int = 0


# ---------------------------------------------------------------- data


def build_corpus(gen: Path, seed: int, sizes: Sizes) -> Corpus:
    """Generate transactions until there are enough single-page scans and text PDFs."""
    corpus = Corpus()
    for i in range(1, sizes.max_tx + 1):
        if len(corpus.scans) >= sizes.scans and len(corpus.texts) >= sizes.texts:
            break
        folder = generate_transaction(gen, f"TX-{seed}-{i:04d}", tx_rng(seed, i), seed=seed)
        corpus.transactions += 1
        truth = json.loads(folder.with_suffix(".truth.json").read_text(encoding="utf-8"))
        for name, doc in truth["documents"].items():
            path = folder / name
            if doc["medium"] == "scan_pdf":
                with pymupdf.open(path) as pdf:
                    pages = pdf.page_count
                (corpus.scans if pages == 1 else corpus.scans_multi).append(path)
            elif doc["medium"] == "text_pdf":
                corpus.texts.append(path)
    if len(corpus.scans) < sizes.scans or len(corpus.texts) < sizes.texts:
        raise SystemExit(
            f"only {len(corpus.scans)} single-page scans and {len(corpus.texts)} text PDFs in "
            f"{corpus.transactions} transactions"
        )
    corpus.scans = corpus.scans[: sizes.scans]
    corpus.texts = corpus.texts[: sizes.texts]
    return corpus


def copy_flat(files: list[Path], dest: Path) -> Path:
    """Copy files into one folder, each named after its transaction to stay unique."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, dest / f"{f.parent.name}_{f.name}")
    return dest


def page_count(folder: Path) -> int:
    total = 0
    for f in sorted(folder.iterdir()):
        with pymupdf.open(f) as pdf:
            total += pdf.page_count
    return total


def extract_images(folder: Path, dest: Path) -> list[tuple[Path, int]]:
    """Each page's embedded scan image as a PNG (native pixels, dpi set); (path, dpi)."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for f in sorted(folder.iterdir()):
        with pymupdf.open(f) as pdf:
            for n, page in enumerate(pdf):
                images = page.get_images(full=True)
                if len(images) != 1:
                    raise SystemExit(f"{f.name} page {n + 1}: {len(images)} images, expected 1")
                xref = images[0][0]
                pix = pymupdf.Pixmap(pdf, xref)
                if pix.alpha or pix.n > 3:
                    pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
                dpi = round(pix.width / (page.rect.width / 72))
                pix.set_dpi(dpi, dpi)
                png = dest / f"{len(out):03d}.png"
                pix.save(png)
                out.append((png, dpi))
    return out


def build_pdf(sources: list[Path], pages: int, out: Path) -> Path:
    """A PDF of ``pages`` pages, cycling through the pages of ``sources``."""
    doc = pymupdf.open()
    srcs = [pymupdf.open(s) for s in sources]
    try:
        i = 0
        while doc.page_count < pages:
            src = srcs[i % len(srcs)]
            take = min(src.page_count, pages - doc.page_count)
            doc.insert_pdf(src, from_page=0, to_page=take - 1)
            i += 1
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(out, garbage=0)
    finally:
        for s in srcs:
            s.close()
        doc.close()
    return out


# ---------------------------------------------------------------- measuring


def child_env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def run_baseline(images: list[tuple[Path, int]]) -> tuple[float, float]:
    """Plain Tesseract over the images, one after another; (wall, CPU) seconds."""
    subprocess.run(  # warm the page cache with the traineddata, not timed
        [TESSERACT, str(images[0][0]), "-", "-l", "eng"],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    cpu0, started = children_cpu(), time.perf_counter()
    for png, _ in images:
        subprocess.run(
            [TESSERACT, str(png), "-", "-l", "eng"],
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    return time.perf_counter() - started, children_cpu() - cpu0


def children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def loadavg() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average n/a"


@dataclass
class CliRun:
    seconds: float
    report: dict | None
    cpu: float = 0.0  # user + system of the whole tree (reaped children)
    peak_rss: int = 0  # sum over the process tree, polled
    peak_pss: int = 0  # same, proportional (shared pages counted once)
    peak_procs: int = 0
    max_single_rss: int | None = None  # GNU time: the largest single process
    samples: int = 0


def run_cli(folder: Path, *, measure_memory: bool = False) -> CliRun:
    cmd = [VERIFIER, "check", str(folder), "--format", "json"]
    if measure_memory and GNU_TIME:
        cmd = [GNU_TIME, "-v", *cmd]
    poller = TreePoller() if measure_memory else None
    cpu0, started = children_cpu(), time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    if poller:
        poller.start(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    cpu = children_cpu() - cpu0
    if poller:
        poller.stop()
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(
            f"{' '.join(cmd)} exited {proc.returncode}:\n{err.decode(errors='replace')[-3000:]}"
        )
    run = CliRun(seconds, json.loads(out), cpu)
    if poller:
        run.peak_rss, run.peak_pss = poller.peak_rss, poller.peak_pss
        run.peak_procs, run.samples = poller.peak_procs, poller.samples
    if measure_memory and GNU_TIME:
        m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", err)
        run.max_single_rss = int(m.group(1)) * 1024 if m else None
    return run


class TreePoller:
    """Polls /proc for the summed RSS and PSS of a process and all its descendants."""

    def __init__(self, interval: float = 0.03) -> None:
        self.interval = interval
        self.peak_rss = self.peak_pss = self.peak_procs = self.samples = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int) -> None:
        self._thread = threading.Thread(target=self._loop, args=(pid,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    @staticmethod
    def _tree(root: int) -> list[int]:
        children: dict[int, list[int]] = defaultdict(list)
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children[ppid].append(int(entry.name))
        out, todo = [], [root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    @staticmethod
    def _memory(pid: int) -> tuple[int, int]:
        rss = pss = 0
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        return rss, pss

    def _loop(self, root: int) -> None:
        while not self._stop.is_set():
            pids = self._tree(root)
            rss = pss = 0
            for pid in pids:
                r, p = self._memory(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(pids))
            self.samples += 1
            self._stop.wait(self.interval)


def time_help(repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([VERIFIER, "--help"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report_pages(report: dict) -> tuple[int, int, int]:
    """(pages, documents read with OCR, documents with an error)."""
    docs = report["documents"]
    return (
        sum(d.get("pages") or 0 for d in docs),
        sum(bool(d.get("ocr")) for d in docs),
        sum(bool(d.get("error")) for d in docs),
    )


# ---------------------------------------------------------------- profiling


class StageTimer:
    """Wall time per pipeline stage, by wrapping module functions (sequential runs only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, owner, attr: str, label, container=None) -> None:
        target = container if container is not None else owner.__dict__
        original = target[attr]

        def timed(*args, **kwargs):
            name = label(*args, **kwargs) if callable(label) else label
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        if container is not None:
            container[attr] = timed
        else:
            setattr(owner, attr, timed)
        self._undo.append((owner, attr, original, container))

    @contextmanager
    def installed(self):
        from extractors import classify, fields, ocr, preprocess, raster, textlayer

        self._undo: list = []

        def tesseract_kind(image, *, lang, psm, whitelist=None, timeout_s):
            del image, psm, timeout_s
            if whitelist:
                return "tesseract: VIN re-read (whitelist)"
            if "chi_sim" in lang:
                return "tesseract: chi_sim+eng weak-line re-read"
            return "tesseract: main / rotated pass"

        self.wrap(ocr, "_tsv", tesseract_kind)
        self.wrap(ocr, "_osd", "tesseract: osd")
        for step in list(preprocess.STEPS):
            self.wrap(preprocess, step, f"clean-up: {step}", container=preprocess.STEPS)
        self.wrap(textlayer, "triage_page", "text layer: triage")
        self.wrap(textlayer, "read_text_layer", "text layer: read")
        self.wrap(raster, "render_pdf_page", "render page")
        self.wrap(classify, "classify", "classify")
        self.wrap(fields, "extract", "extract fields (incl. VIN re-reads)")
        try:
            yield self
        finally:
            for owner, attr, original, container in reversed(self._undo):
                if container is not None:
                    container[attr] = original
                else:
                    setattr(owner, attr, original)


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


FIXED_COSTS = """
import time
t0 = time.perf_counter()
import cli
t1 = time.perf_counter()
from verifier.pipeline import check_folder, default_reader
from verifier.settings import Settings
import extractors.ocr
t2 = time.perf_counter()
default_reader(Settings())
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def profile_fixed_costs() -> None:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", FIXED_COSTS], capture_output=True, text=True, check=True, cwd=ROOT
    )
    total = time.perf_counter() - started
    cli_s, pipe_s, reader_s = (float(x) for x in out.stdout.split())
    print(
        f"\n--- profile: fixed cost of a `verifier check` process ---\n"
        f"  python start + import cli {cli_s:.3f} s; import pipeline, PyMuPDF, OpenCV, "
        f"tesserocr ... {pipe_s:.3f} s; TesseractReader() {reader_s:.3f} s; "
        f"whole process {total:.3f} s"
    )


def profile_folder(folder: Path, title: str, pages: int) -> None:
    from verifier import intake
    from verifier.pipeline import default_reader, read_all
    from verifier.policy import Policy

    settings = Settings()
    policy = Policy()
    print(f"\n--- profile: {title} ({folder.name}, {pages} pages) ---")
    started = time.perf_counter()
    items = intake.scan_folder(folder, settings.limits)
    intake_s = time.perf_counter() - started
    cpu0, started = cpu_seconds(), time.perf_counter()
    results = read_all(items, settings, policy, default_reader)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu0
    busy = sum(r.seconds for r in results)
    workers = min(settings.worker_count(), len(items))
    print(
        f"parallel read_all ({workers} workers): wall {wall:.2f} s, sum of per-document "
        f"ReadResult.seconds {busy:.2f} s, parallel efficiency {busy / wall / workers:.0%}; "
        f"intake {intake_s:.2f} s"
    )
    print(
        f"  CPU (this process + reaped workers and tesseract children): {cpu:.2f} s "
        f"= {cpu / wall:.2f} cores busy on average"
    )
    slowest = sorted(results, key=lambda r: -r.seconds)
    for r in slowest[: min(6, len(slowest))]:
        print(f"  {r.seconds:6.2f} s  {r.document.pages} p  {r.document.file}")
    if len(slowest) > 6:
        print(f"  ... median {statistics.median(r.seconds for r in results):.2f} s a document")

    sequential = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"workers": 1})})
    timer = StageTimer()
    with timer.installed():
        cpu0, started = cpu_seconds(), time.perf_counter()
        read_all(items, sequential, policy, default_reader)
        seq, cpu = time.perf_counter() - started, cpu_seconds() - cpu0
    print(
        f"sequential read_all (1 process, stages timed): {seq:.2f} s = {seq / pages:.3f} s/page,"
        f" CPU {cpu:.2f} s = {cpu / seq:.2f} cores busy"
    )
    covered = 0.0
    for name, secs in sorted(timer.seconds.items(), key=lambda kv: -kv[1]):
        if name.startswith(("tesseract", "clean-up", "render", "text layer")):
            covered += secs
        calls = timer.calls[name]
        print(
            f"  {secs:7.2f} s {secs / seq:5.0%}  {calls:4d} calls  "
            f"{calls / pages:5.2f}/page  {name}"
        )
    print("  (extract fields includes its VIN re-reads, listed above as tesseract too)")


# ---------------------------------------------------------------- main


def fmt_bytes(n: int | None) -> str:
    return "n/a" if n is None else f"{n / MIB:,.0f} MiB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated data here")
    ap.add_argument("--profile", action="store_true", help="also print where the time goes")
    ap.add_argument(
        "--repeat", type=int, default=None, help="timed runs of [1] and [2], best kept (3; quick 1)"
    )
    ap.add_argument(
        "--skip-scan-memory", action="store_true", help="skip the (slow) scanned-PDF memory runs"
    )
    args = ap.parse_args()
    sizes = QUICK if args.quick else FULL
    args.repeat = args.repeat or (1 if args.quick else 3)
    if not VERIFIER:
        raise SystemExit("the verifier console script is not installed")

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
        tmp = None
    else:
        tmp = tempfile.TemporaryDirectory(prefix="speed_")
        work = Path(tmp.name)
    rows: list[Row] = []
    cores = Settings().worker_count()
    tess = subprocess.run([TESSERACT, "--version"], capture_output=True, text=True, check=True)
    print(
        f"speed benchmark: seed {args.seed}, {'quick' if args.quick else 'full'} sizes, "
        f"{cores} cores, {tess.stdout.splitlines()[0]}, data in {work}"
    )
    try:
        started = time.perf_counter()
        corpus = build_corpus(work / "generated", args.seed, sizes)
        print(
            f"generated {corpus.transactions} transactions in {time.perf_counter() - started:.1f} s"
            f": {len(corpus.scans)} single-page scans, {len(corpus.texts)} text PDFs taken"
        )

        # 1. OCR throughput --------------------------------------------------------------
        scans = copy_flat(corpus.scans, work / "scans")
        pages = page_count(scans)
        images = extract_images(scans, work / "scan_png")
        dpis = sorted({d for _, d in images})
        print(f"\n[1] OCR throughput: {pages} scanned pages ({len(images)} images, dpi {dpis})")
        # Warm-up, untimed: traineddata (eng, osd, chi_sim) and libraries into the page cache.
        warm = copy_flat(corpus.scans[:1], work / "warmup")
        check_folder(warm, settings=Settings())
        bases, inprocs, clis = [], [], []
        base_cpu, inproc_cpu, cli_cpu = [], [], []
        print(f"  ({loadavg()} before)")
        for rep in range(args.repeat):
            wall, cpu = run_baseline(images)
            bases.append(wall)
            base_cpu.append(cpu)
            cpu0, started = cpu_seconds(), time.perf_counter()
            report = check_folder(scans, settings=Settings())
            inprocs.append(time.perf_counter() - started)
            inproc_cpu.append(cpu_seconds() - cpu0)
            cli = run_cli(scans)
            clis.append(cli.seconds)
            cli_cpu.append(cli.cpu)
            print(
                f"  run {rep + 1}: tesseract {bases[-1]:6.2f} s (CPU {base_cpu[-1]:5.2f} s), "
                f"check_folder {inprocs[-1]:6.2f} s (CPU {inproc_cpu[-1]:5.2f} s), "
                f"CLI {clis[-1]:6.2f} s (CPU {cli_cpu[-1]:5.2f} s)"
            )
        print(f"  ({loadavg()} after; the pipeline wants {cores} free cores, tesseract one)")
        base = min(bases)
        print(
            f"  baseline  tesseract sequential, OMP_THREAD_LIMIT=1: {base:7.2f} s "
            f"= {base / pages:.3f} s/page   (best of {args.repeat})"
        )
        inproc = min(inprocs)
        got_pages, ocr_docs, errors = report_pages(report.model_dump(mode="json"))
        print(
            f"  pipeline  check_folder in-process ({cores} workers): {inproc:7.2f} s "
            f"= {inproc / pages:.3f} s/page  ratio {inproc / base:.2f}  "
            f"[{got_pages} pages, {ocr_docs} OCRed, {errors} errors]"
        )
        got_pages, ocr_docs, errors = report_pages(cli.report)
        print(
            f"  pipeline  verifier check --format json (CLI):     {min(clis):7.2f} s "
            f"= {min(clis) / pages:.3f} s/page  ratio {min(clis) / base:.2f}  "
            f"[{got_pages} pages, {ocr_docs} OCRed, {errors} errors]"
        )
        if args.repeat > 1:
            print(
                f"  (medians: tesseract {statistics.median(bases):.2f} s, check_folder "
                f"{statistics.median(inprocs):.2f} s, CLI {statistics.median(clis):.2f} s; ratio "
                f"of medians {statistics.median(inprocs) / statistics.median(bases):.2f} / "
                f"{statistics.median(clis) / statistics.median(bases):.2f})"
            )
        cpu_ratio = min(inproc_cpu) / min(base_cpu)
        print(
            f"  CPU per page (best of {args.repeat}): tesseract {min(base_cpu) / pages:.3f} s, "
            f"check_folder {min(inproc_cpu) / pages:.3f} s, CLI {min(cli_cpu) / pages:.3f} s; "
            f"CPU ratio {cpu_ratio:.2f}, i.e. {cpu_ratio / cores:.2f} with perfect use of "
            f"{cores} otherwise idle cores"
        )
        for label, secs in (("in-process", inproc), ("CLI", min(clis))):
            ratio = secs / base
            rows.append(
                Row(
                    f"OCR throughput, {label} / tesseract",
                    f"{ratio:.2f}x ({secs / pages:.2f} vs {base / pages:.2f} s/page)",
                    f"<= {TARGET_OCR_RATIO:.1f}x",
                    ratio <= TARGET_OCR_RATIO,
                )
            )
        rows.append(
            Row(
                "  OCR CPU seconds, in-process / tesseract",
                f"{cpu_ratio:.2f}x (/{cores} cores = {cpu_ratio / cores:.2f}x)",
                "-",
                None,
            )
        )

        # 2. per-document time on text PDFs ------------------------------------------------
        texts = copy_flat(corpus.texts, work / "texts")
        empty = work / "empty"
        empty.mkdir(exist_ok=True)
        n_docs = len(corpus.texts)
        print(f"\n[2] text PDFs: {n_docs} documents, {page_count(texts)} pages, one process")
        print(f"  ({loadavg()})")
        start_s = time_help()
        empty_s = statistics.median(run_cli(empty).seconds for _ in range(3))
        print(f"  baseline  verifier --help (process start, median of 3): {start_s * 1000:6.0f} ms")
        print(
            f"  baseline  verifier check EMPTY --format json (median of 3): {empty_s * 1000:.0f} ms"
        )
        runs = [run_cli(texts) for _ in range(args.repeat)]
        cli = min(runs, key=lambda r: r.seconds)
        got_pages, ocr_docs, errors = report_pages(cli.report)
        per_doc = cli.seconds / n_docs * 1000
        print(
            f"  verifier check --format json: {cli.seconds:.2f} s = {per_doc:.0f} ms/document "
            f"(best of {args.repeat}: {', '.join(f'{r.seconds:.2f}' for r in runs)} s; "
            f"{ocr_docs} OCRed, {errors} errors)"
        )
        print(
            f"  of which fixed cost (empty folder) {empty_s / cli.seconds:.0%}; marginal "
            f"{(cli.seconds - empty_s) / n_docs * 1000:.0f} ms/document"
        )
        rows.append(
            Row(
                f"text PDF, per document ({n_docs} in one process)",
                f"{per_doc:.0f} ms",
                f"<= {TARGET_MS_PER_DOC:.0f} ms",
                per_doc <= TARGET_MS_PER_DOC,
            )
        )
        rows.append(Row("  process start (verifier --help)", f"{start_s * 1000:.0f} ms", "-", None))
        rows.append(Row("  check on an empty folder", f"{empty_s * 1000:.0f} ms", "-", None))

        # 3. peak memory ------------------------------------------------------------------
        print(
            "\n[3] peak memory of `verifier check` (process tree, /proc polled every 30 ms; "
            "PSS counts pages shared by forked workers once)"
        )
        print(f"  ({loadavg()})")
        big_runs = []
        for n in sizes.big_pages:
            pdf = build_pdf(corpus.texts, n, work / f"text{n}" / f"text_{n}_pages.pdf")
            run = run_cli(pdf.parent, measure_memory=True)
            got_pages, ocr_docs, errors = report_pages(run.report)
            big_runs.append((n, run))
            print(
                f"  text layer {n:4d} pages ({pdf.stat().st_size / MIB:5.1f} MiB file): "
                f"{run.seconds:6.1f} s, peak PSS {fmt_bytes(run.peak_pss)}, "
                f"peak RSS sum {fmt_bytes(run.peak_rss)}, largest process "
                f"{fmt_bytes(run.max_single_rss)}, up to {run.peak_procs} processes "
                f"[{got_pages} pages read, {ocr_docs} OCRed, {errors} errors]"
            )
        n, run = big_runs[-1]
        rows.append(
            Row(
                f"peak memory, {n}-page text PDF (tree PSS)",
                fmt_bytes(run.peak_pss),
                "< 1024 MiB",
                run.peak_pss < TARGET_PEAK_BYTES,
            )
        )
        rows.append(
            Row(
                "  same, tree RSS sum / largest process",
                f"{fmt_bytes(run.peak_rss)} / {fmt_bytes(run.max_single_rss)}",
                "< 1024 MiB",
                run.peak_rss < TARGET_PEAK_BYTES,
            )
        )
        if not args.skip_scan_memory:
            scan_runs = []
            sources = corpus.scans + corpus.scans_multi
            for n in sizes.scan_pages:
                pdf = build_pdf(sources, n, work / f"scan{n}" / f"scan_{n}_pages.pdf")
                run = run_cli(pdf.parent, measure_memory=True)
                got_pages, ocr_docs, errors = report_pages(run.report)
                scan_runs.append((n, run, pdf.stat().st_size))
                print(
                    f"  scanned    {n:4d} pages ({pdf.stat().st_size / MIB:5.1f} MiB file): "
                    f"{run.seconds:6.1f} s, peak PSS {fmt_bytes(run.peak_pss)}, "
                    f"peak RSS sum {fmt_bytes(run.peak_rss)}, largest process "
                    f"{fmt_bytes(run.max_single_rss)} [{got_pages} pages read, "
                    f"{errors} errors]"
                )
            (n0, r0, _), (n1, r1, size1) = scan_runs[0], scan_runs[-1]
            slope = (r1.peak_pss - r0.peak_pss) / (n1 - n0)
            at600 = r1.peak_pss + slope * (600 - n1)
            file600 = size1 / n1 * 600
            print(
                f"  scanned: growth {slope / MIB:+.2f} MiB/page between {n0} and {n1} pages; "
                f"extrapolated peak at 600 pages {fmt_bytes(int(at600))} (not measured). A "
                f"600-page scan at these densities is ~{file600 / MIB:.0f} MiB, over the "
                f"default max_file_bytes of "
                f"{Settings().limits.max_file_bytes / MIB:.0f} MiB"
            )
            rows.append(
                Row(
                    f"peak memory, {n1}-page scanned PDF (tree PSS)",
                    fmt_bytes(r1.peak_pss),
                    "< 1024 MiB",
                    r1.peak_pss < TARGET_PEAK_BYTES,
                )
            )
            rows.append(
                Row(
                    f"  growth {n0}->{n1} scanned pages; 600 extrapolated",
                    f"{slope / MIB:+.2f} MiB/page; {fmt_bytes(int(at600))}",
                    "< 1024 MiB",
                    at600 < TARGET_PEAK_BYTES,
                )
            )

        # summary -------------------------------------------------------------------------
        width = max(len(r.name) for r in rows)
        fwidth = max(len(r.figure) for r in rows)
        print("\n=== summary ===")
        print(f"{'figure':<{width}}  {'measured':<{fwidth}}  {'target':<11}  result")
        for r in rows:
            result = "-" if r.ok is None else ("pass" if r.ok else "MISS")
            print(f"{r.name:<{width}}  {r.figure:<{fwidth}}  {r.target:<11}  {result}")

        if args.profile:
            profile_folder(scans, "scanned PDFs", pages)
            profile_folder(texts, "text PDFs", page_count(texts))
            profile_fixed_costs()
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
