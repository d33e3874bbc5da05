"""C and C++: CMake, Make and Meson projects that build an executable.

The build stage compiles with Debian's toolchain and the -dev packages of the
libraries the build files name (find_package, target_link_libraries, -lfoo,
dependency()); the runtime gets only the matching shared-library packages, and
the build checks with ``ldd`` that the binary finds every library it links.

build.py reads the build files, source.py the sources (tree-sitter), plan.py is
what the Dockerfile template reads, starter.py a new project.
"""
from __future__ import annotations

import posixpath
import re

from ...profile import Evidence, Profile
from ...scan import SourceTree
from ...envvars import read_dotenv_example
from ...services import add_services_from_dependencies, link_service_env
from ..base import Analyzer, Detection, forward_names, submodules
from ..common import choose_health_path
from . import build as buildfiles
from .build import BIN_DIR, DISTROLESS_CC, LIBRARIES, build_system, build_steps

# loaded when this language's analysis runs, not while the languages of a tree are detected
source, plan, starter = submodules(__name__, "source", "plan", "starter")

_TESTISH = re.compile(r"(^|[_-])(test|tests|unittest|bench|benchmark|example|examples|demo)s?([_-]|$)", re.I)
_VENDORED = re.compile(r"(^|/)(tests?|examples?|bench(marks?)?|third_party|external|deps)/")


def sources(tree: SourceTree) -> list[str]:
    return [f for f in tree.with_suffix(*source.C_SUFFIXES, *source.CXX_SUFFIXES, *source.HEADER_SUFFIXES) if not _VENDORED.search(f)]


def detect(tree: SourceTree) -> Detection | None:
    system, manifest = build_system(tree)
    code = [f for f in sources(tree) if f.endswith(source.C_SUFFIXES + source.CXX_SUFFIXES)]
    if not system or not code:
        return None
    text = tree.read(manifest) or ""
    if system == "cmake":
        score = 95 if buildfiles.has_cmake_executable(text) else 50
    elif system == "meson":
        score = 95 if buildfiles.has_meson_executable(tree, manifest) else 50
    else:
        score = 80 if buildfiles.make_targets(tree, manifest) and source.has_main(tree, code) else 55
    return Detection("cpp", score, [Evidence(f"{manifest} builds C/C++ sources ({len(code)} file(s))", manifest,
                                             None, 0.9)])


def _packages(tree: SourceTree, profile: Profile, system: str, text: str, exes, libs) -> list[str]:
    """Debian packages for the linked libraries; the runtime ones are returned."""
    build_pkgs = ["build-essential"] + (["cmake"] if system == "cmake" else []) + (
        ["meson", "ninja-build"] if system == "meson" else [])
    runtime_pkgs: list[str] = []
    unknown: list[str] = []
    service_deps: list[tuple[str, str | None, int | None]] = []
    for name, rel, line in libs:
        key = name.lower()
        if key not in LIBRARIES:
            if key not in unknown and not key.startswith(("-", "$")) and key not in {t[0].lower() for t in exes}:
                unknown.append(key)
            continue
        dev, run, svc = LIBRARIES[key]
        if dev and dev not in build_pkgs:
            build_pkgs.append(dev)
            profile.note("system_packages", f"{name} needs {dev} to build" + (f" and {run} to run" if run else ""),
                         rel, line, 0.9)
            if name not in profile.dependencies:
                profile.dependencies.append(name)
                profile.note("dependencies", f"{name} is linked", rel, line, 0.9)
        if run and run not in runtime_pkgs:
            runtime_pkgs.append(run)
        if svc:
            service_deps.append((svc, rel, line))
    local = buildfiles.cmake_local_libraries(tree) if system == "cmake" else set()
    unknown = [u for u in unknown if u.split("::")[0] not in local]
    if unknown:
        profile.warnings.append(
            f"no Debian package known for {', '.join(unknown)}: add them with --set system_packages.build=... "
            "and system_packages.runtime=... (the build fails if the binary misses a shared library)")
    if buildfiles.uses_pkg_config(system, text) and "pkg-config" not in build_pkgs:
        build_pkgs.append("pkg-config")
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}
    add_services_from_dependencies(profile, service_deps)
    return runtime_pkgs


