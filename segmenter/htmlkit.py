"""Shared look of segmenter's HTML pages (``segmenter review``, ``segmenter diff --html``).

Everything here produces self-contained HTML: no network, no external assets, one file that
opens from disk.  Output is deterministic (same input → same bytes): colours come from the
article's position, never from a random generator or a hash salted per process.
"""

from __future__ import annotations

import html
import json

#: hue step between consecutive articles (degrees): the golden angle spreads any number of
#: articles round the colour wheel so that neighbours (1 and 2, 2 and 3 …) never look alike
HUE_STEP = 137.508
#: saturation / lightness of an article's strong colour (outlines, bars, markers): dark enough
#: for white text on it, light enough to tell the hues apart
STRONG_SL = (62, 42)
#: ... and of its light tint (background of source lines and regions)
TINT_SL = (85, 90)


def esc(text: object) -> str:
    """HTML-escape text for element content and double-quoted attribute values."""
    return html.escape(str(text), quote=True)


def hue(index: int) -> float:
    """Hue (0..360) of the article at 0-based ``index`` in reading order."""
    return round((index * HUE_STEP) % 360.0, 1)


def article_colour(index: int) -> str:
    """Strong colour of the article at 0-based ``index`` (CSS ``hsl()``)."""
    return f"hsl({hue(index)},{STRONG_SL[0]}%,{STRONG_SL[1]}%)"


def article_tint(index: int) -> str:
    """Light tint of the article at 0-based ``index`` (CSS ``hsl()``)."""
    return f"hsl({hue(index)},{TINT_SL[0]}%,{TINT_SL[1]}%)"


def json_script(obj: object, element_id: str) -> str:
    """``obj`` as a ``<script type="application/json">`` block that no text can break out of
    (``</script>`` and the JavaScript-illegal line separators are escaped)."""
    data = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = (data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return f'<script type="application/json" id="{esc(element_id)}">{data}</script>'


#: the base style of every segmenter page: CJK-capable system fonts (no web fonts), two panes,
#: colour chips, diff marks (``ins``/``del``), markup and jump markers greyed
CSS = """
:root{--fg:#1d1d1f;--muted:#8a8a8e;--line:#d9d9de;--bg:#fff;--panel:#f6f6f8;--warn:#b3261e;
--ok:#1e7b34;--doubt:#c25e00;font-size:14px}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:var(--bg);
font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
"WenQuanYi Micro Hei",system-ui,sans-serif;line-height:1.5}
header.top{position:sticky;top:0;z-index:10;background:var(--panel);border-bottom:1px solid var(--line);
padding:6px 12px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header.top h1{font-size:1.1rem;margin:0}
.summary{color:var(--muted)}
.warning{color:var(--warn);font-weight:600}
.panes{display:grid;grid-template-columns:1fr 1fr;gap:0;height:calc(100vh - 40px)}
.pane{overflow:auto;padding:8px 12px;border-right:1px solid var(--line)}
.chip{display:inline-block;min-width:1.8em;padding:0 .35em;border-radius:.6em;color:#fff;
text-align:center;font-size:.8rem;font-weight:600}
.muted,.markup,.jumpmark{color:var(--muted)}
.markup{font-style:normal;background:#eee}
.jumpmark{text-decoration:line-through dotted}
.doubt{color:var(--doubt);font-weight:600}
.score{font-variant-numeric:tabular-nums}
kbd{border:1px solid var(--line);border-bottom-width:2px;border-radius:3px;padding:0 .3em;
font-size:.8rem;background:#fff}
ins{background:#d7f5dd;text-decoration:none}
del{background:#fbdada}
.focus{outline:3px solid #000;outline-offset:1px}
table.plain{border-collapse:collapse}
table.plain td,table.plain th{border-bottom:1px solid var(--line);padding:2px 6px;text-align:left;
vertical-align:top}
"""


def page_shell(title: str, body: str, *, css: str = "", script: str = "", head: str = "") -> str:
    """A complete HTML document: ``body`` is trusted HTML (escape your text with :func:`esc`),
    ``css`` is added after the base :data:`CSS`, ``script`` runs at the end of the body;
    ``head`` is extra trusted markup for ``<head>``.  The page forbids every network load."""
    return ("<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
            # self-contained: images only from data: URIs, scripts and styles only inline
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}{css}</style>\n{head}</head>\n"
            f"<body>\n{body}\n"
            + (f"<script>{script}</script>\n" if script else "")
            + "</body>\n</html>\n")
