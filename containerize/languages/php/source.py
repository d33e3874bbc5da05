"""Facts read from PHP source through its parse tree: env reads with their defaults, database DSNs,
routes, folders written, the Composer autoloader.

Names are resolved to values: variables assigned in the same function (or file), constants from
``define('X', ...)`` and ``const X = ...`` (also ``Config::X``), ``__DIR__``, and small functions
that return an env read (``function env_or($k, $d) { return getenv($k) ?: $d; }``).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from ... import syntax
from ...scan import SourceTree

G = "php"
MAX_DEPTH = 12
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# one ${NAME} or ${NAME:default} in an already-rendered value
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")
_DQ_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "0": "\0", "\\": "\\",
               "$": "$", '"': '"'}
_SCOPES = ("function_definition", "method_declaration", "anonymous_function", "arrow_function")
_PASS_THROUGH = {"intval", "strval", "trim", "floatval", "boolval", "rtrim", "ltrim", "strtolower"}

_INDEX = """
(function_call_expression function: (name) @define arguments: (arguments . (argument (string) @const_name) . (argument (_) @const_value)))
(const_element (name) @cname (_) @cvalue)
(assignment_expression left: (variable_name (name) @var) right: (_) @value) @assign
(function_definition name: (name) @function) @function_node
(method_declaration name: (name) @method) @method_node
"""
# every node a fact is read from, in one query per file
_NODES = """
(function_call_expression) @call
(scoped_call_expression) @scoped
(member_call_expression) @member
(subscript_expression) @subscript
(conditional_expression) @conditional
(binary_expression) @binary
(object_creation_expression) @new
(attribute) @attribute
(require_expression (_) @path) (require_once_expression (_) @path)
(include_expression (_) @path) (include_once_expression (_) @path)
"""
_READS = ("call", "scoped", "member", "subscript", "conditional", "binary")


@dataclass(frozen=True)
class Param:
    index: int


@dataclass(frozen=True)
class Env:
    """An env var read: its name, its default and how it is read (getenv(), $_ENV[...], ...)."""

    name: Any
    default: Any = None
    how: str = "getenv()"


@dataclass(frozen=True)
class Concat:
    parts: tuple


def substitute(value: Any, args: list[Any]) -> Any:
    if isinstance(value, Param):
        return args[value.index] if value.index < len(args) else None
    if isinstance(value, Env):
        return Env(substitute(value.name, args), substitute(value.default, args), value.how)
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


def _concat(parts: list[Any]) -> Any:
    flat: list[Any] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Concat) else [part])
    if all(isinstance(p, str) for p in flat):
        return "".join(flat)
    return Concat(tuple(flat))


def _args(node) -> list:
    args = node.child_by_field_name("arguments")
    if args is None:
        args = next((c for c in node.named_children if c.type == "arguments"), None)
    found = []
    for arg in args.named_children if args is not None else []:
        if arg.type == "argument" and arg.named_children:
            found.append(arg.named_children[-1])
    return found


def _named_args(node) -> dict[str, Any]:
    args = node.child_by_field_name("arguments")
    found = {}
    for arg in args.named_children if args is not None else []:
        name = arg.child_by_field_name("name") if arg.type == "argument" else None
        if name is not None and arg.named_children:
            found[syntax.text(name)] = arg.named_children[-1]
    return found


def _enclosing(node, types: tuple[str, ...]):
    node = node.parent
    while node is not None and node.type not in types:
        node = node.parent
    return node


def _class_name(node) -> str | None:
    cls = _enclosing(node, ("class_declaration", "interface_declaration", "trait_declaration", "enum_declaration"))
    name = cls.child_by_field_name("name") if cls is not None else None
    return syntax.text(name) if name is not None else None


class PhpSource(syntax.Evaluator):
    """The parse trees of a project's .php files, with the names they declare."""

    max_depth = MAX_DEPTH

    def __init__(self, tree: SourceTree, files: list[str], workdir: str):
        self.workdir = workdir
        self.roots: dict[str, Any] = {}
        for rel in files:
            parsed = tree.parse(rel, G)
            if parsed is not None:
                self.roots[rel] = parsed.root_node
        self.constants: dict[tuple[str | None, str], tuple[str, Any]] = {}  # (class, NAME) -> (file, value node)
        self.assignments: dict[tuple[str, int | None], dict[str, list[Any]]] = {}  # (file, scope) -> $name -> values
        self.functions: dict[str, tuple[str, Any]] = {}
        self.methods: dict[str, list[tuple[str, Any]]] = {}
        super().__init__()
        self._nodes: dict[str, dict[str, list[Any]]] = {}
        for rel, root in self.roots.items():
            self._index(rel, root)

    def nodes(self, rel: str, *names: str) -> list[Any]:
        """The file's nodes captured as any of ``names`` (one query per file, kept), in source order."""
        if rel not in self._nodes:
            self._nodes[rel] = syntax.captures(G, _NODES, self.roots[rel])
        found = [n for name in names for n in self._nodes[rel].get(name, [])]
        return sorted(found, key=lambda n: n.start_byte) if len(names) > 1 else found

    def _index(self, rel: str, root) -> None:
        for _, match in syntax.matches(G, _INDEX, root):
            if "define" in match:
                if syntax.text(match["define"][0]).lower() == "define":
                    name = _string(match["const_name"][0])
                    if name:
                        self.constants.setdefault((None, name.lstrip("\\")), (rel, match["const_value"][0]))
            elif "cname" in match:
                node = match["cname"][0]
                self.constants.setdefault((_class_name(node), syntax.text(node)), (rel, match["cvalue"][0]))
            elif "var" in match:
                scope = _enclosing(match["assign"][0], _SCOPES)
                key = (rel, scope.id if scope is not None else None)
                self.assignments.setdefault(key, {}).setdefault(syntax.text(match["var"][0]), []).append(
                    match["value"][0])
            elif "function" in match:
                self.functions.setdefault(syntax.text(match["function"][0]).lower(), (rel, match["function_node"][0]))
            elif "method" in match:
                self.methods.setdefault(syntax.text(match["method"][0]).lower(), []).append(
                    (rel, match["method_node"][0]))

    # -- evaluation ----------------------------------------------------------------------------
    def _value(self, rel: str, node, depth: int) -> Any:
        kind = node.type
        if kind == "string":
            return _string(node)
        if kind == "encapsed_string":
            parts = []
            for child in node.named_children:
                if child.type == "string_content":
                    parts.append(syntax.text(child))
                elif child.type == "escape_sequence":
                    raw = syntax.text(child)
                    parts.append(_DQ_ESCAPES.get(raw[1:], raw))
                else:
                    parts.append(self.value(rel, child, depth))
            return _concat(parts)
        if kind in ("integer", "float"):
            return syntax.text(node).replace("_", "")
        if kind == "boolean":
            return syntax.text(node).lower()
        if kind in ("parenthesized_expression", "argument"):
            return self.value(rel, node.named_children[-1], depth) if node.named_children else None
        if kind == "cast_expression":
            return self.value(rel, node.child_by_field_name("value"), depth)
        if kind == "name" and syntax.text(node) == "__DIR__":
            return posixpath.join(self.workdir, posixpath.dirname(rel)).rstrip("/")
        if kind in ("name", "qualified_name"):
            found = self.constants.get((None, syntax.text(node).lstrip("\\")))
            return self.value(found[0], found[1], depth) if found else None
        if kind == "class_constant_access_expression":
            names = [c for c in node.named_children]
            if len(names) != 2:
                return None
            owner, const = syntax.text(names[0]).rsplit("\\", 1)[-1], syntax.text(names[1])
            if owner in ("self", "static"):
                owner = _class_name(node) or owner
            found = self.constants.get((owner, const))
            return self.value(found[0], found[1], depth) if found else None
        if kind == "variable_name":
            return self._variable(rel, node, depth)
        if kind == "subscript_expression":
            holder = node.named_children[0] if node.named_children else None
            index = node.named_children[1] if len(node.named_children) > 1 else None
            which = syntax.text(holder)
            if which in ("$_ENV", "$_SERVER") and index is not None:
                return Env(self.value(rel, index, depth), None, f"{which}[...]")
            return None
        if kind == "binary_expression":
            op = syntax.text(node.child_by_field_name("operator"))
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op == ".":
                return _concat([self.value(rel, left, depth), self.value(rel, right, depth)])
            if op == "??":
                read = self.value(rel, left, depth)
                if isinstance(read, Env) and read.default is None:
                    return Env(read.name, self.value(rel, right, depth), read.how)
            return None
        if kind == "conditional_expression":
            return self._conditional(rel, node, depth)
        if kind == "function_call_expression":
            return self._call(rel, node, depth)
        if kind == "scoped_call_expression":
            scope = syntax.text(node.child_by_field_name("scope")).rsplit("\\", 1)[-1]
            name = syntax.text(node.child_by_field_name("name"))
            args = _args(node)
            if scope == "Env" and name == "get" and args:
                return Env(self.value(rel, args[0], depth), self.value(rel, args[1], depth) if len(args) > 1 else None,
                           "Env::get()")
            return self._user_call(rel, self.methods.get(name.lower(), []), args, depth)
        return None

    def _variable(self, rel: str, node, depth: int) -> Any:
        name = syntax.text(node.named_children[0]) if node.named_children else ""
        scope = _enclosing(node, _SCOPES)
        values = self.assignments.get((rel, scope.id if scope is not None else None), {}).get(name, [])
        before = [v for v in values if v.start_byte < node.start_byte]
        if before:
            return self.value(rel, before[-1], depth)
        if scope is not None:
            params = scope.child_by_field_name("parameters")
            names = [syntax.text(p.child_by_field_name("name")).lstrip("$") for p in params.named_children
                     if p.child_by_field_name("name") is not None] if params is not None else []
            if name in names:
                return Param(names.index(name))
        return None

    def _conditional(self, rel: str, node, depth: int) -> Any:
        cond = node.child_by_field_name("condition")
        body, other = node.child_by_field_name("body"), node.child_by_field_name("alternative")
        if body is None:  # a ?: b
            read = self.value(rel, cond, depth)
            if isinstance(read, Env) and read.default is None:
                return Env(read.name, self.value(rel, other, depth), read.how)
            return None
        # isset($_ENV['X']) ? $_ENV['X'] : 'd', getenv('X') !== false ? getenv('X') : 'd'
        tested = cond
        while tested is not None and tested.type in ("parenthesized_expression", "unary_op_expression"):
            tested = tested.named_children[-1] if tested.named_children else None
        if tested is not None and tested.type == "function_call_expression" and \
                syntax.text(tested.child_by_field_name("function")).lower() in ("isset", "empty") and _args(tested):
            tested = _args(tested)[0]
        elif tested is not None and tested.type == "binary_expression":
            tested = tested.child_by_field_name("left")
        read, taken = self.value(rel, tested, depth), self.value(rel, body, depth)
        if isinstance(read, Env) and isinstance(taken, Env) and read.name == taken.name and read.default is None:
            return Env(read.name, self.value(rel, other, depth), read.how)
        return None

    def _call(self, rel: str, node, depth: int) -> Any:
        function = node.child_by_field_name("function")
        name = syntax.text(function).rsplit("\\", 1)[-1].lower()
        args = _args(node)
        if name in self.functions:
            return self._user_call(rel, [self.functions[name]], args, depth)
        if name == "getenv" and args:
            return Env(self.value(rel, args[0], depth), None, "getenv()")
        if name == "env" and args:
            return Env(self.value(rel, args[0], depth), self.value(rel, args[1], depth) if len(args) > 1 else None,
                       "env()")
        if name in _PASS_THROUGH and args:
            return self.value(rel, args[0], depth)
        if name == "constant" and args:
            const = self.value(rel, args[0], depth)
            found = self.constants.get((None, const)) if isinstance(const, str) else None
            return self.value(found[0], found[1], depth) if found else None
        if name == "dirname" and len(args) == 1:
            inner = self.value(rel, args[0], depth)
            return posixpath.dirname(inner) if isinstance(inner, str) else None
        return None

    def _user_call(self, rel: str, candidates: list[tuple[str, Any]], args: list, depth: int) -> Any:
        if len(candidates) != 1:
            return None
        where, function = candidates[0]
        returned = _single_return(function)
        if returned is None:
            return None
        result = self.value(where, returned, depth)
        if isinstance(result, Env) and isinstance(result.name, Param):
            name = syntax.text(function.child_by_field_name("name"))
            result = Env(result.name, result.default, f"{name}() ({result.how})")
        return substitute(result, [self.value(rel, a, depth) for a in args])

    # -- facts ---------------------------------------------------------------------------------
    def env_reads(self) -> list[tuple[str, str | None, str, str, int]]:
        """(name, default, how, file, line) of each env var read with a literal name, in source order
        (one per name and line: the form with a default wins)."""
        found: dict[tuple[str, int, str], tuple[str, str | None, str, str, int]] = {}
        for rel, root in self.roots.items():
            for node in self.nodes(rel, *_READS):
                read = self.value(rel, node)
                if not isinstance(read, Env) or not isinstance(read.name, str) or not _ENV_NAME.fullmatch(read.name):
                    continue
                default = render(read.default) if read.default is not None else None
                if default is not None and "{?}" in default:
                    default = None
                key = (rel, syntax.line(node), read.name)
                if key not in found or (found[key][1] is None and default is not None):
                    found[key] = (read.name, default, read.how, rel, syntax.line(node))
        return list(found.values())

    def connections(self) -> list[tuple[str, str, str | None, str, int]]:
        """(driver, DSN text, user, file, line) of `new PDO(...)` and mysqli connections."""
        found = []
        for rel, root in self.roots.items():
            for node in self.nodes(rel, "new"):
                cls = next((c for c in node.named_children if c.type in ("name", "qualified_name")), None)
                name = syntax.text(cls).rsplit("\\", 1)[-1].lower() if cls is not None else ""
                args = _args(node)
                if name == "pdo" and args:
                    dsn = render(self.value(rel, args[0]))
                    user = render(self.value(rel, args[1])) if len(args) > 1 else None
                    if dsn and ":" in dsn:
                        found.append((dsn.split(":", 1)[0].lower(), dsn, user, rel, syntax.line(node)))
                elif name == "mysqli" and args:
                    found.append(("mysqli", *self._mysqli(rel, args), rel, syntax.line(node)))
            for node in self.nodes(rel, "call"):
                if syntax.text(node.child_by_field_name("function")).lower() == "mysqli_connect" and _args(node):
                    found.append(("mysqli", *self._mysqli(rel, _args(node)), rel, syntax.line(node)))
        return found

    def _mysqli(self, rel: str, args: list) -> tuple[str, str | None]:
        """mysqli's (host, user, password, database) arguments as (DSN text, user)."""
        dsn = f"mysql:host={render(self.value(rel, args[0])) or '{?}'}"
        db = render(self.value(rel, args[3])) if len(args) > 3 else None
        user = render(self.value(rel, args[1])) if len(args) > 1 else None
        return dsn + (f";dbname={db}" if db else ""), user

    def routes(self) -> list[tuple[str, str, int]]:
        """(path, file, line) of GET routes: Route::get, $app->get, #[Route(...)], withRouting(health: ...)."""
        found = []
        for rel, root in self.roots.items():
            for node in self.nodes(rel, "scoped", "member"):
                name = syntax.text(node.child_by_field_name("name")).lower()
                args = _args(node)
                if name in ("get", "any", "map") and args:
                    path = self.value(rel, args[0])
                    if isinstance(path, str) and path:
                        found.append(("/" + path.lstrip("/"), rel, syntax.line(node)))
                health = _named_args(node).get("health")
                if health is not None:
                    path = self.value(rel, health)
                    if isinstance(path, str) and path:
                        found.append(("/" + path.lstrip("/"), rel, syntax.line(node)))
            for node in self.nodes(rel, "attribute"):
                name = next((c for c in node.named_children if c.type in ("name", "qualified_name")), None)
                if name is None or syntax.text(name).rsplit("\\", 1)[-1] != "Route":
                    continue
                args = _args(node.child_by_field_name("parameters") or node) if node.child_by_field_name(
                    "parameters") is None else [a.named_children[-1] for a in
                                                node.child_by_field_name("parameters").named_children
                                                if a.type == "argument" and a.named_children
                                                and (a.child_by_field_name("name") is None
                                                     or syntax.text(a.child_by_field_name("name")) == "path")]
                path = self.value(rel, args[0]) if args else None
                if isinstance(path, str) and path.startswith("/"):
                    found.append((path, rel, syntax.line(node)))
        return found

    def files_written(self) -> list[tuple[str, str, str, int]]:
        """(absolute path, how, file, line) given to mkdir / file_put_contents / fopen(w) / touch / SQLite."""
        found = []
        for rel, root in self.roots.items():
            for node in self.nodes(rel, "call"):
                name = syntax.text(node.child_by_field_name("function")).rsplit("\\", 1)[-1].lower()
                args = _args(node)
                if not args or name not in ("mkdir", "file_put_contents", "fopen", "touch"):
                    continue
                if name == "fopen":
                    mode = self.value(rel, args[1]) if len(args) > 1 else None
                    if not isinstance(mode, str) or not mode[:1] in ("w", "a", "x", "c"):
                        continue
                path = self.value(rel, args[0])
                if isinstance(path, str):
                    found.append((path, f"{name}()", rel, syntax.line(node)))
            for node in self.nodes(rel, "new"):
                cls = next((c for c in node.named_children if c.type in ("name", "qualified_name")), None)
                name = syntax.text(cls).rsplit("\\", 1)[-1].lower() if cls is not None else ""
                args = _args(node)
                if name == "sqlite3" and args:
                    path = self.value(rel, args[0])
                elif name == "pdo" and args:
                    dsn = self.value(rel, args[0])
                    path = dsn[len("sqlite:"):] if isinstance(dsn, str) and dsn.startswith("sqlite:") else None
                else:
                    continue
                if isinstance(path, str) and path != ":memory:":
                    found.append((path, "a SQLite database", rel, syntax.line(node)))
        written = []
        for path, how, rel, line in found:
            norm = posixpath.normpath(path)
            # `..` may move within the app's folder (lib/../data), not out of it
            if path.startswith("/") and (".." not in path.split("/") or norm.startswith(self.workdir + "/")):
                written.append((norm, how, rel, line))
        return written

    def includes_autoloader(self) -> bool:
        """True when a file requires Composer's vendor/autoload.php."""
        for rel, root in self.roots.items():
            for node in self.nodes(rel, "path"):
                path = render(self.value(rel, node))
                if path and path.endswith("vendor/autoload.php"):
                    return True
        return False


def _string(node) -> str:
    """The text of a single- or double-quoted PHP string without interpolation."""
    if node.type == "encapsed_string":
        parts = []
        for child in node.named_children:
            raw = syntax.text(child)
            parts.append(_DQ_ESCAPES.get(raw[1:], raw) if child.type == "escape_sequence" else raw)
        return "".join(parts)
    parts = []
    for child in node.named_children:
        raw = syntax.text(child)
        parts.append(raw[1:] if child.type == "escape_sequence" and raw[1:] in ("\\", "'") else raw)
    return "".join(parts)


def _single_return(function):
    body = function.child_by_field_name("body")
    if body is None:
        return None
    returns = [r for r in syntax.captures(G, "(return_statement) @r", body).get("r", [])
               if _enclosing(r, _SCOPES) == function]
    if len(returns) != 1 or not returns[0].named_children:
        return None
    return returns[0].named_children[0]
