"""One verification run: build the image, run it with the compose settings, probe it,
build it again after a source edit to see what the cache kept, and remove everything
it made (unless asked to keep it).

Everything created carries the label ``containerize.verify=<run id>`` (images, containers,
networks, volumes), so cleanup finds it even after a crash half-way.
"""
from __future__ import annotations

import json
import os
import re
import secrets as random_tokens
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import render, write
from ..checklist import AnalysisError, build_profile
from ..profile import Profile
from ..services import CATALOG
from . import buildlog, context, docker, probe

LABEL = "containerize.verify"
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

# exit codes
OK, CHECK_FAILED, USAGE, NO_DOCKER, BUILD_FAILED, START_FAILED = 0, 1, 2, 3, 4, 5

# secret names a URL can be made for when the profile doesn't say which service they belong to
_URL_SECRETS = {"database_url": ("postgres", "mysql", "mongodb"), "db_url": ("postgres", "mysql", "mongodb"),
                "postgres_url": ("postgres",), "postgresql_url": ("postgres",), "mysql_url": ("mysql",),
                "redis_url": ("redis",), "cache_url": ("redis",), "mongodb_url": ("mongodb",),
                "mongo_url": ("mongodb",), "mongodb_uri": ("mongodb",), "mongo_uri": ("mongodb",)}


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
    run_id: str
    path: str
    kind: str | None = None  # server | batch
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


class Quiet:
    """The progress interface, doing nothing (see report.Progress)."""

    def update(self, text: str) -> None:
        pass

    def done(self, text: str) -> None:
        pass


