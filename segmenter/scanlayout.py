"""Page analysis of scanned pages (OpenCV): pixels → rules, boxes, photos, text regions.

Steps, each on the output of the one before:

1. **deskew**: the skew (±MAX_SKEW_DEG) that makes the rows of ink sharpest (projection
   profile of a reduced binary image: text lines and rules both vote), undone by rotation;
2. **flat field**: the paper's brightness, a smooth polynomial surface fitted to the bright
   pixels (photos and text rejected), divides out uneven lighting and a dark page edge's
   gradient;
3. **denoise** (Gaussian 3×3) and **binarize** (Sauvola, window in ems of the body text);
4. the **body em** (pixels per em of the body text) from the heights of the glyph blobs:
   every other threshold is in ems of it, so the analysis does not depend on the dpi;
5. **rules** (morphological opening with long thin kernels), **boxes** (four rules that close a
   rectangle), **photos / illustrations** (large, even, dark areas without the high local
   contrast of text);
6. **text lines** (ink smeared across by a fraction of an em, then pieces on one baseline
   joined by their own size), **vertical lines** (竖排: single glyphs stacked top-down closer
   than to any neighbour across), **text regions** (lines of one size and one direction set
   one under the other in one column, nothing between them) and **column gutters**.

Output: :class:`PageAnalysis` with the deskewed, flat-fielded page image (what OCR reads),
:class:`Graphic` objects in its pixel frame for ``Page.graphics`` and :class:`TextRegion`
objects (box, direction, glyph height) that the scan reader OCRs one by one.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np

from .containers import BBox, Graphic, GraphicKind

__all__ = ["analyse_page", "PageAnalysis", "TextRegion", "estimate_skew", "rotate_page",
           "flat_field", "binarize", "estimate_em"]

# ----------------------------------------------------------------------------- thresholds

#: the skew searched for (degrees): scanners and cameras of archive pages stay within ±5°
MAX_SKEW_DEG = 5.0
#: coarse and fine steps of the skew search (degrees); a 0.05° error moves the end of a
#: 2,000-pixel line by under 2 pixels
SKEW_COARSE_STEP = 0.25
SKEW_FINE_STEP = 0.05
#: skews smaller than this are not undone (a rotation blurs the image for nothing)
MIN_DESKEW_DEG = 0.05
#: the skew search works on the page reduced to about this width (pixels): text lines are
#: still 3+ pixels high, and 50 rotations of it take ~0.15 s
SKEW_WORK_WIDTH = 1000
#: …and the coarse steps on the page reduced to this width (pixels): body lines are still 4–5
#: pixels high and a 0.25° step moves a line's end by 2 pixels; it found the same skews as the
#: coarse search at SKEW_WORK_WIDTH on 32 degraded pages (light and heavy, 200 and 300 dpi) and
#: takes the skew search from ~0.13 to ~0.05 s a page
SKEW_COARSE_WIDTH = 500
#: the flat field is fitted on the page reduced by this factor, after a max filter of this
#: many reduced pixels (wider than any stroke, so text vanishes into the paper)
FIELD_REDUCE = 8
FIELD_MAX_FILTER = 9
#: …as a polynomial surface in x and y of this degree (uneven lighting, a curled page's shadow)
FIELD_DEGREE = 3
#: …fitted again this many times, dropping pixels darker than the fit by FIELD_REJECT grey
#: levels (photos, dark margins) each time
FIELD_ROUNDS = 3
FIELD_REJECT = 12.0
#: denoise: a Gaussian of this kernel (pixels) halves grain and JPEG noise; a median of the
#: same size would erase 1-pixel hairlines (0.4 pt rules at 200 dpi), specks go later by size
DENOISE_KERNEL = 3
#: Sauvola's k and R (the usual 0.2 / 128 of the paper), and its window in body ems (a window of
#: about two glyphs sees both ink and paper wherever there is text)
SAUVOLA_K = 0.2
SAUVOLA_R = 128.0
SAUVOLA_WINDOW_EM = 2.0
#: rows of the page the threshold is computed for at once (a speed setting, not a threshold:
#: 64 rows of a 300 dpi A3 page are ~1 MB of float32 per array, within the cache; 10–30 %
#: faster than whole-page arrays, the same result)
BINARIZE_STRIP_ROWS = 64
#: …and a pixel is never ink when lighter than this (after the flat field): bleed-through from
#: the back page and paper texture stay at 200–240 on the generated degraded pages
INK_MAX_LEVEL = 190
#: a CJK glyph's ink is this share of its em (the body size): measured 0.86–0.92 on the
#: generated pages' Noto CJK body text at 200 and 300 dpi
GLYPH_INK_EM = 0.88
#: the body em when no text is found (pixels: 10 pt at 300 dpi)
DEFAULT_EM = 42.0
#: blobs smaller than this (share of an em², both sides) are specks of noise, not glyph parts
SPECK_EM2 = 0.004
#: up to this many specks are erased one by one within their boxes (~6 µs each), more at once
#: over the page's label image (13 ms at 200 dpi, 32 ms at 300); the generated degraded pages
#: have 26–374 specks
SPECK_LOOP_MAX = 3000
#: rules: at least this long (ems; the longest glyph stroke, 一 in a 60 pt headline, is 6 body
#: ems and a column 10 ems and more) and at most this thick (ems; hairlines 0.25–1.5 pt are
#: under 0.15 em, blur and ink spread add a few pixels)
RULE_MIN_EM = 6.0
RULE_MAX_THICK_EM = 0.3
#: a box: four rules closing a rectangle, both sides at least this long (ems); corners may
#: miss each other by this much (ems)
BOX_MIN_EM = 3.0
BOX_CORNER_EM = 1.0
#: photos and illustrations: local mean darker than PHOTO_MAX_MEAN and local standard deviation
#: under PHOTO_MAX_STD (window PHOTO_WINDOW_EM): text has a mean of 180-235 and a deviation of
#: 80-120 (black on white), photos and tints are even; both sides at least PHOTO_MIN_EM
#: (FILL_MIN_SIDE / IMAGE_MIN_SIDE of the PDF reader, 20-40 pt, at a 10 pt body), filling at
#: least PHOTO_FILL_SHARE of their box
PHOTO_MAX_MEAN = 215.0
PHOTO_MAX_STD = 50.0
PHOTO_WINDOW_EM = 1.0
PHOTO_MIN_EM = 3.0
PHOTO_FILL_SHARE = 0.5
#: a photo candidate is text when at least PHOTO_TEXT_SHARE of its ink is in glyph-sized pieces
#: (GLYPH_PIECE_MIN_EM to GLYPH_PIECE_MAX_EM high, at most GLYPH_PIECE_MAX_EM wide): text areas
#: the heavy degradation took for photos measured 0.97–1.00, the generated photos 0.03–0.85
PHOTO_TEXT_SHARE = 0.9
#: …and holds at least PHOTO_TEXT_DENSITY glyph-sized pieces per em² (text: 0.48–1.0 on those
#: areas; generated photos 0.04–0.33, one of 0.94 glyph share at 0.04)
PHOTO_TEXT_DENSITY = 0.25
GLYPH_PIECE_MIN_EM = 0.25
GLYPH_PIECE_MAX_EM = 1.3
#: a candidate filling less than PHOTO_FILL_SHARE of its box is opened again with a window
#: this many times wider, and its pieces judged alone (a flat grey photo ran into a 1.8× headline
#: and bleed-through above it on a heavy page: 735 × 639 px filled at 0.43)
PHOTO_SPLIT_WINDOWS = 3
#: a rule within this many ems of a photo's box is the photo's own edge
PHOTO_EDGE_EM = 0.3
#: an area touching the image edge within this many ems is a dark scan margin, not a photo
EDGE_MARGIN_EM = 0.5
#: ink is smeared across by this many body ems to make line blobs (CJK letter-spacing is under
#: 0.3 em, column gutters are 1 em and more)
LINE_SMEAR_EM = 0.6
#: two line pieces on one baseline (vertical overlap ≥ this share of the lower one) are one
#: line when at most LINE_JOIN_EM of their own height apart and of sizes within LINE_SIZE_RATIO
#: (after a CJK comma or full stop the ink gap is 0.75–0.8 em; body gutters of the generated
#: pages are 12 pt, 1.15–1.35 em of 9–10.5 pt body text, and ink heights 0.88–0.95 em)
LINE_OVERLAP_SHARE = 0.6
#: a horizontal line piece taller than this many body ems is not type: a dark or torn scan
#: margin, a missed rule or a photo's edge (the largest type of a page, a masthead name of
#: 60–100 pt over a 9–10.5 pt body, is under 11 em; a torn right margin of a generated page
#: made a 25 × 3311 px strip, 80 em, that OCR read as "ME")
MAX_LINE_EM = 12.0
LINE_JOIN_EM = 1.0
LINE_SIZE_RATIO = 1.5
#: vertical (竖排) lines: at least VERTICAL_MIN_GLYPHS single-glyph blobs (half-width digits
#: are 0.5–0.6 em wide: width ≤
#: VERTICAL_GLYPH_ASPECT × height and the reverse) of one size (within VERTICAL_SIZE_RATIO),
#: centres within VERTICAL_AXIS_EM of their size of one axis, each at most VERTICAL_GAP_EM of
#: the size below the previous blob of the column (a quote mark between two glyphs leaves a
#: gap of ~0.85 em) and closer than to any neighbour across (the PDF reader's
#: VERTICAL_MIN_CHARS / VERTICAL_AXIS_EM, in glyph heights)
VERTICAL_MIN_GLYPHS = 3
VERTICAL_GLYPH_ASPECT = 2.0
VERTICAL_SIZE_RATIO = 1.3
VERTICAL_AXIS_EM = 0.45
VERTICAL_GAP_EM = 0.9
#: a line continues the region above it when the white gap is at most REGION_GAP_EM of its
#: height, their sizes are within REGION_SIZE_RATIO and their left edges within
#: REGION_INDENT_EM (a 2-em indent and slack) or one lies mostly over the other (geolayout's
#: run rules, in glyph heights)
REGION_GAP_EM = 1.1
REGION_SIZE_RATIO = 1.25
REGION_INDENT_EM = 2.8
REGION_OVERLAP_SHARE = 0.8
#: two pieces one over the other with a white gap of at most FRAGMENT_GAP_SHARE of their joint
#: height, making a box at most GLYPH_ASPECT_MAX times higher than wide (or wider than high), are one glyph (5 px of
#: 104 in a split 40 pt 稳: 0.05; two body lines stand ≥ 0.15 of their joint height apart at
#: 1.2 leading, and a line's blob is many glyphs wide)
FRAGMENT_GAP_SHARE = 0.1
GLYPH_ASPECT_MAX = 1.3
#: a line blob lower than this share of the tallest line of its row is a fragment of a glyph
#: (合 after a 、 splits into 人 over 口, 11 px each on a 24 px line): it belongs to the row and
#: never decides the region's size or where it ends
FRAGMENT_SHARE = 0.6
#: region glyph heights within this ratio of the smallest of their cluster are one type size
#: (type sizes of a page differ by ≥ 10 %: body 9–10.5 pt, subheads 11–12 pt, heads 18 pt up)
SIZE_CLUSTER_RATIO = 1.08
#: regions whose glyph height is within this ratio (either way) of the page's body line height
#: are body text: a region's height is the median of its lines', and a one- or three-line region
#: (a paragraph's last line, a byline) measures 1–2 px off (23–25 px against 24 on the light-
#: degraded 200 dpi pages, ratio ≤ 1.087); synth's subheads are 1.16–1.2 × the body and measured
#: ≥ 1.125 × there
BODY_SNAP_RATIO = 1.1
#: the body's line height is looked for within this ratio of the body em's ink height
BODY_LOOK_RATIO = 1.2
#: vertical columns at most this many of their ems apart are one region (one headline)
VERTICAL_COLUMN_GAP_EM = 1.0
#: a white strip between two regions side by side is a column gutter when at least this wide
#: and at most GUTTER_MAX_EM (ems)
GUTTER_MIN_EM = 0.5
GUTTER_MAX_EM = 4.0


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class TextRegion:
    """A block of text of one size and one direction: what the OCR engine reads at once."""

    bbox: BBox              # page pixels (the deskewed frame)
    vertical: bool          # set top-down (竖排), columns right to left
    glyph: float            # glyph (ink) height of its lines, pixels
    lines: int              # number of text lines (columns, when vertical) found in it

    @property
    def em(self) -> float:
        """Its type size in pixels (the em the ink height stands for)."""
        return self.glyph / GLYPH_INK_EM


@dataclass
class PageAnalysis:
    image: np.ndarray           # deskewed, flat-fielded, denoised grey page (what OCR reads)
    skew: float                 # the page's skew found (degrees, counter-clockwise positive)
    em: float                   # body em in pixels
    graphics: list[Graphic] = field(default_factory=list)
    regions: list[TextRegion] = field(default_factory=list)
    gutters: list[BBox] = field(default_factory=list)

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True)
class _Blob:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    def box(self) -> BBox:
        return BBox(float(self.x0), float(self.y0), float(self.x1), float(self.y1))


# ----------------------------------------------------------------------------- steps


def _cv2():
    import cv2
    cv2.setNumThreads(1)   # pages run in parallel processes; one thread each
    return cv2


def _otsu_ink(gray: np.ndarray) -> np.ndarray:
    cv2 = _cv2()
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def _components(binary: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats`` (8-connected): number of labels, labels, stats.
    16-bit labels where they fit (the same labels and stats, 2–3× faster than 32-bit ones on a
    page: 23 against 51 ms on a 200 dpi A3 page), 32-bit ones when OpenCV reports an overflow."""
    cv2 = _cv2()
    try:
        n, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(binary, 8, cv2.CV_16U, cv2.CCL_DEFAULT)
    except cv2.error:
        n, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(binary, 8, cv2.CV_32S, cv2.CCL_DEFAULT)
    return n, labels, stats


