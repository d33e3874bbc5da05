"""How JavaScript/TypeScript code connects to its backing services, read from the parse tree.

The drivers' own calls (``new Pool({ connectionString })`` and ``new Client(...)`` of pg, ``mysql2.createPool``,
node-redis's ``createClient({ url })``, ioredis's ``new Redis(url | port, host | {host, port})``,
``mongoose.connect(uri)``, ``new MongoClient(uri)``, ``amqplib.connect(url)``, knex, Sequelize and TypeORM
options) are found through the names the module binds to the package; their arguments are followed through
constants, config modules and spreads (:mod:`.values`). A URL is rebuilt as a template (literal text,
``${NAME:default}`` for an env read, ``${?}`` for a part computed at run time) and split by
``services.connection_from_url``. An object literal with a ``host`` and a ``user``/``password``/``database``
that no driver call was seen reading is a connection to the app's one database. A password read from the file
an env var names (``readFileSync(process.env.X)``) is recorded as such."""
from __future__ import annotations

import posixpath
import re
from dataclasses import fields
from typing import Any

from ... import syntax
from ...envvars import is_port_name
from ...profile import Connection, Profile, Service
from ...services import CATALOG, connection_from_url
from ...scan import SourceTree
from .source import modules, program
from .values import TRANSPARENT, Env, Obj, _require_spec, register

CONNECTION_PAIRS = """
(pair key: (property_identifier) @key value: (_) @value (#eq? @key "host")) @pair
"""
# hapi's cache providers: ``provider: { constructor: CatboxRedis, options: {...} }``, ``provider: CatboxRedis``,
# and the older ``{ engine: require('catbox-redis'), host, port }`` (its options beside it)
CACHE_PROVIDERS = """
(pair key: (property_identifier) @key value: (_) @value (#any-of? @key "constructor" "provider" "engine")) @pair
"""
register(CONNECTION_PAIRS, CACHE_PROVIDERS)
# catbox-redis connects to 127.0.0.1 when its options give no url, socket nor host
CATBOX_HOST = "127.0.0.1"
# keys of a hapi cache entry (beside ``engine``) that are not the engine's connection options
_CACHE_KEYS = ("name", "engine", "provider", "shared", "partition")
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


SQLITE_DIR = "/app/data"  # the image's data folder: a volume owned by the app user


def _prisma_sqlite(profile: Profile, rel: str, line: int | None, url_env: str | None, url: str | None) -> None:
    """A Prisma SQLite datasource: ``file:./dev.db`` is relative to the schema's folder, which the image's app user
    can't write (and the read-only container keeps nothing in). A URL from an env var is pointed at the data
    folder (a volume); a file named in the schema itself gets a warning."""
    var = profile.env_var(url_env) if url_env else None
    value = var.default if var is not None else url
    path, _, query = (value or "").removeprefix("file:").partition("?")
    name = posixpath.basename(path) if path and path.endswith(SQLITE_SUFFIXES) and "/" not in path.lstrip("./") \
        else None
    if path.startswith("/") and _plain_path(posixpath.dirname(path)) and posixpath.dirname(path) not in ("/", ""):
        folder = posixpath.dirname(path)  # already an absolute path: that folder is kept
        if folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the Prisma SQLite database {path}", rel, line, 0.8)
        return
    if url_env is None:
        profile.warnings.append(f"{rel}:{line}: the Prisma SQLite database {value!r} is a file beside the schema, "
                                "which the app user can't write in the image: read the url from an env var "
                                f"(url = env(\"DATABASE_URL\")) so it can point at {SQLITE_DIR}")
        return
    target = f"file:{SQLITE_DIR}/{name or 'app.db'}" + (f"?{query}" if query and _plain_path(query.replace("=", "").replace("&", "")) else "")
    var = profile.add_env(url_env)
    var.default, var.secret = target, False  # a file path, no credentials
    if SQLITE_DIR not in profile.writable_paths:
        profile.writable_paths.append(SQLITE_DIR)
    profile.note("env", f"{url_env}: the Prisma SQLite file ({value or 'no default'}) is kept in {SQLITE_DIR}, a "
                 f"volume the app user owns: {target}", rel, line, 0.85)
    profile.note("writable_paths", f"{SQLITE_DIR}: the Prisma SQLite database ({url_env})", rel, line, 0.85)


SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def _plain_path(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "/._-" for c in text)


def read_prisma(tree: SourceTree, profile: Profile, schema: str | None = None) -> None:
    """The ``datasource`` block of a Prisma schema (``schema``: package.json's ``prisma.schema`` or the default
    place; no parser for its format: one line at a time): ``provider = "postgresql"`` and
    ``url = env("DATABASE_URL")`` are a connection through that env var."""
    rel = schema if schema and schema.endswith(".prisma") and tree.exists(schema) else \
        next((f for f in ("prisma/schema.prisma", "schema.prisma") if tree.exists(f)), None)
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
    if provider == "sqlite":
        _prisma_sqlite(profile, rel, start, url_env, url)
        return
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


# -- driver calls ------------------------------------------------------------------------------------

# Calls and constructions of any name or property; run only over the modules that import a client package.
CLIENT_CALLS = """
(call_expression function: [(identifier) (member_expression)] @fn arguments: (arguments) @args) @call
(new_expression constructor: [(identifier) (member_expression)] @fn arguments: (arguments)? @args) @call
"""
# (package, what is called) -> (service kind, how its arguments read); "" kind: from the options or the URL
CLIENTS: dict[tuple[str, str], tuple[str, str]] = {}
for _pkg, _names, _kind, _style in (
        ("pg", ("Pool", "Client", "native.Pool", "native.Client"), "postgres", "pg"),
        ("pg-pool", ("default",), "postgres", "pg"),
        ("postgres", ("default",), "postgres", "options"),
        ("mysql2", ("createPool", "createConnection", "createPoolCluster"), "mysql", "options"),
        ("mysql", ("createPool", "createConnection", "createPoolCluster"), "mysql", "options"),
        ("mariadb", ("createPool", "createConnection"), "mysql", "options"),
        ("redis", ("createClient",), "redis", "options"),
        ("@redis/client", ("createClient",), "redis", "options"),
        ("ioredis", ("default", "Redis"), "redis", "ioredis"),
        ("mongoose", ("connect", "createConnection"), "mongodb", "options"),
        ("mongodb", ("MongoClient", "MongoClient.connect"), "mongodb", "options"),
        ("@payloadcms/db-mongodb", ("mongooseAdapter",), "mongodb", "options"),
        ("amqplib", ("connect",), "rabbitmq", "options"),
        ("amqp-connection-manager", ("connect",), "rabbitmq", "options"),
        ("knex", ("default", "knex"), "", "knex"),
        ("sequelize", ("Sequelize", "default"), "", "sequelize"),
        ("@sequelize/core", ("Sequelize", "default"), "", "sequelize"),
        ("typeorm", ("DataSource", "createConnection"), "", "typeorm"),
        ("@hapi/catbox-redis", ("Engine", "default"), "redis", "catbox"),
        ("catbox-redis", ("Engine", "default"), "redis", "catbox")):
    for _name in _names:
        CLIENTS[(_pkg, _name)] = (_kind, _style)
# the client or dialect names of knex, Sequelize and TypeORM
DIALECTS = {"pg": "postgres", "postgres": "postgres", "postgresql": "postgres", "cockroachdb": "postgres",
            "mysql": "mysql", "mysql2": "mysql", "mariadb": "mysql", "mongodb": "mongodb"}
_URL_KEYS = ("url", "uri", "connectionString", "connection_string")
# where each driver goes when it is given no host
_DEFAULT_HOST = {"redis": "localhost", "mysql": "localhost", "rabbitmq": "localhost"}
# libpq's env vars, which pg reads for whatever its options leave out
PG_ENV = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "database": "PGDATABASE", "password": "PGPASSWORD"}


