"""Speed and memory benchmark for text dumps (``make bench``).

Targets (issue: text dumps):
  * a 20,000-character dump page segmented in <= 50 ms after start-up, on one core;
  * start-up <= 1.5 s;
  * peak memory <= 300 MB;
  * cost grows no worse than quadratically in the number of fragments on a page.

Every time is also printed as a ratio to a baseline measured in the same run (bare
interpreter start-up; reading + decoding + splitting the same page into lines), so figures
from different machines can be compared.  The script reports PASS/FAIL per target but always
exits 0: benchmarks report, they do not gate CI.

Test pages are built deterministically (fixed seed) from the text of the seed dumps in
fixtures/seeds/, taken as segmented in fixtures/gold/ (headlines and paragraphs):
  * ``columns``: ~20,000 characters in the column-line style of seed 000 (paragraphs wrapped
    into lines of 17 CJK characters, each line followed by a blank line; headlines on their
    own lines);
  * ``markdown``: ~20,000 characters in the style of seed 003 (``# headline``, one paragraph
    per line);
  * ``fragments-N``: N paragraph pieces cut mid-sentence, shuffled so tails stand before
    their heads, with headlines, one piece per line.

Usage: .venv/bin/python benchmarks/bench_textdump.py [--quick] [--profile] [--json PATH]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as _dt
import io
import math
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
GOLD = ROOT / "fixtures" / "gold"
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(ROOT))
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
from results_io import pin_to_one_core, write_json  # noqa: E402

PAGE_CHARS = 20_000
COLUMN_CHARS = 17               # CJK characters per column line (seed 000)
FRAGMENT_COUNTS = (10, 100, 1000)
RNG_SEED = 20250331

TARGET_PAGE_MS = 50.0
TARGET_STARTUP_S = 1.5
TARGET_PEAK_MB = 300.0
TARGET_EXPONENT = 2.0


# --- test pages -------------------------------------------------------------------------------

def seed_articles() -> list[tuple[str, list[str]]]:
    """(headline, paragraphs) of every gold article of the seed dumps, in name order."""
    from lxml import etree
    out = []
    for seed in sorted(SEEDS.glob("*.txt")):
        for f in sorted((GOLD / seed.stem).glob("a*.xml")):
            root = etree.parse(str(f)).getroot()
            head = root.find("head/headline")
            paras = ["".join(p.itertext()).strip() for p in root.iterfind("body/p")]
            paras = [p for p in paras if p]
            if head is not None and paras:
                out.append(("".join(head.itertext()).strip(), paras))
    if not out:
        raise SystemExit(f"no gold articles found under {GOLD}")
    return out


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def wrap(text: str, chars: int = COLUMN_CHARS) -> list[str]:
    """Lines of at most ``chars`` CJK characters (2*chars display columns)."""
    limit, out, cur, w = 2 * chars, [], "", 0
    for ch in text:
        cw = _width(ch)
        if w + cw > limit and cur:
            out.append(cur)
            cur, w = "", 0
        cur += ch
        w += cw
    if cur:
        out.append(cur)
    return [s.strip() for s in out if s.strip()]


def _article_stream(articles, rng: random.Random):
    """Articles in shuffled order, reshuffled each round, forever."""
    while True:
        order = list(articles)
        rng.shuffle(order)
        yield from order


def columns_page(articles, chars: int = PAGE_CHARS, seed: int = RNG_SEED) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    for head, paras in _article_stream(articles, rng):
        block = [head, ""]
        for p in paras:
            for ln in wrap(p):
                block += [ln, ""]
        text = "\n".join(block) + "\n"
        if size + len(text) > chars and out:
            # fill the rest with the start of this article so the page is ~chars long
            rest = chars - size
            cut = text[:rest].rsplit("\n\n", 1)[0] + "\n\n"
            out.append(cut)
            break
        out.append(text)
        size += len(text)
    return "".join(out)


def markdown_page(articles, chars: int = PAGE_CHARS, seed: int = RNG_SEED + 1) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    for head, paras in _article_stream(articles, rng):
        lines = [f"# {head}", ""]
        for p in paras:
            lines += [p, ""]
        text = "\n".join(lines) + "\n"
        if size + len(text) > chars and out:
            rest = chars - size
            out.append(text[:rest].rsplit("\n\n", 1)[0] + "\n\n")
            break
        out.append(text)
        size += len(text)
    return "".join(out)


_NO_CUT = set("。！？；，、：“”‘’（）《》…—,.;:!?()\"' 0123456789")
#: a line standing between two pieces so that layout cannot glue neighbours back together
#: (a piece that ends mid-sentence is joined to whatever body text follows it): a photo
#: credit, as on real pages where a tail sits beside a picture
SEPARATOR = "新华社记者 王明 摄"


def fragments_page(articles, n: int, seed: int = RNG_SEED + 2) -> str:
    """A page of n body fragments: paragraphs cut into 2-3 pieces mid-sentence (never next
    to punctuation or digits), each article's pieces shuffled so tails often stand before
    their heads, the article's headline first, articles in shuffled order (repeated when n
    needs more text than the seeds have).  Each piece is followed by a credit line, so the
    assembler really sees n separate pieces (heads, tails, orphans) to pair up."""
    rng = random.Random(seed)
    pieces_left = n
    out: list[str] = []
    for head, paras in _article_stream(articles, rng):
        pieces: list[str] = []
        for p in paras:
            k = rng.choice((2, 3)) if len(p) >= 40 else 1
            cuts = sorted(rng.sample([i for i in range(8, len(p) - 8)
                                      if p[i - 1] not in _NO_CUT and p[i] not in _NO_CUT], k - 1)) \
                if k > 1 else []
            prev = 0
            for c in cuts + [len(p)]:
                pieces.append(p[prev:c])
                prev = c
        pieces = pieces[:pieces_left]
        rng.shuffle(pieces)
        out += [head, ""]
        for piece in pieces:
            out += [piece, "", SEPARATOR, ""]
        pieces_left -= len(pieces)
        if pieces_left <= 0:
            break
    return "\n".join(out) + "\n"


# --- measuring --------------------------------------------------------------------------------

def median_time(fn, reps: int) -> float:
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def run_subprocess_time(argv: list[str], reps: int, cwd: Path) -> float:
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        r = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ts.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {r.stderr.decode(errors='replace')}")
    return statistics.median(ts)


def peak_rss_mb(argv: list[str], cwd: Path) -> float:
    """Peak RSS of ``argv`` run as the only child of a fresh interpreter
    (RUSAGE_CHILDREN of that interpreter: the maximum over its children, i.e. this one)."""
    probe = ("import resource, subprocess, sys\n"
             "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
             "assert r.returncode == 0, r.stderr.decode(errors='replace')\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, *argv], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"memory probe failed: {out.stderr.strip()}")
    kb = int(out.stdout.strip().splitlines()[-1])
    if sys.platform == "darwin":   # bytes there
        kb //= 1024
    return kb / 1024


def segmenter_cmd() -> list[str]:
    script = Path(sys.executable).parent / "segmenter"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from segmenter.cli import console; console()"]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    ap.add_argument("--profile", action="store_true",
                    help="also print the top cProfile entries (cumulative) for the 20k columns page "
                         "and the 1000-fragment page")
    ap.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="where to write results")
    args = ap.parse_args(argv)

    pinned = pin_to_one_core()
    reps = 3 if args.quick else 10
    sub_reps = 2 if args.quick else 5
    frag_reps = {10: 3 if args.quick else 10, 100: 2 if args.quick else 5, 1000: 1 if args.quick else 2}

    from segmenter import export
    from segmenter.pipeline import EditionInput, segment_edition
    from segmenter.readers.text import read_text
    from segmenter.settings import Settings

    settings = Settings()
    articles = seed_articles()
    results: dict = {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "pinned_to_one_core": pinned,
                    "processor": platform.processor() or platform.machine()},
        "targets": {"page_ms": TARGET_PAGE_MS, "startup_s": TARGET_STARTUP_S,
                    "peak_mb": TARGET_PEAK_MB, "fragment_exponent": TARGET_EXPONENT},
    }
    rows: list[tuple[str, str, str, str]] = []   # (what, value, ratio, verdict)

    with tempfile.TemporaryDirectory(prefix="segbench.") as tmpname:
        tmp = Path(tmpname)
        pages = {"columns": columns_page(articles), "markdown": markdown_page(articles)}
        for n in FRAGMENT_COUNTS:
            pages[f"fragments-{n}"] = fragments_page(articles, n)
        paths = {}
        for name, text in pages.items():
            paths[name] = tmp / f"{name}.txt"
            paths[name].write_text(text, encoding="utf-8")
        tiny = tmp / "tiny.txt"
        tiny.write_text("量子计算走向应用\n\n量子计算是一门新兴学科，已经取得多项进展。\n", encoding="utf-8")
        tiny_dangling = tmp / "tiny_dangling.txt"
        tiny_dangling.write_text("量子计算走向应用\n\n量子计算是一门新兴学科，已经取得多项进\n\n展，应用前景广阔。\n",
                                 encoding="utf-8")
        results["pages"] = {name: {"chars": len(t), "nonspace_chars": sum(1 for c in t if not c.isspace()),
                                   "lines": t.count("\n")} for name, t in pages.items()}

        # --- start-up ---------------------------------------------------------------------
        py = sys.executable
        seg = segmenter_cmd()
        out = tmp / "out"
        t_bare = run_subprocess_time([py, "-c", "pass"], sub_reps, ROOT)
        t_import = run_subprocess_time([py, "-c", "import segmenter.cli"], sub_reps, ROOT)
        t_run = run_subprocess_time(seg + ["run", str(tiny), "-o", str(out)], sub_reps, ROOT)
        # components, to show where start-up goes
        t_scipy = run_subprocess_time([py, "-c", "import scipy.optimize"], sub_reps, ROOT)
        t_jieba = run_subprocess_time([py, "-c", "import jieba, logging; jieba.setLogLevel(logging.WARNING); "
                                       "jieba.dt.check_initialized()"], sub_reps, ROOT)
        results["startup"] = {"bare_python_s": t_bare, "import_cli_s": t_import, "run_tiny_s": t_run,
                              "import_scipy_optimize_s": t_scipy, "jieba_dictionary_s": t_jieba,
                              "ratio_import": t_import / t_bare, "ratio_run": t_run / t_bare}
        rows.append(("start-up: python -c pass", f"{t_bare * 1000:.0f} ms", "1.0x", ""))
        rows.append(("start-up: import segmenter.cli", f"{t_import * 1000:.0f} ms",
                     f"{t_import / t_bare:.1f}x", verdict(t_import <= TARGET_STARTUP_S)))
        rows.append(("start-up: segmenter run tiny", f"{t_run * 1000:.0f} ms",
                     f"{t_run / t_bare:.1f}x", verdict(t_run <= TARGET_STARTUP_S)))
        rows.append(("  part: import scipy.optimize", f"{t_scipy * 1000:.0f} ms", f"{t_scipy / t_bare:.1f}x", ""))
        rows.append(("  part: import jieba + load dict", f"{t_jieba * 1000:.0f} ms", f"{t_jieba / t_bare:.1f}x", ""))

        # --- per page, after warm-up ------------------------------------------------------
        def segment_and_render(path: Path) -> dict[str, bytes]:
            edition = segment_edition(EditionInput(path.stem, [path]), settings)
            return export.render(edition)

        warm = segment_and_render(tiny_dangling)   # loads jieba's dictionary, fills caches
        assert warm
        results["page"] = {}
        for name in ("columns", "markdown"):
            p = paths[name]
            segment_and_render(p)                  # warm-up on this page
            t_base = median_time(lambda: read_text(p, 1, settings), reps)
            t_seg = median_time(lambda: segment_and_render(p), reps)
            n_art = len(segment_edition(EditionInput(p.stem, [p]), settings).articles)
            results["page"][name] = {"chars": len(pages[name]), "median_ms": t_seg * 1000,
                                     "read_parse_ms": t_base * 1000, "ratio": t_seg / t_base,
                                     "articles": n_art, "reps": reps}
            rows.append((f"page {name} ({len(pages[name]):,} ch, {n_art} art.)", f"{t_seg * 1000:.1f} ms",
                         f"{t_seg / t_base:.0f}x read", verdict(t_seg * 1000 <= TARGET_PAGE_MS)))
            rows.append((f"  baseline: read+decode+split lines", f"{t_base * 1000:.2f} ms", "1x", ""))

        # --- peak memory ------------------------------------------------------------------
        mem_bare = peak_rss_mb([py, "-c", "pass"], ROOT)
        mem = peak_rss_mb(seg + ["run", str(paths["columns"]), "-o", str(out)], ROOT)
        mem_frag = peak_rss_mb(seg + ["run", str(paths["fragments-1000"]), "-o", str(out)], ROOT)
        results["memory"] = {"bare_python_mb": mem_bare, "run_columns_page_mb": mem,
                             "run_fragments_1000_mb": mem_frag, "ratio": mem / mem_bare}
        rows.append(("peak RSS: python -c pass", f"{mem_bare:.0f} MB", "1.0x", ""))
        rows.append(("peak RSS: segmenter run 20k page", f"{mem:.0f} MB", f"{mem / mem_bare:.1f}x",
                     verdict(mem <= TARGET_PEAK_MB)))
        rows.append(("peak RSS: segmenter run 1000 frag.", f"{mem_frag:.0f} MB", f"{mem_frag / mem_bare:.1f}x",
                     verdict(mem_frag <= TARGET_PEAK_MB)))

        # --- fragment scaling -------------------------------------------------------------
        frag: dict[str, dict] = {}
        for n in FRAGMENT_COUNTS:
            p = paths[f"fragments-{n}"]
            if n < 1000:
                segment_and_render(p)              # warm-up (jieba is loaded already)
            last: list = []

            def timed(p=p, last=last):
                edition = segment_edition(EditionInput(p.stem, [p]), settings)
                export.render(edition)
                last[:] = [edition]
            t = median_time(timed, frag_reps[n])
            ed_n = last[0]
            joins = {}
            for a in ed_n.articles:
                for j in a.joins:
                    joins[j.kind] = joins.get(j.kind, 0) + 1
            t_base = median_time(lambda: read_text(p, 1, settings), max(3, frag_reps[n]))
            frag[str(n)] = {"chars": len(pages[f"fragments-{n}"]), "median_ms": t * 1000,
                            "read_parse_ms": t_base * 1000, "ratio": t / t_base, "reps": frag_reps[n],
                            "articles": len(ed_n.articles), "others": len(ed_n.others), "joins": joins}
            rows.append((f"fragments {n:>4} ({len(pages[f'fragments-{n}']):,} ch, {joins.get('tail', 0)} tails)",
                         f"{t * 1000:.1f} ms",
                         f"{t / t_base:.0f}x read", ""))
        t100, t1000 = frag["100"]["median_ms"], frag["1000"]["median_ms"]
        t10 = frag["10"]["median_ms"]
        expo = math.log(t1000 / t100) / math.log(10)
        expo_low = math.log(t100 / t10) / math.log(10)
        results["fragments"] = {"runs": frag, "exponent_100_1000": expo, "exponent_10_100": expo_low}
        rows.append(("growth exponent 100->1000 frag.", f"{expo:.2f}", f"(10->100: {expo_low:.2f})",
                     verdict(expo <= TARGET_EXPONENT)))

        # --- profile ----------------------------------------------------------------------
        if args.profile:
            p = paths["columns"]
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(3):
                segment_and_render(p)
            prof.disable()
            buf = io.StringIO()
            st = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
            st.print_stats(25)
            results["profile_top"] = buf.getvalue()
            prof = cProfile.Profile()
            prof.enable()
            segment_and_render(paths["fragments-1000"])
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
            results["profile_fragments_1000"] = buf.getvalue()

    # --- report -----------------------------------------------------------------------------
    checks = {
        "page_columns": results["page"]["columns"]["median_ms"] <= TARGET_PAGE_MS,
        "page_markdown": results["page"]["markdown"]["median_ms"] <= TARGET_PAGE_MS,
        "startup": results["startup"]["run_tiny_s"] <= TARGET_STARTUP_S,
        "peak_memory": max(mem, mem_frag) <= TARGET_PEAK_MB,
        "fragment_exponent": expo <= TARGET_EXPONENT,
    }
    results["pass"] = checks
    w = max(len(r[0]) for r in rows)
    print(f"segmenter text-dump benchmark  {results['date']}  python {platform.python_version()}  "
          f"{os.cpu_count()} cpu(s){'  pinned to core 0' if pinned else ''}{'  --quick' if args.quick else ''}")
    print(f"targets: page <= {TARGET_PAGE_MS:.0f} ms, start-up <= {TARGET_STARTUP_S} s, "
          f"peak <= {TARGET_PEAK_MB:.0f} MB, fragment growth exponent <= {TARGET_EXPONENT}")
    print(f"{'measure'.ljust(w)}  {'value':>10}  {'ratio':>18}  verdict")
    print("-" * (w + 42))
    for what, val, ratio, ok in rows:
        print(f"{what.ljust(w)}  {val:>10}  {ratio:>18}  {ok}")
    if args.profile:
        print()
        print("profile, 3 x columns page (20k characters):")
        print(results["profile_top"])
        print("profile, 1 x fragments-1000 page:")
        print(results["profile_fragments_1000"])
    write_json(args.json, results, sort_keys=True)
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
