"""The geometry thresholds (PDF and, later, scan pages), pinned: values, and for the main
ones the edge where the decision flips.  Change a constant and a test here fails: change
both consciously."""

from __future__ import annotations

from segmenter import geoassemble, geolayout, georoles
from segmenter.containers import BBox, Line, Page, Role
from segmenter.readers import pdf as reader


def test_constants_have_the_pinned_values():
    assert (reader.SPLIT_GAP_EM, reader.HARD_SPLIT_GAP_EM, reader.BASELINE_TOLERANCE_EM) == (0.8, 2.5, 0.2)
    assert (reader.SAME_SIZE_RATIO, reader.WORD_SPACE_EM, reader.CJK_SPACE_EM) == (1.15, 0.2, 0.2)
    assert (reader.VERTICAL_MIN_CHARS, reader.VERTICAL_PITCH_EM, reader.VERTICAL_MAX_COLUMNS,
            reader.VERTICAL_AXIS_EM) == (3, 1.6, 4, 0.45)
    assert (geolayout.RUN_GAP_EM, geolayout.RUN_INDENT_EM, geolayout.RUN_OVERLAP_SHARE,
            geolayout.RUN_SIZE_RATIO) == (0.95, 2.6, 0.8, 1.08)
    assert (geolayout.INDENT_MIN_EM, geolayout.SHORT_LINE_EM, geolayout.INDENT_STYLE_SHARE,
            geolayout.STYLE_SHORT_EM, geolayout.VERTICAL_COLUMN_GAP_EM) == (1.0, 1.2, 0.6, 4.0, 1.0)
    assert (georoles.HEADING_MIN_RATIO, georoles.PAGE_RULE_SHARE, georoles.TOP_BAND,
            georoles.BOTTOM_BAND, georoles.CAPTION_GAP_EM, georoles.CAPTION_MAX_RATIO,
            georoles.TOC_CHARS_PER_REF) == (1.12, 0.6, 0.25, 0.1, 1.6, 0.97, 40)
    assert (geoassemble.HEAD_STACK_GAP_EM, geoassemble.HEADLINE_MIN_RATIO, geoassemble.SUBHEAD_GAP_EM,
            geoassemble.SUBHEAD_BESIDE_EM, geoassemble.BYLINE_GAP_EM) == (1.6, 1.4, 2.5, 2.0, 2.5)
    assert (geoassemble.ABOVE_OVERLAP_SHARE, geoassemble.GUTTER_MAX_EM, geoassemble.RUN_CONTINUE_MAX_EM,
            geoassemble.NEW_MODULE_GAP_EM, geoassemble.VERTICAL_SIDE_EM, geoassemble.VERTICAL_TOP_EM,
            geoassemble.CAPTION_JOIN_EM, geoassemble.FIGURE_MIN_SIDE) == (0.3, 3.5, 3.0, 1.5, 3.0, 2.5, 1.5, 24.0)
    assert (geoassemble.OWNERSHIP_ROUNDS, geoassemble.SIDEWAYS_SCORE, geoassemble.HEADLESS_SCORE) == (4, 0.8, 0.5)
    assert (geolayout.RUN_TOUCH_EM, geolayout.VERTICAL_WORD_GAP_EM) == (0.25, 2.0)
    assert (georoles.CAPTION_FAR_GAP_EM, georoles.TOC_GAP_EM) == (3.5, 3.0)
    assert (geoassemble.HEAD_REACH_EM, geoassemble.HEAD_SIDE_GAP_EM,
            geoassemble.HEAD_STACK_OVERLAP_SHARE) == (6.0, 2.5, 0.5)


def _line(text: str, x0: float, y0: float, size: float = 10.0, width: float | None = None) -> Line:
    w = width if width is not None else size * len(text)
    return Line(text=text, page=1, lineno=0, bbox=BBox(x0, y0, x0 + w, y0 + size), size=size)


def _page(lines: list[Line]) -> Page:
    page = Page(number=1, path="p.pdf", name="p.pdf", kind="pdf", lines=lines, width=595, height=842)
    geolayout.layout_geometry(page)
    return page


def test_run_gap_edge():
    # 10 pt lines: a white gap of 9.4 pt (< 0.95 em) keeps one run, 9.6 pt starts another
    near = _page([_line("国" * 10, 50, 100), _line("家" * 10, 50, 119.4)])
    far = _page([_line("国" * 10, 50, 100), _line("家" * 10, 50, 119.6)])
    assert len({b.run for b in near.blocks}) == 1
    assert len({b.run for b in far.blocks}) == 2


