"""How Rust code connects to its backing services, read from the parse trees of the binary's files.

The connect calls of the common crates (sqlx ``PgPool::connect(&url)`` and ``PgPoolOptions::new()...connect``,
``tokio_postgres::connect``, ``postgres::Client::connect``, diesel's ``PgConnection::establish``,
``redis::Client::open``, mongodb's ``Client::with_uri_str``, lapin's ``Connection::connect``,
``mysql::Pool::new``) and the fields of a deadpool-postgres ``Config`` (``cfg.host = Some(host)``). Their URL
is rebuilt as a template (literal text, ``${NAME:fallback}`` for an env read, ``${?}`` for the unknown, also
through ``format!``) and split by ``services.connection_from_url``/``connection_from_dsn``.
"""
from __future__ import annotations

from ... import syntax
from ...profile import Connection, Profile
from ...services import connection_from_dsn, connection_from_url
from .source import GRAMMAR, Crate, _arguments, _ends, _macro_args, _path, format_pieces, string_value

# callee path suffix -> service kind ("" when the URL's scheme says), index of the URL argument
CONNECT_PATHS: dict[str, tuple[str, int]] = {
    "PgPool::connect": ("postgres", 0), "PgPool::connect_lazy": ("postgres", 0),
    "PgConnection::connect": ("postgres", 0), "PgConnection::establish": ("postgres", 0),
    "MySqlPool::connect": ("mysql", 0), "MySqlPool::connect_lazy": ("mysql", 0),
    "MySqlConnection::connect": ("mysql", 0), "MysqlConnection::establish": ("mysql", 0),
    "AnyPool::connect": ("", 0), "tokio_postgres::connect": ("postgres", 0),
    "postgres::Client::connect": ("postgres", 0), "redis::Client::open": ("redis", 0),
    "Client::with_uri_str": ("mongodb", 0), "lapin::Connection::connect": ("rabbitmq", 0),
    "mysql::Pool::new": ("mysql", 0), "Opts::from_url": ("mysql", 0), "RedisConnectionManager::new": ("redis", 0),
    "ConnectionManager::new": ("", 0), "deadpool_redis::Config::from_url": ("redis", 0),
    "Client::open": ("redis", 0), "Connection::connect": ("rabbitmq", 0), "Client::connect": ("postgres", 0),
}
# a path that names a type of one crate only when that crate is a dependency
NEEDS_CRATE = {"Client::open": "redis", "Connection::connect": "lapin", "Client::connect": "postgres",
               "Client::with_uri_str": "mongodb"}
# methods whose receiver chain names the pool: PgPoolOptions::new().max_connections(5).connect(&url)
POOL_METHODS = {"connect", "connect_lazy"}
POOL_TYPES = (("PgPoolOptions", "postgres"), ("MySqlPoolOptions", "mysql"), ("PoolOptions", ""))
# deadpool-postgres / tokio-postgres Config fields
CONFIG_FIELDS = {"host": "host", "dbname": "database", "user": "user", "password": "password", "port": "port",
                 "url": "url"}
UNKNOWN = "${?}"

_ASSIGN = "(assignment_expression left: (field_expression field: (field_identifier) @field) right: (_) @value) @assign"


class _Reader:
    def __init__(self, crate: Crate):
        self.crate = crate

    def template(self, node, f, depth: int = 0) -> str:
        if node is None or depth > 10:
            return UNKNOWN
        literal = string_value(node)
        if literal is not None:
            return literal.replace("${", "$ {")
        kind = node.type
        if kind in ("reference_expression", "parenthesized_expression", "try_expression", "await_expression"):
            inner = node.child_by_field_name("value") or (node.named_children[0] if node.named_child_count else None)
            return self.template(inner, f, depth + 1)
        if kind == "macro_invocation" and syntax.text(node.child_by_field_name("macro")) in ("format", "std::format"):
            return self._format(node, f, depth)
        if kind == "call_expression":
            read = self.crate.env_of(node, f)
            if read:
                fallback = read[1] if read[1] is not None else self.crate.defaults.get(read[0], (None,))[0]
                return "${" + read[0] + (":" + fallback.replace("}", "") if fallback is not None else "") + "}"
            function = node.child_by_field_name("function")
            args = _arguments(node)
            if function is not None and function.type == "identifier" and syntax.text(function) in ("Some", "Ok") \
                    and args:
                return self.template(args[0], f, depth + 1)
            if function is not None and function.type == "field_expression" and not args and syntax.text(
                    function.child_by_field_name("field")) in ("to_string", "to_owned", "clone", "as_str", "into",
                                                               "trim", "unwrap", "expect"):
                return self.template(function.child_by_field_name("value"), f, depth + 1)
        if kind == "identifier":
            bound = self._if_let(node)
            if bound is not None:
                return self.template(bound, f, depth + 1)
        value = self.crate.value(node, f)
        if value.env:
            return "${" + value.env + (":" + value.text.replace("}", "") if value.text is not None else "") + "}"
        if value.text is not None:
            return value.text.replace("${", "$ {")
        return UNKNOWN

    @staticmethod
    def _if_let(node):
        """``if let Ok(x) = expr { ... x ... }``: the expr a name is bound to by an enclosing if-let."""
        name = syntax.text(node)
        parent = node.parent
        for _ in range(40):
            if parent is None:
                return None
            if parent.type == "if_expression":
                condition = parent.child_by_field_name("condition")
                if condition is not None and condition.type == "let_condition":
                    pattern = condition.child_by_field_name("pattern")
                    inner = [c for c in pattern.named_children if c.type == "identifier"][1:] \
                        if pattern is not None and pattern.type == "tuple_struct_pattern" else []
                    if len(inner) == 1 and syntax.text(inner[0]) == name:
                        return condition.child_by_field_name("value")
            parent = parent.parent
        return None

    def _format(self, node, f, depth: int) -> str:
        groups = _macro_args(node)
        if not groups or len(groups[0]) != 1:
            return UNKNOWN
        template = string_value(groups[0][0])
        if template is None:
            return UNKNOWN
        values, named = [], {}
        for group in groups[1:]:
            if len(group) == 3 and group[0].type == "identifier" and group[1].type == "=":
                named[syntax.text(group[0])] = self.template(group[2], f, depth + 1)
            elif len(group) == 1:
                values.append(self.template(group[0], f, depth + 1))
            else:
                values.append(UNKNOWN)
        pieces = format_pieces(template)
        if pieces is None:
            return UNKNOWN
        out, position = [], 0
        for is_arg, piece in pieces:
            if not is_arg:
                out.append(piece)
            elif not piece:
                out.append(values[position] if position < len(values) else UNKNOWN)
                position += 1
            elif piece.isdigit():
                out.append(values[int(piece)] if int(piece) < len(values) else UNKNOWN)
            else:
                out.append(named.get(piece, UNKNOWN))  # an inline name: its value is the let's
        return "".join(out)


