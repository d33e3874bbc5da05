"""Several apps in one repository: which subfolders are apps, which are libraries, and how they call each other.

A repository whose root is an app of its own (a manifest or source files at the top) is one app, handled
as before. A root with no app of its own whose subfolders hold apps (``backend/``, ``frontend/``,
``services/*``, ``apps/*``, ``packages/*``, any folder with its own manifest, or the members a workspace
file names: npm/yarn ``workspaces``, ``pnpm-workspace.yaml``, ``go.work``, a Cargo ``[workspace]``) is a
repository of several apps: each app is analyzed in its own folder, and one root compose.yaml runs them all.
"""
from __future__ import annotations

import fnmatch
import json
import posixpath
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .profile import Profile
from .scan import ScanError, SourceTree

# files that make the folder holding them an app (or a library) of its own
MANIFESTS = (
    "package.json", "pyproject.toml", "requirements.txt", "setup.py", "setup.cfg", "Pipfile", "go.mod",
    "Cargo.toml", "pom.xml", "build.gradle", "build.gradle.kts", "Gemfile", "composer.json", "CMakeLists.txt",
    "meson.build", "manage.py", "config.ru", "index.html", "Staticfile", "static.json",
)
# manifests of stacks no analyzer reads (by file name, or by suffix when it starts with a dot): a folder that
# holds one is named in the notes rather than silently left out
UNSUPPORTED = {".csproj": "a C# (.NET) project", ".fsproj": "an F# (.NET) project", ".vbproj": "a VB.NET project",
               ".sln": "a .NET solution", "mix.exs": "an Elixir project", "pubspec.yaml": "a Dart project",
               "Package.swift": "a Swift package", "stack.yaml": "a Haskell project", ".cabal": "a Haskell package",
               "build.sbt": "a Scala (sbt) project", "deno.json": "a Deno project", "deno.jsonc": "a Deno project",
               "rebar.config": "an Erlang project", "dune-project": "an OCaml project"}
# source files at the root make the root an app of its own
ROOT_SOURCE_SUFFIXES = (".py", ".go", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php", ".rs", ".java", ".kt",
                        ".c", ".cc", ".cpp", ".html", ".htm")
# folders whose subfolders are the apps (or shared packages)
GROUP_DIRS = ("services", "apps", "packages", "libs")
# the manifest of a workspace's own members: a folder with one that the workspace leaves out stays out
WORKSPACE_MANIFEST = {"package.json workspaces": "package.json", "pnpm-workspace.yaml": "package.json",
                      "go.work": "go.mod", "Cargo.toml [workspace]": "Cargo.toml",
                      "pyproject.toml [tool.uv.workspace]": "pyproject.toml"}
# folders of a repository that are never an app
NOT_APPS = frozenset({"docs", "doc", "test", "tests", "e2e", "scripts", "examples", "example", "fixtures",
                      "deploy", "deployment", "k8s", "helm", "charts", "secrets", "db", "data", "assets"})
# names of the app a front end's API calls go to, when several could take them
API_NAMES = ("api", "backend", "server", "app")
# folders that hold background processes: a port their code never names is not assumed
WORKER_NAMES = frozenset({"worker", "workers", "jobs", "queue", "consumer", "consumers", "scheduler", "cron"})
NAME_OK = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
NPM_NAME = re.compile(r"(?:@[a-z0-9][a-z0-9._~-]{0,100}/)?[a-z0-9][a-z0-9._~-]{0,100}")  # a package's name
SAFE_PATH = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9_.@-]*(?:/[A-Za-z0-9_@][A-Za-z0-9_.@-]*)*")  # a folder in COPY

# build-time variables that hold the API's base URL (after their public prefix: VITE_, NEXT_PUBLIC_, ...)
API_URL_NAMES = frozenset({"API_URL", "API_BASE_URL", "API_BASE", "API_ENDPOINT", "API_HOST", "API_ROOT",
                           "BACKEND_URL", "BACKEND_API_URL", "SERVER_URL", "API_SERVER_URL"})
PUBLIC_PREFIXES = ("VITE_", "NEXT_PUBLIC_", "REACT_APP_", "PUBLIC_", "NUXT_PUBLIC_", "GATSBY_")

# the server block of the nginx stage every static front end's Dockerfile has
NGINX_LISTEN = "'    listen 8080;' \\"


# folders that hold the repository's own reverse proxy (an nginx configuration, maybe a Dockerfile)
PROXY_DIRS = ("nginx", "proxy", "reverse-proxy", "gateway")
# nginx configuration (a config format with no parser here): the ports it listens on, the hosts it passes to
NGINX_LISTEN_RX = re.compile(r"(?:^|[{;])\s*listen\s+(?:[\w.\[\]:]+:)?(\d{1,5})\b", re.M)
NGINX_HTTP_RX = re.compile(r"^\s*http\s*\{", re.M)  # a whole nginx.conf, not a server block
NGINX_PASS_RX = re.compile(r"(?:^|[{;])\s*proxy_pass\s+https?://([A-Za-z0-9_.-]+)(?::(\d{1,5}))?", re.M)
# an upstream block (its name, its body) and the servers in it
NGINX_UPSTREAM_RX = re.compile(r"(?:^|[{;}])\s*upstream\s+([A-Za-z0-9_.-]+)\s*\{([^{}]*)\}", re.M)
NGINX_SERVER_RX = re.compile(r"(?:^|[{;])\s*server\s+([A-Za-z0-9_.-]+)(?::(\d{1,5}))?", re.M)
NGINX_IMAGE = "nginx:1.27-bookworm"


@dataclass
class Proxy:
    """A reverse proxy the repository keeps (``proxy/nginx.conf``): run as a service with its own config."""

    name: str
    path: str
    conf: str | None = None  # the configuration file, relative to the root
    dockerfile: bool = False  # the folder builds its own image
    main_conf: bool = False  # the file is a whole nginx.conf (an http block), not a conf.d server block
    ports: list[int] = field(default_factory=list)
    upstreams: list[str] = field(default_factory=list)  # the hosts it passes to (an upstream block's servers)
    ports_of: dict[str, int] = field(default_factory=dict)  # ... the port it passes to each on, when named
    aliases: dict[str, str] = field(default_factory=dict)  # a host no service is named, -> the app that answers


class AppsError(ValueError):
    """A repository of several apps that can't be handled as asked; the message says why."""


@dataclass
class App:
    name: str
    path: str  # relative to the repository's root, POSIX
    kind: str = "app"  # "app" (deployable) or "library" (shared code, no image)
    evidence: list[str] = field(default_factory=list)
    profile: Profile | None = None
    error: str | None = None  # why it could not be analyzed
    calls: list[str] = field(default_factory=list)  # path prefixes of the API calls it makes ("/api/")
    calls_from: str | None = None  # where the first of them is
    proxy_to: str | None = None  # the app those calls are proxied to
    strip_prefix: bool = False  # the calls come through an API base URL variable: nginx drops the prefix
    build_args: dict[str, str] = field(default_factory=dict)  # API URL variables set in compose (VITE_API_URL)
    api_origin: str | None = None  # a server front end whose bundle calls this app at its published address
    host_port: int | None = None  # the host port a front end calls it on (http://localhost:5001 in its code)
    members: list[str] | None = None  # built from the workspace root: its folder and the members it needs
    uv_package: str | None = None  # a uv workspace member: its project name (uv sync --package)
    node_manager: str | None = None  # an npm or pnpm workspace member: the root's package manager
    manager_version: str | None = None  # ... its version (pnpm)
    package_name: str | None = None  # ... the member's package.json name (pnpm --filter)
    yarn_manifests: list[str] = field(default_factory=list)  # a yarn workspace: every member folder (one install)
    workspace_tool: str | None = None  # "go" (go.work) or "cargo" (a Cargo workspace): built from the root
    workspace_manifests: list[str] = field(default_factory=list)  # ... every member folder (go.mod, Cargo.toml)
    stub_targets: list[str] = field(default_factory=list)  # ... a Cargo workspace's target files (empty stand-ins)
    uv_manifests: list[str] = field(default_factory=list)  # every member folder of that uv workspace

    @property
    def deployable(self) -> bool:
        return self.kind == "app" and self.profile is not None


@dataclass
class Repo:
    root: Path
    apps: list[App]
    workspace: str | None = None  # the workspace file, when members come from one
    notes: list[str] = field(default_factory=list)
    proxies: list[Proxy] = field(default_factory=list)

    def get(self, name: str) -> App:
        for app in self.apps:
            if app.name == name or app.path == name.strip("/"):
                return app
        known = ", ".join(a.name for a in self.apps)
        raise AppsError(f"--only {name}: no app of that name here (apps: {known})")

    @property
    def deployable(self) -> list[App]:
        return [a for a in self.apps if a.deployable]


# -- discovery -----------------------------------------------------------------------------
def root_is_app(tree: SourceTree) -> bool:
    """Whether the root holds an app of its own: a manifest or source files at the top."""
    top = tree.children("")
    return any(f in MANIFESTS for f in top) or any(f.endswith(ROOT_SOURCE_SUFFIXES) for f in top)


