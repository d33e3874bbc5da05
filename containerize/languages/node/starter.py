"""Defaults for a new Node.js project (``containerize init``): a framework's start command, port and
build, and a starter package.json (plus tsconfig.json for TypeScript) that says the same."""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from ...profile import Profile
from ..base import Starter
from . import package as pkgmod
from .plan import NodePlan

WORKDIR = "/app"
NGINX = ["nginx", "-g", "daemon off;"]


@dataclass(frozen=True)
class Start:
    label: str
    kind: str  # server | spa | next | script: the template's kind
    write: str  # the file the person writes first
    about: str  # what it is, for README.Docker.md's "Before the first build"
    argv: list[str]  # the container's command
    start: str | None  # scripts.start
    port: int | None
    build: str | None = None  # scripts.build
    deps: dict[str, str] = field(default_factory=dict)
    dev_deps: dict[str, str] = field(default_factory=dict)
    scripts: dict[str, str] = field(default_factory=dict)  # other scripts (dev servers)
    module: bool = False  # "type": "module"


STARTS = {
    "express": Start("Express (node server.js)", "server", "server.js", "the Express app",
                     ["node", "server.js"], "node server.js", 3000, deps={"express": "^5.1.0"}),
    "fastify": Start("Fastify (node server.js)", "server", "server.js", "the Fastify app (listening on host 0.0.0.0)",
                     ["node", "server.js"], "node server.js", 3000, deps={"fastify": "^5.0.0"}),
    "typescript": Start("TypeScript server: Express, compiled by tsc to dist/", "server", "src/server.ts",
                        "the Express app; `tsc` compiles `src/` to `dist/` (tsconfig.json)",
                        ["node", "dist/server.js"], "node dist/server.js", 3000, build="tsc",
                        deps={"express": "^5.1.0"},
                        dev_deps={"typescript": "^5.9.0", "@types/express": "^5.0.0", "@types/node": "NODE"}),
    "vite": Start("Vite single-page app (built, then served by nginx)", "spa", "index.html",
                  "the page, with the scripts it loads (e.g. `src/main.js`); `vite build` bundles them into `dist/`, "
                  "which nginx serves", NGINX, None, 8080,
                  build="vite build", dev_deps={"vite": "^7.1.0"}, scripts={"dev": "vite", "preview": "vite preview"},
                  module=True),
    "next": Start("Next.js (next build, then next start)", "next", "app/page.js",
                  "the home page, with its root layout `app/layout.js` (the App Router); `next build` compiles them",
                  ["node", "node_modules/next/dist/bin/next", "start"], "next start", 3000, build="next build",
                  deps={"next": "^16.0.0", "react": "^19.2.0", "react-dom": "^19.2.0"}, scripts={"dev": "next dev"}),
    "none": Start("none: a plain Node.js program (node index.js; a server once it has a port)", "script", "index.js",
                  "the program", ["node", "index.js"], "node index.js", None),
}
# Client libraries for the services compose can run beside the app.
SERVICE_PACKAGES = {"postgres": {"pg": "^8.13.0"}, "mysql": {"mysql2": "^3.11.0"}, "redis": {"redis": "^5.0.0"},
                    "mongodb": {"mongodb": "^6.10.0"}}
MANAGERS = {"npm": ("package-lock.json", None), "pnpm": ("pnpm-lock.yaml", pkgmod.PNPM_DEFAULT),
            "yarn": ("yarn.lock", pkgmod.YARN_CLASSIC), "bun": ("bun.lock", pkgmod.BUN_DEFAULT)}
TSCONFIG = {
    "compilerOptions": {"target": "ES2022", "module": "commonjs", "outDir": "dist", "rootDir": "src", "strict": True,
                        "esModuleInterop": True, "skipLibCheck": True},
    "include": ["src"],
}


def _start(profile: Profile) -> Start:
    key = profile.build.starter if isinstance(profile.build, NodePlan) else None
    return STARTS[key or "none"]


def _node_defaults(profile: Profile, framework: str | None) -> None:
    key = framework if framework in STARTS else "none"
    if framework and key == "none" and framework != "none":
        profile.warnings.append(f"no starter for the framework {framework!r} (known: {', '.join(STARTS)}): "
                                "the files are for a plain Node.js program")
    start = STARTS[key]
    profile.framework = None if key == "none" else key
    profile.package_manager = "npm"
    profile.note("package_manager", "a new project: npm (--set package_manager=pnpm, yarn or bun for another)",
                 confidence=0.5)
    profile.runtime_version = pkgmod.DEFAULT_NODE
    profile.note("runtime_version", f"a new project: Node {pkgmod.DEFAULT_NODE} (LTS)", confidence=0.5)
    profile.entrypoint = list(start.argv)
    if start.kind == "spa":
        why = "a new Vite app: `npm run build` writes dist/, which nginx serves with a fallback to index.html"
    else:
        why = f"a new {key if key != 'none' else 'Node.js'} app: {start.start} (write {start.write})"
    profile.note("entrypoint", why, confidence=0.5)
    if start.port:
        profile.ports = [start.port]
        profile.note("ports", "nginx-unprivileged listens on 8080" if start.kind == "spa"
                     else f"a new web app: {start.port} by default (the app reads PORT)", confidence=0.5)
        profile.health_path = "/"
        profile.note("health_path", "a new web app: probing /", confidence=0.5)
    if start.build:
        profile.compiled = True
        profile.build_command = ["npm", "run", "build"]
        profile.note("build_command", f"a new project: scripts.build runs {start.build}", confidence=0.5)
    if start.kind == "next":
        profile.writable_paths = [f"{WORKDIR}/.next/cache"]
        profile.note("writable_paths", "next start writes its cache under .next/cache", confidence=0.8)
    profile.build = NodePlan(starter=key, kind=start.kind, workdir=WORKDIR, lockfile="package-lock.json",
                             has_deps=True, out_dir="dist" if start.kind == "spa" else None)


