"""Facts from C and C++ sources, read from tree-sitter parse trees (grammars ``c`` and ``cpp``).

Names are resolved to literal values where the code makes that possible:
``#define SERVER_PORT 7070`` then ``htons(SERVER_PORT)``; ``static const int PORT = 8080;``;
``#define DOC_ROOT "/var/www/site"`` then ``fopen(DOC_ROOT "/index.html", "r")`` or
``snprintf(path, n, "%s%s", DOC_ROOT, url)``; a variable set from ``getenv("X")`` and given a
literal fallback (``v ? v : "d"``, ``if (!v) v = "d";``); and thin wrappers such as
``env_or(const char *name, const char *def) { const char *v = getenv(name); return v ? v : def; }``
called as ``env_or("GREETING", "hello")``.

Every query walks a tree once; values resolve through dictionaries, so the work stays linear
in the size of the sources.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from ... import syntax
from ...envvars import is_port_name, is_secret
from ...profile import Profile
from ...scan import SourceTree

C_SUFFIXES = (".c",)
CXX_SUFFIXES = (".cc", ".cpp", ".cxx", ".c++", ".C")
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx")
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "TMPDIR"}
SYSTEM_PATHS = ("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/", "/var/run", "/run/")

GETENV = {"getenv", "secure_getenv"}
TO_NUMBER = {"atoi", "atol", "atoll", "strtol", "strtoul", "strtoll", "strtoull", "stoi", "stol", "stoul", "stoll",
             "stoull", "to_int"}
SOCKET_CALLS = {"bind", "listen", "accept", "accept4", "MHD_start_daemon", "evhttp_bind_socket",
                "mg_http_listen", "uv_listen"}
PORT_METHODS = {"listen", "port", "bind_to_port", "bindaddr"}  # server.listen("0.0.0.0", 8080), app.port(18080)
ROUTE_METHODS = {"Get", "Post", "Put", "Delete", "Patch", "Options", "route", "get", "post", "Handle", "handle"}
COMPARE_CALLS = {"strcmp", "strncmp", "strcasecmp", "strncasecmp"}
PRINTF_CALLS = {"snprintf": 2, "sprintf": 1}  # name -> index of the format argument
LOOPBACK = ("localhost", "127.0.0.1", "::1")
STREAMS = {"ifstream": "read", "fstream": "read", "ofstream": "write"}
_INT = re.compile(r"^\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$")
_STRING = re.compile(r'^\(?\s*"([^"\\\n]*)"\s*\)?$')
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PATH = re.compile(r"^/[\w.@+-]+(?:/[\w.@+-]*)*$")


def grammar_of(rel: str) -> str:
    return "c" if rel.endswith(C_SUFFIXES + (".h",)) else "cpp"


@dataclass
class Value:
    """What an expression is known to be: a literal, the env var it comes from, a literal prefix."""

    lit: int | str | None = None
    env: str | None = None
    prefix: str | None = None  # a string whose known start is this (a path joined with something unknown)


@dataclass
class Wrapper:
    """A function that reads the env var named by one parameter, with a fallback in another."""

    name_index: int
    default_index: int | None


@dataclass
class Facts:
    env: list[tuple[str, str, int, str]] = field(default_factory=list)  # (name, file, line, the function read with)
    env_defaults: dict[str, str] = field(default_factory=dict)
    ports: list[tuple[int, str, str, int]] = field(default_factory=list)  # (port, why, file, line)
    port_envs: list[tuple[str, str, int]] = field(default_factory=list)  # (env name, file, line)
    listens: list[tuple[str, int]] = field(default_factory=list)
    named_ports: list[tuple[int, str, str, int]] = field(default_factory=list)  # #define / const *PORT*
    routes: list[tuple[str, str, int]] = field(default_factory=list)
    reads: list[tuple[str, str, int, bool]] = field(default_factory=list)  # (path, file, line, a whole file name)
    writes: list[tuple[str, str, int]] = field(default_factory=list)  # folders
    loopback: list[tuple[str, str, int]] = field(default_factory=list)  # listens on localhost only


# -- queries -----------------------------------------------------------------------------
_Q_DEFINES = "(preproc_def name: (identifier) @name value: (preproc_arg) @value)"
_Q_FUNCTIONS = "(function_definition declarator: (_) @decl body: (compound_statement) @body) @fn"
_Q_CALLS = "(call_expression function: (_) @fn arguments: (argument_list) @args) @call"
_Q_BINDINGS = """
(init_declarator declarator: (_) @name value: (_) @value) @bind
(assignment_expression left: (identifier) @name right: (_) @value) @bind
"""
_Q_CONSTS = """
(declaration (type_qualifier) @qualifier declarator: (init_declarator declarator: (_) @name value: (_) @value) @bind)
"""
_Q_EQUALS = '(binary_expression left: (_) @left operator: "==" right: (_) @right) @cmp'
# std::ifstream in("/data/x"); and std::ifstream in(path); (which parses as a function declaration)
_Q_STREAMS = """
(declaration type: (_) @type declarator: (init_declarator declarator: (identifier) value: (_) @args))
(declaration type: (_) @type declarator: (function_declarator parameters: (parameter_list . (parameter_declaration
  type: (type_identifier) @args) .)))
