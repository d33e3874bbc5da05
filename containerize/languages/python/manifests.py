"""Python dependency manifests: which tool installs the app, with what, on which Python."""
from __future__ import annotations

import ast
import os
import posixpath
import re
import sys
from dataclasses import dataclass, field


from ...image_tags import FAMILIES, choose, tool_pin
from ...profile import Profile
from ...scan import SourceTree, inside
from . import imports

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# the release lines published as python:<line>-slim-bookworm (and -bookworm) images, from the shared table
DEFAULT_PYTHON: str = FAMILIES["python"].default or FAMILIES["python"].lines[-1]
KNOWN_PYTHONS: tuple[str, ...] = FAMILIES["python"].lines

_VCS = re.compile(r"(^|[\s@])git\+[a-z]+://")  # one requirement line: name @ git+https://...
_OPTION = re.compile(r"\s--?[a-z][\w-]*(?:[= ]\S+)?")  # per-requirement options: --hash=sha256:..., --config-settings


class ManifestError(ValueError):
    """A manifest exists but can't be read; the message names the file and why."""


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_extras(spec: str) -> set[str]:
    """The extras a PEP 508 requirement asks for (``fastapi[standard]>=0.110`` -> {"standard"}), normalized."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return {normalize(e) for e in Requirement(spec.strip()).extras}
    except InvalidRequirement:
        return set()


def requirement_specifier(spec: str) -> str:
    """The version specifier of a PEP 508 requirement (``Flask==2.0.1`` -> ``==2.0.1``), empty when none."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return str(Requirement(spec.strip()).specifier)
    except InvalidRequirement:
        return ""


def requirement_name(spec: str) -> str | None:
    """The normalized distribution name of a PEP 508 requirement (``Flask[async]>=3; python_version>'3.8'``
    -> ``flask``), or None when it is not one."""
    from packaging.requirements import InvalidRequirement, Requirement  # loaded only for a Python project

    try:
        return normalize(Requirement(spec.strip()).name)
    except InvalidRequirement:
        return None


@dataclass
class Manifests:
    package_manager: str = "pip"
    # files to COPY before the source so the dependency layer is cached
    files: list[str] = field(default_factory=list)
    # how the template installs: requirements | pyproject | poetry | uv | pipenv | pdm | setup | imports
    install: str = "requirements"
    requirements: list[str] = field(default_factory=list)  # requirement files to install with -r
    installable: bool = False  # the project itself is a package (build-system / setup.py)
    scripts: dict[str, str] = field(default_factory=dict)  # console scripts: name -> "module:func"
    deps: list[tuple[str, str, int | None]] = field(default_factory=list)  # (name, file, line)
    pyproject: dict = field(default_factory=dict)
    # every requirement file pip reads: the top ones and those they include with -r / -c
    included: list[str] = field(default_factory=list)
    # a dependency fetched from a version-control URL (git+https://...): git in the build stage
    vcs: list[tuple[str, int | None]] = field(default_factory=list)
    # pdm.lock has no environment markers (no inherit_metadata strategy): `pdm export` refuses it
    pdm_relock: bool = False
    # folders the build backend packages the project's top-level packages from, deepest first, with where
    # that is declared: (folder, file, line); ``src/`` is one whether declared or not
    package_roots: list[tuple[str, str, int | None]] = field(default_factory=list)
    # the extras a declared dependency asks for: fastapi -> {"standard"} (fastapi[standard] brings uvicorn)
    extras: dict[str, set[str]] = field(default_factory=dict)
    # the version specifier each requirement file gives a package (flask -> "==2.0.1"), and whether any line
    # carries a --hash (pip then checks every package against its pinned hashes)
    pins: dict[str, str] = field(default_factory=dict)
    hashed: bool = False


