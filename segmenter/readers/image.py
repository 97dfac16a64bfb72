"""Image decoding for scanned pages: PNG, JPEG, TIFF (multi-page TIFF = several pages).

Every page becomes a 2-D ``uint8`` grayscale numpy array (dark text on light paper), whatever
the file holds: bilevel, grey, palette (with or without transparency), RGB(A), CMYK, 16-bit
or 32-bit grey.  Bad input gives a one-line :class:`InputError` (the whole file) or a
one-line problem (one page of a multi-page TIFF, the other pages are still read):

- not an image / corrupt / truncated data;
- an image too small to hold a page (the 1×1 pixel image);
- a decompression bomb: the pixel count is read from the header and refused *before* any
  pixel is decoded (Pillow opens lazily);
- an empty TIFF page (no pixels, or a page that cannot be decoded).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError

__all__ = ["DecodedPage", "image_page_count", "decode_page", "decode_image",
           "MAX_IMAGE_PIXELS", "MIN_IMAGE_SIDE", "IMAGE_SUFFIXES"]

#: file endings read as page images
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
#: refuse images with more pixels than this (checked on the header, before decoding): an A2
#: page at 300 dpi is 35 Mpx, an A1 broadsheet at 400 dpi 124 Mpx; analysis needs about 10
#: bytes a pixel, so 150 Mpx stays near 1.5 GB; the 60,000×60,000 bomb of issue #5 is 3,600 Mpx
MAX_IMAGE_PIXELS = 150_000_000
#: refuse images narrower or lower than this (pixels): a page holds many lines of text whose
#: glyphs need ≥ 8 px to be read, so a smaller image cannot be a page scan (the 1×1 image)
MIN_IMAGE_SIDE = 100


@dataclass(frozen=True)
class DecodedPage:
    """One page of an image file."""

    index: int                  # 1-based page index in the file (TIFF pages; 1 otherwise)
    gray: np.ndarray            # 2-D uint8, dark text on light paper
    dpi: float | None           # resolution the file declares, when it declares a plausible one


def _open(path: Path):
    from PIL import Image, UnidentifiedImageError
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS   # Pillow's own guard, a second line behind ours
    name = path.name
    try:
        if path.stat().st_size == 0:
            raise InputError(f"{name}: empty file (0 bytes), not an image")
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(f"{name}: image too large (over {MAX_IMAGE_PIXELS:,} pixels; a decompression "
                         "bomb?): refused before decoding") from None
    except UnidentifiedImageError:
        raise InputError(f"{name}: not a readable image (corrupt, or not PNG/JPEG/TIFF)") from None
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror or e})") from None
    except Exception as e:  # Pillow raises SyntaxError, ValueError … on garbage headers
        raise InputError(f"{name}: not a readable image ({type(e).__name__})") from None
    if im.format not in ("PNG", "JPEG", "TIFF", "MPO"):
        fmt = im.format
        im.close()
        raise InputError(f"{name}: {fmt} images are not read (PNG, JPEG and TIFF only)")
    return im


def _check_size(name: str, w: int, h: int) -> None:
    if w * h > MAX_IMAGE_PIXELS:
        raise InputError(f"{name}: image of {w}×{h} pixels is too large (limit {MAX_IMAGE_PIXELS:,} "
                         "pixels; a decompression bomb?): refused before decoding")
    if w <= 0 or h <= 0:
        raise InputError(f"{name}: empty image (no pixels)")
    if min(w, h) < MIN_IMAGE_SIDE:
        raise InputError(f"{name}: image of {w}×{h} pixels is too small to be a page scan "
                         f"(at least {MIN_IMAGE_SIDE} pixels a side)")


def image_page_count(path: Path) -> int:
    """Number of pages (frames) in the file, after checking the first page's header size.
    Raises InputError for an unreadable or refused file."""
    im = _open(Path(path))
    try:
        _check_size(Path(path).name, *im.size)
        return max(1, int(getattr(im, "n_frames", 1) or 1)) if im.format == "TIFF" else 1
    finally:
        im.close()


def decode_page(path: Path, index: int = 1) -> DecodedPage:
    """Page ``index`` (1-based) of an image file as 8-bit grayscale.  Raises InputError with a
    one-line message (without the file name for page-level problems of a TIFF page > 1)."""
    from PIL import Image, ImageOps
    path = Path(path)
    name = path.name
    im = _open(path)
    try:
        if index > 1:
            try:
                im.seek(index - 1)
            except (EOFError, OSError, ValueError):
                raise InputError(f"{name} page {index}: cannot be read (damaged TIFF page)") from None
        where = name if index == 1 else f"{name} page {index}"
        _check_size(where, *im.size)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                im.load()
                if im.format in ("JPEG", "MPO"):
                    im = ImageOps.exif_transpose(im)   # phone photos of pages carry a rotation
                gray = _to_gray(im)
        except InputError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as e:
            raise InputError(f"{where}: corrupt or truncated image data ({type(e).__name__})") from None
        dpi = _dpi(im.info.get("dpi"))
    finally:
        im.close()
    if gray.ndim != 2 or gray.size == 0:
        raise InputError(f"{where}: empty image page (no pixels)")
    return DecodedPage(index, np.ascontiguousarray(gray), dpi)


def decode_image(path: Path) -> tuple[list[DecodedPage], list[str]]:
    """All pages of an image file; a TIFF page that cannot be decoded is a problem (one line)
    and skipped.  Raises InputError when the file or its only page cannot be read."""
    n = image_page_count(path)
    pages: list[DecodedPage] = []
    problems: list[str] = []
    for i in range(1, n + 1):
        try:
            pages.append(decode_page(path, i))
        except InputError as e:
            if n == 1:
                raise
            problems.append(str(e))
    if not pages:
        raise InputError(f"{Path(path).name}: no readable page ({problems[0] if problems else 'empty'})")
    return pages, problems


def _dpi(value) -> float | None:
    try:
        d = float(value[0])
    except (TypeError, ValueError, IndexError):
        return None
    return d if 50 <= d <= 2400 else None


def _to_gray(im) -> np.ndarray:
    """Any Pillow mode → uint8 grey, transparency composited on white paper."""
    from PIL import Image
    mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        if mode == "F" and a.size and float(np.nanmax(a)) <= 1.0:
            a = a * 255.0                      # float images in 0..1
        elif mode != "F":
            a = a / 257.0 if float(a.max(initial=0)) > 255 or mode.startswith("I;16") else a
        return np.clip(np.nan_to_num(a), 0, 255).astype(np.uint8)
    if mode == "1":
        return np.asarray(im.convert("L"), dtype=np.uint8)
    if mode in ("P", "PA", "LA", "RGBA", "La", "RGBa") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(paper, rgba).convert("L"), dtype=np.uint8)
    if mode == "CMYK":
        return np.asarray(im.convert("RGB").convert("L"), dtype=np.uint8)
    if mode != "L":
        return np.asarray(im.convert("RGB").convert("L"), dtype=np.uint8)
    return np.asarray(im, dtype=np.uint8)
