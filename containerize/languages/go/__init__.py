"""Go: modules (go.mod) whose main package is at the root or under cmd/<name>.

The build stage downloads the modules listed in go.mod/go.sum before the
source is copied (code edits keep that layer), then builds one static binary
(``CGO_ENABLED=0``) unless the code or a dependency needs cgo. The runtime is
distroless (static, or base for cgo binaries) with the nonroot user; when the
app reads a secret from an env var it is debian:bookworm-slim instead, so
compose's secrets entrypoint has the /bin/sh it needs.

manifest.py reads go.mod, source.py the facts of the code (tree-sitter),
plan.py is the typed plan the Dockerfile template reads, starter.py a new project.
"""
from __future__ import annotations

import posixpath
import re

from ... import image_tags, syntax
from ...envvars import is_port_name, is_secret, read_dotenv_example
from ...profile import Evidence, Profile, Worker
from ...scan import SourceTree
from ...services import (add_services_from_connections, add_services_from_dependencies, link_service_env,
                         warn_fixed_localhost)
from ...workers import add_image_procfile_workers, runs_binary
from ..base import Analyzer, Detection, forward_names, submodules
from ..common import choose_health_path, record_paths
from . import config
from .manifest import GoModError, module_basename, parse_go_mod, version_key

# loaded when this language's analysis runs, not while the languages of a tree are detected
source, plan, starter = submodules(__name__, "source", "plan", "starter")

__all__ = ["ANALYZER", "STARTER", "GoModError", "GoPlan", "NEW_GO", "NEW_PORT", "NEW_FRAMEWORKS", "parse_go_mod"]

DEFAULT_GO = image_tags.FAMILIES["golang"].default or "1.25"
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "TMPDIR", "GOMAXPROCS",
              "GODEBUG", "GOGC", "GOMEMLIMIT"}

# module -> (Debian build packages, Debian runtime packages); every one of them needs cgo
CGO_MODULES: dict[str, tuple[list[str], list[str]]] = {
    "github.com/mattn/go-sqlite3": ([], []),  # bundles SQLite's C source
    "github.com/confluentinc/confluent-kafka-go": ([], []),  # bundles a static librdkafka
    "github.com/confluentinc/confluent-kafka-go/v2": ([], []),
    "gopkg.in/gographics/imagick.v3": (["libmagickwand-dev", "pkg-config"], ["libmagickwand-6.q16-6"]),
    "gopkg.in/gographics/imagick.v2": (["libmagickwand-dev", "pkg-config"], ["libmagickwand-6.q16-6"]),
}
# module (prefix) -> framework
FRAMEWORKS = (
    ("github.com/gin-gonic/gin", "gin"), ("github.com/labstack/echo", "echo"), ("github.com/gofiber/fiber", "fiber"),
    ("github.com/go-chi/chi", "chi"), ("github.com/gorilla/mux", "gorilla/mux"),
    ("github.com/julienschmidt/httprouter", "httprouter"),
)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# env vars of a service the app talks to, not of its own listener
SERVICE_PREFIXES = ("DATABASE_", "DB_", "POSTGRES_", "PG_", "MYSQL_", "MARIADB_", "REDIS_", "MONGO", "SMTP_", "MAIL_",
                    "RABBIT", "AMQP_", "KAFKA_", "ELASTIC", "MEMCACHE", "NATS_", "GRPC_CLIENT", "UPSTREAM_")
_SYSTEM_PATHS = ("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/", "/var/run", "/run/", "/bin/")
# a path that may reach the Dockerfile and compose.yaml (checked on the one extracted string)
_SAFE_PATH = re.compile(r"/[\w.@/-]+")
_SAFE_REL = re.compile(r"[\w.@+-][\w.@/+-]*")
_SKIPPED_DIR = re.compile(r"(^|/)(testdata|_[^/]*|\.[^/]*)/")


def _nested_modules(tree: SourceTree) -> list[str]:
    return [posixpath.dirname(f) + "/" for f in tree.glob("*/go.mod")]


def go_files(tree: SourceTree) -> list[str]:
    """The module's own .go files: no tests, testdata, nested modules (`//go:build ignore` is read later)."""
    nested = tuple(_nested_modules(tree))
    return [f for f in tree.with_suffix(".go")
            if not f.endswith("_test.go") and not _SKIPPED_DIR.search(f) and not (nested and f.startswith(nested))]