def estimate_skew(gray: np.ndarray) -> float:
    """The page's skew in degrees (counter-clockwise positive, OpenCV's convention): the
    rotation by minus it makes rows of ink sharpest.  0.0 for a blank page."""
    cv2 = _cv2()
    h, w = gray.shape
    scale = min(1.0, SKEW_WORK_WIDTH / max(w, 1))
    small = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink = _otsu_ink(small)
    if not ink.any():
        return 0.0
    # the coarse search on the ink reduced once more (a quarter of the pixels to rotate)
    cw = min(SKEW_COARSE_WIDTH, ink.shape[1])
    coarse = ink if cw >= ink.shape[1] else _otsu_ink(cv2.resize(
        small, (max(1, cw), max(1, round(ink.shape[0] * cw / ink.shape[1]))), interpolation=cv2.INTER_AREA))

    def score(img: np.ndarray, angle: float) -> float:
        sh, sw = img.shape
        m = cv2.getRotationMatrix2D((sw / 2, sh / 2), angle, 1.0)
        rot = cv2.warpAffine(img, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
        # integer row sums (exact), as float64 for the score
        rows = cv2.reduce(rot, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
        return float(np.square(np.diff(rows)).sum())

    def search(img: np.ndarray, lo: float, hi: float, step: float) -> float:
        n = int(round((hi - lo) / step))
        angles = [round(lo + i * step, 4) for i in range(n + 1)]
        scores = [score(img, a) for a in angles]
        best = max(range(len(angles)), key=lambda i: (scores[i], -abs(angles[i])))
        return angles[best]

    a = search(coarse, -MAX_SKEW_DEG, MAX_SKEW_DEG, SKEW_COARSE_STEP)
    a = search(ink, a - SKEW_COARSE_STEP, a + SKEW_COARSE_STEP, SKEW_FINE_STEP)
    return -a


def rotate_page(gray: np.ndarray, skew: float) -> np.ndarray:
    """Undo ``skew`` (degrees): rotate by -skew about the centre, new corners white."""
    if abs(skew) < MIN_DESKEW_DEG:
        return gray
    cv2 = _cv2()
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=255)


def flat_field(gray: np.ndarray) -> np.ndarray:
    """The page with the paper's brightness made even (paper → ~250, ink kept dark)."""
    cv2 = _cv2()
    h, w = gray.shape
    sw, sh = max(4, w // FIELD_REDUCE), max(4, h // FIELD_REDUCE)
    small = cv2.resize(gray, (sw, sh), interpolation=cv2.INTER_AREA)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (FIELD_MAX_FILTER, FIELD_MAX_FILTER))
    paper = cv2.dilate(small, k).astype(np.float64)
    # least squares for the surface Σ c_ij·x^i·y^j (i + j ≤ FIELD_DEGREE) over the kept pixels,
    # by the normal equations built from the grid's moments Σ keep·x^p·y^q (p, q ≤ 2·degree:
    # one row and one column of powers, two small matrix products): the same fit as
    # np.linalg.lstsq on the pixels × terms matrix to ~1e-10 grey levels, and ~10× faster
    # (lstsq's SVD of 125,000 × 10 took 0.1–0.6 s a page at 200 dpi)
    n = FIELD_DEGREE + 1
    xs, ys = np.arange(sw) / sw - 0.5, np.arange(sh) / sh - 0.5
    xp = np.stack([xs ** p for p in range(2 * n - 1)], axis=1)        # sw × (2n - 1)
    yp = np.stack([ys ** q for q in range(2 * n - 1)], axis=1)        # sh × (2n - 1)
    pairs = [(i, j) for i in range(n) for j in range(n - i)]           # (x power, y power)
    keep = np.ones(paper.shape, np.float64)
    fit = np.full(paper.shape, float(np.median(paper)))
    for _ in range(FIELD_ROUNDS):
        if keep.sum() < len(pairs) * 4:
            break
        m = yp.T @ keep @ xp                    # m[q, p] = Σ keep · y^q · x^p
        mv = yp[:, :n].T @ (keep * paper) @ xp[:, :n]
        ata = np.array([[m[j + jj, i + ii] for ii, jj in pairs] for i, j in pairs])
        atv = np.array([mv[j, i] for i, j in pairs])
        try:
            coef = np.linalg.solve(ata, atv)
        except np.linalg.LinAlgError:   # the kept pixels on one line: the least-norm fit
            coef, *_ = np.linalg.lstsq(ata, atv, rcond=None)
        c = np.zeros((n, n))
        for (i, j), v in zip(pairs, coef):
            c[j, i] = v
        fit = yp[:, :n] @ c @ xp[:, :n].T
        keep = (paper >= fit - FIELD_REJECT).astype(np.float64)
    surface = np.clip(fit.reshape(sh, sw), 40.0, 255.0).astype(np.float32)
    surface = cv2.resize(surface, (w, h), interpolation=cv2.INTER_LINEAR)
    # out = gray · (250 / surface), clipped: the same float32 operations, in place, a strip of
    # rows at a time (as binarize)
    np.divide(250.0, surface, out=surface)
    out = np.empty_like(gray)
    for y0 in range(0, h, BINARIZE_STRIP_ROWS):
        s = surface[y0:y0 + BINARIZE_STRIP_ROWS]
        np.multiply(gray[y0:y0 + BINARIZE_STRIP_ROWS], s, out=s)
        np.clip(s, 0, 255, out=s)
        out[y0:y0 + BINARIZE_STRIP_ROWS] = s
    return out


def binarize(gray: np.ndarray, em: float) -> np.ndarray:
    """Sauvola binarization (ink = 255) with a window of SAUVOLA_WINDOW_EM body ems."""
    cv2 = _cv2()
    win = max(3, int(round(SAUVOLA_WINDOW_EM * em)) | 1)
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REPLICATE)
    sq = cv2.boxFilter(g * g, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REPLICATE)
    # thr = mean * (1 + K * (std / R - 1)), std = sqrt(max(sq - mean², 0)): the same float32
    # operations in the same order, in place, a strip of rows at a time (stays in the cache)
    out = np.empty(gray.shape, np.uint8)
    for y0 in range(0, gray.shape[0], BINARIZE_STRIP_ROWS):
        y1 = y0 + BINARIZE_STRIP_ROWS
        m, thr = mean[y0:y1], sq[y0:y1]
        np.subtract(thr, m * m, out=thr)
        np.maximum(thr, 0, out=thr)
        np.sqrt(thr, out=thr)
        np.divide(thr, SAUVOLA_R, out=thr)
        np.subtract(thr, 1, out=thr)
        np.multiply(thr, SAUVOLA_K, out=thr)
        np.add(thr, 1, out=thr)
        np.multiply(thr, m, out=thr)
        ink = g[y0:y1] < thr
        ink &= gray[y0:y1] < INK_MAX_LEVEL
        np.multiply(ink.view(np.uint8), np.uint8(255), out=out[y0:y1])
    return out


