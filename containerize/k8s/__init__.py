"""``containerize --k8s``: Kubernetes manifests under k8s/, one resource per file, applied with
``kubectl apply -k k8s/``.

runtime.py    what the container needs (user, scratch folders, init, resources), shared with compose
manifests.py  the resources as plain data
"""
from __future__ import annotations

import yaml

from ..profile import Profile
from .runtime import Runtime, runtime

FOLDER = "k8s"
SERVICES = "services"  # the component folder with the backing services

__all__ = ["FOLDER", "SERVICES", "render_k8s", "render_k8s_apps", "to_yaml", "Runtime", "runtime"]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # every manifest spelled out, no &anchors
        return True


def _str(dumper: yaml.SafeDumper, value: str):
    style = '"' if (value == "" or value.isdigit() or ":" in value or "$" in value
                    or value.lower() in ("yes", "no", "on", "off", "true", "false", "null", "~")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000)


def resource_name(name: str) -> str:
    """A name every resource can carry (a DNS-1035 label, with room for the longest suffix)."""
    name = "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in name.lower()).strip("-")
    if not name or not name[0].isalpha():
        name = "app-" + name
    return name[:40].rstrip("-")


HEADER = "# Made by containerize for {name}; apply the whole set with: kubectl apply -k {folder}/\n"


def render_k8s(profile: Profile, name: str, dockerfile: str | None) -> dict[str, str]:
    """File name (under k8s/) -> YAML text."""
    name = resource_name(name)
    from . import manifests  # (it reads compose's names; compose reads runtime from here)

    rt = runtime(profile, dockerfile)
    docs: dict[str, dict] = {"namespace.yaml": manifests.namespace(name)}
    docs.update(manifests.app_manifests(profile, name, rt))
    services = manifests.service_manifests(profile, name)
    kustomization: dict = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                           "namespace": name, "resources": list(docs)}
    if services:
        kustomization["components"] = [SERVICES]
    kustomization["images"] = [{"name": manifests.image_name(name), "newName": manifests.image_name(name),
                                "newTag": manifests.IMAGE_TAG}]
    header = HEADER.format(name=name, folder=FOLDER)
    notes = _notes(profile, name, docs, services)
    files = {f"{FOLDER}/{fname}": header + notes.get(fname, "") + to_yaml(doc) for fname, doc in docs.items()}
    files[f"{FOLDER}/kustomization.yaml"] = header + notes["kustomization.yaml"] + to_yaml(kustomization)
    if services:
        for fname, doc in services.items():
            files[f"{FOLDER}/{SERVICES}/{fname}"] = header + notes.get(fname, "") + to_yaml(doc)
        component = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component",
                     "resources": list(services)}
        files[f"{FOLDER}/{SERVICES}/kustomization.yaml"] = (
            "# The backing services; leave this component out of ../kustomization.yaml to use managed ones.\n"
            + to_yaml(component))
    return files


def _comment(lines: list[str]) -> str:
    return "".join(f"#   {line}\n" if line else "#\n" for line in lines)


def _notes(profile: Profile, name: str, docs: dict, services: dict) -> dict[str, str]:
    """Comments at the top of the files that need a step from the user."""
    from . import manifests

    ns = name
    image = manifests.image_name(name)
    notes = {"kustomization.yaml": _comment([
        "Set the image you pushed (tag or digest) before applying:",
        f"  cd {FOLDER} && kustomize edit set image {image}=<registry>/<repository>:<tag>",
        "Create the secrets (see secret.yaml) first, then:",
        f"  kubectl apply -k {FOLDER}/",
    ] + ([f"The backing services come from the {SERVICES}/ component; remove the components: entry",
          "to use managed ones and point the app's connection settings at them."] if services else []))}
    secret_doc = docs.get("secret.yaml")
    if secret_doc is not None:
        keys = [v.name for v in profile.secrets if manifests.valid_key(v.name)]
        literal = " ".join(f"--from-literal={k}=<value>" for k in keys)
        notes["secret.yaml"] = _comment([
            "No values here, ever. Create them in the cluster before applying (values stay out of git):",
            f"  kubectl create namespace {ns} --dry-run=client -o yaml | kubectl apply -f -",
            f"  kubectl -n {ns} create secret generic {secret_doc['metadata']['name']} {literal}",
            "The app reads each key as a file under /run/secrets (lower case), exported as the env var.",
        ])
    for fname, doc in services.items():
        if doc["kind"] == "Secret":
            kind = fname.split("-", 1)[0]
            notes[fname] = _comment([
                f"The {kind} password; create it before applying:",
                f"  kubectl -n {ns} create secret generic {doc['metadata']['name']} --from-literal=password=<value>",
                f"Connection URLs the app reads must use this password and the host {name}-{kind}.",
            ])
    return notes


