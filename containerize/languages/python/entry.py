"""How a Python app starts: framework, server and command line.

Every fact comes from the files' ``ast`` trees: app objects (``app = Flask(...)``),
app factories, ``if __name__ == "__main__":`` guards, the server calls they
reach (``uvicorn.run``, ``app.run``, ``serve_forever``, ...), top-level
statements, and the imports between the project's own files. A file that
doesn't parse (Python 2, say) is read at the token level for its main guard
only, and its evidence says so. Procfile and pyproject.toml are configuration,
read as such.
"""
from __future__ import annotations

import ast
import re
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable

from ...scan import SourceTree
from ...workers import procfile_commands
from . import values
from .imports import token_facts
from .values import walk
from .manifests import Manifests

GUNICORN = "gunicorn>=23,<24"
UVICORN = "uvicorn[standard]>=0.30,<1"
HYPERCORN = "hypercorn>=0.17,<1"

# app classes -> framework; ASGI ones are served by uvicorn
ASGI_CLASSES = {"FastAPI": "fastapi", "Starlette": "starlette", "Quart": "quart", "Litestar": "litestar",
                "FastHTML": "fasthtml", "fast_app": "fasthtml", "falcon.asgi.App": "falcon"}
# calls that return an (app, ...) tuple: FastHTML's `app, rt = fast_app()`
APP_TUPLES = {"fast_app"}
# frameworks whose package brings uvicorn with it, and the port their own serve() uses
BRINGS_UVICORN = {"fasthtml": 5001}
# frameworks whose package brings hypercorn with it (Quart depends on it)
BRINGS_HYPERCORN = {"quart"}
# a dependency's extras that bring a server with them: (distribution, extra) -> the server
SERVER_EXTRAS = {("fastapi", "standard"): "uvicorn", ("fastapi", "standard-no-fastapi-cloud-cli"): "uvicorn",
                 ("fastapi", "all"): "uvicorn", ("fastapi-cli", "standard"): "uvicorn",
                 ("litestar", "standard"): "uvicorn", ("uvicorn", "standard"): "uvicorn"}


def servers_brought(extras: dict[str, set[str]]) -> set[str]:
    """The servers the declared dependencies bring through their extras (``fastapi[standard]``: uvicorn)."""
    return {SERVER_EXTRAS[(name, extra)] for name, wanted in extras.items() for extra in wanted
            if (name, extra) in SERVER_EXTRAS}
# `server = app.server` of a Dash app: the Flask (WSGI) app gunicorn serves
DASH_SERVER = "Dash.server"
WSGI_CLASSES = {"Flask": "flask", DASH_SERVER: "dash", "falcon.App": "falcon"}
# app classes whose last name says too little (``App``): known by their whole dotted name
DOTTED_CLASSES = {"falcon.App": "falcon.App", "falcon.API": "falcon.App", "falcon.asgi.App": "falcon.asgi.App"}
# frameworks started by their own command line: class -> (framework, argv before the app, default port)
CLI_CLASSES = {"Sanic": ("sanic", ["sanic"], 8000)}
# the port a server call listens on when the code names none
SERVER_CALL_PORTS = {"run_app": 8080}  # aiohttp's web.run_app
# objects whose .run(...) starts a web server
SERVING_CLASSES = {*ASGI_CLASSES, *WSGI_CLASSES, "Sanic", "Bottle", "Dash", "Application", "SocketIO"}
FACTORIES = ("create_app", "make_app")
CELERY_CLASSES = {"Celery"}
# Gradio's apps: their .launch() starts the web server (on 127.0.0.1:7860 unless told otherwise)
GRADIO_CLASSES = {"Interface", "Blocks", "ChatInterface", "TabbedInterface"}
GRADIO_PORT = 7860
# grpcio's server constructors (after import aliases): the server starts with its .start()
GRPC_SERVERS = ("grpc.server", "grpc.aio.server")
GRPC_PORT = 50051  # the port gRPC's own examples and most services use
DASH_PORT = 8050
# file names a person gives the file that starts the program
START_NAMES = ("main.py", "__main__.py", "app.py", "run.py", "bot.py", "job.py", "cli.py", "server.py",
               "worker.py", "start.py")
# never a start command of their own
NOT_STARTS = {"setup.py", "conftest.py", "tests.py", "test.py", "manage.py", "gunicorn.conf.py", "noxfile.py",
              "fabfile.py", "tasks.py", "wsgi.py", "asgi.py", "settings.py", "urls.py", "models.py", "admin.py", "apps.py"}
# calls that declare or configure rather than do: a module made of them is not a script
DECLARATIVE = {"load_dotenv", "basicConfig", "dictConfig", "fileConfig", "filterwarnings", "simplefilter",
               "setdefault", "register", "register_blueprint", "include_router", "add_url_rule", "add_middleware",
               "add_exception_handler", "mount", "add_route", "add_api_route", "add_resource", "setup", "configure",
               "config_from_object", "autodiscover_tasks", "from_object", "from_envvar", "from_pyfile",
               "from_mapping", "init_app", "patch_all", "monkey_patch", "set_event_loop_policy", "disable_warnings",
               "setLevel", "addHandler", "update", "seed", "use", "install", "extend", "append", "insert"}
_IDENT = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


@dataclass
class Start:
    framework: str | None
    argv: list[str]
    why: str
    file: str | None
    line: int | None
    confidence: float
    server: bool
    extra_packages: tuple[str, ...] = ()
    default_port: int | None = None
    # the author said so (Procfile, console script), a framework, or a guess from a script's shape
    order: int = 0
    # a Procfile process is given its port in $PORT; False for a Makefile recipe that doesn't read it
    given_port: bool = True
    grpc: bool = False  # the server is a gRPC server (HTTP/2 with its own framing: no HTTP/1 GET answers)


def root_of(rel: str, roots: tuple[str, ...] = ("src",)) -> str:
    """The folder of ``roots`` (those the project's packages live in, deepest first) that holds the file, or
    "" for one outside them all (imported from the project's root)."""
    return next((root for root in roots if rel.startswith(root + "/")), "")


def module_of(rel: str, roots: tuple[str, ...] = ("src",)) -> str:
    """The module a file is imported as: ``app.server.asgi`` for src/py/app/server/asgi.py when the packages
    live in src/py."""
    root = root_of(rel, roots)
    path = rel[len(root) + 1:-3] if root else rel[:-3]
    path = path.removesuffix("/__init__")
    return path.replace("/", ".")


