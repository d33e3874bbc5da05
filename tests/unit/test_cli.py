"""The command line: what it writes, what it refuses, how it fails."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from containerize import write
from containerize.profile import ANSWER_KEYS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
OUTPUTS = ("Dockerfile", ".dockerignore", "compose.yaml")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True,
                          timeout=60, cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.fixture
def flask_app(tmp_path):
    return Path(shutil.copytree(FIXTURES / "python-flask", tmp_path / "app"))


def test_writes_the_three_files(flask_app):
    done = cli(str(flask_app))
    assert done.returncode == 0, done.stderr
    for name in OUTPUTS:
        assert (flask_app / name).is_file()
    assert not list(flask_app.glob(".*.tmp"))


def test_dry_run_writes_nothing(flask_app):
    done = cli(str(flask_app), "--dry-run")
    assert done.returncode == 0
    assert "FROM python:" in done.stdout and "services:" in done.stdout
    assert not any((flask_app / n).exists() for n in OUTPUTS)


def test_existing_files_are_left_alone_without_force(flask_app):
    (flask_app / "Dockerfile").write_text("FROM scratch\n")
    done = cli(str(flask_app))
    assert done.returncode != 0
    assert "Dockerfile" in done.stderr and "--force" in done.stderr
    assert (flask_app / "Dockerfile").read_text() == "FROM scratch\n"
    assert not (flask_app / "compose.yaml").exists()  # all or nothing
    assert cli(str(flask_app), "--force").returncode == 0
    assert "FROM python:" in (flask_app / "Dockerfile").read_text()


def test_set_overrides_port(flask_app):
    done = cli(str(flask_app), "--set", "port=9000", "--dry-run")
    assert "EXPOSE 9000" in done.stdout and "0.0.0.0:9000" in done.stdout


def test_inspect_json(flask_app):
    done = cli("inspect", str(flask_app), "--json")
    data = json.loads(done.stdout)
    assert data["ports"] == [5050] and data["port_env"] == "PORT"


def test_inspect_json_says_where_each_answer_came_from(flask_app):
    done = cli("inspect", str(flask_app), "--json", "--set", "port=9000", "--set", "language=python")
    assert done.returncode == 0, done.stderr
    origin = json.loads(done.stdout)["origin"]
    assert list(origin) == list(ANSWER_KEYS)
    assert origin["ports"] == origin["language"] == "command line (--set)"
    assert {key for key, value in origin.items() if value != "detected"} == {"ports", "language"}


def test_inspect_table(flask_app):
    done = cli("inspect", str(flask_app))
    assert done.returncode == 0
    assert "app.py:" in done.stdout and "flask" in done.stdout


@pytest.mark.parametrize("args, message", [
    (("/definitely/not/here",), "no such directory"),
    (("--set", "nonsense=1"), "unknown key"),
    (("--set", "port=abc"), "ports are numbers"),
    (("--set", "language=cobol"), "no analyzer for 'cobol'"),
])
def test_bad_input_gets_a_message_not_a_traceback(flask_app, args, message):
    if args[0].startswith("/"):
        done = cli(*args)
    else:
        done = cli(str(flask_app), *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_empty_directory_message(tmp_path):
    done = cli(str(tmp_path), "--yes")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "empty" in done.stderr or "no code" in done.stderr or "init" in done.stderr


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    files = {"Dockerfile": "FROM x\n", "compose.yaml": "services: {}\n", ".dockerignore": ".git\n"}
    real_replace = write.os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the first file is in place when the second fails
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", failing_replace)
    with pytest.raises(write.WriteError, match="No space left"):
        write.write_all(tmp_path, files)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_overwrite_restores_the_old_files(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text("old\n")
    real_replace = write.os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", failing_replace)
    with pytest.raises(KeyboardInterrupt):
        write.write_all(tmp_path, {"Dockerfile": "new\n", "compose.yaml": "x\n"}, force=True)
    assert (tmp_path / "Dockerfile").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_version():
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("containerize ")