def packages(tree: SourceTree, files: list[str]) -> dict[str, dict]:
    """Directory -> {"name", "files", "main" (has func main), "serves", "main_file"}."""
    found: dict[str, dict] = {}
    for rel in files:
        facts = source.read_file(tree, rel)
        if facts is None or facts.ignored or not facts.package:
            continue
        pkg = found.setdefault(facts.dir, {"name": facts.package, "files": [], "main": False, "serves": False,
                                           "main_file": None})
        pkg["files"].append(rel)
        if facts.package == "main" and facts.has_main:
            pkg["main"] = True
            pkg["main_file"] = pkg["main_file"] or rel
    for pkg in found.values():
        if pkg["main"]:
            pkg["serves"] = source.Program(tree, pkg["files"]).serves()
    return found


def _loose_module(tree: SourceTree) -> dict:
    """A module for .go files without a go.mod: only a standard-library main package at the top can be built
    that way (any other import needs versions only `go mod tidy` on the developer's machine should choose)."""
    loose = [f for f in tree.with_suffix(".go") if "/" not in f and not f.endswith("_test.go")]
    facts = [(rel, f) for rel in loose if (f := source.read_file(tree, rel)) is not None and not f.ignored]
    if not any(f.package == "main" and f.has_main for _, f in facts):
        raise GoModError(f"{tree.root}: Go sources but no go.mod and no main package at the top: run "
                         "`go mod init <module>` first (containerize builds Go modules)")
    for rel, f in facts:
        for path in f.imports.values():
            if "." in path.split("/", 1)[0]:
                raise GoModError(f"{rel} imports {path} but there is no go.mod: run `go mod init <module> && "
                                 "go mod tidy` and commit go.mod and go.sum (the build can't choose dependency versions)")
    name = re.sub(r"[^a-z0-9._-]+", "-", tree.root.name.lower()).strip("-.") or "app"
    return parse_go_mod(f"module {name}\n", "(go mod init)")


# gorm v1's dialect packages import the driver: the service is the driver's
IMPORTED_DRIVERS = {"github.com/jinzhu/gorm/dialects/mysql": "github.com/go-sql-driver/mysql",
                    "github.com/jinzhu/gorm/dialects/postgres": "github.com/lib/pq"}


def detect(tree: SourceTree) -> Detection | None:
    if not tree.exists("go.mod"):
        loose = [f for f in tree.with_suffix(".go") if not f.endswith("_test.go")]
        if any((facts := source.read_file(tree, rel)) is not None and facts.has_main for rel in loose[:50]):
            return Detection("go", 45, [Evidence(f"{len(loose)} .go file(s) but no go.mod", confidence=0.5)])
        return None
    files = go_files(tree)
    pkgs = packages(tree, files)
    mains = [d for d, p in pkgs.items() if p["main"]]
    if mains:
        where = ", ".join((d or ".") for d in sorted(mains)[:3])
        return Detection("go", 95, [Evidence(f"go.mod with a main package ({where})", "go.mod", None, 0.95)])
    return Detection("go", 60 if files else 50, [Evidence("go.mod without a main package (a library?)", "go.mod",
                                                         None, 0.6)])


def _clean(value: str | None) -> str | None:
    """A default that may be written to compose.yaml: one line of printable text."""
    if value is None or any(ord(c) < 32 or ord(c) == 127 for c in value) or len(value) > 1000:
        return None
    return value


