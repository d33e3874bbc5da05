"""Shell-script apps: detection, what the script says (commands, env vars, port) and the rendered files."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from containerize import render
from containerize.checklist import AnalysisError, build_profile
from containerize.languages import detect_all
from containerize.languages.shell.script import logical_lines, read_script
from containerize.scan import SourceTree
from projects import lint, profile_of, stages, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_fixture_a_script_that_serves_with_python():
    p = profile_of("shell-script")
    assert p.language == "shell" and p.entrypoint == ["bash", "start.sh"]
    assert any(e.file == "Procfile" for e in p.evidence["entrypoint"])
    assert p.ports == [8000] and p.port_env == "PORT" and p.health_path == "/"
    env = {e.name: e for e in p.env}
    assert env["GREETING"].default == "hello from a shell script" and not env["GREETING"].secret
    assert env["API_TOKEN"].secret and env["API_TOKEN"].default is None
    assert env["SITE_DIR"].default == "/tmp/site"
    assert "configured" not in env  # set by the script itself
    assert p.build.base == "python_runtime" and p.build.packages == [] and p.runtime_version == "3.12"


def test_rendered_files(tmp_path):
    p = profile_of("shell-script")
    files = render.render(p)
    df = files["Dockerfile"]
    runtime = stages(df)[-1]
    assert runtime.startswith("FROM python:${PYTHON_VERSION}-slim-bookworm") and "ARG PYTHON_VERSION=3.12" in df
    assert "USER 10001:10001" in runtime and "COPY . ." in runtime
    assert df.rstrip().splitlines()[-1] == 'CMD ["bash", "start.sh"]'
    assert "EXPOSE 8000" in df and "/dev/tcp/127.0.0.1/" in df
    lint(df, tmp_path)
    compose = yaml.safe_load(files["compose.yaml"])
    app = compose["services"]["app"]
    assert app["secrets"] == ["api_token"] and app["command"] == ["bash", "start.sh"]


@pytest.mark.parametrize("status, healthy", [(200, True), (301, True), (401, True), (403, True), (404, False),
                                             (400, False), (500, False)])
def test_the_bash_probe_treats_4xx_other_than_401_403_as_failure(tmp_path, status, healthy):
    probe = [ln for ln in render.render(profile_of("shell-script"))["Dockerfile"].splitlines() if "CMD [\"bash\", \"-c\"" in ln][0]
    import json
    script = json.loads(probe.strip()[4:])[2]
    condition = script.split("read -r _ s _ <&3 && ", 1)[1]
    done = subprocess.run(["bash", "-c", f"s={status}; {condition}"], capture_output=True)
    assert (done.returncode == 0) is healthy


def test_a_bash_script_with_debian_commands_and_no_port_is_a_batch_job(tmp_path):
    root = write_tree(tmp_path / "job", {"run.sh": """\
        #!/bin/bash
        # nightly export
        set -e
        OUT=/data/export.json
        curl -fsS "$SOURCE_URL" \\
          | jq '.items' > "$OUT"
        cat <<EOF
        $NOT_AN_ENV_READ inside a heredoc
        EOF
        psql "$DATABASE_URL" -c 'select 1'
        frobnicate --now
        """})
    p = build_profile(root)
    assert p.language == "shell" and p.entrypoint == ["bash", "run.sh"] and p.ports == [] and p.health_path is None
    assert p.build.packages == ["curl", "jq", "postgresql-client"] and p.build.base == "debian_slim"
    assert p.env_var("DATABASE_URL").secret and p.env_var("SOURCE_URL") is not None
    assert p.env_var("NOT_AN_ENV_READ") is None and p.env_var("OUT") is None
    assert any("frobnicate" in w for w in p.warnings)
    df = render.render(p)["Dockerfile"]
    assert "FROM debian:bookworm-slim" in df
    assert re.search(r"--no-install-recommends curl(=\S+)? jq(=\S+)? postgresql-client", df)
    assert "HEALTHCHECK" not in df and "EXPOSE" not in df and 'CMD ["bash", "run.sh"]' in df
    lint(df, tmp_path)


def test_a_procfile_shell_command(tmp_path):
    root = write_tree(tmp_path / "app", {"Procfile": "web: busybox httpd -f -p ${PORT:-9000} -h public\n",
                                         "public/hello.txt": "hi\n"})
    p = build_profile(root)
    assert p.language == "shell" and p.ports == [9000] and p.port_env == "PORT"
    assert p.build.packages == ["busybox"]
    root = write_tree(tmp_path / "app2", {"Procfile": "web: cd site && exec ./serve.sh $PORT\n",
                                          "site/serve.sh": "#!/bin/sh\nexec busybox httpd -f -p \"$1\"\n"})
    p = build_profile(root, [("language", "shell")])
    assert p.entrypoint[:2] == ["sh", "-c"] and p.entrypoint[2] == "cd site && exec ./serve.sh $PORT"


def test_sh_scripts_run_with_sh_and_a_script_beats_a_static_folder(tmp_path):
    root = write_tree(tmp_path / "app", {"start.sh": "#!/bin/sh\nexec python3 -m http.server ${PORT:-8080} -d public\n",
                                         "public/index.html": "<h1>hi</h1>\n"})
    claims = detect_all(SourceTree(root))
    assert claims[0].language == "shell"
    p = build_profile(root)
    assert p.entrypoint == ["sh", "start.sh"] and p.ports == [8080]


def test_a_manifest_beats_a_start_script(tmp_path):
    root = write_tree(tmp_path / "app", {"start.sh": "#!/bin/sh\nexec gunicorn app:app\n",
                                         "requirements.txt": "flask\n", "app.py": "import flask\napp = flask.Flask(__name__)\n"})
    assert detect_all(SourceTree(root))[0].language == "python"


def test_reading_scripts_never_crashes_and_stays_linear(tmp_path):
    facts = read_script('echo "unterminated\nX=${A:-1} ; export B C=2\nlocal D\n' + "echo $E\n" * 50000)
    assert [n for n, _, _ in facts.env] == ["A", "E"] and {"X", "C"} <= facts.assigned
    assert [ln for ln, _ in logical_lines("a \\\nb\nc\n")] == [1, 3]


def test_a_script_name_the_dockerfile_cant_carry(tmp_path):
    root = write_tree(tmp_path / "app", {"Procfile": "web: bash 'my start.sh'\n", "my start.sh": "echo hi\n"})
    with pytest.raises(AnalysisError, match="can't carry"):
        build_profile(root, [("language", "shell")])


def test_commands_a_script_looks_for_are_wanted_and_redirections_are_not_commands(tmp_path):
    # the shape of a real start.sh: probe for a server with `command -v`, run it from a variable
    root = write_tree(tmp_path / "app", {"start.sh": """\
        #!/bin/bash
        PORT="${PORT:-8080}"
        if command -v python >/dev/null 2>&1; then
          SERVER="python -m http.server $PORT --bind 0.0.0.0"
        elif which socat > /dev/null; then
          SERVER="socat TCP-LISTEN:$PORT,fork EXEC:./reply.sh"
        fi
        echo "on http://$(hostname -I 2>/dev/null | awk '{print $1}'):$PORT"
        exec $SERVER
        """, "index.html": "<h1>hi</h1>\n"})
    p = build_profile(root)
    assert p.language == "shell" and p.ports == [8080] and p.warnings == []
    assert p.build.base == "python_runtime" and p.build.packages == ["socat"]
    assert p.env_var("SERVER") is None


def _commands(text):
    return [c for c, _ in read_script(text).commands]


def test_commands_inside_compound_statements_pipelines_and_substitutions():
    facts = read_script("""\
