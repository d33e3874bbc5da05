"""Every answer a person can give, declared once.

One :class:`AnswerKey` per key that ``--set KEY=VALUE`` and the saved answers
file (containerize.toml) take. Its :class:`Kind` says how a value is read from
the command line and from TOML, applied to a Profile, written back to TOML and
shown (inspect, README.Docker.md, the questionnaire's summary); its ``label``
is how a question names it. The Profile field it sets is its ``field``: the
row ``inspect`` shows, and the key of ``Profile.origins``.

Values travel as text, the way ``--set`` gives them (``("port", "8080")``,
``("env.LOG_LEVEL", "info")``), whichever source they come from.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .profile import Profile

# Where an answer came from (Profile.origins): detection, or one of these, or the
# saved answers file's label ("containerize.toml", "pyproject.toml [tool.containerize]").
DETECTED = "detected"
SET_ORIGIN = "command line (--set)"
ASKED_ORIGIN = "questionnaire"

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,39}")  # what an image tag's version part may hold
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")

# a TOML value that can't be used: (message, the sub-key whose line to name, or None for the key's own line)
Fail = Callable[[str, "str | None"], Exception]


class AnswerError(ValueError):
    """An answer that can't be used; the message starts with ``--set KEY=VALUE``."""


def split(value: str) -> list[str]:
    """``"a, b c"`` -> ``["a", "b", "c"]``."""
    return [v for v in re.split(r"[,\s]+", value) if v]


