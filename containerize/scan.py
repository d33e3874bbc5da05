"""The file index: which files of a project matter, and their text on demand.

One walk of the tree, pruning what never belongs to an app's source
(version control, dependency folders, virtualenvs, caches, build outputs) and
what .gitignore / .dockerignore exclude. Texts are read lazily, capped in
size, and binary or non-UTF-8 files read as None instead of raising.
"""
from __future__ import annotations

import fnmatch
import os
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from . import dockerignore

if TYPE_CHECKING:
    import pathspec  # loaded when an ignore file has patterns: most of its cost is its import

T = TypeVar("T")

# Folders never walked, whatever the ignore files say.
PRUNED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", ".idea", ".vscode", ".gradle",
    ".next", ".nuxt", ".svelte-kit", ".angular", ".parcel-cache", ".turbo", "bower_components",
    "target", "vendor", ".bundle", "__pypackages__", ".eggs", "site-packages", ".terraform",
    "coverage", "htmlcov", ".dart_tool", ".stack-work", "zig-cache", "zig-out",
})
# Build outputs: pruned unless they hold sources of their own (a `build/` folder
# of a CMake project is output; a `dist/` of a static site may be the site).
OUTPUT_DIRS = frozenset({"build", "dist", "out", "_build", "cmake-build-debug", "cmake-build-release"})

MAX_READ = 512 * 1024  # bytes read of any one file
# manifests that can be valid and larger (a package.json with a long description, a big pom)
MAX_MANIFEST_READ = 4 * 1024 * 1024
LARGE_MANIFESTS = frozenset({"package.json", "composer.json", "pom.xml", "Cargo.toml", "pyproject.toml",
                             "build.gradle", "build.gradle.kts", "angular.json",
                             # lockfiles: a real Laravel app's composer.lock is 600 KB, a package-lock.json several MB
                             "composer.lock", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
                             "bun.lock", "Gemfile.lock", "Cargo.lock", "poetry.lock", "uv.lock", "pdm.lock",
                             "Pipfile.lock"})
MAX_FILES = 200_000


class ScanError(Exception):
    """The path can't be scanned at all (missing, not a directory, unreadable)."""


MAX_IGNORE_READ = 1024 * 1024  # bytes read of an ignore file (.gitignore, .dockerignore)
MAX_IGNORE_LINE = 4096  # characters of one ignore pattern (longer lines are left out)


def inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """Whether ``path``, its symlinks followed, stays inside ``root`` (a link out of the tree is never read)."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _read_bytes(path: str, cap: int) -> bytes:
    """At most ``cap`` bytes of a file, through the bare file descriptor (no Python file object: a third of
    the cost for thousands of small files). Asks for the file's size, not the cap (a read of n bytes sets
    aside n bytes first), and opens without blocking, so that a FIFO put in place of a file reads as empty
    rather than waiting for a writer."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        size = os.fstat(fd).st_size
        want = min(cap, size + 1) if size else cap
        data = os.read(fd, want)
        if data and (size == 0 or len(data) < min(want, size)):  # size unknown, or a short read: read on
            parts = [data]
            got = len(data)
            while got < want:
                more = os.read(fd, want - got)
                if not more:
                    break
                parts.append(more)
                got += len(more)
            data = b"".join(parts)
        return data
    finally:
        os.close(fd)


def read_capped(root: str | os.PathLike[str], path: str | os.PathLike[str], cap: int = MAX_IGNORE_READ,
                warnings: list[str] | None = None, max_line: int | None = MAX_IGNORE_LINE) -> str | None:
    """The text of a file of the tree, at most ``cap`` bytes (undecodable bytes replaced); None when it
    is missing, unreadable, or a symlink that leads outside ``root``. A longer file is cut at ``cap``
    with a warning (in ``warnings``), and lines longer than ``max_line`` are left out."""
    path = os.fspath(path)
    if not inside(root, path):
        if warnings is not None and os.path.lexists(path):
            warnings.append(f"{os.path.relpath(path, root)}: a link out of the project; not read")
        return None
    try:
        data = _read_bytes(path, cap + 1)
    except OSError:
        return None
    if len(data) > cap:
        if warnings is not None:
            warnings.append(f"{os.path.relpath(path, root)}: larger than {cap // 1024} KB; "
                            f"only the first {cap // 1024} KB read")
        data = data[:cap]
        data = data[: data.rfind(b"\n") + 1] or data
    text = data.decode("utf-8", errors="replace")
    if max_line and len(text) > max_line and any(len(ln) > max_line for ln in text.splitlines()):
        if warnings is not None:
            warnings.append(f"{os.path.relpath(path, root)}: lines longer than {max_line} characters left out")
        text = "\n".join(ln for ln in text.splitlines() if len(ln) <= max_line)
    return text