def _json(tree: SourceTree, rel: str) -> dict:
    try:
        data = json.loads(tree.read(rel) or "{}")
    except (ValueError, RecursionError):  # a document nested too deeply is read by its own analyzer
        return {}
    return data if isinstance(data, dict) else {}


def _toml(tree: SourceTree, rel: str) -> dict:
    try:
        return tomllib.loads(tree.read(rel) or "")
    except (tomllib.TOMLDecodeError, ValueError):
        return {}


def workspace_members(tree: SourceTree) -> tuple[str | None, list[str]]:
    """(the workspace file, its member folders) when the root defines a workspace."""
    patterns: list[str] = []
    source = None
    if tree.exists("pnpm-workspace.yaml"):
        import yaml

        try:
            data = yaml.safe_load(tree.read("pnpm-workspace.yaml") or "") or {}
        except yaml.YAMLError:
            data = {}
        packages = data.get("packages") if isinstance(data, dict) else None
        if isinstance(packages, list):
            source, patterns = "pnpm-workspace.yaml", [p for p in packages if isinstance(p, str)]
    if source is None and tree.exists("package.json"):
        ws = _json(tree, "package.json").get("workspaces")
        if isinstance(ws, dict):
            ws = ws.get("packages")
        if isinstance(ws, list):
            source, patterns = "package.json workspaces", [p for p in ws if isinstance(p, str)]
    if source is None and tree.exists("go.work"):
        source, patterns = "go.work", _go_work_uses(tree.read("go.work") or "")
    if source is None and tree.exists("pyproject.toml"):
        members = _uv_workspace(tree).get("members")
        if isinstance(members, list):
            source, patterns = "pyproject.toml [tool.uv.workspace]", [m for m in members if isinstance(m, str)]
    if source is None and tree.exists("Cargo.toml"):
        data = _toml(tree, "Cargo.toml")
        members = data.get("workspace", {}).get("members") if isinstance(data.get("workspace"), dict) else None
        if isinstance(members, list) and "package" not in data:
            source, patterns = "Cargo.toml [workspace]", [m for m in members if isinstance(m, str)]
    if source is None:
        return None, []
    folders: list[str] = []
    for pattern in patterns:
        if pattern.startswith("!"):
            continue
        pattern = pattern.strip().strip("/").removeprefix("./")
        for folder in sorted(tree.dirs):
            if folder and fnmatch.fnmatchcase(folder, pattern) and "/" not in folder[len(pattern.split("*")[0]):]:
                if folder not in folders:
                    folders.append(folder)
    return source, folders


def _uv_workspace(tree: SourceTree) -> dict:
    """The root pyproject.toml's [tool.uv.workspace] table, or {}."""
    data = _toml(tree, "pyproject.toml")
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
    return uv.get("workspace") if isinstance(uv.get("workspace"), dict) else {}


def _go_work_uses(text: str) -> list[str]:
    """The folders a go.work file's ``use`` directives name (a config format read line by line)."""
    uses, block = [], False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block:
            if line == ")":
                block = False
            elif line:
                uses.append(line.strip('"'))
        elif line == "use (":
            block = True
        elif line.startswith("use "):
            uses.append(line[4:].strip().strip('"'))
    return uses


def _search_folders(tree: SourceTree) -> list[tuple[str, str | None]]:
    """(folder, the group folder it is in, or None) of every folder an app is looked for in: the top
    folders, and the subfolders of a group folder instead of the group folder itself."""
    found: list[tuple[str, str | None]] = []
    for folder in sorted(d for d in tree.dirs if d and "/" not in d):
        if folder.startswith(".") or folder.lower() in NOT_APPS:
            continue
        if _group(tree, folder):
            found += [(sub, folder) for sub in sorted(d for d in tree.dirs if d.startswith(folder + "/")
                                                      and "/" not in d[len(folder) + 1:])]
        else:
            found.append((folder, None))
    return found


def _group(tree: SourceTree, folder: str) -> bool:
    """Whether the apps are ``folder``'s subfolders: a group folder, or a src/ with no manifest of its own
    and two subfolders or more that have one (src/checkoutservice/, src/frontend/, ... of a microservices
    repository; a src/ holding one app's folder stays that app's source)."""
    if folder in GROUP_DIRS:
        return True
    if folder != "src" or _manifest(tree, folder) is not None:
        return False
    subs = (d for d in tree.dirs if d.startswith("src/") and "/" not in d[4:])
    return sum(1 for d in subs if _manifest(tree, d)) >= 2


def candidate_folders(tree: SourceTree) -> list[tuple[str, str]]:
    """(folder, why) of every subfolder that holds a manifest of its own."""
    found = []
    for folder, group in _search_folders(tree):
        manifest = _manifest(tree, folder)
        if manifest:
            found.append((folder, f"{manifest} in {folder}/" + (f" (under {group}/)" if group else "")))
    return found


def unsupported_folders(tree: SourceTree, taken: set[str]) -> list[str]:
    """Notes for the folders (where apps are looked for, not among ``taken``) that hold a project of a stack
    no analyzer reads: a .NET worker beside a Python and a Node app gets no image, and says so."""
    notes = []
    for folder, _group_folder in _search_folders(tree):
        if folder in taken:
            continue
        for name in sorted(f.rsplit("/", 1)[-1] for f in tree.children(folder)):
            what = UNSUPPORTED.get(name) or UNSUPPORTED.get(posixpath.splitext(name)[1] or "\0")
            if what and not tree.isdir(f"{folder}/{name}"):
                notes.append(f"{folder}/: {what} ({name}), a stack containerize does not read: it gets no image; "
                             "write its Dockerfile by hand and add it to compose.yaml")
                break
    return notes


def _manifest(tree: SourceTree, folder: str) -> str | None:
    names = {f.rsplit("/", 1)[-1] for f in tree.children(folder)}
    return next((m for m in MANIFESTS if m in names), None)


def discover(path: str | Path, answers: list[tuple[str, str]] | None = None, analyze: bool = True,
             tree: SourceTree | None = None) -> Repo | None:
    """The apps of a repository of several, or None when ``path`` is one app (the root is an app itself,
    or a workspace whose members are one deployable app and the libraries it uses).

    ``tree`` is ``path`` scanned already: the caller analyzes one app with the same tree (one walk)."""
    if tree is None:
        try:
            tree = SourceTree(path)
        except ScanError:
            return None
    workspace, members = workspace_members(tree)
    if workspace is None and root_is_app(tree):
        return None
    if workspace:
        folders = [(m, f"a member of the workspace ({workspace})") for m in members if _manifest(tree, m)]
        # folders beside the workspace in another language (a Python API next to an npm workspace of front
        # ends); a package.json the workspace leaves out is left out on purpose
        folders += [(f, why) for f, why in candidate_folders(tree)
                    if not any(f == m or f.startswith(m + "/") or m.startswith(f + "/") for m in members)
                    and not why.startswith(WORKSPACE_MANIFEST.get(workspace, "\0"))]
    else:
        folders = candidate_folders(tree)
    if not folders:
        return None
    repo = Repo(tree.root, [], workspace)
    names: dict[str, int] = {}
    for folder, why in folders:
        name = _app_name(folder, names)
        app = App(name, folder, evidence=[why])
        _classify(tree, app)
        repo.apps.append(app)
    if workspace:
        _shared_packages(tree, repo)
        local = {_json(tree, f"{a.path}/package.json").get("name") for a in repo.apps} - {None}
        deployable = [a for a in repo.apps if a.kind == "app"]
        uses_shared = [a for a in deployable if _uses_workspace_packages(tree, a, local)]
        if len(deployable) < 2:
            return None  # one app built from the workspace root, as a single app is
        if tree.exists("package-lock.json") and workspace == "package.json workspaces":
            _npm_members(tree, repo)  # each member built from the root, with the packages it uses
        elif tree.exists("pnpm-lock.yaml") and workspace == "pnpm-workspace.yaml":
            _npm_members(tree, repo, "pnpm")
        elif tree.exists("yarn.lock") and workspace == "package.json workspaces":
            _npm_members(tree, repo, "yarn")
        elif workspace == "go.work":
            _go_members(tree, repo, members)
        elif workspace == "Cargo.toml [workspace]":
            _cargo_members(tree, repo, members)
        elif uses_shared:
            return None  # the whole workspace built from the root, as a single app is
    if tree.exists("uv.lock") and _uv_workspace(tree):
        _uv_members(tree, repo)
    repo.proxies = find_proxies(tree, {f for f, _ in folders})
    repo.notes += unsupported_folders(tree, {f for f, _ in folders})
    if analyze:
        analyze_apps(repo, answers or [])
    return repo


