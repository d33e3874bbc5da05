"""Ruby: Bundler projects, Rails and Rack apps served by puma, Sinatra, and plain scripts."""
from __future__ import annotations

import re
import shlex

from ...profile import Evidence, Profile
from ...scan import SourceTree
from ..base import Analyzer, Detection
from ...envvars import PORT_NAMES, is_secret, read_dotenv_example
from ...services import add_services_from_dependencies, link_service_env

WORKDIR = "/app"
DEFAULT_RUBY = "3.3"
WEB_GEMS = ("rails", "railties", "puma", "sinatra", "rack", "hanami", "roda", "grape", "unicorn", "falcon", "thin")

# gem -> (Debian headers to build it, Debian libraries it loads at run time)
NATIVE_GEMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pg": (("libpq-dev",), ("libpq5",)),
    "mysql2": (("default-libmysqlclient-dev",), ("libmariadb3",)),
    "psych": (("libyaml-dev",), ("libyaml-0-2",)),
    "rmagick": (("libmagickwand-dev",), ("libmagickwand-6.q16-6",)),
}

_GEM = re.compile(r"""^\s*gem\s+["']([A-Za-z0-9_.-]+)["']""", re.M)
_GROUP = re.compile(r"""^\s*group\s+(.*?)\s+do\s*$""")
_GEMFILE_RUBY = re.compile(r"""^\s*ruby\s+["']([^"']+)["']""", re.M)
_LIT = r"""(?:"([^"\\\n#]*)"|'([^'\\\n]*)'|(-?\d+)|(true|false|nil))"""
_ENV_FETCH = re.compile(r"""ENV\.fetch\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*""" + _LIT + r"""\s*\)|\)\s*\{\s*""" + _LIT + r"""\s*\})?""")
_ENV_INDEX = re.compile(r"""ENV\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\](?:\s*(?:\|\||or)\s*""" + _LIT + ")?")
_SERVER = re.compile(r"\b(TCPServer\.new|Socket\.tcp_server_loop|WEBrick::HTTPServer\.new|Rack::Handler|Rackup::Handler|"
                     r"Puma::Server|run!|HTTPServer\.new)")
_LITERAL_PORT = re.compile(r"""(?:TCPServer\.new\(\s*(?:["'][^"']*["']\s*,\s*)?|Port:\s*|port:\s*|\bport\s+|set\s+:port,\s*)(\d{2,5})\b""")
_HEALTH = re.compile(r"""["'](/(?:up|health|healthz|healthcheck|ping|status|ready))["']""")
_RAILS_HEALTH = re.compile(r"""get\s+["'](/?(?:up|health|healthz))["']\s*(?:=>|,\s*to:)""")
_WRITE = re.compile(r"""(?:File\.(?:write|open)\(\s*["']([^"'\n]+)["']\s*(?:,\s*["'][wa]b?\+?["'])|FileUtils\.mkdir_p\(\s*["']([^"'\n]+)["']|Dir\.mkdir\(\s*["']([^"'\n]+)["'])""")
_READ_ABS = re.compile(r"""(?:File\.(?:read|open|foreach|readlines)|IO\.readlines)\(\s*["'](/[^"'\n]+)["']""")
_ABS_ENV_PATH = re.compile(r"^/(?!(?:etc|proc|sys|dev|tmp|usr|bin|sbin|lib|run|var/run|app|home)(?:/|$))[\w.@-]+(?:/[\w.@-]+)*$")

SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "RAILS_ENV", "RACK_ENV",
              "APP_ENV", "BUNDLE_GEMFILE", "RAILS_LOG_TO_STDOUT", "RAILS_SERVE_STATIC_FILES", "RAILS_MAX_THREADS",
              "RAILS_MIN_THREADS", "WEB_CONCURRENCY", "PIDFILE", "SECRET_KEY_BASE_DUMMY", "CI", "RUBY_YJIT_ENABLE",
              "SOLID_QUEUE_IN_PUMA", "JOB_CONCURRENCY", "RAILS_LOG_LEVEL"}


def ruby_files(tree: SourceTree) -> list[str]:
    return [f for f in tree.with_suffix(".rb", ".ru")
            if not f.startswith(("test/", "spec/", "tmp/", "log/", "db/migrate/", "vendor/", "node_modules/"))
            and "/spec/" not in f and "/test/" not in f]


def _ev(why: str, file: str) -> Evidence:
    return Evidence(why, file, None, 0.9)


