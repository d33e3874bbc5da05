"""Kubernetes manifests for a profile, as plain data (dicts) keyed by their file name under k8s/.

One resource per file, tied together by the recommended labels; ``kustomization.yaml`` lists
them. The backing services (StatefulSet, headless Service, Secret, NetworkPolicy each) sit in a
kustomize component (``k8s/services/``) that can be left out for a managed database.
"""
from __future__ import annotations

import copy
import re

from ..compose import SECRETS_SHIM, secret_name, volume_name
from ..languages.common import listen_env
from ..migrations import k8s_init_container
from ..profile import Profile
from ..services import CATALOG, ServiceSpec, wire
from .runtime import CPU_LIMIT, CPU_REQUEST, Runtime

MANAGED_BY = "containerize"
REGISTRY = "registry.example.com"
IMAGE_TAG = "0.1.0"
SECRETS_MOUNT = "/run/secrets"
INGRESS_NAMESPACE = "ingress-nginx"
# uid/gid of the backing services' images (the postgres, mysql, redis and mongo users of the
# Debian-based official images); with these they start without root
SERVICE_UID = 999
HIGH_UID = 10000

# checks skipped in a manifest, with the reason written beside them
SKIP_DIGEST = ("CKV_K8S_43", "the image digest is only known after the image is pushed; "
                             "pin it with kustomize edit set image NAME@sha256:...")
SKIP_LOW_UID = ("CKV_K8S_40", "the image's files belong to uid {uid}; another uid could not read or write them")


_KEY = re.compile(r"[-._a-zA-Z0-9]{1,253}")  # what a ConfigMap or Secret key may be


def valid_key(name: str) -> bool:
    return bool(_KEY.fullmatch(name))


def labels(name: str, component: str, part_of: str | None = None) -> dict[str, str]:
    return {"app.kubernetes.io/name": name if component == "app" else f"{name}-{component}",
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": part_of or name,
            "app.kubernetes.io/managed-by": MANAGED_BY}


def selector(name: str, component: str) -> dict[str, str]:
    full = labels(name, component)
    return {k: full[k] for k in ("app.kubernetes.io/name", "app.kubernetes.io/component")}


def _meta(name: str, namespace: str, component: str, resource: str | None = None,
          skips: list[tuple[str, str]] | None = None, part_of: str | None = None) -> dict:
    meta: dict = {"name": resource or name, "namespace": namespace, "labels": labels(name, component, part_of)}
    if skips:
        meta["annotations"] = {f"checkov.io/skip{i + 1}": f"{check}={reason}"
                               for i, (check, reason) in enumerate(skips)}
    return meta


def image_name(name: str) -> str:
    return f"{REGISTRY}/{name}"


def _escape_k8s(value: str) -> str:
    """Kubernetes expands $(VAR) in command and args; $$ keeps a $ as written."""
    return value.replace("$", "$$")


def _resources(memory: tuple[str, str]) -> dict:
    return {"requests": {"cpu": CPU_REQUEST, "memory": memory[0]},
            "limits": {"cpu": CPU_LIMIT, "memory": memory[1]}}


