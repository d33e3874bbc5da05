"""``containerize verify --k8s``: run the pod specs of the project's k8s/ manifests with the local
Docker engine the way Kubernetes would run them, and run the probes they declare.

No cluster is needed. The manifests are rendered with ``kubectl kustomize`` (or read file by file
when kubectl is missing); each backing service's StatefulSet pod, then the app's Deployment (or
Job) pod, becomes one container with: the built image, the pod's uid/gid (and fsGroup as an extra
group), a read-only root filesystem when the manifest asks for one, every emptyDir as an empty
world-writable folder (a tmpfs when its medium is Memory), a
Docker volume per PersistentVolumeClaim, the ConfigMap's settings as env vars, the Secrets' keys
(throwaway values) as files where the manifest mounts them, the capabilities it drops and adds,
no-new-privileges when privilege escalation is off, and the Service names as network aliases.
Then the startup probe must pass (within --timeout), and the readiness and liveness probes once.
"""
from __future__ import annotations

import re
import secrets as random_tokens
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import render, write
from ..services import CATALOG
from . import build, checks, context, docker, probe, project
from .record import BUILD_FAILED, NO_DOCKER, START_FAILED, USAGE, Options, Result, Run, VerifyError
from .run import execute
from .start import App, exited_early, wait_for_exit

FOLDER = "k8s"
WORKLOADS = ("Deployment", "Job", "StatefulSet")


@dataclass
class Pod:
    """One workload's pod, as read from the manifests."""

    kind: str
    name: str
    spec: dict
    aliases: list[str] = field(default_factory=list)  # the Services that select it

    @property
    def container(self) -> dict:
        return (self.spec.get("containers") or [{}])[0]

    def port_number(self, port) -> int | None:
        if isinstance(port, int):
            return port
        for p in self.container.get("ports") or []:
            if p.get("name") == port:
                return int(p["containerPort"])
        return int(port) if str(port).isdigit() else None


def verify(options: Options, progress=None) -> Result:
    return execute(options, progress, _phases)


