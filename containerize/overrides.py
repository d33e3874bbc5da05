"""Answers given on the command line (``--set KEY=VALUE``), applied over detection."""
from __future__ import annotations

import re
import shlex

from .profile import ANSWER_KEYS, Profile, Service

LIST_KEYS = {"writable_paths", "read_paths", "dependencies"}
ARGV_KEYS = {"entrypoint", "build_command"}
SCALAR_KEYS = {"language", "framework", "package_manager", "runtime_version", "port_env", "health_path"}
EXTRA_KEYS = {"port", "env", "secret", "secrets", "system_packages.build", "system_packages.runtime"}


class OverrideError(ValueError):
    pass


def parse(pairs: list[str]) -> list[tuple[str, str]]:
    """``["port=8080", "env.DEBUG=0"]`` -> ``[("port", "8080"), ("env.DEBUG", "0")]``; errors name the bad one."""
    parsed = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        base = key.split(".", 1)[0]
        if not sep or not key:
            raise OverrideError(f"--set {pair!r}: expected KEY=VALUE")
        if key not in ANSWER_KEYS and key not in EXTRA_KEYS and base not in ("env", "secret"):
            known = ", ".join(sorted(set(ANSWER_KEYS) | {"port", "env.NAME", "secret.NAME"}))
            raise OverrideError(f"--set {pair!r}: unknown key {key!r} (known: {known})")
        parsed.append((key, value.strip()))
    return parsed


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[,\s]+", value) if v.strip()]


def _bool(key: str, value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise OverrideError(f"--set {key}={value}: expected true or false")


def apply(profile: Profile, overrides: list[tuple[str, str]], origin: str = "command line (--set)") -> None:
    for key, value in overrides:
        why = f"{origin}: {key}={value}"
        if key in SCALAR_KEYS:
            setattr(profile, key, value or None)
        elif key in ARGV_KEYS:
            try:
                setattr(profile, key, shlex.split(value) or None if key == "build_command" else shlex.split(value))
            except ValueError as exc:
                raise OverrideError(f"--set {key}: {exc}") from None
        elif key in ("port", "ports"):
            try:
                ports = [int(p) for p in _split(value)]
            except ValueError:
                raise OverrideError(f"--set {key}={value}: ports are numbers, e.g. 8080 or 8080,9090") from None
            if any(not 0 < p < 65536 for p in ports):
                raise OverrideError(f"--set {key}={value}: a port is between 1 and 65535")
            old = profile.ports[0] if profile.ports else None
            profile.ports = ports
            if old and ports and old != ports[0]:
                profile.entrypoint = [a.replace(str(old), str(ports[0])) if _mentions_port(a, old) else a
                                      for a in profile.entrypoint]
            key = "ports"
        elif key == "compiled":
            profile.compiled = _bool(key, value)
        elif key in LIST_KEYS:
            setattr(profile, key, _split(value))
        elif key == "services":
            profile.services = [Service(kind) for kind in _split(value)]
        elif key.startswith("system_packages."):
            profile.system_packages[key.split(".", 1)[1]] = _split(value)
            key = "system_packages"
        elif key == "system_packages":
            profile.system_packages["runtime"] = _split(value)
        elif key == "env" or key.startswith("env."):
            name, _, default = (key[4:], "", value) if key.startswith("env.") else value.partition("=")
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise OverrideError(f"--set {key}={value}: {name!r} is not an env var name")
            var = profile.add_env(name)
            var.default = default if not var.secret else None
            key = "env"
        elif key == "secrets" or key == "secret":
            for name in _split(value):
                profile.add_env(name, None, True).default = None
            key = "env"
        elif key.startswith("secret."):
            var = profile.add_env(key[7:])
            var.secret = _bool(key, value)
            if var.secret:
                var.default = None
            key = "env"
        profile.evidence[key] = [e for e in profile.evidence.get(key, []) if not e.why.startswith(origin)]
        profile.note(key, why, confidence=1.0)


def _mentions_port(arg: str, port: int) -> bool:
    return bool(re.search(rf"(^|[:=]){port}$", arg))
