"""What the app's container needs to run hardened, read from the profile and the generated
Dockerfile: the user it runs as, the folders it writes besides its volumes (scratch space that
becomes tmpfs in compose and emptyDir in Kubernetes), whether an init process should reap its
children, and default resource requests and limits for its stack.

Only the Dockerfile containerize itself wrote is read here (never project source): its last
``FROM``, its last ``USER``, its last ``WORKDIR`` and the folders its final stage ``chown``s.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..profile import Profile

# folders the runtime of a base image writes at run time (besides /tmp)
_BASE_SCRATCH = {
    "php:": ("/var/run/apache2", "/var/lock/apache2"),
}
# start commands that reap their own children (a process manager as PID 1)
_REAPERS = {"apache2-foreground", "nginx", "gunicorn", "php-fpm", "httpd", "puma", "unicorn", "uwsgi",
            "supervisord", "tini", "dumb-init"}
# (memory request, memory limit) per language; cpu is the same for all
_MEMORY = {"java": ("512Mi", "1Gi"), "node": ("256Mi", "512Mi"), "python": ("256Mi", "512Mi"),
           "ruby": ("256Mi", "512Mi"), "php": ("256Mi", "512Mi"), "go": ("64Mi", "256Mi"),
           "rust": ("64Mi", "256Mi"), "c": ("64Mi", "256Mi"), "cpp": ("64Mi", "256Mi"),
           "static": ("32Mi", "128Mi")}
_DEFAULT_MEMORY = ("256Mi", "512Mi")
CPU_REQUEST, CPU_LIMIT = "100m", "1"


@dataclass
class Runtime:
    uid: int | None = None          # None: the image runs as root or as a name we can't resolve
    gid: int | None = None
    base: str = ""                  # the final stage's FROM image
    workdir: str = "/"
    scratch: list[str] = field(default_factory=lambda: ["/tmp"])
    init: bool = True               # run an init process that reaps zombies
    memory: tuple[str, str] = _DEFAULT_MEMORY

    @property
    def memory_limit_compose(self) -> str:
        """The memory limit in compose's units (512Mi -> 512M, 1Gi -> 1G)."""
        return self.memory[1].replace("Mi", "M").replace("Gi", "G")


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(KEYWORD, rest) of each instruction, continuation lines joined, comments skipped."""
    found: list[tuple[str, str]] = []
    pending = ""
    for raw in dockerfile.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = (pending + line).strip()
        pending = ""
        keyword, _, rest = text.partition(" ")
        found.append((keyword.upper(), rest.strip()))
    return found


def _final_stage(dockerfile: str) -> list[tuple[str, str]]:
    """The final stage's instructions, preceded by those of the stages it is built ``FROM``."""
    stages: list[tuple[str | None, str, list[tuple[str, str]]]] = []  # (name, from image, steps)
    for keyword, rest in _instructions(dockerfile):
        if keyword == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            name = words[2].lower() if len(words) > 2 and words[1].upper() == "AS" else None
            stages.append((name, words[0] if words else "", []))
        if stages:
            stages[-1][2].append((keyword, rest))
    if not stages:
        return []
    chain: list[list[tuple[str, str]]] = []
    index = len(stages) - 1
    seen: set[int] = set()
    while index not in seen:
        seen.add(index)
        name, image, steps = stages[index]
        chain.append(steps)
        parent = next((i for i in range(index) if stages[i][0] == image.lower()), None)
        if parent is None:
            break
        index = parent
    ordered: list[tuple[str, str]] = []
    for steps in reversed(chain):
        ordered += steps
    return ordered


def _user(value: str) -> tuple[int | None, int | None]:
    user, _, group = value.strip().partition(":")
    uid = int(user) if user.isdigit() else None
    gid = int(group) if group.isdigit() else (uid if uid is not None and not group else None)
    return uid, gid


def _chowned(rest: str, workdir: str) -> list[str]:
    """The folders a ``RUN ... chown [-R] owner path...`` gives to the app's user, read from the command's
    parse tree (tree-sitter-bash), so ``;``, ``&&``, braces and subshells around it are never taken for paths."""
    from .. import syntax
    from ..languages.shell.script import literal_word

    src = rest.encode("utf-8", "surrogatepass")
    paths: list[str] = []
    stack = [syntax.parse("bash", rest).root_node]
    while stack:
        node = stack.pop()
        if node.type != "command":
            stack.extend(reversed(node.named_children))
            continue
        name = node.child_by_field_name("name")
        if name is None or syntax.text(name) != "chown":
            stack.extend(reversed(node.named_children))
            continue
        words = [literal_word(arg, src) for arg in node.children_by_field_name("argument")]
        operands = [w for w in words if w is None or not w.startswith("-")][1:]  # the owner comes first
        paths += [posixpath.normpath(posixpath.join(workdir, w)) for w in operands if w]
    return paths


def _under(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def runtime(profile: Profile, dockerfile: str | None) -> Runtime:
    rt = Runtime(memory=_MEMORY.get(profile.language or "", _DEFAULT_MEMORY))
    scratch = ["/tmp"]
    for keyword, rest in _final_stage(dockerfile or ""):
        if keyword == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            rt.base = rt.base or (words[0] if words else "")  # the root of the stage chain
        elif keyword == "USER":
            rt.uid, rt.gid = _user(rest)
        elif keyword == "WORKDIR":
            rt.workdir = posixpath.normpath(posixpath.join(rt.workdir, rest.strip()))
        elif keyword == "RUN" and "chown" in rest:
            scratch += _chowned(rest, rt.workdir)
    for prefix, paths in _BASE_SCRATCH.items():
        if rt.base.startswith(prefix):
            scratch += paths
    volumes = list(profile.writable_paths) + list(profile.read_paths)
    rt.scratch = [p for p in dict.fromkeys(scratch)
                  if p != "/" and p.startswith("/") and not _under(p, volumes)]
    first = posixpath.basename(profile.entrypoint[0]) if profile.entrypoint else ""
    rt.init = first not in _REAPERS and not (first == "bundle" and _REAPERS & set(profile.entrypoint))
    return rt