def read_source(program: source.Program, profile: Profile, framework: str | None,
                config_port: tuple[int, str, str, str, int] | None = None) -> bool:
    """Env vars, ports, routes and paths of the files that make the binary; True when it serves.
    ``config_port``: (port, config file, key, the Go file that loads it, line), the listen port when the code
    shows none."""
    defaults = program.defaults
    seen: set[str] = set()
    for name, rel, line in program.env_reads():
        if name in SYSTEM_ENV or name in seen:
            continue
        seen.add(name)
        default = _clean(defaults.get(name, (None,))[0])
        secret = is_secret(name, default)
        if profile.env_var(name) is None:
            profile.note("env", f"{name}: os.Getenv" + (f" (falls back to {default!r})" if default and not secret
                                                         else "") + (" (a secret)" if secret else ""), rel, line)
        profile.add_env(name, None if secret else default, secret)
    serves = program.serves()
    addresses = program.listen_addresses() if serves else []
    # the port's env var: the one the listen address reads (unless it holds a whole address), else, with no
    # address read, the first port-like name read that isn't a service's (DATABASE_PORT)
    read = next(((v.env, rel, line) for v, rel, line, _ in addresses if v.env), None)
    listen_env = read if read and is_port_name(read[0]) else None
    chosen = listen_env
    if not read and not any(source.port_of(v.text) for v, _, _, _ in addresses):
        chosen = next(((n, rel, line) for n, rel, line in program.env_reads()
                       if is_port_name(n) and n not in SYSTEM_ENV and not n.startswith(SERVICE_PREFIXES)), None)
    if chosen:
        profile.port_env = chosen[0]
        profile.note("port_env", f"the port is read from {chosen[0]}" + (
            " (in the listen address)" if chosen is listen_env else ""), chosen[1], chosen[2])
    for value, rel, line, _ in addresses:
        host = value.text.rsplit(":", 1)[0] if value.text and ":" in value.text else ""
        if host in LOCAL_HOSTS:
            profile.warnings.append(
                f"{rel}:{line}: the server listens on {value.text} (localhost only); it must listen on all "
                "interfaces to be reachable in a container" + (
                    f": set {value.env}=:{source.port_of(value.text)}" if value.env and source.port_of(value.text) else ""))
            break
    if serves:
        if profile.port_env:
            default = defaults.get(profile.port_env)
            port = source.port_of(default[0], bare=True) if default else None
            if port:
                profile.add_port(port, f"{profile.port_env} falls back to {default[0]}", default[1], default[2], 0.95)
        if not profile.ports:
            for value, rel, line, what in addresses:
                port = source.port_of(value.text)
                if port:
                    profile.add_port(port, f"listens on {value.text!r} ({what})", rel, line, 0.9)
                    break
        if not profile.ports and framework == "gin" and program.bare_runs():
            rel, line = program.bare_runs()[0]
            profile.add_port(8080, "gin's Run() listens on $PORT or 8080", rel, line, 0.85)
            if not profile.port_env:
                profile.port_env = "PORT"
                profile.note("port_env", "gin's Run() reads PORT", rel, line, 0.85)
        if not profile.ports:
            for value, rel, line in program.flag_ports():
                profile.add_port(source.port_of(value, bare=True), f"a flag's default port: {value!r}", rel, line, 0.6)
                break
        if not profile.ports and config_port:
            port, path, key, rel, line = config_port
            profile.add_port(port, f"{path} sets {key} = {port} (loaded at run time by {rel}:{line})", path, None,
                             0.75)
        if not profile.ports:
            profile.add_port(8080, "the program serves but no port literal was found; 8080 assumed", None, None, 0.4)
    record_paths(profile, program.paths(), _SAFE_PATH, _SYSTEM_PATHS)
    return serves


def serves_through_imports(tree: SourceTree, pkgs: dict[str, dict], module: str) -> None:
    """A main package serves when a package of the module it imports does (`func main() { cli.Run() }` with the
    server in ./pkg/cli, cmd/appd calling the module's http package): mark those main packages as serving."""
    imports = module_imports(tree, pkgs, module)
    for d, pkg in pkgs.items():
        if not pkg["main"] or pkg["serves"]:
            continue
        seen, todo = {d}, list(imports.get(d, ()))
        while todo and len(seen) < 500:
            lib = todo.pop()
            if lib in seen or pkgs[lib]["main"]:
                continue
            seen.add(lib)
            if _library_serves(tree, pkgs[lib]):
                pkg["serves"] = True
                pkg["serves_through"] = lib
                break
            todo += imports.get(lib, ())


def module_imports(tree: SourceTree, pkgs: dict[str, dict], module: str) -> dict[str, set[str]]:
    """Package folder -> the folders of the module's packages it imports."""
    prefix = module + "/"
    imports: dict[str, set[str]] = {}
    for d, pkg in pkgs.items():
        found = imports.setdefault(d, set())
        for rel in pkg["files"]:
            facts = source.read_file(tree, rel)
            for path in facts.imports.values() if facts is not None else ():
                if path.startswith(prefix) and path[len(prefix):] in pkgs:
                    found.add(path[len(prefix):])
    return imports


def linked_packages(tree: SourceTree, pkgs: dict[str, dict], module: str, chosen: str) -> set[str]:
    """The folders of the packages the chosen main package is built from: itself and the module's packages it
    imports, directly or through others (another command's packages, an example's, are not in its binary)."""
    imports = module_imports(tree, pkgs, module)
    seen, todo = {chosen}, list(imports.get(chosen, ()))
    while todo:
        d = todo.pop()
        if d in seen or pkgs[d]["main"]:
            continue
        seen.add(d)
        todo += imports.get(d, ())
    return seen


def _library_serves(tree: SourceTree, pkg: dict) -> bool:
    """Whether a package's own code starts a server (looked at once a package, kept in it)."""
    if "library_serves" not in pkg:
        pkg["library_serves"] = source.Program(tree, pkg["files"]).serves()
    return pkg["library_serves"]


