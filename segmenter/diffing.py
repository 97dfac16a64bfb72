"""``segmenter diff OLD NEW``: what changed between two runs, article by article.

OLD and NEW are output folders of editions (paired by edition folder name) or single edition
folders.  Articles are matched across the two by their text, never by id (ids are renumbered
when an article is added above):

1. every article's whitespace-free text is cut into character shingles
   (:data:`SHINGLE_CHARS`); for every pair sharing shingles, ``old share`` is the share of the
   old article's shingles found in the new one and ``new share`` the other way round;
2. one-to-one pairs, identical texts first, then by ``min(old share, new share)`` down to
   :data:`SAME_MIN`: *unchanged* when their items (head fields, jump markers, paragraphs,
   figures) are equal, else *changed*;
3. a new article left over that is made (:data:`PART_MIN`) of one old article's text is a
   part of it: two or more new parts of one old article are a *split*; two or more old
   articles that each went (:data:`PART_MIN`) into one new article are *merged*;
4. the rest are *removed* (only in OLD) and *added* (only in NEW).

Non-article blocks of index.xml (masthead, table of contents, folio, figure, fragment) are
compared as a multiset of texts: a block only in OLD whose text is inside a NEW article
*moved in* (to that article), a block only in NEW whose text was inside an OLD article *moved
out*; otherwise the block was *removed* or *added*.

Changed articles get a unified diff of their items; a changed item paired with its new version
(:data:`INLINE_MIN`) is shown once with character-level marks ``[-old-]{+new+}`` (CJK text has
no spaces, so a word diff would mark the whole paragraph).  Output order is deterministic.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from rapidfuzz.distance import Indel

from .errors import SegmenterError

#: shingle length (characters of whitespace-free text): 3 CJK characters are rarer than the
#: bigrams of common words (中国, 发展) yet survive a one-character edit in most shingles
SHINGLE_CHARS = 3
#: two articles are the same article (unchanged or changed) when each has at least this share
#: of its shingles in the other: an edit of under half the text keeps the pairing, a rewrite
#: of most of it does not (a removed + an added article are then the honest report)
SAME_MIN = 0.5
#: a new article is a part of an old one (split), or an old one went into a new one (merged),
#: when at least this share of its shingles is in the other: a split-off part is all old text
#: (share 1.0 unless it was edited as well); 0.8 leaves room for a fixed headline
PART_MIN = 0.8
#: a changed item is shown once with character marks when its old and new texts have at least
#: this Indel similarity (rapidfuzz, 0..1); below it they are shown as - and + lines
INLINE_MIN = 0.5
#: an equal run shorter than this between two changes is folded into them, so that a
#: rewritten phrase reads [-旧的说法-]{+新的说法+}, not [-旧-]{+新+}的[-说法-]{+讲法+}
MIN_EQUAL_CHARS = 2
#: unchanged items shown around a change in the unified diff
CONTEXT_ITEMS = 1
#: unchanged characters kept on each side of a character-level change (display only)
CONTEXT_CHARS = 20

HEAD_FIELDS = ("kicker", "headline", "subtitle", "byline")
BLOCK_KINDS = ("masthead", "toc", "folio", "figure", "fragment")


class DiffError(SegmenterError):
    """Bad input: a missing folder, not an output folder, malformed XML, ambiguous pairing."""


# ----------------------------------------------------------------------------- reading

@dataclass(frozen=True, slots=True)
class Item:
    """One unit of an article: a head field, a jump marker, a paragraph, a caption …"""

    kind: str                  # "headline", "p", "h", "continued", "caption", "credit" …
    text: str                  # whitespace collapsed to single spaces

    @property
    def line(self) -> str:
        return f"{self.kind}: {self.text}"


@dataclass(slots=True)
class ArticleDoc:
    id: str
    headline: str
    items: list[Item]
    key: str                   # whitespace-free text of all items
    shingles: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.id} 「{self.headline}」" if self.headline else self.id


@dataclass(frozen=True, slots=True)
class BlockDoc:
    kind: str                  # one of BLOCK_KINDS
    text: str
    key: str


@dataclass(slots=True)
class EditionDoc:
    name: str
    path: str
    articles: list[ArticleDoc]
    blocks: list[BlockDoc]


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                          remove_pis=True, huge_tree=True)


def _one_line(msg: object) -> str:
    return " ".join(str(msg).split())


def _parse(path: Path, root_tag: str) -> etree._Element:
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except etree.XMLSyntaxError as e:
        raise DiffError(f"{path}: malformed XML: {_one_line(e)}") from None
    except (OSError, etree.LxmlError) as e:
        raise DiffError(f"{path}: cannot read: {_one_line(e)}") from None
    if root.tag != root_tag:
        raise DiffError(f"{path}: expected root <{root_tag}>, found <{root.tag}>")
    return root


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _key(text: str) -> str:
    return "".join(text.split())


def _shingles(key: str) -> frozenset[str]:
    n = SHINGLE_CHARS
    if len(key) <= n:
        return frozenset([key]) if key else frozenset()
    return frozenset(key[i:i + n] for i in range(len(key) - n + 1))


def _figure_items(fig: etree._Element) -> list[Item]:
    return [Item(c.tag, _norm(c.text)) for c in fig if c.tag in ("caption", "credit")]


def read_article(path: Path) -> ArticleDoc:
    root = _parse(path, "article")
    items: list[Item] = []
    headline = ""
    for child in root:
        tag = child.tag
        if tag == "head":
            for c in child:
                if c.tag in HEAD_FIELDS:
                    items.append(Item(c.tag, _norm(c.text)))
                    if c.tag == "headline":
                        headline = _norm(c.text)
        elif tag in ("continued", "continues"):
            items.append(Item(tag, _norm(child.get("marker"))))
        elif tag == "body":
            items += [Item(c.tag, _norm(c.text)) for c in child if c.tag in ("p", "h")]
        elif tag == "figure":
            items += _figure_items(child)
    key = "".join(_key(it.text) for it in items)
    return ArticleDoc(root.get("id") or path.stem, headline, items, key, _shingles(key))


def read_edition(d: Path) -> EditionDoc:
    index = _parse(d / "index.xml", "edition")
    files = [el.get("file") for el in index.findall("article") if el.get("file")]
    listed = set(files)
    files += sorted(p.name for p in d.glob("*.xml") if p.name != "index.xml" and p.name not in listed)
    articles = []
    for name in files:
        if not (d / name).is_file():
            raise DiffError(f"{d / 'index.xml'}: lists {name}, which is not in the folder")
        articles.append(read_article(d / name))
    blocks = []
    for el in index:
        if el.tag == "figure":
            text = " / ".join(it.text for it in _figure_items(el))
        elif el.tag == "fragment":
            text = _norm(el.text)
        elif el.tag in ("masthead", "toc", "folio"):
            text = " / ".join(_norm(li.text) for li in el if li.tag == "line")
        else:
            continue
        blocks.append(BlockDoc(el.tag, text, _key(text.replace(" / ", ""))))
    return EditionDoc(index.get("name") or d.name, str(d), articles, blocks)


def _is_edition(d: Path) -> bool:
    return (d / "index.xml").is_file()


def _editions_in(d: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(d.iterdir())
            if p.is_dir() and not p.name.startswith(".") and _is_edition(p)}


def _pairs(old: Path, new: Path) -> list[tuple[str, Path | None, Path | None]]:
    """(label, old edition folder or None, new edition folder or None), sorted by label."""
    for d, what in ((old, "OLD"), (new, "NEW")):
        if not d.exists():
            raise DiffError(f"{d}: no such folder ({what})")
        if not d.is_dir():
            raise DiffError(f"{d}: not a folder ({what})")
    if _is_edition(old) and _is_edition(new):
        return [(new.resolve().name, old, new)]
    olds = {old.resolve().name: old} if _is_edition(old) else _editions_in(old)
    news = {new.resolve().name: new} if _is_edition(new) else _editions_in(new)
    for d, eds, what in ((old, olds, "OLD"), (new, news, "NEW")):
        if not eds:
            raise DiffError(f"{d}: not an output folder ({what}: no index.xml, and no edition "
                            "folders with one)")
    if _is_edition(old) != _is_edition(new):
        single, many = (olds, news) if _is_edition(old) else (news, olds)
        (name, path), = single.items()
        if name in many:
            other = many[name]
        elif len(many) == 1:
            other = next(iter(many.values()))
        else:
            raise DiffError(f"one side is the edition {name} but the other holds "
                            f"{len(many)} editions and none of that name: give both edition folders")
        return [(name, path, other) if single is olds else (name, other, path)]
    return [(n, olds.get(n), news.get(n)) for n in sorted(set(olds) | set(news))]


# ----------------------------------------------------------------------------- results

@dataclass(frozen=True, slots=True)
class CharOp:
    op: str                    # "equal" or "change"
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One line of an article diff."""

    op: str                    # "equal", "delete", "insert", "change"
    old_index: int | None      # 1-based item number in the old article (text)
    new_index: int | None
    old: Item | None
    new: Item | None
    chars: tuple[CharOp, ...] = ()   # for "change": character-level operations


