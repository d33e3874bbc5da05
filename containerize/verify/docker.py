"""A thin wrapper around the docker CLI (``docker`` and ``docker compose``)."""
from __future__ import annotations

import json
import shutil
import subprocess
from typing import Callable, Iterable


class DockerError(Exception):
    """A docker command that failed; ``output`` holds what it printed."""

    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output


def available() -> str | None:
    """None when a Docker engine and Compose v2 answer, else the reason (for a person)."""
    if not shutil.which("docker"):
        return "the docker command is not installed (or not on PATH)"
    try:
        done = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"],
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer within 60s (docker info)"
    if done.returncode != 0 or not done.stdout.strip():
        reason = (done.stderr or done.stdout).strip().splitlines()
        return "no Docker engine answers: " + (reason[-1] if reason else "docker info failed")
    done = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return "Docker Compose v2 (`docker compose`) is not installed"
    return None


def run(args: list[str], check: bool = True, timeout: float = 300, input: str | None = None,
        env: dict | None = None) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout,
                              input=input, env=env)
    except subprocess.TimeoutExpired as exc:
        raise DockerError(f"docker {' '.join(args[:3])} did not finish within {timeout:.0f}s") from exc
    if check and done.returncode != 0:
        raise DockerError(f"docker {' '.join(args[:3])} failed (exit {done.returncode})",
                          (done.stdout + done.stderr).strip())
    return done


def quiet(args: list[str], timeout: float = 120) -> int:
    """Run and ignore the output (cleanup); the exit code."""
    try:
        return subprocess.run(["docker", *args], capture_output=True, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return -1


def stream(args: list[str], on_line: Callable[[str], None], env: dict | None = None,
           timeout: float = 3600) -> int:
    """Run with stdout and stderr merged, calling ``on_line`` for each line; the exit code."""
    proc = subprocess.Popen(["docker", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", bufsize=1, env=env)
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            on_line(line.rstrip("\n"))
        return proc.wait(timeout=timeout)
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def inspect(kind: str, ref: str) -> dict:
    """``docker <kind> inspect ref`` as a dict (kind: image, container, network, volume)."""
    return json.loads(run([kind, "inspect", ref]).stdout)[0]


def history(image: str) -> list[dict]:
    """The layers of an image, oldest first: CreatedBy, Size (bytes), ID, Comment."""
    out = run(["history", "--no-trunc", "--human=false", "--format", "{{json .}}", image]).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    for row in rows:
        try:
            row["Size"] = int(row.get("Size") or 0)
        except (TypeError, ValueError):
            row["Size"] = 0
    return list(reversed(rows))


def labelled(kind: str, label: str) -> list[str]:
    """IDs (names for volumes) of the objects of a kind that carry a label (``key`` or ``key=value``)."""
    cmd = {"container": ["ps", "-aq"], "image": ["images", "-q"], "network": ["network", "ls", "-q"],
           "volume": ["volume", "ls", "-q"]}[kind]
    done = run([*cmd, "--filter", f"label={label}"], check=False)
    return sorted(set(done.stdout.split())) if done.returncode == 0 else []


def remove(kind: str, refs: Iterable[str]) -> None:
    refs = list(refs)
    if not refs:
        return
    cmd = {"container": ["rm", "-f", "-v"], "image": ["rmi"], "network": ["network", "rm"],
           "volume": ["volume", "rm", "-f"]}[kind]
    quiet([*cmd, *refs])


def logs(container: str, tail: int = 30) -> str:
    """The last lines a container printed (stdout and stderr together)."""
    try:
        done = subprocess.run(["docker", "logs", "--tail", str(tail), container], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout.rstrip()


def stdout_of(container: str) -> str:
    """What a container wrote to its stdout (not stderr)."""
    try:
        done = subprocess.run(["docker", "logs", container], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout


def read_file(container: str, path: str) -> str | None:
    """The text of one file of a container (running or not), or None."""
    import io
    import tarfile

    try:
        done = subprocess.run(["docker", "cp", f"{container}:{path}", "-"], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    try:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
            for member in tar:
                fh = tar.extractfile(member)
                if fh is not None:
                    return fh.read().decode("utf-8", "replace")
    except tarfile.TarError:
        return None
    return None
