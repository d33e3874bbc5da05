"""The questionnaire: asks only what the code doesn't say, never twice.

It shows what was detected (with its evidence), asks the answers that are
missing or unsure (below ``THRESHOLD``, or two start commands that are about
as likely), each with the detected value as its default, then shows a summary
to confirm. Ctrl-C or Esc anywhere raises ``Cancelled``: nothing is written.

Answers are the ``--set`` pairs (``("port", "8080")``); the caller saves them
(containerize/answers.py) so the next run doesn't ask again.
"""
from __future__ import annotations

import shlex
import sys
from typing import Callable

import typer

from . import answer_keys, report, scaffold
from .answer_keys import DETECTED, label
from .checklist import Checklist, origin_of
from .envvars import is_port_name, is_secret
from .profile import Profile
from .services import CATALOG

THRESHOLD = 0.7  # answers less sure than this are asked
SIMILAR = 0.1  # start commands this close to the best one are asked about
OTHER = "other"
STYLE = [("qmark", "fg:#2e7dd7 bold"), ("answer", "fg:#2e9e5b bold"), ("highlighted", "bold"),
         ("pointer", "fg:#2e7dd7 bold")]

Pairs = list[tuple[str, str]]


class Cancelled(Exception):
    """Ctrl-C or Esc: the person changed their mind; nothing is written."""


def terminal() -> bool:
    """True when a person is at the keyboard: stdin and stdout are both a terminal."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def say(text: str = "") -> None:
    typer.echo(text)


# -- prompts (questionary is imported only when something is asked: it is slow to load) ----
def _style():
    import questionary

    return questionary.Style(STYLE)


def _ask(question):
    """Ask; Ctrl-C and Esc both cancel the whole questionnaire."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    esc = KeyBindings()

    @esc.add(Keys.Escape, eager=True)
    def _cancel(event):
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, esc]) if app.key_bindings else esc
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Cancelled() from None
    if answer is None:
        raise Cancelled()
    return answer


def select(message: str, choices: list[tuple[str, str]], default: str | None = None) -> str:
    """``choices``: (value, title) pairs; returns the chosen value."""
    import questionary

    items = [questionary.Choice(title, value=value) for value, title in choices]
    return _ask(questionary.select(message, choices=items, default=default, style=_style(),
                                   instruction="(arrow keys, Enter; Esc cancels)"))


def text(message: str, default: str = "", validate: Callable[[str], bool | str] | None = None) -> str:
    import questionary

    return _ask(questionary.text(message, default=default, validate=validate, style=_style())).strip()


def checkbox(message: str, choices: list[tuple[str, str, bool]]) -> list[str]:
    """``choices``: (value, title, checked); returns the checked values."""
    import questionary

    items = [questionary.Choice(title, value=value, checked=checked) for value, title, checked in choices]
    return _ask(questionary.checkbox(message, choices=items, style=_style(),
                                     instruction="(Space toggles, Enter accepts; Esc cancels)"))


def _port_ok(value: str) -> bool | str:
    if value.strip() == "" or value.strip().isdigit() and 0 < int(value) < 65536:
        return True
    return "a port is a number from 1 to 65535 (empty: the app serves no port)"


def _argv_ok(value: str) -> bool | str:
    try:
        return True if shlex.split(value) else "the command to start the app, e.g. python main.py"
    except ValueError as exc:
        return f"not a command line: {exc}"


# -- what to ask about an existing project ----------------------------------------------
def _starts(profile: Profile) -> list[dict]:
    return [c for c in profile.candidates if c.get("entrypoint")]


def _languages(profile: Profile) -> list[dict]:
    return [c for c in profile.candidates if c.get("language") and "entrypoint" not in c]


def _entrypoint_unsure(profile: Profile) -> bool:
    if not profile.entrypoint or profile.confidence("entrypoint") < THRESHOLD:
        return True
    starts = _starts(profile)
    if len(starts) > 1:
        best, second = (float(s.get("confidence") or 0) for s in starts[:2])
        return second >= best - SIMILAR
    return False


