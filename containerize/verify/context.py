"""The build context: a temporary copy (the cache check edits a file in it, never in the
project), which file to edit, and which COPY sources are dependency manifests."""
from __future__ import annotations

import fnmatch
import glob
import os
import re
import shutil
from pathlib import Path, PurePosixPath

# Files that declare dependencies (copied before the source so installs stay cached).
MANIFEST_GLOBS = (
    "requirements*.txt", "constraints*.txt", "pyproject.toml", "setup.cfg", "Pipfile", "Pipfile.lock",
    "poetry.lock", "uv.lock", "pdm.lock", ".python-version",
    "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "pnpm-workspace.yaml", ".npmrc", ".yarnrc", ".yarnrc.yml", ".nvmrc", "bun.lockb", "bun.lock",
    "go.mod", "go.sum", "go.work", "go.work.sum", "Cargo.toml", "Cargo.lock",
    "pom.xml", "mvnw", "gradlew", "*.gradle", "*.gradle.kts", "gradle.properties",
    "Gemfile", "Gemfile.lock", "*.gemspec", ".ruby-version", "composer.json", "composer.lock",
    "*.csproj", "*.fsproj", "*.sln", "packages.config", "mix.exs", "mix.lock", "*.lock", ".tool-versions",
)
MANIFEST_DIRS = {".mvn", "gradle", ".yarn"}
SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".rb",
                   ".php", ".cs", ".ex", ".exs", ".scala", ".html", ".css", ".vue", ".svelte")
ALWAYS_SKIPPED = {".git", ".hg", ".svn"}


def is_manifest(name: str) -> bool:
    base = PurePosixPath(name).name
    return any(fnmatch.fnmatchcase(base, g) for g in MANIFEST_GLOBS)


class DockerIgnore:
    """The .dockerignore rules (Docker's: patterns relative to the root, ``**`` for any depth,
    ``!`` to re-include, the last matching rule wins, a match on a folder covers its content)."""

    def __init__(self, root: Path):
        self.rules: list[tuple[bool, _Pattern]] = []
        try:
            text = (root / ".dockerignore").read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
            if pattern in ("", "."):
                continue
            self.rules.append((negate, _Pattern(pattern)))

    @property
    def has_exceptions(self) -> bool:
        return any(neg for neg, _ in self.rules)

    def ignored(self, rel: str) -> bool:
        parts = rel.split("/")
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        result = False
        for negate, rx in self.rules:
            if any(rx.fullmatch(p) for p in prefixes):
                result = not negate
        return result


class _Pattern:
    """One .dockerignore pattern: ``*`` any run of characters but ``/``, ``?`` one of them,
    ``**`` anything, ``**/`` any folders (or none); everything else literal. A pattern with one
    wildcard run at most is a regex; one with more is matched with a state set, in time linear in
    the path (a backtracking regex takes time exponential in the number of ``*`` and ``**`` a
    hostile pattern may carry)."""

    LIT, ONE, STAR, ANY, DIRS = range(5)

    def __init__(self, pattern: str):
        self.tokens: list[tuple[int, str]] = []
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                self.tokens.append((self.DIRS, ""))
                i += 3
            elif pattern.startswith("**", i):
                self.tokens.append((self.ANY, ""))
                i += 2
            else:
                c = pattern[i]
                self.tokens.append({"*": (self.STAR, ""), "?": (self.ONE, "")}.get(c, (self.LIT, c)))
                i += 1
        self.regex = None
        if sum(kind in (self.STAR, self.ANY, self.DIRS) for kind, _ in self.tokens) <= 1:
            parts = {self.ONE: "[^/]", self.STAR: "[^/]*", self.ANY: ".*", self.DIRS: "(?:.*/)?"}
            self.regex = re.compile("".join(parts.get(kind) or re.escape(lit) for kind, lit in self.tokens))

    def _closure(self, states: set[int]) -> set[int]:
        todo, seen = list(states), set(states)
        while todo:
            s = todo.pop()
            if s >= 0 and s < len(self.tokens) and self.tokens[s][0] in (self.STAR, self.ANY, self.DIRS) \
                    and s + 1 not in seen:
                seen.add(s + 1)
                todo.append(s + 1)
        return seen

    def fullmatch(self, text: str) -> bool:
        if self.regex is not None:
            return self.regex.fullmatch(text) is not None
        # state s >= 0: before token s; state -s-1: inside the folders of a ``**/`` (token s)
        states = self._closure({0})
        for c in text:
            nxt: set[int] = set()
            for s in states:
                if s < 0:
                    if c != "\n":
                        nxt.add(s)
                        if c == "/":
                            nxt.add(-s)
                    continue
                if s >= len(self.tokens):
                    continue
                kind, lit = self.tokens[s]
                if kind == self.LIT and c == lit or kind == self.ONE and c != "/":
                    nxt.add(s + 1)
                elif kind == self.STAR and c != "/" or kind == self.ANY and c != "\n":
                    nxt.add(s)
                elif kind == self.DIRS and c != "\n":
                    nxt.add(-s - 1)
                    if c == "/":
                        nxt.add(s + 1)
            if not nxt:
                return False
            states = self._closure(nxt)
        return len(self.tokens) in states


