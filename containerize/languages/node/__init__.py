"""Node.js / TypeScript: npm, pnpm, Yarn and Bun projects; servers, Next.js, and single-page apps."""
from __future__ import annotations

import json
import posixpath
import shlex
from typing import TYPE_CHECKING

from ...profile import Evidence, Profile, Service
from ...scan import SourceTree
from ..base import Analyzer, Detection, submodules
from ...envvars import dotenv_lines, dotenv_value, is_secret, read_dotenv_example
from ...workers import add_procfile_workers, procfile_processes
from ...services import (SERVICE_DEPENDENCIES, add_services_from_connections, add_services_from_dependencies,
                         credential_free_url, link_service_env, warn_fixed_localhost)
from . import package as pkgmod
from ...envvars import bundle_env

# loaded when a tree has JavaScript to read, not while other languages are detected
frameworks, source, values, plan, starter = submodules(__name__, "frameworks", "source", "values", "plan",
                                                       "starter")
if TYPE_CHECKING:
    from .plan import NodePlan

WORKDIR = "/app"
SERVER_FRAMEWORKS = {
    "express": "express", "fastify": "fastify", "koa": "koa", "@hapi/hapi": "hapi", "hapi": "hapi",
    "@nestjs/core": "nestjs", "next": "next", "nuxt": "nuxt", "hono": "hono", "@remix-run/serve": "remix",
    "@remix-run/express": "remix", "@react-router/serve": "react-router", "@react-router/express": "react-router", "restify": "restify", "polka": "polka", "@adonisjs/core": "adonis",
    "sails": "sails", "@feathersjs/feathers": "feathers", "socket.io": "socket.io", "@sveltejs/adapter-node": "sveltekit",
    "@astrojs/node": "astro", "@apollo/server": "apollo", "apollo-server": "apollo", "json-server": "json-server",
}
# Tools that build a static single-page app, and where their output goes by default.
SPA_TOOLS = {"vite": "dist", "react-scripts": "build", "@angular/cli": "dist", "astro": "dist",
             "@vue/cli-service": "dist", "parcel": "dist", "gatsby": "public", "@sveltejs/adapter-static": "build",
             "@rsbuild/core": "dist", "preact-cli": "build", "ember-cli": "dist", "@docusaurus/core": "build",
             "vitepress": ".vitepress/dist"}
# The framework a build tool's package stands for (package names with a scope or a slash are not names).
SPA_NAMES = {"@angular/cli": "angular", "@vue/cli-service": "vue-cli", "@sveltejs/adapter-static": "sveltekit",
             "@rsbuild/core": "rsbuild", "@docusaurus/core": "docusaurus"}
# Commands that only serve files or run a dev server: not how a production app starts.
DEV_SERVERS = {"vite", "react-scripts", "ng", "astro", "vue-cli-service", "parcel", "gatsby", "serve",
               "http-server", "live-server", "webpack-dev-server", "webpack", "docusaurus", "vitepress",
               "lite-server", "browser-sync", "rsbuild", "ember", "preact"}
DEV_RUNNERS = {"nodemon", "ts-node", "ts-node-dev", "tsx", "node-dev", "babel-node", "esno", "supervisor"}
# Native addons: compiled at install time unless a prebuilt binary matches.
NATIVE = {"bcrypt", "better-sqlite3", "sqlite3", "argon2", "canvas", "node-sass", "re2", "bufferutil",
          "utf-8-validate", "libxmljs", "libxmljs2", "node-gyp", "cpu-features", "ssh2", "sharp", "zeromq",
          "@tensorflow/tfjs-node", "isolated-vm", "node-pty", "leveldown", "microtime", "farmhash"}
OTHER_BACKENDS = ("requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "manage.py", "Gemfile",
                  "composer.json", "go.mod", "pom.xml", "build.gradle", "build.gradle.kts", "Cargo.toml", "mix.exs")
ENTRY_FILES = ("server.js", "index.js", "app.js", "main.js", "server.mjs", "index.mjs", "app.mjs",
               "src/server.js", "src/index.js", "src/app.js", "src/main.js")


# Debian libraries that native addons load at run time (the build tools stay in the build stage).
NATIVE_RUNTIME_LIBS = {"canvas": ["libcairo2", "libpango-1.0-0", "libpangocairo-1.0-0", "libjpeg62-turbo", "libgif7",
                                  "librsvg2-2"], "zeromq": ["libzmq5"], "libxmljs": ["libxml2"], "libxmljs2": ["libxml2"]}
# bookworm versions of the run-time libraries the shared pin table doesn't list
RUNTIME_PINS = {"libpangocairo-1.0-0": "1.50.*", "libgif7": "5.2.*", "librsvg2-2": "2.54.*", "libzmq5": "4.3.*",
                "openssl": "3.0.*"}
# Dev tools whose install script downloads a large binary from its own host, and the variable that skips it.
DOWNLOAD_SKIPS = {"cypress": "CYPRESS_INSTALL_BINARY=0", "puppeteer": "PUPPETEER_SKIP_DOWNLOAD=true",
                  "electron": "ELECTRON_SKIP_BINARY_DOWNLOAD=1"}
# Servers started by a framework's command that listen on PORT.
READS_PORT = {"react-router-serve", "remix-serve", "next", "nuxt", "astro", "json-server"}
# Start commands that hand over to another script or tool: kept as the project runs them.
SCRIPT_RUNNERS = {"npm", "pnpm", "yarn", "bun", "turbo", "nx", "lerna", "concurrently", "npm-run-all", "run-p", "run-s"}
# Env vars a bundler compiles into the client code at build time.
PUBLIC_PREFIXES = ("VITE_", "NEXT_PUBLIC_", "PUBLIC_", "REACT_APP_", "NUXT_PUBLIC_", "GATSBY_")
WRANGLER_CONFIGS = ("wrangler.toml", "wrangler.json", "wrangler.jsonc")
DOTENV_FILES = (".env", ".env.production", ".env.example", ".env.sample", ".env.template")


def detect(tree: SourceTree) -> Detection | None:
    if not tree.exists("package.json"):
        if tree.exists("package.json5"):
            return Detection("node", 90, [Evidence("package.json5 (read by pnpm)", "package.json5", None, 0.9)])
        entry = next((f for f in ENTRY_FILES if tree.exists(f)), None)
        if entry and not _other_backend(tree) and not tree.with_suffix(".py", ".rb", ".php", ".go", ".java"):
            serves = source.serves_http(tree, [entry])
            return Detection("node", 75 if serves else 40,
                             [Evidence(f"{entry} with no package.json: a Node program"
                                       + (" that serves HTTP" if serves else ""), entry, None, 0.7)])
        return None
    try:
        pkg = pkgmod.read_package_json(tree)
    except ValueError as exc:
        return Detection("node", 90, [Evidence(f"package.json ({exc})", "package.json", None, 0.5)])
    try:
        role, why = _role(tree, pkg)
    except ValueError as exc:
        return Detection("node", 90, [Evidence(str(exc), "package.json", None, 0.5)])
    score = {"server": 95, "spa": 95, "next": 100, "script": 90, "assets": 50}[role]
    if role == "spa" and _other_backend(tree):
        score, why = 50, f"{why}, but {_other_backend(tree)} is the app: package.json only builds its assets"
    return Detection("node", score, [Evidence(why, "package.json", None, 0.9)])


def _other_backend(tree: SourceTree) -> str | None:
    return next((m for m in OTHER_BACKENDS if tree.exists(m)), None)


def _role(tree: SourceTree, pkg: pkgmod.Package) -> tuple[str, str]:
    """server | next | spa | script | assets, and why."""
    deps = pkg.deps()
    runtime = pkg.deps(dev=False)
    scripts = pkg.scripts
    fw = frameworks.detect(tree, deps, scripts)
    if fw:
        return ("spa" if fw.kind == "static" else "server"), fw.why
    if "next" in deps:
        return "next", "package.json depends on next (a Next.js app)"
    framework = next((SERVER_FRAMEWORKS[d] for d in SERVER_FRAMEWORKS if d in runtime), None)
    if framework:
        return "server", f"package.json depends on {framework} (a web framework)"
    start = scripts.get("start")
    start_prog = _program(start) if start else None
    if start and start_prog not in DEV_SERVERS:
        return "server", f"package.json has a start script ({start})"
    spa = next((t for t in SPA_TOOLS if t in deps), None)
    if spa and "build" in scripts:
        return "spa", f"{spa} builds a static site (scripts.build = {scripts['build']!r}, no server)"
    main = pkg.data.get("main")
    if isinstance(main, str) and (tree.exists(main) or tree.exists(main + ".js")):
        main_file = main if tree.exists(main) else main + ".js"
        if source.serves_http(tree, [main_file]):
            return "server", f"main ({main}) starts a server"
        if source.grpc_server(tree, [main_file]):
            return "server", f"main ({main}) starts a gRPC server"
    entry = next((f for f in ENTRY_FILES if tree.exists(f)), None)
    if entry and source.serves_http(tree, [entry]):
        return "server", f"{entry} starts a server"
    if entry and source.grpc_server(tree, [entry]):
        return "server", f"{entry} starts a gRPC server"
    if isinstance(main, str) and tree.exists(main) and not _other_backend(tree) or entry and not _other_backend(tree):
        return "script", f"package.json and {main if isinstance(main, str) else entry} (a Node program)"
    return "assets", "package.json has no start script, server or app build (tooling or assets only)"


def _program(script: str) -> str | None:
    words = _command(script)
    return words[0] if words else None


