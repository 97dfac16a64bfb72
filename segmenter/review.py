"""``segmenter review OUT/NAME``: one self-contained HTML page to check an edition by hand.

Reads the output folder (index.xml + one XML file per article) and the original input, and
builds a page with the source on the left and the articles as emitted on the right:

* text dumps: every input line coloured by the article (or non-article block) it went to,
  converter markup and jump markers greyed;
* PDFs and scans: each page as an image (rendered once here, JPEG, embedded as base64 and only
  decoded when scrolled into view) with the article regions outlined in their colour and
  numbered in reading order; orphan fragments, figures and page furniture in their own style.
  A scan is the same thing with its boxes in pixels instead of points: the overlay is an SVG
  whose ``viewBox`` is the page's own width × height, whatever the unit.

Each join (segmenter's decision record, ``<joins>``) is marked at both ends with its score;
the list of joins is sorted by score so the doubtful ones (below :data:`DOUBTFUL_SCORE`) come
first.  The page is drawn by its script from one embedded JSON document (event delegation, one
``innerHTML`` per pane), so 24 pages and 300 articles stay fast.  Output is deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import InputError, OutputError
from .htmlkit import article_colour, article_tint, esc, json_script, page_shell

#: a join scoring below this is "doubtful" and listed (and reachable with n/p) first.  The
#: assembler's sure calls score 0.8 (column continuation) and 0.9-1.0 (a headline over its
#: body, a linked jump); a jump it could only guess is clamped to 0.5 and a headline join
#: that won by a small margin scores 0.0-0.5.  Measured on the three seeds and the 24-page
#: synth edition (seed 1, PDF and markdown dump): 243 of 311 joins ≥ 0.8, 48 below 0.5.
DOUBTFUL_SCORE = 0.6
#: page images are rendered at this resolution: 100 dpi keeps 6-7 pt newsprint type legible
#: while a 24-page broadsheet edition stays a few MB
PAGE_IMAGE_DPI = 100
#: JPEG quality of the page images: text stays sharp enough to read at 70, half the bytes of 90
JPEG_QUALITY = 70
#: a scan page image is never embedded wider than this many pixels (a 600 dpi broadsheet scan
#: is 7000 px wide; the boxes scale with the SVG viewBox, the image needs no more than a screen)
MAX_IMAGE_PX = 1600

_SRC_TEXT_RE = re.compile(r"^(?:(\d+):)?(\d+)(?:-(\d+))?$")
_SRC_BOX_RE = re.compile(r"^p(\d+):([-0-9.]+),([-0-9.]+),([-0-9.]+),([-0-9.]+)$")
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEAD_TAGS = ("kicker", "headline", "subtitle", "byline")
_LOW_RE = re.compile(r"^(\d+)-(\d+):([01](?:\.\d+)?)$")


# ----------------------------------------------------------------------------- data model

@dataclass(frozen=True, slots=True)
class Ref:
    """A place in the input: a page and a line range (text dumps) or a page and a box."""

    page: int
    first: int = 0
    last: int = 0
    box: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class LowMark:
    """A low-confidence OCR word of an element (scans, ``low`` / ``low-src``): ``text[start:end]``."""

    start: int
    end: int
    conf: float
    ref: Ref                   # its box on the page


@dataclass(slots=True)
class Item:
    """One emitted element: kicker, headline, subtitle, byline, p, h, caption, credit."""

    tag: str
    text: str
    refs: list[Ref]
    extra: list[Ref] = field(default_factory=list)   # repeated-src: a copy printed again
    conf: float | None = None  # OCR confidence of the element (scans)
    low: list[LowMark] = field(default_factory=list)  # its low-confidence OCR words


@dataclass(slots=True)
class JumpMark:
    marker: str
    refs: list[Ref]


@dataclass(slots=True)
class ReviewJoin:
    number: int                # 1-based, in article order (J1, J2 …)
    article: int               # 0-based article index
    kind: str
    score: float
    left: list[Ref]
    right: list[Ref]

    @property
    def doubtful(self) -> bool:
        return self.score < DOUBTFUL_SCORE


@dataclass(slots=True)
class ReviewArticle:
    index: int                 # 0-based, reading order (the order of index.xml)
    id: str
    confidence: float
    head: list[Item]
    body: list[Item]
    figures: list[Item]
    jumps: list[JumpMark]
    joins: list[ReviewJoin]


@dataclass(slots=True)
class ReviewOther:
    """A non-article block of index.xml: masthead, toc, folio, figure, fragment (orphan)."""

    kind: str
    text: str
    refs: list[Ref]


@dataclass(slots=True)
class SourceLine:
    lineno: int
    owner: str                 # "a<index>" article, "o-<kind>" other block, "" nobody
    segments: list[tuple[str, str]]   # (class: "" text, "m" markup, "j" jump marker, text)


@dataclass(slots=True)
class ReviewPage:
    n: int
    kind: str                  # "text", "pdf", "scan"
    file: str
    path: str                  # the input file the review read ("" when not needed)
    width: float = 0.0
    height: float = 0.0
    lines: list[SourceLine] = field(default_factory=list)
    image: bytes = b""         # JPEG of a pdf / scan page


@dataclass(slots=True)
class Review:
    name: str
    pages: list[ReviewPage]
    articles: list[ReviewArticle]
    others: list[ReviewOther]
    warnings: list[str]

    @property
    def joins(self) -> list[ReviewJoin]:
        return [j for a in self.articles for j in a.joins]


# ----------------------------------------------------------------------------- reading

def parse_src(src: str | None, multi: bool) -> list[Ref]:
    """``src`` attribute → refs.  Single-page text dumps give plain line ranges (page 1);
    ``"0"`` (a join end without place) gives nothing."""
    if not src or src == "0":
        return []
    if src.startswith("p"):
        out = []
        for part in src.split(";"):
            m = _SRC_BOX_RE.match(part)
            if not m:
                raise InputError(f"src {src!r} is not a page box list (p3:x0,y0,x1,y1)")
            out.append(Ref(int(m.group(1)), box=tuple(float(m.group(i)) for i in range(2, 6))))
        return out
    out = []
    for part in src.split(","):
        m = _SRC_TEXT_RE.match(part)
        if not m:
            raise InputError(f"src {src!r} is not a line range list (12-19,2:3)")
        first = int(m.group(2))
        out.append(Ref(int(m.group(1) or 1), first, int(m.group(3) or first)))
    return out


def _parse(path: Path) -> etree._Element:
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e})") from None
    except etree.XMLSyntaxError as e:
        raise InputError(f"{path}: not well-formed XML ({e})") from None


def _item(el: etree._Element, multi: bool) -> Item:
    it = Item(el.tag, el.text or "", parse_src(el.get("src"), multi),
              parse_src(el.get("repeated-src"), multi))
    if el.get("conf") is not None:
        try:
            it.conf = float(el.get("conf"))
        except ValueError:
            raise InputError(f"<{el.tag}> conf {el.get('conf')!r} is not a number") from None
    if el.get("low"):
        it.low = parse_low(el.get("low"), el.get("low-src"), multi)
    return it


def parse_low(low: str, low_src: str | None, multi: bool) -> list[LowMark]:
    """``low`` ("12-14:0.410 …") and ``low-src`` (one box per word, same order) → marks."""
    boxes = parse_src(low_src, multi)
    words = low.split()
    if len(boxes) != len(words) or any(b.box is None for b in boxes):
        raise InputError(f"low {low!r} and low-src {low_src!r} do not give one box per word")
    out = []
    for w, b in zip(words, boxes):
        m = _LOW_RE.match(w)
        if not m or int(m.group(1)) >= int(m.group(2)):
            raise InputError(f"low word {w!r} is not start-end:conf")
        out.append(LowMark(int(m.group(1)), int(m.group(2)), float(m.group(3)), b))
    return out


def _figure_items(fig: etree._Element, multi: bool) -> list[Item]:
    return [_item(c, multi) for c in fig if c.tag in ("caption", "credit")]


def read_output(folder: Path) -> tuple[etree._Element, Review]:
    """The edition folder's XML as a :class:`Review` without source (pages carry no lines or
    images yet); returns the index root too (page attributes to find the input)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such output folder (give OUT/NAME, an edition folder)")
    if not (folder / "index.xml").is_file():
        raise InputError(f"{folder}: no index.xml (give OUT/NAME, an edition folder written by segmenter run)")
    index = _parse(folder / "index.xml")
    if index.tag != "edition":
        raise InputError(f"{folder / 'index.xml'}: not a segmenter index (root is <{index.tag}>)")
    pages_el = index.findall("page")
    if not pages_el:
        raise InputError(f"{folder / 'index.xml'}: lists no page")
    multi = len(pages_el) > 1
    pages = []
    for p in pages_el:
        try:
            pages.append(ReviewPage(int(p.get("n", "0")), p.get("kind", "text"), p.get("file", ""), "",
                                    float(p.get("width", "0")), float(p.get("height", "0"))))
        except ValueError:
            raise InputError(f"{folder / 'index.xml'}: page {p.get('n')!r} has a bad number") from None
    articles: list[ReviewArticle] = []
    njoin = 0
    for i, a_el in enumerate(index.findall("article")):
        fname = a_el.get("file") or f"{a_el.get('id')}.xml"
        if "/" in fname or "\\" in fname or fname.startswith("."):
            raise InputError(f"{folder / 'index.xml'}: article file {fname!r} is not a file name")
        root = _parse(folder / fname)
        head = [_item(el, multi) for t in _HEAD_TAGS for el in root.findall(f"head/{t}")]
        body = [_item(el, multi) for el in root.findall("body/*") if el.tag in ("p", "h")]
        figures = [it for f in root.findall("figure") for it in _figure_items(f, multi)]
        jumps = [JumpMark(el.get("marker", ""), parse_src(el.get("src"), multi))
                 for el in root if el.tag in ("continued", "continues")]
        joins = []
        for j in root.findall("joins/join"):
            njoin += 1
            try:
                score = float(j.get("score", "0"))
            except ValueError:
                raise InputError(f"{folder / fname}: join score {j.get('score')!r} is not a number") from None
            joins.append(ReviewJoin(njoin, i, j.get("kind", ""), score,
                                    parse_src(j.get("left"), multi), parse_src(j.get("right"), multi)))
        try:
            conf = float(root.get("confidence", a_el.get("confidence", "1")))
        except ValueError:
            conf = 0.0
        articles.append(ReviewArticle(i, a_el.get("id", root.get("id", f"a{i + 1}")), conf,
                                      head, body, figures, jumps, joins))
    others: list[ReviewOther] = []
    for el in index:
        if el.tag in ("masthead", "toc", "folio"):
            lines = el.findall("line")
            refs = [r for ln in lines for r in parse_src(ln.get("src"), multi)] or parse_src(el.get("src"), multi)
            others.append(ReviewOther(el.tag, "\n".join(ln.text or "" for ln in lines), refs))
        elif el.tag == "figure":
            for it in _figure_items(el, multi):
                others.append(ReviewOther("figure", it.text, it.refs + it.extra))
        elif el.tag == "fragment":
            it = _item(el, multi)
            others.append(ReviewOther("fragment", it.text, it.refs + it.extra))
    return index, Review(index.get("name", folder.name), pages, articles, others, [])