def find_proxies(tree: SourceTree, apps: set[str]) -> list[Proxy]:
    """The reverse proxies the repository keeps in a top folder named nginx/, proxy/, ...: the nginx
    configuration there (``*.conf``, ``nginx.conf``, a file named ``conf``) and its Dockerfile if any."""
    found = []
    for folder in sorted(d for d in tree.dirs if d and "/" not in d):
        if folder in apps or folder.lower() not in PROXY_DIRS:
            continue
        files = [f for f in tree.files if f.startswith(folder + "/")]
        confs = [f for f in files if f.endswith(".conf") or f.rsplit("/", 1)[-1] in ("conf", "nginx.conf")]
        if not confs:
            continue
        proxy = Proxy(re.sub(r"[^a-z0-9-]+", "-", folder.lower()).strip("-") or "proxy", folder,
                      conf=confs[0], dockerfile=f"{folder}/Dockerfile" in files)
        text = "\n".join(line.split("#", 1)[0] for line in (tree.read(confs[0]) or "").splitlines())
        proxy.ports = list(dict.fromkeys(int(m.group(1)) for m in NGINX_LISTEN_RX.finditer(text)
                                         if 0 < int(m.group(1)) < 65536))
        blocks = {m.group(1): [(h.group(1), h.group(2)) for h in NGINX_SERVER_RX.finditer(m.group(2))]
                  for m in NGINX_UPSTREAM_RX.finditer(text)}
        for m in NGINX_PASS_RX.finditer(text):
            for host, port in blocks.get(m.group(1)) or [(m.group(1), m.group(2))]:
                if host not in proxy.upstreams:
                    proxy.upstreams.append(host)
                if port and 0 < int(port) < 65536:
                    proxy.ports_of.setdefault(host, int(port))
        proxy.main_conf = bool(NGINX_HTTP_RX.search(text))
        found.append(proxy)
    return found


def _app_name(folder: str, taken: dict[str, int]) -> str:
    base = re.sub(r"[^a-z0-9_-]+", "-", folder.rsplit("/", 1)[-1].lower()).strip("-") or "app"
    if base in taken:
        base = re.sub(r"[^a-z0-9_-]+", "-", folder.lower()).strip("-")
    taken[base] = taken.get(base, 0) + 1
    return base


def _classify(tree: SourceTree, app: App) -> None:
    """A library is shared code with nothing to start: a package.json without a start script that
    names a main/exports, a Cargo package with only a [lib]."""
    pkg = f"{app.path}/package.json"
    if tree.exists(pkg):
        data = _json(tree, pkg)
        scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
        runs = any(k in scripts for k in ("start", "dev", "serve", "build"))
        if not runs and ("main" in data or "exports" in data or app.path.startswith(("packages/", "libs/"))):
            server = _node_server(tree, app.path, data)
            if server:
                app.evidence.append(f"{pkg}: no start script, but {server}")
            else:
                app.kind = "library"
                app.evidence.append(f"{pkg}: no start, dev or build script, a package others import")
    cargo = f"{app.path}/Cargo.toml"
    if tree.exists(cargo):
        data = _toml(tree, cargo)
        binary = "bin" in data or tree.exists(f"{app.path}/src/main.rs") or tree.isdir(f"{app.path}/src/bin")
        if not binary and ("lib" in data or tree.exists(f"{app.path}/src/lib.rs")):
            app.kind = "library"
            app.evidence.append(f"{cargo}: " + ("a [lib] and no binary" if "lib" in data else
                                                 "src/lib.rs and no binary (no src/main.rs, src/bin/ or [[bin]])"))


def _node_server(tree: SourceTree, folder: str, data: dict) -> str | None:
    """Why a package.json with no start script still runs a server: ``npm start`` runs ``node server.js``
    when there is one, or its main file starts a server (``.listen(``, ``createServer(``)."""
    if tree.exists(f"{folder}/server.js") and not tree.isdir(f"{folder}/server.js"):
        return "npm start runs server.js"
    main = data.get("main")
    if not isinstance(main, str) or not main.strip():
        return None
    rel = posixpath.normpath(posixpath.join(folder, main.strip()))
    if rel.startswith("../") or not rel.endswith((".js", ".cjs", ".mjs", ".ts")) or not tree.exists(rel):
        return None
    from .languages.node.source import serves_http

    found = serves_http(tree, [rel])
    return f"its main file starts a server ({found[0]}:{found[1]})" if found else None


def _shared_packages(tree: SourceTree, repo: Repo) -> None:
    """A workspace package other members depend on, with no start script, that names what it exports
    (main, exports, types) is a library built with them (a tsup/tsc ``build`` script is not an app)."""
    datas = {a.path: _json(tree, f"{a.path}/package.json") for a in repo.apps if tree.exists(f"{a.path}/package.json")}
    wanted: set[str] = set()
    for data in datas.values():
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            if isinstance(data.get(key), dict):
                wanted.update(k for k in data[key] if isinstance(k, str))
    for app in repo.apps:
        data = datas.get(app.path)
        if app.kind != "app" or not data or data.get("name") not in wanted:
            continue
        scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
        if "start" not in scripts and any(k in data for k in ("main", "exports", "types", "module")):
            app.kind = "library"
            app.evidence.append(f"{app.path}/package.json: no start script, a package other members depend on")


def _npm_members(tree: SourceTree, repo: Repo, manager: str = "npm") -> None:
    """Each app of an npm or pnpm workspace (its lockfile at the root) is built from the root with the
    members it needs: itself and the workspace packages it depends on, and theirs, by their package.json names."""
    version = yarn_path = None
    if manager in ("pnpm", "yarn"):
        from .languages.node import package as pkgmod

        root_pkg = pkgmod.read_package_json(tree)
        pkgmod.package_manager(tree, root_pkg, Profile())
        if manager == "yarn" and root_pkg.manager == "yarn-berry":
            # Berry runs the release the repository commits (.yarnrc.yml yarnPath), node_modules linker
            manager, yarn_path = "yarn-berry", root_pkg.yarn_path
            if not (yarn_path and yarn_path.startswith(".yarn/releases/")
                    and SAFE_PATH.fullmatch(yarn_path.removeprefix(".yarn/"))
                    and (tree.root / yarn_path).is_file()):
                return
        elif root_pkg.manager != manager:
            return
        version = yarn_path or root_pkg.manager_version
        if not (version and re.fullmatch(r"[0-9A-Za-z.][0-9A-Za-z./+-]{0,80}", version)):
            return
    by_name = {}
    for app in repo.apps:
        name = _json(tree, f"{app.path}/package.json").get("name")
        if isinstance(name, str):
            by_name[name] = app
    for app in repo.apps:
        if app.kind != "app" or not tree.exists(f"{app.path}/package.json"):
            continue
        needed, todo = [app.path], [app]
        while todo:
            data = _json(tree, f"{todo.pop().path}/package.json")
            for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
                deps = data.get(key) if isinstance(data.get(key), dict) else {}
                for dep in deps:
                    member = by_name.get(dep)
                    if member is not None and member.path not in needed:
                        needed.append(member.path)
                        todo.append(member)
        own_name = _json(tree, f"{app.path}/package.json").get("name")
        if manager != "npm" and not (isinstance(own_name, str) and NPM_NAME.fullmatch(own_name)):
            continue  # pnpm --filter and yarn workspaces focus need the package's name
        if all(SAFE_PATH.fullmatch(p) for p in needed):
            app.members = needed
            if manager.startswith("yarn"):  # yarn reads every workspace's manifest
                app.yarn_manifests = [a.path for a in repo.apps if tree.exists(f"{a.path}/package.json")
                                      and SAFE_PATH.fullmatch(a.path)]
            app.node_manager, app.manager_version, app.package_name = manager, version, own_name
            shared = needed[1:]
            app.evidence.append("built from the workspace root (its lockfile)"
                                + (f" with {', '.join(p + '/' for p in shared)}" if shared else ""))


def _resolve(base: str, rel: str) -> str | None:
    """``rel`` (a path a manifest gives, relative to folder ``base``) as a folder relative to the root."""
    parts: list[str] = [p for p in base.split("/") if p]
    for part in rel.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) or None


def _close(start: str, edges: dict[str, list[str]]) -> list[str]:
    needed, todo = [start], [start]
    while todo:
        for folder in edges.get(todo.pop(), []):
            if folder not in needed:
                needed.append(folder)
                todo.append(folder)
    return needed


def _go_members(tree: SourceTree, repo: Repo, members: list[str]) -> None:
    """The modules of a go.work built from the root: go.work and every module's go.mod (Go reads them
    all), the code of the app's module and of the modules it requires from the workspace or replaces
    with a folder of it."""
    from .languages.go.manifest import GoModError, parse_go_mod

    modules = [m for m in members if tree.exists(f"{m}/go.mod")]
    parsed, by_path = {}, {}
    for folder in modules:
        try:
            parsed[folder] = parse_go_mod(tree.read(f"{folder}/go.mod") or "", f"{folder}/go.mod")
        except GoModError:
            return
        by_path[parsed[folder]["module"]] = folder
    edges = {}
    imports = _go_imports(tree, modules)
    for folder, mod in parsed.items():
        deps = [by_path[r["path"]] for r in mod["requires"] if r["path"] in by_path]
        deps += [t for r in mod["replaces"] if r["local"] and (t := _resolve(folder, r["target"])) in parsed]
        # a workspace module imported without a require (go.work resolves it)
        deps += [f for path, f in by_path.items() if any(i == path or i.startswith(path + "/")
                                                         for i in imports.get(folder, ()))]
        edges[folder] = list(dict.fromkeys(d for d in deps if d != folder))
    if not all(SAFE_PATH.fullmatch(m) for m in modules):
        return
    used = {d for deps in edges.values() for d in deps}
    for app in repo.apps:
        if app.path in used and app.kind == "app" and not _go_has_main(tree, app.path):
            app.kind = "library"
            app.evidence.append(f"{app.path}/go.mod: no package main, a module others in go.work use")
    for app in repo.apps:
        if app.kind != "app" or app.path not in parsed:
            continue
        app.members, app.workspace_tool, app.workspace_manifests = _close(app.path, edges), "go", modules
        shared = app.members[1:]
        app.evidence.append("a module of go.work: built from the root"
                            + (f" with {', '.join(p + '/' for p in shared)}" if shared else ""))


