"""Ruby: Bundler projects, Rails and Rack apps served by puma, Sinatra, and plain scripts.

gemfile.py reads the Gemfile (tree-sitter), its lock and the Ruby version; source.py the
Ruby sources (tree-sitter); start.py picks the start command; plan.py is what the
Dockerfile template reads.
"""
from __future__ import annotations

import re

from ... import syntax
from ...envvars import PORT_NAMES, is_secret, read_dotenv_example
from ...profile import Evidence, Profile
from ...scan import SourceTree
from ...services import (add_services_from_connections, add_services_from_dependencies, link_service_env,
                         warn_fixed_localhost)
from ...workers import add_procfile_workers
from ..base import Analyzer, Detection, submodules
from .gemfile import bundler_version, gemfile_gems, has_git_gems, locked_gems, ruby_version

# loaded when this language's analysis runs, not while the languages of a tree are detected
source, plan, start_module, storage = submodules(__name__, "source", "plan", "start", "storage")

WORKDIR = "/app"
WEB_GEMS = ("rails", "railties", "puma", "sinatra", "rack", "hanami", "roda", "grape", "unicorn", "falcon", "thin")

# gem -> (Debian headers to build it, Debian libraries it loads at run time)
NATIVE_GEMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pg": (("libpq-dev",), ("libpq5",)),
    "sequel_pg": (("libpq-dev",), ("libpq5",)),  # Sequel's C adapter for pg (it brings the pg gem)
    "mysql2": (("default-libmysqlclient-dev",), ("libmariadb3",)),
    "psych": (("libyaml-dev",), ("libyaml-0-2",)),
    "rmagick": (("libmagickwand-dev",), ("libmagickwand-6.q16-6",)),
}
# gems that stand for a database client gem they bring along
GEM_SERVICES = {"sequel_pg": "pg", "sidekiq": "redis"}  # Sidekiq keeps its jobs in Redis
# gems whose assets:precompile runs a JavaScript build (package.json's build script, webpack, vite)
JS_BUILD_GEMS = ("jsbundling-rails", "cssbundling-rails", "shakapacker", "webpacker", "vite_rails")
# lockfile -> the install command (yarn and pnpm through corepack)
JS_LOCKS = (("yarn.lock", "corepack enable && yarn install --frozen-lockfile"), ("package-lock.json", "npm ci"),
            ("pnpm-lock.yaml", "corepack enable && pnpm install --frozen-lockfile"))
ASSET_GEMS = ("sprockets-rails", "propshaft", "sprockets", "cssbundling-rails", "jsbundling-rails",
              "tailwindcss-rails", "importmap-rails")
HEALTH = re.compile(r"^/(up|health|healthz|healthcheck|ping|status|ready)$")
# an absolute path outside the image's own folders (a mount the app expects)
_OUTSIDE_PATH = re.compile(r"^/(?!(?:etc|proc|sys|dev|tmp|usr|bin|sbin|lib|run|var/run|app|home)(?:/|$))[\w.@-]+(?:/[\w.@-]+)*$")

SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "RAILS_ENV", "RACK_ENV",
              "APP_ENV", "HANAMI_ENV", "BUNDLE_GEMFILE",
              "RAILS_LOG_TO_STDOUT", "RAILS_SERVE_STATIC_FILES", "RAILS_MAX_THREADS",
              "RAILS_MIN_THREADS", "WEB_CONCURRENCY", "PIDFILE", "SECRET_KEY_BASE_DUMMY", "CI", "RUBY_YJIT_ENABLE",
              "SOLID_QUEUE_IN_PUMA", "JOB_CONCURRENCY", "RAILS_LOG_LEVEL"}


def ruby_files(tree: SourceTree) -> list[str]:
    """The app's own Ruby files: not its tests (test/, spec/, *_spec.rb, *_test.rb and their helpers)."""
    return [f for f in tree.with_suffix(".rb", ".ru")
            if not f.startswith(("test/", "spec/", "tmp/", "log/", "db/migrate/", "vendor/", "node_modules/"))
            and "/spec/" not in f and "/test/" not in f
            and not f.endswith(("_spec.rb", "_test.rb", "/spec_helper.rb", "/test_helper.rb"))
            and f not in ("spec_helper.rb", "test_helper.rb")]


def _ev(why: str, file: str) -> Evidence:
    return Evidence(why, file, None, 0.9)


