"""Tests of segmenter.evaluate: hand-computed figures on tiny gold / output folders.

Article texts are drawn from per-article pools of distinct CJK characters, so two
different articles share no character (their LCS is 0) and every LCS and alignment in
these tests is unique and easy to count by hand.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pytest
from rapidfuzz.distance import LCSseq
from rapidfuzz.process import cdist
from scipy.optimize import linear_sum_assignment

from segmenter.evaluate import (EvalError, EvalReport, Scores, _assign, evaluate, format_report,
                                render_table, score_edition)


def pool(k: int, start: int, n: int) -> str:
    """n distinct characters of article pool k (pools never overlap)."""
    return "".join(chr(0x4E00 + 1000 * k + start + i) for i in range(n))


def article_xml(aid: str, paras: list[str], *, headline: str | None = None,
                kicker: str | None = None, captions: list[str] = (), edition: str = "E",
                tags: list[str] | None = None, srcs: list[str] | None = None,
                continued: list[str | None] = (), continues: list[str | None] = ()) -> str:
    """continued / continues: one jump element each, with its linked= value (None: none)."""
    head = ""
    if headline is not None or kicker is not None:
        head = "<head>"
        if kicker is not None:
            head += f"<kicker>{escape(kicker)}</kicker>"
        if headline is not None:
            head += f"<headline>{escape(headline)}</headline>"
        head += "</head>"
    tags = tags or ["p"] * len(paras)
    srcs = srcs or [None] * len(paras)
    body = "".join(f"<{t}{'' if s is None else f' src={chr(34)}{s}{chr(34)}'}>{escape(p)}</{t}>"
                   for t, p, s in zip(tags, paras, srcs))
    figs = "".join(f"<figure><caption>{escape(c)}</caption></figure>" for c in captions)

    def jumps(tag: str, attr: str, links) -> str:
        return "".join(f'<{tag} {attr}="第3版" marker="x"'
                       + ("" if v is None else f' linked="{v}"') + "/>" for v in links)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<article id="{aid}" edition="{edition}">'
            f"{head}{jumps('continued', 'from', continued)}<body>{body}</body>"
            f"{jumps('continues', 'to', continues)}{figs}</article>\n")


def index_xml(name: str, ids: list[str], captions: list[str] = ()) -> str:
    arts = "".join(f'<article id="{i}" file="{i}.xml"/>' for i in ids)
    figs = "".join(f"<figure><caption>{escape(c)}</caption></figure>" for c in captions)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<edition name="{name}">'
            f'<page n="1" file="x.txt" kind="text"/>{arts}{figs}</edition>\n')


def write_edition(root: Path, name: str, articles: dict[str, dict],
                  index_captions: list[str] = ()) -> Path:
    """articles: id -> keyword arguments of article_xml (paras required)."""
    d = root / name
    d.mkdir(parents=True, exist_ok=True)
    for aid, kw in articles.items():
        kw = dict(kw)
        paras = kw.pop("paras")
        (d / f"{aid}.xml").write_text(article_xml(aid, paras, edition=name, **kw), encoding="utf-8")
    (d / "index.xml").write_text(index_xml(name, sorted(articles), index_captions), encoding="utf-8")
    return d


def two_dirs(tmp_path: Path) -> tuple[Path, Path]:
    g, o = tmp_path / "gold", tmp_path / "out"
    g.mkdir()
    o.mkdir()
    return g, o


def counts(s: Scores) -> dict:
    return {k: v for k, v in s.to_dict().items() if isinstance(v, int)}


# ---------------------------------------------------------------------------------------


def test_perfect_match_is_all_ones(tmp_path):
    g, o = two_dirs(tmp_path)
    arts = {
        "a1": dict(paras=[pool(1, 0, 20), pool(1, 20, 30), pool(1, 50, 10)],
                   headline=pool(1, 100, 8), kicker=pool(1, 200, 3), captions=[pool(1, 300, 5)]),
        "a2": dict(paras=[pool(2, 0, 40), pool(2, 40, 40)], headline=pool(2, 100, 6),
                   tags=["p", "h"]),
    }
    for d in (g, o):
        write_edition(d, "ed1", arts, index_captions=[pool(9, 0, 4)])
    rep = evaluate(g, o)
    s = rep.editions["ed1"]
    for name in Scores.DERIVED:
        assert getattr(s, name) == 1.0, name
    assert counts(s) == dict(gold_articles=2, pred_articles=2, matched=2,
                             gold_chars=71 + 86, pred_chars=157, lcs_chars=157,
                             headlines_correct=2, boundaries_gold=3, boundaries_pred=3,
                             boundaries_correct=3, captions_gold=2, captions_placed=2,
                             jumps_gold=0, jumps_correct=0)
    assert rep.overall == s
    assert rep.notes == []


def test_article_split_in_two(tmp_path):
    g, o = two_dirs(tmp_path)
    a = pool(1, 0, 100)
    b = pool(2, 0, 50)
    write_edition(g, "ed", {"A": dict(paras=[a[:40], a[40:]]), "B": dict(paras=[b])})
    write_edition(o, "ed", {"A1": dict(paras=[a[:40]]), "A2": dict(paras=[a[40:]]),
                            "B": dict(paras=[b])})
    s = evaluate(g, o).editions["ed"]
    # A pairs with A2 (LCS 60 > 40); 60/100 < 0.9 so only B is a match
    assert (s.gold_articles, s.pred_articles, s.matched) == (2, 3, 1)
    assert s.article_precision == pytest.approx(1 / 3)
    assert s.article_recall == pytest.approx(1 / 2)
    assert s.article_f1 == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))  # = 0.4
    assert s.article_f1 == pytest.approx(0.4)
    assert (s.gold_chars, s.pred_chars, s.lcs_chars) == (150, 150, 110)
    assert s.text_recall == pytest.approx(110 / 150)
    assert s.text_precision == pytest.approx(110 / 150)
    # B matched, no headline on either side: correct; A unmatched: wrong
    assert s.headline_accuracy == pytest.approx(0.5)
    # A's boundary at 40 lies in an unmatched article: a miss
    assert (s.boundaries_gold, s.boundaries_pred, s.boundaries_correct) == (1, 0, 0)
    assert s.paragraph_recall == 0.0 and s.paragraph_precision == 0.0 and s.paragraph_f1 == 0.0


def test_two_articles_merged(tmp_path):
    g, o = two_dirs(tmp_path)
    a, b, c = pool(1, 0, 70), pool(2, 0, 30), pool(3, 0, 50)
    write_edition(g, "ed", {"A": dict(paras=[a]), "B": dict(paras=[b]), "C": dict(paras=[c])})
    write_edition(o, "ed", {"AB": dict(paras=[a, b]), "C": dict(paras=[c])})
    s = evaluate(g, o).editions["ed"]
    # AB pairs with A: LCS 70 covers all of A but only 70/100 of AB -> no match
    assert (s.matched, s.lcs_chars, s.gold_chars, s.pred_chars) == (1, 120, 150, 150)
    assert s.article_precision == pytest.approx(1 / 2)
    assert s.article_recall == pytest.approx(1 / 3)
    assert s.article_f1 == pytest.approx(2 * 1 / (3 + 2))
    assert s.text_recall == pytest.approx(120 / 150)
    # AB has a boundary at 70 (start of b); it is a false positive of an unmatched article
    assert (s.boundaries_gold, s.boundaries_pred, s.boundaries_correct) == (0, 1, 0)
    assert s.paragraph_precision == 0.0
    assert s.paragraph_recall == 0.0


def test_wrong_headline(tmp_path):
    g, o = two_dirs(tmp_path)
    write_edition(g, "ed", {
        "A": dict(paras=[pool(1, 0, 95)], headline=pool(1, 500, 5)),
        "B": dict(paras=[pool(2, 0, 95)]),
        "C": dict(paras=[pool(3, 0, 95)]),
        "D": dict(paras=[pool(4, 0, 95)], headline=pool(4, 500, 5)),
    })
    write_edition(o, "ed", {
        "A": dict(paras=[pool(1, 0, 95)], headline=pool(1, 600, 5)),   # wrong headline
        "B": dict(paras=[pool(2, 0, 95)], headline=pool(2, 600, 5)),   # headline where none is
        "C": dict(paras=[pool(3, 0, 95)]),                             # both absent: correct
        "D": dict(paras=[pool(4, 0, 95)], headline=" " + pool(4, 500, 5)[:2] + "\n"
                  + pool(4, 502, 3)),                                  # same modulo whitespace
    })
    s = evaluate(g, o).editions["ed"]
    assert s.matched == 4  # 95/100 and 95/100 coverage
    assert s.headlines_correct == 2
    assert s.headline_accuracy == pytest.approx(0.5)
    assert s.lcs_chars == 95 + 95 + 95 + 100


def test_missing_and_extra_paragraph_boundaries(tmp_path):
    g, o = two_dirs(tmp_path)
    a, b = pool(1, 0, 100), pool(2, 0, 100)
    write_edition(g, "ed", {
        "A": dict(paras=[a[:30], a[30:60], a[60:]]),    # boundaries 30, 60
        "B": dict(paras=[b[:50], b[50:]]),              # boundary 50
    })
    write_edition(o, "ed", {
        "A": dict(paras=[a[:30], a[30:]]),              # 30 found, 60 missed
        # a 5-char kicker the gold lacks shifts every pred offset by 5; the alignment maps
        # pred boundaries 25, 55, 80 back to gold 20 (extra), 50 (correct), 75 (extra)
        "B": dict(kicker=pool(2, 900, 5), paras=[b[:20], b[20:50], b[50:75], b[75:]]),
    })
    s = evaluate(g, o).editions["ed"]
    assert s.matched == 2
    assert (s.boundaries_gold, s.boundaries_pred, s.boundaries_correct) == (3, 4, 2)
    assert s.paragraph_precision == pytest.approx(2 / 4)
    assert s.paragraph_recall == pytest.approx(2 / 3)
    assert s.paragraph_f1 == pytest.approx(2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3))  # 4/7
    assert s.paragraph_f1 == pytest.approx(4 / 7)


def test_boundary_after_inserted_text_maps_to_next_aligned_char(tmp_path):
    g, o = two_dirs(tmp_path)
    a = pool(1, 0, 100)
    write_edition(g, "ed", {"A": dict(paras=[a[:50], a[50:]])})
    # pred has 3 foreign characters at the start of the second paragraph: its boundary is
    # before them (pred offset 50); the next aligned char is a[50] -> gold 50: correct
    write_edition(o, "ed", {"A": dict(paras=[a[:50], pool(5, 0, 3) + a[50:]])})
    s = evaluate(g, o).editions["ed"]
    assert (s.boundaries_gold, s.boundaries_pred, s.boundaries_correct) == (1, 1, 1)
    # body start is never a boundary, even when a head precedes it
    write_edition(g, "ed2", {"A": dict(headline=pool(1, 500, 4), paras=[a])})
    write_edition(o, "ed2", {"A": dict(headline=pool(1, 500, 4), paras=[a])})
    s2 = evaluate(g, o).editions["ed2"]
    assert (s2.boundaries_gold, s2.boundaries_pred) == (0, 0)
    assert s2.paragraph_f1 == 1.0


def test_whitespace_is_ignored(tmp_path):
    g, o = two_dirs(tmp_path)
    write_edition(g, "ed", {"A": dict(headline="Rain  in Spain",
                                      paras=["The rain in Spain", "stays mainly in the plain."])})
    write_edition(o, "ed", {"A": dict(headline="Rainin\nSpain",
                                      paras=["  The rain\n in  Spain\t", "stays\u3000mainly in the plain. "])})
    s = evaluate(g, o).editions["ed"]
    for name in Scores.DERIVED:
        assert getattr(s, name) == 1.0, name
    assert s.gold_chars == len("RaininSpain" "TheraininSpain" "staysmainlyintheplain.")


@pytest.mark.parametrize("n_pred, matched", [(89, 0), (90, 1), (91, 1)])
def test_threshold_edge_on_gold_side(tmp_path, n_pred, matched):
    g, o = two_dirs(tmp_path)
    a = pool(1, 0, 100)
    write_edition(g, "ed", {"A": dict(paras=[a])})
    write_edition(o, "ed", {"A": dict(paras=[a[:n_pred]])})
    s = evaluate(g, o).editions["ed"]
    assert s.matched == matched
    assert s.lcs_chars == n_pred
    assert s.text_recall == pytest.approx(n_pred / 100)
    assert s.text_precision == 1.0
    assert s.article_recall == float(matched)


@pytest.mark.parametrize("n_extra, matched", [(11, 1), (12, 0)])
def test_threshold_edge_on_pred_side(tmp_path, n_extra, matched):
    # 100/111 = 0.9009 passes, 100/112 = 0.8929 fails
    g, o = two_dirs(tmp_path)
    a = pool(1, 0, 100)
    write_edition(g, "ed", {"A": dict(paras=[a])})
    write_edition(o, "ed", {"A": dict(paras=[a, pool(6, 0, n_extra)])})
    s = evaluate(g, o).editions["ed"]
    assert s.matched == matched
    assert s.text_recall == 1.0
    assert s.text_precision == pytest.approx(100 / (100 + n_extra))


def test_text_is_order_sensitive(tmp_path):
    g, o = two_dirs(tmp_path)
    a = pool(1, 0, 60)
    write_edition(g, "ed", {"A": dict(paras=[a[:30], a[30:]])})
    write_edition(o, "ed", {"A": dict(paras=[a[30:], a[:30]])})
    s = evaluate(g, o).editions["ed"]
    assert s.lcs_chars == 30
    assert s.text_recall == pytest.approx(0.5)
    assert s.matched == 0


def test_micro_average_differs_from_macro(tmp_path):
    g, o = two_dirs(tmp_path)
    # ed1: one small article, found.  ed2: three articles, one found.
    write_edition(g, "ed1", {"A": dict(paras=[pool(1, 0, 10)])})
    write_edition(o, "ed1", {"A": dict(paras=[pool(1, 0, 10)])})
    write_edition(g, "ed2", {"B": dict(paras=[pool(2, 0, 100)]),
                             "C": dict(paras=[pool(3, 0, 100)]),
                             "D": dict(paras=[pool(4, 0, 100)])})
    write_edition(o, "ed2", {"B": dict(paras=[pool(2, 0, 100)])})
    rep = evaluate(g, o)
    e1, e2, ov = rep.editions["ed1"], rep.editions["ed2"], rep.overall
    assert e1.article_recall == 1.0
    assert e2.article_recall == pytest.approx(1 / 3)
    assert ov.article_recall == pytest.approx(2 / 4)                 # micro
    assert (e1.article_recall + e2.article_recall) / 2 == pytest.approx(2 / 3)  # macro
    assert ov.text_recall == pytest.approx(110 / 310)
    assert ov.text_recall != pytest.approx((e1.text_recall + e2.text_recall) / 2)
    assert ov == e1 + e2
    assert ov.gold_articles == 4 and ov.pred_articles == 2 and ov.matched == 2


def test_missing_prediction_edition_and_extra_edition(tmp_path):
    g, o = two_dirs(tmp_path)
    a = pool(1, 0, 50)
    b = pool(2, 0, 40)
    write_edition(g, "ed1", {"A": dict(paras=[a])})
    write_edition(o, "ed1", {"A": dict(paras=[a])})
    write_edition(g, "ed2", {"B": dict(paras=[b[:20], b[20:]], headline=pool(2, 500, 5),
                                       captions=[pool(2, 600, 3)])})
    write_edition(o, "ed3", {"X": dict(paras=[pool(3, 0, 10)])})
    rep = evaluate(g, o)
    assert list(rep.editions) == ["ed1", "ed2"]
    s2 = rep.editions["ed2"]
    assert counts(s2) == dict(gold_articles=1, pred_articles=0, matched=0, gold_chars=45,
                              pred_chars=0, lcs_chars=0, headlines_correct=0,
                              boundaries_gold=1, boundaries_pred=0, boundaries_correct=0,
                              captions_gold=1, captions_placed=0, jumps_gold=0, jumps_correct=0)
    assert s2.article_recall == 0.0 and s2.text_recall == 0.0 and s2.article_f1 == 0.0
    assert rep.overall.article_recall == pytest.approx(1 / 2)
    assert rep.overall.text_recall == pytest.approx(50 / 95)
    assert any("ed2" in n and "missing" in n for n in rep.notes)
    assert any("ed3" in n and "ignored" in n for n in rep.notes)
    d = rep.to_dict()
    json.dumps(d)
    assert list(d["editions"]) == ["ed1", "ed2"]
    assert d["overall"]["text_recall"] == round(50 / 95, 4)


def test_malformed_xml_raises_eval_error(tmp_path):
    g, o = two_dirs(tmp_path)
    write_edition(g, "ed", {"A": dict(paras=[pool(1, 0, 10)])})
    d = write_edition(o, "ed", {"A": dict(paras=[pool(1, 0, 10)])})
    (d / "A.xml").write_text('<article id="A" edition="ed"><body><p>x</body></article>')
    with pytest.raises(EvalError) as ei:
        evaluate(g, o)
    msg = str(ei.value)
    assert "A.xml" in msg and "malformed" in msg and "\n" not in msg
    with pytest.raises(EvalError, match="A.xml"):
        score_edition(g / "ed", o / "ed")


def test_bad_inputs_raise_eval_error(tmp_path):
    g, o = two_dirs(tmp_path)
    with pytest.raises(EvalError, match="nope"):
        evaluate(g, tmp_path / "nope")
    with pytest.raises(EvalError, match="nope"):
        evaluate(tmp_path / "nope", o)
    with pytest.raises(EvalError, match="missing_ed"):
        score_edition(tmp_path / "missing_ed", o)
    d = write_edition(g, "ed", {"A": dict(paras=[pool(1, 0, 10)])})
    (d / "index.xml").write_text("<article id='x' edition='ed'><body/></article>")
    with pytest.raises(EvalError, match=r"index\.xml.*<edition>"):
        evaluate(g, o)
    (d / "index.xml").write_bytes(b"")
    with pytest.raises(EvalError, match=r"index\.xml"):
        evaluate(g, o)


def test_caption_placement(tmp_path):
    g, o = two_dirs(tmp_path)
    a, b = pool(1, 0, 100), pool(2, 0, 100)
    c1, c2, c3, c4, c5 = (pool(7, 10 * k, 6) for k in range(5))
    write_edition(g, "ed", {
        "A": dict(paras=[a], captions=[c1, c2]),
        "B": dict(paras=[b], captions=[c4]),
    }, index_captions=[c3, c5])
    write_edition(o, "ed", {
        "A": dict(paras=[a], captions=[c1, " ".join(c3)]),   # c1 placed; c3 in wrong place
        "B": dict(paras=[b[:50]], captions=[c4]),            # B unmatched: c4 not placed
    }, index_captions=[c2, c5[:3] + "\n" + c5[3:]])          # c5 placed (whitespace ignored)
    s = evaluate(g, o).editions["ed"]
    assert s.matched == 1
    assert (s.captions_gold, s.captions_placed) == (5, 2)
    assert s.caption_placement == pytest.approx(0.4)
    # captions are not article text
    assert s.gold_chars == 200


def test_edition_with_no_gold_articles(tmp_path):
    g, o = two_dirs(tmp_path)
    write_edition(g, "ed", {})
    write_edition(o, "ed", {})
    s = evaluate(g, o).editions["ed"]
    assert all(getattr(s, n) == 1.0 for n in Scores.DERIVED)
    write_edition(o, "ed", {"X": dict(paras=[pool(1, 0, 5)])})
    s = evaluate(g, o).editions["ed"]
    assert s.article_precision == 0.0 and s.article_recall == 0.0 and s.text_precision == 0.0


def test_scores_add_to_dict_and_render_table():
    s1 = Scores(gold_articles=3, pred_articles=4, matched=2, gold_chars=300, pred_chars=320,
                lcs_chars=250, headlines_correct=1, boundaries_gold=10, boundaries_pred=8,
                boundaries_correct=6, captions_gold=2, captions_placed=1, jumps_gold=4,
                jumps_correct=3)
    s2 = Scores(gold_articles=1, pred_articles=1, matched=1, gold_chars=100, pred_chars=100,
                lcs_chars=100, headlines_correct=1, boundaries_gold=0, boundaries_pred=0,
                boundaries_correct=0, captions_gold=0, captions_placed=0)
    tot = s1 + s2
    assert tot.gold_articles == 4 and tot.lcs_chars == 350 and tot.boundaries_correct == 6
    assert (tot.jumps_gold, tot.jumps_correct, tot.jump_links) == (4, 3, 0.75)
    assert sum([s1, s2], Scores()) == tot
    d = s1.to_dict()
    assert d["article_precision"] == 0.5
    assert d["article_recall"] == round(2 / 3, 4) == 0.6667
    assert d["article_f1"] == round(4 / 7, 4)
    assert d["paragraph_f1"] == round(12 / 18, 4)
    assert d["text_precision"] == round(250 / 320, 4)
    assert d["matched"] == 2
    assert d["jump_links"] == 0.75 and s2.to_dict()["jump_links"] == 1.0  # none: 1.0
    rep = EvalReport(editions={"ed1": s1, "ed2": s2}, overall=tot, notes=["hello"])
    json.dumps(rep.to_dict())
    table = render_table([("tool", s1), ("baseline-long-label", s2)])
    lines = table.splitlines()
    assert len(lines) == 4
    for col in ("articles g/p", "art P", "art R", "art F1", "text R", "text P", "headline",
                "para F1", "captions", "jumps g", "jump links"):
        assert col in lines[0]
    assert lines[2].split() == ["tool", "3/4", "0.500", "0.667", "0.571", "0.833", "0.781",
                                "0.333", "0.667", "0.500", "4", "0.750"]
    assert lines[3].split()[0] == "baseline-long-label"
    # aligned: every row has the same width as the header line
    assert len({len(line) for line in (lines[0], lines[2], lines[3])}) == 1
    text = format_report(rep)
    assert "overall" in text and "note: hello" in text


def test_lazy_assignment_is_exact():
    """The pruned assignment reaches the same optimum as the full LCS matrix."""
    rng = random.Random(7)
    for _ in range(30):
        gold = ["".join(rng.choice("abcdef") for _ in range(rng.randint(0, 40)))
                for _ in range(rng.randint(1, 9))]
        pred = ["".join(rng.choice("abcdefg") for _ in range(rng.randint(0, 40)))
                for _ in range(rng.randint(1, 9))]
        pairs = _assign(gold, pred)
        full = cdist(gold, pred, scorer=LCSseq.similarity, dtype=np.int64)
        r, c = linear_sum_assignment(full, maximize=True)
        assert sum(v for _, _, v in pairs) == full[r, c].sum()
        assert all(full[i, j] == v for i, j, v in pairs)
        assert len({i for i, _, _ in pairs}) == len(pairs) == min(len(gold), len(pred))


# --------------------------------------------------------------------------------------
# single-edition folders (GOLD and/or OUT holds index.xml itself)


def test_single_gold_edition_against_single_output_edition(tmp_path):
    a = pool(1, 0, 50)
    g = write_edition(tmp_path, "gold", {"a01": dict(paras=[a])})
    (g / "index.xml").write_text(index_xml("edition", ["a01"]), encoding="utf-8")
    o = write_edition(tmp_path / "out", "columns", {"x": dict(paras=[a])})
    rep = evaluate(g, o)
    # labelled with the gold edition's name (from its index.xml), names need not agree
    assert list(rep.editions) == ["edition"]
    assert rep.overall.matched == 1 and rep.overall.article_f1 == 1.0
    assert any("columns" in n for n in rep.notes)


def test_single_gold_edition_against_the_only_edition_inside_out(tmp_path):
    a = pool(1, 0, 50)
    g = write_edition(tmp_path, "gold", {"a01": dict(paras=[a])})
    o = tmp_path / "out"
    write_edition(o, "edition", {"x": dict(paras=[a])})
    (o / "stray").mkdir()   # a folder without index.xml is no edition
    rep = evaluate(g, o)
    assert list(rep.editions) == ["gold"]
    assert rep.overall.matched == 1
    # the same with a name that differs from the gold's
    o2 = tmp_path / "out2"
    write_edition(o2, "columns", {"x": dict(paras=[a[:40]])})
    assert evaluate(g, o2).overall.lcs_chars == 40


def test_single_gold_edition_ambiguous_or_empty_output(tmp_path):
    a = pool(1, 0, 50)
    g = write_edition(tmp_path, "gold", {"a01": dict(paras=[a])})
    o = tmp_path / "out"
    o.mkdir()
    rep = evaluate(g, o)                       # nothing inside: scored as empty, noted
    assert rep.overall.pred_articles == 0 and rep.overall.article_recall == 0.0
    assert any("scored as empty" in n for n in rep.notes)
    write_edition(o, "edition", {"x": dict(paras=[a])})
    write_edition(o, "columns", {"x": dict(paras=[a])})
    with pytest.raises(EvalError) as ei:
        evaluate(g, o)
    msg = str(ei.value)
    assert "\n" not in msg and "2 editions" in msg and "columns" in msg and "edition" in msg


def test_gold_folder_against_single_output_edition(tmp_path):
    a, b = pool(1, 0, 50), pool(2, 0, 50)
    gold = tmp_path / "gold"
    write_edition(gold, "seed", {"a01": dict(paras=[a])})
    o = write_edition(tmp_path / "out", "other", {"x": dict(paras=[a])})
    rep = evaluate(gold, o)
    assert list(rep.editions) == ["seed"] and rep.overall.matched == 1
    write_edition(gold, "seed2", {"a01": dict(paras=[b])})
    with pytest.raises(EvalError) as ei:
        evaluate(gold, o)
    assert "\n" not in str(ei.value) and "2 gold editions" in str(ei.value)


def test_cli_eval_single_edition_and_ambiguity(tmp_path, capsys):
    from segmenter.cli import main
    a = pool(1, 0, 50)
    g = write_edition(tmp_path, "gold", {"a01": dict(paras=[a])})
    o = tmp_path / "out"
    write_edition(o, "edition", {"x": dict(paras=[a])})
    assert main(["eval", str(g), str(o), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["overall"]["article_f1"] == 1.0 and out["overall"]["jump_links"] == 1.0
    write_edition(o, "columns", {"x": dict(paras=[a])})
    assert main(["eval", str(g), str(o)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "editions" in err


# --------------------------------------------------------------------------------------
# jump links


def test_src_pages():
    from segmenter.evaluate import _src_pages
    assert _src_pages("p1:10.0,20.5,30,40") == {1}
    assert _src_pages("p1:1,2,3,4;p3:5,6,7,8") == {1, 3}
    assert _src_pages("1:12-19") == {1}
    assert _src_pages("1:40,3:2-5") == {1, 3}
    assert _src_pages("12-19,23") == set()
    assert _src_pages(None) == set()


def jumped_gold(a: str, b: str, pdf: bool = True) -> dict:
    """A gold article jumped from page 1 (text a) to page 3 (text b)."""
    srcs = ["p1:0,0,10,10", "p3:0,0,10,10"] if pdf else ["1:12-19", "3:4-9"]
    return dict(paras=[a, b], srcs=srcs, continues=[None], continued=[None])


@pytest.mark.parametrize("pdf", [True, False])
def test_jump_link_correct_when_merged_and_linked(tmp_path, pdf):
    g, o = two_dirs(tmp_path)
    a, b = pool(1, 0, 60), pool(1, 100, 40)
    write_edition(g, "ed", {"A": jumped_gold(a, b, pdf), "B": dict(paras=[pool(2, 0, 30)])})
    write_edition(o, "ed", {"A": dict(paras=[a, b], continues=["true"], continued=["true"]),
                            "B": dict(paras=[pool(2, 0, 30)])})
    s = evaluate(g, o).editions["ed"]
    assert (s.jumps_gold, s.jumps_correct, s.jump_links) == (1, 1, 1.0)


@pytest.mark.parametrize("pred, why", [
    (dict(continues=["false"], continued=["true"]), "one jump not linked"),
    (dict(continues=[None], continued=[None]), "linked attribute absent"),
    (dict(), "no jump element at all"),
])
def test_jump_link_wrong_when_not_linked(tmp_path, pred, why):
    g, o = two_dirs(tmp_path)
    a, b = pool(1, 0, 60), pool(1, 100, 40)
    write_edition(g, "ed", {"A": jumped_gold(a, b)})
    write_edition(o, "ed", {"A": dict(paras=[a, b], **pred)})
    s = evaluate(g, o).editions["ed"]
    assert s.matched == 1, why
    assert (s.jumps_gold, s.jumps_correct, s.jump_links) == (1, 0, 0.0), why


def test_jump_link_wrong_when_parts_not_joined(tmp_path):
    g, o = two_dirs(tmp_path)
    a, b = pool(1, 0, 60), pool(1, 100, 40)
    write_edition(g, "ed", {"A": jumped_gold(a, b)})
    write_edition(o, "ed", {"A1": dict(paras=[a], continues=["false"]),
                            "A2": dict(paras=[b], continued=["false"])})
    s = evaluate(g, o).editions["ed"]
    assert (s.matched, s.jumps_gold, s.jumps_correct) == (0, 1, 0)


def test_jump_link_wrong_when_a_short_part_is_missing(tmp_path):
    # the continuation is 5 of 100 characters: the pair still matches (95 %), but the part
    # on page 3 is absent from the prediction, so the jump is not correct
    g, o = two_dirs(tmp_path)
    a, b = pool(1, 0, 95), pool(1, 100, 5)
    write_edition(g, "ed", {"A": jumped_gold(a, b)})
    write_edition(o, "ed", {"A": dict(paras=[a], continues=["true"], continued=["true"])})
    s = evaluate(g, o).editions["ed"]
    assert s.matched == 1
    assert (s.jumps_gold, s.jumps_correct) == (1, 0)
    # with the part present (and one foreign character inside it) it is correct
    write_edition(o, "ed", {"A": dict(paras=[a, b[:2] + pool(5, 0, 1) + b[2:]],
                                      continues=["true"], continued=["true"])})
    assert evaluate(g, o).editions["ed"].jumps_correct == 1


def test_paragraph_across_pages_counts_for_both(tmp_path):
    g, o = two_dirs(tmp_path)
    a, b, c = pool(1, 0, 50), pool(1, 100, 40), pool(1, 200, 10)
    write_edition(g, "ed", {"A": dict(paras=[a, b, c], srcs=["1:3-9", "1:40,3:2-5", "3:7"],
                                      continues=[None], continued=[None])})
    write_edition(o, "ed", {"A": dict(paras=[a, b, c], continues=["true"], continued=["true"])})
    s = evaluate(g, o).editions["ed"]
    assert (s.jumps_gold, s.jumps_correct) == (1, 1)


def test_which_gold_articles_count_as_jumped(tmp_path):
    g, o = two_dirs(tmp_path)
    a, b, c, d = (pool(k, 0, 40) for k in (1, 2, 3, 4))
    write_edition(g, "ed", {
        # a lone 上接 on a one-page dump (like fixture 000 a02): the other part is not here
        "A": dict(paras=[a], srcs=["6-18"], continued=[None]),
        # gold says linked: counts even without page numbers in src
        "B": dict(paras=[b], continued=["true"]),
        # two pages but no jump element: not a jump
        "C": dict(paras=[c[:20], c[20:]], srcs=["p1:0,0,1,1", "p2:0,0,1,1"]),
        # linked="false" in gold and one page: not counted
        "D": dict(paras=[d], srcs=["2:4-9"], continues=["false"]),
    })
    write_edition(o, "ed", {"A": dict(paras=[a], continued=[None]),
                            "B": dict(paras=[b], continued=["true"]),
                            "C": dict(paras=[c]), "D": dict(paras=[d])})
    s = evaluate(g, o).editions["ed"]
    assert (s.jumps_gold, s.jumps_correct) == (1, 1)


def test_fixture_gold_has_no_jumped_article():
    root = Path(__file__).resolve().parent.parent / "fixtures" / "gold"
    rep = evaluate(root, root)
    assert rep.overall.jumps_gold == 0 and rep.overall.jump_links == 1.0
