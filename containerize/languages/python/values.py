"""Literal values of Python expressions, read from the standard library's ``ast``.

Each ``.py`` file of a tree is parsed once (``module(tree, rel)``). A name resolves to a value through the
enclosing function's single assignment, the module's constants, and ``from x import NAME`` / ``import x``
imports of the package's other modules. Values are plain Python literals, ``PathValue`` (a ``pathlib``
path or ``os.path.join`` result), ``ProjectPath`` (a path built from ``__file__``, relative to the project
root) and ``EnvRead`` (an environment variable read, with its default). Anything else is ``UNKNOWN``.
"""
from __future__ import annotations

import ast
import contextlib
import gc
import io
import posixpath
import tokenize
import warnings
from dataclasses import dataclass, field

from ...scan import SourceTree


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
MAX_DEPTH = 60
MAX_TEXT = 10_000  # longer strings built from parts are not values anyone configures


class PathValue(str):
    """A path (``pathlib.Path(...)``, ``os.path.join(...)``); a ``str`` so string rules apply to it."""


class ProjectPath(PathValue):
    """A path built from ``__file__``: relative to the project root ("." is the root)."""


@dataclass(frozen=True)
class EnvRead:
    """An environment variable read: ``os.environ.get(name, default)`` and its kin."""

    name: str
    default: object = None
    required: bool = False
    via: str | None = None  # the wrapper function it was read through


def concrete(value: object) -> object:
    """The value an env read stands for when the variable is unset (its default), else the value itself."""
    for _ in range(MAX_DEPTH):
        if not isinstance(value, EnvRead):
            return value
        value = value.default
    return UNKNOWN


# -- env read calls -----------------------------------------------------------------------------

_OS_ENV_CALLS = {"os.environ.get", "os.getenv", "os.environ.setdefault", "environ.get", "getenv",
                 "os.environb.get", "posix.getenv"}
# decouple's config(), environs' / django-environ's env() and env.str(...): the name must look like one
_LOOSE_ENV_CALLS = {"config", "decouple.config", "env", "env.str", "env.int", "env.bool", "env.url", "env.db_url",
                    "env.float", "env.list", "env.json", "env.path", "env.db", "env.cache_url", "env.email_url"}


def _is_env_name(name: object, loose: bool) -> bool:
    if not isinstance(name, str) or not name or len(name) > 200:
        return False
    if not (name.isascii() and name.isidentifier()):  # the same rule, spelled out for non-ASCII names
        if not (name[0].isalpha() or name[0] == "_") or not all(c.isalnum() or c == "_" for c in name):
            return False
    return not loose or name == name.upper()


def _arg(call: ast.Call, index: int, keyword: str | None) -> ast.expr | None:
    """The argument given by `keyword`, else the one at `index` (None past a ``*args``)."""
    if keyword:
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
    args = call.args
    if index >= len(args):
        return None
    for arg in args[:index + 1]:
        if arg.__class__ is ast.Starred:
            return None
    return args[index]


# -- scopes ------------------------------------------------------------------------------------

@dataclass
class Scope:
    """A function's parameters and the values assigned to its local names."""

    node: ast.AST
    parent: "Scope | None"
    params: list[str] = field(default_factory=list)
    assigns: dict[str, list[ast.expr | None]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    values: dict[str, object] = field(default_factory=dict)  # names already resolved


def _bind(assigns: dict[str, list[ast.expr | None]], target: ast.AST, value: ast.expr | None) -> None:
    kind = target.__class__
    if kind is ast.Name:
        assigns.setdefault(target.id, []).append(value)
    elif kind is ast.Tuple or kind is ast.List:
        for elt in target.elts:
            _bind(assigns, elt.value if elt.__class__ is ast.Starred else elt, None)


_FUNCTION_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda})


def _bind_assign(node: ast.Assign, assigns: dict) -> None:
    for target in node.targets:
        _bind(assigns, target, node.value if target.__class__ is ast.Name else None)


def _bind_ann_assign(node: ast.AnnAssign, assigns: dict) -> None:
    if node.value is not None or node.target.__class__ is not ast.Name:
        _bind(assigns, node.target, node.value)


def _bind_target(node: ast.AugAssign | ast.For | ast.AsyncFor | ast.comprehension, assigns: dict) -> None:
    _bind(assigns, node.target, None)


def _bind_withitem(node: ast.withitem, assigns: dict) -> None:
    if node.optional_vars is not None:
        _bind(assigns, node.optional_vars, None)


def _bind_named(node: ast.NamedExpr, assigns: dict) -> None:
    _bind(assigns, node.target, node.value)


def _bind_handler(node: ast.ExceptHandler, assigns: dict) -> None:
    if node.name:
        assigns.setdefault(node.name, []).append(None)


def _bind_import(node: ast.Import | ast.ImportFrom, assigns: dict) -> None:
    for alias in node.names:
        if alias.name != "*":
            assigns.setdefault(alias.asname or alias.name.split(".")[0], []).append(None)


# the node types that bind names, and how (looked up by exact type: most nodes bind nothing)
_BINDERS = {ast.Assign: _bind_assign, ast.AnnAssign: _bind_ann_assign, ast.AugAssign: _bind_target,
            ast.For: _bind_target, ast.AsyncFor: _bind_target, ast.withitem: _bind_withitem,
            ast.NamedExpr: _bind_named, ast.comprehension: _bind_target, ast.ExceptHandler: _bind_handler,
            ast.Import: _bind_import, ast.ImportFrom: _bind_import}
