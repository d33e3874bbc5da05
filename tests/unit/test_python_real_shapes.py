"""Shapes of real Python apps that must build and run on the first try: included requirement files, git
dependencies, projects that are (or aren't) installed, PDM locks without markers, FastHTML under uvicorn,
Django's static files, files written beside the code, Flask's instance folder, Python versions."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from containerize import render
from containerize.checklist import build_profile
from containerize.languages.python import manifests
from projects import lint, profile_of, write_tree


def _dockerfile(tmp_path, files) -> tuple[object, str]:
    profile = build_profile(write_tree(tmp_path, files))
    dockerfile = render.render(profile)["Dockerfile"]
    lint(dockerfile, tmp_path)
    return profile, dockerfile


def _copy_lines(dockerfile: str) -> list[str]:
    build = dockerfile.split("# ---- runtime")[0]
    return [line for line in build.splitlines() if line.startswith("COPY ")]


# -- requirement files --------------------------------------------------------------------------

def test_included_requirement_files_are_copied_at_their_paths_before_pip_install(tmp_path):
    profile, dockerfile = _dockerfile(tmp_path, {
        "requirements.txt": "-c constraints.txt\n-r requirements/base.txt\n--requirement=requirements/extra.txt\n",
        "constraints.txt": "flask<4\n",
        "requirements/base.txt": "flask\n-r common.txt\n",
        "requirements/common.txt": "requests\n",
        "requirements/extra.txt": "redis\n",
        "requirements/dev.txt": "pytest\n",  # not included: not copied
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    assert profile.build.requirement_files == ["requirements.txt", "constraints.txt", "requirements/base.txt",
                                               "requirements/common.txt", "requirements/extra.txt"]
    assert {"flask", "requests", "redis"} <= set(profile.dependencies) and "pytest" not in profile.dependencies
    copies = _copy_lines(dockerfile)
    assert copies[:2] == ["COPY requirements.txt constraints.txt ./",
                          "COPY requirements/base.txt requirements/common.txt requirements/extra.txt requirements/"]
    build = dockerfile.split("# ---- runtime")[0]
    assert build.index(copies[1]) < build.index("pip install -r requirements.txt")


def test_an_include_outside_the_project_or_missing_is_not_copied(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "-r ../shared.txt\n-r missing.txt\n-c /etc/constraints.txt\nflask\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    }))
    assert profile.build.requirement_files == ["requirements.txt"]


def test_git_requirements_build_on_the_image_that_has_git(tmp_path):
    profile, dockerfile = _dockerfile(tmp_path, {
        "requirements.txt": "flask\nmylib @ git+https://example.com/org/mylib.git@v1\n"
                            "git+https://example.com/org/other.git#egg=other\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    assert profile.build.git
    build_from = next(ln for ln in dockerfile.splitlines() if ln.endswith("AS build"))
    assert build_from == "FROM python:${PYTHON_VERSION}-bookworm AS build"  # the full image ships git
    runtime_from = dockerfile.split("# ---- runtime")[1].splitlines()[1]
    assert "slim" in runtime_from
    assert any(e.why.startswith("a dependency is fetched with git") and e.file == "requirements.txt"
               and e.line == 2 for e in profile.evidence["system_packages"])


def test_git_dependencies_in_poetry_and_pyproject(tmp_path):
    poetry = build_profile(write_tree(tmp_path / "a", {
        "pyproject.toml": """
            [tool.poetry]
            name = "x"
            version = "0"
            [tool.poetry.dependencies]
            python = "^3.11"
            lib = { git = "https://example.com/org/lib.git", tag = "v1" }
        """,
        "main.py": "print(1)\n",
    }))
    assert poetry.build.git
    plain = build_profile(write_tree(tmp_path / "b", {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["lib @ git+https://e.com/l.git"]\n',
        "main.py": "print(1)\n",
    }))
    assert plain.build.git
    none = build_profile(write_tree(tmp_path / "c", {"requirements.txt": "gitpython\n", "main.py": "print(1)\n"}))
    assert not none.build.git


# -- installing the project itself --------------------------------------------------------------

POETRY = """
    [tool.poetry]
    name = "shop"
    version = "0.1.0"
    {extra}
    [tool.poetry.dependencies]
    python = "^3.11"
    flask = "^3.0"
    {scripts}
    [build-system]
    requires = ["poetry-core"]
    build-backend = "poetry.core.masonry.api"
"""


@pytest.mark.parametrize("extra, scripts, installed", [
    ("package-mode = false", "", False),
    ("package-mode = false", '[tool.poetry.scripts]\nshop = "app:main"', False),
    ("", "", False),  # no console scripts: the code runs from /app
    ("", '[tool.poetry.scripts]\nshop = "app:main"', True),
])
def test_poetry_installs_the_project_only_for_its_console_scripts(tmp_path, extra, scripts, installed):
    profile, dockerfile = _dockerfile(tmp_path, {
        "pyproject.toml": textwrap.dedent(POETRY).format(extra=extra, scripts=scripts),
        "poetry.lock": "# lock\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\ndef main():\n    app.run()\n",
    })
    assert profile.build.installable is installed
    assert ("pip install --no-deps ." in dockerfile) is installed
    assert "poetry export" in dockerfile


def test_a_pyproject_with_a_build_backend_but_no_scripts_is_not_installed(tmp_path):
    # Flask's tutorial: flit, a package, no console scripts; `pip install .` adds nothing the app needs
    profile, dockerfile = _dockerfile(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "flaskr"
            version = "1.0.0"
            dependencies = ["flask"]
            [build-system]
            requires = ["flit_core<4"]
            build-backend = "flit_core.buildapi"
        """,
        "flaskr/__init__.py": "from flask import Flask\ndef create_app():\n    return Flask(__name__)\n",
    })
    assert not profile.build.installable and "pip install --no-deps ." not in dockerfile
    assert profile.entrypoint[-1] == "flaskr:create_app()"


