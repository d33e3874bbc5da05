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

_CMAKE_KEYWORDS = {"PRIVATE", "PUBLIC", "INTERFACE", "REQUIRED", "IMPORTED_TARGET", "QUIET", "STATIC", "SHARED",
                   "GLOBAL", "CONFIG", "MODULE", "COMPONENTS", "OPTIONAL_COMPONENTS", "NO_MODULE"}
_CMAKE_EXE_OPTIONS = {"WIN32", "MACOSX_BUNDLE", "EXCLUDE_FROM_ALL"}
_MAKE_LIB = re.compile(r"(?<![\w-])-l([\w+.-]+)")
_MAKE_REF = re.compile(r"\$[({](\w+)[)}]")
_COMPILER = re.compile(r"\$\((?:CC|CXX|LD)\)|\b(?:gcc|g\+\+|cc|c\+\+|clang\+\+|clang)\b")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NOT_TARGETS = {"all", "clean", "install", "uninstall", "test", "tests", "check", "distclean", "format", "lint",
               "run", "debug", "release", "help", "dist", "docs", "default", "bench"}
_TARGET_NAME = re.compile(r"^[\w.+/-]+$")  # a file name the build command may name unquoted
_SKIPPED_DIRS = re.compile(r"(^|/)(tests?|examples?|third_party|external|deps|build)/")
MAX_EXPANDED = 65536  # a Makefile variable is not expanded past this many characters


class Lines:
    """1-based line numbers of offsets in one text (one index of line starts, a binary search per lookup)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def build_system(tree: SourceTree) -> tuple[str | None, str | None]:
    if tree.exists("CMakeLists.txt"):
        return "cmake", "CMakeLists.txt"
    if tree.exists("meson.build"):
        return "meson", "meson.build"
    make = tree.first(*MAKEFILES)
    if make:
        return "make", make
    return None, None


# -- CMake: a one-pass reader of `command(arg ...)` -------------------------------------------
def cmake_commands(text: str) -> list[tuple[str, list[str], int]]:
    """(command in lower case, its arguments, line) of every command invocation, comments skipped."""
    out: list[tuple[str, list[str], int]] = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c == '"':
            i, newlines = _skip_quoted(text, i)
            line += newlines
        elif c.isalpha() or c == "_":
            m = _IDENTIFIER.match(text, i)
            j = m.end()
            k = j
            while k < n and text[k] in " \t":
                k += 1
            if k < n and text[k] == "(":
                args, i, newlines = _cmake_arguments(text, k + 1)
                if i <= n:  # an unclosed command is not one
                    out.append((m.group(0).lower(), args, line))
                line += newlines
            else:
                i = j
        else:
            i += 1
    return out


def _skip_quoted(text: str, i: int) -> tuple[int, int]:
    """Index after the quoted argument starting at ``i``, and the newlines inside it."""
    j, n = i + 1, len(text)
    while j < n and text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return min(j + 1, n), text.count("\n", i, min(j, n))


def _cmake_arguments(text: str, i: int) -> tuple[list[str], int, int]:
    """The words up to the `)` closing a command (nested parentheses kept as words), the index after it
    (past the end when it is never closed), and the newlines crossed."""
    args: list[str] = []
    depth, n, newlines = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "\n":
            newlines += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c == "(":
            depth += 1
            i += 1
        elif c == ")":
            i += 1
            if depth == 0:
                return args, i, newlines
            depth -= 1
        elif c == '"':
            end, crossed = _skip_quoted(text, i)
            args.append(text[i + 1:end - 1])
            newlines += crossed
            i = end
        else:
            j = i
            while j < n and text[j] not in ' \t\r\n()#"':
                j += 1
            args.append(text[i:j])
            i = j
    return args, n + 1, newlines  # no closing `)`


def _cmake_project(tree: SourceTree) -> str | None:
    return next((args[0] for name, args, _ in cmake_commands(tree.read("CMakeLists.txt") or "")
                 if name == "project" and args), None)


def has_cmake_executable(text: str) -> bool:
    return any(name == "add_executable" for name, _args, _line in cmake_commands(text))


def uses_pkg_config(system: str, text: str) -> bool:
    return system == "meson" or "pkg-config" in text or any(
        name in ("pkg_check_modules", "pkg_search_module") for name, _args, _line in cmake_commands(text))


def _cmake_files(tree: SourceTree) -> list[str]:
    return [rel for rel in tree.glob("*CMakeLists.txt") if not _SKIPPED_DIRS.search(rel)]


def cmake_targets(tree: SourceTree, profile: Profile) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(executables, libraries) of every CMakeLists.txt, each with (name, file, line)."""
    exes, libs = [], []
    project_name = _cmake_project(tree)
    for rel in _cmake_files(tree):
        for command, args, line in cmake_commands(tree.read(rel) or ""):
            if not args:
                continue
            if command == "add_executable":
                name = args[0].replace("${PROJECT_NAME}", project_name or "app")
                if "IMPORTED" in args or "ALIAS" in args or "$" in name or not _TARGET_NAME.match(name):
                    continue
                exes.append((name, rel, line))
            elif command == "find_package":
                libs.append((args[0], rel, line))
            elif command in ("target_link_libraries", "pkg_check_modules", "pkg_search_module"):
                for word in args[1:]:
                    if word.upper() in _CMAKE_KEYWORDS or word.startswith(("$", "-")) or not word:
                        continue
                    libs.append((re.split(r"[<>=]", word)[0], rel, line))
            elif command in ("fetchcontent_declare", "externalproject_add") and _TARGET_NAME.match(args[0]):
                kind = "FetchContent_Declare" if command == "fetchcontent_declare" else "ExternalProject_Add"
                profile.note("dependencies", f"{args[0]} is fetched at configure time ({kind})", rel, line, 0.9)
                profile.dependencies.append(args[0])
    return exes, libs


