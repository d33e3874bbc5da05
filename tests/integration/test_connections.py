"""Apps whose code connects to a backing service its own way: the generated compose file wires the service
so that the code reaches it unchanged, and a request that reads and writes through it answers."""
from __future__ import annotations

import json
import uuid

import pytest

from harness import Container, Image, compose_project, generate, http_get, run

pytestmark = pytest.mark.docker


def test_host_db_and_a_run_secrets_password_file_reach_postgres(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-flask-db-secret")
    assert [c["host"] for c in profile["connections"]] == ["db"]
    password = f"sentinel-{uuid.uuid4().hex}"
    (project / "secrets").mkdir()
    (project / "secrets" / "db-password").write_text(password)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 5000)
        first = http_get(f"http://127.0.0.1:{port}/")
        second = http_get(f"http://127.0.0.1:{port}/")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        assert json.loads(second[1])["notes"] == json.loads(first[1])["notes"] + 1
        image = compose("config", "--images").stdout.split()[0]
        assert not Image(image).contains(password)
        assert password not in (project / "compose.yaml").read_text()


def test_redis_host_from_an_env_var_with_a_localhost_default_reaches_redis(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-redis-env")
    assert [c["host_env"] for c in profile["connections"]] == ["REDIS_HOST"]
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8000)
        first = http_get(f"http://127.0.0.1:{port}/")
        second = http_get(f"http://127.0.0.1:{port}/")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        assert json.loads(second[1])["hits"] == json.loads(first[1])["hits"] + 1


def _app_container(compose) -> Container:
    return Container(compose("ps", "-q", "app").stdout.strip())


def _sentinel_checks(compose, project, password: str) -> None:
    """The password is in no image, not in compose.yaml and not in the app's environment."""
    assert not Image(f"{project.name}:latest").contains(password)
    assert password not in (project / "compose.yaml").read_text()
    config = json.loads(run(["docker", "inspect", _app_container(compose).id]).stdout)[0]["Config"]
    assert not any(password in e for e in config.get("Env") or [])


def test_node_pg_password_file_env_var_reaches_postgres(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-node-pg-password-file")
    assert [c["password_env"] for c in profile["connections"]] == ["DATABASE_PASSWORD_FILE"]
    password = f"sentinel-{uuid.uuid4().hex}"
    (project / "secrets").mkdir()
    (project / "secrets" / "postgres_password").write_text(password + "\n")
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 3000)
        first = http_get(f"http://127.0.0.1:{port}/")
        second = http_get(f"http://127.0.0.1:{port}/")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        assert json.loads(second[1])["visits"] == json.loads(first[1])["visits"] + 1
        assert _app_container(compose).process_uid() not in ("", "0")
        _sentinel_checks(compose, project, password)


def test_pdo_dsn_with_a_password_file_reaches_postgres(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-php-pdo-pgsql")
    assert [c["password_source"] for c in profile["connections"]] == ["env-file"]
    password = f"sentinel-{uuid.uuid4().hex}"
    (project / "secrets").mkdir()
    (project / "secrets" / "postgres_password").write_text(password)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8080)
        first = http_get(f"http://127.0.0.1:{port}/")
        second = http_get(f"http://127.0.0.1:{port}/")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        assert json.loads(second[1])["entries"] == json.loads(first[1])["entries"] + 1
        assert _app_container(compose).process_uid() not in ("", "0")
        _sentinel_checks(compose, project, password)


def test_redis_url_default_reaches_the_service_named_after_its_host(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-flask-redis-url")
    assert [c["host"] for c in profile["connections"]] == ["cache"]
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8000)
        first = http_get(f"http://127.0.0.1:{port}/")
        second = http_get(f"http://127.0.0.1:{port}/")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        assert json.loads(second[1])["visits"] == json.loads(first[1])["visits"] + 1
        assert _app_container(compose).process_uid() not in ("", "0")


def test_an_in_memory_fallback_runs_alone(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-flask-cache-fallback")
    assert profile["services"] == []
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        assert compose("ps", "--services").stdout.split() == ["app"]
        port = compose.port("app", 8000)
        first = http_get(f"http://127.0.0.1:{port}/")
        second = http_get(f"http://127.0.0.1:{port}/")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        body = json.loads(second[1])
        assert body["backend"] == "memory" and body["page"] == json.loads(first[1])["page"] + 1 == body["stored"]
        assert _app_container(compose).process_uid() not in ("", "0")
