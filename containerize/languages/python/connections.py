"""How Python code connects to its backing services, read from the parse tree: the connect calls of the
common drivers (psycopg, asyncpg, PyMySQL, mysql-connector, MySQLdb, redis, pymongo, pika, SQLAlchemy) and
the host, port, user, database and password each is given, as literals or env reads (with their defaults)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace

from ...profile import Connection, Profile
from ...scan import SourceTree
from ...services import connection_from_url, embedded_url
from . import values
from .values import UNKNOWN, EnvRead, Module, Scope, concrete

# dotted call name (as imported) -> service kind
CONNECT_CALLS: dict[str, str] = {
    "psycopg2.connect": "postgres", "psycopg.connect": "postgres", "psycopg.AsyncConnection.connect": "postgres",
    "psycopg_pool.ConnectionPool": "postgres", "psycopg2.pool.SimpleConnectionPool": "postgres",
    "psycopg2.pool.ThreadedConnectionPool": "postgres", "asyncpg.connect": "postgres",
    "asyncpg.create_pool": "postgres", "pg8000.connect": "postgres", "pg8000.native.Connection": "postgres",
    "pymysql.connect": "mysql", "pymysql.Connect": "mysql", "MySQLdb.connect": "mysql",
    "mysql.connector.connect": "mysql", "mysql.connector.pooling.MySQLConnectionPool": "mysql",
    "aiomysql.connect": "mysql", "aiomysql.create_pool": "mysql",
    "redis.Redis": "redis", "redis.StrictRedis": "redis", "redis.from_url": "redis", "redis.Redis.from_url": "redis",
    "redis.asyncio.Redis": "redis", "redis.asyncio.from_url": "redis", "redis.ConnectionPool": "redis",
    "pymongo.MongoClient": "mongodb", "motor.motor_asyncio.AsyncIOMotorClient": "mongodb",
    "mongoengine.connect": "mongodb",
    "pika.ConnectionParameters": "rabbitmq", "pika.URLParameters": "rabbitmq",
    "sqlalchemy.create_engine": "", "sqlalchemy.ext.asyncio.create_async_engine": "",
}
_HOST_KEYS = ("host", "hostname")
_PORT_KEYS = ("port",)
_USER_KEYS = ("user", "username")
_DB_KEYS = ("database", "dbname", "db", "virtual_host")
_PASSWORD_KEYS = ("password", "passwd")
_URL_KEYS = ("dsn", "url", "conninfo", "host")  # a URL given by keyword (MongoClient(host="mongodb://..."))
_READ_METHODS = {"read", "strip", "rstrip", "readline", "read_text", "decode"}


def read_connections(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for rel in files:
        if rel.endswith(".py"):
            found = file_connections(tree, rel)
            profile.connections.extend(replace(conn) for conn in found.connections)  # the profile's own copies
            for why, line in found.notes:
                profile.note("connections", why, rel, line)


@dataclass
class FileConnections:
    """The connect calls of one file (and its settings classes' service URLs), with the evidence of each."""

    connections: list[Connection] = field(default_factory=list)
    notes: list[tuple[str, int]] = field(default_factory=list)  # (why, line)

    def note(self, key: str, why: str, rel: str, line: int) -> None:
        self.notes.append((why, line))


def file_connections(tree: SourceTree, rel: str) -> FileConnections:
    """What one file says about its connections, read once per file (and kept with the tree)."""
    return tree.fact(__name__, rel, _read_file)


def _read_file(tree: SourceTree, rel: str) -> FileConnections:
    found = FileConnections()
    mod = values.module(tree, rel)
    if mod.tree is not None:
        try:
            _read(mod, rel, found)
            if mod.classes:
                settings_connections(mod, rel, found)
        except (RecursionError, ValueError, TypeError, AttributeError):
            pass  # absurd input: keep what was found
    return found


def _read(mod: Module, rel: str, profile: FileConnections) -> None:
    secret_paths: list[str] = []
    calls: list[tuple[ast.Call, Scope | None, str]] = []
    for node, scope in mod.nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/run/secrets/") \
                and len(node.value) < 200:
            secret_paths.append(node.value)
        if isinstance(node, ast.Call):
            name = mod.dotted(node.func) or ""
            if name in CONNECT_CALLS:
                calls.append((node, scope, name))
    guards = _guards(mod) if calls else []
    for node, scope, name in calls:
        conn = _connection(mod, node, scope, CONNECT_CALLS[name])
        if conn is None:
            continue
        conn.optional = _guarded(mod, node, scope, guards)
        if conn.password_source is None and secret_paths:
            conn.password_source, conn.password_path = "file", secret_paths[0]
        conn.file, conn.line, conn.why = rel, node.lineno, f"{name}(...)"
        profile.connections.append(conn)
        profile.note("connections", f"{conn.kind}: {name}(...)" + (f" to {conn.host}" if conn.host else ""),
                     rel, node.lineno)


def _guards(mod: Module) -> list[tuple[ast.expr, tuple[int, int], tuple[int, int]]]:
    """(test, start, end) of each ``if``/conditional expression's true branch in the file (one walk)."""
    found = []
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.If) and node.body:
            found.append((node.test, (node.body[0].lineno, node.body[0].col_offset),
                          (node.body[-1].end_lineno or 0, node.body[-1].end_col_offset or 0)))
        elif isinstance(node, ast.IfExp):
            found.append((node.test, (node.body.lineno, node.body.col_offset),
                          (node.body.end_lineno or 0, node.body.end_col_offset or 0)))
    return found


