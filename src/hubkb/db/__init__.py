"""Everything that talks SQL lives in this package."""
from __future__ import annotations

from .rows import authority_rows, post_rows
from .write import Writer, published_state

__all__ = ["Writer", "authority_rows", "post_rows", "published_state"]
