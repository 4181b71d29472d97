"""How a definition or quote travelled: relay chains, reused wording, the citation network."""

from __future__ import annotations

from .reuse import Reuse, ReuseText, find_reuse, score_pair

__all__ = ["Reuse", "ReuseText", "find_reuse", "score_pair"]
