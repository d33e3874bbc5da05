"""`containerize init` in an empty folder, then the app is written there: the files build and run."""
from __future__ import annotations

import textwrap

import pytest

from harness import built_image, containerize, hadolint, http_get, running

pytestmark = pytest.mark.docker


def test_a_new_flask_app_builds_and_answers(docker, tmp_path):
    app = tmp_path / "newflask"
    containerize("init", str(app), "--yes", "--set", "language=python", "--set", "framework=flask",
                 "--set", "port=8080", "--set", "env.GREETING=hello from a new app")
    assert (app / "requirements.txt").is_file() and (app / "README.Docker.md").is_file()
    hadolint(app / "Dockerfile")
    # the app the person writes next
    (app / "app.py").write_text(textwrap.dedent("""\
        import os

        from flask import Flask

        app = Flask(__name__)


        @app.get("/")
        def index():
            return os.environ.get("GREETING", "unset")
        """))
    with built_image(app, "newflask") as image:
        assert image.user not in ("", "root", "0", "0:0")
        with running(image, "-p", "127.0.0.1::8080", "-eGREETING=hello from a new app") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(8080)}/", container=container)
            assert status == 200 and body == "hello from a new app"
            assert container.exec("id", "-u").stdout.strip() != "0"
            health = container.run_healthcheck()
            assert health.returncode == 0, health.stdout + health.stderr
