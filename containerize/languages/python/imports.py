"""Third-party packages an app imports, for projects with no manifest.

Import names are mapped to distribution names with pipreqs' mapping table
(``yaml`` -> ``PyYAML``); the standard library and the project's own modules
are left out.
"""
from __future__ import annotations

import ast
import io
import sys
import tokenize
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
    return [(dist, rel, line) for dist, rel, line, _tokens in imported_packages_with_origin(tree, py_files)]


def imported_packages_with_origin(tree: SourceTree, py_files: list[str]) -> list[tuple[str, str, int, bool]]:
    """Like ``imported_packages``, with a flag for imports read from tokens (a file that doesn't parse)."""
    mapping, stdlib = _pipreqs_tables()
    local = local_modules(tree, py_files)
    found: dict[str, tuple[str, str, int, bool]] = {}
    for rel in py_files:
        module = parsed(tree, rel)
        if module is not None:
            names = list(_ast_imports(module))
            from_tokens = False
        else:
            names = list(_token_imports(tree.read(rel) or ""))
            from_tokens = True
        for name, line in names:
            top = name.split(".")[0]
            if not top or top in stdlib or top in local or top.startswith("_") or top == "__future__":
                continue
            dist = mapping.get(top, top)
            found.setdefault(dist.lower(), (dist, rel, line, from_tokens))
    return sorted(found.values())


def _ast_imports(module: ast.Module):
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module, node.lineno


def _token_imports(text: str):
    """``import a.b, c`` and ``from a import b`` statements of a file that doesn't parse, from its tokens."""
    words: list[tokenize.TokenInfo] = []
    at_start = True
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                yield from _statement_imports(words)
                words, at_start = [], True
                continue
            if tok.type in (tokenize.NL, tokenize.COMMENT):
                continue
            if at_start or words:
                words.append(tok)
            at_start = False
            if len(words) == 1 and tok.string not in ("import", "from"):
                words = []
    except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
        yield from _statement_imports(words)


def _statement_imports(words: list[tokenize.TokenInfo]):
    if not words:
        return
    line = words[0].start[0]
    text = [w.string for w in words]
    if text[0] == "from" and len(text) > 1 and text[1] != ".":
        name = ""
        for part in text[1:]:
            if part == "import":
                break
            name += part
        if name and not name.startswith("."):
            yield name, line
    elif text[0] == "import":
        name, skip = "", False
        for part in text[1:] + [","]:
            if part == ",":
                if name:
                    yield name, line
                name, skip = "", False
            elif part == "as":
                skip = True
            elif not skip and part not in ("(", ")"):
                name += part
