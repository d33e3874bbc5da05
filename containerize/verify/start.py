"""Starting the app: the backing services first (``compose up --wait``), then the app's
container, then waiting (bounded by --timeout) until its port answers or, for a batch program
(no port), until it exits. An app that exits early or never answers stops the run, with its
last log lines and what it listens on instead."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import compose, docker, probe
from .record import START_FAILED, Run, VerifyError


@dataclass
class App:
    container: str
    port: int | None  # None: a batch program
    started: float    # time.monotonic() when it was started


def start(run: Run, tag: str) -> App:
    config = compose.config(run)
    services = config.get("services") or {}
    app = compose.app_service(run, config)
    app_cfg = services[app]
    ports = sorted({int(p["target"]) for p in app_cfg.get("ports") or [] if str(p.get("target", "")).isdigit()}
                   | set(run.result.image.get("exposed_ports") or []))
    profile, opts = run.profile, run.options
    if not ports and profile and profile.ports:
        ports = list(profile.ports)
    port = ports[0] if ports else None
    if profile and profile.ports and profile.ports[0] in ports:
        port = profile.ports[0]
    run.result.kind = "server" if port else "batch"
    backing = [name for name in services if name != app]

    override = compose.override(run, config, app, ports, tag)
    run.created.compose_cmd = ["compose", "-p", run.created.compose_project, "--project-directory", str(run.root),
                               "-f", str(run.compose_file), "-f", str(override)]
    run.result.run["services"] = backing
    if backing:
        run.progress.update(f"Starting {', '.join(backing)}")
        done = compose.command(run, "up", "-d", "--wait", "--wait-timeout", str(int(opts.timeout)), *backing,
                               check=False, timeout=opts.timeout + 300)
        if done.returncode != 0:
            logs = compose.command(run, "logs", "--no-color", "--tail", "20", *backing, check=False).stdout
            raise VerifyError("services", f"the backing services ({', '.join(backing)}) did not become healthy "
                              f"within {opts.timeout:.0f}s", (done.stderr.strip()[-1500:] + "\n" + logs),
                              START_FAILED)
    one_shots = run_once(config, app)
    check_run_once(run, one_shots, services)
    run.progress.update("Starting the app")
    started = time.monotonic()
    done = compose.command(run, "up", "-d", "--no-build", app, check=False, timeout=opts.timeout + 300)
    check_run_once(run, one_shots, services)  # starting the app runs them again (some compose versions exit 0)
    if done.returncode != 0:
        raise VerifyError("start", "the app container could not be started", done.stderr.strip()[-3000:],
                          START_FAILED)
    cid = compose.command(run, "ps", "-a", "-q", app).stdout.split()
    if not cid:
        raise VerifyError("start", "the app container was not created", done.stderr.strip()[-3000:],
                          START_FAILED)
    run.result.run["container"] = cid[0]
    return App(cid[0], port, started)


def run_once(config: dict, app: str) -> list[str]:
    """The services the app waits to have completed (``service_completed_successfully``): its migrations."""
    deps = (config.get("services") or {}).get(app, {}).get("depends_on") or {}
    if not isinstance(deps, dict):
        return []
    return [name for name, dep in deps.items()
            if isinstance(dep, dict) and dep.get("condition") == "service_completed_successfully"]


def check_run_once(run: Run, names: list[str], services: dict) -> None:
    """Each one-shot service ran to its end with exit code 0; else the run stops with its name, exit code and
    last log lines (compose itself may exit 0 and leave the app created but never started)."""
    deadline = time.monotonic() + run.options.timeout
    for name in names:
        ids = compose.command(run, "ps", "-a", "-q", name, check=False).stdout.split()
        state: dict = {}
        while ids:
            state = docker.inspect("container", ids[0]).get("State") or {}
            if not state.get("Running") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if ids and state.get("Status") == "exited" and state.get("ExitCode") == 0:
            if not any(c.name == f"{name}: completed" for c in run.result.checks):
                run.result.check(f"{name}: completed", "pass", "exited 0 before the app started")
            continue
        argv = (services.get(name) or {}).get("command") or []
        what = f" (`{' '.join(map(str, argv))[:200]}`)" if isinstance(argv, list) and argv else ""
        if not ids:
            how = "was not created"
        elif state.get("Running"):
            how = f"was still running after {run.options.timeout:.0f}s"
        else:
            oom = ", killed: out of memory" if state.get("OOMKilled") else ""
            how = f"exited with code {state.get('ExitCode')}{oom}"
        logs = docker.logs(ids[0], 30) if ids else ""
        run.result.checks = [c for c in run.result.checks if c.name != f"{name}: completed"]  # a first run passed
        run.result.check(f"{name}: completed", "fail", how)
        raise VerifyError("migrate", f"the {name} service{what}, which the app waits for, {how}: the app was not "
                          "started", "--- its last log lines\n" + (logs or "(it printed nothing)"), START_FAILED)


def wait_for_port(run: Run, app: App) -> tuple[dict, probe.Answer]:
    """Request the health path until something answers; the container's state and the answer. A server that
    speaks no HTTP/1 (no health path: a gRPC server), unless --path names one, is only connected to: its
    port must take connections, and the container must listen on it."""
    assert app.port is not None
    opts, port = run.options, app.port
    tcp = not opts.health_path and tcp_only(run.profile)
    path = opts.health_path or (run.profile.health_path if run.profile else None) or "/"
    deadline = app.started + opts.timeout
    run.result.run.update({"port": port, "path": None if tcp else path})
    if tcp:
        run.result.run["probe"] = "tcp"
    host_port = None
    answer = probe.Answer()
    run.progress.update(f"Waiting for port {port} to answer (up to {opts.timeout:.0f}s)")
    while True:
        info = docker.inspect("container", app.container)
        state = info.get("State") or {}
        if not state.get("Running"):
            raise exited_early(app.container, state, f"before port {port} answered")
        if host_port is None:
            host_port = published(info, port)
        if host_port and tcp:
            answer = probe.tcp_connect("127.0.0.1", host_port, timeout=3)
            listeners = _listeners(app.container, info) if answer.answered else None
            if listeners is not None and not any(l.port == port and not l.loopback_only for l in listeners):
                answer = probe.Answer(error=f"the container does not listen on port {port}")
            if answer.answered:
                break
        elif host_port:
            answer = probe.http_get("127.0.0.1", host_port, path, timeout=3,
                                    tls=bool(run.profile and run.profile.tls))
            if answer.answered:
                break
        if time.monotonic() > deadline:
            raise _port_error(run, app.container, info, port, answer)
        time.sleep(0.5)
    answered_after = round(time.monotonic() - app.started, 1)
    run.result.run.update({"host_port": host_port, "answered_after": answered_after, "status": answer.status})
    if tcp:
        run.result.check("port answers", "pass", f"port {port} took a connection after {answered_after}s")
        run.progress.done(f"Port {port} takes connections after {answered_after}s (the server speaks no HTTP/1: "
                          "no request sent)")
        return info, answer
    run.result.check("port answers", "pass", f"port {port} answered after {answered_after}s")
    run.progress.done(f"Port {port} answered after {answered_after}s (GET {path}: {answer.status})")
    return info, answer


def tcp_only(profile) -> bool:
    """A server with no health path speaks no HTTP/1 (a gRPC server, a TCP protocol of its own): its probe
    only connects to the port."""
    return bool(profile is not None and profile.ports and profile.health_path is None)


def wait_for_exit(run: Run, app: App) -> tuple[dict, float]:
    """Wait for a batch program to finish; its container's state and how long it ran."""
    timeout = run.options.timeout
    deadline = app.started + timeout
    run.progress.update(f"Waiting for the program to finish (up to {timeout:.0f}s)")
    while True:
        info = docker.inspect("container", app.container)
        state = info.get("State") or {}
        if not state.get("Running") and state.get("Status") in ("exited", "dead"):
            break
        if time.monotonic() > deadline:
            raise VerifyError("timeout", f"the program was still running after {timeout:.0f}s "
                              "(no port is published, so it was run as a batch program; use --timeout)",
                              "--- its last log lines\n" + docker.logs(app.container, 20), START_FAILED)
        time.sleep(0.3)
    return info, round(time.monotonic() - app.started, 1)


