"""Spring-style settings: ``server.port`` and ``${ENV:default}`` placeholders of
``application.properties`` / ``application.yml`` (and their profile variants)."""
from __future__ import annotations

import posixpath
import re


from ...profile import Profile
from ...scan import SourceTree
from .source import PLACEHOLDER, SYSTEM_ENV, record_datasource, record_env, record_jdbc

_CONFIG_NAME = re.compile(r"(application|bootstrap)(-[\w]+)?\.(properties|ya?ml)")


# the port setting of Spring Boot, Quarkus and Micronaut
PORT_KEYS = ("server.port", "quarkus.http.port", "micronaut.server.port")


def config_files(tree: SourceTree, module_dir: str = "") -> list[str]:
    prefix = f"{module_dir}/" if module_dir else ""
    return [f for f in tree.files if f.startswith(prefix) and "/src/main/resources/" in f"/{f}"
            and _CONFIG_NAME.fullmatch(posixpath.basename(f))]


def port_value(profile: Profile, raw: str, rel: str, line: int, why: str) -> bool:
    """Record ``server.port``'s value (a number or ``${ENV:default}``); True when it gave a port."""
    raw = raw.strip().strip("'\"")
    m = re.fullmatch(r"\$\{([A-Za-z_][\w.]*)(?::(\d{2,5}))?\}", raw)
    if m:
        if m.group(2):
            profile.add_port(int(m.group(2)), f"{why}: {raw}", rel, line, 0.9)
        if re.fullmatch(r"[A-Z_][A-Z0-9_]*", m.group(1)):
            profile.port_env = m.group(1)
            profile.note("port_env", f"{why} takes {m.group(1)} from the environment", rel, line)
        return bool(m.group(2))
    if raw.isdigit():
        profile.add_port(int(raw), f"{why}: {raw}", rel, line, 0.95)
        return True
    return False


def _property(line: str) -> tuple[str, str] | None:
    """(key, value) of one .properties line (``key=value``, ``key: value`` or ``key value``)."""
    line = line.strip()
    if not line or line[0] in "#!":
        return None
    for i, c in enumerate(line):
        if c in "=: \t":
            return line[:i].strip(), line[i + 1:].strip() if c != " " else line[i:].strip().lstrip("=:").strip()
    return line, ""


def _yaml_pair(line: str) -> tuple[str, str] | None:
    """(key, value) of a one-line YAML mapping entry (``url: jdbc:...``)."""
    key, sep, value = line.strip().lstrip("- ").partition(": ")
    return (key.strip(), value.strip()) if sep and value.strip() else None


def read_settings(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """server.port and ${ENV:default} placeholders, the base profile's file first."""
    for rel in sorted(files, key=lambda f: (("-" in posixpath.basename(f)), f)):
        lines = (tree.read(rel) or "").splitlines()
        yml = rel.endswith((".yml", ".yaml"))
        if yml and not profile.ports:
            raw = _yaml_server_port("\n".join(lines))
            if raw is not None:
                line = next((n for n, text in enumerate(lines, 1)
                             if text.strip().startswith(("port:",) + PORT_KEYS)
                             and text.split(":", 1)[1].strip().strip("'\"") == raw), 1)
                port_value(profile, raw, rel, line, f"server.port in {rel}")
        for number, text in enumerate(lines, 1):
            if text.lstrip().startswith("#" if yml else ("#", "!")):
                continue
            pair = _property(text) if not yml else _yaml_pair(text)
            if pair and pair[0] in PORT_KEYS and not yml and not profile.ports:
                port_value(profile, pair[1], rel, number, f"server.port in {rel}")
            if pair and pair[1].strip("'\"").startswith("jdbc:"):
                record_jdbc(profile, pair[1].strip("'\""), rel, number)
            elif pair and pair[0] in ("spring.datasource.username", "spring.datasource.password", "username",
                                      "password"):
                record_datasource(profile, pair[0], pair[1].strip("'\""))
            for m in PLACEHOLDER.finditer(text):
                name, default = m.group(1), m.group(2)
                if name in SYSTEM_ENV or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
                    continue
                record_env(profile, name, default, rel, number, "a ${...} placeholder in " + rel)


def _yaml_server_port(text: str) -> str | None:
    """server.port of a Spring YAML file (any of its documents), as written."""
    import yaml  # loaded only for a project with YAML settings

    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        for key in PORT_KEYS:  # server.port, quarkus.http.port, micronaut.server.port: nested or dotted
            port = _yaml_key(doc, key.split("."))
            if port is not None and not isinstance(port, (dict, list)):
                return str(port)
    return None


def _yaml_key(doc, parts: list[str]):
    """The value at a dotted key of a YAML mapping, written nested (a: {b: 1}) or dotted (a.b: 1) at any level."""
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if isinstance(doc, dict) and head in doc:
            return doc[head] if i == len(parts) else _yaml_key(doc[head], parts[i:])
    return None
