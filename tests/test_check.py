"""``segmenter check OUT/NAME``: schema and conservation of hand-edited output, with precise
reports; the placement rules of segmenter/conservation.py and their pinned constants."""

from __future__ import annotations

import copy
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from conftest import SEEDS, assert_one_line_errors
from segmenter.cli import main
from segmenter.conservation import (COPY_MAX_FREE_SHARE, DUP_RUN_CHARS, MIN_PIECE_CHARS,
                                    InputText, Piece, _free_share, locate)

SEED = SEEDS[0]


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(SEED), "-o", str(out)]) == 0
    return out / SEED.stem


@pytest.fixture
def edition(seed_out, tmp_path) -> Path:
    """A fresh copy of the seed's output edition to edit by hand."""
    d = tmp_path / SEED.stem
    shutil.copytree(seed_out, d)
    return d


def load(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def save(tree: etree._ElementTree, path: Path) -> None:
    tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def body_ps(tree) -> list:
    return tree.getroot().find("body").findall("p")


def test_untouched_output_is_ok(seed_out, run_cli):
    code, out, err = run_cli("check", seed_out)
    assert code == 0 and err == ""
    assert out.startswith(f"{seed_out}: ok: 5 files valid, all ")
    assert "input characters present exactly once" in out


def test_moved_paragraph_is_ok(edition, run_cli):
    a2, a3 = load(edition / "a02.xml"), load(edition / "a03.xml")
    p = body_ps(a2)[1]
    a3.getroot().find("body").append(p)   # moves it (lxml elements have one parent)
    save(a2, edition / "a02.xml")
    save(a3, edition / "a03.xml")
    code, out, _ = run_cli("check", edition)
    assert code == 0, out
    assert ": ok:" in out


def test_deleted_paragraph_reports_missing_with_lines(edition, run_cli):
    a2 = load(edition / "a02.xml")
    p = body_ps(a2)[1]
    first, _, last = p.get("src").partition("-")
    text = "".join(p.text.split())
    p.getparent().remove(p)
    save(a2, edition / "a02.xml")
    code, out, _ = run_cli("check", edition)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{edition}: problems: {len(text)} character(s) missing"
    assert lines[1] == (f'missing {len(text)} char(s) "{text[:39]}…" from {SEED.name} page 1 '
                        f"lines {first}-{last}")
    assert len(lines) == 2


def test_duplicated_paragraph_reports_both_places(edition, run_cli):
    a2, a3 = load(edition / "a02.xml"), load(edition / "a03.xml")
    p = body_ps(a2)[2]
    a3.getroot().find("body").append(copy.deepcopy(p))
    save(a3, edition / "a03.xml")
    copy_line = body_ps(load(edition / "a03.xml"))[-1].sourceline
    text = "".join(p.text.split())
    code, out, _ = run_cli("check", edition)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{edition}: problems: {len(text)} duplicated"
    assert lines[1] == (f'duplicated {len(text)} char(s) "{text[:39]}…" at a03.xml:{copy_line} <p> '
                        f"(already at a02.xml:{p.sourceline} <p>)")


def test_deleted_and_duplicated_sharing_words(edition, run_cli):
    """A paragraph deleted in a02 and another duplicated into a03 share words and dates
    ("全社会研发经费投入", "2.68%"): the copy is reported whole as a copy and the deleted
    paragraph whole as missing (DUP_RUN_CHARS / COPY_MAX_FREE_SHARE)."""
    a2, a3 = load(edition / "a02.xml"), load(edition / "a03.xml")
    ps = body_ps(a2)
    gone, dup = ps[1], ps[2]
    assert "全社会研发经费投入" in gone.text and "全社会研发经费投入" in dup.text
    a3.getroot().find("body").append(copy.deepcopy(dup))
    gone.getparent().remove(gone)
    save(a2, edition / "a02.xml")
    save(a3, edition / "a03.xml")
    code, out, _ = run_cli("check", edition)
    assert code == 1
    lines = out.splitlines()
    n_gone, n_dup = len("".join(gone.text.split())), len("".join(dup.text.split()))
    assert lines[0] == f"{edition}: problems: {n_gone} character(s) missing, {n_dup} duplicated"
    assert lines[1].startswith(f"missing {n_gone} char(s)") and lines[2].startswith(f"duplicated {n_dup} char(s)")
    assert len(lines) == 3


def test_changed_character_is_missing_and_not_in_input(edition, run_cli):
    a1 = load(edition / "a01.xml")
    h = a1.getroot().find("head/headline")
    old = h.text
    h.text = old.replace("推进", "推动")
    save(a1, edition / "a01.xml")
    code, out, _ = run_cli("check", edition)
    assert code == 1
    assert 'missing 1 char(s) "进"' in out
    # 动 is in the input, but every copy of it is used: one more than the input has
    assert f'extra 1 char(s) "动" at a01.xml:{h.sourceline} <headline> (the input has no more of it)' in out
    h.text = old.replace("推进", "推⿰")
    save(a1, edition / "a01.xml")
    assert f'not in the input: 1 char(s) "⿰" at a01.xml:{h.sourceline} <headline>' in run_cli("check", edition)[1]


def test_schema_invalid_reports_file_and_line(edition, run_cli):
    a2 = load(edition / "a02.xml")
    body = a2.getroot().find("body")
    bogus = etree.SubElement(body, "bogus")
    save(a2, edition / "a02.xml")
    line = load(edition / "a02.xml").getroot().find("body/bogus").sourceline
    code, out, _ = run_cli("check", edition)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{edition}: problems: 1 XML/structure problem(s)"
    assert lines[1].startswith(f"a02.xml:{line}: schema: Element 'bogus': This element is not expected")
    del bogus


def test_malformed_xml_reports_line_and_skips_conservation(edition, run_cli):
    text = (edition / "a03.xml").read_text(encoding="utf-8")
    assert "</p>" in text
    (edition / "a03.xml").write_text(text.replace("</p>", "", 1), encoding="utf-8")   # unclosed <p>
    code, out, _ = run_cli("check", edition)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (f"{edition}: problems: 1 XML/structure problem(s), "
                        "conservation not checked (fix the XML first)")
    assert lines[1].startswith("a03.xml:") and ": xml: " in lines[1]


def test_unlisted_and_missing_article_files(edition, run_cli):
    shutil.copy(edition / "a04.xml", edition / "a09.xml")
    (edition / "a03.xml").unlink()
    code, out, _ = run_cli("check", edition)
    assert code == 1
    assert "index.xml:" in out and "lists 'a03.xml', which is not in the folder" in out
    assert "a09.xml: structure: not listed in index.xml" in out
    assert "a09.xml:2: structure: id 'a04' does not match the file name" in out


def test_split_article_in_two_is_ok(edition, run_cli):
    """A reviewer splits a04 after its third paragraph into a new article a05."""
    a4 = load(edition / "a04.xml")
    ps = body_ps(a4)
    new = etree.Element("article", id="a05", edition=a4.getroot().get("edition"))
    body = etree.SubElement(new, "body")
    for p in ps[3:]:
        body.append(p)
    save(a4, edition / "a04.xml")
    save(etree.ElementTree(new), edition / "a05.xml")
    index = load(edition / "index.xml")
    etree.SubElement(index.getroot(), "article", id="a05", file="a05.xml", page="1")
    # keep the schema's order: article entries before the non-article blocks
    entries = index.getroot().findall("article")
    entries[-2].addnext(entries[-1])
    save(index, edition / "index.xml")
    code, out, _ = run_cli("check", edition)
    assert code == 0, out


# ----------------------------------------------------------------------------- finding the input

def test_input_found_by_source_when_path_is_gone(seed_out, tmp_path, run_cli):
    ed = tmp_path / "ed"
    shutil.copytree(seed_out, ed)
    index = load(ed / "index.xml")
    page = index.getroot().find("page")
    assert page.get("path") == str(SEED) and len(page.get("sha256")) == 64
    page.set("path", str(tmp_path / "gone.txt"))
    save(index, ed / "index.xml")
    code, _, err = run_cli("check", ed)
    assert code == 2
    assert "give it with --source" in assert_one_line_errors(err, 1)[0]
    assert run_cli("check", ed, "--source", SEED)[0] == 0
    assert run_cli("check", ed, "--source", SEED.parent)[0] == 0


def test_changed_input_is_refused(seed_out, tmp_path, run_cli):
    changed = tmp_path / SEED.name
    changed.write_bytes(SEED.read_bytes() + "多".encode())
    code, _, err = run_cli("check", seed_out, "--source", changed)
    assert code == 2
    assert "input changed since the run" in assert_one_line_errors(err, 1)[0]


def test_bad_inputs_exit_2(tmp_path, run_cli):
    (tmp_path / "plain").mkdir()
    for d, what in ((tmp_path / "missing", "no such folder"), (tmp_path / "plain", "no index.xml")):
        code, out, err = run_cli("check", d)
        assert code == 2 and out == ""
        assert what in assert_one_line_errors(err, 1)[0]


def test_pdf_output_checked_against_pdf(tmp_path, run_cli):
    assert main(["synth", "--pages", "1", "--seed", "5", "-o", str(tmp_path / "s")]) == 0
    assert main(["run", str(tmp_path / "s" / "edition.pdf"), "-o", str(tmp_path / "o")]) == 0
    ed = tmp_path / "o" / "edition"
    assert run_cli("check", ed)[0] == 0
    files = sorted(ed.glob("a*.xml"))
    t = load(files[0])
    p = t.getroot().find("body/p")
    text = "".join(p.text.split())
    p.getparent().remove(p)
    save(t, files[0])
    code, out, _ = run_cli("check", ed)
    assert code == 1
    assert out.splitlines()[0].endswith(f"{len(text)} character(s) missing")
    assert "from edition.pdf page 1 box " in out


# ----------------------------------------------------------------------------- placement rules

def _inp(text: str) -> InputText:
    inp = InputText()
    inp.add_text(text, 1)
    inp.files[1] = "in.txt"
    return inp


def _pieces(*texts: str) -> list[Piece]:
    return [Piece(t, "a.xml", k + 1, "<p>") for k, t in enumerate(texts)]


def han(start: int, n: int) -> str:
    return "".join(chr(0x4E00 + start + k) for k in range(n))


def test_exact_counts_without_explain():
    """Without explain, missing and extra counts are exactly the multiset differences."""
    rng = random.Random(4)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    for _ in range(30):
        text = "".join(rng.choice(alphabet) for _ in range(300))
        cuts = sorted(rng.sample(range(1, 300), 12))
        parts = [text[a:b] for a, b in zip([0] + cuts, cuts + [300])]
        rng.shuffle(parts)
        parts[0] = parts[0][2:] + "".join(rng.choice(alphabet) for _ in range(3))  # damage
        parts.append(parts[1][:7])                                                  # a copy
        pl = locate(_inp(text), _pieces(*parts), explain=False)
        want, got = Counter(text), Counter("".join(parts))
        assert Counter("".join(m.text for m in pl.missing)) == want - got
        assert Counter("".join(e.text for e in pl.extra)) == got - want


def test_min_piece_chars_pinned():
    assert MIN_PIECE_CHARS == 4
    s = "甲乙丙丁" + "戊己庚"
    used = bytearray(len(s))
    assert _free_share(s, used, "甲乙丙丁") == 1.0       # a free run of 4 counts
    assert _free_share(s, used, "戊己庚辛") == 0.0       # a free run of 3 does not


@pytest.mark.parametrize("n, copy_reported", [(DUP_RUN_CHARS - 1, False), (DUP_RUN_CHARS, True)])
def test_dup_run_chars_edge(n, copy_reported):
    """Input X + Y, where Y starts with X's first 3 characters; output X, X (Y deleted).
    A copy of n >= DUP_RUN_CHARS characters is reported whole; a shorter one is placed on
    the free characters it shares with Y."""
    assert DUP_RUN_CHARS == 8
    x = han(0, n)
    y = x[:3] + han(500, 20)
    pl = locate(_inp(x + "\n" + y), _pieces(x, x))
    assert [e.text for e in pl.extra] == ([x] if copy_reported else [x[3:]])
    assert [m.text for m in pl.missing] == ([y] if copy_reported else [y[3:]])


@pytest.mark.parametrize("shared, copy_reported", [(9, True), (10, False)])
def test_copy_max_free_share_edge(shared, copy_reported):
    """X has 20 characters; Y (free) starts with X's first ``shared`` ones: free text covers
    shared / 20 of the copy; below COPY_MAX_FREE_SHARE (0.5) it is a copy."""
    assert COPY_MAX_FREE_SHARE == 0.5
    x = han(0, 20)
    y = x[:shared] + han(500, 20)
    pl = locate(_inp(x + "\n" + y), _pieces(x, x))
    if copy_reported:
        assert [e.text for e in pl.extra] == [x] and pl.extra[0].duplicate
        assert [m.text for m in pl.missing] == [y]
    else:
        assert [e.text for e in pl.extra] == [x[shared:]]
        assert [m.text for m in pl.missing] == [y[shared:]]
