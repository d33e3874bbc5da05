"""Checks on every value read from a project before it reaches a generated file.

Project files are hostile input: a version, a folder name or a health path read
from them must not add a Dockerfile instruction, a shell command or Python code.
Each value is checked against what it is (a version, a path inside the image, a
Debian package name, an env var name, a URL path, an identifier); a value that
fails is dropped with a warning naming where it was read (file:line).
"""
from __future__ import annotations

import dataclasses
import posixpath
import re

from .envvars import is_secret, is_secret_name, looks_like_credential
from .profile import Profile

VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}")
DEBIAN_PACKAGE = re.compile(r"[a-z0-9][a-z0-9+.-]{0,127}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
IDENTIFIER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+@/-]{0,127}")
# a framework or package manager as shown in comments and the README ("go modules", "std::net")
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9 _.+:@/-]{0,63}")
# a URL path and query: no quotes, spaces, backslashes, `$` or parentheses
URL_PATH = re.compile(r"/[A-Za-z0-9._~%/:@+=,!*-]{0,255}(\?[A-Za-z0-9._~%/:@+=,&!*-]{0,255})?")
# a path inside the image: letters, digits and . _ - + @ / only (no shell metacharacters)
IMAGE_PATH = re.compile(r"[A-Za-z0-9._+@/-]{1,255}")
# a path of the plan, which may be a COPY pattern (go.sum*)
PLAN_PATH = re.compile(r"[A-Za-z0-9._+@/*-]{1,255}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# plan strings may be multi-line commands the templates lay out; other control characters never
PLAN_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# System folders of the image: never a volume or a chown target (nor anything inside /proc, /sys, /dev).
SYSTEM_DIRS = frozenset({
    "/", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/sys", "/dev",
    "/boot", "/root", "/run", "/var", "/var/run", "/var/lib", "/var/log", "/opt", "/opt/venv", "/home",
    "/srv", "/mnt", "/media", "/usr/local", "/usr/bin", "/usr/lib", "/usr/local/bin", "/usr/local/lib",
    "/usr/sbin", "/usr/share",
})
SYSTEM_TREES = ("/proc/", "/sys/", "/dev/", "/etc/", "/bin/", "/sbin/", "/boot/", "/usr/bin/", "/usr/sbin/",
                "/lib/", "/lib64/")

# Plan fields that hold a path (checked as paths); other plan strings (commands the templates lay out,
# which may span lines) only lose control characters other than newline and tab.
PATH_FIELDS = frozenset({
    "workdir", "binary", "bin_dir", "out_dir", "site_dir", "docroot", "state_dir", "manifest", "manifests",
    "assets", "install_dirs", "stand_in_dirs", "replace_dirs", "state_files", "state_links", "gemfiles",
    "member_manifests", "requirements", "lockfile", "yarn_path", "cargo_config", "runtime_copy",
    "module", "wrapper",
})


def is_version(value) -> bool:
    return isinstance(value, str) and bool(VERSION.fullmatch(value))


def is_env_name(value) -> bool:
    return isinstance(value, str) and bool(ENV_NAME.fullmatch(value))


def is_debian_package(value) -> bool:
    return isinstance(value, str) and bool(DEBIAN_PACKAGE.fullmatch(value))


def is_identifier(value) -> bool:
    return isinstance(value, str) and bool(IDENTIFIER.fullmatch(value)) and ".." not in value.split("/")


def is_url_path(value) -> bool:
    return isinstance(value, str) and bool(URL_PATH.fullmatch(value))


def is_system_dir(path: str) -> bool:
    norm = posixpath.normpath(path)
    return norm in SYSTEM_DIRS or norm.startswith(SYSTEM_TREES)


def is_image_path(value, absolute: bool = False) -> bool:
    """A path inside the image: no `..`, no control characters, no shell metacharacters."""
    if not isinstance(value, str) or not IMAGE_PATH.fullmatch(value):
        return False
    if absolute and not value.startswith("/"):
        return False
    return ".." not in value.split("/")


def is_writable_path(value) -> bool:
    """A folder the app writes: a path inside the image that is not a system folder."""
    if not is_image_path(value):
        return False
    return not (value.startswith("/") and is_system_dir(value))


def is_plain_text(value) -> bool:
    return isinstance(value, str) and not CONTROL.search(value)


def _where(profile: Profile, key: str, value) -> str:
    notes = profile.evidence.get(key) or []
    text = str(value)
    for note in notes:
        if note.file and (text in (note.why or "") or (note.answer and text in note.answer[1])):
            return note.where()
    origin = profile.origins.get(key)
    if origin:
        return origin
    for note in notes:
        if note.file:
            return note.where()
    return "-"


def _drop(profile: Profile, key: str, value, what: str) -> None:
    where = _where(profile, key, value)
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    profile.warnings.append(f"{where}: {key}={shown} is not {what}; left out")


def _scrub(profile: Profile, value: str) -> None:
    """A credential's value out of every piece of evidence (the README shows the evidence)."""
    if len(value) < 3:
        return
    for notes in profile.evidence.values():
        for note in notes:
            if note.why and value in note.why:
                note.why = note.why.replace(value, "***")
            if note.answer and value in note.answer[1]:
                note.answer = (note.answer[0], note.answer[1].replace(value, "***"))


def _check_list(profile: Profile, key: str, values: list, ok, what: str) -> list:
    kept = []
    for value in values:
        if ok(value):
            kept.append(value)
        else:
            _drop(profile, key, value, what)
    return kept


def check_profile(profile: Profile) -> Profile:
    """Drop (with a warning) every value of the profile that is not what it claims to be."""
    if profile.runtime_version is not None and not is_version(str(profile.runtime_version)):
        _drop(profile, "runtime_version", profile.runtime_version, "a version")
        profile.runtime_version = None
    for key in ("framework", "package_manager"):
        value = getattr(profile, key)
        if value is not None and not (isinstance(value, str) and NAME.fullmatch(value)):
            _drop(profile, key, value, "a name")
            setattr(profile, key, None)
    if profile.health_path is not None and not is_url_path(profile.health_path):
        _drop(profile, "health_path", profile.health_path, "a URL path")
        profile.health_path = None
    if profile.port_env is not None and not is_env_name(profile.port_env):
        _drop(profile, "port_env", profile.port_env, "an env var name")
        profile.port_env = None
    profile.ports = _check_list(profile, "ports", profile.ports,
                                lambda p: isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536,
                                "a port number")
    profile.writable_paths = _check_list(profile, "writable_paths", profile.writable_paths, is_writable_path,
                                         "a folder the app may own (no system folder, `..` or shell characters)")
    profile.read_paths = _check_list(profile, "read_paths", profile.read_paths, is_image_path,
                                     "a path inside the image")
    kept_env = []
    for var in profile.env:
        if not is_env_name(var.name):
            _drop(profile, "env", var.name, "an env var name")
            continue
        if var.default is not None and not is_plain_text(var.default):
            _drop(profile, f"env.{var.name}", var.default, "a one-line value")
            var.default = None
        if not var.secret and (is_secret_name(var.name) and is_secret(var.name, var.default)
                               or looks_like_credential(var.default)):
            # a credential by its name or its value: never written as a default (a DSN's name, unless its
            # default shows no credentials: MAILER_DSN=null://null)
            var.secret = True
            if var.default is not None:
                profile.warnings.append(f"{_where(profile, f'env.{var.name}', var.name)}: {var.name} holds a "
                                        "credential; its default is left out (set it as a secret)")
        if var.default is not None and (var.secret or looks_like_credential(var.default)):
            _scrub(profile, var.default)
            var.default = None
        kept_env.append(var)
    if len(kept_env) != len(profile.env):
        profile.env = kept_env
    for service in profile.services:
        if service.env_var is not None and not is_env_name(service.env_var):
            _drop(profile, "services", service.env_var, "an env var name")
            service.env_var = None
    profile.services = _check_list(profile, "services", profile.services,
                                   lambda s: is_identifier(s.kind), "a service name")
    packages = profile.system_packages if isinstance(profile.system_packages, dict) else {}
    for stage in list(packages):
        packages[stage] = _check_list(profile, "system_packages", list(packages[stage] or []),
                                      is_debian_package, "a Debian package name")
    if profile.build_command is not None:
        if not all(is_plain_text(part) for part in profile.build_command):
            _drop(profile, "build_command", profile.build_command, "a one-line command")
            profile.build_command = None
    if not all(is_plain_text(part) for part in profile.entrypoint):
        profile.entrypoint = [CONTROL.sub(" ", part) for part in profile.entrypoint]
    _check_plan(profile)
    return profile


def _clean(profile: Profile, key: str, value, path_like: bool):
    """The value with every unsafe string left out; (value, changed)."""
    if isinstance(value, str):
        ok = (bool(PLAN_PATH.fullmatch(value)) and ".." not in value.split("/") if path_like and value
              else not PLAN_CONTROL.search(value))
        if not ok:
            _drop(profile, key, value, "a path inside the image" if path_like else "a one-line value")
            return None, True
        return value, False
    if isinstance(value, (list, tuple)):
        out, changed = [], False
        for item in value:
            item2, c = _clean(profile, key, item, path_like)
            changed |= c
            if not (c and item2 is None):
                out.append(item2)
        return (type(value)(out) if isinstance(value, tuple) else out), changed
    if isinstance(value, dict):
        out, changed = {}, False
        for k, v in value.items():
            if isinstance(k, str) and not is_plain_text(k):
                _drop(profile, key, k, "a one-line value")
                changed = True
                continue
            v2, c = _clean(profile, key, v, path_like)
            changed |= c
            if not (c and v2 is None):
                out[k] = v2
        return out, changed
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = False
        for f in dataclasses.fields(value):
            v2, c = _clean(profile, f"{key}.{f.name}", getattr(value, f.name), f.name in PATH_FIELDS)
            if c:
                changed = True
                setattr(value, f.name, v2 if v2 is not None else _default(f))
        return value, changed
    return value, False


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return None


def _check_plan(profile: Profile) -> None:
    plan = profile.build
    if dataclasses.is_dataclass(plan):
        for f in dataclasses.fields(plan):
            value = getattr(plan, f.name)
            new, changed = _clean(profile, f"build.{f.name}", value, f.name in PATH_FIELDS)
            if changed:
                setattr(plan, f.name, new if new is not None else _default(f))
    elif isinstance(plan, dict):
        for name in list(plan):
            new, changed = _clean(profile, f"build.{name}", plan[name], name in PATH_FIELDS)
            if changed:
                if new is None:
                    del plan[name]
                else:
                    plan[name] = new


# -- manifest shapes ---------------------------------------------------------------------------
class ShapeError(ValueError):
    """A manifest parsed, but a key holds the wrong kind of value (one line: file and key)."""


TABLE, TEXT, LIST = dict, str, list
_KIND = {dict: "a table", str: "a string", list: "a list", bool: "true or false"}


def check_shape(data, rel: str, schema: dict, prefix: str = "") -> None:
    """Raise ShapeError when a key of ``data`` named in ``schema`` holds the wrong kind of value.

    ``schema`` maps a key to a type, a tuple of types, a nested schema (a table whose keys are
    checked), or ``("each" | "map" | "list", type)`` (a table or list, a table, a list whose every
    value is of that type); keys not in
    the schema are not looked at, a missing key is fine."""
    if not isinstance(data, dict):
        raise ShapeError(f"{rel}: {prefix.rstrip('.') or 'the top level'} must be a table")
    for key, want in schema.items():
        if key not in data:
            continue
        value, name = data[key], prefix + key
        if isinstance(value, list) and not value and want is not list:
            continue  # `[]`: how PHP and others write an empty table; read as empty by the analyzers
        if isinstance(want, dict):
            check_shape(value, rel, want, name + ".")
        elif isinstance(want, tuple) and want and want[0] in ("each", "map", "list"):
            kinds = want[1]
            items = (value.values() if isinstance(value, dict) and want[0] != "list"
                     else value if isinstance(value, list) and want[0] != "map" else None)
            if items is None:
                shown = {"each": "a table or a list", "map": "a table", "list": "a list"}[want[0]]
                raise ShapeError(f"{rel}: {name} must be {shown}, not {type(value).__name__}")
            for item in items:
                if not isinstance(item, kinds):
                    raise ShapeError(f"{rel}: {name} holds {type(item).__name__} {str(item)[:40]!r}, "
                                     f"expected {_names(kinds)}")
        elif not isinstance(value, want):
            raise ShapeError(f"{rel}: {name} must be {_names(want)}, not {type(value).__name__}")


def _names(kinds) -> str:
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    return " or ".join(_KIND.get(k, k.__name__) for k in kinds)


def load_json(text: str, rel: str):
    """json.loads that turns a too-deeply nested document into one line instead of a RecursionError."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise ShapeError(f"{rel}: nested too deeply to read") from None
    except json.JSONDecodeError:
        from .scan import MAX_MANIFEST_READ

        # cut at the read cap (less a byte order mark or a split character): too large, not malformed
        if len(text.encode("utf-8", "surrogatepass")) >= MAX_MANIFEST_READ - 8:
            raise ShapeError(f"{rel}: larger than {MAX_MANIFEST_READ >> 20} MB; not read") from None
        raise


_DEPS = ("map", (str, dict, list))
PYPROJECT_SHAPE = {
    "project": {"dependencies": ("list", str), "optional-dependencies": ("map", list), "name": str,
                "scripts": ("map", str), "requires-python": str},
    "tool": {"poetry": {"dependencies": ("map", (str, dict, list)), "group": ("map", dict),
                        "scripts": ("map", (str, dict)), "packages": ("list", dict)}},
    "build-system": {"requires": ("list", str)},
}
PIPFILE_SHAPE = {"packages": _DEPS, "dev-packages": _DEPS, "requires": ("map", str), "source": ("list", dict)}
CARGO_SHAPE = {
    "package": {"name": str, "default-run": str, "edition": (str, dict)},
    "bin": ("list", dict), "lib": TABLE,
    "workspace": {"members": ("list", str), "default-members": ("list", str), "dependencies": TABLE},
    "dependencies": TABLE, "dev-dependencies": TABLE, "build-dependencies": TABLE, "features": TABLE,
}
COMPOSER_SHAPE = {
    "name": str,  # require / require-dev: checked by the PHP analyzer with its own messages
    "config": {"platform": ("map", (str, bool)), "vendor-dir": str},
    "autoload": TABLE, "scripts": ("map", (str, list, dict)), "extra": TABLE,  # Symfony Flex: auto-scripts is a table
}
PACKAGE_JSON_SHAPE = {
    "name": str, "main": str, "type": str, "packageManager": str, "scripts": ("map", str),
    "dependencies": ("map", str), "devDependencies": ("map", str), "engines": ("map", str),
    "workspaces": (list, dict),
}