def load_pyproject(tree: SourceTree) -> dict:
    if not tree.exists("pyproject.toml"):
        return {}
    text = tree.read("pyproject.toml")
    if text is None:
        raise ManifestError("pyproject.toml: not a UTF-8 text file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"pyproject.toml: invalid TOML ({exc})") from None
    from ...validate import PYPROJECT_SHAPE, check_shape

    check_shape(data, "pyproject.toml", PYPROJECT_SHAPE)
    return data


def _line_of(tree: SourceTree, rel: str, needle: str) -> int | None:
    for number, line in enumerate(tree.lines(rel), 1):
        if needle in line:
            return number
    return None


def requirement_files(tree: SourceTree) -> list[str]:
    """The requirement files that install the app (not its tests or docs)."""
    main = tree.first("requirements.txt", "requirements/prod.txt", "requirements/production.txt",
                      "requirements/base.txt", "requirements/main.txt", "requirements.in")
    if not main and _ignored_file(tree, "requirements.txt"):
        main = "requirements.txt"  # ignored (`*.txt` in .gitignore) but there: the user's list, never replaced
    return [main] if main else []


def _ignored_file(tree: SourceTree, rel: str) -> bool:
    """A regular file inside the project that the index leaves out (an ignore file matches it)."""
    path = os.path.join(tree.root, rel)
    return not tree.exists(rel) and os.path.isfile(path) and inside(tree.root, path)


def parse_requirements(tree: SourceTree, rel: str, seen: set[str] | None = None,
                       vcs: list[tuple[str, int | None]] | None = None,
                       extras: dict[str, set[str]] | None = None,
                       pins: dict[str, str] | None = None) -> list[tuple[str, str, int]]:
    """The requirements of one file and of the files it includes; ``seen`` collects every file read
    (in order), ``vcs`` the lines that fetch from version control, ``extras`` the extras each asks for,
    ``pins`` the version specifier of each (``"--hash"`` is set when a line carries one)."""
    seen = seen if seen is not None else set()
    if rel in seen:
        return []
    seen.add(rel)
    text = tree.read(rel)
    if text is None:
        raise ManifestError(f"{rel}: not a UTF-8 text file")
    deps = []
    base = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.replace("\t", " ").split(" #", 1)[0].strip()  # pip: `#` after a space or tab
        if line.startswith("#"):
            line = ""
        if line.endswith("\\"):  # continued on the next line (hashes, long markers)
            pending, start = pending + line[:-1] + " ", start or number
            continue
        line, number, pending, start = (pending + line).strip(), start or number, "", 0
        if not line:
            continue
        option, _eq, value = line.replace("=", " ", 1).partition(" ") if line.startswith("--") else \
            line.partition(" ")
        if option in ("-r", "--requirement", "-c", "--constraint") and value.strip():
            inner = posixpath.normpath(base + value.strip())
            if inner.startswith("../") or inner.startswith("/") or not tree.exists(inner):
                continue
            if option in ("-r", "--requirement"):
                deps += parse_requirements(tree, inner, seen, vcs, extras, pins)
            else:
                seen.add(inner)  # constraints: no dependencies of their own, but pip reads the file
            continue
        if vcs is not None and _VCS.search(line):
            vcs.append((rel, number))
        if line.startswith("-"):
            continue  # options: --index-url, -e ., ...
        if line.startswith((".", "/")) or re.match(r"[a-z][\w+.-]*://", line):
            continue  # a local path or a URL with no name
        spec = _OPTION.sub("", " " + line)
        name = requirement_name(spec)
        if not name:
            raise ManifestError(f"{rel}:{number}: not a requirement: {raw.strip()!r}")
        if extras is not None and "[" in spec:
            extras.setdefault(name, set()).update(requirement_extras(spec))
        if pins is not None:
            if "--hash" in line:
                pins["--hash"] = ""
            pins.setdefault(name, requirement_specifier(spec))
        deps.append((name, rel, number))
    return deps


def python_version(tree: SourceTree, profile: Profile, pyproject: dict) -> str:
    """The Python to run on, from the most specific source that says, as a published image tag: a patch pin
    stays exact when its line published it with the bookworm variants, else its line."""
    for rel in (".python-version", "runtime.txt"):
        for number, line in enumerate(tree.lines(rel), 1):
            if rel == ".python-version" and line.strip().lower().startswith(("pypy", "graalpy", "system")):
                continue
            m = re.search(r"\d+\.\d+(?:\.\d+)?", line[:200])
            if m:
                return _published(m.group(0), f"{rel} pins Python {line.strip()[:40]}", rel, number, profile)
    pin = tool_pin(tree, "python")  # mise.toml's [tools], asdf's .tool-versions
    if pin and "." in pin[0]:
        return _published(pin[0], f"{pin[1]} pins python {pin[0]}", pin[1], pin[2], profile)
    pipfile = _pipfile(tree) if tree.exists("Pipfile") else {}
    requires = pipfile.get("requires") if isinstance(pipfile.get("requires"), dict) else {}
    for key in ("python_full_version", "python_version"):
        value = requires.get(key)
        m = re.match(r"\d+\.\d+(?:\.\d+)?$", value.strip()) if isinstance(value, str) else None
        if m:
            return _published(m.group(0), f"Pipfile [requires] {key} = {value.strip()!r}", "Pipfile",
                              _line_of(tree, "Pipfile", key), profile)
    spec = _table(pyproject, "project").get("requires-python")
    origin = "requires-python"
    if not spec:
        spec = _table(_table(_table(pyproject, "tool"), "poetry"), "dependencies").get("python")
        origin = "tool.poetry.dependencies.python"
    if isinstance(spec, str):
        line = _line_of(tree, "pyproject.toml", "requires-python" if origin == "requires-python" else "python")
        version, note = pick_version(spec)
        if note:
            profile.warnings.append(f"pyproject.toml: {origin} = {spec[:80]!r}: {note}")
            profile.note("runtime_version", f"{origin} = {spec[:80]!r}: {note}", "pyproject.toml", line, 0.5)
            return version
        profile.note("runtime_version", f"{origin} = {spec[:80]!r} allows Python {version}", "pyproject.toml",
                     line, 0.9)
        return version
    profile.note("runtime_version", f"no version pinned; using the current stable Python {DEFAULT_PYTHON}",
                 confidence=0.5)
    return DEFAULT_PYTHON


def _published(version: str, why: str, rel: str, line: int | None, profile: Profile) -> str:
    """A pinned version as a published tag: the pin itself, its line, or the nearest line (with a warning)."""
    choice = choose("python", version)
    if choice.note and choice.version.split(".")[:2] != version.split(".")[:2]:
        profile.warnings.append(f"{rel}: {choice.note}")
        profile.note("runtime_version", f"{why}; {choice.note}", rel, line, 0.6)
    else:
        profile.note("runtime_version", why + (f"; {choice.note}" if choice.note else ""), rel, line, 1.0)
    return choice.version


def _pipfile(tree: SourceTree) -> dict:
    text = tree.read("Pipfile")
    if text is None:
        raise ManifestError("Pipfile: not a UTF-8 text file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"Pipfile: invalid TOML ({exc})") from None
    from ...validate import PIPFILE_SHAPE, check_shape

    check_shape(data, "Pipfile", PIPFILE_SHAPE)
    return data


def pick_version(spec: str) -> tuple[str, str | None]:
    """The Python line a requirement like '>=3.9,<3.12' or '^3.11' allows: the current stable one when it is
    allowed, else the newest published line it allows; with a note when no published line fits."""
    spec = ",".join(_tilde(clause) for clause in spec[:500].split(","))
    if not choose("python", spec, within=(DEFAULT_PYTHON,)).note:
        return DEFAULT_PYTHON, None
    choice = choose("python", spec)
    return choice.version, choice.note


def _tilde(clause: str) -> str:
    """Poetry's ``~3.10`` (>=3.10,<3.11; ``~3`` is >=3,<4) as a plain range; other clauses as they are."""
    m = re.fullmatch(r"\s*~\s*(\d+)(?:\.(\d+))?(?:\.\d+)?\s*", clause)
    if not m:
        return clause
    major, minor = int(m.group(1)), m.group(2)
    upper = f"{major}.{int(minor) + 1}" if minor is not None else f"{major + 1}"
    return f">={clause.strip().lstrip('~').strip()},<{upper}"


def read_manifests(tree: SourceTree, profile: Profile) -> Manifests:
    pyproject = load_pyproject(tree)
    if "project" in pyproject and not isinstance(pyproject["project"], dict):
        raise ManifestError("pyproject.toml: [project] must be a table")
    project = _table(pyproject, "project")
    poetry = _table(_table(pyproject, "tool"), "poetry")
    m = Manifests(pyproject=pyproject)
    scripts = project.get("scripts") or poetry.get("scripts")
    m.scripts = dict(scripts) if isinstance(scripts, dict) else {}
    m.scripts = {k: v for k, v in m.scripts.items() if isinstance(v, str)}
    # The project itself is installed only when it must be: its console scripts exist only once installed.
    # Otherwise the code runs from the app folder, and a layout the build backend can't package (a flat
    # folder of modules, Poetry with no package of the project's name) can't fail the build.
    tool = _table(pyproject, "tool")
    non_package = poetry.get("package-mode") is False or _table(tool, "pdm").get("distribution") is False \
        or _table(tool, "uv").get("package") is False
    m.installable = bool(m.scripts) and not non_package and bool(pyproject.get("build-system") or poetry)
    if tree.exists("setup.py") and not non_package:
        m.installable = True  # setup.py lists its packages itself, and its entry points are code, not read here
    if m.scripts and non_package:
        profile.note("installable", "package-mode/distribution is off: the console scripts are not installed",
                     "pyproject.toml", _line_of(tree, "pyproject.toml", "package-mode")
                     or _line_of(tree, "pyproject.toml", "distribution"), 0.9)
    elif m.installable and pyproject:
        profile.note("installable", f"the console script(s) {', '.join(sorted(m.scripts)[:3])} exist once the "
                     "project is installed", "pyproject.toml", _line_of(tree, "pyproject.toml", "scripts"), 0.9)
    elif pyproject.get("build-system") or poetry.get("name"):
        profile.note("installable", "no console scripts: the code runs from the app folder, the project "
                     "itself isn't installed", "pyproject.toml", None, 0.8)

    if tree.exists("uv.lock") and pyproject:
        m.package_manager, m.install, m.files = "uv", "uv", ["pyproject.toml", "uv.lock"]
        profile.note("package_manager", "uv.lock is present", "uv.lock", None, 1.0)
    elif tree.exists("poetry.lock") or poetry.get("dependencies"):
        m.package_manager, m.install = "poetry", "poetry"
        m.files = ["pyproject.toml"] + (["poetry.lock"] if tree.exists("poetry.lock") else [])
        why = "poetry.lock is present" if tree.exists("poetry.lock") else "pyproject.toml has [tool.poetry]"
        profile.note("package_manager", why, m.files[-1], None, 1.0)
        # package-mode = false, or no packages: install dependencies only
        if poetry.get("package-mode") is False:
            m.installable = False
    elif tree.exists("pdm.lock") and pyproject:
        m.package_manager, m.install, m.files = "pdm", "pdm", ["pyproject.toml", "pdm.lock"]
        profile.note("package_manager", "pdm.lock is present", "pdm.lock", None, 1.0)
        m.pdm_relock = not _pdm_lock_has_markers(tree)
        if m.pdm_relock:
            profile.note("package_manager", "pdm.lock was locked without environment markers (no "
                         "inherit_metadata strategy), which `pdm export` refuses: the build re-locks it, "
                         "reusing the locked versions", "pdm.lock", _line_of(tree, "pdm.lock", "strategy"), 0.9)
    elif tree.exists("Pipfile"):
        m.package_manager, m.install = "pipenv", "pipenv"
        m.files = ["Pipfile"] + (["Pipfile.lock"] if tree.exists("Pipfile.lock") else [])
        profile.note("package_manager", "Pipfile is present", "Pipfile", None, 1.0)
    elif requirement_files(tree):
        m.requirements = requirement_files(tree)
        m.files = list(m.requirements)
        m.install = "requirements"
        profile.note("package_manager", f"{m.requirements[0]} lists the dependencies", m.requirements[0], None, 1.0)
        if not tree.exists(m.requirements[0]):
            profile.warnings.append(f"{m.requirements[0]} is ignored (.gitignore or .dockerignore) but lists the "
                                    "dependencies: it is used, and kept in the build context")
    elif project.get("dependencies") is not None or (pyproject.get("build-system") and project):
        m.install, m.files = "pyproject", ["pyproject.toml"]
        profile.note("package_manager", "pyproject.toml [project] lists the dependencies (no lock file)",
                     "pyproject.toml", _line_of(tree, "pyproject.toml", "dependencies"), 0.9)
    elif tree.exists("setup.py") or tree.exists("setup.cfg"):
        m.install = "setup"
        m.files = [f for f in ("setup.py", "setup.cfg") if tree.exists(f)]
        m.installable = True
        profile.note("package_manager", "setup.py/setup.cfg installs the project with pip", m.files[0], None, 0.8)
    else:
        m.install = "imports"
        profile.note("package_manager", "no manifest: dependencies come from the imports", confidence=0.6)

    m.deps = collect_dependencies(tree, m, pyproject)
    m.vcs += _vcs_dependencies(tree, project, poetry, m)
    m.package_roots = package_roots(tree, pyproject)
    return m


# a folder the packages are taken from, as a build backend's setting names it: plain relative path segments
_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}){0,8}")


