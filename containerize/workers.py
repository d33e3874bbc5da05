"""Processes that run beside the app from the same image: a Procfile's other processes (``worker:``,
``clock:``), a Celery worker. Compose gives each one a service, Kubernetes a Deployment; neither has a port
or the image's health check (which probes the app's server)."""
from __future__ import annotations

import copy
import re
import shlex
from typing import Callable, Iterator

from .profile import Profile, Worker
from .scan import SourceTree

# a Procfile process name (Heroku: letters, digits, - and _), used as a service and resource name
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}")
_SHELL_OPERATORS = (";", "&", "|", ">", "<", "`", "$(")  # a shell command line: `migrate; serve`, `a && b`
NOT_WORKERS = {"release", "web"}  # release runs once per deploy (a migration); web is the app itself
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")  # `QUEUE=* rake resque:work`: a variable for the command
# servers of backing services (`redis: redis-server config/redis.conf`): compose runs their own images
SERVICE_DAEMONS = {"redis-server", "valkey-server", "postgres", "mysqld", "mariadbd", "mongod", "memcached",
                   "rabbitmq-server", "elasticsearch", "meilisearch"}
MAX_WORKERS = 8


def service_name(worker: Worker | str) -> str:
    """The compose service (and Kubernetes resource suffix) of a worker (or a process name): lower case, no
    underscore."""
    return (worker if isinstance(worker, str) else worker.name).lower().replace("_", "-")


def procfile_processes(tree: SourceTree) -> list[tuple[str, list[str], int]]:
    """(name, argv, line) of each process the Procfile declares, in order; a command with shell operators is
    run by ``sh -c``; ``make TARGET`` whose Makefile recipe is one plain command is that command."""
    return [(kind, argv, number) for kind, argv, number, _made in procfile_commands(tree)]


def procfile_commands(tree: SourceTree) -> list[tuple[str, list[str], int, tuple[str, int] | None]]:
    """procfile_processes, each with the Makefile and line of the recipe its ``make TARGET`` runs (else None)."""
    procfile = tree.first("Procfile")
    found = []
    for number, line in enumerate(tree.lines(procfile) if procfile else [], 1):
        kind, sep, command = line.partition(":")
        kind, command = kind.strip(), command.strip()
        if not sep or not _NAME.fullmatch(kind) or not command:
            continue
        argv = _command_argv(command)
        made = make_recipe(tree, argv) if argv else None
        if made is not None:
            recipe, makefile, recipe_line = made
            recipe_argv = _command_argv(recipe)
            argv, made = (recipe_argv, (makefile, recipe_line)) if recipe_argv else (argv, None)
        if argv:
            found.append((kind, argv, number, made))
    return found


