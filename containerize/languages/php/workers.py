"""Processes that run beside a PHP app from its image: the Procfile's other processes, Laravel's queue worker
(Horizon when it is installed) and scheduler, Symfony Messenger's consumer.

Laravel's queue connection is the app's QUEUE_CONNECTION (its env() default in config/queue.php, or
.env.example) else config/queue.php's literal 'default'; ``sync`` runs jobs in the request, so no worker.
Scheduled tasks are read from the parse trees: ``$schedule->...`` in app/Console/Kernel.php's schedule() or
bootstrap/app.php's withSchedule(), ``Schedule::...`` in routes/console.php. Messenger's transports come from
config/packages/messenger.yaml (a YAML parser); a transport whose DSN is ``sync://`` handles messages in the
request and the failure transport is only retried by hand.
"""
from __future__ import annotations

import re

import yaml

from ... import syntax
from ...profile import Profile, Worker
from ...scan import SourceTree
from ...workers import MAX_WORKERS, add_procfile_workers, service_name
from .composer import line_of_text
from .source import PLACEHOLDER, Env, PhpSource

_TRANSPORT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,60}")  # a transport name that can be an argument
_ENV_PLACEHOLDER = re.compile(r"%env\((?:[a-z_]+:)*([A-Za-z_][A-Za-z0-9_]*)\)%")


def add_workers(tree: SourceTree, profile: Profile, src: PhpSource, framework: str | None,
                packages: set[str]) -> None:
    add_procfile_workers(tree, profile)
    if framework == "laravel" and tree.exists("artisan"):
        _laravel_queue(tree, profile, src, packages)
        _laravel_scheduler(profile, src)
    if framework == "symfony" and tree.exists("bin/console") and packages & {"symfony/messenger", "symfony/scheduler"}:
        _messenger(tree, profile, src, packages)


def _add(profile: Profile, name: str, command: list[str], why: str, file: str | None, line: int | None,
         confidence: float, *already: str) -> None:
    """A worker, unless one (from the Procfile) already runs it or the names are used up."""
    runs = [" ".join(w.command) for w in profile.workers]
    if any(word in text for word in already for text in runs) or len(profile.workers) >= MAX_WORKERS:
        return
    if any(service_name(w) == name for w in profile.workers):
        return
    profile.workers.append(Worker(name, command, file, line, why))
    profile.note("workers", f"{name}: {why}", file, line, confidence)


def _env_evidence(profile: Profile, name: str) -> tuple[str | None, int | None]:
    note = next((n for n in reversed(profile.evidence.get("env", [])) if n.why.startswith(name)), None)
    return (note.file, note.line) if note else (None, None)


def _queue_default(src: PhpSource):
    """config/queue.php's 'default' => ... (a literal, or an env() read with its default), and its line."""
    rel = "config/queue.php"
    if rel not in src.roots:
        return None, None
    for statement in src.roots[rel].named_children:
        array = statement.named_children[0] if statement.type == "return_statement" and statement.named_children \
            else None
        if array is None or array.type != "array_creation_expression":
            continue
        for element in array.named_children:
            parts = element.named_children
            if element.type == "array_element_initializer" and len(parts) == 2 and \
                    src.value(rel, parts[0]) == "default":
                return src.value(rel, parts[1]), syntax.line(element)
    return None, None


def _laravel_queue(tree: SourceTree, profile: Profile, src: PhpSource, packages: set[str]) -> None:
    """The connection config/queue.php's default names: the env var it reads (QUEUE_CONNECTION, or an older
    app's QUEUE_DRIVER) as the app is given it, else its default there; else QUEUE_CONNECTION."""
    default, line = _queue_default(src)
    rel = "config/queue.php"
    name = default.name if isinstance(default, Env) and isinstance(default.name, str) else "QUEUE_CONNECTION"
    var = profile.env_var(name)
    if var and var.default:
        connection, (rel, line) = var.default, _env_evidence(profile, name)
    elif isinstance(default, Env):
        connection = default.default if isinstance(default.default, str) else None
    else:
        connection = default if isinstance(default, str) else None
    if connection and (inner := PLACEHOLDER.fullmatch(connection)):  # env('QUEUE_CONNECTION', env('QUEUE_DRIVER', 'x'))
        var = profile.env_var(inner.group(1))
        connection = var.default if var and var.default else inner.group(2)
    if not connection:  # (Laravel 11's own default is `database`; an app that says nothing queues nothing here)
        return
    if connection in ("sync", "null"):
        profile.note("workers", f"the queue connection ({name}) is {connection}: jobs run in the request, no queue "
                     "worker", rel, line, 0.9)
        return
    if "laravel/horizon" in packages:
        _add(profile, "horizon", ["php", "artisan", "horizon"],
             f"laravel/horizon runs the {connection} queue's workers", "composer.json",
             line_of_text(tree, "composer.json", '"laravel/horizon"'), 0.9, "horizon", "queue:work", "queue:listen")
        return
    _add(profile, "queue", ["php", "artisan", "queue:work", "--tries=3"],
         f"the queue connection is {connection}: a worker runs the queued jobs", rel, line, 0.9,
         "queue:work", "queue:listen", "horizon")


