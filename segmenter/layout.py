"""Lay out a text dump: lines → blocks (printed paragraphs, pieces of paragraphs, heading lines).

Steps, for one page:
1. merged columns (``pdftotext -layout``) are split into column segments and read column by
   column (:mod:`segmenter.columns`);
2. each pair of consecutive lines gets a break / no-break decision from markdown hints, line
   width against the local column width (display width: CJK 2, ASCII 1; the column width is
   the mode of nearby line widths, so a dump can mix columns), and the last character;
3. adjacent blocks where the first does not end a sentence and the second continues it
   (continuity score) are joined again: a paragraph broken by a column break.
Scattered pieces far apart are the assembler's job; this module looks at neighbours only.
"""

from __future__ import annotations

from functools import lru_cache

from . import lexicon
from .columns import split_merged_columns
from .containers import Block, Line, Page
from .continuity import continuity
from .lexicon import LEAD_RE, MAX_COLUMN_WIDTH, MAX_HEADING_WIDTH
from .settings import Settings
from .textutil import (cjk_ratio, display_width, drop_cjk_spaces, ends_sentence, join_pieces, may_end_paragraph,
                       starts_continuation)

#: a line within this many display columns of its column's width is full (justified type
#: compresses paired punctuation ’‘ and mixes half-width digits, so full lines of the seeds
#: vary by up to 3 columns)
FULL_SLACK = 3
#: a line that does not end a sentence and is at least this much narrower than its column is
#: not a column line running on but a standalone line (heading, byline, credit); a body line
#: compressed by punctuation is at most 4 short in the seeds, subheads 16 or more
HEADING_SLACK = 6
#: first lines of printed paragraphs are indented two characters; extraction drops the
#: indent, so a paragraph's first line is up to this much narrower than a full line
INDENT_WIDTH = 4
#: column lines looked at on each side to estimate a line's column width: a text dump
#: follows one column for a dozen lines or more, but the next article (another column width)
#: can start two lines later; 3 keeps the 18-wide caption column of seed 000 apart from the
#: 34-wide body column beside it
COLUMN_WINDOW = 3
#: the narrowest column a newspaper prints (8 CJK characters; the photo caption column of
#: seed 000 is 9-10): narrower "columns" are stacks of short standalone lines (head tiers)
MIN_COLUMN_WIDTH = 16
#: neighbours needed to estimate a column width at all (else the line stands alone)
MIN_COLUMN_SUPPORT = 3
#: bonus for two adjacent blocks in the continuity decision: neighbours are the likeliest
#: continuation of a broken paragraph (a comma-ended block followed by a plain start scores
#: 0.35 + 0.15 = 0.5 and is joined; a headline followed by a body scores 0.2 + 0.15 and is not)
ADJACENT_BONUS = 0.15


def layout_text(page: Page, settings: Settings) -> None:
    """Fill ``page.blocks`` from ``page.lines``."""
    lines = [ln for ln in page.lines if ln.text.strip() or ln.markup]
    lines, merged = split_merged_columns(lines)
    if merged:
        page.style = (page.style + " merged").strip()
    if not page.style:
        page.style = "columns" if _column_share(lines) >= 0.5 else "paragraphs"
    if not lines:
        page.blocks = []
        return
    texts = [drop_cjk_spaces(ln.text.strip()) for ln in lines]
    widths = [display_width(t) for t in texts]
    ref = _reference_widths(lines, widths)
    groups: list[list[Line]] = [[lines[0]]]
    for i in range(len(lines) - 1):
        if _breaks(lines, texts, widths, ref, i, settings.min_join_score):
            groups.append([])
        groups[-1].append(lines[i + 1])
    blocks = [make_block(g) for g in groups]
    page.blocks = rejoin_adjacent(blocks, settings)


def _column_share(lines: list[Line]) -> float:
    if not lines:
        return 0.0
    return sum(1 for ln in lines if display_width(ln.text.strip()) <= MAX_COLUMN_WIDTH) / len(lines)


#: share of CJK characters above which a block is Chinese text (Latin pieces cut at a line
#: end are then joined without a space)
CJK_CONTEXT_SHARE = 0.5


def make_block(lines: list[Line]) -> Block:
    text, hyph = "", 0
    ctx = cjk_ratio("".join(ln.text for ln in lines)) > CJK_CONTEXT_SHARE
    for ln in lines:
        text, h = join_pieces(text, ln.text.strip(), ctx)
        hyph += h
    return Block(lines=list(lines), text=text, soft_hyphens=hyph)


