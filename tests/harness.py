"""Helpers for tests that build and run generated images with a real Docker engine.

On a machine with registry access images are pulled as usual. Where no
registry answers, set CONTAINERIZE_PROVIDE to a command that makes the base
images a Dockerfile or compose file names available locally (``.ci/run`` points
it at the dockerkit's ``provide``); it is called with ``--dockerfile PATH`` or
``--compose PATH`` before each build.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
LABEL = "containerize.test=1"


def run(args: list[str], check: bool = True, timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {done.returncode}\n"
                             f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-6000:]}")
    return done


def containerize(*args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "containerize", *args], check=check, timeout=120, **kw)


def docker_ready() -> str | None:
    """None when the engine answers, else the reason it doesn't."""
    if not shutil.which("docker"):
        return "no docker client on PATH"
    done = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    if done.returncode:
        return "the Docker engine does not answer: " + done.stderr.strip()[-300:]
    return None


def provide(kind: str, path: Path) -> None:
    command = os.environ.get("CONTAINERIZE_PROVIDE")
    if command:
        run([*command.split(), f"--{kind}", str(path)], timeout=1800)


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


def hadolint(dockerfile: Path) -> None:
    exe = shutil.which("hadolint")
    assert exe, "hadolint is not on PATH (run ../shared/dockerkit/up or install hadolint)"
    run([exe, "--no-color", str(dockerfile)])


def generate(tmp_path: Path, fixture: str) -> tuple[Path, dict]:
    """Copy a fixture, run containerize on it, lint the Dockerfile; (project, inspect --json)."""
    project = copy_fixture(fixture, tmp_path)
    containerize(str(project), "--yes")
    for name in ("Dockerfile", ".dockerignore", "compose.yaml"):
        assert (project / name).is_file(), f"{name} was not written"
    hadolint(project / "Dockerfile")
    profile = json.loads(containerize("inspect", str(project), "--json").stdout)
    return project, profile


def rebuild_steps(project: Path, tag: str) -> tuple[dict[str, str], set[str]]:
    """Build with a plain log, then remove the tag: (step text by step number, numbers of cached steps)."""
    done = run(["docker", "build", "--progress=plain", "--label", LABEL, "-t", tag, str(project)], timeout=900)
    subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)
    log = (done.stdout + done.stderr).splitlines()
    steps = {m[1]: m[2] for ln in log if (m := re.match(r"#(\d+) \[[^\]]+\] (.*)", ln))}
    cached = {m[1] for ln in log if (m := re.match(r"#(\d+) CACHED", ln))}
    return steps, cached


def assert_dependency_step_cached(steps: dict[str, str], cached: set[str], marker: str) -> None:
    """After a code edit, the step whose text contains `marker` is cached and `COPY . .` is not."""
    deps = [n for n, text in steps.items() if marker in text]
    source = [n for n, text in steps.items() if text.startswith("COPY . .")]
    assert deps and source, steps
    assert set(deps) <= cached, f"the dependency step ({marker}) ran again after a code edit"
    assert not set(source) <= cached, "the edited source was not copied again"


class Image:
    def __init__(self, tag: str):
        self.tag = tag

    def inspect(self) -> dict:
        return json.loads(run(["docker", "image", "inspect", self.tag]).stdout)[0]

    @property
    def user(self) -> str:
        return self.inspect()["Config"].get("User") or ""

    def history(self) -> str:
        return run(["docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", self.tag]).stdout

    def contains(self, needle: str) -> bool:
        """True if `needle` is in the image's history or anywhere in its file system."""
        if needle in self.history():
            return True
        data = needle.encode()
        proc = subprocess.Popen(["docker", "save", self.tag], stdout=subprocess.PIPE)
        try:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as outer:
                for member in outer:
                    if not member.isfile():  # links to identical layers can't be read from a stream
                        continue
                    fh = outer.extractfile(member)
                    if fh is None:
                        continue
                    if _stream_contains(fh, data):
                        return True
        finally:
            proc.stdout.close()
            proc.wait()
        return False


def _stream_contains(fh, data: bytes, chunk: int = 1 << 20) -> bool:
    tail = b""
    while True:
        block = fh.read(chunk)
        if not block:
            return False
        if data in tail + block:
            return True
        tail = block[-len(data):]


@contextmanager
def built_image(context: Path, name: str):
    """Build `context` (after making its base images available), remove the image afterwards."""
    provide("dockerfile", context / "Dockerfile")
    tag = f"containerize-test/{name}:{uuid.uuid4().hex[:8]}"
    run(["docker", "build", "--label", LABEL, "-t", tag, str(context)], timeout=1800)
    try:
        yield Image(tag)
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


