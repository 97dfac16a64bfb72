"""Born-digital PDF reader: characters with positions and fonts → :class:`Line` objects.

Characters come from the text trace (what ``page.get_texttrace()`` gives: tuples, no Python
dict per character, so the read costs less than a bare ``get_text("rawdict")``), taken with
the page's drawings and images from one interpretation of its content
(:func:`pdfdoc.run_page`), or from the rawdict on pages the trace cannot serve alike
(rotated text, vertical writing mode, ligatures MuPDF expands).

Lines are rebuilt from characters by geometry (baseline, size, horizontal gaps), never from
the PDF's drawing order or from PyMuPDF's block structure (which depends on how the PDF
was written: one block per line, or per column).  The drawn lines (MuPDF's line grouping,
reproduced on the trace by MuPDF's rule) are used only as a hint: two pieces on one baseline
are one line when they are close, and characters of one drawn line are split where a gap is
as wide as a column gutter.

Upright characters stacked top-down in one narrow column (竖排 headlines and kickers)
become one vertical line.  Rotated text (PyMuPDF line direction not left-to-right) is kept
as one line in its own character order.
"""

from __future__ import annotations

import gc
import re
from itertools import chain
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter, itemgetter
from pathlib import Path

import numpy as np

from .. import lexicon
from ..containers import BBox, GraphicKind, Line, Page, _bbox
from ..errors import InputError
from ..settings import Settings
from ..textutil import is_cjk
from .pdfdoc import graphics_of, open_pdf, page_size, run_page, text_layer_problem

__all__ = ["read_pdf"]

#: two characters on one baseline further apart than this (in ems of the smaller size) are in
#: different lines when PyMuPDF also put them in different lines: body gutters are 1–2 em,
#: letter-spacing of justified CJK lines stays under ~0.5 em
SPLIT_GAP_EM = 0.8
#: …and are split whatever PyMuPDF says when further apart than this (a line PyMuPDF merged
#: across a gutter or a table gap)
HARD_SPLIT_GAP_EM = 2.5
#: baselines closer than this (ems) are one baseline (Latin and CJK fonts differ slightly)
BASELINE_TOLERANCE_EM = 0.2
#: sizes differing by more than this ratio are never one line (a headline next to body text)
SAME_SIZE_RATIO = 1.15
#: a gap wider than this (ems) between two non-CJK characters is a word space
WORD_SPACE_EM = 0.2
#: a gap between two characters wider than the line's usual gap by this many ems is a
#: deliberate space (names in a byline "张伟 孙立": a space is 0.25–0.5 em), whatever the
#: script; justified lines spread all their characters alike, so the usual gap absorbs it
CJK_SPACE_EM = 0.2
#: upright characters stacked in one column make a vertical line when at least this many,
#: each no further below the previous than VERTICAL_PITCH_EM of their size (vertical
#: headlines set solid or with a little tracking; body leading is 1.2–1.8 em but body
#: characters follow each other across at 1 em, so the smaller pitch decides)
VERTICAL_MIN_CHARS = 3
VERTICAL_PITCH_EM = 1.6
#: characters of one vertical column share their centre within this many ems (narrow
#: glyphs such as quotes and digits sit off the axis; columns stand >= 1.1 em apart)
VERTICAL_AXIS_EM = 0.45
#: a vertical headline is set in at most this many columns side by side
VERTICAL_MAX_COLUMNS = 4
#: top and bottom of a glyph box relative to the baseline, in ems (fonts' own ascender and
#: descender values vary widely; a fixed em box keeps line geometry comparable)
ASCENT_EM = 0.88
DESCENT_EM = 0.12

_BOLD_NAME_RE = re.compile(r"bold|black|heavy|semibold|demi|[-_]?hei\b|W[6-9]\b", re.I)
_SUBSET_RE = re.compile(r"^[A-Z]{6}\+")
#: a character str.strip() would remove (re's \s is str.isspace)
_SPACE_RE = re.compile(r"\s")
_C, _BBOX, _ORIGIN = itemgetter("c"), itemgetter("bbox"), itemgetter("origin")
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)
_CX, _Y0, _Y1 = attrgetter("cx"), attrgetter("y0"), attrgetter("y1")


@lru_cache(maxsize=1024)
def _font_info(name: str) -> tuple[str, bool]:
    """A span's font name without its subset prefix, and whether the name says bold."""
    font = _SUBSET_RE.sub("", name)
    return font, bool(_BOLD_NAME_RE.search(font))


