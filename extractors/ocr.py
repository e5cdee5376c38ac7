"""The one module that runs Tesseract (compare OCRmyPDF's ``_exec/tesseract.py``).

Tesseract runs in this process through tesserocr, its library binding built against the
system's libtesseract (the same engine as the ``tesseract`` program), loaded once per language
set and process, with

* ``OMP_THREAD_LIMIT=1`` set before the library loads: Tesseract's own OpenMP threads were
  measured burning several times the CPU for the same page; we parallelise across pages and
  documents instead;
* a per-call time limit (``Recognize(timeout=)``, :class:`OcrTimeout`), and every failure
  re-raised as :class:`OcrError`;
* its TSV output checked before it becomes :class:`~extractors.page.Word` objects.

:class:`TesseractReader` cleans a page up (:func:`extractors.preprocess.clean_page`), reads
it, and when the read is poor asks Tesseract's orientation detection (OSD) whether the page
is upside down or sideways, so upright pages never pay for OSD. It keeps the cleaned page so
that a caller can re-read a region (:meth:`TesseractReader.reread`), e.g. a VIN with a
character whitelist.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os
import re
import threading
import time

import cv2
import numpy as np

from extractors.page import Box, PageText, Word, boxes_overlap, union_box
from extractors.preprocess import (
    clean_page,
    crop_around,
    rotate_quadrant,
    sharpen,
    stack_lines,
    text_mark_boxes,
    text_marks,
    to_gray,
)

log = logging.getLogger(__name__)

# psm 3 (automatic layout) read the synthetic and real documents best (benchmark).
MAIN_PSM = 3
VIN_WHITELIST = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
# Below this (length-weighted mean confidence, 0..1) a read counts as poor and OSD is asked.
POOR_READ = 0.70
# A sharpened re-read of a poorly read page is kept when its quality is this much higher.
SHARPER_GAIN = 0.05
# OSD's orientation confidence needed before its rotation is tried.
OSD_MIN_CONF = 1.0
# Below this OSD confidence a poor read is also tried upside down.
OSD_SURE = 3.0
# Crops for reread: grown by this margin (fraction of the box height, plus pixels) and
# enlarged until the box is at least this tall.
REREAD_MARGIN = 0.3
REREAD_MIN_HEIGHT = 60
REREAD_MAX_SCALE = 4.0
REREAD_PAD = 12

# Lines an English pass reads this badly, and this short, are re-read with Chinese too.
CJK_LANGS = "chi_sim+eng"
CJK_WEAK_CONF = 0.55
CJK_MAX_WORDS = 8
CJK_MAX_LINES = 24
CJK_MIN_PAGE_QUALITY = 0.5
# A label before a colon and a value read at least CJK_PREFIX_VALUE_CONF ("FHA: 08. FEB. 2023"
# for 日期) is re-read when a word of it is read below CJK_PREFIX_CONF and looks like Han.
CJK_PREFIX_CONF = 0.8
CJK_PREFIX_VALUE_CONF = 0.7
# A garbled piece this short is re-read however its strokes look (a label before its colon
# between sure words), or with them (a value after a sure label, each word weak and of a few
# letters: OCR renders a Han word as a few Latin letters, "ik" for 汽油).
CJK_SHORT_WORDS = 2
CJK_MAX_VALUE_CHARS = 3
# A weak line is a garbled label when a line read at least this surely stands beside or under
# it ("aREM:" over "05. AUG. 2024", read at 0.77 on a 1080-px photo).
CJK_SURE_VALUE = 0.7
# A weak word is worth the Chinese re-read only when its ink looks like Han characters: a
# column through a Han character crosses 3 or more strokes (车, 品, 量), one through Latin
# letters or digits mostly 1 or 2. On 80 generated scans and photos this kept 11 of the 13
# pages where the re-read found Chinese and dropped 37 of 60 pages' re-read calls.
CJK_MIN_STROKES = 3.0


# Unread marks worth a look: at least this many on the page, or this many letter-wide ones
# (short values the page pass skipped: "BYD", "Seal" in a contract photo's column of values),
# or, blurred into a mark a word, this many character heights wide together; this many on a
# line. A word the look reads is kept when at least this sure. Lines past the cap (largest
# first) are left.
UNREAD_MIN_MARKS = 12
UNREAD_MIN_LETTERS = 6
UNREAD_LETTER_WIDTH = 0.4  # of the character height: wider than a colon, a bar or a stop
UNREAD_MIN_WIDTH = 8.0
UNREAD_LINE_MARKS = 3
UNREAD_MIN_CONF = 0.6
UNREAD_MAX_LINES = 24
UNREAD_LINE_KEY = 9000
# A bold word's letters touch: one mark up to this many times wider than high.
UNREAD_MAX_ASPECT = 12.0

# A word of nothing but bars is what is left of a table rule (painted out or not).
RULE_RESIDUE = re.compile(r"[|¦]+")

# A second segmentation pass when less than this share of the page's text marks was read.
SKIPPED_COVERAGE = 0.85
SKIPPED_MIN_MARKS = 10
SKIPPED_FEW_WORDS = 15
# psm 6 (one uniform block of text) read what psm 3 skipped best (psm 4 less often).
SECOND_PSMS = (6,)
SECOND_MIN_CONF = 0.4
# One uniform block of text: the reading of a turned page on which psm 3 found at most
# NO_BLOCK_WORDS words (no text block at all on a sparse VIN plate).
BLOCK_PSM = 6
NO_BLOCK_WORDS = 2
# Where the two readings overlap, the other's words replace the leader's when all of them are
# at least this sure and this much surer than the leader's word.
MERGE_SURE = 0.7
MERGE_MARGIN = 0.15
# Two boxes are one word's when they share this much of the smaller one's area.
SAME_PLACE = 0.3
# The other reading's words fill in where the leader read nothing when this sure...
FILL_MIN_CONF = 0.5
# ...or, when the other is the first reading of a page read to a few words, this sure.
FIRST_FILL_MIN_CONF = 0.0


def _read_marks(marks: np.ndarray, words: list[Word]) -> np.ndarray:
    """Which text marks (centres) lie inside some word's box."""
    inside = np.zeros(len(marks), bool)
    for w in words:
        x0, y0, x1, y1 = w.box
        inside |= (
            (marks[:, 0] >= x0 - 2)
            & (marks[:, 0] <= x1 + 2)
            & (marks[:, 1] >= y0 - 2)
            & (marks[:, 1] <= y1 + 2)
        )
    return inside