class Container:
    def __init__(self, cid: str):
        self.id = cid

    def port(self, container_port: int) -> int:
        out = run(["docker", "port", self.id, f"{container_port}/tcp"]).stdout
        for line in out.splitlines():
            if line.startswith("127.0.0.1:"):
                return int(line.rsplit(":", 1)[1])
        raise AssertionError(f"port {container_port} is not published on 127.0.0.1: {out!r}")

    def process_uid(self) -> str:
        """The uid of the main process (works on images without a shell or `id`)."""
        lines = run(["docker", "top", self.id, "-o", "pid,uid"]).stdout.splitlines()
        return lines[1].split()[1] if len(lines) > 1 else ""

    def logs(self) -> str:
        done = subprocess.run(["docker", "logs", "--tail", "60", self.id], capture_output=True, text=True)
        return done.stdout + done.stderr

    def exec(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return run(["docker", "exec", self.id, *args], check=check, timeout=60)

    def state(self) -> dict:
        return json.loads(run(["docker", "inspect", self.id]).stdout)[0]["State"]

    def run_healthcheck(self) -> subprocess.CompletedProcess:
        """Run the image's HEALTHCHECK command now (instead of waiting for its interval)."""
        test = json.loads(run(["docker", "inspect", "-f", "{{json .Config.Healthcheck.Test}}", self.id]).stdout)
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"no HEALTHCHECK: {test}"
        args = test[1:] if test[0] == "CMD" else ["/bin/sh", "-c", test[1]]
        return run(["docker", "exec", self.id, *args], check=False, timeout=60)

    def wait_healthy(self, deadline: float = 120.0) -> None:
        """Wait until Docker reports the container healthy (run it with a short --health-interval)."""
        end = time.monotonic() + deadline
        status = None
        while time.monotonic() < end:
            state = self.state()
            if not state.get("Running"):
                raise AssertionError(f"the container exited early:\n{self.logs()}")
            status = (state.get("Health") or {}).get("Status")
            if status == "healthy":
                return
            time.sleep(0.5)
        raise AssertionError(f"the container is still {status} after {deadline:.0f}s\n{self.logs()}")


@contextmanager
def running(image: Image, *args: str):
    cid = run(["docker", "run", "-d", "--label", LABEL, *args, image.tag]).stdout.strip()
    container = Container(cid)
    try:
        yield container
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", cid], capture_output=True)


def http_get(url: str, deadline: float = 90.0, container: Container | None = None) -> tuple[int, str]:
    """GET `url`, retrying until it answers (any status) or the deadline passes."""
    end = time.monotonic() + deadline
    last: Exception | None = None
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            last = exc
            if container is not None and not container.state().get("Running"):
                raise AssertionError(f"the container exited early:\n{container.logs()}")
            time.sleep(0.5)
    logs = container.logs() if container else ""
    raise AssertionError(f"{url} did not answer in {deadline:.0f}s ({last})\n{logs}")


@dataclass
class Server:
    """A server fixture and what a request to it must show."""

    fixture: str
    port: int
    path: str  # a path that must answer 200
    body: tuple[str, ...]  # texts the answer must contain
    secret: str | None = None  # env var that carries a secret at run time
    env: dict = field(default_factory=dict)


def check_server(tmp_path: Path, app: Server) -> None:
    """Generate, lint, build and run a server fixture: it answers 200 with the expected texts on 127.0.0.1,
    runs as non-root, passes its own HEALTHCHECK, and a secret given at run time stays out of the image."""
    project, profile = generate(tmp_path, app.fixture)
    assert profile["ports"] == [app.port]
    dockerfile = (project / "Dockerfile").read_text()
    assert f"EXPOSE {app.port}" in dockerfile and "HEALTHCHECK" in dockerfile
    sentinel = f"sentinel-{uuid.uuid4().hex}"
    env = [f"-e{k}={v}" for k, v in app.env.items()]
    if app.secret:
        env.append(f"-e{app.secret}={sentinel}")
    with built_image(project, app.fixture) as image:
        assert image.user not in ("", "root", "0", "0:0"), f"image runs as {image.user!r}"
        with running(image, "-p", f"127.0.0.1::{app.port}", *env) as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(app.port)}{app.path}", container=container)
            assert status == 200, body
            for text in app.body:
                assert text in body, f"{text!r} not in {body!r}"
            assert sentinel not in body
            assert container.process_uid() not in ("", "0")
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"
        if app.secret:
            assert not image.contains(sentinel), "a secret given at run time ended up in the image"


class Compose:
    def __init__(self, project_dir: Path):
        self.dir = project_dir
        self.project = f"ctest{uuid.uuid4().hex[:10]}"

    def __call__(self, *args: str, check: bool = True, timeout: float = 1800, env: dict | None = None):
        return run(["docker", "compose", "-p", self.project, "--project-directory", str(self.dir),
                    "-f", str(self.dir / "compose.yaml"), *args], check=check, timeout=timeout,
                   env={**os.environ, **(env or {})})

    def port(self, service: str, container_port: int) -> int:
        out = self("port", service, str(container_port)).stdout.strip()
        return int(out.rsplit(":", 1)[1])

    def down(self) -> None:
        """Remove the project's containers, networks, volumes and the images it built."""
        built = self("config", "--images", check=False).stdout.split()
        self("down", "-v", "--remove-orphans", check=False, timeout=300)
        config = self("config", "--format", "json", check=False).stdout
        try:
            services = json.loads(config)["services"]
        except (ValueError, KeyError):
            services = {}
        for svc in services.values():
            if "build" in svc and svc.get("image") in built:
                subprocess.run(["docker", "rmi", "-f", svc["image"]], capture_output=True)


@contextmanager
def compose_project(project_dir: Path):
    provide("compose", project_dir / "compose.yaml")
    provide("dockerfile", project_dir / "Dockerfile")
    compose = Compose(project_dir)
    try:
        yield compose
    finally:
        compose.down()


def require_docker() -> None:
    reason = docker_ready()
    if reason:
        if os.environ.get("CONTAINERIZE_REQUIRE_DOCKER") == "1":
            pytest.fail(f"Docker is required for this run: {reason}")
        pytest.skip(reason)