"""

# every file is walked once, for all the queries (one set per grammar: the stream query reads C++ only)
_QUERIES = {
    "c": syntax.QuerySet("c", _Q_DEFINES, _Q_CONSTS, _Q_FUNCTIONS, _Q_BINDINGS, _Q_CALLS, _Q_EQUALS),
    "cpp": syntax.QuerySet("cpp", _Q_DEFINES, _Q_CONSTS, _Q_FUNCTIONS, _Q_BINDINGS, _Q_CALLS, _Q_EQUALS, _Q_STREAMS),
}


def _found(tree: SourceTree, rel: str) -> tuple[str, object, syntax.Found] | None:
    """(grammar, root, query answers) of a file, once per tree (detection and analysis read the same files)."""
    return tree.fact("cpp.source", rel, _run_queries)


def _run_queries(tree: SourceTree, rel: str) -> tuple[str, object, syntax.Found] | None:
    grammar = grammar_of(rel)
    parsed = tree.parse(rel, grammar)
    return (grammar, parsed.root_node, _QUERIES[grammar].run(parsed.root_node)) if parsed else None


def _declared_name(node) -> str | None:
    """The identifier a declarator declares (through pointers, arrays, references)."""
    while node is not None and node.type not in ("identifier", "field_identifier"):
        if node.type in ("function_declarator", "parenthesized_declarator", "pointer_declarator",
                         "array_declarator", "reference_declarator", "init_declarator"):
            node = node.child_by_field_name("declarator") or (node.named_children[0] if node.named_children else None)
        else:
            return None
    return syntax.text(node) if node is not None else None


def _callee(node) -> str:
    """`getenv`, `std::getenv`, `server.listen` -> the last name."""
    while node is not None and node.type in ("qualified_identifier", "template_function", "template_type"):
        node = node.child_by_field_name("name")
    if node is None:
        return ""
    if node.type == "field_expression":
        return syntax.text(node.child_by_field_name("field"))
    return syntax.text(node) if node.type in ("identifier", "type_identifier") else ""


def _string(node) -> str | None:
    """The content of a plain string literal (no escapes), else None."""
    if node.type != "string_literal":
        return None
    parts = []
    for child in node.named_children:
        if child.type != "string_content":
            return None
        parts.append(syntax.text(child))
    return "".join(parts)


def _bare_identifier(node) -> str | None:
    """`port`, `(unsigned short)port`, `*port` -> "port"."""
    while node is not None and node.type in ("cast_expression", "parenthesized_expression", "pointer_expression"):
        node = node.child_by_field_name("value") or node.child_by_field_name("argument") or (
            node.named_children[-1] if node.named_children else None)
    return syntax.text(node) if node is not None and node.type == "identifier" else None


def _literal_arg(text: str) -> int | str | None:
    """A #define's replacement text when it is one number or one plain string."""
    text = text.strip()
    if m := _INT.match(text):
        return int(m.group(1), 0)
    if m := _STRING.match(text):
        return m.group(1)
    return None


