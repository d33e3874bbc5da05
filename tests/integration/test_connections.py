"""Apps whose code connects to a backing service its own way: the generated compose file wires the service
so that the code reaches it unchanged, and a request that reads and writes through it answers."""
from __future__ import annotations

import json
import uuid

import pytest

from harness import Image, compose_project, generate, http_get

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
