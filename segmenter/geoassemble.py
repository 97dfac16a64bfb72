"""Articles from the geometry of a page (PDF, later scans).

Units: *heads* (heading blocks stacked together: kicker, headline, subtitle, plus a byline
right under them), *runs* (the body pieces of one column run), and *figures* (a photo with
its caption and credit).  Each run belongs to the nearest thing above it in its column:
a head (the run starts that article), another run (it continues that run's article), or a
rule (it starts something new, owned from the side).  Runs nobody owns from above take the
owner of a run beside them across a gutter (the outer columns under a short centred
headline).  A vertical (竖排) head owns the runs beside it.  Everything is confined to its
box: a boxed short article inside a long one never mixes with it.

Reading order inside an article is column-major: its runs are grouped into columns by
horizontal overlap, columns read left to right, each top to bottom.  A paragraph continues
from the foot of one piece to the top of the next when the first does not visibly close
(its last line is full) and the second does not visibly open (no indent).
"""

from __future__ import annotations

from dataclasses import dataclass

from .assemble import FURNITURE_KINDS
from .containers import (Article, BBox, Block, Figure, GraphicKind, Join, NonArticle,
                         NonArticleKind, Page, Paragraph, Role, union_of)
from .geolayout import INDENT_MIN_EM, body_size, box_key, frame_key, frames
from .georoles import HEADING_MIN_RATIO
from .lexicon import SUBTITLE_RE
from .textutil import join_pieces

__all__ = ["assemble_geometry"]

#: head blocks stacked closer than this (ems of the smaller) belong to one head
HEAD_STACK_GAP_EM = 1.6
#: …and overlap each other horizontally by this share of the narrower (lines of one head
#: are stacked or centred over each other; two heads side by side only touch)
HEAD_STACK_OVERLAP_SHARE = 0.5
#: …also when set aside of it by at most this many ems (of the smaller) of white, if it is
#: smaller, opens with a subtitle dash and starts under the head (synth edition 0 page 3: a subtitle 2 em right of a
#: short headline)
HEAD_SIDE_GAP_EM = 2.5
#: a head whose largest block is at least this much larger than body text starts an article;
#: a smaller heading right under body text in its column is a section subhead
HEADLINE_MIN_RATIO = 1.4
#: a smaller heading is a subhead only when the body above it is this close (ems)
SUBHEAD_GAP_EM = 2.5
#: …or when body text of its article starts beside it, level with it within this many ems
#: (a subhead opening a column right under the headline)
SUBHEAD_BESIDE_EM = 2.0
#: a kicker set at body size (synth sets some at 10 pt over a 10 pt body; papers do too): a run
#: of its own of at most KICKER_MAX_LINES lines, standing at most KICKER_GAP_EM (body ems) over a
#: head and within its width, no rule between (the PDF sets it 0.7 em over its headline; body
#: text over the next article's head stands ≥ 1 em off with a rule, and is a longer run)
KICKER_MAX_LINES = 3
KICKER_GAP_EM = 1.0
#: a byline belongs to a head when it starts within this many ems under it
BYLINE_GAP_EM = 2.5
#: a thing "above" overlaps this share of the narrower of the two horizontally
ABOVE_OVERLAP_SHARE = 0.3
#: runs side by side across a gutter at most this many ems wide are one article's columns
GUTTER_MAX_EM = 3.5
#: a run continues the article of the run above it across at most this much white space
#: (ems of body size): paragraph and figure spacing inside an article stays under 2 em, while
#: the gap over the outer columns of the next article holds at least its headline
RUN_CONTINUE_MAX_EM = 3.0
#: white space above a column top wider than this (ems) may be the gap between two modules
#: (paragraph and photo spacing inside an article stays under 1.5 em)
NEW_MODULE_GAP_EM = 1.5
#: a head owns a run below it only across at most this much white (ems of body size; photos
#: between them do not count): text starts right under its headline, subtitle and byline,
#: while a column far below a wide headline with nothing between belongs to another module
#: (tuned on synth editions 0–9, where such columns sat 20–60 em under the head)
HEAD_REACH_EM = 6.0
#: a vertical head owns runs beside it within this many ems…
VERTICAL_SIDE_EM = 3.0
#: …that start level with its top, within this many ems (its article's columns and photo
#: start with it; text further down beside it belongs to the column above that text)
VERTICAL_TOP_EM = 2.5
#: a caption or credit within this many ems of a figure's caption joins that figure
CAPTION_JOIN_EM = 1.5
#: a photo at least this large (points) is a figure, smaller images are ornaments
FIGURE_MIN_SIDE = 24.0
#: ownership found from the side can open the way from above for units under it: repeat
#: (a chain of columns and figures settles in two or three rounds)
OWNERSHIP_ROUNDS = 4
#: confidence given to an ownership found across a gutter rather than from above
SIDEWAYS_SCORE = 0.8
#: confidence of an article without any head (orphan runs grouped together)
HEADLESS_SCORE = 0.5