def test_a_console_script_project_is_installed(tmp_path):
    profile, dockerfile = _dockerfile(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "tool"
            version = "1"
            requires-python = ">=3.11"
            dependencies = ["click"]
            [project.scripts]
            tool = "tool.cli:main"
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"
        """,
        "tool/__init__.py": "",
        "tool/cli.py": "def main():\n    print('hi')\n",
    })
    assert profile.build.installable and "pip install --no-deps ." in dockerfile
    assert profile.entrypoint == ["tool"]


def test_pdm_distribution_false_is_not_installed(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n'
                          '[project.scripts]\nx = "app:main"\n[tool.pdm]\ndistribution = false\n'
                          '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n',
        "pdm.lock": '[metadata]\nstrategy = ["inherit_metadata"]\n',
        "app.py": "def main():\n    print(1)\n",
    }))
    assert not profile.build.installable


def test_uv_package_false_is_not_installed(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n'
                          '[project.scripts]\nx = "app:main"\n[tool.uv]\npackage = false\n'
                          '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        "uv.lock": "version = 1\n",
        "app.py": "def main():\n    print(1)\n",
    }))
    assert not profile.build.installable


def test_tool_tables_of_the_wrong_type_are_ignored(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n'
                          '[project.scripts]\nx = "app:main"\n[tool]\nuv = "yes"\npdm = 1\n'
                          '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        "app.py": "def main():\n    print(1)\n",
    }))
    assert profile.build.installable


@pytest.mark.parametrize("lock, relock", [
    ('[metadata]\ngroups = ["default"]\nstrategy = ["cross_platform"]\nlock_version = "4.4"\n', True),
    ('[metadata]\ngroups = ["default"]\nstrategy = ["inherit_metadata"]\nlock_version = "4.5.0"\n', False),
    ("# an old lock with no metadata\n", True),
])
def test_a_pdm_lock_without_markers_is_relocked_before_export(tmp_path, lock, relock):
    profile, dockerfile = _dockerfile(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["fastapi", "uvicorn"]\n',
        "pdm.lock": lock,
        "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    })
    assert profile.build.pdm_relock is relock
    assert ("pdm lock --update-reuse --strategy inherit_metadata" in dockerfile) is relock
    assert "pdm export --prod" in dockerfile


def test_a_broken_pdm_lock_is_one_error(tmp_path):
    from containerize.checklist import AnalysisError

    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n', "pdm.lock": "[metadata\n", "a.py": ""})
    with pytest.raises((AnalysisError, manifests.ManifestError)):
        build_profile(tmp_path)


# -- how the app runs ---------------------------------------------------------------------------

def test_fasthtml_runs_under_uvicorn_with_a_writable_folder(tmp_path):
    profile, dockerfile = _dockerfile(tmp_path, {
        "requirements.txt": "python-fasthtml\n",
        "main.py": """
            from fasthtml.common import *

            app, rt, todos, Todo = fast_app("data/todos.db", id=int, title=str, pk="id")

            @rt("/")
            def get():
                return Titled("Todos")

            serve()
        """,
    })
    assert profile.framework == "fasthtml"
    assert profile.entrypoint == ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "5001"]
    assert profile.ports == [5001]
    # python-fasthtml brings uvicorn; fast_app() with a database needs fastlite, which it doesn't bring
    assert profile.build.extra_packages == ["fastlite>=0.1,<1"]
    assert 'pip install -r requirements.txt \\\n && pip install "fastlite>=0.1,<1"' in dockerfile
    # the database's folder is a volume (the file stays a file); .sesskey, written to the working folder,
    # lives in a volume of its own and is linked from /app, so the code stays read-only
    assert profile.writable_paths == ["/app/data", "/var/lib/app"]
    assert profile.build.state_files == [".sesskey"]
    assert ("RUN mkdir -p /app/data /var/lib/app \\\n && chown 10001:10001 /app/data /var/lib/app \\\n"
            " && { [ ! -e /app/.sesskey ] || mv /app/.sesskey /var/lib/app/.sesskey; } \\\n"
            " && ln -s /var/lib/app/.sesskey /app/.sesskey \\\n"
            " && chown -R 10001:10001 /var/lib/app\n") in dockerfile
    assert "chown 10001:10001 /app\n" not in dockerfile and "chown 10001:10001 /app " not in dockerfile
    assert ".sesskey" in render.render(profile)[".dockerignore"].splitlines()
    assert not any("start command" in w for w in profile.warnings)


def test_fasthtml_without_a_database_or_with_fastlite_declared_needs_nothing_more(tmp_path):
    plain = build_profile(write_tree(tmp_path / "a", {
        "requirements.txt": "python-fasthtml\n",
        "main.py": "from fasthtml.common import *\napp, rt = fast_app()\n",
    }))
    assert plain.build.extra_packages == [] and plain.entrypoint[:2] == ["uvicorn", "main:app"]
    declared = build_profile(write_tree(tmp_path / "b", {
        "requirements.txt": "python-fasthtml\nfastlite\n",
        "main.py": "from fasthtml.common import *\napp, rt, items, Item = fast_app('items.db', id=int, pk='id')\n",
    }))
    assert declared.build.extra_packages == []
    assert declared.build.state_files == [".sesskey", "items.db"] or \
        sorted(declared.build.state_files) == [".sesskey", "items.db"]


def test_fast_app_with_a_single_target_and_a_plain_starlette_app(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "starlette\n",
        "main.py": """
            from starlette.applications import Starlette
            from starlette.responses import PlainTextResponse
            from starlette.routing import Route

            async def home(request):
                return PlainTextResponse("hi")

            app = Starlette(routes=[Route("/", home)])
        """,
    }))
    assert profile.entrypoint[:2] == ["uvicorn", "main:app"] and profile.build.extra_packages
    assert not profile.build.state_files and profile.writable_paths == []


def test_the_app_user_has_a_writable_home_for_gunicorns_control_socket(tmp_path):
    _profile, dockerfile = _dockerfile(tmp_path, {
        "requirements.txt": "flask\ngunicorn>=25\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    runtime = dockerfile.split("# ---- runtime")[1]
    assert "    HOME=/tmp \\\n" in runtime
    assert runtime.index("HOME=/tmp") < runtime.index("USER 10001:10001")


def test_a_procfile_command_is_not_a_guess_when_the_framework_agrees(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "django\ngunicorn\n",
        "Procfile": "web: gunicorn site1.wsgi\n",
        "manage.py": "import os\n",
        "site1/__init__.py": "",
        "site1/settings.py": "WSGI_APPLICATION = 'site1.wsgi.application'\n",
        "site1/wsgi.py": "application = None\n",
    }))
    assert profile.entrypoint[0] == "gunicorn" and profile.entrypoint[-1] == "site1.wsgi"
    assert not any(w.startswith("start command") for w in profile.warnings)


# -- Django static files, SQLite beside the code ------------------------------------------------

DJANGO_SETTINGS = """
    import os
    from pathlib import Path

    BASE_DIR = Path(__file__).resolve().parent.parent
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    DEBUG = os.environ.get("DEBUG", "") == "1"
    WSGI_APPLICATION = "site1.wsgi.application"
    DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db}}}}}
    STATIC_URL = "static/"
    {static}
