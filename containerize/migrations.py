"""Steps run once before the app starts: database migrations and one-time setup.

Each language finds its own tools (``languages/<lang>/migrations.py``: Django, Alembic, Flask-Migrate,
Prisma, Rails, Laravel, Flyway/Liquibase) and hands what it found to :func:`settle`, which
- drops them when the app already runs them itself as it starts: the start command (or a script it runs,
  or the package script it names) runs a migration command, or the language saw the code do it
  (``db.create_all()`` at import, Spring Boot with Flyway on the classpath);
- prefers the command a Procfile's ``release`` process runs (the author's own one-time step);
- records them on ``profile.migrations`` with their evidence.

compose.yaml runs them as a one-shot service the app waits for; Kubernetes as an initContainer.
Commands are read from parse trees (tree-sitter-bash for command lines and shell scripts).
"""
from __future__ import annotations

import copy
import posixpath
import re
import shlex
from dataclasses import dataclass

from .profile import Migration, Profile
from .scan import SourceTree

_SHELLS = ("sh", "bash", "dash", "ash", "zsh")
_MAX_SCRIPT_DEPTH = 3


def _base(word: str) -> str:
    return posixpath.basename(word)


def migration_tool(words: list[str]) -> str | None:
    """The tool a simple command's words run migrations (or the schema setup) with, or None:
    ``python manage.py migrate``, ``alembic upgrade head``, ``flask db upgrade``, ``prisma migrate deploy``,
    ``bin/rails db:prepare``, ``php artisan migrate --force``, ``flyway migrate``, ``liquibase update``, and
    the common Node tools (knex, sequelize, typeorm, drizzle-kit, node-pg-migrate)."""
    names = [_base(w) for w in words]
    rest = set(words)
    for i, name in enumerate(names):
        after = words[i + 1:]
        if name in ("manage.py", "django-admin") and "migrate" in after:
            return "django"
        if name == "alembic" and "upgrade" in after:
            return "alembic"
        if name == "flask" and "db" in after and "upgrade" in after[after.index("db"):]:
            return "flask-migrate"
        if name == "prisma" and (_pair(after, "migrate", "deploy") or _pair(after, "db", "push")):
            return "prisma"
        if name in ("rails", "rake") and rest & {"db:migrate", "db:prepare", "db:setup", "db:schema:load"}:
            return "rails"
        if name == "artisan" and any(w == "migrate" or w.startswith("migrate:") for w in after):
            return "laravel"
        if name == "flyway" and "migrate" in after:
            return "flyway"
        if name == "liquibase" and "update" in after:
            return "liquibase"
        if name in ("knex", "knex.js") and "migrate:latest" in after:
            return "knex"
        if name in ("sequelize", "sequelize-cli") and "db:migrate" in after:
            return "sequelize"
        if name in ("typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm") and "migration:run" in after:
            return "typeorm"
        if name == "drizzle-kit" and rest & {"migrate", "push"}:
            return "drizzle"
        if name == "node-pg-migrate" and (not after or after[0] == "up"):
            return "node-pg-migrate"
    return None


def _pair(words: list[str], first: str, second: str) -> bool:
    return any(a == first and b == second for a, b in zip(words, words[1:]))


@dataclass
class Seen:
    """A migration command found in what runs at start: the tool, the command's text and where."""

    tool: str
    text: str
    file: str | None
    line: int | None

    def where(self) -> str:
        if not self.file:
            return "the start command"
        return f"{self.file}:{self.line}" if self.line else self.file


def scan_command_line(tree: SourceTree | None, text: str, file: str | None = None, line: int | None = None,
                      depth: int = 0) -> Seen | None:
    """The first migration command that a command line or shell script runs, following the scripts of the
    tree it runs (``sh prestart.sh``, ``./scripts/start.sh``, ``bin/docker-entrypoint``) a few levels down."""
    from .languages.shell.script import read_script

    try:
        script = read_script(text)
    except (RecursionError, ValueError):
        return None
    for words, number in script.words:
        tool = migration_tool(words)
        if tool:
            return Seen(tool, " ".join(words)[:200], file, line if line is not None else (number if file else None))
        if tree is None or depth >= _MAX_SCRIPT_DEPTH:
            continue
        target = _script_of(tree, words, file)
        if target:
            found = scan_command_line(tree, tree.read(target) or "", target, None, depth + 1)
            if found:
                return found
    return None


