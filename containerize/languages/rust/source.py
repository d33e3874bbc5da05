"""Facts read from Rust source through tree-sitter parse trees.

Each file is parsed once (``SourceTree.parse``); small queries pick the nodes
(calls, consts, lets, attributes, macros) and the code below reads their fields.
Names resolve to literal values across the crate's files: ``const PORT: u16 =
7878`` in ``TcpListener::bind(("0.0.0.0", PORT))`` or ``format!("0.0.0.0:{}",
PORT)``; env reads with their fallbacks (``.unwrap_or("x")``,
``.unwrap_or_else(|_| "x".into())``), also through thin wrappers
(``env_or("DB_HOST", "localhost")``), and clap's ``#[arg(env = "X")]``.
"""
from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass, field

from ... import syntax
from ...scan import SourceTree

GRAMMAR = "rust"
MAX_DEPTH = 12

_ITEMS = """
(const_item) @const
(static_item) @const
(function_item) @function
(let_declaration) @let
(call_expression) @call
(macro_invocation) @macro
(attribute) @attribute
(string_literal) @string
(tuple_expression) @tuple
(tuple_pattern) @tuple
(match_expression) @match
(binary_expression) @binary
"""
_IDENTIFIERS = "(identifier) @id"

ENV_READS = ("env::var", "env::var_os", "dotenv::var", "dotenvy::var")
# calls (path suffix) and attributes that start a server
SERVE_PATHS = ("TcpListener::bind", "HttpServer::new", "axum::serve", "Server::bind", "warp::serve", "rocket::build",
               "Server::http", "poem::Server", "tiny_http::Server", "Server::try_bind")
SERVE_ATTRIBUTES = {"launch", "rocket::launch"}
# calls (path suffix) whose first argument is the listen address
ADDRESS_PATHS = ("TcpListener::bind", "Server::bind", "Server::http", "Server::try_bind", "Server::try_http")
ADDRESS_METHODS = {"bind", "run", "listen", "bind_auto_h2c"}
# methods that keep the value of their receiver
PASS_METHODS = {"into", "to_string", "to_owned", "clone", "unwrap", "expect", "parse", "as_str", "trim", "as_ref",
                "ok", "and_then", "map", "map_err", "as_deref", "into_owned", "context", "with_context"}
FALLBACK_METHODS = {"unwrap_or", "unwrap_or_else", "or", "or_else", "unwrap_or_default", "map_or", "map_or_else"}
ROUTE_ATTRIBUTES = {"get", "head", "route"}
# names of a request's path in a `match` or an `==` (`request.url()`, `req.uri().path()`, `let path = ...`)
PATH_NAMES = {"path", "url", "uri", "route", "target", "request_uri", "path_and_query", "pathname"}
# path suffix -> (kind, argument index)
# path suffix -> index of the argument that names a file or folder read at run time, relative to the working
# directory (or to CARGO_MANIFEST_DIR through concat!(env!("CARGO_MANIFEST_DIR"), ...) or rocket's relative!)
ASSET_CALLS = {"Tera::new": 0, "Files::new": 1, "ServeDir::new": 0, "ServeFile::new": 0, "FileServer::from": 0,
               "FileServer::new": 0, "NamedFile::open": 0, "fs::read_to_string": 0, "fs::read": 0, "File::open": 0,
               "path_loader": 0, "Environment::from_path": 0}
ASSET_METHODS = {"register_templates_directory", "add_template_file", "register_template_file", "nest_service",
                 "fallback_service"}
# calls whose argument is a folder itself (not a file or glob under one)
FOLDER_CALLS = ("Files::new", "ServeDir::new", "FileServer::from", "FileServer::new", "path_loader",
                "register_templates_directory")
PATH_CALLS = {"fs::create_dir_all": "dir", "fs::create_dir": "dir", "File::create": "file", "fs::write": "file",
              "fs::read_to_string": "read", "fs::read": "read", "File::open": "read"}


@dataclass
class Value:
    """What an expression evaluates to: its literal text, the env var it reads, the parts of a tuple."""

    text: str | None = None
    env: str | None = None
    parts: list["Value"] | None = None


@dataclass
class RustFile:
    rel: str
    root: object
    consts: dict[str, object] = field(default_factory=dict)
    functions: list = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    lets: dict[int, dict[str, list[tuple[int, object]]]] = field(default_factory=dict)
    calls: list = field(default_factory=list)
    macros: list = field(default_factory=list)
    attributes: list = field(default_factory=list)
    strings: list = field(default_factory=list)
    tuples: list = field(default_factory=list)
    matches: list = field(default_factory=list)
    binaries: list = field(default_factory=list)

    def function_at(self, byte: int):
        """The innermost function around ``byte`` (a few steps back for a fn declared inside a fn)."""
        i = bisect.bisect_right(self.starts, byte) - 1
        for j in range(i, max(i - 64, -1), -1):
            if self.functions[j].start_byte <= byte < self.functions[j].end_byte:
                return self.functions[j]
        return None


def read_file(tree: SourceTree, rel: str) -> RustFile | None:
    """The facts of one file, read once per tree (detection and analysis ask for the same files)."""
    return tree.fact("rust.source", rel, _read_file)


