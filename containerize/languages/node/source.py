"""Facts read from JavaScript / TypeScript parse trees: env vars, ports, routes, folders written.

Each fact is a small tree-sitter query (the grammar follows the file's extension: javascript,
typescript or tsx); the values it names are folded by :mod:`.values` (constants, imports, env reads
with their defaults, template literals, ``path.join``).
"""
from __future__ import annotations

import posixpath
import weakref
from dataclasses import dataclass
from typing import Any, Iterator

from ... import syntax
from ...envvars import PORT_NAMES, is_port_name, is_secret
from ...profile import Profile
from ...scan import SourceTree
from ..common import choose_health_path
from .values import (SOURCE_SUFFIXES, TRANSPARENT, Dir, Env, Module, Obj, Program, Value, _string, grammar_of,
                     is_env_name, register)

SKIP_DIRS = ("test/", "tests/", "__tests__/", "spec/", "e2e/", "cypress/", "docs/", "scripts/", "public/",
             "static/", "dist/", "build/", "out/", "coverage/", ".yarn/")
# Files Yarn Berry writes or commits (.pnp.cjs, the release in .yarn/releases): Yarn's code, not the app's.
YARN_FILES = (".pnp.cjs", ".pnp.js", ".pnp.loader.mjs")
# Tool configuration files: not the app.
TOOL_CONFIGS = ("vite", "webpack", "rollup", "babel", "jest", "vitest", "eslint", "prettier", "tailwind", "postcss",
                "astro", "svelte", "next", "nuxt", "playwright", "cypress", "karma", "gulpfile", "gruntfile")
SYSTEM_ENV = {"NODE_ENV", "HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "CI",
              "NODE_OPTIONS", "npm_package_version", "npm_lifecycle_event", "DEBUG", "NEXT_RUNTIME",
              "NEXT_PHASE", "VERCEL", "VERCEL_URL"}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

# -- queries ------------------------------------------------------------------------------------------

LISTEN = """
(call_expression function: (member_expression property: (property_identifier) @method)
  arguments: (arguments) @args (#eq? @method "listen")) @call
"""
SERVES = """
(call_expression function: (member_expression property: (property_identifier) @method)
  (#eq? @method "listen")) @call
(call_expression function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  (#eq? @fn "createServer")) @call
(call_expression function: (member_expression object: (identifier) @obj property: (property_identifier) @fn)
  (#any-of? @obj "Bun" "Deno") (#eq? @fn "serve")) @call
(call_expression function: (identifier) @fn arguments: (arguments . (object (pair key: (property_identifier) @key)))
  (#eq? @fn "serve") (#eq? @key "fetch")) @call
"""
ROUTES = """
(call_expression function: (member_expression property: (property_identifier) @method)
  arguments: (arguments . (_) @path) (#any-of? @method "get" "head" "all" "route")) @call
"""
COMPARES = """
(binary_expression left: (_) @left operator: ["===" "=="] right: (_) @right) @compare
(switch_case value: (_) @case)
"""
NEST_ROUTES = """
(decorator (call_expression function: (identifier) @verb arguments: (arguments) @args)
  (#any-of? @verb "Get" "Head" "All")) @decorator
"""
CALLS_NAMED = """
(call_expression function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  arguments: (arguments . (_) @arg)
  (#any-of? @fn "mkdir" "mkdirSync" "mkdirp" "writeFile" "writeFileSync" "appendFile" "appendFileSync"
    "createWriteStream" "ensureDir" "ensureDirSync" "outputFile" "outputFileSync")) @call
(new_expression constructor: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  arguments: (arguments . (_) @arg) (#eq? @fn "Database")) @call
(call_expression
  function: (call_expression function: (identifier) @require
    arguments: (arguments . (string (string_fragment) @fn)))
  arguments: (arguments . (_) @arg)
  (#eq? @require "require") (#eq? @fn "better-sqlite3")) @call
"""
# Calls and constructions by a local name: a SQLite database opened through the name better-sqlite3 is bound to
# (``import sqlite from 'better-sqlite3'; sqlite('app.db')``, ``const DB = require('better-sqlite3'); new DB(f)``).
CALLS_BY_NAME = """
(call_expression function: (identifier) @fn arguments: (arguments . (_) @arg)) @call
(new_expression constructor: (identifier) @fn arguments: (arguments . (_) @arg)) @call
"""
SQLITE_MODULES = ("better-sqlite3",)
BUNDLE_ENV = """
(member_expression object: (member_expression object: (meta_property) property: (property_identifier) @env)
  property: (property_identifier) @name (#eq? @env "env")) @read
"""

PAIR_KEYS = ("port", "dest", "destination", "filename", "storage", "output", "outDir")
PAIRS = """
(pair key: (property_identifier) @key value: (_) @value
  (#any-of? @key "port" "dest" "destination" "filename" "storage" "output" "outDir")) @pair
(pair key: (string (string_fragment) @key) value: (_) @value
  (#any-of? @key "port" "dest" "destination" "filename" "storage" "output" "outDir")) @pair
"""
READS = """
(call_expression function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  arguments: (arguments . (_) @arg)
  (#any-of? @fn "readFile" "readFileSync" "createReadStream" "readJson" "readJsonSync")) @call
"""
# ``fs.existsSync('/data') ? '/data' : here``: the app keeps its data in /data when that folder exists
DATA_IF_EXISTS = """
(ternary_expression
  condition: (call_expression function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
    arguments: (arguments . (string (string_fragment) @checked)))
  consequence: (string (string_fragment) @used) (#eq? @fn "existsSync")) @ternary
"""
# calls that keep a program with no port running until it is stopped: a chat bot's login or polling, a
# scheduler, a timer; each counts only when the package that gives it meaning is a dependency (None: always)
RUNS = """
(call_expression function: (member_expression property: (property_identifier) @method)) @call
(call_expression function: (identifier) @fn (#eq? @fn "setInterval")) @call
(for_statement condition: (empty_statement)) @loop
(while_statement condition: (parenthesized_expression [(true) (number)] @always)) @loop
"""
LONG_RUNNING_CALLS = {"login": "discord.js", "launch": "telegraf", "start": "grammy", "startPolling":
                      "node-telegram-bot-api", "initialize": "whatsapp-web.js", "schedule": "node-cron"}
