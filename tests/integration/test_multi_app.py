"""Repositories of several apps: one compose.yaml at the root runs every app, each built from its folder."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness import Compose, containerize, copy_fixture, hadolint, http_get, provide, run

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


def test_fastapi_vite_and_postgres_write_and_read_a_row_through_the_front_end(docker, tmp_path):
    project = copy_fixture("multi-fastapi-vite", tmp_path)
    containerize(str(project), "--yes")
    for app in ("backend", "frontend"):
        hadolint(project / app / "Dockerfile")
    (project / "secrets").mkdir()
    (project / "secrets" / "postgres_password").write_text("pw-" + tmp_path.name[-8:])
    with compose_apps(project, ("backend", "frontend")) as compose:
        compose("up", "-d", "--build", "--wait", timeout=1200,
                env={"BACKEND_HOST_PORT": "0", "FRONTEND_HOST_PORT": "0"})
        front = compose.port("frontend", 8080)
        status, body = http_get(f"http://127.0.0.1:{front}/")
        assert status == 200 and "Notes front end" in body
        script = body.split('src="', 1)[1].split('"', 1)[0]  # the bundle vite wrote into index.html
        status, bundle = http_get(f"http://127.0.0.1:{front}{script}")
        assert status == 200 and "/api/notes" in bundle
        assert "localhost:8000" not in bundle  # VITE_API_URL came from compose's build args, not the .env
        request = urllib.request.Request(f"http://127.0.0.1:{front}/api/notes", method="POST",
                                         data=json.dumps({"text": "kept in postgres"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            assert resp.status == 201
            created = json.loads(resp.read())
        status, body = http_get(f"http://127.0.0.1:{front}/api/notes")
        assert status == 200
        assert {"id": created["id"], "text": "kept in postgres"} in json.loads(body)["notes"]
        for service, uid in (("backend", "10001"), ("frontend", "101")):
            assert compose("exec", "-T", service, "id", "-u").stdout.strip() == uid


def test_verify_on_the_root_brings_the_stack_up_and_probes_every_app(docker, tmp_path):
    project = copy_fixture("multi-express-worker", tmp_path)
    done = run([sys.executable, "-m", "containerize", "verify", str(project), "--generate", "--json",
                "--timeout", "300"], check=False, timeout=1800)
    result = json.loads(done.stdout)
    assert done.returncode == 0, json.dumps(result, indent=2)[-4000:]
    assert result["kind"] == "apps" and "compose.yaml" in result["generated"]
    checks = {c["name"]: c["status"] for c in result["checks"]}
    for name in ("api: http", "api: non-root", "web: http", "web: /api/ reaches api", "web: non-root",
                 "worker: running", "worker: non-root"):
        assert checks.get(name) == "pass", (name, result["checks"])
    assert set(result["run"]["apps"]) == {"api", "web", "worker"}
    label = result["label"]
    for kind in (["ps", "-aq"], ["volume", "ls", "-q"], ["images", "-q"], ["network", "ls", "-q"]):
        left = subprocess.run(["docker", *kind, "--filter", f"label={label}"], capture_output=True, text=True)
        assert left.stdout.strip() == "", f"verify left {kind} behind"


def test_verify_on_the_root_checks_a_batch_program_by_its_exit_code_and_output(docker, tmp_path):
    project = copy_fixture("multi-api-job", tmp_path)
    done = run([sys.executable, "-m", "containerize", "verify", str(project), "--generate", "--json",
                "--expect", "report weekly: 3 rows, total 16", "--timeout", "300"], check=False, timeout=1800)
    result = json.loads(done.stdout)
    assert done.returncode == 0, json.dumps(result, indent=2)[-4000:]
    checks = {c["name"]: (c["status"], c["detail"]) for c in result["checks"]}
    assert checks["report: exit code"] == ("pass", "a batch program: exited 0")
    assert checks["report: expected output"][0] == "pass"
    assert checks["report: non-root"][0] == "pass" and "uid 10001" in checks["report: non-root"][1]
    assert checks["api: http"][0] == "pass" and checks["api: non-root"][0] == "pass"
    assert result["run"]["apps"]["report"]["exit_code"] == 0
    label = result["label"]
    for kind in (["ps", "-aq"], ["volume", "ls", "-q"], ["images", "-q"], ["network", "ls", "-q"]):
        left = subprocess.run(["docker", *kind, "--filter", f"label={label}"], capture_output=True, text=True)
        assert left.stdout.strip() == "", f"verify left {kind} behind"


def test_npm_workspace_apps_build_from_the_root_with_the_shared_package_and_each_starts(docker, tmp_path):
    project = copy_fixture("multi-npm-workspace", tmp_path)
    containerize(str(project), "--yes")
    for app in ("server", "web"):
        hadolint(project / "apps" / app / "Dockerfile")
    provide("compose", project / "compose.yaml")
    for app in ("server", "web"):
        provide("dockerfile", project / "apps" / app / "Dockerfile")
    compose = Compose(project)
    try:
        compose("up", "-d", "--build", "--wait", timeout=900, env={"SERVER_HOST_PORT": "0", "WEB_HOST_PORT": "0"})
        server = compose.port("server", 4000)
        status, body = http_get(f"http://127.0.0.1:{server}/api/products")
        assert status == 200
        assert json.loads(body) == {"shop": "Corner Shop", "products": [{"name": "tea", "price": "3.50 EUR"}]}
        web = compose.port("web", 3000)
        status, body = http_get(f"http://127.0.0.1:{web}/")
        assert status == 200 and "Corner Shop welcomes visitors" in body  # escape-html, a dependency of shared
        # only the members each app needs went in; the dev dependency stayed out
        assert compose("exec", "-T", "server", "ls", "/app/apps").stdout.split() == ["server"]
        assert compose("exec", "-T", "web", "ls", "/app/apps").stdout.split() == ["web"]
        modules = compose("exec", "-T", "server", "ls", "/app/node_modules").stdout.split()
        assert "express" in modules and "escape-html" in modules and "is-number" not in modules
        for service in ("server", "web"):
            assert compose("exec", "-T", service, "id", "-u").stdout.strip() == "1000"
    finally:
        compose.down()


def test_npm_workspace_apps_with_a_build_step_build_from_the_root_with_the_shared_package(docker, tmp_path):
    project = copy_fixture("multi-npm-build", tmp_path)
    containerize(str(project), "--yes")
    for app in ("api", "web"):
        hadolint(project / "apps" / app / "Dockerfile")
    with compose_apps(project, ("apps/api", "apps/web")) as compose:
        compose("up", "-d", "--build", "--wait", timeout=1200, env={"API_HOST_PORT": "0", "WEB_HOST_PORT": "0"})
        # the TypeScript server, compiled with tsc, answers with text from the shared package
        api = compose.port("api", 3000)
        status, body = http_get(f"http://127.0.0.1:{api}/api/greeting?name=probe")
        assert status == 200
        assert json.loads(body) == {"message": "Hello, probe! notes-shared-motto-7f3a",
                                    "motto": "notes-shared-motto-7f3a"}
        # the Vite SPA: nginx serves its dist, whose bundle holds the shared package's string
        web = compose.port("web", 8080)
        status, page = http_get(f"http://127.0.0.1:{web}/")
        assert status == 200 and "<title>Notes</title>" in page
        script = page.split('src="', 1)[1].split('"', 1)[0]
        status, bundle = http_get(f"http://127.0.0.1:{web}{script}")
        assert status == 200 and "notes-shared-motto-7f3a" in bundle
        # through the SPA's nginx to the API service
        status, body = http_get(f"http://127.0.0.1:{web}/api/greeting?name=proxy")
        assert status == 200 and json.loads(body)["message"] == "Hello, proxy! notes-shared-motto-7f3a"
        # the runtime images hold only their own output: the API's folder and the package it uses, no sources
        # of the other app; nginx holds the built files only
        assert compose("exec", "-T", "api", "ls", "/app/apps").stdout.split() == ["api"]
        assert "server.js" in compose("exec", "-T", "api", "ls", "/app/apps/api/dist").stdout.split()
        modules = compose("exec", "-T", "api", "ls", "/app/node_modules").stdout.split()
        assert "typescript" not in modules and "vite" not in modules
        html = compose("exec", "-T", "web", "ls", "/usr/share/nginx/html").stdout.split()
        assert "index.html" in html and "src" not in html and "package.json" not in html
        assert compose("exec", "-T", "api", "id", "-u").stdout.strip() == "1000"
        assert compose("exec", "-T", "web", "id", "-u").stdout.strip() == "101"


def test_go_work_modules_build_from_the_root_with_the_module_they_use(docker, tmp_path):
    project = copy_fixture("multi-go-work", tmp_path)
    containerize(str(project), "--yes")
    for app in ("admin", "api"):
        hadolint(project / app / "Dockerfile")
    assert not (project / "greet" / "Dockerfile").exists(), "a library module has no image"
    with compose_apps(project, ("admin", "api")) as compose:
        compose("up", "-d", "--build", "--wait", timeout=900, env={"API_HOST_PORT": "0", "ADMIN_HOST_PORT": "0"})
        api = compose.port("api", 8000)
        status, body = http_get(f"http://127.0.0.1:{api}/api/greeting?name=probe")
        assert status == 200 and json.loads(body) == {"message": "Hello, probe! go-shared-motto-93be"}
        admin = compose.port("admin", 9000)
        status, body = http_get(f"http://127.0.0.1:{admin}/")
        assert status == 200 and body.strip() == "admin ok"
        info = subprocess.run(["docker", "image", "inspect", "multi-go-work-api:latest", "--format",
                               "{{.Config.User}}"], capture_output=True, text=True)
        assert info.stdout.strip() == "65532:65532"


def test_cargo_workspace_binaries_build_from_the_root_with_the_crate_they_use(docker, tmp_path):
    project = copy_fixture("multi-cargo-workspace", tmp_path)
    containerize(str(project), "--yes")
    for app in ("admin", "api"):
        hadolint(project / app / "Dockerfile")
    assert not (project / "greet" / "Dockerfile").exists(), "a library crate has no image"
    with compose_apps(project, ("admin", "api")) as compose:
        compose("up", "-d", "--build", "--wait", timeout=1500, env={"API_HOST_PORT": "0", "ADMIN_HOST_PORT": "0"})
        api = compose.port("api", 8080)
        status, body = http_get(f"http://127.0.0.1:{api}/")
        assert status == 200 and json.loads(body) == {"message": "Hello, cargo! cargo-shared-motto-51c2"}
        admin = compose.port("admin", 9090)
        status, body = http_get(f"http://127.0.0.1:{admin}/")
        assert status == 200 and body == "admin ok"
        info = subprocess.run(["docker", "image", "inspect", "multi-cargo-workspace-api:latest", "--format",
                               "{{.Config.User}}"], capture_output=True, text=True)
        assert info.stdout.strip() == "65532:65532"


def test_yarn_classic_workspace_member_installs_from_the_root_lockfile_with_the_shared_package(docker, tmp_path):
    project = copy_fixture("multi-yarn-workspace", tmp_path)
    containerize(str(project), "--yes")
    for app in ("admin", "api"):
        hadolint(project / "apps" / app / "Dockerfile")
    with compose_apps(project, ("apps/admin", "apps/api")) as compose:
        compose("up", "-d", "--build", "--wait", timeout=900, env={"API_HOST_PORT": "0", "ADMIN_HOST_PORT": "0"})
        api = compose.port("api", 4000)
        status, body = http_get(f"http://127.0.0.1:{api}/")
        assert status == 200 and json.loads(body) == {"clinic": "yarn-shared-label-2d84"}
        admin = compose.port("admin", 4100)
        status, body = http_get(f"http://127.0.0.1:{admin}/")
        assert status == 200 and body.strip() == "admin ok"
        # the api image holds its own code and the package it uses, not the admin's
        assert compose("exec", "-T", "api", "ls", "/app/apps/admin").stdout.split() == ["package.json"]
        assert compose("exec", "-T", "api", "ls", "/app/node_modules/@clinic").stdout.split() == ["admin", "api",
                                                                                                  "labels"]
        for service in ("admin", "api"):
            assert compose("exec", "-T", service, "id", "-u").stdout.strip() == "1000"
