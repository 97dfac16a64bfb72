"""PDF documents with PyMuPDF: opening them safely, the page graphics that structure a page
(rules, boxes, images), and whether a page's text layer can be used at all.

Coordinates are PDF points, y downwards, in the frame PyMuPDF's text extraction uses: the
unrotated page, origin at the top-left corner of the crop box (:func:`page_size` gives its
width and height).  ``page.get_text()``, ``page.get_texttrace()``, ``page.get_cdrawings()``,
``page.get_image_info()`` and a run of the page's content (or of a display list of it) with
its rotation set to 0 all report in this frame, so text lines and graphics line up whatever
the page rotation.

MuPDF prints its own errors and warnings (on stdout) unless told not to; :func:`quiet_mupdf`
turns that off and :func:`open_pdf` calls it, so no MuPDF noise reaches the user.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pymupdf
from pymupdf import extra as _extra
from pymupdf import mupdf as _mupdf

from ..containers import BBox, Graphic, GraphicKind
from ..errors import InputError
from ..settings import Settings

__all__ = ["open_pdf", "page_graphics", "graphics_of", "run_page", "PageRun", "page_size", "text_layer_problem",
           "garbled_reason", "image_share", "quiet_mupdf", "DEFAULT_MAX_PDF_BYTES"]

#: size limit of open_pdf when no limit is passed: the setting's default, one value for
#: one limit (see Settings.max_pdf_bytes for why)
DEFAULT_MAX_PDF_BYTES = Settings().max_pdf_bytes

# ----------------------------------------------------------------------------- opening

#: the PDF header must start within the first 1024 bytes (what Acrobat accepts)
_HEADER_WINDOW = 1024
#: what a non-PDF file named .pdf most often is, by its first bytes
_MAGIC = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"II*\x00", "a TIFF image"),
          (b"MM\x00*", "a TIFF image"), (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (DOCX, EPUB …?)"),
          (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"%!PS", "a PostScript file"),
          (b"{\\rtf", "an RTF document"))


def quiet_mupdf() -> None:
    """Stop MuPDF from printing its errors and warnings (they would reach the user's
    terminal on stdout); empty its warning store so it does not grow over a long run."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    pymupdf.TOOLS.reset_mupdf_warnings()


def _what_is(head: bytes) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"it looks like {what}"
    probe = head.lstrip().lower()
    if probe.startswith((b"<!doctype html", b"<html")):
        return "it looks like an HTML page"
    if probe.startswith(b"<?xml"):
        return "it looks like an XML file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:
        text = head[:e.start].decode("utf-8") if e.start >= len(head) - 3 else ""  # cut in a character
    if text and sum(1 for c in text if c.isprintable() or c in "\t\r\n") > 0.95 * len(text):
        return "it looks like a text file"
    return "no %PDF header"


def open_pdf(path: Path, max_bytes: int = DEFAULT_MAX_PDF_BYTES) -> pymupdf.Document:
    """Open a PDF for reading, or raise :class:`InputError` with a one-line message starting
    with the file name: unreadable, empty, too large, not a PDF, damaged beyond repair,
    encrypted with a user password, or without pages.

    A damaged file that MuPDF can repair (a truncated download, a broken xref table) is
    opened as long as at least one page still has content; ``doc.is_repaired`` tells the
    caller so.  The caller closes the document."""
    quiet_mupdf()
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEADER_WINDOW)
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror or e})") from None
    if size == 0:
        raise InputError(f"{name}: empty file (0 bytes), not a PDF")
    if size > max_bytes:
        raise InputError(f"{name}: {size / 1e6:.1f} MB is larger than the PDF size limit "
                         f"({max_bytes / 1e6:.1f} MB)")
    if b"%PDF-" not in head:
        raise InputError(f"{name}: not a PDF ({_what_is(head)})")
    try:
        doc = pymupdf.open(str(path), filetype="pdf")
    except Exception:  # FileDataError, RuntimeError …: MuPDF could not even repair it
        raise InputError(f"{name}: damaged PDF (truncated or corrupt) that MuPDF cannot repair") from None
    try:
        if doc.needs_pass:
            raise InputError(f"{name}: encrypted PDF, needs a password to open; "
                             "save a copy without password protection and read that")
        try:
            n = doc.page_count
        except Exception:
            raise InputError(f"{name}: damaged PDF, its page list cannot be read") from None
        if n == 0:
            if doc.is_repaired:
                raise InputError(f"{name}: damaged PDF (truncated or corrupt): no page could be recovered")
            raise InputError(f"{name}: PDF has no pages")
        if doc.is_repaired and not any(_page_has_content(doc, i) for i in range(n)):
            raise InputError(f"{name}: damaged PDF (truncated or corrupt): {n} page(s) listed, "
                             "none could be read")
    except BaseException:
        doc.close()
        raise
    return doc


def _page_has_content(doc: pymupdf.Document, index: int) -> bool:
    """The page loads and has a non-empty content stream (a truncated file keeps its page
    objects, written first, but loses the content streams written after them)."""
    try:
        page = doc.load_page(index)
        return any(doc.xref_stream(x) for x in page.get_contents())
    except Exception:
        return False


def page_size(page: pymupdf.Page) -> tuple[float, float]:
    """Width and height of the frame text and graphics coordinates are given in (the crop
    box, unrotated): use these for :attr:`Page.width` / :attr:`Page.height`."""
    r = page.cropbox
    return float(r.width), float(r.height)


# ----------------------------------------------------------------------------- graphics

