"""Go: modules (go.mod) whose main package is at the root or under cmd/<name>.

The build stage downloads the modules listed in go.mod/go.sum before the
source is copied (code edits keep that layer), then builds one static binary
(``CGO_ENABLED=0``) unless the code or a dependency needs cgo. The runtime is
distroless (static, or base for cgo binaries) with the nonroot user; when the
app reads a secret from an env var it is debian:bookworm-slim instead, so
compose's secrets entrypoint has the /bin/sh it needs.
"""
from __future__ import annotations

import posixpath
import re

from ...profile import Evidence, Profile
from ...scan import SourceTree, line_of
from ..base import Analyzer, Detection, Starter
from ...envvars import is_port_name, is_secret, read_dotenv_example
from ...services import add_services_from_dependencies, link_service_env
from ..common import choose_health_path, new_project_port, new_server

DEFAULT_GO = "1.24"
BIN_DIR = "/usr/local/bin"
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

_MODULE = re.compile(r"^module\s+\"?([^\s\"]+)\"?", re.M)
_GO_DIRECTIVE = re.compile(r"^go\s+(\d+\.\d+)(?:\.(\d+))?\s*$", re.M)
_TOOLCHAIN = re.compile(r"^toolchain\s+go(\d+\.\d+)(?:\.(\d+))?\S*\s*$", re.M)
_PACKAGE = re.compile(r"^package\s+(\w+)", re.M)
_FUNC_MAIN = re.compile(r"^func\s+main\s*\(\s*\)", re.M)
_BUILD_IGNORE = re.compile(r"^//\s*(?:go:build|\+build)\s+.*\bignore\b", re.M)
_IMPORT_C = re.compile(r'^\s*import\s+"C"\s*$|^import\s*\((?:[^)]*\n)*?\s*"C"\s*\n', re.M)
_SERVES = re.compile(r"\b(?:http\.ListenAndServe(?:TLS)?|\.ListenAndServe(?:TLS)?\(|net\.Listen\(|http\.Serve\(|"
                     r"gin\.(?:Default|New)\(|echo\.New\(|fiber\.New\(|grpc\.NewServer\()")
_LISTEN_LITERAL = re.compile(
    r"""(?:ListenAndServe(?:TLS)?\(|net\.Listen\(\s*"tcp[46]?"\s*,|\.Run\(|\.Start\(|\.Listen\(|Addr\s*:)\s*"[\w.\[\]-]*:(\d{2,5})\"""")
_GIN_RUN_DEFAULT = re.compile(r"\b\w+\.Run\(\s*\)")
_GETENV = re.compile(r"""os\.(?:Getenv|LookupEnv)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)""")
_ASSIGNED_ENV = re.compile(r"""(\w+)\s*(?:,\s*(\w+)\s*)?:?=\s*os\.(?:Getenv|LookupEnv)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)""")
_HELPER_ENV = re.compile(r"""\b(\w*(?:[Ee]nv|ENV)\w*)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*,\s*(?:"([^"\n]*)"|(-?\d+(?:\.\d+)?|true|false))\s*\)""")
_CMP_OR = re.compile(r"""cmp\.Or\(\s*os\.Getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)\s*,\s*"([^"\n]*)"\s*\)""")
_FLAG_ENV = re.compile(r"""flag\.(?:String|Int)\(\s*"[\w-]+"\s*,\s*"?(\d{2,5})"?""")
_ROUTE = re.compile(r"""(?:HandleFunc|Handle|\.GET|\.Get|\.HEAD|\.Head|\.Any|\.Route|\.Group)\(\s*"(?:(?:GET|HEAD|POST|PUT)\s+)?(/[\w/.{}:*-]*)\"""")
_WRITE = re.compile(r"""os\.(?:MkdirAll|Mkdir)\(\s*"(/[\w.@/-]+)"|os\.(?:WriteFile|Create)\(\s*"(/[\w.@/-]+)"|os\.OpenFile\(\s*"(/[\w.@/-]+)"\s*,[^)]*O_(?:CREATE|WRONLY|RDWR|APPEND)|sql\.Open\(\s*"sqlite3?"\s*,\s*"(?:file:)?(/[\w.@/-]+)""")
_READ = re.compile(r"""os\.(?:ReadFile|Open)\(\s*"(/[\w.@/-]+)"\s*\)""")
_RELATIVE_ASSET = re.compile(r"""(?:http\.Dir|ParseGlob|ParseFiles|os\.ReadFile|os\.Open|\.Static|\.LoadHTMLGlob|\.LoadHTMLFiles|\.StaticFS|\.File)\(\s*(?:"/[\w/-]*"\s*,\s*)?"(?:\./)?([\w-][\w.-]*)/""")
_OUTBOUND_TLS = re.compile(r"""\b(?:http\.(?:Get|Post|Head|NewRequest\w*)\(|http\.Client\{|"crypto/tls"|tls\.Config\{)""")
_SYSTEM_PATHS = ("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/", "/var/run", "/run/", "/bin/")


