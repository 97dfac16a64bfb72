"""Language knowledge, in one place, grouped by concept.

Everything segmenter knows about how Chinese newspapers are printed lives here as data:
punctuation classes, jump markers, datelines and bylines, captions and credits, page
furniture.  Code elsewhere only asks these tables.  Sources: ../shared/notes/
chinese-newspaper-conventions.md and the seed dumps in fixtures/seeds/.  To support another
language, add its tables beside these (the code asks for classes, not for characters).
"""

from __future__ import annotations

import re

# --- punctuation classes --------------------------------------------------------------------

#: quotes that are East-Asian-ambiguous in Unicode but set full-width in Chinese type
CJK_QUOTES = "“”‘’…—·"
#: marks that end a sentence
SENTENCE_FINAL = "。！？!?…．"
#: closing quotes and brackets that may follow a sentence-final mark (。” ！） ？』)
CLOSERS = "”’）)」』】》〕\"'"
#: kinsoku 避头尾: a printed line never starts with these, so such a line continues the one before
NO_LINE_START = "，。、；：？！”’）》」』】〕…,.;:?!)%"
#: a printed line never ends with these
NO_LINE_END = "“‘（《「『【〔(["
#: marks inside a sentence: a block ending on one of these is unfinished
MID_SENTENCE = "，、；：,;:“‘（《「『【〔(—-"
#: OCR quote repair (scans): each kind's opening and closing form and the ASCII mark engines
#: read either as (RapidOCR reads “ and ” as " in 1 headline of 4 on degraded pages)
QUOTE_KINDS = (("“", "”", '"'), ("‘", "’", "'"))
#: a quote right after one of these (or at the start) opens; right before one of these (or at
#: the end), or right after a sentence-final mark, it closes
QUOTE_OPENS_AFTER = "：:，,、；;（(《【「『 \t—"
QUOTE_CLOSES_BEFORE = "，,。．、；;：:？?！!）)》】」』…"
#: dashes a line may open with (a subtitle's ——)
DASHES = "—–─-"
#: OCR punctuation repair (scans): half-width marks engines read for the full-width ones of CJK
#: type (the glyphs differ only in their side bearings); one is turned when a CJK character
#: stands next to it ("(" between 能 and A: "（"), never between Latin letters or digits (1,000)
HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
#: ornaments used before bylines, jumps and subheads
ORNAMENTS = "▲△■□●○◆◇★☆▶►※◎"

_Q = "[（(〔【]"
_QE = "[）)〕】]"
_NUM = "[0-9０-９一二三四五六七八九十百零〇两]+"
_PAGE = rf"(?:第?\s*[A-ZＡ-Ｚa-z]?\s*{_NUM}\s*版|头版|一版)"

# --- jump markers (转版) ----------------------------------------------------------------------
#: arriving part: 上接第1版, ▲▲ 上接第1版, （上接A01版）, 接第1版, （紧接第1版）
JUMP_FROM_RE = re.compile(
    rf"(?:[{ORNAMENTS}]\s*)*{_Q}?\s*(?:上接|紧接|接)\s*(?P<page>{_PAGE})\s*{_QE}?")
#: going part: （下转第2版）, 下转A02版, （转第3版）, 转2版
JUMP_TO_RE = re.compile(
    rf"(?:[{ORNAMENTS}]\s*)*{_Q}?\s*(?:下转|转)\s*(?P<page>{_PAGE})\s*{_QE}?")
#: the verb every JUMP_FROM_RE / JUMP_TO_RE marker holds: text without it holds no marker
#: (roles skips the search there; tests/test_stage_fastpaths.py checks the patterns' verbs)
JUMP_FROM_VERB = "接"
JUMP_TO_VERB = "转"

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}

# --- datelines, leads and bylines (电头, 署名) ---------------------------------------------------
#: an inline lead that opens an article's first paragraph
LEAD_RE = re.compile(
    r"^\s*(?![（(])(?:"
    r"本报讯\s*[（(]"                                   # 本报讯（记者 王明）
    r"|本报讯"                                          # 本报讯 alone
    r"|本报[^\s，。]{1,8}?\d{1,2}月\d{1,2}日电"           # 本报北京3月5日电
    r"|(?:据)?新华社[^\s，。]{1,12}?\d{1,2}月\d{1,2}日电"    # 新华社北京12月6日电
    r"|[^\s，。“”]{2,10}?(?:日报|晚报|时报|报|社|网|台)[^\s，。]{1,8}?\d{1,2}月\d{1,2}日电"  # 科技日报南京3月5日电
    r"|[^\s，。“”]{2,8}?\d{1,2}月\d{1,2}日电"              # 北京3月5日电
    r")")
#: a standalone byline line (between head and body)
BYLINE_RE = re.compile(
    rf"^\s*[{ORNAMENTS}]?\s*(?:(?:本报|新华社|人民日报|中新社|经济日报|科技日报)?(?:特约)?"
    r"(?:记者|通讯员|实习生|特派记者|首席记者))"
    r"[\s\u3000]*[\u4e00-\u9fff·]{1,4}(?:[\s\u3000]+[\u4e00-\u9fff·]{1,4})*"
    r"(?:[\s\u3000]+(?:通讯员|实习生|记者)[\s\u3000]*[\u4e00-\u9fff·]{1,4}(?:[\s\u3000]+[\u4e00-\u9fff·]{1,4})*)*\s*$")