# -- a repository of several apps -------------------------------------------------------------------
def render_k8s_apps(project: str, apps: list[tuple[str, Profile, str | None]],
                    calls: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The manifests of several apps in one namespace (``project``): ``apps`` is (compose service,
    profile, Dockerfile) each, ``calls`` front end -> the app its nginx passes API calls to. Each app's
    resources sit in k8s/<app>/ and carry its name (its Service is named as its compose service, so
    the host names the apps use in compose resolve in the cluster too); the backing services once, in
    the services component. Returns the files (path -> YAML text) and notes for the user."""
    from . import manifests, nginx

    ns = resource_name(project)
    calls = calls or {}
    names: dict[str, str] = {}
    for service, _p, _d in apps:  # compose names that become one Kubernetes name (a_b, a-b) get a number
        name, n = resource_name(service), 1
        while name in names.values():
            n += 1
            name = resource_name(service)[:36].rstrip("-") + f"-{n}"
        names[service] = name
    profiles = {service: profile for service, profile, _d in apps}
    notes: list[str] = []
    for service, name in names.items():
        if name != service and service in calls.values():
            notes.append(f"k8s: the Service of {service!r} is named {name!r} (a Kubernetes name); "
                         "the front end that calls it by its compose name will not reach it")
    component = SERVICES if SERVICES not in names.values() else "backing-services"
    peers_in: dict[str, list[tuple[str, int]]] = {}
    peers_out: dict[str, list[tuple[str, int]]] = {}
    for front, target in calls.items():
        if front in names and target in names and profiles[target].ports:
            port = profiles[target].ports[0]
            peers_out.setdefault(front, []).append((names[target], port))
            peers_in.setdefault(target, []).append((names[front], port))
    header = HEADER.format(name=project, folder=FOLDER)
    files: dict[str, str] = {f"{FOLDER}/namespace.yaml": header + to_yaml(manifests.namespace(ns))}
    resources = ["namespace.yaml"]
    images = []
    secrets_to_create: list[str] = []
    for service, profile, dockerfile in apps:
        name = names[service]
        image = manifests.image_name(f"{ns}-{name}")
        extra: list[tuple[dict, dict]] = []
        docs: dict[str, dict] = {}
        conf = nginx.for_kubernetes(dockerfile or "") if service in calls else None
        if conf is not None:
            config = f"{name}-nginx"
            docs["nginx-configmap.yaml"] = {
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": config, "namespace": ns, "labels": manifests.labels(name, "app", ns)},
                "data": {nginx.CONF_FILE: conf}}
            extra.append(({"name": "nginx-conf", "configMap": {"name": config}},
                          {"name": "nginx-conf", "mountPath": nginx.CONF_DIR, "readOnly": True}))
        elif service in calls:
            notes.append(f"k8s: {service}: its nginx configuration was not found in its Dockerfile; "
                         "its API calls may not reach the API in the cluster")
        docs.update(manifests.app_manifests(profile, name, runtime(profile, dockerfile), project=ns, image=image,
                                            peers_in=peers_in.get(service, []),
                                            peers_out=peers_out.get(service, []), extra_volumes=extra))
        for fname, doc in docs.items():
            text = header
            if fname == "secret.yaml":
                text += _secret_note(profile, ns, doc["metadata"]["name"])
                secrets_to_create.append(f"{name}/secret.yaml")
            files[f"{FOLDER}/{name}/{fname}"] = text + to_yaml(doc)
            resources.append(f"{name}/{fname}")
        images.append({"name": image, "newName": image, "newTag": manifests.IMAGE_TAG})
    services: dict[str, dict] = {}
    kinds = list(dict.fromkeys(s.kind for _svc, p, _d in apps for s in p.services if s.kind in manifests.CATALOG))
    for kind in kinds:
        users = [(names[svc], p) for svc, p, _d in apps if any(s.kind == kind for s in p.services)]
        first = users[0][1]
        aliases = [manifests.service_host(p, ns, kind) for _n, p in users[1:]]
        services.update(manifests.backing_service(first, kind, ns, [n for n, _p in users], aliases))
    kustomization: dict = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                           "namespace": ns, "resources": resources}
    if services:
        kustomization["components"] = [component]
    kustomization["images"] = images
    service_notes = _service_notes(services, ns)
    for fname, doc in services.items():
        files[f"{FOLDER}/{component}/{fname}"] = header + service_notes.get(fname, "") + to_yaml(doc)
    if services:
        files[f"{FOLDER}/{component}/kustomization.yaml"] = (
            "# The backing services; leave this component out of ../kustomization.yaml to use managed ones.\n"
            + to_yaml({"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component",
                       "resources": list(services)}))
    secrets_to_create += [f"{component}/{f}" for f, d in services.items() if d["kind"] == "Secret"]
    top = _comment(
        ["Set the image of each app you pushed (tag or digest) before applying:", f"  cd {FOLDER}"]
        + [f"  kustomize edit set image {i['name']}=<registry>/<repository>:<tag>" for i in images]
        + (["Create the secrets first (the commands are at the top of each file):"]
           + [f"  {s}" for s in secrets_to_create] if secrets_to_create else [])
        + ["Then:", f"  kubectl apply -k {FOLDER}/"]
        + ([f"The backing services come from the {component}/ component; remove the components: entry",
            "to use managed ones and point the apps' connection settings at them."] if services else []))
    files[f"{FOLDER}/kustomization.yaml"] = header + top + to_yaml(kustomization)
    return files, notes


def _secret_note(profile: Profile, ns: str, secret: str) -> str:
    from . import manifests

    keys = [v.name for v in profile.secrets if manifests.valid_key(v.name)]
    literal = " ".join(f"--from-literal={k}=<value>" for k in keys)
    return _comment([
        "No values here, ever. Create them in the cluster before applying (values stay out of git):",
        f"  kubectl create namespace {ns} --dry-run=client -o yaml | kubectl apply -f -",
        f"  kubectl -n {ns} create secret generic {secret} {literal}",
        "The app reads each key as a file under /run/secrets (lower case), exported as the env var.",
    ])


def _service_notes(services: dict[str, dict], ns: str) -> dict[str, str]:
    notes = {}
    for fname, doc in services.items():
        if doc["kind"] == "Secret":
            kind = fname.split("-", 1)[0]
            secret = doc["metadata"]["name"]
            notes[fname] = _comment([
                f"The {kind} password; create it before applying:",
                f"  kubectl -n {ns} create secret generic {secret} --from-literal=password=<value>",
                f"Connection URLs the apps read must use this password and the host {secret[:-len('-password')]}.",
            ])
    return notes