def _laravel_scheduler(profile: Profile, src: PhpSource) -> None:
    """A schedule with entries: `php artisan schedule:work` runs it every minute."""
    found = None
    for rel in ("app/Console/Kernel.php", "bootstrap/app.php"):
        if rel not in src.roots:
            continue
        for node in src.nodes(rel, "member"):
            inner = node
            while inner.type == "member_call_expression":
                inner = inner.child_by_field_name("object")
            if inner is not None and inner.type == "variable_name" and syntax.text(inner) == "$schedule":
                found = found or (rel, syntax.line(node))
    if found is None and "routes/console.php" in src.roots:
        for node in src.nodes("routes/console.php", "scoped"):
            scope = node.child_by_field_name("scope")
            if scope is not None and syntax.text(scope).lstrip("\\").split("\\")[-1] == "Schedule":
                found = ("routes/console.php", syntax.line(node))
                break
    if found:
        _add(profile, "scheduler", ["php", "artisan", "schedule:work"],
             "the app schedules tasks: schedule:work runs them every minute", found[0], found[1], 0.9,
             "schedule:work", "schedule:run")


def _messenger(tree: SourceTree, profile: Profile, src: PhpSource, packages: set[str]) -> None:
    """`messenger:consume` of the asynchronous transports messages are routed to, and of each Scheduler
    schedule's transport (scheduler_NAME): Symfony runs neither inside the request."""
    names, rel, line = _transports(tree, profile) if "symfony/messenger" in packages else ([], None, None)
    schedules = _schedules(src) if "symfony/scheduler" in packages else []
    for name, where, at in schedules:
        if f"scheduler_{name}" not in names:
            names.append(f"scheduler_{name}")
            rel, line = (rel, line) if rel else (where, at)
    if not names:
        return
    messages = [n for n in names if not n.startswith("scheduler_")]
    parts = ([f"Symfony Messenger's {', '.join(messages)} transport{'s' if len(messages) > 1 else ''}"] if messages
             else []) + ([f"the Scheduler's {', '.join(n for n, _, _ in schedules)} schedule"
                          f"{'s' if len(schedules) > 1 else ''}"] if schedules else [])
    _add(profile, "messenger", ["php", "bin/console", "messenger:consume", *names],
         f"{' and '.join(parts)}: handled outside the request", rel, line, 0.9, "messenger:consume")


def _schedules(src: PhpSource) -> list[tuple[str, str, int]]:
    """(name, file, line) of each #[AsSchedule('name')] class (name `default` when the attribute names none)."""
    found = []
    for rel in src.roots:
        for node in src.nodes(rel, "attribute"):
            name = node.named_children[0] if node.named_children else None
            if name is None or syntax.text(name).lstrip("\\").split("\\")[-1] != "AsSchedule":
                continue
            params = node.child_by_field_name("parameters")
            args = [a for a in params.named_children if a.type == "argument"] if params is not None else []
            value = src.value(rel, args[0].named_children[-1]) if args and args[0].named_children else "default"
            if isinstance(value, str) and _TRANSPORT.fullmatch(value) and value not in {n for n, _, _ in found}:
                found.append((value, rel, syntax.line(node)))
    return found


def _transports(tree: SourceTree, profile: Profile) -> tuple[list[str], str | None, int | None]:
    """The asynchronous transports config/packages/messenger.yaml routes messages to (not sync://, not the
    failure transport), with the file and line of its transports."""
    rel = next((f for f in ("config/packages/messenger.yaml", "config/packages/messenger.yml") if tree.exists(f)),
               None)
    if rel is None:
        return [], None, None
    try:
        data = yaml.safe_load(tree.read(rel) or "")
    except yaml.YAMLError:
        profile.warnings.append(f"{rel}: not valid YAML, Messenger's transports unknown (no consumer worker)")
        return [], None, None
    messenger = ((data or {}).get("framework") or {}).get("messenger") if isinstance(data, dict) else None
    if not isinstance(messenger, dict) or not isinstance(messenger.get("transports"), dict):
        return [], None, None
    failure = messenger.get("failure_transport")
    routed = messenger.get("routing") if isinstance(messenger.get("routing"), dict) else {}
    routed_to = set()
    for value in routed.values():
        value = value.get("senders") if isinstance(value, dict) else value  # 'App\Message': {senders: [async]}
        routed_to |= {t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)}
    names = []
    for name, transport in messenger["transports"].items():
        dsn = transport.get("dsn") if isinstance(transport, dict) else transport
        if not isinstance(name, str) or not _TRANSPORT.fullmatch(name) or name == failure:
            continue
        if routed_to and name not in routed_to:
            continue
        if isinstance(dsn, str) and (env := _ENV_PLACEHOLDER.fullmatch(dsn.strip())):
            var = profile.env_var(env.group(1))
            dsn = var.default if var and var.default else None  # unknown: set where it is deployed
        if isinstance(dsn, str) and dsn.startswith("sync://"):
            continue
        names.append(name)
    return names, rel, line_of_text(tree, rel, "transports:")
