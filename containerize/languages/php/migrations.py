"""PHP's one-time step before the app starts: Laravel's ``php artisan migrate --force`` (``artisan`` and
``database/migrations/``)."""
from __future__ import annotations

from ... import migrations as shared
from ...profile import Migration, Profile
from ...scan import SourceTree


def detect(tree: SourceTree, profile: Profile, sqlite_in_volume: bool = False) -> None:
    steps = [f for f in tree.children("database/migrations") if f.endswith(".php")]
    found = []
    if steps and tree.exists("artisan"):
        found.append(Migration("laravel", ["php", "artisan", "migrate", "--force"], sorted(steps)[0], None,
                               f"artisan and {len(steps)} migration(s) in database/migrations/", 0.9))
    shared.settle(tree, profile, found)
    connection = profile.env_var("DB_CONNECTION")
    if profile.migrations and connection is not None and connection.default == "sqlite" and not sqlite_in_volume:
        profile.warnings.append("DB_CONNECTION defaults to sqlite (database/database.sqlite, inside the image's "
                                "read-only code): `php artisan migrate --force` and the app need a database server "
                                "(DB_CONNECTION=mysql or pgsql and --set services=mysql) or a volume for the file")