def _command(script: str) -> list[str]:
    """The words of the command a script finally runs: the last of `a && b; c`, the first of a pipe
    `node app.js | pino-pretty`, without env assignments, cross-env, env or exec."""
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return []
    commands: list[list[str]] = [[]]
    piped = False
    for token in tokens:
        if token in ("&&", "||", ";", "&", ";;"):
            commands.append([])
            piped = False
        elif token in ("|", "|&"):
            piped = True
        elif not piped:
            commands[-1].append(token)
    words = next((c for c in reversed(commands) if c), [])
    while words and (_is_assignment(words[0]) or words[0] in ("cross-env", "env", "exec")):
        words = words[1:]
    return _unwrap_env_file(words)[0]


# Wrappers that load a settings file into the environment, then run the command: their options that take a value.
ENV_FILE_WRAPPERS = {"env-cmd": ("-f", "--file", "-e", "--environments", "-r", "--rc-file"),
                     "dotenv": ("-e", "-c", "-v")}


def _unwrap_env_file(words: list[str]) -> tuple[list[str], list[str]]:
    """``env-cmd -f .env.local node app.js`` / ``env-cmd local.env node app.js`` (env-cmd 7's first argument is
    the file) / ``dotenv -e .env -- node app.js``: the command they run, and the settings files they load."""
    if not words or words[0] not in ENV_FILE_WRAPPERS:
        return words, []
    takes_value = ENV_FILE_WRAPPERS[words[0]]
    files: list[str] = []
    rest = words[1:]
    while rest and rest[0].startswith("-"):
        flag = rest.pop(0)
        if flag == "--":
            break
        name, eq, value = flag.partition("=")
        if name in takes_value:
            value = value if eq else (rest.pop(0) if rest else "")
            if name in ("-f", "--file", "-e") and value:
                files.append(value)
    if words[0] == "env-cmd" and not files and len(rest) > 1 and not rest[0].startswith("-") and \
            ("." in rest[0] or "/" in rest[0]):
        files.append(rest.pop(0))  # env-cmd <file> <command>
    return rest, files


# Framework plugins and database adapters that bundle a database client (the client is their dependency, not
# the app's): the client package they stand for.
PLUGIN_CLIENTS = {
    "@fastify/mongodb": "mongodb", "fastify-mongodb": "mongodb", "@fastify/redis": "ioredis",
    "fastify-redis": "ioredis", "@fastify/postgres": "pg", "fastify-postgres": "pg", "@fastify/mysql": "mysql2",
    "fastify-mysql": "mysql2", "@payloadcms/db-mongodb": "mongoose", "@payloadcms/db-postgres": "pg",
    "@nestjs/mongoose": "mongoose", "koa-redis": "ioredis", "connect-mongo": "mongodb", "connect-redis": "redis",
    "@hapi/catbox-redis": "ioredis", "catbox-redis": "ioredis", "@socket.io/redis-adapter": "redis",
}


NODE_BUILTINS = frozenset(
    "assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns domain "
    "events fs http http2 https inspector module net os path perf_hooks process punycode querystring readline repl "
    "stream string_decoder sys timers tls trace_events tty url util v8 vm wasi worker_threads zlib test sqlite".split())


