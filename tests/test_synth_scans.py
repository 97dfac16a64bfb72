"""``segmenter synth --scans``: degraded page images, reproducible from the seed (issue #5)."""

from __future__ import annotations

import numpy as np
import pytest

from segmenter.cli import main
from segmenter.errors import SegmenterError
from segmenter.synth import scan


def _page(h: int = 400, w: int = 300) -> np.ndarray:
    img = np.full((h, w), 255, np.uint8)
    img[50:60, 40:260] = 0          # a rule
    img[100:300:20, 40:260] = 30    # "text lines"
    return img


def test_levels_and_limits_pinned():
    assert scan.LEVELS == ("none", "light", "heavy")
    assert (scan.DEFAULT_DPI, scan.MIN_DPI, scan.MAX_DPI) == (200, 150, 300)
    assert scan.MAX_SKEW_DEG == 3.0
    assert all(d.skew_deg <= scan.MAX_SKEW_DEG for d in scan.DEGRADATIONS.values())
    assert scan.DEGRADATIONS["heavy"].skew_deg == scan.MAX_SKEW_DEG
    none = scan.DEGRADATIONS["none"]
    assert (none.skew_deg, none.bleed, none.lighting, none.margin_px, none.blur_px, none.noise,
            none.jpeg_quality) == (0, 0, 0, 0, 0, 0, 0)
    scan.check_options(150, "none")
    scan.check_options(300, "heavy")
    with pytest.raises(SegmenterError, match="--dpi must be 150..300"):
        scan.check_options(149, "light")
    with pytest.raises(SegmenterError, match="--dpi must be 150..300"):
        scan.check_options(301, "light")
    with pytest.raises(SegmenterError, match="--degrade"):
        scan.check_options(200, "awful")


def test_degradation_is_deterministic_by_seed():
    page, back = _page(), _page()[::-1]
    d = scan.DEGRADATIONS["heavy"]
    a = scan.degrade(page, back, d, seed=7, number=1)
    b = scan.degrade(page, back, d, seed=7, number=1)
    assert np.array_equal(a.image, b.image) and a.skew_deg == b.skew_deg
    c = scan.degrade(page, back, d, seed=8, number=1)
    assert a.image.shape != c.image.shape or not np.array_equal(a.image, c.image)
    assert c.skew_deg != a.skew_deg
    assert scan.degrade(page, back, d, seed=7, number=2).skew_deg != a.skew_deg   # per page


def test_none_level_is_the_clean_render():
    page = _page()
    out = scan.degrade(page, page, scan.DEGRADATIONS["none"], seed=1, number=1)
    assert np.array_equal(out.image, page) and out.skew_deg == 0.0 and out.margin_edge == ""


def test_skew_within_bounds_and_canvas_keeps_corners():
    page = np.full((400, 300), 255, np.uint8)
    page[0:8, 0:8] = 0             # ink in the corner must survive the rotation
    angles = []
    for seed in range(40):
        sp = scan.degrade(page, None, scan.Degradation(3.0, 0, 0, 0, 0, 0, 0), seed, 1)
        angles.append(sp.skew_deg)
        assert abs(sp.skew_deg) <= 3.0
        assert sp.image.shape[0] >= 400 and sp.image.shape[1] >= 300
        assert int((sp.image < 128).sum()) >= 40      # the 64-pixel corner patch is not cut off
    assert max(angles) > 2.0 and min(angles) < -2.0   # the range is used on both sides


def test_skew_measured_from_a_rule_matches_the_drawn_angle():
    import cv2
    page = np.full((400, 600), 255, np.uint8)
    page[195:205, 50:550] = 0
    sp = scan.degrade(page, None, scan.Degradation(3.0, 0, 0, 0, 0, 0, 0), 3, 1)
    ys, xs = np.nonzero(sp.image < 128)
    (vx, vy, _, _) = cv2.fitLine(np.stack([xs, ys], 1).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    measured = -np.degrees(np.arctan2(vy, vx))
    measured = (measured + 90) % 180 - 90
    assert measured == pytest.approx(sp.skew_deg, abs=0.2)


def test_synth_scans_cli_writes_the_contract_files(tmp_path):
    out = tmp_path / "ed"
    assert main(["synth", "--pages", "2", "--seed", "5", "-o", str(out), "--scans", "--dpi", "150",
                 "--degrade", "light"]) == 0
    pngs = sorted(p.name for p in (out / "scans").iterdir())
    assert pngs == ["page-01.png", "page-02.png"]
    assert (out / "edition.pdf").is_file() and (out / "gold" / "index.xml").is_file()
    import cv2
    img = cv2.imread(str(out / "scans" / "page-01.png"), cv2.IMREAD_UNCHANGED)
    assert img.ndim == 2 and img.dtype == np.uint8
    # A3 at 150 dpi is 1754 × 2481 px before skew
    assert img.shape[0] >= 2481 and img.shape[1] >= 1754
    first = (out / "scans" / "page-02.png").read_bytes()
    out2 = tmp_path / "ed2"
    assert main(["synth", "--pages", "2", "--seed", "5", "-o", str(out2), "--scans", "--dpi", "150",
                 "--degrade", "light"]) == 0
    assert (out2 / "scans" / "page-02.png").read_bytes() == first     # byte-identical


def test_synth_without_scans_writes_no_scans(tmp_path):
    assert main(["synth", "--pages", "1", "--seed", "1", "-o", str(tmp_path)]) == 0
    assert not (tmp_path / "scans").exists()


def test_synth_bad_dpi_is_a_usage_error(tmp_path, capsys):
    assert main(["synth", "--pages", "1", "-o", str(tmp_path), "--scans", "--dpi", "600"]) == 2
    err = capsys.readouterr().err
    assert "--dpi must be 150..300" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "edition.pdf").exists()
