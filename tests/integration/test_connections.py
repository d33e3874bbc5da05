"""Apps whose code connects to a backing service its own way: the generated compose file wires the service
so that the code reaches it unchanged, and a request that reads and writes through it answers."""
from __future__ import annotations

import json
import uuid

import pytest
import yaml

from harness import Container, Image, compose_project, generate, http_get, run, running

pytestmark = pytest.mark.docker


def _counts_up(compose, port: int, key: str) -> None:
    """Two requests to / both answer 200, and the count under ``key`` (kept in the backing service) grows by one."""
    first = http_get(f"http://127.0.0.1:{port}/")
    second = http_get(f"http://127.0.0.1:{port}/")
    assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
    assert json.loads(second[1])[key] == json.loads(first[1])[key] + 1


def test_host_db_and_a_run_secrets_password_file_reach_postgres(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-flask-db-secret")
    assert [c["host"] for c in profile["connections"]] == ["db"]
    password = f"sentinel-{uuid.uuid4().hex}"
    (project / "secrets").mkdir()
    (project / "secrets" / "db-password").write_text(password)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 5000)
        _counts_up(compose, port, "notes")
        image = compose("config", "--images").stdout.split()[0]
        assert not Image(image).contains(password)
        assert password not in (project / "compose.yaml").read_text()


def test_redis_host_from_an_env_var_with_a_localhost_default_reaches_redis(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-redis-env")
    assert [c["host_env"] for c in profile["connections"]] == ["REDIS_HOST"]
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8000)
        _counts_up(compose, port, "hits")


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
        _counts_up(compose, port, "visits")
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
        _counts_up(compose, port, "entries")
        assert _app_container(compose).process_uid() not in ("", "0")
        _sentinel_checks(compose, project, password)


def test_redis_url_default_reaches_the_service_named_after_its_host(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-flask-redis-url")
    assert [c["host"] for c in profile["connections"]] == ["cache"]
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8000)
        _counts_up(compose, port, "visits")
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


def test_a_database_url_secret_is_built_from_the_postgres_password_file(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-url-secret")
    assert [(c["kind"], c["url_env"]) for c in profile["connections"]] == [("postgres", "DATABASE_URL")]
    doc = yaml.safe_load((project / "compose.yaml").read_text())
    assert set(doc["secrets"]) == {"postgres_password"}  # no hand-written database_url to keep matching
    # characters a URL would misread (@ / : % space): the entrypoint percent-encodes them
    password = f"sentinel-{uuid.uuid4().hex}@/:% x"
    (project / "secrets").mkdir()
    (project / "secrets" / "postgres_password").write_text(password + "\n")
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8080)
        first = http_get(f"http://127.0.0.1:{port}/first")
        second = http_get(f"http://127.0.0.1:{port}/second")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        # written and read back through postgres (the image's health check signs on / as well)
        before, after = json.loads(first[1])["guests"], json.loads(second[1])["guests"]
        assert before[-1] == "signed through /first" and after[:len(before)] == before
        assert after[-1] == "signed through /second"
        assert _app_container(compose).process_uid() not in ("", "0")
        _sentinel_checks(compose, project, password)


def test_a_loopback_host_env_var_is_set_to_all_interfaces(docker, tmp_path):
    project, profile = generate(tmp_path, "listen-loopback-env")
    assert any(e["why"].startswith("HOST: falls back to 127.0.0.1") for e in profile["evidence"]["env"])
    assert "ENV HOST=0.0.0.0" in (project / "Dockerfile").read_text()
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        status, body = http_get(f"http://127.0.0.1:{compose.port('app', 8000)}/")
        assert status == 200 and json.loads(body) == {"listening_on": "0.0.0.0", "port": 8000}, body
        assert _app_container(compose).process_uid() not in ("", "0")
        # the image alone (docker run, no compose) listens on all interfaces too
        with running(Image(f"{project.name}:latest"), "-p", "127.0.0.1::8000") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(8000)}/health", container=container)
            assert status == 200 and json.loads(body) == {"status": "ok"}, body


def test_express_pg_connection_string_from_database_url_reaches_postgres(docker, tmp_path):
    project, profile = generate(tmp_path, "conn-express-pg")
    assert [c["url_env"] for c in profile["connections"]] == ["DATABASE_URL"]
    password = f"sentinel-{uuid.uuid4().hex}/@:"  # characters a URL must percent-encode
    (project / "secrets").mkdir()
    (project / "secrets" / "postgres_password").write_text(password)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 3000)
        first = http_get(f"http://127.0.0.1:{port}/?name=first")
        second = http_get(f"http://127.0.0.1:{port}/?name=second")
        assert first[0] == 200 and second[0] == 200, (first, second, compose("logs", "app").stdout[-2000:])
        assert json.loads(second[1])["guests"][-2:] == ["signed by first", "signed by second"]
        assert _app_container(compose).process_uid() not in ("", "0")
        _sentinel_checks(compose, project, password)


def test_a_celery_worker_runs_beside_the_app_and_both_reach_redis(docker, tmp_path):
    """The app queues a task and waits for its result: it answers only because the worker service, from the
    same image, takes the task from the broker and writes the result to the backend (the second URL, whose
    localhost default compose points at the redis service too)."""
    project, profile = generate(tmp_path, "python-celery-worker")
    assert [w["command"][:3] for w in profile["workers"]] == [["celery", "-A", "tasks:celery"]]
    config = yaml.safe_load((project / "compose.yaml").read_text())
    assert config["services"]["worker"]["environment"]["CELERY_RESULT_BACKEND"] == \
        "${CELERY_RESULT_BACKEND:-redis://redis:6379/1}"
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8000)
        status, body = http_get(f"http://127.0.0.1:{port}/count?text=the+quick+brown+fox+jumps")
        assert status == 200, (body, compose("logs", "worker").stdout[-2000:])
        assert json.loads(body) == {"words": 5, "longest": "quick"}
        assert "Task tasks.word_count" in compose("logs", "worker").stdout
        worker = Container(compose("ps", "-q", "worker").stdout.strip())
        assert worker.exec("id", "-u").stdout.strip() == "10001"
