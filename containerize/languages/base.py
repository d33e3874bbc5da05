"""The small interface every language analyzer implements."""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from types import ModuleType
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
    # defaults for a new project in this language (containerize init): a Starter, or a function that loads it
    # (so that detecting the languages of a tree doesn't load every language's starter)
    starter: Starter | Callable[[], Starter] | None = None

    def get_starter(self) -> Starter | None:
        return self.starter() if callable(self.starter) else self.starter


def submodules(package: str, *names: str) -> list[ModuleType]:
    """A language's own modules, each loaded on its first use (importlib's LazyLoader), so that detecting the
    languages of a tree never loads the code only the chosen language's analysis runs."""
    found = []
    for name in names:
        full = f"{package}.{name}"
        module = sys.modules.get(full)
        if module is None:
            spec = importlib.util.find_spec(full)
            if spec is None or spec.loader is None:  # pragma: no cover - a packaging mistake
                raise ImportError(full)
            loader = importlib.util.LazyLoader(spec.loader)
            spec.loader = loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[full] = module
            loader.exec_module(module)
        found.append(module)
    return found


def forward_names(package: str, modules: tuple[ModuleType, ...], names: tuple[str, ...]) -> Callable[[str], object]:
    """A package's ``__getattr__`` (PEP 562) that gives ``names`` from ``modules`` loaded on first use, so
    ``from <package> import NAME`` keeps working for what the package no longer imports eagerly."""
    def __getattr__(name: str) -> object:
        if name in names:
            for module in modules:
                if hasattr(module, name):
                    return getattr(module, name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__
