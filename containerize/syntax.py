"""Parse trees for source files in every language but Python (which uses ``ast``).

Grammars come from the tree-sitter grammar wheels and load on first use; each
query is compiled once. A language's facts are small queries over these trees
(``languages/<lang>/source.py``), never regular expressions over the text.

    tree = syntax.parse("go", text)
    for _, match in syntax.matches("go", QUERY, tree.root_node):
        name = syntax.text(match["name"][0])
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tree_sitter

# grammar name -> (module, function returning the language pointer)
GRAMMARS: dict[str, tuple[str, str]] = {
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "ruby": ("tree_sitter_ruby", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "groovy": ("tree_sitter_groovy", "language"),  # Gradle build scripts
    "cmake": ("tree_sitter_cmake", "language"),
    "make": ("tree_sitter_make", "language"),
    "bash": ("tree_sitter_bash", "language"),  # shell scripts, Procfile commands
}


@lru_cache(maxsize=None)
def language(grammar: str) -> "tree_sitter.Language":
    import tree_sitter

    module, function = GRAMMARS[grammar]
    return tree_sitter.Language(getattr(importlib.import_module(module), function)())


@lru_cache(maxsize=None)
def _parser(grammar: str) -> "tree_sitter.Parser":
    import tree_sitter

    return tree_sitter.Parser(language(grammar))


@lru_cache(maxsize=None)
def query(grammar: str, source: str) -> "tree_sitter.Query":
    import tree_sitter

    return tree_sitter.Query(language(grammar), source)


def parse(grammar: str, text: str) -> "tree_sitter.Tree":
    """The parse tree of ``text`` (tree-sitter recovers from errors: a broken file still gives a tree)."""
    return _parser(grammar).parse(text.encode("utf-8", "surrogatepass"))


def captures(grammar: str, source: str, node: "tree_sitter.Node") -> dict[str, list["tree_sitter.Node"]]:
    """Capture name -> nodes, in document order, for one query over ``node``."""
    import tree_sitter

    found = tree_sitter.QueryCursor(query(grammar, source)).captures(node)
    return {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in found.items()}


def matches(grammar: str, source: str, node: "tree_sitter.Node") -> list[tuple[int, dict[str, list["tree_sitter.Node"]]]]:
    """(pattern index, capture name -> nodes) for every match of one query over ``node``."""
    import tree_sitter

    return tree_sitter.QueryCursor(query(grammar, source)).matches(node)


def text(node: "tree_sitter.Node | None") -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def line(node: "tree_sitter.Node") -> int:
    """1-based line of the node's start."""
    return node.start_point[0] + 1


class Evaluator:
    """What expressions in a set of parse trees evaluate to, without running them: memoized per node and safe
    against cycles (``A = B; B = A``) and depth. A language subclasses it with ``_value(rel, node, depth)``."""

    max_depth = 12

    def __init__(self) -> None:
        self._memo: dict[tuple[str, int], Any] = {}
        self._busy: set[tuple[str, int]] = set()

    def value(self, rel: str, node: "tree_sitter.Node | None", depth: int = 0) -> Any:
        """The value of ``node`` in file ``rel``, or None when it can't be known."""
        if node is None or depth > self.max_depth:
            return None
        key = (rel, node.id)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            result = self._value(rel, node, depth + 1)
        finally:
            self._busy.discard(key)
        self._memo[key] = result
        return result

    def _value(self, rel: str, node: "tree_sitter.Node", depth: int) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError
