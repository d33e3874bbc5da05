"""Java's schema migrations: Flyway (``db/migration/V*.sql``) and Liquibase (``db/changelog/``). Spring Boot
runs them itself as it starts when flyway-core or liquibase-core is on the classpath, and so does code that
calls ``Flyway...migrate()`` or Liquibase's ``update``. Otherwise Flyway's SQL migrations are run by a
one-shot service of Flyway's official image against the database compose runs (the SQL folder mounted
read-only); Liquibase's, and Flyway's without a database service, are said in a warning (the image has no
command-line tool for them). The code is read with tree-sitter."""
from __future__ import annotations

from ... import migrations as shared
from ... import syntax
from ...profile import Migration, Profile
from ...scan import SourceTree

_TOOLS = {"flyway": ("flyway-core", "org.flywaydb", "migrate"), "liquibase": ("liquibase-core", "liquibase", "update")}
_CALLS = "(method_invocation name: (identifier) @name) @call"
_IMPORTS = "(import_declaration) @import"


def detect(tree: SourceTree, profile: Profile) -> None:
    java_files = [f for f in tree.with_suffix(".java") if "src/test/" not in f and "/resources/" not in f]
    locations = _config_locations(tree)
    flyway = [f for f in tree.files if ("resources/db/migration/" in f or f.startswith(tuple(locations)))
              and f.rsplit("/", 1)[-1][:1] in "VR" and f.endswith((".sql", ".java"))]
    liquibase = [f for f in tree.files if "resources/db/changelog/" in f]
    artifacts = {d.split(":", 1)[-1] for d in profile.dependencies}
    for tool, files in (("flyway", flyway), ("liquibase", liquibase)):
        artifact, package, method = _TOOLS[tool]
        on_classpath = artifact in artifacts or any(a.startswith(f"{tool}-") for a in artifacts)
        if not files and not on_classpath:
            continue
        if on_classpath and profile.framework == "spring-boot":
            shared.settle(tree, profile, [], itself=(f"Spring Boot runs {tool.title()}'s migrations at start "
                                                     f"({artifact} is on the classpath)", files[0] if files else None,
                                                     None))
            return
        call = _called(tree, java_files, package, method)
        if call:
            shared.settle(tree, profile, [], itself=(f"the code calls {tool.title()}'s {method}()", *call))
            return
        if files and not on_classpath and _by_official_image(tree, profile, tool, files):
            return
        if files:
            profile.warnings.append(f"{tool.title()} migrations in {files[0].rsplit('/', 1)[0]}/ but nothing in the "
                                    f"app runs them and the image has no {tool} command: run them against the "
                                    f"database before the app starts (the {tool} tool or build plugin), or add "
                                    f"{artifact} so the app does")
            profile.note("migrations", f"{tool.title()} migrations that the app does not run", files[0], None, 0.6)
            return


_CHANGELOG_SUFFIXES = (".yaml", ".yml", ".xml", ".json", ".sql")


def _by_official_image(tree: SourceTree, profile: Profile, tool: str, files: list[str]) -> bool:
    """The tool's own image runs the migrations (Flyway's SQL folder, Liquibase's master changelog) before the
    app starts, when compose runs a PostgreSQL or MySQL/MariaDB service for it."""
    if not any(s.kind in shared.JDBC for s in profile.services):
        return False
    if tool == shared.FLYWAY:
        first = min((f for f in files if f.endswith(".sql")), key=lambda f: (f.count("/"), f), default=None)
        what = f"Flyway SQL migrations in {first.rsplit('/', 1)[0]}/" if first else ""
    else:
        first = _master_changelog(files)
        what = f"the Liquibase changelog {first}" if first else ""
    if not first or not shared.safe_path(first):
        return False
    artifact = _TOOLS[tool][0]
    shared.settle(tree, profile, [Migration(
        tool, list(shared.OFFICIAL[tool][0]), first, None,
        f"{what} that nothing in the app runs (no {artifact}, no call of {tool.title()}'s {_TOOLS[tool][2]}()): "
        f"{tool.title()}'s official image runs them in compose (k8s/ has no init container for them: run that "
        "image as a Job)", 0.8)])
    return True


def _master_changelog(files: list[str]) -> str | None:
    """Liquibase's master changelog: the one named ``*master*`` (Spring Boot's db.changelog-master.yaml), else the
    only changelog directly in db/changelog/."""
    changelogs = sorted(f for f in files if f.endswith(_CHANGELOG_SUFFIXES))
    master = [f for f in changelogs if "master" in f.rsplit("/", 1)[-1]]
    top = [f for f in changelogs if "/" not in f.split("db/changelog/", 1)[-1]]
    chosen = master or (top if len(top) == 1 else [])
    return chosen[0] if chosen else None


FLYWAY_CONFIGS = ("flyway.conf", "conf/flyway.conf", "flyway.toml", "conf/flyway.toml")


def _config_locations(tree: SourceTree) -> list[str]:
    """The project folders a Flyway configuration file names as ``filesystem:`` locations (``flyway.locations=``
    in flyway.conf, a properties file; ``locations = [...]`` under ``[flyway]`` or an environment in flyway.toml),
    each as ``folder/``."""
    import tomllib

    found: list[str] = []
    for name in FLYWAY_CONFIGS:
        text = tree.read(name) if tree.exists(name) else None
        if not text:
            continue
        values: list = []
        if name.endswith(".toml"):
            try:
                data = tomllib.loads(text)
            except (tomllib.TOMLDecodeError, ValueError):
                continue
            tables = [data.get("flyway")] + list((data.get("environments") or {}).values()) \
                if isinstance(data.get("environments") or {}, dict) else [data.get("flyway")]
            for table in tables:
                if isinstance(table, dict):
                    value = table.get("locations")
                    values += value if isinstance(value, list) else [value]
        else:
            for line in text.splitlines():
                key, sep, value = line.partition("=")
                if sep and key.strip() == "flyway.locations":
                    values += value.split(",")
        for value in values:
            if not isinstance(value, str) or not value.strip().startswith("filesystem:"):
                continue
            folder = value.strip().removeprefix("filesystem:").removeprefix("./").strip("/")
            if folder and shared.safe_path(folder) and folder + "/" not in found:
                found.append(folder + "/")
    return found


def _called(tree: SourceTree, files: list[str], package: str, method: str) -> tuple[str, int] | None:
    """A call of ``method`` in a file that imports ``package``."""
    for rel in files:
        parsed = tree.parse(rel, "java")
        if parsed is None:
            continue
        imports = syntax.captures("java", _IMPORTS, parsed.root_node).get("import", [])
        if not any(package in syntax.text(node) for node in imports):
            continue
        for _, match in syntax.matches("java", _CALLS, parsed.root_node):
            if syntax.text(match["name"][0]) == method:
                return rel, syntax.line(match["call"][0])
    return None
