"""Command line: ``containerize [PATH]``, ``containerize inspect [PATH]``."""
from __future__ import annotations

import signal
import sys

# Ctrl-C while the modules load: one line, nothing written yet (main() puts Python's handler back)
_INTERRUPTED = "containerize: interrupted; nothing was written"


def _early_interrupt(_signum, _frame):  # pragma: no cover - timing dependent
    sys.stderr.write(_INTERRUPTED + "\n")
    sys.stderr.flush()
    import os

    os._exit(130)


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _early_interrupt)

from pathlib import Path  # noqa: E402
from typing import List, Optional  # noqa: E402

import typer  # noqa: E402

from . import __version__  # noqa: E402
from .verify.command import verify  # noqa: E402

# The modules each command needs load inside it, so `inspect` never loads the templates, YAML or
# the questionnaire, and `--version` loads none of them.

HELP = """Container files for an application, read from its source.

`containerize PATH` is `containerize generate PATH`: it writes a Dockerfile,
.dockerignore, compose.yaml and README.Docker.md for the app in PATH.

\b
Examples:
  containerize .                      the container files for the app here
  containerize inspect ./app          what was detected, with evidence
  containerize ./app --set port=8080  override an answer
  containerize init new-app           a new project, from your answers
  containerize verify ./app           build, run and probe the result
"""

app = typer.Typer(add_completion=True, no_args_is_help=False, pretty_exceptions_enable=False, help=HELP,
                  context_settings={"help_option_names": ["-h", "--help"]})

COMMANDS = ("generate", "init", "inspect", "verify")
SUBCOMMANDS = {*COMMANDS, "--help", "-h", "--version", "--install-completion", "--show-completion"}
# options whose value is the next argument (a value is never a command, a path or --version)
VALUED = {"--set", "--ci", "--expect", "--path", "--timeout", "--only"}

_json_errors = False  # --json was given: errors are a JSON object on stdout
_said = False  # a cancel was reported already
_scanned: dict = {}  # folder -> its SourceTree, built by _repo for _profile


def _version(value: bool) -> None:
    if value:
        typer.echo(f"containerize {__version__}")
        raise typer.Exit()


@app.callback()
def _top(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                      help="Print the version and exit (anywhere on the command line).")) -> None:
    """Container files for an application, read from its source."""


SetOption = typer.Option(None, "--set", metavar="KEY=VALUE",
                         help="Override a checklist answer, e.g. port=8080 or 'entrypoint=gunicorn app:app'.")
InteractiveOption = typer.Option(False, "--interactive", "-i",
                                 help="Ask about the answers the code doesn't settle (the default on a terminal).")
CiOption = typer.Option(None, "--ci", metavar="PROVIDER",
                        help="Also write a CI workflow that builds and publishes the image (github).")
OnlyOption = typer.Option(None, "--only", metavar="NAME",
                          help="A repository of several apps: only the app NAME (a folder's name, see inspect).")


def fail(message: str, code: int = 2) -> None:
    """One line (a JSON object on stdout under --json) and exit ``code``: never a traceback."""
    if _json_errors:
        import json

        typer.echo(json.dumps({"error": message, "exit": code}))
    else:  # a value quoted from the project may hold a newline or a control character: shown escaped
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        typer.echo(f"containerize: error: {message}", err=True)
    raise typer.Exit(code)


def _profile(path: Path, sets: list[str] | None):
    from . import apps, overrides
    from .checklist import AnalysisError, build_profile

    tree = _scanned.pop(path, None)
    try:
        answers = overrides.parse(sets or [])
        apps.split_answers(answers, None)  # a scoped answer names an app: there is only one here
        return build_profile(path, answers, tree=tree)
    except AnalysisError as exc:
        nested = apps.nested_app_folders(path, tree=tree) if path.is_dir() else []
        fail(str(exc) + (f" (its subfolders hold apps of their own: {', '.join(f + '/' for f in nested)}; "
                         "run containerize on one of them)" if nested else ""))
    except (overrides.OverrideError, apps.AppsError) as exc:
        fail(str(exc))


