"""Pure text helpers: character classes, display width, joining pieces.  No page objects here."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import lexicon


@lru_cache(maxsize=8192)
def char_width(ch: str) -> int:
    """Display width of one character: 2 for CJK (wide, full-width, and the East Asian
    ambiguous class: quotes “” ‘’ and … are set full-width in Chinese type), 1 otherwise,
    0 for combining marks."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


@lru_cache(maxsize=16384)
def display_width(text: str) -> int:
    return sum(char_width(c) for c in text)


@lru_cache(maxsize=8192)
def is_cjk(ch: str) -> bool:
    """A CJK ideograph, kana, hangul, or CJK / full-width punctuation."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFF60 or 0xFFE0 <= o <= 0xFFE6
            or 0x20000 <= o <= 0x3FFFF or ch in lexicon.CJK_QUOTES)


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3FFFF or 0xF900 <= o <= 0xFAFF


#: the spaces drop_cjk_spaces removes between CJK characters
_CJK_SPACES = " \t\u3000\u00a0"
_CJK_SPACE_RE = re.compile(rf"(?<=\S)[{_CJK_SPACES}]+(?=\S)")


def drop_cjk_spaces(text: str) -> str:
    """Remove whitespace runs that stand between two CJK characters ("政 府 工 作" → "政府工作").

    Such spaces come from the extraction of justified lines and never mean anything in
    body text.  Spaces next to Latin letters or digits are kept ("AI 进" stays as printed).
    """
    if not any(c in text for c in _CJK_SPACES):
        return text                  # nothing _CJK_SPACE_RE could match (most lines)

    def repl(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        return "" if is_cjk(text[s - 1]) and is_cjk(text[e]) else m.group(0)
    return _CJK_SPACE_RE.sub(repl, text)


def nonspace(text: str) -> str:
    return "".join(text.split())


def join_pieces(left: str, right: str, cjk_context: bool = False) -> tuple[str, int]:
    """Join two line pieces of one paragraph.  Returns (text, soft hyphens removed).

    CJK meets anything: nothing between.  Latin meets Latin: one space, and a line-end
    hyphen between two lowercase letters is removed (de-hyphenation) and counted.  Inside
    Chinese text (``cjk_context``) a Latin word or number cut by the line end ("A" ⏎ "I",
    "2" ⏎ "024") is joined with nothing: Chinese type breaks them without a hyphen.
    """
    left = left.rstrip()
    right = right.lstrip()
    if not left:
        return right, 0
    if not right:
        return left, 0
    a, b = left[-1], right[0]
    if is_cjk(a) or is_cjk(b):
        return left + right, 0
    if cjk_context and a.isalnum() and b.isalnum():
        return left + right, 0
    if a == "-" and len(left) >= 2 and left[-2].isalpha() and left[-2].islower() and b.islower():
        return left[:-1] + right, 1
    if a in "-/" or b in lexicon.NO_LINE_START:
        return left + right, 0
    return left + " " + right, 0


def latin_joint(left: str, right: str) -> bool:
    """Does ``join_pieces(left, right, cjk_context)`` depend on ``cjk_context``: a Latin letter
    or digit (not CJK) meets another at the joint.  Lets a caller skip working out the context
    (:func:`cjk_ratio` of the whole text) for the joints that do not use it."""
    a, b = left.rstrip()[-1:], right.lstrip()[:1]      # "" when all white
    return a.isalnum() and not is_cjk(a) and b.isalnum() and not is_cjk(b)


def ends_sentence(text: str) -> bool:
    """The text ends a sentence: 。！？… possibly followed by closing quotes/brackets, or a
    complete closing note in brackets such as （新华社北京12月6日电）."""
    t = text.rstrip()
    if not t:
        return False
    i = len(t)
    while i > 0 and t[i - 1] in lexicon.CLOSERS:
        i -= 1
    if i > 0 and t[i - 1] in lexicon.SENTENCE_FINAL:
        return True
    # a whole bracketed note at the end: （…电） / (记者 王明)
    return bool(lexicon.CLOSING_NOTE_RE.search(t))


def may_end_paragraph(text: str) -> bool:
    """A paragraph may end here: a sentence end, a colon / dash that introduces what
    follows ("…重点抓好“五个着力”:" then a list; "…科技创新——" then examples), or a
    semicolon closing a list item ("…平台建设;")."""
    t = text.rstrip()
    return ends_sentence(t) or t.endswith(("：", ":", "——", "—", "；", ";"))


def starts_continuation(text: str) -> bool:
    """The text cannot start a line of print (避头尾): it continues something before it."""
    t = text.lstrip()
    return bool(t) and (t[0] in lexicon.NO_LINE_START or (t[0].isascii() and t[0].islower()))




_CJK_CHARS_RE = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
                           "\U00020000-\U0003ffff" + re.escape(lexicon.CJK_QUOTES) + "]")
_NONSPACE_RE = re.compile(r"\S")


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among the non-whitespace characters (same classes as is_cjk)."""
    n = len(_NONSPACE_RE.findall(text))
    return len(_CJK_CHARS_RE.findall(text)) / n if n else 0.0


def repair_quotes(text: str) -> str:
    """Quote marks of OCR'd CJK text set right: ASCII ``"``/``'`` next to CJK become curly, and a
    curly quote whose place shows the other side (an opening mark at the end of the text or
    before a comma, a closing mark at the start or after a colon) is turned.  A quote with no
    sign of its side takes the one the quotes before it leave open (outside: it opens).  Only
    the marks change, one character for one, so offsets into the text stay valid; text without
    CJK is returned as it is."""
    if not any(is_cjk(c) for c in text):
        return text
    chars = list(text)
    for opener, closer, ascii_mark in lexicon.QUOTE_KINDS:
        inside = False
        for i, c in enumerate(chars):
            if c not in (opener, closer, ascii_mark):
                continue
            prev = chars[i - 1] if i else ""
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if c == ascii_mark and not (is_cjk(prev) if prev else False) and not (is_cjk(nxt) if nxt else False):
                continue                      # a Latin apostrophe or inch mark
            opens = prev == "" or prev in lexicon.QUOTE_OPENS_AFTER
            closes = nxt == "" or nxt in lexicon.QUOTE_CLOSES_BEFORE or (prev != "" and prev in lexicon.SENTENCE_FINAL)
            if opens and not closes:
                side = True
            elif closes and not opens:
                side = False
            elif c == opener or c == closer:
                side = c == opener            # no sign either way: the engine's reading stands
            else:
                side = not inside
            chars[i] = opener if side else closer
            inside = side
    return "".join(chars)


def repair_punctuation(text: str) -> str:
    """Half-width punctuation of OCR'd CJK text made full-width where a CJK character stands
    next to it (lexicon.HALF_TO_FULL); one character for one, so offsets stay valid."""
    if not any(c in lexicon.HALF_TO_FULL for c in text):
        return text
    chars = list(text)
    for i, c in enumerate(chars):
        full = lexicon.HALF_TO_FULL.get(c)
        if full is None:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if (prev and is_cjk(prev) and not prev.isspace()) or (nxt and is_cjk(nxt)):
            chars[i] = full
    return "".join(chars)
