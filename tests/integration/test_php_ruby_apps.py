"""Generate container files for the buildable PHP and Ruby fixtures, build them, run them, probe them.

Packagist and RubyGems are out of reach of builds here, so the built fixtures use
only the standard library (php-plain still goes through the Composer stage to
build its autoloader, and installs the bcmath extension). The Laravel, Rails and
Rack fixtures, which declare packages, are covered by the unit tests.
"""
from __future__ import annotations

import json
import uuid

import pytest

from harness import Server, built_image, check_server, compose_project, generate, http_get, run

pytestmark = pytest.mark.docker


SERVERS = [
    # getenv() through Apache + mod_php; the secret is only reported as set, never echoed
    Server("php-plain", 8080, "/?name=ada", ('"message":"hi, Ada!"', '"total":"0.3"', '"token_configured":true'),
           secret="API_TOKEN", env={"GREETING": "hi"}),
    # the same env vars seen through getenv(), $_ENV and $_SERVER
    Server("php-root", 8080, "/", ("howdy from php-root", "region=eu", "mode=blue", "user=www-data"),
           env={"GREETING": "howdy", "REGION": "eu", "APP_MODE": "blue"}),
    Server("ruby-stdlib", 8080, "/", ('"service":"ruby-stdlib"', '"message":"hey from ruby', '"token_configured":true'),
           secret="API_TOKEN", env={"GREETING": "hey"}),
]


@pytest.mark.parametrize("app", SERVERS, ids=lambda s: s.fixture)
def test_server_builds_runs_and_answers(docker, tmp_path, app: Server):
    check_server(tmp_path, app)


def test_ruby_batch_prints_its_summary_as_non_root(docker, tmp_path):
    project, profile = generate(tmp_path, "ruby-batch")
    assert profile["ports"] == [] and profile["entrypoint"] == ["ruby", "wordfreq.rb"]
    dockerfile = (project / "Dockerfile").read_text()
    assert "EXPOSE" not in dockerfile and "HEALTHCHECK" not in dockerfile
    with built_image(project, "ruby-batch") as image:
        assert image.user == "10001:10001"
        done = run(["docker", "run", "--rm", "--label", "containerize.test=1", image.tag], timeout=120)
        assert done.stdout.strip().splitlines() == ["words=14 distinct=9", "top=the:4,on:2,train:2"]
        done = run(["docker", "run", "--rm", "--label", "containerize.test=1", "-e", "TOP=1", image.tag], timeout=120)
        assert done.stdout.strip().splitlines()[-1] == "top=the:4"
        uid = run(["docker", "run", "--rm", "--label", "containerize.test=1", "--entrypoint", "id", image.tag, "-u"])
        assert uid.stdout.strip() == "10001"


def test_php_secret_reaches_apache_through_a_compose_secret_file(docker, tmp_path):
    """compose.yaml's entrypoint exports /run/secrets/* and Apache hands them to PHP's getenv()."""
    project, _ = generate(tmp_path, "php-plain")
    sentinel = f"sentinel-{uuid.uuid4().hex}"
    (project / "secrets").mkdir()
    (project / "secrets" / "api_token").write_text(sentinel)
    assert sentinel not in (project / "compose.yaml").read_text()
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0"})
        port = compose.port("app", 8080)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200, body
        assert json.loads(body)["token_configured"] is True
        assert compose("exec", "-T", "app", "id", "-u").stdout.strip() == "33"


def test_ruby_values_server_answers_with_its_settings_and_writes_its_data_folder(docker, tmp_path):
    """PORT and DATA_DIR are constants; GREETING and MOTTO go through small ENV wrappers."""
    from harness import built_image, running

    project, profile = generate(tmp_path, "ruby-values")
    assert profile["ports"] == [4567] and profile["writable_paths"] == ["/data/ruby-values"]
    with built_image(project, "ruby-values") as image:
        assert image.user == "10001:10001"
        with running(image, "-p", "127.0.0.1::4567", "-e", "GREETING=hi from ruby-values",
                     "-e", "API_TOKEN=t0ken") as container:
            port = container.port(4567)
            status, body = http_get(f"http://127.0.0.1:{port}/", container=container)
            assert status == 200, body
            assert json.loads(body) == {"greeting": "hi from ruby-values", "motto": "small is fine",
                                        "token_configured": True}
            status, body = http_get(f"http://127.0.0.1:{port}/healthz", container=container)
            assert status == 200 and body.strip() == "ok"
            # every request is appended to /data/ruby-values/visits.log, a folder the app user owns
            status, body = http_get(f"http://127.0.0.1:{port}/visits", container=container)
            assert status == 200 and int(body) >= 3, body
            assert container.process_uid() == "10001"
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"


def test_php_values_settings_through_names(docker, tmp_path):
    """getenv() through a helper, constants and a DSN built from variables; the data folder is writable."""
    check_server(tmp_path, Server(
        "php-values", 8080, "/",
        ("howdy from php-values", "dsn=mysql:host=db;port=3306;dbname=inventory", "visits=1", "key=set"),
        secret="API_KEY", env={"GREETING": "howdy"}))


def test_php_document_root_from_the_procfile_on_a_read_only_root(docker, tmp_path):
    """heroku's shape: the Procfile serves web/; views/ stays outside the document root; composer's "8.*"
    is a published 8.x; only the port Apache listens on answers."""
    project, profile = generate(tmp_path, "php-procfile")
    assert profile["build"]["docroot"] == "web" and profile["runtime_version"] == "8.4"
    dockerfile = (project / "Dockerfile").read_text()
    assert [ln for ln in dockerfile.splitlines() if ln.startswith("EXPOSE")] == ["EXPOSE 8080"]
    assert '"127.0.0.1:${HOST_PORT:-8080}:8080"' in (project / "compose.yaml").read_text()
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0", "GREETING": "hi from web/"})
        port = compose.port("app", 8080)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<h1>hi from web/</h1>" in body, body
        status, css = http_get(f"http://127.0.0.1:{port}/css/app.css")
        assert status == 200 and "teal" in css
        status, _ = http_get(f"http://127.0.0.1:{port}/views/layout.php")
        assert status == 404
        # Apache listens on 8080 only (the base image's EXPOSE 80 is metadata nothing answers on)
        listening = compose("exec", "-T", "app", "sh", "-c", "cat /proc/net/tcp /proc/net/tcp6").stdout
        ports = {int(row.split()[1].rsplit(":", 1)[1], 16) for row in listening.splitlines()[1:]
                 if len(row.split()) > 3 and row.split()[3] == "0A"}
        assert 8080 in ports and 80 not in ports, ports  # (Docker's embedded DNS listens on a random port too)
        write = compose("exec", "-T", "app", "sh", "-c", "echo ok > /var/www/html/x", check=False)
        assert "Read-only file system" in write.stdout + write.stderr
