"""Continuity score: how likely a piece of text continues another one across a break.

Used for paragraphs cut by column breaks ("…加快建设创" ⏎ "新驱动…") and for scattered
fragments (a tail printed 40 lines before its head).  Evidence, strongest first:

1. kinsoku: a piece starting with ，。、）” … can only continue something;
2. a dictionary word formed across the join ("创"+"新" → 创新), from jieba's dictionary
   frequencies (loaded lazily, once, only when a page has a dangling end);
3. digits continuing into a unit ("2024"+"年"), Latin letters continuing a word;
4. the left piece ends where no sentence can end (on ，、：; or an opening bracket).

The score is in [0, 1]; decisions compare it with ``Settings.min_join_score``.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache

from . import lexicon
from .textutil import ends_sentence, is_han

#: score of a join whose right piece starts with a character no line may start with
KINSOKU_SCORE = 1.0
#: base score when the left piece ends on a mid-sentence mark (，、：；“（): the sentence
#: surely goes on somewhere, but punctuation alone does not say where
OPEN_PUNCT_SCORE = 0.35
#: base score when the left piece simply stops without punctuation (mid-word or mid-phrase)
OPEN_WORD_SCORE = 0.2
#: a dictionary word with this frequency across the join counts fully (jieba's dict: 创新
#: 36,000, 中关村 1,500, 家奖 absent); rarer words count on a log scale down to freq 1
WORD_FULL_FREQ = 3000
#: weight of the dictionary-word evidence
WORD_WEIGHT = 0.6
#: digits or Latin continuing into a unit / word
UNIT_CHARS = "年月日时分秒%％万亿元个家人次件倍岁名项号期届"
NUMBER_SCORE = 0.8
#: the right piece closes a quote or bracket it never opened ("智能+”行动…"): it starts
#: inside a sentence begun elsewhere
UNBALANCED_SCORE = 0.6
_PAIRS = {"”": "“", "’": "‘", "）": "（", ")": "(", "》": "《", "」": "「", "』": "『", "】": "【"}


def closes_unopened(text: str) -> bool:
    """The first clause of text closes a quote/bracket that it did not open."""
    depth: dict[str, int] = {}
    for ch in text[:60]:
        if ch in "。！？!?":
            break
        if ch in _PAIRS.values():
            depth[ch] = depth.get(ch, 0) + 1
        elif ch in _PAIRS:
            o = _PAIRS[ch]
            if depth.get(o, 0) == 0:
                return True
            depth[o] -= 1
    return False


@lru_cache(maxsize=1)
def _freq() -> dict[str, int]:
    import jieba  # lazily: 0.5-0.8 s, only for pages that have a dangling end
    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def word_across(left: str, right: str, max_len: int = 4) -> tuple[str, int]:
    """The most frequent dictionary word that spans the join of left and right (Han only)."""
    lt = left.rstrip()[-(max_len - 1):]
    rt = right.lstrip()[:max_len - 1]
    if not lt or not rt or not is_han(lt[-1]) or not is_han(rt[0]):
        return "", 0
    freq = _freq()
    best, best_f = "", 0
    for a in range(1, len(lt) + 1):
        for b in range(1, len(rt) + 1):
            if a + b > max_len:
                break
            w = lt[-a:] + rt[:b]
            f = freq.get(w, 0)
            if f > best_f:
                best, best_f = w, f
    return best, best_f


def continuity(left: str, right: str) -> float:
    """Score in [0, 1] that ``right`` continues ``left`` in the same sentence."""
    lt, rt = left.rstrip(), right.lstrip()
    if not lt or not rt:
        return 0.0
    if rt[0] in lexicon.NO_LINE_START:
        return KINSOKU_SCORE
    if ends_sentence(lt):
        return 0.0
    a, b = lt[-1], rt[0]
    base = OPEN_PUNCT_SCORE if (a in lexicon.MID_SENTENCE or a in lexicon.NO_LINE_END) else OPEN_WORD_SCORE
    if a.isdigit() and (b in UNIT_CHARS or b.isdigit()):
        return max(base, NUMBER_SCORE)
    if a.isascii() and a.isalpha() and b.isascii() and b.islower():
        return max(base, NUMBER_SCORE)
    if closes_unopened(rt):
        base = max(base, UNBALANCED_SCORE)
    _, f = word_across(lt, rt)
    if f <= 0:
        return base
    w = min(1.0, math.log(1 + f) / math.log(1 + WORD_FULL_FREQ))
    return min(1.0, base + WORD_WEIGHT * w)