@dataclass(eq=False)
class _Unit:
    kind: str                          # "head", "run", "figure"
    blocks: list[Block]
    bbox: BBox
    box: int
    figure: Figure | None = None
    owner: "_Unit | None" = None       # the head unit this unit belongs to
    score: float = 1.0
    vertical: bool = False


def assemble_geometry(page: Page) -> tuple[list[Article], list[NonArticle]]:
    size0 = body_size(page.lines)
    others: list[NonArticle] = []
    blocks: list[Block] = []
    for b in page.blocks:
        kind = FURNITURE_KINDS.get(b.role)
        if kind is not None:
            others.append(NonArticle(kind, [b]))
        else:
            blocks.append(b)
    heads, runs, figures = _units(page, blocks, size0)
    units = heads + runs + figures
    _own_beside_vertical(page, heads, runs + figures, size0)
    for _ in range(OWNERSHIP_ROUNDS):
        before = sum(u.owner is not None for u in runs + figures)
        _own_from_above(page, heads, runs + figures, size0)
        _own_sideways(page, runs + figures, size0)
        if sum(u.owner is not None for u in runs + figures) == before:
            break
    _own_bylines(runs, size0)
    articles: list[Article] = []
    for h in heads:
        if h.kind == "head":
            articles.append(_article(h, [u for u in units if u.owner is h]))
    orphans = [u for u in runs + figures if u.owner is None]
    for group in _orphan_groups(orphans, size0):
        texts = [u for u in group if u.kind == "run"]
        if not texts:
            for f in group:
                others.append(NonArticle(NonArticleKind.FIGURE, [], f.figure))
            continue
        a = _article(None, group)
        # kept as a join, so that the edition's confidence (the lowest join score) sees it
        first = texts[0].blocks[0].spans()[0]
        a.joins.append(Join("orphan", HEADLESS_SCORE, first, first))
        a.confidence = HEADLESS_SCORE
        articles.append(a)
    return articles, _merge_furniture(others)


# --- units ------------------------------------------------------------------------------

