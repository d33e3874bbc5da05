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
    env_name: str | None = None  # RAILS_ENV or RACK_ENV, set to production
