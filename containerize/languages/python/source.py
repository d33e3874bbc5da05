"""Facts read from Python source with the standard library's ``ast``: env vars, ports, paths written and
read, routes. Names resolve to literal values through ``values`` (module constants, imports across the
package, env reads and thin wrappers around them). A file that does not parse (Python 2, say) is read by
its tokens only, and its evidence says so."""
from __future__ import annotations

import ast
import posixpath
import re
import tokenize
from dataclasses import dataclass, field

from ...profile import Profile
from ...scan import SourceTree
from ...envvars import PORT_NAMES, is_port_name, is_secret
from ..common import LOOPBACK, choose_health_path, is_health_route, listen_env
from . import values
from .values import UNKNOWN, EnvRead, Module, PathValue, ProjectPath, Scope, concrete

# These patterns only ever look at one value already taken from the parse tree (a string literal or a
# constant's name), or at one line of a Procfile.
_WRITABLE_NAME = re.compile(r"(UPLOAD|CACHE|MEDIA|STORAGE|LOG|OUTPUT|STATE|DATA)S?_?(DIR|FOLDER|PATH|ROOT|DIRECTORY)$"
                            r"|^(MEDIA_ROOT|UPLOAD_FOLDER|UPLOADS)$")
_RUNTIME_FILE_NAME = re.compile(r"LOG|CACHE|UPLOAD|MEDIA|SQLITE|DATABASE|(^|_)DB(_|$)")
_FILE_NAME = re.compile(r"(?!\.{1,2}$)[\w.-]{1,100}")  # a file name safe in a shell word (no slash)
_PATH_NAME = re.compile(r"(PATH|FILE|DIR|ROOT|FOLDER)$")
# a name for a URL path (a controller's `path = "/api/users"`, API_PREFIX), not a file
_URL_PATH_NAME = re.compile(r"^PATH$|URL|ROUTE|ENDPOINT|PREFIX|(^|_)API(_|$)")
_ABS_PATH = re.compile(r"^/(?!(?:etc|proc|sys|dev|tmp|usr|bin|sbin|lib|lib64|run|var/run|app|opt/venv|home)(?:/|$))"
                       r"[\w.@-]+(?:/[\w.@-]+)*/?$")
_BIND_IN_TEXT = re.compile(r"(?:--bind|-b|\bbind\s*=)[ =]?[\"']?[\w.\[\]:]*:(\d{2,5})\b")
_PORT_IN_TEXT = re.compile(r"--port[ =](\d{2,5})\b")
# grpcio's server methods that bind it to an address ("[::]:50051")
GRPC_BINDS = ("add_insecure_port", "add_secure_port")
_HOST_PORT = re.compile(r"^[\w.\[\]:-]*:(\d{2,5})$")
_SQLITE_URL = re.compile(r"sqlite(?:\+\w+)?:///([^\s\"'?]+)")
# the node types a fact can start from (every other node is skipped by its exact type)
_FACT_TYPES = frozenset({ast.Call, ast.Subscript, ast.BoolOp, ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign,
                         ast.AnnAssign, ast.Dict, ast.Constant, ast.List, ast.Tuple, ast.JoinedStr, ast.BinOp})

SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "PYTHONPATH",
              "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "PYTHONUNBUFFERED"}
TOKENS_NOTE = "read by tokens: file does not parse"

_ROUTE_DECORATORS = {"route", "get", "api_route", "head", "websocket_route"}
_PREFIX_KEYWORDS = {"prefix", "url_prefix"}
_ROUTER_CLASSES = {"APIRouter", "Blueprint", "Router"}
_RUN_CALLS = {"run", "run_app", "serve", "run_server"}
# a Flask or Quart app's folders: root_path (the folder of the module that makes the app) and instance_path
_APP_FOLDERS = {"root_path", "instance_path"}
_APP_FRAMEWORKS = {"flask", "quart"}
# calls that set an app's configuration from keywords or a dict: app.config.from_mapping(DATABASE=...)
_CONFIG_CALLS = {"from_mapping", "update"}
_PATH_CALLS = {"Path", "PurePath", "PosixPath", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "str",
               "os.fspath", "os.path.join", "posixpath.join", "os.path.abspath", "os.path.realpath"}
_WRITE_METHODS = {"write_text", "write_bytes", "touch"}
_READ_METHODS = {"read_text", "read_bytes"}


@dataclass
class Facts:
    """What one file says, with the line of each fact."""

    env: list[tuple[str, str | None, int, str, float]] = field(default_factory=list)
    ports: list[tuple[int, int, str, float, str | None]] = field(default_factory=list)
    written: list[tuple[str, int, str]] = field(default_factory=list)
    reads: list[tuple[str, int, str, float]] = field(default_factory=list)
    named: list[tuple[str, object, int]] = field(default_factory=list)
    # (path, line, the name of the object the route is declared on: app, router, blueprint)
    routes: list[tuple[str, int, str | None]] = field(default_factory=list)
    # names of routers and blueprints served under a prefix (include_router(x, prefix=...), url_prefix=...):
    # their routes' full paths are not known from the decorator alone
    mounted: list[str] = field(default_factory=list)
    # Django's path("member/", include("tdd.urls")): (the module included, its prefix); their routes are under it
    included: list[tuple[str, str]] = field(default_factory=list)
    # FastAPI(docs_url=None): the app serves no /docs page
    no_docs: bool = False
    # pages an API documentation extension serves (Quart-Schema's /docs): (path, line, why)
    doc_pages: list[tuple[str, int, str]] = field(default_factory=list)
    files: list[tuple[str, int, str]] = field(default_factory=list)  # files written: (path, line, why)
    # packages a framework call needs that its own package doesn't bring: (distribution, line, why)
    needs: list[tuple[str, int, str]] = field(default_factory=list)
    # relative paths of literal SQLite URLs ("sqlite:///project.db"): (path, line)
    sqlite_urls: list[tuple[str, int]] = field(default_factory=list)
    # a server bound to a loopback address: (address, line, env var it is read from or None)
    loopback: list[tuple[str, int, str | None]] = field(default_factory=list)


def facts(tree: SourceTree, rel: str) -> Facts:
    """The facts of one file, gathered once per parsed module (and kept with the tree: every step asks)."""
    return tree.fact(__name__, rel, _read_facts)


