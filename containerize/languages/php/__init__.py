"""PHP: Composer projects, Laravel, Symfony, Slim and plain PHP sites, served by Apache with mod_php."""
from __future__ import annotations

import json
import re

from ...profile import Evidence, Profile
from ...scan import SourceTree
from ..base import Analyzer, Detection
from ...envvars import is_secret, read_dotenv_example
from ...services import add_services_from_dependencies, link_service_env

WORKDIR = "/var/www/html"
PORT = 8080  # Apache listens here: the non-root www-data user can't bind 80 everywhere
DEFAULT_PHP = "8.3"
SUPPORTED_MINORS = ("8.1", "8.2", "8.3", "8.4")

# Extensions compiled into the official php images: nothing to install.
BUILTIN_EXTENSIONS = frozenset({
    "core", "ctype", "curl", "date", "dom", "fileinfo", "filter", "ftp", "hash", "iconv", "json", "libxml",
    "mbstring", "mysqlnd", "openssl", "pcre", "pdo", "pdo_sqlite", "phar", "posix", "random", "readline",
    "reflection", "session", "simplexml", "sodium", "spl", "sqlite3", "standard", "tokenizer", "xml",
    "xmlreader", "xmlwriter", "zlib", "argon2",
})
# Extensions `docker-php-ext-install` builds from the PHP sources.
CORE_EXTENSIONS = frozenset({
    "bcmath", "bz2", "calendar", "dba", "exif", "ffi", "gd", "gettext", "gmp", "intl", "ldap", "mysqli",
    "pcntl", "pdo_mysql", "pdo_pgsql", "pgsql", "shmop", "soap", "sockets", "sysvmsg", "sysvsem", "sysvshm",
    "xsl", "zip", "opcache",
})
# Extensions from PECL (`pecl install`, then `docker-php-ext-enable`).
PECL_EXTENSIONS = frozenset({"redis", "apcu", "imagick", "mongodb", "igbinary", "msgpack", "amqp", "xdebug",
                             "memcached", "grpc", "protobuf", "uuid", "yaml"})
# extension -> (Debian headers to build it, Debian libraries it loads at run time)
EXTENSION_PACKAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "gd": (("libpng-dev", "libjpeg62-turbo-dev", "libfreetype6-dev"), ("libpng16-16", "libjpeg62-turbo", "libfreetype6")),
    "intl": (("libicu-dev",), ("libicu72",)),
    "zip": (("libzip-dev",), ("libzip4",)),
    "pdo_pgsql": (("libpq-dev",), ("libpq5",)),
    "pgsql": (("libpq-dev",), ("libpq5",)),
    "bz2": (("libbz2-dev",), ("libbz2-1.0",)),
    "gmp": (("libgmp-dev",), ("libgmp10",)),
    "xsl": (("libxslt1-dev",), ("libxslt1.1",)),
    "soap": (("libxml2-dev",), ("libxml2",)),
    "ldap": (("libldap2-dev",), ("libldap-2.5-0",)),
    "imagick": (("libmagickwand-dev",), ("libmagickwand-6.q16-6",)),
    "yaml": (("libyaml-dev",), ("libyaml-0-2",)),
}
EXTENSION_CONFIGURE = {"gd": "--with-freetype --with-jpeg"}

FRAMEWORKS = (  # composer package -> framework, in order of precedence
    ("laravel/framework", "laravel"),
    ("symfony/framework-bundle", "symfony"),
    ("slim/slim", "slim"),
    ("laminas/laminas-mvc", "laminas"),
    ("cakephp/cakephp", "cakephp"),
    ("codeigniter4/framework", "codeigniter"),
)

_LIT = r"""(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n$]|\\.)*)"|(-?\d+(?:\.\d+)?)|(true|false|null))"""
_GETENV = re.compile(r"""\bgetenv\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\)(?:\s*\?:\s*""" + _LIT + ")?", re.I)
_SUPERGLOBAL = re.compile(r"""\$_(ENV|SERVER)\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\](?:\s*\?\?\s*""" + _LIT + ")?")
_ENV_HELPER = re.compile(r"""(?<![\w>:$])env\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"](?:\s*,\s*""" + _LIT + r")?\s*\)")
_HEALTH_ROUTE = re.compile(r"""(?:health\s*:\s*|Route::get\(\s*|->get\(\s*)['"](/?(?:up|health|healthz|healthcheck|ping|status))['"]""")
_ROOT_ROUTE = re.compile(r"""(?:Route::get\(\s*|->get\(\s*)['"]/['"]""")

