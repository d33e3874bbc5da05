"""How Ruby code connects to its backing services.

Rails' ``config/database.yml`` (YAML with ERB tags: each tag's Ruby is parsed on its own by tree-sitter and
read by ``source.Reader``, e.g. ``<%= ENV.fetch("DB_HOST") { "localhost" } %>``; the YAML by ``yaml.safe_load``),
and the connect calls of the common gems, read from the parse trees: ``Redis.new(url: ...)``/``(host: ...)``,
``PG.connect(...)``, ``Mysql2::Client.new(...)``, ``Sequel.connect(url)``, ``Mongo::Client.new(...)``,
``Bunny.new(url)``; a password read from a file (``File.read(ENV.fetch("DB_PASSWORD_FILE")).strip``).
"""
from __future__ import annotations

import posixpath
import re

from ... import syntax
from ...profile import Connection, Profile
from ...scan import SourceTree
from ...services import connection_from_dsn, connection_from_url
from . import erb, source

# Rails adapters -> service kind
ADAPTERS = {"postgresql": "postgres", "postgis": "postgres", "mysql2": "mysql", "trilogy": "mysql",
            "mysql": "mysql", "mongoid": "mongodb"}
# (receiver, method) -> kind ("" when a URL's scheme says)
CONNECT_CALLS = {("Redis", "new"): "redis", ("RedisClient", "new"): "redis", ("RedisClient", "config"): "redis",
                 ("PG", "connect"): "postgres", ("PG::Connection", "new"): "postgres",
                 ("PG::Connection", "open"): "postgres", ("Mysql2::Client", "new"): "mysql",
                 ("Trilogy", "new"): "mysql", ("Sequel", "connect"): "", ("Mongo::Client", "new"): "mongodb",
                 ("Bunny", "new"): "rabbitmq"}
_KEYS = {"host": "host", "hostname": "host", "port": "port", "user": "user", "username": "user",
         "dbname": "database", "database": "database", "db": "database", "password": "password",
         "url": "url", "uri": "url"}
_TOKEN = "xcerb"
_READS = {"read", "strip", "chomp", "rstrip", "chomp!", "strip!", "read_text"}


def _erb(tree: SourceTree, rel: str, reader: source.Reader) -> tuple[str, object, dict[str, source.Value]] | None:
    """A settings file's text, its YAML and the value of each ``<%= ... %>`` tag (its Ruby read by ``reader``)."""
    def value_of(code: str) -> source.Value:
        root = syntax.parse("ruby", code).root_node
        return reader.value(root.named_children[-1]) if root.named_children else source.Value()

    return erb.load(tree, rel, _TOKEN, value_of)


def _setting(raw, values: dict[str, source.Value]) -> tuple[str | None, str | None]:
    """(literal or default, env var) of one database.yml value."""
    if raw is None or isinstance(raw, (dict, list, bool)):
        return None, None
    text = str(raw).strip()
    if text in values:
        value = values[text]
        return (None if value.lit is None else str(value.lit)), value.env
    if _TOKEN in text:
        return None, None
    return text, None


def _database_yml(tree: SourceTree, profile: Profile, reader: source.Reader) -> None:
    rel = "config/database.yml"
    found = _erb(tree, rel, reader)
    if found is None:
        return
    text, data, values = found
    if data is None:
        profile.note("connections", f"{rel} is not YAML this tool can read (after its ERB tags)", rel, None, 0.3)
        return
    section = data.get("production") if isinstance(data, dict) else None
    if isinstance(section, dict) and "adapter" not in section and "url" not in section:
        section = section.get("primary") or next((v for v in section.values() if isinstance(v, dict)), None)
    if not isinstance(section, dict):
        return
    adapter, _ = _setting(section.get("adapter"), values)
    url, url_env = _setting(section.get("url"), values)
    if (adapter or "").lower() in ("sqlite3", "sqlite") and not url and not url_env:
        _sqlite(profile, _setting(section.get("database"), values)[0], rel, text, tree)
        return
    kind = ADAPTERS.get((adapter or "").lower())
    conn = None
    if url:
        conn = connection_from_url(url)
    if conn is None and kind is None and not url_env:
        return
    conn = conn or Connection(kind or "postgres")
    if kind:
        conn.kind = kind
    conn.url_env = url_env
    for key in ("host", "port", "username", "database", "password"):
        literal, env = _setting(section.get(key), values)
        if literal is None and env is None:
            continue
        if key == "host":
            conn.host, conn.host_env = literal, env
        elif key == "port":
            conn.port = int(literal) if literal and literal.isdigit() and len(literal) < 6 else conn.port
        elif key == "username":
            conn.user, conn.user_env = literal, env
        elif key == "database":
            conn.database, conn.database_env = literal, env
        elif env:
            conn.password_source, conn.password_env = "env", env
        else:
            conn.password_source = "literal"
    var = profile.env_var("DATABASE_URL")
    implied = [e for e in profile.evidence.get("env", []) if e.why.startswith("DATABASE_URL")]
    if (conn.host or conn.host_env) and not url_env and var is not None and var.default is None \
            and implied and all("Active Record reads it" in e.why for e in implied):
        # database.yml names the host, user and password itself: DATABASE_URL may override them, isn't needed
        profile.env.remove(var)
        profile.note("env", "DATABASE_URL is not needed: the production settings of config/database.yml name the "
                     "host, user and password", rel, None, 0.8)
    line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("production:")), None)
    _record(profile, conn, rel, line, f"{rel} (production, adapter {adapter or 'from the URL'})")


