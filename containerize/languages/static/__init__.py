"""Static sites: HTML files with no build step, served by an unprivileged nginx.

A ``Staticfile`` (Cloud Foundry's staticfile buildpack, Railpack) or Heroku's ``static.json`` says which folder
is the site (``root:``) and whether unknown paths answer the index page (``pushstate: enabled``,
``index_fallback: true``, a ``"/**"`` route): both are honoured; the options nginx-unprivileged can't carry
(basic auth, forced HTTPS, SSI, includes) are named in a warning.
"""
from __future__ import annotations

import json
import re


from ...profile import Evidence, Profile
from ...scan import SourceTree
from ..base import Analyzer, Detection, forward_names, submodules

plan, starter = submodules(__name__, "plan", "starter")

# Folders that commonly hold a site that is already built (or never needed building).
SITE_DIRS = ("public", "site", "www", "dist", "build", "_site", "docs", "html")
SERVER_SOURCES = (".py", ".go", ".php", ".rb", ".java", ".rs", ".cs", ".ex")


# A folder or page path that may be written into the Dockerfile and nginx's config as it is.
_SAFE_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")
_STATICFILE_UNSUPPORTED = ("force_https", "http_strict_transport_security", "http_strict_transport_security_"
                           "include_subdomains", "ssi", "location_include",
                           "enable_http2", "basic_auth")


def _config(tree: SourceTree) -> tuple[str, dict] | None:
    """(file, settings) of a Staticfile (YAML) or static.json; {} for an empty or unreadable one."""
    for rel in ("Staticfile", "static.json"):
        if not tree.exists(rel):
            continue
        text = tree.read(rel) or ""
        import yaml  # loaded only for a project with a Staticfile

        try:
            data = json.loads(text) if rel.endswith(".json") else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError, RecursionError):
            data = None
        return rel, data if isinstance(data, dict) else {}
    return None


def _root(tree: SourceTree) -> str | None:
    """The folder a Staticfile / static.json names as the site's root, when it is one of the project's folders."""
    found = _config(tree)
    if found is None:
        return None
    value = found[1].get("root", ".")  # no root: the project's top (static.json's default is public_html/)
    if found[0] == "static.json" and "root" not in found[1]:
        value = "public_html"
    if not isinstance(value, str):
        return None
    value = value.strip().strip("/")
    if value in ("", "."):
        return "."
    if value.startswith("./"):
        value = value[2:]
    if not _SAFE_PATH.fullmatch(value) or ".." in value.split("/") or not tree.isdir(value):
        return None
    return value


def _listed(data: dict) -> bool:
    """Staticfile ``directory: visible``: folders without an index page answer a listing."""
    return isinstance(data.get("directory"), str) and data["directory"].strip().lower() == "visible"


def site_dir(tree: SourceTree) -> str | None:
    if (found := _config(tree)) and (root := _root(tree)):
        if tree.exists("index.html" if root == "." else f"{root}/index.html") or _listed(found[1]):
            return root
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
    if (found := _config(tree)) and _root(tree) == folder:
        return Detection("static", 88, [Evidence(f"{found[0]} serves {index}", found[0], None, 0.9)])
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
    profile.ports = [starter.NGINX_PORT]
    profile.note("ports", f"nginx-unprivileged listens on {starter.NGINX_PORT}", confidence=1.0)
    profile.health_path = "/"
    profile.note("health_path", f"the site's {index}", index, None, 0.9)
    pages = len(tree.with_suffix(".html", ".htm"))
    profile.note("dependencies", f"{pages} HTML page(s), no build step", confidence=0.9)
    profile.build = plan.StaticPlan(site_dir=folder)
    if found := _config(tree):
        _settings(tree, profile, found[0], found[1], folder)


def _page(value: object, folder: str, tree: SourceTree) -> str | None:
    """A page path (``/index.html``) the site has, else None."""
    if not isinstance(value, str):
        return None
    rel = value.strip().lstrip("/")
    if not _SAFE_PATH.fullmatch(rel) or ".." in rel.split("/"):
        return None
    return "/" + rel if tree.exists(rel if folder == "." else f"{folder}/{rel}") else None


def _enabled(value: object) -> bool:
    return value is True or isinstance(value, str) and value.strip().lower() in ("enabled", "true", "yes", "on")


def _settings(tree: SourceTree, profile: Profile, rel: str, data: dict, folder: str) -> None:
    """The fallback, the 404 page and the unsupported options of a Staticfile / static.json."""
    b = profile.build
    if "root" in data:
        if _root(tree) == folder:
            profile.note("entrypoint", f"{rel} sets root: {folder}", rel, None, 1.0)
        else:
            profile.warnings.append(f"{rel}: root {str(data.get('root'))[:60]!r} is not a folder with an "
                                    f"index.html here: serving {folder}")
    if rel == "Staticfile":
        for option in ("pushstate", "index_fallback"):
            if _enabled(data.get(option)):
                b.spa_fallback = "/index.html"
                profile.note("health_path", f"{rel}: {option} is on: unknown paths answer index.html", rel, None,
                             1.0)
        if _listed(data):
            b.autoindex = True
            profile.note("entrypoint", f"{rel}: directory: visible: folders without an index page are listed", rel,
                         None, 1.0)
        codes = data.get("status_codes")
        if isinstance(codes, dict):
            b.not_found = _page(codes.get(404, codes.get("404")), folder, tree)
        unsupported = [k for k in _STATICFILE_UNSUPPORTED if k in data]
        if tree.exists("Staticfile.auth"):
            unsupported.append("Staticfile.auth (basic auth)")
    else:
        routes = data.get("routes")
        if isinstance(routes, dict):
            for pattern, target in routes.items():
                if isinstance(target, dict):  # {"path": "index.html", "excepts": [...]}
                    if target.get("excepts"):
                        profile.warnings.append(f"{rel}: the route {str(pattern)[:40]!r} has excepts, which are "
                                                "not carried over: those paths answer the fallback page too")
                    target = target.get("path")
                if pattern in ("/**", "/*", "/**/*") and (page := _page(target, folder, tree)):
                    b.spa_fallback = page
                    profile.note("health_path", f"{rel}: routes {pattern} answer {page}", rel, None, 1.0)
        b.not_found = _page(data.get("error_page"), folder, tree)
        unsupported = [k for k in ("https_only", "basic_auth", "proxies", "redirects", "headers", "canonical_host")
                       if k in data]
    if unsupported:
        profile.warnings.append(f"{rel}: {', '.join(unsupported)} not carried over (the image serves plain HTTP "
                                "with nginx's defaults; add them to the nginx config in the Dockerfile if needed)")


ANALYZER = Analyzer("static", detect, analyze, starter=lambda: starter.STARTER)


# names of the modules loaded on first use, still importable from the package
__getattr__ = forward_names(__name__, (plan, starter), ("StaticPlan", "NGINX_PORT", "STARTER"))