# servers that may answer HTTPS: hapi's ``Hapi.server({ tls })`` / ``new Hapi.Server``, node's
# ``https.createServer(options, app)`` and ``http2.createSecureServer``
TLS_SERVERS = """
(call_expression function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  arguments: (arguments) @args (#any-of? @fn "server" "Server" "createServer" "createSecureServer")) @call
(new_expression constructor: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  arguments: (arguments) @args (#any-of? @fn "server" "Server")) @call
"""
HAPI_MODULES = ("@hapi/hapi", "hapi")
# a gRPC server: ``new grpc.Server()`` of @grpc/grpc-js (or the older grpc package), bound to an address with
# ``server.bindAsync('0.0.0.0:50051', credentials, cb)`` (``bind`` in the older package)
GRPC_SERVERS = """
(new_expression constructor: [(identifier) @ctor (member_expression property: (property_identifier) @ctor)]
  (#eq? @ctor "Server")) @new
(call_expression function: (member_expression property: (property_identifier) @method)
  arguments: (arguments . (_) @address) (#any-of? @method "bindAsync" "bind")) @bind
"""
GRPC_MODULES = ("@grpc/grpc-js", "grpc")
GRPC_PORT = 50051  # the port gRPC's own examples and most services use
register(LISTEN, SERVES, ROUTES, COMPARES, NEST_ROUTES, CALLS_NAMED, CALLS_BY_NAME, PAIRS, READS, DATA_IF_EXISTS,
         TLS_SERVERS, GRPC_SERVERS)

FOLDER_KEYS = {"dest": "uploads go to", "destination": "uploads go to"}
DATABASE_KEYS = ("filename", "storage")
DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def source_files(tree: SourceTree) -> list[str]:
    """The app's own JavaScript / TypeScript files: not tests, build output or tool configuration."""
    files = []
    for rel in tree.with_suffix(*SOURCE_SUFFIXES):
        name = rel.rsplit("/", 1)[-1]
        stem, _, suffix = name.rpartition(".")
        if rel.startswith(SKIP_DIRS) or "/__tests__/" in rel or "/node_modules/" in rel or name in YARN_FILES:
            continue
        if stem.endswith((".test", ".spec", ".d")) or stem in ("test", "tests", "spec"):
            continue
        lowered = name.lower()
        if suffix in ("js", "mjs", "cjs", "ts", "mts", "cts") and any(
                lowered.startswith(tool) and (lowered[len(tool)] in ".-_" if len(lowered) > len(tool) else False)
                for tool in TOOL_CONFIGS):
            continue
        files.append(rel)
    return files


# -- the program ----------------------------------------------------------------------------------

_PROGRAMS: "weakref.WeakKeyDictionary[SourceTree, Program]" = weakref.WeakKeyDictionary()


def program(tree: SourceTree) -> Program:
    """The modules of ``tree`` (parsed once per tree)."""
    found = _PROGRAMS.get(tree)
    if found is None:
        found = _PROGRAMS[tree] = Program(tree)
    return found


def modules(tree: SourceTree, files: list[str]) -> Iterator[Module]:
    prog = program(tree)
    for rel in files:
        module = prog.module(rel)
        if module is not None:
            yield module


@dataclass
class Found:
    value: Any
    rel: str
    line: int


def _where(value: Value | None, module: Module, node) -> tuple[str, int]:
    return value.loc if value is not None and value.loc else module.loc(node)


# -- env vars -------------------------------------------------------------------------------------

def env_reads(tree: SourceTree, files: list[str]) -> list[Env]:
    prog = program(tree)
    return [env for module in modules(tree, files) for env in prog.env_reads(module)]


