"""Page analysis of scans against generated pages whose geometry is exactly known: the synth
PDF rendered at 200 dpi, its drawings and images (PDF reader) scaled to pixels.

Tolerances: rules, boxes and photos within TOL_PX = 4 px (1.4 pt at 200 dpi: the 0.5 pt rules
are 1.4 px thick, anti-aliasing and the photo edge's blur move an edge by 1–2 px); skew within
SKEW_TOL = 0.15° (the fine search step is 0.05°)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from segmenter import scanlayout as sl
from segmenter.containers import BBox, GraphicKind
from segmenter.readers.pdf import read_pdf
from segmenter.readers.pdfdoc import page_graphics
from segmenter.settings import Settings
from segmenter.synth import generate

pymupdf = pytest.importorskip("pymupdf")
cv2 = pytest.importorskip("cv2")

DPI = 200
K = DPI / 72
TOL_PX = 4.0
SKEW_TOL = 0.15


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    d = tmp_path_factory.mktemp("layout-synth")
    generate(4, 1, d)
    doc = pymupdf.open(str(d / "edition.pdf"))
    pages = []
    for p in doc:
        pm = p.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
        gray = np.frombuffer(pm.samples, np.uint8).reshape(pm.height, pm.width).copy()
        truth = [(g.kind, _scale(g.bbox)) for g in page_graphics(p)]
        pages.append((gray, truth))
    pdf_pages, _ = read_pdf(d / "edition.pdf", 1, Settings())
    return pages, pdf_pages, [sl.analyse_page(g) for g, _ in pages]


def _scale(b: BBox) -> BBox:
    return BBox(b.x0 * K, b.y0 * K, b.x1 * K, b.y1 * K)


def _near(a: BBox, b: BBox, tol: float = TOL_PX) -> bool:
    return all(abs(u - v) <= tol for u, v in ((a.x0, b.x0), (a.y0, b.y0), (a.x1, b.x1), (a.y1, b.y1)))


def test_constants_pinned():
    assert (sl.MAX_SKEW_DEG, sl.SKEW_COARSE_STEP, sl.SKEW_FINE_STEP, sl.MIN_DESKEW_DEG) == (5.0, 0.25, 0.05, 0.05)
    assert sl.DENOISE_KERNEL == 3
    assert (sl.SAUVOLA_K, sl.SAUVOLA_R, sl.SAUVOLA_WINDOW_EM, sl.INK_MAX_LEVEL, sl.GLYPH_INK_EM) == (0.2, 128.0, 2.0, 190, 0.88)
    assert (sl.RULE_MIN_EM, sl.RULE_MAX_THICK_EM, sl.BOX_MIN_EM, sl.BOX_CORNER_EM) == (6.0, 0.3, 3.0, 1.0)
    assert (sl.PHOTO_MAX_MEAN, sl.PHOTO_MAX_STD, sl.PHOTO_MIN_EM, sl.PHOTO_FILL_SHARE) == (215.0, 50.0, 3.0, 0.5)
    assert (sl.LINE_SMEAR_EM, sl.LINE_JOIN_EM, sl.LINE_OVERLAP_SHARE, sl.LINE_SIZE_RATIO) == (0.6, 1.0, 0.6, 1.5)
    assert (sl.VERTICAL_MIN_GLYPHS, sl.VERTICAL_GLYPH_ASPECT, sl.VERTICAL_AXIS_EM, sl.VERTICAL_GAP_EM) == (3, 2.0, 0.45, 0.9)
    assert (sl.REGION_GAP_EM, sl.REGION_SIZE_RATIO, sl.REGION_INDENT_EM, sl.SIZE_CLUSTER_RATIO) == (1.1, 1.25, 2.8, 1.08)


def test_graphics_match_the_pdf(synth):
    pages, _, analyses = synth
    for (gray, truth), an in zip(pages, analyses):
        found = [(g.kind, g.bbox) for g in an.graphics]
        for kind, b in truth:
            assert any(k is kind and _near(b, f) for k, f in found), (kind, b, found)
        # nothing invented: every graphic found is one the PDF draws (a rule thicker than the PDF
        # reader's 2 pt limit, under a masthead, is a drawing too)
        drawn = [kind_b for kind_b in truth]
        for k, f in found:
            if not any(_near(b, f) for _, b in drawn):
                assert k is GraphicKind.RULE and f.height <= 0.3 * an.em, (k, f)


def test_body_em_from_glyphs(synth):
    _, pdf_pages, analyses = synth
    from segmenter.geolayout import body_size
    for page, an in zip(pdf_pages, analyses):
        # the em measured from ink heights against the PDF's body font size, within 15 %
        assert abs(an.em - body_size(page.lines) * K) <= 0.15 * body_size(page.lines) * K


def test_regions_cover_the_text_and_do_not_overlap(synth):
    _, pdf_pages, analyses = synth
    for page, an in zip(pdf_pages, analyses):
        centres = [((ln.bbox.x0 + ln.bbox.x1) / 2 * K, (ln.bbox.y0 + ln.bbox.y1) / 2 * K) for ln in page.lines]
        inside = sum(any(r.bbox.x0 - 2 <= x <= r.bbox.x1 + 2 and r.bbox.y0 - 2 <= y <= r.bbox.y1 + 2
                         for r in an.regions) for x, y in centres)
        assert inside >= 0.98 * len(centres)
        for i, a in enumerate(an.regions):
            for b in an.regions[i + 1:]:
                assert a.bbox.x_overlap(b.bbox) <= 0 or a.bbox.y_overlap(b.bbox) <= 0


def test_vertical_headlines_found(synth):
    _, pdf_pages, analyses = synth
    for page, an in zip(pdf_pages, analyses):
        want = [_scale(ln.bbox) for ln in page.lines if ln.vertical]
        got = [r.bbox for r in an.regions if r.vertical]
        for w in want:   # each vertical line of the PDF lies in a vertical region
            assert any(g.contains(w, slack=0.5 * an.em) or g.x_overlap(w) > 0.8 * w.width
                       and g.y_overlap(w) > 0.8 * w.height for g in got), (w, got)
        assert len(got) <= max(1, len(want))


def test_gutters_between_columns(synth):
    _, _, analyses = synth
    for an in analyses:
        assert an.gutters
        for g in an.gutters:
            assert sl.GUTTER_MIN_EM * an.em <= g.width <= sl.GUTTER_MAX_EM * an.em


@pytest.mark.parametrize("angle", [2.0, -3.0, 0.5])
def test_deskew_finds_a_known_rotation(synth, angle):
    pages, _, _ = synth
    gray = pages[1][0]
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(gray, m, (w, h), borderValue=255)
    assert abs(sl.estimate_skew(rotated) - angle) <= SKEW_TOL
    an = sl.analyse_page(rotated)
    assert abs(an.skew - angle) <= SKEW_TOL
    # after deskewing, the page's full-width rules are level again
    rules = [g.bbox for g in an.graphics if g.kind is GraphicKind.RULE and g.bbox.width > 0.8 * w]
    assert rules and all(r.height <= 0.3 * an.em for r in rules)


def test_small_skew_is_left_alone(synth):
    pages, _, _ = synth
    gray = pages[0][0]
    assert sl.rotate_page(gray, sl.MIN_DESKEW_DEG * 0.9) is gray
    assert sl.rotate_page(gray, sl.MIN_DESKEW_DEG) is not gray


def test_uneven_lighting_and_dark_margin(synth):
    pages, _, analyses = synth
    gray, truth = pages[2]
    h, w = gray.shape
    ramp = np.linspace(0.55, 1.0, w)[None, :] * np.linspace(0.8, 1.0, h)[:, None]
    dark = (gray.astype(np.float64) * ramp).astype(np.uint8)
    dark[:, : w // 40] = 30                        # a dark scan margin on the left
    an = sl.analyse_page(dark)
    found = [g.bbox for g in an.graphics if g.kind is GraphicKind.IMAGE]
    want = [b for k, b in truth if k is GraphicKind.IMAGE]
    assert len(found) == len(want)                  # the margin is no photo
    for b in want:
        assert any(_near(b, f, 2 * TOL_PX) for f in found)
    assert abs(len(an.regions) - len(analyses[2].regions)) <= 0.1 * len(analyses[2].regions)


def test_blank_page():
    an = sl.analyse_page(np.full((800, 600), 250, np.uint8))
    assert an.skew == 0.0 and an.regions == [] and an.graphics == []


# ----------------------------------------------------------------------------- thresholds at their edges


def _blob(x0, y0, x1, y1):
    return sl._Blob(x0, y0, x1, y1)


def test_glyph_fragment_joins_its_row_and_not_the_size():
    """合 after 、 splits into 人 over 口 (11 px each on a 24 px line): with FRAGMENT_SHARE the
    pieces stay in the line's row, the next line still follows the column, and the region's
    size is the full lines' height."""
    assert sl.FRAGMENT_SHARE == 0.6
    rows = [_blob(536, y, 934, y + 24) for y in (660, 697, 735)]
    last = _blob(586, 771, 934, 795)
    pieces = [_blob(536, 772, 559, 783), _blob(538, 784, 567, 795)]
    after = _blob(536, 810, 568, 834)
    regions = sl._regions(rows + [last] + pieces + [after], [], [])
    assert len(regions) == 1 and regions[0].lines == 7 and regions[0].glyph == 24.0
    # a piece of 0.6 of the row's height is no fragment: it must pass the size rules itself
    up = _blob(0, 0, 100, 20)
    assert sl._fragment_of(_blob(0, 0, 10, 11), up, [up])
    assert not sl._fragment_of(_blob(0, 0, 10, 12), up, [up])
    # outside the group's columns (more than a line height off) it is not the row's
    assert not sl._fragment_of(_blob(121, 0, 131, 11), up, [up])