@dataclass(frozen=True, slots=True)
class Hunk:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    lines: tuple[ItemChange, ...]


@dataclass(slots=True)
class ArticleChange:
    kind: str                  # "unchanged", "changed", "split", "merged", "added", "removed"
    old: list[ArticleDoc]
    new: list[ArticleDoc]
    similarity: float = 1.0    # min(old share, new share) of the pair (1.0 when not a pair)
    hunks: list[Hunk] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "old": [a.id for a in self.old], "new": [a.id for a in self.new],
                "headline": (self.new or self.old)[0].headline,
                "similarity": round(self.similarity, 3),
                "hunks": [_hunk_dict(h) for h in self.hunks]}


@dataclass(frozen=True, slots=True)
class BlockChange:
    kind: str                  # "moved-in", "moved-out", "added", "removed"
    block: BlockDoc
    article: str               # the article the text moved into / out of ("" otherwise)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "block": self.block.kind, "text": self.block.text,
                "article": self.article}


ARTICLE_KINDS = ("unchanged", "changed", "split", "merged", "added", "removed")
BLOCK_CHANGE_KINDS = ("moved-in", "moved-out", "added", "removed")


@dataclass(slots=True)
class EditionDiff:
    name: str
    old: EditionDoc | None
    new: EditionDoc | None
    articles: list[ArticleChange] = field(default_factory=list)
    blocks: list[BlockChange] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "paired"

    def counts(self) -> Counter:
        c = Counter({k: 0 for k in ARTICLE_KINDS})
        c.update(a.kind for a in self.articles)
        c.update(f"blocks-{b.kind}" for b in self.blocks)
        return c

    @property
    def identical(self) -> bool:
        return self.status == "paired" and not self.blocks and \
            all(a.kind == "unchanged" for a in self.articles)


