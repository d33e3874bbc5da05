"""Spring-style settings: ``server.port`` and ``${ENV:default}`` placeholders of
``application.properties`` / ``application.yml`` (and their profile variants)."""
from __future__ import annotations

import posixpath
import re


from ...profile import Connection, Profile
from ...scan import SourceTree
from .plan import WORKDIR
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
                if pair[0] in ("spring.datasource.url", "url") and "-" not in posixpath.basename(rel) \
                        and profile.framework == "spring-boot":
                    _sqlite_file(profile, pair[1].strip("'\""), rel, number)
            elif pair and pair[0] in ("spring.datasource.username", "spring.datasource.password", "username",
                                      "password"):
                record_datasource(profile, pair[0], pair[1].strip("'\""))
            for m in PLACEHOLDER.finditer(text):
                name, default = m.group(1), m.group(2)
                if name in SYSTEM_ENV or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
                    continue
                record_env(profile, name, default, rel, number, "a ${...} placeholder in " + rel)


def _sqlite_file(profile: Profile, url: str, rel: str, line: int) -> None:
    """A SQLite database file of the base settings (`jdbc:sqlite:dev.db`): the app writes it, and the image's
    root is read-only. A relative file would land among the jar in the working directory: Spring's relaxed
    binding lets SPRING_DATASOURCE_URL move it into a data folder that is a volume."""
    if not url.startswith("jdbc:sqlite:"):
        return
    path = url.removeprefix("jdbc:sqlite:").split("?", 1)[0]
    if not path or path.startswith(":") or "${" in path or "file:" in path \
            or not re.fullmatch(r"[\w./-]+", path) or ".." in path.split("/"):
        return
    if path.startswith("/"):
        folder = posixpath.dirname(path)
        if folder and folder != "/" and folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the SQLite database {path} is written at run time", rel, line, 0.85)
        return
    moved = f"{WORKDIR}/data/{posixpath.basename(path)}"
    profile.add_env("SPRING_DATASOURCE_URL", f"jdbc:sqlite:{moved}")
    profile.note("env", f"SPRING_DATASOURCE_URL: {rel} keeps the SQLite database in {path}, relative to the "
                 f"working directory (read-only in the container); jdbc:sqlite:{moved} puts it in a volume", rel,
                 line, 0.8)
    if f"{WORKDIR}/data" not in profile.writable_paths:
        profile.writable_paths.append(f"{WORKDIR}/data")
        profile.note("writable_paths", f"the SQLite database ({path} in {rel}, moved by SPRING_DATASOURCE_URL)",
                     rel, line, 0.8)


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


# the env var that picks a settings profile, by framework (Spring's otherwise)
PROFILE_SWITCH = {"micronaut": "MICRONAUT_ENVIRONMENTS", "quarkus": "QUARKUS_PROFILE"}
EMBEDDED_DATABASES = ("com.h2database:h2", "org.hsqldb:hsqldb", "org.apache.derby:derby", "org.apache.derby:derbyclient")


def _active_profiles(tree: SourceTree, base: list[str]) -> set[str]:
    """spring.profiles.active of the base settings files (properties lines, or YAML's spring: profiles: active:)."""
    active: set[str] = set()
    for rel in base:
        text = tree.read(rel) or ""
        if rel.endswith((".yml", ".yaml")):
            import yaml  # loaded only for a project with YAML settings

            try:
                docs = list(yaml.safe_load_all(text))
            except yaml.YAMLError:
                continue
            values = [_yaml_key(doc, ["spring", "profiles", "active"]) for doc in docs if isinstance(doc, dict)]
        else:
            values = [pair[1] for pair in map(_property, text.splitlines()) if pair and pair[0] == "spring.profiles.active"]
        for value in values:
            if isinstance(value, str):
                active |= {v.strip() for v in value.split(",") if v.strip()}
    return active


