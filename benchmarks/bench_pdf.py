"""Speed and memory benchmark for born-digital PDF input (issue #3; ``make bench``).

Targets (issue #3, PDFs):
  * >= 10 broadsheet pages per second end to end, after start-up, on one core
    (read -> layout -> roles -> assemble -> render XML, through ``pipeline.plan`` /
    ``pipeline.segment_edition`` and ``export.render``; no process start-up);
  * <= 3x the time of PyMuPDF's bare ``page.get_text("rawdict")`` on the same pages
    (the baseline, measured in the same run, interleaved, in a process that imported only
    PyMuPDF: open the PDF, get_text("rawdict") on every page; the verdict is the median of
    each segmenter pass over the mean of the baseline passes just before and after it);
  * memory flat over a 200-page edition: the peak RSS of a child process segmenting 200
    pages is less than 25 % above that of one segmenting 50 pages.

Start-up (``segmenter run`` on a 1-page PDF, in a subprocess) is reported separately, next
to ``python -c pass``.  Every figure is printed next to a baseline measured in the same run,
so ratios can be compared across machines.  The script reports PASS/FAIL per target but
always exits 0: benchmarks report, they do not gate CI.

Test pages come from the page generator (``segmenter.synth.generate(pages, seed, outdir)``,
which writes ``outdir/edition.pdf``).  ``--stand-in`` builds a simpler PDF instead (A3
pages, ~6,000 CJK characters each in 6 columns, text of the gold articles of
fixtures/seeds/), for when synth is not available.

Memory: the 200-page PDF is split into 20 files of 10 pages (``insert_pdf``) in one folder;
children segment folders holding the first 20, 50, 100 and 200 pages (one edition each) and
report their peak RSS (``ru_maxrss``), their RSS after the imports, after segmentation and
after rendering, and what the finished edition still holds (lines, blocks, characters,
objects alive by type).

Usage: .venv/bin/python benchmarks/bench_pdf.py [--quick] [--profile] [--speed-only] [--stand-in]
       [--pages N] [--seed S] [--json PATH]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as _dt
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
from results_io import pin_to_one_core, print_verdicts, write_json  # noqa: E402

TARGET_PAGES_PER_S = 10.0
TARGET_RAWDICT_RATIO = 3.0
TARGET_MEM_GROWTH = 0.25          # (peak at 200 pages - peak at 50) / peak at 50
MEM_SHARES = (0.10, 0.25, 0.50, 1.0)   # of the memory edition: 20, 50, 100, 200 of 200 pages
MEM_FILES = 20                    # the memory edition is split into this many files
SEED = 3

# the rawdict baseline's own process: one pass over the PDF per line read from stdin
CLEAN_RAWDICT = """
import sys, time, pymupdf
for _ in sys.stdin:
    t = time.perf_counter()
    with pymupdf.open(sys.argv[1]) as doc:
        for page in doc:
            page.get_text("rawdict")
    print(time.perf_counter() - t, flush=True)
