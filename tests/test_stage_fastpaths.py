"""The fast paths of the stages after the PDF reader (issue #3's speed target: layout, roles,
assembly and export of a page take a fraction of reading it) give exactly what the plain code
they replaced gives.  Each is checked against that plain code, written out here, on the pages
of a generated edition (taken stage by stage) and on input built to hit its edges."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from segmenter import geolayout as G
from segmenter import lexicon
from segmenter.cli import main
from segmenter.containers import BBox, Block, Graphic, GraphicKind, Line, Page, Role, Span, spans_of
from segmenter.georoles import classify_geometry
from segmenter.layout import CJK_CONTEXT_SHARE
from segmenter.readers.pdf import read_pdf
from segmenter.roles import _cut_jumps, _delimited, _jump
from segmenter.settings import Settings
from segmenter.textutil import cjk_ratio, drop_cjk_spaces, is_cjk, join_pieces, latin_joint


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    d = tmp_path_factory.mktemp("synth")
    assert main(["synth", "--pages", "4", "--seed", "1", "-o", str(d)]) == 0
    return d / "edition.pdf"


def read(path) -> list[Page]:
    pages, _ = read_pdf(path, 1, Settings())
    assert pages
    return pages


def laid_out(path, classify: bool = False) -> list[Page]:
    pages = read(path)
    for page in pages:
        G.layout_geometry(page)
        if classify:
            classify_geometry(page)
    return pages


# ----------------------------------------------------------------------------- containers

def reference_bbox(lines: list[Line]) -> BBox | None:
    """Block.bbox as it was: one BBox.union per line."""
    out = None
    for ln in lines:
        if ln.bbox is not None:
            out = ln.bbox if out is None else out.union(ln.bbox)
    return out


def reference_size(lines: list[Line]) -> float:
    sizes = [(len(ln.text), ln.size) for ln in lines if ln.size]
    return max(sizes)[1] if sizes else 0.0


def reference_spans(lines: list[Line]) -> list[Span]:
    boxes: dict[int, BBox] = {}
    for ln in lines:
        if ln.bbox is not None:
            boxes[ln.page] = ln.bbox if ln.page not in boxes else boxes[ln.page].union(ln.bbox)
    return [Span(pg, 0, 0, bb) for pg, bb in boxes.items()]


def test_block_box_size_and_spans_match_the_plain_unions(edition):
    blocks = [b for page in laid_out(edition, classify=True) for b in page.blocks]
    assert len(blocks) > 50
    rng = random.Random(5)
    for _ in range(300):            # odd blocks: boxes missing, lines of equal length, pages
        lines = [Line(text="字" * rng.randint(0, 3), page=rng.choice((1, 2)), lineno=0,
                      bbox=None if rng.random() < 0.3 else BBox(*(round(rng.uniform(0, 50), 1) for _ in range(4))),
                      size=rng.choice((None, 0.0, 9.0, 10.0, 10.5))) for _ in range(rng.randint(1, 5))]
        lines[0].bbox = lines[0].bbox or BBox(1, 2, 3, 4)
        blocks.append(Block(lines=lines, text=""))
    for b in blocks:
        assert b.bbox == reference_bbox(b.lines)
        assert b.size == reference_size(b.lines)
        assert spans_of(b.lines) == reference_spans(b.lines)
    assert Block(lines=[Line("x", 1, 1)], text="x").bbox is None


# ----------------------------------------------------------------------------- text

def reference_drop_cjk_spaces(text: str) -> str:
    def repl(m):
        s, e = m.start(), m.end()
        return "" if is_cjk(text[s - 1]) and is_cjk(text[e]) else m.group(0)
    return re.sub(r"(?<=\S)[ \t\u3000\u00a0]+(?=\S)", repl, text)


def test_drop_cjk_spaces_matches_the_plain_substitution(edition):
    texts = [ln.text for page in read(edition) for ln in page.lines]
    texts += ["政 府 工 作", "AI 进", "中\u3000文", "中\t文", "中\u00a0文", " 中 ", "", " ", "a b", "中\n文"]
    for t in texts:
        assert drop_cjk_spaces(t) == reference_drop_cjk_spaces(t)


def reference_piece_text(lines: list[Line]) -> tuple[str, int]:
    """piece_block's text as it was: the CJK share taken up front."""
    text, hyphens = lines[0].text, 0
    cjk = cjk_ratio("".join(ln.text for ln in lines)) >= CJK_CONTEXT_SHARE
    for ln in lines[1:]:
        text, hy = join_pieces(text, ln.text, cjk)
        hyphens += hy
    return text, hyphens


