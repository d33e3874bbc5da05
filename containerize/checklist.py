"""From a directory to its checklist answers: scan, pick the language, analyze, override."""
from __future__ import annotations

from pathlib import Path

from . import analyzers, overrides
from .profile import Evidence, Profile
from .scan import ScanError, SourceTree


class AnalysisError(Exception):
    """A project that can't be analyzed; the message says why, for a person."""


def build_profile(path: str | Path, answers: list[tuple[str, str]] | None = None,
                  tree: SourceTree | None = None) -> Profile:
    answers = answers or []
    try:
        tree = tree or SourceTree(path)
    except ScanError as exc:
        raise AnalysisError(str(exc)) from None
    profile = Profile(root=str(tree.root))
    profile.warnings += tree.warnings

    claims = analyzers.detect_all(tree)
    chosen = dict(answers).get("language")
    for claim in claims:
        profile.candidates.append({"language": claim.language, "score": claim.score,
                                   "why": [e.why for e in claim.evidence]})
    if chosen:
        analyzer = analyzers.get(chosen)
        if analyzer is None:
            names = ", ".join(a.name for a in analyzers.all_analyzers())
            raise AnalysisError(f"--set language={chosen}: no analyzer for {chosen!r} (known: {names})")
        profile.note("language", f"chosen on the command line (--set language={chosen})", confidence=1.0)
    elif claims:
        best = claims[0]
        analyzer = analyzers.get(best.language)
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
    overrides.apply(profile, [(k, v) for k, v in answers if k != "language"])
    return profile


__all__ = ["AnalysisError", "Evidence", "build_profile"]