def _repo(path: Path, sets: list[str] | None, only: str | None):
    """The apps of a repository of several (analyzed with the answers), or None for one app."""
    from . import apps, overrides
    from .scan import ScanError, SourceTree

    if not path.is_dir():
        if only:
            fail(f"--only {only}: {path} is not a folder")
        return None
    try:
        answers = overrides.parse(sets or [])
        try:
            tree = SourceTree(path)
        except ScanError:
            tree = None  # the analysis says why
        repo = apps.discover(path, analyze=False, tree=tree) if tree is not None else None
        if repo is None:
            _scanned[path] = tree  # one app: analyzed with the same tree (the folder is walked once)
            if only:
                fail(f"--only {only}: {path} holds one app, not several (leave --only out)")
            return None
        if only:
            repo.get(only)
            only = repo.get(only).name
        apps.analyze_apps(repo, answers, only)
    except (overrides.OverrideError, apps.AppsError) as exc:
        fail(str(exc))
    if only:
        chosen = repo.get(only)
        if not chosen.deployable:
            fail(f"--only {only}: {chosen.path}/ is {chosen.kind}: {chosen.error or chosen.evidence[-1]}")
        repo.apps = [a if a is chosen else _without_profile(a) for a in repo.apps]
    return repo


def _without_profile(app):
    app.profile = None
    return app


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
    only: Optional[str] = OnlyOption,
) -> None:
    """Write a Dockerfile, .dockerignore, compose.yaml and README.Docker.md for the project in PATH.

    `containerize PATH` means the same. On a terminal it asks about what the
    code doesn't settle, then shows a summary to accept or change.

    \b
    Examples:
      containerize generate .
      containerize ./app --dry-run
      containerize ./app --yes --set port=8080 --set secret.API_KEY=true
      containerize ./app --ci github --force"""
    from . import questionnaire, render, scaffold  # prompt_toolkit & co. load only for the commands that ask
    from .checklist import AnalysisError

    repo = _repo(path, sets, only)
    if repo is not None:
        _generate_apps(repo, dry_run, force, interactive, ci, k8s)
        return
    if path.is_dir() and scaffold.is_new_project(path):
        _generate_new(path, dry_run, force, yes, interactive, ci, sets, k8s)
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
    k8s: bool = typer.Option(False, "--k8s", help="Also write Kubernetes manifests under k8s/ (kustomize)."),
) -> None:
    """Container files for a new project in an empty folder, from your answers.

    Asks language, framework, version, port, start command, env vars and
    services (or takes them from --set), and writes the container files with a
    README.Docker.md.

    \b
    Examples:
      containerize init new-app
      containerize init new-app --yes --set language=python --set framework=flask --set port=8000"""
    from . import scaffold

    if not scaffold.is_new_project(path):
        typer.echo(f"{path} already has code: reading it instead of asking about a new project", err=True)
        generate(path, dry_run, force, yes, interactive, ci, sets, k8s, None)
        return
    _generate_new(path, dry_run, force, yes, interactive, ci, sets, k8s)


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
    global _said
    typer.echo("\ncontainerize: cancelled; nothing was written", err=True)
    _said = True
    raise typer.Exit(130)


def _check_new(profile) -> None:
    """A framework for a new project is one the language's starter knows (the nearest is suggested)."""
    from . import scaffold

    if not profile.framework:
        return
    known = [key for key, _label in scaffold.frameworks(profile.language)]
    if known and profile.framework not in known and profile.framework != "none":
        fail(f"framework={profile.framework}: {profile.language} projects start with one of: "
             f"{', '.join(known)}{_nearest(profile.framework, known)}")


