"""Article texts: the source articles (fixture gold, plus an optional shared corpus) and the
composer that makes varied newspaper articles from them (a headline, a window of paragraphs,
kickers, subtitles, bylines, leads, closing notes, captions and credits from the text pools).
"""

from __future__ import annotations

import enum
import random
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

import segmenter

# ---------------------------------------------------------------------------------- sources

#: a paragraph shorter than this (after normalising) is not used as body text of its own
MIN_PARAGRAPH_CHARS = 12
MIN_SUBHEAD_CHARS = 2
#: sources shorter than this in all are ignored (a shared-corpus file that is only a title)
MIN_SOURCE_CHARS = 60
#: largest shared-corpus file read (bytes); bigger ones are skipped
MAX_CORPUS_FILE_BYTES = 400_000
#: a first line longer than this is not a headline (the file is not an article)
MAX_HEADLINE_CHARS = 40
#: a headless source article gets the first clause of this length as its headline
HEADLESS_HEADLINE_CLAUSE = (8, 24)


@dataclass(frozen=True, slots=True)
class SourceItem:
    kind: str          # "p" paragraph or "h" section subhead
    text: str


@dataclass(frozen=True, slots=True)
class SourceCaption:
    caption: str
    credit: str


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    headline: str
    kicker: str
    subtitle: str
    byline: str
    items: tuple[SourceItem, ...]
    captions: tuple[SourceCaption, ...]

    @property
    def chars(self) -> int:
        return sum(len(i.text) for i in self.items)


_ASCII_PUNCT = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
_WS_RE = re.compile(r"\s+")
_FULL_PUNCT = "，。、；：？！（）《》“”‘’"
#: an inline lead at the start of a source paragraph (replaced by the composer's own lead)
SOURCE_LEAD_RE = re.compile(
    r"^(?:本报讯|(?:据)?新华社[\u4e00-\u9fff]{0,6}?\d{1,2}月\d{1,2}日电|本报[\u4e00-\u9fff]{0,6}?\d{1,2}月\d{1,2}日电)"
    r"\s*(?:（[^（）]{0,30}）)?\s*")
_NAME_RE = re.compile(r"(?:记者|通讯员)\s*([\u4e00-\u9fff]{2,3})(?![\u4e00-\u9fff]{2})")


def normalise(text: str) -> str:
    """Collapse whitespace; set ASCII punctuation full-width inside Chinese text (the seed
    dumps mix both), except between digits ("15:53", "1,000")."""
    t = _WS_RE.sub(" ", text).strip()
    out = []
    for i, ch in enumerate(t):
        full = _ASCII_PUNCT.get(ch)
        if full and not (ch in ",:" and 0 < i < len(t) - 1 and t[i - 1].isdigit() and t[i + 1].isdigit()):
            out.append(full)
        else:
            out.append(ch)
    t = "".join(out)
    # no space next to full-width punctuation
    t = re.sub(rf" *([{_FULL_PUNCT}]) *", r"\1", t)
    return t


def fixtures_dir() -> Path:
    return Path(segmenter.__file__).resolve().parents[1] / "fixtures"


def shared_corpus_dir() -> Path:
    return Path(segmenter.__file__).resolve().parents[1].parent / "shared" / "corpus"


def _caption(cap: etree._Element, cred: etree._Element | None) -> SourceCaption:
    return SourceCaption(normalise(cap.text or ""), normalise(cred.text) if cred is not None and cred.text else "")


