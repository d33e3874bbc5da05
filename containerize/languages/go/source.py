"""Facts read from Go source through tree-sitter parse trees.

Each file is parsed once (``SourceTree.parse``) and walked once: one query picks
the nodes (calls, declarations, if statements) and the code below reads their fields.
Names resolve to literal values across the files of a package: constants and
variables (``const listenPort = "9000"``, ``addr := ":" + listenPort``),
``fmt.Sprintf(":%d", port)``, ``net.JoinHostPort``, flag defaults, and env
reads, also through thin wrappers (``getenv("DB_HOST", "localhost")``).
"""
from __future__ import annotations

import ast
import bisect
import posixpath
from dataclasses import dataclass, field

from ... import syntax
from ...scan import SourceTree

GRAMMAR = "go"
MAX_DEPTH = 12

# One query per file: every node the facts below read, by capture name, in one walk of the tree (a walk
# costs about as much as the parse on a large file, so a file is never walked once per fact). GoFile.nodes
# keeps them for the other readers of a program (@spec, @short and @assign bind names, @literal is a
# `pkg.Type{...}` literal).
_NODES = """
(package_clause (package_identifier) @package)
(import_spec) @import
(source_file (function_declaration) @function)
(source_file (method_declaration) @function)
(comment) @comment
(const_spec) @spec
(var_spec) @spec
(short_var_declaration) @short
(call_expression) @call
(keyed_element) @keyed
(if_statement) @if
(selector_expression operand: (identifier) @operand) @selector
(qualified_type) @qualified
(assignment_statement) @assign
(composite_literal type: (qualified_type) body: (literal_value)) @literal
(field_declaration tag: (_)) @field
"""
_IDENTIFIERS = "(identifier) @id"

# calls that start a server (package.Func, the package being the import's last path element)
SERVE_CALLS = {"http.ListenAndServe", "http.ListenAndServeTLS", "http.Serve", "http.ServeTLS", "net.Listen",
               "tls.Listen", "gin.Default", "gin.New", "echo.New", "fiber.New", "grpc.NewServer"}
# package.Func -> index of the listen address argument
ADDRESS_ARGS = {"http.ListenAndServe": 0, "http.ListenAndServeTLS": 0, "net.Listen": 1, "tls.Listen": 1}
# framework methods that take the listen address: gin's Run, echo's Start, fiber's Listen
ADDRESS_METHODS = {"Run", "RunTLS", "Start", "StartTLS", "Listen", "ListenTLS"}
# net/http names that only a program serving HTTP uses
HTTP_SERVER_NAMES = {"http.ListenAndServe", "http.ListenAndServeTLS", "http.Serve", "http.ServeTLS", "http.Server",
                     "http.HandleFunc", "http.Handle", "http.NewServeMux", "http.ServeMux", "http.FileServer",
                     "http.ResponseWriter", "http.HandlerFunc", "http.Handler", "http.StripPrefix"}
ENV_CALLS = {"os.Getenv", "os.LookupEnv", "syscall.Getenv"}
VIPER_GETS = {"viper.GetString", "viper.GetInt", "viper.Get", "viper.GetUint", "viper.GetInt64", "viper.GetUint16",
              "viper.GetBool", "viper.GetDuration", "viper.GetFloat64", "viper.GetStringSlice"}
ROUTE_METHODS = {"HandleFunc", "Handle", "GET", "Get", "HEAD", "Head", "Any", "Path"}
# methods that mount routes under a prefix: gin/echo/fiber `Group("/api")`, gorilla `PathPrefix("/api")`,
# chi `Route("/api", func(r chi.Router) {...})`
GROUP_METHODS = {"Group", "PathPrefix", "Route", "Party"}
WRITE_METHODS = {"POST", "Post", "PUT", "Put", "PATCH", "Patch", "DELETE", "Delete"}
# package.Func -> (kind, index of the path argument)
PATH_CALLS = {"os.MkdirAll": ("dir", 0), "os.Mkdir": ("dir", 0), "os.WriteFile": ("file", 0),
              "os.Create": ("file", 0), "os.OpenFile": ("open", 0), "sql.Open": ("sqlite", 1),
              "gorm.Open": ("sqlite", 1), "sqlite.Open": ("file", 0), ".SaveUploadedFile": ("file", 1),
              "os.ReadFile": ("read", 0), "os.Open": ("read", 0)}
# calls that make a folder or write a file, whatever their path
WRITE_CALLS = {"os.MkdirAll", "os.Mkdir", "os.WriteFile", "os.Create", "os.OpenFile", "ioutil.WriteFile"}
# struct fields read, return statements and sums: the config keys a program reads as paths (Program.config_fields)
_FIELD_USES = """
(selector_expression field: (field_identifier) @field)
(return_statement) @return
(binary_expression operator: "+") @sum
"""
# gofiber's template engines (`django.New("./views", ".html")`) and fiber v3's static middleware take a folder
FIBER_FOLDERS = {"html.New", "django.New", "pug.New", "handlebars.New", "mustache.New", "ace.New", "amber.New",
                 "jet.New", "slim.New", "static.New"}
# folders walked or listed at run time (filepath.Walk("./templates", parse))
WALK_CALLS = {"filepath.Walk", "filepath.WalkDir", "os.ReadDir", "ioutil.ReadDir"}
ASSET_CALLS = {"http.Dir", "template.ParseGlob", "template.ParseFiles", "os.ReadFile", "os.Open",
               "os.DirFS", "filepath.Glob"} | FIBER_FOLDERS | WALK_CALLS
ASSET_METHODS = {"Static", "LoadHTMLGlob", "LoadHTMLFiles", "StaticFS", "File", "ParseGlob", "ParseFiles", "SendFile"}
# calls whose argument is a folder itself
FOLDER_CALLS = {"http.Dir", "os.DirFS", ".Static", ".StaticFS"} | FIBER_FOLDERS | WALK_CALLS
# configuration loaded from a file relative to the working directory (go-ini, BurntSushi/toml, viper)
CONFIG_CALLS = {"ini.Load": "file", "ini.LooseLoad": "file", "ini.InsensitiveLoad": "file", "ini.ShadowLoad": "file",
                "toml.DecodeFile": "file", "cleanenv.ReadConfig": "file", "config.LoadFile": "file"}
CONFIG_FILE_EXTENSIONS = (".json", ".yaml", ".yml", ".toml", ".ini")
CONFIG_METHODS = {"SetConfigFile": "file", "AddConfigPath": "dir", "SetConfigName": "name"}
TLS_CALLS = {"http.Get", "http.Post", "http.Head", "http.PostForm", "http.NewRequest",
             "http.NewRequestWithContext", "http.Client", "tls.Config"}