SETTLE = 8.0  # seconds a program that runs until stopped must stay up


def wait_running(run: Run, app: App) -> tuple[dict, float]:
    """A program that runs until stopped (no port): it must still run after a few seconds (or --timeout, when
    shorter); one that exits stops the run with its exit code and last log lines."""
    settle = min(SETTLE, run.options.timeout)
    run.result.kind = "long-running"
    run.progress.update(f"Checking that the program keeps running ({settle:.0f}s)")
    while True:
        info = docker.inspect("container", app.container)
        state = info.get("State") or {}
        took = round(time.monotonic() - app.started, 1)
        if not state.get("Running"):
            raise VerifyError("exited", f"the program, which should run until stopped, exited with code "
                              f"{state.get('ExitCode')} after {took}s",
                              "--- its last log lines\n" + docker.logs(app.container, 30), START_FAILED)
        if took >= settle:
            return info, took
        time.sleep(0.3)


def exited_early(cid: str, state: dict, what: str) -> VerifyError:
    if state.get("Status") == "created":
        return VerifyError("exited", f"the container was created but never started {what}",
                           "--- its last log lines\n" + (docker.logs(cid, 30) or "(it printed nothing)"), START_FAILED)
    code = state.get("ExitCode")
    logs = docker.logs(cid, 30)
    oom = " (killed: out of memory)" if state.get("OOMKilled") else ""
    return VerifyError("exited", f"the container exited with code {code}{oom} {what}",
                       "--- its last log lines\n" + (logs or "(it printed nothing)"), START_FAILED)


def _port_error(run: Run, cid: str, info: dict, port: int, answer: probe.Answer) -> VerifyError:
    listeners = _listeners(cid, info)
    what = probe.describe_listeners(listeners, port) if listeners is not None else \
        "what it listens on could not be read"
    logs = docker.logs(cid, 20)
    return VerifyError("port", f"nothing answered on port {port} within {run.options.timeout:.0f}s: {what}",
                       f"published as 127.0.0.1:{published(info, port)}; last try: {answer.error}\n"
                       f"--- its last log lines\n{logs or '(it printed nothing)'}", START_FAILED)


def _listeners(cid: str, info: dict) -> list[probe.Listener] | None:
    """The TCP sockets the container listens on (from its network namespace), None if unreadable."""
    pid = (info.get("State") or {}).get("Pid")
    texts: list[tuple[str, bool]] = []
    for name, v6 in (("tcp", False), ("tcp6", True)):
        text = None
        if pid:
            try:
                text = Path(f"/proc/{pid}/net/{name}").read_text()
            except OSError:
                text = None
        if text is None:
            text = docker.read_file(cid, f"/proc/net/{name}")
        if text is not None:
            texts.append((text, v6))
    if not texts:
        return None
    return [l for text, v6 in texts for l in probe.parse_proc_net_tcp(text, v6)]


def published(info: dict, port: int) -> int | None:
    """The host port a container port is published on."""
    bindings = ((info.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{port}/tcp") or []
    for b in bindings:
        if b.get("HostPort"):
            return int(b["HostPort"])
    return None
