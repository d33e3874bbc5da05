"""Saved answers: ``containerize.toml``, or ``[tool.containerize]`` in pyproject.toml.

The file holds the same answers ``--set KEY=VALUE`` takes, as TOML::

    language = "python"
    entrypoint = ["gunicorn", "app:app"]
    port = 8080
    writable_paths = ["/app/uploads"]

    [env]
    LOG_LEVEL = "info"

    [secrets]
    STRIPE_KEY = true

Every run reads it; ``--set`` on the command line wins over it, and it wins
over what is detected in the code. ``load`` turns it into ``(key, value)``
pairs (with the line each came from, for error messages); ``save`` merges new
answers into it. The keys, and how each is read and written, are declared in
answer_keys.KEYS.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from . import answer_keys, overrides, write
from .profile import Profile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FILE = "containerize.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "containerize")

HEADER = ("# Answers for containerize, read by every run: they win over what is detected in the code,\n"
          "# and --set KEY=VALUE on the command line wins over them. Keys are the ones --set takes.\n")


class AnswersError(ValueError):
    """A saved answers file that can't be used; the message names the file and line."""


@dataclass
class Answer:
    key: str
    value: str
    line: int | None = None


@dataclass
class Saved:
    path: Path
    label: str  # how evidence and errors name it: "containerize.toml" or "pyproject.toml [tool.containerize]"
    answers: list[Answer]

    def pairs(self) -> list[tuple[str, str]]:
        return [(a.key, a.value) for a in self.answers]

    def where(self, answer: Answer) -> str:
        return f"{self.path.name}:{answer.line}" if answer.line else self.path.name


# -- reading ---------------------------------------------------------------
def load(root: str | Path) -> Saved | None:
    """The saved answers of the project in ``root``, or None when there are none."""
    root = Path(root)
    own = root / FILE
    if own.is_file():
        return Saved(own, FILE, parse(_read(own), FILE))
    py = root / PYPROJECT
    if py.is_file():
        text = _read(py)
        if "containerize" not in text:
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return None  # the Python analyzer reports a broken pyproject.toml
        table = (data.get("tool") or {}).get("containerize")
        if table is None:
            return None
        label = f"{PYPROJECT} [tool.containerize]"
        if not isinstance(table, dict):
            raise AnswersError(f"{PYPROJECT}:{_line(text, ('tool',), 'containerize')}: "
                               "tool.containerize must be a table")
        return Saved(py, label, _answers(table, text, PYPROJECT, PYPROJECT_TABLE))
    return None


MAX_READ = 1024 * 1024  # bytes of containerize.toml / pyproject.toml read


def _read(path: Path) -> str:
    from .scan import inside

    if not inside(path.parent, path):
        raise AnswersError(f"{path.name}: a link out of the project; not read")
    try:
        if path.stat().st_size > MAX_READ:
            raise AnswersError(f"{path.name}: larger than {MAX_READ // 1024} KB; not read")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AnswersError(f"{path.name}: not a UTF-8 text file") from None
    except OSError as exc:
        raise AnswersError(f"{path.name}: can't be read ({exc.strerror or exc})") from None


def parse(text: str, name: str = FILE) -> list[Answer]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if m:
            message = message[:m.start()].strip()
            raise AnswersError(f"{name}:{m.group(1)}: invalid TOML: {message} (column {m.group(2)})") from None
        if "end of document" in message:
            last = len(text.rstrip("\n").splitlines()) or 1
            raise AnswersError(f"{name}:{last}: invalid TOML: {message} (something is left open)") from None
        raise AnswersError(f"{name}: invalid TOML: {message}") from None
    return _answers(data, text, name, ())


def _answers(data: dict, text: str, name: str, table: tuple[str, ...]) -> list[Answer]:
    lines = _lines(text)

    def line(path: tuple[str, ...]) -> int | None:
        return lines.get(table + path) or lines.get(table + path[:1])

    def bad(message: str, path: tuple[str, ...]) -> AnswersError:
        at = line(path)
        return AnswersError(f"{name}:{at}: {message}" if at else f"{name}: {message}")

    found = [Answer(key, value, line(path)) for key, value, path in answer_keys.read_toml(data, bad)]
    for answer in found:
        try:
            overrides.apply(Profile(), [(answer.key, answer.value)])
        except overrides.OverrideError as exc:
            where = f"{name}:{answer.line}" if answer.line else name
            raise AnswersError(f"{where}: {str(exc).removeprefix('--set ')}") from None
    return found