@dataclass(slots=True)
class DiffResult:
    old: str
    new: str
    editions: list[EditionDiff]

    @property
    def identical(self) -> bool:
        return all(e.identical for e in self.editions)

    def counts(self) -> Counter:
        c = Counter({k: 0 for k in ARTICLE_KINDS})
        for e in self.editions:
            c.update(e.counts())
        return c

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "identical": self.identical,
                "summary": _summary_dict(self.counts(), self.editions),
                "editions": [{"name": e.name, "status": e.status,
                              "old": e.old.path if e.old else None,
                              "new": e.new.path if e.new else None,
                              "summary": _summary_dict(e.counts(), [e]),
                              "articles": [a.to_dict() for a in e.articles],
                              "blocks": [b.to_dict() for b in e.blocks]}
                             for e in self.editions]}


def _summary_dict(c: Counter, eds: list[EditionDiff]) -> dict:
    out = {k: c[k] for k in ARTICLE_KINDS}
    out.update({f"blocks_{k.replace('-', '_')}": c[f"blocks-{k}"] for k in BLOCK_CHANGE_KINDS})
    out["editions_added"] = sum(1 for e in eds if e.status == "added")
    out["editions_removed"] = sum(1 for e in eds if e.status == "removed")
    return out


def _hunk_dict(h: Hunk) -> dict:
    return {"old_start": h.old_start, "old_len": h.old_len, "new_start": h.new_start,
            "new_len": h.new_len,
            "lines": [{"op": ln.op, "old_index": ln.old_index, "new_index": ln.new_index,
                       "kind": (ln.new or ln.old).kind,
                       "old": ln.old.text if ln.old else None,
                       "new": ln.new.text if ln.new else None,
                       "chars": [[c.op, c.old, c.new] for c in ln.chars]}
                      for ln in h.lines]}


