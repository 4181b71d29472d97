"""Citation formatters, a module per format; nothing here reads the corpus or the database.

`csl` (CSL-JSON and citeproc-py references), `bibtex`, `ris`, `secondhand`
(passages met through a relay) and `names` (authors' name parts).
"""

from __future__ import annotations

from .bibtex import citation_keys, to_bibtex
from .csl import LANGS, STYLES, Lang, Style, post_as_work, post_to_csl, render, render_html, to_csl
from .names import split_person_name
from .ris import parse_ris, to_ris
from .secondhand import format_secondhand, secondhand

__all__ = [
    "LANGS",
    "STYLES",
    "Lang",
    "Style",
    "citation_keys",
    "format_secondhand",
    "parse_ris",
    "post_as_work",
    "post_to_csl",
    "render",
    "render_html",
    "secondhand",
    "split_person_name",
    "to_bibtex",
    "to_csl",
    "to_ris",
]
