"""Roles of blocks on pages with geometry, from typography and position as well as text.

* page furniture: what lies above the page's top full-width rule (masthead on the front
  page, running head elsewhere) or below its foot rule (folio); without rules, furniture
  lines (第N版, 责任编辑, dates) in the top and bottom bands;
* headings: blocks set clearly larger than the page's body size (tiers decided by the
  assembler), and vertical (竖排) lines;
* captions: small text right under (or over) a photo; credits and bylines by the lexicon;
* jump markers: lines that are only a marker (（下转第3版）) become JUMP blocks; markers at
  the edge of a body block are cut out of it (as for text dumps).

The printed page number (第N版 in the running head or masthead) is stored in
``page.printed``.
"""

from __future__ import annotations

import re

from . import lexicon
from .containers import BBox, Block, GraphicKind, Page, Role
from .geolayout import body_size, piece_block
from .roles import _cut_jumps
from .textutil import drop_cjk_spaces

__all__ = ["classify_geometry", "HEADING_MIN_RATIO"]

#: a byline's wrapped second line ends this many ems short of its column, or the line after
#: it is indented this much (a body paragraph opens with a 2-em indent)
BYLINE_SHORT_EM = 1.0
#: a block set at least this much larger than the body size is heading-like (headline,
#: kicker, subtitle or subhead; body text is one size, heads of any tier are ≥ 1.15×)
HEADING_MIN_RATIO = 1.12
#: a rule counts as a page-wide rule when it spans this share of the text area's width
PAGE_RULE_SHARE = 0.6
#: the page's top rule (under masthead / running head) lies within this share of the height
TOP_BAND = 0.25
#: the foot rule (over the folio) lies within this share of the height from the bottom
BOTTOM_BAND = 0.1
#: without rules, furniture lines are looked for within these shares of the height
TOP_BAND_NO_RULE = 0.06
BOTTOM_BAND_NO_RULE = 0.05
#: a caption starts within this many ems below a photo's bottom edge (or ends above its top)
CAPTION_GAP_EM = 1.6
#: …or within this many ems when it is set small and nothing lies between it and the photo:
#: some pages leave a wider gap under the photo (synth edition 0 page 2: 2.2 em, seed 7002
#: page 1: 3.2 em); body text that close under a photo is set at body size
CAPTION_FAR_GAP_EM = 3.5
#: caption text is set smaller than body text (or is a caption by the lexicon)
CAPTION_MAX_RATIO = 0.97

#: a block under a TOC title is TOC when it holds a page reference ("3版") per this many
#: characters at least (entries are headlines of 8–30 characters)
TOC_CHARS_PER_REF = 40
#: …and follows the title or the entry before it within this many ems (of the title): a jump
#: line ("（下转第3版）") further down the same column is no entry (synth seed 7005 page 1)
TOC_GAP_EM = 3.0
_TOC_REF_RE = re.compile(r"[A-Z]?\d{1,3}\s*版")
_PRINTED_RE = re.compile(r"第\s*[A-Z]?\s*0*(\d{1,3})\s*版")
_DATE_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def classify_geometry(page: Page) -> None:
    size0 = body_size(page.lines)
    _split_line_roles(page)
    # each block's box, taken once (Block.bbox is computed on each call): nothing here changes
    # a block's lines until _cut_jumps
    boxes = {id(b): b.bbox for b in page.blocks}
    _furniture(page, size0, boxes)
    images = [g.bbox for g in page.graphics if g.kind is GraphicKind.IMAGE]
    for b in page.blocks:
        if b.role is not Role.BODY:
            continue
        t = drop_cjk_spaces(b.text.strip())
        ratio = (b.size or size0) / size0
        if b.lines[0].vertical or ratio >= HEADING_MIN_RATIO:
            b.role = Role.HEADING
        elif len(b.lines) <= 2 and (lexicon.JUMP_FROM_RE.fullmatch(t) or lexicon.JUMP_TO_RE.fullmatch(t)):
            b.role = Role.JUMP
        elif len(b.lines) <= 2 and lexicon.CREDIT_RE.fullmatch(t):
            b.role = Role.CREDIT
        elif len(b.lines) <= 2 and _is_byline(b.text, b.lines[0].conf is not None):
            b.role = Role.BYLINE
        elif _near_image(b, images, size0, boxes) \
                and (ratio <= CAPTION_MAX_RATIO or lexicon.CAPTION_START_RE.match(t)):
            b.role = Role.CAPTION
        elif ratio <= CAPTION_MAX_RATIO and _near_image(b, images, size0, boxes, CAPTION_FAR_GAP_EM, page.blocks):
            b.role = Role.CAPTION
    _toc(page, boxes)
    _cut_jumps([b for b in page.blocks if b.role in (Role.BODY, Role.JUMP)])


