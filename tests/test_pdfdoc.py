"""segmenter.readers.pdfdoc: opening PDFs safely (one-line errors for bad files, no MuPDF
noise), page graphics (rules, boxes, images; fast on a page of 100,000 drawings) and the
text-layer checks (image-only pages, fonts without a Unicode map).

Every bad PDF here is made for real: with PyMuPDF, or written byte by byte where PyMuPDF
refuses (no pages, Type 3 fonts)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pymupdf
import pytest

from segmenter.containers import BBox, GraphicKind
from segmenter.errors import InputError
from segmenter.readers import pdfdoc
from segmenter.readers.pdfdoc import (garbled_reason, open_pdf, page_graphics, page_size,
                                      text_layer_problem)

ZH_HEAD = "研发投入再创新高"
ZH_BODY = ("新华社北京12月6日电 今年全社会研发经费投入规模增长近百分之五十，增量达到一万亿元。"
           "研发投入强度提高，接近经济合作与发展组织国家平均水平。本报讯 三部门近日联合印发通知，"
           "推进零碳园区建设。通知提出，到二〇三〇年建成一批零碳园区，带动产业绿色转型。")
SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").glob("*.txt"))


# ----------------------------------------------------------------------------- builders

def hand_pdf(objects: list[bytes]) -> bytes:
    """A PDF written byte by byte: object i+1 is objects[i]; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< " + extra + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def one_page_pdf(content: bytes, resources: bytes = b"<< >>", extra_objects: list[bytes] = (),
                 size=(595, 842), page_extra: bytes = b"") -> bytes:
    """Catalog 1, pages 2, page 3, content 4, then extra_objects from 5 on; ``page_extra``
    goes into the page dictionary."""
    return hand_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources " % size + resources
                     + page_extra + b" /Contents 4 0 R >>",
                     stream(content), *extra_objects])


def cjk_doc(pages: int = 2, head=ZH_HEAD, body=ZH_BODY) -> pymupdf.Document:
    """A born-digital Chinese page: headline 24 pt over 10.5 pt body text, a CJK font embedded
    (subset, with its ToUnicode map)."""
    font = pymupdf.Font("cjk")
    doc = pymupdf.open()
    for i in range(pages):
        p = doc.new_page(width=595, height=842)
        p.insert_font(fontname="cjk", fontbuffer=font.buffer)
        p.insert_text((60, 90), f"{head}{i + 1}" if pages > 1 else head, fontname="cjk", fontsize=24)
        p.insert_textbox(pymupdf.Rect(60, 120, 300, 500), body, fontname="cjk", fontsize=10.5)
    doc.subset_fonts()
    return doc


def save(doc: pymupdf.Document, path: Path, **kw) -> Path:
    doc.save(path, garbage=3, deflate=True, **kw)
    return path


def grey_pixmap(w=60, h=80) -> pymupdf.Pixmap:
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, w, h), False)
    pix.clear_with(140)
    return pix


def no_tounicode_pdf(path: Path) -> Path:
    """Chinese text in a subset TrueType CID font (Identity-H) whose /ToUnicode was dropped,
    as some typesetting systems write it: the extractors get raw glyph ids, not text."""
    doc = cjk_doc(1, body=ZH_BODY * 2)
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "Subtype") == ("name", "/Type0"):
            doc.xref_set_key(xref, "ToUnicode", "null")
    return save(doc, path)


def type3_pdf(text: str, first_code: int) -> bytes:
    """Text set in a Type 3 font whose glyphs are named /g1, /g2 … (no standard names, no
    /ToUnicode); codes are given in order of first use from first_code, 30 glyphs a line."""
    codes: dict[str, int] = {}
    for c in text:
        if not c.isspace() and c not in codes:
            codes[c] = first_code + len(codes)
    assert first_code + len(codes) <= 256
    ops = [b"BT /T3 10 Tf 12 TL 50 780 Td"]
    for i in range(0, len(text), 30):
        raw = bytes(codes.get(c, 32) for c in text[i:i + 30])
        raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").replace(b"\r", b"\\r")
        ops.append(b"(" + raw + b") '")
    ops.append(b"ET")
    n = len(codes)
    names = b" ".join(b"/g%d" % (first_code + k) for k in range(n))
    procs = b" ".join(b"/g%d 7 0 R" % (first_code + k) for k in range(n))
    font = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 900 900] /FontMatrix [0.001 0 0 0.001 0 0] "
            b"/CharProcs 6 0 R /Encoding << /Type /Encoding /Differences [%d " % first_code + names
            + b"] >> /FirstChar %d /LastChar %d /Widths [" % (first_code, first_code + n - 1)
            + b" ".join([b"1000"] * n) + b"] /Resources << >> >>")
    return one_page_pdf(b"\n".join(ops), b"<< /Font << /T3 5 0 R >> >>",
                        [font, b"<< " + procs + b" >>", stream(b"1000 0 0 0 900 900 d1 50 50 800 800 re f")])


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory) -> Path:
    return save(cjk_doc(3), tmp_path_factory.mktemp("pdf") / "good.pdf")


