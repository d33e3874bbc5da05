"""The project before anything is built: its folder, its analysis, the container files
``--generate`` writes when they are missing, and the ``CONTAINERIZE_PROVIDE`` hook that makes
base images available where no registry is reachable."""
from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from .. import render, write
from ..checklist import AnalysisError, build_profile
from .record import NO_DOCKER, USAGE, Run, VerifyError

COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def compose_file_of(root: Path) -> Path | None:
    return next((root / n for n in COMPOSE_NAMES if (root / n).is_file()), None)


def load(run: Run) -> None:
    """Check the folder, analyze it (a project that can't be analyzed still verifies as it is)."""
    root, opts = run.root, run.options
    if not root.is_dir():
        raise VerifyError("usage", f"{opts.path}: no such directory", code=USAGE)
    if not (root / "Dockerfile").is_file() and not opts.generate:
        raise VerifyError("usage", f"{root} has no Dockerfile: run `containerize {opts.path}` first to "
                          "write the container files, or pass --generate to write the missing ones now.",
                          code=USAGE)
    try:
        run.profile = build_profile(root)
    except AnalysisError as exc:
        if opts.generate and not (root / "Dockerfile").is_file():
            raise VerifyError("usage", f"can't generate the container files: {exc}", code=USAGE) from None
        run.result.notes.append(f"the project was not analyzed ({exc}); using its Dockerfile as it is")
    run.compose_file = compose_file_of(root)


def generate(run: Run) -> None:
    """Write the container files that are missing (never overwrite one)."""
    assert run.profile is not None
    try:
        files = render.render(run.profile)
    except render.RenderError as exc:
        raise VerifyError("usage", f"can't generate the container files: {exc}", code=USAGE) from None
    missing = {name: text for name, text in files.items() if not (run.root / name).exists()}
    if any((run.root / n).is_file() for n in COMPOSE_NAMES if n != "compose.yaml"):
        missing.pop("compose.yaml", None)
    if missing:
        try:
            write.write_all(run.root, missing, force=False)
        except write.WriteError as exc:
            raise VerifyError("usage", str(exc), code=USAGE) from None
    run.result.generated = list(missing)
    run.compose_file = compose_file_of(run.root)


def provide(run: Run) -> None:
    """Let a user-supplied command make the base images available (no registry here)."""
    targets = [("--dockerfile", run.root / "Dockerfile")]
    if run.compose_file:
        targets.append(("--compose", run.compose_file))
    provide_images(run, [(flag, path, path.name) for flag, path in targets])


def provide_images(run: Run, targets: list[tuple[str, Path, str]]) -> None:
    """Run CONTAINERIZE_PROVIDE (when set) with each ``(flag, path, label)``: ``--dockerfile``/``--compose``."""
    command = os.environ.get("CONTAINERIZE_PROVIDE")
    if not command:
        return
    for flag, path, label in targets:
        run.progress.update(f"Providing base images ({label})")
        try:
            done = subprocess.run([*shlex.split(command), flag, str(path)], capture_output=True, text=True,
                                  timeout=1800)
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise VerifyError("provide", f"CONTAINERIZE_PROVIDE failed: {exc}", code=NO_DOCKER) from None
        if done.returncode != 0:
            raise VerifyError("provide", f"CONTAINERIZE_PROVIDE {flag} {path} exited {done.returncode}",
                              (done.stdout + done.stderr)[-3000:], code=NO_DOCKER)
