"""PHP: Composer projects, Laravel, Symfony, Slim and plain PHP sites, served by Apache with mod_php.

composer.py reads composer.json / composer.lock, extensions.py knows the PHP extensions and their
Debian packages, source.py reads facts from the code's parse trees (settings.py records them),
plan.py is what the Dockerfile reads.
"""
from __future__ import annotations

import posixpath
import re

from ...envvars import dotenv_lines, dotenv_value, is_secret, read_dotenv_example
from ...profile import Evidence, Profile
from ...scan import SourceTree
from ...services import add_services_from_dependencies, link_service_env, warn_fixed_localhost
from ...workers import procfile_processes
from ..base import Analyzer, Detection, forward_names, submodules
from .composer import DEFAULT_PHP, FRAMEWORKS, SUPPORTED_MINORS, line_of_text, php_choice, php_version, read_json

# loaded when this language's analysis runs, not while the languages of a tree are detected
settings, source, php_extensions, plan = submodules(__name__, "settings", "source", "extensions", "plan")

__all__ = ["ANALYZER", "DEFAULT_PHP", "SUPPORTED_MINORS", "PhpPlan", "php_version"]

PORT = 8080  # Apache listens here: the non-root www-data user can't bind 80 everywhere
HEALTH_FILES = ("health.php", "healthz.php", "ping.php", "status.php")
# front-end build plugins -> where they write the built assets (under the document root)
ASSET_PLUGINS = {"laravel-vite-plugin": "public/build", "@symfony/webpack-encore": "public/build"}
# lockfile -> (install command, build command)
NODE_LOCKS = (("package-lock.json", "npm ci", "npm run build"),
              ("yarn.lock", "corepack enable && yarn install --frozen-lockfile", "yarn run build"),
              ("pnpm-lock.yaml", "corepack enable && pnpm install --frozen-lockfile", "pnpm run build"))
HEALTH_ROUTES = ("/up", "/health", "/healthz", "/healthcheck", "/ping", "/status")
# folders a project keeps in git empty (a .gitkeep, a .gitignore, a README) for what the app writes at run time
KEPT_FOLDERS = {"logs", "log", "uploads", "cache", "tmp", "temp", "sessions"}
SCRATCH_FOLDERS = {"cache", "tmp", "temp", "sessions"}  # of those, the ones not worth keeping across restarts
PLACEHOLDERS = {".gitkeep", ".keep", ".gitignore", ".htaccess", "README", "README.md", "README.txt", "index.html"}


def php_files(tree: SourceTree) -> list[str]:
    return [f for f in tree.with_suffix(".php")
            if not f.startswith(("tests/", "test/", "storage/", "bootstrap/cache/", "docs/"))
            and "/tests/" not in f]


def detect(tree: SourceTree) -> Detection | None:
    php = tree.with_suffix(".php")
    if tree.exists("composer.json"):
        data = read_json(tree, "composer.json", strict=False)
        packages = {name for key in ("require", "require-dev") if isinstance(data.get(key), dict) for name in data[key]}
        framework = next((fw for pkg, fw in FRAMEWORKS if pkg in packages), None)
        if framework or tree.exists("artisan"):
            return Detection("php", 100, [_ev(f"composer.json requires {framework or 'laravel'}", "composer.json")])
        if _web_entry(tree):
            return Detection("php", 95, [_ev("composer.json and a front controller (index.php)", "composer.json")])
        return Detection("php", 90, [_ev("composer.json is a PHP manifest", "composer.json")])
    if not php:
        return None
    entry = _web_entry(tree)
    if entry:
        return Detection("php", 60, [_ev(f"{entry} is a PHP front page (no composer.json)", entry)])
    return Detection("php", 40 + min(len(php), 15), [_ev(f"{len(php)} PHP source file(s), no manifest", php[0])])


def _ev(why: str, file: str) -> Evidence:
    return Evidence(why, file, None, 0.9)