def inactive_profile_services(tree: SourceTree, files: list[str], deps: list[str], profile: Profile) -> None:
    """A database only a profile's own settings file connects to (application-mysql.properties), while the app
    runs on an embedded database (H2) by default: not a service of the default run; a warning says how to
    run that profile instead."""
    embedded = next((d for d in deps if d in EMBEDDED_DATABASES), None)
    if embedded is None:
        return
    base = [f for f in files if not _CONFIG_NAME.fullmatch(posixpath.basename(f)).group(2)]
    named = {f: _CONFIG_NAME.fullmatch(posixpath.basename(f)).group(2)[1:] for f in files if f not in base}
    active = _active_profiles(tree, base)
    inactive = {f for f, name in named.items() if name not in active}
    if not inactive:
        return
    schemes = {"postgres": ("jdbc:postgresql:",), "mysql": ("jdbc:mysql:", "jdbc:mariadb:")}
    texts = {f: tree.read(f) or "" for f in files}
    for kind in list(dict.fromkeys(s.kind for s in profile.services)):
        conns = [c for c in profile.connections if c.kind == kind]
        where = sorted(f for f in inactive if any(s in texts[f] for s in schemes.get(kind, ())))
        if not where or any(c.file not in inactive for c in conns) or \
                any(s in texts[f] for f in files if f not in inactive for s in schemes.get(kind, ())):
            continue
        names = sorted({named[f] for f in where})
        profile.services = [s for s in profile.services if s.kind != kind]
        profile.connections = [c for c in profile.connections if c.kind != kind]
        evidence = profile.evidence.get("env", [])
        for var in list(profile.env):
            files_of = {e.file for e in evidence if e.why.startswith(var.name + ":")}
            if files_of and files_of <= set(where):
                profile.env.remove(var)
        profile.note("services", f"{kind}: only the {', '.join(names)} profile connects to it ({', '.join(where)}); "
                     f"the default profile runs on {embedded.split(':')[1]}", where[0], None, 0.8)
        profile.warnings.append(
            f"{', '.join(where)}: the {', '.join(names)} profile uses {kind}, the default one the embedded "
            f"{embedded.split(':')[1]} database: to run on {kind}, add --set services={kind} and "
            f"--set env.{PROFILE_SWITCH.get(profile.framework or '', 'SPRING_PROFILES_ACTIVE')}={names[0]}")


# the datasource properties of a framework, with the env var that overrides each (Spring's relaxed binding,
# SmallRye Config's environment source, ordinal 300, above application.properties and its %prod. keys)
DATASOURCE_KEYS = {
    "spring-boot": {"url": ("spring.datasource.url", "SPRING_DATASOURCE_URL"),
                    "user": ("spring.datasource.username", "SPRING_DATASOURCE_USERNAME"),
                    "password": ("spring.datasource.password", "SPRING_DATASOURCE_PASSWORD")},
    "quarkus": {"url": ("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL"),
                "user": ("quarkus.datasource.username", "QUARKUS_DATASOURCE_USERNAME"),
                "password": ("quarkus.datasource.password", "QUARKUS_DATASOURCE_PASSWORD")},
}
_SERVICE_PORTS = {"postgres": 5432, "mysql": 3306}
_JDBC_SAFE = re.compile(r"jdbc:[a-z0-9]+://[A-Za-z0-9_.-]+:\d{1,5}(/[A-Za-z0-9_.-]*)?(\?[A-Za-z0-9_.=&%-]*)?")


def _flat(data, prefix: str = "") -> dict[str, str]:
    """A YAML document's scalar values by their dotted key (``spring: {datasource: {url: x}}`` ->
    ``spring.datasource.url``)."""
    found: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                found.update(_flat(value, name))
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                found[name] = str(value)
    return found


def _production_values(tree: SourceTree, files: list[str], framework: str) -> dict[str, tuple[str, str, int]]:
    """The settings the packaged app runs with, of the base settings file: key -> (value, file, line);
    Quarkus' ``%prod.`` keys win over unprefixed ones, other profiles' keys are left out."""
    base = [f for f in files if not _CONFIG_NAME.fullmatch(posixpath.basename(f)).group(2)
            and posixpath.basename(f).startswith("application.")]
    found: dict[str, tuple[str, str, int]] = {}
    for rel in sorted(base, key=lambda f: not f.endswith(".properties")):
        text = tree.read(rel) or ""
        pairs: list[tuple[str, str, int]] = []
        if rel.endswith(".properties"):
            for number, line in enumerate(text.splitlines(), 1):
                pair = _property(line)
                if pair:
                    pairs.append((pair[0], pair[1], number))
        else:
            import yaml  # loaded only for a project whose settings are YAML

            try:
                docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
            except (yaml.YAMLError, RecursionError, ValueError):
                continue
            for doc in docs[:1]:  # the first document: later ones are usually other profiles'
                pairs += [(k, v, 1) for k, v in _flat(doc).items()]
        for key, value, number in pairs:
            if key.startswith("%"):
                wanted, _, key = key[1:].partition(".")
                if framework != "quarkus" or wanted != "prod":
                    continue
                found[key] = (value.strip().strip("'\""), rel, number)
            elif key not in found:
                found[key] = (value.strip().strip("'\""), rel, number)
    return found