def _value(prog, module, node):
    """What an expression evaluates to; a shorthand property (``{ connectionString }``) is the name it repeats."""
    if node is not None and node.type == "shorthand_property_identifier":
        return prog.name(module, syntax.text(node))
    return prog.value(module, node)


def _package(spec: str) -> str:
    """``mysql2/promise`` -> mysql2, ``@redis/client`` stays."""
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def _imports_client(module) -> bool:
    for bound in module.bindings.values():
        if isinstance(bound, tuple) and bound[0] in ("import", "require"):
            spec = bound[1]
        elif isinstance(bound, tuple) and bound[0] == "member":
            spec = _require_spec(bound[1]) if bound[1] is not None and bound[1].type == "call_expression" else None
        elif bound is not None and not isinstance(bound, tuple) and bound.type == "call_expression":
            spec = _require_spec(bound)
        else:
            spec = None
        if spec and any(_package(spec) == p for p, _ in CLIENTS):
            return True
    return False


def _callee(prog, module, fn) -> tuple[str, str] | None:
    """(package, name) of what a call names: ``Pool`` of pg, ``mongoose.connect``, ``MongoClient.connect``."""
    if fn.type == "identifier":
        found = prog.name(module, syntax.text(fn))
        value = found.value if found is not None else None
        if isinstance(value, tuple) and len(value) == 3 and value[0] == "package":
            return _package(value[1]), value[2] or "default"
        return None
    if fn.type == "member_expression":
        obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
        found = prog.value(module, obj) if obj is not None else None
        value = found.value if found is not None else None
        if prop is not None and isinstance(value, tuple) and len(value) == 3 and value[0] == "package":
            name = syntax.text(prop)
            name = f"{value[2]}.{name}" if value[2] and value[2] != "default" else name
            return _package(value[1]), name
    return None


def _options(prog, module, node, depth: int = 0, seen: list | None = None
             ) -> tuple[dict[str, tuple[Any, Any]], Obj | None, bool] | None:
    """The properties of an options object (through names, imports and spreads): key -> (module, value node),
    the object, and whether every property is known. ``seen`` gets every object literal read on the way."""
    found = _value(prog, module, node) if node is not None else None
    obj = found.value if found is not None else None
    if not isinstance(obj, Obj) or depth > 4:
        return None
    if seen is not None:
        seen.append(obj)
    props: dict[str, tuple[Any, Any]] = {}
    complete = True
    for child in obj.node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            name = syntax.text(key).strip("'\"") if key is not None else ""
            props[name] = (obj.module, child.child_by_field_name("value"))
        elif child.type == "shorthand_property_identifier":
            props[syntax.text(child)] = (obj.module, child)
        elif child.type == "spread_element":
            inner = _options(prog, obj.module, child.named_children[0] if child.named_children else None, depth + 1,
                             seen)
            if inner is None:
                complete = False
                continue
            props.update(inner[0])
            complete = complete and inner[2]
        elif child.type != "comment":
            complete = False
    return props, obj, complete


