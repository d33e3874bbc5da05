"""composer.json / composer.lock (read as JSON): the PHP version a constraint allows, the framework."""
from __future__ import annotations

import json
import re

from ...scan import SourceTree

DEFAULT_PHP = "8.3"
SUPPORTED_MINORS = ("8.1", "8.2", "8.3", "8.4")

FRAMEWORKS = (  # composer package -> framework, in order of precedence
    ("laravel/framework", "laravel"),
    ("symfony/framework-bundle", "symfony"),
    ("slim/slim", "slim"),
    ("laminas/laminas-mvc", "laminas"),
    ("cakephp/cakephp", "cakephp"),
    ("codeigniter4/framework", "codeigniter"),
)

def read_json(tree: SourceTree, rel: str, strict: bool = True) -> dict:
    text = tree.read(rel)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if strict:
            raise ValueError(f"{rel}: invalid JSON (line {exc.lineno}: {exc.msg})") from None
        return {}
    if not isinstance(data, dict):
        if strict:
            raise ValueError(f"{rel}: expected a JSON object at the top")
        return {}
    return data


def line_of_text(tree: SourceTree, rel: str, needle: str) -> int | None:
    for number, line in enumerate(tree.lines(rel), 1):
        if needle in line:
            return number
    return None


def php_version(constraint: str) -> str:
    """The PHP minor version to build with for a Composer constraint like ``^8.1`` or ``>=8.2 <8.4``."""
    best = None
    for alternative in re.split(r"\s*\|\|?\s*", constraint.strip()):
        picked = _pick(alternative)
        if picked and (best is None or _key(picked) > _key(best)):
            best = picked
    return best or DEFAULT_PHP


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _pick(constraint: str) -> str | None:
    m = re.match(r"^\s*(\^|~|>=|>|==|=)?\s*v?(\d+)(?:\.(\d+|\*))?", constraint)
    if not m:
        return None
    op, major, minor = m.group(1) or "", m.group(2), m.group(3)
    if minor in (None, "*"):
        minor = "0"
    version = f"{major}.{minor}"
    upper = re.search(r"<\s*(\d+)\.(\d+)", constraint)
    exact_minor = op in ("", "=", "==") or (op == "~" and constraint.count(".") >= 2)
    if exact_minor:
        return version
    candidates = [v for v in SUPPORTED_MINORS if _key(v) >= _key(version)]
    if op == "^" or op == "~":
        candidates = [v for v in candidates if v.split(".")[0] == major]
    if upper:
        limit = (int(upper.group(1)), int(upper.group(2)))
        candidates = [v for v in candidates if _key(v) < limit]
    if not candidates:
        return version
    if DEFAULT_PHP in candidates:
        return DEFAULT_PHP
    below = [v for v in candidates if _key(v) < _key(DEFAULT_PHP)]
    return below[-1] if below else candidates[0]
