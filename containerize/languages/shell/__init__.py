"""Shell-script apps: a ``start.sh`` (or run.sh, server.sh ...) or a Procfile whose web process is a shell
command, run on Debian slim (or the Python image when the script runs python3) as a non-root user.

script.py reads the script's tree-sitter-bash parse tree (a Procfile command line the same way): the commands
it runs become Debian packages, the env vars it reads (``${PORT:-8080}``) become settings, secrets and the port.
"""
from __future__ import annotations

import posixpath
import re

from ... import debian, image_tags
from ...envvars import PORT_NAMES, is_secret, read_dotenv_example
from ...profile import Evidence, Profile
from ...scan import SourceTree
from ...workers import add_procfile_workers, procfile_processes
from ..base import Analyzer, Detection, forward_names, submodules

plan, script_facts = submodules(__name__, "plan", "script")

SCRIPT_NAMES = ("start.sh", "run.sh", "server.sh", "serve.sh", "entrypoint.sh", "app.sh", "main.sh", "boot.sh")
# commands a script runs -> the Debian package that has them ("" for what Debian slim has already)
PACKAGES = {
    "nc": "netcat-openbsd", "netcat": "netcat-openbsd", "ncat": "ncat", "socat": "socat", "curl": "curl",
    "wget": "wget", "jq": "jq", "busybox": "busybox", "git": "git", "openssl": "openssl", "sqlite3": "sqlite3",
    "envsubst": "gettext-base", "ps": "procps", "pgrep": "procps", "bc": "bc", "xxd": "xxd", "gawk": "gawk",
    "psql": "postgresql-client", "mysql": "default-mysql-client", "redis-cli": "redis-tools", "zip": "zip",
    "unzip": "unzip", "rsync": "rsync", "ssh": "openssh-client", "ping": "iputils-ping", "dig": "dnsutils",
    "file": "file", "tini": "tini", "lighttpd": "lighttpd", "yq": "yq",
}
# their bookworm versions (hadolint DL3008), added to the shared pin table
PINS = {
    "netcat-openbsd": "1.219*", "ncat": "7.93*", "socat": "1.7.4*", "jq": "1.6*", "busybox": "1:1.35.*",
    "openssl": "3.0.*", "sqlite3": "3.40.*", "gettext-base": "0.21*", "procps": "2:4.0.*", "bc": "1.07.*",
    "xxd": "2:9.0.*", "gawk": "1:5.2.*", "postgresql-client": "15*", "default-mysql-client": "1.1.*",
    "redis-tools": "5:7.0.*", "zip": "3.0*", "unzip": "6.0*", "rsync": "3.2.*", "openssh-client": "1:9.2*",
    "iputils-ping": "3:20221126*", "dnsutils": "1:9.18.*", "file": "1:5.44*", "tini": "0.19.*",
    "lighttpd": "1.4.*", "yq": "3.1.*",
}
for _name, _version in PINS.items():
    debian.PINS[debian.RELEASE].setdefault(_name, _version)
PYTHON = {"python3", "python", "pip", "pip3"}
# builtins and what Debian slim has (coreutils, grep, sed, mawk, findutils, util-linux, procps-less basics)
BASE_COMMANDS = {
    "echo", "printf", "cd", "test", "[", "[[", "read", "exit", "return", "set", "shift", "trap", "wait", "sleep",
    "cat", "ls", "mkdir", "rm", "cp", "mv", "chmod", "chown", "date", "true", "false", "grep", "sed", "awk", "cut",
    "tr", "sort", "uniq", "head", "tail", "wc", "tee", "touch", "basename", "dirname", "xargs", "find", "id",
    "whoami", "mktemp", "seq", "expr", "kill", "source", ".", "eval", "exec", "printenv", "env", "ln", "stat",
    "readlink", "realpath", "uname", "hostname", "df", "du", "gzip", "gunzip", "tar", "sh", "bash", "dash",
    "trap", "umask", "ulimit", "getopts", "let", "declare", "typeset", "local", "shopt", "alias", "type", "hash",
    "command", "builtin", "pwd", "timeout", "nproc", "md5sum", "sha256sum", "base64", "od", "yes", "nice",
    "nohup", "stdbuf", "split", "paste", "join", "comm", "tac", "rev", "fold", "fmt", "nl", "shuf", "sync",
    "getent", "logger", "flock", "mkfifo", "more", "less", "diff", "cmp", "which", ":", "break", "continue",
    "case", "select", "function", "mawk", "zcat", "tput", "stty", "setsid", "kill", "sleep", "usleep",
}
_SCRIPT_WORD = re.compile(r"[\w./-]+")


