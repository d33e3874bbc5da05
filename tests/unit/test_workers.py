"""Processes that run beside the app from its image: a Procfile's other processes and a Celery worker get
a compose service each (no port, no health check, the app's settings and secrets) and a Deployment each."""
from __future__ import annotations

import pytest
import yaml

from containerize import render
from containerize.checklist import build_profile
from containerize.k8s import render_k8s
from containerize.services import local_url_to_service
from projects import profile_of, write_tree

FLASK = "from flask import Flask\napp = Flask(__name__)\n"


def _compose(profile) -> dict:
    return yaml.safe_load(render.render(profile)["compose.yaml"])


def test_a_procfiles_other_processes_run_beside_the_web_process(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\n", "app.py": FLASK, "jobs.py": "print('tick')\n",
        "Procfile": "web: gunicorn app:app\nrelease: python jobs.py migrate\nworker: python jobs.py\n"
                    "clock_2: python jobs.py --every 60 && echo done\n"}))
    assert [(w.name, w.command, w.line) for w in profile.workers] == [
        ("worker", ["python", "jobs.py"], 3), ("clock_2", ["sh", "-c", "python jobs.py --every 60 && echo done"], 4)]
    services = _compose(profile)["services"]
    assert set(services) == {"app", "worker", "clock-2"}
    for name in ("worker", "clock-2"):
        svc = services[name]
        assert svc["image"] == services["app"]["image"] and "ports" not in svc
        assert svc["healthcheck"] == {"disable": True} and svc["read_only"] is True
    assert services["worker"]["command"] == ["python", "jobs.py"]
    assert "`worker` runs `python jobs.py` (the Procfile's worker process), `Procfile:3`" in \
        render.render(profile)["README.Docker.md"]


def test_a_procfile_with_only_a_web_process_has_no_worker(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\n", "app.py": FLASK, "Procfile": "web: gunicorn app:app\n"}))
    assert profile.workers == [] and set(_compose(profile)["services"]) == {"app"}


def test_a_celery_app_gets_its_worker_which_waits_for_redis_as_the_app_does():
    profile = profile_of("python-celery-worker")
    assert profile.entrypoint[:3] == ["gunicorn", "--bind", "0.0.0.0:8000"]
    assert [(w.name, w.command, w.file, w.line) for w in profile.workers] == [
        ("worker", ["celery", "-A", "tasks:celery", "worker", "--loglevel=INFO"], "tasks.py", 5)]
    services = _compose(profile)["services"]
    assert services["worker"]["depends_on"] == services["app"]["depends_on"] == {
        "redis": {"condition": "service_healthy"}}
    for name in ("app", "worker"):  # both URLs reach the service: localhost in a container is the container
        env = services[name]["environment"]
        assert env["CELERY_BROKER_URL"] == "${CELERY_BROKER_URL:-redis://redis:6379/0}"
        assert env["CELERY_RESULT_BACKEND"] == "${CELERY_RESULT_BACKEND:-redis://redis:6379/1}"


def test_a_project_that_is_only_a_celery_worker_starts_it(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "celery\n",
        "worker.py": "from celery import Celery\napp = Celery('w', broker='redis://localhost')\n"
                     "@app.task\ndef ping():\n    return 'pong'\n"}))
    assert profile.entrypoint == ["celery", "-A", "worker:app", "worker", "--loglevel=INFO"]
    assert profile.workers == [] and not profile.ports


def test_each_worker_is_a_deployment_with_no_port_nor_probe_and_its_own_selector():
    profile = profile_of("python-celery-worker")
    files = render_k8s(profile, "shop", render.render(profile)["Dockerfile"])
    app = yaml.safe_load(files["k8s/deployment.yaml"].split("\n", 1)[1])
    worker = yaml.safe_load(files["k8s/deployment-worker.yaml"].split("\n", 1)[1])
    box = worker["spec"]["template"]["spec"]["containers"][0]
    assert box["args"] == ["celery", "-A", "tasks:celery", "worker", "--loglevel=INFO"]
    assert not {"ports", "livenessProbe", "readinessProbe"} & set(box)
    assert worker["spec"]["selector"] != app["spec"]["selector"]  # the app's Service never sends it traffic
    policy = yaml.safe_load(files["k8s/networkpolicy-worker.yaml"].split("\n", 1)[1])
    assert policy["spec"]["ingress"] == [] and policy["spec"]["podSelector"] == worker["spec"]["selector"]
    assert "deployment-worker.yaml" in files["k8s/kustomization.yaml"]


