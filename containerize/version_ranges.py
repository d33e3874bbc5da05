"""Version constraints: parsed by a small tokenizer into a typed range, then matched against versions.

Grammars (the ones project files use for a runtime version):

- ``npm``: node-semver ranges (engines.node, volta, packageManager): ``^1.2.3``, ``~1.2``, ``1.x``,
  ``1.2.*``, ``>=1 <3``, hyphen ranges ``1.2.3 - 2.3.4``, ``||``, ``*``/``x``/empty (anything), a leading
  ``v`` or ``=``. Words such as ``latest`` are not ranges (:func:`parse` returns None).
- ``composer``: Composer constraints (composer.json "php"), also Ruby's pessimistic ``~>`` and Go/Rust
  minimums: ``^8.1``, ``~8.1`` (>=8.1 <9), ``8.*``, ``>=7.4 <8.3``, ``||`` and ``|``, a comma for AND,
  stability flags (``@stable``) ignored.
- Python specifiers are not parsed here: :func:`python_allows` hands them to ``packaging.specifiers``.

A range is a union (``||``) of conjunctions of :class:`Comparator`. A bare version is a prefix match
(``8.1`` allows 8.1.5; ``1.2.3`` only 1.2.3); with ``minimum=True`` it is a lower bound (a go directive).
Pre-release versions (``1.2.3-beta``) are never matched; pre-release tags in a range's bounds are dropped.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Version = tuple[int, ...]

_OPS = ("~>", "~=", ">=", "<=", "!=", "==", "^", "~", ">", "<", "=")
_WILD = "xX*"
_MAX_DIGITS = 9
_ANYTHING_WORDS = ("*", "latest", "stable")  # what the composer grammar reads as "no constraint"


@dataclass(frozen=True)
class Comparator:
    op: str        # "==" (prefix match), "!=", ">=", ">", "<", "<="
    version: Version

    def allows(self, v: Version) -> bool:
        b = self.version
        if self.op in ("==", "!="):
            size = max(len(v), len(b))
            same = _pad(v, size)[:len(b)] == b
            return same if self.op == "==" else not same
        size = max(len(v), len(b))
        v, b = _pad(v, size), _pad(b, size)
        return {">=": v >= b, ">": v > b, "<": v < b, "<=": v <= b}[self.op]

    def allows_line(self, line: Version) -> bool:
        """Whether some release of ``line`` (``(3, 4)``: 3.4, 3.4.x) can satisfy this comparator."""
        n = len(line)
        head, rest = self.version[:n], self.version[n:]
        op = self.op
        if op == "==":
            return head == line[:len(head)]
        if op in (">=", ">") and line < head:
            return False
        if op == ">" and line == head and not rest:
            return False
        if op == "<" and (line > head[:n] or (line == head and not any(rest))):
            return False
        if op == "<=" and line > head:
            return False
        if op == "!=" and len(self.version) <= n and line[:len(self.version)] == self.version:
            return False
        return True


@dataclass(frozen=True)
class Range:
    alternatives: tuple[tuple[Comparator, ...], ...]  # OR of ANDs; an empty AND allows everything

    @property
    def anything(self) -> bool:
        return any(not alt for alt in self.alternatives)

    def allows(self, version: str | Version) -> bool:
        v = parse_version(version) if isinstance(version, str) else version
        if not v:
            return False
        return any(all(c.allows(v) for c in alt) for alt in self.alternatives)

    def select(self, versions: Iterable[str]) -> list[str]:
        """The versions (in their order) that satisfy the range."""
        return [v for v in versions if self.allows(v)]

    def allows_line(self, line: Version) -> bool:
        return any(all(c.allows_line(line) for c in alt) for alt in self.alternatives)

    def exact(self) -> Version | None:
        """The version when the range names exactly one (``3.3.6``, ``= 3.3.6``)."""
        if len(self.alternatives) == 1 and len(self.alternatives[0]) == 1 and self.alternatives[0][0].op == "==":
            return self.alternatives[0][0].version
        return None


def _pad(v: Version, size: int) -> Version:
    return v + (0,) * (size - len(v))


def _bump(v: Version) -> Version:
    return v[:-1] + (v[-1] + 1,)


def parse_version(text: str) -> Version | None:
    """(1, 2, 3) for ``1.2.3`` or ``v1.2.3``; None for anything else (pre-releases, words, empty parts)."""
    text = text.strip()
    if text[:1] in ("v", "V"):
        text = text[1:]
    parts = text.split(".")
    if not text or not all(p.isascii() and p.isdigit() and len(p) <= _MAX_DIGITS for p in parts):
        return None
    return tuple(int(p) for p in parts)


# -- tokenizer ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Partial:
    nums: Version  # the numeric components before the first wildcard
    wild: bool     # a component was x, X or *


_Token = tuple[str, object]  # ("or", None) ("and", None) ("op", "^") ("ver", _Partial) ("hyphen", None) ("word", s)


def _tokens(text: str) -> list[_Token] | None:
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c == "|":
            double = text[i + 1:i + 2] == "|"
            out.append(("or", "||" if double else "|"))
            i += 2 if double else 1
        elif c == ",":
            out.append(("and", None))
            i += 1
        elif c == "-":
            out.append(("hyphen", None))
            i += 1
        elif c == "@":  # composer stability flag: 1.0@beta, @stable
            i += 1
            while i < n and text[i].isalpha():
                i += 1
        elif c in "<>=!~^":
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is None:
                return None
            out.append(("op", op))
            i += len(op)
        elif (c in "vV" and i + 1 < n and (text[i + 1].isdigit() or text[i + 1] in _WILD)) or c.isdigit() \
                or (c in _WILD and (i + 1 >= n or not text[i + 1].isalpha())):
            if c in "vV":
                i += 1
            nums: list[int] = []
            wild = False
            while True:
                start = i
                if i < n and text[i] in _WILD:
                    i += 1
                    wild = True
                else:
                    while i < n and text[i].isascii() and text[i].isdigit():
                        i += 1
                    if i == start or i - start > _MAX_DIGITS:
                        return None
                    if not wild:
                        nums.append(int(text[start:i]))
                if i + 1 < n and text[i] == "." and (text[i + 1].isdigit() or text[i + 1] in _WILD):
                    i += 1
                    continue
                break
            if i < n and text[i] in "-+" and i + 1 < n and text[i + 1].isalnum():  # -pre / +build: dropped
                i += 1
                while i < n and (text[i].isalnum() or text[i] in ".-+"):
                    i += 1
            out.append(("ver", _Partial(tuple(nums), wild)))
        elif c.isalpha():
            start = i
            while i < n and (text[i].isalnum() or text[i] in "-_/."):
                i += 1
            out.append(("word", text[start:i].lower()))
        else:
            return None
    return out


# -- grammars -------------------------------------------------------------------------------------

def parse(text: str, dialect: str = "npm", *, minimum: bool = False) -> Range | None:
    """The range ``text`` means in ``dialect`` ("npm" or "composer"); None when it is not a range.

    ``minimum``: a bare version is a lower bound (composer grammar only; Go's ``go 1.21``, rust-version).
    """
    if dialect not in ("npm", "composer"):
        raise ValueError(f"unknown dialect {dialect!r}")
    tokens = _tokens(text)
    if tokens is None:
        return None
    groups: list[list[_Token]] = [[]]
    for tok in tokens:
        if tok[0] == "or":
            if dialect == "npm" and tok[1] != "||":
                return None
            groups.append([])
        else:
            groups[-1].append(tok)
    alternatives: list[tuple[Comparator, ...]] = []
    for group in groups:
        if dialect == "composer" and not group:
            continue  # composer: "8.1 ||" is "8.1"
        alt = _alternative(group, dialect, minimum)
        if alt is None:
            return None
        alternatives.append(alt)
    if not alternatives:
        return Range(((),)) if not tokens else None  # composer: "@stable" alone
    return Range(tuple(alternatives))


_NEVER = (Comparator("<", (0, 0, 0)),)


def _alternative(group: list[_Token], dialect: str, minimum: bool) -> tuple[Comparator, ...] | None:
    if dialect == "composer":
        words = [t for t in group if t[0] == "word"]
        if words:
            return () if len(group) == 1 and words[0][1] in _ANYTHING_WORDS else None
    elif any(t[0] == "word" for t in group):
        return None
    # a hyphen range: <partial> - <partial>
    if [t[0] for t in group] == ["ver", "hyphen", "ver"]:
        low, high = group[0][1], group[2][1]
        assert isinstance(low, _Partial) and isinstance(high, _Partial)
        found: list[Comparator] = []
        if low.nums:
            found.append(Comparator(">=", low.nums))
        if high.nums:
            partial = high.wild or len(high.nums) < 3
            found.append(Comparator("<", _bump(high.nums)) if partial else Comparator("<=", high.nums))
        return tuple(found)
    found = []
    i = 0
    while i < len(group):
        kind, value = group[i]
        if kind == "and" and dialect == "composer":
            i += 1
            continue
        op = ""
        if kind == "op":
            op = str(value)
            i += 1
            if i >= len(group) or group[i][0] != "ver":
                return None
            kind, value = group[i]
        if kind != "ver":
            return None
        assert isinstance(value, _Partial)
        clauses = (_npm if dialect == "npm" else _composer)(op, value, minimum)
        if clauses is None:
            return None
        if clauses == _NEVER:
            return _NEVER
        found += clauses
        i += 1
    return tuple(found)


def _caret(v: Version) -> list[Comparator]:
    at = next((k for k, p in enumerate(v) if p), len(v) - 1)
    return [Comparator(">=", v), Comparator("<", v[:at] + (v[at] + 1,))]


def _npm(op: str, p: _Partial, minimum: bool) -> list[Comparator] | tuple[Comparator, ...] | None:
    """One npm comparator: partial versions are x-ranges (``>1.2`` is ``>=1.3.0``, ``<=1.2`` is ``<1.3.0``)."""
    v = p.nums
    if op in ("~=", "==", "!="):
        return None
    if not v:  # *, x: anything (nothing for < and >)
        return _NEVER if op in ("<", ">") else []
    partial = p.wild or len(v) < 3
    if op in ("", "="):
        return [Comparator("==", v)]
    if op == "^":
        return _caret(v)
    if op in ("~", "~>"):
        return [Comparator(">=", v), Comparator("<", _bump(v[:2]))]
    if op == ">" and partial:
        return [Comparator(">=", _bump(v))]
    if op == "<=" and partial:
        return [Comparator("<", _bump(v))]
    return [Comparator(op, v)]


def _composer(op: str, p: _Partial, minimum: bool) -> list[Comparator] | None:
    v = p.nums
    if p.wild:  # 8.* / 8.0.x: the line's range, whatever the operator
        return [Comparator(">=", v), Comparator("<", _bump(v))] if v else []
    if op == "^":
        return _caret(v)
    if op in ("~>", "~=", "~"):  # pessimistic: the last given part may grow
        up = v[:-1] if len(v) > 1 else v
        return [Comparator(">=", v), Comparator("<", _bump(up))]
    if op in ("", "=", "=="):
        return [Comparator(">=" if (op == "" and minimum) else "==", v)]
    return [Comparator(op, v)]


def satisfies(version: str, constraint: str, dialect: str = "npm") -> bool:
    """Whether ``version`` satisfies ``constraint`` (False when either is unreadable)."""
    rng = parse(constraint, dialect)
    return rng is not None and rng.allows(version)


def matching(versions: Iterable[str], constraint: str, dialect: str = "npm") -> list[str]:
    """The published ``versions`` that satisfy ``constraint``, in their order."""
    rng = parse(constraint, dialect)
    return rng.select(versions) if rng is not None else []


def python_range(specifier: str) -> Range | None:
    """A Python specifier set (requires-python ``>=3.9,<3.13``, ``~=3.10``, ``!=3.10.*``) parsed by
    ``packaging.specifiers``, as a range; a bare version (Pipfile's ``python_version = "3.11"``) is that line."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    spec = specifier.strip()
    if parse_version(spec) is not None:
        spec = "==" + spec + (".*" if spec.count(".") < 2 else "")
    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    found: list[Comparator] = []
    for item in specifiers:
        op, text = item.operator, item.version
        wild = text.endswith(".*")
        v = parse_version(text.removesuffix(".*"))
        if v is None:
            return None  # pre-releases, epochs, local versions: not a runtime line
        if op == "~=":
            found += [Comparator(">=", v), Comparator("<", _bump(v[:-1]))]
        elif op in ("==", "==="):
            found.append(Comparator("==", v))
        elif op == "!=":
            found.append(Comparator("!=", v if wild else v + (0,) * (3 - len(v))))
        else:
            found.append(Comparator(op, v))
    return Range((tuple(found),))


def python_allows(specifier: str, version: str) -> bool:
    """Whether ``version`` satisfies a Python specifier set (checked by ``packaging.specifiers``)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version as PyVersion

    spec = specifier.strip()
    if parse_version(spec) is not None:
        spec = "==" + spec + (".*" if spec.count(".") < 2 else "")
    try:
        return SpecifierSet(spec).contains(PyVersion(version), prereleases=False)
    except (InvalidSpecifier, InvalidVersion):
        return False