def estimate_em(ink: np.ndarray) -> float:
    """Pixels per body em: the most common glyph-blob height (blobs weighted by their box area,
    so body glyphs outweigh dots and radicals), divided by GLYPH_INK_EM."""
    cv2 = _cv2()
    n, _, stats = _components(ink)
    if n <= 1:
        return DEFAULT_EM
    w = stats[1:, cv2.CC_STAT_WIDTH]
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    ok = (h >= 6) & (w >= 3) & (h <= ink.shape[0] // 8) & (w <= 2 * h) & (h <= 2 * w)
    if ok.sum() < 20:
        return DEFAULT_EM
    hist = np.bincount(h[ok], weights=(w[ok] * h[ok]).astype(np.float64))
    smooth = np.convolve(hist, np.ones(3), mode="same")
    mode = int(np.argmax(smooth))
    return max(6.0, mode / GLYPH_INK_EM)


# ----------------------------------------------------------------------------- graphics


def _rules(ink: np.ndarray, em: float) -> tuple[list[BBox], list[BBox], np.ndarray]:
    """Horizontal and vertical rules (boxes in pixels) and the mask of their pixels."""
    cv2 = _cv2()
    length = max(10, int(round(RULE_MIN_EM * em)))
    thick = max(2.0, RULE_MAX_THICK_EM * em)
    out: list[list[BBox]] = []
    mask = np.zeros_like(ink)
    for horizontal in (True, False):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        n, labels, stats = _components(opened)
        found = []
        for i in range(1, n):
            x, y, w, h, _ = (int(v) for v in stats[i])
            long_, thin = (w, h) if horizontal else (h, w)
            if long_ >= length and thin <= thick:
                found.append(BBox(float(x), float(y), float(x + w), float(y + h)))
                # the rule's pixels, within its own (thin) box
                mask[y:y + h, x:x + w][labels[y:y + h, x:x + w] == i] = 255
        out.append(found)
    return out[0], out[1], mask


def _off_photos(rules: list[BBox], photos: list[BBox], em: float) -> list[BBox]:
    """Rules that are not the edges of a photo (a photo's border binarizes as a dark line)."""
    slack = PHOTO_EDGE_EM * em
    return [r for r in rules if not any(p.contains(r, slack=slack) for p in photos)]


def _boxes(hs: list[BBox], vs: list[BBox], em: float) -> tuple[list[BBox], set[int], set[int]]:
    """Rectangles closed by two horizontal and two vertical rules (the sides span from the top
    to the bottom, corners within BOX_CORNER_EM); the rules used."""
    tol = BOX_CORNER_EM * em
    boxes: list[BBox] = []
    used_h: set[int] = set()
    used_v: set[int] = set()
    for i, top in enumerate(hs):
        for j, bot in enumerate(hs):
            if bot.y0 - top.y1 < BOX_MIN_EM * em or abs(top.x0 - bot.x0) > tol or abs(top.x1 - bot.x1) > tol:
                continue
            x0, x1 = min(top.x0, bot.x0), max(top.x1, bot.x1)
            if x1 - x0 < BOX_MIN_EM * em:
                continue

            def side(x: float) -> int | None:
                near = [(abs(v.cx - x), k) for k, v in enumerate(vs)
                        if abs(v.cx - x) <= tol and abs(v.y0 - top.y0) <= tol and abs(v.y1 - bot.y1) <= tol]
                return min(near)[1] if near else None
            left, right = side(x0), side(x1)
            if left is None or right is None or left == right:
                continue
            boxes.append(BBox(min(x0, vs[left].x0), top.y0, max(x1, vs[right].x1), bot.y1))
            used_h |= {i, j}
            used_v |= {left, right}
            break
    return boxes, used_h, used_v


def _photos(gray: np.ndarray, em: float) -> list[BBox]:
    """Large even dark areas (photos, tints, illustrations), boxes in pixels."""
    cv2 = _cv2()
    h, w = gray.shape
    f = max(1, int(em // 8))                      # work at ~8 px per em
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    g = small.astype(np.float32)
    win = max(3, int(round(PHOTO_WINDOW_EM * em / f)) | 1)
    mean = cv2.boxFilter(g, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REPLICATE)
    sq = cv2.boxFilter(g * g, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REPLICATE)
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    mask = ((mean < PHOTO_MAX_MEAN) & (std < PHOTO_MAX_STD)).astype(np.uint8) * 255
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (win, win))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, k)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, k)
    n, labels, stats = _components(mask)
    edge = EDGE_MARGIN_EM * em
    out: list[BBox] = []
    cands = [tuple(int(v) for v in stats[i]) for i in range(1, n)]
    big = cv2.getStructuringElement(cv2.MORPH_RECT, (PHOTO_SPLIT_WINDOWS * win, PHOTO_SPLIT_WINDOWS * win))
    for i in range(1, n):                # a photo run into dark neighbours (a headline's strokes,
        x, y, bw, bh, area = cands[i - 1]  # bleed-through): opened wider, it stands alone
        if area >= PHOTO_FILL_SHARE * bw * bh or min(bw, bh) * f < PHOTO_MIN_EM * em:
            continue
        sub = cv2.morphologyEx((labels[y:y + bh, x:x + bw] == i).astype(np.uint8) * 255, cv2.MORPH_OPEN, big)
        m, _, st2 = _components(sub)
        cands += [(x + int(v[0]), y + int(v[1]), int(v[2]), int(v[3]), int(v[4])) for v in st2[1:m]]
    for x, y, bw, bh, area in cands:
        b = BBox(float(x * f), float(y * f), float(min(w, (x + bw) * f)), float(min(h, (y + bh) * f)))
        if min(b.width, b.height) < PHOTO_MIN_EM * em or area < PHOTO_FILL_SHARE * bw * bh:
            continue
        if b.x0 <= edge or b.y0 <= edge or b.x1 >= w - edge or b.y1 >= h - edge:
            continue      # a dark scan margin or a torn edge
        b = _snap_photo(gray, b, em)
        if min(b.width, b.height) >= PHOTO_MIN_EM * em:   # snapped to its edges, still a photo
            out.append(b)
    return out


