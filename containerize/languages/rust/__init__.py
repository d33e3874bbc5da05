"""Rust: Cargo packages and workspaces that build a binary.

The binary comes from Cargo.toml (``src/main.rs``, ``src/bin/*``, ``[[bin]]``,
``default-run``, workspace members). The build stage copies the manifests and
Cargo.lock with empty stand-ins for the sources and runs ``cargo fetch`` before
the code is copied, so code edits keep the download layer; the build itself
uses cache mounts for the registry and ``target/`` and copies the binary out.
Native libraries come from the crates in Cargo.lock (openssl-sys -> libssl3,
pq-sys -> libpq5, ...). The runtime is distroless cc (glibc, libgcc, OpenSSL;
no shell, nonroot) unless the app reads a secret from an env var or links a
library distroless lacks: then debian:bookworm-slim with those libraries.
"""
from __future__ import annotations

import posixpath
import re
import tomllib

from ... import image_tags, syntax
from ...envvars import is_port_name, is_secret, read_dotenv_example
from ...profile import Evidence, Profile
from ...scan import SourceTree
from ...services import (add_services_from_connections, add_services_from_dependencies, link_service_env,
                         warn_fixed_localhost)
from ...workers import add_image_procfile_workers, runs_binary
from ..base import Analyzer, Detection, forward_names, submodules
from ..common import choose_health_path, record_paths
from .manifest import CargoError, Package, key_line, load_packages, lock_line, parse_lock, toolchain_version

# loaded when this language's analysis runs, not while the languages of a tree are detected
source, plan, starter = submodules(__name__, "source", "plan", "starter")

__all__ = ["ANALYZER", "STARTER", "CargoError", "RustPlan", "DEFAULT_RUST", "NEW_EDITION", "NEW_FRAMEWORKS",
           "NEW_PORT"]

EDITION_MIN = {"2024": "1.85", "2021": "1.56"}
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "TMPDIR", "RUST_LOG",
              "RUST_BACKTRACE", "CARGO_PKG_VERSION", "CARGO_PKG_NAME", "CARGO_MANIFEST_DIR"}

# crate in Cargo.lock -> (Debian build packages, Debian runtime packages)
NATIVE_CRATES: dict[str, tuple[list[str], list[str]]] = {
    "openssl-sys": (["pkg-config", "libssl-dev"], ["libssl3"]),
    "pq-sys": (["libpq-dev"], ["libpq5"]),
    "libsqlite3-sys": (["libsqlite3-dev"], ["libsqlite3-0"]),
    "mysqlclient-sys": (["default-libmysqlclient-dev", "pkg-config"], ["libmariadb3"]),
    "libz-sys": (["zlib1g-dev", "pkg-config"], ["zlib1g"]),
    "curl-sys": (["libcurl4-openssl-dev", "pkg-config"], ["libcurl4"]),
}
TLS_CRATES = ("openssl", "native-tls", "rustls-native-certs", "rustls-platform-verifier", "reqwest", "ureq")
# crate -> service client name known to common.SERVICE_DEPENDENCIES
SERVICE_CRATES = {
    "tokio-postgres": "tokio-postgres", "postgres": "tokio-postgres", "deadpool-postgres": "deadpool-postgres",
    "bb8-postgres": "bb8-postgres", "sqlx-postgres": "sqlx-postgres", "redis": "redis",
    "deadpool-redis": "deadpool-redis", "bb8-redis": "bb8-redis", "fred": "fred", "mongodb": "mongodb",
    "mysql": "mysql", "mysql_async": "mysql_async", "sqlx-mysql": "sqlx-mysql",
}
FRAMEWORKS = (("axum", "axum", None), ("actix-web", "actix-web", None), ("rocket", "rocket", 8000),
              ("warp", "warp", None), ("poem", "poem", None), ("salvo", "salvo", None), ("tide", "tide", None),
              ("hyper", "hyper", None), ("tiny_http", "tiny_http", None))

HTTP_FRAMEWORKS = {fw for _, fw, _ in FRAMEWORKS}
SQLX_MACROS = {"query", "query_as", "query_scalar", "query_file", "query_file_as", "query_file_scalar",
               "query_unchecked", "query_as_unchecked"}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# env vars of a service the app talks to, not of its own listener