def _answered_env(profile: Profile) -> set[str]:
    """The env vars an answer (saved, asked, --set) named."""
    return {key[4:] for key in profile.origins if key.startswith("env.")}


def _unclear_env(profile: Profile) -> list[str]:
    """Env vars that might be secrets: no default, a name that doesn't say."""
    answered = _answered_env(profile)
    return [v.name for v in profile.env
            if not v.secret and v.default is None and v.name != profile.port_env and not is_port_name(v.name)
            and v.name not in answered and not any(s.env_var == v.name for s in profile.services)]


def plan(profile: Profile, done: set[str]) -> list[str]:
    """The questions to ask about an analyzed project, in order."""
    def open_(key: str) -> bool:
        return key not in done and origin_of(profile, key) == DETECTED

    keys = []
    claims = sorted((int(c.get("score") or 0) for c in _languages(profile)), reverse=True)
    if open_("language") and len(claims) > 1 and claims[1] >= claims[0] - 10:
        keys.append("language")  # two languages about as likely (the score rule in checklist.detect)
    if open_("entrypoint") and _entrypoint_unsure(profile):
        keys.append("entrypoint")
    if open_("port") and profile.ports and profile.confidence("ports") < THRESHOLD:
        keys.append("port")
    if "secret" not in done and _unclear_env(profile):
        keys.append("secret")
    if open_("writable_paths") and profile.writable_paths and profile.confidence("writable_paths") < THRESHOLD:
        keys.append("writable_paths")
    return keys


def _why(profile: Profile, key: str) -> str:
    notes = profile.evidence.get(key) or []
    if not notes:
        return ""
    note = max(notes, key=lambda n: n.confidence)
    return f"{note.why}" + (f" ({note.where()})" if note.file else "")


def ask_language(profile: Profile) -> Pairs:
    claims = _languages(profile)
    choices = [(c["language"], f"{c['language']}  (score {c['score']}: {'; '.join(c.get('why') or [])[:70]})")
               for c in claims]
    return [("language", select("Which language is the app written in?", choices, profile.language))]


def _bind(profile: Profile, argv: list[str]) -> list[str]:
    """A start command as the analyzer would write it (listening on 0.0.0.0 at the app's port)."""
    if profile.language == "python":
        from .languages.python.entry import bind_argv

        return bind_argv(list(argv), profile.ports[0] if profile.ports else None, profile.port_env)
    return list(argv)


def ask_entrypoint(profile: Profile) -> Pairs:
    starts = _starts(profile)
    current = shlex.join(profile.entrypoint) if profile.entrypoint else ""
    if not starts:
        value = text("How does the app start? (the command, e.g. python main.py)", current, _argv_ok)
        return [("entrypoint", value)]
    choices, default = [], None
    for i, start in enumerate(starts):
        where = f"{start['file']}:{start['line']}" if start.get("file") and start.get("line") else start.get("file")
        title = f"{shlex.join(start['entrypoint'])}   ({start.get('why', '')}{', ' + where if where else ''})"
        choices.append((str(i), title))
        if default is None and profile.entrypoint and _same_start(start["entrypoint"], profile.entrypoint):
            default = str(i)
    choices.append((OTHER, "something else (type the command)"))
    chosen = select("Which command starts the app?", choices, default or "0")
    if chosen == OTHER:
        return [("entrypoint", text("The command that starts the app:", current, _argv_ok))]
    argv = starts[int(chosen)]["entrypoint"]
    if profile.entrypoint and _same_start(argv, profile.entrypoint):
        return [("entrypoint", current)]
    return [("entrypoint", shlex.join(_bind(profile, argv)))]


def _same_start(candidate: list[str], argv: list[str]) -> bool:
    """The analyzer's entrypoint is a candidate plus the flags that bind it to the port."""
    return candidate == argv or (bool(candidate) and candidate[0] == argv[0]
                                 and all(a in argv for a in candidate))


