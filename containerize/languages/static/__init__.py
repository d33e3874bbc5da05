"""Static sites: HTML files with no build step, served by an unprivileged nginx."""
from __future__ import annotations

import json

from ...profile import Evidence, Profile
from ...scan import SourceTree
from ..base import Analyzer, Detection
from .plan import StaticPlan
from .starter import NGINX_PORT, STARTER

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
    except (json.JSONDecodeError, RecursionError):  # too deep: read (and refused) by the Node analyzer
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
    profile.ports = [NGINX_PORT]
    profile.note("ports", f"nginx-unprivileged listens on {NGINX_PORT}", confidence=1.0)
    profile.health_path = "/"
    profile.note("health_path", f"the site's {index}", index, None, 0.9)
    pages = len(tree.with_suffix(".html", ".htm"))
    profile.note("dependencies", f"{pages} HTML page(s), no build step", confidence=0.9)
    profile.build = StaticPlan(site_dir=folder)


ANALYZER = Analyzer("static", detect, analyze, starter=STARTER)

