"""Command line: ``containerize [PATH]``, ``containerize inspect [PATH]``."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .verify.command import verify

# The modules each command needs load inside it, so `inspect` never loads the templates, YAML or
# the questionnaire, and `--version` loads none of them.

app = typer.Typer(add_completion=False, no_args_is_help=False, pretty_exceptions_enable=False,
                  help="Container files for an application, read from its source.")

SUBCOMMANDS = {"generate", "init", "inspect", "verify", "--help", "-h", "--version"}

SetOption = typer.Option(None, "--set", metavar="KEY=VALUE",
                         help="Override a checklist answer, e.g. port=8080 or 'entrypoint=gunicorn app:app'.")
InteractiveOption = typer.Option(False, "--interactive", "-i",
                                 help="Ask about the answers the code doesn't settle (the default on a terminal).")
CiOption = typer.Option(None, "--ci", metavar="PROVIDER",
                        help="Also write a CI workflow that builds and publishes the image (github).")


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"containerize: error: {message}", err=True)
    raise typer.Exit(code)


def _profile(path: Path, sets: list[str] | None):
    from . import overrides
    from .checklist import AnalysisError, build_profile

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
    interactive: bool = InteractiveOption,
    ci: Optional[str] = CiOption,
    sets: Optional[List[str]] = SetOption,
    k8s: bool = typer.Option(False, "--k8s", help="Also write Kubernetes manifests under k8s/ (kustomize)."),
) -> None:
    """Write a Dockerfile, .dockerignore, compose.yaml and README.Docker.md for the project in PATH."""
    from . import questionnaire, render, scaffold  # prompt_toolkit & co. load only for the commands that ask
    from .checklist import AnalysisError

    if path.is_dir() and scaffold.is_new_project(path):
        _generate_new(path, dry_run, force, yes, interactive, ci, sets)
        return
    ask = _asking(interactive, yes, dry_run)
    asked: list[tuple[str, str]] = []
    if ask:
        _check_clash(path, force, dry_run, ci)
        try:
            profile, asked = questionnaire.interview(path, _parse_sets(sets), explicit=interactive)
        except AnalysisError as exc:
            fail(str(exc))
        except questionnaire.Cancelled:
            _cancelled()
    else:
        profile = _profile(path, sets)
    try:
        files = render.render(profile, ci=ci, k8s=k8s)
    except render.RenderError as exc:
        fail(str(exc))
    _emit(profile, files, dry_run, force, asked)


@app.command()
def init(
    path: Path = typer.Argument(Path("."), help="The (empty) folder the app will be written in."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be written; write nothing."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite files that already exist."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask anything; take the answers from --set."),
    interactive: bool = InteractiveOption,
    ci: Optional[str] = CiOption,
    sets: Optional[List[str]] = SetOption,
) -> None:
    """Container files for a new project in an empty folder, from your answers.

    Asks language, framework, version, port, start command, env vars and
    services (or takes them from --set), and writes the container files with a
    README.Docker.md."""
    from . import scaffold

    if not scaffold.is_new_project(path):
        typer.echo(f"{path} already has code: reading it instead of asking about a new project", err=True)
        generate(path, dry_run, force, yes, interactive, ci, sets)
        return
    _generate_new(path, dry_run, force, yes, interactive, ci, sets)


def _parse_sets(sets: list[str] | None) -> list[tuple[str, str]]:
    from . import overrides

    try:
        return overrides.parse(sets or [])
    except overrides.OverrideError as exc:
        fail(str(exc))
        raise  # unreachable


def _asking(interactive: bool, yes: bool, dry_run: bool) -> bool:
    """Whether to ask: -i, or by default when a person is at a terminal; never with --yes or in a pipe."""
    from . import questionnaire

    if yes:
        if interactive:
            fail("--interactive and --yes contradict each other")
        return False
    if interactive:
        if not questionnaire.terminal():
            fail("--interactive needs a terminal (stdin and stdout); use --set KEY=VALUE or --yes in scripts")
        return True
    return questionnaire.terminal() and not dry_run


def _check_clash(path: Path, force: bool, dry_run: bool, ci: str | None) -> None:
    """Refuse before asking anything when the files are there already (and --force is not given)."""
    from . import render, write

    if force or dry_run:
        return
    names = ["Dockerfile", ".dockerignore", "compose.yaml", render.README]
    if ci in render.CI_PROVIDERS:
        names.append(render.CI_PROVIDERS[ci])
    clash = write.existing(path, dict.fromkeys(names, ""))
    if clash:
        fail("already there: " + ", ".join(clash) + " (use --force to overwrite)", 1)


def _cancelled() -> None:
    typer.echo("\ncontainerize: cancelled; nothing was written", err=True)
    raise typer.Exit(130)


def _generate_new(path: Path, dry_run: bool, force: bool, yes: bool, interactive: bool, ci: Optional[str],
                  sets: list[str] | None) -> None:
    """An empty folder: the container files for the app about to be written there."""
    from . import answers, questionnaire, render, scaffold  # prompt_toolkit & co. load only for the commands that ask
    from .checklist import AnalysisError

    pairs = _parse_sets(sets)
    asked: list[tuple[str, str]] = []
    try:
        saved = answers.load(path) if path.is_dir() else None
        if _asking(interactive, yes, dry_run):
            _check_clash(path, force, dry_run, ci)
            profile, asked = questionnaire.new_project(path, pairs, saved.pairs() if saved else [], interactive)
        else:
            profile = scaffold.new_profile(path, pairs)
        files = scaffold.render_new(profile, ci=ci)
    except (AnalysisError, answers.AnswersError) as exc:
        fail(str(exc))
    except questionnaire.Cancelled:
        _cancelled()
    except render.RenderError as exc:
        fail(str(exc))
    _emit(profile, files, dry_run, force, asked)


def _emit(profile, files: dict[str, str], dry_run: bool, force: bool, asked: list[tuple[str, str]]) -> None:
    """Print or write the files; then save the answers given in the questionnaire."""
    from . import answers, render, start, write

    if not profile.entrypoint:  # never an empty CMD: checklist chose a candidate if there was one
        fail(start.missing_message(profile))
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
    if asked:
        try:
            saved = answers.save(root, asked)
        except answers.AnswersError as exc:
            fail(f"the files are written, but the answers were not saved: {exc}", 1)
        typer.echo(f"saved your answers in {saved} (later runs use them; --set still wins)")
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
        import json

        typer.echo(json.dumps(profile.to_dict(), indent=2))  # its "origin" says where each answer came from
    else:
        from . import report

        typer.echo(report.table(profile))
        for line in report.origins(profile):
            typer.echo(line)


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
