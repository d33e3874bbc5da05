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
import weakref
from functools import lru_cache

from ...scan import SourceTree
from . import values


@lru_cache(maxsize=1)
def _pipreqs_tables() -> tuple[dict[str, str], frozenset[str]]:
    from importlib import resources

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


def parsed(tree: SourceTree, rel: str) -> ast.Module | None:
    """The file's ``ast`` module (parsed once per tree, shared with the value resolver), or None when it is
    unreadable or doesn't parse."""
    from . import values

    return values.module(tree, rel).tree


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
    values.project(tree).load(py_files)
    found: dict[str, tuple[str, str, int, bool]] = {}
    for rel in py_files:
        mod = values.module(tree, rel)
        if mod.tree is not None:
            names = list(_ast_imports(mod))
            from_tokens = False
        else:
            names = token_facts(tree, rel)[0]
            from_tokens = True
        for name, line in names:
            top = name.split(".")[0]
            if not top or top in stdlib or top in local or top.startswith("_") or top == "__future__":
                continue
            dist = mapping.get(top, top)
            found.setdefault(dist.lower(), (dist, rel, line, from_tokens))
    return sorted(found.values())


def _ast_imports(mod: values.Module):
    """``(dotted name, line)`` of the module's imports, in source order (from the nodes its walk kept)."""
    for node, _scope in mod.nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module, node.lineno


_TOKEN_FACTS: "weakref.WeakKeyDictionary[SourceTree, dict[str, tuple[list[tuple[str, int]], int | None]]]" = \
    weakref.WeakKeyDictionary()
_STATEMENT_END = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER})
_SKIPPED = frozenset({tokenize.NL, tokenize.COMMENT})
MAX_STATEMENT_TOKENS = 4096


def token_facts(tree: SourceTree, rel: str) -> tuple[list[tuple[str, int]], int | None]:
    """For a file that doesn't parse: its imports ``(dotted name, line)`` and the line of a top-level
    ``if __name__ == "__main__":``, read from its tokens in one pass (cached per tree)."""
    cache = _TOKEN_FACTS.setdefault(tree, {})
    if rel not in cache:
        cache[rel] = _scan_tokens((tree.read(rel) or "")[:values.TOKEN_READ])
    return cache[rel]


def _scan_tokens(text: str) -> tuple[list[tuple[str, int]], int | None]:
    found: list[tuple[str, int]] = []
    guard: int | None = None
    words: list[tokenize.TokenInfo] = []
    at_start = True

    def close() -> None:
        nonlocal guard
        if not words:
            return
        if words[0].string == "if":
            texts = [w.string for w in words[:6]]
            if guard is None and len(texts) >= 5 and texts[1] == "__name__" and texts[2] == "==" \
                    and texts[3].strip("\"'") == "__main__" and texts[4] == ":":
                guard = words[0].start[0]
        else:
            found.extend(_statement_imports(words))

    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tok.type
            if kind in _STATEMENT_END:
                close()
                words, at_start = [], True
                continue
            if kind in _SKIPPED:
                continue
            if at_start:
                at_start = False
                if tok.string in ("import", "from") or (tok.string == "if" and tok.start[1] == 0):
                    words = [tok]
            elif words and len(words) < MAX_STATEMENT_TOKENS:
                words.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
        close()
    return found, guard


def _token_imports(text: str):
    """``import a.b, c`` and ``from a import b`` statements of a file that doesn't parse, from its tokens."""
    return iter(_scan_tokens(text)[0])


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