def _unmet_imports(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """A program without package.json that requires packages (``require('koa')``): nothing installs them, so
    the image would stop at start with "Cannot find module"."""
    missing: dict[str, str] = {}
    for rel in files:
        for spec in frameworks.imports(tree, rel):
            if spec.startswith((".", "/", "node:")) or not spec:
                continue
            parts = spec.split("/")
            name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
            if name not in NODE_BUILTINS and name not in missing and len(name) <= 214 and \
                    all(c.isalnum() or c in "-._@/~" for c in name) and not name.startswith((".", "_")):
                missing[name] = rel
    if missing:
        names = sorted(missing)
        first = missing[names[0]]
        profile.warnings.append(f"{first} imports {', '.join(names[:6])}{' and more' if len(names) > 6 else ''} but "
                                "there is no package.json here to install "
                                f"{'them' if len(names) > 1 else 'it'}: the container would stop with \"Cannot find "
                                "module\"; run containerize in the folder whose package.json lists "
                                f"{'them' if len(names) > 1 else 'it'}, or add one (npm init -y && npm install "
                                f"{' '.join(names[:6])})")


def _qwik_server_packages(tree: SourceTree, pkg: pkgmod.Package, profile: Profile, build: NodePlan,
                          fw: frameworks.Framework) -> None:
    """Qwik's starters keep every package in devDependencies, express too; the server build leaves the server
    packages its entry imports (src/entry.express.tsx) to node_modules, so those must be in the runtime image."""
    adapter = (fw.file or "").removeprefix("adapters/")
    dev_only = set(pkg.deps()) - set(pkg.deps(dev=False))
    needed = []
    for rel in tree.glob(f"src/entry.{adapter}.*"):
        for spec in frameworks.imports(tree, rel):
            parts = spec.split("/")
            name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
            if name in dev_only and not name.startswith(("@builder.io/", "@qwik.dev/")) and name not in needed:
                needed.append(name)
    if needed:
        build.runtime_dev = True
        build.install_prod = build.install_all
        profile.warnings.append(f"the Qwik server imports {', '.join(needed)} from the dev dependencies: every "
                                f"dependency is installed in the runtime image (move {', '.join(needed)} to "
                                "dependencies for a smaller one)")


def _serves_tls(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """An app that answers HTTPS itself (hapi's ``tls:`` option, ``https.createServer``): plain HTTP gets no
    answer there, so the health checks ask https:// (without verifying its certificate)."""
    found = source.serves_tls(tree, files)
    if found is None:
        return
    where = f"{found.rel}:{found.line}"
    if not found.certain:
        profile.warnings.append(f"{where}: the server may answer HTTPS ({found.what} is set at run time): the "
                                "health check asks plain http://, which gets no answer when it does; leave TLS "
                                "off in the container and put a TLS proxy in front")
        return
    profile.tls = True
    profile.note("tls", f"{found.what} at {where}: the app answers HTTPS", found.rel, found.line, 0.9)
    profile.warnings.append(f"{where}: the app answers HTTPS itself ({found.what}): the health checks ask "
                            "https:// without verifying its certificate; its key and certificate must be in the "
                            "image or mounted (the usual set-up is plain HTTP in the app and TLS at a proxy in "
                            "front)")


def _plugin_services(tree: SourceTree, files: list[str], profile: Profile, pkg: pkgmod.Package,
                     runtime_deps: dict[str, str]) -> None:
    """A backing service for a plugin that carries its own database client (fastify-mongodb, Payload's
    @payloadcms/db-mongodb adapter), when the code imports it (a project may list the adapters it doesn't use)."""
    plugins = [name for name in runtime_deps if SERVICE_DEPENDENCIES.get(PLUGIN_CLIENTS.get(name, ""))]
    if not plugins:
        return
    imported = {spec for rel in files for spec in frameworks.imports(tree, rel)}
    for name in plugins:
        kind = SERVICE_DEPENDENCIES[PLUGIN_CLIENTS[name]]
        if any(spec == name or spec.startswith(name + "/") for spec in imported) and \
                not any(s.kind == kind for s in profile.services):
            profile.services.append(Service(kind))
            profile.note("services", f"{name} connects to {kind} (with its own client)", "package.json",
                         pkg.line_of.get(name), 0.9)


def _link_connection_env(profile: Profile) -> None:
    """A service the code connects to through one URL env var (``mongooseAdapter({ url: process.env.DATABASE_URI
    })``) is tied to that var, before the usual names (MONGODB_URI) that the project may read elsewhere."""
    for service in profile.services:
        names = {c.url_env for c in profile.connections if c.kind == service.kind and c.url_env}
        var = profile.env_var(next(iter(names))) if len(names) == 1 and not service.env_var else None
        if var is None or any(s.env_var == var.name for s in profile.services):
            continue
        service.env_var = var.name
        if not var.secret and service.kind in DATABASE_KINDS and \
                not (service.kind == "mongodb" and credential_free_url(service.kind, var.default)):
            var.secret = True  # built with the password of the service compose starts
        profile.note("services", f"{service.kind} via {var.name}: the URL the code connects with", confidence=0.9)


def _fastify_cli(profile: Profile, pkg: pkgmod.Package) -> None:
    """``fastify start app.js`` (fastify-cli): the port is ``-p``/``--port``, else FASTIFY_PORT or PORT, else 3000;
    it listens on localhost unless ``-a``/``--address`` or FASTIFY_ADDRESS (or its guess that it runs in Docker)
    says otherwise, so the image sets FASTIFY_ADDRESS=0.0.0.0."""
    args = profile.entrypoint[2:]
    line = pkg.line_of.get("start")
    port_flag = next((i for i, a in enumerate(args) if a in ("-p", "--port") or a.startswith("--port=")), None)
    if port_flag is not None:
        flag = args[port_flag]
        value = flag.split("=", 1)[1] if "=" in flag else (args[port_flag + 1] if port_flag + 1 < len(args) else "")
        if value.isdigit() and 0 < int(value) < 65536:
            profile.ports = [int(value)]
            profile.port_env = None
            profile.evidence.pop("ports", None)
            profile.note("ports", f"fastify start {flag}" + ("" if "=" in flag else f" {value}"), "package.json",
                         line, 0.95)
    else:
        profile.ports = [3000]
        profile.port_env = "PORT"
        profile.evidence.pop("ports", None)
        profile.note("ports", "fastify start listens on PORT (FASTIFY_PORT), 3000 by default", "package.json", line, 0.9)
        profile.note("port_env", "fastify start reads PORT", "package.json", line, 0.9)
    if not any(a in ("-a", "--address") or a.startswith("--address=") for a in args):
        profile.build.runtime_env.setdefault("FASTIFY_ADDRESS", "0.0.0.0")
        profile.note("entrypoint", "fastify start listens on localhost unless told otherwise: FASTIFY_ADDRESS=0.0.0.0",
                     "package.json", line, 0.9)


def _start_env_files(tree: SourceTree, pkg: pkgmod.Package, profile: Profile) -> None:
    """The settings files the start script loads through env-cmd or dotenv-cli: the image runs the command
    without the wrapper, and their variables become settings (secrets without their values)."""
    start = pkg.scripts.get("start")
    if not isinstance(start, str):
        return
    try:
        lexer = shlex.shlex(start, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words = [w for w in lexer if not _is_assignment(w) and w not in ("cross-env", "env", "exec")]
    except ValueError:
        return
    wrapper = next((i for i, w in enumerate(words) if w in ENV_FILE_WRAPPERS), None)
    if wrapper is None:
        return
    for rel in _unwrap_env_file(words[wrapper:])[1]:
        rel = rel.removeprefix("./")
        if not tree.exists(rel):
            continue
        profile.note("entrypoint", f"scripts.start loads {rel} with {words[wrapper]}: the image runs the command "
                     "without it (compose.yaml sets the variables)", "package.json", pkg.line_of.get("start"), 0.8)
        base = rel.rsplit("/", 1)[-1]
        if base != ".env" and not base.startswith(".env."):
            profile.warnings.append(f"{rel} (the settings scripts.start loads with {words[wrapper]}) is copied into "
                                    "the image: add it to .dockerignore if it holds anything private")
        for number, name, value in dotenv_lines(tree, rel):
            value = dotenv_value(value) or None
            secret = is_secret(name, value)
            profile.add_env(name, None if secret else value, secret)
            profile.note("env", f"{name} is set in {rel}, which scripts.start loads", rel, number)


def _is_assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and values.is_env_name(name)


def analyze(tree: SourceTree, profile: Profile) -> None:
    _analyze(tree, profile)
    if not tree.exists("package.json") and tree.exists("package.json5"):
        # the manifest's facts are noted against package.json throughout: name the file they come from
        for notes in profile.evidence.values():
            for note in notes:
                if note.file == "package.json":
                    note.file = "package.json5"


def _analyze(tree: SourceTree, profile: Profile) -> None:
    pkg = pkgmod.read_package_json(tree)
    files = source.source_files(tree)
    others = _nest_other_apps(tree, pkg)
    if others:
        # Nest's monorepo mode: the image runs one application; the others' ports and settings are not its own
        files = [f for f in files if not f.startswith(others)]
        profile.note("entrypoint", f"nest-cli.json (monorepo): the image runs one application; the code of "
                     f"{', '.join(o.rstrip('/') for o in others)} is not read for its settings", "nest-cli.json",
                     None, 0.8)
    source.program(tree).config_env = "@fastify/env" in pkg.deps() or "fastify-env" in pkg.deps()
    started = _started_file(tree, pkg)
    if started and started not in files:
        files.append(started)  # e.g. express-generator's bin/www
    pkgmod.package_manager(tree, pkg, profile)
    profile.package_manager = pkg.manager.replace("-berry", "")
    profile.runtime_version = pkgmod.node_version(tree, pkg, profile)
    if profile.runtime_version.split(".")[0].isdigit() and int(profile.runtime_version.split(".")[0]) < 18:
        profile.warnings.append(f"Node {profile.runtime_version} is past its end of life, and the HEALTHCHECK "
                                "uses fetch (Node 18+): raise NODE_VERSION")
    role, why = _role(tree, pkg)
    scripts = pkg.scripts
    deps_all = pkg.deps()
    fw = frameworks.detect(tree, deps_all, scripts)
    runtime_deps = pkg.deps(dev=False)

    for name in deps_all:
        profile.note("dependencies", f"{name} {deps_all[name]}" + ("" if name in runtime_deps else " (dev)"),
                     "package.json", pkg.line_of.get(name), 1.0)
    profile.dependencies = list(runtime_deps)
    add_services_from_dependencies(profile, [(d, "package.json", pkg.line_of.get(d)) for d in runtime_deps])
    _plugin_services(tree, files, profile, pkg, runtime_deps)
    _many_databases(profile)
    for kind in (fw.services if fw else []):
        if not any(s.kind == kind for s in profile.services):
            profile.services.append(Service(kind))
            profile.note("services", f"{fw.name} keeps its data in {kind}", fw.file, None, 0.9)
    native = sorted(n for n in deps_all if n in NATIVE)
    if native:
        profile.note("system_packages", f"{', '.join(native)} may compile native code at install: "
                     "dependencies install on the full node image (python3, make, g++); the runtime image "
                     "stays slim", "package.json")
    runtime_libs = [_pin(lib) for lib in
                    sorted({lib for n in native if n in runtime_deps for lib in NATIVE_RUNTIME_LIBS.get(n, [])})]
    if runtime_libs:
        profile.note("system_packages", f"{', '.join(runtime_libs)}: libraries the native addons load at run time",
                     "package.json")

    # Heroku runs heroku-postbuild instead of build when a package.json has it (a server that builds its front end)
    build_script = next((s for s in ("heroku-postbuild", "build", "compile", "build:prod") if s in scripts), None)
    if fw:
        profile.framework = fw.name
    elif role == "next":
        profile.framework = "next"
    else:
        profile.framework = next((SERVER_FRAMEWORKS[d] for d in SERVER_FRAMEWORKS if d in runtime_deps), None) \
            or (next((t for t in SPA_TOOLS if t in deps_all), None) if role == "spa" else None)
    if profile.framework:
        package_name = profile.framework
        profile.framework = SPA_NAMES.get(package_name, package_name)
        profile.note("framework", why, fw.file if fw else "package.json",
                     None if fw else pkg.line_of.get(package_name), 0.9)
    if fw and fw.warning:
        profile.warnings.append(fw.warning)

    pm = _pm_commands(pkg)
    if pkg.manager == "yarn" and pkg.manifest:
        profile.note("package_manager", "Yarn classic stops on a dependency whose engines.node leaves out the image's "
                     f"Node {profile.runtime_version} (npm only warns; many packages list old Node versions only): "
                     "the installs pass --ignore-engines", pkg.lockfile, None, 0.8)
    skipped = [(name, var) for name, var in DOWNLOAD_SKIPS.items() if name in deps_all and name not in runtime_deps]
    if skipped:
        # test tools' install scripts download large binaries from their own hosts: not needed in the image
        prefix = " ".join(setting for _, setting in skipped) + " "
        pm["install_all"] = prefix + pm["install_all"]
        pm["install_prod"] = prefix + pm["install_prod"]
        profile.note("build_command", f"{', '.join(n for n, _ in skipped)} (dev dependencies): the install skips "
                     f"downloading {'their binaries' if len(skipped) > 1 else 'its binary'} "
                     f"({', '.join(v for _, v in skipped)})", "package.json", None, 0.9)
    if build_script:
        profile.build_command = pm["run"] + [build_script]
        profile.note("build_command", f"scripts.{build_script} = {scripts[build_script]!r}", "package.json",
                     pkg.line_of.get(build_script), 0.95)
    profile.compiled = bool(build_script)

    build = plan.NodePlan(
        kind="server", workdir=WORKDIR, manager=pkg.manager, manager_version=pkg.manager_version,
        corepack=pkg.corepack, lockfile=pkg.lockfile, install_files=pkg.install_files,
        install_dirs=pkg.install_dirs, copy_all_first=pkg.workspaces, native=bool(native),
        install_all=pm["install_all"], install_prod=pm["install_prod"], cache=pm["cache"],
        has_deps=bool(deps_all), next_public=tree.isdir("public"), manifest=pkg.manifest, yarn_path=pkg.yarn_path,
        runtime_packages=runtime_libs,
    )
    if pkg.manifest is None:
        build.has_deps = False
        build.needs_modules = False
        _unmet_imports(tree, files, profile)
    _prisma(tree, pkg, profile, build, pm)
    if pkg.workspaces:
        profile.warnings.append("a workspace (monorepo): the whole tree is copied before the install, so code "
                                "edits re-run it; build each app's image from its own folder for better caching")
    if pkg.manager == "yarn-berry" and pkgmod.yarnrc(tree).get("nodeLinker") != "node-modules":
        build.node_linker = "node-modules"
        profile.warnings.append("Yarn Plug'n'Play is turned into a node_modules install in the image "
                                "(YARN_NODE_LINKER=node-modules)")
    if build_script:
        run = shlex.join(pm["run"] + [build_script])
        prefixed = _prefix_installs(tree, scripts[build_script]) if build_script == "heroku-postbuild" else None
        if prefixed:
            build.prefix_installs, build.prefix_files, installs, run = prefixed
            build.prefix_run = " \\\n && ".join(installs)
            profile.note("build_command", f"scripts.heroku-postbuild installs {', '.join(build.prefix_installs)} "
                         "(its own package.json): that install runs before the source is copied, so it is cached",
                         "package.json", pkg.line_of.get(build_script), 0.9)
        build.build_run = f"{build.build_run} \\\n && {run}" if build.build_run else run
        _legacy_webpack(tree, pkg, profile, build)
    profile.build = build
    if build.prefix_installs:
        # the front end the build script builds is a package of its own: its code is no part of the server
        files = [f for f in files if not f.startswith(tuple(d + "/" for d in build.prefix_installs))]
    if build_script:
        _build_args(tree, profile, build)

    if role == "spa":
        if fw:
            _framework_static(profile, fw)
        else:
            _spa(tree, pkg, profile)
        return

    source.read_env(tree, files, profile)
    if "config" in runtime_deps:
        from . import nodeconfig  # node-config's env var mapping (config/custom-environment-variables.yml)
        nodeconfig.read(tree, runtime_deps, profile)
    read_dotenv_example(tree, profile)
    _start_env_files(tree, pkg, profile)
    node_env = profile.env_var("NODE_ENV")
    if node_env is not None and node_env.default not in (None, "production"):
        # a development value from .env.example would turn the production image into a dev server
        profile.note("env", f"NODE_ENV: {node_env.default!r} in the example settings is for development; the "
                     "image runs with production", confidence=0.9)
        node_env.default = "production"
    if role == "next":
        _next_public_at_build_only(profile)
    from . import connections  # how the code reaches its database (loaded with the source modules)
    connections.read_connections(tree, files, profile, pkg.prisma_schema(tree) if pkg.manifest else None)
    add_services_from_connections(profile)
    _link_connection_env(profile)
    link_service_env(profile)
    warn_fixed_localhost(profile)

    argv, start_why, start_file, start_line, confidence = _start(tree, pkg, role, build_script)
    wrangler = next((f for f in WRANGLER_CONFIGS if tree.exists(f)), None)
    if wrangler and confidence <= 0.3 and not (fw and fw.kind == "server"):
        profile.warnings.append(f"{wrangler}: a Cloudflare Workers app (wrangler deploys it to the Workers runtime, "
                                f"not to Node), and no script starts a Node server: `{shlex.join(argv)}` is a guess; "
                                "give the Node entry with --set entrypoint=... (e.g. a @hono/node-server file)")
    if fw and fw.kind == "server" and not (argv and argv[0] in SCRIPT_RUNNERS):
        argv, start_why, start_file, start_line, confidence = fw.argv, fw.why, fw.file, None, 0.9
        build.needs_modules = fw.modules
        build.runtime_copy = list(fw.copy)
        build.runtime_env = dict(fw.env)
        if fw.name == "qwik":
            _qwik_server_packages(tree, pkg, profile, build, fw)
        if not build_script:
            profile.warnings.append(f"{fw.name} builds its server with a build script: add \"build\" to "
                                    "package.json's scripts")
    profile.entrypoint = argv
    profile.note("entrypoint", start_why, start_file, start_line, confidence)
    _start_needs(pkg, profile, build)
    if role == "next":
        standalone = _next_standalone(tree)
        build.kind = "next-standalone" if standalone else "next"
        if standalone:
            profile.entrypoint = ["node", "server.js"]
            profile.note("entrypoint", f"output: 'standalone' in {standalone}: .next/standalone/server.js",
                         standalone, None, 0.95)
        if not build_script:
            raise ValueError("package.json: a Next.js app without a build script (add \"build\": \"next build\")")
    grpc = source.grpc_server(tree, files) if role == "server" or "@grpc/grpc-js" in runtime_deps \
        or "grpc" in runtime_deps else None
    serves_in_code = source.serves_http(tree, files) or (grpc and (grpc.rel, grpc.line))
    serves = role in ("server", "next") or bool(serves_in_code)
    forever = None
    if serves and role == "server" and not serves_in_code and not (fw and fw.kind == "server") \
            and not any(d in SERVER_FRAMEWORKS for d in runtime_deps):
        # a start script whose program serves nothing but keeps running (a chat bot, a scheduler): no port
        forever = source.runs_until_stopped(tree, files, set(runtime_deps))
        serves = forever is None
    # a gRPC server with no HTTP server beside it: HTTP/2 with gRPC's own framing, which an HTTP/1 GET can't probe
    grpc_only = bool(grpc) and not profile.framework and not any(d in SERVER_FRAMEWORKS for d in runtime_deps) \
        and not source.serves_http_calls(tree, files)
    if serves:
        if grpc_only:
            source.read_grpc_port(tree, files, grpc, profile)
        source.read_ports(tree, files, profile)
        if grpc and not grpc_only:  # the HTTP server's port first: the one the health check asks
            source.read_grpc_port(tree, files, grpc, profile)
        if not profile.ports and fw and fw.kind == "server" and fw.port:
            profile.add_port(fw.port, f"{fw.name}'s server listens on {fw.port} (PORT) by default", fw.file, None, 0.9)
            profile.port_env = "PORT"
        if not profile.ports:
            default = 3000
            profile.add_port(default, f"no literal port; {default} (the usual Node default) assumed",
                            None, None, 0.5)
        if role == "next" or (not profile.port_env and profile.env_var("PORT") is None and _reads_port_env(tree, files)):
            profile.port_env = "PORT"
        if role == "next":
            profile.port_env = "PORT"
            profile.note("port_env", "next start and the standalone server read PORT", confidence=0.95)
        if grpc_only:
            profile.health_path = None
            profile.note("health_path", "a gRPC server, which speaks no HTTP/1 (no web framework or HTTP server in "
                         "the code): the health check only connects to the port", grpc.rel, grpc.line, 0.8)
        else:
            source.read_health_path(tree, files, profile)
        _serves_tls(tree, files, profile)
        if fw and fw.kind == "server" and fw.health:
            profile.health_path = fw.health
            profile.note("health_path", f"{fw.name} answers {fw.health}", fw.file, None, 0.9)
        for folder in (fw.writable if fw and fw.kind == "server" else []):
            if f"{WORKDIR}/{folder}" not in profile.writable_paths:
                profile.writable_paths.append(f"{WORKDIR}/{folder}")
                profile.note("writable_paths", f"{fw.name} writes {folder}/ at run time", fw.file, None, 0.85)
        program = profile.entrypoint[0].rsplit("/", 1)[-1] if profile.entrypoint else None
        if program == "fastify" and profile.entrypoint[1:2] == ["start"]:
            _fastify_cli(profile, pkg)
        if program in READS_PORT and not profile.port_env:
            profile.port_env = "PORT"
            profile.note("port_env", f"{program} listens on PORT", "package.json", pkg.line_of.get("start"), 0.9)
    else:
        profile.ports = []
        build.kind = "script"
        forever = forever or source.runs_until_stopped(tree, files, set(runtime_deps))
        if forever:
            profile.long_running = True
            profile.note("long_running", forever[0], forever[1], forever[2], 0.8)
    tools = _script_tools(tree, pkg, profile)
    source.read_paths(tree, [f for f in files if f not in tools], profile, WORKDIR)
    source.read_kept_out(tree, files, profile)
    if role == "next":
        _next_health_route(tree, profile)
    if build.kind == "next":
        profile.writable_paths.append(f"{WORKDIR}/.next/cache")
        profile.note("writable_paths", "next start writes its cache under .next/cache", confidence=0.8)
    add_procfile_workers(tree, profile)
    from . import migrations  # Prisma's migrations: a one-shot step before the app starts
    migrations.detect(tree, pkg, profile)


DATABASE_KINDS = ("postgres", "mysql", "mongodb")


def _many_databases(profile: Profile) -> None:
    """Clients of every kind of database among the dependencies (a monitor, an admin tool, an app that lets its
    users choose): the app runs with whichever one it is configured for, not with all of them. None is added
    from the dependencies alone; one the code is seen connecting to is added from that connection."""
    kinds = [s.kind for s in profile.services if s.kind in DATABASE_KINDS]
    if len(kinds) < len(DATABASE_KINDS):
        return
    profile.services = [s for s in profile.services if s.kind not in DATABASE_KINDS]
    profile.note("services", f"clients of {', '.join(sorted(kinds))}: the app works with whichever one it is "
                 "configured for, so none is added from package.json alone", "package.json", None, 0.7)
    profile.warnings.append(f"package.json has clients of {', '.join(sorted(kinds))}: no database service is "
                            "added for them (--set services=postgres, or another, adds the one you use)")


def _framework_static(profile: Profile, fw: frameworks.Framework) -> None:
    """A framework's static build (Next.js export, SvelteKit adapter-static, SPA mode, Astro), served by nginx."""
    b = profile.build
    b.kind = "spa"
    b.out_dir = fw.out_dir
    b.spa_fallback = fw.fallback
    b.not_found = fw.not_found
    b.needs_modules = False
    if not b.build_run:
        raise ValueError(f"package.json: {fw.name} builds the site with a build script; add one to scripts")
    profile.entrypoint = ["nginx", "-g", "daemon off;"]
    profile.note("entrypoint", f"{fw.why}; nginx serves it" + (f" ({fw.fallback} for unknown paths)"
                 if fw.fallback else ""), fw.file, None, 0.9)
    profile.ports = [8080]
    profile.port_env = None
    profile.note("ports", "nginx-unprivileged listens on 8080", confidence=1.0)
    profile.health_path = "/"
    profile.note("health_path", "the site's index.html", confidence=0.9)
    profile.dependencies = []


def _prisma(tree: SourceTree, pkg: pkgmod.Package, profile: Profile, build: NodePlan, pm: dict) -> None:
    """Prisma: the client is generated before the build (tsc needs its types); the generated client and its
    engines (node_modules/.prisma) reach the runtime image."""
    deps = pkg.deps()
    if "prisma" not in deps and "@prisma/client" not in deps:
        return
    schema = pkg.prisma_schema(tree)
    if schema is None:
        return
    build.prisma = True
    if pkg.manager == "pnpm":
        profile.warnings.append("Prisma with pnpm: the generated client lives in pnpm's store, which the runtime "
                                "image rebuilds from the deps stage; set node-linker=hoisted in .npmrc so "
                                "node_modules/.prisma is kept")
    if any("prisma generate" in v for v in pkg.scripts.values() if isinstance(v, str)):
        profile.note("build_command", "a script runs prisma generate", "package.json", None, 0.8)
        if any("prisma generate" in pkg.scripts.get(s, "") for s in ("build", "compile", "build:prod")):
            return
    build.build_run = f"{pm['exec']} prisma generate"
    profile.note("build_command", f"{schema}: prisma generate writes the client (and its engines) before the build",
                 schema, None, 0.9)
    if _pin("openssl") not in build.runtime_packages:
        build.runtime_packages.append(_pin("openssl"))
    if "prisma" not in deps:
        profile.warnings.append("@prisma/client without the prisma CLI in devDependencies: prisma generate "
                                "downloads it at build time")


def _build_args(tree: SourceTree, profile: Profile, build: NodePlan) -> None:
    """Env vars the bundler compiles in (VITE_*, NEXT_PUBLIC_*, PUBLIC_*, REACT_APP_*), whether a .env file or
    only the code names them: build arguments of the build stage, with the non-secret defaults the project's .env
    files give (those files stay out of the image), else the literal the code falls back to."""
    files = [f for f in tree.with_suffix(".js", ".ts", ".jsx", ".tsx", ".vue", ".svelte", ".mjs", ".astro")
             if not f.startswith("node_modules/") and "/node_modules/" not in f]
    in_code = source.bundle_env(tree, files)
    names = set(in_code)
    defaults: dict[str, str] = {}
    for rel in DOTENV_FILES:
        for _number, name, value in dotenv_lines(tree, rel):
            if not name.startswith(PUBLIC_PREFIXES):
                continue
            names.add(name)
            defaults.setdefault(name, dotenv_value(value))
    for name, value in in_code.items():  # the code's own fallback, where no .env file gives a value
        if value is not None:
            defaults.setdefault(name, value)
    args: list[tuple[str, str | None]] = []
    unsafe: list[str] = []
    for name in sorted(names):
        kept, value, warning = bundle_env(name, defaults.get(name))  # a public key is kept, a secret is not
        if warning:
            profile.warnings.append(warning)
        if not kept:
            continue
        if value is not None and not _plain_value(value):
            unsafe.append(name)
            value = None
        args.append((name, value))
    build.build_args = args
    if args:
        profile.note("env", f"{', '.join(n for n, _ in args)}: compiled into the bundle at build time "
                     "(docker build --build-arg NAME=value)", confidence=0.9)
    if unsafe:
        profile.warnings.append(f"{', '.join(unsafe)}: the default (in a .env file or the code) has characters kept out of "
                                "the Dockerfile; pass it with --build-arg")


def _next_public_at_build_only(profile: Profile) -> None:
    """next build inlines NEXT_PUBLIC_* into the server and the client bundles: a value set when the container
    starts changes nothing, so they are build arguments only, not run-time settings (nor secret files)."""
    names = [e.name for e in profile.env if e.name.startswith("NEXT_PUBLIC_")]
    if names:
        profile.env = [e for e in profile.env if not e.name.startswith("NEXT_PUBLIC_")]
        profile.note("env", f"{', '.join(names)}: compiled in by next build (build arguments), not read when the "
                     "app starts", confidence=0.9)


def _pin(package: str) -> str:
    return f"{package}={RUNTIME_PINS[package]}" if package in RUNTIME_PINS else package


def _plain_value(value: str) -> bool:
    """A value a double-quoted ARG default holds as it is (no quote, $, backslash or control character)."""
    return len(value) <= 200 and value.isprintable() and not any(c in value for c in '"$\\`')


def _start_needs(pkg: pkgmod.Package, profile: Profile, build: NodePlan) -> None:
    """What the start command needs at run time: the package manager, dev dependencies (turbo, nx)."""
    argv = profile.entrypoint
    if not argv:
        return
    build.runtime_pm = argv[0] in ("pnpm", "yarn", "bun")
    start = pkg.scripts.get("start", "")
    dev_only = set(pkg.deps()) - set(pkg.deps(dev=False))
    tool = argv[0].removeprefix(f"{WORKDIR}/node_modules/.bin/")
    loaded = [p for p in _node_preloads(argv) if p in dev_only] if argv[0] == "node" else []
    if loaded:
        build.runtime_dev = True
        build.install_prod = build.install_all
        profile.warnings.append(f"node loads {', '.join(loaded)} (--import/--require/--loader) from the dev "
                                "dependencies: every dependency is installed in the runtime image (move "
                                f"{', '.join(loaded)} to dependencies)")
    elif tool != argv[0] and tool in dev_only:
        build.runtime_dev = True
        build.install_prod = build.install_all
        profile.warnings.append(f"the start command runs {tool} (a dev dependency): every dependency is installed "
                                f"in the runtime image (move {tool} to dependencies, or build to JavaScript and "
                                "run it with node)")
    elif argv[-1:] == ["start"] or argv[0] in SCRIPT_RUNNERS:
        tools = [w for w in _all_programs(start) if w in dev_only]
        if tools:
            build.runtime_dev = True
            build.install_prod = build.install_all
            profile.warnings.append(f"the start script runs {', '.join(tools)} (dev dependencies): every "
                                    "dependency is installed in the runtime image")


PRELOAD_FLAGS = ("--import", "--require", "-r", "--loader", "--experimental-loader")


def _node_preloads(argv: list[str]) -> list[str]:
    """The packages node's --import / --require / --loader flags load (``tsx``, ``ts-node/esm`` -> ts-node)."""
    specs, take = [], False
    for word in argv[1:]:
        if take:
            specs.append(word)
            take = False
        elif word in PRELOAD_FLAGS:
            take = True
        elif word.startswith(tuple(f + "=" for f in PRELOAD_FLAGS)):
            specs.append(word.split("=", 1)[1])
        elif not word.startswith("-"):
            break  # the script: what follows are its own arguments
    packages = []
    for spec in specs:
        if spec.startswith((".", "/", "node:", "file:", "data:")):
            continue
        parts = spec.split("/")
        packages.append("/".join(parts[:2]) if spec.startswith("@") else parts[0])
    return packages


def _and_commands(script: str) -> list[list[str]] | None:
    """The words of each command of a script that is simple commands joined by ``&&``, leading assignments
    included (``NPM_CONFIG_PRODUCTION=false npm install``); None for anything else (``||``, pipes, expansions)."""
    from ... import syntax
    from ..shell.script import literal_word

    src = script.encode("utf-8", "surrogatepass")
    root = syntax.parse("bash", script).root_node
    statements = [n for n in root.named_children if n.type != "comment"]
    found: list[list[str]] = []

    def walk(node) -> bool:
        if node.type == "list":
            return all(c.is_named or syntax.text(c) == "&&" for c in node.children) and \
                all(walk(c) for c in node.named_children)
        name = node.child_by_field_name("name") if node.type == "command" else None
        if name is None:
            return False
        assigned = [c for c in node.named_children if c.type == "variable_assignment"]
        parts = [name.named_children[0] if name.named_child_count else name] + node.children_by_field_name("argument")
        if len(node.named_children) != len(assigned) + len(parts):
            return False  # a redirection
        words = []
        for a in assigned:
            var, value = a.child_by_field_name("name"), a.child_by_field_name("value")
            text = literal_word(value, src) if value is not None else ""
            words.append(None if var is None or text is None else f"{syntax.text(var)}={text}")
        words += [literal_word(p, src) for p in parts]
        if any(w is None or "\n" in w or "\r" in w for w in words):
            return False
        found.append(words)
        return True

    if root.has_error or len(statements) != 1 or not walk(statements[0]):
        return None
    return found


def _prefix_installs(tree: SourceTree, script: str) -> tuple[list[str], list[str], list[str], str] | None:
    """A build script's ``npm install --prefix <folder>`` of a folder with its own package.json (the front end a
    Heroku app's heroku-postbuild builds): (the folders, their manifests, their installs, the rest of the script);
    None when the script installs no such folder, or does nothing else."""
    commands = _and_commands(script)
    if not commands:
        return None
    folders, files, installs, rest = [], [], [], []
    for words in commands:
        args = words
        while args and _is_assignment(args[0]):
            args = args[1:]  # NPM_CONFIG_PRODUCTION=false: the build stage installs dev dependencies anyway
        found = _npm_prefix_install(args)
        if found is None or not _safe_dir(found[0]) or found[0] in folders \
                or not tree.exists(f"{found[0]}/package.json"):
            rest.append(shlex.join(words))
            continue
        folder, flags = found
        lock = next((f for f in ("package-lock.json", "npm-shrinkwrap.json") if tree.exists(f"{folder}/{f}")), None)
        folders.append(folder)
        files += [f"{folder}/package.json"] + ([f"{folder}/{lock}"] if lock else [])
        installs.append(shlex.join(["npm", "ci" if lock else "install", "--prefix", folder, *flags,
                                    "--no-audit", "--no-fund"]))
    if not folders or not rest:
        return None
    return folders, files, installs, " && ".join(rest)


def _legacy_webpack(tree: SourceTree, pkg: pkgmod.Package, profile: Profile, build: NodePlan) -> None:
    """webpack 4 (react-scripts 3 and 4, Vue CLI 4) hashes with MD4, which Node 17+ refuses (ERR_OSSL_EVP_UNSUPPORTED):
    the build runs with OpenSSL's legacy provider when the root, or a folder the build installs, locks webpack 4."""
    major = profile.runtime_version.split(".")[0]
    if not major.isdigit() or int(major) < 17:
        return
    for folder in [""] + build.prefix_installs:
        found = _locked_webpack(tree, folder, pkg.deps() if not folder else None)
        if found:
            build.legacy_openssl = True
            profile.note("build_command", f"webpack {found[0]} hashes with MD4, which Node {major} "
                         "refuses: the build runs with NODE_OPTIONS=--openssl-legacy-provider", found[1], None, 0.9)
            return


def _locked_webpack(tree: SourceTree, folder: str, deps: dict | None) -> tuple[str, str] | None:
    """(version, file) of a webpack before 5 that the folder's package-lock.json locks, or that its react-scripts
    (before 5) brings."""
    prefix = f"{folder}/" if folder else ""
    for name in ("package-lock.json", "npm-shrinkwrap.json"):
        text = tree.read(prefix + name) if tree.exists(prefix + name) else None
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            break  # a lockfile longer than what is read: react-scripts' version says it
        entry = ((data.get("packages") or {}).get("node_modules/webpack") or
                 (data.get("dependencies") or {}).get("webpack")) if isinstance(data, dict) else None
        version = entry.get("version") if isinstance(entry, dict) else None
        if isinstance(version, str) and version.split(".")[0].isdigit():
            return (version, prefix + name) if int(version.split(".")[0]) < 5 else None
    if deps is None:
        data = _json_file(tree, prefix + "package.json")
        deps = {**(data.get("devDependencies") or {}), **(data.get("dependencies") or {})} \
            if all(isinstance(data.get(k) or {}, dict) for k in ("dependencies", "devDependencies")) else {}
    spec = deps.get("react-scripts") if isinstance(deps, dict) else None
    head = spec.lstrip("^~=v ").split(".")[0] if isinstance(spec, str) else ""
    if head.isdigit() and int(head) < 5:
        return f"4 (react-scripts {spec})", prefix + "package.json"
    return None


def _npm_prefix_install(words: list[str]) -> tuple[str, list[str]] | None:
    """(folder, other options) of ``npm install --prefix <folder>`` (or ``npm ci``) that names no package."""
    if words[:1] != ["npm"]:
        return None
    command, folder, flags, i = None, None, [], 1
    while i < len(words):
        word = words[i]
        if word == "--prefix" and i + 1 < len(words):
            folder, i = words[i + 1], i + 2
            continue
        if word.startswith("--prefix="):
            folder = word.split("=", 1)[1]
        elif word.startswith("--production") or word.startswith(("--only", "--omit", "--include")):
            pass  # the build stage installs every dependency
        elif word.startswith("-"):
            if not all(c.isalnum() or c in "-_=." for c in word):
                return None
            flags.append(word)
        elif command is None:
            command = word
        else:
            return None  # `npm install <package>`: not the folder's own install
        i += 1
    if command not in ("install", "i", "ci") or not folder:
        return None
    folder = posixpath.normpath(folder)
    return (folder, flags) if folder != "." else None


def _all_programs(script: str) -> list[str]:
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return []
    programs, first = [], True
    for token in tokens:
        if token in ("&&", "||", ";", "&", "|", "|&"):
            first = True
        elif first and not _is_assignment(token) and token not in ("cross-env", "env", "exec"):
            programs.append(token)
            first = False
    return programs


def _started_file(tree: SourceTree, pkg: pkgmod.Package) -> str | None:
    """The file `node <file>` in scripts.start runs, when it has no .js extension (bin/www)."""
    words = _command(pkg.scripts.get("start", ""))
    if not words or words[0] not in ("node", "nodemon"):
        return None
    target = next((w for w in _node_args(words[1:]) if not w.startswith("-")), None)
    if not target:
        return None
    target = target.removeprefix("./")
    name = target.rsplit("/", 1)[-1]
    return target if "." not in name and tree.exists(target) else None


def _reads_port_env(tree: SourceTree, files: list[str]) -> bool:
    return source.reads_env(tree, files, "PORT")


def _pm_commands(pkg: pkgmod.Package) -> dict:
    """Install, run and exec commands of the project's package manager (installed in the base stage, by corepack
    when packageManager pins it, else by npm; a committed yarnPath release runs as it is)."""
    m, lock = pkg.manager, pkg.lockfile
    exe = {"npm": "npm", "pnpm": "pnpm", "yarn": "yarn", "yarn-berry": "yarn", "bun": "bun"}[m]
    if m == "yarn-berry" and pkg.yarn_path:
        exe = f"node {pkg.yarn_path}"
    if m == "npm":
        base = "npm ci" if lock else "npm install"
        return {"install_all": f"{base} --no-audit --no-fund", "install_prod": f"{base} --omit=dev --no-audit --no-fund",
                "run": ["npm", "run"], "exec": "npx --no-install", "cache": "/root/.npm"}
    if m == "pnpm":
        frozen = " --frozen-lockfile" if lock else ""
        return {"install_all": f"{exe} install{frozen} --store-dir /pnpm/store",
                "install_prod": f"{exe} install{frozen} --prod --store-dir /pnpm/store",
                "run": exe.split() + ["run"], "exec": f"{exe} exec", "cache": "/pnpm/store"}
    if m == "yarn":
        # Yarn classic refuses a package whose engines.node leaves out the image's Node; npm only warns
        frozen = " --frozen-lockfile" if lock else ""
        return {"install_all": f"{exe} install{frozen} --non-interactive --ignore-engines",
                "install_prod": f"{exe} install{frozen} --production --non-interactive --ignore-engines",
                "run": exe.split() + ["run"], "exec": exe, "cache": "/usr/local/share/.cache/yarn"}
    if m == "yarn-berry":
        immutable = " --immutable" if lock else ""
        return {"install_all": f"{exe} install{immutable}",
                "install_prod": f"{exe} workspaces focus --all --production",
                "run": exe.split() + ["run"], "exec": f"{exe} exec", "cache": "/root/.yarn/berry/cache"}
    frozen = " --frozen-lockfile" if lock else ""
    return {"install_all": f"bun install{frozen}", "install_prod": f"bun install{frozen} --production",
            "run": ["bun", "run"], "exec": "bunx", "cache": "/root/.bun/install/cache"}


def _start(tree: SourceTree, pkg: pkgmod.Package, role: str, build_script: str | None):
    """(argv, why, file, line, confidence) of the production start command."""
    web = _procfile_web(tree)
    if web:
        return web
    scripts = pkg.scripts
    line = pkg.line_of.get("start")
    start = scripts.get("start")
    if start:
        words = _command(start)
        prog = words[0] if words else None
        programs = _all_programs(start)
        ran = _runs_node_script(pkg, start)
        if ran:
            return ran
        served = _nx_serve_output(tree, words) if prog == "nx" and build_script else None
        if served:
            return ["node", served[0]], f"scripts.start runs {shlex.join(words)}: {served[1]}", served[2], None, 0.85
        if prog in SCRIPT_RUNNERS or "cd" in programs:
            run = {"npm": ["npm", "start"], "pnpm": ["pnpm", "start"], "yarn": ["yarn", "start"],
                   "yarn-berry": ["yarn", "start"], "bun": ["bun", "run", "start"]}[pkg.manager]
            if pkg.manager == "yarn-berry" and pkg.yarn_path:
                run = ["node", pkg.yarn_path, "start"]
            return run, f"scripts.start runs {start}: kept as the project starts it", "package.json", line, 0.85
        if prog == "node" and len(_node_args(words[1:])) > 0:
            return ["node", *_node_args(words[1:])], f"scripts.start runs {shlex.join(words)}" + \
                _env_file_note(words), "package.json", line, 0.95
        if prog == "next":
            args = [w for w in words[1:] if w not in ("-H", "--hostname")] if len(words) > 1 else ["start"]
            return (["node", "node_modules/next/dist/bin/next", *args], f"scripts.start runs {start}",
                    "package.json", line, 0.95)
        if prog == "nuxt" or prog == "nuxi":
            return ["node", ".output/server/index.mjs"], f"scripts.start runs {start} (Nuxt's server build)", \
                "package.json", line, 0.85
        if prog == "nest" and build_script:
            prod = _command(scripts.get("start:prod", ""))  # Nest's scaffold: "start:prod": "node dist/main"
            if prod[:1] == ["node"] and len(prod) > 1 and "$" not in " ".join(prod):
                return ["node", *prod[1:]], f"scripts.start runs nest start; scripts.start:prod runs " \
                    f"{shlex.join(prod)}", "package.json", pkg.line_of.get("start:prod"), 0.9
            mono = _nest_monorepo_entry(tree, _nest_start_project(pkg))
            if mono:
                return ["node", mono[0]], f"scripts.start runs {shlex.join(words)}: {mono[1]}", "nest-cli.json", \
                    None, 0.85
            return ["node", "dist/main.js"], "scripts.start runs nest start: the built dist/main.js", \
                "package.json", line, 0.85
        if prog in DEV_RUNNERS:
            target = next((w for w in words[1:] if w.endswith(source.SOURCE_SUFFIXES)), None)
            if target and target.endswith((".js", ".mjs", ".cjs")):
                return ["node", target], f"scripts.start runs {prog} {target}; node runs it in production", \
                    "package.json", line, 0.8
            prod = _prod_script(pkg)
            if prod:
                return prod
            if prog in ("tsx", "ts-node") and target and "$" not in start and "|" not in start \
                    and "watch" not in words and tree.exists(target.removeprefix("./")):
                # no build writes JavaScript for it: the TypeScript runs as the project starts it
                return ([f"{WORKDIR}/node_modules/.bin/{prog}", *_node_args(words[1:])],
                        f"scripts.start runs {shlex.join(words)}: {prog} runs the TypeScript source"
                        + _env_file_note(words), "package.json", line, 0.85)
        elif prog and prog not in ("npm", "yarn", "pnpm", "bun", "npx") and "$" not in start and "|" not in start:
            return ([f"{WORKDIR}/node_modules/.bin/{prog}", *words[1:]], f"scripts.start runs {start}",
                    "package.json", line, 0.8)
    prod = _prod_script(pkg)
    if prod:
        return prod
    main = pkg.data.get("main")
    if isinstance(main, str) and main.strip():
        target = main if not main.endswith((".ts", ".mts", ".cts")) else None
        if target and (tree.exists(target) or tree.exists(target + ".js") or build_script):
            return ["node", target], f"main is {main}", "package.json", pkg.line_of.get("main"), 0.85
    entry = next((f for f in ENTRY_FILES if tree.exists(f)), None)
    if entry:
        return ["node", entry], f"{entry} is the entry file", entry, None, 0.7
    if role == "next":
        return ["node", "node_modules/next/dist/bin/next", "start"], "a Next.js app: next start", \
            "package.json", None, 0.8
    if build_script and tree.exists("tsconfig.json"):
        out = _tsc_out_dir(tree) or "dist"
        return ["node", f"{out}/index.js"], f"a TypeScript build to {out}/; index.js assumed", "tsconfig.json", \
            None, 0.3
    return ["node", "index.js"], "no start script, main or server file found; set --set entrypoint=...", \
        None, None, 0.1


# Nx executors that serve a Node app by building it and running its output with node
NX_NODE_SERVE = ("@nx/js:node", "@nrwl/js:node", "@nx/node:node", "@nrwl/node:node", "@nx/node:execute",
                 "@nrwl/node:execute")
# build executors -> how the file node runs is named in outputPath: esbuild and webpack write <main's stem>.js
# (outputFileName when set); tsc keeps main's path
NX_BUNDLERS = ("@nx/esbuild:esbuild", "@nrwl/esbuild:esbuild", "@nx/webpack:webpack", "@nrwl/webpack:webpack",
               "@nx/node:webpack", "@nrwl/node:webpack")
NX_TSC = ("@nx/js:tsc", "@nrwl/js:tsc", "@nx/js:swc", "@nrwl/js:swc")


def _nx_serve_output(tree: SourceTree, words: list[str]) -> tuple[str, str, str] | None:
    """``nx serve [project]`` (or ``nx run project:serve``) of a Node app: the file its build target writes, which
    node runs in production instead of the watching dev server: (file, why, project.json)."""
    if words[1:2] == ["serve"]:
        name = next((w for w in words[2:] if not w.startswith("-")), None)
    elif words[1:2] == ["run"] and len(words) > 2 and words[2].endswith(":serve"):
        name = words[2].rsplit(":", 1)[0]
    else:
        return None
    projects = _nx_projects(tree)
    if name is None:  # the project of the folder nx runs in (a root project.json), nx.json's default, the only one
        nx = _json_file(tree, "nx.json")
        name = next((n for n, (rel, _) in projects.items() if rel == "project.json"), None) or \
            (nx.get("defaultProject") if isinstance(nx.get("defaultProject"), str) else None) or \
            (next(iter(projects)) if len(projects) == 1 else None)
    found = projects.get(name or "")
    if found is None:
        return None
    rel, targets = found
    serve = targets.get("serve") if isinstance(targets.get("serve"), dict) else {}
    options = serve.get("options") if isinstance(serve.get("options"), dict) else {}
    build_ref = options.get("buildTarget") or options.get("browserTarget")
    if serve.get("executor") not in NX_NODE_SERVE or not isinstance(build_ref, str):
        return None
    build_project, _, build_name = build_ref.partition(":")
    build_found = projects.get(build_project)
    build = build_found[1].get(build_name.split(":", 1)[0] or "build") if build_found else None
    build_options = build.get("options") if isinstance(build, dict) and isinstance(build.get("options"), dict) else {}
    out, main = build_options.get("outputPath"), build_options.get("main")
    if not (isinstance(out, str) and isinstance(main, str)) or build.get("executor") not in NX_BUNDLERS + NX_TSC:
        return None
    main = main.replace("{projectRoot}/", posixpath.dirname(rel) + "/" if "/" in rel else "")
    out = out.replace("{workspaceRoot}/", "")
    executor = build.get("executor")
    named = build_options.get("outputFileName")
    extension = (build_options.get("esbuildOptions") or {}).get("outExtension", {}) \
        if isinstance(build_options.get("esbuildOptions"), dict) else {}
    extension = extension.get(".js") if isinstance(extension, dict) else None
    if build_options.get("generatePackageJson") is True:
        file = out  # the package.json it writes there names its main file (main.js, main.cjs)
        how = f"writes {out}/ with a package.json naming its main file"
    elif executor in NX_TSC:
        file = posixpath.join(out, posixpath.splitext(main)[0] + ".js")
        how = f"writes {file}"
    elif isinstance(named, str) and named.endswith((".js", ".cjs", ".mjs")):
        file = posixpath.join(out, named)
        how = f"writes {file} (outputFileName)"
    elif "webpack" in executor or extension in (".js", ".cjs", ".mjs"):
        file = posixpath.join(out, posixpath.splitext(posixpath.basename(main))[0] + (extension or ".js"))
        how = f"writes {file}"
    else:
        return None  # esbuild's extension follows its version and format
    file = posixpath.normpath(file)
    if not all(c.isalnum() or c in "/._-@" for c in file) or file.startswith(("../", "/")):
        return None
    return file, f"its build target {build_ref} ({executor}) {how}, which node runs", rel


def _nx_projects(tree: SourceTree) -> dict[str, tuple[str, dict]]:
    """Nx projects by name: project.json files (at the root, apps/*, packages/*) -> (file, targets)."""
    found: dict[str, tuple[str, dict]] = {}
    for rel in sorted(f for f in tree.files if f.rsplit("/", 1)[-1] == "project.json" and f.count("/") <= 2):
        data = _json_file(tree, rel)
        name, targets = data.get("name"), data.get("targets")
        if isinstance(name, str) and isinstance(targets, dict):
            found.setdefault(name, (rel, targets))
    return found


def _json_file(tree: SourceTree, rel: str) -> dict:
    try:
        data = json.loads(pkgmod.strip_jsonc(tree.read(rel) or "{}"))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# package scripts that run with the app: the files they run are the app's
_APP_SCRIPTS = ("start", "prestart", "poststart", "serve", "start:prod", "build", "prebuild", "postbuild")


def _script_tools(tree: SourceTree, pkg: pkgmod.Package, profile: Profile) -> set[str]:
    """Source files that only other package scripts run (``"db:setup": "npx tsx lib/db/setup.ts"``, a seed
    script): one-off tools, not the server, so what they write is no folder of the app's."""
    from ..shell.script import read_script

    started = {w.removeprefix("./") for w in profile.entrypoint}
    found: set[str] = set()
    for name, text in pkg.scripts.items():
        if name in _APP_SCRIPTS:
            continue
        try:
            commands = read_script(text).words
        except (RecursionError, ValueError):
            continue
        for words, _line in commands:
            for word in words[1:]:
                rel = posixpath.normpath(word.removeprefix("./")) if not word.startswith("-") else ""
                if rel.endswith(source.SOURCE_SUFFIXES) and tree.exists(rel) and rel not in started:
                    found.add(rel)
    for name in _APP_SCRIPTS:  # a file the app's own scripts run too stays the app's
        try:
            commands = read_script(pkg.scripts.get(name, "")).words if pkg.scripts.get(name) else []
        except (RecursionError, ValueError):
            commands = []
        found -= {posixpath.normpath(w.removeprefix("./")) for words, _ in commands for w in words}
    return found


def _nest_start_project(pkg: pkgmod.Package) -> str | None:
    words = _command(pkg.scripts.get("start", "") or "")
    return next((w for w in words[2:] if not w.startswith("-")), None) if words[:2] == ["nest", "start"] else None


def _nest_other_apps(tree: SourceTree, pkg: pkgmod.Package) -> tuple[str, ...]:
    """The roots (``apps/orders/``) of the applications of a Nest monorepo that the image does not run."""
    if not tree.exists("nest-cli.json") or _nest_monorepo_entry(tree, _nest_start_project(pkg)) is None:
        return ()
    data = json.loads(pkgmod.strip_jsonc(tree.read("nest-cli.json") or "{}"))
    project = _nest_start_project(pkg)
    chosen = data["projects"].get(project) if project else \
        next((v for v in data["projects"].values() if isinstance(v, dict) and v.get("root") == data.get("root")), None)
    roots = []
    for spec in data["projects"].values():
        if isinstance(spec, dict) and spec is not chosen and spec.get("type", "application") == "application":
            root = spec.get("root")
            if isinstance(root, str) and frameworks.safe_dir(root.strip("/")) and root.strip("/") not in ("", "."):
                roots.append(root.strip("/") + "/")
    return tuple(roots)


def _nest_monorepo_entry(tree: SourceTree, project: str | None) -> tuple[str, str] | None:
    """Nest's monorepo mode (nest-cli.json ``"monorepo": true``): ``nest build`` compiles the default project
    (the one whose root is the top-level ``root``) or the one named, to the outDir of its tsconfig.app.json,
    ``dist/apps/<name>`` in the scaffold; its ``entryFile`` (main) starts it."""
    try:
        data = json.loads(pkgmod.strip_jsonc(tree.read("nest-cli.json") or "{}"))
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("monorepo") is not True or not isinstance(data.get("projects"), dict):
        return None
    projects = {k: v for k, v in data["projects"].items() if isinstance(k, str) and isinstance(v, dict)}
    if project is None:
        project = next((k for k, v in projects.items() if v.get("root") == data.get("root")), None)
    spec = projects.get(project or "")
    if not spec or spec.get("type", "application") != "application" or not frameworks.safe_dir(project):
        return None
    entry = spec.get("entryFile") or data.get("entryFile") or "main"
    out = f"dist/apps/{project}"
    options = spec.get("compilerOptions") if isinstance(spec.get("compilerOptions"), dict) else {}
    config = options.get("tsConfigPath") or f"{spec.get('root', f'apps/{project}')}/tsconfig.app.json"
    if isinstance(config, str) and tree.exists(config):
        try:
            app_config = json.loads(pkgmod.strip_jsonc(tree.read(config) or "{}"))
        except (json.JSONDecodeError, RecursionError):
            app_config = {}
        found = (app_config.get("compilerOptions") or {}).get("outDir") if isinstance(app_config, dict) else None
        if isinstance(found, str) and found.strip():
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(config), found.strip()))
            if frameworks.safe_dir(resolved) and resolved != ".":
                out = resolved
    if not isinstance(entry, str) or not frameworks.safe_dir(entry):
        return None
    return f"{out}/{entry}.js", f"Nest's monorepo mode builds the {project} project to {out}/ (nest-cli.json)"


def _procfile_web(tree: SourceTree):
    """The Procfile's ``web: node dist/server.js`` (what Heroku-style platforms run before any start script),
    when it runs node on a file."""
    for kind, argv, line in procfile_processes(tree):
        if kind != "web":
            continue
        words = _command(shlex.join(argv[2:]) if argv[:2] == ["sh", "-c"] else shlex.join(argv))
        args = _node_args(words[1:])
        if words[:1] == ["node"] and args and "$" not in " ".join(args) and \
                not any(w in ("-e", "--eval", "-p", "--print", "--watch") for w in args):
            return ["node", *args], f"the Procfile's web process runs {shlex.join(words)}" + \
                _env_file_note(words), "Procfile", line, 0.95
    return None


def _runs_node_script(pkg: pkgmod.Package, start: str):
    """``"start": "npm run serve"`` with ``"serve": "node dist/server.js"`` (and no pre/post scripts around
    either): node runs the server itself, as PID 1's child with the signals, without npm in between."""
    words = _command(start)
    if _all_programs(start) != words[:1]:
        return None  # several commands: kept as the project runs them
    if words[:2] in (["npm", "run"], ["pnpm", "run"], ["yarn", "run"], ["bun", "run"]) and len(words) == 3:
        name = words[2]
    elif words[:1] in (["yarn"], ["pnpm"]) and len(words) == 2 and words[1] not in ("install", "build", "run"):
        name = words[1]
    else:
        return None
    script = pkg.scripts.get(name)
    if not isinstance(script, str) or any(pkg.scripts.get(s) for s in (f"pre{name}", f"post{name}", "prestart",
                                                                          "poststart")):
        return None
    inner = _command(script)
    args = _node_args(inner[1:]) if inner[:1] == ["node"] and _all_programs(script) == ["node"] else []
    if not args or "$" in script or "|" in script:
        return None
    return ["node", *args], f"scripts.start runs {start}; scripts.{name} runs {shlex.join(inner)}" + \
        _env_file_note(inner), "package.json", pkg.line_of.get(name), 0.9


PROD_SCRIPTS = ("start:prod", "start:production", "prod", "serve:prod")


def _prod_script(pkg: pkgmod.Package):
    """A production start script beside a missing or development ``start`` (``"start:prod": "node
    dist/index.js"``): (argv, why, file, line, confidence), or None."""
    for name in PROD_SCRIPTS:
        script = pkg.scripts.get(name)
        words = _command(script) if isinstance(script, str) else []
        args = _node_args(words[1:]) if words[:1] == ["node"] else []
        if args and "$" not in script and "|" not in script:
            return ["node", *args], f"scripts.{name} runs {shlex.join(words)}" + _env_file_note(words), \
                "package.json", pkg.line_of.get(name), 0.9
    return None


def _node_args(args: list[str]) -> list[str]:
    """node's arguments without --env-file: .dockerignore keeps .env files out of the image, and node stops when
    the file is missing; the container gets its settings from compose instead."""
    out, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word in ("--env-file", "--env-file-if-exists"):
            skip = True
        elif not word.startswith(("--env-file=", "--env-file-if-exists=")):
            out.append(word)
    return out


def _env_file_note(words: list[str]) -> str:
    if any(w.startswith("--env-file") for w in words):
        return " (without --env-file: .env stays out of the image; compose.yaml sets the variables)"
    return ""


def _tsc_out_dir(tree: SourceTree) -> str | None:
    out = pkgmod.tsconfig(tree).get("outDir")
    if not isinstance(out, str) or not out.strip():
        return None
    return out.strip().removeprefix("./").rstrip("/") or None


def _next_health_route(tree: SourceTree, profile: Profile) -> None:
    """A health route of the file-based routers (app/api/health/route.js, pages/api/health.js)."""
    for base in ("app", "src/app"):
        for name in ("api/health", "api/healthz", "health", "healthz", "api/status"):
            found = next((f"{base}/{name}/route.{ext}" for ext in ("js", "ts", "mjs") if
                          tree.exists(f"{base}/{name}/route.{ext}")), None)
            if found:
                profile.health_path = "/" + name
                profile.note("health_path", f"{found} answers /{name}", found, None, 0.9)
                return
    for base in ("pages", "src/pages"):
        for name in ("api/health", "api/healthz", "api/status"):
            found = next((f"{base}/{name}.{ext}" for ext in ("js", "ts") if tree.exists(f"{base}/{name}.{ext}")), None)
            if found:
                profile.health_path = "/" + name
                profile.note("health_path", f"{found} answers /{name}", found, None, 0.9)
                return


def _next_standalone(tree: SourceTree) -> str | None:
    for rel in ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"):
        found = source.config_value(tree, rel, "output")
        if found and found[0] == "standalone":
            return rel
    return None


def _spa(tree: SourceTree, pkg: pkgmod.Package, profile: Profile) -> None:
    deps = pkg.deps()
    tool = next(t for t in SPA_TOOLS if t in deps)
    try:
        out, why, file = _spa_out_dir(tree, tool)
    except (AttributeError, TypeError):  # angular.json of an unexpected shape
        out, why, file = SPA_TOOLS[tool], f"{tool}'s default output folder", None
    if not _safe_dir(out):
        profile.warnings.append(f"the build output folder {out!r} is not a plain relative folder: "
                                f"{SPA_TOOLS[tool]}/ assumed")
        out, why, file = SPA_TOOLS[tool], f"{tool}'s default output folder", None
    profile.build.kind = "spa"
    profile.build.out_dir = out
    profile.note("build_command", f"the built site is {out}/: {why}", file, None, 0.9)
    profile.entrypoint = ["nginx", "-g", "daemon off;"]
    profile.note("entrypoint", f"a single-page app built by {tool}: nginx serves {out}/ with a fallback to "
                 "index.html", "package.json", None, 0.9)
    profile.ports = [8080]
    profile.note("ports", "nginx-unprivileged listens on 8080", confidence=1.0)
    profile.health_path = "/"
    profile.note("health_path", "the site's index.html", confidence=0.9)
    profile.dependencies = []
    if tool == "vite":
        _vite_base(tree, profile)
    # variables read at build time by the bundler are compiled into the bundle: not run-time settings
    files = [f for f in tree.with_suffix(".js", ".ts", ".jsx", ".tsx", ".vue", ".svelte", ".mjs")
             if not f.startswith(("node_modules/",))]
    names = source.bundle_env_names(tree, files)
    if names:
        profile.warnings.append(f"{', '.join(sorted(names))} are compiled into the bundle at build time: set them in the "
                                "build stage (never secrets: the bundle is public)")


def _vite_base(tree: SourceTree, profile: Profile) -> None:
    """vite.config's ``base: '/repo/'`` (a site published under a path, e.g. GitHub Pages): the built pages load
    their assets under that path, so nginx serves the site there, and ``/`` sends visitors to it."""
    for rel in ("vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts", "vite.config.cjs"):
        if not tree.exists(rel):
            continue
        base = frameworks._value(tree, rel, "base")
        if not isinstance(base, str) or base.strip() in ("", "/", "./"):
            return
        base = base.strip()
        path = base.strip("/")
        if not base.startswith("/") or not path or any(seg in ("", ".", "..") for seg in path.split("/")) or \
                not all(c.isalnum() or c in "/._-" for c in path):
            profile.warnings.append(f"{rel}: base {base!r} is not a plain path: the site is served at / and its "
                                    "assets may not load")
            return
        b = profile.build
        b.base_path = f"/{path}/"
        b.spa_fallback = f"/{path}/index.html"
        profile.health_path = b.base_path
        profile.note("health_path", f"base in {rel}: the site is served under {b.base_path} (/ redirects there)",
                     rel, None, 0.9)
        return


def _safe_dir(path: str) -> bool:
    """A folder of the build stage that a COPY line can name as it is."""
    return not path.startswith(("/", "../")) and ".." not in path.split("/") and \
        all(c.isalnum() or c in "/._-@+" for c in path)


def _spa_out_dir(tree: SourceTree, tool: str) -> tuple[str, str, str | None]:
    if tool == "vite" or tool == "astro":
        names = ("vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts", "vite.config.cjs") \
            if tool == "vite" else ("astro.config.mjs", "astro.config.ts", "astro.config.js")
        for rel in names:
            found = source.config_value(tree, rel, "outDir")
            out = found[0].strip().removeprefix("./").rstrip("/") if found and isinstance(found[0], str) else ""
            if out and _safe_dir(out):
                return out, f"outDir in {rel}", rel
        return "dist", f"{tool}'s default output folder", None
    if tool == "@angular/cli" and tree.exists("angular.json"):
        try:
            data = json.loads(tree.read("angular.json") or "{}")
        except (json.JSONDecodeError, RecursionError):
            data = {}
        data = data if isinstance(data, dict) else {}
        projects = data.get("projects") or {}
        name = data.get("defaultProject") or next(iter(projects), None)
        target = ((projects.get(name) or {}).get("architect") or {}).get("build") or {}
        out = (target.get("options") or {}).get("outputPath")
        builder = str(target.get("builder", ""))
        application = builder.endswith(":application")
        if isinstance(out, dict):
            base = out.get("base", f"dist/{name}")
            return f"{base.rstrip('/')}/{out.get('browser', 'browser')}".rstrip("/"), "outputPath in angular.json", "angular.json"
        if isinstance(out, str):
            return out.rstrip("/") + ("/browser" if application else ""), "outputPath in angular.json", "angular.json"
        if name:
            return f"dist/{name}" + ("/browser" if application else ""), "Angular's default output folder", "angular.json"
    return SPA_TOOLS[tool], f"{tool}'s default output folder", None


ANALYZER = Analyzer("node", detect, analyze, starter=lambda: starter.STARTER)