def _procfile_web(tree: SourceTree) -> tuple[str, int, str] | None:
    """The web process's command of a Procfile (else its first process) as written, its line and its name."""
    processes = procfile_processes(tree)
    chosen = next((p for p in processes if p[0] == "web"), processes[0] if processes else None)
    if chosen is None:
        return None
    name, _, number = chosen
    lines = tree.lines(tree.first("Procfile"))
    return lines[number - 1].partition(":")[2].strip(), number, name


def _script_of(tree: SourceTree, words: list[str]) -> tuple[str, str | None] | None:
    """(script path, interpreter named on the command line) of a command that runs a script of the project."""
    if not words:
        return None
    if words[0] in ("bash", "sh") and len(words) > 1 and not words[1].startswith("-"):
        rel = posixpath.normpath(words[1])
        return (rel, words[0]) if tree.exists(rel) else None
    rel = posixpath.normpath(words[0])
    if rel.endswith(".sh") or (tree.exists(rel) and _shebang(tree.read(rel) or "") in ("sh", "bash")):
        return (rel, None) if tree.exists(rel) else None
    return None


def _shebang(text: str) -> str | None:
    """The interpreter a file's #! line names (`#!/usr/bin/env bash` -> bash), else None."""
    if not text.startswith("#!"):
        return None
    words = text[2:].split("\n", 1)[0].split()
    if words and posixpath.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    return posixpath.basename(words[0]) if words else None


def _start(tree: SourceTree) -> tuple[list[str], str | None, str | None, str, int | None] | None:
    """(words or a shell command, script, interpreter, file, line) of how the app starts."""
    if web := _procfile_web(tree):
        command, line, _ = web
        words, plain = script_facts.command_line(command)
        if words and (found := _script_of(tree, words)):
            return words, found[0], found[1], "Procfile", line
        if plain and words[0] in BASE_COMMANDS | set(PACKAGES) | PYTHON:
            return words, None, None, "Procfile", line
        if command:
            return ["sh", "-c", command], None, "sh", "Procfile", line
    for name in SCRIPT_NAMES:
        if tree.exists(name):
            return [f"./{name}"], name, None, name, None
    return None


def detect(tree: SourceTree) -> Detection | None:
    start = _start(tree)
    if start is None:
        return None
    words, script, _, rel, line = start
    what = f"{script}, a shell script" if script else f"the Procfile's command {' '.join(words)[:60]!r}"
    if rel == "Procfile" and not script and words[:2] != ["sh", "-c"] and words[0] not in BASE_COMMANDS | set(PACKAGES):
        return None
    # a start script says how the app runs: above loose sources and static folders, below a language manifest
    return Detection("shell", 72 if script else 40, [Evidence(f"{what} starts the app", rel, line, 0.6)])


def _interpreter(tree: SourceTree, script: str) -> str:
    first = (tree.read(script) or "").split("\n", 1)[0]
    return "bash" if "bash" in first or not first.startswith("#!") else "sh"


