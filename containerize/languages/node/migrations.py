"""Node's one-time steps before the app starts: Prisma's ``migrate deploy`` (``prisma/schema.prisma`` and its
``migrations/`` folder); and whether the start command (the package script it runs, with its ``pre`` script
and the scripts those run) does it itself."""
from __future__ import annotations

import posixpath

from ... import migrations as shared
from ...profile import Migration, Profile
from ...scan import SourceTree

_RUNNERS = ("npm", "pnpm", "yarn", "bun")
_MAX_DEPTH = 3


def detect(tree: SourceTree, pkg, profile: Profile) -> None:
    found = prisma(tree, pkg, profile) + medusa(profile)
    if not found:
        found = script_migrations(pkg, profile)
    shared.settle(tree, profile, found, lines=start_scripts(pkg, profile.entrypoint))


def prisma(tree: SourceTree, pkg, profile: Profile) -> list[Migration]:
    configured = (pkg.data.get("prisma") or {}).get("schema") if isinstance(pkg.data.get("prisma"), dict) else None
    schema = configured if isinstance(configured, str) and tree.exists(posixpath.normpath(configured)) else None
    schema = posixpath.normpath(schema) if schema else tree.first("prisma/schema.prisma")
    if not schema:
        return []
    folder = posixpath.join(posixpath.dirname(schema), "migrations")
    steps = [f for f in tree.files if f.startswith(folder + "/") and f.endswith("/migration.sql")]
    if not steps:
        return []
    command = ["npx", "prisma", "migrate", "deploy"]
    if schema != "prisma/schema.prisma":
        command += ["--schema", schema]
    runtime, everything = pkg.deps(dev=False), pkg.deps()
    if "prisma" not in runtime:
        where = "a devDependency, which the image leaves out" if "prisma" in everything else "not a dependency"
        profile.warnings.append(f"prisma (the CLI that runs `prisma migrate deploy`) is {where}: move it to "
                                "dependencies (npm install --save-prod prisma) so the migrate step finds it in the "
                                "image; otherwise npx would download it at run time")
    plan = profile.build
    copied = getattr(plan, "runtime_copy", None) or []
    if getattr(plan, "kind", "") == "next-standalone" or copied and not any(
            schema.startswith(c.rstrip("/") + "/") for c in copied):
        profile.warnings.append(f"the runtime image holds only the built server, without {schema} and its "
                                "migrations: the migrate step needs them (and the prisma CLI) in the image; build "
                                "a separate migration image or copy them in")
    return [Migration("prisma", command, schema, None,
                      f"{schema} and {len(steps)} migration(s) in {folder}/", 0.9 if "prisma" in runtime else 0.7)]


# the migration tools a package script runs (knex migrate:latest ...) -> the package that installs the tool
_TOOL_PACKAGES = {"knex": "knex", "sequelize": "sequelize-cli", "typeorm": "typeorm", "drizzle": "drizzle-kit",
                  "node-pg-migrate": "node-pg-migrate"}


def script_migrations(pkg, profile: Profile) -> list[Migration]:
    """A package script named for migrations (``"db:migrate": "knex migrate:latest"``) whose one command runs a
    migration tool: that command, from the image's node_modules/.bin when the tool is a dependency."""
    from ..shell.script import read_script

    for name, text in pkg.scripts.items():
        if "migrat" not in name.lower() or "rollback" in name.lower() or "make" in name.lower():
            continue
        try:
            commands = read_script(text).words
        except (RecursionError, ValueError):
            continue
        if len(commands) != 1:
            continue
        words, _line = commands[0]
        tool = shared.migration_tool(words)
        if tool not in _TOOL_PACKAGES or "$" in text or any(not w.isprintable() for w in words):
            continue
        program = posixpath.basename(words[0])
        if program in ("npx", "yarn", "pnpm") and len(words) > 1:
            words = words[1:]
            program = posixpath.basename(words[0])
        package = _TOOL_PACKAGES[tool]
        if program not in (tool, package, "knex", "sequelize", "typeorm", "drizzle-kit", "node-pg-migrate"):
            continue  # ts-node ./node_modules/typeorm/cli.js ...: not a plain tool command
        runtime, everything = pkg.deps(dev=False), pkg.deps()
        if package not in runtime and not (tool == "sequelize" and "sequelize-cli" in runtime):
            where = "a devDependency" if package in everything else "not a dependency"
            profile.warnings.append(f"package.json's {name} script migrates the database with {program}, which is "
                                    f"{where}: the image can't run it; move {package} to dependencies to get a "
                                    "migrate step, or run the migrations yourself before the app starts")
            return []
        command = [f"/app/node_modules/.bin/{program}", *words[1:]]
        return [Migration(tool, command, "package.json", pkg.line_of.get(name),
                          f"package.json's {name} script runs {' '.join(words)}", 0.8)]
    return []


def medusa(profile: Profile) -> list[Migration]:
    """Medusa creates and updates its tables with ``medusa db:migrate`` (run from the built server's folder, the
    image's app folder), before ``medusa start``."""
    if profile.framework != "medusa":
        return []
    return [Migration("medusa", ["/app/node_modules/.bin/medusa", "db:migrate"], "package.json", None,
                      "Medusa: medusa db:migrate creates and updates the database tables before medusa start", 0.85)]


def _script_name(argv: list[str]) -> str | None:
    """The package script a start command runs: ``npm start``, ``npm run serve``, ``yarn start``."""
    if len(argv) < 2 or posixpath.basename(argv[0]) not in _RUNNERS:
        return None
    rest = [a for a in argv[1:] if not a.startswith("-")]
    if not rest:
        return None
    if rest[0] in ("run", "run-script") and len(rest) > 1:
        return rest[1]
    return rest[0]


def start_scripts(pkg, argv: list[str]) -> list[tuple[str, str, int | None]]:
    """The package scripts that run when the app starts (the start script, its ``pre`` script and the scripts
    they run in turn), as command lines with their line in package.json."""
    from ..shell.script import read_script

    scripts = pkg.scripts if isinstance(pkg.scripts, dict) else {}
    found: list[tuple[str, str, int | None]] = []
    todo = [(n, 0) for n in (_script_name(argv),) if n]
    if not todo:  # `node server.js` and the like: no script runs; a command line could still name one
        for words, _line in read_script(" ".join(argv)).words if argv else []:
            name = _script_name(words)
            if name:
                todo.append((name, 1))
    seen: set[str] = set()
    while todo:
        name, depth = todo.pop(0)
        for script in (f"pre{name}", name):
            text = scripts.get(script)
            if script in seen or not isinstance(text, str):
                continue
            seen.add(script)
            found.append((text, "package.json", pkg.line_of.get(script)))
            if depth < _MAX_DEPTH:
                for words, _line in read_script(text).words:
                    inner = _script_name(words)
                    if inner:
                        todo.append((inner, depth + 1))
    return found