def _template(prog, module, node, depth: int = 0) -> str | None:
    """An expression as text: literal parts as they are, ``${NAME:default}`` for an env read and ``${?}`` for a
    part computed at run time (the form :func:`services.connection_from_url` splits); None when unknown."""
    if node is None or depth > 12:
        return None
    found = _value(prog, module, node)
    value = found.value if found is not None else None
    if isinstance(value, Env):
        default = value.default
        text = str(default).replace("}", "") if isinstance(default, (str, int)) and not isinstance(default, bool) \
            else None
        return "${" + value.name + (f":{text}" if text is not None else "") + "}"
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value).replace("${", "$ {")
    kind = node.type
    if kind in TRANSPARENT:
        inner = next((c for c in node.named_children if c.type != "comment"), None)
        return _template(prog, module, inner, depth + 1)
    if kind == "template_string":
        parts = []
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                parts.append(_template(prog, module, inner, depth + 1) or "${?}")
            elif child.type == "string_fragment":
                parts.append(syntax.text(child).replace("${", "$ {"))
            elif child.type == "escape_sequence":
                parts.append("${?}")
        return "".join(parts)
    if kind == "binary_expression" and syntax.text(node.child_by_field_name("operator")) == "+":
        left = _template(prog, module, node.child_by_field_name("left"), depth + 1)
        right = _template(prog, module, node.child_by_field_name("right"), depth + 1)
        return None if left is None and right is None else (left or "${?}") + (right or "${?}")
    if kind in ("identifier", "shorthand_property_identifier"):
        bound = module.bindings.get(syntax.text(node))
        if bound is not None and not isinstance(bound, tuple):
            return _template(prog, module, bound, depth + 1)
        if isinstance(bound, tuple) and bound[0] == "import":
            other = prog.resolve(module, bound[1])
            target = other.exports.get(bound[2]) if other is not None else None
            if target is not None and not isinstance(target, tuple):
                return _template(prog, other, target, depth + 1)
        return None
    if kind == "member_expression":
        prop = node.child_by_field_name("property")
        whole = _options(prog, module, node.child_by_field_name("object"))
        if whole is not None and prop is not None and syntax.text(prop) in whole[0]:
            where, value_node = whole[0][syntax.text(prop)]
            return _template(prog, where, value_node, depth + 1)
        return None
    if kind == "call_expression":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is not None and syntax.text(fn) in ("String", "encodeURIComponent", "encodeURI") and args is not None \
                and args.named_children:
            return _template(prog, module, args.named_children[0], depth + 1)
    return None


def _url_connection(prog, module, node, kind: str) -> Connection | None:
    """A URL argument: an env var (its default URL, when it has one, gives the parts) or a text with parts."""
    found = _value(prog, module, node) if node is not None else None
    value = found.value if found is not None else None
    if isinstance(value, Env):
        default = value.default if isinstance(value.default, str) else None
        conn = connection_from_url(default) if default and "://" in default else None
        if conn is None:
            if not kind:
                return None
            conn = Connection(kind)
        conn.url_env = value.name
        return conn
    text = _template(prog, module, node)
    if text and "://" in text:
        return connection_from_url(text)
    return None


def _field(prog, module, node) -> tuple[str | None, str | None]:
    return _scalar(_value(prog, module, node)) if node is not None else (None, None)


def _password(prog, module, node, conn: Connection) -> None:
    read = _file_read(prog, module, node)
    if read is not None:
        path, env = read
        if env:
            conn.password_source, conn.password_env = "env-file", env
        elif path and path.startswith("/"):
            conn.password_source, conn.password_path = "file", path
        return
    literal, env = _field(prog, module, node)
    if env:
        conn.password_source, conn.password_env = "env", env
    elif literal is not None:
        conn.password_source = "literal"


def _from_options(prog, props: dict[str, tuple[Any, Any]], kind: str, complete: bool) -> Connection | None:
    """The connection an options object describes: a URL property, else host, port, user, database, password."""
    conn = None
    for key in _URL_KEYS:
        if key in props:
            conn = _url_connection(prog, props[key][0], props[key][1], kind)
            if conn is not None:
                break
    if conn is not None and kind and conn.kind != kind:
        conn.kind = kind
    socket = _options(prog, *props["socket"]) if "socket" in props else None  # node-redis 4: socket.host
    where = dict(props)
    if socket is not None:
        where.update({k: v for k, v in socket[0].items() if k in ("host", "port")})
    host_key = next((k for k in ("host", "hostname") if k in where), None)
    if conn is None:
        if not kind:
            return None
        conn = Connection(kind)
        if host_key is None and complete and not any(k in props for k in _URL_KEYS):
            conn.host = _DEFAULT_HOST.get(kind)
    if host_key is not None:
        host, host_env = _field(prog, *where[host_key])
        if host and "://" in host and kind in ("mongodb", "rabbitmq"):
            parsed = connection_from_url(host)
            host = parsed.host if parsed else None
        if host or host_env:
            conn.host, conn.host_env = host, host_env
    if "port" in where:
        port, _ = _field(prog, *where["port"])
        conn.port = int(port) if port and port.isdigit() and len(port) < 6 else conn.port
    user_key = next((k for k in ("user", "username") if k in props), None)
    if user_key:
        conn.user, conn.user_env = _field(prog, *props[user_key])
    db_keys = ("database", "dbname", "db") if kind in ("postgres", "mysql", "mongodb") else ()
    db_key = next((k for k in db_keys + ("dbName",) if k in props), None) if kind != "redis" else None
    if db_key:
        conn.database, conn.database_env = _field(prog, *props[db_key])
    if "password" in props:
        _password(prog, props["password"][0], props["password"][1], conn)
    return conn


