""".dockerignore rules as Docker applies them to a build context.

Docker's documented rules (https://docs.docker.com/build/concepts/context/#dockerignore-files),
as its pattern matcher (moby/patternmatcher) implements them:

* a line starting with ``#`` in its first column is a comment; other lines are trimmed, and a
  blank one is skipped;
* ``!`` in front makes the pattern an exception: it puts back what an earlier pattern left out;
* each pattern is cleaned (``.`` and ``..`` elements, doubled slashes) and is relative to the
  root of the context, with or without a leading ``/``: ``app.py`` is only the root's app.py,
  never ``web/app.py``;
* ``*`` is any run of characters but ``/``, ``?`` one of them, ``[a-z]`` a class, ``\\`` escapes
  the next character; ``**`` is any number of folders, none included (``**/*.go`` is every .go
  file, the root's too);
* a pattern that matches a folder leaves out everything under it;
* the last pattern that matches a path decides (so ``!README*.md`` after ``README-secret.md``
  puts it back).

The patterns are compiled once per file. Matching a path takes time linear in its length for
every pattern: patterns with a single wildcard run use a regex (which then can't backtrack more
than once), the others run as a set of states over the path.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

NAME = ".dockerignore"

# token kinds of a compiled pattern
_LIT, _ONE, _STAR, _CLASS, _DIRS, _ANY = range(6)


class PatternError(ValueError):
    """A pattern Docker refuses (``!`` alone, an unclosed ``[``)."""


def clean(pattern: str) -> str:
    """``filepath.Clean`` of a pattern, with the leading ``/`` dropped (the root is the context)."""
    cleaned = posixpath.normpath(pattern)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if len(cleaned) > 1 and cleaned.startswith("/"):
        cleaned = cleaned[1:]
    return cleaned


def read_lines(text: str) -> list[str]:
    """The patterns of a .dockerignore text, ``!`` kept in front of exceptions (Docker's ReadAll)."""
    patterns = []
    for number, raw in enumerate(text.splitlines()):
        if number == 0:
            raw = raw.removeprefix("\ufeff")
        if raw.startswith("#"):
            continue
        line = raw.strip()
        if not line:
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:].strip()
        if line:
            line = clean(line)
        patterns.append(("!" if negate else "") + line)
    return patterns


@dataclass
class Pattern:
    text: str  # as cleaned, without its "!"
    exception: bool
    kind: str  # "exact", "prefix", "suffix" or "match" (Docker's four ways of matching)
    tokens: tuple[tuple[int, object], ...] = ()
    regex: re.Pattern[str] | None = None

    def match(self, path: str) -> bool:
        return self.hits(path, parents=False)

    def hits(self, path: str, parents: bool = True) -> bool:
        """Whether the pattern matches ``path`` or (``parents``) one of its parent folders, in one
        pass over ``path`` (a parent is the path up to one of its slashes)."""
        if self.kind == "exact":
            return path == self.text or parents and path.startswith(self.text + "/")
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])  # a parent that starts so is a start of path
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:]):
                return True
            if parents:
                bare = suffix[1:] if suffix[:1] == "/" else None
                for cut, c in enumerate(path):
                    if c == "/" and (path.endswith(suffix, 0, cut) or bare is not None and cut == len(bare)
                                     and path.startswith(bare)):
                        return True
            return False
        if self.regex is not None and (not parents or "/" not in path):
            return self.regex.fullmatch(path) is not None
        return _run(self.tokens, path, parents)


def compile_pattern(line: str) -> Pattern:
    """One pattern (``!`` in front for an exception), compiled; PatternError if Docker refuses it."""
    text = line.strip()
    if not text:
        raise PatternError("an empty pattern")
    text = clean(text)
    exception = text.startswith("!")
    if exception:
        text = text[1:]
        if not text:
            raise PatternError('"!" alone is not a pattern')
    tokens: list[tuple[int, object]] = []
    kind = "exact"
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "*":
            if i + 1 < n and text[i + 1] == "*":
                start = i
                i += 2
                if i < n and text[i] == "/":
                    i += 1
                if i >= n:  # "**" at the end: anything (gitignore's way)
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        tokens.append((_ANY, None))
                        kind = "match"
                else:
                    tokens.append((_DIRS, None))
                    kind = "match"
                if start == 0:
                    kind = "suffix"
                continue
            tokens.append((_STAR, None))
            kind = "match"
        elif c == "?":
            tokens.append((_ONE, None))
            kind = "match"
        elif c == "[":
            chars, i = _class(text, i)
            tokens.append((_CLASS, chars))
            kind = "match"
            continue
        elif c == "\\":
            if i + 1 < n:
                i += 1
                tokens.append((_LIT, text[i]))
            else:
                tokens.append((_LIT, "\\"))
        elif c == "]":
            raise PatternError(f"{line!r}: ']' without '['")
        else:
            tokens.append((_LIT, c))
        i += 1
    pattern = Pattern(text, exception, kind, tuple(tokens))
    if kind == "match" and _bounded(tokens):
        pattern.regex = re.compile("".join(_regex(t, v) for t, v in tokens), re.S)
    return pattern