def read_env(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for env in env_reads(tree, files):
        rel, line = env.loc or (None, None)
        _record(profile, env.name, _text(env.default), rel, line, _from(env))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _record(profile: Profile, name: str, default: str | None, rel: str | None, line: int | None,
            origin: str = "") -> None:
    if name in SYSTEM_ENV or name.startswith("npm_"):
        return
    if default is not None and (len(default) > 256 or any(ord(c) < 32 or ord(c) == 127 for c in default)):
        default = None  # not a value for compose.yaml and README tables (a template, a multi-line text)
    secret = is_secret(name, default)
    profile.add_env(name, None if secret else default, secret)
    why = "read" + (f" with the default {default!r}{origin}" if default is not None and not secret else "")
    profile.note("env", f"{name}: {why}" + (" (a secret)" if secret else ""), rel, line)


def reads_env(tree: SourceTree, files: list[str], name: str) -> bool:
    return any(env.name == name for env in env_reads(tree, files))


# -- servers and ports ----------------------------------------------------------------------------

def serves_http(tree: SourceTree, files: list[str]) -> tuple[str, int] | None:
    """Where the app starts a server (``.listen(``, ``createServer(``, ``Bun.serve(``, ``serve({ fetch })``)."""
    for module in modules(tree, files):
        calls = module.captures(SERVES).get("call", [])
        if calls:
            return module.rel, syntax.line(calls[0])
    return None


def serves_http_calls(tree: SourceTree, files: list[str]) -> tuple[str, int] | None:
    """Where the app starts an HTTP server: as :func:`serves_http`, but a ``listen()`` with no arguments (a
    class's own method, as a gRPC server wrapper has) is no HTTP server."""
    for module in modules(tree, files):
        for m in module.matches(SERVES):
            call = m["call"][0]
            args = call.child_by_field_name("arguments")
            if "method" in m and (args is None or not [a for a in args.named_children if a.type != "comment"]):
                continue
            return module.rel, syntax.line(call)
    return None


@dataclass
class GrpcServer:
    """A gRPC server the code makes and binds: where it binds, and the port of its address (an int, an
    :class:`Env`, or None when the code doesn't show it)."""
    rel: str
    line: int
    port: Any = None
    address: str = ""  # the address as written


def grpc_server(tree: SourceTree, files: list[str]) -> GrpcServer | None:
    """The first gRPC server of the modules: one that constructs a ``Server`` of @grpc/grpc-js or grpc and
    binds an address (``bindAsync(`0.0.0.0:${PORT}`, ...)``); the module's first such bind."""
    prog = program(tree)
    for module in modules(tree, files):
        found = module.matches(GRPC_SERVERS)
        if not any("new" in m and _is_grpc_server(prog, module, m["new"][0]) for m in found):
            continue
        for m in found:
            if "bind" not in m:
                continue
            call, address = m["bind"][0], m["address"][0]
            port, is_address = _address_port(prog, module, address, 0)
            if not is_address:
                continue  # fn.bind(this): not an address
            rel, line = module.loc(call)
            return GrpcServer(rel, line, port, _short(syntax.text(address)))
        made = next(m["new"][0] for m in found if "new" in m)
        rel, line = module.loc(made)
        return GrpcServer(rel, line)
    return None


def _is_grpc_server(prog: Program, module: Module, new) -> bool:
    target = prog.value(module, new.child_by_field_name("constructor"))
    what = target.value if target is not None else None
    return isinstance(what, tuple) and len(what) == 3 and what[0] == "package" and what[1] in GRPC_MODULES \
        and what[2] == "Server"


def _address_port(prog: Program, module: Module, node, depth: int) -> tuple[Any, bool]:
    """(the port, is it an address) of a ``host:port`` address node: a literal, a template literal or ``+``
    whose last part after the ``:`` is the port (a name, an env read), or a name bound to one of those."""
    if node is None or depth > 3:
        return None, False
    kind = node.type
    if kind in TRANSPARENT:
        return _address_port(prog, module, next((c for c in node.named_children if c.type != "comment"), None),
                             depth + 1)
    port_node = None
    if kind == "template_string":
        parts = [c for c in node.named_children if c.type != "comment"]
        if len(parts) >= 2 and parts[-1].type == "template_substitution" and \
                parts[-2].type == "string_fragment" and syntax.text(parts[-2]).endswith(":"):
            port_node = parts[-1].named_children[0] if parts[-1].named_children else None
    elif kind == "binary_expression" and syntax.text(node.child_by_field_name("operator")) == "+":
        left = prog.value(module, node.child_by_field_name("left"))
        if left is not None and isinstance(left.value, str) and left.value.endswith(":"):
            port_node = node.child_by_field_name("right")
    if port_node is not None:
        port, _origin = _port_of(prog, module, prog.value(module, port_node))
        return port, True
    value = prog.value(module, node)
    if value is not None and isinstance(value.value, str):
        host, colon, port_text = value.value.rpartition(":")
        return (int(port_text) if port_text.isdigit() else None), bool(colon and host)
    if kind == "identifier":
        bound = module.bindings.get(syntax.text(node))
        if bound is not None and not isinstance(bound, tuple):
            return _address_port(prog, module, bound, depth + 1)
    return None, False


def read_grpc_port(tree: SourceTree, files: list[str], grpc: GrpcServer, profile: Profile) -> None:
    """The port of a gRPC server's bind address (before any other port the app has), the env var that gives
    it; a port read from an env var with no default is set in the image (ENV) to gRPC's usual port."""
    at = f"{grpc.rel}:{grpc.line}"
    port = grpc.port
    if isinstance(port, Env):
        number = _int(port.default)
        if number is not None:
            rel, line = port.default_loc or port.loc or (grpc.rel, grpc.line)
            profile.add_port(number, f"the gRPC server binds {grpc.address} (at {at}): {port.name}, which "
                             f"defaults to {number}", rel, line, 0.95)
        profile.add_env(port.name)
        if not profile.port_env:
            profile.port_env = port.name
            rel, line = port.loc or (grpc.rel, grpc.line)
            profile.note("port_env", f"the gRPC server binds {grpc.address} (at {at}), its port from {port.name}",
                         rel, line, 0.9)
    elif isinstance(port, int):
        profile.add_port(port, f"the gRPC server binds {grpc.address}", grpc.rel, grpc.line, 0.95)
    elif not profile.port_env:
        # the address's port comes through names the code doesn't fold (``this.port``): the app's PORT read
        read = next((env for env in env_reads(tree, files) if env.name in PORT_NAMES), None)
        if read is not None:
            profile.port_env = read.name
            profile.add_env(read.name)
            rel, line = read.loc or (grpc.rel, grpc.line)
            profile.note("port_env", f"the gRPC server's address ({grpc.address} at {at}) doesn't show its port; "
                         f"the app reads {read.name}", rel, line, 0.6)
            number = _int(read.default)
            if number is not None:
                profile.add_port(number, f"{read.name} defaults to {number}", rel, line, 0.6)
    if not profile.ports:
        why = f"{profile.port_env} has no default" if profile.port_env else "the code doesn't show the port"
        profile.add_port(GRPC_PORT, f"the gRPC server binds {grpc.address or 'an address'} (at {at}); {why}: "
                         f"{GRPC_PORT} (gRPC's usual port) assumed", grpc.rel, grpc.line, 0.5)


@dataclass
class Tls:
    """Where the app serves HTTPS: ``certain`` when it always does (``tls: { key, cert }``), not when the
    options are decided at run time (``tls: process.env.TLS ? {...} : false``)."""
    what: str
    rel: str
    line: int
    certain: bool


def serves_tls(tree: SourceTree, files: list[str]) -> Tls | None:
    """hapi's server with a ``tls`` option, ``https.createServer(...)``, ``http2.createSecureServer(...)``."""
    prog = program(tree)
    for module in modules(tree, files):
        for m in module.matches(TLS_SERVERS):
            call, fn = m["call"][0], m["fn"][0]
            callee = call.child_by_field_name("function") or call.child_by_field_name("constructor")
            target = prog.value(module, callee)
            what = target.value if target is not None else None
            if not (isinstance(what, tuple) and len(what) == 3 and what[0] == "package"):
                continue
            package = what[1].removeprefix("node:")
            name = syntax.text(fn)
            rel, line = module.loc(call)
            if package in ("https", "http2") and name in ("createServer", "createSecureServer") and \
                    (package == "https") == (name == "createServer"):
                return Tls(f"{package}.{name}()", rel, line, True)
            if package not in HAPI_MODULES or name not in ("server", "Server"):
                continue
            args = [a for a in m["args"][0].named_children if a.type != "comment"]
            options = prog.value(module, args[0]) if args else None
            if options is None or not isinstance(options.value, Obj):
                continue
            node = _pair_value(options.value.node, "tls")
            if node is None:
                continue
            tls = prog.value(options.value.module, node)
            value = tls.value if tls is not None else None
            if value is False or value is None and syntax.text(node) in ("null", "undefined", "false"):
                continue
            where = options.value.module.loc(node)
            return Tls("hapi's server option tls:", where[0], where[1], isinstance(value, Obj) or value is True)
    return None


def _pair_value(obj, key: str):
    """The value node of property ``key`` of an object literal (None when it has none)."""
    for pair in obj.named_children:
        name = pair.child_by_field_name("key") if pair.type == "pair" else None
        if name is not None and (_string(name) if name.type == "string" else syntax.text(name)) == key:
            return pair.child_by_field_name("value")
    return None


_NESTED_SCOPES = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                            "generator_function", "generator_function_declaration", "class_body"})
_NESTED_BREAKABLE = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement",
                               "switch_statement"})


