"""RapidOCR (PP-OCR models in ONNX) with the models that ship inside the ``rapidocr`` wheel.

Package choice, checked on this machine (2026-11-22): ``rapidocr`` 3.x with ``onnxruntime``
named separately.  It depends on ``opencv-python-headless`` only (``rapidocr-onnxruntime`` 1.4
pulls ``opencv-python`` beside it and both own ``cv2/``), and its wheel bundles the PP-OCRv6
small detection and recognition models and the mobile direction classifier.  The model paths
are given explicitly, so nothing is ever looked up or downloaded (a run under ``unshare -n``,
no network at all, reads the test lines).

onnxruntime's telemetry tries the network unless ``ORT_DISABLE_TELEMETRY=1`` is set before it
loads: this module sets it (in the process environment, which the C library reads) before it
imports onnxruntime, and the console entry point sets it first thing as well.
"""

from __future__ import annotations

import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"   # before onnxruntime is imported, anywhere

from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from ..containers import BBox  # noqa: E402
from ..errors import InputError  # noqa: E402
from . import OcrLine, OcrWord  # noqa: E402

if TYPE_CHECKING:
    import numpy

#: the bundled model files (inside the wheel's rapidocr/models/)
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
#: onnxruntime threads per engine: 1, because segmenter parallelises across pages (worker
#: processes), like Tesseract with OMP_THREAD_LIMIT=1
THREADS = 1
#: crops narrower or lower than this (px) hold no readable glyph: returned as [] unread
MIN_CROP_PX = 8
#: white border added around the crop (px): the detector misses ink touching the edge
PAD_PX = 16
#: a detected box this many times taller than wide is a vertical (top-down) line
VERTICAL_ASPECT = 1.5
#: the detector enlarges a crop only when its short side is below this (px).  RapidOCR's own
#: default (736, "min") is meant for whole photos: it blew a 86 px high line crop up 8.5× and
#: took 2.4 s for it; region crops are already at scan resolution
DET_MIN_SIDE = 64
#: crops longer than this (px) are shrunk before detection (RapidOCR's default 2000 would halve
#: a full-height body column of an A2 page at 300 dpi, and its glyphs with it)
MAX_SIDE = 4096
#: Latin characters come back one box each; two are one word when the gap between them is at
#: most this share of the line height (a word space in the generated pages is ≈ 0.3 em)
LATIN_JOIN_GAP = 0.2


def join_latin(chars: list[OcrWord], line: BBox, vertical: bool) -> list[OcrWord]:
    """Merge neighbouring non-CJK character boxes into words (a gap of at most LATIN_JOIN_GAP ×
    the line's thickness); CJK characters stay one word each.  Confidence: the words' mean."""
    from ..textutil import is_cjk

    thick = line.width if vertical else line.height
    out: list[OcrWord] = []
    n = 0
    for c in chars:
        if out and not is_cjk(c.text[0]) and not is_cjk(out[-1].text[-1]):
            prev = out[-1]
            gap = (c.bbox.y0 - prev.bbox.y1) if vertical else (c.bbox.x0 - prev.bbox.x1)
            if gap <= LATIN_JOIN_GAP * thick:
                n += 1
                conf = (prev.conf * (n - 1) + c.conf) / n if n > 1 else c.conf
                out[-1] = OcrWord(prev.text + c.text, prev.bbox.union(c.bbox), round(conf, 4))
                continue
        n = 1
        out.append(c)
    return out


class RapidOcrEngine:
    """RapidOCR 3.x on onnxruntime, bundled models only; InputError when it is missing."""

    name = "rapidocr"

    def __init__(self) -> None:
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as e:
            raise InputError(f"OCR engine rapidocr: not installed ({e.name or e}; "
                             f"pip install rapidocr onnxruntime)") from None
        models = Path(rapidocr.__file__).parent / "models"
        paths = {k: models / v for k, v in (("Det", DET_MODEL), ("Rec", REC_MODEL), ("Cls", CLS_MODEL))}
        missing = [p.name for p in paths.values() if not p.is_file()]
        if missing:
            raise InputError(f"OCR engine rapidocr: bundled model {', '.join(missing)} missing from {models}")
        params: dict[str, object] = {"Global.log_level": "error"}
        for k, p in paths.items():
            params[f"{k}.model_path"] = str(p)
        params["Det.limit_type"] = "min"
        params["Det.limit_side_len"] = DET_MIN_SIDE
        params["Global.max_side_len"] = MAX_SIDE
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = THREADS
        params["EngineConfig.onnxruntime.inter_op_num_threads"] = THREADS
        try:
            self._ocr = RapidOCR(params=params)
        except Exception as e:  # noqa: BLE001 - any set-up failure is one line for the user
            raise InputError(f"OCR engine rapidocr cannot start: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        import onnxruntime
        self.version = f"rapidocr {getattr(rapidocr, '__version__', '?')}; onnxruntime {onnxruntime.__version__}; {DET_MODEL}; {REC_MODEL}"

    def options_key(self, vertical: bool) -> str:
        return (f"pad={PAD_PX};det={DET_MIN_SIDE};max={MAX_SIDE};join={LATIN_JOIN_GAP};"
                f"vaspect={VERTICAL_ASPECT};vertical={vertical}")

    def recognize(self, image: "numpy.ndarray", *, vertical: bool = False) -> list[OcrLine]:
        import numpy as np

        if image is None or image.ndim != 2 or min(image.shape) < MIN_CROP_PX:
            return []
        if int(image.min()) == int(image.max()):
            return []
        h, w = image.shape
        img = np.pad(image, PAD_PX, constant_values=255)
        rgb = np.ascontiguousarray(np.stack([img, img, img], axis=-1))
        res = self._ocr(rgb, return_word_box=True)
        txts = getattr(res, "txts", None) or ()
        if not txts:
            return []
        boxes = res.boxes
        scores = res.scores
        word_results = getattr(res, "word_results", None) or ()

        def box_of(quad) -> BBox:
            xs = [float(p[0]) - PAD_PX for p in quad]
            ys = [float(p[1]) - PAD_PX for p in quad]
            return BBox(round(max(0.0, min(xs)), 1), round(max(0.0, min(ys)), 1),
                        round(min(float(w), max(xs)), 1), round(min(float(h), max(ys)), 1))

        lines: list[OcrLine] = []
        for i, txt in enumerate(txts):
            lbox = box_of(boxes[i])
            is_vertical = lbox.height > VERTICAL_ASPECT * lbox.width and len(txt) > 1
            chars: list[OcrWord] = []
            if i < len(word_results) and word_results[i]:
                for wt, ws, wq in word_results[i]:
                    if str(wt).strip():
                        chars.append(OcrWord(str(wt).strip(), box_of(wq), round(float(ws), 4)))
            words = join_latin(chars, lbox, is_vertical or vertical)
            if not words and str(txt).strip():
                words = [OcrWord(str(txt), lbox, round(float(scores[i]), 4))]
            if words:
                lines.append(OcrLine(tuple(words), lbox, vertical or is_vertical))
        if vertical:   # columns right-to-left, each read top-down
            lines.sort(key=lambda ln: (-ln.bbox.cx, ln.bbox.y0))
        return lines