def _web_entry(tree: SourceTree) -> str | None:
    return tree.first("public/index.php", "web/index.php", "index.php", "public/index.html", "index.html")


def analyze(tree: SourceTree, profile: Profile) -> None:
    composer = read_json(tree, "composer.json") if tree.exists("composer.json") else {}
    lock = read_json(tree, "composer.lock") if tree.exists("composer.lock") else {}
    require = composer.get("require") or {}
    if not isinstance(lock.get("packages") or [], list):
        raise ValueError("composer.lock: \"packages\" must be a list")
    if not isinstance(require, dict):
        raise ValueError("composer.json: \"require\" must be an object of package: constraint")
    files = php_files(tree)

    # -- runtime version --------------------------------------------------
    platform = ((composer.get("config") or {}).get("platform") or {}).get("php")
    if isinstance(platform, str) and re.match(r"\d+\.\d+", platform):
        profile.runtime_version = php_version(".".join(platform.split(".")[:2]))
        profile.note("runtime_version", f"config.platform.php is {platform}", "composer.json",
                     line_of_text(tree, "composer.json", '"platform"'), 1.0)
    elif isinstance(require.get("php"), str):
        choice = php_choice(require["php"])
        profile.runtime_version = php_version(require["php"])
        profile.note("runtime_version", f"require.php is {require['php']!r}: the newest published PHP it allows",
                     "composer.json", line_of_text(tree, "composer.json", '"php"'), 0.9)
        if choice.note:
            profile.warnings.append(f"composer.json: {choice.note}")
    else:
        profile.runtime_version = DEFAULT_PHP
        profile.note("runtime_version", f"no PHP constraint; PHP {DEFAULT_PHP} assumed", confidence=0.5)

    # -- dependencies and extensions ---------------------------------------
    packages = [name for name in require if "/" in name]
    locked = [p.get("name") for p in lock.get("packages") or [] if isinstance(p, dict) and p.get("name")]
    deps: list[tuple[str, str, int | None]] = [(n, "composer.json", line_of_text(tree, "composer.json", f'"{n}"')) for n in packages]
    profile.dependencies = list(dict.fromkeys(packages + locked))
    for name, rel, line in deps:
        profile.note("dependencies", f"{name} is required", rel, line, 1.0)
    if composer:
        profile.package_manager = "composer"
        profile.note("package_manager", "composer.json" + (" and composer.lock" if lock else ""), "composer.json", None, 1.0)

    extensions: dict[str, tuple[str, int | None]] = {}
    for name in require:
        if name.lower().startswith("ext-"):
            extensions.setdefault(name[4:].lower(), ("composer.json", line_of_text(tree, "composer.json", f'"{name}"')))
    for package in lock.get("packages") or []:
        for name in (package.get("require") or {}) if isinstance(package, dict) else ():
            if name.lower().startswith("ext-"):
                extensions.setdefault(name[4:].lower(), ("composer.lock", line_of_text(tree, "composer.lock", f'"{name}"')))

    framework = next((fw for pkg, fw in FRAMEWORKS if pkg in require or pkg in locked), None)
    if framework is None and tree.exists("artisan"):
        framework = "laravel"
    if framework:
        profile.framework = framework
        where = "composer.json" if framework != "laravel" or "laravel/framework" in require else "artisan"
        profile.note("framework", f"{framework} ({'laravel/framework' if framework == 'laravel' else 'composer.json'})",
                     where, line_of_text(tree, "composer.json", '"laravel/framework"') if where == "composer.json" else None, 1.0)

    # -- env vars -----------------------------------------------------------
    src = source.PhpSource(tree, files, plan.WORKDIR)
    superglobals = settings.read_env(src, profile)
    read_dotenv_example(tree, profile)
    if framework == "symfony":
        _symfony_env(tree, profile)
    profile.env = [e for e in profile.env if e.name not in settings.SYSTEM_ENV]

    # database drivers named by configuration (Laravel's DB_CONNECTION) need their extension
    connection = profile.env_var("DB_CONNECTION")
    if connection and connection.default in ("pgsql", "mysql", "mariadb"):
        ext = "pdo_pgsql" if connection.default == "pgsql" else "pdo_mysql"
        where = next((e for e in profile.evidence.get("env", []) if e.why.startswith("DB_CONNECTION")), None)
        extensions.setdefault(ext, (where.file if where else None, where.line if where else None))

    if framework == "laravel" and profile.env_var("DB_HOST") and profile.env_var("DB_URL"):
        # DB_URL is optional in Laravel (DB_HOST, DB_PASSWORD, ... are used when it is unset):
        # one secret (DB_PASSWORD) is enough
        profile.env = [e for e in profile.env if e.name != "DB_URL"]
    if framework == "laravel" and profile.env_var("REDIS_HOST") and profile.env_var("REDIS_URL"):
        # the same for Redis: config/database.php's 'url' => env('REDIS_URL') beside REDIS_HOST, REDIS_PORT
        profile.env = [e for e in profile.env if e.name != "REDIS_URL"]
    needed, targets = settings.read_connections(src, profile)
    for ext, rel, line in needed:
        extensions.setdefault(ext, (rel, line))
    service_deps = [(f"ext-{ext}", rel, line) for ext, (rel, line) in extensions.items()] + deps
    add_services_from_dependencies(profile, service_deps)
    settings.database_defaults(profile, targets)
    sqlite_in_volume = framework == "laravel" and settings.laravel_sqlite(
        src, profile, plan.WORKDIR, any(f.startswith("database/") and f.endswith(".sqlite") for f in tree.files))
    warn_fixed_localhost(profile)  # define('DB_HOST', '127.0.0.1') in a config file: not the compose service
    link_service_env(profile)

    install, pecl = php_extensions.plan_extensions(profile, extensions)

    # -- how it is served -----------------------------------------------------
    docroot = _docroot(tree, profile, framework)
    profile.ports = [PORT]
    profile.note("ports", f"Apache listens on {PORT} (the www-data user can't bind port 80 everywhere)", confidence=0.9)
    profile.entrypoint = ["apache2-foreground"]
    profile.note("entrypoint", "Apache with mod_php serves the document root", confidence=0.9)
    _health_path(tree, profile, docroot, src)

    # -- Composer -------------------------------------------------------------------
    autoload = bool(composer.get("autoload")) or src.includes_autoloader()
    composer_install = bool(packages)
    if composer_install and not lock:
        profile.warnings.append("composer.json requires packages but there is no composer.lock: the build resolves "
                                "versions afresh each time; run `composer update` and commit composer.lock")
    if composer_install:
        profile.build_command = ["composer", "install", "--no-dev", "--no-scripts", "--prefer-dist", "--no-interaction"]
        profile.note("build_command", "composer installs the locked packages" if lock else
                     "composer resolves and installs the packages", "composer.lock" if lock else "composer.json", None, 0.95)

    writable = []
    if framework == "laravel":
        writable.append(f"{plan.WORKDIR}/storage")
        profile.note("writable_paths", "Laravel writes logs, sessions, caches and uploads under storage/",
                     "artisan" if tree.exists("artisan") else "composer.json", None, 0.95)
    scratch = []
    if framework == "symfony":
        scratch.append(f"{plan.WORKDIR}/var")  # a kept cache would outlive the code it was compiled from
        profile.note("writable_paths", "Symfony writes its cache and logs under var/ (scratch space, emptied on "
                     "restart)", "composer.json", None, 0.95)
    if framework == "cakephp":
        scratch.append(f"{plan.WORKDIR}/tmp")  # caches and sessions
        writable.append(f"{plan.WORKDIR}/logs")
        profile.note("writable_paths", "CakePHP writes caches and sessions under tmp/ (scratch space) and its logs "
                     "under logs/", "config/paths.php" if tree.exists("config/paths.php") else "composer.json", None,
                     0.9)
    for path, keep in _kept_folders(tree, profile, writable + scratch):
        if framework == "laravel" and path == f"{plan.WORKDIR}/bootstrap/cache":
            continue  # the template owns it already
        (writable if keep else scratch).append(path)
    profile.writable_paths = writable
    settings.read_paths(src, profile)
    if framework == "symfony":
        _symfony_sqlite(profile)

    assets = _assets(tree, profile)
    profile.compiled = False
    profile.build = plan.PhpPlan(
        docroot=docroot,
        composer=bool(composer) and (composer_install or autoload),
        composer_install=composer_install,
        composer_files=[f for f in ("composer.json", "composer.lock") if tree.exists(f)],
        extensions=install,
        pecl=pecl,
        configure={e: php_extensions.EXTENSION_CONFIGURE[e] for e in install
                   if e in php_extensions.EXTENSION_CONFIGURE},
        pass_env=[e.name for e in profile.env],
        env_superglobal="ENV" in superglobals,
        htaccess=any(f.endswith(".htaccess") for f in tree.files) or framework in ("laravel", "symfony", "slim"),
        laravel=framework == "laravel",
        scratch_dirs=scratch,
        **assets,
        dotenv_stub=framework == "symfony",
    )
    from . import migrations  # Laravel's migrations: a one-shot step before the app starts
    migrations.detect(tree, profile, sqlite_in_volume)
    from . import workers  # the queue worker, the scheduler, the Procfile's other processes
    workers.add_workers(tree, profile, src, framework, set(profile.dependencies))


