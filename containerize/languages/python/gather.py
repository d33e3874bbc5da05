"""Every Python file's facts, gathered once before the analyzer's steps read them: its parse, its source
facts (env reads, ports, paths, routes), what it says about starting the app and its connect calls. Each
step finds them kept with the tree (and reads any file left out on demand, with the same result).

In a large project half the files are read by a second process on a machine with more than one core
(``parallel.split``): the facts are plain data and travel back whole; the parse trees stay behind, and a
step that needs one of those files' trees later parses it again."""
from __future__ import annotations

from ...parallel import split
from ...scan import SourceTree
from . import connections, entry, source, values

# the kinds of facts a file has, each kept in tree.facts under (the module that reads it, the file)
_KINDS = ((source.__name__, source.facts), (entry.__name__, entry.file_facts),
          (connections.__name__, connections.file_connections))


def gather_facts(tree: SourceTree, files: list[str]) -> None:
    """Read the facts of the Python files of `files` not read yet."""
    todo = [rel for rel in files if rel.endswith(".py") and (source.__name__, rel) not in tree.facts]
    if todo:
        tree.facts.update(split(lambda rels: _read(tree, rels), todo))


def _read(tree: SourceTree, rels: list[str]) -> dict[tuple[str, str], object]:
    values.project(tree).load(rels)  # parsed together: warnings silenced once, the collector paused
    found: dict[tuple[str, str], object] = {}
    with values.batch():
        for rel in rels:
            for kind, read in _KINDS:
                found[(kind, rel)] = read(tree, rel)
    return found