def cmake_local_libraries(tree: SourceTree) -> set[str]:
    """Libraries built in this tree (add_library targets): not system libraries."""
    return {args[0].lower() for rel in tree.glob("*CMakeLists.txt")
            for name, args, _line in cmake_commands(tree.read(rel) or "") if name == "add_library" and args}


# -- Meson --------------------------------------------------------------------------------
def _meson_calls(text: str, function: str) -> list[tuple[list[str], int]]:
    """(the quoted arguments before the first keyword argument, line) of each `function(...)` call."""
    found = []
    line = Lines(text)
    n = len(text)
    at = text.find(function + "(")
    while at >= 0:
        i = at + len(function) + 1
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
            positional: list[str] = []
            depth = 0
            while i < n:
                c = text[i]
                if c == '"':
                    end = text.find('"', i + 1)
                    if end < 0:
                        i = n
                        break
                    if depth == 0:
                        positional.append(text[i + 1:end])
                    i = end + 1
                elif c in "([":
                    depth += 1
                    i += 1
                elif c in ")]":
                    if depth == 0:
                        break
                    depth -= 1
                    i += 1
                elif c == ":" and depth == 0:  # keyword arguments follow
                    break
                else:
                    i += 1
            found.append((positional, line(at)))
        at = text.find(function + "(", max(i, at + 1))
    return found


def _meson_text(tree: SourceTree, manifest: str) -> str:
    """meson.build with `#` comments blanked and single quotes made double (Meson strings are '...')."""
    lines = []
    for raw in (tree.read(manifest) or "").split("\n"):
        lines.append(raw.split("#", 1)[0].replace("'", '"'))
    return "\n".join(lines)


def has_meson_executable(tree: SourceTree, manifest: str) -> bool:
    return bool(_meson_calls(_meson_text(tree, manifest), "executable"))


def meson_targets(tree: SourceTree, manifest: str) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    text = _meson_text(tree, manifest)
    exes = [(args[0], manifest, line) for args, line in _meson_calls(text, "executable")
            if args and _TARGET_NAME.match(args[0])]
    deps = [(args[0], manifest, line) for args, line in _meson_calls(text, "dependency") if args]
    return exes, deps


# -- Make: read line by line -----------------------------------------------------------------
def _make_logical_lines(text: str) -> list[tuple[str, int]]:
    """(line with `\\` continuations joined, first line number)."""
    out: list[tuple[str, int]] = []
    pending: list[str] = []
    first = 1
    for number, raw in enumerate(text.split("\n"), 1):
        if not pending:
            first = number
        if raw.endswith("\\") and not raw.startswith("\t"):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        out.append((" ".join(pending), first))
        pending = []
    if pending:
        out.append((" ".join(pending), first))
    return out