def finish(profile: Profile) -> None:
    """After the answers: Apache passes every env var the app is given (--set env=... included)."""
    if isinstance(profile.build, plan.PhpPlan):
        profile.build.pass_env = [e.name for e in profile.env]


_HEROKU_OPTIONS_WITH_VALUE = {"-C", "-F", "-i", "-l", "-p"}  # heroku-php-apache2/-nginx options taking a value


def _procfile_docroot(tree: SourceTree) -> tuple[str, int] | None:
    """(folder, line) of the document root a Procfile's web process gives heroku-php-apache2/-nginx."""
    for kind, words, number in procfile_processes(tree):
        if kind != "web":
            continue
        at = next((i for i, w in enumerate(words) if posixpath.basename(w).startswith("heroku-php-")), None)
        if at is None:
            continue
        args, skip = words[at + 1:], False
        for word in args:
            if skip:
                skip = False
            elif word in _HEROKU_OPTIONS_WITH_VALUE:
                skip = True
            elif not word.startswith("-"):
                folder = posixpath.normpath(word).strip("/")
                if folder in ("", "."):
                    return "", number
                if re.fullmatch(r"[\w.-]+(?:/[\w.-]+)*", folder) and ".." not in folder.split("/"):
                    return folder, number
                return None
        return "", number  # no folder: the project folder
    return None


