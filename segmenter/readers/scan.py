"""Scanned-page reader: page images (and image-only PDF pages) → :class:`Page` objects.

Per page: decode (:mod:`.image`) or render (PDF page at ``settings.scan_dpi``) → page analysis
(:mod:`segmenter.scanlayout`: deskew, flat field, binarize, rules, boxes, photos, text
regions) → OCR of each text region on its own (:mod:`segmenter.ocr`; reading order between
regions stays segmenter's) → one :class:`Line` per OCR line, boxes in page pixels, size = the
region's em in pixels, ``conf`` from the engine.  The page then takes the same geometric
layout, role and assembly stages as a PDF page.

Regions set large (headlines) are shrunk to TARGET_GLYPH_PX before OCR: Tesseract's fast
Chinese model misreads 40 pt headlines at 300 dpi (62–75 % character accuracy) and reads them
perfectly shrunk 3–4× (issue #5).

Pages run in ``settings.scan_workers`` processes (results in page order; one worker runs in
this process), each with ``OMP_THREAD_LIMIT=1``: Tesseract's own threads are 4–5× slower on
two cores than one thread per page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..containers import BBox, Line, LowWord, Page
from ..scanlayout import INK_MAX_LEVEL
from ..textutil import repair_punctuation, repair_quotes
from ..errors import InputError
from ..settings import Settings
from .image import MAX_IMAGE_PIXELS, decode_page, image_page_count

__all__ = ["read_scan", "read_scans", "numbered", "read_pdf_scans", "pdf_scan_pages", "scan_page", "region_crop", "renumber", "ocr_cache_dir", "TARGET_GLYPH_PX",
           "SHRINK_ABOVE_PX", "REGION_PAD_EM"]

#: glyph (ink) height OCR engines read best at, pixels: 10 pt body text at 300 dpi is 36–40 px
#: and Tesseract reads it at 97–98 %; a 40 pt headline (150 px) shrunk to this reads at 100 %
TARGET_GLYPH_PX = 40.0
#: regions whose glyphs are taller than this are shrunk to TARGET_GLYPH_PX (body text of
#: 200–400 dpi scans, 25–55 px, is left as it is)
SHRINK_ABOVE_PX = 60.0
#: white margin kept around a region's ink when cropping it, in the region's ems (engines
#: miss strokes that touch the crop edge)
REGION_PAD_EM = 0.3
#: two OCR lines of one horizontal region overlapping by this share of the lower one's height
#: stand on one row (lines of a column overlap by under 0.2: leading is ≥ 1.2 em)
ROW_OVERLAP_SHARE = 0.5
#: a dash put back before an OCR line (_restore_dash): ink darker than DASH_INK_LEVEL (the
#: scan layout's own ink level), at least DASH_MIN_EM glyph heights long (a — is 1 em, its ink
#: ~0.9), at most DASH_MAX_THICK_EM thick (a dash's stroke is 0.05–0.1 em), its middle within
#: DASH_MIDDLE_SHARE of the line's height from the line's middle; —— from DASH_DOUBLE_EM
DASH_INK_LEVEL = INK_MAX_LEVEL
DASH_MIN_EM = 0.8
DASH_MAX_THICK_EM = 0.2
DASH_MIDDLE_SHARE = 0.25
DASH_DOUBLE_EM = 1.5
#: how pdfdoc.text_layer_problem starts its reason for an image-only (scanned) PDF page
SCANNED_PROBLEM = "no text layer"
#: the OCR cache folder when the setting is "" and $SEGMENTER_OCR_CACHE is not set
DEFAULT_CACHE = Path.home() / ".cache" / "segmenter" / "ocr"


@dataclass(frozen=True)
class ScanJob:
    """One page to read: page ``source_page`` of ``path`` (an image file or a PDF)."""

    path: str
    source_page: int
    number: int
    pdf: bool
    dpi: int


@dataclass
class ScanResult:
    page: Page | None
    problem: str = ""


def ocr_cache_dir(settings: Settings) -> Path | None:
    """The OCR cache folder of these settings (None: no cache)."""
    if settings.ocr_cache == "off":
        return None
    if settings.ocr_cache:
        return Path(settings.ocr_cache).expanduser()
    env = os.environ.get("SEGMENTER_OCR_CACHE", "")
    if env:
        return None if env == "off" else Path(env).expanduser()
    return DEFAULT_CACHE


def read_scan(path: Path, first_number: int, settings: Settings, engine=None) -> tuple[list[Page], list[str]]:
    """All pages of an image file (multi-page TIFF: several) numbered from ``first_number``, and
    one-line problems of pages that could not be read (skipped).  ``engine``: an OCR engine
    object to use instead of ``settings.ocr_engine`` (tests; runs in this process)."""
    return numbered(read_scans([Path(path)], settings, engine)[0], first_number)


def numbered(result: tuple[list[Page], list[str]] | InputError, first_number: int) -> tuple[list[Page], list[str]]:
    """One file's result of :func:`read_scans`, its pages numbered from ``first_number``; its
    error raised."""
    if isinstance(result, InputError):
        raise result
    pages, problems = result
    for k, page in enumerate(pages):
        renumber(page, first_number + k)
    return pages, problems


def read_scans(paths: list[Path], settings: Settings, engine=None) -> list[tuple[list[Page], list[str]] | InputError]:
    """Several image files read in one pool of ``settings.scan_workers`` processes (a folder of
    page-NN.png is one edition: its pages run in parallel, not one file after the other).  Per
    file, in order: its pages (numbered from 1; the caller renumbers) and one-line problems, or
    the :class:`InputError` that ``read_scan`` would raise for it."""
    jobs: list[ScanJob] = []
    owner: list[int] = []
    counts: list[int | InputError] = []
    for k, path in enumerate(paths):
        try:
            n = image_page_count(Path(path))
        except InputError as e:
            counts.append(e)
            continue
        counts.append(n)
        for i in range(1, n + 1):
            jobs.append(ScanJob(str(path), i, i, False, settings.scan_dpi))
            owner.append(k)
    results = _run(jobs, settings, engine)
    out: list[tuple[list[Page], list[str]] | InputError] = []
    for k, c in enumerate(counts):
        if isinstance(c, InputError):
            out.append(c)
            continue
        mine = [r for r, o in zip(results, owner) if o == k]
        if c == 1 and mine and mine[0].page is None:
            out.append(InputError(mine[0].problem))
            continue
        out.append(([r.page for r in mine if r.page is not None], [r.problem for r in mine if r.problem]))
    return out


def read_pdf_scans(path: Path, source_pages: list[int], first_number: int, settings: Settings,
                   engine=None) -> tuple[list[Page], list[str]]:
    """Pages ``source_pages`` (1-based) of a PDF rendered at ``settings.scan_dpi`` and read as
    scans, numbered from ``first_number`` in the given order."""
    jobs = [ScanJob(str(path), sp, first_number + k, True, settings.scan_dpi)
            for k, sp in enumerate(source_pages)]
    results = _run(jobs, settings, engine)
    # numbers follow the pages actually read
    return numbered(([r.page for r in results if r.page is not None], [r.problem for r in results if r.problem]),
                    first_number)


def pdf_scan_pages(path: Path, settings: Settings, read: set[int]) -> list[int]:
    """The pages (1-based) of a PDF, other than those in ``read``, that have no text layer
    because they are images (scanned pages): these take the scan path."""
    from .pdfdoc import open_pdf, text_layer_problem
    doc = open_pdf(path, settings.max_pdf_bytes)
    out: list[int] = []
    try:
        for i in range(1, doc.page_count + 1):
            if i in read:
                continue
            try:
                fp = doc.load_page(i - 1)
                problem = text_layer_problem(fp, fp.get_text())
            except Exception:
                continue   # a damaged page: the PDF reader has reported it
            if problem and problem.startswith(SCANNED_PROBLEM):
                out.append(i)
    finally:
        doc.close()
    return out


def renumber(page: Page, number: int) -> None:
    page.number = number
    for ln in page.lines:
        ln.page = number


# ----------------------------------------------------------------------------- workers

_ENGINE = None


def _limit_threads() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")      # Tesseract: one thread a page
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # onnxruntime: never the network


def _init_worker(name: str, cache: str | None) -> None:
    global _ENGINE
    _limit_threads()
    from ..ocr import get_engine
    _ENGINE = get_engine(name, Path(cache) if cache else None)


def _work(job: ScanJob) -> ScanResult:
    return _do(job, _ENGINE)


def _run(jobs: list[ScanJob], settings: Settings, engine) -> list[ScanResult]:
    if not jobs:
        return []
    _limit_threads()
    cache = ocr_cache_dir(settings)
    workers = min(settings.scan_workers, len(jobs))
    if engine is not None or workers <= 1:
        if engine is None:
            from ..ocr import get_engine
            engine = get_engine(settings.ocr_engine, cache)
        return [_do(job, engine) for job in jobs]
    from ..ocr import get_engine
    get_engine(settings.ocr_engine, cache)   # a missing engine fails here, once, in one line
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                             initargs=(settings.ocr_engine, str(cache) if cache else None)) as ex:
        return list(ex.map(_work, jobs))


def _do(job: ScanJob, engine) -> ScanResult:
    path = Path(job.path)
    try:
        gray = _render(path, job.source_page, job.dpi) if job.pdf else decode_page(path, job.source_page).gray
        page = scan_page(gray, job.number, path, job.source_page, engine)
    except InputError as e:
        msg = str(e)
        where = f"{path.name} page {job.source_page}"
        return ScanResult(None, msg if msg.startswith(path.name) else f"{where}: {msg}")
    except MemoryError:
        return ScanResult(None, f"{path.name} page {job.source_page}: not enough memory to analyse this page")
    return ScanResult(page)


def _render(path: Path, index: int, dpi: int) -> np.ndarray:
    import pymupdf
    from .pdfdoc import open_pdf
    doc = open_pdf(path, 1 << 36)
    try:
        fp = doc.load_page(index - 1)
        w, h = fp.rect.width * dpi / 72, fp.rect.height * dpi / 72
        if w * h > MAX_IMAGE_PIXELS:
            raise InputError(f"{path.name} page {index}: {w:.0f}×{h:.0f} pixels at {dpi} dpi is over "
                             f"the image limit ({MAX_IMAGE_PIXELS:,} pixels); lower scan_dpi")
        pm = fp.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
        return np.frombuffer(pm.samples, np.uint8).reshape(pm.height, pm.stride)[:, :pm.width].copy()
    finally:
        doc.close()


# ----------------------------------------------------------------------------- one page


def scan_page(gray: np.ndarray, number: int, path: Path, source_page: int, engine) -> Page:
    """Analyse and OCR one page image; the :class:`Page` (kind "scan", pixel coordinates)."""
    from ..scanlayout import analyse_page
    an = analyse_page(gray)
    lines: list[Line] = []
    for region in an.regions:
        got = _ocr_region(an.image, region, engine, number)
        if not region.vertical:
            got = _join_row_pieces(got, region)
            got = [_restore_dash(ln, an.image, region) for ln in got]
        lines.extend(got)
    return Page(number=number, path=str(path), name=path.name, kind="scan", lines=lines,
                width=float(an.width), height=float(an.height), graphics=list(an.graphics),
                source_page=source_page)


def _join_row_pieces(lines: list[Line], region) -> list[Line]:
    """OCR lines of one horizontal region that stand on one row are one printed line: a region
    never spans a gutter (scanlayout joins pieces only within LINE_JOIN_EM and never across a
    rule), but RapidOCR cuts a long headline in two (以科技创新为引领新质生产力稳步 | 发展)."""
    from ..ocr import join_words
    from ..ocr.confidence import text_conf
    rows: list[Line] = []
    for ln in sorted(lines, key=lambda ln: (ln.bbox.x0, ln.bbox.y0)):   # left to right
        for i, r in enumerate(rows):
            if r.bbox.y_overlap(ln.bbox) >= ROW_OVERLAP_SHARE * min(r.bbox.height, ln.bbox.height):
                text = join_words([r.text, ln.text])
                shift = len(text) - len(ln.text)
                low = r.low + tuple(LowWord(w.start + shift, w.end + shift, w.bbox, w.conf) for w in ln.low)
                conf = text_conf([r, ln])
                conf = None if conf is None else round(conf, 3)
                rows[i] = Line(text=text, page=r.page, lineno=0, bbox=r.bbox.union(ln.bbox), size=r.size,
                               vertical=r.vertical, conf=conf, low=low)
                break
        else:
            rows.append(ln)
    return sorted(rows, key=lambda ln: (ln.bbox.y0, ln.bbox.x0))


def _restore_dash(ln: Line, image: np.ndarray, region) -> Line:
    """RapidOCR drops the —— that opens a subtitle (——降低误诊率和漏诊率): ink left of the line
    within its region, one thin stroke level with the middle of the glyphs, at least
    DASH_MIN_EM glyph heights long, is put back (—— when longer than DASH_DOUBLE_EM, else —)."""
    from .. import lexicon
    if ln.text[:1] in lexicon.DASHES:
        return ln
    b, g = ln.bbox, region.glyph
    x0, x1 = int(region.bbox.x0), int(b.x0)
    y0, y1 = int(b.y0), int(np.ceil(b.y1))
    if x1 - x0 < DASH_MIN_EM * g or y1 <= y0:
        return ln
    ink = image[y0:y1, x0:x1] < DASH_INK_LEVEL
    cols = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    if not len(cols):
        return ln
    length, thick = cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1
    mid = y0 + (rows[0] + rows[-1]) / 2
    if length < DASH_MIN_EM * g or thick > DASH_MAX_THICK_EM * g or len(cols) < 0.9 * length \
            or abs(mid - (b.y0 + b.y1) / 2) > DASH_MIDDLE_SHARE * b.height:
        return ln
    dash = "——" if length >= DASH_DOUBLE_EM * g else "—"
    low = tuple(LowWord(w.start + len(dash), w.end + len(dash), w.bbox, w.conf) for w in ln.low)
    bbox = BBox(float(x0 + cols[0]), b.y0, b.x1, b.y1)
    return Line(text=dash + ln.text, page=ln.page, lineno=ln.lineno, bbox=bbox, size=ln.size,
                vertical=ln.vertical, conf=ln.conf, low=low)


def region_crop(region, shape: tuple[int, ...]) -> tuple[int, int, int, int, float]:
    """The crop OCR reads for ``region`` on a page image of ``shape``: its box in page pixels
    (x0, y0, x1, y1: the region padded by REGION_PAD_EM, clipped) and the scale it is resized by
    (< 1 for glyphs taller than SHRINK_ABOVE_PX).  OCR boxes map back as x0 + x / scale."""
    h, w = shape[:2]
    pad = REGION_PAD_EM * region.em
    x0, y0 = max(0, int(region.bbox.x0 - pad)), max(0, int(region.bbox.y0 - pad))
    x1, y1 = min(w, int(np.ceil(region.bbox.x1 + pad))), min(h, int(np.ceil(region.bbox.y1 + pad)))
    scale = TARGET_GLYPH_PX / region.glyph if region.glyph > SHRINK_ABOVE_PX else 1.0
    return x0, y0, x1, y1, scale


def _ocr_region(image: np.ndarray, region, engine, number: int) -> list[Line]:
    import cv2
    x0, y0, x1, y1, scale = region_crop(region, image.shape)
    if x1 <= x0 or y1 <= y0:
        return []
    crop = image[y0:y1, x0:x1]
    if scale != 1.0:
        crop = cv2.resize(crop, (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))),
                          interpolation=cv2.INTER_AREA)
    out: list[Line] = []
    for ol in engine.recognize(np.ascontiguousarray(crop), vertical=region.vertical):
        # engines read “ ” as " and （ as ( (lexicon.QUOTE_KINDS, HALF_TO_FULL): one char for one
        text = repair_punctuation(repair_quotes(ol.text.strip()))
        if not text:
            continue
        bbox = _to_page(ol.bbox, x0, y0, scale)
        out.append(Line(text=text, page=number, lineno=0, bbox=bbox, size=round(region.em, 1),
                        vertical=bool(ol.vertical or region.vertical), conf=round(float(ol.conf), 3),
                        low=_low_words(ol, x0, y0, scale)))
    return out


def _to_page(b: BBox, x0: int, y0: int, scale: float) -> BBox:
    """A box in the (resized) crop's pixels mapped back to page pixels (see region_crop)."""
    return BBox(round(x0 + b.x0 / scale, 1), round(y0 + b.y0 / scale, 1),
                round(x0 + b.x1 / scale, 1), round(y0 + b.y1 / scale, 1))


def _low_words(ol, x0: int, y0: int, scale: float) -> tuple[LowWord, ...]:
    """The words of OCR line ``ol`` read below LOW_WORD_CONF: offsets into the line's text (the
    Line's text is ``ol.text.strip()`` with quote marks repaired one for one, so offsets into
    ``ol.text`` minus its leading blanks hold), boxes in page pixels."""
    from ..ocr import LOW_WORD_CONF, word_offsets
    if not any(w.conf < LOW_WORD_CONF for w in ol.words):
        return ()
    full = ol.text
    lead = len(full) - len(full.lstrip())
    out: list[LowWord] = []
    for w, span in zip(ol.words, word_offsets([w.text for w in ol.words])):
        if span is None or w.conf >= LOW_WORD_CONF:
            continue
        out.append(LowWord(span[0] - lead, span[1] - lead, _to_page(w.bbox, x0, y0, scale), round(float(w.conf), 3)))
    return tuple(out)