def test_piece_block_matches_the_plain_join(edition):
    runs = [run for page in read(edition) for run in G._runs(
        page, sorted(page.lines, key=lambda ln: (ln.bbox.y0, ln.bbox.x0)), {})]
    assert sum(len(r) > 1 for r in runs) > 20
    words = ["中文", "A", "I", "2", "024", "co-", "operate", "Latin ", " text", "，", "", " ", "é", "x-"]
    rng = random.Random(3)
    for _ in range(2000):
        runs.append([Line(text="".join(rng.choice(words) for _ in range(rng.randint(1, 3))), page=1, lineno=0)
                     for _ in range(rng.randint(2, 4))])
    for run in runs:
        b = G.piece_block(run, 0, True, True)
        assert (b.text, b.soft_hyphens) == reference_piece_text(run)
    for left in words:
        for right in words:
            if not latin_joint(left, right):
                assert join_pieces(left, right, True) == join_pieces(left, right, False)


# ----------------------------------------------------------------------------- layout

def reference_body_size(lines: list[Line]) -> float:
    weights: Counter[float] = Counter()
    for ln in lines:
        if ln.size and not ln.vertical:
            weights[round(ln.size / G.SIZE_STEP) * G.SIZE_STEP] += len(ln.text)
    if not weights:
        return 10.0
    return max(weights.items(), key=lambda kv: (kv[1], -kv[0]))[0]


def reference_edges(run: list[Line]) -> tuple[list[bool], list[bool]]:
    size = run[0].size or 1.0
    lefts = Counter(round(ln.bbox.x0) for ln in run)
    rights = Counter(round(ln.bbox.x1) for ln in run)
    left = min(x for x, n in lefts.items() if n == max(lefts.values()))
    right = max(rights)
    if max(lefts.values()) == 1:
        left = min(lefts)
    return ([ln.bbox.x0 - left >= G.INDENT_MIN_EM * size for ln in run],
            [right - ln.bbox.x1 >= G.SHORT_LINE_EM * size for ln in run])


def reference_box_key(page: Page, bbox: BBox) -> int:
    best, best_area = 0, float("inf")
    for i, g in enumerate(page.graphics):
        if g.kind is GraphicKind.BOX and g.bbox.contains(bbox, slack=1.0):
            area = g.bbox.width * g.bbox.height
            if area < best_area:
                best, best_area = i + 1, area
    return best


def reference_rule_between(page: Page, upper: BBox, lower: BBox) -> bool:
    x0, x1 = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    if x1 <= x0:
        x0, x1 = min(upper.x0, lower.x0), max(upper.x1, lower.x1)
    top, bottom = upper.y1 - 0.5, lower.y0 + 0.5
    for g in page.graphics:
        b = g.bbox
        if b.x1 <= x0 or b.x0 >= x1:
            continue
        if g.kind is GraphicKind.BOX:
            if top <= b.y0 <= bottom or top <= b.y1 <= bottom:
                return True
        elif b.y0 < bottom and b.y1 > top and (g.kind is GraphicKind.IMAGE or g.horizontal):
            return True
    return False


def test_layout_helpers_match_the_plain_loops(edition):
    pages = laid_out(edition)
    rng = random.Random(11)
    for _ in range(40):             # pages of random frames, rules and photos, nested and touching
        graphics = [Graphic(rng.choice(list(GraphicKind)),
                            BBox(x := rng.uniform(0, 400), y := rng.uniform(0, 600),
                                 x + rng.choice((0.5, 1.0, rng.uniform(0, 300))), y + rng.choice((0.5, rng.uniform(0, 300)))))
                    for _ in range(rng.randint(0, 8))]
        lines = [Line("字", 1, 0, bbox=BBox(x := rng.uniform(0, 500), y := rng.uniform(0, 700), x + rng.uniform(5, 150), y + 10),
                      size=rng.choice((9.0, 9.2, 10.0, 0.0))) for _ in range(30)]
        pages.append(Page(1, "x", "x", kind="pdf", lines=lines, graphics=graphics))
    for page in pages:
        assert G.body_size(page.lines) == reference_body_size(page.lines)
        frames, separators = G.frames(page), G._separators(page)
        boxes = [ln.bbox for ln in page.lines] + [g.bbox for g in page.graphics]
        for bb in boxes:
            assert G.frame_key(frames, bb) == G.box_key(page, bb) == reference_box_key(page, bb)
        for upper, lower in zip(boxes, boxes[1:] + boxes[:1]):
            want = reference_rule_between(page, upper, lower)
            assert G._rule_between(separators, upper, lower) == want
        runs = G._runs(page, sorted(page.lines, key=lambda ln: (ln.bbox.y0, ln.bbox.x0)), {})
        for run in runs:
            assert G._edges(run) == reference_edges(run)


