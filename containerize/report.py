"""The checklist as a person reads it."""
from __future__ import annotations

from json.encoder import encode_basestring_ascii

from .answer_keys import DETECTED, show
from .profile import ANSWER_KEYS, Profile


def value(profile: Profile, key: str) -> str:
    """The answer to ``key`` as a person reads it (``-`` for none)."""
    return show(profile, key)


def table(profile: Profile) -> str:
    """The checklist as plain text, whole values (print_table fits it to a terminal)."""
    import io

    out = io.StringIO()
    print_table(profile, file=out)
    return out.getvalue().rstrip("\n")


def rows(profile: Profile) -> list[tuple[str, str, str, str]]:
    """(answer, value, confidence, evidence) rows, whole values."""
    found = [("server", "yes" if profile.is_server else
              "no (runs until stopped)" if profile.long_running else "no (runs to completion)", "", "")]
    for key in ANSWER_KEYS:
        notes = profile.evidence.get(key, [])
        first = notes[0] if notes else None
        conf = f"{profile.confidence(key):.0%}" if notes else ""
        found.append((key, value(profile, key), conf, f"{first.where()}  {first.why}" if first else ""))
        for extra in notes[1:4]:
            found.append(("", "", "", f"{extra.where()}  {extra.why}"))
        if len(notes) > 4:
            found.append(("", "", "", f"... and {len(notes) - 4} more (see --json)"))
    return found


def print_table(profile: Profile, file=None) -> None:
    """The checklist as a rich Table fitted to the terminal (or to COLUMNS when set); in a pipe with no
    COLUMNS, whole values, one row a line."""
    import io
    import os
    import sys

    from rich import box
    from rich.console import Console
    from rich.table import Table

    out = file or sys.stdout
    columns = os.environ.get("COLUMNS", "")
    tty = hasattr(out, "isatty") and out.isatty()
    width = int(columns) if columns.isdigit() and int(columns) > 0 else None
    whole = width is None and not tty
    buffer = io.StringIO()
    console = Console(file=buffer, width=100_000 if whole else width or _terminal_width(out), highlight=False,
                      markup=False, emoji=False, color_system="auto" if tty else None,
                      force_terminal=tty)
    table = Table(box=box.SIMPLE_HEAD if tty else None, show_header=tty, show_edge=False, pad_edge=False)
    table.add_column("answer", no_wrap=True, style="bold" if tty else None)
    table.add_column("value", overflow="fold", ratio=None if whole else 2)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("evidence", overflow="fold", ratio=None if whole else 3)
    for row in rows(profile):
        table.add_row(*row)
    console.print(table)
    for warning in profile.warnings:
        console.print(f"warning: {warning}", overflow="fold")
    out.write("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")
    out.flush()


def _terminal_width(out) -> int:
    import os

    try:
        return os.get_terminal_size(out.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80


def origins(profile: Profile) -> list[str]:
    """``from ORIGIN: key, key`` for each place answers came from other than detection."""
    given: dict[str, list[str]] = {}
    for key in ANSWER_KEYS:
        origin = profile.origin(key)
        if origin != DETECTED:
            given.setdefault(origin, []).append(key)
    return [f"from {origin}: {', '.join(keys)}" for origin, keys in given.items()]


def to_json(data: object) -> str:
    """``json.dumps(data, indent=2)``, the same text, made faster: with an indent the standard library encodes
    in pure Python through a generator a token, which costs as much as the analysis on a large project. This
    joins each container's items at once, strings through the library's own C encoder. Data whose types JSON
    doesn't know (or a container holding itself) is left to json.dumps, errors and all."""
    try:
        return _encode(data, "\n")
    except (_NotPlain, RecursionError):
        import json

        return json.dumps(data, indent=2)


class _NotPlain(Exception):
    """A value JSON has no form for without a ``default``: json.dumps says how it fails."""


_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: object) -> str:
    """A value that is not a container, as json.dumps writes it (subclasses of str, int and float too)."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    raise _NotPlain


# the exact types met most, and how each is written
_WRITERS = {str: encode_basestring_ascii, int: int.__repr__, float: _float, bool: lambda v: "true" if v else "false",
            type(None): lambda _v: "null"}


def _key(key: object) -> str:
    """A dict key as json.dumps writes it: strings as they are, numbers, booleans and None as their JSON."""
    if isinstance(key, str):
        return encode_basestring_ascii(key)
    if isinstance(key, (float, bool, int)) or key is None:
        return encode_basestring_ascii(_scalar(key))
    raise _NotPlain


def _encode(value: object, newline: str) -> str:
    """The JSON of `value`, at the indent `newline` holds (a newline and the current indent)."""
    write = _WRITERS.get(value.__class__)
    if write is not None:
        return write(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = newline + "  "
        items = []
        for item in value:
            write = _WRITERS.get(item.__class__)
            items.append(write(item) if write is not None else _encode(item, inner))
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = newline + "  "
        items = []
        for key, item in value.items():
            write = _WRITERS.get(item.__class__)
            items.append((encode_basestring_ascii(key) if key.__class__ is str else _key(key)) + ": "
                         + (write(item) if write is not None else _encode(item, inner)))
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    return _scalar(value)