#: a byline as OCR reads it: engines drop the spaces between names (本报记者刘羽佳通讯员陈晨), so
#: the names run on; they are told from a sentence line (记者近日从有关部门获悉) by holding none
#: of the words' characters below (scan lines only: a text dump keeps its spaces)
_NAME_CHAR = r"(?:(?![从获悉表示说称日月年的了在是对将把被为近今昨到向据道等和与及并也都就还已要])[\u4e00-\u9fff·])"
BYLINE_SOLID_RE = re.compile(
    rf"^\s*[{ORNAMENTS}]?\s*(?:本报|新华社|人民日报|中新社|经济日报|科技日报)?(?:特约)?"
    r"(?:记者|通讯员|实习生|特派记者|首席记者)"
    rf"{_NAME_CHAR}{{2,12}}(?:(?:通讯员|实习生|记者){_NAME_CHAR}{{2,9}})*\s*$")
#: the second line of a byline wrapped in a narrow column (□新华社记者 王 / 五 刘开雄 胡喆): names
#: and role words only, no punctuation
BYLINE_TAIL_RE = re.compile(rf"^(?:通讯员|实习生|记者|{_NAME_CHAR}|[\s\u3000]){{2,24}}$")
#: closing note at the end of a body: （新华社北京12月6日电）, （记者 王明 李华）, （本报记者 王明）
CLOSING_NOTE_RE = re.compile(
    r"[（(]\s*(?:[^（）()]{0,16}?\d{1,2}月\d{1,2}日电|(?:本报|新华社)?(?:记者|通讯员|编辑)[^（）()]{1,30}"
    r"|据[^（）()]{1,20}|完|本报综合|综合[^（）()]{0,10}报道)\s*[）)]\s*$")

# --- figures (图片) ----------------------------------------------------------------------------
#: a caption opens with one of these
CAPTION_START_RE = re.compile(r"^\s*(?:[（(]?\s*(?:图为|上图|下图|左图|右图|图[一二三四五六1-9]|图片)[:：]?|图为)")
#: a photo credit: 新华社记者 王明 摄, 王明/摄, 制图：王明, 视觉中国供图, 资料图片
CREDIT_RE = re.compile(
    r"^\s*(?:[\u4e00-\u9fff]{0,8}(?:记者|通讯员)?\s*[\u4e00-\u9fff·\s]{0,16}[/／]?\s*摄\s*[）)]?"
    r"|(?:制图|绘图|漫画|图片|供图|设计)[:：]\s*\S.{0,20}"
    r"|\S{1,12}供图|资料图片|[（(]?(?:新华社|本报)?(?:发|资料图片)[）)]?)\s*$")
#: credit first line wrapped before the name ("新华社记者" then "王明/摄")
CREDIT_HEAD_RE = re.compile(r"^\s*(?:新华社|本报|中新社)?(?:特约)?(?:记者|通讯员)\s*$")

# --- page furniture ------------------------------------------------------------------------
MASTHEAD_RE = re.compile(
    r"(?:国内统一连续出版物号|国内统一刊号|邮发代号|CN\s*\d{2}\s*[-—－]\s*\d{4}|ISSN|"
    r"\S主管\s+\S+主办|总第\s*\d+\s*期|今日\s*\d+\s*版|^\s*[A-Z][A-Z .,&'-]{12,}$)")
#: the paper name in the masthead: ends with 报 / 日报 / 导报 … and nothing else on the line
PAPER_NAME_RE = re.compile(r"^\s*[\u4e00-\u9fff]{2,12}(?:日报|晚报|时报|导报|商报|周报|报)\s*$")
WEEKDAY_RE = re.compile(r"星期[一二三四五六日天]|周[一二三四五六日]")
TOC_TITLE_RE = re.compile(r"^\s*(?:本期导读|今日导读|导读|要目|本期要目|今日要目|目录)\s*$")
#: a table-of-contents entry ends with a page reference ("3版", "A05版", "第3版")
TOC_ENTRY_RE = re.compile(r"\S.*?[\s·…—-]*(?:第?\s*[A-Z]?\d{1,3}\s*版)\s*$")
#: page foot / running head lines
FOLIO_RE = re.compile(
    r"^\s*(?:本版)?(?:责编|责任编辑|编辑|校对|美术编辑|版式设计|美编|视觉设计)[:：\s].{0,30}$"
    r"|^\s*第\s*[A-Z]?\d{1,3}\s*版\s*$")

# --- headings ------------------------------------------------------------------------------
#: a subtitle (副题) starts with a dash
SUBTITLE_RE = re.compile(r"^\s*(?:——|—|--|──)")
#: labels of columns (栏目题), printed above headlines like a kicker
COLUMN_LABEL_RE = re.compile(r"(?:问答|专栏|观察|视点|关注|聚焦|走进|一线|特稿|快评|短评|时评|新闻|要闻|速递|动态|纵深|访谈|专访|调查|综述|故事|手记)$")

# --- heuristic sizes (display width: CJK 2, ASCII 1) ----------------------------------------
#: widest line still taken for one printed column line; tuned on the seeds (columns of 13-22
#: CJK characters = 26-44) and common broadsheet columns (up to ~28 characters = 56)
MAX_COLUMN_WIDTH = 64
#: a heading (headline/kicker/subtitle/subhead) is at most this wide: 40 CJK characters;
#: the longest headline in the seeds is 27
MAX_HEADING_WIDTH = 80