# -- what one file says -------------------------------------------------------------------
@dataclass
class FileFacts:
    rel: str
    parses: bool = True
    apps: list[tuple[str, str, int]] = field(default_factory=list)  # (variable, class, line), top level
    factories: list[tuple[str, int, str | None]] = field(default_factory=list)  # (name, line, class built)
    guard: int | None = None  # line of `if __name__ == "__main__":`
    server: tuple[str, int] | None = None  # (call, line) of a server start the file reaches when run
    serves_anywhere: bool = False
    # top-level functions that reach a server call (themselves or through the file's functions they call):
    # name -> the call (``app.run``); filled only for a file with a server call somewhere
    serving_functions: dict[str, str] = field(default_factory=dict)
    action: int | None = None  # line of the first top-level statement that does something
    imports: set[str] = field(default_factory=set)  # dotted names of modules it imports
    shebang: bool = False
    executable: bool = False
    wsgi_application: tuple[str, str, int] | None = None
    django_wsgi: int | None = None  # line of a module-level `application = get_wsgi_application()`
    # app variables made by calling a function of the same file that builds the app: variable -> function
    made_by: dict[str, str] = field(default_factory=dict)
    cli_apps: list[tuple[str, str, int]] = field(default_factory=list)  # (variable, class, line): `sanic m:app`
    celery: tuple[str, int] | None = None  # (variable, line) of a module-level `x = Celery(...)`
    grpc_servers: set[str] = field(default_factory=set)  # names bound to grpc.server() / grpc.aio.server()
    # Gradio apps other files may import: top-level names bound to one, and functions that build one
    gradio_apps: set[str] = field(default_factory=set)
    gradio_builders: set[str] = field(default_factory=set)
    gradio_served: bool = False  # the server it starts is a Gradio app's launch(), wherever the app was made


def _dotted(node: ast.AST) -> str | None:
    """``uvicorn.run`` for the callee of ``uvicorn.run(...)``; a call inside the chain reads as its callee's
    name (``web.Application().run`` -> ``web.Application.run``); None for anything else."""
    if node.__class__ is ast.Name:
        return node.id
    parts: list[str] = []
    while True:
        kind = node.__class__
        if kind is ast.Attribute:
            parts.append(node.attr)
            node = node.value
        elif kind is ast.Call:
            node = node.func
        elif kind is ast.Name:
            parts.append(node.id)
            return ".".join(reversed(parts))
        else:
            return None


def _class_called(value: ast.AST | None) -> str | None:
    """``Flask`` for ``Flask(__name__)`` or ``flask.Flask(...)``."""
    if isinstance(value, ast.Call):
        name = _dotted(value.func)
        if name:
            return name.rsplit(".", 1)[-1]
    return None


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return bool(names and consts)


def _server_call(call: ast.Call, app_vars: set[str], grpc_vars: frozenset[str] | set[str] = frozenset()) -> str | None:
    """The call's name when it starts a network server, else None; ``grpc_vars``: the names (``server``,
    ``self.server``) bound to a gRPC server, whose ``.start()`` starts it."""
    name = _dotted(call.func)
    if not name:
        return None
    base, _, last = name.rpartition(".")
    keywords = {k.arg for k in call.keywords if k.arg} if call.keywords else set()
    if name in ("uvicorn.run", "hypercorn.run", "waitress.serve", "bjoern.run", "cheroot.wsgi.Server"):
        return name
    if last in ("run_app", "run_simple", "make_server", "serve_forever", "HTTPServer", "ThreadingHTTPServer",
                "TCPServer", "ThreadingTCPServer", "run_server", "start_server"):
        return name
    if base in ("asyncio", "subprocess", "trio", "anyio", "multiprocessing", "os", "unittest", "pytest"):
        return None
    if last == "serve" and (call.args or keywords & {"host", "port", "listen", "bind"}):
        return name
    if last == "run" and (base.rsplit(".", 1)[-1] in app_vars or base.split(".")[0] in app_vars
                          or keywords & {"host", "port"} or base in ("bottle", "socketio", "web")):
        return name
    if last == "listen" and base in app_vars:
        return name
    if last == "start" and not call.args and base in grpc_vars:
        return name
    if last == "launch" and (_launched(base) in app_vars or base.rsplit(".", 1)[-1] in GRADIO_CLASSES):
        return name  # a Gradio app: demo.launch(), demo.queue().launch(), gr.Interface(...).launch()
    return None


def _launched(base: str) -> str:
    """The Gradio app a ``launch()`` is called on: ``demo`` for ``demo.queue(...).launch()``."""
    while base.endswith(".queue"):
        base = base[:-len(".queue")]
    return base


