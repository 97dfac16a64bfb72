"""OCR engines behind one interface (issue #5: scanned pages).

The scan reader crops one text region at a time and asks an :class:`OcrEngine` for its lines;
reading order between regions stays segmenter's own.  Two engines exist: Tesseract (through
pytesseract) and RapidOCR (PP-OCR models that ship inside the wheel, run offline).  Both are
wrapped in a content-hash cache (:mod:`segmenter.ocr.cache`) when a cache folder is given, so a
re-run with other layout settings does not OCR again.

Nothing here imports an engine at import time: ``import segmenter.ocr`` is cheap and works
without Tesseract or onnxruntime installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

from ..containers import BBox
from ..errors import InputError
from ..textutil import is_cjk

if TYPE_CHECKING:  # numpy is a dependency, but keep the import out of the hot start-up path
    import numpy


#: words read below this confidence are kept on their Line (``Line.low``), exported in ``low`` /
#: ``low-src`` and marked on the review page.  Measured with rapidocr on 20 light-degraded 200 dpi
#: synth pages (qs20 ed00-ed03; line text quote-repaired as the reader does, aligned to the gold:
#: 53 839 words, 204 wrong): a word below 0.90 is wrong 15 % of the time (every 0.1-wide bin
#: below 0.90: 13-17 %), one in [0.90, 0.95) 8.7 %, in [0.95, 0.99) 1.6 %, at 0.99 or more 0.1 %.
#: 0.90 flags 1.44 % of words (≈ 39 a page, most of them punctuation) and catches 58 % of the
#: wrong ones (0.95: 2.0 %, 71 %).  Two heavy-degraded pages (seed 7): 1.33 % flagged, 50 %
#: caught, 22 % of the flagged wrong.
LOW_WORD_CONF = 0.90


@dataclass(frozen=True)
class OcrWord:
    """One recognised word (Latin) or character run (CJK) with its box and confidence."""

    text: str
    bbox: BBox          # pixels, in the frame of the image passed to recognize()
    conf: float         # 0..1


def join_words(words: Sequence[str]) -> str:
    """Join word texts: nothing between two CJK characters, one space between anything else.

    Engines put spaces between CJK characters ("政 府 工 作"); those go, a space between two
    Latin words or numbers stays ("COVID 19", "New York").
    """
    out = ""
    for w in words:
        w = clean_text(w)
        if not w:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(w[0])):
            out += " "
        out += w
    return out


def word_offsets(words: Sequence[str]) -> list[tuple[int, int] | None]:
    """Where each word lands in ``join_words(words)``: (start, end) character offsets, None for
    a word that cleans to nothing.  Mirrors :func:`join_words` step by step, so
    ``join_words(words)[start:end] == clean_text(word)`` for every word kept."""
    out: list[tuple[int, int] | None] = []
    n = 0
    last = ""
    for w in words:
        w = clean_text(w)
        if not w:
            out.append(None)
            continue
        if last and not (is_cjk(last) or is_cjk(w[0])):
            n += 1
        out.append((n, n + len(w)))
        n += len(w)
        last = w[-1]
    return out


_SPACE_RUN_RE = re.compile(r"[ \t\u3000\u00a0]+")


def clean_text(text: str) -> str:
    """One engine string made tidy: whitespace runs to one space, none next to a CJK character."""
    text = _SPACE_RUN_RE.sub(" ", text.strip())
    if " " not in text:
        return text
    parts = text.split(" ")
    return join_words(parts) if len(parts) > 1 else text


@dataclass(frozen=True)
class OcrLine:
    """One text line (horizontal) or column (vertical) of a region, words in reading order."""

    words: tuple[OcrWord, ...]   # in reading order
    bbox: BBox
    vertical: bool

    @property
    def text(self) -> str:
        """Words joined: CJK with nothing, Latin with a space."""
        return join_words([w.text for w in self.words])

    @property
    def conf(self) -> float:
        """Character-weighted mean of the word confidences (0.0 for a line without text)."""
        total = sum(len("".join(w.text.split())) for w in self.words)
        if not total:
            return 0.0
        return sum(w.conf * len("".join(w.text.split())) for w in self.words) / total


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: "numpy.ndarray", *, vertical: bool = False) -> list[OcrLine]:
        """`image`: 2-D uint8 grayscale crop of ONE text region (dark text on light). Returns its
        lines in reading order (vertical: columns right-to-left, each read top-down), boxes in the
        crop's pixel frame. Must be deterministic. Never raises on an empty/blank crop (returns [])."""
        ...


ENGINES: tuple[str, ...] = ("tesseract", "rapidocr")
# The more accurate engine for Chinese as measured by benchmarks/quality_scan.py on degraded
# generated pages (see README "Scanned pages: OCR engines" for the figures).
DEFAULT_ENGINE: str = "rapidocr"


def get_engine(name: str, cache_dir: Path | None = None) -> OcrEngine:
    """The named engine, wrapped in the content-hash cache when cache_dir is given. Raises
    segmenter.errors.InputError with a one-line message when the engine or its language data is missing."""
    if name == "tesseract":
        from .tesseract import TesseractEngine
        engine: OcrEngine = TesseractEngine()
    elif name == "rapidocr":
        from .rapidocr import RapidOcrEngine
        engine = RapidOcrEngine()
    else:
        raise InputError(f"unknown OCR engine {name!r}: choose one of {', '.join(ENGINES)}")
    if cache_dir is not None:
        from .cache import CachedEngine
        engine = CachedEngine(engine, Path(cache_dir))
    return engine


class FakeEngine:
    """An engine for tests: no OCR dependency.

    Built with fixed lines (returned for every crop that is not blank) or with a callable
    ``fn(image, vertical) -> list[OcrLine]``.  Counts its calls in :attr:`calls`.
    """

    def __init__(self, lines: Sequence[OcrLine] | Callable[..., list[OcrLine]] = (),
                 *, name: str = "fake", version: str = "1") -> None:
        self.name = name
        self.version = version
        self._fn = lines if callable(lines) else None
        self._lines = [] if callable(lines) else list(lines)
        self.calls = 0

    def options_key(self, vertical: bool) -> str:
        return f"vertical={vertical}"

    def recognize(self, image: "numpy.ndarray", *, vertical: bool = False) -> list[OcrLine]:
        self.calls += 1
        if image is None or getattr(image, "size", 0) == 0:
            return []
        if self._fn is not None:
            return list(self._fn(image, vertical))
        if int(image.min()) == int(image.max()):   # blank crop: nothing to read
            return []
        return list(self._lines)


__all__ = ["LOW_WORD_CONF", "word_offsets", "OcrWord", "OcrLine", "OcrEngine", "ENGINES", "DEFAULT_ENGINE", "get_engine",
           "FakeEngine", "join_words", "clean_text"]
