"""Debian package versions for pinning (hadolint DL3008), by release.

Images are pinned to a Debian release (``-bookworm`` tags), so a package's
upstream version is stable for the life of the release; security updates
only change the Debian revision, which the ``*`` absorbs.
"""
from __future__ import annotations

RELEASE = "bookworm"

PINS: dict[str, dict[str, str]] = {
    "bookworm": {
        "libpq5": "15.*", "libpq-dev": "15.*",
        "libmariadb3": "1:10.11.*", "default-libmysqlclient-dev": "1.1.*", "pkg-config": "1.8.*",
        "libldap2-dev": "2.5.*", "libldap-2.5-0": "2.5.*", "libsasl2-dev": "2.1.*", "libsasl2-2": "2.1.*",
        "libcairo2-dev": "1.16.*", "libcairo2": "1.16.*",
        "libgdal-dev": "3.6.*", "libgdal32": "3.6.*",
        "libmagic1": "1:5.44*",
        "libpango-1.0-0": "1.50.*", "libpangoft2-1.0-0": "1.50.*",
        "libgl1": "1.6.*", "libglib2.0-0": "2.74.*",
        "unixodbc-dev": "2.3.*", "libodbc2": "2.3.*",
        "libxmlsec1-dev": "1.2.*", "libxmlsec1-openssl": "1.2.*",
        "build-essential": "12.9", "gcc": "4:12.2.*", "g++": "4:12.2.*", "make": "4.3-*", "cmake": "3.25.*",
        "ca-certificates": "20230311*", "tzdata": "*", "libssl3": "3.0.*", "libstdc++6": "12.2.*",
        "libgcc-s1": "12.2.*", "libc6": "2.36-*", "curl": "7.88.*", "wget": "1.21.*",
        "libsqlite3-0": "3.40.*", "zlib1g": "1:1.2.13*", "libffi8": "3.4.*",
        "libyaml-0-2": "0.2.5*", "libxml2": "2.9.*", "libxslt1.1": "1.1.*", "libjpeg62-turbo": "1:2.1.*",
        "libpng16-16": "1.6.*", "libcurl4": "7.88.*", "libzstd1": "1.5.*",
        # PHP extensions (headers to build them, libraries to run them) and Ruby gems
        "libicu-dev": "72.*", "libicu72": "72.*", "libzip-dev": "1.7.*", "libzip4": "1.7.*",
        "libpng-dev": "1.6.*", "libjpeg62-turbo-dev": "1:2.1.*", "libjpeg62-turbo": "1:2.1.*",
        "libfreetype6-dev": "2.12.*", "libfreetype6": "2.12.*", "libbz2-dev": "1.0.*", "libbz2-1.0": "1.0.*",
        "libgmp-dev": "2:6.2.*", "libgmp10": "2:6.2.*", "libxslt1-dev": "1.1.*", "libxml2-dev": "2.9.*",
        "libmagickwand-dev": "8:6.9.*", "libmagickwand-6.q16-6": "8:6.9.*",
        "libyaml-dev": "0.2.5*", "git": "1:2.39.*",
    },
}
# C/C++ toolchains and libraries: -dev packages for the build stage, the shared libraries for the runtime.
for _name, _version in {
    "meson": "1.0.*", "ninja-build": "1.11.*",
    "libssl-dev": "3.0.*", "libcurl4-openssl-dev": "7.88.*", "zlib1g-dev": "1:1.2.13*", "libsqlite3-dev": "3.40.*",
    "libhiredis-dev": "0.14.*", "libhiredis0.14": "0.14.*", "libmariadb-dev": "1:10.11.*",
    "libfmt-dev": "9.1.*", "libfmt9": "9.1.*", "uuid-dev": "2.38.*", "libuuid1": "2.38.*",
    "libpqxx-dev": "6.4.*", "libpqxx-6.4": "6.4.*", "libyaml-cpp-dev": "0.7.*", "libyaml-cpp0.7": "0.7.*",
    "nlohmann-json3-dev": "3.11.*", "libspdlog-dev": "1:1.10.*", "libspdlog1.10": "1:1.10.*",
    "libevent-dev": "2.1.*", "libevent-2.1-7": "2.1.*", "libjsoncpp-dev": "1.9.*", "libjsoncpp25": "1.9.*",
    "libmicrohttpd-dev": "0.9.*", "libmicrohttpd12": "0.9.*",
}.items():
    PINS["bookworm"].setdefault(_name, _version)


def pinned(packages: list[str], release: str = RELEASE) -> list[str]:
    """``name=version`` for each package whose version is known; the bare name otherwise."""
    table = PINS.get(release, {})
    return [f"{p}={table[p]}" if p in table and table[p] != "*" else p for p in packages]
