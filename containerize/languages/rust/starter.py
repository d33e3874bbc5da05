"""A new Rust project (containerize init): defaults before the answers, then the Cargo.toml to write."""
from __future__ import annotations

import posixpath
import re

from ...profile import Profile
from ..base import Starter
from ..common import new_project_port, new_server
from .plan import BIN_DIR, RustPlan

DEFAULT_RUST = "1.90"
DISTROLESS_CC = {"libssl3", "ca-certificates"}  # what gcr.io/distroless/cc-debian12 carries besides glibc, libgcc

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
    # locked: Cargo.lock comes from the first cargo build (commit it)
    profile.build = RustPlan(package=name, binary=name, locked=True, stand_ins=["src/main.rs"],
                             stand_in_dirs=["src"], runtime="distroless", shell=False)
    _new_build_command(profile)


def _new_build_command(profile: Profile) -> None:
    b: RustPlan = profile.build
    cargo = ["cargo", "build", "--release", "--locked", "--bin", b.binary]
    b.cargo = " ".join(cargo)
    profile.build_command = cargo
    profile.evidence.pop("build_command", None)
    profile.note("build_command", "a new project: " + b.cargo + " (Cargo.lock is required)", confidence=0.5)


def _new_finish(profile: Profile) -> None:
    """After the answers: the port env var follows the port, the binary follows the start command,
    and a secret read from the environment needs a shell for compose's secrets entrypoint."""
    b: RustPlan = profile.build
    if profile.framework is not None:
        profile.framework = None if _new_framework(profile.framework) == "none" else _new_framework(profile.framework)
    new_project_port(profile)
    argv = profile.entrypoint
    if argv and argv[0].startswith(BIN_DIR + "/") and posixpath.basename(argv[0]) != b.binary:
        b.binary = posixpath.basename(argv[0])
        _new_build_command(profile)
    # a library distroless cc lacks, or a secret read from the environment: slim Debian (with CA
    # certificates, as distroless has them); else distroless cc
    runtime = [p for p in profile.system_packages.get("runtime", []) if p not in DISTROLESS_CC]
    slim = bool(profile.secrets or runtime)
    b.runtime = "slim" if slim else "distroless"
    b.shell = slim
    profile.system_packages["runtime"] = (["ca-certificates"] if slim else []) + runtime
    profile.system_packages.setdefault("build", [])
    steps = [f"Write `src/main.rs` (`fn main`); Cargo.toml (package {b.package}) is there already"
             + (f" with {', '.join(d.split(' ')[0] for d in _new_dependencies(profile))}."
                if _new_dependencies(profile) else ".")]
    steps.append("Run `cargo build` (or `cargo generate-lockfile`) once and commit `Cargo.lock`: the image "
                 "fetches exactly the crates it lists (`--locked`), before copying the code.")
    if profile.ports:
        steps.append(f"Listen on all interfaces (`0.0.0.0`) at the port in `{profile.port_env or 'PORT'}` "
                     f"(default {profile.ports[0]}), and answer `GET {profile.health_path or '/'}` for the "
                     "health check.")
    b.next_steps = steps


def _new_dependencies(profile: Profile) -> list[str]:
    return NEW_FRAMEWORKS.get(profile.framework or "none", ("", []))[1]


def _new_files(profile: Profile) -> dict[str, str]:
    """Cargo.toml: the Dockerfile copies it first (the same as `cargo init` writes, with the framework's crates)."""
    name = profile.build.package if isinstance(profile.build, RustPlan) else _new_name(profile)
    lines = ["[package]", f'name = "{name}"', 'version = "0.1.0"',
             f'edition = "{NEW_EDITION}"']
    if profile.runtime_version and profile.runtime_version != DEFAULT_RUST and re.fullmatch(
            r"\d+\.\d+(?:\.\d+)?", profile.runtime_version):
        lines.append(f'rust-version = "{profile.runtime_version}"')
    lines += ["", "[dependencies]"] + _new_dependencies(profile)
    return {"Cargo.toml": "\n".join(lines) + "\n"}


STARTER = Starter([(k, label) for k, (label, _) in NEW_FRAMEWORKS.items()], _new_defaults, _new_finish, _new_files)
