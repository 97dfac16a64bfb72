"""The faster page-analysis steps (benchmarks/bench_scan.py, issue #5) find what the plain
versions found: each is checked against a straightforward reference implementation (the
code it replaced) on synthetic pages, and the speed settings at their edges."""

from __future__ import annotations

import numpy as np
import pytest

from segmenter import scanlayout as sl

cv2 = pytest.importorskip("cv2")


def _text_page(w: int = 1600, h: int = 2200, seed: int = 0) -> np.ndarray:
    """A grey page with rows of dark 'glyphs' (22 px, 4 px apart, lines 36 px apart), a rule,
    paper noise and uneven lighting."""
    rng = np.random.default_rng(seed)
    page = np.full((h, w), 235.0, np.float32)
    for y in range(120, h - 120, 36):
        x = 100 + int(rng.integers(0, 40))
        while x < w - 130:
            if rng.random() < 0.9:
                page[y:y + 22, x:x + 22] = 40
                page[y + 6:y + 16, x + 6:x + 16] = 235   # a hole: glyphs are not solid squares
            x += 26
    page[80:83, 100:w - 100] = 30                        # a hairline rule
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    page *= 1.0 - 0.25 * (xx / w) * (yy / h)             # darker towards one corner
    page += rng.normal(0, 6, page.shape).astype(np.float32)
    return np.clip(np.rint(page), 0, 255).astype(np.uint8)


def _rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), borderValue=255)


def test_speed_settings_pinned():
    assert (sl.SKEW_WORK_WIDTH, sl.SKEW_COARSE_WIDTH) == (1000, 500)
    assert sl.BINARIZE_STRIP_ROWS == 64
    assert sl.SPECK_LOOP_MAX == 3000


@pytest.mark.parametrize("angle", [-3.7, -1.2, 0.6, 2.35])
def test_coarse_skew_search_on_the_smaller_image_finds_the_same_skew(monkeypatch, angle):
    page = _rotate(_text_page(), angle)
    fast = sl.estimate_skew(page)
    assert abs(fast - angle) <= 0.1
    # the coarse search at the full work width (no second reduction) finds the same angle
    monkeypatch.setattr(sl, "SKEW_COARSE_WIDTH", sl.SKEW_WORK_WIDTH)
    assert sl.estimate_skew(page) == fast


def test_skew_of_a_page_narrower_than_the_coarse_width():
    # 460 px wide: under SKEW_COARSE_WIDTH, the coarse search runs on the work image itself
    page = _rotate(_text_page(w=460, h=700, seed=3), 1.5)
    assert page.shape[1] < sl.SKEW_COARSE_WIDTH
    assert abs(sl.estimate_skew(page) - 1.5) <= 0.15


def _sauvola_reference(gray: np.ndarray, em: float) -> np.ndarray:
    """binarize() as first written: whole-page float32 arrays."""
    win = max(3, int(round(sl.SAUVOLA_WINDOW_EM * em)) | 1)
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REPLICATE)
    sq = cv2.boxFilter(g * g, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REPLICATE)
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    thr = mean * (1 + sl.SAUVOLA_K * (std / sl.SAUVOLA_R - 1))
    return ((g < thr) & (gray < sl.INK_MAX_LEVEL)).astype(np.uint8) * 255


@pytest.mark.parametrize("rows", [1, 7, 64, 100_000])
def test_binarize_in_strips_equals_whole_page_sauvola(monkeypatch, rows):
    gray = _text_page(w=700, h=530, seed=1)
    monkeypatch.setattr(sl, "BINARIZE_STRIP_ROWS", rows)
    ink = sl.binarize(gray, 25.0)
    assert ink.dtype == np.uint8 and ink.any()
    assert np.array_equal(ink, _sauvola_reference(gray, 25.0))


