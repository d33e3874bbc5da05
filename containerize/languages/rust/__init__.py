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

from ...profile import Evidence, Profile
from ...scan import SourceTree, line_of
from ..base import Analyzer, Detection, Starter
from ...envvars import is_port_name, is_secret, read_dotenv_example
from ...services import add_services_from_dependencies, link_service_env
from ..common import choose_health_path, new_project_port, new_server

DEFAULT_RUST = "1.90"
EDITION_MIN = {"2024": "1.85", "2021": "1.56"}
BIN_DIR = "/usr/local/bin"
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
# what gcr.io/distroless/cc-debian12 carries besides glibc and libgcc
DISTROLESS_CC = {"libssl3", "ca-certificates"}
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

_SERVES = re.compile(r"\b(?:TcpListener::bind|HttpServer::new|axum::serve|Server::bind|warp::serve|rocket::build|"
                     r"#\[(?:rocket::)?launch\]|Server::http|poem::Server|tiny_http::Server)")
_ENV_READ = re.compile(r"""\b(?:std::)?env::var(?:_os)?\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)|dotenvy?::var\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)""")
_CLAP_ENV = re.compile(r"""#\[(?:arg|clap)\(([^\]]*?)\benv\s*=\s*"([A-Za-z_][A-Za-z0-9_]*)"([^\]]*)\]""")
_DEFAULT_VALUE = re.compile(r"""default_value(?:_t)?\s*=\s*"?([^",)\]]+)"?""")
_ADDR_LITERAL = re.compile(r'''"(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|::|\[::1\])?:(\d{2,5})"''')
_BIND_TUPLE = re.compile(r'''bind\(\s*\(\s*"[\w.:\[\]]+"\s*,\s*(\d{2,5})\s*\)''')
_SOCKADDR = re.compile(r"""SocketAddr(?:V4)?::(?:from|new)\(\s*\(?\s*(?:\[[\d,\s]+\]|Ipv4Addr::\w+|\[0;\s*\d+\])\s*,\s*(\d{2,5})\s*\)""")
_PORT_CONST = re.compile(r"""\b(?:const|static|let)\s+(?:mut\s+)?\w*PORT\w*\s*(?::\s*[\w&']+\s*)?=\s*"?(\d{2,5})"?""", re.I)
_ROUTE = re.compile(r'''(?:\.route\(\s*|#\[(?:get|head|route)\(\s*|web::resource\(\s*|\.at\(\s*|"GET\s+|\(\s*"GET"\s*,\s*|Method::GET\s*,\s*)"?(/[\w/.{}:*-]*)''')
_WRITE = re.compile(r'''(?:fs::create_dir(?:_all)?\(\s*"(/[\w.@/-]+)"|File::create\(\s*"(/[\w.@/-]+)"|fs::write\(\s*"(/[\w.@/-]+)"|\.create\(true\)[^;]{0,200}?\.open\(\s*"(/[\w.@/-]+)")''')
_READ = re.compile(r'''(?:fs::read_to_string\(\s*"(/[\w.@/-]+)"|fs::read\(\s*"(/[\w.@/-]+)"|File::open\(\s*"(/[\w.@/-]+)")''')
_SYSTEM_PATHS = ("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/", "/var/run", "/run/", "/bin/")


class CargoError(ValueError):
    pass


def _toml(tree: SourceTree, rel: str) -> dict:
    text = tree.read(rel)
    if text is None:
        raise CargoError(f"{rel}: can't read it")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CargoError(f"{rel}: not valid TOML ({exc})") from None


def _line(tree: SourceTree, rel: str, pattern: str) -> int | None:
    text = tree.read(rel) or ""
    m = re.search(pattern, text, re.M)
    return line_of(text, m.start()) if m else None