#: a rule is at most this thick: newspaper separators are 0.25-1.5 pt hairlines and thin bars
RULE_MAX_THICKNESS = 2.0
#: ... and at least this long once its pieces are merged: shorter strokes are ornaments,
#: underlines of a word or bullet dashes (a column of body text is 100 pt and more wide)
RULE_MIN_LENGTH = 20.0
#: pieces of a rule shorter than this are not collected at all (dots of a screen or of a
#: dotted leader; the dash of a dashed rule drawn piece by piece is 2 pt and more)
MIN_PIECE_LENGTH = 2.0
#: two pieces belong to one rule when their centre lines are this close ...
RULE_ALIGN_TOLERANCE = 0.5
#: ... and the gap between them is at most this (the gaps of a dashed rule, touching pieces)
RULE_JOIN_GAP = 3.0
#: a line segment is horizontal (vertical) when it rises (runs) at most this much
AXIS_TOLERANCE = 0.5
#: a stroked rectangle is a box when both sides are at least this long: smaller frames are
#: check boxes and ornaments, an article or ad frame is several lines tall
BOX_MIN_SIDE = 20.0
#: a filled rectangle stands for a photo (or, with text inside, a tinted panel) when both
#: sides are at least this long: smaller fills are bullets, tags, colour swatches
FILL_MIN_SIDE = 40.0
#: images smaller than this on either side are icons and bullets, not figures
IMAGE_MIN_SIDE = 20.0
#: a frame, fill or image covering this share of the page's width and height is the page
#: background or a page border, not structure
PAGE_SIZED_SHARE = 0.9
#: a fill or stroke whose RGB components are all at least this light is white: backgrounds
#: and knock-outs, invisible on newsprint
WHITE_LEVEL = 0.95
#: at most this many drawings are looked at per page (the rest are only counted): a vector
#: map or a dot screen can hold hundreds of thousands; a newspaper page's structure is drawn
#: in a few hundred
MAX_DRAWINGS = 200_000
#: at most this many path items are looked at per page, for one path holding a whole screen
MAX_ITEMS = 200_000
#: rule pieces kept for merging; beyond this only pieces already long enough to be rules are
#: kept, so a hatch pattern of short strokes cannot blow up the merge
MAX_PIECES = 20_000
#: pages whose content streams are larger than this have their drawings skipped (images are
#: still reported): MuPDF needs about 4 µs a drawing even to skip it, and an 8 MB stream holds
#: 300,000 drawings or more; a text-heavy newspaper page's stream is under 1 MB
MAX_VECTOR_CONTENT_BYTES = 8 * 1024 * 1024

#: a run of the page's content through _GraphicsDevice (Python callbacks) stops at this many
#: paths, and the drawings are taken from ``page.get_cdrawings()`` instead: a callback costs
#: ~4.4 µs a path more than PyMuPDF's C++ device (100,000 dots: 0.73 against 0.29 s), and
#: the C++ device costs one more interpretation of the content (~3 ms a synth page), so
#: past about a thousand paths the second run is the cheaper one.  Newspaper pages draw
#: tens to a few hundred (synth pages 6-11 paths; maps, charts and vector ads thousands)
DEVICE_MAX_PATHS = 1000
#: pages whose content streams are larger than this are not interpreted into a display list
#: but run three times (text, drawings, images) by PyMuPDF's own devices: storing and
#: replaying a list of 100,000 drawings costs more (0.46 against 0.29 s a page) than the
#: interpretation it saves; a synth page's content is 5-8 KB, a text-heavy page's < 300 KB
SINGLE_RUN_MAX_CONTENT_BYTES = 512 * 1024

_KIND_ORDER = {k: i for i, k in enumerate(GraphicKind)}


