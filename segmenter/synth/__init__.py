"""``segmenter synth``: a generator of Chinese broadsheet pages with exact gold.

``generate(pages, seed, outdir)`` writes ``outdir/edition.pdf`` (all pages), the gold in the
project's article XML (``outdir/gold/<id>.xml`` and ``index.xml``, boxes in ``src``) and text
dumps of the same pages as several extraction tools would write them
(``outdir/dumps/<variant>/page-NN.txt``).  Same (pages, seed), same bytes.

Modules, each owning one idea:

- :mod:`.corpus` article texts (fixture gold, optional shared corpus) and the composer
- :mod:`.plan` page grid and module placement
- :mod:`.linebreak` CJK line breaking with kinsoku
- :mod:`.typeset` filling a module (head, columns, photos, frames, jumps)
- :mod:`.furniture` masthead, running heads, folios
- :mod:`.model` the drawing records and gold data classes
- :mod:`.render` drawing with PyMuPDF in shuffled order
- :mod:`.gold` gold XML; :mod:`.dumps` the text dumps; :mod:`.edition` the whole run
"""

from .edition import SynthResult, generate

__all__ = ["generate", "SynthResult"]