"""

# stand-in page geometry: A3 in points, 6 columns
A3 = (842.0, 1191.0)
MARGIN_X, TOP, BOTTOM, GUTTER = 36.0, 90.0, 1150.0, 12.0
COLUMNS = 6
BODY_SIZE, BODY_LEAD = 9.0, 1.38
HEAD_SIZE, HEAD_LEAD = 16.0, 1.25
STAND_IN_CHARS = 6000


# --- test pages -------------------------------------------------------------------------------

def synth_pdf(pages: int, seed: int, outdir: Path) -> Path:
    """``segmenter synth --pages N --seed S -o DIR``, in this process; DIR/edition.pdf."""
    from segmenter.synth import generate
    generate(pages, seed, outdir)
    pdf = outdir / "edition.pdf"
    if not pdf.exists():
        raise SystemExit(f"segmenter.synth.generate wrote no {pdf}")
    return pdf


def _wrap(font, text: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """Lines of ``text`` no wider than ``width`` points (the first one ``indent`` narrower)."""
    out, cur, w, limit = [], "", 0.0, width - indent
    for ch in text:
        cw = font.text_length(ch, fontsize=size)
        if w + cw > limit and cur:
            out.append(cur)
            cur, w, limit = "", 0.0, width
        cur += ch
        w += cw
    if cur:
        out.append(cur)
    return out


def stand_in_pdf(pages: int, seed: int, outdir: Path) -> Path:
    """A3 pages with ~6,000 CJK characters each in 6 columns: a folio line, then articles
    (a 16 pt headline, 9 pt body paragraphs indented two ems) flowing down the columns."""
    import pymupdf
    from bench_textdump import seed_articles

    font = pymupdf.Font("cjk")
    articles = seed_articles()
    rng = random.Random(seed)
    col_w = (A3[0] - 2 * MARGIN_X - (COLUMNS - 1) * GUTTER) / COLUMNS
    doc = pymupdf.open()

    def stream():
        while True:
            order = list(articles)
            rng.shuffle(order)
            yield from order

    arts = stream()
    for n in range(1, pages + 1):
        page = doc.new_page(width=A3[0], height=A3[1])
        page.insert_font(fontname="cjk", fontbuffer=font.buffer)
        tw = pymupdf.TextWriter(page.rect)      # one content stream per page (fast)
        tw.append((MARGIN_X, 60), f"第{n}版", font=font, fontsize=10)
        tw.append((A3[0] / 2 - 60, 60), "2025年3月31日 星期一", font=font, fontsize=10)
        col, y, chars = 0, TOP, 0
        full = False
        while not full and chars < STAND_IN_CHARS:
            head, paras = next(arts)
            pieces = [(HEAD_SIZE, HEAD_LEAD, _wrap(font, head, HEAD_SIZE, col_w), 2 * HEAD_SIZE)]
            pieces += [(BODY_SIZE, BODY_LEAD, _wrap(font, p, BODY_SIZE, col_w, 2 * BODY_SIZE), 0.0)
                       for p in paras]
            for i, (size, lead, lines, space_after) in enumerate(pieces):
                for j, ln in enumerate(lines):
                    if y + size * lead > BOTTOM:
                        col, y = col + 1, TOP
                        if col == COLUMNS:
                            full = True
                            break
                    x = MARGIN_X + col * (col_w + GUTTER) + (2 * BODY_SIZE if i and j == 0 else 0.0)
                    tw.append((x, y + size), ln, font=font, fontsize=size)
                    y += size * lead
                    chars += len(ln)
                    if chars >= STAND_IN_CHARS:
                        break
                if full or chars >= STAND_IN_CHARS:
                    break
                y += space_after
            y += BODY_SIZE * 1.5          # gap between articles
        tw.write_text(page)
    pdf = outdir / "edition.pdf"
    doc.subset_fonts()
    doc.save(pdf, garbage=3, deflate=True)
    doc.close()
    return pdf


def first_pages(src: Path, n: int, dest: Path) -> Path:
    import pymupdf
    with pymupdf.open(src) as doc, pymupdf.open() as out:
        out.insert_pdf(doc, from_page=0, to_page=min(n, doc.page_count) - 1)
        out.save(dest, garbage=3, deflate=True)
    return dest


def split_pdf(src: Path, outdir: Path, files: int) -> list[Path]:
    """``src`` as ``files`` PDFs of equal page counts, part_001.pdf … (name order = page order)."""
    import pymupdf
    outdir.mkdir(parents=True, exist_ok=True)
    parts = []
    with pymupdf.open(src) as doc:
        per = doc.page_count // files
        for k in range(files):
            with pymupdf.open() as out:
                out.insert_pdf(doc, from_page=k * per, to_page=(k + 1) * per - 1)
                p = outdir / f"part_{k + 1:03d}.pdf"
                out.save(p, garbage=3, deflate=True)
                parts.append(p)
    return parts


def page_census(pdf: Path) -> dict:
    import pymupdf
    with pymupdf.open(pdf) as doc:
        chars = [sum(1 for c in pg.get_text("text") if not c.isspace()) for pg in doc]
        return {"pages": doc.page_count, "size_pt": [round(doc[0].rect.width), round(doc[0].rect.height)],
                "chars_per_page": round(statistics.mean(chars)), "bytes": pdf.stat().st_size}


# --- measuring --------------------------------------------------------------------------------

def run_subprocess_time(argv: list[str], reps: int, cwd: Path) -> float:
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        r = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ts.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {r.returncode}: "
                               f"{r.stderr.decode(errors='replace').strip()[:300]}")
    return statistics.median(ts)


def segmenter_cmd() -> list[str]:
    script = Path(sys.executable).parent / "segmenter"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from segmenter.cli import console; console()"]


#: run in a fresh interpreter: segment one folder (one edition), print JSON on stdout
MEM_CHILD = r"""
import gc, json, resource, sys, time
from collections import Counter
from pathlib import Path
sys.path.insert(0, sys.argv[2])

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")