#: the drawing on the crowded page: 400 × 250 dots of 0.8 pt, one rule, one box
DOTS = (400, 250)


@pytest.fixture(scope="module")
def dots_pdf(tmp_path_factory) -> Path:
    """A page of 100,000 separate tiny drawings (a dot screen), plus one rule and one box.
    Written as a raw content stream: drawing 100,000 paths through ``page.new_shape()`` takes
    15 s, the stream a few milliseconds, and MuPDF reads both the same way."""
    ops = [b"0 g"]
    for i in range(DOTS[0]):
        for j in range(DOTS[1]):
            ops.append(b"%.1f %.1f 0.8 0.8 re f" % (20 + 2 * i, 60 + 4.4 * j))
    ops.append(b"0 G 0.5 w 50 1150 m 700 1150 l S")        # rule at y = 1191 - 1150 = 41
    ops.append(b"1 w 100 20 300 15 re S")                   # 15 pt high: neither rule nor box
    ops.append(b"1 w 820 30 -100 500 re S")                 # box x 720..820, y 661..1161
    path = tmp_path_factory.mktemp("pdf") / "dots.pdf"
    path.write_bytes(one_page_pdf(b"\n".join(ops), size=(842, 1191)))
    return path


# ----------------------------------------------------------------------------- open_pdf

def err(path: Path, **kw) -> str:
    with pytest.raises(InputError) as e:
        open_pdf(path, **kw)
    msg = str(e.value)
    assert msg.startswith(path.name + ": "), msg
    assert "\n" not in msg
    return msg


def test_opens_a_good_pdf(good_pdf):
    doc = open_pdf(good_pdf, 10**8)
    assert doc.page_count == 3 and not doc.is_repaired
    assert ZH_HEAD in doc[0].get_text()
    doc.close()


def test_zero_bytes(tmp_path):
    p = tmp_path / "zero.pdf"
    p.write_bytes(b"")
    assert "empty file (0 bytes)" in err(p)


@pytest.mark.parametrize("data, what", [
    ("这不是PDF，是一份文本。\n".encode() * 20, "text file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    (b"\xff\xd8\xff\xe0" + bytes(200), "JPEG image"),
    (b"<!DOCTYPE html><html><body>404</body></html>", "HTML page"),
    (b"PK\x03\x04" + bytes(100), "ZIP archive"),
    (bytes(range(256)) * 4, "no %PDF header"),
])
def test_not_a_pdf(tmp_path, data, what):
    p = tmp_path / "page.pdf"
    p.write_bytes(data)
    msg = err(p)
    assert "not a PDF" in msg and what in msg


def test_too_large(good_pdf):
    msg = err(good_pdf, max_bytes=1000)
    assert "larger than the PDF size limit" in msg and "0.0 MB)" in msg


def test_encrypted_with_user_password(tmp_path):
    p = save(cjk_doc(1), tmp_path / "locked.pdf",
             encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    assert "encrypted PDF, needs a password" in err(p)


def test_encrypted_with_owner_password_only_opens(tmp_path):
    """Permissions-only encryption (no user password) is how many newspapers publish: readable."""
    p = save(cjk_doc(1), tmp_path / "perms.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256,
             owner_pw="y", permissions=0)
    doc = open_pdf(p)
    assert ZH_HEAD in doc[0].get_text()


def test_zero_pages(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(hand_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    assert err(p) == "empty.pdf: PDF has no pages"


def test_truncated_beyond_repair(good_pdf, tmp_path):
    p = tmp_path / "cut.pdf"
    p.write_bytes(good_pdf.read_bytes()[:300])
    assert "damaged PDF" in err(p)


def test_truncated_with_all_content_lost(tmp_path):
    """The page objects survive (written first), the content streams after a big font or
    image do not: MuPDF repairs the file, but no page has anything on it."""
    text = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    data = hand_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R >>",
                     stream(bytes(range(256)) * 200),          # a font program, say
                     stream(text), stream(text)])
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[:30_000])
    assert err(p) == "cut.pdf: damaged PDF (truncated or corrupt): 2 page(s) listed, none could be read"


def test_truncated_but_repairable_is_read(tmp_path):
    """A file cut just before its xref table: MuPDF repairs it, every page is still there."""
    data = save(cjk_doc(2), tmp_path / "full.pdf").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[:data.rindex(b"xref")])
    doc = open_pdf(p)
    assert doc.is_repaired and doc.page_count == 2
    assert ZH_HEAD in doc[0].get_text()