def _lines(text: str) -> dict[tuple[str, ...], int]:
    """The first line that sets each key path (a table's header, or a key in it or under it), in one pass.

    Each header, and the key of each ``key = value`` line, is read by the TOML parser itself (a line at a
    time), so quoted and dotted keys are read as TOML reads them."""
    found: dict[tuple[str, ...], int] = {}
    current: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            header = _header(line)
            if header is not None:
                current = header
                if header[-1:] != ("[]",):
                    found.setdefault(current, number)
            continue
        key = _key(line)
        if key:
            path = current + key
            for end in range(len(current) + 1, len(path) + 1):
                found.setdefault(path[:end], number)
    return found


def _path(data: dict) -> tuple[str, ...]:
    """The keys down a TOML document of one key a level (``{"a": {"b": 0}}`` -> ``("a", "b")``)."""
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        (name, data), = data.items()
        path.append(name)
        if isinstance(data, list):
            path.append("[]")
            break
    return tuple(path)


def _header(line: str) -> tuple[str, ...] | None:
    """``[a.b]`` -> ("a", "b"); ``[[a]]`` -> ("a", "[]"); None for a line that is no header."""
    try:
        return _path(tomllib.loads(line)) or None
    except tomllib.TOMLDecodeError:
        return None


def _key(line: str) -> tuple[str, ...] | None:
    """The key of a ``key = value`` line (the value may go on over the next lines), or None."""
    start = 0
    for _try in range(3):  # a quoted key may hold "=": the key ends at one of the first few
        at = line.find("=", start)
        if at < 0:
            return None
        try:
            return _path(tomllib.loads(line[:at] + "= 0")) or None
        except tomllib.TOMLDecodeError:
            start = at + 1
    return None


def _line(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line where ``key`` is set in ``table`` (a header of its own counts)."""
    return _lines(text).get(table + (key,))


# -- writing ---------------------------------------------------------------
def normalize(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``--set``-style pairs as one value per key (the last one wins), in the forms the file uses."""
    return answer_keys.canonical(pairs)


def dumps(pairs: list[tuple[str, str]], table: str = "") -> str:
    """The answers as TOML; ``table`` (e.g. "tool.containerize") prefixes every table header."""
    return answer_keys.dumps(pairs, table)


def merge(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(normalize(old + new).items())


def target(root: str | Path) -> Path:
    """Where answers are saved: pyproject.toml when its [tool.containerize] table already holds them
    (the user put them there), else containerize.toml; a user's pyproject.toml is never given a table
    it didn't have."""
    root = Path(root)
    saved = load(root)
    if saved is not None and saved.path.name == PYPROJECT:
        return saved.path
    return root / FILE


def save(root: str | Path, pairs: list[tuple[str, str]]) -> Path:
    """Merge ``pairs`` into the saved answers of ``root``; returns the file written. The file is edited
    with tomlkit: what else it holds keeps its formatting and comments."""
    import tomlkit

    root = Path(root)
    saved = load(root)
    merged = merge(saved.pairs() if saved else [], pairs)
    path = target(root)
    table = answer_keys.to_table(merged)
    try:
        if path.name == PYPROJECT:
            doc = tomlkit.parse(_read(path))
            _update(doc["tool"]["containerize"], table)
        elif path.is_file():
            doc = tomlkit.parse(_read(path))
            _update(doc, table)
        else:
            doc = tomlkit.parse(HEADER + "\n" + dumps(merged))
        text = tomlkit.dumps(doc)
        if path.name == FILE and not text.startswith(HEADER.splitlines()[0]):
            text = HEADER + "\n" + text
        tomllib.loads(text)
    except (tomlkit.exceptions.TOMLKitError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover
        raise AnswersError(f"{path.name}: can't be edited safely ({exc})") from None
    try:
        write.write_all(root, {path.name: text}, force=True)
    except write.WriteError as exc:
        raise AnswersError(str(exc)) from None
    return path


def _update(container, table: dict) -> None:
    """Make ``container`` (a tomlkit table or document) hold ``table``, changing only what differs:
    the keys that stay keep their place, formatting and comments."""
    for name in [k for k in container if k not in table]:
        del container[name]
    for name, value in table.items():
        if isinstance(value, dict):
            if name in container and isinstance(container[name], dict):
                _update(container[name], value)
            else:
                container[name] = answer_keys._item(value)
        elif name not in container or container[name] != value:
            container[name] = value
