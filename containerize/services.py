"""Backing services a compose file can run beside the app."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .answer_keys import DETECTED
from .profile import Connection, Profile, Service


@dataclass(frozen=True)
class ServiceSpec:
    kind: str
    image: str
    port: int
    data_path: str
    environment: dict[str, str] = field(default_factory=dict)
    password_env: str | None = None  # env var the image reads the password file from
    healthcheck: tuple[str, ...] = ()
    # how the app reaches it; {password} is filled by the user in the secret file
    url: str = ""


CATALOG: dict[str, ServiceSpec] = {
    "postgres": ServiceSpec(
        "postgres", "postgres:16-bookworm", 5432, "/var/lib/postgresql/data",
        {"POSTGRES_USER": "app", "POSTGRES_DB": "app"}, "POSTGRES_PASSWORD_FILE",
        ("CMD-SHELL", "pg_isready -U app -d app -h 127.0.0.1"),
        "postgresql://app:{password}@{host}:5432/app"),
    "mysql": ServiceSpec(
        "mysql", "mariadb:11", 3306, "/var/lib/mysql",
        {"MYSQL_USER": "app", "MYSQL_DATABASE": "app", "MYSQL_RANDOM_ROOT_PASSWORD": "yes"}, "MYSQL_PASSWORD_FILE",
        ("CMD-SHELL", "mariadb-admin ping -h 127.0.0.1 --silent || mysqladmin ping -h 127.0.0.1 --silent"),
        "mysql://app:{password}@{host}:3306/app"),
    "redis": ServiceSpec(
        "redis", "redis:7-bookworm", 6379, "/data", {}, None,
        ("CMD", "redis-cli", "ping"), "redis://{host}:6379/0"),
    "mongodb": ServiceSpec(
        "mongodb", "mongo:7", 27017, "/data/db",
        {"MONGO_INITDB_ROOT_USERNAME": "app"}, "MONGO_INITDB_ROOT_PASSWORD_FILE",
        ("CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"),
        "mongodb://app:{password}@{host}:27017/?authSource=admin"),
    "rabbitmq": ServiceSpec(
        "rabbitmq", "rabbitmq:3", 5672, "/var/lib/rabbitmq", {}, None,
        ("CMD", "rabbitmq-diagnostics", "-q", "ping"), "amqp://guest:guest@{host}:5672/"),
}
# the env vars of each image that set the user, the database and the password file
IMAGE_SETTINGS: dict[str, dict[str, str]] = {
    "postgres": {"user": "POSTGRES_USER", "database": "POSTGRES_DB"},
    "mysql": {"user": "MYSQL_USER", "database": "MYSQL_DATABASE"},
    "mongodb": {"user": "MONGO_INITDB_ROOT_USERNAME", "database": "MONGO_INITDB_DATABASE"},
}


# dependency name (lower case, normalised) -> backing service kind
SERVICE_DEPENDENCIES: dict[str, str] = {}
for _kind, _names in {
    "postgres": ("psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary", "asyncpg", "pg8000", "pg",
                 "postgres", "pg-promise", "github.com/lib/pq", "github.com/jackc/pgx/v5", "github.com/jackc/pgx/v4",
                 "tokio-postgres", "postgres-rs", "org.postgresql:postgresql", "pdo_pgsql", "ext-pgsql",
                 "ext-pdo_pgsql", "io.quarkus:quarkus-jdbc-postgresql"),
    "mysql": ("mysqlclient", "pymysql", "mysql-connector-python", "mysql-connector", "aiomysql", "mysql2", "mysql",
              "github.com/go-sql-driver/mysql", "com.mysql:mysql-connector-j", "mysql:mysql-connector-java",
              "ext-pdo_mysql", "ext-mysqli", "trilogy", "io.quarkus:quarkus-jdbc-mysql", "io.quarkus:quarkus-jdbc-mariadb",
              "org.mariadb.jdbc:mariadb-java-client"),
    "redis": ("redis", "aioredis", "ioredis", "github.com/redis/go-redis/v9", "github.com/go-redis/redis/v8",
              "redis-rs", "predis/predis", "ext-redis", "rq", "celery[redis]"),
    "rabbitmq": ("pika", "aio-pika", "amqplib", "amqp-connection-manager", "lapin", "amqprs",
                 "github.com/rabbitmq/amqp091-go", "github.com/streadway/amqp", "php-amqplib/php-amqplib", "bunny",
                 "com.rabbitmq:amqp-client", "org.springframework.boot:spring-boot-starter-amqp"),
    "mongodb": ("pymongo", "motor", "mongoengine", "mongodb", "mongoose", "go.mongodb.org/mongo-driver",
                "mongodb/mongodb", "ext-mongodb", "mongoid", "mongo"),
}.items():
    for _n in _names:
        SERVICE_DEPENDENCIES[_n] = _kind
# JVM clients (group:artifact) and C/C++ client libraries (as linked: -lpq, -lhiredis, ...)
for _n, _kind in {
    "org.springframework.boot:spring-boot-starter-data-redis": "redis", "redis.clients:jedis": "redis",
    "io.lettuce:lettuce-core": "redis", "org.redisson:redisson": "redis",
    "org.mariadb.jdbc:mariadb-java-client": "mysql",
    "org.springframework.boot:spring-boot-starter-data-mongodb": "mongodb",
    "org.mongodb:mongodb-driver-sync": "mongodb", "org.mongodb:mongodb-driver-reactivestreams": "mongodb",
    "libpq": "postgres", "libpqxx": "postgres", "hiredis": "redis", "libmariadb": "mysql",
    "libmysqlclient": "mysql", "libmongoc": "mongodb",
}.items():
    SERVICE_DEPENDENCIES.setdefault(_n, _kind)
# Go modules and Rust crates
for _n, _kind in {
    "github.com/jackc/pgx": "postgres", "gorm.io/driver/postgres": "postgres", "gorm.io/driver/mysql": "mysql",
    "go.mongodb.org/mongo-driver/v2": "mongodb", "github.com/gomodule/redigo": "redis",
    "github.com/redis/rueidis": "redis", "deadpool-postgres": "postgres", "bb8-postgres": "postgres",
    "sqlx-postgres": "postgres", "mysql_async": "mysql", "sqlx-mysql": "mysql", "deadpool-redis": "redis",
    "bb8-redis": "redis", "fred": "redis", "github.com/hibiken/asynq": "redis",
}.items():
    SERVICE_DEPENDENCIES.setdefault(_n, _kind)

# The env var an app conventionally reads to find each service.
SERVICE_ENV = {
    "postgres": ("DATABASE_URL", "POSTGRES_URL", "POSTGRES_DSN", "PG_DSN", "DB_URL", "SQLALCHEMY_DATABASE_URI"),
    "mysql": ("DATABASE_URL", "MYSQL_URL", "MYSQL_DSN", "DB_URL"),
    "redis": ("REDIS_URL", "REDIS_DSN", "CACHE_URL", "CELERY_BROKER_URL", "BROKER_URL"),
    "rabbitmq": ("AMQP_URL", "RABBITMQ_URL", "RABBITMQ_URI", "BROKER_URL", "CELERY_BROKER_URL"),
    "mongodb": ("MONGODB_URI", "MONGO_URL", "MONGO_URI", "MONGODB_URL", "DATABASE_URL"),
}


def add_services_from_dependencies(profile: Profile, deps_with_origin: list[tuple[str, str | None, int | None]]) -> None:
    """Add a backing service for each dependency that implies one."""
    for name, file, line in deps_with_origin:
        kind = SERVICE_DEPENDENCIES.get(name.lower())
        if not kind or any(s.kind == kind for s in profile.services):
            continue
        profile.services.append(Service(kind))
        profile.note("services", f"{name} is a {kind} client", file, line)


# URL schemes of a database or cache that lives inside the app's own process (or a file beside it)
EMBEDDED_SCHEMES = ("sqlite", "sqlite3", "memory", "mem", "locmem", "locmemcache", "dummy", "dummycache",
                    "filecache", "file", "simple", "null", "nullcache")


def embedded_url(value: str | None) -> bool:
    """True for a URL of an in-process database or cache (``sqlite:///:memory:``, ``memory://``)."""
    if not value:
        return False
    text = value.strip().lower()
    scheme = text.split("://", 1)[0].split("+", 1)[0] if "://" in text else text.split(":", 1)[0]
    return ":memory:" in text or ("://" in text or text.startswith("sqlite:")) and scheme in EMBEDDED_SCHEMES


def optional_reason(profile: Profile, kind: str) -> tuple[str, str | None, int | None] | None:
    """Why the app runs without a service of this kind: every way the code reaches it is an env var whose
    default is an in-process database or cache. (why, file, line) or None."""
    conns = [c for c in profile.connections if c.kind == kind]
    guarded = [c for c in conns if c.optional]
    if guarded and len(guarded) == len(conns):
        return (f"{guarded[0].optional}: the app runs without a {kind} service; --set services={kind} adds one",
                guarded[0].file, guarded[0].line)
    conns = [c for c in conns if not c.optional]
    names = [c.url_env for c in conns if c.url_env]
    if any(not c.url_env and (c.host or c.host_env) for c in conns):
        return None  # the code connects to it with a host of its own
    names += [n for n in SERVICE_ENV.get(kind, ()) if profile.env_var(n) and n not in names]
    if not names:
        return None
    for name in names:
        var = profile.env_var(name)
        if var is None or not embedded_url(var.default):
            return None
    name = names[0]
    conn = next((c for c in conns if c.url_env == name), None)
    notes = [e for e in profile.evidence.get("env", []) if e.why.startswith(name + ":") or f" {name} " in e.why]
    file, line = (conn.file, conn.line) if conn else ((notes[0].file, notes[0].line) if notes else (None, None))
    return (f"{name} defaults to {profile.env_var(name).default} (in-process): the app runs without a {kind} "
            f"service; --set services={kind} adds one", file, line)


def drop_optional_services(profile: Profile) -> None:
    """Services the app can do without (an in-memory fallback by default) are not added unless asked for;
    the evidence says why."""
    if profile.origin("services") != DETECTED:
        return
    for service in list(profile.services):
        reason = optional_reason(profile, service.kind)
        if reason:
            profile.services.remove(service)
            profile.note("services", f"{service.kind} not added: {reason[0]}", reason[1], reason[2], 0.8)
            for conn in profile.connections:
                var = profile.env_var(conn.url_env) if conn.kind == service.kind and conn.optional and conn.url_env \
                    else None
                if var is not None and var.secret and var.default is None:
                    var.secret = False  # optional: passed through from the shell when set there, never required
                    profile.note("env", f"{var.name}: optional (the app runs without it), passed through when set",
                                 conn.file, conn.line, 0.8)


def credential_free_url(kind: str, value: str | None) -> bool:
    """True for a URL of a service of this kind with no user nor password in it (``mongodb://mongo:27017/db``,
    ``postgresql://db/app``): one already-extracted string, split by urllib."""
    if not value or "://" not in value or len(value) > 1000:
        return False
    scheme = value.split("://", 1)[0].lower()
    if SCHEMES.get(scheme.split("+", 1)[0]) != kind:
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return bool(parts.hostname) and "@" not in parts.netloc


def local_url_to_service(value: str | None, hosts: dict[str, str]) -> str | None:
    """A credential-free URL default pointing at this machine (``redis://localhost:6379/1``, a second URL for
    the same cache or broker) rewritten to the service compose starts for its scheme (``hosts``: kind -> service
    name): in a container, localhost is the container itself. None when it is not such a URL."""
    if not value or "://" not in value or len(value) > 1000:
        return None
    kind = SCHEMES.get(value.split("://", 1)[0].lower().split("+", 1)[0])
    if kind not in hosts or not credential_free_url(kind, value):
        return None
    parts = urlsplit(value.strip())
    if parts.hostname not in LOCAL_HOSTS:
        return None
    netloc = hosts[kind] + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def link_service_env(profile: Profile) -> None:
    """Tie each service to the env var the app reads for it. A database URL is a secret (built with the
    password of the service compose starts), except a default with no credentials in it for a service that
    runs without any (mongodb without authentication): a setting pointing at the service."""
    drop_optional_services(profile)
    for service in profile.services:
        if service.env_var:
            continue
        for name in SERVICE_ENV.get(service.kind, ()):
            var = profile.env_var(name)
            if var and not any(s.env_var == name for s in profile.services):
                service.env_var = name
                if var.secret or service.kind not in ("postgres", "mysql", "mongodb"):
                    break
                conn = next((c for c in profile.connections if c.url_env == name), None)
                where = (conn.file, conn.line) if conn else (None, None)
                free = credential_free_url(service.kind, var.default)
                if free and service.kind == "mongodb":
                    profile.note("env", f"{name}: its default {var.default} carries no credentials and the mongodb "
                                 "service compose starts runs without authentication: a setting pointing at the "
                                 "service, no secret file", *where)
                    break
                var.secret = True
                if free:
                    profile.note("env", f"{name}: its default {var.default} carries no password, but the "
                                 f"{service.kind} service compose starts always has one: {name} is built with "
                                 "it when the app starts (a secret)", *where)
                break


# -- how the code connects ---------------------------------------------------------------------

SCHEMES = {"postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql",
           "mongodb": "mongodb", "mongodb+srv": "mongodb", "redis": "redis", "rediss": "redis",
           "amqp": "rabbitmq", "amqps": "rabbitmq"}
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")  # one DNS label: a compose service name


_PLACEHOLDER_MARK = "xcph"


def _placeholders(text: str) -> tuple[str, dict[str, tuple[str | None, str | None]]]:
    """``${NAME}``, ``${NAME:default}``, ``${NAME:-default}`` (Spring, shell) and ``${?}`` (a part the code
    computes) replaced by plain tokens, in one pass: (text, token -> (env var, default))."""
    out, found, at = [], {}, 0
    while True:
        start = text.find("${", at)
        end = text.find("}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(text[at:])
            break
        body = text[start + 2:end]
        name, sep, default = body.partition(":")
        if sep and default.startswith("-"):
            default = default[1:]
        token = f"{_PLACEHOLDER_MARK}{len(found)}z"
        name = name.strip()
        found[token] = (name if _ENV_NAME.fullmatch(name) else None, default if sep else None)
        out += [text[at:start], token]
        at = end + 1
    return "".join(out), found


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def _part(value: str | None, tokens: dict) -> tuple[str | None, str | None, bool]:
    """(literal or default, env var, known) of one URL part that may be a placeholder token."""
    if not value:
        return None, None, True
    if value in tokens or value.lower() in tokens:
        env, default = tokens.get(value) or tokens[value.lower()]
        return default or None, env, env is not None or bool(default)
    if _PLACEHOLDER_MARK in value.lower():
        return None, None, False
    return value, None, True


def connection_from_url(url: str) -> Connection | None:
    """The connection a database or broker URL names (``postgresql+psycopg://u:p@db:5432/name``,
    ``jdbc:mysql://${MYSQL_HOST:db}:3306/app``): one already-extracted string, split by urllib. A part that is
    a ``${NAME:default}`` placeholder is read from that env var with that default."""
    text = url.strip()[:1000]
    if text.lower().startswith("jdbc:"):
        text = text[5:]
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    kind = SCHEMES.get(scheme.split("+", 1)[0])
    if not kind:
        return None
    text, tokens = _placeholders(text)
    try:
        parts = urlsplit(text)
        host_text = parts.hostname
        port_text = parts.netloc.rsplit("@", 1)[-1].rpartition(":")[2] if ":" in parts.netloc.rsplit("@", 1)[-1] \
            else None
        port = parts.port if port_text and port_text.isdigit() else None
    except ValueError:
        return None
    if port_text and not port_text.isdigit():
        if port_text.lower() not in tokens:
            return None
        default, _, _ = _part(port_text, tokens)
        port = int(default) if default and default.isdigit() and len(default) < 6 else None
    conn = Connection(kind, scheme=scheme)
    conn.host, conn.host_env, _ = _part(host_text, tokens)
    conn.port = port
    user, user_env, _ = _part(unquote(parts.username) if parts.username else None, tokens)
    conn.user, conn.user_env = user, user_env
    if parts.password is not None:
        _, password_env, known = _part(parts.password, tokens)
        if password_env:
            conn.password_source, conn.password_env = "env", password_env
        elif known and parts.password:
            conn.password_source = "literal"
    path = parts.path.lstrip("/")
    if path and kind in ("postgres", "mysql", "mongodb"):
        conn.database, conn.database_env, _ = _part(unquote(path), tokens)
    return conn


# libpq keyword/value connection strings ("host=db user=app dbname=app sslmode=disable")
_DSN_KEYS = {"host": "host", "hostaddr": "host", "port": "port", "user": "user", "dbname": "database",
             "database": "database", "password": "password"}


def connection_from_dsn(dsn: str, kind: str | None = None) -> Connection | None:
    """The connection of a DSN that is not a URL: libpq's ``host=db dbname=app`` and Go MySQL's
    ``user:pass@tcp(db:3306)/app``; placeholders as in :func:`connection_from_url`."""
    text = dsn.strip()[:1000]
    if "://" in text:
        return connection_from_url(text)
    text, tokens = _placeholders(text)
    if "@tcp(" in text or "@unix(" in text or (kind == "mysql" and "@" in text and "/" in text):
        credentials, _, rest = text.rpartition("@")
        user, _, password = credentials.partition(":")
        address, _, database = rest.partition("/")
        if address.startswith(("tcp(", "unix(")) and address.endswith(")"):
            address = address[address.index("(") + 1:-1]
        conn = Connection("mysql")
        host, _, port = address.rpartition(":") if ":" in address else (address, "", "")
        conn.host, conn.host_env, _ = _part(host or None, tokens)
        port_value, _, _ = _part(port or None, tokens)
        conn.port = int(port_value) if port_value and port_value.isdigit() and len(port_value) < 6 else None
        conn.user, conn.user_env, _ = _part(user or None, tokens)
        conn.database, conn.database_env, _ = _part(database.split("?", 1)[0] or None, tokens)
        _, password_env, known = _part(password or None, tokens)
        if password_env:
            conn.password_source, conn.password_env = "env", password_env
        elif password and known:
            conn.password_source = "literal"
        return conn
    pairs = [p.partition("=") for p in text.split()]
    values = {k.strip().lower(): v.strip().strip("'") for k, sep, v in pairs if sep}
    if not any(k in values for k in ("host", "hostaddr", "dbname")):
        return None
    conn = Connection(kind or "postgres")
    for key, attr in _DSN_KEYS.items():
        if key not in values or attr == "port" and conn.port:
            continue
        value, env, known = _part(values[key], tokens)
        if attr == "port":
            conn.port = int(value) if value and value.isdigit() and len(value) < 6 else None
        elif attr == "password":
            if env:
                conn.password_source, conn.password_env = "env", env
            elif known and value:
                conn.password_source = "literal"
        elif getattr(conn, attr) is None and getattr(conn, attr + "_env") is None:
            setattr(conn, attr, value)
            setattr(conn, attr + "_env", env)
    return conn


def connection_for(profile: Profile, kind: str) -> Connection | None:
    """The connection the code makes to a service of this kind (the first one with a host, else the first)."""
    found = [c for c in profile.connections if c.kind == kind]
    return next((c for c in found if c.host or c.host_env), found[0] if found else None)


def service_name(profile: Profile, kind: str) -> str:
    """The compose service of a kind: named after the host the code connects to when that is a fixed name
    a service can have (``db``, ``mongo``), else after its kind."""
    conn = connection_for(profile, kind)
    host = (conn.host or "").lower() if conn else ""
    taken = {"app"} | {s.kind for s in profile.services if s.kind != kind}
    if host and host not in LOCAL_HOSTS and _HOST_NAME.fullmatch(host) and host not in taken:
        return host
    return kind


def add_services_from_connections(profile: Profile) -> None:
    """A service for each connection the code makes that no dependency brought (a URL scheme, say)."""
    for conn in profile.connections:
        if conn.kind in CATALOG and not any(s.kind == conn.kind for s in profile.services):
            profile.services.append(Service(conn.kind))
            profile.note("services", f"the code connects to {conn.kind} ({conn.why})", conn.file, conn.line)


def warn_fixed_localhost(profile: Profile) -> None:
    """A host fixed to localhost in code can't reach a service in another container: say where."""
    for conn in profile.connections:
        if conn.host in LOCAL_HOSTS and not conn.host_env and not conn.url_env:
            where = f"{conn.file}:{conn.line}" if conn.line else (conn.file or "the code")
            profile.warnings.append(f"{where} connects to {conn.kind} on {conn.host} with no env var to change it: "
                                    f"in compose the {conn.kind} service is another host; read the host from an "
                                    f"env var (e.g. {conn.kind.upper()}_HOST)")


def warn_fixed_passwords(profile: Profile) -> None:
    """A password written in the code is not the one compose gives the service (a secret file): say where,
    and that the secret file must hold the same value, or the code read it from an env var."""
    for conn in profile.connections:
        spec = CATALOG.get(conn.kind)
        if spec is None or not spec.password_env or conn.password_source != "literal" or conn.url_env \
                or not any(s.kind == conn.kind for s in profile.services):
            continue
        where = f"{conn.file}:{conn.line}" if conn.line else (conn.file or "the code")
        profile.warnings.append(f"{where} connects to {conn.kind} with a password written in the code: compose "
                                f"gives the {conn.kind} service the password in ./secrets/{conn.kind}_password, so "
                                "put the same value there, or read the password from an env var "
                                f"(e.g. {conn.kind.upper()}_PASSWORD)")


def _url_with_host(profile: Profile, env_name: str, host: str, service_port: int | None = None) -> str | None:
    """The default URL the code gives ``env_name`` (a setting: no credentials in it), pointed at ``host`` (on
    ``service_port``, the port the service listens on, when the URL names another)."""
    var = profile.env_var(env_name)
    if var is None or var.secret or not var.default or "://" not in var.default or len(var.default) > 500:
        return None
    try:
        parts = urlsplit(var.default)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.password or not all(_SAFE_URL_PART.fullmatch(p) for p in (
            parts.scheme, parts.path or "/", parts.username or "x")) or parts.fragment or (
            parts.query and not _SAFE_QUERY.fullmatch(parts.query)):
        return None
    netloc = (f"{parts.username}@" if parts.username else "") + host + (
        f":{service_port or port}" if port else "")
    scheme = _PLAIN_SCHEME.get(parts.scheme.lower(), parts.scheme)  # the service runs no TLS, has no SRV record
    return f"{scheme}://{netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


_SAFE_URL_PART = re.compile(r"[A-Za-z0-9_.+/-]{1,200}")
_SAFE_QUERY = re.compile(r"[A-Za-z0-9_.=&-]{1,200}")  # retryWrites=true&w=majority


@dataclass
class Wiring:
    """A backing service as compose runs it so that the code reaches it unchanged."""

    name: str
    environment: dict[str, str]
    password_env: str | None
    password_secret: str | None
    healthcheck: tuple[str, ...]
    app_env: dict[str, str] = field(default_factory=dict)  # env vars the app gets (host, password file path)
    app_files: list[tuple[str, str]] = field(default_factory=list)  # (secret, path) mounted into the app
    url: str | None = None  # the code's own default URL, with the service's name for its host


def _setting(profile: Profile, literal: str | None, env: str | None) -> tuple[str | None, str | None]:
    """The value the code uses for a setting, and the env var to give the app when it reads one with no
    default (so both sides agree)."""
    if literal:
        return literal, None
    if env:
        var = profile.env_var(env)
        if var and var.default:
            return var.default, None
        if var and not var.secret:
            return None, env
    return None, None


_SAFE_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,63}")
_SAFE_PATH = re.compile(r"(?:/[A-Za-z0-9_.-]{1,100}){1,10}")


def _safe_path(path: str | None) -> bool:
    """An absolute path with plain names and no ``.``/``..`` parts: one a compose secret can be mounted at."""
    return bool(path and _SAFE_PATH.fullmatch(path) and not any(p in (".", "..") for p in path.split("/")))


def _open_mongodb(profile: Profile, conn: Connection | None) -> bool:
    """True when the code reaches mongodb with no credentials: none in the connection it makes, and its URL
    env var (if any) a setting whose default carries none (``link_service_env``)."""
    if conn is not None and (conn.user or conn.user_env or conn.password_source):
        return False
    service = next((s for s in profile.services if s.kind == "mongodb"), None)
    names = {n for n in (conn.url_env if conn else None, service.env_var if service else None) if n}
    if conn is None and not names:
        return False  # nothing says how the code connects: the image's credentials, in a secret
    return all((var := profile.env_var(n)) is None or not var.secret for n in names)


def wire(profile: Profile, kind: str) -> Wiring:
    spec = CATALOG[kind]
    name = service_name(profile, kind)
    conn = connection_for(profile, kind)
    env = dict(spec.environment)
    password_env, secret = spec.password_env, (f"{kind}_password" if spec.password_env else None)
    wiring = Wiring(name, env, password_env, secret, spec.healthcheck)
    if kind == "mongodb" and _open_mongodb(profile, conn):
        env.pop("MONGO_INITDB_ROOT_USERNAME", None)  # the code logs in with no credentials
        wiring.password_env = wiring.password_secret = None
    service = next((s for s in profile.services if s.kind == kind), None)
    url_env = conn.url_env if conn else service.env_var if service else None
    if url_env:  # the code's own default URL (a setting), pointed at the service
        wiring.url = _url_with_host(profile, url_env, name, spec.port)
    if conn is None:
        return wiring
    if conn.host_env:
        var = profile.env_var(conn.host_env)
        default = (var.default if var else None) or conn.host
        # an address the var holds whole (go-redis' and asynq's Addr: "localhost:6379") is the service's, with
        # the port it listens on
        host, colon, port = (default or "").rpartition(":")
        address = f"{name}:{spec.port}" if colon and host and (":" not in host or host[0] == "[") and port.isdigit() \
            and len(port) < 6 else name
        if default != address:
            wiring.app_env[conn.host_env] = f"${{{conn.host_env}:-{address}}}"
    settings = IMAGE_SETTINGS.get(kind, {})
    root = False
    for key, literal, env_name in (("user", conn.user, conn.user_env), ("database", conn.database, conn.database_env)):
        value, give = _setting(profile, literal, env_name)
        if key not in settings:
            continue
        if value and not _SAFE_VALUE.fullmatch(value):
            value = None
        if give:  # the app reads it with no default: set it to what the image is told
            value = env.get(settings[key], "app")
            wiring.app_env[give] = value
        if not value:
            continue
        if kind == "mysql" and key == "user" and value == "root":
            root = True
            continue
        env[settings[key]] = value
    if root:  # the app logs in as root: root's password is the one it reads
        env.pop("MYSQL_USER", None)
        env.pop("MYSQL_RANDOM_ROOT_PASSWORD", None)
        wiring.password_env = "MYSQL_ROOT_PASSWORD_FILE"
    if kind == "postgres":
        user, db = env.get("POSTGRES_USER", "app"), env.get("POSTGRES_DB", env.get("POSTGRES_USER", "app"))
        wiring.healthcheck = ("CMD-SHELL", f"pg_isready -U {user} -d {db} -h 127.0.0.1")
    if kind == "mongodb" and wiring.password_secret is None:
        return wiring
    if conn.password_source == "file" and _safe_path(conn.password_path) and wiring.password_secret:
        base = conn.password_path.rsplit("/", 1)[-1]
        source = base if conn.password_path == f"/run/secrets/{base}" and _SAFE_VALUE.fullmatch(base) else wiring.password_secret
        wiring.password_secret = source
        wiring.app_files.append((source, conn.password_path))
    elif conn.password_source == "env-file" and conn.password_env and wiring.password_secret:
        wiring.app_env[conn.password_env] = f"/run/secrets/{wiring.password_secret}"
        wiring.app_files.append((wiring.password_secret, f"/run/secrets/{wiring.password_secret}"))
    elif conn.password_source == "env" and conn.password_env and wiring.password_secret:
        var = profile.env_var(conn.password_env)
        if var and var.secret:
            wiring.password_secret = conn.password_env.lower()  # one file: the app's value and the image's
    return wiring


def example_url(profile: Profile, kind: str, password: str) -> str:
    """The URL an app reaches a wired service by, for the notes beside compose.yaml: the service's name, the
    user and database the image is given, ``password`` in the password's place (``{secret}`` in it names the
    password's secret file)."""
    spec = CATALOG[kind]
    wiring = wire(profile, kind)
    settings = IMAGE_SETTINGS.get(kind, {})
    user = wiring.environment.get(settings.get("user", ""), "root" if wiring.password_env == "MYSQL_ROOT_PASSWORD_FILE"
                                  else "app")
    database = wiring.environment.get(settings.get("database", ""), user if kind == "postgres" else "app")
    text = password.replace("{secret}", wiring.password_secret or f"{kind}_password")
    url = spec.url.format(host=wiring.name, password=text)
    if kind in ("postgres", "mysql"):
        scheme, _, rest = url.partition("://")
        url = f"{scheme}://{user}:{text}@{wiring.name}:{spec.port}/{database}"
    elif kind == "mongodb" and user != "app":
        url = f"mongodb://{user}:{text}@{wiring.name}:{spec.port}/?authSource=admin"
    return url


def password_secret(profile: Profile, kind: str) -> str:
    """The secret file that holds a wired service's password."""
    return wire(profile, kind).password_secret or f"{kind}_password"


# -- a URL the app reads as a secret, assembled from the service's one password file -------------

_SCHEME = re.compile(r"[a-z][a-z0-9]{0,19}(?:\+[a-z0-9]{1,20})?")
# the plain scheme a compose service answers to, for the ones that need what it doesn't run (TLS, SRV)
_PLAIN_SCHEME = {"rediss": "redis", "amqps": "amqp", "mongodb+srv": "mongodb"}


@dataclass(frozen=True)
class AssembledUrl:
    """The URL an app reads from ``env`` (a secret), built when the container starts:
    ``prefix`` + the password in the service's secret file ``password_secret``, percent-encoded, + ``suffix``.
    Without ``password_secret`` (a service that runs without one) ``prefix`` is the whole URL."""

    env: str
    kind: str
    prefix: str
    suffix: str = ""
    password_secret: str | None = None

    def example(self, password: str) -> str:
        return self.prefix + (password + self.suffix if self.password_secret else "")


# SQLAlchemy picks a driver by the URL's scheme (``postgresql://`` means psycopg 3 since 2.1, psycopg2 before):
# the driver the project installs, named in the scheme, when the code gives none
_SQLALCHEMY = ("sqlalchemy", "flask-sqlalchemy", "sqlmodel", "flask-migrate", "alembic")
_SQLALCHEMY_DRIVERS = {
    "postgres": (("psycopg2", "psycopg2"), ("psycopg2-binary", "psycopg2"), ("psycopg", "psycopg"),
                 ("psycopg-binary", "psycopg"), ("asyncpg", "asyncpg"), ("pg8000", "pg8000")),
    "mysql": (("pymysql", "pymysql"), ("mysqlclient", "mysqldb"), ("mysql-connector-python", "mysqlconnector"),
              ("aiomysql", "aiomysql")),
}


def _sqlalchemy_scheme(profile: Profile, kind: str) -> str | None:
    """``postgresql+psycopg2`` for a Python project on SQLAlchemy that installs psycopg2; None otherwise."""
    deps = {d.lower().split("[", 1)[0] for d in profile.dependencies}
    if profile.language != "python" or not deps & set(_SQLALCHEMY):
        return None
    base = "postgresql" if kind == "postgres" else kind
    return next((f"{base}+{driver}" for name, driver in _SQLALCHEMY_DRIVERS.get(kind, ()) if name in deps), None)


def assembled_url(profile: Profile, kind: str) -> AssembledUrl | None:
    """The URL of a backing service compose starts, for the env var the app reads it from as a secret
    (``DATABASE_URL``; a default in the code names another host): the scheme the code uses (``postgres://``, ``postgresql+psycopg://``), the
    service's name, port, user and database as wired, and its one password file. None when the app reads no
    such var, the URL can't hold the password (a JDBC URL takes it apart), or the kind has no catalog URL."""
    spec = CATALOG.get(kind)
    service = next((s for s in profile.services if s.kind == kind), None)
    var = profile.env_var(service.env_var) if service and service.env_var else None
    if spec is None or var is None or not var.secret or profile.language == "java":
        return None
    conn = next((c for c in profile.connections if c.kind == kind and c.url_env == var.name), None)
    default_scheme = spec.url.split("://", 1)[0]
    scheme = (conn.scheme or "").lower() if conn else ""
    scheme = _PLAIN_SCHEME.get(scheme, scheme)
    if not _SCHEME.fullmatch(scheme) or SCHEMES.get(scheme.split("+", 1)[0]) != kind:
        scheme = default_scheme
    if scheme == default_scheme and not (conn and conn.scheme):
        scheme = _sqlalchemy_scheme(profile, kind) or scheme
    wiring = wire(profile, kind)
    host = f"{wiring.name}:{spec.port}"
    if not spec.password_env:  # redis, rabbitmq: the catalog's URL, no secret in it to keep
        rest = spec.url.split("://", 1)[1].format(host=wiring.name)
        return AssembledUrl(var.name, kind, f"{scheme}://{rest}")
    if not wiring.password_secret:  # the code logs in with no credentials (mongodb)
        return AssembledUrl(var.name, kind, f"{scheme}://{host}/")
    settings = IMAGE_SETTINGS.get(kind, {})
    root = wiring.password_env == "MYSQL_ROOT_PASSWORD_FILE"
    user = "root" if root else wiring.environment.get(settings.get("user", ""), "app")
    database = wiring.environment.get(settings.get("database", ""), user if kind == "postgres" else "app")
    suffix = f"@{host}/?authSource=admin" if kind == "mongodb" else f"@{host}/{database}"
    return AssembledUrl(var.name, kind, f"{scheme}://{user}:", suffix, wiring.password_secret)
