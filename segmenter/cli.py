"""Command line: a thin layer over the pipeline.  ``main(argv) -> exit code``.

Exit codes: 0 success, 1 some inputs failed (the others were still written), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
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
    r.add_argument("--extractor", choices=("pymupdf", "pdftotext", "pdfplumber"), default=None,
                   help="PDF baseline: take the text of each PDF page from this extractor "
                        "(PyMuPDF get_text(sort=True), pdftotext -layout, pdfplumber extract_text()) "
                        "and feed it to segmenter's text-dump path instead of reading the layout")
    g = sub.add_parser("synth", help="generate newspaper pages with exact gold (PDF, gold XML, text dumps)")
    g.add_argument("--pages", type=int, default=4, metavar="N", help="number of pages (default 4)")
    g.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    g.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    e = sub.add_parser("eval", help="score OUT_DIR against GOLD_DIR")
    e.add_argument("gold", type=Path, metavar="GOLD_DIR",
                   help="one gold edition folder (with index.xml) or a folder of them")
    e.add_argument("out", type=Path, metavar="OUT_DIR",
                   help="one output edition folder or a folder of them; folders of editions are "
                        "paired by name, a single gold edition with the single output edition")
    e.add_argument("--json", action="store_true", help="print JSON instead of a table")
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
    result = generate(args.pages, args.seed, args.output)
    print(result.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
        return {"run": _run, "eval": _eval, "synth": _synth}[args.cmd](args)
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
    sys.exit(main())
