"""Score segmenter output against gold (``segmenter eval GOLD_DIR OUT_DIR``).

Gold and output share one format (see schema/segmenter.xsd): GOLD_DIR/NAME/index.xml plus
one ``<article>`` file per article.  All text comparisons are made on whitespace-free text.

An article's text is its head fields (kicker, headline, subtitle, byline) followed by its
body ``<p>``/``<h>`` texts, in document order, concatenated, all whitespace removed.

Per edition, gold and predicted articles are paired one-to-one by an optimal assignment
that maximises the summed LCS length of the paired texts.  That single assignment is used
for every metric:

* text recall / precision: summed LCS of all pairs over gold / predicted characters;
* article P/R/F1: a pair is a *match* when its LCS covers >= 90 % of both texts;
* headline accuracy: gold articles that are matched and whose prediction has the same
  whitespace-free headline (both absent is correct), over all gold articles;
* paragraph-boundary P/R/F1: inside matched pairs, predicted paragraph starts mapped into
  gold coordinates through the LCS alignment must land exactly on a gold paragraph start;
* caption placement: gold captions found in the matched predicted article's figures (or,
  for captions of index-level figures, among the predicted index.xml figures);
* jump links: over gold *jumped* articles, the share that are matched to a predicted
  article that holds the text of every part and whose jump elements are all linked.

A gold article is *jumped* when it has a ``<continued>`` or ``<continues>`` element and its
other part is in the edition too: its body ``src`` names two or more pages ("p1:…;p3:…",
"1:12-19,3:4-9") or one of its jump elements says ``linked="true"``.  (A lone
``<continued>`` of a one-page dump, whose other part was never given, does not count.)  Its
prediction is correct when the pair is a match, every page part of the gold body (the body
``<p>``/``<h>`` whose ``src`` names that page) has >= 90 % of its characters aligned in the
pair's LCS alignment, and the predicted article has at least one jump element, all with
``linked="true"``.

GOLD_DIR and OUT_DIR are each either one edition folder (it holds index.xml) or a folder of
edition folders; see :func:`evaluate` for how they are paired.

Counts are kept in :class:`Scores`; overall figures are micro-averages (sum the counts,
then divide).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
from lxml import etree
from rapidfuzz.distance import LCSseq
from rapidfuzz.process import cpdist
from scipy.optimize import linear_sum_assignment

from .errors import SegmenterError

__all__ = ["EvalError", "Scores", "EvalReport", "evaluate", "score_edition", "render_table",
           "format_report"]

MATCH_THRESHOLD = 0.9  # LCS must cover this share of both texts for an article match
HEAD_FIELDS = ("kicker", "headline", "subtitle", "byline")


class EvalError(SegmenterError):
    """Bad evaluation input: a missing directory or an unreadable / malformed XML file."""


# --------------------------------------------------------------------------------------
# scores

def _ratio(num: int, den: int, empty: float) -> float:
    """num/den; ``empty`` when there is nothing to divide by."""
    return num / den if den else empty


def _f1(correct: int, gold: int, pred: int) -> float:
    """Harmonic mean of correct/pred and correct/gold = 2c/(g+p); 1.0 when both are empty."""
    return 2 * correct / (gold + pred) if gold + pred else 1.0


@dataclass
class Scores:
    """Raw counts of one edition (or a sum of editions) and the figures derived from them.

    A figure whose denominator is zero is 1.0 when the other side is empty too (nothing to
    find and nothing wrongly found) and 0.0 otherwise; caption placement with no gold
    captions is 1.0.
    """

    gold_articles: int = 0
    pred_articles: int = 0
    matched: int = 0
    gold_chars: int = 0
    pred_chars: int = 0
    lcs_chars: int = 0
    headlines_correct: int = 0
    boundaries_gold: int = 0
    boundaries_pred: int = 0
    boundaries_correct: int = 0
    captions_gold: int = 0
    captions_placed: int = 0
    jumps_gold: int = 0       # gold jumped articles (parts on two pages of the edition)
    jumps_correct: int = 0    # of those: matched, every part present, all jumps linked

    # articles
    @property
    def article_precision(self) -> float:
        return _ratio(self.matched, self.pred_articles, 1.0 if not self.gold_articles else 0.0)

    @property
    def article_recall(self) -> float:
        return _ratio(self.matched, self.gold_articles, 1.0 if not self.pred_articles else 0.0)

    @property
    def article_f1(self) -> float:
        return _f1(self.matched, self.gold_articles, self.pred_articles)

    # text
    @property
    def text_recall(self) -> float:
        return _ratio(self.lcs_chars, self.gold_chars, 1.0 if not self.pred_chars else 0.0)

    @property
    def text_precision(self) -> float:
        return _ratio(self.lcs_chars, self.pred_chars, 1.0 if not self.gold_chars else 0.0)

    # headlines
    @property
    def headline_accuracy(self) -> float:
        return _ratio(self.headlines_correct, self.gold_articles,
                      1.0 if not self.pred_articles else 0.0)

    # paragraph boundaries
    @property
    def paragraph_precision(self) -> float:
        return _ratio(self.boundaries_correct, self.boundaries_pred,
                      1.0 if not self.boundaries_gold else 0.0)

    @property
    def paragraph_recall(self) -> float:
        return _ratio(self.boundaries_correct, self.boundaries_gold,
                      1.0 if not self.boundaries_pred else 0.0)

    @property
    def paragraph_f1(self) -> float:
        return _f1(self.boundaries_correct, self.boundaries_gold, self.boundaries_pred)

    # figures
    @property
    def caption_placement(self) -> float:
        return _ratio(self.captions_placed, self.captions_gold, 1.0)

    # jumps
    @property
    def jump_links(self) -> float:
        return _ratio(self.jumps_correct, self.jumps_gold, 1.0)

    DERIVED = ("article_precision", "article_recall", "article_f1", "text_recall",
               "text_precision", "headline_accuracy", "paragraph_precision",
               "paragraph_recall", "paragraph_f1", "caption_placement", "jump_links")

    def __add__(self, other: "Scores") -> "Scores":
        if not isinstance(other, Scores):
            return NotImplemented
        return Scores(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in fields(self)})

    def __radd__(self, other):  # lets sum(list_of_scores) work (sum starts from 0)
        if other == 0:
            return self
        return NotImplemented

    def to_dict(self) -> dict:
        d: dict = asdict(self)
        for name in self.DERIVED:
            d[name] = round(getattr(self, name), 4)
        return d


@dataclass
class EvalReport:
    editions: dict[str, Scores] = field(default_factory=dict)
    overall: Scores = field(default_factory=Scores)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "editions": {name: s.to_dict() for name, s in sorted(self.editions.items())},
            "overall": self.overall.to_dict(),
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------------------
# reading

def _nonspace(text: str | None) -> str:
    return "".join(text.split()) if text else ""


def _one_line(msg: object) -> str:
    return " ".join(str(msg).split())


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                          remove_pis=True, huge_tree=True)


def _parse(path: Path, root_tag: str) -> etree._Element:
    try:
        tree = etree.parse(str(path), _PARSER)
    except etree.XMLSyntaxError as e:
        raise EvalError(f"{path}: malformed XML: {_one_line(e)}") from None
    except (OSError, etree.LxmlError) as e:
        raise EvalError(f"{path}: cannot read: {_one_line(e)}") from None
    root = tree.getroot()
    if _local(root) != root_tag:
        raise EvalError(f"{path}: expected root <{root_tag}>, found <{_local(root)}>")
    return root


def _local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(el, name: str | None = None) -> list:
    return [c for c in el if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def _text_of(el) -> str:
    return _nonspace("".join(el.itertext()))


def _captions(el) -> list[str]:
    """Whitespace-free caption texts of the <figure> children of ``el`` (empty ones dropped)."""
    out = []
    for fig in _children(el, "figure"):
        for cap in _children(fig, "caption"):
            t = _text_of(cap)
            if t:
                out.append(t)
    return out


_SRC_PAGE_RE = re.compile(r"(?:^|[,;])\s*p?(\d+):")


def _src_pages(src: str | None) -> frozenset[int]:
    """Pages named by a ``src`` ("p3:x0,…;p4:…" or "1:40,2:3-9"); empty for a one-page
    text dump ("12-19"), which names no page."""
    return frozenset(int(m) for m in _SRC_PAGE_RE.findall(src or ""))


@dataclass
class _Article:
    name: str                 # file name, for messages
    text: str                 # whitespace-free head + body text
    headline: str             # whitespace-free headline ("" when absent)
    boundaries: frozenset[int]  # offsets in ``text`` where a body p/h other than the first starts
    captions: list[str]
    # page -> (start, end) offsets in ``text`` of the body p/h whose src names that page
    parts: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    jumps: list[str | None] = field(default_factory=list)  # linked="…" of each jump element

    @property
    def jumped(self) -> bool:
        """A jump whose other part is in the edition too (see the module docstring)."""
        return bool(self.jumps) and (len(self.parts) >= 2 or "true" in self.jumps)

    @property
    def jumps_linked(self) -> bool:
        return bool(self.jumps) and all(v == "true" for v in self.jumps)


def _read_article(path: Path) -> _Article:
    root = _parse(path, "article")
    parts: list[str] = []
    headline = ""
    for head in _children(root, "head"):
        for c in _children(head):
            if _local(c) in HEAD_FIELDS:
                t = _text_of(c)
                parts.append(t)
                if _local(c) == "headline":
                    headline += t
    pos = sum(map(len, parts))
    body_start = pos
    starts: set[int] = set()
    pages: dict[int, list[tuple[int, int]]] = {}
    for body in _children(root, "body"):
        for c in _children(body):
            if _local(c) in ("p", "h"):
                starts.add(pos)
                t = _text_of(c)
                parts.append(t)
                for page in _src_pages(c.get("src")):
                    pages.setdefault(page, []).append((pos, pos + len(t)))
                pos += len(t)
    text = "".join(parts)
    # the body start itself is no boundary; nor is the end (trailing empty paragraphs)
    bounds = frozenset(b for b in starts if body_start < b < len(text))
    jumps = [c.get("linked") for c in _children(root) if _local(c) in ("continued", "continues")]
    return _Article(path.name, text, headline, bounds, _captions(root), pages, jumps)


@dataclass
class _Edition:
    articles: list[_Article]
    index_captions: list[str]


def _read_edition(d: Path) -> _Edition:
    if not d.is_dir():
        raise EvalError(f"{d}: edition directory not found")
    articles = []
    for p in sorted(d.glob("*.xml")):
        if p.name == "index.xml" or not p.is_file():
            continue
        articles.append(_read_article(p))
    index = d / "index.xml"
    caps = _captions(_parse(index, "edition")) if index.is_file() else []
    return _Edition(articles, caps)


# --------------------------------------------------------------------------------------
# matching

def _char_overlap_bounds(gold: list[str], pred: list[str]) -> np.ndarray:
    """Upper bounds of LCS(g, p): sum over characters of min(count in g, count in p)."""
    vocab: dict[str, int] = {}
    def counts(texts: list[str]) -> list[Counter]:
        out = []
        for t in texts:
            c = Counter(t)
            for ch in c:
                vocab.setdefault(ch, len(vocab))
            out.append(c)
        return out
    gc, pc = counts(gold), counts(pred)
    P = np.zeros((len(pred), len(vocab)), dtype=np.int64)
    for j, c in enumerate(pc):
        P[j, [vocab[ch] for ch in c]] = list(c.values())
    ub = np.zeros((len(gold), len(pred)), dtype=np.int64)
    for i, c in enumerate(gc):
        if not c:
            continue
        cols = np.fromiter((vocab[ch] for ch in c), dtype=np.int64, count=len(c))
        vals = np.fromiter(c.values(), dtype=np.int64, count=len(c))
        ub[i] = np.minimum(P[:, cols], vals).sum(axis=1)
    return ub


def _assign(gold: list[str], pred: list[str]) -> list[tuple[int, int, int]]:
    """Optimal one-to-one pairing maximising the summed LCS.  Returns (gold i, pred j, lcs).

    Exact but lazy: entries not yet computed stand at an upper bound (character-multiset
    overlap).  When the optimum of that optimistic matrix uses only exact entries, its value
    is the true optimum (every other assignment's true value is at most its optimistic
    value); otherwise the optimistic entries it used are computed and the problem re-solved.
    """
    if not gold or not pred:
        return []
    ub = _char_overlap_bounds(gold, pred)
    M = ub.copy()
    exact = ub == 0  # no common character: LCS is 0

    def compute(cells: set[tuple[int, int]]) -> None:
        cells = sorted(c for c in cells if not exact[c])
        if not cells:
            return
        vals = cpdist([gold[i] for i, _ in cells], [pred[j] for _, j in cells],
                      scorer=LCSseq.similarity, dtype=np.int64, workers=-1)
        for (i, j), v in zip(cells, vals):
            M[i, j] = v
            exact[i, j] = True

    def best_open(i: int | None, j: int | None, k: int) -> list[tuple[int, int]]:
        """The k not-yet-exact cells of row i (or column j) with the highest bounds."""
        if i is not None:
            line = np.where(exact[i], -1, ub[i])
            return [(i, int(c)) for c in np.argsort(-line, kind="stable")[:k] if line[c] >= 0]
        line = np.where(exact[:, j], -1, ub[:, j])
        return [(int(r), j) for r in np.argsort(-line, kind="stable")[:k] if line[r] >= 0]

    # seed with each article's most promising partners
    seed: set[tuple[int, int]] = set()
    for i in range(len(gold)):
        seed.update(best_open(i, None, 3))
    for j in range(len(pred)):
        seed.update(best_open(None, j, 3))
    compute(seed)
    while True:
        rows, cols = linear_sum_assignment(M, maximize=True)
        todo = [(int(i), int(j)) for i, j in zip(rows, cols) if not exact[i, j]]
        if not todo:
            break
        # the chosen optimistic cells, plus the next most promising ones in their rows and
        # columns (fewer rounds of the assignment solver)
        batch = set(todo)
        for i, j in todo:
            batch.update(best_open(i, None, 4))
            batch.update(best_open(None, j, 4))
        compute(batch)
    return [(int(i), int(j), int(M[i, j])) for i, j in zip(rows, cols)]


def _is_match(lcs: int, glen: int, plen: int) -> bool:
    # integer form of lcs/glen >= 0.9 and lcs/plen >= 0.9 (no float trouble at the edge)
    return 10 * lcs >= 9 * glen and 10 * lcs >= 9 * plen


def _boundary_hits(gold: _Article, pred: _Article) -> int:
    """Gold boundaries hit by a predicted boundary mapped through the LCS alignment.

    A predicted boundary at offset j (a paragraph starts with pred char j) maps to the
    gold position of the first pred character at or after j that the alignment pairs with
    a gold character; unaligned trailing text maps nowhere.
    """
    if not gold.boundaries or not pred.boundaries:
        return 0
    n = len(pred.text)
    to_gold = np.full(n + 1, -1, dtype=np.int64)
    for op in LCSseq.opcodes(pred.text, gold.text):
        if op.tag == "equal":
            to_gold[op.src_start:op.src_end] = np.arange(op.dest_start, op.dest_end)
    # next aligned position at or after j: backward fill
    nxt = to_gold.copy()
    for j in range(n - 1, -1, -1):
        if nxt[j] < 0:
            nxt[j] = nxt[j + 1]
    mapped = {int(nxt[j]) for j in pred.boundaries if nxt[j] >= 0}
    return len(mapped & gold.boundaries)


def _parts_present(gold: _Article, pred: _Article) -> bool:
    """Every page part of the gold body has >= 90 % of its characters aligned with the
    prediction in the pair's LCS alignment."""
    aligned = np.zeros(len(gold.text) + 1, dtype=np.int64)  # prefix sums of aligned chars
    hit = np.zeros(len(gold.text), dtype=bool)
    for op in LCSseq.opcodes(gold.text, pred.text):
        if op.tag == "equal":
            hit[op.src_start:op.src_end] = True
    aligned[1:] = np.cumsum(hit)
    for ranges in gold.parts.values():
        total = sum(e - s for s, e in ranges)
        got = sum(int(aligned[e] - aligned[s]) for s, e in ranges)
        if 10 * got < 9 * total:
            return False
    return True


