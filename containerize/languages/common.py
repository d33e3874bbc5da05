"""Server defaults shared by the languages: the health path from an app's routes, and the port of a new web app."""
from __future__ import annotations

import posixpath
import re

from ..profile import Profile

_PLAIN_ROUTE = re.compile(r"(?:/[A-Za-z0-9._~-]+)+/?")  # /api/items: no <id>, {id}, :id, * or method
_HEALTHY = re.compile(r"^/?(health|healthz|healthcheck|_health|ping|status|ready|readyz|livez|api/health)/?$", re.I)


def choose_health_path(profile: Profile, routes: list[tuple[str, str, int]]) -> None:
    """The path a health check probes, from the app's routes ``(path, file, line)``:
    a health-like route, else the root route, else ``/`` with low confidence."""
    for path, rel, line in routes:
        if _HEALTHY.match(path):
            profile.health_path = path
            profile.note("health_path", f"a health route {path}", rel, line, 0.95)
            return
    for path, rel, line in routes:
        if path == "/":
            profile.health_path = "/"
            profile.note("health_path", "the root route /", rel, line, 0.8)
            return
    for path, rel, line in routes:  # no / route: / would answer 404, so a route the code serves, with no parameter
        if _PLAIN_ROUTE.fullmatch(path):
            profile.health_path = path
            profile.note("health_path", f"no health or / route: the route {path}", rel, line, 0.6)
            return
    profile.health_path = "/"
    profile.note("health_path", "no health route found; probing /", confidence=0.4)


def new_server(profile: Profile, port: int, port_env_why: str = "a new web app reads its port from PORT") -> None:
    """Defaults of a new web app: it listens on ``port``, read from ``PORT``, and is probed on ``/``."""
    profile.ports = [port]
    profile.note("ports", f"a new web app: {port} by default", confidence=0.5)
    profile.port_env = "PORT"
    profile.note("port_env", port_env_why, confidence=0.5)
    profile.add_env("PORT", str(port))
    profile.health_path = "/"
    profile.note("health_path", "a new web app: probing /", confidence=0.5)


def new_project_port(profile: Profile) -> None:
    """A new project after its answers: with a port it is a server that reads it from ``PORT`` (set in the
    image and by compose) and is probed on ``/``; without one it is a batch program."""
    if profile.ports:
        if not profile.port_env:
            profile.port_env = "PORT"
            profile.note("port_env", "a new web app reads its port from PORT", confidence=0.5)
        profile.add_env(profile.port_env).default = str(profile.ports[0])
        profile.health_path = profile.health_path or "/"
    else:
        if profile.port_env == "PORT":
            profile.env = [v for v in profile.env if v.name != "PORT"]
        profile.port_env = None
        profile.health_path = None


def record_paths(profile: Profile, paths, safe_path, system_paths: tuple[str, ...]) -> None:
    """The folders a compiled program writes (volumes) and the files it only reads (read-only mounts), from
    ``paths`` as ``(kind, path, file, line)`` with kind "dir", "file" or "read"; ``safe_path`` is the pattern a
    path must match to reach a generated file, and paths under ``system_paths`` are never recorded."""
    for kind, path, rel, line in paths:
        if kind == "read":
            continue
        folder = path if kind == "dir" else posixpath.dirname(path)
        if any(not (c.isalnum() or c in "/._-@+") for c in folder) and not path.startswith(system_paths):
            profile.warnings.append(f"{rel}:{line}: writable_paths={folder!r} is not a folder the app may own "
                                    "(spaces or shell characters); left out")
        if folder and folder != "/" and safe_path.fullmatch(folder) and not path.startswith(system_paths) \
                and folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the program writes under {folder}", rel, line, 0.75)
    for kind, path, rel, line in paths:
        if kind != "read" or not safe_path.fullmatch(path) or path.startswith(system_paths) \
                or path in profile.read_paths or any(path.startswith(w.rstrip("/") + "/")
                                                     for w in profile.writable_paths):
            continue  # files the program also writes live on its volume
        profile.read_paths.append(path)
        profile.note("read_paths", f"the program reads {path}", rel, line, 0.7)
