"""From a directory to its checklist answers: scan, pick the language, analyze, override."""
from __future__ import annotations

from pathlib import Path

from . import languages, answers as saved_answers, overrides, start
from .profile import Evidence, Profile
from .scan import ScanError, SourceTree

SET_ORIGIN = "command line (--set)"
ASKED_ORIGIN = "questionnaire"
DETECTED = "detected"


class AnalysisError(Exception):
    """A project that can't be analyzed; the message says why, for a person."""


def build_profile(path: str | Path, answers: list[tuple[str, str]] | None = None,
                  tree: SourceTree | None = None, saved: bool = True,
                  asked: list[tuple[str, str]] | None = None) -> Profile:
    """The checklist of the project in ``path``.

    Answers come, strongest first, from ``answers`` (the command line's
    ``--set``), ``asked`` (the questionnaire of this run), the saved answers
    file (containerize.toml or [tool.containerize] in pyproject.toml, unless
    ``saved`` is False) and detection. An answer that doesn't come from
    detection ends its evidence with a note naming its origin (see ``origin_of``).
    """
    answers = answers or []
    try:
        tree = tree or SourceTree(path)
    except ScanError as exc:
        raise AnalysisError(str(exc)) from None
    profile = Profile(root=str(tree.root))
    profile.warnings += tree.warnings
    layers = answer_layers(tree.root, answers, asked, saved)

    claims = languages.detect_all(tree)
    chosen, origin = chosen_language(layers)
    for claim in claims:
        profile.candidates.append({"language": claim.language, "score": claim.score,
                                   "why": [e.why for e in claim.evidence]})
    if chosen:
        analyzer = languages.get(chosen)
        if analyzer is None:
            names = ", ".join(a.name for a in languages.all_analyzers())
            flag = "--set " if origin == SET_ORIGIN else f"{origin}: "
            raise AnalysisError(f"{flag}language={chosen}: no analyzer for {chosen!r} (known: {names})")
        if origin == SET_ORIGIN:
            profile.note("language", f"chosen on the command line (--set language={chosen})", confidence=1.0)
        else:
            profile.note("language", f"{origin}: language={chosen}", confidence=1.0)
    elif claims:
        best = claims[0]
        analyzer = languages.get(best.language)
        for ev in best.evidence:
            profile.evidence.setdefault("language", []).append(ev)
        if len(claims) > 1:
            others = ", ".join(f"{c.language} ({c.score})" for c in claims[1:])
            profile.note("language", f"{best.language} scores {best.score}, ahead of {others}",
                         confidence=0.7 if claims[1].score >= best.score - 10 else 0.9)
    else:
        if not tree.files:
            raise AnalysisError(f"{tree.root}: the directory is empty (no files to containerize)")
        raise AnalysisError(f"{tree.root}: no supported application found "
                            f"(looked at {len(tree.files)} files; use --set language=NAME to choose one)")
    profile.language = analyzer.name
    candidates = profile.candidates
    profile.candidates = []
    try:
        analyzer.analyze(tree, profile)
    except ValueError as exc:  # manifests that can't be read
        raise AnalysisError(str(exc)) from None
    profile.candidates = candidates + profile.candidates
    apply_layers(profile, layers)
    return profile


def answer_layers(root: str | Path, answers: list[tuple[str, str]] | None = None,
                  asked: list[tuple[str, str]] | None = None,
                  saved: bool = True) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(origin, pairs)`` for each source of answers, weakest first."""
    layers: list[tuple[str, list[tuple[str, str]]]] = []
    if saved:
        try:
            stored = saved_answers.load(root)
        except saved_answers.AnswersError as exc:
            raise AnalysisError(str(exc)) from None
        if stored and stored.answers:
            layers.append((stored.label, stored.pairs()))
    if asked:
        layers.append((ASKED_ORIGIN, list(asked)))
    if answers:
        layers.append((SET_ORIGIN, list(answers)))
    return layers


def chosen_language(layers: list[tuple[str, list[tuple[str, str]]]]) -> tuple[str | None, str | None]:
    """The language the strongest layer names, and that layer's origin."""
    for origin, pairs in reversed(layers):
        value = dict(pairs).get("language")
        if value:
            return value, origin
    return None, None


def apply_layers(profile: Profile, layers: list[tuple[str, list[tuple[str, str]]]]) -> None:
    """Apply every layer but its language (chosen before analysis), weakest first, so the strongest wins."""
    for origin, pairs in layers:
        try:
            overrides.apply(profile, [(k, v) for k, v in pairs if k != "language"], origin=origin)
        except overrides.OverrideError as exc:
            message = str(exc)
            if origin != SET_ORIGIN:
                message = f"{origin}: " + message.removeprefix("--set ")
            raise AnalysisError(message) from None
    if any(k == "services" for _origin, pairs in layers for k, _v in pairs):
        link_given_services(profile)
    start.choose_entrypoint(profile)  # never an empty CMD: the best candidate when no start command is given
    analyzer = languages.get(profile.language or "")
    if analyzer and analyzer.finish:
        analyzer.finish(profile)


def link_given_services(profile: Profile) -> None:
    """A service given as an answer gets the env var apps conventionally read for it (DATABASE_URL, ...)."""
    from .services import SERVICE_ENV, link_service_env

    for service in profile.services:
        names = SERVICE_ENV.get(service.kind, ())
        if names and not service.env_var and not any(profile.env_var(n) for n in names):
            profile.add_env(names[0], None, service.kind in ("postgres", "mysql", "mongodb"))
    link_service_env(profile)


def origin_of(profile: Profile, key: str) -> str:
    """Where the answer to ``key`` came from: a layer's origin, or "detected"."""
    notes = profile.evidence.get(key) or []
    if key == "ports" and not notes:
        notes = profile.evidence.get("port") or []
    for note in reversed(notes):  # layers are applied after detection, weakest first
        if note.file is not None or note.confidence < 1.0:
            continue
        if note.why.startswith("chosen on the command line"):
            return SET_ORIGIN
        head = note.why.split(": ", 1)[0]
        if head in (SET_ORIGIN, ASKED_ORIGIN, saved_answers.FILE) or head.startswith(saved_answers.PYPROJECT):
            return head
    return DETECTED


__all__ = ["AnalysisError", "Evidence", "build_profile", "origin_of"]
