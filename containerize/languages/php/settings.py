"""Recording what the PHP sources say: env vars, database connections, folders written."""
from __future__ import annotations

import posixpath
import re

from ...envvars import is_secret
from ...profile import Connection, Profile, Service
from ... import syntax
from .source import G, PLACEHOLDER, Env, PhpSource, _args, _string

# $_SERVER keys the web server sets for every request: not configuration.
SERVER_KEYS = re.compile(r"^(HTTP_.*|REQUEST_.*|SERVER_.*|REMOTE_.*|SCRIPT_.*|PHP_.*|DOCUMENT_ROOT|QUERY_STRING|"
                         r"PATH_INFO|PATH_TRANSLATED|ORIG_PATH_INFO|HTTPS|CONTENT_TYPE|CONTENT_LENGTH|GATEWAY_INTERFACE|"
                         r"AUTH_TYPE|argv|argc|REDIRECT_.*|UNIQUE_ID|CONTEXT_.*)$")
REQUEST_KEYS = re.compile(r"^(HTTP_[A-Z0-9_]+|HTTPS|REQUEST_METHOD|REQUEST_URI|REMOTE_ADDR|SERVER_NAME|SERVER_PORT)$")
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "APP_BASE_PATH"}
# PDO / mysqli driver -> (compose service, PHP extension)
DRIVERS = {"mysql": ("mysql", "pdo_mysql"), "pgsql": ("postgres", "pdo_pgsql"), "mysqli": ("mysql", "mysqli")}
# a folder that may reach the Dockerfile and compose.yaml: absolute, plain characters, no ..
SAFE_PATH = re.compile(r"(?!.*(?:^|/)\.\.(?:/|$))/[A-Za-z0-9._@+/-]*")
SYSTEM_DIRS = ("/tmp", "/dev", "/proc", "/sys", "/etc", "/usr", "/var/log")


def read_env(src: PhpSource, profile: Profile) -> set[str]:
    """Env vars the sources read; the superglobals they are read through ("ENV", "SERVER")."""
    superglobals: set[str] = set()
    for name, default, how, rel, line in src.env_reads():
        if name in SYSTEM_ENV:
            continue
        if "$_SERVER" in how and SERVER_KEYS.match(name) or REQUEST_KEYS.match(name):
            continue  # what the web server sets per request (env('HTTPS') reads it too), not configuration
        for kind in ("ENV", "SERVER"):
            if f"$_{kind}[" in how:
                superglobals.add(kind)
        secret = is_secret(name, default)
        profile.add_env(name, None if secret else (default or None), secret)
        shown = f" with the default {default!r}" if default and not secret else ""
        profile.note("env", f"{name}: read with {how}{shown}" + (" (a secret)" if secret else ""), rel, line)
    return superglobals


def _describe(key: str, value: str) -> str:
    m = PLACEHOLDER.fullmatch(value)
    if m:
        return f"{key} from env {m.group(1)}" + (f" (default {m.group(2)})" if m.group(2) else "")
    return f"{key} {value}"


def read_connections(src: PhpSource, profile: Profile) -> tuple[list[tuple[str, str, int]], dict[str, str]]:
    """Services named by PDO DSNs and mysqli connections: the (extension, file, line) each needs, and
    the env vars that name the host, port and database (-> the compose service's values)."""
    needed = []
    targets: dict[str, str] = {}
    for driver, dsn, user, rel, line in src.connections():
        if driver not in DRIVERS:
            continue
        kind, ext = DRIVERS[driver]
        params = dict(part.split("=", 1) for part in dsn.split(":", 1)[1].split(";") if "=" in part)
        if user and "user" not in params:
            params["user"] = user
        facts = [_describe(k, v) for k, v in params.items() if k in ("host", "port", "dbname", "user") and v]
        if not any(s.kind == kind for s in profile.services):
            profile.services.append(Service(kind))
        profile.note("services", f"{'a PDO DSN' if driver != 'mysqli' else 'mysqli connects to'} {dsn!r}: {kind}"
                     + (f" ({', '.join(facts)})" if facts else ""), rel, line, 0.9)
        needed.append((ext, rel, line))
        conn = Connection(kind, file=rel, line=line, why=f"a PDO DSN {dsn!r}" if driver != "mysqli" else "mysqli")
        for key, attr in (("host", "host"), ("dbname", "database"), ("user", "user")):
            value = params.get(key, "").strip()
            m = PLACEHOLDER.fullmatch(value)
            if m:
                setattr(conn, attr + "_env", m.group(1))
            elif value and "$" not in value:
                setattr(conn, attr, value)
        if driver != "mysqli":
            _password(src, rel, line, conn)
        port = params.get("port", "").strip()
        conn.port = int(port) if port.isdigit() and len(port) < 6 else None
        profile.connections.append(conn)
        for key, value in params.items():
            m = PLACEHOLDER.fullmatch(value)
            if m and key in ("host", "port", "dbname", "user"):
                targets.setdefault(m.group(1), {"host": kind, "port": "5432" if kind == "postgres" else "3306",
                                                "dbname": "app", "user": "app"}[key])
    return needed, targets


_ASSIGNED = "(assignment_expression left: (variable_name) @name right: (_) @value)"
_FILE_READS = {"file_get_contents", "file"}
_PASS_THROUGH = {"trim", "rtrim", "chop", "strval"}


