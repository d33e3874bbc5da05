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

__all__ = ["FOLDER", "SERVICES", "render_k8s", "to_yaml", "Runtime", "runtime"]


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
