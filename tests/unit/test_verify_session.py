"""`containerize verify` without a Docker engine: the build context copy, the file the cache
check edits, throwaway secrets, usage errors, the report."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from containerize.profile import Profile, Service
from containerize.verify import context, docker, project, record, report, run
from containerize.verify.compose import secret_values
from containerize.verify.record import Check, Options, Result

ROOT = Path(__file__).resolve().parents[2]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_dockerignore_rules(tmp_path):
    write(tmp_path, {".dockerignore": "node_modules\n*.log\n**/__pycache__\n/secrets\nbuild/\n!build/keep.txt\n"})
    ig = context.DockerIgnore(tmp_path)
    assert ig.ignored("node_modules") and ig.ignored("node_modules/a/b.js")
    assert not ig.ignored("src/node_modules")  # Docker's patterns are anchored at the root
    assert ig.ignored("x.log") and not ig.ignored("logs/x.log")
    assert ig.ignored("a/b/__pycache__/c.pyc") and ig.ignored("__pycache__/c.pyc")
    assert ig.ignored("secrets/db") and ig.ignored("build/out.js") and not ig.ignored("build/keep.txt")
    assert ig.has_exceptions


def test_hostile_dockerignore_patterns_match_without_backtracking(tmp_path):
    write(tmp_path, {".dockerignore": "**/**/**/**/**/**/**/**/x\n" + "a*" * 40 + "b\n"})
    ig = context.DockerIgnore(tmp_path)
    assert not ig.ignored("a/" * 60 + "y") and not ig.ignored("a" * 500)  # a backtracking regex: minutes
    assert ig.ignored("a/" * 60 + "x") and ig.ignored("a" * 100 + "b")


def test_copy_context_skips_what_docker_ignores(tmp_path):
    src = write(tmp_path / "p", {".dockerignore": ".venv\n", "app.py": "x", ".venv/lib/big": "x",
                                 ".git/HEAD": "x", "pkg/mod.py": "y", "Dockerfile": "FROM x\n"})
    os.symlink("app.py", src / "link.py")
    os.mkfifo(src / "pipe")  # shutil.copy2 refuses a named pipe
    dest = tmp_path / "copy"
    context.copy_context(src, dest)
    assert (dest / "app.py").read_text() == "x" and (dest / "pkg/mod.py").is_file()
    assert (dest / "Dockerfile").is_file() and (dest / "link.py").is_symlink()
    assert not (dest / ".venv").exists() and not (dest / ".git").exists() and not (dest / "pipe").exists()


def test_the_file_the_cache_check_edits(tmp_path):
    root = write(tmp_path, {"requirements.txt": "", "package.json": "{}", "app.py": "", "lib/util.py": "",
                            ".dockerignore": "tests\n", "tests/test_a.py": "", "Dockerfile": ""})
    assert context.pick_source_file(root) == "app.py"
    assert context.pick_source_file(root, ["lib/util.py"]) == "lib/util.py"
    assert context.pick_source_file(root, ["requirements.txt", "gone.py"]) == "app.py"
    only_manifests = write(tmp_path / "m", {"package.json": "{}", "tests/x.js": "", ".dockerignore": "tests\n"})
    assert context.pick_source_file(only_manifests) is None
    before = (root / "app.py").read_bytes()
    context.touch(root / "app.py", "mark-1")
    assert (root / "app.py").read_bytes() == before + b"\n# mark-1\n"
    write(root, {"web/main.js": "x()\n", "web/index.php": "<?php echo 1; ?>\n", "README": "hi"})
    context.touch(root / "web/main.js", "m")
    context.touch(root / "web/index.php", "m")
    context.touch(root / "README", "m")
    assert (root / "web/main.js").read_text() == "x()\n\n/* m */\n"
    assert (root / "web/index.php").read_text() == "<?php echo 1; ?>\n\n"  # never text after ?>
    assert (root / "README").read_text() == "hi\n"


def test_source_and_manifest_copies(tmp_path):
    root = write(tmp_path, {"package.json": "{}", "package-lock.json": "{}", "src/a.js": "", "app.py": "",
                            "requirements.txt": "", "gradle/wrapper/x.properties": ""})
    is_source = context.source_copy_check(root)
    assert is_source(["."]) and is_source(["./"]) and is_source(["src"]) and is_source(["app.py"])
    assert not is_source(["package.json", "package-lock.json"]) and not is_source(["package*.json"])
    assert not is_source(["requirements.txt"]) and not is_source(["gradle"])


def test_throwaway_secrets_and_database_urls():
    profile = Profile(services=[Service("postgres", "DATABASE_URL"), Service("redis", "CACHE")])
    values = secret_values(["database_url", "postgres_password", "secret_key"], profile, ["app", "postgres"])
    password = values["postgres_password"]
    assert len(password) >= 16 and values["database_url"] == f"postgresql://app:{password}@postgres:5432/app"
    assert values["secret_key"] not in (password, "") and len(values["secret_key"]) >= 32
    # without a profile, well-known names still reach the service compose runs
    values = secret_values(["database_url", "mysql_password", "redis_url"], None, ["app", "mysql", "redis"])
    assert values["database_url"].startswith("mysql://app:" + values["mysql_password"] + "@mysql:3306/")
    assert values["redis_url"] == "redis://redis:6379/0"
    # a service compose doesn't run gets no URL: just a random value
    assert "://" not in secret_values(["database_url"], None, ["app"])["database_url"]
    assert secret_values(["api_token"], None, [])["api_token"] != secret_values(["api_token"], None, [])["api_token"]


def test_secret_files_live_in_the_run_folder_whatever_their_names(tmp_path):
    from containerize.verify import compose

    one = record.new_run(Options(path=tmp_path))
    one.created.workdir = tmp_path / "work"
    one.created.workdir.mkdir()
    config = {"services": {"app": {}}, "secrets": {"..": {"file": "./a"}, "api_key": {"file": "./b"},
                                                    "external_one": {"external": True}}}
    paths = compose._secrets(one, config)
    assert sorted(paths) == ["..", "api_key"] and one.result.secrets == ["..", "api_key"]
    for path in paths.values():
        assert path.parent == one.created.workdir / "secrets" and len(path.read_text()) >= 32


def test_no_directory_and_no_dockerfile_are_usage_errors(tmp_path):
    result = run.verify(Options(path=tmp_path / "nope"))
    assert result.exit_code == 2 and "no such directory" in result.error.message
    write(tmp_path, {"app.py": "print('hi')\n"})
    result = run.verify(Options(path=tmp_path))
    assert result.exit_code == 2
    assert "has no Dockerfile" in result.error.message and "--generate" in result.error.message
    assert not (tmp_path / "Dockerfile").exists()


def test_no_docker_engine(tmp_path, monkeypatch):
    write(tmp_path, {"Dockerfile": "FROM scratch\n", "app.py": ""})
    monkeypatch.setattr(docker, "available", lambda: "no Docker engine answers: Cannot connect")
    result = run.verify(Options(path=tmp_path))
    assert result.exit_code == 3 and "needs a running Docker engine" in result.error.message
    assert result.to_dict()["error"]["kind"] == "no-docker"


def test_no_docker_engine_from_the_command_line(tmp_path):
    write(tmp_path, {"Dockerfile": "FROM scratch\n", "app.py": ""})
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    done = subprocess.run([sys.executable, "-m", "containerize", "verify", str(tmp_path), "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 3, done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] is False and data["error"]["kind"] == "no-docker"
    text = subprocess.run([sys.executable, "-m", "containerize", "verify", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert text.returncode == 3 and "containerize verify: error:" in text.stderr and "Docker" in text.stderr


def test_the_provide_hook(tmp_path, monkeypatch):
    write(tmp_path, {"Dockerfile": "FROM scratch\n", "compose.yaml": "services: {}\n"})
    calls = tmp_path / "calls"
    hook = write(tmp_path, {"hook.sh": f'echo "$@" >> {calls}\n'}) / "hook.sh"
    one = record.new_run(Options(path=tmp_path))
    project.load(one)
    monkeypatch.setenv("CONTAINERIZE_PROVIDE", f"sh {hook}")
    project.provide(one)
    assert calls.read_text().splitlines() == [f"--dockerfile {tmp_path / 'Dockerfile'}",
                                              f"--compose {tmp_path / 'compose.yaml'}"]
    monkeypatch.setenv("CONTAINERIZE_PROVIDE", "sh -c 'exit 7'")
    try:
        project.provide(one)
    except record.VerifyError as exc:
        assert exc.code == 3 and exc.kind == "provide" and "exited 7" in exc.message
    else:
        raise AssertionError("a failing hook must stop the run")
    monkeypatch.setenv("CONTAINERIZE_PROVIDE", "'unterminated")
    try:
        project.provide(one)
    except record.VerifyError as exc:
        assert exc.code == 3 and "CONTAINERIZE_PROVIDE failed" in exc.message
    else:
        raise AssertionError("a hook that can't run must stop the run")


def test_generate_writes_only_missing_files(tmp_path, monkeypatch):
    write(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n", "requirements.txt": "flask\n",
                     "compose.yaml": "services: {}\n"})
    monkeypatch.setattr(docker, "available", lambda: "no engine")
    result = run.verify(Options(path=tmp_path, generate=True))
    assert result.exit_code == 3 and not (tmp_path / "Dockerfile").exists()  # nothing written without an engine
    one = record.new_run(Options(path=tmp_path, generate=True))
    project.load(one)
    project.generate(one)
    assert "Dockerfile" in one.result.generated and "compose.yaml" not in one.result.generated
    assert (tmp_path / "Dockerfile").is_file() and (tmp_path / "compose.yaml").read_text() == "services: {}\n"
    assert one.compose_file == tmp_path / "compose.yaml"


def sample_result() -> Result:
    r = Result("abc123", "fixtures/app", kind="server")
    r.image = {"tag": "containerize-verify/app:abc123-1", "size": 123_400_000, "user": "10001:10001",
               "exposed_ports": [8000], "base": "python:3.12-slim", "healthcheck": True,
               "layers": [{"instruction": "", "size": 100_000_000, "base": True},
                          {"instruction": "COPY . .", "size": 2048, "base": False}]}
    r.build = {"tag": r.image["tag"], "seconds": 12.5, "steps": []}
    r.run = {"start_to_healthy": 3.2, "port": 8000}
    r.rebuild = {"touched": "app.py", "seconds": 1.1, "dependencies_cached": False,
                 "steps": [{"number": 7, "stage": "build", "index": 3, "instruction": "RUN pip install -r r.txt",
                            "cached": False, "seconds": 9.0, "error": None}],
                 "dependency_steps": [{"number": 7}]}
    r.checks = [Check("build", "pass", "built in 12.5s"), Check("dependency cache", "fail", "NOT CACHED: ...")]
    return r


def test_table_report():
    out = io.StringIO()
    report.print_table(sample_result(), file=out)
    text = out.getvalue()
    assert "FAILED" in text and "123.4 MB" in text and "10001:10001" in text and "8000" in text
    assert "start to healthy" in text and "3.2s" in text and "12.5s" in text
    assert "NOT CACHED" in text and "base image python:3.12-slim: 1 layers" in text and "COPY . ." in text


def test_json_report():
    data = json.loads(report.to_json(sample_result()))
    assert data["ok"] is False and data["exit_code"] == 1 and data["label"] == "containerize.verify=abc123"
    assert data["image"]["size"] == 123_400_000 and data["checks"][1]["status"] == "fail"


def test_error_report():
    r = Result("x", "p")
    r.error = record.VerifyError("build", "the build failed at step build 5/5: RUN pip install",
                                  "Dockerfile:17: RUN pip install\nERROR: No matching distribution", 4)
    r.build_log = "/tmp/build.log"
    err = io.StringIO()
    report.print_error(r, file=err)
    assert "error: the build failed at step build 5/5" in err.getvalue()
    assert "No matching distribution" in err.getvalue() and "/tmp/build.log" in err.getvalue()
    assert r.exit_code == 4
