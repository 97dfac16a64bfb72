"""Layout of pages with geometry (PDF, later scans): lines → column runs → paragraph pieces.

A *column run* is a chain of lines of one size set one under the other in one column, with
line spacing between them and nothing (no rule, no box edge) in between.  A run breaks
where the column breaks: at a headline, a photo, a rule, the page foot.  Runs of body text
are cut into paragraph pieces at first-line indents and short last lines; each piece is a
:class:`Block` that remembers its run and whether its edges visibly open or close a
paragraph, so that the assembler can join a paragraph that continues from the foot of one
column to the top of the next.

Pure geometry: reads ``page.lines`` and ``page.graphics``, writes ``page.blocks`` in a
provisional top-to-bottom order (the assembler decides reading order per article).
"""

from __future__ import annotations

import math

from .containers import BBox, Block, GraphicKind, Line, Page
from .layout import CJK_CONTEXT_SHARE
from .textutil import cjk_ratio, is_cjk, join_pieces, latin_joint

__all__ = ["layout_geometry", "body_size", "box_key", "piece_block"]

#: a line continues the run of the line above when the white gap between them is at most
#: this many ems: body text is set with 1.2–1.8× leading (gap 0.2–0.8 em); the gap above a
#: new article's head or below a photo is wider
RUN_GAP_EM = 0.95
#: …and when their left edges differ by at most this many ems (a 2-em paragraph indent
#: plus slack), or the narrower of the two lies mostly inside the wider (centred lines)
RUN_INDENT_EM = 2.6
RUN_OVERLAP_SHARE = 0.8
#: …where "left edges differ" lines may merely touch: an indented line ending short of the
#: column (a closing character pulled down by line-breaking rules) above a one-character last
#: line ("力。") share no x range at all; this much white (in ems) still counts as touching
RUN_TOUCH_EM = 0.25
#: sizes within this ratio are one run
RUN_SIZE_RATIO = 1.08
#: a line whose left edge is this many ems right of its run's left edge opens a paragraph
#: (Chinese body text indents two ems; centred subheads more)
INDENT_MIN_EM = 1.0
#: a line ending this many ems before its run's right edge closes its paragraph
SHORT_LINE_EM = 1.2
#: columns of a vertical headline stand at most this many ems apart
VERTICAL_COLUMN_GAP_EM = 1.0
#: …and may overlap by this many ems, across or (two pieces of one column) down: OCR boxes pad
#: the ink (RapidOCR's two columns of 量子AI“应用场” overlapped by 6 px, 0.07 em, and 共同责任 /
#: 共迎时代挑战 of one column by 6 px down; a PDF's glyph boxes never overlap)
VERTICAL_COLUMN_OVERLAP_EM = 0.25
#: a vertical line continues the column above it across at most this many ems of white
#: (a vertical headline's word space: synth edition 1 page 2 has 1.2 em)
VERTICAL_WORD_GAP_EM = 2.0
#: a page opens paragraphs with an indent when at least this share of the lines that follow
#: a short line are indented (a short line without indent after it is then a ragged line)
INDENT_STYLE_SHARE = 0.6
#: …counting only lines this many ems short: ragged lines (a number or a word pushed to the
#: next line) are short by up to ~3 em, paragraph ends by anything
STYLE_SHORT_EM = 4.0
#: sizes are rounded to this step before the page's body size is taken as their mode
SIZE_STEP = 0.5


def body_size(lines: list[Line]) -> float:
    """The page's body text size: the size carrying the most characters."""
    chars: dict[float, int] = {}            # per size as given, then per rounded size
    for ln in lines:
        if ln.size and not ln.vertical:
            chars[ln.size] = chars.get(ln.size, 0) + len(ln.text)
    weights: dict[float, int] = {}
    for size, n in chars.items():
        key = round(size / SIZE_STEP) * SIZE_STEP
        weights[key] = weights.get(key, 0) + n
    if not weights:
        return 10.0
    return max(weights.items(), key=lambda kv: (kv[1], -kv[0]))[0]


def box_key(page: Page, bbox: BBox) -> int:
    """Index+1 of the smallest box (frame) holding ``bbox``, 0 when none does."""
    return frame_key(frames(page), bbox)