def _phases(run: Run) -> None:
    project.load(run)
    reason = docker.available()
    if reason:
        raise VerifyError("no-docker", f"{reason}. `containerize verify --k8s` needs a running Docker engine "
                          "(start it, or point DOCKER_HOST at one).", code=NO_DOCKER)
    if run.options.generate:
        _generate(run)
    if not (run.root / FOLDER / "kustomization.yaml").is_file():
        raise VerifyError("usage", f"{run.root} has no {FOLDER}/kustomization.yaml: run `containerize "
                          f"{run.options.path} --k8s` first, or pass --generate.", code=USAGE)
    docs = manifests(run.root / FOLDER)
    run.created.workdir = Path(tempfile.mkdtemp(prefix=f"containerize-verify-{run.run_id}-"))
    project.provide(run)
    ctx = run.created.workdir / "context"
    try:
        context.copy_context(run.root, ctx)
    except OSError as exc:
        raise VerifyError("build", f"the build context could not be copied: {exc}", code=BUILD_FAILED) from None
    tag = build.image(run, ctx)
    app, services = pods(docs)
    network = f"cverify{run.run_id}"
    docker.run(["network", "create", "--label", run.label, network])
    values = secret_values(docs, services, run)
    configs = {d["metadata"]["name"]: d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"}
    for pod in services:
        run.progress.update(f"Starting {pod.name} ({pod.kind})")
        cid = start_pod(run, pod, pod.container.get("image", ""), network, configs, values)
        _startup(run, pod, cid, None, time.monotonic(), label=pod.name)
    run.progress.update(f"Starting the app's pod ({app.kind} {app.name})")
    started = time.monotonic()
    cid = start_pod(run, app, tag, network, configs, values, publish=True)
    run.result.run["container"] = cid
    info = docker.inspect("container", cid)
    hardening(run, app, info)
    if app.kind == "Job":
        run.result.kind = "batch"
        info, took = wait_for_exit(run, App(cid, None, started))
        checks.batch(run, App(cid, None, started), info, took)
    else:
        run.result.kind = "server"
        _startup(run, app, cid, info, started, label="the app")
        checks.non_root(run, cid, docker.inspect("container", cid), running=True)
    run.result.check("dependency cache", "skip", "not checked with --k8s")


def _generate(run: Run) -> None:
    """Write the missing manifests (never overwrite one)."""
    if run.profile is None:
        return
    try:
        files = render.render(run.profile, k8s=True)
    except render.RenderError as exc:
        raise VerifyError("usage", f"can't generate the manifests: {exc}", code=USAGE) from None
    missing = {n: t for n, t in files.items() if (n.startswith(FOLDER + "/") or n in ("Dockerfile", ".dockerignore"))
               and not (run.root / n).exists()}
    if missing:
        try:
            write.write_all(run.root, missing, force=False)
        except write.WriteError as exc:
            raise VerifyError("usage", str(exc), code=USAGE) from None
    run.result.generated = list(missing)


# -- reading the manifests ---------------------------------------------------------

def manifests(folder: Path) -> list[dict]:
    """The resources the kustomization renders (kubectl kustomize), else every YAML file in the folder."""
    kubectl = shutil.which("kubectl")
    text = None
    if kubectl:
        try:
            done = subprocess.run([kubectl, "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            done = None
        if done is None or done.returncode != 0:
            raise VerifyError("manifests", f"kubectl kustomize {folder} failed",
                              (done.stderr if done else "timed out")[-2000:], USAGE)
        text = done.stdout
    docs: list[dict] = []
    try:
        if text is not None:
            docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
        else:
            for path in sorted(folder.rglob("*.yaml")):
                if path.name != "kustomization.yaml":
                    docs += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
    except (yaml.YAMLError, OSError) as exc:
        raise VerifyError("manifests", f"the manifests under {folder} can't be read: {exc}", code=USAGE) from None
    return docs


def pods(docs: list[dict]) -> tuple[Pod, list[Pod]]:
    """The app's pod (the Deployment, else the Job) and the backing services' pods."""
    found: list[Pod] = []
    for doc in docs:
        kind = doc.get("kind")
        if kind not in WORKLOADS:
            continue
        spec = ((doc.get("spec") or {}).get("template") or {}).get("spec") or {}
        pod = Pod(kind, (doc.get("metadata") or {}).get("name", kind.lower()), spec)
        pod_labels = (((doc.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {}
        for svc in docs:
            sel = (svc.get("spec") or {}).get("selector") if svc.get("kind") == "Service" else None
            if sel and all(pod_labels.get(k) == v for k, v in sel.items()):
                pod.aliases.append(svc["metadata"]["name"])
        if kind == "StatefulSet" and (doc.get("spec") or {}).get("serviceName"):
            pod.aliases.append(doc["spec"]["serviceName"])
        if kind == "StatefulSet":
            claims = (doc.get("spec") or {}).get("volumeClaimTemplates") or []
            pod.spec = {**spec, "volumes": [*(spec.get("volumes") or []),
                                            *({"name": c["metadata"]["name"], "persistentVolumeClaim":
                                               {"claimName": f"{c['metadata']['name']}-{pod.name}-0"}}
                                              for c in claims)]}
        found.append(pod)
    apps = [p for p in found if p.kind in ("Deployment", "Job")]
    if not apps:
        raise VerifyError("manifests", "the manifests have no Deployment or Job to run", code=USAGE)
    return apps[0], [p for p in found if p.kind == "StatefulSet"]


def secret_values(docs: list[dict], services: list[Pod], run: Run) -> dict[str, dict[str, str]]:
    """Throwaway values for every key a pod reads from a Secret: passwords are random, and a key
    the app uses to reach a backing service is that service's URL with its password."""
    wanted: dict[str, set[str]] = {}
    for doc in docs:
        if doc.get("kind") not in WORKLOADS:
            continue
        spec = ((doc.get("spec") or {}).get("template") or {}).get("spec") or {}
        for vol in spec.get("volumes") or []:
            sec = vol.get("secret")
            if sec:
                wanted.setdefault(sec["secretName"], set()).update(i["key"] for i in sec.get("items") or [])
        for c in spec.get("containers") or []:
            for env in c.get("env") or []:
                ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    wanted.setdefault(ref["name"], set()).add(ref["key"])
    values: dict[str, dict[str, str]] = {}
    passwords: dict[str, str] = {}  # service kind -> password
    hosts: dict[str, str] = {}
    for pod in services:
        kind = pod.container.get("name", "")
        hosts[kind] = pod.aliases[0] if pod.aliases else pod.name
        for name in wanted:
            if name.endswith(f"-{kind}-password"):
                passwords[kind] = random_tokens.token_hex(16)
                values[name] = {k: passwords[kind] for k in wanted[name]}
    tied = {svc.env_var: svc.kind for svc in (run.profile.services if run.profile else []) if svc.env_var}
    for name, keys in wanted.items():
        if name in values:
            continue
        values[name] = {}
        for key in sorted(keys):
            kind = tied.get(key)
            spec = CATALOG.get(kind) if kind else None
            if spec and kind in hosts:
                values[name][key] = spec.url.format(host=hosts[kind], password=passwords.get(kind, ""))
            else:
                values[name][key] = random_tokens.token_hex(24)
    if values:
        run.result.secrets = sorted(f"{n}/{k}" for n, keys in values.items() for k in keys)
        run.result.notes.append("secrets: throwaway values made for this run, deleted afterwards")
    return values


# -- running a pod ----------------------------------------------------------------

_VAR = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def expand(value: str, env: dict[str, str]) -> str:
    """Kubernetes' $(VAR) expansion in command, args and env values ($$ is a literal $)."""
    return _VAR.sub(lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), value)


def docker_args(run: Run, pod: Pod, image: str, network: str, configs: dict[str, dict],
                values: dict[str, dict[str, str]], publish: bool = False) -> list[str]:
    """The ``docker run`` arguments that run the pod's container as Kubernetes would."""
    assert run.created.workdir is not None
    c = pod.container
    pod_sec = pod.spec.get("securityContext") or {}
    sec = {**pod_sec, **(c.get("securityContext") or {})}
    name = f"cverify{run.run_id}-{pod.name}"[:60]
    args = ["run", "-d", "--name", name, "--label", run.label, "--network", network, "--hostname", pod.name[:63]]
    for alias in pod.aliases:
        args += ["--network-alias", alias]
    uid, gid = sec.get("runAsUser"), sec.get("runAsGroup")
    if pod.kind == "StatefulSet" and uid is not None:
        uid, gid = _service_user(run, image, pod.container.get("name", ""), uid, gid)
    if uid is not None:
        args += ["--user", f"{uid}:{gid}" if gid is not None else str(uid)]
    if pod_sec.get("fsGroup") is not None:
        args += ["--group-add", str(gid if pod.kind == "StatefulSet" and gid is not None else pod_sec["fsGroup"])]
    if sec.get("readOnlyRootFilesystem"):
        args.append("--read-only")
    caps = sec.get("capabilities") or {}
    for cap in caps.get("drop") or []:
        args += ["--cap-drop", cap]
    for cap in caps.get("add") or []:
        args += ["--cap-add", cap]
    if sec.get("allowPrivilegeEscalation") is False:
        args += ["--security-opt", "no-new-privileges:true"]
    limits = (c.get("resources") or {}).get("limits") or {}
    if limits.get("memory"):
        args += ["--memory", _bytes(str(limits["memory"]))]
    if limits.get("cpu"):
        args += ["--cpus", _cpus(str(limits["cpu"]))]
    env: dict[str, str] = {}
    for src in c.get("envFrom") or []:
        ref = (src.get("configMapRef") or {}).get("name")
        if ref:
            env.update({k: str(v) for k, v in (configs.get(ref) or {}).items()})
        sref = (src.get("secretRef") or {}).get("name")
        if sref:
            env.update(values.get(sref) or {})
    for item in c.get("env") or []:
        if "value" in item:
            env[item["name"]] = expand(str(item["value"]), env)
        else:
            ref = (item.get("valueFrom") or {})
            if ref.get("secretKeyRef"):
                env[item["name"]] = (values.get(ref["secretKeyRef"]["name"]) or {}).get(ref["secretKeyRef"]["key"], "")
            elif ref.get("configMapKeyRef"):
                cm = ref["configMapKeyRef"]
                env[item["name"]] = str((configs.get(cm["name"]) or {}).get(cm["key"], ""))
    env_file = run.created.workdir / f"{pod.name}.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items() if "\n" not in v))
    args += ["--env-file", str(env_file)]
    volumes = {v["name"]: v for v in pod.spec.get("volumes") or []}
    for mount in c.get("volumeMounts") or []:
        vol = volumes.get(mount["name"]) or {}
        path = mount["mountPath"]
        ro = ",readonly" if mount.get("readOnly") else ""
        if "emptyDir" in vol and (vol["emptyDir"] or {}).get("medium") == "Memory":
            args += ["--tmpfs", f"{path}:rw,nosuid,nodev"]
        elif "emptyDir" in vol:
            # what the kubelet makes: an empty folder with mode 0777 (a tmpfs would take the mode of
            # the image's folder at that path, which the pod's user may not be able to write)
            empty = run.created.workdir / "emptydir" / f"{pod.name}-{mount['name']}"
            empty.mkdir(parents=True, exist_ok=True)
            empty.chmod(0o777)
            args += ["--mount", f"type=bind,source={empty},target={path}"]
        elif "secret" in vol:
            folder = _secret_folder(run, vol["secret"], values)
            src = folder / mount["subPath"] if mount.get("subPath") else folder
            args += ["--mount", f"type=bind,source={src},target={path},readonly"]
        elif "persistentVolumeClaim" in vol:
            claim = vol["persistentVolumeClaim"]["claimName"]
            local = run.root / path.lstrip("/")
            if mount.get("readOnly") and local.exists():
                # data the app only reads: the project's own copy, as compose mounts it
                args += ["--mount", f"type=bind,source={local},target={path},readonly"]
            elif mount.get("subPath"):
                # one file of a claim (Docker 20 mounts no volume subpath): an empty file stands in
                stand_in = run.created.workdir / f"claim-{claim}-{mount['subPath'].replace('/', '-')}"
                stand_in.touch()
                args += ["--mount", f"type=bind,source={stand_in},target={path}{ro}"]
            else:
                volume = f"cverify{run.run_id}-{claim}"
                docker.run(["volume", "create", "--label", run.label, volume])
                args += ["--mount", f"type=volume,source={volume},target={path}{ro}"]
        elif "configMap" in vol:
            folder = run.created.workdir / f"cm-{mount['name']}"
            folder.mkdir(exist_ok=True)
            for k, v in (configs.get(vol["configMap"]["name"]) or {}).items():
                (folder / k).write_text(str(v))
            args += ["--mount", f"type=bind,source={folder},target={path},readonly"]
    ports = [int(p["containerPort"]) for p in c.get("ports") or []]
    if publish:
        for port in ports:
            args += ["-p", f"127.0.0.1::{port}"]
    command = [expand(str(a), env) for a in c.get("command") or []]
    cargs = [expand(str(a), env) for a in c.get("args") or []]
    if command:
        args += ["--entrypoint", command[0]]
    args.append(image)
    args += command[1:] + cargs
    return args


def start_pod(run: Run, pod: Pod, image: str, network: str, configs: dict, values: dict,
              publish: bool = False) -> str:
    args = docker_args(run, pod, image, network, configs, values, publish)
    done = docker.run(args, check=False, timeout=300)
    if done.returncode != 0:
        raise VerifyError("start", f"the {pod.kind} {pod.name} could not be started as its pod spec says",
                          done.stderr.strip()[-3000:], START_FAILED)
    return done.stdout.strip()


def _service_user(run: Run, image: str, kind: str, uid: int, gid: int | None) -> tuple[int, int | None]:
    """The uid a backing service's image really has for its user: the manifest names the official
    image's (999); a local stand-in image may number it differently."""
    done = docker.run(["run", "--rm", "--entrypoint", "cat", image, "/etc/passwd"], check=False, timeout=120)
    if done.returncode != 0:
        return uid, gid
    users = {}
    for line in done.stdout.splitlines():
        fields = line.split(":")
        if len(fields) >= 4 and fields[2].isdigit() and fields[3].isdigit():
            users[fields[0]] = (int(fields[2]), int(fields[3]))
    if any(u == uid for u, _ in users.values()):
        return uid, gid
    for name in (kind, kind.removesuffix("db"), "mysql" if kind == "mysql" else kind):
        if name in users:
            run.result.notes.append(f"{image}: its {name} user is uid {users[name][0]} here, not {uid} as in the "
                                    f"official image the manifest is written for; ran it as {users[name][0]}")
            return users[name]
    return uid, gid


def _secret_folder(run: Run, secret: dict, values: dict[str, dict[str, str]]) -> Path:
    assert run.created.workdir is not None
    folder = run.created.workdir / "secrets" / secret["secretName"]
    folder.mkdir(parents=True, exist_ok=True)
    data = values.get(secret["secretName"]) or {}
    items = secret.get("items") or [{"key": k, "path": k} for k in data]
    for item in items:
        target = folder / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data.get(item["key"], ""))
        target.chmod(0o644)  # bind mounts keep the owner: the pod's user reads it as fsGroup would let it
    return folder


def _bytes(quantity: str) -> str:
    units = {"Ki": "k", "Mi": "m", "Gi": "g", "K": "k", "M": "m", "G": "g"}
    for suffix, unit in units.items():
        if quantity.endswith(suffix):
            return quantity[: -len(suffix)] + unit
    return quantity


def _cpus(quantity: str) -> str:
    return str(int(quantity[:-1]) / 1000) if quantity.endswith("m") else quantity


# -- probes -------------------------------------------------------------------------

def run_probe(pod: Pod, probe_spec: dict, cid: str, info: dict) -> tuple[bool, str]:
    """One try of a probe: did it succeed, and what it saw."""
    timeout = float(probe_spec.get("timeoutSeconds") or 1)
    if "httpGet" in probe_spec:
        get = probe_spec["httpGet"]
        port = pod.port_number(get.get("port"))
        host_port = _published(info, port) if port else None
        if host_port is None:
            return False, f"port {get.get('port')} is not published"
        answer = probe.http_get("127.0.0.1", host_port, get.get("path") or "/", timeout=timeout,
                                tls=get.get("scheme") == "HTTPS")
        ok = answer.status is not None and 200 <= answer.status < 400
        return ok, f"GET {get.get('path') or '/'}: {answer.status if answer.status is not None else answer.error}"
    if "tcpSocket" in probe_spec:
        port = pod.port_number(probe_spec["tcpSocket"].get("port"))
        host_port = _published(info, port) if port else None
        if host_port is None:
            return False, f"port {probe_spec['tcpSocket'].get('port')} is not published"
        try:
            with socket.create_connection(("127.0.0.1", host_port), timeout=timeout) as sock:
                sock.settimeout(0.3)
                try:  # Docker's proxy accepts and closes at once while nothing listens inside
                    closed = sock.recv(1) == b""
                except (socket.timeout, TimeoutError):
                    closed = False
                except OSError:
                    closed = True
            return (not closed), f"TCP {port}: " + ("closed at once" if closed else "accepted")
        except OSError as exc:
            return False, f"TCP {port}: {exc}"
    if "exec" in probe_spec:
        command = probe_spec["exec"].get("command") or []
        done = docker.run(["exec", cid, *command], check=False, timeout=max(timeout, 10))
        return done.returncode == 0, f"{' '.join(command)}: exit {done.returncode}"
    return False, "a probe kind verify doesn't run"


def _published(info: dict, port: int) -> int | None:
    bindings = ((info.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{port}/tcp") or []
    return next((int(b["HostPort"]) for b in bindings if b.get("HostPort")), None)


def _startup(run: Run, pod: Pod, cid: str, info: dict | None, started: float, label: str) -> None:
    """The startup probe until it passes (bounded by --timeout), then readiness and liveness once."""
    c = pod.container
    timeout = run.options.timeout
    declared = [(k, c[k]) for k in ("startupProbe", "readinessProbe", "livenessProbe") if c.get(k)]
    if not declared:
        run.result.check(f"probes ({label})", "warn", "the manifest declares no probe")
        return
    first_name, first = declared[0]
    period = min(float(first.get("periodSeconds") or 10), 2.0)
    run.progress.update(f"Waiting for the {first_name} of {label} (up to {timeout:.0f}s)")
    seen = ""
    while True:
        info = docker.inspect("container", cid)
        state = info.get("State") or {}
        if not state.get("Running"):
            raise exited_early(cid, state, f"before its {first_name} passed")
        ok, seen = run_probe(pod, first, cid, info)
        if ok:
            break
        if time.monotonic() - started > timeout:
            raise VerifyError("probe", f"the {first_name} of {label} did not pass within {timeout:.0f}s ({seen})",
                              "--- its last log lines\n" + docker.logs(cid, 30), START_FAILED)
        time.sleep(period)
    took = round(time.monotonic() - started, 1)
    run.result.check(f"{first_name} ({label})", "pass", f"passed after {took}s ({seen})")
    run.progress.done(f"{label}: {first_name} passed after {took}s")
    if label == "the app":
        run.result.run.update({"port": pod.port_number("http"), "answered_after": took,
                               "start_to_healthy": took})
    for probe_name, spec in declared[1:]:
        ok, seen = run_probe(pod, spec, cid, docker.inspect("container", cid))
        run.result.check(f"{probe_name} ({label})", "pass" if ok else "fail", seen)


def hardening(run: Run, pod: Pod, info: dict) -> None:
    """What the container really got, compared with what the pod spec asks."""
    host = info.get("HostConfig") or {}
    sec = {**(pod.spec.get("securityContext") or {}), **(pod.container.get("securityContext") or {})}
    wanted = []
    if sec.get("readOnlyRootFilesystem"):
        wanted.append(("read-only root filesystem", bool(host.get("ReadonlyRootfs"))))
    if "ALL" in ((sec.get("capabilities") or {}).get("drop") or []):
        wanted.append(("all capabilities dropped", "ALL" in (host.get("CapDrop") or [])))
    if sec.get("allowPrivilegeEscalation") is False:
        wanted.append(("no-new-privileges", any("no-new-privileges" in o for o in host.get("SecurityOpt") or [])))
    bad = [w for w, ok in wanted if not ok]
    detail = ", ".join(w for w, _ in wanted) or "the pod spec asks for no hardening"
    run.result.check("pod security", "fail" if bad else "pass",
                     ("not applied: " + ", ".join(bad)) if bad else f"runs with {detail}")