# pflag's methods (cobra's cmd.Flags()): name -> (index of the flag's name, index of its default)
PFLAG_METHODS = {m: (0, 1) for m in ("Int", "Uint", "Uint16", "String")} | {
    m: (0, 2) for m in ("IntP", "UintP", "Uint16P", "StringP")} | {
    m: (1, 2) for m in ("IntVar", "UintVar", "Uint16Var", "StringVar")} | {
    m: (1, 3) for m in ("IntVarP", "UintVarP", "Uint16VarP", "StringVarP")}
FLAG_CALLS = {"flag.String", "flag.Int", "flag.Uint", "flag.Int64", "flag.StringVar", "flag.IntVar"}


@dataclass
class Value:
    """What an expression evaluates to: its literal text when known, and the env var it reads."""

    text: str | None = None
    env: str | None = None


@dataclass
class Call:
    node: object
    name: str  # "pkg.Func" for a package function, ".Method" for a method, "func" for a local function
    args: list


@dataclass
class GoFile:
    rel: str
    dir: str
    root: object
    package: str | None = None
    has_main: bool = False
    ignored: bool = False
    imports: dict[str, str] = field(default_factory=dict)  # local name -> import path
    functions: list = field(default_factory=list)  # top-level function/method nodes, in order
    starts: list[int] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)  # //go:embed patterns
    nodes: dict[str, list] = field(default_factory=dict)  # capture name of _NODES -> nodes, in document order

    @property
    def import_c(self) -> bool:
        return "C" in self.imports.values()

    def function_at(self, byte: int):
        i = bisect.bisect_right(self.starts, byte) - 1
        if i >= 0 and self.functions[i].start_byte <= byte < self.functions[i].end_byte:
            return self.functions[i]
        return None


