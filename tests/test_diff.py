"""``segmenter diff OLD NEW``: each kind of change, exit codes, --json, --html, bad input, and
the pinned thresholds of segmenter/diffing.py.  Editions are small hand-built output folders
(valid against the schema), so the tests stay fast; bench_diff.py does 24 pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from conftest import assert_one_line_errors
from segmenter import diffing
from segmenter.diffing import (CONTEXT_CHARS, INLINE_MIN, MIN_EQUAL_CHARS, PART_MIN, SAME_MIN,
                               SHINGLE_CHARS, char_ops, diff_outputs, marked)
from segmenter.export import schema


def han(start: int, n: int) -> str:
    """n distinct CJK characters (no repeated shingles, so shares are exact)."""
    return "".join(chr(0x4E00 + start + k) for k in range(n))


def write_edition(d: Path, articles: list[tuple[str, str, list[str]]],
                  blocks: list[tuple[str, str]] = (), name: str = "ed") -> Path:
    """An output edition folder: articles (id, headline, paragraphs), index blocks
    (kind, text) with kind fragment, figure (caption) or masthead."""
    d.mkdir(parents=True, exist_ok=True)
    index = etree.Element("edition", name=name, version="1")
    etree.SubElement(index, "page", n="1", file="p.txt", kind="text", lines="1")
    for aid, headline, paras in articles:
        etree.SubElement(index, "article", id=aid, file=f"{aid}.xml", page="1")
        art = etree.Element("article", id=aid, edition=name)
        if headline:
            etree.SubElement(etree.SubElement(art, "head"), "headline", src="1").text = headline
        body = etree.SubElement(art, "body")
        for t in paras:
            etree.SubElement(body, "p", src="1").text = t
        (d / f"{aid}.xml").write_bytes(etree.tostring(art, xml_declaration=True, encoding="UTF-8",
                                                      pretty_print=True))
    for kind, text in blocks:
        if kind == "figure":
            etree.SubElement(etree.SubElement(index, "figure"), "caption", src="1").text = text
        elif kind == "masthead":
            etree.SubElement(etree.SubElement(index, "masthead", src="1"), "line", src="1").text = text
        else:
            etree.SubElement(index, kind, src="1").text = text
    (d / "index.xml").write_bytes(etree.tostring(index, xml_declaration=True, encoding="UTF-8",
                                                 pretty_print=True))
    xsd = schema()
    for f in d.glob("*.xml"):
        assert xsd.validate(etree.parse(str(f))), (f, xsd.error_log)
    return d


A = ("a01", "零碳园区建设", [han(0, 40), han(40, 30), han(70, 25)])
B = ("a02", "创新中心", [han(100, 50), han(150, 20)])
C = ("a03", "量子计算", [han(200, 35)])
D = ("a04", "", [han(300, 30), han(330, 30)])


def counts(old: Path, new: Path) -> dict:
    return diff_outputs(old, new).to_dict()["summary"]


# ----------------------------------------------------------------------------- kinds

def test_identical_exit_0(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A, B, C], [("fragment", han(500, 8))])
    new = write_edition(tmp_path / "new", [A, B, C], [("fragment", han(500, 8))])
    code, out, err = run_cli("diff", old, new)
    assert code == 0 and err == ""
    assert out.splitlines()[0].startswith("identical: articles: 3 unchanged, 0 changed")
    assert len(out.splitlines()) == 1


def test_renumbered_articles_are_unchanged(tmp_path, run_cli):
    """Matching is by text: a new article at the top renumbers the others, nothing else."""
    old = write_edition(tmp_path / "old", [A, B])
    new = write_edition(tmp_path / "new", [("a01", "新文章", [han(600, 30)]),
                                           ("a02",) + A[1:], ("a03",) + B[1:]])
    s = counts(old, new)
    assert (s["unchanged"], s["added"], s["changed"], s["removed"]) == (2, 1, 0, 0)
    code, out, _ = run_cli("diff", old, new)
    assert code == 1
    assert "added a01 「新文章」" in out


def test_changed_cjk_character_level(tmp_path, run_cli):
    para = "我国研发投入再创新高，2024年全社会研发经费投入规模比十三五末增长近百分之五十，增量达到一万二千亿元。"
    edited = para.replace("再创新高", "又创新高")
    old = write_edition(tmp_path / "old", [("a01", "研发投入", [han(0, 30), para, han(40, 30)])])
    new = write_edition(tmp_path / "new", [("a01", "研发投入", [han(0, 30), edited, han(40, 30)])])
    code, out, _ = run_cli("diff", old, new)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("different: articles: 0 unchanged, 1 changed")
    assert lines[1].startswith("changed a01 「研发投入」 (similarity")
    assert lines[2] == "@@ -2,3 +2,3 @@"   # items: headline, p, p, p; context 1
    assert lines[3] == f"  p: {han(0, 30)}"
    change = [ln for ln in lines if ln.startswith("~ ")]
    assert change == ["~ p: 我国研发投入[-再-]{+又+}创新高，2024年全社会研发经费投入规模…"]
    assert f"  p: {han(40, 30)}" in lines
    d = diff_outputs(old, new).to_dict()
    hunk = d["editions"][0]["articles"][0]["hunks"][0]
    ch = [ln for ln in hunk["lines"] if ln["op"] == "change"][0]
    assert ch["old"] == para and ch["new"] == edited
    assert ["change", "再", "又"] in ch["chars"]
    assert "".join(c[1] for c in ch["chars"]) == para
    assert "".join(c[2] for c in ch["chars"]) == edited


def test_changed_headline_and_deleted_paragraph(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A])
    new = write_edition(tmp_path / "new", [("a01", "零碳园区建设提速", A[2][:2])])
    code, out, _ = run_cli("diff", old, new)
    assert code == 1
    assert "~ headline: 零碳园区建设{+提速+}" in out
    assert f"- p: {A[2][2]}" in out


def test_split(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A, B])
    new = write_edition(tmp_path / "new", [("a01", A[1], A[2][:1]), ("a02", "", A[2][1:]),
                                           ("a03",) + B[1:]])
    s = counts(old, new)
    assert (s["split"], s["unchanged"], s["added"], s["removed"], s["changed"]) == (1, 1, 0, 0, 0)
    code, out, _ = run_cli("diff", old, new)
    assert code == 1
    assert "split a01 「零碳园区建设」 -> a01 「零碳园区建设」, a02" in out
    art = diff_outputs(old, new).to_dict()["editions"][0]["articles"]
    split = [a for a in art if a["kind"] == "split"][0]
    assert split["old"] == ["a01"] and split["new"] == ["a01", "a02"]
    assert split["hunks"] == []   # the parts hold exactly the old text


def test_merged(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A, B, C])
    new = write_edition(tmp_path / "new", [("a01", A[1], A[2] + B[2]), C])
    s = counts(old, new)
    assert (s["merged"], s["unchanged"], s["added"], s["removed"]) == (1, 1, 0, 0)
    code, out, _ = run_cli("diff", old, new)
    assert "merged a01 「零碳园区建设」, a02 「创新中心」 -> a01 「零碳园区建设」" in out
    # the merge dropped B's headline: shown in the merged article's diff
    assert "- headline: 创新中心" in out


def test_added_and_removed(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A, B, C])
    new = write_edition(tmp_path / "new", [A, C, D])
    s = counts(old, new)
    assert (s["unchanged"], s["added"], s["removed"]) == (2, 1, 1)
    _, out, _ = run_cli("diff", old, new)
    assert "removed a02 「创新中心」" in out and "added a04" in out


def test_blocks_moved_in_out_added_removed(tmp_path, run_cli):
    frag, cap, mast, new_frag = han(700, 12), han(720, 15), han(740, 6), han(760, 9)
    old = write_edition(tmp_path / "old", [("a01", A[1], A[2] + [frag]), B],
                        [("figure", cap), ("masthead", mast)])
    # the fragment moved out of a01 into index.xml, the caption moved into a02, the masthead
    # is gone and another fragment is new
    new = write_edition(tmp_path / "new", [A, ("a02", B[1], B[2] + [cap])],
                        [("fragment", frag), ("fragment", new_frag)])
    s = counts(old, new)
    assert (s["blocks_moved_in"], s["blocks_moved_out"], s["blocks_added"], s["blocks_removed"]) \
        == (1, 1, 1, 1)
    code, out, _ = run_cli("diff", old, new)
    assert code == 1
    assert f'block moved in: figure "{cap}" -> article a02' in out
    assert f'block moved out: fragment "{frag}" <- article a01' in out
    assert f'block removed: masthead "{mast}"' in out
    assert f'block added: fragment "{new_frag}"' in out


def test_only_blocks_differ_is_different(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A], [("fragment", han(800, 5))])
    new = write_edition(tmp_path / "new", [A])
    code, out, _ = run_cli("diff", old, new)
    assert code == 1 and out.startswith("different:")


# ----------------------------------------------------------------------------- folders

def test_folders_of_editions_paired_by_name(tmp_path, run_cli):
    write_edition(tmp_path / "old" / "e1", [A], name="e1")
    write_edition(tmp_path / "old" / "e2", [B], name="e2")
    write_edition(tmp_path / "new" / "e1", [A], name="e1")
    write_edition(tmp_path / "new" / "e2", [B], name="e2")
    code, out, _ = run_cli("diff", tmp_path / "old", tmp_path / "new")
    assert code == 0 and out.startswith("identical:")
    write_edition(tmp_path / "new" / "e3", [C], name="e3")
    code, out, _ = run_cli("diff", tmp_path / "old", tmp_path / "new")
    assert code == 1
    assert "editions: 1 added, 0 removed" in out.splitlines()[0]
    assert "=== edition e3: added" in out
    # one edition folder against a folder of editions: the one of the same name
    code, out, _ = run_cli("diff", tmp_path / "old" / "e2", tmp_path / "new")
    assert code == 0


def test_output_is_deterministic(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A, B, C])
    new = write_edition(tmp_path / "new", [("a01", A[1], A[2][:1]), ("a02", "", A[2][1:]), D])
    outs = {run_cli("diff", old, new, "--json")[1] for _ in range(3)}
    assert len(outs) == 1
    run_cli("diff", old, new, "--html", tmp_path / "1.html")
    run_cli("diff", old, new, "--html", tmp_path / "2.html")
    assert (tmp_path / "1.html").read_bytes() == (tmp_path / "2.html").read_bytes()


# ----------------------------------------------------------------------------- --json, --html

def test_json_schema(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A, B, C])
    new = write_edition(tmp_path / "new", [("a01", A[1], [A[2][0] + "改", *A[2][1:]]), B, D])
    code, out, _ = run_cli("diff", old, new, "--json")
    assert code == 1
    d = json.loads(out)
    assert set(d) == {"old", "new", "identical", "summary", "editions"}
    assert d["identical"] is False
    assert set(d["summary"]) == {"unchanged", "changed", "split", "merged", "added", "removed",
                                 "blocks_moved_in", "blocks_moved_out", "blocks_added",
                                 "blocks_removed", "editions_added", "editions_removed"}
    (ed,) = d["editions"]
    assert set(ed) == {"name", "status", "old", "new", "summary", "articles", "blocks"}
    kinds = sorted(a["kind"] for a in ed["articles"])
    assert kinds == ["added", "changed", "removed", "unchanged"]
    for a in ed["articles"]:
        assert set(a) == {"kind", "old", "new", "headline", "similarity", "hunks"}
    ch = [a for a in ed["articles"] if a["kind"] == "changed"][0]
    line = [ln for ln in ch["hunks"][0]["lines"] if ln["op"] != "equal"][0]
    assert set(line) == {"op", "old_index", "new_index", "kind", "old", "new", "chars"}
    assert line["chars"][-1] == ["change", "", "改"]


def test_html_side_by_side(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A, B, C], [("fragment", han(800, 6))])
    new = write_edition(tmp_path / "new", [("a01", A[1], A[2][:1]), ("a02", "", A[2][1:]),
                                           ("a03", B[1], [B[2][0][:10] + "改" + B[2][0][11:], B[2][1]])])
    dest = tmp_path / "d.html"
    code, out, _ = run_cli("diff", old, new, "--html", dest)
    assert code == 1 and out.startswith("different:")
    html = dest.read_text(encoding="utf-8")
    doc = etree.HTML(html)
    kinds = [s.get("data-kind") for s in doc.iter("section")]
    assert kinds == ["changed", "split", "removed", "blocks"]   # ARTICLE_KINDS order
    assert len(doc.xpath("//section[@data-kind='changed']//del")) == 1
    assert doc.xpath("//section[@data-kind='changed']//ins")[0].text == "改"
    # self-contained: no external reference of any kind
    for el in doc.iter():
        for attr in ("src", "href"):
            assert not (el.get(attr) or "").startswith(("http", "//")), el.get(attr)
    assert "default-src 'none'" in html
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_html_unwritable_is_one_line_exit_2(tmp_path, run_cli):
    old = write_edition(tmp_path / "old", [A])
    code, out, err = run_cli("diff", old, old, "--html", tmp_path / "no" / "such" / "d.html")
    assert code == 2
    assert_one_line_errors(err, 1)


# ----------------------------------------------------------------------------- bad input

def test_bad_inputs_exit_2_one_line(tmp_path, run_cli):
    good = write_edition(tmp_path / "good", [A])
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.txt").write_text("x")
    bad = write_edition(tmp_path / "bad", [A])
    (bad / "a01.xml").write_text("<article id='a01'><body><p>unclosed</body></article>")
    listed = write_edition(tmp_path / "listed", [A])
    (listed / "a01.xml").unlink()
    for old, new, what in ((tmp_path / "missing", good, "no such folder"),
                           (good, tmp_path / "empty", "not an output folder"),
                           (good, tmp_path / "file.txt", "not a folder"),
                           (good, bad, "malformed XML"),
                           (listed, good, "not in the folder")):
        code, out, err = run_cli("diff", old, new)
        assert code == 2 and out == "", (what, out)
        (line,) = assert_one_line_errors(err, 1)
        assert what in line, (what, line)


def test_ambiguous_pairing_exit_2(tmp_path, run_cli):
    write_edition(tmp_path / "many" / "e1", [A], name="e1")
    write_edition(tmp_path / "many" / "e2", [B], name="e2")
    one = write_edition(tmp_path / "one", [A], name="one")
    code, _, err = run_cli("diff", one, tmp_path / "many")
    assert code == 2
    assert "give both edition folders" in assert_one_line_errors(err, 1)[0]


# ----------------------------------------------------------------------------- thresholds

def test_shingle_chars_pinned():
    assert SHINGLE_CHARS == 3
    assert diffing._shingles("甲乙丙丁") == frozenset({"甲乙丙", "乙丙丁"})
    assert diffing._shingles("甲乙") == frozenset({"甲乙"})


def _pair(tmp_path, keep: int, total: int = 200):
    """Old: one article of ``total`` distinct characters; new: its first ``keep`` characters
    and ``total - keep`` new ones.  Shared shingles (keep - 2) over total - 2."""
    old = write_edition(tmp_path / f"o{keep}", [("a01", "", [han(0, total)])])
    new = write_edition(tmp_path / f"n{keep}", [("a01", "", [han(0, keep) + han(1000, total - keep)])])
    return counts(old, new)


def test_same_min_edge(tmp_path):
    assert SAME_MIN == 0.5
    # (101 - 2) / 198 = 0.5 exactly: the same article, changed
    s = _pair(tmp_path, 101)
    assert (s["changed"], s["added"], s["removed"]) == (1, 0, 0)
    # (100 - 2) / 198 = 0.495: a removed and an added article
    s = _pair(tmp_path, 100)
    assert (s["changed"], s["added"], s["removed"]) == (0, 1, 1)


def test_part_min_edge(tmp_path):
    assert PART_MIN == 0.8
    # old a01 = P + Q; new a01 = P and new a02 = Q + ``tail`` new characters.  a02 has
    # 48 + tail shingles, 48 of them old: 48 / 60 = 0.8 is a part of a01 (a split),
    # 48 / 61 = 0.787 is not (a02 is added, a01 changed)
    p, q = han(0, 100), han(100, 50)
    old = write_edition(tmp_path / "o", [("a01", "", [p, q])])
    for tail, kind in ((12, "split"), (13, "added")):
        new = write_edition(tmp_path / f"n{tail}", [("a01", "", [p]), ("a02", "", [q + han(2000, tail)])])
        s = counts(old, new)
        assert s[kind] == 1, (tail, s)
        assert s["split" if kind == "added" else "added"] == 0


def test_inline_min_edge():
    assert INLINE_MIN == 0.5
    a = diffing.Item("p", han(0, 10))
    # Indel similarity = 2 * common / (len a + len b): 5 common of 10 + 10 -> 0.5
    assert diffing._similar(a, diffing.Item("p", han(0, 5) + han(500, 5)))
    assert not diffing._similar(a, diffing.Item("p", han(0, 4) + han(500, 6)))
    assert not diffing._similar(a, diffing.Item("h", han(0, 10)))


def test_min_equal_chars_folds_single_equal_characters():
    assert MIN_EQUAL_CHARS == 2
    ops = char_ops("甲乙丙", "丁乙戊")
    assert [(c.op, c.old, c.new) for c in ops] == [("change", "甲乙丙", "丁乙戊")]
    ops = char_ops("甲乙乙丙", "丁乙乙戊")   # an equal run of 2 stays
    assert [c.op for c in ops] == ["change", "equal", "change"]


def test_context_chars_clips_long_equal_runs():
    assert CONTEXT_CHARS == 20
    a = han(0, 60) + "旧" + han(100, 60)
    b = han(0, 60) + "新" + han(100, 60)
    m = marked(char_ops(a, b))
    assert m == "…" + han(40, 20) + "[-旧-]{+新+}" + han(100, 20) + "…"


@pytest.mark.parametrize("n", [CONTEXT_CHARS, CONTEXT_CHARS + 1])
def test_short_equal_runs_not_clipped(n):
    a = han(0, n) + "旧"
    assert marked(char_ops(a, han(0, n) + "新")) == han(0, n) + "[-旧-]{+新+}"