def _make_assignment(line: str) -> tuple[str, str] | None:
    """`NAME = value`, `NAME := value`, `NAME ?= value`, `NAME += value` -> (NAME, value)."""
    if line.startswith("\t"):
        return None
    eq = line.find("=")
    if eq <= 0:
        return None
    name = line[:eq].rstrip(":?+!").strip()
    if name.startswith("export "):
        name = name[7:].strip()
    if not _IDENTIFIER.fullmatch(name):
        return None
    return name, line[eq + 1:].split("#", 1)[0].strip()


def _make_vars(text: str) -> dict[str, str]:
    variables: dict[str, str] = {}
    for line, _number in _make_logical_lines(text):
        if found := _make_assignment(line):
            variables[found[0]] = found[1]
    return variables


def _expand(value: str, variables: dict[str, str]) -> str:
    for _ in range(5):
        new = _MAKE_REF.sub(lambda m: variables.get(m.group(1), ""), value)
        if new == value or len(new) > MAX_EXPANDED:
            break
        value = new
    return value.strip()


def _make_rules(text: str) -> list[tuple[str, list[str], str, int]]:
    """(target, prerequisites, recipe, line) of each explicit rule, variables expanded."""
    variables = _make_vars(text)
    logical = _make_logical_lines(text)
    rules: list[tuple[str, list[str], str, int]] = []
    for index, (line, number) in enumerate(logical):
        if not line or line[0] in "\t#. " or _make_assignment(line):
            continue
        colon = line.find(":")
        if colon <= 0 or line[colon + 1:colon + 2] == "=":
            continue
        head = line[:colon]
        if "=" in head or "#" in head or "%" in head:
            continue
        prereqs = line[colon + 1:].lstrip(":").split(";", 1)[0].split("#", 1)[0]
        recipe = []
        for following, _n in logical[index + 1:index + 200]:  # a recipe: the tab-indented lines after the rule
            if not following.startswith("\t"):
                break
            recipe.append(following)
        for name in _expand(head, variables).split():
            rules.append((name, _expand(prereqs, variables).split(), "\n".join(recipe), number))
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
        expanded = _expand(recipe, variables) + " " + recipe
        outputs = {"$@", "${@}", name}
        words = expanded.replace("-o$", "-o $").split()
        if _COMPILER.search(recipe) and any(w == "-o" and words[i + 1] in outputs
                                            for i, w in enumerate(words[:-1])):
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
    folder = ""
    if system == "make":
        rules = {name: prereqs for name, prereqs, _recipe, _line in _make_rules(tree.read(manifest) or "")}
        for prereq in rules.get(target, []):
            stem, dot, ext = prereq.rpartition(".")
            if dot and ext == "o":  # main.o: its own rule's prerequisites, else the source beside it
                names += rules.get(prereq) or [f"{stem}.{e}" for e in ("c", "cc", "cpp", "cxx")]
            else:
                names.append(prereq)
    elif system == "cmake":
        project = _cmake_project(tree)
        for rel in _cmake_files(tree):
            for command, args, _line in cmake_commands(tree.read(rel) or ""):
                if command == "add_executable" and args and \
                        args[0].replace("${PROJECT_NAME}", project or "app") == target:
                    names = [w for w in args[1:] if w not in _CMAKE_EXE_OPTIONS]
                    folder = rel.rpartition("/")[0]
                    break
            if names:
                break
    else:
        for args, _line in _meson_calls(_meson_text(tree, manifest), "executable"):
            if args and args[0] == target:
                names = args[1:]
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
    """-lfoo and `pkg-config --libs foo` libraries of a Makefile, comments skipped."""
    found = []
    for line, number in _make_logical_lines(tree.read(makefile) or ""):
        line = line.split("#", 1)[0]
        for m in _MAKE_LIB.finditer(line):
            found.append((m.group(1), makefile, number))
        for segment in line.split("pkg-config")[1:]:
            end = min((i for i in (segment.find(")"), segment.find("`")) if i >= 0), default=-1)
            if end >= 0:
                found += [(w, makefile, number) for w in segment[:end].split() if not w.startswith("-")]
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