def test_runs_match_the_plain_candidate_loop(edition):
    """_runs against the plain loop it replaced (test_pdf_fastpaths.reference_runs) on synth
    pages and on crowded random pages: equal tops, equal costs, sizes on RUN_SIZE_RATIO's
    edge, frames with and without box keys, a few vertical lines."""
    from test_pdf_fastpaths import reference_runs
    pages = read(edition)
    rng = random.Random(17)
    for _ in range(60):     # crowded columns: equal tops, equal costs, sizes on the ratio's edge, frames
        graphics = [Graphic(rng.choice(list(GraphicKind)),
                            BBox(x := rng.choice((0, 100, 200)) + rng.uniform(-5, 5), y := rng.uniform(0, 300),
                                 x + rng.uniform(0, 250), y + rng.choice((0.5, rng.uniform(0, 200)))))
                    for _ in range(rng.randint(0, 4))]
        lines = []
        for _ in range(rng.randint(0, 60)):
            size = rng.choice((9.0, 9.72, 9.73, 10.0, 10.0, 10.0, 12.0))
            x = rng.choice((0, 100, 200)) + rng.choice((0, 0, 20, rng.uniform(-30, 30)))
            y = rng.choice((rng.randint(0, 40) * 14.0, round(rng.uniform(0, 600), 1)))
            lines.append(Line("字", 1, 0, bbox=BBox(x, y, x + rng.choice((90, 40, rng.uniform(0, 95))), y + size),
                              size=size, vertical=rng.random() < 0.03))
        pages.append(Page(1, "x", "x", kind="pdf", lines=lines, graphics=graphics))
    for page in pages:
        lines = sorted(page.lines, key=lambda ln: (ln.bbox.y0, ln.bbox.x0))
        frames = G.frames(page)
        for boxes in ({}, {id(ln): G.frame_key(frames, ln.bbox) for ln in lines}):
            got = [[id(ln) for ln in run] for run in G._runs(page, lines, boxes)]
            assert got == [[id(ln) for ln in run] for run in reference_runs(page, lines, boxes)]


# ----------------------------------------------------------------------------- roles

def reference_cut_jumps(blocks: list[Block]) -> None:
    """roles._cut_jumps as it was: every block searched for both markers."""
    for b in blocks:
        t = b.text.strip()
        for direction, rx in (("from", lexicon.JUMP_FROM_RE), ("to", lexicon.JUMP_TO_RE)):
            if b.role is Role.JUMP:
                m = rx.fullmatch(drop_cjk_spaces(t)) or rx.fullmatch(t)
                if m:
                    b.jumps.append(_jump(direction, rx.search(t) or m, b))
                    break
                continue
            m = None
            for cand in rx.finditer(t):
                m = cand
            if m and m.end() == len(t) and m.start() > 0 and _delimited(m.group(0)):
                b.jumps.append(_jump(direction, m, b))
                b.text = t[:m.start()].rstrip()
                t = b.text
                continue
            m = rx.match(t)
            if m and m.end() < len(t) and _delimited(m.group(0)):
                b.jumps.append(_jump(direction, m, b))
                b.text = t[m.end():].lstrip()
                t = b.text


def test_cut_jumps_finds_what_searching_every_block_finds(edition):
    def copies():
        out = [Block(lines=b.lines, text=b.text, role=b.role if b.role is Role.JUMP else Role.BODY)
               for page in laid_out(edition) for b in page.blocks]
        for text in ("经济平稳运行。（下转第2版）", "（上接第1版）经济平稳运行", "▲▲ 上接第1版", "（转A02版）",
                     "（下转第2版）（上接第1版）", "紧接头版", "转", "接", "（下转第 3 版）", "接 二 版"):
            ln = Line(text, 1, 1, bbox=BBox(0, 0, 10, 10), size=10.0)
            out += [Block(lines=[ln], text=text, role=role) for role in (Role.BODY, Role.JUMP)]
        return out
    fast, plain = copies(), copies()
    _cut_jumps(fast)
    reference_cut_jumps(plain)
    assert [(b.text, b.jumps) for b in fast] == [(b.text, b.jumps) for b in plain]
    assert sum(bool(b.jumps) for b in fast[:-20]) >= 2 and sum(bool(b.jumps) for b in fast[-20:]) >= 6
    # every marker holds its verb: a block without it has none to cut
    for b in plain:
        for j in b.jumps:
            assert ("接" if j.direction == "from" else "转") in j.marker