class Package:
    """One Cargo package: its manifest, name and binary targets."""

    def __init__(self, tree: SourceTree, manifest: str, data: dict):
        self.manifest = manifest
        self.dir = posixpath.dirname(manifest)
        self.data = data
        pkg = data.get("package") or {}
        self.name = pkg.get("name") or posixpath.basename(self.dir) or "app"
        self.default_run = pkg.get("default-run")
        self.edition = pkg.get("edition")
        self.rust_version = pkg.get("rust-version")
        self.bins: list[dict] = []  # {"name", "path"}
        self.targets: list[str] = []  # every target source cargo needs to see (for the fetch stand-ins)
        self._targets(tree, pkg)

    def rel(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.dir, path)) if self.dir else posixpath.normpath(path)

    def _targets(self, tree: SourceTree, pkg: dict) -> None:
        autobins = pkg.get("autobins", True)
        explicit = self.data.get("bin") or []
        if not isinstance(explicit, list):
            raise CargoError(f"{self.manifest}: [bin] must be an array of tables ([[bin]])")
        found: dict[str, str] = {}
        if autobins:
            if tree.exists(self.rel("src/main.rs")):
                found[self.name] = self.rel("src/main.rs")
            for f in tree.glob(self.rel("src/bin") + "/*"):
                sub = f[len(self.rel("src/bin")) + 1:]
                if re.fullmatch(r"[\w-]+\.rs", sub):
                    found.setdefault(sub[:-3], f)
                elif re.fullmatch(r"[\w-]+/main\.rs", sub):
                    found.setdefault(sub.split("/")[0], f)
        for entry in explicit:
            name = entry.get("name")
            if not name:
                raise CargoError(f"{self.manifest}: a [[bin]] without a name")
            path = entry.get("path")
            if path:
                path = self.rel(path)
            elif name == self.name and tree.exists(self.rel("src/main.rs")):
                path = self.rel("src/main.rs")
            else:
                path = next((p for p in (self.rel(f"src/bin/{name}.rs"), self.rel(f"src/bin/{name}/main.rs"))
                             if tree.exists(p)), self.rel(f"src/bin/{name}.rs"))
            found[name] = path
        self.bins = [{"name": n, "path": p} for n, p in found.items()]
        lib = self.data.get("lib") or {}
        lib_path = self.rel(lib["path"]) if lib.get("path") else self.rel("src/lib.rs")
        targets = [p for p in found.values()]
        if tree.exists(lib_path) or lib.get("path"):
            targets.append(lib_path)
        for kind in ("example", "test", "bench"):
            for entry in self.data.get(kind) or []:
                if isinstance(entry, dict) and entry.get("path"):
                    targets.append(self.rel(entry["path"]))
        build = pkg.get("build")
        if isinstance(build, str):
            targets.append(self.rel(build))
        if not targets:  # cargo needs one target to read the manifest
            targets.append(self.rel("src/lib.rs"))
        self.targets = list(dict.fromkeys(targets))

    def dependencies(self) -> dict[str, dict]:
        """Every dependency table of the manifest (incl. target-specific ones): crate -> spec."""
        deps: dict[str, dict] = {}
        tables = [self.data.get(k) or {} for k in ("dependencies", "build-dependencies")]
        for target in (self.data.get("target") or {}).values():
            if isinstance(target, dict):
                tables += [target.get(k) or {} for k in ("dependencies", "build-dependencies")]
        for table in tables:
            for name, spec in table.items():
                spec = spec if isinstance(spec, dict) else {"version": spec}
                deps[spec.get("package", name)] = spec
        return deps


def _members(tree: SourceTree, data: dict) -> list[str]:
    """Manifests of the workspace members (globs expanded), root excluded."""
    ws = data.get("workspace") or {}
    excluded = {posixpath.normpath(e) for e in ws.get("exclude") or []}
    found = []
    for pattern in ws.get("members") or []:
        pattern = posixpath.normpath(pattern)
        depth = pattern.count("/") + 1
        for manifest in tree.glob(pattern + "/Cargo.toml"):
            d = posixpath.dirname(manifest)
            if d.count("/") + 1 == depth and d not in excluded and manifest not in found:
                found.append(manifest)
    return found


