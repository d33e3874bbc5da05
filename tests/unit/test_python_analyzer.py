"""The Python analyzer's answers on the fixtures and on hand-made inputs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from containerize.checklist import AnalysisError, build_profile
from projects import profile_of, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_flask_port_from_env_var():
    p = profile_of("python-flask")
    assert p.language == "python" and p.framework == "flask"
    assert p.ports == [5050] and p.port_env == "PORT"
    assert p.entrypoint == ["gunicorn", "--bind", "0.0.0.0:5050", "app:app"]
    assert p.health_path == "/health"
    env = {e.name: e for e in p.env}
    assert env["SECRET_KEY"].secret and env["SECRET_KEY"].default is None
    assert env["GREETING"].default == "hello" and not env["GREETING"].secret
    assert "/app/uploads" in p.writable_paths
    port_evidence = p.evidence["ports"][0]
    assert port_evidence.file == "app.py" and port_evidence.line


def test_fastapi_uvicorn():
    p = profile_of("python-fastapi")
    assert p.framework == "fastapi"
    assert p.entrypoint[:2] == ["uvicorn", "main:app"] and "0.0.0.0" in p.entrypoint
    assert p.ports == [8000] and p.health_path == "/healthz"
    assert next(e for e in p.env if e.name == "API_TOKEN").secret


def test_django_wsgi_and_sqlite_volume():
    p = profile_of("python-django")
    assert p.framework == "django"
    assert p.entrypoint[-1] == "mysite.wsgi:application" and p.entrypoint[0] == "gunicorn"
    assert "/app/data" in p.writable_paths
    assert next(e for e in p.env if e.name == "DJANGO_SECRET_KEY").secret
    assert "gunicorn>=23,<24" in p.build.extra_packages


def test_poetry_project():
    p = profile_of("python-poetry")
    assert p.package_manager == "poetry" and p.build.install == "poetry"
    assert p.build.manifests == ["pyproject.toml", "poetry.lock"]
    assert p.dependencies == ["flask"]


def test_uv_console_script_and_python_version():
    p = profile_of("python-uv")
    assert p.package_manager == "uv" and p.build.install == "uv"
    assert p.entrypoint == ["uv-app"] and p.ports == [8080]
    assert p.runtime_version == "3.11"
    assert p.evidence["runtime_version"][0].file == ".python-version"


def test_no_manifest_uses_imports():
    p = profile_of("python-noreqs")
    assert p.build.install == "imports"
    assert set(p.dependencies) == {"flask", "pyyaml"}  # yaml -> PyYAML; helpers.py is local
    assert p.build.generated_requirements


def test_batch_script_reads_absolute_path():
    p = profile_of("python-batch")
    assert not p.is_server and p.ports == []
    assert p.entrypoint == ["python", "wordstats.py"]
    assert p.read_paths == ["/data/words.txt"]
    assert p.build.install == "none"


def test_postgres_service_and_system_libraries():
    p = profile_of("python-postgres")
    assert [(s.kind, s.env_var) for s in p.services] == [("postgres", "DATABASE_URL")]
    assert p.system_packages == {"build": ["libpq-dev"], "runtime": ["libpq5"]}
    assert next(e for e in p.env if e.name == "DATABASE_URL").secret


def test_set_overrides_answers():
    p = profile_of("python-flask", port="8080", entrypoint="gunicorn -w 4 app:app")
    assert p.ports == [8080]
    assert p.entrypoint == ["gunicorn", "-w", "4", "app:app"]
    assert p.evidence["ports"][-1].why.startswith("command line")


def test_procfile_and_pyproject_versions(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "svc"
            requires-python = ">=3.10,<3.12"
            dependencies = ["flask>=3", "redis>=5"]
        """,
        "Procfile": "web: gunicorn --bind 0.0.0.0:$PORT svc.app:app\n",
        "svc/__init__.py": "",
        "svc/app.py": "from flask import Flask\nimport os\napp = Flask(__name__)\nR = os.environ.get('REDIS_URL', 'redis://localhost:6379/0')\n",
    })
    p = build_profile(tmp_path)
    assert p.runtime_version == "3.11"
    assert p.entrypoint[0] == "gunicorn" and "svc.app:app" in p.entrypoint
    assert [s.kind for s in p.services] == ["redis"]
    assert p.services[0].env_var == "REDIS_URL"


