"""Serialise an :class:`Edition` to the documented XML (one file per article + index.xml).

Serialisation only: no analysis here.  Text is normalised per element kind (extraction
spaces between CJK characters dropped in body text; kept between the halves of a headline
and between names in bylines).  Output is deterministic and written atomically: an edition
folder is built in a temporary folder beside its destination and renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from lxml import etree

from .containers import Article, Block, Edition, Figure, Jump, Line, NonArticle, NonArticleKind, Span
from .errors import OutputError
from .ocr.confidence import format_low, low_spans, text_conf
from .textutil import drop_cjk_spaces, is_cjk

FORMAT_VERSION = "1"
_SPACED_NAME_RE = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[ \u3000]+([\u4e00-\u9fff])(?![\u4e00-\u9fff])")
_WS_RE = re.compile(r"[\s\u3000]+")
_CJK_GAP_RE = re.compile(r"(?<=\S)[ \t\u3000\u00a0]+(?=\S)")
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def format_src(spans: list[Span], multi_page: bool) -> str:
    """"12-19,23" for one page; "1:12-19,2:3" for an edition of several pages; bbox spans
    as "p3:x0,y0,x1,y1" separated by ";"."""
    if spans and spans[0].bbox is not None:
        return ";".join([f"p{s.page}:{s.bbox.x0:.1f},{s.bbox.y0:.1f},{s.bbox.x1:.1f},{s.bbox.y1:.1f}"
                         for s in spans if s.bbox is not None])
    parts = []
    for s in spans:
        r = f"{s.first}" if s.first == s.last else f"{s.first}-{s.last}"
        parts.append(f"{s.page}:{r}" if multi_page else r)
    return ",".join(parts)


def body_text(text: str) -> str:
    return drop_cjk_spaces(_WS_RE.sub(" ", text.strip()))


def head_text(text: str) -> str:
    """Headline text: a space between two CJK characters is kept when it separates two
    halves of a headline, dropped when it splits a word ("科学论 坛")."""
    t = _WS_RE.sub(" ", text.strip())
    if " " not in t:
        return t

    def repl(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        a, b = t[s - 1], t[e]
        if not (is_cjk(a) and is_cjk(b)):
            return " "
        from .continuity import word_across
        _, f = word_across(t[:s], t[e:])
        return "" if f > 0 else " "
    return _CJK_GAP_RE.sub(repl, t)


def names_text(text: str) -> str:
    """Byline / credit text: single spaces between names; a two-character name spaced out to
    align with three-character names ("王 明") is closed up."""
    t = _WS_RE.sub(" ", text.strip())
    return _SPACED_NAME_RE.sub(r"\1\2", t)


class _Writer:
    def __init__(self, edition: Edition, write_joins: bool = True):
        self.ed = edition
        self.multi = len(edition.pages) > 1
        self.write_joins = write_joins
        self.digests: dict[str, str] = {}   # input path → sha256 (a PDF's pages share one file)

    def src(self, blocks: list[Block]) -> str:
        if len(blocks) == 1:
            return format_src(blocks[0].spans(), self.multi)
        return format_src([s for b in blocks for s in b.spans()], self.multi)

    def item(self, parent: etree._Element, tag: str, block: Block, text: str) -> etree._Element:
        el = etree.SubElement(parent, tag)
        el.text = text
        el.set("src", self.src([block]))
        if block.markup:
            el.set("markup", block.markup)
        if block.repeated:
            el.set("repeated", " ".join(((r.markup + " ") if r.markup else "") + r.text.strip() for r in block.repeated))
            el.set("repeated-src", self.src(block.repeated))
        if block.soft_hyphens:
            el.set("soft-hyphens", str(block.soft_hyphens))
        self.ocr(el, block.lines, text)
        return el

    def ocr(self, el: etree._Element, lines: list[Line], text: str) -> None:
        """Scanned text only (issue #5): ``conf`` (character-weighted OCR confidence of the
        element's lines) and its low-confidence words as ``low`` (offsets into ``text``) and
        ``low-src`` (their boxes); nothing at all for text and PDF input."""
        conf = text_conf(lines)
        if conf is None:
            return
        el.set("conf", f"{conf:.2f}")
        spans = low_spans(lines, text)
        if spans:
            el.set("low", format_low(spans))
            el.set("low-src", format_src([Span(s.page, 0, 0, s.bbox) for s in spans], self.multi))

    def jump(self, parent: etree._Element, tag: str, j: Jump) -> None:
        el = etree.SubElement(parent, tag)
        el.set("from" if tag == "continued" else "to", j.page_ref)
        el.set("marker", j.marker)
        el.set("src", format_src([j.src], self.multi))
        if j.linked is not None:
            el.set("linked", "true" if j.linked else "false")

    def figure(self, parent: etree._Element, f: Figure) -> None:
        el = etree.SubElement(parent, "figure")
        if f.caption is not None:
            self.item(el, "caption", f.caption, body_text(f.caption.text))
        if f.credit is not None:
            self.item(el, "credit", f.credit, names_text(f.credit.text))

    def article(self, a: Article) -> etree._Element:
        root = etree.Element("article")
        root.set("id", a.id)
        root.set("edition", self.ed.name)
        root.set("confidence", f"{a.confidence:.2f}")
        if a.head_blocks():
            head = etree.SubElement(root, "head")
            for tag, b in (("kicker", a.kicker), ("headline", a.headline), ("subtitle", a.subtitle)):
                if b is not None:
                    self.item(head, tag, b, head_text(b.text))
            if a.byline is not None:
                self.item(head, "byline", a.byline, names_text(a.byline.text))
        for j in a.continued:
            self.jump(root, "continued", j)
        body = etree.SubElement(root, "body")
        for p in a.body:
            el = etree.SubElement(body, p.kind)
            el.text = body_text(p.text)
            el.set("src", self.src(p.blocks))
            markup = " ".join(b.markup for b in p.blocks if b.markup)
            if markup:
                el.set("markup", markup)
            hy = sum(b.soft_hyphens for b in p.blocks)
            if hy:
                el.set("soft-hyphens", str(hy))
            self.ocr(el, p.lines, el.text)
        for j in a.continues:
            self.jump(root, "continues", j)
        for f in a.figures:
            self.figure(root, f)
        if self.write_joins and a.joins:
            joins = etree.SubElement(root, "joins")
            for j in a.joins:
                el = etree.SubElement(joins, "join")
                el.set("kind", j.kind)
                el.set("score", f"{j.score:.3f}")
                el.set("left", format_src([j.left], self.multi) or "0")
                el.set("right", format_src([j.right], self.multi) or "0")
        return root

    def input_ref(self, el: etree._Element, path: str) -> None:
        """``path`` (the input file as given on the command line) and ``sha256`` of its bytes,
        so ``segmenter review`` finds the input and can tell when it changed since the run."""
        if not path or path.startswith("<") or _XML_ILLEGAL_RE.search(path):
            return
        if path not in self.digests:
            try:
                with open(path, "rb") as fh:
                    self.digests[path] = hashlib.file_digest(fh, "sha256").hexdigest()
            except OSError:
                self.digests[path] = ""
        el.set("path", path)
        if self.digests[path]:
            el.set("sha256", self.digests[path])

    def index(self) -> etree._Element:
        root = etree.Element("edition")
        root.set("name", self.ed.name)
        root.set("version", FORMAT_VERSION)
        for p in self.ed.pages:
            el = etree.SubElement(root, "page")
            el.set("n", str(p.number))
            el.set("file", p.name)
            el.set("kind", p.kind)
            self.input_ref(el, p.path)
            if p.style:
                el.set("style", p.style)
            if p.encoding:
                el.set("encoding", p.encoding)
            el.set("lines", str(max((ln.lineno for ln in p.lines), default=0)))
            if p.replaced_controls:
                el.set("replaced-controls", str(p.replaced_controls))
            if p.source_page:
                el.set("source-page", str(p.source_page))
            if p.width:
                el.set("width", f"{p.width:.1f}")
                el.set("height", f"{p.height:.1f}")
            if p.printed is not None:
                el.set("printed", str(p.printed))
        for a in self.ed.articles:
            el = etree.SubElement(root, "article")
            el.set("id", a.id)
            el.set("file", f"{a.id}.xml")
            if a.headline is not None:
                el.set("headline", head_text(a.headline.text))
            el.set("page", str(max(1, a.first_position()[0])))
            el.set("confidence", f"{a.confidence:.2f}")
        for o in self.ed.others:
            self.other(root, o)
        return root

    def other(self, root: etree._Element, o: NonArticle) -> None:
        if o.kind is NonArticleKind.FIGURE and o.figure is not None:
            self.figure(root, o.figure)
            return
        if o.kind is NonArticleKind.FRAGMENT:
            for b in o.blocks:
                if b.jumps and not b.text.strip():
                    continue
                el = self.item(root, "fragment", b, body_text(b.text))
                if b.jumps:
                    el.set("markup", ((el.get("markup") or "") + " " + " ".join(j.marker for j in b.jumps)).strip())
            return
        el = etree.SubElement(root, o.kind.value)
        el.set("src", self.src(o.blocks))
        for b in o.blocks:
            for ln in b.lines:
                li = etree.SubElement(el, "line")
                li.text = ln.text.strip()
                li.set("src", format_src([ln.src], self.multi))
                if ln.markup:
                    li.set("markup", ln.markup)
                self.ocr(li, [ln], li.text)


def to_bytes(el: etree._Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(el, pretty_print=True, encoding="UTF-8")


def render(edition: Edition, write_joins: bool = True) -> dict[str, bytes]:
    """File name → bytes for one edition (deterministic)."""
    w = _Writer(edition, write_joins)
    files = {"index.xml": to_bytes(w.index())}
    for a in edition.articles:
        files[f"{a.id}.xml"] = to_bytes(w.article(a))
    return files


def write_edition(edition: Edition, outdir: Path, write_joins: bool = True) -> Path:
    """Write OUTDIR/NAME/ atomically: built in a temporary folder, then renamed into place."""
    files = render(edition, write_joins)
    dest = outdir / edition.name
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{edition.name}.", suffix=".tmp", dir=outdir))
    except OSError as e:
        raise OutputError(f"{outdir}: cannot write output ({e.strerror or e})") from None
    old: Path | None = None
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        os.chmod(tmp, 0o755)
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old")
            if old.exists():
                shutil.rmtree(old)
            dest.rename(old)
        tmp.rename(dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not dest.exists():
            old.rename(dest)   # put the earlier output back
        raise OutputError(f"{dest}: cannot write output ({e.strerror or e})") from None
    return dest


def schema() -> etree.XMLSchema:
    with resources.files("segmenter").joinpath("schema/segmenter.xsd").open("rb") as fh:
        return etree.XMLSchema(etree.parse(fh))