def test_body_regions_snap_to_the_body_em():
    em = 25.0
    body = em * sl.GLYPH_INK_EM              # 22.0
    T = sl.TextRegion
    regs = [T(BBox(0, 0, 10, 10), False, 22.0, 20),            # the body's line height: 22
            T(BBox(0, 20, 10, 30), False, 22.0 * 1.1, 1),      # a byline measured 10 % high: body
            T(BBox(0, 40, 10, 50), False, 22.0 * 1.11, 1),     # 11 %: a size of its own (a subhead)
            T(BBox(0, 60, 10, 70), False, 22.0 / 1.1, 2),      # 10 % low: body
            T(BBox(0, 80, 10, 90), True, 22.0, 3)]             # vertical text never snaps to the body
    out = sl._snap_sizes(regs, em)
    assert sl.BODY_SNAP_RATIO == 1.1 and sl.BODY_LOOK_RATIO == 1.2
    assert [r.glyph for r in out[:2]] == [round(body, 1)] * 2 and out[3].glyph == round(body, 1)
    assert out[2].glyph == round(22.0 * 1.11, 1) and out[4].glyph == 22.0


def test_a_line_taller_than_max_line_em_is_not_text():
    """A dark strip down the page edge (a torn margin) is no text line: it is dropped, however
    it is smeared; a 100 pt masthead over a 10 pt body (10 em) is kept."""
    assert sl.MAX_LINE_EM == 12.0
    page = np.full((1400, 1000), 250, np.uint8)
    for r in range(12):                          # body lines: 24 px glyph rows
        y = 100 + r * 40
        for c in range(14):
            x = 100 + c * 28
            page[y:y + 24, x:x + 24] = 30
    page[0:1400, 960:985] = 40                  # the strip: 25 × 1400 px
    for x in (100, 370):                         # 240 px glyphs (10 em): masthead characters
        page[700:940, x:x + 240] = 30            # drawn as rings of 16 px strokes (a solid
        page[716:924, x + 16:x + 224] = 250      # square would be a photo)
    an = sl.analyse_page(page)
    assert not any(r.bbox.x0 >= 950 for r in an.regions)
    assert any(r.bbox.y0 >= 690 and r.bbox.height > 200 for r in an.regions)


