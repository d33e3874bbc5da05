"""Ruby's one-time step before the app starts: Rails' ``db:prepare`` (creates the database when it is new,
else runs the pending migrations of ``db/migrate/``), or Sequel's migrator over a folder of
``Sequel.migration`` files, on the ``DB`` connection the app's own file opens."""
from __future__ import annotations

from ... import migrations as shared
from ... import syntax
from ...profile import Migration, Profile
from ...scan import SourceTree

SEQUEL_FOLDERS = ("db/migrate", "migrate", "db/migrations", "migrations")
_Q_DB = "(assignment left: (constant) @name right: (call receiver: (constant) @owner method: (identifier) @method))"
_Q_MIGRATION = "(call receiver: (constant) @owner method: (identifier) @method)"


def detect(tree: SourceTree, profile: Profile, files: list[str] | None = None, hanami: bool = False) -> None:
    steps = [f for f in tree.children("db/migrate") if f.endswith(".rb")]
    # a config/application.rb alone is no Rails app: a Sinatra app laid out like one has no `rails` command
    rails = tree.exists("bin/rails") or tree.exists("config/application.rb") and bool(
        {"rails", "railties"} & set(profile.dependencies))
    found = []
    if steps and rails:
        command = ["bin/rails", "db:prepare"] if tree.exists("bin/rails") else ["bundle", "exec", "rails", "db:prepare"]
        found.append(Migration("rails", command, sorted(steps)[0], None,
                               f"a Rails app with {len(steps)} migration(s) in db/migrate/", 0.9))
    elif steps and "sinatra-activerecord" in profile.dependencies and tree.exists("Rakefile"):
        # sinatra-activerecord's rake tasks (`require "sinatra/activerecord/rake"`); db:prepare is ActiveRecord 6+
        found.append(Migration("activerecord", ["bundle", "exec", "rake", "db:migrate"], sorted(steps)[0], None,
                               f"sinatra-activerecord with {len(steps)} migration(s) in db/migrate/ (its rake "
                               "tasks: rake db:migrate)", 0.85))
    elif hanami and (hanami_steps := sorted(f for f in tree.children("config/db/migrate") if f.endswith(".rb"))):
        found.append(Migration("hanami", ["bundle", "exec", "hanami", "db", "migrate"], hanami_steps[0], None,
                               f"a Hanami app with {len(hanami_steps)} migration(s) in config/db/migrate/", 0.9))
    elif "sequel" in profile.dependencies and files:
        found += _sequel(tree, files)
    shared.settle(tree, profile, found)


def _calls(tree: SourceTree, rel: str, query: str) -> list[dict]:
    parsed = tree.parse(rel, "ruby")
    return [m for _, m in syntax.matches("ruby", query, parsed.root_node)] if parsed is not None else []


def _sequel(tree: SourceTree, files: list[str]) -> list[Migration]:
    """`DB = Sequel.connect(...)` in a top-level file of the app, and a folder of Sequel.migration files."""
    connect = next((f for f in sorted(files, key=lambda f: (f.count("/"), f)) if f.endswith(".rb") and "/" not in f
                    and any(syntax.text(m["name"][0]) == "DB" and syntax.text(m["owner"][0]) == "Sequel"
                            and syntax.text(m["method"][0]) == "connect" for m in _calls(tree, f, _Q_DB))), None)
    if connect is None:
        return []
    for folder in SEQUEL_FOLDERS:
        steps = sorted(f for f in tree.children(folder) if f.endswith(".rb"))
        if steps and any(syntax.text(m["owner"][0]) == "Sequel" and syntax.text(m["method"][0]) == "migration"
                         for m in _calls(tree, steps[0], _Q_MIGRATION)):
            code = f'Sequel.extension :migration; Sequel::Migrator.run(DB, "{folder}")'
            return [Migration("sequel", ["bundle", "exec", "ruby", "-r", f"./{connect}", "-e", code], steps[0], None,
                              f"{len(steps)} Sequel migration(s) in {folder}/, on the DB that {connect} connects",
                              0.85)]
    return []
