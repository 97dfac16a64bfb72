"""Small cases written for each thing a text dump gets wrong (issue #2, items 1-11)."""

from __future__ import annotations

from pathlib import Path

import pytest

import segmenter
from segmenter.export import body_text, head_text, names_text
from segmenter.textutil import nonspace

P1 = ("国家发展改革委有关负责人表示，零碳园区是指通过规划、设计、技术、管理等方式，使园区生产生活活动"
      "产生的二氧化碳排放降至近零水平，并具备进一步达到净零条件的园区。")
P2 = ("建设零碳园区是一项创新性很强的工作，需要系统谋划、统筹推进。通知提出八个方面重点任务，"
      "加快园区用能结构转型、大力推进园区节能降碳。")
P3 = ("量子计算与人工智能的融合，被视为下一代计算革命的重要方向。二者互补为突破传统算力限制"
      "提供了新路径，目前本源量子已与多家科研院所展开协作。")


def wrap(text: str, width: int, indent: int = 2) -> list[str]:
    """Wrap a paragraph like a printed column: first line `indent` characters short."""
    lines, first = [], True
    while text:
        n = width - indent if first else width
        lines.append(text[:n])
        text = text[n:]
        first = False
    return lines


def column_dump(paras: list[str], width: int, blank: bool = True) -> str:
    out: list[str] = []
    for p in paras:
        for ln in wrap(p, width):
            out.append(ln)
            if blank:
                out.append("")
    return "\n".join(out) + "\n"


def seg(tmp_path: Path, text: str, name: str = "page.txt") -> segmenter.Edition:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return segmenter.segment([f])


def body_paras(a: segmenter.Article) -> list[str]:
    return [nonspace(body_text(p.text)) for p in a.body]


# 1. column lines ----------------------------------------------------------------------------

def test_column_lines_rebuild_paragraphs(tmp_path):
    text = "零碳园区建设全面提速\n\n本报讯（记者 王明）" + column_dump([P1, P2], 15)
    ed = seg(tmp_path, text)
    assert len(ed.articles) == 1
    paras = body_paras(ed.articles[0])
    assert paras == [nonspace("本报讯（记者 王明）" + P1), P2]


def test_full_line_ending_in_full_stop_is_ambiguous_indent_decides(tmp_path):
    # P ends exactly at a column end: the next paragraph's indented first line says "break"
    a = "这是第一段的文字内容，正好排满了一整行。"          # 20 chars, ends the line
    b = "第二段从这里开始，首行缩进两个字符的位置，接着排满。"
    lines = [a[:18], a[18:] + "这是", ]
    text = "\n\n".join(wrap("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥。", 18)
                       + wrap(b, 18)) + "\n"
    ed = seg(tmp_path, text)
    assert len(body_paras(ed.articles[0])) == 2
    assert lines  # the helper list above documents the shape


def test_mixed_column_widths_in_one_dump(tmp_path):
    text = ("零碳园区建设全面提速\n\n本报讯（记者 王明）" + column_dump([P1], 15)
            + "\n量子计算迈出关键一步\n\n本报讯（记者 李洋）" + column_dump([P3], 21))
    ed = seg(tmp_path, text)
    assert [nonspace(head_text(a.headline.text)) for a in ed.articles] == ["零碳园区建设全面提速", "量子计算迈出关键一步"]
    assert body_paras(ed.articles[1]) == [nonspace("本报讯（记者 李洋）" + P3)]


def test_spaced_out_justified_line_is_closed_up():
    assert body_text("府 工 作 报 告 对 此 再 次 作 出 明 确 部") == "府工作报告对此再次作出明确部"
    assert body_text("增长近 50%，增量达到 1.2万亿") == "增长近 50%，增量达到 1.2万亿"


def test_latin_words_joined_with_space_and_dehyphenated(tmp_path):
    text = ("Quantum computing meets artificial intelli-\ngence in a new joint\nproject announced today.\n")
    ed = seg(tmp_path, text)
    t = ed.articles[0].body[0].text
    assert "intelligence in a new joint project" in t
    assert ed.articles[0].body[0].blocks[0].soft_hyphens == 1


# 2. merged columns ---------------------------------------------------------------------------

def test_merged_columns_are_read_column_by_column(tmp_path):
    left = wrap("本报讯（记者 王明）" + P1, 14)
    right = wrap("本报讯（记者 李洋）" + P3, 14)
    rows = []
    for k in range(max(len(left), len(right))):
        l = left[k] if k < len(left) else ""
        r = right[k] if k < len(right) else ""
        pad = 36 - sum(2 if ord(c) > 0x2000 else 1 for c in l)
        rows.append(l + " " * pad + r)
    text = "零碳园区建设全面提速" + " " * 18 + "量子计算迈出关键一步\n\n" + "\n".join(rows) + "\n"
    ed = seg(tmp_path, text)
    texts = sorted(nonspace("".join(p.text for p in a.body)) for a in ed.articles)
    assert nonspace("本报讯（记者 王明）" + P1) in texts
    assert nonspace("本报讯（记者 李洋）" + P3) in texts