def _unset_datasource(profile: Profile, keys: dict, files: list[str]) -> tuple[str, str | None, int | None] | None:
    """No datasource URL in the production settings, with a database driver among the dependencies (Quarkus' Dev
    Services and Spring Boot's Docker Compose support start one in development only; the packaged app stops
    with "datasource not configured"): the service's database, as if the settings named it at localhost."""
    kinds = [s.kind for s in profile.services if s.kind in _SERVICE_PORTS]
    if len(kinds) != 1 or any(c.kind == kinds[0] for c in profile.connections):
        return None
    kind = kinds[0]
    mariadb = any(d.endswith((":quarkus-jdbc-mariadb", ":mariadb-java-client")) for d in profile.dependencies)
    scheme = "postgresql" if kind == "postgres" else "mariadb" if mariadb else "mysql"
    url = f"jdbc:{scheme}://localhost:{_SERVICE_PORTS[kind]}/app"
    profile.connections.append(Connection(kind, host="localhost", database="app", why=f"a JDBC URL {url}"))
    rel = next((f for f in sorted(files) if not _CONFIG_NAME.fullmatch(posixpath.basename(f)).group(2)), None)
    profile.note("services", f"{kind}: the {profile.framework} app has a {scheme} driver and no {keys['url'][0]} in "
                 "its production settings (a development-time database): it is given the compose service's", rel,
                 None, 0.8)
    return url, rel, None


def datasource_env(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """A datasource fixed in the settings at localhost (Quarkus' quickstarts: ``%prod.quarkus.datasource.jdbc.url=
    jdbc:postgresql://localhost/quarkus_test``, a literal user and password): in compose the database is another
    host, so the env vars that override the settings point the app at the service, with the service's password
    (one secret file for both); the user and database are the settings' own."""
    keys = DATASOURCE_KEYS.get(profile.framework or "")
    if keys is None:
        return
    values = _production_values(tree, files, profile.framework)
    url = values.get(keys["url"][0])
    if url is None:
        url = _unset_datasource(profile, keys, files)
    if url is None or "${" in url[0] or not url[0].startswith("jdbc:"):
        return
    from ...services import LOCAL_HOSTS, service_name
    from urllib.parse import urlsplit, urlunsplit

    conn = next((c for c in profile.connections if c.why == f"a JDBC URL {url[0]}"), None)
    if conn is None or conn.kind not in _SERVICE_PORTS or conn.host_env or conn.url_env \
            or (conn.host or "localhost") not in LOCAL_HOSTS or not any(s.kind == conn.kind for s in profile.services):
        return
    try:
        parts = urlsplit(url[0][len("jdbc:"):])
    except ValueError:
        return
    name = service_name(profile, conn.kind)
    moved = "jdbc:" + urlunsplit((parts.scheme, f"{name}:{_SERVICE_PORTS[conn.kind]}", parts.path, parts.query, ""))
    if not _JDBC_SAFE.fullmatch(moved):
        return
    url_env = keys["url"][1]
    profile.add_env(url_env, moved)
    conn.url_env = url_env
    conn.port = _SERVICE_PORTS[conn.kind]
    profile.note("env", f"{url_env}: {url[1]} connects to {conn.kind} on {conn.host or 'localhost'} "
                 f"({keys['url'][0]}); {url_env} overrides it with the compose service {name}", url[1], url[2], 0.9)
    user = values.get(keys["user"][0])
    if user and "${" not in user[0] and user[0]:
        conn.user, conn.user_env = user[0], None
    elif not user:
        conn.user, conn.user_env = None, keys["user"][1]
        profile.add_env(keys["user"][1])
    password = values.get(keys["password"][0])
    if password is None or "${" not in password[0]:
        secret = keys["password"][1]
        profile.add_env(secret, None, True)
        conn.password_source, conn.password_env = "env", secret
        profile.note("env", f"{secret}: the {conn.kind} service's password (a secret), overriding "
                     + (f"the one written in {password[1]}" if password else "the settings' (none)"),
                     password[1] if password else url[1], password[2] if password else None, 0.9)
