"""Page images as input: decoding of every image kind, and bad input (one-line errors, exit
codes).  Every image is made here by code; nothing binary is shipped."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from segmenter import ocr
from segmenter.cli import main
from segmenter.errors import InputError
from segmenter.readers import image as img
from segmenter.readers.image import MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE, decode_image, decode_page


def _page(w: int = 300, h: int = 400) -> Image.Image:
    """A grey page with a dark bar (stands for text)."""
    a = np.full((h, w), 240, np.uint8)
    a[50:70, 30:250] = 20
    return Image.fromarray(a, "L")


def _png_header_only(path: Path, w: int, h: int) -> None:
    """A PNG whose header claims w×h pixels, with (almost) no data: opening it costs nothing,
    decoding it would need w*h bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16))
                     + chunk(b"IEND", b""))


def test_limits_pinned():
    assert (MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE) == (150_000_000, 100)


def test_decompression_bomb_refused_before_decoding(tmp_path):
    f = tmp_path / "bomb.png"
    _png_header_only(f, 60_000, 60_000)
    with pytest.raises(InputError, match=r"bomb\.png: image.* too large .*before decoding"):
        decode_image(f)


def test_pixel_limit_edge(tmp_path, monkeypatch):
    monkeypatch.setattr(img, "MAX_IMAGE_PIXELS", 300 * 400)
    f = tmp_path / "p.png"
    _page(300, 400).save(f)
    assert decode_page(f).gray.shape == (400, 300)     # exactly at the limit: read
    _page(301, 400).save(f)
    with pytest.raises(InputError, match="too large"):
        decode_page(f)


@pytest.mark.parametrize("size", [(1, 1), (MIN_IMAGE_SIDE - 1, 500)])
def test_tiny_image_refused(tmp_path, size):
    f = tmp_path / "tiny.png"
    Image.new("L", size, 255).save(f)
    with pytest.raises(InputError, match=r"tiny\.png: image of .* too small to be a page scan"):
        decode_image(f)


def test_min_side_edge(tmp_path):
    f = tmp_path / "ok.png"
    Image.new("L", (MIN_IMAGE_SIDE, MIN_IMAGE_SIDE), 255).save(f)
    assert decode_page(f).gray.shape == (MIN_IMAGE_SIDE, MIN_IMAGE_SIDE)


def test_corrupt_and_truncated_images(tmp_path):
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"this is not an image at all" * 10)
    with pytest.raises(InputError, match=r"junk\.png: not a readable image"):
        decode_image(junk)
    good = tmp_path / "good.png"
    _page().save(good)
    cut = tmp_path / "cut.png"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(InputError, match=r"cut\.png: corrupt or truncated"):
        decode_image(cut)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        decode_image(empty)


@pytest.mark.parametrize("mode", ["1", "L", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "LA"])
def test_every_mode_becomes_8bit_grey(tmp_path, mode):
    base = _page().convert("RGB")
    if mode == "I;16":
        a = (np.asarray(_page(), np.uint16) * 257)
        im = Image.fromarray(a)
    else:
        im = base.convert(mode)
    f = tmp_path / ("p.tif" if mode in ("CMYK", "I;16", "I") else "p.png")
    im.save(f)
    g = decode_page(f).gray
    assert g.dtype == np.uint8 and g.shape == (400, 300)
    assert g[60, 100] < 80 and g[200, 100] > 200        # the bar dark, the paper light


def test_transparent_palette_is_on_white_paper(tmp_path):
    im = Image.new("P", (200, 200), 0)
    im.putpalette([0, 0, 0, 10, 10, 10] + [0] * 762)
    im.info["transparency"] = 0
    f = tmp_path / "t.png"
    im.save(f, transparency=0)
    assert decode_page(f).gray.min() == 255


def test_sixteen_bit_scaled_not_clipped(tmp_path):
    a = np.full((200, 200), 30000, np.uint16)
    f = tmp_path / "g16.png"
    Image.fromarray(a).save(f)
    assert abs(int(decode_page(f).gray[0, 0]) - 30000 // 257) <= 1


def test_multipage_tiff_pages_and_empty_page(tmp_path):
    f = tmp_path / "pages.tif"
    pages = [_page(), Image.new("L", (300, 400), 255), _page(320, 420)]
    pages[0].save(f, save_all=True, append_images=pages[1:])
    got, problems = decode_image(f)
    assert [p.index for p in got] == [1, 2, 3] and not problems
    assert got[2].gray.shape == (420, 320)
    assert got[1].gray.min() == 255           # the empty (blank) page is a page without ink


def test_tiff_with_an_unreadable_page(tmp_path):
    f = tmp_path / "pages.tif"
    _page().save(f, save_all=True, append_images=[Image.new("L", (50, 50), 255)])
    got, problems = decode_image(f)
    assert [p.index for p in got] == [1]
    assert problems == [f"pages.tif page 2: image of 50×50 pixels is too small to be a page scan "
                        f"(at least {MIN_IMAGE_SIDE} pixels a side)"]


def test_cli_bad_images_one_line_errors_exit_1(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ocr, "get_engine", lambda name, cache=None: ocr.FakeEngine())
    bomb = tmp_path / "bomb.png"
    _png_header_only(bomb, 60_000, 60_000)
    tiny = tmp_path / "tiny.jpg"
    Image.new("RGB", (1, 1)).save(tiny)
    junk = tmp_path / "junk.tif"
    junk.write_bytes(b"II*\x00garbage")
    for f in (bomb, tiny, junk):
        rc = main(["run", str(f), "-o", str(tmp_path / "out"), "--set", "scan_workers=1", "--set", "ocr_cache=off"])
        err = capsys.readouterr().err
        assert rc == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"segmenter: error: {f.name}:"), err
        assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.xml"))


def test_cli_ocr_option(tmp_path, capsys):
    assert main(["run", str(tmp_path / "x.png"), "--ocr", "nope"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_cli_reads_a_page_image(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ocr, "get_engine", lambda name, cache=None: ocr.FakeEngine())
    f = tmp_path / "page.png"
    _page(800, 1000).save(f)
    rc = main(["run", str(f), "-o", str(tmp_path / "out"), "--ocr", "tesseract", "--set", "scan_workers=1"])
    assert rc == 0, capsys.readouterr().err
    index = (tmp_path / "out" / "page" / "index.xml").read_text(encoding="utf-8")
    assert 'kind="scan"' in index
