"""hubkb: a research knowledge base on the coproduction of innovation."""

from __future__ import annotations

__version__ = "0.2.0"
