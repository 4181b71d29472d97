"""Citation formatters; nothing here reads the corpus or the database."""

from __future__ import annotations

from .csl import (
    LANGS,
    STYLES,
    Lang,
    Style,
    citation_keys,
    format_secondhand,
    parse_ris,
    post_to_csl,
    render,
    render_html,
    secondhand,
    split_person_name,
    to_bibtex,
    to_csl,
    to_ris,
)

__all__ = [
    "LANGS",
    "STYLES",
    "Lang",
    "Style",
    "citation_keys",
    "format_secondhand",
    "parse_ris",
    "post_to_csl",
    "render",
    "render_html",
    "secondhand",
    "split_person_name",
    "to_bibtex",
    "to_csl",
    "to_ris",
]
