"""Command line: ``containerize [PATH]``, ``containerize inspect [PATH]``."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__, overrides, render, report, write
from .checklist import AnalysisError, build_profile
from .verify.command import verify

app = typer.Typer(add_completion=False, no_args_is_help=False, pretty_exceptions_enable=False,
                  help="Container files for an application, read from its source.")

SUBCOMMANDS = {"generate", "inspect", "verify", "--help", "-h", "--version"}

SetOption = typer.Option(None, "--set", metavar="KEY=VALUE",
                         help="Override a checklist answer, e.g. port=8080 or 'entrypoint=gunicorn app:app'.")


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"containerize: error: {message}", err=True)
    raise typer.Exit(code)


def _profile(path: Path, sets: list[str] | None):
    try:
        answers = overrides.parse(sets or [])
        return build_profile(path, answers)
    except (AnalysisError, overrides.OverrideError) as exc:
        fail(str(exc))


@app.command()
def generate(
    path: Path = typer.Argument(Path("."), help="The project folder."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be written; write nothing."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite files that already exist."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask anything; use what was detected."),
    sets: Optional[List[str]] = SetOption,
) -> None:
    """Write a Dockerfile, .dockerignore and compose.yaml for the project in PATH."""
    profile = _profile(path, sets)
    try:
        files = render.render(profile)
    except render.RenderError as exc:
        fail(str(exc))
    root = Path(profile.root)
    for warning in profile.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if dry_run:
        for name, text in files.items():
            typer.echo(f"==> {root / name} <==")
            typer.echo(text)
        return
    try:
        written = write.write_all(root, files, force=force)
    except write.WriteError as exc:
        fail(str(exc), 1)
    for name in written:
        typer.echo(f"wrote {root / name}")
    if profile.secrets or any(s for s in profile.services):
        typer.echo("next: create the secret files named at the top of compose.yaml, then `docker compose up --build`")
    else:
        typer.echo(f"next: docker compose up --build   (or: docker build -t {render.slug(root.name)} {root})")


@app.command()
def inspect(
    path: Path = typer.Argument(Path("."), help="The project folder."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output (see README)."),
    sets: Optional[List[str]] = SetOption,
) -> None:
    """Show the checklist answers and the evidence for each."""
    profile = _profile(path, sets)
    if as_json:
        typer.echo(json.dumps(profile.to_dict(), indent=2))
    else:
        typer.echo(report.table(profile))


app.command("verify")(verify)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--version":
        print(f"containerize {__version__}")
        return
    # `containerize [PATH] [options]` is `containerize generate [PATH] [options]`
    if not args or args[0] not in SUBCOMMANDS:
        args.insert(0, "generate")
    try:
        app(args=args, prog_name="containerize", standalone_mode=True)
    except KeyboardInterrupt:
        typer.echo("containerize: interrupted; nothing was written", err=True)
        sys.exit(130)
