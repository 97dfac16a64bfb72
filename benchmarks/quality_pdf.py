"""Quality benchmark for PDFs (issue #3): segmenter against the extractor baselines.

Generates editions with exact gold (``segmenter synth``), runs on each of them:

  * segmenter on ``edition.pdf`` (the PDF reader, layout taken from the page);
  * the three extractor baselines, ``run --extractor pymupdf|pdftotext|pdfplumber
    edition.pdf`` (each extractor's plain text fed to segmenter's text-dump path);
  * segmenter on every text-dump variant ``dumps/<variant>/`` that synth wrote (the
    text-dump path, reported separately);

and scores every output against the edition's gold (``segmenter.evaluate``; the gold folder
is one edition, paired with the one edition the run wrote).  Counts are summed over the
editions before dividing (micro-average).  Everything runs in this process through
``segmenter.cli.main``, as the command line would.

A run that fails on an edition (exit code not 0, or output eval cannot read) is scored as an
empty prediction for that edition, so failures lower the figures; the ``pages`` column then
reads ``ok/total`` and one line under the table names the first error.  A row that failed
on every edition shows ``failed``.  The script always exits 0: benchmarks report, they do
not gate CI.

Output: one markdown table on stdout, JSON in benchmarks/results/quality_pdf.json
(git-ignored).  Progress goes to stderr.

Edition k (0-based) is generated with ``--seed SEED*1000+k``, so different ``--seed``
values give disjoint sets of editions.

Usage: .venv/bin/python benchmarks/quality_pdf.py [--pages-per-edition 5] [--editions 10]
       [--seed 0] [--quick] [--workdir DIR] [--json PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import io
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
from results_io import write_json  # noqa: E402

from lxml import etree  # noqa: E402

from segmenter.evaluate import EvalError, Scores, evaluate  # noqa: E402

EXTRACTORS = ("pymupdf", "pdftotext", "pdfplumber")
PDF_LABEL = "segmenter (PDF)"

#: issue #3 targets for the segmenter (PDF) row: metric -> minimum
TARGETS: dict[str, float] = {
    "pages": 50,
    "article_f1": 0.98,
    "text_recall": 0.99,
    "text_precision": 0.99,
    "headline_accuracy": 0.98,
    "paragraph_f1": 0.97,
    "jump_links": 0.95,
}

#: table columns after the label: (header, Scores attribute or a special key)
COLUMNS = (
    ("pages", "pages"),
    ("articles g/p", "articles"),
    ("art F1", "article_f1"),
    ("text R", "text_recall"),
    ("text P", "text_precision"),
    ("headline", "headline_accuracy"),
    ("para F1", "paragraph_f1"),
    ("captions", "caption_placement"),
    ("jump links", "jump_links"),
)

Main = Callable[[list[str]], int]


@dataclass
class Row:
    """One line of the table: a tool (or dump variant) summed over the editions."""

    label: str
    group: str                      # "pdf" (PDF input) or "dump" (text-dump path)
    scores: Scores = field(default_factory=Scores)
    pages: int = 0                  # pages of the editions the run handled
    pages_total: int = 0            # pages of every edition it was given
    editions_ok: int = 0
    failures: list[str] = field(default_factory=list)   # "ed03: message", one per edition
    seconds: float = 0.0

    def add(self, scores: Scores, pages: int) -> None:
        self.scores = self.scores + scores
        self.pages += pages
        self.pages_total += pages
        self.editions_ok += 1

    def fail(self, edition: str, message: str, gold: Scores, pages: int) -> None:
        """An edition the run failed on: scored as an empty prediction."""
        self.scores = self.scores + gold
        self.pages_total += pages
        self.failures.append(f"{edition}: {message}")

    @property
    def editions(self) -> int:
        return self.editions_ok + len(self.failures)

    def value(self, key: str) -> float:
        return float(self.pages) if key == "pages" else float(getattr(self.scores, key))

    def verdicts(self) -> dict[str, bool]:
        """Target -> met, for the segmenter (PDF) row."""
        return {k: self.value(k) >= v - 1e-9 for k, v in TARGETS.items()}

    def to_dict(self) -> dict:
        d = {
            "label": self.label,
            "group": self.group,
            "pages": self.pages,
            "pages_total": self.pages_total,
            "editions_ok": self.editions_ok,
            "editions_failed": len(self.failures),
            "failures": list(self.failures),
            "seconds": round(self.seconds, 2),
            "scores": self.scores.to_dict() if self.editions_ok else None,
        }
        if self.label == PDF_LABEL:
            d["targets_met"] = self.verdicts() if self.editions_ok else None
        return d


# --------------------------------------------------------------------------------------
# running


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def call(main: Main, argv: list[str]) -> tuple[int, str, str]:
    """Run ``main(argv)`` with stdout and stderr captured; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except BaseException as ex:  # noqa: BLE001 - a bug in the tool must not stop the bench
            if isinstance(ex, KeyboardInterrupt):
                raise
            code = 1
            print(f"uncaught {type(ex).__name__}: {ex}", file=sys.stderr)
    return code, out.getvalue(), err.getvalue()