# ----------------------------------------------------------------------------- matching

def _overlaps(old: list[ArticleDoc], new: list[ArticleDoc], olds: list[int],
              news: list[int]) -> dict[tuple[int, int], int]:
    """(old index, new index) → number of shared shingles, for pairs that share any and have
    an old article in ``olds`` or a new one in ``news`` (the articles not paired by identical
    text: a re-run leaves most articles identical, and they need no shingle counting)."""
    out: dict[tuple[int, int], int] = {}
    for these, those, flip in ((olds, new, False), (news, old, True)):
        if not these:
            continue
        where: dict[str, list[int]] = {}
        for j, b in enumerate(those):
            for sh in b.shingles:
                where.setdefault(sh, []).append(j)
        src = new if flip else old
        for i in these:
            c: Counter = Counter()
            for sh in src[i].shingles:
                js = where.get(sh)
                if js:
                    c.update(js)
            for j, n in c.items():
                out[(j, i) if flip else (i, j)] = n
    return out


def _share(n: int, doc: ArticleDoc) -> float:
    return n / len(doc.shingles) if doc.shingles else 0.0


def match_articles(old: list[ArticleDoc], new: list[ArticleDoc]) -> list[ArticleChange]:
    """Classify the articles of two editions (see the module docstring); deterministic."""
    # identical texts pair first, in order (this also pairs empty articles)
    o2n: dict[int, int] = {}
    n2o: dict[int, int] = {}
    by_key: dict[str, list[int]] = {}
    for j, b in enumerate(new):
        by_key.setdefault(b.key, []).append(j)
    for i, a in enumerate(old):
        js = by_key.get(a.key)
        if js:
            j = js.pop(0)
            o2n[i], n2o[j] = j, i
    inter = _overlaps(old, new, [i for i in range(len(old)) if i not in o2n],
                      [j for j in range(len(new)) if j not in n2o])
    sim = {p: min(_share(n, old[p[0]]), _share(n, new[p[1]])) for p, n in inter.items()}
    for i, j in sorted(sim, key=lambda p: (-sim[p], p)):
        if sim[(i, j)] < SAME_MIN:
            break
        if i not in o2n and j not in n2o:
            o2n[i], n2o[j] = j, i
    # splits: left-over new articles made of one old article's text
    best_src: dict[int, int] = {}
    for (i, j), n in sorted(inter.items()):
        if j in n2o:
            continue
        sh = _share(n, new[j])
        if sh >= PART_MIN and (j not in best_src or sh > _share(inter[(best_src[j], j)], new[j])):
            best_src[j] = i
    splits: dict[int, list[int]] = {}
    for j, i in sorted(best_src.items()):
        splits.setdefault(i, [o2n[i]] if i in o2n else []).append(j)
    splits = {i: sorted(js) for i, js in splits.items() if len(js) >= 2}
    in_split_old = set(splits)
    in_split_new = {j for js in splits.values() for j in js}
    # merges: left-over old articles that went into one new article
    best_dst: dict[int, int] = {}
    for (i, j), n in sorted(inter.items()):
        if i in o2n or i in in_split_old or j in in_split_new:
            continue
        sh = _share(n, old[i])
        if sh >= PART_MIN and (i not in best_dst or sh > _share(inter[(i, best_dst[i])], old[i])):
            best_dst[i] = j
    merges: dict[int, list[int]] = {}
    for i, j in sorted(best_dst.items()):
        merges.setdefault(j, [n2o[j]] if j in n2o else []).append(i)
    merges = {j: sorted(is_) for j, is_ in merges.items() if len(is_) >= 2}
    in_merge_old = {i for is_ in merges.values() for i in is_}
    in_merge_new = set(merges)

    out: list[ArticleChange] = []
    for i, js in splits.items():
        parts = [new[j] for j in js]
        out.append(ArticleChange("split", [old[i]], parts, 1.0,
                                 _hunks([old[i]], parts)))
    for j, is_ in merges.items():
        srcs = [old[i] for i in is_]
        out.append(ArticleChange("merged", srcs, [new[j]], 1.0, _hunks(srcs, [new[j]])))
    for i, j in sorted(o2n.items()):
        if i in in_split_old or i in in_merge_old or j in in_split_new or j in in_merge_new:
            continue
        a, b = old[i], new[j]
        if [it.line for it in a.items] == [it.line for it in b.items]:
            out.append(ArticleChange("unchanged", [a], [b], 1.0))
        else:
            out.append(ArticleChange("changed", [a], [b], round(sim.get((i, j), 1.0), 3),
                                     _hunks([a], [b])))
    used_old = set(o2n) | in_split_old | in_merge_old
    used_new = set(n2o) | in_split_new | in_merge_new
    out += [ArticleChange("removed", [a], []) for i, a in enumerate(old) if i not in used_old]
    out += [ArticleChange("added", [], [b]) for j, b in enumerate(new) if j not in used_new]
    pos_old = {id(a): i for i, a in enumerate(old)}
    pos_new = {id(b): j for j, b in enumerate(new)}

    def order(c: ArticleChange) -> tuple:
        first = min((pos_old[id(a)] for a in c.old), default=len(old))
        return (ARTICLE_KINDS.index(c.kind), first, min((pos_new[id(b)] for b in c.new), default=0))
    return sorted(out, key=order)


