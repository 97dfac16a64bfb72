"""``segmenter check OUT/NAME``: validate a (hand-edited) output edition.

Three kinds of problem, each reported with the place it is at:

* XML: a file that is not well-formed, or not valid against the shipped schema
  (``schema/segmenter.xsd``): ``a03.xml:14: …``;
* structure: index.xml lists an article file that is not there, an article file is not listed,
  an article's ``id`` is not its file name or its ``edition`` is not the index's name;
* conservation: every non-whitespace character of the input must be present exactly once
  (see :mod:`segmenter.conservation`): missing text is reported with the input page and line
  range (text dumps) or page and box (PDFs) it came from, duplicated text with the file and
  line of both copies, text that is not in the input at all with its file and line.

The input is found through index.xml: each ``<page>`` records ``path`` (as given to
``segmenter run``) and ``sha256`` of the input bytes; ``--source`` (a file, or a folder holding
the page files by their ``file`` names) replaces them, e.g. for output written before these
attributes existed or moved to another machine.

Bad input (no such folder, not an edition folder, input not found or changed since the run)
raises :class:`CheckError`; problems found are returned in a :class:`CheckReport`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .conservation import (InputText, Piece, Placement, input_text, locate, pieces_of)
from .errors import SegmenterError
from .export import schema

#: characters of a text shown in one report line before it is cut with "…" (display only)
SHOW_CHARS = 40
#: report lines per kind of problem before "… and N more" (display only; JSON-free CLI output
#: stays readable when a whole article was deleted character by character)
MAX_LINES = 50


class CheckError(SegmenterError):
    """The check cannot run: no edition folder, or its input cannot be found."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One XML or structure problem: the file, the line (0 when none applies), what."""

    file: str
    line: int
    kind: str                  # "xml", "schema", "structure"
    message: str

    def __str__(self) -> str:
        at = f"{self.file}:{self.line}" if self.line else self.file
        return f"{at}: {self.kind}: {self.message}"


@dataclass(slots=True)
class CheckReport:
    edition: str
    folder: str
    files: int = 0
    input_chars: int = 0
    output_chars: int = 0
    problems: list[Problem] = field(default_factory=list)
    placement: Placement | None = None   # None: conservation not checked (malformed XML)

    @property
    def ok(self) -> bool:
        return not self.problems and self.placement is not None \
            and not self.placement.missing and not self.placement.extra


def _show(text: str) -> str:
    return text if len(text) <= SHOW_CHARS else text[:SHOW_CHARS - 1] + "…"


def _one_line(msg: object) -> str:
    return " ".join(str(msg).split())


@dataclass(frozen=True, slots=True)
class _PageRef:
    n: int
    file: str
    kind: str
    path: str
    sha256: str
    source_page: int


def _pages(index: etree._Element) -> list[_PageRef]:
    out = []
    for el in index.findall("page"):
        try:
            n = int(el.get("n", "0"))
            sp = int(el.get("source-page", "0") or 0)
        except ValueError:
            continue   # reported by the schema check
        out.append(_PageRef(n, el.get("file", ""), el.get("kind", "text"), el.get("path", ""),
                            el.get("sha256", ""), sp))
    return out


def _resolve(page: _PageRef, source: Path | None, n_inputs: int, edition_dir: Path) -> Path:
    """The input file of ``page``: ``source`` (a file when the edition has one input file, or
    a folder holding the files by name), else the recorded ``path`` (relative to the current
    folder, else to the folder ``segmenter run`` was started from: OUTDIR/..)."""
    if source is not None:
        if source.is_dir():
            p = source / page.file
            if not p.is_file():
                raise CheckError(f"{source}: no input file {page.file!r} in this folder")
            return p
        if not source.is_file():
            raise CheckError(f"{source}: no such input file or folder")
        if n_inputs > 1:
            raise CheckError(f"{source}: the edition has {n_inputs} input files; "
                             "give --source the folder that holds them")
        return source
    if not page.path:
        raise CheckError(f"index.xml does not record where {page.file!r} was read from "
                         "(output of an older segmenter); "
                         "give the input with --source")
    p = Path(page.path)
    if not p.is_file() and not p.is_absolute():
        p = edition_dir.parent.parent / page.path   # relative to where the run was started
    if not p.is_file():
        raise CheckError(f"{page.path}: input of page {page.n} not found; give it with --source")
    return p