class Session:
    def __init__(self, options: Options, progress=None):
        self.opts = options
        self.ui = progress or Quiet()
        self.run_id = uuid.uuid4().hex[:10]
        self.result = Result(self.run_id, str(options.path))
        self.root = Path(options.path).resolve()
        self.profile: Profile | None = None
        self.workdir: Path | None = None
        self.tags: list[str] = []
        self.project = f"cverify{self.run_id}"
        self.compose_cmd: list[str] | None = None
        self.compose_file: Path | None = None
        self.torn_down = False

    # -- the run -------------------------------------------------------------
    def run(self) -> Result:
        try:
            self._run()
        except VerifyError as exc:
            self.result.error = exc
        except docker.DockerError as exc:
            self.result.error = VerifyError("docker", str(exc), exc.output[-3000:], START_FAILED)
        except KeyboardInterrupt:
            self.result.error = VerifyError("interrupted", "interrupted", code=130)
        finally:
            if self.workdir is not None:
                try:
                    self.cleanup()
                except KeyboardInterrupt:
                    self.cleanup()
        return self.result

    def _run(self) -> None:
        self._project()
        reason = docker.available()
        if reason:
            raise VerifyError("no-docker", f"{reason}. `containerize verify` needs a running Docker engine "
                              "(start it, or point DOCKER_HOST at one).", code=NO_DOCKER)
        if self.opts.generate:
            self._generate()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"containerize-verify-{self.run_id}-"))
        self._provide()
        ctx = self.workdir / "context"
        context.copy_context(self.root, ctx)
        tag = self._tag(1)
        log = self._build(ctx, tag, "Building the image")
        self.result.build = {"tag": tag, "seconds": log.seconds,
                             "steps": _in_order(log.instruction_steps(), stage_order(ctx / "Dockerfile"))}
        self.result.check("build", "pass", f"built in {log.seconds:.1f}s")
        self.ui.done(f"Built {tag} in {log.seconds:.1f}s")
        self._describe_image(tag, log)
        self._run_container(tag)
        self._teardown_project()
        if self.opts.cache_check:
            self._cache_check(ctx)
        else:
            self.result.check("dependency cache", "skip", "--no-cache-check")

    # -- the project -----------------------------------------------------------
    def _project(self) -> None:
        root = self.root
        if not root.is_dir():
            raise VerifyError("usage", f"{self.opts.path}: no such directory", code=USAGE)
        if not (root / "Dockerfile").is_file() and not self.opts.generate:
            raise VerifyError("usage", f"{root} has no Dockerfile: run `containerize {self.opts.path}` first to "
                              "write the container files, or pass --generate to write the missing ones now.",
                              code=USAGE)
        try:
            self.profile = build_profile(root)
        except AnalysisError as exc:
            if self.opts.generate and not (root / "Dockerfile").is_file():
                raise VerifyError("usage", f"can't generate the container files: {exc}", code=USAGE) from None
            self.result.notes.append(f"the project was not analyzed ({exc}); using its Dockerfile as it is")
        self.compose_file = next((root / n for n in COMPOSE_NAMES if (root / n).is_file()), None)

    def _generate(self) -> None:
        assert self.profile is not None
        try:
            files = render.render(self.profile)
        except render.RenderError as exc:
            raise VerifyError("usage", f"can't generate the container files: {exc}", code=USAGE) from None
        missing = {name: text for name, text in files.items() if not (self.root / name).exists()}
        if any((self.root / n).is_file() for n in COMPOSE_NAMES if n != "compose.yaml"):
            missing.pop("compose.yaml", None)
        if missing:
            try:
                write.write_all(self.root, missing, force=False)
            except write.WriteError as exc:
                raise VerifyError("usage", str(exc), code=USAGE) from None
        self.result.generated = list(missing)
        self.compose_file = next((self.root / n for n in COMPOSE_NAMES if (self.root / n).is_file()), None)

    def _provide(self) -> None:
        """Let a user-supplied command make the base images available (no registry here)."""
        command = os.environ.get("CONTAINERIZE_PROVIDE")
        if not command:
            return
        targets = [("--dockerfile", self.root / "Dockerfile")]
        if self.compose_file:
            targets.append(("--compose", self.compose_file))
        for flag, path in targets:
            self.ui.update(f"Providing base images ({path.name})")
            try:
                done = subprocess.run([*shlex.split(command), flag, str(path)], capture_output=True, text=True,
                                      timeout=1800)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise VerifyError("provide", f"CONTAINERIZE_PROVIDE failed: {exc}", code=NO_DOCKER) from None
            if done.returncode != 0:
                raise VerifyError("provide", f"CONTAINERIZE_PROVIDE {flag} {path} exited {done.returncode}",
                                  (done.stdout + done.stderr)[-3000:], code=NO_DOCKER)

    def _tag(self, n: int) -> str:
        tag = f"containerize-verify/{render.slug(self.root.name)}:{self.run_id}-{n}"
        self.tags.append(tag)
        return tag

    # -- building --------------------------------------------------------------
    def _build(self, ctx: Path, tag: str, verb: str) -> buildlog.BuildLog:
        assert self.workdir is not None
        log = buildlog.BuildLog()
        log_path = self.workdir / f"build-{len(self.tags)}.log"
        args = ["build", "--progress=plain", "--label", f"{LABEL}={self.run_id}", "-t", tag,
                "-f", str(ctx / "Dockerfile"), str(ctx)]
        env = {**os.environ, "DOCKER_BUILDKIT": "1"}
        started = time.monotonic()
        self.ui.update(verb)
        with open(log_path, "w", encoding="utf-8") as fh:
            def on_line(line: str) -> None:
                fh.write(line + "\n")
                step = log.feed(line)
                if step is not None and step.is_instruction and not step.done:
                    self.ui.update(f"{verb}: {_short(step.label(), 90)}")
            code = docker.stream(args, on_line, env=env)
        log.seconds = round(time.monotonic() - started, 1)
        if code != 0:
            self.result.build_log = self._keep_log(log_path)
            raise self._build_error(log, ctx)
        return log

    def _build_error(self, log: buildlog.BuildLog, ctx: Path) -> VerifyError:
        step = log.failed_step()
        if step is None or not step.is_instruction:
            details = "\n".join(log.lines[-25:])
            return VerifyError("build", "the build failed: " + (log.error_summary().splitlines() or ["?"])[-1],
                               details, BUILD_FAILED)
        where = dockerfile_line(ctx / "Dockerfile", step.instruction)
        at = f"Dockerfile:{where}: " if where else ""
        output = "\n".join(step.output[-30:])
        details = f"{at}{step.instruction}\n--- its output (last lines)\n{output}\n--- {step.error}"
        self.result.build = {"steps": [s.to_dict() for s in log.instruction_steps()], "failed": step.to_dict()}
        return VerifyError("build", f"the build failed at step {step.stage} {step.index}/{step.total}: "
                           f"{_short(step.instruction, 120)}", details, BUILD_FAILED)

    def _keep_log(self, path: Path) -> str | None:
        """Failed builds keep their log (outside the project) for a closer look."""
        try:
            fd, kept = tempfile.mkstemp(prefix=f"containerize-verify-{self.run_id}-", suffix=".log")
            os.close(fd)
            shutil.copyfile(path, kept)
            return kept
        except OSError:
            return None

    def _describe_image(self, tag: str, log: buildlog.BuildLog) -> None:
        info = docker.inspect("image", tag)
        config = info.get("Config") or {}
        layers = docker.history(tag)
        base_ref, base_count = _base_of(layers, log)
        rows = []
        for i, layer in enumerate(layers):
            rows.append({"instruction": _clean_created_by(layer.get("CreatedBy", "")), "size": layer["Size"],
                         "base": i < base_count})
        health = config.get("Healthcheck") or {}
        self.result.image = {
            "tag": tag, "id": info.get("Id"), "size": info.get("Size"), "user": config.get("User") or "",
            "exposed_ports": sorted(int(p.split("/")[0]) for p in (config.get("ExposedPorts") or {})),
            "healthcheck": bool(health.get("Test")) and health.get("Test") != ["NONE"],
            "base": base_ref, "layers": rows,
        }

    # -- running ---------------------------------------------------------------
    def _compose(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        assert self.compose_cmd is not None
        return docker.run([*self.compose_cmd, *args], check=check, timeout=timeout)

    def _compose_config(self) -> dict:
        """The normalized compose model of the project (or a minimal one when it has no compose file)."""
        assert self.workdir is not None
        if self.compose_file is None:
            self.result.notes.append("no compose file: the image ran with its own settings")
            synth = self.workdir / "compose.yaml"
            synth.write_text(yaml.safe_dump({"services": {"app": {"image": self.tags[0]}}}))
            self.compose_file = synth
        done = docker.run(["compose", "--project-directory", str(self.root), "-f", str(self.compose_file),
                           "config", "--format", "json"], check=False, timeout=120)
        if done.returncode != 0:
            raise VerifyError("compose", f"{self.compose_file.name} is not a valid compose file",
                              done.stderr.strip()[-2000:], START_FAILED)
        return json.loads(done.stdout)

    def _app_service(self, config: dict) -> str:
        services = config.get("services") or {}
        with_build = [name for name, svc in services.items() if svc.get("build")]
        for name in with_build:
            ctx = (services[name].get("build") or {}).get("context")
            if ctx and Path(ctx).resolve() == self.root:
                return name
        if "app" in services:
            return "app"
        if with_build:
            return with_build[0]
        if services:
            return next(iter(services))
        raise VerifyError("compose", f"{self.compose_file}: no services", code=START_FAILED)

    def _run_container(self, tag: str) -> None:
        assert self.workdir is not None
        config = self._compose_config()
        services = config.get("services") or {}
        app = self._app_service(config)
        app_cfg = services[app]
        ports = sorted({int(p["target"]) for p in app_cfg.get("ports") or [] if str(p.get("target", "")).isdigit()}
                       | set(self.result.image.get("exposed_ports") or []))
        if not ports and self.profile and self.profile.ports:
            ports = list(self.profile.ports)
        port = ports[0] if ports else None
        if self.profile and self.profile.ports and self.profile.ports[0] in ports:
            port = self.profile.ports[0]
        self.result.kind = "server" if port else "batch"
        backing = [name for name in services if name != app]

        override = self._override(config, app, ports, tag)
        self.compose_cmd = ["compose", "-p", self.project, "--project-directory", str(self.root),
                            "-f", str(self.compose_file), "-f", str(override)]
        self.result.run["services"] = backing
        if backing:
            self.ui.update(f"Starting {', '.join(backing)}")
            done = self._compose("up", "-d", "--wait", "--wait-timeout", str(int(self.opts.timeout)), *backing,
                                 check=False, timeout=self.opts.timeout + 300)
            if done.returncode != 0:
                logs = self._compose("logs", "--no-color", "--tail", "20", *backing, check=False).stdout
                raise VerifyError("services", f"the backing services ({', '.join(backing)}) did not become healthy "
                                  f"within {self.opts.timeout:.0f}s", (done.stderr.strip()[-1500:] + "\n" + logs),
                                  START_FAILED)
        self.ui.update("Starting the app")
        started = time.monotonic()
        done = self._compose("up", "-d", "--no-build", app, check=False, timeout=self.opts.timeout + 300)
        if done.returncode != 0:
            raise VerifyError("start", "the app container could not be started", done.stderr.strip()[-3000:],
                              START_FAILED)
        cid = self._compose("ps", "-a", "-q", app).stdout.split()
        if not cid:
            raise VerifyError("start", "the app container was not created", done.stderr.strip()[-3000:],
                              START_FAILED)
        self.result.run["container"] = cid[0]
        if port:
            self._probe_server(cid[0], port, started)
        else:
            self._probe_batch(cid[0], started)

    def _override(self, config: dict, app: str, ports: list[int], tag: str) -> Path:
        """A compose override: our image, random host ports on 127.0.0.1, no restarts, a quick
        health interval, labels on everything, throwaway secrets in a temporary folder."""
        assert self.workdir is not None
        labels = {LABEL: self.run_id}
        services: dict[str, dict] = {}
        for name in config.get("services") or {}:
            services[name] = {"labels": dict(labels)}
        services[app].update({"image": tag, "pull_policy": "never", "restart": "no",
                              "healthcheck": {"interval": "2s"}})
        if ports:
            services[app]["ports"] = _Override([f"127.0.0.1::{p}" for p in ports])
        doc: dict[str, Any] = {"services": services}
        networks = {name: {"labels": dict(labels)} for name, net in (config.get("networks") or {}).items()
                    if not net.get("external")}
        if networks:
            doc["networks"] = networks
        volumes = {name: {"labels": dict(labels)} for name, vol in (config.get("volumes") or {}).items()
                   if not vol.get("external")}
        if volumes:
            doc["volumes"] = volumes
        secret_files = self._secrets(config)
        if secret_files:
            doc["secrets"] = {name: {"file": str(path)} for name, path in secret_files.items()}
        path = self.workdir / "compose.override.yaml"
        path.write_text(yaml.dump(doc, Dumper=_Dumper, sort_keys=False))
        return path

    def _secrets(self, config: dict) -> dict[str, Path]:
        """Throwaway values (never printed) for every file secret of the compose file."""
        assert self.workdir is not None
        names = [name for name, sec in (config.get("secrets") or {}).items() if "file" in sec]
        if not names:
            return {}
        folder = self.workdir / "secrets"
        folder.mkdir(mode=0o700)
        values = secret_values(names, self.profile, list(config.get("services") or {}))
        paths = {}
        for name in names:
            path = folder / name
            path.write_text(values[name])
            path.chmod(0o644)  # the app's non-root user reads it through a bind mount
            paths[name] = path
        self.result.secrets = names
        self.result.notes.append(f"secrets: throwaway values made for this run ({', '.join(names)}), "
                                 "deleted afterwards; the project's own secret files were not used")
        return paths

    def _state(self, cid: str) -> dict:
        return docker.inspect("container", cid)

    def _exited_early(self, cid: str, state: dict, what: str) -> VerifyError:
        code = state.get("ExitCode")
        logs = docker.logs(cid, 30)
        oom = " (killed: out of memory)" if state.get("OOMKilled") else ""
        return VerifyError("exited", f"the container exited with code {code}{oom} {what}",
                           "--- its last log lines\n" + (logs or "(it printed nothing)"), START_FAILED)

    def _probe_server(self, cid: str, port: int, started: float) -> None:
        path = self.opts.health_path or (self.profile.health_path if self.profile else None) or "/"
        deadline = started + self.opts.timeout
        self.result.run.update({"port": port, "path": path})
        host_port = None
        answer = probe.Answer()
        self.ui.update(f"Waiting for port {port} to answer (up to {self.opts.timeout:.0f}s)")
        while True:
            info = self._state(cid)
            state = info.get("State") or {}
            if not state.get("Running"):
                raise self._exited_early(cid, state, f"before port {port} answered")
            if host_port is None:
                host_port = _published(info, port)
            if host_port:
                answer = probe.http_get("127.0.0.1", host_port, path, timeout=3)
                if answer.answered:
                    break
            if time.monotonic() > deadline:
                raise self._port_error(cid, info, port, answer)
            time.sleep(0.5)
        answered_after = round(time.monotonic() - started, 1)
        self.result.run.update({"host_port": host_port, "answered_after": answered_after,
                                "status": answer.status})
        self.result.check("port answers", "pass", f"port {port} answered after {answered_after}s")
        self.ui.done(f"Port {port} answered after {answered_after}s (GET {path}: {answer.status})")
        if answer.not_http:
            self.result.check("http", "fail", f"port {port} answers, but not in HTTP: {answer.error}")
        elif answer.status is not None and answer.status >= 500:
            self.result.check("http", "fail", f"GET {path} answered {answer.status}\n--- its last log lines\n"
                              + docker.logs(cid, 20))
        else:
            self.result.check("http", "pass", f"GET {path} answered {answer.status}")
        if self.opts.expect is not None:
            found = self.opts.expect in answer.body
            self.result.check("expected output", "pass" if found else "fail",
                              f"the answer {'contains' if found else 'does not contain'} {self.opts.expect!r}")
        self._check_user(cid, info, running=True)
        self._wait_healthy(cid, started)

    def _port_error(self, cid: str, info: dict, port: int, answer: probe.Answer) -> VerifyError:
        listeners = self._listeners(cid, info)
        what = probe.describe_listeners(listeners, port) if listeners is not None else \
            "what it listens on could not be read"
        published = _published(info, port)
        logs = docker.logs(cid, 20)
        return VerifyError("port", f"nothing answered on port {port} within {self.opts.timeout:.0f}s: {what}",
                           f"published as 127.0.0.1:{published}; last try: {answer.error}\n"
                           f"--- its last log lines\n{logs or '(it printed nothing)'}", START_FAILED)

    def _listeners(self, cid: str, info: dict) -> list[probe.Listener] | None:
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

    def _check_user(self, cid: str, info: dict, running: bool) -> None:
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
        self.result.run.update({"user": user, "uid": uid})
        if uid is None:
            self.result.check("non-root", "warn", f"USER {user!r}: its uid could not be found")
        elif uid == 0:
            self.result.check("non-root", "fail", f"the container runs as root ({how} uid 0): add a non-root "
                              "USER to the Dockerfile")
        else:
            self.result.check("non-root", "pass", f"{how} uid {uid}")

    def _wait_healthy(self, cid: str, started: float) -> None:
        info = self._state(cid)
        test = ((info.get("Config") or {}).get("Healthcheck") or {}).get("Test") or []
        if not test or test == ["NONE"]:
            self.result.run["start_to_healthy"] = self.result.run.get("answered_after")
            self.result.check("healthcheck", "warn", "the image has no HEALTHCHECK")
            return
        deadline = started + self.opts.timeout
        self.ui.update("Waiting for the HEALTHCHECK to turn healthy")
        while True:
            state = info.get("State") or {}
            health = state.get("Health") or {}
            status = health.get("Status")
            if not state.get("Running"):
                raise self._exited_early(cid, state, "while its HEALTHCHECK ran")
            if status == "healthy":
                took = round(time.monotonic() - started, 1)
                self.result.run["start_to_healthy"] = took
                self.result.check("healthcheck", "pass", f"healthy {took}s after start")
                self.ui.done(f"Healthy {took}s after start")
                return
            if status == "unhealthy" or time.monotonic() > deadline:
                last = (health.get("Log") or [{}])[-1]
                output = (last.get("Output") or "").strip()
                why = "turned unhealthy" if status == "unhealthy" else \
                    f"is still {status or 'starting'} after {self.opts.timeout:.0f}s"
                self.result.check("healthcheck", "fail", f"the HEALTHCHECK {why} (last exit code "
                                  f"{last.get('ExitCode')}{': ' + output[-300:] if output else ''})")
                return
            time.sleep(0.5)
            info = self._state(cid)

    def _probe_batch(self, cid: str, started: float) -> None:
        deadline = started + self.opts.timeout
        self.ui.update(f"Waiting for the program to finish (up to {self.opts.timeout:.0f}s)")
        while True:
            info = self._state(cid)
            state = info.get("State") or {}
            if not state.get("Running") and state.get("Status") in ("exited", "dead"):
                break
            if time.monotonic() > deadline:
                raise VerifyError("timeout", f"the program was still running after {self.opts.timeout:.0f}s "
                                  "(no port is published, so it was run as a batch program; use --timeout)",
                                  "--- its last log lines\n" + docker.logs(cid, 20), START_FAILED)
            time.sleep(0.3)
        took = round(time.monotonic() - started, 1)
        code = state.get("ExitCode")
        stdout = docker.stdout_of(cid)
        self.result.run.update({"exit_code": code, "seconds": took, "stdout": stdout[-4000:]})
        if code == 0:
            self.result.check("exit code", "pass", f"exited 0 after {took}s")
        else:
            self.result.check("exit code", "fail", f"exited {code} after {took}s\n--- its last log lines\n"
                              + docker.logs(cid, 30))
        if self.opts.expect is not None:
            found = self.opts.expect in stdout
            self.result.check("expected output", "pass" if found else "fail",
                              f"stdout {'contains' if found else 'does not contain'} {self.opts.expect!r}"
                              + ("" if found else f"\n--- stdout\n{stdout[-1500:]}"))
        self._check_user(cid, info, running=False)

    # -- the cache check -------------------------------------------------------
    def _cache_check(self, ctx: Path) -> None:
        preferred = []
        if self.profile:
            preferred = [e.file for e in self.profile.evidence.get("entrypoint", []) if e.file]
        rel = context.pick_source_file(ctx, preferred)
        if rel is None:
            self.result.check("dependency cache", "skip", "no source file to edit in the build context")
            return
        context.touch(ctx / rel, f"containerize verify: cache check {self.run_id}")
        try:
            log = self._build(ctx, self._tag(2), f"Rebuilding after editing {rel}")
        except VerifyError as exc:
            self.result.check("dependency cache", "fail", f"the second build failed: {exc.message}")
            return
        deps, late = buildlog.dependency_steps(log.instruction_steps(), context.source_copy_check(ctx))
        rebuilt = [s for s in deps if not s.cached]
        late_rebuilt = [s for s in late if not s.cached]
        self.ui.done(f"Rebuilt after editing {rel} in {log.seconds:.1f}s")
        self.result.rebuild = {
            "touched": rel, "seconds": log.seconds,
            "steps": _in_order(log.instruction_steps(), stage_order(ctx / "Dockerfile")),
            "dependency_steps": [s.to_dict() for s in deps + late],
            "dependencies_cached": not rebuilt and not late_rebuilt,
        }
        if late_rebuilt:
            names = "; ".join(_short(s.instruction, 80) for s in late_rebuilt)
            self.result.check("dependency cache", "fail",
                              f"NOT CACHED: editing {rel} reinstalled the dependencies ({names}): the install "
                              "runs after the source is copied, so every code edit reinstalls them. Copy only "
                              "the dependency manifests, install, then COPY . .")
        elif rebuilt:
            names = "; ".join(_short(s.instruction, 80) for s in rebuilt)
            self.result.check("dependency cache", "fail",
                              f"NOT CACHED: editing {rel} re-ran the dependency steps ({names}). Copy only the "
                              "dependency manifests and install before copying the source (COPY . .).")
        elif not deps:
            self.result.check("dependency cache", "pass", f"after editing {rel}: no dependency step to cache")
        else:
            self.result.check("dependency cache", "pass",
                              f"after editing {rel}, all {len(deps)} dependency step(s) came from the cache "
                              f"(rebuilt in {log.seconds:.1f}s)")

    # -- cleanup ---------------------------------------------------------------
    def _teardown_project(self) -> None:
        if self.compose_cmd is not None and not self.opts.keep:
            self.ui.update("Removing the containers")
            self._compose("down", "-v", "--remove-orphans", "-t", "3", check=False, timeout=300)
            self.torn_down = True

    def cleanup(self) -> None:
        label = f"{LABEL}={self.run_id}"
        if self.opts.keep:
            self.result.kept = {
                "images": self.tags, "compose_project": self.project, "workdir": str(self.workdir),
                "remove_with": [*(["docker " + " ".join(shlex.quote(a) for a in self.compose_cmd)
                                   + " down -v"] if self.compose_cmd else []),
                                f"docker rmi {' '.join(self.tags)}", f"rm -rf {self.workdir}"],
            }
            return
        self.ui.update("Cleaning up")
        if self.compose_cmd is not None and not self.torn_down:
            self._compose("down", "-v", "--remove-orphans", "-t", "3", check=False, timeout=300)
        docker.remove("container", docker.labelled("container", label))
        docker.remove("network", docker.labelled("network", label))
        docker.remove("volume", docker.labelled("volume", label))
        for tag in self.tags:
            docker.quiet(["rmi", tag])
        docker.remove("image", docker.labelled("image", label))
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


# -- helpers -----------------------------------------------------------------

def secret_values(names: list[str], profile: Profile | None, services: list[str]) -> dict[str, str]:
    """A random value for each secret; a URL for the ones that reach a backing service
    (built from that service's generated password, with the catalog's URL template)."""
    values: dict[str, str] = {}
    for name in names:
        if name.endswith("_password"):
            values[name] = random_tokens.token_hex(16)
    tied: dict[str, str] = {}
    if profile:
        for svc in profile.services:
            if svc.env_var:
                tied[svc.env_var.lower()] = svc.kind
    for name in names:
        if name in values:
            continue
        kind = tied.get(name)
        if kind is None:
            kind = next((k for k in _URL_SECRETS.get(name, ()) if k in services), None)
        spec = CATALOG.get(kind) if kind else None
        if spec and kind in services and spec.url:
            values[name] = spec.url.format(host=kind, password=values.get(f"{kind}_password", ""))
        else:
            values[name] = random_tokens.token_hex(24)
    return values


def dockerfile_line(path: Path, instruction: str) -> int | None:
    """The line where an instruction (as BuildKit names it, whitespace collapsed) starts."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    want = re.sub(r"\s+", "", instruction)
    i = 0
    while i < len(lines):
        start, text = i, lines[i]
        while text.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text.rstrip()[:-1] + " " + lines[i]
        squeezed = re.sub(r"\s+", "", text)
        if squeezed and not text.lstrip().startswith("#") and squeezed.lower().startswith(want.lower()[:4]):
            if squeezed == want or squeezed.startswith(want) or want.startswith(squeezed):
                return start + 1
        i += 1
    return None


def _published(info: dict, port: int) -> int | None:
    bindings = ((info.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{port}/tcp") or []
    for b in bindings:
        if b.get("HostPort"):
            return int(b["HostPort"])
    return None


def _base_of(layers: list[dict], log: buildlog.BuildLog) -> tuple[str | None, int]:
    """The FROM image whose layers the final image starts with, and how many they are."""
    refs = []
    for step in log.instruction_steps():
        if step.keyword == "FROM" and len(step.instruction.split()) > 1:
            refs.append(step.instruction.split()[1])
    ours = [layer.get("CreatedBy", "") for layer in layers]
    best: tuple[str | None, int] = (None, 0)
    for ref in dict.fromkeys(refs):
        try:
            theirs = [layer.get("CreatedBy", "") for layer in docker.history(ref)]
        except docker.DockerError:
            continue
        if len(theirs) > best[1] and ours[: len(theirs)] == theirs:
            best = (ref, len(theirs))
    return best


def stage_order(dockerfile: Path) -> list[str]:
    """Stage names in Dockerfile order, as BuildKit names them (``AS name``, else ``stage-N``)."""
    try:
        text = dockerfile.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    froms = re.findall(r"^\s*FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?", text, re.M | re.I)
    return [name or f"stage-{i}" for i, name in enumerate(froms)]


def _in_order(steps: list[buildlog.Step], order: list[str]) -> list[dict]:
    rank = {name: i for i, name in enumerate(order)}
    ordered = sorted(steps, key=lambda s: (rank.get(s.stage or "", len(rank)), s.index or 0))
    return [s.to_dict() for s in ordered]


def _clean_created_by(text: str) -> str:
    text = re.sub(r"\s*# buildkit$", "", text.strip())
    text = re.sub(r"^/bin/sh -c #\(nop\)\s*", "", text)
    text = re.sub(r"^RUN /bin/sh -c ", "RUN ", text)
    text = re.sub(r"^/bin/sh -c ", "RUN ", text)
    return re.sub(r"\s+", " ", text)


def _short(text: str, width: int) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


class _Override(list):
    """A list that replaces (``!override``) instead of merging in compose."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Override, lambda d, v: d.represent_sequence("!override", list(v)))