def ask_port(profile: Profile) -> Pairs:
    why = _why(profile, "ports")
    default = str(profile.ports[0]) if profile.ports else ""
    value = text(f"Which port does the app listen on?{'  [' + why + ']' if why else ''}", default, _port_ok)
    return [("port", value)]


def ask_secrets(profile: Profile) -> Pairs:
    names = [v for v in profile.env if v.name != profile.port_env]
    unclear = set(_unclear_env(profile))
    chosen = set(checkbox("Which of these env vars hold secrets (passwords, tokens, keys)? "
                          "Secrets go in files, never in the image.",
                          [(v.name, v.name + (f" (default {v.default!r})" if v.default else ""), v.secret)
                           for v in names]))
    pairs = []
    for var in names:
        if (var.name in chosen) != var.secret or var.name in unclear:
            pairs.append((f"secret.{var.name}", "true" if var.name in chosen else "false"))
    return pairs


def ask_volumes(profile: Profile) -> Pairs:
    value = text("Which folders does the app write to at run time? Each gets a volume "
                 "(absolute paths, comma-separated; empty: none):", ", ".join(profile.writable_paths), _paths_ok)
    return [("writable_paths", ",".join(answer_keys.split(value)))]


def ask_read_paths(profile: Profile) -> Pairs:
    value = text("Which absolute paths does the app read that come from outside the image? Each is mounted "
                 "read-only (comma-separated; empty: none):", ", ".join(profile.read_paths), _paths_ok)
    return [("read_paths", ",".join(answer_keys.split(value)))]


def ask_version(profile: Profile) -> Pairs:
    return [("runtime_version", text(f"Which {profile.language} version?", profile.runtime_version or "",
                                     _version_ok))]


def ask_port_env(profile: Profile) -> Pairs:
    return [("port_env", text("Which env var sets the port? (empty: none)", profile.port_env or "", _name_ok))]


def ask_env_vars(profile: Profile) -> Pairs:
    """Env vars the app reads, with their defaults: the ones known are shown and can be added to."""
    shown = " ".join(v.name + (f"={v.default}" if v.default else "") for v in profile.env
                     if v.name != profile.port_env and not v.secret
                     and not any(s.env_var == v.name for s in profile.services))
    value = text("Env vars it reads (NAME or NAME=default, space-separated):", shown, _env_ok)
    pairs = []
    for item in value.split():
        name, _, default = item.partition("=")
        pairs.append((f"env.{name}", default))
    return pairs


def ask_services_used(profile: Profile) -> Pairs:
    have = {s.kind for s in profile.services}
    chosen = checkbox("Which services does it use? (compose runs them beside the app)",
                      [(k, f"{k} ({CATALOG[k].image})", k in have) for k in CATALOG])
    return [("services", ",".join(chosen))]


def ask_health(profile: Profile) -> Pairs:
    return [("health_path", text("Which URL path answers when the app is healthy?", profile.health_path or "/"))]


# answer key (answer_keys.KEYS) -> (how it is named, how it is asked)
EXISTING_QUESTIONS: dict[str, tuple[str, Callable[[Profile], Pairs]]] = {
    key: (label(key), ask) for key, ask in (
        ("language", ask_language), ("entrypoint", ask_entrypoint), ("port", ask_port), ("secret", ask_secrets),
        ("writable_paths", ask_volumes), ("runtime_version", ask_version), ("health_path", ask_health),
        ("port_env", ask_port_env), ("env", ask_env_vars), ("read_paths", ask_read_paths),
        ("services", ask_services_used))
}
# the answers the summary offers to change, in this order
CHANGEABLE = ("entrypoint", "port", "port_env", "env", "secret", "writable_paths", "read_paths", "services",
              "runtime_version", "health_path")


# -- what is shown -----------------------------------------------------------------------
SHOWN = answer_keys.SUMMARY


def show(profile: Profile, title: str, evidence: bool) -> None:
    say(title)
    for key in SHOWN:
        value = report.value(profile, key)
        if value == "-" and key not in ("entrypoint", "ports"):
            continue
        line = f"  {key:<16} {value}"
        if evidence:
            origin = origin_of(profile, key)
            why = _why(profile, key) if origin == DETECTED else f"from {origin}"
            if why:
                line += f"   <- {why}"
        say(line)
    if not profile.ports:
        say("  (no port: the app runs until stopped)" if profile.long_running else
            "  (no port: the app runs to completion)")
    say()


