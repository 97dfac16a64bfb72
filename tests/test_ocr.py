"""OCR engines behind one interface (issue #5): FakeEngine, the cache, text joining, and the two
real engines on a small rendered CJK line and a vertical column (kept few and small)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from segmenter import ocr
from segmenter.containers import BBox
from segmenter.errors import InputError
from segmenter.ocr import FakeEngine, OcrLine, OcrWord, clean_text, get_engine, join_words
from segmenter.ocr.cache import CachedEngine, cache_key, dump_lines, load_lines

LINE = "国务院常务会议研究部署推进新型城镇化建设"
COLUMN = "经济持续回升向好"
#: measured: both engines read LINE and COLUMN at 100% (rendered 14 pt at 200 dpi, clean);
#: the threshold leaves room for one wrong character in 20
MIN_ACCURACY = 0.95
#: the whole-page baselines on one line: measured 0.75 for `tesseract --psm 3` (its page
#: segmentation drops the first five characters of a lone line) and 1.0 for RapidOCR
BASELINE_MIN_ACCURACY = 0.7


def render(text: str, size: float = 14, dpi: int = 200, vertical: bool = False) -> np.ndarray:
    import pymupdf
    font = pymupdf.Font("cjk")
    doc = pymupdf.open()
    if vertical:
        page = doc.new_page(width=size * 2.2, height=size * (len(text) + 2))
    else:
        page = doc.new_page(width=size * (len(text) + 2), height=size * 2.2)
    page.insert_font(fontname="F", fontbuffer=font.buffer)
    if vertical:
        for i, ch in enumerate(text):
            page.insert_text((size * 0.6, size * (i + 1.9)), ch, fontname="F", fontsize=size)
    else:
        page.insert_text((size, size * 1.5), text, fontname="F", fontsize=size)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width].copy()


def accuracy(gold: str, got: str) -> float:
    return 1 - Levenshtein.distance(gold, got) / len(gold)


def _line(text: str, conf: float = 0.9) -> OcrLine:
    return OcrLine((OcrWord(text, BBox(0, 0, 10 * len(text), 10), conf),), BBox(0, 0, 10 * len(text), 10), False)


# ------------------------------------------------------------------ interface

def test_joining_drops_spaces_between_cjk_and_keeps_latin_spaces():
    assert clean_text("政 府  工 作") == "政府工作"
    assert clean_text("New  York Times") == "New York Times"
    assert join_words(["中国", "GDP", "增长", "5.2%", "and", "more"]) == "中国GDP增长5.2% and more"
    words = (OcrWord("政 府", BBox(0, 0, 1, 1), 1.0), OcrWord("工作", BBox(1, 0, 2, 1), 0.5),
             OcrWord("New", BBox(2, 0, 3, 1), 1.0), OcrWord("York", BBox(3, 0, 4, 1), 1.0))
    ln = OcrLine(words, BBox(0, 0, 4, 1), False)
    assert ln.text == "政府工作New York"
    # character-weighted: 2 chars at 1.0, 2 at 0.5, 7 at 1.0
    assert ln.conf == pytest.approx((2 * 1.0 + 2 * 0.5 + 7 * 1.0) / 11)
    assert OcrLine((), BBox(0, 0, 1, 1), False).conf == 0.0


def test_fake_engine_fixed_lines_callable_and_blank():
    fe = FakeEngine([_line("头版")])
    img = np.full((20, 40), 255, np.uint8)
    assert fe.recognize(img) == []                      # blank crop: nothing, no error
    img[5:15, 5:30] = 0
    assert [ln.text for ln in fe.recognize(img)] == ["头版"]
    assert fe.recognize(np.zeros((0, 0), np.uint8)) == []
    assert fe.calls == 3
    fn = FakeEngine(lambda image, vertical: [_line("竖" if vertical else "横")])
    assert fn.recognize(img, vertical=True)[0].text == "竖"
    assert fn.recognize(img)[0].text == "横"


def test_engine_names_and_default():
    assert ocr.ENGINES == ("tesseract", "rapidocr")
    assert ocr.DEFAULT_ENGINE in ocr.ENGINES
    with pytest.raises(InputError, match="unknown OCR engine 'abbyy'"):
        get_engine("abbyy")


# ------------------------------------------------------------------ cache

def test_cache_hit_avoids_the_engine_call(tmp_path):
    fe = FakeEngine([_line("新闻", 0.8)])
    eng = CachedEngine(fe, tmp_path)
    img = np.full((20, 40), 255, np.uint8)
    img[5:15, 5:30] = 0
    first = eng.recognize(img)
    assert fe.calls == 1 and (eng.hits, eng.misses) == (0, 1)
    again = eng.recognize(img.copy())
    assert fe.calls == 1 and eng.hits == 1
    assert again == first
    eng.recognize(img, vertical=True)                   # another orientation: another key
    assert fe.calls == 2
    other = img.copy()
    other[0, 0] = 0                                     # one pixel changed: a miss
    eng.recognize(other)
    assert fe.calls == 3
    # a second engine object over the same folder reads the files (a re-run of segmenter)
    fe2 = FakeEngine([_line("别的")])
    assert CachedEngine(fe2, tmp_path).recognize(img) == first and fe2.calls == 0


def test_cache_key_covers_shape_engine_version_and_options():
    a = np.zeros((4, 6), np.uint8)
    k = cache_key(a, "e", "1", "o")
    assert k == cache_key(a.copy(), "e", "1", "o")
    assert k != cache_key(a.reshape(6, 4), "e", "1", "o")
    assert k != cache_key(a, "f", "1", "o")
    assert k != cache_key(a, "e", "2", "o")
    assert k != cache_key(a, "e", "1", "p")


def test_cache_files_deterministic_and_corrupt_file_is_a_miss(tmp_path):
    lines = [_line("一"), OcrLine((OcrWord("AB", BBox(1.5, 2, 3, 4), 0.25),), BBox(1.5, 2, 3, 4), True)]
    assert dump_lines(lines) == dump_lines(list(lines))
    assert load_lines(dump_lines(lines)) == lines
    assert load_lines(b"{not json") is None
    assert load_lines(b'{"format": 999, "lines": []}') is None
    fe = FakeEngine(lines)
    eng = CachedEngine(fe, tmp_path)
    img = np.eye(8, dtype=np.uint8) * 255
    eng.recognize(img)
    path = eng.path_for(img, False)
    assert path.is_file() and not list(path.parent.glob(".ocr.*"))   # no temp file left
    path.write_bytes(b"garbage")
    assert eng.recognize(img) == lines and fe.calls == 2
    assert path.read_bytes() == dump_lines(lines)


def test_get_engine_wraps_in_cache(tmp_path, monkeypatch):
    from segmenter.ocr import tesseract as tmod

    class Dummy:
        name = "tesseract"
        version = "x"

        def recognize(self, image, *, vertical=False):
            return []
    monkeypatch.setattr(tmod, "TesseractEngine", Dummy)
    eng = get_engine("tesseract", tmp_path)
    assert isinstance(eng, CachedEngine) and eng.name == "tesseract"
    assert isinstance(get_engine("tesseract"), Dummy)


# ------------------------------------------------------------------ missing engines

def test_missing_tesseract_binary_is_one_line(monkeypatch):
    import pytesseract
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(InputError) as ei:
        get_engine("tesseract")
    msg = str(ei.value)
    assert "\n" not in msg and "tesseract program is not installed" in msg and "tesseract-ocr-chi-sim" in msg


def test_missing_tesseract_language_is_named(monkeypatch):
    import pytesseract
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])
    with pytest.raises(InputError, match="language data chi_sim, chi_sim_vert not installed"):
        get_engine("tesseract")


def test_missing_rapidocr_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr", None)   # import fails as if not installed
    with pytest.raises(InputError, match="OCR engine rapidocr: not installed"):
        get_engine("rapidocr")


# ------------------------------------------------------------------ thresholds

def test_tesseract_glyph_scaling_edges():
    from segmenter.ocr import tesseract as t
    assert (t.MIN_GLYPH_PX, t.MAX_GLYPH_PX, t.TARGET_GLYPH_PX) == (24, 60, 36)
    assert t.scale_for(60) == 1.0 and t.scale_for(24) == 1.0 and t.scale_for(0) == 1.0
    assert t.scale_for(61) == pytest.approx(36 / 61)       # just over: shrunk
    assert t.scale_for(167) == pytest.approx(36 / 167)     # a 40 pt headline at 300 dpi: ≈ 4.6×
    assert t.scale_for(23) == pytest.approx(36 / 23)       # just under: enlarged
    img = np.full((100, 50), 255, np.uint8)
    img[10:30, 5:45] = 0
    img[50:90, 5:45] = 0
    assert t.glyph_runs(img, False) == [(10, 30), (50, 90)]
    assert t.glyph_size(img, False) == 40.0
    assert t.glyph_runs(img, True) == [(5, 45)]


def test_rapidocr_latin_join_gap_edge():
    from segmenter.ocr import rapidocr as r
    assert r.LATIN_JOIN_GAP == 0.2
    line = BBox(0, 0, 100, 20)          # 20 px high: words join across gaps up to 4 px
    chars = [OcrWord("G", BBox(0, 0, 10, 20), 1.0), OcrWord("D", BBox(14, 0, 24, 20), 0.5),
             OcrWord("P", BBox(28.5, 0, 38, 20), 1.0), OcrWord("增", BBox(38, 0, 58, 20), 1.0)]
    words = r.join_latin(chars, line, False)
    assert [w.text for w in words] == ["GD", "P", "增"]
    assert words[0].conf == 0.75 and words[0].bbox == BBox(0, 0, 24, 20)


# ------------------------------------------------------------------ real engines (small crops)

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


@needs_tesseract
def test_tesseract_reads_a_line_and_a_column():
    eng = get_engine("tesseract")
    lines = eng.recognize(render(LINE))
    assert accuracy(LINE, "".join(ln.text for ln in lines)) >= MIN_ACCURACY
    assert all(0 <= w.conf <= 1 for ln in lines for w in ln.words)
    col = eng.recognize(render(COLUMN, vertical=True), vertical=True)
    assert accuracy(COLUMN, "".join(ln.text for ln in col)) >= MIN_ACCURACY
    assert all(ln.vertical for ln in col)
    assert eng.recognize(np.full((40, 200), 255, np.uint8)) == []
    big = render("全国两会今日开幕", size=40, dpi=300)        # a headline: shrunk before OCR
    assert accuracy("全国两会今日开幕", "".join(ln.text for ln in eng.recognize(big))) >= MIN_ACCURACY


def test_rapidocr_reads_a_line_and_a_column_deterministically():
    eng = get_engine("rapidocr")
    img = render(LINE)
    lines = eng.recognize(img)
    assert accuracy(LINE, "".join(ln.text for ln in lines)) >= MIN_ACCURACY
    assert eng.recognize(img) == lines                  # deterministic
    b = lines[0].bbox
    assert 0 <= b.x0 < b.x1 <= img.shape[1] and 0 <= b.y0 < b.y1 <= img.shape[0]
    col = eng.recognize(render(COLUMN, vertical=True), vertical=True)
    assert accuracy(COLUMN, "".join(ln.text for ln in col)) >= MIN_ACCURACY
    assert eng.recognize(np.full((40, 200), 255, np.uint8)) == []
    assert eng.recognize(np.zeros((3, 3), np.uint8)) == []


def test_rapidocr_offline_and_telemetry_off(tmp_path):
    """In a fresh interpreter without the variable and without any network (unshare -n when
    available): the engine starts, reads, and ORT_DISABLE_TELEMETRY=1 is in the C environment
    before onnxruntime is imported."""
    img_path = tmp_path / "line.npy"
    np.save(img_path, render(LINE))
    code = (
        "import ctypes, sys, numpy as np\n"
        "from segmenter.ocr import get_engine\n"
        "assert 'onnxruntime' not in sys.modules\n"
        "e = get_engine('rapidocr')\n"
        "libc = ctypes.CDLL(None); libc.getenv.restype = ctypes.c_char_p\n"
        "assert libc.getenv(b'ORT_DISABLE_TELEMETRY') == b'1'\n"
        f"print(''.join(l.text for l in e.recognize(np.load({str(img_path)!r}))))\n")
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    cmd = [sys.executable, "-c", code]
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        cmd = ["unshare", "-n"] + cmd
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert accuracy(LINE, done.stdout.strip()) >= MIN_ACCURACY


def test_console_sets_telemetry_off(monkeypatch):
    from segmenter import cli
    monkeypatch.delenv("ORT_DISABLE_TELEMETRY", raising=False)
    monkeypatch.setattr(sys, "argv", ["segmenter", "--version"])
    with pytest.raises(SystemExit):
        cli.console()
    assert os.environ.get("ORT_DISABLE_TELEMETRY") == "1"


@pytest.mark.parametrize("tool", ["tesseract", "rapidocr"])
def test_whole_page_baseline_reads_a_line(tool):
    if tool == "tesseract" and shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    from segmenter.ocr.baselines import page_text
    img = np.pad(render(LINE), 40, constant_values=255)
    assert accuracy(LINE, "".join(page_text(img, tool).split())) >= BASELINE_MIN_ACCURACY


def test_extractor_choices_include_the_ocr_baselines():
    from segmenter.pdfbaselines import EXTRACTORS, OCR_EXTRACTORS
    assert OCR_EXTRACTORS == ("tesseract", "rapidocr") and not set(OCR_EXTRACTORS) & set(EXTRACTORS)