def test_vertical_column_with_punctuation_riders():
    """智 能 + ” 行 动 down one column beside 全 面 实 施 “ 人 工: the + and ” ride along, and the
    column's gaps are measured between full glyphs next to each other (with the riders' space
    counted, the 214 px from 能 to 行 made the column look looser than the 38 px to its
    neighbour, and it was read as six horizontal lines)."""
    left = [_blob(154, 977, 230, 1059), _blob(155, 1075, 235, 1156), _blob(173, 1193, 215, 1235),
            _blob(178, 1279, 209, 1303), _blob(154, 1370, 235, 1451), _blob(154, 1467, 233, 1548)]
    right = [_blob(268, 978 + k * 97, 350, 1060 + k * 97) for k in range(7)]
    stacks, rest = sl._vertical_stacks(left + right)
    assert len(stacks) == 2 and not rest
    assert sorted(len(s) for s in stacks) == [6, 7]



def test_glyph_pieces_one_over_the_other_are_glued():
    """稳 of a 40 pt headline split in two (45 and 54 px high, 5 px apart): one glyph, so the line
    goes on to 步发展; a white gap over FRAGMENT_GAP_SHARE of the joint height, or a box over
    GLYPH_ASPECT_MAX times higher than wide, keeps two pieces."""
    assert (sl.FRAGMENT_GAP_SHARE, sl.GLYPH_ASPECT_MAX) == (0.1, 1.3)
    top, low = _blob(1824, 902, 1922, 947), _blob(1828, 952, 1912, 1006)
    assert sl._glue_fragments([low, top]) == [_blob(1824, 902, 1922, 1006)]
    assert len(sl._glue_fragments([top, _blob(1828, 958, 1912, 1006)])) == 2      # 11 px of 104
    assert len(sl._glue_fragments([_blob(0, 0, 40, 30), _blob(0, 32, 40, 53)])) == 2   # 53 > 1.3 × 40
    # two lines of a column: wide blobs, never glued
    assert len(sl._glue_fragments([_blob(0, 0, 400, 24), _blob(0, 27, 400, 51)])) == 2
    line = sl._join_pieces([_blob(1267, 903, 1588, 1005), _blob(1602, 903, 1814, 1004), top, low,
                            _blob(1933, 904, 2143, 1004)], [])
    assert line == [_blob(1267, 902, 2143, 1006)]


