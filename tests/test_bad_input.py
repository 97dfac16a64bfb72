"""Bad input, one test each: a clear one-line error (exit 1) or a correct decode, never a
traceback, never partial output."""

from __future__ import annotations

import os
import pathlib
import time
from pathlib import Path

import pytest
from lxml import etree

from conftest import (SEEDS, assert_conserved, assert_lines_covered, assert_one_line_errors,
                      assert_valid_output, hidden_entries)
from segmenter.settings import Settings

#: simplified Chinese news text without spaces (so the output text equals it exactly)
ZH = ["研发投入再创新高", "今年全社会研发经费投入规模增长近百分之五十，增量达到一万亿元。",
      "研发投入强度提高，接近经济合作与发展组织国家平均水平。"]
#: traditional Chinese (Big5-encodable)
TW = ["研發投入再創新高", "今年全社會研發經費投入規模增長近百分之五十，增量達到一萬億元。",
      "研發投入強度提高，接近經濟合作與發展組織國家平均水準。"]


def dump(paras: list[str]) -> str:
    return "\n\n".join(paras) + "\n"


def run_one(run_cli, tmp_path: Path, name: str, data: bytes):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out"
    code, stdout, err = run_cli("run", src, "-o", out)
    return src, out, code, stdout, err


def assert_failed_cleanly(out: Path, code: int, err: str, *needles: str) -> str:
    assert code == 1
    line = assert_one_line_errors(err, 1)[0]
    for n in needles:
        assert n.lower() in line.lower(), line
    # no edition folder, no stray temporary folders
    assert not out.exists() or list(out.iterdir()) == []
    return line


def output_text(dest: Path) -> str:
    """All text of the article files then of index.xml, in document order, whitespace removed."""
    parts = []
    for f in sorted(dest.glob("a*.xml")) + [dest / "index.xml"]:
        for el in etree.parse(str(f)).getroot().iter():
            if isinstance(el.tag, str) and el.text:
                parts.append(el.text)
    return "".join("".join(parts).split())


def assert_decoded(run_cli, tmp_path, name, data, original: str, encoding: str | None, xsd):
    src, out, code, _, err = run_one(run_cli, tmp_path, name, data)
    assert code == 0, err
    assert err == ""
    dest = out / Path(name).stem
    assert_valid_output(dest, xsd)
    assert output_text(dest) == "".join(original.split())
    page = etree.parse(str(dest / "index.xml")).getroot().find("page")
    if encoding:
        assert page.get("encoding") == encoding
    assert_conserved(src, dest)
    assert_lines_covered(src, dest)


# ----------------------------------------------------------------------------- errors

def test_empty_file(run_cli, tmp_path):
    _, out, code, _, err = run_one(run_cli, tmp_path, "empty.txt", b"")
    assert_failed_cleanly(out, code, err, "empty.txt", "empty")


def test_whitespace_only_file(run_cli, tmp_path):
    _, out, code, _, err = run_one(run_cli, tmp_path, "blank.txt", b"  \n\t\n\r\n \n")
    assert_failed_cleanly(out, code, err, "blank.txt", "empty")