def _bool(given: str, value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise AnswerError(f"--set {given}={value}: expected true or false")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# -- kinds of value ----------------------------------------------------------------------
class Kind:
    """How one kind of answer is read, applied, saved and shown."""

    def expand(self, key: "AnswerKey", name: str | None, value: str, given: str) -> list[tuple[str | None, str]]:
        """``(name, value)`` items of one ``--set`` pair (``secrets=A,B`` is two)."""
        return [(name, value)]

    def apply(self, profile: "Profile", key: "AnswerKey", name: str | None, value: str, given: str) -> None:
        raise NotImplementedError

    def read_toml(self, key: "AnswerKey", written: str, value: Any, fail: Fail) -> list[tuple[str, str, str | None]]:
        """``(pair key, value, sub-key for the line)`` items of one TOML key."""
        raise NotImplementedError

    def to_toml(self, value: str) -> Any:
        """The value as the saved file holds it (a str, int, bool or list, written by tomlkit)."""
        return value

    def show(self, value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "-"
        return "-" if value in (None, "") else str(value)


class Text(Kind):
    def apply(self, profile, key, name, value, given):
        setattr(profile, key.field, value or None)

    def read_toml(self, key, written, value, fail):
        if not isinstance(value, str):
            raise fail(f"{written} must be a string, e.g. {written} = \"...\"", None)
        return [(key.key, value, None)]


class Version(Text):
    """A runtime version as an image tag carries it: ``3.12``, ``20``, ``1.22.3``, ``gcc-12``
    (a digit in it, or ``lts``/``latest``/``stable``)."""

    WORDS = ("lts", "latest", "stable")

    def apply(self, profile, key, name, value, given):
        if value and not (TAG.fullmatch(value) and (any(c.isdigit() for c in value) or value in self.WORDS)):
            raise AnswerError(f"--set {given}={value}: not a version; give one such as 3.12, 20 or 1.22")
        super().apply(profile, key, name, value, given)


class EnvName(Text):
    """The name of an env var (or none)."""

    def apply(self, profile, key, name, value, given):
        if value and not ENV_NAME.fullmatch(value):
            raise AnswerError(f"--set {given}={value}: {value!r} is not an env var name")
        super().apply(profile, key, name, value, given)


class Argv(Kind):
    """A command line: text split as a shell would (``none_when_empty``: no command is None)."""

    def __init__(self, none_when_empty: bool = False):
        self.none_when_empty = none_when_empty

    def apply(self, profile, key, name, value, given):
        try:
            argv = shlex.split(value)
        except ValueError as exc:
            raise AnswerError(f"--set {given}: {exc}") from None
        setattr(profile, key.field, argv or None if self.none_when_empty else argv)

    def read_toml(self, key, written, value, fail):
        if isinstance(value, str):
            return [(key.key, value, None)]
        if _strings(value):
            return [(key.key, shlex.join(value), None)]
        raise fail(f"{written} must be a list of strings, e.g. {written} = [\"gunicorn\", \"app:app\"]", None)

    def to_toml(self, value):
        try:
            return shlex.split(value)
        except ValueError:
            return value

    def show(self, value):
        return shlex.join(value) if value else "-"


class Migrate(Argv):
    """The command run once before the app starts (database migrations): ``none`` for no such step."""

    NONE = ("none", "no", "off", "false")

    def apply(self, profile, key, name, value, given):
        from .profile import Migration

        if value.strip().lower() in self.NONE or not value.strip():
            profile.migrations = []
            return
        try:
            argv = shlex.split(value)
        except ValueError as exc:
            raise AnswerError(f"--set {given}: {exc}") from None
        profile.migrations = [Migration("given", argv, why=f"--set {given}")]

    def to_toml(self, value):
        return value if value.strip().lower() in self.NONE else super().to_toml(value)

    def show(self, value):
        return "; ".join(shlex.join(m.command) for m in value) if value else "-"


class Workers(Kind):
    """``workers.NAME='command'`` adds (or changes) a process run beside the app from its image;
    ``workers.NAME=none`` leaves that one out, ``workers=none`` all of them."""

    NONE = Migrate.NONE
    NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}")

    def apply(self, profile, key, name, value, given):
        from .profile import Worker

        off = value.strip().lower() in self.NONE or not value.strip()
        if name is None:
            if not off:
                raise AnswerError(f"--set {given}: name the worker, e.g. --set workers.beat='celery -A app beat', "
                                  "or leave them all out with --set workers=none")
            profile.workers = []
            return
        if not self.NAME.fullmatch(name):
            raise AnswerError(f"--set {given}: {name!r} is not a worker name (letters, digits, - and _)")
        profile.workers = [w for w in profile.workers if w.name != name]
        if off:
            return
        try:
            argv = shlex.split(value)
        except ValueError as exc:
            raise AnswerError(f"--set {given}: {exc}") from None
        profile.workers.append(Worker(name, argv, why=f"--set {given}"))

    def read_toml(self, key, written, value, fail):
        if isinstance(value, str):
            return [(key.key, value, None)]
        if not isinstance(value, dict):
            raise fail(f"{written} must be a table of NAME = command lines, e.g. beat = \"celery -A app beat\"", None)
        found = []
        for name, command in value.items():
            if isinstance(command, str):
                found.append((f"{key.key}.{name}", command, name))
            elif _strings(command):
                found.append((f"{key.key}.{name}", shlex.join(command), name))
            else:
                raise fail(f"{written}.{name} must be a command, e.g. {name} = \"celery -A app beat\"", name)
        return found

    def to_toml(self, value):
        if value.strip().lower() in self.NONE:
            return value
        try:
            return shlex.split(value)
        except ValueError:
            return value

    def show(self, value):
        return "; ".join(f"{w.name}: {shlex.join(w.command)}" for w in value) if value else "-"


class Ports(Kind):
    def apply(self, profile, key, name, value, given):
        try:
            ports = [int(p) for p in split(value)]
        except ValueError:
            raise AnswerError(f"--set {given}={value}: ports are numbers, e.g. 8080 or 8080,9090") from None
        if any(not 0 < p < 65536 for p in ports):
            raise AnswerError(f"--set {given}={value}: a port is between 1 and 65535")
        old = profile.ports[0] if profile.ports else None
        profile.ports = ports
        if old and ports and old != ports[0]:  # a start command that names the old port names the new one
            pattern = re.compile(rf"(^|[:=]){old}$")
            profile.entrypoint = [a.replace(str(old), str(ports[0])) if pattern.search(a) else a
                                  for a in profile.entrypoint]

    def read_toml(self, key, written, value, fail):
        ports = value if isinstance(value, list) else [value]
        if not ports or not all(isinstance(p, int) and not isinstance(p, bool) or isinstance(p, str) and p.isdigit()
                                for p in ports):
            raise fail(f"{written} must be a port number or a list of them, e.g. port = 8080", None)
        return [(key.key, ",".join(str(p) for p in ports), None)]

    def to_toml(self, value):
        ports = split(value)
        if ports and all(p.isdigit() for p in ports):
            return int(ports[0]) if len(ports) == 1 else [int(p) for p in ports]
        return value


class Flag(Kind):
    def apply(self, profile, key, name, value, given):
        setattr(profile, key.field, _bool(given, value))

    def read_toml(self, key, written, value, fail):
        if not isinstance(value, bool):
            raise fail(f"{written} must be true or false", None)
        return [(key.key, "true" if value else "false", None)]

    def to_toml(self, value):
        return value.lower() in TRUE

    def show(self, value):
        return "yes" if value else "no"


class Names(Kind):
    """A list of names or paths, given as ``a,b`` or ``a b``."""

    def apply(self, profile, key, name, value, given):
        setattr(profile, key.field, split(value))

    def read_toml(self, key, written, value, fail):
        if isinstance(value, str):
            value = [value]
        if not _strings(value):
            raise fail(f"{written} must be a list of strings", None)
        return [(key.key, ",".join(value), None)]

    def to_toml(self, value):
        return split(value)


class Services(Names):
    def apply(self, profile, key, name, value, given):
        from .profile import Service

        profile.services = [Service(kind) for kind in split(value)]

    def show(self, value):
        return ", ".join(s.kind + (f" via {s.env_var}" if s.env_var else "") for s in value) or "-"


class Env(Kind):
    """``env.NAME=default`` (or ``env=NAME=default``): an env var and its default."""

    def expand(self, key, name, value, given):
        if name is None:
            name, _, value = value.partition("=")
        return [(name.strip(), value)]

    def apply(self, profile, key, name, value, given):
        if not ENV_NAME.fullmatch(name or ""):
            raise AnswerError(f"--set {given}={value}: {name!r} is not an env var name")
        var = profile.add_env(name)
        var.default = value if not var.secret else None

    def read_toml(self, key, written, value, fail):
        if not isinstance(value, dict):
            raise fail(f"{written} must be a table: [{written}] then NAME = \"default\" lines", None)
        found = []
        for var, default in value.items():
            if isinstance(default, (dict, list)):
                raise fail(f"{written}.{var} must be a string (its default value)", var)
            found.append((f"{key.key}.{var}", json.dumps(default) if isinstance(default, bool) else str(default), var))
        return found

    def show(self, value):
        return ", ".join(f"{e.name}{'=' + e.default if e.default is not None else ''}{' (secret)' if e.secret else ''}"
                         for e in value) or "-"


class Secret(Kind):
    """``secret.NAME=true`` (or ``secrets=A,B``): whether an env var holds a secret."""

    def expand(self, key, name, value, given):
        if name is None:
            return [(n, "true") for n in split(value)]
        return [(name, value)]

    def apply(self, profile, key, name, value, given):
        if not ENV_NAME.fullmatch(name or ""):
            raise AnswerError(f"--set {given}={value}: {name!r} is not an env var name")
        var = profile.add_env(name)
        var.secret = _bool(given, value)
        if var.secret:
            var.default = None

    def read_toml(self, key, written, value, fail):
        if _strings(value):
            return [(f"{key.key}.{var}", "true", None) for var in value]
        if isinstance(value, list):
            raise fail(f"{written} must be a list of env var names or a table of NAME = true", None)
        if not isinstance(value, dict):
            raise fail(f"{written} must be a table: [{written}] then NAME = true lines", None)
        found = []
        for var, flag in value.items():
            if not isinstance(flag, bool):
                raise fail(f"{written}.{var} must be true or false", var)
            found.append((f"{key.key}.{var}", "true" if flag else "false", var))
        return found

    def to_toml(self, value):
        return value.lower() in TRUE


class Packages(Kind):
    """``system_packages.build=...`` / ``system_packages.runtime=...`` (no stage: runtime)."""

    STAGES = ("build", "runtime")

    def expand(self, key, name, value, given):
        return [(name or "runtime", value)]

    def apply(self, profile, key, name, value, given):
        profile.system_packages[name] = split(value)

    def read_toml(self, key, written, value, fail):
        if isinstance(value, list):
            value = {"runtime": value}
        if not isinstance(value, dict):
            raise fail(f"{written} must be a table with build and runtime lists", None)
        found = []
        for stage, pkgs in value.items():
            if stage not in self.STAGES or not _strings(pkgs):
                raise fail(f"{written} has build = [...] and runtime = [...] lists", stage)
            found.append((f"{key.key}.{stage}", " ".join(pkgs), stage))
        return found

    def to_toml(self, value):
        return split(value)

    def show(self, value):
        return "; ".join(f"{stage}: {' '.join(pkgs)}" for stage, pkgs in value.items() if pkgs) or "-"


# -- the keys ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerKey:
    key: str  # as --set and the saved file name it
    field: str  # the Profile field it sets: the row inspect and README.Docker.md show
    kind: Kind
    aliases: tuple[str, ...] = ()  # other spellings taken (``ports``, ``secrets``)
    table: str = ""  # a TOML table of NAME = value lines (``[env]``); its pairs are ``key.NAME``
    names: tuple[str, ...] = ()  # the only NAMEs a table takes (none: any)
    label: str = ""  # how a question names it ("start command"); empty: never asked
    summary: bool = False  # in the summary the questionnaire shows

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.key, *self.aliases) + ((self.table,) if self.table and self.table != self.key else ())


