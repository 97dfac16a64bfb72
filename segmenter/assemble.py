"""Assemble articles from classified blocks, for a whole page at once, then link jumps.

1. Units: consecutive blocks become head groups (kicker/headline/subtitle/byline, a jump
   marker of an arriving part), body runs (split at inline leads and after closing notes;
   a heading inside a running body is a section subhead), figures (caption + credit) and
   page furniture.
2. Heads and bodies are matched one-to-one for the page by content (shared words, names and
   numbers, weighted by rarity on the page) plus a bonus for standing right before the body;
   the assignment is solved jointly (Hungarian), with "no match" allowed: a headline can
   stand before another article's body, after its own, or not at all.
3. Headless body runs that start mid-sentence are tails: they are paired with the articles
   whose last paragraph is unfinished, by continuity score, one-to-one.  Remaining short
   headless runs are orphans: attached to the article they share most with, above a
   threshold, else listed as fragments.  Longer headless runs are articles without headline.
4. Figures go to the article they share most with (a bare credit: to its neighbour), else
   to index.xml.
5. Across pages of one edition, a part that "下转第N版" is joined with the part on page N
   that "上接" it, the continuation's repeated headline kept as such.
Every decision is recorded as a :class:`Join` with its score; an article's confidence is the
lowest score of the decisions that made it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from . import lexicon
from .containers import (Article, Block, Edition, Figure, Join, Jump, NonArticle, NonArticleKind,
                         Page, Paragraph, Role, Span)
from .continuity import continuity
from .layout import merge_blocks
from .settings import Settings
from .textutil import drop_cjk_spaces, ends_sentence, join_pieces, nonspace

#: bonus for a head standing right before a body: position is evidence, content decides
#: (seed 000: the headline of one article stands right before another's lead; its content
#: score with its own body is 0.55 higher than with the neighbour)
ADJACENT_HEAD_BONUS = 0.3
#: a headless body run shorter than this (characters) and without lead is an orphan piece
#: rather than an article of its own (the shortest real brief in the seeds has 160)
ORPHAN_MAX_CHARS = 120
#: a figure's caption must share at least this share of its distinct words (Han bigrams,
#: Latin words, numbers) with an article to go into it (seed 001: caption vs its article
#: 0.31, vs the other 0.18; seed 000: an unrelated caption vs the page's articles ≤ 0.15)
FIGURE_MIN_SIM = 0.22
#: score recorded for a head that stands right before its body and matches by content
ADJACENT_SCORE_FLOOR = 0.9
#: a heading between two body runs is a section subhead only if the text after it goes on
#: with the topic before it: cosine of their word (Han bigram) counts at least this (seeds:
#: subheads 0.11-0.34; headlines of new articles without lead 0.02-0.07)
SUBHEAD_MIN_COSINE = 0.09
#: body blocks after a heading read for that comparison
SUBHEAD_LOOKAHEAD = 4
#: a kicker candidate of at least this many characters that shares nothing with the
#: headline and its body is another article's detached headline, not a kicker
KICKER_MAX_UNRELATED = 10


# --- units -----------------------------------------------------------------------------------

@dataclass
class _Head:
    blocks: list[Block]
    jumps: list[Block] = field(default_factory=list)


@dataclass
class _Body:
    blocks: list[Block]
    jumps: list[Block] = field(default_factory=list)
    closed: bool = False


@dataclass
class _Fig:
    captions: list[Block] = field(default_factory=list)
    credits: list[Block] = field(default_factory=list)


_Unit = _Head | _Body | _Fig | NonArticle


#: page-furniture roles and the index.xml element each goes to
FURNITURE_KINDS = {Role.MASTHEAD: NonArticleKind.MASTHEAD, Role.TOC: NonArticleKind.TOC,
                   Role.FOLIO: NonArticleKind.FOLIO}


def _units(blocks: list[Block]) -> list[_Unit]:
    units: list[_Unit] = []
    gaps = sorted(b.lines[0].blank_before for b in blocks)
    typical_gap = gaps[len(gaps) // 2] if gaps else 1
    for i, b in enumerate(blocks):
        last = units[-1] if units else None
        kind = FURNITURE_KINDS.get(b.role)
        if kind is not None:
            if isinstance(last, NonArticle) and last.kind is kind:
                last.blocks.append(b)
            else:
                units.append(NonArticle(kind, [b]))
        elif b.role is Role.JUMP:
            if b.jumps and b.jumps[0].direction == "from":
                if isinstance(last, _Head) and not last.jumps and last.blocks:
                    # the arriving part repeats its headline right before the marker: earlier
                    # heads in the group belong to something else
                    if len(last.blocks) > 1:
                        units.insert(len(units), _Head(last.blocks[-1:], [b]))
                        last.blocks = last.blocks[:-1]
                    else:
                        last.jumps.append(b)
                else:
                    units.append(_Head([], [b]))
            else:
                body = next((u for u in reversed(units) if isinstance(u, _Body)), None)
                if body is not None:
                    body.jumps.append(b)
                else:
                    units.append(NonArticle(NonArticleKind.FRAGMENT, [b]))
        elif b.role in (Role.HEADING, Role.BYLINE):
            if b.role is Role.HEADING and _is_subhead(blocks, i, last, typical_gap):
                b.role = Role.SUBHEAD
                assert isinstance(last, _Body)
                last.blocks.append(b)
            elif isinstance(last, _Head) and not last.jumps:
                last.blocks.append(b)
            else:
                units.append(_Head([b]))
        elif b.role in (Role.CAPTION, Role.CREDIT):
            if isinstance(last, _Fig) and not last.credits:
                (last.captions if b.role is Role.CAPTION else last.credits).append(b)
            elif isinstance(last, _Fig) and b.role is Role.CREDIT:
                last.credits.append(b)
            else:
                f = _Fig()
                (f.captions if b.role is Role.CAPTION else f.credits).append(b)
                units.append(f)
        else:
            t = drop_cjk_spaces(b.text)
            lead = bool(lexicon.LEAD_RE.match(t))
            if isinstance(last, _Body) and not last.closed and not lead:
                last.blocks.append(b)
            else:
                units.append(_Body([b]))
            if lexicon.CLOSING_NOTE_RE.fullmatch(t.strip()):
                units[-1].closed = True  # type: ignore[union-attr]
    return units


def _is_subhead(blocks: list[Block], i: int, last: _Unit | None, typical_gap: int) -> bool:
    """A heading inside a running body (the body goes on after it, with no lead) is a subhead."""
    b = blocks[i]
    if not isinstance(last, _Body) or last.closed or b.heading_level in (1, 2):
        return False
    if b.lines[0].blank_before > typical_gap:
        return False           # a wider gap than usual: a new article starts
    if lexicon.SUBTITLE_RE.match(b.text):
        return False
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if nxt is None or nxt.role is not Role.BODY or lexicon.LEAD_RE.match(drop_cjk_spaces(nxt.text)):
        return False
    # photo news: a headline, one short text, a credit
    if i + 2 < len(blocks) and blocks[i + 2].role is Role.CREDIT:
        return False
    after = []
    for nb in blocks[i + 1:i + 1 + SUBHEAD_LOOKAHEAD]:
        if nb.role is not Role.BODY or (after and lexicon.LEAD_RE.match(drop_cjk_spaces(nb.text))):
            break
        after.append(nb.text)
    before = "".join(x.text for x in last.blocks if x.role is Role.BODY)
    return cosine(tokens(before), tokens("".join(after))) >= SUBHEAD_MIN_COSINE


def cosine(a: list[str], b: list[str]) -> float:
    ca, cb = Counter(a), Counter(b)
    num = sum(v * cb[k] for k, v in ca.items() if k in cb)
    den = math.sqrt(sum(v * v for v in ca.values()) * sum(v * v for v in cb.values()))
    return num / den if den else 0.0


# --- vocabulary ------------------------------------------------------------------------------

_LATIN_RE = re.compile(r"[A-Za-z]{2,}|\d+(?:\.\d+)?")


_HAN_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def tokens(text: str) -> list[str]:
    """Han bigrams plus Latin words and numbers: language-light 'words' for overlap scores."""
    t = nonspace(text)
    out = [run[k:k + 2] for run in _HAN_RUN_RE.findall(t) for k in range(len(run) - 1)]
    out += _LATIN_RE.findall(t)
    return out


class _Vocab:
    """Rarity weights of tokens over the texts of one page (bodies and heads)."""

    def __init__(self, docs: list[list[str]]):
        self.n = len(docs)
        self.df = Counter(tok for d in docs for tok in set(d))

    def weight(self, tok: str) -> float:
        return math.log((self.n + 1) / (self.df.get(tok, 0) + 0.5))

    def share(self, part: list[str], whole: set[str]) -> float:
        """Weighted share of part's tokens found in whole (0..1)."""
        uniq = set(part)
        total = sum(self.weight(t) for t in uniq)
        if total <= 0:
            return 0.0
        return sum(self.weight(t) for t in uniq if t in whole) / total


