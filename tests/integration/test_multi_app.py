"""Repositories of several apps: one compose.yaml at the root runs every app, each built from its folder."""
from __future__ import annotations

import json
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