def _score(gold: _Edition, pred: _Edition) -> Scores:
    s = Scores(
        gold_articles=len(gold.articles),
        pred_articles=len(pred.articles),
        gold_chars=sum(len(a.text) for a in gold.articles),
        pred_chars=sum(len(a.text) for a in pred.articles),
        boundaries_gold=sum(len(a.boundaries) for a in gold.articles),
        boundaries_pred=sum(len(a.boundaries) for a in pred.articles),
        captions_gold=sum(len(a.captions) for a in gold.articles) + len(gold.index_captions),
        jumps_gold=sum(a.jumped for a in gold.articles),
    )
    pairs = _assign([a.text for a in gold.articles], [a.text for a in pred.articles])
    for i, j, lcs in pairs:
        g, p = gold.articles[i], pred.articles[j]
        s.lcs_chars += lcs
        if not _is_match(lcs, len(g.text), len(p.text)):
            continue
        s.matched += 1
        # headline accuracy is conditional on the article being found: an unmatched gold
        # article never counts as correct, even when it has no headline
        s.headlines_correct += g.headline == p.headline
        s.boundaries_correct += _boundary_hits(g, p)
        s.captions_placed += _multiset_hits(g.captions, p.captions)
        s.jumps_correct += g.jumped and p.jumps_linked and _parts_present(g, p)
    s.captions_placed += _multiset_hits(gold.index_captions, pred.index_captions)
    return s


