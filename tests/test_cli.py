"""The command line: ``segmenter.cli.main(argv) -> int`` and the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import (SEEDS, assert_conserved, assert_one_line_errors, assert_valid_output,
                      hidden_entries)

GOLD = Path(__file__).resolve().parent.parent / "fixtures" / "gold"
SCRIPT = Path(sys.executable).parent / "segmenter"

PAGE_1 = "第一版标题：研发投入再创新高\n\n本报讯 今年全社会研发经费投入规模增长近百分之五十，增量达到一万亿元。\n"
PAGE_2 = "第二版标题：科技园区建设提速\n\n本报讯 国家高新区坚持发展高科技，实现产业化，走出一条特色道路。\n"


def test_run_file_writes_outdir_name(run_cli, tmp_path, xsd):
    seed = SEEDS[0]
    code, out, err = run_cli("run", seed, "-o", tmp_path / "out")
    assert code == 0, err
    assert err == ""
    dest = tmp_path / "out" / seed.stem
    assert out.startswith(f"{dest}: ")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [seed.stem]
    assert_valid_output(dest, xsd)


def test_run_folder_is_one_edition_pages_in_name_order(run_cli, tmp_path, xsd):
    ed = tmp_path / "Edition-7"
    ed.mkdir()
    (ed / "p2.txt").write_text(PAGE_2, encoding="utf-8")
    (ed / "p1.md").write_text(PAGE_1, encoding="utf-8")
    (ed / "notes.csv").write_text("a,b\n", encoding="utf-8")          # not a page
    (ed / ".hidden.txt").write_text(PAGE_2, encoding="utf-8")         # not a page
    code, out, err = run_cli("run", ed, "-o", tmp_path / "out")
    assert code == 0, err
    dest = tmp_path / "out" / "Edition-7"
    assert_valid_output(dest, xsd)
    index = etree.parse(str(dest / "index.xml")).getroot()
    assert index.get("name") == "Edition-7"
    assert [(p.get("n"), p.get("file")) for p in index.findall("page")] == [("1", "p1.md"), ("2", "p2.txt")]
    # multi-page editions use "page:lines" provenance everywhere
    srcs = [el.get("src") for f in dest.glob("*.xml") for el in etree.parse(str(f)).iter() if el.get("src")]
    assert srcs and all(":" in s for s in srcs), srcs
    assert {s.split(":")[0] for s in srcs} == {"1", "2"}


def test_run_two_folders_two_editions(run_cli, tmp_path, xsd):
    for name, text in (("a", PAGE_1), ("b", PAGE_2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "page.txt").write_text(text, encoding="utf-8")
    code, out, err = run_cli("run", tmp_path / "a", tmp_path / "b", "-o", tmp_path / "out")
    assert code == 0, err
    assert len(out.splitlines()) == 2
    for name in ("a", "b"):
        assert_valid_output(tmp_path / "out" / name, xsd)
        assert_conserved(tmp_path / name / "page.txt", tmp_path / "out" / name)


@pytest.mark.parametrize("argv", [
    ["frob"],                                        # unknown subcommand
    [],                                              # no subcommand
    ["run", "{seed}", "-o"],                         # -o without its value
    ["run", "{seed}", "-o", "{out}", "--set", "nope=1"],             # unknown setting
    ["run", "{seed}", "-o", "{out}", "--set", "min_join_score=5"],   # out of range
    ["run", "{seed}", "-o", "{out}", "--set", "min_join_score=-0.1"],
    ["run", "{seed}", "-o", "{out}", "--set", "max_input_bytes=0"],
    ["run", "{seed}", "-o", "{out}", "--set", "min_join_score=abc"],  # not a number
    ["run", "{seed}", "-o", "{out}", "--set", "noequals"],           # not KEY=VALUE
    ["eval", "{out}"],                               # eval without OUT_DIR
], ids=["unknown-cmd", "no-cmd", "o-no-value", "set-unknown", "set-range-high", "set-range-low",
        "set-range-int", "set-nan", "set-no-eq", "eval-missing-arg"])
def test_usage_errors_exit_2(run_cli, tmp_path, argv):
    out_dir = tmp_path / "out"
    argv = [a.format(seed=SEEDS[1], out=out_dir) for a in argv]
    code, out, err = run_cli(*argv)
    assert code == 2
    assert_one_line_errors(err, 1, prefix="segmenter")
    assert not out_dir.exists(), "a usage error must not write anything"


def test_valid_set_and_no_joins(run_cli, tmp_path, xsd):
    seed = SEEDS[0]
    code, _, err = run_cli("run", seed, "-o", tmp_path / "out", "--set", "min_join_score=0.5",
                           "--set", "max_input_bytes=1000000", "--no-joins")
    assert code == 0, err
    dest = tmp_path / "out" / seed.stem
    assert_valid_output(dest, xsd)
    assert not any(etree.parse(str(f)).getroot().findall("joins") for f in dest.glob("a*.xml"))
    assert_conserved(seed, dest)


def test_eval_json_against_gold(run_cli, tmp_path):
    for seed in SEEDS:
        code, _, err = run_cli("run", seed, "-o", tmp_path / "out")
        assert code == 0, err
    code, out, err = run_cli("eval", GOLD, tmp_path / "out", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report["editions"]) == {s.stem for s in SEEDS}
    for scores in report["editions"].values():
        assert 0.0 <= scores["article_f1"] <= 1.0
        assert 0.0 <= scores["text_recall"] <= 1.0
    code, out, err = run_cli("eval", GOLD, tmp_path / "out")
    assert code == 0 and "overall" in out


def test_eval_missing_gold_one_line_exit_1(run_cli, tmp_path):
    code, out, err = run_cli("eval", tmp_path / "no-gold", tmp_path)
    assert code == 1
    assert_one_line_errors(err, 1)


def test_console_script_subprocess(tmp_path, xsd):
    """The installed script: one good input and one missing input → exit 1, one error line,
    the good edition still written, no traceback."""
    assert SCRIPT.exists(), SCRIPT
    seed = SEEDS[1]
    missing = tmp_path / "missing.txt"
    proc = subprocess.run([str(SCRIPT), "run", str(seed), str(missing), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    lines = assert_one_line_errors(proc.stderr, 1)
    assert "missing.txt" in lines[0]
    written = sorted((tmp_path / "out").iterdir())
    assert hidden_entries(tmp_path / "out") == []
    assert [p.name for p in written] == [seed.stem]
    assert_valid_output(written[0], xsd)
    assert_conserved(seed, written[0])
    usage = subprocess.run([str(SCRIPT), "frob"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2
    assert_one_line_errors(usage.stderr, 1, prefix="segmenter")


def test_same_folder_name_twice_loses_nothing_silently(run_cli, tmp_path):
    for parent, text in (("x", PAGE_1), ("y", PAGE_2)):
        (tmp_path / parent / "ed").mkdir(parents=True)
        (tmp_path / parent / "ed" / "page.txt").write_text(text, encoding="utf-8")
    code, out, err = run_cli("run", tmp_path / "x" / "ed", tmp_path / "y" / "ed", "-o", tmp_path / "out")
    written = "".join(f.read_text(encoding="utf-8") for f in (tmp_path / "out").rglob("*.xml"))
    both_kept = "第一版标题" in written and "第二版标题" in written
    assert both_kept or code != 0, "one edition was overwritten and the run reported success"
