"""CMake, Make and Meson build files: executable targets, their sources and the libraries they link.

CMakeLists.txt is read through the cmake grammar (its commands and their arguments) and Makefiles
through the make grammar (variables, rules, recipes); only extracted words are looked at after
that (``-lfoo``, a ``pkg-config --libs`` list, ``$(NAME)`` expanded in a value). Meson has no
grammar here: meson.build is read with a small scanner for ``executable(...)`` and
``dependency(...)`` calls, with line numbers from one index of line starts.
"""
from __future__ import annotations

import bisect
import posixpath
import re
import weakref

from ... import syntax
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


# -- CMake: commands from the parse tree -----------------------------------------------------------
_CMAKE_COMMANDS = "(normal_command) @command"


def _cmake_argument(node) -> str:
    """An argument's value: an unquoted word as written (``${VAR}`` kept), a quoted one's inside, a bracket's content."""
    inner = node.named_children[0] if node.named_children else None
    if inner is None:
        return ""
    if inner.type == "quoted_argument":
        return "".join(syntax.text(c) for c in inner.named_children if c.type == "quoted_element")
    if inner.type == "bracket_argument":
        return "".join(syntax.text(c) for c in inner.named_children if c.type == "bracket_argument_content")
    return syntax.text(inner)


def _cmake_commands(root, lines: list[int]) -> list[tuple[str, list[str], int]]:
    out = []
    for node in syntax.captures("cmake", _CMAKE_COMMANDS, root).get("command", []):
        name = next((c for c in node.named_children if c.type == "identifier"), None)
        args = next((c for c in node.named_children if c.type == "argument_list"), None)
        if name is None or node.has_error or node.is_missing:
            continue
        words = [_cmake_argument(a) for a in args.named_children if a.type == "argument"] if args is not None else []
        row = node.start_point[0]
        out.append((syntax.text(name).lower(), words, lines[row] if row < len(lines) else row + 1))
    return out


def _compact(text: str) -> tuple[str, list[int]]:
    """The text without its blank lines and with each line's outer whitespace trimmed (long runs inside a
    line squeezed), and the original line number of each line kept. The cmake grammar takes time
    quadratic in the length of a run of whitespace; commands and their words don't change."""
    kept: list[str] = []
    lines: list[int] = []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        if _WIDE_GAP in line:
            line = " ".join(line.split())
        kept.append(line)
        lines.append(number)
    return "\n".join(kept), lines


_WIDE_GAP = " " * 64


def cmake_commands(text: str) -> list[tuple[str, list[str], int]]:
    """(command in lower case, its arguments, line) of every command invocation, comments skipped."""
    compact, lines = _compact(text)
    return _cmake_commands(syntax.parse("cmake", compact).root_node, lines)


_READ: "weakref.WeakKeyDictionary[SourceTree, dict[str, list]]" = weakref.WeakKeyDictionary()


def _file_commands(tree: SourceTree, rel: str) -> list[tuple[str, list[str], int]]:
    """cmake_commands of one file of the tree, read once per tree."""
    files = _READ.setdefault(tree, {})
    if rel not in files:
        files[rel] = cmake_commands(tree.read(rel) or "")
    return files[rel]


def _cmake_project(tree: SourceTree) -> str | None:
    return next((args[0] for name, args, _ in _file_commands(tree, "CMakeLists.txt")
                 if name == "project" and args), None)


def has_cmake_executable(text: str) -> bool:
    return any(name == "add_executable" for name, _args, _line in cmake_commands(text))


def uses_pkg_config(system: str, text: str) -> bool:
    """Meson always; CMake's pkg_check_modules / pkg_search_module or a pkg-config it runs; a Makefile's pkg-config."""
    if system == "meson":
        return True
    if system == "make":
        return bool(make_words(syntax.parse("make", text).root_node)[1])
    return any(name in ("pkg_check_modules", "pkg_search_module") or
               name in ("execute_process", "find_program") and any("pkg-config" in a for a in args)
               for name, args, _line in cmake_commands(text))


def _cmake_files(tree: SourceTree) -> list[str]:
    return [rel for rel in tree.glob("*CMakeLists.txt") if not _SKIPPED_DIRS.search(rel)]