def _builds_gradio(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function makes a Gradio app (``with gr.Blocks() as demo: ... return demo``)."""
    return any(_class_called(n) in GRADIO_CLASSES for n in walk(function) if n.__class__ is ast.Call)


_READING: set[tuple[int, str]] = set()  # files whose facts are being read: an import cycle stops there


def _imported_gradio(tree: SourceTree, mod, rel: str, name: str, builder: bool) -> bool:
    """``name`` (``demo``, ``ui.demo``) is a Gradio app (or, with ``builder``, a function that builds one)
    that this file imports from another file of the project."""
    head, _, attr = name.partition(".")
    found = mod.imports.get(head)
    if found is None or "." in attr:
        return False
    other, imported = found
    wanted = imported if not attr else (attr if imported is None else None)
    if not wanted or other == rel or (id(tree), other) in _READING:
        return False
    facts = file_facts(tree, other)
    return wanted in (facts.gradio_builders if builder else facts.gradio_apps)


def _is_action(node: ast.stmt) -> bool:
    """A top-level statement that does something when the file runs (not a definition or configuration)."""
    if isinstance(node, ast.Expr):
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        if not isinstance(value, ast.Call):
            return False
        name = _dotted(value.func) or ""
        if name.startswith(("sys.path.", "logging.", "warnings.", "os.environ.", "django.", "sentry_sdk.")):
            return False
        return name.rsplit(".", 1)[-1] not in DECLARATIVE
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
        return True
    if isinstance(node, ast.If):
        return any(_is_action(n) for n in node.body + node.orelse)
    if isinstance(node, ast.Try):
        return any(_is_action(n) for n in node.body + node.orelse + node.finalbody)
    return False


def _imports(nodes: list[ast.AST], rel: str) -> set[str]:
    """Every dotted module name the file imports, relative ones resolved against its folder;
    a plain ``import helpers`` also names ``<its folder>.helpers`` (a script's folder is on sys.path)."""
    folder = rel.split("/")[:-1]
    names: set[str] = set()

    def add(name: str) -> None:
        names.add(name)
        if folder:
            names.add(".".join(folder + [name]))

    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = folder[: len(folder) - (node.level - 1)] if node.level - 1 <= len(folder) else []
                mod = ".".join(base + (node.module.split(".") if node.module else []))
                if mod:
                    names.add(mod)
                names.update(f"{mod}.{a.name}" if mod else a.name for a in node.names)
            elif node.module:
                add(node.module)
                for alias in node.names:
                    add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Call):
            # uvicorn.run("pkg.main:app") and importlib.import_module("pkg.jobs") import by name
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
                    and (_dotted(node.func) or "").rsplit(".", 1)[-1] in ("run", "import_module", "Config"):
                target = node.args[0].value.split(":", 1)[0]
                if _IDENT.fullmatch(target):
                    add(target)
    return names


def file_facts(tree: SourceTree, rel: str) -> FileFacts:
    """What a file says about starting the app, read once per file (and kept with the tree)."""
    return tree.fact(__name__, rel, _read_facts)


def _read_facts(tree: SourceTree, rel: str) -> FileFacts:
    facts = FileFacts(rel)
    text = tree.read(rel) or ""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    facts.shebang = first.startswith("#!") and "python" in first
    facts.executable = tree.executable(rel)
    mod = values.module(tree, rel)
    module = mod.tree
    if module is None:
        facts.parses = False
        facts.guard = token_facts(tree, rel)[1]
        return facts

    # the nodes the module's one walk kept: calls, assignments, imports
    calls: list[ast.Call] = []
    assigns: list[ast.Assign | ast.AnnAssign] = []
    imports: list[ast.AST] = []
    for node, _scope in mod.nodes:
        kind = node.__class__
        if kind is ast.Call:
            calls.append(node)
        elif kind is ast.Assign or kind is ast.AnnAssign:
            assigns.append(node)
        elif kind is ast.Import or kind is ast.ImportFrom:
            imports.append(node)
    app_vars: set[str] = set()
    dash_vars: set[str] = set()
    called: dict[int, str] = {}  # id(assignment) -> the class its value calls
    for node in assigns:
        value = node.value
        cls = DOTTED_CLASSES.get(_dotted(value.func) or "") if value.__class__ is ast.Call else None
        cls = cls or _class_called(value)
        if cls == "queue" and value.func.__class__ is ast.Attribute \
                and _class_called(value.func.value) in GRADIO_CLASSES:
            cls = _class_called(value.func.value)  # gr.Blocks(...).queue() is the Blocks app
        if cls is None:
            continue
        called[id(node)] = cls
        if cls in SERVING_CLASSES or cls in FACTORIES or cls in GRADIO_CLASSES:
            targets = node.targets if node.__class__ is ast.Assign else [node.target]
            names = [t.id for t in targets if t.__class__ is ast.Name]
            app_vars.update(names)
            if cls in GRADIO_CLASSES:  # shared.gradio_root = gr.Blocks(...): launched as shared.gradio_root
                app_vars.update(d for t in targets if t.__class__ is ast.Attribute and (d := _dotted(t)))
            if cls == "Dash":
                dash_vars.update(names)
            if cls in GRADIO_CLASSES and node.col_offset == 0:
                facts.gradio_apps.update(names)
    app_vars.add("app")
    grpc_vars = facts.grpc_servers
    for node in assigns:
        value = node.value
        if value.__class__ is ast.Call and mod.dotted(value.func) in GRPC_SERVERS:
            for target in (node.targets if node.__class__ is ast.Assign else [node.target]):
                name = _dotted(target) if target.__class__ in (ast.Name, ast.Attribute) else None
                if name:
                    grpc_vars.add(name)
    local_functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] | None = None

    for node in module.body:
        kind = node.__class__
        if kind is ast.With:  # with gr.Blocks() as demo: ... demo.launch()
            for item in node.items:
                if item.optional_vars.__class__ is ast.Name and _class_called(item.context_expr) in GRADIO_CLASSES:
                    app_vars.add(item.optional_vars.id)
                    facts.gradio_apps.add(item.optional_vars.id)
        if (kind is ast.FunctionDef or kind is ast.AsyncFunctionDef) and _builds_gradio(node):
            facts.gradio_builders.add(node.name)
        if kind is ast.Assign or kind is ast.AnnAssign:
            targets = node.targets if kind is ast.Assign else [node.target]
            cls = called.get(id(node))
            maker = None
            if cls is not None and node.value.func.__class__ is ast.Name and cls not in ASGI_CLASSES \
                    and cls not in WSGI_CLASSES:
                # app = get_application(), a function of this file that builds and returns the app
                if local_functions is None:
                    local_functions = {n.name: n for n in module.body
                                       if n.__class__ is ast.FunctionDef or n.__class__ is ast.AsyncFunctionDef}
                if cls in local_functions:
                    built = _built_app(local_functions[cls])
                    if built is not None:
                        maker, cls = f"{cls}(), which builds a {built} app,", built
                        app_vars.update(t.id for t in targets if t.__class__ is ast.Name)
            value = node.value
            if cls == "get_wsgi_application" and any(t.__class__ is ast.Name and t.id == "application"
                                                     for t in targets):
                facts.django_wsgi = node.lineno
            if _flask_celery(value) and facts.celery is None and targets and targets[0].__class__ is ast.Name:
                facts.celery = (targets[0].id, node.lineno)  # Flask's pattern: app.extensions["celery"]
            if value.__class__ is ast.Attribute and value.attr == "server" and value.value.__class__ is ast.Name \
                    and value.value.id in dash_vars:
                maker, cls = f"{value.value.id}.server, the Flask server of a Dash app,", DASH_SERVER
            if cls in CLI_CLASSES:
                for target in targets:
                    if target.__class__ is ast.Name:
                        facts.cli_apps.append((target.id, cls, node.lineno))
            for target in targets:
                if maker and target.__class__ is ast.Name:
                    facts.made_by[target.id] = maker
                if cls in CELERY_CLASSES and target.__class__ is ast.Name and facts.celery is None:
                    facts.celery = (target.id, node.lineno)
                if cls in APP_TUPLES and target.__class__ is ast.Tuple and target.elts \
                        and target.elts[0].__class__ is ast.Name:
                    facts.apps.append((target.elts[0].id, cls, node.lineno))
                if target.__class__ is not ast.Name:
                    continue
                if (cls in ASGI_CLASSES or cls in WSGI_CLASSES) and cls not in APP_TUPLES:
                    facts.apps.append((target.id, cls, node.lineno))
                if target.id == "WSGI_APPLICATION" and isinstance(node.value, ast.Constant) \
                        and isinstance(node.value.value, str):
                    target_module, _, obj = node.value.value.rpartition(".")
                    if _IDENT.fullmatch(target_module) and obj.isidentifier():
                        facts.wsgi_application = (target_module, obj, node.lineno)
        elif (kind is ast.FunctionDef or kind is ast.AsyncFunctionDef) and node.name in FACTORIES:
            facts.factories.append((node.name, node.lineno, _built_app(node)))
        elif kind is ast.If and _is_main_guard(node):
            facts.guard = facts.guard or node.lineno
        elif facts.action is None and _is_action(node):
            facts.action = node.lineno

    # a Gradio app made in another file of the project (`from ui import demo`, `demo = build_demo()`, with
    # build_demo imported or defined here): its launch() starts the server
    launched: dict[str, bool] = {}  # the name launch() is called on -> whether its result is (ui.make().launch())
    for c in calls:
        if c.func.__class__ is ast.Attribute and c.func.attr == "launch":
            receiver = c.func.value
            while receiver.__class__ is ast.Call and receiver.func.__class__ is ast.Attribute \
                    and receiver.func.attr == "queue":
                receiver = receiver.func.value
            built = receiver.__class__ is ast.Call
            name = _dotted(receiver.func if built else receiver)
            if name and name not in app_vars:
                launched[name] = launched.get(name, False) or built
    if launched:
        _READING.add((id(tree), rel))
        try:
            gradio_vars = set(facts.gradio_apps)
            top = {id(n) for n in module.body}
            for node in assigns:  # demo = build_demo()
                if id(node) not in top or node.value.__class__ is not ast.Call:
                    continue
                maker = _dotted(node.value.func)
                if maker and (maker in facts.gradio_builders or _imported_gradio(tree, mod, rel, maker, True)):
                    targets = node.targets if node.__class__ is ast.Assign else [node.target]
                    gradio_vars.update(t.id for t in targets if t.__class__ is ast.Name)
            for name, built in launched.items():
                if built and (name in facts.gradio_builders or _imported_gradio(tree, mod, rel, name, True)):
                    app_vars.add(name)  # ui.make().launch(): launch's receiver reads as ui.make
                    facts.gradio_served = True
                elif not built and (name in gradio_vars or _imported_gradio(tree, mod, rel, name, False)):
                    app_vars.add(name)
                    facts.gradio_served = True
        finally:
            _READING.discard((id(tree), rel))
    # the server a run of the file reaches: from the guard, or the top-level statements, through local functions
    serving = any(_server_call(n, app_vars, grpc_vars) for n in calls)
    if serving:  # no server call anywhere: running the file reaches none (the common case, with no second walk)
        facts.server = _first_reached(module, lambda sub: _server_at(sub, app_vars, grpc_vars))
    facts.serves_anywhere = serving
    if serving:
        facts.serving_functions = _serving_functions(module, app_vars, grpc_vars)
    facts.imports = _imports(imports + calls, rel)
    return facts