_BINDING_TYPES = frozenset(_BINDERS)


def _bindings(node: ast.AST, assigns: dict[str, list[ast.expr | None]]) -> None:
    """Record the names `node` (one statement or expression) binds."""
    binder = _BINDERS.get(node.__class__)
    if binder is not None:
        binder(node, assigns)


# Contexts and operators (Load, Store, Add, Eq, ...): children of almost every expression, never a fact
_MARKERS = frozenset(t for base in (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
                     for t in base.__subclasses__())
# the field types of the grammar that never hold a node worth visiting (names, literals, markers)
_LEAF_FIELD_TYPES = frozenset({"identifier", "string", "constant", "int", "expr_context", "operator", "boolop",
                               "unaryop", "cmpop"})
# node type -> its fields that hold nodes, last first: ((name, is a list), ...); None when unknown
_CHILD_FIELDS: dict[type, tuple[tuple[str, bool], ...] | None] = {}


def _child_fields(kind: type) -> tuple[tuple[str, bool], ...] | None:
    """The fields of a node type that hold child nodes, last first, read once per type from the grammar line
    ``ast`` documents each type with (``Call(expr func, expr* args, keyword* keywords)``); None when that
    line isn't there as expected (the generic ``children_reversed`` is used then)."""
    doc = kind.__doc__ or ""
    head, sep, rest = doc.partition("(")
    fields = getattr(kind, "_fields", ())
    found: list[tuple[str, bool]] | None = []
    if not sep or head.strip() != kind.__name__:
        found = [] if not fields and head.strip() == kind.__name__ else None
    else:
        for part in rest.partition(")")[0].split(","):
            typ, _, name = part.strip().rpartition(" ")
            if name not in fields:
                found = None
                break
            if typ.rstrip("*?") not in _LEAF_FIELD_TYPES:
                found.append((name, typ.endswith("*")))
    spec = tuple(reversed(found)) if found is not None else None
    _CHILD_FIELDS[kind] = spec
    return spec


def children_reversed(node: ast.AST) -> list[ast.AST]:
    """The node's children, last first (for a stack that visits them in source order), without the
    context and operator markers: ``reversed(list(ast.iter_child_nodes(node)))`` less the generator's cost."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            found.extend(x for x in value if isinstance(x, ast.AST) and type(x) not in _MARKERS)
        elif isinstance(value, ast.AST) and type(value) not in _MARKERS:
            found.append(value)
    found.reverse()
    return found


def walk(node: ast.AST) -> list[ast.AST]:
    """Every node under ``node`` (itself first), in source order."""
    out: list[ast.AST] = []
    stack = [node]
    specs = _CHILD_FIELDS
    while stack:
        current = stack.pop()
        if current is None:
            continue
        out.append(current)
        kind = current.__class__
        spec = specs[kind] if kind in specs else _child_fields(kind)
        if spec is None:
            stack.extend(children_reversed(current))
            continue
        for name, many in spec:
            value = getattr(current, name, None)
            if many:
                if value:
                    stack.extend(value[::-1])
            elif value is not None:
                stack.append(value)
    return out


# the node types the index looks at more closely: scopes, classes, bindings
_SPECIAL_TYPES = _FUNCTION_TYPES | _BINDING_TYPES | {ast.ClassDef, ast.Global, ast.Nonlocal}
# the node types kept in Module.nodes, the ones a fact can start from (a Constant only when it is a string)
KEPT_TYPES = frozenset({ast.Call, ast.Subscript, ast.BoolOp, ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign,
                        ast.AnnAssign, ast.Dict, ast.Constant, ast.List, ast.Tuple, ast.JoinedStr, ast.BinOp,
                        ast.Import, ast.ImportFrom})


# -- modules -----------------------------------------------------------------------------------

class Module:
    """One parsed file: its ast (or, when it does not parse, its tokens), names, imports and functions."""

    def __init__(self, project: "Project", rel: str, text: str | None):
        self.project = project
        self.rel = rel
        self.tree: ast.Module | None = None
        self.error: str | None = None
        self.tokens: list[tokenize.TokenInfo] = []
        self.assigns: dict[str, list[ast.expr | None]] = {}
        self.lines: dict[str, int] = {}
        self.aliases: dict[str, str] = {}      # local name -> dotted name it was imported as
        self.imports: dict[str, tuple[str, str | None]] = {}  # local name -> (module rel, attribute or None)
        self.stars: list[str] = []
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.nodes: list[tuple[ast.AST, Scope | None]] = []
        self.scopes: dict[ast.AST, Scope] = {}
        self._values: dict[str, object] = {}
        self._resolving: set[str] = set()
        self._wrappers: dict[str, tuple | None] = {}
        self._env_calls: dict[int, tuple[Scope | None, EnvRead | None]] = {}  # id(call) -> (scope, read)
        if text is None:
            self.error = "unreadable"
            return
        try:
            if project.quiet:  # warnings are silenced already
                self.tree = ast.parse(text, filename=rel)
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # invalid escape sequences and the like in old code
                    self.tree = ast.parse(text, filename=rel)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            self.error = type(exc).__name__
            self.tokens = _tokens(text)
            return
        try:
            self._index()
        except RecursionError:  # absurdly deep nesting: keep what was indexed
            pass

    # the module's names, in one pass over the tree
    def _index(self) -> None:
        """One pass over the tree, in source order: names, scopes, imports, and the nodes a fact can start
        from (``nodes``, with their function scope). The context (enclosing function scope, in a class body
        outside any function) changes at functions and classes; a (scope, in_class) tuple on the stack puts
        the outer one back once their insides are done."""
        assert self.tree is not None
        nodes = self.nodes
        kept = KEPT_TYPES
        specs = _CHILD_FIELDS
        binders = _BINDERS
        special = _SPECIAL_TYPES
        scope: Scope | None = None
        in_class = False
        stack: list = [self.tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            node = pop()
            kind = node.__class__
            if kind is tuple:  # leaving a function or class
                scope, in_class = node
                continue
            if node is None:  # a dict's ** entry, a keyword-only parameter without a default
                continue
            if kind in kept and (kind is not ast.Constant or node.value.__class__ is str):
                nodes.append((node, scope))
            if kind in special:
                module_level = scope is None and not in_class
                if kind in _FUNCTION_TYPES:
                    inner = Scope(node, scope)
                    args = node.args
                    inner.params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
                    inner.params += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
                    self.scopes[node] = inner
                    if kind is not ast.Lambda:
                        if scope is not None:
                            scope.assigns.setdefault(node.name, []).append(None)
                        elif module_level:
                            self.assigns.setdefault(node.name, []).append(None)
                            self.functions.setdefault(node.name, node)
                            self.lines.setdefault(node.name, node.lineno)
                    # defaults and decorators belong to the enclosing scope: visited after the body
                    extend(args.defaults)
                    extend([d for d in args.kw_defaults if d is not None])
                    extend(getattr(node, "decorator_list", ()))
                    push((scope, in_class))
                    body = node.body
                    if body.__class__ is list:
                        extend(body[::-1])
                    else:
                        push(body)
                    scope, in_class = inner, False
                    continue
                if kind is ast.ClassDef:
                    if module_level:
                        self.classes.setdefault(node.name, node)
                        self.assigns.setdefault(node.name, []).append(None)
                    elif scope is not None:
                        scope.assigns.setdefault(node.name, []).append(None)
                    push((scope, in_class))
                    extend(children_reversed(node))
                    in_class = scope is None
                    continue
                if kind is ast.Global or kind is ast.Nonlocal:
                    if scope is not None:
                        scope.globals.update(node.names)
                else:
                    if module_level and (kind is ast.Assign or kind is ast.AnnAssign):
                        for target in (node.targets if kind is ast.Assign else [node.target]):
                            if target.__class__ is ast.Name:
                                self.lines.setdefault(target.id, node.lineno)
                    if kind is ast.Import or kind is ast.ImportFrom:
                        self._import(node)
                    if scope is not None:
                        binders[kind](node, scope.assigns)
                    elif module_level:
                        binders[kind](node, self.assigns)
            spec = specs[kind] if kind in specs else _child_fields(kind)
            if spec is None:
                extend(children_reversed(node))
                continue
            for name, many in spec:
                value = getattr(node, name, None)
                if many:
                    if value:
                        extend(value[::-1])
                elif value is not None:
                    push(value)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                self.aliases[local] = alias.name if alias.asname else local
                rel = self.project.find_module(alias.name if alias.asname else local, self.rel, 0)
                if rel:
                    self.imports[local] = (rel, None)
            return
        base = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                rel = self.project.find_module(base, self.rel, node.level)
                if rel:
                    self.stars.append(rel)
                continue
            local = alias.asname or alias.name
            if not node.level:
                self.aliases[local] = f"{base}.{alias.name}" if base else alias.name
            sub = self.project.find_module(f"{base}.{alias.name}" if base else alias.name, self.rel, node.level)
            if sub:
                self.imports[local] = (sub, None)
                continue
            rel = self.project.find_module(base, self.rel, node.level) if base or node.level else None
            if rel:
                self.imports[local] = (rel, alias.name)

    # -- names ---------------------------------------------------------------------------------
    def dotted(self, node: ast.AST) -> str | None:
        """``os.path.join`` for an attribute chain, its first name expanded through ``import ... as``."""
        kind = node.__class__
        if kind is ast.Name:  # the common case: a plain name
            return self.aliases.get(node.id, node.id)
        parts = []
        while kind is ast.Attribute:
            parts.append(node.attr)
            node = node.value
            kind = node.__class__
        if kind is not ast.Name:
            return None
        parts.append(self.aliases.get(node.id, node.id))
        return ".".join(reversed(parts))

    def aliases_root(self) -> set[str]:
        """The top-level packages this module imports."""
        return {dotted.split(".", 1)[0] for dotted in self.aliases.values()}

    def flask_instance_path(self) -> ProjectPath:
        """Flask's default instance folder for an app made in this module, when the code runs from the
        project (not installed): ``instance/`` beside the module's top-level package, or beside the module."""
        folder = posixpath.dirname(self.rel)
        tree = self.project.tree
        while folder and tree.exists(posixpath.join(folder, "__init__.py")):
            folder = posixpath.dirname(folder)
        return ProjectPath(posixpath.join(folder, "instance") if folder else "instance")

    def value_of(self, name: str, depth: int = 0) -> object:
        """The module-level value of `name` (the first assignment), following imports."""
        if name in self._values:
            return self._values[name]
        if name in self._resolving or depth > MAX_DEPTH:
            return UNKNOWN
        self._resolving.add(name)
        try:
            value: object = UNKNOWN
            if name == "__file__":
                value = ProjectPath(self.rel)
            elif name in self.assigns:
                first = self.assigns[name][0]
                if first is not None:
                    value = self.evaluate(first, None, depth + 1)
                elif name in self.imports:
                    value = self._imported(name, depth)
            elif name in self.imports:
                value = self._imported(name, depth)
            else:
                for rel in self.stars:
                    other = self.project.module(rel)
                    if other is not self and (name in other.assigns or name in other.imports):
                        value = other.value_of(name, depth + 1)
                        break
        finally:
            self._resolving.discard(name)
        self._values[name] = value
        return value

    def _imported(self, name: str, depth: int) -> object:
        rel, attr = self.imports[name]
        if attr is None:
            return ModuleRef(rel)
        other = self.project.module(rel)
        return other.value_of(attr, depth + 1) if other is not self else UNKNOWN

    def lookup(self, name: str, scope: Scope | None, depth: int) -> object:
        while scope is not None:
            if name in scope.globals:
                break
            if name in scope.params:
                return UNKNOWN
            if name in scope.assigns:
                if name in scope.values:
                    return scope.values[name]
                scope.values[name] = UNKNOWN  # while resolving: a self-reference is unknown
                values = scope.assigns[name]
                if len(values) == 1 and values[0] is not None:
                    scope.values[name] = self.evaluate(values[0], scope, depth + 1)
                return scope.values[name]
            scope = scope.parent
        return self.value_of(name, depth + 1)

    # -- values --------------------------------------------------------------------------------
    def evaluate(self, node: ast.AST | None, scope: Scope | None, depth: int = 0) -> object:
        if node is None or depth > MAX_DEPTH:
            return UNKNOWN
        try:
            return self._evaluate(node, scope, depth)
        except (RecursionError, ValueError, TypeError, OverflowError, ZeroDivisionError):
            return UNKNOWN

    def _evaluate(self, node: ast.AST, scope: Scope | None, depth: int) -> object:
        handler = _EVALUATORS.get(node.__class__)
        return handler(self, node, scope, depth) if handler is not None else UNKNOWN

    def _constant(self, node: ast.Constant, scope: Scope | None, depth: int) -> object:
        return node.value if isinstance(node.value, (str, int, float, bool, type(None))) else UNKNOWN

    def _name(self, node: ast.Name, scope: Scope | None, depth: int) -> object:
        return self.lookup(node.id, scope, depth)

    def _joined(self, node: ast.JoinedStr, scope: Scope | None, depth: int) -> object:
        parts = []
        for part in node.values:
            formatted = isinstance(part, ast.FormattedValue)
            value = concrete(self.evaluate(part.value, scope, depth + 1)) if formatted else \
                self.evaluate(part, scope, depth + 1)
            if not isinstance(value, (str, int, float)) or (formatted and part.format_spec is not None):
                return UNKNOWN
            parts.append(str(value))
        text = "".join(parts)
        return text if len(text) <= MAX_TEXT else UNKNOWN

    def _binary(self, node: ast.BinOp, scope: Scope | None, depth: int) -> object:
        return _binop(node.op, self.evaluate(node.left, scope, depth + 1), self.evaluate(node.right, scope, depth + 1))

    def _boolop(self, node: ast.BoolOp, scope: Scope | None, depth: int) -> object:
        if not isinstance(node.op, ast.Or):
            return UNKNOWN
        values = [self.evaluate(v, scope, depth + 1) for v in node.values]
        first = values[0]
        if isinstance(first, EnvRead) and first.default in (None, ""):
            rest = next((v for v in values[1:] if v is not UNKNOWN), UNKNOWN)
            return EnvRead(first.name, rest, False, first.via) if rest is not UNKNOWN else first
        return next((v for v in values if v is not UNKNOWN and v), UNKNOWN) if first is not UNKNOWN else UNKNOWN

    def _sequence(self, node: ast.List | ast.Tuple, scope: Scope | None, depth: int) -> object:
        if len(node.elts) > 50:
            return UNKNOWN
        items = [self.evaluate(e, scope, depth + 1) for e in node.elts]
        return UNKNOWN if any(i is UNKNOWN for i in items) else items

    def _subscript(self, node: ast.Subscript, scope: Scope | None, depth: int) -> object:
        env = self.env_subscript(node, scope, depth)
        return env if env is not None else UNKNOWN

    def _attribute(self, node: ast.Attribute, scope: Scope | None, depth: int) -> object:
        base = self.evaluate(node.value, scope, depth + 1)
        if isinstance(base, ModuleRef):
            other = self.project.module(base.rel)
            return other.value_of(node.attr, depth + 1) if other is not self else UNKNOWN
        if isinstance(base, SettingsRef):
            return base.attribute(node.attr, depth)
        if isinstance(base, PathValue) and node.attr == "parent":
            return _parent(base)
        if isinstance(base, PathValue) and node.attr in ("name", "stem"):
            name = posixpath.basename(base)
            return name if node.attr == "name" else posixpath.splitext(name)[0]
        if node.attr == "instance_path" and base is UNKNOWN and "flask" in self.aliases_root():
            return self.flask_instance_path()
        return UNKNOWN

    def _call(self, node: ast.Call, scope: Scope | None, depth: int) -> object:
        ev = lambda n: self.evaluate(n, scope, depth + 1)  # noqa: E731
        env = self.env_call(node, scope, depth)
        if env is not None:
            return env
        func = node.func
        target = self.definition(func)
        if target is not None:
            owner, found = target
            if isinstance(found, ast.ClassDef):
                return SettingsRef(owner, found) if is_settings(owner, found) else UNKNOWN
            if not node.args and not node.keywords and not found.args.args and not found.args.posonlyargs \
                    and found.body and isinstance(found.body[-1], ast.Return):  # def get_settings(): return S()
                return owner.evaluate(found.body[-1].value, owner.scopes.get(found), depth + 1)
            return UNKNOWN
        name = self.dotted(func) or ""
        args = [ev(a) for a in node.args] if not any(isinstance(a, ast.Starred) for a in node.args) else None
        if name in ("os.path.join", "posixpath.join") and args:
            parts = [concrete(a) for a in args]
            if all(isinstance(p, str) for p in parts):
                return _join(parts)  # type: ignore[arg-type]
            return UNKNOWN
        if name.endswith(("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath")) or name in ("Path", "PurePath"):
            if args is None:
                return UNKNOWN
            if not args:
                return ProjectPath(".")
            parts = [concrete(a) for a in args]
            if all(isinstance(p, str) for p in parts):
                return _join(parts)  # type: ignore[arg-type]
            return UNKNOWN
        if name in ("os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.expanduser", "str",
                    "os.fspath", "int", "float") and args and len(args) == 1:
            value = args[0]
            if name in ("int", "float"):
                if isinstance(value, EnvRead):
                    return value
                try:
                    return int(value) if name == "int" else float(value)  # type: ignore[arg-type]
                except (TypeError, ValueError):
                    return UNKNOWN
            if isinstance(value, EnvRead) or isinstance(value, PathValue):
                return value
            if isinstance(value, str):
                return PathValue(value) if name.startswith("os.") else value
            return UNKNOWN if name != "str" or value is UNKNOWN else str(value)
        if name in ("os.path.dirname",) and args and len(args) == 1:
            value = concrete(args[0])
            return _parent(value) if isinstance(value, str) else UNKNOWN
        if name in ("os.getcwd", "pathlib.Path.cwd", "Path.cwd"):
            return ProjectPath(".")
        if isinstance(func, ast.Attribute) and func.attr in ("resolve", "absolute", "expanduser", "joinpath") \
                and args is not None:
            base = ev(func.value)
            if isinstance(base, PathValue):
                if func.attr == "joinpath":
                    parts = [concrete(a) for a in args]
                    return _join([base, *parts]) if all(isinstance(p, str) for p in parts) else UNKNOWN
                return base
        if isinstance(func, ast.Attribute) and func.attr in ("lower", "upper", "strip") and not node.args:
            base = ev(func.value)
            if isinstance(base, str):
                return getattr(base, func.attr)()
        return UNKNOWN

    def definition(self, func: ast.AST) -> tuple["Module", ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef] | None:
        """The module-level class or function a name (or module.name) refers to, here or in an imported module."""
        owner: Module | None = None
        name = None
        if isinstance(func, ast.Name):
            if func.id in self.functions or func.id in self.classes:
                owner, name = self, func.id
            elif func.id in self.imports and self.imports[func.id][1]:
                owner, name = self.project.module(self.imports[func.id][0]), self.imports[func.id][1]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in self.imports:
            rel, attr = self.imports[func.value.id]
            if attr is None:
                owner, name = self.project.module(rel), func.attr
        if owner is None or name is None:
            return None
        found = owner.classes.get(name) or owner.functions.get(name)
        return (owner, found) if found is not None else None

    # -- env reads -----------------------------------------------------------------------------
    def env_subscript(self, node: ast.Subscript, scope: Scope | None, depth: int) -> EnvRead | None:
        """``os.environ["NAME"]`` read (not assigned)."""
        if not isinstance(node.ctx, ast.Load):
            return None
        base = self.dotted(node.value) or ""
        if base not in ("os.environ", "environ") and not base.endswith(".environ"):
            return None
        name = self.evaluate(node.slice, scope, depth + 1)
        return EnvRead(name, None, True) if _is_env_name(name, False) else None

    def env_call(self, node: ast.Call, scope: Scope | None, depth: int = 0) -> EnvRead | None:
        """An env read: os.environ.get / os.getenv / config / env(...), or a call of a wrapper around one.
        A call asked about from the top (depth 0: a fact's own call, an assignment's value) is read once."""
        if depth:
            return self._env_call(node, scope, depth)
        known = self._env_calls.get(id(node))
        if known is not None and known[0] is scope:
            return known[1]
        found = self._env_call(node, scope, 0)
        self._env_calls[id(node)] = (scope, found)
        return found

    def _env_call(self, node: ast.Call, scope: Scope | None, depth: int) -> EnvRead | None:
        name = self.dotted(node.func)
        if name is None:
            return None
        loose = name in _LOOSE_ENV_CALLS
        if name in _OS_ENV_CALLS or loose or name.endswith(".environ.get"):
            key = self.evaluate(_arg(node, 0, "key"), scope, depth + 1)
            if not _is_env_name(key, loose):
                return None
            default_node = _arg(node, 1, "default")
            default = self.evaluate(default_node, scope, depth + 1) if default_node is not None else None
            return EnvRead(key, None if default is UNKNOWN else default)  # type: ignore[arg-type]
        wrapper = self.project.wrapper(self, node.func)
        if wrapper is None:
            return None
        owner, func, name_at, default_at = wrapper
        key = self.evaluate(_arg(node, *name_at), scope, depth + 1)
        if not _is_env_name(key, False):
            return None
        default: object = None
        if default_at is not None:
            given = _arg(node, *default_at)
            if given is not None:
                default = self.evaluate(given, scope, depth + 1)
            else:
                default = owner.param_default(func, default_at[1])
        return EnvRead(key, None if default is UNKNOWN else default, False, func.name)  # type: ignore[arg-type]

    def param_default(self, func: ast.FunctionDef | ast.AsyncFunctionDef, param: str | None) -> object:
        args = func.args
        positional = args.posonlyargs + args.args
        for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            if arg.arg == param:
                return self.evaluate(default, None, 1)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            if arg.arg == param and default is not None:
                return self.evaluate(default, None, 1)
        return None

    def wrapper_spec(self, fname: str) -> tuple | None:
        """For a module-level function that returns an env read of one of its parameters:
        (function, (index, keyword) of the name parameter, (index, keyword) of the default parameter or None)."""
        if fname in self._wrappers:
            return self._wrappers[fname]
        self._wrappers[fname] = None
        func = self.functions.get(fname)
        if func is None:
            return None
        scope = self.scopes.get(func)
        params = [a.arg for a in func.args.posonlyargs + func.args.args]
        if params[:1] in (["self"], ["cls"]):
            return None
        allp = params + [a.arg for a in func.args.kwonlyargs]
        spec = None
        for node in walk(func):
            if isinstance(node, ast.Call):
                fname_called = self.dotted(node.func) or ""
                if fname_called in _OS_ENV_CALLS or fname_called.endswith(".environ.get") or \
                        fname_called in _LOOSE_ENV_CALLS:
                    key, default_node = _arg(node, 0, "key"), _arg(node, 1, "default")
                else:  # a wrapper of a wrapper: int(env_str(name, default))
                    inner = self.project.wrapper(self, node.func)
                    if inner is None:
                        continue
                    key = _arg(node, *inner[2])
                    default_node = _arg(node, *inner[3]) if inner[3] is not None else None
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and \
                    (self.dotted(node.value) or "").endswith("environ"):
                key, default_node = node.slice, None
            else:
                continue
            if not (isinstance(key, ast.Name) and key.id in allp) or (scope and len(scope.assigns.get(key.id, [])) > 0):
                continue
            default_param = _param_in(default_node, allp, key.id)
            if default_param is None:  # os.environ.get(name) or default / if value is None: return default
                default_param = next((p for p in allp if p != key.id and p.lower() in
                                      ("default", "fallback", "default_value", "dflt", "value", "otherwise")), None)
                if default_param is None:
                    default_param = _or_default(func, allp, key.id)
            spec = (func, _position(func, key.id),
                    _position(func, default_param) if default_param is not None else None)
            break
        self._wrappers[fname] = spec
        return spec


# how each kind of expression evaluates (any other kind is UNKNOWN)
_EVALUATORS = {ast.Constant: Module._constant, ast.Name: Module._name, ast.JoinedStr: Module._joined,
               ast.BinOp: Module._binary, ast.BoolOp: Module._boolop, ast.List: Module._sequence,
               ast.Tuple: Module._sequence, ast.Subscript: Module._subscript, ast.Attribute: Module._attribute,
               ast.Call: Module._call}


def _param_in(node: ast.AST | None, params: list[str], skip: str) -> str | None:
    if node is None:
        return None
    for sub in walk(node):
        if isinstance(sub, ast.Name) and sub.id in params and sub.id != skip:
            return sub.id
    return None


def _or_default(func: ast.AST, params: list[str], skip: str) -> str | None:
    for node in walk(func):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            for value in node.values[1:]:
                found = _param_in(value, params, skip)
                if found:
                    return found
    return None


def _position(func: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> tuple[int, str | None]:
    positional = [a.arg for a in func.args.posonlyargs + func.args.args]
    if param in positional:
        return positional.index(param), param if param not in [a.arg for a in func.args.posonlyargs] else None
    return 10_000, param


@dataclass(frozen=True)
class ModuleRef:
    rel: str


# -- pydantic BaseSettings ---------------------------------------------------------------------

def is_settings(mod: Module, cls: ast.ClassDef, depth: int = 0) -> bool:
    """A subclass of pydantic's BaseSettings (directly or through the package's own classes)."""
    return any((mod.dotted(base) or "").endswith("BaseSettings") for base in cls.bases) or \
        any(is_settings(owner, parent, depth + 1) for owner, parent in _bases(mod, cls, depth))


def _bases(mod: Module, cls: ast.ClassDef, depth: int) -> list[tuple[Module, ast.ClassDef]]:
    if depth > 10:
        return []
    found = []
    for base in cls.bases:
        target = mod.definition(base)
        if target is not None and isinstance(target[1], ast.ClassDef) and target[1] is not cls:
            found.append(target)  # type: ignore[arg-type]
    return found


def settings_prefix(mod: Module, cls: ast.ClassDef, depth: int = 0) -> str:
    """env_prefix from class keywords, model_config = SettingsConfigDict(...) / {...}, or class Config;
    else the first base class's."""
    value = settings_option(mod, cls, "env_prefix", depth)
    return value if isinstance(value, str) else ""


def settings_option(mod: Module, cls: ast.ClassDef, option: str, depth: int = 0) -> object:
    """A settings option (``env_prefix``, ``case_sensitive``) from class keywords, model_config =
    SettingsConfigDict(...) / {...}, or class Config; else the first base class's; None when unset."""
    def text(node: ast.AST) -> object:
        value = concrete(mod.evaluate(node, None))
        return value if isinstance(value, (str, bool)) else None

    for kw in cls.keywords:
        if kw.arg == option:
            return text(kw.value)
    for stmt in cls.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for inner in stmt.body:
                if isinstance(inner, (ast.Assign, ast.AnnAssign)) and inner.value is not None and any(
                        isinstance(t, ast.Name) and t.id == option
                        for t in (inner.targets if isinstance(inner, ast.Assign) else [inner.target])):
                    return text(inner.value)
        target = stmt.target if isinstance(stmt, ast.AnnAssign) else \
            stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == "model_config" and stmt.value is not None:
            config = stmt.value
            pairs = [(kw.arg, kw.value) for kw in config.keywords] if isinstance(config, ast.Call) else \
                [(k.value if isinstance(k, ast.Constant) else None, v) for k, v in zip(config.keys, config.values)] \
                if isinstance(config, ast.Dict) else []
            for key, value in pairs:
                if key == option:
                    return text(value)
    for owner, parent in _bases(mod, cls, depth):
        return settings_option(owner, parent, option, depth + 1)
    return None


def settings_fields(mod: Module, cls: ast.ClassDef) -> list[tuple[str, str, ast.expr | None, int]]:
    """(field, env var name, default expression, line) of each field the class declares."""
    prefix = settings_prefix(mod, cls)
    upper = settings_option(mod, cls, "case_sensitive") is not True  # pydantic matches names case-insensitively
    fields = []
    for stmt in cls.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        name = stmt.target.id
        annotation = stmt.annotation
        while isinstance(annotation, ast.Subscript):
            annotation = annotation.value
        if name == "model_config" or name.startswith("_") or \
                (mod.dotted(annotation) or "").rsplit(".", 1)[-1] == "ClassVar":
            continue
        env_name = (prefix + name).upper() if upper else prefix + name
        default = stmt.value
        if isinstance(default, ast.Call) and (mod.dotted(default.func) or "").endswith("Field"):
            for kw in default.keywords:
                if kw.arg in ("env", "validation_alias", "alias"):
                    alias = concrete(mod.evaluate(kw.value, None))
                    if isinstance(alias, str) and alias:
                        env_name = alias.upper() if upper else alias
            default = _arg(default, 0, "default")
        fields.append((name, env_name, default, stmt.lineno))
    return fields


@dataclass(frozen=True)
class SettingsRef:
    """An instance of a BaseSettings class: its attributes are env reads."""

    mod: Module
    cls: ast.ClassDef

    def attribute(self, name: str, depth: int) -> object:
        todo = [(self.mod, self.cls)]
        for _ in range(10):
            if not todo:
                break
            mod, cls = todo.pop(0)
            for field_name, env_name, default, _line in settings_fields(mod, cls):
                if field_name == name:
                    value = mod.evaluate(default, None, depth + 1) if default is not None else None
                    return EnvRead(env_name, None if value is UNKNOWN else value)
            todo.extend(_bases(mod, cls, 0))
        return UNKNOWN


def _join(parts: list[str]) -> PathValue:
    anchored = isinstance(parts[0], ProjectPath)
    path = parts[0]
    for part in parts[1:]:
        path = posixpath.join(path, part)
    if len(path) > MAX_TEXT:
        raise ValueError("not a path anyone configures")
    if anchored and not path.startswith("/"):
        normal = posixpath.normpath(path)
        return ProjectPath(normal) if not normal.startswith("..") else PathValue(path)
    return PathValue(path)


def _parent(path: str) -> object:
    if isinstance(path, ProjectPath) and not path.startswith("/"):
        if path in ("", "."):
            return UNKNOWN  # above the project
        return ProjectPath(posixpath.dirname(path) or ".")
    return PathValue(posixpath.dirname(path.rstrip("/")) or ("/" if path.startswith("/") else "."))


def _binop(op: ast.operator, left: object, right: object) -> object:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if isinstance(op, ast.Div) and isinstance(left, PathValue):
        right = concrete(right)
        return _join([left, right]) if isinstance(right, str) else UNKNOWN
    left, right = concrete(left), concrete(right)
    if isinstance(op, ast.Add) and isinstance(left, str) and isinstance(right, str):
        return left + right if len(left) + len(right) <= MAX_TEXT else UNKNOWN
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers) and not isinstance(left, bool) \
            and not isinstance(right, bool):
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult) and abs(left) < 1e9 and abs(right) < 1e9:
            return left * right
    return UNKNOWN