class _Collector:
    """Accumulates graphics from the drawings MuPDF reports one by one."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.seen = 0
        self.items = 0
        self.h_pieces: list[tuple[float, float, float, float, float]] = []  # (centre y, x0, x1, y0, y1)
        self.v_pieces: list[tuple[float, float, float, float, float]] = []  # (centre x, y0, y1, x0, x1)
        self.boxes: list[BBox] = []
        self.fills: list[BBox] = []

    # one drawing (a path with its paint), as get_cdrawings reports it.  An exception must
    # not escape: it would unwind through MuPDF's C++ device and crash the interpreter
    def __call__(self, d: dict) -> None:
        try:
            self.visit(d)
        except Exception:
            pass

    def visit(self, d: dict) -> None:
        self.seen += 1
        if self.seen > MAX_DRAWINGS:
            return
        x0, y0, x1, y1 = d["rect"]
        if x1 - x0 < MIN_PIECE_LENGTH and y1 - y0 < MIN_PIECE_LENGTH:
            return
        t = d.get("type", "")
        filled = "f" in t and d.get("fill_opacity", 1.0) > 0 and not _white(d.get("fill"))
        stroked = "s" in t and d.get("stroke_opacity", 1.0) > 0 and not _white(d.get("color"))
        if not (filled or stroked):
            return
        lw = float(d.get("width") or 0.0) if stroked else 0.0
        items = d.get("items") or ()
        self.items += len(items)
        if self.items > MAX_ITEMS:
            return
        if _closed_rectangle_path(items, d.get("closePath", False) or filled, (x0, y0, x1, y1)):
            self.rect(x0, y0, x1, y1, stroked, filled, lw)
            return
        for it in items:
            op = it[0]
            if op == "re":
                self.rect(*it[1], stroked, filled, lw)
            elif op == "qu":
                r = _axis_quad(it[1])
                if r is not None:
                    self.rect(*r, stroked, filled, lw)
            elif op == "l" and stroked:
                self.segment(it[1], it[2], lw)

    def rect(self, x0: float, y0: float, x1: float, y1: float, stroked: bool, filled: bool, lw: float) -> None:
        if x1 < x0:
            x0, x1 = x1, x0
        if y1 < y0:
            y0, y1 = y1, y0
        if stroked:
            x0, y0, x1, y1 = x0 - lw / 2, y0 - lw / 2, x1 + lw / 2, y1 + lw / 2
        w, h = x1 - x0, y1 - y0
        if min(w, h) <= RULE_MAX_THICKNESS:
            self.piece(x0, y0, x1, y1)
        elif self.page_sized(w, h):
            return
        elif stroked and min(w, h) >= BOX_MIN_SIDE:
            self.boxes.append(BBox(x0, y0, x1, y1))
        elif filled and min(w, h) >= FILL_MIN_SIDE:
            self.fills.append(BBox(x0, y0, x1, y1))

    def segment(self, p, q, lw: float) -> None:
        (ax, ay), (bx, by) = p, q
        dx, dy = abs(bx - ax), abs(by - ay)
        if dy <= AXIS_TOLERANCE and dx >= MIN_PIECE_LENGTH:
            yc = (ay + by) / 2
            half = max(lw, dy) / 2
            self.piece(min(ax, bx), yc - half, max(ax, bx), yc + half)
        elif dx <= AXIS_TOLERANCE and dy >= MIN_PIECE_LENGTH:
            xc = (ax + bx) / 2
            half = max(lw, dx) / 2
            self.piece(xc - half, min(ay, by), xc + half, max(ay, by))

    def piece(self, x0: float, y0: float, x1: float, y1: float) -> None:
        w, h = x1 - x0, y1 - y0
        if max(w, h) < MIN_PIECE_LENGTH or min(w, h) > RULE_MAX_THICKNESS:
            return
        if len(self.h_pieces) + len(self.v_pieces) >= MAX_PIECES and max(w, h) < RULE_MIN_LENGTH:
            return
        if w >= h:
            self.h_pieces.append(((y0 + y1) / 2, x0, x1, y0, y1))
        else:
            self.v_pieces.append(((x0 + x1) / 2, y0, y1, x0, x1))

    def page_sized(self, w: float, h: float) -> bool:
        return w >= PAGE_SIZED_SHARE * self.width and h >= PAGE_SIZED_SHARE * self.height


def _white(color) -> bool:
    """An RGB colour (MuPDF converts every colour space to RGB) light enough to be white.
    No colour (a pattern or shading) is not white."""
    return bool(color) and all(c >= WHITE_LEVEL for c in color)


def _axis_quad(q) -> tuple[float, float, float, float] | None:
    """The rectangle a quad item covers, when it is axis-aligned (else None)."""
    pts = [(p[0], p[1]) for p in q]
    xs = sorted(p[0] for p in pts)
    ys = sorted(p[1] for p in pts)
    if xs[1] - xs[0] <= AXIS_TOLERANCE and xs[3] - xs[2] <= AXIS_TOLERANCE \
            and ys[1] - ys[0] <= AXIS_TOLERANCE and ys[3] - ys[2] <= AXIS_TOLERANCE:
        return xs[0], ys[0], xs[3], ys[3]
    return None


def _closed_rectangle_path(items, closed: bool, rect) -> bool:
    """A path of straight lines (and corner curves) drawing one rectangle, as a closed
    polygon rather than an ``re`` operator: 3-4 axis-aligned sides (a rounded rectangle adds
    a curve per corner) whose straight parts run along the bounding box and cover at least
    half of its outline.  Circles, ticks and polylines are not."""
    n = len(items)
    if n < 3 or n > 8 or any(it[0] not in ("l", "c") for it in items):
        return False
    first, last = items[0][1], items[-1][-1]
    if not closed and (abs(first[0] - last[0]) > AXIS_TOLERANCE or abs(first[1] - last[1]) > AXIS_TOLERANCE):
        return False
    x0, y0, x1, y1 = rect
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        return False
    straight = 0.0
    for it in items:
        if it[0] != "l":
            continue
        (ax, ay), (bx, by) = it[1], it[2]
        if abs(ay - by) <= AXIS_TOLERANCE and min(abs(ay - y0), abs(ay - y1)) <= AXIS_TOLERANCE:
            straight += abs(bx - ax)
        elif abs(ax - bx) <= AXIS_TOLERANCE and min(abs(ax - x0), abs(ax - x1)) <= AXIS_TOLERANCE:
            straight += abs(by - ay)
        else:
            return False
    return straight >= (w + h)  # half of the perimeter 2(w + h)


def _merge_pieces(pieces: list[tuple[float, float, float, float, float]], horizontal: bool) -> list[BBox]:
    """Collinear pieces that touch (gap ≤ RULE_JOIN_GAP) become one rule; rules shorter than
    RULE_MIN_LENGTH are dropped."""
    out: list[BBox] = []
    pieces.sort()
    i = 0
    while i < len(pieces):
        # a cluster of pieces whose centre lines chain within the tolerance
        j = i + 1
        while j < len(pieces) and pieces[j][0] - pieces[j - 1][0] <= RULE_ALIGN_TOLERANCE:
            j += 1
        cluster = sorted(pieces[i:j], key=lambda p: (p[1], p[2]))
        i = j
        run = None
        for _, a0, a1, c0, c1 in cluster:
            if run is not None and a0 <= run[1] + RULE_JOIN_GAP:
                run = [run[0], max(run[1], a1), min(run[2], c0), max(run[3], c1)]
                continue
            if run is not None:
                out.append(_rule_box(run, horizontal))
            run = [a0, a1, c0, c1]
        if run is not None:
            out.append(_rule_box(run, horizontal))
    return [b for b in out if max(b.width, b.height) >= RULE_MIN_LENGTH
            and min(b.width, b.height) <= RULE_MAX_THICKNESS + RULE_ALIGN_TOLERANCE]


def _rule_box(run: list[float], horizontal: bool) -> BBox:
    a0, a1, c0, c1 = run
    return BBox(a0, c0, a1, c1) if horizontal else BBox(c0, a0, c1, a1)


def _clip(b: BBox, width: float, height: float) -> BBox | None:
    x0, y0 = max(0.0, b.x0), max(0.0, b.y0)
    x1, y1 = min(width, b.x1), min(height, b.y1)
    if x1 < x0 or y1 < y0:
        return None
    return BBox(round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2))


def _content_bytes(page: pymupdf.Page) -> int:
    doc = page.parent
    try:
        return sum(len(doc.xref_stream_raw(x) or b"") for x in page.get_contents())
    except Exception:
        return 0


def page_graphics(page: pymupdf.Page, text_boxes: list[BBox] | list[tuple[float, float, float, float]] | None = None
                  ) -> list[Graphic]:
    """The rules, boxes and images that structure a page, in page coordinates (see the
    module docstring), sorted by kind, then top, then left.  ``text_boxes``: the boxes of
    the page's text lines when the caller has extracted them already, as BBoxes or as
    (x0, y0, x1, y1) tuples (else they are extracted here, when a filled rectangle needs them).

    - RULE: a drawn line segment, or a filled or stroked rectangle, at most
      RULE_MAX_THICKNESS thick and (its touching collinear pieces merged) at least
      RULE_MIN_LENGTH long;
    - BOX: a stroked rectangle (or closed rectangular path, rounded corners included) with
      both sides ≥ BOX_MIN_SIDE, or a large filled rectangle with text on it (a tinted panel);
    - IMAGE: an image with both sides ≥ IMAGE_MIN_SIDE, or a large filled rectangle without
      text on it (a photo placeholder, a colour block).

    White fills and strokes and page-sized frames, fills and images are left out.  Tiny
    drawings are skipped; at most MAX_DRAWINGS drawings are examined, and none on a page
    whose content streams exceed MAX_VECTOR_CONTENT_BYTES.  (This runs the page's content
    once, for its drawings and images: ``run_page(page, text=False)``; the reader takes them
    together with the text from :func:`run_page`.)"""
    run = run_page(page, text=False)
    return graphics_of(page, run.drawings, run.images, text_boxes)


def graphics_of(page: pymupdf.Page, drawings: _Collector | None, images: list[tuple[float, float, float, float]],
                text_boxes: list[BBox] | list[tuple[float, float, float, float]] | None = None) -> list[Graphic]:
    """:func:`page_graphics` from what a run of the page's content collected: its drawings
    (None: not looked at) and the boxes of the images it drew."""
    width, height = page_size(page)
    col = drawings if drawings is not None else _Collector(width, height)
    found: list[tuple[GraphicKind, BBox]] = []
    found += [(GraphicKind.RULE, b) for b in _merge_pieces(col.h_pieces, True)]
    found += [(GraphicKind.RULE, b) for b in _merge_pieces(col.v_pieces, False)]
    found += [(GraphicKind.BOX, b) for b in col.boxes]
    if col.fills:
        if text_boxes is None:
            text_boxes = _text_line_boxes(page)
        for f, tinted in zip(col.fills, _with_text(col.fills, text_boxes)):
            found.append((GraphicKind.BOX if tinted else GraphicKind.IMAGE, f))
    for b in _boxes(images):
        if min(b.width, b.height) >= IMAGE_MIN_SIDE and not col.page_sized(b.width, b.height):
            found.append((GraphicKind.IMAGE, b))
    out: set[Graphic] = set()
    for kind, b in found:
        c = _clip(b, width, height)
        if c is not None and max(c.width, c.height) > 0:
            out.add(Graphic(kind, c))
    return sorted(out, key=lambda g: (_KIND_ORDER[g.kind], g.bbox.y0, g.bbox.x0, g.bbox.y1, g.bbox.x1))


@dataclass(slots=True)
class PageRun:
    """What one interpretation of a page's content gives: the text trace (as
    ``page.get_texttrace()`` returns it), the drawings (None when the page's content is too
    large to look at them, see MAX_VECTOR_CONTENT_BYTES) and the boxes of the drawn images."""
    trace: list[dict]
    drawings: _Collector | None
    images: list[tuple[float, float, float, float]]


def run_page(page: pymupdf.Page, text: bool = True) -> PageRun:
    """What ``page.get_texttrace()``, ``page.get_cdrawings()`` and an image pass give, for
    one interpretation of the page's content instead of three: the content is interpreted
    once into a MuPDF display list, which is replayed to the text trace device and to
    :class:`_GraphicsDevice` (the interpretation, not the devices, is most of each one's
    cost: get_cdrawings after get_texttrace is 8 M instructions a synth page, replaying the
    list to _GraphicsDevice under 1 M).

    Pages whose content is larger than SINGLE_RUN_MAX_CONTENT_BYTES, and pages drawing
    more than DEVICE_MAX_PATHS paths, take PyMuPDF's own devices for the drawings (its C++
    line-art device on a second run), which are cheaper there.  An error in the content
    stream raises, as get_texttrace does; one while collecting graphics keeps what was
    collected before it.  ``text`` False: the graphics only (an empty trace), from one run of
    the page's content through _GraphicsDevice, no display list."""
    width, height = page_size(page)
    size = _content_bytes(page)
    trace: list[dict] = []
    if size > SINGLE_RUN_MAX_CONTENT_BYTES:
        trace = page.get_texttrace() if text else []
        images = _drawn_image_boxes(page) if _may_draw_images(page) else []
        return PageRun(trace, _cdrawings(page, width, height, size), images)
    dev = _GraphicsDevice(_Collector(width, height) if size <= MAX_VECTOR_CONTENT_BYTES else None)
    images = dev

    def graphics(source) -> None:         # a page or a display list
        nonlocal images
        _run(source, dev)
        if dev.too_many:                  # the images again, without the paths
            images = _GraphicsDevice(None)
            _run(source, images)

    def replay(dl) -> None:
        tdev = _extra.JM_new_texttrace_device(trace)
        tdev.ptm = _mupdf.FzMatrix(1, 0, 0, -1, 0, _mupdf.fz_bound_page(page.this).y1)   # as get_texttrace
        _mupdf.fz_run_display_list(dl, tdev, _mupdf.FzMatrix(), _mupdf.FzRect(_mupdf.FzRect.Fixed_INFINITE),
                                   _mupdf.FzCookie())
        _mupdf.fz_close_device(tdev)
        graphics(dl)

    _run_derotated(page, replay if text else graphics, display_list=text)
    drawings = _cdrawings(page, width, height, size) if dev.too_many else dev.drawings
    return PageRun(trace, drawings, images.images)