def _units(page: Page, blocks: list[Block], size0: float) -> tuple[list[_Unit], list[_Unit], list[_Unit]]:
    headings = [b for b in blocks if b.role is Role.HEADING]
    used: set[int] = set()
    heads: list[_Unit] = []
    page_frames = frames(page)
    # the headings' boxes, sizes and frames (taken once: nothing here changes their lines)
    hbox = {id(b): b.bbox for b in headings}
    hsize = {id(b): b.size for b in headings}
    hkey = {id(b): frame_key(page_frames, hbox[id(b)]) for b in headings}
    # stack heading blocks into heads (connected by small vertical gaps and overlap)
    headings.sort(key=lambda b: (hbox[id(b)].y0, hbox[id(b)].x0))
    # the headings a head can take in: (id, block, box, size) of the horizontal ones, in order
    stackable = [(id(c), c, hbox[id(c)], hsize[id(c)]) for c in headings if not c.lines[0].vertical]
    for b in headings:
        if id(b) in used:
            continue
        group = [b]
        used.add(id(b))
        group_size = hsize[id(b)]          # max(x.size for x in group)
        grew = True
        while grew and not b.lines[0].vertical:
            grew = False
            gb = union_of([hbox[id(x)] for x in group])     # _union(group)
            gb_key = None                   # frame_key of gb, when first needed
            for cid, c, cb, csize in stackable:
                if cid in used:
                    continue
                gap = max(cb.y0 - gb.y1, gb.y0 - cb.y1)
                em = min(csize, group_size)
                if gap <= HEAD_STACK_GAP_EM * em \
                        and cb.x_overlap(gb) >= HEAD_STACK_OVERLAP_SHARE * min(cb.width, gb.width):
                    if gb_key is None:
                        gb_key = frame_key(page_frames, gb)
                    if hkey[cid] == gb_key \
                            and not any(_vertical_rule_between(page, cb, hbox[id(x)]) for x in group):
                        group.append(c)
                        used.add(cid)
                        group_size = max(group_size, csize)
                        grew = True
        group.sort(key=lambda x: (hbox[id(x)].y0, hbox[id(x)].x0))
        bb = union_of([hbox[id(x)] for x in group])         # _union(group)
        heads.append(_Unit("head", group, bb, frame_key(page_frames, bb), vertical=b.lines[0].vertical))
    _stack_offset_subtitles(heads)
    # bylines and arriving jump markers right under (or over) a head join it
    for b in blocks:
        if b.role not in (Role.BYLINE, Role.JUMP) or id(b) in used:
            continue
        bb = b.bbox
        for h in heads:
            hb = h.bbox
            if bb.x_overlap(hb) <= 0 or frame_key(page_frames, bb) != h.box:
                continue
            below = bb.y0 - hb.y1
            above = hb.y0 - bb.y1
            if -1 <= below <= BYLINE_GAP_EM * size0 or (b.role is Role.JUMP and -1 <= above <= BYLINE_GAP_EM * size0):
                if b.role is Role.JUMP and not any(j.direction == "from" for j in b.jumps):
                    continue
                h.blocks.append(b)
                h.bbox = h.bbox.union(bb)
                used.add(id(b))
                break
    # small heads right under body text of their column are section subheads
    runs_by_id: dict[int, list[Block]] = {}
    for b in blocks:
        if id(b) in used or b.role in (Role.CAPTION, Role.CREDIT):
            continue
        runs_by_id.setdefault(b.run, []).append(b)
    runs = [_run_unit(bs, page_frames) for bs in runs_by_id.values()]
    for h in list(heads):
        if h.vertical:
            continue
        ratio = max(b.size for b in h.blocks) / size0
        if ratio >= HEADLINE_MIN_RATIO:
            continue
        col = _column_of(h.bbox, runs, size0)     # a centred subhead: measure from its column
        above = _nearest_above(col, runs + heads, h)
        under_body = above is not None and above.kind == "run" and h.bbox.y0 - above.bbox.y1 <= SUBHEAD_GAP_EM * size0
        # …or under the short last line of a paragraph flush with its column's left edge
        under_body = under_body or any(
            r.box == h.box and -1 <= h.bbox.y0 - r.bbox.y1 <= SUBHEAD_GAP_EM * size0
            and abs(r.bbox.x0 - col.x0) <= size0 and r.bbox.x_overlap(col) > 0 for r in runs)
        beside_body = any(abs(r.bbox.y0 - h.bbox.y0) <= SUBHEAD_BESIDE_EM * size0 and r.box == h.box
                          and max(r.bbox.x0 - col.x1, col.x0 - r.bbox.x1) <= GUTTER_MAX_EM * size0
                          and r.bbox.x_overlap(col) <= 0 for r in runs)
        if under_body or beside_body:
            heads.remove(h)
            for b in h.blocks:
                if b.role is Role.HEADING:
                    b.role = Role.SUBHEAD
            h.kind = "run"
            runs.append(h)
    _body_size_kickers(page, heads, runs, size0)
    figures = _figures(page, blocks, used, size0)
    return heads, runs, figures


def _run_unit(blocks: list[Block], page_frames: list[tuple[int, BBox, float]]) -> _Unit:
    """The unit of one run's body pieces, top to bottom; each piece's box taken once (the
    union of their boxes is the union of their lines' boxes)."""
    boxes = [b.bbox for b in blocks]
    order = sorted(range(len(blocks)), key=lambda i: boxes[i].y0)     # stable, as sorting blocks
    bb = union_of(boxes)
    return _Unit("run", [blocks[i] for i in order], bb, frame_key(page_frames, bb))


def _body_size_kickers(page: Page, heads: list[_Unit], runs: list[_Unit], size0: float) -> None:
    """A short run of its own right over a head and within its width is the head's kicker
    (KICKER_MAX_LINES, KICKER_GAP_EM), whatever its size."""
    # the short body runs (a run taken as a kicker leaves ``runs``; no other run changes)
    short = {id(r) for r in runs if all(b.role is Role.BODY for b in r.blocks)
             and sum(len(b.lines) for b in r.blocks) <= KICKER_MAX_LINES}
    for h in heads:
        if h.vertical:
            continue
        hb = h.bbox
        for r in list(runs):
            rb = r.bbox
            if r.box != h.box or id(r) not in short:
                continue
            if not -1 <= hb.y0 - rb.y1 <= KICKER_GAP_EM * size0:
                continue
            if rb.x0 < hb.x0 - size0 or rb.x1 > hb.x1 + size0 or _rule_y_between(page, rb.y1, hb.y0, rb):
                continue
            if any(u is not r and u.bbox.y0 < hb.y0 and u.bbox.y1 > rb.y1 - 1 and u.bbox.x_overlap(rb) > 0
                   for u in runs):
                continue                  # something else between them
            runs.remove(r)
            for b in r.blocks:
                b.role = Role.HEADING
            h.blocks[:0] = r.blocks
            h.bbox = hb.union(rb)
            break