def _text_like(ink: np.ndarray, b: BBox, em: float) -> bool:
    """A photo candidate whose ink is almost all glyph-sized pieces (PHOTO_TEXT_SHARE), and many
    of them (PHOTO_TEXT_DENSITY), is text
    the scan darkened and blurred (heavy degradation: a 1-em window's deviation falls under
    PHOTO_MAX_STD), not a photo: a photo's texture binarizes into long strokes and specks."""
    cv2 = _cv2()
    sub = ink[int(b.y0):int(b.y1), int(b.x0):int(b.x1)]
    n, _, st = _components(sub)
    if n <= 1:
        return False
    h, w, a = st[1:, cv2.CC_STAT_HEIGHT], st[1:, cv2.CC_STAT_WIDTH], st[1:, cv2.CC_STAT_AREA]
    glyph = (h >= GLYPH_PIECE_MIN_EM * em) & (h <= GLYPH_PIECE_MAX_EM * em) & (w <= GLYPH_PIECE_MAX_EM * em)
    density = int(glyph.sum()) / max(1.0, b.width * b.height / (em * em))
    return density >= PHOTO_TEXT_DENSITY and a[glyph].sum() >= PHOTO_TEXT_SHARE * a.sum()


def _snap_photo(gray: np.ndarray, b: BBox, em: float) -> BBox:
    """Edges of a photo found at low resolution, moved to where its darkness starts."""
    h, w = gray.shape
    pad = int(em)
    x0, y0 = max(0, int(b.x0) - pad), max(0, int(b.y0) - pad)
    x1, y1 = min(w, int(b.x1) + pad), min(h, int(b.y1) + pad)
    sub = gray[y0:y1, x0:x1]
    dark = sub < PHOTO_MAX_MEAN + 20
    cols = _run_around(dark.mean(axis=0) > 0.5, int(b.cx) - x0)
    rows = _run_around(dark.mean(axis=1) > 0.5, int(b.cy) - y0)
    if cols is None or rows is None:
        return b
    return BBox(float(x0 + cols[0]), float(y0 + rows[0]), float(x0 + cols[1]), float(y0 + rows[1]))


