"""OCR text repair (scans): quote marks set by their place (lexicon.QUOTE_KINDS)."""

import pytest

from segmenter import lexicon
from segmenter.textutil import repair_quotes


@pytest.mark.parametrize("read, right", [
    ('量子AI“应用场"', "量子AI“应用场”"),                       # ASCII at the end closes
    ('2024年度"中国科学十大进展”发布', "2024年度“中国科学十大进展”发布"),  # no sign: outside, it opens
    ("抓好“五个着力“", "抓好“五个着力”"),                         # an opener at the end is turned
    ('他说："我们要努力。"他', "他说：“我们要努力。”他"),           # after ： opens, after 。 closes
    ("这些'第一艘'第一座", "这些‘第一艘’第一座"),                   # single quotes alike
    ("“创新”，", "“创新”，"),                                     # right already: unchanged
])
def test_quotes_repaired(read, right):
    assert repair_quotes(read) == right
    assert len(repair_quotes(read)) == len(read)


def test_curly_quote_without_a_sign_stands_and_latin_is_left_alone():
    # a closing mark between two ideographs may close a quote opened on the line before
    assert repair_quotes("努力”他说") == "努力”他说"
    assert repair_quotes("It's 5'10\" tall") == "It's 5'10\" tall"
    assert repair_quotes('He said "yes", 好') == 'He said "yes", 好'


def test_tables():
    assert lexicon.QUOTE_KINDS == (("“", "”", '"'), ("‘", "’", "'"))
    assert "：" in lexicon.QUOTE_OPENS_AFTER and "，" in lexicon.QUOTE_CLOSES_BEFORE


@pytest.mark.parametrize("line, byline", [
    ("本报记者刘羽佳通讯员陈晨", True),        # the spaces OCR dropped
    ("□新华社记者赵敏王五罗一鸣", True),
    ("本报记者张三鞠焕宗", True),
    ("记者近日从有关部门获悉", False),          # a sentence: 近 日 从 获 悉 are no name characters
    ("记者从国家发展改革委获悉", False),
    ("本报记者刘羽佳通讯员陈晨，", False),       # punctuation: a body line
])
def test_solid_byline_on_ocr_lines_only(line, byline):
    from segmenter.georoles import _is_byline
    assert _is_byline(line, ocr=True) is byline
    # a text layer or dump keeps its spaces: run-together names are no byline there
    assert _is_byline(line, ocr=False) is False
    assert _is_byline("本报记者 刘羽佳 通讯员 陈晨", ocr=False)


@pytest.mark.parametrize("read, right", [
    ("人工智能(AI)产业", "人工智能（AI）产业"),
    ("他说:好", "他说：好"),
    ("为什么?", "为什么？"),
    ("(记者王明)", "（记者王明）"),
    ("1,000元", "1,000元"),              # between digits: stays
    ("Hello, world", "Hello, world"),    # Latin text: stays
])
def test_half_width_punctuation_next_to_cjk(read, right):
    from segmenter.textutil import repair_punctuation
    assert repair_punctuation(read) == right
    assert lexicon.HALF_TO_FULL["("] == "（"