def _call_connection(prog, module, args: list, kind: str, style: str, seen: list) -> Connection | None:
    """The connection a driver call makes (``seen`` gets the options objects it read)."""
    first = args[0] if args else None
    if style == "ioredis" and first is not None:
        found = prog.value(module, first)
        port_env = isinstance(found.value, Env) and (is_port_name(found.value.name) or isinstance(
            found.value.default, int) and not isinstance(found.value.default, bool)) if found is not None else False
        if found is not None and (port_env or isinstance(found.value, int) and not isinstance(found.value, bool)):
            conn = Connection("redis")  # new Redis(port, host)
            port, _ = _scalar(found)
            conn.port = int(port) if port and port.isdigit() and len(port) < 6 else None
            if len(args) > 1:
                conn.host, conn.host_env = _field(prog, module, args[1])
            if not (conn.host or conn.host_env):
                conn.host = "localhost"
            return conn
    if style == "catbox":  # new CatboxRedis.Engine(options), new Catbox.Client(Engine, options)
        opts = _options(prog, module, first, 0, seen) if first is not None else None
        return _catbox(prog, opts[0] if opts else {}, opts[2] if opts else first is None)
    if style in ("knex", "typeorm"):
        opts = _options(prog, module, first, 0, seen)
        if opts is None:
            return None
        props = opts[0]
        dialect_key = "client" if style == "knex" else "type"
        dialect, _ = _field(prog, *props[dialect_key]) if dialect_key in props else (None, None)
        kind = DIALECTS.get((dialect or "").lower(), "")
        if style == "knex" and "connection" in props:
            inner = _options(prog, *props["connection"], 0, seen)
            if inner is not None:
                return _from_options(prog, inner[0], kind, inner[2])
            conn = _url_connection(prog, props["connection"][0], props["connection"][1], kind)
            return conn
        return _from_options(prog, props, kind, opts[2]) if style == "typeorm" else None
    if style == "sequelize":
        conn = _url_connection(prog, module, first, "")
        last = _options(prog, module, args[-1], 0, seen) if args else None
        props = last[0] if last is not None else {}
        dialect, _ = _field(prog, *props["dialect"]) if "dialect" in props else (None, None)
        kind = DIALECTS.get((dialect or "").lower(), conn.kind if conn else "")
        if conn is not None:
            return conn
        if not kind or len(args) < 3:
            return None
        conn = _from_options(prog, props, kind, last[2] if last else False)
        conn.database, conn.database_env = _field(prog, module, args[0])
        conn.user, conn.user_env = _field(prog, module, args[1])
        _password(prog, module, args[2], conn)
        return conn
    if first is not None and first.type == "array" and style == "options":  # amqp-connection-manager: [urls]
        first = next((c for c in first.named_children if c.type != "comment"), None)
    conn = _url_connection(prog, module, first, kind) if first is not None else None
    if conn is not None:
        if conn.kind != kind and kind != "mongodb":
            conn.kind = kind
        return conn
    opts = _options(prog, module, first, 0, seen) if first is not None else None
    if opts is not None:
        return _from_options(prog, opts[0], kind, opts[2])
    if first is None and style == "pg":
        return Connection(kind)
    if first is None and kind in _DEFAULT_HOST:  # createClient(): the driver's localhost
        return Connection(kind, host=_DEFAULT_HOST[kind])
    return None