class Reader:
    def __init__(self, tree: SourceTree, files: list[str]) -> None:
        self.tree = tree
        self.files = files
        self.constants: dict[str, Value] = {}  # #define'd and const literals (every file)
        self.wrappers: dict[str, Wrapper] = {}
        self.port_params: dict[str, int] = {}  # function -> index of the parameter it passes to htons()
        self.names: dict[str, Value] = {}  # one file's variables
        self.facts = Facts()

    def roots(self):
        for rel in self.files:
            found = _found(self.tree, rel)
            if found is not None:
                yield rel, found[0], found[1]

    def _matches(self, query: str, rel: str) -> list:
        found = _found(self.tree, rel)
        return found[2].matches(query) if found is not None else []

    # -- values -------------------------------------------------------------------
    def value(self, node, grammar: str, depth: int = 0) -> Value:
        if node is None or depth > 40:
            return Value()
        kind = node.type
        if kind == "number_literal":
            return Value(_literal_arg(syntax.text(node)))
        if kind == "string_literal":
            return Value(_string(node))
        if kind == "raw_string_literal":
            return Value()
        if kind == "identifier":
            name = syntax.text(node)
            return self.names.get(name) or self.constants.get(name) or Value()
        if kind in ("parenthesized_expression", "cast_expression", "pointer_expression", "unary_expression"):
            inner = node.child_by_field_name("value") or node.child_by_field_name("argument") or (
                node.named_children[-1] if node.named_children else None)
            found = self.value(inner, grammar, depth + 1)
            return found if kind != "unary_expression" else Value(env=found.env)
        if kind == "concatenated_string":
            return self._concat([self.value(c, grammar, depth + 1) for c in node.named_children])
        if kind == "binary_expression":
            left = self.value(node.child_by_field_name("left"), grammar, depth + 1)
            right = self.value(node.child_by_field_name("right"), grammar, depth + 1)
            operator = syntax.text(node.child_by_field_name("operator"))
            if operator == "+" and isinstance(left.lit, str):
                return self._concat([left, right])
            if operator == "/" and isinstance(left.lit, str):  # std::filesystem::path / "x"
                return self._concat([left, Value("/"), right])
            return Value(env=left.env or right.env)
        if kind == "conditional_expression":
            condition = self.value(node.child_by_field_name("condition"), grammar, depth + 1)
            then = self.value(node.child_by_field_name("consequence"), grammar, depth + 1)
            other = self.value(node.child_by_field_name("alternative"), grammar, depth + 1)
            env = condition.env or then.env or other.env
            if env:  # `v ? v : "fallback"`: the literal branch is the env var's default
                lit = other.lit if other.lit is not None and not other.env else then.lit if not then.env else None
            else:  # a value only when both branches agree
                lit = then.lit if then.lit == other.lit else None
            if env and lit is not None:
                self.facts.env_defaults.setdefault(env, str(lit))
            return Value(lit, env)
        if kind == "call_expression":
            return self.call_value(node, grammar, depth)
        if kind in ("argument_list", "initializer_list") and node.named_children:  # std::string s("x")
            return self.value(node.named_children[0], grammar, depth + 1)
        return Value()

    @staticmethod
    def _concat(parts: list[Value]) -> Value:
        text = ""
        for part in parts:
            if not isinstance(part.lit, str):
                return Value(prefix=(text + (part.prefix or "")) or None)
            text += part.lit
        return Value(text)

    def call_value(self, node, grammar: str, depth: int) -> Value:
        name = _callee(node.child_by_field_name("function"))
        args = node.child_by_field_name("arguments").named_children
        if name in GETENV and args:
            env = self.value(args[0], grammar, depth + 1).lit
            return Value(env=env if isinstance(env, str) and _ENV_NAME.fullmatch(env) else None)
        if name in self.wrappers and node.child_by_field_name("function").type == "identifier":
            wrapper = self.wrappers[name]
            if wrapper.name_index < len(args):
                env = self.value(args[wrapper.name_index], grammar, depth + 1).lit
                lit = None
                if wrapper.default_index is not None and wrapper.default_index < len(args):
                    lit = self.value(args[wrapper.default_index], grammar, depth + 1).lit
                if isinstance(env, str) and _ENV_NAME.fullmatch(env):
                    if lit is not None:
                        self.facts.env_defaults.setdefault(env, str(lit))
                    return Value(lit, env)
        if name in TO_NUMBER and args:
            inner = self.value(args[0], grammar, depth + 1)
            lit = inner.lit
            if isinstance(lit, str) and lit.isdigit():
                lit = int(lit)
            return Value(lit if isinstance(lit, int) else None, inner.env)
        if name in ("string", "basic_string", "path") and args:
            return self.value(args[0], grammar, depth + 1)
        if name in ("c_str", "data", "string") and node.child_by_field_name("function").type == "field_expression":
            return self.value(node.child_by_field_name("function").child_by_field_name("argument"), grammar, depth + 1)
        return Value()

    # -- passes ----------------------------------------------------------------------
    def collect_constants(self) -> None:
        for rel, grammar, root in self.roots():
            for _, m in self._matches(_Q_DEFINES, rel):
                name = syntax.text(m["name"][0])
                lit = _literal_arg(syntax.text(m["value"][0]))
                if lit is not None and name not in self.constants:
                    self.constants[name] = Value(lit)
                    if isinstance(lit, int) and "PORT" in name.upper():
                        self.facts.named_ports.append((lit, f"#define {name} {lit}", rel, syntax.line(m["name"][0])))
        # const declarations may name earlier constants: a second pass in document order
        for rel, grammar, root in self.roots():
            for _, m in self._matches(_Q_CONSTS, rel):
                bind = m["bind"][0]
                if syntax.text(m["qualifier"][0]) not in ("const", "constexpr", "constinit"):
                    continue
                name = _declared_name(m["name"][0])
                found = self.value(m["value"][0], grammar)
                if name and found.lit is not None and not found.env and name not in self.constants:
                    self.constants[name] = Value(found.lit)
                    if isinstance(found.lit, int) and "port" in name.lower():
                        self.facts.named_ports.append((found.lit, f"{name} = {found.lit}", rel, syntax.line(bind)))


    def collect_wrappers(self) -> None:
        """Functions whose body passes one of their parameters to getenv()."""
        for rel, grammar, root in self.roots():
            for _, m in self._matches(_Q_FUNCTIONS, rel):
                function = m["decl"][0]
                while function is not None and function.type != "function_declarator":
                    function = function.child_by_field_name("declarator")
                if function is None:
                    continue
                name = _declared_name(function.child_by_field_name("declarator"))
                params = [_declared_name(p.child_by_field_name("declarator"))
                          for p in function.child_by_field_name("parameters").named_children
                          if p.type in ("parameter_declaration", "optional_parameter_declaration")]
                if not name or not params or name in GETENV:
                    continue
                body = m["body"][0]
                for _, call in syntax.matches(grammar, _Q_CALLS, body):
                    args = call["args"][0].named_children
                    callee = _callee(call["fn"][0])
                    if callee == "htons" and args and (param := _bare_identifier(args[0])) in params:
                        # open_listenfd(int port) { ... htons(port) ... }: its callers pass the port
                        self.port_params.setdefault(name, params.index(param))
                    if callee in GETENV and args and args[0].type == "identifier" \
                            and syntax.text(args[0]) in params and name not in self.wrappers:
                        index = params.index(syntax.text(args[0]))
                        default = next((i for i, p in enumerate(params) if i != index and p
                                        and self._returns(grammar, body, p)), None)
                        self.wrappers[name] = Wrapper(index, default)

    @staticmethod
    def _returns(grammar: str, body, param: str) -> bool:
        for node in syntax.captures(grammar, "(return_statement) @r", body).get("r", []):
            for ident in syntax.captures(grammar, "(identifier) @i", node).get("i", []):
                if syntax.text(ident) == param:
                    return True
        return False

    def read_files(self) -> None:
        for rel, grammar, root in self.roots():
            self.names = {}
            self._bindings(rel, grammar, root)
            self._calls(rel, grammar, root)
            for _, m in self._matches(_Q_EQUALS, rel):
                for side in (m["left"][0], m["right"][0]):
                    if side.type == "string_literal" and (path := _string(side)) and path.startswith("/"):
                        self.facts.routes.append((path, rel, syntax.line(side)))
            if grammar == "cpp":
                for _, m in self._matches(_Q_STREAMS, rel):
                    mode = STREAMS.get(_callee(m["type"][0]) if m["type"][0].type == "qualified_identifier"
                                       else syntax.text(m["type"][0]))
                    args = m["args"][0]
                    if mode:
                        found = (self.names.get(syntax.text(args)) or self.constants.get(syntax.text(args)) or Value()
                                 if args.type == "type_identifier" else self.value(args, grammar))
                        self._path(mode, found, rel, syntax.line(args))

    def _bindings(self, rel: str, grammar: str, root) -> None:
        """Variables in document order: what each holds (merging `v = getenv(..)` with `v = "fallback"`)."""
        for _, m in self._matches(_Q_BINDINGS, rel):
            name = _declared_name(m["name"][0])
            if not name:
                continue
            found = self.value(m["value"][0], grammar)
            old = self.names.get(name)
            if old is None:
                self.names[name] = Value(found.lit, found.env, found.prefix)
            else:
                if old.lit is None and found.lit is not None:
                    old.lit = found.lit
                old.env = old.env or found.env
                old.prefix = old.prefix or found.prefix
            held = self.names[name]
            if held.env and held.lit is not None:
                self.facts.env_defaults.setdefault(held.env, str(held.lit))

    def _calls(self, rel: str, grammar: str, root) -> None:
        for _, m in self._matches(_Q_CALLS, rel):
            fn, call = m["fn"][0], m["call"][0]
            name = _callee(fn)
            args = m["args"][0].named_children
            line = syntax.line(call)
            if name in GETENV or (name in self.wrappers and fn.type == "identifier"):
                env = self.value(call, grammar).env
                if env:
                    self.facts.env.append((env, rel, line, name))
                continue
            if name in SOCKET_CALLS and fn.type != "field_expression" or name in PORT_METHODS and fn.type == "field_expression":
                self.facts.listens.append((rel, line))
            if name == "htons" and args:
                self._port(self.value(args[0], grammar), "htons()", rel, line)
            elif name in self.port_params and fn.type == "identifier" and self.port_params[name] < len(args):
                self._port(self.value(args[self.port_params[name]], grammar), f"{name}({{}}) hands the port to htons()",
                           rel, line)
            elif name in PORT_METHODS and fn.type == "field_expression" and args:
                self._port(self.value(args[-1] if name == "listen" else args[0], grammar), f".{name}()", rel, line)
                host = self.value(args[0], grammar).lit if len(args) > 1 else None
                if host in LOOPBACK:
                    self.facts.loopback.append((host, rel, line))
            elif name == "MHD_start_daemon" and len(args) > 1:
                self._port(self.value(args[1], grammar), "MHD_start_daemon()", rel, line)
            elif name == "getaddrinfo" and len(args) > 1 and fn.type == "identifier":
                # getaddrinfo(NULL, PORT, &hints, &res) with #define PORT "3490": a server's bind address
                found = self.value(args[1], grammar)
                if isinstance(found.lit, str) and found.lit.isdigit():
                    found.lit = int(found.lit)
                self._port(found, "getaddrinfo()", rel, line)
            elif name in ("evhttp_bind_socket", "evhttp_bind_socket_with_handle") and len(args) > 2:
                self._port(self.value(args[2], grammar), f"{name}()", rel, line)
            elif name == "mg_http_listen" and len(args) > 1:
                url = self.value(args[1], grammar).lit
                if isinstance(url, str) and (port := url.rpartition(":")[2]).isdigit():
                    self._port(Value(int(port)), f"mg_http_listen({url!r})", rel, line)
            elif name in COMPARE_CALLS:
                for arg in args[:2]:
                    path = self.value(arg, grammar).lit
                    if isinstance(path, str) and path.startswith("/"):
                        self.facts.routes.append((path, rel, line))
            elif name in ROUTE_METHODS and fn.type == "field_expression" and args or name == "CROW_ROUTE" and len(args) > 1:
                path = self.value(args[1] if name == "CROW_ROUTE" else args[0], grammar).lit
                if isinstance(path, str) and path.startswith("/"):
                    self.facts.routes.append((path, rel, line))
            elif name == "fopen" and len(args) > 1:
                mode = self.value(args[1], grammar).lit
                if isinstance(mode, str):
                    self._path("read" if mode.startswith("r") and "+" not in mode else "write",
                               self.value(args[0], grammar), rel, line)
            elif name == "open" and fn.type == "identifier" and len(args) > 1:
                flags = syntax.text(args[1])
                self._path("write" if any(f in flags for f in ("O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND"))
                           else "read", self.value(args[0], grammar), rel, line)
            elif name == "mkdir" and args:
                self._path("mkdir", self.value(args[0], grammar), rel, line)
            elif name in PRINTF_CALLS and len(args) > PRINTF_CALLS[name] and args[0].type == "identifier":
                joined = self._format(args[PRINTF_CALLS[name]:], grammar)
                if joined.lit is not None or joined.prefix:
                    self.names[syntax.text(args[0])] = joined

    def _format(self, args, grammar: str) -> Value:
        """snprintf's result when its %s arguments are known (a prefix when one of them isn't)."""
        fmt = self.value(args[0], grammar).lit
        if not isinstance(fmt, str):
            return Value()
        pieces = fmt.split("%s")
        text = pieces[0]
        if "%" in text:
            return Value(prefix=text.split("%")[0] or None)
        for piece, arg in zip(pieces[1:], args[1:]):
            known = self.value(arg, grammar).lit
            if not isinstance(known, str):
                return Value(prefix=text or None)
            text += known
            if "%" in piece:
                return Value(prefix=text + piece.split("%")[0])
            text += piece
        return Value(text) if len(pieces) - 1 <= len(args) - 1 else Value(prefix=text or None)

    def _port(self, found: Value, how: str, rel: str, line: int) -> None:
        if isinstance(found.lit, int) and 0 < found.lit < 65536:
            why = how.format(found.lit) if "{}" in how else f"{how} of {found.lit}"
            self.facts.ports.append((found.lit, why + (f" (or {found.env})" if found.env else ""), rel, line))
        if found.env:
            self.facts.port_envs.append((found.env, rel, line))

    def _path(self, mode: str, found: Value, rel: str, line: int) -> None:
        if isinstance(found.lit, str):
            path, whole = found.lit, True
        elif found.prefix:
            path, whole = found.prefix.rstrip("/") or "/", False
        else:
            return
        if not _PATH.match(path) or path == "/" or path.startswith(SYSTEM_PATHS):
            return
        if mode == "read":
            self.facts.reads.append((path, rel, line, whole))
        else:
            folder = path if mode == "mkdir" or not whole else posixpath.dirname(path)
            if folder and folder != "/":
                self.facts.writes.append((folder, rel, line))


