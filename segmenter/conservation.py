"""The conservation rule, as a library: every non-whitespace character of the input ends up in
exactly one place of the output.

Used by ``segmenter check`` (hand-edited output) and by the tests (``tests/conftest.py``
imports these helpers).  Two levels:

* counts: :func:`input_chars_of` / :func:`output_chars` give the multisets of non-whitespace
  characters; conservation holds when they are equal;
* places: :func:`locate` lays every output text piece onto the input (whole pieces first,
  longest first; then what is left piece by piece) and says which input characters no output
  piece covers (*missing*, with the page and line or box they came from) and which output
  characters cover nothing (*duplicated* when the text is in the input but already used
  elsewhere, else *not in the input*).  The located counts equal the multiset differences
  exactly (see :func:`locate`).

What counts as output text: every text node of every output file, the values of the
conservation attributes (``marker``, ``markup``, ``repeated``) and one ``-`` per counted soft
hyphen.  index.xml's ``<article headline="…">`` (a summary copy) and all other attributes are
left out.  XML-illegal input characters count as U+FFFD (the reader replaces them).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .readers.text import decode

#: attributes whose values are conserved text (everything else is metadata or a summary copy)
CONSERVED_ATTRS = ("marker", "markup", "repeated")
#: characters the reader replaces by U+FFFD (XML-illegal)
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: file endings of page files inside an input folder (as the pipeline reads them)
PAGE_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".pdf")
#: in the piece-by-piece pass, a piece shorter than this is laid only after every longer piece
#: of every unplaced output text has been laid: 1-3 common characters (的, 中国) would
#: otherwise grab input positions that belong to a longer piece and make the report point at
#: the wrong lines (4 = one short CJK word plus one character; set on the hand-edit tests)
MIN_PIECE_CHARS = 4
#: when explaining a broken conservation: an unplaced run of an output piece at least this long
#: that is in the input as a whole, but only where other pieces already cover it, is a copy
#: (duplicated), and is not spread over free input characters that happen to share its words
#: (which would hide the text that is really missing); shorter runs (a repeated word or date)
#: are placed like any other; 8 = two or three CJK words, set on the hand-edit tests (a
#: paragraph deleted in one article and another duplicated into the next one)
DUP_RUN_CHARS = 8
#: ... and it is a copy only if free input text could cover less than this share of it in
#: pieces of MIN_PIECE_CHARS or more: the input may hold the same text twice (a reprinted
#: article, the generator's reused texts), and the copy that is not contiguous in the input
#: (its lines drawn apart in a PDF) is then not a duplicate; a real copy shares only words
#: and dates with free text (the deleted-and-duplicated test: 0.2), a misplaced original is
#: covered in full (1.0)
COPY_MAX_FREE_SHARE = 0.5


# ----------------------------------------------------------------------------- counts

def nonspace(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace())


def pdf_text(path: Path, pages: set[int] | None = None) -> str:
    """Every character of a PDF's text layer (all pages, or the 1-based ``pages``), as PyMuPDF
    extracts them (the reader's flags), one line per PyMuPDF line."""
    return "".join(ch for ch, _, _ in _pdf_chars(Path(path), pages))


def _pdf_chars(path: Path, pages: set[int] | None):
    """(character, 1-based page index in the file, char bbox) in PyMuPDF's rawdict order;
    a "\\n" (bbox None) after every PyMuPDF line."""
    import pymupdf
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    with pymupdf.open(path) as doc:
        for index, page in enumerate(doc, start=1):
            if pages is not None and index not in pages:
                continue
            raw = page.get_text("rawdict", flags=flags)
            for b in raw["blocks"]:
                for ln in b.get("lines", []):
                    for sp in ln["spans"]:
                        for ch in sp["chars"]:
                            yield ch["c"], index, tuple(ch["bbox"])
                    yield "\n", index, None


def input_text(input_path: Path) -> str:
    """The input as the reader decodes it (so encodings other than UTF-8 compare fairly)."""
    if Path(input_path).suffix.lower() == ".pdf":
        return pdf_text(Path(input_path))
    text, _ = decode(Path(input_path).read_bytes(), Path(input_path).name)
    return text


def input_pages(input_path) -> list[Path]:
    """A file, a list of files, or a folder (its page files in name order)."""
    if isinstance(input_path, (list, tuple)):
        return [Path(p) for p in input_path]
    p = Path(input_path)
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                      and f.suffix.lower() in PAGE_SUFFIXES)
    return [p]


def input_chars_of(input_path) -> Counter:
    """Multiset of the non-whitespace input characters (XML-illegal ones as U+FFFD) of one
    page file, a list of page files or a folder (one edition)."""
    want: Counter = Counter()
    for page in input_pages(input_path):
        want += nonspace(XML_ILLEGAL_RE.sub("\ufffd", input_text(page)))
    return want


def output_files(out_edition_dir: Path) -> list[Path]:
    d = Path(out_edition_dir)
    return [d / "index.xml"] + sorted(p for p in d.glob("*.xml") if p.name != "index.xml")