"""


def _django(tmp_path, db: str, static: str) -> dict:
    return {
        "requirements.txt": "django>=5\nwhitenoise\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
        "site1/__init__.py": "",
        "site1/settings.py": textwrap.dedent(DJANGO_SETTINGS).format(db=db, static=static),
        "site1/wsgi.py": "application = None\n",
    }


def test_django_collects_static_files_at_build_time(tmp_path):
    profile, dockerfile = _dockerfile(tmp_path, _django(
        tmp_path, 'BASE_DIR / "db.sqlite3"',
        'STATIC_ROOT = BASE_DIR / "staticfiles"\n'
        'STORAGES = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}'))
    assert profile.build.collectstatic and profile.build.build_placeholders == ["DJANGO_SECRET_KEY"]
    runtime = dockerfile.split("# ---- runtime")[1]
    step = "RUN DJANGO_SECRET_KEY=build-time-placeholder python manage.py collectstatic --noinput"
    assert step in runtime
    assert runtime.index("COPY . .") < runtime.index(step) < runtime.index("USER 10001:10001")
    assert "ENV DJANGO_SECRET_KEY" not in dockerfile  # the placeholder lives in that one step only
    # db.sqlite3 beside manage.py: kept in a volume, linked from its path; never made a folder
    assert profile.writable_paths == ["/var/lib/app"] and profile.build.state_files == ["db.sqlite3"]
    assert "mkdir -p /app/db.sqlite3" not in dockerfile and "chown 10001:10001 /app/db.sqlite3" not in dockerfile
    assert "collectstatic --noinput \\\n && mkdir -p /var/lib/app" in runtime
    assert " && ln -s /var/lib/app/db.sqlite3 /app/db.sqlite3 \\\n && chown -R 10001:10001 /var/lib/app\n" in runtime
    assert any(w.startswith("the app writes db.sqlite3 in its own folder") for w in profile.warnings)
    compose = render.render(profile)["compose.yaml"]
    assert ":/var/lib/app\"" in compose and "- /app\n" not in compose
    # the shell around the move is not read as folders to give a tmpfs (once: `- /app/};`)
    tmpfs = compose.split("tmpfs:\n", 1)[1].split("cap_drop:", 1)[0]
    assert tmpfs.split() == ["-", "/tmp"], tmpfs


def test_django_without_static_root_has_no_collectstatic(tmp_path):
    profile, dockerfile = _dockerfile(tmp_path, _django(tmp_path, 'BASE_DIR / "data" / "db.sqlite3"', ""))
    assert not profile.build.collectstatic and "collectstatic" not in dockerfile
    # a database in a folder: the folder is a volume, the file stays a file
    assert profile.writable_paths == ["/app/data"] and not profile.build.state_files
    assert "mkdir -p /app/data \\" in dockerfile and "db.sqlite3" not in dockerfile


@pytest.mark.parametrize("code, folder", [
    ('DB_FILE = os.environ.get("DB_FILE", "var/app.db")\nopen(DB_FILE, "a")\n', "/app/var"),
    ('import sqlite3\nsqlite3.connect("state/cache.sqlite")\n', "/app/state"),
    ('from pathlib import Path\nPath("logs/run.log").write_text("x")\n', "/app/logs"),
])
def test_a_written_file_puts_its_folder_on_a_volume(tmp_path, code, folder):
    profile = build_profile(write_tree(tmp_path, {"main.py": "import os\n" + code + "print(1)\n"}))
    assert profile.writable_paths == [folder]
    compose = render.render(profile)["compose.yaml"]
    assert f":{folder}" in compose and ".db:" not in compose and ".sqlite:" not in compose


# -- Flask's instance folder --------------------------------------------------------------------

@pytest.mark.parametrize("package, folder", [
    ("flaskr/__init__.py", "/app/instance"),
    ("src/blog/__init__.py", "/app/src/instance"),
    ("app.py", "/app/instance"),
])
def test_flasks_instance_folder_is_writable(tmp_path, package, folder):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\n",
        package: """
            import os
            from flask import Flask

            def create_app():
                app = Flask(__name__, instance_relative_config=True)
                app.config.from_mapping(DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"))
                try:
                    os.makedirs(app.instance_path)
                except OSError:
                    pass
                return app
        """,
    }))
    assert profile.writable_paths == [folder]
    assert any(e.why.startswith("creates the folder") for e in profile.evidence["writable_paths"])


def test_instance_path_of_something_else_is_not_flasks(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "main.py": "import os\nclass C:\n    instance_path = '/x'\nos.makedirs(C().instance_path)\nprint(1)\n",
    }))
    assert profile.writable_paths == []


# -- Python versions ----------------------------------------------------------------------------

@pytest.mark.parametrize("files, version", [
    ({"Pipfile": '[packages]\nflask = "*"\n[requires]\npython_version = "3.10"\n'}, "3.10"),
    ({"Pipfile": '[packages]\nflask = "*"\n[requires]\npython_full_version = "3.11.7"\n'}, "3.11.7"),
    ({".python-version": "3.11.9\n", "requirements.txt": "flask\n"}, "3.11.9"),  # a patch pin stays exact
    ({".python-version": "3.10.4\n", "requirements.txt": "flask\n"}, "3.10"),  # before the bookworm images
    ({".python-version": "pypy3.10\n3.13\n", "requirements.txt": "flask\n"}, "3.13"),
    ({".tool-versions": "nodejs 20.1.0\npython 3.12.7\n", "requirements.txt": "flask\n"}, "3.12.7"),
    ({"runtime.txt": "python-3.13.1\n", "requirements.txt": "flask\n"}, "3.13.1"),
    ({"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.8,<3.9"\n'}, "3.8"),
    ({"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.9,<3.12"\n'}, "3.11"),
    ({"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.10"\n'}, "3.12"),
    ({"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = "~=3.10.2"\n'}, "3.10"),
    ({"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = "<=3.11"\n'}, "3.11"),
])
def test_python_version_sources_within_published_tags(tmp_path, files, version):
    from containerize.image_tags import published

    profile = build_profile(write_tree(tmp_path, {**files, "main.py": "print(1)\n"}))
    assert profile.runtime_version == version
    assert published("python", version)
    dockerfile = render.render(profile)["Dockerfile"]
    assert f"ARG PYTHON_VERSION={version}\n" in dockerfile


def test_an_unpublished_python_pin_falls_back_with_a_warning(tmp_path):
    profile = build_profile(write_tree(tmp_path, {".python-version": "3.6.15\n", "main.py": "print(1)\n"}))
    assert profile.runtime_version == "3.8"
    assert any(w.startswith(".python-version: ") and "3.8" in w for w in profile.warnings)
    impossible = build_profile(write_tree(tmp_path / "b", {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=4"\n',
        "main.py": "print(1)\n"}))
    assert impossible.runtime_version in manifests.KNOWN_PYTHONS
    assert any(w.startswith("pyproject.toml: requires-python = '>=4'") for w in impossible.warnings)


@pytest.mark.parametrize("spec, version", [
    (">=3.9", "3.12"), ("^3.11", "3.12"), ("~3.10", "3.10"), ("==3.13.*", "3.13"), (">=3.13", "3.14"),
    ("<3.12.4", "3.12"),  # 3.12.0 to 3.12.3 have no tag of their own... but the line admits them
    ("<3.12", "3.11"), ("<3.10", "3.9"), ("==3.14.*", "3.14"),
])
def test_pick_version(spec, version):
    assert manifests.pick_version(spec)[0] == version


def test_the_python_lines_are_the_shared_tables():
    from containerize.image_tags import FAMILIES

    assert manifests.KNOWN_PYTHONS == FAMILIES["python"].lines
    assert manifests.DEFAULT_PYTHON == FAMILIES["python"].default
    assert manifests.pick_version("^2.7")[1]  # nothing published: a note


# -- the committed fixtures ---------------------------------------------------------------------

def test_the_django_static_fixture():
    profile = profile_of("python-django-static")
    assert profile.build.collectstatic and profile.writable_paths == ["/var/lib/app"]
    assert profile.build.state_files == ["db.sqlite3"]
    assert profile.entrypoint[:3] == ["gunicorn", "--bind", "0.0.0.0:8000"]


def test_the_flask_instance_fixture():
    profile = profile_of("python-flask-instance")
    assert profile.writable_paths == ["/app/instance"] and not profile.build.installable
    assert profile.build.requirement_files == ["requirements.txt", "requirements/base.txt",
                                               "requirements/constraints.txt"]


def test_the_fasthtml_fixture():
    profile = profile_of("python-fasthtml")
    assert profile.entrypoint[:2] == ["uvicorn", "main:app"] and profile.build.state_files == [".sesskey"]
    assert profile.writable_paths == ["/app/data", "/var/lib/app"]
    assert profile.build.extra_packages == ["fastlite>=0.1,<1"]  # python-fasthtml no longer brings it


def test_the_poetry_non_package_fixture():
    profile = profile_of("python-poetry-app")
    assert profile.build.install == "poetry" and not profile.build.installable
    assert profile.entrypoint == ["gunicorn", "--bind", "0.0.0.0:8000", "main:app"]
    assert profile.health_path == "/healthz"


def test_the_pdm_fixture_is_relocked_and_not_installed():
    profile = profile_of("python-pdm")
    assert profile.build.install == "pdm" and profile.build.pdm_relock and not profile.build.installable
    assert profile.entrypoint[:2] == ["uvicorn", "main:app"]
    assert profile.runtime_version == "3.12"  # requires-python = ">=3.11,<3.14": a published line it allows


# -- the health check's path --------------------------------------------------------------------

def test_an_api_with_no_root_or_health_route_is_probed_on_a_route_it_serves():
    profile = profile_of("python-api-routes")
    assert profile.health_path == "/api/notes"  # not /notes/<int:note_id>, and not /, which is a 404
    assert '\\"/api/notes\\"' in render.render(profile)["Dockerfile"]


@pytest.mark.parametrize("routes, path", [
    ('@app.get("/items/<int:i>")\ndef a(i): ...\n@app.get("/items")\ndef b(): ...\n', "/items"),
    ('@app.get("/")\ndef a(): ...\n@app.get("/items")\ndef b(): ...\n', "/"),
    ('@app.get("/items")\ndef a(): ...\n@app.get("/ping")\ndef b(): ...\n', "/ping"),
    ('@app.get("/items/<i>")\ndef a(i): ...\n', "/"),  # only a parameterised route: / with low confidence
])
def test_the_probe_path_is_a_route_the_code_serves(tmp_path, routes, path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n" + routes}))
    assert profile.health_path == path


def test_pdm_is_installed_with_a_hishel_it_can_import():
    dockerfile = render.render(profile_of("python-pdm"))["Dockerfile"]
    assert '"pdm==${PDM_VERSION}" "hishel<2"' in dockerfile  # hishel 2.0 removed the storage class pdm 2.29 uses


def test_an_app_made_by_a_function_of_its_module_on_routers_under_a_prefix():
    """app = get_application() (not a create_app name) starts under uvicorn; the routers' routes are under
    a prefix read from a setting, so the probe is FastAPI's /docs, not /items (a 404)."""
    profile = profile_of("python-fastapi-routers")
    assert profile.entrypoint[:2] == ["uvicorn", "app.main:app"] and profile.framework == "fastapi"
    assert "get_application(), which builds a FastAPI app" in profile.evidence["entrypoint"][0].why
    assert profile.health_path == "/docs"


ROUTER = ('from fastapi import APIRouter\nrouter = APIRouter({args})\n'
          '@router.get("/items")\ndef items(): ...\n')


@pytest.mark.parametrize("files, path", [
    # a Flask blueprint registered with no prefix: its routes are the app's
    ({"views.py": 'from flask import Blueprint\nbp = Blueprint("v", __name__)\n@bp.get("/ping")\ndef p(): ...\n',
      "app.py": 'from flask import Flask\nfrom views import bp\napp = Flask(__name__)\napp.register_blueprint(bp)\n'},
     "/ping"),
    # registered under a prefix: /ping is not served, the root route is
    ({"views.py": 'from flask import Blueprint\nbp = Blueprint("v", __name__)\n@bp.get("/ping")\ndef p(): ...\n',
      "app.py": 'from flask import Flask\nfrom views import bp\napp = Flask(__name__)\n'
                'app.register_blueprint(bp, url_prefix="/v1")\n@app.get("/")\ndef home(): ...\n'}, "/"),
    ({"views.py": 'from flask import Blueprint\nbp = Blueprint("v", __name__, url_prefix="/v1")\n'
                  '@bp.get("/ping")\ndef p(): ...\n',
      "app.py": 'from flask import Flask\nfrom views import bp\napp = Flask(__name__)\napp.register_blueprint(bp)\n'},
     "/"),
])
def test_routes_under_a_prefix_are_not_probed_bare(tmp_path, files, path):
    profile = build_profile(write_tree(tmp_path, {"requirements.txt": "flask\n", **files}))
    assert profile.health_path == path


@pytest.mark.parametrize("args, main, path", [
    ("", 'app.include_router(router)\n@app.get("/healthz")\ndef h(): ...\n', "/healthz"),
    ("", "app.include_router(router)\n", "/docs"),  # a plain route, but FastAPI's /docs is the safer probe
    ('prefix="/v1"', "app.include_router(router)\n", "/docs"),
    ("", "app = FastAPI(docs_url=None)\napp.include_router(router)\n", "/items"),  # no /docs page
])
def test_a_fastapi_app_is_probed_on_a_health_route_or_its_docs(tmp_path, args, main, path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\n", "routes.py": ROUTER.format(args=args),
        "main.py": "from fastapi import FastAPI\nfrom routes import router\napp = FastAPI()\n" + main}))
    assert profile.health_path == path