def frames(page: Page) -> list[tuple[int, BBox, float]]:
    """The page's boxes (frames) as (index+1, bbox, area) in page order: what :func:`box_key`
    looks at, taken once for the many boxes of a page (:func:`frame_key`)."""
    return [(i + 1, g.bbox, g.bbox.width * g.bbox.height)
            for i, g in enumerate(page.graphics) if g.kind is GraphicKind.BOX]


def frame_key(frames: list[tuple[int, BBox, float]], bbox: BBox) -> int:
    """:func:`box_key` of ``bbox`` among the page's ``frames``."""
    best, best_area = 0, float("inf")
    for key, frame, area in frames:
        if frame.contains(bbox, slack=1.0) and area < best_area:
            best, best_area = key, area
    return best


def _separators(page: Page) -> list[tuple[BBox, bool]]:
    """The graphics that can stand between two lines (:func:`_rule_between`): boxes (their
    edges; flag True), images and horizontal rules (flag False)."""
    return [(g.bbox, g.kind is GraphicKind.BOX) for g in page.graphics
            if g.kind is GraphicKind.BOX or g.kind is GraphicKind.IMAGE or g.horizontal]


def _rule_between(separators: list[tuple[BBox, bool]], upper: BBox, lower: BBox) -> bool:
    """A horizontal rule (or a box edge, or an image) lies between two vertically adjacent
    lines, across their common horizontal extent (``separators``: the page's
    :func:`_separators`, taken once for all its lines)."""
    x0, x1 = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    if x1 <= x0:
        x0, x1 = min(upper.x0, lower.x0), max(upper.x1, lower.x1)
    top, bottom = upper.y1 - 0.5, lower.y0 + 0.5
    for b, box in separators:
        if b.x1 <= x0 or b.x0 >= x1:
            continue
        if box:
            if top <= b.y0 <= bottom or top <= b.y1 <= bottom:
                return True
        elif b.y0 < bottom and b.y1 > top:
            return True
    return False


def layout_geometry(page: Page) -> None:
    lines = [ln for ln in page.lines if ln.bbox is not None]
    lines.sort(key=lambda ln: (ln.bbox.y0, ln.bbox.x0))
    for i, ln in enumerate(lines, start=1):
        ln.lineno = i
    page.lines = lines
    page_frames = frames(page)
    boxes = {id(ln): frame_key(page_frames, ln.bbox) for ln in lines} if page_frames else {}
    runs = _runs(page, lines, boxes)
    edges = [_edges(run) if len(run) > 1 else None for run in runs]   # each taken once
    indent_style = _indent_style(runs, body_size(lines), edges)
    blocks: list[Block] = []
    for r, run in enumerate(runs):
        blocks.extend(_pieces(run, r, indent_style, edges[r]))
    blocks.sort(key=lambda b: (b.lines[0].bbox.y0, b.lines[0].bbox.x0))
    page.blocks = blocks


