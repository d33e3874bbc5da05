"""Container files for a project that has no code yet (``containerize init``).

There is nothing to analyze, so the profile is built from the answers
(language, framework, version, port, start command, env vars, services) over a
language's defaults for a new project. A language gets those defaults from, in
order: a ``new_project(profile, framework)`` function in its analyzer module,
the starters below, or its analyzer run on an empty folder.
"""
from __future__ import annotations

import importlib
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import analyzers, render
from .checklist import AnalysisError, answer_layers, apply_layers, chosen_language
from .profile import Profile
from .scan import ScanError, SourceTree

NEAR_EMPTY = 20  # a folder with at most this many files and no code is "new"


class ScaffoldError(AnalysisError):
    pass


def is_new_project(path: str | Path) -> bool:
    """True for a missing or (near-)empty folder: no analyzer recognizes any code in it."""
    root = Path(path)
    if not root.exists():
        return True
    if not root.is_dir():
        return False
    try:
        tree = SourceTree(root)
    except ScanError:
        return False
    return len(tree.files) <= NEAR_EMPTY and not analyzers.detect_all(tree)


# -- per-language starters -------------------------------------------------------
@dataclass
class Starter:
    """What a new project in one language starts from."""

    frameworks: list[tuple[str, str]]  # (name, label); "none" for no framework
    defaults: Callable[[Profile, str | None], None]  # before the answers
    finish: Callable[[Profile], None] = lambda profile: None  # after the answers
    files: Callable[[Profile], dict[str, str]] = field(default=lambda profile: {})  # starter files (never overwrite)


PY_STARTS = {
    "flask": ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"],
    "fastapi": ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"],
    "django": ["gunicorn", "--bind", "0.0.0.0:8000", "config.wsgi:application"],
    "none": ["python", "main.py"],
}
PY_PACKAGES = {
    "flask": ["flask>=3,<4"],
    "fastapi": ["fastapi>=0.115,<1"],
    "django": ["django>=5.1,<6"],
    "gunicorn": ["gunicorn>=23,<24"],
    "uvicorn": ["uvicorn[standard]>=0.30,<1"],
    "postgres": ["psycopg[binary]>=3.2,<4"],
    "mysql": ["PyMySQL>=1.1,<2"],
    "redis": ["redis>=5,<6"],
    "mongodb": ["pymongo>=4.8,<5"],
}


def _python_defaults(profile: Profile, framework: str | None) -> None:
    from .analyzers.python.manifests import DEFAULT_PYTHON

    framework = framework if framework in PY_STARTS else "none"
    profile.framework = None if framework == "none" else framework
    profile.package_manager = "pip"
    profile.runtime_version = DEFAULT_PYTHON
    profile.note("runtime_version", f"a new project: the current stable Python {DEFAULT_PYTHON}", confidence=0.5)
    profile.entrypoint = list(PY_STARTS[framework])
    profile.note("entrypoint", f"the usual start command for a new {framework if framework != 'none' else 'Python'} "
                 "app", confidence=0.5)
    if framework != "none":
        profile.ports = [8000]
        profile.note("ports", "a new web app: 8000 by default", confidence=0.5)
        profile.health_path = "/"
        profile.note("health_path", "a new web app: probing /", confidence=0.5)
    profile.build = {
        "install": "requirements",
        "manifests": ["requirements.txt"],
        "requirements": ["requirements.txt"],
        "installable": False,
        "extra_packages": [],
        "generated_requirements": [],
        "workdir": "/app",
    }


def _python_requirements(profile: Profile) -> list[str]:
    names = [profile.framework] if profile.framework in PY_PACKAGES else []
    argv = profile.entrypoint
    if argv and argv[0] == "gunicorn":
        names.append("gunicorn")
    if argv and (argv[0] == "uvicorn" or any("uvicorn.workers" in a for a in argv)):
        names.append("uvicorn")
    names += [s.kind for s in profile.services if s.kind in PY_PACKAGES]
    return [spec for n in dict.fromkeys(names) for spec in PY_PACKAGES[n]]


def _python_finish(profile: Profile) -> None:
    specs = _python_requirements(profile)
    profile.dependencies = [s.split("[")[0].split(">")[0].split("=")[0].lower() for s in specs]
    profile.build["starter_requirements"] = profile.dependencies
    profile.build["extra_packages"] = []  # the starter requirements.txt has the server
    if specs:
        profile.note("dependencies", "the starter requirements.txt for the chosen framework and services",
                     "requirements.txt", None, 0.9)


