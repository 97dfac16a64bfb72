"""Reader for raw text and markdown dumps: bytes → decoded text → :class:`Page` of :class:`Line`.

The reader only reads: it decodes, replaces XML-illegal control characters (counted), splits
converter markup (markdown heading marks, list bullets, emphasis, hard breaks) off each line
into attributes, and records blank lines.  Whether a dump is markdown or plain column lines is
told from its content, never from the file extension.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..containers import Line, Page
from ..errors import InputError
from ..settings import Settings

#: share of control/NUL bytes above which a file is binary, not text (real dumps have none;
#: a PDF or image has 10-30 %)
BINARY_CONTROL_SHARE = 0.01

#: ... but a few stray control characters in a short text dump are replaced and counted,
#: not taken as binary
BINARY_MIN_CONTROLS = 8
#: share of characters a UTF-16 decode must have in text classes (CJK, printable ASCII,
#: whitespace) to be taken; a wrong byte order gives rare Han/Hangul, binary gives controls
UTF16_PLAUSIBLE_SHARE = 0.95


def _plausible(text: str) -> float:
    if not text:
        return 0.0
    from ..textutil import is_cjk
    ok = sum(1 for c in text if (" " <= c <= "~") or c in "\n\r\t" or is_cjk(c))
    return ok / len(text)


#: the most frequent Han characters, simplified and traditional: a correct GB18030 / Big5
#: decode of Chinese text has most of its Han characters among these (≥ 30 %), a wrong one
#: almost none (< 10 %); used only to choose between the two legacy encodings
_COMMON_HAN = set(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过"
    "发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前"
    "开但因只从想实日者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并"
    "物手应向头文体政美相见被利什二等产或新己制身果加西月话合回特代内信表化老给世位次度门任常先海通"
    "教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活更别打女变四神总何电数安少报才结反受"
    "目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听"
    "白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传"
    "們國來個這說時對發會經過後動無與當還機進學關點體為現從長開問業於產經實電區總萬際興術華與資"
)

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BULLET_RE = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])[ \t]+(?=\S)")
_EMPH_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_HRULE_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode a dump: BOM, then UTF-8, UTF-16 without BOM, GB18030 or Big5.  Returns
    (text, encoding name).  Raises :class:`InputError` for empty, binary or undecodable data."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(f"{name}: has a {enc} byte-order mark but is not valid {enc} ({e.reason} at byte {e.start})") from None
    sample = data[:65536]
    if 0 not in sample:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if len(data) % 2 == 0:
        # UTF-16 without a byte-order mark: take the byte order whose decode reads as text
        best = max(((_plausible(data[:8192].decode(enc, errors="replace")), enc)
                    for enc in ("utf-16-le", "utf-16-be")))
        if best[0] >= UTF16_PLAUSIBLE_SHARE:
            try:
                return data.decode(best[1]), best[1]
            except UnicodeDecodeError:
                pass
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    if controls > max(BINARY_MIN_CONTROLS, BINARY_CONTROL_SHARE * len(sample)):
        raise InputError(f"{name}: looks binary ({controls} control bytes in the first {len(sample)}), not a text dump")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        han = [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff"]
        share = sum(1 for c in han if c in _COMMON_HAN) / len(han) if han else 0.0
        candidates.append((share, enc, text))
    if candidates:
        share, enc, text = max(candidates, key=lambda c: (c[0], c[1] == "gb18030"))
        return text, enc
    raise InputError(f"{name}: cannot decode (tried UTF-8, UTF-16, GB18030, Big5)")


def read_text(path: Path, page_number: int, settings: Settings) -> Page:
    """Read one dump file as one page."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > settings.max_input_bytes:
            raise InputError(f"{name}: {size / 1e6:.1f} MB is larger than one page can be "
                             f"(limit {settings.max_input_bytes / 1e6:.1f} MB); split it into page files")
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror or e})") from None
    text, encoding = decode(data, name)
    return parse_text(text, page_number, str(path), name, encoding)


def parse_text(text: str, page_number: int = 1, path: str = "<text>", name: str = "<text>",
               encoding: str = "utf-8") -> Page:
    """Split decoded text into lines with converter markup separated (pure; used by tests)."""
    text, replaced = _XML_ILLEGAL_RE.subn("\ufffd", text)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    page = Page(number=page_number, path=path, name=name, kind="text", encoding=encoding,
                replaced_controls=replaced)
    blank = 0
    md_marks = 0
    for i, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            blank += 1
            continue
        line = _parse_line(raw, page_number, i)
        line.blank_before = blank
        blank = 0
        if line.markup:
            md_marks += 1
        page.lines.append(line)
    page.style = "markdown" if md_marks and any(ln.heading_level for ln in page.lines) else ""
    return page


def _parse_line(raw: str, page: int, lineno: int) -> Line:
    hard_break = raw.endswith("  ") or raw.endswith("\t")
    body = raw.rstrip()
    markup: list[str] = []
    level = 0
    m = _HEADING_RE.match(body)
    if m:
        level = len(m.group(1))
        markup.append(m.group(1))
        body = m.group(2)
    elif _HRULE_RE.match(body):
        markup.append(body.strip())
        body = ""
    else:
        b = _BULLET_RE.match(body)
        if b and not b.group(2)[0].isdigit():
            markup.append(b.group(2))
            body = body[b.end():]
    if "**" in body or "__" in body:
        n = len(_EMPH_RE.findall(body))
        if n:
            body = _EMPH_RE.sub(r"\2", body)
            markup.extend(["**"] * (2 * n))
    return Line(text=body, page=page, lineno=lineno, markup=" ".join(markup),
                heading_level=level, hard_break=hard_break)
