"""Generate container files for the buildable PHP and Ruby fixtures, build them, run them, probe them.

Packagist and RubyGems are out of reach of builds here, so the built fixtures use
only the standard library (php-plain still goes through the Composer stage to
build its autoloader, and installs the bcmath extension). The Laravel, Rails and
Rack fixtures, which declare packages, are covered by the unit tests.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import pytest

from harness import built_image, compose_project, generate, http_get, run, running

pytestmark = pytest.mark.docker


@dataclass
class Server:
    fixture: str
    port: int
    path: str  # a path that must answer 200
    body: tuple[str, ...]  # texts the answer must contain
    secret: str | None = None  # env var that carries a secret at run time
    env: dict = field(default_factory=dict)


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
    project, profile = generate(tmp_path, app.fixture)
    assert profile["ports"] == [app.port]
    dockerfile = (project / "Dockerfile").read_text()
    assert f"EXPOSE {app.port}" in dockerfile and "HEALTHCHECK" in dockerfile

    sentinel = f"sentinel-{uuid.uuid4().hex}"
    env = [f"-e{k}={v}" for k, v in app.env.items()]
    if app.secret:
        env.append(f"-e{app.secret}={sentinel}")
    with built_image(project, app.fixture) as image:
        assert image.user not in ("", "root", "0", "0:0"), f"image runs as {image.user!r}"
        with running(image, "-p", f"127.0.0.1::{app.port}", *env) as container:
            host_port = container.port(app.port)
            status, body = http_get(f"http://127.0.0.1:{host_port}{app.path}", container=container)
            assert status == 200, body
            for text in app.body:
                assert text in body, f"{text!r} not in {body!r}"
            assert sentinel not in body
            assert container.exec("id", "-u").stdout.strip() != "0"
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"
        if app.secret:
            assert not image.contains(sentinel), "a secret given at run time ended up in the image"


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
