"""`containerize init` for new Go and Rust projects: the starters' answers, files and Dockerfiles."""
from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from containerize import render, scaffold
from containerize import image_tags
from containerize.languages import go, rust
from containerize.checklist import build_profile
from projects import lint, stages, write_tree

GO_FRAMEWORKS = [name for name, _ in go.STARTER.frameworks]
RUST_FRAMEWORKS = [name for name, _ in rust.STARTER.frameworks]

GO_IMAGE = image_tags.choose("golang", go.NEW_GO, minimum=True).version


def new(tmp_path: Path, language: str, *sets: tuple[str, str], folder: str = "shop"):
    root = tmp_path / folder
    profile = scaffold.new_profile(root, [("language", language), *sets])
    return profile, scaffold.render_new(profile)


def test_go_and_rust_can_start_a_new_project():
    assert {"go", "rust"} <= set(scaffold.languages())
    assert GO_FRAMEWORKS[0] == "net/http" and {"gin", "none"} <= set(GO_FRAMEWORKS)
    assert RUST_FRAMEWORKS[0] == "axum" and {"std::net", "none"} <= set(RUST_FRAMEWORKS)
    assert scaffold.frameworks("go") == go.STARTER.frameworks


# -- Go ---------------------------------------------------------------------------------
@pytest.mark.parametrize("framework", GO_FRAMEWORKS)
def test_every_go_framework_renders_a_clean_dockerfile(tmp_path: Path, framework: str):
    profile, files = new(tmp_path, "go", ("framework", "" if framework == "none" else framework))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    build, runtime = stages(dockerfile)
    assert build.startswith("FROM golang:${GO_VERSION}-bookworm AS build") and f"ARG GO_VERSION={GO_IMAGE}" in dockerfile
    # module files (go.sum once there is one) and the download before the code
    assert build.index("COPY go.mod go.sum* ./") < build.index("go mod download") < build.index("COPY . .")
    assert "go build -trimpath -ldflags=\"-s -w\" -o /out/shop ." in build and "CGO_ENABLED=0" in build
    assert runtime.startswith("FROM gcr.io/distroless/static-debian12:nonroot") and "USER 65532:65532" in runtime
    assert 'CMD ["/usr/local/bin/shop"]' in runtime and "golang" not in runtime
    assert files["go.mod"] == "module shop\n\ngo 1.23\n"
    assert profile.entrypoint == ["/usr/local/bin/shop"] and profile.build.binary == "shop"
    if framework == "none":
        assert profile.framework is None and profile.ports == [] and profile.port_env is None
        assert "EXPOSE" not in dockerfile and "HEALTHCHECK" not in dockerfile and "PORT" not in dockerfile
    else:
        assert profile.framework == framework and profile.ports == [8080] and profile.port_env == "PORT"
        assert "ENV PORT=8080" in runtime and "EXPOSE 8080" in runtime
        assert 'CMD ["/usr/local/bin/healthprobe", "8080", "/", "PORT"]' in runtime


def test_go_defaults_to_a_net_http_server(tmp_path: Path):
    profile, _ = new(tmp_path, "go")
    assert profile.framework == "net/http" and profile.ports == [8080]
    # go.mod's go line is a minimum: the image is the newest published Go that satisfies it
    assert profile.runtime_version == GO_IMAGE and profile.new_project is True


def test_go_port_version_and_start_command_follow_the_answers(tmp_path: Path):
    profile, files = new(tmp_path, "go", ("framework", "gin"), ("port", "9000"), ("runtime_version", "1.24"),
                         ("entrypoint", "/usr/local/bin/api --verbose"))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "ARG GO_VERSION=1.24" in dockerfile and files["go.mod"].endswith("go 1.24\n")
    assert "ENV PORT=9000" in dockerfile and "EXPOSE 9000" in dockerfile and '"9000", "/", "PORT"' in dockerfile
    assert "-o /out/api ." in dockerfile and "COPY --from=build /out/api /usr/local/bin/api" in dockerfile
    assert 'CMD ["/usr/local/bin/api", "--verbose"]' in dockerfile
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["environment"]["PORT"] == "9000"
    assert profile.env_var("PORT").default == "9000"


def test_a_go_program_given_a_port_serves_and_a_server_without_one_doesnt(tmp_path: Path):
    profile, files = new(tmp_path, "go", ("framework", ""), ("port", "7000"), folder="a")
    assert profile.port_env == "PORT" and profile.env_var("PORT").default == "7000"
    assert "EXPOSE 7000" in files["Dockerfile"] and "HEALTHCHECK" in files["Dockerfile"]
    profile, files = new(tmp_path, "go", ("framework", "net/http"), ("port", ""), folder="b")
    assert profile.ports == [] and profile.port_env is None and profile.env_var("PORT") is None
    assert "EXPOSE" not in files["Dockerfile"] and "ENV PORT" not in files["Dockerfile"]
    lint(files["Dockerfile"], tmp_path)


