"""Saved answers: the file format, clear errors with line numbers, precedence over detection."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from containerize import answer_keys, answers, checklist, overrides, report
from containerize.checklist import AnalysisError, build_profile, origin_of
from containerize.profile import ANSWER_KEYS, Profile

tomllib = answers.tomllib

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


@pytest.fixture
def flask_app(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "python-flask", tmp_path / "app"))


FULL = """\
language = "python"
framework = "flask"
entrypoint = ["gunicorn", "--workers", "2", "app:app"]
port = 8080
writable_paths = ["/app/uploads", "/app/cache"]
services = ["postgres", "redis"]
compiled = false

[env]
LOG_LEVEL = "info"
WORKERS = 2

[secrets]
STRIPE_KEY = true
PUBLIC_ID = false

[system_packages]
runtime = ["libxml2"]
"""


def test_every_kind_of_answer_becomes_a_set_pair():
    pairs = [(a.key, a.value) for a in answers.parse(FULL)]
    assert pairs == [
        ("language", "python"), ("framework", "flask"), ("entrypoint", "gunicorn --workers 2 app:app"),
        ("port", "8080"), ("writable_paths", "/app/uploads,/app/cache"), ("services", "postgres,redis"),
        ("compiled", "false"), ("env.LOG_LEVEL", "info"), ("env.WORKERS", "2"), ("secret.STRIPE_KEY", "true"),
        ("secret.PUBLIC_ID", "false"), ("system_packages.runtime", "libxml2"),
    ]


def test_answers_know_their_lines():
    lines = {a.key: a.line for a in answers.parse(FULL)}
    assert lines["language"] == 1 and lines["port"] == 4
    assert lines["env.WORKERS"] == 11 and lines["secret.STRIPE_KEY"] == 14 and lines["system_packages.runtime"] == 18


def test_dumps_reads_back_the_same():
    pairs = [("entrypoint", "uvicorn main:app --host 0.0.0.0"), ("port", "8000"), ("env.MODE", 'a "quoted" value'),
             ("secret.API_TOKEN", "true"), ("writable_paths", "/data"), ("language", "python"),
             ("services", "")]
    text = answers.dumps(pairs)
    tomllib.loads(text)
    assert dict((a.key, a.value) for a in answers.parse(text)) == dict(pairs)
    assert text.startswith('language = "python"\n')  # a stable order
    assert 'entrypoint = ["uvicorn", "main:app", "--host", "0.0.0.0"]' in text


@pytest.mark.parametrize("text, where, what", [
    ('port = 8080\nentrypoint = ["gunicorn",\n', "containerize.toml:2", "invalid TOML"),
    ('language = "python"\nport = "eighty"\n', "containerize.toml:2", "port"),
    ('language = "python"\n\nprot = 8080\n', "containerize.toml:3", "unknown key 'prot'"),
    ('port = 70000\n', "containerize.toml:1", "between 1 and 65535"),
    ('entrypoint = 5\n', "containerize.toml:1", "list of strings"),
    ('[secrets]\nTOKEN = "yes"\n', "containerize.toml:2", "true or false"),
    ('[env]\n"1BAD" = "x"\n', "containerize.toml:2", "not an env var name"),
    ('language = "python"\nlanguage = "ruby"\n', "containerize.toml:2", "invalid TOML"),
])
def test_a_malformed_file_names_the_line(tmp_path: Path, text: str, where: str, what: str):
    (tmp_path / "containerize.toml").write_text(text)
    with pytest.raises(answers.AnswersError) as caught:
        answers.load(tmp_path)
    assert str(caught.value).startswith(where), caught.value
    assert what in str(caught.value)


def test_the_command_line_reports_a_malformed_file(flask_app: Path):
    (flask_app / "containerize.toml").write_text('port = 8080\nhealth_path = /health\n')
    done = cli(str(flask_app), "--yes")
    assert done.returncode == 2
    assert "containerize.toml:2" in done.stderr and "Traceback" not in done.stderr
    assert not (flask_app / "Dockerfile").exists()


def test_saved_answers_win_over_detection(flask_app: Path):
    (flask_app / "containerize.toml").write_text('port = 9000\nentrypoint = ["gunicorn", "-w", "4", "app:app"]\n')
    profile = build_profile(flask_app)
    assert profile.ports == [9000]
    assert profile.entrypoint == ["gunicorn", "-w", "4", "app:app"]
    assert origin_of(profile, "ports") == "containerize.toml"
    assert origin_of(profile, "entrypoint") == "containerize.toml"
    assert origin_of(profile, "framework") == "detected"
    assert profile.evidence["ports"][-1].why == "containerize.toml: port=9000"


def test_the_command_line_wins_over_saved_answers(flask_app: Path):
    (flask_app / "containerize.toml").write_text("port = 9000\n")
    profile = build_profile(flask_app, [("port", "9100")])
    assert profile.ports == [9100]
    assert origin_of(profile, "ports") == "command line (--set)"


def test_saved_answers_can_be_ignored(flask_app: Path):
    (flask_app / "containerize.toml").write_text("port = 9000\n")
    assert build_profile(flask_app, saved=False).ports != [9000]


def test_a_saved_language_is_chosen_before_analysis(tmp_path: Path):
    (tmp_path / "index.php").write_text("<?php echo 'hi';\n")
    (tmp_path / "tool.py").write_text("print('hi')\n")
    (tmp_path / "containerize.toml").write_text('language = "python"\n')
    profile = build_profile(tmp_path)
    assert profile.language == "python"
    assert origin_of(profile, "language") == "containerize.toml"
    (tmp_path / "containerize.toml").write_text('language = "cobol"\n')
    with pytest.raises(AnalysisError, match="containerize.toml: language=cobol"):
        build_profile(tmp_path)


def test_answers_in_pyproject(tmp_path: Path):
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "1"\n\n[tool.containerize]\nport = 8081\n'
        '[tool.containerize.env]\nMODE = "prod"\n\n[tool.ruff]\nline-length = 100\n')
    saved = answers.load(tmp_path)
    assert saved is not None and saved.label == "pyproject.toml [tool.containerize]"
    assert saved.pairs() == [("port", "8081"), ("env.MODE", "prod")]
    assert [a.line for a in saved.answers] == [6, 8]

    path = answers.save(tmp_path, [("entrypoint", "python app.py"), ("secret.TOKEN", "true")])
    assert path.name == "pyproject.toml" and not (tmp_path / "containerize.toml").exists()
    data = tomllib.loads(path.read_text())
    assert data["project"]["name"] == "demo" and data["tool"]["ruff"] == {"line-length": 100}
    assert data["tool"]["containerize"] == {"port": 8081, "entrypoint": ["python", "app.py"],
                                            "env": {"MODE": "prod"}, "secrets": {"TOKEN": True}}
    assert path.read_text().count("[tool.containerize]") == 1


def test_a_pyproject_with_an_error_in_its_table_names_the_line(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.containerize]\nports = "many"\n')
    with pytest.raises(answers.AnswersError, match=r"^pyproject.toml:5: "):
        answers.load(tmp_path)


def test_save_merges_into_containerize_toml(tmp_path: Path):
    (tmp_path / "containerize.toml").write_text('port = 8000\n\n[env]\nA = "1"\n')
    answers.save(tmp_path, [("port", "8080"), ("env", "B=2"), ("secrets", "C,D")])
    text = (tmp_path / "containerize.toml").read_text()
    assert text.startswith("# Answers for containerize")
    data = tomllib.loads(text)
    assert data == {"port": 8080, "env": {"A": "1", "B": "2"}, "secrets": {"C": True, "D": True}}


def test_inspect_shows_where_answers_came_from(flask_app: Path):
    (flask_app / "containerize.toml").write_text("port = 9000\n")
    done = cli("inspect", str(flask_app), "--set", "health_path=/ready")
    assert done.returncode == 0, done.stderr
    assert "from containerize.toml: ports" in done.stdout
    assert "from command line (--set): health_path" in done.stdout
    data = json.loads(cli("inspect", str(flask_app), "--json").stdout)
    assert data["origin"]["ports"] == "containerize.toml" and data["origin"]["language"] == "detected"


# -- where an answer came from is data -------------------------------------------
def test_origins_are_recorded_not_read_from_evidence(flask_app: Path):
    profile = build_profile(flask_app)
    # evidence text that looks like an answer's doesn't make it one
    profile.note("framework", "command line (--set): framework=django", confidence=1.0)
    assert origin_of(profile, "framework") == "detected"
    assert profile.origins == {}
    overrides.apply(profile, [("port", "9001")], origin="questionnaire")
    assert profile.origins == {"ports": "questionnaire"}
    assert origin_of(profile, "ports") == origin_of(profile, "port") == "questionnaire"


def test_the_strongest_layer_is_the_origin(flask_app: Path):
    (flask_app / "containerize.toml").write_text('port = 9000\nhealth_path = "/up"\n\n[env]\nA = "1"\n')
    profile = build_profile(flask_app, [("port", "9100"), ("secrets", "TOKEN")], asked=[("health_path", "/ok")])
    assert profile.origins["ports"] == "command line (--set)"
    assert profile.origins["health_path"] == "questionnaire" and profile.health_path == "/ok"
    assert profile.origins["env"] == "command line (--set)"
    assert profile.origins["env.A"] == "containerize.toml" and profile.origins["env.TOKEN"] == "command line (--set)"
    data = profile.to_dict()
    assert "origins" not in data and list(data["origin"]) == list(ANSWER_KEYS)
    assert data["origin"]["ports"] == "command line (--set)" and data["origin"]["framework"] == "detected"


def test_a_language_chosen_on_the_command_line_is_its_origin(tmp_path: Path):
    (tmp_path / "index.php").write_text("<?php echo 'hi';\n")
    (tmp_path / "tool.py").write_text("print('hi')\n")
    profile = build_profile(tmp_path, [("language", "python")])
    assert profile.language == "python" and origin_of(profile, "language") == "command line (--set)"
    assert build_profile(tmp_path, saved=False).origins.get("language") is None


def test_pyproject_answers_are_named_by_their_table(tmp_path: Path):
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.containerize]\nport = 8081\n')
    profile = build_profile(tmp_path)
    assert origin_of(profile, "ports") == "pyproject.toml [tool.containerize]"
    data = json.loads(cli("inspect", str(tmp_path), "--json", "--set", "health_path=/up").stdout)
    assert data["origin"]["ports"] == "pyproject.toml [tool.containerize]"
    assert data["origin"]["health_path"] == "command line (--set)" and data["origin"]["entrypoint"] == "detected"


def test_a_repeated_answer_replaces_its_note(flask_app: Path):
    profile = build_profile(flask_app, asked=[("port", "9001"), ("env.A", "1"), ("env.B", "2"), ("port", "9002")])
    answered = [e.why for e in profile.evidence["ports"] if e.origin]
    assert answered == ["questionnaire: port=9002"] and profile.ports == [9002]
    assert [e.answer for e in profile.evidence["env"] if e.origin] == [("env.A", "1"), ("env.B", "2")]


# -- the answer keys, declared once ------------------------------------------------
# one --set value of every key, and the TOML the saved file holds for it
EVERY_KEY = {
    "language": ("python", 'language = "python"'),
    "framework": ("flask", 'framework = "flask"'),
    "package_manager": ("pip", 'package_manager = "pip"'),
    "runtime_version": ("3.12", 'runtime_version = "3.12"'),
    "compiled": ("true", "compiled = true"),
    "build_command": ("make all", 'build_command = ["make", "all"]'),
    "entrypoint": ("gunicorn app:app", 'entrypoint = ["gunicorn", "app:app"]'),
    "port": ("8080,9090", "port = [8080, 9090]"),
    "port_env": ("APP_PORT", 'port_env = "APP_PORT"'),
    "health_path": ("/up", 'health_path = "/up"'),
    "env.LOG_LEVEL": ("debug", '[env]\nLOG_LEVEL = "debug"'),
    "secret.API_TOKEN": ("true", "[secrets]\nAPI_TOKEN = true"),
    "writable_paths": ("/data", 'writable_paths = ["/data"]'),
    "read_paths": ("/etc/app", 'read_paths = ["/etc/app"]'),
    "services": ("redis", 'services = ["redis"]'),
    "migrate": ("alembic upgrade head", 'migrate = ["alembic", "upgrade", "head"]'),
    "workers.beat": ("celery -A app beat", '[workers]\nbeat = ["celery", "-A", "app", "beat"]'),
    "long_running": ("true", "long_running = true"),
    "dependencies": ("flask", 'dependencies = ["flask"]'),
    "system_packages.runtime": ("libpq5", '[system_packages]\nruntime = ["libpq5"]'),
}


def test_every_key_is_in_the_table_and_every_field_has_a_key():
    assert {key.split(".")[0] for key in EVERY_KEY} == set(answer_keys.BY_NAME)
    assert set(answer_keys.FIELDS) == set(ANSWER_KEYS) and len(ANSWER_KEYS) == 19


@pytest.mark.parametrize("key", list(EVERY_KEY))
def test_every_key_is_set_saved_read_back_and_shown(key: str):
    value, toml = EVERY_KEY[key]
    pairs = overrides.parse([f"{key}={value}"])
    assert pairs == [(key, value)]
    text = answers.dumps(pairs)
    assert text == toml + "\n"
    assert [(a.key, a.value) for a in answers.parse(text)] == [(key, value)]
    profile = Profile()
    overrides.apply(profile, pairs, origin="questionnaire")
    field = answer_keys.field_of(key)
    assert profile.origin(field) == "questionnaire"
    assert report.value(profile, field) != "-"


def test_aliases_are_saved_in_the_files_spelling():
    assert answers.normalize([("ports", "80"), ("env", "A=1"), ("secrets", "B, C"), ("system_packages", "x y")]) == {
        "port": "80", "env.A": "1", "secret.B": "true", "secret.C": "true", "system_packages.runtime": "x y"}
    assert overrides.parse(["secrets.TOKEN=true"]) == [("secrets.TOKEN", "true")]
    profile = Profile()
    overrides.apply(profile, [("secrets.TOKEN", "true")])
    assert profile.secrets[0].name == "TOKEN"


@pytest.mark.parametrize("pair, message", [
    ("system_packages.test=x", "unknown key"),
    ("ports.x=1", "unknown key"),
    ("secret.1BAD=true", "not an env var name"),
    ("secrets=OK,2BAD", "not an env var name"),
    ("compiled=maybe", "true or false"),
    ("entrypoint=python 'unclosed", "No closing quotation"),
])
def test_bad_answers_are_refused(pair: str, message: str):
    with pytest.raises(overrides.OverrideError, match=message):
        overrides.apply(Profile(), overrides.parse([pair]))


# -- the questionnaire applies answers to what was detected once ----------------------
def test_a_checklist_scans_and_analyzes_once(flask_app: Path, monkeypatch):
    scans, analyses = [], []
    real_tree, real_detect = checklist.SourceTree, checklist.detect
    monkeypatch.setattr(checklist, "SourceTree", lambda path: scans.append(path) or real_tree(path))
    monkeypatch.setattr(checklist, "detect", lambda *a: analyses.append(a[1:]) or real_detect(*a))
    (flask_app / "containerize.toml").write_text("port = 9000\n")
    session = checklist.Checklist(flask_app, [("health_path", "/up")])
    first = session.profile()
    changed = session.profile([("port", "9001"), ("entrypoint", "python app.py")])
    again = session.profile([("port", "9002")])
    assert len(scans) == 1 and analyses == [(None, None)]
    assert first.ports == [9000] and first.origin("ports") == "containerize.toml"
    assert changed.ports == [9001] and changed.entrypoint == ["python", "app.py"]
    assert again.ports == [9002] and again.origin("entrypoint") == "detected"  # copies: no answer leaks
    assert again.health_path == "/up" and again.origin("health_path") == "command line (--set)"
    session.profile([("language", "python")])
    session.profile([("language", "python"), ("port", "9003")])  # the same answer: no new analysis
    assert analyses == [(None, None), ("python", "questionnaire")]
    expected = build_profile(flask_app, [("health_path", "/up")], asked=[("port", "9002")]).to_dict()
    assert json.dumps(again.to_dict(), default=str) == json.dumps(expected, default=str)


def test_many_saved_answers_load(flask_app: Path):
    names = [f"VAR_{i}" for i in range(6000)]
    (flask_app / "containerize.toml").write_text(
        "[env]\n" + "".join(f'{n} = "x"\n' for n in names) + "\n[secrets]\n" + "".join(f"{n} = true\n" for n in names[::2]))
    profile = build_profile(flask_app)  # quadratic work here took minutes (benchmarks/pathological_inputs.py)
    assert profile.env_var("VAR_2").secret and profile.env_var("VAR_3").default == "x"
    assert profile.origins["env.VAR_5999"] == "containerize.toml"


# -- the saved file is edited with tomlkit ------------------------------------------
def test_a_pyproject_without_the_table_is_left_alone(tmp_path: Path):
    text = '[project]\nname = "demo"  # a comment\nversion="1"\n'
    (tmp_path / "pyproject.toml").write_text(text)
    path = answers.save(tmp_path, [("port", "8080")])
    assert path.name == "containerize.toml"
    assert (tmp_path / "pyproject.toml").read_text() == text
    assert tomllib.loads(path.read_text()) == {"port": 8080}


def test_editing_the_table_keeps_the_users_formatting(tmp_path: Path):
    text = ('[project]\nname   =   "demo"   # spaced out\n\n'
            '[tool.containerize]\n# the port the app serves\nport = 8081\n\n'
            '[tool.containerize.env]\nMODE = "prod"  # keep me\n\n[tool.ruff]\nline-length=100\n')
    (tmp_path / "pyproject.toml").write_text(text)
    answers.save(tmp_path, [("env.LEVEL", "debug"), ("secret.TOKEN", "true")])
    after = (tmp_path / "pyproject.toml").read_text()
    for kept in ('name   =   "demo"   # spaced out', "# the port the app serves\nport = 8081",
                 'MODE = "prod"  # keep me', "[tool.ruff]\nline-length=100"):
        assert kept in after
    data = tomllib.loads(after)["tool"]["containerize"]
    assert data == {"port": 8081, "env": {"MODE": "prod", "LEVEL": "debug"}, "secrets": {"TOKEN": True}}


def test_no_regex_writes_toml():
    import inspect as source

    for module in (answers, answer_keys):
        text = source.getsource(module)
        assert "_replace_table" not in text and "tomlkit" in text


@pytest.mark.parametrize("text, where", [
    ('[env]\n"1=BAD" = "x"\n', "containerize.toml:2"),  # a quoted key holding "="
    ('language = "python"\nenv . "2BAD" = "x"\n', "containerize.toml:2"),  # a dotted key with spaces
    ('entrypoint = [\n  "python",\n]\n[secrets]\nTOKEN = "yes"\n', "containerize.toml:5"),  # after a multi-line value
])
def test_lines_are_found_by_the_toml_parser(tmp_path: Path, text: str, where: str):
    (tmp_path / "containerize.toml").write_text(text)
    with pytest.raises(answers.AnswersError) as caught:
        answers.load(tmp_path)
    assert str(caught.value).startswith(where + ":"), caught.value
