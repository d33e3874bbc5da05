"""Generate container files for each Python fixture, build them, run them, probe them."""
from __future__ import annotations

import json
import re
import uuid
from contextlib import contextmanager

import pytest

from harness import (Compose, Image, Server, assert_dependency_step_cached, built_image, check_server, compose_project,
                     generate, http_get, rebuild_steps, running)

pytestmark = pytest.mark.docker

SERVERS = [
    Server("python-flask", 5050, "/", ("hello",), secret="SECRET_KEY"),
    Server("python-fastapi", 8000, "/healthz", ("true",), secret="API_TOKEN"),
    Server("python-django", 8000, "/", ("Hello from Django",), secret="DJANGO_SECRET_KEY"),
    Server("python-poetry", 8000, "/", ("hello from poetry",)),
    Server("python-uv", 8080, "/", ("uv-app",)),
    Server("python-noreqs", 8080, "/", ("service: noreqs",)),
    Server("python-flask-old-pins", 5000, "/", ("hello from an old flask 2.0.3",)),
    # a repository of examples: the one its containerize.toml names, run from its folder (its templates/)
    Server("python-examples-only", 8000, "/", ("<h1>chat</h1>",)),
    # a Gradio app built in another module (webui/blocks.py) and launched by app.py: on 0.0.0.0:7860
    Server("python-gradio-imported", 7860, "/", ("gradio",)),
    # Streamlit on the port its .streamlit/config.toml sets (the command line's --server.port would override it)
    Server("python-streamlit-secrets", 8600, "/_stcore/health", ("ok",)),
]


@pytest.mark.parametrize("app", SERVERS, ids=lambda s: s.fixture)
def test_server_builds_runs_and_answers(docker, tmp_path, app: Server):
    check_server(tmp_path, app)


def test_batch_script_reads_its_data_read_only(docker, tmp_path):
    project, profile = generate(tmp_path, "python-batch")
    assert profile["ports"] == [] and profile["read_paths"] == ["/data/words.txt"]
    compose_text = (project / "compose.yaml").read_text()
    assert "./data/words.txt:/data/words.txt:ro" in compose_text
    assert "EXPOSE" not in (project / "Dockerfile").read_text()
    assert "HEALTHCHECK" not in (project / "Dockerfile").read_text()
    with compose_project(project) as compose:
        compose("build")
        done = compose("run", "--rm", "app")
        assert done.stdout.strip().splitlines()[-1] == "words=12 longest=abracadabra"
        user = compose("run", "--rm", "--entrypoint", "id", "app", "-u").stdout.strip()
        assert user != "0"
        # the data is mounted read-only: even root can't write it
        write = compose("run", "--rm", "--user", "0", "--entrypoint", "sh", "app", "-c",
                        "echo x >> /data/words.txt", check=False)
        assert "Read-only file system" in write.stderr + write.stdout


def test_flask_secret_reaches_the_app_through_a_compose_secret_file(docker, tmp_path):
    project, _ = generate(tmp_path, "python-flask")
    sentinel = f"sentinel-{uuid.uuid4().hex}"
    (project / "secrets").mkdir()
    (project / "secrets" / "secret_key").write_text(sentinel)
    compose_text = (project / "compose.yaml").read_text()
    assert sentinel not in compose_text and "uploads" in compose_text
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0"})
        port = compose.port("app", 5050)
        status, body = http_get(f"http://127.0.0.1:{port}/health")
        assert status == 200, body
        environ = compose("exec", "-T", "app", "cat", "/proc/1/environ").stdout
        assert f"SECRET_KEY={sentinel}" in environ.split("\0")
        # the upload folder is a volume the non-root user can write
        compose("exec", "-T", "app", "sh", "-c", "touch /app/uploads/probe && ls -ld /app/uploads")
        image = compose("config", "--images").stdout.split()[0]
        assert not Image(image).contains(sentinel)


def test_postgres_app_queries_the_database(docker, tmp_path):
    project, profile = generate(tmp_path, "python-postgres")
    assert [s["kind"] for s in profile["services"]] == ["postgres"]
    assert profile["system_packages"]["runtime"] == ["libpq5"]
    dockerfile = (project / "Dockerfile").read_text()
    runtime_stage = dockerfile.rsplit("FROM ", 1)[1]
    assert "libpq5" in runtime_stage and "libpq-dev" not in runtime_stage
    password = uuid.uuid4().hex
    secrets = project / "secrets"
    secrets.mkdir()
    (secrets / "postgres_password").write_text(password)
    (secrets / "database_url").write_text(f"postgresql://app:{password}@postgres:5432/app")
    with compose_project(project) as compose:
        compose("up", "-d", "--build", "--wait", env={"HOST_PORT": "0"}, timeout=1200)
        port = compose.port("app", 8000)
        first = http_get(f"http://127.0.0.1:{port}/")
        second = http_get(f"http://127.0.0.1:{port}/")
        assert first[0] == 200 and second[0] == 200, (first, second)
        assert json.loads(second[1])["visits"] == json.loads(first[1])["visits"] + 1
        assert compose("exec", "-T", "app", "id", "-u").stdout.strip() != "0"
        image = compose("config", "--images").stdout.split()[0]
        assert not Image(image).contains(password)


def test_code_edit_keeps_the_dependency_layer_cached(docker, tmp_path):
    project, _ = generate(tmp_path, "python-flask")
    with built_image(project, "python-flask") as first:
        (project / "app.py").write_text((project / "app.py").read_text() + f"\n# edited {uuid.uuid4().hex}\n")
        steps, cached = rebuild_steps(project, first.tag + "-edited")
    assert_dependency_step_cached(steps, cached, "pip install -r requirements.txt")


def test_compose_files_are_valid(docker, tmp_path):
    for fixture in ("python-flask", "python-postgres", "python-batch", "python-django"):
        project, _ = generate(tmp_path, fixture)
        Compose(project)("config", "--quiet")


def test_top_level_script_prints_its_anagram_groups(docker, tmp_path):
    project, profile = generate(tmp_path, "python-script")
    assert profile["entrypoint"] == ["python", "src/anagrams.py"]
    assert profile["ports"] == [] and profile["read_paths"] == ["/data/words.txt"]
    dockerfile = (project / "Dockerfile").read_text()
    assert 'CMD ["python", "src/anagrams.py"]' in dockerfile and "EXPOSE" not in dockerfile
    assert "./data/words.txt:/data/words.txt:ro" in (project / "compose.yaml").read_text()
    with compose_project(project) as compose:
        compose("build")
        done = compose("run", "--rm", "app")
        assert done.stdout.strip().splitlines()[-4:] == ["earth hater heart", "enlist listen silent tinsel",
                                                         "night thing", "notes onset stone tones"]
        user = compose("run", "--rm", "--entrypoint", "id", "app", "-u").stdout.strip()
        assert user != "0"
        write = compose("run", "--rm", "--user", "0", "--entrypoint", "sh", "app", "-c",
                        "echo x >> /data/words.txt", check=False)
        assert "Read-only file system" in write.stderr + write.stdout


@contextmanager
def _serve(tmp_path, fixture: str, port: int, *env: str):
    """Generate and build a fixture, run it; yields (base URL, container, Dockerfile text)."""
    project, profile = generate(tmp_path, fixture)
    assert profile["ports"] == [port]
    dockerfile = (project / "Dockerfile").read_text()
    with built_image(project, fixture) as image:
        assert image.user not in ("", "root", "0", "0:0")
        with running(image, "-p", f"127.0.0.1::{port}", *env) as container:
            yield f"http://127.0.0.1:{container.port(port)}", container, dockerfile, image