def analyze(tree: SourceTree, profile: Profile) -> None:
    system, manifest = build_system(tree)
    if not system:
        raise ValueError(f"{tree.root}: no CMakeLists.txt, meson.build or Makefile: don't know how to build it")
    files = sources(tree)
    code = [f for f in files if f.endswith(source.C_SUFFIXES + source.CXX_SUFFIXES)]
    if not code:
        raise ValueError(f"{manifest}: no C or C++ sources to build")
    cxx = any(f.endswith(source.CXX_SUFFIXES) for f in code)
    profile.framework = None
    profile.package_manager = system
    profile.note("package_manager", f"{manifest} is a {system} build", manifest, None, 1.0)
    profile.runtime_version = "gcc-12"
    profile.note("runtime_version", "Debian bookworm's GCC 12 toolchain (the build image's release)", confidence=0.8)
    profile.compiled = True

    text = tree.read(manifest) or ""
    if system == "cmake":
        exes, libs = buildfiles.cmake_targets(tree, profile)
    elif system == "meson":
        exes, libs = buildfiles.meson_targets(tree, manifest)
    else:
        exes = [(name, manifest, line) for name, line in buildfiles.make_targets(tree, manifest)]
        libs = buildfiles.make_libraries(tree, manifest)
    if not exes:
        raise ValueError(f"{manifest}: no executable target found (add_executable, executable() or a Makefile "
                         "rule that links); use --set entrypoint=/usr/local/bin/NAME after adding one")
    runnable = [e for e in exes if not _TESTISH.search(posixpath.basename(e[0]))] or exes
    target, target_file, target_line = runnable[0]
    binary = posixpath.basename(target)
    profile.note("entrypoint", f"{target} is the {system} executable target"
                 + (f" (of {len(runnable)})" if len(runnable) > 1 else ""), target_file, target_line,
                 0.95 if len(runnable) == 1 else 0.6)
    profile.candidates = [{"entrypoint": [f"{BIN_DIR}/{posixpath.basename(name)}"], "why": f"{system} target",
                           "file": rel, "line": line, "confidence": 0.9} for name, rel, line in runnable]
    runtime_pkgs = _packages(tree, profile, system, text, exes, libs)

    # other programs of the same build (examples, tools) don't speak for this one
    mine = set(buildfiles.target_sources(tree, system, manifest, target))
    others = {f for name, _rel, _line in exes if name != target
              for f in buildfiles.target_sources(tree, system, manifest, name)} - mine
    facts = source.read_facts(tree, [f for f in files if f not in others])
    listens = source.apply(facts, profile)
    read_dotenv_example(tree, profile)
    if listens and not profile.ports and profile.port_env:
        profile.add_port(8080, f"{profile.port_env} is read but no literal port was found; 8080 assumed",
                         None, None, 0.4)
    if profile.port_env and profile.ports:
        profile.add_env(profile.port_env, str(profile.ports[0])).default = str(profile.ports[0])
    if profile.ports:
        choose_health_path(profile, facts.routes)
    link_service_env(profile)

    profile.entrypoint = [f"{BIN_DIR}/{binary}"]
    build, locate, build_cmd = build_steps(system, target, binary)
    profile.build_command = build_cmd
    profile.note("build_command", f"{system} builds {target}" + (" (Release)" if system != "make" else ""),
                 target_file, target_line, 0.9)

    distroless = set(runtime_pkgs) <= DISTROLESS_CC and not profile.secrets and not profile.writable_paths
    profile.build = plan.CppPlan(system=system, cxx=cxx, target=target, binary=binary, build=build,
                                 locate=locate, runtime="distroless" if distroless else "slim",
                                 shell=not distroless, bin_dir=BIN_DIR, workdir="/src")
    profile.note("system_packages", "runtime: " + (
        "gcr.io/distroless/cc (glibc, libstdc++, libgcc, OpenSSL; no shell)" if distroless else
        "debian:bookworm-slim with " + (", ".join(runtime_pkgs) or "no extra packages")
        + (" (a shell for the secrets entrypoint)" if profile.secrets else "")), confidence=0.8)


ANALYZER = Analyzer("cpp", detect, analyze, starter=lambda: starter.STARTER)


# names of the modules loaded on first use, still importable from the package
__getattr__ = forward_names(__name__, (plan, starter), ("CppPlan", "STARTER"))