def _locate(page_el: etree._Element, folder: Path, source: Path | None, n_inputs: int) -> Path | None:
    """The input file of one page: ``--source`` (a file, or a folder holding the page's file)
    first, then the ``path`` recorded by ``segmenter run`` (as given: relative to the current
    folder, or to the folder OUT was written from, ``OUT/..``, when the run was ``-o OUT``)."""
    name = page_el.get("file", "")
    if source is not None:
        if source.is_dir():
            cand = source / name
            if cand.is_file():
                return cand
        elif source.is_file() and (source.name == name or n_inputs == 1):
            return source
    rec = page_el.get("path")
    if rec:
        for cand in (Path(rec), folder.parent.parent / rec):
            if cand.is_file():
                return cand
    return None


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None


def _source_lines(path: Path, page_n: int) -> list[SourceLine]:
    """The input lines of a text dump, decoded and split exactly as the reader does, with the
    converter markup the reader removed marked per character."""
    from .readers.text import decode, parse_text
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    text, _ = decode(data, path.name)
    text = _XML_ILLEGAL_RE.sub("\ufffd", text)
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    parsed = {ln.lineno: ln for ln in parse_text(text, page_n).lines}
    out = []
    for i, r in enumerate(raw, start=1):
        ln = parsed.get(i)
        out.append(SourceLine(i, "", _mark_markup(r, ln.text) if ln is not None and ln.markup else [("", r)]))
    return out