SERVICE_PREFIXES = ("DATABASE_", "DB_", "POSTGRES_", "PG_", "MYSQL_", "MARIADB_", "REDIS_", "MONGO", "SMTP_", "MAIL_",
                    "RABBIT", "AMQP_", "KAFKA_", "ELASTIC", "MEMCACHE", "NATS_", "GRPC_CLIENT", "UPSTREAM_")
_SYSTEM_PATHS = ("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/", "/var/run", "/run/", "/bin/")
# a path that may reach the Dockerfile and compose.yaml (checked on the one extracted string)
_SAFE_PATH = re.compile(r"/[\w.@/-]+")
_SAFE_REL = re.compile(r"[\w.@+-][\w.@/+-]*")
_SKIPPED = re.compile(r"(^|/)(tests|benches|examples|target)/")


def detect(tree: SourceTree) -> Detection | None:
    if not tree.exists("Cargo.toml"):
        return None
    try:
        _, packages, _ = load_packages(tree)
    except CargoError:
        return Detection("rust", 90, [Evidence("Cargo.toml (unreadable)", "Cargo.toml", None, 0.5)])
    bins = [b["name"] for p in packages for b in p.bins]
    if bins:
        return Detection("rust", 95, [Evidence(f"Cargo.toml builds {len(bins)} binary target(s): "
                                               + ", ".join(bins[:4]), "Cargo.toml", None, 0.95)])
    return Detection("rust", 50, [Evidence("Cargo.toml with no binary target (a library)", "Cargo.toml", None, 0.6)])


def _clean(value: str | None) -> str | None:
    """A default that may be written to compose.yaml: one line of printable text."""
    if value is None or any(ord(c) < 32 or ord(c) == 127 for c in value) or len(value) > 1000:
        return None
    return value


def read_source(crate: source.Crate, profile: Profile, framework: str | None, rocket: dict | None = None) -> bool:
    seen: set[str] = set()
    for name, default, rel, line in crate.env_reads():
        if name in SYSTEM_ENV:
            continue
        default = _clean(default)
        secret = is_secret(name, default)
        if name not in seen:
            seen.add(name)
            profile.note("env", f"{name}: env::var" + (f" (falls back to {default!r})" if default and not secret
                                                        else "") + (" (a secret)" if secret else ""), rel, line)
        profile.add_env(name, None if secret else default, secret)
    serves = crate.serves()
    addresses = crate.listen_addresses() if serves else []
    # the port's env var: the one the listen address reads (unless it holds a whole address), else, with no
    # address read, the first port-like name read that isn't a service's (DATABASE_PORT)
    # in a (host, port) tuple both parts may read env vars (HOST, PORT): the port-like one is the port's
    read = next(((env, rel, line) for v, rel, line in addresses
                 if (env := v.env or next((p.env for p in v.parts or [] if p.env and is_port_name(p.env)), None)
                     or next((p.env for p in v.parts or [] if p.env), None))), None)
    listen_env = read if read and is_port_name(read[0]) else None
    chosen = listen_env
    if not read and not any(source.port_of(v) for v, _, _ in addresses):
        chosen = next(((n, rel, line) for n, _, rel, line in crate.env_reads()
                       if is_port_name(n) and n not in SYSTEM_ENV and not n.startswith(SERVICE_PREFIXES)), None)
    if chosen:
        profile.port_env = chosen[0]
        profile.note("port_env", f"the port is read from {chosen[0]}" + (
            " (in the listen address)" if chosen is listen_env else ""), chosen[1], chosen[2])
        default = profile.env_var(chosen[0]).default if profile.env_var(chosen[0]) else None
        if default and default.isdigit():
            profile.add_port(int(default), f"{chosen[0]} falls back to {default}", chosen[1], chosen[2], 0.95)
    for value, rel, line in addresses:
        host = value.parts[0].text if value.parts else (value.text.rsplit(":", 1)[0] if value.text else "")
        if host in LOCAL_HOSTS:
            address = f"{host}:{source.port_of(value)}" if source.port_of(value) else host
            profile.warnings.append(
                f"{rel}:{line}: the server listens on {address} (localhost only); it must listen on 0.0.0.0 to be "
                "reachable in a container" + (f": set {value.env}=0.0.0.0:{source.port_of(value)}"
                                               if value.env and not value.parts and source.port_of(value) else ""))
            break
    if serves and not profile.ports:
        for value, rel, line in addresses + crate.socket_addresses():
            port = source.port_of(value)
            if port:
                profile.add_port(port, "listens on " + (repr(value.text) if value.text else "a literal port")
                                 + (f" (through {value.env})" if value.env else ""), rel, line, 0.9)
                break
    if serves and not profile.ports:
        for text, rel, line in crate.literal_addresses():
            profile.add_port(int(text.rsplit(":", 1)[-1]), f"a literal listen address: {text!r}", rel, line, 0.85)
            break
    if serves and not profile.ports:
        for text, rel, line in crate.port_consts():
            profile.add_port(int(text), f"a port constant: {text}", rel, line, 0.7)
            break
    if serves and not profile.ports and rocket and rocket.get("port"):
        port, rel, line = rocket["port"]
        profile.add_port(port, f"Rocket.toml sets port = {port}", rel, line, 0.9)
    if serves and not profile.ports:
        default = next((d for f, _, d in FRAMEWORKS if f == framework and d), None)
        if default:
            profile.add_port(default, f"{framework}'s default port", None, None, 0.7)
        else:
            profile.add_port(8080, "the program serves but no port literal was found; 8080 assumed", None, None, 0.4)
    record_paths(profile, crate.paths(), _SAFE_PATH, _SYSTEM_PATHS)
    return serves