def _dependencies(profile: Profile, start: Start) -> tuple[dict[str, str], dict[str, str]]:
    deps = dict(start.deps)
    if start.kind != "spa":
        for service in profile.services:
            deps.update(SERVICE_PACKAGES.get(service.kind, {}))
    major = (profile.runtime_version or pkgmod.DEFAULT_NODE).split(".")[0]
    dev = {name: f"^{major}.0.0" if version == "NODE" else version for name, version in start.dev_deps.items()}
    return dict(sorted(deps.items())), dict(sorted(dev.items()))


def _written(profile: Profile, start: Start) -> str:
    """The file the person writes first, following a start command given as an answer."""
    argv = profile.entrypoint
    if argv == start.argv or len(argv) < 2 or argv[0] != "node" or argv[1].startswith("node_modules/"):
        return start.write
    target = argv[1]
    if start.build == "tsc" and re.fullmatch(r"dist/.+\.js", target):
        return "src/" + target[5:-3] + ".ts"
    return target


def _node_finish(profile: Profile) -> None:
    from . import _pm_commands  # the analyzer's install commands for each package manager

    start = _start(profile)
    build = profile.build
    if profile.framework == "none":
        profile.framework = None
    manager = (profile.package_manager or "npm").lower()
    if manager not in MANAGERS:
        profile.warnings.append(f"package_manager={manager}: a new project uses one of {', '.join(MANAGERS)}; "
                                "npm it is")
        manager = "npm"
    profile.package_manager = manager
    lockfile, version = MANAGERS[manager]
    pm = _pm_commands(pkgmod.Package({}, {}, manager=manager, manager_version=version, lockfile=lockfile))
    build.manager, build.manager_version, build.lockfile = manager, version, lockfile
    build.install_all, build.install_prod, build.cache = pm["install_all"], pm["install_prod"], pm["cache"]
    if profile.build_command == ["npm", "run", "build"] and start.build:
        profile.build_command = pm["run"] + ["build"]
    build.build_run = shlex.join(profile.build_command) if profile.build_command else None
    if start.kind == "spa" and not build.build_run:
        build.build_run = shlex.join(pm["run"] + ["build"])

    if start.kind == "spa":
        if profile.ports != [8080]:
            profile.warnings.append("nginx in the image listens on 8080; publish it on another port of the host "
                                    "with HOST_PORT=... docker compose up")
            profile.ports = [8080]
        profile.port_env = None
    elif profile.ports:
        profile.port_env = "PORT"
        profile.note("port_env", "a new web app: it reads its port from PORT (set in the image and by compose)",
                     confidence=0.5)
        profile.add_env("PORT").default = str(profile.ports[0])
        profile.note("env", f"PORT={profile.ports[0]}: the port", confidence=0.5)
        profile.health_path = profile.health_path or "/"
        build.kind = "server" if start.kind == "script" else start.kind
    else:
        profile.port_env = None
        profile.env = [v for v in profile.env if v.name != "PORT"]
        build.kind = "script"

    deps, dev = _dependencies(profile, start)
    profile.dependencies = list(deps)
    build.has_deps = bool(deps or dev)
    if deps or dev:
        profile.note("dependencies", "the starter package.json for the chosen framework and services",
                     "package.json", None, 0.9)
    listens = f"; it listens on the port in the `PORT` env var ({profile.ports[0]} in the image and in compose)" \
        if build.kind == "server" else ""  # (next start reads PORT itself)
    build.next_steps = [
        f"Write `{_written(profile, start)}`: {start.about}{listens}.",
        f"Run `{manager} install`: it installs what package.json lists and writes `{lockfile}`, which the image "
        "installs exactly (commit both).",
    ]


def _script(profile: Profile, start: Start) -> str | None:
    """scripts.start: the framework's own when the command is its default, else the command given."""
    argv = profile.entrypoint
    if start.kind == "spa" or not argv or not profile.ports and argv == start.argv:
        return None  # a program that serves no port has only main: a start script reads as a server
    if argv == start.argv or argv[0] in ("npm", "pnpm", "yarn", "bun", "npx"):
        return start.start  # (a start script that runs `npm start` would call itself)
    words = list(argv)
    words[0] = words[0].removeprefix(f"{WORKDIR}/node_modules/.bin/")
    return shlex.join(words)


def _node_files(profile: Profile) -> dict[str, str]:
    start = _start(profile)
    deps, dev = _dependencies(profile, start)
    scripts = dict(start.scripts)
    if start.build:
        scripts["build"] = start.build
    script = _script(profile, start)
    if script:
        scripts["start"] = script
    data: dict = {"name": re.sub(r"[^a-z0-9-]+", "-", Path(profile.root).name.lower()).strip("-") or "app",
                  "version": "1.0.0", "private": True}
    if start.module:
        data["type"] = "module"
    argv = profile.entrypoint
    if start.kind in ("server", "script") and len(argv) > 1 and argv[0] == "node" and argv[1].endswith(".js"):
        data["main"] = argv[1]
    data["scripts"] = dict(sorted(scripts.items()))
    data["engines"] = {"node": f"{(profile.runtime_version or pkgmod.DEFAULT_NODE).split('.')[0]}.x"}
    if deps:
        data["dependencies"] = deps
    if dev:
        data["devDependencies"] = dev
    files = {"package.json": json.dumps(data, indent=2) + "\n"}
    if start.build == "tsc":
        files["tsconfig.json"] = json.dumps(TSCONFIG, indent=2) + "\n"
    return files


STARTER = Starter([(key, start.label) for key, start in STARTS.items()], _node_defaults, _node_finish, _node_files)