def merge_blocks(a: Block, b: Block) -> Block:
    text, h = join_pieces(a.text, b.text, cjk_ratio(a.text + b.text) > CJK_CONTEXT_SHARE)
    return Block(lines=a.lines + b.lines, text=text, role=a.role,
                 soft_hyphens=a.soft_hyphens + b.soft_hyphens + h, jumps=a.jumps + b.jumps,
                 repeated=a.repeated + b.repeated, score=min(a.score, b.score))


#: punctuation found in body text every few characters and never in a heading line: only
#: lines that carry some are taken as evidence of a column's width
_BODY_PUNCT = set("，。、；：！？“”‘’（）《》,.;:!?()")
#: clause punctuation: a headline may carry quotes and brackets, but not these
_CLAUSE_PUNCT = set("，。、；：！？,.;:!?")
#: column lines looked at for a width estimate: up to this many punctuated column lines,
#: within twice COLUMN_WINDOW lines on each side
_REF_LINES = 2 * COLUMN_WINDOW


def _reference_widths(lines: list[Line], widths: list[int]) -> list[int | None]:
    """For each line, the width of the column it stands in, estimated from its neighbours:
    the second widest of the nearest punctuated column lines on each side (the widest may be
    an outlier from a wider column next door; unpunctuated lines may be headings)."""
    ok = [w <= MAX_COLUMN_WIDTH and not ln.heading_level and any(c in _BODY_PUNCT for c in ln.text)
          for ln, w in zip(lines, widths)]
    n = len(lines)
    out: list[int | None] = []
    for i in range(n):
        if widths[i] > MAX_COLUMN_WIDTH or lines[i].heading_level:
            out.append(None)
            continue
        before = [widths[j] for j in range(i - 1, max(-1, i - _REF_LINES - 1), -1) if ok[j]][:COLUMN_WINDOW]
        after = [widths[j] for j in range(i + 1, min(n, i + _REF_LINES + 1)) if ok[j]][:COLUMN_WINDOW]
        near = sorted(before + after, reverse=True)
        if len(near) < MIN_COLUMN_SUPPORT:
            out.append(None)
            continue
        out.append(near[1] if near[1] >= MIN_COLUMN_WIDTH else None)
    return out


def _short_open(texts: list[str], widths: list[int], ref: list[int | None], i: int) -> bool:
    """Line i ends no sentence and is much narrower than its column: a standalone line."""
    col = ref[i]
    return col is not None and widths[i] < col - HEADING_SLACK and not ends_sentence(texts[i])


def _breaks(lines: list[Line], texts: list[str], widths: list[int], ref: list[int | None], i: int,
            min_join: float = Settings().min_join_score) -> bool:
    a, b = lines[i], lines[i + 1]
    ta, tb = texts[i], texts[i + 1]
    if a.heading_level or b.heading_level or not ta or not tb:
        return True
    if a.page != b.page or a.column != b.column:
        return True
    if b.markup and b.markup.split()[0] in ("-", "*", "+"):
        return True            # a list item starts a block
    if a.hard_break and not b.blank_before:
        return False           # markdown: a hard break continues the same paragraph
    if standalone_line(a.text.strip()) or LEAD_RE.match(tb) or standalone_line(b.text.strip()):
        return True            # credits, jump lines, TOC entries stand alone; a lead opens a block
    if tb.startswith("——") and not ta.endswith("—") and heading_like(tb):
        return True            # a dash-led subtitle (a "——" cut at the line end is no subtitle)
    if starts_continuation(tb):
        return False           # kinsoku: the next line cannot start a line of print
    wa = widths[i]
    if wa > MAX_COLUMN_WIDTH:
        return True            # a whole paragraph on one line (reflowed dump)
    final = may_end_paragraph(ta)
    col = ref[i]
    if final and (widths[i + 1] > MAX_COLUMN_WIDTH or (col is not None and wa > col + FULL_SLACK)):
        return True            # a sentence end before or in a line that is no column line
    if col is None:
        # no column around: standalone short lines; two of them without a blank line between
        # are one wrapped item (a two-line headline, a wrapped credit)
        if not final and not b.blank_before and widths[i + 1] <= MAX_HEADING_WIDTH \
                and not ends_sentence(tb) and wa <= MAX_HEADING_WIDTH:
            return False
        return True
    if final:
        if wa < col - FULL_SLACK:
            return True        # a short last line: the paragraph ends
        # a full line ending in 。: the paragraph ends only if the next line is indented
        # (first lines of paragraphs are set two characters in, so they are never full)
        nxt = ref[i + 1] or col
        return widths[i + 1] < nxt - FULL_SLACK
    starts_paragraph = i == 0 or may_end_paragraph(texts[i - 1]) or lines[i - 1].heading_level > 0 \
        or heading_like(texts[i - 1])
    if wa >= col - HEADING_SLACK - (INDENT_WIDTH if starts_paragraph else 0):
        # a column line running on, unless it is a headline as wide as an indented first line:
        # no punctuation at all, and the next line is no full column line either (it is the
        # indented first line of the body); then only a word across the break says "runs on"
        if starts_paragraph and not any(c in _CLAUSE_PUNCT for c in ta) \
                and widths[i + 1] < (ref[i + 1] or col) - FULL_SLACK and not ends_sentence(tb) \
                and continuity(ta, tb) < min_join:
            return True
        # … or what follows is a standalone short line (a headline under a headline: a
        # paragraph cannot end without punctuation there)
        if i + 2 < len(lines) and lexicon.JUMP_FROM_RE.fullmatch(texts[i + 2]):
            return True        # the arriving part of a jump repeats its headline before the marker
        return _short_open(texts, widths, ref, i + 1) and i + 2 < len(lines) \
            and not starts_continuation(texts[i + 2])
    # a short line that ends no sentence: a standalone line (heading, byline, credit) unless
    # the next one is a short line right under it (a wrapped headline)
    wb = widths[i + 1]
    if not b.blank_before and wb < (ref[i + 1] or col) - HEADING_SLACK and not ends_sentence(tb):
        return False
    return True


