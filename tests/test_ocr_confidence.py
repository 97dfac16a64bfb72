"""OCR confidence into paragraphs and articles, low-confidence words kept for review (issue #5).

Word offsets and boxes from the OCR line to the page, paragraph confidence (character-weighted),
low-confidence word spans after lines are joined into paragraphs, the article rule, the XSD,
the threshold at its edge, the OCR cache round trip, and text/PDF output left byte-identical."""

from __future__ import annotations


import numpy as np
import pytest
from lxml import etree

from conftest import SEEDS
from segmenter import export, ocr
from segmenter.containers import (Article, BBox, Block, Edition, Line, LowWord, Page, Paragraph,
                                  Role)
from segmenter.ocr import LOW_WORD_CONF, FakeEngine, OcrLine, OcrWord, join_words, word_offsets
from segmenter.ocr.cache import CachedEngine, dump_lines, load_lines
from segmenter.ocr.confidence import (article_ocr_conf, fold_article_confidence, format_low,
                                      low_spans, text_conf)
from segmenter.pipeline import plan, segment_edition
from segmenter.readers import scan
from segmenter.scanlayout import TextRegion
from segmenter.settings import Settings

SETTINGS = Settings(scan_workers=1, ocr_cache="off")


def W(text: str, conf: float, x: float = 0.0, w: float = 10.0) -> OcrWord:
    return OcrWord(text, BBox(x, 2.0, x + w, 22.0), conf)


# ----------------------------------------------------------------------------- threshold

def test_low_word_conf_pinned_at_its_edge():
    assert LOW_WORD_CONF == 0.90
    region = TextRegion(BBox(0, 0, 200, 30), False, 20.0, 1)
    at = OcrLine((W("甲", LOW_WORD_CONF), W("乙", LOW_WORD_CONF - 0.001, 10)), BBox(0, 0, 20, 24), False)
    img = np.full((40, 220), 255, np.uint8)
    img[10:20, 10:30] = 0
    (line,) = scan._ocr_region(img, region, FakeEngine([at]), 1)
    assert [(w.start, w.end, w.conf) for w in line.low] == [(1, 2, 0.899)]   # at the threshold: not low


# ----------------------------------------------------------------------------- offsets and boxes

def test_word_offsets_mirror_join_words():
    for words in (["政", "府", "工作"], ["New", "York", "时报"], ["COVID", "19", "疫情", " ", "AI "],
                  ["", "中", " 国 ", "GDP", "增长", "5.2%"]):
        text = join_words(words)
        spans = word_offsets(words)
        assert len(spans) == len(words)
        for w, sp in zip(words, spans):
            if sp is None:
                assert not ocr.clean_text(w)
            else:
                assert text[sp[0]:sp[1]] == ocr.clean_text(w)
        kept = [sp for sp in spans if sp]
        assert kept[-1][1] == len(text)


@pytest.mark.parametrize("glyph", [20.0, 120.0])     # read as it is / shrunk before OCR
def test_low_words_map_back_to_page_pixels_like_the_line(glyph):
    region = TextRegion(BBox(300, 500, 900, 500 + 2 * glyph), False, glyph, 1)
    img = np.full((1200, 1200), 255, np.uint8)
    img[510:520, 320:880] = 0
    x0, y0, _, _, scale = scan.region_crop(region, img.shape)
    assert (scale == 1.0) == (glyph <= scan.SHRINK_ABOVE_PX)
    words = (W("New", 0.99, 1, 30), W("York", 0.42, 35, 40), W("时", 0.97, 80), W("报", 0.5, 91))
    ol = OcrLine(words, BBox(1.0, 2.0, 101.0, 22.0), False)
    (line,) = scan._ocr_region(img, region, FakeEngine([ol]), 7)
    assert line.text == "New York时报"
    assert [line.text[w.start:w.end] for w in line.low] == ["York", "报"]
    assert [w.conf for w in line.low] == [0.42, 0.5]
    for w, src in zip(line.low, (words[1], words[3])):
        assert w.bbox == BBox(round(x0 + src.bbox.x0 / scale, 1), round(y0 + src.bbox.y0 / scale, 1),
                              round(x0 + src.bbox.x1 / scale, 1), round(y0 + src.bbox.y1 / scale, 1))
        assert line.bbox.contains(w.bbox)


def test_sure_lines_carry_no_low_words():
    region = TextRegion(BBox(0, 0, 200, 30), False, 20.0, 1)
    img = np.full((40, 220), 255, np.uint8)
    img[10:20, 10:30] = 0
    (line,) = scan._ocr_region(img, region, FakeEngine([OcrLine((W("好", 0.95),), BBox(0, 0, 10, 24), False)]), 1)
    assert line.low == () and line.conf == 0.95


