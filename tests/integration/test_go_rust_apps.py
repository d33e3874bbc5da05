"""Generate container files for the buildable Go and Rust fixtures, build them, run them, probe them.

Built here (standard library only: no module proxy or crate registry answers
inside builds): go-http (main package at the root, reads a secret, slim
runtime), go-cmd (cmd/<name> layout, distroless static with a volume) and
rust-http (std::net server on distroless cc); go-values and rust-values (the
port a constant joined into the address, a default read through an env wrapper);
rust-static-pages (pages read at run time from static/ and the crate's templates/); go-json-config (a
config file read at run time sets the port); go-json-runtime (the folder a config file names is written);
go-relative-writes (a file and a folder written relative to the working directory); go-cmd-api-worker
(two commands in one module: the api binary alone is read).
go-postgres and rust-axum declare
third-party dependencies and are covered by tests/unit/test_go.py and
tests/unit/test_rust.py (analysis, rendering, hadolint, step order).
"""
from __future__ import annotations

import re
import subprocess
import urllib.request
import uuid
from contextlib import contextmanager

import pytest

from harness import (LABEL, Image, assert_dependency_step_cached, built_image, compose_project, generate, http_get,
                     run, running)

pytestmark = pytest.mark.docker


def healthy(container) -> None:
    health = container.run_healthcheck()
    assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"


def has_shell(image: Image) -> bool:
    probe = run(["docker", "run", "--rm", "--label", LABEL, "--entrypoint", "/bin/sh", image.tag, "-c", "true"],
                check=False)
    return probe.returncode == 0


@contextmanager
def rebuilt(project, tag: str):
    """Build again with a plain log: (steps by number, numbers of cached steps); the image is removed afterwards."""
    done = run(["docker", "build", "--progress=plain", "--label", LABEL, "-t", tag, str(project)], timeout=900)
    try:
        log = (done.stdout + done.stderr).splitlines()
        steps = {m[1]: m[2] for ln in log if (m := re.match(r"#(\d+) \[[^\]]+\] (.*)", ln))}
        cached = {m[1] for ln in log if (m := re.match(r"#(\d+) CACHED", ln))}
        yield Image(tag), steps, cached
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


def test_go_root_app_with_a_secret(docker, tmp_path):
    project, profile = generate(tmp_path, "go-http")
    assert profile["language"] == "go" and profile["ports"] == [8080]
    assert profile["build"]["runtime"] == "slim"
    sentinel = f"sentinel-{uuid.uuid4().hex}"
    with built_image(project, "go-http") as image:
        assert image.user == "10001:10001"
        with running(image, "-p", "127.0.0.1::8080", "-e", f"API_TOKEN={sentinel}") as container:
            port = container.port(8080)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200 and body.strip() == "hello from go"
            request = urllib.request.Request(f"http://127.0.0.1:{port}/private",
                                             headers={"Authorization": f"Bearer {sentinel}"})
            with urllib.request.urlopen(request, timeout=10) as resp:
                assert resp.status == 200 and resp.read().decode().strip() == "private area"
            assert container.exec("id", "-u").stdout.strip() == "10001"
            assert container.exec("sh", "-c", "command -v go gcc || true").stdout.strip() == ""
            healthy(container)
        assert not image.contains(sentinel), "a secret given at run time ended up in the image"

    # compose: the secret comes from ./secrets/api_token through the shell entrypoint
    (project / "secrets").mkdir()
    (project / "secrets" / "api_token").write_text(sentinel)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", timeout=900)
        port = compose.port("app", 8080)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/private",
                                         headers={"Authorization": f"Bearer {sentinel}"})
        http_get(f"http://127.0.0.1:{port}/healthz")
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 200


