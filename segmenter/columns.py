"""Split merged columns: lines where a converter put several printed columns side by side.

A converter that reads straight across the page (``pdftotext -layout``, many PDF-to-markdown
tools) writes one output line per text row of the page, so one line holds a segment of every
column, padded with runs of ASCII spaces to the x position of each column::

    郑栅洁表示，过去几年，我国推动      规模增加到3.6万亿元，稳居全球
    科技创新和产业创新深度融合，有      第二；从主体看，企业是研发投入
                                        高增长的主要力量……
    了自主研发的高性能芯片和操作系

Where two articles' baselines differ their rows alternate (a row with only the left segment,
then a row with only the right one, led by spaces up to the right column).

:func:`split_merged_columns` finds *gutters*: display-column positions where, over several
consecutive lines, the right-hand column starts at the same place (left-aligned columns: the
start of the right segment is what stays put; the left segment may end anywhere before it).
Every line in a gutter's run either has a run of spaces in front of the right column, or ends
before it (short last line of the left column), or starts after it (the left column is empty
on that row).  Lines inside such a run are cut into one segment per column and read column by
column, top to bottom; everything else is passed through untouched.

Positions are display columns (CJK, full-width and the quotes “”‘’… count 2, ASCII 1): the
converter pads with ASCII spaces to align *display* columns, so code-point offsets of the
right column differ from line to line as soon as a line mixes "AI", "2024年" or "50%" in.

Pure: no I/O, input lines are never modified.  Cost is linear in the text: one regex pass
per line, and per line a couple of binary searches for each candidate gutter.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from .containers import Line
from .textutil import char_width

# --- thresholds (display columns: CJK 2, ASCII 1) --------------------------------------------

#: Shortest run of spaces that can separate two columns.  pdftotext -layout leaves at least two
#: spaces between columns; a single space is ordinary text ("CN 11—0237", "AI 进入"), so it
#: never separates.  A double space *inside* a line can still be ordinary text ("(记者  王明)");
#: such a gap is only taken for a gutter when it lines up with MIN_ALIGNED_LINES lines.  Spaces
#: at the end of a line (markdown hard break "  ") are never a gap.
MIN_GAP = 2

#: How many consecutive lines must show the right-hand column starting at the same place
#: before that place is a gutter.  One line with a big gap is a title and a date, two are a
#: two-line headline or a name and a date over each other; three rows of text lined up on the
#: same x are a column (the shortest merged regions in converter dumps run for many rows).
MIN_ALIGNED_LINES = 3

#: How far (display columns, in total) the start of the right column may wander over the lines
#: of one gutter.  pdftotext -layout puts the left edge of a column at a stable x; the only
#: jitter comes from rounding when full-width and half-width characters mix on a row (one, at
#: most two columns).  Must not exceed MIN_GAP, so that a segment that ends left of a gutter
#: can never be read as starting right of it.
ALIGN_TOLERANCE = 2

#: Narrowest column (display columns) on either side of a gutter: the widest piece of text seen
#: on each side must reach this.  Printed newspaper columns hold at least ~5 CJK characters
#: (10); what is narrower and aligned is a list marker ("-   item", "1.  item", "（一）"), a page
#: number in a table of contents ("…  3版") or a table cell, none of which is a column to read
#: separately.
MIN_COLUMN_WIDTH = 8

#: A line cut into more pieces than this (by runs of MIN_GAP spaces) is a table row or junk,
#: not merged columns: pages have up to ~8 columns, plus a few double spaces inside column
#: text.  Such a line ends any merged region; the cap also bounds the work per line (a single
#: line of a million characters of "ab  ab  ab …" costs one regex scan, not a million gutters).
MAX_SEGMENTS = 16

# a segment: non-space characters, joined by runs of fewer than MIN_GAP spaces
_SEGMENT_RE = re.compile(
    "[^ ]+(?: {1,%d}[^ ]+)*" % (MIN_GAP - 1) if MIN_GAP > 1 else "[^ ]+")
_GAP = " " * MIN_GAP


def _width(text: str) -> int:
    return len(text) if text.isascii() else sum(map(char_width, text))


class _Segs:
    """The pieces of one line: display start/end (end exclusive) and code-point span of each."""

    __slots__ = ("starts", "ends", "i0", "i1")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.i0: list[int] = []
        self.i1: list[int] = []


def _segments(text: str) -> _Segs | None:
    """Cut a line at runs of >= MIN_GAP spaces; None when it has more than MAX_SEGMENTS pieces."""
    out = _Segs()
    col = pos = 0
    for n, m in enumerate(_SEGMENT_RE.finditer(text)):
        if n >= MAX_SEGMENTS:
            return None
        a, b = m.span()
        col += a - pos                 # only ASCII spaces lie between matches: width 1 each
        out.starts.append(col)
        col += _width(m.group())
        out.ends.append(col)
        out.i0.append(a)
        out.i1.append(b)
        pos = b
    return out


class _Track:
    """A candidate gutter being followed down the page."""

    __slots__ = ("lo", "hi", "start", "anchors", "left_rows", "both", "left_w", "right_w")

    def __init__(self, s: int, start: int, left_w: int, right_w: int, both: bool) -> None:
        self.lo = self.hi = s          # range of the right column's start seen so far
        self.start = start             # index of the first line (the first anchored one)
        self.anchors = 1               # lines whose right-hand segment starts at lo..hi
        self.left_rows = int(both)     # lines with text left of the gutter
        self.both = int(both)          # lines with text on both sides
        self.left_w = left_w           # widest segment seen on the left / on the right
        self.right_w = right_w

    def valid(self) -> bool:
        # both columns run over MIN_ALIGNED_LINES rows (a centred two-line headline above a
        # line with "(记者  王明)" is right-hand text on three rows but has no left column)
        return (self.anchors >= MIN_ALIGNED_LINES and self.left_rows >= MIN_ALIGNED_LINES
                and self.both > 0
                and self.left_w >= MIN_COLUMN_WIDTH and self.right_w >= MIN_COLUMN_WIDTH)


def _follow(tr: _Track, sg: _Segs, claimed: set[int]) -> bool:
    """Advance a track over one line; False when the line crosses it (the track ends)."""
    starts, ends = sg.starts, sg.ends
    lo, hi = tr.lo, tr.hi
    # the right column starts here on this line if a piece starts within the tolerance window
    anchor = -1
    best = ALIGN_TOLERANCE + 1
    j = bisect_left(starts, hi - ALIGN_TOLERANCE)
    while j < len(starts) and starts[j] <= lo + ALIGN_TOLERANCE:
        s = starts[j]
        if s >= MIN_GAP and j not in claimed:
            d = abs(2 * s - lo - hi)
            if anchor < 0 or d < best:
                anchor, best = j, d
        j += 1
    if anchor >= 0:
        lo = min(lo, starts[anchor])
        hi = max(hi, starts[anchor])
    # compatible: every piece starts at/after the gutter or ends a gap before it; pieces are
    # sorted and apart, so only the last one starting left of the gutter can cross it
    k = bisect_left(starts, lo) - 1
    if k >= 0 and ends[k] > hi - MIN_GAP:
        return False
    tr.lo, tr.hi = lo, hi
    if k >= 0:
        tr.left_rows += 1
        tr.left_w = max(tr.left_w, ends[k] - starts[k])
    if anchor >= 0:
        claimed.add(anchor)
        tr.anchors += 1
        tr.right_w = max(tr.right_w, ends[anchor] - starts[anchor])
    if k >= 0 and k + 1 < len(starts):
        tr.both += 1
    return True


def _find_gutters(lines: list[Line]) -> tuple[list[tuple[int, int, int, int, int]],
                                                 list[_Segs | None]]:
    """Sweep the lines once.  Returns valid gutters (first line, last line, lo, hi, anchors)
    and the pieces of every line that was looked at."""
    segs: list[_Segs | None] = [None] * len(lines)
    gutters: list[tuple[int, int, int, int, int]] = []
    tracks: list[_Track] = []

    def close(tr: _Track, last: int) -> None:
        if tr.valid():
            gutters.append((tr.start, last, tr.lo, tr.hi, tr.anchors))

    for i, ln in enumerate(lines):
        text = ln.text
        if not tracks and _GAP not in text.rstrip(" "):
            continue                   # one piece at the margin: no gutter to start or end
        sg = _segments(text)
        if sg is None:                 # a table row or junk: ends every region
            for tr in tracks:
                close(tr, i - 1)
            tracks = []
            continue
        segs[i] = sg
        claimed: set[int] = set()
        alive: list[_Track] = []
        for tr in tracks:
            if _follow(tr, sg, claimed):
                alive.append(tr)
            else:
                close(tr, i - 1)
        starts, ends = sg.starts, sg.ends
        for j, s in enumerate(starts):
            if s >= MIN_GAP and j not in claimed:
                left_w = ends[j - 1] - starts[j - 1] if j else 0
                alive.append(_Track(s, i, left_w, ends[j] - s, j > 0))
        tracks = alive
    for tr in tracks:
        close(tr, len(lines) - 1)
    return gutters, segs


def _regions(gutters: list[tuple[int, int, int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """Group gutters whose line runs overlap into regions: (first line, last line, the left
    edges of the columns 2, 3 … in display columns)."""
    groups: list[list] = []
    for g in sorted(gutters):
        if groups and g[0] <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], g[1])
            groups[-1][2].append(g)
        else:
            groups.append([g[0], g[1], [g]])
    out = []
    for first, last, gs in groups:
        # one gutter found twice (its run was cut and resumed a column or two off) is one edge
        edges: list[list[int]] = []
        for _, _, lo, hi, _ in sorted(gs, key=lambda g: g[2]):
            if edges and lo - edges[-1][1] < MIN_COLUMN_WIDTH:
                edges[-1][1] = max(edges[-1][1], hi)
            else:
                edges.append([lo, hi])
        out.append((first, last, [e[0] for e in edges]))
    return out


def _cut_region(lines: list[Line], segs: list[_Segs | None], first: int, last: int,
                edges: list[int]) -> list[Line]:
    """Cut the lines first..last at the column edges and read column by column."""
    rows: list[dict[int, str]] = []
    for i in range(first, last + 1):
        sg = segs[i]
        cells: dict[int, list[int]] = {}
        if sg is not None:
            for s, a, b in zip(sg.starts, sg.i0, sg.i1):
                c = bisect_right(edges, s)
                if c in cells:
                    cells[c][1] = b
                else:
                    cells[c] = [a, b]
        text = lines[i].text
        row = {}
        for c, (a, b) in cells.items():
            piece = text[a:b].strip()
            if piece:
                row[c] = piece
        rows.append(row)

    out: list[Line] = []
    colno = 0
    for c in range(len(edges) + 1):
        started = False
        gap = 0
        for r, row in enumerate(rows):
            ln = lines[first + r]
            if started and (ln.blank_before or not row):
                gap = max(gap, ln.blank_before, 1)
            piece = row.get(c)
            if piece is None:
                if started:
                    gap = max(gap, 1)  # this column is empty on this row: a vertical gap
                continue
            if not started:
                colno += 1
                started = True
                blank = lines[first].blank_before if not out else 0
            else:
                blank = gap
            gap = 0
            lead = c == min(row)       # the piece that starts the input line keeps its markup
            tail = c == max(row)       # the piece that ends it keeps the hard break
            out.append(replace(ln, text=piece, column=colno, blank_before=blank,
                               markup=ln.markup if lead else "",
                               heading_level=ln.heading_level if lead else 0,
                               hard_break=ln.hard_break if tail else False))
    return out


def split_merged_columns(lines: list[Line]) -> tuple[list[Line], int]:
    """Split lines that hold several columns side by side; read the columns one after another.

    ``lines``: one page's non-blank lines in file order (``.text`` raw, leading spaces kept,
    no newline; ``.blank_before`` = blank lines right before).  Returns (lines in reading
    order, number of merged regions found).  Lines outside merged regions are returned as
    they are (same objects, same order).  Inside a region each line is cut into one segment
    per column; each becomes a new :class:`Line` with the same page/lineno, the segment's text
    stripped, ``column`` = 1, 2, 3 … from the left, and ``blank_before`` = 0 except where that
    column had a vertical gap (a blank line, or rows where the column was empty between two of
    its rows): there it is the number of blank lines, at least 1.  The first segment of a
    region keeps the blank lines in front of the region.  The segment that starts an input line
    keeps its markup and heading level, the one that ends it its hard break.  Order: region by
    region in file order; inside a region column 1 top to bottom, then column 2, …
    """
    lines = list(lines)
    if len(lines) < MIN_ALIGNED_LINES:
        return lines, 0
    gutters, segs = _find_gutters(lines)
    if not gutters:
        return lines, 0
    regions = _regions(gutters)
    out: list[Line] = []
    pos = 0
    for first, last, edges in regions:
        out.extend(lines[pos:first])
        out.extend(_cut_region(lines, segs, first, last, edges))
        pos = last + 1
    out.extend(lines[pos:])
    return out, len(regions)
