"""Showing a verification: progress while it runs (rich, on a terminal only), then the
result as tables or JSON."""
from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .record import Result

STATUS_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "skip": "dim"}


class Progress:
    """A spinner with the current step on stderr; nothing at all when stderr isn't a terminal."""

    def __init__(self, enabled: bool = True):
        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.status = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            self.status = self.console.status("Starting", spinner="dots")
            self.status.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def update(self, text: str) -> None:
        if self.status is not None:
            self.status.update(escape(text))

    def done(self, text: str) -> None:
        if self.enabled:
            self.console.print(f"[green]✓[/] {escape(text)}")


def to_json(result: Result) -> str:
    return json.dumps(result.to_dict(), indent=2)


def size(n: int | None) -> str:
    if n is None:
        return "?"
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"


def _fit(text: str, width: int) -> str:
    width = max(width, 24)
    return text if len(text) <= width else text[: width - 1] + "…"


def _console(file=None) -> Console:
    file = file or sys.stdout
    probe = Console(file=file)
    return Console(file=file, width=None if probe.is_terminal else 120, soft_wrap=False)


def print_error(result: Result, file=None) -> None:
    err = result.error
    if err is None:
        return
    console = Console(file=file or sys.stderr, width=None if (file or sys.stderr).isatty() else 120,
                      highlight=False)
    console.print(f"[bold red]containerize verify: error:[/] {escape(err.message)}", soft_wrap=True)
    if err.details:
        console.print(escape(err.details.rstrip()), soft_wrap=True)
    if result.build_log:
        console.print(f"full build log: {result.build_log}")


def print_table(result: Result, file=None) -> None:
    console = _console(file)
    verdict = "[bold green]PASSED[/]" if result.ok else "[bold red]FAILED[/]"
    console.print(f"containerize verify {escape(result.path)}: {verdict}", highlight=False)
    for name in result.generated:
        console.print(f"  wrote {escape(name)} (--generate)")
    img = result.image
    if img:
        summary = Table(show_header=False, box=None, pad_edge=False)
        summary.add_column(style="bold")
        summary.add_column()
        summary.add_row("image", f"{escape(img['tag'])}  ({size(img.get('size'))})")
        summary.add_row("user", escape(img.get("user") or "(none: root)"))
        summary.add_row("exposed ports", ", ".join(map(str, img.get("exposed_ports") or [])) or "none")
        if result.build.get("seconds") is not None:
            summary.add_row("build time", f"{result.build['seconds']:.1f}s")
        run = result.run
        if run.get("start_to_healthy") is not None:
            summary.add_row("start to healthy", f"{run['start_to_healthy']:.1f}s")
        if run.get("exit_code") is not None:
            summary.add_row("exit code", f"{run['exit_code']} after {run.get('seconds', 0):.1f}s")
        if result.rebuild:
            summary.add_row("rebuild time", f"{result.rebuild['seconds']:.1f}s after editing "
                            f"{escape(result.rebuild['touched'])}")
        if run.get("services"):
            summary.add_row("services", ", ".join(run["services"]))
        console.print(summary)
    if result.checks:
        checks = Table(title="checks", title_justify="left", show_lines=False)
        checks.add_column("check", no_wrap=True, min_width=16)
        checks.add_column("result", no_wrap=True, min_width=6)
        checks.add_column("detail", overflow="fold")
        for c in result.checks:
            style = STATUS_STYLE.get(c.status, "")
            checks.add_row(c.name, f"[{style}]{c.status.upper()}[/]", escape(c.detail))
        console.print(checks)
    if img.get("layers"):
        layers = Table(title="layers (oldest first)", title_justify="left")
        layers.add_column("size", justify="right", no_wrap=True, min_width=8)
        layers.add_column("instruction", overflow="ellipsis", no_wrap=True, ratio=1)
        base = [l for l in img["layers"] if l.get("base")]
        if base:
            layers.add_row(size(sum(l["size"] for l in base)),
                           f"[dim]base image {escape(img.get('base') or '')}: {len(base)} layers[/]")
        for layer in img["layers"]:
            if not layer.get("base"):
                layers.add_row(size(layer["size"]), escape(_fit(layer["instruction"], console.width - 17)))
        console.print(layers)
    if result.rebuild.get("steps"):
        deps = {s["number"] for s in result.rebuild.get("dependency_steps", [])}
        steps = Table(title=f"rebuild after editing {escape(result.rebuild['touched'])}", title_justify="left")
        steps.add_column("step", no_wrap=True, min_width=9)
        steps.add_column("cache", no_wrap=True, min_width=14)
        steps.add_column("instruction", overflow="ellipsis", no_wrap=True, ratio=1)
        step_width = max(len(f"{s['stage']} {s['index']}") for s in result.rebuild["steps"])
        for s in result.rebuild["steps"]:
            if s["instruction"].split(" ", 1)[0].upper() == "FROM":
                continue
            cache = "[green]cached[/]" if s["cached"] else "rebuilt"
            if s["number"] in deps:
                cache = "[green]cached (deps)[/]" if s["cached"] else "[bold red]REBUILT (deps)[/]"
            steps.add_row(escape(f"{s['stage']} {s['index']}"), cache,
                          escape(_fit(s["instruction"], console.width - 10 - max(9, step_width) - 14)))
        console.print(steps)
    for note in result.notes:
        console.print(f"note: {escape(note)}", highlight=False)
    if result.kept:
        console.print("kept (--keep); remove them with:", highlight=False)
        for cmd in result.kept["remove_with"]:
            console.print(f"  {escape(cmd)}", highlight=False, soft_wrap=True)
