"""Static sites: HTML files with no build step, served by an unprivileged nginx."""
from __future__ import annotations

import json

from ...profile import Evidence, Profile
from ...scan import SourceTree
from ..base import Analyzer, Detection, Starter

# Folders that commonly hold a site that is already built (or never needed building).
SITE_DIRS = ("public", "site", "www", "dist", "build", "_site", "docs", "html")
SERVER_SOURCES = (".py", ".go", ".php", ".rb", ".java", ".rs", ".cs", ".ex")


def site_dir(tree: SourceTree) -> str | None:
    if tree.exists("index.html"):
        return "."
    found = [d for d in SITE_DIRS if tree.exists(f"{d}/index.html")]
    return found[0] if len(found) == 1 else None


def _package_builds(tree: SourceTree) -> bool:
    try:
        data = json.loads(tree.read("package.json") or "{}")
    except json.JSONDecodeError:
        return False
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return isinstance(scripts, dict) and any(k in scripts for k in ("build", "start"))


def detect(tree: SourceTree) -> Detection | None:
    folder = site_dir(tree)
    if folder is None or tree.exists("package.json") and _package_builds(tree):
        return None
    index = "index.html" if folder == "." else f"{folder}/index.html"
    if tree.with_suffix(*SERVER_SOURCES):
        return Detection("static", 45, [Evidence(f"{index}, beside server-side source files", index, None, 0.5)])
    score = 70 if folder == "." else 60
    return Detection("static", score, [Evidence(f"{index} and no build step: a static site", index, None, 0.9)])


def analyze(tree: SourceTree, profile: Profile) -> None:
    folder = site_dir(tree)
    if folder is None:
        raise ValueError(f"{tree.root}: no index.html at the top or in one of {', '.join(SITE_DIRS)}/")
    index = "index.html" if folder == "." else f"{folder}/index.html"
    profile.framework = None
    profile.package_manager = None
    profile.runtime_version = None
    profile.compiled = False
    profile.build_command = None
    profile.entrypoint = ["nginx", "-g", "daemon off;"]
    profile.note("entrypoint", f"{index}: nginx serves the folder {folder}", index, None, 0.9)
    profile.ports = [8080]
    profile.note("ports", "nginx-unprivileged listens on 8080", confidence=1.0)
    profile.health_path = "/"
    profile.note("health_path", f"the site's {index}", index, None, 0.9)
    pages = len(tree.with_suffix(".html", ".htm"))
    profile.note("dependencies", f"{pages} HTML page(s), no build step", confidence=0.9)
    profile.build = {"kind": "static", "site_dir": folder, "shell": True}


# -- a new site (containerize init) ---------------------------------------------------------
NGINX_PORT = 8080  # the port nginx-unprivileged listens on in the image


def _starter_defaults(profile: Profile, framework: str | None) -> None:
    profile.framework = None
    profile.entrypoint = ["nginx", "-g", "daemon off;"]
    profile.note("entrypoint", "a new static site: nginx serves this folder as it is", confidence=0.5)
    profile.ports = [NGINX_PORT]
    profile.note("ports", "nginx-unprivileged listens on 8080", confidence=1.0)
    profile.health_path = "/"
    profile.note("health_path", "a new static site: its index.html", confidence=0.5)
    profile.build = {"kind": "static", "site_dir": ".", "shell": True}


def _starter_finish(profile: Profile) -> None:
    if profile.ports != [NGINX_PORT]:
        profile.warnings.append(f"nginx in the image listens on {NGINX_PORT}; publish it on another port of the host "
                                "with HOST_PORT=... docker compose up")
        profile.ports = [NGINX_PORT]
    profile.build["next_steps"] = ["Write `index.html` (and the rest of the site) in this folder: nginx serves the "
                                   "files as they are, and the health check asks for `/`."]


STARTER = Starter([("none", "plain HTML, CSS and JavaScript, served as they are (no build step)")],
                  _starter_defaults, _starter_finish)

ANALYZER = Analyzer("static", detect, analyze, starter=STARTER)