def _guarded(mod: Module, node: ast.Call, scope: Scope | None, guards: list) -> str | None:
    """Why a connect call may never run: it sits in the branch taken only when an env var with no default is
    set (``redis.from_url(url) if url else {}``, ``if os.getenv("REDIS_URL"): ...``)."""
    where = (node.lineno, node.col_offset)
    for test, start, end in guards:
        if not start <= where <= end:
            continue
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.IsNot, ast.NotEq)):
            test = test.left
        value = _value(mod, test, scope)
        if isinstance(value, EnvRead) and value.default is None and not value.required:
            return f"{mod.rel}:{node.lineno} connects only when {value.name} is set"
    return None


def _value(mod: Module, node: ast.expr | None, scope: Scope | None) -> object:
    if node is None:
        return UNKNOWN
    if isinstance(node, ast.Name) and scope is not None and node.id in scope.params \
            and isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        found = mod.param_default(scope.node, node.id)
        return UNKNOWN if found is None else found
    return mod.evaluate(node, scope)


def _arg(node: ast.Call, keys: tuple[str, ...], position: int | None = None) -> ast.expr | None:
    for kw in node.keywords:
        if kw.arg in keys:
            return kw.value
    if position is not None and len(node.args) > position and not isinstance(node.args[position], ast.Starred):
        return node.args[position]
    return None


def _text(value: object) -> tuple[str | None, str | None]:
    """(literal or default, env var name) of a value."""
    if isinstance(value, EnvRead):
        default = value.default
        return (str(default) if isinstance(default, (str, int)) and not isinstance(default, bool) else None), value.name
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value), None
    return None, None


def _connection(mod: Module, node: ast.Call, scope: Scope | None, kind: str) -> Connection | None:
    first = _value(mod, node.args[0], scope) if node.args and not isinstance(node.args[0], ast.Starred) else UNKNOWN
    url_value = first
    if not (isinstance(_text(first)[0], str) and "://" in (_text(first)[0] or "")) and \
            not (isinstance(first, EnvRead) and first.name.upper().endswith(("URL", "URI", "DSN"))):
        url_value = UNKNOWN
        for key in _URL_KEYS:
            candidate = _value(mod, _arg(node, (key,)), scope)
            text, env = _text(candidate)
            if (text and "://" in text) or (env and env.upper().endswith(("URL", "URI", "DSN"))):
                url_value = candidate
                break
    conn = Connection(kind or "postgres")
    if url_value is not UNKNOWN:
        text, env = _text(url_value)
        parsed = connection_from_url(text) if text else None
        if parsed is not None:
            conn = parsed
        elif not kind:
            return None
        conn.url_env = env
        if kind and parsed is not None and parsed.kind != kind and not (kind == "mysql" and parsed.kind == "mysql"):
            conn.kind = parsed.kind
    elif not kind:
        return None
    if kind == "mongodb" or (kind == "redis" and node.args):
        pass
    host, host_env = _text(_value(mod, _arg(node, _HOST_KEYS, 0 if kind in ("redis", "rabbitmq", "mongodb") else None), scope))
    if host and "://" not in host:
        if kind == "mongodb" and ":" in host:  # MongoClient("mongo:27017")
            host, _, port = host.partition(":")
            conn.port = int(port) if port.isdigit() else conn.port
        conn.host, conn.host_env = host, host_env
    elif host_env and not conn.url_env:
        conn.host_env = host_env
    port, _ = _text(_value(mod, _arg(node, _PORT_KEYS, 1 if kind == "redis" else None), scope))
    if port and port.isdigit():
        conn.port = int(port)
    user, user_env = _text(_value(mod, _arg(node, _USER_KEYS), scope))
    if user or user_env:
        conn.user, conn.user_env = user, user_env
    database, database_env = _text(_value(mod, _arg(node, _DB_KEYS), scope))
    if database or database_env:
        conn.database, conn.database_env = database, database_env
    password = _arg(node, _PASSWORD_KEYS)
    if password is not None:
        _password(mod, password, scope, conn)
    return conn


