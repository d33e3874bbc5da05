"""Facts read from Kotlin sources (a Gradle project's src/main/kotlin) through their parse trees:
env reads, ports, routes, folders written and JDBC URLs, the same facts source.py reads from Java.

Names are resolved to values: a ``const val`` / ``val`` (top level, in an ``object`` or a
``companion object``, or a local before its use), a function parameter filled in at the call, a
small function that returns an env read (``fun env(n: String, d: String) = System.getenv(n) ?: d``),
and Kotlin's ways of giving an env read a default (``System.getenv("X") ?: "d"``,
``System.getenv().getOrDefault("X", "d")``, ``System.getenv()["X"]``).
"""
from __future__ import annotations

from typing import Any

from ... import syntax
from ...profile import Profile
from ...scan import SourceTree
from .source import ENV_MAP, MAX_DEPTH, PLACEHOLDER, Concat, Env, Param, read_source, render, substitute

G = "kotlin"
MAX_SCOPES = 64  # functions and lambdas searched outwards for a local name
# node type -> the list it is kept in
_NODES = {"call_expression": "call", "index_expression": "index", "binary_expression": "binary",
          "property_declaration": "property", "function_declaration": "function", "annotation": "annotation",
          "string_literal": "string", "return_expression": "return", "assignment": "assignment"}
_SCOPES = ("function_declaration", "lambda_literal", "anonymous_function", "secondary_constructor")
_OWNERS = ("class_declaration", "object_declaration")
_CONVERSIONS = {"toInt", "toIntOrNull", "toLong", "toLongOrNull", "toShort", "trim", "toString", "orEmpty",
                "ifBlank", "ifEmpty"}
_READERS = {"readText", "readLines", "readBytes", "exists", "isDirectory", "isFile", "canRead", "bufferedReader",
            "inputStream", "forEachLine", "useLines", "reader", "length", "lines", "readAllBytes", "readAllLines",
            "readString", "newBufferedReader", "newInputStream", "FileReader", "FileInputStream", "Scanner",
            "FileSystemResource", "isReadable", "isRegularFile", "size"}
_WRITERS = {"File", "FileOutputStream", "FileWriter", "RandomAccessFile", "Path"}


def _named(node) -> list:
    return [c for c in node.named_children if c.type not in ("line_comment", "block_comment", "comment")]


def _inner(call):
    """The call that ``f(args) { lambda }`` wraps (the lambda goes to f); the call itself otherwise."""
    for _ in range(MAX_DEPTH):
        head = call.named_children[0] if call.named_children else None
        if head is None or head.type != "call_expression":
            return call
        call = head
    return call


def _callee(call) -> tuple[Any, str]:
    """(receiver node or None, function name) of a call_expression."""
    call = _inner(call)
    head = call.named_children[0] if call.named_children else None
    if head is None:
        return None, ""
    if head.type == "identifier":
        return None, syntax.text(head)
    if head.type == "navigation_expression":
        parts = _named(head)
        if len(parts) >= 2 and parts[-1].type == "identifier":
            return parts[0], syntax.text(parts[-1])
    return None, ""


def _arguments(call) -> list[tuple[str | None, Any]]:
    """(name or None, expression) of each value argument of a call (or an annotation)."""
    if call.type == "call_expression":
        call = _inner(call)
    args = next((c for c in call.named_children if c.type == "value_arguments"), None)
    found = []
    for arg in _named(args) if args is not None else []:
        if arg.type != "value_argument":
            continue
        parts = _named(arg)
        if not parts:
            continue
        has_name = any(c.type == "=" for c in arg.children)
        if has_name and len(parts) >= 2:
            found.append((syntax.text(parts[0]), parts[-1]))
        else:
            found.append((None, parts[-1]))
    return found


def _wrapper(call) -> bool:
    """True for the outer node of ``f(args) { lambda }`` (the inner ``f(args)`` is a call of its own)."""
    return bool(call.named_children) and call.named_children[0].type == "call_expression"


def _positional(call) -> list:
    return [node for name, node in _arguments(call) if name is None]


