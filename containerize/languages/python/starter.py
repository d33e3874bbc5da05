"""Defaults for a new Python project (``containerize init``): a framework's usual
start command, port and starter requirements.txt."""
from __future__ import annotations

from ...profile import Profile
from ..base import Starter
from .entry import GUNICORN, UVICORN
from .manifests import DEFAULT_PYTHON
from .plan import PythonPlan

PY_STARTS = {
    "flask": ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"],
    "fastapi": ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"],
    "django": ["gunicorn", "--bind", "0.0.0.0:8000", "config.wsgi:application"],
    "none": ["python", "main.py"],
}
PY_PACKAGES = {
    "flask": ["flask>=3,<4"],
    "fastapi": ["fastapi>=0.115,<1"],
    "django": ["django>=5.1,<6"],
    "gunicorn": [GUNICORN],
    "uvicorn": [UVICORN],
    "postgres": ["psycopg[binary]>=3.2,<4"],
    "mysql": ["PyMySQL>=1.1,<2"],
    "redis": ["redis>=5,<6"],
    "mongodb": ["pymongo>=4.8,<5"],
}


def _python_defaults(profile: Profile, framework: str | None) -> None:
    framework = framework if framework in PY_STARTS else "none"
    profile.framework = None if framework == "none" else framework
    profile.package_manager = "pip"
    profile.runtime_version = DEFAULT_PYTHON
    profile.note("runtime_version", f"a new project: the current stable Python {DEFAULT_PYTHON}", confidence=0.5)
    profile.entrypoint = list(PY_STARTS[framework])
    profile.note("entrypoint", f"the usual start command for a new {framework if framework != 'none' else 'Python'} "
                 "app", confidence=0.5)
    if framework != "none":
        profile.ports = [8000]
        profile.note("ports", "a new web app: 8000 by default", confidence=0.5)
        profile.health_path = "/"
        profile.note("health_path", "a new web app: probing /", confidence=0.5)
    profile.build = PythonPlan(install="requirements", manifests=["requirements.txt"],
                               requirements=["requirements.txt"])


def _python_requirements(profile: Profile) -> list[str]:
    names = [profile.framework] if profile.framework in PY_PACKAGES else []
    argv = profile.entrypoint
    if argv and argv[0] == "gunicorn":
        names.append("gunicorn")
    if argv and (argv[0] == "uvicorn" or any("uvicorn.workers" in a for a in argv)):
        names.append("uvicorn")
    names += [s.kind for s in profile.services if s.kind in PY_PACKAGES]
    return [spec for n in dict.fromkeys(names) for spec in PY_PACKAGES[n]]


def _python_finish(profile: Profile) -> None:
    specs = _python_requirements(profile)
    profile.dependencies = [s.split("[")[0].split(">")[0].split("=")[0].lower() for s in specs]
    profile.build.starter_requirements = profile.dependencies
    profile.build.extra_packages = []  # the starter requirements.txt has the server
    if specs:
        profile.note("dependencies", "the starter requirements.txt for the chosen framework and services",
                     "requirements.txt", None, 0.9)


def _python_files(profile: Profile) -> dict[str, str]:
    lines = ["# The app's dependencies, one per line (pip requirement format)."]
    lines += _python_requirements(profile)
    return {"requirements.txt": "\n".join(lines) + "\n"}


STARTER = Starter(
    [("flask", "Flask (gunicorn)"), ("fastapi", "FastAPI (uvicorn)"), ("django", "Django (gunicorn)"),
     ("none", "none: a script, worker or batch job")],
    _python_defaults, _python_finish, _python_files)