# 3. paragraphs broken by column breaks ----------------------------------------------------------

def test_column_break_mid_word_is_joined(tmp_path):
    text = ("世界领先科技园区建设抓好五个着力\n\n"
            "本报讯(记者 张伟)辛国斌表示,工业和信息化部支持国家高新区打造试验田,加快建设创\n\n"
            "新驱动发展示范区、新质生产力引领区和高质量发展先行区。\n\n"
            "中关村是我国第一家国家高新区,是我国科技创新发展的一面旗帜,将加快建成世界领先科技园区。\n")
    ed = seg(tmp_path, text)
    paras = body_paras(ed.articles[0])
    assert len(paras) == 2
    assert "加快建设创新驱动发展示范区" in paras[0]


def test_sentence_end_then_new_block_is_not_joined(tmp_path):
    text = ("标题在这里出现\n\n本报讯 第一段到这里结束了，这是一个完整的句子。\n\n第二段独立成段，也是完整的句子。\n")
    ed = seg(tmp_path, text)
    assert len(ed.articles[0].body) == 2


# 4. markdown from converters ---------------------------------------------------------------------

def test_markdown_headings_are_hints(tmp_path):
    text = ("# 攀高逐新质胜未来\n\n## ——新质生产力发展一线见闻\n\n□新华社记者 刘开雄 刘羽佳  \n胡喆\n\n"
            "新华社北京12月6日电 全球最大综合孔径射电望远镜巡天逐日，创新浪潮奔涌不息。\n\n"
            "## 这是一句被错误标成标题的正文句子，它很长，也有句末的标点符号，所以是正文。\n\n"
            "科技向前，产业向新。一年来，产业的新味更足。\n")
    ed = seg(tmp_path, text)
    a = ed.articles[0]
    assert head_text(a.headline.text) == "攀高逐新质胜未来"
    assert a.headline.markup == "#"
    assert head_text(a.subtitle.text) == "——新质生产力发展一线见闻"
    assert names_text(a.byline.text) == "□新华社记者 刘开雄 刘羽佳 胡喆"
    assert len(ed.articles) == 1 and len(a.body) == 3
    assert a.body[1].blocks[0].markup == "##"


def test_headline_printed_twice_is_recorded_not_repeated(tmp_path):
    text = ("## 怎样理解促进人才区域协调发展\n\n### 学习规划建议每日问答\n\n#### 怎样理解促进人才区域协调发展\n\n"
            "新华社北京12月5日电 建议提出促进人才区域协调发展，这对于实施人才强国战略意义重大。\n")
    ed = seg(tmp_path, text)
    a = ed.articles[0]
    assert head_text(a.kicker.text) == "学习规划建议每日问答"
    assert len(a.headline.repeated) == 1 and a.headline.repeated[0].lines[0].lineno == 5


# 5. headline tiers ----------------------------------------------------------------------------

def test_kicker_headline_subtitle_byline(tmp_path):
    text = ("聚焦两会\n\n打造绿色能源新高地\n\n——系列报道之二\n\n本报记者 王 明\n\n"
            + column_dump(["本报北京3月5日电 绿色能源产业加快发展，新高地建设全面铺开，各地纷纷出台支持政策。" + P2], 16)
            + "（本报记者 王明）\n")
    ed = seg(tmp_path, text)
    a = ed.articles[0]
    assert head_text(a.kicker.text) == "聚焦两会"
    assert head_text(a.headline.text) == "打造绿色能源新高地"
    assert head_text(a.subtitle.text) == "——系列报道之二"
    assert names_text(a.byline.text) == "本报记者 王明"
    assert body_text(a.body[0].text).startswith("本报北京3月5日电")      # inline lead stays in the body
    assert body_text(a.body[-1].text) == "（本报记者王明）"                 # closing note ends the body


def test_headline_halves_keep_their_space_split_words_do_not():
    assert head_text("法中肩负共同责任 共迎时代挑战") == "法中肩负共同责任 共迎时代挑战"
    assert head_text("2025腾冲科学论 坛聚焦前沿科技") == "2025腾冲科学论坛聚焦前沿科技"


# 6. detached headlines ----------------------------------------------------------------------

def test_headline_after_its_own_body_goes_to_it_by_content(tmp_path):
    text = ("本报讯（记者 李洋）本源量子计算机本源悟空完成量子人工智能应用验证，本源悟空在量子计算与人工智能融合中迈出关键一步。\n\n"
            "本源悟空走向量子应用场\n\n"
            "本报讯（记者 张伟）北京市社会科学院发布数字经济发展报告蓝皮书，北京全球数字经济标杆城市总指数有所提升。\n")
    ed = seg(tmp_path, text)
    by_head = {nonspace(head_text(a.headline.text)) if a.headline else None: a for a in ed.articles}
    assert "本源悟空走向量子应用场" in by_head
    assert "本源悟空" in by_head["本源悟空走向量子应用场"].body[0].text
    assert by_head[None].body[0].text.startswith("本报讯（记者 张伟）")
    j = [j for j in by_head["本源悟空走向量子应用场"].joins if j.kind == "headline"][0]
    assert 0 < j.score <= 1