def _column_of(bb: BBox, runs: list[_Unit], size0: float) -> BBox:
    """``bb`` widened to the column of the run right under it (within SUBHEAD_GAP_EM and
    covering it), so a heading centred in its column is measured from the column's edges."""
    for r in runs:
        if 0 <= r.bbox.y0 - bb.y1 <= SUBHEAD_GAP_EM * size0 and r.bbox.x0 <= bb.x0 + 1 \
                and bb.x1 <= r.bbox.x1 + 1:
            return BBox(r.bbox.x0, bb.y0, r.bbox.x1, bb.y1)
    return bb


def _stack_offset_subtitles(heads: list[_Unit]) -> None:
    """A head that is only a subtitle ("——…", smaller) set under another head but shifted
    aside of it joins the nearest such head (a subtitle aligned right under a short centred
    headline shares no x range with it)."""
    for h in list(heads):
        if h.vertical or len(h.blocks) != 1 or not SUBTITLE_RE.match(h.blocks[0].text):
            continue
        em = h.blocks[0].size
        best = None
        for g in heads:
            if g is h or g.vertical or g.box != h.box or max(b.size for b in g.blocks) <= em:
                continue
            vgap = h.bbox.y0 - g.bbox.y1
            hgap = max(h.bbox.x0 - g.bbox.x1, g.bbox.x0 - h.bbox.x1, 0.0)
            if -0.5 * em <= vgap <= HEAD_STACK_GAP_EM * em and hgap <= HEAD_SIDE_GAP_EM * em:
                d = max(vgap, 0.0) + hgap
                if best is None or d < best[0]:
                    best = (d, g)
        if best is not None:
            g = best[1]
            g.blocks.append(h.blocks[0])
            g.bbox = g.bbox.union(h.bbox)
            heads.remove(h)


def _figures(page: Page, blocks: list[Block], used: set[int], size0: float) -> list[_Unit]:
    out: list[_Unit] = []
    caps = [b for b in blocks if b.role in (Role.CAPTION, Role.CREDIT) and id(b) not in used]
    taken: set[int] = set()
    for g in page.graphics:
        if g.kind is not GraphicKind.IMAGE or min(g.bbox.width, g.bbox.height) < FIGURE_MIN_SIDE:
            continue
        im = g.bbox
        mine = [b for b in caps if id(b) not in taken and b.bbox.x_overlap(im) > 0.3 * min(b.bbox.width, im.width)
                and (-2 <= b.bbox.y0 - im.y1 <= 4 * size0 or -2 <= im.y0 - b.bbox.y1 <= 4 * size0)]
        mine.sort(key=lambda b: b.bbox.y0)
        cap = [b for b in mine if b.role is Role.CAPTION]
        cred = [b for b in mine if b.role is Role.CREDIT]
        for b in mine:
            taken.add(id(b))
        fig = Figure(caption=_merge(cap, Role.CAPTION), credit=_merge(cred, Role.CREDIT))
        bb = im
        for b in mine:
            bb = bb.union(b.bbox)
        out.append(_Unit("figure", mine, bb, box_key(page, im), figure=fig))
    # captions / credits beside or under a figure's caption (a credit set flush right)
    grew = True
    while grew:
        grew = False
        for b in caps:
            if id(b) in taken:
                continue
            best = None
            for u in out:
                ub = u.bbox
                vgap = max(b.bbox.y0 - ub.y1, ub.y0 - b.bbox.y1)
                hgap = max(b.bbox.x0 - ub.x1, ub.x0 - b.bbox.x1)
                if vgap <= CAPTION_JOIN_EM * size0 and hgap <= CAPTION_JOIN_EM * size0:
                    d = max(vgap, 0.0) + max(hgap, 0.0)
                    if best is None or d < best[0]:
                        best = (d, u)
            if best is None:
                continue
            u = best[1]
            taken.add(id(b))
            u.blocks.append(b)
            u.bbox = u.bbox.union(b.bbox)
            f = u.figure
            if b.role is Role.CREDIT and f.credit is None:
                f.credit = b
            elif b.role is Role.CREDIT:
                f.credit = _merge([f.credit, b], Role.CREDIT)
            elif f.caption is None:
                f.caption = b
            else:
                f.caption = _merge([f.caption, b], Role.CAPTION)
            grew = True
    # captions / credits with no photo: a figure of their own
    rest = [b for b in caps if id(b) not in taken]
    for b in rest:
        fig = Figure(caption=b if b.role is Role.CAPTION else None, credit=b if b.role is Role.CREDIT else None)
        out.append(_Unit("figure", [b], b.bbox, box_key(page, b.bbox), figure=fig))
    return out


