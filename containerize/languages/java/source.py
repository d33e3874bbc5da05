"""Facts read from Java source through its parse tree: env reads, ports, routes, folders written,
main classes and JDBC URLs.

Names are resolved to values: a ``static final`` constant (in the same or another class), a
local variable, a small method that returns an env read (``env("API_KEY", "")``), and the
common ways of giving an env read a default (``getOrDefault``, ``v == null ? d : v``,
``Optional.ofNullable(...).orElse(d)``, ``Objects.requireNonNullElse``).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from ... import syntax
from ...envvars import is_port_name, is_secret
from ...profile import Connection, Profile, Service
from ...services import connection_from_url
from ...scan import SourceTree

G = "java"
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "JAVA_HOME",
              "JAVA_OPTS", "JAVA_TOOL_OPTIONS", "CLASSPATH", "TMPDIR"}
MAX_DEPTH = 12

# one ${NAME} or ${NAME:default} placeholder in an already-extracted string (an @Value literal, a URL)
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][\w.]*)(?::([^}\n]*))?\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# a folder that may reach the Dockerfile and compose.yaml: absolute, plain characters, no ..
SAFE_PATH = re.compile(r"(?!.*(?:^|/)\.\.(?:/|$))/[A-Za-z0-9._@+/-]*")
_JDBC = re.compile(r"jdbc:(?P<kind>[a-z0-9]+):(?://(?P<host>[^/:;?]*)(?::(?P<port>[^/;?]*))?(?:/(?P<db>[^;?]*))?)?")
JDBC_SERVICES = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}

_DECLS = """
(field_declaration declarator: (variable_declarator name: (identifier) @name value: (_) @value))
(constant_declaration declarator: (variable_declarator name: (identifier) @name value: (_) @value))
(local_variable_declaration declarator: (variable_declarator name: (identifier) @local value: (_) @lvalue))
(method_declaration name: (identifier) @method) @decl
"""
_CALLS = "(method_invocation) @call (ternary_expression) @ternary (object_creation_expression) @new"
_ANNOTATIONS = "(annotation name: (_) @name arguments: (annotation_argument_list) @args) @annotation"
_MAIN = """
(method_declaration (modifiers) @mods type: (void_type) name: (identifier) @name
  parameters: (formal_parameters) @params (#eq? @name "main")) @method
"""
_CLASS_NAMES = """
(class_declaration name: (identifier) @class) (interface_declaration name: (identifier) @class)
(enum_declaration name: (identifier) @class) (record_declaration name: (identifier) @class)
"""
_PACKAGE = "(package_declaration [(scoped_identifier) (identifier)] @name)"
_STRINGS = "(string_literal) @s"
# each file is walked once for the matches and once for the captures of these queries
_MARKERS = "(marker_annotation name: (_) @name) @annotation"
_MATCHES = syntax.QuerySet(G, _DECLS, _ANNOTATIONS, _MAIN, _MARKERS)
_CAPTURES = syntax.QuerySet(G, _CALLS, _CLASS_NAMES, _PACKAGE, _STRINGS, captures=True)
_CLASSES = ("class_declaration", "interface_declaration", "enum_declaration", "record_declaration")
_METHODS = ("method_declaration", "constructor_declaration")


# -- values ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """The value of a method's parameter (filled in at each call)."""

    index: int


@dataclass(frozen=True)
class Env:
    """An env var read: its name and its default (each a value)."""

    name: Any
    default: Any = None


@dataclass(frozen=True)
class Concat:
    parts: tuple


ENV_MAP = object()  # System.getenv() with no argument: the whole environment
PROCESS_BUILDER = object()  # new ProcessBuilder(): its environment() is a copy of the process's


def substitute(value: Any, args: list[Any]) -> Any:
    if isinstance(value, Param):
        return args[value.index] if value.index < len(args) else None
    if isinstance(value, Env):
        return Env(substitute(value.name, args), substitute(value.default, args))
    if isinstance(value, Concat):
        return Concat(tuple(substitute(p, args) for p in value.parts))
    return value


def render(value: Any) -> str | None:
    """A value as text: env reads as ${NAME:default}, unknown parts as {?}."""
    if isinstance(value, str):
        return value
    if isinstance(value, Env) and isinstance(value.name, str):
        default = render(value.default) if value.default is not None else None
        return "${" + value.name + (f":{default}" if default is not None else "") + "}"
    if isinstance(value, Concat):
        return "".join(render(p) or "{?}" for p in value.parts)
    return None


def string_value(node) -> str:
    """The text of a Java string literal, escapes decoded."""
    out = []
    for child in node.named_children:
        raw = syntax.text(child)
        if child.type == "escape_sequence":
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "s": " "}.get(raw[1:], raw[1:]))
        else:
            out.append(raw)
    return "".join(out)


