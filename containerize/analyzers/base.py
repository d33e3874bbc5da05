"""The small interface every language analyzer implements."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..profile import Evidence, Profile
from ..scan import SourceTree


@dataclass
class Detection:
    """An analyzer's claim that a tree is in its language.

    ``score`` orders competing claims: 100 for a manifest that says how the app
    runs (a web framework, a start script), lower for weaker signs (a manifest
    used only for assets, loose source files).
    """

    language: str
    score: int
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Analyzer:
    name: str
    detect: Callable[[SourceTree], Detection | None]
    analyze: Callable[[SourceTree, Profile], None]
    # after the answers (--set, saved, asked) are applied: adjust what depends on them
    finish: Callable[[Profile], None] | None = None