def _password(mod: Module, node: ast.expr, scope: Scope | None, conn: Connection) -> None:
    """A literal, an env var, or a file read (``open(path).read()``, ``Path(p).read_text()``)."""
    inner = node
    while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in _READ_METHODS:
        inner = inner.func.value
    if inner is not node:
        path_node = inner.args[0] if isinstance(inner, ast.Call) and inner.args else None
        if isinstance(inner, ast.Name):  # pf = open(path); pf.read()
            found = scope.assigns.get(inner.id) if scope is not None else None
            call = found[0] if found and len(found) == 1 else None
            path_node = call.args[0] if isinstance(call, ast.Call) and call.args else None
        text, env = _text(_value(mod, path_node, scope))
        if env:
            conn.password_source, conn.password_env, conn.password_path = "env-file", env, text
        elif text and text.startswith("/"):
            conn.password_source, conn.password_path = "file", text
        return
    text, env = _text(_value(mod, node, scope))
    if env:
        conn.password_source, conn.password_env = "env", env
    elif text is not None:
        conn.password_source = "literal"


# -- pydantic BaseSettings: the fields a database URL is built from, or a *Dsn field ---------------

# the pydantic URL type of a field -> service kind
_DSN_TYPES = {"PostgresDsn": "postgres", "MySQLDsn": "mysql", "MariaDBDsn": "mysql", "RedisDsn": "redis",
              "MongoDsn": "mongodb", "AmqpDsn": "rabbitmq"}
# the URL builders a settings class calls with its fields: the keywords they take
_BUILD_KEYS = {"host": ("host",), "port": ("port",), "user": ("username", "user"), "password": ("password",),
               "database": ("path", "database")}


def _scheme_kind(scheme: str) -> str | None:
    parsed = connection_from_url(scheme.split("+", 1)[0] + "://x/") if scheme else None
    return parsed.kind if parsed is not None else None


def settings_connections(mod: Module, rel: str, profile: FileConnections) -> None:
    """A BaseSettings class whose method builds the service URL from its fields (``MultiHostUrl.build(
    scheme="postgresql+psycopg", username=self.POSTGRES_USER, host=self.POSTGRES_SERVER, ...)``), or a field
    typed as a pydantic DSN (``DATABASE_URL: PostgresDsn``): the env vars the app reaches its service through."""
    for cls in list(mod.classes.values()):
        if not values.is_settings(mod, cls):
            continue
        fields = {name: (env, default) for name, env, default, _line in values.settings_fields(mod, cls)}
        found = _built_url(mod, cls, fields) or _dsn_field(mod, cls, fields)
        if found is None:
            continue
        conn, line, why = found
        conn.file, conn.line, conn.why = rel, line, why
        profile.connections.append(conn)
        profile.note("connections", f"{conn.kind}: {why}", rel, line)


