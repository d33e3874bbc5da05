"""The Rust build plan: what templates/Dockerfile.j2 reads as ``b.<field>``."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan

BIN_DIR = "/usr/local/bin"


@dataclass
class RustPlan(BuildPlan):
    package: str = "app"
    binary: str = "app"
    bin_dir: str = BIN_DIR
    cargo: str = ""  # the cargo build command line
    locked: bool = True  # Cargo.lock is there: --locked
    manifests: list[str] = field(default_factory=lambda: ["Cargo.toml"])
    member_manifests: list[str] = field(default_factory=list)  # workspace members and path dependencies
    stand_ins: list[str] = field(default_factory=list)  # empty target sources for `cargo fetch`
    stand_in_dirs: list[str] = field(default_factory=list)
    cargo_config: str | None = None  # .cargo/config.toml, copied before the fetch
    runtime: str = "distroless"  # "distroless" (cc) or "slim"
    workdir: str = "/app"  # the runtime's working directory, when it holds files the program reads
    assets: list[str] = field(default_factory=list)  # folders/files read relative to the working directory
    crate_assets: list[str] = field(default_factory=list)  # ... relative to CARGO_MANIFEST_DIR (/src at build)
    sqlx_offline: bool = False  # sqlx's query! macros: built with SQLX_OFFLINE=true from .sqlx/ (sqlx-data.json)