def test_missing_file(tmp_path):
    assert "cannot read" in err(tmp_path / "nowhere.pdf")


def test_mupdf_stays_quiet(good_pdf, tmp_path, monkeypatch):
    """MuPDF prints "MuPDF error: …" (through PyMuPDF, on the stdout it found at import) by
    default; after open_pdf nothing may reach the user."""
    data = good_pdf.read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[:data.rindex(b"xref")])
    sink = io.StringIO()
    monkeypatch.setattr(pymupdf, "_g_out_message", sink)
    pymupdf.TOOLS.mupdf_display_errors(True)
    pymupdf.TOOLS.mupdf_display_warnings(True)
    try:
        for page in pymupdf.open(p):               # the noise open_pdf must prevent
            page.get_text()
        assert "MuPDF warning: trying to repair broken xref" in sink.getvalue()
    finally:
        pdfdoc.quiet_mupdf()
    pymupdf.TOOLS.mupdf_display_errors(True)
    pymupdf.TOOLS.mupdf_display_warnings(True)
    sink.seek(0)
    sink.truncate()
    doc = open_pdf(p)
    assert doc.is_repaired
    for page in doc:
        page.get_text()
        page_graphics(page)
    assert sink.getvalue() == ""


# ----------------------------------------------------------------------------- page_graphics

def kinds(graphics) -> list[tuple[str, tuple]]:
    return [(g.kind.value, tuple(round(v) for v in (g.bbox.x0, g.bbox.y0, g.bbox.x1, g.bbox.y1)))
            for g in graphics]


@pytest.fixture(scope="module")
def structured_page():
    doc = pymupdf.open()
    p = doc.new_page(width=842, height=1191)
    p.draw_rect(pymupdf.Rect(0, 0, 842, 1191), color=None, fill=(1, 1, 1))      # white background
    p.draw_rect(pymupdf.Rect(5, 5, 837, 1186), color=(0, 0, 0), width=1)         # page frame
    p.draw_line((50, 100), (300, 100), width=0.5)                                 # a rule in 3 pieces
    p.draw_line((300, 100), (500, 100), width=0.5)
    p.draw_line((502, 100.2), (700, 100.2), width=0.5)
    p.draw_line((400, 120), (400, 400), width=0.75)                               # column rule
    p.draw_line((400, 400), (410, 420), width=0.75)                               # slanted: not a rule
    p.draw_rect(pymupdf.Rect(50, 200, 380, 500), color=(0, 0, 0), width=1)       # box
    p.draw_rect(pymupdf.Rect(50, 600, 400, 601.5), color=None, fill=(0, 0, 0))   # thin fill: rule
    p.draw_rect(pymupdf.Rect(50, 700, 300, 900), color=None, fill=(.5, .5, .5))  # photo placeholder
    p.draw_rect(pymupdf.Rect(450, 700, 700, 900), color=None, fill=(.9, .9, .7))  # tinted panel …
    p.insert_text((460, 750), "Tinted panel text", fontsize=10)                   # … with text on it
    p.draw_rect(pymupdf.Rect(450, 950, 700, 1000), color=(0, 0, 0), radius=0.1)  # rounded box
    p.draw_circle((300, 300), 20)                                                 # ornament
    for i in range(10):                                                           # dashed rule, by pieces
        p.draw_line((50 + i * 6, 1100), (54 + i * 6, 1100))
    p.draw_rect(pymupdf.Rect(100, 1000, 102, 1002), color=None, fill=(0, 0, 0))  # dot
    p.draw_rect(pymupdf.Rect(600, 300, 640, 304), color=None, fill=(1, 1, 1))    # white rule: invisible
    p.draw_line((50, 1140), (60, 1140))                                           # too short
    p.insert_image(pymupdf.Rect(500, 500, 700, 650), pixmap=grey_pixmap(), keep_proportion=False)  # photo
    p.insert_image(pymupdf.Rect(500, 300, 510, 310), pixmap=grey_pixmap(10, 10))  # icon
    yield p
    doc.close()


