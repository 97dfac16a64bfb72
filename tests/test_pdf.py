"""Born-digital PDF input end to end, on pages made by ``segmenter synth`` (exact gold).

* conservation: every character of the PDF's text layer is in exactly one place of the output;
* the output validates, is deterministic, and carries page+bbox provenance;
* quality ratchet: ``segmenter eval`` figures on a small generated set must not drop below the
  pinned minimums (measured when they were pinned; lower them only consciously, with why);
* the reader's geometry rules on small hand-made pages (vertical headline, credit at a
  caption's end, a paragraph crossing columns).
"""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
from lxml import etree

from segmenter.cli import main
from segmenter.evaluate import evaluate
from segmenter.settings import Settings
from segmenter.pipeline import read_pages
from segmenter.readers.pdf import read_pdf

from conftest import assert_conserved, assert_valid_output, read_all

#: (pages, seed) of the generated editions the ratchet scores: 3 editions, 10 pages
RATCHET_EDITIONS = ((4, 1), (3, 7), (3, 11))
#: pinned minimums on those editions (measured 2026-11-22 on 54 gold articles: article F1
#: 0.963, text R 0.994, text P 0.994, headline 0.963, paragraph F1 0.978, captions 0.765
#: (13 of 17), jump links 1.000 (5 of 5); raised from 0.94/0.99/0.985/0.95/0.95/0.70 after
#: the layout fixes of issue #3's second round)
RATCHET_MIN = {"article_f1": 0.95, "text_recall": 0.99, "text_precision": 0.99,
               "headline_accuracy": 0.95, "paragraph_f1": 0.97, "caption_placement": 0.75,
               "jump_links": 0.99}


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> list[tuple[Path, Path]]:
    """(synth dir, output edition dir) per ratchet edition."""
    out = []
    for pages, seed in RATCHET_EDITIONS:
        d = tmp_path_factory.mktemp(f"synth{seed}")
        assert main(["synth", "--pages", str(pages), "--seed", str(seed), "-o", str(d)]) == 0
        o = tmp_path_factory.mktemp(f"out{seed}")
        assert main(["run", str(d / "edition.pdf"), "-o", str(o)]) == 0
        out.append((d, o / "edition"))
    return out


def test_conservation_validity_provenance(editions, xsd):
    for d, o in editions:
        assert_conserved(d / "edition.pdf", o)
        files = assert_valid_output(o, xsd)
        for f in files:
            for el in etree.parse(str(f)).getroot().iter("p", "h", "headline", "caption"):
                assert re.fullmatch(r"p\d+:[-0-9.,]+(;p\d+:[-0-9.,]+)*", el.get("src")), el.get("src")
        index = etree.parse(str(o / "index.xml")).getroot()
        pages = index.findall("page")
        assert all(p.get("kind") == "pdf" and p.get("width") and p.get("source-page") for p in pages)


def test_deterministic(editions, tmp_path):
    d, o = editions[0]
    assert main(["run", str(d / "edition.pdf"), "-o", str(tmp_path)]) == 0
    assert read_all(tmp_path / "edition") == read_all(o)


def test_quality_ratchet(editions):
    total = None
    for d, o in editions:
        report = evaluate(d / "gold", o)
        total = report.overall if total is None else total + report.overall
    got = total.to_dict() if hasattr(total, "to_dict") else vars(total)
    for key, floor in RATCHET_MIN.items():
        value = getattr(total, key)
        assert value >= floor, f"{key} fell to {value:.3f} (pinned minimum {floor}): {got}"


def test_paragraph_crossing_columns_has_two_boxes(editions):
    boxes = 0
    for _, o in editions:
        for f in o.glob("a*.xml"):
            boxes += sum(";" in (p.get("src") or "") for p in etree.parse(str(f)).getroot().iter("p"))
    assert boxes >= 5


# --- small hand-made pages ------------------------------------------------------------

def _page(tmp_path: Path, draw) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    font = pymupdf.Font("cjk")
    page.insert_font(fontname="cjk", fontbuffer=font.buffer)
    draw(page)
    path = tmp_path / "page.pdf"
    doc.subset_fonts()
    doc.save(path)
    return path


def _lines(path: Path):
    return read_pages(path, 1, Settings(), [])[0]