def _leaves(body) -> bool:
    """Whether a loop's body can leave it: a ``break`` (not one of an inner loop or switch), a ``return`` or a
    ``throw`` (not inside an inner function), or a call of ``process.exit``."""
    if body is None:
        return True
    todo = [(body, False)]
    while todo:
        node, inner = todo.pop()
        kind = node.type
        if kind in _NESTED_SCOPES:
            continue
        if kind == "break_statement" and (not inner or node.child_by_field_name("label") is not None):
            return True
        if kind in ("return_statement", "throw_statement"):
            return True
        if kind == "call_expression" and syntax.text(node.child_by_field_name("function")) == "process.exit":
            return True
        nested = inner or kind in _NESTED_BREAKABLE
        todo.extend((child, nested) for child in node.named_children)
    return False


def runs_until_stopped(tree: SourceTree, files: list[str], deps: set[str]) -> tuple[str, str, int] | None:
    """(why, file, line) of the first call that keeps a program with no port running: a discord.js
    ``client.login()``, telegraf's ``bot.launch()``, a node-cron schedule, a ``setInterval`` timer, or a loop
    that never ends (``for (;;)``, ``while (true)`` with no break or return out of it: a queue consumer)."""
    for module in modules(tree, files):
        for match in module.matches(RUNS):
            if "loop" in match:
                loop = match["loop"][0]
                always = match.get("always")
                if (always and syntax.text(always[0]) in ("0", "0.0")) or _leaves(loop.child_by_field_name("body")):
                    continue
                return "loops for ever (a loop with no way out)", module.rel, syntax.line(loop)
            call = match["call"][0]
            if "fn" in match:
                return "sets a timer with setInterval() that keeps it running", module.rel, syntax.line(call)
            method = syntax.text(match["method"][0])
            needs = LONG_RUNNING_CALLS.get(method)
            if needs and needs in deps:
                return f"{method}() of {needs} keeps it running", module.rel, syntax.line(call)
    return None


def _port_of(prog: Program, module: Module, value: Value | None, depth: int = 0) -> tuple[Any, Value | None]:
    """A listen argument as (int port | Env | None, the value it came from)."""
    if value is None or depth > 2:
        return None, None
    v = value.value
    if isinstance(v, Obj):
        return _port_of(prog, module, prog.member(value, "port", 1), depth + 1)
    if isinstance(v, bool):
        return None, None
    if isinstance(v, int):
        return v, value
    if isinstance(v, str) and v.isdigit():
        return int(v), value
    if isinstance(v, Env):
        return v, value
    return None, None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# the first word of a *_PORT name that is another service's port (SMTP_PORT=587), not the app's
CLIENT_PORT_PREFIXES = frozenset({
    "SMTP", "MAIL", "EMAIL", "IMAP", "POP3", "LDAP", "FTP", "SFTP", "SSH", "REDIS", "PG", "POSTGRES", "POSTGRESQL",
    "MYSQL", "MARIADB", "MONGO", "MONGODB", "RABBITMQ", "RABBIT", "AMQP", "ELASTIC", "ELASTICSEARCH", "MEMCACHED",
    "KAFKA", "NATS", "MQTT", "STATSD", "CLICKHOUSE", "CASSANDRA", "INFLUX", "INFLUXDB", "MINIO", "S3", "SENTRY"})


def read_ports(tree: SourceTree, files: list[str], profile: Profile) -> None:
    prog = program(tree)
    reads = {env.name: env for env in env_reads(tree, files)}
    for var in profile.env:
        if var.name not in PORT_NAMES or _int(var.default) is None:
            continue
        env = reads.get(var.name)
        rel, line = (env.loc if env and env.loc else (None, None))
        profile.add_port(int(var.default), f"{var.name} defaults to {var.default}" + _from(env), rel, line, 0.95)
        if not profile.port_env:
            profile.port_env = var.name
            profile.note("port_env", f"the app reads its port from {var.name}", rel, line, 0.95)
    for module in modules(tree, files):
        for m in module.matches(LISTEN):
            call = m["call"][0]
            args = [a for a in m["args"][0].named_children if a.type != "comment"]
            if not args:
                continue
            first = prog.value(module, args[0])
            port, origin = _port_of(prog, module, first)
            listen_at = f"{module.rel}:{syntax.line(call)}"
            if profile.framework == "fastify" and not _gives_host(args, first):
                profile.warnings.append(f"{listen_at}: Fastify listens on localhost unless listen() is given a host: "
                                        "pass host: '0.0.0.0' (e.g. listen({ port, host: '0.0.0.0' })) to be "
                                        "reachable in a container")
            if isinstance(port, Env):
                number = _int(port.default)
                if number is not None:
                    rel, line = port.default_loc or port.loc or module.loc(call)
                    profile.add_port(number, f"listen() on {port.name} (at {listen_at}), which defaults to {number}",
                                     rel, line, 0.95)
                if not profile.port_env:
                    profile.port_env = port.name
                    profile.add_env(port.name)
                    rel, line = port.loc or module.loc(call)
                    profile.note("port_env", f"listen() on {port.name} (at {listen_at})", rel, line, 0.9)
            elif isinstance(port, int):
                rel, line = _where(origin, module, call)
                literal = syntax.text(args[0])
                why = f"listen({port})" if literal == str(port) else \
                    f"listen({_short(literal)}) at {listen_at}, which is {port}"
                profile.add_port(port, why, rel, line, 0.95 if (rel, line) == module.loc(call) else 0.9)
            for arg in args:
                if _is_local(prog.value(module, arg), prog):
                    profile.warnings.append(f"{module.rel}:{syntax.line(call)}: the server listens on localhost "
                                            "only; it must listen on 0.0.0.0 to be reachable in a container")
                    break
    if not profile.ports:
        for var in profile.env:
            if is_port_name(var.name) and _int(var.default) is not None and \
                    var.name.split("_", 1)[0].upper() not in CLIENT_PORT_PREFIXES:
                env = reads.get(var.name)
                rel, line = (env.loc if env and env.loc else (None, None))
                profile.add_port(int(var.default), f"{var.name} defaults to {var.default}", rel, line, 0.7)
                break
    if not profile.ports and not profile.port_env:
        # no listen() call (hapi's server.start(), a framework's own start): server options ``port:
        # process.env.PORT || config.port`` name the port's env var
        _port_env_of_options(prog, tree, files, profile)
    if not profile.ports:
        # a config module that reads the port's env var holds its default (``port: 5006``) before the
        # client options elsewhere (``https.request(url, { port: 443 })``)
        read = reads.get(profile.port_env) if profile.port_env else None
        home = read.loc[0] if read is not None and read.loc else None
        for module in sorted(modules(tree, files), key=lambda mod: mod.rel != home):
            for m in module.matches(PAIRS):
                if _key(m["key"][0]) != "port":
                    continue
                value = prog.value(module, m["value"][0])
                if value is not None and isinstance(value.value, Env) and value.value.name not in PORT_NAMES \
                        and value.value.name != profile.port_env:
                    continue  # port: process.env.SMTP_PORT || 587: another service's port
                port = _int(value.value) if value is not None else None
                if port is None and value is not None and isinstance(value.value, Env):
                    port = _int(value.value.default)
                if port is not None:
                    rel, line = _where(value, module, m["pair"][0])
                    profile.add_port(port, f"port: {port}", rel, line, 0.7)
                    return


