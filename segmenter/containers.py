"""The one data model every stage passes along.

Readers produce :class:`Page` objects holding :class:`Line` objects; layout groups lines into
:class:`Block` objects; the role classifier sets :attr:`Block.role`; the assembler builds
:class:`Article` and :class:`NonArticle` objects into an :class:`Edition`; the exporter
serialises the edition.  Nothing else is passed between stages (no dicts, no bare tuples).

Provenance: every line knows its page and its 1-based line number in the input file (text
dumps) or its bbox in page coordinates (PDFs and scans, later); every block knows its lines,
so every emitted paragraph knows where it came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class BBox:
    """Axis-aligned box in page coordinates (PDF points or image pixels), y grows downwards."""

    x0: float
    y0: float
    x1: float
    y1: float

    def union(self, other: "BBox") -> "BBox":
        return _bbox(min(self.x0, other.x0), min(self.y0, other.y0),
                     max(self.x1, other.x1), max(self.y1, other.y1))

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def x_overlap(self, other: "BBox") -> float:
        return max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))

    def y_overlap(self, other: "BBox") -> float:
        return max(0.0, min(self.y1, other.y1) - max(self.y0, other.y0))

    def contains(self, other: "BBox", slack: float = 0.0) -> bool:
        return (self.x0 - slack <= other.x0 and self.y0 - slack <= other.y0
                and other.x1 <= self.x1 + slack and other.y1 <= self.y1 + slack)


_new = object.__new__
_set_x0, _set_y0, _set_x1, _set_y1 = (BBox.x0.__set__, BBox.y0.__set__,    # the slots
                                      BBox.x1.__set__, BBox.y1.__set__)


def _bbox(x0: float, y0: float, x1: float, y1: float) -> BBox:
    """``BBox(x0, y0, x1, y1)``, built without the frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` call per field: three times the cost) for the unions taken
    thousands of times per page; the same object (equal, same hash, still frozen)."""
    b = _new(BBox)
    _set_x0(b, x0)
    _set_y0(b, y0)
    _set_x1(b, x1)
    _set_y1(b, y1)
    return b


class Role(str, enum.Enum):
    """What a block is on the page.  Head roles first, then body, then page furniture."""

    KICKER = "kicker"          # 引题: above the headline
    HEADLINE = "headline"      # 主题
    SUBTITLE = "subtitle"      # 副题: below the headline, often "——…"
    BYLINE = "byline"          # standalone byline line(s)
    BODY = "body"              # body paragraph (inline leads and closing notes included)
    SUBHEAD = "subhead"        # 小标题 inside an article body
    CAPTION = "caption"        # photo caption (图为…)
    CREDIT = "credit"          # photo credit (…摄, 制图, 供图)
    JUMP = "jump"              # a block that is only a jump marker (下转第2版 …)
    MASTHEAD = "masthead"      # paper name, issue data, 出版物号, 邮发代号 …
    TOC = "toc"                # 本期导读 and its entries
    FOLIO = "folio"            # running head / page foot furniture (第N版, 责任编辑 …)
    HEADING = "heading"        # headline-like, not yet decided (headline, kicker, subtitle or subhead)


HEAD_ROLES = (Role.KICKER, Role.HEADLINE, Role.SUBTITLE, Role.BYLINE)


@dataclass(slots=True)
class Line:
    """One line of input as the reader saw it (after decoding; converter markup split off)."""

    text: str                  # the line's text without converter markup and without the newline
    page: int                  # 1-based page number within the edition
    lineno: int                # 1-based line number in the input file (0 when not a text dump)
    markup: str = ""           # converter markup removed from this line ("##", "-", "**" …)
    heading_level: int = 0     # markdown heading level 1-6 (a hint, not truth); 0 = none
    hard_break: bool = False   # the line ended in a markdown hard break (two spaces)
    blank_before: int = 0      # number of blank input lines right before this one
    column: int = 0            # column index when a merged-column line was split (0 otherwise)
    bbox: BBox | None = None   # geometry, for PDF and scan input
    size: float | None = None  # font size / glyph height, for PDF and scan input
    bold: bool = False
    vertical: bool = False     # set top-down (竖排): text is read top-down, lines right-to-left
    font: str = ""             # font name as the PDF gives it (subset prefix removed); a hint only
    conf: float | None = None  # OCR confidence 0..1 (scans); None for text layers
    low: tuple["LowWord", ...] = ()  # words OCR read below ocr.LOW_WORD_CONF (scans), in text order

    @property
    def src(self) -> "Span":
        return Span(self.page, self.lineno, self.lineno, self.bbox)


@dataclass(frozen=True, slots=True)
class LowWord:
    """A word (CJK character or Latin word) that OCR read with low confidence (issue #5): where
    it is in its :attr:`Line.text` (``text[start:end]``), where it is on the page, how sure OCR was."""

    start: int                 # character offset into Line.text (inclusive)
    end: int                   # character offset into Line.text (exclusive)
    bbox: BBox                 # page pixels, mapped back from the OCR crop like the line's box
    conf: float                # OCR confidence 0..1


@dataclass(frozen=True, slots=True)
class Span:
    """Provenance of a piece of output: a page and an input line range, or a page and a bbox."""

    page: int
    first: int
    last: int
    bbox: BBox | None = None


_span_fields = (Span.page.__set__, Span.first.__set__, Span.last.__set__, Span.bbox.__set__)


def _span(page: int, first: int, last: int, bbox: BBox | None) -> Span:
    """``Span(page, first, last, bbox)`` built as :func:`_bbox` builds a box (one per
    output element and join: thousands per edition)."""
    s = _new(Span)
    set_page, set_first, set_last, set_bbox = _span_fields
    set_page(s, page)
    set_first(s, first)
    set_last(s, last)
    set_bbox(s, bbox)
    return s


@dataclass(slots=True)
class Jump:
    """A jump marker (上接第1版 / 下转第2版) found in the text, kept out of the body."""

    direction: str             # "from" (上接: this part continues an article from elsewhere) or "to"
    page_ref: str              # normalised page reference as printed, e.g. "第1版", "A02版"
    page_number: int | None    # the page number it points at, when it can be read (1, 2 …)
    marker: str                # the marker exactly as printed, e.g. "▲▲ 上接第1版"
    src: Span
    linked: bool | None = None  # None: single page; True/False: the other part was found or not


@dataclass(slots=True)
class Block:
    """A run of lines that belong together: a paragraph piece, a headline, a caption …"""

    lines: list[Line]
    text: str                  # joined text (CJK joined with nothing, Latin with a space)
    role: Role = Role.BODY
    soft_hyphens: int = 0      # Latin hyphens removed when de-hyphenating across lines
    jumps: list[Jump] = field(default_factory=list)
    repeated: list["Block"] = field(default_factory=list)  # identical copies printed again (converter)
    score: float = 1.0         # confidence of the decision that made this block what it is
    joins_previous: bool = False  # continues the paragraph before it (a tail joined to its head)
    # geometry (PDF and scan pages): the column run this block is a piece of, and whether its
    # first line visibly opens a paragraph (indent) / its last line visibly closes one (short)
    run: int = -1
    opens: bool = True
    closes: bool = True

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def first_lineno(self) -> int:
        return self.lines[0].lineno

    @property
    def heading_level(self) -> int:
        return min((ln.heading_level for ln in self.lines if ln.heading_level), default=0)

    @property
    def markup(self) -> str:
        return " ".join(ln.markup for ln in self.lines if ln.markup)

    def spans(self) -> list[Span]:
        return spans_of(self.lines)

    @property
    def bbox(self) -> BBox | None:
        """Union of the lines' boxes (PDF and scan blocks), None for text dumps.  Computed on
        each call (stages change ``lines``), in one BBox: no intermediate union per line."""
        lines = self.lines
        if len(lines) == 1:
            return lines[0].bbox
        return union_of([ln.bbox for ln in lines])

    @property
    def size(self) -> float:
        """Font size of the block: the size of most of its characters (0 for text dumps);
        among lines of equal length the largest size (``max`` of (length, size) pairs)."""
        best_n, best = -1, 0.0
        for ln in self.lines:
            s = ln.size
            if s:
                n = len(ln.text)
                if n > best_n or (n == best_n and s > best):
                    best_n, best = n, s
        return best


def union_of(boxes) -> BBox | None:
    """The union of ``boxes`` (None items skipped), None when there is none; the same
    numbers as chaining :meth:`BBox.union`, built as one BBox."""
    it = iter(boxes)
    for first in it:
        if first is not None:
            break
    else:
        return None
    x0, y0, x1, y1 = first.x0, first.y0, first.x1, first.y1
    n = 1
    for b in it:
        if b is None:
            continue
        n += 1
        if b.x0 < x0:
            x0 = b.x0
        if b.y0 < y0:
            y0 = b.y0
        if b.x1 > x1:
            x1 = b.x1
        if b.y1 > y1:
            y1 = b.y1
    return first if n == 1 else _bbox(x0, y0, x1, y1)


def spans_of(lines: list[Line]) -> list[Span]:
    """Collapse lines into spans of consecutive line numbers per page (input order kept);
    blank lines between two lines of one block belong to the span ("28-30", not "28,30").
    Lines with geometry (one block = one piece of one column) give one box per page."""
    if lines and lines[0].bbox is not None:
        page = lines[0].page
        for ln in lines:
            if ln.page != page:
                break
        else:                           # one page (as a piece of a column is): one span
            return [_span(page, 0, 0, union_of([ln.bbox for ln in lines]))]
        by_page: dict[int, list[BBox]] = {}
        for ln in lines:
            if ln.bbox is not None:
                by_page.setdefault(ln.page, []).append(ln.bbox)
        return [Span(pg, 0, 0, union_of(bbs)) for pg, bbs in by_page.items()]
    out: list[Span] = []
    for ln in lines:
        if ln.bbox is None and out and out[-1].page == ln.page and out[-1].bbox is None \
                and out[-1].last + 1 + ln.blank_before >= ln.lineno >= out[-1].first:
            prev = out[-1]
            out[-1] = Span(prev.page, prev.first, max(prev.last, ln.lineno))
        else:
            out.append(ln.src)
    return out


@dataclass(slots=True)
class Paragraph:
    """One output paragraph (<p>) or section subhead (<h>): one or more blocks joined."""

    kind: str                  # "p" or "h"
    blocks: list[Block]
    text: str

    @property
    def lines(self) -> list[Line]:
        return [ln for b in self.blocks for ln in b.lines]


@dataclass(slots=True)
class Figure:
    caption: Block | None = None
    credit: Block | None = None


@dataclass(slots=True)
class Join:
    """One reassembly decision, kept for the review page and for confidence."""

    kind: str                  # "column-break", "tail", "headline", "orphan", "figure", "jump"
    score: float               # 0..1, how sure segmenter is
    left: Span                 # where the first piece is
    right: Span                # where the piece joined to it is


@dataclass(slots=True)
class Article:
    id: str = ""
    kicker: Block | None = None
    headline: Block | None = None
    subtitle: Block | None = None
    byline: Block | None = None
    body: list[Paragraph] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    continued: list[Jump] = field(default_factory=list)    # 上接 markers of this article's parts
    continues: list[Jump] = field(default_factory=list)    # 下转 markers
    joins: list[Join] = field(default_factory=list)
    confidence: float = 1.0

    def head_blocks(self) -> list[Block]:
        return [b for b in (self.kicker, self.headline, self.subtitle, self.byline) if b is not None]

    def all_blocks(self) -> list[Block]:
        out = self.head_blocks() + [b for p in self.body for b in p.blocks]
        for f in self.figures:
            out += [b for b in (f.caption, f.credit) if b is not None]
        return out

    def first_position(self) -> tuple[int, int]:
        """(page, line) of the head if any, else of the body: articles are numbered by this."""
        blocks = self.head_blocks() or [b for p in self.body for b in p.blocks] or self.all_blocks()
        return min((b.page, b.first_lineno) for b in blocks) if blocks else (0, 0)


class NonArticleKind(str, enum.Enum):
    MASTHEAD = "masthead"
    TOC = "toc"
    FIGURE = "figure"
    FRAGMENT = "fragment"
    FOLIO = "folio"


@dataclass(slots=True)
class NonArticle:
    kind: NonArticleKind
    blocks: list[Block]
    figure: Figure | None = None    # for kind FIGURE


class GraphicKind(str, enum.Enum):
    RULE = "rule"      # a thin drawn line or thin filled rectangle (separator)
    BOX = "box"        # a stroked rectangle (frame around a boxed article or an ad)
    IMAGE = "image"    # an image, or a large filled rectangle standing for a photo


@dataclass(frozen=True, slots=True)
class Graphic:
    """Non-text geometry of a PDF or scanned page that structures it."""

    kind: GraphicKind
    bbox: BBox

    @property
    def horizontal(self) -> bool:
        return self.bbox.width >= self.bbox.height


@dataclass(slots=True)
class Page:
    number: int                # 1-based within the edition
    path: str                  # input file path as given
    name: str                  # file name
    kind: str = "text"         # "text" (dump), "pdf", "scan"
    style: str = ""            # detected dump style: "columns", "paragraphs", "markdown", "merged"
    encoding: str = ""
    lines: list[Line] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    replaced_controls: int = 0  # XML-illegal control characters replaced by U+FFFD
    width: float = 0.0         # page size in points (PDF) or pixels (scan); 0 for text dumps
    height: float = 0.0
    graphics: list[Graphic] = field(default_factory=list)  # rules, boxes, images (PDF / scan)
    printed: int | None = None  # the page number as printed (第N版) or known from the input
    source_page: int = 0       # 1-based page index inside a multi-page input file (PDF, TIFF)


@dataclass(slots=True)
class Edition:
    name: str
    pages: list[Page] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    others: list[NonArticle] = field(default_factory=list)
