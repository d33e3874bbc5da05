"""What the Python Dockerfile needs to know about the build, beyond the shared answers."""
from __future__ import annotations

from dataclasses import dataclass, field
from ...plan import INTERNAL, BuildPlan

WORKDIR = "/app"
STATE_DIR = "/var/lib/app"  # the volume for files the app writes beside its code


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
    # caps installed with the requirements for an old pin a newer dependency breaks (compat.BREAKS): werkzeug<3
    caps: list[str] = field(default_factory=list)
    # requirements.txt written from the imports, for a project with no manifest
    generated_requirements: list[str] = field(default_factory=list)
    # a new project's starter requirements.txt (its distribution names)
    starter_requirements: list[str] = field(default_factory=list)
    workdir: str = WORKDIR
    # every requirement file pip reads (those included with -r / -c too), copied at their own paths
    requirement_files: list[str] = field(default_factory=list)
    # a dependency comes from a git URL: the build stage has git
    git: bool = False
    # pdm.lock has no environment markers: re-lock (reusing its versions) before exporting
    pdm_relock: bool = False
    # Django with STATIC_ROOT: `manage.py collectstatic` at build time (Manifest storage needs its manifest)
    collectstatic: bool = False
    # secrets the settings require (no default) set to a placeholder for that build-time command only
    build_placeholders: list[str] = field(default_factory=list)
    # the placeholder of a secret that holds a URL: a URL of its kind (the settings parse it)
    placeholder_urls: dict[str, str] = field(default_factory=dict)
    # files the app (or its framework) writes in its own folder or a folder of its code (paths under the
    # workdir, names unique): kept in state_dir (a volume) by name, linked from their paths, so the code stays
    # read-only and the file stays a file
    state_files: list[str] = field(default_factory=list)
    state_dir: str = ""
    # servers bound to a loopback address in code: (file, line, address, env var it is read from or None);
    # read again after the answers (a start command given then), shown as warnings and not as the plan
    loopback: list[tuple[str, int, str, str | None]] = field(default_factory=list, metadata=INTERNAL)
    # servers a declared dependency brings through an extra (fastapi[standard]: uvicorn): never installed again
    servers_brought: list[str] = field(default_factory=list, metadata=INTERNAL)

    def requirement_copies(self) -> list[tuple[list[str], str]]:
        """COPY instructions for the requirement files, each file at its own path (an included
        ``-r requirements/base.txt`` is read relative to the file that includes it): (files, destination)."""
        by_folder: dict[str, list[str]] = {}
        for rel in self.requirement_files or self.requirements:
            folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else "./"
            by_folder.setdefault(folder, []).append(rel)
        return [(files, folder) for folder, files in by_folder.items()]

    def collectstatic_command(self) -> str:
        """Django's collectstatic, with a placeholder for each secret the settings require (that step only)."""
        placeholders = "".join(f"{name}={self.placeholder_urls.get(name, 'build-time-placeholder')} "
                               for name in self.build_placeholders)
        return f"{placeholders}python manage.py collectstatic --noinput"

    def state_links(self) -> str:
        """Shell steps that move each state file the source ships into state_dir and link it from the workdir."""
        steps = []
        for name in self.state_files:  # a file in a folder of the code (src/blog/blog.db) is kept by its name
            here, there = f"{self.workdir}/{name}", f"{self.state_dir}/{name.rsplit('/', 1)[-1]}"
            steps.append(f"{{ [ ! -e {here} ] || mv {here} {there}; }} \\\n && ln -s {there} {here}")
        # one chown at the end, of the folder only: the moved files become the app user's
        steps.append(f"chown -R 10001:10001 {self.state_dir}")
        return " \\\n && ".join(steps)
