"""What the shell-script Dockerfile template reads (``b.<field>``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan

WORKDIR = "/app"


@dataclass
class ShellPlan(BuildPlan):
    script: str = "start.sh"      # the script the start command runs, relative to the project
    interpreter: str = "bash"     # bash or sh (the script's #! line)
    base: str = "debian_slim"     # image role: debian_slim, or python_runtime when the script runs python3
    packages: list[str] = field(default_factory=list)  # Debian packages for the commands the script runs
    workdir: str = WORKDIR
