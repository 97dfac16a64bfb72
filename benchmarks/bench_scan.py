"""Speed and memory benchmark for scanned pages (issue #5 speed targets).

Targets (issue #5, scans):
  * page analysis, roles and assembly together <= 5 % of OCR time (per page, one core);
  * 2 worker processes >= 1.8x one (the same pages, OCR cache off);
  * peak memory per worker <= 1.5 GB for an A2 page at 300 dpi.

Pages come from the page generator with degraded scans (``segmenter.synth.generate(pages,
seed, outdir, scans=(dpi, "light"))``).  Per page, in this process, with the OCR cache off:
decode (``readers.image.decode_page``), page analysis (``scanlayout.analyse_page``), OCR (the
sum of ``engine.recognize`` over the page's regions, as ``readers.scan.scan_page`` calls it),
and the stages after reading: ``geolayout.layout_geometry`` + ``georoles.classify_geometry``
per page and ``assemble.assemble_edition`` over the pages (divided by their number).  The
ratio (analysis + roles + assembly) / OCR is the first target: OCR is the baseline measured
in the same run.  A warm-up page (not counted) loads the engine's models and the imports.

Workers: the same N pages (N >= 4) as one multi-page TIFF, read by ``readers.scan.read_scan``
with ``scan_workers=1`` and ``=2`` (wall time each, including the worker start-up), and the
machine's load average before and after (other processes share the cores).

Memory: one A2 page at 300 dpi (4961 x 7016 px: a synth A3 page rendered at 300 x sqrt(2) =
424 dpi, degraded "light"), read in a child process through the scan path with the default
settings' engine (``read_scan``, one worker, cache off): the child's own peak RSS (VmHWM
from /proc/self/status), next to that of a child that only imports and loads the engine, and
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (only an upper bound on Linux: a forked child's
ru_maxrss starts at its parent's peak, and this process has run OCR by then).

Output: a table on stdout, JSON in benchmarks/results/bench_scan.json.  Always exits 0
(benchmarks report, they do not gate CI).  Progress on stderr.

Usage: .venv/bin/python benchmarks/bench_scan.py [--quick] [--engine rapidocr|tesseract]
       [--dpi 200] [--pages 4] [--seed 5] [--no-workers] [--no-memory] [--profile] [--json PATH]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as _dt
import io
import json
import math
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("OMP_THREAD_LIMIT", "1")     # as the scan reader sets it
os.environ["SEGMENTER_OCR_CACHE"] = "off"          # every OCR call really runs

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
from results_io import print_verdicts, write_json  # noqa: E402

TARGET_SHARE = 0.05          # (analysis + roles + assembly) / OCR
TARGET_SPEEDUP = 1.8         # 2 workers against 1
TARGET_PEAK_MB = 1536.0      # 1.5 GB per worker, A2 page at 300 dpi
A2_DPI = round(300 * math.sqrt(2))    # an A3 page at this dpi has the pixels of A2 at 300
SEED = 5

MEM_CHILD = r"""
import json, os, resource, sys
os.environ["SEGMENTER_OCR_CACHE"] = "off"
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from segmenter.settings import Settings
from segmenter.readers.scan import read_scan
from segmenter.ocr import get_engine
def hwm():
    # this process's own peak (VmHWM: the high-water mark of the memory it has run in since
    # exec); ru_maxrss of a child starts at its parent's peak when it was forked (Linux)
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
settings = Settings(ocr_cache="off", scan_workers=1)
get_engine(settings.ocr_engine, None)
out = {"engine": settings.ocr_engine, "peak_imports_mb": hwm()}
if sys.argv[2] != "-":
    pages, problems = read_scan(Path(sys.argv[2]), 1, settings)
    out.update(pages=len(pages), lines=sum(len(p.lines) for p in pages), problems=problems,
               width=pages[0].width if pages else 0, height=pages[0].height if pages else 0)
out["peak_mb"] = hwm()
out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


