"""Start commands: Python ones read from the code's ast, ranked; and never a Dockerfile with an empty CMD."""
from __future__ import annotations

import json
import shlex
import os
import subprocess
import sys
from pathlib import Path

import pytest

from containerize import render, start
from containerize.checklist import AnalysisError, build_profile
from containerize.profile import Profile
from projects import profile_of, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def starts(profile: Profile) -> list[list[str]]:
    return [c["entrypoint"] for c in profile.candidates if "entrypoint" in c]


# -- a script with no guard, no manifest, no functions -------------------------------------

def test_top_level_script_in_src_is_the_start_command():
    p = profile_of("python-script")
    assert p.entrypoint == ["python", "src/anagrams.py"]
    assert not p.is_server and p.ports == []
    assert p.build.install == "none"
    note = p.evidence["entrypoint"][0]
    assert note.file == "src/anagrams.py" and note.line and "top-level statements" in note.why
    # a guess from the script's shape: the warning says which and how to change it
    assert any("python src/anagrams.py" in w and "--set entrypoint=" in w for w in p.warnings)
    dockerfile = render.render(p)["Dockerfile"]
    assert dockerfile.rstrip().splitlines()[-1] == 'CMD ["python", "src/anagrams.py"]'


def test_script_reads_its_data_through_a_lowercase_variable():
    p = profile_of("python-script")
    assert p.read_paths == ["/data/words.txt"]
    assert "./data/words.txt:/data/words.txt:ro" in render.render(p)["compose.yaml"]


def test_inspect_lists_every_candidate(tmp_path):
    write_tree(tmp_path, {
        "main.py": "import helpers\n\nif __name__ == '__main__':\n    helpers.go()\n",
        "helpers.py": "def go():\n    print('go')\n",
        "tools/cleanup.py": "import shutil\nshutil.rmtree('/tmp/x', ignore_errors=True)\n",
    })
    done = cli("inspect", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    found = [c for c in data["candidates"] if "entrypoint" in c]
    assert [c["entrypoint"] for c in found] == [["python", "main.py"], ["python", "tools/cleanup.py"]]
    assert all({"why", "file", "line", "confidence"} <= set(c) for c in found)
    assert data["entrypoint"] == ["python", "main.py"]


# -- ranking -------------------------------------------------------------------------

def test_ranking_guard_then_name_then_script_then_shebang(tmp_path):
    write_tree(tmp_path, {
        "report.py": "print('report')\n",                                    # top-level script
        "run.py": "print('run')\n",                                          # a start-like name
        "tool.py": "#!/usr/bin/env python3\ndef f():\n    pass\n",           # a shebang only
        "worker/loop.py": "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n",  # a guard
    })
    p = build_profile(tmp_path)
    assert starts(p) == [["python", "worker/loop.py"], ["python", "run.py"], ["python", "report.py"],
                         ["python", "tool.py"]]
    assert p.entrypoint == ["python", "worker/loop.py"]


def test_a_server_call_outranks_a_plain_guard(tmp_path):
    write_tree(tmp_path, {
        "main.py": "if __name__ == '__main__':\n    print('cli')\n",
        "serve.py": """
            from http.server import HTTPServer, SimpleHTTPRequestHandler

            def main():
                HTTPServer(("0.0.0.0", 8765), SimpleHTTPRequestHandler).serve_forever()

            if __name__ == "__main__":
                main()
        """,
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "serve.py"]
    assert "starts a server" in p.evidence["entrypoint"][0].why
    assert p.is_server


def test_executable_bit_is_a_candidate(tmp_path):
    write_tree(tmp_path, {"lib.py": "X = 1\n", "nightly": "", "sync.py": "import lib\n\ndef go():\n    pass\n"})
    os.chmod(tmp_path / "sync.py", 0o755)
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "sync.py"]
    assert "executable" in p.evidence["entrypoint"][0].why


def test_imported_modules_with_top_level_code_are_not_scripts(tmp_path):
    write_tree(tmp_path, {
        "config.py": "import os\nprint('loading config')\nDEBUG = os.environ.get('DEBUG')\n",
        "pkg/__init__.py": "",
        "pkg/setup_db.py": "print('db')\n",
        "pkg/use.py": "from . import setup_db\n",
        "job.py": "import config\nfor i in range(3):\n    print(i)\n",
    })
    p = build_profile(tmp_path)
    assert starts(p) == [["python", "job.py"]]


def test_main_module_runs_with_dash_m(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "[project]\nname = 'mytool'\nversion = '1'\ndependencies = []\n",
        "mytool/__init__.py": "",
        "mytool/__main__.py": "from mytool import cli\ncli.main()\n",
        "mytool/cli.py": "def main():\n    print('hi')\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "-m", "mytool"]


def test_bots_and_asyncio_are_not_servers(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "discord.py\n",
        "bot.py": """
            import asyncio
            import os

            import discord

            client = discord.Client(intents=discord.Intents.default())

            async def main():
                await asyncio.sleep(0)

            if __name__ == "__main__":
                asyncio.run(main())
                client.run(os.environ["DISCORD_TOKEN"])
        """,
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "bot.py"]
    assert p.ports == [] and not p.is_server


def test_guard_reaches_the_server_through_local_functions(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "aiohttp\n",
        "service.py": """
            from aiohttp import web

            def build():
                return web.Application()

            def serve():
                web.run_app(build(), port=8081)

            def main():
                serve()

            if __name__ == "__main__":
                main()
        """,
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "service.py"]
    assert "web.run_app" in p.evidence["entrypoint"][0].why and p.is_server


def test_a_file_that_does_not_parse_is_read_from_its_tokens(tmp_path):
    write_tree(tmp_path, {"old.py": "import sys\nprint 'hello'\n\nif __name__ == '__main__':\n    print sys.argv\n"})
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "old.py"]
    note = p.evidence["entrypoint"][0]
    assert note.line == 4 and "tokens" in note.why and "doesn't parse" in note.why
    assert any(w.startswith("old.py doesn't parse as Python 3") for w in p.warnings)


def test_fastapi_factory_and_asgi_apps(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\n",
        "svc/__init__.py": "",
        "svc/factory.py": """
            from fastapi import FastAPI

            def create_app() -> FastAPI:
                api = FastAPI()
                return api
        """,
    })
    p = build_profile(tmp_path)
    assert p.framework == "fastapi"
    assert p.entrypoint[:3] == ["uvicorn", "svc.factory:create_app", "--factory"]
    assert p.entrypoint[-4:] == ["--host", "0.0.0.0", "--port", "8000"]


