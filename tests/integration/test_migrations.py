"""Apps whose schema comes from migrations: compose.yaml runs them in a one-shot `migrate` service (the app's
own image, settings and secrets) once the database is healthy, and the app starts only after it succeeds.
The probe writes and reads a row of a table that exists only because the migrations ran."""
from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest
import yaml

from harness import Image, compose_project, generate, http_get

pytestmark = pytest.mark.docker


def _write_secrets(project, doc: dict, password: str, sentinel: str, scheme: str) -> None:
    """Every secret file the compose file mounts: the postgres password, the URL built from it (host, user
    and database as compose runs them) and any other secret (the sentinel)."""
    host, db = next((name, svc) for name, svc in doc["services"].items()
                    if str(svc.get("image", "")).startswith("postgres"))
    user, name = db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"]
    (project / "secrets").mkdir()
    for secret in doc["secrets"]:
        value = sentinel
        if secret == "database_url":
            value = f"{scheme}://{user}:{password}@{host}:5432/{name}"
        elif "password" in secret:
            value = password
        (project / "secrets" / secret).write_text(value)


@pytest.mark.parametrize("fixture, port, scheme, tool", [
    ("migrate-django-postgres", 8000, "postgresql", "django"),
    ("migrate-flask-alembic", 5000, "postgresql", "alembic"),
])
def test_migrations_run_once_before_the_app_and_its_table_answers(docker, tmp_path, fixture, port, scheme, tool):
    project, profile = generate(tmp_path, fixture)
    assert [m["tool"] for m in profile["migrations"]] == [tool]
    doc = yaml.safe_load((project / "compose.yaml").read_text())
    app, migrate = doc["services"]["app"], doc["services"]["migrate"]
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert migrate["command"] == profile["migrations"][0]["command"] and migrate["restart"] == "no"
    assert migrate["image"] == app["image"] and migrate["read_only"] is True and migrate["cap_drop"] == ["ALL"]
    password, sentinel = f"sentinel-{uuid.uuid4().hex}", f"sentinel-{uuid.uuid4().hex}"
    _write_secrets(project, doc, password, sentinel, scheme)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        state = json.loads(compose("ps", "-a", "--format", "json", "migrate").stdout.splitlines()[0])
        assert state["State"] == "exited" and state["ExitCode"] == 0, compose("logs", "migrate").stdout[-3000:]
        base = f"http://127.0.0.1:{compose.port('app', port)}/"
        first, second = f"first-{uuid.uuid4().hex[:8]}", f"second-{uuid.uuid4().hex[:8]}"
        status, body = http_get(base + "?body=" + quote(first))
        assert status == 200, (body, compose("logs", "app").stdout[-3000:])
        assert json.loads(body)["notes"] == [first]
        status, body = http_get(base + "?body=" + quote(second))
        assert status == 200 and json.loads(body)["notes"] == [first, second], body
        assert compose("exec", "-T", "app", "id", "-u").stdout.strip() not in ("", "0")
        # running it again (a new release) is a no-op that succeeds
        compose("run", "--rm", "migrate", timeout=300)
        image = compose("config", "--images").stdout.split()[0]
        assert not Image(image).contains(password) and not Image(image).contains(sentinel)
    text = (project / "compose.yaml").read_text()
    assert password not in text and sentinel not in text


def test_django_on_sqlite_in_development_runs_on_the_postgres_service(docker, tmp_path):
    """"ENGINE": os.environ.get("SQL_ENGINE", "django.db.backends.sqlite3") with HOST and friends from env vars
    and psycopg in the requirements: compose sets the engine, host, user and database to its postgres service;
    the migrations make the table there and the app reads it."""
    project, profile = generate(tmp_path, "python-django-sql-engine")
    doc = yaml.safe_load((project / "compose.yaml").read_text())
    env = doc["services"]["app"]["environment"]
    assert env["SQL_ENGINE"] == "${SQL_ENGINE:-django.db.backends.postgresql}"
    assert env["SQL_HOST"] == "${SQL_HOST:-postgres}" and env["SQL_DATABASE"] == "app"
    _write_secrets(project, doc, f"pw-{uuid.uuid4().hex}", f"sentinel-{uuid.uuid4().hex}", "postgresql")
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        state = json.loads(compose("ps", "-a", "--format", "json", "migrate").stdout.splitlines()[0])
        assert state["State"] == "exited" and state["ExitCode"] == 0, compose("logs", "migrate").stdout[-3000:]
        status, body = http_get(f"http://127.0.0.1:{compose.port('app', 8000)}/")
        assert status == 200, (body, compose("logs", "app").stdout[-3000:])
        assert body == "uploads: 0 on postgresql"