_GO_IMPORT = "(import_spec path: (interpreted_string_literal) @path)"


def _go_imports(tree: SourceTree, modules: list[str]) -> dict[str, set[str]]:
    """The import paths of each module's Go files (from their parse trees; a nested module's files are its own)."""
    from . import syntax

    found: dict[str, set[str]] = {m: set() for m in modules}
    by_depth = sorted(modules, key=lambda m: -m.count("/"))
    for rel in tree.files:
        if not rel.endswith(".go"):
            continue
        owner = next((m for m in by_depth if rel.startswith(m + "/")), None)
        if owner is None:
            continue
        parsed = tree.parse(rel, "go")
        if parsed is None:
            continue
        for node in syntax.captures("go", _GO_IMPORT, parsed.root_node).get("path", []):
            found[owner].add(syntax.text(node).strip('"'))
    return found


_GO_PACKAGE = "(package_clause (package_identifier) @name)"


def _go_has_main(tree: SourceTree, folder: str) -> bool:
    """Whether a module has a main package at its root or under cmd/ (package clauses from the parse tree)."""
    from . import syntax

    files = [f for f in tree.files if f.endswith(".go") and not f.endswith("_test.go")
             and (f.rsplit("/", 1)[0] == folder or f.startswith(f"{folder}/cmd/"))]
    for rel in files:
        parsed = tree.parse(rel, "go")
        if parsed is None:
            continue
        for node in syntax.captures("go", _GO_PACKAGE, parsed.root_node).get("name", []):
            if syntax.text(node) == "main":
                return True
    return False


def _cargo_targets(tree: SourceTree, folder: str, data: dict) -> list[str]:
    """The target files a member's Cargo.toml names or Cargo finds (lib, main, [[bin]]), relative to the root."""
    found = []
    lib = data.get("lib") if isinstance(data.get("lib"), dict) else {}
    paths = [lib.get("path") if isinstance(lib.get("path"), str) else "src/lib.rs", "src/main.rs"]
    bins = data.get("bin") if isinstance(data.get("bin"), list) else []
    paths += [b["path"] for b in bins if isinstance(b, dict) and isinstance(b.get("path"), str)]
    for rel in paths:
        full = _resolve(folder, rel)
        if full and full.startswith(folder + "/") and tree.exists(full) and full not in found:
            found.append(full)
    return found


def _cargo_members(tree: SourceTree, repo: Repo, members: list[str]) -> None:
    """The binaries of a Cargo workspace built from the root: Cargo.toml, Cargo.lock and every member's
    manifest (Cargo loads them all; members the app doesn't use get empty target files), then the code of
    the app's crate and of the crates it takes by path, directly or through [workspace.dependencies]."""
    root = _toml(tree, "Cargo.toml")
    ws = root.get("workspace") if isinstance(root.get("workspace"), dict) else {}
    ws_deps = ws.get("dependencies") if isinstance(ws.get("dependencies"), dict) else {}
    crates = [m for m in members if tree.exists(f"{m}/Cargo.toml")]
    edges, targets, outside = {}, {}, []
    for folder in crates:
        data = _toml(tree, f"{folder}/Cargo.toml")
        targets[folder] = _cargo_targets(tree, folder, data)
        deps = []
        for key in ("dependencies", "dev-dependencies", "build-dependencies"):
            table = data.get(key) if isinstance(data.get(key), dict) else {}
            for name, spec in table.items():
                if not isinstance(spec, dict):
                    continue
                if isinstance(spec.get("path"), str):
                    target = _resolve(folder, spec["path"])
                    deps.append(target)
                    if target is None:
                        outside.append(folder)
                elif spec.get("workspace") is True and isinstance(ws_deps.get(name), dict) \
                        and isinstance(ws_deps[name].get("path"), str):
                    deps.append(_resolve("", ws_deps[name]["path"]))
        edges[folder] = [d for d in deps if d in crates and d != folder]
    if not all(SAFE_PATH.fullmatch(p) for m in crates for p in (m, *targets[m])):
        return
    if not all(targets[m] for m in crates):
        return  # a member whose targets Cargo infers from elsewhere (src/bin/, build scripts)
    away = sorted({f for f in outside if any(a.path == f and a.kind == "app" for a in repo.apps)})
    if away:
        repo.notes.append(f"{', '.join(a + '/' for a in away[:5])}{' ...' if len(away) > 5 else ''}: a path "
                          "dependency leads out of this workspace's folder; each is built from its own folder, "
                          "which fails without it (run containerize on the folder that holds both)")
    for app in repo.apps:
        if app.kind != "app" or app.path not in edges:
            continue
        if app.path in outside:
            continue
        app.members, app.workspace_tool, app.workspace_manifests = _close(app.path, edges), "cargo", crates
        app.stub_targets = [t for m in crates for t in targets[m]]
        shared = app.members[1:]
        app.evidence.append("a member of the Cargo workspace: built from the root"
                            + (f" with {', '.join(p + '/' for p in shared)}" if shared else ""))


def _uv_members(tree: SourceTree, repo: Repo) -> None:
    """Apps that are members of the root's uv workspace (its uv.lock at the root, none of their own) are
    built from the root: the lockfile, every member's pyproject.toml (uv reads the whole workspace), and the
    code of the app and of the members it takes from the workspace ([tool.uv.sources] ``workspace = true``)."""
    patterns = [p.strip("/").removeprefix("./") for p in _uv_workspace(tree).get("members") or []
                if isinstance(p, str)]
    excluded = [p.strip("/").removeprefix("./") for p in _uv_workspace(tree).get("exclude") or []
                if isinstance(p, str)]
    folders = [d for d in sorted(tree.dirs) if d and tree.exists(f"{d}/pyproject.toml")
               and any(fnmatch.fnmatchcase(d, p) for p in patterns)
               and not any(fnmatch.fnmatchcase(d, p) for p in excluded)]
    by_name = {}
    for folder in folders:
        project = _toml(tree, f"{folder}/pyproject.toml").get("project")
        if isinstance(project, dict) and isinstance(project.get("name"), str):
            by_name[_normalize(project["name"])] = folder
    for app in repo.apps:
        if app.kind != "app" or app.path not in folders or tree.exists(f"{app.path}/uv.lock"):
            continue
        needed, todo = [app.path], [app.path]
        while todo:
            data = _toml(tree, f"{todo.pop()}/pyproject.toml")
            tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
            uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
            sources = uv.get("sources") if isinstance(uv.get("sources"), dict) else {}
            for name, spec in sources.items():
                folder = by_name.get(_normalize(name))
                if isinstance(spec, dict) and spec.get("workspace") is True and folder and folder not in needed:
                    needed.append(folder)
                    todo.append(folder)
        name = next((n for n, f in by_name.items() if f == app.path), None)
        if name and all(SAFE_PATH.fullmatch(p) for p in folders) and NAME_OK.fullmatch(name):
            app.members, app.uv_package, app.uv_manifests = needed, name, folders
            shared = needed[1:]
            app.evidence.append("a member of the uv workspace: built from the root (its uv.lock)"
                                + (f" with {', '.join(p + '/' for p in shared)}" if shared else ""))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _uses_workspace_packages(tree: SourceTree, app: App, local: set) -> bool:
    data = _json(tree, f"{app.path}/package.json")
    deps = {}
    for key in ("dependencies", "devDependencies"):
        if isinstance(data.get(key), dict):
            deps.update(data[key])
    return any(name in local for name in deps)


def split_answers(pairs: list[tuple[str, str]], names: list[str] | None) -> tuple[list, dict[str, list]]:
    """(answers for every app, answers scoped to one app by name: ``api.port`` -> ``{"api": [("port", ..)]}``).

    ``names`` None: a single app, where a scoped answer is an error."""
    from .answer_keys import scope_of

    shared: list[tuple[str, str]] = []
    scoped: dict[str, list[tuple[str, str]]] = {}
    for key, value in pairs:
        scope, rest = scope_of(key)
        if scope is None:
            shared.append((key, value))
            continue
        if names is None:
            raise AppsError(f"--set {key}={value}: {scope!r} names an app, but this folder is one app "
                            f"(use --set {rest}={value})")
        by_key = {n.replace("-", "_"): n for n in names}
        if scope.replace("-", "_") not in by_key:
            raise AppsError(f"--set {key}={value}: no app named {scope!r} (apps: {', '.join(names)})")
        scoped.setdefault(by_key[scope.replace("-", "_")], []).append((rest, value))
    return shared, scoped


