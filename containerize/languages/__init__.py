"""Language analyzers: each module (or package) here exposes ``ANALYZER``.

An analyzer answers two questions about a SourceTree: ``detect`` (is this
project mine, how sure am I, and why) and ``analyze`` (fill in the checklist
answers of a Profile). Adding a language means adding one module here and one
template folder; the registry finds it by itself.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import Analyzer, Detection

__all__ = ["Analyzer", "Detection", "all_analyzers", "get", "detect_all"]


@lru_cache(maxsize=1)
def all_analyzers() -> tuple[Analyzer, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in ("base", "common"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        analyzer = getattr(module, "ANALYZER", None)
        if isinstance(analyzer, Analyzer):
            found.append(analyzer)
    return tuple(sorted(found, key=lambda a: a.name))


def get(name: str) -> Analyzer | None:
    return next((a for a in all_analyzers() if a.name == name), None)


def detect_all(tree) -> list[Detection]:
    """Every analyzer's claim on the tree, strongest first."""
    claims = [d for a in all_analyzers() if (d := a.detect(tree)) is not None]
    return sorted(claims, key=lambda d: (-d.score, d.language))
