"""What the C/C++ Dockerfile template reads (``b.<field>``)."""
from __future__ import annotations

from dataclasses import dataclass

from ...plan import BuildPlan


@dataclass
class CppPlan(BuildPlan):
    system: str = "cmake"  # cmake, make or meson
    cxx: bool = True  # C++ (else C): the template names the toolchain
    target: str = ""  # the build system's target
    binary: str = ""  # the executable's file name
    build: str = ""  # the build stage's shell command
    locate: str = ""  # the `find` that prints the built binary's path
    runtime: str = "slim"  # "distroless" (gcr.io/distroless/cc) or "slim" (debian:bookworm-slim)
    bin_dir: str = "/usr/local/bin"
    workdir: str = "/src"