def _python_files(profile: Profile) -> dict[str, str]:
    lines = ["# The app's dependencies, one per line (pip requirement format)."]
    lines += _python_requirements(profile)
    return {"requirements.txt": "\n".join(lines) + "\n"}


STARTERS: dict[str, Starter] = {
    "python": Starter(
        [("flask", "Flask (gunicorn)"), ("fastapi", "FastAPI (uvicorn)"), ("django", "Django (gunicorn)"),
         ("none", "none: a script, worker or batch job")],
        _python_defaults, _python_finish, _python_files),
}


def _module_hook(language: str) -> Callable | None:
    try:
        module = importlib.import_module(f"{analyzers.__name__}.{language}")
    except ImportError:
        return None
    return getattr(module, "new_project", None)


def _analyze_empty(language: str, profile: Profile) -> None:
    analyzer = analyzers.get(language)
    assert analyzer is not None
    with tempfile.TemporaryDirectory(prefix="containerize-new-") as empty:
        try:
            analyzer.analyze(SourceTree(empty), profile)
        except (ValueError, ScanError) as exc:
            raise ScaffoldError(f"containerize can't start a new {language} project yet ({exc}); "
                                f"write its manifest first, then run containerize again") from None


@lru_cache(maxsize=1)
def _startable() -> tuple[str, ...]:
    names = []
    for analyzer in analyzers.all_analyzers():
        if not (render.templates_dir() / analyzer.name / "Dockerfile.j2").exists():
            continue
        if analyzer.name in STARTERS or _module_hook(analyzer.name):
            names.append(analyzer.name)
            continue
        try:
            _analyze_empty(analyzer.name, Profile(language=analyzer.name))
        except Exception:  # noqa: BLE001 - an analyzer that needs files to start from
            continue
        names.append(analyzer.name)
    return tuple(names)


def languages() -> list[str]:
    """The languages a new project can be started in (an analyzer, templates, and defaults)."""
    return list(_startable())


def frameworks(language: str | None) -> list[tuple[str, str]]:
    starter = STARTERS.get(language or "")
    return starter.frameworks if starter else []


# -- the profile -------------------------------------------------------------------
def new_profile(path: str | Path, sets: list[tuple[str, str]] | None = None,
                asked: list[tuple[str, str]] | None = None) -> Profile:
    """The profile of a project about to be written in ``path``, from its answers
    (``sets`` from the command line win over ``asked`` and the saved answers)."""
    root = Path(path).resolve()
    layers = answer_layers(root, sets, asked, saved=True)
    language, origin = chosen_language(layers)
    known = languages()
    if not language:
        raise ScaffoldError(f"{root}: no code here yet, so say what the app will be: "
                            f"--set language=NAME (one of: {', '.join(known)}), e.g. "
                            "containerize init --set language=python --set framework=flask --set port=8000")
    if language not in known:
        raise ScaffoldError(f"{origin}: language={language}: containerize can't start a new {language} project "
                            f"(it can start: {', '.join(known)})")
    framework = None
    for _origin, pairs in layers:
        framework = dict(pairs).get("framework", framework)
    profile = Profile(root=str(root), language=language)
    profile.note("language", f"{origin}: language={language}", confidence=1.0)
    starter = STARTERS.get(language)
    hook = _module_hook(language)
    if hook:
        hook(profile, framework)
    elif starter:
        starter.defaults(profile, framework)
    else:
        _analyze_empty(language, profile)
    profile.build["new_project"] = True
    apply_layers(profile, layers)
    if starter and not hook:
        starter.finish(profile)
    return profile


def starter_files(profile: Profile) -> dict[str, str]:
    """Files a new project starts with (e.g. requirements.txt), only those not there yet."""
    starter = STARTERS.get(profile.language or "")
    if not starter or _module_hook(profile.language or ""):
        return {}
    root = Path(profile.root)
    return {name: text for name, text in starter.files(profile).items() if not (root / name).exists()}


def render_new(profile: Profile, ci: str | None = None) -> dict[str, str]:
    """The container files, the starter files, and a README.Docker.md that lists them all."""
    files = render.render(profile, ci=ci)
    extra = starter_files(profile)
    if extra:
        files.update(extra)
        files[render.README] = render.render_readme(profile, files, render.context(profile),
                                                    workflow=render.CI_PROVIDERS.get(ci or ""))
    return files
