"""Where a Rails app keeps what Active Storage uploads: the production service
(``config.active_storage.service = :local`` in config/environments/production.rb, read from its parse tree) and,
when it is a Disk service, its root in config/storage.yml (YAML with ERB tags: ``root: <%= Rails.root.join("storage",
"files") %>``, each tag's Ruby parsed by tree-sitter)."""
from __future__ import annotations

import posixpath
import re

from ... import syntax
from ...scan import SourceTree
from . import erb

_Q_SERVICE = ('(assignment left: (call receiver: (call receiver: (identifier) @config method: (identifier) @group) '
              'method: (identifier) @name) right: (_) @value) @set')
_TOKEN = "xcroot"
_SAFE = re.compile(r"[\w.@-]+(?:/[\w.@-]+)*")


def _literal(node) -> str | None:
    """A plain string or symbol literal's text (no interpolation)."""
    if node is None:
        return None
    if node.type == "simple_symbol":
        return syntax.text(node)[1:]
    if node.type == "string" and all(c.type == "string_content" for c in node.named_children):
        return "".join(syntax.text(c) for c in node.named_children)
    return None


def _root_path(code: str) -> str | None:
    """``Rails.root.join("storage", "files")`` (or ``Rails.root.join("storage/files")``) -> ``storage/files``."""
    root = syntax.parse("ruby", code).root_node
    node = root.named_children[-1] if root.named_children else None
    if node is None or node.type != "call" or syntax.text(node.child_by_field_name("method")) != "join" \
            or syntax.text(node.child_by_field_name("receiver")) != "Rails.root":
        return None
    args = node.child_by_field_name("arguments")
    parts = [_literal(a) for a in (args.named_children if args is not None else [])]
    if not parts or any(p is None for p in parts):
        return None
    return posixpath.normpath("/".join(parts))


def production_service(tree: SourceTree) -> tuple[str, int] | None:
    """(service name, line) of ``config.active_storage.service = :name`` in production.rb."""
    rel = "config/environments/production.rb"
    parsed = tree.parse(rel, "ruby")
    if parsed is None:
        return None
    for _, m in syntax.matches("ruby", _Q_SERVICE, parsed.root_node):
        if (syntax.text(m["config"][0]), syntax.text(m["group"][0]), syntax.text(m["name"][0])) == \
                ("config", "active_storage", "service"):
            name = _literal(m["value"][0])
            return (name, syntax.line(m["set"][0])) if name else None
    return None


def disk_root(tree: SourceTree) -> tuple[str, str, int | None] | None:
    """(folder relative to the app, file, line) the production Active Storage Disk service writes uploads to."""
    service = production_service(tree)
    rel = "config/storage.yml"
    found = erb.load(tree, rel, _TOKEN, _root_path) if service else None  # a Rails.root.join(...) tag: its path
    if found is None or found[1] is None:
        return None
    text, data, roots = found
    section = data.get(service[0]) if isinstance(data, dict) else None
    if not isinstance(section, dict) or section.get("service") != "Disk" or not isinstance(section.get("root"), str):
        return None
    raw = section["root"].strip()
    path = roots.get(raw) if raw in roots else (posixpath.normpath(raw) if _TOKEN not in raw else None)
    if not path or path.startswith(("/", "..")) or path == "." or not _SAFE.fullmatch(path):
        return None
    line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith(f"{service[0]}:")), None)
    return path, rel, line