def _integer(raw: str) -> str | None:
    raw = raw.replace("_", "").rstrip("lL")
    try:
        return str(int(raw, 0))
    except ValueError:
        return None


# -- the index of one set of files ---------------------------------------------------------
class JavaSource(syntax.Evaluator):
    """The parse trees of a module's .java files, with the names they declare."""

    max_depth = MAX_DEPTH

    def __init__(self, tree: SourceTree, files: list[str]):
        self.tree = tree
        self.roots: dict[str, Any] = {}
        for rel in files:
            if rel.endswith(".java"):
                parsed = tree.parse(rel, G)
                if parsed is not None:
                    self.roots[rel] = parsed.root_node
        self.fields: dict[tuple[str | None, str], Any] = {}  # (class, name) -> value node
        self.fields_by_name: dict[str, list[Any]] = {}
        self.locals: dict[int, dict[str, Any]] = {}  # method node id -> name -> value node
        self.methods: dict[str, list[tuple[str | None, Any]]] = {}  # name -> (class, method node)
        self.classes: set[str] = set()
        super().__init__()
        self.file_of: dict[int, str] = {}
        self._calls: dict[str, dict[str, list[Any]]] = {}
        self._returns: dict[int, list[Any]] = {}  # method node id -> its return statements
        for rel, root in self.roots.items():
            self._index(rel, root)

    def calls(self, rel: str) -> dict[str, list[Any]]:
        """The file's method calls, ternaries and `new` expressions (one query per file, kept)."""
        if rel not in self._calls:
            self._calls[rel] = _answers(self.tree, rel)[1].captures(_CALLS)
        return self._calls[rel]

    def _index(self, rel: str, root) -> None:
        matches, captures = _answers(self.tree, rel)
        for _, match in matches.matches(_DECLS):
            if "name" in match:
                name = match["name"][0]
                self.fields.setdefault((_class_name(name), syntax.text(name)), match["value"][0])
                self.fields_by_name.setdefault(syntax.text(name), []).append(match["value"][0])
            elif "local" in match:
                name = match["local"][0]
                method = _enclosing(name, _METHODS + ("lambda_expression",))
                if method is not None:
                    self.locals.setdefault(method.id, {}).setdefault(syntax.text(name), match["lvalue"][0])
            elif "method" in match:
                method = match["decl"][0]
                self.methods.setdefault(syntax.text(match["method"][0]), []).append((_class_name(method), method))
        for node in captures.captures(_CLASS_NAMES).get("class", []):
            self.classes.add(syntax.text(node))
        self.file_of[root.id] = rel

    # -- evaluation --------------------------------------------------------------------------
    def _value(self, rel: str, node, depth: int) -> Any:
        kind = node.type
        if kind == "string_literal":
            return string_value(node)
        if kind in ("decimal_integer_literal", "hex_integer_literal"):
            return _integer(syntax.text(node))
        if kind in ("parenthesized_expression", "cast_expression"):
            inner = node.child_by_field_name("value") or (node.named_children[-1] if node.named_children else None)
            return self.value(rel, inner, depth)
        if kind == "identifier":
            return self._name(rel, node, depth)
        if kind == "field_access":
            obj, field = node.child_by_field_name("object"), syntax.text(node.child_by_field_name("field"))
            cls = syntax.text(obj).rsplit(".", 1)[-1] if obj is not None and obj.type in ("identifier", "field_access") else None
            if obj is not None and obj.type == "this":
                cls = _class_name(node)
            found = self.fields.get((cls, field))
            return self.value(self._rel(found, rel), found, depth) if found is not None else None
        if kind == "binary_expression":
            if syntax.text(node.child_by_field_name("operator")) != "+":
                return None
            left = self.value(rel, node.child_by_field_name("left"), depth)
            right = self.value(rel, node.child_by_field_name("right"), depth)
            parts = []
            for part in (left, right):
                parts.extend(part.parts if isinstance(part, Concat) else [part])
            if all(isinstance(p, str) for p in parts):
                return "".join(parts)
            return Concat(tuple(parts))
        if kind == "ternary_expression":
            return self._ternary(rel, node, depth)
        if kind == "method_invocation":
            return self._call(rel, node, depth)
        if kind == "object_creation_expression" and syntax.text(node.child_by_field_name("type")) in (
                "ProcessBuilder", "java.lang.ProcessBuilder"):
            return PROCESS_BUILDER
        return None

    def _rel(self, node, default: str) -> str:
        root = node
        while root.parent is not None:
            root = root.parent
        return self.file_of.get(root.id, default)

    def _name(self, rel: str, node, depth: int) -> Any:
        name = syntax.text(node)
        scope = _enclosing(node, _METHODS + ("lambda_expression",))
        while scope is not None:
            local = self.locals.get(scope.id, {}).get(name)
            if local is not None and local.start_byte < node.start_byte:
                return self.value(rel, local, depth)
            params = scope.child_by_field_name("parameters")
            if params is not None:
                names = [syntax.text(p.child_by_field_name("name")) for p in params.named_children
                         if p.type in ("formal_parameter", "spread_parameter")]
                if name in names:
                    return Param(names.index(name))
            scope = _enclosing(scope, _METHODS + ("lambda_expression",))
        found = self.fields.get((_class_name(node), name))
        if found is None and len(self.fields_by_name.get(name, [])) == 1:
            found = self.fields_by_name[name][0]
        return self.value(self._rel(found, rel), found, depth) if found is not None else None

    def _ternary(self, rel: str, node, depth: int) -> Any:
        cond = node.child_by_field_name("condition")
        yes, no = node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        while cond is not None and cond.type == "parenthesized_expression":
            cond = cond.named_children[0] if cond.named_children else None
        if cond is None or cond.type != "binary_expression":
            return None
        op = syntax.text(cond.child_by_field_name("operator"))
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if right is not None and right.type == "null_literal":
            tested = left
        elif left is not None and left.type == "null_literal":
            tested = right
        else:
            return None
        read = self.value(rel, tested, depth)
        if not isinstance(read, Env) or op not in ("==", "!="):
            return None
        fallback = yes if op == "==" else no
        return Env(read.name, self.value(rel, fallback, depth))

    def _call(self, rel: str, node, depth: int) -> Any:
        obj = node.child_by_field_name("object")
        name = syntax.text(node.child_by_field_name("name"))
        args = [a for a in node.child_by_field_name("arguments").named_children if a.type != "comment"] \
            if node.child_by_field_name("arguments") is not None else []
        owner = syntax.text(obj) if obj is not None else None
        if owner == "System" and name == "getenv":
            return Env(self.value(rel, args[0], depth)) if len(args) == 1 else ENV_MAP if not args else None
        if name == "environment" and obj is not None and not args:
            return ENV_MAP if self.value(rel, obj, depth) is PROCESS_BUILDER else None
        if name in ("getOrDefault", "get") and obj is not None and len(args) in (1, 2):
            if self.value(rel, obj, depth) is ENV_MAP:
                return Env(self.value(rel, args[0], depth), self.value(rel, args[1], depth) if len(args) == 2 else None)
            return None
        if (owner in ("Integer", "Long", "Short") and name in ("parseInt", "valueOf", "parseLong", "parseShort")
                or owner == "String" and name == "valueOf" or owner == "Optional" and name in ("ofNullable", "of")) \
                and args:
            return self.value(rel, args[0], depth)
        if name in ("trim", "strip", "toString") and obj is not None and not args:
            return self.value(rel, obj, depth)
        if name in ("orElse",) and obj is not None and len(args) == 1 or \
                owner == "Objects" and name == "requireNonNullElse" and len(args) == 2:
            read = self.value(rel, obj if name == "orElse" else args[0], depth)
            if isinstance(read, Env) and read.default is None:
                return Env(read.name, self.value(rel, args[-1], depth))
            return None
        # a method of the project: what its one return statement gives, with these arguments
        candidates = self.methods.get(name, [])
        if owner is not None and owner in self.classes:
            candidates = [c for c in candidates if c[0] == owner]
        elif owner is None:
            own = [c for c in candidates if c[0] == _class_name(node)]
            candidates = own or candidates
        else:
            return None
        if len(candidates) != 1:
            return None
        method = candidates[0][1]
        returned = _single_return(method)
        if returned is None:
            result = self._guarded_returns(self._rel(method, rel), method, depth)
            return substitute(result, [self.value(rel, a, depth) for a in args]) if result is not None else None
        result = self.value(self._rel(method, rel), returned, depth)
        if not isinstance(result, (Env, Concat, Param)):
            return result
        return substitute(result, [self.value(rel, a, depth) for a in args])

    def _guarded_returns(self, rel: str, method, depth: int) -> Any:
        """``if (env.get("PORT") != null) { return parseInt(env.get("PORT")); } return 7070;``: the env read
        with the last return as its default."""
        body = method.child_by_field_name("body")
        if body is None:
            return None
        if method.id not in self._returns:  # each method's returns are found once, however often it is called
            self._returns[method.id] = [
                r for r in syntax.captures(G, "(return_statement) @r", body).get("r", [])
                if _enclosing(r, _METHODS + ("lambda_expression",) + _CLASSES) == method and r.named_children]
        returns = self._returns[method.id]
        if len(returns) != 2 or returns[1].parent != body:
            return None
        guard = _enclosing(returns[0], ("if_statement",))
        cond = guard.child_by_field_name("condition") if guard is not None and guard.parent == body else None
        while cond is not None and cond.type == "parenthesized_expression":
            cond = cond.named_children[0] if cond.named_children else None
        if cond is None or cond.type != "binary_expression" or \
                syntax.text(cond.child_by_field_name("operator")) != "!=" or \
                cond.child_by_field_name("right") is None or cond.child_by_field_name("right").type != "null_literal":
            return None
        tested = self.value(rel, cond.child_by_field_name("left"), depth)
        taken = self.value(rel, returns[0].named_children[0], depth)
        if isinstance(tested, Env) and isinstance(taken, Env) and tested.name == taken.name and taken.default is None:
            return Env(taken.name, self.value(rel, returns[1].named_children[0], depth))
        return None

    # -- facts --------------------------------------------------------------------------------
    def env_reads(self) -> list[tuple[str, str | None, str, int]]:
        """(name, default, file, line) of each env var read with a literal name, in source order."""
        found: dict[str, tuple[str, str | None, str, int]] = {}
        for rel, root in self.roots.items():
            caps = self.calls(rel)
            for node in caps.get("call", []) + caps.get("ternary", []):
                read = self.value(rel, node)
                if not isinstance(read, Env) or not isinstance(read.name, str) or not _ENV_NAME.fullmatch(read.name):
                    continue
                default = render(read.default) if read.default is not None else None
                if default is not None and "{?}" in default:  # a part that can't be known
                    default = None
                old = found.get(read.name)
                if old is None or (old[1] is None and default is not None):
                    found[read.name] = (read.name, default, rel, syntax.line(node))
            for annotation, name, args in _annotations(root, _answers(self.tree, rel)[0]):
                if name != "Value":
                    continue
                for literal in _strings(args):
                    for m in PLACEHOLDER.finditer(string_value(literal)):
                        if re.fullmatch(r"[A-Z_][A-Z0-9_]*", m.group(1)) and m.group(1) not in found:
                            found[m.group(1)] = (m.group(1), m.group(2), rel, syntax.line(annotation))
        return list(found.values())

    def ports(self) -> list[tuple[Any, str, str, int]]:
        """(value, how, file, line) of what a server is told to listen on."""
        found = []
        for rel, root in self.roots.items():
            caps = self.calls(rel)
            for node in caps.get("new", []):
                kind = syntax.text(node.child_by_field_name("type")).rsplit(".", 1)[-1]
                args = _args(node)
                if kind == "InetSocketAddress" and len(args) in (1, 2) or kind == "ServerSocket" and args:
                    arg = args[-1] if kind == "InetSocketAddress" else args[0]
                    found.append((self.value(rel, arg), f"new {kind}({syntax.text(arg)})", rel, syntax.line(node)))
            for node in caps.get("call", []):
                name = syntax.text(node.child_by_field_name("name"))
                args = _args(node)
                if name in ("start", "port", "listen", "setPort") and len(args) >= 1 and (name != "start" or len(args) == 1):
                    value = self.value(rel, args[0])
                    if isinstance(value, str) and not value.isdigit():
                        continue
                    found.append((value, f"{name}({syntax.text(args[0])})", rel, syntax.line(node)))
        return found

    def port_constants(self) -> list[tuple[str, str, str, int]]:
        """(value, name, file, line) of int fields and locals named like a port (``int port = 8080``)."""
        found = []
        for rel, root in self.roots.items():
            for _, match in _answers(self.tree, rel)[0].matches(_DECLS):
                name = (match.get("name") or match.get("local") or [None])[0]
                value = (match.get("value") or match.get("lvalue") or [None])[0]
                if name is None or value is None:
                    continue
                if "port" in syntax.text(name).lower() and value.type == "decimal_integer_literal":
                    found.append((_integer(syntax.text(value)) or "", syntax.text(name), rel, syntax.line(name)))
        return found

    def routes(self) -> list[tuple[str, str, int]]:
        """(path, file, line) of GET routes: Spring mappings, createContext, app.get(...)."""
        found = []
        for rel, root in self.roots.items():
            answers = _answers(self.tree, rel)[0]
            for annotation, name, args in _annotations(root, answers):
                if name not in ("GetMapping", "RequestMapping", "Get"):
                    continue
                owner = annotation.parent.parent if annotation.parent is not None else None
                if owner is None or owner.type in _CLASSES:
                    continue
                micronaut = name == "Get"  # Micronaut's @Get("/x") under its class's @Controller("/api")
                prefix = self._class_prefix(owner, "Controller" if micronaut else "RequestMapping")
                for literal in _mapping_paths(args, ("value", "uri") if micronaut else ("value", "path")):
                    path = string_value(literal)
                    found.append(((prefix.rstrip("/") + "/" + path.lstrip("/")) if prefix else path, rel,
                                  syntax.line(annotation)))
            for _, match in answers.matches(_MARKERS):  # a bare @Get / @GetMapping: its class's path
                annotation = match["annotation"][0]
                name = syntax.text(match["name"][0]).rsplit(".", 1)[-1]
                if name not in ("Get", "GetMapping", "GET"):
                    continue
                owner = annotation.parent.parent if annotation.parent is not None else None
                if owner is None or owner.type in _CLASSES:
                    continue
                if name == "GET":  # Jakarta REST (Quarkus): the class's @Path, then the method's own
                    base = self._class_prefix(owner, "Path")
                    if base:
                        parts = [p.strip("/") for p in (base, self._method_path(owner)) if p.strip("/")]
                        found.append(("/" + "/".join(parts), rel, syntax.line(annotation)))
                    continue
                found.append((self._class_prefix(owner, "Controller" if name == "Get" else "RequestMapping") or "/",
                              rel, syntax.line(annotation)))
            for node in self.calls(rel).get("call", []):
                name = syntax.text(node.child_by_field_name("name"))
                args = _args(node)
                if name in ("createContext", "get") and args:
                    path = self.value(rel, args[0])
                    if isinstance(path, str) and path.startswith("/"):
                        found.append((path, rel, syntax.line(node)))
        return found

    @staticmethod
    def _method_path(method) -> str:
        """The value of a Jakarta REST resource method's own ``@Path("{id}")``, or ""."""
        mods = next((c for c in method.named_children if c.type == "modifiers"), None)
        for child in mods.named_children if mods is not None else []:
            if child.type == "annotation" and \
                    syntax.text(child.child_by_field_name("name")).rsplit(".", 1)[-1] == "Path":
                paths = _mapping_paths(child.child_by_field_name("arguments"), ("value",))
                if paths:
                    return string_value(paths[0]) or ""
        return ""

    def _class_prefix(self, method, annotation: str = "RequestMapping") -> str:
        cls = _enclosing(method, _CLASSES)
        mods = next((c for c in cls.named_children if c.type == "modifiers"), None) if cls is not None else None
        for child in mods.named_children if mods is not None else []:
            if child.type == "annotation" and \
                    syntax.text(child.child_by_field_name("name")).rsplit(".", 1)[-1] == annotation:
                paths = _mapping_paths(child.child_by_field_name("arguments"),
                                       ("value", "path") if annotation == "RequestMapping" else ("value",))
                if paths:
                    return string_value(paths[0])
        return ""

    def files_written(self) -> list[tuple[str, str, int]]:
        """(absolute path, file, line) given to File / FileOutputStream / FileWriter / Paths.get / Path.of,
        unless the path is only read (``Files.lines(Paths.get(...))``, ``new FileReader(new File(...))``)."""
        found = []
        for rel, root in self.roots.items():
            caps = self.calls(rel)
            for node in caps.get("new", []):
                kind = syntax.text(node.child_by_field_name("type")).rsplit(".", 1)[-1]
                args = _args(node)
                if kind in ("File", "FileOutputStream", "FileWriter", "RandomAccessFile") and args \
                        and not _only_read(node):
                    found.append((self.value(rel, args[0]), rel, syntax.line(node)))
            for node in caps.get("call", []):
                owner = syntax.text(node.child_by_field_name("object"))
                name = syntax.text(node.child_by_field_name("name"))
                args = _args(node)
                if (owner, name) in (("Paths", "get"), ("Path", "of")) and args and not _only_read(node):
                    found.append((self.value(rel, args[0]), rel, syntax.line(node)))
        return [(v, rel, line) for v, rel, line in found if isinstance(v, str) and v.startswith("/")]

    def jdbc_urls(self) -> list[tuple[str, str, int]]:
        """(URL text, file, line) of JDBC URLs: a literal or a concatenation, names resolved."""
        found = []
        for rel, root in self.roots.items():
            for node in _answers(self.tree, rel)[1].captures(_STRINGS).get("s", []):
                if not syntax.text(node).startswith('"jdbc:'):
                    continue
                top = node
                while top.parent is not None and top.parent.type in ("binary_expression", "parenthesized_expression"):
                    top = top.parent
                text = render(self.value(rel, top))
                if text:
                    found.append((text, rel, syntax.line(node)))
        return found

    def jdbc_logins(self) -> list[tuple[str, Any, Any, str | None, str, int]]:
        """(URL, user, password, password file, file, line) of each ``DriverManager.getConnection(url, user,
        password)``: the password read with ``Files`` from ``Paths.get(path)`` / ``Path.of(path)`` gives its file."""
        found = []
        for rel, root in self.roots.items():
            for node in self.calls(rel).get("call", []):
                obj = node.child_by_field_name("object")
                if syntax.text(node.child_by_field_name("name")) != "getConnection" or obj is None \
                        or syntax.text(obj).rsplit(".", 1)[-1] != "DriverManager":
                    continue
                args = node.child_by_field_name("arguments")
                args = [a for a in args.named_children if a.type != "comment"] if args is not None else []
                if len(args) != 3:
                    continue
                url = render(self.value(rel, args[0]))
                if url and url.startswith("jdbc:"):
                    found.append((url, self.value(rel, args[1]), self.value(rel, args[2]),
                                  self._file_read(rel, args[2]), rel, syntax.line(node)))
        return found

    def _file_read(self, rel: str, node) -> str | None:
        """The path of ``Files.readString(Path.of(p)).trim()``, ``Files.lines(Paths.get(p)).findFirst().get()``,
        ``new String(Files.readAllBytes(Paths.get(p)))``: a file the value is read from."""
        calls = syntax.captures(G, "(method_invocation) @c", node).get("c", [])
        if not any(syntax.text(c.child_by_field_name("object") or c).rsplit(".", 1)[-1] == "Files" for c in calls):
            return None
        for call in calls:
            obj = call.child_by_field_name("object")
            name = syntax.text(call.child_by_field_name("name"))
            args = call.child_by_field_name("arguments")
            if obj is not None and (syntax.text(obj), name) in (("Paths", "get"), ("Path", "of")) \
                    and args is not None and len(args.named_children) == 1:
                path = self.value(rel, args.named_children[0])
                return path if isinstance(path, str) and SAFE_PATH.fullmatch(path) else None
        return None

    def main_classes(self) -> list[tuple[str, str, int]]:
        return main_classes(self.tree, self.roots)


