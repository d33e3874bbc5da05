"""Background job processes that run beside a Ruby app from its image: Sidekiq, GoodJob, Solid Queue, Resque
and Delayed Job (Rails), each when its gem is a runtime gem of the Gemfile, no Procfile process runs it already
and the app does not run its jobs in-process.

Facts come from tree-sitter trees: the Active Job adapter (``config.active_job.queue_adapter = :x`` in
config/application.rb or config/environments/production.rb, the latter winning), GoodJob's execution mode
(``config.good_job.execution_mode = :async``, or the ``execution_mode:`` of ``config.good_job = {...}``),
Puma's Solid Queue plugin (``plugin :solid_queue``, unconditional or behind ``if ENV["SOLID_QUEUE_IN_PUMA"]``)
and, for an app without Rails, the files whose classes ``include Sidekiq::Job`` (Sidekiq must be told which
file loads them).
"""
from __future__ import annotations

import re

from ... import syntax
from ...profile import Profile, Worker
from ...scan import SourceTree
from ...workers import MAX_WORKERS, service_name

_Q_NESTED_SET = """
(assignment left: (call receiver: (call receiver: (identifier) @owner method: (identifier) @group)
                        method: (identifier) @name) right: (_) @value) @set
(assignment left: (call receiver: (identifier) @owner method: (identifier) @group) right: (hash) @options) @set
"""
_Q_CALLS = "(call method: (identifier) @method arguments: (argument_list . (_) @arg)) @call"
CONFIG_FILES = ("config/application.rb", "config/environments/production.rb")
IN_PROCESS_ADAPTERS = {"async", "inline"}  # Active Job runs the jobs inside the app's own process
OTHER_BACKENDS = {"sidekiq", "good_job", "solid_queue", "resque", "delayed_job", "que", "sneakers", "shoryuken"}
_REQUIRE_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*\.rb")  # a project file Sidekiq can -r (no shell characters)


def _symbol(node) -> str | None:
    if node is None:
        return None
    if node.type == "simple_symbol":
        return syntax.text(node).lstrip(":")
    if node.type == "string" and all(c.type == "string_content" for c in node.named_children):
        return "".join(syntax.text(c) for c in node.named_children)
    return None


def _settings(tree: SourceTree, files: list[str]) -> dict[tuple[str, str], tuple[str, str, int]]:
    """(group, name) -> (value, file, line) of `config.group.name = :value` (and the pairs of
    `config.group = {name: :value}`) in the files, the later files winning."""
    found = {}
    for rel in files:
        parsed = tree.parse(rel, "ruby") if tree.exists(rel) else None
        if parsed is None:
            continue
        for _, m in syntax.matches("ruby", _Q_NESTED_SET, parsed.root_node):
            if syntax.text(m["owner"][0]) != "config":
                continue
            group, line = syntax.text(m["group"][0]), syntax.line(m["set"][0])
            if "options" in m:
                for pair in m["options"][0].named_children:
                    key = pair.child_by_field_name("key") if pair.type == "pair" else None
                    value = _symbol(pair.child_by_field_name("value")) if key is not None else None
                    if value is not None:
                        found[(group, syntax.text(key).strip(":\"' "))] = (value, rel, line)
            elif (value := _symbol(m["value"][0])) is not None:
                found[(group, syntax.text(m["name"][0]))] = (value, rel, line)
    return found


def _calls(tree: SourceTree, rel: str, method: str):
    """(first argument node, call node) of each `method arg, ...` call of a file."""
    parsed = tree.parse(rel, "ruby") if tree.exists(rel) else None
    if parsed is None:
        return []
    return [(m["arg"][0], m["call"][0]) for _, m in syntax.matches("ruby", _Q_CALLS, parsed.root_node)
            if syntax.text(m["method"][0]) == method and m["call"][0].child_by_field_name("receiver") is None]


UNKNOWN = object()


