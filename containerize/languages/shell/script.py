"""What a shell script says about the app: the commands it runs, the env vars it reads (with their
defaults) and the variables it sets itself.

The script is read from its tree-sitter-bash parse tree (``syntax.parse("bash", text)``): simple commands
anywhere (if/while/for/case bodies, pipelines, lists, functions, ``$(...)`` and backquote substitutions), the
command behind ``exec``/``nohup``/``env X=1``/``sudo``/``time``, the commands looked for with ``command -v``,
``which``, ``type`` and ``hash``; parameter expansions (``$X``, ``${X:-d}``, ``${X-d}``, ``${X:=d}``) and the
names the script assigns (``X=``, ``export``/``local``/``declare``, ``read X``, ``for X in``, ``getopts``).
Heredoc bodies are data, not commands or reads; redirection targets are never commands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from ... import syntax

# commands that run the command after them (their own options skipped); value: options taking a value,
# and how many leading operands are not the command (`timeout 5 cmd`)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "exec": (frozenset({"-a"}), 0), "nohup": (frozenset(), 0), "time": (frozenset(), 0),
    "env": (frozenset({"-u", "-C", "-S", "--unset", "--chdir"}), 0),
    "sudo": (frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-R", "-T", "-U", "--user", "--group"}), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0), "setsid": (frozenset(), 0), "builtin": (frozenset(), 0),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0), "command": (frozenset(), 0),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
}
_PROBES = {"command", "which", "type", "hash"}  # `command -v python`: the script looks for python
_READ_VALUE_OPTIONS = {"-d", "-i", "-n", "-N", "-p", "-t", "-u"}
_DEFAULTING = {":-", "-", ":=", "="}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")        # one extracted variable name
_COMMAND_WORD = re.compile(r"[\w.+-]+")               # one extracted probed command name
_ASSIGNMENT_WORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")  # the start of one `env X=1` word
_LEAVES = {"word", "number", "string_content", "raw_string", "heredoc_body", "heredoc_start", "heredoc_end",
           "comment", "file_descriptor", "regex", "special_variable_name", "ansi_c_string"}
_MAX_RESTARTS = 8
_MAX_DEPTH = 2
_SHELLS = {"sh", "bash", "dash", "ash"}  # unterminated quotes: the rest of the script is read again from the next line, at most this often
SHELL_ENV = {"HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "HOSTNAME", "IFS", "RANDOM", "LINENO", "SECONDS",
             "BASH_SOURCE", "BASH_VERSION", "TERM", "UID", "EUID", "PPID", "REPLY", "OPTARG", "OPTIND", "LANG", "TMPDIR"}


@dataclass
class Script:
    commands: list[tuple[str, int]] = field(default_factory=list)       # (command word, line)
    env: list[tuple[str, str | None, int]] = field(default_factory=list)  # (name, default, line), read not set
    assigned: set[str] = field(default_factory=set)
    words: list[tuple[list[str], int]] = field(default_factory=list)     # each simple command's words


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each top-level statement: continuations joined, heredoc bodies inside theirs."""
    for node in syntax.parse("bash", text).root_node.named_children:
        if node.type != "comment":
            yield syntax.line(node), syntax.text(node)


def _unterminated(node, src: bytes) -> bool:
    """A quote the script never closes (tree-sitter runs it to the end of the file)."""
    if node.type == "string":
        last = node.child(node.child_count - 1) if node.child_count else None
        return last is not None and last.type == '"' and (last.is_missing or last.start_byte == last.end_byte)
    return node.type == "ERROR" and node.child_count == 0 and src[node.start_byte:node.start_byte + 1] in (b"'", b'"')


