"""Page furniture: the front-page masthead, running heads and folios (all index-level text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from segmenter.containers import BBox, Role

from .linebreak import Metrics
from .model import ASCENT, DESCENT, Art, ArtKind, DrawUnit, Furniture, Passage, TextLine
from .plan import FOLIO_HEIGHT, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, MASTHEAD_HEIGHT, PAGE_HEIGHT, \
    PAGE_WIDTH, RUNNING_HEAD_HEIGHT

#: paper name size on the front page, and the size of the masthead's small print
PAPER_NAME_SIZE = 56.0
MASTHEAD_SMALL = 9.5
MASTHEAD_SMALL_LEADING = 15.0
ENGLISH_NAME_SIZE = 8.5
#: running head and folio sizes
RUNNING_HEAD_SIZE = 10.0
FOLIO_SIZE = 9.0
#: rule widths: masthead double rule (thick, thin), running head rule, folio rule
MASTHEAD_RULES = (2.2, 0.6)
RUNNING_RULE = 0.9
FOLIO_RULE = 0.4
#: offsets (pt): paper name below the top margin; English name below the paper name; the
#: small print below the top margin; masthead rules above the band's foot and between them
NAME_TOP = 6.0
ENGLISH_GAP = 4.0
SMALL_TOP = 10.0
MASTHEAD_RULE_RISE = 10.0
MASTHEAD_RULE_GAP = 4.0
#: running head: text below the top margin, rule above the band's foot; folio: rule below
#: the band's top, text below the band's top
RUNNING_TEXT_TOP = 4.0
RUNNING_RULE_RISE = 8.0
FOLIO_RULE_TOP = 2.0
FOLIO_TEXT_TOP = 8.0


@dataclass(frozen=True, slots=True)
class Issue:
    paper: str
    paper_en: str
    day: date
    issue: int           # 第N期
    serial: int          # 总第N期
    cn: int              # CN 11-NNNN
    post: int            # 邮发代号 1-NN
    pages: int

    @property
    def date_text(self) -> str:
        return f"{self.day.year}年{self.day.month}月{self.day.day}日 星期{'一二三四五六日'[self.day.weekday()]}"


def _line(m: Metrics, page: int, text: str, x: float, baseline: float, size: float, role: Role, block: str,
          bold: bool = False) -> TextLine:
    return TextLine(page, text, round(x, 2), round(baseline, 2), size, m.width(text, size), role, block, bold)


def masthead(m: Metrics, issue: Issue) -> tuple[DrawUnit, Furniture]:
    unit = DrawUnit("p1.masthead", (MARGIN_X, MARGIN_TOP))
    x1 = PAGE_WIDTH - MARGIN_X
    name_base = MARGIN_TOP + NAME_TOP + ASCENT * PAPER_NAME_SIZE
    name = _line(m, 1, issue.paper, MARGIN_X, name_base, PAPER_NAME_SIZE, Role.MASTHEAD, "p1.masthead.name", True)
    en = _line(m, 1, issue.paper_en, MARGIN_X, name_base + DESCENT * PAPER_NAME_SIZE + ENGLISH_NAME_SIZE + ENGLISH_GAP,
               ENGLISH_NAME_SIZE, Role.MASTHEAD, "p1.masthead.name")
    small = [issue.date_text,
             f"第{issue.issue}期（总第{issue.serial}期） 今日{issue.pages}版",
             f"国内统一连续出版物号 CN 11-{issue.cn:04d}",
             f"邮发代号 1-{issue.post}"]
    lines = [name, en]
    y = MARGIN_TOP + SMALL_TOP + ASCENT * MASTHEAD_SMALL
    for t in small:
        w = m.width(t, MASTHEAD_SMALL)
        lines.append(_line(m, 1, t, x1 - w, y, MASTHEAD_SMALL, Role.MASTHEAD, "p1.masthead.info"))
        y += MASTHEAD_SMALL_LEADING
    unit.passages.append(Passage(Role.MASTHEAD, [name], name.text, 0))
    unit.passages.append(Passage(Role.MASTHEAD, [en], en.text))
    unit.passages += [Passage(Role.MASTHEAD, [ln], ln.text) for ln in lines[2:]]
    rule_y = MARGIN_TOP + MASTHEAD_HEIGHT - MASTHEAD_RULE_RISE
    unit.arts.append(Art(ArtKind.RULE, BBox(MARGIN_X, rule_y, x1, rule_y + MASTHEAD_RULES[0])))
    thin_y = rule_y + MASTHEAD_RULES[0] + MASTHEAD_RULE_GAP
    unit.arts.append(Art(ArtKind.RULE, BBox(MARGIN_X, thin_y, x1, thin_y + MASTHEAD_RULES[1])))
    return unit, Furniture("masthead", lines)


def running_head(m: Metrics, issue: Issue, page: int, section: str, editor: str) -> tuple[DrawUnit, Furniture]:
    unit = DrawUnit(f"p{page}.runninghead", (MARGIN_X, MARGIN_TOP))
    x1 = PAGE_WIDTH - MARGIN_X
    base = MARGIN_TOP + ASCENT * RUNNING_HEAD_SIZE + RUNNING_TEXT_TOP
    left = _line(m, page, f"{issue.paper} · 第{page}版 · {section}", MARGIN_X, base, RUNNING_HEAD_SIZE,
                 Role.FOLIO, f"p{page}.runninghead.l", True)
    rt = f"{issue.date_text} · 责任编辑 {editor}"
    right = _line(m, page, rt, x1 - m.width(rt, RUNNING_HEAD_SIZE - 1), base, RUNNING_HEAD_SIZE - 1, Role.FOLIO,
                  f"p{page}.runninghead.r")
    unit.passages.append(Passage(Role.FOLIO, [left], left.text))
    unit.passages.append(Passage(Role.FOLIO, [right], right.text))
    ry = MARGIN_TOP + RUNNING_HEAD_HEIGHT - RUNNING_RULE_RISE
    unit.arts.append(Art(ArtKind.RULE, BBox(MARGIN_X, ry, x1, ry + RUNNING_RULE)))
    return unit, Furniture("folio", [left, right])


def folio(m: Metrics, page: int, editor: str, proof: str) -> tuple[DrawUnit, Furniture]:
    top = PAGE_HEIGHT - MARGIN_BOTTOM - FOLIO_HEIGHT
    unit = DrawUnit(f"p{page}.folio", (MARGIN_X, top))
    x1 = PAGE_WIDTH - MARGIN_X
    base = top + FOLIO_TEXT_TOP + ASCENT * FOLIO_SIZE
    left = _line(m, page, f"本版责编 {editor} 校对 {proof}", MARGIN_X, base, FOLIO_SIZE, Role.FOLIO,
                 f"p{page}.folio.l")
    rt = f"第{page}版"
    right = _line(m, page, rt, x1 - m.width(rt, FOLIO_SIZE), base, FOLIO_SIZE, Role.FOLIO, f"p{page}.folio.r")
    unit.passages.append(Passage(Role.FOLIO, [left], left.text))
    unit.passages.append(Passage(Role.FOLIO, [right], right.text))
    unit.arts.append(Art(ArtKind.RULE, BBox(MARGIN_X, top + FOLIO_RULE_TOP, x1, top + FOLIO_RULE_TOP + FOLIO_RULE)))
    return unit, Furniture("folio", [left, right])