def _container_security(read_only: bool = True) -> dict:
    return {"allowPrivilegeEscalation": False, "privileged": False, "readOnlyRootFilesystem": read_only,
            "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}


def _pod_security(uid: int | None, gid: int | None) -> dict:
    sec: dict = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    if uid is not None:
        sec["runAsUser"] = uid
    if gid is not None:
        sec["runAsGroup"] = gid
        sec["fsGroup"] = gid
    return sec


def _probes(profile: Profile) -> dict:
    if not profile.ports:
        return {}
    if profile.health_path:
        action: dict = {"httpGet": {"path": profile.health_path, "port": "http"}}
        if profile.tls:  # the kubelet doesn't verify the app's certificate
            action["httpGet"]["scheme"] = "HTTPS"
    else:
        action = {"tcpSocket": {"port": "http"}}
    return {
        "startupProbe": {**action, "periodSeconds": 2, "failureThreshold": 60, "timeoutSeconds": 3},
        "readinessProbe": {**action, "periodSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 3},
        "livenessProbe": {**action, "periodSeconds": 20, "failureThreshold": 3, "timeoutSeconds": 3},
    }


def scratch_volume(path: str) -> str:
    return "scratch-" + volume_name(path)


def _has_shell(profile: Profile) -> bool:
    return profile.build.shell


def app_manifests(profile: Profile, name: str, rt: Runtime, *, project: str | None = None,
                  image: str | None = None, peers_in: list[tuple[str, int]] = (),
                  peers_out: list[tuple[str, int]] = (), extra_volumes: list[tuple[dict, dict]] = ()
                  ) -> dict[str, dict]:
    """One app's resources. Alone, ``name`` is the app, its namespace and its project; in a repository
    of several apps ``project`` is the namespace, the part-of label and the backing services' prefix,
    ``peers_in``/``peers_out`` the apps (name, port) it is reached by / reaches, ``extra_volumes``
    (volume, mount) pairs added to the pod."""
    project = project or name
    ns = project
    out: dict[str, dict] = {}
    server = bool(profile.ports)
    skips = [SKIP_DIGEST]
    if rt.uid is not None and rt.uid < HIGH_UID:
        skips.append((SKIP_LOW_UID[0], SKIP_LOW_UID[1].format(uid=rt.uid)))

    # settings: a ConfigMap with the non-secret env vars
    config: dict[str, str] = {}
    listening = listen_env(profile)
    for var in profile.env:
        if var.secret or not valid_key(var.name):
            continue
        if profile.port_env and var.name == profile.port_env and profile.ports:
            config[var.name] = str(profile.ports[0])
        elif var.name in listening:  # a loopback listen address: all interfaces
            config[var.name] = listening[var.name]
        elif var.default is not None:
            config[var.name] = var.default
    for service in profile.services:
        spec = CATALOG.get(service.kind)
        var = profile.env_var(service.env_var) if service.env_var else None
        if spec and var and not var.secret:
            config[var.name] = spec.url.format(host=service_host(profile, project, service.kind), password="")
        if spec:  # the app reads the host from an env var: point it at the service
            for env_name in wire(profile, service.kind).app_env:
                conn_host = next((c.host_env for c in profile.connections if c.kind == service.kind
                                  and c.host_env == env_name), None)
                if conn_host and valid_key(conn_host):
                    config[conn_host] = service_host(profile, project, service.kind)
    config_name = f"{name}-config"
    out["configmap.yaml"] = {"apiVersion": "v1", "kind": "ConfigMap",
                             "metadata": _meta(name, ns, "app", config_name, part_of=project), "data": config}

    container: dict = {"name": "app", "image": f"{image or image_name(name)}:{IMAGE_TAG}",
                       "imagePullPolicy": "Always"}
    env: list[dict] = []
    volumes: list[dict] = []
    mounts: list[dict] = []
    secrets = [v for v in profile.secrets if valid_key(v.name)]
    secret_name_k8s = f"{name}-secrets"
    if secrets:
        out["secret.yaml"] = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                              "metadata": _meta(name, ns, "app", secret_name_k8s, part_of=project)}
        # files under /run/secrets, as in compose (never env vars in the manifest)
        volumes.append({"name": "secrets", "secret": {
            "secretName": secret_name_k8s, "defaultMode": 0o440,
            "items": [{"key": v.name, "path": secret_name(v.name)} for v in secrets]}})
        mounts.append({"name": "secrets", "mountPath": SECRETS_MOUNT, "readOnly": True})
        if _has_shell(profile):
            container["command"] = ["/bin/sh", "-c", SECRETS_SHIM.replace("$$", "$"), "--"]
            container["args"] = [_escape_k8s(a) for a in profile.entrypoint]
        else:
            for var in secrets:
                env.append({"name": f"{var.name}_FILE", "value": f"{SECRETS_MOUNT}/{secret_name(var.name)}"})
    if env:
        container["env"] = env
    container["envFrom"] = [{"configMapRef": {"name": config_name}}]
    if server:
        container["ports"] = [{"name": "http", "containerPort": profile.ports[0], "protocol": "TCP"}]
    for path in rt.scratch:
        volumes.append({"name": scratch_volume(path), "emptyDir": {"sizeLimit": "64Mi"}})
        mounts.append({"name": scratch_volume(path), "mountPath": path})
    for path in profile.writable_paths:
        claim = f"{name}-{volume_name(path)}"
        out[f"pvc-{volume_name(path)}.yaml"] = _pvc(name, ns, "app", claim, "1Gi", part_of=project)
        volumes.append({"name": volume_name(path), "persistentVolumeClaim": {"claimName": claim}})
        mounts.append({"name": volume_name(path), "mountPath": path})
    for path in profile.read_paths:
        claim = f"{name}-{volume_name(path)}"
        out[f"pvc-{volume_name(path)}.yaml"] = _pvc(name, ns, "app", claim, "1Gi", read_only=True, part_of=project)
        volumes.append({"name": volume_name(path),
                        "persistentVolumeClaim": {"claimName": claim, "readOnly": True}})
        mounts.append({"name": volume_name(path), "mountPath": path, "subPath": path.rsplit("/", 1)[-1],
                       "readOnly": True} if not path.endswith("/") and "." in path.rsplit("/", 1)[-1]
                      else {"name": volume_name(path), "mountPath": path, "readOnly": True})
    for volume, mount in extra_volumes:
        volumes.append(volume)
        mounts.append(mount)
    if mounts:
        container["volumeMounts"] = mounts
    container["resources"] = _resources(rt.memory)
    container["securityContext"] = _container_security()
    container.update(_probes(profile))
    pod: dict = {"automountServiceAccountToken": False, "securityContext": _pod_security(rt.uid, rt.gid),
                 "containers": [container]}
    init = k8s_init_container(profile, container)  # migrations, before the app starts
    if init:
        pod["initContainers"] = [init]
    if volumes:
        pod["volumes"] = volumes
    template = {"metadata": {"labels": labels(name, "app", project)}, "spec": pod}
    if server or profile.long_running:  # a long-running app with no port: a Deployment with no Service nor probe
        out["deployment.yaml"] = {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": _meta(name, ns, "app", skips=skips + ([] if server else WORKER_SKIPS), part_of=project),
            "spec": {"replicas": 1, "selector": {"matchLabels": selector(name, "app")},
                     "strategy": {"type": "Recreate"} if profile.writable_paths else {"type": "RollingUpdate"},
                     "template": template}}
    if server:
        out["service.yaml"] = {
            "apiVersion": "v1", "kind": "Service", "metadata": _meta(name, ns, "app", part_of=project),
            "spec": {"type": "ClusterIP", "selector": selector(name, "app"),
                     "ports": [{"name": "http", "port": profile.ports[0], "targetPort": "http",
                                "protocol": "TCP"}]}}
    elif not profile.long_running:
        pod["restartPolicy"] = "Never"
        out["job.yaml"] = {
            "apiVersion": "batch/v1", "kind": "Job", "metadata": _meta(name, ns, "app", skips=skips, part_of=project),
            "spec": {"backoffLimit": 2, "ttlSecondsAfterFinished": 3600, "template": template}}
    out["networkpolicy.yaml"] = _app_policy(profile, name, ns, project, peers_in, peers_out)
    for worker in profile.workers:
        out.update(_worker_manifests(worker, name, ns, project, container, pod, skips, out["networkpolicy.yaml"]))
    return out


WORKER_SKIPS = [("CKV_K8S_8", "it listens on no port to probe; Kubernetes restarts it when it exits"),
                ("CKV_K8S_9", "it listens on no port to probe; it takes no traffic")]


def _worker_manifests(worker, name: str, ns: str, project: str | None, container: dict, pod: dict,
                      skips: list[tuple[str, str]], app_policy: dict) -> dict[str, dict]:
    """A Deployment for a process that runs beside the app from its image (no port, no probes, no Service),
    and its NetworkPolicy: nothing in, out to what the app reaches."""
    from ..workers import service_name

    component = f"worker-{service_name(worker)}"
    box = {k: copy.deepcopy(v) for k, v in container.items()
           if k not in ("ports", "livenessProbe", "readinessProbe", "startupProbe")}
    box["name"] = service_name(worker)
    box["args"] = [_escape_k8s(a) for a in worker.command]  # after the secrets shim, or instead of the CMD
    spec = {k: copy.deepcopy(v) for k, v in pod.items() if k != "initContainers"}
    spec["containers"] = [box]
    policy = copy.deepcopy(app_policy)
    policy["metadata"] = _meta(name, ns, component, f"{name}-{component}", part_of=project)
    policy["spec"]["podSelector"] = {"matchLabels": selector(name, component)}
    policy["spec"]["ingress"] = []
    return {
        f"deployment-{service_name(worker)}.yaml": {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": _meta(name, ns, component, f"{name}-{service_name(worker)}", skips + WORKER_SKIPS,
                              project),
            "spec": {"replicas": 1, "selector": {"matchLabels": selector(name, component)},
                     "template": {"metadata": {"labels": labels(name, component, project)}, "spec": spec}}},
        f"networkpolicy-{service_name(worker)}.yaml": policy}


