"""Typesetting: fill one planned module with an article (head, body columns, photo, frame,
jump markers), an index-level photo or the table of contents.

Everything set is recorded as :class:`~.model.TextLine` objects grouped into passages (for
the dumps) and gold pieces (for the XML), so the two always agree with what is drawn.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from segmenter.containers import BBox, Role

from .corpus import ArticleText, BodyItem, FigureText
from .linebreak import LineSpan, Metrics, break_lines, sentence_cuts
from .model import (ASCENT, DESCENT, Art, ArticleGold, ArtKind, DrawUnit, FigureGold, Furniture,
                    JumpMark, Para, Passage, Piece, TextLine)
from .plan import (GUTTER, MIN_HEADLINE_SIZE, MIN_LINE_CHARS, TWO_LINE_HEAD_WIDTH, VERTICAL_MAX_LINES, VERTICAL_STEP,
                   FigurePlan, ModulePlan, PagePlan)

# ---------------------------------------------------------------------------- head sizes
#: line height of headline-like lines as a multiple of their size
HEAD_LEADING = 1.28
#: kicker and subtitle sizes as a share of the headline size (never below body + BUMP)
KICKER_SCALE = 0.5
SUBTITLE_SCALE = 0.55
HEAD_MIN_BUMP = 1.5
#: space between two head items, and between the head and the body (x body leading)
HEAD_ITEM_GAP = 3.0
HEAD_BODY_GAP = 0.9
#: share of modules whose head is centred (the others are set flush left)
HEAD_CENTER_P = 0.7
#: repeated headline over a continued part: at most this size
REPEATED_MAX_SIZE = 24.0
#: heads are centred only in modules wider than this (pt)
CENTER_MIN_WIDTH = 200.0
#: a byline is set this much larger than the body (pt)
BYLINE_BUMP = 0.5
#: balancing a multi-line head: lines aim at the mean width plus this share and one em
HEAD_BALANCE_SLACK = 1.08
#: vertical headline: padding of its strip, size range (pt); its advance per character
#: and number of lines are planned (plan.VERTICAL_STEP, plan.VERTICAL_MAX_LINES)
VERTICAL_PAD = 6.0
VERTICAL_SIZE = (24.0, 34.0)
#: a vertical headline shrinks to at most this share of VERTICAL_SIZE[0] to fit
VERTICAL_MIN_SHARE = 0.75
#: width of one vertical line (x size) and the space under a byline beside it (x leading)
VERTICAL_LINE_WIDTH = 1.3
VERTICAL_BYLINE_GAP = 0.5
# ---------------------------------------------------------------------------- body
#: section subheads: size (x body size), line height (x subhead size), space above (x leading)
SUBHEAD_SCALE = 1.18
SUBHEAD_LEADING = 1.5
SUBHEAD_GAP = 0.6
#: a paragraph's first line is indented by this many em
INDENT_EM = 2
#: a frame's inner padding and stroke width
BOX_PAD = 7.0
BOX_STROKE = 0.7
#: space left between a nested framed article and the body above it
NESTED_GAP = 8.0
# ---------------------------------------------------------------------------- figures
#: caption size (x body size) and line height (x caption size)
CAPTION_SCALE = 0.85
CAPTION_LEADING = 1.4
#: gap photo -> caption; gap figure -> body text (x leading); gap caption end -> credit
#: on the same line (x caption size)
PHOTO_CAPTION_GAP = 4.0
CREDIT_GAP = 0.5
FIGURE_BODY_GAP = 0.9
#: a photo is at least this high (pt)
PHOTO_MIN_H = 40.0
#: an index-level photo is at most this high relative to its width
INDEX_PHOTO_ASPECT = 0.9
#: a module keeps its photo only if the body still has this many lines of room
MIN_BODY_LINES = 6
#: table of contents: title size (x body size), gap between entries (pt)
TOC_TITLE_SCALE = 1.4
TOC_ENTRY_GAP = 4.0
EPS = 0.01
#: when no whole sentence fits, a paragraph may end after a semicolon (any paragraph) or a
#: comma or colon (the first paragraph of an article, which must print something)
CLAUSE_ENDS = "；"
CLAUSE_ENDS_FIRST = "；，："
#: sentence prefixes clearly longer than the room left are not tried: characters per line
#: times lines left, times this slack (Latin text is narrower than CJK)
PREFIX_SLACK = 1.3


@dataclass(slots=True)
class Segment:
    """A free vertical interval of one body column."""

    index: int
    col: int
    x0: float
    x1: float
    y0: float
    y1: float


class Flow:
    """The body columns of a module, filled top to bottom, column after column."""

    def __init__(self, segments: list[Segment]):
        self.segs = segments
        self.i = 0
        self.y = segments[0].y0 if segments else 0.0
        self._shrunk = 0.0

    def state(self) -> tuple[int, float]:
        return self.i, self.y

    def restore(self, st: tuple[int, float]) -> None:
        self.i, self.y = st

    def place(self, h: float, gap: float = 0.0, keep: float = 0.0) -> tuple[Segment, float] | None:
        """Top of a slot of height ``h`` (after ``gap`` unless at a column top); ``keep``:
        room that must remain below it in the same segment."""
        while self.i < len(self.segs):
            s = self.segs[self.i]
            top = self.y + (gap if self.y > s.y0 + EPS else 0.0)
            if top + h + keep <= s.y1 + EPS:
                self.y = top + h
                return s, top
            self.i += 1
            if self.i < len(self.segs):
                self.y = self.segs[self.i].y0
        return None

    def remaining_lines(self, lh: float) -> int:
        n = 0
        for k in range(self.i, len(self.segs)):
            s = self.segs[k]
            y = self.y if k == self.i else s.y0
            n += max(0, int((s.y1 - y + EPS) // lh))
        return n

    def shrink_end(self, h: float) -> bool:
        """Keep ``h`` free at the foot of the last segment (for a jump line or closing note)."""
        if not self.segs or self.segs[-1].y1 - self.segs[-1].y0 < h + 2 * EPS:
            return False
        self.segs[-1].y1 -= h
        self._shrunk += h
        return True

    def release_end(self) -> Segment:
        self.segs[-1].y1 += self._shrunk
        self._shrunk = 0.0
        return self.segs[-1]


@dataclass(eq=False, slots=True)
class Placed:
    item: BodyItem
    end: int                 # characters of item.text printed
    lines: list[TextLine]
    before: tuple[int, float] = (0, 0.0)


@dataclass(eq=False, slots=True)
class Carry:
    """The part of an article that continues on another page (下转 … 上接)."""

    article: ArticleGold
    items: list[BodyItem]
    extend_last: bool        # the first item continues the last printed paragraph
    from_page: int
    to_page: int
    headline: str            # the repeated (maybe shortened) headline


@dataclass(eq=False, slots=True)
class ModuleResult:
    unit: DrawUnit
    article: ArticleGold | None = None
    carry: Carry | None = None
    printed: list[BodyItem] = field(default_factory=list)
    figure: FigureGold | None = None          # index-level figure
    furniture: Furniture | None = None


def norm(text: str) -> str:
    return " ".join(text.split())


def half_round(x: float) -> float:
    return round(x * 2) / 2


class Typesetter:
    def __init__(self, metrics: Metrics, plan: PagePlan, rng: random.Random):
        self.m = metrics
        self.plan = plan
        self.page = plan.number
        self.size = plan.body_size
        self.lh = plan.leading
        self.rng = rng

    # ---------------------------------------------------------------- primitives
    def line(self, text: str, x: float, top: float, size: float, lh: float, role: Role, block: str,
             bold: bool = False, vertical: bool = False) -> TextLine:
        baseline = top + (lh - (ASCENT + DESCENT) * size) / 2 + ASCENT * size
        return TextLine(self.page, text, round(x, 2), round(baseline, 2), size, self.m.width(text, size),
                        role, block, bold, vertical)

    def fit_lines(self, text: str, size: float, width: float, max_lines: int,
                  min_size: float) -> tuple[float, list[LineSpan]]:
        """Head text in at most ``max_lines`` lines, shrinking the size if it must; two-part
        headlines break at their space; several lines are balanced."""
        while True:
            total = self.m.width(text, size)
            if total <= width + EPS:
                return size, break_lines(self.m, text, size, width)
            if " " in text and max_lines >= 2:
                k = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(i - len(text) / 2))
                a, b = text[:k].strip(), text[k + 1:].strip()
                if a and b and max(self.m.width(a, size), self.m.width(b, size)) <= width + EPS:
                    return size, [LineSpan(0, k, a, self.m.width(a, size)),
                                  LineSpan(k + 1, len(text), b, self.m.width(b, size))]
            spans = break_lines(self.m, text, size, width)
            if len(spans) <= max_lines or size <= min_size:
                n = len(spans)
                target = min(width, total / n * HEAD_BALANCE_SLACK + size)
                balanced = break_lines(self.m, text, size, target)
                return size, (balanced if len(balanced) == n else spans)
            size = max(min_size, size - 2)

    def head_item(self, unit: DrawUnit, text: str, role: Role, size: float, box: BBox, y: float,
                  center: bool, max_lines: int, min_size: float, level: int = 0,
                  bold: bool = False, align_right: bool = False) -> tuple[Piece, float]:
        size, spans = self.fit_lines(text, size, box.width, max_lines, min_size)
        lh = size * HEAD_LEADING
        lines = []
        for sp in spans:
            x = box.x0
            if center:
                x = box.x0 + (box.width - sp.width) / 2
            elif align_right:
                x = box.x1 - sp.width
            lines.append(self.line(sp.text, x, y, size, lh, role, f"{unit.key}.{role.value}", bold=bold))
            y += lh
        unit.passages.append(Passage(role, lines, norm(text), level))
        return Piece(norm(text), lines), y + HEAD_ITEM_GAP

    # ---------------------------------------------------------------- article modules
    def article(self, m: ModulePlan, art: ArticleText | None, fig: FigureText | None,
                carry: Carry | None = None) -> ModuleResult:
        unit = DrawUnit(m.key, (m.rect.x0, m.rect.y0))
        box = m.rect
        if m.boxed:
            unit.arts.append(Art(ArtKind.BOX, m.rect))
            box = BBox(box.x0 + BOX_PAD, box.y0 + BOX_PAD, box.x1 - BOX_PAD, box.y1 - BOX_PAD)
        if carry is not None:
            gold = carry.article
        else:
            assert art is not None
            gold = ArticleGold(self.page, (m.rect.y0, m.rect.x0), art.source, lead=art.lead,
                               boxed=m.boxed, vertical=bool(m.vertical))
        res = ModuleResult(unit, gold if carry is None else None)
        center = self.rng.random() < HEAD_CENTER_P and box.width > CENTER_MIN_WIDTH
        level = 1 if m.tier == 0 else 2
        body_box = box
        # ---- head
        if carry is not None:
            size = min(m.headline_size, REPEATED_MAX_SIZE)
            gold.repeated, y = self.head_item(unit, carry.headline, Role.HEADLINE, size, box, box.y0, center, 2,
                                              min(size, MIN_HEADLINE_SIZE), level=2)
            body_box = BBox(box.x0, y - HEAD_ITEM_GAP + HEAD_BODY_GAP * self.lh, box.x1, box.y1)
        elif m.vertical:
            body_box = self.vertical_head(unit, gold, art, m, box)
            if art.byline:
                gold.byline, y = self.head_item(unit, art.byline, Role.BYLINE, self.size + BYLINE_BUMP, body_box,
                                                body_box.y0, False, 2, self.size)
                body_box = BBox(body_box.x0, y - HEAD_ITEM_GAP + VERTICAL_BYLINE_GAP * self.lh, body_box.x1,
                                body_box.y1)
        else:
            y = box.y0
            hs = m.headline_size
            min_hs = min(hs, MIN_HEADLINE_SIZE)
            max_lines = 2 if box.width > TWO_LINE_HEAD_WIDTH else 3
            if art.kicker:
                ks = max(self.size + HEAD_MIN_BUMP, half_round(hs * KICKER_SCALE))
                gold.kicker, y = self.head_item(unit, art.kicker, Role.KICKER, ks, box, y, center, 2, self.size)
            gold.headline, y = self.head_item(unit, art.headline, Role.HEADLINE, hs, box, y, center, max_lines,
                                              min_hs, level=level)
            if art.subtitle:
                ss = max(self.size + HEAD_MIN_BUMP, half_round(hs * SUBTITLE_SCALE))
                gold.subtitle, y = self.head_item(unit, art.subtitle, Role.SUBTITLE, ss, box, y, False, 2,
                                                  self.size, align_right=center)
            if art.byline:
                gold.byline, y = self.head_item(unit, art.byline, Role.BYLINE, self.size + BYLINE_BUMP, box, y, center,
                                                2, self.size)
            body_box = BBox(box.x0, y - HEAD_ITEM_GAP + HEAD_BODY_GAP * self.lh, box.x1, box.y1)
        # ---- body columns, photo, nested frame
        k = m.body_columns
        if m.vertical:
            k = max(1, min(k, int((body_box.width + GUTTER) / (self.size * MIN_LINE_CHARS + GUTTER))))
        colw = (body_box.width - (k - 1) * GUTTER) / k
        obstacles: list[tuple[int, int, float, float]] = []
        if m.child is not None:
            j0 = k - m.child_columns if m.child_at_right else 0
            obstacles.append((j0, j0 + m.child_columns, m.child.rect.y0 - NESTED_GAP, body_box.y1))
        if m.figure is not None and fig is not None and carry is None:
            got = self.figure(unit, m, m.figure, fig, body_box, k, colw, obstacles)
            if got is not None:
                obstacle, fgold = got
                obstacles.append(obstacle)
                gold.figures.append(fgold)
        flow = Flow(self.segments(body_box, k, colw, obstacles))
        key = m.key
        # ---- body text
        if carry is not None:
            marker = f"（上接第{carry.from_page}版）"
            pos = flow.place(self.lh)
            assert pos is not None, "continuation module too small"
            seg, top = pos
            ln = self.line(marker, seg.x0, top, self.size, self.lh, Role.JUMP, f"{key}.s{seg.index}")
            unit.passages.append(Passage(Role.JUMP, [ln], marker))
            gold.continued.append(JumpMark("from", f"第{carry.from_page}版", marker, ln))
            items = carry.items
            closing = ""
        else:
            items = art.body
            closing = art.closing
        jump = m.jump_to > 0 and carry is None
        reserved = 0.0
        if jump:
            reserved = self.lh if flow.shrink_end(self.lh) else 0.0
        elif closing:
            reserved = len(break_lines(self.m, closing, self.size, colw, colw - INDENT_EM * self.size)) * self.lh
            if not flow.shrink_end(reserved):
                closing, reserved = "", 0.0
        placed, remainder, cut_mid = self.fill(flow, items, key, jump=jump and reserved > 0)
        if carry is not None and carry.extend_last and placed and placed[0].item is items[0]:
            first, rest = placed[0], placed[1:]
            para = gold.body[-1]
            printed = items[0].text[:first.end]
            para.piece.text = norm(para.piece.text + printed)
            para.piece.lines.extend(first.lines)
            unit.passages.append(Passage(Role.BODY, first.lines, norm(printed)))
        else:
            rest = placed
        for p in rest:
            text = norm(p.item.text[:p.end])
            role = Role.SUBHEAD if p.item.kind == "h" else Role.BODY
            unit.passages.append(Passage(role, p.lines, text, 3 if p.item.kind == "h" else 0))
            gold.body.append(Para(p.item.kind, Piece(text, list(p.lines))))
        res.printed = [p.item for p in placed]
        if reserved:
            last = flow.release_end()
            if jump and remainder:
                marker = f"（下转第{m.jump_to}版）"
                w = self.m.width(marker, self.size)
                ln = self.line(marker, last.x1 - w, last.y1 - self.lh, self.size, self.lh, Role.JUMP,
                               f"{key}.s{last.index}")
                unit.passages.append(Passage(Role.JUMP, [ln], marker))
                gold.continues.append(JumpMark("to", f"第{m.jump_to}版", marker, ln))
                res.carry = Carry(gold, remainder, cut_mid, self.page, m.jump_to, "")
            elif closing and placed:
                got = self.paragraph(flow, BodyItem("p", closing), key)
                if got is not None:
                    unit.passages.append(Passage(Role.BODY, got.lines, norm(closing)))
                    gold.body.append(Para("p", Piece(norm(closing), got.lines)))
                    gold.closing = True
        return res

    def vertical_head(self, unit: DrawUnit, gold: ArticleGold, art: ArticleText, m: ModulePlan,
                      box: BBox) -> BBox:
        """A 竖排 headline: upright characters stacked top-down in a strip at one side of
        the module, lines right to left; returns the box left for the body."""
        chars = list(art.headline)
        size = min(VERTICAL_SIZE[1], max(VERTICAL_SIZE[0], m.headline_size))
        while True:
            step = size * VERTICAL_STEP
            per_line = max(1, int((box.height - 2 * VERTICAL_PAD) // step))
            nlines = math.ceil(len(chars) / per_line)
            if nlines <= VERTICAL_MAX_LINES or size <= VERTICAL_SIZE[0] * VERTICAL_MIN_SHARE:
                break
            size -= 2
        per_line = math.ceil(len(chars) / nlines)
        line_w = size * VERTICAL_LINE_WIDTH
        strip_w = nlines * line_w + VERTICAL_PAD
        left = m.vertical == "left"
        sx0 = box.x0 if left else box.x1 - strip_w
        lines = []
        for li in range(nlines):
            # the first vertical line is the rightmost one
            cx = sx0 + strip_w - VERTICAL_PAD / 2 - (li + 0.5) * line_w if left else \
                sx0 + VERTICAL_PAD / 2 + (nlines - li - 0.5) * line_w
            for ci, ch in enumerate(chars[li * per_line:(li + 1) * per_line]):
                if ch.isspace():
                    continue
                top = box.y0 + VERTICAL_PAD + ci * size * VERTICAL_STEP
                w = self.m.width(ch, size)
                lines.append(self.line(ch, cx - w / 2, top, size, size * VERTICAL_STEP, Role.HEADLINE,
                                       f"{unit.key}.vhead", vertical=True))
        unit.passages.append(Passage(Role.HEADLINE, lines, norm(art.headline), 2))
        gold.headline = Piece(norm(art.headline), lines)
        if left:
            return BBox(box.x0 + strip_w + GUTTER, box.y0, box.x1, box.y1)
        return BBox(box.x0, box.y0, box.x1 - strip_w - GUTTER, box.y1)

    def segments(self, region: BBox, k: int, colw: float,
                 obstacles: list[tuple[int, int, float, float]]) -> list[Segment]:
        out: list[Segment] = []
        for j in range(k):
            x0 = region.x0 + j * (colw + GUTTER)
            free = [(region.y0, region.y1)]
            for j0, j1, oy0, oy1 in obstacles:
                if not j0 <= j < j1:
                    continue
                nxt = []
                for a, b in free:
                    if oy1 <= a or oy0 >= b:
                        nxt.append((a, b))
                        continue
                    if oy0 > a:
                        nxt.append((a, oy0))
                    if oy1 < b:
                        nxt.append((oy1, b))
                free = nxt
            for a, b in sorted(free):
                if b - a >= self.lh:
                    out.append(Segment(len(out), j, round(x0, 2), round(x0 + colw, 2), a, b))
        return out

    # ---------------------------------------------------------------- body filling
    def paragraph(self, flow: Flow, item: BodyItem, key: str, end: int | None = None,
                  partial: bool = False) -> Placed | None:
        text = item.text if end is None else item.text[:end]
        seg0 = flow.segs[flow.i] if flow.i < len(flow.segs) else None
        colw = (seg0.x1 - seg0.x0) if seg0 else 0.0
        if not colw:
            return None
        indent = INDENT_EM * self.size if item.indent else 0.0
        spans = break_lines(self.m, text, self.size, colw, colw - indent)
        snap = flow.state()
        lines: list[TextLine] = []
        for i, sp in enumerate(spans):
            pos = flow.place(self.lh)
            if pos is None:
                if partial and lines:
                    return Placed(item, spans[i - 1].end, lines, snap)
                flow.restore(snap)
                return None
            seg, top = pos
            x = seg.x0 + (indent if i == 0 else 0.0)
            lines.append(self.line(sp.text, x, top, self.size, self.lh, Role.BODY, f"{key}.s{seg.index}"))
        return Placed(item, len(item.text) if end is None else end, lines, snap)

    def subhead(self, flow: Flow, item: BodyItem, key: str) -> Placed | None:
        if flow.i >= len(flow.segs):
            return None
        seg0 = flow.segs[flow.i]
        colw = seg0.x1 - seg0.x0
        size = half_round(self.size * SUBHEAD_SCALE)
        lh = size * SUBHEAD_LEADING
        spans = break_lines(self.m, item.text, size, colw)
        snap = flow.state()
        pos = flow.place(lh * len(spans), gap=SUBHEAD_GAP * self.lh, keep=self.lh)
        if pos is None:
            flow.restore(snap)
            return None
        seg, top = pos
        lines = []
        for i, sp in enumerate(spans):
            x = seg.x0 + (seg.x1 - seg.x0 - sp.width) / 2
            lines.append(self.line(sp.text, x, top + i * lh, size, lh, Role.SUBHEAD, f"{key}.s{seg.index}",
                                   bold=True))
        return Placed(item, len(item.text), lines, snap)

    def fill(self, flow: Flow, items: list[BodyItem], key: str,
             jump: bool) -> tuple[list[Placed], list[BodyItem], bool]:
        """Set ``items`` until the columns are full.  Without ``jump`` the last paragraph is
        cut at a sentence end; with it, at a line, and the rest is returned to continue
        elsewhere (with whether the cut fell inside a paragraph)."""
        placed: list[Placed] = []
        for idx, it in enumerate(items):
            snap = flow.state()
            got = self.subhead(flow, it, key) if it.kind == "h" else self.paragraph(flow, it, key)
            if got is not None:
                placed.append(got)
                continue
            flow.restore(snap)
            if jump:
                part = self.paragraph(flow, it, key, partial=True) if it.kind == "p" else None
                if part is not None:
                    placed.append(part)
                    rest = [BodyItem("p", it.text[part.end:], indent=False, origin=it.origin)] + items[idx + 1:]
                    return placed, rest, True
                rest = items[idx:]
                while placed and placed[-1].item.kind == "h":
                    gone = placed.pop()
                    flow.restore(gone.before)
                    rest.insert(0, gone.item)
                return placed, rest, False
            if it.kind == "p":
                got = self.sentences(flow, it, key, first=not placed)
                if got is not None:
                    placed.append(got)
            break
        while placed and placed[-1].item.kind == "h":
            flow.restore(placed.pop().before)
        return placed, [], False

    def sentences(self, flow: Flow, it: BodyItem, key: str, first: bool) -> Placed | None:
        """The longest run of whole sentences of ``it`` that fits (whole clauses, for the
        first paragraph of an article, if not even one sentence fits)."""
        room = flow.remaining_lines(self.lh)
        seg = flow.segs[min(flow.i, len(flow.segs) - 1)] if flow.segs else None
        if not room or seg is None:
            return None
        per_line = (seg.x1 - seg.x0) / self.size
        cuts = sentence_cuts(it.text)
        cuts += sorted((i + 1 for i, c in enumerate(it.text) if c in (CLAUSE_ENDS_FIRST if first else CLAUSE_ENDS)
                        and i + 1 < len(it.text)), reverse=True)
        for cut in cuts:
            if cut > (room + 1) * per_line * PREFIX_SLACK + INDENT_EM:
                continue
            got = self.paragraph(flow, it, key, end=cut)
            if got is not None:
                return got
        return None

    # ---------------------------------------------------------------- photos
    def caption_lines(self, fig: FigureText, width: float, credit_at_end: bool) -> tuple[list[LineSpan], bool, float]:
        """Caption lines at ``width``, whether the credit ends the last one, and the height
        of caption and credit."""
        cs = half_round(self.size * CAPTION_SCALE)
        caps = break_lines(self.m, fig.caption, cs, width)
        inline = credit_at_end and caps[-1].width + cs * CREDIT_GAP + self.m.width(fig.credit, cs) <= width
        return caps, inline, (len(caps) + (0 if inline else 1)) * cs * CAPTION_LEADING

    def photo(self, unit: DrawUnit, photo: BBox, image: bool, fig: FigureText, caps: list[LineSpan],
              inline: bool) -> FigureGold:
        """Draw a photo (grey box or generated image), its caption under it and the credit
        (at the caption's end, or on its own line flush right)."""
        cs = half_round(self.size * CAPTION_SCALE)
        clh = cs * CAPTION_LEADING
        unit.arts.append(Art(ArtKind.IMAGE if image else ArtKind.PHOTO, photo, self.rng.randrange(1 << 30)))
        y = photo.y1 + PHOTO_CAPTION_GAP
        block = f"{unit.key}.fig"
        cap_lines = []
        for sp in caps:
            cap_lines.append(self.line(sp.text, photo.x0, y, cs, clh, Role.CAPTION, block))
            y += clh
        if inline:
            last = cap_lines[-1]
            cred = self.line(fig.credit, last.x + last.width + cs * CREDIT_GAP, y - clh, cs, clh, Role.CREDIT, block)
        else:
            cred = self.line(fig.credit, photo.x1 - self.m.width(fig.credit, cs), y, cs, clh, Role.CREDIT, block)
        unit.passages.append(Passage(Role.CAPTION, cap_lines, norm(fig.caption)))
        unit.passages.append(Passage(Role.CREDIT, [cred], norm(fig.credit)))
        return FigureGold(Piece(norm(fig.caption), cap_lines), Piece(norm(fig.credit), [cred]))

    def figure(self, unit: DrawUnit, m: ModulePlan, fp: FigurePlan, fig: FigureText, region: BBox, k: int,
               colw: float, obstacles: list[tuple[int, int, float, float]]
               ) -> tuple[tuple[int, int, float, float], FigureGold] | None:
        """An article's photo over ``fp.span`` body columns, at the top or foot of them;
        returns the obstacle it makes for the body text, or None if the body would be left
        with too little room."""
        free = k - (m.child_columns if m.child else 0)
        span = max(1, min(fp.span, free))
        j0 = k - span if fp.at_right else 0
        if m.child is not None:
            j0 = 0 if m.child_at_right else k - span
        x0 = region.x0 + j0 * (colw + GUTTER)
        x1 = x0 + span * colw + (span - 1) * GUTTER
        caps, inline, text_h = self.caption_lines(fig, x1 - x0, fp.credit_at_end)
        bottom_limit = region.y1
        for j_lo, j_hi, oy0, _ in obstacles:
            if j_lo < j0 + span and j0 < j_hi:
                bottom_limit = min(bottom_limit, oy0)
        avail = bottom_limit - region.y0
        photo_h = min((x1 - x0) * fp.aspect, avail * fp.max_share)
        total = photo_h + PHOTO_CAPTION_GAP + text_h
        # body lines left: full columns beside the photo, what is under it in its columns
        beside = (k - span) * int(avail // self.lh)
        under = span * max(0, int((avail - total - FIGURE_BODY_GAP * self.lh) // self.lh))
        if photo_h < PHOTO_MIN_H or beside + under < MIN_BODY_LINES:
            return None
        top = region.y0 if fp.at_top else bottom_limit - total
        photo = BBox(round(x0, 2), round(top, 2), round(x1, 2), round(top + photo_h, 2))
        fgold = self.photo(unit, photo, fp.image, fig, caps, inline)
        if fp.at_top:
            obstacle = (j0, j0 + span, region.y0, top + total + FIGURE_BODY_GAP * self.lh)
        else:
            obstacle = (j0, j0 + span, top - FIGURE_BODY_GAP * self.lh, region.y1)
        return obstacle, fgold

    def index_photo(self, m: ModulePlan, fig: FigureText, image: bool, credit_at_end: bool) -> ModuleResult:
        """A photo with caption and credit that belongs to no article."""
        unit = DrawUnit(m.key, (m.rect.x0, m.rect.y0))
        box = m.rect
        caps, inline, text_h = self.caption_lines(fig, box.width, credit_at_end)
        photo_h = max(PHOTO_MIN_H, min(box.height - text_h - PHOTO_CAPTION_GAP, box.width * INDEX_PHOTO_ASPECT))
        photo = BBox(round(box.x0, 2), round(box.y0, 2), round(box.x1, 2), round(box.y0 + photo_h, 2))
        return ModuleResult(unit, figure=self.photo(unit, photo, image, fig, caps, inline))

    # ---------------------------------------------------------------- table of contents
    def toc(self, m: ModulePlan, entries: list[tuple[str, int]]) -> ModuleResult:
        """本期导读: a title and one entry per article of a later page ("headline 3版")."""
        unit = DrawUnit(m.key, (m.rect.x0, m.rect.y0))
        box = m.rect
        ts = half_round(self.size * TOC_TITLE_SCALE)
        title = "本期导读"
        head = self.line(title, box.x0 + (box.width - self.m.width(title, ts)) / 2, box.y0, ts,
                         ts * HEAD_LEADING, Role.TOC, f"{m.key}.toc", bold=True)
        unit.passages.append(Passage(Role.TOC, [head], title))
        lines = [head]
        y = box.y0 + ts * HEAD_LEADING + TOC_ENTRY_GAP
        for headline, page in entries:
            text = f"{headline} {page}版"
            spans = break_lines(self.m, text, self.size, box.width)
            if y + len(spans) * self.lh > box.y1:
                break
            entry = []
            for sp in spans:
                entry.append(self.line(sp.text, box.x0, y, self.size, self.lh, Role.TOC, f"{m.key}.toc"))
                y += self.lh
            unit.passages.append(Passage(Role.TOC, entry, text))
            lines += entry
            y += TOC_ENTRY_GAP
        return ModuleResult(unit, furniture=Furniture("toc", lines))
