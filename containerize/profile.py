"""The checklist answers for one project, as plain data.

Analyzers fill a Profile; the questionnaire and ``--set`` adjust it; the
renderer reads it. Nothing here knows about files on disk or templates.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .answer_keys import DETECTED, FIELDS
from .plan import BuildPlan

# The answers every profile has, in the order `inspect` shows them (declared in answer_keys.KEYS).
ANSWER_KEYS = FIELDS


@dataclass
class Evidence:
    """Why an answer is what it is: a place in the tree (when there is one) and a reason."""

    why: str
    file: str | None = None
    line: int | None = None
    confidence: float = 0.9
    # an answer given (not detected): where it came from, and the (key, value) as given
    origin: str | None = None
    answer: tuple[str, str] | None = None

    def where(self) -> str:
        if not self.file:
            return "-"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class EnvVar:
    name: str
    default: str | None = None
    secret: bool = False


@dataclass
class Service:
    """A backing service the app talks to (postgres, redis, ...)."""

    kind: str
    env_var: str | None = None  # how the app finds it, e.g. DATABASE_URL


@dataclass
class Connection:
    """How the code reaches one backing service: the host, port, user, database and password it uses, each
    a literal from the code or the env var it is read from (with that var's default), and where it was seen."""

    kind: str
    host: str | None = None
    host_env: str | None = None
    port: int | None = None
    user: str | None = None
    user_env: str | None = None
    database: str | None = None
    database_env: str | None = None
    # "literal" (in the code), "env" (an env var holds the value), "env-file" (an env var holds the path
    # of a file that holds it), "file" (a fixed path, e.g. /run/secrets/db-password)
    password_source: str | None = None
    password_env: str | None = None
    password_path: str | None = None
    url_env: str | None = None
    scheme: str | None = None
    file: str | None = None
    line: int | None = None
    why: str = ""
    optional: str | None = None  # why the app runs without it: the code connects only when an env var is set


@dataclass
class Migration:
    """A one-time step run before the app starts, once per deploy (database migrations and the like): the
    tool, the command the app's own image runs, and why (where it was seen)."""

    tool: str
    command: list[str]
    file: str | None = None
    line: int | None = None
    why: str = ""
    confidence: float = 0.9


@dataclass
class Worker:
    """A process that runs beside the app from the same image (a Procfile's worker, a Celery worker): its
    name, its command, and why (where it was seen)."""

    name: str
    command: list[str]
    file: str | None = None
    line: int | None = None
    why: str = ""


@dataclass
class Profile:
    root: str = "."
    language: str | None = None
    framework: str | None = None
    package_manager: str | None = None
    runtime_version: str | None = None
    compiled: bool = False
    build_command: list[str] | None = None
    entrypoint: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    port_env: str | None = None
    health_path: str | None = None
    # the app answers HTTPS on its port with its own certificate (hapi's ``tls:``, ``https.createServer``):
    # health checks ask https:// and don't verify the certificate
    tls: bool = False
    env: list[EnvVar] = field(default_factory=list)
    writable_paths: list[str] = field(default_factory=list)
    read_paths: list[str] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    # run before the app starts (compose: a one-shot service the app waits for; Kubernetes: an initContainer)
    migrations: list[Migration] = field(default_factory=list)
    # processes that run beside the app from its image (compose: a service each; Kubernetes: a Deployment each)
    workers: list[Worker] = field(default_factory=list)
    # no port, but it runs until stopped (a chat bot, a polling loop): restarted, never awaited to finish
    long_running: bool = False
    dependencies: list[str] = field(default_factory=list)
    # Debian packages: "build" ones in the build stage, "runtime" ones in the final image.
    system_packages: dict[str, list[str]] = field(default_factory=lambda: {"build": [], "runtime": []})
    # Language-specific details the templates need (manifests to copy, install method, ...):
    # the language's typed plan (languages/<lang>/plan.py), a BuildPlan.
    build: BuildPlan = field(default_factory=BuildPlan)
    # a project that is about to be written (containerize init), not one read from code
    new_project: bool = False
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    # field (or "env.NAME") -> where the answer that set it came from (SET_ORIGIN, ASKED_ORIGIN,
    # the saved file's label); a field that is not here was detected
    origins: dict[str, str] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # -- recording answers -------------------------------------------------
    def note(self, key: str, why: str, file: str | None = None, line: int | None = None,
             confidence: float = 0.9) -> None:
        self.evidence.setdefault(key, []).append(Evidence(why, file, line, confidence))

    def confidence(self, key: str) -> float:
        notes = self.evidence.get(key)
        return max((e.confidence for e in notes), default=0.0)

    def origin(self, key: str) -> str:
        """Where the answer to field ``key`` came from: an answer's origin, or "detected"."""
        return self.origins.get(key, DETECTED)

    def answered(self, key: str, origin: str, answer: tuple[str, str]) -> None:
        """Field ``key`` was set by ``answer`` (the (key, value) as given) from ``origin``."""
        self.note(key, f"{origin}: {answer[0]}={answer[1]}", confidence=1.0)
        self.evidence[key][-1].origin, self.evidence[key][-1].answer = origin, answer
        self.origins[key] = origin

    def add_port(self, port: int, why: str, file: str | None = None, line: int | None = None,
                 confidence: float = 0.9) -> None:
        """A port the app listens on (ignored unless 1..65535), with the evidence for it."""
        if not 0 < port < 65536:
            return
        if port not in self.ports:
            self.ports.append(port)
        self.note("ports", why, file, line, confidence)

    @property
    def is_server(self) -> bool:
        return bool(self.ports)

    def _env_index(self) -> dict[str, EnvVar]:
        """Env vars by name (the first of a name), rebuilt when ``env`` was replaced or resized."""
        cached = self.__dict__.get("_env_by_name")
        if cached is None or cached[0] is not self.env or cached[1] != len(self.env):
            cached = (self.env, len(self.env), {e.name: e for e in reversed(self.env)})
            self.__dict__["_env_by_name"] = cached
        return cached[2]

    def env_var(self, name: str) -> EnvVar | None:
        return self._env_index().get(name)

    def add_env(self, name: str, default: str | None = None, secret: bool = False) -> EnvVar:
        index = self._env_index()
        found = index.get(name)
        if found is None:
            found = EnvVar(name, default, secret)
            self.env.append(found)
            index[name] = found
            self.__dict__["_env_by_name"] = (self.env, len(self.env), index)
        else:
            if found.default is None and default is not None:
                found.default = default
            found.secret = found.secret or secret
        return found

    @property
    def secrets(self) -> list[EnvVar]:
        return [e for e in self.env if e.secret]

    # -- output ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        # the evidence (thousands of notes in a large project) is not copied field by field only to be rebuilt
        data = asdict(replace(self, evidence={}, origins={}))
        del data["origins"]
        data["evidence"] = {
            key: [{"file": e.file, "line": e.line, "why": e.why, "confidence": e.confidence} for e in notes]
            for key, notes in self.evidence.items()
        }
        data["confidence"] = {key: self.confidence(key) for key in self.evidence}
        data["server"] = self.is_server
        data["origin"] = {key: self.origin(key) for key in ANSWER_KEYS}
        return data