def detect(tree: SourceTree) -> Detection | None:
    if tree.exists("Gemfile") or tree.exists("gems.rb"):
        gemfile = tree.first("Gemfile", "gems.rb")
        gems = {name for name, _, _ in gemfile_gems(tree, gemfile)}
        web = next((g for g in WEB_GEMS if g in gems), None)
        if web or tree.exists("config.ru") or tree.exists("config/application.rb"):
            return Detection("ruby", 100, [_ev(f"the Gemfile declares {web}" if web else "a Gemfile and config.ru", gemfile)])
        return Detection("ruby", 90, [_ev("a Gemfile is a Ruby manifest", gemfile)])
    if tree.exists("config.ru"):
        return Detection("ruby", 90, [_ev("config.ru is a Rack app", "config.ru")])
    rb = tree.with_suffix(".rb")
    if not rb:
        return None
    return Detection("ruby", 40 + min(len(rb), 20), [_ev(f"{len(rb)} Ruby source file(s), no Gemfile", rb[0])])


def analyze(tree: SourceTree, profile: Profile) -> None:
    files = ruby_files(tree)
    gemfile = tree.first("Gemfile", "gems.rb")
    lockfile = tree.first("Gemfile.lock", "gems.locked")
    lock_text = (tree.read(lockfile) if lockfile else "") or ""
    if lockfile and lock_text.strip() and not any(line.strip() == "DEPENDENCIES" for line in lock_text.splitlines()):
        raise ValueError(f"{lockfile}: not a Bundler lockfile (no DEPENDENCIES section)")
    profile.runtime_version = ruby_version(tree, profile)

    declared = gemfile_gems(tree, gemfile) if gemfile else []
    runtime_gems = [(name, line) for name, line, groups in declared if not groups & {"development", "test"}]
    locked = locked_gems(lock_text)
    all_runtime = list(dict.fromkeys([g for g, _ in runtime_gems] + locked))
    profile.dependencies = list(dict.fromkeys(g for g, _ in runtime_gems)) or locked
    for name, line in runtime_gems:
        profile.note("dependencies", f"{name} is in the Gemfile", gemfile, line, 1.0)
    bundler = None
    if gemfile:
        profile.package_manager = "bundler"
        profile.note("package_manager", "a Gemfile" + (f" and {lockfile}" if lockfile else ""), gemfile, None, 1.0)
        bundler = bundler_version(lock_text)
        if bundler:
            profile.note("package_manager", f"bundler {bundler} (BUNDLED WITH)", lockfile, None, 1.0)
        if not lockfile and declared:
            profile.warnings.append("a Gemfile without Gemfile.lock: the build resolves gem versions afresh each time; "
                                    "run `bundle lock` and commit Gemfile.lock")
    gems = set(all_runtime)
    has_gems = bool(gemfile and declared)
    _system_packages(profile, all_runtime, has_gems, lock_text, lockfile or gemfile)

    rails = tree.exists("config/application.rb") and ("rails" in gems or "railties" in gems or not gemfile)
    framework = "rails" if rails else "sinatra" if "sinatra" in gems else "rack" if tree.exists("config.ru") else None
    # Hanami 2 (config/app.rb): a Rack app with its own environment variable, settings and migrations
    hanami = framework == "rack" and "hanami" in gems and tree.exists("config/app.rb")
    if framework:
        profile.framework = "hanami" if hanami else framework
        where = "config/application.rb" if rails else "config/app.rb" if hanami else \
            "config.ru" if framework == "rack" else gemfile
        profile.note("framework", f"{profile.framework}: {where}", where, None, 1.0)

    facts = source.read_facts(tree, files + tree.glob("config/*.yml"))
    _env(profile, facts)
    if hanami:
        source.hanami_settings(tree, profile, "config/settings.rb")
        if "hanami-db" in gems and not profile.env_var("DATABASE_URL"):
            profile.add_env("DATABASE_URL", None, True)
            profile.note("env", "DATABASE_URL: hanami-db connects the app's database with it", gemfile, None, 0.9)
        if "hanami-assets" in gems and tree.exists("package.json"):
            profile.warnings.append("hanami-assets: the image does not compile the front end (`bundle exec hanami "
                                    "assets compile` needs Node, the npm packages and the app's settings at build "
                                    "time); compile public/assets/ before `docker build`, or add those steps to the "
                                    "Dockerfile's build stage")
    read_dotenv_example(tree, profile)
    profile.env = [e for e in profile.env if e.name not in SYSTEM_ENV]
    if rails:
        _rails_env(tree, profile, gems)
    # the Gemfile's own runtime gems (a gem of a development/test group, or one another gem pulls in, is not the
    # app's); the lock's only when the Gemfile declares none (a gemspec)
    add_services_from_dependencies(profile, [(GEM_SERVICES.get(g, g), gemfile, line) for g, line in runtime_gems] +
                                   ([(g, lockfile, None) for g in locked] if not declared else []))
    from . import connections  # how the code reaches its backing services
    connections.read_connections(tree, files, profile)
    add_services_from_connections(profile)
    warn_fixed_localhost(profile)
    link_service_env(profile)

    start = start_module.start_command(tree, profile, files, facts, framework, gems, has_gems)
    if start:
        argv, why, file, line, confidence, server = start
        profile.entrypoint = argv
        profile.note("entrypoint", why, file, line, confidence)
        if server:
            for host, rel, line in facts.loopback[:1]:
                profile.warnings.append(f"{rel}:{line} listens on {host} only: nothing outside the container reaches "
                                        "it; bind 0.0.0.0")
            _ports(profile, facts, "hanami" if hanami else framework)
            _health(profile, facts, rails)
        else:
            profile.ports = []
    else:
        profile.note("entrypoint", "no start command found", confidence=0.0)
        profile.warnings.append("no start command found: set one with --set entrypoint='ruby main.rb'")

    add_procfile_workers(tree, profile)
    from . import jobs  # Sidekiq, GoodJob, Solid Queue, Resque: a worker beside the app
    jobs.add_job_workers(tree, profile, gemfile, runtime_gems, files, rails, hanami)

    _paths(tree, profile, facts, rails)

    assets = rails and tree.exists("bin/rails") and (
        any(g in gems for g in ASSET_GEMS) or tree.isdir("app/assets") or tree.isdir("app/javascript"))
    if assets:
        profile.build_command = ["./bin/rails", "assets:precompile"]
        profile.note("build_command", "Rails assets are precompiled in the build stage", "bin/rails", None, 0.9)
    if rails:
        _force_ssl(tree, profile)
    js = _js_build(tree, profile, gems) if assets else {}
    profile.compiled = False
    profile.build = plan.RubyPlan(
        workdir=WORKDIR, gems=has_gems, gemfiles=[f for f in (gemfile, lockfile) if f], bundler=bundler,
        rails=rails, assets=assets, bootsnap="bootsnap" in gems,
        env_name="RAILS_ENV" if rails else "HANAMI_ENV" if hanami else "RACK_ENV" if profile.ports else None,
        shell=True, **js)
    from . import migrations  # Rails' migrations: a one-shot step before the app starts
    migrations.detect(tree, profile, files, hanami)


