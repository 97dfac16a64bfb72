"""Text dumps of the pages as different extraction tools would write them, made from the
generator's own drawing records (no extractor is run).  Every variant holds every drawn
character of its page exactly once (the markdown variant adds heading marks).

=========  ==========================================================================
drawing    lines in the order they were drawn (the shuffled content-stream order)
blocks     one block per module part (a column segment, a head item, a caption), blocks
           sorted by their top-left corners (top to bottom, then left to right)
columns    reading order per module, one printed line per line, a blank line between
           paragraphs and between head items
layout     columns side by side on a character grid, like ``pdftotext -layout``
markdown   headlines as #/##, subheads ###, one paragraph per line
=========  ==========================================================================
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from segmenter.containers import Role

from .model import PageSetting, TextLine

VARIANTS = ("drawing", "blocks", "columns", "layout", "markdown")
#: layout grid: points per character cell, as a share of the page's body size (a CJK
#: character takes two cells; a bit under half an em so proportional quotes, which count
#: two cells but are narrower, do not push text into the next column)
LAYOUT_CELL_SHARE = 0.45
#: baselines closer than this (x body size) share one layout row
LAYOUT_ROW_TOLERANCE = 0.5
#: at least this many spaces between two pieces on one layout row
LAYOUT_MIN_GAP = 2
#: a vertical gap above a row of more than this many body leadings leaves a blank line
LAYOUT_BLANK_GAP = 2.2
#: blocks dump: lines of one block on baselines closer than this (pt) print as one line
SAME_BASELINE = 0.5


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 1 for c in text)


def drawing(ps: PageSetting) -> str:
    return "".join(ln.text + "\n" for ln in ps.drawn)


def _join_same_baseline(lines: list[TextLine]) -> list[str]:
    out: list[str] = []
    row: list[TextLine] = []
    for ln in lines:
        if row and abs(ln.baseline - row[0].baseline) <= SAME_BASELINE and not ln.vertical:
            row.append(ln)
            continue
        if row:
            out.append(" ".join(x.text for x in sorted(row, key=lambda x: x.x)))
        row = [ln]
    if row:
        out.append(" ".join(x.text for x in sorted(row, key=lambda x: x.x)))
    return out


def blocks(ps: PageSetting) -> str:
    groups: dict[str, list[TextLine]] = {}
    for ln in ps.lines:
        groups.setdefault(ln.block, []).append(ln)

    def corner(ls: list[TextLine]) -> tuple[float, float]:
        return (round(min(ln.bbox.y0 for ln in ls), 1), round(min(ln.bbox.x0 for ln in ls), 1))
    ordered = sorted(groups.values(), key=corner)
    return "\n".join("".join(t + "\n" for t in _join_same_baseline(ls)) for ls in ordered)


def columns(ps: PageSetting) -> str:
    chunks = []
    for u in ps.ordered_units():
        for p in u.passages:
            if p.lines and p.lines[0].vertical:
                chunks.append(p.text + "\n")
            else:
                chunks.append("".join(ln.text + "\n" for ln in p.lines))
    return "\n".join(chunks)


def markdown(ps: PageSetting) -> str:
    chunks = []
    for u in ps.ordered_units():
        for p in u.passages:
            if p.role in (Role.HEADLINE, Role.SUBHEAD) and p.level:
                chunks.append("#" * p.level + " " + p.text)
            else:
                chunks.append(p.text)
    return "".join(c + "\n\n" for c in chunks)


@dataclass(slots=True)
class _Row:
    baseline: float
    pieces: list[TextLine]


def layout(ps: PageSetting) -> str:
    cell = ps.body_size * LAYOUT_CELL_SHARE
    lines = sorted(ps.lines, key=lambda ln: (ln.baseline, ln.x))
    if not lines:
        return ""
    left = min(ln.x for ln in lines)
    rows: list[_Row] = []
    for ln in lines:
        r = rows[-1] if rows else None
        if r is not None and ln.baseline - r.baseline <= LAYOUT_ROW_TOLERANCE * ps.body_size \
                and all(ln.x >= p.x + p.width or ln.x + ln.width <= p.x for p in r.pieces):
            r.pieces.append(ln)
        else:
            rows.append(_Row(ln.baseline, [ln]))
    out = []
    lead = ps.body_size * 1.5
    prev = None
    for r in rows:
        if prev is not None and r.baseline - prev > LAYOUT_BLANK_GAP * lead:
            out.append("")
        prev = r.baseline
        text, width = "", 0
        for p in sorted(r.pieces, key=lambda p: p.x):
            col = round((p.x - left) / cell)
            if text:
                col = max(col, width + LAYOUT_MIN_GAP)
            text += " " * (col - width) + p.text
            width = col + _cells(p.text)
        out.append(text.rstrip())
    return "".join(t + "\n" for t in out)


def render_dumps(pages: list[PageSetting]) -> dict[str, bytes]:
    """Relative path -> bytes: ``<variant>/page-NN.txt`` (``.md`` for markdown)."""
    makers = {"drawing": drawing, "blocks": blocks, "columns": columns, "layout": layout, "markdown": markdown}
    files = {}
    for v in VARIANTS:
        for ps in pages:
            ext = "md" if v == "markdown" else "txt"
            files[f"{v}/page-{ps.number:02d}.{ext}"] = makers[v](ps).encode("utf-8")
    return files
