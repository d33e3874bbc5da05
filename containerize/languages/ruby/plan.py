"""What the Ruby Dockerfile template reads (``b.<field>``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan


@dataclass
class RubyPlan(BuildPlan):
    workdir: str = "/app"
    gems: bool = False  # a Gemfile that declares gems: a bundle install stage
    gemfiles: list[str] = field(default_factory=list)  # Gemfile and its lock, copied before the install
    bundler: str | None = None  # BUNDLED WITH
    rails: bool = False
    assets: bool = False  # Rails assets are precompiled in the build stage
    bootsnap: bool = False
    # a JavaScript build that assets:precompile runs (jsbundling/cssbundling, Shakapacker, Vite Ruby): Node's
    # version (copied from the node image into the build stage), the manifests and the install command
    node_version: str = ""
    js_files: list[str] = field(default_factory=list)
    js_install: str = ""
    env_name: str | None = None  # RAILS_ENV or RACK_ENV, set to production
