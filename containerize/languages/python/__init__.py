"""Python: pip / uv / Poetry / Pipenv / PDM projects, Django, Flask, FastAPI, scripts."""
from __future__ import annotations

import re
import shlex
from dataclasses import replace

from ...profile import Profile, Worker
from ...scan import SourceTree
from ..base import Analyzer, Detection
from ...envvars import read_dotenv_example
from ...services import (add_services_from_connections, add_services_from_dependencies, link_service_env,
                         warn_fixed_localhost)
from ...start import chosen_warning
from ...workers import add_procfile_workers
from . import connections, entry, imports, manifests, migrations, native, source, starter
from .gather import gather_facts
from .plan import STATE_DIR, WORKDIR, PythonPlan

GUESS = 0.7  # a start command less sure than this is named in a warning
# packages a framework call needs beyond its own package, as installed when the project doesn't declare them
NEEDED_SPECS = {"fastlite": "fastlite>=0.1,<1"}
MANIFESTS = ("pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "setup.cfg", "poetry.lock", "uv.lock",
             "pdm.lock", "manage.py")


def python_files(tree: SourceTree) -> list[str]:
    return [f for f in tree.with_suffix(".py")
            if not f.startswith(("tests/", "test/", "docs/", "migrations/", "alembic/")) and "/tests/" not in f
            and "/migrations/" not in f and "/alembic/" not in f]


def detect(tree: SourceTree) -> Detection | None:
    found = [m for m in MANIFESTS if tree.exists(m)] + tree.glob("requirements*.txt")
    py = tree.with_suffix(".py")
    if not found and not py:
        return None
    det = Detection("python", 0)
    if found:
        det.score = 90
        det.evidence = [_ev(f"{m} is a Python manifest", m) for m in dict.fromkeys(found)]
    else:
        det.score = 40 + min(len(py), 20)
        det.evidence = [_ev(f"{len(py)} Python source file(s), no manifest", py[0])]
    return det


def _ev(why: str, file: str):
    from ...profile import Evidence

    return Evidence(why, file, None, 0.9)