def test_src_layout_app_that_is_not_installed(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\n",
        "src/web/__init__.py": "",
        "src/web/app.py": "from flask import Flask\napp: Flask = Flask(__name__)\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["gunicorn", "--bind", "0.0.0.0:8000", "--chdir", "src", "web.app:app"]


def test_procfile_worker_when_there_is_no_web_process(tmp_path):
    write_tree(tmp_path, {
        "Procfile": "release: python migrate.py\nworker: python -m bot --verbose\n",
        "requirements.txt": "requests\n",
        "bot/__init__.py": "",
        "bot/__main__.py": "print('bot')\n",
        "main.py": "if __name__ == '__main__':\n    print('x')\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "-m", "bot", "--verbose"]
    assert p.evidence["entrypoint"][0].file == "Procfile"


def test_django_settings_read_from_the_tree(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "django\n",
        "manage.py": "import os\nif __name__ == '__main__':\n    pass\n",
        "site1/settings.py": "X = 1\nWSGI_APPLICATION = 'site1.wsgi.application'\n",
        "site1/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["gunicorn", "--bind", "0.0.0.0:8000", "site1.wsgi:application"]
    assert p.evidence["entrypoint"][0].line == 2


# -- never an empty CMD ----------------------------------------------------------------

def test_an_empty_start_command_takes_the_best_candidate_and_warns(tmp_path):
    write_tree(tmp_path, {"main.py": "if __name__ == '__main__':\n    print('hi')\n", "other.py": "print(1)\n"})
    p = build_profile(tmp_path, [("entrypoint", "")])
    assert p.entrypoint == ["python", "main.py"]
    warning = next(w for w in p.warnings if w.startswith("start command"))
    assert "python main.py" in warning and "--set entrypoint=" in warning
    assert 'CMD ["python", "main.py"]' in render.render(p)["Dockerfile"]


def test_the_rule_holds_for_any_language():
    p = Profile(language="go", candidates=[
        {"language": "go", "score": 90, "why": []},
        {"entrypoint": ["/usr/local/bin/api"], "why": "main package that serves", "file": "cmd/api/main.go"},
        {"entrypoint": ["/usr/local/bin/tool"], "why": "main package", "file": "cmd/tool/main.go"},
    ])
    start.require_entrypoint(p)
    assert p.entrypoint == ["/usr/local/bin/api"]
    assert any("--set entrypoint=" in w and "/usr/local/bin/api" in w for w in p.warnings)
    with pytest.raises(AnalysisError, match="--set entrypoint="):
        start.require_entrypoint(Profile(language="ruby"))


def test_no_start_command_at_all_is_one_line_and_exit_2(tmp_path):
    write_tree(tmp_path, {"lib.py": "def helper():\n    return 1\n", "util.py": "import lib\nVALUE = lib.helper()\n"})
    done = cli(str(tmp_path), "--yes", "--dry-run")
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--set entrypoint=" in lines[0] and "Traceback" not in done.stderr
    assert "CMD" not in done.stdout
    done = cli(str(tmp_path), "--yes", "--dry-run", "--set", "entrypoint=python lib.py")
    assert done.returncode == 0, done.stderr
    assert 'CMD ["python", "lib.py"]' in done.stdout


def test_init_of_a_new_project_keeps_its_start_command(tmp_path):
    done = cli("init", str(tmp_path / "new"), "--yes", "--dry-run", "--set", "language=python")
    assert done.returncode == 0, done.stderr
    assert 'CMD ["python", "main.py"]' in done.stdout


def test_a_procfile_shell_line_runs_in_a_shell(tmp_path):
    write_tree(tmp_path, {
        "Procfile": "web: flask db upgrade; gunicorn --bind 0.0.0.0:$PORT site:app\n",
        "requirements.txt": "flask\ngunicorn\n",
        "site.py": "from flask import Flask\napp = Flask(__name__)\n",
        "migrations/env.py": "from alembic import context\ncontext.configure()\nprint('migrating')\n",
        "tests.py": "import unittest\n\nif __name__ == '__main__':\n    unittest.main()\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["sh", "-c", "flask db upgrade; gunicorn --bind 0.0.0.0:8000 site:app"]
    assert p.port_env == "PORT"  # the Procfile's convention; gunicorn binds 0.0.0.0:$PORT by itself too
    assert not any(c.get("file") in ("migrations/env.py", "tests.py") for c in p.candidates)


def test_a_module_that_builds_a_web_app_is_not_a_script(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\nsentry-sdk\n",
        "app/__init__.py": "",
        "app/main.py": """
            import sentry_sdk
            from fastapi import FastAPI

            if True:
                sentry_sdk.init(dsn="")
            app = FastAPI()
            app.mount_frontend("/")
        """,
        "app/alembic/env.py": "print('migrate')\n",
    })
    p = build_profile(tmp_path)
    assert starts(p) == [["uvicorn", "app.main:app", "--host", "0.0.0.0"]]


def test_main_modules_that_are_not_module_names(tmp_path):
    write_tree(tmp_path / "a", {"my-tool/__main__.py": "print('a')\n"})
    write_tree(tmp_path / "b", {"__main__.py": "print('b')\n"})
    assert build_profile(tmp_path / "a").entrypoint == ["python", "my-tool"]
    assert build_profile(tmp_path / "b").entrypoint == ["python", "__main__.py"]


def test_a_chosen_server_candidate_is_bound_to_the_port(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "flask\ngunicorn\n",
                          "web.py": "from flask import Flask\napp = Flask(__name__)\n"})
    p = build_profile(tmp_path, [("entrypoint", ""), ("port", "7000")])
    assert p.entrypoint == ["gunicorn", "--bind", "0.0.0.0:7000", "web:app"]
    assert any("gunicorn web:app" in w for w in p.warnings)


def test_a_console_script_whose_function_starts_no_server_is_not_the_server(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.poetry]\nname = "blog"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\n'
                          'python = "^3.10"\nquart = "*"\n\n[tool.poetry.scripts]\ninit_db = "blog:init_db"\n'
                          'start = "blog:run"\n\n[build-system]\nrequires = ["poetry-core"]\n'
                          'build-backend = "poetry.core.masonry.api"\n',
        "src/blog/__init__.py": "from quart import Quart\n\napp = Quart(__name__)\n\n"
                                "def _connect():\n    return None\n\ndef init_db():\n    _connect()\n\n"
                                "def _serve():\n    app.run()\n\ndef run() -> None:\n    _serve()\n",
    })
    p = build_profile(tmp_path)
    # Quart's app.run() is its development server (127.0.0.1:5000): the app is served by hypercorn instead,
    # which Quart depends on (nothing more is installed)
    assert p.entrypoint == ["hypercorn", "blog:app", "--bind", "0.0.0.0:8000"]
    assert p.build.extra_packages == []
    assert not any(w.startswith("start command: chose") for w in p.warnings)
    scripts = {tuple(c["entrypoint"]): c for c in p.candidates if c.get("file") == "pyproject.toml"}
    assert "app.run(), the framework's development server" in scripts[("start",)]["why"]
    assert scripts[("init_db",)]["confidence"] < scripts[("start",)]["confidence"]


def test_a_console_script_that_starts_a_production_server_is_still_the_start_command(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "svc"\nversion = "1"\ndependencies = ["fastapi", "uvicorn"]\n\n'
                          '[project.scripts]\nsvc = "svc.main:serve"\nmigrate = "svc.main:migrate"\n\n'
                          '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        "src/svc/__init__.py": "",
        "src/svc/main.py": "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
                           "def migrate():\n    print('migrated')\n\n"
                           "def serve():\n    uvicorn.run(app, host='0.0.0.0', port=8000)\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["svc"]
    migrate = next(c for c in p.candidates if c.get("entrypoint") == ["migrate"])
    assert migrate["confidence"] == 0.72


MANAGE = ("import os, sys\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
          "'site_conf.settings')\n    from django.core.management import execute_from_command_line\n"
          "    execute_from_command_line(sys.argv)\n")
WSGI = ("import os\nfrom django.core.wsgi import get_wsgi_application\n\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_conf.settings')\n\n"
        "application = get_wsgi_application()\n")


def test_a_django_project_without_wsgi_application_is_served_from_its_wsgi_module(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "django\n",
        "manage.py": MANAGE,
        "site_conf/__init__.py": "",
        "site_conf/settings/__init__.py": "",
        "site_conf/settings/common.py": "DEBUG = False\nROOT_URLCONF = 'site_conf.urls'\n",
        "site_conf/wsgi.py": WSGI,
    })
    p = build_profile(tmp_path)
    assert p.framework == "django"
    assert p.entrypoint == ["gunicorn", "--bind", "0.0.0.0:8000", "site_conf.wsgi:application"]
    note = p.evidence["entrypoint"][0]
    assert (note.file, note.line) == ("site_conf/wsgi.py", 6)


def test_a_procfile_that_runs_djangos_development_server_is_kept_with_a_warning_naming_gunicorn(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "django\n",
        "manage.py": MANAGE,
        "site_conf/__init__.py": "",
        "site_conf/wsgi.py": WSGI,
        "Makefile": "run:\n\tpython -m manage runserver 0.0.0.0:8000\n",
        "Procfile": "web: make run\n",
    })
    p = build_profile(tmp_path)
    assert p.entrypoint == ["python", "-m", "manage", "runserver", "0.0.0.0:8000"]
    warning = next(w for w in p.warnings if "development server" in w)
    assert "(Makefile:2)" in warning and "--set entrypoint='gunicorn site_conf.wsgi:application'" in warning


# -- a repository of examples (openai-quickstart-python's shape) ----------------------------

def _examples_only(tmp_path: Path) -> Path:
    import shutil

    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "python-examples-only", app)
    (app / "containerize.toml").unlink()  # the answers the message leads to: not given yet
    return app