def _cdrawings(page: pymupdf.Page, width: float, height: float, size: int) -> _Collector | None:
    """The page's drawings through ``page.get_cdrawings()`` (None when its content is larger
    than MAX_VECTOR_CONTENT_BYTES)."""
    if size > MAX_VECTOR_CONTENT_BYTES:
        return None
    col = _Collector(width, height)
    try:
        page.get_cdrawings(callback=col)
    except Exception:
        pass  # a broken content stream: keep what was collected before it
    return col


def _run_derotated(page: pymupdf.Page, work, display_list: bool) -> None:
    """Call ``work`` with the page (or a display list of it) in the unrotated frame:
    PyMuPDF's own extractions set a rotated page's rotation to 0 (in memory) while they run."""
    rotation = page.rotation
    if rotation:
        page.set_rotation(0)
    try:
        work(_mupdf.fz_new_display_list_from_page(page.this) if display_list else page.this)
    finally:
        if rotation:
            page.set_rotation(rotation)


def _run(what, dev: "_GraphicsDevice") -> None:
    """Run a page or a display list through ``dev`` (identity matrix, nothing clipped; the
    device's cookie can stop it).  An error keeps what the device collected before it."""
    try:
        if isinstance(what, _mupdf.FzDisplayList):
            _mupdf.fz_run_display_list(what, dev, _mupdf.FzMatrix(), _mupdf.FzRect(_mupdf.FzRect.Fixed_INFINITE),
                                       dev.cookie)
        else:
            _mupdf.fz_run_page(what, dev, _mupdf.FzMatrix(), dev.cookie)
        _mupdf.fz_close_device(dev)
    except Exception:
        pass