#: roles whose pieces are joined with a space: names (credits, bylines) and the halves of a
#: head; caption pieces are running text
_SPACED_ROLES = (Role.CREDIT, Role.BYLINE, Role.KICKER, Role.HEADLINE, Role.SUBTITLE)


def _merge(blocks: list[Block], role: Role) -> Block | None:
    """Blocks of one figure or head field as one block of ``role``."""
    if not blocks:
        return None
    if len(blocks) == 1:
        blocks[0].role = role
        return blocks[0]
    if role in _SPACED_ROLES:
        text = " ".join(b.text for b in blocks)
    else:
        text = blocks[0].text
        for b in blocks[1:]:
            text, _ = join_pieces(text, b.text, True)
    return Block(lines=[ln for b in blocks for ln in b.lines], text=text, role=role, run=blocks[0].run)


def _union(blocks: list[Block]) -> BBox:
    boxes: list[BBox] = []             # the lines' boxes, each block holding one at least
    for b in blocks:
        n = len(boxes)
        for ln in b.lines:
            if ln.bbox is not None:
                boxes.append(ln.bbox)
        if len(boxes) == n:
            bb = blocks[0].bbox             # a block without geometry: fails as it always did
            for b in blocks[1:]:
                bb = bb.union(b.bbox)
            return bb
    # the union of the blocks' unions, in one BBox
    return union_of(boxes)


# --- ownership --------------------------------------------------------------------------

def _nearest_above(bb: BBox, candidates: list[_Unit], me: _Unit) -> _Unit | None:
    best, best_y1 = None, 0.0
    limit = bb.y0 + 2
    x0, x1 = bb.x0, bb.x1
    share = ABOVE_OVERLAP_SHARE * bb.width
    for u in candidates:
        ub = u.bbox
        if ub.y1 > limit or u is me:
            continue
        # in bb's column: covering ABOVE_OVERLAP_SHARE of its width (a head also half its own
        # width: a short centred headline over its columns); the overlap written out (hot loop)
        ov = (ub.x1 if ub.x1 < x1 else x1) - (ub.x0 if ub.x0 > x0 else x0)
        if ov < 0.0:
            ov = 0.0
        if not (ov >= share or (u.kind == "head" and ov >= 0.5 * ub.width)):
            continue
        if best is None or ub.y1 > best_y1:
            best, best_y1 = u, ub.y1
    return best


def _rule_y_between(page: Page, top: float, bottom: float, bb: BBox) -> bool:
    lo, hi = top - 0.5, bottom + 0.5
    for g in page.graphics:
        if g.kind is not GraphicKind.RULE or not g.horizontal:
            continue
        r = g.bbox
        if lo <= r.cy <= hi and r.x_overlap(bb) >= 0.5 * bb.width:
            return True
    return False


def _own_from_above(page: Page, heads: list[_Unit], units: list[_Unit], size0: float) -> None:
    """Top-down: each unit takes the owner of the nearest head or run above it in its column,
    unless a rule lies between; photos are looked through (a figure inside an article)."""
    verticals = [h for h in heads if h.vertical]
    order = sorted(units, key=lambda u: (u.bbox.y0, u.bbox.x0))
    seen = _Sight(heads, units)          # taken once for the round: no box or kind changes in it
    for u in order:
        if u.owner is not None:
            continue
        above, score, gap = _owner_from_above(page, u, seen, size0)
        if above is not None and above.kind == "head":
            u.owner = above                  # right under its headline
            continue
        for h in verticals:                  # a vertical head owns what starts beside it
            if h.box == u.box and abs(u.bbox.y0 - h.bbox.y0) <= VERTICAL_TOP_EM * size0 \
                    and min(abs(u.bbox.x0 - h.bbox.x1), abs(h.bbox.x0 - u.bbox.x1)) <= VERTICAL_SIDE_EM * size0:
                u.owner = h
                break
        else:
            if above is not None:            # continues the column above …
                u.owner = above.owner
                u.score = min(u.score, score)
                if gap > NEW_MODULE_GAP_EM * size0:
                    # … unless, after a module-sized gap, it starts level with a column of
                    # another article beside it (modules set apart by white space only)
                    level = _level_neighbour(page, u, units, size0)
                    if level is not None and level.owner is not above.owner:
                        u.owner = level.owner
                        u.score = min(level.score, SIDEWAYS_SCORE)