def load_packages(tree: SourceTree) -> tuple[dict, list[Package], list[Package]]:
    """(root manifest data, packages, manifests of path dependencies outside the workspace)."""
    root = _toml(tree, "Cargo.toml")
    if "package" not in root and "workspace" not in root:
        raise CargoError("Cargo.toml: neither [package] nor [workspace]")
    packages = []
    if "package" in root:
        packages.append(Package(tree, "Cargo.toml", root))
    for manifest in _members(tree, root):
        packages.append(Package(tree, manifest, _toml(tree, manifest)))
    if "workspace" in root and not packages:
        raise CargoError("Cargo.toml: a workspace whose members have no Cargo.toml")
    # path dependencies inside the tree that aren't members: the fetch step needs their manifests too
    seen = {p.manifest for p in packages}
    queue = list(packages)
    extra: list[Package] = []
    while queue:
        pkg = queue.pop()
        for spec in pkg.dependencies().values():
            path = spec.get("path")
            if not path:
                continue
            manifest = posixpath.normpath(posixpath.join(pkg.dir, path, "Cargo.toml")) if pkg.dir else \
                posixpath.normpath(posixpath.join(path, "Cargo.toml"))
            if manifest in seen or manifest.startswith("..") or not tree.exists(manifest):
                continue
            seen.add(manifest)
            dep = Package(tree, manifest, _toml(tree, manifest))
            extra.append(dep)
            queue.append(dep)
    return root, packages, extra


def parse_lock(tree: SourceTree) -> dict[str, list[str]]:
    """Crate name -> versions, from Cargo.lock."""
    if not tree.exists("Cargo.lock"):
        return {}
    data = _toml(tree, "Cargo.lock")
    crates: dict[str, list[str]] = {}
    for entry in data.get("package") or []:
        if not isinstance(entry, dict) or "name" not in entry:
            raise CargoError("Cargo.lock: a [[package]] without a name")
        crates.setdefault(entry["name"], []).append(str(entry.get("version", "")))
    return crates


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


def _toolchain_version(tree: SourceTree) -> tuple[str | None, str | None, int | None]:
    """(version, file, line) from rust-toolchain.toml / rust-toolchain; "" for a named channel."""
    for rel in ("rust-toolchain.toml", "rust-toolchain"):
        text = tree.read(rel)
        if text is None:
            continue
        channel = None
        if "[toolchain]" in text:
            try:
                channel = (tomllib.loads(text).get("toolchain") or {}).get("channel")
            except tomllib.TOMLDecodeError as exc:
                raise CargoError(f"{rel}: not valid TOML ({exc})") from None
        else:
            channel = text.strip().splitlines()[0].strip() if text.strip() else None
        if not channel:
            continue
        line = _line(tree, rel, r"channel|^\S")
        m = re.fullmatch(r"(\d+\.\d+(?:\.\d+)?)", str(channel).strip())
        return (m.group(1) if m else ""), rel, line
    return None, None, None


def _fallback(text: str, end: int) -> str | None:
    """The literal an env read falls back to: `.unwrap_or("8080")`, `.unwrap_or_else(|_| "8080".into())`, ..."""
    tail = text[end: end + 240].split(";", 1)[0]
    at = tail.find("unwrap_or")
    if at < 0:
        return None
    m = re.search(r'"([^"\n]*)"|\b(\d+)\b', tail[at:])
    return (m.group(1) if m.group(1) is not None else m.group(2)) if m else None


