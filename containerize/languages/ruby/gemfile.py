"""Bundler manifests and the Ruby version.

The Gemfile is Ruby code, read from its tree-sitter tree: each ``gem "name"`` call, the
groups of the ``group :a, :b do`` blocks around it and its own ``group:`` / ``groups:``
option, and the ``ruby "3.3.6"`` line. Gemfile.lock, .ruby-version and .tool-versions
are line formats with no parser of their own and are read line by line.
"""
from __future__ import annotations

import re

from ... import image_tags, syntax
from ...profile import Profile
from ...scan import SourceTree

DEFAULT_RUBY = image_tags.FAMILIES["ruby"].default or "3.3"
_VERSION = re.compile(r"(\d+\.\d+(?:\.\d+)?)")
_Q_CALLS = "(call method: (identifier) @method arguments: (argument_list) @args) @call"


def _string(node) -> str | None:
    if node is None or node.type != "string":
        return None
    if any(c.type != "string_content" for c in node.named_children):
        return None
    return "".join(syntax.text(c) for c in node.named_children)


def _symbols(node, depth: int = 0) -> set[str]:
    """:a, "a", [:a, :b], %i[a b] -> {"a", "b"}."""
    if node is None or depth > 3:
        return set()
    if node.type == "simple_symbol":
        return {syntax.text(node).lstrip(":")}
    if node.type == "string" and (value := _string(node)):
        return {value}
    if node.type in ("array", "argument_list"):
        return set().union(*(_symbols(c, depth + 1) for c in node.named_children)) if node.named_children else set()
    if node.type == "bare_symbol":
        return {syntax.text(node)}
    return set()


def _calls(tree: SourceTree, rel: str):
    parsed = tree.parse(rel, "ruby")
    if parsed is None:
        return []
    calls = [(syntax.text(m["method"][0]), m["args"][0], m["call"][0])
             for _, m in syntax.matches("ruby", _Q_CALLS, parsed.root_node)
             if m["call"][0].child_by_field_name("receiver") is None]
    return sorted(calls, key=lambda c: c[2].start_byte)


_Q_GROUPS = '(call method: (identifier) @method arguments: (argument_list) @args block: (do_block) @block) @call'


def gemfile_gems(tree: SourceTree, rel: str) -> list[tuple[str, int, set[str]]]:
    """(gem, line, groups) for each `gem` call of a Gemfile: its own group:/groups: option and the
    `group :x do ... end` blocks around it (one sweep over both, in document order)."""
    parsed = tree.parse(rel, "ruby")
    if parsed is None:
        return []
    blocks = sorted(((m["block"][0].start_byte, m["block"][0].end_byte, _symbols(m["args"][0]))
                     for _, m in syntax.matches("ruby", _Q_GROUPS, parsed.root_node)
                     if syntax.text(m["method"][0]) == "group" and m["call"][0].child_by_field_name("receiver") is None),
                    key=lambda b: b[0])
    gems = []
    open_blocks: list[tuple[int, set[str]]] = []  # (end, groups of this block and those around it)
    index = 0
    for method, args, call in _calls(tree, rel):
        if method != "gem" or not args.named_children:
            continue
        at = call.start_byte
        while index < len(blocks) and blocks[index][0] <= at:
            start, end, names = blocks[index]
            while open_blocks and open_blocks[-1][0] <= start:
                open_blocks.pop()
            open_blocks.append((end, names | (open_blocks[-1][1] if open_blocks else set())))
            index += 1
        while open_blocks and open_blocks[-1][0] <= at:
            open_blocks.pop()
        name = _string(args.named_children[0])
        if not name or not re.match(r"^[A-Za-z0-9_.-]+$", name):
            continue
        groups = set(open_blocks[-1][1]) if open_blocks else set()
        for arg in args.named_children[1:]:
            if arg.type == "pair" and syntax.text(arg.child_by_field_name("key")).strip(":\"' ") in ("group", "groups"):
                groups |= _symbols(arg.child_by_field_name("value"))
        gems.append((name, syntax.line(call), groups))
    return gems