def _mark_markup(raw: str, kept: str) -> list[tuple[str, str]]:
    """Split ``raw`` into runs of text the reader kept ("") and markup it removed ("m"):
    ``kept`` is matched into ``raw`` as a subsequence, greedily from the left, and only after
    any leading markup (``## ``, ``- ``)."""
    start = raw.find(kept) if kept else -1
    keep = [False] * len(raw)
    if start >= 0:
        for k in range(start, start + len(kept)):
            keep[k] = True
    else:
        j = 0
        for k, c in enumerate(raw):
            if j < len(kept) and c == kept[j]:
                keep[k] = True
                j += 1
    segs: list[tuple[str, str]] = []
    for k, c in enumerate(raw):
        cls = "" if keep[k] or not c.strip() else "m"
        if segs and segs[-1][0] == cls:
            segs[-1] = (cls, segs[-1][1] + c)
        else:
            segs.append((cls, c))
    return segs


def _grey_marker(line: SourceLine, marker: str) -> None:
    """Mark the jump marker's characters in ``line`` as "j" (the whole line when the marker
    is not printed there verbatim)."""
    text = "".join(t for _, t in line.segments)
    at = text.find(marker.strip()) if marker.strip() else -1
    if at < 0:
        line.segments = [("j" if c != "m" else c, t) for c, t in line.segments]
        return
    end = at + len(marker.strip())
    out: list[tuple[str, str]] = []
    pos = 0
    for cls, t in line.segments:
        for c in t:
            k = "j" if at <= pos < end and cls == "" else cls
            if out and out[-1][0] == k:
                out[-1] = (k, out[-1][1] + c)
            else:
                out.append((k, c))
            pos += 1
    line.segments = out


def _assign_owners(review: Review) -> None:
    by_page = {p.n: {ln.lineno: ln for ln in p.lines} for p in review.pages if p.kind == "text"}

    def own(refs: list[Ref], owner: str) -> None:
        for r in refs:
            lines = by_page.get(r.page)
            if lines is None:
                continue
            for k in range(r.first, r.last + 1):
                ln = lines.get(k)
                if ln is not None and not ln.owner and "".join(t for _, t in ln.segments).strip():
                    ln.owner = owner
    for a in review.articles:
        for it in a.head + a.body + a.figures:
            own(it.refs + it.extra, f"a{a.index}")
    for o in review.others:
        own(o.refs, f"o-{o.kind}")
    for a in review.articles:
        for jm in a.jumps:
            for r in jm.refs:
                for k in range(r.first, r.last + 1):
                    ln = by_page.get(r.page, {}).get(k)
                    if ln is not None:
                        _grey_marker(ln, jm.marker)
                        if not ln.owner:
                            ln.owner = f"j{a.index}"


def _render_image(path: Path, kind: str, source_page: int, width: float) -> bytes:
    """JPEG of one PDF page at :data:`PAGE_IMAGE_DPI` (rotation undone: the boxes are in the
    unrotated crop box), or of one scan page at most :data:`MAX_IMAGE_PX` wide."""
    import pymupdf
    from .readers.pdfdoc import quiet_mupdf
    quiet_mupdf()
    try:
        with pymupdf.open(path) as doc:
            idx = max(0, source_page - 1)
            if idx >= doc.page_count:
                raise InputError(f"{path.name}: has no page {source_page} (the input changed?)")
            pg = doc[idx]
            if pg.rotation:
                pg.set_rotation(0)
            if kind == "pdf":
                zoom = PAGE_IMAGE_DPI / 72.0
            else:
                zoom = min(MAX_IMAGE_PX, width or pg.rect.width) / (pg.rect.width or 1.0)
            pix = pg.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            return pix.tobytes("jpeg", jpg_quality=JPEG_QUALITY)
    except InputError:
        raise
    except Exception as e:  # MuPDF raises its own error types
        raise InputError(f"{path.name}: cannot render page {source_page} ({e})") from None


