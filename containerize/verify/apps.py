"""``containerize verify`` on the root of a repository of several apps: the root compose.yaml brings the
whole stack up (every app built from its folder, the backing services, the repository's own proxy), then
each app is probed: a server must answer on its port, a front end that passes API calls on must reach the
API through its proxy, a worker must keep running, a batch program must exit 0, and none may run as root.
Everything the run made is removed at the end, as in a single app's run."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from .. import apps as apps_mod
from ..migrations import MIGRATE_SERVICE
from .. import render, write
from . import checks, compose, docker, probe, project, start
from .record import BUILD_FAILED, LABEL, NO_DOCKER, START_FAILED, USAGE, Options, Result, Run, VerifyError
from .run import execute

# what a front end's proxy answers when the API behind it can't be reached
UNREACHED = (502, 503, 504)


def applies(path: Path) -> bool:
    """Whether ``path`` is the root of a repository of several apps (and not an app with a Dockerfile)."""
    root = Path(path)
    return root.is_dir() and not (root / "Dockerfile").is_file() \
        and apps_mod.discover(root, analyze=False) is not None


def verify(options: Options, progress=None) -> Result:
    return execute(options, progress, _phases)


def _phases(run: Run) -> None:
    repo = _load(run)
    reason = docker.available()
    if reason:
        raise VerifyError("no-docker", f"{reason}. `containerize verify` needs a running Docker engine "
                          "(start it, or point DOCKER_HOST at one).", code=NO_DOCKER)
    if run.options.generate:
        _generate(run, repo)
    if run.compose_file is None:
        raise VerifyError("usage", f"{run.root} holds several apps and no compose.yaml: run `containerize "
                          f"{run.options.path}` first, or pass --generate", code=USAGE)
    run.created.workdir = Path(tempfile.mkdtemp(prefix=f"containerize-verify-{run.run_id}-"))
    _provide(run, repo)
    config = compose.config(run)
    members = _services_of(run, repo, config)
    _up(run, config)
    run.result.kind = "apps"
    for service, app in members.items():
        _probe(run, service, app, members)
    for proxy in repo.proxies:
        _probe_proxy(run, proxy, config)
    for name in config.get("services") or {}:
        if name.endswith(f"-{MIGRATE_SERVICE}"):
            _check_one_shot(run, name)
    if run.options.cache_check:
        run.result.check("dependency cache", "skip", "not checked for a repository of several apps: "
                         "run verify on one app's folder for it")


def _load(run: Run) -> apps_mod.Repo:
    if not run.root.is_dir():
        raise VerifyError("usage", f"{run.options.path}: no such directory", code=USAGE)
    try:
        repo = apps_mod.discover(run.root)
    except apps_mod.AppsError as exc:
        raise VerifyError("usage", str(exc), code=USAGE) from None
    if repo is None or not repo.deployable:
        raise VerifyError("usage", f"{run.root}: no app to run among its folders", code=USAGE)
    run.result.notes += list(repo.notes)
    run.compose_file = project.compose_file_of(run.root)
    return repo


def _generate(run: Run, repo: apps_mod.Repo) -> None:
    """Write the files that are missing (never overwrite one)."""
    try:
        files = render.render_apps(repo)
    except render.RenderError as exc:
        raise VerifyError("usage", f"can't generate the container files: {exc}", code=USAGE) from None
    if run.compose_file is not None:
        files.pop("compose.yaml", None)
    missing = {name: text for name, text in files.items() if not (run.root / name).exists()}
    if missing:
        try:
            write.write_all(run.root, missing, force=False)
        except write.WriteError as exc:
            raise VerifyError("usage", str(exc), code=USAGE) from None
    run.result.generated = list(missing)
    run.compose_file = project.compose_file_of(run.root)


def _provide(run: Run, repo: apps_mod.Repo) -> None:
    """The CONTAINERIZE_PROVIDE hook for the compose file and each app's Dockerfile."""
    import os

    if not os.environ.get("CONTAINERIZE_PROVIDE"):
        return
    targets = [("--compose", run.compose_file)]
    folders = [a.path for a in repo.deployable] + [p.path for p in repo.proxies if p.dockerfile]
    targets += [("--dockerfile", run.root / f / "Dockerfile") for f in folders if (run.root / f / "Dockerfile").is_file()]
    project.provide_images(run, [(flag, path, str(path.relative_to(run.root))) for flag, path in targets])