def test_indent_edge():
    # an indent of 1.0 em opens a paragraph, 0.9 em does not
    body = [_line("国" * 10, 50, 100 + 15 * k) for k in range(4)]
    opened = body[:2] + [_line("家" * 9, 60, 130)] + body[3:]
    kept = body[:2] + [_line("家" * 9, 59, 130)] + body[3:]
    assert len(_page(opened).blocks) == 2
    assert len(_page(kept).blocks) == 1


def test_heading_ratio_edge():
    body = [_line("国" * 20, 50, 300 + 15 * k) for k in range(20)]
    big = _page([_line("标题", 50, 100, size=11.25)] + body)
    small = _page([_line("标题", 50, 100, size=11.15)] + body)
    georoles.classify_geometry(big)
    georoles.classify_geometry(small)
    assert [b.role for b in big.blocks if b.text == "标题"] == [Role.HEADING]
    assert [b.role for b in small.blocks if b.text == "标题"] == [Role.BODY]


def test_run_touch_edge():
    # an indented line ending short, then a last line of one character and a stop that
    # shares no x range with it: 2.4 pt of white (< 0.25 em) is touching, 2.6 pt is not
    def runs(last_x1: float) -> int:
        lines = [_line("国" * 10, 50, 100), _line("家" * 8, 70, 115),
                 _line("力。", 50, 130, width=last_x1 - 50)]
        return len({b.run for b in _page(lines).blocks})
    assert runs(67.6) == 1
    assert runs(67.4) == 2


def _assembled(lines: list[Line], graphics=()) -> tuple[Page, list]:
    page = Page(number=1, path="p.pdf", name="p.pdf", kind="pdf", lines=lines, width=595, height=842,
                graphics=list(graphics))
    geolayout.layout_geometry(page)
    georoles.classify_geometry(page)
    articles, _ = geoassemble.assemble_geometry(page)
    return page, articles


def _column(x0: float, y0: float, n: int = 12) -> list[Line]:
    return [_line("国" * 10, x0, y0 + 15 * k) for k in range(n)]


def test_head_reach_edge():
    # a 20 pt headline (bottom at 120) owns a column starting 59 pt (5.9 em) under it, not 61 pt
    def headline_of_body(top: float) -> str | None:
        _, arts = _assembled([_line("标题标题", 50, 100, size=20)] + _column(50, top))
        return next(a.headline.text if a.headline else None for a in arts if a.body)
    assert headline_of_body(120 + 59) == "标题标题"
    assert headline_of_body(120 + 61) is None


def test_caption_far_gap_edge():
    # 8 pt text under a photo (bottom at 300): 34 pt below (3.4 em) is its caption, 36 pt is not;
    # with body text in between it never is
    from segmenter.containers import Graphic, GraphicKind
    photo = Graphic(GraphicKind.IMAGE, BBox(50, 150, 150, 300))
    def role(top: float, between: bool = False) -> Role:
        lines = _column(300, 100, 20) + [_line("图为示意图片说明", 50, top, size=8)]
        if between:
            lines.append(_line("正文正文", 50, 310))
        page, _ = _assembled(lines, [photo])
        return next(b.role for b in page.blocks if b.text.startswith("图为"))
    assert role(334) is Role.CAPTION
    assert role(336) is Role.BODY
    assert role(334, between=True) is Role.BODY


def test_head_side_gap_edge():
    # a 15 pt "——" subtitle under a 30 pt headline but set right of it: 37 pt of white
    # (< 2.5 em of 15 pt) stacks it into the head, 38 pt leaves it a head of its own
    def subtitle(gap: float) -> str | None:
        lines = [_line("标题标题标题", 50, 100, size=30),
                 _line("——副题文字", 230 + gap, 135, size=15)] + _column(50, 170) + _column(170, 170)
        _, arts = _assembled(lines)
        a = next(a for a in arts if a.headline and a.headline.text == "标题标题标题")
        return a.subtitle.text if a.subtitle else None
    assert subtitle(37) == "——副题文字"
    assert subtitle(38) is None


def test_vertical_head_owns_the_level_columns_beside_it():
    # a vertical headline at the right of its article; its three columns start level with its
    # top, the leftmost 2.5 em under the column of another article (more than a module gap)
    head = Line(text="三部门发通知", page=1, lineno=0, bbox=BBox(400, 300, 420, 420), size=20, vertical=True)
    other = [_line("标题标题", 50, 100, size=20)] + _column(50, 130, 10)
    body = _column(50, 300) + _column(170, 300) + _column(290, 300)
    _, arts = _assembled([head] + other + body)
    mine = next(a for a in arts if a.headline and a.headline.text == "三部门发通知")
    tops = sorted({round(b.lines[0].bbox.x0) for p in mine.body for b in p.blocks})
    assert tops == [50, 170, 290]