def test_a_streamlit_app_runs_under_streamlit_on_all_interfaces(tmp_path):
    """A Streamlit script runs top to bottom under `streamlit run` (under `python` it serves nothing);
    its pages/ run from the main file; the probe is Streamlit's health endpoint."""
    profile, dockerfile = _dockerfile(tmp_path, {
        "requirements.txt": "streamlit==1.40.0\n",
        "streamlit_app.py": 'import streamlit as st\nst.title("Tides")\nst.write(st.slider("hour", 0, 23))\n',
        "pages/2_Chart.py": 'import streamlit as st\nst.line_chart([1, 2, 3])\n',
        "helpers.py": "def tide(hour):\n    return hour % 12\n",
    })
    assert profile.entrypoint == ["streamlit", "run", "streamlit_app.py", "--server.address", "0.0.0.0",
                                  "--server.port", "8501"]
    assert (profile.framework, profile.ports, profile.health_path) == ("streamlit", [8501], "/_stcore/health")
    assert not profile.warnings
    assert 'CMD ["streamlit", "run", "streamlit_app.py", "--server.address", "0.0.0.0", "--server.port", ' \
           '"8501"]' in dockerfile


def test_url_paths_in_names_are_not_files_to_mount(tmp_path):
    """A controller's `path = "/api/users"` and an API_PREFIX are URL paths, not folders outside the app;
    SHARED_DIR still is one."""
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "litestar\nuvicorn\n",
        "app.py": 'from litestar import Controller, Litestar, get\n'
                  'API_PREFIX = "/api/v1"\nSHARED_DIR = "/srv/shared"\nDOCS_URL_PATH = "/schema/docs"\n'
                  'class Users(Controller):\n    path = "/api/users"\n'
                  '    @get("/")\n    async def index(self) -> str:\n        return "ok"\n'
                  'app = Litestar([Users])\n',
    }))
    assert profile.read_paths == ["/srv/shared"]


@pytest.mark.parametrize("launch, port, port_env, warned", [
    ("demo.launch()", 7860, "GRADIO_SERVER_PORT", False),
    ("demo.launch(server_port=7000)", 7000, None, False),
    ('demo.launch(server_name="127.0.0.1")', 7860, "GRADIO_SERVER_PORT", True),  # fixed in code: only a warning
])
def test_a_gradio_app_listens_on_all_interfaces_at_its_port(tmp_path, launch, port, port_env, warned):
    """Gradio's launch() listens on 127.0.0.1:7860 unless GRADIO_SERVER_NAME/GRADIO_SERVER_PORT say otherwise:
    the image sets both (arguments to launch() win, and a loopback one is a warning with its line)."""
    profile, dockerfile = _dockerfile(tmp_path, {
        "requirements.txt": "gradio\n",
        "app.py": "import gradio as gr\n\ndef greet(name):\n    return 'Hello ' + name\n\n"
                  "with gr.Blocks() as demo:\n    box = gr.Textbox()\n    box.submit(greet, box, box)\n\n"
                  + launch + "\n",
    })
    assert (profile.entrypoint, profile.framework, profile.ports) == (["python", "app.py"], "gradio", [port])
    assert profile.port_env == port_env
    assert "ENV GRADIO_SERVER_NAME=0.0.0.0" in dockerfile
    assert any(w.startswith("app.py:10: the server listens on 127.0.0.1") for w in profile.warnings) == warned


def test_a_gradio_interface_launched_in_one_expression(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "gradio\n",
        "app.py": "import gradio as gr\ngr.Interface(fn=lambda s: s[::-1], inputs='text', outputs='text').launch()\n"}))
    assert (profile.framework, profile.ports, profile.port_env) == ("gradio", [7860], "GRADIO_SERVER_PORT")


def test_a_sqlite_url_template_is_not_a_file_the_app_writes(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\n",
        "app.py": "import os\nfrom flask import Flask\napp = Flask(__name__)\nDB_PATH = os.environ.get('DB', 'x.db')\n"
                  "URI = 'sqlite:///{0}'.format(DB_PATH)\nOTHER = 'sqlite:///%s' % DB_PATH\n"}))
    assert not any("{0}" in w or "%s" in w for w in profile.warnings) and profile.writable_paths == []


def test_a_url_secret_the_settings_require_gets_a_placeholder_url_of_its_kind_for_collectstatic(tmp_path):
    """dj_database_url parses DATABASE_URL while the settings load: `build-time-placeholder` fails the build."""
    profile, dockerfile = _dockerfile(tmp_path, {
        "requirements.txt": "django\ndj-database-url\npsycopg2-binary\nwhitenoise\n",
        "manage.py": "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n"
                     "from django.core.management import execute_from_command_line\n"
                     "execute_from_command_line(sys.argv)\n",
        "site_cfg/__init__.py": "",
        "site_cfg/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        "site_cfg/settings.py": "import os\nimport dj_database_url\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n"
                                "DATABASES = {'default': dj_database_url.parse(os.environ['DATABASE_URL'])}\n"
                                "CACHE_URL = os.environ['REDIS_URL']\nSTATIC_ROOT = 'static'\n"
                                "WSGI_APPLICATION = 'site_cfg.wsgi.application'\n",
    })
    assert profile.build.collectstatic
    step = next(line for line in dockerfile.splitlines() if "collectstatic" in line)
    assert "DATABASE_URL=postgres://localhost/build" in step and "REDIS_URL=redis://localhost/0" in step
    assert "DJANGO_SECRET_KEY=build-time-placeholder" in step


@pytest.mark.parametrize("files, entrypoint, framework, port, port_env", [
    # Dash: its Flask server under gunicorn when the module names it, else run() with HOST and PORT
    ({"requirements.txt": "dash\n", "app.py": "from dash import Dash, html\napp = Dash(__name__)\nserver = app.server\n"
      "app.layout = html.Div('hi')\nif __name__ == '__main__':\n    app.run(debug=True)\n"},
     ["gunicorn", "--bind", "0.0.0.0:8000", "app:server"], "dash", 8000, None),
    ({"requirements.txt": "dash\n", "app.py": "from dash import Dash, html\napp = Dash(__name__)\n"
      "app.layout = html.Div('hi')\nif __name__ == '__main__':\n    app.run(debug=True)\n"},
     ["python", "app.py"], "dash", 8050, "PORT"),
    # aiohttp's run_app listens on 8080 unless told otherwise
    ({"requirements.txt": "aiohttp\n", "server.py": "from aiohttp import web\napp = web.Application()\n"
      "if __name__ == '__main__':\n    web.run_app(app)\n"}, ["python", "server.py"], "aiohttp", 8080, None),
    # Sanic runs from its own command line
    ({"requirements.txt": "sanic\n", "server.py": "from sanic import Sanic\nfrom sanic.response import text\n"
      "app = Sanic('Hello')\n@app.get('/')\nasync def hi(request):\n    return text('hi')\n"},
     ["sanic", "server:app", "--host", "0.0.0.0", "--port", "8000"], "sanic", 8000, None),
])
def test_servers_that_listen_on_their_own_defaults(tmp_path, files, entrypoint, framework, port, port_env):
    profile, dockerfile = _dockerfile(tmp_path, files)
    assert (profile.entrypoint, profile.framework, profile.ports, profile.port_env) == (
        entrypoint, framework, [port], port_env)
    assert f"EXPOSE {port}" in dockerfile
    if entrypoint == ["python", "app.py"]:  # Dash's run() reads HOST (127.0.0.1 by default): all interfaces
        assert "ENV HOST=0.0.0.0" in dockerfile