def _services_of(run: Run, repo: apps_mod.Repo, config: dict) -> dict[str, apps_mod.App]:
    """Compose service -> the app built from its folder (whatever the compose file calls it)."""
    by_folder = {(run.root / a.path).resolve(): a for a in repo.deployable}
    found = {}
    for name, svc in (config.get("services") or {}).items():
        context = (svc.get("build") or {}).get("context")
        if not context:
            continue
        folder = Path(context)
        folder = (folder if folder.is_absolute() else run.root / folder).resolve()
        dockerfile = (svc.get("build") or {}).get("dockerfile") or ""
        if name.endswith(f"-{MIGRATE_SERVICE}"):
            continue  # an app's one-shot migrations: checked apart (it must have exited 0)
        if folder in by_folder:
            found[name] = by_folder[folder]
        elif folder == run.root and "/" in dockerfile:  # a workspace member built from the root
            member = (run.root / dockerfile).resolve().parent
            if member in by_folder:
                found[name] = by_folder[member]
    missing = [a.path + "/" for a in repo.deployable if a not in found.values()]
    if missing:
        run.result.notes.append(f"{run.compose_file.name} builds no service from {', '.join(missing)}: "
                                "not probed")
    return found


def _up(run: Run, config: dict) -> None:
    """Build every image (tagged for this run) and bring the stack up, waiting for its health checks."""
    services = config.get("services") or {}
    labels = {LABEL: run.run_id}
    override: dict = {"services": {}}
    for name, svc in services.items():
        spec: dict = {"labels": dict(labels)}
        if svc.get("build"):
            tag = f"cverify{run.run_id}-{name}:latest"
            run.created.tags.append(tag)
            spec.update({"image": tag, "build": {"labels": dict(labels)}})
        if svc.get("ports"):
            spec["ports"] = compose._Override([f"127.0.0.1::{p['target']}" for p in svc["ports"]
                                              if str(p.get("target", "")).isdigit()])
        if svc.get("restart"):
            spec["restart"] = "no"
        override["services"][name] = spec
    for kind in ("networks", "volumes"):
        found = {n: {"labels": dict(labels)} for n, v in (config.get(kind) or {}).items() if not v.get("external")}
        if found:
            override[kind] = found
    secret_files = compose._secrets(run, config)
    if secret_files:
        override["secrets"] = {name: {"file": str(path)} for name, path in secret_files.items()}
    path = run.created.workdir / "compose.override.yaml"
    path.write_text(yaml.dump(override, Dumper=compose._Dumper, sort_keys=False))
    run.created.compose_cmd = ["compose", "-p", run.created.compose_project, "--project-directory",
                               str(run.root), "-f", str(run.compose_file), "-f", str(path)]
    run.result.run["services"] = list(services)
    timeout = run.options.timeout
    run.progress.update(f"Building {', '.join(n for n in services if services[n].get('build'))}")
    started = time.monotonic()
    done = compose.command(run, "build", check=False, timeout=3600)
    unbuilt = [t for t in run.created.tags if docker.quiet(["image", "inspect", t]) != 0]
    if done.returncode != 0 or unbuilt:  # some compose versions exit 0 when a build failed
        raise VerifyError("build", "the images of the stack did not build"
                          + (f" ({', '.join(t.split('-', 1)[1].split(':')[0] for t in unbuilt)})" if unbuilt else ""),
                          (done.stdout + done.stderr).strip()[-4000:], code=BUILD_FAILED)
    run.result.build["seconds"] = round(time.monotonic() - started, 1)
    run.progress.update(f"Starting {', '.join(services)}")
    started = time.monotonic()
    done = compose.command(run, "up", "-d", "--no-build", "--wait", "--wait-timeout", str(int(timeout)),
                           check=False, timeout=timeout + 300)
    states = _states(run)
    stuck = [name for name in services if states.get(name) in (None, "created")]
    if done.returncode != 0 or stuck:
        logs = compose.command(run, "logs", "--no-color", "--tail", "20", check=False).stdout
        raise VerifyError("start", f"the stack did not come up healthy within {timeout:.0f}s"
                          + (f" (not started: {', '.join(stuck)})" if stuck else ""),
                          done.stderr.strip()[-1500:] + "\n" + logs[-4000:], START_FAILED)
    run.result.run["start_to_healthy"] = round(time.monotonic() - started, 1)
    run.progress.done(f"The stack is up ({len(services)} services)")


