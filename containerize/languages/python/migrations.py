"""Python's one-time steps before the app starts: Django's ``migrate``, Alembic's ``upgrade head``,
Flask-Migrate's ``flask db upgrade``; and whether the code does it itself as it starts (``db.create_all()``,
``call_command("migrate")``, ``alembic.command.upgrade`` run at import or from a startup hook).

Settings and code are read from ``ast`` parse trees; ``alembic.ini`` with configparser."""
from __future__ import annotations

import ast
import posixpath
import re
import shlex

from ... import migrations as shared
from ...profile import Migration, Profile
from ...scan import SourceTree
from . import values

# calls that create or migrate the schema, by the name they are called as (its last part)
_SCHEMA_CALLS = {"create_all": "creates its tables with {call}()", "call_command": "runs {call}('migrate')",
                 "upgrade": "runs Alembic's {call}()"}
# decorators and hooks that run a function as the app starts
_STARTUP_DECORATORS = ("on_event", "before_first_request", "before_serving", "on_startup", "startup")
# Django's own apps that keep tables (created by their migrations)
_CONTRIB_WITH_MODELS = {f"django.contrib.{a}" for a in ("admin", "auth", "contenttypes", "sessions", "sites",
                                                       "flatpages", "redirects")}
_APPS_NAMES = ("INSTALLED_APPS", "LOCAL_APPS", "PROJECT_APPS", "DJANGO_APPS", "THIRD_PARTY_APPS", "CUSTOM_APPS")


def detect(tree: SourceTree, files: list[str], profile: Profile, deps: set[str],
           scripts: dict[str, str] | None = None) -> None:
    found = django(tree, files, deps) + alembic(tree, deps, profile)
    if not found:
        found = schema_command(tree, files, profile, scripts or {})
    itself = runs_itself(tree, files) if found else None
    shared.settle(tree, profile, found, itself)
    for migration in profile.migrations:
        if migration.tool == "alembic" and "alembic" not in deps and migration.command[:1] == ["alembic"]:
            profile.warnings.append("alembic is not a declared dependency: `alembic upgrade head` needs it in the "
                                    "image (add it to the requirements)")


# -- Django ---------------------------------------------------------------------------------------
def django(tree: SourceTree, files: list[str], deps: set[str]) -> list[Migration]:
    manage = tree.first("manage.py") or next((f for f in tree.glob("*/manage.py")), None)
    if not manage or "django" not in deps:
        return []
    base = posixpath.dirname(manage)
    command = ["python", manage, "migrate", "--noinput"]
    contrib = None
    for rel in files:
        if not (rel.endswith("settings.py") or "/settings/" in rel):
            continue
        mod = values.module(tree, rel)
        if mod.tree is None:
            continue
        for name, line, app in _installed_apps(mod.tree):
            folder = _migrations_of(tree, base, app)
            if folder:
                count = len(_migration_files(tree, folder))
                return [Migration("django", command, rel, line,
                                  f"{name} lists {app!r}, whose {folder}/ holds {count} migration(s)", 0.9)]
            if contrib is None and app in _CONTRIB_WITH_MODELS:
                contrib = Migration("django", command, rel, line,
                                    f"{name} lists {app!r}, whose tables come from its migrations", 0.7)
    if contrib:
        return [contrib]
    # settings that could not be read: migrations packages beside manage.py
    for init in tree.glob(f"{base + '/' if base else ''}*/migrations/__init__.py"):
        folder = posixpath.dirname(init)
        if _migration_files(tree, folder):
            return [Migration("django", command, init, None,
                              f"manage.py and a migrations package ({folder}/); INSTALLED_APPS was not read", 0.6)]
    return []


def _installed_apps(module: ast.Module):
    """(assigned name, line, app) of every string in a list or tuple assigned to INSTALLED_APPS (or the
    *_APPS lists it is commonly built from), in order."""
    for node in ast.walk(module):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name) and (t.id in _APPS_NAMES or t.id.endswith("_APPS"))]
        if not names or node.value is None:
            continue
        for item in ast.walk(node.value):
            if isinstance(item, ast.Constant) and isinstance(item.value, str) and len(item.value) < 200:
                yield names[0], item.lineno, item.value