def test_go_cmd_layout_on_distroless_keeps_the_module_download_cached(docker, tmp_path):
    project, profile = generate(tmp_path, "go-cmd")
    assert profile["entrypoint"] == ["/usr/local/bin/counter"] and profile["ports"] == [8090]
    assert profile["writable_paths"] == ["/data"]
    with built_image(project, "go-cmd") as image:
        assert image.user == "65532:65532"
        assert not has_shell(image)
        with running(image, "-p", "127.0.0.1::8090") as container:
            port = container.port(8090)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200 and body.strip() == "visits: 1", body  # /data is writable by nonroot
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert body.strip() == "visits: 2"
            status, _ = http_get(f"http://127.0.0.1:{port}/health", container=container)
            assert status == 200
            assert container.process_uid() == "65532"
            healthy(container)

        main = project / "cmd/counter/main.go"
        main.write_text(main.read_text() + f"\n// edited {uuid.uuid4().hex}\n")
        with rebuilt(project, image.tag + "-edited") as (_, steps, cached):
            assert_dependency_step_cached(steps, cached, "go mod download")


def test_rust_std_server_on_distroless_cc_and_a_code_edit(docker, tmp_path):
    project, profile = generate(tmp_path, "rust-http")
    assert profile["language"] == "rust" and profile["ports"] == [8080]
    assert profile["build"]["runtime"] == "distroless"
    with built_image(project, "rust-http") as image:
        assert image.user == "65532:65532"
        assert not has_shell(image)
        with running(image, "-p", "127.0.0.1::8080", "-e", "GREETING=hi from the container") as container:
            port = container.port(8080)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200 and body.strip() == "hi from the container"
            status, body = http_get(f"http://127.0.0.1:{port}/health", container=container)
            assert status == 200 and body.strip() == "ok"
            assert container.process_uid() == "65532"
            healthy(container)
        # PORT moves the server and the health probe with it
        with running(image, "-p", "127.0.0.1::9123", "-e", "PORT=9123") as container:
            status, _ = http_get(f"http://127.0.0.1:{container.port(9123)}/health", container=container)
            assert status == 200
            healthy(container)

        # a code edit: cargo fetch stays cached, and the new binary (not a stale one from target/) ships
        main = project / "src/main.rs"
        main.write_text(main.read_text().replace('"hello from rust"', '"hello again from rust"')
                        + f"\n// edited {uuid.uuid4().hex}\n")  # new content, never in the build cache
        with rebuilt(project, image.tag + "-edited") as (edited, steps, cached):
            assert_dependency_step_cached(steps, cached, "cargo fetch")
            with running(edited, "-p", "127.0.0.1::8080") as container:
                status, body = http_get(f"http://127.0.0.1:{container.port(8080)}/", container=container)
                assert status == 200 and body.strip() == "hello again from rust"


@pytest.mark.parametrize("fixture, port, health, greeting", [
    ("go-values", 8095, "/ready", "values from go"),
    ("rust-values", 7878, "/health", "values from rust"),
])
def test_port_and_defaults_read_through_names(docker, tmp_path, fixture, port, health, greeting):
    """The port is a constant joined into the address, GREETING's default comes through a wrapper."""
    project, profile = generate(tmp_path, fixture)
    assert profile["ports"] == [port] and profile["port_env"] is None and profile["health_path"] == health
    assert {v["name"]: v["default"] for v in profile["env"]}["GREETING"] == greeting
    assert f"EXPOSE {port}" in (project / "Dockerfile").read_text()
    with built_image(project, fixture) as image:
        assert image.user == "65532:65532" and not has_shell(image)
        with running(image, "-p", f"127.0.0.1::{port}") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(port)}/", container=container)
            assert status == 200 and body.strip() == greeting, body
            status, body = http_get(f"http://127.0.0.1:{container.port(port)}{health}", container=container)
            assert status == 200 and body.strip() == "ok"
            assert container.process_uid() == "65532"
            healthy(container)
        with running(image, "-p", f"127.0.0.1::{port}", "-e", "GREETING=set at run time") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(port)}/", container=container)
            assert status == 200 and body.strip() == "set at run time"


def test_rust_carries_the_pages_it_reads_at_run_time(docker, tmp_path):
    """static/ is read relative to the working directory, templates/ relative to the crate
    (CARGO_MANIFEST_DIR, /src at build time): both are in the distroless image, the pages are the real ones."""
    project, profile = generate(tmp_path, "rust-static-pages")
    assert profile["build"]["assets"] == ["static"] and profile["build"]["crate_assets"] == ["templates"]
    with built_image(project, "rust-static-pages") as image:
        assert image.user == "65532:65532" and not has_shell(image)
        with running(image, "-p", "127.0.0.1::8090") as container:
            port = container.port(8090)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200 and "static index page" in body, body
            status, body = http_get(f"http://127.0.0.1:{port}/about", container=container)
            assert status == 200 and "about pages" in body, body
            assert container.process_uid() == "65532"
            healthy(container)


