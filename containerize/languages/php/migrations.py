"""PHP's one-time step before the app starts: Laravel's ``php artisan migrate --force`` (``artisan`` and
``database/migrations/``)."""
from __future__ import annotations

from ... import migrations as shared
from ...profile import Migration, Profile
from ...scan import SourceTree


def detect(tree: SourceTree, profile: Profile) -> None:
    steps = [f for f in tree.children("database/migrations") if f.endswith(".php")]
    found = []
    if steps and tree.exists("artisan"):
        found.append(Migration("laravel", ["php", "artisan", "migrate", "--force"], "database/migrations", None,
                               f"artisan and {len(steps)} migration(s) in database/migrations/", 0.9))
    shared.settle(tree, profile, found)