def _source_from_article_xml(key: str, root: etree._Element) -> Source | None:
    def text_of(path: str) -> str:
        el = root.find(path)
        return normalise(el.text or "") if el is not None and el.text else ""
    items = []
    body = root.find("body")
    for el in (body if body is not None else []):
        if el.tag in ("p", "h") and el.text \
                and len(normalise(el.text)) >= (MIN_PARAGRAPH_CHARS if el.tag == "p" else MIN_SUBHEAD_CHARS):
            items.append(SourceItem(el.tag, normalise(el.text)))
    caps = []
    for fig in root.findall("figure"):
        cap, cred = fig.find("caption"), fig.find("credit")
        if cap is not None and cap.text:
            caps.append(_caption(cap, cred))
    headline = text_of("head/headline")
    if not headline:
        # a headless article (a brief): a clause of its opening stands in as its headline
        found = clauses(" ".join(SOURCE_LEAD_RE.sub("", i.text) for i in items[:2] if i.kind == "p"),
                        *HEADLESS_HEADLINE_CLAUSE)
        headline = found[0] if found else ""
    if not headline or not any(i.kind == "p" for i in items):
        return None
    src = Source(key, headline, text_of("head/kicker"), text_of("head/subtitle"), text_of("head/byline"),
                 tuple(items), tuple(caps))
    return src if src.chars >= MIN_SOURCE_CHARS else None


def _source_from_text(key: str, text: str) -> Source | None:
    """A plain-text or markdown article: first non-empty line is the headline, each further
    non-empty line (or blank-line separated block) a paragraph; '#' lines are subheads."""
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    # blank-line separated paragraphs (a hard-wrapped file) or one paragraph per line
    lines = [ln for b in blocks for ln in ([b.replace("\n", "")] if len(blocks) > 2 else b.split("\n")) if ln.strip()]
    if len(lines) < 2:
        return None
    headline = normalise(lines[0].lstrip("# "))
    items = []
    for ln in lines[1:]:
        t = normalise(ln.lstrip("#").strip()) if ln.lstrip().startswith("#") else normalise(ln)
        if ln.lstrip().startswith("#"):
            items.append(SourceItem("h", t))
        elif len(t) >= MIN_PARAGRAPH_CHARS:
            items.append(SourceItem("p", t))
    if not headline or len(headline) > MAX_HEADLINE_CHARS or not any(i.kind == "p" for i in items):
        return None
    src = Source(key, headline, "", "", "", tuple(items), ())
    return src if src.chars >= MIN_SOURCE_CHARS else None


@dataclass(frozen=True, slots=True)
class Corpus:
    sources: tuple[Source, ...]
    loose_captions: tuple[SourceCaption, ...]   # captions of figures that belong to no article


def load_corpus(shared: Path | None = None) -> Corpus:
    """Fixture gold articles (and their index-level figures), then any articles found in
    ``shared`` (default ``<repo>/../shared/corpus/``, used only if it exists)."""
    loose = []
    for f in sorted((fixtures_dir() / "gold").glob("*/index.xml")):
        for fig in etree.parse(str(f)).getroot().findall("figure"):
            cap, cred = fig.find("caption"), fig.find("credit")
            if cap is not None and cap.text:
                loose.append(_caption(cap, cred))
    return Corpus(tuple(_load_sources(shared_corpus_dir() if shared is None else shared)), tuple(loose))


def _load_sources(shared: Path) -> list[Source]:
    out: list[Source] = []
    for f in sorted((fixtures_dir() / "gold").glob("*/a*.xml")):
        s = _source_from_article_xml(f"{f.parent.name}/{f.stem}", etree.parse(str(f)).getroot())
        if s:
            out.append(s)
    if shared.is_dir():
        for f in sorted(shared.rglob("*")):
            try:
                if not f.is_file() or f.suffix.lower() not in (".txt", ".md", ".xml") \
                        or f.stat().st_size > MAX_CORPUS_FILE_BYTES:
                    continue
                data = f.read_text("utf-8")
                key = f"corpus/{f.relative_to(shared)}"
                if f.suffix.lower() == ".xml":
                    root = etree.fromstring(data.encode("utf-8"))
                    s = _source_from_article_xml(key, root) if root.tag == "article" else None
                else:
                    s = _source_from_text(key, data)
            except (OSError, UnicodeDecodeError, etree.XMLSyntaxError, ValueError):
                continue
            if s:
                out.append(s)
    return out


# ---------------------------------------------------------------------------------- pools