def _flat_field_reference(gray: np.ndarray) -> np.ndarray:
    """flat_field() as first written: np.linalg.lstsq on the full grid of terms."""
    h, w = gray.shape
    sw, sh = max(4, w // sl.FIELD_REDUCE), max(4, h // sl.FIELD_REDUCE)
    small = cv2.resize(gray, (sw, sh), interpolation=cv2.INTER_AREA)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (sl.FIELD_MAX_FILTER, sl.FIELD_MAX_FILTER))
    paper = cv2.dilate(small, k).astype(np.float64)
    ys, xs = np.mgrid[0:sh, 0:sw]
    xs = xs.ravel() / sw - 0.5
    ys = ys.ravel() / sh - 0.5
    terms = [xs ** i * ys ** j for i in range(sl.FIELD_DEGREE + 1) for j in range(sl.FIELD_DEGREE + 1 - i)]
    a = np.stack(terms, axis=1)
    v = paper.ravel()
    keep = np.ones(v.shape, bool)
    fit = np.full(v.shape, float(np.median(v)))
    for _ in range(sl.FIELD_ROUNDS):
        if keep.sum() < len(terms) * 4:
            break
        coef, *_ = np.linalg.lstsq(a[keep], v[keep], rcond=None)
        fit = a @ coef
        keep = v >= fit - sl.FIELD_REJECT
    surface = np.clip(fit.reshape(sh, sw), 40.0, 255.0).astype(np.float32)
    surface = cv2.resize(surface, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(gray.astype(np.float32) * (250.0 / surface), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", [0, 4])
def test_flat_field_normal_equations_match_lstsq(seed):
    gray = _text_page(w=1200, h=1700, seed=seed)
    out, ref = sl.flat_field(gray), _flat_field_reference(gray)
    diff = np.abs(out.astype(int) - ref.astype(int))
    # the fits agree to ~1e-10 grey levels: a pixel may flip by one level at a rounding edge
    assert diff.max() <= 1 and np.count_nonzero(diff) <= 10


def test_flat_field_falls_back_to_least_norm_fit_when_the_equations_are_singular(monkeypatch):
    gray = _text_page(w=600, h=800, seed=2)
    want = sl.flat_field(gray)

    def singular(*_):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(sl.np.linalg, "solve", singular)
    got = sl.flat_field(gray)
    # lstsq solves the same (regular) equations: the same page up to a rounding edge
    diff = np.abs(got.astype(int) - want.astype(int))
    assert diff.max() <= 1 and np.count_nonzero(diff) <= 10


def test_components_fall_back_to_32_bit_labels():
    dots = np.zeros((600, 600), np.uint8)
    dots[::2, ::2] = 255                       # 90,000 components: more than 16-bit labels hold
    n, labels, stats = sl._components(dots)
    n32, _, stats32, _ = cv2.connectedComponentsWithStats(dots, connectivity=8)
    assert n == n32 == 90_001 and labels.dtype == np.int32 and np.array_equal(stats, stats32)
    few = dots[:100, :100]
    n, labels, stats = sl._components(few)
    n32, labels32, stats32, _ = cv2.connectedComponentsWithStats(few, connectivity=8)
    assert labels.dtype == np.uint16 and n == n32 and np.array_equal(stats, stats32)
    assert np.array_equal(labels.astype(np.int32), labels32)


def _line_blobs_reference(ink: np.ndarray, em: float) -> list[tuple[int, int, int, int]]:
    """_line_blobs() as first written: label the smeared ink, box each label's own ink."""
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, int(round(sl.LINE_SMEAR_EM * em))), 1))
    n, labels = cv2.connectedComponents(cv2.dilate(ink, k), connectivity=8)
    labels[ink == 0] = 0
    out = []
    for i in range(1, n):
        ys, xs = np.nonzero(labels == i)
        out.append((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
    return out


@pytest.mark.parametrize("em", [1.0, 10.0, 11.0, 20.0])      # smear widths 1, 6 (even), 7 (odd), 12
def test_line_blobs_are_boxed_by_their_own_ink(em):
    rng = np.random.default_rng(int(em))
    ink = np.zeros((120, 200), np.uint8)
    for _ in range(60):
        x, y = int(rng.integers(-3, 198)), int(rng.integers(0, 115))
        ink[y:y + int(rng.integers(1, 6)), max(0, x):x + int(rng.integers(1, 6))] = 255
    ink[50:55, 0:3] = 255          # ink at the left edge
    ink[70:75, 196:200] = 255      # and at the right edge
    ink[90:92, 1:2] = 255          # one pixel in from the left edge, within the smear
    got = [(b.x0, b.y0, b.x1, b.y1) for b in sl._line_blobs(ink, em)]
    assert got == _line_blobs_reference(ink, em)


def _rules_reference(ink: np.ndarray, em: float):
    """_rules() as first written: the mask from every kept label over the whole page."""
    length = max(10, int(round(sl.RULE_MIN_EM * em)))
    thick = max(2.0, sl.RULE_MAX_THICK_EM * em)
    out, mask = [], np.zeros_like(ink)
    for horizontal in (True, False):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel), connectivity=8)
        keep, found = np.zeros(n, bool), []
        for i in range(1, n):
            x, y, w, h, _ = (int(v) for v in stats[i])
            long_, thin = (w, h) if horizontal else (h, w)
            if long_ >= length and thin <= thick:
                found.append((x, y, x + w, y + h))
                keep[i] = True
        mask[keep[labels]] = 255
        out.append(found)
    return out[0], out[1], mask


def test_rule_mask_is_the_kept_components():
    ink = np.zeros((300, 400), np.uint8)
    ink[50:52, 20:380] = 255       # a rule
    ink[100:140, 20:380] = 255     # a bar: long but too thick
    ink[160:300, 200:202] = 255    # a vertical rule
    ink[150:300, 300:303] = 255    # another, touching the bottom edge
    ink[200:205, 10:60] = 255      # too short
    ink[20:22, 30:330:7] = 0       # a dotted gap in no rule
    hs, vs, mask = sl._rules(ink, 10.0)
    ref_h, ref_v, ref_mask = _rules_reference(ink, 10.0)
    assert len(hs) == 1 and len(vs) == 2
    assert [(b.x0, b.y0, b.x1, b.y1) for b in hs] == ref_h and [(b.x0, b.y0, b.x1, b.y1) for b in vs] == ref_v
    assert np.array_equal(mask, ref_mask)


@pytest.mark.parametrize("limit_offset", [0, -1])      # at the limit: one by one; over it: at once
def test_specks_dropped_the_same_either_way(monkeypatch, limit_offset):
    rng = np.random.default_rng(7)
    text = np.zeros((300, 300), np.uint8)
    text[40:80, 40:80] = 255                        # a glyph
    text[150:152, 150:151] = 255                    # a 2-pixel blob: kept (speck area 2 at em 10)
    ys, xs = rng.integers(0, 150, 40) * 2, rng.integers(100, 150, 40) * 2   # 1-pixel specks, apart
    text[ys, xs] = 255
    n_specks = len({(int(y), int(x)) for y, x in zip(ys, xs)})
    monkeypatch.setattr(sl, "SPECK_LOOP_MAX", n_specks + limit_offset)
    sl._drop_specks(text, 10.0)
    want = np.zeros_like(text)
    want[40:80, 40:80] = 255
    want[150:152, 150:151] = 255
    assert np.array_equal(text, want)

