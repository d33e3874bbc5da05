"""Parse trees for source files in every language but Python (which uses ``ast``).

Grammars come from the tree-sitter grammar wheels and load on first use; each
query is compiled once. A language's facts are small queries over these trees
(``languages/<lang>/source.py``), never regular expressions over the text.

    tree = syntax.parse("go", text)
    for _, match in syntax.matches("go", QUERY, tree.root_node):
        name = syntax.text(match["name"][0])
"""
from __future__ import annotations

import bisect
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


class QuerySet:
    """Queries over one grammar that run as one: a single walk of a tree answers all of them (a walk costs
    about as much as the parse on a large file, so a file is walked once, not once per fact).

    ``run(node).matches(q)`` is what ``matches(grammar, q, node)`` gives for ``q`` alone. A set made with
    ``captures=True`` answers ``run(node).captures(q)`` instead, as ``captures(grammar, q, node)`` would; its
    queries name their captures apart (the names of one query are the keys of its answer)."""

    def __init__(self, grammar: str, *sources: str, captures: bool = False):
        self.grammar = grammar
        self.sources = tuple(dict.fromkeys(sources))
        self.source = "\n".join(self.sources)
        self.by_captures = captures
        self._starts: list[int] | None = None
        self._names: dict[str, tuple[str, ...]] = {}

    def _layout(self) -> None:
        # which query each pattern of the joined source comes from (compiling each query on its own as
        # well would double the cost: compiling a query takes tens of milliseconds in a large grammar)
        compiled = query(self.grammar, self.source)
        offsets, at = [], 0
        for source in self.sources:
            offsets.append(at)
            at += len(source.encode("utf-8")) + 1
        owners = [bisect.bisect_right(offsets, compiled.start_byte_for_pattern(i)) - 1
                  for i in range(compiled.pattern_count)]
        # the first pattern of each query
        self._starts = [next((p for p, o in enumerate(owners) if o >= i), len(owners)) for i in range(len(self.sources))]
        if self.by_captures:
            owner: dict[str, str] = {}
            for source in self.sources:
                for name in _capture_names(source):
                    if owner.setdefault(name, source) is not source:
                        raise ValueError(f"capture @{name} is named by two queries of one set")
                self._names[source] = tuple(_capture_names(source))

    def run(self, node: "tree_sitter.Node") -> "Found":
        if self._starts is None:
            self._layout()
        return Found(self, node)


def _capture_names(source: str) -> list[str]:
    """The capture names (``@name``) of a query's source, outside its strings and comments."""
    names: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == '"':
            i += 1
            while i < n and source[i] != '"':
                i += 2 if source[i] == "\\" else 1
        elif ch == ";":
            while i < n and source[i] != "\n":
                i += 1
        elif ch == "@":
            j = i + 1
            while j < n and (source[j].isalnum() or source[j] in "_.-"):
                j += 1
            if source[i + 1:j] not in names:
                names.append(source[i + 1:j])
            i = j - 1
        i += 1
    return names


class Found:
    """The answers of a ``QuerySet`` over one node (the walk happens on the first question)."""

    def __init__(self, queries: QuerySet, node: "tree_sitter.Node"):
        self._set, self._node = queries, node
        self._matches: dict[str, list[tuple[int, dict[str, list["tree_sitter.Node"]]]]] | None = None
        self._captures: dict[str, list["tree_sitter.Node"]] | None = None

    def matches(self, source: str) -> list[tuple[int, dict[str, list["tree_sitter.Node"]]]]:
        qs = self._set
        if qs.by_captures:
            raise ValueError("a set run for its captures")
        if self._matches is None:
            starts = qs._starts or []
            self._matches = {s: [] for s in qs.sources}
            for index, match in matches(qs.grammar, qs.source, self._node):
                i = bisect.bisect_right(starts, index) - 1  # the last query whose patterns start at or before
                self._matches[qs.sources[i]].append((index - starts[i], match))
        return self._matches[source]

    def captures(self, source: str) -> dict[str, list["tree_sitter.Node"]]:
        qs = self._set
        if not qs.by_captures:
            raise ValueError("a set run for its matches")
        if self._captures is None:
            self._captures = captures(qs.grammar, qs.source, self._node)
        return {name: self._captures[name] for name in qs._names[source] if name in self._captures}


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
