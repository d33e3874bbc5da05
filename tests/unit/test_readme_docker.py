"""README.Docker.md in every generated set, the --ci github workflow, and `containerize init` without prompts."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from containerize import render, scaffold
from containerize.checklist import build_profile
from containerize.profile import ANSWER_KEYS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
ONE_PER_LANGUAGE = ["python-flask", "python-batch", "node-express", "php-plain", "ruby-rack", "java-maven",
                    "c-cmake", "go-http", "rust-http", "static-site"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def readme_of(fixture: str, sets=None, ci=None) -> tuple[str, dict[str, str]]:
    if not (FIXTURES / fixture).is_dir():
        pytest.skip(f"no fixture {fixture}")
    files = render.render(build_profile(FIXTURES / fixture, sets or [], saved=False), ci=ci)
    return files["README.Docker.md"], files


@pytest.mark.parametrize("fixture", ONE_PER_LANGUAGE)
def test_every_language_gets_a_readme(fixture: str):
    readme, files = readme_of(fixture)
    name = render.slug(fixture)
    assert readme.startswith(f"# Running {name} in a container")
    assert f"docker build -t {name}:latest ." in readme
    assert "docker compose up --build" in readme
    assert f"docker tag {name}:latest registry.example.com/team/{name}:1.0.0" in readme
    assert f"docker push registry.example.com/team/{name}:1.0.0" in readme
    for section in ("## Configuration", "## Secrets", "## Volumes and data", "## Why these answers"):
        assert section in readme
    rows = [line for line in readme.splitlines() if line.startswith("| ") and line.count(" | ") >= 3]
    answered = {row.split(" | ")[0][2:] for row in rows}
    assert {"language", "entrypoint"} <= answered <= set(ANSWER_KEYS) | {"Answer"}
    for row in rows:
        assert row.count("|") == 5, row  # no value breaks the table
    assert list(files)[-1] == "README.Docker.md"


def test_the_readme_says_why_with_file_and_line():
    readme, _ = readme_of("python-flask")
    assert "| framework | flask | app = Flask(...) in app.py (app.py:" in readme
    assert "| detected |" in readme


def test_a_server_readme_has_its_port_and_a_batch_one_doesnt():
    server, _ = readme_of("python-flask")
    assert "http://127.0.0.1:" in server and "-p 127.0.0.1:" in server
    batch, _ = readme_of("python-batch")
    assert "runs to completion" in batch and "-p 127.0.0.1" not in batch


def test_secrets_and_services_in_the_readme():
    readme, files = readme_of("python-postgres")
    # DATABASE_URL is built from the one password file when the app starts: no file of its own to keep matching
    assert "secrets/database_url" not in readme
    assert "printf '%s' '...' > secrets/postgres_password" in readme
    assert "`DATABASE_URL` needs no file of its own" in readme
    assert "`postgresql://app:PASSWORD@postgres:5432/app`" in readme
    assert "postgres keeps its data in the named volume `postgres-data`" in readme
    assert "secrets/database_url" not in files["compose.yaml"] and "export DATABASE_URL=" in files["compose.yaml"]


def test_volumes_settings_and_answers_from_the_command_line():
    readme, _ = readme_of("python-flask", [("writable_paths", "/app/uploads"), ("env.MODE", "prod|test")])
    assert "`/app/uploads`: the app writes here; compose keeps it in the named volume `app-uploads`" in readme
    assert "| `MODE` | `prod|test` |" in readme
    assert "| writable_paths | /app/uploads | answered writable_paths=/app/uploads | command line (--set) |" in readme
    assert "prod\\|test" in readme  # escaped inside the answers table


def test_github_workflow():
    readme, files = readme_of("python-flask", ci="github")
    workflow = yaml.safe_load(files[".github/workflows/docker.yml"])
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "push" in on and on["push"]["tags"] == ["v*"] and "pull_request" in on
    assert workflow["permissions"]["packages"] == "write"
    steps = {s.get("uses", "").split("@")[0]: s for s in workflow["jobs"]["image"]["steps"]}
    assert steps["docker/login-action"]["with"]["registry"] == "${{ env.REGISTRY }}"
    tags = steps["docker/metadata-action"]["with"]["tags"]
    assert "type=ref,event=branch" in tags and "type=semver,pattern={{version}}" in tags
    build = steps["docker/build-push-action"]["with"]
    assert build["push"] == "${{ github.event_name != 'pull_request' }}"
    assert build["tags"] == "${{ steps.meta.outputs.tags }}"
    assert ".github/workflows/docker.yml" in readme


def test_unknown_ci_is_refused(tmp_path: Path):
    with pytest.raises(render.RenderError, match="gitlab"):
        readme_of("python-flask", ci="gitlab")
    app = Path(shutil.copytree(FIXTURES / "python-flask", tmp_path / "app"))
    done = cli(str(app), "--ci", "gitlab")
    assert done.returncode == 2 and "gitlab" in done.stderr
    assert not (app / "Dockerfile").exists()


def test_an_existing_readme_is_not_overwritten_without_force(tmp_path: Path):
    app = Path(shutil.copytree(FIXTURES / "python-flask", tmp_path / "app"))
    (app / "README.Docker.md").write_text("mine\n")
    done = cli(str(app))
    assert done.returncode == 1 and "README.Docker.md" in done.stderr and "--force" in done.stderr
    assert (app / "README.Docker.md").read_text() == "mine\n" and not (app / "Dockerfile").exists()
    assert cli(str(app), "--force").returncode == 0
    assert (app / "README.Docker.md").read_text().startswith("# Running app")


# -- containerize init, without prompts ----------------------------------------
def test_init_takes_its_answers_from_set(tmp_path: Path, hadolint_exe):
    app = tmp_path / "shop"
    done = cli("init", str(app), "--yes", "--set", "language=python", "--set", "framework=fastapi",
               "--set", "port=8081", "--set", "env.LOG_LEVEL=info", "--set", "services=redis")
    assert done.returncode == 0, done.stderr
    dockerfile = (app / "Dockerfile").read_text()
    assert 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8081"]' in dockerfile
    assert "EXPOSE 8081" in dockerfile and "COPY requirements.txt ./" in dockerfile
    requirements = (app / "requirements.txt").read_text()
    assert "fastapi" in requirements and "uvicorn" in requirements and "redis" in requirements
    compose = yaml.safe_load((app / "compose.yaml").read_text())
    assert "redis" in compose["services"]
    assert compose["services"]["app"]["environment"]["REDIS_URL"].startswith("${REDIS_URL:-redis://redis:6379")
    readme = (app / "README.Docker.md").read_text()
    assert "the answers given for a new project" in readme and "`requirements.txt`" in readme
    assert not (app / "containerize.toml").exists()  # nothing was asked, so nothing to save
    if hadolint_exe:
        subprocess.run([hadolint_exe, "--no-color", str(app / "Dockerfile")], check=True, timeout=60)


def test_the_same_command_notices_an_empty_folder(tmp_path: Path):
    done = cli(str(tmp_path), "--set", "language=python", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert 'CMD ["python", "main.py"]' in done.stdout and "==> " in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_init_without_a_language_says_how(tmp_path: Path):
    done = cli("init", str(tmp_path))
    assert done.returncode == 2 and "--set language=" in done.stderr
    assert "python" in done.stderr


def test_init_in_a_folder_with_code_reads_the_code(tmp_path: Path):
    app = Path(shutil.copytree(FIXTURES / "python-flask", tmp_path / "app"))
    done = cli("init", str(app), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "already has code" in done.stderr and '"app:app"' in done.stdout


def test_new_python_projects_start_from_a_requirements_file(tmp_path: Path):
    profile = scaffold.new_profile(tmp_path, [("language", "python"), ("framework", "django")])
    assert profile.entrypoint == ["gunicorn", "--bind", "0.0.0.0:8000", "config.wsgi:application"]
    assert profile.build.install == "requirements" and profile.build.requirements == ["requirements.txt"]
    assert profile.build.extra_packages == []  # the starter requirements name the server
    assert scaffold.starter_files(profile)["requirements.txt"].splitlines()[1:] == ["django>=5.1,<6",
                                                                                    "gunicorn>=23,<24"]
    (tmp_path / "requirements.txt").write_text("django\n")
    assert scaffold.starter_files(profile) == {}  # never overwritten


def test_init_languages_include_python():
    assert "python" in scaffold.languages()


@pytest.fixture
def hadolint_exe():
    return shutil.which("hadolint")


def test_answered_rows_name_every_answer_and_where_it_came_from():
    readme, _ = readme_of("python-flask", [("language", "python"), ("env.A", "1"), ("env.B", "2")])
    assert "| language | python | answered language=python | command line (--set) |" in readme
    assert "| answered env.A=1, env.B=2 | command line (--set) |" in readme
    assert "| framework | flask | app = Flask(...) in app.py (app.py:" in readme  # still detected


def test_the_readme_of_several_apps_names_each_migrate_service(tmp_path: Path):
    from containerize import apps

    shutil.copytree(ROOT / "fixtures" / "migrate-flask-alembic", tmp_path / "api")
    shutil.copytree(ROOT / "fixtures" / "migrate-django-postgres", tmp_path / "shop")
    files = render.render_apps(apps.discover(tmp_path))
    readme = files["README.Docker.md"]
    doc = yaml.safe_load(files["compose.yaml"])
    for app, command in (("api", "alembic upgrade head"), ("shop", "python manage.py migrate --noinput")):
        assert f"{app}-migrate" in doc["services"]
        line = next(l for l in readme.splitlines() if f"`{app}-migrate`" in l)
        assert command in line and f"`{app}` starts only after it succeeds" in line
        assert f"`docker compose run --rm {app}-migrate`" in line
    assert "run --rm migrate`" not in readme