def test_page_graphics_kinds(structured_page):
    assert kinds(page_graphics(structured_page)) == [
        ("rule", (50, 100, 700, 100)),
        ("rule", (400, 120, 400, 400)),
        ("rule", (50, 600, 400, 602)),
        ("rule", (50, 1100, 108, 1100)),
        ("box", (50, 200, 380, 500)),
        ("box", (450, 700, 700, 900)),
        ("box", (450, 950, 700, 1000)),
        ("image", (500, 500, 700, 650)),
        ("image", (50, 700, 300, 900)),
    ]


def test_page_graphics_deterministic_and_typed(structured_page):
    a, b = page_graphics(structured_page), page_graphics(structured_page)
    assert a == b
    order = [list(GraphicKind).index(g.kind) for g in a]
    assert order == sorted(order)
    for g in a:
        assert isinstance(g.bbox, BBox) and g.bbox.x0 <= g.bbox.x1 and g.bbox.y0 <= g.bbox.y1
    rules = [g for g in a if g.kind is GraphicKind.RULE]
    assert all(min(g.bbox.width, g.bbox.height) <= pdfdoc.RULE_MAX_THICKNESS + 0.5 for g in rules)
    assert [g.horizontal for g in rules] == [True, False, True, True]


def test_page_graphics_closed_line_paths(tmp_path):
    """Frames drawn as closed polygons of 4 lines (not ``re``) are boxes; an open bracket of
    3 lines gives 3 rules; a filled 4-line polygon 1 pt high is a rule."""
    content = b"\n".join([
        b"0 G 1 w 50 700 m 250 700 l 250 500 l 50 500 l h S",     # closed: box
        b"300 700 m 500 700 l 500 500 l 300 500 l S",             # open bracket: 3 rules
        b"0 g 50 300 m 400 300 l 400 301 l 50 301 l f",           # filled thin polygon: rule
    ])
    p = tmp_path / "poly.pdf"
    p.write_bytes(one_page_pdf(content))
    doc = open_pdf(p)
    assert kinds(page_graphics(doc[0])) == [
        ("rule", (300, 142, 500, 142)),
        ("rule", (500, 142, 500, 342)),
        ("rule", (300, 342, 500, 342)),
        ("rule", (50, 541, 400, 542)),
        ("box", (50, 142, 250, 342)),
    ]


def test_page_graphics_share_the_text_frame(tmp_path):
    """On a rotated page with an offset crop box, graphics come in the frame of the text
    extraction: the rule drawn 4 pt under a text line is found 4 pt under it."""
    doc = pymupdf.open()
    p = doc.new_page(width=600, height=800)
    p.insert_text((100, 100), "Hello rule", fontsize=12)
    p.draw_line((100, 104), (300, 104), width=0.5)
    p.set_cropbox(pymupdf.Rect(50, 50, 550, 750))
    p.set_rotation(90)
    path = save(doc, tmp_path / "rot.pdf")
    page = open_pdf(path)[0]
    assert page_size(page) == (500.0, 700.0)
    span = page.get_text("dict")["blocks"][0]["lines"][0]["spans"][0]
    (rule,) = page_graphics(page)
    assert rule.kind is GraphicKind.RULE
    assert abs(rule.bbox.x0 - span["bbox"][0]) < 1 and abs(rule.bbox.cy - (span["origin"][1] + 4)) < 0.5
    assert page.rotation == 90  # get_cdrawings resets it while working; it must be back


