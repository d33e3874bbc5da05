"""The checklist as a person reads it."""
from __future__ import annotations

from .answer_keys import DETECTED, show
from .profile import ANSWER_KEYS, Profile


def value(profile: Profile, key: str) -> str:
    """The answer to ``key`` as a person reads it (``-`` for none)."""
    return show(profile, key)


def table(profile: Profile) -> str:
    rows = [("server", "yes" if profile.is_server else "no (runs to completion)", "", "")]
    for key in ANSWER_KEYS:
        notes = profile.evidence.get(key, [])
        first = notes[0] if notes else None
        conf = f"{profile.confidence(key):.0%}" if notes else ""
        rows.append((key, value(profile, key), conf, f"{first.where()}  {first.why}" if first else ""))
        for extra in notes[1:4]:
            rows.append(("", "", "", f"{extra.where()}  {extra.why}"))
        if len(notes) > 4:
            rows.append(("", "", "", f"... and {len(notes) - 4} more (see --json)"))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    width[1] = min(width[1], 48)
    lines = []
    for key, text, conf, why in rows:
        shown = text if len(text) <= 48 else text[:45] + "..."
        lines.append(f"{key:<{width[0]}}  {shown:<{width[1]}}  {conf:>4}  {why}".rstrip())
    for warning in profile.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def origins(profile: Profile) -> list[str]:
    """``from ORIGIN: key, key`` for each place answers came from other than detection."""
    given: dict[str, list[str]] = {}
    for key in ANSWER_KEYS:
        origin = profile.origin(key)
        if origin != DETECTED:
            given.setdefault(origin, []).append(key)
    return [f"from {origin}: {', '.join(keys)}" for origin, keys in given.items()]
