"""Server defaults shared by the languages: the health path from an app's routes, and the port of a new web app."""
from __future__ import annotations

import posixpath
import re

from ..answer_keys import DETECTED
from ..profile import Profile

_PLAIN_ROUTE = re.compile(r"(?:/[A-Za-z0-9._~-]+)+/?")  # /api/items: no <id>, {id}, :id, * or method
_HEALTHY = re.compile(r"^/?(health|healthz|healthcheck|_health|ping|status|ready|readyz|livez|api/health)/?$", re.I)


def is_health_route(path: str) -> bool:
    """/health, /healthz, /ping, /status and the like."""
    return bool(_HEALTHY.match(path))


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


# -- the listen address: all interfaces in a container -------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
# env vars that hold the address a server listens on (a host, or host:port)
LISTEN_NAMES = frozenset({
    "HOST", "ADDRESS", "ADDR", "BIND", "BIND_ADDR", "BIND_ADDRESS", "BIND_HOST", "LISTEN", "LISTEN_ADDR",
    "LISTEN_ADDRESS", "LISTEN_HOST", "LISTEN_IP", "SERVER_HOST", "SERVER_ADDR", "SERVER_ADDRESS", "SERVER_BIND",
    "SERVER_IP", "HTTP_HOST", "HTTP_ADDR", "HTTP_ADDRESS", "HTTP_BIND", "HTTP_LISTEN", "APP_HOST", "APP_ADDR",
    "APP_ADDRESS", "APP_BIND", "WEB_HOST", "WEB_ADDR", "FLASK_RUN_HOST", "UVICORN_HOST", "NITRO_HOST",
    "NUXT_HOST", "HOST_ADDR", "HOST_IP", "BIND_IP", "ROCKET_ADDRESS", "GRADIO_SERVER_NAME"})


def _all_interfaces(default: str | None, port: int | None) -> str | None:
    """The value that makes a server listen on all interfaces, in the form of its loopback ``default``:
    ``127.0.0.1`` -> ``0.0.0.0``, ``localhost:8000`` -> ``0.0.0.0:8000`` (``port`` instead when given); None for
    any other value."""
    text = (default or "").strip()
    if text in LOOPBACK:
        return "0.0.0.0"
    host, sep, given = text.rpartition(":")
    if sep and host in LOOPBACK and given.isdigit() and len(given) < 6:
        return f"0.0.0.0:{port or int(given)}"
    return None


def listen_env(profile: Profile) -> dict[str, str]:
    """Env var -> value for each listen-address env var the app reads with a loopback default (``HOST`` =
    ``127.0.0.1``, ``ADDRESS`` = ``127.0.0.1:8000``): set by compose, Kubernetes and the image so the server
    listens on all interfaces. Not a service's host (``DB_HOST``), a secret or a value given as an answer."""
    if not profile.ports:
        return {}
    hosts = {c.host_env for c in profile.connections if c.host_env}
    out = {}
    for var in profile.env:
        if var.secret or var.name in hosts or profile.origin(f"env.{var.name}") != DETECTED:
            continue
        if var.name not in LISTEN_NAMES and not var.name.endswith(("_LISTEN_ADDR", "_BIND_ADDR")):
            continue
        # host:port keeps the code's port unless the port was given as an answer
        value = _all_interfaces(var.default, profile.ports[0] if profile.origin("ports") != DETECTED else None)
        if value:
            out[var.name] = value
    return out


def listen_on_all_interfaces(profile: Profile) -> None:
    """After analysis: a listen address read from an env var with a loopback default is overridden (see
    :func:`listen_env`), said in the evidence; the warning a language gave for it (\"set NAME=...\") goes, as
    the override does what it asked. A loopback address fixed in code keeps its warning (file:line)."""
    found = listen_env(profile)
    for name, value in found.items():
        default = profile.env_var(name).default
        where = next((e for e in profile.evidence.get("env", []) if e.why.startswith(name + ":")), None)
        profile.note("env", f"{name}: falls back to {default} (loopback only, unreachable from outside the "
                            f"container): the image and compose set {name}={value} to listen on all interfaces",
                     where.file if where else None, where.line if where else None)
        profile.warnings = [w for w in profile.warnings if f" set {name}=" not in w]
