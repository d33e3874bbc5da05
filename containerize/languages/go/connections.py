"""How Go code connects to its backing services, read from the parse trees of the binary's files.

The calls of the common drivers (``sql.Open("postgres", dsn)``, ``pgx.Connect``, ``pgxpool.New``, gorm's
``postgres.Open``, ``mongo.Connect``/``ApplyURI``, ``amqp.Dial``, ``redis.ParseURL``) and the options literals
(``&redis.Options{Addr: ..., Password: ...}``, ``mysql.Config{...}``). Their URL or DSN is rebuilt as a
template: literal text, ``${NAME:fallback}`` for an env read (``os.Getenv``, the module's wrappers) and
``${?}`` for a part computed at run time (``fmt.Sprintf("postgres://u:%s@db/x", string(pw))``); a password
read from a file (``os.ReadFile("/run/secrets/db-password")``, ``os.ReadFile(os.Getenv("X_FILE"))``) is
recorded as such. The template is split by ``services.connection_from_url``/``connection_from_dsn``.
"""
from __future__ import annotations

from ... import syntax
from ...profile import Connection, Profile
from ...services import connection_from_dsn, connection_from_url
from .source import Program, string_value

# call name (package.Func as source.Program names it) -> (service kind, index of the URL/DSN argument)
URL_CALLS: dict[str, tuple[str, int]] = {
    "pgx.Connect": ("postgres", 1), "pgx.ParseConfig": ("postgres", 0), "pgxpool.New": ("postgres", 1),
    "pgxpool.Connect": ("postgres", 1), "pgxpool.ParseConfig": ("postgres", 0), "pq.NewConnector": ("postgres", 0),
    "pq.ParseURL": ("postgres", 0), "mysql.ParseDSN": ("mysql", 0), "redis.ParseURL": ("redis", 0),
    "redis.ParseClusterURL": ("redis", 0), "amqp.Dial": ("rabbitmq", 0), "amqp091.Dial": ("rabbitmq", 0),
    "amqp.DialConfig": ("rabbitmq", 0), "amqp091_go.Dial": ("rabbitmq", 0), ".ApplyURI": ("mongodb", 0),
    "mongo.NewClient": ("", 0), "redigo.DialURL": ("redis", 0), "redis.DialURL": ("redis", 0),
}
# gorm dialectors: postgres.Open(dsn), mysql.Open(dsn)
GORM_OPEN = {"postgres.Open": "postgres", "mysql.Open": "mysql"}
# database/sql driver names
SQL_DRIVERS = {"postgres": "postgres", "pgx": "postgres", "pgx/v5": "postgres", "cloudsqlpostgres": "postgres",
               "mysql": "mysql", "nrmysql": "mysql"}
# options literals: type -> (kind, field -> what it is)
OPTION_TYPES: dict[str, tuple[str, dict[str, str]]] = {
    "redis.Options": ("redis", {"Addr": "address", "Password": "password", "Username": "user"}),
    "redis.UniversalOptions": ("redis", {"Addrs": "address", "Password": "password", "Username": "user"}),
    "redis.FailoverOptions": ("redis", {"Password": "password"}),
    "mysql.Config": ("mysql", {"Addr": "address", "User": "user", "Passwd": "password", "DBName": "database"}),
    # asynq's client and server (a task queue on redis): asynq.RedisClientOpt{Addr: ...}
    "asynq.RedisClientOpt": ("redis", {"Addr": "address", "Password": "password", "Username": "user"}),
    "asynq.RedisFailoverClientOpt": ("redis", {"Password": "password", "Username": "user"}),
    "asynq.RedisClusterClientOpt": ("redis", {"Addrs": "address", "Password": "password", "Username": "user"}),
}
FILE_READS = {"os.ReadFile", "ioutil.ReadFile", "os.Open"}
UNKNOWN = "${?}"

# the nodes read here come from the file's one walk (source.GoFile.nodes): @spec, @short and @assign bind
# names, @literal is a `pkg.Type{...}` literal


