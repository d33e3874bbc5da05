"""How a Ruby app starts: the Procfile's web process, an app server for Rails and Rack apps,
or the script that starts a server (else the script that runs)."""
from __future__ import annotations

import re
import shlex

from ...envvars import DOTENV_EXAMPLES, dotenv_lines, dotenv_value
from ...profile import Profile
from ...scan import SourceTree
from ...workers import procfile_processes
from .source import Facts

_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_SAFE_DEFAULT = re.compile(r"[\w.:/@-]{1,100}")


def _documented(tree: SourceTree) -> dict[str, str]:
    """NAME -> value of .env.example's lines (WEB_CONCURRENCY=1)."""
    found: dict[str, str] = {}
    for rel in DOTENV_EXAMPLES:
        for _number, name, value in dotenv_lines(tree, rel):
            found.setdefault(name, dotenv_value(value))
    return found


def _with_defaults(argv: list[str], profile: Profile, tree: SourceTree) -> str | None:
    """`exec iodine -p "${PORT:-9393}" ...`: the Procfile's command for `sh -c`, every variable with the
    default the app gives it (an env var set at run time still wins); None when one has no known default."""
    documented = None
    out = []
    for arg in argv:
        parts, last = [], 0
        for m in _VAR.finditer(arg):
            name = m.group(1) or m.group(2)
            var = profile.env_var(name)
            default = var.default if var is not None and not var.secret else None
            if default is None and (var is None or not var.secret):
                documented = _documented(tree) if documented is None else documented
                default = documented.get(name) or None
            if default is None or not _SAFE_DEFAULT.fullmatch(default):
                return None
            parts += [shlex.quote(arg[last:m.start()]) if arg[last:m.start()] else "", f'"${{{name}:-{default}}}"']
            last = m.end()
        if last == 0:
            out.append(shlex.quote(arg))
        else:
            out.append("".join(parts) + (shlex.quote(arg[last:]) if arg[last:] else ""))
    return "exec " + " ".join(out)


ENTRY_SCRIPTS = ("main.rb", "app.rb", "run.rb", "script.rb", "cli.rb")
NOT_BINS = ("bin/setup", "bin/console", "bin/rails", "bin/rake", "bin/bundle", "bin/dev")


def start_command(tree: SourceTree, profile: Profile, files: list[str], facts: Facts, framework: str | None,
                  gems: set[str], has_gems: bool):
    """(argv, why, file, line, confidence, server) of the best way to start the app, or None."""
    exec_ = ["bundle", "exec"] if has_gems else []
    for kind, argv, number in procfile_processes(tree):
        if kind == "web" and not any("$" in a for a in argv):
            return argv, "the Procfile's web process", tree.first("Procfile"), number, 1.0, True
        if kind == "web":  # $PORT, $WEB_CONCURRENCY: through a shell, each with the default the app documents
            command = _with_defaults(argv, profile, tree)
            if command:
                return (["sh", "-c", command], "the Procfile's web process (its variables default to the values "
                        ".env.example or the code give)", tree.first("Procfile"), number, 0.9, True)
    if framework in ("rails", "rack") or (framework == "sinatra" and tree.exists("config.ru")):
        server = next((g for g in ("puma", "unicorn", "falcon", "thin") if g in gems), None)
        if server is None and has_gems:
            profile.warnings.append("no app server gem (puma) in the Gemfile: add `gem \"puma\"` and run `bundle lock`")
        if (server or "puma") == "puma":
            if tree.exists("config/puma.rb"):
                return (exec_ + ["puma", "-C", "config/puma.rb"], "puma with config/puma.rb", "config/puma.rb", None,
                        1.0, True)
            port = 3000 if framework == "rails" else 9292
            return (exec_ + ["puma", "-b", f"tcp://0.0.0.0:{port}"],
                    f"puma serves {'the Rails app' if framework == 'rails' else 'config.ru'}",
                    "config.ru" if tree.exists("config.ru") else None, None, 0.95, True)
        if server == "unicorn":
            config = tree.first("config/unicorn.rb")
            if config:  # its workers, timeout and preload; its own listen line, else one on every address
                listens = any(rel == config for _, _, rel, _ in facts.ports) or \
                    any(rel == config for _, rel, _ in facts.port_envs)
                return (exec_ + ["unicorn", "-c", config] + ([] if listens else ["-l", "0.0.0.0:8080"]),
                        f"unicorn with {config}", config, None, 0.95, True)
            return exec_ + ["unicorn", "-l", "0.0.0.0:8080"], "unicorn serves config.ru", "config.ru", None, 0.9, True
        if server == "falcon":
            argv = ["falcon", "host"] if tree.exists("falcon.rb") else ["falcon", "serve", "--bind", "http://0.0.0.0:9292"]
            return exec_ + argv, "falcon serves config.ru", "config.ru", None, 0.9, True
        return exec_ + ["thin", "start", "-a", "0.0.0.0", "-p", "3000"], "thin serves config.ru", "config.ru", None, 0.9, True
    # a script: a server (socket / sinatra classic) first, else a script with a main guard or the only file
    candidates = [f for f in files if not f.startswith(("config/", "lib/", "app/", "db/")) and f.endswith(".rb")]
    for rel in candidates:
        if rel in facts.servers or (framework == "sinatra" and rel in facts.sinatra):
            return exec_ + ["ruby", rel], f"{rel} starts a server", rel, facts.servers.get(rel), 0.9, True
    for name in ENTRY_SCRIPTS:
        if name in candidates:
            return exec_ + ["ruby", name], f"{name} is the conventional entry script", name, None, 0.7, False
    guarded = [f for f in candidates if f in facts.main_guard]
    if guarded:
        return exec_ + ["ruby", guarded[0]], f"{guarded[0]} runs as a script (__FILE__ == $0)", guarded[0], None, 0.8, False
    bins = [f for f in tree.glob("bin/*") if "/" not in f[4:] and f not in NOT_BINS]
    if bins:
        return exec_ + [f"./{bins[0]}"], f"{bins[0]} is the executable", bins[0], None, 0.6, False
    if len(candidates) == 1:
        return exec_ + ["ruby", candidates[0]], f"{candidates[0]} is the only script", candidates[0], None, 0.6, False
    return None