def _whole(text: str) -> tuple[str, str | None] | None:
    """(env var, fallback) when the template is one env read."""
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1 and not text.startswith("${?"):
        name, sep, fallback = text[2:-1].partition(":")
        return name, (fallback if sep else None)
    return None


def connection_of(text: str, kind: str) -> Connection | None:
    whole = _whole(text.strip())
    if whole:
        name, fallback = whole
        conn = (connection_from_url(fallback) or connection_from_dsn(fallback, kind or None)) if fallback else None
        if conn is None and not kind:
            return None
        conn = conn or Connection(kind)
        conn.url_env = name
        return conn
    if text.strip() == UNKNOWN:
        return Connection(kind) if kind else None
    conn = connection_from_url(text) if "://" in text else connection_from_dsn(text, kind or None)
    return conn or (Connection(kind) if kind else None)


def read_connections(crate: Crate, profile: Profile, dependencies: set[str]) -> None:
    try:
        _read(crate, profile, dependencies)
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        profile.note("connections", "the connect calls could not all be read (unusual code): some are missing",
                     confidence=0.3)


def _read(crate: Crate, profile: Profile, dependencies: set[str]) -> None:
    reader = _Reader(crate)
    for f in crate.files:
        for call in f.calls:
            function = call.child_by_field_name("function")
            args = _arguments(call)
            kind = index = None
            path = _path(function)
            if function is not None and function.type == "field_expression":
                method = syntax.text(function.child_by_field_name("field"))
                receiver = syntax.text(function.child_by_field_name("value"))
                if method in POOL_METHODS:
                    found = next(((t, k) for t, k in POOL_TYPES if t in receiver), None)
                    kind, index = (found[1], 0) if found else (None, None)
                    path = f"{found[0]}::new()...{method}" if found else path
            else:
                for suffix, (k, i) in CONNECT_PATHS.items():
                    if _ends(path, (suffix,)):
                        kind, index = k, i
                        break
                crate = next((c for p, c in NEEDS_CRATE.items() if path == p or path.endswith("::" + p)
                              and path.split("::")[0] not in ("redis", "lapin", "postgres", "mongodb")), None)
                if kind is not None and crate and crate not in dependencies:
                    kind = None
            if kind is None or index is None or index >= len(args):
                continue
            conn = connection_of(reader.template(args[index], f), kind)
            if conn is None:
                continue
            _record(profile, conn, f.rel, syntax.line(call), f"{path}(...)")
        if not dependencies & {"deadpool-postgres", "tokio-postgres", "postgres"}:
            continue
        fields: dict[str, tuple[str, int]] = {}
        for _, m in syntax.matches(GRAMMAR, _ASSIGN, f.root):
            name = CONFIG_FIELDS.get(syntax.text(m["field"][0]))
            if name and name not in fields:
                fields[name] = (reader.template(m["value"][0], f), syntax.line(m["assign"][0]))
        if "host" not in fields and "url" not in fields:
            continue
        conn = connection_of(fields["url"][0], "postgres") if "url" in fields else Connection("postgres")
        if conn is None:
            continue
        for name, (text, _line) in fields.items():
            whole = _whole(text)
            env, fallback = whole if whole else (None, text if "${" not in text else None)
            if name == "host":
                conn.host, conn.host_env = fallback, env
            elif name == "database":
                conn.database, conn.database_env = fallback, env
            elif name == "user":
                conn.user, conn.user_env = fallback, env
            elif name == "port" and fallback and fallback.isdigit() and len(fallback) < 6:
                conn.port = int(fallback)
            elif name == "password":
                if env:
                    conn.password_source, conn.password_env = "env", env
                elif fallback:
                    conn.password_source = "literal"
        line = min(line for _, line in fields.values())
        _record(profile, conn, f.rel, line, "a deadpool-postgres Config")


def _record(profile: Profile, conn: Connection, rel: str, line: int, why: str) -> None:
    conn.file, conn.line, conn.why = rel, line, why
    profile.connections.append(conn)
    profile.note("connections", f"{conn.kind}: {why}" + (f" to {conn.host}" if conn.host else "")
                 + (f" (host from {conn.host_env})" if conn.host_env else "")
                 + (f" (URL from {conn.url_env})" if conn.url_env else ""), rel, line)