def read_source(tree: SourceTree, files: list[str], profile: Profile, framework: str | None) -> bool:
    seen: set[str] = set()
    for rel in files:
        text = tree.read(rel) or ""
        hits = [(m.group(1) or m.group(2), _fallback(text, m.end()), m.start()) for m in _ENV_READ.finditer(text)]
        for m in _CLAP_ENV.finditer(text):
            d = _DEFAULT_VALUE.search(m.group(1) + m.group(3))
            hits.append((m.group(2), d.group(1).strip() if d else None, m.start()))
        for name, default, pos in hits:
            if name in SYSTEM_ENV:
                continue
            secret = is_secret(name, default)
            if name not in seen:
                seen.add(name)
                profile.note("env", f"{name}: env::var" + (f" (falls back to {default!r})" if default and not secret
                                                            else "") + (" (a secret)" if secret else ""),
                             rel, line_of(text, pos))
            profile.add_env(name, None if secret else default, secret)
            if is_port_name(name) and not profile.port_env:
                profile.port_env = name
                profile.note("port_env", f"the port is read from {name}", rel, line_of(text, pos))
                if default and default.isdigit():
                    profile.add_port(int(default), f"{name} falls back to {default}", rel, line_of(text, pos), 0.95)
    serves = bool(tree.grep(_SERVES, files))
    if serves and not profile.ports:
        for rx, why, confidence in ((_BIND_TUPLE, "binds a literal port", 0.9), (_SOCKADDR, "a literal socket address", 0.9),
                                    (_ADDR_LITERAL, "a literal listen address", 0.85), (_PORT_CONST, "a port constant", 0.7)):
            for rel, line, m in tree.grep(rx, files):
                profile.add_port(int(m.group(1)), f"{why}: {m.group(0).strip()}", rel, line, confidence)
                break
            if profile.ports:
                break
    if serves and not profile.ports:
        default = next((d for f, _, d in FRAMEWORKS if f == framework and d), None)
        if default:
            profile.add_port(default, f"{framework}'s default port", None, None, 0.7)
        else:
            profile.add_port(8080, "the program serves but no port literal was found; 8080 assumed", None, None, 0.4)
    for rel, line, m in tree.grep(_WRITE, files):
        path = next(g for g in m.groups() if g)
        folder = path if m.group(1) else posixpath.dirname(path)
        if folder and folder != "/" and not path.startswith(_SYSTEM_PATHS) and folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the program writes under {folder}", rel, line, 0.75)
    for rel, line, m in tree.grep(_READ, files):
        path = next(g for g in m.groups() if g)
        if path.startswith(_SYSTEM_PATHS) or path in profile.read_paths or any(
                path.startswith(w.rstrip("/") + "/") for w in profile.writable_paths):
            continue
        profile.read_paths.append(path)
        profile.note("read_paths", f"the program reads {path}", rel, line, 0.7)
    return serves