def load_review(folder: Path, source: Path | None = None) -> Review:
    """Read an edition folder and its input into a :class:`Review`.  Raises
    :class:`InputError` when the folder or the input cannot be read; an input whose bytes
    changed since the run gives a warning (``Review.warnings``), not an error."""
    index, review = read_output(folder)
    page_els = index.findall("page")
    n_inputs = len({(p.get("path") or p.get("file")) for p in page_els})
    checked: dict[Path, str] = {}
    for page, el in zip(review.pages, page_els):
        path = _locate(el, folder, source, n_inputs)
        if path is None:
            where = f" (recorded path {el.get('path')!r} is gone)" if el.get("path") else ""
            raise InputError(f"{folder}: cannot find the input {page.file!r} of page {page.n}{where}; "
                             "give it with --source PATH (the file, or the folder holding it)")
        page.path = str(path)
        want = el.get("sha256")
        if want:
            if path not in checked:
                checked[path] = _sha256(path)
                if checked[path] != want:
                    review.warnings.append(f"{path}: input changed since the run (sha256 differs); "
                                           "the page may not match the output")
        if page.kind == "text":
            page.lines = _source_lines(path, page.n)
        else:
            page.image = _render_image(path, page.kind, int(el.get("source-page", "1")), page.width)
    _assign_owners(review)
    return review


# ----------------------------------------------------------------------------- HTML

def _ref_json(r: Ref) -> list:
    if r.box is not None:
        return [r.page, *(round(v, 1) for v in r.box)]
    return [r.page, r.first, r.last]


def _item_json(it: Item) -> dict:
    d = {"t": it.tag, "x": it.text, "r": [_ref_json(r) for r in it.refs + it.extra]}
    if it.conf is not None:     # scans only: text and PDF pages keep their data as it was
        d["cf"] = it.conf
    if it.low:
        d["lw"] = [[w.start, w.end, w.conf, _ref_json(w.ref)] for w in it.low]
    return d


def review_data(review: Review) -> dict:
    """The JSON document the page's script draws from (also what the unit tests read)."""
    pages = []
    for p in review.pages:
        d: dict = {"n": p.n, "kind": p.kind, "file": p.file, "w": p.width, "h": p.height}
        if p.kind == "text":
            d["lines"] = [[ln.lineno, ln.owner, [list(s) for s in ln.segments]] for ln in p.lines]
        else:
            d["img"] = f"img-{p.n}"
        pages.append(d)
    arts = []
    for a in review.articles:
        arts.append({"i": a.index, "id": a.id, "conf": a.confidence, "c": article_colour(a.index),
                     "tint": article_tint(a.index),
                     "head": [_item_json(it) for it in a.head], "body": [_item_json(it) for it in a.body],
                     "fig": [_item_json(it) for it in a.figures],
                     "jumps": [{"m": jm.marker, "r": [_ref_json(r) for r in jm.refs]} for jm in a.jumps],
                     "joins": [j.number for j in a.joins]})
    joins = [{"n": j.number, "a": j.article, "k": j.kind, "s": j.score, "d": j.doubtful,
              "l": [_ref_json(r) for r in j.left], "r": [_ref_json(r) for r in j.right]}
             for j in review.joins]
    others = [{"k": o.kind, "x": o.text, "r": [_ref_json(r) for r in o.refs]} for o in review.others]
    return {"name": review.name, "doubtful": DOUBTFUL_SCORE, "pages": pages, "articles": arts,
            "joins": joins, "others": others, "warnings": review.warnings}


_BODY = """<header class="top"><h1>{name}</h1>
<span class="summary" id="summary"></span><span class="warning" id="warnings"></span>
<button type="button" id="helpbtn" title="keys (?)">keys ?</button></header>
<div id="help" hidden><table class="plain">
<tr><td><kbd>j</kbd> / <kbd>k</kbd></td><td>next / previous article</td></tr>
<tr><td><kbd>n</kbd> / <kbd>p</kbd></td><td>next / previous doubtful join (score &lt; {doubtful})</td></tr>
<tr><td><kbd>J</kbd> / <kbd>K</kbd></td><td>next / previous join of any score, lowest score first</td></tr>
<tr><td><kbd>]</kbd> / <kbd>[</kbd></td><td>next / previous page</td></tr>
<tr><td><kbd>w</kbd> / <kbd>W</kbd></td><td>next / previous low-confidence OCR word (scans)</td></tr>
<tr><td><kbd>Esc</kbd></td><td>clear the selection</td></tr><tr><td><kbd>?</kbd></td><td>this help</td></tr>
</table><p>Click a line, a region, a join or an article to select it.  Grey: converter markup,
jump markers and lines that went to no article; dashed outlines: orphan fragments; dotted:
figures; grey boxes: page furniture (masthead, contents, folio); red boxes and yellow marks:
words OCR read with low confidence (scans; hover for text and confidence).</p></div>
<div class="panes"><section class="pane" id="source" aria-label="source"></section>
<section class="pane" id="right" aria-label="articles"><details open id="joinbox"><summary>
Joins, lowest score first</summary><ol id="joins"></ol></details><div id="articles"></div></section></div>
<noscript>This page draws itself with JavaScript.</noscript>"""

