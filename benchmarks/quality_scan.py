"""Quality benchmark for scanned pages (issue #5): OCR engines, segmenter on scans, baselines.

Generates editions with exact gold and degraded scans (``segmenter synth --scans --dpi D
--degrade LEVEL``), then measures on the same pages:

  * **engine character accuracy** of each OCR engine alone: every text block of the page (the
    PDF's own text blocks, their boxes carried through the known skew, the scan deskewed by
    the exact angle) is cropped and given to ``engine.recognize`` as the scan reader does;
    accuracy = 1 − Levenshtein distance / gold characters (whitespace ignored), summed over
    blocks.  OCR seconds per page are recorded too;
  * **segmenter end to end** on the scans, ``run --ocr ENGINE scans/page-*.png`` (needs the
    scan reader; a run that fails is reported as failed);
  * the **baselines a user would reach for**: ``run --extractor tesseract|rapidocr`` (whole-page
    ``tesseract -l chi_sim --psm 3`` / RapidOCR's whole-page output in its own order, each fed
    to segmenter's text-dump path);

every run scored against the gold with ``segmenter.evaluate`` (as benchmarks/quality_pdf.py
does, micro-averaged over editions), plus the run's character accuracy: the text of all its
articles in its own order against the gold's articles in gold order.

Output: a markdown table on stdout, JSON in benchmarks/results/quality_scan.json.  Progress
on stderr.  Always exits 0 (benchmarks report, they do not gate CI).

Usage: .venv/bin/python benchmarks/quality_scan.py [--editions 4] [--pages-per-edition 5]
       [--dpi 200] [--degrade heavy] [--engines tesseract,rapidocr] [--no-runs] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import math
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_io import write_json  # noqa: E402

import numpy as np  # noqa: E402
from lxml import etree  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from quality_pdf import Row, _first_line, _slug, call, gold_pages  # noqa: E402
from segmenter.evaluate import EvalError, evaluate  # noqa: E402
from segmenter.ocr import ENGINES, get_engine  # noqa: E402
from segmenter.synth.scan import DEFAULT_DPI, SCANS_DIR  # noqa: E402
from segmenter.textutil import drop_cjk_spaces  # noqa: E402

#: issue #5 targets for the best engine's segmenter row
TARGETS: dict[str, float] = {"pages": 20, "article_f1": 0.90, "text_recall": 0.95,
                             "text_precision": 0.95, "headline_accuracy": 0.90, "char_accuracy": 0.97}
#: a PDF text block this many times taller than wide, with lines of at most 2 characters, is
#: vertical (竖排) text: synth sets vertical headlines one glyph per line
VERTICAL_BLOCK_ASPECT = 2.0
#: px of paper kept around a block's box when cropping it (at 200 dpi; scaled with the dpi)
CROP_MARGIN_PX = 6


def nonspace(text: str) -> str:
    return "".join(text.split())


def char_accuracy(gold: str, pred: str) -> tuple[int, int]:
    """(edit distance, gold characters), whitespace ignored."""
    g, p = nonspace(gold), nonspace(pred)
    return Levenshtein.distance(g, p), len(g)


# ------------------------------------------------------------------ engine accuracy alone

@dataclass
class EngineStat:
    engine: str
    distance: int = 0
    chars: int = 0
    blocks: int = 0
    pages: int = 0
    ocr_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return 1.0 - self.distance / self.chars if self.chars else 0.0


@dataclass(frozen=True)
class GoldBlock:
    box: tuple[float, float, float, float]   # PDF points
    text: str
    vertical: bool


def column_groups(lines: list[tuple[str, tuple]]) -> list[list[tuple[str, tuple]]]:
    """PyMuPDF sometimes puts lines of neighbouring columns at the same height (and a headline
    with the body lines under it) into one block; split a block into groups of lines of one
    line height whose x ranges overlap (one group per column)."""
    by_size: dict[int, list[tuple[str, tuple]]] = {}
    for t, bb in lines:   # line heights in 1.5 pt buckets: body 9-10 pt vs heads 14 pt and more
        by_size.setdefault(round((bb[3] - bb[1]) / 1.5), []).append((t, bb))
    if len(by_size) > 1:
        return [g for _, part in sorted(by_size.items()) for g in column_groups_one(part)]
    return column_groups_one(lines)


def column_groups_one(lines: list[tuple[str, tuple]]) -> list[list[tuple[str, tuple]]]:
    groups: list[list[tuple[str, tuple]]] = []
    spans: list[list[float]] = []
    for t, bb in sorted(lines, key=lambda tb: tb[1][0]):
        if spans and bb[0] < spans[-1][1]:
            groups[-1].append((t, bb))
            spans[-1][1] = max(spans[-1][1], bb[2])
        else:
            groups.append([(t, bb)])
            spans.append([bb[0], bb[2]])
    return groups


def reading_order(lines: list[tuple[str, tuple]], vertical: bool) -> list[tuple[str, tuple]]:
    """Lines of one block in reading order (synth draws in shuffled order, so PyMuPDF's order is
    the drawing order): rows top-down, each left to right; vertical: columns right to left."""
    a, b = (0, 1) if vertical else (1, 0)       # the axis lines stack along, the axis within
    rows: list[list[tuple[str, tuple]]] = []
    for t, bb in sorted(lines, key=lambda tb: (-tb[1][2] if vertical else tb[1][1], tb[1][b])):
        c = (bb[a] + bb[a + 2]) / 2
        if rows:
            r = rows[-1][0][1]
            if abs((r[a] + r[a + 2]) / 2 - c) < (r[a + 2] - r[a]) / 2:
                rows[-1].append((t, bb))
                continue
        rows.append([(t, bb)])
    return [tb for row in rows for tb in sorted(row, key=lambda tb: tb[1][b])]


def pdf_blocks(pdf: Path) -> list[list[GoldBlock]]:
    """The text blocks of every page of the edition PDF, as PyMuPDF groups them."""
    import pymupdf

    pages = []
    with pymupdf.open(pdf) as doc:
        for page in doc:
            blocks = []
            for b in page.get_text("dict")["blocks"]:
                if b.get("type", 0) != 0:
                    continue
                lines = [("".join(s["text"] for s in ln["spans"]), ln["bbox"]) for ln in b["lines"]]
                lines = [(t, bb) for t, bb in lines if t.strip()]
                if not lines:
                    continue
                x0, y0, x1, y1 = b["bbox"]
                vertical = (y1 - y0) > VERTICAL_BLOCK_ASPECT * (x1 - x0) and all(len(nonspace(t)) <= 2 for t, _ in lines)
                for part in ([lines] if vertical else column_groups(lines)):
                    part = reading_order(part, vertical)
                    box = (min(bb[0] for _, bb in part), min(bb[1] for _, bb in part),
                           max(bb[2] for _, bb in part), max(bb[3] for _, bb in part))
                    blocks.append(GoldBlock(box, drop_cjk_spaces("".join(t for t, _ in part)), vertical))
            pages.append(blocks)
    return pages


def deskewed(image: np.ndarray, angle: float, w0: int, h0: int) -> np.ndarray:
    """Undo the synth skew exactly: rotate back and cut the original page frame out again."""
    import cv2

    if not angle:
        return image
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    back = cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    ox, oy = (w - w0) // 2, (h - h0) // 2
    return back[oy:oy + h0, ox:ox + w0]


def engine_accuracy(ed: Path, seed: int, dpi: int, level: str, engines: list[str],
                    stats: dict[str, EngineStat], log) -> None:
    """OCR every text block of every page of one edition with each engine; add to ``stats``."""
    from segmenter.synth.scan import DEGRADATIONS, degrade, render_pages

    pdf_bytes = (ed / "edition.pdf").read_bytes()
    clean = render_pages(pdf_bytes, dpi)
    golds = pdf_blocks(ed / "edition.pdf")
    n = len(clean)
    scale = dpi / 72.0
    margin = CROP_MARGIN_PX * dpi / DEFAULT_DPI
    for i, page in enumerate(clean):
        sp = degrade(page, clean[(i + 1) % n] if n > 1 else page, DEGRADATIONS[level], seed, i + 1, dpi)
        on_disk = ed / SCANS_DIR / f"page-{i + 1:02d}.png"
        if on_disk.is_file():   # the scan the runs read is this one (same seed, same bytes)
            import cv2
            assert np.array_equal(cv2.imread(str(on_disk), cv2.IMREAD_GRAYSCALE), sp.image), on_disk
        img = deskewed(sp.image, sp.skew_deg, page.shape[1], page.shape[0])
        H, W = img.shape
        for name in engines:
            st = stats[name]
            try:
                engine = get_engine(name)
            except Exception as ex:  # noqa: BLE001
                st.failures.append(f"{ed.name} p{i + 1}: {_first_line(str(ex))}")
                continue
            t0 = time.perf_counter()
            for b in golds[i]:
                x0 = max(0, int(math.floor(b.box[0] * scale - margin)))
                y0 = max(0, int(math.floor(b.box[1] * scale - margin)))
                x1 = min(W, int(math.ceil(b.box[2] * scale + margin)))
                y1 = min(H, int(math.ceil(b.box[3] * scale + margin)))
                if x1 - x0 < 2 or y1 - y0 < 2:
                    continue
                lines = engine.recognize(np.ascontiguousarray(img[y0:y1, x0:x1]), vertical=b.vertical)
                got = "".join(ln.text for ln in lines)
                d, c = char_accuracy(b.text, got)
                st.distance += d
                st.chars += c
                st.blocks += 1
            st.ocr_seconds += time.perf_counter() - t0
            st.pages += 1
            log(f"{ed.name} p{i + 1} {name}: accuracy so far {st.accuracy:.4f}, "
                f"{st.ocr_seconds / st.pages:.1f} s/page")


# ------------------------------------------------------------------ end-to-end runs

def article_text(folder: Path) -> str:
    """All article text of one edition folder (index.xml order)."""
    root = etree.parse(str(folder / "index.xml")).getroot()
    out = []
    for el in root:
        if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == "article" and el.get("file"):
            art = etree.parse(str(folder / el.get("file"))).getroot()
            out.append("".join(t for t in art.itertext()))
    return "".join(out)


def edition_folder(out: Path) -> Path:
    if (out / "index.xml").is_file():
        return out
    subs = [p for p in sorted(out.iterdir()) if (p / "index.xml").is_file()]
    if len(subs) != 1:
        raise EvalError(f"{out}: expected one edition folder, found {len(subs)}")
    return subs[0]


@dataclass
class RunRow:
    row: Row
    distance: int = 0
    chars: int = 0

    @property
    def char_accuracy(self) -> float:
        return 1.0 - self.distance / self.chars if self.chars else 0.0


def run_jobs(ed: Path, name: str, engines: list[str], rows: dict[str, RunRow], work: Path, log) -> None:
    from segmenter.cli import main

    gold = ed / "gold"
    pages = gold_pages(gold)
    empty_dir = work / "empty-output"
    empty_dir.mkdir(parents=True, exist_ok=True)
    empty = evaluate(gold, empty_dir).overall
    scans = sorted(str(p) for p in (ed / SCANS_DIR).glob("page-*.png"))
    gold_text = article_text(gold)
    jobs = [(f"segmenter (scan, {e})", ["run", "--ocr", e] + scans) for e in engines]
    jobs += [(f"baseline: {e} whole page", ["run", "--extractor", e] + scans) for e in engines]
    for label, argv in jobs:
        rr = rows.setdefault(label, RunRow(Row(label, "scan")))
        out = work / "out" / name / _slug(label)
        t0 = time.perf_counter()
        code, _, err = call(main, argv + ["-o", str(out)])
        rr.row.seconds += time.perf_counter() - t0
        if code != 0:
            msg = _first_line(err) or f"exit {code}"
            rr.row.fail(name, msg, empty, pages)
            rr.chars += len(nonspace(gold_text))
            rr.distance += len(nonspace(gold_text))
            log(f"{name} {label}: failed: {msg}")
            continue
        try:
            scores = evaluate(gold, out).overall
            d, c = char_accuracy(gold_text, article_text(edition_folder(out)))
        except (EvalError, OSError, etree.LxmlError) as ex:
            rr.row.fail(name, f"eval: {ex}", empty, pages)
            log(f"{name} {label}: eval failed: {ex}")
            continue
        rr.row.add(scores, pages)
        rr.distance += d
        rr.chars += c
        log(f"{name} {label}: article F1 {scores.article_f1:.3f}, text R {scores.text_recall:.3f}, "
            f"chars {1 - d / max(c, 1):.4f}, {rr.row.seconds:.1f} s so far")


# ------------------------------------------------------------------ reporting

def render(stats: dict[str, EngineStat], rows: dict[str, RunRow]) -> str:
    out = ["| engine alone (deskewed block crops) | pages | blocks | gold chars | char accuracy | OCR s/page |",
           "|---|---|---|---|---|---|"]
    for st in stats.values():
        sp = st.ocr_seconds / st.pages if st.pages else 0.0
        out.append(f"| {st.engine} | {st.pages} | {st.blocks} | {st.chars} | {st.accuracy:.4f} | {sp:.1f} |")
    if rows:
        out += ["", "| run | pages | articles g/p | art F1 | text R | text P | headline | char accuracy | s/page |",
                "|---|---|---|---|---|---|---|---|---|"]
        for rr in rows.values():
            r = rr.row
            if not r.editions_ok:
                out.append(f"| {r.label} | failed ({r.failures[0] if r.failures else ''}) | | | | | | | |")
                continue
            s = r.scores
            pages = str(r.pages) if r.pages == r.pages_total else f"{r.pages}/{r.pages_total}"
            out.append(f"| {r.label} | {pages} | {s.gold_articles}/{s.pred_articles} | {s.article_f1:.3f} | "
                       f"{s.text_recall:.3f} | {s.text_precision:.3f} | {s.headline_accuracy:.3f} | "
                       f"{rr.char_accuracy:.4f} | {r.seconds / max(r.pages_total, 1):.1f} |")
        out.append("| target (issue #5, best engine's segmenter row) | ≥ 20 | | ≥ 0.90 | ≥ 0.95 | ≥ 0.95 | ≥ 0.90 | ≥ 0.97 | |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--editions", type=int, default=None, help="editions (default 4; 1 with --quick)")
    p.add_argument("--pages-per-edition", type=int, default=None, help="pages each (default 5; 3 with --quick)")
    p.add_argument("--seed", type=int, default=0, help="edition k uses synth seed SEED*1000+k")
    p.add_argument("--dpi", type=int, default=DEFAULT_DPI)
    p.add_argument("--degrade", default="heavy", choices=("none", "light", "heavy"))
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--no-runs", action="store_true", help="engine accuracy only (no segmenter / baseline runs)")
    p.add_argument("--no-engines", action="store_true", help="runs only (no engine-alone accuracy)")
    p.add_argument("--quick", action="store_true", help="1 edition of 3 pages")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--json", type=Path, default=RESULTS / "quality_scan.json")
    args = p.parse_args(argv)
    eds = args.editions or (1 if args.quick else 4)
    ppe = args.pages_per_edition or (3 if args.quick else 5)
    engines = [e for e in args.engines.split(",") if e]
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    from segmenter.cli import main as cli

    stats = {e: EngineStat(e) for e in engines} if not args.no_engines else {}
    rows: dict[str, RunRow] = {}
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        work = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="quality_scan_")))
        work.mkdir(parents=True, exist_ok=True)
        for k in range(eds):
            name, seed = f"ed{k:02d}", args.seed * 1000 + k
            ed = work / name
            if not (ed / SCANS_DIR).is_dir():
                code, _, err = call(cli, ["synth", "--pages", str(ppe), "--seed", str(seed), "-o", str(ed),
                                          "--scans", "--dpi", str(args.dpi), "--degrade", args.degrade])
                if code != 0:
                    log(f"{name}: synth failed: {_first_line(err)}")
                    continue
            if stats:
                engine_accuracy(ed, seed, args.dpi, args.degrade, engines, stats, log)
            if not args.no_runs:
                run_jobs(ed, name, engines, rows, work, log)
    seconds = time.perf_counter() - t0
    print(f"## Scan quality: {eds} edition(s) × {ppe} page(s), {args.dpi} dpi, degrade {args.degrade}, "
          f"seed {args.seed}\n")
    print(render(stats, rows))
    data = {"benchmark": "quality_scan",
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "platform": platform.platform(),
            "config": {"editions": eds, "pages_per_edition": ppe, "dpi": args.dpi, "degrade": args.degrade,
                       "seed": args.seed, "engines": engines, "seconds": round(seconds, 1)},
            "engines": [{"engine": s.engine, "pages": s.pages, "blocks": s.blocks, "gold_chars": s.chars,
                         "distance": s.distance, "char_accuracy": round(s.accuracy, 5),
                         "ocr_seconds_per_page": round(s.ocr_seconds / max(s.pages, 1), 2),
                         "failures": s.failures} for s in stats.values()],
            "runs": [dict(rr.row.to_dict(), char_accuracy=round(rr.char_accuracy, 5)) for rr in rows.values()]}
    write_json(args.json, data)
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