@dataclass(slots=True)
class _Chars:
    """The upright, non-blank characters of one page as parallel arrays (one entry per
    character, in PyMuPDF's order): no Python object per character."""
    c: list[str]
    x0: np.ndarray
    x1: np.ndarray        # at least x0 + 0.01
    base: np.ndarray      # baseline y
    size: np.ndarray
    bold: np.ndarray      # bool
    pline: np.ndarray     # drawn-line index (PyMuPDF's line, or the trace's by MuPDF's rule): a hint only
    font: list[str]       # per span
    span: np.ndarray      # index into font


@dataclass(slots=True)
class _Extraction:
    """What the reader takes from one page's rawdict."""
    chars: _Chars
    rotated: list[Line]
    text_boxes: list[tuple[float, float, float, float]]   # boxes of the non-blank lines, for page_graphics


def read_pdf(path: Path, first_number: int, settings: Settings) -> tuple[list[Page], list[str]]:
    """All pages of one PDF as :class:`Page` objects numbered from ``first_number``, and
    one-line problems of pages that could not be used (those pages are skipped)."""
    doc = open_pdf(path, settings.max_pdf_bytes)
    pages: list[Page] = []
    problems: list[str] = []
    try:
        for i in range(doc.page_count):
            try:
                fp = doc.load_page(i)
                page = _read_page(fp, path, first_number + len(pages), i + 1)
            except InputError as e:
                problems.append(f"{path.name} page {i + 1}: {e}")
                continue
            except Exception as e:  # MuPDF raises plain RuntimeErrors on damaged pages
                problems.append(f"{path.name} page {i + 1}: cannot be read ({e})")
                continue
            pages.append(page)
    finally:
        doc.close()
    return pages, problems


def _read_page(fp, path: Path, number: int, index: int) -> Page:
    import pymupdf
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    # the rawdict is a tree of ~4 containers per character, acyclic and freed as soon as
    # _extract is done: the cyclic garbage collector would only walk it (and promote it
    # to the old generation, whose full collections then walk the whole heap)
    gc_on = gc.isenabled()
    gc.disable()
    try:
        width, height = page_size(fp)
        run = run_page(fp)          # text trace, drawings and images from one interpretation
        ex = _extract_trace(run.trace, number, width, height)
        run.trace = []
        if ex is None:
            ex = _extract(fp.get_text("rawdict", flags=flags), number)
    finally:
        if gc_on:
            gc.enable()
    # line boxes (a block of PyMuPDF's can span a photo beside its column): no second extraction
    graphics = graphics_of(fp, run.drawings, run.images, ex.text_boxes)
    walls = [g.bbox for g in graphics if g.kind is GraphicKind.RULE and not g.horizontal]
    lines = _lines(ex.chars, number, walls) + ex.rotated
    # judged on the lines, with the word spaces the gaps give: PDFs set by TeX and many
    # others draw no space glyphs, and the characters run together read as raw glyph codes
    problem = text_layer_problem(fp, "\n".join(ln.text for ln in lines))
    if problem:
        raise InputError(problem)
    page = Page(number=number, path=str(path), name=path.name, kind="pdf", lines=lines,
                width=float(width), height=float(height),
                graphics=graphics, source_page=index)
    return page