def _nearest(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _generate_new(path: Path, dry_run: bool, force: bool, yes: bool, interactive: bool, ci: Optional[str],
                  sets: list[str] | None, k8s: bool = False) -> None:
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
        _check_new(profile)
        files = scaffold.render_new(profile, ci=ci)
        if k8s:
            from .k8s import render_k8s

            files.update(render_k8s(profile, render.slug(Path(profile.root).name), files.get("Dockerfile")))
    except (AnalysisError, answers.AnswersError) as exc:
        fail(str(exc))
    except questionnaire.Cancelled:
        _cancelled()
    except render.RenderError as exc:
        fail(str(exc))
    _emit(profile, files, dry_run, force, asked)


def _generate_apps(repo, dry_run: bool, force: bool, interactive: bool, ci: Optional[str], k8s: bool) -> None:
    """A repository of several apps: each app's files in its folder, one compose.yaml at the root."""
    from . import render, write

    if interactive:
        fail("--interactive asks about one app: run it on the app's folder (containerize ./FOLDER -i)")
    try:
        files = render.render_apps(repo, ci=ci, k8s=k8s)
    except render.RenderError as exc:
        fail(str(exc))
    for app in repo.deployable:
        for warning in app.profile.warnings:
            typer.echo(f"warning: {app.name}: {warning}", err=True)
    for note in repo.notes:
        typer.echo(f"note: {note}", err=True)
    root = Path(repo.root)
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
    if any(a.profile.secrets or a.profile.services for a in repo.deployable):
        typer.echo("next: create the secret files named at the top of compose.yaml, then `docker compose up --build`")
    else:
        typer.echo("next: docker compose up --build")


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
    only: Optional[str] = OnlyOption,
) -> None:
    """Show the checklist answers and the evidence for each.

    \b
    Examples:
      containerize inspect .
      containerize inspect ./app --json | jq .ports
      containerize inspect ./app --set port=8080"""
    repo = _repo(path, sets, only)
    if repo is not None:
        _inspect_apps(repo, as_json, only)
        return
    profile = _profile(path, sets)
    from . import report

    if as_json:
        typer.echo(report.to_json(profile.to_dict()))  # its "origin" says where each answer came from
    else:
        report.print_table(profile)
        for line in report.origins(profile):
            typer.echo(line)


def _inspect_apps(repo, as_json: bool, only: str | None) -> None:
    from . import report

    if as_json:
        if only:  # one app: the same keys as a single app's, with its name and folder
            app = repo.get(only)
            typer.echo(report.to_json({"name": app.name, "path": app.path, **app.profile.to_dict()}))
            return
        typer.echo(report.to_json(apps_dict(repo)))
        return
    shown = [a for a in repo.apps if not only or a.name == only]
    typer.echo(f"{repo.root}: {len(repo.deployable)} app(s) to run"
               + (f" (members of {repo.workspace})" if repo.workspace else ""))
    for app in shown:
        what = app.kind if not app.deployable else f"{app.profile.language}" + (
            f" ({app.profile.framework})" if app.profile.framework else "")
        typer.echo(f"  {app.name:<14} {app.path + '/':<22} {what}   <- {'; '.join(app.evidence)}")
        if app.calls:
            target = f"proxied to {app.proxy_to}" if app.proxy_to else "no app found to serve them"
            typer.echo(f"  {'':<14} calls {', '.join(app.calls)} ({app.calls_from}): {target}")
    for proxy in repo.proxies if not only else []:
        typer.echo(f"  {proxy.name:<14} {proxy.path + '/':<22} reverse proxy   <- {proxy.conf}"
                   + (f" (passes to {', '.join(proxy.upstreams)})" if proxy.upstreams else ""))
    for note in repo.notes:
        typer.echo(f"note: {note}")
    for app in shown:
        if app.deployable:
            typer.echo(f"\n== {app.name} ({app.path}/) ==")
            report.print_table(app.profile)
            for line in report.origins(app.profile):
                typer.echo(line)


