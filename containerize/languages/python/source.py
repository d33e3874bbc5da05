"""Facts read from Python source: env vars, ports, paths written and read, routes."""
from __future__ import annotations

import posixpath
import re

from ...profile import Profile
from ...scan import SourceTree
from ...envvars import PORT_NAMES, is_secret
from ..common import choose_health_path

_LITERAL = r"""(?:"([^"\n]*)"|'([^'\n]*)'|(-?\d+(?:\.\d+)?)|(True|False|None))"""
_ENV_GET = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|environ\.get|getenv|env(?:\.str|\.int|\.bool|\.url|\.db_url)?|config)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
    r"""(?:\s*,\s*(?:default\s*=\s*)?""" + _LITERAL + r")?")
_ENV_INDEX = re.compile(r"""(?:os\.)?environ\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]""")
_SETTINGS_CLASS = re.compile(r"^class\s+\w+\((?:[\w.]*\.)?BaseSettings\)\s*:", re.M)
_SETTINGS_FIELD = re.compile(r"^\s{4}([a-z_][a-z0-9_]*)\s*:\s*[^=\n]+?(?:=\s*" + _LITERAL + r")?\s*$", re.M)
_ENV_PREFIX = re.compile(r"""env_prefix\s*=\s*["']([^"']*)["']""")

_RUN_PORT = re.compile(r"\.run(?:_app)?\([^)]*?\bport\s*=\s*(\d{2,5})\b", re.S)
_SOCKET_PORT = re.compile(r"""(?:Server|bind|listen)\(\s*\(\s*["'][^"']*["']\s*,\s*(\d{2,5})\s*\)""")
_BIND_PORT = re.compile(r"""(?:--bind|-b|bind\s*=)\s*["']?[\w.\[\]:]*:(\d{2,5})""")
_CLI_PORT = re.compile(r"--port[ =](\d{2,5})")

_WRITE_OPEN = re.compile(r"""open\(\s*(?:["']([^"'\n]+)["']|([A-Za-z_][A-Za-z0-9_.]*))\s*,\s*["'](?:w|a|x)b?\+?["']""")
_MAKEDIRS = re.compile(r"""(?:os\.makedirs|os\.mkdir|Path)\(\s*(?:["']([^"'\n]+)["']|([A-Za-z_][A-Za-z0-9_.]*))\s*(?:,[^)]*)?\)(?:\.mkdir)?""")
_SQLITE = re.compile(r"""(?:sqlite3\.connect\(\s*["']([^"':\n]+)["']|sqlite:///([^"'\s]+))""")
_BASE_DIR_PATH = re.compile(r"""BASE_DIR\s*/\s*["']([^"']+)["']((?:\s*/\s*["'][^"']+["'])*)|os\.path\.join\(\s*BASE_DIR\s*,\s*((?:["'][^"']+["']\s*,?\s*)+)\)""")
_ASSIGN = re.compile(r"""^\s*([A-Z][A-Z0-9_]*)\s*=\s*(?:[^\n]*?,\s*)?["']([^"'\n]+)["']\s*\)?\s*$""", re.M)
_WRITABLE_NAME = re.compile(r"(UPLOAD|CACHE|MEDIA|STORAGE|LOG|OUTPUT|STATE|DATA)S?_?(DIR|FOLDER|PATH|ROOT|DIRECTORY)$|^(MEDIA_ROOT|UPLOAD_FOLDER|UPLOADS)$")
_PATH_NAME = re.compile(r"(PATH|FILE|DIR|ROOT|FOLDER)$")
_ABS_PATH = re.compile(r"^/(?!(?:etc|proc|sys|dev|tmp|usr|bin|sbin|lib|lib64|run|var/run|app|opt/venv|home)(?:/|$))[\w.@-]+(?:/[\w.@-]+)*/?$")
_ROUTE = re.compile(r"""@\w+\.(?:route|get|api_route|head)\(\s*["'](/[^"']*)["']|\bpath\(\s*["']([^"']*)["']\s*,|Route\(\s*["'](/[^"']*)["']""")

SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "PYTHONPATH",
              "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "PYTHONUNBUFFERED"}


def _literal(m: re.Match[str], first: int) -> str | None:
    for group in range(first, first + 4):
        value = m.group(group)
        if value is not None:
            return None if value == "None" else value
    return None