def detect(tree: SourceTree) -> Detection | None:
    if tree.exists("Gemfile") or tree.exists("gems.rb"):
        gemfile = tree.first("Gemfile", "gems.rb")
        gems = {m.group(1) for m in _GEM.finditer(tree.read(gemfile) or "")}
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


# -- manifests -------------------------------------------------------------
def gemfile_gems(tree: SourceTree, rel: str) -> list[tuple[str, int, set[str]]]:
    """(gem, line, groups) for each `gem` line of a Gemfile."""
    gems = []
    groups: list[set[str]] = []
    for number, raw in enumerate(tree.lines(rel), 1):
        line = raw.split("#", 1)[0].rstrip()
        if m := _GROUP.match(line):
            groups.append(set(re.findall(r":(\w+)", m.group(1))))
            continue
        if re.match(r"^\s*end\s*$", line) and groups:
            groups.pop()
            continue
        if m := _GEM.match(line):
            names = set().union(*groups) if groups else set()
            inline = re.search(r"group[s]?:\s*\[?([^\]\n]*)", line)
            if inline:
                names |= set(re.findall(r":(\w+)", inline.group(1)))
            gems.append((m.group(1), number, names))
    return gems


def lock_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            current = line.strip()
            sections.setdefault(current, [])
        elif current:
            sections[current].append(line)
    return sections


def locked_gems(text: str) -> list[str]:
    """Every gem the lock resolves (the 4-space `name (version)` lines of its GEM/GIT/PATH specs)."""
    names = []
    for m in re.finditer(r"^ {4}([A-Za-z0-9_.-]+) \(", text, re.M):
        if m.group(1) not in names:
            names.append(m.group(1))
    return names


def ruby_version(tree: SourceTree, profile: Profile) -> str:
    version = None
    if text := tree.read(".ruby-version"):
        raw = text.strip().splitlines()[0].strip() if text.strip() else ""
        m = re.search(r"(\d+\.\d+(?:\.\d+)?)", raw)
        if m:
            version = m.group(1)
            profile.note("runtime_version", f".ruby-version says {raw}", ".ruby-version", 1, 1.0)
    if not version and (text := tree.read(".tool-versions")):
        m = re.search(r"^ruby\s+(\d+\.\d+(?:\.\d+)?)", text, re.M)
        if m:
            version = m.group(1)
            profile.note("runtime_version", f".tool-versions says ruby {version}", ".tool-versions", None, 1.0)
    gemfile = tree.first("Gemfile", "gems.rb")
    if not version and gemfile:
        for number, line in enumerate(tree.lines(gemfile), 1):
            m = _GEMFILE_RUBY.match(line)
            if m and (v := re.search(r"(\d+\.\d+(?:\.\d+)?)", m.group(1))):
                version = v.group(1)
                profile.note("runtime_version", f"the Gemfile's ruby line: {m.group(1)}", gemfile, number, 1.0)
                break
    lock = tree.first("Gemfile.lock", "gems.locked")
    if not version and lock:
        m = re.search(r"^RUBY VERSION\n\s+ruby (\d+\.\d+\.\d+)", tree.read(lock) or "", re.M)
        if m:
            version = m.group(1)
            profile.note("runtime_version", f"Gemfile.lock's RUBY VERSION is {version}", lock, None, 0.95)
    if not version:
        version = DEFAULT_RUBY
        profile.note("runtime_version", f"no Ruby version pinned; Ruby {DEFAULT_RUBY} assumed", confidence=0.5)
    return version


