"""The typed contract between a language and its templates: how the app is built and run.

Each language subclasses :class:`BuildPlan` in ``languages/<lang>/plan.py`` with the
fields its ``Dockerfile.j2`` reads (as ``b.<field>``). Values that every language
shares — the port and its env var, the start command, env vars, paths, services —
stay on the Profile and are derived from there at render time, never copied here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

# a field's metadata for what a language keeps for itself between analysis and the answers: not shown
# (inspect --json) and not read by templates
INTERNAL = {"internal": True}


@dataclass
class BuildPlan:
    # the runtime image has a shell (compose can wrap the command to read secret files)
    shell: bool = True
    # a new project's "Before the first build" steps (README.Docker.md)
    next_steps: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for f in fields(self):
            if f.metadata.get("internal"):
                del data[f.name]
        return data
