"""What a shell script says about the app: the commands it runs, the env vars it reads (with their
defaults) and the variables it sets itself.

There is no shell parser in the standard library or in the project's tree-sitter grammars: each logical
line (continuations joined, heredoc bodies and comments skipped) is split into words and operators by
:mod:`shlex`, the shell-compatible lexer. Parameter expansions are then read inside each single word.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_OPERATORS = {";", "&&", "||", "|", "&", "(", ")", ";;", "|&", "!", "{", "}"}
_KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac", "in",
             "exec", "time", "nohup", "env", "sudo"}
_PROBES = {"command", "which", "type", "hash"}  # `command -v python`: the script looks for python
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:=default}, $NAME, read inside one word
_EXPANSION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)
_HEREDOC = re.compile(r"<<-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)")
SHELL_ENV = {"HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "HOSTNAME", "IFS", "RANDOM", "LINENO", "SECONDS",
             "BASH_SOURCE", "BASH_VERSION", "TERM", "UID", "EUID", "PPID", "REPLY", "OPTARG", "OPTIND", "LANG", "TMPDIR"}


@dataclass
class Script:
    commands: list[tuple[str, int]] = field(default_factory=list)       # (command word, line)
    env: list[tuple[str, str | None, int]] = field(default_factory=list)  # (name, default, line), read not set
    assigned: set[str] = field(default_factory=set)
    words: list[tuple[list[str], int]] = field(default_factory=list)     # each simple command's words


def logical_lines(text: str):
    """(line number, text) of each logical line: continuations joined, heredoc bodies skipped."""
    pending, start, heredoc = "", 0, None
    for number, raw in enumerate(text.splitlines(), 1):
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        if not pending:
            start = number
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = pending + raw
        pending = ""
        if m := _HEREDOC.search(line):
            heredoc = m.group(1)
        yield start, line
    if pending:
        yield start, pending


def _split(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote (a string spanning lines): the words before it
        return line.split("#", 1)[0].split()


def read_script(text: str) -> Script:
    found = Script()
    seen: set[str] = set()
    for number, line in logical_lines(text):
        words = _split(line)
        command: list[str] = []
        at_start, declaring = True, False
        redirect = False
        for word in words + [";"]:
            if redirect:  # the target of > file, 2>&1, < input
                redirect = False
                continue
            if word and set(word) <= set("<>&") and ("<" in word or ">" in word):
                redirect = word not in ("<<", "<<-")  # a heredoc's word was handled by logical_lines
                continue
            if word in _OPERATORS:
                if command:
                    found.words.append((command, number))
                command, at_start, declaring = [], True, False
                continue
            for m in _EXPANSION.finditer(word):
                name = m.group(1) or m.group(4)
                default = m.group(3) if m.group(2) else None
                if name in SHELL_ENV or name in found.assigned:
                    continue
                if name in seen:
                    if default is not None:
                        found.env = [(n, d if n != name or d is not None else default, ln) for n, d, ln in found.env]
                    continue
                seen.add(name)
                found.env.append((name, default, number))
                if m.group(2) == ":=" or m.group(2) == "=":
                    found.assigned.add(name)
            if at_start and (a := _ASSIGNMENT.fullmatch(word)):
                if a.group(1) not in seen:
                    found.assigned.add(a.group(1))
                continue
            if at_start and word in ("export", "local", "readonly", "declare", "unset"):
                declaring = True
                continue
            if declaring:  # `export NAME` / `local -r NAME`: names, not commands
                continue
            if at_start and word in _KEYWORDS:
                continue
            if at_start and word.startswith("-"):
                continue
            if at_start and word not in _PROBES:
                found.commands.append((word, number))
                at_start = False
            elif at_start:
                at_start = False
            command.append(word)
    for words_of, line_of in found.words:  # `command -v X`, `which X`: X is wanted too; `command X` runs X
        if words_of[0] in _PROBES:
            names = [w for w in words_of[1:] if not w.startswith("-") and not w.startswith(">")]
            if words_of[0] == "command" and names and not any(w in ("-v", "-V") for w in words_of[1:]):
                names = names[:1]
            found.commands += [(n, line_of) for n in names if re.fullmatch(r"[\w.+-]+", n) and not n.isdigit()]
    return found
