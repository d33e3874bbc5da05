"""The compose side of a run: the project's normalized compose model, which service is the app,
and the override verify adds on top (our image, random host ports on 127.0.0.1, no restarts, a
quick health interval, labels on everything, throwaway secrets)."""
from __future__ import annotations

import json
import secrets as random_tokens
import subprocess
from pathlib import Path
from typing import Any

import yaml

from ..migrations import MIGRATE_SERVICE
from ..profile import Profile
from ..services import CATALOG
from . import docker
from .record import LABEL, START_FAILED, Run, VerifyError

# secret names a URL can be made for when the profile doesn't say which service they belong to
_URL_SECRETS = {"database_url": ("postgres", "mysql", "mongodb"), "db_url": ("postgres", "mysql", "mongodb"),
                "postgres_url": ("postgres",), "postgresql_url": ("postgres",), "mysql_url": ("mysql",),
                "redis_url": ("redis",), "cache_url": ("redis",), "mongodb_url": ("mongodb",),
                "mongo_url": ("mongodb",), "mongodb_uri": ("mongodb",), "mongo_uri": ("mongodb",)}


def command(run: Run, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """``docker compose`` on the run's project (with the override)."""
    assert run.created.compose_cmd is not None
    return docker.run([*run.created.compose_cmd, *args], check=check, timeout=timeout)


def config(run: Run) -> dict:
    """The normalized compose model of the project (or a minimal one when it has no compose file)."""
    assert run.created.workdir is not None
    if run.compose_file is None:
        run.result.notes.append("no compose file: the image ran with its own settings")
        synth = run.created.workdir / "compose.yaml"
        synth.write_text(yaml.safe_dump({"services": {"app": {"image": run.created.tags[0]}}}))
        run.compose_file = synth
    done = docker.run(["compose", "--project-directory", str(run.root), "-f", str(run.compose_file),
                       "config", "--format", "json"], check=False, timeout=120)
    if done.returncode != 0:
        raise VerifyError("compose", f"{run.compose_file.name} is not a valid compose file",
                          done.stderr.strip()[-2000:], START_FAILED)
    return json.loads(done.stdout)


def app_service(run: Run, config: dict) -> str:
    """The service built from the project folder (else ``app``, else the first that builds)."""
    services = config.get("services") or {}
    with_build = [name for name, svc in services.items() if svc.get("build")]
    for name in with_build:
        ctx = (services[name].get("build") or {}).get("context")
        if ctx and Path(ctx).resolve() == run.root:
            return name
    if "app" in services:
        return "app"
    if with_build:
        return with_build[0]
    if services:
        return next(iter(services))
    raise VerifyError("compose", f"{run.compose_file}: no services", code=START_FAILED)


def override(run: Run, config: dict, app: str, ports: list[int], tag: str) -> Path:
    """Write the override file; its path."""
    assert run.created.workdir is not None
    labels = {LABEL: run.run_id}
    services: dict[str, dict] = {}
    for name in config.get("services") or {}:
        services[name] = {"labels": dict(labels)}
    services[app].update({"image": tag, "pull_policy": "never", "restart": "no",
                          "healthcheck": {"interval": "2s"}})
    if (config["services"].get(MIGRATE_SERVICE) or {}).get("build"):  # the app's one-shot migrations run the
        # image under test, never a build of it (a tool's own image, Flyway's, stays)
        services[MIGRATE_SERVICE].update({"image": tag, "pull_policy": "never"})
    if ports:
        services[app]["ports"] = _Override([f"127.0.0.1::{p}" for p in ports])
    doc: dict[str, Any] = {"services": services}
    networks = {name: {"labels": dict(labels)} for name, net in (config.get("networks") or {}).items()
                if not net.get("external")}
    if networks:
        doc["networks"] = networks
    volumes = {name: {"labels": dict(labels)} for name, vol in (config.get("volumes") or {}).items()
               if not vol.get("external")}
    if volumes:
        doc["volumes"] = volumes
    secret_files = _secrets(run, config)
    if secret_files:
        doc["secrets"] = {name: {"file": str(path)} for name, path in secret_files.items()}
    path = run.created.workdir / "compose.override.yaml"
    path.write_text(yaml.dump(doc, Dumper=_Dumper, sort_keys=False))
    return path


def _secrets(run: Run, config: dict) -> dict[str, Path]:
    """Throwaway values (never printed) for every file secret of the compose file."""
    assert run.created.workdir is not None
    names = [name for name, sec in (config.get("secrets") or {}).items() if "file" in sec]
    if not names:
        return {}
    folder = run.created.workdir / "secrets"
    folder.mkdir(mode=0o700)
    values = secret_values(names, run.profile, list(config.get("services") or {}))
    paths = {}
    for i, name in enumerate(names):
        path = folder / f"secret-{i}"  # not the name: compose takes ".." as one
        path.write_text(values[name])
        path.chmod(0o644)  # the app's non-root user reads it through a bind mount
        paths[name] = path
    run.result.secrets = names
    run.result.notes.append(f"secrets: throwaway values made for this run ({', '.join(names)}), "
                            "deleted afterwards; the project's own secret files were not used")
    return paths


def secret_values(names: list[str], profile: Profile | None, services: list[str]) -> dict[str, str]:
    """A random value for each secret; a URL for the ones that reach a backing service
    (built from that service's generated password, with the catalog's URL template)."""
    values: dict[str, str] = {}
    for name in names:
        if name.endswith("_password"):
            values[name] = random_tokens.token_hex(16)
    tied: dict[str, str] = {}
    if profile:
        for svc in profile.services:
            if svc.env_var:
                tied[svc.env_var.lower()] = svc.kind
    for name in names:
        if name in values:
            continue
        kind = tied.get(name)
        if kind is None:
            kind = next((k for k in _URL_SECRETS.get(name, ()) if k in services), None)
        spec = CATALOG.get(kind) if kind else None
        if spec and kind in services and spec.url:
            values[name] = spec.url.format(host=kind, password=values.get(f"{kind}_password", ""))
        else:
            values[name] = random_tokens.token_hex(24)
    return values


class _Override(list):
    """A list that replaces (``!override``) instead of merging in compose."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Override, lambda d, v: d.represent_sequence("!override", list(v)))