def _own_bylines(runs: list[_Unit], size0: float) -> None:
    """A byline nobody owns, set right on top of an owned run, belongs to that run's article
    (the byline over the first column beside a vertical headline)."""
    for u in runs:
        if u.owner is not None or not all(b.role is Role.BYLINE for b in u.blocks):
            continue
        for r in runs:
            if r.owner is not None and r.box == u.box and r.bbox.x_overlap(u.bbox) > 0 \
                    and -1 <= r.bbox.y0 - u.bbox.y1 <= BYLINE_GAP_EM * size0:
                u.owner, u.score = r.owner, r.score
                break


def _own_beside_vertical(page: Page, heads: list[_Unit], units: list[_Unit], size0: float) -> None:
    """A vertical (竖排) head owns the columns that start level with its top and stand side by
    side from it across gutters (its article's body set beside it), unless a column is right
    under a head or continues the column above it across less than a module gap."""
    for h in (h for h in heads if h.vertical):
        claimed = [h]
        grew = True
        while grew:
            grew = False
            for u in units:
                if u.owner is not None or u.box != h.box or u.kind != "run" \
                        or abs(u.bbox.y0 - h.bbox.y0) > VERTICAL_TOP_EM * size0:
                    continue
                if not any(-1 <= max(u.bbox.x0 - c.bbox.x1, c.bbox.x0 - u.bbox.x1)
                           <= (VERTICAL_SIDE_EM if c is h else GUTTER_MAX_EM) * size0
                           and not _vertical_rule_between(page, u.bbox, c.bbox) for c in claimed):
                    continue
                above = _nearest_above(u.bbox, [x for x in heads + units if x.box == u.box
                                                and not x.vertical], u)
                if above is not None and not _rule_y_between(page, above.bbox.y1, u.bbox.y0, u.bbox) \
                        and (above.kind == "head" or u.bbox.y0 - above.bbox.y1 <= NEW_MODULE_GAP_EM * size0):
                    continue
                u.owner = h
                claimed.append(u)
                grew = True


def _level_neighbour(page: Page, u: _Unit, units: list[_Unit], size0: float) -> _Unit | None:
    """An owned unit across a gutter from ``u`` whose top is level with u's top."""
    for v in units:
        if v is u or v.owner is None or v.box != u.box or abs(v.bbox.y0 - u.bbox.y0) > size0:
            continue
        gap = max(u.bbox.x0 - v.bbox.x1, v.bbox.x0 - u.bbox.x1)
        if -1 <= gap <= GUTTER_MAX_EM * size0 and not _vertical_rule_between(page, u.bbox, v.bbox):
            return v
    return None


class _Sight:
    """What :func:`_owner_from_above` looks at, for many units: the units, all heads and
    units, the text ones (no figures), and per box the ones that are not vertical (in that
    order)."""

    def __init__(self, heads: list[_Unit], units: list[_Unit]):
        self.units = units
        self.all = heads + units
        self.texts = [x for x in self.all if x.kind != "figure"]
        self.by_box: dict[int, list[_Unit]] = {}
        for x in self.all:
            if not x.vertical:
                self.by_box.setdefault(x.box, []).append(x)


def _owner_from_above(page: Page, u: _Unit, seen: _Sight, size0: float) -> tuple[_Unit | None, float, float]:
    """The head or owned unit right above ``u`` in its column (photos looked through), its
    score and the white gap to it; None when a rule, a gap or other text cuts the column.
    ``seen``: the round's heads and units, sorted for the look-ups."""
    probe = u.bbox
    cands = seen.by_box.get(u.box, [])   # u itself among them: _nearest_above skips it
    while True:
        above = _nearest_above(probe, cands, u)
        if above is None or _rule_y_between(page, above.bbox.y1, probe.y0, probe):
            return None, 1.0, 0.0
        if above.kind != "head" and (probe.y0 - above.bbox.y1 > RUN_CONTINUE_MAX_EM * size0
                                     or not _band_clear(above, probe, seen.all)):
            return None, 1.0, 0.0
        if above.kind == "head" and (
                not _band_clear(above, probe, seen.texts)
                or _white_below(above.bbox, probe, seen.units) > HEAD_REACH_EM * size0):
            # text of another column grid between a head and a run far below it, or a wide
            # white band: the run starts a module of its own (photos under a head are looked past)
            return None, 1.0, 0.0
        if above.kind == "figure" and above.owner is None:
            probe = BBox(probe.x0, above.bbox.y0, probe.x1, probe.y1)   # look through it
            continue
        if above.kind != "head" and above.owner is None:
            return None, 1.0, 0.0
        return above, above.score, probe.y0 - above.bbox.y1