def match_blocks(old: EditionDoc, new: EditionDoc) -> list[BlockChange]:
    co = Counter(b.key for b in old.blocks)
    cn = Counter(b.key for b in new.blocks)
    out: list[BlockChange] = []
    for side, blocks, excess, articles, there, elsewhere in (
            ("old", old.blocks, co - cn, new.articles, "moved-in", "removed"),
            ("new", new.blocks, cn - co, old.articles, "moved-out", "added")):
        left = Counter(excess)
        for b in blocks:
            if left[b.key] <= 0:
                continue
            left[b.key] -= 1
            home = next((a.id for a in articles if b.key and b.key in a.key), "")
            out.append(BlockChange(there if home else elsewhere, b, home))
    return out


def diff_outputs(old: Path, new: Path) -> DiffResult:
    """Compare two output folders (or edition folders); see the module docstring."""
    old, new = Path(old), Path(new)
    result = DiffResult(str(old), str(new), [])
    for label, o, n in _pairs(old, new):
        eo = read_edition(o) if o is not None else None
        en = read_edition(n) if n is not None else None
        ed = EditionDiff(label, eo, en)
        ed.articles = match_articles(eo.articles if eo else [], en.articles if en else [])
        if eo is not None and en is not None:
            ed.blocks = match_blocks(eo, en)
        result.editions.append(ed)
    return result


# ----------------------------------------------------------------------------- item diffs

