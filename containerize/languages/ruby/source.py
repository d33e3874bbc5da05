"""Facts from Ruby sources, read from tree-sitter trees (grammar ``ruby``).

Env reads (``ENV["X"]``, ``ENV["X"] || "d"``, ``ENV.fetch("X", "d")``, ``ENV.fetch("X") { "d" }``
and thin wrappers such as ``def env(name, default) = ENV.fetch(name, default)``), ports
(``set :port``, ``TCPServer.new``, ``Port:`` options, puma's ``port`` and ``bind``), routes
(Sinatra/Rails ``get "/x"``, ``path == "/x"``, ``when "/x"``), files written and read, and
whether a script starts a server. Constants (``PORT = 4567``, ``DATA_DIR = File.join("/data", "x")``)
resolve to their values. ERB tags in config/*.yml are Ruby too: each tag is parsed on its own.
"""
from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass, field

from ... import syntax
from ...scan import SourceTree

_Q_CALLS = "(call method: (_) @method) @call"
_Q_BINDINGS = """
(assignment left: (constant) @name right: (_) @value) @bind
(assignment left: (identifier) @name right: (_) @value) @bind
"""
_Q_ENV_INDEX = '(element_reference object: (constant) @env (#eq? @env "ENV")) @ref'
# `ENV["X"] || fallback` and `a == b` are read from the binary nodes' fields: a query with the fields
# costs about 0.1 s to compile in the Ruby grammar, each time containerize runs
_Q_BINARY = "(binary) @binary"
_Q_WHEN = "(when pattern: (pattern (string) @path))"
_Q_METHODS = """
(method name: (identifier) @name parameters: (method_parameters) @params body: (_) @body)
"""

# each file is walked once for the matches and once for the captures of these queries
_MATCHES = syntax.QuerySet("ruby", _Q_METHODS, _Q_BINDINGS, _Q_ENV_INDEX)
_CAPTURES = syntax.QuerySet("ruby", _Q_CALLS, _Q_WHEN, _Q_BINARY, captures=True)

SERVER_CLASSES = {"TCPServer", "WEBrick::HTTPServer", "HTTPServer", "Puma::Server", "Thin::Server"}
ROUTE_VERBS = {"get", "post", "put", "patch", "delete", "options", "head", "map", "route", "match"}
WRITE_CALLS = {("File", "write"), ("File", "binwrite"), ("IO", "write")}
MKDIR_CALLS = {("FileUtils", "mkdir_p"), ("FileUtils", "mkdir"), ("FileUtils", "makedirs"), ("Dir", "mkdir")}
READ_CALLS = {("File", "read"), ("File", "binread"), ("File", "foreach"), ("File", "readlines"), ("IO", "readlines"),
              ("IO", "read"), ("YAML", "load_file"), ("JSON", "load_file")}
LOOPBACK = ("localhost", "127.0.0.1", "::1")
OTHER_ENVIRONMENTS = {"development", "test"}  # sections of config/*.yml the production container never reads
# ENV's methods that read one variable: fetch (a default as 2nd argument or block), [] and delete (read and
# removed, so subprocesses don't inherit a secret), and send/public_send naming one of them
ENV_READS = ("fetch", "[]", "delete")
ENV_CALLS = ENV_READS + ("send", "public_send")


@dataclass
class Value:
    lit: int | str | None = None
    env: str | None = None
    prefix: str | None = None  # a string whose known start is this


@dataclass
class Wrapper:
    name_index: int
    default_index: int | None