def _assets(tree: SourceTree, profile: Profile) -> dict:
    """The front end of a Laravel (Vite) or Symfony (Webpack Encore) app: package.json's build script, run by
    Node in a stage of its own; the built folder is copied into the image (the views link to its manifest)."""
    if not tree.exists("package.json"):
        return {}
    pkg = read_json(tree, "package.json", strict=False)
    scripts = pkg.get("scripts") if isinstance(pkg.get("scripts"), dict) else {}
    deps: dict = {}
    for key in ("dependencies", "devDependencies"):
        if isinstance(pkg.get(key), dict):
            deps.update(pkg[key])
    plugin = next((p for p in ASSET_PLUGINS if p in deps), None)
    if plugin is None or not isinstance(scripts.get("build"), str):
        return {}
    lock, install, build = next((row for row in NODE_LOCKS if tree.exists(row[0])), (None, "npm install", "npm run build"))
    from ... import image_tags

    node = image_tags.FAMILIES["node"].default or "22"
    pins = [(lines[0].strip().lstrip("v"), rel) for rel in (".nvmrc", ".node-version") if (lines := tree.lines(rel))]
    if pin := image_tags.tool_pin(tree, "node", "nodejs"):
        pins.append((pin[0], pin[1]))
    for version, rel in pins:  # a major version the node image publishes
        major = version.split(".")[0]
        if major in image_tags.FAMILIES["node"].lines:
            node = major
            profile.note("build_command", f"{rel} pins Node {version} for the front-end build", rel, 1, 0.9)
            break
    profile.note("build_command", f"{plugin} builds the front end into {ASSET_PLUGINS[plugin]}/ "
                 f"(package.json's build script: {scripts['build']}), in a Node {node} stage", "package.json",
                 line_of_text(tree, "package.json", '"build"'), 0.9)
    if lock is None:
        profile.warnings.append("package.json without a lockfile: the front-end build resolves versions afresh each "
                                "time; commit package-lock.json")
    return {"assets_install": install, "assets_build": build, "assets_files": ["package.json"] + ([lock] if lock else []), "assets_output": ASSET_PLUGINS[plugin],
            "node_version": node}