@pytest.mark.parametrize("code, entrypoint", [
    ("import falcon\napp = falcon.App()\n", ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]),
    ("import falcon.asgi\napp = falcon.asgi.App()\n", ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]),
])
def test_a_falcon_app_is_served_by_a_wsgi_or_asgi_server(tmp_path, code, entrypoint):
    profile = build_profile(write_tree(tmp_path, {"requirements.txt": "falcon\n", "app.py": code}))
    assert (profile.entrypoint, profile.framework) == (entrypoint, "falcon")


def test_a_run_function_imported_by_name_is_read_for_its_port_and_address(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "bottle\n",
        "app.py": "from bottle import route, run\n@route('/')\ndef index():\n    return 'hi'\n"
                  "run(host='localhost', port=8080)\n"}))
    assert profile.ports == [8080]
    assert any(w.startswith("app.py:5: the server listens on localhost") for w in profile.warnings)


# -- packages that live deeper than src/ (src/py/app) ------------------------------------------------

def test_a_package_under_src_py_is_imported_from_the_folder_the_build_settings_name():
    profile = profile_of("python-src-nested")
    assert profile.framework == "starlette"
    assert profile.entrypoint == ["uvicorn", "app.server.asgi:create_app", "--factory", "--app-dir", "src/py",
                                  "--host", "0.0.0.0", "--port", "8000"]
    note = profile.evidence["entrypoint"][0]
    assert note.file == "src/py/app/server/asgi.py"
    assert "the packages live in src/py/ (pyproject.toml:16)" in note.why
    dockerfile = render.render(profile)["Dockerfile"]
    assert dockerfile.rstrip().splitlines()[-1].startswith('CMD ["uvicorn", "app.server.asgi:create_app"')


_FACTORY = "from litestar import Litestar\n\ndef create_app():\n    return Litestar(route_handlers=[])\n"


@pytest.mark.parametrize("config, root", [
    # hatch: the package's parent folder, or the sources prefix
    ('[tool.hatch.build.targets.wheel]\npackages = ["src/py/app"]\n', "src/py"),
    ('[tool.hatch.build]\nsources = ["src/py"]\n', "src/py"),
    ('[tool.hatch.build.targets.wheel.sources]\n"src/py" = ""\n', "src/py"),
    # setuptools
    ('[tool.setuptools.packages.find]\nwhere = ["src/py"]\n', "src/py"),
    ('[tool.setuptools.package-dir]\n"" = "src/py"\n', "src/py"),
    # Poetry, PDM, uv's build backend, maturin
    ('[tool.poetry]\npackages = [{ include = "app", from = "src/py" }]\n', "src/py"),
    ('[tool.pdm.build]\npackage-dir = "src/py"\n', "src/py"),
    ('[tool.uv.build-backend]\nmodule-root = "./src/py/"\n', "src/py"),
    ('[tool.maturin]\npython-source = "src/py"\n', "src/py"),
])
def test_the_package_folder_is_read_from_each_build_backend(tmp_path, config, root):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["litestar", "uvicorn"]\n\n'
                          '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n' + config,
        "src/py/app/__init__.py": "",
        "src/py/app/asgi.py": _FACTORY,
    }))
    assert profile.entrypoint[:5] == ["uvicorn", "app.asgi:create_app", "--factory", "--app-dir", root]
    assert f"the packages live in {root}/ (pyproject.toml:" in profile.evidence["entrypoint"][0].why


def test_setup_cfg_package_dir_names_the_package_folder(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\n",
        "setup.cfg": "[metadata]\nname = web\n\n[options]\npackage_dir =\n    =lib/python\npackages = find:\n",
        "lib/python/web/__init__.py": "",
        "lib/python/web/app.py": "from flask import Flask\napp = Flask(__name__)\n",
    }))
    # setup.cfg alone doesn't make the project installed here (requirements.txt installs the dependencies)
    assert profile.entrypoint[-1] == "web.app:app"
    assert "setup.cfg:5" in profile.evidence["entrypoint"][0].why


def test_an_installed_project_imports_its_nested_package_from_site_packages(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["litestar", "uvicorn"]\n\n'
                          '[project.scripts]\napp = "app.__main__:run_cli"\n\n'
                          '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
                          '[tool.hatch.build]\ndev-mode-dirs = ["src/py", "."]\nsources = ["src/py"]\n\n'
                          '[tool.hatch.build.targets.wheel]\npackages = ["src/py/app"]\n',
        "src/py/app/__init__.py": "",
        "src/py/app/__main__.py": "def run_cli():\n    pass\n\nif __name__ == '__main__':\n    run_cli()\n",
        "src/py/app/server/__init__.py": "",
        "src/py/app/server/asgi.py": _FACTORY,
    }))
    assert profile.build.installable
    assert profile.entrypoint[:3] == ["uvicorn", "app.server.asgi:create_app", "--factory"]
    assert "--app-dir" not in profile.entrypoint
    # the line that declares the package, not the first line naming its folder (dev-mode-dirs)
    assert "(pyproject.toml:18)" in profile.evidence["entrypoint"][0].why
    candidates = [c["entrypoint"] for c in profile.candidates if "entrypoint" in c]
    assert ["python", "-m", "app"] in candidates and not any("py.app" in " ".join(c) for c in candidates)


def test_a_package_main_in_a_folder_that_is_not_installed_runs_with_that_folder_on_the_path(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["requests"]\n\n'
                          '[tool.setuptools.packages.find]\nwhere = ["src/py"]\n',
        "src/py/job/__init__.py": "",
        "src/py/job/__main__.py": "from job.work import run\n\nif __name__ == '__main__':\n    run()\n",
        "src/py/job/work.py": "def run():\n    print('done')\n",
    }))
    assert profile.entrypoint == ["env", "PYTHONPATH=src/py", "python", "-m", "job"]


@pytest.mark.parametrize("where", ['"../outside"', '"/abs/py"', '"src/py\\"; rm -rf /"', '"missing/py"', "7"])
def test_a_package_folder_outside_the_tree_or_odd_is_not_used(tmp_path, where):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["litestar", "uvicorn"]\n\n'
                          f'[tool.pdm.build]\npackage-dir = {where}\n',
        "src/py/app/__init__.py": "",
        "src/py/app/asgi.py": _FACTORY,
    }))
    # src/ is still a package folder: the module is read from there, as before
    assert profile.entrypoint[:5] == ["uvicorn", "py.app.asgi:create_app", "--factory", "--app-dir", "src"]


@pytest.mark.parametrize("entrypoint, chosen", [
    ("svc.admin:admin", "svc.admin:admin"),
    ("src.svc.main:app", "svc.main:app"),
])
def test_the_fastapi_entrypoint_setting_names_the_app_among_several(tmp_path, entrypoint, chosen):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "svc"\nversion = "1"\ndependencies = ["fastapi[standard]"]\n\n'
                          f'[tool.fastapi]\nentrypoint = "{entrypoint}"\n',
        "src/svc/__init__.py": "",
        "src/svc/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "src/svc/admin.py": "from fastapi import FastAPI\n\nadmin = FastAPI()\n",
    }))
    assert profile.entrypoint[:4] == ["uvicorn", chosen, "--app-dir", "src"]
    assert "[tool.fastapi] entrypoint names it (pyproject.toml:7)" in profile.evidence["entrypoint"][0].why
    assert not any(w.startswith("start command: chose") for w in profile.warnings)


# -- Quart: Quart-Schema's pages, hypercorn, files in the package folder ---------------------------

def test_the_quart_schema_fixture_is_probed_on_its_docs_page_under_hypercorn(tmp_path):
    """Quart's examples/api: only POST routes, so / is a 404; QuartSchema(app) serves /docs. Quart depends
    on hypercorn, which serves it (uvicorn is not installed)."""
    profile = profile_of("python-quart-schema")
    assert profile.framework == "quart" and profile.health_path == "/docs"
    assert profile.entrypoint == ["hypercorn", "tally:app", "--bind", "0.0.0.0:8000"]
    assert profile.build.extra_packages == [] and profile.build.installable
    assert "QuartSchema's swagger_ui_path page" in profile.evidence["health_path"][0].why
    dockerfile = render.render(profile)["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert '\\"/docs\\"' in dockerfile.split("HEALTHCHECK", 1)[1] and "uvicorn" not in dockerfile


@pytest.mark.parametrize("schema, routes, path", [
    ("QuartSchema(app)", "", "/docs"),
    ('QuartSchema(app, swagger_ui_path=None)', "", "/redocs"),
    ('QuartSchema(app, swagger_ui_path=None, redoc_ui_path=None, scalar_ui_path=None)', "", "/openapi.json"),
    ('QuartSchema(app, swagger_ui_path="/api/docs")', "", "/api/docs"),
    ("QuartSchema(app, openapi_path=None)", "", "/"),  # no document: Quart-Schema serves no page
    ("QuartSchema(app)", '@app.get("/")\nasync def home(): ...\n', "/"),  # a root route wins
    ("schema = QuartSchema()\nschema.init_app(app)", "", "/docs"),
])
def test_quart_schema_pages_are_the_fallback_probe(tmp_path, schema, routes, path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "quart\nquart-schema\n",
        "app.py": "from quart import Quart\nfrom quart_schema import QuartSchema\napp = Quart(__name__)\n"
                  f"{schema}\n@app.post('/echo')\nasync def echo(): ...\n{routes}"}))
    assert profile.health_path == path