@dataclass
class Facts:
    env: list[tuple[str, str | None, str, int, str]] = field(default_factory=list)  # (name, default, file, line, how)
    ports: list[tuple[int, str, str, int]] = field(default_factory=list)  # (port, why, file, line)
    port_envs: list[tuple[str, str, int]] = field(default_factory=list)
    routes: list[tuple[str, str, int]] = field(default_factory=list)
    writes: list[tuple[str, str, str, int]] = field(default_factory=list)  # (folder, path as written, file, line)
    reads: list[tuple[str, str, int]] = field(default_factory=list)
    servers: dict[str, int] = field(default_factory=dict)  # file -> line of the first server start
    sinatra: set[str] = field(default_factory=set)  # files that require "sinatra"
    main_guard: set[str] = field(default_factory=set)
    loopback: list[tuple[str, str, int]] = field(default_factory=list)  # a server bound to localhost only


def _string(node, resolve=None) -> Value:
    """A string literal, with #{...} resolved through ``resolve`` when it can be."""
    text = ""
    for child in node.named_children:
        if child.type == "string_content":
            text += syntax.text(child)
        elif child.type == "interpolation" and resolve and child.named_children:
            part = resolve(child.named_children[0])
            if part.lit is None:
                return Value(prefix=text + (part.prefix or "") or None)
            text += str(part.lit)
        else:
            return Value(prefix=text or None)
    return Value(text)


def _receiver(call) -> str:
    node = call.child_by_field_name("receiver")
    return syntax.text(node) if node is not None and node.type in ("constant", "scope_resolution") else ""


def _pairs(args) -> dict[str, object]:
    """Keyword arguments by name (`Port: 8080`, `:port => 80`)."""
    found = {}
    for arg in args.named_children if args is not None else []:
        if arg.type == "pair":
            key = syntax.text(arg.child_by_field_name("key")).strip(":\"' ")
            found[key] = arg.child_by_field_name("value")
    return found