def test_cache_keeps_words_and_their_confidence(tmp_path):
    lines = [OcrLine((W("数", 0.8123), W("AI", 0.4, 12, 20)), BBox(0, 0, 40, 24), False),
             OcrLine((W("据", 1.0),), BBox(0, 30, 10, 54), True)]
    assert load_lines(dump_lines(lines)) == lines
    img = np.zeros((30, 60), np.uint8)
    img[5:10, 5:50] = 200
    eng = FakeEngine(lines)
    cached = CachedEngine(eng, tmp_path)
    first = cached.recognize(img)
    again = CachedEngine(FakeEngine([]), tmp_path).recognize(img)    # from the file, not the engine
    assert first == again == lines
    assert [w.conf for ln in again for w in ln.words] == [0.8123, 0.4, 1.0]


# ----------------------------------------------------------------------------- paragraphs

def _line(text: str, conf: float | None, low=(), page: int = 1, y: float = 0.0) -> Line:
    return Line(text=text, page=page, lineno=0, bbox=BBox(0, y, 100, y + 20), size=20.0, conf=conf,
                low=tuple(LowWord(s, e, BBox(s * 10, y, e * 10, y + 20), c) for s, e, c in low))


def test_text_conf_is_character_weighted():
    lines = [_line("一二三四五六", 1.0), _line("七八", 0.6), _line("  ", 0.0)]
    assert text_conf(lines) == pytest.approx((6 * 1.0 + 2 * 0.6) / 8)
    assert text_conf([Line("abc", 1, 3)]) is None                     # text dump: no confidence
    assert text_conf([_line("", 0.3)]) == 0.0


def test_low_spans_survive_joins_hyphens_and_blanks():
    from segmenter.geolayout import piece_block
    from segmenter.textutil import join_pieces
    # Latin: "inter-" ⏎ "national" is de-hyphenated; CJK lines join with nothing
    a = _line("the inter-", 0.9, low=[(4, 10, 0.5)])
    b = _line("national 新 闻", 0.8, low=[(0, 8, 0.3), (11, 12, 0.6)], y=20)
    blk = piece_block([a, b], 0, True, True)
    assert blk.text == "the international 新 闻" and blk.soft_hyphens == 1
    c = _line("报道。", 0.7, low=[(0, 1, 0.2)], y=40)
    text, _ = join_pieces(blk.text, c.text, True)
    final = export.body_text(text)
    assert final == "the international 新闻报道。"
    spans = low_spans([a, b, c], final)
    assert [final[s.start:s.end] for s in spans] == ["inter", "national", "闻", "报"]
    assert [s.conf for s in spans] == [0.5, 0.3, 0.6, 0.2]
    assert format_low(spans) == "4-9:0.500 9-17:0.300 19-20:0.600 20-21:0.200"


def test_low_spans_skip_text_cut_from_the_element():
    # a jump marker cut off the block's text: its characters are gone, the other words keep
    # their place
    a = _line("正文第一行（下转第2版）", 0.9, low=[(1, 2, 0.4), (8, 9, 0.5)])
    b = _line("第二行", 0.9, low=[(0, 1, 0.3)], y=20)
    final = "正文第一行第二行"
    spans = low_spans([a, b], final)
    assert [(final[s.start:s.end], s.conf) for s in spans] == [("文", 0.4), ("第", 0.3)]


# ----------------------------------------------------------------------------- export and articles

def _scan_edition() -> Edition:
    h = _line("标题文字", 0.98, low=[(2, 3, 0.55)])
    p1 = _line("第一段文字", 1.0, low=[(3, 4, 0.7)], y=30)
    p2 = _line("接着写完。", 0.5, y=50)
    page = Page(1, "x.png", "x.png", kind="scan", lines=[h, p1, p2], width=300, height=400)
    body = Block([p1, p2], "第一段文字接着写完。")
    art = Article(headline=Block([h], "标题文字", role=Role.HEADLINE),
                  body=[Paragraph("p", [body], body.text)], id="a01", confidence=0.8)
    return Edition("scan", [page], [art])


def test_export_writes_conf_and_low_words_valid_against_the_xsd(xsd):
    ed = _scan_edition()
    files = export.render(ed)
    root = etree.fromstring(files["a01.xml"])
    assert xsd.validate(root), xsd.error_log
    hl = root.find("head/headline")
    assert (hl.get("conf"), hl.get("low"), hl.get("low-src")) == ("0.98", "2-3:0.550", "p1:20.0,0.0,30.0,20.0")
    p = root.find("body/p")
    assert p.text == "第一段文字接着写完。"                              # no inline markup
    assert p.get("conf") == f"{(5 * 1.0 + 5 * 0.5) / 10:.2f}" == "0.75"
    assert p.get("low") == "3-4:0.700" and p.text[3:4] == "文"
    # a malformed low attribute is caught by the schema
    p.set("low", "3-4")
    assert not xsd.validate(root)