@pytest.mark.parametrize("value, url", [
    ("redis://localhost:6379/1", "redis://cache:6379/1"),
    ("redis://127.0.0.1", "redis://cache"),
    ("redis://elsewhere:6379/1", None),  # not this machine: left as it is
    ("redis://:pw@localhost:6379", None),  # credentials in it: not rewritten
    ("postgres://localhost/app", None),  # no such service
    ("not a url", None), (None, None),
])
def test_a_localhost_url_default_points_at_the_service_for_its_scheme(value, url):
    assert local_url_to_service(value, {"redis": "cache"}) == url


def test_workers_are_answers_given_saved_and_read_back(tmp_path):
    from containerize import answers
    from containerize.checklist import AnalysisError, build_profile as build

    pairs = [("workers.beat", "celery -A tasks:celery beat"), ("workers.worker", "none")]
    text = answers.dumps(pairs)
    assert "[workers]" in text and 'beat = ["celery", "-A", "tasks:celery", "beat"]' in text
    assert [(a.key, a.value) for a in answers.parse(text)] == pairs
    from projects import FIXTURES

    profile = build(FIXTURES / "python-celery-worker", pairs)
    assert [(w.name, w.command) for w in profile.workers] == [("beat", ["celery", "-A", "tasks:celery", "beat"])]
    assert build(FIXTURES / "python-celery-worker", [("workers", "none")]).workers == []
    for bad in ([("workers", "celery worker")], [("workers.no way", "x")]):
        with pytest.raises(AnalysisError, match="worker"):
            build(FIXTURES / "python-celery-worker", bad)


def test_in_a_repository_of_apps_a_worker_is_built_from_its_apps_folder(tmp_path):
    from containerize import apps
    from containerize.render import render_apps

    write_tree(tmp_path, {
        "api/requirements.txt": "flask\ngunicorn\ncelery\nredis\n",
        "api/tasks.py": "import os\nfrom celery import Celery\n"
                        "celery = Celery(__name__, broker=os.environ.get('BROKER_URL', 'redis://localhost:6379/0'))\n",
        "api/app.py": FLASK + "from tasks import celery\n",
        "site/index.html": "<h1>hi</h1>\n",
    })
    services = yaml.safe_load(render_apps(apps.discover(tmp_path))["compose.yaml"])["services"]
    assert services["api-worker"]["build"] == services["api"]["build"] == {"context": "./api"}
    assert services["api-worker"]["command"][:3] == ["celery", "-A", "tasks:celery"]
    assert "worker" not in services and "ports" not in services["api-worker"]


def test_a_procfile_process_that_watches_files_for_development_is_not_a_worker(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\n", "app.py": FLASK,
        "Procfile": "web: gunicorn app:app\nscss: make watch-scss\ncss: sass --watch in.scss out.css\n"
                    "assets: npm run dev\nworker: python jobs.py\n", "jobs.py": "print(1)\n"}))
    assert [w.name for w in profile.workers] == ["worker"]
    assert any("watches files for development" in e.why for e in profile.evidence["workers"])


def test_a_procfile_process_with_variables_runs_through_env_and_a_backing_service_is_no_worker(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "flask\ngunicorn\nrq\n", "app.py": FLASK,
        "Procfile": "web: gunicorn app:app\nredis: redis-server config/redis.conf\n"
                    "workers: QUEUES=high,low INTERVAL=0.1 rq worker\n"}))
    assert [(w.name, w.command, w.line) for w in profile.workers] == [
        ("workers", ["env", "QUEUES=high,low", "INTERVAL=0.1", "rq", "worker"], 3)]
    assert any(n.line == 2 and "backing service (redis-server)" in n.why for n in profile.evidence["workers"])


# -- `web: make run`: the recipe's command, read from the Makefile's parse tree -------------------------

MAKEFILE = (".PHONY: run worker serve build test\n\nAPPS ?= blog docs\n\n"
            "run:\n\t@python -m manage runserver 0.0.0.0:8000\n\n"    # line 5-6
            "worker:\n\tpython jobs.py --queue default\n\n"           # line 8-9
            "build: assets\n\tpython -m manage collectstatic\n\n"     # prerequisites run first: kept as make
            "assets:\n\tnpm run build\n\n"
            "test:\n\tpython -m manage test $(APPS)\n\n"               # a variable: kept as make
            "serve:\n\tpython -m manage migrate\n\tgunicorn app:app\n")  # two lines: kept as make


