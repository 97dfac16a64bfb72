"""Settings: one frozen dataclass; unknown keys and out-of-range values are rejected."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import SettingsError
from .ocr import DEFAULT_ENGINE, ENGINES


_RANGES = {
    "max_input_bytes": (1, 1 << 34),
    "max_pdf_bytes": (1, 1 << 36),
    "min_join_score": (0.0, 1.0),
    "min_headline_score": (0.0, 1.0),
    "min_orphan_score": (0.0, 1.0),
    "scan_workers": (1, 32),
    "scan_dpi": (72, 600),
}


@dataclass(frozen=True, slots=True)
class Settings:
    #: refuse text inputs larger than this: a dump of one page is < 0.5 MB and a whole
    #: 100-page edition < 20 MB; a bigger "page" is almost surely not one (split it)
    max_input_bytes: int = 20 * 1024 * 1024
    #: refuse PDFs larger than this: a 200-page broadsheet edition with photos is ~200 MB
    max_pdf_bytes: int = 512 * 1024 * 1024
    #: below this continuity score a dangling end and a dangling start are not joined
    #: (tuned on the seeds: true joins score ≥ 0.55, false candidates ≤ 0.35)
    min_join_score: float = 0.45
    #: below this content score a detached headline is not attached to a body
    min_headline_score: float = 0.2
    #: below this share score an orphan paragraph stays a <fragment>
    min_orphan_score: float = 0.3
    #: write the <joins> element (decisions with their scores) into each article
    write_joins: bool = True
    #: OCR engine for scanned pages (segmenter.ocr.ENGINES); the default is the one measured
    #: more accurate for Chinese (segmenter.ocr.DEFAULT_ENGINE)
    ocr_engine: str = DEFAULT_ENGINE
    #: OCR cache folder: "" = $SEGMENTER_OCR_CACHE or ~/.cache/segmenter/ocr, "off" = no cache
    ocr_cache: str = ""
    #: scanned pages are analysed and OCRed in this many processes (1 = in this process)
    scan_workers: int = 2
    #: image-only PDF pages are rendered at this resolution before page analysis and OCR
    scan_dpi: int = 300

    def __post_init__(self) -> None:
        if not isinstance(self.write_joins, bool):
            raise SettingsError(f"setting write_joins={self.write_joins!r} must be true or false")
        if self.ocr_engine not in ENGINES:
            raise SettingsError(f"setting ocr_engine={self.ocr_engine!r} must be one of {', '.join(ENGINES)}")
        if not isinstance(self.ocr_cache, str):
            raise SettingsError(f"setting ocr_cache={self.ocr_cache!r} must be a folder path, \"\" or \"off\"")
        for name in ("max_input_bytes", "max_pdf_bytes", "scan_workers", "scan_dpi"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise SettingsError(f"setting {name}={v!r} must be a whole number")
        for name, (lo, hi) in _RANGES.items():
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise SettingsError(f"setting {name}={v!r} is out of range [{lo}, {hi}]")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Settings":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(cls(), **values)