def cmake_targets(tree: SourceTree, profile: Profile) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(executables, libraries) of every CMakeLists.txt, each with (name, file, line)."""
    exes, libs = [], []
    project_name = _cmake_project(tree)
    for rel in _cmake_files(tree):
        for command, args, line in _file_commands(tree, rel):
            if not args:
                continue
            if command == "add_executable":
                name = args[0].replace("${PROJECT_NAME}", project_name or "app")
                if "IMPORTED" in args or "ALIAS" in args or "$" in name or not _TARGET_NAME.match(name):
                    continue
                exes.append((name, rel, line))
            elif command == "find_package":
                if args[0].lower() != "pkgconfig":  # pkg-config itself: uses_pkg_config
                    libs.append((args[0], rel, line))
            elif command in ("target_link_libraries", "pkg_check_modules", "pkg_search_module"):
                for word in args[1:]:
                    if word.upper() in _CMAKE_KEYWORDS or word.startswith(("$", "-")) or not word \
                            or word.lower().startswith("pkgconfig::"):  # pkg_check_modules' target: its modules count
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
            for name, args, _line in _file_commands(tree, rel) if name == "add_library" and args}


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


# -- Make: variables and rules from the parse tree ----------------------------------------------
_MAKE_NODES = "(variable_assignment) @assign (rule) @rule"
_COMPILERS = {"gcc", "g++", "cc", "c++", "clang", "clang++"}
_COMPILER_VARS = {"$(CC)", "$(CXX)", "$(LD)", "${CC}", "${CXX}", "${LD}"}


def _identifier(name: str) -> bool:
    return bool(name) and name.isascii() and (name[0].isalpha() or name[0] == "_") and \
        all(c.isalnum() or c == "_" for c in name)


def _make_value(node) -> str:
    """An assignment's value as written: continuation lines joined, a trailing # comment dropped."""
    return syntax.text(node).replace("\\\n", " ").split("#", 1)[0].strip() if node is not None else ""


def _make_nodes(tree: SourceTree, makefile: str) -> dict[str, list]:
    parsed = tree.parse(makefile, "make")
    return syntax.captures("make", _MAKE_NODES, parsed.root_node) if parsed is not None else {}


def _make_vars(nodes: dict[str, list]) -> dict[str, str]:
    variables: dict[str, str] = {}
    for node in nodes.get("assign", []):
        name = syntax.text(node.child_by_field_name("name")).strip()
        op = syntax.text(node.child_by_field_name("operator"))
        if not _identifier(name):
            continue
        value = _make_value(node.child_by_field_name("value"))
        if op == "+=" and name in variables:
            variables[name] = f"{variables[name]} {value}"[:MAX_EXPANDED]
        elif op != "?=" or name not in variables:
            variables[name] = value
    return variables


def _substitute(value: str, variables: dict[str, str]) -> str:
    """One round of $(NAME) / ${NAME} replaced by the variable's value (other $ forms kept)."""
    out, i = [], 0
    while True:
        at = value.find("$", i)
        if at < 0 or at + 1 >= len(value):
            out.append(value[i:])
            return "".join(out)
        opener = value[at + 1]
        end = value.find(")" if opener == "(" else "}", at + 2) if opener in "({" else -1
        if end > 0 and _identifier(value[at + 2:end]):
            out.append(value[i:at])
            out.append(variables.get(value[at + 2:end], ""))
            i = end + 1
        else:
            out.append(value[i:at + 1])
            i = at + 1


def _expand(value: str, variables: dict[str, str]) -> str:
    for _ in range(5):
        new = _substitute(value, variables)
        if new == value or len(new) > MAX_EXPANDED:
            break
        value = new
    return value.strip()


def _recipe_lines(rule) -> list:
    recipe = next((c for c in rule.named_children if c.type == "recipe"), None)
    return [c for c in recipe.named_children if c.type == "recipe_line"] if recipe is not None else []


def _rules(nodes: dict[str, list], variables: dict[str, str]) -> list[tuple[str, list[str], str, int]]:
    """(target, prerequisites, recipe, line) of each explicit rule, variables expanded."""
    rules: list[tuple[str, list[str], str, int]] = []
    for rule in nodes.get("rule", []):
        targets = next((c for c in rule.named_children if c.type == "targets"), None)
        head = syntax.text(targets).strip()
        if not head or head.startswith(".") or "%" in head:
            continue
        prereqs = _make_value(rule.child_by_field_name("normal"))
        recipe = "\n".join(syntax.text(line).replace("\\\n", " ") for line in _recipe_lines(rule))
        for name in _expand(head, variables).split():
            rules.append((name, _expand(prereqs, variables).split(), recipe, syntax.line(rule)))
    return rules