def _serving_subcommand(tree: SourceTree, program: source.Program,
                        pkgs: dict[str, dict]) -> tuple[str, str, int] | None:
    """(word, file, line) of the cobra command whose Run starts a server: it calls a server-starting function
    itself, or a function of one of the module's packages that serves."""
    commands = program.cobra_commands()
    if not commands:
        return None
    serving_names = {pkg["name"] for pkg in pkgs.values() if not pkg["main"] and _library_serves(tree, pkg)}
    for word, names, rel, line in commands:
        direct = names & (source.SERVE_CALLS | {"." + m for m in source.ADDRESS_METHODS} | {".ListenAndServe"})
        through = {n.split(".", 1)[0] for n in names if n[:1] != "."} & serving_names
        if (direct or through) and re.fullmatch(r"[\w][\w.-]*", word):
            return word, rel, line
    return None


# main packages that are examples, demos or tools of a module, not its program
AUX_DIRS = {"example", "examples", "_examples", "demo", "demos", "sample", "samples", "tools", "tool", "hack",
            "scripts", "script", "docs", "test", "tests", "e2e", "bench", "benchmarks", "internal/tools"}
AUX_WORDS = {"example", "examples", "demo", "sample", "storybook", "mock", "mocks", "test", "bench", "gen",
             "generate", "generator", "codegen", "migrate", "migration", "seed", "tool", "tools", "fixture",
             "cli", "client", "ctl"}
SERVER_WORDS = {"server", "api", "web", "daemon", "app", "service", "http", "serve", "backend"}


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[-_.]+", name.lower()) if w]


def _choose_main(pkgs: dict[str, dict], module: str, profile: Profile) -> str:
    mains = {d: p for d, p in pkgs.items() if p["main"]}
    if not mains:
        raise GoModError("go.mod: no main package (package main with func main) at the root or under cmd/: "
                         "nothing to run; use --set entrypoint=... after adding one")
    base = module_basename(module)

    def aux(d: str) -> bool:
        parts = d.split("/") if d else []
        return any(p.lower() in AUX_DIRS for p in parts[:-1]) or any(w in AUX_WORDS for w in _words(parts[-1])) \
            or parts[-1].lower().endswith(("ctl", "cli")) if parts else False

    def server_named(name: str) -> bool:  # the module's daemon (wtfd beside wtf), or a server-like word
        return name == base + "d" or any(w in SERVER_WORDS for w in _words(name))

    def rank(d: str):
        name = posixpath.basename(d) if d else base
        return (not mains[d]["serves"], aux(d), not (mains[d]["serves"] and server_named(name)), name != base,
                d != "", not d.startswith("cmd/"), d.count("/"), d)

    ordered = sorted(mains, key=rank)
    chosen = ordered[0]
    reasons = []
    if mains[chosen].get("serves_through"):
        reasons.append(f"it serves (through ./{mains[chosen]['serves_through']})")
    elif mains[chosen]["serves"]:
        reasons.append("it serves")
    if (posixpath.basename(chosen) if chosen else base) == base:
        reasons.append(f"named like the module ({base})")
    why = f"main package ./{chosen}" if chosen else "main package at the module root"
    profile.note("entrypoint", why + (f" ({', '.join(reasons)})" if reasons else "")
                 + (f"; {len(mains) - 1} other main package(s)" if len(mains) > 1 else ""),
                 mains[chosen]["main_file"], None, 0.95 if len(mains) == 1 or reasons else 0.6)
    for d in ordered:
        name = _binary_name(d, module)
        profile.candidates.append({"entrypoint": [f"{plan.BIN_DIR}/{name}"], "package": "./" + d if d else ".",
                                   "why": "main package" + (" that serves" if mains[d]["serves"] else ""),
                                   "file": mains[d]["main_file"], "confidence": 0.9 if d == chosen else 0.5})
    return chosen


# task-queue servers a command runs to work off jobs: (import path, call as source.Program names it)
QUEUE_SERVERS = (("github.com/hibiken/asynq", "NewServer"), ("github.com/RichardKnuts/machinery", ".NewWorker"),
                 ("github.com/RichardKnuts/machinery/v2", ".NewWorker"),
                 ("github.com/RichardKnuts/machinery/v1", ".NewWorker"))