def _script_of(tree: SourceTree, words: list[str], beside: str | None) -> str | None:
    """The file of the tree a command runs as a script (``sh x.sh``, ``./x.sh``, ``bash -e scripts/x``)."""
    if not words:
        return None
    candidates = [words[0]]
    if _base(words[0]) in _SHELLS:
        candidates = [w for w in words[1:] if not w.startswith("-")][:1]
    for word in candidates:
        rel = posixpath.normpath(word.removeprefix("/app/")).lstrip("/")
        if rel.startswith("..") or rel == ".":
            continue
        for path in (rel, posixpath.join(posixpath.dirname(beside), rel) if beside else None):
            if path and tree.exists(path) and (path.endswith(".sh") or "." not in posixpath.basename(path)):
                return path
    return None


def start_lines(profile: Profile) -> list[tuple[str, str | None, int | None]]:
    """The start command as a command line, with where it was read (a Procfile's line, say) when it was."""
    if not profile.entrypoint:
        return []
    notes = [n for n in profile.evidence.get("entrypoint", []) if n.file]
    best = max(notes, key=lambda n: n.confidence) if notes else None
    return [(shlex.join(profile.entrypoint), best.file if best else None, best.line if best else None)]


def release_process(tree: SourceTree) -> tuple[list[str], str, int] | None:
    """A Procfile's ``release`` process (run once per deploy before the new release starts) as an argv, its
    file and line. A Procfile is configuration: ``name: command`` lines."""
    procfile = tree.first("Procfile")
    if not procfile:
        return None
    for number, text in enumerate(tree.lines(procfile), 1):
        kind, sep, command = text.partition(":")
        if sep and kind.strip() == "release" and command.strip():
            from .languages.shell.script import command_line

            words, literal = command_line(command.strip())
            return (words if words and literal else ["sh", "-c", command.strip()]), procfile, number
    return None


# scripts that, by convention, hold the one-time setup run before the app starts (the prestart.sh of the
# uvicorn/gunicorn images and the FastAPI template, Heroku-style release scripts)
SETUP_SCRIPTS = ("prestart.sh", "scripts/prestart.sh", "app/prestart.sh", "scripts/pre-start.sh", "bin/prestart",
                 "release.sh", "scripts/release.sh", "bin/release", "scripts/migrate.sh", "bin/migrate")


def _setup_script(tree: SourceTree, found: list[Migration]) -> list[Migration]:
    """The project's own setup script, when it runs the migrations found (with whatever else it does: waiting
    for the database, loading initial data), in their place; else ``found``."""
    tools = {m.tool for m in found}
    for path in SETUP_SCRIPTS:
        text = tree.read(path) if tree.exists(path) else None
        seen = scan_command_line(tree, text, path) if text else None
        if seen and (seen.tool in tools or {seen.tool, *tools} <= {"alembic", "flask-migrate"}):
            shell = "bash" if "bash" in text.split("\n", 1)[0] else "sh"
            return [Migration(seen.tool, [shell, path], path, seen.line,
                              f"{path} runs `{seen.text}` with the rest of the app's one-time setup", 0.9)]
    return found


def settle(tree: SourceTree, profile: Profile, found: list[Migration],
           itself: tuple[str, str | None, int | None] | None = None,
           lines: list[tuple[str, str | None, int | None]] | None = None) -> None:
    """Record the migrations ``found`` on the profile, unless the app runs them itself.

    ``itself``: the language saw the code run them (why, file, line). ``lines``: command lines that run at
    start besides the start command (a package.json script it names), with where each is written."""
    release = release_process(tree)
    if not found and not itself and release is None:
        return
    if itself:
        why, file, line = itself
        profile.note("migrations", f"the app runs them itself as it starts: {why}; no separate step", file, line,
                     0.9)
        return
    for text, file, line in start_lines(profile) + list(lines or []):
        seen = scan_command_line(tree, text, file, line)
        if seen:
            what = ", ".join(dict.fromkeys(m.tool for m in found)) or seen.tool
            profile.note("migrations", f"the app runs its {what} migrations itself as it starts "
                         f"(`{seen.text}`, {seen.where()}): no separate step", seen.file, seen.line, 0.9)
            return
    seen = None
    if release:
        argv, file, line = release
        seen = scan_command_line(tree, shlex.join(argv) if argv[:2] != ["sh", "-c"] else argv[2], file, line)
        if seen:  # the author's own one-time step, with whatever else it does
            found = [Migration(seen.tool, argv, file, line, "the Procfile's release process runs it before each "
                               "deploy", 1.0)]
    if not seen and found and getattr(profile.build, "shell", True):
        found = _setup_script(tree, found)
    for migration in found:
        profile.migrations.append(migration)
        profile.note("migrations", f"{migration.why}: `{shlex.join(migration.command)}` runs once before the "
                     f"app starts", migration.file, migration.line, migration.confidence)


# -- compose and Kubernetes --------------------------------------------------------------------
MIGRATE_SERVICE = "migrate"
# what the one-shot service takes from the app's: the same image, settings, secrets, volumes and hardening
SHARED_KEYS = ("build", "image", "environment", "secrets", "entrypoint", "volumes", "read_only", "tmpfs",
                "cap_drop", "security_opt", "init", "deploy")


