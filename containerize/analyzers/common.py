"""Facts shared by every language: what a secret looks like, which env var
names a port, which backing service a dependency implies."""
from __future__ import annotations

import re

from ..profile import Profile
from ..scan import SourceTree

_SECRET_WORDS = re.compile(
    r"(PASSWORD|PASSWD|PASS$|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_KEY|"
    r"SIGNING_KEY|ENCRYPTION_KEY|_KEY$|^KEY$|DSN$|WEBHOOK)", re.I)
_NOT_SECRET = re.compile(r"(_PATH|_FILE|_DIR|_ID$|PUBLIC|_HOST|_PORT|KEY_NAME|_TTL|_EXPIRES?|_ALGORITHM|_LENGTH)$", re.I)
_URL_WITH_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@", re.I)
# URLs of databases and brokers carry credentials even when the default doesn't show them.
_CREDENTIAL_URL_NAMES = re.compile(
    r"^(DATABASE|DB|POSTGRES(QL)?|PG|MYSQL|MARIADB|MONGO(DB)?|REDIS|AMQP|RABBITMQ|BROKER|CELERY_BROKER|SQLALCHEMY_DATABASE)_?(URL|URI|DSN)$",
    re.I)

PORT_NAMES = ("PORT", "HTTP_PORT", "APP_PORT", "SERVER_PORT", "LISTEN_PORT", "WEB_PORT")


def is_secret(name: str, default: str | None = None) -> bool:
    """True when an env var (by its name or its default) holds a credential."""
    if default and _URL_WITH_CREDENTIALS.match(default):
        return True
    if _CREDENTIAL_URL_NAMES.match(name):
        return True
    if _NOT_SECRET.search(name):
        return False
    return bool(_SECRET_WORDS.search(name))


def is_port_name(name: str) -> bool:
    return name.upper() in PORT_NAMES or name.upper().endswith("_PORT") and "DB" not in name.upper()


# dependency name (lower case, normalised) -> backing service kind
SERVICE_DEPENDENCIES: dict[str, str] = {}
for _kind, _names in {
    "postgres": ("psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary", "asyncpg", "pg8000", "pg",
                 "postgres", "pg-promise", "github.com/lib/pq", "github.com/jackc/pgx/v5", "github.com/jackc/pgx/v4",
                 "tokio-postgres", "postgres-rs", "org.postgresql:postgresql", "pdo_pgsql", "ext-pgsql",
                 "ext-pdo_pgsql"),
    "mysql": ("mysqlclient", "pymysql", "mysql-connector-python", "aiomysql", "mysql2", "mysql",
              "github.com/go-sql-driver/mysql", "com.mysql:mysql-connector-j", "mysql:mysql-connector-java",
              "ext-pdo_mysql", "ext-mysqli", "trilogy"),
    "redis": ("redis", "aioredis", "ioredis", "github.com/redis/go-redis/v9", "github.com/go-redis/redis/v8",
              "redis-rs", "predis/predis", "ext-redis", "rq", "celery[redis]"),
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
    "bb8-redis": "redis", "fred": "redis",
}.items():
    SERVICE_DEPENDENCIES.setdefault(_n, _kind)

# The env var an app conventionally reads to find each service.
SERVICE_ENV = {
    "postgres": ("DATABASE_URL", "POSTGRES_URL", "POSTGRES_DSN", "PG_DSN", "DB_URL", "SQLALCHEMY_DATABASE_URI"),
    "mysql": ("DATABASE_URL", "MYSQL_URL", "MYSQL_DSN", "DB_URL"),
    "redis": ("REDIS_URL", "REDIS_DSN", "CACHE_URL", "CELERY_BROKER_URL", "BROKER_URL"),
    "mongodb": ("MONGODB_URI", "MONGO_URL", "MONGO_URI", "MONGODB_URL", "DATABASE_URL"),
}


def add_services_from_dependencies(profile: Profile, deps_with_origin: list[tuple[str, str | None, int | None]]) -> None:
    """Add a backing service for each dependency that implies one."""
    for name, file, line in deps_with_origin:
        kind = SERVICE_DEPENDENCIES.get(name.lower())
        if not kind or any(s.kind == kind for s in profile.services):
            continue
        from ..profile import Service

        profile.services.append(Service(kind))
        profile.note("services", f"{name} is a {kind} client", file, line)


def link_service_env(profile: Profile) -> None:
    """Tie each service to the env var the app reads for it (and make that a secret)."""
    for service in profile.services:
        if service.env_var:
            continue
        for name in SERVICE_ENV.get(service.kind, ()):
            var = profile.env_var(name)
            if var and not any(s.env_var == name for s in profile.services):
                service.env_var = name
                var.secret = var.secret or service.kind in ("postgres", "mysql", "mongodb")
                break


def read_dotenv_example(tree: SourceTree, profile: Profile) -> None:
    """Env vars documented in .env.example / .env.sample / .env.template."""
    for rel in (".env.example", ".env.sample", ".env.template", "env.example", ".env.dist"):
        for number, raw in enumerate(tree.lines(rel), 1):
            line = raw.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            name, _, value = line.removeprefix("export ").partition("=")
            name = name.strip()
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                continue
            value = value.strip().strip('"').strip("'") or None
            secret = is_secret(name, value)
            profile.add_env(name, None if secret else value, secret)
            profile.note("env", f"{name} is listed in {rel}", rel, number)


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