def output_chars(out_edition_dir: Path) -> Counter:
    """Non-whitespace characters of every text node of every output file, plus the values of
    the conservation attributes, plus one '-' per counted soft hyphen."""
    got: Counter = Counter()
    for f in output_files(out_edition_dir):
        for piece in pieces_of(etree.parse(str(f)).getroot(), f.name):
            got.update(piece.text)
    return got


# ----------------------------------------------------------------------------- places

@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of output text (whitespace removed) and where it is."""

    text: str
    file: str                  # output file name ("a03.xml")
    line: int                  # line of its element in that file
    what: str                  # "<p>", "<headline>", "<p markup>", "<line soft-hyphens>" …

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line} {self.what}"


def pieces_of(root: etree._Element, file: str) -> list[Piece]:
    """The conserved text pieces of one parsed output file, in document order."""
    out: list[Piece] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        line = el.sourceline or 0
        if el.text:
            t = "".join(el.text.split())
            if t:
                out.append(Piece(t, file, line, f"<{tag}>"))
        for name in CONSERVED_ATTRS:
            v = el.get(name)
            if v:   # markup of several lines is joined with spaces: each token is one piece
                out.extend(Piece(tok, file, line, f"<{tag} {name}>") for tok in v.split())
        hy = el.get("soft-hyphens")
        if hy and hy.isdigit():
            out.extend(Piece("-", file, line, f"<{tag} soft-hyphens>") for _ in range(int(hy)))
        if el.tail:
            t = "".join(el.tail.split())
            if t:
                parent = el.getparent()
                ptag = etree.QName(parent).localname if parent is not None else tag
                out.append(Piece(t, file, line, f"text after <{tag}> in <{ptag}>"))
    return out


@dataclass(slots=True)
class InputText:
    """The non-whitespace input characters of one edition in input order, each with where it
    came from: edition page and 1-based input line (text dumps) or character box (PDFs)."""

    chars: list[str] = field(default_factory=list)
    pages: array = field(default_factory=lambda: array("i"))
    lines: array = field(default_factory=lambda: array("i"))     # 0 for PDF characters
    boxes: list[tuple[float, float, float, float] | None] = field(default_factory=list)
    files: dict[int, str] = field(default_factory=dict)          # edition page -> input file name

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def add_text(self, text: str, page: int) -> None:
        text = XML_ILLEGAL_RE.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
        for n, line in enumerate(text.split("\n"), start=1):
            for c in line:
                if not c.isspace():
                    self.chars.append(c)
                    self.pages.append(page)
                    self.lines.append(n)
                    self.boxes.append(None)

    def add_pdf(self, path: Path, page_of: dict[int, int] | None) -> None:
        """The text layer of ``path``: ``page_of`` maps 1-based page index in the file to the
        edition page (None: every page, numbered from 1)."""
        wanted = set(page_of) if page_of is not None else None
        for c, index, box in _pdf_chars(path, wanted):
            c = XML_ILLEGAL_RE.sub("\ufffd", c)
            if c.isspace():
                continue
            self.chars.append(c)
            self.pages.append(page_of[index] if page_of is not None else index)
            self.lines.append(0)
            self.boxes.append(box)


@dataclass(frozen=True, slots=True)
class Missing:
    """A run of input characters that no output piece covers."""

    text: str
    page: int
    first_line: int            # 0 for PDF input
    last_line: int
    box: tuple[float, float, float, float] | None   # union of the characters' boxes (PDF)
    file: str                  # input file name

    @property
    def where(self) -> str:
        if self.box is not None:
            x0, y0, x1, y1 = self.box
            return f"{self.file} page {self.page} box {x0:.1f},{y0:.1f},{x1:.1f},{y1:.1f}"
        lines = f"line {self.first_line}" if self.first_line == self.last_line \
            else f"lines {self.first_line}-{self.last_line}"
        return f"{self.file} page {self.page} {lines}"


@dataclass(frozen=True, slots=True)
class Extra:
    """A run of output characters that covers no input character: a *duplicate* (a copy of
    input text of :data:`MIN_PIECE_CHARS` or more, already covered by ``first``), a few
    characters more than the input has (``in_input``, not a duplicate: a typo fixed with a
    character used elsewhere), or text that is not in the input at all."""

    text: str
    piece: Piece
    duplicate: bool
    first: Piece | None        # the piece that already covers this text (duplicates)
    in_input: bool = True      # the text occurs in the input (all of its copies covered)


@dataclass(slots=True)
class Placement:
    missing: list[Missing]
    extra: list[Extra]

    @property
    def missing_chars(self) -> int:
        return sum(len(m.text) for m in self.missing)

    @property
    def extra_chars(self) -> int:
        return sum(len(e.text) for e in self.extra)


def _find_unused(s: str, used: bytearray, t: str, start: int) -> int:
    """First occurrence of ``t`` in ``s`` at or after ``start`` whose positions are all
    unused, or -1."""
    n = len(t)
    i = s.find(t, start)
    while i >= 0:
        j = used.find(1, i, i + n)
        if j < 0:
            return i
        i = s.find(t, j + 1)   # every occurrence starting in i..j covers the used position j
    return -1


def locate(inp: InputText, pieces: list[Piece], explain: bool = True) -> Placement:
    """Lay the output pieces onto the input characters.

    1. whole pieces, longest first (ties in output order), each at its first free occurrence;
    2. what is left of unplaced pieces, piece by piece: from each position the longest prefix
       that has a free occurrence, first prefixes of at least :data:`MIN_PIECE_CHARS`, then any;
       with ``explain``, an open run of :data:`DUP_RUN_CHARS` or more that is in the input
       as a whole, but only where other pieces already cover it, is set aside as a copy;
    3. input characters still free are *missing*; output characters still unplaced are
       *extra*.

    Without ``explain``, step 2 ends with single characters, so a character c is left unplaced
    only when no free c is left: per character, missing and extra counts are exactly the
    multiset differences input - output and output - input (so an output that conserves the
    input is always fully placed).  With ``explain`` a copy is reported as a copy and the text
    it replaced as missing, even where they share characters."""
    s = inp.text
    used = bytearray(len(s))
    owner = array("i", [-1]) * len(s)
    cursor: dict[str, int] = {}
    placed = [bytearray(len(p.text)) for p in pieces]   # 0 open, 1 placed, 2 set aside (copy)

    def take(pi: int, k: int, t: str) -> bool:
        i = _find_unused(s, used, t, cursor.get(t, 0))
        if i < 0:
            cursor[t] = len(s)
            return False
        cursor[t] = i + 1   # earlier occurrences were not free and never become free again
        used[i:i + len(t)] = b"\x01" * len(t)
        owner[i:i + len(t)] = array("i", [pi]) * len(t)
        placed[pi][k:k + len(t)] = b"\x01" * len(t)
        return True

    order = sorted(range(len(pieces)), key=lambda i: (-len(pieces[i].text), i))
    left = [pi for pi in order if not take(pi, 0, pieces[pi].text)]
    for min_len in (MIN_PIECE_CHARS, 1):
        for pi in left:
            t = pieces[pi].text
            flags = placed[pi]
            k = 0
            while k < len(t):
                if flags[k]:
                    k += 1
                    continue
                end = k
                while end < len(t) and not flags[end]:
                    end += 1
                seg = t[k:end]
                if explain and len(seg) >= DUP_RUN_CHARS and (k == 0 or flags[k - 1]) \
                        and s.find(seg) >= 0 and _find_unused(s, used, seg, 0) < 0 \
                        and _free_share(s, used, seg) < COPY_MAX_FREE_SHARE:
                    flags[k:end] = b"\x02" * len(seg)   # an exact copy of covered input text
                    k = end
                    continue
                n = _longest_free_prefix(s, used, seg)
                if n >= min_len and take(pi, k, t[k:k + n]):
                    k += n
                else:
                    k += 1
    return Placement(_missing_runs(inp, used), _extra_runs(s, pieces, placed, owner))


def _free_share(s: str, used: bytearray, t: str) -> float:
    """Share of ``t`` that free input text could cover in pieces of at least
    :data:`MIN_PIECE_CHARS` (a dry run: nothing is placed)."""
    k = covered = 0
    while k < len(t):
        n = _longest_free_prefix(s, used, t[k:])
        if n >= MIN_PIECE_CHARS:
            covered += n
            k += n
        else:
            k += 1
    return covered / len(t) if t else 1.0


def _longest_free_prefix(s: str, used: bytearray, t: str) -> int:
    """Length of the longest prefix of ``t`` with a free occurrence in ``s`` (0 if none);
    having one is monotone in the length, so a binary search finds it."""
    lo, hi = 0, len(t)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _find_unused(s, used, t[:mid], 0) >= 0:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _missing_runs(inp: InputText, used: bytearray) -> list[Missing]:
    out: list[Missing] = []
    i, n = 0, len(used)
    while i < n:
        if used[i]:
            i += 1
            continue
        j = i
        page = inp.pages[i]
        while j < n and not used[j] and inp.pages[j] == page:
            j += 1
        boxes = [b for b in inp.boxes[i:j] if b is not None]
        box = None
        if boxes:
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                   max(b[2] for b in boxes), max(b[3] for b in boxes))
        out.append(Missing("".join(inp.chars[i:j]), page, inp.lines[i], inp.lines[j - 1], box,
                           inp.files.get(page, "")))
        i = j
    return out


def _extra_runs(s: str, pieces: list[Piece], placed: list[bytearray], owner: array) -> list[Extra]:
    out: list[Extra] = []
    for pi, p in enumerate(pieces):
        k = 0
        flags = placed[pi]
        while k < len(p.text):
            if flags[k] == 1:
                k += 1
                continue
            j = k + 1   # a run of one kind: open (0) or set aside as a copy (2)
            while j < len(p.text) and flags[j] == flags[k]:
                j += 1
            t = p.text[k:j]
            at = s.find(t)
            dup = at >= 0 and (flags[k] == 2 or len(t) >= MIN_PIECE_CHARS)
            first = pieces[owner[at]] if dup and owner[at] >= 0 else None
            out.append(Extra(t, p, dup, first, at >= 0))
            k = j
    return out