def _js_build(tree: SourceTree, profile: Profile, gems: set[str]) -> dict:
    """Node in the build stage when assets:precompile runs a JavaScript build (jsbundling-rails and the like)."""
    gem = next((g for g in JS_BUILD_GEMS if g in gems), None)
    if gem is None or not tree.exists("package.json"):
        return {}
    lock, install = next(((f, cmd) for f, cmd in JS_LOCKS if tree.exists(f)), (None, "npm install"))
    from ... import image_tags

    node = image_tags.FAMILIES["node"].default or "22"
    for rel in (".nvmrc", ".node-version"):
        version = (tree.lines(rel) or [""])[0].strip().lstrip("v").split(".")[0]
        if version in image_tags.FAMILIES["node"].lines:
            node = version
            profile.note("build_command", f"{rel} pins Node {version} for the JavaScript build", rel, 1, 0.9)
            break
    profile.note("build_command", f"{gem}: assets:precompile runs the JavaScript build, so the build stage has "
                 f"Node {node} and installs the packages ({install})", "package.json", None, 0.9)
    if lock is None:
        profile.warnings.append("package.json without a lockfile: the JavaScript build resolves versions afresh "
                                "each time; commit yarn.lock or package-lock.json")
    return {"node_version": node, "js_files": ["package.json"] + ([lock] if lock else []), "js_install": install}


_Q_CONFIG_SET = ('(assignment left: (call receiver: (identifier) @owner method: (identifier) @name) '
                 'right: (_) @value) @set')


