"""The output contract: OUTDIR/NAME/index.xml + <id>.xml per article, valid against the XSD,
UTF-8 with a declaration, deterministic, written whole or not at all, conserving every
non-whitespace input character; and the public API ``segmenter.segment``."""

from __future__ import annotations

import pathlib
import shutil
from pathlib import Path

import pytest
from lxml import etree

import segmenter
from conftest import (SEEDS, assert_conserved, assert_lines_covered, assert_one_line_errors,
                      assert_valid_output, hidden_entries, read_all)
from segmenter.cli import main
from segmenter.containers import Article, Edition, NonArticle, Page
from segmenter.export import render

SMALL = {
    "markdown.md": "# 大标题：研发投入再创新高\n\n## 小标题\n\n本报讯 **记者** 张伟 报道，研发投入再创新高。\n\n"
                   "- 第一条 内容\n- 第二条 内容\n\n---\n\n正文第二段，继续说明情况。  \n下一行\n",
    "latin.txt": "Big Headline Here\n\nThe quick brown fox jumps over the lazy dog and keeps run-\n"
                 "ning far away from home today.\n\nSecond paragraph of text.\n",
    "jumps.txt": "我国正大步迈向全球创新中心\n▲▲ 上接第1版\n\n研发投入再创新高，全社会研发经费投入规模增长。\n\n"
                 "企业是研发投入高增长的主要力量。\n（下转第3版）\n",
    "repeated.txt": "三部门发通知推进零碳园区建设\n\n三部门发通知推进零碳园区建设\n\n"
                    "本报讯 国家发展改革委等三部门近日印发通知。\n",
    "crlf.txt": "科技园区建设提速\r\n\r\n本报讯 国家高新区坚持发展高科技。\r\n\r\n实现产业化。\r\n",
}


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory):
    """Every seed run alone, and all seeds as one 3-page edition (a folder), twice each into
    two separate output folders."""
    base = tmp_path_factory.mktemp("seedruns")
    ed = base / "allseeds"
    ed.mkdir()
    for s in SEEDS:
        shutil.copy(s, ed / s.name)
    outs = []
    for k in (1, 2):
        out = base / f"out{k}"
        for s in SEEDS:
            assert main(["run", str(s), "-o", str(out)]) == 0
        assert main(["run", str(ed), "-o", str(out)]) == 0
        outs.append(out)
    return ed, outs


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed_output_valid_conserved_and_covered(seed_runs, seed, xsd):
    _, (out, _) = seed_runs
    dest = out / seed.stem
    assert_valid_output(dest, xsd)
    assert_conserved(seed, dest)
    assert_lines_covered(seed, dest)
    # one page: src is plain line numbers, never "page:lines"
    for f in dest.glob("*.xml"):
        for el in etree.parse(str(f)).iter():
            if isinstance(el.tag, str) and el.get("src"):
                assert ":" not in el.get("src"), (f.name, el.get("src"))


def test_multi_page_edition_valid_conserved_and_covered(seed_runs, xsd):
    ed, (out, _) = seed_runs
    dest = out / "allseeds"
    assert_valid_output(dest, xsd)
    pages = etree.parse(str(dest / "index.xml")).getroot().findall("page")
    assert [p.get("file") for p in pages] == [s.name for s in SEEDS]
    assert_conserved(ed, dest)
    assert_lines_covered(sorted(ed.glob("*.txt")), dest)
    for f in dest.glob("*.xml"):
        for el in etree.parse(str(f)).iter():
            if isinstance(el.tag, str) and el.get("src"):
                assert all(":" in item for item in el.get("src").split(",")), el.get("src")


def test_deterministic_byte_identical(seed_runs):
    _, (out1, out2) = seed_runs
    a, b = read_all(out1), read_all(out2)
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs"
    # and a third run into the same folder reproduces the same bytes
    s = SEEDS[2]
    assert main(["run", str(s), "-o", str(out1)]) == 0
    assert read_all(out1) == a


def test_success_leaves_no_hidden_entries(seed_runs):
    _, outs = seed_runs
    for out in outs:
        assert hidden_entries(out) == []


@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_inputs_valid_conserved_and_covered(run_cli, tmp_path, xsd, name):
    src = tmp_path / name
    src.write_bytes(SMALL[name].encode("utf-8"))
    code, _, err = run_cli("run", src, "-o", tmp_path / "out")
    assert code == 0, err
    dest = tmp_path / "out" / src.stem
    assert_valid_output(dest, xsd)
    assert_conserved(src, dest)
    assert_lines_covered(src, dest)


def test_soft_hyphen_counted(tmp_path):
    """The Latin line-end hyphen removed by de-hyphenation is recorded (the helper counts it)."""
    src = tmp_path / "latin.txt"
    src.write_text(SMALL["latin.txt"], encoding="utf-8")
    ed = segmenter.segment(src)
    files = render(ed)
    assert any(b'soft-hyphens="1"' in data for data in files.values())
    assert any("running" in data.decode() for data in files.values())