def test_a_go_app_with_secrets_runs_on_slim_debian_with_a_shell(tmp_path: Path):
    profile, files = new(tmp_path, "go", ("secret.API_TOKEN", "true"), ("services", "postgres"))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    runtime = stages(dockerfile)[1]
    assert runtime.startswith("FROM debian:bookworm-slim") and "USER 10001:10001" in runtime
    assert "ca-certificates=" in runtime and profile.build.shell is True
    compose = yaml.safe_load(files["compose.yaml"])
    assert "postgres" in compose["services"] and "api_token" in files["compose.yaml"]
    assert "DATABASE_URL" in {v.name for v in profile.secrets}


@pytest.mark.parametrize("language", ["go", "rust"])
def test_runtime_packages_given_for_a_new_app_need_slim_debian(tmp_path: Path, language: str):
    profile, files = new(tmp_path, language, ("system_packages.runtime", "libsqlite3-0"))
    lint(files["Dockerfile"], tmp_path)
    runtime = stages(files["Dockerfile"])[1]
    assert runtime.startswith("FROM debian:bookworm-slim") and "libsqlite3-0=" in runtime and "ca-certificates=" in runtime
    profile, files = new(tmp_path, "rust", ("system_packages.runtime", "libssl3"), folder="tls")
    assert profile.build.runtime == "distroless" and profile.system_packages["runtime"] == []


def test_go_writable_paths_are_owned_by_the_app_user(tmp_path: Path):
    _, files = new(tmp_path, "go", ("writable_paths", "/data"))
    lint(files["Dockerfile"], tmp_path)
    assert "mkdir -p /rootfs/data" in files["Dockerfile"]
    assert "COPY --from=build --chown=65532:65532 /rootfs/ /" in files["Dockerfile"]


def test_go_module_names_come_from_the_folder(tmp_path: Path):
    profile, files = new(tmp_path, "go", folder="My Shop")
    assert files["go.mod"].startswith("module my-shop\n") and profile.entrypoint == ["/usr/local/bin/my-shop"]


def test_go_readme_says_what_to_write(tmp_path: Path):
    _, files = new(tmp_path, "go", ("framework", "gin"))
    readme = files["README.Docker.md"]
    assert "## Before the first build" in readme and "`main.go`" in readme
    assert "go mod tidy" in readme and "github.com/gin-gonic/gin" in readme and "`go.mod`" in readme


# -- Rust -------------------------------------------------------------------------------
@pytest.mark.parametrize("framework", RUST_FRAMEWORKS)
def test_every_rust_framework_renders_a_clean_dockerfile(tmp_path: Path, framework: str):
    profile, files = new(tmp_path, "rust", ("framework", "" if framework == "none" else framework))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    build, runtime = stages(dockerfile)
    assert build.startswith("FROM rust:${RUST_VERSION}-bookworm AS build")
    assert f"ARG RUST_VERSION={rust.DEFAULT_RUST}" in dockerfile
    # the manifest and lock file, then the fetch with a stand-in main.rs, then the code
    assert (build.index("COPY Cargo.toml Cargo.lock ./") < build.index("touch src/main.rs")
            < build.index("cargo fetch --locked") < build.index("COPY . ."))
    assert "cargo build --release --locked --bin shop" in build
    assert runtime.startswith("FROM gcr.io/distroless/cc-debian12:nonroot") and "USER 65532:65532" in runtime
    assert 'CMD ["/usr/local/bin/shop"]' in runtime
    manifest = tomllib.loads(files["Cargo.toml"])
    assert manifest["package"] == {"name": "shop", "version": "0.1.0", "edition": rust.NEW_EDITION}
    deps = set(manifest["dependencies"])
    if framework == "axum":
        assert deps == {"axum", "tokio"}
    elif framework == "actix-web":
        assert deps == {"actix-web"}
    else:
        assert deps == set()
    if framework == "none":
        assert profile.framework is None and profile.ports == []
        assert "EXPOSE" not in dockerfile and "HEALTHCHECK" not in dockerfile
    else:
        assert profile.framework == framework and profile.ports == [8080] and profile.port_env == "PORT"
        assert "ENV PORT=8080" in runtime and 'CMD ["/usr/local/bin/healthprobe", "8080", "/", "PORT"]' in runtime


def test_rust_framework_aliases(tmp_path: Path):
    profile, files = new(tmp_path, "rust", ("framework", "std"))
    assert profile.framework == "std::net" and tomllib.loads(files["Cargo.toml"])["dependencies"] == {}
    assert "(Rust, std::net)" in files["Dockerfile"]


def test_rust_answers_flow_into_the_files(tmp_path: Path):
    profile, files = new(tmp_path, "rust", ("port", "3000"), ("runtime_version", "1.85"),
                         ("entrypoint", "/usr/local/bin/server"), ("secret.SESSION_KEY", "true"))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "ARG RUST_VERSION=1.85" in dockerfile and 'rust-version = "1.85"' in files["Cargo.toml"]
    assert "cargo build --release --locked --bin server" in dockerfile and profile.build_command[-1] == "server"
    assert "EXPOSE 3000" in dockerfile and "ENV PORT=3000" in dockerfile
    runtime = stages(dockerfile)[1]
    assert runtime.startswith("FROM debian:bookworm-slim") and "USER 10001:10001" in runtime
    assert "ca-certificates=" in runtime and profile.build.shell is True