def queue_workers(tree: SourceTree, pkgs: dict[str, dict], module: str,
                  chosen: str) -> list[tuple[str, source.Program, str, int, str]]:
    """(folder, program, file, line, why) of each other command of the module that runs a task-queue worker
    (asynq.NewServer(...).Run(mux), machinery's server.NewWorker(...)): it runs beside the app."""
    found = []
    for d, pkg in sorted(pkgs.items()):
        if not pkg["main"] or d == chosen or pkg["serves"]:
            continue
        linked = linked_packages(tree, pkgs, module, d)
        program = source.Program(tree, [f for x, p in pkgs.items() if x in linked for f in p["files"]])
        for call, f in program.calls:
            package, _, name = call.name.rpartition(".") if call.name[:1] != "." else ("", "", call.name)
            hit = next((path for path, func in QUEUE_SERVERS
                        if (func == name and f.imports.get(package) == path)
                        or (func == call.name and path in f.imports.values())), None)
            if hit:
                found.append((d, program, f.rel, syntax.line(call.node), f"it works off a {hit.split('/')[2]} task "
                              f"queue ({call.name.lstrip('.')})"))
                break
    return found


def _binary_name(d: str, module: str) -> str:
    name = posixpath.basename(d) if d else module_basename(module)
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "app"