def _cable_yml(tree: SourceTree, profile: Profile, reader: source.Reader) -> None:
    """Action Cable's production adapter: ``adapter: redis`` with its ``url`` (a literal, or an ERB env read)."""
    rel = "config/cable.yml"
    found = _erb(tree, rel, reader)
    if found is None:
        return
    text, data, values = found
    section = data.get("production") if isinstance(data, dict) else None
    if not isinstance(section, dict) or _setting(section.get("adapter"), values)[0] != "redis":
        return
    url, url_env = _setting(section.get("url"), values)
    conn = connection_from_url(url) if url else None
    if conn is None and not url_env:
        return
    conn = conn or Connection("redis")
    conn.kind, conn.url_env = "redis", url_env
    line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("production:")), None)
    _record(profile, conn, rel, line, f"{rel} (production, Action Cable's redis adapter)")


_Q_SET_REDIS = "(assignment left: (call receiver: (constant) @owner method: (identifier) @name)) @set"


def _resque_default(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """Resque without ``Resque.redis = ...`` connects to localhost:6379 (its default with redis-rb 4 and later,
    which has no ``Redis.connect``): in compose, Redis is another host."""
    for rel in files:
        parsed = tree.parse(rel, "ruby") if rel.endswith(".rb") else None
        if parsed is not None and any(
                (syntax.text(m["owner"][0]), syntax.text(m["name"][0])) == ("Resque", "redis")
                for _, m in syntax.matches("ruby", _Q_SET_REDIS, parsed.root_node)):
            return
    profile.note("connections", "redis: Resque's default, localhost:6379 (Resque.redis is never set)", "Gemfile")
    profile.warnings.append("resque: nothing sets Resque.redis, so Resque connects to localhost:6379, and in compose "
                            "the redis service is another host: add `Resque.redis = ENV.fetch(\"REDIS_URL\", "
                            "\"redis://localhost:6379\")` to config/initializers/resque.rb and run containerize again "
                            "(compose then points REDIS_URL at the redis service)")


# files a folder that only holds the database may carry in git
_PLACEHOLDERS = (".keep", ".gitkeep", ".gitignore")


def _sqlite(profile: Profile, database: str | None, rel: str, text: str, tree: SourceTree | None = None) -> None:
    """A production SQLite database: its folder is written at run time. db/ holds the migrations and the
    schema (code, read-only in the image; a volume there would keep old migrations), so it is a warning; a
    folder of its own under db/ (db/sqlite/ with a .keep) is a volume like any other."""
    if not database or database.startswith((":", "/")) or "<" in database:
        return
    folder = posixpath.dirname(posixpath.normpath(database))
    line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("production:")), None)
    own = tree is not None and folder.startswith("db/") and folder.split("/")[1] not in ("migrate", "seeds") \
        and all(posixpath.basename(f) in _PLACEHOLDERS or ".sqlite" in posixpath.basename(f)
                for f in tree.files if f.startswith(folder + "/"))
    if folder in ("", ".", "db") or folder.startswith("..") or folder.startswith("db/") and not own or \
            not re.fullmatch(r"[\w.@/-]+", folder):
        profile.warnings.append(f"{rel}: the production SQLite database is {database}, among the code (read-only "
                                "in the container, and rebuilt with the image): keep it in storage/ "
                                "(database: storage/production.sqlite3), which is a volume")
        return
    path = f"/app/{folder}"
    if not any(path == w or path.startswith(w + "/") for w in profile.writable_paths):
        profile.writable_paths.append(path)
        profile.note("writable_paths", f"the production SQLite database {database} is written there", rel, line, 0.9)


def _pairs(args) -> dict[str, object]:
    found = {}
    for arg in args.named_children if args is not None else []:
        if arg.type == "pair":
            key = syntax.text(arg.child_by_field_name("key")).strip(":\"' ")
            if key in _KEYS:
                found[_KEYS[key]] = arg.child_by_field_name("value")
    return found