def _read_facts(tree: SourceTree, rel: str) -> Facts:
    mod = values.module(tree, rel)
    found = Facts()
    try:
        if mod.tree is not None:
            _Collector(mod, found).run()
        elif mod.tokens:
            _from_tokens(mod, found)
    except (RecursionError, ValueError, TypeError, AttributeError, KeyError, IndexError):
        pass  # absurd input (nesting past the interpreter's limit, say): keep what was found
    return found


# -- public steps, called by the analyzer -------------------------------------------------------

# the places an env var is read that its evidence lists; the rest are counted in one note
ENV_PLACES = 10


def read_env(tree: SourceTree, files: list[str], profile: Profile) -> None:
    with values.batch():  # every file's facts, gathered once for the steps after this one too
        found = [facts(tree, rel) for rel in files]
    secrets: dict[tuple[str, str | None], bool] = {}  # the same read in many files is judged once
    places: dict[str, int] = {}
    for rel, file_facts in zip(files, found):
        for name, default, line, why, confidence in file_facts.env:
            if name not in SYSTEM_ENV:
                key = (name, default)
                secret = secrets.get(key)
                if secret is None:
                    secret = secrets[key] = is_secret(name, default)
                seen = places[name] = places.get(name, 0) + 1
                if seen <= ENV_PLACES:
                    _record(profile, name, default, rel, line, why, confidence, secret)
                else:
                    profile.add_env(name, None if secret else default, secret)
    for name, seen in places.items():
        if seen > ENV_PLACES:
            profile.note("env", f"{name}: read in {seen - ENV_PLACES} more place(s)", confidence=0.5)


def _record(profile: Profile, name: str, default: str | None, rel: str, line: int, why: str,
            confidence: float = 0.9, secret: bool | None = None) -> None:
    if secret is None:
        secret = is_secret(name, default)
    profile.add_env(name, None if secret else default, secret)
    profile.note("env", f"{name}: {why}" + (" (a secret)" if secret else ""), rel, line, confidence)


def loopback_sites(tree: SourceTree, files: list[str]) -> list[tuple[str, int, str, str | None]]:
    """(file, line, address, env var or None) of each server bound to a loopback address (at most 20)."""
    return [(rel, line, address, env) for rel in files if rel.endswith(".py")
            for address, line, env in facts(tree, rel).loopback][:20]


def loopback_warnings(profile: Profile, sites: list[tuple[str, int, str, str | None]]) -> None:
    """A server the start command runs itself (``python app.py``), bound to a loopback address: unreachable
    from outside the container. One read from an env var with a loopback default that the listen-address
    override sets (languages.common.listen_env) is fine; any other is asked to be set."""
    if not sites or not profile.entrypoint or not profile.entrypoint[0].startswith("python"):
        return
    overridden = listen_env(profile)
    for rel, line, address, env in sites:
        if env and env in overridden:
            continue
        warning = (f"{rel}:{line}: the server listens on {address} (localhost only); it must listen on all "
                   "interfaces to be reachable in a container" + (f": set {env}=0.0.0.0" if env else ""))
        if warning not in profile.warnings:
            profile.warnings.append(warning)
        return


