"""CMake, Make and Meson build files: executable targets and the libraries they link.

These formats have no parser in Python's standard library, so they are read
with small line-oriented patterns (comments stripped first); line numbers come
from one index of line starts per file, never from counting per match.
"""
from __future__ import annotations

import bisect
import re

from ...profile import Profile
from ...scan import SourceTree

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
    (("brotli", "brotlicommon", "brotlienc", "brotlidec", "libbrotlicommon", "libbrotlienc", "libbrotlidec"),
     "libbrotli-dev", "libbrotli1", None),
    (("libmicrohttpd", "microhttpd"), "libmicrohttpd-dev", "libmicrohttpd12", None),
    (("nlohmann_json", "nlohmann_json::nlohmann_json"), "nlohmann-json3-dev", None, None),
    # in libc / the toolchain: nothing to install
    (("threads", "threads::threads", "pthread", "m", "dl", "rt", "stdc++", "gcc", "c", "atomic"), None, None, None),
):
    for _n in _names:
        LIBRARIES[_n] = (_dev, _run, _svc)
# what gcr.io/distroless/cc-debian12 carries besides glibc
DISTROLESS_CC = {"libssl3"}

_CMAKE_PROJECT = re.compile(r"^[ \t]*project[ \t]*\([ \t]*([\w.+-]+)", re.M | re.I)
_CMAKE_EXE = re.compile(r"^[ \t]*add_executable[ \t]*\(\s*([\w.+${}-]+)([^)]*)\)", re.M | re.I)
_CMAKE_LIBRARY = re.compile(r"^[ \t]*add_library[ \t]*\(\s*([\w.+-]+)", re.M | re.I)
_CMAKE_FIND = re.compile(r"^[ \t]*find_package[ \t]*\(\s*([\w.+-]+)", re.M | re.I)
_CMAKE_LINK = re.compile(r"^[ \t]*target_link_libraries[ \t]*\(\s*[\w.+${}-]+([^)]*)\)", re.M | re.I)
_CMAKE_PKG = re.compile(r"^[ \t]*pkg_(?:check|search)_modules[ \t]*\(\s*\w+([^)]*)\)", re.M | re.I)
_CMAKE_FETCH = re.compile(r"^[ \t]*(FetchContent_Declare|ExternalProject_Add)[ \t]*\(\s*([\w.+-]+)", re.M | re.I)
_CMAKE_KEYWORDS = {"PRIVATE", "PUBLIC", "INTERFACE", "REQUIRED", "IMPORTED_TARGET", "QUIET", "STATIC", "SHARED"}
_MESON_EXE = re.compile(r"""executable[ \t]*\(\s*['"]([\w.+-]+)['"]""")
_MESON_DEP = re.compile(r"""dependency[ \t]*\(\s*['"]([\w.+-]+)['"]""")
_MAKE_VAR = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*[:?+]?=[ \t]*(.*?)[ \t]*$", re.M)
_MAKE_RULE = re.compile(r"^([^\s:=#%][^:=#\n]*?)[ \t]*::?(?!=)[ \t]*([^;\n]*)", re.M)
_MAKE_LIB = re.compile(r"(?<![\w-])-l([\w+.-]+)")
_MAKE_PKGCONFIG = re.compile(r"pkg-config[ \t]+(?:--\S+[ \t]+)*([\w.+ -]+?)[ \t]*[)`]")
_MAKE_REF = re.compile(r"\$[({](\w+)[)}]")
_COMPILER = re.compile(r"\$\((?:CC|CXX|LD)\)|\b(?:gcc|g\+\+|cc|c\+\+|clang\+\+|clang)\b")
NOT_TARGETS = {"all", "clean", "install", "uninstall", "test", "tests", "check", "distclean", "format", "lint",
               "run", "debug", "release", "help", "dist", "docs", "default", "bench"}
_TARGET_NAME = re.compile(r"^[\w.+/-]+$")  # a file name the build command may name unquoted
_SKIPPED_DIRS = re.compile(r"(^|/)(tests?|examples?|third_party|external|deps|build)/")