def _white_below(top: BBox, probe: BBox, units: list[_Unit]) -> float:
    """Height of the band between ``top`` and ``probe`` not covered by figures over probe."""
    y0, y1 = top.y1, probe.y0
    if y1 <= y0:
        return 0.0
    spans = sorted((max(y0, u.bbox.y0), min(y1, u.bbox.y1)) for u in units
                   if u.kind == "figure" and u.bbox.x_overlap(probe) > 0
                   and u.bbox.y1 > y0 and u.bbox.y0 < y1)
    covered, end = 0.0, y0
    for a, b in spans:
        a = max(a, end)
        if b > a:
            covered += b - a
            end = b
    return (y1 - y0) - covered


def _band_clear(above: _Unit, probe: BBox, units: list[_Unit]) -> bool:
    """Nothing else lies in the band between ``above`` and ``probe`` across probe's width
    (another article's head set off to the side blocks the way)."""
    y0, y1 = above.bbox.y1, probe.y0
    for x in units:
        b = x.bbox
        if x is above or b.y1 <= y0 + 1 or b.y0 >= y1 - 1:
            continue
        if min(b.x1, probe.x1) - max(b.x0, probe.x0) > 1:
            return False
    return True


def _own_sideways(page: Page, units: list[_Unit], size0: float) -> None:
    changed = True
    while changed:
        changed = False
        for u in units:
            if u.owner is not None:
                continue
            best = None
            for v in units:
                if v.owner is None or v.box != u.box:
                    continue
                gap = max(u.bbox.x0 - v.bbox.x1, v.bbox.x0 - u.bbox.x1)
                if gap < -1 or gap > GUTTER_MAX_EM * size0:
                    continue
                if u.bbox.y_overlap(v.bbox) < 0.3 * min(u.bbox.height, v.bbox.height):
                    continue
                if _vertical_rule_between(page, u.bbox, v.bbox):
                    continue
                d = abs(u.bbox.y0 - v.bbox.y0)
                if best is None or d < best[0]:
                    best = (d, v)
            if best is not None:
                u.owner = best[1].owner
                u.score = min(best[1].score, SIDEWAYS_SCORE)
                changed = True


def _vertical_rule_between(page: Page, a: BBox, b: BBox) -> bool:
    left, right = (a, b) if a.x0 < b.x0 else (b, a)
    y0, y1 = max(a.y0, b.y0), min(a.y1, b.y1)
    for g in page.graphics:
        if g.kind is GraphicKind.RULE and not g.horizontal:
            r = g.bbox
            if left.x1 - 1 <= r.cx <= right.x0 + 1 and r.y0 < y1 and r.y1 > y0:
                return True
    return False


def _orphan_groups(orphans: list[_Unit], size0: float) -> list[list[_Unit]]:
    """Orphan units side by side or one under the other (no head anywhere) form groups."""
    groups: list[list[_Unit]] = []
    for u in sorted(orphans, key=lambda u: (u.box, u.bbox.y0, u.bbox.x0)):
        for g in groups:
            if g[0].box != u.box:
                continue
            if any(abs(u.bbox.y0 - v.bbox.y1) <= 3 * size0 or u.bbox.y_overlap(v.bbox) > 0 for v in g):
                g.append(u)
                break
        else:
            groups.append([u])
    return groups


# --- articles ---------------------------------------------------------------------------