def _run_around(flags: np.ndarray, i: int) -> tuple[int, int] | None:
    """The run of True values holding index ``i`` (a photo's columns, not a rule beside it)."""
    if not 0 <= i < len(flags) or not flags[i]:
        return None
    lo = i
    while lo > 0 and flags[lo - 1]:
        lo -= 1
    hi = i + 1
    while hi < len(flags) and flags[hi]:
        hi += 1
    return lo, hi


# ----------------------------------------------------------------------------- text


def _drop_specks(text: np.ndarray, em: float) -> None:
    """Erase (in place) blobs smaller than SPECK_EM2 of an em²: noise, not glyph parts."""
    cv2 = _cv2()
    n, labels, stats = _components(text)
    speck = max(2.0, SPECK_EM2 * em * em)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < speck)
    small = small[small > 0]
    if len(small) > SPECK_LOOP_MAX:
        drop = np.zeros(n, bool)
        drop[small] = True
        text[drop[labels]] = 0
    else:       # each speck within its own box
        for i in small.tolist():
            x, y, w, h = stats[i, :4].tolist()
            text[y:y + h, x:x + w][labels[y:y + h, x:x + w] == i] = 0


def _line_blobs(ink: np.ndarray, em: float) -> list[_Blob]:
    """Ink smeared across by LINE_SMEAR_EM: one blob per line piece, boxed by its own ink."""
    cv2 = _cv2()
    kw = max(1, int(round(LINE_SMEAR_EM * em)))
    smeared = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, 1)))
    n, labels, stats = _components(smeared)
    # the smear (anchor kw // 2) widens each piece's ink by `left` pixels to the left and
    # `right` to the right, up to the image edge; rows are untouched: the ink's own box is the
    # smeared one narrowed back, measured on the ink itself where the smear met an edge
    left, right = kw - 1 - kw // 2, kw // 2
    w = ink.shape[1]
    out: list[_Blob] = []
    for i in range(1, n):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        x0, x1 = x + left, x + bw - right
        if x == 0 or x + bw == w:
            cols = np.flatnonzero(((labels[y:y + bh, x:x + bw] == i) & (ink[y:y + bh, x:x + bw] > 0)).any(axis=0))
            x0, x1 = x + int(cols[0]), x + int(cols[-1]) + 1
        out.append(_Blob(x0, y, x1, y + bh))
    return out