def _runs(page: Page, lines: list[Line], boxes: dict[int, int]) -> list[list[Line]]:
    """Chain each line to the line above it in the same column (best candidate wins)."""
    horizontal = [ln for ln in lines if not ln.vertical]
    pred: dict[int, Line] = {}
    taken: dict[int, tuple[float, Line]] = {}
    # candidates: for each line, lines above it within reach; sorted by y so a window works
    tops = [ln.bbox.y0 for ln in horizontal]        # plain lists: the window loop is hot
    bottoms = [ln.bbox.y1 for ln in horizontal]
    lefts = [ln.bbox.x0 for ln in horizontal]
    rights = [ln.bbox.x1 for ln in horizontal]
    sizes = [ln.size for ln in horizontal]           # as given (None or 0 possible)
    # lines too far apart across to be aligned can only pass as overlapping, which needs a
    # positive reach: so they are dropped before the other tests, when sizes are positive
    # and boxes not inverted (as every reader gives them)
    prefilter = all((ln.size or 1.0) > 0 and ln.bbox.x1 >= ln.bbox.x0 for ln in horizontal)
    separators = _separators(page)
    for j, ln in enumerate(horizontal):
        best: tuple[float, Line] | None = None
        size = ln.size or 1.0
        b = ln.bbox
        y0, window = b.y0, (RUN_GAP_EM + 1.2) * RUN_SIZE_RATIO * size
        least_gap, most_gap = -0.3 * size, RUN_GAP_EM * size
        least_reach = -RUN_TOUCH_EM * size
        too_far = least_reach if prefilter else -math.inf
        bx0, bx1 = b.x0, b.x1
        bw = bx1 - bx0                                 # b.width
        my_box = boxes.get(id(ln)) if boxes else None
        for k in range(j - 1, -1, -1):
            if y0 - tops[k] > window:
                break     # sorted by top: no line of a similar size further up is in reach
            gap = y0 - bottoms[k]
            if gap < least_gap or gap > most_gap:
                continue
            right, left = rights[k], lefts[k]
            reach = (right if right < bx1 else bx1) - (left if left > bx0 else bx0)   # min, max
            if reach < too_far:
                continue  # another column: neither aligned nor overlapping (tests below)
            up_size = sizes[k]
            if (up_size if up_size > size else size) > RUN_SIZE_RATIO * (up_size if up_size < size else size):
                continue                                   # max(…) > RATIO * min(…)
            up = horizontal[k]
            if boxes and boxes.get(id(up)) != my_box:
                continue
            overlap = reach if reach > 0.0 else 0.0        # BBox.x_overlap
            uw = right - left                              # up.bbox.width
            narrow = (uw if uw < bw else bw) or 1.0        # min(b.width, up's width)
            dx = abs(bx0 - left)
            aligned = dx <= RUN_INDENT_EM * size and reach >= least_reach
            if not (aligned or overlap >= RUN_OVERLAP_SHARE * narrow):
                continue
            cost = gap + dx * 0.5
            if best is None or cost < best[0]:
                best = (cost, up)
        if best is None:
            continue
        cost, up = best
        if _rule_between(separators, up.bbox, ln.bbox):
            continue
        prior = taken.get(id(up))
        if prior is not None and prior[0] <= cost:
            continue
        if prior is not None:
            pred.pop(id(prior[1]), None)
        taken[id(up)] = (cost, ln)
        pred[id(ln)] = up
    succ = {k: v[1] for k, v in taken.items() if id(v[1]) in pred}
    runs: list[list[Line]] = []
    for ln in horizontal:
        if id(ln) in pred:
            continue
        run = [ln]
        while id(run[-1]) in succ:
            run.append(succ[id(run[-1])])
        runs.append(run)
    runs.extend(_vertical_runs([ln for ln in lines if ln.vertical]))
    return runs


def _vertical_runs(lines: list[Line]) -> list[list[Line]]:
    """Vertical lines side by side (a vertical headline in several columns) are one run,
    read right to left."""
    runs: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: -ln.bbox.x1):
        last = runs[-1][-1] if runs else None
        em = ln.size or 1
        same_size = last is not None and abs(em - (last.size or 1)) <= 0.1 * (last.size or 1)
        if same_size and -VERTICAL_COLUMN_OVERLAP_EM * em <= last.bbox.x0 - ln.bbox.x1 <= VERTICAL_COLUMN_GAP_EM * em \
                and ln.bbox.y_overlap(last.bbox) >= 0.5 * min(ln.bbox.height, last.bbox.height):
            runs[-1].append(ln)
        elif same_size and ln.bbox.x_overlap(last.bbox) >= 0.5 * min(ln.bbox.width, last.bbox.width) \
                and -VERTICAL_COLUMN_OVERLAP_EM * em <= ln.bbox.y0 - last.bbox.y1 <= VERTICAL_WORD_GAP_EM * em:
            runs[-1].append(ln)          # the same column, after a word space of a headline
        else:
            runs.append([ln])
    return runs


