"""Each named heuristic threshold, pinned at its edge (one side decides one way, the other the
other way).  Changing a constant makes the matching test fail: change both consciously."""

from __future__ import annotations

import pytest

from segmenter import assemble, continuity, layout, roles
from segmenter.containers import Line
from segmenter.layout import _breaks, _reference_widths, heading_like
from segmenter.readers import text as reader
from segmenter.settings import Settings
from segmenter.textutil import display_width


def _lines(texts: list[str]) -> list[Line]:
    return [Line(text=t, page=1, lineno=2 * k + 1, blank_before=1 if k else 0) for k, t in enumerate(texts)]


COL = ["国家发展改革委有关负责人表示，零碳", "园区是指通过规划、设计、技术、管理", "等方式，使园区生产生活活动产生的二",
       "氧化碳排放降至近零水平，并具备进一"]          # 17 characters = 34 columns wide


def _decide(texts: list[str], i: int) -> bool:
    lines = _lines(texts)
    widths = [display_width(t) for t in texts]
    return _breaks(lines, texts, widths, _reference_widths(lines, widths), i)


def test_constants_have_the_pinned_values():
    assert (layout.FULL_SLACK, layout.HEADING_SLACK, layout.INDENT_WIDTH, layout.COLUMN_WINDOW,
            layout.MIN_COLUMN_SUPPORT, layout.MIN_COLUMN_WIDTH, layout.ADJACENT_BONUS) == (3, 6, 4, 3, 3, 16, 0.15)
    assert (assemble.ADJACENT_HEAD_BONUS, assemble.ORPHAN_MAX_CHARS, assemble.FIGURE_MIN_SIM,
            assemble.KICKER_MAX_UNRELATED) == (0.3, 120, 0.22, 10)
    assert (reader.BINARY_CONTROL_SHARE, reader.BINARY_MIN_CONTROLS, reader.UTF16_PLAUSIBLE_SHARE) == (0.01, 8, 0.95)
    s = Settings()
    assert (s.min_join_score, s.min_headline_score, s.min_orphan_score) == (0.45, 0.2, 0.3)


def test_full_slack_edge():
    # a line ending a sentence that is FULL_SLACK short still counts as full (ambiguous → next
    # line decides: a full next line continues); one more column short ends the paragraph
    full = COL[:2] + ["等方式，使园区生产生活活动产生。"]          # 32 = 34 - 2 → full
    assert not _decide(full + COL[3:], 2)
    short = COL[:2] + ["等方式，使园区生产生活活产生。"]            # 30 = 34 - 4 → short
    assert _decide(short + COL[3:], 2)


def test_heading_slack_edge():
    # a line without sentence end, HEADING_SLACK + INDENT_WIDTH short after a paragraph end, runs on
    base = ["甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳。"] + COL[1:]
    runs_on = base[:1] + ["园区是指通过规划、设计"] + COL[2:]          # 22 ≥ 34 - 6 - 4 = 24? no → 22 stands alone
    assert _decide(runs_on, 1)
    longer = base[:1] + ["园区是指通过规划、设计技术"] + COL[2:]      # 26 ≥ 24 → runs on
    assert not _decide(longer, 1)


def test_min_column_width_edge():
    narrow = ["甲乙丙，丁戊", "己庚辛，壬癸", "子丑寅，卯辰", "巳午未，申酉"]   # 12 wide < MIN_COLUMN_WIDTH
    widths = [display_width(t) for t in narrow]
    assert _reference_widths(_lines(narrow), widths) == [None] * 4
    wide = ["甲乙丙，丁戊己庚", "己庚辛，壬癸子丑", "子丑寅，卯辰巳午", "巳午未，申酉戌亥"]  # 16 wide
    widths = [display_width(t) for t in wide]
    assert _reference_widths(_lines(wide), widths) == [16] * 4


def test_heading_like_limits():
    assert heading_like("研发投入再创新高")
    assert not heading_like("研发投入再创新高。")
    assert not heading_like("成果从实验室走向生产线——")
    assert not heading_like("本报讯 研发投入再创新高")              # a lead is never a heading
    assert heading_like("为什么要全面实施人工智能行动？", level=2)   # marked-up headline may end in ？
    assert not heading_like("为什么要全面实施人工智能行动？")


def test_continuity_scores():
    assert continuity.continuity("…加快建设创", "新驱动发展") >= Settings().min_join_score
    assert continuity.continuity("研发投入再创新高", "“我国研发投入") < Settings().min_join_score
    assert continuity.continuity("一些话", "，接着说") == continuity.KINSOKU_SCORE
    assert continuity.continuity("完整的句子。", "新的句子") == 0.0
    assert continuity.continuity("增长到2024", "年底") == continuity.NUMBER_SCORE
    assert continuity.continuity("数字经济时代", "智能+”行动") == continuity.UNBALANCED_SCORE
    assert continuity.continuity("说到", "今天的事情") >= continuity.OPEN_WORD_SCORE


def test_caption_lead_limits():
    assert roles.CAPTION_LEAD_DATE_RE.match("7月7日，来到中国天津市参加活动的多国嘉宾")
    assert roles.CAPTION_LEAD_DATE_RE.match("2025中关村论坛年会3月27—31日在北京市举行。")
    assert not roles.CAPTION_LEAD_DATE_RE.match("国家发展改革委有关负责人表示，今年以来的7月7日")


@pytest.mark.parametrize("data,enc", [
    ("研发投入再创新高。\n".encode("utf-16-le"), "utf-16-le"),
    ("研发投入再创新高。\n".encode("utf-16-be"), "utf-16-be"),
])
def test_utf16_plausibility(data, enc):
    assert reader.decode(data, "x")[1] == enc


def test_binary_control_threshold():
    text = "研发投入再创新高。" * 200
    few = (text + "\x01" * reader.BINARY_MIN_CONTROLS).encode()
    assert reader.decode(few, "x")[1] == "utf-8"
    # (valid UTF-8 is taken as text, its control characters replaced and counted; the binary
    # test applies to data no text encoding explains)
    many = (text + "\x01" * (reader.BINARY_MIN_CONTROLS + 60)).encode() + b"\xff\xfe\x80"
    with pytest.raises(Exception, match="binary"):
        reader.decode(many, "x")
