"""Helpers of the hostile-input tests: small trees, a Dockerfile instruction splitter, in-process runs."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import yaml

INSTRUCTIONS = frozenset({"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
                          "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"})
# what the templates emit (never ADD, ONBUILD, VOLUME, SHELL... unless a template says so)
TEMPLATE_INSTRUCTIONS = frozenset({"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "COPY", "ENTRYPOINT", "USER",
                                   "WORKDIR", "ARG", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "VOLUME"})


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(KEYWORD, rest) of every instruction, line continuations joined and comments left out."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    for raw in dockerfile.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue  # a comment inside a continued instruction is dropped by Docker
        if line.endswith("\\"):
            current.append(line[:-1])
            continue
        current.append(line)
        text = " ".join(current).strip()
        current = []
        if text:
            word, _, rest = text.partition(" ")
            out.append((word.upper(), rest))
    if current:
        text = " ".join(current).strip()
        word, _, rest = text.partition(" ")
        out.append((word.upper(), rest))
    return out


def keywords(dockerfile: str) -> list[str]:
    return [word for word, _ in instructions(dockerfile)]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def generate(root: Path, sets: list[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The files containerize would write for ``root`` (in-process, ``sets``: --set KEY=VALUE) and the
    profile's warnings."""
    from containerize import checklist, overrides, render

    profile = checklist.build_profile(root, overrides.parse(sets or []))
    files = render.render(profile)
    return files, list(profile.warnings)


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


MEMORY_LIMIT = 1 << 30  # address space of a bounded run (bytes); generous, so it never flakes: a bound, not a timing
CPU_LIMIT = 60  # CPU seconds of a bounded run


def _limit_resources() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))


def run_bounded(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """containerize in a child process that can't use more than MEMORY_LIMIT of address space or CPU_LIMIT
    seconds of CPU (past them it is killed, or fails with a MemoryError traceback, and the test fails)."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, preexec_fn=_limit_resources)


def assert_clean_exit(done: subprocess.CompletedProcess) -> None:
    """Exit 0, 1 or 2, never a traceback; a failure is one line."""
    assert done.returncode in (0, 1, 2), (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    if done.returncode:
        errors = [ln for ln in done.stderr.splitlines() if ln.startswith("containerize: error")]
        assert len(errors) == 1, done.stderr[-2000:]


def assert_well_formed(files: dict[str, str]) -> None:
    """The Dockerfile holds only instructions the templates emit; compose.yaml parses."""
    words = keywords(files["Dockerfile"])
    assert words and words[0] in ("FROM", "ARG"), words
    assert set(words) <= TEMPLATE_INSTRUCTIONS, words
    yaml.safe_load(files["compose.yaml"])
