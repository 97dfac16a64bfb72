"""Drawing the pages with PyMuPDF, in a seeded shuffled order.

Modules (and, sometimes, the lines inside one) are drawn in a shuffled order, so a reader can
never rely on the PDF's content-stream order.  Text is one ``insert_text`` per line (through
one Shape per page: ``Page.insert_text`` makes and commits a Shape per call, 25x slower) in
the embedded CJK font, subset before saving.  The order actually drawn is recorded in
:attr:`PageSetting.drawn` for the ``drawing`` dump.
"""

from __future__ import annotations

import random

import pymupdf

from .model import ArtKind, PageSetting

FONT_NAME = "synthcjk"
#: share of modules whose lines are drawn in shuffled order too
LINE_SHUFFLE_P = 0.3
#: stroke widths (pt): separator rules, frames; grey level of photo boxes
RULE_WIDTH = 0.5
BOX_WIDTH = 0.7
PHOTO_GREY = 0.72
#: glyph outline width for bold-looking lines, as a share of the font size (render mode 2)
BOLD_STROKE = 0.03
#: size of generated photos (pixels)
IMAGE_PIXELS = (72, 48)
#: fixed metadata, so the same input gives the same bytes
METADATA = {"title": "edition", "author": "segmenter synth", "subject": "", "keywords": "",
            "creator": "segmenter synth", "producer": "segmenter synth",
            "creationDate": "D:20250101000000Z", "modDate": "D:20250101000000Z"}


def _pixmap(seed: int) -> pymupdf.Pixmap:
    """A small seeded colour pattern standing in for a news photo."""
    r = random.Random(seed)
    w, h = IMAGE_PIXELS
    a, b, c = r.randrange(1, 7), r.randrange(1, 7), r.randrange(256)
    base = (r.randrange(60, 200), r.randrange(60, 200), r.randrange(60, 200))
    data = bytearray()
    for y in range(h):
        for x in range(w):
            v = (a * x + b * y + c) % 96
            data += bytes(((base[0] + v) % 256, (base[1] + v // 2) % 256, (base[2] + 2 * v) % 256))
    return pymupdf.Pixmap(pymupdf.csRGB, w, h, bytes(data), False)


def render(pages: list[PageSetting], rng: random.Random) -> bytes:
    font = pymupdf.Font("cjk")
    doc = pymupdf.open()
    for ps in pages:
        page = doc.new_page(width=ps.width, height=ps.height)
        page.insert_font(fontname=FONT_NAME, fontbuffer=font.buffer)
        shape = page.new_shape()
        units = list(ps.units)
        rng.shuffle(units)
        drawn = []
        images = []
        for u in units:
            for art in u.arts:
                r = pymupdf.Rect(art.bbox.x0, art.bbox.y0, art.bbox.x1, art.bbox.y1)
                if art.kind is ArtKind.RULE:
                    # a rule's box is its line: its thinner side is the stroke width
                    if r.width >= r.height:
                        cy = (r.y0 + r.y1) / 2
                        shape.draw_line((r.x0, cy), (r.x1, cy))
                        shape.finish(width=max(RULE_WIDTH, r.height), color=(0, 0, 0))
                    else:
                        cx = (r.x0 + r.x1) / 2
                        shape.draw_line((cx, r.y0), (cx, r.y1))
                        shape.finish(width=max(RULE_WIDTH, r.width), color=(0, 0, 0))
                elif art.kind is ArtKind.BOX:
                    shape.draw_rect(r)
                    shape.finish(width=BOX_WIDTH, color=(0, 0, 0))
                elif art.kind is ArtKind.PHOTO:
                    shape.draw_rect(r)
                    shape.finish(fill=(PHOTO_GREY,) * 3, color=None)
                else:
                    images.append((r, art.seed))
            lines = u.lines
            if rng.random() < LINE_SHUFFLE_P:
                lines = list(lines)
                rng.shuffle(lines)
            for ln in lines:
                shape.insert_text((ln.x, ln.baseline), ln.text, fontname=FONT_NAME, fontsize=ln.size,
                                  render_mode=2 if ln.bold else 0, border_width=BOLD_STROKE,
                                  color=(0, 0, 0), fill=(0, 0, 0))
                drawn.append(ln)
        shape.commit()
        for r, seed in images:
            page.insert_image(r, pixmap=_pixmap(seed))
        ps.drawn = drawn
    doc.subset_fonts()
    doc.set_metadata(METADATA)
    data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return data