def _folder(value: object) -> str | None:
    """``src/py`` for ``"./src/py/"``; None for the project's root, a path outside it or anything odd."""
    if not isinstance(value, str):
        return None
    folder = value.strip().removeprefix("./").rstrip("/")
    if not _FOLDER.fullmatch(folder) or any(part in (".", "..") for part in folder.split("/")):
        return None
    return folder


def _declared_roots(pyproject: dict) -> list[tuple[str, str]]:
    """(folder, setting) of each folder pyproject.toml says the packages live in: hatch's wheel ``packages`` (their
    parent folder) and ``sources``, setuptools' ``packages.find where`` and ``package-dir``, Poetry's
    ``packages from``, PDM's ``package-dir``, uv's ``module-root``, maturin's ``python-source``."""
    tool = _table(pyproject, "tool")
    found: list[tuple[object, str]] = []
    hatch_build = _table(_table(tool, "hatch"), "build")
    wheel = _table(_table(hatch_build, "targets"), "wheel")
    for table, name in ((wheel, "[tool.hatch.build.targets.wheel]"), (hatch_build, "[tool.hatch.build]")):
        for package in _list(table.get("packages")):
            if isinstance(package, str) and "/" in package.strip("/"):
                found.append((package.strip().rstrip("/").rsplit("/", 1)[0], f"{name} packages"))
        sources = table.get("sources")
        if isinstance(sources, dict):  # {"src/py" = ""}: the prefix dropped from the paths
            found += [(k, f"{name} sources") for k, v in sources.items() if v == ""]
        else:
            found += [(k, f"{name} sources") for k in _list(sources)]
    setuptools = _table(tool, "setuptools")
    find = _table(_table(setuptools, "packages"), "find")
    found += [(w, "[tool.setuptools.packages.find] where") for w in _list(find.get("where"))]
    package_dir = _table(setuptools, "package-dir")
    if "" in package_dir:
        found.append((package_dir[""], "[tool.setuptools] package-dir"))
    for package in _list(_table(tool, "poetry").get("packages")):
        if isinstance(package, dict) and "from" in package:
            found.append((package["from"], "[tool.poetry] packages from"))
    found.append((_table(_table(tool, "pdm"), "build").get("package-dir"), "[tool.pdm.build] package-dir"))
    found.append((_table(_table(tool, "uv"), "build-backend").get("module-root"),
                  "[tool.uv.build-backend] module-root"))
    found.append((_table(tool, "maturin").get("python-source"), "[tool.maturin] python-source"))
    roots: list[tuple[str, str]] = []
    for value, setting in found:
        folder = _folder(value)
        if folder and all(folder != r for r, _s in roots):
            roots.append((folder, setting))
    return roots