class TimedEngine:
    """An OCR engine that adds up the time of its ``recognize`` calls."""

    def __init__(self, engine):
        self.engine = engine
        self.seconds = 0.0
        self.calls = 0

    def recognize(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return self.engine.recognize(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t
            self.calls += 1

    def __getattr__(self, name):
        return getattr(self.engine, name)


def make_pages(n: int, seed: int, dpi: int, outdir: Path) -> list[Path]:
    from segmenter.synth import generate
    generate(n, seed, outdir, scans=(dpi, "light"))
    pages = sorted((outdir / "scans").glob("page-*.png"))
    if len(pages) < n:
        raise SystemExit(f"segmenter.synth.generate wrote {len(pages)} scans, wanted {n}")
    return pages


def per_page(paths: list[Path], engine_name: str, profile: bool) -> tuple[list[dict], dict, str]:
    """Decode, analysis, OCR per page; layout + roles per page; assembly over the pages."""
    from segmenter import scanlayout
    from segmenter.assemble import assemble_edition
    from segmenter.containers import Edition
    from segmenter.geolayout import layout_geometry
    from segmenter.georoles import classify_geometry
    from segmenter.ocr import get_engine
    from segmenter.readers.image import decode_page
    from segmenter.readers.scan import scan_page
    from segmenter.settings import Settings

    settings = Settings(ocr_engine=engine_name, ocr_cache="off", scan_workers=1)
    engine = TimedEngine(get_engine(engine_name, None))
    analysis_s = [0.0]
    real = scanlayout.analyse_page

    def timed_analyse(gray):
        t = time.perf_counter()
        try:
            return real(gray)
        finally:
            analysis_s[0] += time.perf_counter() - t

    rows: list[dict] = []
    pages = []
    prof = cProfile.Profile() if profile else None
    scanlayout.analyse_page = timed_analyse     # scan_page looks it up at call time
    try:
        for k, path in enumerate([paths[0]] + paths):     # the first one warms up, not counted
            t = time.perf_counter()
            gray = decode_page(path, 1).gray
            t_decode = time.perf_counter() - t
            analysis_s[0], engine.seconds, engine.calls = 0.0, 0.0, 0
            if prof and k:
                prof.enable()
            t = time.perf_counter()
            page = scan_page(gray, max(1, k), path, 1, engine)
            t_scan = time.perf_counter() - t
            t = time.perf_counter()
            layout_geometry(page)
            classify_geometry(page)
            t_roles = time.perf_counter() - t
            if prof and k:
                prof.disable()
            if not k:
                continue
            pages.append(page)
            rows.append({"page": path.name, "pixels": [int(gray.shape[1]), int(gray.shape[0])],
                         "decode_s": t_decode, "analysis_s": analysis_s[0], "ocr_s": engine.seconds,
                         "ocr_calls": engine.calls, "scan_page_s": t_scan,
                         "crop_other_s": t_scan - analysis_s[0] - engine.seconds,
                         "layout_roles_s": t_roles, "lines": len(page.lines)})
            print(f"  {path.name}: analysis {analysis_s[0]:.2f} s, OCR {engine.seconds:.1f} s "
                  f"({engine.calls} regions), layout+roles {t_roles:.3f} s", file=sys.stderr)
    finally:
        scanlayout.analyse_page = real
    edition = Edition(name="bench", pages=pages)
    if prof:
        prof.enable()
    t = time.perf_counter()
    assemble_edition(edition, settings)
    t_assemble = time.perf_counter() - t
    if prof:
        prof.disable()
    text = ""
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(20)
        text = buf.getvalue()
    return rows, {"assemble_s": t_assemble, "articles": len(edition.articles), "others": len(edition.others)}, text


def _cpu() -> float:
    """CPU seconds of this process and of its children waited for."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def workers(paths: list[Path], engine_name: str, tmp: Path) -> dict:
    """The same pages as one multi-page TIFF, read with 1 and with 2 worker processes."""
    from PIL import Image

    from segmenter.readers.scan import read_scan
    from segmenter.settings import Settings

    tiff = tmp / "pages.tif"
    frames = [Image.open(p) for p in paths]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    out: dict = {"pages": len(paths), "load_before": loadavg()}
    for n in (1, 2):
        settings = Settings(ocr_engine=engine_name, ocr_cache="off", scan_workers=n)
        print(f"workers: {n} …", file=sys.stderr)
        cpu0 = _cpu()
        t = time.perf_counter()
        pages, problems = read_scan(tiff, 1, settings)
        out[f"workers_{n}_s"] = time.perf_counter() - t
        out[f"workers_{n}_cpu_s"] = _cpu() - cpu0
        out[f"workers_{n}_lines"] = sum(len(p.lines) for p in pages)
        if problems:
            out.setdefault("problems", []).extend(problems)
        out[f"load_after_{n}"] = loadavg()
    out["speedup"] = out["workers_1_s"] / out["workers_2_s"]
    return out


def a2_page(tmp: Path, seed: int) -> Path:
    """One A3 synth page rendered at A2_DPI (the pixels of A2 at 300 dpi), degraded "light"."""
    from segmenter.synth import generate
    from segmenter.synth.scan import DEGRADATIONS, degrade, encode_png, render_pages

    d = tmp / "a2"
    generate(1, seed, d)
    pdf = (d / "edition.pdf").read_bytes()
    page = render_pages(pdf, A2_DPI)[0]
    sp = degrade(page, page, DEGRADATIONS["light"], seed, 1, dpi=A2_DPI)
    path = tmp / "a2-page.png"
    path.write_bytes(encode_png(sp.image))
    return path


def child_peak(page: str) -> tuple[dict, float]:
    """Run MEM_CHILD on ``page`` ("-": imports and engine only); its report (with its own peak,
    VmHWM) and ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (MB) after it: on Linux the latter is
    at least this process's own peak when the child was forked (a child's ru_maxrss starts
    there), so it is an upper bound only."""
    proc = subprocess.run([sys.executable, "-c", MEM_CHILD, str(ROOT), page], capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr.strip().splitlines() or ["no output"])[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return json.loads(proc.stdout.strip().splitlines()[-1]), peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 pages, no workers or memory runs")
    ap.add_argument("--engine", default="rapidocr", choices=("rapidocr", "tesseract"))
    ap.add_argument("--dpi", type=int, default=200, help="scan resolution of the pages (150–300)")
    ap.add_argument("--pages", type=int, default=4, help="pages measured (and read by the workers; >= 4)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--no-workers", action="store_true")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--profile", action="store_true", help="cProfile of the measured pages (tottime)")
    ap.add_argument("--json", type=Path, default=RESULTS / "bench_scan.json")
    args = ap.parse_args(argv)
    n = 2 if args.quick else max(4, args.pages)
    results: dict = {"date": _dt.datetime.now().isoformat(timespec="seconds"), "python": platform.python_version(),
                     "cpus": os.cpu_count(), "engine": args.engine, "dpi": args.dpi, "seed": args.seed,
                     "quick": args.quick, "load_start": loadavg()}
    rows: list[tuple[str, str, str, str]] = []
    checks: dict[str, bool] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench_scan_") as td:
        tmp = Path(td)
        print(f"pages: {n} at {args.dpi} dpi …", file=sys.stderr)
        paths = make_pages(n, args.seed, args.dpi, tmp / "ed")[:n]

        # --- per page ---------------------------------------------------------------------
        per, asm, prof = per_page(paths, args.engine, args.profile)
        tot = {k: sum(r[k] for r in per) for k in ("decode_s", "analysis_s", "ocr_s", "layout_roles_s", "crop_other_s")}
        k = len(per)
        ms = {key[:-2] + "_ms_per_page": 1000 * v / k for key, v in tot.items()}
        ms["assemble_ms_per_page"] = 1000 * asm["assemble_s"] / k
        share = (tot["analysis_s"] + tot["layout_roles_s"] + asm["assemble_s"]) / tot["ocr_s"]
        share_analysis = tot["analysis_s"] / tot["ocr_s"]
        results["per_page"] = per
        results["assembly"] = asm
        results["ms_per_page"] = ms
        results["share_of_ocr"] = share
        results["analysis_share_of_ocr"] = share_analysis
        checks["share_of_ocr"] = share <= TARGET_SHARE
        px = per[0]["pixels"]
        rows.append((f"OCR ({args.engine}, {k} pages {px[0]}×{px[1]} px, cache off): baseline",
                     f"{ms['ocr_ms_per_page'] / 1000:.2f} s/page", "", ""))
        rows.append(("  decode PNG", f"{ms['decode_ms_per_page']:.0f} ms/page",
                     f"{ms['decode_ms_per_page'] / ms['ocr_ms_per_page']:.1%} of OCR", ""))
        rows.append(("  page analysis (analyse_page)", f"{ms['analysis_ms_per_page']:.0f} ms/page",
                     f"{share_analysis:.1%} of OCR", ""))
        rows.append(("  layout + roles (layout_geometry, classify_geometry)", f"{ms['layout_roles_ms_per_page']:.0f} ms/page",
                     f"{ms['layout_roles_ms_per_page'] / ms['ocr_ms_per_page']:.1%} of OCR", ""))
        rows.append((f"  assembly (assemble_edition, {asm['articles']} articles)", f"{ms['assemble_ms_per_page']:.0f} ms/page",
                     f"{ms['assemble_ms_per_page'] / ms['ocr_ms_per_page']:.1%} of OCR", ""))
        rows.append(("  crops, resizes, lines (scan_page besides analysis and OCR)",
                     f"{ms['crop_other_ms_per_page']:.0f} ms/page", "", ""))
        rows.append(("analysis + roles + assembly / OCR", f"{share:.1%}", f"≤ {TARGET_SHARE:.0%}",
                     verdict(checks["share_of_ocr"])))

        # --- memory (before the workers: RUSAGE_CHILDREN keeps the largest child's peak) ---
        if args.quick or args.no_memory:
            notes.append("memory not measured (--quick / --no-memory)")
        else:
            print(f"memory: A2 page at 300 dpi ({A2_DPI} dpi A3) …", file=sys.stderr)
            try:
                big = a2_page(tmp, args.seed)
                base, peak_base = child_peak("-")
                t = time.perf_counter()
                full, peak = child_peak(str(big))
                secs = time.perf_counter() - t
                results["memory"] = {"imports_engine": base, "a2": full, "rusage_children_mb": peak,
                                     "rusage_children_after_imports_mb": peak_base, "parent_peak_mb":
                                     resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                     "seconds": secs, "render_dpi": A2_DPI}
                checks["peak_memory"] = full["peak_mb"] <= TARGET_PEAK_MB
                rows.append((f"peak RSS (VmHWM), imports + {base['engine']} engine only: baseline",
                             f"{base['peak_imports_mb']:.0f} MB", "", ""))
                rows.append((f"peak RSS (VmHWM), one A2 page at 300 dpi ({full['width']:.0f}×{full['height']:.0f} px, "
                             f"{full['lines']} lines, {secs:.0f} s)", f"{full['peak_mb']:.0f} MB",
                             f"≤ {TARGET_PEAK_MB:.0f} MB", verdict(checks["peak_memory"])))
                rows.append(("  getrusage(RUSAGE_CHILDREN).ru_maxrss after the A2 child (upper bound: a child "
                             "starts at the forking parent's peak)",
                             f"{peak:.0f} MB", f"parent's own peak {results['memory']['parent_peak_mb']:.0f} MB", ""))
                if full.get("problems"):
                    notes.append(f"A2 page problems: {full['problems']}")
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                notes.append(f"memory child failed: {e}")

        # --- workers ----------------------------------------------------------------------
        if args.quick or args.no_workers:
            notes.append("workers not measured (--quick / --no-workers)")
        else:
            w = workers(paths, args.engine, tmp)
            results["workers"] = w
            checks["workers_speedup"] = w["speedup"] >= TARGET_SPEEDUP
            rows.append((f"read_scan, {w['pages']}-page TIFF, 1 worker: baseline", f"{w['workers_1_s']:.1f} s", "", ""))
            rows.append(("read_scan, 2 workers", f"{w['workers_2_s']:.1f} s", "", ""))
            rows.append(("speed-up 2 workers / 1", f"{w['speedup']:.2f}×", f"≥ {TARGET_SPEEDUP}×",
                         verdict(checks["workers_speedup"])))
            rows.append(("  CPU seconds used, 1 worker / 2 workers (same work: the gap is waiting for a core)",
                         f"{w['workers_1_cpu_s']:.1f} / {w['workers_2_cpu_s']:.1f} s", "", ""))
            rows.append(("  load average (1, 5, 15 min) before / after 1 / after 2 workers",
                         f"{w['load_before']} / {w['load_after_1']} / {w['load_after_2']}", f"{os.cpu_count()} cpus", ""))

    results["load_end"] = loadavg()
    results["pass"] = checks
    results["notes"] = notes
    if prof:
        results["profile_tottime"] = prof
    print(f"segmenter scan benchmark  {results['date']}  python {platform.python_version()}  "
          f"{os.cpu_count()} cpu(s)  engine {args.engine}  {args.dpi} dpi{'  --quick' if args.quick else ''}  "
          f"load {results['load_start']} → {results['load_end']}")
    print()
    print_verdicts(rows)
    for note in notes:
        print(f"\nnote: {note}")
    if prof:
        print("\nprofile of the measured pages (tottime):")
        print(prof)
    write_json(args.json, results, sort_keys=True)
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