def _read_file(tree: SourceTree, rel: str) -> RustFile | None:
    parsed = tree.parse(rel, GRAMMAR)
    if parsed is None:
        return None
    facts = RustFile(rel, parsed.root_node)
    found = syntax.captures(GRAMMAR, _ITEMS, facts.root)
    for node in found.get("const", []):
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is not None and value is not None:
            facts.consts.setdefault(syntax.text(name), value)
    facts.functions = found.get("function", [])
    facts.starts = [f.start_byte for f in facts.functions]
    for node in found.get("let", []):
        pattern = node.child_by_field_name("pattern")
        value = node.child_by_field_name("value")
        if pattern is None or value is None or pattern.type != "identifier":
            continue
        function = facts.function_at(node.start_byte)
        scope = facts.lets.setdefault(function.start_byte if function is not None else -1, {})
        scope.setdefault(syntax.text(pattern), []).append((node.start_byte, value))
    facts.calls = found.get("call", [])
    facts.macros = found.get("macro", [])
    facts.attributes = found.get("attribute", [])
    facts.strings = found.get("string", [])
    facts.tuples = found.get("tuple", [])
    facts.matches = found.get("match", [])
    facts.binaries = found.get("binary", [])
    return facts


def _path(node) -> str:
    """The path text of a callee (`std::env::var`, `TcpListener::bind`), without generics or spaces."""
    if node is None:
        return ""
    if node.type == "generic_function":
        node = node.child_by_field_name("function")
    if node is not None and node.type == "field_expression":
        # a method (`router.route`): no path suffix can match it, and the receiver may be a chain of a thousand
        # calls, so only the method's name is kept (reading the whole chain per call would be quadratic)
        field = node.child_by_field_name("field")
        return "." + (syntax.text(field) if field is not None else "")
    return "".join(syntax.text(node).split()) if node is not None else ""


def _walk(node, limit: int = 20000):
    """The nodes under ``node`` (itself first), depth first, at most ``limit`` of them."""
    todo, seen = [node], 0
    while todo and seen < limit:
        current = todo.pop()
        seen += 1
        yield current
        todo.extend(reversed(current.children))


def _ends(path: str, suffixes) -> bool:
    return any(path == s or path.endswith("::" + s) for s in suffixes)


def string_value(node) -> str | None:
    kind = node.type
    raw = syntax.text(node)
    if kind == "string_literal":
        body = raw[raw.index('"') + 1: -1] if '"' in raw else ""
        if "\\" not in body:
            return body
        try:
            value = ast.literal_eval('"' + body.replace("\n", "\\n") + '"')
        except (ValueError, SyntaxError):
            return body
        return value if isinstance(value, str) else body
    if kind == "raw_string_literal":
        start = raw.find('"')
        hashes = start - raw.find("r") - 1 if start >= 0 else 0
        return raw[start + 1: len(raw) - 1 - hashes] if start >= 0 else None
    if kind == "integer_literal":
        digits = raw.replace("_", "")
        end = len(digits)
        for i, ch in enumerate(digits):
            if ch in "iu" and i:
                end = i
                break
        try:
            return str(int(digits[:end], 0))
        except ValueError:
            return None
    if kind == "boolean_literal":
        return raw
    if kind == "char_literal":
        return raw[1:-1] if len(raw) >= 3 else None
    return None


def _arguments(call) -> list:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type not in ("line_comment", "block_comment", "attribute_item")] \
        if args is not None else []


def _chain_root(node):
    """The start of a method chain: `web::scope("/a")` in `web::scope("/a").route(..).service(..)`."""
    while node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type != "field_expression":
            break
        value = function.child_by_field_name("value")
        if value is None:
            break
        node = value
    return node


_NOT_GET = {"post", "put", "delete", "patch"}
# calls that answer a websocket handshake (actix-web-actors, actix-ws)
WEBSOCKET_STARTS = ("ws::start", "ws::start_with_addr", "ws::start_with_protocols", "actix_ws::handle",
                    "WsResponseBuilder::new")


def _may_get(handler) -> bool:
    """Whether a route's handler answers GET: not `post(create)` or `web::post().to(create)`, but
    `post(create).get(list)` does."""
    names = set()
    node = handler
    while node is not None and node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None:
            break
        if function.type == "field_expression":
            names.add(syntax.text(function.child_by_field_name("field")))
            node = function.child_by_field_name("value")
        else:
            names.add(_path(function).rsplit("::", 1)[-1])
            break
    return not (names & _NOT_GET) or bool(names & {"get", "head", "any"})


HEALTH_WORDS = {"health", "healthz", "healthcheck", "_health", "ping", "status", "ready", "readyz", "livez", "live",
                "alive", "liveness", "readiness"}


def health_like(path: str) -> bool:
    """A route whose last part names a health check: /api/healthcheck, /v1/status."""
    return path.rstrip("/").rsplit("/", 1)[-1].lower() in HEALTH_WORDS


def _params(function) -> list[str]:
    params = function.child_by_field_name("parameters")
    out = []
    for p in params.named_children if params is not None else []:
        pattern = p.child_by_field_name("pattern") if p.type == "parameter" else None
        out.append(syntax.text(pattern) if pattern is not None and pattern.type == "identifier" else "")
    return out


def format_pieces(template: str) -> list[tuple[bool, str]] | None:
    """A ``format!`` template as (is an argument, text) pieces: literal text (``{{``/``}}`` unescaped), or an
    argument's spec before any ``:`` ("" for the next positional one, a digit, or a name); None when a ``{``
    is never closed."""
    pieces: list[tuple[bool, str]] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch in "{}" and template[i + 1: i + 2] == ch:
            pieces.append((False, ch))
            i += 2
            continue
        if ch != "{":
            pieces.append((False, ch))
            i += 1
            continue
        end = template.find("}", i)
        if end < 0:
            return None
        pieces.append((True, template[i + 1: end].split(":", 1)[0].strip()))
        i = end + 1
    return pieces


def _macro_args(node) -> list[list]:
    """A macro's arguments: the token tree's nodes split at its top-level commas."""
    tree = next((c for c in node.children if c.type == "token_tree"), None)
    if tree is None:
        return []
    groups: list[list] = [[]]
    for child in tree.children[1:-1]:
        if child.type == ",":
            groups.append([])
        else:
            groups[-1].append(child)
    return [g for g in groups if g]


