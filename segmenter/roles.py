"""Classify blocks: what each block is (body, heading, byline, caption, credit, jump, masthead …).

Roles come from the language tables in :mod:`segmenter.lexicon` and from shape (short, no
sentence punctuation).  Heading-like blocks get the provisional role HEADING; whether one is
a headline, kicker, subtitle or section subhead depends on its neighbours and is decided by
the assembler.  Jump markers are cut out of the blocks that carry them and recorded.
"""

from __future__ import annotations

import re

from . import lexicon
from .containers import Block, Jump, Page, Role, Span
from .layout import heading_like, make_block
from .textutil import display_width, drop_cjk_spaces, ends_sentence

#: lines from the top of a page in which a paper name / date line counts as masthead
MASTHEAD_ZONE_LINES = 12
#: a caption lead (context paragraph before 图为…) is at most this many characters; the
#: seeds' leads are 72 and 110, body paragraphs before captions 120+ but never dated in front
CAPTION_LEAD_MAX = 200
#: the date of a caption lead stands within this many characters of its start ("7月7日，来到…",
#: "2025中关村论坛年会3月27—31日在…")
CAPTION_LEAD_DATE_RE = re.compile(r"^.{0,16}?\d{1,2}月\d{1,2}[日—\-－]")
#: a credit or byline is at most this wide
CREDIT_MAX_WIDTH = 48


def classify_page(page: Page) -> None:
    blocks = page.blocks
    for b in blocks:
        b.role = _role(b)
    _cut_jumps(blocks)
    _merge_wrapped_credits(page)
    blocks = page.blocks
    _page_furniture(blocks)
    _caption_leads(blocks)


def _role(b: Block) -> Role:
    t = drop_cjk_spaces(b.text.strip())
    spaced = " ".join(ln.text.strip() for ln in b.lines)
    if lexicon.JUMP_FROM_RE.fullmatch(t) or lexicon.JUMP_TO_RE.fullmatch(t):
        return Role.JUMP
    if lexicon.TOC_TITLE_RE.match(t):
        return Role.TOC
    if lexicon.FOLIO_RE.match(t):
        return Role.FOLIO
    if lexicon.MASTHEAD_RE.search(spaced) and not ends_sentence(t) and "。" not in t:
        return Role.MASTHEAD
    if display_width(t) <= CREDIT_MAX_WIDTH and lexicon.CREDIT_RE.fullmatch(t):
        return Role.CREDIT
    if lexicon.CAPTION_START_RE.match(t):
        return Role.CAPTION
    if display_width(t) <= CREDIT_MAX_WIDTH and lexicon.BYLINE_RE.match(spaced):
        return Role.BYLINE
    if lexicon.LEAD_RE.match(t):
        return Role.BODY
    if heading_like(b.text, b.heading_level) and not lexicon.CLOSING_NOTE_RE.fullmatch(t):
        return Role.HEADING
    return Role.BODY