# $_SERVER keys the web server sets for every request: not configuration.
SERVER_KEYS = re.compile(r"^(HTTP_.*|REQUEST_.*|SERVER_.*|REMOTE_.*|SCRIPT_.*|PHP_.*|DOCUMENT_ROOT|QUERY_STRING|"
                         r"PATH_INFO|PATH_TRANSLATED|ORIG_PATH_INFO|HTTPS|CONTENT_TYPE|CONTENT_LENGTH|GATEWAY_INTERFACE|"
                         r"AUTH_TYPE|argv|argc|REDIRECT_.*|UNIQUE_ID|CONTEXT_.*)$")
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "APP_BASE_PATH"}


def php_files(tree: SourceTree) -> list[str]:
    return [f for f in tree.with_suffix(".php")
            if not f.startswith(("tests/", "test/", "storage/", "bootstrap/cache/", "docs/"))
            and "/tests/" not in f]


def detect(tree: SourceTree) -> Detection | None:
    php = tree.with_suffix(".php")
    if tree.exists("composer.json"):
        data = _json(tree, "composer.json", strict=False)
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


def _json(tree: SourceTree, rel: str, strict: bool = True) -> dict:
    text = tree.read(rel)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if strict:
            raise ValueError(f"{rel}: invalid JSON (line {exc.lineno}: {exc.msg})") from None
        return {}
    if not isinstance(data, dict):
        if strict:
            raise ValueError(f"{rel}: expected a JSON object at the top")
        return {}
    return data


def _line(tree: SourceTree, rel: str, needle: str) -> int | None:
    for number, line in enumerate(tree.lines(rel), 1):
        if needle in line:
            return number
    return None


def php_version(constraint: str) -> str:
    """The PHP minor version to build with for a Composer constraint like ``^8.1`` or ``>=8.2 <8.4``."""
    best = None
    for alternative in re.split(r"\s*\|\|?\s*", constraint.strip()):
        picked = _pick(alternative)
        if picked and (best is None or _key(picked) > _key(best)):
            best = picked
    return best or DEFAULT_PHP


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _pick(constraint: str) -> str | None:
    m = re.match(r"^\s*(\^|~|>=|>|==|=)?\s*v?(\d+)(?:\.(\d+|\*))?", constraint)
    if not m:
        return None
    op, major, minor = m.group(1) or "", m.group(2), m.group(3)
    if minor in (None, "*"):
        minor = "0"
    version = f"{major}.{minor}"
    upper = re.search(r"<\s*(\d+)\.(\d+)", constraint)
    exact_minor = op in ("", "=", "==") or (op == "~" and constraint.count(".") >= 2)
    if exact_minor:
        return version
    candidates = [v for v in SUPPORTED_MINORS if _key(v) >= _key(version)]
    if op == "^" or op == "~":
        candidates = [v for v in candidates if v.split(".")[0] == major]
    if upper:
        limit = (int(upper.group(1)), int(upper.group(2)))
        candidates = [v for v in candidates if _key(v) < limit]
    if not candidates:
        return version
    if DEFAULT_PHP in candidates:
        return DEFAULT_PHP
    below = [v for v in candidates if _key(v) < _key(DEFAULT_PHP)]
    return below[-1] if below else candidates[0]


