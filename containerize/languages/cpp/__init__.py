"""C and C++: CMake, Make and Meson projects that build an executable.

The build stage compiles with Debian's toolchain and the -dev packages of the
libraries the build files name (find_package, target_link_libraries, -lfoo,
dependency()); the runtime gets only the matching shared-library packages, and
the build checks with ``ldd`` that the binary finds every library it links.
"""
from __future__ import annotations

import posixpath
import re

from ...checklist import DETECTED, AnalysisError, origin_of
from ...profile import Evidence, Profile
from ...scan import SourceTree, line_of
from ..base import Analyzer, Detection, Starter
from ...envvars import is_port_name, is_secret, read_dotenv_example
from ...services import add_services_from_dependencies, link_service_env
from ..common import choose_health_path

C_SUFFIXES = (".c",)
CXX_SUFFIXES = (".cc", ".cpp", ".cxx", ".c++", ".C")
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx")
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
BIN_DIR = "/usr/local/bin"

# library (as CMake, pkg-config, meson or the linker names it, lower case) ->
# (Debian -dev package for the build, Debian runtime package, service client name)
LIBRARIES: dict[str, tuple[str | None, str | None, str | None]] = {}
for _names, _dev, _run, _svc in (
    (("openssl", "openssl::ssl", "openssl::crypto", "ssl", "crypto", "libssl", "libcrypto"), "libssl-dev", "libssl3", None),
    (("curl", "curl::libcurl", "libcurl"), "libcurl4-openssl-dev", "libcurl4", None),
    (("zlib", "zlib::zlib", "z"), "zlib1g-dev", "zlib1g", None),
    (("sqlite3", "sqlite::sqlite3", "sqlite"), "libsqlite3-dev", "libsqlite3-0", None),
    (("postgresql", "postgresql::postgresql", "pq", "libpq"), "libpq-dev", "libpq5", "libpq"),
    (("pqxx", "libpqxx"), "libpqxx-dev", "libpqxx-6.4", "libpqxx"),
    (("hiredis", "hiredis::hiredis"), "libhiredis-dev", "libhiredis0.14", "hiredis"),
    (("mariadb", "libmariadb", "mysqlclient", "mariadbclient"), "libmariadb-dev", "libmariadb3", "libmariadb"),
    (("fmt", "fmt::fmt"), "libfmt-dev", "libfmt9", None),
    (("spdlog", "spdlog::spdlog"), "libspdlog-dev", "libspdlog1.10", None),
    (("uuid",), "uuid-dev", "libuuid1", None),
    (("yaml-cpp",), "libyaml-cpp-dev", "libyaml-cpp0.7", None),
    (("jsoncpp", "jsoncpp_lib"), "libjsoncpp-dev", "libjsoncpp25", None),
    (("libevent", "event"), "libevent-dev", "libevent-2.1-7", None),
    (("libmicrohttpd", "microhttpd"), "libmicrohttpd-dev", "libmicrohttpd12", None),
    (("nlohmann_json", "nlohmann_json::nlohmann_json"), "nlohmann-json3-dev", None, None),
    # in libc / the toolchain: nothing to install
    (("threads", "threads::threads", "pthread", "m", "dl", "rt", "stdc++", "gcc", "c", "atomic"), None, None, None),
):
    for _n in _names:
        LIBRARIES[_n] = (_dev, _run, _svc)
# what gcr.io/distroless/cc-debian12 carries besides glibc
DISTROLESS_CC = {"libssl3"}