def _condition(node, profile: Profile, depth: int = 0):
    """The value of a small condition in the container (RAILS_ENV=production, the env vars compose.yaml sets
    with their defaults, no other): true/false/nil, a string, or UNKNOWN."""
    if node is None or depth > 12:
        return UNKNOWN
    kind = node.type
    if kind in ("true", "false", "nil"):
        return {"true": True, "false": False, "nil": None}[kind]
    if kind == "parenthesized_statements" and node.named_child_count == 1:
        return _condition(node.named_children[0], profile, depth + 1)
    if kind == "string":
        return _symbol(node) if _symbol(node) is not None else UNKNOWN
    if kind == "unary":
        value = _condition(node.child_by_field_name("operand"), profile, depth + 1)
        op = syntax.text(node.child_by_field_name("operator"))
        return UNKNOWN if value is UNKNOWN or op not in ("!", "not") else value in (None, False)
    if kind == "binary":
        op = syntax.text(node.child_by_field_name("operator"))
        left = _condition(node.child_by_field_name("left"), profile, depth + 1)
        right = _condition(node.child_by_field_name("right"), profile, depth + 1)
        if op in ("&&", "and"):
            return left if left is UNKNOWN or left in (None, False) else right
        if op in ("||", "or"):
            if left is UNKNOWN:
                return UNKNOWN
            return left if left not in (None, False) else right
        if op in ("==", "!=") and UNKNOWN not in (left, right):
            return (left == right) == (op == "==")
        return UNKNOWN
    if kind == "element_reference" and syntax.text(node.child_by_field_name("object")) == "ENV" \
            and node.named_child_count == 2:
        name = _symbol(node.named_children[1])
        var = profile.env_var(name) if name else None
        return UNKNOWN if name is None else var.default if var else None
    if kind == "call":
        text = syntax.text(node)
        if text in ("Rails.env.production?", "Rails.env.development?", "Rails.env.test?"):
            return text == "Rails.env.production?"
        receiver, method = node.child_by_field_name("receiver"), syntax.text(node.child_by_field_name("method"))
        args = node.child_by_field_name("arguments")
        if syntax.text(receiver) == "ENV" and method == "fetch" and args is not None and args.named_child_count == 2:
            name, default = _symbol(args.named_children[0]), _condition(args.named_children[1], profile, depth + 1)
            var = profile.env_var(name) if name else None
            return UNKNOWN if name is None else var.default if var and var.default is not None else default
        if method in ("present?", "blank?", "nil?") and args is None:
            value = _condition(receiver, profile, depth + 1)
            if value is UNKNOWN:
                return UNKNOWN
            blank = value in (None, False) or (isinstance(value, str) and not value.strip())
            return {"present?": not blank, "blank?": blank, "nil?": value is None}[method]
    return UNKNOWN


def _puma_runs_solid_queue(tree: SourceTree, profile: Profile) -> tuple[bool, str, int] | None:
    """(in-process, why, line) of config/puma.rb's `plugin :solid_queue`, or None when it has none. A condition
    around it is evaluated as the container sees it (a production environment, the settings compose.yaml sets)."""
    rel = "config/puma.rb"
    for arg, call in _calls(tree, rel, "plugin"):
        if _symbol(arg) != "solid_queue":
            continue
        line, parent = syntax.line(call), call.parent
        if parent is None or parent.type not in ("if_modifier", "unless_modifier", "if", "unless", "then"):
            return True, "config/puma.rb runs Solid Queue inside Puma (plugin :solid_queue)", line
        guard = parent.parent if parent.type == "then" else parent
        node = guard.child_by_field_name("condition") if guard is not None else None
        condition = " ".join(syntax.text(node).split())[:100] if node is not None else ""
        value = _condition(node, profile)
        if value is UNKNOWN:
            return False, f"Puma's Solid Queue plugin is conditional ({condition}): a Solid Queue process runs " \
                          "beside it", line
        holds = (value not in (None, False)) != guard.type.startswith("unless")
        if holds:
            return True, f"config/puma.rb runs Solid Queue inside Puma ({condition} holds in the container)", line
        return False, f"Puma runs Solid Queue only when {condition} (not in the container)", line
    return None


def _sidekiq_jobs(tree: SourceTree, files: list[str]) -> list[tuple[str, int]]:
    """(file, line) of each class that includes Sidekiq::Job (or the older Sidekiq::Worker)."""
    found = []
    for rel in (f for f in files if f.endswith(".rb")):
        for arg, call in _calls(tree, rel, "include"):
            if syntax.text(arg).lstrip(":") in ("Sidekiq::Job", "Sidekiq::Worker"):
                found.append((rel, syntax.line(call)))
                break
    return found