def test_django_serves_hashed_static_files_and_keeps_its_sqlite_file(docker, tmp_path):
    """WhiteNoise's Manifest storage (collectstatic at build time), db.sqlite3 beside manage.py (kept in a
    volume, linked from its path: the file stays a file, the code stays read-only), a current gunicorn with
    the app user's HOME writable for its control socket."""
    sentinel = f"sentinel-{uuid.uuid4().hex}"
    with _serve(tmp_path, "python-django-static", 8000, f"-eDJANGO_SECRET_KEY={sentinel}") as \
            (base, container, dockerfile, image):
        assert "python manage.py collectstatic --noinput" in dockerfile
        status, page = http_get(f"{base}/", container=container)
        assert status == 200, page
        assert "Welcome to the corner shop" in page and "visits: 1" in page
        stylesheet = re.search(r'href="(/static/shop/site\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, page  # the hashed name comes from the manifest collectstatic wrote
        status, css = http_get(base + stylesheet.group(1), container=container)
        assert status == 200 and "#268bd2" in css, css
        assert "visits: 2" in http_get(f"{base}/", container=container)[1]
        container.exec("test", "-f", "/var/lib/app/db.sqlite3")
        container.exec("test", "-L", "/app/db.sqlite3")
        assert container.run_healthcheck().returncode == 0
        logs = container.logs()
        assert "Control server error" not in logs and "Permission denied" not in logs, logs
        assert sentinel not in page
        assert not image.contains(sentinel)


def test_flask_tutorial_shape_writes_its_instance_folder(docker, tmp_path):
    """An app factory that makes Flask's instance folder at start, requirements split with -r and -c."""
    with _serve(tmp_path, "python-flask-instance", 8000) as (base, container, dockerfile, _image):
        assert "COPY requirements/base.txt requirements/constraints.txt requirements/" in dockerfile
        assert "pip install --no-deps ." not in dockerfile
        status, page = http_get(f"{base}/", container=container)
        assert status == 200 and "Guest book" in page and "entries: 1" in page, page
        status, css = http_get(f"{base}/static/style.css", container=container)
        assert status == 200 and "#377ba8" in css, css
        container.exec("test", "-f", "/app/instance/flaskr.sqlite")
        assert container.run_healthcheck().returncode == 0


def test_fasthtml_app_runs_under_uvicorn_and_writes_its_session_key(docker, tmp_path):
    with _serve(tmp_path, "python-fasthtml", 5001) as (base, container, dockerfile, _image):
        assert 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "5001"]' in dockerfile
        status, page = http_get(f"{base}/", container=container)
        assert status == 200 and "<h1>Notebook</h1>" in page and "notes kept: 1" in page, page
        container.exec("test", "-f", "/var/lib/app/.sesskey")
        container.exec("test", "-L", "/app/.sesskey")
        container.exec("test", "-f", "/app/data/notes.db")
        assert container.run_healthcheck().returncode == 0
        assert "PermissionError" not in container.logs()


@pytest.mark.parametrize("fixture, port, secret, counter", [
    ("python-django-static", 8000, "django_secret_key", r"visits: (\d+)"),
    ("python-fasthtml", 5001, None, r"notes kept: (\d+)"),
])
def test_files_beside_the_code_work_on_the_read_only_root(docker, tmp_path, fixture, port, secret, counter):
    """Under the hardened compose file (read-only root), db.sqlite3 and .sesskey, written beside the code,
    are written through their links into the volume, and outlive the container."""
    project, _ = generate(tmp_path, fixture)
    compose_text = (project / "compose.yaml").read_text()
    assert "read_only: true" in compose_text and ":/var/lib/app" in compose_text
    assert "- /app\n" not in compose_text  # the code is never hidden under a tmpfs
    if secret:
        (project / "secrets").mkdir()
        (project / "secrets" / secret).write_text(uuid.uuid4().hex)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0"})
        url = f"http://127.0.0.1:{compose.port('app', port)}/"
        assert http_get(url)[0] == 200
        compose("up", "-d", "--force-recreate", env={"HOST_PORT": "0"})  # a new container, the same volume
        url = f"http://127.0.0.1:{compose.port('app', port)}/"
        status, page = http_get(url)
        count = re.search(counter, page)
        assert status == 200 and count and int(count.group(1)) >= 2, page  # the first run's row is still there


def test_poetry_non_package_mode_installs_only_the_dependencies(docker, tmp_path):
    """package-mode = false: no `pip install .` (there is no package to build), the app runs from its folder."""
    with _serve(tmp_path, "python-poetry-app", 8000, "-eGREETING=hi from poetry") as (base, container, dockerfile, _):
        assert "poetry export --only main" in dockerfile and "pip install --no-deps ." not in dockerfile
        status, page = http_get(f"{base}/", container=container)
        assert status == 200 and "<h1>hi from poetry</h1>" in page, page
        assert container.run_healthcheck().returncode == 0