def test_rust_package_names_are_ones_cargo_accepts(tmp_path: Path):
    _, files = new(tmp_path, "rust", folder="2048 Game")
    assert tomllib.loads(files["Cargo.toml"])["package"]["name"] == "app-2048-game"


def test_rust_readme_says_what_to_write(tmp_path: Path):
    _, files = new(tmp_path, "rust")
    readme = files["README.Docker.md"]
    assert "## Before the first build" in readme and "`src/main.rs`" in readme
    assert "Cargo.lock" in readme and "axum, tokio" in readme and "`Cargo.toml`" in readme


# -- both -----------------------------------------------------------------------------
@pytest.mark.parametrize("language,manifest", [("go", "go.mod"), ("rust", "Cargo.toml")])
def test_starter_files_are_never_overwritten(tmp_path: Path, language: str, manifest: str):
    profile, files = new(tmp_path, language)
    assert manifest in files
    write_tree(Path(profile.root), {manifest: "mine\n"})
    assert scaffold.starter_files(profile) == {}
    assert manifest not in scaffold.render_new(profile)


GO_MAIN = """\
    package main

    import (
    \t"net/http"
    \t"os"
    )

    func main() {
    \tport := os.Getenv("PORT")
    \tif port == "" {
    \t\tport = "8080"
    \t}
    \thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hi")) })
    \thttp.ListenAndServe(":"+port, nil)
    }
    """
RUST_MAIN = """\
    use std::io::Write;
    use std::net::TcpListener;

    fn main() {
        let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_string());
        let listener = TcpListener::bind(format!("0.0.0.0:{port}")).unwrap();
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\n\\r\\nok\\n");
        }
    }
    """
RUST_LOCK = """\
    version = 3

    [[package]]
    name = "shop"
    version = "0.1.0"
    """


@pytest.mark.parametrize("language,framework,code", [
    ("go", "net/http", {"main.go": GO_MAIN}),
    ("rust", "std::net", {"src/main.rs": RUST_MAIN, "Cargo.lock": RUST_LOCK}),
])
def test_once_the_app_is_written_the_analyzer_agrees_with_init(tmp_path: Path, language, framework, code):
    """The files written for a new project and those made later from its code say the same."""
    profile, files = new(tmp_path, language, ("framework", framework))
    root = Path(profile.root)
    for name, text in scaffold.starter_files(profile).items():
        write_tree(root, {name: text})
    write_tree(root, code)
    analyzed = build_profile(root, [])
    assert analyzed.language == language and analyzed.framework == framework
    for key in ("entrypoint", "ports", "port_env", "runtime_version", "build_command"):
        assert getattr(analyzed, key) == getattr(profile, key), key
    assert analyzed.build.runtime == profile.build.runtime
    assert render.render(analyzed)["Dockerfile"].replace("go.sum* ", "") == \
        files["Dockerfile"].replace("go.sum* ", "")


def test_interactive_init_of_a_rust_app(tmp_path: Path):
    """The questions on a terminal: framework (std::net), version, port, start command, env, services."""
    pexpect = pytest.importorskip("pexpect")
    app = tmp_path / "hello"
    env = dict(os.environ, TERM="xterm-256color", PYTHONUNBUFFERED="1", PROMPT_TOOLKIT_NO_CPR="1")
    env.pop("CI", None)
    child = pexpect.spawn(sys.executable, ["-m", "containerize", "init", str(app), "--set", "language=rust"],
                          env=env, encoding="utf-8", timeout=30, dimensions=(50, 200))
    child.delaybeforesend = 0.05
    down, enter, backspace = "\x1b[B", "\r", "\x7f"
    try:
        child.expect("Which framework")
        child.expect("std::net")
        child.send(down * RUST_FRAMEWORKS.index("std::net") + enter)
        child.expect("Which rust version")
        child.send(enter)
        child.expect("Which port will it listen on")
        child.send(backspace * 4 + "9090" + enter)
        child.expect("The command that starts it")
        child.expect("/usr/local/bin/hello")
        child.send(enter)
        child.expect("Env vars it reads")
        child.send(enter)
        child.expect("Which services does it use")
        child.send(enter)
        child.expect("Write the container files")
        child.send(enter)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before or "")
    dockerfile = (app / "Dockerfile").read_text()
    assert "EXPOSE 9090" in dockerfile and "ENV PORT=9090" in dockerfile
    assert tomllib.loads((app / "Cargo.toml").read_text())["dependencies"] == {}
    saved = (app / "containerize.toml").read_text()
    assert 'framework = "std::net"' in saved and "port = 9090" in saved
    lint(dockerfile, tmp_path)
