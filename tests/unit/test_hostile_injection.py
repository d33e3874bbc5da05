"""Values read from a project never add a Dockerfile instruction, a shell command or probe code."""
from __future__ import annotations

import json

import pytest
import yaml

from containerize import validate
from containerize.profile import EnvVar, Profile
from hostile import (assert_clean_exit, assert_no_injection, assert_well_formed, generate, instructions, keywords,
                     run_cli, write_tree)

FLASK = """import os
from flask import Flask
app = Flask(__name__)
{extra}
@app.route("/health")
def health():
    return "ok"
if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))
"""


def flask_app(tmp_path, extra: str = "", **more):
    return write_tree(tmp_path / "app", {"app.py": FLASK.format(extra=extra), "requirements.txt": "flask\n", **more})


def test_splitter_joins_continuations_and_drops_comments():
    text = "# c\nARG V=1\nFROM x:${V}\nRUN a \\\n  # note\n && b\nCMD [\"x\"]\n"
    assert keywords(text) == ["ARG", "FROM", "RUN", "CMD"]
    assert instructions(text)[2][1].split() == ["a", "&&", "b"]


def test_makedirs_with_shell_characters_is_dropped(tmp_path):
    root = flask_app(tmp_path, 'os.makedirs("/data/x;touch /pwned", exist_ok=True)')
    benign = flask_app(tmp_path / "b", 'os.makedirs("/data/x", exist_ok=True)')
    files, warnings = generate(root)
    good, _ = generate(benign)
    assert "pwned" not in files["Dockerfile"] and "pwned" not in files["compose.yaml"]
    assert any("app.py:4" in w and "writable_paths" in w for w in warnings), warnings
    # the same instructions as the app without the hostile folder, less its mkdir
    assert [w for w in keywords(files["Dockerfile"])] == [w for w, rest in instructions(good["Dockerfile"])
                                                          if not rest.startswith("mkdir -p")]
    assert_well_formed(files)


@pytest.mark.parametrize("path", ["/etc", "/usr/bin", "/proc/self", "/", "../../etc", "/data/../etc", "/data/a b",
                                  "/data/$(id)", "/data/x\nRUN touch /pwned", "/var/run"])
def test_system_or_odd_folders_are_never_volumes(path):
    profile = Profile(language="python", writable_paths=[path, "/data"])
    validate.check_profile(profile)
    assert profile.writable_paths == ["/data"]
    assert profile.warnings


def test_health_path_cannot_reach_the_probe_code(tmp_path):
    hostile = "/'); __import__('os').system('id'); ('"
    root = flask_app(tmp_path, **{"containerize.toml": f"health_path = {json.dumps(hostile)}\n"})
    files, warnings = generate(root)
    assert "__import__" not in files["Dockerfile"]
    assert any("health_path" in w and "containerize.toml" in w for w in warnings), warnings
    health = [rest for word, rest in instructions(files["Dockerfile"]) if word == "HEALTHCHECK"]
    assert len(health) == 1
    argv = json.loads(health[0].split("CMD", 1)[1])
    compile(argv[2], "<probe>", "exec")  # still valid Python


def test_health_path_via_set_is_checked_too(tmp_path):
    files, warnings = generate(flask_app(tmp_path), ["health_path=/x' + __import__('os').getcwd() + '"])
    assert "__import__" not in files["Dockerfile"]
    assert any("health_path" in w for w in warnings)


def test_a_valid_health_path_reaches_the_probe_as_a_string_literal(tmp_path):
    files, _ = generate(flask_app(tmp_path), ["health_path=/healthz?full=1"])
    health = [rest for word, rest in instructions(files["Dockerfile"]) if word == "HEALTHCHECK"][0]
    code = json.loads(health.split("CMD", 1)[1])[2]
    assert '"/healthz?full=1"' in code
    compile(code, "<probe>", "exec")


