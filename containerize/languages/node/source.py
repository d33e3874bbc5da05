"""Facts read from JavaScript / TypeScript source: env vars, ports, routes, folders written."""
from __future__ import annotations

import posixpath
import re

from ...profile import Profile
from ...scan import SourceTree
from ...envvars import PORT_NAMES, is_port_name, is_secret
from ..common import choose_health_path

SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")
SKIP_DIRS = ("test/", "tests/", "__tests__/", "spec/", "e2e/", "cypress/", "docs/", "scripts/", "public/",
             "static/", "dist/", "build/", "out/", "coverage/")
SYSTEM_ENV = {"NODE_ENV", "HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "CI",
              "NODE_OPTIONS", "npm_package_version", "npm_lifecycle_event", "DEBUG", "NEXT_RUNTIME",
              "NEXT_PHASE", "VERCEL", "VERCEL_URL"}

_DEFAULT = r"""(?:\s*(?:\|\||\?\?)\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`$\n]*)`|(\d+(?:\.\d+)?)))?"""
_ENV_DOT = re.compile(r"""process\.env\.([A-Za-z_][A-Za-z0-9_]*)\b(?:\s*\)\s*)?""" + _DEFAULT)
_ENV_INDEX = re.compile(r"""process\.env\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]""" + _DEFAULT)
_ENV_DESTRUCTURE = re.compile(r"""(?:const|let|var)\s*\{([^}]*)\}\s*=\s*process\.env\b""")
_ENV_PORT_CALL = re.compile(
    r"""(?:Number|parseInt|parseFloat)\(\s*process\.env\.([A-Za-z_][A-Za-z0-9_]*)[^)\n]{0,20}\)\s*(?:\|\||\?\?)\s*["']?(\d{2,5})""")

_LISTEN_LITERAL = re.compile(r"""\.listen\(\s*(?:\{\s*port\s*:\s*)?["']?(\d{2,5})\b""")
_LISTEN_NAME = re.compile(r"""\.listen\(\s*(?:\{\s*port\s*:\s*)?([A-Za-z_$][\w$.]*)""")
_CONST_NUMBER = r"""(?:const|let|var)\s+{name}\s*(?::\s*\w+\s*)?=\s*(?:Number\(|parseInt\()?\s*["']?(\d{{2,5}})\b"""
_PORT_OPTION = re.compile(r"""\bport\s*:\s*["']?(\d{2,5})\b""")
_LISTEN_LOCAL = re.compile(r"""\.listen\([^)\n]*["'](?:127\.0\.0\.1|localhost)["']""")
_SERVES = re.compile(r"""\.listen\(|createServer\(|Bun\.serve\(|serve\(\s*\{[^}]*fetch""")

_ROUTE = re.compile(r"""\.(?:get|head|all|route)\(\s*["'`](/[^"'`\s]*)["'`]""")
_URL_COMPARE = re.compile(r"""(?:url|pathname|path)\s*===?\s*["'](/[^"'\s]*)["']|case\s+["'](/[^"'\s]*)["']\s*:""")

_MKDIR = re.compile(r"""\bmkdir(?:Sync)?\(\s*["'`]([^"'`\n]+)["'`]""")
_WRITE = re.compile(r"""\b(?:writeFile|appendFile|createWriteStream)(?:Sync)?\(\s*["'`]([^"'`\n]+)["'`]""")
_MULTER = re.compile(r"""\bdest(?:ination)?\s*:\s*["'`]([^"'`\n]+)["'`]""")
_SQLITE = re.compile(r"""new\s+(?:Database|sqlite3\.Database)\(\s*["'`]([^"'`:\n]+)["'`]|filename\s*:\s*["'`]([^"'`:\n]+\.(?:db|sqlite3?))["'`]""")


def source_files(tree: SourceTree) -> list[str]:
    files = []
    for rel in tree.with_suffix(*SOURCE_SUFFIXES):
        name = rel.rsplit("/", 1)[-1]
        if rel.startswith(SKIP_DIRS) or "/__tests__/" in rel or re.search(r"\.(test|spec|d)\.[cm]?[jt]sx?$", name):
            continue
        if re.match(r"(vite|webpack|rollup|babel|jest|vitest|eslint|prettier|tailwind|postcss|astro|svelte|"
                    r"next|nuxt|playwright|cypress|karma|gulpfile|gruntfile)[.\w-]*\.[cm]?[jt]s$", name, re.I):
            continue
        files.append(rel)
    return files


def _default(m: re.Match[str], first: int) -> str | None:
    for group in range(first, first + 4):
        if m.group(group) is not None:
            return m.group(group)
    return None


