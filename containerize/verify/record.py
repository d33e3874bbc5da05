"""The record of one verification run: what was asked (``Options``), what it made (``Created``,
so that cleanup finds it), and what came out of each phase with its timings (``Result``, which
the report shows). ``Run`` holds the three; every phase reads and fills it.

Everything created carries the label ``containerize.verify=<run id>`` (images, containers,
networks, volumes), so cleanup finds it even after a crash half-way.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..profile import Profile

LABEL = "containerize.verify"

# exit codes
OK, CHECK_FAILED, USAGE, NO_DOCKER, BUILD_FAILED, START_FAILED = 0, 1, 2, 3, 4, 5


class VerifyError(Exception):
    """A run that can't go on; ``kind`` names the problem, ``details`` shows the evidence."""

    def __init__(self, kind: str, message: str, details: str = "", code: int = CHECK_FAILED):
        super().__init__(message)
        self.kind, self.message, self.details, self.code = kind, message, details, code


@dataclass
class Options:
    path: Path
    expect: str | None = None
    health_path: str | None = None
    timeout: float = 120.0
    cache_check: bool = True
    keep: bool = False
    generate: bool = False


@dataclass
class Check:
    name: str
    status: str  # pass | fail | warn | skip
    detail: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Result:
    """What each phase found: ``build`` and ``rebuild`` (steps, seconds), ``image`` (size, user,
    layers), ``run`` (services, container, port, answered_after, start_to_healthy or exit_code and
    seconds, uid), the checks in the order they ran, and the error that stopped the run."""

    run_id: str
    path: str
    kind: str | None = None  # server | batch | long-running
    generated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    image: dict[str, Any] = field(default_factory=dict)
    build: dict[str, Any] = field(default_factory=dict)
    rebuild: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    error: VerifyError | None = None
    kept: dict[str, Any] | None = None
    build_log: str | None = None

    def check(self, name: str, status: str, detail: str = "") -> Check:
        found = Check(name, status, detail)
        self.checks.append(found)
        return found

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.code
        return CHECK_FAILED if any(c.status == "fail" for c in self.checks) else OK

    @property
    def ok(self) -> bool:
        return self.exit_code == OK

    def to_dict(self) -> dict:
        err = None
        if self.error is not None:
            err = {"kind": self.error.kind, "message": self.error.message, "details": self.error.details}
        return {
            "ok": self.ok, "exit_code": self.exit_code, "run_id": self.run_id, "label": f"{LABEL}={self.run_id}",
            "path": self.path, "kind": self.kind, "error": err, "generated": self.generated, "notes": self.notes,
            "image": self.image, "build": self.build, "rebuild": self.rebuild, "run": self.run,
            "secrets": self.secrets, "checks": [c.to_dict() for c in self.checks], "kept": self.kept,
            "build_log": self.build_log,
        }


@dataclass
class Created:
    """What the run made and must remove (or, with --keep, list): its temporary folder, the
    image tags, the compose project and the compose command that drives it."""

    compose_project: str
    workdir: Path | None = None
    tags: list[str] = field(default_factory=list)
    compose_cmd: list[str] | None = None
    torn_down: bool = False  # the compose project is already down


class Quiet:
    """The progress interface, doing nothing (see report.Progress)."""

    def update(self, text: str) -> None:
        pass

    def done(self, text: str) -> None:
        pass


@dataclass
class Run:
    options: Options
    run_id: str
    root: Path                        # the project folder, resolved
    created: Created
    result: Result
    progress: Any = field(default_factory=Quiet)
    profile: Profile | None = None    # None when the project could not be analyzed
    compose_file: Path | None = None  # the project's (or, without one, a minimal one in workdir)

    @property
    def label(self) -> str:
        return f"{LABEL}={self.run_id}"


def new_run(options: Options, progress=None) -> Run:
    run_id = uuid.uuid4().hex[:10]
    return Run(options=options, run_id=run_id, root=Path(options.path).resolve(),
               created=Created(compose_project=f"cverify{run_id}"), result=Result(run_id, str(options.path)),
               progress=progress or Quiet())
