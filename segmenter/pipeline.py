"""The pipeline: read → lay out → classify roles → assemble → (export, in the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble_edition
from .containers import Edition, Page
from .errors import InputError, SegmenterError
from .layout import layout_text
from .readers.text import read_text
from .roles import classify_page
from .settings import Settings

#: file endings read as text dumps (content decides markdown or not, never the ending)
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
PDF_SUFFIXES = (".pdf",)
#: page images (scans): page analysis and OCR (readers/scan.py)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
#: endings recognised but handled by later readers (none at present)
LATER_SUFFIXES: dict[str, str] = {}


@dataclass
class EditionInput:
    """One edition to segment: its name and its page files in order."""

    name: str
    files: list[Path]
    errors: list[str] = field(default_factory=list)


def plan(inputs: list[Path]) -> list[EditionInput]:
    """Group command-line inputs into editions: each folder is one edition (its files in name
    order); all files given directly are one edition, named after the file when there is one,
    else after their common folder."""
    editions: list[EditionInput] = []
    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            pages = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                           and f.suffix.lower() in TEXT_SUFFIXES + PDF_SUFFIXES + IMAGE_SUFFIXES
                           + tuple(LATER_SUFFIXES))
            ed = EditionInput(p.resolve().name or "edition", pages)
            if not pages:
                ed.errors.append(f"{p}: folder holds no .txt, .md, .pdf or page image (.png, .jpg, .tif) files")
            editions.append(ed)
        elif p.exists():
            files.append(p)
        else:
            editions.append(EditionInput(p.stem or "edition", [], [f"{p}: no such file or folder"]))
    if files:
        if len(files) == 1:
            name = files[0].stem
        else:
            parents = {f.resolve().parent for f in files}
            name = parents.pop().name if len(parents) == 1 else files[0].stem
        editions.append(EditionInput(name or "edition", files))
    seen: set[str] = set()
    for ed in editions:
        if ed.name in seen and ed.files:
            ed.errors.append(f"{ed.name}: another input of this run has the same edition name; "
                             "run them separately (-o to another folder)")
            ed.files = []
        seen.add(ed.name)
    return editions


def read_page(path: Path, number: int, settings: Settings) -> Page:
    suffix = path.suffix.lower()
    if suffix in LATER_SUFFIXES:
        raise InputError(f"{path.name}: {LATER_SUFFIXES[suffix]} is not supported yet (text dumps and PDFs only)")
    return read_text(path, number, settings)


def read_pages(path: Path, number: int, settings: Settings, errors: list[str], scanned=None) -> list[Page]:
    """The pages of one input file, laid out and classified, numbered from ``number``;
    problems of single pages (a PDF page without text layer …) go to ``errors``.  ``scanned``:
    an image file's pages already read (readers.scan.read_scans), or the error reading it."""
    if path.suffix.lower() in PDF_SUFFIXES + IMAGE_SUFFIXES:
        from .geolayout import layout_geometry
        from .georoles import classify_geometry
        if path.suffix.lower() in IMAGE_SUFFIXES:
            from .readers.scan import numbered, read_scans
            pages, problems = numbered(scanned if scanned is not None else read_scans([path], settings)[0], number)
        else:
            pages, problems = _read_pdf_pages(path, number, settings)
        errors.extend(problems)
        for page in pages:
            layout_geometry(page)
            classify_geometry(page)
        if not pages and not problems:
            raise InputError(f"{path.name}: no readable page")
        return pages
    page = read_page(path, number, settings)
    layout_text(page, settings)
    classify_page(page)
    return [page]


def _read_pdf_pages(path: Path, number: int, settings: Settings) -> tuple[list[Page], list[str]]:
    """A PDF's pages, each by the path it needs: pages with a usable text layer by the PDF
    reader, image-only (scanned) pages rendered at ``scan_dpi`` by the scan reader; numbered
    in the PDF's page order."""
    from .readers.pdf import read_pdf
    from .readers.scan import pdf_scan_pages, read_pdf_scans, renumber
    pages, problems = read_pdf(path, number, settings)
    scans = pdf_scan_pages(path, settings, {p.source_page for p in pages})
    if not scans:
        return pages, problems
    prefixes = tuple(f"{path.name} page {i}:" for i in scans)
    problems = [p for p in problems if not p.startswith(prefixes)]
    scanned, more = read_pdf_scans(path, scans, number, settings)
    pages = sorted(pages + scanned, key=lambda p: p.source_page)
    for k, page in enumerate(pages):
        renumber(page, number + k)
    return pages, problems + more


def segment_edition(ed: EditionInput, settings: Settings) -> Edition:
    """Segment one edition; unreadable pages are reported in ``ed.errors`` and skipped."""
    edition = read_edition(ed, settings)
    assemble_edition(edition, settings)
    from .ocr.confidence import fold_article_confidence
    fold_article_confidence(edition)   # scans: min(assembly score, OCR confidence) (issue #5)
    return edition


def read_edition(ed: EditionInput, settings: Settings) -> Edition:
    """Read, lay out and classify the pages of one edition (everything before assembly);
    unreadable pages are reported in ``ed.errors`` and skipped."""
    edition = Edition(name=ed.name)
    images = [f for f in ed.files if f.suffix.lower() in IMAGE_SUFFIXES]
    scanned: dict[Path, object] = {}
    if len(images) > 1 and settings.scan_workers > 1:   # all the scans' pages in one pool
        from .readers.scan import read_scans
        try:
            scanned = dict(zip(images, read_scans(images, settings)))
        except SegmenterError as e:          # a missing engine: once, for the edition
            ed.errors.append(str(e))
            return edition
    for f in ed.files:
        try:
            edition.pages.extend(read_pages(f, len(edition.pages) + 1, settings, ed.errors, scanned.get(f)))
        except SegmenterError as e:
            ed.errors.append(str(e))
    return edition


def segment(paths: list[str | Path] | str | Path, settings: Settings | None = None) -> Edition:
    """Segment the given files (one edition) and return the :class:`Edition`.

    Raises :class:`InputError` when a file cannot be read."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    settings = settings or Settings()
    eds = plan([Path(p) for p in paths])
    if len(eds) != 1:
        raise InputError("segment() takes the files of one edition (or one folder)")
    ed = eds[0]
    edition = segment_edition(ed, settings)
    if ed.errors:
        raise InputError(ed.errors[0])
    return edition