def _migrations_of(tree: SourceTree, base: str, app: str) -> str | None:
    """The migrations package of an installed app (``polls``, ``polls.apps.PollsConfig``,
    ``project.blog``) in the tree, or None (Django's own apps and third-party ones are not in it)."""
    parts = [p for p in app.split(".") if p.isidentifier()]
    if len(parts) != len(app.split(".")):
        return None
    for size in range(len(parts), 0, -1):
        folder = posixpath.join(base, *parts[:size], "migrations")
        if tree.exists(folder + "/__init__.py") and _migration_files(tree, folder):
            return folder
    return None


def _migration_files(tree: SourceTree, folder: str) -> list[str]:
    return [f for f in tree.children(folder) if f.endswith(".py") and not f.endswith("/__init__.py")]


# -- Alembic and Flask-Migrate -----------------------------------------------------------------
def alembic(tree: SourceTree, deps: set[str], profile: Profile) -> list[Migration]:
    for ini in sorted(tree.glob("alembic.ini") + tree.glob("*/alembic.ini"), key=lambda f: (f.count("/"), f)):
        location = _script_location(tree, ini)
        if location is None:
            continue
        if ini == "alembic.ini":
            command = ["alembic", "upgrade", "head"]
        elif posixpath.dirname(ini) == location and "flask-migrate" in deps:
            continue  # Flask-Migrate's own migrations/alembic.ini: below
        else:
            command = ["alembic", "-c", ini, "upgrade", "head"]
        versions = [f for f in tree.children(location + "/versions") if f.endswith(".py")]
        line = next((n for n, text in enumerate(tree.lines(ini), 1) if text.strip().startswith("script_location")),
                    None)
        fixed_url_warning(tree, ini, location, profile)
        return [Migration("alembic", command, ini, line,
                          f"{ini} and {location}/env.py with {len(versions)} revision(s)", 0.9 if versions else 0.7)]
    if "flask-migrate" in deps and tree.exists("migrations/env.py"):
        versions = [f for f in tree.children("migrations/versions") if f.endswith(".py")]
        command = ["flask", "db", "upgrade"]
        app = _flask_app(profile)
        if app:
            command = ["flask", "--app", app, "db", "upgrade"]
        return [Migration("flask-migrate", command, "migrations/env.py", None,
                          f"Flask-Migrate and migrations/env.py with {len(versions)} revision(s)",
                          0.9 if versions else 0.7)]
    return []


# -- a command of the app's own that makes the schema (the Flask tutorial's `flask init-db`) -------------
_INIT_WORDS = {"init", "initdb", "create", "setup", "make"}
_SCHEMA_WORDS = {"db", "database", "schema", "tables", "initdb", "createdb"}
_SAFE_WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,100}")


def _makes_schema(name: str) -> bool:
    words = {w for w in re.split(r"[-_]", name.lower()) if w}
    return bool(words & _INIT_WORDS or words & {"initdb", "createdb"}) and bool(words & _SCHEMA_WORDS)


def _click_name(function: str) -> str:
    """The name Click (8.2 and later) gives a command from its function: ``init_db_command`` -> ``init-db``."""
    for suffix in ("_command", "_cmd", "_group", "_grp"):
        if function.endswith(suffix) and function != suffix.lstrip("_"):
            function = function[: -len(suffix)]
            break
    return function.lower().replace("_", "-")


