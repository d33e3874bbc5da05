"""Removing what a run made: the compose project (down with its volumes), then everything
that carries the run's label, the image tags and the temporary folder. With --keep nothing is
removed; the record lists what was kept and the commands that remove it."""
from __future__ import annotations

import shlex
import shutil

from . import compose, docker
from .record import Run


def stop_app(run: Run) -> None:
    """Take the compose project down once the app's checks are done (before the rebuild)."""
    if run.created.compose_cmd is not None and not run.options.keep:
        run.progress.update("Removing the containers")
        compose.command(run, "down", "-v", "--remove-orphans", "-t", "3", check=False, timeout=300)
        run.created.torn_down = True


def remove_all(run: Run) -> None:
    created = run.created
    if run.options.keep:
        run.result.kept = kept(run)
        return
    run.progress.update("Cleaning up")
    if created.compose_cmd is not None and not created.torn_down:
        compose.command(run, "down", "-v", "--remove-orphans", "-t", "3", check=False, timeout=300)
    docker.remove("container", docker.labelled("container", run.label))
    docker.remove("network", docker.labelled("network", run.label))
    docker.remove("volume", docker.labelled("volume", run.label))
    for tag in created.tags:
        docker.quiet(["rmi", tag])
    docker.remove("image", docker.labelled("image", run.label))
    if created.workdir is not None:
        shutil.rmtree(created.workdir, ignore_errors=True)


def kept(run: Run) -> dict:
    """What --keep kept, and the commands that remove it."""
    created = run.created
    down = []
    if created.compose_cmd:
        down = ["docker " + " ".join(shlex.quote(a) for a in created.compose_cmd) + " down -v"]
    return {
        "images": created.tags, "compose_project": created.compose_project, "workdir": str(created.workdir),
        "remove_with": [*down, f"docker rmi {' '.join(created.tags)}", f"rm -rf {created.workdir}"],
    }
