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


@pytest.mark.parametrize("code, status, err", [(None, 0, ""), (0, 0, ""), (3, 3, ""), ("no way", 1, "no way\n")])
def test_the_fast_exit_runs_exit_handlers_flushes_and_keeps_the_status(code, status, err):
    # the command exits without freeing its objects one by one, but nothing a normal exit does is lost
    script = ("import atexit, sys\nfrom containerize.__main__ import _exit\n"
              "atexit.register(lambda: sys.stdout.write(' and the exit handler'))\n"
              f"sys.stdout.write('buffered output')\n_exit({code!r})\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (status, "buffered output and the exit handler", err)


def test_the_whole_answer_is_written_before_the_fast_exit(flask_app):
    done = cli("inspect", "--json", str(flask_app))
    assert done.returncode == 0 and json.loads(done.stdout)["language"] == "python"


# -- conventions: the ones users know from other command lines --------------------------
def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    import os

    full = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True,
                          timeout=60, cwd=cwd, stdin=subprocess.DEVNULL, env=full)


def one_line_error(done: subprocess.CompletedProcess, code: int = 2) -> str:
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "╭" not in done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("containerize: error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize("args", [("-h",), ("--help",), ("inspect", "-h"), ("generate", "-h"), ("init", "-h")])
def test_short_and_long_help(args):
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


def test_top_level_help_says_path_means_generate_and_has_examples():
    out = run("--help").stdout
    assert "containerize PATH" in out and "generate" in out and "Examples" in out
    assert "--version" in out and "--install-completion" in out
    for command in ("generate", "init", "inspect", "verify"):
        assert "Examples" in run(command, "--help").stdout, command


@pytest.mark.parametrize("args", [("--version",), ("inspect", "--version"), ("{app}", "--dry-run", "--version"),
                                  ("--set", "port=80", "--version"), ("init", "--yes", "--version")])
def test_version_anywhere(flask_app, args):
    done = run(*(a.format(app=flask_app) for a in args))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("containerize ") and "FROM" not in done.stdout
    assert not (flask_app / "Dockerfile").exists()


def test_completion_show_and_install(tmp_path):
    shown = run("--show-completion", "bash", env={"HOME": str(tmp_path), "SHELL": "/bin/bash"})
    assert shown.returncode == 0, shown.stderr
    assert "_CONTAINERIZE_COMPLETE" in shown.stdout and "complete" in shown.stdout
    installed = run("--install-completion", "bash", env={"HOME": str(tmp_path), "SHELL": "/bin/bash"})
    assert installed.returncode == 0, installed.stderr
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert "_CONTAINERIZE_COMPLETE" in written


def test_completion_answers_a_partial_command():
    done = run(env={"_CONTAINERIZE_COMPLETE": "complete_bash", "COMP_WORDS": "containerize ins", "COMP_CWORD": "1"})
    assert done.returncode == 0, done.stderr
    assert "inspect" in done.stdout


def test_a_mistyped_command_is_suggested(tmp_path):
    line = one_line_error(run("inpsect", cwd=tmp_path))
    assert "did you mean 'inspect'" in line
    # a folder of that name is a folder
    (tmp_path / "inpsect").mkdir()
    assert "did you mean" not in run("inpsect", "--yes", cwd=tmp_path).stderr


def test_an_unknown_set_key_is_suggested(flask_app):
    assert "did you mean 'port'" in one_line_error(run("inspect", str(flask_app), "--set", "prot=1"))


@pytest.mark.parametrize("args, code", [
    (("inspect", "/definitely/not/here", "--json"), 2),
    (("inspect", "{app}", "--json", "--set", "port=abc"), 2),
    (("inspect", "{app}", "--json", "--bogus"), 2),
])
def test_json_errors_are_json(flask_app, args, code):
    done = run(*(a.format(app=flask_app) for a in args))
    assert done.returncode == code
    data = json.loads(done.stdout)
    assert set(data) == {"error", "exit"} and data["exit"] == code and data["error"]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args, words", [
    (("",), "empty"),
    (("inspect", ""), "empty"),
    (("-weird",), "containerize -- -weird"),
    (("{app}", "--frce"), "--force"),
])
def test_bad_paths_and_options_get_one_line(flask_app, tmp_path, args, words):
    done = run(*(a.format(app=flask_app) for a in args), cwd=tmp_path)
    assert words in one_line_error(done)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app"]  # nothing written in the current folder
    assert not (flask_app / "Dockerfile").exists()


def test_a_folder_starting_with_a_dash_after_double_dash(tmp_path):
    app = Path(shutil.copytree(FIXTURES / "python-flask", tmp_path / "-app"))
    done = run("--dry-run", "--", str(app.name), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "FROM python:" in done.stdout


def test_answers_are_checked_against_the_choices(tmp_path):
    line = one_line_error(run("init", str(tmp_path), "--yes", "--set", "language=python", "--set", "framework=flsk"))
    assert "did you mean 'flask'" in line
    line = one_line_error(run("init", str(tmp_path), "--yes", "--set", "language=python",
                              "--set", "runtime_version=banana"))
    assert "not a version" in line
    assert list(tmp_path.iterdir()) == []


LONG = "x" * 150


@pytest.mark.parametrize("columns", [60, 200])
def test_inspect_table_fits_the_terminal(flask_app, columns):
    done = run("inspect", str(flask_app), "--set", f"env.LONG_SETTING={LONG}", env={"COLUMNS": str(columns)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line) <= columns for line in lines), max(lines, key=len)
    assert "".join(line.replace(" ", "") for line in lines).count(LONG) >= 1  # folded, not cut
    if columns == 200:
        assert any("gunicorn --bind 0.0.0.0:5050 app:app" in line for line in lines)


def test_inspect_in_a_pipe_prints_whole_values(flask_app):
    done = run("inspect", str(flask_app), "--set", f"env.LONG_SETTING={LONG}")
    assert done.returncode == 0, done.stderr
    assert any(f"LONG_SETTING={LONG}" in line for line in done.stdout.splitlines())
    assert not any(line != line.rstrip() for line in done.stdout.splitlines())


def test_ctrl_c_while_running_is_one_line(flask_app):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "containerize", "inspect", str(flask_app)], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    time.sleep(0.3)  # past the interpreter's own start-up, while the modules load or the tree is read
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    if proc.returncode != 0:  # it may have finished first
        assert proc.returncode == 130
        assert [line for line in err.splitlines() if line.strip()] == [
            "containerize: interrupted; nothing was written"]