def _join_pieces(blobs: list[_Blob], vrules: list[BBox]) -> list[_Blob]:
    """Pieces of one line on one baseline, further apart than the smear (a headline's
    letter-spacing), joined by their own height; never across a vertical rule.  Pieces of one
    glyph stacked one over the other are glued first (_glue_fragments)."""
    blobs = sorted(_glue_fragments(blobs), key=lambda b: (b.x0, b.y0))
    merged = True
    while merged:
        merged = False
        out: list[_Blob] = []
        used = [False] * len(blobs)
        for i, a in enumerate(blobs):
            if used[i]:
                continue
            cur = a
            for j in range(i + 1, len(blobs)):
                b = blobs[j]
                if used[j]:
                    continue
                size = max(cur.h, b.h)
                if b.x0 - cur.x1 > LINE_JOIN_EM * size:
                    if b.x0 > cur.x1 + LINE_JOIN_EM * cur.h * LINE_SIZE_RATIO * 2:
                        break
                    continue
                ov = min(cur.y1, b.y1) - max(cur.y0, b.y0)
                if ov < LINE_OVERLAP_SHARE * min(cur.h, b.h) or max(cur.h, b.h) > LINE_SIZE_RATIO * min(cur.h, b.h):
                    continue
                if _vrule_between(vrules, cur, b):
                    continue
                cur = _Blob(min(cur.x0, b.x0), min(cur.y0, b.y0), max(cur.x1, b.x1), max(cur.y1, b.y1))
                used[j] = True
                merged = True
            out.append(cur)
        blobs = sorted(out, key=lambda b: (b.x0, b.y0))
    return blobs


def _glue_fragments(blobs: list[_Blob]) -> list[_Blob]:
    """Two pieces one over the other, overlapping across by half the narrower, with a white gap
    of at most FRAGMENT_GAP_SHARE of their joint height and together no taller than
    GLYPH_ASPECT_MAX times wide, are one glyph (稳 of a 40 pt headline: 禾 and 急 … split by
    the binarization, 45 and 54 px high with 5 px between; 合 after 、: 人 over 口).  Lines one
    over the other stay apart: their blobs are lines, far wider than high."""
    order = sorted(range(len(blobs)), key=lambda i: (blobs[i].y0, blobs[i].x0))
    out = [blobs[i] for i in order]
    alive = [True] * len(out)
    for i in range(len(out)):
        if not alive[i]:
            continue
        a = out[i]
        for j in range(i + 1, len(out)):
            if not alive[j]:
                continue
            b = out[j]
            if b.y0 > a.y1 + FRAGMENT_GAP_SHARE * (b.y1 - a.y0):
                if b.y0 > a.y1 + a.h:
                    break
                continue
            if min(a.x1, b.x1) - max(a.x0, b.x0) < 0.5 * min(a.w, b.w) or b.y0 < a.y1:
                continue
            u = _Blob(min(a.x0, b.x0), a.y0, max(a.x1, b.x1), max(a.y1, b.y1))
            if u.h > GLYPH_ASPECT_MAX * u.w or u.w > GLYPH_ASPECT_MAX * u.h:
                continue                  # a glyph's box is about square
            a = out[i] = u
            alive[j] = False
    return [b for b, ok in zip(out, alive) if ok]


def _vrule_between(vrules: list[BBox], a: _Blob, b: _Blob) -> bool:
    lo, hi = min(a.x1, b.x1), max(a.x0, b.x0)
    y0, y1 = max(a.y0, b.y0), min(a.y1, b.y1)
    return any(lo - 1 <= r.cx <= hi + 1 and r.y0 < y1 and r.y1 > y0 for r in vrules)


def _vertical_stacks(blobs: list[_Blob]) -> tuple[list[list[_Blob]], list[_Blob]]:
    """Single-glyph blobs stacked top-down closer than to any neighbour across (竖排).
    Smaller blobs on a column's axis (quotes, punctuation) ride along without counting."""
    single = [b for b in blobs if b.w <= VERTICAL_GLYPH_ASPECT * b.h and b.h <= VERTICAL_GLYPH_ASPECT * b.w]
    if len(single) < VERTICAL_MIN_GLYPHS:
        return [], blobs
    rows = sorted(blobs, key=lambda o: o.y0)
    tops = [o.y0 for o in rows]
    maxh = max(o.h for o in rows)
    across: dict[_Blob, float] = {}
    for b in single:
        best = float("inf")
        lo = bisect_left(tops, b.y0 - maxh)
        for o in rows[lo:]:
            if o.y0 >= b.y1:
                break
            if o is b:
                continue
            if min(b.y1, o.y1) - max(b.y0, o.y0) > 0.5 * min(b.h, o.h):
                best = min(best, max(o.x0 - b.x1, b.x0 - o.x1, 0))
        across[b] = best
    # chains top-down: each blob continues the nearest open chain whose last blob is just above
    # it on the same axis; blobs of one size, smaller ones (punctuation) ride along
    chains: list[list[_Blob]] = []
    sizes: list[float] = []
    for b in sorted(single, key=lambda b: (b.y0, b.x0)):
        size = max(b.w, b.h)
        best, best_d = -1, float("inf")
        for k, ch in enumerate(chains):
            last, cs = ch[-1], sizes[k]
            big = max(cs, size)
            gap = b.y0 - last.y1
            if not -0.2 * big <= gap <= VERTICAL_GAP_EM * big or abs(b.cx - last.cx) > VERTICAL_AXIS_EM * big:
                continue
            if size > VERTICAL_SIZE_RATIO * cs and len(ch) > 1:
                continue
            if gap < best_d:
                best, best_d = k, gap
        if best < 0:
            chains.append([b])
            sizes.append(size)
        else:
            chains[best].append(b)
            sizes[best] = max(sizes[best], size)
    stacks: list[list[_Blob]] = []
    for ch, cs in zip(chains, sizes):
        glyphs = [c for c in ch if max(c.w, c.h) * VERTICAL_SIZE_RATIO >= cs]
        if len(glyphs) < VERTICAL_MIN_GLYPHS:
            continue
        # the gaps between full glyphs next to each other (a + or ” between two glyphs would
        # count its own space twice)
        full = {id(c) for c in glyphs}
        pairs = [(a, b) for a, b in zip(ch, ch[1:]) if id(a) in full and id(b) in full]
        gaps = [max(0, b.y0 - a.y1) for a, b in (pairs or list(zip(ch, ch[1:])))]
        if float(np.median(gaps)) < float(np.median([across[c] for c in glyphs])):
            stacks.append(ch)
    taken = {b for st in stacks for b in st}
    return stacks, [b for b in blobs if b not in taken]