def _edges(run: list[Line]) -> tuple[list[bool], list[bool]]:
    """Per line: is it indented from the run's left edge; does it end short of the right."""
    size = run[0].size or 1.0
    x0s = [ln.bbox.x0 for ln in run]
    x1s = [ln.bbox.x1 for ln in run]
    lefts: dict[int, int] = {}         # lines per (rounded) left edge
    for x0 in x0s:
        x = round(x0)
        lefts[x] = lefts.get(x, 0) + 1
    most = max(lefts.values())
    left = min(x for x, n in lefts.items() if n == most)
    # ragged (unjustified) lines: the longest reaches the edge
    right = max(map(round, x1s))
    if most == 1:                      # every line starts elsewhere: a centred head or caption
        left = min(lefts)
    indent, short_by = INDENT_MIN_EM * size, SHORT_LINE_EM * size
    indented = [x0 - left >= indent for x0 in x0s]
    short = [right - x1 >= short_by for x1 in x1s]
    return indented, short


def _indent_style(runs: list[list[Line]], size0: float,
                  edges: list[tuple[list[bool], list[bool]] | None]) -> bool:
    """Does this page open its paragraphs with an indent?  Then an indent alone opens a
    paragraph, and a line ending short (an unbreakable number pushed to the next line)
    does not close one.  Counted on body-size runs: lines after a clearly short line.
    ``edges``: each run's :func:`_edges` (None for one-line runs)."""
    after_short = indented_after = 0
    for r, run in enumerate(runs):
        if len(run) < 3 or abs((run[0].size or 0) - size0) > 0.08 * size0:
            continue
        indented, _ = edges[r]
        right = max(ln.bbox.x1 for ln in run)
        for i in range(1, len(run)):
            if right - run[i - 1].bbox.x1 >= STYLE_SHORT_EM * size0:
                after_short += 1
                indented_after += indented[i]
    return after_short > 0 and indented_after >= INDENT_STYLE_SHARE * after_short


def _pieces(run: list[Line], r: int, indent_style: bool,
            edges: tuple[list[bool], list[bool]] | None) -> list[Block]:
    """Cut one run into paragraph pieces at indents (and short lines, on pages that do not
    indent); ``edges``: the run's :func:`_edges` (None for a one-line run)."""
    if run[0].vertical:
        return [piece_block(run, r, opens=True, closes=True)]
    if len(run) == 1:
        return [piece_block(run, r, opens=True, closes=not indent_style)]
    indented, short = edges
    if indent_style:
        short = [i + 1 < len(run) and indented[i + 1] for i in range(len(run))]
    out: list[Block] = []
    cur = [run[0]]
    opens = indented[0]
    for i in range(1, len(run)):
        if indented[i] or short[i - 1]:
            out.append(piece_block(cur, r, opens=opens, closes=short[i - 1] or indented[i]))
            cur, opens = [run[i]], indented[i] or short[i - 1]
        else:
            cur.append(run[i])
    out.append(piece_block(cur, r, opens=opens, closes=short[-1]))
    return out


def piece_block(lines: list[Line], run: int, opens: bool, closes: bool) -> Block:
    """A paragraph piece: ``lines`` of one run joined into a :class:`Block`."""
    texts = [ln.text for ln in lines]
    if _cjk_joints(texts):       # most pieces of Chinese text: what join_pieces would give
        text, hyphens = "".join(texts), 0
    else:
        text, hyphens = texts[0], 0
        cjk: bool | None = None  # the pieces' CJK share, taken when a joint needs it (rare)
        for t in texts[1:]:
            if cjk is None and latin_joint(text, t):
                cjk = cjk_ratio("".join(texts)) >= CJK_CONTEXT_SHARE
            text, hy = join_pieces(text, t, bool(cjk))
            hyphens += hy
    return Block(lines=list(lines), text=text, run=run, opens=opens, closes=closes,
                 soft_hyphens=hyphens)


def _cjk_joints(texts: list[str]) -> bool:
    """Does :func:`join_pieces` join each text to the next by plain concatenation: no white
    on either side of the joint (nothing to strip) and a CJK character on one side of it."""
    prev = texts[0]
    for t in texts[1:]:
        if not prev or not t:
            return False
        a, b = prev[-1], t[0]
        if a.isspace() or b.isspace() or not (is_cjk(a) or is_cjk(b)):
            return False
        prev = t
    return True