#!/bin/bash
if curl -fsS x | jq .; then
  while read -r line; do socat - "$line"; done < list.txt
elif [ -n "$(pgrep nginx)" ]; then :
fi
for f in a b; do psql -c "$f"; done
case "$MODE" in
  web) exec nohup env A=1 B="x y" sudo -u app C=2 lighttpd -D ;;
  *) timeout -s KILL 5 redis-cli ping ;;
esac
echo "`hostname` $(date +%s)" > /tmp/out 2>&1
nice -n 5 stdbuf -oL tini -- sleep 1
greet() { local who=$1; echo "hi $who"; }
greet world
""")
    names = [c for c, _ in facts.commands]
    for wanted in ("curl", "jq", "read", "socat", "pgrep", "psql", "lighttpd", "redis-cli", "hostname", "date", "tini"):
        assert wanted in names, wanted
    for wrapper_or_target in ("nohup", "env", "sudo", "timeout", "nice", "stdbuf", "exec", "list.txt", "/tmp/out",
                              "A=1", "C=2", "-u", "app", "KILL", "5", "greet", "1"):
        assert wrapper_or_target not in names, wrapper_or_target
    lines = dict(facts.commands)
    assert lines["curl"] == 2 and lines["socat"] == 3 and lines["lighttpd"] == 8 and lines["date"] == 11
    assert {"A", "B", "C", "line", "f", "who"} <= facts.assigned
    assert [n for n, _, _ in facts.env] == ["MODE"]


def test_commands_a_script_looks_for():
    assert _commands("command -v nc >/dev/null || which curl wget; type -p jq; hash socat 2>/dev/null\n"
                     "command git status\n") == ["nc", "curl", "wget", "jq", "socat", "git"]


def test_env_reads_with_their_defaults_and_names_the_script_sets():
    facts = read_script("""\