TEXT, FLAG, NAMES = Text(), Flag(), Names()

KEYS: tuple[AnswerKey, ...] = (
    AnswerKey("language", "language", TEXT, label="language", summary=True),
    AnswerKey("framework", "framework", TEXT, label="framework", summary=True),
    AnswerKey("package_manager", "package_manager", TEXT),
    AnswerKey("runtime_version", "runtime_version", Version(), label="version", summary=True),
    AnswerKey("compiled", "compiled", FLAG),
    AnswerKey("build_command", "build_command", Argv(none_when_empty=True)),
    AnswerKey("entrypoint", "entrypoint", Argv(), label="start command", summary=True),
    AnswerKey("port", "ports", Ports(), aliases=("ports",), label="port", summary=True),
    AnswerKey("port_env", "port_env", EnvName(), label="port env var"),
    AnswerKey("health_path", "health_path", TEXT, label="health check path", summary=True),
    AnswerKey("env", "env", Env(), table="env", label="env vars", summary=True),
    AnswerKey("secret", "env", Secret(), aliases=("secrets",), table="secrets", label="secrets"),
    AnswerKey("writable_paths", "writable_paths", NAMES, label="volumes", summary=True),
    AnswerKey("read_paths", "read_paths", NAMES, label="read-only paths", summary=True),
    AnswerKey("services", "services", Services(), label="services", summary=True),
    AnswerKey("migrate", "migrations", Migrate(), aliases=("migrations",)),
    AnswerKey("workers", "workers", Workers(), table="workers"),
    AnswerKey("long_running", "long_running", FLAG),
    AnswerKey("dependencies", "dependencies", NAMES),
    AnswerKey("system_packages", "system_packages", Packages(), table="system_packages", names=Packages.STAGES),
)