def _setup_cfg_root(tree: SourceTree) -> str | None:
    """setup.cfg's ``[options] package_dir = =src/py``: the folder of the packages."""
    text = tree.read("setup.cfg")
    if not text or "package_dir" not in text:
        return None
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        value = parser.get("options", "package_dir", fallback="")
    except (configparser.Error, ValueError):
        return None
    for entry in value.replace("\n", " ").split():
        name, sep, folder = entry.partition("=")
        if sep and not name.strip():
            return _folder(folder)
    return None


def package_roots(tree: SourceTree, pyproject: dict) -> list[tuple[str, str, int | None]]:
    """Folders the project's top-level packages live in (``src/py`` for ``src/py/app``), as its build settings
    declare them, deepest first, each with the file and line that says so; ``src`` is always one (the usual
    src/ layout). A folder that isn't in the tree is left out."""
    roots: list[tuple[str, str, int | None]] = []
    for folder, setting in _declared_roots(pyproject):
        if tree.isdir(folder):
            key = setting.rsplit(" ", 1)[-1]
            line = next((n for n, text in enumerate(tree.lines("pyproject.toml"), 1)
                         if key in text and folder in text), None)
            roots.append((folder, "pyproject.toml", line or _line_of(tree, "pyproject.toml", key)))
    if tree.exists("setup.cfg"):
        folder = _setup_cfg_root(tree)
        if folder and tree.isdir(folder):
            roots.append((folder, "setup.cfg", _line_of(tree, "setup.cfg", "package_dir")))
    if not any(r[0] == "src" for r in roots):
        roots.append(("src", "", None))
    roots.sort(key=lambda r: r[0].count("/"), reverse=True)
    return roots


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _table(data: dict, key: str) -> dict:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _pdm_lock_has_markers(tree: SourceTree) -> bool:
    try:
        lock = tomllib.loads(tree.read("pdm.lock") or "")
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"pdm.lock: invalid TOML ({exc})") from None
    metadata = lock.get("metadata") if isinstance(lock.get("metadata"), dict) else {}
    strategy = metadata.get("strategy")
    return isinstance(strategy, list) and "inherit_metadata" in strategy


