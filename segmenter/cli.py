"""Command line: a thin layer over the pipeline.  ``main(argv) -> exit code``.

Exit codes: 0 success, 1 some inputs failed (the others were still written), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .errors import SegmenterError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise _Usage(f"{self.prog}: error: {message}")


class _Usage(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="segmenter", description="Turn raw newspaper pages into clean per-article XML.")
    p.add_argument("--version", action="version", version=f"segmenter {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    r = sub.add_parser("run", help="segment inputs (files of one edition, or folders) into OUTDIR/NAME/")
    r.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    r.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="OUTDIR")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a setting (see segmenter.settings.Settings)")
    r.add_argument("--no-joins", action="store_true", help="do not write the <joins> decision record")
    r.add_argument("--baseline", action="store_true",
                   help="naive baseline instead of segmenter (each headline-like line starts an article)")
    r.add_argument("--ocr", choices=("tesseract", "rapidocr"), default=None,
                   help="OCR engine for scanned pages (page images, image-only PDF pages); "
                        "default: the setting ocr_engine")
    r.add_argument("--extractor", choices=("pymupdf", "pdftotext", "pdfplumber", "tesseract", "rapidocr"), default=None,
                   help="PDF baseline: take the text of each PDF page from this extractor "
                        "(PyMuPDF get_text(sort=True), pdftotext -layout, pdfplumber extract_text()) "
                        "and feed it to segmenter's text-dump path instead of reading the layout; "
                        "tesseract / rapidocr: whole-page OCR of images (tesseract -l chi_sim --psm 3, "
                        "RapidOCR's own order) fed the same way")
    g = sub.add_parser("synth", help="generate newspaper pages with exact gold (PDF, gold XML, text dumps)")
    g.add_argument("--pages", type=int, default=4, metavar="N", help="number of pages (default 4)")
    g.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    g.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    g.add_argument("--scans", action="store_true",
                   help="also write DIR/scans/page-NN.png: the pages rendered and degraded like a scan")
    g.add_argument("--dpi", type=int, default=200, metavar="D", help="scan resolution, 150..300 (default 200)")
    g.add_argument("--degrade", choices=("none", "light", "heavy"), default="light",
                   help="how bad the scans are (default light)")
    e = sub.add_parser("eval", help="score OUT_DIR against GOLD_DIR")
    e.add_argument("gold", type=Path, metavar="GOLD_DIR",
                   help="one gold edition folder (with index.xml) or a folder of them")
    e.add_argument("out", type=Path, metavar="OUT_DIR",
                   help="one output edition folder or a folder of them; folders of editions are "
                        "paired by name, a single gold edition with the single output edition")
    e.add_argument("--json", action="store_true", help="print JSON instead of a table")
    v = sub.add_parser("review", help="write one self-contained HTML page to check an edition by hand")
    v.add_argument("folder", type=Path, metavar="OUT/NAME", help="an edition folder written by segmenter run")
    v.add_argument("-o", "--output", type=Path, default=None, metavar="HTML",
                   help="the page to write (default: NAME-review.html in the current folder)")
    v.add_argument("--source", type=Path, default=None, metavar="PATH",
                   help="the input file, or the folder holding the input files, when the path "
                        "recorded in index.xml is gone")
    d = sub.add_parser("diff", help="compare two output folders article by article (exit 0 identical, 1 different)")
    d.add_argument("old", type=Path, metavar="OLD", help="an output folder of editions, or one edition folder")
    d.add_argument("new", type=Path, metavar="NEW", help="the same for the other run")
    d.add_argument("--json", action="store_true", help="print JSON instead of text")
    d.add_argument("--html", type=Path, default=None, metavar="FILE",
                   help="also write a self-contained side-by-side HTML page")
    c = sub.add_parser("check", help="validate a hand-edited edition: schema and conservation "
                                     "(exit 0 ok, 1 problems found)")
    c.add_argument("folder", type=Path, metavar="OUT/NAME", help="an edition folder (holds index.xml)")
    c.add_argument("--source", type=Path, default=None, metavar="PATH",
                   help="the input file, or the folder holding the input files, when the path "
                        "recorded in index.xml is gone")
    return p


def _say(msg: str) -> None:
    """One line on stderr, whatever the message holds (file names may contain newlines)."""
    print(msg.replace("\r", "\\r").replace("\n", "\\n"), file=sys.stderr)


def _settings(pairs: list[str]):
    from .settings import Settings, SettingsError
    values: dict[str, object] = {}
    for kv in pairs:
        k, sep, v = kv.partition("=")
        if not sep:
            raise _Usage(f"segmenter: error: --set takes KEY=VALUE, got {kv!r}")
        try:
            values[k] = json.loads(v)
        except ValueError:
            values[k] = v
    try:
        return Settings.from_dict(values)
    except SettingsError as ex:
        raise _Usage(f"segmenter: error: {ex}") from None


def _run(args: argparse.Namespace) -> int:
    from .export import write_edition
    from .pipeline import plan, segment_edition
    settings = _settings(args.set)
    if args.no_joins:
        from dataclasses import replace
        settings = replace(settings, write_joins=False)
    if args.ocr:
        from dataclasses import replace
        settings = replace(settings, ocr_engine=args.ocr)
    failed = False
    for ed in plan(args.inputs):
        if not ed.files:
            for msg in ed.errors:
                _say(f"segmenter: error: {msg}")
            failed = True
            continue
        try:
            if args.baseline:
                from .baseline import baseline_edition
                edition = baseline_edition(ed, settings)
            elif args.extractor:
                from .pdfbaselines import extractor_edition
                edition = extractor_edition(ed, settings, args.extractor)
            else:
                edition = segment_edition(ed, settings)
            for msg in ed.errors:
                _say(f"segmenter: error: {msg}")
                failed = True
            if not edition.pages:
                continue
            dest = write_edition(edition, args.output, settings.write_joins)
        except SegmenterError as ex:
            _say(f"segmenter: error: {ex}")
            failed = True
            continue
        print(f"{dest}: {len(edition.articles)} articles, {len(edition.others)} other blocks, "
              f"{len(edition.pages)} page(s)")
    return 1 if failed else 0


def _eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, format_report
    report = evaluate(args.gold, args.out)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(format_report(report))
    return 0


def _synth(args: argparse.Namespace) -> int:
    from .synth import generate
    if not 1 <= args.pages <= 1000:
        raise _Usage(f"segmenter synth: error: --pages must be 1..1000, got {args.pages}")
    scans = None
    if args.scans:
        from .synth.scan import check_options
        try:
            check_options(args.dpi, args.degrade)
        except SegmenterError as ex:
            raise _Usage(f"segmenter synth: error: {ex}") from None
        scans = (args.dpi, args.degrade)
    result = generate(args.pages, args.seed, args.output, scans)
    print(result.summary() + (f", scans at {args.dpi} dpi ({args.degrade})" if scans else ""))
    return 0


def _review(args: argparse.Namespace) -> int:
    from .review import write_review
    dest = args.output or Path(f"{args.folder.resolve().name}-review.html")
    review = write_review(args.folder, dest, args.source)
    for w in review.warnings:
        _say(f"segmenter: warning: {w}")
    doubtful = sum(1 for j in review.joins if j.doubtful)
    print(f"{dest}: {len(review.articles)} articles, {len(review.joins)} joins ({doubtful} doubtful), "
          f"{len(review.pages)} page(s)")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .diffing import DiffError, diff_outputs, format_diff, write_diff_html
    try:
        result = diff_outputs(args.old, args.new)
        if args.html is not None:
            write_diff_html(result, args.html)
    except DiffError as ex:   # bad input is exit 2, like diff(1); 1 means "different"
        _say(f"segmenter: error: {ex}")
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(format_diff(result))
    return 0 if result.identical else 1


def _check(args: argparse.Namespace) -> int:
    from .checking import CheckError, check, format_check
    try:
        report = check(args.folder, args.source)
    except CheckError as ex:   # cannot check at all: exit 2; 1 means "problems found"
        _say(f"segmenter: error: {ex}")
        return 2
    print(format_check(report))
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
        return {"run": _run, "eval": _eval, "synth": _synth, "review": _review,
                "diff": _diff, "check": _check}[args.cmd](args)
    except _Usage as ex:
        _say(str(ex))
        return 2
    except SystemExit as ex:  # --help, --version
        return int(ex.code or 0)
    except SegmenterError as ex:
        _say(f"segmenter: error: {ex}")
        return 1
    except KeyboardInterrupt:
        print("segmenter: interrupted", file=sys.stderr)
        return 130
    except Exception as ex:  # a bug: still one line, never a traceback for the user
        _say(f"segmenter: internal error: {type(ex).__name__}: {ex}")
        return 1


def console() -> None:
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"   # before onnxruntime can load (RapidOCR)
    sys.exit(main())