def char_ops(a: str, b: str) -> tuple[CharOp, ...]:
    """Character-level operations turning ``a`` into ``b``: equal runs and changes (an old
    and/or a new text), equal runs shorter than :data:`MIN_EQUAL_CHARS` between two changes
    folded into them."""
    segs: list[list] = []   # [op, old, new]
    for op in Indel.opcodes(a, b):
        o, n = a[op.src_start:op.src_end], b[op.dest_start:op.dest_end]
        kind = "equal" if op.tag == "equal" else "change"
        if segs and segs[-1][0] == kind == "change":
            segs[-1][1] += o
            segs[-1][2] += n
        else:
            segs.append([kind, o, n])
    out: list[list] = []
    for k, seg in enumerate(segs):
        if seg[0] == "equal" and 0 < k < len(segs) - 1 and len(seg[1]) < MIN_EQUAL_CHARS \
                and out and out[-1][0] == "change":
            out[-1][1] += seg[1]
            out[-1][2] += seg[2]
            continue
        if seg[0] == "change" and out and out[-1][0] == "change":
            out[-1][1] += seg[1]
            out[-1][2] += seg[2]
            continue
        out.append(list(seg))
    return tuple(CharOp(*s) for s in out)


def _similar(a: Item, b: Item) -> bool:
    return a.kind == b.kind and Indel.normalized_similarity(_key(a.text), _key(b.text)) >= INLINE_MIN


def _hunks(old: list[ArticleDoc], new: list[ArticleDoc]) -> list[Hunk]:
    a = [it for d in old for it in d.items]
    b = [it for d in new for it in d.items]
    sm = difflib.SequenceMatcher(None, [it.line for it in a], [it.line for it in b], autojunk=False)
    hunks = []
    for group in sm.get_grouped_opcodes(CONTEXT_ITEMS):
        lines: list[ItemChange] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [ItemChange("equal", i + 1, j + 1, a[i], b[j])
                          for i, j in zip(range(i1, i2), range(j1, j2))]
                continue
            i, j = i1, j1
            while i < i2 or j < j2:
                if i < i2 and j < j2 and _similar(a[i], b[j]):
                    lines.append(ItemChange("change", i + 1, j + 1, a[i], b[j],
                                            char_ops(a[i].text, b[j].text)))
                    i, j = i + 1, j + 1
                elif i < i2 and (j >= j2 or i - i1 <= j - j1):
                    lines.append(ItemChange("delete", i + 1, None, a[i], None))
                    i += 1
                else:
                    lines.append(ItemChange("insert", None, j + 1, None, b[j]))
                    j += 1
        i1, j1 = group[0][1], group[0][3]
        hunks.append(Hunk(i1 + 1, group[-1][2] - i1, j1 + 1, group[-1][4] - j1, tuple(lines)))
    return hunks


# ----------------------------------------------------------------------------- text output

def _clip(text: str, after_change: bool, before_change: bool) -> str:
    """An equal run inside a marked line, cut to CONTEXT_CHARS next to the changes."""
    n = CONTEXT_CHARS
    if after_change and before_change:
        return text if len(text) <= 2 * n + 1 else text[:n] + "…" + text[-n:]
    if before_change:
        return text if len(text) <= n + 1 else "…" + text[-n:]
    if after_change:
        return text if len(text) <= n + 1 else text[:n] + "…"
    return text


def marked(ops: tuple[CharOp, ...]) -> str:
    """``[-old-]{+new+}`` marks, equal runs clipped around the changes."""
    out = []
    for k, c in enumerate(ops):
        if c.op == "equal":
            out.append(_clip(c.old, k > 0, k < len(ops) - 1))
        else:
            out.append((f"[-{c.old}-]" if c.old else "") + (f"{{+{c.new}+}}" if c.new else ""))
    return "".join(out)


def _summary_line(c: Counter) -> str:
    parts = [f"{c[k]} {k}" for k in ARTICLE_KINDS]
    blocks = [f"{c[f'blocks-{k}']} {k}" for k in BLOCK_CHANGE_KINDS if c[f"blocks-{k}"]]
    return "articles: " + ", ".join(parts) + (f"; blocks: {', '.join(blocks)}" if blocks else "")