def _field_value(mod: Module, node: ast.expr | None, fields: dict) -> tuple[str | None, str | None]:
    """(literal or the field's default, env var) of ``self.FIELD`` / a literal."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") \
            and node.attr in fields:
        env, default = fields[node.attr]
        value = concrete(mod.evaluate(default, None)) if default is not None else None
        literal = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        return literal, env
    if node is None:
        return None, None
    return _text(mod.evaluate(node, None))


def _built_url(mod: Module, cls: ast.ClassDef, fields: dict) -> tuple[Connection, int, str] | None:
    for stmt in cls.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in values.walk(stmt):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) \
                    or node.func.attr not in ("build", "create"):
                continue
            keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
            scheme, _ = _text(mod.evaluate(keywords.get("scheme") or keywords.get("drivername"), None)) \
                if ("scheme" in keywords or "drivername" in keywords) else (None, None)
            kind = _scheme_kind(scheme or "")
            if kind is None:
                continue
            conn = Connection(kind, scheme=scheme.split("+", 1)[0])
            host, host_env = _field_value(mod, keywords.get("host"), fields)
            conn.host, conn.host_env = host, host_env
            port, _ = _field_value(mod, keywords.get("port"), fields)
            if port and port.isdigit():
                conn.port = int(port)
            user_node = next((keywords[k] for k in _BUILD_KEYS["user"] if k in keywords), None)
            if user_node is not None:
                conn.user, conn.user_env = _field_value(mod, user_node, fields)
            db_node = next((keywords[k] for k in _BUILD_KEYS["database"] if k in keywords), None)
            if db_node is not None:
                conn.database, conn.database_env = _field_value(mod, db_node, fields)
            if "password" in keywords:
                text, env = _field_value(mod, keywords["password"], fields)
                if env:
                    conn.password_source, conn.password_env = "env", env
                elif text is not None:
                    conn.password_source = "literal"
            name = mod.dotted(node.func) or node.func.attr
            return conn, node.lineno, f"{cls.name}: {name}(...) from its fields"
    return None


def _dsn_field(mod: Module, cls: ast.ClassDef, fields: dict) -> tuple[Connection, int, str] | None:
    for stmt in cls.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name) \
                or stmt.target.id not in fields:
            continue
        kinds = [_DSN_TYPES.get((mod.dotted(n) or "").rsplit(".", 1)[-1]) for n in values.walk(stmt.annotation)
                 if isinstance(n, (ast.Name, ast.Attribute))]
        kind = next((k for k in kinds if k), None)
        if kind is None:
            continue
        env, default = fields[stmt.target.id]
        text, _ = _field_value(mod, ast.Attribute(ast.Name("self"), stmt.target.id), fields)
        conn = (connection_from_url(text) if text and "://" in text else None) or Connection(kind)
        conn.url_env = env
        return conn, stmt.lineno, f"{cls.name}.{stmt.target.id}: {kind} URL from {env}"
    return None


# -- Django's DATABASES setting --------------------------------------------------------------------

# ENGINE (its last part) -> service kind; None for a database inside the app (a file)
_DJANGO_ENGINES = {"sqlite3": None, "spatialite": None, "postgresql": "postgres", "postgresql_psycopg2": "postgres",
                   "postgis": "postgres", "mysql": "mysql", "oracle": "oracle"}
# calls that read the database from a URL env var: (the env var keyword, its default name)
_URL_CONFIG_CALLS = {"dj_database_url.config": ("env", "DATABASE_URL"), "environ.Env.db": ("var", "DATABASE_URL"),
                     "dj_database_url.parse": (None, None)}


def django_databases(tree: SourceTree, files: list[str], profile: Profile) -> tuple[set[str], tuple[str, int] | None]:
    """Django settings' DATABASES["default"]: a server database (ENGINE postgresql with HOST/NAME/USER/PASSWORD
    from env vars, or a URL through dj_database_url) is a connection; the service kinds the settings never use
    are returned (a project on SQLite only needs no postgres service for psycopg in its requirements), with
    the first entry that uses SQLite."""
    kinds: list[str | None] = []
    sqlite_at: tuple[str, int] | None = None
    for rel in files:
        if not rel.endswith(".py") or not (rel.endswith("settings.py") or "/settings/" in rel):
            continue
        mod = values.module(tree, rel)
        if mod.tree is None or "DATABASES" not in mod.assigns:
            continue
        for node in mod.assigns["DATABASES"]:
            entry = _default_entry(node)
            if entry is None:
                continue
            try:
                kind = _django_entry(mod, rel, entry, profile)
            except (RecursionError, ValueError, TypeError, AttributeError):
                kind = "unknown"
            kinds.append(kind)
            if kind is None and sqlite_at is None:
                sqlite_at = (rel, entry.lineno)
    if not kinds or "unknown" in kinds:
        return set(), None
    used = {k for k in kinds if k}
    return {k for k in ("postgres", "mysql") if k not in used}, sqlite_at


_SERVER_ENGINES = {"postgres": "django.db.backends.postgresql", "mysql": "django.db.backends.mysql"}


def _deployed_engine(profile: Profile, engine_env: str, default: str | None, keys: dict, rel: str,
                     line: int) -> str | None:
    """``"ENGINE": os.environ.get("SQL_ENGINE", "django.db.backends.sqlite3")`` with HOST from an env var and
    one database driver in the requirements (the "Dockerizing Django with Postgres" shape): deployed, the engine
    is that database's, and compose sets it; anything else stays unknown (None)."""
    servers = [kind for kind in _SERVER_ENGINES if any(s.kind == kind for s in profile.services)]
    if len(servers) != 1 or "HOST" not in keys or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", engine_env):
        return None
    variable = profile.env_var(engine_env)
    if variable is None or variable.secret:
        return None
    engine = _SERVER_ENGINES[servers[0]]
    variable.default = engine
    profile.note("env", f"{engine_env}: {engine}, the engine of the {servers[0]} service (the settings' default "
                 f"{default or 'none'} is for development)", rel, line, 0.8)
    return engine


