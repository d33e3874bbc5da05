"""The checklist as a person reads it."""
from __future__ import annotations

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
    found = [("server", "yes" if profile.is_server else "no (runs to completion)", "", "")]
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