def _port_env_of_options(prog, tree: SourceTree, files: list[str], profile: Profile) -> None:
    for module in modules(tree, files):
        for m in module.matches(PAIRS):
            if _key(m["key"][0]) != "port":
                continue
            value = prog.value(module, m["value"][0])
            env = value.value if value is not None else None
            if isinstance(env, Env) and env.name in PORT_NAMES:
                profile.port_env = env.name
                profile.add_env(env.name)
                rel, line = module.loc(m["pair"][0])
                profile.note("port_env", f"port: {_short(syntax.text(m['value'][0]))} in the server's options",
                             rel, line, 0.85)
                number = _int(env.default)
                if number is not None:
                    profile.add_port(number, f"{env.name} defaults to {number}", rel, line, 0.85)
                return


def _from(env: Env | None) -> str:
    """Where a default written away from the read is: ``(src/config.js:3)``."""
    if env is None or env.default_loc is None or env.loc is None or env.default_loc == env.loc:
        return ""
    return f" (written at {env.default_loc[0]}:{env.default_loc[1]})"


def _gives_host(args: list, first: Value | None) -> bool:
    """Does a listen() call name the address: ``{ host }`` / ``{ address }`` or a second argument that is no
    callback (``listen(port, '0.0.0.0')``)?"""
    if first is not None and isinstance(first.value, Obj):
        return any(pair.type == "pair" and _key(pair.child_by_field_name("key")).strip("'\"") in ("host", "address")
                   or pair.type == "shorthand_property_identifier" and syntax.text(pair) in ("host", "address")
                   or pair.type == "spread_element" for pair in first.value.node.named_children)
    if args[0].type == "object":
        return True  # an object that does not fold: say nothing
    return len(args) > 1 and args[1].type not in ("arrow_function", "function_expression", "function")


def _is_local(value: Value | None, prog: Program) -> bool:
    if value is None:
        return False
    if isinstance(value.value, Obj):
        host = prog.member(value, "host", 1) or prog.member(value, "hostname", 1)
        return host is not None and host.value in LOCAL_HOSTS
    return isinstance(value.value, str) and value.value in LOCAL_HOSTS


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _key(node) -> str:
    return syntax.text(node)


# -- routes ------------------------------------------------------------------------------------------

def routes(tree: SourceTree, files: list[str], guarded_too: bool = True) -> list[tuple[str, str, int]]:
    """(path, file, line) of the routes the app serves, in file order; those behind a login middleware last,
    or left out (``guarded_too=False``)."""
    prog = program(tree)
    found: list[tuple[str, str, int]] = []
    guarded: list[tuple[str, str, int]] = []  # behind an auth middleware: probed only when nothing else answers
    mounts = _mount_prefixes(tree, files)
    for module in modules(tree, files):
        for m in module.matches(ROUTES):
            value = prog.value(module, m["path"][0])
            if value is not None and isinstance(value.value, Obj):  # fastify.route / server.route({ url, path })
                value = prog.member(value, "url", 1) or prog.member(value, "path", 1)
            else:
                handlers = _get_handlers(m["call"][0], syntax.text(m["method"][0]))
                if handlers is None:
                    continue  # router.route('/x').post(...): no GET
                into = guarded if _guarded(handlers) else found
                if module.rel in mounts and value is not None and isinstance(value.value, str):
                    for prefix in mounts[module.rel]:  # a router's routes answer under its mount prefix
                        _route(into, Value(_join_path(prefix, value.value), value.loc), module, m["call"][0])
                    continue
                _route(into, value, module, m["call"][0])
                continue
            _route(found, value, module, m["call"][0])
        for m in module.matches(COMPARES):
            if "case" in m:
                _route(found, prog.value(module, m["case"][0]), module, m["case"][0])
                continue
            left, right = m["left"][0], m["right"][0]
            for subject, other in ((left, right), (right, left)):
                if _names_a_path(subject):
                    _route(found, prog.value(module, other), module, m["compare"][0])
        for m in module.matches(NEST_ROUTES):
            args = [a for a in m["args"][0].named_children if a.type != "comment"]
            path = prog.value(module, args[0]) if args else Value("", None)
            prefix = _controller_prefix(prog, module, m["decorator"][0])
            if path is None or prefix is None or not isinstance(path.value, str):
                continue
            joined = "/" + "/".join(p.strip("/") for p in (prefix, path.value) if p.strip("/"))
            found.append((joined, module.rel, syntax.line(m["decorator"][0])))
    return found + guarded if guarded_too else found


def _route(found: list, value: Value | None, module: Module, node) -> None:
    if value is None or not isinstance(value.value, str):
        return
    path = value.value
    # a plain path: it goes into the HEALTHCHECK command as it is
    if not path.startswith("/") or len(path) > 200 or not all(c.isalnum() and c.isascii() or c in "/-._~"
                                                              for c in path):
        return
    found.append((path, module.rel, syntax.line(node)))