def _default_entry(node: ast.expr | None) -> ast.expr | None:
    if not isinstance(node, ast.Dict):
        return None
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant) and key.value == "default":
            return value
    return None


def _django_entry(mod: Module, rel: str, entry: ast.expr, profile: Profile) -> str | None:
    """The service kind one DATABASES entry uses (None: SQLite; "unknown": not read), its connection noted."""
    if isinstance(entry, ast.Call):
        name = mod.dotted(entry.func) or ""
        if isinstance(entry.func, ast.Attribute) and entry.func.attr == "db" and name not in _URL_CONFIG_CALLS:
            name = "environ.Env.db"  # env = environ.Env(); env.db()
        if name not in _URL_CONFIG_CALLS:
            return "unknown"
        env_key, env_name = _URL_CONFIG_CALLS[name]
        if env_key:
            given = _text(mod.evaluate(_arg(entry, (env_key,), 0 if name == "environ.Env.db" else None), None))[0]
            env_name = given or env_name
            default = _text(mod.evaluate(_arg(entry, ("default",), 1 if name == "environ.Env.db" else None), None))[0]
        else:
            default, env_name = _text(mod.evaluate(_arg(entry, ("url",), 0), None))
        if default and embedded_url(default):
            return None
        parsed = connection_from_url(default) if default else None
        if parsed is None:
            return "unknown"
        parsed.url_env = env_name
        parsed.file, parsed.line, parsed.why = rel, entry.lineno, f"DATABASES from {name}(...)"
        profile.connections.append(parsed)
        return parsed.kind
    if not isinstance(entry, ast.Dict):
        return "unknown"
    keys = {k.value: v for k, v in zip(entry.keys, entry.values) if isinstance(k, ast.Constant)}
    engine, engine_env = _text(mod.evaluate(keys.get("ENGINE"), None)) if "ENGINE" in keys else (None, None)
    if engine_env:  # chosen by an env var: SQLite by default, another in deployment
        engine = _deployed_engine(profile, engine_env, engine, keys, rel, entry.lineno)
    if not engine:
        return "unknown"
    kind = _DJANGO_ENGINES.get(engine.rsplit(".", 1)[-1], "unknown")
    if kind is None:
        return None
    if kind not in ("postgres", "mysql"):
        return kind
    conn = Connection(kind)
    host, host_env = _text(mod.evaluate(keys.get("HOST"), None)) if "HOST" in keys else (None, None)
    conn.host, conn.host_env = host or None, host_env
    port, _ = _text(mod.evaluate(keys.get("PORT"), None)) if "PORT" in keys else (None, None)
    if port and port.isdigit():
        conn.port = int(port)
    if "USER" in keys:
        conn.user, conn.user_env = _text(mod.evaluate(keys["USER"], None))
    if "NAME" in keys:
        conn.database, conn.database_env = _text(mod.evaluate(keys["NAME"], None))
        if engine_env and conn.database and (conn.database.endswith((".sqlite3", ".sqlite", ".db"))
                                             or "/" in conn.database):
            conn.database = None  # the development default is SQLite's file: the service's database instead
    if "PASSWORD" in keys:
        _password(mod, keys["PASSWORD"], None, conn)
    conn.file, conn.line, conn.why = rel, entry.lineno, f"DATABASES ENGINE {engine}"
    profile.connections.append(conn)
    profile.note("connections", f"{kind}: DATABASES ENGINE {engine}" + (f" to {conn.host}" if conn.host else ""),
                 rel, entry.lineno)
    return kind