def _boxes(images: list[tuple[float, float, float, float]]) -> list[BBox]:
    return [BBox(x0, y0, x1, y1) for x0, y0, x1, y1 in images if x1 > x0 and y1 > y0]


def _with_text(fills: list[BBox], text_boxes: list[BBox] | list[tuple[float, float, float, float]]) -> list[bool]:
    """Per fill: does it hold a text line (the line inside it, 1 pt of slack, or the line's
    centre on it)?  All lines at once per fill, as BBox.contains and BBox.cx/cy compute it."""
    if not text_boxes:
        return [False] * len(fills)
    if isinstance(text_boxes[0], BBox):
        text_boxes = [(b.x0, b.y0, b.x1, b.y1) for b in text_boxes]
    t = np.array(text_boxes, dtype=float).reshape(-1, 4)
    x0, y0, x1, y1 = t[:, 0], t[:, 1], t[:, 2], t[:, 3]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    slack = 1.0
    return [bool(np.any(((f.x0 - slack <= x0) & (f.y0 - slack <= y0) & (x1 <= f.x1 + slack) & (y1 <= f.y1 + slack))
                        | ((f.x0 <= cx) & (cx <= f.x1) & (f.y0 <= cy) & (cy <= f.y1))))
            for f in fills]


def _text_line_boxes(page: pymupdf.Page) -> list[BBox]:
    """Boxes of the page's non-blank text lines (the PDF reader passes the same from its
    rawdict): a block of PyMuPDF's can span a photo beside its column, a line cannot."""
    try:
        blocks = page.get_text("dict")["blocks"]
    except Exception:
        return []
    return [BBox(*ln["bbox"]) for b in blocks if b.get("type", 0) == 0 for ln in b["lines"]
            if any(sp["text"].strip() for sp in ln["spans"])]


#: resource kinds through which a page can draw an image other than an inline one: image
#: and form XObjects, patterns, shadings, graphics states (soft masks are forms)
_IMAGE_RESOURCES = ("/XObject", "/Pattern", "/Shading", "/ExtGState")
#: the inline-image operator (BI … ID … EI); a match inside a text string or a name only
#: costs the image pass
_INLINE_IMAGE_RE = re.compile(rb"BI\s")


def _may_draw_images(page: pymupdf.Page) -> bool:
    """False only when the page certainly draws no image: no annotations, its own resources
    (not inherited) hold none of _IMAGE_RESOURCES and no Type 3 font, and its content has no
    inline image.  Then the image pass (a run of the page's content through _GraphicsDevice
    without paths, about a fifth of the time of get_text("rawdict")) is skipped; anything else
    runs it.  (The reader's one run of the content collects images anyway: this serves
    :func:`image_share` and pages too large for one run, see SINGLE_RUN_MAX_CONTENT_BYTES.)"""
    doc = page.parent
    if not doc.is_pdf:
        return True
    try:
        if doc.xref_get_key(page.xref, "Annots")[0] != "null":
            return True
        kind, value = doc.xref_get_key(page.xref, "Resources")
        if kind == "xref":
            res = doc.xref_object(int(value.split()[0]), compressed=True)
        elif kind == "dict":
            res = value
        else:
            return True                 # inherited or missing: not looked into
        if any(k in res for k in _IMAGE_RESOURCES):
            return True
        if "/Font" in res and any(f[2] == "Type3" for f in page.get_fonts()):
            return True
        return bool(_INLINE_IMAGE_RE.search(page.read_contents()))
    except Exception:
        return True


def _f32(v: float) -> float:
    """``v`` rounded to single precision, as MuPDF's C code stores it."""
    return struct.unpack("f", struct.pack("f", v))[0]