from segmenter import export
from segmenter.pipeline import plan, segment_edition
from segmenter.settings import Settings
import segmenter.readers.pdf, segmenter.geolayout, segmenter.georoles, segmenter.geoassemble  # noqa
import pymupdf, scipy.optimize  # noqa
r = {"rss_imports_mb": status("VmRSS")}
# jieba's dictionary (~65 MB) is loaded by the first page with a dangling line end; load it
# up front in every child, so that the growth measured is per page, not a one-off step
try:
    from segmenter.continuity import _freq
    _freq()
except Exception as e:  # noqa: BLE001
    r["jieba_preload_error"] = repr(e)
r["rss_base_mb"] = status("VmRSS")
ed = plan([Path(sys.argv[1])])[0]
t0 = time.perf_counter()
edition = segment_edition(ed, Settings())
r["segment_s"] = time.perf_counter() - t0
r["rss_segmented_mb"] = status("VmRSS")
r["hwm_segmented_mb"] = status("VmHWM")
xml = export.render(edition)
r["xml_bytes"] = sum(len(v) for v in xml.values())
r["rss_rendered_mb"] = status("VmRSS")
r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # before the census
r["hwm_mb"] = status("VmHWM")
del xml
r["errors"] = ed.errors[:5]
pages = edition.pages
r["pages"] = len(pages)
r["articles"] = len(edition.articles)
r["others"] = len(edition.others)
r["lines_kept"] = sum(len(p.lines) for p in pages)
r["blocks_kept"] = sum(len(p.blocks) for p in pages)
r["graphics_kept"] = sum(len(getattr(p, "graphics", []) or []) for p in pages)
r["line_chars_kept"] = sum(len(ln.text) for p in pages for ln in p.lines)
gc.collect()
census = Counter(type(o).__name__ for o in gc.get_objects())
r["alive_chars"] = census.get("_Chars", 0) + census.get("_Extraction", 0)   # the reader's per-page arrays
r["alive_top"] = census.most_common(12)
print(json.dumps(r))
"""

#: the same with tracemalloc: what the finished edition holds, by allocating line
TRACE_CHILD = r"""
import json, sys, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from segmenter.pipeline import plan, segment_edition
from segmenter.settings import Settings
import segmenter.readers.pdf, segmenter.geolayout, segmenter.georoles, segmenter.geoassemble  # noqa
import pymupdf, scipy.optimize  # noqa
ed = plan([Path(sys.argv[1])])[0]
segment_edition(plan([Path(sys.argv[1])])[0], Settings())  # warm caches (jieba, lexicons)
tracemalloc.start(1)
base = tracemalloc.take_snapshot()
edition = segment_edition(ed, Settings())
cur, peak = tracemalloc.get_traced_memory()
snap = tracemalloc.take_snapshot()
stats = snap.compare_to(base, "lineno")[:10]
root = sys.argv[2]
out = {"held_mb": cur / 2**20, "traced_peak_mb": peak / 2**20, "pages": len(edition.pages),
       "top": [[str(s.traceback[0]).replace(root + "/", ""), round(s.size_diff / 2**20, 2), s.count_diff]
               for s in stats]}
