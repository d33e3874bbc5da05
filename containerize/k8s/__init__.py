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


HEADER = "# Made by containerize for {name}; apply the whole set with: kubectl apply -k {folder}/\n"


def render_k8s(profile: Profile, name: str, dockerfile: str | None) -> dict[str, str]:
    """File name (under k8s/) -> YAML text."""
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
    files = {f"{FOLDER}/{fname}": header + to_yaml(doc) for fname, doc in docs.items()}
    files[f"{FOLDER}/kustomization.yaml"] = header + to_yaml(kustomization)
    if services:
        for fname, doc in services.items():
            files[f"{FOLDER}/{SERVICES}/{fname}"] = header + to_yaml(doc)
        component = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component",
                     "resources": list(services)}
        files[f"{FOLDER}/{SERVICES}/kustomization.yaml"] = (
            "# The backing services; leave this component out of ../kustomization.yaml to use managed ones.\n"
            + to_yaml(component))
    return files