@pytest.mark.parametrize("deps, code, entrypoint, extra", [
    # hypercorn declared, no uvicorn: hypercorn serves the app, nothing more is installed
    ("fastapi\nhypercorn\n", "from fastapi import FastAPI\napp = FastAPI()\n",
     ["hypercorn", "main:app", "--bind", "0.0.0.0:8000"], []),
    ("starlette\nhypercorn\ngunicorn\n", "from starlette.applications import Starlette\napp = Starlette()\n",
     ["hypercorn", "main:app", "--bind", "0.0.0.0:8000"], []),
    # an app factory: hypercorn calls it
    ("fastapi\nhypercorn\n", "from fastapi import FastAPI\ndef create_app():\n    return FastAPI()\n",
     ["hypercorn", "main:create_app()", "--bind", "0.0.0.0:8000"], []),
    # uvicorn declared too: uvicorn, as before
    ("quart\nuvicorn\n", "from quart import Quart\napp = Quart(__name__)\n",
     ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"], []),
    # neither: uvicorn, installed for it
    ("fastapi\n", "from fastapi import FastAPI\napp = FastAPI()\n",
     ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"], ["uvicorn[standard]>=0.30,<1"]),
])
def test_an_asgi_app_runs_under_the_server_the_project_has(tmp_path, deps, code, entrypoint, extra):
    profile, dockerfile = _dockerfile(tmp_path, {"requirements.txt": deps, "main.py": code})
    assert profile.entrypoint == entrypoint
    assert profile.build.extra_packages == extra


def test_a_hypercorn_command_is_bound_to_all_interfaces_and_installed_when_named(tmp_path):
    """A Procfile's `hypercorn app:app` listens on 127.0.0.1:8000 by itself: it is bound to 0.0.0.0 at the
    port; a hypercorn start command given by hand is installed when nothing brings it."""
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "fastapi\nhypercorn\n", "Procfile": "web: hypercorn app:app\n",
        "app.py": "from fastapi import FastAPI\napp = FastAPI()\n"}))
    assert profile.entrypoint == ["hypercorn", "app:app", "--bind", "0.0.0.0:8000"]
    given = build_profile(write_tree(tmp_path / "given", {
        "requirements.txt": "fastapi\n", "app.py": "from fastapi import FastAPI\napp = FastAPI()\n"}),
        [("entrypoint", "hypercorn app:app --bind 0.0.0.0:8000")])
    assert "hypercorn>=0.17,<1" in given.build.extra_packages


def test_a_src_package_that_is_not_installed_is_imported_by_hypercorn_from_its_folder(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "quart\n", "src/shop/__init__.py": "",
        "src/shop/web.py": "from quart import Quart\napp = Quart(__name__)\n"}))
    assert profile.entrypoint == ["hypercorn", "src/shop.web:app", "--bind", "0.0.0.0:8000"]


def test_the_quart_sqlite_fixture_keeps_its_database_beside_the_package_in_a_volume(tmp_path):
    """Quart's examples/blog: DATABASE = Path(app.root_path) / "blog.db", a file in the package folder (the
    code, read-only): the file lives in the volume and is linked from its path, and the server imports the
    package from src/ (the installed copy's root_path would be in site-packages)."""
    profile = profile_of("python-quart-sqlite")
    assert profile.build.state_files == ["src/logbook/logbook.db"] and profile.writable_paths == ["/var/lib/app"]
    assert profile.entrypoint == ["hypercorn", "src/logbook:app", "--bind", "0.0.0.0:8000"]
    assert profile.build.installable  # its console scripts are still installed
    assert any("imported from src/" in e.why for e in profile.evidence["entrypoint"])
    dockerfile = render.render(profile)["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "mv /app/src/logbook/logbook.db /var/lib/app/logbook.db" in dockerfile
    assert "ln -s /var/lib/app/logbook.db /app/src/logbook/logbook.db" in dockerfile


@pytest.mark.parametrize("code, state, writable", [
    # Flask's tutorial without its makedirs: the instance folder (no code in it) is the volume
    ('import os\nfrom flask import Flask\ndef create_app():\n    app = Flask(__name__)\n'
     '    app.config.from_mapping(SECRET_KEY="dev", DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"))\n'
     '    return app\n', [], ["/app/instance"]),
    # a SQLAlchemy URL built on the instance folder
    ('import os\nfrom flask import Flask\napp = Flask(__name__)\n'
     'app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "app.db")\n',
     [], ["/app/instance"]),
    # f-string on root_path, with sqlite3.connect
    ('import sqlite3\nfrom flask import Flask\napp = Flask(__name__)\n'
     'def db():\n    return sqlite3.connect(f"{app.root_path}/notes.db")\n', ["web/notes.db"], ["/var/lib/app"]),
    # a name assigned the path once
    ('import os, sqlite3\nfrom quart import Quart\napp = Quart(__name__)\n'
     'DB = os.path.join(app.root_path, "data", "q.db")\n'
     'def db():\n    return sqlite3.connect(DB)\n', [], ["/app/web/data"]),
])
def test_sqlite_paths_built_on_the_app_folders(tmp_path, code, state, writable):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\nquart\n", "web/__init__.py": code, "wsgi.py": "from web import app\n"}))
    assert profile.build.state_files == state
    assert profile.writable_paths == writable


# -- a Procfile that collects the static files as it starts -------------------------------------

def test_the_procfile_collectstatic_step_is_left_to_the_build(tmp_path):
    """MDN's local library: `migrate && collectstatic && gunicorn` in the Procfile. collectstatic runs at build
    time; at start it would write STATIC_ROOT under the read-only root, so it leaves the start command."""
    profile = profile_of("python-django-procfile-static")
    assert profile.build.collectstatic
    assert profile.entrypoint == ["sh", "-c", "python manage.py migrate && gunicorn library.wsgi"]
    assert any("collectstatic` left out" in e.why for e in profile.evidence["entrypoint"])
    assert profile.build.state_files == ["db.sqlite3"]
    dockerfile = render.render(profile)["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert 'CMD ["sh", "-c", "python manage.py migrate && gunicorn library.wsgi"]' in dockerfile


@pytest.mark.parametrize("command, expected", [
    ('python manage.py collectstatic --noinput; gunicorn app.wsgi --bind "0.0.0.0:$PORT" --log-file -',
     'gunicorn app.wsgi --bind "0.0.0.0:$PORT" --log-file -'),
    ("python manage.py migrate && python manage.py collectstatic --no-input && gunicorn x.wsgi",
     "python manage.py migrate && gunicorn x.wsgi"),
    ("python manage.py collectstatic --noinput || true && gunicorn a.wsgi", None),  # other operators: as written
    ("python manage.py migrate && gunicorn a.wsgi", None),  # nothing to leave out
    ("python manage.py collectstatic --noinput", None),  # nothing would be left
])
def test_collectstatic_is_taken_out_of_a_chain_of_steps(command, expected):
    from containerize.languages.python import without_collectstatic

    assert without_collectstatic(["sh", "-c", command]) == (["sh", "-c", expected] if expected else None)


def test_a_start_command_without_collectstatic_at_build_keeps_it(tmp_path):
    """No STATIC_ROOT: nothing is collected at build time, so the start command stays as the Procfile has it."""
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "django\ngunicorn\n", "manage.py": "import os\n",
        "Procfile": "web: python manage.py collectstatic --noinput && gunicorn site.wsgi\n",
        "site/settings.py": 'WSGI_APPLICATION = "site.wsgi.application"\n'}))
    assert profile.entrypoint == ["sh", "-c", "python manage.py collectstatic --noinput && gunicorn site.wsgi"]