def test_page_graphics_fast_on_100k_drawings(dots_pdf):
    doc = open_pdf(dots_pdf)
    page = doc[0]
    best = min(_timed(page_graphics, page) for _ in range(2))
    graphics = page_graphics(page)
    print(f"page_graphics on {DOTS[0] * DOTS[1]} drawings: {best:.3f} s")
    assert kinds(graphics) == [("rule", (50, 41, 700, 41)), ("box", (720, 660, 820, 1162))]
    assert best < 1.5


def _timed(f, *a) -> float:
    t = time.perf_counter()
    f(*a)
    return time.perf_counter() - t


def test_page_graphics_skips_vectors_of_huge_content_streams(dots_pdf, monkeypatch):
    monkeypatch.setattr(pdfdoc, "MAX_VECTOR_CONTENT_BYTES", 1000)
    assert page_graphics(open_pdf(dots_pdf)[0]) == []


def test_page_graphics_caps_the_drawings_looked_at(dots_pdf, monkeypatch):
    """The rule and box come after the 100,000 dots in the content stream: past the cap."""
    monkeypatch.setattr(pdfdoc, "MAX_DRAWINGS", 50_000)
    assert page_graphics(open_pdf(dots_pdf)[0]) == []


def test_page_graphics_on_a_text_page(good_pdf):
    assert page_graphics(open_pdf(good_pdf)[0]) == []


# ----------------------------------------------------------------------------- text layer

def test_good_text_layer(good_pdf):
    doc = open_pdf(good_pdf)
    for page in doc:
        assert text_layer_problem(page, page.get_text()) is None