def _catbox(prog, props: dict[str, tuple[Any, Any]], complete: bool) -> Connection:
    """catbox-redis's connection: its ``url`` or ``host``/``port`` options, else 127.0.0.1 (when every option
    is known)."""
    conn = _from_options(prog, props, "redis", False) or Connection("redis")
    if complete and not (conn.host or conn.host_env or conn.url_env) and \
            not any(k in props for k in _URL_KEYS + ("socket", "client", "cluster")):
        conn.host = CATBOX_HOST
    return conn


def _cache_providers(prog, module) -> list[tuple[Connection, Any, list[Obj]]]:
    """The catbox-redis engines a hapi server's cache options name (not calls): each connection, where,
    and the options objects read."""
    found = []
    for m in module.matches(CACHE_PROVIDERS):
        pair, key, value = m["pair"][0], syntax.text(m["key"][0]), m["value"][0]
        callee = _callee(prog, module, value) if value.type in ("identifier", "member_expression") else \
            _required(prog, module, value)
        if callee is None or CLIENTS.get(callee, ("", ""))[1] != "catbox":
            continue
        obj = pair.parent
        props: dict[str, tuple[Any, Any]] = {}
        complete = True
        seen: list[Obj] = []
        if key == "constructor":  # { constructor, options }
            options = next((c.child_by_field_name("value") for c in obj.named_children if c.type == "pair" and
                            syntax.text(c.child_by_field_name("key")).strip("'\"") == "options"), None)
            opts = _options(prog, module, options, 0, seen) if options is not None else None
            if options is not None:
                props, complete = (opts[0], opts[2]) if opts else ({}, False)
        elif key == "engine":  # catbox-redis 4 and older: the options beside the engine
            opts = _options(prog, module, obj, 0, seen)
            if opts is not None:
                props = {k: v for k, v in opts[0].items() if k not in _CACHE_KEYS}
                complete = opts[2]
        found.append((_catbox(prog, props, complete), pair, seen))
    return found


def _required(prog, module, node) -> tuple[str, str] | None:
    """``require('catbox-redis')`` (or its ``.Engine``) written in place: (package, name)."""
    found = prog.value(module, node)
    value = found.value if found is not None else None
    if isinstance(value, tuple) and len(value) == 3 and value[0] == "package":
        return _package(value[1]), value[2] or "default"
    return None


def _pg_env(conn: Connection, profile: Profile, rel: str, line: int) -> None:
    """pg reads PGHOST, PGUSER, PGDATABASE, PGPASSWORD and PGPORT for what its options leave out."""
    if conn.url_env or conn.host or conn.host_env:
        return
    conn.host_env = PG_ENV["host"]
    if not (conn.user or conn.user_env):
        conn.user_env = PG_ENV["user"]
    if not (conn.database or conn.database_env):
        conn.database_env = PG_ENV["database"]
    if conn.password_source is None:
        conn.password_source, conn.password_env = "env", PG_ENV["password"]
    for attr in ("host", "user", "database", "password"):
        name = PG_ENV[attr]
        if name in (conn.host_env, conn.user_env, conn.database_env, conn.password_env) and \
                profile.env_var(name) is None:
            profile.add_env(name, None, attr == "password")
            profile.note("env", f"{name}: read by pg for the connection the code leaves unset"
                         + (" (a secret)" if attr == "password" else ""), rel, line)


