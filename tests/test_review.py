"""``segmenter review``: the HTML review page.

Unit tests read the generated HTML and its embedded JSON without a browser; the browser tests
render the page in headless Debian chromium, assert on the DOM its script built, keep a
screenshot in tests/artifacts/ and print the time to interactive of a 24-page edition.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lhtml

from conftest import SEEDS, assert_valid_output
from segmenter import review as rv
from segmenter.cli import main
from segmenter.errors import InputError

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
_DATA_RE = re.compile(r'<script type="application/json" id="review-data">(.*?)</script>', re.S)
_IMG_RE = re.compile(r'<script type="application/octet-stream" id="img-(\d+)">([A-Za-z0-9+/=]*)</script>')


def page_data(html_text: str) -> dict:
    return json.loads(_DATA_RE.search(html_text).group(1))


def xml_counts(folder: Path) -> tuple[list[str], int]:
    """(article ids in index order, number of <join> elements) of an edition folder."""
    index = etree.parse(str(folder / "index.xml")).getroot()
    ids = [a.get("id") for a in index.findall("article")]
    joins = sum(len(etree.parse(str(folder / f"{i}.xml")).getroot().findall("joins/join")) for i in ids)
    return ids, joins


def review_cli(*argv) -> int:
    return main(["review", *map(str, argv)])


def _has(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def q(dom, path: str) -> list:
    """A tiny CSS subset as XPath (no cssselect dependency): "tag.class", "#id tag", ".class"."""
    xp = ""
    for step in path.split():
        m = re.fullmatch(r"(#[\w-]+)|([a-z0-9]*)((?:\.[\w-]+)*)", step)
        if m.group(1):
            xp += f"//*[@id='{m.group(1)[1:]}']"
        else:
            conds = "".join(f"[{_has(c)}]" for c in m.group(3).split(".")[1:])
            xp += f"//{m.group(2) or '*'}{conds}"
    return dom.xpath(xp)


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    """The three seeds as one 3-page edition, and seed 0 alone (absolute input paths)."""
    base = tmp_path_factory.mktemp("review")
    ed = base / "seeds"
    ed.mkdir()
    for s in SEEDS:
        shutil.copy(s, ed / s.name)
    out = base / "out"
    assert main(["run", str(ed), "-o", str(out)]) == 0
    assert main(["run", str(ed / SEEDS[0].name), "-o", str(out)]) == 0
    return ed, out


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory):
    """A 2-page synth PDF edition, segmented."""
    base = tmp_path_factory.mktemp("reviewpdf")
    assert main(["synth", "--pages", "2", "--seed", "3", "-o", str(base / "syn")]) == 0
    assert main(["run", str(base / "syn" / "edition.pdf"), "-o", str(base / "out")]) == 0
    return base / "out" / "edition"


# ----------------------------------------------------------------------------- units

def test_parse_src_forms():
    R = rv.Ref
    assert rv.parse_src("12-19,23", False) == [R(1, 12, 19), R(1, 23, 23)]
    assert rv.parse_src("1:40,2:3-9", True) == [R(1, 40, 40), R(2, 3, 9)]
    assert rv.parse_src("p3:1.0,2.5,30.0,40.0;p4:0,0,1,1", True) == [
        R(3, box=(1.0, 2.5, 30.0, 40.0)), R(4, box=(0.0, 0.0, 1.0, 1.0))]
    assert rv.parse_src("0", False) == [] and rv.parse_src(None, False) == []
    for bad in ("12-", "p3:1,2,3", "a-b"):
        with pytest.raises(InputError):
            rv.parse_src(bad, False)


def test_doubtful_threshold_pinned_at_its_edge():
    assert rv.DOUBTFUL_SCORE == 0.6
    j = rv.ReviewJoin(1, 0, "headline", rv.DOUBTFUL_SCORE, [], [])
    assert not j.doubtful
    j.score = rv.DOUBTFUL_SCORE - 0.001
    assert j.doubtful


def test_image_constants_pinned():
    assert (rv.PAGE_IMAGE_DPI, rv.JPEG_QUALITY, rv.MAX_IMAGE_PX) == (100, 70, 1600)


def test_index_records_input_path_and_sha256(seeds_out, xsd):
    import hashlib
    ed, out = seeds_out
    assert_valid_output(out / "seeds", xsd)
    pages = etree.parse(str(out / "seeds" / "index.xml")).getroot().findall("page")
    for p in pages:
        assert Path(p.get("path")) == ed / p.get("file")
        assert p.get("sha256") == hashlib.sha256((ed / p.get("file")).read_bytes()).hexdigest()


def test_text_review_has_every_article_join_and_line(seeds_out, tmp_path):
    ed, out = seeds_out
    dest = tmp_path / "r.html"
    assert review_cli(out / "seeds", "-o", dest) == 0
    text = dest.read_text("utf-8")
    data = page_data(text)
    ids, njoins = xml_counts(out / "seeds")
    assert [a["id"] for a in data["articles"]] == ids
    assert len(data["joins"]) == njoins > 0
    assert [p["n"] for p in data["pages"]] == [1, 2, 3]
    for p, seed in zip(data["pages"], SEEDS):
        raw = seed.read_text("utf-8").splitlines()
        assert [ln[0] for ln in p["lines"]] == list(range(1, len(raw) + 1))
        assert ["".join(s[1] for s in ln[2]) for ln in p["lines"]] == raw
        # every non-blank line went somewhere (coverage is the exporter's contract)
        assert all(ln[1] for ln, r in zip(p["lines"], raw) if r.strip())
    # every paragraph of every article is in the page, with its text
    for a in data["articles"]:
        root = etree.parse(str(out / "seeds" / f"{a['id']}.xml")).getroot()
        assert [it["x"] for it in a["body"]] == [el.text or "" for el in root.find("body")]
    # doubtful ones flagged by the named threshold
    assert [j["d"] for j in data["joins"]] == [j["s"] < rv.DOUBTFUL_SCORE for j in data["joins"]]


def test_self_contained(seeds_out, small_pdf, tmp_path):
    _, out = seeds_out
    for folder in (out / "seeds", small_pdf):
        dest = tmp_path / f"{folder.name}.html"
        assert review_cli(folder, "-o", dest) == 0
        text = dest.read_text("utf-8")
        shell = _DATA_RE.sub("", text)     # article text may quote a URL; the page itself may not
        assert not re.search(r"https?:|(?:src|href)\s*=\s*[\"']?//|<link|@import|url\(", shell, re.I)
        assert "default-src 'none'" in shell
        assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_markup_and_jump_markers_are_greyed(tmp_path):
    f = tmp_path / "md.md"
    f.write_text("# 大标题：研发投入再创新高\n\n本报讯 **记者** 张伟 报道，研发投入再创新高。\n\n"
                 "企业是研发投入高增长的主要力量。\n（下转第3版）\n\n---\n", "utf-8")
    assert main(["run", str(f), "-o", str(tmp_path / "out")]) == 0
    dest = tmp_path / "r.html"
    assert review_cli(tmp_path / "out" / "md", "-o", dest) == 0
    lines = {ln[0]: ln for ln in page_data(dest.read_text("utf-8"))["pages"][0]["lines"]}
    assert [s for s in lines[1][2] if s[0] == "m"] == [["m", "#"]]
    assert [s[1] for s in lines[3][2] if s[0] == "m"] == ["**", "**"]
    assert "".join(s[1] for s in lines[3][2] if s[0] == "") == "本报讯 记者 张伟 报道，研发投入再创新高。"
    assert "".join(s[1] for s in lines[6][2] if s[0] == "j") == "（下转第3版）"
    assert lines[8][2] == [["m", "---"]]


def test_deterministic_bytes(seeds_out, small_pdf, tmp_path):
    _, out = seeds_out
    for folder in (out / SEEDS[0].stem, small_pdf):
        a, b = tmp_path / "a.html", tmp_path / "b.html"
        assert review_cli(folder, "-o", a) == 0 and review_cli(folder, "-o", b) == 0
        assert a.read_bytes() == b.read_bytes()


def test_pdf_pages_embedded_as_lazy_jpeg(small_pdf, tmp_path):
    dest = tmp_path / "p.html"
    assert review_cli(small_pdf, "-o", dest) == 0
    text = dest.read_text("utf-8")
    data = page_data(text)
    imgs = _IMG_RE.findall(text)
    assert [int(n) for n, _ in imgs] == [1, 2] == [p["n"] for p in data["pages"]]
    import base64
    for _, b64 in imgs:
        assert base64.b64decode(b64)[:3] == b"\xff\xd8\xff"       # JPEG
    assert "<img" not in text                                      # inserted by the script, lazily
    ids, njoins = xml_counts(small_pdf)
    assert [a["id"] for a in data["articles"]] == ids and len(data["joins"]) == njoins
    assert all(len(r) == 5 for a in data["articles"] for it in a["body"] for r in it["r"])


def test_changed_or_missing_input(seeds_out, tmp_path, capsys):
    ed, out = seeds_out
    copy = tmp_path / "ed"
    shutil.copytree(ed, copy)
    # the recorded input is gone: one-line error naming --source; --source finds it
    moved = tmp_path / "moved"
    shutil.copytree(out / "seeds", moved / "seeds")
    idx = moved / "seeds" / "index.xml"
    idx.write_bytes(idx.read_bytes().replace(str(ed).encode(), str(tmp_path / "gone").encode()))
    assert review_cli(moved / "seeds", "-o", tmp_path / "x.html") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--source" in err and not (tmp_path / "x.html").exists()
    assert review_cli(moved / "seeds", "-o", tmp_path / "x.html", "--source", copy) == 0
    assert "warning" not in capsys.readouterr().err
    # the input changed since the run: a warning on stderr and in the page, still exit 0
    (copy / SEEDS[1].name).write_text((copy / SEEDS[1].name).read_text("utf-8") + "\n补充一行\n", "utf-8")
    assert review_cli(moved / "seeds", "-o", tmp_path / "y.html", "--source", copy) == 0
    err = capsys.readouterr().err
    assert "input changed since the run" in err and SEEDS[1].name in err
    assert page_data((tmp_path / "y.html").read_text("utf-8"))["warnings"]


@pytest.mark.parametrize("case", ["no-folder", "no-index", "bad-xml", "bad-dest"])
def test_bad_input_one_line(seeds_out, tmp_path, capsys, case):
    _, out = seeds_out
    folder, dest = out / SEEDS[0].stem, tmp_path / "r.html"
    if case == "no-folder":
        folder = tmp_path / "nothing"
    elif case == "no-index":
        folder = tmp_path
    elif case == "bad-xml":
        folder = tmp_path / "ed"
        shutil.copytree(out / SEEDS[0].stem, folder)
        (folder / "a01.xml").write_text("<article", "utf-8")
    else:
        dest = tmp_path / "no" / "such" / "r.html"
    assert review_cli(folder, "-o", dest) == 1
    err = capsys.readouterr().err
    assert err.startswith("segmenter: error:") and err.count("\n") == 1, err
    assert not dest.exists()
    if dest.parent.exists():
        assert not list(dest.parent.glob(f".{dest.name}.*"))     # no temp file left behind


# ----------------------------------------------------------------------------- browser

def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    msg = "Debian chromium is not installed (make test installs it: DEBS in the Makefile)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(msg)
    pytest.skip(msg)


def _browser(html_file: Path, *extra: str, fragment: str = "") -> str:
    """Run headless chromium on a file; returns stdout (the DOM for --dump-dom)."""
    exe = _chromium()
    with tempfile.TemporaryDirectory() as prof:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--no-first-run", "--disable-extensions", "--disable-sync", f"--user-data-dir={prof}",
               "--hide-scrollbars", "--window-size=1400,900", "--virtual-time-budget=8000", *extra,
               html_file.resolve().as_uri() + fragment]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def _dom(html_file: Path, fragment: str = ""):
    return lhtml.fromstring(_browser(html_file, "--dump-dom", fragment=fragment))


@pytest.fixture(scope="module")
def pdf24(tmp_path_factory):
    """A 24-page synth edition: the PDF and its markdown dumps, segmented and reviewed."""
    base = tmp_path_factory.mktemp("review24")
    assert main(["synth", "--pages", "24", "--seed", "1", "-o", str(base / "syn")]) == 0
    out = base / "out"
    assert main(["run", str(base / "syn" / "edition.pdf"), "-o", str(out)]) == 0
    assert main(["run", str(base / "syn" / "dumps" / "markdown"), "-o", str(out)]) == 0
    pages = {}
    for name in ("edition", "markdown"):
        pages[name] = base / f"{name}.html"
        assert review_cli(out / name, "-o", pages[name]) == 0
    return out, pages


def test_browser_text_review(seeds_out, tmp_path):
    _, out = seeds_out
    dest = tmp_path / "seeds.html"
    assert review_cli(out / "seeds", "-o", dest) == 0
    ids, njoins = xml_counts(out / "seeds")
    dom = _dom(dest)
    data = page_data(dest.read_text("utf-8"))
    assert len(q(dom, "article.art")) == len(ids)
    assert len(q(dom, "#joins li")) == njoins
    assert len(q(dom, ".pgh")) == 3
    assert len(q(dom, ".ln")) == sum(len(p["lines"]) for p in data["pages"])
    # each join is marked at both ends in the source (where the end has a place; once when
    # both ends are one place)
    ends = sum(bool(j["l"]) + (bool(j["r"]) and j["r"][:1] != j["l"][:1]) for j in data["joins"])
    assert len(q(dom, "#source .jm")) == ends
    # lowest score first, doubtful ones styled
    scores = [float(li.text_content().split()[0]) for li in q(dom, "#joins li")]
    assert scores == sorted(scores)
    assert len(q(dom, "#joins li.doubt")) == sum(j["d"] for j in data["joins"])
    greyed = sum(any(seg[0] == "j" for seg in ln[2]) for p in data["pages"] for ln in p["lines"])
    assert len(q(dom, ".jumpmark")) == greyed > 0
    ARTIFACTS.mkdir(exist_ok=True)
    # the artefact shows the first doubtful join selected (key n)
    _browser(dest, f"--screenshot={ARTIFACTS / 'review-text.png'}", fragment="#keys=n")
    assert (ARTIFACTS / "review-text.png").stat().st_size > 10_000


def test_browser_keyboard(seeds_out, tmp_path):
    _, out = seeds_out
    dest = tmp_path / "seeds.html"
    assert review_cli(out / "seeds", "-o", dest) == 0
    data = page_data(dest.read_text("utf-8"))
    body = _dom(dest, "#keys=jj").find("body")
    assert body.get("data-sel-article") == "1"          # second article
    doubt = sorted((j for j in data["joins"] if j["d"]), key=lambda j: (j["s"], j["n"]))
    assert doubt, "the seeds have doubtful joins"
    body = _dom(dest, "#keys=nn").find("body")           # second doubtful join, its article
    assert body.get("data-sel-join") == str(doubt[1 % len(doubt)]["n"])
    assert body.get("data-sel-article") == str(doubt[1 % len(doubt)]["a"])


def test_browser_pdf_24_pages(pdf24, capsys):
    out, pages = pdf24
    timings = []
    for name, page in pages.items():
        ids, njoins = xml_counts(out / name)
        dom = _dom(page)
        body = dom.find("body")
        assert len(q(dom, "article.art")) == len(ids) and len(ids) > 100
        assert len(q(dom, "#joins li")) == njoins
        assert len(q(dom, ".pgh")) == 24
        if name == "edition":
            assert len(q(dom, ".pg")) == 24
            loaded = len(q(dom, ".pg img"))
            assert 1 <= loaded < 24, loaded                  # lazy: only pages in view decoded
            regions = sum(len(it["r"]) for a in page_data(page.read_text("utf-8"))["articles"]
                          for it in a["head"] + a["body"] + a["fig"])
            assert len(q(dom, "svg rect.reg")) == regions
            assert len(q(dom, "svg circle")) >= len(ids)   # numbered on each page it has
            ends = sum((bool(j["l"]) and len(j["l"][0]) == 5) + (bool(j["r"]) and len(j["r"][0]) == 5
                       and j["r"][:1] != j["l"][:1]) for j in page_data(page.read_text("utf-8"))["joins"])
            assert len(q(dom, "svg rect.jend")) == len(q(dom, "svg text.jlab")) == ends > 0
        timings.append(f"{name}: {page.stat().st_size / 1e6:.1f} MB, interactive at "
                       f"{float(body.get('data-ready')):.0f} ms (script {float(body.get('data-build')):.0f} ms)")
    ARTIFACTS.mkdir(exist_ok=True)
    _browser(pages["edition"], f"--screenshot={ARTIFACTS / 'review-pdf.png'}", fragment="#keys=jjj")
    assert (ARTIFACTS / "review-pdf.png").stat().st_size > 10_000
    (ARTIFACTS / "review-timing.txt").write_text("\n".join(timings) + "\n", "utf-8")
    with capsys.disabled():
        print("\nreview page, 24 pages, headless chromium: " + "; ".join(timings))


def test_scan_page_is_an_image_with_pixel_boxes(tmp_path):
    """A scan page (kind="scan", boxes in pixels of the image) is reviewed like a PDF page:
    the image is embedded, the regions keep their pixel coordinates for the SVG viewBox."""
    import pymupdf
    img = tmp_path / "scan.png"
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 400, 300), False)
    pix.set_rect(pix.irect, (255, 255, 255))
    pix.save(str(img))
    ed = tmp_path / "out" / "scan"
    ed.mkdir(parents=True)
    (ed / "index.xml").write_text(
        f'<edition name="scan" version="1"><page n="1" file="scan.png" kind="scan" path="{img}" '
        'width="400.0" height="300.0" source-page="1"/><article id="a1" file="a1.xml" page="1"/>'
        '<fragment src="p1:5,250,395,290">孤立段落</fragment></edition>', "utf-8")
    (ed / "a1.xml").write_text(
        '<article id="a1" edition="scan"><head><headline src="p1:10,10,390,40">标题</headline></head>'
        '<body><p src="p1:10,50,390,200">正文。</p></body></article>', "utf-8")
    dest = tmp_path / "r.html"
    assert review_cli(ed, "-o", dest) == 0
    text = dest.read_text("utf-8")
    data = page_data(text)
    assert data["pages"] == [{"file": "scan.png", "h": 300.0, "img": "img-1", "kind": "scan", "n": 1, "w": 400.0}]
    assert data["articles"][0]["body"][0]["r"] == [[1, 10.0, 50.0, 390.0, 200.0]]
    assert data["others"] == [{"k": "fragment", "r": [[1, 5.0, 250.0, 395.0, 290.0]], "x": "孤立段落"}]
    import base64
    jpeg = base64.b64decode(_IMG_RE.search(text).group(2))
    assert pymupdf.Pixmap(jpeg).width == 400      # native size, under MAX_IMAGE_PX


# ----------------------------------------------------------------------------- scans: OCR confidence

def _fake_ocr(image, vertical):
    """FakeEngine reading of a crop: one line, a word per 16 px, every third word read with low
    confidence (0.5 + 0.01 × its place), so that every region has low-confidence words."""
    from segmenter.containers import BBox
    from segmenter.ocr import OcrLine, OcrWord
    h, w = image.shape[:2]
    chars = "国家科技创新发展新质生产力"
    n = max(1, min(len(chars), w // 16))
    words = tuple(OcrWord(chars[k], BBox(k * 16.0, 1.0, k * 16.0 + 14, min(h, 21.0)),
                          0.5 + 0.01 * k if k % 3 == 1 else 0.99) for k in range(n))
    return [OcrLine(words, BBox(0.0, 0.0, n * 16.0, min(h, 22.0)), vertical)]


@pytest.fixture(scope="module")
def scan_out(tmp_path_factory):
    """A generated page as a 100 dpi page image, segmented with the fake OCR and reviewed."""
    import pymupdf
    from segmenter import ocr
    from segmenter.synth import generate
    base = tmp_path_factory.mktemp("review-scan")
    generate(1, 4, base / "syn")
    doc = pymupdf.open(str(base / "syn" / "edition.pdf"))
    png = base / "scan.png"
    doc[0].get_pixmap(dpi=100, colorspace=pymupdf.csGRAY).save(str(png))
    doc.close()
    mp = pytest.MonkeyPatch()
    mp.setattr(ocr, "get_engine", lambda name, cache=None: ocr.FakeEngine(_fake_ocr))
    try:
        assert main(["run", str(png), "-o", str(base / "out"), "--set", "scan_workers=1",
                     "--set", "ocr_cache=off"]) == 0
    finally:
        mp.undo()
    dest = base / "scan.html"
    assert review_cli(base / "out" / "scan", "-o", dest) == 0
    return base / "out" / "scan", dest


def _low_words(folder: Path) -> tuple[list[tuple[int, str, float]], int]:
    """(article index, word text, conf) of every low word of the articles, in article order, and
    the number of article elements whose OCR confidence is below 1."""
    index = etree.parse(str(folder / "index.xml")).getroot()
    words, below = [], 0
    for i, a in enumerate(index.findall("article")):
        root = etree.parse(str(folder / a.get("file"))).getroot()
        items = [el for t in ("kicker", "headline", "subtitle", "byline") for el in root.findall(f"head/{t}")]
        items += [el for el in root.findall("body/*")] + [el for el in root.findall("figure/*")]
        for el in items:
            below += el.get("conf") is not None and float(el.get("conf")) < 1
            for w in (el.get("low") or "").split():
                rng, conf = w.split(":")
                s, e = map(int, rng.split("-"))
                words.append((i, el.text[s:e], float(conf)))
    return words, below


def test_parse_low_rejects_mismatched_boxes():
    assert rv.parse_low("1-2:0.5", "p1:1,2,3,4", False) == [rv.LowMark(1, 2, 0.5, rv.Ref(1, box=(1.0, 2.0, 3.0, 4.0)))]
    for low, src in (("1-2:0.5 3-4:0.6", "p1:1,2,3,4"), ("2-1:0.5", "p1:1,2,3,4"), ("1-2", "p1:1,2,3,4")):
        with pytest.raises(InputError):
            rv.parse_low(low, src, False)


def test_browser_scan_low_confidence_words(scan_out):
    folder, dest = scan_out
    words, below = _low_words(folder)
    assert len(words) > 10 and below > 0
    data = page_data(dest.read_text("utf-8"))
    assert sum(len(it.get("lw", [])) for a in data["articles"] for it in a["head"] + a["body"] + a["fig"]) == len(words)
    dom = _dom(dest)
    assert dom.find("body").get("data-low") == str(len(words))
    boxes = q(dom, "svg rect.lw")
    assert len(boxes) == len(q(dom, ".lwc")) == len(q(dom, "mark.lw")) == len(words)
    # the tooltip of each box on the page image: the word and its confidence
    for rect, (_, text, conf) in zip(sorted(boxes, key=lambda r: int(r.get("data-w"))), words):
        assert rect.find("title").text_content() == f"{text} \u00b7 OCR confidence {conf:.2f}"
    assert [m.text_content() for m in sorted(q(dom, "mark.lw"), key=lambda m: int(m.get("data-w")))] == [w[1] for w in words]
    assert len(q(dom, ".cf")) == below
    # w steps forward through the words (article by article), W backwards from the last
    body = _dom(dest, "#keys=ww").find("body")
    assert (body.get("data-sel-word"), body.get("data-sel-article")) == ("1", str(words[1][0]))
    body = _dom(dest, "#keys=W").find("body")
    assert (body.get("data-sel-word"), body.get("data-sel-article")) == (str(len(words) - 1), str(words[-1][0]))
    ARTIFACTS.mkdir(exist_ok=True)
    _browser(dest, f"--screenshot={ARTIFACTS / 'review-scan.png'}", fragment="#keys=www")
    assert (ARTIFACTS / "review-scan.png").stat().st_size > 10_000
