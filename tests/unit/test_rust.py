"""Rust analyzer answers (Cargo.toml, Cargo.lock, toolchains, bins, workspaces) and the rendered Dockerfiles."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from containerize import render
from containerize.languages import detect_all
from containerize.checklist import AnalysisError, build_profile
from containerize.scan import SourceTree
from projects import lint, stages, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

STD_SERVER = """
use std::net::TcpListener;
fn main() {
    let listener = TcpListener::bind(("0.0.0.0", 7070)).unwrap();
    for _ in listener.incoming() {}
}
"""


def rendered(tmp_path: Path, root: Path, *sets: tuple[str, str]):
    profile = build_profile(root, list(sets))
    files = render.render(profile)
    lint(files["Dockerfile"], tmp_path)
    return profile, files


# -- fixtures ----------------------------------------------------------------------
def test_std_http_server_on_distroless_cc(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-http")
    assert (p.language, p.framework, p.package_manager) == ("rust", "std::net", "cargo")
    assert p.runtime_version == "1.90" and "rust-version = 1.74" in p.evidence["runtime_version"][0].why  # a minimum
    assert p.entrypoint == ["/usr/local/bin/hello-server"] and p.compiled
    assert p.ports == [8080] and p.port_env == "PORT" and p.health_path == "/health"
    assert p.env_var("GREETING").default == "hello from rust"
    assert p.build_command == ["cargo", "build", "--release", "--locked", "--bin", "hello-server"]
    assert p.build.runtime == "distroless" and p.build.shell is False
    build, runtime = stages(files["Dockerfile"])
    assert build.startswith("FROM rust:${RUST_VERSION}-bookworm AS build") and "ARG RUST_VERSION=1.90" in files["Dockerfile"]
    # manifests and lock, stand-ins and fetch before the source; the build copies the binary out of the cache mount
    assert build.index("COPY Cargo.toml Cargo.lock ./") < build.index("touch src/main.rs") \
        < build.index("cargo fetch --locked") < build.index("COPY . .") < build.index("cargo build --release --locked")
    assert "--mount=type=cache,target=/usr/local/cargo/registry" in build
    assert "--mount=type=cache,target=/src/target" in build
    assert "install -m 0755 target/release/hello-server /out/hello-server" in build
    assert "rustc -C opt-level=2" in build  # the health probe, std only
    assert runtime.startswith("FROM gcr.io/distroless/cc-debian12:nonroot") and "USER 65532:65532" in runtime
    assert 'CMD ["/usr/local/bin/healthprobe", "8080", "/health", "PORT"]' in runtime
    assert "cargo" not in runtime and "rustc" not in runtime


def test_axum_with_native_tls_and_a_database_secret_gets_slim_with_libssl(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-axum")
    assert p.framework == "axum" and p.runtime_version == "1.79.0"
    assert p.evidence["runtime_version"][0].file == "rust-toolchain.toml"
    assert p.entrypoint == ["/usr/local/bin/notes-api"]
    assert [c["entrypoint"] for c in p.candidates if "entrypoint" in c] == [
        ["/usr/local/bin/notes-api"], ["/usr/local/bin/seed"]]
    assert p.ports == [3000] and p.health_path == "/healthz"
    assert [(s.kind, s.env_var) for s in p.services] == [("postgres", "DATABASE_URL")]
    assert p.env_var("DATABASE_URL").secret
    assert "tokio" in p.dependencies and "axum" in p.dependencies
    assert p.system_packages == {"build": ["pkg-config", "libssl-dev"], "runtime": ["libssl3", "ca-certificates"]}
    build, runtime = stages(files["Dockerfile"])
    assert "libssl-dev=3.0.*" in build
    assert "touch src/bin/seed.rs src/main.rs" in build
    assert build.index("cargo fetch --locked") < build.index("COPY . .")
    assert runtime.startswith("FROM debian:bookworm-slim")
    assert "libssl3=3.0.* ca-certificates=20230311*" in runtime and "USER 10001:10001" in runtime
    assert '! ldd /usr/local/bin/notes-api | grep "not found"' in runtime
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["entrypoint"][0] == "/bin/sh" and "postgres" in compose["services"]


def test_detection_scores(tmp_path):
    assert {c.language: c.score for c in detect_all(SourceTree(FIXTURES / "rust-http"))}["rust"] == 95
    lib = write_tree(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "lib"\nversion = "0.1.0"\n', "src/lib.rs": ""})
    assert {c.language: c.score for c in detect_all(SourceTree(lib))}["rust"] == 50


# -- variations ---------------------------------------------------------------------
def test_workspace_with_default_run_and_members(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": """
            [workspace]
            members = ["crates/*", "tools/cli"]
            resolver = "2"

            [workspace.package]
            rust-version = "1.80"
            edition = "2021"
        """,
        "Cargo.lock": "version = 3\n",
        "crates/core/Cargo.toml": '[package]\nname = "core"\nversion = "0.1.0"\nrust-version.workspace = true\n',
        "crates/core/src/lib.rs": "pub fn answer() -> u32 { 42 }\n",
        "crates/api/Cargo.toml": """
            [package]
            name = "api"
            version = "0.1.0"
            default-run = "api"

            [dependencies]
            core = { path = "../core" }
            actix-web = "4"
        """,
        "crates/api/src/main.rs": """
            use actix_web::{get, App, HttpServer};
            #[get("/healthz")]
            async fn health() -> &'static str { "ok" }
            #[actix_web::main]
            async fn main() -> std::io::Result<()> {
                HttpServer::new(|| App::new().service(health)).bind(("0.0.0.0", 8088))?.run().await
            }
        """,
        "tools/cli/Cargo.toml": '[package]\nname = "cli"\nversion = "0.1.0"\n\n[[bin]]\nname = "ctl"\npath = "main.rs"\n',
        "tools/cli/main.rs": "fn main() {}\n",
    })
    p, files = rendered(tmp_path, root)
    assert p.runtime_version == "1.90" and p.framework == "actix-web"
    assert p.entrypoint == ["/usr/local/bin/api"] and p.ports == [8088] and p.health_path == "/healthz"
    assert p.build_command == ["cargo", "build", "--release", "--locked", "-p", "api", "--bin", "api"]
    build = stages(files["Dockerfile"])[0]
    for m in ("crates/api/Cargo.toml crates/api/", "crates/core/Cargo.toml crates/core/", "tools/cli/Cargo.toml tools/cli/"):
        assert build.index("COPY " + m) < build.index("cargo fetch --locked")
    assert "touch crates/api/src/main.rs crates/core/src/lib.rs tools/cli/main.rs" in build
    assert "mkdir -p crates/api/src crates/core/src tools/cli" in build
    assert {c["entrypoint"][0] for c in p.candidates if "entrypoint" in c} == {"/usr/local/bin/api", "/usr/local/bin/ctl"}


def test_no_lock_no_locked_and_a_warning(tmp_path):
    root = write_tree(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2024"\n',
                           "src/main.rs": 'fn main() { println!("{}", std::env::var("NAME").unwrap_or_default()); }\n'})
    p, files = rendered(tmp_path, root)
    assert "--locked" not in files["Dockerfile"] and "COPY Cargo.toml ./" in files["Dockerfile"]
    assert any("no Cargo.lock" in w for w in p.warnings)
    assert p.runtime_version == "1.90" and p.ports == [] and "HEALTHCHECK" not in files["Dockerfile"]
    assert "EXPOSE" not in files["Dockerfile"] and "healthprobe" not in files["Dockerfile"]


def test_explicit_bin_path_toolchain_channel_and_vendored_openssl(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": """
            [package]
            name = "gateway"
            version = "1.0.0"
            autobins = false

            [[bin]]
            name = "gatewayd"
            path = "server/daemon.rs"

            [dependencies]
            openssl = { version = "0.10", features = ["vendored"] }
        """,
        "Cargo.lock": """
            version = 3

            [[package]]
            name = "gateway"
            version = "1.0.0"

            [[package]]
            name = "openssl-sys"
            version = "0.9.102"

            [[package]]
            name = "openssl-src"
            version = "300.3.0+3.3.0"
        """,
        "rust-toolchain": "stable\n",
        "server/daemon.rs": STD_SERVER,
    })
    p, files = rendered(tmp_path, root)
    assert p.entrypoint == ["/usr/local/bin/gatewayd"] and p.ports == [7070]
    assert p.runtime_version == "1.90" and any("names a channel" in w for w in p.warnings)
    assert p.system_packages["runtime"] == [] and p.build.runtime == "distroless"  # OpenSSL is compiled in
    assert "touch server/daemon.rs" in files["Dockerfile"]


def test_secret_means_a_shell_and_writes_get_a_volume(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": '[package]\nname = "keeper"\nversion = "0.1.0"\n',
        "Cargo.lock": 'version = 3\n\n[[package]]\nname = "keeper"\nversion = "0.1.0"\n',
        "src/main.rs": """
            use std::fs;
            fn main() {
                let token = std::env::var("API_TOKEN").expect("API_TOKEN");
                fs::create_dir_all("/var/lib/keeper").unwrap();
                fs::write("/var/lib/keeper/state", token.len().to_string()).unwrap();
            }
        """,
    })
    p, files = rendered(tmp_path, root)
    assert p.env_var("API_TOKEN").secret and p.writable_paths == ["/var/lib/keeper"]
    assert p.build.runtime == "slim" and p.build.shell
    runtime = stages(files["Dockerfile"])[1]
    assert "mkdir -p /var/lib/keeper" in runtime and "chown 10001:10001 /var/lib/keeper" in runtime
    # without the secret: distroless, and the folder comes from the build stage owned by nonroot
    (root / "src/main.rs").write_text('fn main() { std::fs::create_dir_all("/var/lib/keeper").unwrap(); }\n')
    p, files = rendered(tmp_path, root)
    build, runtime = stages(files["Dockerfile"])
    assert p.build.runtime == "distroless" and "mkdir -p /rootfs/var/lib/keeper" in build
    assert "COPY --from=build --chown=65532:65532 /rootfs/ /" in runtime
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["volumes"] == ["var-lib-keeper:/var/lib/keeper"]


def test_distroless_compose_passes_secret_files(tmp_path):
    root = write_tree(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "s"\nversion = "0.1.0"\n', "src/main.rs": STD_SERVER})
    p = build_profile(root, [("secret.API_TOKEN", "true")])
    assert p.build.shell is False
    files = render.render(p)
    app = yaml.safe_load(files["compose.yaml"])["services"]["app"]
    assert "entrypoint" not in app and app["environment"]["API_TOKEN_FILE"] == "/run/secrets/api_token"


def test_native_libraries_from_the_lock(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": '[package]\nname = "reporter"\nversion = "0.1.0"\n\n[dependencies]\ndiesel = { version = "2", features = ["postgres"] }\n',
        "Cargo.lock": 'version = 3\n\n[[package]]\nname = "pq-sys"\nversion = "0.6.1"\n\n[[package]]\nname = "reporter"\nversion = "0.1.0"\n',
        "src/main.rs": "fn main() {}\n",
    })
    p, files = rendered(tmp_path, root)
    assert p.system_packages == {"build": ["libpq-dev"], "runtime": ["libpq5", "ca-certificates"]}
    assert [s.kind for s in p.services] == ["postgres"]
    assert p.build.runtime == "slim" and "libpq5=15.*" in files["Dockerfile"]


@pytest.mark.parametrize("files, message", [
    ({"Cargo.toml": '[package]\nname = "l"\nversion = "0.1.0"\n', "src/lib.rs": ""}, "no binary target"),
    ({"Cargo.toml": "[package\nname = 1\n", "src/main.rs": ""}, "not valid TOML"),
    ({"Cargo.toml": '[dependencies]\nserde = "1"\n', "src/main.rs": ""}, "neither [package] nor [workspace]"),
    ({"Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n', "src/main.rs": "fn main() {}\n",
      "Cargo.lock": "version = [\n"}, "Cargo.lock: not valid TOML"),
])
def test_broken_projects_fail_clearly(tmp_path, files, message):
    root = write_tree(tmp_path / "proj", files)
    with pytest.raises(AnalysisError, match=re.escape(message)):
        build_profile(root, [("language", "rust")])


def test_sqlx_and_pooled_clients_imply_services(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": """
            [package]
            name = "jobs"
            version = "0.1.0"

            [dependencies]
            sqlx = { version = "0.8", features = ["runtime-tokio", "postgres"] }
            deadpool-redis = "0.18"
        """,
        "src/main.rs": 'fn main() { let _ = std::env::var("DATABASE_URL"); let _ = std::env::var("REDIS_URL"); }\n',
    })
    p = build_profile(root)
    assert sorted((s.kind, s.env_var) for s in p.services) == [("postgres", "DATABASE_URL"), ("redis", "REDIS_URL")]


# -- names resolved to literal values (parse trees, not patterns) ------------------------
def _crate(tmp_path, main: str, **more: str):
    files = {"Cargo.toml": '[package]\nname = "vals"\nversion = "0.1.0"\n', "src/main.rs": main}
    files.update({k.replace("__", "/").replace("_rs", ".rs"): v for k, v in more.items()})
    return write_tree(tmp_path / "proj", files)


def test_a_port_constant_in_a_bind_tuple(tmp_path):
    root = _crate(tmp_path, """
        use std::net::TcpListener;
        const PORT: u16 = 7878;
        fn main() {
            let listener = TcpListener::bind(("0.0.0.0", PORT)).unwrap();
            for _ in listener.incoming() {}
        }
    """)
    p = build_profile(root)
    assert p.ports == [7878] and p.framework == "std::net" and p.port_env is None


@pytest.mark.parametrize("address", ['format!("0.0.0.0:{}", PORT)', 'format!("0.0.0.0:{PORT}")',
                                     'format!("{}:{}", HOST, PORT)'])
def test_a_port_constant_from_another_module_formatted_into_the_address(tmp_path, address):
    root = _crate(tmp_path, f"""
        mod config;
        use config::{{HOST, PORT}};
        fn main() {{
            let addr = {address};
            let listener = std::net::TcpListener::bind(&addr).expect("bind");
            drop(listener);
        }}
    """, src__config_rs='pub const HOST: &str = "0.0.0.0";\npub const PORT: u16 = 7979;\n')
    p = build_profile(root)
    assert p.ports == [7979]


def test_env_reads_through_a_wrapper_and_their_fallbacks(tmp_path):
    root = _crate(tmp_path, """
        use std::env;
        use std::net::{SocketAddr, TcpListener};

        fn env_or(name: &str, default: &str) -> String {
            std::env::var(name).unwrap_or(default.to_string())
        }

        fn main() {
            let db_host = env_or("DB_HOST", "localhost");
            let region = env::var("REGION").unwrap_or_else(|_| "eu-north-1".into());
            let mode = env::var("MODE").unwrap_or("fast".to_string());
            let port: u16 = env::var("APP_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(7300);
            let addr = SocketAddr::from(([0, 0, 0, 0], port));
            let _ = (db_host, region, mode, TcpListener::bind(addr));
        }
    """)
    p = build_profile(root)
    assert p.env_var("DB_HOST").default == "localhost"
    assert p.env_var("REGION").default == "eu-north-1" and p.env_var("MODE").default == "fast"
    assert p.port_env == "APP_PORT" and p.ports == [7300]
    assert p.env_var("name") is None


def test_clap_env_attributes_and_socket_addresses(tmp_path):
    root = _crate(tmp_path, """
        use clap::Parser;
        #[derive(Parser)]
        struct Args {
            #[arg(long, env = "LISTEN_PORT", default_value_t = 4100)]
            port: u16,
            #[arg(long, env = "DATABASE_URL")]
            database_url: String,
        }
        #[tokio::main]
        async fn main() {
            let args = Args::parse();
            let listener = tokio::net::TcpListener::bind(("0.0.0.0", args.port)).await.unwrap();
            drop(listener);
        }
    """)
    p = build_profile(root)
    assert p.port_env == "LISTEN_PORT" and p.ports == [4100]
    assert p.env_var("DATABASE_URL").secret


def test_a_long_line_and_many_blank_lines_are_read_in_linear_time(tmp_path):
    table = "pub static TABLE: &[&str] = &[" + ", ".join(f'"k{i:05d}"' for i in range(7800)) + "];\n"
    assert len(table) > 64_000
    root = _crate(tmp_path, """
        mod table;
        mod blank;
        fn main() {
            let port = std::env::var("PORT").unwrap_or_else(|_| "8124".to_string());
            let greeting = std::env::var("GREETING").unwrap_or(blank::GREETING.to_string());
            let _ = greeting;
            let _ = std::net::TcpListener::bind(format!("0.0.0.0:{}", port));
        }
    """, src__table_rs=table, src__blank_rs="\n" * 60_000 + 'pub const GREETING: &str = "hi";\n')
    (root / "src/oneline.rs").write_text("pub fn f() -> usize { let v = [" + ", ".join(str(i) for i in range(13000))
                                         + '].len(); let _ = std::env::var("SESSION_TOKEN"); v }\n')
    assert len((root / "src/oneline.rs").read_text()) > 64_000
    p = build_profile(root)
    assert p.ports == [8124] and p.port_env == "PORT"
    assert p.env_var("GREETING").default == "hi"
    assert p.env_var("SESSION_TOKEN").secret


def test_values_fixture_port_constant_and_wrapped_default(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-values")
    assert p.ports == [7878] and p.port_env is None and p.health_path == "/health"
    assert p.env_var("GREETING").default == "values from rust" and p.build.runtime == "distroless"
    runtime = stages(files["Dockerfile"])[1]
    assert "EXPOSE 7878" in runtime and 'CMD ["/usr/local/bin/healthprobe", "7878", "/health"' in runtime


def test_an_address_from_a_function_and_a_port_passed_as_an_argument(tmp_path):
    root = _crate(tmp_path, """
        use std::net::{SocketAddr, TcpListener};

        fn address() -> String {
            std::env::var("ADDRESS").unwrap_or_else(|_| "127.0.0.1:8000".into())
        }

        fn serve(port: u16) {
            let addr = SocketAddr::from(([0, 0, 0, 0], port));
            let _ = TcpListener::bind(addr);
        }

        fn main() {
            let _ = address();
            serve(7500);
        }
    """)
    p = build_profile(root)
    assert p.ports == [7500] and p.env_var("ADDRESS").default == "127.0.0.1:8000"
    (root / "src/main.rs").write_text((root / "src/main.rs").read_text().replace(
        "let _ = address();", "let _ = TcpListener::bind(address());").replace("serve(7500);", ""))
    p = build_profile(root)
    # the listen address's env var is set to all interfaces (image, compose): no warning left to act on
    assert p.ports == [8000] and not any("ADDRESS" in w for w in p.warnings), p.warnings
    assert any(e.why.startswith("ADDRESS: falls back to 127.0.0.1:8000") and "ADDRESS=0.0.0.0:8000" in e.why
               for e in p.evidence["env"])


# -- routes dispatched by a match on the request path ------------------------------
def test_tiny_http_routes_from_match_arms_and_an_equality(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-tiny-http")
    assert (p.framework, p.ports, p.port_env) == ("tiny_http", [8000], "PORT")
    assert p.health_path == "/healthz" and p.evidence["health_path"][0].line == 18
    _, runtime = stages(files["Dockerfile"])
    assert 'CMD ["/usr/local/bin/healthprobe", "8000", "/healthz", "PORT"]' in runtime


@pytest.mark.parametrize("body, health", [
    # hyper: a tuple of method and path
    ('match (req.method(), req.uri().path()) {\n'
     '    (&Method::POST, "/echo") => a(),\n    (&Method::GET, "/ready") => b(),\n    _ => c(),\n}', "/ready"),
    # a match on a path variable, arms with alternatives
    ('let path = req.uri().path().to_string();\nmatch path.as_str() {\n    "/" => a(),\n'
     '    "/api" | "/healthz" => b(),\n    _ => c(),\n}', "/healthz"),
    # an equality test on the URL
    ('if request.url() == "/status" { a() } else { b() }', "/status"),
    # a match on something that isn't a path: its strings are not routes
    ('match mode.as_str() { "/health" => a(), _ => b() }', "/"),
])
def test_match_on_the_request_path_gives_the_health_route(tmp_path, body, health):
    main = ("use std::net::TcpListener;\nconst OK: &str = \"HTTP/1.1 200 OK\\r\\n\\r\\n\";\n"
            "fn route(req: R, request: R, mode: String) {\n" + body + "\n}\n"
            'fn main() {\n    let listener = TcpListener::bind("0.0.0.0:7000").unwrap();\n}\n')
    root = write_tree(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "m"\nversion = "0.1.0"\n',
                                         "src/main.rs": main})
    p = build_profile(root, [])
    assert p.ports == [7000] and p.health_path == health



# -- Rocket and files read at run time ------------------------------------------------
def test_rocket_listens_on_all_interfaces_on_its_release_port_with_mounted_routes(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-rocket")
    assert p.framework == "rocket" and p.entrypoint == ["/usr/local/bin/quotes"]
    # Rocket.toml's [release] port (a release build), read from ROCKET_PORT; Rocket's default address is 127.0.0.1
    assert p.ports == [8200] and p.port_env == "ROCKET_PORT"
    assert p.evidence["ports"][0].file == "Rocket.toml"
    assert p.health_path == "/api/health"  # #[get("/health")] on a handler mounted at /api
    assert p.build.assets == ["Rocket.toml"]
    _, runtime = stages(files["Dockerfile"])
    assert "ENV ROCKET_PORT=8200" in runtime and "ENV ROCKET_ADDRESS=0.0.0.0" in runtime
    assert "COPY --from=build /src/Rocket.toml /app/Rocket.toml" in runtime and "WORKDIR /app" in runtime
    assert 'CMD ["/usr/local/bin/healthprobe", "8200", "/api/health", "ROCKET_PORT"]' in runtime
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["environment"]["ROCKET_ADDRESS"] == "0.0.0.0"


def test_rocket_that_reads_port_and_sets_address_in_rocket_toml(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": '[package]\nname = "r"\nversion = "0.1.0"\n\n[dependencies]\nrocket = "0.5"\n'
                      'rocket_dyn_templates = "0.2"\n',
        "Rocket.toml": '[global]\naddress = "0.0.0.0"\n',
        "templates/index.html.tera": "hi",
        "src/main.rs": '#[macro_use] extern crate rocket;\n#[get("/")]\nfn index() -> &\'static str { "hi" }\n'
                       '#[launch]\nfn rocket() -> _ {\n'
                       '    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8000);\n'
                       '    rocket::custom(rocket::Config::figment().merge(("port", port)))'
                       '.mount("/", routes![index])\n}\n'})
    p = build_profile(root, [])
    assert p.ports == [8000] and p.port_env == "PORT" and p.health_path == "/"
    assert p.env_var("ROCKET_ADDRESS") is None and p.env_var("ROCKET_PORT") is None
    assert p.build.assets == ["templates", "Rocket.toml"]


def test_files_read_at_run_time_are_copied_into_the_runtime(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-static-pages")
    assert p.build.assets == ["static"] and p.build.crate_assets == ["templates"]
    assert (p.ports, p.health_path, p.build.runtime) == ([8090], "/healthz", "distroless")
    _, runtime = stages(files["Dockerfile"])
    assert "COPY --from=build /src/templates /src/templates" in runtime  # CARGO_MANIFEST_DIR was /src
    assert "WORKDIR /app" in runtime and "COPY --from=build /src/static /app/static" in runtime


@pytest.mark.parametrize("code, assets, crate_assets", [
    ('let tera = Tera::new(concat!(env!("CARGO_MANIFEST_DIR"), "/views/**/*")).unwrap();', [], ["views"]),
    ('App::new().service(Files::new("/", "./public/").index_file("index.html"));', ["public"], []),
    ('let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("views");\nenv.set_loader(path_loader(dir));',
     [], ["views"]),
    ('Router::new().nest_service("/assets", ServeDir::new("public"));', ["public"], []),
    ('hb.register_templates_directory(".hbs", "./views").unwrap();', ["views"], []),
    ('let s = std::fs::read_to_string("/etc/hostname");', [], []),  # absolute: not the app's files
    ('let s = std::fs::read_to_string("missing/x.txt");', [], []),  # not in the project
])
def test_runtime_file_readers(tmp_path, code, assets, crate_assets):
    main = ("use std::net::TcpListener;\nfn app() {\n" + code + "\n}\n"
            'fn main() {\n    let listener = TcpListener::bind("0.0.0.0:7000").unwrap();\n}\n')
    root = write_tree(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "m"\nversion = "0.1.0"\n',
                                         "src/main.rs": main, "views/a.html": "a", "public/index.html": "i"})
    p = build_profile(root, [])
    assert (p.build.assets, p.build.crate_assets) == (assets, crate_assets)


def test_a_tcp_server_of_its_own_protocol_gets_a_connect_only_health_check(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-tcp-kv")
    # [[bin]] tables that name src/bin/*.rs files replace the inferred targets: two binaries, not four
    assert [c["entrypoint"] for c in p.candidates if "entrypoint" in c] == [
        ["/usr/local/bin/kv-server"], ["/usr/local/bin/kv-cli"]]
    assert p.entrypoint == ["/usr/local/bin/kv-server"]
    assert p.ports == [7379] and p.port_env == "KV_PORT"  # the fallback is a const of the library
    assert p.health_path is None  # no HTTP: the probe connects to the port
    build, runtime = stages(files["Dockerfile"])
    assert 'if path == "-" { return Ok(true); }' in build
    assert 'CMD ["/usr/local/bin/healthprobe", "7379", "-", "KV_PORT"]' in runtime


def test_http_servers_keep_an_http_health_check(tmp_path):
    root = write_tree(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "s"\nversion = "0.1.0"\n',
                                         "src/main.rs": STD_SERVER})
    assert build_profile(root, []).health_path is None  # accepts and says nothing: not HTTP that we can see
    (root / "src/main.rs").write_text(STD_SERVER.replace("for _ in", 'let _ = "HTTP/1.1 200 OK\\r\\n";\n    for _ in'))
    assert build_profile(root, []).health_path == "/"
    axum = write_tree(tmp_path / "axum", {
        "Cargo.toml": '[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\n',
        "src/main.rs": 'use std::net::TcpListener;\nfn main() {\n    let l = TcpListener::bind("0.0.0.0:3000");\n}\n'})
    assert build_profile(axum, []).health_path == "/"


def test_sqlx_query_macros_build_offline_from_the_prepared_queries(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-axum-sqlx")
    assert p.build.sqlx_offline and not p.warnings
    assert "from .sqlx" in p.evidence["build_command"][-1].why
    assert [(s.kind, s.env_var) for s in p.services] == [("postgres", "DATABASE_URL")]
    build, _ = stages(files["Dockerfile"])
    assert build.index("COPY . .") < build.index("ENV SQLX_OFFLINE=true") < build.index("cargo build --release")
    assert ".sqlx" not in files[".dockerignore"]


def test_sqlx_query_macros_without_prepared_queries_warn(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": '[package]\nname = "q"\nversion = "0.1.0"\n\n[dependencies]\nsqlx = "0.7"\n',
        "src/main.rs": 'fn main() {\n    let q = sqlx::query!("SELECT 1");\n}\n'})
    p = build_profile(root, [])
    assert p.build.sqlx_offline
    assert any("cargo sqlx prepare" in w and "src/main.rs:2" in w for w in p.warnings)
    # the runtime query functions (no `!`) need nothing at build time
    (root / "src/main.rs").write_text('fn main() {\n    let q = sqlx::query("SELECT 1");\n}\n')
    p = build_profile(root, [])
    assert not p.build.sqlx_offline and not any("sqlx" in w for w in p.warnings)


def test_a_procfile_process_that_runs_the_binary_with_other_arguments_is_a_worker(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": '[package]\nname = "hello-server"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/main.rs": STD_SERVER,
        "Procfile": "web: ./target/release/hello-server\nclock: ./target/release/hello-server tick --every 60\n",
    })
    p = build_profile(root)
    assert [(w.name, w.command, w.line) for w in p.workers] == [
        ("clock", ["/usr/local/bin/hello-server", "tick", "--every", "60"], 2)]
    assert not any("Procfile" in w for w in p.warnings)


# -- route prefixes: actix scopes and axum nests ---------------------------------------
def test_actix_scopes_prefix_their_routes_and_post_only_routes_are_not_probed(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "rust-actix-scopes")
    assert (p.framework, p.ports, p.port_env) == ("actix-web", [8088], "PORT")  # PORT of the (HOST, PORT) tuple
    assert p.health_path == "/api/healthcheck"  # not /login (a POST under /api/users)
    assert p.evidence["health_path"][0].file == "src/routes.rs"
    assert p.env_var("FRONTEND_ORIGIN").default == "*" and p.env_var("HOST").default == "0.0.0.0"
    _, runtime = stages(files["Dockerfile"])
    assert 'CMD ["/usr/local/bin/healthprobe", "8088", "/api/healthcheck", "PORT"]' in runtime


AXUM_NEST = """
use axum::{routing::{get, post}, Router};
async fn h() -> &'static str { "ok" }
#[tokio::main]
async fn main() {
    let app = Router::new()
        .route("/users", post(h))
        .nest("/api", Router::new().route("/articles", post(h).get(h)).route("/tags", get(h)));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
"""


def test_axum_nest_prefix_and_a_chain_read_in_source_order(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Cargo.toml": '[package]\nname = "m"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\n'
                      'tokio = { version = "1", features = ["full"] }\n',
        "src/main.rs": AXUM_NEST})
    p = build_profile(root, [])
    # /users is POST only; /articles answers GET too and comes first in the source; both are under the nest
    assert p.ports == [3000] and p.health_path == "/api/articles"
    routes = __import__("containerize.languages.rust.source", fromlist=["Crate"])
    crate = routes.Crate(SourceTree(root), ["src/main.rs"])
    assert [r[0] for r in crate.routes()] == ["/api/articles", "/api/tags"]


def test_a_chain_of_many_routes_and_many_nested_scopes_is_read_in_linear_time(tmp_path):
    routes = "".join(f'\n        .route("/r{i}", get(h))' for i in range(2000))
    scopes = "".join(f'.service(web::scope("/s{i}").route("", get().to(h)))' for i in range(2000))
    main = ("async fn h() {}\nfn main() {\n    let app = Router::new()" + routes + ";\n"
            '    let api = web::scope("/a")' + scopes + ";\n"
            '    let _ = std::net::TcpListener::bind("0.0.0.0:3000");\n}\n')
    root = write_tree(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "m"\nversion = "0.1.0"\n',
                                         "src/main.rs": main})
    from containerize.languages.rust.source import Crate
    found = [r[0] for r in Crate(SourceTree(root), ["src/main.rs"]).routes()]
    assert found[:2] == ["/r0", "/r1"] and found[1999] == "/r1999"
    assert found[2000] == "/a/s0" and found[-1] == "/a/s1999" and len(found) == 4000


# -- migrations the binary doesn't run -----------------------------------------------------------------
DIESEL_APP = {
    "Cargo.toml": '[package]\nname = "conduit"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
                  'actix-web = "4"\ndiesel = { version = "2.1", features = ["postgres", "r2d2"] }\n',
    "migrations/2021-10-21-064114_create_users/up.sql": "CREATE TABLE users (id SERIAL PRIMARY KEY);\n",
    "migrations/2021-10-21-064114_create_users/down.sql": "DROP TABLE users;\n",
    "migrations/2021-10-24-020751_create_follows/up.sql": "CREATE TABLE follows (id SERIAL PRIMARY KEY);\n",
}
MAIN = ('use actix_web::{{App, HttpServer}};\n\n{extra}#[actix_web::main]\nasync fn main() -> std::io::Result<()> {{\n'
        '    HttpServer::new(|| App::new()).bind(("0.0.0.0", 8080))?.run().await\n}}\n')


def test_diesel_migrations_nothing_runs_are_a_warning(tmp_path):
    """The actix-web + diesel RealWorld shape: migrations/ with up.sql files and no embed_migrations!."""
    p = build_profile(write_tree(tmp_path / "a", dict(DIESEL_APP, **{"src/main.rs": MAIN.format(extra="")})))
    assert p.migrations == []
    assert any(w.startswith("migrations/ holds 2 diesel migration(s) that nothing in the image runs") and
               "`diesel migration run`" in w for w in p.warnings)
    embedded = MAIN.format(extra='pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");\n\n')
    p = build_profile(write_tree(tmp_path / "b", dict(DIESEL_APP, **{"src/main.rs": embedded})))
    assert not any("migration(s) that nothing" in w for w in p.warnings)
    assert "embed_migrations!" in p.evidence["migrations"][0].why


def test_a_websocket_route_is_not_the_health_probe_and_the_served_folder_is_copied(tmp_path):
    # axum's websockets example: fallback_service(ServeDir::new(CARGO_MANIFEST_DIR/assets)) and
    # .route("/ws", any(ws_handler)) with ws_handler(ws: WebSocketUpgrade)
    p, files = rendered(tmp_path, FIXTURES / "rust-axum-websockets")
    assert p.health_path == "/"  # the index page ServeDir answers, not /ws (a plain GET gets 400/426)
    assert "COPY --from=build /src/assets /src/assets" in files["Dockerfile"]
    assert '"3000", "/"]' in files["Dockerfile"]


def test_a_server_whose_every_route_is_a_websocket_handshake_gets_a_connect_only_check(tmp_path):
    # actix's websockets/autobahn shape: web::resource("/").route(web::get().to(ws_index)), ws::start in it
    write_tree(tmp_path, {
        "Cargo.toml": '[package]\nname = "wsd"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
                      'actix-web = "4"\nactix-web-actors = "4"\n',
        "src/main.rs": "use actix_web::{web, App, Error, HttpRequest, HttpResponse, HttpServer};\n"
                       "use actix_web_actors::ws;\n\n"
                       "async fn ws_index(r: HttpRequest, stream: web::Payload) -> Result<HttpResponse, Error> {\n"
                       "    ws::start(Echo, &r, stream)\n}\n\n"
                       "#[actix_web::main]\nasync fn main() -> std::io::Result<()> {\n"
                       '    HttpServer::new(|| App::new().service(web::resource("/").route(web::get().to(ws_index))))\n'
                       '        .bind(("0.0.0.0", 9001))?\n        .run()\n        .await\n}\n',
    })
    p = build_profile(tmp_path, [])
    assert p.ports == [9001] and p.health_path is None
    assert "every route is a websocket handshake (/)" in p.evidence["health_path"][0].why
    # a websocket route beside a page keeps the page as the probe
    (tmp_path / "src/main.rs").write_text((tmp_path / "src/main.rs").read_text().replace(
        '.service(web::resource("/").route', '.route("/", web::get().to(index)).service(web::resource("/ws").route'
    ).replace("#[actix_web::main]", 'async fn index() -> &\'static str { "hi" }\n\n#[actix_web::main]'))
    p = build_profile(tmp_path, [])
    assert p.health_path == "/"
