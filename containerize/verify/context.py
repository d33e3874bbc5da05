"""The build context: a temporary copy (the cache check edits a file in it, never in the
project), which file to edit, and which COPY sources are dependency manifests."""
from __future__ import annotations

import fnmatch
import glob
import os
import shutil
from pathlib import Path, PurePosixPath

from .. import dockerignore

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


def DockerIgnore(root: Path) -> dockerignore.DockerIgnore:
    """The .dockerignore rules of ``root``, as Docker applies them (containerize/dockerignore.py:
    the same rules the scan follows)."""
    return dockerignore.load(root)


def copy_context(root: Path, dest: Path) -> None:
    """Copy what docker would send (or more: never less) from root to dest."""
    ignore = DockerIgnore(root)
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
            if ignore.prunes(rel):  # left out, and no exception puts back anything under it
                continue
            keep.append(d)
        dirs[:] = keep
        for f in files:
            rel = f"{rel_dir}/{f}" if rel_dir else f
            if ignore.ignored(rel) and f not in ("Dockerfile", ".dockerignore"):
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
                         and not ignore.prunes(f"{rel_dir}/{d}" if rel_dir else d))
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