def _input(pages: list[_PageRef], source: Path | None, edition_dir: Path) -> InputText:
    inp = InputText()
    keys = sorted({(p.path, p.file) for p in pages})
    n_inputs = len(keys)
    groups: dict[Path, list[_PageRef]] = {}
    for page in sorted(pages, key=lambda p: p.n):
        path = _resolve(page, source, n_inputs, edition_dir)
        groups.setdefault(path, []).append(page)
    for path, group in groups.items():
        digest = next((p.sha256 for p in group if p.sha256), "")
        if digest:
            try:
                data = path.read_bytes()
            except OSError as e:
                raise CheckError(f"{path}: cannot read ({e.strerror or e})") from None
            if hashlib.sha256(data).hexdigest() != digest:
                raise CheckError(f"{path}: input changed since the run (sha256 differs from "
                                 "index.xml); give the original with --source")
        for p in group:
            inp.files[p.n] = path.name
        try:
            if path.suffix.lower() == ".pdf":
                page_of = {p.source_page: p.n for p in group if p.source_page} or None
                inp.add_pdf(path, page_of)
            else:
                for p in group:
                    inp.add_text(input_text(path), p.n)
        except SegmenterError:
            raise
        except Exception as e:   # unreadable PDF and the like: the input, not a bug
            raise CheckError(f"{path}: cannot read input ({_one_line(e)})") from None
    return inp


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def check(edition_dir: Path, source: Path | None = None) -> CheckReport:
    """Check one output edition folder; see the module docstring."""
    d = Path(edition_dir)
    if not d.is_dir():
        raise CheckError(f"{d}: no such folder")
    if not (d / "index.xml").is_file():
        raise CheckError(f"{d}: not an output edition folder (no index.xml)")
    xsd = schema()
    files = [d / "index.xml"] + sorted(p for p in d.glob("*.xml") if p.name != "index.xml")
    report = CheckReport(edition=d.name, folder=str(d), files=len(files))
    roots: dict[str, etree._Element] = {}
    for f in files:
        try:
            doc = etree.parse(str(f), _PARSER)
        except etree.XMLSyntaxError as e:
            report.problems.append(Problem(f.name, e.lineno or 0, "xml", _one_line(e.msg)))
            continue
        except OSError as e:
            report.problems.append(Problem(f.name, 0, "xml", f"cannot read ({_one_line(e)})"))
            continue
        roots[f.name] = doc.getroot()
        if not xsd.validate(doc):
            for err in xsd.error_log:
                report.problems.append(Problem(f.name, err.line, "schema", _one_line(err.message)))
    index = roots.get("index.xml")
    if index is None:
        return report
    if index.tag != "edition":
        report.problems.append(Problem("index.xml", index.sourceline or 0, "structure",
                                       f"root is <{index.tag}>, not <edition>"))
        return report
    report.edition = index.get("name") or d.name
    _structure(d, index, roots, files, report)
    if len(roots) < len(files):
        return report   # a file that cannot be parsed: its text cannot be placed
    try:
        inp = _input(_pages(index), source, d)
    except CheckError as e:
        raise CheckError(f"{d}: {e}") from None
    pieces: list[Piece] = []
    for f in files:
        pieces += pieces_of(roots[f.name], f.name)
    report.input_chars = len(inp.chars)
    report.output_chars = sum(len(p.text) for p in pieces)
    # explain only a broken conservation: an intact one is placed in full without it
    conserved = Counter(inp.chars) == Counter(c for p in pieces for c in p.text)
    report.placement = locate(inp, pieces, explain=not conserved)
    return report


def _structure(d: Path, index: etree._Element, roots: dict[str, etree._Element],
               files: list[Path], report: CheckReport) -> None:
    listed: dict[str, etree._Element] = {}
    for el in index.findall("article"):
        name = el.get("file") or ""
        if name in listed:
            report.problems.append(Problem("index.xml", el.sourceline or 0, "structure",
                                           f"article file {name!r} listed twice"))
        listed[name] = el
        if name and not (d / name).is_file():
            report.problems.append(Problem("index.xml", el.sourceline or 0, "structure",
                                           f"lists {name!r}, which is not in the folder"))
        if name and el.get("id") and name != f"{el.get('id')}.xml":
            report.problems.append(Problem("index.xml", el.sourceline or 0, "structure",
                                           f"article id {el.get('id')!r} but file {name!r}"))
    for f in files[1:]:
        if f.name not in listed:
            report.problems.append(Problem(f.name, 0, "structure", "not listed in index.xml"))
        root = roots.get(f.name)
        if root is None:
            continue
        if root.tag != "article":
            report.problems.append(Problem(f.name, root.sourceline or 0, "structure",
                                           f"root is <{root.tag}>, not <article>"))
            continue
        if root.get("id") and f"{root.get('id')}.xml" != f.name:
            report.problems.append(Problem(f.name, root.sourceline or 0, "structure",
                                           f"id {root.get('id')!r} does not match the file name"))
        if root.get("edition") not in (None, index.get("name")):
            report.problems.append(Problem(f.name, root.sourceline or 0, "structure",
                                           f"edition {root.get('edition')!r} is not "
                                           f"{index.get('name')!r} of index.xml"))


def format_check(report: CheckReport) -> str:
    """The report as text: a summary line, then one line per problem."""
    pl = report.placement
    lines: list[str] = []
    if report.ok:
        return (f"{report.folder}: ok: {report.files} files valid, all {report.input_chars} "
                "input characters present exactly once")
    parts = []
    if report.problems:
        parts.append(f"{len(report.problems)} XML/structure problem(s)")
    if pl is None:
        parts.append("conservation not checked (fix the XML first)")
    else:
        dup = sum(len(e.text) for e in pl.extra if e.duplicate)
        more = sum(len(e.text) for e in pl.extra if e.in_input and not e.duplicate)
        new = pl.extra_chars - dup - more
        if pl.missing:
            parts.append(f"{pl.missing_chars} character(s) missing")
        if dup:
            parts.append(f"{dup} duplicated")
        if more:
            parts.append(f"{more} extra")
        if new:
            parts.append(f"{new} not in the input")
    lines.append(f"{report.folder}: problems: " + ", ".join(parts))
    lines += _capped([str(p) for p in report.problems])
    if pl is not None:
        lines += _capped([f"missing {len(m.text)} char(s) \"{_show(m.text)}\" from {m.where}"
                          for m in pl.missing])
        extra = []
        for e in pl.extra:
            if e.duplicate:
                first = f" (already at {e.first.where})" if e.first is not None else ""
                extra.append(f"duplicated {len(e.text)} char(s) \"{_show(e.text)}\" at "
                             f"{e.piece.where}{first}")
            elif e.in_input:
                extra.append(f"extra {len(e.text)} char(s) \"{_show(e.text)}\" at "
                             f"{e.piece.where} (the input has no more of it)")
            else:
                extra.append(f"not in the input: {len(e.text)} char(s) \"{_show(e.text)}\" at "
                             f"{e.piece.where}")
        lines += _capped(extra)
    return "\n".join(lines)


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return lines[:MAX_LINES] + [f"… and {len(lines) - MAX_LINES} more"]