def _cli_commands(tree: SourceTree, files: list[str]) -> list[tuple[str, str, int]]:
    """(command name, file, line) of the Flask/Quart CLI commands that make the schema: a function
    decorated ``@app.cli.command("init-db")``, or ``@click.command("init-db")`` and registered with
    ``app.cli.add_command(function)``."""
    added: set[str] = set()
    candidates: list[tuple[str, str, str, int, bool]] = []
    for rel in files:
        mod = values.module(tree, rel)
        if mod.tree is None or not (mod.aliases_root() & {"flask", "quart", "click"}):
            continue
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "add_command" and isinstance(node.func.value, ast.Attribute) and \
                    node.func.value.attr == "cli" and node.args and isinstance(node.args[0], ast.Name):
                added.add(node.args[0].id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for dec in node.decorator_list:
                    if not (isinstance(dec, ast.Call) and _decorator_name(dec) == "command"):
                        continue
                    first = dec.args[0] if dec.args else None
                    name = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                        else _click_name(node.name)
                    on_cli = isinstance(dec.func, ast.Attribute) and isinstance(dec.func.value, ast.Attribute) \
                        and dec.func.value.attr == "cli"
                    candidates.append((name, node.name, rel, dec.lineno, on_cli))
    return [(name, rel, line) for name, function, rel, line, on_cli in candidates
            if (on_cli or function in added) and _makes_schema(name) and _SAFE_WORD.fullmatch(name)]


def schema_command(tree: SourceTree, files: list[str], profile: Profile,
                   scripts: dict[str, str]) -> list[Migration]:
    """A command of the app's own that makes the database schema (``flask --app flaskr init-db``, a console
    script ``init_db``). Such a command often drops the tables first, so it runs only while the SQLite file
    it makes is missing: once, before the first start. With no single SQLite file known, a warning says how
    to run it."""
    command, where, line = None, None, None
    found = _cli_commands(tree, files)
    if found:
        name, where, line = found[0]
        cli = "quart" if "quart" in profile.dependencies and "flask" not in profile.dependencies else "flask"
        app = _flask_app(profile) or _asgi_app(profile)
        command = [cli, "--app", app, name] if app and _SAFE_WORD.fullmatch(app.replace("()", "")) else None
    else:
        name = next((n for n in scripts if _makes_schema(n) and _SAFE_WORD.fullmatch(n)), None)
        if name:
            command, where = [name], "pyproject.toml"
            line = next((n for n, text in enumerate(tree.lines("pyproject.toml"), 1)
                         if text.strip().startswith((name, f'"{name}"'))), None)
    if not command:
        return []
    from .plan import WORKDIR
    from .source import sqlite_files

    databases = sqlite_files(tree, files, WORKDIR)
    text = shlex.join(command)
    if len(databases) != 1:
        profile.warnings.append(f"{where}:{line}: `{text}` makes the database schema and is not run (it may "
                                f"clear the data): run it once, `docker compose run --rm app {text}`")
        return []
    path, rel, path_line = databases[0]
    folder = _source_folder(profile)
    run = f"env PYTHONPATH={shlex.quote(folder)} {text}" if folder and command == [name] else text
    return [Migration("schema", ["sh", "-c", f"[ -e {shlex.quote(path)} ] || exec {run}"], where, line,
                      f"`{text}` makes the schema of {path} ({rel}:{path_line}); it runs while that file is "
                      "missing (it may clear the data)", 0.8)]


def _source_folder(profile: Profile) -> str | None:
    """The folder the server imports the app's package from, when the start command names one (uvicorn's
    ``--app-dir src``, gunicorn's ``--chdir src``, hypercorn's ``src/blog:app``): a console script run beside
    it imports the same copy with that folder on PYTHONPATH (before the installed one)."""
    from .plan import WORKDIR

    argv = profile.entrypoint or []
    folder = None
    for flag in ("--app-dir", "--chdir"):
        if flag in argv[:-1]:
            folder = argv[argv.index(flag) + 1]
    if argv[:1] == ["hypercorn"] and len(argv) > 1 and "/" in argv[1].split(":", 1)[0]:
        folder = argv[1].split(":", 1)[0].rsplit("/", 1)[0]
    if not folder or not _SAFE_WORD.fullmatch(folder.replace("/", "_")) or ".." in folder.split("/"):
        return None
    return posixpath.join(WORKDIR, folder)


def _asgi_app(profile: Profile) -> str | None:
    """``module:app`` of a uvicorn or hypercorn start command whose module is imported from the app's folder."""
    argv = profile.entrypoint or []
    if argv[:1] in (["uvicorn"], ["hypercorn"]) and len(argv) > 1 and ":" in argv[1] and "/" not in argv[1] \
            and "--app-dir" not in argv:
        return argv[1]
    return None


_SCHEMES = {"postgres": ("postgresql", "postgres"), "mysql": ("mysql", "mariadb")}
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}")
# what in env.py replaces or bypasses the ini's sqlalchemy.url: its own engine, an env read, the option set
_URL_OVERRIDES = {"set_main_option", "set_section_option", "create_engine", "create_async_engine", "getenv",
                  "environ", "engine_from_url"}