def _sidekiq_loader(tree: SourceTree, profile: Profile, files: list[str], hanami: bool) -> tuple[str | None, str]:
    """(file, why) of what `sidekiq -r` loads in an app without Rails: the app's loader (config/environment.rb of a
    Sinatra + ActiveRecord app, Hanami's config/boot.rb), the one file of the jobs when it requires sidekiq itself,
    else the one file that requires sidekiq (the app that loads its jobs), else the app's script."""
    for rel in ("config/environment.rb",) + (("config/boot.rb",) if hanami else ()):
        if tree.exists(rel):
            return rel, f"{rel} loads the app and its jobs"
    ruby = [f for f in files if f.endswith(".rb")]
    jobs = _sidekiq_jobs(tree, files)
    if not jobs:
        return None, ""
    loaders = [f for f in ruby if any(_symbol(arg) == "sidekiq" for arg, _ in _calls(tree, f, "require"))]
    if len(jobs) == 1 and jobs[0][0] in loaders:
        return jobs[0][0], f"{jobs[0][0]}:{jobs[0][1]} defines the Sidekiq jobs"
    others = [f for f in loaders if f not in {j[0] for j in jobs}]
    apps = [f for f in others if not f.startswith(("config/", "lib/", "spec/", "test/"))] or others
    if len(apps) == 1:  # the app's own file first (an initializer under config/ only configures the client)
        return apps[0], f"{apps[0]} requires sidekiq and loads the jobs ({jobs[0][0]}:{jobs[0][1]})"
    argv = profile.entrypoint
    script = next((a for i, a in enumerate(argv) if i and argv[i - 1] == "ruby" and a.endswith(".rb")
                   and tree.exists(a)), None)
    chosen = script or jobs[0][0]
    profile.warnings.append(f"Sidekiq loads {chosen}: check it loads every job ({', '.join(j[0] for j in jobs[:4])}), "
                            "or --set workers.sidekiq='bundle exec sidekiq -r ./that_file.rb'")
    return chosen, f"{chosen} is loaded (the jobs are in {', '.join(j[0] for j in jobs[:4])})"


