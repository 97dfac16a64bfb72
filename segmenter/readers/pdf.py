"""Born-digital PDF reader: characters with positions and fonts → :class:`Line` objects.

Lines are rebuilt from characters by geometry (baseline, size, horizontal gaps), never from
the PDF's drawing order or from PyMuPDF's block structure (which depends on how the PDF
was written: one block per line, or per column).  PyMuPDF's own line grouping is used only
as a hint: two pieces on one baseline are one line when they are close, and characters of
one PyMuPDF line are split where a gap is as wide as a column gutter.

Upright characters stacked top-down in one narrow column (竖排 headlines and kickers)
become one vertical line.  Rotated text (PyMuPDF line direction not left-to-right) is kept
as one line in its own character order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import lexicon
from ..containers import BBox, Line, Page
from ..errors import InputError
from ..settings import Settings
from ..textutil import is_cjk
from .pdfdoc import open_pdf, page_graphics, page_size, text_layer_problem

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
#: each no further below the previous than VERTICAL_PITCH_EM of their size
VERTICAL_MIN_CHARS = 3
VERTICAL_PITCH_EM = 1.6
#: top and bottom of a glyph box relative to the baseline, in ems (fonts' own ascender and
#: descender values vary widely; a fixed em box keeps line geometry comparable)
ASCENT_EM = 0.88
DESCENT_EM = 0.12

_BOLD_NAME_RE = re.compile(r"bold|black|heavy|semibold|demi|[-_]?hei\b|W[6-9]\b", re.I)
_SUBSET_RE = re.compile(r"^[A-Z]{6}\+")


@dataclass(slots=True)
class _Char:
    c: str
    x0: float
    x1: float
    base: float        # baseline y
    size: float
    font: str
    bold: bool
    pline: int         # PyMuPDF line index: a hint only


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
    raw = fp.get_text("rawdict", flags=flags)
    chars: list[_Char] = []
    rotated: list[Line] = []
    pline = 0
    for block in raw["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for rl in block["lines"]:
            pline += 1
            dx, dy = rl["dir"]
            if abs(dy) > 0.5 * abs(dx) or rl.get("wmode", 0) == 1:
                ln = _rotated_line(rl, number)
                if ln is not None:
                    rotated.append(ln)
                continue
            for span in rl["spans"]:
                font = _SUBSET_RE.sub("", span["font"])
                bold = bool(span["flags"] & 16) or bool(_BOLD_NAME_RE.search(font))
                size = float(span["size"]) or 1.0
                for ch in span["chars"]:
                    c = ch["c"]
                    if not c.strip():
                        continue
                    x0, _, x1, _ = ch["bbox"]
                    chars.append(_Char(c, x0, max(x1, x0 + 0.01), ch["origin"][1], size, font, bold, pline))
    text = "".join(ch.c for ch in chars) + "".join(ln.text for ln in rotated)
    problem = text_layer_problem(fp, text)
    if problem:
        raise InputError(problem)
    lines = _lines(chars, number) + rotated
    lines = _stack_vertical(lines)
    width, height = page_size(fp)
    page = Page(number=number, path=str(path), name=path.name, kind="pdf", lines=lines,
                width=float(width), height=float(height),
                graphics=page_graphics(fp), source_page=index)
    return page


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


def _lines(chars: list[_Char], number: int) -> list[Line]:
    """Group characters into lines by baseline, size and gaps (drawing order ignored)."""
    chars.sort(key=lambda c: (c.base, c.x0))
    rows: list[list[_Char]] = []
    for ch in chars:
        if rows and ch.base - rows[-1][0].base <= BASELINE_TOLERANCE_EM * min(ch.size, rows[-1][0].size):
            rows[-1].append(ch)
        else:
            rows.append([ch])
    out: list[Line] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        cur: list[_Char] = [row[0]]
        for ch in row[1:]:
            prev = cur[-1]
            em = min(prev.size, ch.size)
            gap = ch.x0 - prev.x1
            same_size = max(prev.size, ch.size) <= SAME_SIZE_RATIO * em
            split = (not same_size or gap > HARD_SPLIT_GAP_EM * em
                     or (gap > SPLIT_GAP_EM * em and ch.pline != prev.pline))
            if split:
                out.extend(_make_lines(cur, number))
                cur = [ch]
            else:
                cur.append(ch)
        out.extend(_make_lines(cur, number))
    return out


def _split_credit(chars: list[_Char], gaps: list[float], usual: float) -> int:
    """Index where a photo credit set at the end of a caption line starts ("…参观。  新华社
    记者 王明/摄"), found at a spacing gap; 0 when there is none."""
    for i in range(1, len(chars)):
        if gaps[i - 1] > usual + CJK_SPACE_EM:
            rest = "".join(ch.c for ch in chars[i:])
            if lexicon.CREDIT_RE.fullmatch(rest):
                return i
    return 0


def _make_lines(chars: list[_Char], number: int) -> list[Line]:
    gaps = [(chars[i].x0 - chars[i - 1].x1) / min(chars[i].size, chars[i - 1].size)
            for i in range(1, len(chars))]
    usual = max(0.0, sorted(gaps)[len(gaps) // 2]) if gaps else 0.0
    cut = _split_credit(chars, gaps, usual)
    if cut:
        return [_make_line(chars[:cut], number, gaps[:cut - 1], usual),
                _make_line(chars[cut:], number, gaps[cut:], usual)]
    return [_make_line(chars, number, gaps, usual)]


def _make_line(chars: list[_Char], number: int, gaps: list[float], usual: float) -> Line:
    parts: list[str] = []
    for i, ch in enumerate(chars):
        if i:
            prev = chars[i - 1]
            gap = gaps[i - 1]
            cjk = is_cjk(prev.c[-1]) or is_cjk(ch.c[0])
            if gap > (usual + CJK_SPACE_EM if cjk else WORD_SPACE_EM):
                parts.append(" ")
        parts.append(ch.c)
    weights: dict[float, int] = {}
    for ch in chars:
        weights[ch.size] = weights.get(ch.size, 0) + 1
    size = max(weights.items(), key=lambda kv: (kv[1], kv[0]))[0]
    base = max(ch.base for ch in chars)
    bbox = BBox(round(chars[0].x0, 2), round(base - ASCENT_EM * size, 2),
                round(max(ch.x1 for ch in chars), 2), round(base + DESCENT_EM * size, 2))
    bold = sum(ch.bold for ch in chars) * 2 > len(chars)
    return Line(text="".join(parts), page=number, lineno=0, bbox=bbox, size=size, bold=bold,
                font=chars[0].font)


def _stack_vertical(lines: list[Line]) -> list[Line]:
    """One-character lines stacked in one narrow column become one vertical line."""
    singles = [ln for ln in lines if len(ln.text) == 1 and not ln.vertical]
    if len(singles) < VERTICAL_MIN_CHARS:
        return lines
    singles.sort(key=lambda ln: (ln.bbox.cx, ln.bbox.y0))
    columns: list[list[Line]] = []
    for ln in singles:                     # same centre line (within a quarter em), same size
        if columns and abs(ln.bbox.cx - columns[-1][0].bbox.cx) <= 0.25 * ln.size \
                and abs(ln.size - columns[-1][0].size) <= 0.1 * ln.size:
            columns[-1].append(ln)
        else:
            columns.append([ln])
    stacks: list[list[Line]] = []
    for col in columns:
        col.sort(key=lambda ln: ln.bbox.y0)
        chain = [col[0]]
        for ln in col[1:]:
            if 0 < ln.bbox.y0 - chain[-1].bbox.y0 <= VERTICAL_PITCH_EM * ln.size:
                chain.append(ln)
                continue
            if len(chain) >= VERTICAL_MIN_CHARS:
                stacks.append(chain)
            chain = [ln]
        if len(chain) >= VERTICAL_MIN_CHARS:
            stacks.append(chain)
    if not stacks:
        return lines
    stacked = {id(ln) for chain in stacks for ln in chain}
    out = [ln for ln in lines if id(ln) not in stacked]
    for chain in stacks:
        bbox = chain[0].bbox
        for c in chain[1:]:
            bbox = bbox.union(c.bbox)
        out.append(Line(text="".join(c.text for c in chain), page=chain[0].page, lineno=0,
                        bbox=bbox, size=chain[0].size, bold=chain[0].bold, vertical=True,
                        font=chain[0].font))
    return out