def test_article_confidence_is_min_of_assembly_and_ocr():
    ed = _scan_edition()
    ocr_conf = article_ocr_conf(ed.articles[0])
    assert ocr_conf == pytest.approx((4 * 0.98 + 5 * 1.0 + 5 * 0.5) / 14)     # 0.8157
    fold_article_confidence(ed)
    assert ed.articles[0].confidence == 0.8                 # the assembly score is the weaker
    ed = _scan_edition()
    ed.articles[0].confidence = 1.0
    fold_article_confidence(ed)
    assert ed.articles[0].confidence == 0.82                # the OCR confidence is the weaker
    text = Article(headline=Block([Line("标题", 1, 3)], "标题"), confidence=1 / 3)
    ed = Edition("t", [Page(1, "t.txt", "t.txt")], [text])
    fold_article_confidence(ed)
    assert ed.articles[0].confidence == 1 / 3               # no OCR text: left exactly as it was


# ----------------------------------------------------------------------------- end to end

def fake_reader(image, vertical):
    """A FakeEngine reading: one line over the crop, one word per 16 px, every third word below
    LOW_WORD_CONF (0.5, 0.6, …), a Latin word among them; boxes in the crop's frame."""
    h, w = image.shape[:2]
    chars = "国家科技创新发展新质生产力"
    n = max(1, min(len(chars), w // 16))
    words = []
    for k in range(n):
        text = "AI" if k == 4 else chars[k]
        conf = 0.5 + 0.01 * k if k % 3 == 1 else 0.99
        words.append(OcrWord(text, BBox(k * 16.0, 1.0, k * 16.0 + 14, min(h, 21.0)), conf))
    return [OcrLine(tuple(words), BBox(0.0, 0.0, n * 16.0, min(h, 22.0)), vertical)]


@pytest.fixture(scope="module")
def scan_page_png(tmp_path_factory):
    """One generated page rendered at 100 dpi as a page image."""
    import pymupdf
    from segmenter.synth import generate
    d = tmp_path_factory.mktemp("ocrconf")
    generate(1, 4, d)
    doc = pymupdf.open(str(d / "edition.pdf"))
    png = d / "page.png"
    doc[0].get_pixmap(dpi=100, colorspace=pymupdf.csGRAY).save(str(png))
    doc.close()
    return png


def test_scan_end_to_end_offsets_point_at_the_low_words(scan_page_png, tmp_path, monkeypatch, xsd):
    monkeypatch.setattr(ocr, "get_engine", lambda name, cache=None: FakeEngine(fake_reader))
    ed = plan([scan_page_png])[0]
    result = segment_edition(ed, SETTINGS)
    assert not ed.errors
    lows = {(round(w.conf, 3)) for p in result.pages for ln in p.lines for w in ln.low}
    assert lows and all(c < LOW_WORD_CONF for c in lows)
    out = export.write_edition(result, tmp_path / "out")
    checked = 0
    for f in sorted(out.glob("*.xml")):
        root = etree.parse(str(f)).getroot()
        assert xsd.validate(root), (f.name, xsd.error_log)
        for el in root.iter():
            if el.get("low"):
                boxes = el.get("low-src").split(";")
                words = el.get("low").split()
                assert len(boxes) == len(words)
                for w in words:
                    rng, conf = w.split(":")
                    s, e = map(int, rng.split("-"))
                    k = round((float(conf) - 0.5) / 0.01)           # which fake word it was
                    assert el.text[s:e] == ("AI" if k == 4 else "国家科技创新发展新质生产力"[k])
                    checked += 1
            if el.get("conf") is not None and el.tag in ("p", "h", "headline"):
                assert 0.0 < float(el.get("conf")) <= 1.0
    assert checked > 20
    conf = [float(a.get("confidence")) for a in etree.parse(str(out / "index.xml")).getroot().findall("article")]
    assert conf and max(conf) < 1.0      # every article's text holds low words: OCR caps it


def test_text_and_pdf_output_unchanged(tmp_path, monkeypatch):
    """Text dumps and PDF text layers carry no OCR confidence: the export writes exactly what it
    wrote before the confidence was added (checked against an export with the hook removed)."""
    from segmenter.synth import generate
    generate(1, 2, tmp_path / "syn")
    inputs = [SEEDS[0], tmp_path / "syn" / "edition.pdf"]
    editions = [segment_edition(plan([f])[0], SETTINGS) for f in inputs]
    now = [export.render(e) for e in editions]
    scan_now = export.render(_scan_edition())
    monkeypatch.setattr(export._Writer, "ocr", lambda self, el, lines, text: None)
    assert [export.render(e) for e in editions] == now
    assert not any(b" conf=" in data or b" low=" in data for files in now for data in files.values())
    assert export.render(_scan_edition()) != scan_now      # the hook does write for a scan