def env_name(name: str | None) -> bool:
    return bool(name) and name.isascii() and (name[0].isalpha() or name[0] == "_") \
        and all(c.isalnum() or c == "_" for c in name)


class Crate:
    """The Rust files that make one binary: consts, env wrappers, and the facts of the code."""

    def __init__(self, tree: SourceTree, rels: list[str]):
        self.files = [f for f in (read_file(tree, rel) for rel in rels) if f is not None]
        self.consts: dict[str, tuple[object, RustFile]] = {}
        for f in self.files:
            for name, value in f.consts.items():
                self.consts.setdefault(name, (value, f))
        # functions without parameters, whose value is their body's (`fn address() -> String { env::var(..)... }`)
        self.functions: dict[str, tuple[object, RustFile]] = {}
        for f in self.files:
            for function in f.functions:
                params = function.child_by_field_name("parameters")
                if params is not None and params.named_child_count == 0:
                    self.functions.setdefault(syntax.text(function.child_by_field_name("name")), (function, f))
        self.wrappers: dict[str, tuple[int, int | None]] = {}
        self._ws: set[str] | None = None
        self.websocket_routes: list[tuple[str | None, str, int]] = []  # (path, file, line), found by routes()
        self.defaults: dict[str, tuple[str, str, int]] = {}
        self._busy: set = set()
        self._calls_by_name: dict[str, list] | None = None
        self._find_wrappers()
        self._find_defaults()

    # -- env --------------------------------------------------------------------
    def _find_wrappers(self) -> None:
        for _ in range(3):
            grew = False
            for f in self.files:
                for call in f.calls:
                    path = _path(call.child_by_field_name("function"))
                    if _ends(path, ENV_READS):
                        index = 0
                    elif path.rsplit("::", 1)[-1] in self.wrappers:
                        index = self.wrappers[path.rsplit("::", 1)[-1]][0]
                    else:
                        continue
                    args = _arguments(call)
                    if index >= len(args) or args[index].type != "identifier":
                        continue
                    function = f.function_at(call.start_byte)
                    if function is None:
                        continue
                    name = syntax.text(function.child_by_field_name("name"))
                    params = _params(function)
                    key = syntax.text(args[index])
                    if name in self.wrappers or name == "main" or key not in params:
                        continue
                    body = function.child_by_field_name("body")
                    used = {syntax.text(n) for n in syntax.captures(GRAMMAR, _IDENTIFIERS, body).get("id", [])} \
                        if body is not None else set()
                    k = params.index(key)
                    self.wrappers[name] = (k, next((i for i, p in enumerate(params) if i != k and p and p in used),
                                                   None))
                    grew = True
            if not grew:
                break

    def env_of(self, call, f: RustFile, depth: int = 0) -> tuple[str, str | None] | None:
        """(env var, fallback) when the call reads an env var, directly or through a wrapper."""
        path = _path(call.child_by_field_name("function"))
        args = _arguments(call)
        if _ends(path, ENV_READS):
            key = self.value(args[0], f, depth + 1).text if args else None
            return (key, None) if env_name(key) else None
        wrapper = self.wrappers.get(path.rsplit("::", 1)[-1]) if "." not in path else None
        if wrapper is None or wrapper[0] >= len(args):
            return None
        key = self.value(args[wrapper[0]], f, depth + 1).text
        if not env_name(key):
            return None
        fallback = self.value(args[wrapper[1]], f, depth + 1).text \
            if wrapper[1] is not None and wrapper[1] < len(args) else None
        return key, fallback

    def _find_defaults(self) -> None:
        for f in self.files:
            for call in f.calls:
                function = call.child_by_field_name("function")
                read = self.env_of(call, f)
                if read and read[1] is not None:
                    self.defaults.setdefault(read[0], (read[1], f.rel, syntax.line(call)))
                elif function is not None and function.type == "field_expression" and \
                        syntax.text(function.child_by_field_name("field")) in FALLBACK_METHODS:
                    value = self.value(call, f)
                    if value.env and value.text is not None:
                        self.defaults.setdefault(value.env, (value.text, f.rel, syntax.line(call)))

    def env_reads(self) -> list[tuple[str, str | None, str, int]]:
        """(env var, fallback, file, line) of every env read (calls, wrappers, clap attributes), in file order."""
        out = []
        for f in self.files:
            hits = []
            for call in f.calls:
                read = self.env_of(call, f)
                if read:
                    fallback = read[1] if read[1] is not None else self.defaults.get(read[0], (None,))[0]
                    hits.append((call.start_byte, read[0], fallback, syntax.line(call)))
            for attribute in f.attributes:
                clap = self._clap_env(attribute)
                if clap:
                    hits.append((attribute.start_byte, clap[0], clap[1], syntax.line(attribute)))
            out += [(name, fallback, f.rel, line) for _, name, fallback, line in sorted(hits, key=lambda h: h[0])]
        return out

    def _clap_env(self, attribute) -> tuple[str, str | None] | None:
        """`#[arg(long, env = "PORT", default_value = "8080")]` -> ("PORT", "8080")."""
        name = attribute.named_children[0] if attribute.named_child_count else None
        if name is None or syntax.text(name) not in ("arg", "clap"):
            return None
        tokens = next((c for c in attribute.children if c.type == "token_tree"), None)
        if tokens is None:
            return None
        items = tokens.children
        env = default = None
        for i in range(len(items) - 2):
            key, eq, value = items[i], items[i + 1], items[i + 2]
            if key.type != "identifier" or eq.type != "=":
                continue
            literal = string_value(value)
            if syntax.text(key) == "env":
                env = literal
            elif syntax.text(key) in ("default_value", "default_value_t"):
                default = literal
        return (env, default) if env_name(env) else None

    # -- values -----------------------------------------------------------------
    def value(self, node, f: RustFile, depth: int = 0) -> Value:
        if node is None or depth > MAX_DEPTH:
            return Value()
        kind = node.type
        literal = string_value(node)
        if literal is not None:
            return Value(literal)
        if kind in ("reference_expression", "parenthesized_expression", "try_expression", "await_expression",
                    "type_cast_expression", "unary_expression"):
            inner = node.child_by_field_name("value") or (node.named_children[0] if node.named_child_count else None)
            if kind == "unary_expression" and syntax.text(node)[:1] not in ("*",):
                return Value()
            return self.value(inner, f, depth + 1)
        if kind == "identifier":
            return self._lookup(node, f, depth)
        if kind == "scoped_identifier":
            bound = self.consts.get(syntax.text(node.child_by_field_name("name")))
            return self.value(bound[0], bound[1], depth + 1) if bound else Value()
        if kind == "tuple_expression":
            return Value(parts=[self.value(c, f, depth + 1) for c in node.named_children])
        if kind == "array_expression":
            parts = [self.value(c, f, depth + 1).text for c in node.named_children]
            return Value(".".join(parts)) if parts and None not in parts else Value()
        if kind == "binary_expression":
            if syntax.text(node.child_by_field_name("operator")) != "+":
                return Value()
            left = self.value(node.child_by_field_name("left"), f, depth + 1)
            right = self.value(node.child_by_field_name("right"), f, depth + 1)
            text = left.text + right.text if left.text is not None and right.text is not None else None
            return Value(text, left.env or right.env)
        if kind == "closure_expression":
            return self.value(node.child_by_field_name("body"), f, depth + 1)
        if kind == "block" and node.named_child_count:
            return self.value(node.named_children[-1], f, depth + 1)
        if kind in ("return_expression", "expression_statement") and node.named_child_count:
            return self.value(node.named_children[0], f, depth + 1)
        if kind == "macro_invocation":
            return self._macro_value(node, f, depth)
        if kind == "call_expression":
            return self._call_value(node, f, depth)
        return Value()

    def _call_value(self, call, f: RustFile, depth: int) -> Value:
        read = self.env_of(call, f, depth)
        if read:
            return Value(read[1], read[0])
        function = call.child_by_field_name("function")
        if function is not None and function.type == "generic_function":
            function = function.child_by_field_name("function")
        args = _arguments(call)
        if function is not None and function.type == "field_expression":
            method = syntax.text(function.child_by_field_name("field"))
            receiver = self.value(function.child_by_field_name("value"), f, depth + 1)
            if method in PASS_METHODS:
                return receiver
            if method in FALLBACK_METHODS:
                if receiver.text is not None or receiver.parts is not None:
                    return receiver
                fallback = self.value(args[0], f, depth + 1) if args else Value()
                return Value(fallback.text, receiver.env, fallback.parts)
            return Value()
        path = _path(function)
        local = self.functions.get(path.rsplit("::", 1)[-1]) if not args and path not in ("main",) else None
        if local is not None and id(local[0]) not in self._busy:
            self._busy.add(id(local[0]))
            try:
                return self.value(local[0].child_by_field_name("body"), local[1], depth + 1)
            finally:
                self._busy.discard(id(local[0]))
        if _ends(path, ("String::from", "SocketAddr::from", "IpAddr::from", "u16::from", "Ipv4Addr::from")) and args:
            return self.value(args[0], f, depth + 1)
        if _ends(path, ("SocketAddr::new", "SocketAddrV4::new", "SocketAddrV6::new")) and len(args) >= 2:
            return Value(parts=[self.value(a, f, depth + 1) for a in args[:2]])
        if _ends(path, ("Ipv4Addr::new",)) and len(args) == 4:
            parts = [self.value(a, f, depth + 1).text for a in args]
            return Value(".".join(parts)) if None not in parts else Value()
        return Value()

    def _macro_value(self, node, f: RustFile, depth: int) -> Value:
        name = syntax.text(node.child_by_field_name("macro"))
        if name not in ("format", "std::format", "concat"):
            return Value()
        groups = _macro_args(node)
        if not groups:
            return Value()
        values = []
        named: dict[str, Value] = {}
        for group in groups[1:] if name != "concat" else groups:
            if len(group) == 3 and group[0].type == "identifier" and group[1].type == "=":
                named[syntax.text(group[0])] = self.value(group[2], f, depth + 1)
            elif len(group) == 1:
                values.append(self.value(group[0], f, depth + 1))
            else:
                values.append(Value())
        env = next((v.env for v in values + list(named.values()) if v.env), None)
        if name == "concat":
            return Value("".join(v.text for v in values) if all(v.text is not None for v in values) else None, env)
        template = string_value(groups[0][0]) if len(groups[0]) == 1 else None
        if template is None:
            return Value(None, env)
        pieces = format_pieces(template)
        if pieces is None:
            return Value(None, env)
        out, position = [], 0
        for is_arg, piece in pieces:
            if not is_arg:
                out.append(piece)
                continue
            if not piece:
                value = values[position] if position < len(values) else Value()
                position += 1
            elif piece.isdigit():
                value = values[int(piece)] if int(piece) < len(values) else Value()
            else:
                value = named.get(piece) or self._lookup_name(piece, node, f, depth)
                env = env or value.env
            if value.text is None:
                return Value(None, env)
            out.append(value.text)
        return Value("".join(out), env)

    def _lookup(self, node, f: RustFile, depth: int) -> Value:
        return self._lookup_name(syntax.text(node), node, f, depth)

    def _lookup_name(self, name: str, node, f: RustFile, depth: int) -> Value:
        key = (id(f), node.start_byte, name)
        if key in self._busy:
            return Value()
        self._busy.add(key)
        try:
            function = f.function_at(node.start_byte)
            if function is not None:
                entries = f.lets.get(function.start_byte, {}).get(name, [])
                before = bisect.bisect_left(entries, (node.start_byte,))
                if before:
                    return self.value(entries[before - 1][1], f, depth + 1)
            if name in f.consts:
                return self.value(f.consts[name], f, depth + 1)
            bound = self.consts.get(name)
            if bound:
                return self.value(bound[0], bound[1], depth + 1)
            if function is not None and name in _params(function):
                return self._argument(function, _params(function).index(name), depth)
            return Value()
        finally:
            self._busy.discard(key)

    def _argument(self, function, index: int, depth: int) -> Value:
        """A parameter's value: the argument of the first call of the function that gives one."""
        if self._calls_by_name is None:
            self._calls_by_name = {}
            for f in self.files:
                for call in f.calls:
                    callee = call.child_by_field_name("function")
                    if callee is not None and callee.type == "field_expression":
                        name = syntax.text(callee.child_by_field_name("field"))
                    else:
                        name = _path(callee).rsplit("::", 1)[-1]
                    self._calls_by_name.setdefault(name, []).append((call, f))
        name = syntax.text(function.child_by_field_name("name"))
        offset = 1 if _params(function)[:1] == [""] and "self" in syntax.text(
            function.child_by_field_name("parameters").named_children[0]) else 0
        for call, f in self._calls_by_name.get(name, [])[:20]:
            args = _arguments(call)
            if index - offset < len(args):
                value = self.value(args[index - offset], f, depth + 1)
                if value.text is not None or value.parts is not None or value.env:
                    return value
        return Value()

    # -- facts ------------------------------------------------------------------
    def serves(self) -> bool:
        return any(file_serves(f) for f in self.files)

    def listen_addresses(self) -> list[tuple[Value, str, int]]:
        out = []
        for f in self.files:
            for call in f.calls:
                function = call.child_by_field_name("function")
                args = _arguments(call)
                if not args or function is None:
                    continue
                if function.type == "field_expression":
                    if syntax.text(function.child_by_field_name("field")) not in ADDRESS_METHODS:
                        continue
                elif not _ends(_path(function), ADDRESS_PATHS):
                    continue
                out.append((self.value(args[0], f), f.rel, syntax.line(call)))
        return out

    def socket_addresses(self) -> list[tuple[Value, str, int]]:
        """Socket addresses built anywhere (`SocketAddr::from(([0, 0, 0, 0], 3000))`)."""
        out = []
        for f in self.files:
            for call in f.calls:
                path = _path(call.child_by_field_name("function"))
                if _ends(path, ("SocketAddr::from", "SocketAddr::new", "SocketAddrV4::new")):
                    out.append((self.value(call, f), f.rel, syntax.line(call)))
        return out

    def literal_addresses(self) -> list[tuple[str, str, int]]:
        """String literals that look like a listen address ("0.0.0.0:8080", ":8080")."""
        out = []
        for f in self.files:
            for node in f.strings:
                text = string_value(node) or ""
                if _LISTEN_LITERAL.fullmatch(text):
                    out.append((text, f.rel, syntax.line(node)))
        return out

    def port_consts(self) -> list[tuple[str, str, int]]:
        out = []
        for f in self.files:
            for name, value in f.consts.items():
                literal = string_value(value)
                if "PORT" in name.upper() and literal and literal.isdigit():
                    out.append((literal, f.rel, syntax.line(value)))
        return out

    def macro_uses(self, names: set[str]) -> tuple[str, int] | None:
        """(file, line) of the first invocation of one of the macros ``names`` (`sqlx::query!`, `query_as!`)."""
        for f in self.files:
            for node in f.macros:
                name = syntax.text(node.child_by_field_name("macro"))
                if name.rsplit("::", 1)[-1] in names and (name.count("::") == 0 or name.startswith("sqlx::")):
                    return f.rel, syntax.line(node)
        return None

    def speaks_http(self) -> bool:
        """The code writes or reads HTTP itself: an "HTTP/1.1 200 OK" status line, a "GET / HTTP/1.1" request
        line, or a route."""
        for f in self.files:
            for node in f.strings:
                text = string_value(node) or ""
                if "HTTP/1." in text or "HTTP/2" in text or text.startswith(("GET /", "HEAD /")):
                    return True
        return bool(self.routes())

    def uses(self, suffix: str) -> bool:
        return any(_ends(_path(c.child_by_field_name("function")), (suffix,)) for f in self.files for c in f.calls)

    def mounts(self) -> dict[str, str | None]:
        """Rocket: handler function name -> the prefix it is mounted at (`.mount("/api", routes![a::get_tags])`);
        None when a name is mounted at two prefixes."""
        out: dict[str, str | None] = {}
        for f in self.files:
            for call in f.calls:
                function = call.child_by_field_name("function")
                args = _arguments(call)
                if function is None or function.type != "field_expression" or len(args) < 2 \
                        or syntax.text(function.child_by_field_name("field")) != "mount":
                    continue
                prefix = self.value(args[0], f).text
                listed = args[1]
                if listed.type != "macro_invocation" or syntax.text(listed.child_by_field_name("macro")) \
                        .rsplit("::", 1)[-1] != "routes" or prefix is None:
                    continue
                for group in _macro_args(listed):
                    names = [n for n in group if n.type == "identifier"]
                    if names:
                        name = syntax.text(names[-1])
                        out[name] = prefix if out.get(name, prefix) == prefix else None
        return out

    def _websocket_handlers(self) -> set[str]:
        """Names of the functions that answer a websocket handshake: axum's `ws: WebSocketUpgrade` parameter, or
        a body that calls actix's `ws::start(...)` / `actix_ws::handle(...)`."""
        if self._ws is None:
            self._ws = set()
            for f in self.files:
                for function in f.functions:
                    name = function.child_by_field_name("name")
                    params = function.child_by_field_name("parameters")
                    if name is None:
                        continue
                    upgrade = params is not None and any(
                        syntax.text(n) == "WebSocketUpgrade" for n in _walk(params) if n.type == "type_identifier")
                    body = function.child_by_field_name("body")
                    started = body is not None and any(
                        n.type == "call_expression" and _ends(_path(n.child_by_field_name("function")),
                                                              WEBSOCKET_STARTS)
                        for n in _walk(body))
                    if upgrade or started:
                        self._ws.add(syntax.text(name))
        return self._ws

    def _upgrades(self, call, function, args) -> bool:
        """Whether a route's handler is a websocket handshake: `.route("/ws", any(ws_handler))`,
        `web::resource("/ws").route(web::get().to(ws_index))`, `.route("/ws", web::get().to(echo_ws))`."""
        handlers = list(args[1:]) if function.type == "field_expression" else []
        parent = call.parent
        if function.type != "field_expression" and parent is not None and parent.type == "field_expression" \
                and parent.parent is not None and parent.parent.type == "call_expression":
            handlers += _arguments(parent.parent)  # web::resource("/ws").route(...) / .to(...)
        if not handlers:
            return False
        names = self._websocket_handlers()
        return bool(names) and any(n.type == "identifier" and syntax.text(n) in names
                                   for h in handlers for n in _walk(h))

    def routes(self) -> list[tuple[str, str, int]]:
        out = []
        self.websocket_routes = []
        mounts = self.mounts()
        for f in self.files:
            hits = []
            for call in f.calls:
                function = call.child_by_field_name("function")
                args = _arguments(call)
                if not args or function is None:
                    continue
                if function.type == "field_expression":
                    if syntax.text(function.child_by_field_name("field")) not in ("route", "at", "nest_service"):
                        continue
                elif not _ends(_path(function), ("web::resource", "resource", "warp::path")):
                    continue
                if function.type == "field_expression" and len(args) > 1 and not _may_get(args[1]):
                    continue  # .route("/login", post().to(signin)): a probe's GET is refused
                if self._upgrades(call, function, args):
                    self.websocket_routes.append((self.value(args[0], f).text, f.rel, syntax.line(args[0])))
                    continue  # a websocket handshake: a GET without an Upgrade header is refused (400, 426)
                path = self.value(args[0], f).text
                warp = function.type != "field_expression" and _ends(_path(function), ("warp::path",))
                if path is not None and not warp:
                    prefix = self._route_prefixes(f).get(call.id, "")
                    path = None if prefix is None else (prefix + path if path != "/" or not prefix else prefix)
                if path and warp and not path.startswith("/"):
                    path = "/" + path
                # a chain's calls all start where the chain does: its path literal orders it
                hits.append((args[0].start_byte, path, syntax.line(args[0])))
            for attribute in f.attributes:
                name = syntax.text(attribute.named_children[0]) if attribute.named_child_count else ""
                if name.rsplit("::", 1)[-1] not in ROUTE_ATTRIBUTES:
                    continue
                tokens = next((c for c in attribute.children if c.type == "token_tree"), None)
                first = next((c for c in tokens.named_children if c.type in ("string_literal", "raw_string_literal")),
                             None) if tokens is not None else None
                if first is not None:
                    path = string_value(first)
                    handler = _attributed_function(attribute)
                    if path and handler in mounts:  # #[get("/tags")] on a handler mounted at /api: /api/tags
                        if mounts[handler] is None:
                            continue
                        path = mounts[handler].rstrip("/") + path if path != "/" or not mounts[handler].rstrip("/") \
                            else mounts[handler]
                    hits.append((attribute.start_byte, path, syntax.line(attribute)))
            for node in f.strings:  # "GET /health HTTP/1.1" in a hand-written server
                text = string_value(node) or ""
                if text.startswith(("GET /", "HEAD /")):
                    hits.append((node.start_byte, text.split()[1] if len(text.split()) > 1 else None,
                                 syntax.line(node)))
            for node in f.tuples:  # ("GET", "/health") or (&Method::Get, "/health")
                items = [c for c in node.named_children]
                if len(items) < 2 or not any(_is_get(c) for c in items):
                    continue
                path = next((string_value(c) for c in items if c.type == "string_literal"
                             and (string_value(c) or "").startswith("/")), None)
                hits.append((node.start_byte, path, syntax.line(node)))
            for node in f.matches:  # match request.url() { "/healthz" => ..., "/a" | "/b" => ... }
                if not _names_path(node.child_by_field_name("value")):
                    continue
                block = node.child_by_field_name("body")
                for arm in block.named_children if block is not None else []:
                    pattern = arm.child_by_field_name("pattern") if arm.type == "match_arm" else None
                    for literal in _pattern_strings(pattern):
                        hits.append((literal.start_byte, string_value(literal), syntax.line(literal)))
            for node in f.binaries:  # if request.url() == "/health"
                if syntax.text(node.child_by_field_name("operator")) != "==":
                    continue
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                for literal, other in ((left, right), (right, left)):
                    if literal is not None and literal.type == "string_literal" and _names_path(other):
                        hits.append((literal.start_byte, string_value(literal), syntax.line(literal)))
            out += [(path, f.rel, line) for _, path, line in sorted(hits, key=lambda h: h[0])
                    if path and path.startswith("/")]
        return out

    def _route_prefixes(self, f) -> dict[int, str | None]:
        """Call node id -> the prefix the routes it registers are served under: actix's `web::scope("/api")` its
        chain starts from (`web::scope("/users").route("/login", ...)`, nested through `.service(...)`) and
        axum's `.nest("/api", router)` around it; None when a prefix is not a literal the code shows. One walk
        down the file's tree (a chain of a thousand routes is read in linear time)."""
        cache = getattr(self, "_prefix_cache", None)
        if cache is None:
            cache = self._prefix_cache = {}
        if f.rel in cache:
            return cache[f.rel]
        roots: dict[int, str | None] = {}
        out: dict[int, str | None] = {}
        stack = [(f.root, "")] if f.root is not None else []
        while stack:
            node, context = stack.pop()
            function = node.child_by_field_name("function") if node.type == "call_expression" else None
            if function is not None and function.type == "field_expression":
                scope = self._root_scope(node, f, roots)
                own = None if context is None or scope is None else context + scope
                out[node.id] = own
                receiver = function.child_by_field_name("value")
                if receiver is not None:
                    stack.append((receiver, context))
                args = _arguments(node)
                nested, nest = None, ""
                if syntax.text(function.child_by_field_name("field")) == "nest" and len(args) > 1:
                    nested = args[1].id
                    value = self.value(args[0], f).text
                    nest = None if value is None else value.rstrip("/")
                for child in args:
                    inner = own
                    if child.id == nested:
                        inner = None if own is None or nest is None else own + nest
                    stack.append((child, inner))
                continue
            if node.type == "call_expression":
                out[node.id] = context
            stack.extend((child, context) for child in node.named_children)
        cache[f.rel] = out
        return out

    def _root_scope(self, link, f, roots: dict[int, str | None]) -> str | None:
        """`web::scope("/api")` at the start of ``link``'s chain -> "/api"; "" for a chain that starts elsewhere;
        None for a scope whose prefix is not known. Every link of a chain is worked out once."""
        path = []
        node = link
        while node.id not in roots:
            path.append(node)
            function = node.child_by_field_name("function") if node.type == "call_expression" else None
            receiver = function.child_by_field_name("value") if function is not None \
                and function.type == "field_expression" else None
            if receiver is None:
                break
            node = receiver
        if node.id in roots:
            result = roots[node.id]
        elif node.type == "call_expression" and _ends(_path(node.child_by_field_name("function")),
                                                      ("web::scope", "scope")):
            args = _arguments(node)
            value = self.value(args[0], f).text if args else None
            result = None if value is None else value.rstrip("/")
        else:
            result = ""
        for n in path:
            roots[n.id] = result
        return result

    def relative_folders(self) -> list[tuple[str, str, int, bool]]:
        """(first folder or file, file, line, relative to CARGO_MANIFEST_DIR) of the paths the program reads at
        run time relative to where it runs: templates/, static/, assets/."""
        out = []
        for f in self.files:
            for call in f.calls:
                function = call.child_by_field_name("function")
                args = _arguments(call)
                if function is None or not args:
                    continue
                if function.type == "field_expression":
                    method = syntax.text(function.child_by_field_name("field"))
                    if method not in ASSET_METHODS:
                        continue
                    candidates, folder = args[:2], method == "register_templates_directory"
                else:
                    path = _path(function)
                    index = next((i for suffix, i in ASSET_CALLS.items() if _ends(path, (suffix,))), None)
                    if index is None or index >= len(args):
                        continue
                    candidates, folder = [args[index]], _ends(path, FOLDER_CALLS)
                for arg in candidates:
                    if arg.type == "call_expression":  # ServeDir::new("assets") inside nest_service(...)
                        continue
                    text, manifest = self._runtime_path(arg, f)
                    if not text or text.startswith("/"):
                        continue
                    if text.startswith(".") and "/" not in text:  # an extension (".hbs"), or "."
                        continue
                    text = text.removeprefix("./")
                    if "/" in text or folder and text not in (".", ""):
                        out.append((text.split("/", 1)[0], f.rel, syntax.line(call), manifest))
                        break
        return out

    def _runtime_path(self, node, f: RustFile, depth: int = 0) -> tuple[str | None, bool]:
        """A path's text and whether it is relative to the crate (`concat!(env!("CARGO_MANIFEST_DIR"), "/x")`,
        `PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("x")`, rocket's `relative!("x")`)."""
        if depth > 4:
            return None, False
        if node.type == "identifier":  # let tmpl_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
            function = f.function_at(node.start_byte)
            entries = f.lets.get(function.start_byte, {}).get(syntax.text(node), []) if function is not None else []
            before = bisect.bisect_left(entries, (node.start_byte,))
            if before:
                return self._runtime_path(entries[before - 1][1], f, depth + 1)
            bound = (f.consts[syntax.text(node)], f) if syntax.text(node) in f.consts else \
                self.consts.get(syntax.text(node))
            if bound is not None:  # const ABOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/about.html");
                return self._runtime_path(bound[0], bound[1], depth + 1)
        if node.type == "reference_expression" and node.named_child_count:
            return self._runtime_path(node.named_children[-1], f, depth + 1)
        if node.type == "macro_invocation":
            name = syntax.text(node.child_by_field_name("macro")).rsplit("::", 1)[-1]
            groups = _macro_args(node)
            if name == "relative" and len(groups) == 1 and len(groups[0]) == 1:
                return string_value(groups[0][0]), True
            if name == "concat" and groups and _manifest_dir(groups[0]):
                rest = [string_value(g[0]) if len(g) == 1 else None for g in groups[1:]]
                return ("".join(rest).lstrip("/") if None not in rest else None), True
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            args = _arguments(node)
            if function is not None and function.type == "field_expression" and len(args) == 1 \
                    and syntax.text(function.child_by_field_name("field")) == "join":
                receiver = function.child_by_field_name("value")
                inner = _arguments(receiver) if receiver is not None and receiver.type == "call_expression" else []
                if len(inner) == 1 and _ends(_path(receiver.child_by_field_name("function")),
                                             ("PathBuf::from", "Path::new")) and _manifest_dir([inner[0]]):
                    return self.value(args[0], f).text, True
        return self.value(node, f).text, False

    def paths(self) -> list[tuple[str, str, str, int]]:
        """(kind: "dir" | "file" | "read", absolute path, file, line) of the files the program opens."""
        out = []
        for f in self.files:
            for call in f.calls:
                function = call.child_by_field_name("function")
                args = _arguments(call)
                if not args or function is None:
                    continue
                if function.type == "field_expression":
                    if syntax.text(function.child_by_field_name("field")) != "open" or not \
                            _writes(function.child_by_field_name("value")):
                        continue
                    kind = "file"
                else:
                    path = _path(function)
                    kind = next((k for suffix, k in PATH_CALLS.items() if _ends(path, (suffix,))), None)
                    if kind is None:
                        continue
                value = self.value(args[0], f).text
                if value and value.startswith("/"):
                    out.append((kind, value, f.rel, syntax.line(call)))
        return out


