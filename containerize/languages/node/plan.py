"""What the Node.js Dockerfile template reads (``b.<field>``): how the image installs, builds and runs the app.

The port, its env var, the start command and the folders written stay on the Profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan


@dataclass
class NodePlan(BuildPlan):
    # server | script | spa | next | next-standalone ("spa" is any static site nginx serves)
    kind: str = "server"
    workdir: str = "/app"
    # npm | pnpm | yarn | yarn-berry | bun, and the version installed when corepack doesn't pin it
    manager: str = "npm"
    manager_version: str | None = None
    corepack: bool = False  # package.json's packageManager names the manager: corepack runs that version
    lockfile: str | None = None
    install_files: list[str] = field(default_factory=list)  # .npmrc, .yarnrc.yml ... copied with package.json
    install_dirs: list[str] = field(default_factory=list)  # .yarn/releases, patches ... copied with their path
    copy_all_first: bool = False  # a workspace: the whole tree goes in before the install
    native: bool = False  # native addons: dependencies install on the full image
    install_all: str | None = None  # the install command of the build stage (every dependency)
    install_prod: str | None = None  # ... and of the deps stage (production dependencies only)
    cache: str | None = None  # the package manager's cache folder (a build cache mount)
    build_run: str | None = None  # the build script's command line
    # folders with their own package.json the build script installs (`npm install --prefix frontend` in a
    # heroku-postbuild): their manifests, copied before the source, and their installs, in the build stage only
    prefix_installs: list[str] = field(default_factory=list)
    prefix_files: list[str] = field(default_factory=list)
    prefix_run: str | None = None
    legacy_openssl: bool = False  # the build runs webpack 4 (MD4 hashes): NODE_OPTIONS=--openssl-legacy-provider
    has_deps: bool = False
    out_dir: str | None = None  # a single-page app's build output, served by nginx
    next_public: bool = False  # a Next.js standalone build copies public/
    node_linker: str | None = None  # YARN_NODE_LINKER (Plug'n'Play turned into node_modules)
    starter: str | None = None  # a new project: the starter's key (express, fastify, ...)
    manifest: str | None = "package.json"  # package.json, package.json5, or None: nothing to install
    yarn_path: str | None = None  # the committed Yarn release (.yarnrc.yml's yarnPath) that runs yarn
    spa_fallback: str | None = "/index.html"  # static sites: what unknown paths answer (None: a 404)
    not_found: str | None = None  # static sites: the page a 404 shows
    base_path: str | None = None  # static sites: the URL path the build expects to be served under (vite base)
    needs_modules: bool = True  # the runtime image takes the production node_modules
    # what the runtime takes from the build stage (else all); "build/" (a trailing slash): its contents, in WORKDIR
    runtime_copy: list[str] = field(default_factory=list)
    runtime_env: dict[str, str] = field(default_factory=dict)  # HOST=0.0.0.0 and other run-time settings
    runtime_dev: bool = False  # the start command needs a dev dependency (turbo, nx): every package at run time
    runtime_pm: bool = False  # the start command calls the package manager: it is installed in the runtime
    runtime_packages: list[str] = field(default_factory=list)  # Debian libraries native addons load at run time
    build_args: list[tuple[str, str | None]] = field(default_factory=list)  # VITE_* ...: ARG name=default
    prisma: bool = False  # prisma generate before the build; the generated client and engines reach the runtime