def _extract(raw: dict, number: int) -> _Extraction:
    """The characters of upright lines (as arrays), rotated lines as whole lines, and the
    boxes of non-blank lines, from a page's rawdict."""
    cs: list[str] = []
    x0s: list[float] = []
    x1s: list[float] = []
    bases: list[float] = []
    spans: list[int] = []
    sp_size: list[float] = []
    sp_bold: list[bool] = []
    sp_pline: list[int] = []
    sp_font: list[str] = []
    rotated: list[Line] = []
    text_boxes: list[tuple[float, float, float, float]] = []
    pline = 0
    for block in raw["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for rl in block["lines"]:
            pline += 1
            dx, dy = rl["dir"]
            if abs(dy) > 0.5 * abs(dx) or rl.get("wmode", 0) == 1:
                ln = _rotated_line(rl, number)
                if ln is not None:            # None: no non-blank character
                    rotated.append(ln)
                    text_boxes.append(rl["bbox"])
                continue
            before = len(cs)
            for span in rl["spans"]:
                n0 = len(cs)
                chs = span["chars"]
                text = list(map(_C, chs))          # map with itemgetter: no bytecode per character
                joined = "".join(text)
                if len(joined) == len(text) and not _SPACE_RE.search(joined):
                    cs += text                  # one non-blank character each: all kept
                    boxes = list(map(_BBOX, chs))
                    x0s += map(_FIRST, boxes)
                    x1s += map(_THIRD, boxes)
                    bases += map(_SECOND, map(_ORIGIN, chs))
                else:
                    for ch in chs:
                        c = ch["c"]
                        if c.strip():
                            box = ch["bbox"]
                            cs.append(c)
                            x0s.append(box[0])
                            x1s.append(box[2])
                            bases.append(ch["origin"][1])
                if len(cs) > n0:
                    font, bold_name = _font_info(span["font"])
                    spans += [len(sp_font)] * (len(cs) - n0)
                    sp_font.append(font)
                    sp_bold.append(bool(span["flags"] & 16) or bold_name)
                    sp_size.append(float(span["size"]) or 1.0)
                    sp_pline.append(pline)
            if len(cs) > before:
                text_boxes.append(rl["bbox"])
    span_ix = np.array(spans, dtype=np.intp)
    x0 = np.array(x0s, dtype=float)
    chars = _Chars(c=cs, x0=x0, x1=np.maximum(np.array(x1s, dtype=float), x0 + 0.01),
                   base=np.array(bases, dtype=float),
                   size=np.array(sp_size, dtype=float)[span_ix], bold=np.array(sp_bold, dtype=bool)[span_ix],
                   pline=np.array(sp_pline, dtype=np.intp)[span_ix], font=sp_font, span=span_ix)
    return _Extraction(chars, rotated, text_boxes)


#: consecutive characters in drawing order stay in one drawn line (the hint _lines takes
#: from PyMuPDF's line grouping, see SPLIT_GAP_EM) while their baselines differ by at most
#: this many ems …
TRACE_SAME_BASE_EM = 0.1
#: … and the pen moves on by less than this many ems (either way): MuPDF's own rule
#: (SPACE_MAX_DIST 0.8) for starting a new line inside a text object.  On the synth bench
#: (93 pages, 275,000 character pairs) this reproduces PyMuPDF's line breaks exactly
TRACE_JUMP_EM = 0.8
#: code points MuPDF expands (no TEXT_PRESERVE_LIGATURES): a page holding one is read from
#: the rawdict, which has the expanded characters
_LIGATURES = range(0xFB00, 0xFB07)
#: the code points str.isspace() is true for (what str.strip() removes)
_SPACE_CODES = np.array([i for i in range(0x3001) if chr(i).isspace()], dtype=np.int64)
_FOURTH = itemgetter(3)


def _extract_trace(trace: list[dict], number: int, width: float, height: float) -> _Extraction | None:
    """What _extract takes from the rawdict, from ``page.get_texttrace()`` instead (the same
    characters and boxes, no dict per character: 5.2 against 7.3 ms/page on synth pages).  None when the page needs
    the rawdict: text not set left to right (rotated lines are built from PyMuPDF's lines),
    vertical writing mode, or ligatures MuPDF would expand.

    MuPDF's text extraction keeps text drawn twice by one operator (fill, then stroke: fake
    bold) once; so is a non-fill span here that repeats the span before it.  Characters whose
    box lies wholly off the page are dropped (TEXT_MEDIABOX_CLIP).  The drawn-line index
    (``pline``) follows MuPDF's rule: a new line where the baseline moves or the pen jumps
    (TRACE_SAME_BASE_EM, TRACE_JUMP_EM); spaces count, as in MuPDF."""
    kept: list[dict] = []
    prev = None
    for sp in trace:
        chs = sp["chars"]
        if not chs:
            continue
        dx, dy = sp["dir"]
        if abs(dy) > 0.5 * abs(dx) or sp["wmode"]:
            return None
        if sp["type"] != 0 and prev is not None and chs == prev["chars"]:
            continue
        kept.append(sp)
        prev = sp
    if not kept:
        return _Extraction(_Chars(c=[], x0=np.zeros(0), x1=np.zeros(0), base=np.zeros(0), size=np.zeros(0),
                                  bold=np.zeros(0, dtype=bool), pline=np.zeros(0, dtype=np.intp), font=[],
                                  span=np.zeros(0, dtype=np.intp)), [], [])
    lens = np.array([len(sp["chars"]) for sp in kept], dtype=np.intp)
    n = int(lens.sum())
    allch = [ch for sp in kept for ch in sp["chars"]]
    code = np.fromiter(map(_FIRST, allch), dtype=np.int64, count=n)
    if np.any((code >= _LIGATURES.start) & (code < _LIGATURES.stop)):
        return None
    box = np.fromiter(chain.from_iterable(map(_FOURTH, allch)), dtype=float, count=4 * n).reshape(n, 4)
    base = np.fromiter(map(_SECOND, map(_THIRD, allch)), dtype=float, count=n)
    span = np.repeat(np.arange(len(kept)), lens)
    sp_size = np.array([float(sp["size"]) or 1.0 for sp in kept], dtype=float)
    size = sp_size[span]
    # drawn lines, over all characters in drawing order (spaces included)
    gap = box[1:, 0] - box[:-1, 2]
    em = size[1:]
    new = (np.abs(base[1:] - base[:-1]) > TRACE_SAME_BASE_EM * em) | (np.abs(gap) >= TRACE_JUMP_EM * em)
    pline = np.concatenate(([0], np.cumsum(new)))
    on_page = (box[:, 2] >= 0) & (box[:, 0] <= width) & (box[:, 3] >= 0) & (box[:, 1] <= height)
    ink = on_page & ~np.isin(code, _SPACE_CODES) & (code >= 0)      # (the rawdict keeps U+0000 too)
    # the boxes of drawn lines holding ink (what PyMuPDF's line boxes give page_graphics)
    starts = np.flatnonzero(np.concatenate(([True], new)))
    inked = np.add.reduceat(ink.astype(np.intp), starts) > 0
    # (PyMuPDF's boxes reach from the font's ascender to its descender, the trace's glyph
    # boxes are one em high)
    asc = np.array([float(sp["ascender"]) for sp in kept], dtype=float)[span]
    desc = np.array([float(sp["descender"]) for sp in kept], dtype=float)[span]
    text_boxes = list(zip(np.minimum.reduceat(box[:, 0], starts)[inked].tolist(),
                          np.minimum.reduceat(base - asc * size, starts)[inked].tolist(),
                          np.maximum.reduceat(box[:, 2], starts)[inked].tolist(),
                          np.maximum.reduceat(base - desc * size, starts)[inked].tolist()))
    keep = np.flatnonzero(ink)
    text = code[keep].astype(np.uint32).tobytes().decode("utf-32-le", "replace")
    fonts, bolds = [], []
    for sp in kept:
        font, bold_name = _font_info(sp["font"])
        fonts.append(font)
        bolds.append(bool(sp["flags"] & 16) or bold_name)
    span_k = span[keep]
    x0 = box[keep, 0]
    chars = _Chars(c=list(text), x0=x0, x1=np.maximum(box[keep, 2], x0 + 0.01), base=base[keep],
                   size=size[keep], bold=np.array(bolds, dtype=bool)[span_k], pline=pline[keep],
                   font=fonts, span=span_k)
    return _Extraction(chars, [], text_boxes)


def _rotated_line(rl: dict, number: int) -> Line | None:
    chars = [ch for span in rl["spans"] for ch in span["chars"] if ch["c"].strip()]
    if not chars:
        return None
    x0, y0, x1, y1 = rl["bbox"]
    size = max(float(s["size"]) for s in rl["spans"])
    font = _SUBSET_RE.sub("", rl["spans"][0]["font"])
    return Line(text="".join(ch["c"] for ch in chars), page=number, lineno=0,
                bbox=BBox(x0, y0, x1, y1), size=size, vertical=True, font=font,
                bold=bool(rl["spans"][0]["flags"] & 16))


def _lines(chars: _Chars, number: int, walls: list[BBox] = ()) -> list[Line]:
    """Group characters into lines by baseline, size and gaps (drawing order ignored);
    a vertical rule (``walls``) between two characters always splits (two headlines side by
    side across a column rule can share a baseline and be set closer than a gutter).

    Rows: characters sorted by baseline then x, a new row where the baseline is further
    than BASELINE_TOLERANCE_EM below the row's first character; each row sorted by x, then
    split into groups at wide gaps, size changes and walls (vectorised over all pairs of
    neighbours at once); short groups may be one character each of vertical columns."""
    n = len(chars.c)
    if n == 0:
        return []
    order = _lexsort2(chars.base, chars.x0)              # stable, as a list sort by (base, x0)
    row = np.cumsum(_row_starts(chars.base[order], chars.size[order]))
    within = _lexsort2(row, chars.x0[order])            # each row by x, stable
    order, row = order[within], row[within]
    x0, x1, base = chars.x0[order], chars.x1[order], chars.base[order]
    size, pline = chars.size[order], chars.pline[order]
    # neighbour pairs (k, k + 1) in reading order
    em = np.minimum(size[:-1], size[1:])
    gap = x0[1:] - x1[:-1]
    split = ((np.maximum(size[:-1], size[1:]) > SAME_SIZE_RATIO * em) | (gap > HARD_SPLIT_GAP_EM * em)
             | ((gap > SPLIT_GAP_EM * em) & (pline[1:] != pline[:-1])))
    if walls:
        split |= _walls_between(x1[:-1], x0[1:], base[1:], gap, walls)
    starts = np.flatnonzero(np.concatenate(([True], (row[1:] != row[:-1]) | split)))
    ends = np.append(starts[1:], n)
    stacks, starts, ends = _vertical_stacks(starts, ends, x0, x1, base, size)
    c = _reordered(chars.c, order)
    bold = chars.bold[order]
    fonts = _Fonts(chars.font, chars.span[order])
    out: list[Line] = [_vertical_line(st, number, c, x0, x1, base, size, bold, fonts) for st in stacks]
    out += _make_lines(starts, ends, number, c, x0, x1, base, size, bold, fonts, gap / em)
    return out


def _lexsort2(primary: np.ndarray, secondary: np.ndarray) -> np.ndarray:
    """``np.lexsort((secondary, primary))``: the stable order by ``primary``, then by
    ``secondary``.  NumPy sorts complex numbers by their real part, then their imaginary
    part: one key, several times faster than lexsort's two passes.  Keys with a NaN take
    lexsort (its NaN order is its own)."""
    z = np.empty(len(primary), dtype=complex)
    z.real, z.imag = primary, secondary
    if np.isnan(z).any():
        return np.lexsort((secondary, primary))
    return np.argsort(z, kind="stable")


def _reordered(c: list[str], order: np.ndarray) -> str | list[str]:
    """``[c[i] for i in order]``; as one string (indexing and slicing it give the same
    characters) when every entry is one code point, as they nearly always are."""
    text = "".join(c)
    if len(text) != len(c) or "" in c:
        return list(map(c.__getitem__, order.tolist()))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codes[order].tobytes().decode("utf-32-le", "surrogatepass")


class _Fonts:
    """Font name of the k-th character in reading order (looked up for the first character
    of each line only)."""
    __slots__ = ("names", "span")

    def __init__(self, names: list[str], span: np.ndarray):
        self.names, self.span = names, span

    def __getitem__(self, k: int) -> str:
        return self.names[self.span[k]]

    def at(self, ks: np.ndarray) -> list[str]:
        return [self.names[i] for i in self.span[ks].tolist()]


def _row_starts(base: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Which characters (sorted by baseline) start a row: those further below the row's first
    character than BASELINE_TOLERANCE_EM of the smaller of the two sizes.

    The chain is sequential, so it is walked in Python, but only inside stretches that need
    it: a character further below the previous one than the tolerance of its own size starts
    a row whatever the row's first character is, and a stretch between two such characters
    whose whole baseline spread is within the tolerance of its smallest size is one row."""
    n = len(base)
    tol = BASELINE_TOLERANCE_EM
    start = np.zeros(n, dtype=bool)
    start[0] = True
    start[1:] = ~(base[1:] - base[:-1] <= tol * size[1:])      # certain starts
    bounds = np.flatnonzero(start)
    ends = np.append(bounds[1:], n)
    spread = base[ends - 1] - base[bounds]
    one_row = spread <= tol * np.minimum.reduceat(size, bounds)
    for a, e in zip(bounds[~one_row].tolist(), ends[~one_row].tolist()):
        bl, sl = base[a:e].tolist(), size[a:e].tolist()
        fb, fs = bl[0], sl[0]
        for i in range(1, e - a):          # a row is measured from its first character
            b, s = bl[i], sl[i]
            if not b - fb <= tol * (fs if fs < s else s):
                start[a + i] = True
                fb, fs = b, s
    return start


def _walls_between(left: np.ndarray, right: np.ndarray, base: np.ndarray, gap: np.ndarray,
                   walls: list[BBox]) -> np.ndarray:
    """For each neighbour pair with a positive gap: a wall whose centre line lies between
    ``left - 0.5`` and ``right + 0.5`` and spans the right character's baseline.  Every
    couple of such a pair and a wall in its range is tested at once."""
    hit = np.zeros(len(gap), dtype=bool)
    ws = sorted(walls, key=lambda w: w.cx)
    cx, y0, y1 = (np.array([get(w) for w in ws], dtype=float) for get in (_CX, _Y0, _Y1))
    pos = np.flatnonzero(gap > 0)
    lo = np.searchsorted(cx, left[pos] - 0.5, side="left")
    count = np.maximum(np.searchsorted(cx, right[pos] + 0.5, side="right") - lo, 0)
    # the couples: pair k repeated once per wall in its range, walls lo[k], lo[k] + 1, …
    k = np.repeat(np.arange(len(pos)), count)
    w = np.arange(len(k)) + np.repeat(lo - (np.cumsum(count) - count), count)
    b = base[pos[k]]
    hit[pos[k[(y0[w] <= b) & (b <= y1[w])]]] = True
    return hit


def _credit_cut(chars: str | list[str], wide: list[int]) -> int:
    """Where in a line (its characters ``chars``: a string, or a list of strings) a photo
    credit set at its end starts ("…参观。  新华社记者 王明/摄"), found at a spacing gap
    (``wide``: the indices k in ascending order where the gap before chars[k] is one); 0 when
    there is none, or when all of it is a credit."""
    whole = isinstance(chars, str)
    if lexicon.CREDIT_RE.fullmatch(chars if whole else "".join(chars)):
        return 0
    for k in wide:
        if lexicon.CREDIT_RE.fullmatch(chars[k:] if whole else "".join(chars[k:])):
            return k
    return 0


def _make_lines(starts: np.ndarray, ends: np.ndarray, number: int, c: str | list[str], x0: np.ndarray,
                x1: np.ndarray, base: np.ndarray, size: np.ndarray, bold: np.ndarray,
                fonts: _Fonts, gap_em: np.ndarray) -> list[Line]:
    """One line per group c[a:e] (a, e: starts[g], ends[g]; two lines when a photo credit
    ends it), with a space where a gap is wider than the group's usual gap (its upper
    median, ``gap_em[k]``: the gap between characters k and k + 1 in ems of the smaller one)
    by CJK_SPACE_EM next to CJK, or wider than WORD_SPACE_EM between other characters."""
    if not len(starts):
        return []
    ga, ge = starts, ends
    m = ge - ga - 1                                      # gaps inside each group
    offset = np.cumsum(m) - m
    gid = np.repeat(np.arange(len(ga)), m)
    pair = np.arange(int(m.sum())) + np.repeat(ga - offset, m)
    vals = gap_em[pair]
    ranked = vals[np.lexsort((vals, gid))]              # per group, gaps in ascending order
    median = ranked[np.minimum(offset + m // 2, max(len(ranked) - 1, 0))] if len(ranked) else np.zeros(len(m))
    usual = np.where(m > 0, np.maximum(0.0, median), 0.0)
    cjk_gap = usual + CJK_SPACE_EM
    pair_cjk_gap = cjk_gap[gid]
    # a space: wider than WORD_SPACE_EM, or than the CJK gap next to CJK (both are above
    # the smaller of the two, so only those pairs need the script test)
    cand = np.flatnonzero(vals > np.minimum(pair_cjk_gap, WORD_SPACE_EM))
    left = pair[cand]
    cjk = np.array([is_cjk(c[i][-1]) or is_cjk(c[i + 1][0]) for i in left.tolist()], dtype=bool)
    v = vals[cand]
    spaces = left[np.where(cjk, v > pair_cjk_gap[cand], v > WORD_SPACE_EM)] + 1   # a space before c[k]
    # a photo credit at the end of a line with a wide gap splits it (the space goes)
    wide = vals > pair_cjk_gap
    cuts = []
    for g in np.flatnonzero(np.bincount(gid[wide], minlength=len(ga))).tolist():
        a, e, o = int(ga[g]), int(ge[g]), int(offset[g])
        cut = _credit_cut(c[a:e], (np.flatnonzero(wide[o:o + e - a - 1]) + 1).tolist())
        if cut:
            cuts.append(a + cut)
    if cuts:
        at = np.array(cuts, dtype=ga.dtype)
        ga, ge = np.sort(np.concatenate((ga, at))), np.sort(np.concatenate((ge, at)))   # disjoint, in order
        spaces = spaces[~np.isin(spaces, at)]
    # per line: reduce over [a, e) (reduceat over the pairs of bounds; a sentinel at the end)
    bounds = np.empty(2 * len(ga), dtype=np.intp)
    bounds[::2], bounds[1::2] = ga, ge

    def per_line(ufunc, arr):
        return ufunc.reduceat(np.append(arr, arr[-1:]), bounds)[::2]

    sz = per_line(np.minimum, size)
    for k in np.flatnonzero(sz != per_line(np.maximum, size)).tolist():
        a, e = int(ga[k]), int(ge[k])         # the most frequent size; the larger on a tie
        weights = Counter(size[a:e].tolist())
        sz[k] = max(weights.items(), key=lambda kv: (kv[1], kv[0]))[0]
    bmax, x1max = per_line(np.maximum, base), per_line(np.maximum, x1)
    bold_line = (per_line(np.add, bold.astype(np.intp)) * 2 > ge - ga).tolist()
    bx0 = _round2(x0[ga])
    by0, bx1, by1 = _round2(bmax - ASCENT_EM * sz), _round2(x1max), _round2(bmax + DESCENT_EM * sz)
    texts = _line_texts(c, ga.tolist(), ge.tolist(), spaces)
    return _new_lines(texts, number, bx0, by0, bx1, by1, sz.tolist(), bold_line, fonts.at(ga))


def _line_texts(c: str | list[str], starts: list[int], ends: list[int], spaces: np.ndarray) -> list[str]:
    """The text of each line c[a:e] (a, e: starts[k], ends[k]), a space before each
    character whose index is in ``spaces`` (never a line's first: ascending order)."""
    whole = isinstance(c, str)
    texts = [c[a:e] for a, e in zip(starts, ends)] if whole else ["".join(c[a:e]) for a, e in zip(starts, ends)]
    if not len(spaces):
        return texts
    # lines without a space inside stay a plain slice; the others are cut at their spaces
    line_of = (np.searchsorted(np.array(starts), spaces, side="right") - 1).tolist()
    sp = spaces.tolist()
    j = 0
    while j < len(sp):
        k = line_of[j]
        cut = [starts[k]]
        while j < len(sp) and line_of[j] == k:
            cut.append(sp[j])
            j += 1
        cut.append(ends[k])
        texts[k] = " ".join(c[p:q] if whole else "".join(c[p:q]) for p, q in zip(cut, cut[1:]))
    return texts


_new = object.__new__


def _new_lines(texts: list[str], number: int, x0: list[float], y0: list[float], x1: list[float],
               y1: list[float], sizes: list[float], bolds: list[bool], fonts: list[str]) -> list[Line]:
    """``[Line(text, number, 0, bbox=BBox(x0, y0, x1, y1), size=size, bold=bold, font=font)
    for …]``: the same lines, built without calling the dataclass (its ``__init__`` takes 15
    fields by keyword: two thirds of the cost of a page's lines).  Every field is set here,
    defaults included (a field added to Line must be added too: test_pdf_fastpaths compares
    these lines with Line's own)."""
    out = []
    for text, bx0, by0, bx1, by1, size, bold, font in zip(texts, x0, y0, x1, y1, sizes, bolds, fonts):
        ln = _new(Line)
        ln.text, ln.page, ln.lineno, ln.markup, ln.heading_level, ln.hard_break = text, number, 0, "", 0, False
        ln.blank_before, ln.column, ln.bbox = 0, 0, _bbox(bx0, by0, bx1, by1)
        ln.size, ln.bold, ln.vertical, ln.font, ln.conf, ln.low = size, bold, False, font, None, ()
        out.append(ln)
    return out


#: values whose hundredfold lies this close to a half are rounded by Python's round (the
#: NumPy product can fall on the other side of the half); far more than its rounding error
_HALF_MARGIN = 1e-6
#: …and so are values this large or more (or not finite): the product's error grows with it
_ROUND_LIMIT = 1e9


def _round2(v: np.ndarray) -> list[float]:
    """``[round(x, 2) for x in v]``, the same values: rint(100 x) / 100 is Python's correctly
    rounded result unless 100 x is within rounding error of a half (then Python rounds it)."""
    with np.errstate(invalid="ignore", over="ignore"):
        y = v * 100.0
        out = (np.rint(y) / 100.0).tolist()
        python = ~(np.abs(y - np.floor(y) - 0.5) >= _HALF_MARGIN) | ~(np.abs(y) < _ROUND_LIMIT)
    for i in np.flatnonzero(python).tolist():
        out[i] = round(float(v[i]), 2)
    return out


def _vertical_stacks(starts: np.ndarray, ends: np.ndarray, x0: np.ndarray, x1: np.ndarray, base: np.ndarray,
                     size: np.ndarray) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
    """Find upright characters stacked top-down (竖排) among short horizontal groups (the
    groups are ranges [starts[g], ends[g]) of the characters k with x0[k], x1[k], base[k],
    size[k], in order).

    A group of at most VERTICAL_MAX_COLUMNS characters may really be one character from
    each of several vertical columns set side by side.  Its characters are stacked when,
    in their column (same centre and size), the next character down follows closer than
    the next character across in the group: text runs in the direction of the smaller pitch.
    Returns (vertical stacks top-down, the remaining horizontal groups as starts and ends:
    a group that lost characters to a stack leaves the others as groups of one)."""
    short = np.flatnonzero(ends - starts <= VERTICAL_MAX_COLUMNS)
    if int((ends[short] - starts[short]).sum()) < VERTICAL_MIN_CHARS:
        return [], starts, ends
    cands = list(zip(starts[short].tolist(), ends[short].tolist()))
    # the candidates' characters as Python floats (a few dozen per page)
    ix = [i for a, e in cands for i in range(a, e)]
    x0, x1, base, size = (dict(zip(ix, arr[ix].tolist())) for arr in (x0, x1, base, size))
    across: dict[int, float] = {}
    for a, e in cands:
        for i in range(a, e):
            steps = [abs(x0[o] + x1[o] - x0[i] - x1[i]) / 2 for o in range(a, e) if o != i]
            across[i] = min(steps) if steps else float("inf")
    chars = sorted(ix, key=lambda i: ((x0[i] + x1[i]) / 2, base[i]))
    columns: list[list[int]] = []
    for i in chars:
        cx = (x0[i] + x1[i]) / 2
        if columns:
            f = columns[-1][0]
            if abs(cx - (x0[f] + x1[f]) / 2) <= VERTICAL_AXIS_EM * size[i] \
                    and abs(size[i] - size[f]) <= 0.1 * size[i]:
                columns[-1].append(i)
                continue
        columns.append([i])
    stacks: list[list[int]] = []
    for col in columns:
        col.sort(key=lambda i: base[i])
        chain = [col[0]]
        for i in col[1:] + [None]:
            if i is not None:
                step = base[i] - base[chain[-1]]
                if 0 < step <= VERTICAL_PITCH_EM * size[i] and step < across[i] and step < across[chain[-1]]:
                    chain.append(i)
                    continue
            if len(chain) >= VERTICAL_MIN_CHARS:
                stacks.append(chain)
            if i is not None:
                chain = [i]
    if not stacks:
        return [], starts, ends
    stacked = {i for st in stacks for i in st}
    broken, singles = [], []              # groups that lost characters; what they keep
    for g, (a, e) in zip(short.tolist(), cands):
        kept = [i for i in range(a, e) if i not in stacked]
        if len(kept) < e - a:
            broken.append(g)
            singles += kept
    keep = np.ones(len(starts), dtype=bool)
    keep[broken] = False
    one = np.array(singles, dtype=starts.dtype)
    starts, ends = np.concatenate((starts[keep], one)), np.concatenate((ends[keep], one + 1))
    by_start = np.argsort(starts, kind="stable")      # the groups are disjoint: back in order
    return stacks, starts[by_start], ends[by_start]


def _vertical_line(ix: list[int], number: int, c: str | list[str], x0: np.ndarray, x1: np.ndarray,
                   base: np.ndarray, size: np.ndarray, bold: np.ndarray, fonts: _Fonts) -> Line:
    """The vertical line of the characters ``ix`` (top-down)."""
    first, last = ix[0], ix[-1]
    sz, b0, b1 = float(size[first]), float(base[first]), float(base[last])
    bbox = BBox(round(min(x0[ix].tolist()), 2), round(b0 - ASCENT_EM * sz, 2),
                round(max(x1[ix].tolist()), 2), round(b1 + DESCENT_EM * sz, 2))
    return Line(text="".join(c[i] for i in ix), page=number, lineno=0, bbox=bbox, size=sz,
                bold=bool(bold[first]), vertical=True, font=fonts[first])