_LISTEN_LITERAL = re.compile(r"(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|::|\[::1\])?:\d{2,5}")


def _is_get(node) -> bool:
    if node.type == "reference_expression" or node.type == "reference_pattern":
        node = node.named_children[-1] if node.named_child_count else node
    text = string_value(node) if node.type == "string_literal" else syntax.text(node)
    return text in ("GET", "HEAD") or (node.type == "scoped_identifier"
                                       and syntax.text(node).rsplit("::", 1)[-1] in ("GET", "Get", "HEAD", "Head"))


def _manifest_dir(nodes: list) -> bool:
    """`env!("CARGO_MANIFEST_DIR")`: a macro node, or its pieces inside another macro's token tree."""
    if len(nodes) == 1 and nodes[0].type == "macro_invocation":
        nodes = [nodes[0].child_by_field_name("macro"), None, next(
            (c for c in nodes[0].children if c.type == "token_tree"), None)]
    return len(nodes) == 3 and nodes[0] is not None and nodes[2] is not None \
        and syntax.text(nodes[0]).rsplit("::", 1)[-1] == "env" and nodes[2].type == "token_tree" \
        and any(c.type == "string_literal" and string_value(c) == "CARGO_MANIFEST_DIR" for c in nodes[2].children)


def _attributed_function(attribute) -> str | None:
    """The name of the function an attribute (`#[get("/")]`) sits on."""
    item = attribute.parent
    node = item.next_named_sibling if item is not None else None
    while node is not None and node.type in ("attribute_item", "line_comment", "block_comment"):
        node = node.next_named_sibling
    name = node.child_by_field_name("name") if node is not None and node.type == "function_item" else None
    return syntax.text(name) if name is not None else None


