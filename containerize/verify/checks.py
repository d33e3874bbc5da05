"""The checks on an app that came up: its HTTP answer, ``--expect``, the user it runs as, its
HEALTHCHECK (servers) or its exit code (batch programs). Each adds a Check to the record."""
from __future__ import annotations

import time
from pathlib import Path

from . import docker, probe
from .record import Run
from .start import App, exited_early


def server(run: Run, app: App, info: dict, answer: probe.Answer) -> None:
    """A server whose port answered: the answer, then its user, then its HEALTHCHECK."""
    port, path = app.port, run.result.run["path"]
    if answer.connected:
        run.result.check("tcp", "pass", f"port {port} takes connections (the server speaks no HTTP/1: no request "
                         "sent)")
        if run.options.expect is not None:
            run.result.check("expected output", "skip", f"no HTTP answer to look for {run.options.expect!r} in (the "
                             "server speaks no HTTP/1; --path makes it one)")
        non_root(run, app.container, info, running=True)
        healthcheck(run, app)
        return
    if answer.not_http:
        run.result.check("http", "fail", f"port {port} answers, but not in HTTP: {answer.error}")
    elif answer.status is not None and answer.status >= 500:
        run.result.check("http", "fail", f"GET {path} answered {answer.status}\n--- its last log lines\n"
                         + docker.logs(app.container, 20))
    else:
        run.result.check("http", "pass", f"GET {path} answered {answer.status}")
    expect = run.options.expect
    if expect is not None:
        found = expect in answer.body
        run.result.check("expected output", "pass" if found else "fail",
                         f"the answer {'contains' if found else 'does not contain'} {expect!r}")
    non_root(run, app.container, info, running=True)
    healthcheck(run, app)


def batch(run: Run, app: App, info: dict, took: float) -> None:
    """A batch program that finished: its exit code, its stdout, the user it ran as."""
    code = (info.get("State") or {}).get("ExitCode")
    stdout = docker.stdout_of(app.container)
    run.result.run.update({"exit_code": code, "seconds": took, "stdout": stdout[-4000:]})
    if code == 0:
        run.result.check("exit code", "pass", f"exited 0 after {took}s")
    else:
        run.result.check("exit code", "fail", f"exited {code} after {took}s\n--- its last log lines\n"
                         + docker.logs(app.container, 30))
    expect = run.options.expect
    if expect is not None:
        found = expect in stdout
        run.result.check("expected output", "pass" if found else "fail",
                         f"stdout {'contains' if found else 'does not contain'} {expect!r}"
                         + ("" if found else f"\n--- stdout\n{stdout[-1500:]}"))
    non_root(run, app.container, info, running=False)


def long_running(run: Run, app: App, info: dict, took: float) -> None:
    """A program that runs until stopped and is still running: what it printed, the user it runs as."""
    run.result.check("keeps running", "pass", f"still running after {took}s")
    expect = run.options.expect
    if expect is not None:
        printed = docker.logs(app.container, 200)
        found = expect in printed
        run.result.check("expected output", "pass" if found else "fail",
                         f"its output {'contains' if found else 'does not contain'} {expect!r}"
                         + ("" if found else f"\n--- its last log lines\n{printed[-1500:]}"))
    non_root(run, app.container, info, running=True)


def non_root(run: Run, cid: str, info: dict, running: bool) -> None:
    """The uid the process runs as (from /proc while it runs), else the one its USER names."""
    user = (info.get("Config") or {}).get("User") or ""
    uid = None
    how = ""
    pid = (info.get("State") or {}).get("Pid")
    if running and pid:
        try:
            uid = probe.parse_uid(Path(f"/proc/{pid}/status").read_text())
            how = "its process runs as"
        except OSError:
            uid = None
    if uid is None:
        passwd = docker.read_file(cid, "/etc/passwd") if user and not user.split(":")[0].isdigit() else None
        uid = probe.resolve_user(user, passwd)
        how = f"USER {user or '(none: root)'} is"
    run.result.run.update({"user": user, "uid": uid})
    if uid is None:
        run.result.check("non-root", "warn", f"USER {user!r}: its uid could not be found")
    elif uid == 0:
        run.result.check("non-root", "fail", f"the container runs as root ({how} uid 0): add a non-root "
                         "USER to the Dockerfile")
    else:
        run.result.check("non-root", "pass", f"{how} uid {uid}")


def healthcheck(run: Run, app: App) -> None:
    """Wait (until --timeout after the start) for the image's HEALTHCHECK to turn healthy."""
    cid, timeout = app.container, run.options.timeout
    info = docker.inspect("container", cid)
    test = ((info.get("Config") or {}).get("Healthcheck") or {}).get("Test") or []
    if not test or test == ["NONE"]:
        run.result.run["start_to_healthy"] = run.result.run.get("answered_after")
        run.result.check("healthcheck", "warn", "the image has no HEALTHCHECK")
        return
    deadline = app.started + timeout
    run.progress.update("Waiting for the HEALTHCHECK to turn healthy")
    while True:
        state = info.get("State") or {}
        health = state.get("Health") or {}
        status = health.get("Status")
        if not state.get("Running"):
            raise exited_early(cid, state, "while its HEALTHCHECK ran")
        if status == "healthy":
            took = round(time.monotonic() - app.started, 1)
            run.result.run["start_to_healthy"] = took
            run.result.check("healthcheck", "pass", f"healthy {took}s after start")
            run.progress.done(f"Healthy {took}s after start")
            return
        if status == "unhealthy" or time.monotonic() > deadline:
            last = (health.get("Log") or [{}])[-1]
            output = (last.get("Output") or "").strip()
            why = "turned unhealthy" if status == "unhealthy" else \
                f"is still {status or 'starting'} after {timeout:.0f}s"
            run.result.check("healthcheck", "fail", f"the HEALTHCHECK {why} (last exit code "
                             f"{last.get('ExitCode')}{': ' + output[-300:] if output else ''})")
            return
        time.sleep(0.5)
        info = docker.inspect("container", cid)