class GoModError(ValueError):
    pass


def parse_go_mod(text: str, rel: str = "go.mod") -> dict:
    """Module path, go/toolchain versions, requirements (with // indirect) and replacements of a go.mod."""
    module = _MODULE.search(text)
    if not module:
        raise GoModError(f"{rel}: no `module` directive (is it a go.mod?)")
    go = _GO_DIRECTIVE.search(text)
    toolchain = _TOOLCHAIN.search(text)
    requires: list[dict] = []
    replaces: list[dict] = []
    block = None
    for number, raw in enumerate(text.splitlines(), 1):
        indirect = "// indirect" in raw
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block:
            if line == ")":
                block = None
                continue
            entry = line
            kind = block
        else:
            m = re.match(r"^(require|replace|exclude|retract)\s*(\(?)\s*(.*)$", line)
            if not m:
                continue
            if m.group(2):
                block = m.group(1)
                if m.group(3) and m.group(3) != ")":
                    raise GoModError(f"{rel}:{number}: unexpected text after `{m.group(1)} (`")
                continue
            kind, entry = m.group(1), m.group(3)
        if kind == "require":
            parts = entry.split()
            if len(parts) != 2 or not parts[1].startswith("v"):
                raise GoModError(f"{rel}:{number}: can't read the requirement {entry!r} (expected `path vX.Y.Z`)")
            requires.append({"path": parts[0].strip('"'), "version": parts[1], "indirect": indirect, "line": number})
        elif kind == "replace":
            old, sep, new = entry.partition("=>")
            if not sep:
                raise GoModError(f"{rel}:{number}: a replace without `=>`")
            target = new.split()
            replaces.append({"path": old.split()[0], "target": target[0] if target else "",
                             "local": bool(target) and target[0].startswith((".", "/")), "line": number})
    return {
        "module": module.group(1),
        "module_line": line_of(text, module.start()),
        "go": go.group(1) if go else None,
        "go_full": (go.group(1) + (f".{go.group(2)}" if go.group(2) else "")) if go else None,
        "go_line": line_of(text, go.start()) if go else None,
        "toolchain": toolchain.group(1) if toolchain else None,
        "toolchain_line": line_of(text, toolchain.start()) if toolchain else None,
        "requires": requires,
        "replaces": replaces,
    }


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


def _nested_modules(tree: SourceTree) -> list[str]:
    return [posixpath.dirname(f) + "/" for f in tree.glob("*/go.mod")]


def go_files(tree: SourceTree) -> list[str]:
    """The module's own .go files: no tests, testdata, nested modules or `//go:build ignore` files."""
    nested = _nested_modules(tree)
    files = []
    for f in tree.with_suffix(".go"):
        if f.endswith("_test.go") or re.search(r"(^|/)(testdata|_\w+|\.\w+)/", f) or f.startswith(tuple(nested)):
            continue
        files.append(f)
    return files


def packages(tree: SourceTree, files: list[str]) -> dict[str, dict]:
    """Directory -> {"name", "files", "main" (has func main), "serves"}."""
    found: dict[str, dict] = {}
    for f in files:
        text = tree.read(f) or ""
        if _BUILD_IGNORE.search(text.split("\npackage ", 1)[0] + "\n"):
            continue
        m = _PACKAGE.search(text)
        if not m:
            continue
        d = posixpath.dirname(f)
        pkg = found.setdefault(d, {"name": m.group(1), "files": [], "main": False, "serves": False, "main_file": None})
        pkg["files"].append(f)
        if m.group(1) == "main" and _FUNC_MAIN.search(text):
            pkg["main"] = True
            pkg["main_file"] = pkg["main_file"] or f
        if _SERVES.search(text):
            pkg["serves"] = True
    return found


