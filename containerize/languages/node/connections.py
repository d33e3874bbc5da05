"""How JavaScript/TypeScript code connects to its database, read from the parse tree: an object literal with a
``host`` and a ``user``/``password``/``database`` (the options of mysql/mysql2/pg/knex/sequelize), its values
literals or env reads, a password read from the file an env var names (``readFileSync(process.env.X)``)."""
from __future__ import annotations

import re
from typing import Any

from ... import syntax
from ...profile import Connection, Profile, Service
from ...services import connection_from_url
from ...scan import SourceTree
from .source import modules, program
from .values import Env, register

CONNECTION_PAIRS = """
(pair key: (property_identifier) @key value: (_) @value (#eq? @key "host")) @pair
"""
register(CONNECTION_PAIRS)
_KEYS = {"host": "host", "hostname": "host", "port": "port", "user": "user", "username": "user",
         "password": "password", "database": "database", "db": "database"}
_DATABASE_KINDS = ("postgres", "mysql", "mongodb")


def _key(pair) -> str | None:
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    text = syntax.text(key).strip("'\"")
    return _KEYS.get(text)


def _scalar(value: Any) -> tuple[str | None, str | None]:
    """(literal or default, env var) of an evaluated value."""
    inner = getattr(value, "value", None)
    if isinstance(inner, Env):
        default = inner.default
        return (str(default) if isinstance(default, (str, int)) and not isinstance(default, bool) else None), inner.name
    if isinstance(inner, (str, int)) and not isinstance(inner, bool):
        return str(inner), None
    return None, None


def _file_read(prog, module, node) -> tuple[str | None, str | None] | None:
    """``readFileSync(X)`` (or ``cond ? readFileSync(X) : null``): X as (path, env var)."""
    for _ in range(3):
        if node is None:
            return None
        if node.type == "ternary_expression":
            node = node.child_by_field_name("consequence")
            continue
        if node.type == "call_expression" and node.child_by_field_name("function") is not None \
                and node.child_by_field_name("function").type == "member_expression":
            fn = node.child_by_field_name("function")
            prop = fn.child_by_field_name("property")
            if prop is not None and syntax.text(prop) in ("toString", "trim") :
                node = fn.child_by_field_name("object")
                continue
        break
    if node is None or node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    name = syntax.text(fn).rsplit(".", 1)[-1].lower() if fn is not None else ""
    if "readfile" not in name:
        return None
    args = node.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return _scalar(prog.value(module, first))


# Prisma's datasource providers -> service kind (sqlite is a file beside the app)
PRISMA_PROVIDERS = {"postgresql": "postgres", "postgres": "postgres", "cockroachdb": "postgres", "mysql": "mysql",
                    "mongodb": "mongodb"}
_PRISMA_SETTING = re.compile(r'\s*(provider|url)\s*=\s*(?:env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)|"([^"]*)")')


def read_prisma(tree: SourceTree, profile: Profile) -> None:
    """The ``datasource`` block of a Prisma schema (no parser for its format: one line at a time):
    ``provider = "postgresql"`` and ``url = env("DATABASE_URL")`` are a connection through that env var."""
    rel = next((f for f in ("prisma/schema.prisma", "schema.prisma") if tree.exists(f)), None)
    if rel is None:
        return
    inside, provider, url, url_env, start = False, None, None, None, None
    for number, line in enumerate(tree.lines(rel)[:5000], 1):
        stripped = line.strip()
        if stripped.startswith("datasource ") and stripped.endswith("{"):
            inside, start = True, number
        elif inside and stripped.startswith("}"):
            break
        elif inside and (m := _PRISMA_SETTING.match(stripped)):
            if m.group(1) == "provider":
                provider = m.group(3)
            else:
                url_env, url = m.group(2), m.group(3)
    kind = PRISMA_PROVIDERS.get(provider or "")
    if kind is None:
        return
    conn = (connection_from_url(url) if url else None) or Connection(kind)
    conn.kind, conn.url_env = kind, url_env
    conn.file, conn.line, conn.why = rel, start, f'a Prisma datasource (provider "{provider}")'
    profile.connections.append(conn)
    profile.note("connections", f"{kind}: Prisma datasource" + (f" url = env(\"{url_env}\")" if url_env else ""),
                 rel, start)
    if url_env and profile.env_var(url_env) is None:
        profile.add_env(url_env, None, True)  # Prisma reads it at run time
        profile.note("env", f"{url_env}: the Prisma datasource url (a secret)", rel, start)
    if not any(s.kind == kind for s in profile.services):
        profile.services.append(Service(kind))
        profile.note("services", f"the Prisma datasource is {provider}", rel, start)


def read_connections(tree: SourceTree, files: list[str], profile: Profile) -> None:
    read_prisma(tree, profile)
    kinds = [s.kind for s in profile.services if s.kind in _DATABASE_KINDS]
    if len(kinds) != 1:
        return  # which database an options object is for is not known
    kind = kinds[0]
    prog = program(tree)
    for module in modules(tree, files):
        try:
            found = module.captures(CONNECTION_PAIRS)
        except Exception:  # noqa: BLE001 - a grammar that can't run the query: nothing to read
            continue
        for pair in found.get("pair", []):
            obj = pair.parent
            if obj is None or obj.type != "object":
                continue
            values: dict[str, Any] = {}
            for child in obj.named_children:
                if child.type == "pair" and _key(child):
                    values[_key(child)] = child.child_by_field_name("value")
            if not ({"user", "password", "database"} & set(values)):
                continue
            conn = Connection(kind)
            conn.host, conn.host_env = _scalar(prog.value(module, values["host"]))
            port, _ = _scalar(prog.value(module, values.get("port")))
            conn.port = int(port) if port and port.isdigit() else None
            if "user" in values:
                conn.user, conn.user_env = _scalar(prog.value(module, values["user"]))
            if "database" in values:
                conn.database, conn.database_env = _scalar(prog.value(module, values["database"]))
            if "password" in values:
                read = _file_read(prog, module, values["password"])
                if read is not None:
                    path, env = read
                    if env:
                        conn.password_source, conn.password_env = "env-file", env
                    elif path and path.startswith("/"):
                        conn.password_source, conn.password_path = "file", path
                else:
                    literal, env = _scalar(prog.value(module, values["password"]))
                    if env:
                        conn.password_source, conn.password_env = "env", env
                    elif literal is not None:
                        conn.password_source = "literal"
            conn.file, conn.line = module.rel, syntax.line(pair)
            conn.why = "a connection options object"
            profile.connections.append(conn)
            profile.note("connections", f"{kind}: options with a host", conn.file, conn.line)
