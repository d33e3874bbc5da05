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


@dataclass
class Starter:
    """What a new project in one language starts from."""

    frameworks: list[tuple[str, str]]  # (name, label); "none" for no framework
    defaults: Callable[[Profile, str | None], None]  # before the answers
    finish: Callable[[Profile], None] = lambda profile: None  # after the answers
    files: Callable[[Profile], dict[str, str]] = field(default=lambda profile: {})  # starter files (never overwrite)


@dataclass(frozen=True)
class Analyzer:
    name: str
    detect: Callable[[SourceTree], Detection | None]
    analyze: Callable[[SourceTree, Profile], None]
    # after the answers (--set, saved, asked) are applied: adjust what depends on them
    finish: Callable[[Profile], None] | None = None
    # defaults for a new project in this language (containerize init)
    starter: Starter | None = None