def _guard(prog, module, call, line: int) -> str | None:
    """Why a connect call may never run: it sits in the branch taken only when an env var with no default is
    set (``if (process.env.REDIS_URL) {...}``, ``process.env.REDIS_URL ? createClient(...) : null``)."""
    node, parent = call, call.parent
    for _ in range(40):
        if parent is None:
            return None
        test = None
        if parent.type == "if_statement" and parent.child_by_field_name("consequence") == node:
            test = parent.child_by_field_name("condition")
        elif parent.type == "ternary_expression" and parent.child_by_field_name("consequence") == node:
            test = parent.child_by_field_name("condition")
        elif parent.type == "binary_expression" and parent.child_by_field_name("right") == node \
                and syntax.text(parent.child_by_field_name("operator")) == "&&":
            test = parent.child_by_field_name("left")
        if test is not None:
            found = prog.value(module, test)
            if found is not None and isinstance(found.value, Env) and found.value.default is None:
                return f"{module.rel}:{line} connects only when {found.value.name} is set"
        if parent.type in ("function_declaration", "program"):
            return None
        node, parent = parent, parent.parent
    return None


_WHERE = ("file", "line", "why")


def _way(conn: Connection) -> tuple:
    """What a connection is, apart from where it is made (``createClient()`` in each of several scripts)."""
    return tuple(getattr(conn, f.name) for f in fields(Connection) if f.name not in _WHERE)


def read_driver_calls(tree: SourceTree, files: list[str], profile: Profile) -> set[tuple[str, int]]:
    """Connections made by the drivers' own calls; returns the options objects read (file, start byte)."""
    prog = program(tree)
    used: set[tuple[str, int]] = set()
    ways = {_way(c) for c in profile.connections}
    for module in modules(tree, files):
        if not _imports_client(module):
            continue
        try:
            found = module.matches(CLIENT_CALLS)
        except Exception:  # noqa: BLE001 - a grammar that can't run the query: nothing to read
            continue
        for conn, pair, seen in _cache_providers(prog, module):
            used.update((obj.module.rel, obj.node.start_byte) for obj in seen)
            conn.file, conn.line, conn.why = module.rel, syntax.line(pair), "a hapi cache with catbox-redis"
            where = f" to {conn.host}" if conn.host else (f" through {conn.url_env}" if conn.url_env else "")
            profile.note("connections", f"redis: catbox-redis{where}", module.rel, conn.line)
            if _way(conn) not in ways:
                ways.add(_way(conn))
                profile.connections.append(conn)
        for m in found:
            call, fn = m["call"][0], m["fn"][0]
            callee = _callee(prog, module, fn)
            client = CLIENTS.get(callee) if callee else None
            if client is None:
                continue
            args_node = m.get("args", [None])[0]
            args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
            seen: list[Obj] = []
            try:
                conn = _call_connection(prog, module, args, *client, seen)
            except (RecursionError, ValueError):
                continue
            if conn is None or conn.kind not in CATALOG:
                continue
            used.update((obj.module.rel, obj.node.start_byte) for obj in seen)
            name = f"{callee[0]}.{callee[1]}" if callee[1] != "default" else callee[0]
            named = fn.child_by_field_name("property") if fn.type == "member_expression" else None
            conn.file, conn.line = module.rel, syntax.line(named if named is not None else call)  # mongoose\n.connect(
            conn.why = f"{name}(...)"
            if client[1] == "pg":
                _pg_env(conn, profile, module.rel, conn.line)
            conn.optional = _guard(prog, module, call, conn.line)
            where = f" to {conn.host}" if conn.host else (f" through {conn.url_env}" if conn.url_env else "")
            profile.note("connections", f"{conn.kind}: {name}(...){where}", module.rel, conn.line)
            if _way(conn) not in ways:  # one record per way of connecting
                ways.add(_way(conn))
                profile.connections.append(conn)
    return used


def read_connections(tree: SourceTree, files: list[str], profile: Profile, prisma_schema: str | None = None) -> None:
    read_prisma(tree, profile, prisma_schema)
    used = read_driver_calls(tree, files, profile)
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
            if obj is None or obj.type != "object" or (module.rel, obj.start_byte) in used:
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