def _integer(raw: str) -> str | None:
    raw = raw.replace("_", "").rstrip("lLuU")
    try:
        return str(int(raw, 0))
    except ValueError:
        return None


# node id -> (parent, nearest scope, nearest class/object, nearest call_expression, file); all strict ancestors
Up = tuple


def _walk(root, rel: str, info: dict[int, Up]) -> dict[str, list[Any]]:
    """One walk of the tree that records each node's parent and nearest scope, owner and call (tree-sitter
    finds a node's parent by descending from the root, so walking up with ``.parent`` costs the depth
    each step) and gathers the nodes the facts are read from (a query over a deeply nested tree that
    had to be recovered can take far longer than the file's size)."""
    found: dict[str, list[Any]] = {}
    cursor = root.walk()
    info[root.id] = (None, None, None, None, rel)
    stack = [(root, None, None, None, rel)]  # the context of the children of the cursor's parent
    if not cursor.goto_first_child():
        return found
    while True:
        node = cursor.node
        up = stack[-1]
        info[node.id] = up
        kind = node.type
        if kind in _NODES:
            found.setdefault(_NODES[kind], []).append(node)
        if cursor.goto_first_child():
            stack.append((node, node if kind in _SCOPES else up[1], node if kind in _OWNERS else up[2],
                          node if kind == "call_expression" else up[3], rel))
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found
            stack.pop()
            if not stack:
                return found


def _name_of(node) -> str | None:
    return syntax.text(node.child_by_field_name("name")) if node is not None else None


def _property(node) -> tuple[Any, Any]:
    """(name identifier, value expression) of a property_declaration."""
    var = next((c for c in node.named_children if c.type == "variable_declaration"), None)
    name = next((c for c in var.named_children if c.type == "identifier"), None) if var is not None else None
    value = None
    seen_eq = False
    for child in node.children:
        if seen_eq and child.is_named:
            value = child
            break
        seen_eq = seen_eq or child.type == "="
    return name, value


def _function_result(function, returns: list):
    """The expression a function gives: its ``= expr`` body or its one ``return`` (``returns``: the
    return expressions whose nearest function or lambda is this one)."""
    body = next((c for c in function.named_children if c.type == "function_body"), None)
    if body is None:
        return None
    parts = _named(body)
    if len(parts) == 1 and parts[0].type != "block":
        return parts[0]
    if len(returns) != 1 or not _named(returns[0]):
        return None
    return _named(returns[0])[-1]


def _parameters(scope) -> list[str]:
    params = next((c for c in scope.named_children if c.type == "function_value_parameters"), None)
    names = []
    for p in _named(params) if params is not None else []:
        if p.type == "parameter":
            ident = next((c for c in p.named_children if c.type == "identifier"), None)
            names.append(syntax.text(ident))
    return names


