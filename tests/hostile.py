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
    """(KEYWORD, rest) of every instruction, as BuildKit's own parser reads the file (the `dockerfile`
    package wraps it): continuations joined, comments left out, a heredoc's body part of its instruction; a
    file BuildKit can't parse raises."""
    import dockerfile as parser

    out = []
    for command in parser.parse_string(dockerfile):
        words = command.original.split(None, 1)  # the instruction as written (a heredoc's body included)
        out.append((command.cmd.upper(), words[1] if len(words) > 1 else ""))
    return out


def keywords(dockerfile: str) -> list[str]:
    return [word for word, _ in instructions(dockerfile)]


MARKER = "pwned"  # every hostile value in the injection tests carries it


def _outside_single_quotes(shell: str) -> str:
    """The shell text with every single-quoted span taken out (where nothing is expanded or split)."""
    out, quoted = [], False
    for ch in shell:
        if ch == "'":
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "".join(out)


def _assert_command_clean(word: str, text: str, argv: list[str] | None, shell: str | None) -> None:
    if argv is not None:  # exec form: each element is one argument; only a shell's -c script is parsed again
        if argv and argv[0].rsplit("/", 1)[-1] in ("sh", "bash", "dash") and "-c" in argv[:-1]:
            shell = argv[argv.index("-c") + 1]
        else:
            return
    assert MARKER not in _outside_single_quotes(shell or ""), (word, text)


def assert_no_injection(files: dict[str, str]) -> None:
    """No value carrying MARKER became an instruction, a shell command or an argument of a non-shell
    instruction (the Dockerfile as BuildKit parses it): in a shell command it may only appear single-quoted,
    in exec form only as one argument of a program that isn't a shell; compose.yaml parses and mounts
    nothing named with it."""
    import json

    import dockerfile as parser

    assert_well_formed(files)
    for command in parser.parse_string(files["Dockerfile"]):
        text, word = command.original, command.cmd.upper()
        if MARKER not in text:
            continue
        assert word in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"), (word, text)
        if word == "HEALTHCHECK":
            probe = text.split(" CMD ", 1)[1].strip() if " CMD " in text else ""
            argv = json.loads(probe) if probe.startswith("[") else None
            _assert_command_clean(word, text, argv, None if argv is not None else probe)
        else:
            _assert_command_clean(word, text, list(command.value) if command.json else None,
                                  None if command.json else text.split(None, 1)[1])
    doc = yaml.safe_load(files["compose.yaml"])
    for service in (doc.get("services") or {}).values():
        for volume in service.get("volumes") or []:
            assert MARKER not in str(volume), volume


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
        # and nothing else but warnings: a value quoted in the message can't start a line of its own
        others = [ln for ln in done.stderr.splitlines() if ln.strip() and not ln.startswith(
            ("containerize: error", "warning: ", "note: "))]
        assert not others, done.stderr[-2000:]


def assert_well_formed(files: dict[str, str]) -> None:
    """The Dockerfile holds only instructions the templates emit; compose.yaml parses."""
    words = keywords(files["Dockerfile"])
    assert words and words[0] in ("FROM", "ARG"), words
    assert set(words) <= TEMPLATE_INSTRUCTIONS, words
    yaml.safe_load(files["compose.yaml"])
