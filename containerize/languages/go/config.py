"""Configuration files a Go program loads at run time relative to its working directory (go-ini's
``ini.Load("conf/app.ini")``, viper's ``AddConfigPath("config/")`` + ``SetConfigName("default")``,
``toml.DecodeFile``): they are copied into the image beside the binary, and the port they set is the port the
program listens on when its code shows no literal one."""
from __future__ import annotations

import json
import posixpath
import re

from ...scan import SourceTree

CONFIG_EXTENSIONS = (".yaml", ".yml", ".json", ".toml", ".ini", ".conf", ".cfg", ".env", ".properties")
MAX_CONFIG = 256 * 1024
# keys that hold the listen port or address, in the top level or a server-like section
PORT_KEYS = {"port", "httpport", "http_port", "serverport", "server_port", "listenport", "listen_port", "appport",
             "app_port", "webport", "web_port"}
ADDRESS_KEYS = {"addr", "address", "httpaddr", "http_addr", "listen", "listenaddr", "listen_addr", "bind"}
SECTIONS = ("server", "http", "app", "web", "api", "service", "")


def files(tree: SourceTree, paths: list[tuple[str, str, str, int]], names: set[str]) -> list[tuple[str, str, int]]:
    """(config file, the Go file that loads it, line): the files named, and in the folders added (viper), those
    named by SetConfigName with a config extension (every config file of the folder when no name is set)."""
    out: list[tuple[str, str, int]] = []
    for kind, path, rel, line in paths:
        if path.startswith("..") or path.startswith("/"):
            continue
        if kind == "file":
            if tree.exists(path) and not tree.isdir(path):
                out.append((path, rel, line))
            continue
        folder = "" if path in (".", "") else path
        if folder and not tree.isdir(folder):
            continue
        for full in sorted(tree.children(folder)):
            stem, ext = posixpath.splitext(posixpath.basename(full))
            if ext in CONFIG_EXTENSIONS and (stem in names or not names and folder) and not tree.isdir(full):
                out.append((full, rel, line))
    seen: set[str] = set()
    return [o for o in out if not (o[0] in seen or seen.add(o[0]))]


def _load(tree: SourceTree, path: str) -> dict | None:
    text = tree.read(path)
    if text is None or len(text) > MAX_CONFIG:
        return None
    ext = posixpath.splitext(path)[1]
    if ext in (".ini", ".conf", ".cfg"):
        return _ini(text)
    try:
        if ext in (".yaml", ".yml"):
            import yaml  # loaded only for a Go program that reads a YAML config file

            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                return None
        elif ext == ".json":
            data = json.loads(text)
        elif ext == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            return None
    except (ValueError, RecursionError):  # TOMLDecodeError and JSONDecodeError are ValueErrors
        return None
    return data if isinstance(data, dict) else None


def _ini(text: str) -> dict | None:
    """go-ini's file: [section] key = value, keys before the first section in the top level."""
    import configparser  # only for a project with an ini file
    parser = configparser.ConfigParser(interpolation=None, strict=False, allow_no_value=True,
                                       default_section="\x00top")
    parser.optionxform = str  # type: ignore[assignment]
    try:
        parser.read_string("[\x00top]\n" + text)
    except configparser.Error:
        return None
    data: dict = {section: dict(parser.items(section, raw=True)) for section in parser.sections()}
    data.update(parser.defaults())
    return data


def _port_of(key: str, value) -> int | None:
    if isinstance(value, bool):
        return None
    text = str(value).strip().strip('"\'') if isinstance(value, (int, str)) else ""
    if key in ADDRESS_KEYS:
        if ":" not in text:
            return None
        text = text.rsplit(":", 1)[1]
    if not text.isdigit() or len(text) > 5:
        return None
    port = int(text)
    return port if 0 < port < 65536 else None