def module_basename(module: str) -> str:
    parts = [p for p in module.split("/") if p]
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        parts = parts[:-1]
    return parts[-1] if parts else "app"


def detect(tree: SourceTree) -> Detection | None:
    if not tree.exists("go.mod"):
        loose = [f for f in tree.with_suffix(".go") if not f.endswith("_test.go")]
        if loose and tree.grep(_FUNC_MAIN, loose[:50]):
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


def _env_defaults(tree: SourceTree, files: list[str]) -> dict[str, tuple[str, str, int]]:
    """NAME -> (fallback literal, file, line) from the common Go idioms."""
    found: dict[str, tuple[str, str, int]] = {}
    for rel in files:
        text = tree.read(rel) or ""
        for m in _ASSIGNED_ENV.finditer(text):
            var, ok, name = m.group(1), m.group(2), m.group(3)
            after = text[m.end(): m.end() + 400]
            test = rf"if\s+(?:{re.escape(var)}\s*==\s*\"\"|!{re.escape(ok)})" if ok else rf"if\s+{re.escape(var)}\s*==\s*\"\""
            fb = re.search(test + rf"\s*\{{\s*{re.escape(var)}\s*=\s*\"([^\"\n]*)\"", after)
            if fb:
                found.setdefault(name, (fb.group(1), rel, line_of(text, m.start())))
        for m in _HELPER_ENV.finditer(text):
            if m.group(1).startswith(("os.", "Getenv", "LookupEnv")):
                continue
            found.setdefault(m.group(2), (m.group(3) if m.group(3) is not None else m.group(4),
                                          rel, line_of(text, m.start())))
        for m in _CMP_OR.finditer(text):
            found.setdefault(m.group(1), (m.group(2), rel, line_of(text, m.start())))
    return found


def read_source(tree: SourceTree, files: list[str], profile: Profile, framework: str | None) -> bool:
    """Env vars, ports, routes and paths of the files that make the binary; True when it serves."""
    defaults = _env_defaults(tree, files)
    names: list[tuple[str, str, int]] = []
    for rel, line, m in tree.grep(_GETENV, files):
        names.append((m.group(1), rel, line))
    for name, (_, rel, line) in defaults.items():
        names.append((name, rel, line))
    seen: set[str] = set()
    for name, rel, line in names:
        if name in SYSTEM_ENV or name in seen:
            continue
        seen.add(name)
        default = defaults.get(name, (None,))[0]
        secret = is_secret(name, default)
        if profile.env_var(name) is None:
            profile.note("env", f"{name}: os.Getenv" + (f" (falls back to {default!r})" if default and not secret
                                                         else "") + (" (a secret)" if secret else ""), rel, line)
        profile.add_env(name, None if secret else default, secret)
        if is_port_name(name) and not profile.port_env:
            profile.port_env = name
            profile.note("port_env", f"the port is read from {name}", rel, line)
    serves = bool(tree.grep(_SERVES, files))
    if serves:
        if profile.port_env:
            default = defaults.get(profile.port_env)
            if default and default[0].lstrip(":").isdigit():
                profile.add_port(int(default[0].lstrip(":")), f"{profile.port_env} falls back to {default[0]}",
                          default[1], default[2], 0.95)
        if not profile.ports:
            for rel, line, m in tree.grep(_LISTEN_LITERAL, files):
                profile.add_port(int(m.group(1)), f"listens on a literal address: {m.group(0).strip()}", rel, line, 0.9)
                break
        if not profile.ports and framework == "gin" and tree.grep(_GIN_RUN_DEFAULT, files):
            rel, line, _ = tree.grep(_GIN_RUN_DEFAULT, files)[0]
            profile.add_port(8080, "gin's Run() listens on $PORT or 8080", rel, line, 0.85)
            if not profile.port_env:
                profile.port_env = "PORT"
                profile.note("port_env", "gin's Run() reads PORT", rel, line, 0.85)
        if not profile.ports:
            for rel, line, m in tree.grep(_FLAG_ENV, files):
                profile.add_port(int(m.group(1)), f"a flag's default port: {m.group(0)}", rel, line, 0.6)
                break
        if not profile.ports:
            profile.add_port(8080, "the program serves but no port literal was found; 8080 assumed", None, None, 0.4)
    for rel, line, m in tree.grep(_WRITE, files):
        path = m.group(1) or posixpath.dirname(m.group(2) or m.group(3) or m.group(4))
        if path and path != "/" and not path.startswith(_SYSTEM_PATHS) and path not in profile.writable_paths:
            profile.writable_paths.append(path)
            profile.note("writable_paths", f"the program writes under {path}", rel, line, 0.75)
    for rel, line, m in tree.grep(_READ, files):
        path = m.group(1)
        if path.startswith(_SYSTEM_PATHS) or path in profile.read_paths or any(
                path.startswith(w.rstrip("/") + "/") for w in profile.writable_paths):
            continue  # files the program also writes live on its volume
        profile.read_paths.append(path)
        profile.note("read_paths", f"the program reads {path}", rel, line, 0.7)
    return serves