class _PathWalker(_mupdf.FzPathWalker2):
    """A path's items as ``page.get_cdrawings()`` reports them (PyMuPDF's line-art device,
    rebuilt on MuPDF's path walker): ("l", p, q) lines, ("c", p, c1, c2, q) curves, a closed
    run of three lines along the axes as one ("re", rect, orientation), a closed run of four
    stroked lines as one ("qu", (ul, ur, ll, lr)); points in page coordinates (single
    precision, as MuPDF computes them); ``rect`` the box of the points (the first move and
    the ends of lines and curves, as the device counts them)."""

    def __init__(self):
        super().__init__()
        self.use_virtual_moveto()
        self.use_virtual_lineto()
        self.use_virtual_curveto()
        self.use_virtual_closepath()

    def walk(self, path, ctm, stroked: bool) -> None:
        self.ctm, self.stroked = ctm, stroked
        self.items: list[tuple] = []
        self.rect: list[float] | None = None       # None: MuPDF's infinite rectangle (no move yet)
        self.last = self.first = (0.0, 0.0)
        self.havemove = False
        self.lines = 0                             # consecutive lines
        self.close_path: bool | None = None
        _mupdf.fz_walk_path(_mupdf.FzPath(_mupdf.ll_fz_keep_path(path)), self, self.m_internal)

    def _point(self, x: float, y: float) -> tuple[float, float]:
        p = _mupdf.ll_fz_transform_point_xy(x, y, self.ctm)
        return (p.x, p.y)

    def _include(self, p: tuple[float, float]) -> None:
        r = self.rect
        if r is not None:
            if p[0] < r[0]:
                r[0] = p[0]
            if p[0] > r[2]:
                r[2] = p[0]
            if p[1] < r[1]:
                r[1] = p[1]
            if p[1] > r[3]:
                r[3] = p[1]

    def moveto(self, ctx, x, y):
        p = self._point(x, y)
        if self.rect is None:
            self.rect = [p[0], p[1], p[0], p[1]]
        self.last = self.first = p
        self.havemove = True
        self.lines = 0

    def lineto(self, ctx, x, y):
        p = self._point(x, y)
        self._include(p)
        self.items.append(("l", self.last, p))
        self.last = p
        self.lines += 1
        if self.lines == 4 and self.stroked:
            self._quad()

    def curveto(self, ctx, x1, y1, x2, y2, x3, y3):
        self.lines = 0
        p1, p2, p3 = self._point(x1, y1), self._point(x2, y2), self._point(x3, y3)
        for p in (p1, p2, p3):
            self._include(p)
        self.items.append(("c", self.last, p1, p2, p3))
        self.last = p3

    def closepath(self, ctx):
        if self.lines == 3 and self._rect():
            return
        self.lines = 0
        if self.havemove:
            if self.first != self.last:
                self.items.append(("l", self.last, self.first))
                self.last = self.first
            self.havemove = False
            self.close_path = False
        else:
            self.close_path = True

    def _quad(self) -> None:
        """The last four lines, when they close, as one "qu" item."""
        items = self.items
        starts = [it[1] for it in items[-4:]]
        if items[-1][2] != starts[0]:
            return
        self.lines = 0
        ul, ll, lr, ur = starts
        items[-4:] = [("qu", (ul, ur, ll, lr))]

    def _rect(self) -> bool:
        """The last three lines, when they run along the axes, as one "re" item."""
        self.lines = 0
        items = self.items
        (ll, lr), (ur, ul) = items[-3][1:], items[-1][1:]
        if ll[1] != lr[1] or ll[0] != ul[0] or ur[1] != ul[1] or ur[0] != lr[0]:
            return False
        if ul[1] < lr[1]:
            items[-3:] = [("re", (ul[0], ul[1], lr[0], lr[1]), 1)]
        else:
            items[-3:] = [("re", (ll[0], ll[1], ur[0], ur[1]), -1)]
        return True


#: MuPDF's infinite rectangle, the box of a path drawn without a first move
_INFINITE_BOX = (-2147483648.0, -2147483648.0, 2147483520.0, 2147483520.0)


class _GraphicsDevice(_mupdf.FzDevice2):
    """A MuPDF device that collects a page's drawings (into a :class:`_Collector`, path by
    path as ``page.get_cdrawings(callback=...)`` reports them, fill and stroke apart) and
    the boxes of its images (images and image masks, what ``page.get_image_info()`` reports:
    the unit square under the image's matrix).  Text it ignores.

    PyMuPDF's own line-art device cannot replay a display list, and running the page again
    for it costs a second interpretation of the content.  Paths whose points all lie within
    MIN_PIECE_LENGTH both ways (MuPDF's box of the path's points, a superset of the device's)
    are only counted: the collector would drop them unseen.  ``drawings`` None: paths are
    not looked at.  An exception must not escape a callback: it would unwind through MuPDF."""

    def __init__(self, drawings: _Collector | None):
        super().__init__()
        self.use_virtual_fill_image()
        self.use_virtual_fill_image_mask()
        if drawings is not None:
            self.use_virtual_fill_path()
            self.use_virtual_stroke_path()
            self.walker = _PathWalker()
        self.drawings = drawings
        self.images: list[tuple[float, float, float, float]] = []
        self.cookie = _mupdf.FzCookie()
        self.paths = 0
        self.too_many = False         # stopped at DEVICE_MAX_PATHS paths: drawings and images partial
        self._rgb = _mupdf.FzColorspace(_mupdf.FzColorspace.Fixed_RGB)
        self._params = _mupdf.FzColorParams()

    def _color(self, colorspace, color) -> tuple:
        if not colorspace:
            return ()
        return tuple(_mupdf.ll_fz_convert_color(colorspace, color, self._rgb.m_internal, None,
                                                self._params.internal())[:3])

    def _path(self, path, ctm, stroke) -> dict | None:
        self.paths += 1
        if self.paths > DEVICE_MAX_PATHS:
            if not self.too_many:
                self.too_many = True
                self.drawings = None
                self.cookie.set_abort()
            return None
        r = _mupdf.ll_fz_bound_path(path, None, ctm)
        if r.x1 - r.x0 < MIN_PIECE_LENGTH and r.y1 - r.y0 < MIN_PIECE_LENGTH:
            self.drawings.seen += 1
            return None
        w = self.walker
        w.walk(path, ctm, stroke)
        if not w.items:
            return None
        d = {"items": w.items, "rect": tuple(w.rect) if w.rect is not None else _INFINITE_BOX}
        if w.close_path is not None:
            d["closePath"] = w.close_path
        return d

    def fill_path(self, ctx, path, even_odd, ctm, colorspace, color, alpha, color_params):
        try:
            d = self._path(path, ctm, False)
            if d is not None:
                d.update(type="f", fill_opacity=alpha, fill=self._color(colorspace, color))
                self.drawings.visit(d)
        except Exception:
            pass

    def stroke_path(self, ctx, path, stroke, ctm, colorspace, color, alpha, color_params):
        try:
            d = self._path(path, ctm, True)
            if d is not None:
                # the line width in page units, as PyMuPDF scales it: by the matrix's
                # expansion (the square root of its determinant)
                d.update(type="s", stroke_opacity=alpha, color=self._color(colorspace, color),
                         width=_f32(_mupdf.ll_fz_matrix_expansion(ctm) * stroke.linewidth))
                d.setdefault("closePath", False)
                self.drawings.visit(d)
        except Exception:
            pass

    def _image(self, ctm) -> None:
        r = _mupdf.fz_transform_rect(_mupdf.FzRect(0, 0, 1, 1), _mupdf.FzMatrix(ctm))
        self.images.append((r.x0, r.y0, r.x1, r.y1))

    def fill_image(self, ctx, image, ctm, alpha, color_params):
        try:
            self._image(ctm)
        except Exception:
            pass

    def fill_image_mask(self, ctx, image, ctm, colorspace, color, alpha, color_params):
        try:
            self._image(ctm)
        except Exception:
            pass


