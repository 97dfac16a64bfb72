"""The whole edition: plan every page, choose the articles, typeset, draw, write.

Pages are typeset in order, so a front-page article that jumps (下转第N版) is cut first and
its remainder is set on page N (上接第1版) in the module reserved for it; the front-page table
of contents is set last, when the later pages' headlines are known.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from segmenter.containers import BBox
from segmenter.errors import OutputError

from .corpus import PAPERS, PAPERS_EN, SECTIONS, Composer, Corpus, FigureText, Source, load_corpus
from .dumps import VARIANTS, render_dumps
from .furniture import Issue, folio, masthead, running_head
from .gold import PDF_NAME, render_gold
from .linebreak import Metrics
from .model import Art, ArticleGold, ArtKind, DrawUnit, PageSetting
from .plan import (FIGURE_CREDIT_AT_END_P, FIGURE_IMAGE_P, FIGURE_TUWEI_P, PAGE_HEIGHT, PAGE_WIDTH, PHOTO_FILL_SHARE,
                   ModuleKind, ModulePlan, PagePlan, Planner, capacity, figure_plan)
from .render import render
from .typeset import Carry, ModuleResult, Typesetter

#: editions are dated within a year from this day
FIRST_DAY = date(2025, 1, 6)
#: a continued part needs a module of at least this capacity (characters)
MIN_CONTINUATION_CAPACITY = 300
#: a front-page article jumps only if its source has this many times its module's capacity
JUMP_TEXT_FACTOR = 1.25
#: a source is preferred for a module if its unused text fills this share of the capacity
SOURCE_FILL_NEED = 0.9
#: an article whose text fills less than this share of its module gets a photo
SHORT_TEXT_SHARE = 0.75
#: the table of contents lists at most this many later articles
TOC_ENTRIES = 6
#: index-level photos: share taking a caption of an index-level fixture figure
LOOSE_CAPTION_P = 0.5


@dataclass(slots=True)
class SynthResult:
    outdir: Path
    pages: int
    articles: int
    variants: tuple[str, ...]
    seconds: float
    settings: list[PageSetting] = field(default_factory=list, repr=False)
    golds: list[ArticleGold] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return f"{self.outdir}: {self.pages} pages, {self.articles} articles, {len(self.variants)} dump variants"


@lru_cache(maxsize=1)
def _corpus() -> Corpus:
    return load_corpus()


@lru_cache(maxsize=1)
def _metrics() -> Metrics:
    return Metrics()


class _Edition:
    def __init__(self, pages: int, seed: int):
        self.rng = random.Random(seed)
        self.pages = pages
        rng = self.rng
        day = FIRST_DAY + timedelta(days=rng.randrange(360))
        paper = rng.choice(PAPERS)
        self.issue = Issue(paper, PAPERS_EN[paper], day, rng.randrange(1, 60), rng.randrange(1000, 9000),
                           rng.randrange(1, 9999), rng.randrange(1, 99), pages)
        self.metrics = _metrics()
        self.corpus = _corpus()
        self.composer = Composer(self.corpus, rng, day, paper)
        planner = Planner(rng, pages)
        self.plans = [planner.page(n) for n in range(1, pages + 1)]
        self.carries: dict[int, list[Carry]] = {}
        self.golds: list[ArticleGold] = []
        self.settings: list[PageSetting] = []
        self._plan_jumps()

    # ------------------------------------------------------------------ jumps
    def _plan_jumps(self) -> None:
        if self.pages < 2:
            return
        rng = self.rng
        front = self.plans[0]
        cands = [m for m in front.modules if m.kind is ModuleKind.ARTICLE and not m.vertical and m.child is None]
        cands.sort(key=lambda m: (m.tier, m.key))
        n = 1 if self.pages == 2 else rng.choice((1, 2))
        targets = rng.sample(range(2, self.pages + 1), min(n, self.pages - 1))
        for m, t in zip(cands[:n], targets):
            plan = self.plans[t - 1]
            conts = [c for c in plan.modules if c.kind is ModuleKind.ARTICLE and not c.vertical and c.child is None
                     and not c.continuation and capacity(c, plan.body_size) >= MIN_CONTINUATION_CAPACITY]
            if not conts:
                continue
            c = rng.choice(conts)
            c.continuation = True
            c.figure = None
            m.jump_to = t

    # ------------------------------------------------------------------ sources
    def _pick(self, m: ModulePlan, plan: PagePlan, exclude: set[str]) -> Source:
        ranked = self.composer.ranked(exclude)
        cap = capacity(m, plan.body_size)
        need = cap * (JUMP_TEXT_FACTOR if m.jump_to else SOURCE_FILL_NEED)
        for s in ranked:
            if self._unused(s) >= need:
                return s
        return ranked[0]

    def _unused(self, s: Source) -> int:
        used = self.composer.used[s.key]
        first = next((k for k, it in enumerate(s.items) if k not in used and it.kind == "p"), None)
        return 0 if first is None else sum(len(it.text) for it in s.items[first:])

    # ------------------------------------------------------------------ pages
    def page(self, plan: PagePlan) -> PageSetting:
        rng = self.rng
        n = plan.number
        ts = Typesetter(self.metrics, plan, rng)
        ps = PageSetting(n, PAGE_WIDTH, PAGE_HEIGHT, plan.grid.columns, plan.body_size)
        names = self.composer.distinct_names(2)
        if n == 1:
            unit, fu = masthead(self.metrics, self.issue)
        else:
            unit, fu = running_head(self.metrics, self.issue, n, rng.choice(SECTIONS), names[0])
        ps.units.append(unit)
        ps.furniture.append(fu)
        exclude: set[str] = {c.article.source for c in self.carries.get(n, [])}
        carries = list(self.carries.get(n, []))
        order = sorted(plan.all_modules(), key=lambda m: (not m.jump_to, -capacity(m, plan.body_size), m.key))
        for m in order:
            if m.kind is ModuleKind.TOC:
                continue
            if m.kind is ModuleKind.PHOTO:
                res = ts.index_photo(m, self._loose_figure(exclude), rng.random() < FIGURE_IMAGE_P,
                                     rng.random() < FIGURE_CREDIT_AT_END_P)
            elif m.continuation and carries:
                carry = carries.pop(0)
                res = ts.article(m, None, None, carry)
                self.composer.mark_used(carry.article.source, res.printed)
            else:
                res = self._article(ts, m, plan, exclude)
            self._collect(ps, res)
        rules = DrawUnit(f"p{n}.rules", (plan.content.x0, plan.content.y0))
        for r in plan.rules:
            rules.arts.append(Art(ArtKind.RULE, BBox(r.x0, r.y0, r.x1, r.y1)))
        ps.units.append(rules)
        unit, fu = folio(self.metrics, n, names[0], names[1])
        ps.units.append(unit)
        ps.furniture.append(fu)
        return ps

    def _article(self, ts: Typesetter, m: ModulePlan, plan: PagePlan, exclude: set[str]) -> ModuleResult:
        source = self._pick(m, plan, exclude)
        exclude.add(source.key)
        cap = capacity(m, plan.body_size)
        art = self.composer.article(source, m.style, int(cap * SOURCE_FILL_NEED))
        if m.figure is None and not m.jump_to and sum(len(b.text) for b in art.body) < cap * SHORT_TEXT_SHARE:
            m.figure = figure_plan(m, self.rng, PHOTO_FILL_SHARE)   # a photo fills what the text cannot
        fig = self.composer.figure(source, m.figure.tuwei) if m.figure else None
        res = ts.article(m, art, fig)
        self.composer.mark_used(source.key, res.printed)
        if res.carry is not None:
            res.carry.headline = Composer.shortened(art.headline, self.rng)
            self.carries.setdefault(res.carry.to_page, []).append(res.carry)
        return res

    def _loose_figure(self, exclude: set[str]) -> FigureText:
        loose = self.composer.loose_captions
        if loose and self.rng.random() < LOOSE_CAPTION_P:
            c = self.rng.choice(loose)
            return FigureText(c.caption, c.credit or self.composer.credit())
        source = self.composer.ranked(exclude)[-1]
        return self.composer.figure(source, self.rng.random() < FIGURE_TUWEI_P)

    def _collect(self, ps: PageSetting, res: ModuleResult) -> None:
        ps.units.append(res.unit)
        if res.article is not None:
            self.golds.append(res.article)
        if res.figure is not None:
            ps.figures.append(res.figure)
        if res.furniture is not None:
            ps.furniture.append(res.furniture)

    def toc(self) -> None:
        plan = self.plans[0]
        tocs = [m for m in plan.modules if m.kind is ModuleKind.TOC]
        if not tocs:
            return
        later = sorted((a for a in self.golds if a.page > 1 and a.headline is not None),
                       key=lambda a: (a.page, a.anchor))
        entries = [(a.headline.text, a.page) for a in later][:TOC_ENTRIES]
        ts = Typesetter(self.metrics, plan, self.rng)
        res = ts.toc(tocs[0], entries)
        self._collect(self.settings[0], res)
        # the toc follows the masthead in index.xml
        fu = self.settings[0].furniture
        fu.insert(1, fu.pop())

    def build(self) -> None:
        for plan in self.plans:
            self.settings.append(self.page(plan))
        self.toc()
        self.golds.sort(key=lambda a: (a.page, a.anchor))
        for i, a in enumerate(self.golds, start=1):
            a.id = f"a{i:02d}"


def _write(outdir: Path, files: dict[str, bytes]) -> None:
    """Build the output in a temporary folder inside ``outdir``, then move edition.pdf,
    gold/ and dumps/ into place (replacing older ones; nothing else is touched)."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".synth.", dir=outdir))
    except OSError as e:
        raise OutputError(f"{outdir}: cannot write output ({e.strerror or e})") from None
    try:
        for rel, data in files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        for name in (PDF_NAME, "gold", "dumps") + (("scans",) if (tmp / "scans").is_dir() else ()):
            dest = outdir / name
            if dest.is_dir() and not dest.is_symlink():
                shutil.rmtree(dest)
            elif dest.exists() or dest.is_symlink():
                dest.unlink()
            os.replace(tmp / name, dest)
    except OSError as e:
        raise OutputError(f"{outdir}: cannot write output ({e.strerror or e})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def generate(pages: int, seed: int, outdir: Path, scans: tuple[int, str] | None = None) -> SynthResult:
    """Write ``pages`` synthetic newspaper pages with exact gold into ``outdir``:
    edition.pdf, gold/<id>.xml + gold/index.xml, dumps/<variant>/page-NN.txt|md; with
    ``scans=(dpi, level)`` also scans/page-NN.png (see :mod:`.scan`)."""
    t0 = time.perf_counter()
    if pages < 1:
        raise ValueError("pages must be at least 1")
    ed = _Edition(pages, seed)
    ed.build()
    pdf = render(ed.settings, ed.rng)
    files = {PDF_NAME: pdf}
    files.update({f"gold/{k}": v for k, v in render_gold(ed.settings, ed.golds).items()})
    files.update({f"dumps/{k}": v for k, v in render_dumps(ed.settings).items()})
    if scans is not None:
        from .scan import render_scans
        files.update(render_scans(pdf, seed, *scans))
    _write(Path(outdir), files)
    return SynthResult(Path(outdir), pages, len(ed.golds), VARIANTS, time.perf_counter() - t0,
                       ed.settings, ed.golds)