def _vcs_dependencies(tree: SourceTree, project: dict, poetry: dict, m: Manifests) -> list[tuple[str, int | None]]:
    """Dependencies pip, Poetry or Pipenv fetch with git: [project] `name @ git+https://...`,
    Poetry/Pipfile tables with a `git` key."""
    found: list[tuple[str, int | None]] = []
    for spec in _list(project.get("dependencies")):
        if isinstance(spec, str) and _VCS.search(spec):
            found.append(("pyproject.toml", _line_of(tree, "pyproject.toml", spec)))
    tables = [("pyproject.toml", _table(poetry, "dependencies"))]
    if m.install == "pipenv":
        tables.append(("Pipfile", _pipfile(tree).get("packages") or {}))
    for rel, table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            if isinstance(value, dict) and "git" in value:
                found.append((rel, _line_of(tree, rel, str(name))))
    return found


def collect_dependencies(tree: SourceTree, m: Manifests, pyproject: dict) -> list[tuple[str, str, int | None]]:
    deps: list[tuple[str, str, int | None]] = []
    project = _table(pyproject, "project")
    poetry = _table(_table(pyproject, "tool"), "poetry")
    for spec in _list(project.get("dependencies")):
        if isinstance(spec, str) and (name := requirement_name(spec)):
            deps.append((name, "pyproject.toml", _line_of(tree, "pyproject.toml", spec)))
            if "[" in spec:
                m.extras.setdefault(name, set()).update(requirement_extras(spec))
    for name, value in _table(poetry, "dependencies").items():
        if name.lower() != "python":
            deps.append((normalize(name), "pyproject.toml", _line_of(tree, "pyproject.toml", name)))
            wanted = value.get("extras") if isinstance(value, dict) else None
            if isinstance(wanted, list):
                m.extras.setdefault(normalize(name), set()).update(normalize(e) for e in wanted if isinstance(e, str))
    if m.install == "pipenv":
        deps += _pipfile_packages(tree)
    read: set[str] = set()
    for rel in m.requirements:
        deps += parse_requirements(tree, rel, read, m.vcs, m.extras, m.pins)
    m.hashed = m.pins.pop("--hash", None) is not None
    m.included = [f for f in dict.fromkeys([*m.requirements, *sorted(read)])]
    if m.install == "setup":
        deps += _setup_requires(tree)
    seen: set[str] = set()
    unique = []
    for dep in deps:
        if dep[0] not in seen:
            seen.add(dep[0])
            unique.append(dep)
    return unique