# -- analysis ------------------------------------------------------------------
def analyze(tree: SourceTree, profile: Profile) -> None:
    files = ruby_files(tree)
    gemfile = tree.first("Gemfile", "gems.rb")
    lockfile = tree.first("Gemfile.lock", "gems.locked")
    lock_text = tree.read(lockfile) if lockfile else ""
    if lockfile and lock_text is not None and lock_text.strip() and "DEPENDENCIES" not in lock_text:
        raise ValueError(f"{lockfile}: not a Bundler lockfile (no DEPENDENCIES section)")
    profile.runtime_version = ruby_version(tree, profile)

    declared = gemfile_gems(tree, gemfile) if gemfile else []
    runtime_gems = [(name, line) for name, line, groups in declared if not groups & {"development", "test"}]
    locked = locked_gems(lock_text or "")
    all_runtime = list(dict.fromkeys([g for g, _ in runtime_gems] + locked))
    profile.dependencies = [g for g, _ in runtime_gems] or locked
    for name, line in runtime_gems:
        profile.note("dependencies", f"{name} is in the Gemfile", gemfile, line, 1.0)
    bundler = None
    if gemfile:
        profile.package_manager = "bundler"
        profile.note("package_manager", "a Gemfile" + (f" and {lockfile}" if lockfile else ""), gemfile, None, 1.0)
        m = re.search(r"^BUNDLED WITH\n\s+(\d+\.\d+\.\d+)", lock_text or "", re.M)
        if m:
            bundler = m.group(1)
            profile.note("package_manager", f"bundler {bundler} (BUNDLED WITH)", lockfile, None, 1.0)
        if not lockfile and declared:
            profile.warnings.append("a Gemfile without Gemfile.lock: the build resolves gem versions afresh each time; "
                                    "run `bundle lock` and commit Gemfile.lock")
    gems = set(all_runtime)
    has_gems = bool(gemfile and declared)

    build_pkgs: list[str] = []
    runtime_pkgs: list[str] = []
    for gem in all_runtime:
        if need := NATIVE_GEMS.get(gem):
            build_pkgs += [p for p in need[0] if p not in build_pkgs]
            runtime_pkgs += [p for p in need[1] if p not in runtime_pkgs]
            profile.note("system_packages", f"the {gem} gem needs {', '.join(need[0] + need[1])}", lockfile or gemfile)
    if has_gems:
        base = ["build-essential", "pkg-config"] + (["git"] if "\nGIT\n" in f"\n{lock_text}" else [])
        build_pkgs = base + [p for p in build_pkgs if p not in base]
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}

    # -- framework and start command --------------------------------------
    rails = tree.exists("config/application.rb") and ("rails" in gems or "railties" in gems or not gemfile)
    framework = "rails" if rails else "sinatra" if "sinatra" in gems else "rack" if tree.exists("config.ru") else None
    if framework:
        profile.framework = framework
        where = "config/application.rb" if rails else "config.ru" if framework == "rack" else gemfile
        profile.note("framework", f"{framework}: {where}", where, None, 1.0)

    _read_env(tree, files + [f for f in tree.glob("config/*.yml")], profile)
    read_dotenv_example(tree, profile)
    profile.env = [e for e in profile.env if e.name not in SYSTEM_ENV]
    if rails:
        _rails_env(tree, profile, gems)
    add_services_from_dependencies(profile, [(g, gemfile, line) for g, line in runtime_gems] +
                                   [(g, lockfile, None) for g in locked])
    link_service_env(profile)

    start = _start(tree, profile, files, framework, gems, has_gems)
    if start:
        argv, why, file, line, confidence, server = start
        profile.entrypoint = argv
        profile.note("entrypoint", why, file, line, confidence)
        if server:
            _ports(tree, profile, files, framework)
            _health(tree, profile, files, rails)
        else:
            profile.ports = []
    else:
        profile.note("entrypoint", "no start command found", confidence=0.0)
        profile.warnings.append("no start command found: set one with --set entrypoint='ruby main.rb'")

    _paths(tree, profile, files, rails)

    assets = rails and tree.exists("bin/rails") and (
        any(g in gems for g in ("sprockets-rails", "propshaft", "sprockets", "cssbundling-rails", "jsbundling-rails",
                                "tailwindcss-rails", "importmap-rails"))
        or tree.isdir("app/assets") or tree.isdir("app/javascript"))
    if assets:
        profile.build_command = ["./bin/rails", "assets:precompile"]
        profile.note("build_command", "Rails assets are precompiled in the build stage", "bin/rails", None, 0.9)
    profile.compiled = False
    profile.build = {
        "workdir": WORKDIR,
        "gems": has_gems,
        "gemfiles": [f for f in (gemfile, lockfile) if f],
        "bundler": bundler,
        "rails": rails,
        "assets": assets,
        "bootsnap": "bootsnap" in gems,
        "env_name": "RAILS_ENV" if rails else "RACK_ENV" if profile.ports else None,
        "shell": True,
    }


def _literal(m: re.Match[str], first: int) -> str | None:
    for group in range(first, first + 4):
        value = m.group(group)
        if value is not None:
            return None if value == "nil" else value
    return None