# --- head parts ------------------------------------------------------------------------------

@dataclass
class _HeadParts:
    kicker: Block | None = None
    headline: Block | None = None
    subtitle: Block | None = None
    byline: Block | None = None
    jump: Jump | None = None
    extra: list[Block] = field(default_factory=list)   # jump blocks (their text is the marker)

    def blocks(self) -> list[Block]:
        return [b for b in (self.kicker, self.headline, self.subtitle, self.byline) if b is not None]

    def text(self) -> str:
        return "".join(b.text for b in self.blocks())


def _merge(blocks: list[Block], role: Role) -> Block | None:
    if not blocks:
        return None
    out = blocks[0]
    for b in blocks[1:]:
        out = merge_blocks(out, b)
    out.role = role
    return out


def _figure(f: _Fig) -> Figure:
    """Caption lines joined as text; credit lines joined with a space (names stay apart)."""
    fig = Figure(_merge(f.captions, Role.CAPTION), _merge(f.credits, Role.CREDIT))
    if fig.credit is not None and len(f.credits) > 1:
        fig.credit.text = " ".join(b.text for b in f.credits)
    return fig


def _head_parts(head: _Head) -> _HeadParts:
    parts = _HeadParts()
    headings: list[Block] = []
    bylines: list[Block] = []
    seen: dict[str, Block] = {}
    for b in head.blocks:
        if b.role is Role.BYLINE:
            bylines.append(b)
            continue
        key = nonspace(drop_cjk_spaces(b.text))
        if key in seen:
            seen[key].repeated.append(b)      # the converter printed the headline twice
            continue
        seen[key] = b
        headings.append(b)
    if bylines:
        parts.byline = _merge(bylines, Role.BYLINE)
        if parts.byline is not None and len(bylines) > 1:
            parts.byline.text = " ".join(x.text for x in bylines)
    subs = [b for b in headings if lexicon.SUBTITLE_RE.match(b.text)]
    rest = [b for b in headings if b not in subs]
    if rest:
        labels = [b for b in rest if lexicon.COLUMN_LABEL_RE.search(nonspace(b.text))]
        pool = [b for b in rest if b not in labels] or rest
        levels = [b.heading_level for b in pool if b.heading_level]
        if levels:
            hl = next(b for b in pool if b.heading_level == min(levels))
        else:
            hl = max(pool, key=lambda b: (len(nonspace(b.text)), -pool.index(b)))
        idx = rest.index(hl)
        kick = [b for b in rest[:idx]] + [b for b in rest[idx + 1:] if b in labels]
        after = [b for b in rest[idx + 1:] if b not in labels]
        parts.headline = hl
        hl.role = Role.HEADLINE
        parts.kicker = _merge(kick, Role.KICKER)
        subs = after + subs if not subs else subs + after
    parts.subtitle = _merge(subs, Role.SUBTITLE)
    if head.jumps:
        parts.jump = head.jumps[0].jumps[0] if head.jumps[0].jumps else None
        parts.extra = head.jumps
    return parts