def _make_rules(tree: SourceTree, makefile: str) -> list[tuple[str, list[str], str, int]]:
    nodes = _make_nodes(tree, makefile)
    return _rules(nodes, _make_vars(nodes))


def make_words(root) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(-lNAME libraries, pkg-config packages), each with its line, of a Makefile's variable values and recipes."""
    nodes = syntax.captures("make", _MAKE_NODES, root)
    texts = [(_make_value(n.child_by_field_name("value")), syntax.line(n)) for n in nodes.get("assign", [])]
    texts += [(syntax.text(line).replace("\\\n", " "), syntax.line(line))
              for rule in nodes.get("rule", []) for line in _recipe_lines(rule)]
    texts.sort(key=lambda t: t[1])
    libs, packages = [], []
    for text, number in texts:
        for word in text.split():
            if word.startswith("-l") and len(word) > 2:
                name = word[2:]
                end = 0
                while end < len(name) and (name[end].isalnum() or name[end] in "_+.-"):
                    end += 1
                if end:
                    libs.append((name[:end], number))
        for segment in text.split("pkg-config")[1:]:
            end = min((i for i in (segment.find(")"), segment.find("`")) if i >= 0), default=-1)
            if end >= 0:
                packages += [(w, number) for w in segment[:end].split() if not w.startswith("-")]
    return libs, packages


def make_targets(tree: SourceTree, makefile: str) -> list[tuple[str, int]]:
    """Files the Makefile links (rules whose recipe runs the compiler with -o $@ or -o NAME), default goal first."""
    nodes = _make_nodes(tree, makefile)
    variables = _make_vars(nodes)
    rules = _rules(nodes, variables)
    linked = []
    for name, prereqs, recipe, number in rules:
        if name in NOT_TARGETS or not _TARGET_NAME.match(name) or name.endswith((".o", ".a", ".so", ".d")):
            continue
        expanded = _expand(recipe, variables) + " " + recipe
        outputs = {"$@", "${@}", name}
        words = expanded.replace("-o$", "-o $").split()
        compiler = any(w in _COMPILER_VARS or posixpath.basename(w) in _COMPILERS for w in recipe.split())
        if compiler and any(w == "-o" and words[i + 1] in outputs for i, w in enumerate(words[:-1])):
            linked.append((name, number))
        elif not recipe.strip() and any(p.endswith(".o") for p in prereqs):  # built-in link rule
            linked.append((name, number))
    goal = rules[0] if rules else None
    if goal and goal[0] in NOT_TARGETS:  # `all: app` puts app first
        order = goal[1]
        linked.sort(key=lambda t: order.index(t[0]) if t[0] in order else len(order))
    return linked


def target_sources(tree: SourceTree, system: str, manifest: str, target: str) -> list[str]:
    """The source files the build files list for one target (empty when they are computed, globbed, unknown)."""
    names: list[str] = []
    folder = ""
    if system == "make":
        rules = {name: prereqs for name, prereqs, _recipe, _line in _make_rules(tree, manifest)}
        for prereq in rules.get(target, []):
            stem, dot, ext = prereq.rpartition(".")
            if dot and ext == "o":  # main.o: its own rule's prerequisites, else the source beside it
                names += rules.get(prereq) or [f"{stem}.{e}" for e in ("c", "cc", "cpp", "cxx")]
            else:
                names.append(prereq)
    elif system == "cmake":
        project = _cmake_project(tree)
        for rel in _cmake_files(tree):
            for command, args, _line in _file_commands(tree, rel):
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
    """-lfoo and `pkg-config --libs foo` libraries of a Makefile (its variables and recipes)."""
    parsed = tree.parse(makefile, "make")
    if parsed is None:
        return []
    libs, packages = make_words(parsed.root_node)
    return sorted([(name, makefile, line) for name, line in libs + packages], key=lambda t: t[2])


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