def _covered(marks: np.ndarray, words: list[Word]) -> float:
    """Share of text marks (centres) that lie inside some word's box."""
    return float(_read_marks(marks, words).mean()) if len(marks) else 1.0


def _worth_a_look(unread: np.ndarray, height: float) -> bool:
    """Whether the unread marks (boxes) are enough text to re-read: many marks, a few
    letters, or marks as wide as a few words (blurred letters run into one mark a word:
    "Exporter", "Importer")."""
    widths = unread[:, 2] - unread[:, 0] if len(unread) else np.zeros(0)
    return (
        len(unread) >= UNREAD_MIN_MARKS
        or int(np.sum(widths >= UNREAD_LETTER_WIDTH * height)) >= UNREAD_MIN_LETTERS
        or float(np.sum(widths)) >= UNREAD_MIN_WIDTH * height
    )


def _mark_lines(marks: np.ndarray, shape: tuple[int, ...], height: float) -> list[Box]:
    """Group mark boxes into lines: marks a character apart on one baseline join. Lines of
    fewer than UNREAD_LINE_MARKS marks and narrower than a short word, or taller than three
    characters (``height``: the page's), are dropped."""
    mask = np.zeros(shape[:2], np.uint8)
    for x0, y0, x1, y1 in marks.astype(int):
        mask[y0:y1, x0:x1] = 1
    reach = max(3, int(round(1.2 * height)))
    mask = cv2.dilate(mask, np.ones((1, reach), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    counts = np.bincount(
        labels[((marks[:, 1] + marks[:, 3]) // 2).astype(int),
               ((marks[:, 0] + marks[:, 2]) // 2).astype(int)],
        minlength=n,
    )
    half = reach // 2  # the dilation's spread on either side
    lines = []
    for i in range(1, n):
        x, y, w, h = stats[i, :4]
        box = (float(x + half), float(y), float(x + w - half), float(y + h))
        # A bold word is one or two marks: a line also counts by its width.
        wide = box[2] - box[0] >= 2.5 * height
        if (counts[i] >= UNREAD_LINE_MARKS or wide) and h <= 3 * height:
            lines.append((counts[i], box))
    lines.sort(key=lambda t: -t[0])
    return [b for _, b in lines[:UNREAD_MAX_LINES]]


def _join_lines(words: list[Word], added: list[Word]) -> list[Word]:
    """``words`` with ``added`` (read apart), each added word put on the line of the nearest
    word beside it, so that "MODEL" read apart from "YEAR" is still one cell with it."""
    out = list(words)
    for a in sorted(added, key=lambda w: w.box[0]):
        h = a.box[3] - a.box[1]

        def gap(w: Word, a: Word = a) -> float:
            return max(w.box[0] - a.box[2], a.box[0] - w.box[2], 0.0)

        beside = [
            w
            for w in out
            if min(w.box[3], a.box[3]) - max(w.box[1], a.box[1])
            >= 0.5 * min(h, w.box[3] - w.box[1])
            and gap(w) <= 3 * h
        ]
        key = min(beside, key=gap).line_key if beside else a.line_key
        out.append(Word(a.text, a.box, a.conf, key))
    return out


def _height(words: list[Word]) -> float:
    box = union_box(w.box for w in words)
    return box[3] - box[1]


def stroke_crossings(page: np.ndarray, box: Box) -> float:
    """Upper-quartile number of separate ink runs down a column of ``box`` (0 when empty)."""
    h, w = page.shape[:2]
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
    if x1 - x0 < 2 or y1 - y0 < 4:
        return 0.0
    crop = to_gray(page[y0:y1, x0:x1])
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    cols = ink.T.astype(np.int8)
    starts = np.count_nonzero(np.diff(cols, axis=1) == 1, axis=1) + cols[:, 0]
    inked = starts[starts > 0]
    return float(np.percentile(inked, 75)) if len(inked) else 0.0


def _same_place(a: Box, b: Box) -> bool:
    """Whether two word boxes cover one word: they overlap by a good part of the smaller
    (boxes of neighbouring lines of a blurred photo touch at their edges)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h >= SAME_PLACE * max(smaller, 1e-6)


def _centre_in(a: Box, b: Box) -> bool:
    """Whether box ``a``'s centre lies inside box ``b``."""
    x, y = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= x <= b[2] and b[1] <= y <= b[3]


def _merge_readings(lead: list[Word], other: list[Word], fill: float = FILL_MIN_CONF) -> list[Word]:
    """Two readings of one page as one: the leading reading, filled in where it read nothing
    and put right where the other read a word much more surely.

    psm 6 reads a photographed form's skipped block but garbles a line psm 3 read cleanly
    (a VIN read as "oat w" beside psm 3's confident "L6TE4JOAORX667360"); the whole-page
    choice of a leader alone lost that VIN.
    """
    replaced: set[int] = set()
    better: list[Word] = []
    for i, lw in enumerate(lead):
        over = [w for w in other if _same_place(w.box, lw.box)]
        if over and min(w.conf for w in over) >= max(MERGE_SURE, lw.conf + MERGE_MARGIN):
            replaced.add(i)
            better += [w for w in over if w not in better]
    kept = [lw for i, lw in enumerate(lead) if i not in replaced]
    # A better word that also overlaps a kept word at least as sure as itself stays out.
    better = [
        w for w in better if not any(_same_place(w.box, k.box) and k.conf >= w.conf for k in kept)
    ]
    filled = [
        w
        for w in other
        if w.conf >= fill
        and w not in better
        and not any(_same_place(w.box, v.box) for v in (*kept, *better))
    ]
    # On the lead's lines: "Global" and "Co., Ltd." of the other reading between and after
    # the lead's "Kobe" and "Motors" make one line with them, not a line of their own.
    return _join_lines(kept, better + filled)


_CJK_COLONS = ":;：；"


def _is_cjk(text: str) -> bool:
    return all("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def _cjk_count(words: list[Word]) -> int:
    return sum(_is_cjk(ch) for w in words for ch in w.text)


def join_cjk(words: list[Word]) -> list[Word]:
    """Tesseract gives Chinese one character a word; join neighbours into one word, the last
    with the colon it carries (出厂日 期; read for 出厂日期：)."""
    out: list[Word] = []
    for w in sorted(words, key=lambda w: (w.line_key, w.box[0])):
        prev = out[-1] if out else None
        stem = w.text.rstrip(_CJK_COLONS)
        if prev and prev.line_key == w.line_key and _is_cjk(prev.text) and stem and _is_cjk(stem):
            out[-1] = Word(
                prev.text + w.text,
                union_box([prev.box, w.box]),
                min(prev.conf, w.conf),
                prev.line_key,
            )
        else:
            out.append(w)
    return out


_TSV_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


class OcrError(RuntimeError):
    """Tesseract is missing, lacks a language, failed, or produced unreadable output."""


class OcrTimeout(OcrError):
    """Tesseract did not finish within the allowed time (its recognition was cancelled)."""


def version() -> str:
    """The Tesseract version string, e.g. ``"5.3.0"``."""
    return _library().tesseract_version().split()[1]


@functools.cache
def available_languages() -> frozenset[str]:
    """The installed language data (asked once a process: every page's Chinese re-read asks)."""
    return frozenset(_library().get_languages()[1])


def _library():
    """tesserocr, imported on first use with OpenMP limited to one thread.

    libgomp reads ``OMP_THREAD_LIMIT`` once, when it is loaded with libtesseract: it must be
    in the environment before. Tesseract's own OpenMP threads were measured burning several
    times the CPU for the same page; we parallelise across pages and documents instead.
    """
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import tesserocr
    except ImportError as exc:  # the binding is built against the system's libtesseract
        raise OcrError(f"tesserocr (Tesseract's library binding) is not installed: {exc}") from exc
    _quiet_leptonica()
    return tesserocr


@functools.cache
def _quiet_leptonica() -> None:
    """Leptonica writes its complaints about odd boxes to this process's stderr (the program
    kept them in its own); our errors say what matters, so they are switched off."""
    try:
        ctypes.CDLL(ctypes.util.find_library("lept") or "liblept.so.5").setMsgSeverity(
            LEPTONICA_SEVERITY_NONE
        )
    except (OSError, AttributeError):  # an unusual build: noisy, not wrong
        log.debug("could not quieten leptonica")


# leptonica's L_SEVERITY_NONE (environ.h)
LEPTONICA_SEVERITY_NONE = 6


class _Engine:
    """One loaded Tesseract per language set, kept for the life of the process.

    A ``tesseract`` process per call spent 70 ms starting and loading its model (150 ms with
    Chinese) before reading anything, as much as reading a short line; a page's main pass,
    its second pass and its re-reads each paid it again.
    """

    _apis: dict[str, object] = {}
    _lock = threading.Lock()

    @classmethod
    def api(cls, lang: str):
        with cls._lock:
            if lang not in cls._apis:
                tesserocr = _library()
                try:
                    api = tesserocr.PyTessBaseAPI(lang=lang, init=True)
                    # Tesseract's own notes ("Estimating resolution as 423") go nowhere.
                    api.SetVariable("debug_file", os.devnull)
                    cls._apis[lang] = api
                except RuntimeError as exc:
                    raise OcrError(f"tesseract could not load {lang!r}: {exc}") from exc
            return cls._apis[lang]


def _set_image(api, image: np.ndarray) -> None:
    gray = np.ascontiguousarray(to_gray(image))
    h, w = gray.shape
    api.SetImageBytes(gray.tobytes(), w, h, 1, w)


def _tsv(
    image: np.ndarray, *, lang: str, psm: int, whitelist: str | None = None, timeout_s: float
) -> str:
    """Tesseract's TSV (with its header row) for ``image``, read with ``psm``."""
    if image.size == 0:
        raise OcrError("empty image given to tesseract")
    api = _Engine.api(lang)
    with _Engine._lock:
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        _set_image(api, image)
        started = time.monotonic()
        ok = api.Recognize(timeout=max(1, int(timeout_s * 1000)))
        if not ok:
            api.Clear()
            if time.monotonic() - started >= 0.9 * timeout_s:
                raise OcrTimeout(f"tesseract took longer than {timeout_s:g} s")
            raise OcrError("tesseract could not read the image")
        body = api.GetTSVText(0) or ""
        api.Clear()
    return "\t".join(_TSV_COLUMNS) + "\n" + body


def _osd(image: np.ndarray) -> tuple[int, float] | None:
    """OSD's clockwise rotation that makes ``image`` upright and its confidence; None when it
    cannot tell (too few characters)."""
    api = _Engine.api("osd")
    with _Engine._lock:
        api.SetPageSegMode(0)  # orientation and script detection only
        _set_image(api, image)
        found = api.DetectOrientationScript()
        api.Clear()
    if not found:
        return None
    # tesseract reports the page's orientation (counter-clockwise); the fix turns it back.
    return (360 - int(found["orient_deg"])) % 360, float(found["orient_conf"])


def parse_tsv(
    tsv: str,
    *,
    offset: tuple[float, float] = (0.0, 0.0),
    scale: float = 1.0,
) -> list[Word]:
    """Words of a Tesseract TSV, boxes mapped by ``(x / scale + dx, y / scale + dy)``.

    Empty words and rows without a confidence (-1: layout rows) are dropped.
    """
    lines = tsv.splitlines()
    if not lines:
        raise OcrError("tesseract produced no TSV output")
    header = tuple(lines[0].split("\t"))
    if header != _TSV_COLUMNS:
        raise OcrError(f"unexpected tesseract TSV header: {lines[0][:200]!r}")
    dx, dy = offset
    words: list[Word] = []
    for n, row in enumerate(lines[1:], start=2):
        cells = row.split("\t")
        if len(cells) == len(_TSV_COLUMNS) - 1:
            cells.append("")  # a trailing empty text cell may be cut off
        if len(cells) != len(_TSV_COLUMNS):
            raise OcrError(f"malformed tesseract TSV row {n}: {row[:200]!r}")
        text = cells[11].strip()
        try:
            conf = float(cells[10])
            block, par, line = int(cells[2]), int(cells[3]), int(cells[4])
            left, top, width, height = (int(c) for c in cells[6:10])
        except ValueError as exc:
            raise OcrError(f"malformed tesseract TSV row {n}: {row[:200]!r}") from exc
        if not text or conf < 0:
            continue
        box: Box = (
            left / scale + dx,
            top / scale + dy,
            (left + width) / scale + dx,
            (top + height) / scale + dy,
        )
        words.append(Word(text, box, max(0.0, min(1.0, conf / 100.0)), (block, par, line)))
    return words


def read_quality(words: list[Word]) -> float:
    """Length-weighted mean confidence of the words holding letters or digits (0..1)."""
    total = weight = 0.0
    for w in words:
        n = sum(ch.isalnum() for ch in w.text)
        total += n * w.conf
        weight += n
    return total / weight if weight else 0.0


# A page read as columns of words standing on end: most words of several characters this
# much taller than wide.
ON_END_RATIO = 1.5
ON_END_SHARE = 0.6
ON_END_MIN_WORDS = 8


def read_on_end(words: list[Word]) -> bool:
    """Whether Tesseract read the page's text as vertical lines: the page lies on its side.

    The clean-up's orientation step (preprocess.orient) turns a page whose ink runs in
    columns; a form photographed upright with a few ruled rows at its top was turned by it
    (seed 20261238), and Tesseract read the turned text anyway, as words on end, sure of
    each and lost to the layout."""
    long = [w for w in words if sum(ch.isalnum() for ch in w.text) >= 3]
    if len(long) < ON_END_MIN_WORDS:
        return False
    on_end = sum(w.box[3] - w.box[1] > ON_END_RATIO * (w.box[2] - w.box[0]) for w in long)
    return on_end >= ON_END_SHARE * len(long)


class TesseractReader:
    """Reads page images with Tesseract after OpenCV clean-up.

    Not thread-safe: it keeps the last cleaned page for :meth:`reread`. Use one reader per
    worker.
    """

    def __init__(self, languages: str = "eng", timeout_s: float = 60.0) -> None:
        version()  # a clear OcrError now if tesseract is missing
        missing = [lang for lang in languages.split("+") if lang not in available_languages()]
        if missing or not languages:
            raise OcrError(
                f"tesseract language data missing: {', '.join(missing) or '(none given)'} "
                f"(installed: {', '.join(sorted(available_languages()))})"
            )
        self.languages = languages
        self.timeout_s = timeout_s
        self.psm = MAIN_PSM
        self.last_image: np.ndarray | None = None

    # -- passes ------------------------------------------------------------------------

    def _data(
        self,
        image: np.ndarray,
        *,
        psm: int,
        whitelist: str | None = None,
        lang: str | None = None,
        **kw,
    ) -> list[Word]:
        tsv = _tsv(
            image,
            lang=lang or self.languages,
            psm=psm,
            whitelist=whitelist,
            timeout_s=self.timeout_s,
        )
        return parse_tsv(tsv, **kw)

    def osd(self, image: np.ndarray) -> tuple[int, float] | None:
        """Tesseract's clockwise rotation that makes ``image`` upright, with its confidence;
        None when OSD cannot tell (too few characters)."""
        return _osd(image)

    # -- public ------------------------------------------------------------------------

    def read(self, image: np.ndarray, *, page_number: int, key: str = "") -> PageText:
        """Clean up and read one page image (BGR or grayscale). ``key`` is ignored here."""
        del key
        cleaned, notes = clean_page(image)
        words = self._data(cleaned, psm=self.psm)
        quality = read_quality(words)
        notes.append(f"tesseract psm {self.psm}: {len(words)} words, quality {quality:.2f}")
        if read_on_end(words):
            cleaned, words, quality = self._stand_up(cleaned, words, quality, notes)
        if quality < POOR_READ:
            cleaned, words, quality = self._try_sharpening(cleaned, words, quality, notes)
        if quality < POOR_READ:
            cleaned, words, quality = self._try_orientation(cleaned, words, quality, notes)
        words = self._read_skipped_text(cleaned, words, notes)
        words = self._read_unread_lines(cleaned, words, notes)
        words = self._rescue_cjk_lines(cleaned, words, notes)
        # A table rule's remains read as a word of bars: no text, and between a label and
        # the value under it it reads as a cell that ends the label's block.
        words = [w for w in words if not RULE_RESIDUE.fullmatch(w.text)]
        self.last_image = cleaned
        h, w = cleaned.shape[:2]
        return PageText(page_number, float(w), float(h), words, "ocr", "px", notes)

    def _read_skipped_text(
        self, page: np.ndarray, words: list[Word], notes: list[str]
    ) -> list[Word]:
        """A second page-segmentation pass where the first left text unread.

        Tesseract's automatic layout analysis (psm 3) sometimes takes a block of a
        photographed form for a picture and returns nothing for it: a phone photo of a
        registration certificate read 21 words, its whole label/value block missing, where
        psm 4 (one column of text of varying sizes) read all 48; an export declaration photo
        read 13 words with psm 3 and 4, 40 with psm 6. When many character-sized ink marks
        lie outside every word read, or few words were read, the page is read again with
        those modes until one reads more; the better reading leads and the other fills in.
        """
        marks = text_marks(page)
        if len(marks) < SKIPPED_MIN_MARKS:
            return words
        before = _covered(marks, words)
        # Blurred small print hides its marks from the count; a page read to a few words
        # is worth the second look too.
        if before >= SKIPPED_COVERAGE and len(words) >= SKIPPED_FEW_WORDS:
            return words
        for psm in SECOND_PSMS:
            second = [
                Word(w.text, w.box, w.conf, (1000 * psm + w.line_key[0], *w.line_key[1:]))
                for w in self._data(page, psm=psm)
                # Block modes read texture and dark bands as words; only confident ones count.
                if w.conf >= SECOND_MIN_CONF
            ]
            # The better reading of the page leads; the other fills in where it read nothing.
            lead, other = (second, words) if _covered(marks, second) > before else (words, second)
            # A page read to a few words (a plate) keeps every one the second pass did not
            # read: "JHMHA6BU6K5" read at 0.18 beside psm 6's nothing. On a full page the
            # unsure words are a photo's noise, and would break its rows.
            sparse = other is words and len(words) < SKIPPED_FEW_WORDS
            fill = FIRST_FILL_MIN_CONF if sparse else FILL_MIN_CONF
            merged = _merge_readings(lead, other, fill)
            after = _covered(marks, merged)
            notes.append(
                f"tesseract psm {psm}: text marks read {before:.0%} -> {after:.0%} "
                f"({len(words)} -> {len(merged)} words)"
            )
            if after >= before + 0.05 or len(merged) >= 2 * len(words) + 5:
                return merged
        return words

    def _read_unread_lines(
        self, page: np.ndarray, words: list[Word], notes: list[str]
    ) -> list[Word]:
        """Re-read the lines of text marks that no word covers, cut out and stacked.

        Both layout passes may skip a short column: the bold labels ("Make:", "Model:", ...)
        of a photographed contract, set apart from their values, were missing from both
        while the page's marks were 87% read, too many for the second pass to run. Runs of
        unread marks are grouped into lines, the lines stacked and read in one call, and what
        is read surely where no word stands is added.
        """
        boxes = text_mark_boxes(page, max_aspect=UNREAD_MAX_ASPECT)
        if len(boxes) < SKIPPED_MIN_MARKS or not words:
            return words
        centres = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], 1)
        # A junk word read over a column (a box several lines high) has not read it.
        line = float(np.median([w.box[3] - w.box[1] for w in words]))
        read = [w for w in words if w.box[3] - w.box[1] <= 2.5 * line]
        unread = boxes[~_read_marks(centres, read)]
        # The page's character height, not the unread marks': those may be mostly colons.
        height = float(np.median(boxes[:, 3] - boxes[:, 1]))
        if not _worth_a_look(unread, height):
            return words
        lines = _mark_lines(unread, page.shape, height)
        # Lines that look like Han characters are left to the Chinese re-read, which takes
        # the whole line, read and unread parts together.
        lines = [b for b in lines if stroke_crossings(page, b) < CJK_MIN_STROKES]
        if not lines:
            return words
        added: list[Word] = []
        found = self.reread_many(lines, psm=6, image=page)
        for n, (b, mine) in enumerate(zip(lines, found, strict=True)):
            for w in mine:
                cx = (w.box[0] + w.box[2]) / 2
                if (
                    w.conf >= UNREAD_MIN_CONF
                    and sum(ch.isalnum() for ch in w.text) >= 2
                    and b[0] - 4 <= cx <= b[2] + 4
                    and not any(_same_place(w.box, v.box) for v in (*read, *added))
                ):
                    added.append(Word(w.text, w.box, w.conf, (UNREAD_LINE_KEY + n, 0, 0)))
        # The junk the page pass read across those lines goes.
        ids = {id(w) for w in read}
        kept = [
            w for w in words if id(w) in ids or not any(boxes_overlap(w.box, a.box) for a in added)
        ]
        notes.append(
            f"unread marks: {len(unread)} in {len(lines)} line(s) re-read, {len(added)} words added"
        )
        return _join_lines(kept, added)

    def _try_sharpening(self, cleaned, words, quality, notes):
        """A page enlarged from tiny characters and read poorly, read again sharpened.

        Sharpening is not the rule below 9 px characters (see ``SHARPEN_MIN_CHAR_HEIGHT``):
        it joined the strokes of the real French registration specimen. Some blurred photos
        of 7-8 px print read nearly nothing unsharpened, though (a bill of lading: 8 words);
        for those, the sharpened reading is kept when it reads clearly better.
        """
        if not any(n.startswith("upscale") for n in notes) or any(
            n.startswith("sharpen") for n in notes
        ):
            return cleaned, words, quality
        sharp, note = sharpen(cleaned)
        alt = self._data(sharp, psm=self.psm)
        alt_q = read_quality(alt)
        notes.append(
            f"tesseract psm {self.psm} after {note}: {len(alt)} words, quality {alt_q:.2f}"
        )
        if alt_q >= quality + SHARPER_GAIN:
            notes.append("sharpen: kept the sharpened page")
            return sharp, alt, alt_q
        return cleaned, words, quality

    def _read_turned(self, cleaned, rot: int, notes: list[str], why: str = ""):
        """The page turned ``rot`` degrees clockwise, its words and their quality."""
        turned = rotate_quadrant(cleaned, rot)
        alt = self._data(turned, psm=self.psm)
        alt_q = read_quality(alt)
        notes.append(
            f"tesseract psm {self.psm} after rotating {rot} deg{why}: {len(alt)} words, "
            f"quality {alt_q:.2f}"
        )
        return turned, alt, alt_q

    def _stand_up(self, cleaned, words, quality, notes):
        """A page read as words on end (:func:`read_on_end`), turned a quarter each way and
        read again: the turn whose words lie flat and read best is kept."""
        best = None
        for rot in (270, 90):
            turned, alt, alt_q = self._read_turned(cleaned, rot, notes, " (words on end)")
            if not read_on_end(alt) and (best is None or alt_q > best[2]):
                best = (turned, alt, alt_q)
        if best is None or best[2] < min(quality, POOR_READ):
            return cleaned, words, quality
        notes.append("orientation: words read on end; the page turned to lay them flat")
        return best

    def _try_orientation(self, cleaned, words, quality, notes):
        found = self.osd(cleaned)
        if found is None:
            candidates = [180]
            notes.append("osd: no answer; trying 180 deg")
        else:
            rot, conf = found
            notes.append(f"osd: rotate {rot} deg (confidence {conf:.1f})")
            # OSD unsure of a page read this badly: upside down is the usual reason.
            candidates = [rot] if rot and conf >= OSD_MIN_CONF else []
            if not candidates and conf < OSD_SURE:
                candidates = [180]
        for rot in candidates:
            turned, alt, alt_q = self._read_turned(cleaned, rot, notes)
            if len(alt) <= NO_BLOCK_WORDS < len(words) and self.psm != BLOCK_PSM:
                # The layout analysis finds no text block on a sparse page (a VIN plate's
                # five lines, upside down at first): read the page as one block instead.
                block = self._data(turned, psm=BLOCK_PSM)
                block_q = read_quality(block)
                notes.append(
                    f"tesseract psm {BLOCK_PSM} after rotating {rot} deg: {len(block)} words, "
                    f"quality {block_q:.2f}"
                )
                if block_q > alt_q:
                    alt, alt_q = block, block_q
            if alt_q > quality:
                notes.append(f"orientation: kept the {rot} deg rotation")
                cleaned, words, quality = turned, alt, alt_q
        return cleaned, words, quality

    def _rescue_cjk_lines(
        self, page: np.ndarray, words: list[Word], notes: list[str]
    ) -> list[Word]:
        """Re-read the short lines an English pass could not read, with Chinese as well.

        Bilingual Chinese/English documents print some labels, and some values (纯电动), in
        Chinese only; read as English they come out as low-confidence junk ("fah® Brand").
        A full second pass with ``chi_sim`` costs about 1.6x the first, so only those lines
        are cut out, stacked into one strip and read in a single ``chi_sim+eng`` call; a line
        is replaced when its new reading is more confident. So are a garbled Chinese label
        before a sure value and a garbled Chinese value after a sure label, alone.
        """
        if CJK_LANGS.split("+")[0] in self.languages.split("+"):
            return words
        if CJK_LANGS.split("+")[0] not in available_languages():
            return words
        if read_quality(words) < CJK_MIN_PAGE_QUALITY:
            return words  # a photo of a car, not a page with a few unreadable labels
        lines: dict[tuple[int, ...], list[Word]] = {}
        for w in words:
            lines.setdefault(w.line_key, []).append(w)

        def mean(ws: list[Word]) -> float:
            return sum(w.conf for w in ws) / len(ws)

        boxes = {key: union_box(w.box for w in ws) for key, ws in lines.items()}
        sure = [boxes[k] for k, ws in lines.items() if mean(ws) >= CJK_SURE_VALUE]

        def labels_a_value(b: Box) -> bool:
            # A garbled label has a cleanly read value beside it (same row, to the right) or
            # just under it, a garbled Chinese value (纯电动 read "HB Zh)") its label to the
            # left or just over it; a stamp, a signature or a photo's texture has neither.
            h = b[3] - b[1]
            return any(
                (min(s[3], b[3]) - max(s[1], b[1]) > 0.3 * h and (s[0] > b[2] or s[2] < b[0]))
                or (
                    (0 <= s[1] - b[3] < 1.5 * h or 0 <= b[1] - s[3] < 1.5 * h)
                    and min(s[2], b[2]) - max(s[0], b[0]) > 0
                )
                for s in sure
            )

        weak = [
            (key, ws)
            for key, ws in lines.items()
            if len(ws) <= CJK_MAX_WORDS
            and sum(len(w.text) for w in ws) >= 2
            and (mean(ws) < CJK_WEAK_CONF or min(w.conf for w in ws) < 0.35)
            and labels_a_value(boxes[key])
            and any(
                stroke_crossings(page, w.box) >= CJK_MIN_STROKES
                for w in ws
                if w.conf < CJK_WEAK_CONF
            )
        ]

        def weak_prefix(ws: list[Word]) -> list[Word] | None:
            # "#236 BBA: 2023/10/06": a Chinese label garbled before a value read surely on
            # the same line (检验日期: 2023/10/06); the line as a whole does not look weak.
            # The label ends at its colon when OCR kept one, else with the run of weak words.
            ws = sorted(ws, key=lambda w: w.box[0])
            colon = [i for i, w in enumerate(ws[:CJK_MAX_WORDS]) if w.text.endswith((":", "："))]
            n = colon[0] + 1 if colon else next(
                (i for i, w in enumerate(ws) if w.conf >= CJK_WEAK_CONF), len(ws)
            )
            if not 0 < n < len(ws) or n > CJK_MAX_WORDS:
                return None
            # Set small, Han characters blur to two strokes a column, like Latin: a head of
            # a word or two, all weak, before its colon needs no gate ("ti!” BMA: 2020").
            short = colon and n <= CJK_SHORT_WORDS and all(
                w.conf < CJK_PREFIX_CONF for w in ws[:n]
            )
            if not short and not any(
                w.conf < CJK_PREFIX_CONF and stroke_crossings(page, w.box) >= CJK_MIN_STROKES
                for w in ws[:n]
            ):
                return None
            if mean(ws[n:]) >= CJK_PREFIX_VALUE_CONF:
                return ws[:n]
            # A weak value of digits after a Chinese label is a Chinese date or number
            # ("20234-10A78" for 2023年10月7日): the whole line is re-read.
            value = "".join(w.text for w in ws[n:])
            if colon and len(ws) <= CJK_MAX_WORDS and sum(ch.isdigit() for ch in value) >= 4:
                return ws
            return None

        def weak_infix(ws: list[Word]) -> list[Word] | None:
            # "Model: H6 tH” ff: 2021" for 出厂年份: 2021: a Chinese label garbled between
            # two values read surely, its colon kept. Set small, Han characters blur to two
            # strokes a column, like Latin: the sure words on both sides stand for the gate.
            ws = sorted(ws, key=lambda w: w.box[0])
            for c, w in enumerate(ws[:-1]):
                if not w.text.endswith((":", "：")):
                    continue
                s = c
                while s > 0 and ws[s - 1].conf < CJK_WEAK_CONF:
                    s -= 1
                run = ws[s : c + 1]
                if (
                    s > 0
                    and len(run) <= CJK_SHORT_WORDS
                    and all(x.conf < CJK_WEAK_CONF for x in run)
                    and ws[s - 1].conf >= CJK_PREFIX_VALUE_CONF
                    and ws[c + 1].conf >= CJK_PREFIX_VALUE_CONF
                ):
                    return run
            return None

        def weak_suffix(ws: list[Word]) -> list[Word] | None:
            # "Fuel: ik" for 燃料: 汽油: a Chinese value garbled after a label read surely
            # (its last word, before the colon: a Chinese label before it may be garbled).
            # Latin junk for a Han word is a few letters; a longer weak word is a blurred
            # English value, which the Chinese pass must not turn into Han.
            ws = sorted(ws, key=lambda w: w.box[0])
            colon = [i for i, w in enumerate(ws) if w.text.endswith((":", "："))]
            if not colon or ws[colon[0]].conf < CJK_PREFIX_VALUE_CONF:
                return None
            value = ws[colon[0] + 1 :]
            if not 0 < len(value) <= CJK_SHORT_WORDS or any(
                w.conf >= CJK_WEAK_CONF or len(w.text) > CJK_MAX_VALUE_CHARS for w in value
            ):
                return None
            if not any(stroke_crossings(page, w.box) >= CJK_MIN_STROKES for w in value):
                return None
            return value

        # A line is re-read once, for its first weak part; the last pass's parts are values.
        for pick in (weak_prefix, weak_infix, weak_suffix):
            taken = {key for key, _ in weak}
            suffixes = len(weak)
            weak += [
                (key, part)
                for key, ws in lines.items()
                if key not in taken and (part := pick(ws)) is not None
            ]
        # Tesseract reads the strip as one block of uniform text (psm 6): lines of like
        # height side by side read best (a title set large before a date misread the date).
        value_ids = {id(ws) for _, ws in weak[suffixes:]}
        weak = sorted(weak[:CJK_MAX_LINES], key=lambda kw: _height(kw[1]))
        if not weak:
            return words
        boxes = [union_box(w.box for w in ws) for _, ws in weak]
        try:
            found = self.reread_many(boxes, psm=6, lang=CJK_LANGS, image=page)
            # A strip reads each line in the company of the others: a small label among
            # longer lines may come out Latin again ("Hl fh:" for 出厂年份:). Where the page
            # shows Chinese elsewhere, the lines that found none are read once more, alone.
            failed = [n for n, mine in enumerate(found) if _cjk_count(mine) < 2]
            if 0 < len(failed) < len(found):
                again = self.reread_many(
                    [boxes[n] for n in failed], psm=6, lang=CJK_LANGS, image=page
                )
                for n, mine in zip(failed, again, strict=True):
                    if _cjk_count(mine) >= 2:
                        found[n] = mine
        except OcrTimeout:
            raise
        except OcrError as exc:
            notes.append(f"cjk re-read failed: {exc}")
            return words
        replaced: dict[int, tuple[list[Word], list[Word]]] = {}
        for n, ((key, ws), mine) in enumerate(zip(weak, found, strict=True)):
            shifted = [Word(w.text, w.box, w.conf, key) for w in join_cjk(mine)]
            # Only what lies within the line itself (the crop's margin may catch a neighbour),
            # and only a reading that found Chinese: this is no second English pass.
            lx0, _, lx1, _ = union_box(w.box for w in ws)
            shifted = [w for w in shifted if lx0 - 4 <= (w.box[0] + w.box[2]) / 2 <= lx1 + 4]
            if not shifted or _cjk_count(shifted) < 2:
                continue
            if id(ws) in value_ids and not all(_is_cjk(w.text) for w in shifted):
                continue  # a value re-read is all Chinese, or it is no Chinese value
            # The Chinese pass spells English letter by letter ("M = intena nc e Re co rd"
            # for a title's "Maintenance Record" read surely beside 保养记录): the English
            # pass's sure Latin words stay, and the re-read gives only what lies outside them.
            latin = [
                w
                for w in ws
                if w.conf >= CJK_PREFIX_CONF
                and w.text.isascii()
                and stroke_crossings(page, w.box) < CJK_MIN_STROKES
            ]
            shifted = [
                w for w in shifted if not any(_centre_in(w.box, k.box) for k in latin)
            ] + latin
            old = sum(w.conf for w in ws) / len(ws)
            new = sum(w.conf for w in shifted) / len(shifted)
            if new > old:
                replaced[n] = (ws, shifted)
        if replaced:
            gone = {id(w) for ws, _ in replaced.values() for w in ws}
            words = [w for w in words if id(w) not in gone]
            words += [w for _, new_words in replaced.values() for w in new_words]
        notes.append(
            f"cjk: re-read {len(weak)} weak lines with {CJK_LANGS}, {len(replaced)} improved"
        )
        return words

    def reread_many(
        self,
        boxes: list[Box],
        *,
        psm: int = 6,
        whitelist: str | None = None,
        lang: str | None = None,
        image: np.ndarray | None = None,
        enlarge: bool = True,
    ) -> list[list[Word]]:
        """Re-read regions of ``image`` (a cleaned page this reader returned; default the last
        one read) in ONE Tesseract call: each region is cut out with a margin, enlarged when
        small (unless ``enlarge`` is false), and stacked into a strip. Tesseract's start-up and
        model loading cost about as much as reading a line, so a page's re-reads share them.
        Boxes come back in the page's pixels, one list of words per region."""
        page = self.last_image if image is None else image
        if page is None:
            raise OcrError("reread called before any page was read")
        pad = REREAD_PAD
        crops, placed = [], []
        for box in boxes:
            crop, cx0, cy0 = crop_around(page, box, REREAD_MARGIN)
            if crop.size == 0:
                ph, pw = page.shape[:2]
                raise OcrError(f"reread box {tuple(box)} lies outside the page ({pw}x{ph})")
            crop = to_gray(crop)
            scale = min(REREAD_MAX_SCALE, max(1.0, REREAD_MIN_HEIGHT / max(1.0, box[3] - box[1])))
            if not enlarge:
                scale = 1.0
            if scale > 1.0:
                crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            crops.append(crop)
            placed.append((cx0, cy0, scale))
        if not crops:
            return []
        strip, spans = stack_lines(crops, margin=pad, between=2 * pad)
        found = self._data(strip, psm=psm, whitelist=whitelist, lang=lang)
        out: list[list[Word]] = []
        for n, ((cx0, cy0, scale), (_, y0, _, y1)) in enumerate(zip(placed, spans, strict=True)):
            out.append(
                [
                    Word(
                        w.text,
                        (
                            (w.box[0] - pad) / scale + cx0,
                            (w.box[1] - y0) / scale + cy0,
                            (w.box[2] - pad) / scale + cx0,
                            (w.box[3] - y0) / scale + cy0,
                        ),
                        w.conf,
                        (n, *w.line_key),
                    )
                    for w in found
                    if y0 <= (w.box[1] + w.box[3]) / 2 < y1
                ]
            )
        return out

    def reread(
        self,
        box: Box,
        *,
        psm: int = 7,
        whitelist: str | None = None,
        image: np.ndarray | None = None,
    ) -> list[Word]:
        """Re-read one region (see :meth:`reread_many`)."""
        return self.reread_many([box], psm=psm, whitelist=whitelist, image=image)[0]
