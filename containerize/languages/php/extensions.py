"""PHP extensions: which the php images have, which docker-php-ext-install builds, which come from
PECL, and the Debian packages each needs."""
from __future__ import annotations

from ...profile import Profile

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


def plan_extensions(profile: Profile, extensions: dict[str, tuple[str | None, int | None]]) -> tuple[list[str], list[str]]:
    """(docker-php-ext-install extensions, PECL extensions); their Debian packages go to system_packages."""
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
    return install, pecl