PORT="${PORT:-8080}"
echo "${HOST-0.0.0.0}" ${WORKERS:=4} $DEBUG ${LEVEL:-"info"} ${EMPTY:-} ${BASE:-$PREFIX/app} ${REQUIRED:?set it}
export STAGE=prod NAME; local L; read -r -p "name? " ANSWER; for ITEM in 1 2; do :; done
declare -x DECLARED=1; getopts ab OPT
echo $STAGE $NAME $L $ANSWER $ITEM $DECLARED $OPT $HOME $1 $@ ${#ARR[@]} ${ARR[0]}
echo $DEBUG ${DEBUG:-0}
""")
    env = {n: d for n, d, _ in facts.env}
    assert env == {"PORT": "8080", "HOST": "0.0.0.0", "WORKERS": "4", "DEBUG": "0", "LEVEL": "info", "EMPTY": "",
                   "BASE": "$PREFIX/app", "PREFIX": None, "REQUIRED": None}
    assert [n for n, _, _ in facts.env][:2] == ["PORT", "HOST"]
    assert {"WORKERS", "STAGE", "NAME", "L", "ANSWER", "ITEM", "DECLARED", "OPT"} <= facts.assigned
    assert all(ln == 2 for n, _, ln in facts.env if n in ("HOST", "WORKERS", "DEBUG"))


def test_heredoc_bodies_are_data_and_redirection_targets_are_not_commands():
    facts = read_script(
        "cat <<'END' > /etc/app.conf\ncurl $NOT_READ\n$(psql -c 1)\nEND\n"
        "cat <<-END\n\tnc -l $ALSO_NOT\n\tEND\n"
        "tr a b < input > output 2>> errors\n"
        "exec 3<>/dev/tcp/127.0.0.1/80\n")
    assert [c for c, _ in facts.commands] == ["cat", "cat", "tr"]
    assert facts.env == []


def test_the_script_of_sh_c_is_read_too():
    facts = read_script("echo start\nbash -c \"nc -l $PORT | jq .\"\nsh -c 'read -a ARR; socat - x' &\n")
    assert facts.commands == [("echo", 1), ("bash", 2), ("nc", 2), ("jq", 2), ("sh", 3), ("read", 3), ("socat", 3)]
    assert facts.env == [("PORT", None, 2)] and "ARR" in facts.assigned
    deep = "sh -c " + "'sh -c " * 50 + "curl" + "'" * 50  # odd quoting: never a crash
    assert read_script(deep).commands[0] == ("sh", 1)
    nested = 'sh -c "sh -c \'sh -c curl\'"'  # three levels: the two outer ones are read
    assert [c for c, _ in read_script(nested).commands] == ["sh", "sh", "sh"]


def test_a_procfile_line_is_read_as_written(tmp_path):
    root = write_tree(tmp_path / "app", {"Procfile": "web: PORT=${PORT:-7000} exec socat TCP-LISTEN:\"$PORT\",fork "
                                                     "EXEC:'cat' 2>&1 | tee log\n"})
    p = build_profile(root, [("language", "shell")])
    assert p.entrypoint[:2] == ["sh", "-c"] and p.ports == [7000] and p.build.packages == ["socat"]
    root = write_tree(tmp_path / "app3", {"Procfile": "web: bin/serve\n",
                                          "bin/serve": "#!/usr/bin/env bash\nexec socat TCP-LISTEN:${PORT:-7100} -\n"})
    p = build_profile(root, [("language", "shell")])
    assert p.build.script == "bin/serve" and p.ports == [7100] and p.build.packages == ["socat"]
    root = write_tree(tmp_path / "app2", {"Procfile": "web: busybox httpd -f -p 8000\n"})
    assert build_profile(root, [("language", "shell")]).entrypoint == ["busybox", "httpd", "-f", "-p", "8000"]


def test_a_one_megabyte_line_and_sixty_thousand_blank_lines_are_read():
    line = "echo ${A:-1} | curl -s $B && " * (1_000_000 // 30) + "jq .\n"
    facts = read_script(line + "\n" * 60_000 + "X=${C:-2}\n" + "( " * 5000 + "nc" + " )" * 5000 + "\n")
    assert [n for n, _, _ in facts.env] == ["A", "B", "C"] and "X" in facts.assigned
    assert facts.env[2][2] == 60_002 and {"curl", "jq", "nc"} <= {c for c, _ in facts.commands}


def test_the_procfiles_other_processes_run_beside_the_app(tmp_path):
    root = write_tree(tmp_path / "app", {
        "Procfile": "web: ./start.sh\nworker: ./jobs.sh --loop\nrelease: echo migrated\n",
        "start.sh": "#!/bin/sh\nexec busybox httpd -f -p ${PORT:-8080}\n",
        "jobs.sh": "#!/bin/bash\nwhile true; do curl -s http://app:8080/ | jq .; sleep 60; done\n"})
    p = build_profile(root)
    assert p.entrypoint == ["sh", "start.sh"]
    assert [(w.name, w.command, w.file, w.line) for w in p.workers] == [
        ("worker", ["bash", "jobs.sh", "--loop"], "Procfile", 2)]  # run by its interpreter: no exec bit needed
    assert {"curl", "jq"} <= set(p.system_packages["runtime"])  # the worker's commands are in the image too
    files = render.render(p)
    assert set(yaml.safe_load(files["compose.yaml"])["services"]) == {"app", "worker"}
    assert "jq=" in files["Dockerfile"] and "curl=" in files["Dockerfile"]


def test_without_a_web_process_the_first_one_is_the_app_and_not_also_a_worker(tmp_path):
    root = write_tree(tmp_path / "app", {"Procfile": "bot: ./bot.sh\nclock: sleep 3600 && echo tick\n",
                                         "bot.sh": "#!/bin/sh\nwhile true; do date; sleep 5; done\n"})
    p = build_profile(root)
    assert p.entrypoint == ["sh", "bot.sh"]
    assert [(w.name, w.command) for w in p.workers] == [("clock", ["sh", "-c", "sleep 3600 && echo tick"])]
    assert [n.line for n in p.evidence["workers"]] == [2]
