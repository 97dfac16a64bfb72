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
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from .. import lexicon
from ..containers import BBox, GraphicKind, Line, Page
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
    text_boxes: list[BBox] = []     # line boxes for page_graphics (a block of PyMuPDF's can
    # span a photo beside its column): no second extraction of the text
    pline = 0
    for block in raw["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for rl in block["lines"]:
            pline += 1
            if any(ch["c"].strip() for sp in rl["spans"] for ch in sp["chars"]):
                text_boxes.append(BBox(*rl["bbox"]))
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
    graphics = page_graphics(fp, text_boxes)
    walls = [g.bbox for g in graphics if g.kind is GraphicKind.RULE and not g.horizontal]
    lines = _lines(chars, number, walls) + rotated
    width, height = page_size(fp)
    page = Page(number=number, path=str(path), name=path.name, kind="pdf", lines=lines,
                width=float(width), height=float(height),
                graphics=graphics, source_page=index)
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


def _lines(chars: list[_Char], number: int, walls: list[BBox] = ()) -> list[Line]:
    """Group characters into lines by baseline, size and gaps (drawing order ignored);
    a vertical rule (``walls``) between two characters always splits (two headlines side by
    side across a column rule can share a baseline and be set closer than a gutter)."""
    chars.sort(key=attrgetter("base", "x0"))
    rows: list[list[_Char]] = []
    for ch in chars:
        if rows and ch.base - rows[-1][0].base <= BASELINE_TOLERANCE_EM * min(ch.size, rows[-1][0].size):
            rows[-1].append(ch)
        else:
            rows.append([ch])
    groups: list[list[_Char]] = []
    for row in rows:
        row.sort(key=attrgetter("x0"))
        cur: list[_Char] = [row[0]]
        for ch in row[1:]:
            prev = cur[-1]
            em = min(prev.size, ch.size)
            gap = ch.x0 - prev.x1
            same_size = max(prev.size, ch.size) <= SAME_SIZE_RATIO * em
            split = (not same_size or gap > HARD_SPLIT_GAP_EM * em
                     or (gap > SPLIT_GAP_EM * em and ch.pline != prev.pline)
                     or (gap > 0 and walls
                         and any(prev.x1 - 0.5 <= w.cx <= ch.x0 + 0.5 and w.y0 <= ch.base <= w.y1
                                 for w in walls)))
            if split:
                groups.append(cur)
                cur = [ch]
            else:
                cur.append(ch)
        groups.append(cur)
    stacks, groups = _vertical_stacks(groups)
    out: list[Line] = [_vertical_line(st, number) for st in stacks]
    for g in groups:
        out.extend(_make_lines(g, number))
    return out


def _split_credit(chars: list[_Char], gaps: list[float], usual: float) -> int:
    """Index where a photo credit set at the end of a caption line starts ("…参观。  新华社
    记者 王明/摄"), found at a spacing gap; 0 when there is none."""
    wide = usual + CJK_SPACE_EM
    if not any(g > wide for g in gaps) or lexicon.CREDIT_RE.fullmatch("".join(ch.c for ch in chars)):
        return 0                       # no spacing gap to cut at, or all of it is a credit
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
    parts: list[str] = [chars[0].c]
    cjk_gap = usual + CJK_SPACE_EM
    least = min(cjk_gap, WORD_SPACE_EM)       # no space below either threshold: skip the test
    for i in range(1, len(chars)):
        ch = chars[i]
        gap = gaps[i - 1]
        if gap > least:
            cjk = is_cjk(chars[i - 1].c[-1]) or is_cjk(ch.c[0])
            if gap > (cjk_gap if cjk else WORD_SPACE_EM):
                parts.append(" ")
        parts.append(ch.c)
    weights = Counter(ch.size for ch in chars)
    size = max(weights.items(), key=lambda kv: (kv[1], kv[0]))[0]
    base = max(ch.base for ch in chars)
    bbox = BBox(round(chars[0].x0, 2), round(base - ASCENT_EM * size, 2),
                round(max(ch.x1 for ch in chars), 2), round(base + DESCENT_EM * size, 2))
    bold = sum(ch.bold for ch in chars) * 2 > len(chars)
    return Line(text="".join(parts), page=number, lineno=0, bbox=bbox, size=size, bold=bold,
                font=chars[0].font)


def _vertical_stacks(groups: list[list[_Char]]) -> tuple[list[list[_Char]], list[list[_Char]]]:
    """Find upright characters stacked top-down (竖排) among short horizontal groups.

    A group of at most VERTICAL_MAX_COLUMNS characters may really be one character from
    each of several vertical columns set side by side.  Its characters are stacked when,
    in their column (same centre and size), the next character down follows closer than
    the next character across in the group: text runs in the direction of the smaller pitch.
    Returns (vertical stacks top-down, remaining horizontal groups)."""
    cands = [g for g in groups if len(g) <= VERTICAL_MAX_COLUMNS]
    if sum(len(g) for g in cands) < VERTICAL_MIN_CHARS:
        return [], groups
    across: dict[int, float] = {}
    for g in cands:
        for i, ch in enumerate(g):
            steps = [abs(o.x0 + o.x1 - ch.x0 - ch.x1) / 2 for o in g if o is not ch]
            across[id(ch)] = min(steps) if steps else float("inf")
    chars = sorted((ch for g in cands for ch in g), key=lambda c: ((c.x0 + c.x1) / 2, c.base))
    columns: list[list[_Char]] = []
    for ch in chars:
        cx = (ch.x0 + ch.x1) / 2
        if columns and abs(cx - (columns[-1][0].x0 + columns[-1][0].x1) / 2) <= VERTICAL_AXIS_EM * ch.size \
                and abs(ch.size - columns[-1][0].size) <= 0.1 * ch.size:
            columns[-1].append(ch)
        else:
            columns.append([ch])
    stacks: list[list[_Char]] = []
    for col in columns:
        col.sort(key=lambda c: c.base)
        chain = [col[0]]
        for ch in col[1:] + [None]:
            if ch is not None:
                step = ch.base - chain[-1].base
                if 0 < step <= VERTICAL_PITCH_EM * ch.size and step < across[id(ch)] and step < across[id(chain[-1])]:
                    chain.append(ch)
                    continue
            if len(chain) >= VERTICAL_MIN_CHARS:
                stacks.append(chain)
            if ch is not None:
                chain = [ch]
    if not stacks:
        return [], groups
    stacked = {id(ch) for st in stacks for ch in st}
    rest = []
    for g in groups:
        kept = [ch for ch in g if id(ch) not in stacked]
        if len(kept) == len(g):
            rest.append(g)
        else:
            rest.extend([ch] for ch in kept)
    return stacks, rest


def _vertical_line(chars: list[_Char], number: int) -> Line:
    size = chars[0].size
    bbox = BBox(round(min(c.x0 for c in chars), 2), round(chars[0].base - ASCENT_EM * size, 2),
                round(max(c.x1 for c in chars), 2), round(chars[-1].base + DESCENT_EM * size, 2))
    return Line(text="".join(c.c for c in chars), page=number, lineno=0, bbox=bbox, size=size,
                bold=chars[0].bold, vertical=True, font=chars[0].font)
