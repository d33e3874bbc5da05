"""Repositories of several apps: one compose.yaml at the root runs every app, each built from its folder."""
from __future__ import annotations

import json
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness import Compose, containerize, copy_fixture, hadolint, http_get, provide

pytestmark = pytest.mark.docker


@contextmanager
def compose_apps(project: Path, folders: tuple[str, ...]):
    """The root compose project, with the base images of every app's Dockerfile made available."""
    provide("compose", project / "compose.yaml")
    for folder in folders:
        provide("dockerfile", project / folder / "Dockerfile")
    compose = Compose(project)
    try:
        yield compose
    finally:
        compose.down()


def test_go_api_and_static_front_end_run_together_and_the_front_end_proxies_the_api(docker, tmp_path):
    project = copy_fixture("multi-go-static", tmp_path)
    containerize(str(project), "--yes")
    assert not (project / "Dockerfile").exists(), "a repository of several apps has no Dockerfile at its root"
    for app in ("backend", "frontend"):
        assert (project / app / ".dockerignore").is_file()
        hadolint(project / app / "Dockerfile")
    listing = json.loads(containerize("inspect", str(project), "--json").stdout)
    assert [(a["name"], a["language"]) for a in listing["apps"]] == [("backend", "go"), ("frontend", "static")]
    with compose_apps(project, ("backend", "frontend")) as compose:
        compose("up", "-d", "--build", "--wait", timeout=900,
                env={"BACKEND_HOST_PORT": "0", "FRONTEND_HOST_PORT": "0"})
        front = compose.port("frontend", 8080)
        status, body = http_get(f"http://127.0.0.1:{front}/")
        assert status == 200 and "Greetings front end" in body
        status, body = http_get(f"http://127.0.0.1:{front}/app.js")
        assert status == 200 and "/api/greeting" in body
        # through the front end's nginx to the API service, twice: the API counts the calls it served
        first = json.loads(http_get(f"http://127.0.0.1:{front}/api/greeting")[1])
        second = json.loads(http_get(f"http://127.0.0.1:{front}/api/greeting")[1])
        assert first["greeting"] == "hello from the go backend"
        assert second["served"] == first["served"] + 1
        back = compose.port("backend", 8000)
        status, _ = http_get(f"http://127.0.0.1:{back}/healthz")
        assert status == 200


def test_express_api_worker_and_redis_queue_jobs_through_the_front_end(docker, tmp_path):
    project = copy_fixture("multi-express-worker", tmp_path)
    containerize(str(project), "--yes")
    for app in ("api", "worker", "web"):
        hadolint(project / app / "Dockerfile")
    assert "EXPOSE" not in (project / "worker" / "Dockerfile").read_text()
    compose_text = (project / "compose.yaml").read_text()
    assert compose_text.count("image: \"redis:") == 1  # one redis for the API and the worker
    # REDIS_URL is read as a secret: its file, as README.Docker.md says
    (project / "secrets").mkdir()
    (project / "secrets" / "redis_url").write_text("redis://redis:6379/0")
    with compose_apps(project, ("api", "worker", "web")) as compose:
        compose("up", "-d", "--build", "--wait", timeout=900,
                env={"API_HOST_PORT": "0", "WEB_HOST_PORT": "0"})
        web = compose.port("web", 8080)
        status, body = http_get(f"http://127.0.0.1:{web}/")
        assert status == 200 and "Jobs front end" in body
        request = urllib.request.Request(f"http://127.0.0.1:{web}/api/jobs", method="POST",
                                         data=json.dumps({"text": "queued through nginx"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 202
            job = json.loads(resp.read())["id"]
        deadline = time.monotonic() + 60
        while True:  # the worker takes the job off the redis queue and stores its result
            status, body = http_get(f"http://127.0.0.1:{web}/api/jobs/{job}")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == 200, compose("logs", "worker", check=False).stdout
        assert json.loads(body)["result"] == "QUEUED THROUGH NGINX"