# Express routers mounted by a prefix: ``app.use('/api/orders', orderRoutes)`` (imported) or
# ``app.use('/api/users', require('./routes/users'))``.
MOUNTS = """
(call_expression function: (member_expression property: (property_identifier) @method)
  arguments: (arguments . (_) @prefix) @args (#eq? @method "use")) @call
"""
register(MOUNTS)
# Middleware names that guard a route with a login (protect, requireAuth, passport.authenticate, verifyToken ...).
GUARD_WORDS = ("auth", "protect", "login", "loggedin", "signedin", "token", "jwt", "admin", "guard", "permission")


def _mount_prefixes(tree: SourceTree, files: list[str]) -> dict[str, list[str]]:
    """Module -> the path prefixes it is mounted under, for the modules an Express app (or a router mounted
    itself) mounts with ``use(prefix, router)``; a router mounted under another gets both prefixes."""
    prog = program(tree)
    edges: list[tuple[str, str, str]] = []  # (mounting module, prefix, mounted module)
    for module in modules(tree, files):
        for m in module.matches(MOUNTS):
            prefix = prog.value(module, m["prefix"][0])
            if prefix is None or not isinstance(prefix.value, str) or not prefix.value.startswith("/"):
                continue
            for arg in [a for a in m["args"][0].named_children if a.type != "comment"][1:]:
                target = _imported_module(prog, module, arg)
                if target is not None and target.rel != module.rel:
                    edges.append((module.rel, prefix.value, target.rel))
    mounted = {child for _, _, child in edges}
    prefixes: dict[str, list[str]] = {}

    def full(rel: str, depth: int) -> list[str]:
        if rel not in mounted:
            return [""]
        if depth > 4:
            return []
        return [_join_path(above, prefix) for parent, prefix, child in edges if child == rel
                for above in full(parent, depth + 1)]

    for rel in mounted:
        prefixes[rel] = list(dict.fromkeys(full(rel, 0)))
    return prefixes


def _imported_module(prog: Program, module: Module, node) -> Module | None:
    """The app's module an identifier is imported from (default or namespace import, ``require``), or that an
    inline ``require('./routes/x')`` names."""
    spec = None
    if node.type == "identifier":
        bound = module.bindings.get(syntax.text(node))
        if isinstance(bound, tuple) and bound[0] in ("import", "require") and \
                (bound[0] == "require" or bound[2] == "default"):
            spec = bound[1]
        elif getattr(bound, "type", None) == "call_expression":
            node = bound
    if node.type == "call_expression":
        fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        first = next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None
        if fn is not None and syntax.text(fn) == "require" and first is not None and first.type == "string":
            spec = _string(first)
    return prog.resolve(module, spec) if spec else None


def _join_path(prefix: str, path: str) -> str:
    """Express's join of a mount prefix and a route: ``/api/orders`` + ``/`` is ``/api/orders``."""
    return "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))


