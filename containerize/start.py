"""Every image gets a start command: never a Dockerfile with an empty CMD, whatever the language.

After the answers are applied, a profile with no start command takes the best
of its candidates (and says so in a warning naming ``--set entrypoint=...``);
with no candidate at all there is nothing sensible to write, and the command
line stops with one line saying how to give one.
"""
from __future__ import annotations

import shlex

from .profile import Profile

CHOSEN_CONFIDENCE = 0.5  # a start command picked for want of one: the questionnaire asks about it


def start_candidates(profile: Profile) -> list[dict]:
    """The start commands the analyzer found, in its order (best first)."""
    return [c for c in profile.candidates if isinstance(c.get("entrypoint"), list) and c["entrypoint"]
            and all(isinstance(a, str) for a in c["entrypoint"])]


def choose_entrypoint(profile: Profile) -> None:
    """An empty start command becomes the best candidate, with a warning that says how to change it."""
    if profile.entrypoint:
        return
    starts = start_candidates(profile)
    if not starts:
        return
    best = starts[0]
    profile.entrypoint = list(best["entrypoint"])
    where = best.get("file")
    if where and best.get("line"):
        where = f"{where}:{best['line']}"
    why = best.get("why") or "a candidate"
    profile.note("entrypoint", f"no start command given; chose the best of {len(starts)} candidate(s): {why}",
                 best.get("file"), best.get("line"), CHOSEN_CONFIDENCE)
    profile.warnings.append(chosen_warning(profile.entrypoint, why, where, len(starts)))


def chosen_warning(argv: list[str], why: str, where: str | None, count: int) -> str:
    """The warning for a start command that was picked, not stated: which, why, and how to change it."""
    others = f" (the best of {count} candidates; `containerize inspect --json` lists them)" if count > 1 else ""
    return (f"start command: chose `{shlex.join(argv)}` ({why}{', ' + where if where else ''}){others}; "
            f"if that is not how the app starts, use --set entrypoint='...'")


def missing_message(profile: Profile) -> str:
    """One line for a project with no start command and nothing to choose from."""
    example = {"python": "python main.py", "node": "node server.js", "ruby": "ruby main.rb",
               "php": "php index.php", "java": "java -jar app.jar"}.get(profile.language or "", "./start")
    examples = [c for c in profile.candidates if isinstance(c.get("example"), list) and c["example"]
                and all(isinstance(a, str) for a in c["example"])]
    if examples:  # a repository of examples: name them, and the answers that build the first
        first = examples[0]
        port = first.get("port")
        given = f"--set entrypoint={shlex.quote(shlex.join(first['example']))}" + \
            (f" --set port={int(port)}" if isinstance(port, int) else "")
        shown = ", ".join(str(c.get("file")) for c in examples[:6]) + (", ..." if len(examples) > 6 else "")
        return (f"no start command found in {profile.root}, only examples, each an app of its own ({shown}): "
                f"choose one, e.g. {given}")
    return (f"no start command found in {profile.root}: say how the app starts with "
            f"--set entrypoint='{example}'")


def require_entrypoint(profile: Profile) -> None:
    """Choose a start command if there is a candidate; with none, raise AnalysisError (never an empty CMD)."""
    from .checklist import AnalysisError

    choose_entrypoint(profile)
    if not profile.entrypoint:
        raise AnalysisError(missing_message(profile))
