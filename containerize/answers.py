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
answers into it.
"""
from __future__ import annotations

import json
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from . import overrides, write
from .profile import Profile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FILE = "containerize.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "containerize")

STRING_KEYS = ("language", "framework", "package_manager", "runtime_version", "port_env", "health_path")
ARGV_KEYS = ("entrypoint", "build_command")
LIST_KEYS = ("writable_paths", "read_paths", "dependencies", "services")
# the order keys are written in
ORDER = ("language", "framework", "package_manager", "runtime_version", "compiled", "build_command", "entrypoint",
         "port", "port_env", "health_path", "writable_paths", "read_paths", "services", "dependencies")
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


def _read(path: Path) -> str:
    try:
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
    found: list[Answer] = []

    def bad(path: tuple[str, ...], message: str) -> AnswersError:
        line = _line(text, table + path[:-1], path[-1])
        return AnswersError(f"{name}:{line}: {message}" if line else f"{name}: {message}")

    for key, value in data.items():
        line = _line(text, table, key)
        norm = key.replace("-", "_")
        if norm in STRING_KEYS:
            if not isinstance(value, str):
                raise bad((key,), f"{key} must be a string, e.g. {key} = \"...\"")
            found.append(Answer(norm, value, line))
        elif norm in ("port", "ports"):
            ports = value if isinstance(value, list) else [value]
            if not ports or not all(isinstance(p, int) and not isinstance(p, bool) or
                                    isinstance(p, str) and p.isdigit() for p in ports):
                raise bad((key,), f"{key} must be a port number or a list of them, e.g. port = 8080")
            found.append(Answer("port", ",".join(str(p) for p in ports), line))
        elif norm in ARGV_KEYS:
            if isinstance(value, str):
                found.append(Answer(norm, value, line))
            elif isinstance(value, list) and all(isinstance(a, str) for a in value):
                found.append(Answer(norm, shlex.join(value), line))
            else:
                raise bad((key,), f"{key} must be a list of strings, e.g. {key} = [\"gunicorn\", \"app:app\"]")
        elif norm == "compiled":
            if not isinstance(value, bool):
                raise bad((key,), "compiled must be true or false")
            found.append(Answer(norm, "true" if value else "false", line))
        elif norm in LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad((key,), f"{key} must be a list of strings")
            found.append(Answer(norm, ",".join(value), line))
        elif norm == "env":
            if not isinstance(value, dict):
                raise bad((key,), "env must be a table: [env] then NAME = \"default\" lines")
            for var, default in value.items():
                if isinstance(default, dict) or isinstance(default, list):
                    raise bad((key, var), f"env.{var} must be a string (its default value)")
                text_value = json.dumps(default) if isinstance(default, bool) else str(default)
                found.append(Answer(f"env.{var}", text_value, _line(text, table + (key,), var) or line))
        elif norm in ("secrets", "secret"):
            if isinstance(value, list):
                if not all(isinstance(v, str) for v in value):
                    raise bad((key,), "secrets must be a list of env var names or a table of NAME = true")
                for var in value:
                    found.append(Answer(f"secret.{var}", "true", line))
            elif isinstance(value, dict):
                for var, flag in value.items():
                    if not isinstance(flag, bool):
                        raise bad((key, var), f"secrets.{var} must be true or false")
                    found.append(Answer(f"secret.{var}", "true" if flag else "false",
                                        _line(text, table + (key,), var) or line))
            else:
                raise bad((key,), "secrets must be a table: [secrets] then NAME = true lines")
        elif norm == "system_packages":
            if isinstance(value, list):
                value = {"runtime": value}
            if not isinstance(value, dict):
                raise bad((key,), "system_packages must be a table with build and runtime lists")
            for stage, pkgs in value.items():
                if stage not in ("build", "runtime") or not isinstance(pkgs, list) \
                        or not all(isinstance(p, str) for p in pkgs):
                    raise bad((key, stage), "system_packages has build = [...] and runtime = [...] lists")
                found.append(Answer(f"system_packages.{stage}", " ".join(pkgs),
                                    _line(text, table + (key,), stage) or line))
        else:
            known = ", ".join(ORDER + ("env", "secrets", "system_packages"))
            raise bad((key,), f"unknown key {key!r} (known: {known})")
    for answer in found:
        try:
            overrides.apply(Profile(), overrides.parse([f"{answer.key}={answer.value}"]))
        except overrides.OverrideError as exc:
            where = f"{name}:{answer.line}" if answer.line else name
            raise AnswersError(f"{where}: {str(exc).removeprefix('--set ')}") from None
    return found


_HEADER_LINE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_ARRAY_HEADER_LINE = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]\s*(#.*)?$")
_KEY_LINE = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted))


def _line(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line where ``key`` is set in ``table`` (a header of its own counts)."""
    current: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), 1):
        array = _ARRAY_HEADER_LINE.match(raw)
        if array:
            current = _parts(array.group(1)) + ("[]",)
            continue
        header = _HEADER_LINE.match(raw)
        if header:
            current = _parts(header.group(1))
            if current == table + (key,):
                return number
            continue
        m = _KEY_LINE.match(raw)
        if m:
            path = current + _parts(m.group(1))
            if path[:len(table) + 1] == table + (key,):
                return number
    return None


