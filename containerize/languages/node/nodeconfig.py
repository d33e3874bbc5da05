"""node-config (the ``config`` package): ``config/custom-environment-variables.yml`` maps env vars onto the
settings, whose values come from ``config/default.yml`` and, under ``NODE_ENV=production``,
``config/production.yml``. Each mapped env var is a setting of the app with that default; the one mapped to
the server's port (``server.port: PORT``) is the port's env var."""
from __future__ import annotations

import json
from typing import Any, Iterator

from ...envvars import is_port_name, is_secret
from .values import is_env_name
from ...profile import Profile
from ...scan import SourceTree

FOLDER = "config"
SUFFIXES = (".json", ".yml", ".yaml")
MAX_DEPTH = 12


def _load(tree: SourceTree, stem: str) -> tuple[str, dict] | None:
    for suffix in SUFFIXES:
        rel = f"{FOLDER}/{stem}{suffix}"
        text = tree.read(rel) if tree.exists(rel) else None
        if text is None:
            continue
        if suffix == ".json":
            try:
                data = json.loads(text)
            except (ValueError, RecursionError):
                return None
        else:
            import yaml  # only for a project with node-config's YAML files
            try:
                data = yaml.safe_load(text)
            except (yaml.YAMLError, ValueError, RecursionError):
                return None
        return (rel, data) if isinstance(data, dict) else None
    return None


def _leaves(data: dict, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """(setting path, env var) of the mapping; ``{__name: VAR, __format: json}`` names one too."""
    if len(path) > MAX_DEPTH:
        return
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, dict) and isinstance(value.get("__name"), str):
            yield path + (key,), value["__name"]
        elif isinstance(value, dict):
            yield from _leaves(value, path + (key,))
        elif isinstance(value, str):
            yield path + (key,), value


def _get(data: dict | None, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def read(tree: SourceTree, deps: dict[str, str], profile: Profile) -> None:
    if "config" not in deps:
        return
    mapping = _load(tree, "custom-environment-variables")
    if mapping is None:
        return
    rel, data = mapping
    defaults = [d for d in (_load(tree, "production"), _load(tree, "default")) if d is not None]
    for path, name in _leaves(data):
        if not is_env_name(name) or name.startswith("npm_") or name == "NODE_ENV":
            continue
        found = next(((where, value) for where, d in defaults
                      if (value := _get(d, path)) is not None), (None, None))
        where, value = found
        default = None
        if isinstance(value, bool):
            default = "true" if value else "false"
        elif isinstance(value, (int, float, str)) and len(str(value)) <= 256 and str(value).isprintable():
            default = str(value)
        secret = is_secret(name, default) or path[-1].lower() in ("secret", "password", "token")
        setting = ".".join(path)
        if profile.env_var(name) is None or profile.env_var(name).default is None:
            profile.add_env(name, None if secret else default, secret)
            why = f"{name}: node-config's {setting}" + (
                f", default {default!r} ({where})" if default is not None and not secret else "") + (
                " (a secret)" if secret else "")
            profile.note("env", why, rel, None, 0.85)
        if path[-1].lower() == "port" and is_port_name(name) and not profile.port_env and \
                (len(path) == 1 or path[-2].lower() in ("server", "http", "app", "web", "api")):
            profile.port_env = name
            profile.note("port_env", f"node-config maps {name} onto {setting}", rel, None, 0.85)
            if default is not None and default.isdigit():
                profile.add_port(int(default), f"{setting} is {default} in {where}", where, None, 0.85)