@pytest.mark.parametrize("files", [
    {"requirements.txt": "fastapi[standard]>=0.110\n"},
    {"requirements.txt": "-r base.txt\n", "base.txt": "fastapi[all]\n"},
    {"pyproject.toml": '[project]\nname = "svc"\nversion = "1"\ndependencies = ["fastapi[standard]>=0.141,<1"]\n'},
    {"pyproject.toml": '[tool.poetry]\nname = "svc"\nversion = "1"\npackage-mode = false\n\n'
                       '[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = {version = "*", extras = ["standard"]}\n'},
])
def test_a_server_that_a_dependency_brings_through_an_extra_is_not_installed_again(tmp_path, files):
    """fastapi[standard] (the full-stack FastAPI template) depends on uvicorn[standard]: uvicorn serves the app
    and is not added to the image a second time."""
    profile = build_profile(write_tree(tmp_path, {**files, "main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}))
    assert profile.entrypoint == ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
    assert profile.build.extra_packages == []
    assert "uvicorn[standard]>=0.30" not in render.render(profile)["Dockerfile"]


# -- the app's own command that makes the schema (the Flask tutorial's init-db) ------------------

FLASKR_DB = ('import sqlite3\nimport click\nfrom flask import current_app, g\n\n'
             'def get_db():\n    g.db = sqlite3.connect(current_app.config["DATABASE"])\n    return g.db\n\n'
             'def init_db():\n    with current_app.open_resource("schema.sql") as f:\n'
             '        get_db().executescript(f.read().decode("utf8"))\n\n'
             '{decorator}\ndef init_db_command():\n    init_db()\n\n'
             'def init_app(app):\n    {register}\n')
FLASKR_INIT = ('import os\nfrom flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n'
               '    app.config.from_mapping(DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"))\n'
               '    os.makedirs(app.instance_path, exist_ok=True)\n    from . import db\n    db.init_app(app)\n'
               '    return app\n')


@pytest.mark.parametrize("decorator, register", [
    ('@click.command("init-db")', "app.cli.add_command(init_db_command)"),
    ("@click.command()", "app.cli.add_command(init_db_command)"),  # Click names it init-db (no _command)
])
def test_the_flask_tutorial_init_db_command_runs_once_while_the_database_is_missing(tmp_path, decorator, register):
    """flaskr's `flask init-db` drops and makes the tables: it runs in the one-shot migrate service only while
    the SQLite file (in the instance folder) doesn't exist, so a restart keeps the data."""
    profile, dockerfile = _dockerfile(tmp_path, {
        "pyproject.toml": '[project]\nname = "flaskr"\nversion = "1"\ndependencies = ["flask"]\n\n'
                          '[build-system]\nrequires = ["flit_core<4"]\nbuild-backend = "flit_core.buildapi"\n',
        "flaskr/__init__.py": FLASKR_INIT,
        "flaskr/db.py": FLASKR_DB.format(decorator=decorator, register=register),
        "flaskr/schema.sql": "DROP TABLE IF EXISTS post;\nCREATE TABLE post (id INTEGER PRIMARY KEY);\n"})
    assert [m.command for m in profile.migrations] == [
        ["sh", "-c", "[ -e /app/instance/flaskr.sqlite ] || exec flask --app 'flaskr:create_app()' init-db"]]
    assert profile.migrations[0].file == "flaskr/db.py"
    compose = render.render(profile)["compose.yaml"]
    assert "migrate:" in compose and "service_completed_successfully" in compose


def test_a_command_not_registered_with_the_app_or_not_making_a_schema_is_not_run(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\n", "flaskr/__init__.py": FLASKR_INIT,
        "flaskr/db.py": FLASKR_DB.format(decorator='@click.command("init-db")', register="pass") +
        '\n@click.command("send-mail")\ndef mail():\n    pass\n'}))
    assert profile.migrations == []


def test_a_schema_command_with_no_known_database_file_is_a_warning(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\n",
        "app.py": 'import click\nfrom flask import Flask\napp = Flask(__name__)\n\n'
                  '@app.cli.command("create-tables")\ndef create_tables():\n    pass\n'}))
    assert profile.migrations == []
    assert any("`flask --app app:app create-tables` makes the database schema and is not run" in w
               and "docker compose run --rm app flask --app app:app create-tables" in w for w in profile.warnings)


def test_the_quart_blog_console_script_makes_the_schema_from_the_package_the_server_imports():
    """Quart's examples/blog: `init_db = "blog:init_db"`. The console script would import the installed copy
    (site-packages, where root_path points elsewhere): it runs with src/ on PYTHONPATH, as the server does."""
    profile = profile_of("python-quart-sqlite")
    assert [m.command for m in profile.migrations] == [
        ["sh", "-c", "[ -e /app/src/logbook/logbook.db ] || exec env PYTHONPATH=/app/src init_db"]]


# -- Flask-SQLAlchemy's relative SQLite URL ------------------------------------------------------

def test_a_relative_sqlite_url_of_flask_sqlalchemy_3_is_in_the_instance_folder(tmp_path):
    """Flask-SQLAlchemy 3 opens sqlite:///project.db in the instance folder (and makes it): that folder is
    the volume, not a link beside the code (the app would fail making /app/instance on the read-only root)."""
    profile = profile_of("python-flask-sqlalchemy")
    assert profile.writable_paths == ["/app/instance"] and profile.build.state_files == []
    assert "Flask-SQLAlchemy opens it in the instance folder" in profile.evidence["writable_paths"][0].why
    lint(render.render(profile)["Dockerfile"], tmp_path)


@pytest.mark.parametrize("requirements, code, writable, state", [
    # Flask-SQLAlchemy 2 opens it beside the app's module
    ("flask\nflask-sqlalchemy==2.5.1\n", 'URI = "sqlite:///project.db"\n', ["/var/lib/app"], ["project.db"]),
    # a URL built on the app's folder is absolute at run time: beside the code, as written
    ("flask\nflask-sqlalchemy\n", 'import os\nbasedir = os.path.abspath(os.path.dirname(__file__))\n'
     'URI = "sqlite:///" + os.path.join(basedir, "app.db")\n', ["/var/lib/app"], ["app.db"]),
    # no Flask-SQLAlchemy: the path is the working folder's
    ("flask\nsqlalchemy\n", 'URI = "sqlite:///project.db"\n', ["/var/lib/app"], ["project.db"]),
    # in a package: the instance folder is beside the package
    ("flask\nflask-sqlalchemy>=3\n", None, ["/app/instance/data"], []),
])
def test_where_a_sqlite_url_is_opened(tmp_path, requirements, code, writable, state):
    files = {"requirements.txt": requirements}
    if code is None:
        files["shop/__init__.py"] = 'from flask import Flask\napp = Flask(__name__)\n' \
                                   'app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///data/shop.db"\n'
    else:
        files["app.py"] = "from flask import Flask\napp = Flask(__name__)\n" + code
    profile = build_profile(write_tree(tmp_path, files))
    assert profile.writable_paths == writable
    assert profile.build.state_files == state


def test_a_console_script_that_writes_beside_its_package_runs_with_src_on_the_import_path(tmp_path):
    """A console script imports the installed copy of its package (site-packages, read-only): with a SQLite
    file kept beside the package's source (a link into the volume), it runs with src/ first on PYTHONPATH."""
    profile, dockerfile = _dockerfile(tmp_path, {
        "pyproject.toml": '[project]\nname = "notes"\nversion = "1"\ndependencies = ["fastapi", "uvicorn"]\n\n'
                          '[project.scripts]\nnotes = "notes.main:serve"\n\n'
                          '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        "src/notes/__init__.py": "",
        "src/notes/main.py": "import sqlite3\nfrom pathlib import Path\nimport uvicorn\nfrom fastapi import FastAPI\n"
                             "app = FastAPI()\nDB = Path(__file__).parent / 'notes.db'\n\n"
                             "def db():\n    return sqlite3.connect(DB)\n\n"
                             "def serve():\n    uvicorn.run(app, host='0.0.0.0', port=8000)\n"})
    assert profile.build.state_files == ["src/notes/notes.db"] and profile.build.installable
    assert profile.entrypoint == ["env", "PYTHONPATH=/app/src", "notes"]
    assert 'CMD ["env", "PYTHONPATH=/app/src", "notes"]' in dockerfile


def test_a_sqlite_file_in_a_folder_of_the_code_is_linked_not_a_volume_over_the_code(tmp_path):
    """BASE_DIR = Path(__file__).resolve().parent puts db.sqlite3 in the settings package: that folder holds
    code, so the file lives in the volume behind a link (a volume there would hide the code's later releases)."""
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "django\ngunicorn\n", "manage.py": "import os\n",
        "mysite/__init__.py": "", "mysite/wsgi.py": "application = None\n",
        "mysite/settings.py": 'from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent\n'
                              'WSGI_APPLICATION = "mysite.wsgi.application"\n'
                              'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", '
                              '"NAME": BASE_DIR / "db.sqlite3"}}\n'}))
    assert profile.writable_paths == ["/var/lib/app"]
    assert profile.build.state_files == ["mysite/db.sqlite3"]


