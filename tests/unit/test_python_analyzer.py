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
    assert p.runtime_version == "3.11.9"  # a patch published with the bookworm images stays exact
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


# -- values through names: the ast resolves constants, imports, wrappers ---------

def _where(p, key: str, start: str):
    """(file, line) of the first evidence under `key` whose reason starts with `start`."""
    found = next((e for e in p.evidence.get(key, []) if e.why.startswith(start)), None)
    assert found is not None, f"no {key} evidence starting with {start!r}: {p.evidence.get(key)}"
    return found.file, found.line


def test_values_fixture_resolves_names():
    p = profile_of("python-values")
    env = {e.name: e for e in p.env}
    # a wrapper around os.environ.get / os.getenv, called with the name and a default
    assert env["VERBOSE_LOG"].default == "False" and _where(p, "env", "VERBOSE_LOG: read through env_flag()") == \
        ("server.py", 13)
    assert env["PORT"].default == "8081" and _where(p, "env", "PORT: read through env_int()") == ("server.py", 14)
    # os.environ.get("DATA_DIR") or "/srv/wordcount"
    assert env["DATA_DIR"].default == "/srv/wordcount"
    assert _where(p, "env", "DATA_DIR: read with an `or` default") == ("settings.py", 5)
    # BaseSettings with UPPER_CASE fields and env_prefix from SettingsConfigDict
    assert env["WORDS_GREETING"].default == "hello" and _where(p, "env", "WORDS_GREETING") == ("app_settings.py", 7)
    assert env["WORDS_API_TOKEN"].secret and _where(p, "env", "WORDS_API_TOKEN") == ("app_settings.py", 8)
    assert env["WORDS_MAX_WORDS"].default == "1000" and _where(p, "env", "WORDS_MAX_WORDS") == ("app_settings.py", 9)
    assert "GREETING" not in env and "MAX_WORDS" not in env
    # the port comes through the wrapper and HTTPServer(("", PORT), ...)
    assert p.ports == [8081] and p.port_env == "PORT"
    assert _where(p, "ports", "a server bound to a port reads PORT") == ("server.py", 40)
    # a lowercase path variable opened for reading; os.path.join of a constant imported from settings.py
    assert p.read_paths == ["/data/words.txt", "/srv/share/banner.txt"]
    assert _where(p, "read_paths", "reads /data/words.txt (through fichero)") == ("server.py", 19)
    assert _where(p, "read_paths", "reads /srv/share/banner.txt (through banner_path)") == ("server.py", 32)
    # CACHE_DIR = DATA_DIR / "cache", imported and mkdir'ed: inside the DATA_DIR volume
    assert p.writable_paths == ["/srv/wordcount"]
    assert _where(p, "writable_paths", "DATA_DIR names a folder") == ("settings.py", 5)
    assert _where(p, "writable_paths", "creates the folder /srv/wordcount/cache") == ("server.py", 24)