def _drawn_image_boxes(page: pymupdf.Page) -> list[tuple[float, float, float, float]]:
    """Boxes of the images the page draws, in drawing order (what ``page.get_image_info()``
    gives as "bbox"); a content stream that breaks off keeps the images drawn before."""
    dev = _GraphicsDevice(None)
    _run_derotated(page, lambda pg: _run(pg, dev), display_list=False)
    return dev.images


def _image_boxes(page: pymupdf.Page) -> list[BBox]:
    try:
        if not _may_draw_images(page):
            return []
        return _boxes(_drawn_image_boxes(page))
    except Exception:
        return []


# ----------------------------------------------------------------------------- text layer

#: a page whose text has fewer non-space characters than this is not judged for garbling
#: (a folio, a page number in a logo font): too little to tell
MIN_JUDGED_CHARS = 20
#: share of non-space characters that are U+FFFD, private-use, unassigned or control codes
#: above which the text layer is garbled.  Real pages have none but the odd symbol-font
#: bullet mapped to private use (< 1 %); a font without a Unicode map yields U+FFFD for every
#: glyph, or its raw glyph ids, whose first 32 are control codes (and 128-159 too), the rest
#: scattered over the code space with its unassigned holes.  Simulated on the seed pages:
#: glyph ids in order of first use 18-39 %, original font glyph ids 11-14 %, one-byte codes
#: of several Type 3 fonts 13-32 %
MAX_BAD_SHARE = 0.08
#: letters needed before the script mix is judged
MIN_JUDGED_LETTERS = 20
#: share of the letters the two most frequent scripts must cover.  A newspaper is written in
#: one script plus Latin (Han/kana/hangul count as one); the seed pages and Russian and
#: Japanese news score 1.0.  Raw glyph ids read as code points land in 40 scripts (Arabic,
#: Canadian syllabics, Tamil, Greek …): 0.42-0.50 on the seed pages
MIN_TWO_SCRIPT_SHARE = 0.85
#: share of non-space characters that are ASCII punctuation or symbols (a leader "....."
#: counts once) above which the text is raw one-byte glyph codes read as ASCII (a Type 3 or
#: custom-encoded font whose glyph names mean nothing: the most frequent glyphs get codes
#: 33-47, !"#$%&'()*+,-./).  Raw-coded English: 0.69; English news 0.08, a Chinese stock
#: table 0.18, an English one 0.32
MAX_ASCII_SYMBOL_SHARE = 0.5
#: a whitespace-free run of ASCII characters at least this long is not a word (Chinese
#: newspaper columns are 10-14 characters wide, so a raw-coded line is one run this long) ...
LONG_RUN_CHARS = 10
#: ... unless it holds few digits and symbols: raw codes 33-64 (!"#…0-9…@) go to the most
#: frequent glyphs, so a raw run is 30-100 % of them; long words and words run together
#: without their spaces ("TheStateCouncilsaid,") have under 5 %.  Numbers, URLs and e-mail
#: addresses are not counted at all
RAW_RUN_MIN_NONLETTERS = 0.1
#: when this share of the non-space characters sits in such runs, the text is raw one-byte
#: glyph codes read as ASCII (a Chinese page set in a Type 3 font whose glyph names mean
#: nothing).  Simulated on the seed pages: 0.57-0.86; real text (seeds, English news, a
#: stock table): at most 0.08
MAX_LONG_RUN_SHARE = 0.3
#: a page with fewer non-space characters than this, whose images cover at least
#: SCAN_MIN_IMAGE_SHARE of it, is a scan: the text is a stamp or a running head an archive
#: added, not the page's text
SCAN_MAX_TEXT_CHARS = 40
#: see SCAN_MAX_TEXT_CHARS: a scanned page is one image covering (almost) the whole page
SCAN_MIN_IMAGE_SHARE = 0.6

#: the first word of a letter's Unicode name → its script group (CJK scripts are one group:
#: a Chinese or Japanese page mixes them freely)
_SCRIPT_ALIASES = {"CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "BOPOMOFO": "CJK",
                   "IDEOGRAPHIC": "CJK", "HALFWIDTH": "CJK", "KANGXI": "CJK", "FULLWIDTH": "LATIN",
                   "MODIFIER": "LATIN", "SMALL": "LATIN"}


@lru_cache(maxsize=65536)
def _char_class(c: str) -> tuple[bool, str | None]:
    """(bad, script): bad for U+FFFD, private-use, unassigned, surrogate and control
    characters (tab and newlines aside); script group for letters, else None."""
    if c == "\ufffd":
        return True, None
    cat = unicodedata.category(c)
    if cat in ("Co", "Cn", "Cs") or (cat == "Cc" and c not in "\t\n\r\f\v"):
        return True, None
    if cat[0] != "L":
        return False, None
    try:
        word = unicodedata.name(c).split(" ", 1)[0]
    except ValueError:
        return False, None
    return False, _SCRIPT_ALIASES.get(word, word)


#: a code point's class in _CLASS_TABLE: not classified yet, bad, neither bad nor a letter;
#: a letter of script group _SCRIPT_GROUPS[k] is _FIRST_SCRIPT + k
_UNSEEN, _BAD, _OTHER, _FIRST_SCRIPT = 0, 1, 2, 3
#: _char_class of every code point seen so far, as its class number (filled as characters
#: turn up: classifying all of Unicode would take half a second)
_CLASS_TABLE = np.zeros(0x110000, dtype=np.int16)
_SCRIPT_GROUPS: list[str] = []
_SCRIPT_IDS: dict[str, int] = {}