# 7. jump markers --------------------------------------------------------------------------

def test_jump_markers_recorded_and_parts_linked_across_pages(tmp_path):
    d = tmp_path / "edition"
    d.mkdir()
    (d / "page-01.txt").write_text(
        "我国正大步迈向全球创新中心\n\n本报讯（记者 王明）我国研发投入再创新高，全社会研发经费投入规模比十三五末增长近五成。"
        "企业是研发投入高增长的主要力量。（下转第2版）\n", encoding="utf-8")
    (d / "page-02.txt").write_text(
        "迈向全球创新中心\n\n▲▲ 上接第1版\n\n我国的全球百强科技创新集群数量达到二十六个，占比全球第一。\n", encoding="utf-8")
    ed = segmenter.segment([d])
    assert len(ed.articles) == 1
    a = ed.articles[0]
    assert [j.marker for j in a.continues] == ["（下转第2版）"]
    assert [j.marker for j in a.continued] == ["▲▲ 上接第1版"]
    assert a.continues[0].linked and a.continued[0].linked
    assert len(a.body) == 2 and "下转" not in a.body[0].text
    assert head_text(a.headline.repeated[0].text) == "迈向全球创新中心"


@pytest.mark.parametrize("marker,direction,page", [
    ("（下转第2版）", "to", 2), ("(下转第二版)", "to", 2), ("下转A02版", "to", 2), ("（转第3版）", "to", 3),
    ("▲▲ 上接第1版", "from", 1), ("(上接A01版)", "from", 1), ("（上接第一版）", "from", 1), ("接第1版", "from", 1),
    ("（紧接第十二版）", "from", 12),
])
def test_jump_marker_variants(tmp_path, marker, direction, page):
    body = "本报讯 我国研发投入再创新高，全社会研发经费投入规模增长。"
    text = (f"迈向全球创新中心\n\n{marker}\n\n{body}\n" if direction == "from"
            else f"迈向全球创新中心\n\n{body}\n\n{marker}\n")
    ed = seg(tmp_path, text)
    jumps = [j for a in ed.articles for j in (a.continued + a.continues)]
    assert [(j.direction, j.page_number, j.marker) for j in jumps] == [(direction, page, marker)]


# 8. scattered fragments ----------------------------------------------------------------------

def test_tail_printed_before_head_is_reattached(tmp_path):
    text = ("型，提升服务效率，让群众办事更加便捷。\n\n"
            "数字政府建设提速\n\n"
            "本报讯（记者 王明）全省政务服务平台上线运行，各部门加快推进数字化转\n")
    ed = seg(tmp_path, text)
    assert len(ed.articles) == 1
    a = ed.articles[0]
    assert nonspace(body_text(a.body[-1].text)).endswith("加快推进数字化转型，提升服务效率，让群众办事更加便捷。")
    assert any(j.kind == "tail" for j in a.joins)
    assert a.confidence < 1.0


# 9. captions and credits ------------------------------------------------------------------------

def test_caption_and_credit_make_a_figure(tmp_path):
    text = ("三部门推进零碳园区建设\n\n本报讯（记者 王明）国家发展改革委印发通知，推进零碳园区建设，支持园区节能降碳改造。\n\n"
            "图为零碳园区的光伏发电设施。\n\n新华社记者\n王明/摄\n")
    ed = seg(tmp_path, text)
    f = ed.articles[0].figures[0]
    assert body_text(f.caption.text) == "图为零碳园区的光伏发电设施。"
    assert names_text(f.credit.text) == "新华社记者 王明/摄"


# 10. mastheads and tables of contents ------------------------------------------------------------

def test_masthead_and_toc_go_to_index(tmp_path):
    text = ("中国高新技术产业导报\n\nCHINA HIGH-TECH INDUSTRY HERALD\n\n"
            "科学技术部主管 科技日报社主办 国内统一连续出版物号CN 11—0237 邮发代号1—206 2025年3月31日 星期一 今日24版\n\n"
            "世界领先科技园区建设抓好五个着力\n\n本报讯(记者 张伟)工业和信息化部副部长表示，国家高新区坚持发展高科技。\n\n"
            "本期导读\n\n- 北脑一号打开脑机接口新天地 3版\n- AI重新定义未来居家生活 14版\n")
    ed = seg(tmp_path, text)
    kinds = [o.kind.value for o in ed.others]
    assert kinds == ["masthead", "toc"]
    assert len(ed.articles) == 1


# 11. garbled source ----------------------------------------------------------------------------

def test_garbled_repetition_is_kept_where_it_stands(tmp_path):
    s = "人工智能技术突破与经济社会各领域深度融合，将深刻改变生产生活方式。"
    ed = seg(tmp_path, "为什么要全面实施人工智能行动\n\n新华社北京12月6日电 " + s * 3 + "\n")
    assert nonspace(ed.articles[0].body[0].text).count(nonspace(s)) == 3