def _split_unrelated_kickers(units: list[_Unit]) -> list[_Unit]:
    """A head group [A, B] where A is long and shares nothing with B: A is a detached
    headline of another article, not B's kicker."""
    out: list[_Unit] = []
    for u in units:
        if isinstance(u, _Head) and len(u.blocks) >= 2 and u.blocks[0].role is Role.HEADING \
                and not u.blocks[0].heading_level and not lexicon.SUBTITLE_RE.match(u.blocks[1].text):
            a, rest = u.blocks[0], u.blocks[1:]
            a_t = nonspace(drop_cjk_spaces(a.text))
            share = set(tokens(a.text)) & set(tok for b in rest for tok in tokens(b.text))
            if len(a_t) >= KICKER_MAX_UNRELATED and not share \
                    and not lexicon.COLUMN_LABEL_RE.search(a_t):
                out.append(_Head([a]))
                out.append(_Head(rest, u.jumps))
                continue
        out.append(u)
    return out


# --- assembly of one page --------------------------------------------------------------------

@dataclass
class _Draft:
    head: _HeadParts | None
    bodies: list[_Body]
    figures: list[Figure] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    _tokens: tuple[int, set[str]] | None = None

    def body_blocks(self) -> list[Block]:
        return [b for body in self.bodies for b in body.blocks]

    def text(self) -> str:
        return (self.head.text() if self.head else "") + "".join(b.text for b in self.body_blocks())

    def token_set(self) -> set[str]:
        """Words of the draft, cached until its body changes (orphan and figure loops ask often)."""
        key = sum(len(b.blocks) for b in self.bodies)
        if self._tokens is None or self._tokens[0] != key:
            self._tokens = (key, set(tokens(self.text())))
        return self._tokens[1]


