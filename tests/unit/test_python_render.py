"""Rendered Python Dockerfiles for each way of declaring dependencies: hadolint-clean and well-ordered."""
from __future__ import annotations

import textwrap

import pytest
import yaml

from containerize import render
from containerize.checklist import build_profile
from projects import lint, write_tree

PROJECTS = {
    "pipenv": {
        "Pipfile": '[packages]\nflask = "*"\npsycopg2 = "*"\n\n[requires]\npython_version = "3.11"\n',
        "Pipfile.lock": "{}\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    },
    "pdm": {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["fastapi", "uvicorn"]\n',
        "pdm.lock": "# lock\n",
        "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    },
    "setup": {
        "setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['flask>=3', 'redis'])\n",
        "x/__init__.py": "",
        "x/web.py": "from flask import Flask\napp = Flask(__name__)\n",
    },
    "pyproject": {
        "pyproject.toml": textwrap.dedent("""
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "tool"
            version = "1.0"
            requires-python = ">=3.11"
            dependencies = ["click>=8"]

            [project.scripts]
            tool = "tool.cli:main"
        """),
        "tool/__init__.py": "",
        "tool/cli.py": "def main():\n    print('hi')\n",
    },
    "mysql": {
        "requirements.txt": "django==5.0.9\nmysqlclient==2.2.4\n",
        "manage.py": "import os\n",
        "site1/settings.py": "WSGI_APPLICATION = 'site1.wsgi.application'\nimport os\nDB = os.environ['DATABASE_URL']\n",
    },
}


@pytest.mark.parametrize("kind", sorted(PROJECTS))
def test_rendered_dockerfile_is_clean_and_ordered(tmp_path, kind):
    root = write_tree(tmp_path, PROJECTS[kind])
    profile = build_profile(root)
    files = render.render(profile)
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "# syntax=" not in dockerfile
    build, runtime = dockerfile.split("# ---- runtime")
    # dependencies are installed before the source is copied
    install_at = max(build.find("pip install -r"), build.find("uv sync"))
    if "COPY . ." in build:
        assert install_at < build.index("COPY . .") or kind == "setup"
    assert "USER 10001:10001" in runtime and "CMD [" in runtime
    yaml.safe_load(files["compose.yaml"])


def test_native_dependencies_split_between_stages(tmp_path):
    profile = build_profile(write_tree(tmp_path, PROJECTS["mysql"]))
    assert profile.system_packages["runtime"] == ["libmariadb3"]
    assert [s.kind for s in profile.services] == ["mysql"]
    dockerfile = render.render(profile)["Dockerfile"]
    build, runtime = dockerfile.split("# ---- runtime")
    assert "-bookworm AS build" in build and "slim" not in build.split("AS build")[0].splitlines()[-1]
    assert "libmariadb3=" in runtime and "-dev" not in runtime


def test_pipenv_and_pdm_use_their_locks(tmp_path):
    pipenv = render.render(build_profile(write_tree(tmp_path / "a", PROJECTS["pipenv"])))["Dockerfile"]
    assert "COPY Pipfile Pipfile.lock ./" in pipenv and "pipenv requirements" in pipenv
    pdm = render.render(build_profile(write_tree(tmp_path / "b", PROJECTS["pdm"])))["Dockerfile"]
    assert "COPY pyproject.toml pdm.lock ./" in pdm and "pdm export" in pdm


@pytest.mark.parametrize("fixture, bind", [
    ("python-flask", ["--bind", "0.0.0.0:9000"]),
    ("python-fastapi", ["--port", "9000"]),
])
def test_a_port_given_later_moves_the_server_command(fixture, bind):
    from projects import profile_of

    detected = profile_of(fixture)
    profile = profile_of(fixture, port="9000")
    assert profile.ports == [9000]
    old = str(detected.ports[0])
    assert not any(old in arg for arg in profile.entrypoint), profile.entrypoint
    start = profile.entrypoint.index(bind[0])
    assert profile.entrypoint[start:start + 2] == bind
    dockerfile = render.render(profile)["Dockerfile"]
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD ["))
    assert "9000" in cmd and old not in cmd
    assert "EXPOSE 9000" in dockerfile
    compose = render.render(profile)["compose.yaml"]
    assert ":9000\"" in compose and old not in compose


def test_a_start_command_given_by_hand_is_kept_as_given(tmp_path):
    from projects import profile_of

    profile = profile_of("python-fastapi", entrypoint="uvicorn main:app --host 0.0.0.0 --port 8000")
    assert profile.entrypoint == ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
    profile = profile_of("python-fastapi", entrypoint="python main.py", port="9000")
    assert profile.entrypoint == ["python", "main.py"] and profile.ports == [9000]


def test_python_plan_is_typed():
    from containerize.languages.python.plan import PythonPlan
    from projects import profile_of

    plan = profile_of("python-noreqs").build
    assert isinstance(plan, PythonPlan)
    assert plan.install == "imports" and plan.generated_requirements == ["flask", "pyyaml"]
    assert plan.requirements == ["requirements.txt"] and plan.workdir == "/app" and plan.shell


def test_setup_py_and_setup_cfg_requirements_are_read_from_their_trees(tmp_path):
    root = write_tree(tmp_path, {
        "setup.py": """
            from setuptools import setup

            REQUIRES = [
                "requests>=2",
                "Click[extra]~=8.1",
            ]
            setup(name="x", install_requires=REQUIRES)
        """,
        "setup.cfg": "[options]\ninstall_requires =\n    PyYAML>=6\n    rich ; python_version > '3.8'\n",
        "x/__init__.py": "",
        "x/__main__.py": "print('x')\n",
    })
    profile = build_profile(root)
    assert profile.dependencies == ["requests", "click", "pyyaml", "rich"]
    where = [(e.file, e.line) for e in profile.evidence["dependencies"]]
    assert where == [("setup.py", 4), ("setup.py", 5), ("setup.cfg", 3), ("setup.cfg", 4)]
    assert profile.entrypoint == ["python", "-m", "x"]


def test_requirement_lines_with_hashes_markers_and_urls(tmp_path):
    root = write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.3 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n"
                            "tool @ https://example.com/tool-1.0-py3-none-any.whl\n"
                            "requests[socks]>=2 ; python_version >= '3.8'  # proxies\n"
                            "--index-url https://pypi.org/simple\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    profile = build_profile(root)
    assert profile.dependencies == ["flask", "tool", "requests"]
    assert [e.line for e in profile.evidence["dependencies"]] == [1, 4, 5]


def test_imports_of_a_file_that_does_not_parse_come_from_its_tokens(tmp_path):
    root = write_tree(tmp_path, {"fetch.py": "import os, requests as r\nprint 'old syntax'\nr.get('x')\n"})
    profile = build_profile(root)
    assert profile.dependencies == ["requests"]
    note = profile.evidence["dependencies"][0]
    assert note.line == 1 and "tokens" in note.why