def _choose_main(tree: SourceTree, pkgs: dict[str, dict], module: str, profile: Profile) -> str:
    mains = {d: p for d, p in pkgs.items() if p["main"]}
    if not mains:
        raise GoModError("go.mod: no main package (package main with func main) at the root or under cmd/: "
                         "nothing to run; use --set entrypoint=... after adding one")
    base = module_basename(module)

    def rank(d: str):
        name = posixpath.basename(d) if d else base
        return (not mains[d]["serves"], name != base, d != "", not d.startswith("cmd/"), d.count("/"), d)

    ordered = sorted(mains, key=rank)
    chosen = ordered[0]
    reasons = []
    if mains[chosen]["serves"]:
        reasons.append("it serves")
    if (posixpath.basename(chosen) if chosen else base) == base:
        reasons.append(f"named like the module ({base})")
    why = f"main package ./{chosen}" if chosen else "main package at the module root"
    profile.note("entrypoint", why + (f" ({', '.join(reasons)})" if reasons else "")
                 + (f"; {len(mains) - 1} other main package(s)" if len(mains) > 1 else ""),
                 mains[chosen]["main_file"], None, 0.95 if len(mains) == 1 or reasons else 0.6)
    for d in ordered:
        name = _binary_name(d, module)
        profile.candidates.append({"entrypoint": [f"{BIN_DIR}/{name}"], "package": "./" + d if d else ".",
                                   "why": "main package" + (" that serves" if mains[d]["serves"] else ""),
                                   "file": mains[d]["main_file"], "confidence": 0.9 if d == chosen else 0.5})
    return chosen


def _binary_name(d: str, module: str) -> str:
    name = posixpath.basename(d) if d else module_basename(module)
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "app"