def _between(graphics: list[BBox], upper: _Blob, lower: _Blob) -> bool:
    """A horizontal rule, box edge or photo lies between two lines one under the other."""
    x0, x1 = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    if x1 <= x0:
        x0, x1 = min(upper.x0, lower.x0), max(upper.x1, lower.x1)
    for g in graphics:
        if g.x1 <= x0 or g.x0 >= x1:
            continue
        if g.y0 < lower.y0 and g.y1 > upper.y1:
            return True
    return False


def _regions(lines: list[_Blob], stacks: list[list[_Blob]], barriers: list[BBox]) -> list[TextRegion]:
    lines = sorted(lines, key=lambda b: (b.y0, b.x0))
    groups: list[list[_Blob]] = []
    for ln in lines:
        best, best_cost = None, float("inf")
        for g in groups:
            up = _row_base(g)
            if _fragment_of(ln, up, g):
                best = g
                break
            gap = ln.y0 - up.y1
            size = max(ln.h, up.h)
            if gap < -0.3 * size or gap > REGION_GAP_EM * size:
                continue
            if max(ln.h, up.h) > REGION_SIZE_RATIO * min(ln.h, up.h):
                continue
            ov = min(ln.x1, up.x1) - max(ln.x0, up.x0)
            aligned = abs(ln.x0 - up.x0) <= REGION_INDENT_EM * size and ov > 0
            if not (aligned or ov >= REGION_OVERLAP_SHARE * min(ln.w, up.w)):
                continue
            if _between(barriers, up, ln):
                continue
            cost = gap + 0.5 * abs(ln.x0 - up.x0)
            if cost < best_cost:
                best, best_cost = g, cost
        if best is None:
            groups.append([ln])
        else:
            best.append(ln)
    out = [_region(g, False) for g in groups]
    # vertical columns side by side (right to left) with a small gap are one region
    cols = sorted(stacks, key=lambda st: -max(b.x1 for b in st))
    vgroups: list[list[list[_Blob]]] = []
    for st in cols:
        bb = _union(st)
        size = float(np.median([max(b.w, b.h) for b in st]))
        if vgroups:
            last = _union(vgroups[-1][-1])
            ov = min(bb.y1, last.y1) - max(bb.y0, last.y0)
            if 0 <= last.x0 - bb.x1 <= VERTICAL_COLUMN_GAP_EM * size and ov >= 0.5 * min(bb.height, last.height):
                vgroups[-1].append(st)
                continue
        vgroups.append([st])
    for vg in vgroups:
        blobs = [b for st in vg for b in st]
        box = _union(blobs)
        glyph = float(np.median([max(b.w, b.h) for b in blobs]))
        out.append(TextRegion(box, True, glyph, len(vg)))
    return out


def _merge_overlaps(regions: list[TextRegion]) -> list[TextRegion]:
    """Regions of one direction whose boxes overlap are one region (a line that the grouping
    left beside a column it overlaps would be read twice)."""
    out = list(regions)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a.bbox.x_overlap(b.bbox) <= 0 or a.bbox.y_overlap(b.bbox) <= 0:
                    continue
                if a.vertical != b.vertical:     # a stray piece inside a vertical headline
                    big = a if a.bbox.width * a.bbox.height >= b.bbox.width * b.bbox.height else b
                    out[i] = TextRegion(a.bbox.union(b.bbox), big.vertical, big.glyph, big.lines)
                    del out[j]
                    changed = True
                    break
                n = a.lines + b.lines
                # the larger region's size, unless they are one size (a fragment is not)
                glyph = (a.glyph * a.lines + b.glyph * b.lines) / n
                if max(a.glyph, b.glyph) > REGION_SIZE_RATIO * min(a.glyph, b.glyph):
                    glyph = a.glyph if a.lines >= b.lines else b.glyph
                out[i] = TextRegion(a.bbox.union(b.bbox), a.vertical, glyph, n)
                del out[j]
                changed = True
                break
            if changed:
                break
    return out


def _snap_sizes(regions: list[TextRegion], em: float) -> list[TextRegion]:
    """Glyph heights measured per region scatter by a few pixels (punctuation, descenders).
    Horizontal regions within BODY_SNAP_RATIO of the body's line height (the line-weighted
    median of those within BODY_LOOK_RATIO of the body em's ink) are body text and get the
    body em's ink height exactly (so that the shared stages' size ratios compare like with like,
    as with a PDF's font sizes); the other heights within SIZE_CLUSTER_RATIO of the smallest of
    their cluster are one type size and get its line-weighted median."""
    from dataclasses import replace
    body = em * GLYPH_INK_EM
    near = [r for r in regions if not r.vertical and _within(r.glyph, body, BODY_LOOK_RATIO)]
    out = list(regions)
    rest = list(range(len(regions)))
    if near:
        ref = float(np.median(np.repeat([r.glyph for r in near], [r.lines for r in near])))
        rest = []
        for i, r in enumerate(regions):
            if not r.vertical and _within(r.glyph, ref, BODY_SNAP_RATIO):
                out[i] = replace(r, glyph=round(body, 1))
            else:
                rest.append(i)
    order = sorted(rest, key=lambda i: regions[i].glyph)
    clusters: list[list[int]] = []
    for i in order:
        if clusters and regions[i].glyph <= SIZE_CLUSTER_RATIO * regions[clusters[-1][0]].glyph:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    for cl in clusters:
        weights = [regions[i].lines for i in cl]
        values = np.repeat([regions[i].glyph for i in cl], weights)
        glyph = float(np.median(values))
        for i in cl:
            out[i] = replace(regions[i], glyph=round(glyph, 1))
    return out