def port(tree: SourceTree, configs: list[tuple[str, str, int]]) -> tuple[int, str, str] | None:
    """(port, config file, key) of the first config file that sets a listen port in its top level or in a
    server-like section ([server] HttpPort = 8000, server: {port: 8000})."""
    for path, _, _ in configs:
        data = _load(tree, path)
        if data is None:
            continue
        for section in SECTIONS:
            table = data if not section else next(
                (v for k, v in data.items() if isinstance(k, str) and k.lower() == section and isinstance(v, dict)),
                None)
            if not isinstance(table, dict):
                continue
            for key, value in table.items():
                name = key.lower().replace("-", "_") if isinstance(key, str) else ""
                if name in PORT_KEYS or name in ADDRESS_KEYS:
                    found = _port_of(name, value)
                    if found:
                        return found, path, f"{section}.{key}" if section else str(key)
    return None


SERVICE_SECTIONS = {"database": None, "db": None, "mysql": "mysql", "postgres": "postgres", "postgresql": "postgres",
                    "redis": "redis", "cache": "redis", "mongo": "mongodb", "mongodb": "mongodb"}
HOST_KEYS = {"host", "hostname", "addr", "address", "server"}
_LOCAL = ("localhost", "127.0.0.1", "[::1]", "::1")


def local_services(tree: SourceTree, configs: list[tuple[str, str, int]]) -> list[tuple[str, str, str, str | None]]:
    """(config file, section.key, value, service kind or None for a database section) of the service hosts
    a config file fixes to localhost ([database] Host = 127.0.0.1:3306)."""
    out = []
    for path, _, _ in configs:
        data = _load(tree, path)
        for section, table in (data or {}).items():
            if not isinstance(section, str) or section.lower() not in SERVICE_SECTIONS or not isinstance(table, dict):
                continue
            for key, value in table.items():
                if not isinstance(key, str) or key.lower() not in HOST_KEYS or not isinstance(value, str):
                    continue
                host = value.strip().strip('"\'')
                host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
                if host.lower() in _LOCAL:
                    out.append((path, f"{section}.{key}", value.strip()[:100], SERVICE_SECTIONS[section.lower()]))
    return out


# keys that name a folder (RuntimeRootPath, LogSavePath, log_dir, upload_folder, storage_root)
FOLDER_SUFFIXES = ("path", "dir", "directory", "folder", "root")
# ... and the words of the ones the program only reads (templates, static files, its own config, certificates)
READ_WORDS = ("template", "static", "view", "asset", "public", "web", "html", "conf", "cert", "key", "tls", "ssl",
              "font", "migration", "i18n", "locale", "lang", "url", "prefix", "route", "swagger", "doc")
_RELATIVE = re.compile(r"(\./)?[\w.-]+(/[\w.-]+)*/?")


def folders(tree: SourceTree, configs: list[tuple[str, str, int]], used: dict[str, tuple[str, int]],
            nested: set[str]) -> list[tuple[str, str, str, str, int]]:
    """(folder, config file, section.key, the Go file that reads the key, line) of the relative folders a config
    file names in a key the code reads as a path (``RuntimeRootPath = runtime/``; a key the code only joins
    after another folder, ``RuntimeRootPath + LogSavePath``, is inside that one); a file's path gives its
    folder (``LogFile = logs/app.log``)."""
    by_name = {_plain(k): (k, v) for k, v in used.items()}
    nested_names = {_plain(n) for n in nested}
    out: list[tuple[str, str, str, str, int]] = []
    for path, _, _ in configs:
        data = _load(tree, path) or {}
        tables = [("", data)] + [(k, v) for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)]
        for section, table in tables:
            for key, value in table.items():
                name = _plain(key) if isinstance(key, str) else ""
                if not name.endswith(FOLDER_SUFFIXES) or any(w in name for w in READ_WORDS) or \
                        not isinstance(value, str):
                    continue
                dotted = _plain(f"{section}.{key}") if section else name
                read = by_name.get(name) or by_name.get(dotted)
                if read is None or name in nested_names:
                    continue
                text = value.strip().strip('"\'')
                if not _RELATIVE.fullmatch(text) or ".." in text.split("/"):
                    continue
                folder = posixpath.normpath(text)
                if not text.endswith("/") and "." in posixpath.basename(folder):
                    folder = posixpath.dirname(folder)  # a file: its folder
                if folder in ("", ".") or any(o[0] == folder for o in out):
                    continue
                out.append((folder, path, f"{section}.{key}" if section else key, read[1][0], read[1][1]))
    return out


def _plain(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")
