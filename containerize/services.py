"""Backing services a compose file can run beside the app."""
from __future__ import annotations

from dataclasses import dataclass, field


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
}