def test_every_jump_marker_alternative_holds_its_verb():
    """roles._cut_jumps skips blocks without lexicon.JUMP_FROM_VERB / JUMP_TO_VERB: every
    verb alternative in the marker patterns must hold it (a new verb without it fails here)."""
    import re as _re
    for rx, verb in ((lexicon.JUMP_FROM_RE, lexicon.JUMP_FROM_VERB), (lexicon.JUMP_TO_RE, lexicon.JUMP_TO_VERB)):
        groups = _re.findall(r"\(\?:((?:[^()|\\]+\|)*[^()|\\]+)\)", rx.pattern)
        verbs = [g for g in groups if any("\u4e00" <= ch <= "\u9fff" for ch in g)]
        assert verbs, rx.pattern
        for alt in (a for g in verbs for a in g.split("|")):
            assert verb in alt, (alt, rx.pattern)


# ----------------------------------------------------------------------------- containers (2)

def test_boxes_and_spans_built_without_init_are_the_same_objects():
    """containers._bbox / _span skip the frozen dataclasses' __init__: the objects must be
    equal, hash alike and stay frozen."""
    import dataclasses

    from segmenter.containers import _bbox, _span
    for args in ((1.0, 2.0, 3.0, 4.0), (0, -0.0, 1e9, 2.5), (1.25, 1.25, 1.25, 1.25)):
        a, b = _bbox(*args), BBox(*args)
        assert type(a) is BBox and a == b and hash(a) == hash(b) and repr(a) == repr(b)
        s, t = _span(2, 0, 0, a), Span(2, 0, 0, b)
        assert type(s) is Span and s == t and hash(s) == hash(t) and repr(s) == repr(t)
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.x0 = 5.0
        with pytest.raises(dataclasses.FrozenInstanceError):
            s.page = 3
    assert BBox(1, 2, 3, 4).union(BBox(0, 3, 2, 5)) == BBox(0, 2, 3, 5)


# ----------------------------------------------------------------------------- roles (2)

class _BoxPerCall:
    """``boxes[id(block)]`` computing ``Block.bbox`` on every lookup (how the roles helpers
    took boxes before they were taken once per page)."""

    def __init__(self, blocks: list[Block]):
        self.blocks = {id(b): b for b in blocks}

    def __getitem__(self, key: int) -> BBox:
        return self.blocks[key].bbox


def test_roles_with_boxes_taken_once_match_boxes_taken_per_call(edition):
    """classify_geometry takes the blocks' boxes once for _furniture, _near_image and _toc:
    each gives what it gives computing Block.bbox on every call."""
    from segmenter import georoles as R
    pages = laid_out(edition)
    rng = random.Random(17)
    for page in pages:             # photos next to blocks, for _near_image to find
        for b in rng.sample(page.blocks, min(4, len(page.blocks))):
            bb = b.bbox
            page.graphics.append(Graphic(GraphicKind.IMAGE, BBox(bb.x0, bb.y0 - 80 - rng.uniform(-3, 30),
                                                                 bb.x1 + rng.uniform(-20, 20), bb.y0 - rng.uniform(-3, 30))))
    found = 0
    for page in pages:
        R._split_line_roles(page)
        size0 = G.body_size(page.lines)
        boxes = {id(b): b.bbox for b in page.blocks}
        per_call = _BoxPerCall(page.blocks)
        images = [g.bbox for g in page.graphics if g.kind is GraphicKind.IMAGE]
        for b in page.blocks:
            for gap in (R.CAPTION_GAP_EM, R.CAPTION_FAR_GAP_EM):
                for blocks in (None, page.blocks):
                    want = R._near_image(b, images, size0, per_call, gap, blocks)
                    assert R._near_image(b, images, size0, boxes, gap, blocks) == want
                    found += want
        for b in page.blocks[:3]:   # a TOC title over the next blocks
            b.text = "本期导读"
        roles = [b.role for b in page.blocks]
        R._furniture(page, size0, per_call)
        R._toc(page, per_call)
        want = [b.role for b in page.blocks], page.printed
        for b, role in zip(page.blocks, roles):
            b.role = role
        page.printed = None
        R._furniture(page, size0, boxes)
        R._toc(page, boxes)
        assert ([b.role for b in page.blocks], page.printed) == want
    assert found > 10


# ----------------------------------------------------------------------------- assembly

def reference_union(blocks: list[Block]) -> BBox:
    bb = blocks[0].bbox
    for b in blocks[1:]:
        bb = bb.union(b.bbox)
    return bb


