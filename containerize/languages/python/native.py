"""Debian packages that Python distributions need: headers to build them,
shared libraries to run them. Names are Debian bookworm's."""
from __future__ import annotations

# distribution -> (build packages, runtime packages)
NATIVE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "psycopg2": (("libpq-dev",), ("libpq5",)),
    "psycopg": ((), ("libpq5",)),  # psycopg 3 without [binary] loads libpq at run time
    "mysqlclient": (("default-libmysqlclient-dev", "pkg-config"), ("libmariadb3",)),
    "python-ldap": (("libldap2-dev", "libsasl2-dev"), ("libldap-2.5-0", "libsasl2-2")),
    "pycairo": (("libcairo2-dev", "pkg-config"), ("libcairo2",)),
    "gdal": (("libgdal-dev",), ("libgdal32",)),
    "python-magic": ((), ("libmagic1",)),
    "weasyprint": ((), ("libpango-1.0-0", "libpangoft2-1.0-0")),
    "opencv-python": ((), ("libgl1", "libglib2.0-0")),
    "pyodbc": (("unixodbc-dev",), ("libodbc2",)),
    "xmlsec": (("libxmlsec1-dev", "pkg-config"), ("libxmlsec1-openssl",)),
}


def native_packages(deps: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(build packages, runtime packages, the dependencies that asked for them)."""
    build: list[str] = []
    runtime: list[str] = []
    why: list[str] = []
    for dep in deps:
        need = NATIVE.get(dep)
        if not need:
            continue
        why.append(dep)
        build += [p for p in need[0] if p not in build]
        runtime += [p for p in need[1] if p not in runtime]
    return build, runtime, why
