"""One verification run, phase by phase: the project, the build, the start, the checks, the
cache check; then the cleanup, whatever happened (even on Ctrl-C)."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from . import build, cache, checks, cleanup, context, docker, project, start
from .record import BUILD_FAILED, NO_DOCKER, START_FAILED, Options, Result, Run, VerifyError, new_run


def verify(options: Options, progress=None) -> Result:
    return execute(options, progress, _phases)


def execute(options: Options, progress, phases: Callable[[Run], None]) -> Result:
    """Run ``phases`` on a new run record; errors become the result's error, and everything the run made is
    removed at the end, whatever happened (also on Ctrl-C)."""
    run = new_run(options, progress)
    try:
        phases(run)
    except VerifyError as exc:
        run.result.error = exc
    except docker.DockerError as exc:
        run.result.error = VerifyError("docker", str(exc), exc.output[-3000:], START_FAILED)
    except KeyboardInterrupt:
        run.result.error = VerifyError("interrupted", "interrupted", code=130)
    finally:
        if run.created.workdir is not None:
            try:
                cleanup.remove_all(run)
            except KeyboardInterrupt:
                cleanup.remove_all(run)
    return run.result


def _phases(run: Run) -> None:
    project.load(run)
    reason = docker.available()
    if reason:
        raise VerifyError("no-docker", f"{reason}. `containerize verify` needs a running Docker engine "
                          "(start it, or point DOCKER_HOST at one).", code=NO_DOCKER)
    if run.options.generate:
        project.generate(run)
    run.created.workdir = Path(tempfile.mkdtemp(prefix=f"containerize-verify-{run.run_id}-"))
    project.provide(run)
    ctx = run.created.workdir / "context"
    try:
        context.copy_context(run.root, ctx)
    except OSError as exc:
        raise VerifyError("build", f"the build context could not be copied: {exc}", code=BUILD_FAILED) from None

    tag = build.image(run, ctx)
    app = start.start(run, tag)
    if app.port:
        info, answer = start.wait_for_port(run, app)
        checks.server(run, app, info, answer)
    elif run.profile and run.profile.long_running:
        info, took = start.wait_running(run, app)
        checks.long_running(run, app, info, took)
    else:
        info, took = start.wait_for_exit(run, app)
        checks.batch(run, app, info, took)
    cleanup.stop_app(run)

    if run.options.cache_check:
        cache.check(run, ctx)
    else:
        run.result.check("dependency cache", "skip", "--no-cache-check")