def test_env_wrappers_and_defaults(tmp_path):
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/env.py": """
            import os
            from os import environ

            def flag(name, default=False):
                value = os.environ.get(name)
                if value is None:
                    return default
                return value.lower() in ("1", "true")

            def need(name):
                return environ[name]

            def text(key, fallback=None):
                return os.getenv(key) or fallback
        """,
        "app/main.py": """
            import os
            from . import env
            from .env import flag, need

            FEATURE_X = flag("FEATURE_X", False)
            BETA = flag("BETA")
            TOKEN = need("SERVICE_TOKEN")
            REGION = env.text("REGION", "eu-west-1")
            MODE = os.environ.get("MODE") or "fast"
            os.environ["SET_NOT_READ"] = "1"
            if __name__ == "__main__":
                print(FEATURE_X, BETA, TOKEN, REGION, MODE)
        """,
    })
    p = build_profile(tmp_path)
    env = {e.name: e for e in p.env}
    assert env["FEATURE_X"].default == "False"
    assert env["BETA"].default == "False"  # the wrapper's own default
    assert "SERVICE_TOKEN" in env and env["SERVICE_TOKEN"].secret
    assert env["REGION"].default == "eu-west-1"
    assert env["MODE"].default == "fast"
    assert "SET_NOT_READ" not in env
    assert _where(p, "env", "FEATURE_X: read through flag()") == ("app/main.py", 5)
    assert _where(p, "env", "MODE: read with an `or` default") == ("app/main.py", 9)


def test_paths_from_joins_fstrings_and_imports(tmp_path):
    write_tree(tmp_path, {
        "conf/__init__.py": "",
        "conf/paths.py": """
            import os
            from pathlib import Path

            ROOT = "/srv/media"
            BASE_DIR = Path(__file__).resolve().parent.parent
            LOG_FILE = BASE_DIR / "logs" / "app.log"
        """,
        "conf/more.py": "from .paths import *\nEXPORTS = ROOT + '/exports'\n",
        "job.py": """
            import os
            import conf.paths as paths
            from conf.more import EXPORTS

            name = "report"
            target = f"{EXPORTS}/{name}.csv"
            thumbs = os.path.join(paths.ROOT, "thumbs")
            settings_file = "/opt/shared/settings.json"

            def main():
                os.makedirs(thumbs, exist_ok=True)
                with open(target, "w") as out, open(settings_file) as cfg:
                    out.write(cfg.read())

            if __name__ == "__main__":
                main()
        """,
    })
    p = build_profile(tmp_path)
    assert sorted(p.writable_paths) == ["/app/logs", "/srv/media/exports", "/srv/media/thumbs"]
    assert _where(p, "writable_paths", "opens /srv/media/exports/report.csv for writing") == ("job.py", 12)
    assert _where(p, "writable_paths", "creates the folder /srv/media/thumbs") == ("job.py", 11)
    assert _where(p, "writable_paths", "LOG_FILE is logs/app.log") == ("conf/paths.py", 6)
    assert p.read_paths == ["/opt/shared/settings.json", "/srv/media"]  # ROOT names a folder outside the app
    assert _where(p, "read_paths", "reads /opt/shared/settings.json (through settings_file)") == ("job.py", 12)


def test_settings_class_upper_fields_inner_config_and_field_alias(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "pydantic<2\n",
        "settings.py": """
            from typing import ClassVar
            from pydantic import BaseSettings, Field

            class Base(BaseSettings):
                LOG_LEVEL: str = "info"

                class Config:
                    env_prefix = "SHOP_"

            class Settings(Base):
                DB_URL: str = Field("sqlite:///./shop.db", env="DATABASE_URL")
                TIMEOUT: int = 30
                VERSION: ClassVar[str] = "1"
                _private: int = 0

                class Config:
                    env_prefix = "SHOP_"
        """,
        "main.py": "from settings import Settings\nif __name__ == '__main__':\n    print(Settings())\n",
    })
    p = build_profile(tmp_path)
    env = {e.name: e for e in p.env}
    assert env["SHOP_LOG_LEVEL"].default == "info"
    assert env["SHOP_TIMEOUT"].default == "30"
    assert "DATABASE_URL" in env and "SHOP_DB_URL" not in env
    assert not any(n.endswith(("VERSION", "PRIVATE")) for n in env)
    assert _where(p, "env", "SHOP_TIMEOUT: a BaseSettings field") == ("settings.py", 12)
    # the SQLite file of the field's default sits in the app folder itself, which can't be a volume: the
    # file lives in a volume of its own, linked from its path
    assert p.writable_paths == ["/var/lib/app"] and p.build.state_files == ["shop.db"]
    assert any(w.startswith("the app writes shop.db in its own folder") for w in p.warnings)


def test_python2_file_is_read_by_tokens(tmp_path):
    write_tree(tmp_path, {
        "legacy.py": """
            import os
            print "starting"
            DATA = os.environ.get('LEGACY_DATA', '/srv/legacy')
            KEY = os.environ['LEGACY_KEY']
            handle = open('/srv/legacy/input.txt')
            out = open('/var/lib/legacy/out.txt', 'w')
            DEBUG = env.bool("LEGACY_DEBUG", default=True)
            TIMEOUT = config('LEGACY_TIMEOUT', 30)
            lower = env("not_an_env_name")
        """,
    })
    p = build_profile(tmp_path)
    env = {e.name: e for e in p.env}
    assert env["LEGACY_DATA"].default == "/srv/legacy"
    assert env["LEGACY_KEY"].default is None
    assert env["LEGACY_DEBUG"].default == "True" and env["LEGACY_TIMEOUT"].default == "30"
    assert "not_an_env_name" not in env
    notes = [e for e in p.evidence["env"] if e.file == "legacy.py"]
    assert notes and all("read by tokens: file does not parse" in e.why for e in notes)
    assert (notes[0].line, notes[1].line) == (3, 4)
    assert "/srv/legacy/input.txt" in p.read_paths
    assert "/var/lib/legacy" in p.writable_paths


def test_gunicorn_bind_list_and_argv_port(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\n",
        "gunicorn.conf.py": "PORT = 7100\nbind = [f'0.0.0.0:{PORT}']\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    p = build_profile(tmp_path)
    assert p.ports == [7100]
    assert p.evidence["ports"][0].file == "gunicorn.conf.py" and p.evidence["ports"][0].line == 2


def test_sixty_thousand_blank_lines_stay_linear(tmp_path):
    # a line-anchored regex with \s* took tens of seconds on such a file; the parse tree reads it at once
    text = ("import os\n" + "   \n" * 30000 + "UPLOAD_DIR = os.environ.get('UPLOAD_DIR', 'uploads')\n"
            + "X = dict(a=1,\n" + "\n" * 30000 + "  b='2')\nfichero = '/data/words.txt'\n"
            + "if __name__ == '__main__':\n    print(open(fichero).read(), os.getenv('GREETING', 'hi'))\n")
    (tmp_path / "app.py").write_text(text)
    p = build_profile(tmp_path)
    env = {e.name: e for e in p.env}
    assert env["UPLOAD_DIR"].default == "uploads" and env["GREETING"].default == "hi"
    assert _where(p, "env", "UPLOAD_DIR") == ("app.py", 30002)
    assert p.writable_paths == ["/app/uploads"]
    assert p.read_paths == ["/data/words.txt"]


def test_hostile_python_never_crashes(tmp_path):
    write_tree(tmp_path, {
        "app.py": "if __name__ == '__main__':\n    print('hi')\n",
        "deep.py": "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
        "chain.py": "import os\nP = " + " + ".join(["'a'"] * 3000) + "\nopen(P, 'w')\n",
        "cycle_a.py": "from cycle_b import B as A\n",
        "cycle_b.py": "from cycle_a import A as B\nopen(B)\n",
        "self.py": "X = X + '/y'\nopen(X)\nimport os\nos.environ.get(os.environ.get('Z'))\n",
        "bad.py": "def f(:\n  '''unterminated\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "app.py"]


def test_settings_instance_attributes_are_env_reads(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\npydantic-settings\n",
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/config.py": """
            from functools import lru_cache
            from pydantic_settings import BaseSettings, SettingsConfigDict

            class Settings(BaseSettings):
                model_config = SettingsConfigDict(env_prefix="API_")
                PORT: int = 8300
                UPLOADS_DIR: str = "/srv/uploads"

            @lru_cache
            def get_settings():
                return Settings()

            settings = get_settings()
        """,
        "app/main.py": """
            import os
            import uvicorn
            from fastapi import FastAPI
            from app.core.config import settings

            app = FastAPI()

            @app.get("/ping")
            def ping():
                os.makedirs(settings.UPLOADS_DIR, exist_ok=True)
                return {"ok": True}

            if __name__ == "__main__":
                uvicorn.run(app, host="0.0.0.0", port=settings.PORT)
        """,
    })
    p = build_profile(tmp_path)
    env = {e.name: e for e in p.env}
    assert env["API_PORT"].default == "8300" and env["API_UPLOADS_DIR"].default == "/srv/uploads"
    assert 8300 in p.ports and p.port_env == "API_PORT"
    assert _where(p, "ports", "run(port=...) reads API_PORT, default 8300") == ("app/main.py", 14)
    assert p.writable_paths == ["/srv/uploads"]
    assert _where(p, "writable_paths", "creates the folder /srv/uploads") == ("app/main.py", 10)


def test_values_that_double_at_each_step_stay_small(tmp_path):
    # each name is built from the one before twice over: resolved once each, and long results are dropped
    lines = ["import os", "def main():", "    a0 = 'x'", "    p0 = '/srv'", "    l0 = ['x']"]
    for i in range(1, 80):
        lines += [f"    a{i} = a{i - 1} + a{i - 1}", f"    p{i} = os.path.join(p{i - 1}, p{i - 1})",
                  f"    l{i} = [l{i - 1}, l{i - 1}]"]
    lines += ["    open(a79, 'w'); open(p79); open(f'{l79}', 'w')", "    return a79",
              "if __name__ == '__main__':", "    main()"]
    (tmp_path / "app.py").write_text("\n".join(lines) + "\n")
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "app.py"] and p.writable_paths == [] and p.read_paths == []


def test_wrapper_of_a_wrapper(tmp_path):
    write_tree(tmp_path, {
        "helpers.py": """
            import os

            def env_str(key, default=None):
                return os.environ.get(key, default)

            def env_int(key, default=0):
                return int(env_str(key, default))
        """,
        "app.py": """
            from helpers import env_int
            WORKERS = env_int("WORKERS", 4)
            RETRIES = env_int("RETRIES")
            if __name__ == "__main__":
                print(WORKERS, RETRIES)
        """,
    })
    p = build_profile(tmp_path)
    env = {e.name: e for e in p.env}
    assert env["WORKERS"].default == "4" and env["RETRIES"].default == "0"
    assert _where(p, "env", "WORKERS: read through env_int() with a default") == ("app.py", 2)


def test_a_server_bound_to_a_loopback_address_in_code_is_a_warning_naming_the_line(tmp_path):
    write_tree(tmp_path / "http", {"server.py": """
        import http.server

        http.server.HTTPServer(("localhost", 8000), http.server.SimpleHTTPRequestHandler).serve_forever()
        """})
    write_tree(tmp_path / "sock", {"srv.py": """
        import socket
        PORT = 9000
        s = socket.socket()
        s.bind(("127.0.0.1", PORT))
        s.listen()
        while True:
            c, _ = s.accept()
            c.close()
        """})
    write_tree(tmp_path / "uv", {"requirements.txt": "fastapi\nuvicorn\n", "main.py": """
        import uvicorn
        from fastapi import FastAPI
        app = FastAPI()

        if __name__ == "__main__":
            uvicorn.run(app, host="127.0.0.1", port=8000)
        """})
    profile = build_profile(tmp_path / "http", [])
    assert profile.entrypoint == ["python", "server.py"]
    assert any(w.startswith("server.py:3: the server listens on localhost (localhost only)") for w in profile.warnings)
    profile = build_profile(tmp_path / "sock", [])
    assert profile.ports == [9000]
    assert any(w.startswith("srv.py:4: the server listens on 127.0.0.1") for w in profile.warnings)
    # the start command is uvicorn's own, bound to 0.0.0.0: the main guard's run call never runs
    profile = build_profile(tmp_path / "uv", [])
    assert profile.entrypoint[0] == "uvicorn" and "0.0.0.0" in profile.entrypoint
    assert not any("localhost only" in w for w in profile.warnings)
    # run as a script, the same call is what binds the address
    profile = build_profile(tmp_path / "uv", [("entrypoint", "python main.py")])
    assert any(w.startswith("main.py:6: the server listens on 127.0.0.1") for w in profile.warnings)


def test_a_loopback_default_of_a_listen_env_var_is_overridden_not_warned_about(tmp_path):
    write_tree(tmp_path / "e", {"server.py": """
        import os
        import http.server

        http.server.HTTPServer((os.environ.get("HOST", "127.0.0.1"), 8000), http.server.SimpleHTTPRequestHandler).serve_forever()
        """})
    write_tree(tmp_path / "f", {"server.py": """
        import os
        import http.server

        http.server.HTTPServer((os.environ.get("MYAPP_IFACE", "127.0.0.1"), 8000), http.server.SimpleHTTPRequestHandler).serve_forever()
        """})
    from containerize.languages.common import listen_env
    profile = build_profile(tmp_path / "e", [])
    assert not any("localhost only" in w for w in profile.warnings)
    assert listen_env(profile) == {"HOST": "0.0.0.0"}
    assert any("set HOST=0.0.0.0 to listen on all interfaces" in e.why for e in profile.evidence["env"])
    # a name that is not a listen address is not overridden: the warning asks for it
    profile = build_profile(tmp_path / "f", [])
    assert any(w.startswith("server.py:4: the server listens on 127.0.0.1") and w.endswith("set MYAPP_IFACE=0.0.0.0")
               for w in profile.warnings)


def test_settings_field_names_keep_their_case_when_case_sensitive(tmp_path):
    write_tree(tmp_path / "s", {"requirements.txt": "fastapi\nuvicorn\npydantic-settings\n", "main.py": """
        from fastapi import FastAPI
        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="shop_", case_sensitive=True)
            redis_host: str = "cache"
            token: str = Field(default="", alias="ApiToken")

        class Loose(BaseSettings):
            class Config:
                env_prefix = "x_"
            level: str = "info"

        settings = Settings()
        app = FastAPI()
        """})
    profile = build_profile(tmp_path / "s", [])
    names = {e.name: e for e in profile.env}
    assert names["shop_redis_host"].default == "cache"
    assert "ApiToken" in names and names["ApiToken"].secret
    assert names["X_LEVEL"].default == "info"


def test_a_var_read_in_many_files_lists_ten_places_and_counts_the_rest(tmp_path):
    files = {"requirements.txt": "flask==3.0.3\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n"}
    files.update({f"pkg/m{i:02d}.py": f"import os\nX{i} = os.getenv('SHARED_SETTING', 'v{i}')\n" for i in range(14)})
    write_tree(tmp_path, files)
    p = build_profile(tmp_path, [])
    notes = [e for e in p.evidence["env"] if e.why.startswith("SHARED_SETTING:")]
    assert [e.file for e in notes[:10]] == [f"pkg/m{i:02d}.py" for i in range(10)]
    assert len(notes) == 11 and notes[10].why == "SHARED_SETTING: read in 4 more place(s)" and notes[10].file is None
    assert [e.name for e in p.env].count("SHARED_SETTING") == 1


def test_an_old_flask_pin_is_installed_with_the_werkzeug_it_was_made_for():
    # Flask 2.0 leaves Werkzeug unpinned: a build today would resolve Werkzeug 3, which Flask 2.0 can't import
    p = profile_of("python-flask-old-pins")
    assert p.build.caps == ["werkzeug<2.1"]
    (note,) = [e for e in p.evidence["dependencies"] if "old release" in e.why]
    assert (note.file, note.line) == ("requirements.txt", 1)
    assert note.why == "flask==2.0.3 is an old release (Flask 2.0 was made for Werkzeug 2.0): installed with werkzeug<2.1"


@pytest.mark.parametrize("requirements, caps", [
    ("Flask==1.1.1\ngunicorn==20.0.4\n",
     ["werkzeug<2.0", "jinja2<3.0", "itsdangerous<2.0", "click<8.0", "markupsafe<2.1"]),
    ("Flask==1.1.1\nJinja2==2.11.3\n", ["werkzeug<2.0", "itsdangerous<2.0", "click<8.0", "markupsafe<2.1"]),
    ("flask==2.2.5\n", ["werkzeug<3"]),
    ("Django==3.2.13\nenvirons==7.3.1\n", ["marshmallow<4"]),
    ("flask-sqlalchemy==2.5.1\nflask>=3\n", ["sqlalchemy<2.0"]),
    ("flask==2.2.5\nwerkzeug==2.2.3\n", []),  # the project pins it itself
    ("flask==3.0.3\n", []),
    ("flask>=2.0\n", []),  # not pinned: the newest Flask works with the newest Werkzeug
    ("flask==2.2.5 --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000\n", []),
])
def test_old_pins_get_the_caps_their_dependencies_need(tmp_path, requirements, caps):
    root = write_tree(tmp_path, {"requirements.txt": requirements,
                                 "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    p = build_profile(root, [])
    assert p.build.caps == caps


# -- gRPC servers ---------------------------------------------------------------------------------

def test_grpc_server_is_the_start_and_speaks_no_http():
    p = profile_of("python-grpc")
    # the file that builds and starts the gRPC server, not the client beside it (both have a main guard)
    assert p.entrypoint == ["python", "greeter_server.py"]
    assert "starts a gRPC server (server.start)" in p.evidence["entrypoint"][0].why
    assert p.ports == [8080] and p.port_env == "PORT"
    assert any(e.file == "greeter_server.py" and "add_insecure_port() reads PORT" in e.why
               for e in p.evidence["ports"])
    assert p.health_path is None and "speaks no HTTP/1" in p.evidence["health_path"][-1].why
    assert not p.warnings


def test_grpc_server_dockerfile_checks_that_the_port_takes_connections():
    from containerize import render

    files = render.render(profile_of("python-grpc"))
    dockerfile = files["Dockerfile"]
    healthcheck = dockerfile.split("HEALTHCHECK", 1)[1].split("\nCMD", 1)[0]
    assert "socket.create_connection(('127.0.0.1', int(os.environ.get('PORT', '8080')))" in healthcheck
    assert "urllib" not in healthcheck and "http://" not in healthcheck
    assert 'CMD ["python", "greeter_server.py"]' in dockerfile


GRPC_SHAPES = {
    # grpc.aio, a literal address, started from asyncio.run(serve())
    "aio-literal": ("""\
        import asyncio
        import grpc

        async def serve():
            server = grpc.aio.server()
            server.add_insecure_port("[::]:50061")
            await server.start()
            await server.wait_for_termination()

        if __name__ == "__main__":
            asyncio.run(serve())
        """, [50061], None),
    # `from grpc import aio`, an f-string with an env read in it
    "aio-alias-fstring": ("""\
        import asyncio
        import os
        from grpc import aio

        async def main():
            server = aio.server()
            server.add_insecure_port(f"0.0.0.0:{os.getenv('GRPC_PORT', '9009')}")
            await server.start()
            await server.wait_for_termination()

        asyncio.run(main())
        """, [9009], "GRPC_PORT"),
    # the address through a module-level name, format()
    "format-constant": ("""\
        import os
        from concurrent import futures
        import grpc

        PORT = os.environ.get("LISTEN_PORT", "7070")
        ADDRESS = "[::]:{}".format(PORT)

        def main():
            server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
            server.add_secure_port(ADDRESS, grpc.ssl_server_credentials([]))
            server.start()
            server.wait_for_termination()

        if __name__ == "__main__":
            main()
        """, [7070], "LISTEN_PORT"),
    # the address is a parameter: the code doesn't show the port
    "parameter": ("""\
        import sys
        from concurrent import futures
        import grpc

        def main(address):
            server = grpc.server(futures.ThreadPoolExecutor())
            server.add_insecure_port(address)
            server.start()
            server.wait_for_termination()

        if __name__ == "__main__":
            main(sys.argv[1])
        """, [50051], None),
}


@pytest.mark.parametrize("shape", GRPC_SHAPES)
def test_grpc_server_shapes(tmp_path, shape):
    code, ports, port_env = GRPC_SHAPES[shape]
    write_tree(tmp_path, {"requirements.txt": "grpcio==1.68.1\n", "service.py": code,
                          "client.py": "import grpc\n\nif __name__ == '__main__':\n"
                                       "    grpc.insecure_channel('localhost:50051').close()\n"})
    p = build_profile(tmp_path, [])
    assert p.entrypoint == ["python", "service.py"]
    assert p.ports == ports and p.port_env == port_env
    assert p.health_path is None


def test_a_grpc_client_alone_is_no_server(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "grpcio==1.68.1\n", "client.py": """\
        import grpc

        def main():
            with grpc.insecure_channel("localhost:50051") as channel:
                channel.unary_unary("/greeter.Greeter/SayHello")(b"x")

        if __name__ == "__main__":
            main()
        """})
    p = build_profile(tmp_path, [])
    assert p.entrypoint == ["python", "client.py"] and p.ports == []