def _force_ssl(tree: SourceTree, profile: Profile) -> None:
    """`config.force_ssl = true` in production.rb redirects plain HTTP to https: say so (the container serves
    plain HTTP; a TLS proxy in front, or config.assume_ssl behind one)."""
    rel = "config/environments/production.rb"
    parsed = tree.parse(rel, "ruby")
    if parsed is None:
        return
    for _, m in syntax.matches("ruby", _Q_CONFIG_SET, parsed.root_node):
        if syntax.text(m["owner"][0]) == "config" and syntax.text(m["name"][0]) == "force_ssl" \
                and m["value"][0].type == "true":
            line = syntax.line(m["set"][0])
            profile.note("env", "config.force_ssl = true: plain-HTTP requests are redirected to https", rel, line, 1.0)
            profile.warnings.append(
                f"{rel}:{line} sets config.force_ssl = true: the container serves plain HTTP and every request "
                "to it is redirected to https:// (the health check accepts the redirect). Put a TLS proxy in front "
                "(with config.assume_ssl = true), or make it conditional, e.g. "
                "config.force_ssl = ENV.fetch(\"RAILS_FORCE_SSL\", \"true\") == \"true\", to try it locally")
            return


def _system_packages(profile: Profile, gems: list[str], has_gems: bool, lock_text: str, where: str | None) -> None:
    build_pkgs: list[str] = []
    runtime_pkgs: list[str] = []
    for gem in gems:
        if need := NATIVE_GEMS.get(gem):
            build_pkgs += [p for p in need[0] if p not in build_pkgs]
            runtime_pkgs += [p for p in need[1] if p not in runtime_pkgs]
            profile.note("system_packages", f"the {gem} gem needs {', '.join(need[0] + need[1])}", where)
    if has_gems:
        base = ["build-essential", "pkg-config"] + (["git"] if has_git_gems(lock_text) else [])
        build_pkgs = base + [p for p in build_pkgs if p not in base]
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}


def _env(profile: Profile, facts: source.Facts) -> None:
    for name, default, rel, line, how in facts.env:
        if name in SYSTEM_ENV:
            continue
        secret = is_secret(name, default)
        if secret and default and "://" in default and not is_secret("_", default) \
                and re.search(r"_(URL|URI|DSN)$", name, re.I):
            secret = False  # a service URL with a plain default (redis://localhost:6379/1) is a setting
        profile.add_env(name, None if secret else default, secret)
        profile.note("env", f"{name}: read with {how}" + (" (a secret)" if secret else f", default {default}"
                                                          if default is not None else ""), rel, line)


def _rails_env(tree: SourceTree, profile: Profile, gems: set[str]) -> None:
    if tree.glob("config/credentials*.yml.enc") or tree.glob("config/credentials/*.yml.enc"):
        profile.add_env("RAILS_MASTER_KEY", None, True)
        enc = (tree.glob("config/credentials/*.yml.enc") or tree.glob("config/credentials*.yml.enc"))[0]
        profile.note("env", "RAILS_MASTER_KEY decrypts the encrypted credentials (a secret)", enc, None, 0.95)
    else:
        profile.add_env("SECRET_KEY_BASE", None, True)
        profile.note("env", "SECRET_KEY_BASE: Rails needs it in production (no encrypted credentials)", confidence=0.9)
    if gems & {"pg", "mysql2", "trilogy"} and not profile.env_var("DATABASE_URL"):
        profile.add_env("DATABASE_URL", None, True)
        profile.note("env", "DATABASE_URL: Active Record reads it for the production database", "config/database.yml"
                     if tree.exists("config/database.yml") else None, None, 0.9)


def _env_evidence(profile: Profile, name: str) -> tuple[str | None, int | None]:
    where = next((e for e in profile.evidence.get("env", []) if e.why.startswith(name + ":")), None)
    return (where.file, where.line) if where else (None, None)


def _ports(profile: Profile, facts: source.Facts, framework: str | None) -> None:
    for name in PORT_NAMES:
        var = profile.env_var(name)
        if var and var.default and var.default.isdigit():
            file, line = _env_evidence(profile, name)
            profile.add_port(int(var.default), f"{name} defaults to {var.default}", file, line)
            profile.port_env = profile.port_env or name
            profile.note("port_env", f"the app reads its port from {name}", file, line, 0.95)
    argv = profile.entrypoint
    for index, arg in enumerate(argv):  # the start command's own words: -p 5000, tcp://0.0.0.0:9292
        if m := re.search(r":(\d{2,5})$", arg):
            profile.add_port(int(m.group(1)), f"the start command binds {m.group(1)}")
        if arg == "-p" and index + 1 < len(argv) and argv[index + 1].isdigit():
            profile.add_port(int(argv[index + 1]), f"the start command's -p {argv[index + 1]}")
    if not profile.ports:
        for port, why, rel, line in facts.ports[:1]:
            profile.add_port(port, why, rel, line)
    if not profile.port_env:
        for name, rel, line in facts.port_envs[:1]:
            if name not in SYSTEM_ENV:
                profile.port_env = name
                profile.note("port_env", f"the app reads its port from {name}", rel, line, 0.9)
    if not profile.ports:
        default = {"rails": 3000, "sinatra": 4567, "rack": 9292, "hanami": 2300}.get(framework or "", 8080)
        profile.add_port(default, f"the default port of {framework or 'a Ruby server'}", confidence=0.6)