class Lines:
    """1-based line numbers of offsets in one text (one index of line starts, a binary search per lookup)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def strip_hash_comments(text: str) -> str:
    """CMake / Make / Meson text with `#` comments blanked (line numbers stay)."""
    return re.sub(r"#[^\n]*", "", text)


def build_system(tree: SourceTree) -> tuple[str | None, str | None]:
    if tree.exists("CMakeLists.txt"):
        return "cmake", "CMakeLists.txt"
    if tree.exists("meson.build"):
        return "meson", "meson.build"
    make = tree.first(*MAKEFILES)
    if make:
        return "make", make
    return None, None


def has_cmake_executable(text: str) -> bool:
    return bool(_CMAKE_EXE.search(strip_hash_comments(text)))


def has_meson_executable(text: str) -> bool:
    return bool(_MESON_EXE.search(strip_hash_comments(text)))


def uses_pkg_config(system: str, text: str) -> bool:
    return system == "meson" or bool(_CMAKE_PKG.search(text)) or "pkg-config" in text


# -- CMake ------------------------------------------------------------------------------
def cmake_targets(tree: SourceTree, profile: Profile) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(executables, libraries) of every CMakeLists.txt, each with (name, file, line)."""
    exes, libs = [], []
    project = _CMAKE_PROJECT.search(strip_hash_comments(tree.read("CMakeLists.txt") or ""))
    project_name = project.group(1) if project else None
    for rel in tree.glob("*CMakeLists.txt"):
        if _SKIPPED_DIRS.search(rel):
            continue
        text = strip_hash_comments(tree.read(rel) or "")
        line = Lines(text)
        for m in _CMAKE_EXE.finditer(text):
            name = m.group(1).replace("${PROJECT_NAME}", project_name or "app")
            if "IMPORTED" in m.group(2) or "ALIAS" in m.group(2) or "${" in name:
                continue
            exes.append((name, rel, line(m.start())))
        for m in _CMAKE_FIND.finditer(text):
            libs.append((m.group(1), rel, line(m.start())))
        for m in list(_CMAKE_LINK.finditer(text)) + list(_CMAKE_PKG.finditer(text)):
            for word in m.group(1).split():
                if word.upper() in _CMAKE_KEYWORDS or word.startswith("${"):
                    continue
                libs.append((re.split(r"[<>=]", word)[0], rel, line(m.start())))
        for m in _CMAKE_FETCH.finditer(text):
            profile.note("dependencies", f"{m.group(2)} is fetched at configure time ({m.group(1)})", rel,
                         line(m.start()), 0.9)
            profile.dependencies.append(m.group(2))
    return exes, libs


def cmake_local_libraries(tree: SourceTree) -> set[str]:
    """Libraries built in this tree (add_library targets): not system libraries."""
    names: set[str] = set()
    for rel in tree.glob("*CMakeLists.txt"):
        names |= {m.group(1).lower() for m in _CMAKE_LIBRARY.finditer(strip_hash_comments(tree.read(rel) or ""))}
    return names


# -- Meson --------------------------------------------------------------------------------
def meson_targets(tree: SourceTree, manifest: str) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    text = strip_hash_comments(tree.read(manifest) or "")
    line = Lines(text)
    return ([(m.group(1), manifest, line(m.start())) for m in _MESON_EXE.finditer(text)],
            [(m.group(1), manifest, line(m.start())) for m in _MESON_DEP.finditer(text)])


# -- Make -----------------------------------------------------------------------------------
def _make_vars(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _MAKE_VAR.finditer(text)}


def _expand(value: str, variables: dict[str, str]) -> str:
    for _ in range(5):
        new = _MAKE_REF.sub(lambda m: variables.get(m.group(1), ""), value)
        if new == value:
            break
        value = new
    return value.strip()