def _get_handlers(call, method: str) -> list | None:
    """The handler arguments of the GET a route call answers: ``router.get('/', protect, list)`` ->
    [protect, list]; ``router.route('/').post(...).get(protect, list)`` -> the .get's; None when a
    ``route()`` chain has no GET (nor all / head)."""
    args = call.child_by_field_name("arguments")
    if method != "route":
        return [a for a in args.named_children if a.type != "comment"][1:] if args is not None else []
    node, chained = call, []
    while node.parent is not None and node.parent.type == "member_expression" and \
            node.parent.parent is not None and node.parent.parent.type == "call_expression":
        prop = node.parent.child_by_field_name("property")
        node = node.parent.parent
        chained.append((syntax.text(prop) if prop is not None else "", node.child_by_field_name("arguments")))
    if not chained:
        return []
    for name, arguments in chained:
        if name in ("get", "all", "head"):
            return [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    return None


def _guarded(handlers: list) -> bool:
    """Whether a middleware before the last handler has a login guard's name (``protect``, ``requireAuth``,
    ``passport.authenticate('jwt')``, ``auth.required``)."""
    for node in handlers[:-1]:
        while node.type == "call_expression":
            node = node.child_by_field_name("function")
        names = [syntax.text(node)] if node.type == "identifier" else \
            [syntax.text(n) for n in (node.child_by_field_name("object"), node.child_by_field_name("property"))
             if n is not None and n.type in ("identifier", "property_identifier")] \
            if node.type == "member_expression" else []
        if any(word in name.lower() for name in names for word in GUARD_WORDS):
            return True
    return False


def _names_a_path(node) -> bool:
    """``url``, ``req.url``, ``pathname``, ``url.pathname``, ``path``: what a hand-written router compares."""
    if node.type == "identifier":
        name = syntax.text(node)
    elif node.type == "member_expression":
        name = syntax.text(node.child_by_field_name("property"))
    else:
        return False
    return name.lower() in ("url", "pathname", "path", "route")


def _controller_prefix(prog: Program, module: Module, decorator) -> str | None:
    """The path of the ``@Controller(...)`` of the class a NestJS method decorator is in."""
    body = decorator.parent
    if body is None or body.type != "class_body":
        return None
    cls = body.parent
    holders = [cls] + ([cls.parent] if cls is not None and cls.parent is not None
                       and cls.parent.type == "export_statement" else [])
    for holder in holders:
        for child in holder.children if holder is not None else []:
            if child.type != "decorator":
                continue
            call = next((c for c in child.named_children if c.type == "call_expression"), None)
            if call is None or syntax.text(call.child_by_field_name("function")) != "Controller":
                continue
            args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
            if not args:
                return ""
            value = prog.value(module, args[0])
            if value is not None and isinstance(value.value, Obj):
                value = prog.member(value, "path", 1)
            return value.value if value is not None and isinstance(value.value, str) else None
    return None


def read_health_path(tree: SourceTree, files: list[str], profile: Profile) -> None:
    # a route anyone may GET first: behind a login it answers 401 to the probe
    found = routes(tree, files)
    open_routes = routes(tree, files, guarded_too=False)
    choose_health_path(profile, open_routes if open_routes else found)


# -- folders written ---------------------------------------------------------------------------------

def _path_text(value: Value | None) -> str | None:
    """A written path as the app names it: relative to its folder (``Dir``) or as written."""
    if value is None:
        return None
    if isinstance(value.value, Dir):
        return value.value.path or "."
    if isinstance(value.value, Env) and isinstance(value.value.default, str):  # process.env.X || 'data/app.db'
        value = Value(value.value.default, value.loc)
    if isinstance(value.value, str) and value.value and "\n" not in value.value and "\0" not in value.value:
        return value.value
    return None


def _binds_sqlite(binding) -> bool:
    """Whether a module binding is the default export of better-sqlite3 (an import or a require() call)."""
    if isinstance(binding, tuple):
        return binding[0] in ("import", "require") and binding[1] in SQLITE_MODULES and \
            (binding[0] == "require" or binding[2] == "default")
    if getattr(binding, "type", None) != "call_expression":
        return False
    fn, args = binding.child_by_field_name("function"), binding.child_by_field_name("arguments")
    if fn is None or args is None or fn.type != "identifier" or syntax.text(fn) != "require":
        return False
    first = next(iter(args.named_children), None)
    return first is not None and first.type == "string" and syntax.text(first)[1:-1] in SQLITE_MODULES


def written_paths(tree: SourceTree, files: list[str]) -> list[tuple[str, str, str, int]]:
    """(kind, path, file, line) of what the app writes: folders it creates, files it writes, uploads, SQLite."""
    prog = program(tree)
    found: list[tuple[str, str, str, int]] = []
    for module in modules(tree, files):
        for m in module.matches(CALLS_NAMED):
            fn = syntax.text(m["fn"][0])
            value = prog.value(module, m["arg"][0])
            path = _path_text(value)
            if path is None:
                continue
            kind = "creates the folder" if fn.startswith(("mkdir", "ensureDir")) else \
                "a SQLite database at" if fn in ("Database", "better-sqlite3") else "writes"
            found.append((kind, path, module.rel, syntax.line(m["call"][0])))
        sqlite_names = {name for name in module.bindings if _binds_sqlite(module.bindings[name])} - {"Database"}
        if sqlite_names:
            for m in module.matches(CALLS_BY_NAME):
                if syntax.text(m["fn"][0]) not in sqlite_names:
                    continue
                path = _path_text(prog.value(module, m["arg"][0]))
                if path is not None:
                    found.append(("a SQLite database at", path, module.rel, syntax.line(m["call"][0])))
        for m in module.matches(PAIRS):
            key = _key(m["key"][0])
            if key not in FOLDER_KEYS and key not in DATABASE_KEYS:
                continue
            value = prog.value(module, m["value"][0])
            path = _path_text(value)
            if path is None:
                continue
            if key in FOLDER_KEYS:
                found.append((FOLDER_KEYS[key], path, module.rel, syntax.line(m["pair"][0])))
            elif path.endswith(DATABASE_SUFFIXES) and ":" not in path:
                found.append(("a SQLite database at", path, module.rel, syntax.line(m["pair"][0])))
        for m in module.matches(DISK_STORAGE):
            for rel_line in _storage_destinations(prog, module, m["options"][0]):
                found.append(("uploads go to",) + rel_line)
        for m in module.matches(DATA_IF_EXISTS):
            checked, used = syntax.text(m["checked"][0]), syntax.text(m["used"][0])
            if checked == used and checked.startswith("/") and checked.strip("/"):
                found.append(("keeps its data in", checked.rstrip("/"), module.rel,
                              syntax.line(m["ternary"][0])))
    return found


# multer.diskStorage({ destination(req, file, cb) { cb(null, 'uploads/') } }): the folder the callback gives
DISK_STORAGE = """
(call_expression function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  arguments: (arguments . (object) @options) (#eq? @fn "diskStorage")) @call
"""
register(DISK_STORAGE)


def _storage_destinations(prog: Program, module: Module, options) -> list[tuple[str, str, int]]:
    """(path, file, line) of the folders a ``destination`` function hands its callback (``cb(null, 'uploads/')``);
    a ``destination: 'uploads/'`` string is one of the PAIRS."""
    found = []
    for member in options.named_children:
        if member.type == "method_definition":
            name, fn = member.child_by_field_name("name"), member
        elif member.type == "pair":
            name, fn = member.child_by_field_name("key"), member.child_by_field_name("value")
        else:
            continue
        if name is None or _key(name).strip("'\"") != "destination" or fn is None or \
                fn.type not in ("method_definition", "function_expression", "function", "arrow_function"):
            continue
        params = fn.child_by_field_name("parameters")
        names = [syntax.text(p) for p in (params.named_children if params is not None else []) if p.type == "identifier"]
        if len(names) < 3:
            continue
        for call in _calls_of(fn.child_by_field_name("body"), names[2]):
            args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
            path = _path_text(prog.value(module, args[1])) if len(args) > 1 else None
            if path is not None:
                found.append((path, module.rel, syntax.line(call)))
    return found


def _calls_of(node, name: str) -> Iterator:
    """The calls of the function named ``name`` under ``node``."""
    if node is None:
        return
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and syntax.text(fn) == name:
            yield node
    for child in node.named_children:
        yield from _calls_of(child, name)


def files_read(tree: SourceTree, files: list[str]) -> list[tuple[str, str, int]]:
    """(path, file, line) of the files the app reads by a literal name (``fs.readFileSync('certs/key.pem')``)."""
    prog = program(tree)
    found: list[tuple[str, str, int]] = []
    for module in modules(tree, files):
        for m in module.matches(READS):
            path = _path_text(prog.value(module, m["arg"][0]))
            if path and path != ".":
                found.append((path, module.rel, syntax.line(m["call"][0])))
    return found


# Files the generated .dockerignore leaves out of the image (secrets and local settings).
KEPT_OUT_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".secret")


