"""What the Python Dockerfile needs to know about the build, beyond the shared answers."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan

WORKDIR = "/app"


@dataclass
class PythonPlan(BuildPlan):
    # how the dependencies are installed:
    # requirements | pyproject | poetry | uv | pipenv | pdm | setup | imports | none
    install: str = "requirements"
    # files copied before the source, so editing the code keeps the dependency layer cached
    manifests: list[str] = field(default_factory=list)
    # requirement files installed with `pip install -r`
    requirements: list[str] = field(default_factory=list)
    # the project itself is a package (build-system / setup.py): `pip install .` after the dependencies
    installable: bool = False
    # packages the start command needs but the project doesn't declare (a WSGI/ASGI server)
    extra_packages: list[str] = field(default_factory=list)
    # requirements.txt written from the imports, for a project with no manifest
    generated_requirements: list[str] = field(default_factory=list)
    # a new project's starter requirements.txt (its distribution names)
    starter_requirements: list[str] = field(default_factory=list)
    workdir: str = WORKDIR