def _read_env(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for rel, line, m in tree.grep(_ENV_FETCH, files):
        default = _literal(m, 2) if m.group(2) or m.group(3) or m.group(4) or m.group(5) else _literal(m, 6)
        _record(profile, m.group(1), default, rel, line, "ENV.fetch" + (" with a default" if default is not None else ""))
    for rel, line, m in tree.grep(_ENV_INDEX, files):
        _record(profile, m.group(1), _literal(m, 2), rel, line, "ENV[...]")


def _record(profile: Profile, name: str, default: str | None, rel: str, line: int, how: str) -> None:
    if name in SYSTEM_ENV:
        return
    secret = is_secret(name, default)
    profile.add_env(name, None if secret else default, secret)
    profile.note("env", f"{name}: read with {how}" + (" (a secret)" if secret else ""), rel, line)


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


def _start(tree: SourceTree, profile: Profile, files: list[str], framework: str | None, gems: set[str],
           has_gems: bool):
    """(argv, why, file, line, confidence, server) of the best way to start the app."""
    exec_ = ["bundle", "exec"] if has_gems else []
    procfile = tree.first("Procfile")
    for number, line in enumerate(tree.lines(procfile) if procfile else [], 1):
        if line.startswith("web:"):
            try:
                argv = shlex.split(line[4:].strip())
            except ValueError:
                continue
            if argv and not any("$" in a for a in argv):
                return argv, "the Procfile's web process", procfile, number, 1.0, True
    if framework in ("rails", "rack") or (framework == "sinatra" and tree.exists("config.ru")):
        server = next((g for g in ("puma", "unicorn", "falcon", "thin") if g in gems), None)
        if server is None and has_gems:
            profile.warnings.append("no app server gem (puma) in the Gemfile: add `gem \"puma\"` and run `bundle lock`")
        if (server or "puma") == "puma":
            if tree.exists("config/puma.rb"):
                return (exec_ + ["puma", "-C", "config/puma.rb"], "puma with config/puma.rb", "config/puma.rb", None,
                        1.0, True)
            port = 3000 if framework == "rails" else 9292
            return (exec_ + ["puma", "-b", f"tcp://0.0.0.0:{port}"], f"puma serves {'the Rails app' if framework == 'rails' else 'config.ru'}",
                    "config.ru" if tree.exists("config.ru") else None, None, 0.95, True)
        if server == "unicorn":
            return exec_ + ["unicorn", "-l", "0.0.0.0:8080"], "unicorn serves config.ru", "config.ru", None, 0.9, True
        if server == "falcon":
            return exec_ + ["falcon", "host"] if tree.exists("falcon.rb") else exec_ + ["falcon", "serve", "--bind", "http://0.0.0.0:9292"], \
                "falcon serves config.ru", "config.ru", None, 0.9, True
        return exec_ + ["thin", "start", "-a", "0.0.0.0", "-p", "3000"], "thin serves config.ru", "config.ru", None, 0.9, True
    # a script: a server (socket / sinatra classic) first, else a script with a main guard or the only file
    candidates = [f for f in files if not f.startswith(("config/", "lib/", "app/", "db/")) and f.endswith(".rb")]
    for rel in candidates:
        text = tree.read(rel) or ""
        if _SERVER.search(text) or (framework == "sinatra" and re.search(r"require\s+['\"]sinatra['\"]", text)):
            line = (tree.grep(_SERVER, [rel]) or [(rel, None, None)])[0][1]
            return exec_ + ["ruby", rel], f"{rel} starts a server", rel, line, 0.9, True
    for name in ("main.rb", "app.rb", "run.rb", "script.rb", "cli.rb"):
        if name in candidates:
            return exec_ + ["ruby", name], f"{name} is the conventional entry script", name, None, 0.7, False
    guarded = [f for f in candidates if re.search(r"if\s+(?:__FILE__\s*==\s*\$0|\$0\s*==\s*__FILE__|\$PROGRAM_NAME\s*==\s*__FILE__|__FILE__\s*==\s*\$PROGRAM_NAME)", tree.read(f) or "")]
    if guarded:
        return exec_ + ["ruby", guarded[0]], f"{guarded[0]} runs as a script (__FILE__ == $0)", guarded[0], None, 0.8, False
    bins = [f for f in tree.glob("bin/*") if "/" not in f[4:] and f not in ("bin/setup", "bin/console", "bin/rails",
                                                                             "bin/rake", "bin/bundle", "bin/dev")]
    if bins:
        return exec_ + [f"./{bins[0]}"], f"{bins[0]} is the executable", bins[0], None, 0.6, False
    if len(candidates) == 1:
        return exec_ + ["ruby", candidates[0]], f"{candidates[0]} is the only script", candidates[0], None, 0.6, False
    return None


def _ports(tree: SourceTree, profile: Profile, files: list[str], framework: str | None) -> None:
    for name in PORT_NAMES:
        var = profile.env_var(name)
        if var and var.default and var.default.isdigit():
            where = next((e for e in profile.evidence.get("env", []) if e.why.startswith(name + ":")), None)
            profile.add_port(int(var.default), f"{name} defaults to {var.default}", where.file if where else None,
                             where.line if where else None)
            profile.port_env = profile.port_env or name
            profile.note("port_env", f"the app reads its port from {name}", where.file if where else None,
                         where.line if where else None, 0.95)
    argv = profile.entrypoint
    for arg in argv:
        if m := re.search(r"(?::|-p\s*)(\d{2,5})$", arg):
            profile.add_port(int(m.group(1)), f"the start command binds {m.group(1)}")
    if "-p" in argv:
        port = argv[argv.index("-p") + 1] if argv.index("-p") + 1 < len(argv) else ""
        if port.isdigit():
            profile.add_port(int(port), f"the start command's -p {port}")
    if not profile.ports:
        for rel, line, m in tree.grep(_LITERAL_PORT, files):
            profile.add_port(int(m.group(1)), f"a literal port {m.group(1)}", rel, line)
            break
    if not profile.ports:
        default = 3000 if framework == "rails" else 4567 if framework == "sinatra" else 9292 if framework == "rack" else 8080
        profile.add_port(default, f"the {framework or 'server'}'s default port", confidence=0.6)


def _health(tree: SourceTree, profile: Profile, files: list[str], rails: bool) -> None:
    if rails:
        for rel, line, m in tree.grep(_RAILS_HEALTH, ["config/routes.rb"]):
            profile.health_path = "/" + m.group(1).lstrip("/")
            profile.note("health_path", f"the route {profile.health_path}", rel, line, 0.95)
            return
    for rel, line, m in tree.grep(_HEALTH, [f for f in files if not f.startswith("config/") or rel_is_routes(f)]):
        profile.health_path = m.group(1)
        profile.note("health_path", f"a health path {m.group(1)}", rel, line, 0.9)
        return
    profile.health_path = "/"
    profile.note("health_path", "no health route found; probing /", confidence=0.4)


def rel_is_routes(rel: str) -> bool:
    return rel.endswith("routes.rb")


def _paths(tree: SourceTree, profile: Profile, files: list[str], rails: bool) -> None:
    if rails and tree.isdir("storage"):
        profile.writable_paths.append(f"{WORKDIR}/storage")
        profile.note("writable_paths", "Rails keeps uploads (and SQLite databases) in storage/", "config/storage.yml"
                     if tree.exists("config/storage.yml") else None, None, 0.8)
    for rel, line, m in tree.grep(_WRITE, [f for f in files if not f.startswith("config/")]):
        path = m.group(1) or m.group(2) or m.group(3)
        folder = path if m.group(2) or m.group(3) else path.rsplit("/", 1)[0] if "/" in path else ""
        if not folder or folder.startswith("/tmp"):
            continue
        absolute = folder if folder.startswith("/") else f"{WORKDIR}/{folder.lstrip('./')}"
        if absolute not in profile.writable_paths:
            profile.writable_paths.append(absolute.rstrip("/"))
            profile.note("writable_paths", f"writes {path}", rel, line, 0.8)
    for var in profile.env:
        if var.default and _ABS_ENV_PATH.match(var.default) and re.search(r"(PATH|FILE|DIR)$", var.name):
            if var.default not in profile.read_paths and not any(var.default.startswith(w) for w in profile.writable_paths):
                profile.read_paths.append(var.default)
                where = next((e for e in profile.evidence.get("env", []) if e.why.startswith(var.name + ":")), None)
                profile.note("read_paths", f"{var.name} names {var.default}, outside the app",
                             where.file if where else None, where.line if where else None, 0.8)
    for rel, line, m in tree.grep(_READ_ABS, files):
        if _ABS_ENV_PATH.match(m.group(1)) and m.group(1) not in profile.read_paths:
            profile.read_paths.append(m.group(1))
            profile.note("read_paths", f"reads {m.group(1)}", rel, line, 0.9)


ANALYZER = Analyzer("ruby", detect, analyze)
