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
from dataclasses import fields
from operator import attrgetter

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

# a gap: MIN_GAP or more spaces (captured, so that split() keeps the gaps between the pieces)
_GAP_RE = re.compile("( {%d,})" % MIN_GAP)
_GAP = " " * MIN_GAP


class _WidthTable(dict):
    """str.translate table mapping each character to as many characters as it is wide, so that
    len(text.translate(table)) == textutil.display_width(text), computed in C."""

    def __missing__(self, code: int) -> str:
        w = char_width(chr(code))
        value = " " * w
        if len(self) < 65536:          # bounded: a page of all-distinct characters stays small
            self[code] = value
        return value


_WIDTH_TABLE = _WidthTable()


# characters that are certainly 2 wide (CJK ideographs, kana, hangul, CJK and full-width
# punctuation, the quotes set full-width); the combining marks U+302A-302F and U+3099-309A
# (width 0) are left out.  Anything outside ASCII and this class takes the exact path.
_SURELY_WIDE = ("\u1100-\u115f\u2e80-\u3029\u3030-\u303e\u3041-\u3098\u309b-\u33ff"
                "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
                "\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6“”‘’…—·")
_NOT_ASCII_OR_WIDE = re.compile("[^\x00-\x7f" + _SURELY_WIDE + "]")


def _width(text: str) -> int:
    """textutil.display_width, fast: ASCII 1, the common wide characters 2 (counted in C)."""
    if text.isascii():
        return len(text)
    if _NOT_ASCII_OR_WIDE.search(text) is None:
        return 2 * len(text) - len(text.encode("ascii", "ignore"))
    return len(text.translate(_WIDTH_TABLE))


# The pieces of one line: display start and end (end exclusive) of each, and its code-point
# span in the line's text (four parallel lists, sorted left to right).
_Segs = tuple[list[int], list[int], list[int], list[int]]


def _segments(text: str) -> _Segs | None:
    """Cut a line at runs of >= MIN_GAP spaces (trailing spaces dropped first: never a gap);
    None when it has more than MAX_SEGMENTS pieces."""
    parts = _GAP_RE.split(text.rstrip(" "), MAX_SEGMENTS + 1)
    starts: list[int] = []
    ends: list[int] = []
    i0: list[int] = []
    i1: list[int] = []
    first = parts[0]
    lead = len(first) - len(first.lstrip(" "))     # fewer than MIN_GAP leading spaces
    col = idx = lead
    if len(first) > lead:
        w = _width(first) - lead
        starts.append(col)
        ends.append(col + w)
        i0.append(idx)
        i1.append(len(first))
        col += w
        idx = len(first)
    for k in range(1, len(parts), 2):
        gap = len(parts[k])            # only ASCII spaces: width 1 each
        piece = parts[k + 1]
        col += gap
        idx += gap
        w = _width(piece)
        starts.append(col)
        ends.append(col + w)
        i0.append(idx)
        idx += len(piece)
        i1.append(idx)
        col += w
    if len(starts) > MAX_SEGMENTS:
        return None
    return starts, ends, i0, i1


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
    starts, ends = sg[0], sg[1]
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
        starts, ends = sg[0], sg[1]
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


_LINE_FIELDS = tuple(f.name for f in fields(Line) if f.init)
_LINE_VALUES = attrgetter(*_LINE_FIELDS)
_POSITIONAL = not any(f.kw_only for f in fields(Line))


def _copy(ln: Line) -> Line:
    """A new Line with the same field values (dataclasses.replace without its per-call cost)."""
    if _POSITIONAL:
        return Line(*_LINE_VALUES(ln))
    return Line(**dict(zip(_LINE_FIELDS, _LINE_VALUES(ln))))


def _cut_region(lines: list[Line], segs: list[_Segs | None], first: int, last: int,
                edges: list[int]) -> list[Line]:
    """Cut the lines first..last at the column edges and read column by column."""
    ncols = len(edges) + 1
    # per column: (row, piece, starts the input line, ends the input line)
    cols: list[list[tuple[int, str, bool, bool]]] = [[] for _ in range(ncols)]
    for r in range(last - first + 1):
        sg = segs[first + r]
        if sg is None:
            continue
        text = lines[first + r].text
        starts, i0, i1 = sg[0], sg[2], sg[3]
        pieces: list[tuple[int, str]] = []     # (column, text), left to right
        j, n = 0, len(starts)
        while j < n:
            c = bisect_right(edges, starts[j])
            k = j + 1
            while k < n and bisect_right(edges, starts[k]) == c:
                k += 1                 # a double space inside the column's text: keep it
            piece = text[i0[j]:i1[k - 1]].strip()
            if piece:
                pieces.append((c, piece))
            j = k
        last_n = len(pieces) - 1
        for n_, (c, piece) in enumerate(pieces):
            cols[c].append((r, piece, n_ == 0, n_ == last_n))

    blanks = [lines[i].blank_before for i in range(first, last + 1)]
    out: list[Line] = []
    colno = 0
    for col in cols:
        if not col:
            continue
        colno += 1
        prev = -1
        for r, piece, lead, tail in col:
            if prev < 0:               # a column's top: only the region's top keeps its blanks
                blank = blanks[0] if not out else 0
            elif r == prev + 1:
                blank = blanks[r]
            else:                      # rows where this column is empty: a vertical gap
                blank = max(1, max(blanks[prev + 1:r + 1]))
            prev = r
            ln = lines[first + r]
            seg = _copy(ln)
            seg.text, seg.column, seg.blank_before = piece, colno, blank
            if not lead:               # the piece that starts the input line keeps its markup
                seg.markup, seg.heading_level = "", 0
            if not tail:               # the piece that ends it keeps the hard break
                seg.hard_break = False
            out.append(seg)
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