def analyze_apps(repo: Repo, answers: list[tuple[str, str]], only: str | None = None) -> None:
    """Each app's checklist, read from its own folder with the answers for every app and its own."""
    from .checklist import AnalysisError, build_profile

    shared, scoped = split_answers(answers, [a.name for a in repo.apps])
    for app in repo.apps:
        if app.kind != "app" or (only and app.name != only):
            continue
        try:
            app.profile = build_profile(repo.root / app.path, shared + scoped.get(app.name, []))
        except AnalysisError as exc:
            app.error = str(exc)
            app.kind = "skipped"
            repo.notes.append(f"{app.path}/: skipped ({exc})")
            continue
        if not app.profile.entrypoint:
            app.kind = "library"
            app.evidence.append("nothing to start (no start command found)")
            app.profile = None
            continue
        guessed = [n for n in app.profile.evidence.get("entrypoint", []) if n.confidence < 0.5]
        if app.path.startswith(("packages/", "libs/")) and guessed and len(guessed) == len(
                app.profile.evidence.get("entrypoint", [])):
            # a shared package or a tool (an email template builder) whose start command is only a guess
            app.kind = "library"
            app.evidence.append(f"no start command: only a guess ({guessed[0].why}), not run as a service")
            app.profile = None
            continue
        if app.uv_package and app.profile.language == "python":  # built with uv sync from the root's uv.lock
            app.profile.package_manager = "uv"
            app.profile.evidence.pop("package_manager", None)
            app.profile.note("package_manager", f"a member of the uv workspace: `uv sync --package "
                             f"{app.uv_package}` with the root's uv.lock", None, None, 1.0)
        _worker_without_port(app, scoped.get(app.name, []) + shared)
    wire(repo)


def _worker_without_port(app: App, answers: list[tuple[str, str]]) -> None:
    """A worker (a folder named worker, jobs, ...) whose port was only assumed, not read in its code,
    runs without one: nothing would answer a health check on it."""
    profile = app.profile
    if app.name not in WORKER_NAMES or not profile.ports or any(k in ("port", "ports") for k, _ in answers):
        return
    notes = profile.evidence.get("ports", [])
    if notes and all(n.file is None and n.confidence <= 0.5 for n in notes):
        profile.ports = []
        profile.port_env = None
        profile.note("ports", f"{app.path}/ is a worker and its code names no port: none published",
                     confidence=0.8)
        app.evidence.append("a worker: no port (its code names none)")


# -- wiring between apps ---------------------------------------------------------------------
_JS = {".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
       ".ts": "typescript", ".tsx": "tsx", ".vue": None, ".svelte": None}
_STRINGS = "[(string) (template_string)] @s"
# vite.config's server.proxy: { "/api": ... } (its keys are the paths the dev server passes on)
_PROXY_KEYS = "(pair key: (property_identifier) @key value: (object (pair key: [(string) (property_identifier)] @path)))"


def api_calls(root: Path, local: list[tuple[int, str]] | None = None) -> tuple[list[str], str | None]:
    """The API path prefixes a front end's code calls (string literals starting with ``/api``, a CRA
    ``"proxy"``), and where the first is; ``local`` gets the ports of the absolute URLs on this machine it
    calls (``'http://localhost:5001/books'``, a dev server's API), each with where it is first called."""
    try:
        tree = SourceTree(root)
    except ScanError:
        return [], None
    from . import syntax

    prefixes: list[str] = []
    where = None
    for rel in tree.files:
        suffix = "." + rel.rsplit(".", 1)[-1] if "." in rel else ""
        texts: list[tuple[str, str, int]] = []  # (grammar, code, the file's line the code starts on, less 1)
        if suffix in (".html", ".htm", ".vue", ".svelte"):  # a page's, or a component's, <script> blocks
            texts = [("javascript", code, line - 1) for line, code in _inline_scripts(tree.read(rel) or "")]
        elif _JS.get(suffix):
            texts = [(_JS[suffix], tree.read(rel) or "", 0)]
        if rel.rsplit("/", 1)[-1].startswith("vite.config.") and _JS.get(suffix):
            grammar = _JS[suffix]
            tree_ = tree.parse(rel, grammar)
            for _, match in (syntax.matches(grammar, _PROXY_KEYS, tree_.root_node) if tree_ else []):
                if syntax.text(match["key"][0]) != "proxy":
                    continue
                for node in match["path"]:
                    path = syntax.text(node).strip("'\"`")
                    prefix = "/" + path.strip("/").split("/", 1)[0] + "/" if path.startswith("/") else None
                    if prefix and NAME_OK.fullmatch(prefix.strip("/")) and prefix not in prefixes:
                        prefixes.append(prefix)
                        where = where or f"{rel}:{node.start_point[0] + 1} (server.proxy)"
            continue
        for grammar, text, offset in texts:
            wanted = "/api" in text or local is not None and ("//localhost:" in text or "//127.0.0.1:" in text)
            if not text or not wanted:
                continue
            found = syntax.captures(grammar, _STRINGS, syntax.parse(grammar, text).root_node).get("s", [])
            for node in found:
                literal = syntax.text(node)[1:-1]
                port = _local_port(literal) if local is not None else None
                if port and not any(p == port for p, _ in local):
                    local.append((port, f"{rel}:{offset + node.start_point[0] + 1}"))
                prefix = _api_prefix(literal)
                if prefix and prefix not in prefixes:
                    prefixes.append(prefix)
                    where = where or f"{rel}:{offset + node.start_point[0] + 1}"
    if tree.exists("package.json") and isinstance(_json(tree, "package.json").get("proxy"), str):
        if not prefixes:
            prefixes.append("/api/")
        where = where or "package.json \"proxy\""
    return prefixes, where


def _local_port(literal: str) -> int | None:
    """The port of an absolute URL on this machine (``http://localhost:5001/books`` -> 5001)."""
    from urllib.parse import urlsplit

    if not literal.startswith(("http://localhost:", "http://127.0.0.1:")):
        return None
    try:
        port = urlsplit(literal.split("${", 1)[0]).port
    except ValueError:
        return None
    return port if port and 0 < port < 65536 else None


def _api_prefix(literal: str) -> str | None:
    """``/api/items`` -> ``/api/``: the first path segment, when it names an API."""
    if not literal.startswith("/"):
        return None
    segment = literal[1:].split("/", 1)[0].split("?", 1)[0].split("$", 1)[0]
    if segment and (segment == "api" or segment.startswith("api")) and NAME_OK.fullmatch(segment):
        return f"/{segment}/"
    return None


