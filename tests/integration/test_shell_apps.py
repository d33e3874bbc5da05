"""A shell-script app (start.sh run by its Procfile): built, run under compose's hardening, probed."""
from __future__ import annotations

import uuid

import pytest

from harness import compose_project, generate, http_get

pytestmark = pytest.mark.docker


def test_shell_script_app_serves_the_page_it_writes(docker, tmp_path):
    project, profile = generate(tmp_path, "shell-script")
    assert profile["language"] == "shell" and profile["ports"] == [8000]
    sentinel = f"sentinel-{uuid.uuid4().hex}"
    (project / "secrets").mkdir()
    (project / "secrets" / "api_token").write_text(sentinel)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0", "GREETING": "hi from bash"}, timeout=900)
        port = compose.port("app", 8000)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<h1>hi from bash</h1>" in body and "token configured: yes" in body, body
        assert sentinel not in body
        status, css = http_get(f"http://127.0.0.1:{port}/style.css")
        assert status == 200 and "sans-serif" in css
        assert compose("exec", "-T", "app", "id", "-u").stdout.strip() == "10001"
