"""Container files for a project that has no code yet (``containerize init``).

There is nothing to analyze, so the profile is built from the answers
(language, framework, version, port, start command, env vars, services) over a
language's defaults for a new project: its analyzer's ``starter`` (see
languages.base.Starter), or else its analyzer run on an empty folder.
"""
from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from . import languages as language_registry, render
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
    return len(tree.files) <= NEAR_EMPTY and not language_registry.detect_all(tree)


def _analyze_empty(language: str, profile: Profile) -> None:
    analyzer = language_registry.get(language)
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
    for analyzer in language_registry.all_analyzers():
        if not (render.language_templates(analyzer.name) / "Dockerfile.j2").exists():
            continue
        if analyzer.get_starter():
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


def _starter(language: str | None):
    analyzer = language_registry.get(language or "")
    return analyzer.get_starter() if analyzer else None


def frameworks(language: str | None) -> list[tuple[str, str]]:
    starter = _starter(language)
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
    starter = _starter(language)
    if starter:
        starter.defaults(profile, framework)
    else:
        _analyze_empty(language, profile)
    profile.new_project = True
    apply_layers(profile, layers)
    if starter:
        starter.finish(profile)
    return profile


def starter_files(profile: Profile) -> dict[str, str]:
    """Files a new project starts with (e.g. requirements.txt), only those not there yet."""
    starter = _starter(profile.language)
    if not starter:
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