def _names_path(node) -> bool:
    """An expression that names a request's path: `request.url()`, `req.uri().path()`, `path.as_str()`,
    `(req.method(), req.uri().path())`."""
    if node is None:
        return False
    if node.type in ("identifier", "field_identifier"):
        name = syntax.text(node).lower()
        return name in PATH_NAMES or name.endswith(("_path", "_url", "_uri"))
    if node.type in ("tuple_expression", "string_literal", "raw_string_literal"):
        return False  # a tuple's items are matched by the tuple patterns; a literal names nothing
    found = syntax.captures(GRAMMAR, "[(identifier) (field_identifier)] @name", node).get("name", [])
    return any(_names_path(n) for n in found[:32])


def _pattern_strings(pattern) -> list:
    """The string literals a match arm's pattern accepts: `"/health"`, `"/health" | "/healthz"`."""
    out, todo = [], [pattern] if pattern is not None else []
    while todo:
        node = todo.pop()
        if node.type == "match_pattern":  # its pattern, not the guard after `if`
            todo += node.named_children[:1]
        elif node.type == "or_pattern":
            todo += reversed(node.named_children)
        elif node.type == "string_literal":
            out.append(node)
    return out


def _writes(node) -> bool:
    """An OpenOptions chain that creates, writes or appends: `.create(true)`, `.append(true)`, `.write(true)`."""
    depth = 0
    while node is not None and node.type == "call_expression" and depth < 32:
        function = node.child_by_field_name("function")
        if function is None or function.type != "field_expression":
            return False
        if syntax.text(function.child_by_field_name("field")) in ("create", "append", "write", "create_new"):
            return True
        node = function.child_by_field_name("value")
        depth += 1
    return False


def file_serves(f: RustFile) -> bool:
    for call in f.calls:
        if _ends(_path(call.child_by_field_name("function")), SERVE_PATHS):
            return True
    for attribute in f.attributes:
        if attribute.named_child_count and syntax.text(attribute.named_children[0]) in SERVE_ATTRIBUTES:
            return True
    return False


def port_of(value: Value) -> int | None:
    """The port of an address value: a tuple's last part, or "host:port"."""
    if value.parts:
        last = value.parts[-1]
        if last.parts:
            return port_of(last)
        text = last.text
    else:
        text = value.text.rsplit(":", 1)[-1] if value.text and ":" in value.text else None
    if text and text.isdigit() and text.isascii() and len(text) <= 5 and 0 < int(text) < 65536:
        return int(text)
    return None
