"""Tesseract through pytesseract, one text region at a time.

``chi_sim+eng`` for horizontal regions (``--psm 6`` uniform block, ``--psm 7`` when the crop
holds one line), ``chi_sim_vert`` with ``--psm 5`` for vertical (竖排) regions.  Glyphs are
brought to a size the fast models read well first: Tesseract's chi_sim reads 40 pt headlines
at 300 dpi at only 62–75% but the same crop shrunk 3–4× at 100% (issue #5's check).

Tesseract runs with ``OMP_THREAD_LIMIT=1``: with its default threading it is 4–5× slower on
two cores; segmenter parallelises across pages instead.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..containers import BBox
from ..errors import InputError
from . import OcrLine, OcrWord

if TYPE_CHECKING:
    import numpy

#: languages for horizontal regions: Chinese with English for Latin words and numbers
LANG_HORIZONTAL = "chi_sim+eng"
#: language for vertical (top-down) regions
LANG_VERTICAL = "chi_sim_vert"
#: page segmentation modes: 6 = one uniform block, 7 = a single line, 5 = a vertical block
PSM_BLOCK, PSM_LINE, PSM_VERTICAL = 6, 7, 5
#: glyphs taller than this (px) are shrunk to TARGET_GLYPH_PX before OCR; the fast chi_sim
#: model misreads large glyphs (40 pt at 300 dpi ≈ 167 px read 62–75%, shrunk 3–4× read 100%)
MAX_GLYPH_PX = 60
#: glyphs shorter than this (px) are enlarged to TARGET_GLYPH_PX (9 pt body text at 150 dpi is
#: ≈ 19 px, where chi_sim starts confusing strokes)
MIN_GLYPH_PX = 24
#: the glyph height Tesseract's chi_sim reads best at on generated pages (body text at 300 dpi
#: ≈ 37 px read 97–98%)
TARGET_GLYPH_PX = 36
#: white border added around the crop (px after scaling): Tesseract misses ink touching the edge
PAD_PX = 12
#: a row (column, for vertical crops) counts as ink when it holds at least this many dark pixels
INK_MIN_PIXELS = 2
#: a pixel is dark below this grey level (crops are grayscale, dark text on light)
DARK_LEVEL = 128
#: the binary, language packs and Debian package names, for the missing-engine message
_DEBS = "tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert"


def ink_runs(profile: "numpy.ndarray") -> list[tuple[int, int]]:
    """(start, end) runs of consecutive True values of a 1-D boolean profile."""
    runs: list[tuple[int, int]] = []
    start = -1
    for i, v in enumerate(profile.tolist()):
        if v and start < 0:
            start = i
        elif not v and start >= 0:
            runs.append((start, i))
            start = -1
    if start >= 0:
        runs.append((start, len(profile)))
    return runs


def glyph_runs(image: "numpy.ndarray", vertical: bool) -> list[tuple[int, int]]:
    """The text lines (horizontal) or columns (vertical) of a crop, as runs of inked rows/columns."""
    dark = image < DARK_LEVEL
    profile = dark.sum(axis=0 if vertical else 1) >= INK_MIN_PIXELS
    return ink_runs(profile)


def glyph_size(image: "numpy.ndarray", vertical: bool) -> float:
    """Median line height (horizontal) or column width (vertical) in px; 0.0 for a blank crop."""
    runs = glyph_runs(image, vertical)
    if not runs:
        return 0.0
    sizes = sorted(e - s for s, e in runs)
    return float(sizes[len(sizes) // 2])


def scale_for(size: float) -> float:
    """The factor that brings a glyph size into [MIN_GLYPH_PX, MAX_GLYPH_PX] (1.0 inside it)."""
    if size <= 0 or MIN_GLYPH_PX <= size <= MAX_GLYPH_PX:
        return 1.0
    return TARGET_GLYPH_PX / size


class TesseractEngine:
    """Tesseract 5 through pytesseract; raises InputError when it or a language pack is missing."""

    name = "tesseract"

    def __init__(self) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        try:
            import pytesseract
        except ImportError:
            raise InputError("OCR engine tesseract: the pytesseract package is not installed "
                             "(pip install pytesseract)") from None
        self._pt = pytesseract
        try:
            self.version = str(pytesseract.get_tesseract_version())
            langs = set(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractNotFoundError, OSError):
            raise InputError(f"OCR engine tesseract: the tesseract program is not installed "
                             f"(apt-get install {_DEBS})") from None
        missing = [lang for lang in ("chi_sim", "chi_sim_vert", "eng") if lang not in langs]
        if missing:
            raise InputError(f"OCR engine tesseract: language data {', '.join(missing)} not installed "
                             f"(apt-get install {_DEBS})")

    def options_key(self, vertical: bool) -> str:
        """Everything besides the pixels that changes the result (for the cache key)."""
        return (f"lang={LANG_VERTICAL if vertical else LANG_HORIZONTAL};glyph={MIN_GLYPH_PX}-"
                f"{MAX_GLYPH_PX}>{TARGET_GLYPH_PX};pad={PAD_PX}")

    def recognize(self, image: "numpy.ndarray", *, vertical: bool = False) -> list[OcrLine]:
        import numpy as np
        from PIL import Image

        if image is None or image.ndim != 2 or image.size == 0:
            return []
        runs = glyph_runs(image, vertical)
        if not runs:
            return []
        sizes = sorted(e - s for s, e in runs)
        scale = scale_for(float(sizes[len(sizes) // 2]))
        img = image
        if scale != 1.0:
            h, w = image.shape
            nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
            img = np.asarray(Image.fromarray(image).resize((nw, nh), Image.Resampling.LANCZOS))
        img = np.pad(img, PAD_PX, constant_values=255)
        if vertical:
            lang, psm = LANG_VERTICAL, PSM_VERTICAL
        else:
            lang, psm = LANG_HORIZONTAL, PSM_LINE if len(runs) == 1 else PSM_BLOCK
        try:
            d = self._pt.image_to_data(Image.fromarray(img), lang=lang, config=f"--psm {psm}",
                                       output_type=self._pt.Output.DICT)
        except self._pt.TesseractError as e:
            raise InputError(f"OCR engine tesseract failed: {str(e).splitlines()[0] if str(e) else e}") from None

        def back(v: float, off: float) -> float:
            return round((v - PAD_PX) / scale - off, 1)

        groups: dict[tuple[int, int, int], list[OcrWord]] = {}
        for i, text in enumerate(d["text"]):
            text = text.strip()
            conf = float(d["conf"][i])
            if not text or conf < 0:
                continue
            x, y, w, h = d["left"][i], d["top"][i], d["width"][i], d["height"][i]
            box = BBox(max(0.0, back(x, 0)), max(0.0, back(y, 0)),
                       min(float(image.shape[1]), back(x + w, 0)), min(float(image.shape[0]), back(y + h, 0)))
            key = (d["block_num"][i], d["par_num"][i], d["line_num"][i])
            groups.setdefault(key, []).append(OcrWord(text, box, round(conf / 100.0, 4)))
        lines = []
        for words in groups.values():
            box = words[0].bbox
            for w in words[1:]:
                box = box.union(w.bbox)
            lines.append(OcrLine(tuple(words), box, vertical))
        if vertical:   # columns right-to-left
            lines.sort(key=lambda ln: -ln.bbox.cx)
        return lines