def _pvc(name: str, ns: str, component: str, claim: str, size: str, read_only: bool = False,
         part_of: str | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": _meta(name, ns, component, claim, part_of=part_of),
            "spec": {"accessModes": ["ReadOnlyMany" if read_only else "ReadWriteOnce"],
                     "resources": {"requests": {"storage": size}}}}


DNS_EGRESS = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                      "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
              "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}


def _app_policy(profile: Profile, name: str, ns: str, project: str | None = None,
                peers_in: list[tuple[str, int]] = (), peers_out: list[tuple[str, int]] = ()) -> dict:
    """In from the ingress controller (a server) and the apps that call it; out to DNS, its backing
    services and the apps it calls."""
    project = project or name
    spec: dict = {"podSelector": {"matchLabels": selector(name, "app")}, "policyTypes": ["Ingress", "Egress"]}
    if profile.ports:
        spec["ingress"] = [{
            "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": INGRESS_NAMESPACE}}}],
            "ports": [{"protocol": "TCP", "port": profile.ports[0]}]}]
        spec["ingress"] += [{"from": [{"podSelector": {"matchLabels": selector(peer, "app")}}],
                             "ports": [{"protocol": "TCP", "port": profile.ports[0]}]} for peer, _port in peers_in]
    else:
        spec["ingress"] = []
    egress = [DNS_EGRESS]
    for service in profile.services:
        spec_ = CATALOG.get(service.kind)
        if spec_:
            egress.append({"to": [{"podSelector": {"matchLabels": selector(project, service.kind)}}],
                           "ports": [{"protocol": "TCP", "port": spec_.port}]})
    egress += [{"to": [{"podSelector": {"matchLabels": selector(peer, "app")}}],
                "ports": [{"protocol": "TCP", "port": port}]} for peer, port in peers_out]
    spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": _meta(name, ns, "app", f"{name}-app", part_of=project), "spec": spec}