def fixed_url_warning(tree: SourceTree, ini: str, location: str, profile: Profile) -> None:
    """alembic.ini's sqlalchemy.url fixed to a database host compose doesn't have (the author's own compose
    service, ``db``, or localhost), with an env.py that uses it as it is: the migrate step can't connect."""
    import configparser
    from urllib.parse import urlsplit

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(tree.read(ini) or "")
        url = parser.get("alembic", "sqlalchemy.url", fallback="").strip()
        host = urlsplit(url).hostname or ""
    except (configparser.Error, ValueError):
        return
    kind = next((s.kind for s in profile.services
                 if url.split("+", 1)[0].split(":", 1)[0] in _SCHEMES.get(s.kind, ())), None)
    if not kind or not _HOST.fullmatch(host) or host == kind:
        return
    env = values.module(tree, f"{location}/env.py")
    if env.tree is None:
        return
    for node in ast.walk(env.tree):
        name = node.attr if node.__class__ is ast.Attribute else node.id if node.__class__ is ast.Name else None
        if name in _URL_OVERRIDES:
            return
        if node.__class__ is ast.Subscript and node.ctx.__class__ is ast.Store:
            return  # configuration["sqlalchemy.url"] = ...
    line = next((n for n, text in enumerate(tree.lines(ini), 1) if text.strip().startswith("sqlalchemy.url")), None)
    url_env = next((c.url_env for c in profile.connections if c.kind == kind and c.url_env), None) or \
        next((s.env_var for s in profile.services if s.kind == kind and s.env_var), None)
    if url_env and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", url_env):
        url_env = None
    fix = (f"set it from {url_env} in {location}/env.py: config.set_main_option(\"sqlalchemy.url\", "
           f"os.environ[\"{url_env}\"])") if url_env else f"set it from an env var in {location}/env.py"
    profile.warnings.append(f"{ini}:{line}: sqlalchemy.url names the host {host}, and {location}/env.py uses it as "
                            f"it is: the migrate step can't reach the compose service {kind}; {fix}")


def _script_location(tree: SourceTree, ini: str) -> str | None:
    """The folder an alembic.ini's script_location names (relative to the root), when it holds env.py."""
    import configparser  # only for the projects that have an alembic.ini

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(tree.read(ini) or "")
        location = parser.get("alembic", "script_location", fallback="").strip()
    except (configparser.Error, ValueError):
        return None
    here = posixpath.dirname(ini)
    if location.startswith("%(here)s"):
        location = posixpath.join(here, location[len("%(here)s"):].lstrip("/"))
    elif ":" in location:  # a package resource: package:folder
        package, _, folder = location.partition(":")
        location = posixpath.join(*package.split("."), folder)
    location = posixpath.normpath(location) if location else ""
    if not location or location.startswith(("..", "/")):
        return None
    for candidate in dict.fromkeys([location, posixpath.join(here, location) if here else location]):
        if tree.exists(candidate + "/env.py"):
            return candidate
    return None


def _flask_app(profile: Profile) -> str | None:
    """The app ``flask --app`` finds, from the start command (gunicorn's ``module:app``, ``flask --app X``)."""
    argv = profile.entrypoint
    if not argv:
        return None
    if "--app" in argv[:-1]:
        return argv[argv.index("--app") + 1]
    if argv[0] in ("gunicorn", "waitress-serve", "uwsgi"):
        targets = [a for a in argv[1:] if ":" in a and not a.startswith("-") and not a[0].isdigit()]
        if targets:
            return targets[-1]
    return None