def gold_pages(gold: Path) -> int:
    """Number of <page> elements in a gold edition's index.xml."""
    root = etree.parse(str(gold / "index.xml")).getroot()
    return sum(1 for el in root if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == "page")


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in label).strip("_")


def run_bench(pages_per_edition: int, editions: int, seed: int, work: Path,
              main: Main | None = None, log: Callable[[str], None] | None = None
              ) -> tuple[list[Row], list[str]]:
    """Generate the editions in ``work`` and score every tool on them.

    Returns the rows (PDF rows first: segmenter, then the extractor baselines; then one row
    per dump variant, in name order) and the editions synth could not generate."""
    if main is None:
        from segmenter.cli import main
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    rows: dict[str, Row] = {PDF_LABEL: Row(PDF_LABEL, "pdf")}
    for x in EXTRACTORS:
        rows[f"baseline: {x}"] = Row(f"baseline: {x}", "pdf")
    synth_failures: list[str] = []
    for k in range(editions):
        name = f"ed{k:02d}"
        ed = work / name
        code, _, err = call(main, ["synth", "--pages", str(pages_per_edition),
                                   "--seed", str(seed * 1000 + k), "-o", str(ed)])
        gold = ed / "gold"
        if code != 0 or not (gold / "index.xml").is_file():
            msg = _first_line(err) or f"exit {code}, no gold/index.xml"
            synth_failures.append(f"{name}: {msg}")
            log(f"{name}: synth failed: {msg}")
            continue
        try:
            pages = gold_pages(gold)
            empty = evaluate(gold, _empty_dir(work)).overall  # the gold counts, nothing found
        except (EvalError, OSError, etree.LxmlError) as ex:
            synth_failures.append(f"{name}: unreadable gold: {_first_line(str(ex))}")
            log(f"{name}: unreadable gold: {ex}")
            continue
        pdf = ed / "edition.pdf"
        jobs: list[tuple[str, str, list[str]]] = [(PDF_LABEL, "pdf", ["run", str(pdf)])]
        jobs += [(f"baseline: {x}", "pdf", ["run", "--extractor", x, str(pdf)]) for x in EXTRACTORS]
        dumps = ed / "dumps"
        variants = sorted(p.name for p in dumps.iterdir() if p.is_dir()) if dumps.is_dir() else []
        jobs += [(f"dump: {v}", "dump", ["run", str(dumps / v)]) for v in variants]
        for label, group, argv in jobs:
            row = rows.setdefault(label, Row(label, group))
            out = work / "out" / name / _slug(label)
            t0 = time.perf_counter()
            code, _, err = call(main, argv + ["-o", str(out)])
            row.seconds += time.perf_counter() - t0
            if code != 0:
                msg = _first_line(err) or f"exit {code}"
                row.fail(name, msg, empty, pages)
                log(f"{name} {label}: failed: {msg}")
                continue
            try:
                scores = evaluate(gold, out).overall
            except EvalError as ex:
                row.fail(name, f"eval: {ex}", empty, pages)
                log(f"{name} {label}: eval failed: {ex}")
                continue
            row.add(scores, pages)
            log(f"{name} {label}: article F1 {scores.article_f1:.3f}, "
                f"text R {scores.text_recall:.3f}, {row.seconds:.1f} s so far")
    pdf_rows = [r for r in rows.values() if r.group == "pdf"]
    dump_rows = sorted((r for r in rows.values() if r.group == "dump"), key=lambda r: r.label)
    return pdf_rows + dump_rows, synth_failures


