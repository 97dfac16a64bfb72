"""OCR confidence carried from lines to the output (issue #5).

* An element's confidence (``conf`` on ``<p>``, ``<h>``, ``<headline>`` …) is the
  character-weighted mean of its lines' OCR confidence (:func:`text_conf`): a line counts with its
  number of non-blank characters.  Lines without a confidence (text dumps, PDF text layers) do
  not count; an element with none of them has no confidence (no attribute is written).
* An element's low-confidence words (:func:`low_spans`) are the :attr:`Line.low` words of its
  lines, their offsets moved from the line's text into the element's final text.  The element
  text is built from the lines by joining (nothing, a space, or a removed soft hyphen between
  lines), cutting jump markers off and normalising blanks; none of these reorders characters,
  so the non-blank characters of the lines are aligned with those of the text
  (:class:`difflib.SequenceMatcher`, deterministic) and each word maps to the span from its
  first to its last aligned character.  A word none of whose characters survive is dropped.
* An article's confidence is ``min(assembly score, OCR confidence of all its text)``
  (:func:`fold_article_confidence`): the weaker of the two decides how much to trust it.  Text
  and PDF articles (no OCR confidence) keep the assembly score exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable

from ..containers import Article, BBox, Edition, Line


@dataclass(frozen=True, slots=True)
class LowSpan:
    """A low-confidence word placed in an output element's text: ``text[start:end]``."""

    start: int
    end: int
    conf: float
    page: int
    bbox: BBox               # page pixels


def _weight(ln: Line) -> int:
    return len("".join(ln.text.split()))


def text_conf(lines: Iterable[Line]) -> float | None:
    """Character-weighted mean OCR confidence of ``lines``; None when no line has one."""
    total = 0
    acc = 0.0
    seen = False
    for ln in lines:
        if ln.conf is None:
            continue
        seen = True
        w = _weight(ln)
        total += w
        acc += ln.conf * w
    if not seen:
        return None
    return acc / total if total else 0.0


def _char_positions(lines: list[Line], text: str) -> list[list[int]]:
    """For each line, the position in ``text`` of each of its characters (-1: blank or not
    found in ``text``)."""
    src: list[str] = []
    back: list[tuple[int, int]] = []
    for li, ln in enumerate(lines):
        for ci, c in enumerate(ln.text):
            if not c.isspace():
                src.append(c)
                back.append((li, ci))
    dst_pos = [i for i, c in enumerate(text) if not c.isspace()]
    dst = "".join(text[i] for i in dst_pos)
    out = [[-1] * len(ln.text) for ln in lines]
    sm = SequenceMatcher(None, "".join(src), dst, autojunk=False)
    for m in sm.get_matching_blocks():
        for k in range(m.size):
            li, ci = back[m.a + k]
            out[li][ci] = dst_pos[m.b + k]
    return out


def low_spans(lines: list[Line], text: str) -> list[LowSpan]:
    """The low-confidence words of ``lines`` as spans of ``text`` (the element's final text),
    in text order."""
    if not any(ln.low for ln in lines):
        return []
    pos = _char_positions(lines, text)
    out: list[LowSpan] = []
    for ln, where in zip(lines, pos):
        for w in ln.low:
            hit = [where[i] for i in range(max(0, w.start), min(w.end, len(where))) if where[i] >= 0]
            if hit:
                out.append(LowSpan(min(hit), max(hit) + 1, w.conf, ln.page, w.bbox))
    out.sort(key=lambda s: (s.start, s.end))
    return out


def format_low(spans: list[LowSpan]) -> str:
    """``low`` attribute: "start-end:conf" per word (offsets into the element text, end
    exclusive, in characters), separated by spaces."""
    return " ".join(f"{s.start}-{s.end}:{s.conf:.3f}" for s in spans)


def article_ocr_conf(a: Article) -> float | None:
    """Character-weighted OCR confidence of all the text of article ``a`` (None: no OCR)."""
    return text_conf(ln for b in a.all_blocks() for ln in b.lines)


def fold_article_confidence(edition: Edition) -> None:
    """Each article's confidence becomes min(assembly score, OCR confidence), both at the two
    decimals the output shows; articles without OCR text are left exactly as they are."""
    for a in edition.articles:
        c = article_ocr_conf(a)
        if c is not None:
            a.confidence = min(a.confidence, round(c, 2))
