"""The Go build plan: what templates/Dockerfile.j2 reads as ``b.<field>``."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan

BIN_DIR = "/usr/local/bin"
WORKDIR = "/app"  # the working directory of a binary that reads files relative to it
STATE_DIR = "/var/lib/app"  # the volume for files it writes at the top of its working directory


@dataclass
class GoPlan(BuildPlan):
    module: str = "app"
    package: str = "."  # the main package `go build` builds (./cmd/<name> or .)
    binary: str = "app"
    bin_dir: str = BIN_DIR
    cgo: bool = False
    ldflags: str = '-ldflags="-s -w"'
    manifests: list[str] = field(default_factory=lambda: ["go.mod"])  # copied before `go mod download`
    replace_dirs: list[str] = field(default_factory=list)  # local `replace` targets, copied with them
    vendored: bool = False
    mod_init: bool = False  # no go.mod: `go mod init <module>` in the build stage (standard library only)
    gowork: bool = False
    # "slim" (debian, a shell), "distroless-base" (glibc for cgo) or "distroless-static"
    runtime: str = "distroless-static"
    assets: list[str] = field(default_factory=list)  # folders read relative to the working directory
    workdir: str = WORKDIR
    chdir: bool = False  # it writes paths relative to its working directory: WORKDIR even without assets
    # files it writes at the top of its working directory (realworld.db): kept in STATE_DIR (a volume) and
    # linked from their path
    state_files: list[str] = field(default_factory=list)
    state_dir: str = STATE_DIR
    # other commands of the module that run beside the app as workers: (binary, package), built in the same step
    worker_binaries: list[tuple[str, str]] = field(default_factory=list)
