"""segmenter.pdfbaselines: ``segmenter run --extractor pymupdf|pdftotext|pdfplumber`` takes
each PDF page's text from an off-the-shelf extractor and feeds it to the text-dump path."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from lxml import etree

from conftest import assert_one_line_errors, assert_valid_output
from segmenter.errors import SegmenterError
from segmenter.pdfbaselines import EXTRACTORS, extractor_edition
from segmenter.pipeline import EditionInput
from segmenter.settings import Settings
from test_pdfdoc import cjk_doc, no_tounicode_pdf, save

HEADS = ["研发投入再创新高", "零碳园区建设全面推进"]
BODIES = ["新华社北京12月6日电 今年全社会研发经费投入规模增长近百分之五十，增量达到一万亿元。"
          "研发投入强度提高，接近经济合作与发展组织国家平均水平。",
          "本报讯 三部门近日联合印发通知，推进零碳园区建设。通知提出，到二〇三〇年建成一批零碳园区，"
          "带动产业绿色转型。"]


def two_page_pdf(path: Path) -> Path:
    """Two pages, each a 24 pt headline over 10.5 pt body text in an embedded CJK font."""
    font = pymupdf.Font("cjk")
    doc = pymupdf.open()
    for head, body in zip(HEADS, BODIES):
        p = doc.new_page(width=595, height=842)
        p.insert_font(fontname="cjk", fontbuffer=font.buffer)
        p.insert_text((60, 90), head, fontname="cjk", fontsize=24)
        p.insert_textbox(pymupdf.Rect(60, 120, 300, 400), body, fontname="cjk", fontsize=10.5)
    doc.subset_fonts()
    return save(doc, path)


@pytest.fixture(scope="module")
def paper(tmp_path_factory) -> Path:
    return two_page_pdf(tmp_path_factory.mktemp("pdf") / "paper.pdf")


def all_text(dest: Path) -> str:
    parts = []
    for f in sorted(dest.glob("*.xml")):
        for el in etree.parse(str(f)).getroot().iter():
            if isinstance(el.tag, str) and el.text:
                parts.append(el.text)
    return "".join("".join(parts).split())


@pytest.mark.parametrize("tool", EXTRACTORS)
def test_each_extractor_end_to_end(run_cli, paper, tmp_path, xsd, tool):
    out = tmp_path / "out"
    code, stdout, err = run_cli("run", "--extractor", tool, paper, "-o", out)
    assert code == 0, err
    assert err == ""
    dest = out / "paper"
    assert stdout.strip() == f"{dest}: 2 articles, 0 other blocks, 2 page(s)"
    assert_valid_output(dest, xsd)
    text = all_text(dest)
    for s in HEADS + BODIES:
        assert "".join(s.split()) in text, (tool, s)
    index = etree.parse(str(dest / "index.xml")).getroot()
    pages = index.findall("page")
    assert [p.get("file") for p in pages] == ["paper.pdf#1", "paper.pdf#2"]
    assert {p.get("kind") for p in pages} == {"text"}
    heads = [a.get("headline") for a in index.findall("article")]
    assert heads == HEADS


def test_pages_carry_their_pdf_position(paper):
    ed = EditionInput("paper", [paper])
    edition = extractor_edition(ed, Settings(), "pymupdf")
    assert ed.errors == []
    assert [(p.number, p.name, p.kind, p.printed, p.source_page) for p in edition.pages] == [
        (1, "paper.pdf#1", "text", 1, 1), (2, "paper.pdf#2", "text", 2, 2)]
    assert all(p.path == str(paper) for p in edition.pages)


def test_pdf_and_text_pages_in_one_edition(run_cli, paper, tmp_path, xsd):
    folder = tmp_path / "ed"
    folder.mkdir()
    shutil.copy(paper, folder / "01.pdf")
    (folder / "02.txt").write_text("第三版要闻\n\n" + BODIES[0] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run_cli("run", "--extractor", "pdfplumber", folder, "-o", out)
    assert code == 0, err
    assert_valid_output(out / "ed", xsd)
    index = etree.parse(str(out / "ed" / "index.xml")).getroot()
    assert [p.get("file") for p in index.findall("page")] == ["01.pdf#1", "01.pdf#2", "02.txt"]


def test_bad_files_are_reported_and_the_rest_written(run_cli, paper, tmp_path, xsd):
    folder = tmp_path / "ed"
    folder.mkdir()
    shutil.copy(paper, folder / "01.pdf")
    save(cjk_doc(1), folder / "02.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    (folder / "03.pdf").write_bytes(b"")
    no_tounicode_pdf(folder / "04.pdf")
    out = tmp_path / "out"
    code, stdout, err = run_cli("run", "--extractor", "pymupdf", folder, "-o", out)
    assert code == 1
    lines = assert_one_line_errors(err, 3)
    assert lines[0].startswith("segmenter: error: 02.pdf: encrypted PDF, needs a password")
    assert lines[1].startswith("segmenter: error: 03.pdf: empty file")
    assert lines[2].startswith("segmenter: error: 04.pdf page 1: garbled text layer")
    assert_valid_output(out / "ed", xsd)
    index = etree.parse(str(out / "ed" / "index.xml")).getroot()
    assert [p.get("file") for p in index.findall("page")] == ["01.pdf#1", "01.pdf#2"]


@pytest.mark.parametrize("tool", EXTRACTORS)
def test_garbled_page_for_every_tool(paper, tmp_path, tool):
    """Each tool shows a font without a Unicode map its own way (raw glyph ids, (cid:N));
    each is caught."""
    bad = no_tounicode_pdf(tmp_path / "notu.pdf")
    ed = EditionInput("x", [bad, paper])
    edition = extractor_edition(ed, Settings(), tool)
    assert len(ed.errors) == 1 and ed.errors[0].startswith("notu.pdf page 1: garbled text layer"), ed.errors
    assert [p.name for p in edition.pages] == ["paper.pdf#1", "paper.pdf#2"]


def test_image_only_page_is_reported(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 60), False)
    pix.clear_with(100)
    p.insert_image(p.rect, pixmap=pix, keep_proportion=False)
    scan = save(doc, tmp_path / "scan.pdf")
    ed = EditionInput("scan", [scan])
    edition = extractor_edition(ed, Settings(), "pdftotext")
    assert ed.errors == ["scan.pdf page 1: no text layer (image-only page: it takes the scanned-page path)"]
    assert edition.pages == []


def test_pdftotext_missing(run_cli, paper, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    out = tmp_path / "out"
    code, _, err = run_cli("run", "--extractor", "pdftotext", paper, "-o", out)
    assert code == 1
    (line,) = assert_one_line_errors(err, 1)
    assert "pdftotext is not installed" in line and "poppler-utils" in line
    assert not out.exists() or list(out.iterdir()) == []


def test_pdftotext_per_page_fallback(paper, monkeypatch):
    """When pdftotext's form feeds do not split the file into its pages, each page is
    extracted alone (-f N -l N)."""
    import segmenter.pdfbaselines as pb
    calls = []
    real = pb._run_pdftotext

    def fake(path, page, pages):
        calls.append(page)
        text = real(path, page, pages)
        return text.replace("\f", "") if page is None else text
    monkeypatch.setattr(pb, "_run_pdftotext", fake)
    ed = EditionInput("paper", [paper])
    edition = extractor_edition(ed, Settings(), "pdftotext")
    assert calls == [None, 1, 2] and ed.errors == []
    assert [p.name for p in edition.pages] == ["paper.pdf#1", "paper.pdf#2"]


def test_unknown_extractor(paper):
    with pytest.raises(SegmenterError, match="unknown extractor"):
        extractor_edition(EditionInput("paper", [paper]), Settings(), "abbyy")


def test_no_noise_from_a_real_process(paper, tmp_path):
    """A damaged (repaired) PDF through the installed command: stdout holds the summary line,
    stderr one line per error, nothing from MuPDF or pdfminer, also not at exit."""
    data = paper.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[:data.rindex(b"xref")])
    for tool in EXTRACTORS:
        out = tmp_path / f"out-{tool}"
        done = subprocess.run([sys.executable, "-c", "import sys; from segmenter.cli import main; "
                               "sys.exit(main(sys.argv[1:]))", "run", "--extractor", tool, str(cut), "-o", str(out)],
                              capture_output=True, text=True, timeout=120)
        if tool == "pdfplumber":  # pdfminer does not repair a file without its xref table
            assert done.returncode == 1 and done.stdout == ""
            assert done.stderr == ("segmenter: error: cut.pdf: pdfplumber cannot open it "
                                   "(No /Root object! - Is this really a PDF?)\n")
            continue
        assert done.returncode == 0, (tool, done.stderr)
        assert done.stdout.splitlines() == [f"{out / 'cut'}: 2 articles, 0 other blocks, 2 page(s)"], (tool, done.stdout)
        assert done.stderr == "", (tool, done.stderr)
