"""Scan reader line repairs after OCR (readers/scan.py): OCR pieces of one row joined, a
subtitle's dropped —— put back.  Thresholds pinned at their edges."""

from __future__ import annotations

import numpy as np

from segmenter.containers import BBox, Line, LowWord
from segmenter.readers import scan
from segmenter.scanlayout import TextRegion


def _ln(text, x0, y0, x1, y1, conf=1.0, low=()):
    return Line(text=text, page=1, lineno=0, bbox=BBox(x0, y0, x1, y1), size=117.0, conf=conf, low=low)


def test_constants():
    assert scan.ROW_OVERLAP_SHARE == 0.5
    assert (scan.DASH_INK_LEVEL, scan.DASH_MIN_EM, scan.DASH_MAX_THICK_EM, scan.DASH_MIDDLE_SHARE,
            scan.DASH_DOUBLE_EM) == (190, 0.8, 0.2, 0.25, 1.5)


def test_row_pieces_join_with_offsets_and_confidence():
    region = TextRegion(BBox(233, 886, 2172, 1040), False, 103.0, 1)
    left = _ln("以科技创新为引领新质生产力稳步", 233, 899, 1958, 1015, conf=0.9,
               low=(LowWord(3, 4, BBox(500, 900, 600, 1000), 0.5),))
    right = _ln("发展", 1897, 886, 2172, 1040, conf=0.6, low=(LowWord(1, 2, BBox(2050, 890, 2170, 1030), 0.4),))
    (one,) = scan._join_row_pieces([right, left], region)
    assert one.text == "以科技创新为引领新质生产力稳步发展"
    assert one.bbox == BBox(233, 886, 2172, 1040)
    assert [(w.start, w.end) for w in one.low] == [(3, 4), (16, 17)] and one.text[16] == "展"
    assert one.conf == round((0.9 * 15 + 0.6 * 2) / 17, 3)
    # Latin pieces keep a space, and the offsets move past it
    (en,) = scan._join_row_pieces([_ln("New", 0, 0, 50, 20), _ln("York", 60, 0, 120, 20, low=(LowWord(0, 4, BBox(60, 0, 120, 20), 0.3),))], region)
    assert en.text == "New York" and en.low[0].start == 4


def test_rows_overlapping_less_than_half_stay_apart():
    region = TextRegion(BBox(0, 0, 400, 100), False, 24.0, 2)
    a = _ln("第一行", 0, 0, 200, 24)
    assert len(scan._join_row_pieces([a, _ln("第二行", 210, 12, 400, 36)], region)) == 1     # 12 of 24
    assert len(scan._join_row_pieces([a, _ln("第二行", 210, 12.5, 400, 36.5)], region)) == 2


def _page_with_dash(length: int, thick: int, dy: int = 0) -> np.ndarray:
    img = np.full((200, 900), 250, np.uint8)
    mid = 100 + dy
    img[mid - thick // 2: mid - thick // 2 + thick, 100:100 + length] = 20
    return img


def test_dropped_subtitle_dash_is_put_back():
    region = TextRegion(BBox(90, 70, 880, 130), False, 50.0, 1)
    line = _ln("降低误诊率和漏诊率", 300, 75, 880, 125, low=(LowWord(0, 1, BBox(300, 75, 350, 125), 0.5),))
    got = scan._restore_dash(line, _page_with_dash(111, 3), region)
    assert got.text == "——降低误诊率和漏诊率" and got.low[0].start == 2 and got.bbox.x0 == 100
    assert scan._restore_dash(line, _page_with_dash(60, 3), region).text == "—降低误诊率和漏诊率"   # 1.2 em
    assert scan._restore_dash(line, _page_with_dash(39, 3), region) is line          # < 0.8 em
    assert scan._restore_dash(line, _page_with_dash(111, 11), region) is line        # 11 px > 0.2 em: a bar
    assert scan._restore_dash(line, _page_with_dash(111, 3, dy=13), region) is line  # off the middle
    dashed = _ln("——已有", 300, 75, 880, 125)
    assert scan._restore_dash(dashed, _page_with_dash(111, 3), region) is dashed


def _png(path, text_rows=3):
    import cv2
    img = np.full((400, 300), 250, np.uint8)
    for r in range(text_rows):
        for c in range(8):
            img[40 + r * 40: 64 + r * 40, 20 + c * 30: 44 + c * 30] = 30
    cv2.imwrite(str(path), img)
    return path


def test_image_files_of_an_edition_are_read_in_one_pool(tmp_path, monkeypatch):
    from segmenter import pipeline
    from segmenter.errors import InputError
    from segmenter.ocr import FakeEngine, OcrLine, OcrWord
    from segmenter.settings import Settings
    files = [_png(tmp_path / "page-01.png"), tmp_path / "page-02.png", _png(tmp_path / "page-03.png")]
    files[1].write_bytes(b"not an image")
    line = OcrLine((OcrWord("国家", BBox(0, 0, 40, 20), 0.99),), BBox(0, 0, 40, 20), False)
    got = scan.read_scans(files, Settings(), engine=FakeEngine([line]))
    assert isinstance(got[1], InputError) and "page-02.png" in str(got[1])
    assert [len(g[0]) for g in (got[0], got[2])] == [1, 1] and not got[0][1]
    # read_edition hands all the images to one read_scans call when scan_workers > 1
    calls = []
    def fake(paths, settings, engine=None):
        calls.append(list(paths))
        return got
    monkeypatch.setattr(scan, "read_scans", fake)
    ed = pipeline.plan(files)[0]
    edition = pipeline.read_edition(ed, Settings(scan_workers=2))
    assert calls == [files]
    assert [p.number for p in edition.pages] == [1, 2] and len(ed.errors) == 1