class KotlinSource(syntax.Evaluator):
    """The parse trees of a module's .kt files, with the names they declare; the facts source.py's
    ``read_source`` records (env_reads, ports, port_constants, files_written, jdbc_urls) and routes."""

    max_depth = MAX_DEPTH

    def __init__(self, tree: SourceTree, files: list[str]):
        self.roots: dict[str, Any] = {}
        for rel in files:
            if rel.endswith(".kt"):
                parsed = tree.parse(rel, G)
                if parsed is not None:
                    self.roots[rel] = parsed.root_node
        self.nodes: dict[str, dict[str, list[Any]]] = {}
        self.fields: dict[tuple[str | None, str], Any] = {}
        self.fields_by_name: dict[str, list[Any]] = {}
        self.locals: dict[int, dict[str, Any]] = {}
        self.functions: dict[str, list[tuple[str | None, Any]]] = {}
        super().__init__()
        self.up: dict[int, Up] = {}  # node id -> its parent, scope, owner, call and file
        self.returns: dict[int, list[Any]] = {}  # function or lambda node id -> its return expressions
        self._prefixes: dict[int, str] = {}  # call node id -> the route("/...") paths around it
        for rel, root in self.roots.items():
            caps = self.nodes[rel] = _walk(root, rel, self.up)
            for node in caps.get("return", []):
                scope = self.up[node.id][1]
                if scope is not None:
                    self.returns.setdefault(scope.id, []).append(node)
            for prop in caps.get("property", []):
                name, value = _property(prop)
                if name is None or value is None:
                    continue
                scope = self.up[prop.id][1]
                if scope is not None:
                    self.locals.setdefault(scope.id, {}).setdefault(syntax.text(name), value)
                else:
                    self.fields.setdefault((self.owner(prop), syntax.text(name)), value)
                    self.fields_by_name.setdefault(syntax.text(name), []).append(value)
            for function in caps.get("function", []):
                name = syntax.text(function.child_by_field_name("name"))
                self.functions.setdefault(name, []).append((self.owner(function), function))

    # -- evaluation --------------------------------------------------------------------------
    def _value(self, rel: str, node, depth: int) -> Any:
        kind = node.type
        if kind == "string_literal":
            return self._string(rel, node, depth)
        if kind == "number_literal":
            return _integer(syntax.text(node))
        if kind in ("parenthesized_expression", "value_argument"):
            parts = _named(node)
            return self.value(rel, parts[-1], depth) if parts else None
        if kind == "identifier":
            return self._name(rel, node, depth)
        if kind == "navigation_expression":
            parts = _named(node)
            if len(parts) == 2 and parts[1].type == "identifier":
                obj, field = parts[0], syntax.text(parts[1])
                if field in _CONVERSIONS:
                    return self.value(rel, obj, depth)
                owner = syntax.text(obj).rsplit(".", 1)[-1] if obj.type in ("identifier", "navigation_expression") else None
                found = self.fields.get((owner, field))
                return self.value(self._rel(found, rel), found, depth) if found is not None else None
            return None
        if kind == "binary_expression":
            op = syntax.text(node.child_by_field_name("operator"))
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op == "?:":
                read = self.value(rel, left, depth)
                if isinstance(read, Env) and read.default is None:
                    return Env(read.name, self.value(rel, right, depth))
                return read if read is not None else None
            if op == "+":
                return _join([self.value(rel, left, depth), self.value(rel, right, depth)])
            return None
        if kind == "index_expression":
            parts = _named(node)
            if len(parts) == 2 and self.value(rel, parts[0], depth) is ENV_MAP:
                return Env(self.value(rel, parts[1], depth))
            return None
        if kind == "call_expression":
            return self._call(rel, node, depth)
        return None

    def _string(self, rel: str, node, depth: int) -> Any:
        parts: list[Any] = []
        children = [c for c in node.named_children]
        i = 0
        while i < len(children):
            child = children[i]
            raw = syntax.text(child)
            if child.type == "escape_sequence":
                parts.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "0": "\0"}.get(raw[1:], raw[1:]))
            elif child.type == "interpolation":
                inner = _named(child)
                parts.append(self.value(rel, inner[-1], depth) if inner else None)
            elif child.type == "string_content" and raw == "$" and i + 1 < len(children) \
                    and children[i + 1].type == "string_content":
                # "$name": the grammar gives "$" and the text that starts with the name
                rest = syntax.text(children[i + 1])
                end = 0
                while end < len(rest) and (rest[end].isalnum() or rest[end] == "_"):
                    end += 1
                if end == 0:
                    parts.append("$")
                else:
                    parts.append(self._lookup(rel, rest[:end], child, depth))
                    children[i + 1] = None  # consumed below
                    parts.append(rest[end:])
                    i += 1
            elif child.type == "string_content":
                parts.append(raw)
            i += 1
        return _join(parts)

    def _rel(self, node, default: str) -> str:
        return self.up.get(node.id, (None, None, None, None, default))[4]

    def owner(self, node) -> str | None:
        """The class or object a declaration belongs to (a companion object's members belong to its class)."""
        return _name_of(self.up.get(node.id, (None, None, None))[2])

    def parent(self, node):
        return self.up.get(node.id, (None,))[0] if node is not None else None

    def _name(self, rel: str, node, depth: int) -> Any:
        return self._lookup(rel, syntax.text(node), node, depth)

    def _lookup(self, rel: str, name: str, node, depth: int) -> Any:
        scope = self.up.get(node.id, (None, None))[1]
        for _ in range(MAX_SCOPES):
            if scope is None:
                break
            local = self.locals.get(scope.id, {}).get(name)
            if local is not None and local.start_byte < node.start_byte:
                return self.value(rel, local, depth)
            params = _parameters(scope)
            if name in params:
                return Param(params.index(name))
            scope = self.up.get(scope.id, (None, None))[1]
        found = self.fields.get((self.owner(node), name))
        if found is None and len(self.fields_by_name.get(name, [])) == 1:
            found = self.fields_by_name[name][0]
        return self.value(self._rel(found, rel), found, depth) if found is not None else None

    def _call(self, rel: str, node, depth: int) -> Any:
        obj, name = _callee(node)
        args = _positional(node)
        owner = syntax.text(obj) if obj is not None else None
        if owner == "System" and name == "getenv":
            return Env(self.value(rel, args[0], depth)) if len(args) == 1 else ENV_MAP if not args else None
        if obj is not None and name in ("getOrDefault", "get", "getOrElse") and len(args) in (1, 2):
            if self.value(rel, obj, depth) is ENV_MAP:
                return Env(self.value(rel, args[0], depth), self.value(rel, args[1], depth) if len(args) == 2 else None)
            return None
        if obj is not None and name in _CONVERSIONS and not args:
            return self.value(rel, obj, depth)
        if (owner in ("Integer", "Long", "Short") and name in ("parseInt", "valueOf", "parseLong", "parseShort")
                or owner == "String" and name == "valueOf") and args:
            return self.value(rel, args[0], depth)
        if obj is not None:
            return None
        candidates = self.functions.get(name, [])
        own = [c for c in candidates if c[0] == self.owner(node)]
        candidates = own or candidates
        if len(candidates) != 1:
            return None
        function = candidates[0][1]
        result = self.value(self._rel(function, rel), _function_result(function, self.returns.get(function.id, [])),
                            depth)
        if not isinstance(result, (Env, Concat, Param)):
            return result
        return substitute(result, [self.value(rel, a, depth) for a in args])

    # -- facts --------------------------------------------------------------------------------
    def env_reads(self) -> list[tuple[str, str | None, str, int]]:
        found: dict[str, tuple[str, str | None, str, int]] = {}
        for rel in self.roots:
            caps = self.nodes[rel]
            for node in sorted(caps.get("call", []) + caps.get("index", []) + caps.get("binary", []),
                               key=lambda n: n.start_byte):
                read = self.value(rel, node)
                if not isinstance(read, Env) or not isinstance(read.name, str) or not _env_name(read.name):
                    continue
                default = render(read.default) if read.default is not None else None
                if default is not None and "{?}" in default:
                    default = None
                old = found.get(read.name)
                if old is None or (old[1] is None and default is not None):
                    found[read.name] = (read.name, default, rel, syntax.line(node))
            for annotation in caps.get("annotation", []):
                call = next((c for c in annotation.named_children if c.type == "constructor_invocation"), None)
                if call is None or _annotation_name(annotation) != "Value":
                    continue
                for literal in _positional(call):
                    text = self.value(rel, literal)
                    for m in PLACEHOLDER.finditer(text if isinstance(text, str) else ""):
                        if _env_name(m.group(1)) and m.group(1).upper() == m.group(1) and m.group(1) not in found:
                            found[m.group(1)] = (m.group(1), m.group(2), rel, syntax.line(annotation))
        return list(found.values())

    def ports(self) -> list[tuple[Any, str, str, int]]:
        found = []
        for rel in self.roots:
            for node in self.nodes[rel].get("call", []):
                if _wrapper(node):
                    continue
                obj, name = _callee(node)
                named = [(k, v) for k, v in _arguments(node) if k == "port"]
                positional = _positional(node)
                if named:
                    arg = named[0][1]
                    found.append((self.value(rel, arg), f"{name}(port = {syntax.text(arg)})", rel, syntax.line(node)))
                elif obj is None and name in ("InetSocketAddress", "ServerSocket") and positional:
                    arg = positional[-1] if name == "InetSocketAddress" else positional[0]
                    found.append((self.value(rel, arg), f"{name}({syntax.text(arg)})", rel, syntax.line(node)))
                elif obj is not None and name in ("start", "port", "listen", "setPort") and len(positional) == 1 \
                        and len(_arguments(node)) == 1:
                    value = self.value(rel, positional[0])
                    if isinstance(value, str) and not value.isdigit():
                        continue
                    found.append((value, f"{name}({syntax.text(positional[0])})", rel, syntax.line(node)))
            for node in self.nodes[rel].get("assignment", []):  # Ktor: connector { port = 8080 }
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is None or right is None or syntax.text(left) != "port":
                    continue
                block = self.up.get(node.id, (None, None))[1]
                call = self.parent(self.parent(block)) if block is not None and block.type == "lambda_literal" else None
                if call is not None and call.type == "call_expression" and _callee(call)[1] == "connector":
                    found.append((self.value(rel, right), f"connector {{ port = {syntax.text(right)} }}", rel,
                                  syntax.line(node)))
        return found

    def port_constants(self) -> list[tuple[str, str, str, int]]:
        found = []
        for rel in self.roots:
            for prop in self.nodes[rel].get("property", []):
                name, value = _property(prop)
                if name is not None and value is not None and value.type == "number_literal" \
                        and "port" in syntax.text(name).lower():
                    found.append((_integer(syntax.text(value)) or "", syntax.text(name), rel, syntax.line(name)))
        return found

    def routes(self) -> list[tuple[str, str, int]]:
        """(path, file, line) of GET routes: Spring mappings on functions, Ktor's ``get("/x")``
        (inside ``route("/prefix") { }``), ``createContext("/x")``."""
        found = []
        for rel in self.roots:
            caps = self.nodes[rel]
            for annotation in caps.get("annotation", []):
                if _annotation_name(annotation) not in ("GetMapping", "RequestMapping"):
                    continue
                function = self.parent(self.parent(annotation)) if self.parent(annotation) is not None else None
                if function is None or function.type != "function_declaration":
                    continue
                prefix = self._class_prefix(rel, function)
                for path in self._mapping_paths(rel, annotation):
                    found.append(((prefix.rstrip("/") + "/" + path.lstrip("/")) if prefix else path, rel,
                                  syntax.line(annotation)))
            for node in caps.get("call", []):
                if _wrapper(node):
                    continue
                obj, name = _callee(node)
                args = _positional(node)
                if name in ("get", "createContext") and args and (obj is None or name == "createContext"):
                    path = self.value(rel, args[0])
                    if isinstance(path, str) and path.startswith("/"):
                        found.append((self._route_prefix(rel, node) + path if name == "get" else path, rel,
                                      syntax.line(node)))
        return found

    def _route_prefix(self, rel: str, node) -> str:
        """The paths of the ``route("/...") { }`` calls around ``node``, outermost first (each call's
        prefix is kept, so nested routes are walked once)."""
        chain = []
        scope = self.up.get(node.id, (None,) * 4)[3]
        while scope is not None and scope.id not in self._prefixes:
            chain.append(scope)
            scope = self.up.get(scope.id, (None,) * 4)[3]
        prefix = self._prefixes[scope.id] if scope is not None else ""
        for call in reversed(chain):
            obj, name = _callee(call)
            args = _positional(call)
            if obj is None and name == "route" and args and _wrapper(call):
                path = self.value(rel, args[0])
                if isinstance(path, str):
                    prefix = (prefix + path.rstrip("/"))[:4096]
            self._prefixes[call.id] = prefix
        return prefix

    def _mapping_paths(self, rel: str, annotation) -> list[str]:
        call = next((c for c in annotation.named_children if c.type == "constructor_invocation"), None)
        paths = []
        for key, node in _arguments(call) if call is not None else []:
            if key not in (None, "value", "path"):
                continue
            items = _named(node) if node.type == "collection_literal" else [node]
            for item in items:
                path = self.value(rel, item)
                if isinstance(path, str):
                    paths.append(path)
        return paths

    def _class_prefix(self, rel: str, function) -> str:
        cls = self.up.get(function.id, (None,) * 3)[2]
        if cls is None or cls.type != "class_declaration":
            return ""
        annotations = []
        mods = next((c for c in cls.named_children if c.type == "modifiers"), None)
        if mods is not None:
            annotations = [c for c in mods.named_children if c.type == "annotation"]
        # an annotation with arguments on its own line before `class` is parsed as an expression before it
        before = cls.prev_named_sibling
        while before is not None and before.type == "annotated_expression":
            annotations += [c for c in before.named_children if c.type == "annotation"]
            inner = [c for c in before.named_children if c.type == "annotated_expression"]
            before = inner[0] if inner else None
        for annotation in annotations:
            if _annotation_name(annotation) == "RequestMapping":
                paths = self._mapping_paths(rel, annotation)
                if paths:
                    return paths[0]
                holder = self.parent(annotation)
                call = next((c for c in holder.named_children if c.type == "parenthesized_expression"), None) \
                    if holder is not None else None
                path = self.value(rel, call) if call is not None else None
                if isinstance(path, str):
                    return path
        return ""

    def _only_read(self, node) -> bool:
        """True when the File / Path is handed straight to something that only reads it, or only read itself."""
        parent = self.parent(node)
        if parent is not None and parent.type == "navigation_expression":
            parts = _named(parent)
            if parts and parts[0] == node and parts[-1].type == "identifier" and syntax.text(parts[-1]) in _READERS:
                return True
        if parent is None or parent.type != "value_argument":
            return False
        call = self.parent(self.parent(parent))
        return call is not None and call.type == "call_expression" and _callee(call)[1] in _READERS

    def files_written(self) -> list[tuple[str, str, int]]:
        found = []
        for rel in self.roots:
            for node in self.nodes[rel].get("call", []):
                if _wrapper(node):
                    continue
                obj, name = _callee(node)
                owner = syntax.text(obj) if obj is not None else None
                args = _positional(node)
                if not args or self._only_read(node):
                    continue
                if obj is None and name in _WRITERS or (owner, name) in (("Paths", "get"), ("Path", "of")):
                    found.append((self.value(rel, args[0]), rel, syntax.line(node)))
        return [(v, rel, line) for v, rel, line in found if isinstance(v, str) and v.startswith("/")]

    def jdbc_logins(self) -> list:
        """DriverManager.getConnection(url, user, password) logins: read from Java sources only."""
        return []

    def jdbc_urls(self) -> list[tuple[str, str, int]]:
        found = []
        for rel in self.roots:
            for node in self.nodes[rel].get("string", []):
                if not syntax.text(node).startswith('"jdbc:'):
                    continue
                top = node
                for _ in range(MAX_DEPTH):  # the whole "jdbc:..." + name + ... expression
                    up = self.parent(top)
                    if up is None or not (up.type == "parenthesized_expression" or up.type == "binary_expression"
                                          and syntax.text(up.child_by_field_name("operator")) == "+"):
                        break
                    top = up
                text = render(self.value(rel, top))
                if text:
                    found.append((text, rel, syntax.line(node)))
        return found


def _join(parts: list[Any]) -> Any:
    flat: list[Any] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Concat) else [part])
    if all(isinstance(p, str) for p in flat):
        return "".join(flat)
    return Concat(tuple(flat))


def _env_name(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name) \
        and name.isascii()


def _annotation_name(annotation) -> str:
    for child in annotation.named_children:
        if child.type == "user_type":
            return syntax.text(child).rsplit(".", 1)[-1]
        if child.type == "constructor_invocation":
            user = next((c for c in child.named_children if c.type == "user_type"), None)
            return syntax.text(user).rsplit(".", 1)[-1]
    return ""


def read_kotlin(tree: SourceTree, files: list[str], profile: Profile) -> KotlinSource:
    """Records the Kotlin sources' env vars, port, folders written and JDBC services; the source index
    is returned (its routes() are the candidates for the health check)."""
    src = KotlinSource(tree, files)
    if src.roots:
        read_source(profile, src)
    return src