ROCKET_PROFILES = ("default", "release", "global")  # later ones win in a release build


def rocket_config(tree: SourceTree, profile: Profile) -> dict:
    """Rocket.toml's port and address for a release build: {"port": (port, file, line), "address": (...)}."""
    rel = "Rocket.toml"
    text = tree.read(rel) if tree.exists(rel) else None
    if text is None:
        return {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        profile.warnings.append(f"{rel}: not valid TOML ({exc}); Rocket's defaults assumed")
        return {}
    out: dict = {}
    for name in ROCKET_PROFILES:
        table = data.get(name)
        if not isinstance(table, dict):
            continue
        port = table.get("port")
        if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
            out["port"] = (port, rel, key_line(tree, rel, "port"))
        address = table.get("address")
        if isinstance(address, str) and _clean(address):
            out["address"] = (address, rel, key_line(tree, rel, "address"))
    return out


def rocket_listen(profile: Profile, rocket: dict) -> None:
    """Rocket listens on 127.0.0.1:8000 unless configured: ROCKET_ADDRESS (read by Rocket's figment, over
    Rocket.toml) makes it listen on all interfaces, ROCKET_PORT carries the port when the code reads none."""
    if not profile.port_env:
        profile.port_env = "ROCKET_PORT"
        profile.note("port_env", "Rocket reads its port from ROCKET_PORT", *(rocket["port"][1:] if "port" in rocket
                                                                              else (None, None)), 0.85)
        profile.add_env("ROCKET_PORT")
    address = rocket.get("address")
    if address and address[0] in ("0.0.0.0", "::", "[::]"):
        profile.note("env", f"Rocket.toml listens on {address[0]}", address[1], address[2], 0.9)
        return
    profile.add_env("ROCKET_ADDRESS", address[0] if address else "127.0.0.1")
    profile.note("env", "ROCKET_ADDRESS: Rocket listens on " + (
        f"{address[0]} (Rocket.toml)" if address else "127.0.0.1 by default") + "; set to 0.0.0.0 in the image",
                 address[1] if address else None, address[2] if address else None, 0.9)


def _choose_bin(tree: SourceTree, root: dict, packages: list[Package], profile: Profile) -> tuple[Package, dict]:
    bins = [(pkg, b) for pkg in packages for b in pkg.bins]
    if not bins:
        raise CargoError("Cargo.toml: no binary target (src/main.rs, src/bin/*.rs or [[bin]]): nothing to run; "
                         "a library can't be containerized on its own")
    default_run = packages[0].default_run if packages and packages[0].manifest == "Cargo.toml" else None
    root_name = (root.get("package") or {}).get("name") or posixpath.basename(str(tree.root))

    def serves(pkg: Package, b: dict) -> bool:
        facts = source.read_file(tree, b["path"]) if tree.exists(b["path"]) else None
        return facts is not None and source.file_serves(facts)

    def rank(item):
        pkg, b = item
        return (b["name"] != default_run, not serves(pkg, b), b["name"] not in (root_name, pkg.name),
                pkg.manifest != "Cargo.toml", b["path"] != pkg.rel("src/main.rs"), b["name"])

    ordered = sorted(bins, key=rank)
    pkg, chosen = ordered[0]
    reasons = []
    if chosen["name"] == default_run:
        reasons.append("default-run")
    if serves(pkg, chosen):
        reasons.append("it serves")
    if chosen["name"] in (root_name, pkg.name):
        reasons.append("named like the package")
    profile.note("entrypoint", f"binary {chosen['name']} ({chosen['path']})"
                 + (f": {', '.join(reasons)}" if reasons else "")
                 + (f"; {len(bins) - 1} other binary target(s)" if len(bins) > 1 else ""),
                 chosen["path"], None, 0.95 if len(bins) == 1 or reasons else 0.6)
    for p, b in ordered:
        profile.candidates.append({"entrypoint": [f"{plan.BIN_DIR}/{b['name']}"], "package": p.name,
                                   "why": "binary target" + (" that serves" if serves(p, b) else ""),
                                   "file": b["path"], "confidence": 0.9 if b is chosen else 0.5})
    return pkg, chosen


def analyze(tree: SourceTree, profile: Profile) -> None:
    if not tree.exists("Cargo.toml"):
        raise CargoError(f"{tree.root}: no Cargo.toml")
    root, packages, path_deps = load_packages(tree)
    pkg, chosen = _choose_bin(tree, root, packages, profile)
    workspace = "workspace" in root
    profile.package_manager = "cargo"
    profile.note("package_manager", "Cargo.toml" + (" (a workspace of "
                                                    f"{len(packages)} package(s))" if workspace else ""),
                 "Cargo.toml", None, 1.0)
    profile.compiled = True

    # the toolchain: rust-toolchain(.toml), else rust-version, else the edition's minimum
    version, rel, line = toolchain_version(tree)
    why = None
    if version == "":
        profile.warnings.append(f"{rel} names a channel, not a version: the image uses Rust {starter.DEFAULT_RUST} "
                                "(set --build-arg RUST_VERSION=...)")
        version = None
    if version:
        why = f"{rel} pins Rust {version}"
    if not version:
        ws_pkg = (root.get("workspace") or {}).get("package") or {}
        msrv = pkg.rust_version if isinstance(pkg.rust_version, str) else ws_pkg.get("rust-version")
        if isinstance(msrv, str) and re.fullmatch(r"\d+\.\d+(?:\.\d+)?", msrv):
            version, rel = msrv, pkg.manifest if isinstance(pkg.rust_version, str) else "Cargo.toml"
            line, why = key_line(tree, rel, "rust-version"), f"rust-version = {msrv}"
    edition = pkg.edition if isinstance(pkg.edition, str) else ((root.get("workspace") or {}).get("package") or {}).get("edition")
    if not version:
        version = starter.DEFAULT_RUST
        why = f"no rust-toolchain file or rust-version; Rust {starter.DEFAULT_RUST} assumed"
        rel = line = None
    elif edition in EDITION_MIN and tuple(map(int, version.split(".")[:2])) < tuple(map(int, EDITION_MIN[edition].split("."))):
        profile.warnings.append(f"edition {edition} needs Rust {EDITION_MIN[edition]} or newer, but {version} is asked for")
    # a toolchain file pins a release; rust-version is a minimum (dependencies often need newer): the newest
    choice = image_tags.choose("rust", version, minimum=why is not None and why.startswith("rust-version"))
    if choice.version != version:
        why += f", built with Rust {choice.version}" + (f" ({choice.note})" if choice.note else "")
    if choice.note:
        profile.warnings.append(f"{rel or 'Rust'}: {choice.note}")
    profile.runtime_version = choice.version
    profile.note("runtime_version", why + " (RUST_VERSION build argument, rust:X-bookworm builder)", rel, line,
                 0.95 if rel else 0.4)

    # dependencies, frameworks, services
    deps = pkg.dependencies()
    all_deps: dict[str, dict] = {}
    for p in packages + path_deps:
        all_deps.update(p.dependencies())
    profile.dependencies = sorted(d for d, spec in deps.items() if not spec.get("path"))
    for name in profile.dependencies:
        profile.note("dependencies", f"{name} is a dependency of {pkg.name}", pkg.manifest,
                     key_line(tree, pkg.manifest, name), 0.95)
    framework = None
    for crate, fw, _ in FRAMEWORKS:
        if crate in deps:
            framework = fw
            profile.note("framework", f"{pkg.manifest} depends on {crate}", pkg.manifest,
                         key_line(tree, pkg.manifest, crate), 0.95)
            break
    lock = parse_lock(tree)
    crates = set(lock) | set(all_deps)
    service_deps = []
    for crate in sorted(all_deps):  # direct, non-dev dependencies: a crate another one pulls in is not the app's
        client = SERVICE_CRATES.get(crate)
        if client:
            service_deps.append((client, pkg.manifest, key_line(tree, pkg.manifest, crate)))
    for crate in ("sqlx", "diesel"):
        features = [f for spec in (all_deps.get(crate) or {},) for f in spec.get("features") or []]
        for feature, client in (("postgres", "sqlx-postgres"), ("mysql", "sqlx-mysql")):
            if feature in features:
                service_deps.append((client, pkg.manifest, key_line(tree, pkg.manifest, crate)))
    add_services_from_dependencies(profile, service_deps)

    # native libraries, from the crates that link them
    build_pkgs: list[str] = []
    runtime_pkgs: list[str] = []
    # SQLite compiled into the binary: a `bundled` feature (rusqlite, libsqlite3-sys)
    bundled = any(isinstance(spec.get("features"), list) and any(str(x).startswith("bundled") for x in spec["features"])
                  for spec in all_deps.values())
    for crate, (build, runtime) in NATIVE_CRATES.items():
        if crate not in lock:
            continue
        if crate == "openssl-sys" and "openssl-src" in lock:
            profile.note("system_packages", "OpenSSL is vendored (openssl-src): nothing to install", "Cargo.lock",
                         None, 0.85)
            continue
        if crate == "libsqlite3-sys" and (bundled or "sqlx" in all_deps):
            profile.note("system_packages", "SQLite is bundled (compiled into the binary)", pkg.manifest, None, 0.8)
            continue
        build_pkgs += [b for b in build if b not in build_pkgs]
        runtime_pkgs += [r for r in runtime if r not in runtime_pkgs]
        profile.note("system_packages", f"{crate} links {', '.join(runtime)} (build: {', '.join(build)})",
                     "Cargo.lock", lock_line(tree, crate), 0.9)
    tls = any(c in crates for c in TLS_CRATES)
    if tls or any(r in runtime_pkgs for r in ("libssl3", "libpq5", "libcurl4")):
        runtime_pkgs.append("ca-certificates")

    # what the binary's code reads: its own file, its package's modules and the workspace's libraries
    other_bins = {b["path"] for p in packages for b in p.bins if b is not chosen}
    src = [f for f in tree.with_suffix(".rs")
           if f not in other_bins and not _SKIPPED.search(f)
           and not f.endswith("build.rs")]
    other_bin_dirs = tuple(posixpath.dirname(p) + "/" for p in other_bins if p.endswith("/main.rs"))
    src = [f for f in src if not f.startswith(other_bin_dirs)] if other_bin_dirs else src
    code = source.Crate(tree, src)
    rocket = rocket_config(tree, profile) if framework == "rocket" else None
    serves = read_source(code, profile, framework, rocket)
    if rocket is not None and serves:
        rocket_listen(profile, rocket)
    read_dotenv_example(tree, profile)
    if profile.port_env and profile.ports:
        profile.add_env(profile.port_env)  # its value follows the port (compose.yaml, ENV)
    profile.framework = framework or ("std::net" if serves and code.uses("TcpListener::bind") else None)
    if profile.framework == "std::net":
        profile.note("framework", "the standard library's TcpListener", confidence=0.7)
    if profile.ports and (framework in HTTP_FRAMEWORKS or code.speaks_http()):
        # a route whose last part names a health check (/api/healthcheck) before the other plain routes
        routes = code.routes()
        if not routes and code.websocket_routes and not any(
                code.uses(c) for c in ("ServeDir::new", "ServeFile::new", "Files::new", "FileServer::from")):
            # only websocket handshakes, no files served: a plain GET gets 400/426 everywhere
            path, rel, line = code.websocket_routes[0]
            profile.health_path = None
            profile.note("health_path", f"every route is a websocket handshake ({path}): a plain GET is refused, "
                         "so the health check only connects to the port", rel, line, 0.7)
        else:
            choose_health_path(profile, sorted(routes, key=lambda r: not source.health_like(r[0])))
    elif profile.ports:  # a TCP server of its own protocol (Redis, gRPC, ...): an HTTP GET can't tell
        profile.health_path = None
        profile.note("health_path", "the server speaks no HTTP that the code shows (no HTTP framework, no HTTP "
                     "status line or route): the health check only connects to the port", confidence=0.6)
    from . import connections  # how the code reaches its backing services
    connections.read_connections(code, profile, set(all_deps))
    add_services_from_connections(profile)
    warn_fixed_localhost(profile)
    link_service_env(profile)
    _unrun_migrations(tree, code, all_deps, profile)

    # files the binary reads at run time: relative to its working directory (templates/, static/, Rocket.toml)
    # or to the crate's folder, which is /src in the build stage (concat!(env!("CARGO_MANIFEST_DIR"), ...))
    assets: list[str] = []
    crate_assets: list[str] = []
    crate_dir = pkg.dir
    for name, rel, ln, manifest in code.relative_folders():
        where = posixpath.join(crate_dir, name) if manifest and crate_dir else name
        bucket = crate_assets if manifest else assets
        if where not in bucket and (tree.isdir(where) or tree.exists(where)) and _SAFE_REL.fullmatch(where) \
                and ".." not in where.split("/"):
            bucket.append(where)
            profile.note("read_paths", f"{where} is read at run time relative to " + (
                "the crate's folder (CARGO_MANIFEST_DIR, /src in the image)" if manifest else
                "the working directory"), rel, ln, 0.75)
    if "rocket_dyn_templates" in deps and tree.isdir("templates") and "templates" not in assets:
        assets.append("templates")
        profile.note("read_paths", "templates/: rocket_dyn_templates reads it at run time", pkg.manifest,
                     key_line(tree, pkg.manifest, "rocket_dyn_templates"), 0.8)
    if framework == "rocket" and tree.exists("Rocket.toml"):
        assets.append("Rocket.toml")
        profile.note("read_paths", "Rocket.toml: Rocket reads it from the working directory", "Rocket.toml", None, 0.9)

    # sqlx's query! macros connect to DATABASE_URL while compiling, unless built offline from prepared data
    sqlx_offline = False
    checked = code.macro_uses(SQLX_MACROS) if "sqlx" in all_deps else None
    if checked:
        sqlx_offline = True
        prepared = next((d for d in (".sqlx", "sqlx-data.json") + tuple(
            posixpath.join(p.dir, d) for p in packages if p.dir for d in (".sqlx", "sqlx-data.json"))
            if tree.isdir(d) or tree.exists(d)), None)
        sqlx_why = ("sqlx's query macros check SQL at compile time: built with SQLX_OFFLINE=true"
                    + (f" from {prepared}" if prepared else ""), checked[0], checked[1], 0.9)
        if not prepared:
            profile.warnings.append(
                f"{checked[0]}:{checked[1]}: sqlx's query macros check their SQL against a database while compiling; "
                "the image builds offline (SQLX_OFFLINE=true), which needs the prepared queries: run "
                "`cargo sqlx prepare` with the database up and commit .sqlx/ (sqlx-data.json before sqlx 0.7)")

    locked = tree.exists("Cargo.lock")
    if not locked:
        profile.warnings.append("no Cargo.lock: the image resolves dependencies at build time (not reproducible); "
                                "commit Cargo.lock and builds use --locked")
    binary = chosen["name"]
    cargo = ["cargo", "build", "--release"] + (["--locked"] if locked else []) + (
        ["-p", pkg.name] if workspace or len(packages) > 1 else []) + ["--bin", binary]
    profile.build_command = cargo
    profile.note("build_command", " ".join(cargo), pkg.manifest, None, 0.9)
    if sqlx_offline:
        profile.note("build_command", *sqlx_why)
    profile.entrypoint = [f"{plan.BIN_DIR}/{binary}"]
    # a Procfile process that runs the binary with other arguments (target/release/NAME worker): a worker
    add_image_procfile_workers(tree, profile, runs_binary(profile, {binary}))

    needs_shell = bool(profile.secrets)
    distroless = not needs_shell and set(runtime_pkgs) <= starter.DISTROLESS_CC
    if distroless:
        runtime_pkgs = [r for r in runtime_pkgs if r not in starter.DISTROLESS_CC]
    manifests = ["Cargo.toml"] + [p.manifest for p in packages + path_deps if p.manifest != "Cargo.toml"]
    stand_ins = sorted({t for p in packages + path_deps for t in p.targets})
    copy_dirs: dict[str, list[str]] = {}
    for m in manifests[1:]:
        copy_dirs.setdefault(posixpath.dirname(m) + "/", []).append(m)
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}
    unsafe = [p for p in manifests + stand_ins + [binary, pkg.name]
              if not _SAFE_REL.fullmatch(p) or ".." in p.split("/")]
    if unsafe:
        raise CargoError(f"{unsafe[0]!r}: a manifest or target path the Dockerfile can't copy (use plain relative "
                         "paths inside the project)")
    profile.build = plan.RustPlan(
        package=pkg.name, binary=binary, cargo=" ".join(cargo), locked=locked, manifests=manifests,
        member_manifests=manifests[1:], stand_ins=stand_ins,
        stand_in_dirs=sorted({posixpath.dirname(t) for t in stand_ins if posixpath.dirname(t)}),
        cargo_config=tree.first(".cargo/config.toml", ".cargo/config"),
        runtime="distroless" if distroless else "slim", shell=not distroless, assets=assets,
        crate_assets=crate_assets, sqlx_offline=sqlx_offline)
    profile.note("system_packages", "runtime: " + (
        "gcr.io/distroless/cc-debian12:nonroot (glibc, libgcc, OpenSSL, CA certificates; no shell)" if distroless else
        "debian:bookworm-slim with " + (", ".join(runtime_pkgs) or "no extra packages")
        + (" (a shell for the secrets entrypoint)" if needs_shell else "")), confidence=0.85)