def add_job_workers(tree: SourceTree, profile: Profile, gemfile: str | None, runtime_gems: list[tuple[str, int]],
                    files: list[str], rails: bool, hanami: bool) -> None:
    gems = {name: line for name, line in reversed(runtime_gems)}  # a gem's first line
    delayed = next((g for g in ("delayed_job_active_record", "delayed_job_mongoid", "delayed_job") if g in gems), None)
    backends = [g for g in ("sidekiq", "good_job", "solid_queue", "resque") if g in gems] + [delayed] * bool(delayed)
    if not backends:
        return
    settings = _settings(tree, CONFIG_FILES + tuple(f for f in files if f.startswith("config/initializers/")))
    adapter = settings.get(("active_job", "queue_adapter"))
    if adapter:
        profile.note("workers", f"Active Job's queue adapter is {adapter[0]}", adapter[1], adapter[2], 1.0)
    runs = [" ".join(w.command) for w in profile.workers] + [" ".join(profile.entrypoint)]

    def add(name: str, command: list[str], why: str, *already: str, line: int | None = None,
            file: str | None = gemfile) -> None:
        if any(word in text for word in already for text in runs):
            profile.note("workers", f"{name}: the Procfile (or the start command) runs it already", gemfile,
                         gems.get(name.replace("-", "_")), 0.9)
            return
        if len(profile.workers) >= MAX_WORKERS or any(service_name(w) == name for w in profile.workers):
            return
        profile.workers.append(Worker(name, command, file, line, why))
        profile.note("workers", f"{name}: {why}", file, line, 0.9)

    def other_adapter(gem: str) -> bool:
        if adapter and adapter[0] != gem:
            profile.note("workers", f"{gem} is in the Gemfile but Active Job's adapter is {adapter[0]}: no {gem} "
                         "worker", adapter[1], adapter[2], 0.8)
            return True
        return False

    # Sidekiq and Resque also run jobs of their own (include Sidekiq::Job, a class with @queue): with another
    # Active Job adapter, Sidekiq still runs when a class is a Sidekiq job; Resque when the adapter is none of the
    # other backends
    if "sidekiq" in gems and (not adapter or adapter[0] == "sidekiq" or _sidekiq_jobs(tree, files)
                              or not other_adapter("sidekiq")):
        _sidekiq(tree, profile, files, rails, hanami, gems["sidekiq"], add)
    if "good_job" in gems and not other_adapter("good_job"):
        mode = settings.get(("good_job", "execution_mode"))
        env_mode = profile.env_var("GOOD_JOB_EXECUTION_MODE")
        if mode and mode[0] in ("async", "async_server", "inline"):
            profile.note("workers", f"GoodJob runs jobs in the app's process (execution_mode = :{mode[0]})",
                         mode[1], mode[2], 1.0)
        elif env_mode and env_mode.default in ("async", "async_server", "inline"):
            profile.note("workers", f"GoodJob runs jobs in the app's process (GOOD_JOB_EXECUTION_MODE="
                         f"{env_mode.default})", confidence=0.9)
        else:
            add("good-job", ["bundle", "exec", "good_job", "start"],
                "the Gemfile's good_job: `good_job start` runs the queued jobs", "good_job",
                line=gems["good_job"])
    if "solid_queue" in gems and not other_adapter("solid_queue"):
        puma = _puma_runs_solid_queue(tree, profile)
        if puma and puma[0]:
            profile.note("workers", puma[1], "config/puma.rb", puma[2], 1.0)
        else:
            if puma:
                profile.note("workers", puma[1], "config/puma.rb", puma[2], 0.9)
            command = ["./bin/jobs"] if tree.exists("bin/jobs") else ["bundle", "exec", "rake", "solid_queue:start"]
            add("solid-queue", command, "the Gemfile's solid_queue: its supervisor" +
                (" (bin/jobs)" if tree.exists("bin/jobs") else "") + " runs the queued jobs", "bin/jobs", "solid_queue",
                line=gems["solid_queue"])
    if "resque" in gems and not (adapter and adapter[0] in IN_PROCESS_ADAPTERS | OTHER_BACKENDS - {"resque"}):
        if not tree.first("Rakefile", "rakefile", "Rakefile.rb"):
            profile.warnings.append("resque is in the Gemfile but there is no Rakefile (`require \"resque/tasks\"`): "
                                    "no Resque worker; add one and --set workers.resque='bundle exec rake resque:work'")
        else:
            add("resque", ["env", "QUEUE=*", "bundle", "exec", "rake", "resque:work"],
                "the Gemfile's resque: `rake resque:work` runs every queue's jobs", "resque:work", "resque",
                line=gems["resque"])
    if delayed and rails and not other_adapter("delayed_job"):
        add("delayed-job", ["bundle", "exec", "rake", "jobs:work"],
            f"the Gemfile's {delayed}: `rake jobs:work` runs the queued jobs", "jobs:work", "delayed_job",
            line=gems[delayed])


def _sidekiq(tree: SourceTree, profile: Profile, files: list[str], rails: bool, hanami: bool, line: int,
             add) -> None:
    command = ["bundle", "exec", "sidekiq"]
    config = tree.first("config/sidekiq.yml", "config/sidekiq.yaml")
    if config:
        command += ["-C", config]
        profile.note("workers", f"sidekiq: its queues and concurrency are in {config}", config, None, 1.0)
    why = "the Gemfile's sidekiq runs the jobs"
    if not rails:  # Sidekiq boots Rails by itself; anything else names the file that loads the jobs
        require, where = _sidekiq_loader(tree, profile, files, hanami)
        if require and _REQUIRE_PATH.fullmatch(require) and ".." not in require.split("/"):
            command += ["-r", f"./{require}"]
            why += f"; {where}"
        else:
            profile.warnings.append("sidekiq is in the Gemfile but no file defines a Sidekiq job (include "
                                    "Sidekiq::Job): the worker can't tell what to load; set it with "
                                    "--set workers.sidekiq='bundle exec sidekiq -r ./jobs.rb'")
            return
    add("sidekiq", command, why, "sidekiq", line=line)