def test_go_carries_the_config_file_it_loads_and_listens_on_its_port(docker, tmp_path):
    """config/app.json, read with os.ReadFile relative to the working directory, sets the port (8071) and
    the greeting: it is in the distroless image beside the binary, so the server starts and answers with it."""
    project, profile = generate(tmp_path, "go-json-config")
    assert profile["ports"] == [8071] and profile["build"]["assets"] == ["config"]
    with built_image(project, "go-json-config") as image:
        assert image.user == "65532:65532" and not has_shell(image)
        with running(image, "-p", "127.0.0.1::8071") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(8071)}/", container=container)
            assert status == 200 and body.strip() == "hello from config/app.json", body
            assert container.process_uid() == "65532"
            healthy(container)


def test_go_writes_under_the_runtime_folder_its_config_file_names(docker, tmp_path):
    """conf/app.json names runtime/ (RuntimeRootPath), where the server makes logs/ and opens its log file at
    start: under compose's read-only root that folder is a volume, and it starts with the committed
    runtime/fonts/ the server reads."""
    project, profile = generate(tmp_path, "go-json-runtime")
    assert profile["writable_paths"] == ["/app/runtime"] and profile["build"]["assets"] == ["conf", "runtime"]
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=900)
        port = compose.port("app", 8072)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200 and body.strip() == "notes, drawn with Banner Sans (a stand-in for the font file the " \
            "app draws with)", body


def test_go_files_written_relative_to_the_working_directory_survive_a_restart(docker, tmp_path):
    """./guestbook.db (a file at the top of the working directory) lives in the volume /var/lib/app behind a link,
    notes/ is a volume: under compose's read-only root the server starts, writes both, and a new container of
    the same project reads them back."""
    project, profile = generate(tmp_path, "go-relative-writes")
    assert profile["writable_paths"] == ["/app/notes", "/var/lib/app"]
    assert profile["build"]["state_files"] == ["guestbook.db"]
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=900)
        port = compose.port("app", 8073)
        status, body = http_get(f"http://127.0.0.1:{port}/sign?name=ada")
        assert status == 200 and "thanks, ada" in body, body
        compose("up", "-d", "--force-recreate", "--wait", "app", env={"HOST_PORT": "0"}, timeout=300)
        port = compose.port("app", 8073)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200 and body.splitlines()[1:] == ["ada"], body


def test_go_without_go_mod_carries_the_folders_it_reads_at_run_time(docker, tmp_path):
    """main.go with no go.mod: `go mod init` in the build; templates/ and static/ are copied into the runtime
    image, run under compose's read-only root; the page and its stylesheet are the real ones."""
    project, profile = generate(tmp_path, "go-loose")
    assert profile["build"]["mod_init"] and profile["build"]["assets"] == ["templates", "static"]
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0", "GREETING": "hi from a loose main.go"}, timeout=900)
        port = compose.port("app", 8080)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<h1>hi from a loose main.go</h1>" in body, body
        status, css = http_get(f"http://127.0.0.1:{port}/static/site.css")
        assert status == 200 and "rebeccapurple" in css
        status, _ = http_get(f"http://127.0.0.1:{port}/no-such-page")
        assert status == 404


def test_go_module_with_two_commands_runs_the_api_on_its_own_port(docker, tmp_path):
    # cmd/api and cmd/worker: the api binary's port, env var and health route, none of the worker's
    project, profile = generate(tmp_path, "go-cmd-api-worker")
    assert profile["entrypoint"] == ["/usr/local/bin/api"]
    assert (profile["ports"], profile["port_env"], profile["health_path"]) == ([8080], "API_PORT", "/healthz")
    with built_image(project, "go-cmd-api-worker") as image:
        with running(image, "-p", "127.0.0.1::8080") as container:
            port = container.port(8080)
            status, body = http_get(f"http://127.0.0.1:{port}/orders", container=container)
            assert status == 200 and body.strip() == "[]", body
            healthy(container)
