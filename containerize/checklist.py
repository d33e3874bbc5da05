"""From a directory to its checklist answers: scan, pick the language, analyze, then layer the answers.

Detection (``detect``) and answers (``apply_layers``) are separate steps: a
profile is detected once, and answers are applied to a copy of it, so the
questionnaire re-applies its answers without reading the tree again.
"""
from __future__ import annotations

import copy
from pathlib import Path

from . import languages, answers as saved_answers, overrides, start
from .answer_keys import ASKED_ORIGIN, DETECTED, SET_ORIGIN, field_of
from .profile import Evidence, Profile
from .scan import ScanError, SourceTree

Layers = list[tuple[str, list[tuple[str, str]]]]


class AnalysisError(Exception):
    """A project that can't be analyzed; the message says why, for a person."""


def build_profile(path: str | Path, answers: list[tuple[str, str]] | None = None,
                  tree: SourceTree | None = None, saved: bool = True,
                  asked: list[tuple[str, str]] | None = None) -> Profile:
    """The checklist of the project in ``path``.

    Answers come, strongest first, from ``answers`` (the command line's
    ``--set``), ``asked`` (the questionnaire of this run), the saved answers
    file (containerize.toml or [tool.containerize] in pyproject.toml, unless
    ``saved`` is False) and detection. ``profile.origins`` says which one set
    each answer (see ``origin_of``).
    """
    tree = tree or scan(path)
    layers = answer_layers(tree.root, answers, asked, saved)
    profile = detect(tree, *chosen_language(layers))
    apply_layers(profile, layers)
    return profile


class Checklist:
    """One project, detected once, with answers layered over a copy of what was detected."""

    def __init__(self, path: str | Path, sets: list[tuple[str, str]] | None = None, saved: bool = True):
        self.tree = scan(path)
        self.sets = list(sets or [])
        self.saved = answer_layers(self.tree.root, saved=saved)  # read once
        self._detected: dict[str | None, Profile] = {}

    def layers(self, asked: list[tuple[str, str]] | None = None) -> Layers:
        return self.saved + answer_layers(self.tree.root, self.sets, asked, saved=False)

    def profile(self, asked: list[tuple[str, str]] | None = None) -> Profile:
        """The checklist with ``asked`` (and the saved and command-line answers) applied."""
        layers = self.layers(asked)
        language, origin = chosen_language(layers)
        if language not in self._detected:  # the analysis changes only with the language
            self._detected[language] = detect(self.tree, language, origin)
        profile = copy.deepcopy(self._detected[language])
        apply_layers(profile, layers)
        return profile


def scan(path: str | Path) -> SourceTree:
    try:
        return SourceTree(path)
    except ScanError as exc:
        raise AnalysisError(str(exc)) from None


def detect(tree: SourceTree, chosen: str | None = None, origin: str | None = None) -> Profile:
    """What the code says, no answers applied: the best-scoring language (or ``chosen``, which the
    answer from ``origin`` names) and its analyzer's answers."""
    profile = Profile(root=str(tree.root))
    profile.warnings += tree.warnings
    claims = languages.detect_all(tree)
    for claim in claims:
        profile.candidates.append({"language": claim.language, "score": claim.score,
                                   "why": [e.why for e in claim.evidence]})
    if chosen:
        analyzer = languages.get(chosen)
        if analyzer is None:
            names = ", ".join(a.name for a in languages.all_analyzers())
            flag = "--set " if origin == SET_ORIGIN else f"{origin}: "
            raise AnalysisError(f"{flag}language={chosen}: no analyzer for {chosen!r} (known: {names})")
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
    from .languages.common import listen_on_all_interfaces
    from .services import warn_fixed_passwords

    listen_on_all_interfaces(profile)  # a loopback listen address read from an env var: all interfaces
    warn_fixed_passwords(profile)
    profile.candidates = candidates + profile.candidates
    return profile


def answer_layers(root: str | Path, answers: list[tuple[str, str]] | None = None,
                  asked: list[tuple[str, str]] | None = None,
                  saved: bool = True) -> Layers:
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


def chosen_language(layers: Layers) -> tuple[str | None, str | None]:
    """The language the strongest layer names, and that layer's origin."""
    for origin, pairs in reversed(layers):
        value = dict(pairs).get("language")
        if value:
            return value, origin
    return None, None


def apply_layers(profile: Profile, layers: Layers) -> None:
    """Apply every layer weakest first, so the strongest wins, then the language's finish hook.

    The language was chosen before analysis; its answer is only recorded here."""
    language, origin = chosen_language(layers)
    if language and origin and language == profile.language:
        noted = next((n for n in profile.evidence.get("language", [])
                      if n.file is None and n.why == f"{origin}: language={language}"), None)
        if noted is None:
            profile.answered("language", origin, ("language", language))
        else:  # whoever chose the language noted it already
            noted.origin, noted.answer = origin, ("language", language)
            profile.origins["language"] = origin
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
    from .migrations import after_answers

    after_answers(profile)  # a given start command that runs the migrations itself
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
    """Where the answer to ``key`` (a field, e.g. "ports", or a --set key, e.g. "port") came from:
    the origin of the answer that set it, or DETECTED."""
    return profile.origin(field_of(key))


__all__ = ["ASKED_ORIGIN", "AnalysisError", "Checklist", "DETECTED", "Evidence", "SET_ORIGIN", "build_profile",
           "detect", "origin_of"]