def _package_name(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        parts = parts[:-1]
    name = parts[-1] if parts else path
    stem, dot, version = name.rpartition(".v")  # gopkg.in/ini.v1 is package ini
    if dot and stem and version.isdigit():
        name = stem
    return name.removeprefix("go-").replace(".", "_").replace("-", "_")


def string_value(node) -> str | None:
    """The value of a Go string or number literal node."""
    kind = node.type
    raw = syntax.text(node)
    if kind == "raw_string_literal":
        return raw[1:-1]
    if kind == "interpreted_string_literal":
        body = raw[1:-1]
        if "\\" not in body:
            return body
        try:
            value = ast.literal_eval('"' + body + '"')
        except (ValueError, SyntaxError):
            return body
        return value if isinstance(value, str) else body
    if kind == "int_literal":
        try:
            return str(int(raw.replace("_", ""), 0))
        except ValueError:
            return raw
    if kind == "float_literal":
        return raw
    if kind in ("true", "false"):
        return kind
    return None


def read_file(tree: SourceTree, rel: str) -> GoFile | None:
    """The facts of one file, read once per tree (detection and analysis ask for the same files)."""
    return tree.fact("go.source", rel, _read_file)


def _read_file(tree: SourceTree, rel: str) -> GoFile | None:
    parsed = tree.parse(rel, GRAMMAR)
    if parsed is None:
        return None
    root = parsed.root_node
    found = syntax.captures(GRAMMAR, _NODES, root)
    facts = GoFile(rel, posixpath.dirname(rel), root, nodes=found)
    package = found.get("package", [])
    if package:
        facts.package = syntax.text(package[0])
        before = package[0].start_byte
        for comment in found.get("comment", []):
            text = syntax.text(comment)
            if comment.start_byte < before and text.startswith(("//go:build", "// +build")) \
                    and "ignore" in text.replace("!", " ").split():
                facts.ignored = True
            if text.startswith("//go:embed"):
                facts.embeds += text.split()[1:]
    for spec in found.get("import", []):
        path_node = spec.child_by_field_name("path")
        if path_node is None:
            continue
        path = string_value(path_node) or ""
        name = spec.child_by_field_name("name")
        alias = syntax.text(name) if name is not None and name.type == "package_identifier" else _package_name(path)
        facts.imports[alias] = path
    facts.functions = found.get("function", [])
    facts.starts = [f.start_byte for f in facts.functions]
    for function in facts.functions:
        if function.type == "function_declaration" and syntax.text(function.child_by_field_name("name")) == "main":
            params = function.child_by_field_name("parameters")
            if params is None or params.named_child_count == 0:
                facts.has_main = True
    return facts


def _statements(block) -> list:
    if block is None:
        return []
    out = []
    for child in block.named_children:
        out += child.named_children if child.type == "statement_list" else [child]
    return out


def _params(function) -> list[str]:
    params = function.child_by_field_name("parameters")
    names: list[str] = []
    for decl in params.named_children if params is not None else []:
        if decl.type == "parameter_declaration":
            names += [syntax.text(n) for n in decl.children_by_field_name("name")]
        else:
            names.append("")  # variadic: not a wrapper's key or fallback
    return names


class Program:
    """The files that make one binary: their declarations, env wrappers and facts."""

    def __init__(self, tree: SourceTree, rels: list[str]):
        self.files = [f for f in (read_file(tree, rel) for rel in rels) if f is not None and not f.ignored]
        # package directory -> name -> (value node, file)
        self.package_names: dict[str, dict[str, tuple[object, GoFile]]] = {}
        # (file, function start) -> name -> [(position, value node, index)]
        self.locals: dict[tuple[str, int], dict[str, list[tuple[int, object, int]]]] = {}
        self.calls: list[tuple[Call, GoFile]] = []
        self.wrappers: dict[str, tuple[int, int | None]] = {}  # function name -> (key index, fallback index)
        self.defaults: dict[str, tuple[str, str, int]] = {}  # env var -> (fallback, file, line)
        self.selectors: set[str] = set()
        self._busy: set[int] = set()
        self._calls_by_name: dict[str, list[tuple[Call, GoFile]]] | None = None
        self._prefix_memo: dict[tuple[int, int], str | None] = {}
        # struct field name -> (default, env var) from its tag (go-flags, envconfig, caarlos0/env); None when
        # two fields of that name disagree
        self.tagged: dict[str, tuple[str | None, str | None] | None] = {}
        # functions without parameters, whose value is what they return (`func port() string {...}`)
        self.functions: dict[str, tuple[object, GoFile]] = {}
        for f in self.files:
            for function in f.functions:
                params = function.child_by_field_name("parameters")
                if function.type == "function_declaration" and params is not None and not params.named_child_count:
                    self.functions.setdefault(syntax.text(function.child_by_field_name("name")), (function, f))
        for f in self.files:
            self._index(f)
        self._read_viper()
        self._find_wrappers()
        self._find_defaults()

    # -- indexing ---------------------------------------------------------------
    def _index(self, f: GoFile) -> None:
        found = f.nodes
        for node in found.get("spec", []):
            names = node.children_by_field_name("name")
            value = node.child_by_field_name("value")
            values = value.named_children if value is not None else []
            for i, name in enumerate(names):
                if i < len(values) or len(values) == 1:
                    self._bind(f, name, values[min(i, len(values) - 1)], i if len(values) == 1 else 0)
        for node in found.get("short", []):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            names = left.named_children if left is not None else []
            values = right.named_children if right is not None else []
            for i, name in enumerate(names):
                if name.type != "identifier" or not values:
                    continue
                if len(values) == len(names):
                    self._bind(f, name, values[i], 0)
                elif len(values) == 1:
                    self._bind(f, name, values[0], i)
        for node in found.get("call", []):
            call = self._call(f, node)
            if call is not None:
                self.calls.append((call, f))
                if not call.name.startswith((".",)) and "." in call.name:
                    self.selectors.add(call.name)
        for node in found.get("selector", []):
            operand = syntax.text(node.child_by_field_name("operand"))
            if operand in f.imports:
                self.selectors.add(_package_name(f.imports[operand]) + "." + syntax.text(node.child_by_field_name("field")))
        for node in found.get("qualified", []):
            package = syntax.text(node.child_by_field_name("package"))
            if package in f.imports:
                self.selectors.add(_package_name(f.imports[package]) + "." + syntax.text(node.child_by_field_name("name")))
        if "crypto/tls" in f.imports.values():
            self.selectors.add("tls.Config")
        for node in found.get("field", []):
            tag = struct_tag(string_value(node.child_by_field_name("tag")) or "")
            default = tag.get("default", tag.get("envDefault"))
            env = next((tag[k].split(",", 1)[0] for k in ("env", "envconfig") if k in tag), None)
            if default is None and env is None:
                continue
            for name in node.children_by_field_name("name"):
                key = syntax.text(name)
                fact = (default, env if _env_name(env) else None)
                self.tagged[key] = fact if self.tagged.get(key, fact) == fact else None

    def _bind(self, f: GoFile, name_node, value, index: int) -> None:
        name = syntax.text(name_node)
        if name == "_":
            return
        function = f.function_at(name_node.start_byte)
        if function is None:
            self.package_names.setdefault(f.dir, {}).setdefault(name, (value, f, index))
        else:
            self.locals.setdefault((f.rel, function.start_byte), {}).setdefault(name, []).append(
                (name_node.start_byte, value, index, f))

    def _call(self, f: GoFile, node) -> Call | None:
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        arguments = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        if function is None:
            return None
        if function.type == "identifier":
            return Call(node, syntax.text(function), arguments)
        if function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            name = syntax.text(function.child_by_field_name("field"))
            if operand is not None and operand.type == "identifier" and syntax.text(operand) in f.imports:
                return Call(node, _package_name(f.imports[syntax.text(operand)]) + "." + name, arguments)
            return Call(node, "." + name, arguments)
        return None

    def _find_wrappers(self) -> None:
        """Functions that read the env var named by one parameter: (key index, fallback parameter index)."""
        env_calls = [(c, f) for c, f in self.calls if c.name in ENV_CALLS]
        for _ in range(3):  # a wrapper of a wrapper
            grew = False
            for call, f in env_calls + [(c, f) for c, f in self.calls if self._wrapper_name(c) in self.wrappers]:
                function = f.function_at(call.node.start_byte)
                if function is None:
                    continue
                name = syntax.text(function.child_by_field_name("name"))
                if name in self.wrappers or name == "main":
                    continue
                index = 0 if call.name in ENV_CALLS else self.wrappers[self._wrapper_name(call)][0]
                key_arg = call.args[index] if index < len(call.args) else None
                params = _params(function)
                if key_arg is None or key_arg.type != "identifier" or syntax.text(key_arg) not in params:
                    continue
                key = params.index(syntax.text(key_arg))
                used = {syntax.text(n) for n in syntax.captures(GRAMMAR, _IDENTIFIERS,
                                                                 function.child_by_field_name("body")).get("id", [])} \
                    if function.child_by_field_name("body") is not None else set()
                fallback = next((i for i, p in enumerate(params) if i != key and p and p in used), None)
                self.wrappers[name] = (key, fallback)
                grew = True
            if not grew:
                break

    @staticmethod
    def _wrapper_name(call: Call) -> str:
        """Wrappers are matched by name: `getenv(..)`, `config.Getenv(..)` (another package of the module)."""
        return call.name.rsplit(".", 1)[-1]

    def _read_viper(self) -> None:
        """viper's settings that come from the environment: with `viper.AutomaticEnv()` a key reads the env var of
        its name in capitals (after `SetEnvPrefix("app")`: APP_<KEY>), `BindEnv("key", "VAR")` names one, and
        `SetDefault("key", value)` is the fallback."""
        self.viper_env: dict[str, str] = {}  # key -> env var
        self.viper_defaults: dict[str, str] = {}
        automatic, prefix = False, ""
        for call, f in self.calls:
            if not call.name.startswith("viper."):
                continue
            args = [self.value(a, f).text for a in call.args[:2]]
            if call.name == "viper.AutomaticEnv":
                automatic = True
            elif call.name == "viper.SetEnvPrefix" and args and args[0]:
                prefix = args[0].upper() + "_"
            elif call.name == "viper.SetDefault" and len(args) == 2 and args[0] and args[1] is not None:
                self.viper_defaults.setdefault(args[0].lower(), args[1])
            elif call.name == "viper.BindEnv" and len(args) == 2 and args[0] and _env_name(args[1]):
                self.viper_env.setdefault(args[0].lower(), args[1])
        if automatic:
            for call, f in self.calls:
                if call.name in VIPER_GETS and call.args:
                    key = self.value(call.args[0], f).text
                    if key and _env_name(prefix + key.upper()):
                        self.viper_env.setdefault(key.lower(), prefix + key.upper())

    def env_of(self, call: Call, f: GoFile, depth: int = 0) -> tuple[str, str | None] | None:
        """(env var, fallback) when the call reads an env var, directly or through a wrapper."""
        if call.name in ENV_CALLS:
            key = self.value(call.args[0], f, depth + 1).text if call.args else None
            return (key, None) if _env_name(key) else None
        if call.name in VIPER_GETS and call.args and self.viper_env:
            key = (self.value(call.args[0], f, depth + 1).text or "").lower()
            return (self.viper_env[key], self.viper_defaults.get(key)) if key in self.viper_env else None
        wrapper = self.wrappers.get(self._wrapper_name(call))
        if wrapper is None or wrapper[0] >= len(call.args):
            return None
        key = self.value(call.args[wrapper[0]], f, depth + 1).text
        if not _env_name(key):
            return None
        fallback = None
        if wrapper[1] is not None and wrapper[1] < len(call.args):
            fallback = self.value(call.args[wrapper[1]], f, depth + 1).text
        return key, fallback

    def _find_defaults(self) -> None:
        """NAME -> fallback: wrapper calls, cmp.Or(os.Getenv(..), "x"), and `v := os.Getenv(..); if v == "" { v = "x" }`."""
        for call, f in self.calls:
            found = self.env_of(call, f)
            if found and found[1] is not None:
                self.defaults.setdefault(found[0], (found[1], f.rel, syntax.line(call.node)))
            if call.name == "cmp.Or":
                for i, arg in enumerate(call.args[:-1]):
                    inner = self._call(f, arg) if arg.type == "call_expression" else None
                    read = self.env_of(inner, f) if inner else None
                    if read:
                        fallback = self.value(call.args[i + 1], f).text
                        if fallback is not None:
                            self.defaults.setdefault(read[0], (fallback, f.rel, syntax.line(call.node)))
        for function, f in self.functions.values():
            value = self._returns(function, f, 0)
            if value.env and value.text is not None:
                self.defaults.setdefault(value.env, (value.text, f.rel, syntax.line(function)))
        for f in self.files:
            for node in f.nodes.get("if", []):
                function = f.function_at(node.start_byte)
                condition = node.child_by_field_name("condition")
                if function is None or condition is None:
                    continue
                scope = self.locals.get((f.rel, function.start_byte), {})
                mentioned = {syntax.text(n) for n in syntax.captures(GRAMMAR, _IDENTIFIERS, condition).get("id", [])}
                for name in mentioned:
                    read = self._env_binding(scope, name, node.start_byte, f)
                    if read is None:
                        continue
                    env, var = read
                    for stmt in _statements(node.child_by_field_name("consequence")):
                        value = None
                        if stmt.type == "assignment_statement":
                            left = stmt.child_by_field_name("left")
                            right = stmt.child_by_field_name("right")
                            if left is not None and right is not None and left.named_child_count == 1 \
                                    and syntax.text(left.named_children[0]) == var and right.named_child_count == 1:
                                value = self.value(right.named_children[0], f)
                        elif stmt.type == "return_statement" and stmt.named_child_count == 1:
                            result = stmt.named_children[0].named_children
                            if len(result) == 1 and not (result[0].type == "identifier"
                                                         and syntax.text(result[0]) == var):
                                value = self.value(result[0], f)
                        if value is not None and value.text is not None and value.env is None:
                            self.defaults.setdefault(env, (value.text, f.rel, syntax.line(stmt)))
                            break

    def _env_binding(self, scope: dict, name: str, before: int, f: GoFile) -> tuple[str, str] | None:
        """(env var, variable) when ``name`` is a local bound to an env read (or the ok of a LookupEnv)."""
        for position, value, index, _ in reversed(scope.get(name, [])):
            if position > before:
                continue
            if value.type != "call_expression":
                return None
            call = self._call(f, value)
            read = self.env_of(call, f) if call else None
            if not read:
                return None
            if index == 1:  # v, ok := os.LookupEnv(...): the variable is the first name
                first = next((n for n, entries in scope.items() for p, v, i, _ in entries
                              if v is value and i == 0), name)
                return read[0], first
            return read[0], name
        return None

    # -- values -----------------------------------------------------------------
    def value(self, node, f: GoFile, depth: int = 0) -> Value:
        if node is None or depth > MAX_DEPTH:
            return Value()
        kind = node.type
        literal = string_value(node)
        if literal is not None:
            return Value(literal)
        if kind == "parenthesized_expression" and node.named_child_count:
            return self.value(node.named_children[-1], f, depth + 1)
        if kind == "unary_expression":
            if syntax.text(node.child_by_field_name("operator")) not in ("*", "&"):
                return Value()
            return self.value(node.child_by_field_name("operand"), f, depth + 1)
        if kind == "identifier":
            return self._lookup(node, f, depth)
        if kind == "binary_expression":
            if syntax.text(node.child_by_field_name("operator")) != "+":
                return Value()
            left = self.value(node.child_by_field_name("left"), f, depth + 1)
            right = self.value(node.child_by_field_name("right"), f, depth + 1)
            text = None
            if left.text is not None and right.text is not None:
                text = left.text + right.text
                if left.text.lstrip("-").isdigit() and right.text.lstrip("-").isdigit():
                    text = str(int(left.text) + int(right.text))
            return Value(text, _port_env([left, right]))
        if kind == "call_expression":
            call = self._call(f, node)
            return self._call_value(call, f, depth) if call else Value()
        if kind == "selector_expression":  # options.HTTPPort: a struct field's tag default (`default:"8081"`)
            fact = self.tagged.get(syntax.text(node.child_by_field_name("field")))
            if fact:
                default = self.defaults.get(fact[1], (None,))[0] if fact[0] is None and fact[1] else fact[0]
                return Value(default, fact[1])
        return Value()

    def _call_value(self, call: Call, f: GoFile, depth: int) -> Value:
        read = self.env_of(call, f, depth)
        if read:
            fallback = read[1] if read[1] is not None else self.defaults.get(read[0], (None,))[0]
            return Value(fallback, read[0])
        args = [self.value(a, f, depth + 1) for a in call.args] if call.name in (
            "fmt.Sprintf", "fmt.Sprint", "net.JoinHostPort", "strconv.Itoa", "strconv.FormatInt", "cmp.Or") else []
        env = _port_env(args)
        if call.name == "fmt.Sprintf" and args:
            return Value(_sprintf(args[0].text, [a.text for a in args[1:]]), env)
        if call.name == "fmt.Sprint":
            return Value("".join(a.text for a in args) if all(a.text is not None for a in args) else None, env)
        if call.name == "net.JoinHostPort" and len(args) == 2:
            return Value(args[0].text + ":" + args[1].text if None not in (args[0].text, args[1].text) else None, env)
        if call.name in ("strconv.Itoa", "strconv.FormatInt") and args:
            return args[0]
        if call.name == "cmp.Or":
            return Value(next((a.text for a in args if a.text), None), env)
        local = self.functions.get(call.name.rsplit(".", 1)[-1]) \
            if not call.args and call.name[:1] != "." and call.name != "main" else None
        if local is not None and id(local[0]) not in self._busy:
            self._busy.add(id(local[0]))
            try:
                return self._returns(local[0], local[1], depth)
            finally:
                self._busy.discard(id(local[0]))
        if call.name in FLAG_CALLS:
            index = 2 if call.name.endswith("Var") else 1
            return Value(self.value(call.args[index], f, depth + 1).text) if len(call.args) > index else Value()
        return Value()

    def _lookup(self, node, f: GoFile, depth: int) -> Value:
        name = syntax.text(node)
        key = id(node)
        if key in self._busy:
            return Value()
        self._busy.add(key)
        try:
            function = f.function_at(node.start_byte)
            if function is not None:
                entries = self.locals.get((f.rel, function.start_byte), {}).get(name, [])
                before = bisect.bisect_left(entries, (node.start_byte,))
                if before:
                    _, value, index, where = entries[before - 1]
                    return self._bound(value, index, where, depth)
            bound = self.package_names.get(f.dir, {}).get(name)
            if bound is not None:
                return self._bound(bound[0], bound[2], bound[1], depth)
            if function is not None and name in _params(function):
                return self._argument(function, _params(function).index(name), depth)
            return Value()
        finally:
            self._busy.discard(key)

    def _returns(self, function, f: GoFile, depth: int) -> Value:
        """What a function without parameters returns: the text of its last return, the env var any return reads
        (`if p := os.Getenv("PORT"); p != "" { return p }; return "8080"`)."""
        returns = []
        for stmt in _statements(function.child_by_field_name("body")):
            if stmt.type == "return_statement":
                returns.append(stmt)
            elif stmt.type == "if_statement":
                returns += [s for s in _statements(stmt.child_by_field_name("consequence"))
                            if s.type == "return_statement"]
        values = []
        for stmt in returns:
            result = stmt.named_children[0].named_children if stmt.named_child_count else []
            if len(result) == 1:
                values.append(self.value(result[0], f, depth + 1))
        if not values:
            return Value()
        return Value(values[-1].text, next((v.env for v in values if v.env), None))

    def _argument(self, function, index: int, depth: int) -> Value:
        """A parameter's value: the argument of the first call of the function that gives one."""
        name = syntax.text(function.child_by_field_name("name"))
        method = function.type == "method_declaration"
        tried = 0
        for call, f in self.calls:
            if call.name.rsplit(".", 1)[-1] != name or (call.name[:1] == ".") != method or index >= len(call.args):
                continue
            value = self.value(call.args[index], f, depth + 1)
            if value.text is not None or value.env:
                return value
            tried += 1
            if tried >= 20:
                break
        return Value()

    def _bound(self, value, index: int, f: GoFile, depth: int) -> Value:
        if index and value.type == "call_expression":
            return Value()  # the second result (ok, err) of a call
        return self.value(value, f, depth + 1)

    # -- facts ------------------------------------------------------------------
    def env_reads(self) -> list[tuple[str, str, int]]:
        """(env var, file, line) of every env read, in file order."""
        out = []
        for call, f in self.calls:
            read = self.env_of(call, f)
            if read:
                out.append((read[0], f.rel, syntax.line(call.node)))
        return out

    def serves(self) -> bool:
        return any(c.name in SERVE_CALLS or c.name in (".ListenAndServe", ".ListenAndServeTLS")
                   for c, _ in self.calls)

    def speaks_http(self) -> bool:
        """The program serves HTTP with net/http: a server, a handler or a mux of the standard library."""
        return bool(self.selectors & HTTP_SERVER_NAMES) or any(
            c.name in (".ListenAndServe", ".ListenAndServeTLS") for c, _ in self.calls)

    def listen_addresses(self) -> list[tuple[Value, str, int, str]]:
        """(address value, file, line, what) of each listen address, in file order."""
        out = []
        for call, f in self.calls:
            index = ADDRESS_ARGS.get(call.name)
            if index is None and call.name[:1] == "." and call.name[1:] in ADDRESS_METHODS and call.args:
                index = 0
            if index is not None and index < len(call.args):
                out.append((self.value(call.args[index], f), f.rel, syntax.line(call.node), call.name.lstrip(".")))
        for f in self.files:
            for node in f.nodes.get("keyed", []):
                parts = node.named_children
                if len(parts) == 2 and syntax.text(parts[0]) == "Addr" and not _client_literal(node):
                    inner = parts[1].named_children[0] if parts[1].type == "literal_element" and \
                        parts[1].named_child_count else parts[1]
                    out.append((self.value(inner, f), f.rel, syntax.line(node), "Addr"))
        return out

    def bare_runs(self) -> list[tuple[str, int]]:
        """`r.Run()` with no address (gin listens on $PORT or 8080)."""
        return [(f.rel, syntax.line(c.node)) for c, f in self.calls if c.name == ".Run" and not c.args
                and self._gin_engine(c.node.child_by_field_name("function").child_by_field_name("operand"), f)]

    def _gin_engine(self, node, f: GoFile) -> bool:
        """An expression that holds a gin engine: gin.Default()/gin.New(), a variable bound to one, or a
        `*gin.Engine` parameter (not an exec.Cmd's Run())."""
        for _ in range(8):
            if node is None:
                return False
            if node.type == "call_expression":
                call = self._call(f, node)
                return call is not None and call.name in ("gin.Default", "gin.New")
            if node.type != "identifier":
                return False
            name = syntax.text(node)
            function = f.function_at(node.start_byte)
            entries = self.locals.get((f.rel, function.start_byte), {}).get(name, []) if function is not None else []
            before = bisect.bisect_left(entries, (node.start_byte,))
            if before:
                _, node, _, f = entries[before - 1]
                continue
            bound = self.package_names.get(f.dir, {}).get(name)
            if bound is not None:
                node, f = bound[0], bound[1]
                continue
            params = function.child_by_field_name("parameters") if function is not None else None
            for decl in params.named_children if params is not None else []:
                if name in [syntax.text(n) for n in decl.children_by_field_name("name")]:
                    kind = decl.child_by_field_name("type")
                    return kind is not None and syntax.text(kind).endswith("gin.Engine")
            return False
        return False

    def flag_ports(self) -> list[tuple[str, str, int]]:
        out = []
        for call, f in self.calls:
            if call.name in FLAG_CALLS and len(call.args) >= 2:
                value = self._call_value(call, f, 0).text
                if value and port_of(value, bare=True):
                    out.append((value, f.rel, syntax.line(call.node)))
            elif call.name[:1] == "." and call.name[1:] in PFLAG_METHODS:
                # pflag/cobra: cmd.Flags().UintP("server-port", "p", 3000, "...") names a port-like flag
                name_at, default_at = PFLAG_METHODS[call.name[1:]]
                if default_at >= len(call.args):
                    continue
                name = (self.value(call.args[name_at], f).text or "").lower()
                value = self.value(call.args[default_at], f).text
                if value and any(w in name for w in ("port", "addr", "listen")) and port_of(value, bare=True):
                    out.append((value, f.rel, syntax.line(call.node)))
        return out

    def cobra_commands(self) -> list[tuple[str, set[str], str, int]]:
        """(the first word of `Use:`, names of the calls its Run/RunE makes, file, line) of each
        `&cobra.Command{...}` with a Run function."""
        out = []
        for f in self.files:
            alias = next((a for a, path in f.imports.items() if path == "github.com/spf13/cobra"), None)
            if alias is None:
                continue
            for literal in f.nodes.get("literal", []):
                kind = literal.child_by_field_name("type")
                if kind is None or syntax.text(kind) != f"{alias}.Command":
                    continue
                use, run = None, None
                body = literal.child_by_field_name("body")
                for element in body.named_children if body is not None else []:
                    if element.type != "keyed_element" or element.named_child_count < 2:
                        continue
                    key, value = element.named_children[0], element.named_children[-1]
                    if value.type == "literal_element" and value.named_child_count:
                        value = value.named_children[0]
                    key_text = syntax.text(key).strip()
                    if key_text == "Use":
                        use = string_value(value)
                    elif key_text in ("Run", "RunE"):
                        run = value
                if not use or run is None or not use.split():
                    continue
                names = {call.name for call, cf in self.calls if cf is f
                         and run.start_byte <= call.node.start_byte < run.end_byte}
                out.append((use.split()[0], names, f.rel, syntax.line(literal)))
        return out

    def routes(self) -> list[tuple[str, str, int]]:
        """(path, file, line) of the routes the program serves, with the prefix of the group they are
        registered on (`api := r.Group("/api"); api.GET("/ping")` -> /api/ping); a route on a group whose
        prefix isn't known (a `*gin.RouterGroup` parameter nobody passes) is left out."""
        out = []
        for call, f in self.calls:
            if call.name.rsplit(".", 1)[-1] not in ROUTE_METHODS or not call.args:
                continue
            path = self.value(call.args[0], f).text
            if path and path.split(" ", 1)[0] in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"):
                if path.split(" ", 1)[0] not in ("GET", "HEAD"):
                    continue  # Go 1.22's mux.HandleFunc("POST /orders", ...): a GET is refused (405)
                path = path.split(" ", 1)[1].strip()
            if path is None or path and not path.startswith("/"):
                continue
            if call.name[:1] == ".":
                function = call.node.child_by_field_name("function")
                prefix = self._prefix(function.child_by_field_name("operand"), f, 0)
                if prefix is None or not (path or prefix):
                    continue
                path = _join(prefix, path)  # `articles.GET("", list)` serves the group's own path
            elif not path:
                continue
            if self._websocket_handler(call.args[1:], f):
                continue  # a GET without an Upgrade header is refused (426): no health probe there
            if not _conditional(call.node):  # `if opts.Metrics { r.GET("/metrics", ...) }` may not be served
                out.append((path, f.rel, syntax.line(call.node)))
        return out

    def write_routes(self) -> list[tuple[str, str, int]]:
        """(path, file, line) of the routes registered for POST, PUT, PATCH or DELETE only
        (`app.Post("/enqueue", ...)`, `mux.HandleFunc("POST /orders", ...)`)."""
        out = []
        for call, f in self.calls:
            method = call.name.rsplit(".", 1)[-1]
            if not call.args or method not in WRITE_METHODS and method not in ("HandleFunc", "Handle"):
                continue
            path = self.value(call.args[0], f).text
            if method in ("HandleFunc", "Handle"):
                verb, _, rest = (path or "").partition(" ")
                path = rest.strip() if verb in ("POST", "PUT", "DELETE", "PATCH") else None
            if path and path.startswith("/"):
                out.append((path, f.rel, syntax.line(call.node)))
        return out

    def _websocket_handler(self, handlers, f: GoFile) -> bool:
        """Whether a route's handler is a websocket upgrade (`app.Get("/ws", websocket.New(func(c *websocket.Conn)
        {...}))`, gofiber's contrib/websocket and fiber/websocket)."""
        for node in handlers:
            call = self._call(f, node) if node.type == "call_expression" else None
            if call is None or call.name[:1] == "." or "." not in call.name:
                continue
            package, _, func = call.name.partition(".")
            if func == "New" and f.imports.get(package, "").split("/")[-1] in ("websocket", "v2", "v3") and \
                    "websocket" in f.imports.get(package, ""):
                return True
        return False

    def _prefix(self, node, f: GoFile, depth: int) -> str | None:
        """The path prefix of a router expression: "" for a new router, the joined Group/PathPrefix/Route
        paths for a group, None when unknown."""
        if node is None or depth > MAX_DEPTH:
            return None
        if node.type == "parenthesized_expression" and node.named_child_count:
            return self._prefix(node.named_children[-1], f, depth + 1)
        if node.type == "call_expression":
            call = self._call(f, node)
            if call is None or call.name[:1] != ".":
                return ""  # gin.Default(), chi.NewRouter(), http.NewServeMux(), newRouter()
            receiver = node.child_by_field_name("function").child_by_field_name("operand")
            if call.name[1:] in GROUP_METHODS and call.args:
                base = self._prefix(receiver, f, depth + 1)
                path = self.value(call.args[0], f).text
                return _join(base, path) if base is not None and path is not None else None
            if call.name[1:] in ("Subrouter", "With", "Use"):
                return self._prefix(receiver, f, depth + 1)
            return ""
        if node.type != "identifier":
            return ""  # s.router, app.Mux: a router kept in a struct
        name = syntax.text(node)
        key = ("prefix", id(node))
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            # a closure's parameter: chi's r.Route("/api", func(r chi.Router) {...})
            parent = node.parent
            while parent is not None and parent.type not in ("function_declaration", "method_declaration"):
                if parent.type == "func_literal" and name in _params(parent):
                    holder = parent.parent
                    call = holder.parent if holder is not None and holder.type == "argument_list" else None
                    function = call.child_by_field_name("function") if call is not None else None
                    if function is None or function.type != "selector_expression" or \
                            syntax.text(function.child_by_field_name("field")) not in GROUP_METHODS:
                        return None
                    return self._prefix(call, f, depth + 1)
                parent = parent.parent
            function = f.function_at(node.start_byte)
            if function is not None:
                entries = self.locals.get((f.rel, function.start_byte), {}).get(name, [])
                before = bisect.bisect_left(entries, (node.start_byte,))
                if before:
                    _, value, index, where = entries[before - 1]
                    return self._prefix(value, where, depth + 1) if not index else ""
            bound = self.package_names.get(f.dir, {}).get(name)
            if bound is not None:
                return self._prefix(bound[0], bound[1], depth + 1) if not bound[2] else ""
            if function is not None and name in _params(function):
                return self._argument_prefix(function, _params(function).index(name), depth)
            return ""
        finally:
            self._busy.discard(key)

    def _argument_prefix(self, function, index: int, depth: int) -> str | None:
        """A router parameter's prefix, from the calls that pass it (the first one that tells); with no
        caller, "" unless its type is a group's (`*gin.RouterGroup`, `*echo.Group`)."""
        key = (id(function), index)
        if key in self._prefix_memo:
            return self._prefix_memo[key]
        self._prefix_memo[key] = None  # while it is worked out (a recursive registration)
        name = syntax.text(function.child_by_field_name("name"))
        method = function.type == "method_declaration"
        if self._calls_by_name is None:
            self._calls_by_name = {}
            for call, f in self.calls:
                self._calls_by_name.setdefault(call.name.rsplit(".", 1)[-1], []).append((call, f))
        for call, f in self._calls_by_name.get(name, [])[:50]:
            if (call.name[:1] == ".") != method or index >= len(call.args):
                continue
            prefix = self._prefix(call.args[index], f, depth + 1)
            if prefix is not None:
                self._prefix_memo[key] = prefix
                return prefix
        result = self._unpassed_prefix(function, index)
        self._prefix_memo[key] = result
        return result

    @staticmethod
    def _unpassed_prefix(function, index: int) -> str | None:
        params = function.child_by_field_name("parameters")
        declared = [d for d in params.named_children if d.type == "parameter_declaration"] if params is not None else []
        types = [syntax.text(d.child_by_field_name("type")) for d in declared
                 for _ in d.children_by_field_name("name") if d.child_by_field_name("type") is not None]
        return None if index < len(types) and "Group" in types[index] else ""

    def paths(self, relative: bool = False) -> list[tuple[str, str, str, int]]:
        """(kind: "dir" | "file" | "read", absolute path, file, line) of the files the program opens; with
        ``relative``, the paths relative to its working directory instead (normalized, none out of it)."""
        out = []
        for call, f in self.calls:
            spec = PATH_CALLS.get(call.name)
            if spec is None or spec[1] >= len(call.args):
                continue
            kind, index = spec
            path = self.value(call.args[index], f).text
            if not path:
                continue
            if kind == "sqlite":
                driver = self.value(call.args[0], f).text or ""
                if not driver.startswith("sqlite"):
                    continue
                path = path.removeprefix("file:").split("?", 1)[0]
                kind = "file"
            elif kind == "open":
                flags = syntax.text(call.args[1]) if len(call.args) > 1 else ""
                if not any(flag in flags for flag in ("O_CREATE", "O_WRONLY", "O_RDWR", "O_APPEND")):
                    continue
                kind = "file"
            if path.startswith("/") and not relative:
                out.append((kind, path, f.rel, syntax.line(call.node)))
            elif relative and not path.startswith("/") and ":" not in path and path != ":memory:":
                normal = posixpath.normpath(path)
                if normal != "." and not normal.startswith("../") and normal != "..":
                    out.append((kind, normal, f.rel, syntax.line(call.node)))
        return out

    def relative_folders(self) -> list[tuple[str, str, int]]:
        """(folder, file, line): the first folder of relative paths the program reads (templates/, static/)."""
        out = []
        for call, f in self.calls:
            method = call.name[:1] == "." and call.name[1:] in ASSET_METHODS
            if call.name not in ASSET_CALLS and not method:
                continue
            for arg in call.args[:2]:
                path = self.value(arg, f).text
                if not path or path.startswith("/") or path.startswith(".") and "/" not in path:
                    continue  # absolute, or an extension (".html")
                path = path.removeprefix("./")
                if "/" in path or call.name in FOLDER_CALLS and path not in (".", ""):
                    out.append((path.split("/", 1)[0], f.rel, syntax.line(call.node)))
                    break
                if "." in path.strip("."):  # a file at the top (`static.New("./home.html")`, `c.SendFile("index.html")`)
                    out.append((path, f.rel, syntax.line(call.node)))
                    break
        return out

    def config_paths(self) -> tuple[list[tuple[str, str, str, int]], set[str]]:
        """The configuration the program loads relative to where it runs: (kind "file" | "dir", path, file, line)
        of `ini.Load("conf/app.ini")`, `viper.SetConfigFile("config.yaml")` and `viper.AddConfigPath("config/")`,
        and the names `SetConfigName` gives (a folder's config.yaml, default.yml)."""
        out, names = [], set()
        for call, f in self.calls:
            method = call.name.rsplit(".", 1)[-1]
            if call.name.startswith(".") or call.name.startswith("viper."):
                kind = CONFIG_METHODS.get(method)
            elif call.name in ("os.ReadFile", "os.Open", "ioutil.ReadFile"):
                kind = "config file"  # a config file only when its extension says so
            else:
                kind = CONFIG_CALLS.get(call.name)
            if kind is None or not call.args:
                continue
            value = self.value(call.args[0], f).text
            if not value or value.startswith("/") or "\n" in value or len(value) > 300:
                continue
            if kind == "name":
                names.add(value)
            elif kind == "config file":
                if value.lower().endswith(CONFIG_FILE_EXTENSIONS):
                    out.append(("file", posixpath.normpath(value), f.rel, syntax.line(call.node)))
            else:
                out.append((kind, posixpath.normpath(value), f.rel, syntax.line(call.node)))
        return out, names

    def writes(self) -> tuple[str, int] | None:
        """(file, line) of the first call that makes a folder or writes a file (any path)."""
        for call, f in self.calls:
            if call.name in WRITE_CALLS or call.name == ".SaveUploadedFile":
                return f.rel, syntax.line(call.node)
        return None

    def config_fields(self) -> tuple[dict[str, tuple[str, int]], set[str]]:
        """The struct fields and viper keys the code reads (``setting.AppSetting.RuntimeRootPath``,
        ``viper.GetString("log.dir")``): name -> (file, line); and the ones only ever joined after another
        path (``RuntimeRootPath + LogSavePath``, ``fmt.Sprintf("%s%s", Root, GetImagePath())`` where
        ``GetImagePath`` returns ``ImageSavePath``): folders under another one."""
        used: dict[str, tuple[str, int]] = {}
        returned: dict[str, set[str]] = {}  # function name -> the fields its return statements are
        first: set[str] = set()
        later: set[str] = set()
        for f in self.files:
            found = syntax.captures(GRAMMAR, _FIELD_USES, f.root)
            for node in found.get("field", []):
                used.setdefault(syntax.text(node), (f.rel, syntax.line(node)))
            for node in found.get("return", []):
                function = f.function_at(node.start_byte)
                values = [c for c in node.named_children if c.type == "expression_list"] or [node]
                for value in values[0].named_children if values else []:
                    if function is not None and value.type == "selector_expression":
                        name = syntax.text(function.child_by_field_name("name"))
                        returned.setdefault(name, set()).add(syntax.text(value.child_by_field_name("field")))
            for node in found.get("sum", []):
                if node.parent is not None and node.parent.type == "binary_expression":
                    continue  # the whole chain is read from its top
                parts = []
                while node.type == "binary_expression" and syntax.text(node.child_by_field_name("operator")) == "+":
                    parts.insert(0, node.child_by_field_name("right"))
                    node = node.child_by_field_name("left")
                self._joined(f, [node] + parts, first, later)
        for call, f in self.calls:
            if call.name == "fmt.Sprintf" and len(call.args) > 2:
                self._joined(f, call.args[1:], first, later)
            elif call.name in ("filepath.Join", "path.Join") and len(call.args) > 1:
                self._joined(f, call.args, first, later)
            elif call.name in VIPER_GETS and call.args:
                key = self.value(call.args[0], f).text
                if key:
                    used.setdefault(key, (f.rel, syntax.line(call.node)))
        for name, fields_ in returned.items():
            if ("fn", name) in later:
                later |= fields_
        return used, {x for x in later if isinstance(x, str)} - first

    @staticmethod
    def _joined(f: GoFile, parts: list, first: set, later: set) -> None:
        """Sort the fields of a path written as parts: the first part's, and the others' (or the function
        a later part calls, as ("fn", name))."""
        for i, part in enumerate(parts):
            while part is not None and part.type == "parenthesized_expression" and part.named_child_count:
                part = part.named_children[-1]
            name = None
            if part is not None and part.type == "selector_expression":
                name = syntax.text(part.child_by_field_name("field"))
            elif part is not None and part.type == "call_expression" and i:
                function = part.child_by_field_name("function")
                if function is not None and function.type == "selector_expression":
                    function = function.child_by_field_name("field")
                if function is not None and function.type in ("identifier", "field_identifier"):
                    later.add(("fn", syntax.text(function)))
                continue
            if name:
                (later if i else first).add(name)

    def embedded(self) -> set[str]:
        """The top folders (from the module root) of the files `//go:embed` puts in the binary; a pattern is
        relative to its file's package folder (`//go:embed css/*` in static/data.go is static/css)."""
        return {posixpath.normpath(posixpath.join(f.dir, p.removeprefix("all:"))).split("/", 1)[0]
                for f in self.files for p in f.embeds if not p.startswith('"')}

    def import_c(self) -> tuple[str, int] | None:
        for f in self.files:
            if f.import_c:
                return f.rel, 1
        return None


HEALTH_WORDS = {"health", "healthz", "healthcheck", "_health", "ping", "status", "ready", "readyz", "livez", "live",
                "alive", "liveness", "readiness"}


def health_like(path: str) -> bool:
    """A route whose last part names a health check: /api/ping/, /v1/status."""
    return path.rstrip("/").rsplit("/", 1)[-1].lower() in HEALTH_WORDS


def _conditional(node) -> bool:
    """A statement inside an `if` (or a switch case) of its function: it runs only on some settings."""
    parent = node.parent
    while parent is not None and parent.type not in ("function_declaration", "method_declaration", "func_literal"):
        if parent.type in ("if_statement", "expression_case", "type_case"):
            return True
        parent = parent.parent
    return False


def _port_env(parts: list[Value]) -> str | None:
    """The env var of a value built from parts (host + ":" + port): the one that gives a port number, else the
    first one read."""
    return next((p.env for p in parts if p.env and p.text and p.text.isdigit()), None) or \
        next((p.env for p in parts if p.env), None)


def struct_tag(tag: str) -> dict[str, str]:
    """A struct tag's key:"value" pairs (reflect.StructTag's syntax): `long:"listen" default:"8081"`."""
    out: dict[str, str] = {}
    i = 0
    while i < len(tag):
        while i < len(tag) and tag[i] == " ":
            i += 1
        colon = tag.find(':"', i)
        if colon <= i:
            break
        key = tag[i:colon]
        end = colon + 2
        while end < len(tag) and tag[end] != '"':
            end += 2 if tag[end] == "\\" else 1
        if end >= len(tag) or " " in key:
            break
        out.setdefault(key, tag[colon + 2:end])
        i = end + 1
    return out


def _join(prefix: str, path: str) -> str:
    """A group's prefix and a route's path: "/api" + "/ping" -> "/api/ping", "/api" + "/" -> "/api/"."""
    if not prefix:
        return path
    return prefix.rstrip("/") + "/" + path.lstrip("/") if path else prefix


def _env_name(name: str | None) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name) \
        and name.isascii()