def test_binary_png_bytes(run_cli, tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 40
    _, out, code, _, err = run_one(run_cli, tmp_path, "image.txt", data)
    assert_failed_cleanly(out, code, err, "image.txt", "binary")


def test_binary_pdf_bytes(run_cli, tmp_path):
    data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5000 >>\nstream\n" + bytes(range(256)) * 40
    _, out, code, _, err = run_one(run_cli, tmp_path, "report.txt", data)
    assert_failed_cleanly(out, code, err, "report.txt", "binary")


def test_undecodable_high_bytes(run_cli, tmp_path):
    # invalid in UTF-8, GB18030 and Big5 alike: the reader says so in one line
    _, out, code, _, err = run_one(run_cli, tmp_path, "garbage.txt", bytes(range(0x80, 0x100)) * 50)
    assert_failed_cleanly(out, code, err, "garbage.txt", "cannot decode")


def test_broken_pdf_refused(run_cli, tmp_path):
    # a PDF header and nothing a PDF needs (no pages, no trailer): one line, nothing written
    _, out, code, _, err = run_one(run_cli, tmp_path, "page.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    assert_failed_cleanly(out, code, err, "page.pdf")


def test_truncated_image_refused(run_cli, tmp_path):
    # a PNG signature and nothing readable after it (scanned pages are read since issue #5)
    _, out, code, _, err = run_one(run_cli, tmp_path, "page.png", b"\x89PNG\r\n\x1a\n" + bytes(16))
    assert_failed_cleanly(out, code, err, "page.png", "not a readable image")


def test_nonexistent_input(run_cli, tmp_path):
    code, _, err = run_cli("run", tmp_path / "nope.txt", "-o", tmp_path / "out")
    assert_failed_cleanly(tmp_path / "out", code, err, "nope.txt")


def test_file_over_size_limit_refused_fast(run_cli, tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:  # a sparse 50 MB file: costs no disk
        fh.truncate(50 * 1024 * 1024)
    assert big.stat().st_size > Settings().max_input_bytes
    read = []
    real_read_bytes = pathlib.Path.read_bytes

    def spy(self):
        read.append(self.name)
        return real_read_bytes(self)
    monkeypatch.setattr(pathlib.Path, "read_bytes", spy)
    t = time.perf_counter()
    code, _, err = run_cli("run", big, "-o", tmp_path / "out")
    elapsed = time.perf_counter() - t
    assert_failed_cleanly(tmp_path / "out", code, err, "huge.txt", "MB")
    assert "huge.txt" not in read, "an oversized file must be refused before it is read"
    assert elapsed < 30.0  # a hang guard only (reading 50 MB through the pipeline takes minutes)


def test_output_parent_is_a_file(run_cli, tmp_path):
    """An output folder that cannot be created (its parent is a regular file; fails for root
    too): one line, exit 1."""
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "afile" / "out"
    code, stdout, err = run_cli("run", SEEDS[1], "-o", out)
    assert code == 1
    line = assert_one_line_errors(err, 1)[0]
    assert "cannot write" in line
    assert (tmp_path / "afile").read_text() == "x"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_output_folder_not_writable(run_cli, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        code, _, err = run_cli("run", SEEDS[1], "-o", out)
    finally:
        out.chmod(0o700)
    assert code == 1
    assert "cannot write" in assert_one_line_errors(err, 1)[0]
    assert list(out.iterdir()) == []


def test_batch_one_folder_with_bad_file(run_cli, tmp_path, xsd):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir(), bad.mkdir()
    (good / "p1.txt").write_text(dump(ZH), encoding="utf-8")
    (bad / "p1.txt").write_bytes(b"")
    code, stdout, err = run_cli("run", bad, good, "-o", tmp_path / "out")
    assert code == 1
    assert "p1.txt" in assert_one_line_errors(err, 1)[0]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good"]
    assert_valid_output(tmp_path / "out" / "good", xsd)
    assert_conserved(good / "p1.txt", tmp_path / "out" / "good")


def test_folder_with_one_bad_page_keeps_good_pages(run_cli, tmp_path, xsd):
    ed = tmp_path / "ed"
    ed.mkdir()
    (ed / "p1.txt").write_text(dump(ZH), encoding="utf-8")
    (ed / "p2.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (ed / "p3.pdf").write_bytes(b"%PDF-1.4\n")
    code, _, err = run_cli("run", ed, "-o", tmp_path / "out")
    assert code == 1
    lines = assert_one_line_errors(err, 2)          # one line per failed input
    assert "p2.txt" in lines[0] and "p3.pdf" in lines[1]
    dest = tmp_path / "out" / "ed"
    assert_valid_output(dest, xsd)
    pages = etree.parse(str(dest / "index.xml")).getroot().findall("page")
    assert [p.get("file") for p in pages] == ["p1.txt"]
    assert hidden_entries(tmp_path / "out") == []


def test_error_per_failed_input(run_cli, tmp_path):
    for n in ("a", "b", "c"):
        (tmp_path / n).mkdir()
    (tmp_path / "a" / "x.txt").write_bytes(b"")
    (tmp_path / "b" / "x.txt").write_bytes(bytes(range(0x80, 0x100)) * 10)
    # folder c holds no page files
    code, _, err = run_cli("run", tmp_path / "a", tmp_path / "b", tmp_path / "c",
                           tmp_path / "missing", "-o", tmp_path / "out")
    assert code == 1
    assert_one_line_errors(err, 4)


def test_error_stays_one_line_for_newline_in_name(run_cli, tmp_path):
    _, out, code, _, err = run_one(run_cli, tmp_path, "bad\nname.txt", b"")
    assert code == 1
    assert_one_line_errors(err, 1)


def test_binary_with_unpaired_nuls(run_cli, tmp_path):
    # e.g. a table of little-endian 16-bit integers 1..255 and 0x0302: every other byte is NUL
    _, out, code, _, err = run_one(run_cli, tmp_path, "table.txt", b"\x00\x01\x02\x03" * 1000)
    assert_failed_cleanly(out, code, err, "table.txt", "binary")


# ----------------------------------------------------------------------------- decodes

def test_utf8_with_bom(run_cli, tmp_path, xsd):
    text = dump(ZH)
    assert_decoded(run_cli, tmp_path, "bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"), text,
                   "utf-8-sig", xsd)


def test_utf16_le_with_bom(run_cli, tmp_path, xsd):
    text = dump(ZH)
    data = b"\xff\xfe" + text.encode("utf-16-le")
    assert_decoded(run_cli, tmp_path, "le.txt", data, text, None, xsd)


def test_utf16_be_with_bom(run_cli, tmp_path, xsd):
    text = dump(ZH)
    data = b"\xfe\xff" + text.encode("utf-16-be")
    assert_decoded(run_cli, tmp_path, "be.txt", data, text, None, xsd)


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_latin(run_cli, tmp_path, xsd, enc):
    text = "Science Funding Rises Again\n\nThe country spent more on research than ever before.\n"
    assert_decoded(run_cli, tmp_path, f"{enc}.txt", text.encode(enc), text, enc, xsd)


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_chinese(run_cli, tmp_path, xsd, enc):
    text = dump(ZH)
    assert_decoded(run_cli, tmp_path, f"zh-{enc}.txt", text.encode(enc), text, enc, xsd)


def test_gb18030_chinese(run_cli, tmp_path, xsd):
    text = dump(ZH)
    assert_decoded(run_cli, tmp_path, "gb.txt", text.encode("gb18030"), text, "gb18030", xsd)


def test_big5_traditional_chinese(run_cli, tmp_path, xsd):
    text = dump(TW)
    assert_decoded(run_cli, tmp_path, "big5.txt", text.encode("big5"), text, "big5", xsd)


# ----------------------------------------------------------------------------- odd content

def test_single_line_of_a_million_characters(run_cli, tmp_path, xsd):
    body = ("研发投入再创新高，" * 111112)[:1_000_000]
    src = tmp_path / "longline.txt"
    src.write_text(body + "\n", encoding="utf-8")
    t = time.perf_counter()
    code, _, err = run_cli("run", src, "-o", tmp_path / "out")
    elapsed = time.perf_counter() - t
    assert code == 0, err
    assert elapsed < 60, f"took {elapsed:.1f} s"  # a hang guard: a quadratic step would take hours
    dest = tmp_path / "out" / "longline"
    assert_valid_output(dest, xsd)
    assert_conserved(src, dest)
    assert_lines_covered(src, dest)


def test_xml_illegal_control_characters(run_cli, tmp_path, xsd):
    """Every XML-illegal control character, injected inside text lines of a real dump: each
    replaced by U+FFFD, counted in <page replaced-controls>, output valid XML."""
    controls = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]]
    assert len(controls) == 29
    lines = SEEDS[2].read_text(encoding="utf-8").split("\n")
    targets = [i for i, ln in enumerate(lines) if len(ln.strip()) > 6]
    for k, c in enumerate(controls):
        i = targets[(k * 7) % len(targets)]
        lines[i] = lines[i][:3] + c + lines[i][3:]
    src = tmp_path / "controls.txt"
    src.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = run_cli("run", src, "-o", tmp_path / "out")
    assert code == 0, err
    dest = tmp_path / "out" / "controls"
    for f in assert_valid_output(dest, xsd):
        data = f.read_bytes()
        assert not any(chr(b) in controls for b in data if b < 0x20 and b not in (9, 10, 13)), f.name
    page = etree.parse(str(dest / "index.xml")).getroot().find("page")
    assert page.get("replaced-controls") == "29"
    before = SEEDS[2].read_text(encoding="utf-8").count("\ufffd")
    after = sum(el.text.count("\ufffd") for f in dest.glob("a*.xml")
                for el in etree.parse(str(f)).iter() if isinstance(el.tag, str) and el.text)
    assert after == before + 29
    assert_conserved(src, dest)
    assert_lines_covered(src, dest)


def test_short_dump_with_one_control_character(run_cli, tmp_path, xsd):
    src, out, code, _, err = run_one(run_cli, tmp_path, "short.txt",
                                     "研发投入再创新高\n\n全社会研发经费\x01投入规模增长。\n".encode("utf-8"))
    assert code == 0, err
    dest = out / "short"
    assert_valid_output(dest, xsd)
    assert etree.parse(str(dest / "index.xml")).getroot().find("page").get("replaced-controls") == "1"
    assert_conserved(src, dest)