def _multiset_hits(gold: list[str], pred: list[str]) -> int:
    return sum((Counter(gold) & Counter(pred)).values())


# --------------------------------------------------------------------------------------
# public entry points

def score_edition(gold_edition_dir: Path, pred_edition_dir: Path) -> Scores:
    """Scores of one predicted edition folder against its gold folder."""
    gold = _read_edition(Path(gold_edition_dir))
    pred = _read_edition(Path(pred_edition_dir))
    return _score(gold, pred)


def _is_edition(d: Path) -> bool:
    """An edition folder is one that holds an index.xml."""
    return (d / "index.xml").is_file()


def _edition_dirs(d: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(d.iterdir()) if p.is_dir() and not p.name.startswith(".")}


def _edition_name(d: Path) -> str:
    """The name in an edition folder's index.xml, else the folder's name."""
    name = _parse(d / "index.xml", "edition").get("name") if _is_edition(d) else None
    return name or d.name


def _pairs(gold_dir: Path, out_dir: Path, notes: list[str]) -> list[tuple[str, Path, Path | None]]:
    """(label, gold edition folder, output edition folder or None) for every gold edition.

    * GOLD is one edition folder: it is scored against OUT if OUT is one edition folder too,
      else against the only edition folder inside OUT, whatever the names.
    * GOLD is a folder of editions and OUT one edition folder: GOLD must hold exactly one
      edition, which is scored against OUT.
    * both are folders of editions: editions are paired by folder name; a gold edition
      missing from OUT is scored against an empty prediction, editions only in OUT are
      ignored (both noted).
    """
    if _is_edition(gold_dir):
        label = _edition_name(gold_dir)
        if _is_edition(out_dir):
            if out_dir.name != label:
                notes.append(f"edition {label}: scored against {out_dir.name}")
            return [(label, gold_dir, out_dir)]
        inside = [d for d in _edition_dirs(out_dir).values() if _is_edition(d)]
        if len(inside) > 1:
            raise EvalError(
                f"{gold_dir} is one edition but {out_dir} holds {len(inside)} editions "
                f"({', '.join(d.name for d in inside)}): give the output edition folder itself")
        if not inside:
            notes.append(f"edition {label}: no edition folder in {out_dir}, scored as empty")
            return [(label, gold_dir, None)]
        if inside[0].name != label:
            notes.append(f"edition {label}: scored against {inside[0].name}")
        return [(label, gold_dir, inside[0])]
    gold_eds = _edition_dirs(gold_dir)
    if _is_edition(out_dir):
        if len(gold_eds) != 1:
            raise EvalError(
                f"{out_dir} is one edition but {gold_dir} holds {len(gold_eds)} gold editions: "
                f"give the gold edition folder itself")
        (label, g), = gold_eds.items()
        if out_dir.name != label:
            notes.append(f"edition {label}: scored against {out_dir.name}")
        return [(label, g, out_dir)]
    out_eds = _edition_dirs(out_dir)
    if not gold_eds:
        notes.append(f"no edition folders in {gold_dir}")
    pairs: list[tuple[str, Path, Path | None]] = []
    for name in sorted(gold_eds):
        if name not in out_eds:
            notes.append(f"edition {name}: missing from output, scored as empty")
        pairs.append((name, gold_eds[name], out_eds.get(name)))
    extra = sorted(set(out_eds) - set(gold_eds))
    if extra:
        notes.append(f"ignored (no gold): {', '.join(extra)}")
    return pairs