@pytest.mark.parametrize("command, argv, made", [
    ("make run", ["python", "-m", "manage", "runserver", "0.0.0.0:8000"], ("Makefile", 6)),
    ("make worker", ["python", "jobs.py", "--queue", "default"], ("Makefile", 9)),
    ("make build", ["make", "build"], None),
    ("make test", ["make", "test"], None),
    ("make serve", ["make", "serve"], None),
    ("make missing", ["make", "missing"], None),
    ("make -C sub run", ["make", "-C", "sub", "run"], None),
])
def test_a_procfile_make_target_is_its_recipe_when_that_is_one_plain_command(tmp_path, command, argv, made):
    from containerize.scan import SourceTree
    from containerize.workers import procfile_commands

    write_tree(tmp_path, {"Makefile": MAKEFILE, "Procfile": f"web: {command}\n"})
    assert procfile_commands(SourceTree(tmp_path)) == [("web", argv, 1, made)]


@pytest.mark.parametrize("makefile", [
    "run:\n\tpython a.py\nrun:\n\tpython b.py\n",          # two rules of the name
    "run::\n\tpython a.py\n",                            # a double-colon rule
    "export DEBUG = 1\nrun:\n\tpython a.py\n",           # exported variables change what it sees
    "run:\n\tpython a.py \\\n\t  --fast\n",              # a continued line
    "run:\n\tpython a.py $$HOME\n",                      # an escaped shell variable
    "run: ; python a.py\n",                              # (this one is plain: same rule, inline recipe)
])
def test_a_make_target_that_is_not_one_plain_command_stays_make(tmp_path, makefile):
    from containerize.scan import SourceTree
    from containerize.workers import procfile_processes

    write_tree(tmp_path, {"Makefile": makefile, "Procfile": "web: make run\n"})
    expected = [["python", "a.py"]] if makefile.startswith("run: ;") else [["make", "run"]]
    assert [argv for _k, argv, _n in procfile_processes(SourceTree(tmp_path))] == expected


def test_a_make_recipe_with_shell_operators_runs_through_sh(tmp_path):
    from containerize.scan import SourceTree
    from containerize.workers import procfile_processes

    write_tree(tmp_path, {"Makefile": "run:\n\tpython migrate.py && python app.py\n", "Procfile": "web: make run\n"})
    assert procfile_processes(SourceTree(tmp_path)) == [
        ("web", ["sh", "-c", "python migrate.py && python app.py"], 1)]


def test_a_django_procfile_make_run_starts_the_recipe_and_its_worker_runs_beside_it(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "requirements.txt": "django\n",
        "manage.py": "import sys\nif __name__ == '__main__':\n    from django.core.management import "
                     "execute_from_command_line\n    execute_from_command_line(sys.argv)\n",
        "site/__init__.py": "",
        "site/settings.py": "WSGI_APPLICATION = 'site.wsgi.application'\n",
        "jobs.py": "print('tick')\n",
        "Makefile": MAKEFILE,
        "Procfile": "web: make run\nworker: make worker\nscss: make watch-scss\n",
    }))
    assert profile.entrypoint == ["python", "-m", "manage", "runserver", "0.0.0.0:8000"]
    why = profile.evidence["entrypoint"][0].why
    assert profile.evidence["entrypoint"][0].file == "Procfile" and "(Makefile:6)" in why
    # the recipe names its port: the container's $PORT isn't what it listens on
    assert profile.port_env is None and profile.ports == [8000]
    assert [(w.name, w.command) for w in profile.workers] == [("worker", ["python", "jobs.py", "--queue", "default"])]


def test_flasks_celery_pattern_in_a_root_module_importing_a_src_package_runs_with_src_on_the_path(tmp_path):
    profile = build_profile(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "tasks"\nversion = "1"\ndependencies = ["flask", "celery[redis]"]\n\n'
                          '[build-system]\nrequires = ["flit_core<4"]\nbuild-backend = "flit_core.buildapi"\n',
        "src/task_app/__init__.py": "from celery import Celery\nfrom flask import Flask\n\n"
                                    "def create_app():\n    app = Flask(__name__)\n"
                                    "    app.extensions['celery'] = Celery(app.name)\n    return app\n",
        "make_celery.py": "from task_app import create_app\n\nflask_app = create_app()\n"
                          "celery_app = flask_app.extensions['celery']\n",
    }))
    assert profile.entrypoint[-3:] == ["--chdir", "src", "task_app:create_app()"]
    worker = next(w for w in profile.workers if w.name == "worker")
    assert worker.command == ["env", "PYTHONPATH=src", "celery", "-A", "make_celery:celery_app", "worker",
                              "--loglevel=INFO"]
    assert (worker.file, worker.line) == ("make_celery.py", 4) and "src/ on the import path" in worker.why