_CMAKE_PROJECT = re.compile(r"^\s*project\s*\(\s*([\w.+-]+)", re.M | re.I)
_CMAKE_EXE = re.compile(r"^\s*add_executable\s*\(\s*([\w.+${}-]+)([^)]*)\)", re.M | re.I)
_CMAKE_FIND = re.compile(r"^\s*find_package\s*\(\s*([\w.+-]+)", re.M | re.I)
_CMAKE_LINK = re.compile(r"^\s*target_link_libraries\s*\(\s*[\w.+${}-]+([^)]*)\)", re.M | re.I)
_CMAKE_PKG = re.compile(r"^\s*pkg_(?:check|search)_modules\s*\(\s*\w+([^)]*)\)", re.M | re.I)
_CMAKE_FETCH = re.compile(r"^\s*(FetchContent_Declare|ExternalProject_Add)\s*\(\s*([\w.+-]+)", re.M | re.I)
_MESON_EXE = re.compile(r"""executable\s*\(\s*['"]([\w.+-]+)['"]""")
_MESON_DEP = re.compile(r"""dependency\s*\(\s*['"]([\w.+-]+)['"]""")
_MESON_PROJECT = re.compile(r"""project\s*\(\s*['"]([\w.+-]+)['"]\s*,\s*['"](c|cpp)['"]""")
_MAKE_VAR = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*[:?+]?=\s*(.*?)\s*$", re.M)
_MAKE_RULE = re.compile(r"^([^\s:=#%][^:=#\n]*?)[ \t]*::?(?!=)[ \t]*([^;\n]*)", re.M)
_MAKE_LIB = re.compile(r"(?<![\w-])-l([\w+.-]+)")
_MAKE_PKGCONFIG = re.compile(r"pkg-config\s+(?:--\S+\s+)*([\w.+ -]+?)\s*[)`]")
_NOT_TARGETS = {"all", "clean", "install", "uninstall", "test", "tests", "check", "distclean", "format", "lint",
                "run", "debug", "release", "help", "dist", "docs", "default", "bench"}

_MAIN = re.compile(r"^\s*(?:int|auto)\s+main\s*\(", re.M)
_GETENV = re.compile(r"""(?:std::)?(?:secure_)?getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)""")
_DEFINE_PORT = re.compile(r"^\s*#\s*define\s+\w*PORT\w*\s+\(?\s*(\d{2,5})\s*\)?\s*$", re.M)
_HTONS = re.compile(r"htons\s*\(\s*(\d{2,5})\s*\)")
_PORT_VAR = re.compile(r"\b(?:const\s+)?(?:int|unsigned|uint16_t|short|auto|constexpr\s+\w+)\s+\w*port\w*\s*=\s*(\d{2,5})\s*;", re.I)
_LISTENS = re.compile(r"\b(?:listen\s*\(|\.listen\s*\(|bind\s*\(|MHD_start_daemon|accept\s*\()")
_OPEN_READ = re.compile(r"""(?:fopen\(\s*"(/[\w.@/-]+)"\s*,\s*"r|ifstream\s+\w+\s*[({][^;]*?"(/[\w.@/-]+)")""")
_PATH_DEFAULT = re.compile(r"""\b\w*(?:file|path|input|data)\w*\s*=\s*"(/[\w.@/-]+\.\w+)"\s*;""", re.I)
_OPEN_WRITE = re.compile(r"""(?:fopen\(\s*"(/[\w.@/-]+)"\s*,\s*"[wa]|ofstream\s+\w+\s*[({][^;]*?"(/[\w.@/-]+)"|mkdir\(\s*"(/[\w.@/-]+)")""")
_ROUTE = re.compile(r'(?:strn?cmp\(\s*[\w.>-]+\s*,\s*|==\s*|Get\(\s*|route\(\s*|CROW_ROUTE\(\s*\w+\s*,\s*)"(/[\w/.-]*)"')
_SYSTEM_PATHS = ("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/", "/var/run", "/run/")
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "TMPDIR"}
_TESTISH = re.compile(r"(^|[_-])(test|tests|unittest|bench|benchmark|example|examples|demo)s?([_-]|$)", re.I)


def sources(tree: SourceTree) -> list[str]:
    return [f for f in tree.with_suffix(*C_SUFFIXES, *CXX_SUFFIXES, *HEADER_SUFFIXES)
            if not re.search(r"(^|/)(tests?|examples?|bench(marks?)?|third_party|external|deps)/", f)]


