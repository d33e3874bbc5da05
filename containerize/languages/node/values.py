"""What a JavaScript / TypeScript expression evaluates to, read from tree-sitter parse trees.

A :class:`Program` holds the app's modules. ``Program.value(module, node)`` folds literals, constants
(``const PORT = 8080``), template literals and ``+`` of literals, ``path.join`` of literals, object
properties, ``Number(...)``, and names imported from another module (``import { PORT } from './config'``,
``require('./config').PORT``). An env var read (``process.env.PORT || 3000``, a destructured
``const { PORT = 3000 } = process.env``, or a call of a thin wrapper such as
``function env(name, fallback) { return process.env[name] ?? fallback }``) folds to :class:`Env`.
Anything else is ``None``: an unknown value, never a guess.
"""
from __future__ import annotations

import codecs
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from ... import syntax

if TYPE_CHECKING:
    import tree_sitter

    from ...scan import SourceTree

GRAMMAR_BY_SUFFIX = {".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
                     ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx"}
SOURCE_SUFFIXES = tuple(GRAMMAR_BY_SUFFIX)
MAX_DEPTH = 24
# Wrappers (expression nodes around a value) that leave it as it is.
TRANSPARENT = {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
               "type_assertion", "await_expression"}
NUMBER_CASTS = {"Number", "parseInt", "parseFloat", "+"}
PATH_JOIN = {"join", "resolve"}


def grammar_of(rel: str) -> str | None:
    """The grammar of a source file by its extension; a file without one (``bin/www``) is JavaScript."""
    name = rel.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if dot <= 0:
        return "javascript" if dot < 0 and name else None
    return GRAMMAR_BY_SUFFIX.get(name[dot:].lower())


def is_env_name(name: str) -> bool:
    return bool(name) and name.isascii() and (name[0].isalpha() or name[0] == "_") \
        and name.replace("_", "a").isalnum()


Loc = tuple[str, int]


@dataclass(frozen=True)
class Env:
    """An env var read, with its default (a literal) when the code gives one."""
    name: str
    default: Union[str, int, float, bool, None] = None
    loc: Loc | None = None  # where it is read
    default_loc: Loc | None = None  # where the default is written


@dataclass(frozen=True)
class Obj:
    """An object literal: its properties evaluate on demand."""
    module: "Module"
    node: Any


@dataclass(frozen=True)
class Namespace:
    """Everything another module exports (``import * as cfg``, ``const cfg = require('./cfg')``)."""
    module: "Module"


@dataclass(frozen=True)
class Dir:
    """A folder, relative to the project root (``__dirname``, ``process.cwd()``)."""
    path: str


@dataclass(frozen=True)
class Wrapper:
    """A function that returns ``process.env[<parameter name_at>]``, with a default from a parameter or a literal."""
    name_at: int
    default_at: int | None = None
    default: Any = None  # a literal fallback, or the default value node of the parameter (with its module)


@dataclass
class Value:
    value: Any
    loc: Loc | None  # where the literal (or env read) is written

# -- queries --------------------------------------------------------------------------------------

DECLARATORS = "(variable_declarator name: (_) @name value: (_) @value)"
IMPORTS = "(import_statement (import_clause) @clause source: (string) @source)"
EXPORT_ASSIGN = """
(assignment_expression left: (member_expression object: (identifier) @mod property: (property_identifier) @prop)
  right: (_) @value (#eq? @mod "module") (#eq? @prop "exports"))
(assignment_expression left: (member_expression object: (identifier) @mod property: (property_identifier) @name)
  right: (_) @value (#eq? @mod "exports"))
(assignment_expression left: (member_expression object: (member_expression object: (identifier) @mod
  property: (property_identifier) @prop) property: (property_identifier) @name) right: (_) @value
  (#eq? @mod "module") (#eq? @prop "exports"))
(export_statement value: (_) @default)
(export_statement (export_clause (export_specifier) @spec) source: (string)? @from)
"""
ENV_READS = """
(member_expression object: (member_expression object: (identifier) @obj property: (property_identifier) @env)
  property: (property_identifier) @name (#eq? @obj "process") (#eq? @env "env")) @read
(subscript_expression object: (member_expression object: (identifier) @obj property: (property_identifier) @env)
  index: (_) @key (#eq? @obj "process") (#eq? @env "env")) @read
"""
ENV_OBJECT = """
(member_expression object: (identifier) @obj property: (property_identifier) @env
  (#eq? @obj "process") (#eq? @env "env")) @envobj
"""
CALLS = "(call_expression function: (identifier) @callee arguments: (arguments) @args) @call"
FUNCTIONS = "[(function_declaration) (generator_function_declaration)] @fn"

# Queries that run together in one pass over each module's tree (a query pass costs about as much as
# the parse on a large file: one pass, not one per fact).
_REGISTERED: list[str] = []


def register(*queries: str) -> None:
    for q in queries:
        if q not in _REGISTERED:
            _REGISTERED.append(q)


_SETS: dict[tuple[str, tuple[str, ...]], syntax.QuerySet] = {}


def _run_registered(grammar: str, root: "tree_sitter.Node") -> dict[str, list[dict[str, list]]]:
    key = (grammar, tuple(_REGISTERED))
    if key not in _SETS:  # the joined query is compiled once (never each query on its own as well)
        _SETS[key] = syntax.QuerySet(grammar, *_REGISTERED)
    answers = _SETS[key].run(root)
    found: dict[str, list[dict[str, list]]] = {q: [m for _, m in answers.matches(q)] for q in _REGISTERED}
    for matches in found.values():
        matches.sort(key=lambda m: min(n.start_byte for nodes in m.values() for n in nodes))
    return found


# ``Database.dataDir = process.env.DATA_DIR || "./data/"``: a static field set in a method (the first assignment)
MEMBER_ASSIGN = """
(assignment_expression left: (member_expression object: (identifier) @obj property: (property_identifier) @prop)
  right: (_) @value)
"""
register(DECLARATORS, IMPORTS, EXPORT_ASSIGN, ENV_READS, ENV_OBJECT, FUNCTIONS, MEMBER_ASSIGN)


def _string(node: "tree_sitter.Node") -> str | None:
    """The value of a string literal or a template literal without substitutions."""
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(syntax.text(child))
        elif child.type == "escape_sequence":
            try:
                parts.append(codecs.decode(syntax.text(child), "unicode_escape"))
            except (UnicodeDecodeError, ValueError):
                return None
        elif child.type in ("comment",):
            continue
        else:
            return None
    return "".join(parts)


def _param_names(params: "tree_sitter.Node | None") -> list[tuple[str | None, Any]]:
    """(name, default value node) of each formal parameter, in order."""
    found: list[tuple[str | None, Any]] = []
    if params is None:
        return found
    for p in params.named_children:
        if p.type == "comment":
            continue
        name_node, default = p, None
        if p.type in ("required_parameter", "optional_parameter"):
            name_node, default = p.child_by_field_name("pattern"), p.child_by_field_name("value")
        elif p.type == "assignment_pattern":
            name_node, default = p.child_by_field_name("left"), p.child_by_field_name("right")
        found.append((syntax.text(name_node) if name_node is not None and name_node.type == "identifier" else None,
                      default))
    return found


class Module:
    """One source file: its constants, imports, exports and env wrappers."""

    def __init__(self, program: "Program", rel: str, grammar: str, root: "tree_sitter.Node"):
        self.program, self.rel, self.grammar, self.root = program, rel, grammar, root
        self.dir = posixpath.dirname(rel)
        # name -> its value node, ("import", spec, name), ("require", spec) or ("member", node, key, default)
        self.bindings: dict[str, Any] = {}
        self.exports: dict[str, Any] = {}  # exported name -> value node (or "default" -> node)
        self.wrappers: dict[str, Wrapper] = {}
        self._found: dict[str, list[dict[str, list]]] | None = None
        self._index()

    def __hash__(self) -> int:
        return hash(self.rel)

    def __eq__(self, other: object) -> bool:
        return self is other

    def loc(self, node: "tree_sitter.Node") -> Loc:
        return (self.rel, syntax.line(node))

    def captures(self, query: str) -> dict[str, list]:
        """Capture name -> nodes in document order, for one registered query over the module."""
        found: dict[str, dict[int, Any]] = {}
        for m in self.matches(query):
            for name, nodes in m.items():
                for node in nodes:
                    found.setdefault(name, {})[node.id] = node
        return {name: sorted(nodes.values(), key=lambda n: n.start_byte) for name, nodes in found.items()}

    def matches(self, query: str) -> list[dict[str, list]]:
        """The matches of one query over the module. Registered queries run together, in one pass over
        the tree, the first time any of them is asked for."""
        if query not in _REGISTERED:
            return [m for _, m in syntax.matches(self.grammar, query, self.root)]
        if self._found is None or query not in self._found:
            self._found = _run_registered(self.grammar, self.root)
        return self._found.get(query, [])

    def _bind(self, name: str, what: Any, top: bool) -> None:
        if top or name not in self.bindings:
            self.bindings[name] = what

    def _index(self) -> None:
        for m in self.matches(DECLARATORS):
            name, value = m["name"][0], m["value"][0]
            top = _top_level(name)
            if name.type == "identifier":
                self._bind(syntax.text(name), value, top)
                if top and _exported(name):
                    self.exports[syntax.text(name)] = value
            elif name.type == "object_pattern":
                self._destructure(name, value, top)
        for m in self.matches(IMPORTS):
            spec = _string(m["source"][0])
            if spec is None:
                continue
            for part in m["clause"][0].named_children:
                if part.type == "identifier":
                    self.bindings[syntax.text(part)] = ("import", spec, "default")
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.bindings[syntax.text(ident)] = ("require", spec)
                elif part.type == "named_imports":
                    for s in part.named_children:
                        if s.type != "import_specifier":
                            continue
                        name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                        self.bindings[syntax.text(alias or name)] = ("import", spec, _name_text(name))
        for m in self.matches(EXPORT_ASSIGN):
            if "default" in m:
                self.exports["default"] = m["default"][0]
            elif "spec" in m:
                spec = m["spec"][0]
                name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                source = _string(m["from"][0]) if m.get("from") else None
                self.exports[_name_text(alias or name)] = ("from", source, _name_text(name)) if source \
                    else ("local", _name_text(name))
            elif "name" in m:
                self.exports[syntax.text(m["name"][0])] = m["value"][0]
            elif "value" in m:
                self.exports["module.exports"] = m["value"][0]
        for node in self.captures(FUNCTIONS).get("fn", []):
            if node.type in ("function_declaration", "generator_function_declaration"):
                name = node.child_by_field_name("name")
                if name is not None:
                    self.bindings.setdefault(syntax.text(name), node)
                    if _exported(node):
                        self.exports.setdefault(syntax.text(name), node)

    def _destructure(self, pattern: "tree_sitter.Node", value: "tree_sitter.Node", top: bool) -> None:
        """``const { A = 1, B: b } = process.env`` / ``= require('./x')`` / ``= config``."""
        for part in pattern.named_children:
            key = local = default = None
            if part.type == "shorthand_property_identifier_pattern":
                key = local = syntax.text(part)
            elif part.type == "object_assignment_pattern":
                left = part.child_by_field_name("left")
                key = local = syntax.text(left)
                default = part.child_by_field_name("right")
            elif part.type == "pair_pattern":
                key = _name_text(part.child_by_field_name("key"))
                target = part.child_by_field_name("value")
                if target is not None and target.type == "assignment_pattern":
                    default = target.child_by_field_name("right")
                    target = target.child_by_field_name("left")
                if target is not None and target.type == "identifier":
                    local = syntax.text(target)
            if key and local:
                self._bind(local, ("member", value, key, default), top)

    # -- lookups ------------------------------------------------------------------------------
    def export(self, name: str, depth: int) -> Value | None:
        program = self.program
        if name in self.exports:
            target = self.exports[name]
            if isinstance(target, tuple) and target[0] == "from":
                other = program.resolve(self, target[1])
                return other.export(target[2], depth + 1) if other is not None and depth < MAX_DEPTH else None
            if isinstance(target, tuple):
                return program.name(self, target[1], depth + 1)
            return program.value(self, target, depth + 1)
        whole = self.exports.get("module.exports") or (self.exports.get("default") if name != "default" else None)
        if whole is not None:
            obj = program.value(self, whole, depth + 1)
            if obj is not None:
                return program.member(obj, name, depth + 1)
        return None

    def wrapper(self, name: str, depth: int = 0) -> tuple["Module", Wrapper] | None:
        if name in self.wrappers:
            return self, self.wrappers[name]
        bound = self.bindings.get(name)
        if isinstance(bound, tuple) and bound[0] == "import" and depth < MAX_DEPTH:
            other = self.program.resolve(self, bound[1])
            if other is not None:
                return other.wrapper(bound[2], depth + 1)
        if isinstance(bound, tuple) and bound[0] == "member" and depth < MAX_DEPTH:
            source = bound[1]
            if source.type == "call_expression" and _require_spec(source):
                other = self.program.resolve(self, _require_spec(source))
                if other is not None:
                    return other.wrapper(bound[2], depth + 1)
        return None


def _name_text(node: "tree_sitter.Node | None") -> str:
    if node is None:
        return ""
    if node.type == "string":
        return _string(node) or ""
    return syntax.text(node)


def _top_level(node: "tree_sitter.Node") -> bool:
    """Is the declaration of ``node`` at the top of its module (not inside a function or block)?"""
    parent = node.parent
    while parent is not None:
        if parent.type in ("program",):
            return True
        if parent.type in ("statement_block", "class_body", "arrow_function", "function_expression",
                           "function_declaration", "method_definition", "for_statement", "for_in_statement"):
            return False
        parent = parent.parent
    return False


def _exported(node: "tree_sitter.Node") -> bool:
    parent = node.parent
    for _ in range(4):
        if parent is None:
            return False
        if parent.type == "export_statement":
            return True
        parent = parent.parent
    return False


def _require_spec(call: "tree_sitter.Node") -> str | None:
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if fn is None or args is None or syntax.text(fn) != "require":
        return None
    first = next((a for a in args.named_children if a.type != "comment"), None)
    return _string(first) if first is not None and first.type == "string" else None


class Program:
    """The app's modules, parsed on first use, and what their expressions evaluate to."""

    def __init__(self, tree: "SourceTree"):
        self.tree = tree
        self._files = set(tree.files)
        self._modules: dict[str, Module | None] = {}
        self._busy: set[tuple[str, int]] = set()
        # @fastify/env: the env vars its schema names are on ``<instance>.config.NAME`` (fastify.config.PORT)
        self.config_env = False

    def module(self, rel: str) -> Module | None:
        if rel not in self._modules:
            self._modules[rel] = None
            grammar = grammar_of(rel)
            parsed = self.tree.parse(rel, grammar) if grammar else None
            if parsed is not None:
                module = Module(self, rel, grammar, parsed.root_node)
                self._modules[rel] = module
                module.wrappers = self._wrappers(module)
        return self._modules[rel]

    def resolve(self, module: Module, spec: str) -> Module | None:
        """The module a relative import names (``./config`` -> config.ts, config/index.js ...)."""
        if not spec.startswith("."):
            return None
        base = posixpath.normpath(posixpath.join(module.dir, spec))
        if base.startswith("../") or base == "..":
            return None
        stem = base
        for suffix in (".js", ".mjs", ".cjs", ".jsx"):
            if base.endswith(suffix):
                stem = base[: -len(suffix)]  # TypeScript's ESM imports name the .js that tsc writes
        candidates = [base] + [stem + s for s in SOURCE_SUFFIXES] + [f"{base}/index{s}" for s in SOURCE_SUFFIXES]
        for rel in candidates:
            if rel in self._files:
                return self.module(rel)
        return None

    # -- env wrappers -----------------------------------------------------------------------
    def _wrappers(self, module: Module) -> dict[str, Wrapper]:
        found: dict[str, Wrapper] = {}
        for m in module.matches(ENV_READS):
            key = m.get("key", [None])[0]
            if key is None or key.type != "identifier":
                continue
            fn = _enclosing_function(m["read"][0])
            if fn is None:
                continue
            name = _function_name(fn)
            params = _param_names(fn.child_by_field_name("parameters"))
            names = [p[0] for p in params]
            key_name = syntax.text(key)
            if not name or key_name not in names:
                continue
            wrapper = Wrapper(names.index(key_name))
            right = _fallback(m["read"][0])
            if right is not None and right.type == "identifier" and syntax.text(right) in names:
                index = names.index(syntax.text(right))
                wrapper = Wrapper(wrapper.name_at, index, (module, params[index][1]) if params[index][1] else None)
            elif right is not None:
                wrapper = Wrapper(wrapper.name_at, None, (module, right))
            found.setdefault(name, wrapper)
        return found

    def wrapper_call(self, module: Module, call: "tree_sitter.Node", depth: int = 0) -> Env | None:
        """``env("API_URL", "http://x")`` of a wrapper: the env var it reads, with its default."""
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "identifier":
            return None
        found = module.wrapper(syntax.text(fn))
        if found is None:
            return None
        _, wrapper = found
        args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
        if wrapper.name_at >= len(args):
            return None
        name = self.value(module, args[wrapper.name_at], depth + 1)
        if name is None or not isinstance(name.value, str) or not is_env_name(name.value):
            return None
        default: Value | None = None
        if wrapper.default_at is not None and wrapper.default_at < len(args):
            default = self.value(module, args[wrapper.default_at], depth + 1)
        elif wrapper.default is not None:
            where, node = wrapper.default
            default = self.value(where, node, depth + 1)
        literal = default is not None and _is_literal(default.value)
        return Env(name.value, default.value if literal else None, module.loc(call),
                   default.loc if literal else None)

    # -- evaluation ---------------------------------------------------------------------------
    def name(self, module: Module, name: str, depth: int = 0) -> Value | None:
        if depth > MAX_DEPTH:
            return None
        if name == "__dirname":
            return Value(Dir(module.dir), None)
        bound = module.bindings.get(name)
        if bound is None:
            return None
        if isinstance(bound, tuple):
            if bound[0] == "import":
                other = self.resolve(module, bound[1])
                if other is None:
                    return Value(("package", bound[1], bound[2]), None) if bound[2] != "default" else \
                        Value(("package", bound[1], None), None)
                return other.export(bound[2], depth + 1)
            if bound[0] == "require":
                other = self.resolve(module, bound[1])
                return Value(Namespace(other), None) if other is not None else Value(("package", bound[1], None), None)
            if bound[0] == "member":
                _, source, key, default = bound
                whole = self.value(module, source, depth + 1)
                found = self.member(whole, key, depth + 1) if whole is not None else None
                if default is not None and (found is None or isinstance(found.value, Env) and found.value.default is None):
                    fallback = self.value(module, default, depth + 1)
                    if found is not None and isinstance(found.value, Env) and fallback is not None \
                            and _is_literal(fallback.value):
                        env = found.value
                        return Value(Env(env.name, fallback.value, env.loc, fallback.loc), found.loc)
                    if found is None:
                        return fallback
                return found
            return None
        if bound.type in ("function_declaration", "generator_function_declaration"):
            return None
        return self.value(module, bound, depth + 1)

    def member(self, whole: Value, key: str, depth: int) -> Value | None:
        if depth > MAX_DEPTH:
            return None
        obj = whole.value
        if obj == "process.env" and is_env_name(key):
            return Value(Env(key, None, whole.loc), whole.loc)
        if isinstance(obj, Obj):
            for pair in obj.node.named_children:
                if pair.type == "pair" and _name_text(pair.child_by_field_name("key")) == key:
                    return self.value(obj.module, pair.child_by_field_name("value"), depth + 1)
                if pair.type == "shorthand_property_identifier" and syntax.text(pair) == key:
                    return self.name(obj.module, key, depth + 1)
            return None
        if isinstance(obj, Namespace):
            return obj.module.export(key, depth + 1)
        if isinstance(obj, tuple) and obj[0] == "package" and obj[2] is None:
            return Value(("package", obj[1], key), None)
        return None

    def value(self, module: Module, node: "tree_sitter.Node | None", depth: int = 0) -> Value | None:
        if node is None or depth > MAX_DEPTH:
            return None
        key = (module.rel, node.id)
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            return self._value(module, node, depth)
        finally:
            self._busy.discard(key)

    def _value(self, module: Module, node: "tree_sitter.Node", depth: int) -> Value | None:
        kind = node.type
        loc = module.loc(node)
        if kind == "number":
            text = syntax.text(node).replace("_", "")
            try:
                return Value(int(text, 0), loc)
            except ValueError:
                try:
                    return Value(float(text), loc)
                except ValueError:
                    return None
        if kind == "string":
            text = _string(node)
            return Value(text, loc) if text is not None else None
        if kind in ("true", "false"):
            return Value(kind == "true", loc)
        if kind == "template_string":
            parts = []
            for child in node.named_children:
                if child.type == "template_substitution":
                    inner = self.value(module, child.named_children[0] if child.named_children else None, depth + 1)
                    if inner is None or not isinstance(inner.value, (str, int, float)) or isinstance(inner.value, bool):
                        return None
                    parts.append(str(inner.value))
                elif child.type == "string_fragment":
                    parts.append(syntax.text(child))
                elif child.type == "escape_sequence":
                    try:
                        parts.append(codecs.decode(syntax.text(child), "unicode_escape"))
                    except (UnicodeDecodeError, ValueError):
                        return None
            return Value("".join(parts), loc)
        if kind in TRANSPARENT:
            inner = next((c for c in node.named_children if c.type != "comment"), None)
            return self.value(module, inner, depth + 1)
        if kind == "identifier":
            return self.name(module, syntax.text(node), depth + 1)
        if kind == "object":
            return Value(Obj(module, node), loc)
        if kind == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is not None and obj.type == "identifier" and syntax.text(obj) == "process" \
                    and syntax.text(prop) == "env":
                return Value("process.env", loc)
            whole = self.value(module, obj, depth + 1)
            if whole is None and obj is not None and obj.type == "identifier":
                assigned = self._assigned(module, syntax.text(obj), syntax.text(prop), depth)
                if assigned is not None:
                    return assigned
            if whole is None and self.config_env and obj is not None and obj.type == "member_expression":
                inner = obj.child_by_field_name("property")
                name = syntax.text(prop)
                if inner is not None and syntax.text(inner) == "config" and is_env_name(name) \
                        and name == name.upper():
                    return Value(Env(name, None, loc), loc)
            return self.member(whole, syntax.text(prop), depth + 1) if whole is not None else None
        if kind == "subscript_expression":
            whole = self.value(module, node.child_by_field_name("object"), depth + 1)
            index = self.value(module, node.child_by_field_name("index"), depth + 1)
            if whole is None or index is None or not isinstance(index.value, str):
                return None
            found = self.member(whole, index.value, depth + 1)
            if found is not None and isinstance(found.value, Env):
                return Value(Env(found.value.name, None, loc), loc)
            return found
        if kind == "binary_expression":
            return self._binary(module, node, depth)
        if kind == "call_expression":
            return self._call(module, node, depth)
        if kind == "unary_expression" and syntax.text(node.child(0)) in ("+", "-"):
            inner = self.value(module, node.child_by_field_name("argument"), depth + 1)
            if inner is not None and isinstance(inner.value, Env):
                return inner
            if inner is not None and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
                return Value(-inner.value if syntax.text(node.child(0)) == "-" else inner.value, inner.loc)
            if inner is not None and isinstance(inner.value, str) and syntax.text(node.child(0)) == "+":
                return Value(_number(inner.value), inner.loc) if _number(inner.value) is not None else None
        return None

    def _assigned(self, module: Module, obj: str, prop: str, depth: int) -> Value | None:
        """The value of the first ``obj.prop = value`` of ``module`` (a class's static field set in a method)."""
        for m in module.matches(MEMBER_ASSIGN):
            if syntax.text(m["obj"][0]) == obj and syntax.text(m["prop"][0]) == prop:
                return self.value(module, m["value"][0], depth + 1)
        return None

    def _binary(self, module: Module, node: "tree_sitter.Node", depth: int) -> Value | None:
        op = syntax.text(node.child_by_field_name("operator"))
        left = self.value(module, node.child_by_field_name("left"), depth + 1)
        if op in ("||", "??"):
            if left is None:
                return None
            if isinstance(left.value, Env) and left.value.default is None:
                right = self.value(module, node.child_by_field_name("right"), depth + 1)
                if right is not None and isinstance(right.value, Env):
                    right = Value(right.value.default, right.value.default_loc) if right.value.default is not None \
                        else None
                if right is not None and _is_literal(right.value):
                    env = left.value
                    return Value(Env(env.name, right.value, env.loc, right.loc), left.loc)
                return left
            return left if _is_literal(left.value) or isinstance(left.value, (Env, Obj, Dir)) else None
        if op == "+":
            right = self.value(module, node.child_by_field_name("right"), depth + 1)
            if left is None or right is None:
                return None
            a, b = left.value, right.value
            if isinstance(a, (str, Dir)) or isinstance(b, (str, Dir)):
                if isinstance(a, Dir) or isinstance(b, Dir):
                    return None
                if _is_literal(a) and _is_literal(b):
                    return Value(_js_str(a) + _js_str(b), module.loc(node))
                return None
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
                    and not isinstance(b, bool):
                return Value(a + b, module.loc(node))
        return None

    def _call(self, module: Module, node: "tree_sitter.Node", depth: int) -> Value | None:
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        if fn is None or args_node is None or args_node.type != "arguments":
            return None
        args = [a for a in args_node.named_children if a.type != "comment"]
        name = syntax.text(fn) if fn.type == "identifier" else None
        if name in NUMBER_CASTS or syntax.text(fn) in ("Number.parseInt", "Number.parseFloat"):
            inner = self.value(module, args[0], depth + 1) if args else None
            if inner is None:
                return None
            if isinstance(inner.value, Env):
                env = inner.value
                if isinstance(env.default, str) and _number(env.default) is not None:
                    return Value(Env(env.name, _number(env.default), env.loc, env.default_loc), inner.loc)
                return inner
            if isinstance(inner.value, str):
                number = _number(inner.value)
                return Value(number, inner.loc) if number is not None else None
            return inner if isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool) else None
        if name == "String":
            inner = self.value(module, args[0], depth + 1) if args else None
            if inner is not None and _is_literal(inner.value):
                return Value(_js_str(inner.value), inner.loc)
            return inner if inner is not None and isinstance(inner.value, Env) else None
        if name == "require":
            spec = _require_spec(node)
            if spec is None:
                return None
            other = self.resolve(module, spec)
            return Value(Namespace(other), None) if other is not None else Value(("package", spec, None), None)
        if fn.type == "member_expression" and syntax.text(fn.child_by_field_name("object")) == "process" \
                and syntax.text(fn.child_by_field_name("property")) == "cwd":
            return Value(Dir(""), module.loc(node))
        if self._is_path_join(module, fn, depth):
            parts: list[str] = []
            absolute = False
            for arg in args:
                part = self.value(module, arg, depth + 1)
                if part is None:
                    return None
                if isinstance(part.value, Dir):
                    parts, absolute = [part.value.path], False
                elif isinstance(part.value, str):
                    if part.value.startswith("/"):
                        parts, absolute = [part.value], True
                    else:
                        parts.append(part.value)
                else:
                    return None
            joined = posixpath.normpath(posixpath.join(*parts)) if parts else "."
            if not absolute:
                return Value(Dir(joined if joined != "." else ""), module.loc(node))
            return Value(joined, module.loc(node))
        env = self.wrapper_call(module, node, depth + 1)
        if env is not None:
            return Value(env, module.loc(node))
        return None

    def _is_path_join(self, module: Module, fn: "tree_sitter.Node", depth: int) -> bool:
        if fn.type == "member_expression":
            prop = syntax.text(fn.child_by_field_name("property"))
            if prop not in PATH_JOIN:
                return False
            whole = self.value(module, fn.child_by_field_name("object"), depth + 1)
            return whole is not None and isinstance(whole.value, tuple) and whole.value[0] == "package" \
                and whole.value[1] in ("path", "node:path", "path/posix", "node:path/posix") and whole.value[2] is None
        if fn.type == "identifier":
            whole = self.name(module, syntax.text(fn), depth + 1)
            return whole is not None and isinstance(whole.value, tuple) and whole.value[0] == "package" \
                and whole.value[1] in ("path", "node:path") and whole.value[2] in PATH_JOIN
        return False

    # -- env reads ----------------------------------------------------------------------------
    def env_reads(self, module: Module) -> list[Env]:
        """Every env var ``module`` reads (``process.env.X``, ``process.env["X"]``, destructuring, wrapper
        calls), with the default the code gives it, in document order."""
        reads: list[tuple[int, Env]] = []
        for m in module.matches(ENV_READS):
            read = m["read"][0]
            if "name" in m:
                name = syntax.text(m["name"][0])
            else:
                key = self.value(module, m["key"][0], 1)
                if key is None or not isinstance(key.value, str):
                    continue
                name = key.value
            if not is_env_name(name):
                continue
            default = self.default_of(module, read)
            reads.append((read.start_byte, Env(name, default.value if default else None, module.loc(read),
                                               default.loc if default else None)))
        for node in module.captures(ENV_OBJECT).get("envobj", []):
            declarator = node.parent
            if declarator is None or declarator.type != "variable_declarator" \
                    or declarator.child_by_field_name("value") != node:
                continue
            pattern = declarator.child_by_field_name("name")
            if pattern is None or pattern.type != "object_pattern":
                continue
            for part in pattern.named_children:
                key, default = None, None
                if part.type == "shorthand_property_identifier_pattern":
                    key = syntax.text(part)
                elif part.type == "object_assignment_pattern":
                    key = syntax.text(part.child_by_field_name("left"))
                    default = part.child_by_field_name("right")
                elif part.type == "pair_pattern":
                    key = _name_text(part.child_by_field_name("key"))
                    target = part.child_by_field_name("value")
                    if target is not None and target.type == "assignment_pattern":
                        default = target.child_by_field_name("right")
                if not key or not is_env_name(key):
                    continue
                value = self.value(module, default, 1) if default is not None else None
                literal = value is not None and _is_literal(value.value)
                reads.append((part.start_byte, Env(key, value.value if literal else None, module.loc(part),
                                                   value.loc if literal else None)))
        if any(module.wrapper(n) for n in _wrapper_candidates(module)):
            for m in module.matches(CALLS):
                env = self.wrapper_call(module, m["call"][0])
                if env is not None:
                    reads.append((m["call"][0].start_byte, env))
        return [env for _, env in sorted(reads, key=lambda r: r[0])]

    def default_of(self, module: Module, read: "tree_sitter.Node") -> Value | None:
        """The literal a read falls back to: ``X || 3000``, ``Number(X) ?? 3000``, ``X ?? Y ?? 'a'``."""
        node = read
        for _ in range(12):
            parent = node.parent
            if parent is None:
                return None
            if parent.type in TRANSPARENT or parent.type == "arguments" and _is_cast(parent.parent):
                node = parent if parent.type != "arguments" else parent.parent
                continue
            if parent.type == "binary_expression" and parent.child_by_field_name("right") == node \
                    and syntax.text(parent.child_by_field_name("operator")) in ("||", "??"):
                node = parent  # A ?? X ?? 'a': X falls back to what the whole A ?? X falls back to
                continue
            if parent.type == "binary_expression" and parent.child_by_field_name("left") == node \
                    and syntax.text(parent.child_by_field_name("operator")) in ("||", "??"):
                right = self.value(module, parent.child_by_field_name("right"), 1)
                if right is not None and _is_literal(right.value):
                    return right
                if right is not None and isinstance(right.value, Env) and right.value.default is not None:
                    return Value(right.value.default, right.value.default_loc)
                node = parent
                continue
            return None
        return None