def reference_overlaps_above(upper, lower, head=False):
    """geoassemble._overlaps_above as it was (``upper`` in ``lower``'s column)."""
    from segmenter import geoassemble as A
    ov = upper.x_overlap(lower)
    return ov >= A.ABOVE_OVERLAP_SHARE * lower.width or (head and ov >= 0.5 * upper.width)


def reference_nearest_above(bb, candidates, me):
    best = None
    for u in candidates:
        if u is me or u.bbox.y1 > bb.y0 + 2 or not reference_overlaps_above(u.bbox, bb, u.kind == "head"):
            continue
        if best is None or u.bbox.y1 > best.bbox.y1:
            best = u
    return best


def reference_rule_y_between(page, top, bottom, bb):
    for g in page.graphics:
        if g.kind is not GraphicKind.RULE or not g.horizontal:
            continue
        r = g.bbox
        if top - 0.5 <= r.cy <= bottom + 0.5 and r.x_overlap(bb) >= 0.5 * bb.width:
            return True
    return False


def test_assembly_helpers_match_the_plain_loops(edition):
    """geoassemble's _union, _run_unit, _nearest_above and _rule_y_between against the plain
    code they replaced, on the units of real pages (and probes around them); then whole
    pages assembled with the plain helpers patched in give the same articles."""
    from segmenter import export
    from segmenter import geoassemble as A
    from segmenter.containers import Edition
    pages = laid_out(edition, classify=True)
    rng = random.Random(23)
    checked = 0
    for page in pages:
        size0 = G.body_size(page.lines)
        blocks = [b for b in page.blocks if A.FURNITURE_KINDS.get(b.role) is None]
        heads, runs, figures = A._units(page, blocks, size0)
        units = heads + runs + figures
        frames = G.frames(page)
        for u in runs:
            if all(b.role is Role.BODY for b in u.blocks):
                r = A._run_unit(list(reversed(u.blocks)), frames)
                assert (r.blocks, r.bbox, r.box) == (sorted(u.blocks, key=lambda x: x.bbox.y0),
                                                     reference_union(u.blocks), G.frame_key(frames, u.bbox))
        for u in units:
            assert A._union(u.blocks) == reference_union(u.blocks)
            probes = [u.bbox, BBox(u.bbox.x0 - rng.uniform(0, 40), u.bbox.y0 + rng.uniform(-30, 30),
                                   u.bbox.x1 + rng.uniform(-40, 40), u.bbox.y1 + 50)]
            for v in rng.sample(units, min(6, len(units))):   # under v, its width give or take
                w = v.bbox.width
                x0 = v.bbox.x0 + rng.choice((0.0, -0.5 * w, 0.35 * w, 0.5 * w, 0.75 * w, rng.uniform(-w, w)))
                probes.append(BBox(x0, v.bbox.y1 + rng.uniform(-3, 20),
                                   x0 + w * rng.choice((0.5, 1.0, 2.0, 3.0, rng.uniform(0.2, 4))), v.bbox.y1 + 60))
            for probe in probes:
                assert A._nearest_above(probe, units, u) is reference_nearest_above(probe, units, u)
                for v in units:
                    want = reference_rule_y_between(page, v.bbox.y1, probe.y0, probe)
                    assert A._rule_y_between(page, v.bbox.y1, probe.y0, probe) == want
                    checked += want
    assert checked > 5
    # edges hit exactly: tops 2 pt under a bottom, overlaps of exactly 0.3 / 0.5 of a width
    grid = [A._Unit(kind, [], BBox(x, y, x + w, y + 10), 0) for kind in ("head", "run")
            for x in (0, 3, 5, 7, 10) for y in (0, 4, 8, 10) for w in (10, 20)]
    for x in (-7, 0, 3, 7, 13):
        for w in (10, 6, 14):
            probe = BBox(x, 12, x + w, 30)
            for cands in (grid, grid[::-1], grid[::7]):
                assert A._nearest_above(probe, cands, None) is reference_nearest_above(probe, cands, None)

    def render(patch: bool) -> dict[str, bytes]:
        saved = A._union, A._nearest_above, A._rule_y_between
        if patch:
            A._union, A._nearest_above, A._rule_y_between = reference_union, reference_nearest_above, reference_rule_y_between
        try:
            ed = Edition(name="e", pages=laid_out(edition, classify=True))
            from segmenter.assemble import assemble_edition
            assemble_edition(ed, Settings())
            return export.render(ed)
        finally:
            A._union, A._nearest_above, A._rule_y_between = saved
    assert render(True) == render(False)