#: reporters' names used besides those found in the sources (made up)
EXTRA_NAMES = ("王五", "张三", "李四", "赵敏", "陈晨", "刘洋", "周宁", "孙立", "吴昊", "郑岚", "何静", "马骁",
               "罗一鸣", "高远", "林希", "许诺")
CITIES = ("北京", "上海", "合肥", "成都", "昆明", "广州", "南京", "武汉", "西安", "深圳", "杭州", "天津")
#: column labels printed as kickers (栏目题)
COLUMN_LABELS = ("科技视点", "一线调查", "新闻速递", "聚焦中关村论坛", "创新一线", "产业观察", "科技前沿",
                 "两会关注", "记者手记", "地方动态")
#: photo scenes for composed "图为…" captions (made up)
SCENES = ("科研人员在实验室内调试设备", "参观者在展区体验智能机器人", "工人在智能化生产线上作业",
          "技术人员在控制中心监测运行数据", "观众在展会现场参观新产品", "学生在创新实验室开展项目研究",
          "无人机在田间开展植保作业", "嘉宾在论坛现场交流", "工作人员在数据中心巡检设备")
#: page section names in running heads
SECTIONS = ("要闻", "综合新闻", "科技前沿", "产业经济", "国际", "地方新闻", "观点", "创新周刊")
PAPERS = ("科技日报", "华夏科技报", "创新导报", "东方科技日报")
PAPERS_EN = {"科技日报": "SCIENCE AND TECHNOLOGY DAILY", "华夏科技报": "HUAXIA SCIENCE AND TECHNOLOGY NEWS",
             "创新导报": "INNOVATION HERALD", "东方科技日报": "ORIENT SCIENCE DAILY"}

_CLAUSE_SPLIT_RE = re.compile(r"[，。；：！？]")
_HAN_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]+$")
#: clause lengths taken as kickers / subtitles / synthetic subheads (characters)
KICKER_CLAUSE = (6, 14)
SUBTITLE_CLAUSE = (8, 18)
SUBHEAD_CLAUSE = (5, 12)
#: caption sentences taken from the body (characters)
CAPTION_SENTENCE = (18, 70)
#: a kicker is a clause of the article itself (else from the pool) with this probability
OWN_CLAUSE_P = 0.5
#: the source's own subtitle / caption is used (when it has one) with this probability
SOURCE_PART_P = 0.5
#: a 图为 caption starts with a sentence of the article with this probability
DATED_CAPTION_P = 0.6
#: a repeated headline is one half of a two-part headline / its tail with these probabilities
SHORTEN_HALF_P = 0.5
SHORTEN_TAIL_P = 0.25
#: a shortened headline may start after one of these function words ("…迈向|全球创新中心",
#: "为什么要|全面实施…"), unless the word goes on (要求, 的确 …); a tail has at least
#: MIN_TAIL characters
SHORTEN_AFTER = "的要与向"
SHORTEN_NOT = ("要求", "要素", "要点", "的确", "向往", "与会")
MIN_TAIL = 5
#: a synthetic subhead stands before every 2nd or 3rd paragraph of a long article
SUBHEAD_EVERY = (2, 3)
#: ornaments a synthetic subhead may start with
SUBHEAD_ORNAMENTS = ("", "◆ ", "■ ")


class LeadStyle(str, enum.Enum):
    NONE = "none"
    BYLINE = "byline"       # a standalone byline line under the head
    INLINE = "inline"       # 本报讯（记者 …） / 新华社…电 at the start of the first paragraph


@dataclass(frozen=True, slots=True)
class HeadStyle:
    """What the head and body of one article should carry (decided by the page planner)."""

    kicker: bool = False
    subtitle: bool = False
    lead: LeadStyle = LeadStyle.NONE
    closing: bool = False
    subheads: bool = False
    max_headline: int = 40   # longest headline that fits the module (characters)


