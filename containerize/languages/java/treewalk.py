"""Nodes of a parse tree by type, in document order, found in one walk of the tree.

A tree-sitter query over a deeply nested tree that the parser had to recover (a file cut off
in the middle of thousands of nested blocks) can take time far beyond the size of the file;
one cursor walk is linear in the number of nodes whatever the tree's shape.
"""
from __future__ import annotations

from typing import Any


def nodes_by_type(root, types: dict[str, str]) -> dict[str, list[Any]]:
    """Capture name -> nodes, for the node types in ``types`` (type -> capture name), in document order."""
    found: dict[str, list[Any]] = {}
    cursor = root.walk()
    while True:
        node = cursor.node
        name = types.get(node.type)
        if name is not None:
            found.setdefault(name, []).append(node)
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found
