"""CJK line breaking with kinsoku (避头尾) rules, measured with the embedded CJK font.

``insert_text`` never wraps, and ``insert_textbox`` wraps only at ASCII spaces, so every
printed line is cut here.  Text is split into unbreakable units (one CJK character; a Latin
word or number with its decimal point and per-cent sign; a run of ——  or ……; a space), then
filled greedily.  A break is moved back while the next line would start with a closing mark
or the line would end with an opening mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pymupdf

#: never at the start of a line (closing punctuation); a superset of segmenter.lexicon's table
NO_LINE_START = frozenset("，。、；：？！”’）》」』】〕…,.;:?!)%·～〉")
#: never at the end of a line (opening punctuation)
NO_LINE_END = frozenset("“‘（《「『【〔([〈")
#: sentence ends (a paragraph may be cut after one of these, plus closing quotes/brackets)
SENTENCE_END = frozenset("。！？")
CLOSERS = frozenset("”’）》」』")
#: a Latin word or number, kept on one line ("2.68%", "5G", "InnoMatch", "11-0078")
_LATIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%+\-/&']*[A-Za-z0-9%]|[A-Za-z0-9]")
#: dash and ellipsis runs are one unit (a "——" is never split over two lines)
_RUN_RE = re.compile(r"—+|…+")
#: slack for float comparisons of widths, in points
WIDTH_EPS = 0.01


class Metrics:
    """Advance widths of the embedded CJK font, cached per character (points at size 1)."""

    def __init__(self) -> None:
        self.font = pymupdf.Font("cjk")
        self.ascender = self.font.ascender      # 1.043: glyph box top above the baseline, per pt
        self.descender = -self.font.descender   # 0.266: glyph box bottom below the baseline
        self._adv: dict[str, float] = {}

    def advance(self, ch: str) -> float:
        a = self._adv.get(ch)
        if a is None:
            a = self._adv[ch] = self.font.text_length(ch, fontsize=1)
        return a

    def width(self, text: str, size: float) -> float:
        return sum(self.advance(c) for c in text) * size


@dataclass(frozen=True, slots=True)
class Unit:
    start: int       # offset of the unit in the text
    end: int
    text: str
    space: bool


@dataclass(frozen=True, slots=True)
class LineSpan:
    """One printed line: text[start:end] with the spaces at both ends stripped."""

    start: int
    end: int
    text: str
    width: float     # printed width in points


def units(text: str) -> list[Unit]:
    out: list[Unit] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        m = _LATIN_RE.match(text, i) if ch.isascii() and ch.isalnum() else _RUN_RE.match(text, i)
        j = m.end() if m else i + 1
        out.append(Unit(i, j, text[i:j], text[i:j].isspace()))
        i = j
    return out


def _starts_bad(us: list[Unit], k: int) -> bool:
    while k < len(us) and us[k].space:
        k += 1
    return k < len(us) and us[k].text[0] in NO_LINE_START


def _ends_bad(us: list[Unit], k: int) -> bool:
    k -= 1
    while k >= 0 and us[k].space:
        k -= 1
    return k >= 0 and us[k].text[-1] in NO_LINE_END


def break_lines(metrics: Metrics, text: str, size: float, width: float,
                first_width: float | None = None) -> list[LineSpan]:
    """Cut ``text`` into lines no wider than ``width`` (``first_width`` for the first line)."""
    return list(_break(metrics, text, round(size, 3), round(width, 3),
                       round(width if first_width is None else first_width, 3)))


@lru_cache(maxsize=4096)
def _break(metrics: Metrics, text: str, size: float, width: float, first: float) -> tuple[LineSpan, ...]:
    us = units(text)
    ws = [metrics.width(u.text, size) for u in us]
    lines: list[LineSpan] = []
    i, n = 0, len(us)
    while i < n:
        while i < n and us[i].space:
            i += 1
        if i >= n:
            break
        avail = first if not lines else width
        j, w = i, 0.0
        while j < n and w + ws[j] <= avail + WIDTH_EPS:
            w += ws[j]
            j += 1
        if j < n:
            j = max(j, i + 1)            # an over-long unit still gets a line of its own
            k = j
            while k > i + 1 and (_starts_bad(us, k) or _ends_bad(us, k)):
                k -= 1
            if _starts_bad(us, k) or _ends_bad(us, k):
                k = j                    # nothing better: hang the closing marks
                while k < n and _starts_bad(us, k):
                    k += 1
            j = k
        e = j
        while e > i and us[e - 1].space:
            e -= 1
        s0, s1 = us[i].start, us[e - 1].end
        lines.append(LineSpan(s0, s1, text[s0:s1], sum(ws[i:e])))
        i = j
    return tuple(lines)


def sentence_cuts(text: str) -> list[int]:
    """Offsets just after each sentence end (with its closing quotes), longest first."""
    cuts = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in SENTENCE_END:
            j = i + 1
            while j < n and (text[j] in CLOSERS or text[j] in SENTENCE_END):
                j += 1
            if j < n:
                cuts.append(j)
            i = j
        else:
            i += 1
    return sorted(set(cuts), reverse=True)