def rejoin_adjacent(blocks: list[Block], settings: Settings) -> list[Block]:
    """Join neighbours where a paragraph was cut by a column break: the first ends no
    sentence, the second is no lead, and either the continuity score says so or neither
    looks like a heading (a body piece that ends mid-sentence continues in the next piece)."""
    out: list[Block] = []
    for b in blocks:
        if out:
            a = out[-1]
            if (a.page == b.page and not a.heading_level and not b.heading_level
                    and not LEAD_RE.match(b.text) and not ends_sentence(a.text)
                    and (not may_end_paragraph(a.text) or continuity(a.text, b.text) >= 1.0)
                    and not _is_list_item(b)
                    and _continues(a, b, settings)):
                out[-1] = merge_blocks(a, b)
                continue
        out.append(b)
    return out


def _continues(a: Block, b: Block, settings: Settings) -> bool:
    if heading_like(a.text):
        # a heading is no broken paragraph: only kinsoku proves a continuation (a word formed
        # by chance across "聚焦两会" / "打造…" proves nothing)
        return starts_continuation(b.text)
    if not heading_like(b.text):
        return True            # a body piece ending mid-sentence goes on in the next body piece
    return continuity(a.text, b.text) + ADJACENT_BONUS >= settings.min_join_score


def _is_list_item(b: Block) -> bool:
    return bool(b.lines[0].markup) and b.lines[0].markup.split()[0] in ("-", "*", "+")


@lru_cache(maxsize=4096)
def heading_like(text: str, level: int = 0) -> bool:
    """Short, and no sentence punctuation inside: could be a headline, kicker or subhead."""
    t = drop_cjk_spaces(text.strip())
    if not t or display_width(t) > MAX_HEADING_WIDTH or starts_continuation(t) or LEAD_RE.match(t):
        return False
    if level and t[-1] in "！？!?":
        t = t[:-1]             # a marked-up headline may end in ！ or ？; a plain line doing so is a sentence
    return not any(c in "。；;，,！？!?" for c in t) and not may_end_paragraph(t)


@lru_cache(maxsize=16384)
def standalone_line(text: str) -> bool:
    """A line that is a whole item by itself: a photo credit, a jump line, a TOC entry."""
    t = text.strip()
    if not t or display_width(t) > MAX_HEADING_WIDTH:
        return False
    if lexicon.CREDIT_RE.fullmatch(t) or lexicon.JUMP_FROM_RE.fullmatch(t) \
            or lexicon.JUMP_TO_RE.fullmatch(t) or lexicon.TOC_TITLE_RE.match(t):
        return True
    return bool(lexicon.BYLINE_RE.match(text))   # a standalone byline