def _pipfile_packages(tree: SourceTree) -> list[tuple[str, str, int | None]]:
    data = _pipfile(tree)  # its shape checked
    return [(normalize(n), "Pipfile", _line_of(tree, "Pipfile", n)) for n in (data.get("packages") or {})]


def _setup_requires(tree: SourceTree) -> list[tuple[str, str, int | None]]:
    """install_requires from setup.py's setup(...) call (its ast) and setup.cfg's [options]."""
    deps: list[tuple[str, str, int | None]] = []
    module = imports.parsed(tree, "setup.py") if tree.exists("setup.py") else None
    if module is not None:
        lists = {t.id: n.value for n in module.body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if func != "setup":
                continue
            for kw in node.keywords:
                if kw.arg != "install_requires":
                    continue
                value = lists.get(kw.value.id) if isinstance(kw.value, ast.Name) else kw.value
                for item in value.elts if isinstance(value, (ast.List, ast.Tuple)) else []:
                    if isinstance(item, ast.Constant) and isinstance(item.value, str):
                        if name := requirement_name(item.value):
                            deps.append((name, "setup.py", item.lineno))
    if tree.exists("setup.cfg"):
        import configparser  # only for the projects that have a setup.cfg

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(tree.read("setup.cfg") or "")
            specs = parser.get("options", "install_requires", fallback="")
        except configparser.Error as exc:
            raise ManifestError(f"setup.cfg: not a valid config file ({exc.__class__.__name__})") from None
        for spec in specs.splitlines():
            spec = spec.split("#", 1)[0].strip()
            if spec and (name := requirement_name(spec)):
                deps.append((name, "setup.cfg", _line_of(tree, "setup.cfg", spec)))
    return deps