def _build_system(tree: SourceTree) -> tuple[str | None, str | None]:
    if tree.exists("CMakeLists.txt"):
        return "cmake", "CMakeLists.txt"
    if tree.exists("meson.build"):
        return "meson", "meson.build"
    make = tree.first(*MAKEFILES)
    if make:
        return "make", make
    return None, None


def detect(tree: SourceTree) -> Detection | None:
    system, manifest = _build_system(tree)
    code = [f for f in sources(tree) if f.endswith(C_SUFFIXES + CXX_SUFFIXES)]
    if not system or not code:
        return None
    text = tree.read(manifest) or ""
    if system == "cmake":
        score = 95 if _CMAKE_EXE.search(_cmake_code(text)) else 50
    elif system == "meson":
        score = 95 if _MESON_EXE.search(text) else 50
    else:
        score = 80 if make_targets(tree, manifest) and tree.grep(_MAIN, code) else 55
    return Detection("cpp", score, [Evidence(f"{manifest} builds C/C++ sources ({len(code)} file(s))", manifest,
                                             None, 0.9)])


def _cmake_code(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


# -- build files ------------------------------------------------------------------
def cmake_targets(tree: SourceTree, profile: Profile) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(executables, libraries) of every CMakeLists.txt, each with (name, file, line)."""
    exes, libs = [], []
    root_text = _cmake_code(tree.read("CMakeLists.txt") or "")
    project = _CMAKE_PROJECT.search(root_text)
    project_name = project.group(1) if project else None
    for rel in tree.glob("*CMakeLists.txt"):
        if re.search(r"(^|/)(tests?|examples?|third_party|external|deps|build)/", rel):
            continue
        raw = tree.read(rel) or ""
        text = _cmake_code(raw)
        for m in _CMAKE_EXE.finditer(text):
            name = m.group(1).replace("${PROJECT_NAME}", project_name or "app")
            if "IMPORTED" in m.group(2) or "ALIAS" in m.group(2) or "${" in name:
                continue
            exes.append((name, rel, line_of(text, m.start())))
        for m in _CMAKE_FIND.finditer(text):
            libs.append((m.group(1), rel, line_of(text, m.start())))
        for m in list(_CMAKE_LINK.finditer(text)) + list(_CMAKE_PKG.finditer(text)):
            for word in m.group(1).split():
                if word.upper() in ("PRIVATE", "PUBLIC", "INTERFACE", "REQUIRED", "IMPORTED_TARGET", "QUIET",
                                    "STATIC", "SHARED") or word.startswith("${"):
                    continue
                libs.append((re.split(r"[<>=]", word)[0], rel, line_of(text, m.start())))
        for m in _CMAKE_FETCH.finditer(text):
            profile.note("dependencies", f"{m.group(2)} is fetched at configure time ({m.group(1)})", rel,
                         line_of(text, m.start()), 0.9)
            profile.dependencies.append(m.group(2))
    return exes, libs


def _make_vars(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _MAKE_VAR.finditer(text)}


def _expand(value: str, variables: dict[str, str]) -> str:
    for _ in range(5):
        new = re.sub(r"\$[({](\w+)[)}]", lambda m: variables.get(m.group(1), ""), value)
        if new == value:
            break
        value = new
    return value.strip()


def make_targets(tree: SourceTree, makefile: str) -> list[tuple[str, int]]:
    """Files the Makefile links (rules whose recipe runs the compiler with -o $@ or -o NAME), default goal first."""
    text = tree.read(makefile) or ""
    variables = _make_vars(text)
    rules: list[tuple[str, list[str], str, int]] = []
    for m in _MAKE_RULE.finditer(text):
        head = m.group(1).strip()
        if head.startswith(".") or "=" in head:
            continue
        recipe_lines = []
        for ln in text[m.end():].split("\n")[1:]:
            if not ln.startswith("\t"):
                break
            recipe_lines.append(ln)
        for name in _expand(head, variables).split():
            rules.append((name, _expand(m.group(2), variables).split(), "\n".join(recipe_lines),
                          line_of(text, m.start())))
    linked = []
    for name, prereqs, recipe, line in rules:
        if name in _NOT_TARGETS or "%" in name or name.endswith((".o", ".a", ".so", ".d")):
            continue
        if re.search(r"\$\((?:CC|CXX|LD)\)|\b(?:gcc|g\+\+|cc|c\+\+|clang\+\+|clang)\b", recipe) and re.search(
                r"-o\s*(?:\$@|\$\{@\}|" + re.escape(name) + r")", _expand(recipe, variables) + " " + recipe):
            linked.append((name, line))
        elif not recipe.strip() and any(p.endswith(".o") for p in prereqs):  # built-in link rule
            linked.append((name, line))
    goal = next((r for r in rules if not r[0].startswith(".")), None)
    if goal and goal[0] in _NOT_TARGETS:  # `all: app` puts app first
        order = goal[1]
        linked.sort(key=lambda t: order.index(t[0]) if t[0] in order else len(order))
    return linked


def make_libraries(tree: SourceTree, makefile: str) -> list[tuple[str, str, int]]:
    text = tree.read(makefile) or ""
    variables = _make_vars(text)
    found = []
    for m in _MAKE_LIB.finditer(text + "\n" + " ".join(variables.values())):
        found.append((m.group(1), makefile, line_of(text, min(m.start(), len(text)))))
    for m in _MAKE_PKGCONFIG.finditer(text):
        for name in m.group(1).split():
            found.append((name, makefile, line_of(text, m.start())))
    return found


# -- source facts -------------------------------------------------------------------
def read_source(tree: SourceTree, files: list[str], profile: Profile) -> bool:
    """Env vars, ports and paths; True when the program listens on a socket."""
    for rel, line, m in tree.grep(_GETENV, files):
        name = m.group(1)
        if name in SYSTEM_ENV:
            continue
        secret = is_secret(name)
        profile.add_env(name, None, secret)
        profile.note("env", f"{name}: getenv" + (" (a secret)" if secret else ""), rel, line)
        if is_port_name(name) and not profile.port_env:
            profile.port_env = name
            profile.note("port_env", f"the port is read from {name}", rel, line)
    listens = bool(tree.grep(_LISTENS, files))
    if listens:
        for rx, why, confidence in ((_HTONS, "htons() of a literal port", 0.9),
                                    (_DEFINE_PORT, "a #define'd port", 0.85),
                                    (_PORT_VAR, "a port variable's literal value", 0.75)):
            for rel, line, m in tree.grep(rx, files):
                profile.add_port(int(m.group(1)), f"{why}: {m.group(0).strip()}", rel, line, confidence)
                break
            if profile.ports:
                break
    for rel, line, m in tree.grep(_OPEN_READ, files) + tree.grep(_PATH_DEFAULT, files):
        path = next(g for g in m.groups() if g)
        if not path.startswith(_SYSTEM_PATHS) and path not in profile.read_paths:
            profile.read_paths.append(path)
            profile.note("read_paths", f"the program reads {path}", rel, line, 0.7)
    for rel, line, m in tree.grep(_OPEN_WRITE, files):
        path = m.group(1) or m.group(2) or m.group(3)
        folder = path if m.group(3) else posixpath.dirname(path)
        if folder and folder != "/" and not path.startswith(_SYSTEM_PATHS) and folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the program writes under {folder}", rel, line, 0.7)
    return listens


def build_steps(system: str, target: str, binary: str) -> tuple[str, str, list[str]]:
    """(the build stage's shell command, the `find` that locates the binary, the build command) of a target."""
    if system == "cmake":
        build = ("cmake -S . -B /tmp/build -DCMAKE_BUILD_TYPE=Release"
                 f" && cmake --build /tmp/build --parallel \"$(nproc)\" --target {target}")
        return build, f"find /tmp/build -type f -name '{binary}' -perm -u+x", ["cmake", "--build", "build", "--target", target]
    if system == "meson":
        build = f"meson setup /tmp/build --buildtype=release && meson compile -C /tmp/build {target}"
        return build, f"find /tmp/build -type f -name '{binary}' -perm -u+x", ["meson", "compile", "-C", "build", target]
    return (f"make -j\"$(nproc)\" {target}", f"find . -type f -path './{target.lstrip('./')}' -perm -u+x",
            ["make", target])


# -- the analyzer ---------------------------------------------------------------------
def analyze(tree: SourceTree, profile: Profile) -> None:
    system, manifest = _build_system(tree)
    if not system:
        raise ValueError(f"{tree.root}: no CMakeLists.txt, meson.build or Makefile: don't know how to build it")
    files = sources(tree)
    code = [f for f in files if f.endswith(C_SUFFIXES + CXX_SUFFIXES)]
    if not code:
        raise ValueError(f"{manifest}: no C or C++ sources to build")
    cxx = any(f.endswith(CXX_SUFFIXES) for f in code)
    profile.framework = None
    profile.package_manager = system
    profile.note("package_manager", f"{manifest} is a {system} build", manifest, None, 1.0)
    profile.runtime_version = "gcc-12"
    profile.note("runtime_version", "Debian bookworm's GCC 12 toolchain (the build image's release)", confidence=0.8)
    profile.compiled = True

    text = tree.read(manifest) or ""
    if system == "cmake":
        exes, libs = cmake_targets(tree, profile)
    elif system == "meson":
        exes = [(m.group(1), manifest, line_of(text, m.start())) for m in _MESON_EXE.finditer(text)]
        libs = [(m.group(1), manifest, line_of(text, m.start())) for m in _MESON_DEP.finditer(text)]
    else:
        exes = [(name, manifest, line) for name, line in make_targets(tree, manifest)]
        libs = make_libraries(tree, manifest)
    if not exes:
        raise ValueError(f"{manifest}: no executable target found (add_executable, executable() or a Makefile "
                         "rule that links); use --set entrypoint=/usr/local/bin/NAME after adding one")
    runnable = [e for e in exes if not _TESTISH.search(posixpath.basename(e[0]))] or exes
    target, target_file, target_line = runnable[0]
    binary = posixpath.basename(target)
    profile.note("entrypoint", f"{target} is the {system} executable target"
                 + (f" (of {len(runnable)})" if len(runnable) > 1 else ""), target_file, target_line,
                 0.95 if len(runnable) == 1 else 0.6)
    profile.candidates = [{"entrypoint": [f"{BIN_DIR}/{posixpath.basename(name)}"], "why": f"{system} target",
                           "file": rel, "line": line, "confidence": 0.9} for name, rel, line in runnable]

    # libraries -> Debian packages
    build_pkgs = ["build-essential"] + (["cmake"] if system == "cmake" else []) + (
        ["meson", "ninja-build"] if system == "meson" else [])
    runtime_pkgs: list[str] = []
    unknown: list[str] = []
    service_deps: list[tuple[str, str | None, int | None]] = []
    needs_pkgconfig = system == "meson" or bool(_CMAKE_PKG.search(text)) or "pkg-config" in text
    for name, rel, line in libs:
        key = name.lower()
        if key not in LIBRARIES:
            if key not in unknown and not key.startswith(("-", "$")) and key not in {t[0].lower() for t in exes}:
                unknown.append(key)
            continue
        dev, run, svc = LIBRARIES[key]
        if dev and dev not in build_pkgs:
            build_pkgs.append(dev)
            profile.note("system_packages", f"{name} needs {dev} to build" + (f" and {run} to run" if run else ""),
                         rel, line, 0.9)
            if name not in profile.dependencies:
                profile.dependencies.append(name)
                profile.note("dependencies", f"{name} is linked", rel, line, 0.9)
        if run and run not in runtime_pkgs:
            runtime_pkgs.append(run)
        if svc:
            service_deps.append((svc, rel, line))
    # libraries built in this tree (add_library targets) are not system libraries
    local_libs = set()
    if system == "cmake":
        for rel in tree.glob("*CMakeLists.txt"):
            local_libs |= {m.lower() for m in re.findall(r"add_library\s*\(\s*([\w.+-]+)", tree.read(rel) or "", re.I)}
    unknown = [u for u in unknown if u.split("::")[0] not in local_libs]
    if unknown:
        profile.warnings.append(
            f"no Debian package known for {', '.join(unknown)}: add them with --set system_packages.build=... "
            "and system_packages.runtime=... (the build fails if the binary misses a shared library)")
    if needs_pkgconfig and "pkg-config" not in build_pkgs:
        build_pkgs.append("pkg-config")
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}
    add_services_from_dependencies(profile, service_deps)

    listens = read_source(tree, files, profile)
    read_dotenv_example(tree, profile)
    if listens and not profile.ports and profile.port_env:
        profile.add_port(8080, f"{profile.port_env} is read but no literal port was found; 8080 assumed",
                  None, None, 0.4)
    if profile.port_env and profile.ports:
        profile.add_env(profile.port_env, str(profile.ports[0])).default = str(profile.ports[0])
    if profile.ports:
        choose_health_path(profile, [(m.group(1), rel, line) for rel, line, m in tree.grep(_ROUTE, files)])
    link_service_env(profile)

    profile.entrypoint = [f"{BIN_DIR}/{binary}"]
    build, locate, build_cmd = build_steps(system, target, binary)
    profile.build_command = build_cmd
    profile.note("build_command", f"{system} builds {target}" + (" (Release)" if system != "make" else ""), target_file, target_line, 0.9)

    distroless = set(runtime_pkgs) <= DISTROLESS_CC and not profile.secrets and not profile.writable_paths
    profile.build = {
        "system": system,
        "cxx": cxx,
        "target": target,
        "binary": binary,
        "build": build,
        "locate": locate,
        "runtime": "distroless" if distroless else "slim",
        "shell": not distroless,
        "bin_dir": BIN_DIR,
        "workdir": "/src",
    }
    profile.note("system_packages", "runtime: " + (
        "gcr.io/distroless/cc (glibc, libstdc++, libgcc, OpenSSL; no shell)" if distroless else
        "debian:bookworm-slim with " + (", ".join(runtime_pkgs) or "no extra packages")
        + (" (a shell for the secrets entrypoint)" if profile.secrets else "")), confidence=0.8)


# -- a new project (containerize init) -------------------------------------------------
# build system -> (its Debian packages, what the person writes so the image builds NAME)
NEW_SYSTEMS = {
    "cmake": (["cmake"], "`CMakeLists.txt` with `add_executable({name} ...)`"),
    "make": ([], "`Makefile` with a `{name}` target that links `./{name}` (`make {name}` builds it)"),
    "meson": (["meson", "ninja-build", "pkg-config"], "`meson.build` with `executable('{name}', ...)`"),
}
# a backing service -> the C client library the app will link (a LIBRARIES key)
NEW_SERVICE_LIBRARIES = {"postgres": "libpq", "redis": "hiredis", "mysql": "libmariadb"}


def _answered(profile: Profile, key: str) -> bool:
    """True when an answer (--set, saved, asked) set ``key``, not the new project's defaults."""
    return origin_of(profile, key) != DETECTED


def _new_defaults(profile: Profile, framework: str | None) -> None:
    system = framework if framework in NEW_SYSTEMS else "cmake"
    profile.framework = None
    profile.package_manager = system
    profile.note("package_manager", f"a new project: {system} builds it", confidence=0.5)
    profile.runtime_version = "gcc-12"
    profile.note("runtime_version", "Debian bookworm's GCC 12 toolchain (the build image's release)", confidence=0.5)
    profile.compiled = True
    name = re.sub(r"[^a-z0-9]+", "-", posixpath.basename(profile.root.rstrip("/")).lower()).strip("-") or "app"
    profile.entrypoint = [f"{BIN_DIR}/{name}"]
    profile.note("entrypoint", f"a new project: the executable {name}, named after its folder", confidence=0.5)
    profile.system_packages = {"build": ["build-essential", *NEW_SYSTEMS[system][0]], "runtime": []}
    profile.build = {"system": system, "cxx": True, "workdir": "/src"}


def _new_finish(profile: Profile) -> None:
    """The build follows the answers: build system, start command (the binary), port, services."""
    if profile.framework in NEW_SYSTEMS:  # the build system was given as the framework
        if not _answered(profile, "package_manager"):
            profile.package_manager = profile.framework
        profile.framework = None
    system = profile.package_manager or "cmake"
    if system not in NEW_SYSTEMS:
        raise AnalysisError(f"package_manager={system}: a new C/C++ project is built with "
                            f"{', '.join(NEW_SYSTEMS)}")
    if not profile.entrypoint:
        raise AnalysisError("entrypoint: the command that starts the program, e.g. /usr/local/bin/server")
    if profile.runtime_version != "gcc-12":
        profile.warnings.append(f"runtime_version={profile.runtime_version}: the image builds with Debian "
                                "bookworm's toolchain (GCC 12); set the C/C++ standard in the build files")
    program = profile.entrypoint[0]
    binary = posixpath.basename(program)
    bin_dir = posixpath.dirname(program) if program.startswith("/") else BIN_DIR
    packages = profile.system_packages
    packages["build"] = list(dict.fromkeys(["build-essential", *NEW_SYSTEMS[system][0], *packages.get("build", [])]))
    packages.setdefault("runtime", [])
    for service in profile.services:
        lib = NEW_SERVICE_LIBRARIES.get(service.kind)
        if not lib:
            continue
        dev, run, _svc = LIBRARIES[lib]
        for stage, package in (("build", dev), ("runtime", run)):
            if package and package not in packages[stage]:
                packages[stage].append(package)
        profile.note("system_packages", f"{service.kind}: the app links {lib} ({dev}, {run})", confidence=0.5)
    if profile.ports and not profile.port_env and not _answered(profile, "port_env"):
        profile.port_env = "PORT"
        profile.note("port_env", "a new server: it listens on the port in PORT", confidence=0.5)
    if profile.ports and profile.port_env:
        profile.add_env(profile.port_env).default = str(profile.ports[0])
    if profile.ports and not profile.health_path:
        profile.health_path = "/"
        profile.note("health_path", "a new server: probing / (any answer below 500 is healthy)", confidence=0.5)
    build, locate, build_cmd = build_steps(system, binary, binary)
    profile.build_command = build_cmd
    distroless = (set(packages["runtime"]) <= DISTROLESS_CC and not profile.secrets
                  and not profile.writable_paths)
    profile.build.update(system=system, target=binary, binary=binary, build=build, locate=locate,
                         runtime="distroless" if distroless else "slim", shell=not distroless, bin_dir=bin_dir,
                         next_steps=_new_steps(profile, system, binary, bin_dir))


def _new_steps(profile: Profile, system: str, binary: str, bin_dir: str) -> list[str]:
    """What the person writes before the first build (README.Docker.md lists it)."""
    steps = [NEW_SYSTEMS[system][1].format(name=binary) + f": the image runs it as `{bin_dir}/{binary}`",
             "the C or C++ sources it builds; libraries other than the C/C++ standard ones need their Debian "
             "packages: `--set system_packages.build=libfoo-dev --set system_packages.runtime=libfoo1`"]
    if profile.ports:
        port = profile.ports[0]
        steps.append(f"the server listens on the port in the `{profile.port_env}` env var ({port} in the image)"
                     if profile.port_env else f"the server listens on port {port}")
    return steps


STARTER = Starter(
    [("cmake", "CMake (C or C++)"), ("make", "Make (C or C++)"), ("meson", "Meson (C or C++)")],
    _new_defaults, _new_finish)

ANALYZER = Analyzer("cpp", detect, analyze, starter=STARTER)