_CSS = """
#help{position:fixed;right:12px;top:44px;z-index:20;background:#fff;border:1px solid var(--line);
padding:8px 12px;max-width:32em;box-shadow:0 2px 12px #0003}
.pgh{position:sticky;top:-8px;background:#fffe;font-weight:600;padding:2px 0;z-index:2;
border-bottom:1px solid var(--line)}
.src{font-family:"Noto Sans Mono CJK SC","Noto Sans CJK SC",monospace;white-space:pre-wrap;
word-break:break-all;font-size:.86rem}
.ln{display:flex;gap:.6em;border-left:4px solid transparent;padding-left:.3em;cursor:pointer;
content-visibility:auto;contain-intrinsic-size:auto 1.4em}
.ln .no{color:var(--muted);min-width:3em;text-align:right;flex:none;user-select:none}
.ln.none{color:var(--muted)}
.ln.o{color:#555;background:#f0f0f0;border-left-color:#bbb}
.ln.o-fragment{border-left:4px dashed #999}
.ln.j{color:var(--muted)}
.jm{display:inline-block;font-size:.72rem;border-radius:.5em;padding:0 .4em;margin-left:.4em;
color:#fff;background:#555;cursor:pointer;white-space:nowrap}
.jm.d{background:var(--doubt)}
.pg{position:relative;margin:0 0 12px;border:1px solid var(--line);background:#fafafa}
.pg img,.pg svg{position:absolute;inset:0;width:100%;height:100%}
.pg svg rect{cursor:pointer}
.pg svg .reg{fill-opacity:.18;stroke-width:2}
.pg svg .reg.sel{fill-opacity:.38;stroke-width:4}
.pg svg .o-fragment{fill:#999;fill-opacity:.12;stroke:#555;stroke-dasharray:6 4;stroke-width:2}
.pg svg .o-figure{fill:none;stroke:#333;stroke-dasharray:2 3;stroke-width:2}
.pg svg .o-f{fill:#888;fill-opacity:.12;stroke:#888;stroke-width:1}
.pg svg .jend{stroke:#000;stroke-width:1}
.pg svg .jend.d{fill:var(--doubt)}
.pg svg text{font:bold 18px sans-serif;pointer-events:none}
.pg svg text.jlab{fill:#000;paint-order:stroke;stroke:#fff;stroke-width:3px}
.art{border-left:6px solid;padding:4px 10px;margin:0 0 10px;background:#fff;cursor:pointer}
.art.sel{background:#fffbe6}
.art h3{margin:.1em 0;font-size:1.05rem}
.art .meta{color:var(--muted);font-size:.8rem}
.art p{margin:.25em 0}
.art .h{font-weight:600}
.art .kicker,.art .subtitle,.art .byline{color:#444;font-size:.9rem;margin:0}
.art .cap{font-size:.85rem;color:#444;border-top:1px dotted var(--line)}
#joins{margin:.3em 0 1em;padding-left:2.5em;max-height:30vh;overflow:auto}
#joins li{cursor:pointer}
#joins li.sel,.jm.sel{outline:2px solid #000}
.pg svg .lw{fill:#ffe000;fill-opacity:.35;stroke:#e00000;stroke-width:1.5px;vector-effect:non-scaling-stroke}
.pg svg .lw.sel{fill:#ff2000;fill-opacity:.45;stroke:#000;stroke-width:3px}
mark.lw{background:#ffe27a;border-bottom:2px solid #e00000;color:inherit;cursor:pointer}
.lwc{display:inline-block;font-size:.75rem;border:1px solid #e00000;border-radius:.4em;padding:0 .35em;
margin:0 .2em .1em 0;color:#900;cursor:pointer;white-space:nowrap}
mark.lw.sel,.lwc.sel{outline:2px solid #000}
.cf{font-size:.72rem;color:#900;margin-left:.4em;white-space:nowrap}
.flash{animation:fl 1.2s}
@keyframes fl{from{background:#ffe066}to{background:transparent}}
"""