def confirm(profile: Profile, changeable: list[str], questions: dict) -> str | None:
    """The summary; returns None to write, or the key of an answer to change."""
    show(profile, "The container files will use:", evidence=False)
    actions = [("write", "Yes, write them")] + ([("change", "Change an answer")] if changeable else [])
    action = select("Write the container files?", actions + [("cancel", "No, write nothing")], "write")
    if action == "cancel":
        raise Cancelled()
    if action == "write":
        return None
    return select("Which answer?", [(k, questions[k][0]) for k in changeable], changeable[0])


# -- the two interviews ------------------------------------------------------------------
def interview(path, sets: Pairs, explicit: bool) -> tuple[Profile, Pairs]:
    """Ask about an analyzed project. Returns the profile and the answers given (to save)."""
    asked: Pairs = []
    checklist = Checklist(path, sets)  # the tree is read and analyzed once; answers are applied to a copy
    profile = checklist.profile()
    done: set[str] = set()
    keys = plan(profile, done)
    if not keys and not explicit and any(pairs for _origin, pairs in checklist.saved):
        return profile, list(sets)  # answered before: nothing to ask (what --set gave is saved too)
    show(profile, f"Found a {profile.language} project in {profile.root}:", evidence=True)
    while keys:
        key = keys[0]
        done.add(key)
        asked += EXISTING_QUESTIONS[key][1](profile)
        profile = checklist.profile(asked)
        keys = plan(profile, done)
    given = _keys(sets)
    while (key := confirm(profile, _changeable(profile, given), EXISTING_QUESTIONS)) is not None:
        answer = EXISTING_QUESTIONS[key][1](profile)
        try:
            profile = checklist.profile(asked + answer)
        except answer_keys.AnswerError as exc:
            say(f"  {str(exc).removeprefix('--set ')}: not changed")
            continue
        asked += answer
    return profile, list(sets) + asked  # every answer given is saved, --set ones included


def _changeable(profile: Profile, given: set[str]) -> list[str]:
    """The answers the summary offers to change: all but those --set gave (and those that need a port
    or an env var when there is none)."""
    return [k for k in CHANGEABLE
            if k not in given and (k != "secret" or profile.env)
            and (k not in ("port_env", "health_path") or profile.ports)]