class Reader:
    def __init__(self, tree: SourceTree) -> None:
        self.tree = tree
        self.constants: dict[str, Value] = {}
        self.names: dict[str, Value] = {}
        self.wrappers: dict[str, Wrapper] = {}
        self.facts = Facts()
        self.seen_env: set[int] = set()  # start bytes of ENV reads already recorded (per root)
        # (file, first line) of a parsed root -> the answers of the queries over it
        self._found: dict[tuple[str, int], tuple[syntax.Found, syntax.Found]] = {}

    def _matches(self, query: str, rel: str, offset: int, root) -> list:
        return self._answers(rel, offset, root)[0].matches(query)

    def _captures(self, query: str, rel: str, offset: int, root) -> dict:
        return self._answers(rel, offset, root)[1].captures(query)

    def _answers(self, rel: str, offset: int, root) -> tuple[syntax.Found, syntax.Found]:
        if (rel, offset) not in self._found:
            # a file's own parse tree is the tree's (SourceTree.parse): its answers are kept with it, so
            # every reader of the file (the analyzer, its connections) shares one walk
            key = ("ruby.found", rel)
            kept = self.tree.facts.get(key) if offset == 0 and not rel.endswith((".yml", ".yaml")) else None
            if kept is not None and kept[0] == root:
                self._found[rel, offset] = kept[1]
            else:
                self._found[rel, offset] = (_MATCHES.run(root), _CAPTURES.run(root))
                if offset == 0 and not rel.endswith((".yml", ".yaml")):
                    self.tree.facts[key] = (root, self._found[rel, offset])
        return self._found[rel, offset]

    def call_nodes(self, rel: str, root, offset: int = 0) -> list:
        """The call nodes of a root (``receiver.method(...)`` and bare ``method(...)``), in document order,
        from the walk its other facts come from."""
        return self._captures(_Q_CALLS, rel, offset, root).get("call", [])

    # -- values ------------------------------------------------------------------------
    def value(self, node, depth: int = 0) -> Value:
        if node is None or depth > 40:
            return Value()
        kind = node.type
        if kind == "integer":
            text = syntax.text(node).replace("_", "")
            return Value(int(text)) if text.isdigit() else Value()
        if kind == "string":
            return _string(node, lambda n: self.value(n, depth + 1))
        if kind in ("true", "false"):
            return Value(kind)
        if kind == "nil":
            return Value()
        if kind == "constant":
            return self.constants.get(syntax.text(node)) or Value()
        if kind == "identifier":
            return self.names.get(syntax.text(node)) or Value()
        if kind in ("parenthesized_statements", "block_body", "body_statement", "begin_block"):
            return self.value(node.named_children[-1], depth + 1) if node.named_children else Value()
        if kind == "element_reference":
            return Value(env=self._env_index(node, depth + 1))
        if kind == "binary":
            operator = syntax.text(node.child_by_field_name("operator"))
            left = self.value(node.child_by_field_name("left"), depth + 1)
            right = self.value(node.child_by_field_name("right"), depth + 1)
            if operator in ("||", "or") and left.env:
                return Value(right.lit if not right.env else None, left.env)
            if operator == "+" and isinstance(left.lit, str):
                return Value(left.lit + right.lit) if isinstance(right.lit, str) else Value(prefix=left.lit)
            return Value(env=left.env or right.env)
        if kind == "call":
            return self.call_value(node, depth)
        return Value()

    def _env_index(self, node, depth: int = 0) -> str | None:
        obj = node.child_by_field_name("object")
        if obj is None or syntax.text(obj) != "ENV":
            return None
        keys = [c for c in node.named_children if c != obj]
        name = self.value(keys[0], depth + 1).lit if len(keys) == 1 else None
        return name if isinstance(name, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else None

    def call_value(self, call, depth: int) -> Value:
        method = syntax.text(call.child_by_field_name("method"))
        receiver = call.child_by_field_name("receiver")
        args_node = call.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if a.type != "block_argument"] if args_node else []
        owner = _receiver(call)
        if owner == "ENV" and method in ("send", "public_send") and len(args) > 1:
            # ENV.send(dev ? :[] : :delete, "X"): a read whichever method the first argument picks
            args = args[1:]
            method = "[]"
        if owner == "ENV" and method in ENV_READS and args:
            name = self.value(args[0], depth + 1).lit
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                return Value()
            default = None
            if len(args) > 1:
                default = self.value(args[1], depth + 1).lit
            elif (block := call.child_by_field_name("block")) is not None:
                body = block.child_by_field_name("body")
                default = self.value(body, depth + 1).lit if body is not None else None
            return Value(default, name)
        if receiver is None and method in self.wrappers:
            wrapper = self.wrappers[method]
            if wrapper.name_index < len(args):
                name = self.value(args[wrapper.name_index], depth + 1).lit
                default = (self.value(args[wrapper.default_index], depth + 1).lit
                           if wrapper.default_index is not None and wrapper.default_index < len(args) else None)
                if isinstance(name, str):
                    return Value(default, name)
        if receiver is None and method in ("Integer", "String", "Float") and args:
            inner = self.value(args[0], depth + 1)
            return Value(_to_int(inner.lit) if method == "Integer" else inner.lit, inner.env)
        if method in ("to_i", "to_s", "freeze", "to_str", "to_path", "expand_path", "strip") and receiver is not None \
                and not args:
            inner = self.value(receiver, depth + 1)
            return Value(_to_int(inner.lit) if method == "to_i" else inner.lit, inner.env, inner.prefix)
        if (owner, method) in (("File", "join"), ("File", "expand_path")) and args:
            parts = [self.value(a, depth + 1) for a in args[:1] if method == "expand_path"] or [
                self.value(a, depth + 1) for a in args]
            return _join(parts)
        if (owner, method) == ("Pathname", "new") and args:
            return self.value(args[0], depth + 1)
        if method == "join" and receiver is not None and args:  # Pathname#join, Rails.root.join
            return _join([self.value(receiver, depth + 1)] + [self.value(a, depth + 1) for a in args])
        return Value()

    # -- passes --------------------------------------------------------------------------
    def roots(self, files: list[str]):
        for rel in files:
            if rel.endswith((".yml", ".yaml")):
                text = self.tree.read(rel) or ""
                sections = _sections(text)
                for start, code in _erb_tags(text):
                    at = bisect.bisect_right(sections, (start, "\uffff")) - 1
                    if at >= 0 and sections[at][1] in OTHER_ENVIRONMENTS:
                        continue  # database.yml's development: and test: sections are not the container's
                    yield rel, syntax.parse("ruby", code).root_node, start - 1, True
            else:
                parsed = self.tree.parse(rel, "ruby")
                if parsed is not None:
                    yield rel, parsed.root_node, 0, False

    def collect(self, files: list[str]) -> None:
        code = [f for f in files if not f.endswith((".yml", ".yaml"))]
        for rel, root, offset, _erb in self.roots(code):
            for _, m in self._matches(_Q_METHODS, rel, offset, root):
                self._wrapper(m)
        for rel, root, offset, _erb in self.roots(code):
            for _, m in self._matches(_Q_BINDINGS, rel, offset, root):
                if m["name"][0].type == "constant":
                    found = self.value(m["value"][0])
                    name = syntax.text(m["name"][0])
                    if name not in self.constants and (found.lit is not None or found.env or found.prefix):
                        self.constants[name] = found

    def _wrapper(self, m) -> None:
        params = [syntax.text(p) if p.type == "identifier" else syntax.text(p.child_by_field_name("name"))
                  for p in m["params"][0].named_children]
        if not params:
            return
        body = m["body"][0]
        fallbacks = _fallbacks(body)
        for node in [body] + syntax.captures("ruby", "(call) @c (element_reference) @c", body).get("c", []):
            name_node = default_node = None
            if node.type == "call" and _receiver(node) == "ENV" and syntax.text(node.child_by_field_name("method")) == "fetch":
                args = node.child_by_field_name("arguments")
                args = args.named_children if args is not None else []
                name_node = args[0] if args else None
                if len(args) > 1:
                    default_node = args[1]
                elif (block := node.child_by_field_name("block")) is not None and block.child_by_field_name("body"):
                    body_node = block.child_by_field_name("body")
                    default_node = body_node.named_children[-1] if body_node.named_children else None
            elif node.type == "element_reference" and syntax.text(node.child_by_field_name("object")) == "ENV":
                keys = node.named_children[1:]
                name_node = keys[0] if keys else None
                default_node = fallbacks.get(node.start_byte)
            if name_node is not None and name_node.type == "identifier" and syntax.text(name_node) in params:
                index = params.index(syntax.text(name_node))
                default = None
                if default_node is not None and default_node.type == "identifier" \
                        and syntax.text(default_node) in params:
                    default = params.index(syntax.text(default_node))
                self.wrappers.setdefault(syntax.text(m["name"][0]), Wrapper(index, default))
                return

    def read(self, files: list[str]) -> None:
        for rel, root, offset, erb in self.roots(files):
            self.names = {}
            for _, m in self._matches(_Q_BINDINGS, rel, offset, root):
                if m["name"][0].type == "identifier":
                    found = self.value(m["value"][0])
                    self.names.setdefault(syntax.text(m["name"][0]), found)
            self._env(rel, root, offset)
            if erb:  # an ERB tag in a YAML file: env reads only
                continue
            self._calls(rel, root, offset)
            for left_node, right_node in _equals(self._captures(_Q_BINARY, rel, offset, root).get("binary", [])):
                for side in (left_node, right_node):
                    path = self.value(side).lit if side.type == "string" else None
                    if isinstance(path, str) and path.startswith("/"):
                        self.facts.routes.append((path, rel, syntax.line(side)))
                left, right = syntax.text(left_node), syntax.text(right_node)
                if {left, right} in ({"__FILE__", "$0"}, {"__FILE__", "$PROGRAM_NAME"}):
                    self.facts.main_guard.add(rel)
            for node in self._captures(_Q_WHEN, rel, offset, root).get("path", []):
                path = self.value(node).lit
                if isinstance(path, str) and path.startswith("/"):
                    self.facts.routes.append((path, rel, syntax.line(node)))

    def _env(self, rel: str, root, offset: int) -> None:
        for node in self._captures(_Q_CALLS, rel, offset, root).get("call", []):
            method = syntax.text(node.child_by_field_name("method"))
            if _receiver(node) == "ENV" and method in ENV_CALLS \
                    or node.child_by_field_name("receiver") is None and method in self.wrappers:
                found = self.value(node)
                if found.env:
                    how = f"ENV.{method}" if _receiver(node) == "ENV" else method + "()"
                    self.facts.env.append((found.env, None if found.lit is None else str(found.lit), rel,
                                           syntax.line(node) + offset, how))
        fallbacks = _fallbacks(root, self._captures(_Q_BINARY, rel, offset, root).get("binary", []))
        for _, m in self._matches(_Q_ENV_INDEX, rel, offset, root):
            ref = m["ref"][0]
            name = self._env_index(ref)
            if not name:
                continue
            default = None
            if (right := fallbacks.get(ref.start_byte)) is not None:
                lit = self.value(right).lit
                default = None if lit is None else str(lit)
            self.facts.env.append((name, default, rel, syntax.line(ref) + offset, "ENV[...]"))

    def _calls(self, rel: str, root, offset: int) -> None:
        for node in self._captures(_Q_CALLS, rel, offset, root).get("call", []):
            method = syntax.text(node.child_by_field_name("method"))
            owner = _receiver(node)
            args_node = node.child_by_field_name("arguments")
            args = [a for a in args_node.named_children if a.type != "block_argument"] if args_node else []
            line = syntax.line(node)
            keywords = _pairs(args_node)
            if (owner in SERVER_CLASSES and method in ("new", "open")) or (owner == "Socket" and method.startswith("tcp_server")) \
                    or (owner.startswith(("Rack::Handler", "Rackup::Handler")) and method == "run") or method == "run!":
                self.facts.servers.setdefault(rel, line)
                port_node = keywords.get("Port") or keywords.get("port") or (
                    args[-1] if owner == "TCPServer" and args and args[-1].type != "pair" else None)
                if owner == "Socket" and args:
                    port_node = args[-1] if args[-1].type != "pair" else args[0]
                self._port(port_node, f"{owner or method}{'.' + method if owner else ''}", rel, line)
                host = self.value(args[0]).lit if owner == "TCPServer" and len(args) > 1 else None
                if host in LOOPBACK:
                    self.facts.loopback.append((host, rel, line))
            elif node.child_by_field_name("receiver") is None:
                if method == "require" and args and self.value(args[0]).lit == "sinatra":
                    self.facts.sinatra.add(rel)
                elif method == "set" and len(args) > 1 and syntax.text(args[0]) in (":port", '"port"'):
                    self._port(args[1], "set :port", rel, line)
                elif method == "set" and len(args) > 1 and syntax.text(args[0]) in (":bind", '"bind"') \
                        and self.value(args[1]).lit in LOOPBACK:
                    self.facts.loopback.append((self.value(args[1]).lit, rel, line))
                elif method == "port" and args:  # puma config
                    self._port(args[0], "puma's port", rel, line)
                elif method == "listen" and args and rel.endswith("unicorn.rb"):  # listen 8080, "0.0.0.0:8080"
                    found = self.value(args[0])
                    text = found.lit if isinstance(found.lit, str) else None
                    if text and (m := re.fullmatch(r"(?:[\w.\[\]:-]*:)?(\d{2,5})", text)):
                        self._port_value(int(m.group(1)), None, f"unicorn listens on {text}", rel, line)
                    else:
                        self._port(args[0], "unicorn's listen", rel, line)
                elif method == "bind" and args:
                    url = self.value(args[0]).lit
                    if isinstance(url, str) and (m := re.fullmatch(r"(?:tcp|ssl)://[^/]*:(\d{2,5})", url)):
                        self._port_value(int(m.group(1)), None, f"puma binds {url}", rel, line)
                elif method == "root" and rel.endswith("routes.rb"):  # Rails: root "welcome#index"
                    self.facts.routes.append(("/", rel, line))
                elif method in ROUTE_VERBS and args:
                    first = args[0]
                    if first.type == "pair":  # Rails: get "up" => "rails/health#show"
                        first = first.child_by_field_name("key")
                    path = self.value(first).lit
                    if isinstance(path, str) and re.fullmatch(r"/?[\w./:-]*", path):
                        self.facts.routes.append(("/" + path.lstrip("/"), rel, line))
            elif method in ("get", "is", "root") and _roda_request(node):
                # Roda: r.root, r.get "health", r.is "status" (the routing tree's request object)
                path = "/" if method == "root" else self.value(args[0]).lit if args else None
                if isinstance(path, str) and re.fullmatch(r"/?[\w./-]*", path):
                    self.facts.routes.append(("/" + path.lstrip("/"), rel, line))
            elif keywords and ("Port" in keywords or "port" in keywords) and method in ("new", "run", "start"):
                self._port(keywords.get("Port") or keywords.get("port"), f"{owner}.{method} Port:", rel, line)
            if (owner, method) in WRITE_CALLS and args:
                self._path("write", self.value(args[0]), rel, line)
            elif (owner, method) in MKDIR_CALLS and args:
                self._path("mkdir", self.value(args[0]), rel, line)
            elif (owner, method) == ("File", "open") and args:
                mode = self.value(args[1]).lit if len(args) > 1 else "r"
                mode = mode if isinstance(mode, str) else "r"
                self._path("write" if mode[:1] in ("w", "a") else "read", self.value(args[0]), rel, line)
            elif (owner, method) in READ_CALLS and args:
                self._path("read", self.value(args[0]), rel, line)

    def _port(self, node, why: str, rel: str, line: int) -> None:
        if node is None:
            return
        found = self.value(node)
        self._port_value(_to_int(found.lit), found.env, why, rel, line)

    def _port_value(self, port: int | None, env: str | None, why: str, rel: str, line: int) -> None:
        if isinstance(port, int) and 0 < port < 65536:
            self.facts.ports.append((port, f"{why}: {port}" + (f" (or {env})" if env else ""), rel, line))
        if env:
            self.facts.port_envs.append((env, rel, line))

    def _path(self, mode: str, found: Value, rel: str, line: int) -> None:
        if isinstance(found.lit, str):
            path, whole = found.lit, True
        elif found.prefix and found.prefix.startswith("/"):
            path, whole = found.prefix.rstrip("/"), False
        else:
            return
        if not path or "\n" in path:
            return
        if mode == "read":
            if whole or path.startswith("/"):
                self.facts.reads.append((path, rel, line))
            return
        folder = path if mode == "mkdir" or not whole else posixpath.dirname(path)
        if folder:
            self.facts.writes.append((folder, path, rel, line))