def _is_byline(text: str, ocr: bool) -> bool:
    """A standalone byline; on OCR'd lines (``ocr``) also with the names run together, as
    engines read them (lexicon.BYLINE_SOLID_RE)."""
    text = text.strip()
    t = drop_cjk_spaces(text)
    if lexicon.BYLINE_RE.fullmatch(t) or lexicon.BYLINE_RE.fullmatch(text):
        return True
    return ocr and bool(lexicon.BYLINE_SOLID_RE.fullmatch(t))


def _toc(page: Page, boxes: dict[int, BBox]) -> None:
    """本期导读 and the entries under it (each ends with a page reference).  ``boxes``: the
    blocks' boxes by id."""
    for t in page.blocks:
        if not lexicon.TOC_TITLE_RE.fullmatch(drop_cjk_spaces(t.text.strip())):
            continue
        t.role = Role.TOC
        tb = boxes[id(t)]
        bottom = tb.y1
        size = t.size or 10.0
        below = sorted((b for b in page.blocks if boxes[id(b)].y0 >= tb.y1 - 1 and boxes[id(b)].x_overlap(tb) > 0
                        and b.role is not Role.JUMP), key=lambda b: boxes[id(b)].y0)
        for b in below:              # the entries follow each other without a wider gap
            if boxes[id(b)].y0 - bottom > TOC_GAP_EM * size:
                break
            refs = len(_TOC_REF_RE.findall(b.text))
            if refs and refs * TOC_CHARS_PER_REF >= len(drop_cjk_spaces(b.text)):
                b.role = Role.TOC
                bottom = max(bottom, boxes[id(b)].y1)


def _split_line_roles(page: Page) -> None:
    """A credit or jump marker printed as the last line of a caption / body piece, and a jump
    marker or byline printed as its first line, is its own block (the run builder keeps
    same-size lines together)."""
    out: list[Block] = []
    for b in page.blocks:
        if len(b.lines) > 1:
            last = drop_cjk_spaces(b.lines[-1].text.strip())
            if lexicon.CREDIT_RE.fullmatch(last) or lexicon.JUMP_TO_RE.fullmatch(last) \
                    or lexicon.JUMP_FROM_RE.fullmatch(last):
                head = _sub(b, b.lines[:-1])
                tail = _sub(b, b.lines[-1:])
                head.closes, tail.opens = True, True
                out += [head, tail]
                continue
            first = drop_cjk_spaces(b.lines[0].text.strip())
            byline = _is_byline(b.lines[0].text, b.lines[0].conf is not None)
            if lexicon.JUMP_FROM_RE.fullmatch(first) or byline:
                k = 2 if byline and _byline_wraps(b) else 1
                if k == len(b.lines):
                    out.append(b)
                    continue
                head, tail = _sub(b, b.lines[:k]), _sub(b, b.lines[k:])
                head.closes = True
                tail.opens = b.opens
                out += [head, tail]
                continue
        out.append(b)
    page.blocks = out