def evaluate(gold_dir: Path, out_dir: Path) -> EvalReport:
    """Score the gold editions of ``gold_dir`` against the editions of ``out_dir``.

    Each of the two is an edition folder (it holds index.xml) or a folder of edition
    folders.  Folders of editions are paired by name; a single gold edition is paired with a
    single output edition whatever their names (see :func:`_pairs`).  An ambiguous pairing
    raises :class:`EvalError`."""
    gold_dir, out_dir = Path(gold_dir), Path(out_dir)
    for d, what in ((gold_dir, "gold"), (out_dir, "output")):
        if not d.is_dir():
            raise EvalError(f"{d}: {what} directory not found")
    report = EvalReport()
    for label, g, o in _pairs(gold_dir, out_dir, report.notes):
        gold = _read_edition(g)
        pred = _read_edition(o) if o is not None else _Edition([], [])
        report.editions[label] = _score(gold, pred)
    report.overall = sum(report.editions.values(), Scores())
    return report


COLUMNS = ("", "articles g/p", "art P", "art R", "art F1", "text R", "text P", "headline",
           "para F1", "captions", "jumps g", "jump links")


def render_table(rows: list[tuple[str, Scores]]) -> str:
    """A plain aligned text table, one row per (label, Scores)."""
    body = []
    for label, s in rows:
        body.append([
            str(label), f"{s.gold_articles}/{s.pred_articles}",
            *(f"{getattr(s, name):.3f}" for name in (
                "article_precision", "article_recall", "article_f1", "text_recall",
                "text_precision", "headline_accuracy", "paragraph_f1", "caption_placement")),
            str(s.jumps_gold), f"{s.jump_links:.3f}",
        ])
    table = [list(COLUMNS)] + body
    widths = [max(len(r[k]) for r in table) for k in range(len(COLUMNS))]

    def line(r: list[str]) -> str:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        return "  ".join(cells).rstrip()

    out = [line(table[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in body]
    return "\n".join(out)


def format_report(report: EvalReport) -> str:
    """Per-edition rows, an overall row (micro-average), then the notes."""
    rows = list(report.editions.items()) + [("overall", report.overall)]
    text = render_table(rows)
    if report.notes:
        text += "\n" + "\n".join(f"note: {n}" for n in report.notes)
    return text