def analyze(tree: SourceTree, profile: Profile) -> None:
    composer = _json(tree, "composer.json") if tree.exists("composer.json") else {}
    lock = _json(tree, "composer.lock") if tree.exists("composer.lock") else {}
    require = composer.get("require") or {}
    if not isinstance(lock.get("packages") or [], list):
        raise ValueError("composer.lock: \"packages\" must be a list")
    if not isinstance(require, dict):
        raise ValueError("composer.json: \"require\" must be an object of package: constraint")
    files = php_files(tree)

    # -- runtime version --------------------------------------------------
    platform = ((composer.get("config") or {}).get("platform") or {}).get("php")
    if isinstance(platform, str) and re.match(r"\d+\.\d+", platform):
        profile.runtime_version = ".".join(platform.split(".")[:2])
        profile.note("runtime_version", f"config.platform.php is {platform}", "composer.json",
                     _line(tree, "composer.json", '"platform"'), 1.0)
    elif isinstance(require.get("php"), str):
        profile.runtime_version = php_version(require["php"])
        profile.note("runtime_version", f"require.php is {require['php']!r}", "composer.json",
                     _line(tree, "composer.json", '"php"'), 0.9)
    else:
        profile.runtime_version = DEFAULT_PHP
        profile.note("runtime_version", f"no PHP constraint; PHP {DEFAULT_PHP} assumed", confidence=0.5)

    # -- dependencies and extensions ---------------------------------------
    packages = [name for name in require if "/" in name]
    locked = [p.get("name") for p in lock.get("packages") or [] if isinstance(p, dict) and p.get("name")]
    deps: list[tuple[str, str, int | None]] = [(n, "composer.json", _line(tree, "composer.json", f'"{n}"')) for n in packages]
    profile.dependencies = list(dict.fromkeys(packages + locked))
    for name, rel, line in deps:
        profile.note("dependencies", f"{name} is required", rel, line, 1.0)
    if composer:
        profile.package_manager = "composer"
        profile.note("package_manager", "composer.json" + (" and composer.lock" if lock else ""), "composer.json", None, 1.0)

    extensions: dict[str, tuple[str, int | None]] = {}
    for name in require:
        if name.lower().startswith("ext-"):
            extensions.setdefault(name[4:].lower(), ("composer.json", _line(tree, "composer.json", f'"{name}"')))
    for package in lock.get("packages") or []:
        for name in (package.get("require") or {}) if isinstance(package, dict) else ():
            if name.lower().startswith("ext-"):
                extensions.setdefault(name[4:].lower(), ("composer.lock", _line(tree, "composer.lock", f'"{name}"')))

    framework = next((fw for pkg, fw in FRAMEWORKS if pkg in require or pkg in locked), None)
    if framework is None and tree.exists("artisan"):
        framework = "laravel"
    if framework:
        profile.framework = framework
        where = "composer.json" if framework != "laravel" or "laravel/framework" in require else "artisan"
        profile.note("framework", f"{framework} ({'laravel/framework' if framework == 'laravel' else 'composer.json'})",
                     where, _line(tree, "composer.json", '"laravel/framework"') if where == "composer.json" else None, 1.0)

    # -- env vars -----------------------------------------------------------
    superglobals = _read_env(tree, files, profile)
    read_dotenv_example(tree, profile)
    profile.env = [e for e in profile.env if e.name not in SYSTEM_ENV]

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
    service_deps = [(f"ext-{ext}", rel, line) for ext, (rel, line) in extensions.items()] + deps
    add_services_from_dependencies(profile, service_deps)
    _database_defaults(profile)
    link_service_env(profile)

    install, pecl, unknown = [], [], []
    build_pkgs: list[str] = []
    runtime_pkgs: list[str] = []
    for ext, (rel, line) in sorted(extensions.items()):
        if ext in BUILTIN_EXTENSIONS or ext == "opcache":
            continue
        if ext in CORE_EXTENSIONS:
            install.append(ext)
        elif ext in PECL_EXTENSIONS:
            pecl.append(ext)
        else:
            unknown.append(ext)
            continue
        need = EXTENSION_PACKAGES.get(ext, ((), ()))
        build_pkgs += [p for p in need[0] if p not in build_pkgs]
        runtime_pkgs += [p for p in need[1] if p not in runtime_pkgs]
        profile.note("system_packages", f"the {ext} extension is required", rel, line, 0.95)
    if unknown:
        profile.warnings.append(f"PHP extension(s) {', '.join(unknown)} are required but not known to containerize; "
                                "add them to the Dockerfile's extension step")
    profile.system_packages = {"build": build_pkgs, "runtime": runtime_pkgs}

    # -- how it is served -----------------------------------------------------
    docroot = _docroot(tree, profile, framework)
    profile.ports = [PORT]
    profile.note("ports", f"Apache listens on {PORT} (the www-data user can't bind port 80 everywhere)", confidence=0.9)
    profile.entrypoint = ["apache2-foreground"]
    profile.note("entrypoint", "Apache with mod_php serves the document root", confidence=0.9)
    _health_path(tree, profile, docroot, files)

    # -- Composer -------------------------------------------------------------------
    autoload = bool(composer.get("autoload")) or any("vendor/autoload.php" in (tree.read(f) or "") for f in files)
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
        writable.append(f"{WORKDIR}/storage")
        profile.note("writable_paths", "Laravel writes logs, sessions, caches and uploads under storage/",
                     "artisan" if tree.exists("artisan") else "composer.json", None, 0.95)
    profile.writable_paths = writable

    profile.compiled = False
    profile.build = {
        "workdir": WORKDIR,
        "docroot": docroot,
        "composer": bool(composer) and (composer_install or autoload),
        "composer_install": composer_install,
        "composer_files": [f for f in ("composer.json", "composer.lock") if tree.exists(f)],
        "extensions": install,
        "pecl": pecl,
        "configure": {e: EXTENSION_CONFIGURE[e] for e in install if e in EXTENSION_CONFIGURE},
        "pass_env": [e.name for e in profile.env],
        "env_superglobal": "ENV" in superglobals,
        "htaccess": any(f.endswith(".htaccess") for f in tree.files) or framework in ("laravel", "symfony", "slim"),
        "laravel": framework == "laravel",
        "shell": True,
    }


