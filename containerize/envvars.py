"""Env vars, whatever the language: which are secrets, which name a port, and the ones a
project documents in its .env example file."""
from __future__ import annotations

import re

from .profile import Profile
from .scan import SourceTree

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