def _choose_bin(tree: SourceTree, root: dict, packages: list[Package], profile: Profile) -> tuple[Package, dict]:
    bins = [(pkg, b) for pkg in packages for b in pkg.bins]
    if not bins:
        raise CargoError("Cargo.toml: no binary target (src/main.rs, src/bin/*.rs or [[bin]]): nothing to run; "
                         "a library can't be containerized on its own")
    default_run = packages[0].default_run if packages and packages[0].manifest == "Cargo.toml" else None
    root_name = (root.get("package") or {}).get("name") or posixpath.basename(str(tree.root))

    def serves(pkg: Package, b: dict) -> bool:
        return bool(tree.grep(_SERVES, [b["path"]]))

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
        profile.candidates.append({"entrypoint": [f"{BIN_DIR}/{b['name']}"], "package": p.name,
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
    version, rel, line = _toolchain_version(tree)
    why = None
    if version == "":
        profile.warnings.append(f"{rel} names a channel, not a version: the image uses Rust {DEFAULT_RUST} "
                                "(set --build-arg RUST_VERSION=...)")
        version = None
    if version:
        why = f"{rel} pins Rust {version}"
    if not version:
        ws_pkg = (root.get("workspace") or {}).get("package") or {}
        msrv = pkg.rust_version if isinstance(pkg.rust_version, str) else ws_pkg.get("rust-version")
        if isinstance(msrv, str) and re.fullmatch(r"\d+\.\d+(?:\.\d+)?", msrv):
            version, rel = msrv, pkg.manifest if isinstance(pkg.rust_version, str) else "Cargo.toml"
            line, why = _line(tree, rel, r"^\s*rust-version"), f"rust-version = {msrv}"
    edition = pkg.edition if isinstance(pkg.edition, str) else ((root.get("workspace") or {}).get("package") or {}).get("edition")
    if not version:
        version = DEFAULT_RUST
        why = f"no rust-toolchain file or rust-version; Rust {DEFAULT_RUST} assumed"
        rel = line = None
    elif edition in EDITION_MIN and tuple(map(int, version.split(".")[:2])) < tuple(map(int, EDITION_MIN[edition].split("."))):
        profile.warnings.append(f"edition {edition} needs Rust {EDITION_MIN[edition]} or newer, but {version} is asked for")
    profile.runtime_version = version
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
                     _line(tree, pkg.manifest, rf"^\s*{re.escape(name)}\s*="), 0.95)
    framework = None
    for crate, fw, _ in FRAMEWORKS:
        if crate in deps:
            framework = fw
            profile.note("framework", f"{pkg.manifest} depends on {crate}", pkg.manifest,
                         _line(tree, pkg.manifest, rf"^\s*{re.escape(crate)}\s*="), 0.95)
            break
    lock = parse_lock(tree)
    crates = set(lock) | set(all_deps)
    service_deps = []
    for crate in sorted(crates):
        client = SERVICE_CRATES.get(crate)
        if client:
            service_deps.append((client, "Cargo.lock" if crate in lock else pkg.manifest, None))
    for crate in ("sqlx", "diesel"):
        features = [f for spec in (all_deps.get(crate) or {},) for f in spec.get("features") or []]
        for feature, client in (("postgres", "sqlx-postgres"), ("mysql", "sqlx-mysql")):
            if feature in features:
                service_deps.append((client, pkg.manifest, _line(tree, pkg.manifest, rf"^\s*{crate}\s*=")))
    add_services_from_dependencies(profile, service_deps)

    # native libraries, from the crates that link them
    build_pkgs: list[str] = []
    runtime_pkgs: list[str] = []
    manifests_text = "\n".join(tree.read(p.manifest) or "" for p in packages + path_deps)
    for crate, (build, runtime) in NATIVE_CRATES.items():
        if crate not in lock:
            continue
        if crate == "openssl-sys" and "openssl-src" in lock:
            profile.note("system_packages", "OpenSSL is vendored (openssl-src): nothing to install", "Cargo.lock",
                         None, 0.85)
            continue
        if crate == "libsqlite3-sys" and re.search(r"\bbundled\b", manifests_text) or crate == "libsqlite3-sys" and "sqlx" in all_deps:
            profile.note("system_packages", "SQLite is bundled (compiled into the binary)", pkg.manifest, None, 0.8)
            continue
        build_pkgs += [b for b in build if b not in build_pkgs]
        runtime_pkgs += [r for r in runtime if r not in runtime_pkgs]
        profile.note("system_packages", f"{crate} links {', '.join(runtime)} (build: {', '.join(build)})",
                     "Cargo.lock", _line(tree, "Cargo.lock", rf'^name = "{re.escape(crate)}"'), 0.9)
    tls = any(c in crates for c in TLS_CRATES)
    if tls or any(r in runtime_pkgs for r in ("libssl3", "libpq5", "libcurl4")):
        runtime_pkgs.append("ca-certificates")

    # what the binary's code reads: its own file, its package's modules and the workspace's libraries
    other_bins = {b["path"] for p in packages for b in p.bins if b is not chosen}
    src = [f for f in tree.with_suffix(".rs")
           if f not in other_bins and not re.search(r"(^|/)(tests|benches|examples|target)/", f)
           and not f.endswith("build.rs")]
    other_bin_dirs = tuple(posixpath.dirname(p) + "/" for p in other_bins if p.endswith("/main.rs"))
    src = [f for f in src if not f.startswith(other_bin_dirs)] if other_bin_dirs else src
    serves = read_source(tree, src, profile, framework)
    read_dotenv_example(tree, profile)
    if profile.port_env and profile.ports:
        profile.add_env(profile.port_env, str(profile.ports[0])).default = str(profile.ports[0])
    profile.framework = framework or ("std::net" if serves and tree.grep(r"TcpListener::bind", src) else None)
    if profile.framework == "std::net":
        profile.note("framework", "the standard library's TcpListener", confidence=0.7)
    if profile.ports:
        choose_health_path(profile, [(m.group(1), rel, ln) for rel, ln, m in tree.grep(_ROUTE, src)])
    link_service_env(profile)

    locked = tree.exists("Cargo.lock")
    if not locked:
        profile.warnings.append("no Cargo.lock: the image resolves dependencies at build time (not reproducible); "
                                "commit Cargo.lock and builds use --locked")
    binary = chosen["name"]
    cargo = ["cargo", "build", "--release"] + (["--locked"] if locked else []) + (
        ["-p", pkg.name] if workspace or len(packages) > 1 else []) + ["--bin", binary]
    profile.build_command = cargo
    profile.note("build_command", " ".join(cargo), pkg.manifest, None, 0.9)
    profile.entrypoint = [f"{BIN_DIR}/{binary}"]

    needs_shell = bool(profile.secrets)
    distroless = not needs_shell and set(runtime_pkgs) <= DISTROLESS_CC
    if distroless:
        runtime_pkgs = [r for r in runtime_pkgs if r not in DISTROLESS_CC]
    manifests = ["Cargo.toml"] + [p.manifest for p in packages + path_deps if p.manifest != "Cargo.toml"]
    stand_ins = sorted({t for p in packages + path_deps for t in p.targets})
    copy_dirs: dict[str, list[str]] = {}
    for m in manifests[1:]:
        copy_dirs.setdefault(posixpath.dirname(m) + "/", []).append(m)
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}
    profile.build = {
        "package": pkg.name,
        "binary": binary,
        "bin_dir": BIN_DIR,
        "cargo": " ".join(cargo),
        "locked": locked,
        "manifests": manifests,
        "member_manifests": manifests[1:],
        "stand_ins": stand_ins,
        "stand_in_dirs": sorted({posixpath.dirname(t) for t in stand_ins if posixpath.dirname(t)}),
        "cargo_config": tree.first(".cargo/config.toml", ".cargo/config"),
        "runtime": "distroless" if distroless else "slim",
        "shell": not distroless,
    }
    profile.note("system_packages", "runtime: " + (
        "gcr.io/distroless/cc-debian12:nonroot (glibc, libgcc, OpenSSL, CA certificates; no shell)" if distroless else
        "debian:bookworm-slim with " + (", ".join(runtime_pkgs) or "no extra packages")
        + (" (a shell for the secrets entrypoint)" if needs_shell else "")), confidence=0.85)