def _make_rules(text: str) -> list[tuple[str, list[str], str, int]]:
    """(target, prerequisites, recipe, line) of each explicit rule, variables expanded."""
    line = Lines(text)
    lines = text.split("\n")
    variables = _make_vars(text)
    rules: list[tuple[str, list[str], str, int]] = []
    for m in _MAKE_RULE.finditer(text):
        head = m.group(1).strip()
        if head.startswith(".") or "=" in head:
            continue
        number = line(m.start())
        recipe_lines = []
        for ln in lines[number:]:  # the lines after the rule's
            if not ln.startswith("\t"):
                break
            recipe_lines.append(ln)
        for name in _expand(head, variables).split():
            rules.append((name, _expand(m.group(2), variables).split(), "\n".join(recipe_lines), number))
    return rules


def make_targets(tree: SourceTree, makefile: str) -> list[tuple[str, int]]:
    """Files the Makefile links (rules whose recipe runs the compiler with -o $@ or -o NAME), default goal first."""
    text = tree.read(makefile) or ""
    variables = _make_vars(text)
    rules = _make_rules(text)
    linked = []
    for name, prereqs, recipe, number in rules:
        if name in NOT_TARGETS or not _TARGET_NAME.match(name) or name.endswith((".o", ".a", ".so", ".d")):
            continue
        output = re.compile(r"-o\s*(?:\$@|\$\{@\}|" + re.escape(name) + r")")
        if _COMPILER.search(recipe) and output.search(_expand(recipe, variables) + " " + recipe):
            linked.append((name, number))
        elif not recipe.strip() and any(p.endswith(".o") for p in prereqs):  # built-in link rule
            linked.append((name, number))
    goal = next((r for r in rules if not r[0].startswith(".")), None)
    if goal and goal[0] in NOT_TARGETS:  # `all: app` puts app first
        order = goal[1]
        linked.sort(key=lambda t: order.index(t[0]) if t[0] in order else len(order))
    return linked


def target_sources(tree: SourceTree, system: str, manifest: str, target: str) -> list[str]:
    """The source files the build files list for one target (empty when they are computed, globbed, unknown)."""
    names: list[str] = []
    if system == "make":
        rules = {name: prereqs for name, prereqs, _recipe, _line in _make_rules(tree.read(manifest) or "")}
        for prereq in rules.get(target, []):
            stem, dot, ext = prereq.rpartition(".")
            if dot and ext == "o":  # main.o: its own rule's prerequisites, else the source beside it
                names += rules.get(prereq) or [f"{stem}.{e}" for e in ("c", "cc", "cpp", "cxx")]
            else:
                names.append(prereq)
        folder = ""
    elif system == "cmake":
        folder = ""
        project = _CMAKE_PROJECT.search(strip_hash_comments(tree.read("CMakeLists.txt") or ""))
        for rel in tree.glob("*CMakeLists.txt"):
            for m in _CMAKE_EXE.finditer(strip_hash_comments(tree.read(rel) or "")):
                if m.group(1).replace("${PROJECT_NAME}", project.group(1) if project else "app") == target:
                    names += [w for w in m.group(2).split() if w not in ("WIN32", "MACOSX_BUNDLE", "EXCLUDE_FROM_ALL")]
                    folder = rel.rpartition("/")[0]
            if names:
                break
    else:
        folder = ""
        text = strip_hash_comments(tree.read(manifest) or "")
        for m in re.finditer(r"""executable[ \t]*\(([^)]*)\)""", text):
            words = re.findall(r"""['"]([^'"]+)['"]""", m.group(1))
            if words and words[0] == target:
                names = words[1:]
                break
    found = []
    for name in names:
        if "$" in name or "<" in name:
            continue
        rel = f"{folder}/{name}" if folder and not name.startswith("/") else name
        rel = rel.removeprefix("./")
        if tree.exists(rel) and rel not in found:
            found.append(rel)
    return found


def make_libraries(tree: SourceTree, makefile: str) -> list[tuple[str, str, int]]:
    text = strip_hash_comments(tree.read(makefile) or "")
    line = Lines(text)
    found = []
    for m in _MAKE_LIB.finditer(text):
        found.append((m.group(1), makefile, line(m.start())))
    for m in _MAKE_PKGCONFIG.finditer(text):
        for name in m.group(1).split():
            found.append((name, makefile, line(m.start())))
    return found


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