# -- writing ---------------------------------------------------------------
def normalize(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``--set``-style pairs as one value per key (the last one wins), in the forms the file uses."""
    merged: dict[str, str] = {}
    for key, value in pairs:
        key = key.strip().replace("-", "_")
        if key == "ports":
            key = "port"
        if key == "env":
            name, _, default = value.partition("=")
            key, value = f"env.{name.strip()}", default
        if key in ("secrets", "secret"):
            for name in overrides._split(value):
                merged[f"secret.{name}"] = "true"
            continue
        if key == "system_packages":
            key = "system_packages.runtime"
        merged[key] = value
    return merged


def _toml_str(value: str) -> str:
    return json.dumps(value)


def _toml_value(key: str, value: str) -> str:
    if key == "port":
        ports = [p for p in overrides._split(value)]
        if all(p.isdigit() for p in ports) and len(ports) == 1:
            return ports[0]
        if all(p.isdigit() for p in ports):
            return "[" + ", ".join(ports) + "]"
        return _toml_str(value)
    if key in ARGV_KEYS:
        try:
            return "[" + ", ".join(_toml_str(a) for a in shlex.split(value)) + "]"
        except ValueError:
            return _toml_str(value)
    if key == "compiled" or key.startswith("secret."):
        return "true" if value.lower() in ("1", "true", "yes", "on") else "false"
    if key in LIST_KEYS or key.startswith("system_packages."):
        return "[" + ", ".join(_toml_str(v) for v in overrides._split(value)) + "]"
    return _toml_str(value)


def _bare(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml_str(name)


def dumps(pairs: list[tuple[str, str]], table: str = "") -> str:
    """The answers as TOML; ``table`` (e.g. "tool.containerize") prefixes every table header."""
    merged = normalize(pairs)
    top = [k for k in ORDER if k in merged] + sorted(k for k in merged if "." not in k and k not in ORDER)
    lines = [f"[{table}]"] if table else []
    for key in top:
        lines.append(f"{key} = {_toml_value(key, merged[key])}")
    for section, prefix in (("env", "env."), ("secrets", "secret."), ("system_packages", "system_packages.")):
        keys = [k for k in merged if k.startswith(prefix)]
        if not keys:
            continue
        lines += ["", f"[{table + '.' if table else ''}{section}]"]
        for key in keys:
            name = key[len(prefix):]
            value = merged[key]
            lines.append(f"{_bare(name)} = {_toml_value(key, value) if prefix != 'env.' else _toml_str(value)}")
    return "\n".join(lines) + "\n"


def merge(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(normalize(old + new).items())


def target(root: str | Path) -> Path:
    """Where answers are saved: containerize.toml, unless the project has a pyproject.toml and no containerize.toml."""
    root = Path(root)
    if (root / FILE).is_file() or not (root / PYPROJECT).is_file():
        return root / FILE
    return root / PYPROJECT


def save(root: str | Path, pairs: list[tuple[str, str]]) -> Path:
    """Merge ``pairs`` into the saved answers of ``root``; returns the file written."""
    root = Path(root)
    saved = load(root)
    merged = merge(saved.pairs() if saved else [], pairs)
    path = target(root)
    if path.name == FILE:
        text = HEADER + "\n" + dumps(merged)
    else:
        text = _replace_table(_read(path), dumps(merged, ".".join(PYPROJECT_TABLE)))
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:  # pragma: no cover - a pyproject.toml we can't edit safely
            raise AnswersError(f"{PYPROJECT}: can't add [tool.containerize] safely ({exc}); "
                               f"write the answers to {FILE} instead") from None
    try:
        write.write_all(root, {path.name: text}, force=True)
    except write.WriteError as exc:
        raise AnswersError(str(exc)) from None
    return path


def _replace_table(text: str, block: str) -> str:
    """``text`` without its [tool.containerize] tables, with ``block`` at the end."""
    kept: list[str] = []
    inside = False
    for raw in text.splitlines():
        header = _HEADER_LINE.match(raw) or _ARRAY_HEADER_LINE.match(raw)
        if header:
            inside = _parts(header.group(1))[:2] == PYPROJECT_TABLE
        if not inside:
            kept.append(raw)
    body = "\n".join(kept).rstrip("\n")
    return (body + "\n\n" if body else "") + block