def apps_dict(repo) -> dict:
    """inspect --json of a repository of several apps: ``apps`` (each with the keys of a single app's)."""
    out = {"root": str(repo.root), "workspace": repo.workspace, "apps": [], "notes": list(repo.notes)}
    for app in repo.apps:
        entry = {"name": app.name, "path": app.path, "kind": app.kind, "evidence": list(app.evidence)}
        if app.calls:
            entry["calls"] = {"paths": app.calls, "where": app.calls_from, "proxied_to": app.proxy_to}
        if app.error:
            entry["error"] = app.error
        if app.profile is not None:
            entry.update(app.profile.to_dict())
        out["apps"].append(entry)
    out["proxies"] = [{"name": p.name, "path": p.path, "conf": p.conf, "dockerfile": p.dockerfile,
                       "ports": p.ports, "upstreams": p.upstreams} for p in repo.proxies]
    return out


app.command("verify", epilog="""\b
Examples:
  containerize verify ./app
  containerize verify ./app --expect "Hello" --path /api/health
  containerize verify ./app --generate --json""")(verify)


def _scan(args: list[str]) -> tuple[list[str], bool]:
    """The positional arguments (up to ``--``, then all) and whether --version is among the options."""
    positional, version, i = [], False, 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positional += args[i + 1:]
            break
        if arg in VALUED:
            i += 2
            continue
        if arg == "--version":
            version = True
        elif not arg.startswith("-") or arg == "":
            positional.append(arg)
        i += 1
    return positional, version


def _usage_error(exc, args: list[str]) -> None:
    """A click usage error as one line: what is wrong, and where to read more."""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = message.rstrip(".")
    option = getattr(exc, "option_name", None) or ""
    if "No such option" in message and option.startswith("-") and not option.startswith("--"):
        word = next((a for a in args if a.startswith(option) and a != option), option)
        message = f"No such option: {word} (a folder whose name starts with - goes after --: containerize -- {word})"
    fail(f"{message[0].lower() + message[1:]} (see containerize --help)", getattr(exc, "exit_code", 2) or 2)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # from here on Ctrl-C unwinds (write.py restores files)
    try:
        code = _main(args)
    except KeyboardInterrupt:
        typer.echo("\n" + _INTERRUPTED, err=True)
        code = 130
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a Ctrl-C now can't kill the interpreter mid-exit
    if code == 130:  # interrupted: exit with 130 itself (Python would re-raise SIGINT on its way out)
        sys.stdout.flush()
        sys.stderr.flush()
        import os

        os._exit(130)
    sys.exit(code)


def _main(args: list[str]) -> int:
    global _json_errors
    from typer import _click as click

    positional, version = _scan(args)
    _json_errors = "--json" in args[:args.index("--")] if "--" in args else "--json" in args
    if version:
        typer.echo(f"containerize {__version__}")
        return 0
    first = args[0] if args else None
    try:
        if first is not None and first not in SUBCOMMANDS:
            word = positional[0] if positional and args[0] == positional[0] else None
            if word is not None:
                if word == "":
                    fail("the folder is an empty string: name one, e.g. containerize .")
                if not Path(word).exists():
                    guess = _nearest(word, COMMANDS)
                    if guess:
                        fail(f"no such command or folder: {word!r}{guess}")
            if "" in positional:
                fail("the folder is an empty string: name one, e.g. containerize .")
        elif first in COMMANDS and "" in positional[1:]:
            fail("the folder is an empty string: name one, e.g. containerize .")
        # `containerize [PATH] [options]` is `containerize generate [PATH] [options]`
        if not args or args[0] not in SUBCOMMANDS:
            args.insert(0, "generate")
        try:
            result = app(args=args, prog_name="containerize", standalone_mode=False)
        except click.exceptions.UsageError as exc:
            _usage_error(exc, args)
        except click.exceptions.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except typer.Abort:  # end of input at a prompt
            raise KeyboardInterrupt from None
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            fail(f"{exc.strerror or exc}{where}")
        code = result if isinstance(result, int) else 0
    except typer.Exit as exc:
        code = exc.exit_code
    if code == 130 and not _said:  # typer turns Ctrl-C into a silent exit 130
        typer.echo("\n" + _INTERRUPTED, err=True)
    return code