def _sprintf(fmt: str | None, args: list[str | None]) -> str | None:
    """fmt.Sprintf for %d, %s, %v (and %%) with known arguments."""
    if fmt is None:
        return None
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
        elif verb in ("d", "s", "v") and arg < len(args) and args[arg] is not None:
            out.append(args[arg])
            arg += 1
        else:
            return None
        i += 2
    return "".join(out)


def _client_literal(keyed) -> bool:
    """Whether a keyed element is a field of another package's literal that is not a server
    (`asynq.RedisClientOpt{Addr: ...}`, `redis.Options{Addr: ...}`): its Addr is a service's address, not one to
    listen on (`http.Server{Addr: ...}` and the module's own types are)."""
    body = keyed.parent
    literal = body.parent if body is not None else None
    if literal is None or literal.type != "composite_literal":
        return False
    kind = literal.child_by_field_name("type")
    if kind is None or kind.type != "qualified_type":
        return False
    return syntax.text(kind.child_by_field_name("name")) != "Server"


def port_of(address: str | None, bare: bool = False) -> int | None:
    """The port of a listen address: ":8080", "0.0.0.0:8080", "[::]:8080" (or "8080" when ``bare``)."""
    if not address or (":" not in address and not bare):
        return None
    tail = address.rsplit(":", 1)[-1]
    if tail.isdigit() and 1 < len(tail) <= 5 and tail.isascii():
        port = int(tail)
        return port if 0 < port < 65536 else None
    return None