def _within(a: float, b: float, ratio: float) -> bool:
    return max(a, b) <= ratio * min(a, b)


def _union(blobs: list[_Blob]) -> BBox:
    return BBox(float(min(b.x0 for b in blobs)), float(min(b.y0 for b in blobs)),
                float(max(b.x1 for b in blobs)), float(max(b.y1 for b in blobs)))


def _row_base(g: list[_Blob]) -> _Blob:
    """The line a group's next line is compared with: its bottom row (the lines overlapping the
    lowest one) across, at the height of the row's tallest line, so that a glyph fragment at
    the row's start or end does not stand for it."""
    low = max(g, key=lambda b: (b.y1, b.h))
    row = [b for b in g if b.y1 > low.y0 and b.y0 < low.y1]
    tall = max(row, key=lambda b: (b.h, b.w))
    return _Blob(min(b.x0 for b in row), tall.y0, max(b.x1 for b in row), tall.y1)


def _fragment_of(ln: _Blob, up: _Blob, g: list[_Blob]) -> bool:
    """``ln`` is a piece of a glyph in ``up``'s row (within its height, lower than
    FRAGMENT_SHARE of it) and inside the group's columns."""
    if ln.h >= FRAGMENT_SHARE * up.h or ln.y0 < up.y0 - 1 or ln.y1 > up.y1 + 1:
        return False
    x0, x1 = min(b.x0 for b in g), max(b.x1 for b in g)
    return ln.x0 >= x0 - up.h and ln.x1 <= x1 + up.h


def _line_height(lines: list[_Blob]) -> float:
    """The median height of lines, glyph fragments left out."""
    tall = max(b.h for b in lines)
    full = [b.h for b in lines if b.h >= FRAGMENT_SHARE * tall] or [tall]
    return float(np.median(full))


def _region(lines: list[_Blob], vertical: bool) -> TextRegion:
    return TextRegion(_union(lines), vertical, _line_height(lines), len(lines))


def _gutters(regions: list[TextRegion], em: float) -> list[BBox]:
    """White strips between horizontal text regions side by side (overlapping rows)."""
    hs = sorted((r for r in regions if not r.vertical), key=lambda r: r.bbox.x0)
    out: list[BBox] = []
    for a in hs:
        best = None
        for b in hs:
            gap = b.bbox.x0 - a.bbox.x1
            if not GUTTER_MIN_EM * em <= gap <= GUTTER_MAX_EM * em:
                continue
            if a.bbox.y_overlap(b.bbox) < 0.5 * min(a.bbox.height, b.bbox.height):
                continue
            if best is None or gap < best.bbox.x0 - a.bbox.x1:
                best = b
        if best is not None:
            out.append(BBox(a.bbox.x1, max(a.bbox.y0, best.bbox.y0), best.bbox.x0, min(a.bbox.y1, best.bbox.y1)))
    return sorted(set(out), key=lambda b: (b.x0, b.y0))


# ----------------------------------------------------------------------------- entry


def analyse_page(gray: np.ndarray) -> PageAnalysis:
    """Analyse one page image (2-D uint8 grey, dark text on light)."""
    cv2 = _cv2()
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError("analyse_page takes a 2-D uint8 grey image")
    skew = estimate_skew(gray)
    page = rotate_page(gray, skew)
    page = flat_field(page)
    page = cv2.GaussianBlur(page, (DENOISE_KERNEL, DENOISE_KERNEL), 0)
    em = estimate_em(_otsu_ink(page) if page.min() < INK_MAX_LEVEL else np.zeros_like(page))
    ink = binarize(page, em)
    em = estimate_em(ink) if ink.any() else em
    photos = [b for b in _photos(page, em) if not _text_like(ink, b, em)]
    hs, vs, rule_mask = _rules(ink, em)
    hs, vs = _off_photos(hs, photos, em), _off_photos(vs, photos, em)
    boxes, used_h, used_v = _boxes(hs, vs, em)
    graphics = [Graphic(GraphicKind.RULE, b) for i, b in enumerate(hs) if i not in used_h]
    graphics += [Graphic(GraphicKind.RULE, b) for i, b in enumerate(vs) if i not in used_v]
    graphics += [Graphic(GraphicKind.BOX, b) for b in boxes]
    graphics += [Graphic(GraphicKind.IMAGE, b) for b in photos]
    graphics.sort(key=lambda g: (list(GraphicKind).index(g.kind), g.bbox.y0, g.bbox.x0))
    # text ink: without rules and photos, without specks
    text = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rule_mask, np.ones((3, 3), np.uint8))))
    for b in photos:
        text[int(b.y0):int(b.y1), int(b.x0):int(b.x1)] = 0
    _drop_specks(text, em)
    blobs = _line_blobs(text, em)
    vrules = [g.bbox for g in graphics if g.kind is GraphicKind.RULE and not g.horizontal]
    vrules += [BBox(b.x0, b.y0, b.x0 + 1, b.y1) for b in boxes] + [BBox(b.x1 - 1, b.y0, b.x1, b.y1) for b in boxes]
    stacks, blobs = _vertical_stacks(blobs)
    lines = [b for b in _join_pieces(blobs, vrules) if b.h <= MAX_LINE_EM * em]
    barriers = [g.bbox for g in graphics if g.kind is GraphicKind.IMAGE or (g.kind is GraphicKind.RULE and g.horizontal)]
    barriers += [BBox(b.x0, b.y0, b.x1, b.y0 + 1) for b in boxes] + [BBox(b.x0, b.y1 - 1, b.x1, b.y1) for b in boxes]
    regions = _regions(lines, stacks, barriers)
    regions = _merge_overlaps(regions)
    regions = _snap_sizes(regions, em)
    regions.sort(key=lambda r: (r.bbox.y0, r.bbox.x0))
    return PageAnalysis(page, skew, em, graphics, regions, _gutters(regions, em))