def gemfile_ruby(tree: SourceTree, rel: str) -> tuple[str, str, int] | None:
    """(version, as written, line) of the Gemfile's `ruby "..."` call; every string argument is a clause
    (`ruby ">= 3.2", "< 4.0"`)."""
    for method, args, call in _calls(tree, rel):
        if method == "ruby" and args.named_children and (written := _string(args.named_children[0])):
            if m := _VERSION.search(written):
                clauses = [w for a in args.named_children if (w := _string(a))]
                return m.group(1), ", ".join(clauses), syntax.line(call)
    return None


def locked_gems(text: str) -> list[str]:
    """Every gem the lock resolves (the 4-space `name (version)` lines of its GEM/GIT/PATH specs)."""
    names = []
    for line in text.splitlines():
        if line.startswith("    ") and not line.startswith("     ") and " (" in line:
            name = line[4:].split(" (", 1)[0]
            if re.match(r"^[A-Za-z0-9_.-]+$", name) and name not in names:
                names.append(name)
    return names


def lock_section(text: str, title: str) -> list[str]:
    """The indented lines under a top-level heading of Gemfile.lock (``BUNDLED WITH``, ``RUBY VERSION``)."""
    lines, inside = [], False
    for line in text.splitlines():
        if line and not line.startswith(" "):
            inside = line.strip() == title
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def bundler_version(lock_text: str) -> str | None:
    for line in lock_section(lock_text, "BUNDLED WITH"):
        if re.fullmatch(r"\d+\.\d+\.\d+", line):
            return line
    return None


def has_git_gems(lock_text: str) -> bool:
    return any(line.strip() == "GIT" for line in lock_text.splitlines())


def ruby_version(tree: SourceTree, profile: Profile) -> str:
    """The Ruby to build with, a published ``ruby:X-slim-bookworm`` tag: .ruby-version / .tool-versions pin it;
    the Gemfile's ruby line is a constraint the lock's RUBY VERSION resolves (when it satisfies it), else the
    newest published Ruby it allows."""
    version = None
    if text := tree.read(".ruby-version"):
        raw = text.strip().splitlines()[0].strip() if text.strip() else ""
        if m := _VERSION.search(raw):
            version = m.group(1)
            profile.note("runtime_version", f".ruby-version says {raw}", ".ruby-version", 1, 1.0)
    if not version and (pin := image_tags.tool_pin(tree, "ruby")) and "." in pin[0]:
        version = pin[0]  # mise.toml's [tools] or asdf's .tool-versions
        profile.note("runtime_version", f"{pin[1]} says ruby {version}", pin[1], pin[2], 1.0)
    gemfile = tree.first("Gemfile", "gems.rb")
    found = gemfile_ruby(tree, gemfile) if gemfile and not version else None
    lock = tree.first("Gemfile.lock", "gems.locked")
    locked = None
    if not version and lock:
        for line in lock_section(tree.read(lock) or "", "RUBY VERSION"):
            if m := re.match(r"ruby (\d+\.\d+\.\d+)", line):
                locked = m.group(1)
                break
    if locked and found and image_tags.exact_pin(found[1]) == locked:
        version = locked
        profile.note("runtime_version", f"the Gemfile's ruby line: {found[1]} (Gemfile.lock agrees)", gemfile,
                     found[2], 1.0)
    elif locked and (not found or image_tags.allows(found[1], locked)):
        version = locked
        profile.note("runtime_version", f"Gemfile.lock's RUBY VERSION is {locked}"
                     + (f" (the Gemfile asks for {found[1]})" if found else ""), lock, None, 0.95)
    elif found:
        written, line = found[1], found[2]
        choice = image_tags.choose("ruby", written)
        version = choice.version
        exact = image_tags.exact_pin(written) is not None
        profile.note("runtime_version", f"the Gemfile's ruby line: {written}"
                     + ("" if exact else f" (the newest published Ruby it allows: {version})"), gemfile, line,
                     1.0 if exact else 0.8)
        if locked:
            profile.warnings.append(f"{lock} says ruby {locked}, which the Gemfile's {written} does not allow: "
                                    f"Ruby {version}")
        if choice.note:
            profile.warnings.append(f"{gemfile}: {choice.note}")
        return version
    if not version:
        version = DEFAULT_RUBY
        profile.note("runtime_version", f"no Ruby version pinned; Ruby {DEFAULT_RUBY} assumed", confidence=0.5)
        return version
    choice = image_tags.choose("ruby", version)
    if choice.note:
        profile.warnings.append(f"Ruby {version}: {choice.note}")
    return choice.version