def _service_exec_probe(spec: ServiceSpec) -> list[str]:
    test = list(spec.healthcheck)
    if test and test[0] == "CMD-SHELL":
        return ["sh", "-c", " ".join(test[1:])]
    return test[1:] if test and test[0] == "CMD" else test


# folders each backing service writes besides its data (emptyDirs on a read-only root)
_SERVICE_SCRATCH = {"postgres": ["/var/run/postgresql", "/tmp"], "mysql": ["/run/mysqld", "/tmp"],
                    "redis": ["/tmp"], "mongodb": ["/tmp"]}
_SERVICE_MEMORY = {"postgres": ("256Mi", "512Mi"), "mysql": ("256Mi", "512Mi"), "redis": ("64Mi", "256Mi"),
                   "mongodb": ("256Mi", "1Gi")}


def service_host(profile: Profile, name: str, kind: str) -> str:
    """The Service a backing service is reached by: the host the code connects to when it names one (``db``,
    as in compose; the namespace is the app's own), else ``<app>-<kind>``."""
    host = wire(profile, kind).name
    return host if host != kind else f"{name}-{kind}"


def service_manifests(profile: Profile, name: str) -> dict[str, dict]:
    """The files of the services component: per backing service a StatefulSet, a headless Service,
    a Secret (no value) for its password and a NetworkPolicy that lets only the app in."""
    out: dict[str, dict] = {}
    for service in profile.services:
        if CATALOG.get(service.kind):
            out.update(backing_service(profile, service.kind, name, [name]))
    return out