def test_assert_conserved_detects_loss(tmp_path):
    """The helper itself: a dropped character and an added one are both reported."""
    src = tmp_path / "t.txt"
    src.write_text("标题\n\n正文内容。\n", encoding="utf-8")
    dest = tmp_path / "out" / "t"
    assert main(["run", str(src), "-o", str(tmp_path / "out")]) == 0
    assert_conserved(src, dest)
    f = next(dest.glob("a*.xml"))
    f.write_bytes(f.read_bytes().replace("正文".encode(), "正X".encode()))
    with pytest.raises(AssertionError, match=r"(?s)missing from output \(1\): '文'.*extra in output \(1\): 'X'"):
        assert_conserved(src, dest)


def test_rerun_replaces_edition_folder_whole(run_cli, tmp_path, xsd):
    seed = SEEDS[1]
    dest = tmp_path / "out" / seed.stem
    dest.mkdir(parents=True)
    (dest / "a99.xml").write_text("<stale/>")
    (dest / "notes.txt").write_text("stale")
    code, _, err = run_cli("run", seed, "-o", tmp_path / "out")
    assert code == 0, err
    assert_valid_output(dest, xsd)               # exactly index.xml + listed articles
    assert not (dest / "a99.xml").exists() and not (dest / "notes.txt").exists()
    assert hidden_entries(tmp_path / "out") == []


def _fail_second_write(monkeypatch):
    real = pathlib.Path.write_bytes
    calls = []

    def flaky(self, data):
        if self.parent.name.startswith("."):
            calls.append(self.name)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
        return real(self, data)
    monkeypatch.setattr(pathlib.Path, "write_bytes", flaky)
    return calls


def test_write_failure_leaves_no_partial_output(run_cli, tmp_path, monkeypatch):
    """A write that fails half-way: exit 1, one line, the earlier output untouched, no stray
    temporary folder."""
    seed = SEEDS[0]
    out = tmp_path / "out"
    assert run_cli("run", seed, "-o", out)[0] == 0
    before = read_all(out)
    calls = _fail_second_write(monkeypatch)
    code, _, err = run_cli("run", seed, "-o", out)
    assert len(calls) == 2
    assert code == 1
    assert "No space left" in assert_one_line_errors(err, 1)[0]
    assert hidden_entries(out) == []
    assert read_all(out) == before


def test_write_failure_first_run_writes_nothing(run_cli, tmp_path, monkeypatch):
    _fail_second_write(monkeypatch)
    code, _, err = run_cli("run", SEEDS[0], "-o", tmp_path / "out")
    assert code == 1
    assert_one_line_errors(err, 1)
    assert list((tmp_path / "out").iterdir()) == []


def test_failed_final_rename_keeps_earlier_output(run_cli, tmp_path, monkeypatch):
    seed = SEEDS[1]
    out = tmp_path / "out"
    assert run_cli("run", seed, "-o", out)[0] == 0
    before = read_all(out)
    real = pathlib.Path.rename

    def flaky(self, target):
        if self.name.startswith(".") and self.name.endswith(".tmp"):
            raise OSError(16, "Device or resource busy")
        return real(self, target)
    monkeypatch.setattr(pathlib.Path, "rename", flaky)
    code, _, err = run_cli("run", seed, "-o", out)
    assert code == 1
    assert_one_line_errors(err, 1)
    assert hidden_entries(out) == []
    assert read_all(out) == before


# ----------------------------------------------------------------------------- public API

def test_public_api_segment_matches_cli(seed_runs):
    _, (out, _) = seed_runs
    seed = SEEDS[0]
    ed = segmenter.segment([seed])
    assert isinstance(ed, segmenter.Edition) and isinstance(ed, Edition)
    assert ed.name == seed.stem
    assert len(ed.pages) == 1 and all(isinstance(p, Page) for p in ed.pages)
    assert ed.articles and all(isinstance(a, Article) for a in ed.articles)
    assert all(isinstance(o, NonArticle) for o in ed.others)
    assert [a.id for a in ed.articles] == [f"a{i:02d}" for i in range(1, len(ed.articles) + 1)]
    # the API and the CLI give the same edition
    assert render(ed) == {f.name: f.read_bytes() for f in (out / seed.stem).iterdir()}
    # a bare str path works too, and a folder is one edition
    assert len(segmenter.segment(str(seed)).articles) == len(ed.articles)
    folder = segmenter.segment(out.parent / "allseeds")
    assert [p.name for p in folder.pages] == [s.name for s in SEEDS]


def test_public_api_bad_input_raises_input_error(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    with pytest.raises(segmenter.InputError, match="empty"):
        segmenter.segment([bad])
    with pytest.raises(segmenter.InputError):
        segmenter.segment([tmp_path / "missing.txt"])
    with pytest.raises(segmenter.SegmenterError):
        segmenter.segment([SEEDS[0], tmp_path / "missing.txt"])


def test_public_api_settings(tmp_path):
    with pytest.raises(segmenter.SettingsError):
        segmenter.Settings.from_dict({"nope": 1})
    with pytest.raises(segmenter.SettingsError):
        segmenter.Settings(min_join_score=5)
    small = segmenter.Settings(max_input_bytes=100)
    with pytest.raises(segmenter.InputError, match="larger"):
        segmenter.segment([SEEDS[0]], small)