def _class_counts(chars: str) -> np.ndarray:
    """How many of ``chars`` are in each class of _CLASS_TABLE (indexed by class number):
    what classifying each character with _char_class and counting gives, without a Python
    step per character."""
    codes = np.frombuffer(chars.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _CLASS_TABLE[codes]
    unseen = classes == _UNSEEN
    if unseen.any():
        for o in np.unique(codes[unseen]).tolist():
            is_bad, script = _char_class(chr(o))
            if is_bad:
                _CLASS_TABLE[o] = _BAD
            elif script is None:
                _CLASS_TABLE[o] = _OTHER
            else:
                if script not in _SCRIPT_IDS:
                    _SCRIPT_IDS[script] = _FIRST_SCRIPT + len(_SCRIPT_GROUPS)
                    _SCRIPT_GROUPS.append(script)
                _CLASS_TABLE[o] = _SCRIPT_IDS[script]
        classes = _CLASS_TABLE[codes]
    return np.bincount(classes, minlength=_FIRST_SCRIPT)


#: control characters Python counts as whitespace (raw glyph ids 28-31 and 133)
_CONTROL_SPACES = frozenset("\x1c\x1d\x1e\x1f\x85")
#: whitespace other than those control characters: not judged (re's \s is str.isspace)
_JUDGED_SPACE_RE = re.compile("[^\\S" + "".join(sorted(_CONTROL_SPACES)) + "]+")
#: a run of one ASCII punctuation or symbol character (not a letter, digit or space)
_SYMBOL_RUN_RE = re.compile(r"([!-/:-@\[-`{-~])\1*")
#: how pdfminer (pdfplumber) writes a glyph it cannot map to Unicode: one bad character each
_CID_RE = re.compile(r"\(cid:\d+\)")
#: URLs and e-mail addresses: long runs without spaces that are real text
_URL_RE = re.compile(r"://|www\.|[\w.+-]+@[\w-]+\.[A-Za-z]{2,}", re.I)
#: a number, price, date or time: a long run that is real text
_NUMBER_RE = re.compile(r"[-+(]?[\d.,:/%$¥€()+\-]+")


def _ascii_like(word: str) -> bool:
    """ASCII, or typographic punctuation (’ “ — …) an extractor may substitute for it."""
    return all(c < "\x7f" or "\u2000" <= c <= "\u206f" for c in word)


def _raw_code_run(word: str) -> bool:
    """A whitespace-free run that is no word: long, ASCII, not a URL or e-mail address, not a
    leader, and with digits and symbols mixed into it (Latin text whose word spaces an
    extractor lost is all letters: not counted)."""
    return (len(word) >= LONG_RUN_CHARS and _ascii_like(word) and len(set(word)) > 2
            and sum(1 for c in word if not c.isalpha()) >= RAW_RUN_MIN_NONLETTERS * len(word)
            and not _NUMBER_RE.fullmatch(word) and not _URL_RE.search(word))


def _without_spaces(text: str) -> str:
    """``_JUDGED_SPACE_RE.sub("", text)``: the text without its white space, but for the
    control codes str.isspace counts as space (str.split and join when there are none: a
    regular expression match per word space costs ten times as much on a page of lines)."""
    if any(c in text for c in _CONTROL_SPACES):
        return _JUDGED_SPACE_RE.sub("", text)
    return "".join(text.split())


def garbled_reason(text: str) -> str | None:
    """Why ``text`` (a page's extracted text) is not real text, or None.  Pure."""
    text, cids = _CID_RE.subn("", text) if "(cid:" in text else (text, 0)
    chars = _without_spaces(text)
    n = len(chars) + cids
    if n < MIN_JUDGED_CHARS:
        return None
    counts = _class_counts(chars).tolist()
    bad = cids + counts[_BAD]
    scripts = {_SCRIPT_GROUPS[k]: m for k, m in enumerate(counts[_FIRST_SCRIPT:]) if m}
    symbols = len(_SYMBOL_RUN_RE.findall(chars))  # a leader "……" / "----" counts once
    if bad > MAX_BAD_SHARE * n:
        return (f"garbled text layer (a font without a Unicode map?): {100 * bad / n:.0f}% of the "
                "characters are unmapped glyphs (U+FFFD, (cid:N), private-use or control codes)")
    letters = sum(scripts.values())
    if letters >= MIN_JUDGED_LETTERS:
        top2 = sum(sorted(scripts.values(), reverse=True)[:2])
        if top2 < MIN_TWO_SCRIPT_SHARE * letters:
            return (f"garbled text layer (a font without a Unicode map?): its letters are spread over "
                    f"{len(scripts)} unrelated scripts")
    long_run = sum(len(w) for w in text.split() if _raw_code_run(w))
    if long_run > MAX_LONG_RUN_SHARE * n:
        return (f"garbled text layer (a font without a Unicode map?): {100 * long_run / n:.0f}% of the "
                f"characters are in runs of {LONG_RUN_CHARS} or more ASCII characters without a space, "
                "raw glyph codes")
    if symbols > MAX_ASCII_SYMBOL_SHARE * n:
        return (f"garbled text layer (a font without a Unicode map?): {100 * symbols / n:.0f}% of the "
                "characters are ASCII symbols, raw glyph codes")
    return None


def image_share(page: pymupdf.Page) -> float:
    """Share of the page area covered by images (their areas summed, capped at 1)."""
    width, height = page_size(page)
    if width <= 0 or height <= 0:
        return 0.0
    area = 0.0
    for b in _image_boxes(page):
        c = _clip(b, width, height)
        if c is not None:
            area += c.width * c.height
    return min(1.0, area / (width * height))


def text_layer_problem(page: pymupdf.Page, text: str) -> str | None:
    """None when the page's extracted ``text`` (from any extractor) can be used; otherwise a
    short reason: no text layer (an image-only or scanned page, or no text at all), a page
    whose content a damaged file lost, or a garbled text layer (fonts without a Unicode map;
    pdfminer's ``(cid:N)`` included).  See the thresholds above."""
    nonspace = sum(map(len, text.split()))          # the characters str.isspace is false for
    if nonspace == 0 and page.parent.is_repaired:
        return "no text: the file is damaged or truncated, this page's content is probably lost"
    if nonspace < SCAN_MAX_TEXT_CHARS:
        share = image_share(page)
        if nonspace == 0 and share > 0:
            return "no text layer (image-only page: it takes the scanned-page path)"
        if share >= SCAN_MIN_IMAGE_SHARE:
            return (f"no text layer (a page-sized image with only {nonspace} characters of text: "
                    "a scanned page: it takes the scanned-page path)")
        if nonspace == 0:
            return "no text on the page (blank, or drawings only)"
    return garbled_reason(text)