def test_pdm_lock_without_markers_is_relocked_and_exported(docker, tmp_path):
    """A pdm.lock with no environment markers, a project that is not a distribution, served by uvicorn."""
    with _serve(tmp_path, "python-pdm", 8000, "-eSTATION=north pier") as (base, container, dockerfile, _):
        assert "pdm lock --update-reuse --strategy inherit_metadata" in dockerfile
        assert "pip install --no-deps ." not in dockerfile
        status, page = http_get(f"{base}/", container=container)
        assert status == 200 and "<h1>Tide table: north pier</h1>" in page, page
        versions = container.exec("python", "-c", "import importlib.metadata as m; print(m.version('starlette'))")
        assert versions.stdout.strip() == "1.10.0"  # the locked version, reused by the re-lock
        assert container.run_healthcheck().returncode == 0


def test_an_api_without_a_root_route_is_probed_on_a_route_it_serves(docker, tmp_path):
    """No / and no /health: / answers 404, so the HEALTHCHECK probes /api/notes, which answers 200."""
    with _serve(tmp_path, "python-api-routes", 8000, "-eFIRST_NOTE=buy rope") as (base, container, dockerfile, _):
        assert "/api/notes" in dockerfile.split("HEALTHCHECK", 1)[1]
        assert http_get(f"{base}/", container=container)[0] == 404
        status, body = http_get(f"{base}/api/notes", container=container)
        assert status == 200 and json.loads(body) == {"notes": [{"id": 1, "text": "buy rope"}]}, body
        assert container.run_healthcheck().returncode == 0


def test_an_app_made_by_its_own_function_with_routers_under_a_prefix(docker, tmp_path):
    """`app = get_application()` starts under uvicorn; the routes are under API_PREFIX, so the health check
    probes FastAPI's /docs (a probe of /items, as written on the router, would be a 404)."""
    with _serve(tmp_path, "python-fastapi-routers", 8000, "-eSHOP_NAME=harbour shop") as \
            (base, container, dockerfile, _image):
        assert '\\"/docs\\"' in dockerfile.split("HEALTHCHECK", 1)[1]
        assert http_get(f"{base}/items", container=container)[0] == 404
        status, body = http_get(f"{base}/api/items", container=container)
        assert status == 200 and json.loads(body) == {"shop": "harbour shop", "items": ["kettle", "teapot"]}, body
        assert container.run_healthcheck().returncode == 0


def test_a_quart_api_with_only_post_routes_is_probed_on_its_schema_docs(docker, tmp_path):
    """Quart's examples/api shape: / is a 404, QuartSchema(app) serves /docs (static HTML; its /openapi.json
    answers 500 for dataclass models without pydantic, as in Quart's example); the app runs under hypercorn,
    which Quart brings (uvicorn is not in the image)."""
    with _serve(tmp_path, "python-quart-schema", 8000) as (base, container, dockerfile, _image):
        assert 'CMD ["hypercorn", "tally:app", "--bind", "0.0.0.0:8000"]' in dockerfile
        assert '\\"/docs\\"' in dockerfile.split("HEALTHCHECK", 1)[1]
        assert http_get(f"{base}/", container=container)[0] == 404
        status, page = http_get(f"{base}/docs", container=container)
        assert status == 200 and "swagger" in page.lower(), page
        assert container.run_healthcheck().returncode == 0
        assert container.exec("python", "-c", "import uvicorn", check=False).returncode != 0


def test_a_quart_app_keeps_its_sqlite_file_from_the_package_folder_in_a_volume(docker, tmp_path):
    """Quart's examples/blog shape: the database is Path(app.root_path) / "logbook.db", inside the package;
    the package is imported from src/ and the file is a link into /var/lib/app. The console script init_db
    (it drops the table) makes the schema in the one-shot migrate service, only while the file is missing."""
    project, profile = generate(tmp_path, "python-quart-sqlite")
    dockerfile = (project / "Dockerfile").read_text()
    assert 'CMD ["hypercorn", "src/logbook:app", "--bind", "0.0.0.0:8000"]' in dockerfile
    assert profile["migrations"], profile
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0"})
        base = f"http://127.0.0.1:{compose.port('app', 8000)}"
        status, page = http_get(f"{base}/")
        assert status == 200 and "entries: 1" in page, page
        compose("exec", "-T", "app", "test", "-f", "/var/lib/app/logbook.db")
        compose("exec", "-T", "app", "test", "-L", "/app/src/logbook/logbook.db")
        compose("up", "-d", "--force-recreate", env={"HOST_PORT": "0"})  # migrate runs again: the file is kept
        base = f"http://127.0.0.1:{compose.port('app', 8000)}"
        status, page = http_get(f"{base}/")
        assert status == 200 and "entries: 2" in page, page