def copy_context(root: Path, dest: Path) -> None:
    """Copy what docker would send (or more: never less) from root to dest."""
    ignore = DockerIgnore(root)
    prune = not ignore.has_exceptions
    for here, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(here, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
        target = dest / rel_dir
        target.mkdir(parents=True, exist_ok=True)
        keep = []
        for d in dirs:
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if d in ALWAYS_SKIPPED and not rel_dir:
                continue
            if os.path.islink(os.path.join(here, d)):
                _copy_link(Path(here) / d, target / d)
                continue
            if prune and ignore.ignored(rel):
                continue
            keep.append(d)
        dirs[:] = keep
        for f in files:
            rel = f"{rel_dir}/{f}" if rel_dir else f
            if prune and ignore.ignored(rel) and f not in ("Dockerfile", ".dockerignore"):
                continue
            src = Path(here) / f
            if src.is_symlink():
                _copy_link(src, target / f)
            elif src.is_file():  # not a named pipe, socket or device (shutil refuses those)
                shutil.copy2(src, target / f)


def _copy_link(src: Path, dst: Path) -> None:
    os.symlink(os.readlink(src), dst)


def pick_source_file(root: Path, preferred: list[str] | None = None) -> str | None:
    """A source file that docker would send and that no dependency manifest is: the one the
    cache check edits. ``preferred`` (e.g. the entrypoint's file) is tried first."""
    ignore = DockerIgnore(root)

    def usable(rel: str) -> bool:
        path = root / rel
        return (path.is_file() and not path.is_symlink() and not is_manifest(rel)
                and not ignore.ignored(rel) and rel not in ("Dockerfile", ".dockerignore"))

    for rel in preferred or []:
        if rel and usable(rel):
            return rel
    candidates: list[tuple[int, str]] = []
    for here, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(here, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        dirs[:] = sorted(d for d in dirs if d not in ALWAYS_SKIPPED and d != "node_modules"
                         and not ignore.ignored(f"{rel_dir}/{d}" if rel_dir else d))
        for f in sorted(files):
            rel = f"{rel_dir}/{f}" if rel_dir else f
            if f.endswith(SOURCE_SUFFIXES) and usable(rel):
                candidates.append((rel.count("/"), rel))
    return min(candidates)[1] if candidates else None


_HASH_COMMENT = (".py", ".rb", ".ex", ".exs", ".sh", ".pl", ".r", ".yaml", ".yml", ".toml")
_SLASH_COMMENT = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".cs", ".scala",
                  ".css", ".c", ".h", ".cc", ".cpp", ".swift", ".dart")
_HTML_COMMENT = (".html", ".htm", ".vue", ".svelte", ".xml")


def touch(path: Path, mark: str) -> None:
    """A harmless change that makes the file's content new (so the build cache can't have it):
    a comment with ``mark`` at the end, in the file's language, or a newline."""
    name = path.name.lower()
    text = path.read_text(encoding="utf-8", errors="replace") if path.suffix.lower() == ".php" else ""
    if name.endswith(_HASH_COMMENT):
        extra = f"\n# {mark}\n"
    elif name.endswith(_SLASH_COMMENT) or (name.endswith(".php") and not text.rstrip().endswith("?>")):
        extra = f"\n/* {mark} */\n"
    elif name.endswith(_HTML_COMMENT):
        extra = f"\n<!-- {mark} -->\n"
    else:
        extra = "\n"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(extra)


def source_copy_check(context: Path):
    """``is_source_copy(sources)`` for buildlog.dependency_steps, resolved against the context."""

    def is_source_copy(sources: list[str]) -> bool:
        if not sources:
            return False
        for src in sources:
            clean = src.strip()
            if "://" in clean:  # ADD of a URL: not source code
                continue
            rel = os.path.normpath(clean.lstrip("/")) if clean not in ("", ".", "./") else "."
            if rel == ".":
                return True
            matches = glob.glob(str(context / rel)) if any(c in rel for c in "*?[") else [str(context / rel)]
            for match in matches:
                path = Path(match)
                if path.is_dir():
                    if path.name not in MANIFEST_DIRS:
                        return True
                elif not is_manifest(path.name):
                    return True
            if not matches and not is_manifest(rel):
                return True
        return False

    return is_source_copy
