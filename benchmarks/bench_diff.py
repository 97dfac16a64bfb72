"""Speed of ``segmenter diff`` (issue #4 target: two 24-page editions in under 1 s) and of
``segmenter check`` on the same edition.

Generates a 24-page edition (``segmenter synth --pages 24``), segments its PDF, makes a
perturbed copy of the output (3 paragraphs edited, one article split in two, two merged, one
deleted) and times, in-process, the best of 3 runs of:

* ``diff_outputs`` + ``format_diff`` (what ``segmenter diff OLD NEW`` prints),
* the same with ``--json`` serialisation and the ``--html`` page,
* ``check`` of the untouched output (schema + conservation against the PDF).

It also checks that the diff found what was done (1 split, 1 merged, 1 removed, >= 3 changed).

    .venv/bin/python benchmarks/bench_diff.py [--pages 24] [--seed 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from segmenter.checking import check  # noqa: E402
from segmenter.cli import main  # noqa: E402
from segmenter.diffing import diff_outputs, format_diff, render_html  # noqa: E402


def _write(tree: etree._ElementTree, path: Path) -> None:
    tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def perturb(src: Path, dest: Path) -> dict[str, str]:
    """Copy edition ``src`` to ``dest`` and edit it like a reviewer; returns what was done."""
    shutil.copytree(src, dest)
    index = etree.parse(str(dest / "index.xml"))
    entries = index.getroot().findall("article")
    multi = [e for e in entries
             if len(etree.parse(str(dest / e.get("file"))).getroot().findall("body/p")) >= 4]
    done: dict[str, str] = {}
    # edit one character in a paragraph of three articles
    for e in multi[0:3]:
        t = etree.parse(str(dest / e.get("file")))
        p = t.getroot().findall("body/p")[1]
        p.text = p.text[:5] + "改" + p.text[6:]
        _write(t, dest / e.get("file"))
        done.setdefault("changed", "")
        done["changed"] += e.get("id") + " "
    # split an article after its second paragraph into a new file
    e = multi[3]
    t = etree.parse(str(dest / e.get("file")))
    body = t.getroot().find("body")
    tail = body.findall("p")[2:]
    new = etree.Element("article", id="x900", edition=t.getroot().get("edition"))
    nb = etree.SubElement(new, "body")
    for p in tail:
        body.remove(p)
        nb.append(p)
    _write(t, dest / e.get("file"))
    _write(etree.ElementTree(new), dest / "x900.xml")
    entry = copy.deepcopy(e)
    entry.set("id", "x900")
    entry.set("file", "x900.xml")
    entry.attrib.pop("headline", None)
    e.addnext(entry)
    done["split"] = e.get("id")
    # merge the next article into the one after it
    a, b = multi[4], multi[5]
    ta, tb = etree.parse(str(dest / a.get("file"))), etree.parse(str(dest / b.get("file")))
    for p in ta.getroot().find("body"):
        tb.getroot().find("body").append(copy.deepcopy(p))
    _write(tb, dest / b.get("file"))
    (dest / a.get("file")).unlink()
    a.getparent().remove(a)
    done["merged"] = f"{a.get('id')} + {b.get('id')}"
    # delete an article
    c = multi[6]
    (dest / c.get("file")).unlink()
    c.getparent().remove(c)
    done["removed"] = c.get("id")
    _write(index, dest / "index.xml")
    return done


def best_of(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(pages: int, seed: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        assert main(["synth", "--pages", str(pages), "--seed", str(seed), "-o", str(d / "s")]) == 0
        assert main(["run", str(d / "s" / "edition.pdf"), "-o", str(d / "old")]) == 0
        old = d / "old" / "edition"
        done = perturb(old, d / "new" / "edition")
        new = d / "new" / "edition"
        result = diff_outputs(old, new)
        c = result.counts()
        n_old = len(list(old.glob("a*.xml")))
        print(f"{pages} pages, {n_old} articles; perturbed: {done}")
        print(format_diff(result).splitlines()[0])
        ok = c["split"] == 1 and c["merged"] == 1 and c["removed"] == 1 and c["changed"] >= 3
        t_text = best_of(lambda: format_diff(diff_outputs(old, new)))
        t_json = best_of(lambda: json.dumps(diff_outputs(old, new).to_dict(), ensure_ascii=False))
        t_html = best_of(lambda: render_html(diff_outputs(old, new)))
        t_same = best_of(lambda: format_diff(diff_outputs(old, old)))
        t_check = best_of(lambda: check(old), 1)
        print(f"diff (text):            {t_text:.3f} s  (target < 1 s: {'met' if t_text < 1 else 'NOT met'})")
        print(f"diff (json):            {t_json:.3f} s")
        print(f"diff (html page):       {t_html:.3f} s")
        print(f"diff of identical:      {t_same:.3f} s")
        print(f"check (schema + conservation vs the PDF): {t_check:.3f} s")
        if not ok:
            print(f"diff did not find the perturbations: {dict(c)}")
            return 1
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    sys.exit(run(a.pages, a.seed))