def test_a_procfile_that_collects_static_files_at_start_runs_on_the_read_only_root(docker, tmp_path):
    """MDN's local library shape: `migrate && collectstatic && gunicorn`. The files are collected at build time
    and collectstatic leaves the start command, which would fail writing STATIC_ROOT under compose's read-only
    root; migrate writes db.sqlite3 through its link into the volume."""
    project, _ = generate(tmp_path, "python-django-procfile-static")
    assert "read_only: true" in (project / "compose.yaml").read_text()
    (project / "secrets").mkdir()
    (project / "secrets" / "django_secret_key").write_text(uuid.uuid4().hex)
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0"})
        base = f"http://127.0.0.1:{compose.port('app', 8000)}"
        status, page = http_get(f"{base}/")
        assert status == 200 and "Local library" in page, page
        stylesheet = re.search(r'href="(/static/catalog/site\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, page
        status, css = http_get(base + stylesheet.group(1))
        assert status == 200 and "#8a3b12" in css, css
        compose("exec", "-T", "app", "test", "-f", "/var/lib/app/db.sqlite3")


def test_flask_sqlalchemy_keeps_its_relative_sqlite_file_in_the_instance_volume(docker, tmp_path):
    """sqlite:///project.db under Flask-SQLAlchemy 3 is instance/project.db: the instance folder is a volume
    on compose's read-only root, and the rows outlive the container."""
    project, _ = generate(tmp_path, "python-flask-sqlalchemy")
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0"})
        status, page = http_get(f"http://127.0.0.1:{compose.port('app', 8000)}/")
        assert status == 200 and "visits: 1" in page, page
        compose("exec", "-T", "app", "test", "-f", "/app/instance/project.db")
        compose("up", "-d", "--force-recreate", env={"HOST_PORT": "0"})
        status, page = http_get(f"http://127.0.0.1:{compose.port('app', 8000)}/")
        assert status == 200 and "visits: 2" in page, page


def test_grpc_server_turns_healthy_and_answers_a_call(docker, tmp_path):
    """A gRPC server speaks no HTTP/1: its HEALTHCHECK connects to the port, and a real call gets its reply."""
    project, profile = generate(tmp_path, "python-grpc")
    assert profile["entrypoint"] == ["python", "greeter_server.py"] and profile["ports"] == [8080]
    assert profile["health_path"] is None
    with built_image(project, "python-grpc") as image:
        with running(image, "-p", "127.0.0.1::8080", "--health-interval", "1s", "--health-start-period", "30s",
                     "-e", "PORT=8181", "-e", "GREETER_ADDR=localhost:8181") as container:
            container.wait_healthy()  # on the port PORT gives it, which the HEALTHCHECK reads too
            reply = container.exec("python", "greeter_client.py", "Ada Lovelace")
            assert reply.stdout.strip() == "Hello, Ada Lovelace!"
            assert container.process_uid() not in ("", "0")


def test_streamlit_reads_its_secrets_file_mounted_where_the_warning_says(docker, tmp_path):
    """.streamlit/secrets.toml is git-ignored, so not in the image; mounted read-only at the path the warning
    names, st.secrets reads it (under the read-only root, as the app user)."""
    import subprocess

    from harness import LABEL

    project, profile = generate(tmp_path, "python-streamlit-secrets")
    warning = next(w for w in profile["warnings"] if "st.secrets" in w)
    target = "/app/.streamlit/secrets.toml"
    assert target in warning
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[warehouse]\nhost = "db.internal"\n')
    with built_image(project, "python-streamlit-secrets") as image:
        done = subprocess.run(
            ["docker", "run", "--rm", "--label", LABEL, "--read-only", "-v", f"{secrets}:{target}:ro",
             "--entrypoint", "python", image.tag, "-c",
             "import streamlit as st; print(st.secrets['warehouse']['host'])"],
            capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == "db.internal"