def _command_argv(command: str) -> list[str]:
    """The argv of one command line: ``sh -c`` for one with shell operators, ``env`` before assignments."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return []
    if any(op in command for op in _SHELL_OPERATORS):
        return ["sh", "-c", command]
    if argv and _ASSIGNMENT.match(argv[0]):
        return ["env"] + argv  # exec form has no shell to read the assignments
    return argv


MAKEFILES = ("GNUmakefile", "makefile", "Makefile")  # the names make looks for, in its order
_MAKE_TARGET = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,80}")


def make_recipe(tree: SourceTree, argv: list[str]) -> tuple[str, str, int] | None:
    """(command, Makefile, line) for ``make TARGET`` when the Makefile's rule for TARGET is one plain command: one
    rule of that name, with no prerequisites (they would run first), a recipe of one line with no variable
    (``$(X)``, ``$$``) and no line continuation; the ``@``/``-`` prefix dropped. None for any other (the command
    is kept as written)."""
    if len(argv) != 2 or argv[0] != "make" or not _MAKE_TARGET.fullmatch(argv[1]):
        return None
    makefile = tree.first(*MAKEFILES)
    parsed = tree.parse(makefile, "make") if makefile else None
    if parsed is None:
        return None
    from . import syntax

    rules = []
    for node in parsed.root_node.children:
        if node.type == "export_directive":
            return None  # exported variables change what the recipe sees
        if node.type != "rule":
            continue
        targets = next((c for c in node.children if c.type == "targets"), None)
        if targets is not None and any(syntax.text(w) == argv[1] for w in targets.named_children):
            rules.append(node)
    if len(rules) != 1:
        return None
    rule = rules[0]
    kinds = {c.type for c in rule.children}
    recipe = next((c for c in rule.children if c.type == "recipe"), None)
    if ":" not in kinds or "prerequisites" in kinds or recipe is None:
        return None
    lines = [c for c in recipe.children if c.type == "recipe_line"]
    if len(lines) != 1:
        return None
    shell = [c for c in lines[0].children if c.type == "shell_text"]
    if len(shell) != 1 or shell[0].named_children:
        return None
    command = syntax.text(shell[0]).strip()
    if not command or "$" in command or "\\" in command or "\n" in command:
        return None
    return command, makefile, syntax.line(lines[0])


def _new_processes(tree: SourceTree, profile: Profile) -> Iterator[tuple[str, list[str], int]]:
    """The Procfile's processes that may become workers: not web nor release, not named like a worker the
    profile has already, while there is room for one more."""
    for kind, argv, line in procfile_processes(tree):
        if kind in NOT_WORKERS or len(profile.workers) >= MAX_WORKERS:
            continue
        if any(service_name(w) == service_name(kind) for w in profile.workers):
            continue
        yield kind, argv, line


def add_procfile_workers(tree: SourceTree, profile: Profile) -> None:
    """The Procfile's processes other than the app's own (web, or the one the start command runs) and
    release: each one a worker."""
    procfile = tree.first("Procfile")
    for kind, argv, line in _new_processes(tree, profile):
        if argv == profile.entrypoint:
            continue
        program = next((w for w in argv if w != "env" and not _ASSIGNMENT.match(w)), "")
        if program.rsplit("/", 1)[-1] in SERVICE_DAEMONS:
            profile.note("workers", f"{kind}: the Procfile's {kind} process is a backing service ({program}): "
                         "not run from the app's image", procfile, line, 0.8)
            continue
        if _development(argv):
            profile.note("workers", f"{kind}: the Procfile's {kind} process watches files for development "
                         f"({' '.join(argv)[:80]}): not run beside the app", procfile, line, 0.8)
            continue
        profile.workers.append(Worker(kind, argv, procfile, line, f"the Procfile's {kind} process"))
        profile.note("workers", f"{kind}: the Procfile's {kind} process runs beside the app", procfile, line, 1.0)


def _development(argv: list[str]) -> bool:
    """A process that rebuilds on file changes (``sass --watch``, ``make watch-scss``, ``npm run dev``): a
    development helper, not part of the running app."""
    words = [w for a in argv for w in a.replace("=", " ").split()]
    if any("watch" in w.lower() for w in words):
        return True
    return any(w in ("dev", "develop") and i and words[i - 1] in ("run", "npm", "yarn", "pnpm", "bun")
               for i, w in enumerate(words))


def compose_services(profile: Profile, app: dict, shared_keys: tuple[str, ...]) -> dict[str, dict]:
    """A service per worker, with the app's image, settings, secrets and volumes, started once the app's
    backing services are ready; no port, no health check (the image's probes the app's server)."""
    services = {}
    for worker in profile.workers:
        svc = {key: copy.deepcopy(value) for key, value in app.items() if key in shared_keys}
        svc["command"] = [a.replace("$", "$$") for a in worker.command]
        svc["healthcheck"] = {"disable": True}
        if app.get("depends_on"):
            svc["depends_on"] = copy.deepcopy(app["depends_on"])
        svc["restart"] = "unless-stopped"
        services[service_name(worker)] = svc
    return services


def runs_binary(profile: Profile, names: set[str]) -> Callable[[list[str]], list[str] | None]:
    """For add_image_procfile_workers: a process that runs the app's binary (``bin/NAME``,
    ``./target/release/NAME``, ``NAME``, one of ``names``) runs the image's binary with the same arguments."""
    def translate(argv: list[str]) -> list[str] | None:
        return profile.entrypoint[:1] + argv[1:] if argv[0].rsplit("/", 1)[-1] in names else None
    return translate


def add_image_procfile_workers(tree: SourceTree, profile: Profile,
                               translate: Callable[[list[str]], list[str] | None]) -> None:
    """A compiled app's image holds the app's build only (a binary, a jar): a Procfile process that runs it with
    other arguments runs it from the image (``translate`` gives the command in the image, None when the process
    runs anything else); any other process can't run there and a warning says so."""
    procfile = tree.first("Procfile")
    if not profile.entrypoint:
        return
    skipped = []
    for kind, argv, line in _new_processes(tree, profile):
        command = translate(argv)
        if command is None:
            if argv[0].rsplit("/", 1)[-1] not in SERVICE_DAEMONS and not _development(argv):
                skipped.append(kind)
            continue
        if command == profile.entrypoint:
            continue  # the app itself
        why = f"the Procfile's {kind} process, run from the image's build of the app"
        profile.workers.append(Worker(kind, command, procfile, line, why))
        profile.note("workers", f"{kind}: {why}, runs beside the app", procfile, line, 0.9)
    if skipped:
        many = len(skipped) > 1
        profile.warnings.append(
            f"the Procfile's {', '.join(skipped)} process{'es run' if many else ' runs'} something the image doesn't "
            f"hold (it has the app's build only, `{' '.join(profile.entrypoint)[:80]}`): not run beside the app; "
            f"add one with --set workers.{skipped[0]}='...'")
