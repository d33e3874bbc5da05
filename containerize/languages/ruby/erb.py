"""Rails' YAML settings with ERB tags (config/database.yml, cable.yml, storage.yml): each ``<%= ... %>`` tag is
replaced by a token the caller looks up, ``<% ... %>`` tags are dropped, and the rest is read as YAML."""
from __future__ import annotations

from typing import Callable, TypeVar

from ...scan import SourceTree

T = TypeVar("T")
MAX_SETTINGS = 200_000  # characters of a settings file read at the most


def substitute(text: str, token: str, value_of: Callable[[str], T]) -> tuple[str, dict[str, T]]:
    """The text with each ``<%= code %>`` tag replaced by ``<token><n>z`` (``<% ... %>`` tags dropped), in one
    pass, and ``value_of(code)`` of each tag under its token."""
    out, values, at = [], {}, 0
    while True:
        start = text.find("<%", at)
        end = text.find("%>", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(text[at:])
            break
        out.append(text[at:start])
        code = text[start + 2:end]
        if code.startswith("="):
            name = f"{token}{len(values)}z"
            values[name] = value_of(code[1:].strip("-").strip())
            out.append(name)
        at = end + 2
    return "".join(out), values


def load(tree: SourceTree, rel: str, token: str, value_of: Callable[[str], T]) \
        -> tuple[str, object, dict[str, T]] | None:
    """(the file's text, its YAML with the tags replaced, each tag's value), None when the file is missing or
    too large; the YAML is None when it can't be read."""
    text = tree.read(rel)
    if not text or len(text) > MAX_SETTINGS:
        return None
    body, values = substitute(text, token, value_of)
    import yaml  # loaded only for a Rails app with such a file

    try:
        return text, yaml.safe_load(body), values
    except (yaml.YAMLError, RecursionError, ValueError):
        return text, None, values
