"""The questionnaire, driven through a real pseudo-terminal as a person would:
arrow keys, Enter, Space, typing, Ctrl-C and Esc. No Docker needed.

Every child process has a deadline (pexpect's timeout), so a prompt that
shouldn't be there fails the test instead of hanging it.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 30  # seconds for any one prompt or for the program to finish
DOWN, ENTER, SPACE, CTRL_C, ESC, BACKSPACE = "\x1b[B", "\r", " ", "\x03", "\x1b", "\x7f"
CONTAINER_FILES = ("Dockerfile", ".dockerignore", "compose.yaml", "README.Docker.md")

pytestmark = pytest.mark.timeout(120)


def spawn(*args: str) -> "pexpect.spawn":
    # a pseudo-terminal without a terminal emulator never answers cursor-position requests
    env = dict(os.environ, TERM="xterm-256color", PYTHONUNBUFFERED="1", PROMPT_TOOLKIT_NO_CPR="1")
    env.pop("CI", None)
    child = pexpect.spawn(sys.executable, ["-m", "containerize", *args], env=env, cwd=str(ROOT),
                          encoding="utf-8", timeout=DEADLINE, dimensions=(50, 200))
    child.delaybeforesend = 0.05
    return child


def finish(child: "pexpect.spawn") -> tuple[int, str]:
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    return child.exitstatus, out


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


@pytest.fixture
def two_scripts(tmp_path: Path) -> Path:
    """A batch project with two equally likely start commands (and an env var that may be a secret)."""
    app = tmp_path / "two-scripts"
    app.mkdir()
    (app / "main.py").write_text(textwrap.dedent("""\
        import os

        if __name__ == "__main__":
            print("hello from main", os.environ.get("GREETING", "hi"))
        """))
    (app / "report.py").write_text(textwrap.dedent("""\
        import os

        if __name__ == "__main__":
            print("report for", os.environ["REPORT_TARGET"])
        """))
    return app


def test_two_entrypoints_asks_which_and_saves_the_answer(two_scripts: Path):
    child = spawn(str(two_scripts))
    child.expect("Found a python project")
    child.expect("Which command starts the app")
    child.expect("something else")
    child.send(DOWN)  # from python main.py to python report.py
    child.send(ENTER)
    child.expect("Which of these env vars hold secrets")
    child.expect("REPORT_TARGET")
    child.send(ENTER)  # none of them
    child.expect("The container files will use")
    child.expect("Write the container files")
    child.send(ENTER)  # Yes, write them
    code, out = finish(child)
    assert code == 0, plain(out)
    for name in CONTAINER_FILES:
        assert (two_scripts / name).is_file(), name
    assert 'CMD ["python", "report.py"]' in (two_scripts / "Dockerfile").read_text()
    saved = (two_scripts / "containerize.toml").read_text()
    assert 'entrypoint = ["python", "report.py"]' in saved
    assert "[secrets]\nREPORT_TARGET = false" in saved
    readme = (two_scripts / "README.Docker.md").read_text()
    assert "| entrypoint | python report.py |" in readme and "questionnaire" in readme


def test_rerun_with_saved_answers_asks_nothing(two_scripts: Path):
    (two_scripts / "containerize.toml").write_text(
        'entrypoint = ["python", "report.py"]\n\n[secrets]\nREPORT_TARGET = false\n')
    child = spawn(str(two_scripts))
    code, out = finish(child)  # a prompt would wait for an answer until pexpect's timeout
    assert code == 0, plain(out)
    assert "Which" not in out and "?" not in plain(out).replace("(or:", "")
    assert 'CMD ["python", "report.py"]' in (two_scripts / "Dockerfile").read_text()
    assert "containerize.toml" in (two_scripts / "README.Docker.md").read_text()
    # inspect says where the answer came from
    done = subprocess.run([sys.executable, "-m", "containerize", "inspect", str(two_scripts)], capture_output=True,
                          text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL)
    assert "from containerize.toml: entrypoint" in done.stdout


@pytest.mark.parametrize("key", [CTRL_C, ESC], ids=["ctrl-c", "esc"])
def test_cancel_writes_nothing(two_scripts: Path, key: str):
    before = sorted(p.name for p in two_scripts.iterdir())
    child = spawn(str(two_scripts))
    child.expect("Which command starts the app")
    child.expect("something else")
    child.send(key)
    code, out = finish(child)
    assert code == 130
    assert "nothing was written" in out and "Traceback" not in out
    assert sorted(p.name for p in two_scripts.iterdir()) == before


def test_cancel_at_the_summary_writes_nothing(two_scripts: Path):
    child = spawn("-i", str(two_scripts))
    child.expect("Which command starts the app")
    child.expect("something else")
    child.send(ENTER)
    child.expect("hold secrets")
    child.expect("REPORT_TARGET")
    child.send(ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")
    child.send(DOWN + DOWN + ENTER)
    code, out = finish(child)
    assert code == 130
    assert not any((two_scripts / name).exists() for name in CONTAINER_FILES + ("containerize.toml",))


def test_empty_directory_asks_about_the_new_app(tmp_path: Path):
    app = tmp_path / "newapp"
    app.mkdir()
    child = spawn("init", str(app))
    child.expect("No code in")
    child.expect("Which language")
    child.expect("python")
    child.send(ENTER)  # python, the default
    child.expect("Which framework")
    child.expect("Flask")
    child.send(ENTER)  # Flask, the first
    child.expect("Which python version")
    child.send(ENTER)  # the default
    child.expect("Which port will it listen on")
    child.expect("8000")
    child.send(BACKSPACE * 4 + "8080" + ENTER)
    child.expect("The command that starts it")
    child.expect("0.0.0.0:8080")  # the default follows the port
    child.send(ENTER)
    child.expect("Env vars it reads")
    child.send("LOG_LEVEL=info API_TOKEN" + ENTER)
    child.expect("Which of them are secrets")
    child.expect("API_TOKEN")
    child.send(ENTER)  # API_TOKEN is ticked already (its name says it's a secret)
    child.expect("Which services does it use")
    child.expect("postgres")
    child.send(SPACE + ENTER)  # postgres, the first
    child.expect("Write the container files")
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)

    for name in CONTAINER_FILES + ("requirements.txt",):
        assert (app / name).is_file(), name
    dockerfile = (app / "Dockerfile").read_text()
    assert "EXPOSE 8080" in dockerfile
    assert 'CMD ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]' in dockerfile
    requirements = (app / "requirements.txt").read_text()
    assert "flask" in requirements and "gunicorn" in requirements and "psycopg" in requirements
    compose = (app / "compose.yaml").read_text()
    assert "postgres:" in compose and "api_token" in compose and "database_url" in compose
    assert 'LOG_LEVEL: "${LOG_LEVEL:-info}"' in compose
    saved = (app / "containerize.toml").read_text()
    for line in ('language = "python"', 'framework = "flask"', "port = 8080", 'services = ["postgres"]',
                 'LOG_LEVEL = "info"', "API_TOKEN = true"):
        assert line in saved, saved

    # the same command again: the saved answers answer everything
    child = spawn(str(app), "--force")
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "Which" not in out
    dockerfile = (app / "Dockerfile").read_text()
    assert "EXPOSE 8080" in dockerfile and '"0.0.0.0:8080", "app:app"' in dockerfile
    assert "database_url" in (app / "compose.yaml").read_text()


def test_yes_never_prompts_on_a_terminal(two_scripts: Path):
    child = spawn(str(two_scripts), "--yes")
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "Which" not in out
    assert 'CMD ["python", "main.py"]' in (two_scripts / "Dockerfile").read_text()
    assert not (two_scripts / "containerize.toml").exists()


@pytest.mark.parametrize("flags", [["--yes"], []], ids=["yes", "no-flag"])
def test_a_pipe_never_prompts(two_scripts: Path, flags: list[str]):
    done = subprocess.run([sys.executable, "-m", "containerize", str(two_scripts), *flags], input="",
                          capture_output=True, text=True, timeout=DEADLINE, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr
    assert (two_scripts / "Dockerfile").is_file()
    assert not (two_scripts / "containerize.toml").exists()


def test_interactive_in_a_pipe_is_refused(two_scripts: Path):
    done = subprocess.run([sys.executable, "-m", "containerize", "-i", str(two_scripts)], input="",
                          capture_output=True, text=True, timeout=DEADLINE, cwd=str(ROOT))
    assert done.returncode == 2 and "needs a terminal" in done.stderr
    assert not (two_scripts / "Dockerfile").exists()


def test_init_in_a_pipe_needs_the_language(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "containerize", "init", str(tmp_path), "--yes"], input="",
                          capture_output=True, text=True, timeout=DEADLINE, cwd=str(ROOT))
    assert done.returncode == 2
    assert "--set language=" in done.stderr and "python" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_empty_folder_with_saved_answers_asks_nothing(tmp_path: Path):
    (tmp_path / "containerize.toml").write_text(
        'language = "python"\nframework = "fastapi"\nentrypoint = ["uvicorn", "main:app", "--host", "0.0.0.0"]\n'
        "port = 8000\n")
    child = spawn(str(tmp_path))
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "Which" not in out
    assert 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]' in (tmp_path / "Dockerfile").read_text()
    assert "fastapi" in (tmp_path / "requirements.txt").read_text()


def test_an_answer_can_be_changed_at_the_summary(two_scripts: Path):
    child = spawn("-i", str(two_scripts))
    child.expect("Which command starts the app")
    child.expect("something else")
    child.send(ENTER)  # python main.py
    child.expect("hold secrets")
    child.expect("REPORT_TARGET")
    child.send(ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")
    child.send(DOWN + ENTER)  # Change an answer
    child.expect("Which answer")
    child.expect("start command")
    child.send(ENTER)
    child.expect("Which command starts the app")
    child.expect("something else")
    child.send(DOWN + ENTER)  # python report.py
    child.expect("Write the container files")
    child.expect("No, write nothing")
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)
    assert 'CMD ["python", "report.py"]' in (two_scripts / "Dockerfile").read_text()
    assert 'entrypoint = ["python", "report.py"]' in (two_scripts / "containerize.toml").read_text()


# -- every answer can be changed at the summary ---------------------------------------------
from containerize.questionnaire import CHANGEABLE  # noqa: E402


def menu(has_port: bool, has_env: bool = True) -> list[str]:
    """The answers "Which answer?" offers, in order, for an app with or without a port."""
    return [k for k in CHANGEABLE if (has_port or k not in ("port_env", "health_path"))
            and (has_env or k != "secret")]


def to_summary(child: "pexpect.spawn") -> None:
    """Answer the two_scripts questions with their defaults and reach the summary."""
    child.expect("Which command starts the app")
    child.expect("something else")
    child.send(DOWN + ENTER)  # python report.py
    child.expect("hold secrets")
    child.expect("REPORT_TARGET")
    child.send(ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")


def change(child: "pexpect.spawn", key: str, has_port: bool) -> None:
    child.send(DOWN + ENTER)  # Change an answer
    child.expect("Which answer")
    child.send(DOWN * menu(has_port).index(key) + ENTER)


def env_order(app: Path, *sets: str) -> list[str]:
    args = [a for s in sets for a in ("--set", s)]
    done = subprocess.run([sys.executable, "-m", "containerize", "inspect", str(app), "--json", *args],
                          capture_output=True, text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL)
    return [v["name"] for v in __import__("json").loads(done.stdout)["env"]]


def test_a_port_can_be_given_at_the_summary(two_scripts: Path):
    child = spawn(str(two_scripts))
    to_summary(child)
    change(child, "port", has_port=False)
    child.expect("Which port does the app listen on")
    child.send("8080" + ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "EXPOSE 8080" in (two_scripts / "Dockerfile").read_text()
    assert "port = 8080" in (two_scripts / "containerize.toml").read_text()


def test_a_bad_port_is_refused_at_the_prompt(two_scripts: Path):
    child = spawn(str(two_scripts))
    to_summary(child)
    change(child, "port", has_port=False)
    child.expect("Which port does the app listen on")
    child.send("99999")
    child.expect("a port is a number from 1 to 65535")
    child.send(BACKSPACE * 5 + "8081" + ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "EXPOSE 8081" in (two_scripts / "Dockerfile").read_text()


def test_an_env_var_can_be_added_and_marked_secret(two_scripts: Path):
    child = spawn(str(two_scripts))
    to_summary(child)
    change(child, "env", has_port=False)
    child.expect("Env vars it reads")
    child.send(" API_SIGNING=abc" + ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")
    change(child, "secret", has_port=False)
    child.expect("hold secrets")
    child.expect("API_SIGNING")
    names = [n for n in env_order(two_scripts, "env.API_SIGNING=abc")]
    child.send(DOWN * names.index("API_SIGNING") + SPACE + ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)
    saved = (two_scripts / "containerize.toml").read_text()
    assert "API_SIGNING = true" in saved, saved
    compose = (two_scripts / "compose.yaml").read_text()
    assert "api_signing" in compose and "abc" not in compose


def test_a_read_path_can_be_added_at_the_summary(two_scripts: Path):
    child = spawn(str(two_scripts))
    to_summary(child)
    change(child, "read_paths", has_port=False)
    child.expect("read-only")
    child.send("/srv/reference" + ENTER)
    child.expect("Write the container files")
    child.expect("No, write nothing")
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "/srv/reference:ro" in (two_scripts / "compose.yaml").read_text()
    assert 'read_paths = ["/srv/reference"]' in (two_scripts / "containerize.toml").read_text()
    # and the next run asks nothing
    child = spawn(str(two_scripts), "--force")
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "Which" not in out and "Write the container files" not in out


def test_set_in_an_interactive_run_is_saved(two_scripts: Path):
    child = spawn(str(two_scripts), "--set", "health_path=/ready", "--set", "env.MODE=fast")
    to_summary(child)
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)
    saved = (two_scripts / "containerize.toml").read_text()
    assert 'health_path = "/ready"' in saved and 'MODE = "fast"' in saved, saved


def test_nothing_unsure_still_shows_the_summary_once(tmp_path: Path):
    import shutil

    app = Path(shutil.copytree(ROOT / "fixtures" / "go-http", tmp_path / "app"))  # nothing unsure in it
    child = spawn(str(app))
    child.expect("The container files will use")
    child.expect("Write the container files")
    child.send(ENTER)
    code, out = finish(child)
    assert code == 0, plain(out)
    assert "Which" not in out
    assert (app / "Dockerfile").is_file()


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("stage", ["first-question", "summary", "which-answer", "changing"])
def test_ctrl_c_anywhere_writes_nothing(two_scripts: Path, stage: str):
    (two_scripts / "containerize.toml").write_text("# mine\n[env]\nGREETING = 'hi'\n")
    before = snapshot(two_scripts)
    child = spawn("-i", str(two_scripts))
    if stage == "first-question":
        child.expect("Which command starts the app")
        child.expect("something else")
    else:
        to_summary(child)
        if stage != "summary":
            child.send(DOWN + ENTER)
            child.expect("Which answer")
            if stage == "changing":
                child.send(DOWN + ENTER)  # port
                child.expect("Which port")
    child.send(CTRL_C)
    code, out = finish(child)
    assert code == 130
    text = plain(out)
    assert "nothing was written" in text and "Traceback" not in text
    assert sum("nothing was written" in line for line in text.splitlines()) == 1
    assert snapshot(two_scripts) == before