def test_vertical_columns_may_overlap_by_a_quarter_em():
    """OCR boxes of a vertical headline's two columns overlap a little: up to
    VERTICAL_COLUMN_OVERLAP_EM they are one run (read right to left), beyond it two."""
    assert geolayout.VERTICAL_COLUMN_OVERLAP_EM == 0.25

    def col(text, x0):
        return Line(text=text, page=1, lineno=0, bbox=BBox(x0, 100, x0 + 40, 100 + 40 * len(text)),
                    size=40.0, vertical=True)
    right = col("量子AI", 200)
    assert len(geolayout._vertical_runs([right, col("应用场", 200 - 40 + 10)])) == 1   # 10 pt = 0.25 em
    assert len(geolayout._vertical_runs([right, col("应用场", 200 - 40 + 10.5)])) == 2
    assert [ln.text for ln in geolayout._vertical_runs([col("应用场", 170), right])[0]] == ["量子AI", "应用场"]
    # two pieces of one column (a word space between) whose boxes overlap down by up to 0.25 em
    top = Line(text="共同责任", page=1, lineno=0, bbox=BBox(100, 100, 140, 260), size=40.0, vertical=True)
    for overlap, runs in ((10, 1), (10.5, 2)):
        low = Line(text="共迎时代挑战", page=1, lineno=0, bbox=BBox(100, 260 - overlap, 140, 500), size=40.0,
                   vertical=True)
        assert len(geolayout._vertical_runs([top, low])) == runs


def test_body_size_kicker_edge():
    """A short run of its own over a head, within its width, is the head's kicker whatever its
    size: up to KICKER_MAX_LINES lines, at most KICKER_GAP_EM body ems over the head."""
    assert (geoassemble.KICKER_MAX_LINES, geoassemble.KICKER_GAP_EM) == (3, 1.0)

    def kicker_of(n_lines: int, gap: float):
        kick = [_line("打通堵点", 50, 60 + 12 * k) for k in range(n_lines)]
        top = 60 + 12 * (n_lines - 1) + 10 + gap
        _, arts = _assembled(kick + [_line("标题标题", 50, top, size=20)] + _column(50, top + 30))
        art = next(a for a in arts if a.headline)
        return art.kicker.text if art.kicker else None
    assert kicker_of(2, 9.5) == "打通堵点打通堵点"
    assert kicker_of(2, 10.5) is None
    assert kicker_of(3, 5) is not None and kicker_of(4, 5) is None


def test_wrapped_byline_edge():
    """□新华社记者 王 / 五 刘开雄 胡喆 / (indented body): the names line is the byline's when it ends
    BYLINE_SHORT_EM short of the column or the next line is indented that much."""
    assert georoles.BYLINE_SHORT_EM == 1.0

    def byline_of(indent: float):
        lines = [_line("□新华社记者 王", 50, 100, width=100), _line("五 刘开雄 胡喆", 50, 115, width=100),
                 _line("国" * 8, 50 + indent, 130, width=100 - indent)] + _column(50, 145, 6)
        page = _page(lines)
        georoles.classify_geometry(page)
        return next(b.text for b in page.blocks if b.role is Role.BYLINE)
    assert byline_of(10).replace(" ", "") == "□新华社记者王五刘开雄胡喆"
    assert byline_of(9.5).replace(" ", "") == "□新华社记者王"


def test_headless_article_keeps_its_low_confidence_through_the_edition(tmp_path):
    """A group of orphan runs is an article without a head at HEADLESS_SCORE; the edition's
    confidence (lowest join score) keeps it rather than resetting it to 1."""
    from segmenter.assemble import assemble_edition
    from segmenter.containers import Edition
    from segmenter.settings import Settings
    assert geoassemble.HEADLESS_SCORE == 0.5
    page = Page(number=1, path="p.pdf", name="p.pdf", kind="pdf", lines=_column(50, 100), width=595, height=842)
    geolayout.layout_geometry(page)
    georoles.classify_geometry(page)
    ed = Edition(name="e", pages=[page])
    assemble_edition(ed, Settings())
    assert [a.confidence for a in ed.articles] == [0.5]
    assert [j.kind for j in ed.articles[0].joins] == ["orphan"]