def _span(blocks: list[Block]) -> Span:
    spans = [s for b in blocks for s in b.spans()]
    if not spans:
        return Span(0, 0, 0)
    return Span(spans[0].page, min(s.first for s in spans), max(s.last for s in spans))


def _assign(score: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """One-to-one assignment maximising the total score, "no match" worth ``floor``; returns
    the (row, column) pairs that beat the floor.  scipy is imported here, not at start-up."""
    from scipy.optimize import linear_sum_assignment
    n = score.shape[0]
    rows, cols = linear_sum_assignment(-np.hstack([score, np.full((n, n), floor)]))
    return [(int(i), int(j)) for i, j in zip(rows, cols) if j < score.shape[1] and score[i, j] >= floor]


def assemble_page(page: Page, settings: Settings) -> tuple[list[_Draft], list[NonArticle]]:
    units = _split_unrelated_kickers(_units(page.blocks))
    others: list[NonArticle] = [u for u in units if isinstance(u, NonArticle)]
    heads = [(k, u) for k, u in enumerate(units) if isinstance(u, _Head)]
    bodies = [(k, u) for k, u in enumerate(units) if isinstance(u, _Body)]
    figs = [(k, u) for k, u in enumerate(units) if isinstance(u, _Fig)]
    head_parts = {k: _head_parts(h) for k, h in heads}

    body_tokens = {k: tokens(" ".join(x.text for x in b.blocks)) for k, b in bodies}
    vocab = _Vocab(list(body_tokens.values()) + [tokens(p.text()) for p in head_parts.values()])
    body_sets = {k: set(v) for k, v in body_tokens.items()}

    # heads ⇄ bodies, jointly for the page
    drafts: dict[int, _Draft] = {}
    assigned_body: dict[int, int] = {}
    if heads and bodies:
        score = np.zeros((len(heads), len(bodies)))
        for i, (hk, _) in enumerate(heads):
            ht = tokens(head_parts[hk].text())
            for j, (bk, _) in enumerate(bodies):
                s = vocab.share(ht, body_sets[bk])
                if _precedes(units, hk, bk):
                    s += ADJACENT_HEAD_BONUS
                score[i, j] = s
        for i, j in _assign(score, settings.min_headline_score):
            hk, bk = heads[i][0], bodies[j][0]
            assigned_body[bk] = hk
            adj = _precedes(units, hk, bk)
            conf = min(1.0, score[i, j] - (ADJACENT_HEAD_BONUS if adj else 0.0))
            conf = max(conf, ADJACENT_SCORE_FLOOR) if adj and conf >= settings.min_headline_score else conf
            d = _Draft(head_parts[hk], [bodies[j][1]])
            hb = head_parts[hk].blocks() or head_parts[hk].extra
            d.joins.append(Join("headline", round(min(1.0, max(0.0, conf)), 3), _span(hb),
                                _span(bodies[j][1].blocks[:1])))
            drafts[hk] = d
    headless = [(bk, b) for bk, b in bodies if bk not in assigned_body]
    unplaced_heads = [(hk, h) for hk, h in heads if hk not in drafts]

    # tails: headless runs that start mid-sentence, paired with unfinished ends
    finished: list[_Draft] = list(drafts.values())
    starts = [(bk, b) for bk, b in headless if not _lead(b)]
    ends = [d for d in finished if d.body_blocks() and not ends_sentence(d.body_blocks()[-1].text)]
    tail_taken: set[int] = set()
    if starts and ends:
        sc = np.zeros((len(ends), len(starts)))
        for i, d in enumerate(ends):
            for j, (bk, b) in enumerate(starts):
                sc[i, j] = continuity(d.body_blocks()[-1].text, b.blocks[0].text)
        for i, j in _assign(sc, settings.min_join_score):
            bk, b = starts[j]
            d = ends[i]
            d.joins.append(Join("tail", round(float(sc[i, j]), 3), _span(d.body_blocks()[-1:]),
                                _span(b.blocks[:1])))
            b.blocks[0].score = float(sc[i, j])
            b.blocks[0].role = Role.BODY
            _glue(d, b)
            tail_taken.add(bk)
    headless = [(bk, b) for bk, b in headless if bk not in tail_taken]

    # headless runs: articles without headline, or orphans
    for bk, b in headless:
        text = nonspace("".join(x.text for x in b.blocks))
        lead = bool(lexicon.LEAD_RE.match(drop_cjk_spaces(b.blocks[0].text)))
        if lead or len(text) >= ORPHAN_MAX_CHARS or not finished:
            d = _Draft(None, [b])
            drafts[bk] = d
            finished.append(d)
            continue
        best, best_s = None, 0.0
        toks = tokens(text)
        for d in finished:
            s = vocab.share(toks, d.token_set())
            if s > best_s:
                best, best_s = d, s
        if best is not None and best_s >= settings.min_orphan_score:
            best.bodies.append(b)
            best.joins.append(Join("orphan", round(best_s, 3), _span(best.body_blocks()[:1]), _span(b.blocks)))
        else:
            others.append(NonArticle(NonArticleKind.FRAGMENT, b.blocks + b.jumps))

    # heads that found no body: a photo-news head followed by a figure, else a fragment
    for hk, h in unplaced_heads:
        parts = head_parts[hk]
        fig = next((f for k, f in figs if k == hk + 1), None)
        if fig is not None:
            d = _Draft(parts, [])
            drafts[hk] = d
            finished.append(d)
        else:
            others.append(NonArticle(NonArticleKind.FRAGMENT, h.blocks + h.jumps))

    # figures
    order = sorted(drafts.items())
    for fk, f in figs:
        cap_text = "".join(b.text for b in f.captions)
        target: _Draft | None = None
        if f.captions:
            toks = set(tokens(cap_text))
            best_s = 0.0
            for _, d in order:
                s = len(toks & d.token_set()) / len(toks) if toks else 0.0
                if s > best_s:
                    target, best_s = d, s
            if best_s < FIGURE_MIN_SIM:
                target = None
            elif target is not None:
                target.joins.append(Join("figure", round(best_s, 3), _span(target.body_blocks()[:1] or (target.head.blocks() if target.head else [])),
                                         _span(f.captions + f.credits)))
        else:
            before = [d for k, d in order if k < fk]
            target = before[-1] if before else None
        fig = _figure(f)
        if target is not None:
            target.figures.append(fig)
        else:
            others.append(NonArticle(NonArticleKind.FIGURE, f.captions + f.credits, fig))
    return [d for _, d in sorted(drafts.items())], others


def _precedes(units: list[_Unit], hk: int, bk: int) -> bool:
    """The head stands right before the body (nothing but figures between)."""
    if bk <= hk:
        return False
    return all(isinstance(units[k], _Fig) for k in range(hk + 1, bk)) and bk - hk <= 2


def _lead(b: _Body) -> bool:
    """The run opens with an inline lead (本报讯…, 新华社…电): an article start, never a tail."""
    return bool(lexicon.LEAD_RE.match(drop_cjk_spaces(b.blocks[0].text)))


def _glue(d: _Draft, tail: _Body) -> None:
    """Append a tail run to a draft: its first block continues the draft's last paragraph
    (kept as its own block, so the paragraph knows both places it came from)."""
    tail.blocks[0].role = Role.BODY
    tail.blocks[0].joins_previous = True
    d.bodies.append(tail)


# --- the edition -----------------------------------------------------------------------------

def _paragraphs(blocks: list[Block]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for b in blocks:
        kind = "h" if b.role is Role.SUBHEAD else "p"
        if out and kind == "p" and out[-1].kind == "p" and b.joins_previous:
            prev = out[-1]
            prev.blocks.append(b)
            prev.text, _ = join_pieces(prev.text, b.text)
            continue
        out.append(Paragraph(kind, [b], b.text))
    return out


def assemble_edition(edition: Edition, settings: Settings) -> None:
    articles: list[Article] = []
    others: list[NonArticle] = []
    for page in edition.pages:
        if page.kind != "text":
            from .geoassemble import assemble_geometry
            page_articles, page_others = assemble_geometry(page)
            articles.extend(page_articles)
            others.extend(page_others)
            continue
        drafts, page_others = assemble_page(page, settings)
        others.extend(page_others)
        for d in drafts:
            articles.append(_to_article(d))
    articles = _link_jumps(articles, edition)
    articles.sort(key=lambda a: a.first_position())
    width = max(2, len(str(len(articles))))
    for n, a in enumerate(articles, start=1):
        a.id = f"a{n:0{width}d}"
        scores = [j.score for j in a.joins]
        a.confidence = round(min(scores), 2) if scores else 1.0
    edition.articles = articles
    edition.others = sorted(others, key=lambda o: min((b.page, b.first_lineno) for b in o.blocks) if o.blocks else (0, 0))


def _to_article(d: _Draft) -> Article:
    a = Article()
    if d.head is not None:
        a.kicker, a.headline, a.subtitle, a.byline = d.head.kicker, d.head.headline, d.head.subtitle, d.head.byline
        for jb in d.head.extra:
            a.continued.extend(j for j in jb.jumps if j.direction == "from")
    blocks = d.body_blocks()
    for b in blocks:
        for j in b.jumps:
            (a.continued if j.direction == "from" else a.continues).append(j)
    for body in d.bodies:
        for jb in body.jumps:
            a.continues.extend(j for j in jb.jumps if j.direction == "to")
    a.body = _paragraphs(blocks)
    a.figures = list(d.figures)
    a.joins = d.joins
    return a


def _link_jumps(articles: list[Article], edition: Edition) -> list[Article]:
    """Join the parts of jumped articles across the pages of the edition: a part that
    continues to page N takes the part on page N that is continued from its page (best
    headline fit when there are several)."""
    if len(edition.pages) < 2:
        return articles
    printed = {p.number: _printed_number(p) for p in edition.pages}
    removed: set[int] = set()
    for a in articles:
        for j in a.continues:
            j.linked = False
        for j in a.continued:
            j.linked = False
    for a in articles:
        if id(a) in removed:
            continue
        for j in list(a.continues):
            if j.page_number is None or j.linked:
                continue
            src_page = j.src.page
            best, best_s = None, -1.0
            for c in articles:
                if c is a or id(c) in removed or not c.continued:
                    continue
                cf = c.continued[0]
                if printed.get(cf.src.page) != j.page_number or cf.src.page == src_page:
                    continue
                if cf.page_number is not None and cf.page_number != printed[src_page]:
                    continue
                s = _head_similarity(a, c)
                if s > best_s:
                    best, best_s = c, s
            if best is None:
                continue
            removed.add(id(best))
            j.linked = True
            best.continued[0].linked = True
            if best.headline is not None:
                if a.headline is None:
                    a.headline = best.headline
                else:
                    a.headline.repeated.append(best.headline)
            for extra in (best.kicker, best.subtitle, best.byline):
                if extra is not None:
                    if a.headline is not None:
                        a.headline.repeated.append(extra)
            a.continued.extend(best.continued)
            a.continues.extend(x for x in best.continues if x not in a.continues)
            first = best.body[0] if best.body else None
            if (first is not None and a.body and first.kind == "p" and a.body[-1].kind == "p"
                    and not first.blocks[0].opens and not a.body[-1].blocks[-1].closes):
                # a paragraph cut by the jump ("…在（下转第4版）" … "用、以应用…"): one paragraph
                last = a.body[-1]
                first.blocks[0].joins_previous = True
                last.blocks.extend(first.blocks)
                last.text, _ = join_pieces(last.text, first.text, True)
                a.body.extend(best.body[1:])
            else:
                a.body.extend(best.body)
            a.figures.extend(best.figures)
            a.joins.append(Join("jump", round(max(0.5, min(1.0, best_s)), 3), j.src, best.continued[0].src))
            a.joins.extend(best.joins)
    return [a for a in articles if id(a) not in removed]


def _printed_number(page: Page) -> int:
    if page.printed is not None:
        return page.printed
    digits = re.findall(r"\d+", page.name.rsplit(".", 1)[0])
    return int(digits[-1]) if digits else page.number


def _head_similarity(a: Article, c: Article) -> float:
    """How well the continuation c (its repeated headline) fits the first part a."""
    ct = tokens("".join(b.text for b in c.head_blocks()))
    at = set(tokens("".join(b.text for b in a.all_blocks())))
    if not ct:
        return 0.5
    return len(set(ct) & at) / len(set(ct))
