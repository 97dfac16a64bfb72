"""segmenter: raw newspaper pages → clean per-article XML.

Public API::

    import segmenter
    edition = segmenter.segment(["page-01.txt", "page-02.txt"])   # -> segmenter.Edition
"""

from .containers import Article, Edition, Page
from .errors import InputError, OutputError, SegmenterError, SettingsError
from .pipeline import segment
from .settings import Settings

__version__ = "0.1.0"
__all__ = ["segment", "Edition", "Article", "Page", "Settings", "SegmenterError", "InputError",
           "OutputError", "SettingsError", "__version__"]
