"""The born-digital PDF reader's fast paths give exactly what the plain per-character code
gives (issue #3's speed target: the reader works on arrays, not on a Python object per
character).  Each fast path is checked against a plain reference written out here, on
random input built to hit its edges, and on real PDFs where it takes a decision."""

from __future__ import annotations

import gc
import math
import random
import re
from collections import Counter

import numpy as np
import pymupdf
import pytest

from segmenter.containers import BBox, GraphicKind, Line
from segmenter.readers import pdf as reader
from segmenter.readers import pdfdoc
from test_pdfdoc import one_page_pdf


# ----------------------------------------------------------------------------- helpers

def first_page(data: bytes):
    doc = pymupdf.open(stream=data, filetype="pdf")
    return doc, doc[0]


TEXT = b"BT /F1 12 Tf 72 720 Td (Hello BIG world) Tj ET"
FONT = b"<< /Font << /F1 5 0 R >> >>"
HELV = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
INLINE_IMAGE = b"q 100 0 0 80 72 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"


# ----------------------------------------------------------------------------- image pass

def test_image_pass_is_skipped_only_where_no_image_can_be_drawn():
    doc, page = first_page(one_page_pdf(TEXT, FONT, [HELV]))
    assert not pdfdoc._may_draw_images(page) and page.get_image_info() == []
    # an inline image in the content: the pass runs and finds it ("BIG" in the text alone
    # is not the operator: BI must be followed by white space)
    doc, page = first_page(one_page_pdf(TEXT + b"\n" + INLINE_IMAGE, FONT, [HELV]))
    assert pdfdoc._may_draw_images(page) and len(page.get_image_info()) == 1
    assert [g.kind for g in pdfdoc.page_graphics(page, [])] == [GraphicKind.IMAGE]
    # an image XObject, a graphics state, an annotation, inherited resources: not looked into
    doc = pymupdf.open()
    pg = doc.new_page()
    pg.insert_image(pymupdf.Rect(50, 50, 250, 200), pixmap=pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), 0))
    assert pdfdoc._may_draw_images(pg) and pdfdoc._image_boxes(pg)
    for res, extra in ((b"<< /ExtGState << /G0 << /ca 0.5 >> >> >>", b""), (FONT, b" /Annots []")):
        doc, page = first_page(one_page_pdf(TEXT, res, [HELV], page_extra=extra))
        assert pdfdoc._may_draw_images(page)
    doc, page = first_page(one_page_pdf(TEXT, FONT, [HELV]).replace(b" /Resources << /Font", b" /X << /Font"))
    assert pdfdoc._may_draw_images(page)


# ----------------------------------------------------------------------------- text layer

def reference_garbled_counts(text: str) -> tuple[int, int, dict, int]:
    """The per-character loop garbled_reason replaced: (judged, bad, scripts, symbols)."""
    text, cids = pdfdoc._CID_RE.subn("", text)
    chars = [c for c in text if not c.isspace() or c in pdfdoc._CONTROL_SPACES]
    bad, scripts, symbols, prev = cids, {}, 0, ""
    for c in chars:
        is_bad, script = pdfdoc._char_class(c)
        if is_bad:
            bad += 1
        elif script is not None:
            scripts[script] = scripts.get(script, 0) + 1
        elif "!" <= c <= "~" and not c.isalnum() and c != prev:
            symbols += 1
        prev = c
    return len(chars) + cids, bad, scripts, symbols


def reference_garbled_reason(text: str) -> str | None:
    """garbled_reason as it was: each distinct character classified by _char_class."""
    text, cids = pdfdoc._CID_RE.subn("", text)
    chars = pdfdoc._JUDGED_SPACE_RE.sub("", text)
    n = len(chars) + cids
    if n < pdfdoc.MIN_JUDGED_CHARS:
        return None
    bad = cids
    scripts: dict[str, int] = {}
    for c, k in Counter(chars).items():
        is_bad, script = pdfdoc._char_class(c)
        if is_bad:
            bad += k
        elif script is not None:
            scripts[script] = scripts.get(script, 0) + k
    symbols = len(pdfdoc._SYMBOL_RUN_RE.findall(chars))
    if bad > pdfdoc.MAX_BAD_SHARE * n:
        return f"bad {100 * bad / n:.0f}"
    letters = sum(scripts.values())
    if letters >= pdfdoc.MIN_JUDGED_LETTERS:
        top2 = sum(sorted(scripts.values(), reverse=True)[:2])
        if top2 < pdfdoc.MIN_TWO_SCRIPT_SHARE * letters:
            return f"scripts {len(scripts)}"
    long_run = sum(len(w) for w in text.split() if pdfdoc._raw_code_run(w))
    if long_run > pdfdoc.MAX_LONG_RUN_SHARE * n:
        return f"runs {100 * long_run / n:.0f}"
    if symbols > pdfdoc.MAX_ASCII_SYMBOL_SHARE * n:
        return f"symbols {100 * symbols / n:.0f}"
    return None


#: garbled_reason's messages, cut to what reference_garbled_reason gives
_REASON_KEYS = ((r"(\d+)% of the characters are unmapped", "bad"), (r"spread over (\d+) unrelated", "scripts"),
                (r"(\d+)% of the characters are in runs", "runs"), (r"(\d+)% of the characters are ASCII", "symbols"))


def _reason_key(reason: str | None) -> str | None:
    if reason is None:
        return None
    for pattern, key in _REASON_KEYS:
        m = re.search(pattern, reason)
        if m:
            return f"{key} {m.group(1)}"
    raise AssertionError(reason)