def read_facts(tree: SourceTree, files: list[str]) -> Facts:
    reader = Reader(tree, files)
    reader.collect_constants()
    reader.collect_wrappers()
    reader.read_files()
    return reader.facts


def has_main(tree: SourceTree, files: list[str]) -> bool:
    for rel in files:
        found = _found(tree, rel)
        if found is None:
            continue
        for _, match in found[2].matches(_Q_FUNCTIONS):
            function = match["decl"][0]
            while function is not None and function.type != "function_declarator":
                function = function.child_by_field_name("declarator")
            if function is not None and _declared_name(function.child_by_field_name("declarator")) == "main":
                return True
    return False


def apply(facts: Facts, profile: Profile) -> bool:
    """Record env vars, ports, paths on the profile; True when the program listens on a socket."""
    for name, rel, line, how in facts.env:
        if name in SYSTEM_ENV or profile.env_var(name):
            continue
        secret = is_secret(name)
        default = facts.env_defaults.get(name)
        profile.add_env(name, None if secret else default, secret)
        profile.note("env", f"{name}: read with {how}()" + (f", default {default}" if default is not None and not secret
                                                            else "") + (" (a secret)" if secret else ""), rel, line)
    for name, rel, line in facts.port_envs + [(n, r, ln) for n, r, ln, _how in facts.env if is_port_name(n)]:
        if not profile.port_env and name not in SYSTEM_ENV:
            profile.port_env = name
            profile.note("port_env", f"the port is read from {name}", rel, line)
    listens = bool(facts.listens)
    for host, rel, line in facts.loopback[:1]:
        profile.warnings.append(f"{rel}:{line} listens on {host} only: nothing outside the container reaches it; "
                                "listen on 0.0.0.0 (or read the address from an env var)")
    if listens:
        for port, why, rel, line in facts.ports[:1]:
            profile.add_port(port, why, rel, line, 0.9)
        if not profile.ports and profile.port_env and profile.port_env in facts.env_defaults \
                and facts.env_defaults[profile.port_env].isdigit():
            profile.add_port(int(facts.env_defaults[profile.port_env]),
                             f"{profile.port_env} defaults to {facts.env_defaults[profile.port_env]}",
                             *next(((r, ln) for n, r, ln, _how in facts.env if n == profile.port_env), (None, None)), 0.85)
        if not profile.ports:
            for port, why, rel, line in facts.named_ports[:1]:
                profile.add_port(port, f"a port constant: {why}", rel, line, 0.75)
    for path, rel, line, whole in facts.reads:
        if path not in profile.read_paths:
            profile.read_paths.append(path)
            profile.note("read_paths", f"the program reads {path}" if whole else
                         f"the program reads files under {path} (a path joined with it)", rel, line, 0.7)
    for folder, rel, line in facts.writes:
        if folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the program writes under {folder}", rel, line, 0.7)
    return listens
