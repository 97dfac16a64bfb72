"""The PDF baselines a user would otherwise reach for (``segmenter run --extractor TOOL``).

Each PDF page's plain text is taken from an off-the-shelf extractor and fed to segmenter's
own text-dump path exactly as a ``.txt`` page would go (read → lay out → classify roles →
assemble), so the comparison with the PDF reader measures only what reading the layout
gains over reading an extractor's text:

- ``pymupdf``: ``page.get_text(sort=True)`` (blocks sorted top-left to bottom-right);
- ``pdftotext``: poppler's ``pdftotext -layout`` (columns printed side by side, which the
  text path splits again);
- ``pdfplumber``: ``page.extract_text()`` (pdfminer characters grouped into lines).

Each PDF page becomes one text page named ``file.pdf#N``; ``.txt`` / ``.md`` files of the
edition are read as text pages as usual.  A file or page that cannot be read is reported in
``ed.errors`` (one line each) and the others go on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator

from .assemble import assemble_edition
from .containers import Edition
from .errors import InputError, SegmenterError
from .layout import layout_text
from .pipeline import TEXT_SUFFIXES, EditionInput, read_pages
from .readers.pdfdoc import open_pdf, text_layer_problem
from .readers.text import parse_text
from .roles import classify_page
from .settings import Settings
from .tools import run_tool

__all__ = ["extractor_edition", "EXTRACTORS", "page_texts"]

EXTRACTORS = ("pymupdf", "pdftotext", "pdfplumber")
#: whole-page OCR baselines (issue #5): each image page (or PDF page rendered at the scan dpi)
#: is OCRed whole by the tool in its own reading order (see segmenter/ocr/baselines.py)
OCR_EXTRACTORS = ("tesseract", "rapidocr")

#: seconds pdftotext may take per page before it is given up (it needs ~0.05 s for a dense
#: newspaper page; a pathological file should not hang the run)
PDFTOTEXT_SECONDS_PER_PAGE = 20


def extractor_edition(ed: EditionInput, settings: Settings, tool: str) -> Edition:
    """Segment one edition from the plain text ``tool`` extracts from each PDF page.
    Unreadable files and pages are reported in ``ed.errors`` and skipped."""
    if tool not in EXTRACTORS + OCR_EXTRACTORS:
        raise SegmenterError(f"unknown extractor {tool!r}; known: {', '.join(EXTRACTORS + OCR_EXTRACTORS)}")
    if tool == "pdftotext" and any(_is_pdf(f) for f in ed.files) and shutil.which("pdftotext") is None:
        raise SegmenterError("pdftotext is not installed (it comes with poppler-utils: "
                             "apt-get install poppler-utils)")
    edition = Edition(name=ed.name)
    if tool in OCR_EXTRACTORS:
        return _ocr_edition(ed, settings, tool, edition)
    for f in ed.files:
        if not _is_pdf(f):              # a text page reads as it does without --extractor
            _read_as_usual(f, edition, settings, ed.errors)
            continue
        try:
            for index, text in page_texts(f, settings, tool, ed.errors):
                _add_text(edition, text, f, index + 1, settings)
        except SegmenterError as e:
            ed.errors.append(str(e))
    if edition.pages:
        assemble_edition(edition, settings)
    return edition


def _ocr_edition(ed: EditionInput, settings: Settings, tool: str, edition: Edition) -> Edition:
    """The OCR baselines: image files and PDFs are read whole-page by ``tool``; text pages as usual."""
    from .ocr.baselines import image_pages, page_text
    dpi = settings.scan_dpi
    for f in ed.files:
        if f.suffix.lower() in TEXT_SUFFIXES:
            _read_as_usual(f, edition, settings, ed.errors)
            continue
        try:
            for index, gray in image_pages(f, ed.errors, dpi):
                _add_text(edition, page_text(gray, tool), f, index, settings)
        except SegmenterError as e:
            ed.errors.append(str(e))
    if edition.pages:
        assemble_edition(edition, settings)
    return edition


def _read_as_usual(f: Path, edition: Edition, settings: Settings, errors: list[str]) -> None:
    """A page file that no extractor handles reads as it does without --extractor."""
    try:
        edition.pages.extend(read_pages(f, len(edition.pages) + 1, settings, errors))
    except SegmenterError as e:
        errors.append(str(e))


def _is_pdf(f: Path) -> bool:
    return f.suffix.lower() == ".pdf"


def _add_text(edition: Edition, text: str, f: Path, number: int, settings: Settings) -> None:
    """Page ``number`` (1-based) of ``f`` as an extractor gave its text, read by the
    text-dump path."""
    page = parse_text(text, len(edition.pages) + 1, str(f), f"{f.name}#{number}", encoding="")
    page.kind = "text"
    page.printed = page.source_page = number
    layout_text(page, settings)
    classify_page(page)
    edition.pages.append(page)


def page_texts(path: Path, settings: Settings, tool: str, errors: list[str]) -> Iterator[tuple[int, str]]:
    """(0-based page index, text) of each usable page of one PDF, as ``tool`` extracts it.
    A page without a usable text layer is reported in ``errors`` and skipped; a file that
    cannot be opened raises :class:`InputError`."""
    doc = open_pdf(path, settings.max_pdf_bytes)
    try:
        extract = _EXTRACT[tool]
        for index, text in extract(path, doc):
            if isinstance(text, Exception):
                errors.append(f"{path.name} page {index + 1}: {tool} cannot extract its text ({_one_line(text)})")
                continue
            problem = text_layer_problem(doc[index], text)
            if problem is not None:
                errors.append(f"{path.name} page {index + 1}: {problem}")
                continue
            yield index, text
    finally:
        doc.close()


def _one_line(e: Exception) -> str:
    msg = " ".join(str(e).split()) or type(e).__name__
    return msg[:200]


# ----------------------------------------------------------------------------- the tools

def _pymupdf(path: Path, doc) -> Iterator[tuple[int, str | Exception]]:
    for i in range(doc.page_count):
        try:
            yield i, doc[i].get_text(sort=True)
        except Exception as e:  # a page MuPDF cannot interpret
            yield i, e


def _pdftotext(path: Path, doc) -> Iterator[tuple[int, str | Exception]]:
    """One pdftotext call for the whole file, split at its form feeds (one per page); when
    the pages do not come out one per form feed, one call per page (``-f N -l N``)."""
    n = doc.page_count
    try:
        whole = _run_pdftotext(path, None, n)
    except InputError as e:
        raise InputError(f"{path.name}: pdftotext cannot read it ({e})") from None
    pages = whole.split("\f")
    if len(pages) == n + 1 and not pages[-1].strip():
        for i in range(n):
            yield i, pages[i]
        return
    for i in range(n):
        try:
            yield i, _run_pdftotext(path, i + 1, 1)
        except InputError as e:
            yield i, e


def _run_pdftotext(path: Path, page: int | None, pages: int) -> str:
    """pdftotext's output; :class:`InputError` (the reason only) when it fails."""
    cmd = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if page is not None:
        cmd += ["-f", str(page), "-l", str(page)]
    cmd += [os.fspath(path.absolute()), "-"]
    limit = PDFTOTEXT_SECONDS_PER_PAGE * max(1, pages)
    return run_tool(cmd, limit, "pdftotext is not installed (it comes with poppler-utils: "
                                "apt-get install poppler-utils)")


@contextlib.contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer and pdfplumber log warnings about odd PDFs; Python would print them on
    stderr (no handler is configured), so they are held back while extracting."""
    loggers = [logging.getLogger(n) for n in ("pdfminer", "pdfplumber")]
    old = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, old):
            lg.setLevel(level)


def _pdfplumber(path: Path, doc) -> Iterator[tuple[int, str | Exception]]:
    import pdfplumber
    with _quiet_pdfminer():
        try:
            pdf = pdfplumber.open(path)
        except Exception as e:
            raise InputError(f"{path.name}: pdfplumber cannot open it ({_one_line(e)})") from None
    try:
        n = len(pdf.pages)
        for i in range(min(n, doc.page_count)):
            with _quiet_pdfminer():
                try:
                    page = pdf.pages[i]
                    text: str | Exception = page.extract_text()
                    page.close()  # drop its cached characters: an edition has many pages
                except Exception as e:
                    text = e
            yield i, text
    finally:
        pdf.close()


_EXTRACT: dict[str, Callable[[Path, object], Iterator[tuple[int, str | Exception]]]] = {
    "pymupdf": _pymupdf, "pdftotext": _pdftotext, "pdfplumber": _pdfplumber}