# the Profile fields answers set, in the order inspect shows them
FIELDS: tuple[str, ...] = tuple(dict.fromkeys(k.field for k in KEYS))
SUMMARY: tuple[str, ...] = tuple(dict.fromkeys(k.field for k in KEYS if k.summary))
BY_NAME: dict[str, AnswerKey] = {k.key: k for k in KEYS}
_SPELLINGS: dict[str, AnswerKey] = {s: k for k in KEYS for s in k.spellings}


def get(key: str) -> AnswerKey:
    return BY_NAME[key]


def label(key: str) -> str:
    return BY_NAME[key].label or key


def lookup(key: str) -> tuple[AnswerKey, str | None] | None:
    """The AnswerKey a ``--set`` key names, and the NAME after its dot (``env.DEBUG``), or None."""
    key = key.strip().replace("-", "_")
    found = _SPELLINGS.get(key)
    if found is not None:
        return found, None
    base, dot, name = key.partition(".")
    found = _SPELLINGS.get(base)
    if found is None or not found.table or not name or found.names and name not in found.names:
        return None
    return found, name


def field_of(key: str) -> str:
    """The Profile field an answer key sets (``port`` -> ``ports``); a field is its own."""
    found = lookup(key)
    return found[0].field if found else key


def known() -> str:
    """The keys --set takes, for an error message."""
    names = []
    for k in KEYS:
        if not k.table:
            names.append(k.key)
        else:
            names += [f"{k.key}.{n}" for n in k.names or ("NAME",)]
    return ", ".join(sorted(set(names) | set(FIELDS) - {"env"}))


# -- the command line --------------------------------------------------------------------
def parse_set(pair: str) -> tuple[str, str]:
    """``"port=8080"`` -> ``("port", "8080")``; an error names the bad pair."""
    key, sep, value = pair.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or not key:
        raise AnswerError(f"--set {pair!r}: expected KEY=VALUE")
    if lookup(key) is None and scope_of(key)[0] is None:
        raise AnswerError(f"--set {pair!r}: unknown key {key!r}{_nearest(key)} (known: {known()})")
    return key, value.strip()