def backing_service(profile: Profile, kind: str, project: str, clients: list[str],
                    aliases: list[str] = ()) -> dict[str, dict]:
    """One backing service as ``profile`` wires it, for the apps named in ``clients`` (of ``project``,
    its namespace and prefix); ``aliases``: other host names apps reach it by (a Service each)."""
    spec = CATALOG[kind]
    name = ns = project
    out: dict[str, dict] = {}
    full = service_host(profile, name, kind)
    wiring = wire(profile, kind)
    env: list[dict] = [{"name": k, "value": v} for k, v in wiring.environment.items()]
    volumes: list[dict] = []
    mounts = [{"name": "data", "mountPath": spec.data_path}]
    if kind == "postgres":  # a fresh volume has lost+found at its root: keep the cluster one level down
        env.append({"name": "PGDATA", "value": spec.data_path + "/pgdata"})
    if wiring.password_secret and wiring.password_env:
        secret = f"{full}-password"
        out[f"{kind}-secret.yaml"] = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                                     "metadata": _meta(name, ns, kind, secret)}
        volumes.append({"name": "password", "secret": {"secretName": secret, "defaultMode": 0o440,
                                                       "items": [{"key": "password", "path": "password"}]}})
        mounts.append({"name": "password", "mountPath": SECRETS_MOUNT + "/" + kind, "readOnly": True})
        env.append({"name": wiring.password_env, "value": f"{SECRETS_MOUNT}/{kind}/password"})
    for path in _SERVICE_SCRATCH.get(kind, ["/tmp"]):
        volumes.append({"name": scratch_volume(path), "emptyDir": {"sizeLimit": "64Mi"}})
        mounts.append({"name": scratch_volume(path), "mountPath": path})
    probe = {"exec": {"command": _service_exec_probe(spec)}, "timeoutSeconds": 5}
    container = {
        "name": kind, "image": spec.image, "imagePullPolicy": "Always",
        "ports": [{"name": "tcp", "containerPort": spec.port, "protocol": "TCP"}],
        "env": env, "volumeMounts": mounts, "resources": _resources(_SERVICE_MEMORY.get(kind, ("128Mi", "512Mi"))),
        "securityContext": _container_security(),
        "startupProbe": {**probe, "periodSeconds": 2, "failureThreshold": 60},
        "readinessProbe": {**probe, "periodSeconds": 10},
        "livenessProbe": {**probe, "periodSeconds": 20, "failureThreshold": 3},
    }
    pod: dict = {"automountServiceAccountToken": False,
                 "securityContext": _pod_security(SERVICE_UID, SERVICE_UID),
                 "containers": [container]}
    if volumes:
        pod["volumes"] = volumes
    skips = [(SKIP_DIGEST[0], "an official image by tag; pin its digest with kustomize edit set image"),
             (SKIP_LOW_UID[0], SKIP_LOW_UID[1].format(uid=SERVICE_UID))]
    out[f"{kind}-statefulset.yaml"] = {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": _meta(name, ns, kind, full, skips),
        "spec": {"serviceName": full, "replicas": 1, "selector": {"matchLabels": selector(name, kind)},
                 "template": {"metadata": {"labels": labels(name, kind)}, "spec": pod},
                 "volumeClaimTemplates": [{"metadata": {"name": "data", "labels": labels(name, kind)},
                                           "spec": {"accessModes": ["ReadWriteOnce"],
                                                    "resources": {"requests": {"storage": "1Gi"}}}}]}}
    for host in [full, *[a for a in aliases if a != full]]:
        fname = f"{kind}-service.yaml" if host == full else f"{kind}-service-{host}.yaml"
        out[fname] = {
            "apiVersion": "v1", "kind": "Service", "metadata": _meta(name, ns, kind, host),
            "spec": {"clusterIP": "None", "selector": selector(name, kind),
                     "ports": [{"name": "tcp", "port": spec.port, "targetPort": "tcp", "protocol": "TCP"}]}}
    out[f"{kind}-networkpolicy.yaml"] = {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _meta(name, ns, kind, full),
        "spec": {"podSelector": {"matchLabels": selector(name, kind)}, "policyTypes": ["Ingress", "Egress"],
                 "ingress": [{"from": [{"podSelector": {"matchLabels": selector(client, "app")}}
                                       for client in clients],
                              "ports": [{"protocol": "TCP", "port": spec.port}]}],
                 "egress": [DNS_EGRESS]}}
    return out


def namespace(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels(name, "app")}}
