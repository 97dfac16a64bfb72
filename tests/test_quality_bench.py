"""benchmarks/quality_pdf.py: aggregation, failure handling and the table, on fake tools.

The fake ``main`` stands in for ``segmenter.cli.main``: its ``synth`` writes a gold edition
(articles from disjoint character pools, so every figure is easy to count) and two dump
variants; its ``run`` writes predictions of known quality, or fails.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from segmenter.evaluate import Scores

from test_evaluate import pool, write_edition

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("quality_pdf", ROOT / "benchmarks" / "quality_pdf.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["quality_pdf"] = mod
    spec.loader.exec_module(mod)
    return mod


def _opt(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def fake_main(argv: list[str]) -> int:
    """synth: edition with seed s has s % 1000 + 2 articles (one of them jumped p1 -> p2) and
    2 pages.  run: PDF perfect; pymupdf drops the last article; pdftotext returns an error on
    edition 1; pdfplumber always fails; dump 'columns' perfect, dump 'markdown' writes
    malformed XML on edition 0."""
    if argv[0] == "synth":
        out, seed = Path(_opt(argv, "-o")), int(_opt(argv, "--seed")) % 1000
        arts = {f"a{i}": dict(paras=[pool(i, 0, 50)], headline=pool(i, 100, 5))
                for i in range(1, seed + 2)}
        arts["a9"] = dict(paras=[pool(9, 0, 30), pool(9, 40, 20)],
                          srcs=["p1:0,0,1,1", "p2:0,0,1,1"], continues=[None], continued=[None])
        gold = write_edition(out, "gold", arts)
        idx = (gold / "index.xml").read_text(encoding="utf-8")
        (gold / "index.xml").write_text(idx.replace('<page n="1" file="x.txt" kind="text"/>',
                                                    '<page n="1" file="e.pdf" kind="pdf"/>'
                                                    '<page n="2" file="e.pdf" kind="pdf"/>'),
                                        encoding="utf-8")
        (out / "edition.pdf").write_bytes(b"%PDF-fake")
        for v in ("markdown", "columns"):
            (out / "dumps" / v).mkdir(parents=True)
        print(f"{out}: 2 pages")
        return 0
    assert argv[0] == "run"
    out = Path(_opt(argv, "-o"))
    src = Path(argv[-3])
    ed_dir = src.parent if src.suffix == ".pdf" else src.parent.parent
    gold = ed_dir / "gold"
    edition_no = int(ed_dir.name[2:])
    name = "edition" if src.suffix == ".pdf" else src.name
    extractor = _opt(argv, "--extractor") if "--extractor" in argv else None
    if extractor == "pdfplumber":
        print("segmenter: error: pdfplumber: not installed", file=sys.stderr)
        return 1
    if extractor == "pdftotext" and edition_no == 1:
        print("segmenter: error: pdftotext: crashed\nsecond line", file=sys.stderr)
        return 1
    dest = out / name
    shutil.copytree(gold, dest)
    if extractor is None and src.suffix == ".pdf":     # linked jumps in the PDF output
        a9 = dest / "a9.xml"
        a9.write_text(a9.read_text(encoding="utf-8").replace('marker="x"', 'marker="x" linked="true"'),
                      encoding="utf-8")
    if extractor == "pymupdf":
        last = sorted(p for p in dest.glob("a*.xml") if p.name != "a9.xml")[-1]
        last.unlink()
    if name == "markdown" and edition_no == 0:
        (dest / "a1.xml").write_text("<article><body>", encoding="utf-8")
    return 0


def test_run_bench_sums_editions_and_reports_failures(bench, tmp_path):
    logs: list[str] = []
    rows, synth_failures = bench.run_bench(2, 3, 0, tmp_path, main=fake_main, log=logs.append)
    assert synth_failures == []
    assert [r.label for r in rows] == ["segmenter (PDF)", "baseline: pymupdf", "baseline: pdftotext",
                                       "baseline: pdfplumber", "dump: columns", "dump: markdown"]
    by = {r.label: r for r in rows}
    # editions have 2, 3, 4 articles (1 + seed regular ones, plus the jumped one)
    pdf = by["segmenter (PDF)"]
    assert (pdf.pages, pdf.pages_total, pdf.editions_ok, pdf.failures) == (6, 6, 3, [])
    assert (pdf.scores.gold_articles, pdf.scores.matched) == (9, 9)
    assert (pdf.scores.jumps_gold, pdf.scores.jumps_correct) == (3, 3)
    assert pdf.scores.article_f1 == 1.0
    # pymupdf: one regular article lost per edition -> micro recall 6/9, not the macro mean
    mu = by["baseline: pymupdf"].scores
    assert (mu.gold_articles, mu.pred_articles, mu.matched) == (9, 6, 6)
    assert mu.article_recall == pytest.approx(6 / 9)
    assert mu.jumps_correct == 0          # matched, but the jumps are not linked
    # pdftotext failed on ed01: scored as empty there, counted in the row's failures
    pt = by["baseline: pdftotext"]
    assert (pt.pages, pt.pages_total, pt.editions_ok) == (4, 6, 2)
    assert pt.failures == ["ed01: segmenter: error: pdftotext: crashed"]
    assert (pt.scores.gold_articles, pt.scores.matched) == (9, 6)
    pl = by["baseline: pdfplumber"]
    assert pl.editions_ok == 0 and len(pl.failures) == 3
    md = by["dump: markdown"]
    assert md.editions_ok == 2 and md.failures[0].startswith("ed00: eval:")
    assert "malformed" in md.failures[0]
    assert by["dump: columns"].scores == by["dump: columns"].scores + Scores()
    assert any("pdfplumber" in line and "failed" in line for line in logs)

    table = bench.render_markdown(rows)
    lines = table.splitlines()
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[:1] + lines[2:])
    assert lines[1].startswith("|---|")
    ncells = {line.count("|") for line in lines}
    assert len(ncells) == 1                      # one table, every row the same width
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == ["run", "pages", "articles g/p", "art F1", "text R", "text P", "headline",
                      "para F1", "captions", "jump links"]
    labels = [line.strip("|").split("|")[0].strip() for line in lines[2:]]
    assert labels == ["segmenter (PDF)", "target (issue #3)", "baseline: pymupdf",
                      "baseline: pdftotext", "baseline: pdfplumber", "**text-dump path**",
                      "dump: columns", "dump: markdown"]
    cells = {lab: [c.strip() for c in line.strip("|").split("|")[1:]]
             for lab, line in zip(labels, lines[2:])}
    assert cells["segmenter (PDF)"] == ["6", "9/9", "1.000", "1.000", "1.000", "1.000", "1.000",
                                        "1.000", "1.000"]
    # 6 pages < 50: FAIL; everything else met
    assert cells["target (issue #3)"] == ["≥ 50 FAIL", "", "≥ 0.98 PASS", "≥ 0.99 PASS",
                                          "≥ 0.99 PASS", "≥ 0.98 PASS", "≥ 0.97 PASS", "",
                                          "≥ 0.95 PASS"]
    assert cells["baseline: pdftotext"][:2] == ["4/6", "9/6"]
    assert cells["baseline: pdfplumber"][0] == "failed"
    assert cells["baseline: pymupdf"][-1] == "0.000"

    fails = bench.failure_lines(rows, synth_failures)
    assert len(fails) == 3 and all("\n" not in f for f in fails)
    assert fails[0].startswith("baseline: pdftotext: failed on 1/3 edition(s)")

    d = bench.to_json(rows, synth_failures, {"editions": 3})
    json.dumps(d)
    r0 = d["rows"][0]
    assert r0["label"] == "segmenter (PDF)" and r0["scores"]["jump_links"] == 1.0
    assert r0["targets_met"]["pages"] is False and r0["targets_met"]["article_f1"] is True
    assert d["rows"][3]["scores"] is None and d["rows"][3]["editions_failed"] == 3


def test_synth_failure_skips_the_edition(bench, tmp_path):
    def broken(argv):
        if argv[0] == "synth":
            print("segmenter: internal error: ModuleNotFoundError: segmenter.synth", file=sys.stderr)
            return 1
        raise AssertionError("run must not be called without gold")
    rows, synth_failures = bench.run_bench(5, 2, 0, tmp_path, main=broken, log=lambda m: None)
    assert synth_failures == ["ed00: segmenter: internal error: ModuleNotFoundError: segmenter.synth",
                              "ed01: segmenter: internal error: ModuleNotFoundError: segmenter.synth"]
    assert [r.label for r in rows][:1] == ["segmenter (PDF)"] and all(r.editions == 0 for r in rows)
    table = bench.render_markdown(rows)
    assert "n/a" in table          # no verdicts without a result
    assert bench.failure_lines(rows, synth_failures)[0].startswith("synth: failed on 2 edition(s)")


def test_call_captures_output_and_survives_exceptions(bench):
    def loud(argv):
        print("to stdout")
        print("to stderr", file=sys.stderr)
        return 3

    def crash(argv):
        raise RuntimeError("boom")
    assert bench.call(loud, []) == (3, "to stdout\n", "to stderr\n")
    code, _, err = bench.call(crash, [])
    assert code == 1 and "RuntimeError: boom" in err


def test_main_writes_json_and_one_table(bench, tmp_path, monkeypatch, capsys):
    real = bench.run_bench
    monkeypatch.setattr(bench, "run_bench",
                        lambda ppe, eds, seed, work: real(ppe, eds, seed, work, main=fake_main,
                                                          log=lambda m: None))
    out = tmp_path / "res.json"
    assert bench.main(["--quick", "--json", str(out), "--workdir", str(tmp_path / "w")]) == 0
    text = capsys.readouterr().out
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 10   # header, rule, PDF, target, 3 baselines, sub-heading, 2 dumps
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["config"]["editions"] == 2 and d["config"]["pages_per_edition"] == 3
    assert d["config"]["synth_seeds"] == [0, 1]