def test_a_repository_of_examples_names_them_and_the_answers_that_build_one(tmp_path):
    app = _examples_only(tmp_path)
    done = cli(str(app), "--yes", "--dry-run")
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "examples/chat-basic/app.py" in lines[0] and "examples/ask-cli/ask.py" in lines[0]
    given = lines[0].split("e.g. ", 1)[1]
    assert given == ("--set entrypoint='gunicorn --bind 0.0.0.0:8000 --chdir examples/chat-basic app:app' "
                     "--set port=8000")
    # the answers as the message gives them build the Flask example, probed on its / route
    done = cli(str(app), "--yes", "--dry-run", *shlex.split(given))
    assert done.returncode == 0, done.stderr
    assert 'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--chdir", "examples/chat-basic", "app:app"]' in done.stdout
    assert "EXPOSE 8000" in done.stdout and "'8000' + \\\"/\\\"" in done.stdout
    p = build_profile(app, [("entrypoint", "gunicorn --bind 0.0.0.0:8000 --chdir examples/chat-basic app:app"),
                            ("port", "8000")])
    assert p.framework == "flask" and p.health_path == "/"


def test_examples_are_never_chosen_as_the_start_command(tmp_path):
    app = _examples_only(tmp_path)
    p = build_profile(app, [])
    assert p.entrypoint == [] and "only examples" in start.missing_message(p)
    write_tree(app, {"main.py": "if __name__ == '__main__':\n    print('hi')\n"})
    p = build_profile(app, [])
    assert p.entrypoint == ["python", "main.py"]
    assert not any("example" in c for c in p.candidates)


def test_examples_that_are_scripts_are_named_with_python(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "requests\n",
                          "examples/basic/run.py": "def main():\n    print(1)\n\n\nif __name__ == '__main__':\n"
                                                   "    main()\n",
                          "examples/basic/helpers.py": "def helper():\n    return 1\n"})
    p = build_profile(tmp_path, [])
    assert p.entrypoint == []
    message = start.missing_message(p)
    assert "examples/basic/run.py" in message and "--set entrypoint='python examples/basic/run.py'" in message
    assert "--set port" not in message