def analyze(tree: SourceTree, profile: Profile) -> None:
    files = python_files(tree)
    gather_facts(tree, files)  # every file's facts, read once for the steps below
    found = manifests.read_manifests(tree, profile)
    profile.package_manager = found.package_manager
    profile.runtime_version = manifests.python_version(tree, profile, found.pyproject)

    deps = list(found.deps)
    if found.install == "imports":
        found_imports = imports.imported_packages_with_origin(tree, files)
        deps = [(manifests.normalize(dist), rel, line) for dist, rel, line, _t in found_imports]
        found.requirements = ["requirements.txt"] if deps else []
        if not deps:
            found.install = "none"
            profile.note("dependencies", "the standard library only: nothing to install", confidence=0.9)
        for (name, rel, line), (*_, from_tokens) in zip(deps, found_imports):
            profile.note("dependencies", f"imported as a third-party module ({name})"
                         + (", read from tokens: the file doesn't parse" if from_tokens else ""), rel, line,
                         0.6 if from_tokens else 0.7)
    else:
        for name, rel, line in deps:
            profile.note("dependencies", f"{name} is declared", rel, line, 1.0)
    profile.dependencies = [d[0] for d in deps]
    dep_names = set(profile.dependencies)

    build_pkgs, runtime_pkgs, needing = native.native_packages(profile.dependencies)
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}
    if needing:
        profile.note("system_packages", f"{', '.join(needing)} need(s) {', '.join(build_pkgs + runtime_pkgs)}")
    add_services_from_dependencies(profile, deps)

    source.read_env(tree, files, profile)
    read_dotenv_example(tree, profile)
    source.read_ports(tree, files + [f for f in ("gunicorn.conf.py", "Procfile") if tree.exists(f)], profile)
    beside = source.read_paths(tree, files, profile, WORKDIR, instance_urls=sqlalchemy_instance_urls(found, dep_names))
    if "python-fasthtml" in dep_names and not any(b[0] == ".sesskey" for b in beside):
        # FastHTML writes its session signing key to .sesskey in the working folder on first start
        where = next(((d[1], d[2]) for d in deps if d[0] == "python-fasthtml"), (None, None))
        beside.append((".sesskey", where[0] or "", where[1] or 0, "FastHTML keeps its session key in .sesskey"))
    state_files = place_files_beside_the_code(profile, beside)
    connections.read_connections(tree, files, profile)
    if "django" in dep_names:
        unused, sqlite_at = connections.django_databases(tree, files, profile)
        for service in [s for s in profile.services if s.kind in unused]:
            if not any(c.kind == service.kind for c in profile.connections):  # the settings don't use it
                profile.services.remove(service)
                profile.note("services", f"{service.kind} not added: the Django settings' DATABASES use SQLite "
                             f"(in the app); --set services={service.kind} adds one",
                             sqlite_at[0] if sqlite_at else None, sqlite_at[1] if sqlite_at else None, 0.8)
    add_services_from_connections(profile)
    link_service_env(profile)
    warn_fixed_localhost(profile)

    source_root = written_package_root(profile, state_files, found)
    if source_root:
        # the installed copy of the package would write in site-packages (root_path, Flask's instance_path
        # follow the module): the server imports the copy in the app's folder, where the volume or link is
        starts = entry.find_starts(tree, files, replace(found, installable=False), dep_names)
    else:
        starts = entry.find_starts(tree, files, found, dep_names)
    profile.candidates = [{"entrypoint": s.argv, "why": s.why, "file": s.file, "line": s.line,
                           "confidence": s.confidence} for s in starts]
    extra: tuple[str, ...] = ()
    if starts:
        best = starts[0]
        profile.framework = best.framework or _framework_from_deps(dep_names)
        if best.framework:
            profile.note("framework", best.why, best.file, best.line, best.confidence)
        forgotten = forget_helper_scripts(profile, entry.helper_scripts(tree, files, best.file, entry._roots(found)))
        if best.framework == "streamlit" and not profile.ports:
            chosen = entry.streamlit_config_port(tree)
            if chosen:  # the author's [server] port: `--server.port` on the command line would override it
                profile.add_port(chosen[0], f"{entry.STREAMLIT_CONFIG} sets [server] port", entry.STREAMLIT_CONFIG,
                                 chosen[1], 0.9)
        if best.framework == "streamlit":
            read = entry.streamlit_secrets(tree, files)
            if read and not tree.exists(entry.STREAMLIT_SECRETS):  # git-ignored (as it should be) or missing
                rel, line = read
                target = f"{WORKDIR}/{entry.STREAMLIT_SECRETS}"
                profile.warnings.append(
                    f"{rel}:{line} reads st.secrets: {entry.STREAMLIT_SECRETS} is git-ignored or missing, so it is "
                    f"not in the image; give it to the container read-only at {target} (docker run -v "
                    f"\"$PWD/{entry.STREAMLIT_SECRETS}:{target}:ro\", or the same under the app's volumes: in "
                    f"compose.yaml); without it st.secrets is empty (Streamlit says \"No secrets found\")")
        if best.server and not profile.ports and best.default_port:
            # `python app.py` starting Gradio's or Dash's server: the framework's default, not python's
            server = best.framework if best.argv[0] == "python" and best.framework else best.argv[0]
            profile.add_port(best.default_port, f"{server}'s default port", None, None, 0.6)
        extra = best.extra_packages
        for name, rel, line, why in source.needed_packages(tree, files):
            if name not in dep_names and NEEDED_SPECS[name] not in extra:
                extra += (NEEDED_SPECS[name],)
                profile.note("dependencies", f"{why}, which the project doesn't declare: installed too", rel,
                             line, 0.8)
        if best.framework in LISTEN_SETTINGS and best.argv[0] == "python":
            listen_settings(profile, best)
        if best.grpc and not profile.ports:
            profile.add_port(entry.GRPC_PORT, f"the gRPC server's bind address names no port the code shows; "
                             f"{entry.GRPC_PORT} (gRPC's usual port) assumed", best.file, best.line, 0.4)
        # a server needs a port even when none is literal in the code
        if best.server and not profile.ports:
            profile.add_port(8000, "a server with no literal port; 8000 assumed", None, None, 0.4)
        for key, why in forgotten:  # after the app's own answers, which come first
            profile.note(key, why, confidence=0.5)
        # bound to the port in finish(), after the answers, so a port given later moves it too
        profile.entrypoint = list(best.argv)
        dev_server = entry.development_server_warning(best, starts)
        if dev_server:
            profile.warnings.append(dev_server)
        if best.file and best.file == tree.first("Procfile") and best.server and best.given_port \
                and not profile.port_env:
            # a Procfile's web process is given its port in $PORT (gunicorn binds 0.0.0.0:$PORT by itself)
            profile.port_env = "PORT"
            profile.note("port_env", "the Procfile's web process is given its port in $PORT", best.file,
                         best.line, 0.8)
        # a tie is unsure, unless the best is the author's word (a Procfile, a console script) over a guess
        # (or the others tied with it are scripts beside the app: scripts/share.py next to app.py)
        tied = [s for s in starts[1:] if s.confidence >= best.confidence]
        sure = len(starts) == 1 or starts[1].confidence < best.confidence or \
            (best.order >= 4 and best.order > starts[1].order) or \
            (best.file is not None and (best.file.split("/", 1)[0] not in entry.HELPER_FOLDERS or "/" not in best.file)
             and all(s.file and "/" in s.file and s.file.split("/", 1)[0] in entry.HELPER_FOLDERS for s in tied))
        confidence = best.confidence if sure else 0.6
        profile.note("entrypoint", best.why, best.file, best.line, confidence)
        if source_root and len(best.argv) == 1 and best.argv[0] in found.scripts:
            # a console script imports the installed copy: src/ first on the import path, as for a server
            folder, path, rel, line = source_root
            profile.entrypoint = ["env", f"PYTHONPATH={WORKDIR}/{folder}", *best.argv]
            profile.note("entrypoint", f"the console script runs with {folder}/ on PYTHONPATH, not its installed "
                         f"copy: the app writes {path} there", rel, line, 0.8)
        elif source_root and entry.root_of(best.file or "", (source_root[0],)):
            folder, path, rel, line = source_root
            profile.note("entrypoint", f"the package is imported from {folder}/, not from its installed copy: "
                         f"the app writes {path} there", rel, line, 0.8)
        if best.file and best.file.endswith(".py") and imports.parsed(tree, best.file) is None:
            profile.warnings.append(f"{best.file} doesn't parse as Python 3 (Python 2 code?); the image runs "
                                    f"Python {profile.runtime_version}")
        if confidence < GUESS:  # a script's shape, not a framework, a main guard or the author's word
            where = f"{best.file}:{best.line}" if best.file and best.line else best.file
            profile.warnings.append(chosen_warning(best.argv, best.why, where, len(starts)))
        if profile.ports and best.grpc and not profile.framework:
            # HTTP/2 with gRPC's own framing: an HTTP/1 GET gets no answer, so the health check only connects
            profile.health_path = None
            profile.note("health_path", "a gRPC server, which speaks no HTTP/1 (no web framework in the code): the "
                         "health check only connects to the port", best.file, best.line, 0.8)
        elif profile.ports:
            source.read_health_path(tree, files, profile)
        if not profile.ports and best.file and best.file.endswith(".py"):
            forever = entry.runs_until_stopped(tree, best.file)
            if forever:
                profile.long_running = True
                profile.note("long_running", f"{best.file} {forever[0]}", best.file, forever[1], 0.8)
        add_procfile_workers(tree, profile)
        celery = next((s for s in starts if s.framework == "celery"), None)
        if celery and best is not celery and not any("celery" in w.command[:3] for w in profile.workers):
            # the web app hands tasks to a Celery worker: it runs beside it, or the tasks wait forever
            profile.workers.append(Worker("worker", list(celery.argv), celery.file, celery.line, celery.why))
            profile.note("workers", f"worker: {celery.why}", celery.file, celery.line, 0.9)
    else:
        examples = entry.example_starts(tree, files, found, dep_names)
        # named by the message that stops the run (start.missing_message), never chosen: which is the app is
        # the user's choice
        for s in examples:
            example = {"example": s.argv, "port": s.default_port if s.server else None, "why": s.why,
                       "file": s.file, "line": s.line, "framework": s.framework, "health_path": None}
            if s.server and s.file:  # the route to probe when the user picks it (entry.finish)
                folder = s.file.rsplit("/", 1)[0] + "/"
                probe = Profile(framework=s.framework, ports=[s.default_port or 8000])
                source.read_health_path(tree, [f for f in files if f.startswith(folder)], probe)
                example["health_path"] = probe.health_path
            profile.candidates.append(example)
        profile.note("entrypoint", "no start command found" + (
            f" at the top; the examples are apps of their own: {', '.join(s.file or '' for s in examples)}"
            if examples else ""), confidence=0.0)
        profile.ports = []

    profile.compiled = False
    profile.note("compiled", "Python is interpreted: dependencies are installed, nothing is compiled", confidence=1.0)
    profile.note("build_command", "no build step: the build stage installs the dependencies", confidence=1.0)
    profile.build = PythonPlan(
        install=found.install,
        manifests=found.files if found.install != "imports" else [],
        requirements=found.requirements,
        installable=found.installable,
        extra_packages=list(extra),
        generated_requirements=[d[0] for d in deps] if found.install == "imports" else [],
        workdir=WORKDIR,
        requirement_files=found.included if found.install == "requirements" else list(found.requirements),
        git=bool(found.vcs),
        pdm_relock=found.pdm_relock,
        state_files=state_files,
        state_dir=STATE_DIR if state_files else "",
    )
    if found.install == "requirements" and not found.hashed:
        from .compat import caps  # an old pin whose unpinned dependency broke it since

        needs: dict[tuple[str, str, str], list[str]] = {}
        for cap, package, spec, why in caps(found.pins):
            profile.build.caps.append(cap)
            needs.setdefault((package, spec, why), []).append(cap)
        for (package, spec, why), capped in needs.items():
            where = next((d for d in deps if d[0] == package), (package, None, None))
            profile.note("dependencies", f"{package}{spec} is an old release ({why}): installed with "
                         f"{', '.join(capped)}", where[1], where[2], 0.9)
    profile.build.loopback = source.loopback_sites(tree, files)
    profile.build.servers_brought = sorted(entry.servers_brought(found.extras))
    if found.vcs:
        rel, line = found.vcs[0]
        profile.note("system_packages", "a dependency is fetched with git: git in the build stage", rel, line, 1.0)
    static_root = django_static_root(tree, files) if tree.exists("manage.py") and "django" in dep_names else None
    if static_root:
        rel, line = static_root
        profile.build.collectstatic = True
        profile.build.build_placeholders = [e.name for e in profile.env if e.secret and e.default is None
                                            and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", e.name)]
        profile.build.placeholder_urls = placeholder_urls(profile, profile.build.build_placeholders)
        profile.note("build_command", "Django's STATIC_ROOT is set: `manage.py collectstatic` gathers the static "
                     "files at build time (Manifest storage answers 500 without its manifest)", rel, line, 0.9)
        without = without_collectstatic(profile.entrypoint)
        if without is not None and profile.candidates and profile.entrypoint == profile.candidates[0].get("entrypoint"):
            # the Procfile's `migrate && collectstatic && gunicorn`: the files are in the image already, and
            # collectstatic at start would write them again under the read-only root
            profile.entrypoint = without
            first = profile.candidates[0]
            profile.note("entrypoint", "`manage.py collectstatic` left out of the start command: it runs at build "
                         "time (at start it would write STATIC_ROOT under the read-only root)", first["file"],
                         first["line"], 0.9)
    if found.install == "setup":
        profile.warnings.append("setup.py installs the dependencies together with the code, so a code edit "
                                "reinstalls them; a requirements.txt or pyproject.toml [project] list avoids that")
    if found.install == "imports" and deps:
        profile.warnings.append("no dependency manifest: requirements.txt is generated from the imports; "
                                "review it and pin versions")
    migrations.detect(tree, files, profile, dep_names, found.scripts)
    # DJANGO_SETTINGS_MODULE is set by manage.py/wsgi.py; don't ask for it
    profile.env = [e for e in profile.env if e.name != "DJANGO_SETTINGS_MODULE"]


def sqlalchemy_instance_urls(found, deps: set[str]) -> bool:
    """Flask-SQLAlchemy 3 (or a version left to the resolver) opens a relative ``sqlite:///x.db`` in the Flask
    instance folder (2.x: beside the app's module)."""
    if "flask-sqlalchemy" not in deps:
        return False
    spec = (getattr(found, "pins", None) or {}).get("flask-sqlalchemy")
    if not spec:
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        allowed = SpecifierSet(spec)
    except InvalidSpecifier:
        return True
    return allowed.contains("3.1.1") or not allowed.contains("2.5.1")


def without_collectstatic(argv: list[str]) -> list[str] | None:
    """``sh -c 'python manage.py migrate && python manage.py collectstatic --noinput && gunicorn x.wsgi'`` without
    its collectstatic step (steps joined by ``&&`` or ``;`` only); None when the command has no such step or is
    shaped otherwise."""
    if len(argv) != 3 or argv[:2] != ["sh", "-c"]:
        return None
    lexer = shlex.shlex(argv[2], posix=False, punctuation_chars=True)  # words keep their quotes
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    steps: list[tuple[list[str], str]] = [([], "")]
    for token in tokens:
        if token in ("&&", ";"):
            steps[-1] = (steps[-1][0], token)
            steps.append(([], ""))
        elif token and set(token) <= set("|&;<>()"):
            return None  # pipes, ||, redirections, subshells: left as written
        else:
            steps[-1][0].append(token)
    kept = [(words, sep) for words, sep in steps if words and not (
        "collectstatic" in words and any(w.endswith("manage.py") for w in words))]
    if len(kept) == len([w for w, _s in steps if w]) or not kept:
        return None
    text = ""
    for i, (words, sep) in enumerate(kept):
        text += " ".join(words)
        if i < len(kept) - 1:
            text += f" {sep or '&&'} "
    return ["sh", "-c", text]


def written_package_root(profile: Profile, state_files: list[str], found) -> tuple[str, str, str, int | None] | None:
    """(package folder, path, file, line) when an installed project writes under the folder its packages are
    built from (src/: a state file beside the code, a volume for Flask's instance folder): an installed copy
    would write in site-packages instead. None otherwise."""
    if not found.installable:
        return None
    roots = [r[0] for r in found.package_roots] or ["src"]
    paths = [(f"{WORKDIR}/{name}", name) for name in state_files] + [(p, p) for p in profile.writable_paths]
    for absolute, shown in paths:
        root = entry.root_of(absolute.removeprefix(WORKDIR + "/"), tuple(roots)) \
            if absolute.startswith(WORKDIR + "/") else ""
        if root:
            notes = [e for e in profile.evidence.get("writable_paths", []) if e.file]
            where = next((e for e in notes if shown.removeprefix(WORKDIR + "/") in e.why), notes[0] if notes else None)
            return root, shown, where.file if where else "", where.line if where else None
    return None


def place_files_beside_the_code(profile: Profile, beside: list[tuple[str, str, int, str]]) -> list[str]:
    """Files the app writes in its own folder, which can't be a volume (it holds the code): they live in
    the volume STATE_DIR, and a link at each one's path points there (the file stays a file)."""
    if not beside:
        return []
    profile.writable_paths.append(STATE_DIR)
    names = []
    for name, rel, line, why in beside:
        names.append(name)
        profile.note("writable_paths", f"{why}, beside the code: kept in {STATE_DIR}, linked from "
                     f"{WORKDIR}/{name}", rel or None, line or None, 0.8)
    lives = 'they live' if len(names) > 1 else 'it lives'
    if any("/" in name for name in names):
        profile.warnings.append(f"the app writes {', '.join(names)} beside its code, whose folders can't be "
                                f"volumes: {lives} in the volume {STATE_DIR}, linked from the same path under "
                                f"{WORKDIR}/")
    else:
        profile.warnings.append(f"the app writes {', '.join(names)} in its own folder, which can't be a volume: "
                                f"{lives} in the volume {STATE_DIR}, linked from {WORKDIR}/")
    return names


def django_static_root(tree: SourceTree, files: list[str]) -> tuple[str, int | None] | None:
    """The settings module that sets STATIC_ROOT, and the line."""
    from .values import module

    for rel in files:
        if not (rel.endswith("settings.py") or "/settings/" in rel):
            continue
        mod = module(tree, rel)
        if "STATIC_ROOT" in mod.assigns:
            return rel, mod.lines.get("STATIC_ROOT")
    return None


# the scheme a placeholder URL of each service kind has (settings parse it: dj_database_url, redis.from_url)
_PLACEHOLDER_SCHEMES = {"postgres": "postgres", "mysql": "mysql", "redis": "redis", "mongodb": "mongodb",
                        "rabbitmq": "amqp"}
_KIND_WORDS = (("REDIS", "redis"), ("MONGO", "mongodb"), ("AMQP", "rabbitmq"), ("RABBIT", "rabbitmq"),
               ("MYSQL", "mysql"), ("POSTGRES", "postgres"), ("DATABASE", "postgres"))


def placeholder_urls(profile: Profile, names: list[str]) -> dict[str, str]:
    """A placeholder for each URL-valued secret the settings require at build time, as a URL of its kind
    (``DATABASE_URL=build-time-placeholder`` makes dj_database_url fail the build): the service linked to the
    variable, else a word in its name, else http."""
    urls = {}
    for name in names:
        kind = next((s.kind for s in profile.services if s.env_var == name), None) or next(
            (c.kind for c in profile.connections if c.url_env == name), None)
        if kind is None and name.endswith(("_URL", "_URI", "_DSN")):
            kind = next((k for word, k in _KIND_WORDS if word in name), "http")
        if kind in _PLACEHOLDER_SCHEMES:
            urls[name] = f"{_PLACEHOLDER_SCHEMES[kind]}://localhost/{'0' if kind == 'redis' else 'build'}"
        elif kind == "http":
            urls[name] = "http://localhost/"
    return urls


# servers a script starts itself that read their listen address and port from env vars (arguments to the call
# win over them): framework -> (address var, its default, port var); the port default is the start's
LISTEN_SETTINGS = {"gradio": ("GRADIO_SERVER_NAME", "127.0.0.1", "GRADIO_SERVER_PORT"),
                   "dash": ("HOST", "127.0.0.1", "PORT")}


def listen_settings(profile: Profile, start) -> None:
    """Gradio's launch() and Dash's run() listen on 127.0.0.1 unless an env var says otherwise: the image
    sets the address to all interfaces (a loopback default: languages.common.listen_env) and the port it
    publishes."""
    address, default, port_var = LISTEN_SETTINGS[start.framework]
    if not profile.env_var(address):
        profile.add_env(address, default, False)
        profile.note("env", f"{address}: {start.framework} reads its listen address from it, {default} by default",
                     start.file, start.line, 0.9)
    from_code = any(e.file for e in profile.evidence.get("ports", []))  # launch(server_port=...) wins
    if not profile.port_env and not from_code and start.default_port:
        profile.add_env(port_var, str(start.default_port), False)
        profile.port_env = port_var
        profile.note("port_env", f"{start.framework} reads its port from {port_var}", start.file, start.line, 0.9)


def forget_helper_scripts(profile: Profile, helpers: set[str]) -> list[tuple[str, str]]:
    """The port, its env var and the env vars read only by scripts beside the app (scripts/share.py's
    launch(server_port=SHARE_PORT), a load test's LOAD_TEST_PORT) are not the app's: the image would publish
    a port the app doesn't listen on."""
    notes_after: list[tuple[str, str]] = []  # (answer, why): noted once the app's own answer is there
    if not helpers:
        return notes_after

    def only_helpers(notes) -> bool:
        files = [e.file for e in notes]
        return bool(files) and all(f in helpers for f in files)

    for key in ("ports", "port_env"):
        notes = profile.evidence.get(key, [])
        if only_helpers(notes):
            where = ", ".join(sorted({e.file for e in notes if e.file}))
            if key == "ports":
                profile.ports = []
            else:
                profile.port_env = None
            profile.evidence[key] = []
            notes_after.append((key, f"{where} (a script beside the app, which the start command doesn't run) "
                                     f"sets its own {'port' if key == 'ports' else 'port variable'}: not the app's"))
    by_name: dict[str, list] = {}
    for e in profile.evidence.get("env", []):
        name = e.why.split(":", 1)[0]
        by_name.setdefault(name, []).append(e)
    forgotten = {name for name, notes in by_name.items() if only_helpers(notes) and name != profile.port_env
                 and not any(c.url_env == name or c.password_env == name or c.host_env == name
                             for c in profile.connections)}
    if forgotten:
        profile.env = [v for v in profile.env if v.name not in forgotten]
        profile.evidence["env"] = [e for e in profile.evidence.get("env", [])
                                   if e.why.split(":", 1)[0] not in forgotten]
        notes_after.append(("env", f"{', '.join(sorted(forgotten))}: read only by scripts beside the app "
                                   f"({', '.join(sorted(helpers))}), not set for it"))
    return notes_after


def _framework_from_deps(deps: set[str]) -> str | None:
    for name in ("django", "flask", "fastapi", "starlette", "quart", "aiohttp", "tornado", "bottle", "falcon", "sanic"):
        if name in deps:
            return name
    return None


ANALYZER = Analyzer("python", detect, analyze, finish=entry.finish, starter=starter.STARTER)