def test_vertical_headline_in_two_columns_reads_right_to_left(tmp_path):
    def draw(page):
        for col, text in enumerate(("世界领先科技", "园区建设抓好")):
            x = 300 - col * 34          # first column on the right
            for i, ch in enumerate(text):
                page.insert_text((x, 100 + i * 33), ch, fontname="cjk", fontsize=30)
        body = "本报讯（记者张伟）3月28日，工业和信息化部副部长表示，国家高新区坚持发展高科技。"
        for i in range(6):
            page.insert_text((60, 90 + i * 15), body[i * 10:(i + 1) * 10], fontname="cjk", fontsize=10)
    pg = _lines(_page(tmp_path, draw))
    heads = [b for b in pg.blocks if b.lines[0].vertical]
    assert [b.text for b in heads] == ["世界领先科技园区建设抓好"]


def test_body_lines_are_never_taken_for_vertical_text(tmp_path):
    # one character per text object, body leading 1.5 em: text still runs across
    def draw(page):
        for row in range(8):
            for i, ch in enumerate("国家高新区坚持发展高科技实现产业化"):
                page.insert_text((60 + i * 10, 100 + row * 15), ch, fontname="cjk", fontsize=10)
    pg = _lines(_page(tmp_path, draw))
    assert not any(ln.vertical for ln in pg.lines)
    assert {ln.text for ln in pg.lines} == {"国家高新区坚持发展高科技实现产业化"}


def test_credit_at_the_end_of_a_caption_line_is_its_own_line(tmp_path):
    def draw(page):
        page.draw_rect(pymupdf.Rect(60, 100, 300, 250), color=None, fill=(0.6, 0.6, 0.6))
        page.insert_text((60, 262), "图为参观者在展区体验智能机器人。", fontname="cjk", fontsize=8)
        page.insert_text((230, 262), "新华社记者 王明 摄", fontname="cjk", fontsize=8)
    pg = _lines(_page(tmp_path, draw))
    texts = sorted(ln.text for ln in pg.lines)
    assert texts == ["图为参观者在展区体验智能机器人。", "新华社记者 王明 摄"]


def test_byline_names_keep_their_spaces(tmp_path):
    def draw(page):
        page.insert_text((60, 100), "本报记者 张伟 孙立", fontname="cjk", fontsize=10)
    pg = _lines(_page(tmp_path, draw))
    assert [ln.text for ln in pg.lines] == ["本报记者 张伟 孙立"]


#: English news with figures, set as TeX and many other systems set it: no space glyphs,
#: each word space a TJ offset (-333 thousandths of an em)
TEX_LINES = [
    "Shares of Kweichow Moutai (600519.SS) rose 2.31% to 1,723.50 yuan on Friday, while the",
    "Shanghai Composite gained 0.8% to 3,404.08; turnover reached 1.2 trillion yuan (US$165bn).",
    "Apple Inc. (AAPL) 189.25 +1.32 (+0.70%); Microsoft Corp. (MSFT) 415.10 -2.05 (-0.49%).",
    "In the Premier League, Arsenal beat Chelsea 3-1 (2-0 at half-time) before 60,260 fans.",
] * 6


def _tex_page(path: Path) -> Path:
    from test_pdfdoc import one_page_pdf
    ops = [b"BT /F1 10 Tf 12 TL 60 780 Td"]
    for line in TEX_LINES:
        words = [w.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for w in line.split(" ")]
        ops.append(b"[" + b" -333 ".join(b"(" + w.encode("latin-1") + b")" for w in words) + b"] TJ T*")
    ops.append(b"ET")
    path.write_bytes(one_page_pdf(b"\n".join(ops), b"<< /Font << /F1 5 0 R >> >>",
                                  [b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"]))
    return path


def test_latin_page_without_space_glyphs_is_not_garbled(tmp_path):
    """The garbled-text check judges the page's lines, with the word spaces their gaps give.
    Judged on the characters run together (as it was), this page read as 100 % raw glyph
    codes and was dropped; so were 9 of 36 pages of libtasn1's manual (3 still are: API
    reference pages of code tokens, outside what the check is tuned for)."""
    pages, problems = read_pdf(_tex_page(tmp_path / "tex.pdf"), 1, Settings())
    assert problems == [] and len(pages) == 1
    texts = [ln.text for ln in sorted(pages[0].lines, key=lambda ln: ln.bbox.y0)]
    assert texts[:4] == TEX_LINES[:4]
    from segmenter.readers.pdfdoc import garbled_reason
    assert garbled_reason("".join("".join(TEX_LINES).split())) is not None   # the old judgement