ANALYZER = Analyzer("rust", detect, analyze, starter=lambda: starter.STARTER)


# names of the modules loaded on first use, still importable from the package
__getattr__ = forward_names(__name__, (plan, starter), (
    "BIN_DIR", "RustPlan", "DEFAULT_RUST", "DISTROLESS_CC", "NEW_EDITION", "NEW_FRAMEWORKS", "NEW_PORT",
    "STARTER"))


# macros that put a crate's migrations in the binary (it runs them itself): diesel_migrations, sqlx, refinery
MIGRATION_MACROS = {"embed_migrations", "migrate", "embed_migrations_sqlx"}


def _unrun_migrations(tree: SourceTree, code: source.Crate, deps: dict, profile: Profile) -> None:
    """diesel's or sqlx's migrations/ folder that the binary doesn't embed (``embed_migrations!``,
    ``sqlx::migrate!``): nothing in the image creates the tables, so say how to run them."""
    tool = "diesel" if "diesel" in deps else "sqlx" if "sqlx" in deps else None
    if tool is None:
        return
    steps = sorted({f.split("/")[1] for f in tree.files if f.startswith("migrations/") and f.endswith(".sql")
                    and f.count("/") <= 2})
    if not steps:
        return
    for f in code.files:
        for node in f.macros:
            name = syntax.text(node.child_by_field_name("macro")).rsplit("::", 1)[-1]
            if name in MIGRATION_MACROS:
                profile.note("migrations", f"the binary embeds its migrations ({name}!) and runs them itself",
                             f.rel, syntax.line(node), 0.8)
                return
    command = "diesel migration run" if tool == "diesel" else "sqlx migrate run"
    embed = "diesel_migrations' embed_migrations! and run_pending_migrations" if tool == "diesel" else \
        "sqlx::migrate!().run(&pool)"
    profile.warnings.append(f"migrations/ holds {len(steps)} {tool} migration(s) that nothing in the image runs: "
                            f"the tables won't exist until you run `{command}` against the database (from your "
                            f"machine, with DATABASE_URL pointing at it), or embed them with {embed} at start")