def _symfony_env(tree: SourceTree, profile: Profile) -> None:
    """Symfony's committed .env holds the app's settings with their defaults (secrets go in .env.local or the
    environment): each becomes an env var of the container. The image runs the prod environment."""
    for number, name, value in dotenv_lines(tree, ".env"):
        if name in ("APP_ENV", "APP_DEBUG"):
            continue
        value = dotenv_value(value) or None
        secret = is_secret(name, value)
        var = profile.add_env(name, None if secret else value, secret)
        if not var.secret and value is not None:
            var.default = value  # what the app gets when the environment doesn't say: the .env's value
        profile.note("env", f"{name} is a setting of Symfony's .env", ".env", number)
    require = (read_json(tree, "composer.json", strict=False).get("require") or {})
    if isinstance(require, dict) and "symfony/asset-mapper" in require:
        profile.warnings.append(
            "symfony/asset-mapper: `composer install --no-scripts` leaves the front end uncompiled, and the prod "
            "environment doesn't serve assets/ itself (public/assets/ and public/bundles/ are git-ignored, so not in "
            "the build context either): add `RUN php bin/console assets:install public && php bin/console "
            "importmap:install && php bin/console asset-map:compile` to the Dockerfile after the code is copied")
    var = profile.add_env("APP_ENV", "prod")
    var.default = "prod"  # the .env's dev needs the dev packages, which `composer install --no-dev` leaves out
    profile.note("env", "APP_ENV: prod (Symfony's production environment; the image has no dev packages)",
                 ".env" if tree.exists(".env") else "composer.json", None, 0.95)


def _symfony_sqlite(profile: Profile) -> None:
    """A SQLite DATABASE_URL under the project (sqlite:///%kernel.project_dir%/data/app.db): its folder is written."""
    var = profile.env_var("DATABASE_URL")
    prefix = "sqlite:///%kernel.project_dir%/"
    if not var or not var.default or not var.default.startswith(prefix):
        return
    folder = posixpath.dirname(posixpath.normpath(var.default[len(prefix):]))
    path = f"{plan.WORKDIR}/{folder}" if folder else ""
    if folder and not folder.startswith("..") and settings.SAFE_PATH.fullmatch(path) and not any(
            path == w or path.startswith(w + "/") for w in profile.writable_paths):
        profile.writable_paths.append(path)
        profile.note("writable_paths", f"DATABASE_URL is a SQLite file in {folder}/", ".env", None, 0.8)