def read_env(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for rx in (_ENV_DOT, _ENV_INDEX):
        for rel, line, m in tree.grep(rx, files):
            _record(profile, m.group(1), _default(m, 2), rel, line)
    for rel, line, m in tree.grep(_ENV_PORT_CALL, files):
        _record(profile, m.group(1), m.group(2), rel, line)
    for rel, line, m in tree.grep(_ENV_DESTRUCTURE, files):
        for part in m.group(1).split(","):
            name, _, default = part.partition("=")
            name = name.split(":")[0].strip()
            default = default.strip().strip("'\"`") or None
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                _record(profile, name, default, rel, line)


def _record(profile: Profile, name: str, default: str | None, rel: str, line: int) -> None:
    if name in SYSTEM_ENV or name.startswith("npm_"):
        return
    secret = is_secret(name, default)
    profile.add_env(name, None if secret else default, secret)
    why = "read" + (f" with the default {default!r}" if default is not None and not secret else "")
    profile.note("env", f"{name}: {why}" + (" (a secret)" if secret else ""), rel, line)


def serves_http(tree: SourceTree, files: list[str]) -> tuple[str, int] | None:
    hits = tree.grep(_SERVES, files)
    return (hits[0][0], hits[0][1]) if hits else None


def read_ports(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for var in profile.env:
        if (var.name in PORT_NAMES or is_port_name(var.name)) and var.default and var.default.isdigit():
            where = next((e for e in profile.evidence.get("env", []) if e.why.startswith(var.name + ":")), None)
            profile.add_port(int(var.default), f"{var.name} defaults to {var.default}",
                     where.file if where else None, where.line if where else None, 0.95)
            if not profile.port_env:
                profile.port_env = var.name
                profile.note("port_env", f"the app reads its port from {var.name}",
                             where.file if where else None, where.line if where else None, 0.95)
    for rel, line, m in tree.grep(_LISTEN_LITERAL, files):
        profile.add_port(int(m.group(1)), f"listen({m.group(1)})", rel, line, 0.95)
    if not profile.ports:
        for rel, line, m in tree.grep(_LISTEN_NAME, files):
            name = m.group(1).split(".")[-1]
            if name.lower() == "port" and "process.env" in m.group(1):
                continue
            for crel, cline, c in tree.grep(_CONST_NUMBER.format(name=re.escape(name)), [rel]):
                profile.add_port(int(c.group(1)), f"listen({name}) with {name} = {c.group(1)}", crel, cline, 0.9)
            if m.group(1).startswith("process.env.") and not profile.port_env:
                var = m.group(1).split(".")[-1]
                profile.port_env = var
                profile.add_env(var)
                profile.note("port_env", f"listen({m.group(1)})", rel, line, 0.9)
    if not profile.ports:
        for rel, line, m in tree.grep(_PORT_OPTION, files):
            profile.add_port(int(m.group(1)), f"port: {m.group(1)}", rel, line, 0.7)
            break
    for rel, line, _ in tree.grep(_LISTEN_LOCAL, files):
        profile.warnings.append(f"{rel}:{line}: the server listens on localhost only; "
                                "it must listen on 0.0.0.0 to be reachable in a container")


def read_health_path(tree: SourceTree, files: list[str], profile: Profile) -> None:
    routes: list[tuple[str, str, int]] = []
    for rx in (_ROUTE, _URL_COMPARE):
        for rel, line, m in tree.grep(rx, files):
            path = next(g for g in m.groups() if g is not None)
            if ":" in path or "*" in path or "{" in path:
                continue
            routes.append((path, rel, line))
    choose_health_path(profile, routes)


def read_paths(tree: SourceTree, files: list[str], profile: Profile, workdir: str) -> None:
    """Folders the app writes at run time: they become volumes owned by the app user."""
    found: dict[str, tuple[str, int, str]] = {}
    for rx, kind in ((_MKDIR, "creates the folder"), (_MULTER, "uploads go to"), (_WRITE, "writes"),
                     (_SQLITE, "a SQLite database at")):
        for rel, line, m in tree.grep(rx, files):
            path = next(g for g in m.groups() if g is not None)
            if "${" in path or path.startswith(("http", "/tmp", "/dev", "/proc")) or path in (".", "./"):
                continue
            folder = path if kind in ("creates the folder", "uploads go to") else posixpath.dirname(path)
            if not folder:
                profile.warnings.append(f"{rel}:{line}: the app writes {path!r} inside its own folder; "
                                        "point it at a sub-folder to keep the data on a volume")
                continue
            found.setdefault(folder.rstrip("/"), (rel, line, f"{kind} {path}"))
    for folder, (rel, line, why) in sorted(found.items()):
        absolute = folder if folder.startswith("/") else posixpath.normpath(posixpath.join(workdir, folder))
        if absolute == workdir or not absolute.startswith("/"):
            continue
        if absolute not in profile.writable_paths:
            profile.writable_paths.append(absolute)
            profile.note("writable_paths", why, rel, line, 0.8)