def scope_of(key: str) -> tuple[str | None, str]:
    """``"api.port"`` -> ``("api", "port")``: an answer for one app of a repository of several.
    A key that is an answer key already (``port``, ``env.DEBUG``) has no scope."""
    if lookup(key) is not None:
        return None, key
    scope, dot, rest = key.partition(".")
    if dot and scope and lookup(rest) is not None:
        return scope, rest
    return None, key


def _nearest(key: str) -> str:
    import difflib

    names = [s for s in _SPELLINGS] + [f"{k.key}.{n}" for k in KEYS for n in k.names]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def apply(profile: "Profile", pairs: list[tuple[str, str]], origin: str) -> None:
    """Apply ``(key, value)`` answers to ``profile`` in order, noting each with its ``origin``
    (Profile.answered); a key given twice is noted once, with the value that wins."""
    found = []
    for given, value in pairs:
        answer = lookup(given)
        if answer is None:
            raise AnswerError(f"--set {given}={value}: unknown key {given!r} (known: {known()})")
        found.append(answer)
    last = {(key.key, name): i for i, (key, name) in enumerate(found)}
    for i, ((given, value), (key, name)) in enumerate(zip(pairs, found)):
        for item, text in key.kind.expand(key, name, value, given):
            key.kind.apply(profile, key, item, text, given)
            if item is not None and key.field == "env":
                profile.origins[f"env.{item}"] = origin
        if last[(key.key, name)] == i:
            profile.answered(key.field, origin, (given, value))


# -- the saved file ----------------------------------------------------------------------
def read_toml(data: dict, fail: Callable[[str, tuple[str, ...]], Exception]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The answers in a TOML table as ``(pair key, value, TOML path for the line)``.

    ``fail(message, path)`` makes the error to raise for the value at ``path``."""
    found = []
    for written, value in data.items():
        key = _SPELLINGS.get(written.replace("-", "_"))
        if key is None:
            files = [k.table or k.key for k in KEYS]
            raise fail(f"unknown key {written!r} (known: {', '.join(dict.fromkeys(files))})", (written,))
        items = key.kind.read_toml(key, written, value,
                                   lambda message, sub: fail(message, (written,) + ((sub,) if sub else ())))
        found += [(pair, text, (written,) + ((sub,) if sub else ())) for pair, text, sub in items]
    return found


def canonical(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``--set``-style pairs as one value per key (the last one wins), in the spelling the file uses:
    ``ports`` is ``port``, ``env=A=1`` is ``env.A``, ``secrets=A,B`` is ``secret.A`` and ``secret.B``."""
    merged: dict[str, str] = {}
    for given, value in pairs:
        found = lookup(given)
        if found is None:
            merged[given] = value
            continue
        key, name = found
        for item, text in key.kind.expand(key, name, value, given):
            merged[f"{key.key}.{item}" if item is not None else key.key] = text
    return merged


def to_table(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The answers as the saved file's table (plain keys first, then ``[env]``, ``[secrets]``...),
    in the order of KEYS."""
    merged = canonical(pairs)
    table: dict[str, Any] = {}
    for key in KEYS:
        if not key.table and key.key in merged:
            table[key.key] = key.kind.to_toml(merged[key.key])
    for key in KEYS:
        prefix = key.key + "."
        named = {k[len(prefix):]: key.kind.to_toml(v) for k, v in merged.items() if k.startswith(prefix)}
        if key.table and named:
            table[key.table] = named
    return table


def dumps(pairs: list[tuple[str, str]], table: str = "") -> str:
    """The answers as TOML (written by tomlkit); ``table`` (e.g. "tool.containerize") nests them."""
    import tomlkit

    doc = tomlkit.document()
    body: Any = doc
    for part in filter(None, table.split(".")):
        inner = tomlkit.table(is_super_table=part != table.split(".")[-1])
        body.add(part, inner)
        body = inner
    for name, value in to_table(pairs).items():
        body.add(name, _item(value))
    return tomlkit.dumps(doc)


def _item(value: Any):
    import tomlkit

    if isinstance(value, dict):
        sub = tomlkit.table()
        for name, inner in value.items():
            sub.add(name, _item(inner))
        return sub
    return tomlkit.item(value)


# -- showing -----------------------------------------------------------------------------
_SHOWN_BY: dict[str, Kind] = {}
for _key in KEYS:
    _SHOWN_BY.setdefault(_key.field, _key.kind)


def show(profile: "Profile", field: str) -> str:
    """A field's value as a person reads it (``-`` for none)."""
    return _SHOWN_BY[field].show(getattr(profile, field))