def analyze(tree: SourceTree, profile: Profile) -> None:
    start = _start(tree)
    if start is None:
        raise ValueError(f"{tree.root}: no start script ({', '.join(SCRIPT_NAMES[:3])} ...) and no Procfile")
    words, script, named, rel, line = start
    if script and not re.fullmatch(r"[\w.-]+(?:/[\w.-]+)*", script):
        raise ValueError(f"{script!r}: a script name the Dockerfile can't carry (use letters, digits, '.', '_', '-')")
    interpreter = named or (_interpreter(tree, script) if script else "sh")
    texts = [(script, tree.read(script) or "")] if script else []
    if rel == "Procfile" and (web := _procfile_web(tree)):
        texts.append(("Procfile", web[0]))  # the command line as written: quotes and operators kept
    facts = script_facts.Script()
    for source, text in texts:
        part = script_facts.read_script(text)
        facts.commands += [(c, n) for c, n in part.commands]
        facts.env += [(n, d, ln) for n, d, ln in part.env if n not in {e[0] for e in facts.env}]
        facts.assigned |= part.assigned
    profile.framework = None
    profile.package_manager = None
    profile.compiled = False
    profile.build_command = None
    if script:
        profile.entrypoint = [interpreter, script] + (words[2:] if named else words[1:])
        profile.note("entrypoint", f"{rel} runs {script} ({interpreter})", rel, line, 0.9)
    else:
        profile.entrypoint = words
        profile.note("entrypoint", "the Procfile's command", rel, line, 0.8)

    # the commands it runs: Debian packages, or the Python image
    packages: list[str] = []
    base = "debian_slim"
    unknown: list[tuple[str, int]] = []
    for command, number in facts.commands:
        name = posixpath.basename(command)
        if name in PYTHON or re.fullmatch(r"python3(\.\d+)?", name):
            if base != "python_runtime":
                base = "python_runtime"
                profile.note("system_packages", f"the script runs {name}: the Python image", script or rel, number)
        elif name in PACKAGES and PACKAGES[name] not in packages:
            packages.append(PACKAGES[name])
            profile.note("system_packages", f"the script runs {name} ({PACKAGES[name]})", script or rel, number)
        elif name not in BASE_COMMANDS and not command.startswith(("./", "/", "$")) and not tree.exists(command) \
                and _SCRIPT_WORD.fullmatch(name) and name not in {u[0] for u in unknown}:
            unknown.append((name, number))
    if unknown:
        profile.warnings.append(f"{script or rel} runs {', '.join(u[0] for u in unknown[:5])}: not in the image "
                                "unless you add its Debian package (system_packages)")
    profile.system_packages = {"build": [], "runtime": packages}
    profile.runtime_version = image_tags.FAMILIES["python"].default if base == "python_runtime" else None

    # env vars: the port, settings with their defaults, secrets
    for name, default, number in facts.env:
        if name.upper() in PORT_NAMES and not profile.port_env:
            port = int(default) if default and default.isdigit() and 0 < int(default) < 65536 else None
            profile.port_env = name
            profile.note("port_env", f"the script reads its port from ${name}", script or rel, number, 0.9)
            profile.add_port(port or 8080, f"${{{name}:-{default}}}" if port else f"${name} has no default: 8080",
                             script or rel, number, 0.9 if port else 0.4)
            profile.add_env(name, str(port or 8080))
            continue
        if name.upper() in PORT_NAMES:
            continue
        secret = is_secret(name, default)
        profile.add_env(name, None if secret else default, secret)
        profile.note("env", f"{name}: read by the script" + (" (a secret)" if secret else
                     f", default {default}" if default is not None else ""), script or rel, number)
    read_dotenv_example(tree, profile)
    if profile.ports:
        profile.health_path = "/"
        profile.note("health_path", "a shell app has no routes to read: probing /", confidence=0.4)
    else:
        profile.note("ports", "the script reads no port variable: a batch job (no EXPOSE, no HEALTHCHECK)",
                     confidence=0.6)
    profile.build = plan.ShellPlan(script=script or "", interpreter=interpreter, base=base, packages=packages,
                                   workdir=plan.WORKDIR, shell=True)
    _workers(tree, profile, line if rel == "Procfile" else None)


def _workers(tree: SourceTree, profile: Profile, started: int | None) -> None:
    """The Procfile's other processes run beside the app; the one the start command runs (its web process, else
    its first) is the app itself."""
    add_procfile_workers(tree, profile)
    if started is not None:
        profile.workers = [w for w in profile.workers if not (w.file == "Procfile" and w.line == started)]
        notes = profile.evidence.get("workers", [])
        notes[:] = [n for n in notes if not (n.file == "Procfile" and n.line == started)]
        if not notes:
            profile.evidence.pop("workers", None)
    for worker in profile.workers:
        found = _script_of(tree, worker.command)
        if found is None or not re.fullmatch(r"[\w.-]+(?:/[\w.-]+)*", found[0]):
            continue
        script, named = found
        # run by its interpreter, as the start script is (the image marks only that one executable)
        worker.command = [named or _interpreter(tree, script), script] + worker.command[2 if named else 1:]
        for command, number in script_facts.read_script(tree.read(script) or "").commands:
            package = PACKAGES.get(posixpath.basename(command))
            if package and package not in profile.build.packages:
                profile.build.packages.append(package)
                profile.note("system_packages", f"the worker's script runs {command} ({package})", script, number)


ANALYZER = Analyzer("shell", detect, analyze)

__getattr__ = forward_names(__name__, (plan, script_facts),
                            ("ShellPlan", "WORKDIR", "Script", "command_line", "read_script"))
