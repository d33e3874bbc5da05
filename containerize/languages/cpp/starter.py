"""A new C/C++ project (containerize init): CMake, Make or Meson, and the binary it builds."""
from __future__ import annotations

import posixpath
import re

from ...checklist import DETECTED, AnalysisError, origin_of
from ...profile import Profile
from ..base import Starter
from .build import BIN_DIR, DISTROLESS_CC, LIBRARIES, build_steps
from .plan import CppPlan

# build system -> (its Debian packages, what the person writes so the image builds NAME)
NEW_SYSTEMS = {
    "cmake": (["cmake"], "`CMakeLists.txt` with `add_executable({name} ...)`"),
    "make": ([], "`Makefile` with a `{name}` target that links `./{name}` (`make {name}` builds it)"),
    "meson": (["meson", "ninja-build", "pkg-config"], "`meson.build` with `executable('{name}', ...)`"),
}
# a backing service -> the C client library the app will link (a LIBRARIES key)
NEW_SERVICE_LIBRARIES = {"postgres": "libpq", "redis": "hiredis", "mysql": "libmariadb"}


def _answered(profile: Profile, key: str) -> bool:
    """True when an answer (--set, saved, asked) set ``key``, not the new project's defaults."""
    return origin_of(profile, key) != DETECTED


def _new_defaults(profile: Profile, framework: str | None) -> None:
    system = framework if framework in NEW_SYSTEMS else "cmake"
    profile.framework = None
    profile.package_manager = system
    profile.note("package_manager", f"a new project: {system} builds it", confidence=0.5)
    profile.runtime_version = "gcc-12"
    profile.note("runtime_version", "Debian bookworm's GCC 12 toolchain (the build image's release)", confidence=0.5)
    profile.compiled = True
    name = re.sub(r"[^a-z0-9]+", "-", posixpath.basename(profile.root.rstrip("/")).lower()).strip("-") or "app"
    profile.entrypoint = [f"{BIN_DIR}/{name}"]
    profile.note("entrypoint", f"a new project: the executable {name}, named after its folder", confidence=0.5)
    profile.system_packages = {"build": ["build-essential", *NEW_SYSTEMS[system][0]], "runtime": []}
    profile.build = CppPlan(system=system)


def _new_finish(profile: Profile) -> None:
    """The build follows the answers: build system, start command (the binary), port, services."""
    if profile.framework in NEW_SYSTEMS:  # the build system was given as the framework
        if not _answered(profile, "package_manager"):
            profile.package_manager = profile.framework
        profile.framework = None
    system = profile.package_manager or "cmake"
    if system not in NEW_SYSTEMS:
        raise AnalysisError(f"package_manager={system}: a new C/C++ project is built with "
                            f"{', '.join(NEW_SYSTEMS)}")
    if not profile.entrypoint:
        raise AnalysisError("entrypoint: the command that starts the program, e.g. /usr/local/bin/server")
    if profile.runtime_version != "gcc-12":
        profile.warnings.append(f"runtime_version={profile.runtime_version}: the image builds with Debian "
                                "bookworm's toolchain (GCC 12); set the C/C++ standard in the build files")
    program = profile.entrypoint[0]
    binary = posixpath.basename(program)
    if not re.match(r"^[\w.+-]+$", binary):
        raise AnalysisError(f"entrypoint: {program!r} is not a program file name the build can make")
    bin_dir = posixpath.dirname(program) if program.startswith("/") else BIN_DIR
    packages = profile.system_packages
    packages["build"] = list(dict.fromkeys(["build-essential", *NEW_SYSTEMS[system][0], *packages.get("build", [])]))
    packages.setdefault("runtime", [])
    for service in profile.services:
        lib = NEW_SERVICE_LIBRARIES.get(service.kind)
        if not lib:
            continue
        dev, run, _svc = LIBRARIES[lib]
        for stage, package in (("build", dev), ("runtime", run)):
            if package and package not in packages[stage]:
                packages[stage].append(package)
        profile.note("system_packages", f"{service.kind}: the app links {lib} ({dev}, {run})", confidence=0.5)
    if profile.ports and not profile.port_env and not _answered(profile, "port_env"):
        profile.port_env = "PORT"
        profile.note("port_env", "a new server: it listens on the port in PORT", confidence=0.5)
    if profile.ports and profile.port_env:
        profile.add_env(profile.port_env).default = str(profile.ports[0])
    if profile.ports and not profile.health_path:
        profile.health_path = "/"
        profile.note("health_path", "a new server: probing / (any answer below 500 is healthy)", confidence=0.5)
    build, locate, build_cmd = build_steps(system, binary, binary)
    profile.build_command = build_cmd
    distroless = (set(packages["runtime"]) <= DISTROLESS_CC and not profile.secrets
                  and not profile.writable_paths)
    profile.build = CppPlan(system=system, cxx=True, target=binary, binary=binary, build=build, locate=locate,
                            runtime="distroless" if distroless else "slim", shell=not distroless, bin_dir=bin_dir,
                            next_steps=_new_steps(profile, system, binary, bin_dir))


def _new_steps(profile: Profile, system: str, binary: str, bin_dir: str) -> list[str]:
    """What the person writes before the first build (README.Docker.md lists it)."""
    steps = [NEW_SYSTEMS[system][1].format(name=binary) + f": the image runs it as `{bin_dir}/{binary}`",
             "the C or C++ sources it builds; libraries other than the C/C++ standard ones need their Debian "
             "packages: `--set system_packages.build=libfoo-dev --set system_packages.runtime=libfoo1`"]
    if profile.ports:
        port = profile.ports[0]
        steps.append(f"the server listens on the port in the `{profile.port_env}` env var ({port} in the image)"
                     if profile.port_env else f"the server listens on port {port}")
    return steps


STARTER = Starter(
    [("cmake", "CMake (C or C++)"), ("make", "Make (C or C++)"), ("meson", "Meson (C or C++)")],
    _new_defaults, _new_finish)