def _empty_dir(work: Path) -> Path:
    d = work / "empty-output"
    d.mkdir(parents=True, exist_ok=True)
    return d


# --------------------------------------------------------------------------------------
# reporting


def _cell(row: Row, key: str) -> str:
    if key == "pages":
        return str(row.pages) if row.pages == row.pages_total else f"{row.pages}/{row.pages_total}"
    if key == "articles":
        return f"{row.scores.gold_articles}/{row.scores.pred_articles}"
    return f"{getattr(row.scores, key):.3f}"


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(rows: list[Row]) -> str:
    """One markdown table: the PDF rows (segmenter first, then the issue's targets with
    PASS/FAIL, then the extractor baselines), a sub-heading row, the dump variants."""
    out = [_line(["run"] + [h for h, _ in COLUMNS]),
           "|" + "---|" * (len(COLUMNS) + 1)]

    def row_line(r: Row) -> str:
        if not r.editions_ok:
            return _line([r.label] + ["failed" if r.editions else "–"] + [""] * (len(COLUMNS) - 1))
        return _line([r.label] + [_cell(r, key) for _, key in COLUMNS])

    pdf = [r for r in rows if r.group == "pdf"]
    dump = [r for r in rows if r.group == "dump"]
    for r in pdf:
        out.append(row_line(r))
        if r.label == PDF_LABEL:
            met = r.verdicts() if r.editions_ok else {}
            cells = []
            for _, key in COLUMNS:
                if key not in TARGETS:
                    cells.append("")
                    continue
                limit = f"≥ {TARGETS[key]:g}" if key == "pages" else f"≥ {TARGETS[key]:.2f}"
                verdict = ("PASS" if met[key] else "FAIL") if met else "n/a"
                cells.append(f"{limit} {verdict}")
            out.append(_line(["target (issue #3)"] + cells))
    if dump:
        out.append(_line(["**text-dump path**"] + [""] * len(COLUMNS)))
        out += [row_line(r) for r in dump]
    return "\n".join(out)


def failure_lines(rows: list[Row], synth_failures: list[str]) -> list[str]:
    """One line per row that failed on some edition, plus one for synth."""
    lines = []
    if synth_failures:
        lines.append(f"synth: failed on {len(synth_failures)} edition(s); first: {synth_failures[0]}")
    for r in rows:
        if r.failures:
            lines.append(f"{r.label}: failed on {len(r.failures)}/{r.editions} edition(s) "
                         f"(scored as empty); first: {r.failures[0]}")
    return lines


def to_json(rows: list[Row], synth_failures: list[str], config: dict) -> dict:
    return {
        "benchmark": "quality_pdf",
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "config": config,
        "targets": {PDF_LABEL: TARGETS},
        "synth_failures": list(synth_failures),
        "rows": [r.to_dict() for r in rows],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pages-per-edition", type=int, default=None, metavar="N",
                   help="pages per generated edition (default 5; 3 with --quick)")
    p.add_argument("--editions", type=int, default=None, metavar="N",
                   help="number of editions (default 10; 2 with --quick)")
    p.add_argument("--seed", type=int, default=0, help="edition k uses synth seed SEED*1000+k")
    p.add_argument("--quick", action="store_true", help="a small run (2 editions of 3 pages)")
    p.add_argument("--workdir", type=Path, default=None,
                   help="generate and write here and keep it (default: a temporary folder)")
    p.add_argument("--json", type=Path, default=RESULTS / "quality_pdf.json", metavar="PATH")
    args = p.parse_args(argv)
    ppe = args.pages_per_edition or (3 if args.quick else 5)
    eds = args.editions or (2 if args.quick else 10)
    config = {"pages_per_edition": ppe, "editions": eds, "seed": args.seed, "quick": args.quick,
              "synth_seeds": [args.seed * 1000 + k for k in range(eds)]}

    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if args.workdir is not None:
            work = args.workdir
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="quality_pdf_")))
        rows, synth_failures = run_bench(ppe, eds, args.seed, work)
    config["seconds"] = round(time.perf_counter() - t0, 1)

    print(f"## PDF quality: {eds} edition(s) × {ppe} page(s), seed {args.seed} (micro-average)\n")
    print(render_markdown(rows))
    extra = failure_lines(rows, synth_failures)
    if extra:
        print()
        print("\n".join(extra))
    write_json(args.json, to_json(rows, synth_failures, config))
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
