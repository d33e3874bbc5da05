"""`containerize verify` of one app with a one-shot migrate service, with a fake Docker: a failing migrate
service stops the run with its name, exit code and last log lines (compose itself may exit 0 and leave the
app created, never started, which once read as "the container exited with code 0")."""
from __future__ import annotations

import io
import subprocess

import pytest

from containerize.verify import compose, docker, report, start
from containerize.verify.record import START_FAILED, Options, VerifyError, new_run

CONFIG = {"services": {
    "app": {"build": {"context": "."}, "ports": [{"target": 8000}],
            "depends_on": {"db": {"condition": "service_healthy"},
                           "migrate": {"condition": "service_completed_successfully"}}},
    "migrate": {"image": "x", "command": ["python", "manage.py", "migrate", "--noinput"], "restart": "no",
                "depends_on": {"db": {"condition": "service_healthy"}}},
    "db": {"image": "postgres:17"},
}}


class FakeDocker:
    """compose and docker as the engine answers them: compose exits 0 whatever the migrate service did."""

    def __init__(self, migrate_exit: int | None, app_status: str = "running"):
        self.migrate_exit, self.app_status = migrate_exit, app_status
        self.commands: list[tuple[str, ...]] = []

    def command(self, run, *args, check=True, timeout=600):
        self.commands.append(args)
        out = ""
        if args[:3] == ("ps", "-a", "-q"):
            out = {"migrate": "" if self.migrate_exit is None else "c-migrate\n", "app": "c-app\n"}[args[3]]
        return subprocess.CompletedProcess(["docker", *args], 0, out, "")

    def inspect(self, kind, ref):
        if ref == "c-migrate":
            return {"State": {"Status": "exited", "Running": False, "ExitCode": self.migrate_exit}}
        return {"State": {"Status": self.app_status, "Running": self.app_status == "running", "ExitCode": 0}}

    def logs(self, cid, tail=30):
        assert cid == "c-migrate"
        return "Applying polls.0001_initial...\ndjango.db.utils.ProgrammingError: relation \"x\" already exists"


@pytest.fixture
def fake(monkeypatch, tmp_path):
    def install(migrate_exit, app_status="running"):
        fake = FakeDocker(migrate_exit, app_status)
        monkeypatch.setattr(compose, "config", lambda run: CONFIG)
        monkeypatch.setattr(compose, "override", lambda run, config, app, ports, tag: tmp_path / "override.yaml")
        monkeypatch.setattr(compose, "command", fake.command)
        monkeypatch.setattr(docker, "inspect", fake.inspect)
        monkeypatch.setattr(docker, "logs", fake.logs)
        run = new_run(Options(path=tmp_path, timeout=5))
        run.created.workdir = tmp_path
        run.compose_file = tmp_path / "compose.yaml"
        return run, fake
    return install


def test_a_failing_migrate_service_is_named_with_its_exit_code_and_log(fake):
    run, docker_fake = fake(3, app_status="created")
    with pytest.raises(VerifyError) as caught:
        start.start(run, "img:test")
    err = caught.value
    assert err.code == START_FAILED and err.kind == "migrate"
    assert "the migrate service" in err.message and "exited with code 3" in err.message
    assert "python manage.py migrate --noinput" in err.message and "code 0" not in err.message
    assert "already exists" in err.details and "last log lines" in err.details
    # stopped before the app was started
    assert not any(a[:2] == ("up", "-d") and "app" in a for a in docker_fake.commands)
    assert [(c.name, c.status) for c in run.result.checks] == [("migrate: completed", "fail")]
    run.result.error = err
    out = io.StringIO()
    report.print_error(run.result, out)
    assert "migrate service" in out.getvalue() and "exited with code 3" in out.getvalue()
    assert "already exists" in out.getvalue()


def test_a_migrate_service_that_was_never_created(fake):
    run, _ = fake(None)
    with pytest.raises(VerifyError, match="the migrate service .* was not created"):
        start.start(run, "img:test")


def test_a_successful_migrate_service_lets_the_app_start(fake):
    run, docker_fake = fake(0)
    app = start.start(run, "img:test")
    assert app.container == "c-app" and app.port == 8000
    assert ("up", "-d", "--no-build", "app") in docker_fake.commands
    assert [(c.name, c.status) for c in run.result.checks] == [("migrate: completed", "pass")]


def test_an_app_created_but_never_started_is_not_said_to_have_exited_0(monkeypatch):
    monkeypatch.setattr(docker, "logs", lambda cid, tail=30: "")
    err = start.exited_early("c-app", {"Status": "created", "Running": False, "ExitCode": 0}, "before port 80")
    assert "never started" in err.message and "code 0" not in err.message


def test_only_completion_conditions_are_one_shot():
    assert start.run_once(CONFIG, "app") == ["migrate"]
    assert start.run_once({"services": {"app": {"depends_on": ["db"]}}}, "app") == []


def test_a_migrate_service_that_fails_when_the_app_starts_it_again(fake, monkeypatch):
    run, docker_fake = fake(0)
    first = docker_fake.command

    def command(run_, *args, **kw):  # compose runs it again as it starts the app: this time it fails
        if args[:2] == ("up", "-d") and "app" in args:
            docker_fake.migrate_exit = 2
        return first(run_, *args, **kw)

    monkeypatch.setattr(compose, "command", command)
    with pytest.raises(VerifyError, match="exited with code 2"):
        start.start(run, "img:test")
    assert [(c.name, c.status) for c in run.result.checks] == [("migrate: completed", "fail")]