def test_a_gradio_app_built_in_another_module_is_the_server(tmp_path):
    """`from webui.blocks import build_demo; demo = build_demo(); demo.queue().launch()`: the app is made in
    another file, and a script under scripts/ reading its own port setting is not the app's port."""
    profile = build_profile(Path(__file__).resolve().parents[2] / "fixtures" / "python-gradio-imported")
    assert (profile.entrypoint, profile.framework, profile.ports) == (["python", "app.py"], "gradio", [7860])
    assert profile.port_env == "GRADIO_SERVER_PORT"
    dockerfile = render.render(profile)["Dockerfile"]
    assert "ENV GRADIO_SERVER_NAME=0.0.0.0" in dockerfile and "EXPOSE 7860" in dockerfile
    # scripts/share.py's launch(server_port=SHARE_PORT) and scripts/load_test.py's LOAD_TEST_PORT are theirs
    assert not {"SHARE_PORT", "LOAD_TEST_PORT"} & {e.name for e in profile.env}
    assert profile.confidence("entrypoint") > 0.8 and not any(w.startswith("start command") for w in profile.warnings)


@pytest.mark.parametrize("files", [
    {"ui.py": "import gradio as gr\ndemo = gr.Interface(fn=str.upper, inputs='text', outputs='text')\n",
     "app.py": "from ui import demo\n\nif __name__ == '__main__':\n    demo.launch()\n"},
    {"ui/__init__.py": "", "ui/views.py": "import gradio as gr\nwith gr.Blocks() as demo:\n    gr.Markdown('x')\n",
     "app.py": "from ui import views\nviews.demo.queue().launch()\n"},
    {"ui.py": "import gradio as gr\n\ndef make():\n    with gr.Blocks() as blocks:\n        gr.Markdown('x')\n"
              "    return blocks\n",
     "app.py": "import ui\n\nif __name__ == '__main__':\n    ui.make().launch()\n"},
])
def test_launch_on_a_gradio_app_imported_from_the_project(tmp_path, files):
    profile = build_profile(write_tree(tmp_path, {"requirements.txt": "gradio\n", **files}))
    assert (profile.entrypoint, profile.framework, profile.ports) == (["python", "app.py"], "gradio", [7860])


@pytest.mark.parametrize("app_py", [
    # Fooocus' webui.py: the app kept on a module of the project, made with .queue() on it
    "import gradio as gr\nimport shared\nshared.gradio_root = gr.Blocks(title='x').queue()\n"
    "with shared.gradio_root:\n    gr.Markdown('x')\nshared.gradio_root.launch(inbrowser=False)\n",
    "import gradio as gr\ndemo = gr.Blocks().queue(max_size=4)\nwith demo:\n    gr.Markdown('x')\ndemo.launch()\n",
])
def test_a_gradio_app_made_with_queue_or_kept_on_a_module(tmp_path, app_py):
    profile = build_profile(write_tree(tmp_path, {"requirements.txt": "gradio\n", "shared.py": "gradio_root = None\n",
                                                  "app.py": app_py}))
    assert (profile.entrypoint, profile.framework, profile.ports) == (["python", "app.py"], "gradio", [7860])


def test_launch_on_something_else_imported_is_not_a_server(tmp_path):
    """A browser's launch() (Playwright's shape), and two files importing each other's names."""
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "gradio\n",
        "browser.py": "import a\n\ndef start():\n    return 1\n\nlauncher = start()\n",
        "a.py": "from browser import launcher\nfrom b import other\n\nif __name__ == '__main__':\n"
                "    launcher.launch()\n    other.launch()\n",
        "b.py": "from a import other\nother.launch()\n"}))
    assert profile.framework is None and profile.ports == []


def test_streamlit_serves_on_its_config_port_and_its_secrets_file_is_named(tmp_path):
    """.streamlit/config.toml's [server] port is the app's (the command line's --server.port would override it);
    st.secrets reads .streamlit/secrets.toml, git-ignored: a warning says where to mount it."""
    profile = build_profile(Path(__file__).resolve().parents[2] / "fixtures" / "python-streamlit-secrets")
    assert profile.ports == [8600] and profile.entrypoint[-2:] == ["--server.port", "8600"]
    assert [(e.file, e.line) for e in profile.evidence["ports"]] == [(".streamlit/config.toml", 3)]
    warning = next(w for w in profile.warnings if "st.secrets" in w)
    assert warning.startswith("streamlit_app.py:12 reads st.secrets") and "/app/.streamlit/secrets.toml:ro" in warning


@pytest.mark.parametrize("files, warned", [
    ({"app.py": "from streamlit import secrets\nimport streamlit\nstreamlit.write(secrets['key'])\n"}, True),
    ({"app.py": "import streamlit as st\nst.write(st.secrets['key'])\n",
      ".streamlit/secrets.toml": "key = 'x'\n"}, False),  # committed: it is in the image
    ({"app.py": "import streamlit as st\nsecrets = {'key': 1}\nst.write(secrets['key'])\n"}, False),
])
def test_streamlit_secrets_read(tmp_path, files, warned):
    profile = build_profile(write_tree(tmp_path, {"requirements.txt": "streamlit\n",
                                                  ".streamlit/config.toml": "[server]\nheadless = true\n", **files}))
    assert profile.ports == [8501]
    assert any("st.secrets" in w for w in profile.warnings) == warned


@pytest.mark.parametrize("files, port, port_env, env", [
    # the app imports the helper: its setting is the app's
    ({"app.py": "from flask import Flask\nfrom scripts.settings import PORT\napp = Flask(__name__)\n\n"
                "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=PORT)\n",
      "scripts/__init__.py": "", "scripts/settings.py": "import os\nPORT = int(os.environ.get('APP_PORT', '5005'))\n"},
     5005, "APP_PORT", {"APP_PORT"}),
    # the start command is the script under scripts/ itself
    ({"scripts/serve.py": "import os\nfrom flask import Flask\napp = Flask(__name__)\n\n"
                          "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=int(os.environ.get('SERVE_PORT', "
                          "'5006')))\n"},
     5006, "SERVE_PORT", {"SERVE_PORT"}),
    # a dev server under tools/ the start command doesn't run: its port is not the app's
    ({"app.py": "import os\nfrom flask import Flask\napp = Flask(__name__)\nNAME = os.environ.get('SITE_NAME', 'x')\n",
      "tools/dev.py": "import os\nfrom app import app\n\nif __name__ == '__main__':\n"
                      "    app.run(port=int(os.environ.get('DEV_PORT', '5007')))\n"},
     8000, None, {"SITE_NAME"}),
])
def test_ports_and_env_read_only_by_scripts_beside_the_app_are_not_the_apps(tmp_path, files, port, port_env, env):
    profile = build_profile(write_tree(tmp_path, {"requirements.txt": "flask\n", **files}))
    assert (profile.ports, profile.port_env) == ([port], port_env)
    assert {e.name for e in profile.env} == env


_DJANGO_PROJECT = {
    "requirements.txt": "Django\ngunicorn\n",
    "manage.py": "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_/settings')\n"
                 "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n",
    "site_/__init__.py": "",
    "site_/settings.py": "ROOT_URLCONF = 'site_.urls'\nWSGI_APPLICATION = 'site_.wsgi.application'\n",
    "site_/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    "polls/__init__.py": "", "member/__init__.py": "",
    "polls/api.py": "from django.urls import include, path\nurlpatterns = [path('member/', include('member.urls'))]\n",
    "polls/urls.py": "from django.urls import path\nfrom polls import views\n"
                     "urlpatterns = [path('form/<int:pk>/', views.form), path('task_status/', views.status)]\n",
    "member/urls.py": "from django.urls import path\nfrom member import views\n"
                      "urlpatterns = [path('signup', views.signup)]\n",
}


@pytest.mark.parametrize("root_urls, health", [
    # path('', include(...)) is a prefix, not a / route (django-celery-project answered 404 on /)
    ("from django.urls import include, path\n"
     "urlpatterns = [path('', include('polls.urls')), path('member/', include('member.urls'))]\n",
     "/member/signup"),
    # an included module's routes are under its prefix
    # includes of includes: the prefixes add up
    ("from django.urls import include, path\nurlpatterns = [path('v1/', include('polls.api'))]\n", "/v1/member/signup"),
    ("from django.urls import include, path\nfrom polls import views\n"
     "urlpatterns = [path('', views.home), path('member/', include('member.urls'))]\n", "/"),
])
def test_django_includes_are_prefixes_of_the_routes_they_include(tmp_path, root_urls, health):
    profile = build_profile(write_tree(tmp_path, {**_DJANGO_PROJECT, "site_/urls.py": root_urls}))
    assert profile.framework == "django" and profile.health_path == health