def _roda_request(call) -> bool:
    """The call's receiver is the request of a Roda ``route do |r|`` block."""
    receiver = call.child_by_field_name("receiver")
    if receiver is None or receiver.type != "identifier":
        return False
    name = syntax.text(receiver)
    node = call.parent
    while node is not None:
        if node.type in ("do_block", "block"):
            params = node.child_by_field_name("parameters")
            owner = node.parent
            if params is not None and owner is not None and owner.type == "call" \
                    and syntax.text(owner.child_by_field_name("method")) == "route" \
                    and [syntax.text(p) for p in params.named_children] == [name]:
                return True
        node = node.parent
    return False


def _sides(binary):
    """(left, operator, right) of a binary node; a side is None unless it is a named node."""
    left, operator, right = (binary.child_by_field_name(f) for f in ("left", "operator", "right"))
    return (left if left is not None and left.is_named else None, operator,
            right if right is not None and right.is_named else None)


def _fallbacks(node, binaries: list | None = None) -> dict[int, object]:
    """`ENV["X"] || fallback`: the start of each such ENV[...] -> its fallback expression."""
    if binaries is None:
        binaries = syntax.captures("ruby", _Q_BINARY, node).get("binary", [])
    found = {}
    for binary in binaries:
        left, operator, right = _sides(binary)
        if left is not None and left.type == "element_reference" and operator is not None \
                and operator.type in ("||", "or") and right is not None:
            found[left.start_byte] = right
    return found