def _article(head: _Unit | None, members: list[_Unit]) -> Article:
    a = Article()
    if head is not None:
        _head_fields(a, head)
    runs = [u for u in members if u.kind == "run"]
    if a.byline is None:        # a byline set over a column rather than under the head
        lone = sorted((u for u in runs if all(b.role is Role.BYLINE for b in u.blocks)),
                      key=lambda u: (u.bbox.y0, u.bbox.x0))
        if lone:
            a.byline = _merge(lone[0].blocks, Role.BYLINE)
            runs.remove(lone[0])
    ordered = _column_major(runs)
    blocks: list[Block] = []
    for u, col in ordered:
        for b in u.blocks:
            if len(b.lines) == 1 and b.role is Role.BODY and len(u.blocks) == 1:
                # a one-line run cannot tell its own indent: measure it from the column
                b.opens = b.bbox.x0 - col.x0 >= INDENT_MIN_EM * (b.size or 1.0)
            for j in b.jumps:
                (a.continued if j.direction == "from" else a.continues).append(j)
            if b.role is not Role.JUMP:      # a marker-only block leaves nothing in the body
                blocks.append(b)
    a.body = _paragraphs(blocks)
    a.figures = [u.figure for u in sorted((u for u in members if u.kind == "figure"),
                                          key=lambda u: (u.bbox.y0, u.bbox.x0)) if u.figure]
    scores = [u.score for u in members if u.score < 1.0]
    if scores:
        first = members[0].blocks[0].spans()[0]
        a.joins.append(Join("column", min(scores), first, first))
    return a


def _head_fields(a: Article, head: _Unit) -> None:
    parts = [b for b in head.blocks if b.role is Role.HEADING]
    bylines = sorted((b for b in head.blocks if b.role is Role.BYLINE), key=lambda b: (b.bbox.y0, b.bbox.x0))
    if bylines:
        a.byline = _merge(bylines, Role.BYLINE)
    for b in head.blocks:
        if b.role is Role.JUMP:
            a.continued.extend(j for j in b.jumps if j.direction == "from")
    if not parts:
        return
    top = max(b.size for b in parts)
    main = [b for b in parts if b.size >= top / HEADING_MIN_RATIO ** 0.5]
    i0 = parts.index(main[0])
    i1 = parts.index(main[-1])
    a.headline = _merge(parts[i0:i1 + 1], Role.HEADLINE)
    a.kicker = _merge(parts[:i0], Role.KICKER)
    a.subtitle = _merge(parts[i1 + 1:], Role.SUBTITLE)


def _column_major(runs: list[_Unit]) -> list[tuple[_Unit, BBox]]:
    """Runs in reading order, each with the extent of its column."""
    cols: list[list[_Unit]] = []
    extents: list[BBox] = []           # each column's extent so far (a first short line
    for u in sorted(runs, key=lambda u: (u.bbox.x0, u.bbox.y0)):   # must not narrow it)
        for c, cb in zip(cols, extents):
            if u.bbox.x_overlap(cb) >= 0.5 * min(u.bbox.width, cb.width):
                c.append(u)
                extents[cols.index(c)] = cb.union(u.bbox)
                break
        else:
            cols.append([u])
            extents.append(u.bbox)
    order = sorted(range(len(cols)), key=lambda i: min(u.bbox.x0 for u in cols[i]))
    out: list[tuple[_Unit, BBox]] = []
    for i in order:
        out.extend((u, extents[i]) for u in sorted(cols[i], key=lambda u: u.bbox.y0))
    return out


def _paragraphs(blocks: list[Block]) -> list[Paragraph]:
    out: list[Paragraph] = []
    prev: Block | None = None
    for b in blocks:
        kind = "h" if b.role is Role.SUBHEAD else "p"
        if out and kind == "h" and out[-1].kind == "h" and prev is not None and prev.run == b.run:
            p = out[-1]
            p.blocks.append(b)
            p.text = p.text + " " + b.text
        elif out and kind == "p" and out[-1].kind == "p" and prev is not None \
                and not prev.closes and not b.opens:
            b.joins_previous = True
            p = out[-1]
            p.blocks.append(b)
            p.text, _ = join_pieces(p.text, b.text, True)
        else:
            out.append(Paragraph(kind, [b], b.text))
        prev = b
    return out


def _merge_furniture(others: list[NonArticle]) -> list[NonArticle]:
    """Furniture blocks of one kind on a page are one element, top to bottom."""
    by_kind: dict[NonArticleKind, list[Block]] = {}
    for o in others:
        if o.kind in (NonArticleKind.MASTHEAD, NonArticleKind.FOLIO, NonArticleKind.TOC):
            by_kind.setdefault(o.kind, []).extend(o.blocks)
    out = [NonArticle(k, sorted(bs, key=lambda b: (b.bbox.y0, b.bbox.x0))) for k, bs in by_kind.items()]
    return out + [o for o in others if o.kind not in by_kind]