def new_project(path, sets: Pairs, saved: Pairs, explicit: bool = False) -> tuple[Profile, Pairs]:
    """Ask about the app about to be written in an empty folder: language, framework, version,
    port, start command, env vars, services. Answers given on the command line or saved are not asked."""
    given = _keys(sets + saved)
    asked: Pairs = []

    def current() -> Profile:
        return scaffold.new_profile(path, sets, asked)

    languages = scaffold.languages()
    if not languages:  # pragma: no cover
        raise scaffold.ScaffoldError("no language can start a new project")
    if not explicit and {"language", "entrypoint"} <= given:
        return current(), list(sets)  # answered before (saved) or on the command line: don't ask again
    say(f"No code in {path} yet: a few questions about the app that will be there.")
    say("(Esc or Ctrl-C cancels; nothing is written until you confirm.)\n")

    def ask_lang(_p: Profile | None = None) -> Pairs:
        default = "python" if "python" in languages else languages[0]
        return [("language", select("Which language?", [(n, n) for n in languages], default))]

    def ask_framework(p: Profile) -> Pairs:
        options = scaffold.frameworks(p.language)
        if options:
            chosen = select("Which framework?", [(k, label) for k, label in options], p.framework or options[0][0])
            return [("framework", "" if chosen == "none" else chosen)]
        return [("framework", text("Which framework? (empty: none)", p.framework or ""))]

    def ask_new_port(p: Profile) -> Pairs:
        default = str(p.ports[0]) if p.ports else ""
        return [("port", text("Which port will it listen on? (empty: it serves no port)", default, _port_ok))]

    def ask_start(p: Profile) -> Pairs:
        return [("entrypoint", text("The command that starts it:", shlex.join(p.entrypoint), _argv_ok))]

    def ask_env(p: Profile) -> Pairs:
        shown = " ".join(v.name + (f"={v.default}" if v.default else "") for v in p.env
                         if v.name != p.port_env and not any(s.env_var == v.name for s in p.services))
        value = text("Env vars it reads (NAME or NAME=default, space-separated; empty: none):", shown,
                     _env_ok)
        pairs = []
        for item in value.split():
            name, _, default = item.partition("=")
            pairs.append((f"env.{name}", default))
        return pairs

    def ask_new_secrets(p: Profile) -> Pairs:
        names = [v for v in p.env if v.name != p.port_env]
        if not names:
            return []
        chosen = set(checkbox("Which of them are secrets (passwords, tokens, keys)?",
                              [(v.name, v.name, v.secret or is_secret(v.name)) for v in names]))
        return [(f"secret.{v.name}", "true" if v.name in chosen else "false") for v in names]

    def ask_services(p: Profile) -> Pairs:
        have = {s.kind for s in p.services}
        chosen = checkbox("Which services does it use? (compose runs them beside the app)",
                          [(k, f"{k} ({CATALOG[k].image})", k in have) for k in CATALOG])
        return [("services", ",".join(chosen))]

    # answer key -> (how it is named, how it is asked), in the order they are asked
    questions: dict[str, tuple[str, Callable]] = {
        key: (label(key), ask) for key, ask in (
            ("language", ask_lang), ("framework", ask_framework), ("runtime_version", ask_version),
            ("port", ask_new_port), ("entrypoint", ask_start), ("env", ask_env), ("secret", ask_new_secrets),
            ("services", ask_services))
    }
    if "language" not in given:
        asked += ask_lang()
    for key, (_label, ask) in questions.items():
        if key == "language" or key in given:
            continue
        profile = current()
        if key == "secret" and not [v for v in profile.env if v.name != profile.port_env]:
            continue
        asked += ask(profile)
    profile = current()
    changeable = [k for k in questions if k not in given and k != "language"]
    while (key := confirm(profile, changeable, questions)) is not None:
        answer = questions[key][1](profile)
        try:
            profile = scaffold.new_profile(path, sets, asked + answer)
        except answer_keys.AnswerError as exc:
            say(f"  {str(exc).removeprefix('--set ')}: not changed")
            continue
        asked += answer
    return profile, list(sets) + asked  # every answer given is saved, --set ones included


def _keys(pairs: Pairs) -> set[str]:
    """The answer keys ``pairs`` answer (``ports`` and ``port`` are "port", ``env.A`` is "env")."""
    found = (answer_keys.lookup(k) for k, _v in pairs)
    return {f[0].key for f in found if f}


def _paths_ok(value: str) -> bool | str:
    for path in answer_keys.split(value):
        if not path.startswith("/") or ".." in path.split("/") or any(c in path for c in "\"'$`\\;&|<>*?"):
            return f"{path!r}: an absolute path in the container, e.g. /app/data"
    return True


def _name_ok(value: str) -> bool | str:
    value = value.strip()
    return True if not value or answer_keys.ENV_NAME.fullmatch(value) else f"{value!r} is not an env var name"


def _version_ok(value: str) -> bool | str:
    try:
        answer_keys.get("runtime_version").kind.apply(Profile(), answer_keys.get("runtime_version"), None,
                                                      value.strip(), "runtime_version")
    except answer_keys.AnswerError as exc:
        return str(exc).split(": ", 1)[-1]
    return True


def _env_ok(value: str) -> bool | str:
    for item in value.split():
        name = item.partition("=")[0]
        if not answer_keys.ENV_NAME.fullmatch(name):
            return f"{name!r} is not an env var name"
    return True


__all__ = ["Cancelled", "interview", "new_project", "plan", "terminal", "THRESHOLD"]
