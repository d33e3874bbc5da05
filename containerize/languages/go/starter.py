"""A new Go project (containerize init): defaults before the answers, then the go.mod to write."""
from __future__ import annotations

import posixpath
import re

from ... import image_tags
from ...answer_keys import DETECTED
from ...profile import Profile
from ..base import Starter
from ..common import new_project_port, new_server
from .plan import BIN_DIR, GoPlan

# The go line of a new go.mod (the oldest Go the module needs): every current toolchain builds it.
NEW_GO = "1.23"
NEW_PORT = 8080
# framework -> (label, module a main.go imports for it, or None for the standard library)
NEW_FRAMEWORKS = {
    "net/http": ("net/http: the standard library's server (no dependencies)", None),
    "gin": ("Gin", "github.com/gin-gonic/gin"),
    "echo": ("Echo", "github.com/labstack/echo/v4"),
    "chi": ("chi (a net/http router)", "github.com/go-chi/chi/v5"),
    "none": ("none: a command-line program, worker or batch job", None),
}


def _new_name(profile: Profile) -> str:
    """The module path and binary name of a new project: its folder's name."""
    name = re.sub(r"[^a-z0-9]+", "-", posixpath.basename(str(profile.root)).lower()).strip("-")
    return name or "app"


def _build_command(binary: str, package: str) -> list[str]:
    return ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", f"/out/{binary}", package]


def new_defaults(profile: Profile, framework: str | None) -> None:
    framework = "net/http" if framework is None else (framework or "none")
    framework = framework if framework in NEW_FRAMEWORKS else "net/http"
    name = _new_name(profile)
    profile.framework = None if framework == "none" else framework
    profile.package_manager = "go modules"
    profile.note("package_manager", f"a new project: the go.mod written for it declares module {name}",
                 confidence=0.5)
    # go.mod's go line is a minimum: the image is the newest published Go that satisfies it, as the
    # analyzer chooses once the code is there
    profile.runtime_version = image_tags.choose("golang", NEW_GO, minimum=True).version
    profile.note("runtime_version", f"a new project: go.mod says go {NEW_GO}, built with Go "
                 f"{profile.runtime_version} (GO_VERSION build argument)", confidence=0.5)
    profile.compiled = True
    profile.note("compiled", "pure Go: a static binary (CGO_ENABLED=0)", confidence=0.5)
    profile.build_command = _build_command(name, ".")
    profile.note("build_command", "a new project: go build of the main package at the root (main.go)",
                 confidence=0.5)
    profile.entrypoint = [f"{BIN_DIR}/{name}"]
    profile.note("entrypoint", "a new project: the binary of the main package you write in main.go "
                 "(package main, func main)", confidence=0.5)
    if framework != "none":
        new_server(profile, NEW_PORT, "a new web app reads its port from PORT (gin's Run() does)")
    # go.sum appears with the first dependency (go mod tidy): copied when it is there
    profile.build = GoPlan(module=name, binary=name, manifests=["go.mod", "go.sum*"], shell=False)


def new_finish(profile: Profile) -> None:
    """After the answers: the port env var follows the port, the binary follows the start command,
    and a secret read from the environment needs a shell for compose's secrets entrypoint."""
    b: GoPlan = profile.build
    new_project_port(profile)
    argv = profile.entrypoint
    if argv and argv[0].startswith(BIN_DIR + "/") and posixpath.basename(argv[0]) != b.binary:
        b.binary = posixpath.basename(argv[0])
        profile.build_command = _build_command(b.binary, b.package)
    # Debian packages given for the runtime, or a secret read from the environment: slim Debian (with CA
    # certificates, as distroless has them); else distroless static
    runtime = [p for p in profile.system_packages.get("runtime", []) if p != "ca-certificates"]
    slim = bool(profile.secrets or runtime)
    b.runtime = "slim" if slim else "distroless-static"
    b.shell = slim
    profile.system_packages["runtime"] = (["ca-certificates"] if slim else []) + runtime
    profile.system_packages.setdefault("build", [])
    steps = [f"Write `main.go` at the root: `package main` with `func main()`; go.mod (module {b.module}, "
             f"go {_go_line(profile)}) is there already."]
    module = NEW_FRAMEWORKS.get(profile.framework or "none", ("", None))[1]
    steps.append(("Import `" + module + "`, then run" if module else "After adding an import from outside "
                  "the standard library, run") + " `go mod tidy`: it records the dependencies in go.mod and "
                 "go.sum, which the image downloads before copying the code.")
    if profile.ports:
        steps.append(f"Listen on all interfaces at the port in `{profile.port_env or 'PORT'}` "
                     f"(default {profile.ports[0]}), e.g. `http.ListenAndServe(\":\"+port, mux)`, and answer "
                     f"`GET {profile.health_path or '/'}` for the health check.")
    b.next_steps = steps


def _go_line(profile: Profile) -> str:
    """The go.mod go line of a new project: the version asked for (--set runtime_version), else NEW_GO."""
    if profile.origin("runtime_version") != DETECTED:
        m = re.match(r"(\d+\.\d+(?:\.\d+)?)", profile.runtime_version or "")
        if m:
            return m.group(1)
    return NEW_GO


def new_files(profile: Profile) -> dict[str, str]:
    """go.mod: the Dockerfile copies it first (the same as `go mod init`)."""
    module = profile.build.module if isinstance(profile.build, GoPlan) else _new_name(profile)
    return {"go.mod": f"module {module}\n\ngo {_go_line(profile)}\n"}


STARTER = Starter([(k, label) for k, (label, _) in NEW_FRAMEWORKS.items()], new_defaults, new_finish, new_files)
