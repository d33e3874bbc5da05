"""A front end's nginx configuration for Kubernetes.

The Dockerfile containerize writes for a front end that passes API calls to another app resolves that
app's compose service name at request time through Docker's own DNS server (``resolver 127.0.0.11``),
which a Kubernetes pod does not have. In the cluster the API's Service carries the same name and a
stable cluster IP, so the configuration here passes the calls straight to it (the name resolved once,
at start, through the pod's resolv.conf and its search domains). It is mounted over the image's
``/etc/nginx/conf.d``; the rest of the server block is the image's own, read back from the Dockerfile.
"""
from __future__ import annotations

import re

CONF_DIR = "/etc/nginx/conf.d"
CONF_FILE = "default.conf"
_TARGET = f"{CONF_DIR}/{CONF_FILE}"
# one location as proxy_lines writes it: a resolver, the upstream in a variable, proxy_pass to the variable
_DOCKER_DNS = re.compile(r"resolver 127\.0\.0\.11 valid=\d+s; set \$upstream (http://[-a-zA-Z0-9_.]+:\d+); ")


def server_block(dockerfile: str) -> str | None:
    """The server block the Dockerfile writes to conf.d/default.conf (``RUN printf '%s\\n' 'line' ...
    > /etc/nginx/conf.d/default.conf``), or None when it writes none."""
    lines = dockerfile.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("RUN printf '%s\\n' \\")), None)
    if start is None:
        return None
    command = []
    for line in lines[start:]:
        command.append(line[:-1] if line.endswith("\\") else line)
        if f"> {_TARGET}" in line:
            break
    else:
        return None
    words = _words(" ".join(command).split(f"> {_TARGET}", 1)[0])
    if words is None or words[:3] != ["RUN", "printf", "%s\\n"]:
        return None
    return "\n".join(words[3:]) + "\n"


def for_kubernetes(dockerfile: str) -> str | None:
    """The server block with its proxy locations passing to the Service by name, or None when the
    Dockerfile has no such location (nothing to change)."""
    conf = server_block(dockerfile)
    if conf is None or not _DOCKER_DNS.search(conf):
        return None
    out = []
    for line in conf.splitlines():
        found = _DOCKER_DNS.search(line)
        if found:
            line = _DOCKER_DNS.sub("", line).replace("proxy_pass $upstream;", f"proxy_pass {found.group(1)};")
        out.append(line)
    return "\n".join(out) + "\n"


def _words(command: str) -> list[str] | None:
    """The words of a shell command of quoted and plain words (POSIX quoting: nothing escapes inside
    single quotes; inside double quotes a backslash escapes $ ` " \\ only). None on an unclosed quote."""
    words: list[str] = []
    word: list[str] | None = None
    i, n = 0, len(command)
    while i < n:
        c = command[i]
        if c in " \t":
            if word is not None:
                words.append("".join(word))
                word = None
            i += 1
            continue
        word = [] if word is None else word
        if c == "'":
            end = command.find("'", i + 1)
            if end < 0:
                return None
            word.append(command[i + 1:end])
            i = end + 1
        elif c == '"':
            i += 1
            while i < n and command[i] != '"':
                if command[i] == "\\" and i + 1 < n and command[i + 1] in '$`"\\':
                    i += 1
                word.append(command[i])
                i += 1
            if i >= n:
                return None
            i += 1
        elif c == "\\" and i + 1 < n:
            word.append(command[i + 1])
            i += 2
        else:
            word.append(c)
            i += 1
    if word is not None:
        words.append("".join(word))
    return words