def analyze(tree: SourceTree, profile: Profile) -> None:
    if not tree.exists("go.mod"):
        raise GoModError(f"{tree.root}: Go sources but no go.mod: run `go mod init <module>` first "
                         "(containerize builds Go modules)")
    mod = parse_go_mod(tree.read("go.mod") or "")
    module = mod["module"]
    profile.package_manager = "go modules"
    profile.note("package_manager", f"go.mod declares module {module}", "go.mod", mod["module_line"], 1.0)
    profile.compiled = True

    # the Go version: the toolchain directive when newer than the go line
    version, why, line = DEFAULT_GO, f"go.mod has no go directive; Go {DEFAULT_GO} assumed", None
    if mod["go"]:
        version, why, line = mod["go"], f"go.mod says go {mod['go_full']}", mod["go_line"]
    if mod["toolchain"] and (not mod["go"] or _version_key(mod["toolchain"]) > _version_key(mod["go"])):
        version, why, line = mod["toolchain"], f"go.mod asks for toolchain go{mod['toolchain']}", mod["toolchain_line"]
    profile.runtime_version = version
    profile.note("runtime_version", why + " (GO_VERSION build argument, golang:X-bookworm builder)", "go.mod", line,
                 0.95 if line else 0.4)

    files = go_files(tree)
    pkgs = packages(tree, files)
    chosen = _choose_main(tree, pkgs, module, profile)
    binary = _binary_name(chosen, module)
    # the binary's own package plus every library package of the module
    src = [f for d, p in pkgs.items() if d == chosen or not p["main"] for f in p["files"]]

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
    add_services_from_dependencies(profile, [(r["path"], "go.mod", r["line"]) for r in mod["requires"]])

    # cgo: import "C" in the module's code, or a dependency that wraps C
    cgo_why = None
    build_pkgs: list[str] = []
    runtime_pkgs: list[str] = []
    for rel, ln, _ in tree.grep(_IMPORT_C, src):
        cgo_why = ('import "C"', rel, ln)
        break
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

    serves = read_source(tree, src, profile, framework)
    read_dotenv_example(tree, profile)
    if profile.port_env and profile.ports:
        profile.add_env(profile.port_env, str(profile.ports[0])).default = str(profile.ports[0])
    if serves and not framework:
        profile.framework = "net/http"
        profile.note("framework", "the standard library's net/http server", confidence=0.7)
    else:
        profile.framework = framework
    if profile.ports:
        choose_health_path(profile, [(m.group(1), rel, ln) for rel, ln, m in tree.grep(_ROUTE, src)])
    link_service_env(profile)

    # files the binary opens relative to its working directory (templates/, static/)
    assets = []
    for rel, ln, m in tree.grep(_RELATIVE_ASSET, src):
        folder = m.group(1)
        if tree.isdir(folder) and folder not in assets and not tree.grep(r"//go:embed\s+" + re.escape(folder), src):
            assets.append(folder)
            profile.note("read_paths", f"{folder}/ is read relative to the working directory", rel, ln, 0.7)

    package = "./" + chosen if chosen else "."
    ldflags = '-ldflags="-s -w"'
    profile.build_command = ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", f"/out/{binary}", package]
    profile.note("build_command", f"go build {package}" + (" with cgo" if cgo else " (static)"),
                 "go.mod", None, 0.9)
    profile.entrypoint = [f"{BIN_DIR}/{binary}"]

    outbound_tls = bool(direct) or bool(tree.grep(_OUTBOUND_TLS, src))
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
    replace_dirs = [posixpath.normpath(t) for t in local_replaces if t not in outside and tree.isdir(posixpath.normpath(t))]
    if tree.exists("go.work"):
        profile.warnings.append("go.work found: the image builds the module in go.mod alone (GOWORK=off)")
    if mod["requires"] and not tree.exists("go.sum") and not vendored:
        profile.warnings.append("go.mod has requirements but there is no go.sum: run `go mod tidy` and commit "
                                "go.sum, or the build fails (missing go.sum entry)")

    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}
    profile.build = {
        "module": module,
        "package": package,
        "binary": binary,
        "bin_dir": BIN_DIR,
        "cgo": cgo,
        "ldflags": ldflags,
        "manifests": ["go.mod"] + (["go.sum"] if tree.exists("go.sum") else []),
        "replace_dirs": replace_dirs,
        "vendored": vendored,
        "gowork": tree.exists("go.work"),
        "runtime": runtime,
        "shell": runtime == "slim",
        "assets": assets,
        "workdir": "/app",
    }
    image = {"slim": "debian:bookworm-slim", "distroless-base": "gcr.io/distroless/base-debian12:nonroot",
             "distroless-static": "gcr.io/distroless/static-debian12:nonroot"}[runtime]
    profile.note("system_packages", f"runtime: {image}" + (
        " (a shell for the secrets entrypoint: the app reads " + ", ".join(v.name for v in profile.secrets)
        + " from the environment)" if needs_shell else " (no shell, nonroot)")
        + (f" with {', '.join(runtime_pkgs)}" if runtime_pkgs else ""), confidence=0.85)
    if not profile.ports and not serves:
        profile.note("ports", "no listener found: a batch program (no EXPOSE, no HEALTHCHECK)", confidence=0.7)


# -- a new project (containerize init) ----------------------------------------------
# The go line of a new go.mod (the oldest Go the module needs): every current toolchain builds it.
NEW_GO = "1.23"
NEW_PORT = 8080
# framework -> (label, module a main.go imports for it, or None for the standard library)
NEW_FRAMEWORKS = {
    "net/http": ("net/http: the standard library's server (no dependencies)", None),
    "gin": ("Gin", "github.com/gin-gonic/gin"),
    "echo": ("Echo", "github.com/labstack/echo/v4"),
    "chi": ("chi (a net/http router)", "github.com/go-chi/chi/v5"),
    "none": ("none: a command-line program, worker or batch job", None),
}


def _new_name(profile: Profile) -> str:
    """The module path and binary name of a new project: its folder's name."""
    name = re.sub(r"[^a-z0-9]+", "-", posixpath.basename(str(profile.root)).lower()).strip("-")
    return name or "app"


