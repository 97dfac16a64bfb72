"""OCR results cached by image content, so a re-run with other layout settings does not OCR again.

Key: sha256 over the crop's shape, dtype and bytes, the engine's name and version, the
orientation and the engine's own options (:meth:`options_key`).  One JSON file per key under
``<cache_dir>/<engine>/<key[:2]>/<key>.json``, written to a temporary file in the same folder and
moved into place (a crash never leaves half a file; concurrent workers writing the same key
write the same bytes).  An unreadable or malformed file counts as a miss and is rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..containers import BBox
from . import OcrEngine, OcrLine, OcrWord

if TYPE_CHECKING:
    import numpy

#: bumped when the JSON layout below changes, so old files are never misread
FORMAT = 1


def cache_key(image: "numpy.ndarray", engine: str, version: str, options: str) -> str:
    """sha256 hex digest of the crop (shape, dtype, bytes) and everything that changes the result."""
    import numpy as np

    arr = np.ascontiguousarray(image)
    h = hashlib.sha256()
    h.update(f"segmenter-ocr/{FORMAT}\0{engine}\0{version}\0{options}\0{arr.shape}\0{arr.dtype.str}\0".encode())
    h.update(arr.tobytes())
    return h.hexdigest()


def _box(b: BBox) -> list[float]:
    return [b.x0, b.y0, b.x1, b.y1]


def dump_lines(lines: list[OcrLine]) -> bytes:
    """Deterministic JSON of OCR lines."""
    data = {"format": FORMAT, "lines": [
        {"bbox": _box(ln.bbox), "vertical": ln.vertical,
         "words": [{"text": w.text, "bbox": _box(w.bbox), "conf": w.conf} for w in ln.words]}
        for ln in lines]}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def load_lines(raw: bytes) -> list[OcrLine] | None:
    """OCR lines from :func:`dump_lines` output; None when the bytes are not such a file."""
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != FORMAT:
            return None
        return [OcrLine(tuple(OcrWord(str(w["text"]), BBox(*map(float, w["bbox"])), float(w["conf"]))
                              for w in ln["words"]),
                        BBox(*map(float, ln["bbox"])), bool(ln["vertical"]))
                for ln in data["lines"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class CachedEngine:
    """An engine wrapped in the content-hash cache; counts :attr:`hits` and :attr:`misses`."""

    def __init__(self, engine: OcrEngine, cache_dir: Path) -> None:
        self.engine = engine
        self.name = engine.name
        self.version = str(getattr(engine, "version", ""))
        self.dir = Path(cache_dir)
        self.hits = 0
        self.misses = 0

    def options_key(self, vertical: bool) -> str:
        opts = getattr(self.engine, "options_key", None)
        return opts(vertical) if callable(opts) else f"vertical={vertical}"

    def path_for(self, image: "numpy.ndarray", vertical: bool) -> Path:
        key = cache_key(image, self.name, self.version, self.options_key(vertical) + f";v={vertical}")
        return self.dir / self.name / key[:2] / f"{key}.json"

    def recognize(self, image: "numpy.ndarray", *, vertical: bool = False) -> list[OcrLine]:
        path = self.path_for(image, vertical)
        try:
            cached = load_lines(path.read_bytes())
        except OSError:
            cached = None
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        lines = self.engine.recognize(image, vertical=vertical)
        _write_atomic(path, dump_lines(lines))
        return lines


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder; a cache that cannot be
    written (read-only folder, full disk) is skipped, never an error: the result is still returned."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ocr.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
