"""A new static site (containerize init): nginx serves the folder as it is."""
from __future__ import annotations

from ...profile import Profile
from ..base import Starter
from .plan import StaticPlan

NGINX_PORT = 8080  # the port nginx-unprivileged listens on in the image


def _starter_defaults(profile: Profile, framework: str | None) -> None:
    profile.framework = None
    profile.entrypoint = ["nginx", "-g", "daemon off;"]
    profile.note("entrypoint", "a new static site: nginx serves this folder as it is", confidence=0.5)
    profile.ports = [NGINX_PORT]
    profile.note("ports", "nginx-unprivileged listens on 8080", confidence=1.0)
    profile.health_path = "/"
    profile.note("health_path", "a new static site: its index.html", confidence=0.5)
    profile.build = StaticPlan(site_dir=".")


def _starter_finish(profile: Profile) -> None:
    if profile.ports != [NGINX_PORT]:
        profile.warnings.append(f"nginx in the image listens on {NGINX_PORT}; publish it on another port of the host "
                                "with HOST_PORT=... docker compose up")
        profile.ports = [NGINX_PORT]
    if not isinstance(profile.build, StaticPlan):
        profile.build = StaticPlan(site_dir=".")
    profile.build.next_steps = ["Write `index.html` (and the rest of the site) in this folder: nginx serves the "
                                "files as they are, and the health check asks for `/`."]


STARTER = Starter([("none", "plain HTML, CSS and JavaScript, served as they are (no build step)")],
                  _starter_defaults, _starter_finish)