def _new_defaults(profile: Profile, framework: str | None) -> None:
    framework = "net/http" if framework is None else (framework or "none")
    framework = framework if framework in NEW_FRAMEWORKS else "net/http"
    name = _new_name(profile)
    profile.framework = None if framework == "none" else framework
    profile.package_manager = "go modules"
    profile.note("package_manager", f"a new project: the go.mod written for it declares module {name}",
                 confidence=0.5)
    profile.runtime_version = NEW_GO
    profile.note("runtime_version", f"a new project: go.mod says go {NEW_GO} (GO_VERSION build argument; "
                 "any newer toolchain builds it too)", confidence=0.5)
    profile.compiled = True
    profile.note("compiled", "pure Go: a static binary (CGO_ENABLED=0)", confidence=0.5)
    profile.build_command = ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", f"/out/{name}", "."]
    profile.note("build_command", "a new project: go build of the main package at the root (main.go)",
                 confidence=0.5)
    profile.entrypoint = [f"{BIN_DIR}/{name}"]
    profile.note("entrypoint", "a new project: the binary of the main package you write in main.go "
                 "(package main, func main)", confidence=0.5)
    if framework != "none":
        new_server(profile, NEW_PORT, "a new web app reads its port from PORT (gin's Run() does)")
    profile.build = {
        "module": name,
        "package": ".",
        "binary": name,
        "bin_dir": BIN_DIR,
        "cgo": False,
        "ldflags": '-ldflags="-s -w"',
        # go.sum appears with the first dependency (go mod tidy): copied when it is there
        "manifests": ["go.mod", "go.sum*"],
        "replace_dirs": [],
        "vendored": False,
        "gowork": False,
        "runtime": "distroless-static",
        "shell": False,
        "assets": [],
        "workdir": "/app",
    }


def _new_finish(profile: Profile) -> None:
    """After the answers: the port env var follows the port, the binary follows the start command,
    and a secret read from the environment needs a shell for compose's secrets entrypoint."""
    b = profile.build
    new_project_port(profile)
    argv = profile.entrypoint
    if argv and argv[0].startswith(BIN_DIR + "/") and posixpath.basename(argv[0]) != b["binary"]:
        b["binary"] = posixpath.basename(argv[0])
        profile.build_command = ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", f"/out/{b['binary']}",
                                 b["package"]]
    # Debian packages given for the runtime, or a secret read from the environment: slim Debian (with CA
    # certificates, as distroless has them); else distroless static
    runtime = [p for p in profile.system_packages.get("runtime", []) if p != "ca-certificates"]
    slim = bool(profile.secrets or runtime)
    b["runtime"] = "slim" if slim else "distroless-static"
    b["shell"] = slim
    profile.system_packages["runtime"] = (["ca-certificates"] if slim else []) + runtime
    profile.system_packages.setdefault("build", [])
    steps = [f"Write `main.go` at the root: `package main` with `func main()`; go.mod (module {b['module']}, "
             f"go {_go_line(profile)}) is there already."]
    module = NEW_FRAMEWORKS.get(profile.framework or "none", ("", None))[1]
    steps.append(("Import `" + module + "`, then run" if module else "After adding an import from outside "
                  "the standard library, run") + " `go mod tidy`: it records the dependencies in go.mod and "
                 "go.sum, which the image downloads before copying the code.")
    if profile.ports:
        steps.append(f"Listen on all interfaces at the port in `{profile.port_env or 'PORT'}` "
                     f"(default {profile.ports[0]}), e.g. `http.ListenAndServe(\":\"+port, mux)`, and answer "
                     f"`GET {profile.health_path or '/'}` for the health check.")
    b["next_steps"] = steps


def _go_line(profile: Profile) -> str:
    m = re.match(r"(\d+\.\d+(?:\.\d+)?)", profile.runtime_version or "")
    return m.group(1) if m else NEW_GO


def _new_files(profile: Profile) -> dict[str, str]:
    """go.mod: the Dockerfile copies it first (the same as `go mod init`)."""
    return {"go.mod": f"module {profile.build.get('module') or _new_name(profile)}\n\ngo {_go_line(profile)}\n"}


STARTER = Starter([(k, label) for k, (label, _) in NEW_FRAMEWORKS.items()], _new_defaults, _new_finish, _new_files)

ANALYZER = Analyzer("go", detect, analyze, starter=STARTER)
