"""Third-party packages an app imports, for projects with no manifest.

Import names are mapped to distribution names with pipreqs' mapping table
(``yaml`` -> ``PyYAML``); the standard library and the project's own modules
are left out.
"""
from __future__ import annotations

import ast
import sys
import warnings
import weakref
from functools import lru_cache
from importlib import resources

from ...scan import SourceTree


@lru_cache(maxsize=1)
def _pipreqs_tables() -> tuple[dict[str, str], frozenset[str]]:
    mapping: dict[str, str] = {}
    stdlib: set[str] = set(sys.stdlib_module_names)
    try:
        base = resources.files("pipreqs")
        for line in (base / "mapping").read_text().splitlines():
            if ":" in line:
                module, dist = line.strip().split(":", 1)
                mapping[module] = dist
        stdlib |= {ln.strip() for ln in (base / "stdlib").read_text().splitlines() if ln.strip()}
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    return mapping, frozenset(stdlib)


_PARSED: "weakref.WeakKeyDictionary[SourceTree, dict[str, ast.Module | None]]" = weakref.WeakKeyDictionary()


def parsed(tree: SourceTree, rel: str) -> ast.Module | None:
    """The file's ``ast`` module (parsed once per tree), or None when it is unreadable or doesn't parse."""
    cache = _PARSED.setdefault(tree, {})
    if rel not in cache:
        text = tree.read(rel)
        module = None
        if text:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # invalid escape sequences and the like in old code
                    module = ast.parse(text, filename=rel)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                module = None
        cache[rel] = module
    return cache[rel]


def local_modules(tree: SourceTree, py_files: list[str]) -> set[str]:
    names = set()
    for rel in py_files:
        parts = rel[:-3].split("/")
        names.update(parts[:-1])  # package folders
        names.add(parts[-1])
        if parts[0] == "src" and len(parts) > 1:
            names.add(parts[1])
    return names


def imported_packages(tree: SourceTree, py_files: list[str]) -> list[tuple[str, str, int]]:
    """(distribution name, file, line) of every third-party top-level import."""
    mapping, stdlib = _pipreqs_tables()
    local = local_modules(tree, py_files)
    found: dict[str, tuple[str, str, int]] = {}
    for rel in py_files:
        module = parsed(tree, rel)
        if module is None:
            continue
        for node in ast.walk(module):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top in local or top.startswith("_") or top == "__future__":
                    continue
                dist = mapping.get(top, top)
                found.setdefault(dist.lower(), (dist, rel, node.lineno))
    return sorted(found.values())