def _equals(binaries: list) -> list[tuple[object, object]]:
    """(left, right) of each `left == right`, in the order of their right sides."""
    found = []
    for binary in binaries:
        left, operator, right = _sides(binary)
        if left is not None and operator is not None and operator.type == "==" and right is not None:
            found.append((right.start_byte, left, right))
    return [(left, right) for _, left, right in sorted(found, key=lambda f: f[0])]


def _sections(text: str) -> list[tuple[int, str]]:
    """(line, key) of each top-level key of a YAML file (``development:``, ``production:``), in order."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line[:1].isalnum() and ":" in line:
            found.append((number, line.split(":", 1)[0].strip()))
    return found


def _erb_tags(text: str):
    """(line, Ruby code) of each <% ... %> tag of a template, in one pass."""
    line, last, at = 1, 0, text.find("<%")
    while at >= 0:
        end = text.find("%>", at + 2)
        if end < 0:
            return
        line += text.count("\n", last, at)
        last = at
        yield line, text[at + 2:end].lstrip("=-").rstrip("-")
        at = text.find("<%", end + 2)


def _to_int(lit):
    if isinstance(lit, str) and lit.isdigit():
        return int(lit)
    return lit if isinstance(lit, int) else None


def _join(parts: list[Value]) -> Value:
    text = None
    for part in parts:
        if not isinstance(part.lit, str):
            prefix = (text + "/" if text else "") + (part.prefix or "") if text or part.prefix else None
            return Value(prefix=prefix)
        text = part.lit if text is None else posixpath.join(text, part.lit)
    return Value(text)


def read_facts(tree: SourceTree, files: list[str]) -> Facts:
    reader = Reader(tree)
    reader.collect(files)
    reader.read(files)
    return reader.facts


_Q_SETTING = "(call method: (identifier) @method arguments: (argument_list . (simple_symbol) @name)) @call"


def hanami_settings(tree: SourceTree, profile, rel: str) -> None:
    """Hanami's settings (``setting :database_url, constructor: ...``): each is read from the env var of its
    name in upper case, with its ``default:`` (a literal) when it has one."""
    from ...envvars import is_secret

    parsed = tree.parse(rel, "ruby")
    if parsed is None:
        return
    for _, m in syntax.matches("ruby", _Q_SETTING, parsed.root_node):
        call = m["call"][0]
        if syntax.text(m["method"][0]) != "setting" or call.child_by_field_name("receiver") is not None:
            continue
        name = syntax.text(m["name"][0]).lstrip(":").upper()
        if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            continue
        default_node = _pairs(call.child_by_field_name("arguments")).get("default")
        default = None
        if default_node is not None and default_node.type in ("string", "integer", "true", "false", "float"):
            found = _string(default_node) if default_node.type == "string" else \
                Value(syntax.text(default_node).replace("_", ""))
            default = found.lit if isinstance(found.lit, str) else None
        secret = is_secret(name, default)
        profile.add_env(name, None if secret else default, secret)
        profile.note("env", f"{name}: Hanami's setting :{name.lower()} ({rel})" + (" (a secret)" if secret else ""),
                     rel, syntax.line(call))
