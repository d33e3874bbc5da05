"""How a Python app starts: framework, server and command line."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from ...scan import SourceTree
from .manifests import Manifests

GUNICORN = "gunicorn>=23,<24"
UVICORN = "uvicorn[standard]>=0.30,<1"

_WSGI_APP = re.compile(r"""WSGI_APPLICATION\s*=\s*["']([\w.]+)\.(\w+)["']""")
_FLASK = re.compile(r"^(\w+)\s*=\s*Flask\(", re.M)
_ASGI = re.compile(r"^(\w+)\s*=\s*(FastAPI|Starlette|Quart|Litestar)\(", re.M)
_FACTORY = re.compile(r"^def\s+(create_app|make_app)\s*\(", re.M)
_MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']\s*:""", re.M)
_SERVER_CALL = re.compile(r"\b(uvicorn\.run|\w+\.run\(|serve\(|serve_forever|run_simple|web\.run_app|make_server)")


@dataclass
class Start:
    framework: str | None
    argv: list[str]
    why: str
    file: str | None
    line: int | None
    confidence: float
    server: bool
    extra_packages: tuple[str, ...] = ()
    default_port: int | None = None


def module_of(rel: str) -> str:
    path = rel[:-3]
    if path.startswith("src/"):
        path = path[4:]
    path = path.removesuffix("/__init__")
    return path.replace("/", ".")


def find_starts(tree: SourceTree, py_files: list[str], manifests: Manifests, deps: set[str]) -> list[Start]:
    """Every plausible way to start the app, best first."""
    starts: list[Start] = []

    procfile = tree.first("Procfile")
    for number, line in enumerate(tree.lines(procfile) if procfile else [], 1):
        if line.startswith("web:"):
            argv = shlex.split(line[4:].strip())
            starts.append(Start(None, argv, "the Procfile's web process", procfile, number, 1.0, True))

    if tree.exists("manage.py"):
        for rel, line, m in tree.grep(_WSGI_APP, [f for f in py_files if f.endswith("settings.py") or "/settings/" in f]):
            module, obj = m.group(1), m.group(2)
            starts.append(Start("django", ["gunicorn", f"{module}:{obj}"],
                                f"manage.py and WSGI_APPLICATION = {module}.{obj}", rel, line, 1.0, True,
                                () if "gunicorn" in deps else (GUNICORN,), 8000))
            break

    for rel, line, m in tree.grep(_ASGI, py_files):
        kind = m.group(2).lower()
        server = "uvicorn" if "uvicorn" in deps or "gunicorn" not in deps else "gunicorn"
        target = f"{module_of(rel)}:{m.group(1)}"
        if kind == "quart" or server == "uvicorn":
            argv = ["uvicorn", target, "--host", "0.0.0.0"]
            extra = () if "uvicorn" in deps else (UVICORN,)
        else:
            argv = ["gunicorn", "--worker-class", "uvicorn.workers.UvicornWorker", target]
            extra = () if "uvicorn" in deps else (UVICORN,)
        starts.append(Start(kind, argv, f"{m.group(1)} = {m.group(2)}(...) in {rel}", rel, line, 0.95, True, extra, 8000))

    for rel, line, m in tree.grep(_FLASK, py_files):
        starts.append(Start("flask", ["gunicorn", f"{module_of(rel)}:{m.group(1)}"],
                            f"{m.group(1)} = Flask(...) in {rel}", rel, line, 0.95, True,
                            () if "gunicorn" in deps else (GUNICORN,), 8000))
    if not any(s.framework == "flask" for s in starts) and "flask" in deps:
        for rel, line, m in tree.grep(_FACTORY, py_files):
            starts.append(Start("flask", ["gunicorn", f"{module_of(rel)}:{m.group(1)}()"],
                                f"the app factory {m.group(1)}() in {rel}", rel, line, 0.85, True,
                                () if "gunicorn" in deps else (GUNICORN,), 8000))
            break

    for name, target in manifests.scripts.items():
        module = target.split(":")[0].strip()
        candidates = [f for f in py_files if module_of(f) == module]
        serves = any(_SERVER_CALL.search(tree.read(f) or "") for f in candidates)
        line = next((n for n, ln in enumerate(tree.lines("pyproject.toml"), 1) if ln.strip().startswith((name, f'"{name}"'))), None)
        starts.append(Start(None, [name], f"the console script {name} = {target!r}", "pyproject.toml", line,
                            0.97 if serves else 0.7, serves))

    for rel in py_files:
        text = tree.read(rel) or ""
        m = _MAIN_GUARD.search(text)
        if not m or rel.startswith(("tests/", "test/")) or rel.rsplit("/", 1)[-1].startswith("test_") \
                or rel in ("setup.py", "manage.py", "conftest.py"):
            continue
        line = text.count("\n", 0, m.start()) + 1
        serves = bool(_SERVER_CALL.search(text[m.end():]))
        argv = ["python", "-m", module_of(rel)] if rel.endswith("__main__.py") else ["python", rel]
        if rel.endswith("__main__.py"):
            argv = ["python", "-m", module_of(rel).removesuffix(".__main__")]
        starts.append(Start(None, argv, f"{rel} runs as a script (if __name__ == '__main__')", rel, line,
                            0.75 if rel.count("/") == 0 else 0.6, serves))

    # the author's own way (Procfile, console script that serves) beats a guess from the framework
    def rank(s: Start) -> tuple[float, int]:
        order = 0
        if s.why.startswith("the Procfile"):
            order = 4
        elif s.why.startswith("the console script") and s.server:
            order = 3
        elif s.framework:
            order = 2
        elif s.server:
            order = 1
        return (order, s.confidence)

    return sorted(starts, key=rank, reverse=True)


def bind_argv(argv: list[str], port: int | None, port_env: str | None) -> list[str]:
    """Make a server command listen on 0.0.0.0 at the app's port."""
    argv = [a.replace("$PORT", str(port)).replace("${PORT}", str(port)) for a in argv] if port else list(argv)
    if not argv or port is None:
        return argv
    prog = argv[0]
    if prog == "gunicorn":
        if not any(a in ("-b", "--bind") or a.startswith("--bind=") for a in argv):
            argv[1:1] = ["--bind", f"0.0.0.0:{port}"]
    elif prog == "uvicorn":
        if "--host" not in argv:
            argv += ["--host", "0.0.0.0"]
        if "--port" not in argv:
            argv += ["--port", str(port)]
    return argv


def install_named_server(profile) -> None:
    """A start command given by hand may name a server the project doesn't declare: install it too."""
    if not profile.entrypoint:
        return
    argv = profile.entrypoint
    wanted = []
    if argv[0] == "gunicorn":
        wanted.append(("gunicorn", GUNICORN))
    if argv[0] == "uvicorn" or any("uvicorn.workers" in a for a in argv):
        wanted.append(("uvicorn", UVICORN))
    extra = profile.build.setdefault("extra_packages", [])
    declared = set(profile.dependencies) | set(profile.build.get("starter_requirements", []))
    for name, spec in wanted:
        if name in declared or any(re.split(r"[\[<>=~! ]", e, 1)[0] == name for e in extra):
            continue
        extra.append(spec)