def _file_read(node, reader: source.Reader) -> tuple[str | None, str | None] | None:
    """``File.read(X).strip``: X as (path, env var)."""
    for _ in range(4):
        if node is None or node.type != "call":
            return None
        method = syntax.text(node.child_by_field_name("method"))
        receiver = node.child_by_field_name("receiver")
        if method in ("read", "binread") and receiver is not None and syntax.text(receiver) in ("File", "IO"):
            args = node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_child_count else None
            value = reader.value(first)
            return (value.lit if isinstance(value.lit, str) else None), value.env
        if method in _READS and receiver is not None:
            node = receiver
            continue
        return None
    return None


def _calls(tree: SourceTree, files: list[str], profile: Profile, reader: source.Reader) -> None:
    for rel in files:
        if not rel.endswith(".rb"):
            continue
        parsed = tree.parse(rel, "ruby")
        if parsed is None:
            continue
        for call in reader.call_nodes(rel, parsed.root_node):  # from the walk the file's other facts come from
            receiver, method = call.child_by_field_name("receiver"), call.child_by_field_name("method")
            if receiver is None or method is None or method.type != "identifier":
                continue
            key = (syntax.text(receiver), syntax.text(method))
            if key not in CONNECT_CALLS:
                continue
            kind = CONNECT_CALLS[key]
            args = call.child_by_field_name("arguments")
            pairs = _pairs(args)
            positional = [a for a in (args.named_children if args is not None else []) if a.type != "pair"]
            url_node = pairs.get("url") or (positional[0] if positional and positional[0].type != "array" else None)
            conn = None
            if url_node is not None:
                value = reader.value(url_node)
                text = value.lit if isinstance(value.lit, str) else None
                if text:
                    conn = connection_from_url(text) or (connection_from_dsn(text, kind) if "=" in text else None)
                if conn is None and (value.env or text):
                    conn = Connection(kind) if kind else None
                if conn is not None:
                    conn.url_env = value.env
            elif positional and positional[0].type == "array" and positional[0].named_child_count:
                # Mongo::Client.new(["mongo:27017"], database: "app")
                host = reader.value(positional[0].named_children[0])
                conn = Connection(kind or "mongodb")
                if isinstance(host.lit, str):
                    conn.host, _, port = host.lit.partition(":")
                    conn.port = int(port) if port.isdigit() and len(port) < 6 else None
                conn.host_env = host.env
            if conn is None:
                if not kind or not pairs:
                    continue
                conn = Connection(kind)
            for field, node in pairs.items():
                if field == "url":
                    continue
                if field == "password":
                    read = _file_read(node, reader)
                    if read is not None:
                        path, env = read
                        if env:
                            conn.password_source, conn.password_env, conn.password_path = "env-file", env, path
                        elif path and path.startswith("/"):
                            conn.password_source, conn.password_path = "file", path
                        continue
                value = reader.value(node)
                literal = None if value.lit is None else str(value.lit)
                if field == "host":
                    conn.host, conn.host_env = literal, value.env
                elif field == "port":
                    conn.port = int(literal) if literal and literal.isdigit() and len(literal) < 6 else conn.port
                elif field == "user":
                    conn.user, conn.user_env = literal, value.env
                elif field == "database":
                    conn.database, conn.database_env = literal, value.env
                elif field == "password":
                    if value.env:
                        conn.password_source, conn.password_env = "env", value.env
                    elif literal:
                        conn.password_source = "literal"
            _record(profile, conn, rel, syntax.line(call), f"{key[0]}.{key[1]}(...)")


def read_connections(tree: SourceTree, files: list[str], profile: Profile) -> None:
    try:
        reader = source.Reader(tree)
        reader.collect([f for f in files if f.endswith(".rb")])
        if tree.exists("config/database.yml"):
            _database_yml(tree, profile, reader)
        if tree.exists("config/cable.yml"):
            _cable_yml(tree, profile, reader)
        if "resque" in profile.dependencies:
            _resque_default(tree, files, profile)
        _calls(tree, files, profile, reader)
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        profile.note("connections", "the connect calls could not all be read (unusual code): some are missing",
                     confidence=0.3)


def _record(profile: Profile, conn: Connection, rel: str, line: int | None, why: str) -> None:
    conn.file, conn.line, conn.why = rel, line, why
    profile.connections.append(conn)
    profile.note("connections", f"{conn.kind}: {why}" + (f" to {conn.host}" if conn.host else "")
                 + (f" (host from {conn.host_env})" if conn.host_env else "")
                 + (f" (URL from {conn.url_env})" if conn.url_env else ""), rel, line)