def test_image_only_page(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page(width=595, height=842)
    p.insert_image(p.rect, pixmap=grey_pixmap(300, 420), keep_proportion=False)
    page = open_pdf(save(doc, tmp_path / "scan.pdf"))[0]
    assert page.get_text() == ""
    assert text_layer_problem(page, "") == "no text layer (image-only page: it takes the scanned-page path)"
    assert page_graphics(page) == []  # a page-sized image is background, not structure


def test_scan_with_a_stamped_line(tmp_path):
    """A scanned page an archive stamped with one line of text: still a scan."""
    doc = pymupdf.open()
    p = doc.new_page(width=595, height=842)
    p.insert_image(p.rect, pixmap=grey_pixmap(300, 420), keep_proportion=False)
    p.insert_text((20, 830), "Downloaded 2024-12-06", fontsize=6)
    page = open_pdf(save(doc, tmp_path / "stamped.pdf"))[0]
    problem = text_layer_problem(page, page.get_text())
    assert problem.startswith("no text layer (a page-sized image with only 20 characters")


def test_small_image_and_little_text_is_fine(tmp_path):
    """Below SCAN_MIN_IMAGE_SHARE the page is a real page with little text (a photo page)."""
    doc = pymupdf.open()
    p = doc.new_page(width=595, height=842)
    p.insert_image(pymupdf.Rect(50, 50, 545, 450), pixmap=grey_pixmap(), keep_proportion=False)  # 40 % of the page
    p.insert_text((50, 480), "图为北京冬日街景", fontname="china-s", fontsize=10)
    page = open_pdf(save(doc, tmp_path / "photo.pdf"))[0]
    assert pdfdoc.image_share(page) < pdfdoc.SCAN_MIN_IMAGE_SHARE
    assert text_layer_problem(page, page.get_text()) is None


def test_blank_page(tmp_path):
    doc = pymupdf.open()
    doc.new_page()
    page = open_pdf(save(doc, tmp_path / "blank.pdf"))[0]
    assert text_layer_problem(page, "") == "no text on the page (blank, or drawings only)"


def test_font_without_tounicode_is_garbled(tmp_path):
    """PyMuPDF gives raw glyph ids of a CID font without /ToUnicode: chars of 40 scripts."""
    page = open_pdf(no_tounicode_pdf(tmp_path / "notu.pdf"))[0]
    text = page.get_text()
    assert ZH_HEAD not in text and len(text.split()) > 0
    problem = text_layer_problem(page, text)
    assert problem is not None and problem.startswith("garbled text layer")


@pytest.mark.parametrize("first_code, why", [(1, "unmapped glyphs"), (33, "runs of 10 or more ASCII")])
def test_type3_font_with_meaningless_glyph_names(tmp_path, first_code, why):
    """A Type 3 font with glyphs /g1 /g2 …: MuPDF passes the raw codes through (control
    characters from code 1; !"#$%… from code 33)."""
    p = tmp_path / "t3.pdf"
    p.write_bytes(type3_pdf(ZH_BODY, first_code))
    page = open_pdf(p)[0]
    text = page.get_text()
    assert "新华社" not in text
    problem = text_layer_problem(page, text)
    assert problem is not None and why in problem, (problem, text[:60])


def test_real_text_is_not_garbled():
    samples = [s.read_text(encoding="utf-8") for s in SEEDS] + [
        "The State Council on Friday released a plan to boost consumption, including measures to raise incomes. "
        "Shares of Kweichow Moutai (600519.SS) rose 2.31% to 1,723.50 yuan; see https://www.gov.cn/zhengce/2024-12/06/content_6990000.htm",
        "Apple Inc. (AAPL) 189.25 +1.32 (+0.70%); Microsoft Corp. (MSFT) 415.10 -2.05 (-0.49%); Vol. 52.3M; "
        "P/E 29.4; Div. $0.96/yr; 52-wk H/L: 199.62/164.08",
        "Правительство в пятницу утвердило план по стимулированию потребления, включая меры по росту доходов.",
        "政府は金曜日、消費を刺激する計画を発表した。所得の引き上げや不動産市場の安定化などが含まれる。",
        "정부는 금요일 소비 촉진 계획을 발표했다. 소득 인상과 부동산 시장 안정화 조치가 포함됐다.",
        "本期导读 ……………………………………… 2版  要闻 ............................................ 3版",
        "TheStateCouncilonFridayreleasedaplantoboostconsumption,includingmeasurestoraiseincomes.",
    ]
    for s in samples:
        assert garbled_reason(s) is None, s[:40]


# each threshold, just inside and just outside

def test_min_judged_chars():
    n = pdfdoc.MIN_JUDGED_CHARS
    assert garbled_reason("\ufffd" * (n - 1)) is None
    assert garbled_reason("\ufffd" * n) is not None


def test_max_bad_share():
    n = 200
    ok = int(pdfdoc.MAX_BAD_SHARE * n)
    assert garbled_reason("研" * (n - ok) + "\ue000" * ok) is None
    assert garbled_reason("研" * (n - ok - 1) + "\ue000" * (ok + 1)) is not None
    assert "unmapped glyphs" in garbled_reason("\ufffd" * n)
    assert "unmapped glyphs" in garbled_reason("(cid:12)" * 30 + "研" * 10)   # pdfminer's way
    assert "unmapped glyphs" in garbled_reason("研发\x01\x02\x03\x1c\x1d" * 10)   # controls, even the "spaces"


def test_min_two_script_share():
    assert pdfdoc.MIN_TWO_SCRIPT_SHARE == 0.85
    assert garbled_reason("研" * 60 + "a" * 26 + "α" * 7 + "ж" * 7) is None    # top two: 0.86
    assert "unrelated scripts" in garbled_reason("研" * 60 + "a" * 24 + "α" * 8 + "ж" * 8)  # 0.84


def test_min_judged_letters():
    few = "ஸ" * 5 + "ڇ" * 5 + "ᠤ" * 5 + "ಏ" * 4 + "1" * 10            # 19 letters of 4 scripts
    assert garbled_reason(few) is None
    assert "unrelated scripts" in garbled_reason(few + "ⲁ")


def test_max_long_run_share():
    run = "!#a$%b&c'(d"                                           # 11 chars, raw codes
    assert pdfdoc._raw_code_run(run)
    assert not pdfdoc._raw_code_run(run[:9])                      # shorter than LONG_RUN_CHARS
    assert not pdfdoc._raw_code_run("Rechtsschutzversicherung")   # all letters
    assert not pdfdoc._raw_code_run("1,234,567.89")               # a number
    assert not pdfdoc._raw_code_run("zhengce@gov.cn")             # an address
    words = "word " * 20                                           # 80 non-space characters
    assert 3 * len(run) / (80 + 3 * len(run)) < pdfdoc.MAX_LONG_RUN_SHARE
    assert garbled_reason(words + (run + " ") * 3) is None
    assert "runs of 10" in garbled_reason("word " * 15 + (run + " ") * 3)


def test_max_ascii_symbol_share():
    # "ab!" repeated: 1/3 symbols; "a!#" repeated: 2/3
    assert garbled_reason("ab! " * 30) is None
    assert "ASCII symbols" in garbled_reason("a!# " * 30)
    # a leader counts once, however long
    assert garbled_reason("要闻" + "." * 80 + "3版") is None


def test_scan_thresholds(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page(width=100, height=100)
    p.insert_image(pymupdf.Rect(0, 0, 100, 100 * pdfdoc.SCAN_MIN_IMAGE_SHARE), pixmap=grey_pixmap(),
                   keep_proportion=False)
    page = open_pdf(save(doc, tmp_path / "s.pdf"))[0]
    assert abs(pdfdoc.image_share(page) - pdfdoc.SCAN_MIN_IMAGE_SHARE) < 1e-6
    n = pdfdoc.SCAN_MAX_TEXT_CHARS
    assert "scanned page" in text_layer_problem(page, "研" * (n - 1))
    assert text_layer_problem(page, "研" * n) is None


# ----------------------------------------------------------------------------- image device

def _images_pdf(tmp_path: Path) -> Path:
    """Pages that draw images every way a page can: XObject images (one drawn twice, one
    rotated), an image mask (stencil), an inline image, a rotated page and a cropped page."""
    doc = pymupdf.open()
    p = doc.new_page(width=595, height=842)
    p.insert_image(pymupdf.Rect(50, 60, 250, 200), pixmap=grey_pixmap(), keep_proportion=False)
    p.insert_image(pymupdf.Rect(300, 60, 400, 120), pixmap=grey_pixmap(), keep_proportion=False, rotate=90)
    p.insert_image(pymupdf.Rect(50, 600, 90, 640), pixmap=grey_pixmap(10, 10))
    p.insert_image(pymupdf.Rect(400, 600, 440, 640), pixmap=grey_pixmap(10, 10))      # the same image again
    q = doc.new_page(width=595, height=842)
    q.insert_image(pymupdf.Rect(100, 100, 300, 250), pixmap=grey_pixmap(), keep_proportion=False)
    q.set_rotation(90)
    r = doc.new_page(width=595, height=842)
    r.insert_image(pymupdf.Rect(100, 100, 300, 250), pixmap=grey_pixmap(), keep_proportion=False)
    r.set_cropbox(pymupdf.Rect(40, 50, 500, 800))
    buf = doc.tobytes()
    # an inline image and a 1-bit image mask (stencil, painted in the fill colour), by hand
    inline = (b"q 120 0 0 80 60 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\x80\x80\x00 EI Q\n"
              b"q 0 0 1 rg 50 0 0 30 300 500 cm BI /W 8 /H 1 /IM true ID \xaa EI Q")
    path = tmp_path / "images.pdf"
    path.write_bytes(buf)
    d = pymupdf.open(path)
    s = d.new_page(width=595, height=842)
    xref = d.get_new_xref()
    d.update_object(xref, "<< /Length 0 >>")
    d.update_stream(xref, inline)
    d.xref_set_key(s.xref, "Contents", f"{xref} 0 R")
    d.save(tmp_path / "images2.pdf")
    return tmp_path / "images2.pdf"


def test_image_device_finds_what_get_image_info_finds(tmp_path):
    """_drawn_image_boxes replaces page.get_image_info() (a second text extraction): the same
    boxes, in the same order, for XObject images, repeats, rotation, a stencil mask, an
    inline image, a rotated and a cropped page."""
    with pymupdf.open(_images_pdf(tmp_path)) as doc:
        seen = 0
        for page in doc:
            want = [tuple(round(v, 3) for v in info["bbox"]) for info in page.get_image_info()]
            got = [tuple(round(v, 3) for v in b) for b in pdfdoc._drawn_image_boxes(page)]
            assert got == want
            seen += len(got)
        assert seen == 8


def test_image_device_survives_a_broken_content_stream(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page()
    p.insert_image(pymupdf.Rect(50, 60, 250, 200), pixmap=grey_pixmap(), keep_proportion=False)
    xref = p.get_contents()[0]
    doc.update_stream(xref, doc.xref_stream(xref) + b"\nq 1 0 0 1 0 0 cm /Im9 Do BI garbage")
    path = tmp_path / "broken.pdf"
    doc.save(path)
    with pymupdf.open(path) as d:
        boxes = pdfdoc._drawn_image_boxes(d[0])
    assert [tuple(round(v) for v in b) for b in boxes] == [(50, 60, 250, 200)]
