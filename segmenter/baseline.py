"""A naive baseline to compare segmenter against (``segmenter run --baseline``).

Pages are read, laid out and classified exactly as the pipeline does (same reader, same
blocks, same roles), so only the assembly differs: blocks are walked in dump order and every
headline-like block (role HEADING) starts a new article with that block as its headline.
Everything else (body, byline, caption, credit, …) is appended to the current article's body
as a ``<p>``; jump markers go to the article's ``<continued>`` / ``<continues>``; masthead,
TOC and folio blocks go to index.xml.  Blocks of a page before its first heading form an
article without headline.  No content matching, no tails, no figures, no jump linking; every
article has confidence 1.0 and no ``<joins>``.
"""

from __future__ import annotations

from .containers import (Article, Block, Edition, NonArticle, Paragraph, Role)
from .assemble import FURNITURE_KINDS
from .pipeline import EditionInput, read_edition
from .settings import Settings

__all__ = ["baseline_edition", "baseline_articles"]

def baseline_edition(ed: EditionInput, settings: Settings) -> Edition:
    """Segment one edition naively; unreadable pages are reported in ``ed.errors`` and
    skipped (as :func:`segmenter.pipeline.segment_edition` does)."""
    edition = read_edition(ed, settings)
    articles: list[Article] = []
    others: list[NonArticle] = []
    for page in edition.pages:
        page_articles, page_others = baseline_articles(page.blocks)
        articles += page_articles
        others += page_others
    width = max(2, len(str(len(articles))))
    for n, a in enumerate(articles, start=1):
        a.id = f"a{n:0{width}d}"
        a.confidence = 1.0
    edition.articles = articles
    edition.others = others
    return edition


def baseline_articles(blocks: list[Block]) -> tuple[list[Article], list[NonArticle]]:
    """Articles and page furniture of one page's classified blocks, in dump order."""
    articles: list[Article] = []
    others: list[NonArticle] = []
    current: Article | None = None
    for b in blocks:
        kind = FURNITURE_KINDS.get(b.role)
        if kind is not None:
            last = others[-1] if others else None
            if last is not None and last.kind is kind and last.blocks and last.blocks[-1].page == b.page:
                last.blocks.append(b)
            else:
                others.append(NonArticle(kind, [b]))
            continue
        if b.role is Role.HEADING:
            b.role = Role.HEADLINE
            current = Article(headline=b)
            articles.append(current)
            _add_jumps(current, b)
            continue
        if current is None:
            current = Article()        # text before the page's first heading: no headline
            articles.append(current)
        _add_jumps(current, b)
        if b.role is Role.JUMP and b.jumps and _only_marker(b):
            continue                   # a jump line: its text is the marker, kept in <continued>/<continues>
        current.body.append(Paragraph("p", [b], b.text))
    return articles, others


def _add_jumps(a: Article, b: Block) -> None:
    for j in b.jumps:
        (a.continued if j.direction == "from" else a.continues).append(j)


def _only_marker(b: Block) -> bool:
    """The block's text is nothing but its jump markers (whitespace aside)."""
    rest = "".join(b.text.split())
    for j in b.jumps:
        rest = rest.replace("".join(j.marker.split()), "", 1)
    return not rest