def test_runtime_version_with_a_newline_is_refused(tmp_path):
    root = flask_app(tmp_path, **{"containerize.toml": 'runtime_version = "3.12\\nRUN touch /pwned"\n'})
    done = run_cli(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert done.returncode == 2 and "runtime_version" in done.stderr
    assert "==>" not in done.stdout


def test_runtime_version_via_set_is_refused(tmp_path):
    done = run_cli(str(flask_app(tmp_path)), "--dry-run", "--yes", "--set", "runtime_version=3.12\nRUN touch /pwned")
    assert_clean_exit(done)
    assert done.returncode == 2 and "runtime_version" in done.stderr
    assert "==>" not in done.stdout


def test_a_bad_runtime_version_in_the_profile_is_dropped():
    profile = Profile(language="python", runtime_version="3.12\nRUN touch /pwned")
    validate.check_profile(profile)
    assert profile.runtime_version is None and "runtime_version" in profile.warnings[0]


def test_composer_platform_php_cannot_add_a_line(tmp_path):
    root = write_tree(tmp_path / "php", {
        "composer.json": json.dumps({"config": {"platform": {"php": "8.2\nRUN touch /pwned"}}}),
        "index.php": "<?php echo 'hi';\n"})
    files, _ = generate(root)
    assert "pwned" not in files["Dockerfile"]
    assert_well_formed(files)


def test_node_mkdir_outside_the_app_is_no_volume(tmp_path):
    root = write_tree(tmp_path / "node", {
        "package.json": json.dumps({"name": "x", "scripts": {"start": "node index.js"},
                                    "dependencies": {"express": "4"}}),
        "index.js": "const fs = require('fs');\nfs.mkdirSync('../../etc');\n"
                    "const app = require('express')();\napp.listen(3000);\n"})
    files, _ = generate(root)
    for word, rest in instructions(files["Dockerfile"]):
        assert not (word == "RUN" and "chown" in rest and " /etc" in rest), rest
    compose = yaml.safe_load(files["compose.yaml"])
    for volume in compose["services"]["app"].get("volumes") or []:
        assert not volume.split(":")[-1].startswith("/etc"), volume


def test_env_default_with_a_brace_is_not_cut_by_compose(tmp_path):
    files, _ = generate(flask_app(tmp_path, 'V = os.getenv("V", "a}b")'))
    env = yaml.safe_load(files["compose.yaml"])["services"]["app"]["environment"]
    # ${V:-a}b} would read as "ab}": the variable is passed through and the app keeps its own default
    assert "V" in env and env["V"] is None


def test_env_defaults_with_newlines_or_bad_names_are_dropped():
    profile = Profile(language="python", env=[EnvVar("OK", "1"), EnvVar("BAD NAME", "x"),
                                              EnvVar("MULTI", "a\nRUN touch /pwned")])
    validate.check_profile(profile)
    assert [(v.name, v.default) for v in profile.env] == [("OK", "1"), ("MULTI", None)]


def test_debian_packages_and_versions_are_checked():
    profile = Profile(language="python", runtime_version="3.12; rm -rf /",
                      system_packages={"build": ["gcc", "libpq-dev && curl x"], "runtime": ["libpq5"]})
    validate.check_profile(profile)
    assert profile.runtime_version is None
    assert profile.system_packages == {"build": ["gcc"], "runtime": ["libpq5"]}


def test_plan_strings_with_control_characters_are_dropped():
    from dataclasses import dataclass, field

    from containerize.plan import BuildPlan

    @dataclass
    class Plan(BuildPlan):
        workdir: str = "/app"
        manifests: list[str] = field(default_factory=list)
        build_run: str = ""

    plan = Plan(workdir="/app;id", manifests=["package.json", "a\nRUN id"], build_run="make\rRUN id")
    profile = Profile(language="node", build=plan)
    validate.check_profile(profile)
    assert plan.workdir == "/app" and plan.manifests == ["package.json"] and plan.build_run == ""
    assert len(profile.warnings) == 3


@pytest.mark.parametrize("value,ok", [("/", True), ("/health", True), ("/api/v1/health?x=1&y=2", True),
                                      ("health", False), ("/a b", False), ("/a'b", False), ('/a"b', False),
                                      ("/$(id)", False), ("/a\n", False), ("/a\\b", False)])
def test_url_path_check(value, ok):
    assert validate.is_url_path(value) is ok


# -- the reproductions, one per source of a value -------------------------------------------------
# Each hostile value carries hostile.MARKER. A case either ends in one line and exit 2 (the value is refused),
# or gives files in which the value is no instruction, no shell command and no mount (assert_no_injection).
SEMI = "x;touch /pwned"
NEWLINE = "x\nRUN touch /pwned"
JAVA_MAIN = ("public class App { public static void main(String[] a) throws Exception { "
             "var s = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(8080), 0); s.start(); } }\n")
EXPRESS = "const app = require('express')();\napp.listen(3000);\n"
VITE = json.dumps({"name": "v", "scripts": {"build": "vite build", "dev": "vite"}, "devDependencies": {"vite": "5"}})


def _pom(extra: str, packaging: str = "jar") -> str:
    return ("<project><modelVersion>4.0.0</modelVersion><groupId>a</groupId><artifactId>app</artifactId>"
            f"<version>1</version><packaging>{packaging}</packaging>{extra}</project>")


def _cargo(extra: str = "", name: str = "x") -> str:
    return f'[package]\nname = {json.dumps(name)}\nversion = "0.1.0"\nedition = "2021"\n{extra}'


def _express(name="n", **more):
    return json.dumps({"name": name, "scripts": {"start": "node index.js"}, "dependencies": {"express": "4"},
                       **more})


REPRODUCTIONS = {
    "pom-finalname-newline": ({"pom.xml": _pom(f"<build><finalName>{NEWLINE}</finalName></build>"),
                               "src/main/java/App.java": JAVA_MAIN}, "java"),
    "pom-finalname-semicolon": ({"pom.xml": _pom(f"<build><finalName>{SEMI}</finalName></build>"),
                                 "src/main/java/App.java": JAVA_MAIN}, "java"),
    "maven-module": ({"pom.xml": _pom(f"<modules><module>{SEMI}</module><module>web</module></modules>", "pom"),
                      "web/pom.xml": _pom("").replace("<artifactId>app", "<artifactId>web"),
                      "web/src/main/java/App.java": JAVA_MAIN}, "java"),
    "vite-outdir-newline": ({"package.json": VITE, "index.html": "<html></html>\n",
                             "vite.config.js": "import { defineConfig } from 'vite';\n"
                                               "export default defineConfig({ build: { outDir: 'dist\\nRUN touch "
                                               "/pwned' } });\n"}, "node"),
    "vite-outdir-semicolon": ({"package.json": VITE, "index.html": "<html></html>\n",
                               "vite.config.js": "import { defineConfig } from 'vite';\n"
                                                 "export default defineConfig({ build: { outDir: 'dist;touch "
                                                 "/pwned' } });\n"}, "node"),
    "go-build-folder": ({"go.mod": "module example.com/x\n\ngo 1.22\n",
                         "cmd/x;touch${IFS}pwned;#/main.go": 'package main\nimport "net/http"\n'
                                                              'func main() { http.ListenAndServe(":8080", nil) }\n'},
                        "refused"),
    "node-mkdirsync": ({"package.json": _express(),
                        "index.js": f"const fs = require('fs');\nfs.mkdirSync({json.dumps('/data/' + SEMI)}, "
                                    "{recursive: true});\n" + EXPRESS}, "node"),
    "ruby-mkdir-p": ({"Gemfile": "source 'https://rubygems.org'\ngem 'sinatra'\n",
                      "app.rb": f"require 'fileutils'\nrequire 'sinatra'\nFileUtils.mkdir_p({json.dumps('/data/' + SEMI)})"
                                "\nget('/') { 'hi' }\n"}, "ruby"),
    "rust-bin-path": ({"Cargo.toml": _cargo(f'\n[[bin]]\nname = "srv"\npath = {json.dumps("src/" + SEMI + ".rs")}\n'),
                       f"src/{SEMI.replace('/', '_')}.rs": "fn main() {}\n"}, "refused"),
    # cargo itself refuses a target name with anything but letters, digits, - and _
    "rust-bin-name": ({"Cargo.toml": _cargo(f'\n[[bin]]\nname = {json.dumps(SEMI)}\npath = "src/main.rs"\n'),
                       "src/main.rs": "fn main() {}\n"}, "refused"),
    "rust-package-name": ({"Cargo.toml": _cargo(name=SEMI), "src/main.rs": "fn main() {}\n"}, "refused"),
    "cargo-workspace-member": ({"Cargo.toml": f'[workspace]\nmembers = [{json.dumps(SEMI)}, "srv"]\n',
                                "srv/Cargo.toml": _cargo(name="srv"), "srv/src/main.rs": "fn main() {}\n"}, "rust"),
    "package-json-name": ({"package.json": _express(NEWLINE), "index.js": EXPRESS}, "node"),
    "npm-workspace-member": ({"package.json": json.dumps({"name": "root", "private": True,
                                                         "workspaces": ["packages/*", SEMI]}),
                              "packages/x;touch _pwned/package.json": _express(SEMI),
                              "packages/x;touch _pwned/index.js": EXPRESS}, "node"),
    "composer-platform-php": ({"composer.json": json.dumps({"config": {"platform": {"php": NEWLINE}}}),
                               "index.php": "<?php echo 'hi';\n"}, "php"),
    "go-mkdirall": ({"go.mod": "module example.com/x\n\ngo 1.22\n",
                     "main.go": 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n'
                                f'\tos.MkdirAll({json.dumps("/data/" + SEMI)}, 0o755)\n'
                                '\thttp.ListenAndServe(":8080", nil)\n}\n'}, "go"),
    "rust-create-dir-all": ({"Cargo.toml": _cargo(), "src/main.rs": "fn main() {\n    std::fs::create_dir_all("
                             f"{json.dumps('/data/' + SEMI)}).unwrap();\n}}\n"}, "rust"),
    "python-makedirs": ({"app.py": FLASK.format(extra=f"os.makedirs({('/data/' + SEMI)!r}, exist_ok=True)"),
                         "requirements.txt": "flask\n"}, "python"),
}


@pytest.mark.parametrize("case", sorted(REPRODUCTIONS))
def test_reproduction_adds_no_instruction(tmp_path, case):
    files, expect = REPRODUCTIONS[case]
    root = write_tree(tmp_path / "app", files)
    if expect == "refused":
        done = run_cli(str(root), "--dry-run", "--yes")
        assert_clean_exit(done)
        assert done.returncode == 2 and "pwned" in done.stderr, done.stderr
        assert "==>" not in done.stdout
        return
    out, _ = generate(root)
    from containerize import checklist

    assert checklist.build_profile(root).language == expect
    assert_no_injection(out)


@pytest.mark.parametrize("case,where", [("node-mkdirsync", "index.js:2"), ("python-makedirs", "app.py:4"),
                                        ("ruby-mkdir-p", "app.rb:3"), ("go-mkdirall", "main.go:9"),
                                        ("rust-create-dir-all", "src/main.rs:2")])
def test_a_dropped_folder_is_named_with_its_file_and_line(tmp_path, case, where):
    _, warnings = generate(write_tree(tmp_path / "app", REPRODUCTIONS[case][0]))
    assert any(w.startswith(where) and "writable_paths" in w for w in warnings), warnings


SET_KEYS = ["runtime_version", "build_command", "entrypoint", "health_path", "port_env", "writable_paths",
            "read_paths", "system_packages", "env.MODE", "framework", "package_manager"]
LIST_KEYS = ("writable_paths", "read_paths", "system_packages")  # space-separated lists: one hostile word each


@pytest.mark.parametrize("key", SET_KEYS)
@pytest.mark.parametrize("value", [NEWLINE, SEMI, "x$(touch /pwned)", "x`touch /pwned`", "/data/" + SEMI])
def test_set_values_add_no_instruction(tmp_path, key, value):
    from containerize import answers, checklist, overrides, render

    if key in LIST_KEYS:
        value = value.replace(" ", "${IFS}").replace("\n", ";")
    try:
        out, _ = generate(flask_app(tmp_path), [f"{key}={value}"])
    except (checklist.AnalysisError, render.RenderError, answers.AnswersError, overrides.OverrideError) as exc:
        assert str(exc).strip(), exc  # refused (the CLI prints it on one line, control characters escaped)
        return
    assert_no_injection(out)