@dataclass(frozen=True, slots=True)
class BodyItem:
    kind: str                # "p" or "h"
    text: str
    indent: bool = True      # a paragraph's first line is indented 2 em (False: continued text)
    origin: int = -1         # index of the source item it comes from (-1: made up here)


@dataclass(slots=True)
class ArticleText:
    source: str
    headline: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    lead: str = ""                       # inline lead at the start of the first paragraph
    body: list[BodyItem] = field(default_factory=list)
    closing: str = ""                    # closing note, last paragraph when it fits
    start: int = 0                       # index of the first source item used


@dataclass(frozen=True, slots=True)
class FigureText:
    caption: str
    credit: str


def clauses(text: str, lo: int, hi: int) -> list[str]:
    """Whole clauses (between ，。；：！？) of ``lo``..``hi`` characters holding no quote,
    bracket or space: phrases that can stand alone as a kicker, subtitle or subhead."""
    return [c for c in _CLAUSE_SPLIT_RE.split(text) if lo <= len(c) <= hi and _HAN_RE.match(c)]


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in ("“”", "‘’", "《》", "（）"))


def headline_tails(headline: str, limit: int) -> list[str]:
    """Tails of ``headline`` that can stand as a shortened headline (longest first)."""
    return [headline[k + 1:] for k, ch in enumerate(headline)
            if ch in SHORTEN_AFTER and headline[k:k + 2] not in SHORTEN_NOT
            and MIN_TAIL <= len(headline) - k - 1 <= limit and _balanced(headline[k + 1:])]


def sentences(text: str) -> list[str]:
    """Whole sentences with their closing quotes, whose quotes and brackets all close."""
    return [s for s in re.findall(r"[^。！？]*[。！？]+[”’）》」』]*", text) if _balanced(s)]


