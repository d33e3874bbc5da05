"""Generate container files for the buildable Java and C/C++ fixtures, build them, run them, probe them.

Built here: java-maven (no third-party dependencies: the Maven stand-in
resolves Debian's packaged plugins offline), c-cmake and cpp-make. The Gradle
and Spring Boot fixtures need Maven Central / Gradle's servers and are covered
by tests/unit/test_java.py (analysis, rendering, hadolint).
"""
from __future__ import annotations

import uuid

import pytest

from harness import built_image, generate, http_get, rebuild_steps, run, running

pytestmark = pytest.mark.docker


def test_maven_app_builds_runs_answers_and_keeps_dependencies_cached(docker, tmp_path):
    project, profile = generate(tmp_path, "java-maven")
    assert profile["ports"] == [8080] and profile["language"] == "java"
    dockerfile = (project / "Dockerfile").read_text()
    assert "EXPOSE 8080" in dockerfile and "HEALTHCHECK" in dockerfile
    with built_image(project, "java-maven") as image:
        assert image.user == "10001:10001"
        # the runtime is the JRE: no compiler, no Maven
        with running(image, "-p", "127.0.0.1::8080", "-e", "GREETING=hi there") as container:
            port = container.port(8080)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200 and "hi there" in body, body
            status, body = http_get(f"http://127.0.0.1:{port}/health", container=container)
            assert status == 200 and body.strip() == "ok"
            assert container.exec("id", "-u").stdout.strip() == "10001"
            assert container.exec("sh", "-c", "command -v javac mvn || true").stdout.strip() == ""
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"
        # PORT moves the server and the health probe with it
        with running(image, "-p", "127.0.0.1::9123", "-e", "PORT=9123") as container:
            status, _ = http_get(f"http://127.0.0.1:{container.port(9123)}/health", container=container)
            assert status == 200
            assert container.run_healthcheck().returncode == 0

        # a code edit rebuilds the jar but not the dependency layer
        app = project / "src/main/java/com/example/hello/App.java"
        app.write_text(app.read_text() + f"\n// edited {uuid.uuid4().hex}\n")
        steps, cached = rebuild_steps(project, image.tag + "-edited")
    resolve = [n for n, text in steps.items() if "dependency:resolve" in text]
    copy_source = [n for n, text in steps.items() if text.startswith("COPY . .")]
    assert resolve and copy_source, steps
    assert set(resolve) <= cached, "the dependency step ran again after a code edit"
    assert not set(copy_source) <= cached, "the edited source was not copied again"


def test_cmake_c_server_builds_runs_and_answers(docker, tmp_path):
    project, profile = generate(tmp_path, "c-cmake")
    assert profile["ports"] == [8080] and profile["language"] == "cpp"
    with built_image(project, "c-cmake") as image:
        assert image.user == "65532:65532"
        with running(image, "-p", "127.0.0.1::8080", "-e", "GREETING=hello container") as container:
            port = container.port(8080)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200 and body.strip() == "hello container"
            status, _ = http_get(f"http://127.0.0.1:{port}/health", container=container)
            assert status == 200
            assert container.process_uid() not in ("", "0", "root")
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"
        # no shell, no compiler in the runtime image
        probe = run(["docker", "run", "--rm", "--entrypoint", "/bin/sh", image.tag, "-c", "true"], check=False)
        assert probe.returncode != 0


def test_make_cpp_batch_program_prints_its_result(docker, tmp_path):
    project, profile = generate(tmp_path, "cpp-make")
    assert profile["ports"] == [] and profile["read_paths"] == ["/data/text.txt"]
    with built_image(project, "cpp-make") as image:
        assert image.user not in ("", "root", "0", "0:0")
        data = f"{project / 'data' / 'text.txt'}:/data/text.txt:ro"
        done = run(["docker", "run", "--rm", "--label", "containerize.test=1", "-v", data, image.tag])
        assert done.stdout.strip().splitlines()[-1] == "words=19 the=4 fox=3 dog=2"
        done = run(["docker", "run", "--rm", "--label", "containerize.test=1", "-v", data, "-e", "TOP_N=1", image.tag])
        assert done.stdout.strip() == "words=19 the=4"


def test_c_values_server_serves_the_mounted_site_and_its_greeting(docker, tmp_path):
    """Port, doc root and log folder are #defines; GREETING goes through a getenv wrapper."""
    project, profile = generate(tmp_path, "c-values")
    assert profile["ports"] == [7070] and profile["read_paths"] == ["/srv/site"]
    assert profile["writable_paths"] == ["/var/lib/c-values"]
    compose = (project / "compose.yaml").read_text()
    assert "./srv/site:/srv/site:ro" in compose
    with built_image(project, "c-values") as image:
        assert image.user == "10001:10001"
        site = f"{project / 'srv' / 'site'}:/srv/site:ro"
        with running(image, "-p", "127.0.0.1::7070", "-v", site, "-e", "GREETING=hi from c-values") as container:
            port = container.port(7070)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200 and "served from the mounted site folder" in body, body
            status, body = http_get(f"http://127.0.0.1:{port}/greeting", container=container)
            assert status == 200 and body.strip() == "hi from c-values"
            status, body = http_get(f"http://127.0.0.1:{port}/healthz", container=container)
            assert status == 200 and body.strip() == "ok"
            # the log folder is the app user's: every request was counted there
            hits = container.exec("cat", "/var/lib/c-values/hits.log").stdout.split()
            assert hits[:3] == ["/", "/greeting", "/healthz"]
            assert container.process_uid() == "10001"
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"
        # without GREETING the wrapper's default answers
        with running(image, "-p", "127.0.0.1::7070", "-v", site) as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(7070)}/greeting", container=container)
            assert status == 200 and body.strip() == "hello"


def test_java_values_port_and_settings_through_names(docker, tmp_path):
    """The port comes from a static final in another class through an env() helper; PORT moves it."""
    project, profile = generate(tmp_path, "java-values")
    assert profile["ports"] == [8081] and profile["port_env"] == "PORT" and profile["health_path"] == "/healthz"
    with built_image(project, "java-values") as image:
        assert image.user == "10001:10001"
        with running(image, "-p", "127.0.0.1::8081", "-e", "GREETING=howdy", "-e", "API_KEY=k") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(8081)}/", container=container)
            assert status == 200, body
            assert body.splitlines() == ["howdy from java-values",
                                         "database=jdbc:postgresql://db:5432/inventory",
                                         "data=present", "key=set"], body
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"
        with running(image, "-p", "127.0.0.1::9124", "-e", "PORT=9124") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(9124)}/healthz", container=container)
            assert status == 200 and body.strip() == "ok"
            assert container.run_healthcheck().returncode == 0