def test_garbled_counts_match_the_per_character_loop():
    # the regex's notion of white space is str.isspace, over all of Unicode
    for o in range(0x110000):
        c = chr(o)
        assert bool(pdfdoc._JUDGED_SPACE_RE.fullmatch(c)) == (c.isspace() and c not in pdfdoc._CONTROL_SPACES)
    alphabet = (list("abcXYZ019!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + list(" \t\n\x1c\x1f\x85\xa0\u3000")
                + list("中文报道，。“”αβабвاب한カㄅ") + ["\ufffd", "\ue000", "\x01", "\x7f", "\u0378", "(cid:12)", "…"]
                # astral letters, symbols, private use and unassigned planes, a lone surrogate, format
                + ["\U00020000", "\U0001F600", "\U000F0000", "\U0003FFFF", "\ud800", "\U000E0001", "\U0001D400"])
    rng = random.Random(7)
    reasons = Counter()
    for _ in range(3000):
        pool = rng.sample(alphabet, rng.randint(1, 10))
        text = "".join(rng.choice(pool) * rng.choice((1, 1, 1, 3)) for _ in range(rng.choice((10, 30, 120))))
        judged, bad, scripts, symbols = reference_garbled_counts(text)
        stripped, cids = pdfdoc._CID_RE.subn("", text)
        chars = pdfdoc._JUDGED_SPACE_RE.sub("", stripped)
        assert len(chars) + cids == judged
        assert len(pdfdoc._SYMBOL_RUN_RE.findall(chars)) == symbols
        counts = pdfdoc._class_counts(chars).tolist()
        assert cids + counts[pdfdoc._BAD] == bad and sum(counts) == len(chars)
        assert {pdfdoc._SCRIPT_GROUPS[k - pdfdoc._FIRST_SCRIPT]: m for k, m in enumerate(counts)
                if k >= pdfdoc._FIRST_SCRIPT and m} == scripts
        want = reference_garbled_reason(text)
        assert _reason_key(pdfdoc.garbled_reason(text)) == want
        reasons[want.split()[0] if want else None] += 1
    assert all(reasons[k] for k in (None, "bad", "scripts", "runs", "symbols")), reasons   # every verdict


# ----------------------------------------------------------------------------- graphics

def test_tinted_fill_test_matches_bbox_contains():
    rng = random.Random(3)

    def box(q):
        x0, y0 = rng.randint(0, 40) * q, rng.randint(0, 40) * q
        return BBox(x0, y0, x0 + rng.randint(0, 20) * q, y0 + rng.randint(0, 20) * q)

    for _ in range(3000):
        q = rng.choice((0.5, 1.0, 0.1, 0.3))          # coarse grids: many boxes touch exactly
        fills, lines = [box(q) for _ in range(rng.randint(1, 3))], [box(q) for _ in range(rng.randint(0, 6))]
        want = [any(f.contains(t, slack=1.0) or (f.x0 <= t.cx <= f.x1 and f.y0 <= t.cy <= f.y1) for t in lines)
                for f in fills]
        assert pdfdoc._with_text(fills, lines) == want
        assert pdfdoc._with_text(fills, [(t.x0, t.y0, t.x1, t.y1) for t in lines]) == want   # the reader's form


# ----------------------------------------------------------------------------- reader

def test_round2_is_pythons_round():
    assert (reader._HALF_MARGIN, reader._ROUND_LIMIT) == (1e-6, 1e9)
    rng = random.Random(5)
    vals = [rng.uniform(-50, 2000) for _ in range(20000)]
    # hundredfolds at a half, and a hair either side of it: NumPy's product can cross it
    vals += [(rng.randint(-500, 200000) + 0.5) / 100 + d for d in (0, 1e-15, -1e-15, 1e-9, -1e-9)
             for _ in range(2000)]
    vals += [2.675, 1.005, 0.015, -0.005, -0.004, 0.0, -0.0, 1e9, 1e12, float("inf"), float("-inf")]
    got = reader._round2(np.array(vals))
    for v, g in zip(vals, got):
        want = round(v, 2)
        assert g == want and math.copysign(1, g) == math.copysign(1, want), v
    assert math.isnan(reader._round2(np.array([float("nan")]))[0])
    # just inside the margin Python rounds (NumPy would agree there too: the margin is wide)
    edge = (123 + 0.5 - reader._HALF_MARGIN / 2) / 100
    assert reader._round2(np.array([edge])) == [round(edge, 2)]


def reference_row_starts(base: list[float], size: list[float]) -> list[bool]:
    out, fb, fs = [], 0.0, 0.0
    for i, (b, s) in enumerate(zip(base, size)):
        new = not i or not b - fb <= reader.BASELINE_TOLERANCE_EM * min(s, fs)
        out.append(new)
        if new:
            fb, fs = b, s
    return out


def test_row_starts_match_the_sequential_walk():
    rng = random.Random(11)
    for _ in range(400):
        n = rng.randint(1, 300)
        sizes = [rng.choice((6.0, 9.0, 9.5, 10.0, 16.0, 30.0)) for _ in range(n)]
        # baselines that drift by up to a third of an em within a row: long chains
        base = sorted(rng.choice((round(rng.uniform(0, 800)), rng.uniform(0, 800))) + rng.uniform(0, 3)
                      for _ in range(n))
        got = reader._row_starts(np.array(base), np.array(sizes))
        assert got.tolist() == reference_row_starts(base, sizes)


def reference_extract_chars(raw: dict) -> list[tuple]:
    out = []
    for block in raw["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for rl in block["lines"]:
            dx, dy = rl["dir"]
            if abs(dy) > 0.5 * abs(dx) or rl.get("wmode", 0) == 1:
                continue
            for span in rl["spans"]:
                for ch in span["chars"]:
                    if ch["c"].strip():
                        x0, _, x1, _ = ch["bbox"]
                        out.append((ch["c"], x0, max(x1, x0 + 0.01), ch["origin"][1], float(span["size"]) or 1.0))
    return out


def test_extract_fast_path_keeps_what_the_per_character_loop_keeps():
    def ch(c, x):
        return {"c": c, "bbox": (x, 90.0, x + 9.0, 101.0), "origin": (x, 100.0)}

    spans = [[ch(c, 10.0 * i) for i, c in enumerate("报道全文")],           # all kept (fast path)
             [ch(c, 10.0 * i) for i, c in enumerate("ab c\u3000d")],        # blanks dropped
             [ch("ﬁ", 0.0), ch("fi", 9.0), ch("", 18.0), ch(" x", 27.0)],  # not one character each
             []]
    raw = {"blocks": [{"type": 0, "lines": [{"dir": (1.0, 0.0), "wmode": 0, "bbox": (0, 90, 60, 101),
                                             "spans": [{"size": 9.0, "flags": 0, "font": "ABCDEF+Song",
                                                        "chars": sp}]} for sp in spans]},
                      {"type": 1}]}
    ex = reader._extract(raw, 1)
    got = list(zip(ex.chars.c, ex.chars.x0.tolist(), ex.chars.x1.tolist(), ex.chars.base.tolist(),
                   ex.chars.size.tolist()))
    assert got == reference_extract_chars(raw)
    assert ex.chars.font == ["Song"] * 3 and ex.chars.pline.tolist() == [1] * 4 + [2] * 4 + [3] * 3
    assert len(ex.text_boxes) == 3                # the empty line has no box


# ----------------------------------------------------------------------------- text trace

def _line_keys(ex, walls=()):
    """The lines the reader builds from an extraction, x1 last (the trace's glyph advances
    differ from the rawdict's in the fourth digit: 0.007 pt on a 9 pt digit)."""
    return sorted((ln.text, ln.bbox.x0, ln.bbox.y0, ln.bbox.y1, ln.size, ln.bold, ln.font,
                   ln.vertical, ln.bbox.x1) for ln in reader._lines(ex.chars, 1, list(walls)) + ex.rotated)


def _same_lines(a, b) -> bool:
    return len(a) == len(b) and all(u[:-1] == v[:-1] and abs(u[-1] - v[-1]) <= 0.02 for u, v in zip(a, b))


def _both(page):
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    w, h = pdfdoc.page_size(page)
    return (reader._extract(page.get_text("rawdict", flags=flags), 1),
            reader._extract_trace(page.get_texttrace(), 1, w, h))


@pytest.fixture(scope="module")
def synth_pdf(tmp_path_factory):
    from segmenter.synth import generate
    out = tmp_path_factory.mktemp("synth")
    generate(4, 11, out)
    return out / "edition.pdf"


def test_trace_extraction_builds_the_rawdicts_lines_on_synth_pages(synth_pdf):
    """The reader takes characters from page.get_texttrace() (no dict per character); on
    generated newspaper pages (fake-bold headlines drawn twice, spaced bylines, mixed
    sizes) it builds the lines and line boxes the rawdict gives, and the same graphics."""
    with pymupdf.open(synth_pdf) as doc:
        for page in doc:
            old, new = _both(page)
            assert new is not None
            graphics = pdfdoc.page_graphics(page, old.text_boxes)
            assert pdfdoc.page_graphics(page, new.text_boxes) == graphics
            walls = [g.bbox for g in graphics if g.kind is GraphicKind.RULE and not g.horizontal]
            assert _same_lines(_line_keys(new, walls), _line_keys(old, walls))
            assert len(new.text_boxes) == len(old.text_boxes)
            for a, b in zip(sorted(new.text_boxes), sorted(old.text_boxes)):
                assert max(abs(u - v) for u, v in zip(a, b)) < 0.05    # float32 in MuPDF


def test_trace_extraction_edges(tmp_path):
    """Fill-then-stroke text (render mode 2, fake bold) is kept once, invisible text (mode 3,
    an OCR layer) is kept, glyphs wholly off the page are dropped and the ones straddling
    its edge kept (TEXT_MEDIABOX_CLIP), spaces give no character; a rotated line or a
    ligature sends the page to the rawdict (None)."""
    doc = pymupdf.open()
    p = doc.new_page(width=400, height=600)
    p.insert_text((50, 100), "Bold twice", fontsize=12, render_mode=2, border_width=0.05)
    p.insert_text((50, 140), "Hidden layer", fontsize=12, render_mode=3)
    p.insert_text((50, -20), "offpage", fontsize=12)
    p.insert_text((390, 300), "edge", fontsize=12)
    q = doc.new_page(width=400, height=600)
    q.insert_text((50, 100), "Upright line", fontsize=12)
    q.insert_text((200, 300), "Turned", fontsize=12, rotate=90)
    path = tmp_path / "edges.pdf"
    doc.save(path)
    with pymupdf.open(path) as d:
        old, new = _both(d[0])
        assert new is not None and _same_lines(_line_keys(new), _line_keys(old))
        assert sorted(ln[0] for ln in _line_keys(new)) == ["Bold twice", "Hidden layer", "ed"]
        assert _both(d[1])[1] is None


def test_trace_line_hint_thresholds():
    """TRACE_SAME_BASE_EM and TRACE_JUMP_EM: the drawn-line index changes where the
    baseline moves by more than 0.1 em or the pen jumps 0.8 em or more either way."""
    assert reader.TRACE_SAME_BASE_EM == 0.1 and reader.TRACE_JUMP_EM == 0.8

    def span(chars, size=10.0):
        return {"dir": (1.0, 0.0), "wmode": 0, "type": 0, "font": "F", "flags": 0, "size": size,
                "ascender": 0.9, "descender": -0.1,
                "chars": [(ord(c), 1, (x, y), (x, y - 9, x + 10, y + 1)) for c, x, y in chars]}
    # pen jumps (x1 of the previous = x + 10): 7.9 pt stays, 8.0 pt starts a line; a 1.0 pt
    # baseline step stays, 1.1 pt starts one; 8 pt back starts one
    trace = [span([("a", 0, 100), ("b", 17.9, 100), ("c", 35.9, 100), ("d", 45.9, 101), ("e", 55.9, 102.1),
                   ("f", 57.9, 102.1)])]
    ex = reader._extract_trace(trace, 1, 600, 800)
    assert ex.chars.pline.tolist() == [0, 0, 1, 1, 2, 3]
    # a ligature MuPDF would expand (fi) sends the page to the rawdict
    assert reader._extract_trace([span([("o", 0, 100), ("\ufb01", 10, 100)])], 1, 600, 800) is None


def test_lexsort2_is_lexsort():
    rng = np.random.default_rng(4)
    for _ in range(300):
        n = int(rng.integers(0, 60))
        # coarse grids (many ties on both keys), signed zeros, infinities; NaN takes lexsort
        p, s = (rng.integers(-3, 4, n) * rng.choice([0.5, 1.0]) for _ in range(2))
        for arr in (p, s):
            k = rng.integers(0, n + 1, 3) if n else []
            arr[[i for i in k if i < n]] = rng.choice([-0.0, np.inf, -np.inf, np.nan] if rng.random() < 0.3
                                                      else [-0.0, np.inf, -np.inf])
        assert reader._lexsort2(p, s).tolist() == np.lexsort((s, p)).tolist()
        rows = np.cumsum(rng.random(n) < 0.2)             # the second sort's integer rows
        assert reader._lexsort2(rows, s).tolist() == np.lexsort((s, rows)).tolist()


def test_walls_between_matches_the_loop():
    rng = random.Random(12)
    hits = 0
    for _ in range(500):
        # on grids: centre lines at the range's ends, baselines at the walls' ends
        walls = [BBox(x, y, x + rng.choice((0.0, 0.5, 1.0)), y + rng.randint(0, 30) * 10.0)
                 for x, y in ((rng.randint(0, 60) * 5.0, rng.randint(0, 50) * 10.0) for _ in range(rng.randint(1, 8)))]
        n = rng.randint(1, 80)
        left = np.array([rng.randint(0, 300) + rng.choice((0.0, 0.25, 0.5)) for _ in range(n)])
        gap = np.array([rng.choice((-1.0, 0.0, 0.3, 2.0, 5.0, 40.0)) for _ in range(n)])
        base = np.array([rng.randint(0, 80) * 10.0 for _ in range(n)])
        got = reader._walls_between(left, left + gap, base, gap, walls)
        want = reference_walls_between(left, left + gap, base, gap, walls)
        assert got.tolist() == want.tolist()
        hits += int(want.sum())
    assert hits > 100


def test_credit_cut_matches_the_joined_suffixes():
    rng = random.Random(13)
    alphabet = list("参观。新华社记者王明摄图为图片供制：/ 中文ab") + ["ab", "摄）"]
    for _ in range(3000):
        chars = [rng.choice(alphabet) for _ in range(rng.randint(1, 14))]
        if any(len(ch) != 1 for ch in chars):
            whole = chars                                 # not one code point each: a list
        else:
            whole = "".join(chars)
        wide = [rng.random() < 0.4 for _ in range(len(chars) - 1)]
        want = reference_credit_cut(chars, 0, len(chars), wide)
        assert reader._credit_cut(whole, [k + 1 for k, w in enumerate(wide) if w]) == want


def test_new_lines_are_lines_as_line_builds_them():
    got = reader._new_lines(["a b", "中"], 3, [1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, 9.5],
                            [True, False], ["F", "G"])
    want = [Line("a b", 3, 0, bbox=BBox(1.0, 3.0, 5.0, 7.0), size=9.0, bold=True, font="F"),
            Line("中", 3, 0, bbox=BBox(2.0, 4.0, 6.0, 8.0), size=9.5, bold=False, font="G")]
    assert got == want and [repr(x) for x in got] == [repr(x) for x in want]   # every field set


CJK_TEXT = "中文报道记者国家经济发展图片新闻社会"
LATIN_TEXT = "abcdefXYZ0123.,"


def random_page(rng: random.Random) -> tuple[reader._Chars, list[BBox]]:
    """Characters built to hit the grouping's edges: rows of CJK and Latin text with solid
    setting, word spaces, CJK spacing, gutters and wide gaps, mixed sizes (close enough to
    share a line, and not), drifting baselines, photo credits after a wide gap, vertical
    headlines in one to three columns, characters of two code points; vertical rules."""
    c, x0, x1, base, size, bold, pline, span = [], [], [], [], [], [], [], []
    hint = 0

    def put(ch, x, y, sz, adv=None):
        c.append(ch)
        x0.append(x)
        x1.append(x + (adv or sz))
        base.append(y)
        size.append(sz)
        bold.append(rng.random() < 0.3)
        pline.append(hint)
        span.append(rng.randint(0, 2))

    for _ in range(rng.randint(1, 25)):
        kind = rng.random()
        y, sz = rng.uniform(20, 780), rng.choice((9.0, 9.5, 10.0, 16.0, 30.0))
        x = rng.uniform(0, 400)
        hint += 1
        if kind < 0.15:                                  # a vertical headline: columns top-down
            pitch = sz * rng.choice((1.0, 1.1, 1.5, 1.7))
            for col in range(rng.randint(1, 3)):
                for k in range(rng.randint(2, 6)):
                    put(rng.choice(CJK_TEXT), x - col * sz * rng.choice((1.2, 1.5, 2.5)), y + k * pitch, sz)
            continue
        text = rng.choice((CJK_TEXT, LATIN_TEXT, CJK_TEXT + LATIN_TEXT))
        for k in range(rng.randint(1, 30)):
            s = sz if rng.random() < 0.85 else rng.choice((sz * 1.1, sz * 0.95, 6.0))
            put(rng.choice(text) if rng.random() < 0.97 else "ab", x, y + rng.choice((0, 0, 0, 0.1, 0.3)) * s, s,
                s * rng.choice((1.0, 0.5)))
            x = x1[-1] + s * rng.choice((0.0, 0.0, 0.02, 0.05, 0.3, 0.5, 1.0, 3.0))
            if rng.random() < 0.1:
                hint += 1
        if rng.random() < 0.3:                           # a photo credit after a wide gap
            x += sz * rng.choice((0.6, 1.2))
            for ch in rng.choice(("新华社记者王明摄", "王明/摄", "图片：李华", "资料图片")):
                put(ch, x, y, sz)
                x = x1[-1]
    if rng.random() < 0.7:                               # mostly one code point each
        c = [ch[0] for ch in c]
    chars = reader._Chars(c, np.array(x0), np.array(x1), np.array(base), np.array(size), np.array(bold),
                          np.array(pline), ["FontA", "FontB-Bold", "FontC"], np.array(span))
    walls = [BBox(x, y, x + 0.5, y + rng.uniform(50, 600))
             for x, y in ((rng.uniform(0, 500), rng.uniform(0, 400)) for _ in range(rng.choice((0, 0, 1, 3))))]
    return chars, walls


def _reprs(lines):
    return [repr(ln) for ln in lines]


def test_lines_match_the_plain_grouping_on_random_pages():
    rng = random.Random(21)
    seen = Counter()
    for _ in range(400):
        chars, walls = random_page(rng)
        got = reader._lines(chars, 2, walls)
        want = reference_lines(chars, 2, walls)
        assert _reprs(got) == _reprs(want)
        assert got == want
        seen["vertical"] += sum(ln.vertical for ln in want)
        seen["spaced"] += sum(" " in ln.text for ln in want)
        seen["credit"] += sum(bool(reader.lexicon.CREDIT_RE.fullmatch(ln.text)) for ln in want)
        seen["list"] += not all(len(ch) == 1 for ch in chars.c)
        seen["walls"] += bool(walls)
    assert min(seen.values()) > 20, seen


def test_lines_match_the_plain_grouping_on_synth_pages(synth_pdf):
    with pymupdf.open(synth_pdf) as doc:
        for page in doc:
            w, h = pdfdoc.page_size(page)
            ex = reader._extract_trace(page.get_texttrace(), 1, w, h)
            walls = [g.bbox for g in pdfdoc.page_graphics(page, ex.text_boxes)
                     if g.kind is GraphicKind.RULE and not g.horizontal]
            got, want = reader._lines(ex.chars, 1, walls), reference_lines(ex.chars, 1, walls)
            assert _reprs(got) == _reprs(want)


# ----------------------------------------------------------------------------- plain references

def reference_lines(chars: reader._Chars, number: int, walls: list[BBox] = ()) -> list[Line]:
    """The grouping _lines did before it sorted by complex keys and kept groups as arrays."""
    n = len(chars.c)
    if n == 0:
        return []
    order = np.lexsort((chars.x0, chars.base))          # stable, as a list sort by (base, x0)
    row = np.cumsum(reader._row_starts(chars.base[order], chars.size[order]))
    within = np.lexsort((chars.x0[order], row))        # each row by x, stable
    order, row = order[within], row[within]
    x0, x1, base = chars.x0[order], chars.x1[order], chars.base[order]
    size, pline = chars.size[order], chars.pline[order]
    # neighbour pairs (k, k + 1) in reading order
    em = np.minimum(size[:-1], size[1:])
    gap = x0[1:] - x1[:-1]
    split = ((np.maximum(size[:-1], size[1:]) > reader.SAME_SIZE_RATIO * em) | (gap > reader.HARD_SPLIT_GAP_EM * em)
             | ((gap > reader.SPLIT_GAP_EM * em) & (pline[1:] != pline[:-1])))
    if walls:
        split |= reference_walls_between(x1[:-1], x0[1:], base[1:], gap, walls)
    starts = np.flatnonzero(np.concatenate(([True], (row[1:] != row[:-1]) | split))).tolist()
    groups = list(zip(starts, starts[1:] + [n]))
    # the short groups' characters (the only ones that can be stacked) as Python floats
    cand = [i for a, e in groups if e - a <= reader.VERTICAL_MAX_COLUMNS for i in range(a, e)]
    x0l, x1l, basel, sizel = (dict(zip(cand, arr[cand].tolist())) for arr in (x0, x1, base, size))
    stacks, groups = reference_vertical_stacks(groups, x0l, x1l, basel, sizel)
    c = reader._reordered(chars.c, order)
    bold = chars.bold[order]
    fonts = reader._Fonts(chars.font, chars.span[order])
    out: list[Line] = [reference_vertical_line(st, number, c, x0l, x1l, basel, sizel, bold, fonts) for st in stacks]
    out += reference_make_lines(groups, number, c, x0, x1, base, size, bold, fonts, gap / em)
    return out


def reference_walls_between(left: np.ndarray, right: np.ndarray, base: np.ndarray, gap: np.ndarray,
                   walls: list[BBox]) -> np.ndarray:
    """The per-pair loop _walls_between replaced."""
    hit = np.zeros(len(gap), dtype=bool)
    ws = sorted(walls, key=lambda w: w.cx)
    cx = np.array([w.cx for w in ws], dtype=float)
    pos = np.flatnonzero(gap > 0)
    lo = np.searchsorted(cx, left[pos] - 0.5, side="left")
    hi = np.searchsorted(cx, right[pos] + 0.5, side="right")
    for k in np.flatnonzero(hi > lo).tolist():
        p = int(pos[k])
        b = float(base[p])
        hit[p] = any(w.y0 <= b <= w.y1 for w in ws[lo[k]:hi[k]])
    return hit


def reference_credit_cut(c: list[str], a: int, e: int, wide: list[bool]) -> int:
    """The per-suffix join _credit_cut replaced."""
    if reader.lexicon.CREDIT_RE.fullmatch("".join(c[a:e])):
        return 0
    for k in range(1, e - a):
        if wide[k - 1] and reader.lexicon.CREDIT_RE.fullmatch("".join(c[a + k:e])):
            return k
    return 0


def reference_make_lines(groups: list[tuple[int, int]], number: int, c: list[str], x0: np.ndarray,
                x1: np.ndarray, base: np.ndarray, size: np.ndarray, bold: np.ndarray,
                fonts: reader._Fonts, gap_em: np.ndarray) -> list[Line]:
    """_make_lines as it was: a pieces list, Line(...) per line."""
    if not groups:
        return []
    ga, ge = np.array(groups, dtype=np.intp).reshape(-1, 2).T
    m = ge - ga - 1                                      # gaps inside each group
    offset = np.cumsum(m) - m
    gid = np.repeat(np.arange(len(groups)), m)
    pair = np.arange(int(m.sum())) + np.repeat(ga - offset, m)
    vals = gap_em[pair]
    ranked = vals[np.lexsort((vals, gid))]              # per group, gaps in ascending order
    median = ranked[np.minimum(offset + m // 2, max(len(ranked) - 1, 0))] if len(ranked) else np.zeros(len(m))
    usual = np.where(m > 0, np.maximum(0.0, median), 0.0)
    cjk_gap = usual + reader.CJK_SPACE_EM
    pair_cjk_gap = cjk_gap[gid]
    # a space: wider than reader.WORD_SPACE_EM, or than the CJK gap next to CJK (both are above
    # the smaller of the two, so only those pairs need the script test)
    cand = np.flatnonzero(vals > np.minimum(pair_cjk_gap, reader.WORD_SPACE_EM))
    left = pair[cand]
    cjk = np.array([reader.is_cjk(c[i][-1]) or reader.is_cjk(c[i + 1][0]) for i in left.tolist()], dtype=bool)
    v = vals[cand]
    pieces = list(c)
    spaced = np.zeros(len(c) + 1, dtype=np.intp)     # a space before character k (+ a sentinel)
    for i in left[np.where(cjk, v > pair_cjk_gap[cand], v > reader.WORD_SPACE_EM)].tolist():
        pieces[i + 1] = " " + c[i + 1]
        spaced[i + 1] = 1
    # a photo credit at the end of a line with a wide gap splits it
    spans = groups
    cuts: dict[int, int] = {}
    for g in np.flatnonzero(np.bincount(gid[vals > pair_cjk_gap], minlength=len(groups))).tolist():
        a, e = groups[g]
        o = int(offset[g])
        cut = reference_credit_cut(c, a, e, (vals[o:o + e - a - 1] > cjk_gap[g]).tolist())
        if cut:
            cuts[g] = cut
            pieces[a + cut] = c[a + cut]
            spaced[a + cut] = 0
    if cuts:
        spans = []
        for g, (a, e) in enumerate(groups):
            if g in cuts:
                spans += [(a, a + cuts[g]), (a + cuts[g], e)]
            else:
                spans.append((a, e))
    # per line: reduce over [a, e) (reduceat over the pairs of bounds; a sentinel at the end)
    bounds = np.array(spans, dtype=np.intp).ravel()

    def per_line(ufunc, arr):
        return ufunc.reduceat(np.append(arr, arr[-1:]), bounds)[::2]

    sz = per_line(np.minimum, size)
    for k in np.flatnonzero(sz != per_line(np.maximum, size)).tolist():
        a, e = spans[k]                       # the most frequent size; the larger on a tie
        weights = Counter(size[a:e].tolist())
        sz[k] = max(weights.items(), key=lambda kv: (kv[1], kv[0]))[0]
    bmax, x1max = per_line(np.maximum, base), per_line(np.maximum, x1)
    bold_line = (per_line(np.add, bold.astype(np.intp)) * 2 > bounds[1::2] - bounds[::2]).tolist()
    bx0 = reader._round2(x0[bounds[::2]])
    by0, bx1 = reader._round2(bmax - reader.ASCENT_EM * sz), reader._round2(x1max)
    by1 = reader._round2(bmax + reader.DESCENT_EM * sz)
    sizes = sz.tolist()
    names = fonts.at(bounds[::2])
    # lines without a space inside are a plain slice of c (one string, see _reordered)
    plain = (np.add.reduceat(spaced, bounds)[::2] == 0).tolist()
    whole = isinstance(c, str)
    return [Line(c[a:e] if whole and pl else "".join(pieces[a:e]), number, 0,
                 bbox=reader._bbox(x0_, y0_, x1_, y1_), size=sz_, bold=b_, font=f_)
            for (a, e), pl, x0_, y0_, x1_, y1_, sz_, b_, f_ in zip(spans, plain, bx0, by0, bx1, by1, sizes,
                                                                  bold_line, names)]


def reference_vertical_stacks(groups: list[tuple[int, int]], x0: dict[int, float], x1: dict[int, float],
                     base: dict[int, float], size: dict[int, float]
                     ) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """_vertical_stacks as it was, on lists of groups."""
    cands = [(a, e) for a, e in groups if e - a <= reader.VERTICAL_MAX_COLUMNS]
    if sum(e - a for a, e in cands) < reader.VERTICAL_MIN_CHARS:
        return [], groups
    across: dict[int, float] = {}
    for a, e in cands:
        for i in range(a, e):
            steps = [abs(x0[o] + x1[o] - x0[i] - x1[i]) / 2 for o in range(a, e) if o != i]
            across[i] = min(steps) if steps else float("inf")
    chars = sorted((i for a, e in cands for i in range(a, e)), key=lambda i: ((x0[i] + x1[i]) / 2, base[i]))
    columns: list[list[int]] = []
    for i in chars:
        cx = (x0[i] + x1[i]) / 2
        if columns:
            f = columns[-1][0]
            if abs(cx - (x0[f] + x1[f]) / 2) <= reader.VERTICAL_AXIS_EM * size[i] \
                    and abs(size[i] - size[f]) <= 0.1 * size[i]:
                columns[-1].append(i)
                continue
        columns.append([i])
    stacks: list[list[int]] = []
    for col in columns:
        col.sort(key=lambda i: base[i])
        chain = [col[0]]
        for i in col[1:] + [None]:
            if i is not None:
                step = base[i] - base[chain[-1]]
                if 0 < step <= reader.VERTICAL_PITCH_EM * size[i] and step < across[i] and step < across[chain[-1]]:
                    chain.append(i)
                    continue
            if len(chain) >= reader.VERTICAL_MIN_CHARS:
                stacks.append(chain)
            if i is not None:
                chain = [i]
    if not stacks:
        return [], groups
    stacked = {i for st in stacks for i in st}
    rest: list[tuple[int, int]] = []
    for a, e in groups:
        if e - a > reader.VERTICAL_MAX_COLUMNS:   # not a candidate: none of its characters is stacked
            rest.append((a, e))
            continue
        kept = [i for i in range(a, e) if i not in stacked]
        if len(kept) == e - a:
            rest.append((a, e))
        else:
            rest.extend((i, i + 1) for i in kept)
    return stacks, rest


def reference_vertical_line(ix: list[int], number: int, c: list[str], x0: dict[int, float], x1: dict[int, float],
                   base: dict[int, float], size: dict[int, float], bold: np.ndarray, fonts: reader._Fonts) -> Line:
    first, last = ix[0], ix[-1]
    sz = size[first]
    bbox = BBox(round(min(x0[i] for i in ix), 2), round(base[first] - reader.ASCENT_EM * sz, 2),
                round(max(x1[i] for i in ix), 2), round(base[last] + reader.DESCENT_EM * sz, 2))
    return Line(text="".join(c[i] for i in ix), page=number, lineno=0, bbox=bbox, size=sz,
                bold=bool(bold[first]), vertical=True, font=fonts[first])


@pytest.mark.parametrize("enabled", [True, False])
def test_read_page_leaves_the_garbage_collector_as_it_found_it(tmp_path, enabled, monkeypatch):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Hello world, a line of text long enough to judge.", fontsize=11)
    path = tmp_path / "one.pdf"
    doc.save(path)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        pages, problems = reader.read_pdf(path, 1, reader.Settings())
        assert pages and not problems and gc.isenabled() is enabled
        # an exception inside the extraction re-enables it too
        with pymupdf.open(path) as d:
            page = d[0]
            monkeypatch.setattr(reader, "run_page", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("broken")))
            with pytest.raises(RuntimeError):
                reader._read_page(page, path, 1, 1)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_reordered_characters():
    order = np.array([2, 0, 1])
    assert reader._reordered(["a", "中", "\U00020000"], order) == "\U00020000a中"
    assert reader._reordered(["a", "\ud800", "b"], order) == "ba\ud800"          # a lone surrogate
    assert reader._reordered(["ab", "c", "d"], order) == ["d", "ab", "c"]          # not one code point each


# ----------------------------------------------------------------------------- layout

def reference_runs(page, lines, boxes):
    """geolayout._runs as it was, one attribute lookup at a time (the loop it replaced)."""
    from segmenter import geolayout as G
    horizontal = [ln for ln in lines if not ln.vertical]
    pred, taken = {}, {}
    for j, ln in enumerate(horizontal):
        best = None
        size = ln.size or 1.0
        for k in range(j - 1, -1, -1):
            up = horizontal[k]
            if ln.bbox.y0 - up.bbox.y0 > (G.RUN_GAP_EM + 1.2) * G.RUN_SIZE_RATIO * size:
                break
            gap = ln.bbox.y0 - up.bbox.y1
            if gap < -0.3 * size or gap > G.RUN_GAP_EM * size:
                continue
            if max(size, up.size) > G.RUN_SIZE_RATIO * min(size, up.size):
                continue
            if boxes and boxes.get(id(up)) != boxes.get(id(ln)):
                continue
            overlap = ln.bbox.x_overlap(up.bbox)
            narrow = min(ln.bbox.width, up.bbox.width) or 1.0
            reach = min(ln.bbox.x1, up.bbox.x1) - max(ln.bbox.x0, up.bbox.x0)
            aligned = abs(ln.bbox.x0 - up.bbox.x0) <= G.RUN_INDENT_EM * size and reach >= -G.RUN_TOUCH_EM * size
            if not (aligned or overlap >= G.RUN_OVERLAP_SHARE * narrow):
                continue
            cost = gap + abs(ln.bbox.x0 - up.bbox.x0) * 0.5
            if best is None or cost < best[0]:
                best = (cost, up)
        if best is None:
            continue
        cost, up = best
        if G._rule_between(G._separators(page), up.bbox, ln.bbox):
            continue
        prior = taken.get(id(up))
        if prior is not None and prior[0] <= cost:
            continue
        if prior is not None:
            pred.pop(id(prior[1]), None)
        taken[id(up)] = (cost, ln)
        pred[id(ln)] = up
    succ = {k: v[1] for k, v in taken.items() if id(v[1]) in pred}
    runs = []
    for ln in horizontal:
        if id(ln) in pred:
            continue
        run = [ln]
        while id(run[-1]) in succ:
            run.append(succ[id(run[-1])])
        runs.append(run)
    runs.extend(G._vertical_runs([ln for ln in lines if ln.vertical]))
    return runs


@pytest.mark.parametrize("odd", [False, True])
def test_runs_match_the_plain_loop(odd):
    """Columns of lines with jitter, rules and boxes; ``odd``: some inverted boxes and
    zero sizes too, where the early reach test must not drop anything."""
    from segmenter import geolayout as G
    from segmenter.containers import Graphic, Line, Page
    rng = random.Random(13 + odd)
    for _ in range(60):
        lines = []
        for col in range(rng.randint(1, 5)):
            x = 40 + col * rng.choice((90, 120, 150))
            y = rng.uniform(40, 80)
            size = rng.choice((9.0, 9.0, 10.0, 16.0))
            for _ in range(rng.randint(1, 25)):
                x0 = x + rng.choice((0, 0, 0, 18, rng.uniform(-30, 30)))
                x1 = x0 + rng.uniform(10, 130)
                if odd and rng.random() < 0.1:
                    x0, x1 = x1, x0
                sz = 0.0 if odd and rng.random() < 0.1 else size
                lines.append(Line(text="字", page=1, lineno=0, bbox=BBox(round(x0, 2), round(y, 2), round(x1, 2),
                                                                         round(y + size, 2)), size=sz))
                y += size * rng.choice((1.3, 1.5, 1.5, 2.6, 4.0)) + rng.uniform(-0.5, 0.5)
        lines.sort(key=lambda ln: (ln.bbox.y0, ln.bbox.x0))
        graphics = [Graphic(GraphicKind.RULE, BBox(30, y, 600, y + 0.5)) for y in rng.sample(range(60, 700), 3)]
        graphics.append(Graphic(GraphicKind.BOX, BBox(150, 100, 400, 400)))
        page = Page(number=1, path="x", name="x", kind="pdf", lines=lines, graphics=graphics)
        for boxes in ({}, {id(ln): G.box_key(page, ln.bbox) for ln in lines}):
            want = [[id(ln) for ln in run] for run in reference_runs(page, lines, boxes)]
            assert [[id(ln) for ln in run] for run in G._runs(page, lines, boxes)] == want


# ----------------------------------------------------------------------------- one run of the content

#: drawings of every shape get_cdrawings tells apart, under scaled, rotated and skewed
#: matrices: rules, rectangles (re operators and closed three-line paths), a closed stroked
#: quadrilateral, an open polyline, curves (c, v, y), dashes, several subpaths in one path,
#: fill-and-stroke (B), grey, RGB, CMYK, white, half-transparent, and tiny dots
DRAWINGS = b"""
q 0 0 1 RG 1.5 w 50 800 m 400 800 l S Q
q 2 0 0 2 0 0 cm 0.5 w 20 350 m 200 350 l S Q
q 2 0 0 3 0 0 cm 0.5 w 20 200 m 200 200 l S 30 150 m 30 250 l S Q
q 0 1 -1 0 500 100 cm 1 w 10 10 m 300 10 l S 0 0 100 50 re S Q
q 1 0.2 0 1 0 0 cm 1 w 60 100 m 300 100 l S Q
q 0.5 g 60 600 200 100 re f Q
q 0 0 0 RG 2 w 60 450 m 260 450 l 260 550 l 60 550 l h S Q
q 0 0 0 RG 1 w 300 450 m 500 460 l 490 560 l 310 550 l h S Q
q 0 0 0 RG 1 w 300 300 m 500 300 l 500 400 l 300 400 l 300 300 l S Q
q 1 0 0 RG 1 w 70 250 m 70 300 150 300 150 250 c 200 200 v 250 220 260 260 y S Q
q 0 0 0 RG 1 w [3 2] 0 d 50 700 m 500 700 l S Q
q 1 1 1 rg 50 50 400 20 re f Q
q 0.2 0.3 0.4 0.1 k 300 600 150 120 re f Q
q 0 0 0 1 K 2 w 300 760 m 500 760 l S 300 770 m 500 770 l S Q
q 0 0 0 RG 1 w 60 150 m 200 150 l 60 160 m 200 160 l 60 170 m 200 170 l S Q
q 0 0 0 RG 1 w 400 150 m 420 150 l 420 190 l 400 190 l h 450 150 m 500 150 l 500 190 l h S Q
q 0.3 g 0 0 0 RG 100 50 m 300 50 l 300 90 l 100 90 l h B Q
q /GS1 gs 0 g 300 200 100 50 re f Q
q 0 0 0 RG 0.5 w 10 10 m 11 10 l S 12 12 1 1 re f Q
"""
DRAWINGS_RES = b"<< /ExtGState << /GS1 << /ca 0.5 /CA 0.5 >> >> /Font << /F1 5 0 R >> >>"
PAINT_KEYS = ("rect", "type", "fill_opacity", "fill", "stroke_opacity", "color", "width", "items", "closePath")


class _Recorder(pdfdoc._Collector):
    """A collector that also notes what it was shown of each drawing."""

    def __init__(self, w, h):
        super().__init__(w, h)
        self.shown = []

    def visit(self, d):
        self.shown.append({k: d.get(k) for k in PAINT_KEYS})
        super().visit(d)


def _drawings_pages():
    for extra in (b"", b" /Rotate 90 /CropBox [20 30 580 800]", b" /Rotate 270"):
        yield first_page(one_page_pdf(DRAWINGS + TEXT, DRAWINGS_RES, [HELV], page_extra=extra))


def _collected(col):
    return (col.h_pieces, col.v_pieces, col.boxes, col.fills)


def test_graphics_device_reports_each_drawing_as_get_cdrawings_does(synth_pdf):
    """_GraphicsDevice (on the display list run_page builds) shows the collector every
    drawing get_cdrawings shows it, with the same items, box, paint, width and closing, in
    the same order (only the tiny ones it drops unseen), on rotated and cropped pages too."""
    pages = [p for _, p in _drawings_pages()]
    with pymupdf.open(synth_pdf) as doc:
        for page in pages + list(doc):
            w, h = pdfdoc.page_size(page)
            want = _Recorder(w, h)
            page.get_cdrawings(callback=want)
            got = _Recorder(w, h)
            dev = pdfdoc._GraphicsDevice(got)
            pdfdoc._run_derotated(page, lambda dl: pdfdoc._run(dl, dev), display_list=True)
            tiny = pdfdoc.MIN_PIECE_LENGTH
            shown = [d for d in want.shown if d["rect"][2] - d["rect"][0] >= tiny or d["rect"][3] - d["rect"][1] >= tiny]
            assert got.shown == shown and len(shown) > 0
            assert _collected(got) == _collected(want) and got.seen == want.seen
    first = _Recorder(*pdfdoc.page_size(pages[0]))
    pages[0].get_cdrawings(callback=first)
    assert {it[0] for d in first.shown for it in d["items"]} == {"l", "c", "re", "qu"}
    assert {d["width"] for d in first.shown if d["type"] == "s"} >= {1.0, 2.0, 1.2247449159622192}


def test_run_page_gives_the_trace_drawings_and_images_of_three_runs(synth_pdf, tmp_path):
    """One interpretation (run_page) gives page.get_texttrace() exactly, the collector
    get_cdrawings fills, and the image boxes get_image_info finds."""
    from test_pdfdoc import _images_pdf
    with pymupdf.open(synth_pdf) as doc, pymupdf.open(_images_pdf(tmp_path)) as imgs:
        for page in [p for _, p in _drawings_pages()] + list(doc) + list(imgs):
            run = pdfdoc.run_page(page)
            assert run.trace == page.get_texttrace()
            want = pdfdoc._Collector(*pdfdoc.page_size(page))
            page.get_cdrawings(callback=want)
            assert _collected(run.drawings) == _collected(want)
            boxes = [tuple(round(v, 3) for v in i["bbox"]) for i in page.get_image_info()]
            assert [tuple(round(v, 3) for v in b) for b in run.images] == boxes


def _both_ways(page):
    """The page's graphics from run_page with the text (display list) and without (one run
    of the page): they must agree; returned once."""
    run = pdfdoc.run_page(page)
    with_text = pdfdoc.graphics_of(page, run.drawings, run.images, [])
    assert pdfdoc.page_graphics(page, []) == with_text
    return with_text


def test_run_page_hands_crowded_pages_to_pymupdfs_devices(monkeypatch):
    """DEVICE_MAX_PATHS: past it, the graphics pass stops and the drawings come from
    get_cdrawings; SINGLE_RUN_MAX_CONTENT_BYTES: past it, no display list at all.  Either way,
    with the text or without, the graphics are the same."""
    assert (pdfdoc.DEVICE_MAX_PATHS, pdfdoc.SINGLE_RUN_MAX_CONTENT_BYTES) == (1000, 512 * 1024)
    pages = [p for _, p in _drawings_pages()]
    want = [_both_ways(p) for p in pages]
    calls = []
    real = pymupdf.Page.get_cdrawings
    monkeypatch.setattr(pymupdf.Page, "get_cdrawings", lambda self, **kw: calls.append(1) or real(self, **kw))
    assert [_both_ways(p) for p in pages] == want and not calls
    dev = pdfdoc._GraphicsDevice(pdfdoc._Collector(595, 842))
    pdfdoc._run_derotated(pages[0], lambda dl: pdfdoc._run(dl, dev), display_list=True)
    n = dev.paths                                                 # fills and strokes (B is both)
    assert n == 24
    monkeypatch.setattr(pdfdoc, "DEVICE_MAX_PATHS", n)           # all of them: still one run
    assert [_both_ways(p) for p in pages] == want and not calls
    monkeypatch.setattr(pdfdoc, "DEVICE_MAX_PATHS", n - 1)       # one more: handed over
    assert [_both_ways(p) for p in pages] == want and len(calls) == 6
    monkeypatch.setattr(pdfdoc, "DEVICE_MAX_PATHS", 1000)
    size = pdfdoc._content_bytes(pages[0])
    monkeypatch.setattr(pdfdoc, "SINGLE_RUN_MAX_CONTENT_BYTES", size - 1)
    traced = []
    real_trace = pymupdf.Page.get_texttrace
    monkeypatch.setattr(pymupdf.Page, "get_texttrace", lambda self: traced.append(1) or real_trace(self))
    assert [_both_ways(p) for p in pages] == want and len(calls) == 12 and len(traced) == 3
    monkeypatch.setattr(pdfdoc, "SINGLE_RUN_MAX_CONTENT_BYTES", size)
    assert _both_ways(pages[0]) == want[0] and len(traced) == 3


def test_text_checks_strip_white_space_as_the_expressions_did():
    """text_layer_problem counts the non-space characters with str.split, garbled_reason drops
    white space with split and join unless a control code str.isspace counts as space is in
    the text, and skips the (cid:N) expression when there is none: the same as the regular
    expressions they replaced, on text with every kind of white space."""
    import re
    rng = random.Random(8)
    alphabet = ["a", "1", "!", " ", "\n", "\t", "\x1c", "\x1f", "\x85", "\xa0", "\u2028", "\u3000", "中",
                "\u200b", "(cid:12)", "(cid:"]
    for _ in range(5000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert sum(map(len, t.split())) == len(t) - sum(map(len, re.findall(r"\s+", t)))
        assert pdfdoc._without_spaces(t) == pdfdoc._JUDGED_SPACE_RE.sub("", t)
        subbed = pdfdoc._CID_RE.subn("", t)
        assert (pdfdoc._CID_RE.subn("", t) if "(cid:" in t else (t, 0)) == subbed
