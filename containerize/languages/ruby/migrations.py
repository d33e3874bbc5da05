"""Ruby's one-time step before the app starts: Rails' ``db:prepare`` (creates the database when it is new,
else runs the pending migrations of ``db/migrate/``)."""
from __future__ import annotations

from ... import migrations as shared
from ...profile import Migration, Profile
from ...scan import SourceTree


def detect(tree: SourceTree, profile: Profile) -> None:
    steps = [f for f in tree.children("db/migrate") if f.endswith(".rb")]
    rails = tree.exists("bin/rails") or tree.exists("config/application.rb")
    found = []
    if steps and rails:
        command = ["bin/rails", "db:prepare"] if tree.exists("bin/rails") else ["bundle", "exec", "rails", "db:prepare"]
        found.append(Migration("rails", command, sorted(steps)[0], None,
                               f"a Rails app with {len(steps)} migration(s) in db/migrate/", 0.9))
    shared.settle(tree, profile, found)