# A file that doesn't parse is read by its tokens, a best effort in pure Python: only its first part.
TOKEN_READ = 64 * 1024


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    """The tokens of a file that does not parse (as far as tokenize gets, in its first TOKEN_READ characters)."""
    found: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text[:TOKEN_READ]).readline):
            if tok.type in (tokenize.NAME, tokenize.STRING, tokenize.NUMBER, tokenize.OP):
                found.append(tok)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return found


# -- the project --------------------------------------------------------------------------------

class Project:
    """The parsed modules of one SourceTree."""

    def __init__(self, tree: SourceTree):
        self.tree = tree
        self.modules: dict[str, Module] = {}
        self._found: dict[tuple[str, str, int], list[str]] = {}
        self.quiet = False  # warnings are silenced while load() parses

    def module(self, rel: str) -> Module:
        found = self.modules.get(rel)
        if found is None:
            self.modules[rel] = _PLACEHOLDER  # an import cycle while indexing sees an empty module
            found = self.modules[rel] = Module(self, rel, self.tree.read(rel))
        return found

    def load(self, rels: list[str]) -> None:
        """Parse the files of `rels` not parsed yet, with warnings (invalid escape sequences in old code and
        the like) silenced once for all of them rather than once a file."""
        todo = [rel for rel in rels if rel not in self.modules]
        if not todo:
            return
        with batch(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.quiet = True
            try:
                for rel in todo:
                    self.module(rel)
            finally:
                self.quiet = False

    def find_module(self, dotted: str, importer: str, level: int) -> str | None:
        """The file a module name refers to, from `importer`: relative imports from its package, absolute
        ones from the root, from `src/` and from the importer's own folder (scripts run from there)."""
        here = posixpath.dirname(importer)
        key = (dotted, here, level)
        found = self._found.get(key)
        if found is None:  # the files it could be, from this folder, looked up once
            found = self._found[key] = self._candidates(dotted, here, level)
        return next((c for c in found if c != importer), None)

    def _candidates(self, dotted: str, here: str, level: int) -> list[str]:
        parts = [p for p in dotted.split(".") if p]
        if level:
            base = here
            for _ in range(level - 1):
                if not base:
                    return []
                base = posixpath.dirname(base)
            bases = [base]
        else:
            bases = ["", "src", here] if here else ["", "src"]
        found = []
        for base in bases:
            stem = posixpath.join(base, *parts) if parts else base
            for candidate in ((stem + ".py") if parts else None, posixpath.join(stem, "__init__.py")):
                if candidate and self.tree.exists(candidate):
                    found.append(candidate)
        return found

    def wrapper(self, mod: Module, func: ast.expr) -> tuple | None:
        """The wrapper spec (owner module, function, name at, default at) a call's function refers to."""
        owner, fname = None, None
        if isinstance(func, ast.Name):
            if func.id in mod.functions:
                owner, fname = mod, func.id
            elif func.id in mod.imports and mod.imports[func.id][1]:
                owner, fname = self.module(mod.imports[func.id][0]), mod.imports[func.id][1]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in mod.imports:
            rel, attr = mod.imports[func.value.id]
            if attr is None:
                owner, fname = self.module(rel), func.attr
        if owner is None or fname is None:
            return None
        spec = owner.wrapper_spec(fname)
        if spec is None:
            return None
        return (owner, *spec)


class _Empty(Module):
    def __init__(self) -> None:  # noqa: D401 - an empty stand-in
        self.project = None  # type: ignore[assignment]
        self.rel = ""
        self.tree = None
        self.error = "cycle"
        self.tokens = []
        self.assigns, self.lines, self.aliases, self.imports = {}, {}, {}, {}
        self.stars, self.functions, self.classes, self.nodes, self.scopes = [], {}, {}, [], {}
        self._values, self._resolving, self._wrappers, self._env_calls = {}, set(), {}, {}

    def value_of(self, name: str, depth: int = 0) -> object:
        return UNKNOWN


_PLACEHOLDER = _Empty()
_PROJECT_KEY = (__name__, "")  # where a tree keeps its Project, in SourceTree.facts


def project(tree: SourceTree) -> Project:
    """The tree's parsed modules (one Project a tree, kept with the tree for the run)."""
    found = tree.facts.get(_PROJECT_KEY)
    if found is None:
        found = tree.facts[_PROJECT_KEY] = Project(tree)
    return found  # type: ignore[return-value]


@contextlib.contextmanager
def batch():
    """Parse and read many files at once: their trees and indexes are millions of objects that live until the
    end of the run and hold no garbage cycles, so the cyclic garbage collector pauses while they are made
    (its young collections would walk each of them again), and they then join its oldest generation directly
    (gc.freeze() and gc.unfreeze(): no walk). Garbage cycles made meanwhile are collected later as usual."""
    if not gc.isenabled() or gc.get_freeze_count():  # paused already, or someone else's frozen objects
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def module(tree: SourceTree, rel: str) -> Module:
    """The parsed module `rel` of `tree` (parsed once per tree)."""
    return project(tree).module(rel)