def _kept_folders(tree: SourceTree, profile: Profile, writable: list[str]) -> list[tuple[str, bool]]:
    """Folders kept in git with only a placeholder in them (logs/README.md, var/cache/.gitignore): the app
    writes there at run time; (path, whether what it writes is worth keeping)."""
    contents: dict[str, list[str]] = {}
    for rel in tree.files:
        folder, _, name = rel.rpartition("/")
        if folder and folder.count("/") < 3:
            contents.setdefault(folder, []).append(name)
    found: list[tuple[str, bool]] = []
    for folder, names in sorted(contents.items()):
        if folder.rpartition("/")[2] not in KEPT_FOLDERS or not all(n in PLACEHOLDERS for n in names):
            continue
        if folder.startswith(("vendor/", "node_modules/", "tests/", "test/")) or tree.isdir(folder) and any(
                d.startswith(folder + "/") for d in contents):
            continue
        path = f"{plan.WORKDIR}/{folder}"
        if settings.SAFE_PATH.fullmatch(path) and not any(path == w or path.startswith(w + "/")
                                                          for w in writable + [f for f, _ in found]):
            found.append((path, folder.rpartition("/")[2] not in SCRATCH_FOLDERS))
            profile.note("writable_paths", f"{folder}/ is kept in git empty ({', '.join(sorted(names))}): "
                         "the app writes there", f"{folder}/{sorted(names)[0]}", None, 0.7)
    return found


def _docroot(tree: SourceTree, profile: Profile, framework: str | None) -> str:
    procfile = _procfile_docroot(tree)
    if procfile and (procfile[0] == "" or tree.isdir(procfile[0])):
        folder, line = procfile
        profile.note("entrypoint", f"document root {folder or 'the project folder'}: the Procfile's web process "
                     "serves it", "Procfile", line, 1.0)
        return folder
    # a framework's public/ only when the project has one
    if tree.isdir("public") and (framework in ("laravel", "symfony", "slim", "laminas")
                                 or tree.exists("public/index.php")):
        why = f"{framework} serves public/" if framework else "public/index.php is the front controller"
        profile.note("entrypoint", f"document root public/: {why}", "public/index.php" if tree.exists("public/index.php")
                     else None, None, 0.95)
        return "public"
    if tree.exists("webroot/index.php") or (framework == "cakephp" and tree.isdir("webroot")):
        return "webroot"
    if tree.exists("web/index.php"):
        profile.note("entrypoint", "document root web/: web/index.php is the front controller", "web/index.php",
                     None, 0.9)
        return "web"
    if framework in ("laravel", "symfony", "slim", "laminas"):
        profile.warnings.append(f"{framework} usually serves public/, which this project doesn't have: Apache "
                                "serves the project folder (set the document root in the Dockerfile if it's another)")
    if not tree.exists("index.php") and not tree.exists("index.html"):
        profile.warnings.append("no index.php at the root or in public/: Apache serves the project folder as is")
    return ""


def _health_path(tree: SourceTree, profile: Profile, docroot: str, src: source.PhpSource) -> None:
    prefix = f"{docroot}/" if docroot else ""
    for name in HEALTH_FILES:
        if tree.exists(prefix + name):
            profile.health_path = "/" + name
            profile.note("health_path", f"{prefix}{name} answers health checks", prefix + name, None, 0.9)
            return
    routes = src.routes()
    for path, rel, line in routes:
        if path.rstrip("/") in HEALTH_ROUTES:
            profile.health_path = path.rstrip("/")
            profile.note("health_path", f"a health route {profile.health_path}", rel, line, 0.95)
            return
    profile.health_path = "/"
    root = next(((rel, line) for path, rel, line in routes if path == "/"), None)
    if root:
        profile.note("health_path", "the root route /", root[0], root[1], 0.8)
    else:
        profile.note("health_path", "no health route found; probing /", confidence=0.5)


ANALYZER = Analyzer("php", detect, analyze, finish=finish)

__getattr__ = forward_names(__name__, (plan,), ("PhpPlan", "WORKDIR"))