def _password(src: PhpSource, rel: str, line: int, conn: Connection) -> None:
    """The third argument of ``new PDO(...)``: a literal, an env read, or a file read
    (``trim(file_get_contents(getenv('DB_PASSWORD_FILE') ?: '/run/secrets/db-password'))``)."""
    node = next((n for n in src.nodes(rel, "new") if syntax.line(n) == line), None)
    args = _args(node) if node is not None else []
    if len(args) < 3:
        return
    node = args[2]
    assigned = None
    for _ in range(6):
        if node is not None and node.type == "argument" and node.named_children:
            node = node.named_children[-1]
        if node is not None and node.type == "variable_name":
            if assigned is None:
                assigned = [(m["name"][0], m["value"][0]) for _, m in syntax.matches(G, _ASSIGNED, src.roots[rel])]
            earlier = [v for n, v in assigned if syntax.text(n) == syntax.text(node) and v.start_byte < node.start_byte]
            node = earlier[-1] if earlier else None
            continue
        if node is not None and node.type == "function_call_expression":
            name = syntax.text(node.child_by_field_name("function")).rsplit("\\", 1)[-1].lower()
            inner = _args(node)
            if name in _PASS_THROUGH and inner:
                node = inner[0]
                continue
            if name in _FILE_READS and inner:
                path = src.value(rel, inner[0].named_children[-1] if inner[0].type == "argument"
                                 and inner[0].named_children else inner[0])
                if isinstance(path, Env) and isinstance(path.name, str):
                    conn.password_source, conn.password_env = "env-file", path.name
                    conn.password_path = path.default if isinstance(path.default, str) else None
                elif isinstance(path, str) and path.startswith("/"):
                    conn.password_source, conn.password_path = "file", path
                return
        break
    if node is None:
        return
    value = src.value(rel, node)
    if isinstance(value, Env) and isinstance(value.name, str):
        conn.password_source, conn.password_env = "env", value.name
    elif isinstance(value, str):
        conn.password_source = "literal"


def read_paths(src: PhpSource, profile: Profile) -> None:
    """Folders the app writes at run time (absolute, or under __DIR__): volumes owned by www-data."""
    for path, how, rel, line in src.files_written():
        if not SAFE_PATH.fullmatch(path) or path.startswith(SYSTEM_DIRS):
            continue
        folder = path if how == "mkdir()" else posixpath.dirname(path)
        if folder and folder != "/" and folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"{how} writes {path}", rel, line, 0.7)


def database_defaults(profile: Profile, targets: dict[str, str] | None = None) -> None:
    """Point Laravel-style DB_* settings, and the env vars a DSN is built from, at the compose service."""
    kinds = {s.kind for s in profile.services}
    kind = "postgres" if "postgres" in kinds else "mysql" if "mysql" in kinds else None
    if not kind:
        return
    values = {"DB_HOST": kind, "DB_PORT": "5432" if kind == "postgres" else "3306", "DB_DATABASE": "app",
              "DB_USERNAME": "app", "DB_CONNECTION": "pgsql" if kind == "postgres" else "mysql"}
    for name, value in {**values, **(targets or {})}.items():
        var = profile.env_var(name)
        if var and not var.secret:
            var.default = value
    if profile.env_var("REDIS_HOST") and "redis" in kinds:
        profile.env_var("REDIS_HOST").default = "redis"


# where a Laravel app's default SQLite database lives in the container: in storage/, the volume the app, the
# migrate step and the queue worker share (database/ holds the migrations: code, read-only in the image)
LARAVEL_SQLITE = "storage/database.sqlite"
_CONNECTION_ARRAY = "(array_element_initializer (string) @key (array_creation_expression) @conn)"


def laravel_sqlite(src: PhpSource, profile: Profile, workdir: str, committed: bool) -> bool:
    """Laravel's default SQLite connection (a fresh skeleton: ``'default' => env('DB_CONNECTION', 'sqlite')``,
    ``'database' => env('DB_DATABASE', database_path('database.sqlite'))``): DB_DATABASE points the file into
    storage/, which is a volume. True when it did (the connection's file is read from an env var, and no
    database file is committed, whose rows would be left behind)."""
    connection = profile.env_var("DB_CONNECTION")
    if connection is None or connection.default != "sqlite" or committed:
        return False
    rel = "config/database.php"
    root = src.roots.get(rel)
    if root is None:
        return False
    for _, match in syntax.matches(G, _CONNECTION_ARRAY, root):
        if _string(match["key"][0]) != "sqlite":
            continue
        for element in match["conn"][0].named_children:
            if element.type != "array_element_initializer" or len(element.named_children) != 2 \
                    or element.named_children[0].type != "string" or _string(element.named_children[0]) != "database":
                continue
            read = src.value(rel, element.named_children[1])
            if not isinstance(read, Env) or not isinstance(read.name, str) or read.name != "DB_DATABASE":
                return False
            var = profile.add_env("DB_DATABASE")
            var.default = f"{workdir}/{LARAVEL_SQLITE}"
            profile.note("env", f"DB_DATABASE: the default sqlite connection's file ({rel}) is {var.default}, in "
                         "the storage/ volume shared by the app, the migrate step and the workers (`php artisan "
                         "migrate --force` creates it)", rel, syntax.line(element), 0.9)
            return True
    return False
