"""`containerize init` for a Node.js app and a static site in an empty folder, then the app is written
there: the files build, run and answer."""
from __future__ import annotations

import json
import shutil
import textwrap

import pytest

from harness import built_image, containerize, hadolint, http_get, run, running

pytestmark = pytest.mark.docker


def test_a_new_typescript_server_builds_and_answers(docker, tmp_path):
    app = tmp_path / "newts"
    containerize("init", str(app), "--yes", "--set", "language=node", "--set", "framework=typescript",
                        "--set", "port=8080", "--set", "env.GREETING=hello from a new app")
    steps = (app / "README.Docker.md").read_text().split("## Before the first build", 1)[1]
    assert "- Write `src/server.ts`" in steps and "- Run `npm install`" in steps
    package = json.loads((app / "package.json").read_text())
    assert package["scripts"] == {"build": "tsc", "start": "node dist/server.js"}
    assert (app / "tsconfig.json").is_file()
    hadolint(app / "Dockerfile")
    # what the person does next: the server, then `npm install` for the lockfile the image installs from
    (app / "src").mkdir()
    (app / "src" / "server.ts").write_text(textwrap.dedent("""\
        import express from "express";

        const app = express();
        app.get("/", (_req, res) => {
          res.send(process.env.GREETING ?? "unset");
        });
        app.listen(Number(process.env.PORT) || 3000, "0.0.0.0");
        """))
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("npm is not on PATH (it makes the app's package-lock.json)")
    run([npm, "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=app, timeout=300)
    assert (app / "package-lock.json").is_file()
    with built_image(app, "newts") as image:
        assert image.user.split(":")[0] == "1000"
        with running(image, "-p", "127.0.0.1::8080", "-eGREETING=hello from a new app") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(8080)}/", container=container)
            assert status == 200 and body == "hello from a new app"
            assert container.exec("id", "-u").stdout.strip() == "1000"
            health = container.run_healthcheck()
            assert health.returncode == 0, health.stdout + health.stderr
            # the compiler stays in the build stage; express is in the image
            assert container.exec("test", "-e", "/app/node_modules/typescript", check=False).returncode != 0
            assert container.exec("test", "-f", "/app/node_modules/express/package.json").returncode == 0


def test_a_new_static_site_builds_and_answers(docker, tmp_path):
    site = tmp_path / "newsite"
    containerize("init", str(site), "--yes", "--set", "language=static")
    assert "- Write `index.html`" in (site / "README.Docker.md").read_text()
    assert sorted(p.name for p in site.iterdir()) == [".dockerignore", "Dockerfile", "README.Docker.md",
                                                       "compose.yaml"]
    hadolint(site / "Dockerfile")
    (site / "index.html").write_text("<!doctype html>\n<title>new</title>\n<h1>A new site</h1>\n")
    with built_image(site, "newsite") as image:
        assert image.user.split(":")[0] == "101"
        with running(image, "-p", "127.0.0.1::8080") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(8080)}/", container=container)
            assert status == 200 and "<h1>A new site</h1>" in body
            assert container.exec("id", "-u").stdout.strip() == "101"
            health = container.run_healthcheck()
            assert health.returncode == 0, health.stdout + health.stderr
            missing = container.exec("test", "-e", "/usr/share/nginx/html/Dockerfile", check=False)
            assert missing.returncode != 0
