"""Page geometry: the column grid of each page and the rectangular modules on it.

A page's content area is cut recursively (guillotine cuts) into modules that span whole grid
columns; each cut becomes a thin rule or stays whitespace.  Each module then gets its own
body column count, and the planner decides what the module carries: a photo, a frame, a
nested boxed short article, a vertical headline, kicker, subtitle, byline or inline lead.
No text here: :mod:`.typeset` fills the modules.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field

from segmenter.containers import BBox

from .corpus import HeadStyle, LeadStyle

# ------------------------------------------------------------------------ page geometry
#: A3 broadsheet-ish page (297 x 420 mm) in points
PAGE_WIDTH = 842.0
PAGE_HEIGHT = 1191.0
MARGIN_X = 36.0
MARGIN_TOP = 34.0
MARGIN_BOTTOM = 36.0
#: page 1: height of the masthead band above the content
MASTHEAD_HEIGHT = 112.0
#: other pages: height of the running head band (one line and its rule)
RUNNING_HEAD_HEIGHT = 30.0
#: height of the folio band at the foot of every page
FOLIO_HEIGHT = 24.0
#: horizontal space between two grid columns (a vertical rule may stand in its middle)
GUTTER = 12.0
#: vertical space between two stacked modules (a horizontal rule may stand in its middle)
MODULE_GAP = 14.0
#: grid columns per page: page 1, other pages
GRID_COLUMNS_FRONT = (6, 7, 8)
GRID_COLUMNS = (4, 5, 6, 7, 8)
#: body type sizes (pt) a page may use, and line height as a multiple of the size
BODY_SIZES = (9.0, 9.5, 10.0, 10.5)
LEADING_RATIO = 1.5
#: a body column holds this many characters per line at least / at most
MIN_LINE_CHARS = 8
MAX_LINE_CHARS = 24
#: a module sets one body column per grid column with this probability (else its own count)
GRID_BODY_COLUMNS_P = 0.65

# ------------------------------------------------------------------------ module choices
#: no module is lower than this (pt): a head and a few lines of body
MIN_MODULE_HEIGHT = 170.0
#: number of modules on pages after the first (page 1 gets its lead story plus these)
MODULES_PER_PAGE = (4, 7)
#: the front-page lead band takes this share of the content height
LEAD_BAND_SHARE = (0.34, 0.46)
#: a cut falls within this share range of the region's height
CUT_SHARE = (0.35, 0.65)
#: pages with this many grid columns or more get one module more
MANY_COLUMNS = 7
#: the front-page table of contents stands at the left (else the right) with this probability
TOC_LEFT_P = 0.3
#: a cut becomes a drawn rule with this probability (else whitespace)
RULE_PROBABILITY = 0.7
#: a cut is horizontal with this probability when the region is taller than wide, and
#: with the complement when it is wider than tall
TALL_REGION_HCUT = 0.75
#: headline size tiers (pt) by importance rank on the page (rank 0: the largest module)
HEADLINE_SIZES = (40.0, 32.0, 28.0, 24.0, 22.0, 20.0, 18.0)
MIN_HEADLINE_SIZE = 18.0
#: headlines take at most 2 lines in modules wider than this (pt), 3 in narrower ones
TWO_LINE_HEAD_WIDTH = 240.0
#: probabilities of the head/body features (top two tiers, other tiers)
KICKER_P = (0.6, 0.3)
SUBTITLE_P = (0.5, 0.2)
LEAD_P = ((LeadStyle.BYLINE, 0.35), (LeadStyle.INLINE, 0.45), (LeadStyle.NONE, 0.2))
CLOSING_P = 0.18
SUBHEADS_P = 0.6
#: an article of at least this many characters of capacity may carry section subheads
SUBHEADS_MIN_CAPACITY = 1100
#: photos: probability for a module that can hold one; width in body columns; height / width
FIGURE_P = 0.45
FIGURE_ASPECT = (0.55, 0.8)
FIGURE_IMAGE_P = 0.35          # a real embedded image instead of a grey box
FIGURE_TUWEI_P = 0.5           # the caption has 图为
FIGURE_CREDIT_AT_END_P = 0.4   # the credit ends the caption instead of standing on its own line
FIGURE_TOP_P = 0.7             # the photo stands at the top of its columns (else at the foot)
FIGURE_MAX_SPAN = 3            # body columns
#: a module holds a photo only if it is this many minimum module heights tall (one-column
#: modules: times FIGURE_NARROW_FACTOR)
FIGURE_MIN_HEIGHTS = 2
FIGURE_NARROW_FACTOR = 1.3
#: a photo takes at most this share of its module's body height (more when the article is
#: short of text and the photo fills the module)
PHOTO_MAX_SHARE = 0.42
PHOTO_FILL_SHARE = 0.6
#: a module of at most this share of the content area may be framed (boxed short article)
BOX_MAX_SHARE = 0.13
BOX_P = 0.35
#: a nested framed short article at the foot of a big module
NESTED_P = 0.55
NESTED_HEIGHT_SHARE = (0.34, 0.44)
NESTED_MIN_PARENT_HEIGHT = 430.0
NESTED_MAX_COLUMNS = 2
NESTED_RIGHT_P = 0.6           # at the parent's right (else left) foot
#: a vertical (竖排) headline, once per page at most
VERTICAL_P = 0.5
VERTICAL_MIN_HEIGHT = 260.0
#: a vertical headline advances this much per character (x size), in at most this many lines;
#: the module keeps VERTICAL_MARGIN (pt) of its height free around it
VERTICAL_STEP = 1.1
VERTICAL_MAX_LINES = 2
VERTICAL_MARGIN = 40.0
#: an index-level photo (photo and caption belonging to no article), once per page at most
INDEX_PHOTO_P = 0.4
INDEX_PHOTO_MAX_SHARE = 0.16   # of the content area
INDEX_PHOTO_MAX_SPAN = 3       # grid columns
INDEX_PHOTO_MAX_ASPECT = 1.8   # height / width
#: estimated share of a module's body area that text really fills (head, figures, ragged ends)
FILL_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class Grid:
    columns: int
    x0: float
    x1: float
    gutter: float

    @property
    def col_width(self) -> float:
        return (self.x1 - self.x0 - (self.columns - 1) * self.gutter) / self.columns

    def left(self, c: int) -> float:
        return self.x0 + c * (self.col_width + self.gutter)

    def right(self, c: int) -> float:
        return self.left(c) + self.col_width


class ModuleKind(str, enum.Enum):
    ARTICLE = "article"
    PHOTO = "photo"          # an index-level photo with caption
    TOC = "toc"              # 本期导读 (front page)


@dataclass(frozen=True, slots=True)
class FigurePlan:
    span: int                # body columns the photo spans
    at_right: bool
    at_top: bool
    aspect: float            # photo height / width
    image: bool              # a generated image rather than a grey box
    tuwei: bool
    credit_at_end: bool
    max_share: float         # at most this share of the body height


@dataclass(eq=False, slots=True)
class ModulePlan:
    key: str                 # "p2m3"
    kind: ModuleKind
    rect: BBox
    span: int                # grid columns
    body_columns: int
    tier: int = 9            # importance rank on the page, 0 = lead
    boxed: bool = False
    vertical: str = ""       # "", "left" or "right": side of a vertical headline strip
    figure: FigurePlan | None = None
    child: "ModulePlan | None" = None   # nested framed article at the module's foot
    child_at_right: bool = True
    child_columns: int = 0
    style: HeadStyle = field(default_factory=HeadStyle)
    headline_size: float = MIN_HEADLINE_SIZE
    jump_to: int = 0         # this article continues on page jump_to (下转)
    continuation: bool = False   # reserved for the continued part of a page-1 article

    @property
    def area(self) -> float:
        return self.rect.width * self.rect.height

    def modules(self) -> list["ModulePlan"]:
        return [self] + ([self.child] if self.child else [])


@dataclass(frozen=True, slots=True)
class RulePlan:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(eq=False, slots=True)
class PagePlan:
    number: int
    pages: int
    grid: Grid
    body_size: float
    content: BBox
    modules: list[ModulePlan]
    rules: list[RulePlan]

    @property
    def leading(self) -> float:
        return round(self.body_size * LEADING_RATIO, 2)

    def all_modules(self) -> list[ModulePlan]:
        return [m for top in self.modules for m in top.modules()]


@dataclass(frozen=True, slots=True)
class _Region:
    c0: int
    c1: int
    y0: float
    y1: float


def capacity(m: ModulePlan, body_size: float) -> int:
    """Rough number of body characters a module holds."""
    return int(m.rect.width * m.rect.height * FILL_SHARE / (body_size * body_size * LEADING_RATIO))


def body_columns_for(width: float, span: int, body_size: float, gutter: float, rng: random.Random) -> int:
    """The module's own column count: usually one per grid column, sometimes fewer and
    wider (mixed column widths on one page); always MIN..MAX_LINE_CHARS per line."""
    def ok(k: int) -> bool:
        chars = ((width - (k - 1) * gutter) / k) / body_size
        return MIN_LINE_CHARS <= chars <= MAX_LINE_CHARS
    valid = [k for k in range(1, span + 1) if ok(k)]
    if not valid:
        return 1
    if span in valid and rng.random() < GRID_BODY_COLUMNS_P:
        return span
    return rng.choice(valid)


def figure_plan(m: ModulePlan, rng: random.Random, max_share: float = PHOTO_MAX_SHARE,
                image: bool | None = None) -> FigurePlan:
    """A photo for module ``m``: 1-3 body columns wide, beside a nested frame if any."""
    k = max(1, m.body_columns - (m.child_columns if m.child else 0))
    return FigurePlan(span=rng.randint(1, min(FIGURE_MAX_SPAN, k)),
                      at_right=(not m.child_at_right) if m.child else rng.random() < 0.5,
                      at_top=rng.random() < FIGURE_TOP_P, aspect=rng.uniform(*FIGURE_ASPECT),
                      image=rng.random() < FIGURE_IMAGE_P if image is None else image,
                      tuwei=rng.random() < FIGURE_TUWEI_P, credit_at_end=rng.random() < FIGURE_CREDIT_AT_END_P,
                      max_share=max_share)


class Planner:
    def __init__(self, rng: random.Random, pages: int):
        self.rng = rng
        self.pages = pages
        self.seen: set[str] = set()     # features an earlier page already has

    def _chance(self, feature: str, p: float, plan: PagePlan) -> bool:
        """True with probability ``p``; always on the last two pages of an edition of three
        or more if no page had ``feature`` yet (so such an edition shows every feature a
        page can hold)."""
        late = self.pages >= 3 and plan.number >= self.pages - 1 and feature not in self.seen
        hit = late or self.rng.random() < p
        if hit:
            self.seen.add(feature)
        return hit

    def page(self, number: int) -> PagePlan:
        rng = self.rng
        cols = rng.choice(GRID_COLUMNS_FRONT if number == 1 else GRID_COLUMNS)
        grid = Grid(cols, MARGIN_X, PAGE_WIDTH - MARGIN_X, GUTTER)
        body_size = rng.choice(BODY_SIZES)
        top = MARGIN_TOP + (MASTHEAD_HEIGHT if number == 1 else RUNNING_HEAD_HEIGHT)
        bottom = PAGE_HEIGHT - MARGIN_BOTTOM - FOLIO_HEIGHT
        content = BBox(grid.x0, top, grid.x1, bottom)
        rules: list[RulePlan] = []
        regions: list[tuple[_Region, ModuleKind]] = []
        if number == 1:
            band = round(top + (bottom - top) * rng.uniform(*LEAD_BAND_SHARE))
            lead = _Region(0, cols, top, band - MODULE_GAP / 2)
            if self.pages > 1:
                toc_left = rng.random() < TOC_LEFT_P
                toc = _Region(0, 1, top, lead.y1) if toc_left else _Region(cols - 1, cols, top, lead.y1)
                lead = _Region(1, cols, top, lead.y1) if toc_left else _Region(0, cols - 1, top, lead.y1)
                regions.append((toc, ModuleKind.TOC))
                gx = grid.right(0) + GUTTER / 2 if toc_left else grid.left(cols - 1) - GUTTER / 2
                rules.append(RulePlan(gx, top, gx, lead.y1))
            regions.insert(0, (lead, ModuleKind.ARTICLE))
            rules.append(RulePlan(grid.x0, band, grid.x1, band))
            rest = _Region(0, cols, band + MODULE_GAP / 2, bottom)
            n = rng.randint(*MODULES_PER_PAGE)
        else:
            rest = _Region(0, cols, top, bottom)
            n = rng.randint(*MODULES_PER_PAGE) + (1 if cols >= MANY_COLUMNS else 0)
        for r in self._carve(rest, n, grid, rules):
            regions.append((r, ModuleKind.ARTICLE))
        modules = []
        for i, (r, kind) in enumerate(regions, start=1):
            rect = BBox(grid.left(r.c0), r.y0, grid.right(r.c1 - 1), r.y1)
            span = r.c1 - r.c0
            k = 1 if kind is ModuleKind.TOC else body_columns_for(rect.width, span, body_size, GUTTER, rng)
            modules.append(ModulePlan(f"p{number}m{i}", kind, rect, span, k))
        plan = PagePlan(number, self.pages, grid, body_size, content, modules, rules)
        self._decorate(plan)
        return plan

    # ---------------------------------------------------------------- guillotine cuts
    def _carve(self, reg: _Region, n: int, grid: Grid, rules: list[RulePlan]) -> list[_Region]:
        rng = self.rng
        w = reg.c1 - reg.c0
        h = reg.y1 - reg.y0
        can_v = w >= 2
        can_h = h >= 2 * MIN_MODULE_HEIGHT + MODULE_GAP
        if n <= 1 or not (can_v or can_h):
            return [reg]
        width_pt = grid.right(reg.c1 - 1) - grid.left(reg.c0)
        if can_v and can_h:
            p_h = TALL_REGION_HCUT if h > width_pt else 1 - TALL_REGION_HCUT
            horizontal = rng.random() < p_h
        else:
            horizontal = can_h
        draw = rng.random() < RULE_PROBABILITY
        if horizontal:
            lo = reg.y0 + MIN_MODULE_HEIGHT + MODULE_GAP / 2
            hi = reg.y1 - MIN_MODULE_HEIGHT - MODULE_GAP / 2
            y = round(min(hi, max(lo, reg.y0 + h * rng.uniform(*CUT_SHARE))))
            share = (y - reg.y0) / h
            n1 = min(n - 1, max(1, round(n * share)))
            if draw:
                rules.append(RulePlan(grid.left(reg.c0), y, grid.right(reg.c1 - 1), y))
            return (self._carve(_Region(reg.c0, reg.c1, reg.y0, y - MODULE_GAP / 2), n1, grid, rules)
                    + self._carve(_Region(reg.c0, reg.c1, y + MODULE_GAP / 2, reg.y1), n - n1, grid, rules))
        k = rng.randint(1, w - 1)
        n1 = min(n - 1, max(1, round(n * k / w)))
        if draw:
            x = grid.right(reg.c0 + k - 1) + GUTTER / 2
            rules.append(RulePlan(x, reg.y0, x, reg.y1))
        return (self._carve(_Region(reg.c0, reg.c0 + k, reg.y0, reg.y1), n1, grid, rules)
                + self._carve(_Region(reg.c0 + k, reg.c1, reg.y0, reg.y1), n - n1, grid, rules))

    # ---------------------------------------------------------------- module features
    def _decorate(self, plan: PagePlan) -> None:
        rng = self.rng
        arts = [m for m in plan.modules if m.kind is ModuleKind.ARTICLE]
        ranked = sorted(arts, key=lambda m: -m.area)
        if plan.number == 1:
            ranked.remove(arts[0])
            ranked.insert(0, arts[0])          # the lead band is the lead story
        for rank, m in enumerate(ranked):
            m.tier = rank
            m.headline_size = HEADLINE_SIZES[min(rank, len(HEADLINE_SIZES) - 1)]
        content_area = plan.content.width * plan.content.height
        # an index-level photo: a small module, not the lead
        small = [m for m in ranked[1:] if m.span <= INDEX_PHOTO_MAX_SPAN
                 and m.rect.height <= INDEX_PHOTO_MAX_ASPECT * m.rect.width
                 and m.area <= INDEX_PHOTO_MAX_SHARE * content_area]
        if small and len(arts) >= 4 and self._chance("index-photo", INDEX_PHOTO_P, plan):
            m = min(small, key=lambda m: (m.area, m.key))
            m.kind = ModuleKind.PHOTO
            arts.remove(m)
        # a nested framed short article at the foot of a big module
        big = [m for m in ranked if m.body_columns >= 3 and m.rect.height >= NESTED_MIN_PARENT_HEIGHT]
        if big and self._chance("nested", NESTED_P, plan):
            self._nest(plan, rng.choice(big))
        # a vertical headline
        tall = [m for m in arts if m.child is None and m.rect.height >= VERTICAL_MIN_HEIGHT and m.tier > 0
                and m.rect.width >= 2 * plan.body_size * MIN_LINE_CHARS]
        if tall and self._chance("vertical", VERTICAL_P, plan):
            rng.choice(tall).vertical = rng.choice(("left", "right"))
        for m in arts:
            if m.child is None and not m.vertical and m.area <= BOX_MAX_SHARE * content_area \
                    and self._chance("box", BOX_P, plan):
                m.boxed = True
            self._figure(plan, m)
            self._style(plan, m)
            if m.child is not None:
                self._style(plan, m.child)

    def _nest(self, plan: PagePlan, parent: ModulePlan) -> None:
        rng = self.rng
        k = parent.body_columns
        cols = rng.randint(1, min(NESTED_MAX_COLUMNS, k - 1))
        colw = (parent.rect.width - (k - 1) * GUTTER) / k
        right = rng.random() < NESTED_RIGHT_P
        x0 = parent.rect.x0 + (k - cols) * (colw + GUTTER) if right else parent.rect.x0
        x1 = x0 + cols * colw + (cols - 1) * GUTTER
        h = round(parent.rect.height * rng.uniform(*NESTED_HEIGHT_SHARE))
        rect = BBox(x0, parent.rect.y1 - h, x1, parent.rect.y1)
        child = ModulePlan(parent.key + "b", ModuleKind.ARTICLE, rect, cols, 1, tier=len(plan.modules) + 1,
                           boxed=True, headline_size=MIN_HEADLINE_SIZE)
        parent.child, parent.child_at_right, parent.child_columns = child, right, cols

    def _figure(self, plan: PagePlan, m: ModulePlan) -> None:
        k = m.body_columns - (m.child_columns if m.child else 0)
        min_h = FIGURE_MIN_HEIGHTS * MIN_MODULE_HEIGHT * (1 if m.body_columns >= 2 else FIGURE_NARROW_FACTOR)
        if k >= 1 and m.rect.height >= min_h \
                and self._chance("figure", FIGURE_P, plan):
            m.figure = figure_plan(m, self.rng, image=self._chance("image", FIGURE_IMAGE_P, plan))

    def _style(self, plan: PagePlan, m: ModulePlan) -> None:
        rng = self.rng
        top = m.tier <= 1
        cap = capacity(m, plan.body_size)
        r, acc, lead = rng.random(), 0.0, LeadStyle.NONE
        for style, p in LEAD_P:
            acc += p
            if r < acc:
                lead = style
                break
        if m.vertical:
            per_line = int((m.rect.height - VERTICAL_MARGIN) / (m.headline_size * VERTICAL_STEP))
            max_headline = per_line * VERTICAL_MAX_LINES
        else:
            max_lines = 2 if m.rect.width > TWO_LINE_HEAD_WIDTH else 3
            max_headline = int(m.rect.width / MIN_HEADLINE_SIZE) * max_lines
        m.style = HeadStyle(
            kicker=not m.vertical and rng.random() < KICKER_P[0 if top else 1],
            subtitle=not m.vertical and rng.random() < SUBTITLE_P[0 if top else 1],
            lead=lead,
            closing=rng.random() < CLOSING_P,
            subheads=cap >= SUBHEADS_MIN_CAPACITY and rng.random() < SUBHEADS_P,
            max_headline=max(6, max_headline))
