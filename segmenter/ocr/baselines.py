"""Whole-page OCR, as a user would run it without segmenter (the baselines of issue #5).

- ``tesseract``: exactly ``tesseract page.png - -l chi_sim --psm 3`` (Tesseract's own page
  segmentation and reading order), with ``OMP_THREAD_LIMIT=1``;
- ``rapidocr``: RapidOCR with its own default settings (bundled models given by path, nothing
  downloaded) on the whole page, its lines in its own order.

The text goes to segmenter's text-dump path (:mod:`segmenter.pdfbaselines`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import InputError, SegmenterError
from ..tools import run_tool

if TYPE_CHECKING:
    import numpy

OCR_EXTRACTORS = ("tesseract", "rapidocr")
#: seconds Tesseract may take for one page before it is given up (≈ 7 s for a dense 300 dpi
#: page single-threaded; a pathological image should not hang the run)
TESSERACT_SECONDS_PER_PAGE = 300


def page_text(gray: "numpy.ndarray", tool: str) -> str:
    """The whole page's text as ``tool`` reads it, lines in the tool's own order."""
    if tool == "tesseract":
        return _tesseract(gray)
    if tool == "rapidocr":
        return _rapidocr(gray)
    raise SegmenterError(f"unknown OCR extractor {tool!r}; known: {', '.join(OCR_EXTRACTORS)}")


def _png(gray: "numpy.ndarray") -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", gray)
    if not ok:
        raise InputError("cannot encode the page for tesseract")
    return buf.tobytes()


def _tesseract(gray: "numpy.ndarray") -> str:
    cmd = ["tesseract", "stdin", "-", "-l", "chi_sim", "--psm", "3"]
    return run_tool(cmd, TESSERACT_SECONDS_PER_PAGE,
                    "tesseract is not installed (apt-get install tesseract-ocr "
                    "tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert)",
                    input=_png(gray), env={"OMP_THREAD_LIMIT": "1"}, what="tesseract ")


@lru_cache(maxsize=1)
def _whole_page_reader():
    from pathlib import Path

    from . import rapidocr as mod  # sets ORT_DISABLE_TELEMETRY before onnxruntime loads
    try:
        import rapidocr
        from rapidocr import RapidOCR
    except ImportError:
        raise SegmenterError("rapidocr is not installed (pip install rapidocr onnxruntime)") from None
    models = Path(rapidocr.__file__).parent / "models"
    return RapidOCR(params={"Global.log_level": "error",
                            "Det.model_path": str(models / mod.DET_MODEL),
                            "Rec.model_path": str(models / mod.REC_MODEL),
                            "Cls.model_path": str(models / mod.CLS_MODEL),
                            "EngineConfig.onnxruntime.intra_op_num_threads": mod.THREADS,
                            "EngineConfig.onnxruntime.inter_op_num_threads": mod.THREADS})


def _rapidocr(gray: "numpy.ndarray") -> str:
    import numpy as np

    res = _whole_page_reader()(np.ascontiguousarray(np.stack([gray, gray, gray], axis=-1)))
    txts = getattr(res, "txts", None) or ()
    return "".join(f"{t}\n" for t in txts)


def image_pages(path, errors: list[str], dpi: int = 300) -> list[tuple[int, "numpy.ndarray"]]:
    """(1-based page index, grayscale page) of an image file, or of a PDF rendered at ``dpi``;
    TIFF pages that cannot be decoded go to ``errors``."""
    from pathlib import Path

    path = Path(path)
    if path.suffix.lower() == ".pdf":
        from ..synth.scan import render_pages
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"{path.name}: cannot read ({e.strerror or e})") from None
        try:
            return list(enumerate(render_pages(data, dpi), start=1))
        except Exception as e:  # noqa: BLE001 - MuPDF's own errors: one line
            raise InputError(f"{path.name}: not a readable PDF ({type(e).__name__})") from None
    from ..readers.image import decode_image
    pages, problems = decode_image(path)
    errors.extend(problems)
    return [(p.index, p.gray) for p in pages]