def _byline_wraps(b: Block) -> bool:
    """The byline that opens ``b`` goes on in its second line: names only (BYLINE_TAIL_RE), and
    the body visibly starts after it (the second line ends short, or the third is indented)."""
    second = b.lines[1]
    if not lexicon.BYLINE_TAIL_RE.fullmatch(second.text.strip()):
        return False
    size = second.size or 1.0
    right = max(ln.bbox.x1 for ln in b.lines)
    if second.bbox.x1 <= right - BYLINE_SHORT_EM * size or len(b.lines) == 2:
        return True
    return b.lines[2].bbox.x0 >= second.bbox.x0 + BYLINE_SHORT_EM * size


def _sub(b: Block, lines) -> Block:
    return piece_block(lines, b.run, b.opens, b.closes)


def _near_image(b: Block, images, size0: float, boxes: dict[int, BBox], gap_em: float = CAPTION_GAP_EM,
                blocks: list[Block] | None = None) -> bool:
    """Is ``b`` under (or over) a photo within ``gap_em``; with ``blocks``, also with none of
    them in the band between.  ``boxes``: the blocks' boxes by id."""
    if not images:
        return False
    bb = boxes[id(b)]
    gap = gap_em * size0
    for im in images:
        if bb.x_overlap(im) < 0.5 * min(bb.width, im.width):
            continue
        if -2 <= bb.y0 - im.y1 <= gap:
            y0, y1 = im.y1, bb.y0
        elif -2 <= im.y0 - bb.y1 <= gap:
            y0, y1 = bb.y1, im.y0
        else:
            continue
        if blocks is None or not any(o is not b and boxes[id(o)].y0 < y1 - 1 and boxes[id(o)].y1 > y0 + 1
                                     and boxes[id(o)].x_overlap(bb) > 0 for o in blocks):
            return True
    return False


def _furniture(page: Page, size0: float, by_id: dict[int, BBox]) -> None:
    """Masthead / running head above the top rule, folio below the foot rule.  ``by_id``:
    the blocks' boxes by id."""
    if not page.blocks:
        return
    boxes = [by_id[id(b)] for b in page.blocks]
    x0 = min(bb.x0 for bb in boxes)
    x1 = max(bb.x1 for bb in boxes)
    wide = [g.bbox for g in page.graphics if g.kind is GraphicKind.RULE and g.horizontal
            and g.bbox.width >= PAGE_RULE_SHARE * (x1 - x0)]
    h = page.height or max(bb.y1 for bb in boxes)
    tops = [r.y0 for r in wide if r.y0 <= TOP_BAND * h]
    foots = [r.y1 for r in wide if r.y1 >= (1 - BOTTOM_BAND) * h]
    top = min(tops) if tops else None
    foot = max(foots) if foots else None
    furniture: list[Block] = []
    for b, bb in zip(page.blocks, boxes):
        if top is not None and bb.y1 <= top + 0.5:
            furniture.append(b)
        elif foot is not None and bb.y0 >= foot - 0.5:
            furniture.append(b)
        elif bb.y1 <= TOP_BAND_NO_RULE * h or bb.y0 >= (1 - BOTTOM_BAND_NO_RULE) * h:
            t = drop_cjk_spaces(b.text.strip())
            if lexicon.FOLIO_RE.search(t) or _PRINTED_RE.search(t) or _DATE_RE.search(t) \
                    or lexicon.MASTHEAD_RE.search(t):
                furniture.append(b)
    if not furniture:
        return
    biggest = max(b.size for b in page.blocks)
    masthead = any(b.size >= biggest and lexicon.PAPER_NAME_RE.match(drop_cjk_spaces(b.text))
                   for b in furniture) or any(lexicon.MASTHEAD_RE.search(b.text) for b in furniture)
    for b in furniture:
        bb = by_id[id(b)]
        b.role = Role.MASTHEAD if masthead and (top is None or bb.y1 <= top + 0.5) else Role.FOLIO
        m = _PRINTED_RE.search(drop_cjk_spaces(b.text))
        if m and page.printed is None:
            page.printed = int(m.group(1))