def format_diff(result: DiffResult) -> str:
    """Text report: the summary line first, then each edition's changes."""
    c = result.counts()
    eds_added = sum(1 for e in result.editions if e.status == "added")
    eds_removed = sum(1 for e in result.editions if e.status == "removed")
    head = f"{'identical' if result.identical else 'different'}: {_summary_line(c)}"
    if eds_added or eds_removed:
        head += f"; editions: {eds_added} added, {eds_removed} removed"
    lines = [head]
    many = len(result.editions) > 1
    for e in result.editions:
        if many or e.status != "paired":
            lines.append(f"=== edition {e.name}: {e.status}" +
                         ("" if e.status != "paired" else f" ({_summary_line(e.counts())})"))
        for a in e.articles:
            if a.kind == "unchanged":
                continue
            olds = ", ".join(x.label for x in a.old) or "-"
            news = ", ".join(x.label for x in a.new) or "-"
            if a.kind in ("added",):
                lines.append(f"added {news}")
            elif a.kind == "removed":
                lines.append(f"removed {olds}")
            elif a.kind == "changed" and olds == news:
                lines.append(f"changed {olds} (similarity {a.similarity:.2f})")
            else:
                sim = f" (similarity {a.similarity:.2f})" if a.kind == "changed" else ""
                lines.append(f"{a.kind} {olds} -> {news}{sim}")
            for h in a.hunks:
                lines.append(f"@@ -{h.old_start},{h.old_len} +{h.new_start},{h.new_len} @@")
                for ln in h.lines:
                    if ln.op == "equal":
                        lines.append(f"  {ln.old.line}")
                    elif ln.op == "delete":
                        lines.append(f"- {ln.old.line}")
                    elif ln.op == "insert":
                        lines.append(f"+ {ln.new.line}")
                    else:
                        lines.append(f"~ {ln.new.kind}: {marked(ln.chars)}")
        for b in e.blocks:
            what = f"{b.block.kind} \"{b.block.text}\""
            if b.kind == "moved-in":
                lines.append(f"block moved in: {what} -> article {b.article}")
            elif b.kind == "moved-out":
                lines.append(f"block moved out: {what} <- article {b.article}")
            else:
                lines.append(f"block {b.kind}: {what}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- HTML

_HTML_CSS = """
main{padding:8px 16px;max-width:1400px}
section.change{border:1px solid var(--line);border-left:6px solid var(--c);margin:10px 0;border-radius:4px}
section.change h2{font-size:1rem;margin:0;padding:4px 8px;background:var(--panel)}
section.change.focus{outline:3px solid #000}
table.sbs{width:100%;border-collapse:collapse;table-layout:fixed}
table.sbs td{vertical-align:top;padding:2px 8px;border-top:1px solid var(--line);word-break:break-all}
table.sbs td.n{width:3em;color:var(--muted);text-align:right;font-variant-numeric:tabular-nums}
table.sbs td.k{width:5.5em;color:var(--muted)}
tr.delete td.o,tr.change td.o{background:#fff3f3}tr.insert td.w,tr.change td.w{background:#f1fbf3}
tr.gap td{color:var(--muted);text-align:center;background:var(--panel)}
ul.blocks li{margin:2px 0}
"""

_HTML_JS = """
(function(){var s=[].slice.call(document.querySelectorAll('section.change')),i=-1;
function go(d){if(!s.length)return;if(i>=0)s[i].classList.remove('focus');
i=(i+d+s.length)%s.length;s[i].classList.add('focus');s[i].scrollIntoView({block:'start'});}
document.addEventListener('keydown',function(e){if(e.target.tagName==='INPUT')return;
if(e.key==='j'||e.key==='n')go(1);else if(e.key==='k'||e.key==='p')go(-1);});})();
"""


def _marked_html(ops: tuple[CharOp, ...], side: str) -> str:
    from .htmlkit import esc
    out = []
    for c in ops:
        if c.op == "equal":
            out.append(esc(c.old))
        elif side == "old" and c.old:
            out.append(f"<del>{esc(c.old)}</del>")
        elif side == "new" and c.new:
            out.append(f"<ins>{esc(c.new)}</ins>")
    return "".join(out)


def _row(ln: ItemChange) -> str:
    from .htmlkit import esc
    o = ln.old.text if ln.old else ""
    n = ln.new.text if ln.new else ""
    if ln.op == "change":
        o, n = _marked_html(ln.chars, "old"), _marked_html(ln.chars, "new")
    elif ln.op == "delete":
        o, n = f"<del>{esc(o)}</del>", ""
    elif ln.op == "insert":
        o, n = "", f"<ins>{esc(n)}</ins>"
    else:
        o, n = esc(o), esc(n)
    kind = esc((ln.new or ln.old).kind)
    return (f'<tr class="{ln.op}"><td class="n">{ln.old_index or ""}</td><td class="k">{kind}</td>'
            f'<td class="o">{o}</td><td class="n">{ln.new_index or ""}</td>'
            f'<td class="k">{kind}</td><td class="w">{n}</td></tr>')


def render_html(result: DiffResult) -> str:
    """The side-by-side page (self-contained, deterministic), in the review page's style."""
    from .htmlkit import article_colour, esc, page_shell
    c = result.counts()
    body = [f'<header class="top"><h1>segmenter diff</h1><span class="summary">'
            f'{esc(result.old)} → {esc(result.new)}: '
            f'{"identical" if result.identical else "different"}; {esc(_summary_line(c))}</span>'
            f'<span class="muted"><kbd>j</kbd>/<kbd>k</kbd> next/previous change</span></header><main>']
    n = 0
    for e in result.editions:
        body.append(f'<h2 class="edition">edition {esc(e.name)}: {esc(e.status)} '
                    f'<span class="muted">({esc(_summary_line(e.counts()))})</span></h2>')
        for a in e.articles:
            if a.kind == "unchanged":
                continue
            olds = ", ".join(x.label for x in a.old) or "—"
            news = ", ".join(x.label for x in a.new) or "—"
            body.append(f'<section class="change {a.kind}" data-kind="{a.kind}" '
                        f'style="--c:{article_colour(n)}"><h2>{esc(a.kind)}: {esc(olds)} → {esc(news)}'
                        + (f' <span class="score">similarity {a.similarity:.2f}</span>'
                           if a.kind == "changed" else "") + '</h2>')
            n += 1
            rows = []
            if a.kind in ("added", "removed"):
                doc = (a.new or a.old)[0]
                op = "insert" if a.kind == "added" else "delete"
                rows = [_row(ItemChange(op, None if op == "insert" else k, k if op == "insert" else None,
                                        None if op == "insert" else it, it if op == "insert" else None))
                        for k, it in enumerate(doc.items, start=1)]
            for h in a.hunks:
                rows.append(f'<tr class="gap"><td colspan="6">@@ -{h.old_start},{h.old_len} '
                            f'+{h.new_start},{h.new_len} @@</td></tr>')
                rows += [_row(ln) for ln in h.lines]
            if rows:
                body.append('<table class="sbs">' + "".join(rows) + "</table>")
            body.append("</section>")
        if e.blocks:
            body.append('<section class="change blocks" data-kind="blocks" style="--c:#888">'
                        '<h2>non-article blocks</h2><ul class="blocks">')
            for b in e.blocks:
                where = f" → {b.article}" if b.kind == "moved-in" else \
                    f" ← {b.article}" if b.kind == "moved-out" else ""
                body.append(f'<li data-kind="{esc(b.kind)}"><b>{esc(b.kind)}</b> {esc(b.block.kind)}: '
                            f'{esc(b.block.text)}{esc(where)}</li>')
            body.append("</ul></section>")
    body.append("</main>")
    return page_shell(f"segmenter diff {result.old} {result.new}", "\n".join(body),
                      css=_HTML_CSS, script=_HTML_JS)


def write_diff_html(result: DiffResult, dest: Path) -> Path:
    """Write the side-by-side page atomically (temporary file in the same folder, renamed)."""
    data = render_html(result).encode("utf-8")
    dest = Path(dest)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except OSError as e:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise DiffError(f"{dest}: cannot write ({e.strerror or e})") from None
    return dest