def main_classes(tree: SourceTree, roots: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(class name, file, line) of each ``public static void main(String[] args)``."""
    found = []
    for rel, root in roots.items():
        matches, captures = _answers(tree, rel)
        pkg = captures.captures(_PACKAGE).get("name", [])
        prefix = syntax.text(pkg[0]) + "." if pkg else ""
        for _, match in matches.matches(_MAIN):
            mods = {syntax.text(c) for c in match["mods"][0].children}
            params = [p for p in match["params"][0].named_children if p.type in ("formal_parameter", "spread_parameter")]
            if not {"public", "static"} <= mods or len(params) != 1 or "String" not in syntax.text(params[0]):
                continue
            names = []
            cls = _enclosing(match["method"][0], _CLASSES)
            while cls is not None:
                names.insert(0, syntax.text(cls.child_by_field_name("name")))
                cls = _enclosing(cls, _CLASSES)
            if names:
                found.append((prefix + "$".join(names), rel, syntax.line(match["name"][0])))
    return found


def find_main_classes(tree: SourceTree, files: list[str]) -> list[tuple[str, str, int]]:
    """(class name, file, line) of the main methods in ``files`` (parse trees only, no index)."""
    roots = {}
    for rel in files:
        parsed = tree.parse(rel, G) if rel.endswith(".java") else None
        if parsed is not None:
            roots[rel] = parsed.root_node
    return main_classes(tree, roots)


def _answers(tree: SourceTree, rel: str) -> tuple[syntax.Found, syntax.Found]:
    """The answers of the queries over one parsed .java file, once per tree (detection and analysis read the
    same files): (matches of _DECLS, _ANNOTATIONS, _MAIN; captures of _CALLS, _CLASS_NAMES, _PACKAGE, _STRINGS)."""
    return tree.fact("java.source", rel, _run_queries)


def _run_queries(tree: SourceTree, rel: str) -> tuple[syntax.Found, syntax.Found]:
    root = tree.parse(rel, G).root_node
    return _MATCHES.run(root), _CAPTURES.run(root)


# -- tree helpers ----------------------------------------------------------------------------
def _enclosing(node, types: tuple[str, ...]):
    node = node.parent
    while node is not None and node.type not in types:
        node = node.parent
    return node


def _class_name(node) -> str | None:
    cls = _enclosing(node, _CLASSES)
    return syntax.text(cls.child_by_field_name("name")) if cls is not None else None


def _args(node) -> list:
    args = node.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type not in ("comment", "line_comment", "block_comment")] \
        if args is not None else []


_READERS = {"lines", "readAllBytes", "readAllLines", "readString", "newBufferedReader", "newInputStream",
            "FileReader", "FileInputStream", "Scanner", "FileSystemResource", "exists", "isDirectory", "isRegularFile",
            "isReadable", "size"}


def _only_read(node) -> bool:
    """True when the File / Path is handed straight to something that only reads it."""
    parent = node.parent
    if parent is None or parent.type != "argument_list" or parent.parent is None:
        return False
    call = parent.parent
    if call.type == "method_invocation":
        return syntax.text(call.child_by_field_name("name")) in _READERS
    if call.type == "object_creation_expression":
        return syntax.text(call.child_by_field_name("type")).rsplit(".", 1)[-1] in _READERS
    return False


def _single_return(method):
    body = method.child_by_field_name("body")
    if body is None:
        return None
    returns = [r for r in syntax.captures(G, "(return_statement) @r", body).get("r", [])
               if _enclosing(r, _METHODS + ("lambda_expression",) + _CLASSES) == method]
    if len(returns) != 1 or not returns[0].named_children:
        return None
    return returns[0].named_children[0]


def _annotations(root, answers: syntax.Found | None = None):
    for _, match in (answers.matches(_ANNOTATIONS) if answers is not None else syntax.matches(G, _ANNOTATIONS, root)):
        yield match["annotation"][0], syntax.text(match["name"][0]).rsplit(".", 1)[-1], match["args"][0]


def _strings(args) -> list:
    found = []
    for child in args.named_children if args is not None else []:
        if child.type == "element_value_pair":
            child = child.child_by_field_name("value")
        if child is not None and child.type == "string_literal":
            found.append(child)
        elif child is not None and child.type == "element_value_array_initializer":
            found.extend(c for c in child.named_children if c.type == "string_literal")
    return found


def _mapping_paths(args, keys: tuple[str, ...] = ("value", "path")) -> list:
    """The path literals of a @GetMapping/@RequestMapping: its value, ``value =`` or ``path =`` (Micronaut's
    @Get and @Controller: ``uri =``)."""
    found = []
    for child in args.named_children if args is not None else []:
        if child.type == "element_value_pair":
            if syntax.text(child.child_by_field_name("key")) not in keys:
                continue
            child = child.child_by_field_name("value")
        if child is not None and child.type == "string_literal":
            found.append(child)
        elif child is not None and child.type == "element_value_array_initializer":
            found.extend(c for c in child.named_children if c.type == "string_literal")
    return found


# -- recording facts in the profile ---------------------------------------------------------
def record_env(profile: Profile, name: str, default: str | None, rel: str, line: int, why: str) -> None:
    if name in SYSTEM_ENV:
        return
    secret = is_secret(name, default)
    if default == "":
        default = None
    profile.add_env(name, None if secret else default, secret)
    profile.note("env", f"{name}: {why}" + (" (a secret)" if secret else ""), rel, line)


def _port_from(profile: Profile, value: Any, how: str, rel: str, line: int) -> bool:
    if isinstance(value, str) and value.isdigit():
        profile.add_port(int(value), f"a port in the source: {how} = {value}", rel, line, 0.85)
        return True
    if isinstance(value, Env) and isinstance(value.name, str):
        if not profile.port_env and _ENV_NAME.fullmatch(value.name):
            profile.port_env = value.name
            profile.note("port_env", f"{how}: the port is read from {value.name}", rel, line)
        if isinstance(value.default, str) and value.default.isdigit():
            profile.add_port(int(value.default), f"{how}: {value.name} defaults to {value.default}", rel, line, 0.9)
            return True
    return False


def read_source(profile: Profile, src: JavaSource) -> None:
    """Env vars, the port, folders written and JDBC services of the module's sources."""
    for name, default, rel, line in src.env_reads():
        how = "System.getenv" + (f" with the default {default!r}" if default not in (None, "") else "")
        record_env(profile, name, default, rel, line, how)
        if is_port_name(name) and not profile.port_env:
            profile.port_env = name
            profile.note("port_env", f"the port is read from {name}", rel, line)
            if default and default.isdigit():
                profile.add_port(int(default), f"{name} defaults to {default}", rel, line, 0.9)
    if not profile.ports:
        for value, how, rel, line in src.ports():
            if _port_from(profile, value, how, rel, line):
                break
    if not profile.ports:
        for value, name, rel, line in src.port_constants():
            if value.isdigit():
                profile.add_port(int(value), f"a literal port in the source: {name} = {value}", rel, line, 0.7)
                break
    for path, rel, line in src.files_written():
        path = posixpath.normpath(path)
        if not SAFE_PATH.fullmatch(path) or path.startswith(("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/", "/run/")):
            continue
        folder = path if "." not in posixpath.basename(path) else posixpath.dirname(path)
        if folder and folder != "/" and folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the app uses files under {folder}", rel, line, 0.6)
    for url, rel, line in src.jdbc_urls():
        record_jdbc(profile, url, rel, line)
    for url, user, password, path, rel, line in src.jdbc_logins():
        conn = next((c for c in profile.connections if c.why == f"a JDBC URL {url}"), None)
        if conn is None:
            continue
        if isinstance(user, str) and not conn.user and not conn.user_env:
            conn.user = user or None
        elif isinstance(user, Env) and isinstance(user.name, str) and not conn.user_env:
            conn.user_env, conn.user = user.name, user.default if isinstance(user.default, str) else None
        if conn.password_source is None:
            if path:
                conn.password_source, conn.password_path = "file", path
            elif isinstance(password, Env) and isinstance(password.name, str):
                conn.password_source, conn.password_env = "env", password.name
            elif isinstance(password, str):
                conn.password_source = "literal"
        profile.note("connections", f"DriverManager.getConnection logs in to {url}" + (
            f" with the password in {path}" if path else ""), rel, line, 0.85)


def record_jdbc(profile: Profile, url: str, rel: str, line: int) -> None:
    """A JDBC URL's database, host, port and name: the service it connects to (in the evidence)."""
    m = _JDBC.match(url)
    if not m:
        return
    kind = JDBC_SERVICES.get(m.group("kind"))
    facts = [f"{k} {v}" for k, v in (("host", m.group("host")), ("port", m.group("port")),
                                       ("database", m.group("db"))) if v]
    why = f"a JDBC URL {url} connects to {m.group('kind')}" + (f" ({', '.join(facts)})" if facts else "")
    if kind is None:
        profile.note("services", why + ": no service for it", rel, line, 0.6)
        return
    if not any(s.kind == kind for s in profile.services):
        profile.services.append(Service(kind))
    profile.note("services", why, rel, line, 0.9)
    conn = connection_from_url(url) or Connection(kind)
    conn.kind, conn.file, conn.line, conn.why = kind, rel, line, f"a JDBC URL {url}"
    for part, attr in ((m.group("host"), "host_env"), (m.group("db"), "database_env")):
        found = PLACEHOLDER.search(part or "")  # one value already read: ${NAME} or ${NAME:default}
        if found:
            setattr(conn, attr, found.group(1))
    profile.connections.append(conn)


def record_datasource(profile: Profile, key: str, value: str) -> None:
    """spring.datasource.username / password: the user and password source of the JDBC connection."""
    conn = next((c for c in reversed(profile.connections) if c.why.startswith("a JDBC URL")), None)
    if conn is None:
        return
    found = PLACEHOLDER.fullmatch(value.strip())
    if (conn.user or conn.user_env) if key.endswith("username") else conn.password_source:
        return  # the first one after the URL is the datasource's
    if key.endswith("username"):
        conn.user, conn.user_env = (None, found.group(1)) if found else (value.strip() or None, None)
        if found and found.group(2):
            conn.user = found.group(2)
    elif key.endswith("password"):
        conn.password_source, conn.password_env = ("env", found.group(1)) if found else ("literal", None)