# -- the code does it itself ------------------------------------------------------------------
def runs_itself(tree: SourceTree, files: list[str]) -> tuple[str, str, int] | None:
    """A call that creates or migrates the schema and runs when the app starts: at the top level of a module
    (``with app.app_context(): db.create_all()``), in a function called there (``app = create_app()``, the
    factory imported from another module), or in a startup hook. Each module's top level and each function
    body is walked once: what a body calls is kept and reused by every caller."""
    bodies: dict[int, list] = {}
    for rel in files:
        mod = values.module(tree, rel)
        if mod.tree is None:
            continue
        try:
            found = _at_start(tree, mod, bodies)
        except RecursionError:
            continue
        if found:
            call, where, line, kind = found
            return _SCHEMA_CALLS[kind].format(call=call), where, line
    return None


def _schema_call(mod, node: ast.AST) -> tuple[str, str, int, str] | None:
    if not isinstance(node, ast.Call):
        return None
    name = mod.dotted(node.func) or (node.func.attr if isinstance(node.func, ast.Attribute) else "")
    last = name.rsplit(".", 1)[-1]
    if last == "create_all" and isinstance(node.func, ast.Attribute):
        return name, mod.rel, node.lineno, "create_all"
    if last == "call_command" and node.args and isinstance(node.args[0], ast.Constant) \
            and node.args[0].value == "migrate":
        return name, mod.rel, node.lineno, "call_command"
    if name in ("alembic.command.upgrade", "flask_migrate.upgrade"):
        return name, mod.rel, node.lineno, "upgrade"
    return None


def _callee(tree: SourceTree, mod, node: ast.Call):
    """The module and function definition a call of a plain name runs: the module's own, or one imported
    from a module of the tree (``from web import create_app``)."""
    if not isinstance(node.func, ast.Name):
        return None
    name = node.func.id
    if name in mod.functions:
        return mod, mod.functions[name]
    target = mod.imports.get(name)
    if target and target[1]:
        other = values.module(tree, target[0])
        if other.tree is not None and target[1] in other.functions:
            return other, other.functions[target[1]]
    return None


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _body_calls(tree: SourceTree, mod, nodes: list[ast.AST]) -> list:
    """The calls among ``nodes`` that matter, in source order (skipping nested definitions): a call of the
    tree's own functions as (None, (module, function)), up to the first schema call as (found, None)."""
    events: list = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        if node.__class__ is ast.Call:
            found = _schema_call(mod, node)
            if found:
                events.append((found, None))
                break
            callee = _callee(tree, mod, node)
            if callee:
                events.append((None, callee))
        stack.extend(values.children_reversed(node))
    return events


def _calls_in(tree: SourceTree, mod, nodes: list[ast.AST], seen: set, bodies: dict[int, list], key: ast.AST):
    """The first schema call among ``nodes`` (the body of ``key``), following calls of the tree's own
    functions; each body's calls are found once (kept in ``bodies``)."""
    events = bodies.get(id(key))
    if events is None:
        events = bodies[id(key)] = _body_calls(tree, mod, nodes)
    for found, callee in events:
        if found:
            return found
        if (callee[0].rel, callee[1].name) not in seen and len(seen) < 50:
            seen.add((callee[0].rel, callee[1].name))
            inner = _calls_in(tree, callee[0], callee[1].body, seen, bodies, callee[1])
            if inner:
                return inner
    return None


def _main_guard(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"


def _at_start(tree: SourceTree, mod, bodies: dict[int, list]) -> tuple[str, str, int, str] | None:
    top = [n for n in mod.tree.body if not _main_guard(n)]
    found = _calls_in(tree, mod, top, set(), bodies, mod.tree)
    if found:
        return found
    for func in mod.scopes:  # every function of the module, from the one pass that indexed it
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        hooked = any(_decorator_name(d) in _STARTUP_DECORATORS for d in func.decorator_list) \
            or func.name == "lifespan" or func.name == "ready" and _in_app_config(mod, func)
        if hooked:
            found = _calls_in(tree, mod, func.body, {(mod.rel, func.name)}, bodies, func)
            if found:
                return found
    return None


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _in_app_config(mod, func: ast.AST) -> bool:
    """``ready()`` of a Django AppConfig: run as Django starts."""
    for cls in mod.classes.values():
        if func in cls.body and any(_decorator_name(b) == "AppConfig" for b in cls.bases):
            return True
    return False