def test_settings_class_env_vars(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "fastapi\npydantic-settings\nuvicorn\n",
        "main.py": """
            from fastapi import FastAPI
            from pydantic_settings import BaseSettings

            class Settings(BaseSettings):
                database_url: str = "sqlite:///./db.sqlite3"
                api_key: str
                debug: bool = False

            app = FastAPI()
        """,
    })
    p = build_profile(tmp_path)
    env = {e.name: e for e in p.env}
    assert env["API_KEY"].secret
    assert env["DEBUG"].default == "False"
    assert "DATABASE_URL" in env


def test_inspect_json_contract(tmp_path):
    data = profile_of("python-flask").to_dict()
    for key in ("language", "framework", "package_manager", "runtime_version", "compiled", "build_command",
                "entrypoint", "ports", "port_env", "env", "writable_paths", "read_paths", "services",
                "dependencies", "evidence"):
        assert key in data
    assert isinstance(data["entrypoint"], list) and isinstance(data["ports"], list)
    assert {"name", "default", "secret"} <= set(data["env"][0])
    assert {"file", "line", "why"} <= set(data["evidence"]["ports"][0])
    json.dumps(data)


# -- broken inputs: a clear message, never a traceback ----------------------

def test_malformed_pyproject(tmp_path):
    write_tree(tmp_path, {"pyproject.toml": "[project\nname = 'x'\n", "app.py": "print(1)\n"})
    with pytest.raises(AnalysisError, match=r"pyproject.toml: invalid TOML"):
        build_profile(tmp_path)


def test_malformed_requirements(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "flask==3.0\n{{ not a requirement\n", "app.py": "print(1)\n"})
    with pytest.raises(AnalysisError, match=r"requirements.txt:2: not a requirement"):
        build_profile(tmp_path)


def test_binary_and_non_utf8_files_are_skipped(tmp_path):
    write_tree(tmp_path, {"app.py": "if __name__ == '__main__':\n    print('hi')\n"})
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02binary\xff")
    (tmp_path / "latin.py").write_bytes("caf\xe9 = 1\n".encode("latin-1"))
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "app.py"]


def test_symlink_loop(tmp_path):
    write_tree(tmp_path, {"app.py": "if __name__ == '__main__':\n    print('hi')\n"})
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").symlink_to(tmp_path / "a")
    p = build_profile(tmp_path)
    assert p.language == "python"


def test_unreadable_directory(tmp_path, monkeypatch):
    import os

    import containerize.scan as scan

    write_tree(tmp_path, {"app.py": "if __name__ == '__main__':\n    print('hi')\n", "secret/x.py": "x = 1\n"})
    real_scandir = os.scandir

    def scandir(path):  # root reads any folder whatever its mode: refuse this one as the kernel would
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    (tmp_path / "secret").chmod(0)
    monkeypatch.setattr(scan.os, "scandir", scandir)
    try:
        p = build_profile(tmp_path)
        assert p.entrypoint == ["python", "app.py"]
        assert any("secret" in w and "Permission denied" in w for w in p.warnings)
    finally:
        (tmp_path / "secret").chmod(0o755)


def test_empty_directory(tmp_path):
    with pytest.raises(AnalysisError, match="empty"):
        build_profile(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(AnalysisError, match="no such directory"):
        build_profile(tmp_path / "nope")


def test_flask_factory_and_gunicorn_config(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\n",
        "gunicorn.conf.py": "bind = '0.0.0.0:7000'\nworkers = 2\n",
        "shop/__init__.py": """
            from flask import Flask

            def create_app():
                app = Flask(__name__)
                return app
        """,
    })
    p = build_profile(tmp_path)
    assert p.framework == "flask"
    assert p.entrypoint[-1] == "shop:create_app()"
    assert p.ports == [7000]
    assert p.build.extra_packages == []  # gunicorn is declared already


def test_uvicorn_run_port_and_runtime_txt(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "starlette\nuvicorn\n",
        "runtime.txt": "python-3.11.9\n",
        "serve.py": """
            import uvicorn
            from starlette.applications import Starlette

            api = Starlette()

            if __name__ == "__main__":
                uvicorn.run(api, host="0.0.0.0", port=9001)
        """,
    })
    p = build_profile(tmp_path)
    assert p.runtime_version == "3.11"
    assert p.ports == [9001]
    assert p.entrypoint[:2] == ["uvicorn", "serve:api"] and p.entrypoint[-1] == "9001"


def test_ignored_files_are_not_scanned(tmp_path):
    write_tree(tmp_path, {
        ".gitignore": "generated/\n",
        "app.py": "if __name__ == '__main__':\n    print('hi')\n",
        "generated/server.py": "from flask import Flask\napp = Flask(__name__)\n",
        "node_modules/x/index.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    p = build_profile(tmp_path)
    assert p.framework is None and p.entrypoint == ["python", "app.py"]