def read_ports(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """Literal ports in run calls, socket servers and bind options; PORT-like env vars."""
    for name in PORT_NAMES:
        var = profile.env_var(name)
        if var and var.default and var.default.isdigit():
            where = next((e for e in profile.evidence.get("env", []) if e.why.startswith(name + ":")), None)
            profile.add_port(int(var.default), f"{name} defaults to {var.default}",
                             where.file if where else None, where.line if where else None, 0.95)
            profile.port_env = profile.port_env or name
            profile.note("port_env", f"the app reads its port from {name}",
                         where.file if where else None, where.line if where else None, 0.95)
    for rel in files:
        if rel.endswith(".py"):
            for port, line, why, confidence, env in facts(tree, rel).ports:
                profile.add_port(port, why, rel, line, confidence)
                if env and not profile.port_env and is_port_name(env):
                    profile.port_env = env
                    profile.note("port_env", f"the app reads its port from {env}", rel, line, confidence)
        else:  # a Procfile: one command per line
            for number, text in enumerate(tree.lines(rel), 1):
                for rx, why in ((_BIND_IN_TEXT, "a bind address"), (_PORT_IN_TEXT, "a --port option")):
                    for m in rx.finditer(text[:2000]):
                        profile.add_port(int(m.group(1)), f"{why}: {m.group(1)}", rel, number, 0.9)


def read_paths(tree: SourceTree, files: list[str], profile: Profile, workdir: str,
               instance_urls: bool = False) -> list[tuple[str, str, int, str]]:
    """Folders the app writes (volumes) and absolute paths outside it that it reads (mounts). A written
    file puts its folder on a volume and stays a file. The app's own folder, or a folder of its code (a
    package: Quart's ``Path(app.root_path) / "blog.db"``), can't be a volume (it holds the code): the files
    written there are returned, (path under the app, file, line, why), for the caller to move into one.
    ``instance_urls``: Flask-SQLAlchemy 3 opens a relative SQLite URL's file in the Flask instance folder."""
    written: dict[str, tuple[str, int, str]] = {}
    named: list[tuple[str, str, str, int]] = []
    reads: list[tuple[str, str, int, str, float]] = []
    beside: dict[str, tuple[str, str, int, str]] = {}
    code_folders = {posixpath.join(workdir, posixpath.dirname(f)).rstrip("/") for f in files}

    def in_code(path: str) -> str | None:
        """The file's path under the app when it sits in the app's folder or a folder of its code (each part
        a plain file name), else None."""
        folder = posixpath.dirname(path)
        absolute = folder if folder.startswith("/") else posixpath.normpath(posixpath.join(workdir, folder))
        if absolute != workdir and absolute not in code_folders:
            return None
        under = posixpath.relpath(posixpath.join(absolute, posixpath.basename(path)), workdir)
        return under if all(_FILE_NAME.fullmatch(part) for part in under.split("/")) else None

    for rel in files:
        found = facts(tree, rel)
        moved_urls = set(found.sqlite_urls) if instance_urls else set()
        if moved_urls:
            instance = values.module(tree, rel).flask_instance_path()
            for path, line in found.sqlite_urls:
                at = posixpath.normpath(posixpath.join(instance, path))
                if not at.startswith(".."):
                    _add_instance_file(written, found, at, rel, line, path)
        for path, line, why in found.written:
            if moved_urls and (_url_folder(path, line, found.sqlite_urls)):
                continue
            written.setdefault(path, (rel, line, why))
        for name, value, line in found.named:
            named.append((name, value, rel, line))  # type: ignore[arg-type]
        for path, line, why, confidence in found.reads:
            reads.append((path, rel, line, why, confidence))
        for path, line, why in found.files:
            if moved_urls and (path, line) in moved_urls:
                continue
            under = in_code(path)
            if under:
                beside.setdefault(posixpath.basename(under), (under, rel, line, why))
    for name, value, rel, line in named:
        upper = name.upper()
        if _WRITABLE_NAME.search(upper) and not value.startswith(("http", "sqlite")):
            written.setdefault(value.rstrip("/") or value, (rel, line, f"{name} names a folder the app writes"))
        elif isinstance(value, ProjectPath) and _RUNTIME_FILE_NAME.search(upper) and value != ".":
            is_file = "." in posixpath.basename(value)
            target = posixpath.dirname(value) if is_file else value
            why = f"{name} is {value}, under the app (written at run time)"
            written.setdefault(target or ".", (rel, line, why))
            under = in_code(value) if is_file else None
            if under:
                beside.setdefault(posixpath.basename(under), (under, rel, line, why))

    moved = {posixpath.normpath(posixpath.join(workdir, posixpath.dirname(b[0]))) for b in beside.values()}
    for path, (rel, line, why) in sorted(written.items()):
        absolute = path if path.startswith("/") else posixpath.normpath(posixpath.join(workdir, path))
        if absolute == workdir or absolute in code_folders:
            if absolute not in moved:  # nothing to move: a folder made there, a file with no literal name
                where = "the app's own folder" if absolute == workdir else f"{absolute}, a folder of its code"
                profile.warnings.append(f"{rel}:{line}: {why}, in {where}, which can't be a volume "
                                        "(it holds the code); point it at a sub-folder to keep the data on a "
                                        "volume")
            continue
        if absolute.startswith("/tmp") or absolute == "/":
            continue
        parent = next((w for w in profile.writable_paths if absolute.startswith(w + "/")), None)
        if parent:  # one volume holds both
            profile.note("writable_paths", f"{why} (inside {parent})", rel, line, 0.8)
        elif absolute not in profile.writable_paths:
            profile.writable_paths.append(absolute)
            profile.note("writable_paths", why, rel, line, 0.8)

    def outside_written(path: str) -> bool:
        return not any(path == w or path.startswith(w + "/") for w in profile.writable_paths)

    for path, rel, line, why, confidence in reads:
        absolute = path.rstrip("/")
        if _ABS_PATH.match(path) and absolute not in profile.read_paths and outside_written(absolute):
            profile.read_paths.append(absolute)
            profile.note("read_paths", why, rel, line, confidence)
    for name, value, rel, line in named:
        if _ABS_PATH.match(value) and _PATH_NAME.search(name.upper()) and not _URL_PATH_NAME.search(name.upper()):
            absolute = value.rstrip("/")
            if outside_written(absolute) and absolute not in profile.read_paths:
                profile.read_paths.append(absolute)
                profile.note("read_paths", f"{name} names {value}, outside the app", rel, line, 0.8)
    return list(beside.values())


_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def sqlite_files(tree: SourceTree, files: list[str], workdir: str) -> list[tuple[str, str, int]]:
    """The SQLite files the app opens at a known path in the container: (absolute path, file, line), from
    ``sqlite3.connect(...)`` and SQLite URLs, and settings named like a database (``DATABASE =
    Path(app.root_path) / "blog.db"``) whose value is a file under the app."""
    found: dict[str, tuple[str, str, int]] = {}
    for rel in files:
        file_facts = facts(tree, rel)
        paths = [(path, line) for path, line, why in file_facts.files if why.startswith("a SQLite database")]
        paths += [(value, line) for name, value, line in file_facts.named
                  if isinstance(value, ProjectPath) and _RUNTIME_FILE_NAME.search(name.upper())
                  and value.endswith(_SQLITE_SUFFIXES)]
        for path, line in paths:
            absolute = posixpath.normpath(posixpath.join(workdir, path))
            found.setdefault(absolute, (absolute, rel, line))
    return list(found.values())


def _add_instance_file(written: dict, found: Facts, at: str, rel: str, line: int, path: str) -> None:
    """A relative SQLite URL Flask-SQLAlchemy 3 opens in the instance folder: that folder is written."""
    folder = posixpath.dirname(at) or "."
    written.setdefault(folder, (rel, line, f"a SQLite database at {path}: Flask-SQLAlchemy opens it in the "
                                         f"instance folder, {at}"))


def _url_folder(folder: str, line: int, urls: list[tuple[str, int]]) -> bool:
    """The folder entry that a relative SQLite URL's file put in ``written`` (moved to the instance folder)."""
    return any(line == url_line and folder == _folder(path) for path, url_line in urls)


def needed_packages(tree: SourceTree, files: list[str]) -> list[tuple[str, str, int, str]]:
    """Packages framework calls need beyond what the framework's package brings: (name, file, line, why)."""
    return [(name, rel, line, why) for rel in files for name, line, why in facts(tree, rel).needs]


def _included_prefixes(tree: SourceTree, files: list[str], found: list) -> dict[str, str | None]:
    """The URL prefix of each Django urls module another includes (``path("member/", include("tdd.urls"))``:
    tdd/urls.py -> "/member"), through includes of includes; None for a prefix that isn't plain text."""
    project = values.project(tree)
    edges: list[tuple[str, str, str]] = []  # (including file, included file, prefix)
    for rel, file_facts in zip(files, found):
        for module, prefix in file_facts.included:
            target = project.find_module(module, rel, 0) if re.fullmatch(r"[\w.]+", module) else None
            if target and target != rel:
                edges.append((rel, target, prefix))
    prefixes: dict[str, str | None] = {}
    for _ in range(5):  # a few levels of includes at most
        changed = False
        for parent, child, prefix in edges:
            above = prefixes.get(parent, "")
            plain = re.fullmatch(r"[\w./-]*", prefix) is not None
            value = None if above is None or not plain else \
                ((above + "/" + prefix.strip("/")).rstrip("/") if prefix.strip("/") else above)
            if prefixes.get(child, "") != value and (child not in prefixes or prefixes[child] != value):
                prefixes[child] = value
                changed = True
        if not changed:
            break
    return prefixes


def read_health_path(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """A route the app serves, for the health check. Routes declared on a router or blueprint that is served
    under a prefix are left out (their full path is the prefix's, often a setting); a FastAPI app with no
    other route left is probed on /docs, which FastAPI serves unless docs_url=None; so is a Quart app with
    Quart-Schema (QuartSchema(app) serves /docs and /openapi.json)."""
    if profile.framework == "streamlit":
        profile.health_path = "/_stcore/health"
        profile.note("health_path", "Streamlit's health endpoint", confidence=0.9)
        return
    found = [facts(tree, rel) for rel in files]
    mounted = {name for f in found for name in f.mounted}
    prefixes = _included_prefixes(tree, files, found)
    routes = []
    for rel, file_facts in zip(files, found):
        prefix = prefixes.get(rel, "")
        if prefix is None:  # included under a prefix that isn't plain text: its full paths are not known
            continue
        for path, line, owner in file_facts.routes:
            path = prefix + path if prefix else path
            if "<" in path or "{" in path or ":" in path or (owner is not None and owner in mounted):
                continue
            routes.append((path, rel, line))
    if profile.framework == "fastapi" and not any(f.no_docs for f in found) and not any(
            path == "/" or is_health_route(path) for path, _rel, _line in routes):
        profile.health_path = "/docs"
        profile.note("health_path", "no health or / route the app serves at a known path: FastAPI's /docs page",
                     confidence=0.6)
        return
    pages = [(path, rel, line, why) for rel, f in zip(files, found) for path, line, why in f.doc_pages]
    if pages and not any(path == "/" or is_health_route(path) for path, _rel, _line in routes):
        path, rel, line, why = pages[0]
        profile.health_path = path
        profile.note("health_path", f"no health or / route the app serves at a known path: {why}, {path}", rel,
                     line, 0.6)
        return
    choose_health_path(profile, routes)


def _last_name(node: ast.AST | None) -> str | None:
    """``router`` for ``router`` or ``articles.router``; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _empty_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ("", None)


# -- one parsed file ----------------------------------------------------------------------------

def _port(value: object) -> int | None:
    value = concrete(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 5:
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 65536 else None


def _text(value: object) -> str | None:
    """A value as an env default: literals as text; paths built from __file__ and unknowns have none."""
    value = concrete(value)
    if value is None or value is UNKNOWN or isinstance(value, ProjectPath):
        return None
    return str(value) if isinstance(value, (str, int, float, bool)) else None


def _folder(path: str) -> str:
    """The folder a written file sits in ("." for the app's own folder)."""
    return posixpath.dirname(path.rstrip("/")) or ("/" if path.startswith("/") else ".")


def _wrote(found: Facts, path: str, line: int, why: str) -> None:
    """A file the app writes: its folder is written to, and the file is remembered by its path."""
    found.written.append((_folder(path), line, why))
    found.files.append((path.rstrip("/"), line, why))


def _starts_with_sqlite(node: ast.BinOp) -> bool:
    """'sqlite:///' + path: the outermost + of a concatenation that starts with a SQLite URL."""
    left = node.left
    return isinstance(node.op, ast.Add) and isinstance(left, ast.Constant) and isinstance(left.value, str) and \
        left.value.startswith("sqlite")


def _read_why(path: str, node: ast.AST | None) -> tuple[str, float]:
    """"reads /x", naming the variable it came through, and the confidence."""
    inner = node
    while isinstance(inner, ast.Call) and len(inner.args) == 1:  # Path(name), str(name)
        inner = inner.args[0]
    if isinstance(inner, ast.Constant):
        return f"reads {path}", 0.9
    if isinstance(inner, ast.Name):
        return f"reads {path} (through {inner.id})", 0.85
    return f"reads {path}", 0.85


class _Collector:
    def __init__(self, mod: Module, found: Facts):
        self.mod = mod
        self.found = found
        self.done: set[int] = set()  # env reads already recorded with an `or` default

    def ev(self, node: ast.AST | None, scope: Scope | None) -> object:
        return self.mod.evaluate(node, scope)

    def run(self) -> None:
        mod = self.mod
        done = self.done
        for node, scope in mod.nodes:
            kind = type(node)
            if kind not in _FACT_TYPES or id(node) in done:
                continue
            if kind is ast.Call:
                self.call(node, scope)
            elif kind is ast.Subscript:
                env = mod.env_subscript(node, scope, 0)
                if env is not None:
                    self.found.env.append((env.name, None, node.lineno, "required (os.environ[...])", 0.9))
            elif kind is ast.BoolOp:
                if isinstance(node.op, ast.Or):
                    self.or_default(node, scope)
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                self.route_decorators(node)
            elif kind is ast.Assign or kind is ast.AnnAssign:
                self.assignment(node, scope)
            elif kind is ast.Dict:
                self.database_dict(node, scope)
            elif kind is ast.Constant:
                if isinstance(node.value, str):
                    self.string(node.value, node.lineno, literal=True)
            elif kind is ast.List or kind is ast.Tuple:
                self.argv(node)
            elif kind is ast.JoinedStr or (kind is ast.BinOp and _starts_with_sqlite(node)):
                value = self.ev(node, scope)
                if isinstance(value, str) and "sqlite" in value:
                    self.string(value, node.lineno)
                elif value is UNKNOWN:
                    self.sqlite_url_in_app(node, scope)
        for cls in mod.classes.values():
            if values.is_settings(mod, cls):
                self.settings_class(cls)

    def or_default(self, node: ast.BoolOp, scope: Scope | None) -> None:
        """os.environ.get("X") or "y": X with the default "y"."""
        first = node.values[0]
        if isinstance(first, ast.Call):
            env = self.mod.env_call(first, scope)
        elif isinstance(first, ast.Subscript):
            env = None
        else:
            return
        if env is None or env.default not in (None, ""):
            return
        value = self.ev(node, scope)
        default = _text(value.default) if isinstance(value, EnvRead) and value.name == env.name else None
        if default is None:
            return
        self.done.add(id(first))
        via = f" through {env.via}()" if env.via else ""
        self.found.env.append((env.name, default, first.lineno, f"read{via} with an `or` default", 0.85))

    # env reads, ports, paths and routes in calls
    def call(self, node: ast.Call, scope: Scope | None) -> None:
        mod, found, line = self.mod, self.found, node.lineno
        env = mod.env_call(node, scope)
        if env is not None:
            default = _text(env.default)
            if env.via:
                why = f"read through {env.via}()" + (" with a default" if default is not None else "")
            else:
                why = "read with a default" if default is not None else "read"
            found.env.append((env.name, default, line, why, 0.9 if not env.via else 0.85))
            return
        name = mod.dotted(node.func) or ""
        last = name.rsplit(".", 1)[-1]
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else last  # `from bottle import run`
        # ports
        if attr in _RUN_CALLS or last in ("run_simple", "make_server"):
            port_node = values._arg(node, 1, "port") if last in ("run_simple", "make_server") else \
                values._arg(node, 10_000, "port")
            self.port(port_node, scope, line, f"{attr}(port=...)")
            host_node = values._arg(node, 0, "host") if last in ("run_simple", "make_server") else \
                values._arg(node, 10_000, "host")
            self.host(host_node, scope, line)
        if attr == "launch" and node.keywords:  # Gradio: demo.launch(server_name=..., server_port=...)
            self.port(values._arg(node, 10_000, "server_port"), scope, line, "launch(server_port=...)")
            self.host(values._arg(node, 10_000, "server_name"), scope, line)
        if last.endswith("Server") or attr in ("bind", "listen"):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Tuple) and len(first.elts) == 2:
                self.port(first.elts[1], scope, line, "a server bound to a port")
                self.host(first.elts[0], scope, line)
        if attr in GRPC_BINDS and isinstance(node.func, ast.Attribute):
            address = values._arg(node, 0, "address")
            if address is not None:
                self.bind_address(address, scope, line, f"the gRPC server's {attr}()")
        for kw in node.keywords:
            if kw.arg == "bind":
                value = concrete(self.ev(kw.value, scope))
                if isinstance(value, str) and _HOST_PORT.match(value):
                    found.ports.append((int(value.rsplit(":", 1)[1]), line, f"a bind address: {value}", 0.9, None))
        # routes
        if last in ("path", "re_path") and len(node.args) >= 2 and name in ("path", "django.urls.path"):
            route = self.ev(node.args[0], scope)
            view = node.args[1]
            if isinstance(view, ast.Call) and _last_name(view.func) == "include":
                # a prefix, not a route: the included module's routes are served under it
                target = self.ev(view.args[0], scope) if view.args else None
                if isinstance(route, str) and isinstance(target, str):
                    found.included.append((target, route))
            elif isinstance(route, str):
                found.routes.append(("/" + route.lstrip("/"), line, None))
        elif last in ("Route", "add_url_rule", "add_api_route") and node.args:
            route = self.ev(node.args[0], scope)
            if isinstance(route, str) and route.startswith("/"):
                owner = node.func.value if isinstance(node.func, ast.Attribute) else None
                found.routes.append((route, line, _last_name(owner)))
        elif attr in ("include_router", "register_blueprint") and node.args:
            if any(kw.arg in _PREFIX_KEYWORDS and not _empty_text(kw.value) for kw in node.keywords):
                first = node.args[0]
                imported = mod.imports.get(first.id) if isinstance(first, ast.Name) else None
                # `from .api import router as api_router`: the router's own name
                mounted = imported[1] if imported and imported[1] else _last_name(first)
                if mounted:
                    found.mounted.append(mounted)
        if attr in _CONFIG_CALLS and isinstance(node.func, ast.Attribute) and \
                _last_name(node.func.value) == "config":
            self.config_call(node, scope)
        if last == "FastAPI" and any(kw.arg == "docs_url" and isinstance(kw.value, ast.Constant)
                                     and kw.value.value is None for kw in node.keywords):
            found.no_docs = True
        elif last == "QuartSchema":
            self.quart_schema(node, scope, line)
        # files
        if name in ("open", "io.open", "codecs.open") and node.args:
            self.opened(values._arg(node, 0, "file"), values._arg(node, 1, "mode"), scope, line, "opens")
        elif name in ("os.makedirs", "os.mkdir") and node.args:
            path = concrete(self.ev(node.args[0], scope))
            if isinstance(path, str) and path:
                found.written.append((path.rstrip("/") or path, line, f"creates the folder {path}"))
        elif last == "fast_app" and node.args:
            path = concrete(self.ev(node.args[0], scope))  # FastHTML: a SQLite file, made on first run
            found.needs.append(("fastlite", line, "fast_app() with a database imports fastlite"))
            if isinstance(path, str) and path and ":" not in path:
                _wrote(found, path, line, f"a SQLite database at {path}")
        elif name == "sqlite3.connect" and node.args:
            path = concrete(self.ev(node.args[0], scope))
            if not isinstance(path, str):
                path = self.app_path(node.args[0], scope)
            if isinstance(path, str) and path and ":" not in path:
                _wrote(found, path, line, f"a SQLite database at {path}")
        elif isinstance(node.func, ast.Attribute) and attr in ({"mkdir", "open"} | _WRITE_METHODS | _READ_METHODS):
            base = self.ev(node.func.value, scope)
            if not isinstance(base, PathValue):
                return
            if attr == "mkdir":
                found.written.append((base.rstrip("/") or base, line, f"creates the folder {base}"))
            elif attr == "open":
                self.opened_value(base, values._arg(node, 0, "mode"), scope, line, "opens", node.func.value)
            elif attr in _WRITE_METHODS:
                _wrote(found, base, line, f"writes {base}")
            else:
                self.read(base, line, *_read_why(base, node.func.value))
        elif name.endswith(("pathlib.Path", "pathlib.PurePath")) or name == "Path":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("/"):
                self.read(first.value, line, f"reads {first.value}", 0.9)

    # -- paths built on a Flask or Quart app's folders -------------------------------------------
    def app_folder(self, node: ast.Attribute) -> object:
        """``app.root_path`` (the folder of the module that makes the app: this module's, as the app's module
        sits with it in the common shapes) or ``app.instance_path`` (``instance/`` beside the top-level
        package), in a module that imports Flask or Quart; UNKNOWN for anything else."""
        mod = self.mod
        if node.attr not in _APP_FOLDERS or not (mod.aliases_root() & _APP_FRAMEWORKS):
            return UNKNOWN
        if node.attr == "instance_path":
            return mod.flask_instance_path()
        return ProjectPath(posixpath.dirname(mod.rel) or ".")

    def app_path(self, node: ast.AST | None, scope: Scope | None, depth: int = 0) -> object:
        """A path built on an app's folder: ``Path(app.root_path) / "blog.db"``,
        ``os.path.join(app.instance_path, "flaskr.sqlite")``, ``f"{app.root_path}/app.db"``, or a name
        assigned one of them once; a ProjectPath, else UNKNOWN."""
        if node is None or depth > 8:
            return UNKNOWN
        kind = type(node)
        base: object = UNKNOWN
        rest: list[ast.expr] = []
        if kind is ast.Attribute:
            return self.app_folder(node)
        if kind is ast.Name:
            assigned = scope.assigns.get(node.id) if scope is not None else None
            if assigned is None:
                assigned = self.mod.assigns.get(node.id)
            if assigned and len(assigned) == 1:
                return self.app_path(assigned[0], None if scope is None or node.id not in scope.assigns
                                     else scope, depth + 1)
            return UNKNOWN
        if kind is ast.Call and node.args and not any(isinstance(a, ast.Starred) for a in node.args):
            name = self.mod.dotted(node.func) or ""
            if name in _PATH_CALLS:
                base, rest = self.app_path(node.args[0], scope, depth + 1), node.args[1:]
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "joinpath":
                base, rest = self.app_path(node.func.value, scope, depth + 1), node.args
        elif kind is ast.Call and isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return self.app_path(node.func.value, scope, depth + 1)
        elif kind is ast.BinOp and isinstance(node.op, (ast.Div, ast.Add)):
            base, rest = self.app_path(node.left, scope, depth + 1), [node.right]
            if isinstance(node.op, ast.Add):  # root_path + "/blog.db": the text must start a new part
                right = concrete(self.ev(node.right, scope))
                if not (isinstance(right, str) and right.startswith(("/", "\\"))):
                    return UNKNOWN
        elif kind is ast.JoinedStr and len(node.values) >= 2 and isinstance(node.values[0], ast.FormattedValue):
            first = node.values[0]
            if first.format_spec is not None:
                return UNKNOWN
            base, rest = self.app_path(first.value, scope, depth + 1), list(node.values[1:])
            text = [concrete(self.ev(r.value if isinstance(r, ast.FormattedValue) else r, scope)) for r in rest]
            if not all(isinstance(t, str) for t in text) or not "".join(text).startswith("/"):
                return UNKNOWN
            rest = [ast.Constant("".join(text).lstrip("/"))]
        if not isinstance(base, ProjectPath):
            return UNKNOWN
        parts = [concrete(self.ev(r, scope)) for r in rest]
        if not all(isinstance(p, str) and p for p in parts):
            return UNKNOWN
        path = posixpath.normpath(posixpath.join(base, *(p.lstrip("/") for p in parts)))
        return ProjectPath(path) if not path.startswith("..") and len(path) <= 1000 else UNKNOWN

    def sqlite_url_in_app(self, node: ast.JoinedStr | ast.BinOp, scope: Scope | None) -> None:
        """``"sqlite:///" + os.path.join(app.instance_path, "app.db")`` or ``f"sqlite:///{path}"`` with a path
        built on an app's folder: a SQLite database the app writes there."""
        if isinstance(node, ast.BinOp):
            prefix, rest = node.left, node.right
        elif len(node.values) == 2 and isinstance(node.values[1], ast.FormattedValue) and \
                node.values[1].format_spec is None:
            prefix, rest = node.values[0], node.values[1].value
        else:
            return
        if not (isinstance(prefix, ast.Constant) and isinstance(prefix.value, str)
                and prefix.value.startswith("sqlite") and prefix.value.endswith(":///")):
            return
        path = self.app_path(rest, scope)
        if isinstance(path, str):
            _wrote(self.found, path, node.lineno, f"a SQLite database at {path}")

    def config_call(self, node: ast.Call, scope: Scope | None) -> None:
        """``app.config.from_mapping(DATABASE=...)`` / ``app.config.update({"DATABASE": ...})``: settings named
        as if assigned (UPLOAD_FOLDER, DATABASE), with paths built on the app's folders."""
        pairs = [(kw.arg, kw.value) for kw in node.keywords if kw.arg]
        if node.args and isinstance(node.args[0], ast.Dict):
            pairs += [(k.value, v) for k, v in zip(node.args[0].keys, node.args[0].values)
                      if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        for name, value_node in pairs[:200]:
            value = concrete(self.ev(value_node, scope))
            if value is UNKNOWN:
                value = self.app_path(value_node, scope)
            if isinstance(value, str) and value:
                self.found.named.append((name, value, value_node.lineno))

    def quart_schema(self, node: ast.Call, scope: Scope | None, line: int) -> None:
        """QuartSchema(app): when its OpenAPI document is served (openapi_path, /openapi.json), its pages too
        (swagger_ui_path /docs, redoc_ui_path /redocs, scalar_ui_path /scalar); a path set to None is not
        served, one that isn't a literal is not known. The pages come first: they are static HTML, while the
        document is built from the app's models (a 500 for dataclasses without pydantic or msgspec)."""
        paths = {}
        keywords = (("openapi_path", "/openapi.json"), ("swagger_ui_path", "/docs"), ("redoc_ui_path", "/redocs"),
                    ("scalar_ui_path", "/scalar"))
        for keyword, default in keywords:
            given = next((kw.value for kw in node.keywords if kw.arg == keyword), None)
            value = default if given is None else concrete(self.ev(given, scope))
            if value is not None and not (isinstance(value, str) and value.startswith("/")):
                value = UNKNOWN
            paths[keyword] = value
        if paths["openapi_path"] is None:
            return  # no OpenAPI document: Quart-Schema serves none of its pages
        for keyword in ("swagger_ui_path", "redoc_ui_path", "scalar_ui_path", "openapi_path"):
            if isinstance(paths[keyword], str):
                self.found.doc_pages.append((paths[keyword], line, f"QuartSchema's {keyword} page"))

    def bind_address(self, node: ast.AST, scope: Scope | None, line: int, why: str, depth: int = 0) -> None:
        """A ``host:port`` address: a literal, or built from a host and a port (``'[::]:' + port``,
        ``f"[::]:{port}"``, ``"[::]:{}".format(port)``, ``"[::]:%s" % port``), the port an env read or a
        name; a name bound once is followed to the expression it is bound to."""
        port_node: ast.AST | None = None
        if isinstance(node, ast.JoinedStr) and len(node.values) >= 2 and \
                isinstance(node.values[-1], ast.FormattedValue) and _ends_with_colon(node.values[-2], self, scope):
            port_node = node.values[-1].value
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and _ends_with_colon(node.left, self, scope):
            port_node = node.right
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
                and isinstance(node.left.value, str) and node.left.value.endswith((":%s", ":%d")):
            port_node = node.right.elts[-1] if isinstance(node.right, ast.Tuple) and node.right.elts else node.right
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) \
                and node.func.value.value.endswith(":{}") and node.args and not node.keywords:
            port_node = node.args[-1]
        elif isinstance(node, ast.Name) and depth < 3:
            bound = _bound_once(self.mod, node.id, scope)
            if bound is not None:
                self.bind_address(bound[0], bound[1], line, why, depth + 1)
                return
        if port_node is not None:
            self.port(port_node, scope, line, why)
            return
        value = concrete(self.ev(node, scope))
        if isinstance(value, str) and _HOST_PORT.match(value):
            self.found.ports.append((int(value.rsplit(":", 1)[1]), line, f"{why}: {value}", 0.9, None))

    def port(self, node: ast.AST | None, scope: Scope | None, line: int, why: str) -> None:
        if node is None:
            return
        value = self.ev(node, scope)
        port = _port(value)
        if port is None:
            return
        if isinstance(value, EnvRead):
            self.found.ports.append((port, line, f"{why} reads {value.name}, default {port}", 0.9, value.name))
        else:
            literal = isinstance(node, ast.Constant)
            self.found.ports.append((port, line, f"{why}: {port}", 0.9 if literal else 0.85, None))

    def opened(self, path_node: ast.AST | None, mode_node: ast.AST | None, scope: Scope | None, line: int,
               verb: str) -> None:
        path = concrete(self.ev(path_node, scope))
        if isinstance(path, str) and path:
            self.opened_value(path, mode_node, scope, line, verb, path_node)

    def opened_value(self, path: str, mode_node: ast.AST | None, scope: Scope | None, line: int, verb: str,
                     path_node: ast.AST | None = None) -> None:
        mode = concrete(self.ev(mode_node, scope)) if mode_node is not None else "r"
        if not isinstance(mode, str):
            return
        if any(c in mode for c in "wax"):
            _wrote(self.found, path, line, f"{verb} {path} for writing")
        else:
            self.read(path, line, *_read_why(path, path_node))

    def read(self, path: str, line: int, why: str, confidence: float) -> None:
        if path.startswith("/"):
            self.found.reads.append((path, line, why, confidence))

    def route_decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for dec in node.decorator_list:
            if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and \
                    dec.func.attr in _ROUTE_DECORATORS and dec.args:
                route = self.ev(dec.args[0], None)
                if isinstance(route, str) and route.startswith("/"):
                    self.found.routes.append((route, dec.lineno, _last_name(dec.func.value)))

    def assignment(self, node: ast.Assign | ast.AnnAssign, scope: Scope | None) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is None:
            return
        value: object = None
        for target in targets:
            if isinstance(target, ast.Name) and (scope is None):
                name = target.id
            elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and \
                    isinstance(target.slice.value, str):
                name = target.slice.value  # app.config["UPLOAD_FOLDER"] = ...
            else:
                continue
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Call) and any(
                    kw.arg in _PREFIX_KEYWORDS and not _empty_text(kw.value) for kw in node.value.keywords) \
                    and _last_name(node.value.func) in _ROUTER_CLASSES:
                self.found.mounted.append(name)  # router = APIRouter(prefix="/items")
            if value is None:
                value = concrete(self.ev(node.value, scope))
                if value is UNKNOWN:
                    value = self.app_path(node.value, scope)
            if name == "bind" and scope is None and isinstance(target, ast.Name):  # gunicorn.conf.py
                for item in (value if isinstance(value, list) else [value]):
                    if isinstance(item, str) and _HOST_PORT.match(item):
                        self.found.ports.append((int(item.rsplit(":", 1)[1]), node.lineno,
                                                 f"a bind address: {item}", 0.9, None))
            if isinstance(value, str) and value:
                self.found.named.append((name, value, node.lineno))

    def database_dict(self, node: ast.Dict, scope: Scope | None) -> None:
        """Django's DATABASES entry: {"ENGINE": "...sqlite3", "NAME": <path>}."""
        keys = {k.value: v for k, v in zip(node.keys, node.values)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        if "NAME" not in keys:
            return
        engine = concrete(self.ev(keys["ENGINE"], scope)) if "ENGINE" in keys else None
        path = concrete(self.ev(keys["NAME"], scope))
        if not isinstance(path, str) or not path or ":memory:" in path:
            return
        if (isinstance(engine, str) and "sqlite" in engine) or path.endswith((".sqlite3", ".sqlite", ".db")):
            _wrote(self.found, path, keys["NAME"].lineno, f"a SQLite database at {path}")

    def string(self, text: str, line: int, literal: bool = False) -> None:
        """SQLite URLs, bind addresses and --port options in a string; a relative path in a literal SQLite URL
        (not one built on a folder of the code) is also kept apart: Flask-SQLAlchemy 3 puts it in the
        instance folder."""
        if len(text) > 4000 or not ("sqlite" in text or "-" in text or "bind" in text):
            return
        for m in _SQLITE_URL.finditer(text):
            path = m.group(1)
            if ":memory:" not in path and not any(c in path for c in "{}%$"):  # not a template ("{0}".format)
                _wrote(self.found, path, line, f"a SQLite database at {path}")
                if literal and not path.startswith("/"):
                    self.found.sqlite_urls.append((path, line))
        for rx, why in ((_BIND_IN_TEXT, "a bind address"), (_PORT_IN_TEXT, "a --port option")):
            for m in rx.finditer(text):
                self.found.ports.append((int(m.group(1)), line, f"{why}: {m.group(1)}", 0.9, None))

    def argv(self, node: ast.List | ast.Tuple) -> None:
        """["gunicorn", "--bind", "0.0.0.0:8000"] / ["--port", "8000"]."""
        items = [e.value if isinstance(e, ast.Constant) and isinstance(e.value, (str, int)) else None
                 for e in node.elts[:200]]
        for flag, value in zip(items, items[1:]):
            if flag in ("--bind", "-b") and isinstance(value, str) and _HOST_PORT.match(value):
                self.found.ports.append((int(value.rsplit(":", 1)[1]), node.lineno, f"a bind address: {value}",
                                         0.9, None))
            elif flag == "--port" and _port(value) is not None:
                self.found.ports.append((_port(value), node.lineno, f"a --port option: {value}", 0.9, None))

    def host(self, node: ast.expr | None, scope: Scope | None, line: int) -> None:
        """The address a server is bound to, when it is a loopback one (fixed, or an env var's default)."""
        if node is None or len(self.found.loopback) >= 20:
            return
        value = self.ev(node, scope)
        text, env = (value.default, value.name) if isinstance(value, EnvRead) else (concrete(value), None)
        if isinstance(text, str) and text.strip() in LOOPBACK:
            self.found.loopback.append((text.strip(), line, env))

    def settings_class(self, cls: ast.ClassDef) -> None:
        for _field, env_name, default_node, line in values.settings_fields(self.mod, cls):
            default = _text(self.ev(default_node, None)) if default_node is not None else None
            self.found.env.append((env_name, default, line, "a BaseSettings field", 0.9))


# -- a file that does not parse: its tokens -----------------------------------------------------

def _ends_with_colon(node: ast.AST, collector: "_Collector", scope: Scope | None) -> bool:
    """The host part of an address ends with its ``:`` (``'[::]:'``, ``HOST + ':'``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.endswith(":")
    value = concrete(collector.ev(node, scope))
    return isinstance(value, str) and value.endswith(":")


def _bound_once(mod: Module, name: str, scope: Scope | None) -> tuple[ast.expr, Scope | None] | None:
    """The expression a name is bound to, and the scope it is in, when it is bound once (a local name,
    else a module-level one); None for a parameter or a name bound more than once."""
    while scope is not None:
        if name in scope.globals:
            break
        if name in scope.params:
            return None
        if name in scope.assigns:
            bound = scope.assigns[name]
            return (bound[0], scope) if len(bound) == 1 and bound[0] is not None else None
        scope = scope.parent
    bound = mod.assigns.get(name) or []
    return (bound[0], None) if len(bound) == 1 and bound[0] is not None else None


def _literal(tok: tokenize.TokenInfo) -> object:
    if tok.type == tokenize.NUMBER:
        return tok.string
    if tok.type == tokenize.NAME and tok.string in ("True", "False"):
        return tok.string
    if tok.type != tokenize.STRING:
        return UNKNOWN
    try:
        value = ast.literal_eval(tok.string)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN
    return value if isinstance(value, str) else UNKNOWN


def _from_tokens(mod: Module, found: Facts) -> None:
    """Env reads, ports and opened paths from string tokens next to names."""
    toks = mod.tokens
    n = len(toks)

    def at(i: int, text: str) -> bool:
        return 0 <= i < n and toks[i].string == text

    for i, tok in enumerate(toks):
        if tok.type != tokenize.NAME:
            continue
        word, line = tok.string, tok.start[0]
        strict = word == "getenv" or (word == "get" and at(i - 1, ".") and at(i - 2, "environ"))
        loose = (word in ("env", "config") and not at(i - 1, ".")) or \
            (at(i - 1, ".") and at(i - 2, "env") and f"env.{word}" in values._LOOSE_ENV_CALLS)
        if (strict or loose) and at(i + 1, "(") and i + 2 < n:
            name = _literal(toks[i + 2])
            if isinstance(name, str) and values._is_env_name(name, loose) and toks[i + 2].type == tokenize.STRING:
                j = i + 4 if at(i + 3, ",") else n
                if at(j, "default") and at(j + 1, "="):
                    j += 2
                default = _literal(toks[j]) if j < n else UNKNOWN
                default = default if isinstance(default, str) else None
                why = ("read with a default" if default is not None else "read") + f" ({TOKENS_NOTE})"
                found.env.append((name, default, line, why, 0.6))
        elif word == "environ" and at(i + 1, "[") and at(i + 3, "]") and not at(i + 4, "="):
            name = _literal(toks[i + 2])
            if isinstance(name, str) and values._is_env_name(name, False) and toks[i + 2].type == tokenize.STRING:
                found.env.append((name, None, line, f"required (os.environ[...]; {TOKENS_NOTE})", 0.6))
        elif word == "open" and at(i + 1, "(") and i + 2 < n and toks[i + 2].type == tokenize.STRING:
            path = _literal(toks[i + 2])
            if not isinstance(path, str) or not path:
                continue
            mode = _literal(toks[i + 4]) if at(i + 3, ",") and i + 4 < n else "r"
            if isinstance(mode, str) and any(c in mode for c in "wax"):
                _wrote(found, path, line, f"opens {path} for writing ({TOKENS_NOTE})")
            elif path.startswith("/"):
                found.reads.append((path, line, f"reads {path} ({TOKENS_NOTE})", 0.6))
        elif word == "port" and at(i + 1, "=") and i + 2 < n and toks[i + 2].type == tokenize.NUMBER:
            port = _port(toks[i + 2].string)
            if port is not None:
                found.ports.append((port, line, f"port={port} ({TOKENS_NOTE})", 0.6, None))