def _is_cast(call: "tree_sitter.Node | None") -> bool:
    if call is None or call.type != "call_expression":
        return False
    fn = call.child_by_field_name("function")
    return fn is not None and syntax.text(fn) in ("Number", "parseInt", "parseFloat", "String", "Number.parseInt")


def _wrapper_candidates(module: Module) -> list[str]:
    """Names that may be env wrappers: the module's own, and what it imports."""
    return list(module.wrappers) + [name for name, bound in module.bindings.items()
                                    if isinstance(bound, tuple) and bound[0] in ("import", "member")]


def _enclosing_function(node: "tree_sitter.Node") -> "tree_sitter.Node | None":
    parent = node.parent
    while parent is not None:
        if parent.type in ("function_declaration", "function_expression", "arrow_function",
                           "generator_function_declaration", "method_definition"):
            return parent
        parent = parent.parent
    return None


def _function_name(fn: "tree_sitter.Node") -> str | None:
    if fn.type in ("function_declaration", "generator_function_declaration"):
        return _name_text(fn.child_by_field_name("name")) or None
    if fn.type == "method_definition":
        return None  # obj.get(name) would look like app.get('/path')
    parent = fn.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return syntax.text(name) if name is not None and name.type == "identifier" else None
    return None


def _fallback(read: "tree_sitter.Node") -> "tree_sitter.Node | None":
    """The right side of the ``||`` / ``??`` a read is the left side of (through parentheses and casts)."""
    node = read
    for _ in range(8):
        parent = node.parent
        if parent is None:
            return None
        if parent.type in TRANSPARENT:
            node = parent
            continue
        if parent.type == "arguments" and _is_cast(parent.parent):
            node = parent.parent
            continue
        if parent.type == "binary_expression" and parent.child_by_field_name("left") == node \
                and syntax.text(parent.child_by_field_name("operator")) in ("||", "??"):
            return parent.child_by_field_name("right")
        return None
    return None


def _is_literal(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _number(text: str) -> int | float | None:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def _js_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
