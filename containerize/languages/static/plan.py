"""What the static-site Dockerfile template reads (``b.<field>``)."""
from __future__ import annotations

from dataclasses import dataclass

from ...plan import BuildPlan


@dataclass
class StaticPlan(BuildPlan):
    kind: str = "static"
    site_dir: str = "."  # the folder nginx serves ("." for the project's top)