def read_kept_out(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """A warning for each file the app reads that the image won't have (.env, keys, secrets/)."""
    for path, rel, line in files_read(tree, files):
        name = posixpath.basename(path)
        parts = posixpath.normpath(path).split("/")
        if (name == ".env" or name.startswith(".env.") and name != ".env.example") or \
                name.endswith(KEPT_OUT_SUFFIXES) or "secrets" in parts[:-1]:
            profile.warnings.append(f"{rel}:{line}: the app reads {path}, which .dockerignore keeps out of the "
                                    "image: give it at run time (a secret or a mounted file)")
            profile.note("files_read", f"reads {path} (kept out of the image)", rel, line, 0.8)


PROJECT_FILES = ("package.json", "package-lock.json", "readme", "license", "changelog", "tsconfig.json")


def _project_file(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return name in PROJECT_FILES or name.rsplit(".", 1)[0] in PROJECT_FILES


def read_paths(tree: SourceTree, files: list[str], profile: Profile, workdir: str) -> None:
    """Folders the app writes at run time: they become volumes owned by the app user."""
    found: dict[str, tuple[str, int, str]] = {}
    for kind, path, rel, line in written_paths(tree, files):
        if path.startswith(("http:", "https:", "/tmp", "/dev", "/proc", "/sys")) or path in (".", "./") \
                or ":memory:" in path:
            continue
        folder = path if kind in ("creates the folder", "uploads go to", "keeps its data in") \
            else posixpath.dirname(path)
        if kind == "writes" and (not folder or folder == ".") and _project_file(path):
            continue  # a release script bumping package.json or rewriting README.md: not run by the server
        if not folder or folder == ".":
            if kind == "a SQLite database at":
                profile.warnings.append(f"{rel}:{line}: the SQLite database {path!r} is created in the app's own "
                                        "folder, which the app user can't write in the image (the app fails to "
                                        "open it) and which no volume keeps: open it in a sub-folder such as "
                                        "data/ (that folder becomes a volume owned by the app user)")
            else:
                profile.warnings.append(f"{rel}:{line}: the app writes {path!r} inside its own folder; "
                                        "point it at a sub-folder to keep the data on a volume")
            continue
        found.setdefault(folder.rstrip("/"), (rel, line, f"{kind} {path}"))
    for folder, (rel, line, why) in sorted(found.items()):
        absolute = folder if folder.startswith("/") else posixpath.normpath(posixpath.join(workdir, folder))
        if absolute == workdir or not absolute.startswith(workdir + "/") and not folder.startswith("/"):
            continue
        if not _safe_path(absolute):
            profile.warnings.append(f"{rel}:{line}: writable_paths={absolute!r} is not a folder the app may own "
                                    "(spaces or shell characters); left out")
            continue
        if absolute not in profile.writable_paths:
            profile.writable_paths.append(absolute)
            profile.note("writable_paths", why, rel, line, 0.8)


def _safe_path(path: str) -> bool:
    """A folder that can go in a Dockerfile RUN line and a compose volume as it is."""
    return path.startswith("/") and path != "/" and all(c.isalnum() or c in "/._-@+" for c in path)


# -- configuration files written in JavaScript ----------------------------------------------------------

def config_value(tree: SourceTree, rel: str, key: str) -> tuple[Any, int] | None:
    """The literal value of the first ``key: ...`` property in a config file (vite.config.ts, next.config.mjs)."""
    if grammar_of(rel) is None or not tree.exists(rel):
        return None
    prog = program(tree)
    module = prog.module(rel)
    if module is None:
        return None
    for m in module.matches(PAIRS):
        if _key(m["key"][0]) == key:
            value = prog.value(module, m["value"][0])
            if value is not None and not isinstance(value.value, (Obj, Env, Dir)):
                return value.value, syntax.line(m["pair"][0])
    return None


def bundle_env_names(tree: SourceTree, files: list[str]) -> set[str]:
    """Env vars a bundler compiles in: ``import.meta.env.VITE_*`` / ``PUBLIC_*``, ``process.env.REACT_APP_*``,
    ``process.env.NEXT_PUBLIC_*``, ``process.env.GATSBY_*``."""
    return set(bundle_env(tree, files))


# process.env.<prefix>* that a bundler replaces at build time (Nuxt's NUXT_PUBLIC_* are read at run time)
BUNDLED_PROCESS_ENV = ("REACT_APP_", "NEXT_PUBLIC_", "GATSBY_")


def bundle_env(tree: SourceTree, files: list[str]) -> dict[str, str | None]:
    """The env vars a bundler compiles in, each with the literal the code falls back to (``|| '/api'``,
    ``?? 'Shop'``) when it gives one, else None; the first default read wins."""
    found: dict[str, str | None] = {}
    for rel in files:
        for grammar, root in _script_trees(tree, rel):
            reads = [(m[1]["name"][0], m[1]["read"][0], ("VITE_", "PUBLIC_"))
                     for m in syntax.matches(grammar, BUNDLE_ENV, root)]
            reads += [(m[1]["name"][0], m[1]["read"][0], BUNDLED_PROCESS_ENV)
                      for m in syntax.matches(grammar, ENV_DOT, root)]
            for name_node, read, prefixes in sorted(reads, key=lambda r: r[1].start_byte):
                name = syntax.text(name_node)
                if not name.startswith(prefixes) or not is_env_name(name):
                    continue
                default = _literal_fallback(read)
                if found.get(name) is None:
                    found[name] = default
    return found


def _literal_fallback(read) -> str | None:
    """The literal an env read falls back to: ``X || 'a'``, ``X ?? Y ?? 'a'``, ``(X as string) || 'a'``."""
    node = read
    for _ in range(12):
        parent = node.parent
        if parent is None:
            return None
        if parent.type in TRANSPARENT:
            node = parent
            continue
        if parent.type != "binary_expression" or syntax.text(parent.child_by_field_name("operator")) not in ("||", "??"):
            return None
        if parent.child_by_field_name("left") == node:
            right = parent.child_by_field_name("right")
            while right is not None and right.type in TRANSPARENT:
                right = next((c for c in right.named_children if c.type != "comment"), None)
            if right is not None and right.type in ("string", "template_string"):
                text = _string(right)
                if text is not None:
                    return text
            elif right is not None and right.type == "number":
                return syntax.text(right)
        node = parent
    return None


ENV_DOT = """
(member_expression object: (member_expression object: (identifier) @obj property: (property_identifier) @env)
  property: (property_identifier) @name (#eq? @obj "process") (#eq? @env "env")) @read
"""


def _script_trees(tree: SourceTree, rel: str) -> Iterator[tuple[str, Any]]:
    """Parse trees of a source file, or of the ``<script>`` blocks of a .vue / .svelte component."""
    grammar = grammar_of(rel)
    if grammar:
        parsed = tree.parse(rel, grammar)
        if parsed is not None:
            yield grammar, parsed.root_node
        return
    text = tree.read(rel)
    if not text:
        return
    lowered = text.lower()
    start = 0
    while True:
        open_at = lowered.find("<script", start)
        if open_at < 0:
            return
        body_at = lowered.find(">", open_at)
        close_at = lowered.find("</script", body_at) if body_at >= 0 else -1
        if body_at < 0 or close_at < 0:
            return
        attrs = lowered[open_at:body_at]
        grammar = "typescript" if 'lang="ts"' in attrs or "lang='ts'" in attrs else "javascript"
        yield grammar, syntax.parse(grammar, text[body_at + 1:close_at]).root_node
        start = close_at + 8
