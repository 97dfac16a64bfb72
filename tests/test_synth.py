"""``segmenter synth``: the generated edition keeps its contract (layout, schema), its gold is
exact (every drawn character in exactly one place, boxes where the text is), it is
deterministic and varied, and the drawing order is not the reading order."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pymupdf
import pytest
from lxml import etree

from segmenter import lexicon
from segmenter.containers import Role
from segmenter.export import schema
from segmenter.synth import generate
from segmenter.synth.dumps import VARIANTS

from conftest import nonspace, output_chars

PAGES = 3
SEED = 7
_SRC_BOX_RE = re.compile(r"^p(\d+):(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)$")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "ed"
    result = generate(PAGES, SEED, out)
    return out, result


@pytest.fixture(scope="module")
def varied(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth6") / "ed"
    return out, generate(6, 3, out)


def pdf_chars(pdf: Path) -> list[list[tuple[str, tuple[float, float, float, float]]]]:
    """Per page: (character, bbox) of every non-whitespace character PyMuPDF reads back."""
    out = []
    with pymupdf.open(pdf) as doc:
        for page in doc:
            chars = []
            for b in page.get_text("rawdict")["blocks"]:
                for ln in b.get("lines", []):
                    for sp in ln["spans"]:
                        chars += [(c["c"], tuple(c["bbox"])) for c in sp["chars"] if not c["c"].isspace()]
            out.append(chars)
    return out


def strip_markdown(text: str) -> str:
    return re.sub(r"(?m)^#{1,6} ", "", text)


# ------------------------------------------------------------------------------ contract

def test_contract_layout(edition):
    out, result = edition
    assert (out / "edition.pdf").is_file()
    with pymupdf.open(out / "edition.pdf") as doc:
        assert doc.page_count == PAGES
        assert doc[0].get_fonts()[0][1] == "ttf" and "+" in doc[0].get_fonts()[0][3]   # embedded subset
    gold = out / "gold"
    index = etree.parse(str(gold / "index.xml")).getroot()
    ids = [a.get("id") for a in index.findall("article")]
    assert ids == [f"a{i:02d}" for i in range(1, len(ids) + 1)] and len(ids) == result.articles
    assert sorted(p.name for p in gold.iterdir()) == sorted(["index.xml"] + [f"{i}.xml" for i in ids])
    assert [(p.get("n"), p.get("file"), p.get("kind")) for p in index.findall("page")] == \
        [(str(n), "edition.pdf", "pdf") for n in range(1, PAGES + 1)]
    assert index.get("name") == "edition" and index.get("version") == "1"
    for v in VARIANTS:
        ext = "md" if v == "markdown" else "txt"
        assert sorted(p.name for p in (out / "dumps" / v).iterdir()) == \
            [f"page-{n:02d}.{ext}" for n in range(1, PAGES + 1)]
    assert sorted(p.name for p in out.iterdir()) == ["dumps", "edition.pdf", "gold"]
    assert result.summary() == f"{out}: {PAGES} pages, {len(ids)} articles, {len(VARIANTS)} dump variants"


def test_gold_validates(edition):
    out, _ = edition
    xsd = schema()
    for f in sorted((out / "gold").glob("*.xml")):
        assert f.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        assert xsd.validate(etree.parse(str(f))), f"{f.name}: {xsd.error_log}"
        root = etree.parse(str(f)).getroot()
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag in ("kicker", "headline", "subtitle", "byline", "p", "h",
                                                      "caption", "credit", "line"):
                assert el.get("src", "").startswith("p"), (f.name, el.tag)


def test_article_ids_in_reading_order(edition):
    out, _ = edition
    index = etree.parse(str(out / "gold" / "index.xml")).getroot()
    pages = [int(a.get("page")) for a in index.findall("article")]
    assert pages == sorted(pages)


# ------------------------------------------------------------------------------ conservation

def test_pdf_characters_are_the_gold_characters(edition):
    out, _ = edition
    drawn = Counter(c for page in pdf_chars(out / "edition.pdf") for c, _ in page)
    gold = output_chars(out / "gold")   # gold is in the output format
    assert drawn - gold == Counter() and gold - drawn == Counter()


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_dump_holds_its_page(edition, variant):
    out, _ = edition
    per_page = pdf_chars(out / "edition.pdf")
    for n, page in enumerate(per_page, start=1):
        ext = "md" if variant == "markdown" else "txt"
        text = (out / "dumps" / variant / f"page-{n:02d}.{ext}").read_text("utf-8")
        if variant == "markdown":
            text = strip_markdown(text)
        drawn = Counter(c for c, _ in page)
        dumped = nonspace(text)
        assert drawn - dumped == Counter() and dumped - drawn == Counter(), (variant, n)


def test_src_boxes_hold_their_text(edition):
    """Every gold item's boxes contain exactly the PDF characters of its text (in the
    boxes of its own blocks), so the boxes really are where the text is drawn."""
    out, _ = edition
    per_page = pdf_chars(out / "edition.pdf")
    checked = 0
    for f in sorted((out / "gold").glob("*.xml")):
        for el in etree.parse(str(f)).getroot().iter():
            if not isinstance(el.tag, str) or not (el.text or "").strip():
                continue
            want = nonspace(el.text)
            got: Counter = Counter()
            for box in el.get("src").split(";"):
                m = _SRC_BOX_RE.match(box)
                assert m, box
                pg, x0, y0, x1, y1 = int(m[1]), *map(float, m.groups()[1:])
                got.update(c for c, b in per_page[pg - 1]
                           if x0 - 0.1 <= (b[0] + b[2]) / 2 <= x1 + 0.1 and y0 - 0.1 <= (b[1] + b[3]) / 2 <= y1 + 0.1)
            # a box may also cover a neighbour on the same baseline (a credit after its caption)
            assert want - got == Counter(), (f.name, el.tag, el.text[:30])
            checked += 1
    assert checked > 50


# ------------------------------------------------------------------------------ behaviour

def test_deterministic(edition, tmp_path):
    out, _ = edition
    again = tmp_path / "again"
    generate(PAGES, SEED, again)

    def files(d: Path) -> dict[str, bytes]:
        return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}
    a, b = files(out), files(again)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_kinsoku_on_every_body_line(edition):
    _, result = edition
    no_start = set(lexicon.NO_LINE_START) | set("，。、；：？！”）》")
    no_end = set(lexicon.NO_LINE_END)
    n = 0
    for ps in result.settings:
        for ln in ps.drawn:
            if not ln.vertical and ln.role not in (Role.MASTHEAD, Role.FOLIO, Role.JUMP, Role.CREDIT):
                assert ln.text[0] not in no_start, ln.text
                assert ln.text[-1] not in no_end, ln.text
                n += 1
    assert n > 300


def test_latin_words_not_split(edition):
    _, result = edition
    for ps in result.settings:
        body = [ln.text for ln in ps.lines if ln.role is Role.BODY]
        for a, b in zip(body, body[1:]):
            assert not (a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum()), (a, b)


def test_drawing_order_is_not_reading_order(edition):
    out, result = edition
    for ps in result.settings:
        drawn, read = [id(ln) for ln in ps.drawn], [id(ln) for ln in ps.lines]
        assert sorted(drawn) == sorted(read) and drawn != read
        # whole modules are shuffled: the unit order of the drawing is not the reading order
        units = list(dict.fromkeys(ln.block.split(".")[0] for ln in ps.drawn))
        assert units != list(dict.fromkeys(ln.block.split(".")[0] for ln in ps.lines))
    with pymupdf.open(out / "edition.pdf") as doc:
        stream = "".join(doc[0].get_text("text").split())       # content-stream order
    reading = "".join((out / "dumps" / "columns" / "page-01.txt").read_text("utf-8").split())
    assert sorted(stream) == sorted(reading) and stream != reading


def test_dump_shapes(edition):
    out, result = edition
    ps = result.settings[0]
    dumps = out / "dumps"
    assert (dumps / "drawing" / "page-01.txt").read_text("utf-8").splitlines() == [ln.text for ln in ps.drawn]
    columns = (dumps / "columns" / "page-01.txt").read_text("utf-8").split("\n\n")
    assert columns[0].strip() == ps.furniture[0].lines[0].text          # the paper name first
    blocks = [b.splitlines() for b in (dumps / "blocks" / "page-01.txt").read_text("utf-8").split("\n\n")]
    assert len(blocks) > len(ps.units)                                  # several blocks per module
    layout = (dumps / "layout" / "page-01.txt").read_text("utf-8").splitlines()
    assert sum(1 for row in layout if len(re.split(r"\S\s{2,}\S", row)) >= 3) > 20   # 3+ columns side by side
    md = (dumps / "markdown" / "page-01.md").read_text("utf-8")
    heads = [g.headline.text for g in result.golds if g.page == 1 and g.headline and not g.vertical]
    assert heads and all(re.search(rf"(?m)^#{{1,2}} {re.escape(h)}$", md) for h in heads)


def test_paragraphs_indented_and_columns_ragged(edition):
    """First lines of body paragraphs start two em in; last lines are usually short."""
    _, result = edition
    firsts = 0
    for g in result.golds:
        for p in g.body:
            if p.kind != "p":
                continue
            lines = p.piece.lines
            if len(lines) > 1 and lines[0].block == lines[1].block and lines[0].x > lines[1].x:
                assert abs(lines[0].x - lines[1].x - 2 * lines[0].size) < 0.1
                firsts += 1
    assert firsts > 20


# ------------------------------------------------------------------------------ variety

def test_variety_across_six_pages(varied):
    out, result = varied
    gold = out / "gold"
    arts = [etree.parse(str(f)).getroot() for f in sorted(gold.glob("a*.xml"))]
    index = etree.parse(str(gold / "index.xml")).getroot()

    def count(path: str) -> int:
        return sum(len(a.findall(path)) for a in arts)
    assert count("head/kicker") >= 2
    assert count("head/subtitle") >= 2
    assert count("head/byline") >= 2
    leads = sum(1 for a in arts if a.find("body/p") is not None
                and re.match(r"^(本报讯|新华社|本报\S{2,4}\d+月|\S{2,6}报\S{2,3}\d+月)", a.find("body/p").text))
    assert leads >= 2
    assert count("body/h") >= 2
    captions = [c.text for c in gold.glob("*.xml") for c in etree.parse(str(c)).getroot().iter("caption")]
    assert any("图为" in c for c in captions) and any("图为" not in c for c in captions)
    assert index.find("figure") is not None               # a photo belonging to no article
    assert index.find("masthead") is not None and index.find("folio") is not None
    assert any(g.boxed for g in result.golds)
    assert any(g.vertical for g in result.golds)
    jumps = [a for a in arts if a.find("continues") is not None]
    assert jumps
    for a in jumps:
        to, frm = a.find("continues"), a.find("continued")
        assert frm is not None and to.get("linked") == frm.get("linked") == "true"
        assert to.get("marker") == f"（下转{to.get('to')}）" and frm.get("marker") == f"（上接{frm.get('from')}）"
        assert to.get("src").startswith("p1:") and not frm.get("src").startswith("p1:")
        assert a.find("head/headline").get("repeated")
        # the paragraph cut by the jump (if any) has boxes on both pages
        pages = {s.split(":")[0] for p in a.findall("body/p") for s in p.get("src").split(";")}
        assert len(pages) == 2
    assert len({ps.columns for ps in result.settings}) >= 2
    widths = {round(ln.bbox.x1 - ln.bbox.x0) for ps in result.settings for ln in ps.lines if ln.role is Role.BODY}
    assert len(widths) > 10
    with pymupdf.open(out / "edition.pdf") as doc:
        assert any(doc[i].get_images() for i in range(doc.page_count))
        assert all(doc[i].get_drawings() for i in range(doc.page_count))


def test_no_source_twice_on_a_page(varied):
    _, result = varied
    seen: dict[int, list[str]] = {}
    for g in result.golds:
        seen.setdefault(g.page, []).append(g.source)
    for page, sources in seen.items():
        assert len(sources) == len(set(sources)), page


def test_cli(tmp_path, capsys):
    from segmenter.cli import main
    out = tmp_path / "cli"
    assert main(["synth", "--pages", "2", "--seed", "1", "-o", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{out}: 2 pages, ") and line.endswith(" articles, 5 dump variants")
    assert (out / "edition.pdf").is_file() and (out / "gold" / "index.xml").is_file()


def test_shared_corpus_is_read_when_present(tmp_path):
    from segmenter.synth.corpus import load_corpus
    base = len(load_corpus(tmp_path / "missing").sources)
    (tmp_path / "a.txt").write_text("量子计算新进展\n\n本报讯（记者 王五）近日，某研究团队在量子计算领域取得新进展，相关成果"
                                    "发表于国际期刊。\n\n该团队表示，下一步将继续推进相关研究，加快成果转化应用。\n", "utf-8")
    (tmp_path / "b.md").write_text("# 智能制造提速\n\n工厂里，机械臂灵活翻转，智能小车穿梭不息，生产效率大幅提升。\n\n"
                                   "## 数字化转型\n\n企业加快数字化改造，推动传统产业转型升级，培育新的增长点。\n", "utf-8")
    (tmp_path / "c.xml").write_text('<article id="x" edition="e"><head><headline>新材料产业加快发展</headline></head>'
                                    "<body><p>新材料是战略性新兴产业的重要组成部分，近年来我国新材料产业规模持续扩大。</p>"
                                    "<p>专家表示，要进一步加强基础研究，提升关键材料保障能力。</p></body></article>", "utf-8")
    (tmp_path / "bad.xml").write_text("<article><unclosed>", "utf-8")
    (tmp_path / "title-only.txt").write_text("只有标题\n", "utf-8")
    corpus = load_corpus(tmp_path)
    added = {s.key: s for s in corpus.sources[base:]}
    assert sorted(added) == ["corpus/a.txt", "corpus/b.md", "corpus/c.xml"]
    assert added["corpus/a.txt"].headline == "量子计算新进展" and len(added["corpus/a.txt"].items) == 2
    assert [i.kind for i in added["corpus/b.md"].items] == ["p", "h", "p"]