def _bounded(tokens) -> bool:
    """Whether a backtracking regex of ``tokens`` stays polynomial and small: one ``**`` at most, and one
    ``*`` at most in each folder name (a ``*`` never crosses a ``/``, so each name is matched on its own,
    once for each place the ``**`` can end). Other patterns run as a set of states."""
    if sum(t in (_DIRS, _ANY) for t, _ in tokens) > 1:
        return False
    stars = 0
    for kind, value in tokens:
        if kind == _LIT and value == "/" or kind in (_DIRS, _ANY):
            stars = 0
        elif kind == _STAR:
            stars += 1
            if stars > 1:
                return False
    return True


def _class(text: str, i: int) -> tuple[tuple[bool, tuple[tuple[str, str], ...]], int]:
    """``[...]`` at ``text[i]``: (negated, ranges) and the index after ``]``."""
    j = i + 1
    negated = j < len(text) and text[j] == "^"
    if negated:
        j += 1
    ranges: list[tuple[str, str]] = []
    first = True
    while j < len(text) and (text[j] != "]" or first):
        first = False
        lo = text[j]
        if lo == "\\" and j + 1 < len(text):
            j += 1
            lo = text[j]
        j += 1
        hi = lo
        if j + 1 < len(text) and text[j] == "-" and text[j + 1] != "]":
            hi = text[j + 1]
            if hi == "\\" and j + 2 < len(text):
                j += 1
                hi = text[j + 1]
            j += 2
            if hi < lo:
                raise PatternError(f"{text!r}: the range {lo}-{hi} is backwards")
        ranges.append((lo, hi))
    if j >= len(text):
        raise PatternError(f"{text!r}: '[' without ']'")
    return (negated, tuple(ranges)), j + 1


def _in_class(spec, c: str) -> bool:
    negated, ranges = spec
    return any(lo <= c <= hi for lo, hi in ranges) != negated


def _regex(kind: int, value) -> str:
    if kind == _LIT:
        return re.escape(value)
    if kind == _ONE:
        return "[^/]"
    if kind == _STAR:
        return "[^/]*"
    if kind == _DIRS:
        return "(?:.*/)?"
    if kind == _ANY:
        return ".*"
    negated, ranges = value
    body = "".join(re.escape(lo) + ("-" + re.escape(hi) if hi != lo else "") for lo, hi in ranges)
    return f"[{'^' if negated else ''}{body}]" if body else ("[\\s\\S]" if negated else "(?!)")


def _run(tokens: tuple[tuple[int, object], ...], path: str, parents: bool = False) -> bool:
    """Match ``path`` (or, with ``parents``, a parent folder of it) against ``tokens`` as a set of
    states (before token s), in len(path) steps.
    A ``**/`` token (``(.*/)?``) is a state of its own while it eats folders: -s-1."""
    end = len(tokens)

    def close(states: set[int]) -> set[int]:
        todo = list(states)
        while todo:
            s = todo.pop()
            if 0 <= s < end and tokens[s][0] in (_STAR, _DIRS, _ANY) and s + 1 not in states:
                states.add(s + 1)
                todo.append(s + 1)
        return states

    states = close({0})
    for c in path:
        if parents and c == "/" and end in states:
            return True  # the folder up to here matches
        nxt: set[int] = set()
        for s in states:
            if s < 0:  # inside (.*/): any character; a "/" may end it
                nxt.add(s)
                if c == "/":
                    nxt.add(-s)  # the token after the **/ (state -s-1 is inside token -s-1)
                continue
            if s >= end:
                continue
            kind, value = tokens[s]
            if kind == _LIT:
                if c == value:
                    nxt.add(s + 1)
            elif kind == _ONE:
                if c != "/":
                    nxt.add(s + 1)
            elif kind == _CLASS:
                if _in_class(value, c):
                    nxt.add(s + 1)
            elif kind == _STAR:
                if c != "/":
                    nxt.add(s)
            elif kind == _ANY:
                nxt.add(s)
            elif kind == _DIRS:
                nxt.add(-s - 1)
                if c == "/":
                    nxt.add(s + 1)
        if not nxt:
            return False
        states = close(nxt)
    return end in states


