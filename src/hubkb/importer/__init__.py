"""Importer: raw page scrapes (text or saved HTML) to draft corpus posts with proposed annotations."""

from __future__ import annotations

from .draft import accept
from .extract import Extraction, extract
from .run import ImportResult, import_files

__all__ = ["Extraction", "ImportResult", "accept", "extract", "import_files"]