def _inline_scripts(html: str) -> list[tuple[int, str]]:
    from html.parser import HTMLParser  # loaded only for a page with inline scripts to read

    class _Scripts(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside = False
            self.scripts: list[tuple[int, str]] = []  # (the line of the <script> tag, its code)

        def handle_starttag(self, tag, attrs):
            if tag == "script" and not dict(attrs).get("src"):
                self.inside = True
                self.scripts.append((self.getpos()[0], ""))

        def handle_endtag(self, tag):
            if tag == "script":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                line, code = self.scripts[-1]
                self.scripts[-1] = (line, code + data)

    parser = _Scripts()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # hostile HTML: what was read so far
        pass
    return parser.scripts


def serves_with_nginx(dockerfile: str) -> bool:
    return NGINX_LISTEN in dockerfile


def wire(repo: Repo) -> None:
    """A front end that calls an API path gets the app serving it: the one named api/backend/server,
    or the only other app with a port. A build-time API URL variable (``VITE_API_URL``) is set in
    compose so that the bundle calls the front end's own origin, whose nginx passes the calls on."""
    apps = repo.deployable
    servers = [a for a in apps if a.profile and a.profile.ports]
    for front in apps:
        if not _static(front):
            _server_front_end(front, servers)
            continue
        local: list[tuple[int, str]] = []
        calls, where = api_calls(repo.root / front.path, local)
        _local_api(front, local, [a for a in servers if a is not front and not _static(a)])
        url_vars = api_url_args(front.profile)
        if not calls and url_vars:
            # the code calls ${VITE_API_URL}/items: the variable becomes /api, which nginx passes on without it
            calls, where = ["/api/"], f"{url_vars[0]} (a build-time variable)"
            front.strip_prefix = True
        if not calls:
            continue
        others = [a for a in servers if a is not front and not _static(a)]
        target = next((a for n in API_NAMES for a in others if a.name == n), None)
        if target is None and len(others) == 1:
            target = others[0]
        front.calls, front.calls_from = calls, where
        if target is not None:
            front.proxy_to = target.name
            # the paths the code calls carry the prefix: the base URL is the front end's own origin ("")
            value = "/api" if front.strip_prefix else ""
            front.build_args = {name: value for name in url_vars}
            if url_vars:
                shown = repr(value) if value else "'' (the front end's own origin)"
                front.evidence.append(f"{', '.join(url_vars)} = {shown}: a build argument set in compose")


def _local_api(front: App, local: list[tuple[int, str]], others: list[App]) -> None:
    """A bundle that calls the API at an absolute URL on this machine (``http://localhost:5001/books``, the
    API's dev server) reaches it from the browser only where it is published: the API the front end goes
    with (the one named api/backend/server, or the only other server) is published on that host port."""
    if len(local) != 1:
        return
    target = next((a for n in API_NAMES for a in others if a.name == n), None) or \
        (others[0] if len(others) == 1 else None)
    if target is None or target.host_port:
        return
    port, where = local[0]
    target.host_port = port
    target.evidence.append(f"published on 127.0.0.1:{port}: {front.name} calls http://localhost:{port} ({where})")


def _server_front_end(front: App, servers: list[App]) -> None:
    """A front end with a server of its own (Next.js) whose bundle calls the API at a build-time URL
    (``NEXT_PUBLIC_API_URL``): there is no nginx in front of it, so the browser calls the API where
    compose publishes it (``api_origin``: the URL is set in render, once the host port is known)."""
    url_vars = api_url_args(front.profile)
    if not url_vars:
        return
    others = [a for a in servers if a is not front and not _static(a) and not api_url_args(a.profile)]
    target = next((a for n in API_NAMES for a in others if a.name == n), None)
    if target is None and len(others) == 1:
        target = others[0]
    if target is not None:
        front.api_origin = target.name
        front.build_args = {name: "" for name in url_vars}  # filled in with the API's published address
        front.evidence.append(f"{', '.join(url_vars)}: the published address of {target.name}, a build "
                              "argument set in compose (the browser calls it directly: allow that origin "
                              "in the API's CORS settings)")


def api_url_args(profile: Profile | None) -> list[str]:
    """The build arguments of a front end that hold the API's base URL (VITE_API_URL, NEXT_PUBLIC_API_URL)."""
    build = profile.build if profile else None
    out = []
    for name, _default in getattr(build, "build_args", None) or []:
        bare = next((name[len(p):] for p in PUBLIC_PREFIXES if name.startswith(p)), None)
        if bare in API_URL_NAMES:
            out.append(name)
    return out


def _static(app: App) -> bool:
    """A front end nginx serves: a static site or a single-page app's build output."""
    build = app.profile.build if app.profile else None
    return getattr(build, "kind", None) in ("static", "spa")


def proxy_lines(app: App, target: App, service: str) -> list[str]:
    """nginx locations (lines of the Dockerfile's printf) that pass ``app``'s API calls to ``service``.

    The upstream is resolved when a request comes (Docker's DNS), so nginx starts before the API.
    Calls made through an API base URL variable set to the prefix lose the prefix on the way."""
    port = target.profile.ports[0]
    lines = []
    for prefix in app.calls:
        strip = f"rewrite ^{prefix}(.*)\\$ /\\$1 break; " if app.strip_prefix else ""
        lines.append(f'    "    location {prefix} {{ resolver 127.0.0.11 valid=10s; '
                     f'set \\$upstream http://{service}:{port}; {strip}proxy_pass \\$upstream; '
                     f'proxy_set_header Host \\$host; proxy_set_header X-Forwarded-For \\$remote_addr; }}" \\')
    return lines


def add_proxy(dockerfile: str, lines: list[str]) -> str:
    """The Dockerfile with the proxy locations in its nginx server block (after ``listen``)."""
    out = []
    for line in dockerfile.splitlines(keepends=True):
        out.append(line)
        if line.strip() == NGINX_LISTEN:
            out += [ln + "\n" for ln in lines]
    return "".join(out)


# -- workspace members built from the root ------------------------------------------------------
_RUNTIME = "# ---- runtime"
_DEPS_COPY = "COPY --from=deps /app/node_modules ./node_modules\n"
_SOURCE_COPY = "\nCOPY . .\n"


def member_files(repo: Repo, app: App, own: dict[str, str], project: str) -> dict[str, str] | None:
    """The Dockerfile (and its Dockerfile.dockerignore) of an npm workspace member, built from the root:
    the root manifest and lockfile, the manifests of the app and of the members it needs, ``npm ci``
    for that workspace only, then their code. The runtime stage is the app's own (its user, port,
    HEALTHCHECK and start command), run from the app's folder. None when its Dockerfile has another
    shape (a build step, a framework's output): the app is then built from its own folder."""
    if app.members and app.uv_package:
        return _uv_member_files(app, own, project)
    if app.members and app.workspace_tool in ("go", "cargo"):
        return _compiled_member_files(repo, app, own, project)
    if not app.members or app.node_manager not in ("npm", "pnpm", "yarn", "yarn-berry"):
        return None
    pnpm = app.node_manager == "pnpm"
    text = own.get("Dockerfile", "")
    at = text.find(_RUNTIME)
    runtime = text[at:] if at >= 0 else ""
    if " AS build" in text or app.node_manager.startswith("yarn"):
        return _node_build_member_files(repo, app, own, project)
    if _DEPS_COPY not in runtime or _SOURCE_COPY not in runtime:
        return None
    version = next((ln for ln in text.splitlines() if ln.startswith("ARG NODE_VERSION=")), "ARG NODE_VERSION=22")
    manifests = "".join(f"COPY {m}/package.json {m}/\n" for m in app.members)
    sources = "".join(f"COPY {m} {m}/\n" for m in app.members)
    shared = app.members[1:]
    head = [
        f"# Dockerfile for {app.name} ({app.path}/, a member of the {app.node_manager} workspace), made by "
        "containerize.",
        "# Built from the workspace root, where the lockfile is, with only this app"
        + (f" and {', '.join(m + '/' for m in shared)}:" if shared else ":"),
        f"#   docker build -f {app.path}/Dockerfile -t {project}-{app.name} .",
        "# Versions are build arguments: docker build --build-arg NODE_VERSION=24 ...",
        version, "",
        "# ---- deps: the manifests of this app and of the packages it uses, then their production dependencies ----",
        "FROM node:${NODE_VERSION}-bookworm-slim AS deps",
    ]
    if pnpm:
        head += [
            f"ARG PNPM_VERSION={app.manager_version}",
            "ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0 \\",
            "    COREPACK_HOME=/opt/corepack \\",
            '    PATH="/opt/pm/bin:$PATH" \\',
            "    NPM_CONFIG_UPDATE_NOTIFIER=false",
            "# corepack runs the pnpm release the workspace pins; npm installs it where corepack can't.",
            "RUN --mount=type=cache,target=/root/.npm,sharing=locked \\",
            '    { corepack enable pnpm && corepack install --global "pnpm@${PNPM_VERSION}" && pnpm --version; } \\',
            ' || npm install --global --prefix /opt/pm "pnpm@${PNPM_VERSION}"',
            "WORKDIR /app",
            "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./",
        ]
        install = ("RUN --mount=type=cache,target=/pnpm/store,sharing=locked \\\n"
                   f'    pnpm install --frozen-lockfile --prod --filter "{app.package_name}..." '
                   "--store-dir /pnpm/store\n\n")
    else:
        head += ["ENV NPM_CONFIG_UPDATE_NOTIFIER=false", "WORKDIR /app", "COPY package.json package-lock.json ./"]
        install = ("RUN --mount=type=cache,target=/root/.npm,sharing=locked \\\n"
                   f"    npm ci --omit=dev --workspace {app.path} --no-audit --no-fund\n\n")
    runtime = runtime.replace(_DEPS_COPY, "COPY --from=deps /app ./\n", 1)
    runtime = runtime.replace(_SOURCE_COPY, "\n" + sources + f"WORKDIR /app/{app.path}\n", 1)
    dockerfile = "\n".join(head) + "\n" + manifests + install + runtime
    secret_lines = [ln for ln in own.get(".dockerignore", "").splitlines() if ln.startswith("**/")]
    roots = ["!package.json", "!pnpm-lock.yaml", "!pnpm-workspace.yaml"] if pnpm else \
        ["!package.json", "!package-lock.json"]
    ignore = [f"# The build context is the workspace root: only what {app.path}/ needs goes in.", "*",
              *roots, *[f"!{m}" for m in app.members],
              "**/node_modules", f"{app.path}/Dockerfile", f"{app.path}/Dockerfile.dockerignore",
              f"{app.path}/.dockerignore", *secret_lines]
    return {"Dockerfile": dockerfile, "Dockerfile.dockerignore": "\n".join(ignore) + "\n"}


def _blocks(text: str) -> list[str]:
    """A Dockerfile of our own, one instruction (with its continuation lines) or one comment/blank line each."""
    blocks: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        block = [lines[i]]
        while block[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            block.append(lines[i])
        blocks.append("\n".join(block))
        i += 1
    return blocks


def _manager_base(manager: str, version: str) -> list[str]:
    """The base stage of a workspace member: Node.js and the workspace's package manager."""
    if manager == "yarn":
        return ["FROM node:${NODE_VERSION}-bookworm-slim AS base",
                f"ARG YARN_VERSION={version}",
                "ENV YARN_CACHE_FOLDER=/usr/local/share/.cache/yarn \\",
                '    PATH="/opt/pm/bin:$PATH" \\',
                "    NPM_CONFIG_UPDATE_NOTIFIER=false",
                "RUN --mount=type=cache,target=/root/.npm,sharing=locked \\",
                '    npm install --global --prefix /opt/pm "yarn@${YARN_VERSION}"',
                "WORKDIR /app"]
    if manager == "yarn-berry":
        return ["FROM node:${NODE_VERSION}-bookworm-slim AS base",
                "ENV YARN_CACHE_FOLDER=/root/.yarn/berry/cache \\",
                "    YARN_ENABLE_GLOBAL_CACHE=false \\",
                "    YARN_NODE_LINKER=node-modules \\",
                "    NPM_CONFIG_UPDATE_NOTIFIER=false",
                "WORKDIR /app"]
    return ["FROM node:${NODE_VERSION}-bookworm-slim AS base",
            f"ARG PNPM_VERSION={version}",
            "ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0 \\",
            "    COREPACK_HOME=/opt/corepack \\",
            '    PATH="/opt/pm/bin:$PATH" \\',
            "    NPM_CONFIG_UPDATE_NOTIFIER=false",
            "# corepack runs the pnpm release the workspace pins; npm installs it where corepack can't.",
            "RUN --mount=type=cache,target=/root/.npm,sharing=locked \\",
            '    { corepack enable pnpm && corepack install --global "pnpm@${PNPM_VERSION}" && pnpm --version; } \\',
            ' || npm install --global --prefix /opt/pm "pnpm@${PNPM_VERSION}"',
            "WORKDIR /app"]


def _node_build_member_files(repo: Repo, app: App, own: dict[str, str], project: str) -> dict[str, str] | None:
    """A workspace member whose Dockerfile has a build stage (a Vite SPA, a TypeScript server), built from the
    root: the root manifest and lockfile and the manifests of the members it needs, the install for that
    member only, then their code, the build of the packages it uses that have a build script, then its own
    build; the runtime stage takes only this member's output (its dist for nginx, its folder and the
    packages it uses for a server)."""
    text = own.get("Dockerfile", "")
    if ".next/" in text or "standalone" in text:
        return None  # a framework's self-contained output has its own layout in a workspace
    manager, path, members = app.node_manager, app.path, app.members or []
    if manager == "pnpm":
        roots = "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./"
    elif manager == "yarn":
        roots = "COPY package.json yarn.lock ./"
    elif manager == "yarn-berry":
        roots = f"COPY package.json yarn.lock .yarnrc.yml ./\nCOPY {app.manager_version} ./{app.manager_version}"
    else:
        roots = "COPY package.json package-lock.json ./"
    manifests = app.yarn_manifests if manager.startswith("yarn") and app.yarn_manifests else members

    def install(prod: bool) -> str:
        if manager == "pnpm":
            return ("RUN --mount=type=cache,target=/pnpm/store,sharing=locked \\\n"
                    f'    pnpm install --frozen-lockfile{" --prod" if prod else ""} --filter "{app.package_name}..." '
                    "--store-dir /pnpm/store")
        if manager == "yarn":
            return ("RUN --mount=type=cache,target=/usr/local/share/.cache/yarn,sharing=locked \\\n"
                    f'    yarn install --frozen-lockfile{" --production" if prod else ""} --non-interactive --ignore-engines')
        if manager == "yarn-berry":
            return ("RUN --mount=type=cache,target=/root/.yarn/berry/cache,sharing=locked \\\n"
                    f'    node {app.manager_version} workspaces focus {app.package_name}{" --production" if prod else ""}')
        return ("RUN --mount=type=cache,target=/root/.npm,sharing=locked \\\n"
                f'    npm ci{" --omit=dev" if prod else ""} --workspace {path} --no-audit --no-fund')

    def build_of(member: str) -> str | None:
        try:
            data = json.loads((repo.root / member / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        scripts = data.get("scripts") if isinstance(data, dict) and isinstance(data.get("scripts"), dict) else {}
        if "build" not in scripts:
            return None
        if manager == "pnpm":
            return f"RUN pnpm --dir {member} run build"
        if manager == "yarn":
            return f"RUN yarn --cwd {member} run build"
        if manager == "yarn-berry":
            return f"RUN npm --prefix {member} run build"
        return f"RUN npm run build --workspace {member}"

    out: list[str] = []
    stage = ""
    skip_stage = False
    done = {"roots": 0, "sources": 0, "runtime": 0}
    for block in _blocks(text):
        first = block.split("\n", 1)[0]
        if first.startswith("FROM "):
            stage = first.rsplit(" AS ", 1)[1] if " AS " in first else "runtime"
            skip_stage = False
            if stage == "base" and manager in ("pnpm", "yarn", "yarn-berry"):
                out += _manager_base(manager, app.manager_version or "")
                skip_stage = True
                continue
        elif skip_stage:
            if block.strip():
                continue
            skip_stage = False
        if first.startswith("COPY package.json") and first.endswith(" ./") and stage != "runtime":
            out.append(roots)
            out += [f"COPY {m}/package.json {m}/" for m in manifests]
            done["roots"] += 1
        elif first.startswith("COPY .yarn") and stage != "runtime":
            continue
        elif first.startswith("RUN --mount=type=cache") and stage in ("deps", "build") and (
                "npm install" in block or "npm ci" in block or "yarn install" in block or "pnpm install" in block):
            tail = " \\\n && mkdir -p node_modules" if block.endswith("&& mkdir -p node_modules") else ""
            out.append(install("--omit=dev" in block or "--prod" in block) + tail)
        elif block == "COPY . ." and stage == "build":
            out += [f"COPY {m} {m}/" for m in members]
            out += [b for m in members[1:] if (b := build_of(m))]
            out.append(f"WORKDIR /app/{path}")
            done["sources"] += 1
        elif first.startswith("RUN npm run build") and "rm -rf node_modules" in block:
            out.append(block.replace("rm -rf node_modules",
                                     "rm -rf " + " ".join(f"/app/{m}/node_modules" for m in members)))
        elif stage == "runtime" and block == "COPY --from=deps /app/node_modules ./node_modules":
            out.append("COPY --from=deps /app ./")
        elif stage == "runtime" and block == "COPY . ." and " AS build" not in text:
            out += [f"COPY {m} {m}/" for m in members]
            out.append(f"WORKDIR /app/{path}")
            done["sources"] += 1
            done["runtime"] += 1
        elif stage == "runtime" and block == "COPY --from=build /app ./":
            out += [f"COPY --from=build /app/{m} {m}/" for m in members]
            out.append(f"WORKDIR /app/{path}")
            done["runtime"] += 1
        elif stage == "runtime" and first.startswith("COPY --from=build /app/"):
            out.append(block.replace("COPY --from=build /app/", f"COPY --from=build /app/{path}/", 1))
            done["runtime"] += 1
        elif stage == "runtime" and (first.startswith("COPY --from=") or first.startswith("COPY . ")):
            return None  # a runtime copy this shape doesn't know
        else:
            out.append(block)
    if not (done["roots"] and done["sources"] == 1 and done["runtime"]):
        return None
    at = next((i for i, ln in enumerate(out) if ln.startswith("ARG ")), 0)
    shared = members[1:]
    head = [f"# Dockerfile for {app.name} ({path}/, a member of the {manager} workspace), made by containerize.",
            "# Built from the workspace root, where the lockfile is, with only this app"
            + (f" and {', '.join(m + '/' for m in shared)}:" if shared else ":"),
            f"#   docker build -f {path}/Dockerfile -t {project}-{app.name} .",
            "# Versions are build arguments: docker build --build-arg NODE_VERSION=24 ..."]
    dockerfile = "\n".join(head + out[at:])
    secret_lines = [ln for ln in own.get(".dockerignore", "").splitlines() if ln.startswith("**/")]
    root_files = {"pnpm": ["!package.json", "!pnpm-lock.yaml", "!pnpm-workspace.yaml"],
                  "yarn": ["!package.json", "!yarn.lock"],
                  "yarn-berry": ["!package.json", "!yarn.lock", "!.yarnrc.yml", f"!{app.manager_version}"],
                  }.get(manager, ["!package.json", "!package-lock.json"])
    extra = [f"!{m}/package.json" for m in manifests if m not in members]
    ignore = [f"# The build context is the workspace root: only what {path}/ needs goes in.", "*",
              *root_files, *extra, *[f"!{m}" for m in members],
              "**/node_modules", "**/dist", "**/.turbo", "**/*.tsbuildinfo",
              f"{path}/Dockerfile", f"{path}/Dockerfile.dockerignore", f"{path}/.dockerignore", *secret_lines]
    return {"Dockerfile": dockerfile, "Dockerfile.dockerignore": "\n".join(ignore) + "\n"}


# the empty stand-ins and `cargo fetch` of a Rust Dockerfile of our own (one line each)
_CARGO_STUB = re.compile(r"mkdir -p [^\n]*\\\n && touch [^\n]*\\\n && cargo fetch(?: --locked)?")


def _compiled_member_files(repo: Repo, app: App, own: dict[str, str], project: str) -> dict[str, str] | None:
    """A module of a go.work or a binary crate of a Cargo workspace, built from the root: the workspace file
    and every member's manifest (the tool reads them all), the download/fetch, then the code of the member
    and of the members it uses, and its own build; the runtime stage (its binary) is the member's own."""
    go = app.workspace_tool == "go"
    root = repo.root
    path, members, manifests = app.path, app.members or [], app.workspace_manifests
    if go:
        roots = [f for f in ("go.work", "go.work.sum") if (root / f).is_file()]
        copies = []
        for m in manifests:
            files = [f"{m}/{f}" for f in ("go.mod", "go.sum") if (root / m / f).is_file()]
            copies.append(f"COPY {' '.join(files)} {m}/")
        ignore_roots = [f"!{f}" for f in roots] + [f"!{m}/{f}" for m in manifests for f in ("go.mod", "go.sum")]
    else:
        roots = [f for f in ("Cargo.toml", "Cargo.lock") if (root / f).is_file()]
        copies = [f"COPY {m}/Cargo.toml {m}/" for m in manifests]
        ignore_roots = [f"!{f}" for f in roots] + [f"!{m}/Cargo.toml" for m in manifests]
    locked = not go and "Cargo.lock" in roots
    out: list[str] = []
    done = {"manifests": 0, "stub": 0, "sources": 0}
    for block in _blocks(own.get("Dockerfile", "")):
        first = block.split("\n", 1)[0]
        if first in ("COPY go.mod ./", "COPY go.mod go.sum ./", "COPY Cargo.toml ./", "COPY Cargo.toml Cargo.lock ./"):
            out.append(f"COPY {' '.join(roots)} ./")
            out += copies
            done["manifests"] += 1
        elif not go and (m := _CARGO_STUB.search(block)):
            folders = sorted({t.rsplit("/", 1)[0] for t in app.stub_targets})
            stub = (f"mkdir -p {' '.join(folders)} \\\n && touch {' '.join(app.stub_targets)} \\\n"
                    f" && cargo fetch{' --locked' if locked else ''}")
            out.append(block[:m.start()] + stub + block[m.end():])
            done["stub"] += 1
        elif block == "COPY . .":
            out += [f"COPY {m} {m}/" for m in members]
            if go:
                out.append(f"WORKDIR /src/{path}")
            done["sources"] += 1
        elif not go and "cargo build --release " in block:
            out.append(block.replace("cargo build --release ", "cargo build --release --locked ", 1)
                       if locked and "--locked" not in block else block)
        elif first.startswith("COPY . ") or (first.startswith("COPY ") and "--from=" not in first):
            return None  # a copy from the context this shape doesn't know
        else:
            out.append(block)
    if done["manifests"] != 1 or done["sources"] != 1 or (not go and done["stub"] != 1):
        return None
    at = next((i for i, ln in enumerate(out) if ln.startswith("ARG ")), 0)
    what = "a module of go.work" if go else "a member of the Cargo workspace"
    shared = members[1:]
    version = "GO_VERSION=1.23" if go else "RUST_VERSION=1.85"
    head = [f"# Dockerfile for {app.name} ({path}/, {what}), made by containerize.",
            f"# Built from the workspace root, with every member's {'go.mod' if go else 'Cargo.toml'} and only "
            "the code of this app" + (f" and {', '.join(m + '/' for m in shared)}:" if shared else ":"),
            f"#   docker build -f {path}/Dockerfile -t {project}-{app.name} .",
            f"# Versions are build arguments: docker build --build-arg {version} ..."]
    if app.profile is not None:
        app.profile.warnings = [w for w in app.profile.warnings
                                if not w.startswith(("no Cargo.lock", "go.work found"))]
    secret_lines = [ln for ln in own.get(".dockerignore", "").splitlines() if ln.startswith("**/")]
    ignore = [f"# The build context is the workspace root: only what {path}/ needs goes in.", "*",
              *ignore_roots, *[f"!{m}" for m in members],
              *(["**/target"] if not go else []),
              f"{path}/Dockerfile", f"{path}/Dockerfile.dockerignore", f"{path}/.dockerignore", *secret_lines]
    return {"Dockerfile": "\n".join(head + out[at:]), "Dockerfile.dockerignore": "\n".join(ignore) + "\n"}


def nested_app_folders(path: str | Path, limit: int = 6, tree: SourceTree | None = None) -> list[str]:
    """Subfolders (one or two levels down) with a manifest of their own: what to suggest when the root
    can't be analyzed as one app (a repository of examples, each its own app)."""
    if tree is None:
        try:
            tree = SourceTree(path)
        except ScanError:
            return []
    found: list[str] = []
    tops: set[str] = set()  # a folder that is an app: its subfolders are its own business
    for folder in sorted(d for d in tree.dirs if d and d.count("/") <= 1):
        parts = folder.split("/")
        if any(p.startswith(".") or p.lower() in NOT_APPS or p == "node_modules" for p in parts):
            continue
        if _manifest(tree, folder) and parts[0] not in tops:
            found.append(folder)
            tops.add(folder)
            if len(found) > limit:
                break
    return found[:limit] + (["..."] if len(found) > limit else [])


_PIP_EXTRA = re.compile(r'^ && pip install (?!-r )("[A-Za-z0-9_.\[\],<>=!~ -]+")$')  # a line of our own Dockerfile


def _uv_member_files(app: App, own: dict[str, str], project: str) -> dict[str, str] | None:
    """A uv workspace member, built from the root: uv.lock and every member's pyproject.toml, ``uv sync``
    of this member's dependencies only, then the code of the members it needs; its own runtime stage."""
    text = own.get("Dockerfile", "")
    at = text.find(_RUNTIME)
    runtime = text[at:] if at >= 0 else ""
    if _SOURCE_COPY not in runtime or "COPY --from=build /opt/venv /opt/venv\n" not in runtime:
        return None
    version = next((ln for ln in text.splitlines() if ln.startswith("ARG PYTHON_VERSION=")), None)
    if version is None:
        return None
    extras = [m.group(1) for ln in text[:max(at, 0)].splitlines() if (m := _PIP_EXTRA.match(ln))]
    manifests = "".join(f"COPY {m}/pyproject.toml {m}/\n" for m in app.uv_manifests)
    sources = "".join(f"COPY {m} {m}/\n" for m in app.members)
    shared = app.members[1:]
    install = (f"RUN --mount=type=cache,target=/root/.cache/uv \\\n"
               f"    uv sync --frozen --no-dev --no-install-workspace --package {app.uv_package}"
               + "".join(f" \\\n && uv pip install {e}" for e in extras) + "\n\n")
    head = "\n".join([
        f"# Dockerfile for {app.name} ({app.path}/, a member of the uv workspace), made by containerize.",
        "# Built from the workspace root, where uv.lock is, with only this app's code"
        + (f" and {', '.join(m + '/' for m in shared)}:" if shared else ":"),
        f"#   docker build -f {app.path}/Dockerfile -t {project}-{app.name} .",
        "# Versions are build arguments: docker build --build-arg PYTHON_VERSION=3.13 ...",
        version, "ARG UV_VERSION=0.13", "",
        "FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv", "",
        "# ---- build: the workspace's lockfile and manifests, then this member's dependencies ----",
        "FROM python:${PYTHON_VERSION}-slim-bookworm AS build",
        "ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \\",
        "    PYTHONDONTWRITEBYTECODE=1 \\",
        "    UV_COMPILE_BYTECODE=1 \\",
        "    UV_LINK_MODE=copy \\",
        "    UV_PYTHON_DOWNLOADS=never \\",
        "    UV_PYTHON=python \\",
        "    UV_PROJECT_ENVIRONMENT=/opt/venv \\",
        "    VIRTUAL_ENV=/opt/venv \\",
        '    PATH="/opt/venv/bin:$PATH"',
        "COPY --from=uv /uv /uvx /bin/",
        "RUN python -m venv /opt/venv",
        "WORKDIR /app",
        "COPY pyproject.toml uv.lock ./",
    ]) + "\n"
    runtime = runtime.replace(_SOURCE_COPY, "\n" + sources + f"WORKDIR /app/{app.path}\n", 1)
    dockerfile = head + manifests + install + runtime
    secret_lines = [ln for ln in own.get(".dockerignore", "").splitlines() if ln.startswith("**/")]
    ignore = [f"# The build context is the workspace root: only what {app.path}/ needs goes in.", "*",
              "!pyproject.toml", "!uv.lock", *[f"!{m}/pyproject.toml" for m in app.uv_manifests],
              *[f"!{m}" for m in app.members], "**/__pycache__", "**/.venv", "**/*.py[cod]",
              f"{app.path}/Dockerfile", f"{app.path}/Dockerfile.dockerignore", f"{app.path}/.dockerignore",
              *secret_lines]
    return {"Dockerfile": dockerfile, "Dockerfile.dockerignore": "\n".join(ignore) + "\n"}