def analyze(tree: SourceTree, profile: Profile) -> None:
    mod_init = not tree.exists("go.mod")
    if mod_init:
        mod = _loose_module(tree)
        module = mod["module"]
        profile.package_manager = "go modules"
        profile.note("package_manager", f"no go.mod: the build stage runs `go mod init {module}` (the program uses "
                     "the standard library only)", None, None, 0.8)
        profile.warnings.append(f"no go.mod: the image makes one (`go mod init {module}`); commit your own to pin "
                                "the Go version")
    else:
        mod = parse_go_mod(tree.read("go.mod") or "")
        module = mod["module"]
        profile.package_manager = "go modules"
        profile.note("package_manager", f"go.mod declares module {module}", "go.mod", mod["module_line"], 1.0)
    profile.compiled = True

    # the Go version: the toolchain directive when newer than the go line
    version, why, line = DEFAULT_GO, f"{'there is no go.mod' if mod_init else 'go.mod has no go directive'}; " \
        f"Go {DEFAULT_GO} assumed", None
    if mod["go"]:
        version, why, line = mod["go"], f"go.mod says go {mod['go_full']}", mod["go_line"]
    if mod["toolchain"] and (not mod["go"] or version_key(mod["toolchain"]) > version_key(mod["go"])):
        version, why, line = mod["toolchain"], f"go.mod asks for toolchain go{mod['toolchain']}", mod["toolchain_line"]
    # a go directive is a minimum: build with the newest published toolchain that satisfies it, unless mise or
    # asdf pins the Go the developers build with (and it can build this module)
    pin = image_tags.tool_pin(tree, "go", "golang")
    if pin and (mod["go"] or mod["toolchain"]) and version_key(pin[0])[:2] < version_key(version)[:2]:
        profile.warnings.append(f"{pin[1]} pins go {pin[0]}, older than the go.mod's {version}: Go {version} or newer")
        pin = None
    if pin:
        choice = image_tags.choose("golang", pin[0])
        why, line = f"{pin[1]} pins go {pin[0]}", pin[2]
        if choice.note:
            profile.warnings.append(f"{pin[1]}: {choice.note}")
        profile.runtime_version = choice.version
        profile.note("runtime_version", why + (f", built with Go {choice.version}" if choice.version != pin[0] else "")
                     + " (GO_VERSION build argument, golang:X-bookworm builder)", pin[1], line, 0.95)
    else:
        choice = image_tags.choose("golang", version if mod["go"] or mod["toolchain"] else None, minimum=True)
        profile.runtime_version = choice.version
        if choice.version != version:
            why += f", built with the newest published Go, {choice.version}"
        profile.note("runtime_version", why + " (GO_VERSION build argument, golang:X-bookworm builder)",
                     None if mod_init else "go.mod", line,
                     0.95 if line else 0.4)

    files = go_files(tree)
    pkgs = packages(tree, files)
    serves_through_imports(tree, pkgs, module)
    chosen = _choose_main(pkgs, module, profile)
    binary = _binary_name(chosen, module)
    # the binary's own package plus the module's packages it imports
    linked = linked_packages(tree, pkgs, module, chosen)
    src = [f for d, p in pkgs.items() if d in linked for f in p["files"]]
    program = source.Program(tree, src)

    direct = [r for r in mod["requires"] if not r["indirect"]]
    profile.dependencies = [r["path"] for r in direct]
    for r in direct:
        profile.note("dependencies", f"{r['path']} {r['version']}", "go.mod", r["line"], 0.95)
    framework = None
    for prefix, name in FRAMEWORKS:
        hit = next((r for r in mod["requires"] if r["path"] == prefix or r["path"].startswith(prefix + "/")), None)
        if hit:
            framework = name
            profile.note("framework", f"go.mod requires {hit['path']}", "go.mod", hit["line"], 0.95)
            break
    add_services_from_dependencies(profile, [(r["path"], "go.mod", r["line"]) for r in mod["requires"] if not r["indirect"]])
    # a driver the code imports though go.mod lists it as indirect (gorm v1's `_ "github.com/jinzhu/gorm/dialects/mysql"`)
    add_services_from_dependencies(profile, [(IMPORTED_DRIVERS.get(path, path), f.rel, None)
                                             for f in program.files for path in f.imports.values()])

    # cgo: import "C" in the module's code, or a dependency that wraps C
    cgo_why = None
    build_pkgs: list[str] = []
    runtime_pkgs: list[str] = []
    import_c = program.import_c()
    if import_c:
        cgo_why = ('import "C"', import_c[0], None)
    for r in mod["requires"]:
        if r["path"] in CGO_MODULES:
            cgo_why = cgo_why or (f"{r['path']} needs cgo", "go.mod", r["line"])
            b, rt = CGO_MODULES[r["path"]]
            build_pkgs += [x for x in b if x not in build_pkgs]
            runtime_pkgs += [x for x in rt if x not in runtime_pkgs]
    cgo = cgo_why is not None
    if cgo:
        profile.note("compiled", f"cgo: {cgo_why[0]} (CGO_ENABLED=1, glibc runtime)", cgo_why[1], cgo_why[2], 0.9)
    else:
        profile.note("compiled", "pure Go: a static binary (CGO_ENABLED=0)", "go.mod", None, 0.85)

    config_paths, config_names = program.config_paths()
    configs = config.files(tree, config_paths, config_names)
    found = config.port(tree, configs)
    loaded = next((c for c in configs if found and c[0] == found[1]), None)
    serves = read_source(program, profile, framework, found + loaded[1:] if found and loaded else None)
    read_dotenv_example(tree, profile)
    if profile.port_env and profile.ports:
        profile.add_env(profile.port_env)  # its value follows the port (compose.yaml, ENV)
    if serves and not framework:
        profile.framework = "net/http"
        profile.note("framework", "the standard library's net/http server", confidence=0.7)
    else:
        profile.framework = framework
    routes = program.routes() if profile.ports else []
    writes_only = program.write_routes() if profile.ports and not routes else []
    if writes_only and not program.relative_folders() and not program.embedded():
        # only POST/PUT/... routes and no files served: a GET anywhere is a 404 or 405
        path, rel, ln = writes_only[0]
        profile.health_path = None
        profile.note("health_path", f"the code serves no GET route, only {path} and the like for other methods: "
                     "the health check only connects to the port", rel, ln, 0.7)
    elif profile.ports and (framework or routes or program.speaks_http()):
        # a route whose last part reads like a health check (/api/ping/) before the other plain routes
        choose_health_path(profile, sorted(routes, key=lambda r: not source.health_like(r[0])))
    elif profile.ports:  # a TCP server of its own protocol (gRPC, Redis, ...): an HTTP GET can't tell
        profile.health_path = None
        profile.note("health_path", "the server speaks no HTTP that the code shows (no net/http server or handler, "
                     "no HTTP framework): the health check only connects to the port", confidence=0.6)
    from . import connections  # how the code reaches its backing services
    connections.read_connections(program, profile)
    add_services_from_connections(profile)
    warn_fixed_localhost(profile)
    for path, key, value, kind in config.local_services(tree, configs):
        kinds = [s.kind for s in profile.services if kind is None and s.kind in ("postgres", "mysql", "mongodb")
                 or s.kind == kind]
        if kinds:
            profile.warnings.append(f"{path} sets {key} = {value}: in compose the {kinds[0]} service is another "
                                    f"host; set it to {kinds[0]} (or read the host from an env var)")
    link_service_env(profile)

    # files the binary opens relative to its working directory (templates/, static/)
    assets = []
    embedded = program.embedded()
    for folder, rel, ln in program.relative_folders():
        is_dir = tree.isdir(folder)
        if (is_dir or tree.exists(folder) and not folder.endswith(".go")) and folder not in assets \
                and folder not in embedded and re.fullmatch(r"[\w.-]+", folder):
            assets.append(folder)
            profile.note("read_paths", f"{folder}{'/' if is_dir else ''} is read relative to the working directory",
                         rel, ln, 0.7)

    # config files it loads at run time (conf/app.ini, config/default.yaml, config.toml): copied beside it
    for path, rel, ln in configs:
        top = path.split("/", 1)[0]
        if top not in assets and top not in embedded and re.fullmatch(r"[\w.-]+", top):
            assets.append(top)
            profile.note("read_paths", f"{path} is loaded at run time relative to the working directory", rel, ln, 0.8)

    # folders the config files name in keys the code reads as paths (RuntimeRootPath = runtime/): written at
    # run time, so volumes; their committed files (fonts, images it reads) are copied in first
    writes = program.writes() if configs else None
    if writes:
        used, nested = program.config_fields()
        for folder, path, key, rel, ln in config.folders(tree, configs, used, nested):
            writable = f"{plan.WORKDIR}/{folder}"
            if not _SAFE_PATH.fullmatch(writable) or writable in profile.writable_paths:
                continue
            profile.writable_paths.append(writable)
            profile.note("writable_paths", f"{path} sets {key} = {folder}/, a folder {rel}:{ln} reads as a path, "
                         f"and the program writes files ({writes[0]}:{writes[1]})", rel, ln, 0.75)
            top = folder.split("/", 1)[0]
            if any(f.startswith(top + "/") for f in tree.files):
                if top not in assets and top not in embedded and re.fullmatch(r"[\w.-]+", top):
                    assets.append(top)
                    profile.note("read_paths", f"{top}/ holds committed files beside what the program writes there",
                                 rel, ln, 0.7)

    # files and folders written relative to the working directory (gorm.Open("sqlite3", "./realworld.db"),
    # os.MkdirAll("uploads")): the binary runs in WORKDIR; a folder is a volume, a file at its top lives in the
    # volume STATE_DIR with a link at its path (it stays a file, the folder stays read-only)
    chdir = False
    state_files: list[str] = []
    for kind, path, rel, ln in program.paths(relative=True):
        if kind == "read" or not _SAFE_REL.fullmatch(path):
            continue
        folder = path if kind == "dir" else posixpath.dirname(path)
        chdir = True
        if folder:
            writable = f"{plan.WORKDIR}/{folder}"
            if writable not in profile.writable_paths and not any(
                    writable.startswith(w + "/") for w in profile.writable_paths):
                profile.writable_paths.append(writable)
                profile.note("writable_paths", f"the program writes under {folder}/, relative to its working "
                             f"directory ({plan.WORKDIR})", rel, ln, 0.75)
        elif path not in state_files:
            state_files.append(path)
            if plan.STATE_DIR not in profile.writable_paths:
                profile.writable_paths.append(plan.STATE_DIR)
            profile.note("writable_paths", f"the program writes {path} in its working directory: kept in "
                         f"{plan.STATE_DIR}, linked from {plan.WORKDIR}/{path}", rel, ln, 0.75)

    package = "./" + chosen if chosen else "."
    if not _SAFE_REL.fullmatch(package):
        raise GoModError(f"{package!r}: the main package's folder name has characters a Dockerfile can't carry "
                         "(use letters, digits, '.', '_', '-' and '/')")
    profile.build_command = ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", f"/out/{binary}", package]
    profile.note("build_command", f"go build {package}" + (" with cgo" if cgo else " (static)"),
                 "go.mod", None, 0.9)
    profile.entrypoint = [f"{plan.BIN_DIR}/{binary}"]
    if serves:
        # a cobra CLI whose server is one subcommand (`cli server`): the image runs that subcommand
        command = _serving_subcommand(tree, program, pkgs)
        if command:
            word, rel, ln = command
            profile.entrypoint.append(word)
            profile.note("entrypoint", f"the cobra command {word!r} starts the server (its Run calls it)", rel, ln,
                         0.8)
    # a //go:embed folder the build makes (a frontend's dist/ from `go generate` / npm): not in the source
    for f in program.files:
        for pattern in f.embeds:
            folder = posixpath.normpath(posixpath.join(f.dir, pattern.removeprefix("all:"))) if not \
                pattern.startswith('"') else None
            if folder and "*" not in folder and not folder.startswith("..") and not tree.exists(folder) \
                    and not tree.isdir(folder) and not (tree.root / folder).exists():
                node = tree.exists(posixpath.join(f.dir, "package.json"))
                profile.warnings.append(
                    f"{f.rel}: //go:embed {pattern} names {folder}, which is not in the source: `go build` fails "
                    "until it exists" + (f" (build it first: npm run build in {f.dir or '.'}, then commit it or "
                                         "add a Node build stage)" if node else ""))
    # other commands of the module that work off a task queue (./worker with asynq.NewServer): built into the
    # image beside the app and run as workers, with the settings they read
    worker_binaries: list[tuple[str, str]] = []
    for d, worker_program, rel, ln, why in queue_workers(tree, pkgs, module, chosen):
        name = _binary_name(d, module)
        if name == binary or any(name == n for n, _ in worker_binaries) or not _SAFE_REL.fullmatch("./" + d) \
                or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}", name):
            continue
        worker_binaries.append((name, "./" + d))
        profile.workers.append(Worker(name, [f"{plan.BIN_DIR}/{name}"], rel, ln, f"./{d}: {why}"))
        profile.note("workers", f"{name}: ./{d}: {why}, built into the image and run beside the app", rel, ln, 0.85)
        defaults = worker_program.defaults
        for env_name, env_rel, env_line in worker_program.env_reads():
            if env_name in SYSTEM_ENV or profile.env_var(env_name) is not None:
                continue
            default = _clean(defaults.get(env_name, (None,))[0])
            secret = is_secret(env_name, default)
            profile.note("env", f"{env_name}: os.Getenv in ./{d}, the {name} worker" + (
                " (a secret)" if secret else ""), env_rel, env_line)
            profile.add_env(env_name, None if secret else default, secret)
    # a Procfile process that runs the binary with other arguments (bin/NAME worker): a worker
    add_image_procfile_workers(tree, profile, runs_binary(profile, {binary, module_basename(module)}))

    outbound_tls = bool(direct) or bool(program.selectors & {"http.Get", "http.Post", "http.Head", "http.PostForm",
                                                             "http.NewRequest", "http.NewRequestWithContext",
                                                             "http.Client", "tls.Config"})
    needs_shell = bool(profile.secrets)
    if needs_shell or runtime_pkgs:
        runtime = "slim"
        if outbound_tls:
            runtime_pkgs = ["ca-certificates"] + [p for p in runtime_pkgs if p != "ca-certificates"]
    else:
        runtime = "distroless-base" if cgo else "distroless-static"
    vendored = (tree.root / "vendor" / "modules.txt").is_file()
    local_replaces = [r["target"].rstrip("/") for r in mod["replaces"] if r["local"]]
    outside = [t for t in local_replaces if t.startswith("/") or posixpath.normpath(t).startswith("..")]
    if outside:
        profile.warnings.append(f"go.mod replaces modules with {', '.join(outside)} outside the build context: "
                                "the build can't see them (vendor them or build from a parent folder)")
    replace_dirs = [posixpath.normpath(t) for t in local_replaces
                    if t not in outside and tree.isdir(posixpath.normpath(t)) and _SAFE_REL.fullmatch(t)]
    if any(not _SAFE_REL.fullmatch(t) for t in local_replaces if t not in outside):
        profile.warnings.append("go.mod replaces a module with a folder whose name the Dockerfile can't copy "
                                "safely (spaces or special characters): it is not copied before the download")
    if tree.exists("go.work"):
        profile.warnings.append("go.work found: the image builds the module in go.mod alone (GOWORK=off)")
    if mod["requires"] and not tree.exists("go.sum") and not vendored:
        profile.warnings.append("go.mod has requirements but there is no go.sum: run `go mod tidy` and commit "
                                "go.sum, or the build fails (missing go.sum entry)")

    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}
    profile.build = plan.GoPlan(
        module=module, package=package, binary=binary, cgo=cgo,
        manifests=["go.mod"] + (["go.sum"] if tree.exists("go.sum") else []), mod_init=mod_init,
        replace_dirs=replace_dirs, vendored=vendored, gowork=tree.exists("go.work"), runtime=runtime,
        shell=runtime == "slim", assets=assets, chdir=chdir, state_files=state_files,
        worker_binaries=worker_binaries)
    image = {"slim": "debian:bookworm-slim", "distroless-base": "gcr.io/distroless/base-debian12:nonroot",
             "distroless-static": "gcr.io/distroless/static-debian12:nonroot"}[runtime]
    profile.note("system_packages", f"runtime: {image}" + (
        " (a shell for the secrets entrypoint: the app reads " + ", ".join(v.name for v in profile.secrets)
        + " from the environment)" if needs_shell else " (no shell, nonroot)")
        + (f" with {', '.join(runtime_pkgs)}" if runtime_pkgs else ""), confidence=0.85)
    if not profile.ports and not serves:
        profile.note("ports", "no listener found: a batch program (no EXPOSE, no HEALTHCHECK)", confidence=0.7)


ANALYZER = Analyzer("go", detect, analyze, starter=lambda: starter.STARTER)


# names of the modules loaded on first use, still importable from the package
__getattr__ = forward_names(__name__, (plan, starter), (
    "BIN_DIR", "GoPlan", "NEW_FRAMEWORKS", "NEW_GO", "NEW_PORT", "STARTER"))
