"""Gold XML in the project's output format (schema/segmenter.xsd): one file per article and
an index.xml with the pages, the article list and every non-article text."""

from __future__ import annotations

from lxml import etree

from segmenter.containers import BBox
from segmenter.export import FORMAT_VERSION, to_bytes

from .model import ArticleGold, FigureGold, JumpMark, PageSetting, Piece, TextLine

EDITION_NAME = "edition"
PDF_NAME = "edition.pdf"


def src(lines: list[TextLine]) -> str:
    """One box per page and printed block (a column segment, a head item, a caption), in
    order: "p1:36.0,200.5,120.0,310.2;p3:…"."""
    boxes: dict[tuple[int, str], BBox] = {}
    for ln in lines:
        k = (ln.page, ln.block)
        boxes[k] = boxes[k].union(ln.bbox) if k in boxes else ln.bbox
    return ";".join(f"p{pg}:{b.x0:.1f},{b.y0:.1f},{b.x1:.1f},{b.y1:.1f}" for (pg, _), b in boxes.items())


def _item(parent: etree._Element, tag: str, piece: Piece) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.text = piece.text
    el.set("src", src(piece.lines))
    return el


def _jump(parent: etree._Element, tag: str, j: JumpMark) -> None:
    el = etree.SubElement(parent, tag)
    el.set("from" if j.direction == "from" else "to", j.page_ref)
    el.set("marker", j.marker)
    el.set("src", src([j.line]))
    el.set("linked", "true")


def _figure(parent: etree._Element, f: FigureGold) -> None:
    el = etree.SubElement(parent, "figure")
    if f.caption is not None:
        _item(el, "caption", f.caption)
    if f.credit is not None:
        _item(el, "credit", f.credit)


def article_xml(a: ArticleGold) -> bytes:
    root = etree.Element("article")
    root.set("id", a.id)
    root.set("edition", EDITION_NAME)
    if a.kicker or a.headline or a.subtitle or a.byline:
        head = etree.SubElement(root, "head")
        if a.kicker:
            _item(head, "kicker", a.kicker)
        if a.headline:
            el = _item(head, "headline", a.headline)
            if a.repeated is not None:
                el.set("repeated", a.repeated.text)
                el.set("repeated-src", src(a.repeated.lines))
        if a.subtitle:
            _item(head, "subtitle", a.subtitle)
        if a.byline:
            _item(head, "byline", a.byline)
    for j in a.continued:
        _jump(root, "continued", j)
    body = etree.SubElement(root, "body")
    for p in a.body:
        _item(body, p.kind, p.piece)
    for j in a.continues:
        _jump(root, "continues", j)
    for f in a.figures:
        _figure(root, f)
    return to_bytes(root)


def index_xml(pages: list[PageSetting], articles: list[ArticleGold]) -> bytes:
    root = etree.Element("edition")
    root.set("name", EDITION_NAME)
    root.set("version", FORMAT_VERSION)
    for ps in pages:
        el = etree.SubElement(root, "page")
        el.set("n", str(ps.number))
        el.set("file", PDF_NAME)
        el.set("kind", "pdf")
    for a in articles:
        el = etree.SubElement(root, "article")
        el.set("id", a.id)
        el.set("file", f"{a.id}.xml")
        if a.headline:
            el.set("headline", a.headline.text)
        el.set("page", str(a.page))
    for ps in pages:
        for fu in ps.furniture:
            el = etree.SubElement(root, fu.kind)
            el.set("src", src(fu.lines))
            for ln in fu.lines:
                li = etree.SubElement(el, "line")
                li.text = ln.text
                li.set("src", src([ln]))
        for f in ps.figures:
            _figure(root, f)
    return to_bytes(root)


def render_gold(pages: list[PageSetting], articles: list[ArticleGold]) -> dict[str, bytes]:
    """File name -> bytes: index.xml and <id>.xml per article."""
    files = {"index.xml": index_xml(pages, articles)}
    for a in articles:
        files[f"{a.id}.xml"] = article_xml(a)
    return files
