"""Shared helpers for the CLI, bad-input and output-contract tests.

``assert_conserved(input_path, out_edition_dir)`` is the project's conservation standard:
every non-whitespace character of the input ends up in exactly one place of the output.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from segmenter.conservation import (CONSERVED_ATTRS, XML_ILLEGAL_RE, input_pages,  # noqa: F401
                                   input_text, nonspace, output_chars, output_files, pdf_text)
from segmenter.export import schema as _schema

SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").glob("*.txt"))

#: positions of each src item: "12", "12-19", "2:12-19"
_SRC_ITEM_RE = re.compile(r"^(?:(\d+):)?(\d+)(?:-(\d+))?$")


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def xsd():
    return _schema()


@pytest.fixture
def run_cli(capsys):
    """Run ``segmenter.cli.main(argv)`` in-process; return (exit code, stdout, stderr)."""
    from segmenter.cli import main

    def _run(*argv) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return _run


# ----------------------------------------------------------------------------- helpers

def assert_conserved(input_path, out_edition_dir) -> None:
    """The multiset of non-whitespace input characters (XML-illegal ones mapped to U+FFFD)
    equals the multiset of output characters (see :func:`output_chars`).  ``input_path`` is
    one page file, a list of page files or a folder (one edition)."""
    want: Counter = Counter()
    for page in input_pages(input_path):
        want += nonspace(XML_ILLEGAL_RE.sub("\ufffd", input_text(page)))
    got = output_chars(out_edition_dir)
    missing = want - got
    extra = got - want
    if missing or extra:
        def show(c: Counter) -> str:
            return ", ".join(f"{ch!r} (U+{ord(ch):04X}) x{n}" for ch, n in c.most_common(40)) or "none"
        msg = (f"conservation broken for {[p.name for p in input_pages(input_path)]} -> {out_edition_dir}:\n"
               f"  missing from output ({sum(missing.values())}): {show(missing)}\n"
               f"  extra in output ({sum(extra.values())}): {show(extra)}")
        print(msg)
        raise AssertionError(msg)


def src_positions(value: str, default_page: int = 1) -> set[tuple[int, int]]:
    """(page, line) pairs named by a src attribute ("12-19,23" or "2:12-19,3:4")."""
    out: set[tuple[int, int]] = set()
    if not value or value.startswith("p"):
        return out
    for item in value.split(","):
        m = _SRC_ITEM_RE.match(item)
        assert m, f"bad src item {item!r} in {value!r}"
        page = int(m.group(1)) if m.group(1) else default_page
        first = int(m.group(2))
        last = int(m.group(3) or first)
        assert first <= last, f"reversed range in src {value!r}"
        out.update((page, n) for n in range(first, last + 1))
    return out


def covered_lines(out_edition_dir: Path) -> set[tuple[int, int]]:
    """Every (page, line) named by any src / repeated-src attribute of any output file."""
    got: set[tuple[int, int]] = set()
    for f in output_files(out_edition_dir):
        for el in etree.parse(str(f)).getroot().iter():
            if not isinstance(el.tag, str) or el.tag == "join":
                continue
            for name in ("src", "repeated-src"):
                v = el.get(name)
                if v:
                    got |= src_positions(v)
    return got


def assert_lines_covered(input_paths, out_edition_dir) -> None:
    """Every non-blank input line number (of every page, in order) appears in some src."""
    input_paths = input_pages(input_paths)
    covered = covered_lines(out_edition_dir)
    missing = []
    for page, p in enumerate(input_paths, start=1):
        text = input_text(Path(p)).replace("\r\n", "\n").replace("\r", "\n")
        for n, line in enumerate(text.split("\n"), start=1):
            if line.strip() and (page, n) not in covered:
                missing.append((page, n, line[:40]))
    assert not missing, f"input lines not named by any src: {missing[:20]} ({len(missing)} in all)"


def assert_valid_output(out_edition_dir: Path, xsd=None) -> list[Path]:
    """index.xml plus one <id>.xml per listed article, all UTF-8 with an XML declaration and
    valid against the XSD; no other files.  Returns the files."""
    xsd = xsd or _schema()
    d = Path(out_edition_dir)
    assert (d / "index.xml").is_file(), f"no index.xml in {d}"
    index = etree.parse(str(d / "index.xml")).getroot()
    listed = [a.get("file") for a in index.findall("article")]
    ids = [a.get("id") for a in index.findall("article")]
    assert listed == [f"{i}.xml" for i in ids]
    assert sorted(p.name for p in d.iterdir()) == sorted(["index.xml"] + listed)
    files = output_files(d)
    for f in files:
        data = f.read_bytes()
        assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") or \
            data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), f"{f.name}: no XML declaration"
        data.decode("utf-8")  # strictly UTF-8
        doc = etree.parse(str(f))
        assert xsd.validate(doc), f"{f.name}: {xsd.error_log}"
    for i in ids:
        art = etree.parse(str(d / f"{i}.xml")).getroot()
        assert art.tag == "article" and art.get("id") == i
        assert art.get("edition") == index.get("name")
    return files


def read_all(out_dir: Path) -> dict[str, bytes]:
    """Relative path → bytes of every file below out_dir."""
    d = Path(out_dir)
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def hidden_entries(out_dir: Path) -> list[str]:
    d = Path(out_dir)
    return sorted(p.name for p in d.iterdir() if p.name.startswith(".")) if d.is_dir() else []


def assert_one_line_errors(err: str, n: int, prefix: str = "segmenter: error:") -> list[str]:
    """stderr is exactly n lines, each starting with prefix, and holds no traceback."""
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == n, f"expected {n} stderr line(s), got: {err!r}"
    for ln in lines:
        assert ln.startswith(prefix), ln
        assert "internal error" not in ln, ln
    return lines