def _health(profile: Profile, facts: source.Facts, rails: bool) -> None:
    routes = facts.routes
    if rails:
        routes = [r for r in routes if r[1].endswith("routes.rb")] or routes
    # config/ holds settings, not routes; a Sinatra app laid out like Rails (config/application.rb) is the exception
    routes = [r for r in routes if not r[1].startswith("config/") or r[1].endswith("routes.rb")] or (
        [] if rails else routes)
    for path, rel, line in routes:
        if HEALTH.match(path):
            profile.health_path = path
            profile.note("health_path", f"the route {path}", rel, line, 0.95 if rails else 0.9)
            return
    for path, rel, line in routes:
        if path == "/":
            profile.health_path = "/"
            profile.note("health_path", "the root route /", rel, line, 0.8)
            return
    profile.health_path = "/"
    profile.note("health_path", "no health route found; probing /", confidence=0.4)


def _own_folder(profile: Profile, path: str) -> None:
    """``path`` is a volume; the volumes inside it were only parts of it (storage/db/ inside storage/)."""
    profile.writable_paths = [w for w in profile.writable_paths if not w.startswith(path + "/")]
    if path not in profile.writable_paths:
        profile.writable_paths.append(path)


def _paths(tree: SourceTree, profile: Profile, facts: source.Facts, rails: bool) -> None:
    if rails and tree.isdir("storage") and f"{WORKDIR}/storage" not in profile.writable_paths:
        _own_folder(profile, f"{WORKDIR}/storage")
        profile.note("writable_paths", "Rails keeps uploads (and SQLite databases) in storage/", "config/storage.yml"
                     if tree.exists("config/storage.yml") else None, None, 0.8)
    disk = storage.disk_root(tree) if rails else None
    if disk:  # uploads go to a folder git doesn't hold (Campfire's storage/files): written at run time all the same
        folder, rel, line = disk
        path = f"{WORKDIR}/storage" if folder.split("/")[0] == "storage" else f"{WORKDIR}/{folder}"
        if not any(path == w or path.startswith(w + "/") for w in profile.writable_paths):
            _own_folder(profile, path)
            profile.note("writable_paths", f"Active Storage's production service is a Disk service rooted at "
                         f"{folder}/: uploads are written there", rel, line, 0.9)
    for folder, path, rel, line in facts.writes:
        if rel.startswith("config/") or not folder or folder.startswith("/tmp"):
            continue
        absolute = folder if folder.startswith("/") else f"{WORKDIR}/{folder.removeprefix('./').lstrip('/')}"
        absolute = absolute.rstrip("/")
        if absolute == WORKDIR:
            continue
        if not re.fullmatch(r"/[\w.@/-]+", absolute):  # one extracted string, checked before it reaches a file
            profile.warnings.append(f"{rel}:{line}: writable_paths={absolute!r} is not a folder the app may own "
                                    "(spaces or shell characters); left out")
            continue
        if absolute not in profile.writable_paths:
            profile.writable_paths.append(absolute)
            profile.note("writable_paths", f"writes {path}", rel, line, 0.8)
    for var in profile.env:
        if var.default and _OUTSIDE_PATH.match(var.default) and var.name.endswith(("PATH", "FILE", "DIR")):
            if var.default not in profile.read_paths and not any(var.default.startswith(w) for w in profile.writable_paths):
                profile.read_paths.append(var.default)
                file, line = _env_evidence(profile, var.name)
                profile.note("read_paths", f"{var.name} names {var.default}, outside the app", file, line, 0.8)
    for path, rel, line in facts.reads:
        if _OUTSIDE_PATH.match(path) and path not in profile.read_paths \
                and not any(path.startswith(w) for w in profile.writable_paths):
            profile.read_paths.append(path)
            profile.note("read_paths", f"reads {path}", rel, line, 0.9)


ANALYZER = Analyzer("ruby", detect, analyze)
