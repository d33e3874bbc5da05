"""What the static-site Dockerfile template reads (``b.<field>``)."""
from __future__ import annotations

from dataclasses import dataclass

from ...plan import BuildPlan


@dataclass
class StaticPlan(BuildPlan):
    kind: str = "static"
    site_dir: str = "."  # the folder nginx serves ("." for the project's top)
    spa_fallback: str | None = None  # what unknown paths answer (Staticfile pushstate / index_fallback), else 404
    autoindex: bool = False  # Staticfile `directory: visible`: nginx lists folders that have no index.html
    not_found: str | None = None  # the page a 404 shows (Staticfile status_codes, static.json error_page)
