"""What the generator drew and what the gold says about it.

A :class:`TextLine` is one drawn line (one ``insert_text``); every other record points at
text lines, so the gold ``src`` boxes and every dump come from the same drawing records.
Coordinates are PDF points, y downwards.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from segmenter.containers import BBox, GraphicKind, Role

#: glyph box of the embedded CJK font (Droid Sans Fallback), per point of font size:
#: what PyMuPDF reports as a character's bbox around the baseline
ASCENT = 1.04296875
DESCENT = 0.265625


@dataclass(eq=False, slots=True)
class TextLine:
    """One drawn line of text (or one character of a vertical headline)."""

    page: int
    text: str
    x: float               # pen start
    baseline: float
    size: float
    width: float           # advance width of the text at ``size``
    role: Role
    block: str             # the printed block (module part) it belongs to: "p1m3.c2.s0"
    bold: bool = False
    vertical: bool = False  # one character of a 竖排 headline

    @property
    def bbox(self) -> BBox:
        return BBox(self.x, self.baseline - ASCENT * self.size, self.x + self.width,
                    self.baseline + DESCENT * self.size)


class ArtKind(str, enum.Enum):
    RULE = GraphicKind.RULE.value     # a thin separator line
    BOX = GraphicKind.BOX.value       # a stroked frame
    PHOTO = GraphicKind.IMAGE.value   # a grey filled rectangle standing for a photo
    IMAGE = "pixmap"                  # a real (generated) embedded image


@dataclass(frozen=True, slots=True)
class Art:
    kind: ArtKind
    bbox: BBox
    seed: int = 0          # pattern of a generated image


@dataclass(eq=False, slots=True)
class Passage:
    """A printed unit in reading order: a head item, the part of a paragraph set on one
    page, a subhead, a caption, a credit, a jump marker or a furniture line group."""

    role: Role
    lines: list[TextLine]
    text: str              # the text printed, whitespace-normalised
    level: int = 0         # markdown heading level (0: none)


@dataclass(eq=False, slots=True)
class DrawUnit:
    """What one module (or piece of furniture) draws: its passages in reading order, plus
    rules, frames and photos.  Units are drawn in a shuffled order."""

    key: str
    top_left: tuple[float, float]
    passages: list[Passage] = field(default_factory=list)
    arts: list[Art] = field(default_factory=list)

    @property
    def lines(self) -> list[TextLine]:
        return [ln for p in self.passages for ln in p.lines]


# ------------------------------------------------------------------------------- gold

@dataclass(eq=False, slots=True)
class Piece:
    """One gold text item (<headline>, <p>, <caption> …): its text and the lines it was
    printed on (on one page or, for a paragraph cut by a jump, two)."""

    text: str
    lines: list[TextLine]


@dataclass(eq=False, slots=True)
class Para:
    kind: str              # "p" or "h"
    piece: Piece


@dataclass(eq=False, slots=True)
class JumpMark:
    direction: str         # "to" (下转) or "from" (上接)
    page_ref: str          # "第3版"
    marker: str            # "（下转第3版）"
    line: TextLine


@dataclass(eq=False, slots=True)
class FigureGold:
    caption: Piece | None
    credit: Piece | None


@dataclass(eq=False, slots=True)
class ArticleGold:
    page: int
    anchor: tuple[float, float]            # (y, x) of the module's top-left: reading order
    source: str
    kicker: Piece | None = None
    headline: Piece | None = None
    subtitle: Piece | None = None
    byline: Piece | None = None
    repeated: Piece | None = None          # the headline repeated over the continued part
    body: list[Para] = field(default_factory=list)
    continued: list[JumpMark] = field(default_factory=list)
    continues: list[JumpMark] = field(default_factory=list)
    figures: list[FigureGold] = field(default_factory=list)
    lead: str = ""                         # inline lead (for the variety statistics)
    closing: bool = False
    boxed: bool = False
    vertical: bool = False
    id: str = ""


@dataclass(eq=False, slots=True)
class Furniture:
    kind: str              # "masthead", "folio" or "toc"
    lines: list[TextLine]


@dataclass(eq=False, slots=True)
class PageSetting:
    """One finished page: everything drawn on it, in reading order, and its index items."""

    number: int
    width: float
    height: float
    columns: int                            # grid columns
    body_size: float
    units: list[DrawUnit] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    figures: list[FigureGold] = field(default_factory=list)   # index-level figures
    drawn: list[TextLine] = field(default_factory=list)       # in drawing order (set by render)

    @property
    def lines(self) -> list[TextLine]:
        """Every drawn line in reading order."""
        return [ln for u in self.ordered_units() for ln in u.lines]

    def ordered_units(self) -> list[DrawUnit]:
        return sorted(self.units, key=lambda u: (u.top_left[1], u.top_left[0]))