# -- a new project (containerize init) ----------------------------------------------
NEW_EDITION = "2021"  # every Rust from 1.56 on builds it
NEW_PORT = 8080
# framework -> (label, Cargo.toml dependency lines)
NEW_FRAMEWORKS = {
    "axum": ("axum (on tokio)", ['axum = "0.8"',
                                 'tokio = { version = "1", features = ["macros", "rt-multi-thread", "net"] }']),
    "actix-web": ("actix-web", ['actix-web = "4"']),
    "std::net": ("std::net: a server on the standard library only (no dependencies)", []),
    "none": ("none: a command-line program, worker or batch job", []),
}
NEW_ALIASES = {"std": "std::net", "actix": "actix-web", "": "none"}


def _new_name(profile: Profile) -> str:
    """The package and binary name of a new project: its folder's name, as cargo accepts it."""
    name = re.sub(r"[^a-z0-9_]+", "-", posixpath.basename(str(profile.root)).lower()).strip("-_")
    return ("app-" + name if name[:1].isdigit() else name) or "app"


def _new_framework(framework: str | None) -> str:
    framework = NEW_ALIASES.get(framework, framework) if framework is not None else "axum"
    return framework if framework in NEW_FRAMEWORKS else "axum"


def _new_defaults(profile: Profile, framework: str | None) -> None:
    framework = _new_framework(framework)
    name = _new_name(profile)
    profile.framework = None if framework == "none" else framework
    profile.package_manager = "cargo"
    profile.note("package_manager", f"a new project: the Cargo.toml written for it (package {name})",
                 confidence=0.5)
    profile.runtime_version = DEFAULT_RUST
    profile.note("runtime_version", f"a new project: the current stable Rust {DEFAULT_RUST} (RUST_VERSION build "
                 "argument)", confidence=0.5)
    profile.compiled = True
    profile.entrypoint = [f"{BIN_DIR}/{name}"]
    profile.note("entrypoint", f"a new project: the binary built from src/main.rs (package {name})", confidence=0.5)
    if framework != "none":
        new_server(profile, NEW_PORT)
    profile.build = {
        "package": name,
        "binary": name,
        "bin_dir": BIN_DIR,
        "locked": True,  # Cargo.lock comes from the first cargo build (commit it)
        "manifests": ["Cargo.toml"],
        "member_manifests": [],
        "stand_ins": ["src/main.rs"],
        "stand_in_dirs": ["src"],
        "cargo_config": None,
        "runtime": "distroless",
        "shell": False,
    }
    _new_build_command(profile)


