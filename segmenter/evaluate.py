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
  for captions of index-level figures, among the predicted index.xml figures).

Counts are kept in :class:`Scores`; overall figures are micro-averages (sum the counts,
then divide).
"""

from __future__ import annotations

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

    DERIVED = ("article_precision", "article_recall", "article_f1", "text_recall",
               "text_precision", "headline_accuracy", "paragraph_precision",
               "paragraph_recall", "paragraph_f1", "caption_placement")

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


@dataclass
class _Article:
    name: str                 # file name, for messages
    text: str                 # whitespace-free head + body text
    headline: str             # whitespace-free headline ("" when absent)
    boundaries: frozenset[int]  # offsets in ``text`` where a body p/h other than the first starts
    captions: list[str]


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
    for body in _children(root, "body"):
        for c in _children(body):
            if _local(c) in ("p", "h"):
                starts.add(pos)
                t = _text_of(c)
                parts.append(t)
                pos += len(t)
    text = "".join(parts)
    # the body start itself is no boundary; nor is the end (trailing empty paragraphs)
    bounds = frozenset(b for b in starts if body_start < b < len(text))
    return _Article(path.name, text, headline, bounds, _captions(root))


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


def _score(gold: _Edition, pred: _Edition) -> Scores:
    s = Scores(
        gold_articles=len(gold.articles),
        pred_articles=len(pred.articles),
        gold_chars=sum(len(a.text) for a in gold.articles),
        pred_chars=sum(len(a.text) for a in pred.articles),
        boundaries_gold=sum(len(a.boundaries) for a in gold.articles),
        boundaries_pred=sum(len(a.boundaries) for a in pred.articles),
        captions_gold=sum(len(a.captions) for a in gold.articles) + len(gold.index_captions),
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


def _edition_dirs(d: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(d.iterdir()) if p.is_dir() and not p.name.startswith(".")}


def evaluate(gold_dir: Path, out_dir: Path) -> EvalReport:
    """Score every gold edition folder of ``gold_dir`` against the same-named folder of
    ``out_dir``.  A gold edition missing from ``out_dir`` is scored against an empty
    prediction; editions only in ``out_dir`` are ignored (and noted)."""
    gold_dir, out_dir = Path(gold_dir), Path(out_dir)
    for d, what in ((gold_dir, "gold"), (out_dir, "output")):
        if not d.is_dir():
            raise EvalError(f"{d}: {what} directory not found")
    gold_eds, out_eds = _edition_dirs(gold_dir), _edition_dirs(out_dir)
    report = EvalReport()
    if not gold_eds:
        report.notes.append(f"no edition folders in {gold_dir}")
    for name in sorted(gold_eds):
        gold = _read_edition(gold_eds[name])
        if name in out_eds:
            pred = _read_edition(out_eds[name])
        else:
            pred = _Edition([], [])
            report.notes.append(f"edition {name}: missing from output, scored as empty")
        report.editions[name] = _score(gold, pred)
    extra = sorted(set(out_eds) - set(gold_eds))
    if extra:
        report.notes.append(f"ignored (no gold): {', '.join(extra)}")
    report.overall = sum(report.editions.values(), Scores())
    return report


COLUMNS = ("", "articles g/p", "art P", "art R", "art F1", "text R", "text P", "headline",
           "para F1", "captions")


def render_table(rows: list[tuple[str, Scores]]) -> str:
    """A plain aligned text table, one row per (label, Scores)."""
    body = []
    for label, s in rows:
        body.append([
            str(label), f"{s.gold_articles}/{s.pred_articles}",
            *(f"{getattr(s, name):.3f}" for name in (
                "article_precision", "article_recall", "article_f1", "text_recall",
                "text_precision", "headline_accuracy", "paragraph_f1", "caption_placement")),
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