def read_env(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for rel, line, m in tree.grep(_ENV_GET, files):
        name, default = m.group(1), _literal(m, 2)
        if name in SYSTEM_ENV:
            continue
        _record(profile, name, default, rel, line, "read with a default" if default is not None else "read")
    for rel, line, m in tree.grep(_ENV_INDEX, files):
        if m.group(1) not in SYSTEM_ENV:
            _record(profile, m.group(1), None, rel, line, "required (os.environ[...])")
    for rel in files:
        text = tree.read(rel) or ""
        for cls in _SETTINGS_CLASS.finditer(text):
            body_end = re.search(r"^\S", text[cls.end():], re.M)
            body = text[cls.end(): cls.end() + body_end.start() if body_end else len(text)]
            prefix_m = _ENV_PREFIX.search(body)
            prefix = prefix_m.group(1) if prefix_m else ""
            for f in _SETTINGS_FIELD.finditer(body):
                if f.group(1) == "model_config":
                    continue
                name = (prefix + f.group(1)).upper()
                line = text.count("\n", 0, cls.end() + f.start()) + 1
                _record(profile, name, _literal(f, 2), rel, line, "a BaseSettings field")


def _record(profile: Profile, name: str, default: str | None, rel: str, line: int, why: str) -> None:
    secret = is_secret(name, default)
    profile.add_env(name, None if secret else default, secret)
    profile.note("env", f"{name}: {why}" + (" (a secret)" if secret else ""), rel, line)


def read_ports(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """Literal ports in run calls, socket servers and bind options; PORT-like env vars."""
    for name in PORT_NAMES:
        var = profile.env_var(name)
        if var and var.default and var.default.isdigit():
            where = next((e for e in profile.evidence.get("env", []) if e.why.startswith(name + ":")), None)
            profile.add_port(int(var.default), f"{name} defaults to {var.default}",
                     where.file if where else None, where.line if where else None, 0.95)
            profile.port_env = profile.port_env or name
            profile.note("port_env", f"the app reads its port from {name}",
                         where.file if where else None, where.line if where else None, 0.95)
    for rx, why in ((_RUN_PORT, "run(port=...)"), (_SOCKET_PORT, "a server bound to a literal port"),
                    (_BIND_PORT, "a bind address"), (_CLI_PORT, "a --port option")):
        for rel, line, m in tree.grep(rx, files):
            profile.add_port(int(m.group(1)), f"{why}: {m.group(1)}", rel, line, 0.9)


def read_paths(tree: SourceTree, files: list[str], profile: Profile, workdir: str) -> None:
    """Folders the app writes (volumes) and absolute paths outside it that it reads (mounts)."""
    written: dict[str, tuple[str, int, str]] = {}
    constants: dict[str, str] = {}
    for rel in files:
        text = tree.read(rel) or ""
        for m in _ASSIGN.finditer(text):
            constants.setdefault(m.group(1), m.group(2))
        for m in _ENV_GET.finditer(text):
            value = _literal(m, 2)
            if value and ("/" in value or "." in value):
                constants.setdefault(m.group(1), value)

    def resolve(literal: str | None, name: str | None) -> str | None:
        if literal:
            return literal
        if name:
            return constants.get(name.split(".")[-1])
        return None

    for rel, line, m in tree.grep(_WRITE_OPEN, files):
        path = resolve(m.group(1), m.group(2))
        if path:
            written.setdefault(posixpath.dirname(path) or path, (rel, line, f"opens {path} for writing"))
    for rel, line, m in tree.grep(_MAKEDIRS, files):
        path = resolve(m.group(1), m.group(2))
        if path and m.group(0).startswith(("os.", "Path")) and ("makedirs" in m.group(0) or "mkdir" in m.group(0)):
            written.setdefault(path, (rel, line, f"creates the folder {path}"))
    for rel, line, m in tree.grep(_SQLITE, files):
        path = m.group(1) or m.group(2)
        written.setdefault(posixpath.dirname(path) or path, (rel, line, f"a SQLite database at {path}"))
    for rel, line, m in tree.grep(_BASE_DIR_PATH, files):
        parts = re.findall(r"""["']([^"']+)["']""", m.group(0))
        path = "/".join(parts)
        context = (tree.read(rel) or "").splitlines()[line - 1]
        if re.search(r"sqlite|NAME|MEDIA_ROOT|UPLOAD|CACHE|LOG", context) or "sqlite" in path:
            target = posixpath.dirname(path) if "." in parts[-1] else path
            written.setdefault(target or path, (rel, line, f"{context.strip()[:60]} (written at run time)"))
    for name, value in constants.items():
        if _WRITABLE_NAME.search(name) and not value.startswith(("http", "sqlite")):
            where = next(((r, ln) for r, ln, _ in tree.grep(rf"\b{name}\b", files)), (None, None))
            written.setdefault(value.rstrip("/"), (where[0], where[1], f"{name} names a folder the app writes"))

    for path, (rel, line, why) in sorted(written.items()):
        absolute = path if path.startswith("/") else posixpath.normpath(posixpath.join(workdir, path))
        if absolute == workdir:
            profile.warnings.append(f"{rel}:{line}: the app writes {path!r} inside its own folder; "
                                    "point it at a sub-folder to keep the data on a volume")
            continue
        if absolute.startswith("/tmp"):
            continue
        if absolute not in profile.writable_paths:
            profile.writable_paths.append(absolute)
            profile.note("writable_paths", why, rel, line, 0.8)

    for name, value in constants.items():
        if _ABS_PATH.match(value) and _PATH_NAME.search(name):
            absolute = value.rstrip("/")
            if any(absolute == w or absolute.startswith(w + "/") for w in profile.writable_paths):
                continue
            if absolute not in profile.read_paths:
                where = next(((r, ln) for r, ln, _ in tree.grep(rf"""["']{re.escape(value)}["']""", files)), (None, None))
                profile.read_paths.append(absolute)
                profile.note("read_paths", f"{name} names {value}, outside the app", where[0], where[1], 0.8)
    for rel, line, m in tree.grep(r"""(?:open|Path)\(\s*["'](/[^"'\n]+)["']""", files):
        value = m.group(1)
        if _ABS_PATH.match(value) and value not in profile.read_paths and \
                not any(value.startswith(w) for w in profile.writable_paths):
            profile.read_paths.append(value)
            profile.note("read_paths", f"reads {value}", rel, line, 0.9)


def read_health_path(tree: SourceTree, files: list[str], profile: Profile) -> None:
    routes = []
    for rel, line, m in tree.grep(_ROUTE, files):
        path = m.group(1) or m.group(3)
        if path is None:  # django path("health/", ...)
            path = "/" + m.group(2)
        if "<" in path or "{" in path or ":" in path:
            continue
        routes.append((path, rel, line))
    choose_health_path(profile, routes)