def page_number_of(ref: str) -> int | None:
    if ref in ("头版", "一版"):
        return 1
    digits = re.findall(r"[0-9０-９]+", ref)
    if digits:
        return int(digits[-1].translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    cn = re.findall(r"[零〇一二三四五六七八九十两]+", ref)
    if not cn:
        return None
    s = cn[-1]
    if "十" in s:
        hi, _, lo = s.partition("十")
        return (lexicon.CN_DIGITS.get(hi, 1) if hi else 1) * 10 + (lexicon.CN_DIGITS.get(lo, 0) if lo else 0)
    n = 0
    for ch in s:
        n = n * 10 + lexicon.CN_DIGITS.get(ch, 0)
    return n


def _jump(direction: str, m: re.Match[str], b: Block) -> Jump:
    ref = re.sub(r"\s+", "", m.group("page"))
    if not ref.startswith("第") and ref not in ("头版", "一版") and ref[0].isdigit():
        ref = "第" + ref
    return Jump(direction=direction, page_ref=ref, page_number=page_number_of(ref),
                marker=m.group(0).strip(), src=b.spans()[0] if b.spans() else Span(b.page, 0, 0))


#: every jump marker holds its verb (lexicon.JUMP_FROM_VERB, JUMP_TO_VERB): a body block
#: without it is not searched (searching every block for markers was the slowest step of
#: classifying a page)
_JUMP_VERBS = {"from": lexicon.JUMP_FROM_VERB, "to": lexicon.JUMP_TO_VERB}


def _cut_jumps(blocks: list[Block]) -> None:
    """Record jump markers; a marker at the end or start of a body block is cut out of it."""
    for b in blocks:
        t = b.text.strip()
        for direction, rx in (("from", lexicon.JUMP_FROM_RE), ("to", lexicon.JUMP_TO_RE)):
            if b.role is Role.JUMP:
                m = rx.fullmatch(drop_cjk_spaces(t)) or rx.fullmatch(t)
                if m:
                    b.jumps.append(_jump(direction, rx.search(t) or m, b))
                    break
                continue
            if _JUMP_VERBS[direction] not in t:
                continue              # no marker can match (rx.finditer and rx.match find none)
            # at the end: "…。（下转第2版）" — only bracketed or ornamented markers
            m = None
            for cand in rx.finditer(t):
                m = cand
            if m and m.end() == len(t) and m.start() > 0 and _delimited(m.group(0)):
                b.jumps.append(_jump(direction, m, b))
                b.text = t[:m.start()].rstrip()
                t = b.text
                continue
            m = rx.match(t)
            if m and m.end() < len(t) and _delimited(m.group(0)):
                b.jumps.append(_jump(direction, m, b))
                b.text = t[m.end():].lstrip()
                t = b.text


def _delimited(marker: str) -> bool:
    m = marker.strip()
    return m[:1] in "（(〔【" + lexicon.ORNAMENTS or m[-1:] in "）)〕】"


def _merge_wrapped_credits(page: Page) -> None:
    """"新华社记者" ⏎ "王明/摄": a credit wrapped before the name is one credit."""
    out: list[Block] = []
    for b in page.blocks:
        if out and b.role is Role.CREDIT and lexicon.CREDIT_HEAD_RE.match(out[-1].text):
            prev = out.pop()
            merged = make_block(prev.lines + b.lines)
            merged.role = Role.CREDIT
            out.append(merged)
            continue
        out.append(b)
    for b in out:
        if b.role in (Role.CREDIT, Role.BYLINE) and len(b.lines) > 1:
            b.text = " ".join(ln.text.strip() for ln in b.lines)
    page.blocks = out


def _page_furniture(blocks: list[Block]) -> None:
    """Masthead zone at the page top; TOC entries after a TOC title."""
    for i, b in enumerate(blocks):
        t = drop_cjk_spaces(b.text.strip())
        if b.first_lineno <= MASTHEAD_ZONE_LINES and b.role in (Role.HEADING, Role.BODY):
            nxt_mast = i + 1 < len(blocks) and blocks[i + 1].role is Role.MASTHEAD
            prev_mast = i > 0 and blocks[i - 1].role is Role.MASTHEAD
            if lexicon.PAPER_NAME_RE.match(t) and (nxt_mast or prev_mast or i == 0):
                b.role = Role.MASTHEAD
            elif (nxt_mast or prev_mast) and re.fullmatch(r"[A-Z][A-Z .,&'\-]{6,}", b.text.strip()):
                b.role = Role.MASTHEAD
            elif lexicon.WEEKDAY_RE.search(t) and re.search(r"\d{4}年\d{1,2}月\d{1,2}日", t) and len(t) < 40:
                b.role = Role.MASTHEAD
    # a paper name whose English name follows it (both before the masthead line)
    for i in range(len(blocks) - 1, -1, -1):
        b = blocks[i]
        if b.role is Role.HEADING and b.first_lineno <= MASTHEAD_ZONE_LINES and i + 1 < len(blocks) \
                and blocks[i + 1].role is Role.MASTHEAD and lexicon.PAPER_NAME_RE.match(drop_cjk_spaces(b.text)):
            b.role = Role.MASTHEAD
    in_toc = False
    for b in blocks:
        if b.role is Role.TOC:
            in_toc = True
            continue
        if in_toc and lexicon.TOC_ENTRY_RE.fullmatch(b.text.strip()) and not ends_sentence(b.text):
            b.role = Role.TOC
            continue
        in_toc = False


def _caption_leads(blocks: list[Block]) -> None:
    """A short dated paragraph right before a 图为… caption is the caption's first part."""
    for i in range(1, len(blocks)):
        cap = blocks[i]
        lead = blocks[i - 1]
        if cap.role is not Role.CAPTION or lead.role is not Role.BODY:
            continue
        t = drop_cjk_spaces(lead.text)
        if len(t) <= CAPTION_LEAD_MAX and CAPTION_LEAD_DATE_RE.match(t) and not lexicon.LEAD_RE.match(t):
            lead.role = Role.CAPTION
