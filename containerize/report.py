"""The checklist as a person reads it."""
from __future__ import annotations

import shlex

from .profile import ANSWER_KEYS, Profile


def _value(profile: Profile, key: str) -> str:
    value = getattr(profile, key)
    if key in ("entrypoint", "build_command"):
        return shlex.join(value) if value else "-"
    if key == "env":
        return ", ".join(f"{e.name}{'=' + e.default if e.default is not None else ''}{' (secret)' if e.secret else ''}"
                         for e in value) or "-"
    if key == "services":
        return ", ".join(s.kind + (f" via {s.env_var}" if s.env_var else "") for s in value) or "-"
    if key == "system_packages":
        parts = [f"{stage}: {' '.join(pkgs)}" for stage, pkgs in value.items() if pkgs]
        return "; ".join(parts) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return "-" if value in (None, "") else str(value)


def table(profile: Profile) -> str:
    rows = [("server", "yes" if profile.is_server else "no (runs to completion)", "", "")]
    for key in ANSWER_KEYS:
        notes = profile.evidence.get(key, [])
        first = notes[0] if notes else None
        conf = f"{profile.confidence(key):.0%}" if notes else ""
        rows.append((key, _value(profile, key), conf, f"{first.where()}  {first.why}" if first else ""))
        for extra in notes[1:4]:
            rows.append(("", "", "", f"{extra.where()}  {extra.why}"))
        if len(notes) > 4:
            rows.append(("", "", "", f"... and {len(notes) - 4} more (see --json)"))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    width[1] = min(width[1], 48)
    lines = []
    for key, value, conf, why in rows:
        shown = value if len(value) <= 48 else value[:45] + "..."
        lines.append(f"{key:<{width[0]}}  {shown:<{width[1]}}  {conf:>4}  {why}".rstrip())
    for warning in profile.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)