def test_text_darkened_into_a_photo_candidate_is_text():
    """PHOTO_TEXT_SHARE: a candidate whose ink is glyph-sized pieces is text; a photo's texture
    (long diagonal strokes) and a flat fill (specks only) are not."""
    assert (sl.PHOTO_TEXT_SHARE, sl.GLYPH_PIECE_MIN_EM, sl.GLYPH_PIECE_MAX_EM) == (0.9, 0.25, 1.3)
    assert sl.PHOTO_TEXT_DENSITY == 0.25
    em = 28.0
    box = BBox(0, 0, 280, 280)
    text = np.zeros((280, 280), np.uint8)
    for y in range(10, 270, 40):
        for x in range(10, 270, 30):
            text[y:y + 24, x:x + 24] = 255
    assert sl._text_like(text, box, em)
    stripes = np.zeros((280, 280), np.uint8)
    for k in range(-280, 280, 20):
        cv2.line(stripes, (k, 0), (k + 280, 280), 255, 4)
    assert not sl._text_like(stripes, box, em)
    assert not sl._text_like(np.zeros((280, 280), np.uint8), box, em)
    # 85 % glyph ink (under the share): still a photo
    mixed = np.zeros((320, 280), np.uint8)
    mixed[:280] = text
    glyph_ink = int(text.sum() // 255)
    rows = int(np.ceil(glyph_ink * 0.15 / 0.85 / 280))
    mixed[290:290 + rows] = 255                  # one bar, 280 px wide, holding 15 % of the ink
    assert not sl._text_like(mixed, BBox(0, 0, 280, 320), em)
    mixed[290:290 + rows] = 0
    mixed[290:290 + rows // 2] = 255             # holding 8 %: text
    assert sl._text_like(mixed, BBox(0, 0, 280, 320), em)
    # glyph-sized specks, few of them (0.2 per em²: a photo's texture): a photo
    sparse = np.zeros((280, 280), np.uint8)
    for k in range(20):                          # 20 pieces in 100 em²
        y, x = 10 + (k // 5) * 60, 10 + (k % 5) * 55
        sparse[y:y + 20, x:x + 20] = 255
    assert not sl._text_like(sparse, box, em)
    sparse[250:270, 250:270] = 255
    for k in range(6):                           # 26 pieces: 0.26 per em²
        sparse[40 + k * 40:60 + k * 40, 255:275] = 255
    assert sl._text_like(sparse, box, em)


def test_photo_run_into_dark_neighbours_is_split_out():
    """A flat grey photo joined to thin even-dark strokes (a big headline, bleed-through) fills
    too little of the joint box; opened PHOTO_SPLIT_WINDOWS windows wide, the photo stands alone."""
    assert sl.PHOTO_SPLIT_WINDOWS == 3
    page = np.full((1000, 1200), 250, np.uint8)
    page[300:500, 100:380] = 175                   # the photo: 280 × 200 px
    page[300:330, 380:780] = 175                   # 30 px strokes off its corner
    page[330:900, 750:780] = 175
    photos = sl._photos(page, 28.0)
    assert len(photos) == 1
    p = photos[0]
    assert abs(p.x0 - 100) <= 4 and abs(p.y0 - 300) <= 4 and abs(p.x1 - 380) <= 30 and abs(p.y1 - 500) <= 4