class _Reader:
    def __init__(self, program: Program):
        self.program = program
        self.calls = {(f.rel, c.node.start_byte, c.node.end_byte): c for c, f in program.calls}
        self.bindings: dict[tuple[str, int], dict[str, list[tuple[int, object, int]]]] = {}
        for f in program.files:
            nodes = f.nodes
            # one list in document order, as one query over the file would give them
            binders = sorted(nodes.get("spec", []) + nodes.get("short", []) + nodes.get("assign", []),
                             key=lambda n: n.start_byte)
            for spec in binders:
                if spec.type in ("var_spec", "const_spec"):
                    names = spec.children_by_field_name("name")
                    value = spec.child_by_field_name("value")
                    values = value.named_children if value is not None else []
                else:
                    left, right = spec.child_by_field_name("left"), spec.child_by_field_name("right")
                    if left is None or right is None or left.type != "expression_list" \
                            or right.type != "expression_list":
                        continue
                    names, values = left.named_children, right.named_children
                function = f.function_at(spec.start_byte)
                scope = self.bindings.setdefault((f.rel, function.start_byte if function is not None else -1), {})
                conditional = _conditional(spec, function)
                for i, name in enumerate(names):
                    if name.type != "identifier":
                        continue
                    if len(values) == len(names):
                        scope.setdefault(syntax.text(name), []).append((spec.start_byte, values[i], 0, conditional))
                    elif len(values) == 1:
                        scope.setdefault(syntax.text(name), []).append((spec.start_byte, values[0], i, conditional))

    def bound(self, node, f) -> tuple[object, int] | None:
        """The expression a name was last given before ``node`` (in its function, else at package level)."""
        name = syntax.text(node)
        function = f.function_at(node.start_byte)
        for key in ([(f.rel, function.start_byte)] if function is not None else []) + [(f.rel, -1)]:
            entries = [e for e in self.bindings.get(key, {}).get(name, []) if e[0] < node.start_byte or key[1] == -1]
            # `v := os.Getenv("X"); if v == "" { v = "d" }`: the unconditional binding (its fallback is the
            # program's default for X)
            plain = [e for e in entries if not e[3]] or entries
            if plain:
                return plain[-1][1], plain[-1][2]
        return None

    def template(self, node, f, files: list, depth: int = 0) -> str:
        """The value of an expression as text with ``${NAME:fallback}`` for env reads and ``${?}`` for the
        unknown; ``files`` gets (path, env var) of each file read met on the way."""
        if node is None or depth > 10:
            return UNKNOWN
        literal = string_value(node)
        if literal is not None:
            return literal.replace("${", "$ {")
        kind = node.type
        if kind == "parenthesized_expression" and node.named_child_count:
            return self.template(node.named_children[-1], f, files, depth + 1)
        if kind == "binary_expression" and syntax.text(node.child_by_field_name("operator")) == "+":
            return self.template(node.child_by_field_name("left"), f, files, depth + 1) + \
                self.template(node.child_by_field_name("right"), f, files, depth + 1)
        if kind == "call_expression":
            call = self.calls.get((f.rel, node.start_byte, node.end_byte))
            if call is not None:
                read = self.program.env_of(call, f)
                if read:
                    fallback = read[1] if read[1] is not None else self.program.defaults.get(read[0], (None,))[0]
                    return "${" + read[0] + (":" + fallback.replace("}", "") if fallback is not None else "") + "}"
                if call.name == "fmt.Sprintf" and call.args:
                    fmt = string_value(call.args[0])
                    if fmt is not None:
                        return _sprintf(fmt, [self.template(a, f, files, depth + 1) for a in call.args[1:]])
                if call.name in ("string", "strings.TrimSpace", "strings.TrimRight", "strings.Trim",
                                 "url.QueryEscape", "url.PathEscape", "bytes.TrimSpace") and call.args:
                    return self.template(call.args[0], f, files, depth + 1)
                if call.name in FILE_READS and call.args:
                    path = self.template(call.args[0], f, files, depth + 1)
                    files.append(path)
                    return UNKNOWN
        if kind == "identifier":
            found = self.bound(node, f)
            if found is not None:
                value, index = found
                if index == 0 or value.type != "call_expression":
                    return self.template(value, f, files, depth + 1) if index == 0 else UNKNOWN
                return UNKNOWN
        value = self.program.value(node, f)
        if value.env:
            return "${" + value.env + (":" + value.text.replace("}", "") if value.text is not None else "") + "}"
        if value.text is not None:
            return value.text.replace("${", "$ {")
        return UNKNOWN


def _conditional(node, function) -> bool:
    """True when ``node`` sits in an if statement of its function (a reassignment that may not run)."""
    parent = node.parent
    for _ in range(30):
        if parent is None or (function is not None and parent.start_byte == function.start_byte
                              and parent.type == function.type):
            return False
        if parent.type in ("if_statement", "expression_switch_statement", "type_switch_statement"):
            return True
        parent = parent.parent
    return False


def _sprintf(fmt: str, args: list[str]) -> str:
    out, i, arg = [], 0, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        verb = fmt[i + 1: i + 2]
        if verb == "%":
            out.append("%")
        else:
            out.append(args[arg] if arg < len(args) and verb in ("s", "d", "v", "q") else UNKNOWN)
            arg += 1
        i += 2
    return "".join(out)


def _from_template(text: str, kind: str) -> Connection | None:
    """A connection from a rebuilt URL/DSN: a whole env read is the URL env var (its fallback split)."""
    stripped = text.strip()
    if stripped.startswith("${") and stripped.endswith("}") and stripped.count("${") == 1:
        name, _, fallback = stripped[2:-1].partition(":")
        if name == "?":
            return Connection(kind) if kind else None
        conn = (connection_from_url(fallback) or connection_from_dsn(fallback, kind or None)) if fallback else None
        conn = conn or Connection(kind or "postgres")
        if not kind and not fallback:
            return None
        conn.url_env = name
        return conn
    conn = connection_from_url(stripped) if "://" in stripped else connection_from_dsn(stripped, kind or None)
    if conn is None and kind:
        conn = Connection(kind)
    return conn