def _states(run: Run) -> dict[str, str]:
    """Service -> the state of its container (running, exited, created ...)."""
    import json

    out = compose.command(run, "ps", "-a", "--format", "json", check=False).stdout
    states = {}
    for line in out.splitlines():  # one JSON object a line (older versions: one JSON list)
        try:
            rows = json.loads(line)
        except ValueError:
            continue
        for row in rows if isinstance(rows, list) else [rows]:
            if isinstance(row, dict) and row.get("Service"):
                states[row["Service"]] = str(row.get("State", "")).lower()
    return states


def _container(run: Run, service: str) -> str | None:
    ids = compose.command(run, "ps", "-a", "-q", service, check=False).stdout.split()
    return ids[0] if ids else None


def _published(run: Run, service: str, port: int) -> int | None:
    out = compose.command(run, "port", service, str(port), check=False).stdout.strip()
    tail = out.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _get(port: int, path: str, timeout: float, tls: bool = False) -> probe.Answer:
    """GET until something answers in HTTP (or the time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe.http_get("127.0.0.1", port, path, tls=tls)
        if answer.answered or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def _connect(port: int, timeout: float) -> probe.Answer:
    """Connect until the port takes a connection and keeps it (or the time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe.tcp_connect("127.0.0.1", port)
        if answer.connected or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def _probe(run: Run, service: str, app: apps_mod.App, members: dict[str, apps_mod.App]) -> None:
    profile = app.profile
    cid = _container(run, service)
    if cid is None:
        run.result.check(f"{service}: running", "fail", "no container was created")
        return
    info = docker.inspect("container", cid)
    state = info.get("State") or {}
    if not profile.ports and not profile.long_running and app.name not in apps_mod.WORKER_NAMES:
        _check_batch(run, service, cid, info)  # a batch program: it runs to completion
        return
    if not state.get("Running"):
        run.result.check(f"{service}: running", "fail", f"exited {state.get('ExitCode')}\n--- its last log "
                         "lines\n" + docker.logs(cid, 20))
        return
    entry: dict = {"container": cid}
    run.result.run.setdefault("apps", {})[service] = entry
    if profile.ports:
        port = profile.ports[0]
        host = _published(run, service, port)
        path = run.options.health_path or profile.health_path or "/"
        if host is None:
            run.result.check(f"{service}: http", "fail", f"port {port} is not published")
        elif not run.options.health_path and start.tcp_only(profile):
            # a server that speaks no HTTP/1 (gRPC): its port takes connections
            entry.update({"port": port, "host_port": host, "probe": "tcp"})
            answer = _connect(host, min(run.options.timeout, 60))
            run.result.check(f"{service}: tcp", "pass" if answer.connected else "fail",
                             f"port {port} takes connections (it speaks no HTTP/1: no request sent)"
                             if answer.connected else f"port {port}: {answer.error}\n--- its last log lines\n"
                             + docker.logs(cid, 20))
        else:
            entry.update({"port": port, "host_port": host})
            answer = _get(host, path, min(run.options.timeout, 60), profile.tls)
            ok = answer.status is not None and answer.status < 500
            detail = f"GET {path} answered {answer.status}" if answer.status else f"GET {path}: {answer.error}"
            run.result.check(f"{service}: http", "pass" if ok else "fail",
                             detail + ("" if ok else "\n--- its last log lines\n" + docker.logs(cid, 20)))
            if run.options.expect is not None and answer.status is not None:
                found = run.options.expect in answer.body
                run.result.check(f"{service}: expected output", "pass" if found else "warn",
                                 f"the answer {'contains' if found else 'does not contain'} {run.options.expect!r}")
            if app.proxy_to and app.calls:
                _through_proxy(run, service, app, host, members)
    else:
        run.result.check(f"{service}: running", "pass", "no port (a worker): it keeps running")
    _non_root(run, service, cid, info, True, entry)


def _non_root(run: Run, service: str, cid: str, info: dict, running: bool, entry: dict) -> None:
    """``checks.non_root`` for one app of the stack: its check named after the service, the user and uid it
    found kept in the app's entry of the run record."""
    before = len(run.result.checks)
    checks.non_root(run, cid, info, running=running)
    for check in run.result.checks[before:]:
        check.name = f"{service}: {check.name}"
    for key in ("user", "uid"):
        entry[key] = run.result.run.pop(key, None)


def _check_batch(run: Run, service: str, cid: str, info: dict) -> None:
    """A batch program of the stack: it must finish (within --timeout) with exit code 0, print what
    --expect names, and have run as a user other than root."""
    deadline = time.monotonic() + run.options.timeout
    while (info.get("State") or {}).get("Running") and time.monotonic() < deadline:
        time.sleep(0.5)
        info = docker.inspect("container", cid)
    state = info.get("State") or {}
    code = state.get("ExitCode")
    entry = run.result.run.setdefault("apps", {})[service] = {"container": cid, "exit_code": code}
    if state.get("Running"):
        run.result.check(f"{service}: exit code", "fail", f"still running after {run.options.timeout:.0f}s "
                         "(it has no port, so it was taken for a batch program; use --timeout)\n--- its last log "
                         "lines\n" + docker.logs(cid, 20))
    elif code == 0:
        run.result.check(f"{service}: exit code", "pass", "a batch program: exited 0")
    else:
        run.result.check(f"{service}: exit code", "fail", f"exited {code}\n--- its last log lines\n"
                         + docker.logs(cid, 30))
    if run.options.expect is not None:
        stdout = docker.stdout_of(cid)
        found = run.options.expect in stdout
        run.result.check(f"{service}: expected output", "pass" if found else "warn",
                         f"stdout {'contains' if found else 'does not contain'} {run.options.expect!r}")
    _non_root(run, service, cid, info, bool(state.get("Running")), entry)


def _through_proxy(run: Run, service: str, app: apps_mod.App, host: int, members: dict) -> None:
    """A front end's API path answers what the API itself answers to it (the same status and body)."""
    target = next((s for s, a in members.items() if a.name == app.proxy_to), None)
    path = app.calls[0]
    through = _get(host, path, 30)
    name = f"{service}: {path} reaches {target or app.proxy_to}"
    if through.status is None or through.status in UNREACHED:
        run.result.check(name, "fail", f"GET {path} through {service} answered {through.status or through.error}")
        return
    api = members.get(target)
    direct_port = _published(run, target, api.profile.ports[0]) if api and api.profile.ports else None
    if direct_port is None:
        run.result.check(name, "pass", f"GET {path} through {service} answered {through.status}")
        return
    sent = path
    if app.strip_prefix:  # nginx drops the prefix on the way
        sent = "/" + path.strip("/").split("/", 1)[-1] if "/" in path.strip("/") else "/"
    direct = _get(direct_port, sent, 30)
    same = (through.status, through.body) == (direct.status, direct.body)
    run.result.check(name, "pass" if same else "fail",
                     f"GET {path} through {service} answered {through.status}, as {target} does"
                     if same else f"GET {path} through {service} answered {through.status}, but {target} "
                     f"answers {direct.status or direct.error} to GET {sent}: the proxy does not reach it")


def _probe_proxy(run: Run, proxy: apps_mod.Proxy, config: dict) -> None:
    """The repository's own reverse proxy passes a request on: GET / is no gateway error."""
    services = config.get("services") or {}
    name = proxy.name if proxy.name in services else f"{proxy.name}-proxy"
    svc = services.get(name)
    ports = [int(p["target"]) for p in (svc or {}).get("ports") or [] if str(p.get("target", "")).isdigit()]
    if not ports:
        return
    host = _published(run, name, ports[0])
    answer = _get(host, "/", 30) if host else probe.Answer(error="not published")
    ok = answer.status is not None and answer.status not in UNREACHED
    run.result.check(f"{name}: passes requests on", "pass" if ok else "fail",
                     f"GET / through {name} ({proxy.conf}) answered {answer.status or answer.error}")


def _check_one_shot(run: Run, name: str) -> None:
    """A migrations service ran to its end: exit code 0."""
    cid = _container(run, name)
    state = (docker.inspect("container", cid).get("State") or {}) if cid else {}
    ok = state.get("Status") == "exited" and state.get("ExitCode") == 0
    run.result.check(f"{name}: completed", "pass" if ok else "fail",
                     "exited 0" if ok else f"{state.get('Status') or 'not created'} (exit code "
                     f"{state.get('ExitCode')})" + (f"\n--- its last log lines\n{docker.logs(cid, 20)}" if cid else ""))