def _flask_celery(value: ast.AST | None) -> bool:
    """``flask_app.extensions["celery"]``: the Celery app a Flask app keeps (Flask's documented pattern)."""
    return value.__class__ is ast.Subscript and value.value.__class__ is ast.Attribute \
        and value.value.attr == "extensions" and value.slice.__class__ is ast.Constant \
        and value.slice.value == "celery"


def _serving_functions(module: ast.Module, app_vars: set[str], grpc_vars: set[str]) -> dict[str, str]:
    """The top-level functions whose run reaches a server call, directly or through the file's other top-level
    functions they call: name -> the call's name."""
    functions = {n.name: n for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    direct: dict[str, str] = {}
    calls: dict[str, set[str]] = {}
    for name, function in functions.items():
        for sub in walk(function):
            if isinstance(sub, ast.Call):
                found = _server_call(sub, app_vars, grpc_vars)
                if found and name not in direct:
                    direct[name] = found
                callee = sub.func.id if isinstance(sub.func, ast.Name) else None
                if callee in functions and callee != name:
                    calls.setdefault(name, set()).add(callee)
    serving = dict(direct)
    changed = True
    while changed:  # at most one round per function
        changed = False
        for name, callees in calls.items():
            if name not in serving:
                found = next((serving[c] for c in callees if c in serving), None)
                if found:
                    serving[name], changed = found, True
    return serving


def _built_app(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The web app class (ASGI or WSGI) a function builds, if it makes one."""
    return next((c for c in (_class_called(n) for n in walk(function) if isinstance(n, ast.Call))
                 if c in ASGI_CLASSES or c in WSGI_CLASSES), None)


# calls that block until the program is stopped: chat bots' polling loops, event loops, schedulers
FOREVER_CALLS = {"run_polling", "start_polling", "infinity_polling", "polling", "run_forever", "idle",
                 "run_until_disconnected"}
# objects whose .run(token) or .start() blocks: discord.py clients and bots, APScheduler's blocking scheduler
CHAT_LIBRARIES = {"discord", "nextcord", "disnake", "interactions", "hikari", "telegram", "aiogram", "telebot",
                  "slack_bolt", "pyrogram", "telethon"}
BLOCKING_CLASSES = {"Client": "run", "Bot": "run", "AutoShardedBot": "run", "AutoShardedClient": "run",
                    "BlockingScheduler": "start"}


def runs_until_stopped(tree: SourceTree, rel: str) -> tuple[str, int] | None:
    """(why, line) when running the file reaches a loop that never ends by itself (``while True:``) or a call
    that blocks until the program is stopped (a bot's polling, ``client.run(token)``, a blocking scheduler),
    following calls to the file's own functions; None for a program that runs to completion."""
    mod = values.module(tree, rel)
    module = mod.tree
    if module is None:
        return None
    # a bot made in another module of a chat library (`from .config import bot` ... `bot.run(token)`)
    chat = any(v.split(".")[0] in CHAT_LIBRARIES for v in mod.aliases.values())
    blocking: dict[str, str] = {}  # variable -> the method that blocks on it
    for node in module.body:
        if isinstance(node, ast.Assign) and _class_called(node.value) in BLOCKING_CLASSES:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    blocking[target.id] = BLOCKING_CLASSES[_class_called(node.value)]

    def forever(sub: ast.AST) -> str | None:
        if isinstance(sub, ast.While) and isinstance(sub.test, ast.Constant) and sub.test.value:
            return "loops until stopped (while True)"
        if not isinstance(sub, ast.Call):
            return None
        name = _dotted(sub.func) or ""
        base, _, last = name.rpartition(".")
        if last in FOREVER_CALLS or (base in blocking and blocking[base] == last) or (
                chat and last == "run" and base in ("bot", "client")):
            return f"blocks in {name}() until stopped"
        return None

    return _first_reached(module, forever)


def _server_at(node: ast.AST, app_vars: set[str], grpc_vars: set[str]) -> str | None:
    return _server_call(node, app_vars, grpc_vars) if isinstance(node, ast.Call) else None


def _first_reached(module: ast.Module, found: Callable[[ast.AST], str | None]) -> tuple[str, int] | None:
    """(what, line) of the first node that running the file reaches for which ``found`` says something: its
    top-level statements (functions and classes only defined), then the file's own functions they call or hand
    on (``main()``, ``asyncio.run(main())``, ``Thread(target=serve)``)."""
    functions = {n.name: n for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    seen: set[str] = set()
    todo: deque[ast.AST] = deque(n for n in module.body
                                 if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
    while todo:
        for sub in walk(todo.popleft()):
            what = found(sub)
            if what:
                return what, sub.lineno
            if isinstance(sub, ast.Call):
                for arg in [sub.func, *sub.args, *(k.value for k in sub.keywords)]:
                    if isinstance(arg, ast.Name) and arg.id in functions and arg.id not in seen:
                        seen.add(arg.id)
                        todo.append(functions[arg.id])
    return None


# -- every way to start the app ------------------------------------------------------------------
def _importable(module: str) -> bool:
    return bool(_IDENT.fullmatch(module)) and not any(p.isdigit() for p in module.split("."))


def _roots(manifests: Manifests) -> tuple[str, ...]:
    return tuple(r[0] for r in manifests.package_roots) or ("src",)


def _src_option(rel: str, server: str, manifests: Manifests) -> list[str]:
    """A src/ layout (or a deeper package folder, src/py) that isn't installed: the server imports the app from
    that folder."""
    root = root_of(rel, _roots(manifests))
    if not root or manifests.installable:
        return []
    return ["--chdir", root] if server == "gunicorn" else ["--app-dir", root]


def asgi_server(framework: str | None, deps: set[str]) -> str:
    """The server an ASGI app runs under: the one the project declares (uvicorn, else hypercorn) or its
    framework brings (FastHTML: uvicorn, Quart: hypercorn), else gunicorn with uvicorn's worker when only
    gunicorn is declared, else uvicorn (installed for it)."""
    if "uvicorn" in deps or framework in BRINGS_UVICORN:
        return "uvicorn"
    if "hypercorn" in deps or framework in BRINGS_HYPERCORN:
        return "hypercorn"
    return "gunicorn" if "gunicorn" in deps else "uvicorn"


def asgi_argv(server: str, target: str, rel: str, manifests: Manifests, factory: bool = False) -> list[str]:
    """The command that serves the ASGI app ``target`` (``module:app``, or ``module:create_app`` with
    ``factory``) of the file ``rel``; bound to the port later (bind_argv)."""
    if server == "hypercorn":
        # hypercorn imports `folder/module:app` from that folder (it has no --app-dir); a factory is called
        root = root_of(rel, _roots(manifests)) if _src_option(rel, "uvicorn", manifests) else ""
        return ["hypercorn", (f"{root}/" if root else "") + target + ("()" if factory else "")]
    if server == "gunicorn":
        return ["gunicorn", *_src_option(rel, "gunicorn", manifests), "--worker-class",
                "uvicorn.workers.UvicornWorker", target + ("()" if factory else "")]
    return ["uvicorn", target, *(["--factory"] if factory else []), *_src_option(rel, "uvicorn", manifests),
            "--host", "0.0.0.0"]


def server_package(server: str, framework: str | None, deps: set[str]) -> tuple[str, ...]:
    """The package to install for the server when neither the project nor its framework brings it."""
    if server == "hypercorn":
        return () if "hypercorn" in deps or framework in BRINGS_HYPERCORN else (HYPERCORN,)
    if server == "gunicorn":  # gunicorn is declared; its uvicorn worker needs uvicorn
        return () if "uvicorn" in deps else (UVICORN,)
    return () if "uvicorn" in deps or framework in BRINGS_UVICORN else (UVICORN,)


def _declared_in(rel: str, manifests: Manifests) -> str:
    """``; the packages live in src/py (pyproject.toml:105)`` for a file under a folder the build settings
    declare; "" for any other (src/ or the root, where a package is looked for anyway)."""
    root = root_of(rel, _roots(manifests))
    for folder, file, line in manifests.package_roots:
        if folder == root and file:
            return f"; the packages live in {folder}/ ({file}:{line})" if line else \
                f"; the packages live in {folder}/ ({file})"
    return ""


def find_starts(tree: SourceTree, py_files: list[str], manifests: Manifests, deps: set[str]) -> list[Start]:
    """Every plausible way to start the app, best first."""
    starts: list[Start] = []
    deps = deps | servers_brought(manifests.extras)  # fastapi[standard] has uvicorn: nothing to add for it
    roots = _roots(manifests)
    with values.batch():
        facts = {rel: file_facts(tree, rel) for rel in py_files}

    procfile = tree.first("Procfile")
    processes = [p for p in procfile_commands(tree) if p[0] != "release"]
    for kind, argv, number, made in processes:
        web = kind == "web"
        first = web or not any(p[0] == "web" for p in processes) and kind == processes[0][0]
        why = f"the Procfile's {kind} process"
        if made:  # `web: make run`: the command of the Makefile's recipe (make isn't in the image)
            makefile, recipe_line = made
            why += f" (line {number}) runs a make target whose recipe is this one command ({makefile}:{recipe_line})"
        given = not made or argv[0] == "gunicorn" or any("PORT" in a for a in argv)
        starts.append(Start(None, argv, why, procfile, number, 1.0 if first else 0.5, web, order=5 if first else 0,
                            given_port=given))

    if tree.exists("manage.py"):
        for rel in (f for f in py_files if f.endswith("settings.py") or "/settings/" in f):
            found = facts[rel].wsgi_application
            if found:
                module, obj, line = found
                starts.append(Start("django", ["gunicorn", f"{module}:{obj}"],
                                    f"manage.py and WSGI_APPLICATION = {module}.{obj}", rel, line, 1.0, True,
                                    () if "gunicorn" in deps else (GUNICORN,), 8000, order=3))
                break
        else:  # no WSGI_APPLICATION setting: the project's wsgi.py that makes Django's WSGI app
            for rel in sorted((f for f in py_files if f.endswith("/wsgi.py") and facts[f].django_wsgi),
                              key=lambda f: (f.count("/"), f)):
                module = module_of(rel, roots)
                if _importable(module) and not rel.startswith(("tests/", "test/", "docs/")):
                    starts.append(Start("django", ["gunicorn", *_src_option(rel, "gunicorn", manifests),
                                                   f"{module}:application"],
                                        f"manage.py and application = get_wsgi_application() in {rel}", rel,
                                        facts[rel].django_wsgi, 0.95, True,
                                        () if "gunicorn" in deps else (GUNICORN,), 8000, order=3))
                    break

    flask_found = False
    for rel, f in facts.items():
        if not f.apps:
            continue
        module = module_of(rel, roots)
        if not _importable(module):
            continue
        for var, cls, line in f.apps:
            kind = (ASGI_CLASSES | WSGI_CLASSES)[cls]
            if cls in WSGI_CLASSES:
                flask_found = True
                argv = ["gunicorn", *_src_option(rel, "gunicorn", manifests), f"{module}:{var}"]
                extra = () if "gunicorn" in deps else (GUNICORN,)
            else:
                server = asgi_server(kind, deps)
                argv = asgi_argv(server, f"{module}:{var}", rel, manifests)
                extra = server_package(server, kind, deps)
            if var in f.made_by:
                made = f"{var} = {f.made_by[var]}"
            else:
                made = f"{var}, ... = {cls}(...)" if cls in APP_TUPLES else f"{var} = {cls}(...)"
            starts.append(Start(kind, argv, f"{made} in {rel}{_declared_in(rel, manifests)}", rel, line, 0.95, True, extra,
                                BRINGS_UVICORN.get(kind, 8000), order=3))
    for rel, f in facts.items():  # frameworks with their own command line: `sanic server:app`
        module = module_of(rel, roots)
        for var, cls, line in f.cli_apps if _importable(module) else []:
            framework, prefix, port = CLI_CLASSES[cls]
            starts.append(Start(framework, [*prefix, f"{module}:{var}", "--host", "0.0.0.0"],
                                f"{var} = {cls}(...) in {rel}{_declared_in(rel, manifests)}", rel, line, 0.95,
                                True, (), port, order=3))
    for rel, f in facts.items():
        if not f.factories:
            continue
        module = module_of(rel, roots)
        if not _importable(module):
            continue
        for name, line, built in f.factories:
            if built in ASGI_CLASSES and not any(s.framework == ASGI_CLASSES[built] for s in starts):
                kind = ASGI_CLASSES[built]
                server = asgi_server(kind, deps)
                server = "uvicorn" if server == "gunicorn" else server  # uvicorn --factory calls the factory
                starts.append(Start(kind, asgi_argv(server, f"{module}:{name}", rel, manifests, factory=True),
                                    f"the app factory {name}() in {rel} builds a {built} app"
                                    f"{_declared_in(rel, manifests)}", rel, line, 0.85, True,
                                    server_package(server, kind, deps), 8000, order=3))
            elif (built in WSGI_CLASSES or (built is None and "flask" in deps)) and not flask_found:
                flask_found = True
                starts.append(Start("flask", ["gunicorn", *_src_option(rel, "gunicorn", manifests),
                                              f"{module}:{name}()"],
                                    f"the app factory {name}() in {rel}{_declared_in(rel, manifests)}", rel, line, 0.85, True,
                                    () if "gunicorn" in deps else (GUNICORN,), 8000, order=3))

    _fastapi_entrypoint(tree, manifests, starts)
    if "streamlit" in deps:
        starts += streamlit_starts(facts)

    by_module = {module_of(rel, roots): f for rel, f in facts.items()}
    for name, target in manifests.scripts.items():
        module, _, function = (part.strip() for part in target.partition(":"))
        function = function.split(".")[0].split("[")[0].strip()
        found = by_module.get(module)
        serves = bool(found and found.serves_anywhere)
        if serves and function and found.parses and function not in found.serving_functions \
                and _defines(tree, found.rel, function):
            serves = False  # the module starts a server elsewhere, not in this script's function
        if not re.fullmatch(r"[\w.-]+", name):
            continue
        line = next((n for n, ln in enumerate(tree.lines("pyproject.toml"), 1)
                     if ln.strip().startswith((name, f'"{name}"'))), None)
        order = 4 if serves else 1
        why = f"the console script {name} = {target!r}"
        confidence = 0.97 if serves else 0.72
        dev = _dev_server(found, function) if serves else None
        if dev:  # Flask's or Quart's own app.run(): a development server, below the app served by gunicorn/uvicorn
            order, confidence = 2, 0.9
            why = f"{why}, which runs {dev}, the framework's development server"
        starts.append(Start(None, [name], why, "pyproject.toml", line, confidence, serves, order=order))

    starts += script_starts(facts, roots, manifests)
    if "celery" in deps:
        found = celery_worker(facts, roots)
        if found:
            argv, rel, line = found
            folder = _import_folder(tree, rel, facts[rel], roots, manifests)
            if folder:  # a package that isn't installed: the worker imports it from its folder
                argv = ["env", f"PYTHONPATH={folder}", *argv]
            # above a script's shape (running the module itself starts nothing), below a web app
            starts.append(Start("celery", argv, f"{rel} makes a Celery app ({argv[argv.index('-A') + 1]}): its "
                                f"worker" + (f", run with {folder}/ on the import path" if folder else ""), rel, line,
                                0.8, False, order=1))
    return sorted(starts, key=lambda s: (s.order, s.confidence), reverse=True)


def _import_folder(tree: SourceTree, rel: str, f: FileFacts, roots: tuple[str, ...], manifests: Manifests) -> str:
    """The package folder (src) a program run from the project's root needs on its import path when the project
    isn't installed: the one the file lives in, or the one holding a package it imports (a root make_celery.py
    that imports src/task_app); "" when none is needed."""
    if manifests.installable:
        return ""
    root = root_of(rel, roots)
    if root:
        return root
    for name in sorted(f.imports):
        top = name.split(".")[0]
        for folder in roots:
            if tree.exists(f"{folder}/{top}/__init__.py") or tree.exists(f"{folder}/{top}.py"):
                if not tree.exists(f"{top}/__init__.py") and not tree.exists(f"{top}.py"):
                    return folder
    return ""


def development_server_warning(best: Start, starts: list[Start]) -> str | None:
    """A warning when the chosen command runs Django's ``runserver`` (its development server, as a Procfile or a
    Makefile recipe may say), naming the production server found for the same app, if any."""
    words = " ".join(best.argv).split()
    if "runserver" not in words or not any(w.endswith("manage.py") or w == "manage" for w in words):
        return None
    other = next((s for s in starts if s.framework == "django" and s.argv[0] == "gunicorn"), None)
    hint = f"; `--set entrypoint='{' '.join(other.argv)}'` serves it with gunicorn ({other.why})" if other else ""
    return f"the start command runs Django's development server (`{' '.join(best.argv)[:80]}`, {best.why}), " \
           f"not meant for production{hint}"


def _fastapi_entrypoint(tree: SourceTree, manifests: Manifests, starts: list[Start]) -> None:
    """pyproject.toml's ``[tool.fastapi] entrypoint = "app.main:app"`` (what ``fastapi run`` imports) is the
    author's word on which app is served: the start that serves it ranks above any other app found."""
    tool = manifests.pyproject.get("tool")
    settings = tool.get("fastapi") if isinstance(tool, dict) else None
    target = settings.get("entrypoint") if isinstance(settings, dict) else None
    if not isinstance(target, str) or ":" not in target:
        return
    module, _, var = target.strip().partition(":")
    module = module.removeprefix("src.")  # `src.main:app`, run from the project's root: the same app
    line = next((n for n, text in enumerate(tree.lines("pyproject.toml"), 1)
                 if "entrypoint" in text and target in text), None)
    for s in starts:
        if s.server and s.framework and any(a in (f"{module}:{var}", f"{module}:{var}()") for a in s.argv):
            s.order, s.confidence = 4, max(s.confidence, 0.97)
            s.why += f"; pyproject.toml [tool.fastapi] entrypoint names it (pyproject.toml:{line})" if line else \
                "; pyproject.toml [tool.fastapi] entrypoint names it"
            return


# the names Streamlit's docs give the app's main file, best first
STREAMLIT_NAMES = ("streamlit_app.py", "app.py", "main.py", "Home.py", "Hello.py")
STREAMLIT_PORT = 8501


def streamlit_starts(facts: dict[str, FileFacts]) -> list[Start]:
    """Files that import streamlit and run top to bottom: ``streamlit run <file>``. The pages of a multipage
    app (``pages/``) run from the main file, not on their own."""
    found = []
    for rel, f in facts.items():
        base = rel.rsplit("/", 1)[-1]
        if "streamlit" not in f.imports or f.action is None or "pages/" in rel or base.startswith("test_") \
                or rel.startswith(("tests/", "test/")):
            continue
        rank = STREAMLIT_NAMES.index(base) if base in STREAMLIT_NAMES else len(STREAMLIT_NAMES)
        found.append((rank, rel.count("/"), rel, f.action))
    return [Start("streamlit", ["streamlit", "run", rel], f"{rel} imports streamlit and runs top to bottom "
                  "(a Streamlit app)", rel, line, 0.9 if not i else 0.6, True, (), STREAMLIT_PORT, order=3)
            for i, (_rank, _depth, rel, line) in enumerate(sorted(found))]


STREAMLIT_CONFIG = ".streamlit/config.toml"
STREAMLIT_SECRETS = ".streamlit/secrets.toml"


def streamlit_config_port(tree: SourceTree) -> tuple[int, int | None] | None:
    """(port, line) of ``[server] port`` in .streamlit/config.toml, which the author chose for the app."""
    import tomllib

    text = tree.read(STREAMLIT_CONFIG)
    if not text:
        return None
    try:
        server = tomllib.loads(text).get("server")
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    port = server.get("port") if isinstance(server, dict) else None
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        return None
    line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.strip().replace(" ", "").startswith("port=")),
                None)
    return port, line


def streamlit_secrets(tree: SourceTree, files: list[str]) -> tuple[str, int] | None:
    """(file, line) of the first read of ``st.secrets`` (Streamlit's .streamlit/secrets.toml)."""
    for rel in sorted(files):
        if "streamlit" not in file_facts(tree, rel).imports:
            continue
        mod = values.module(tree, rel)
        if mod.tree is None:
            continue
        for node in ast.walk(mod.tree):
            if ((node.__class__ is ast.Attribute and node.attr == "secrets")
                    or (node.__class__ is ast.Name and node.id == "secrets")) and mod.dotted(node) == "streamlit.secrets":
                return rel, node.lineno
    return None


def celery_worker(facts: dict[str, FileFacts], roots: tuple[str, ...] = ("src",)
                  ) -> tuple[list[str], str, int] | None:
    """``celery -A module:app worker`` for the first module that makes a Celery app at its top level:
    (argv, file, line)."""
    for rel, f in facts.items():
        module = module_of(rel, roots)
        if f.celery and _importable(module) and not rel.startswith(("tests/", "test/")):
            var, line = f.celery
            return ["celery", "-A", f"{module}:{var}", "worker", "--loglevel=INFO"], rel, line
    return None


def script_starts(facts: dict[str, FileFacts], roots: tuple[str, ...] = ("src",),
                  manifests: Manifests | None = None) -> list[Start]:
    """Files that run as programs: a main guard or a server call, a start-like name, top-level statements
    no other file imports, a shebang or the executable bit; ranked in that order."""
    imported: dict[str, set[str]] = {}
    for rel, f in facts.items():
        for name in f.imports:
            imported.setdefault(name, set()).add(rel)
    every_file_executable = len(facts) > 1 and all(f.executable for f in facts.values())

    ranked = []
    for rel, f in facts.items():
        base = rel.rsplit("/", 1)[-1]
        if base in NOT_STARTS or base.startswith("test_") or base.endswith("_test.py") \
                or (base == "__init__.py") or rel.startswith(("tests/", "test/", "docs/", "examples/")):
            continue
        executable = f.executable and not every_file_executable
        # a module that builds a web app is imported by its server, not run
        script = f.action is not None and not f.apps and not _imported_by_another(rel, imported, roots)
        if not (f.guard or f.server or script or f.shebang or executable):
            continue
        named = base in START_NAMES
        root = root_of(rel, roots)
        top = rel.count("/") == 0 or bool(root and rel.count("/") == root.count("/") + 1)
        reasons = []
        grpc = bool(f.server) and f.server[0].rpartition(".")[0] in f.grpc_servers
        if f.server:
            reasons.append(f"starts a {'gRPC ' if grpc else ''}server ({f.server[0]})")
        if f.guard:
            reasons.append("runs as a script (if __name__ == '__main__')"
                           + ("" if f.parses else ", read from its tokens: the file doesn't parse"))
        if script and not f.guard:
            reasons.append("has top-level statements and no other file imports it")
        if not reasons:
            reasons.append("has a shebang" if f.shebang else "is executable")
        if named:
            reasons.append(f"named {base}")
        if f.server:
            confidence = 0.85
        elif f.guard:
            confidence = 0.8 if named else 0.75 if top else 0.7
        elif script:
            confidence = 0.7 if named else 0.65 if top else 0.6
        else:
            confidence = 0.4
        package = module_of(rel, roots).removesuffix(".__main__")
        if base == "__main__.py" and "/" in rel[len(root) + 1 if root else 0:] and _importable(package):
            argv = ["python", "-m", package]
            if root and manifests is not None and not manifests.installable:
                # a package folder that isn't installed: python imports it from there
                argv = ["env", f"PYTHONPATH={root}", *argv]
                reasons.append(f"run from {root}/")
        elif base == "__main__.py" and "/" in rel:
            argv = ["python", rel.rsplit("/", 1)[0]]  # a folder that isn't a module name runs as a path
        else:
            argv = ["python", rel]
        line = f.server[1] if f.server else f.guard or f.action or 1
        framework, port = _script_server(f)
        start = Start(framework, argv, f"{rel} " + ", ".join(reasons), rel, line, confidence,
                      bool(f.server), default_port=port, order=2 if f.server else 0, grpc=grpc)
        key = (bool(f.server), bool(f.guard or f.server), named, script, f.shebang or executable, top)
        ranked.append((key, start))
    ranked.sort(key=lambda item: item[0], reverse=True)
    return [s for _k, s in ranked]


EXAMPLE_FOLDERS = ("examples", "example")
_PLAIN_PATH = re.compile(r"[\w.+-]+(?:/[\w.+-]+)*", re.ASCII)


def example_starts(tree: SourceTree, py_files: list[str], manifests: Manifests, deps: set[str]) -> list[Start]:
    """With nothing to start at the top, the apps of a repository of examples (``examples/<name>/app.py``
    beside one requirements.txt, openai-quickstart-python's shape): one start per folder, run from its own
    folder and bound to its port, best first. They are not candidates (which one is the app is the user's
    choice): the message that stops the run names them."""
    folders: dict[str, list[str]] = {}
    for rel in py_files:
        parts = rel.split("/")
        # a path that is shown in a one-line message and an answer to give: plain names only
        if parts[0] in EXAMPLE_FOLDERS and len(parts) in (2, 3) and _PLAIN_PATH.fullmatch(rel):
            folders.setdefault("/".join(parts[:-1]), []).append(rel)
    found: list[Start] = []
    for folder, files in sorted(folders.items()):
        # the folder is the import root of its files: `gunicorn --chdir examples/x app:app`
        local = replace(manifests, package_roots=[(folder, "", None)], installable=False, scripts={})
        servers = [s for s in find_starts(tree, files, local, deps) if s.server and s.file in files]
        if servers:
            best = servers[0]
            port = best.default_port or 8000
            found.append(replace(best, argv=bind_argv(best.argv, port, None), default_port=port))
            continue
        for rel in sorted(files):
            f = file_facts(tree, rel)
            if f.guard and rel.rsplit("/", 1)[-1] not in NOT_STARTS and not rel.rsplit("/", 1)[-1].startswith("test_"):
                found.append(Start(None, ["python", rel], "runs as a script (if __name__ == '__main__')", rel,
                                   f.guard, 0.5, False))
                break
    return sorted(found, key=lambda s: (s.server, s.order, s.confidence), reverse=True)


def _defines(tree: SourceTree, rel: str, function: str) -> bool:
    """The module defines ``function`` at its top level (not a name it imports from elsewhere)."""
    module = values.module(tree, rel).tree
    return module is not None and any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == function
                                      for n in module.body)


def _dev_server(f: FileFacts, function: str) -> str | None:
    """``app.run()`` when the script's function serves the module's Flask or Quart app with the framework's own
    development server; None for any other server."""
    call = f.serving_functions.get(function)
    if not call:
        return None
    base, _, last = call.rpartition(".")
    if last == "run" and any(var == base and cls in ("Flask", "Quart") for var, cls, _line in f.apps):
        return f"{call}()"
    return None


def _script_server(f: FileFacts) -> tuple[str | None, int | None]:
    """(framework, default port) of the server a script starts itself: Gradio's launch() (7860), a Dash app's
    run() (8050), aiohttp's run_app() (8080); (None, None) for any other."""
    if not f.server:
        return None, None
    call = f.server[0]
    last = call.rsplit(".", 1)[-1]
    if last == "launch" and ("gradio" in f.imports or f.gradio_served):
        return "gradio", GRADIO_PORT
    if last == "run" and "dash" in f.imports:
        return "dash", DASH_PORT
    return None, SERVER_CALL_PORTS.get(last)


# top-level folders of scripts beside the app (a dev server with a share link, a load test, a deploy helper)
HELPER_FOLDERS = frozenset({"scripts", "script", "tools", "bin", "benchmarks", "benchmark", "bench", "examples",
                            "example", "demo", "demos"})


def helper_scripts(tree: SourceTree, py_files: list[str], start: str | None,
                   roots: tuple[str, ...] = ("src",)) -> set[str]:
    """Files under a helpers folder (scripts/, tools/, ...) that the app doesn't run: not the start file, and
    imported by no file outside those folders. Their ports and env vars are their own, not the app's."""
    if not start or start.split("/", 1)[0] in HELPER_FOLDERS:
        return set()
    helpers = {rel for rel in py_files if "/" in rel and rel.split("/", 1)[0] in HELPER_FOLDERS}
    if not helpers:
        return set()
    imported: dict[str, set[str]] = {}
    for rel in py_files:
        if rel not in helpers:
            for name in file_facts(tree, rel).imports:
                imported.setdefault(name, set()).add(rel)
    return {rel for rel in helpers if rel != start and not _imported_by_another(rel, imported, roots)}


def _imported_by_another(rel: str, imported: dict[str, set[str]], roots: tuple[str, ...] = ("src",)) -> bool:
    dotted = rel[:-3].replace("/", ".")
    return any(imported.get(name, set()) - {rel} for name in {dotted, dotted.removeprefix("src."),
                                                               module_of(rel, roots)})


def bind_argv(argv: list[str], port: int | None, port_env: str | None) -> list[str]:
    """Make a server command listen on 0.0.0.0 at the app's port."""
    argv = [a.replace("$PORT", str(port)).replace("${PORT}", str(port)) for a in argv] if port else list(argv)
    if not argv or port is None:
        return argv
    prog = argv[0]
    if prog == "gunicorn":
        if not any(a in ("-b", "--bind") or a.startswith("--bind=") for a in argv):
            argv[1:1] = ["--bind", f"0.0.0.0:{port}"]
    elif prog == "sanic":
        if "--host" not in argv and not any(a.startswith("--host=") for a in argv):
            argv += ["--host", "0.0.0.0"]
        if "--port" not in argv and not any(a.startswith("--port=") for a in argv):
            argv += ["--port", str(port)]
    elif prog == "streamlit" and argv[1:2] == ["run"]:
        if not any(a.startswith("--server.address") for a in argv):
            argv += ["--server.address", "0.0.0.0"]
        if not any(a.startswith("--server.port") for a in argv):
            argv += ["--server.port", str(port)]
    elif prog == "hypercorn":  # 127.0.0.1:8000 unless bound
        if not any(a in ("-b", "--bind") or a.startswith("--bind=") for a in argv):
            argv += ["--bind", f"0.0.0.0:{port}"]
    elif prog == "uvicorn":
        if "--host" not in argv:
            argv += ["--host", "0.0.0.0"]
        if "--port" not in argv:
            argv += ["--port", str(port)]
    return argv


def finish(profile) -> None:
    """After the answers: a detected server command (or one chosen from the candidates) listens on 0.0.0.0
    at the port (as answered, not as detected), and a server the start command names is installed."""
    from ...checklist import DETECTED, origin_of

    detected = [c.get("entrypoint") for c in profile.candidates]
    if profile.entrypoint and (origin_of(profile, "entrypoint") == DETECTED or profile.entrypoint in detected):
        profile.entrypoint = bind_argv(profile.entrypoint, profile.ports[0] if profile.ports else None,
                                       profile.port_env)
    example = next((c for c in profile.candidates if c.get("example") and c["example"] == profile.entrypoint), None)
    if example and example.get("framework") and profile.ports and not profile.framework:
        # the start command is one of the examples the message named: its framework and its route to probe
        profile.framework = example["framework"]
        profile.note("framework", f"the start command serves the example {example['why']}", example.get("file"),
                     example.get("line"), 0.9)
        if profile.health_path is None and example.get("health_path"):
            profile.health_path = example["health_path"]
            profile.note("health_path", f"a route the example {example.get('file')} serves", example.get("file"),
                         example.get("line"), 0.8)
    install_named_server(profile)
    from .source import loopback_warnings

    loopback_warnings(profile, getattr(profile.build, "loopback", None) or [])


def install_named_server(profile) -> None:
    """A start command given by hand may name a server the project doesn't declare: install it too."""
    if not profile.entrypoint:
        return
    argv = profile.entrypoint
    wanted = []
    if argv[0] == "gunicorn":
        wanted.append(("gunicorn", GUNICORN))
    if argv[0] == "uvicorn" or any("uvicorn.workers" in a for a in argv):
        wanted.append(("uvicorn", UVICORN))
    if argv[0] == "hypercorn":
        wanted.append(("hypercorn", HYPERCORN))
    extra = profile.build.extra_packages
    declared = set(profile.dependencies) | set(profile.build.starter_requirements) | \
        set(getattr(profile.build, "servers_brought", None) or [])
    if declared & {"python-fasthtml"}:  # brings uvicorn[standard] with it
        declared.add("uvicorn")
    if declared & {"quart"}:  # brings hypercorn with it
        declared.add("hypercorn")
    for name, spec in wanted:
        if name in declared or any(re.split(r"[\[<>=~! ]", e, 1)[0] == name for e in extra):
            continue
        extra.append(spec)