def _load_spec(path: Path, root: Path | None = None, warnings: list[str] | None = None) -> "pathspec.PathSpec | None":
    text = read_capped(root or path.parent, path, warnings=warnings)
    if text is None:
        return None
    lines = text.splitlines()
    lines = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return None
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # a malformed pattern must not stop the scan
        return None


# a name no project has: a .dockerignore that leaves it out leaves out everything not allowed back in
_ANY_FILE = "containerize-any-name-9f3c"


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


class SourceTree:
    """An index of a project's files (POSIX paths relative to the root)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).resolve()
        self._root_str = str(self.root)
        if not self.root.exists():
            raise ScanError(f"{root}: no such directory")
        if not self.root.is_dir():
            raise ScanError(f"{root}: not a directory")
        if not os.access(self.root, os.R_OK | os.X_OK):
            raise ScanError(f"{root}: permission denied")
        self.warnings: list[str] = []
        self.files: list[str] = []
        self.dirs: set[str] = {""}
        self._links: set[str] = set()  # files that are symlinks: read only when they stay inside the root
        self._walk()
        self._set = frozenset(self.files)
        self._texts: dict[str, str | None] = {}
        self._trees: dict[tuple[str, str], object] = {}
        # (module, file) -> what an analyzer read from the file, kept for the run: detection and analysis
        # ask for the same files, and a large file's facts cost a walk of its parse tree
        self.facts: dict[tuple[str, str], object] = {}

    # -- walking -----------------------------------------------------------
    def _walk(self) -> None:
        top: tuple[tuple[str, pathspec.PathSpec], ...] = tuple(
            ("", spec) for spec in (_load_spec(self.root / ".gitignore", self.root, self.warnings),) if spec)
        docker = dockerignore.load(self.root, self.warnings)  # Docker's rules, not gitignore's: anchored at the root
        if docker and docker.ignored(_ANY_FILE) and docker.ignored(_ANY_FILE + "/x.txt"):
            # `*` then exceptions: an allow-list made for a Dockerfile that copies build outputs (Quarkus's
            # target/quarkus-app/, say); the generated Dockerfile builds from the source, which it leaves out
            self.warnings.append(".dockerignore leaves out everything but a few paths (made for a Dockerfile "
                                 "that copies build outputs): the whole tree is read, and the generated "
                                 ".dockerignore (--force) lets the source into the build")
            docker = None
        stack = [(str(self.root), "", top)]
        docker = docker if docker else None
        ignored = self._ignored
        files, dirs = self.files, self.dirs
        by_name = attrgetter("name")
        while stack:
            abs_dir, rel_dir, specs = stack.pop()
            try:
                entries = sorted(os.scandir(abs_dir), key=by_name)
            except OSError as exc:
                if rel_dir:  # its .gitignore is still read (a warning about it comes first)
                    _load_spec(Path(abs_dir) / ".gitignore", self.root, self.warnings)
                self.warnings.append(f"skipped {rel_dir or '.'}: {exc.strerror or exc}")
                continue
            # a nested .gitignore: looked for among the entries (no lookup of a missing file per folder)
            if rel_dir and any(e.name == ".gitignore" for e in entries):
                nested = _load_spec(Path(abs_dir) / ".gitignore", self.root, self.warnings)
                if nested:
                    specs = specs + ((rel_dir + "/", nested),)
            prefix = rel_dir + "/" if rel_dir else ""
            subdirs = []
            for entry in entries:
                name = entry.name
                rel = prefix + name
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = not is_dir and entry.is_file()
                except OSError:
                    continue
                if is_dir:
                    if name in PRUNED_DIRS or _is_virtualenv(entry.path):
                        continue
                    if name in OUTPUT_DIRS and not self._keeps_output(entry.path):
                        continue
                    if specs and ignored(specs, rel + "/") or docker and docker.prunes(rel, walked=True):
                        continue
                    subdirs.append((entry.path, rel, specs))
                    dirs.add(rel)
                elif is_file and not (specs and ignored(specs, rel)) and not (docker and docker.ignored(rel, walked=True)):
                    if entry.is_symlink():
                        if not inside(self._root_str, entry.path):
                            self.warnings.append(f"{rel}: a link out of the project; not read")
                            continue
                        self._links.add(rel)
                    files.append(rel)
                    if len(files) >= MAX_FILES:
                        self.warnings.append(f"stopped after {MAX_FILES} files")
                        return
            stack.extend(reversed(subdirs))
        self.files.sort()

    @staticmethod
    def _keeps_output(path: str) -> bool:
        # `dist/` or `build/` that is the site itself (an index.html and no manifest beside it)
        parent = os.path.dirname(path)
        manifests = ("package.json", "CMakeLists.txt", "Makefile", "pyproject.toml", "setup.py",
                     "Cargo.toml", "pom.xml", "build.gradle", "build.gradle.kts", "meson.build", "go.mod")
        return not any(os.path.exists(os.path.join(parent, m)) for m in manifests)

    @staticmethod
    def _ignored(specs: list[tuple[str, pathspec.PathSpec]], rel: str) -> bool:
        for base, spec in specs:
            if base:
                if not rel.startswith(base):
                    continue
                sub = rel[len(base):]
            else:
                sub = rel
            if sub and spec.match_file(sub):
                return True
        return False

    # -- queries -----------------------------------------------------------
    def exists(self, rel: str) -> bool:
        return rel in self._set

    def isdir(self, rel: str) -> bool:
        return rel.rstrip("/") in self.dirs

    def first(self, *names: str) -> str | None:
        return next((n for n in names if n in self._set), None)

    def glob(self, pattern: str) -> list[str]:
        """Files matching a shell pattern on the whole relative path (`*` crosses `/`)."""
        tail = pattern.rpartition("/")[2]
        if not any(c in tail for c in "*?["):  # a literal file name: only paths ending with it can match
            if tail == pattern:
                return [pattern] if pattern in self._set else []
            return [f for f in self.files if f.endswith(tail) and fnmatch.fnmatchcase(f, pattern)]
        return [f for f in self.files if fnmatch.fnmatchcase(f, pattern)]

    def with_suffix(self, *suffixes: str) -> list[str]:
        return [f for f in self.files if f.endswith(suffixes)]

    def children(self, rel_dir: str) -> list[str]:
        prefix = rel_dir.rstrip("/") + "/" if rel_dir else ""
        return [f for f in self.files if f.startswith(prefix) and "/" not in f[len(prefix):]]

    def read(self, rel: str) -> str | None:
        """The file's text (first MAX_READ bytes), or None if missing, binary or not UTF-8."""
        if rel in self._texts:
            return self._texts[rel]
        text = None
        path = self._root_str + "/" + rel if rel else self._root_str
        if (rel not in self._set or rel in self._links) and not inside(self._root_str, path):
            self._texts[rel] = None  # a link out of the tree (or a path through one) is never read
            return None
        cap = MAX_MANIFEST_READ if rel.rpartition("/")[2] in LARGE_MANIFESTS else MAX_READ
        try:
            data = _read_bytes(path, cap)
            if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark is not part of the text
                data = data[3:]
            if b"\0" not in data[:8192]:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    # a cut in the middle of a multi-byte character is not "not UTF-8"
                    if len(data) >= cap - 3 and exc.start >= len(data) - 4:
                        text = data[: exc.start].decode("utf-8")
        except OSError:
            text = None
        self._texts[rel] = text
        return text

    def fact(self, owner: str, rel: str, read: Callable[[SourceTree, str], T]) -> T:
        """What `owner` (the module that reads it) reads from file `rel`: ``read(tree, rel)`` the first time,
        kept in ``facts`` for the run (detection and every analysis step ask for the same files)."""
        key = (owner, rel)
        if key in self.facts:
            return self.facts[key]  # type: ignore[return-value]
        found = self.facts[key] = read(self, rel)
        return found

    def executable(self, rel: str) -> bool:
        """Whether the file has an executable bit set (False when it can't be looked at)."""
        try:
            return bool(os.stat(self._root_str + "/" + rel).st_mode & 0o111)
        except OSError:
            return False

    def parse(self, rel: str, grammar: str):
        """The file's tree-sitter parse tree (``syntax.GRAMMARS`` names the grammar), or None if unreadable."""
        key = (rel, grammar)
        if key not in self._trees:
            text = self.read(rel)
            from . import syntax

            self._trees[key] = syntax.parse(grammar, text) if text is not None else None
        return self._trees[key]

    def lines(self, rel: str) -> list[str]:
        text = self.read(rel)
        return text.splitlines() if text else []
