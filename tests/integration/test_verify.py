"""`containerize verify` against a real Docker engine: fixtures that pass, and fixtures broken
on purpose (a build error, an app that crashes at start, an app on the wrong port). Every run
must leave nothing behind: no container, image, network or volume with its label."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import containerize, copy_fixture, run

pytestmark = pytest.mark.docker

LABEL = "containerize.verify"


def verify(project, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "containerize", "verify", str(project), *args], check=False, timeout=timeout)


def verify_json(project, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    done = verify(project, "--json", *args)
    try:
        data = json.loads(done.stdout)
    except ValueError:
        raise AssertionError(f"not JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}") from None
    return done, data


def leftovers(run_id: str) -> dict[str, list[str]]:
    label = f"label={LABEL}={run_id}"
    found = {
        "containers": run(["docker", "ps", "-aq", "--filter", label]).stdout.split(),
        "images": run(["docker", "images", "-q", "--filter", label]).stdout.split(),
        "networks": run(["docker", "network", "ls", "-q", "--filter", label]).stdout.split(),
        "volumes": run(["docker", "volume", "ls", "-q", "--filter", label]).stdout.split(),
        "tags": [t for t in run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"]).stdout.split()
                 if t.startswith("containerize-verify/") and f":{run_id}-" in t],
    }
    return {k: v for k, v in found.items() if v}


def generated(tmp_path, fixture: str):
    project = copy_fixture(fixture, tmp_path)
    containerize(str(project), "--yes")
    return project


def snapshot(project) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}


def test_a_server_passes_and_is_reported(docker, tmp_path):
    project = generated(tmp_path, "python-flask")
    before = snapshot(project)
    done, data = verify_json(project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert data["ok"] and data["kind"] == "server" and data["error"] is None
    checks = {c["name"]: c["status"] for c in data["checks"]}
    assert checks == {"build": "pass", "port answers": "pass", "http": "pass", "non-root": "pass",
                      "healthcheck": "pass", "dependency cache": "pass"}, data["checks"]
    image = data["image"]
    assert image["size"] > 10_000_000 and image["user"] == "10001:10001" and image["exposed_ports"] == [5050]
    layers = [layer["instruction"] for layer in image["layers"]]
    assert "COPY . ." in layers and any(i.startswith("HEALTHCHECK") for i in layers)
    assert sum(layer["size"] for layer in image["layers"]) > 0 and any(layer["base"] for layer in image["layers"])
    assert data["run"]["uid"] == 10001 and data["run"]["status"] == 200 and data["run"]["path"] == "/health"
    assert 0 < data["run"]["start_to_healthy"] < 120 and data["build"]["seconds"] >= 0
    assert data["secrets"] == ["secret_key"] and not (project / "secrets").exists()
    rebuild = data["rebuild"]
    assert rebuild["touched"] == "app.py" and rebuild["dependencies_cached"] is True
    pip = [s for s in rebuild["dependency_steps"] if "pip install" in s["instruction"]]
    assert pip and all(s["cached"] for s in pip)
    assert any(s["instruction"] == "COPY . ." and not s["cached"] for s in rebuild["steps"])
    assert snapshot(project) == before, "verify changed the project's files"
    assert leftovers(data["run_id"]) == {}


def test_backing_services_and_throwaway_secrets(docker, tmp_path):
    project = generated(tmp_path, "python-postgres")
    done, data = verify_json(project, "--no-cache-check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert data["run"]["services"] == ["postgres"]
    assert sorted(data["secrets"]) == ["postgres_password"]  # DATABASE_URL is built from it at start
    # /health runs SELECT 1: the generated DATABASE_URL carries the generated password
    assert data["run"]["status"] == 200 and {c["name"]: c["status"] for c in data["checks"]}["healthcheck"] == "pass"
    assert not (project / "secrets").exists()
    assert leftovers(data["run_id"]) == {}


def test_a_batch_program_with_expected_output(docker, tmp_path):
    project = generated(tmp_path, "python-batch")
    done = verify(project, "--expect", "words=12 longest=abracadabra")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout and "exit code" in done.stdout and "expected output" in done.stdout
    run_id = re.search(r"containerize-verify/python-batch:(\w+)-1", done.stdout).group(1)
    assert leftovers(run_id) == {}

    done, data = verify_json(project, "--expect", "words=13", "--no-cache-check")
    assert done.returncode == 1 and data["kind"] == "batch"
    expected = next(c for c in data["checks"] if c["name"] == "expected output")
    assert expected["status"] == "fail" and "does not contain 'words=13'" in expected["detail"]
    assert data["run"]["exit_code"] == 0 and "words=12" in data["run"]["stdout"]
    assert leftovers(data["run_id"]) == {}


def test_keep_keeps_the_image(docker, tmp_path):
    project = generated(tmp_path, "python-batch")
    done, data = verify_json(project, "--keep", "--no-cache-check")
    assert done.returncode == 0, done.stderr
    try:
        assert data["kept"]["images"] == [data["image"]["tag"]]
        assert leftovers(data["run_id"]).get("tags") == [data["image"]["tag"]]
    finally:
        for command in data["kept"]["remove_with"]:
            subprocess.run(command, shell=True, capture_output=True)
    assert leftovers(data["run_id"]) == {}


def test_dependencies_installed_after_the_source_are_not_cached(docker, tmp_path):
    project = copy_fixture("python-batch", tmp_path)
    (project / "requirements.txt").write_text("# no third-party packages\n")
    (project / "Dockerfile").write_text(
        "FROM python:3.12-slim-bookworm\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        "USER 10001:10001\n"
        'CMD ["python", "wordstats.py"]\n')
    (project / "compose.yaml").write_text(
        "services:\n  app:\n    build: .\n    volumes:\n    - ./data/words.txt:/data/words.txt:ro\n")
    done, data = verify_json(project)
    assert done.returncode == 1, done.stdout + done.stderr
    cache = next(c for c in data["checks"] if c["name"] == "dependency cache")
    assert cache["status"] == "fail" and "NOT CACHED" in cache["detail"] and "pip install" in cache["detail"]
    assert data["rebuild"]["dependencies_cached"] is False
    assert {c["name"]: c["status"] for c in data["checks"]}["exit code"] == "pass"
    assert leftovers(data["run_id"]) == {}


def test_a_build_error_shows_the_failing_step(docker, tmp_path):
    project = generated(tmp_path, "broken-build")
    done, data = verify_json(project)
    assert done.returncode == 4
    err = data["error"]
    assert err["kind"] == "build" and "the build failed at step" in err["message"]
    assert "pip install -r requirements.txt" in err["message"]
    assert re.search(r"Dockerfile:\d+: RUN", err["details"])
    assert "containerize-no-such-package-for-tests" in err["details"]
    kept_log = Path(data["build_log"])
    assert "No matching distribution" in kept_log.read_text()
    kept_log.unlink()
    assert leftovers(data["run_id"]) == {}

    text = verify(project, "--no-cache-check")
    assert text.returncode == 4
    assert "containerize verify: error: the build failed at step" in text.stderr
    assert "No matching distribution" in text.stderr
    log_line = re.search(r"full build log: (\S+)", text.stderr)
    assert log_line
    Path(log_line.group(1)).unlink()


def test_an_app_that_crashes_at_start(docker, tmp_path):
    project = generated(tmp_path, "broken-crash")
    done = verify(project, "--timeout", "60")
    assert done.returncode == 5, done.stdout + done.stderr
    assert "error: the container exited with code 1 before port 8000 answered" in done.stderr
    assert "RuntimeError: settings file missing" in done.stderr  # its last log lines
    run_id = re.search(r"containerize-verify/broken-crash:(\w+)-1", done.stdout).group(1)
    assert leftovers(run_id) == {}


def test_an_app_on_the_wrong_port(docker, tmp_path):
    project = generated(tmp_path, "broken-port")
    done, data = verify_json(project, "--timeout", "15")
    assert done.returncode == 5
    err = data["error"]
    assert err["kind"] == "port"
    assert err["message"] == "nothing answered on port 8000 within 15s: it listens on 0.0.0.0:9000"
    assert "listening on 0.0.0.0:9000" in err["details"]  # its last log lines
    assert leftovers(data["run_id"]) == {}


def test_a_program_that_runs_until_stopped_keeps_running(docker, tmp_path):
    """No port and no exit: verify checks that it is still running after a few seconds and what it printed."""
    project = generated(tmp_path, "python-long-running")
    done, data = verify_json(project, "--expect", "watching /tmp/inbox", "--no-cache-check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert data["kind"] == "long-running"
    checks = {c["name"]: c["status"] for c in data["checks"]}
    assert checks["keeps running"] == checks["expected output"] == checks["non-root"] == "pass", data["checks"]
    assert leftovers(data["run_id"]) == {}


@pytest.mark.parametrize("fixture", ["python-grpc", "node-grpc"])
def test_a_grpc_server_passes_on_a_connection(docker, tmp_path, fixture):
    """A server that speaks no HTTP/1 gets no HTTP request: its port must take and keep a connection, and its
    HEALTHCHECK must turn healthy; --expect has no HTTP answer to look in."""
    project = generated(tmp_path, fixture)
    done, data = verify_json(project, "--expect", "Hello", "--no-cache-check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert data["kind"] == "server" and data["run"]["probe"] == "tcp" and data["run"]["path"] is None
    checks = {c["name"]: c["status"] for c in data["checks"]}
    assert checks["port answers"] == checks["tcp"] == checks["healthcheck"] == checks["non-root"] == "pass", \
        data["checks"]
    assert checks["expected output"] == "skip" and "http" not in checks
    assert leftovers(data["run_id"]) == {}


def test_a_grpc_server_bound_to_loopback_fails(docker, tmp_path):
    """Docker's port proxy takes the connection even when nothing listens behind it: the server must listen
    on an address the proxy reaches."""
    project = copy_fixture("python-grpc", tmp_path)
    server = project / "greeter_server.py"
    server.write_text(server.read_text().replace('"[::]:" + port', '"127.0.0.1:" + port'))
    containerize(str(project), "--yes")
    done, data = verify_json(project, "--timeout", "20", "--no-cache-check")
    assert done.returncode == 5
    assert data["error"]["kind"] == "port"
    assert "only on the loopback address" in data["error"]["message"]
    assert leftovers(data["run_id"]) == {}
