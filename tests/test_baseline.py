"""The naive baseline (``segmenter run --baseline``): each headline-like block starts an
article, blocks in dump order; same reader/layout/roles as the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import SEEDS, assert_conserved, assert_lines_covered, assert_valid_output
from segmenter.baseline import baseline_edition
from segmenter.containers import NonArticleKind, Role
from segmenter.export import write_edition
from segmenter.pipeline import EditionInput, plan, segment_edition
from segmenter.settings import Settings

SMALL = """\
中国高新技术产业导报

本期导读

开头没有标题的一段文字，它在第一个标题之前。

科技园区建设抓好五个着力

本报讯（记者 张伟）3月28日，在论坛上，副部长表示，国家高新区坚持发展高科技。

他表示，当前正持续做实做好两篇文章。（下转第2版）

量子计算走向应用

图为新一代量子计算机。

新华社记者 王明 摄

量子计算是一门新兴学科，已经取得多项进展。

责任编辑：李华
"""


def _edition(path: Path, name: str | None = None):
    ed = EditionInput(name or path.stem, [path])
    return ed, baseline_edition(ed, Settings())


@pytest.fixture
def small(tmp_path):
    p = tmp_path / "small.txt"
    p.write_text(SMALL, encoding="utf-8")
    return p


def test_small_structure(small):
    ed, edition = _edition(small)
    assert not ed.errors
    arts = edition.articles
    assert [a.id for a in arts] == ["a01", "a02", "a03"]
    assert all(a.confidence == 1.0 and not a.joins and not a.figures for a in arts)
    # text before the first heading: an article without headline
    assert arts[0].headline is None
    assert [p.text for p in arts[0].body] == ["开头没有标题的一段文字，它在第一个标题之前。"]
    # each heading starts an article, everything after it goes into its body as <p>
    assert arts[1].headline.text == "科技园区建设抓好五个着力"
    assert arts[1].headline.role is Role.HEADLINE
    assert len(arts[1].body) == 2 and all(p.kind == "p" for p in arts[1].body)
    assert arts[1].body[0].text.startswith("本报讯")
    # the jump marker cut from the body is kept on the article
    assert [j.marker for j in arts[1].continues] == ["（下转第2版）"]
    assert arts[2].headline.text == "量子计算走向应用"
    # caption and credit are plain body paragraphs in the baseline
    assert [p.text for p in arts[2].body][:2] == ["图为新一代量子计算机。", "新华社记者 王明 摄"]
    # masthead, TOC and folio blocks go to index.xml, in dump order
    assert [(o.kind, [b.text for b in o.blocks]) for o in edition.others] == [
        (NonArticleKind.MASTHEAD, ["中国高新技术产业导报"]), (NonArticleKind.TOC, ["本期导读"]),
        (NonArticleKind.FOLIO, ["责任编辑：李华"])]


def test_small_output_valid_and_conserved(small, tmp_path, xsd):
    _, edition = _edition(small)
    dest = write_edition(edition, tmp_path / "out")
    assert_valid_output(dest, xsd)
    assert_conserved(small, dest)
    assert_lines_covered(small, dest)
    index = etree.parse(str(dest / "index.xml")).getroot()
    assert [el.tag for el in index if el.tag != "page"] == \
        ["article", "article", "article", "masthead", "toc", "folio"]
    assert [el.get("headline") for el in index.findall("article")] == \
        [None, "科技园区建设抓好五个着力", "量子计算走向应用"]
    a02 = etree.parse(str(dest / "a02.xml")).getroot()
    assert [el.get("marker") for el in a02.findall("continues")] == ["（下转第2版）"]
    assert a02.get("confidence") == "1.00" and a02.find("joins") is None


def test_same_blocks_as_pipeline(small):
    """Only the assembly differs: the pages (lines, blocks, style) are the pipeline's."""
    _, base = _edition(small)
    seg = segment_edition(EditionInput("small", [small]), Settings())
    assert [p.style for p in base.pages] == [p.style for p in seg.pages]
    assert [[b.text for b in p.blocks] for p in base.pages] == \
        [[b.text for b in p.blocks] for p in seg.pages]


def test_jump_line_goes_to_continued(tmp_path):
    p = tmp_path / "jump.txt"
    p.write_text("我国正大步迈向全球创新中心\n▲▲ 上接第1版\n\n这是接续的正文，讲述了创新的成果。\n",
                 encoding="utf-8")
    _, edition = _edition(p)
    (a,) = edition.articles
    assert a.headline is not None and a.headline.text == "我国正大步迈向全球创新中心"
    assert [j.marker for j in a.continued] == ["▲▲ 上接第1版"]
    assert [x.text for x in a.body] == ["这是接续的正文，讲述了创新的成果。"]
    dest = write_edition(edition, tmp_path / "out")
    assert_valid_output(dest)
    assert_conserved(p, dest)


def test_unreadable_page_reported_and_skipped(tmp_path, small):
    empty = tmp_path / "b_empty.txt"
    empty.write_bytes(b"")
    ed = EditionInput("ed", [small, empty])
    edition = baseline_edition(ed, Settings())
    assert len(edition.pages) == 1 and len(ed.errors) == 1 and "empty" in ed.errors[0]


def test_multi_page_ids_and_pages(tmp_path):
    d = tmp_path / "ed"
    d.mkdir()
    (d / "p1.txt").write_text("第一版的标题\n\n第一版的正文内容在这里。\n", encoding="utf-8")
    (d / "p2.txt").write_text("第二版开头的正文。\n\n第二版的标题\n\n第二版的正文内容。\n", encoding="utf-8")
    (ed,) = plan([d])
    edition = baseline_edition(ed, Settings())
    arts = edition.articles
    assert [a.id for a in arts] == ["a01", "a02", "a03"]
    # a page that starts without heading starts a headless article (no run-on across pages)
    assert [a.headline.text if a.headline else None for a in arts] == ["第一版的标题", None, "第二版的标题"]
    assert [a.first_position()[0] for a in arts] == [1, 2, 2]
    dest = write_edition(edition, tmp_path / "out")
    assert_valid_output(dest)
    assert_lines_covered([d / "p1.txt", d / "p2.txt"], dest)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_valid_and_conserved(seed, tmp_path, xsd):
    ed, edition = _edition(seed)
    assert not ed.errors and edition.articles
    dest = write_edition(edition, tmp_path / "out")
    assert_valid_output(dest, xsd)
    assert_conserved(seed, dest)
    assert_lines_covered(seed, dest)
    ids = [a.id for a in edition.articles]
    assert ids == [f"a{n:02d}" for n in range(1, len(ids) + 1)]
    # dump order: articles start in increasing line order
    starts = [a.first_position() for a in edition.articles if a.first_position() != (0, 0)]
    assert starts == sorted(starts)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_headlines_are_heading_blocks(seed):
    """Each article but a leading headless one has a headline; the number of articles is
    the number of heading blocks (plus one when text precedes the first heading)."""
    _, edition = _edition(seed)
    page_blocks = [b for p in edition.pages for b in p.blocks]
    heads = [b for b in page_blocks if b.role is Role.HEADLINE]
    assert [a.headline for a in edition.articles if a.headline is not None] == heads
    assert sum(a.headline is None for a in edition.articles) <= len(edition.pages)


def test_cli_baseline(run_cli, tmp_path):
    out = tmp_path / "out"
    code, stdout, err = run_cli("run", "--baseline", SEEDS[0], "-o", out)
    assert code == 0, err
    assert "articles" in stdout
    dest = out / SEEDS[0].stem
    assert_valid_output(dest)
    assert_conserved(SEEDS[0], dest)