def _clean(argv: list[str]) -> list[str]:
    """A command as generated files carry it: control characters (a newline in a given answer) as spaces."""
    return ["".join(" " if ord(c) < 32 or c == "\x7f" else c for c in a) for a in argv]


def command_of(profile: Profile) -> list[str]:
    """The argv the one-shot step runs: the one migration, or several in order through the shell."""
    commands = [_clean(m.command) for m in profile.migrations if m.command]
    if len(commands) == 1:
        return commands[0]
    return ["/bin/sh", "-c", " && ".join(shlex.join(c) for c in commands)] if commands else []


def compose_service(profile: Profile, app: dict) -> dict | None:
    """The one-shot service that runs the migrations with the app's own image and settings, once the
    backing services are healthy (None when there is nothing to run). The app then waits for it.
    Flyway/Liquibase migrations that nothing in the app runs: the tool's official image (:func:`official_service`)."""
    official = official_service(profile)
    if official is not None:
        return official
    argv = command_of(profile)
    if not argv:
        return None
    svc = {key: copy.deepcopy(value) for key, value in app.items() if key in SHARED_KEYS}
    svc["command"] = [a.replace("$", "$$") for a in argv]
    svc["healthcheck"] = {"disable": True}  # the image's check probes a server this container never starts
    if app.get("depends_on"):
        svc["depends_on"] = copy.deepcopy(app["depends_on"])
    svc["restart"] = "no"
    return svc


# -- a migration tool's own image ---------------------------------------------------------------------
# Java migrations nothing in the app runs (no flyway-core/liquibase-core, no call): the tool's official image runs
# them from the project's folder, mounted read-only. tool -> (the argv the profile records, where the folder is
# mounted, the variable the tool reads the password from: neither reads a ``*_FILE`` variable)
FLYWAY, LIQUIBASE = "flyway", "liquibase"
OFFICIAL = {FLYWAY: (["flyway", "migrate"], "/flyway/sql", "FLYWAY_PASSWORD"),
            LIQUIBASE: (["liquibase", "update"], "/liquibase/changelog", "LIQUIBASE_COMMAND_PASSWORD")}
JDBC = {"postgres": "postgresql", "mysql": "mariadb"}  # compose's mysql service runs MariaDB
_SAFE_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")


def safe_path(rel: str) -> bool:
    """A project path that can go in compose.yaml as it is (no interpolation, no ``..``, no colon)."""
    return bool(_SAFE_PATH.fullmatch(rel)) and ".." not in rel.split("/")


def tool_image(tool: str) -> str:
    from .image_tags import FAMILIES
    from .images import IMAGES

    return IMAGES[tool].replace(f"${{{tool.upper()}_VERSION}}", FAMILIES[tool].default or "")


@dataclass
class OfficialStep:
    """A migration run by its tool's own image: the folder mounted (Flyway's SQL folder; the resources folder
    Liquibase's changelog paths start from), the changelog inside it, and the database service."""

    tool: str
    folder: str
    changelog: str | None
    kind: str


def official_step(profile: Profile) -> OfficialStep | None:
    """The migration its tool's official image runs, or None when the migrations are run otherwise."""
    for m in profile.migrations:
        spec = OFFICIAL.get(m.tool)
        if not spec or m.command != spec[0] or not m.file or not safe_path(m.file):
            continue
        kind = next((s.kind for s in profile.services if s.kind in JDBC), None)
        if kind is None:
            continue
        if m.tool == FLYWAY:  # db/migration and its subfolders (Flyway reads them all); else the file's folder
            root, sep, _ = m.file.partition("/db/migration/")
            return OfficialStep(m.tool, root + "/db/migration" if sep else posixpath.dirname(m.file), None, kind)
        root, sep, _ = m.file.partition("db/changelog/")
        if sep:
            return OfficialStep(m.tool, root.rstrip("/") or ".", m.file[len(root):], kind)
    return None