class Composer:
    """Makes varied articles from the sources, remembering which paragraphs each source has
    already given, so that an edition repeats as little text as it can."""

    def __init__(self, corpus: Corpus, rng: random.Random, day: date, paper: str):
        sources = list(corpus.sources)
        self.sources = sources
        self.loose_captions = list(corpus.loose_captions)
        self.rng = rng
        self.day = day
        self.paper = paper
        self.used: dict[str, set[int]] = {s.key: set() for s in sources}
        self.uses: dict[str, int] = {s.key: 0 for s in sources}
        self.headlines: set[str] = set()
        names = list(EXTRA_NAMES)
        for s in sources:
            for it in s.items[:2]:
                names += _NAME_RE.findall(it.text)
            names += [n for n in s.byline.split() if 2 <= len(n) <= 3 and _HAN_RE.match(n)]
            for c in s.captions:
                names += _NAME_RE.findall(c.credit)
        self.names = sorted(set(names))
        pool_h = [it.text for s in sources for it in s.items if it.kind == "h" and len(it.text) <= 24]
        self.kicker_pool = sorted(set(pool_h + [s.kicker for s in sources if s.kicker])) + list(COLUMN_LABELS)

    # ------------------------------------------------------------------ small pieces
    def name(self) -> str:
        return self.rng.choice(self.names)

    def distinct_names(self, k: int) -> list[str]:
        return self.rng.sample(self.names, k)

    def city(self) -> str:
        return self.rng.choice(CITIES)

    def dateline_day(self) -> str:
        return f"{self.day.month}月{max(1, self.day.day - 1)}日"

    def inline_lead(self) -> str:
        n1, n2 = self.distinct_names(2)
        return self.rng.choice((
            f"本报讯（记者 {n1}）",
            f"本报讯（记者 {n1} 通讯员 {n2}）",
            f"本报{self.city()}{self.dateline_day()}电（记者 {n1}）",
            f"新华社{self.city()}{self.dateline_day()}电（记者 {n1} {n2}）",
            f"{self.paper}{self.city()}{self.dateline_day()}电（记者 {n1}）",
        ))

    def byline(self) -> str:
        n1, n2, n3 = self.distinct_names(3)
        return self.rng.choice((
            f"本报记者 {n1} {n2}",
            f"□新华社记者 {n1} {n2} {n3}",
            f"● 本报记者 {n1}",
            f"本报记者 {n1} 通讯员 {n2}",
        ))

    def closing_note(self) -> str:
        n1, n2 = self.distinct_names(2)
        return self.rng.choice((
            f"（本报记者 {n1} 整理）",
            f"（新华社{self.city()}{self.dateline_day()}电）",
            f"（记者 {n1} {n2}）",
        ))

    def credit(self) -> str:
        n = self.name()
        return self.rng.choice((f"新华社记者 {n} 摄", f"本报记者 {n}／摄", f"{n}/摄", f"本报记者 {n} 摄"))

    def kicker(self, source: Source, headline: str) -> str:
        """A clause of the source's opening, a subhead of any source or a column label —
        never the headline itself."""
        own = [c for c in clauses(" ".join(i.text for i in source.items[:4]), *KICKER_CLAUSE) if c not in headline]
        pool = [k for k in self.kicker_pool if k != headline and k not in self.headlines]
        use_own = own and (self.rng.random() < OWN_CLAUSE_P or not pool)
        return self.rng.choice(own if use_own else pool or list(COLUMN_LABELS))

    def subtitle(self, source: Source) -> str:
        if source.subtitle and self.rng.random() < SOURCE_PART_P:
            return source.subtitle
        own = clauses(" ".join(i.text for i in source.items), *SUBTITLE_CLAUSE)
        body = self.rng.choice(own) if own else source.headline
        return "——" + body

    @staticmethod
    def shortened(headline: str, rng: random.Random) -> str:
        """The repeated headline of a continued part: the same, one half of a two-part
        headline, or its tail after a function word ("…要|全面实施…")."""
        halves = [h for h in re.split(r"[ ：:]", headline) if len(h) >= 4]
        r = rng.random()
        if len(halves) >= 2 and r < SHORTEN_HALF_P:
            return rng.choice(halves)
        tails = headline_tails(headline, len(headline))
        if tails and r < SHORTEN_HALF_P + SHORTEN_TAIL_P:
            return rng.choice(tails)
        return headline

    def figure(self, source: Source, tuwei: bool) -> FigureText:
        """A caption (with or without 图为) and a credit, about ``source``."""
        own = [c for c in source.captions if ("图为" in c.caption) == tuwei]
        if own and self.rng.random() < SOURCE_PART_P:
            c = self.rng.choice(own)
            return FigureText(c.caption, c.credit or self.credit())
        sents = [s for it in source.items if it.kind == "p" for s in sentences(it.text)
                 if CAPTION_SENTENCE[0] <= len(s) <= CAPTION_SENTENCE[1] and not SOURCE_LEAD_RE.match(s)]
        sent = self.rng.choice(sents) if sents else ""
        if tuwei:
            scene = self.rng.choice(SCENES)
            cap = (sent + "图为" + scene + "。") if sent and self.rng.random() < DATED_CAPTION_P else ("图为" + scene + "。")
        else:
            cap = sent or (source.headline + "。")
        return FigureText(cap, self.credit())

    # ------------------------------------------------------------------ articles
    def ranked(self, exclude: set[str]) -> list[Source]:
        """Sources not in ``exclude``, the ones with most unused text first (ties seeded)."""
        cands = [s for s in self.sources if s.key not in exclude]
        keyed = [(-(sum(len(it.text) for k, it in enumerate(s.items) if k not in self.used[s.key])),
                  self.uses[s.key], self.rng.random(), s) for s in cands]
        keyed.sort(key=lambda t: t[:3])
        return [t[3] for t in keyed]

    def _start(self, source: Source, need: int) -> int:
        """First paragraph of the window: the first unused one; earlier (overlapping text
        another article printed) only when the unused rest is shorter than ``need``."""
        paras = [k for k, it in enumerate(source.items) if it.kind == "p"]
        fresh = [k for k in paras if k not in self.used[source.key]]
        start = fresh[0] if fresh else paras[-1]
        for k in reversed([p for p in paras if p <= start]):
            start = k
            if sum(len(it.text) for it in source.items[k:]) >= need:
                break
        return start

    def article(self, source: Source, style: HeadStyle, need: int = 0) -> ArticleText:
        """An article from ``source``: a window of its items starting at the first unused
        paragraph, with the head and lead ``style`` asks for; ``need`` is the number of
        characters the module can hold."""
        start = self._start(source, need)
        reused = self.uses[source.key] > 0
        self.uses[source.key] += 1
        items = list(source.items[start:])
        headline = self._headline(source, start, reused, style.max_headline)
        art = ArticleText(source=source.key, headline=headline, start=start)
        if style.kicker:
            art.kicker = source.kicker if (source.kicker and not reused) else self.kicker(source, headline)
        if style.subtitle:
            art.subtitle = self.subtitle(source)
        first = normalise(items[0].text)
        m = SOURCE_LEAD_RE.match(first)
        if m and m.end() < len(first):
            first = first[m.end():]
        if style.lead is LeadStyle.INLINE:
            art.lead = self.inline_lead()
            first = art.lead + first
        elif style.lead is LeadStyle.BYLINE:
            art.byline = source.byline if (source.byline and not reused) else self.byline()
        body = [BodyItem("p", first, origin=start)] + [BodyItem(it.kind, it.text, origin=start + k)
                                                       for k, it in enumerate(items[1:], start=1)]
        if style.subheads and not any(b.kind == "h" for b in body):
            body = self._add_subheads(body)
        art.body = body
        if style.closing:
            art.closing = self.closing_note()
        return art

    def _headline(self, source: Source, start: int, reused: bool, limit: int) -> str:
        """The source's headline the first time; for a later window, a subhead standing
        before it, or a half or tail of the headline — one not used yet in this edition if
        there is one."""
        first = self._fitting_headline(source, source.headline, limit) \
            if len(source.headline) > limit else source.headline
        if not reused and start == 0:
            cands = [first]
        else:
            before = [it.text for it in source.items[:start] if it.kind == "h"][::-1]
            halves = [h for h in re.split(r"[ ：:]", source.headline) if len(h) >= 4]
            tails = headline_tails(source.headline, limit)
            cands = [c for c in before + [first] + halves + tails if 4 <= len(c) <= limit] or [first]
        pick = next((c for c in cands if c not in self.headlines), cands[0])
        self.headlines.add(pick)
        return pick

    def _fitting_headline(self, source: Source, headline: str, limit: int) -> str:
        """A headline of at most ``limit`` characters for a narrow module, never cut inside
        a word: one half of a two-part headline, its tail after a function word, or one of
        the source's subheads; else the full headline (the typesetter sets it smaller)."""
        halves = [h for h in re.split(r"[ ：:]", headline) if 4 <= len(h) <= limit]
        if halves:
            return halves[-1]
        tails = headline_tails(headline, limit)
        if tails:
            return tails[0]
        subs = [it.text for it in source.items if it.kind == "h" and 4 <= len(it.text) <= limit]
        if subs:
            return self.rng.choice(subs)
        return headline

    def _add_subheads(self, body: list[BodyItem]) -> list[BodyItem]:
        """Synthetic section subheads: a clause of the paragraph they stand before, every
        SUBHEAD_EVERY paragraphs."""
        out: list[BodyItem] = []
        every = self.rng.choice(SUBHEAD_EVERY)
        for k, b in enumerate(body):
            if k and k % every == 0:
                cl = clauses(b.text, *SUBHEAD_CLAUSE)
                if cl:
                    out.append(BodyItem("h", self.rng.choice(SUBHEAD_ORNAMENTS) + self.rng.choice(cl)))
            out.append(b)
        return out

    def mark_used(self, source_key: str, items: list[BodyItem]) -> None:
        self.used[source_key].update(b.origin for b in items if b.origin >= 0)