def _read_env(tree: SourceTree, files: list[str], profile: Profile) -> set[str]:
    superglobals: set[str] = set()
    config = [f for f in files]
    for rel, line, m in tree.grep(_GETENV, config):
        _record(profile, m.group(1), _literal(m, 2), rel, line, "getenv()")
    for rel, line, m in tree.grep(_SUPERGLOBAL, config):
        kind, name = m.group(1), m.group(2)
        if kind == "SERVER" and SERVER_KEYS.match(name):
            continue
        superglobals.add(kind)
        _record(profile, name, _literal(m, 3), rel, line, f"$_{kind}[...]")
    for rel, line, m in tree.grep(_ENV_HELPER, config):
        _record(profile, m.group(1), _literal(m, 2), rel, line, "env()")
    return superglobals


def _literal(m: re.Match[str], first: int) -> str | None:
    for group in range(first, first + 4):
        value = m.group(group)
        if value is not None:
            if group == first + 3:
                return None if value.lower() == "null" else value.lower()
            return value
    return None


def _record(profile: Profile, name: str, default: str | None, rel: str, line: int, how: str) -> None:
    if name in SYSTEM_ENV:
        return
    secret = is_secret(name, default)
    profile.add_env(name, None if secret else (default or None), secret)
    profile.note("env", f"{name}: read with {how}" + (" (a secret)" if secret else ""), rel, line)


def _database_defaults(profile: Profile) -> None:
    """Point Laravel-style DB_* settings at the compose service."""
    kinds = {s.kind for s in profile.services}
    kind = "postgres" if "postgres" in kinds else "mysql" if "mysql" in kinds else None
    if not kind:
        return
    values = {"DB_HOST": kind, "DB_PORT": "5432" if kind == "postgres" else "3306", "DB_DATABASE": "app",
              "DB_USERNAME": "app", "DB_CONNECTION": "pgsql" if kind == "postgres" else "mysql"}
    for name, value in values.items():
        var = profile.env_var(name)
        if var and not var.secret:
            var.default = value
    if profile.env_var("REDIS_HOST") and "redis" in kinds:
        profile.env_var("REDIS_HOST").default = "redis"


def _docroot(tree: SourceTree, profile: Profile, framework: str | None) -> str:
    if framework in ("laravel", "symfony", "slim", "laminas") or tree.exists("public/index.php"):
        why = f"{framework} serves public/" if framework else "public/index.php is the front controller"
        profile.note("entrypoint", f"document root public/: {why}", "public/index.php" if tree.exists("public/index.php")
                     else None, None, 0.95)
        return "public"
    if framework == "cakephp" or tree.exists("webroot/index.php"):
        return "webroot"
    if tree.exists("web/index.php"):
        return "web"
    if not tree.exists("index.php") and not tree.exists("index.html"):
        profile.warnings.append("no index.php at the root or in public/: Apache serves the project folder as is")
    return ""


def _health_path(tree: SourceTree, profile: Profile, docroot: str, files: list[str]) -> None:
    prefix = f"{docroot}/" if docroot else ""
    for name in ("health.php", "healthz.php", "ping.php", "status.php"):
        if tree.exists(prefix + name):
            profile.health_path = "/" + name
            profile.note("health_path", f"{prefix}{name} answers health checks", prefix + name, None, 0.9)
            return
    routes = [f for f in files if f.startswith(("routes/", "bootstrap/", "config/", "src/", "app/"))]
    for rel, line, m in tree.grep(_HEALTH_ROUTE, routes):
        path = "/" + m.group(1).lstrip("/")
        profile.health_path = path
        profile.note("health_path", f"a health route {path}", rel, line, 0.95)
        return
    profile.health_path = "/"
    hit = next(iter(tree.grep(_ROOT_ROUTE, routes)), None)
    if hit:
        profile.note("health_path", "the root route /", hit[0], hit[1], 0.8)
    else:
        profile.note("health_path", "no health route found; probing /", confidence=0.5)


ANALYZER = Analyzer("php", detect, analyze)