def official_service(profile: Profile) -> dict | None:
    """The one-shot service that runs the tool's official image on the project's folder (mounted read-only)
    against the database service compose runs, with that service's user, database and password file (read into
    the variable the tool reads by a /bin/sh entrypoint, the way the app's entrypoint reads secrets)."""
    from .services import CATALOG, IMAGE_SETTINGS, wire

    step = official_step(profile)
    if step is None:
        return None
    argv, mount, password_env = OFFICIAL[step.tool]
    w = wire(profile, step.kind)
    settings = IMAGE_SETTINGS.get(step.kind, {})
    user = w.environment.get(settings.get("user", ""), "root" if step.kind == "mysql" else "app")
    database = w.environment.get(settings.get("database", ""), user)
    url = f"jdbc:{JDBC[step.kind]}://{w.name}:{CATALOG[step.kind].port}/{database}"
    svc: dict = {"image": tool_image(step.tool)}
    if w.password_secret:
        svc["entrypoint"] = ["/bin/sh", "-c", f'{password_env}="$$(cat /run/secrets/{w.password_secret})"; '
                             f'export {password_env}; exec {argv[0]} "$$@"', argv[0]]
        svc["secrets"] = [w.password_secret]
    if step.tool == FLYWAY:
        svc["command"] = [f"-url={url}", f"-user={user}", f"-locations=filesystem:{mount}", "-connectRetries=10",
                          "migrate"]
    else:
        svc["command"] = [f"--url={url}", f"--username={user}", f"--search-path={mount}",
                          f"--changelog-file={step.changelog}", "update"]
    svc["volumes"] = [f"./{step.folder}:{mount}:ro" if step.folder != "." else f".:{mount}:ro"]
    svc["cap_drop"] = ["ALL"]
    svc["security_opt"] = ["no-new-privileges:true"]
    svc["depends_on"] = {w.name: {"condition": "service_healthy"}}
    svc["restart"] = "no"
    return svc


def describe(profile: Profile) -> str:
    """What the one-shot step runs, for a README (empty when there is none)."""
    step = official_step(profile)
    if step:
        return (f"`{' '.join(OFFICIAL[step.tool][0])}` with the official image `{tool_image(step.tool)}` on "
                f"`{step.folder}/` (mounted read-only) against `{step.kind}`, with its user and password file")
    argv = command_of(profile)
    if not argv:
        return ""
    what = shlex.join(argv).replace("`", "'")
    return f"`{what}` with the app's image, settings and secrets"


_INIT_KEYS = ("image", "imagePullPolicy", "command", "env", "envFrom", "volumeMounts", "resources",
              "securityContext")


def k8s_init_container(profile: Profile, container: dict) -> dict | None:
    """The initContainer that runs the migrations before the app's container starts, in the same pod: the
    app's image, settings, secrets, mounts, limits and security context; no ports, no probes. The pod's
    init container is retried until it succeeds (say, once the database answers)."""
    argv = command_of(profile)
    if not argv or official_step(profile):  # the tool is not in the app's image: not from the app's container
        return None
    init = {"name": MIGRATE_SERVICE}
    init.update({key: copy.deepcopy(container[key]) for key in _INIT_KEYS if key in container})
    init["args"] = [a.replace("$", "$$") for a in argv]  # Kubernetes expands $(VAR) in args: $$ keeps a $
    return init


class _Files:
    """The few reads the start-command check needs, from the project folder, after the analysis (its files are
    read the way SourceTree reads them: capped, never through a link out of the folder)."""

    def __init__(self, root: str):
        self.root = root

    def exists(self, rel: str) -> bool:
        import os

        path = os.path.join(self.root, rel)
        return os.path.isfile(path) and self.read(rel) is not None

    def read(self, rel: str) -> str | None:
        import os

        from .scan import MAX_READ, read_capped

        return read_capped(self.root, os.path.join(self.root, rel), MAX_READ, max_line=None)


def after_answers(profile: Profile) -> None:
    """A start command that was given (not detected) and runs the detected migrations itself: no separate step."""
    from .answer_keys import DETECTED

    if not profile.migrations or not profile.entrypoint or profile.origin("entrypoint") == DETECTED \
            or profile.origin("migrations") != DETECTED:
        return
    files = _Files(profile.root)
    seen = scan_command_line(files, shlex.join(profile.entrypoint))  # type: ignore[arg-type]
    if not seen and posixpath.basename(profile.entrypoint[0]) in ("npm", "pnpm", "yarn", "bun"):
        seen = _package_scripts(files, profile.entrypoint)
    if seen:
        what = ", ".join(dict.fromkeys(m.tool for m in profile.migrations))
        profile.migrations = []
        profile.note("migrations", f"the start command runs its {what} migrations itself "
                     f"(`{seen.text}`, {seen.where()}): no separate step", seen.file, seen.line, 0.9)


def _package_scripts(files: _Files, argv: list[str]) -> Seen | None:
    """A migration in the package.json scripts a given ``npm start`` runs."""
    import json
    from types import SimpleNamespace

    from .languages.node.migrations import start_scripts

    try:
        data = json.loads(files.read("package.json") or "{}")
    except ValueError:
        return None
    scripts = data.get("scripts") if isinstance(data, dict) else None
    pkg = SimpleNamespace(scripts=scripts if isinstance(scripts, dict) else {}, line_of={})
    for text, file, line in start_scripts(pkg, argv):
        seen = scan_command_line(files, text, file, line)  # type: ignore[arg-type]
        if seen:
            return seen
    return None