def _password_file(conn: Connection, files: list[str]) -> None:
    """A password the code reads from a file: a fixed path, or the path an env var names."""
    if conn.password_source is not None or not files:
        return
    path = files[0]
    if path.startswith("${") and path.endswith("}") and path.count("${") == 1 and not path.startswith("${?"):
        conn.password_source, conn.password_env = "env-file", path[2:-1].partition(":")[0]
        conn.password_path = path[2:-1].partition(":")[2] or None
    elif path.startswith("/") and "${" not in path:
        conn.password_source, conn.password_path = "file", path


def read_connections(program: Program, profile: Profile) -> None:
    try:
        _read(program, profile)
    except (RecursionError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        profile.note("connections", "the connect calls could not all be read (unusual code): some are missing",
                     confidence=0.3)


def _read(program: Program, profile: Profile) -> None:
    reader = _Reader(program)
    for call, f in program.calls:
        kind, arg = None, None
        if call.name == "sql.Open" and len(call.args) >= 2:
            driver = string_value(call.args[0]) or program.value(call.args[0], f).text
            kind = SQL_DRIVERS.get(driver or "")
            arg = call.args[1]
        elif call.name in GORM_OPEN and call.args and "gorm.io/driver/" + call.name.split(".")[0] in f.imports.values():
            kind, arg = GORM_OPEN[call.name], call.args[0]
        elif call.name in URL_CALLS:
            kind, index = URL_CALLS[call.name]
            arg = call.args[index] if index < len(call.args) else None
            if call.name.startswith(("pgx", "pgxpool")) and len(call.args) == 1:
                arg = call.args[0]  # ParseConfig(url)
        if arg is None or kind is None:
            continue
        files: list[str] = []
        text = reader.template(arg, f, files)
        conn = _from_template(text, kind)
        if conn is None:
            continue
        _password_file(conn, files)
        _record(profile, conn, f.rel, syntax.line(call.node), f"{call.name}(...)")
    for f in program.files:
        for literal in f.nodes.get("literal", []):
            type_node, body = literal.child_by_field_name("type"), literal.child_by_field_name("body")
            if type_node is None or body is None or type_node.type != "qualified_type" or body.type != "literal_value":
                continue
            package = syntax.text(type_node.child_by_field_name("package"))
            name = syntax.text(type_node.child_by_field_name("name"))
            path = f.imports.get(package, "")
            if "redis" in path:
                key = "redis." + name
            elif "go-sql-driver/mysql" in path:
                key = "mysql." + name
            elif path == "github.com/hibiken/asynq":
                key = "asynq." + name
            else:
                continue
            if key not in OPTION_TYPES:
                continue
            kind, fields = OPTION_TYPES[key]
            conn = Connection(kind)
            files = []
            for element in body.named_children:
                if element.type != "keyed_element" or element.named_child_count < 2:
                    continue
                field = fields.get(syntax.text(element.named_children[0]))
                value_node = element.named_children[1]
                if value_node.type == "literal_element" and value_node.named_child_count:
                    value_node = value_node.named_children[0]
                if field is None:
                    continue
                if field == "address" and value_node.type == "composite_literal":  # Addrs: []string{"a:1"}
                    body = value_node.child_by_field_name("body")
                    value_node = body.named_children[0] if body is not None and body.named_child_count else None
                    if value_node is not None and value_node.type == "literal_element" and value_node.named_child_count:
                        value_node = value_node.named_children[0]
                text = reader.template(value_node, f, files)
                _field(conn, field, text, files)
            _password_file(conn, files)
            _record(profile, conn, f.rel, syntax.line(literal), f"a {key} literal")


def _field(conn: Connection, field: str, text: str, files: list[str]) -> None:
    whole = text.startswith("${") and text.endswith("}") and text.count("${") == 1 and not text.startswith("${?")
    env, _, fallback = text[2:-1].partition(":") if whole else (None, "", text if "${" not in text else None)
    fallback = fallback or None
    if field == "address":
        host, _, port = (fallback or "").rpartition(":") if fallback and ":" in fallback else (fallback, "", "")
        conn.host, conn.host_env = host or None, env
        conn.port = int(port) if port.isdigit() and len(port) < 6 else None
    elif field == "user":
        conn.user, conn.user_env = fallback, env
    elif field == "database":
        conn.database, conn.database_env = fallback, env
    elif field == "password":
        if env:
            conn.password_source, conn.password_env = "env", env
        elif files:
            pass  # read from a file: _password_file
        elif fallback:
            conn.password_source = "literal"


def _record(profile: Profile, conn: Connection, rel: str, line: int, why: str) -> None:
    conn.file, conn.line, conn.why = rel, line, why
    profile.connections.append(conn)
    profile.note("connections", f"{conn.kind}: {why}" + (f" to {conn.host}" if conn.host else "")
                 + (f" (host from {conn.host_env})" if conn.host_env else "")
                 + (f" (URL from {conn.url_env})" if conn.url_env else ""), rel, line)