def _text(node, src: bytes) -> str:
    return src[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _word(node, src: bytes) -> str | None:
    """The literal text of a word, a quoted string without expansions, or None when it expands at run time."""
    if node.type in ("word", "number"):
        return src[node.start_byte:node.end_byte].decode("utf-8", "replace")
    if node.type == "raw_string":
        return src[node.start_byte + 1:node.end_byte - 1].decode("utf-8", "replace")
    if node.type == "string" and all(c.type in ('"', "string_content") for c in node.children):
        return src[node.start_byte + 1:node.end_byte - 1].decode("utf-8", "replace")
    return None


literal_word = _word


class _Reader:
    def __init__(self) -> None:
        self.found = Script()
        self.seen: set[str] = set()
        self.functions: set[str] = set()
        self.index: dict[str, int] = {}  # name -> its place in found.env
        self.depth = 0  # `sh -c '...'` inside `sh -c '...'`: read at most _MAX_DEPTH deep

    def read(self, name: str, default: str | None, number: int, assigns: bool = False) -> None:
        found = self.found
        if not _NAME.fullmatch(name) or name in SHELL_ENV or name in found.assigned:
            return
        if name in self.seen:  # read again: its first default counts
            if default is not None and name in self.index and found.env[self.index[name]][1] is None:
                _, _, first = found.env[self.index[name]]
                found.env[self.index[name]] = (name, default, first)
            return
        self.seen.add(name)
        self.index[name] = len(found.env)
        found.env.append((name, default, number))
        if assigns:
            found.assigned.add(name)

    def assign(self, name: str) -> None:
        if _NAME.fullmatch(name) and name not in self.seen:
            self.found.assigned.add(name)

    def run(self, text: str, offset: int = 0) -> None:
        restarts = 0
        while True:
            src = text.encode("utf-8", "surrogatepass")
            restart = self.walk(syntax.parse("bash", text).root_node, src, offset)
            if restart is None or restarts >= _MAX_RESTARTS:
                return
            parts = text.split("\n", restart + 1)
            if len(parts) <= restart + 1:
                return
            text, offset, restarts = parts[-1], offset + restart + 1, restarts + 1

    def walk(self, root, src: bytes, offset: int) -> int | None:
        """Read every node once (an explicit stack: deep lists never hit the recursion limit); the row of an
        unterminated quote, when the rest of the text has to be read again."""
        stack: list = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, tuple):  # an assignment, once its value has been read
                self.assign(node[1])
                continue
            kind = node.type
            if kind in _LEAVES:
                continue
            if _unterminated(node, src):
                return node.start_point[0]
            if kind == "command":
                self.command(node, src, offset, stack)
                continue
            if kind == "variable_assignment":
                name = node.child_by_field_name("name")
                if name is not None and name.type == "subscript":
                    name = name.child_by_field_name("name")
                if name is not None:
                    stack.append(("assign", _text(name, src)))
                if (value := node.child_by_field_name("value")) is not None:
                    stack.append(value)
                continue
            if kind == "declaration_command":
                for child in node.named_children:
                    if child.type == "variable_name":
                        self.assign(_text(child, src))
                stack.extend(c for c in reversed(node.named_children) if c.type != "variable_name")
                continue
            if kind in ("for_statement", "select_statement"):
                if (variable := node.child_by_field_name("variable")) is not None:
                    self.assign(_text(variable, src))
            if kind == "function_definition":
                if (name := node.child_by_field_name("name")) is not None:
                    self.functions.add(_text(name, src))
            if kind == "simple_expansion":
                variable = node.named_children[0] if node.named_child_count else None
                if variable is not None and variable.type == "variable_name":
                    self.read(_text(variable, src), None, syntax.line(node) + offset)
                continue
            if kind == "expansion":
                self.expansion(node, src, offset)
            if node.named_child_count:
                stack.extend(reversed(node.named_children))
        return None

    def expansion(self, node, src: bytes, offset: int) -> None:
        children = node.children
        if len(children) < 3 or children[1].type != "variable_name":
            return  # ${#X}, ${!X}, ${X[@]}: lengths, indirections and arrays are the script's own
        name = _text(children[1], src)
        operator = node.child_by_field_name("operator")
        default = None
        if operator is not None and operator.type in _DEFAULTING:
            rest = [c for c in children if c.start_byte >= operator.end_byte and c.type != "}"]
            literal = _word(rest[0], src) if len(rest) == 1 else None
            default = literal if literal is not None else src[operator.end_byte:children[-1].start_byte].decode(
                "utf-8", "replace")
        elif operator is not None and operator.start_byte != children[1].end_byte:
            return  # an operator before the name
        self.read(name, default, syntax.line(node) + offset, assigns=operator is not None and operator.type in (":=", "="))

    def command(self, node, src: bytes, offset: int, stack: list) -> None:
        number = syntax.line(node) + offset
        name_node = node.child_by_field_name("name")
        arguments = [c for c in node.children_by_field_name("argument")]
        # its parts (assignments, expansions, substitutions) are read as usual (plain words hold none)
        stack.extend(c for c in reversed(node.named_children) if c.type not in _LEAVES)
        if name_node is None:
            return
        head = name_node.named_children[0] if name_node.named_child_count else name_node
        words = [head] + arguments
        literal = [_word(w, src) for w in words]
        self.found.words.append(([_text(w, src) if lit is None else lit for w, lit in zip(words, literal)], number))
        i = 0
        while i < len(words):
            word = literal[i]
            if word is None:  # `exec $SERVER`: a command chosen at run time
                self.found.commands.append((_text(words[i], src), number))
                return
            if word in _PROBES:
                rest = [w for w in literal[i + 1:] if w is not None]
                if word != "command" or any(w in ("-v", "-V") for w in rest):
                    self.probe(rest, number)
                    return
            if word in _WRAPPERS:
                takes_value, operands = _WRAPPERS[word]
                i += 1
                while i < len(words):
                    current = literal[i]
                    if current is not None and current.startswith("-") and current != "-":
                        i += 2 if current in takes_value else 1
                    elif word in ("env", "sudo") and (a := _ASSIGNMENT_WORD.match(_text(words[i], src))):
                        self.assign(a.group(1))
                        i += 1
                    elif operands:
                        operands -= 1
                        i += 1
                    else:
                        break
                continue
            self.found.commands.append((word, number))
            if word in _SHELLS and i + 2 < len(words) and literal[i + 1] == "-c":
                self.inline(words[i + 2], src, offset)
            if word == "read":
                self.read_names(literal[i + 1:])
            elif word == "getopts" and len(literal) > i + 2 and literal[i + 2] is not None:
                self.assign(literal[i + 2])
            return

    def read_names(self, words: list[str | None]) -> None:
        """`read -r -p "prompt" A B`, `read -a ARRAY`: the names it sets."""
        skip = False
        for word in words:
            if skip:
                skip = False
            elif word is None:
                continue
            elif word == "-a":
                continue  # the array name comes next
            elif word.startswith("-"):
                skip = word in _READ_VALUE_OPTIONS
            else:
                self.assign(word)

    def inline(self, node, src: bytes, offset: int) -> None:
        """The script of `sh -c '...'`, read like the file around it."""
        if self.depth >= _MAX_DEPTH or node.type not in ("raw_string", "string", "word"):
            return
        inner = src[node.start_byte:node.end_byte]
        if node.type != "word":
            inner = inner[1:-1]
        self.depth += 1
        try:
            self.run(inner.decode("utf-8", "replace"), offset + node.start_point[0])
        finally:
            self.depth -= 1

    def probe(self, words: list[str], number: int) -> None:
        for word in words:
            if not word.startswith("-") and _COMMAND_WORD.fullmatch(word) and not word.isdigit():
                self.found.commands.append((word, number))


def read_script(text: str) -> Script:
    reader = _Reader()
    reader.run(text)
    found = reader.found
    if reader.functions:  # calls of the script's own functions are not commands to install
        found.commands = [(c, n) for c, n in found.commands if c not in reader.functions]
    return found


def command_line(text: str) -> tuple[list[str], bool]:
    """The words of a command line (a Procfile process) that is one simple command, unquoted (an expansion
    keeps its text), and whether they are all literal (no expansion, assignment, operator or redirection);
    ([], False) for anything else: a list, a pipeline, a redirection, a compound command."""
    root = syntax.parse("bash", text).root_node
    statements = [n for n in root.named_children if n.type != "comment"]
    if root.has_error or len(statements) != 1 or statements[0].type != "command":
        return [], False
    node = statements[0]
    name = node.child_by_field_name("name")
    if name is None:
        return [], False
    src = text.encode("utf-8", "surrogatepass")
    parts = [name.named_children[0] if name.named_child_count else name] + node.children_by_field_name("argument")
    literal = [_word(p, src) for p in parts]
    words = [_text(p, src) if w is None else w for p, w in zip(parts, literal)]
    return words, None not in literal and len(node.named_children) == len(parts)
