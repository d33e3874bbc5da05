"""go.mod: module path, go/toolchain versions, requirements and replacements.

go.mod is a line format without a parser in the standard library: it is read
line by line (each pattern applies to one line, never to the whole file).
"""
from __future__ import annotations

import re

_MODULE = re.compile(r"module\s+\"?([^\s\"]+)\"?")
_GO_DIRECTIVE = re.compile(r"go\s+(\d+\.\d+)(?:\.(\d+))?")
_TOOLCHAIN = re.compile(r"toolchain\s+go(\d+\.\d+)(?:\.(\d+))?\S*")
_BLOCK_START = re.compile(r"(require|replace|exclude|retract)\s*(\(?)\s*(.*)")


class GoModError(ValueError):
    pass


def parse_go_mod(text: str, rel: str = "go.mod") -> dict:
    """Module path, go/toolchain versions, requirements (with // indirect) and replacements of a go.mod."""
    found: dict = {"module": None, "module_line": None, "go": None, "go_full": None, "go_line": None,
                   "toolchain": None, "toolchain_line": None, "requires": [], "replaces": []}
    block = None
    for number, raw in enumerate(text.splitlines(), 1):
        indirect = "// indirect" in raw
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block:
            if line == ")":
                block = None
                continue
            kind, entry = block, line
        else:
            if found["module"] is None and (m := _MODULE.fullmatch(line)):
                found["module"], found["module_line"] = m.group(1), number
                continue
            if found["go"] is None and (m := _GO_DIRECTIVE.fullmatch(line)):
                found["go"], found["go_line"] = m.group(1), number
                found["go_full"] = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
                continue
            if found["toolchain"] is None and (m := _TOOLCHAIN.fullmatch(line)):
                found["toolchain"], found["toolchain_line"] = m.group(1), number
                continue
            m = _BLOCK_START.fullmatch(line)
            if not m:
                continue
            if m.group(2):
                block = m.group(1)
                if m.group(3) and m.group(3) != ")":
                    raise GoModError(f"{rel}:{number}: unexpected text after `{m.group(1)} (`")
                if m.group(3) == ")":
                    block = None
                continue
            kind, entry = m.group(1), m.group(3)
        if kind == "require":
            parts = entry.split()
            if len(parts) != 2 or not parts[1].startswith("v"):
                raise GoModError(f"{rel}:{number}: can't read the requirement {entry!r} (expected `path vX.Y.Z`)")
            found["requires"].append({"path": parts[0].strip('"'), "version": parts[1], "indirect": indirect,
                                      "line": number})
        elif kind == "replace":
            old, sep, new = entry.partition("=>")
            if not sep:
                raise GoModError(f"{rel}:{number}: a replace without `=>`")
            target = new.split()
            found["replaces"].append({"path": old.split()[0] if old.split() else "",
                                      "target": target[0] if target else "",
                                      "local": bool(target) and target[0].startswith((".", "/")), "line": number})
    if not found["module"]:
        raise GoModError(f"{rel}: no `module` directive (is it a go.mod?)")
    return found


def version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


def module_basename(module: str) -> str:
    parts = [p for p in module.split("/") if p]
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        parts = parts[:-1]
    return parts[-1] if parts else "app"