class DockerIgnore:
    """The compiled rules of one .dockerignore; ``ignored(rel)`` says whether Docker leaves the
    POSIX path ``rel`` (relative to the context root) out of the build context."""

    def __init__(self, lines: list[str] | tuple[str, ...] = ()):
        self.patterns: list[Pattern] = []
        self.errors: list[str] = []
        for line in lines:
            try:
                pattern = compile_pattern(line)
            except PatternError as exc:
                self.errors.append(str(exc))
                continue
            if pattern.text in (".", ""):
                continue  # "." is ignored, for historical reasons (Docker's docs)
            self.patterns.append(pattern)
        self.has_exceptions = any(p.exception for p in self.patterns)
        self._none = (False,) * len(self.patterns)
        self._hits: dict[str, tuple[bool, ...]] = {}
        self._exception_dirs = [_segments(p.text) for p in self.patterns if p.exception]

    @classmethod
    def from_text(cls, text: str) -> "DockerIgnore":
        return cls(read_lines(text))

    @classmethod
    def load(cls, root: str | Path, warnings: list[str] | None = None) -> "DockerIgnore":
        """The rules of ``root``/.dockerignore (none when it is missing or unreadable); a cut read is
        named in ``warnings``."""
        from .scan import read_capped  # capped, and never through a link out of the tree

        text = read_capped(root, Path(root) / NAME, warnings=warnings)
        return cls() if text is None else cls.from_text(text)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def ignored(self, rel: str, walked: bool = False) -> bool:
        """Whether the path (a file or a folder) is left out: the last pattern matching it, or one of
        its parent folders, decides. ``walked``: the caller walks top-down and skipped every folder
        ``prunes`` named, so no parent of ``rel`` is left out (only ``rel`` is matched, when no
        exception makes parents matter)."""
        rel = rel.strip("/")
        if not rel or not self.patterns:
            return False
        if walked and not self.has_exceptions or "/" not in rel:
            parents = None
        else:
            parents = self._folder_hits(rel.rpartition("/")[0])
        matched = False
        for i, pattern in enumerate(self.patterns):
            if pattern.exception != matched:
                continue  # an exclusion can't change an excluded path, nor an exception a kept one
            if parents is not None and parents[i] or pattern.match(rel):
                matched = not pattern.exception
        return matched

    def _folder_hits(self, folder: str) -> tuple[bool, ...]:
        """For each pattern, whether it matches ``folder`` or one of its parents. Remembered: in a walk
        the parent's answers are known, and only ``folder`` itself is matched; else one pass over
        ``folder`` answers for it and all its parents."""
        hits = self._hits.get(folder)
        if hits is not None:
            return hits
        parent = folder.rpartition("/")[0]
        above = self._none if not parent else self._hits.get(parent)
        if above is not None:
            hits = tuple(hit or pattern.match(folder) for hit, pattern in zip(above, self.patterns))
        else:
            hits = tuple(pattern.hits(folder, parents=True) for pattern in self.patterns)
        if len(self._hits) < 100_000:
            self._hits[folder] = hits
        return hits

    def prunes(self, rel_dir: str, walked: bool = False) -> bool:
        """Whether a walk may skip the folder ``rel_dir`` altogether: it is left out, and no
        exception can put back anything under it."""
        if not self.ignored(rel_dir, walked):
            return False
        if not self.has_exceptions:
            return True
        parts = rel_dir.strip("/").split("/")
        return not any(_may_reach(segments, parts) for segments in self._exception_dirs)


def _segments(text: str) -> list[Pattern | None]:
    """An exception pattern folder by folder (None for a ``**`` segment: any depth)."""
    found: list[Pattern | None] = []
    for segment in text.split("/"):
        if "**" in segment:
            found.append(None)
            break
        try:
            found.append(compile_pattern(segment))
        except PatternError:
            found.append(None)
            break
    return found


def _may_reach(segments: list[Pattern | None], parts: list[str]) -> bool:
    """Whether a pattern (by segments) could match ``parts``' folder, a parent of it or something under it."""
    for i, segment in enumerate(segments):
        if segment is None or i >= len(parts):
            return True
        if not segment.match(parts[i]):
            return False
    return True


def load(root: str | Path, warnings: list[str] | None = None) -> DockerIgnore:
    return DockerIgnore.load(root, warnings)