def _new_build_command(profile: Profile) -> None:
    b = profile.build
    cargo = ["cargo", "build", "--release", "--locked", "--bin", b["binary"]]
    b["cargo"] = " ".join(cargo)
    profile.build_command = cargo
    profile.evidence.pop("build_command", None)
    profile.note("build_command", "a new project: " + b["cargo"] + " (Cargo.lock is required)", confidence=0.5)


def _new_finish(profile: Profile) -> None:
    """After the answers: the port env var follows the port, the binary follows the start command,
    and a secret read from the environment needs a shell for compose's secrets entrypoint."""
    b = profile.build
    if profile.framework is not None:
        profile.framework = None if _new_framework(profile.framework) == "none" else _new_framework(profile.framework)
    new_project_port(profile)
    argv = profile.entrypoint
    if argv and argv[0].startswith(BIN_DIR + "/") and posixpath.basename(argv[0]) != b["binary"]:
        b["binary"] = posixpath.basename(argv[0])
        _new_build_command(profile)
    # a library distroless cc lacks, or a secret read from the environment: slim Debian (with CA
    # certificates, as distroless has them); else distroless cc
    runtime = [p for p in profile.system_packages.get("runtime", []) if p not in DISTROLESS_CC]
    slim = bool(profile.secrets or runtime)
    b["runtime"] = "slim" if slim else "distroless"
    b["shell"] = slim
    profile.system_packages["runtime"] = (["ca-certificates"] if slim else []) + runtime
    profile.system_packages.setdefault("build", [])
    steps = [f"Write `src/main.rs` (`fn main`); Cargo.toml (package {b['package']}) is there already"
             + (f" with {', '.join(d.split(' ')[0] for d in _new_dependencies(profile))}."
                if _new_dependencies(profile) else ".")]
    steps.append("Run `cargo build` (or `cargo generate-lockfile`) once and commit `Cargo.lock`: the image "
                 "fetches exactly the crates it lists (`--locked`), before copying the code.")
    if profile.ports:
        steps.append(f"Listen on all interfaces (`0.0.0.0`) at the port in `{profile.port_env or 'PORT'}` "
                     f"(default {profile.ports[0]}), and answer `GET {profile.health_path or '/'}` for the "
                     "health check.")
    b["next_steps"] = steps


def _new_dependencies(profile: Profile) -> list[str]:
    return NEW_FRAMEWORKS.get(profile.framework or "none", ("", []))[1]


def _new_files(profile: Profile) -> dict[str, str]:
    """Cargo.toml: the Dockerfile copies it first (the same as `cargo init` writes, with the framework's crates)."""
    lines = ["[package]", f'name = "{profile.build.get("package") or _new_name(profile)}"', 'version = "0.1.0"',
             f'edition = "{NEW_EDITION}"']
    if profile.runtime_version and profile.runtime_version != DEFAULT_RUST and re.fullmatch(
            r"\d+\.\d+(?:\.\d+)?", profile.runtime_version):
        lines.append(f'rust-version = "{profile.runtime_version}"')
    lines += ["", "[dependencies]"] + _new_dependencies(profile)
    return {"Cargo.toml": "\n".join(lines) + "\n"}


STARTER = Starter([(k, label) for k, (label, _) in NEW_FRAMEWORKS.items()], _new_defaults, _new_finish, _new_files)

ANALYZER = Analyzer("rust", detect, analyze, starter=STARTER)