print(json.dumps(out))
"""


def child_json(code: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(ROOT)], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"child on {folder.name} failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


# --- main -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 4 pages for speed, a 40-page memory edition, fewer repetitions")
    ap.add_argument("--profile", action="store_true",
                    help="also print the top 15 cProfile entries (cumulative) of one pass")
    ap.add_argument("--speed-only", action="store_true",
                    help="measure speed only (no start-up, no memory children)")
    ap.add_argument("--stand-in", action="store_true",
                    help="use a simple generated A3 PDF instead of segmenter.synth")
    ap.add_argument("--pages", type=int, default=None, help="pages timed for speed (default 20, quick 4)")
    ap.add_argument("--mem-pages", type=int, default=None,
                    help="pages of the memory edition (default 200, quick 40; a multiple of 20)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"synth seed (default {SEED})")
    ap.add_argument("--json", type=Path, default=RESULTS / "bench_pdf.json", help="where to write results")
    args = ap.parse_args(argv)

    pinned = pin_to_one_core()
    n_speed = args.pages or (4 if args.quick else 20)
    n_mem = args.mem_pages or (40 if args.quick else 200)
    if n_mem % MEM_FILES:
        ap.error(f"--mem-pages must be a multiple of {MEM_FILES}")
    reps = 3 if args.quick else 21
    sub_reps = 2 if args.quick else 5
    source = "stand-in" if args.stand_in else "synth"
    make_pdf = stand_in_pdf if args.stand_in else synth_pdf
    sys.path.insert(0, str(Path(__file__).resolve().parent))   # bench_textdump, for the stand-in

    import pymupdf

    from segmenter import export
    from segmenter.pipeline import plan, segment_edition
    from segmenter.settings import Settings

    settings = Settings()
    results: dict = {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": args.quick, "source": source, "seed": args.seed,
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "pymupdf": pymupdf.__version__, "cpus": os.cpu_count(),
                    "pinned_to_one_core": pinned,
                    "processor": platform.processor() or platform.machine()},
        "targets": {"pages_per_s": TARGET_PAGES_PER_S, "rawdict_ratio": TARGET_RAWDICT_RATIO,
                    "memory_growth_50_to_200": TARGET_MEM_GROWTH},
    }
    rows: list[tuple[str, str, str, str]] = []   # (measure, value, target, verdict)
    notes: list[str] = []
    checks: dict[str, bool | None] = {}

    with tempfile.TemporaryDirectory(prefix="segbench_pdf.") as tmpname:
        tmp = Path(tmpname)
        t0 = time.perf_counter()
        print(f"generating a {n_mem}-page edition ({source}, seed {args.seed}) …", file=sys.stderr)
        (tmp / "gen").mkdir()
        big = make_pdf(n_mem, args.seed, tmp / "gen")
        results["generate_s"] = time.perf_counter() - t0
        speed_pdf = first_pages(big, n_speed, tmp / "speed.pdf")
        one_pdf = first_pages(big, 1, tmp / "one.pdf")
        results["test_pdf"] = page_census(speed_pdf)
        cpp = results["test_pdf"]["chars_per_page"]
        rows.append(("test pages", f"{n_speed} × {results['test_pdf']['size_pt'][0]}×"
                     f"{results['test_pdf']['size_pt'][1]} pt, {cpp:,} ch/page", f"{source}", ""))

        # --- speed, after warm-up -------------------------------------------------------------
        def one_pass() -> tuple:
            ed = plan([speed_pdf])[0]
            edition = segment_edition(ed, settings)
            xml = export.render(edition)
            return ed, edition, xml

        def rawdict_pass() -> None:
            with pymupdf.open(speed_pdf) as doc:
                for page in doc:
                    page.get_text("rawdict")

        # The baseline a user gets: bare get_text("rawdict") in a process that has imported
        # PyMuPDF and nothing else.  In this process the same call runs up to 2x slower, because
        # its ~4 containers per character trigger full garbage collections that walk everything
        # segmenter keeps alive (jieba's dictionary, the warm-up edition); timing it here would
        # flatter the ratio.  The child waits on its stdin between passes (same core, idle).
        clean = subprocess.Popen([sys.executable, "-c", CLEAN_RAWDICT, str(speed_pdf)], cwd=ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

        def clean_rawdict_pass() -> float:
            clean.stdin.write("\n")
            clean.stdin.flush()
            return float(clean.stdout.readline())

        print("speed …", file=sys.stderr)
        ed, edition, xml = one_pass()                # warm-up: jieba, scipy, caches
        if ed.errors:
            notes.append(f"page errors on the speed PDF: {ed.errors[:3]}")
        n_read = len(edition.pages)
        rawdict_pass()
        # a staged pass gives the breakdown (internals may move, so it is only a breakdown)
        try:
            from segmenter.assemble import assemble_edition
            from segmenter.pipeline import read_edition
            from segmenter.readers.pdf import read_pdf
        except ImportError as e:
            assemble_edition = None
            notes.append(f"stage breakdown skipped: {e}")
        st: dict[str, list[float]] = {"read_pdf": [], "read_layout_roles": [], "assemble": [], "render": []}

        def staged_pass() -> None:
            t = time.perf_counter()
            read_pdf(speed_pdf, 1, settings)
            st["read_pdf"].append(time.perf_counter() - t)
            ed2 = plan([speed_pdf])[0]
            t = time.perf_counter()
            e2 = read_edition(ed2, settings)
            st["read_layout_roles"].append(time.perf_counter() - t)
            t = time.perf_counter()
            assemble_edition(e2, settings)
            st["assemble"].append(time.perf_counter() - t)
            t = time.perf_counter()
            export.render(e2)
            st["render"].append(time.perf_counter() - t)

        clean_rawdict_pass()                # its warm-up
        t_seg, t_raw, t_around, t_here = [], [], [], []
        for _ in range(reps):               # interleaved, so load from elsewhere hits all alike
            before = clean_rawdict_pass()
            t = time.perf_counter()
            one_pass()
            t_seg.append(time.perf_counter() - t)
            after = clean_rawdict_pass()
            t_raw += [before, after]
            t_around.append((before + after) / 2)
            t = time.perf_counter()
            rawdict_pass()
            t_here.append(time.perf_counter() - t)
            if assemble_edition is not None:
                staged_pass()
        clean.stdin.close()
        clean.wait()
        seg, raw = statistics.median(t_seg), statistics.median(t_raw)
        here = statistics.median(t_here)
        pps = n_speed / seg
        # the verdict takes each segmenter pass against the mean of the baseline passes just
        # before and just after it (the machine's speed drifts over seconds: adjacent passes
        # see the same drift, and a linear drift cancels out), the median of those ratios;
        # the ratio of the two medians and of the fastest runs are printed beside it
        paired = sorted(s_ / r_ for s_, r_ in zip(t_seg, t_around))
        ratio = statistics.median(paired)
        results["speed"] = {"pages": n_speed, "pages_read": n_read, "articles": len(edition.articles),
                            "others": len(edition.others), "xml_files": len(xml),
                            "median_s": seg, "runs_s": t_seg, "pages_per_s": pps, "ms_per_page": 1000 * seg / n_speed,
                            "rawdict_median_s": raw, "rawdict_runs_s": t_raw,
                            "rawdict_ms_per_page": 1000 * raw / n_speed, "ratio_to_rawdict": ratio,
                            "rawdict_in_process_ms_per_page": 1000 * here / n_speed,
                            "rawdict_in_process_runs_s": t_here,
                            "ratio_of_fastest_runs": min(t_seg) / min(t_raw), "ratio_of_medians": seg / raw,
                            "paired_ratios": paired, "reps": reps}
        checks["pages_per_s"] = pps >= TARGET_PAGES_PER_S
        checks["rawdict_ratio"] = ratio <= TARGET_RAWDICT_RATIO
        per = 1000 / n_speed
        rows.append((f"end to end ({n_speed} pages, {len(edition.articles)} articles)",
                     f"{pps:.1f} pages/s ({per * seg:.0f} ms/page; runs {per * min(t_seg):.0f}–{per * max(t_seg):.0f})",
                     f"≥ {TARGET_PAGES_PER_S:.0f} pages/s", verdict(checks["pages_per_s"])))
        rows.append(("  baseline: PyMuPDF get_text(\"rawdict\"), own process",
                     f"{per * raw:.1f} ms/page (runs {per * min(t_raw):.1f}–{per * max(t_raw):.1f})", "", ""))
        rows.append(("  (same call in this process, for comparison)",
                     f"{per * here:.1f} ms/page (runs {per * min(t_here):.1f}–{per * max(t_here):.1f})", "", ""))
        rows.append(("ratio to rawdict (median of paired passes)",
                     f"{ratio:.2f}× (passes {paired[0]:.2f}–{paired[-1]:.2f}×; ratio of medians {seg / raw:.2f}×, "
                     f"of fastest runs {min(t_seg) / min(t_raw):.2f}×)",
                     f"≤ {TARGET_RAWDICT_RATIO:.0f}×", verdict(checks["rawdict_ratio"])))
        if st["render"]:
            ms = {k: per * statistics.median(v) for k, v in st.items()}
            ms["layout_roles"] = ms["read_layout_roles"] - ms["read_pdf"]
            results["stages_ms_per_page"] = ms
            for label, key in (("read (PDF → lines)", "read_pdf"), ("layout + roles", "layout_roles"),
                               ("assemble", "assemble"), ("render XML", "render")):
                rows.append((f"  stage: {label}", f"{ms[key]:.1f} ms/page",
                             f"{ms[key] / (per * raw):.1f}× rawdict", ""))

        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            one_pass()
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(15)
            results["profile_cumulative"] = buf.getvalue()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
            results["profile_tottime"] = buf.getvalue()
        del edition, xml

        if args.speed_only:
            notes.append("start-up and memory not measured (--speed-only)")
        else:
            # --- start-up -------------------------------------------------------------------------
            py = sys.executable
            print("start-up …", file=sys.stderr)
            try:
                t_bare = run_subprocess_time([py, "-c", "pass"], sub_reps, ROOT)
                t_mupdf = run_subprocess_time([py, "-c", "import pymupdf"], sub_reps, ROOT)
                t_run = run_subprocess_time(segmenter_cmd() + ["run", str(one_pdf), "-o", str(tmp / "out")],
                                            sub_reps, ROOT)
                t_jieba = run_subprocess_time([py, "-c", "import jieba, logging; jieba.setLogLevel(logging.WARNING); "
                                               "jieba.dt.check_initialized()"], sub_reps, ROOT)
                results["startup"] = {"bare_python_s": t_bare, "import_pymupdf_s": t_mupdf,
                                      "jieba_dictionary_s": t_jieba,
                                      "run_one_page_pdf_s": t_run, "ratio_run": t_run / t_bare,
                                      "one_page_s": 1 / pps, "reps": sub_reps}
                rows.append(("start-up: python -c pass", f"{t_bare * 1000:.0f} ms", "", ""))
                rows.append(("start-up: segmenter run 1-page PDF", f"{t_run * 1000:.0f} ms",
                             f"(report; {t_run / t_bare:.0f}× bare python)", ""))
                rows.append(("  part: import pymupdf", f"{t_mupdf * 1000:.0f} ms", "", ""))
                rows.append(("  part: import jieba + load dict (when a page needs it)", f"{t_jieba * 1000:.0f} ms", "", ""))
                rows.append(("  part: one page, warm (from above)", f"{1000 / pps:.0f} ms", "", ""))
            except RuntimeError as e:
                notes.append(f"start-up not measured: {e}")

            # --- memory ---------------------------------------------------------------------------
            print("memory …", file=sys.stderr)
            parts = split_pdf(big, tmp / "parts", MEM_FILES)
            per_file = n_mem // MEM_FILES
            mem: dict[int, dict] = {}
            for share in MEM_SHARES:
                n_files = max(1, round(share * MEM_FILES))
                n_pages = n_files * per_file
                folder = tmp / f"mem_{n_pages:04d}"
                folder.mkdir()
                for p in parts[:n_files]:
                    try:
                        os.link(p, folder / p.name)
                    except OSError:
                        shutil.copy(p, folder / p.name)
                try:
                    mem[n_pages] = child_json(MEM_CHILD, folder)
                    print(f"  {n_pages} pages: peak {mem[n_pages]['peak_rss_mb']:.0f} MB", file=sys.stderr)
                except RuntimeError as e:
                    notes.append(f"memory child for {n_pages} pages failed: {e}")
            counts = sorted(mem)
            results["memory"] = {"files": MEM_FILES, "pages_per_file": per_file,
                                 "runs": {str(k): v for k, v in mem.items()}}
            for n in counts:
                m = mem[n]
                rows.append((f"peak RSS, {n} pages ({m['articles']} articles)", f"{m['peak_rss_mb']:.0f} MB",
                             f"(RSS after segmentation {m['rss_segmented_mb']:.0f} MB)", ""))
            mid = round(MEM_SHARES[1] * MEM_FILES) * per_file       # 50 of 200
            if mid in mem and n_mem in mem:
                lo, hi = mem[mid]["peak_rss_mb"], mem[n_mem]["peak_rss_mb"]
                growth = (hi - lo) / lo
                per100 = (hi - lo) / (n_mem - mid) * 100
                checks["memory_flat"] = growth < TARGET_MEM_GROWTH
                results["memory"].update({"growth_mid_to_full": growth, "mb_per_100_pages": per100,
                                          "mid_pages": mid, "full_pages": n_mem})
                rows.append((f"peak growth {mid} → {n_mem} pages", f"+{100 * growth:.0f} % ({per100:.1f} MB/100 pages)",
                             f"< {100 * TARGET_MEM_GROWTH:.0f} %", verdict(checks["memory_flat"])))
                m = mem[n_mem]
                marginal = 1024 * (m["rss_segmented_mb"] - mem[mid]["rss_segmented_mb"]) / (n_mem - mid)
                results["memory"]["marginal_kb_per_page"] = marginal
                rows.append((f"  RSS held per extra page ({mid} → {n_mem}, after segmentation)",
                             f"{marginal:.0f} KB/page", "", ""))
                rows.append((f"  {n_mem} pages: RSS imports / + jieba dict / segmented / rendered",
                             f"{m['rss_imports_mb']:.0f} / {m['rss_base_mb']:.0f} / {m['rss_segmented_mb']:.0f} / "
                             f"{m['rss_rendered_mb']:.0f} MB", "", ""))
                rows.append((f"  kept after assembly, {n_mem} pages",
                             f"{m['lines_kept']:,} lines, {m['blocks_kept']:,} blocks, "
                             f"{m['line_chars_kept']:,} ch, {m['alive_chars']} reader page arrays alive", "", ""))
            if counts:
                try:
                    results["memory"]["traced"] = child_json(TRACE_CHILD, tmp / f"mem_{counts[0]:04d}")
                    tr = results["memory"]["traced"]
                    rows.append((f"  held by the edition (tracemalloc, {tr['pages']} pages)",
                                 f"{1024 * tr['held_mb'] / tr['pages']:.0f} KB/page", "", ""))
                except RuntimeError as e:
                    notes.append(f"tracemalloc child failed: {e}")

    # --- report -----------------------------------------------------------------------------
    results["pass"] = checks
    results["notes"] = notes
    print(f"segmenter PDF benchmark  {results['date']}  python {platform.python_version()}  "
          f"pymupdf {pymupdf.__version__}  {os.cpu_count()} cpu(s)"
          f"{'  pinned to core 0' if pinned else ''}{'  --quick' if args.quick else ''}")
    print()
    print_verdicts(rows)
    for n in notes:
        print(f"\nnote: {n}")
    if "memory" in results and results["memory"].get("traced"):
        print("\nheld after segment_edition (tracemalloc, by allocating line, MB, objects):")
        for where, mb, cnt in results["memory"]["traced"]["top"][:6]:
            print(f"  {mb:8.2f} MB {cnt:9,}  {where}")
    if args.profile:
        print(f"\nprofile, one pass over {n_speed} pages (cumulative):")
        print(results["profile_cumulative"])
        print("profile, same pass (tottime):")
        print(results["profile_tottime"])
    write_json(args.json, results, sort_keys=True)
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