_SCRIPT = r"""
(function(){
"use strict";
var t0=performance.now();
var D=JSON.parse(document.getElementById("review-data").textContent);
function E(s){return String(s).replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/"/g,"&quot;");}
var A=D.articles, J=D.joins, P=D.pages, byN={};
J.forEach(function(j){byN[j.n]=j;});
var order=J.slice().sort(function(a,b){return a.s-b.s||a.n-b.n;});
var doubt=order.filter(function(j){return j.d;});
// low-confidence OCR words (scans), in article order: it.ln[k] is the number of it.lw[k]
var LW=[];
A.forEach(function(a){[].concat(a.head,a.body,a.fig).forEach(function(it){it.ln=[];var ch=Array.from(it.x);
 (it.lw||[]).forEach(function(w){it.ln.push(LW.length);LW.push({a:a.i,w:w,n:LW.length,x:ch.slice(w[0],w[1]).join("")});});});});
function T(it){if(!it.lw||!it.lw.length)return E(it.x);var ch=Array.from(it.x),out="",pos=0;
 it.lw.forEach(function(w,k){if(w[0]<pos)return;var n=it.ln[k];out+=E(ch.slice(pos,w[0]).join(""))+'<mark class="lw" data-w="'+n+'" title="OCR confidence '+w[2].toFixed(2)+'">'+E(ch.slice(w[0],w[1]).join(""))+'</mark>';pos=w[1];});
 return out+E(ch.slice(pos).join(""));}
function C(it){return it.cf!=null&&it.cf<1?'<span class="cf" title="OCR confidence of this element">OCR '+it.cf.toFixed(2)+'</span>':"";}
function refKey(r){return r.length==3?"L"+r[0]+"-"+r[1]:"B"+r.join("_");}
// join ends: first line / box of each side
var ends={};
// a join whose two ends are one place (a column continued in the same piece) is marked once
function same(j){return j.l.length&&j.r.length&&refKey(j.l[0])==refKey(j.r[0]);}
J.forEach(function(j){["l","r"].forEach(function(side){var rs=j[side];if(!rs.length||(side=="r"&&same(j)))return;
 var k=refKey(rs[0]);(ends[k]=ends[k]||[]).push({j:j,side:side});});});
function jm(e){var j=e.j;return '<span class="jm'+(j.d?" d":"")+'" data-j="'+j.n+'" title="'+E(j.k)+' join, score '+j.s.toFixed(3)+
 (e.side=="l"?", first piece":", piece joined")+'">'+(e.side=="l"?"J"+j.n+"\u25b6 ":"\u25b6J"+j.n+" ")+j.s.toFixed(2)+'</span>';}
// ---- source pane
var src=[], lineEl={};
P.forEach(function(p){
 src.push('<div class="pgh" id="page-'+p.n+'">page '+p.n+' \u00b7 '+E(p.file)+'</div>');
 if(p.kind==="text"){
  src.push('<div class="src">');
  p.lines.forEach(function(l){var o=l[1],cls="ln",st="";
   if(o.charAt(0)=="a"){var a=A[+o.slice(1)];st=' style="border-left-color:'+a.c+';background:'+a.tint+'"';cls+=" a";}
   else if(o.charAt(0)=="o"){cls+=" o "+o;}else if(o.charAt(0)=="j"){cls+=" j";}else{cls+=" none";}
   var h=l[2].map(function(s){return s[0]=="m"?'<i class="markup">'+E(s[1])+'</i>':s[0]=="j"?'<s class="jumpmark">'+E(s[1])+'</s>':E(s[1]);}).join("");
   var k="L"+p.n+"-"+l[0];(ends[k]||[]).forEach(function(e){h+=jm(e);});
   src.push('<div class="'+cls+'" id="'+k+'" data-o="'+o+'"'+st+'><span class="no">'+l[0]+'</span><span>'+h+'</span></div>');});
  src.push('</div>');
 }else{
  var w=p.w||1,h=p.h||1,s=Math.max(w,h)/900,svg=[];
  function box(r,cls,extra,o){return '<rect class="'+cls+'" x="'+r[1]+'" y="'+r[2]+'" width="'+Math.max(1,r[3]-r[1])+'" height="'+Math.max(1,r[4]-r[2])+'" data-o="'+o+'"'+extra+'/>';}
  D.others.forEach(function(o){var c=o.k=="fragment"?"o-fragment":o.k=="figure"?"o-figure":"o-f";
   o.r.forEach(function(r){if(r.length==5&&r[0]==p.n)svg.push(box(r,c,"","o-"+o.k));});});
  A.forEach(function(a){var first=null;
   [].concat(a.head,a.body,a.fig).forEach(function(it){it.r.forEach(function(r){if(r.length==5&&r[0]==p.n){
    svg.push(box(r,"reg reg"+a.i,' style="fill:'+a.c+';stroke:'+a.c+'"',"a"+a.i));if(!first)first=r;}});});
   if(first)svg.push('<circle cx="'+first[1]+'" cy="'+first[2]+'" r="'+(11*s)+'" fill="'+a.c+'"/><text x="'+first[1]+'" y="'+first[2]+'" fill="#fff" text-anchor="middle" dominant-baseline="central" style="font-size:'+(13*s)+'px">'+(a.i+1)+'</text>');});
  LW.forEach(function(L){var r=L.w[3];if(r.length==5&&r[0]==p.n)svg.push('<rect class="lw" data-w="'+L.n+'" x="'+r[1]+'" y="'+r[2]+'" width="'+Math.max(1,r[3]-r[1])+'" height="'+Math.max(1,r[4]-r[2])+'"><title>'+E(L.x)+' \u00b7 OCR confidence '+L.w[2].toFixed(2)+'</title></rect>');});
  J.forEach(function(j){[["l",j.l],["r",j.r]].forEach(function(e){var r=e[1][0];if(!r||r.length!=5||r[0]!=p.n||(e[0]=="r"&&same(j)))return;
   var x=e[0]=="l"?r[3]-8*s:r[1]+8*s;svg.push('<rect class="jend'+(j.d?" d":"")+'" data-j="'+j.n+'" x="'+(x-7*s)+'" y="'+(r[2]-7*s)+'" width="'+(14*s)+'" height="'+(14*s)+'" fill="#555"><title>J'+j.n+' '+E(j.k)+' '+j.s.toFixed(3)+'</title></rect><text class="jlab" x="'+(x+(e[0]=="l"?-9:9)*s)+'" y="'+r[2]+'" text-anchor="'+(e[0]=="l"?"end":"start")+'" dominant-baseline="central" style="font-size:'+(10*s)+'px">'+(e[0]=="l"?"J"+j.n+"\u25b6 "+j.s.toFixed(2):"\u25b6J"+j.n+" "+j.s.toFixed(2))+'</text>');});});
  src.push('<div class="pg" id="pg-'+p.n+'" data-img="'+p.img+'" style="aspect-ratio:'+w+'/'+h+'"><svg viewBox="0 0 '+w+' '+h+'" preserveAspectRatio="none">'+svg.join("")+'</svg></div>');
 }});
var S=document.getElementById("source");S.innerHTML=src.join("");
// ---- lazy page images: decoded and inserted only when the page comes into view
var pgs=S.querySelectorAll(".pg");
function load(el){if(el.dataset.loaded)return;el.dataset.loaded="1";var b=document.getElementById(el.dataset.img);if(!b)return;
 var im=new Image();im.alt="page image";im.src="data:image/jpeg;base64,"+b.textContent.trim();el.insertBefore(im,el.firstChild);}
if("IntersectionObserver" in window){var io=new IntersectionObserver(function(es){es.forEach(function(e){if(e.isIntersecting){load(e.target);io.unobserve(e.target);}});},{root:S,rootMargin:"100% 0px"});
 pgs.forEach(function(el){io.observe(el);});}else{pgs.forEach(load);}
// ---- joins list, lowest score first
document.getElementById("joins").innerHTML=order.map(function(j){var a=A[j.a];return '<li data-j="'+j.n+'" class="'+(j.d?"doubt":"")+'"><span class="score">'+j.s.toFixed(3)+
 '</span> '+E(j.k)+' \u00b7 <span class="chip" style="background:'+a.c+'">'+(a.i+1)+'</span> '+E(a.id)+' J'+j.n+'</li>';}).join("");
// ---- articles pane
function refs(r){return r.map(function(x){return x.length==3?(P.length>1?x[0]+":":"")+x[1]+(x[2]!=x[1]?"-"+x[2]:""):"p"+x[0];}).join(",");}
document.getElementById("articles").innerHTML=A.map(function(a){var h=[];
 h.push('<article class="art" id="art-'+a.i+'" data-a="'+a.i+'" style="border-color:'+a.c+'"><div class="meta"><span class="chip" style="background:'+a.c+'">'+(a.i+1)+'</span> '+E(a.id)+' \u00b7 confidence '+a.conf.toFixed(2)+'</div>');
 a.head.forEach(function(it){h.push(it.t=="headline"?'<h3 title="'+refs(it.r)+'">'+T(it)+C(it)+'</h3>':'<p class="'+it.t+'" title="'+refs(it.r)+'">'+T(it)+C(it)+'</p>');});
 a.body.forEach(function(it){h.push('<p class="'+(it.t=="h"?"h":"")+'" title="'+refs(it.r)+'">'+T(it)+C(it)+'</p>');});
 a.fig.forEach(function(it){h.push('<p class="cap" title="'+it.t+' '+refs(it.r)+'">'+T(it)+C(it)+'</p>');});
 var lws=LW.filter(function(L){return L.a==a.i;});
 if(lws.length)h.push('<div class="meta lows">low-confidence OCR words (w / W): '+lws.map(function(L){return '<span class="lwc" data-w="'+L.n+'" title="OCR confidence '+L.w[2].toFixed(3)+'">'+E(L.x)+' '+L.w[2].toFixed(2)+'</span>';}).join("")+'</div>');
 a.jumps.forEach(function(m){h.push('<p class="muted">'+E(m.m)+'</p>');});
 if(a.joins.length)h.push('<div class="meta">joins: '+a.joins.map(function(n){var j=byN[n];return '<span class="jm'+(j.d?" d":"")+'" data-j="'+n+'">J'+n+' '+E(j.k)+' '+j.s.toFixed(2)+'</span>';}).join("")+'</div>');
 h.push('</article>');return h.join("");}).join("");
var nd=doubt.length;
document.getElementById("summary").textContent=P.length+" page(s) \u00b7 "+A.length+" articles \u00b7 "+J.length+" joins \u00b7 "+nd+" doubtful (score < "+D.doubtful+")";
if(D.warnings.length)document.getElementById("warnings").textContent="\u26a0 "+D.warnings.join(" \u00b7 ");
// ---- selection and navigation
var R=document.getElementById("right"),cur=-1,curJ=-1,curP=0,curW=-1;
function clearSel(){document.querySelectorAll(".sel").forEach(function(e){e.classList.remove("sel");});}
function firstRef(a){var its=[].concat(a.head,a.body,a.fig);for(var k=0;k<its.length;k++)if(its[k].r.length)return its[k].r[0];return null;}
function show(r,flash){if(!r)return;var el=r.length==3?document.getElementById("L"+r[0]+"-"+r[1]):document.getElementById("pg-"+r[0]);if(!el)return;
 if(r.length==5){load(el);var f=(r[2]/(P[r[0]-1]?P[r[0]-1].h||1:1));S.scrollTop=el.offsetTop+f*el.offsetHeight-S.clientHeight/3;}else{el.scrollIntoView({block:"center"});if(flash){el.classList.remove("flash");void el.offsetWidth;el.classList.add("flash");}}}
function selArticle(i,scrollSrc){if(i<0||i>=A.length)return;cur=i;clearSel();var el=document.getElementById("art-"+i);el.classList.add("sel");
 el.scrollIntoView({block:"nearest"});S.querySelectorAll(".reg"+i).forEach(function(e){e.classList.add("sel");});if(scrollSrc)show(firstRef(A[i]),true);}
function selJoin(n){var j=byN[n];if(!j)return;selArticle(j.a,false);document.querySelectorAll('[data-j="'+n+'"]').forEach(function(e){e.classList.add("sel");});
 var li=document.querySelector('#joins li[data-j="'+n+'"]');if(li)li.scrollIntoView({block:"nearest"});show(j.r[0]||j.l[0],true);}
function selWord(n){var L=LW[n];if(!L)return;curW=n;selArticle(L.a,false);document.querySelectorAll('[data-w="'+n+'"]').forEach(function(e){e.classList.add("sel");});
 var c=document.querySelector('.lwc[data-w="'+n+'"]');if(c)c.scrollIntoView({block:"nearest"});show(L.w[3],true);}
document.addEventListener("click",function(ev){var t=ev.target.closest("[data-w],[data-j],[data-o],[data-a]");if(!t)return;
 if(t.dataset.w){ev.stopPropagation();selWord(+t.dataset.w);return;}
 if(t.dataset.j){ev.stopPropagation();curJ=order.indexOf(byN[+t.dataset.j]);selJoin(+t.dataset.j);return;}
 var o=t.dataset.o!==undefined?t.dataset.o:"a"+t.dataset.a;if(o.charAt(0)=="a")selArticle(+o.slice(1),t.dataset.a!==undefined);});
function step(list,d){if(!list.length)return;var k=list.indexOf(order[curJ]);k=k<0?(d>0?0:list.length-1):(k+d+list.length)%list.length;curJ=order.indexOf(list[k]);selJoin(list[k].n);}
document.addEventListener("keydown",function(ev){if(ev.ctrlKey||ev.metaKey||ev.altKey)return;var k=ev.key;
 if(k=="j")selArticle(Math.min(A.length-1,cur+1),true);else if(k=="k")selArticle(Math.max(0,cur-1),true);
 else if(k=="n")step(doubt,1);else if(k=="p")step(doubt,-1);else if(k=="J")step(order,1);else if(k=="K")step(order,-1);
 else if(k=="]"||k=="["){curP=Math.max(0,Math.min(P.length-1,curP+(k=="]"?1:-1)));document.getElementById("page-"+P[curP].n).scrollIntoView({block:"start"});}
 else if(k=="w"||k=="W"){if(!LW.length)return;selWord(curW<0?(k=="w"?0:LW.length-1):(curW+(k=="w"?1:-1)+LW.length)%LW.length);}
 else if(k=="Escape"){clearSel();cur=-1;curJ=-1;curW=-1;document.getElementById("help").hidden=true;}
 else if(k=="?"){var hp=document.getElementById("help");hp.hidden=!hp.hidden;}else return;ev.preventDefault();});
document.getElementById("helpbtn").addEventListener("click",function(){var hp=document.getElementById("help");hp.hidden=!hp.hidden;});
var b=document.body;b.dataset.articles=A.length;b.dataset.joins=J.length;b.dataset.pages=P.length;b.dataset.doubtful=nd;b.dataset.low=LW.length;
b.dataset.ready=performance.now().toFixed(1);b.dataset.build=(performance.now()-t0).toFixed(1);
requestAnimationFrame(function(){b.dataset.painted=performance.now().toFixed(1);});
// test hook: file:///…/review.html#keys=jjn replays those keys once the page is built
var hk=/^#keys=(.*)$/.exec(location.hash);if(hk)decodeURIComponent(hk[1]).split("").forEach(function(k){
 document.dispatchEvent(new KeyboardEvent("keydown",{key:k,bubbles:true}));});
var sa=document.querySelector(".art.sel"),sj=document.querySelector("#joins li.sel");
b.dataset.selArticle=sa?sa.dataset.a:"";b.dataset.selJoin=sj?sj.dataset.j:"";
var sw=document.querySelector(".lwc.sel");b.dataset.selWord=sw?sw.dataset.w:"";
})();
"""


def render_review(review: Review) -> str:
    """The review page as one self-contained HTML document (deterministic)."""
    data = review_data(review)
    images = "".join(
        f'<script type="application/octet-stream" id="img-{p.n}">'
        f'{base64.b64encode(p.image).decode("ascii")}</script>\n'
        for p in review.pages if p.image)
    body = (_BODY.format(name=esc(f"segmenter review · {review.name}"), doubtful=DOUBTFUL_SCORE)
            + "\n" + json_script(data, "review-data") + "\n" + images)
    return page_shell(f"review · {review.name}", body, css=_CSS, script=_SCRIPT)


def write_review(folder: Path, dest: Path, source: Path | None = None) -> Review:
    """Build the review page of ``folder`` and write it to ``dest`` atomically."""
    review = load_review(folder, source)
    data = render_review(review).encode("utf-8")
    dest = Path(dest)
    parent = dest.parent if str(dest.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent)
    except OSError as e:
        raise OutputError(f"{dest}: cannot write ({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"{dest}: cannot write ({e.strerror or e})") from None
    return review


__all__ = ["DOUBTFUL_SCORE", "Review", "load_review", "parse_src", "render_review", "review_data",
           "write_review"]
