"""Migrations and one-time setup: what each stack's detection finds (with evidence), the app that runs them
itself (then nothing is added), `--set migrate=...`, and how compose.yaml and the Kubernetes manifests run
them (a one-shot service the app waits for; an initContainer)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from containerize.checklist import build_profile
from containerize.compose import apps_compose_dict, compose_dict
from containerize.k8s import render_k8s
from containerize.migrations import migration_tool
from containerize.render import render

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "fixtures"


def tree(root: Path, files: dict[str, str], base: str | None = None) -> Path:
    if base:
        shutil.copytree(FIXTURES / base, root, dirs_exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def notes(profile) -> list[str]:
    return [e.why for e in profile.evidence.get("migrations", [])]


# -- Django -----------------------------------------------------------------------------------
DJANGO = {
    "requirements.txt": "Django==5.0.9\npsycopg[binary]==3.2.3\ngunicorn==22.0.0\n",
    "manage.py": "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_/settings')\n"
                 "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n",
    "proj/__init__.py": "",
    "proj/settings.py": "LOCAL_APPS = ['shop.apps.ShopConfig']\nINSTALLED_APPS = ['django.contrib.auth'] + LOCAL_APPS\n"
                        "WSGI_APPLICATION = 'proj.wsgi.application'\n",
    "proj/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    "shop/__init__.py": "",
    "shop/migrations/__init__.py": "",
    "shop/migrations/0001_initial.py": "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                                      "    operations = []\n",
}


def test_django_app_with_a_migrations_package_gets_migrate_with_the_settings_line(tmp_path):
    profile = build_profile(tree(tmp_path, DJANGO), [])
    [m] = profile.migrations
    assert (m.tool, m.command) == ("django", ["python", "manage.py", "migrate", "--noinput"])
    assert (m.file, m.line) == ("proj/settings.py", 1) and "shop/migrations/" in m.why
    data = json.loads(json.dumps(profile.to_dict()))
    assert data["migrations"][0]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_django_apps_without_migrations_need_no_step(tmp_path):
    files = {k: v for k, v in DJANGO.items() if "/migrations/" not in k}
    files["proj/settings.py"] = files["proj/settings.py"].replace("django.contrib.auth", "django.contrib.staticfiles")
    profile = build_profile(tree(tmp_path, files), [])
    assert profile.migrations == [] and "migrations" not in profile.evidence


def test_the_migrate_fixture_matches(tmp_path):
    profile = build_profile(FIXTURES / "migrate-django-postgres", [])
    assert [m.tool for m in profile.migrations] == ["django"]
    assert profile.migrations[0].file == "notebook/settings.py"


def test_a_procfile_web_process_that_migrates_first_runs_them_itself(tmp_path):
    files = dict(DJANGO, Procfile="web: python manage.py migrate --noinput && gunicorn proj.wsgi\n")
    profile = build_profile(tree(tmp_path, files), [])
    assert profile.migrations == []
    assert any("runs its django migrations itself" in n for n in notes(profile))
    assert [(e.file, e.line) for e in profile.evidence["migrations"]][-1] == ("Procfile", 1)
    assert "migrate" not in compose_dict(profile, "shop")["services"]


def test_call_command_migrate_in_an_app_config_ready_runs_them_itself(tmp_path):
    files = dict(DJANGO, **{"shop/apps.py": "from django.apps import AppConfig\nfrom django.core.management import "
                            "call_command\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n\n    def ready(self):\n"
                            "        call_command('migrate', interactive=False)\n"})
    profile = build_profile(tree(tmp_path, files), [])
    assert profile.migrations == []
    [note] = profile.evidence["migrations"]
    assert (note.file, note.line) == ("shop/apps.py", 8) and "call_command" in note.why


def test_a_procfile_release_process_is_the_step_as_the_author_wrote_it(tmp_path):
    files = dict(DJANGO, Procfile="web: gunicorn proj.wsgi\nrelease: python manage.py migrate && "
                                  "python manage.py loaddata seed\n")
    profile = build_profile(tree(tmp_path, files), [])
    [m] = profile.migrations
    assert m.tool == "django" and m.file == "Procfile" and m.line == 2
    assert m.command == ["sh", "-c", "python manage.py migrate && python manage.py loaddata seed"]


# -- Alembic, Flask-Migrate, create_all -------------------------------------------------------
def test_alembic_fixture_and_an_ini_in_a_subfolder(tmp_path):
    profile = build_profile(FIXTURES / "migrate-flask-alembic", [])
    [m] = profile.migrations
    assert (m.tool, m.command, m.file, m.line) == ("alembic", ["alembic", "upgrade", "head"], "alembic.ini", 2)
    files = {"requirements.txt": "fastapi\nuvicorn\nalembic\nsqlalchemy\n",
             "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
             "db/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
             "db/migrations/env.py": "", "db/migrations/versions/001_init.py": "revision = '001'\n"}
    profile = build_profile(tree(tmp_path / "sub", files), [])
    assert [m.command for m in profile.migrations] == [["alembic", "-c", "db/alembic.ini", "upgrade", "head"]]


FLASK_MIGRATE = {
    "requirements.txt": "flask\nflask-sqlalchemy\nflask-migrate\ngunicorn\npsycopg2-binary\n",
    "wsgi.py": "from web import create_app\napp = create_app()\n",
    "web/__init__.py": "from flask import Flask\nfrom flask_migrate import Migrate\nfrom flask_sqlalchemy import "
                       "SQLAlchemy\n\ndb = SQLAlchemy()\n\n\ndef create_app():\n    app = Flask(__name__)\n"
                       "    db.init_app(app)\n    Migrate(app, db)\n    return app\n",
    "migrations/env.py": "", "migrations/alembic.ini": "[alembic]\n",
    "migrations/versions/abc_init.py": "revision = 'abc'\n",
    "Procfile": "web: gunicorn wsgi:app\n",
}


def test_flask_migrate_runs_flask_db_upgrade_on_the_app_gunicorn_serves(tmp_path):
    profile = build_profile(tree(tmp_path, FLASK_MIGRATE), [])
    assert [(m.tool, m.command) for m in profile.migrations] == [
        ("flask-migrate", ["flask", "--app", "wsgi:app", "db", "upgrade"])]


def test_create_all_in_the_app_factory_means_the_app_creates_its_tables_itself(tmp_path):
    files = dict(FLASK_MIGRATE)
    files["web/__init__.py"] = files["web/__init__.py"].replace(
        "    return app\n", "    with app.app_context():\n        db.create_all()\n    return app\n")
    profile = build_profile(tree(tmp_path, files), [])
    assert profile.migrations == []
    [note] = profile.evidence["migrations"]
    assert note.file == "web/__init__.py" and note.line == 13 and "db.create_all()" in note.why


def test_create_all_only_in_a_cli_command_is_not_run_at_start(tmp_path):
    files = dict(FLASK_MIGRATE)
    files["web/__init__.py"] += "\n\n@click.command('init-db')\ndef init_db():\n    db.create_all()\n"
    profile = build_profile(tree(tmp_path, files), [])
    assert [m.tool for m in profile.migrations] == ["flask-migrate"]


def test_a_start_script_that_upgrades_first_runs_them_itself(tmp_path):
    files = {"requirements.txt": "fastapi\nuvicorn\nalembic\n", "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
             "alembic.ini": "[alembic]\nscript_location = alembic\n", "alembic/env.py": "",
             "scripts/start.sh": "#!/bin/sh\nset -e\nif [ -n \"$X\" ]; then\n  alembic upgrade head\nfi\n"
                                 "exec uvicorn main:app --host 0.0.0.0\n"}
    profile = build_profile(tree(tmp_path, files), [("entrypoint", "sh scripts/start.sh")])
    assert profile.migrations == []
    assert any("scripts/start.sh:4" in n for n in notes(profile))


# -- answers ----------------------------------------------------------------------------------
def test_set_migrate_replaces_or_clears_the_step(tmp_path):
    root = tree(tmp_path, DJANGO)
    given = build_profile(root, [("migrate", "python manage.py migrate --database=main")])
    assert [(m.tool, m.command) for m in given.migrations] == [
        ("given", ["python", "manage.py", "migrate", "--database=main"])]
    assert given.origin("migrations") == "command line (--set)"
    none = build_profile(root, [("migrate", "none")])
    assert none.migrations == []
    assert "migrate" not in compose_dict(none, "shop")["services"]
    added = build_profile(tree(tmp_path / "plain", {"app.py": "print(1)\n"}), [("migrate", "python seed.py")])
    assert added.migrations[0].command == ["python", "seed.py"]


def test_a_given_command_reaches_compose_escaped(tmp_path):
    profile = build_profile(tree(tmp_path, DJANGO), [("migrate", "sh -c 'echo $HOME\nmigrate'")])
    migrate = compose_dict(profile, "shop")["services"]["migrate"]
    assert migrate["command"] == ["sh", "-c", "echo $$HOME migrate"]


# -- compose and Kubernetes -------------------------------------------------------------------
def test_compose_runs_migrate_once_with_the_apps_image_settings_and_hardening():
    profile = build_profile(FIXTURES / "migrate-django-postgres", [])
    doc = compose_dict(profile, "notes")
    app, migrate = doc["services"]["app"], doc["services"]["migrate"]
    assert list(doc["services"])[:2] == ["app", "migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for key in ("build", "image", "environment", "secrets", "entrypoint", "read_only", "tmpfs", "cap_drop",
                "security_opt", "deploy"):
        assert migrate[key] == app[key], key
    assert "ports" not in migrate and migrate["restart"] == "no" and migrate["healthcheck"] == {"disable": True}
    db = next(n for n, s in doc["services"].items() if str(s.get("image", "")).startswith("postgres"))
    assert migrate["depends_on"] == {db: {"condition": "service_healthy"}}
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    files = render(profile)
    assert "docker compose run --rm migrate" in files["README.Docker.md"]
    assert "`python manage.py migrate --noinput`" in files["compose.yaml"]
    assert yaml.safe_load(files["compose.yaml"])["services"]["migrate"]["restart"] == "no"


def test_several_apps_each_get_their_own_migrate_service():
    profile = build_profile(FIXTURES / "migrate-flask-alembic", [])
    doc = apps_compose_dict("repo", [("api", "api", profile, None)])
    migrate = doc["services"]["api-migrate"]
    assert migrate["build"] == {"context": "./api"} and "migrate" not in doc["services"]
    assert doc["services"]["api"]["depends_on"]["api-migrate"] == {"condition": "service_completed_successfully"}


def test_kubernetes_runs_the_step_as_an_init_container_of_the_app():
    profile = build_profile(FIXTURES / "migrate-django-postgres", [])
    deployment = yaml.safe_load(render_k8s(profile, "notes", render(profile)["Dockerfile"])["k8s/deployment.yaml"])
    pod = deployment["spec"]["template"]["spec"]
    [init], [app] = pod["initContainers"], pod["containers"]
    assert init["name"] == "migrate" and init["image"] == app["image"]
    assert init["args"] == ["python", "manage.py", "migrate", "--noinput"]
    for key in ("command", "envFrom", "volumeMounts", "securityContext", "resources"):
        assert init[key] == app[key], key
    assert not any(k.endswith("Probe") for k in init) and "ports" not in init


# -- Node, Ruby, PHP, Java --------------------------------------------------------------------
PRISMA = {
    "package.json": json.dumps({"name": "api", "scripts": {"start": "node server.js"},
                                "dependencies": {"express": "^4.19.0", "@prisma/client": "^5.0.0",
                                                 "prisma": "^5.0.0"}}),
    "server.js": "const express = require('express');\nconst app = express();\napp.listen(3000);\n",
    "prisma/schema.prisma": "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
    "prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE note (id serial primary key);\n",
    "prisma/migrations/migration_lock.toml": "provider = \"postgresql\"\n",
}


def test_prisma_migrate_deploy_and_the_cli_it_needs_in_the_image(tmp_path):
    profile = build_profile(tree(tmp_path / "a", PRISMA), [])
    [m] = profile.migrations
    assert (m.tool, m.command, m.file) == ("prisma", ["npx", "prisma", "migrate", "deploy"], "prisma/schema.prisma")
    assert not any("prisma (the CLI" in w for w in profile.warnings)
    dev = dict(PRISMA, **{"package.json": PRISMA["package.json"].replace(', "prisma": "^5.0.0"', "")
                          .replace('"scripts"', '"devDependencies": {"prisma": "^5.0.0"}, "scripts"')})
    profile = build_profile(tree(tmp_path / "b", dev), [])
    assert [m.tool for m in profile.migrations] == ["prisma"]
    assert any("devDependency" in w and "--save-prod prisma" in w for w in profile.warnings)


def test_a_start_script_that_deploys_prisma_migrations_first_runs_them_itself(tmp_path):
    files = dict(PRISMA, **{"package.json": PRISMA["package.json"].replace(
        '"start": "node server.js"', '"start": "node server.js", "prestart": "npm run db:deploy", '
        '"db:deploy": "prisma migrate deploy"')})
    profile = build_profile(tree(tmp_path, files), [("entrypoint", "npm start")])
    assert profile.migrations == []
    note = profile.evidence["migrations"][-1]
    assert note.file == "package.json" and "prisma migrate deploy" in note.why and "itself" in note.why
    assert "migrate" not in compose_dict(profile, "api")["services"]


KNEX = {
    "package.json": json.dumps({"name": "api", "scripts": {
        "start": "node src/bin/server", "db:migrate": "knex migrate:latest", "db:rollback": "knex migrate:rollback"},
        "dependencies": {"knex": "^3.1.0", "pg": "^8.11.0", "koa": "^2.15.0"}}, indent=2),
    "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n",
    "src/bin/server": "const Koa = require('koa');\nnew Koa().listen(3000);\n",
    "src/migrations/20240101_init.js": "exports.up = (knex) => knex.schema.createTable('notes', () => {});\n",
}


def test_a_package_script_that_runs_knex_migrations_is_the_migrate_step(tmp_path):
    """The RealWorld Koa example's "db:migrate": "knex migrate:latest": knex is a dependency, so the image runs it."""
    profile = build_profile(tree(tmp_path / "a", KNEX), [])
    [m] = profile.migrations
    assert (m.tool, m.command, m.file, m.line) == ("knex", ["/app/node_modules/.bin/knex", "migrate:latest"],
                                                   "package.json", 5)
    assert compose_dict(profile, "api")["services"]["migrate"]["command"] == ["/app/node_modules/.bin/knex",
                                                                             "migrate:latest"]
    dev = json.loads(KNEX["package.json"])
    dev["devDependencies"] = {"knex": dev["dependencies"].pop("knex")}
    profile = build_profile(tree(tmp_path / "b", dict(KNEX, **{"package.json": json.dumps(dev)})), [])
    assert profile.migrations == []
    assert any("db:migrate script migrates the database with knex, which is a devDependency" in w
               for w in profile.warnings)


def test_rails_db_prepare(tmp_path):
    root = tree(tmp_path, {"db/migrate/20240101000000_create_notes.rb":
                           "class CreateNotes < ActiveRecord::Migration[7.2]\n  def change\n"
                           "    create_table :notes\n  end\nend\n"}, base="ruby-rails")
    profile = build_profile(root, [])
    assert [(m.tool, m.command) for m in profile.migrations] == [("rails", ["bin/rails", "db:prepare"])]
    assert profile.migrations[0].file == "db/migrate/20240101000000_create_notes.rb"  # the evidence
    assert build_profile(FIXTURES / "ruby-rails", []).migrations == []


def test_laravel_migrate_force(tmp_path):
    root = tree(tmp_path, {"database/migrations/2024_01_01_000000_create_notes_table.php":
                           "<?php\nreturn new class extends Illuminate\\Database\\Migrations\\Migration {};\n"},
                base="php-laravel")
    profile = build_profile(root, [])
    assert [(m.tool, m.command) for m in profile.migrations] == [
        ("laravel", ["php", "artisan", "migrate", "--force"])]
    assert profile.migrations[0].file == "database/migrations/2024_01_01_000000_create_notes_table.php"
    doc = compose_dict(profile, "site")
    assert doc["services"]["migrate"]["command"] == ["php", "artisan", "migrate", "--force"]


def test_spring_boot_with_flyway_runs_them_itself(tmp_path):
    root = tree(tmp_path, {"src/main/resources/db/migration/V1__init.sql": "CREATE TABLE note (id int);\n"},
                base="java-spring-boot")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace(
        "<dependency>", "<dependency>\n      <groupId>org.flywaydb</groupId>\n      <artifactId>flyway-core"
        "</artifactId>\n    </dependency>\n    <dependency>", 1))
    profile = build_profile(root, [])
    assert profile.migrations == []
    assert any("Spring Boot runs Flyway" in n for n in notes(profile))


def test_flyway_migrations_nothing_runs_are_a_warning(tmp_path):
    root = tree(tmp_path, {"src/main/resources/db/migration/V1__init.sql": "CREATE TABLE note (id int);\n"},
                base="java-maven")
    profile = build_profile(root, [])
    assert profile.migrations == []
    assert any("Flyway migrations in src/main/resources/db/migration/" in w for w in profile.warnings)


@pytest.mark.parametrize("words, tool", [
    (["python", "manage.py", "migrate"], "django"), (["alembic", "-c", "x.ini", "upgrade", "head"], "alembic"),
    (["flask", "--app", "app", "db", "upgrade"], "flask-migrate"), (["npx", "prisma", "migrate", "deploy"], "prisma"),
    (["./bin/rails", "db:prepare"], "rails"), (["php", "artisan", "migrate", "--force"], "laravel"),
    (["npx", "knex", "migrate:latest"], "knex"), (["python", "manage.py", "runserver"], None),
    (["prisma", "generate"], None), (["flask", "run"], None)])
def test_migration_commands_are_recognised(words, tool):
    assert migration_tool(words) == tool


def test_a_prestart_script_that_migrates_and_seeds_is_the_step(tmp_path):
    files = {"requirements.txt": "fastapi\nuvicorn\nalembic\nsqlmodel\n",
             "app/__init__.py": "", "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
             "alembic.ini": "[alembic]\nscript_location = app/alembic\n", "app/alembic/env.py": "",
             "app/alembic/versions/1_init.py": "revision = '1'\n",
             "scripts/prestart.sh": "#! /usr/bin/env bash\nset -e\npython app/backend_pre_start.py\n"
                                    "alembic upgrade head\npython app/initial_data.py\n"}
    profile = build_profile(tree(tmp_path, files), [])
    [m] = profile.migrations
    assert (m.tool, m.command, m.file, m.line) == ("alembic", ["bash", "scripts/prestart.sh"], "scripts/prestart.sh", 4)


def test_laravel_on_its_default_sqlite_file_is_warned_about(tmp_path):
    root = tree(tmp_path, {"database/migrations/2024_01_01_000000_create_notes_table.php": "<?php\n"},
                base="php-laravel")
    env = root / ".env.example"
    env.write_text("APP_NAME=Laravel\nDB_CONNECTION=sqlite\n")
    config = root / "config" / "database.php"
    config.write_text(config.read_text().replace("env('DB_CONNECTION', 'pgsql')", "env('DB_CONNECTION', 'sqlite')"))
    profile = build_profile(root, [])
    assert [m.tool for m in profile.migrations] == ["laravel"]
    assert any("DB_CONNECTION defaults to sqlite" in w for w in profile.warnings)


def test_laravel_skeleton_default_sqlite_file_lives_in_the_storage_volume():
    profile = build_profile(FIXTURES / "php-laravel-sqlite", [])
    assert [m.command for m in profile.migrations] == [["php", "artisan", "migrate", "--force"]]
    assert profile.env_var("DB_DATABASE").default == "/var/www/html/storage/database.sqlite"  # not mysql's 'laravel'
    assert profile.env_var("DB_CONNECTION").default == "sqlite" and not profile.services
    assert not any("sqlite" in w for w in profile.warnings)
    assert "/var/www/html/storage" in profile.writable_paths
    doc = compose_dict(profile, "notes")
    services = doc["services"]
    assert set(services) == {"app", "migrate", "queue"}
    for name in ("migrate", "queue"):  # one database file: the volume every process of the app mounts
        assert services[name]["volumes"] == services["app"]["volumes"] == ["var-www-html-storage:/var/www/html/storage"]
        assert services[name]["environment"]["DB_DATABASE"] == "${DB_DATABASE:-/var/www/html/storage/database.sqlite}"


@pytest.mark.parametrize("change", ["committed", "fixed path"])
def test_laravel_sqlite_file_that_cannot_move_is_still_warned_about(tmp_path, change):
    root = tree(tmp_path, {}, base="php-laravel-sqlite")
    if change == "committed":  # its rows are in the file: left where it is, with the warning
        (root / "database" / "database.sqlite").write_bytes(b"SQLite format 3\0")
        (root / "database" / ".gitignore").unlink()
    else:  # no env var names the file
        config = root / "config" / "database.php"
        config.write_text(config.read_text().replace("env('DB_DATABASE', database_path('database.sqlite'))",
                                                     "database_path('database.sqlite')"))
    profile = build_profile(root, [])
    assert profile.env_var("DB_DATABASE").default == "laravel"
    assert any("DB_CONNECTION defaults to sqlite" in w for w in profile.warnings)


def test_django_own_apps_with_tables_need_migrate_too():
    profile = build_profile(FIXTURES / "python-django", [])
    [m] = profile.migrations
    assert m.confidence == 0.7 and "django.contrib.contenttypes" in m.why and m.file == "mysite/settings.py"
    doc = compose_dict(profile, "site")
    assert doc["services"]["migrate"]["volumes"] == doc["services"]["app"]["volumes"]  # the SQLite file's volume
    assert "depends_on" not in doc["services"]["migrate"]


def test_a_next_standalone_image_without_the_schema_is_warned_about(tmp_path):
    files = dict(PRISMA, **{"package.json": json.dumps({
        "name": "web", "scripts": {"build": "next build", "start": "next start"},
        "dependencies": {"next": "14.2.0", "react": "18.3.0", "react-dom": "18.3.0", "@prisma/client": "^5.0.0",
                         "prisma": "^5.0.0"}}),
        "next.config.mjs": "export default { output: 'standalone' };\n", "app/page.js": "export default () => 1;\n"})
    del files["server.js"]
    profile = build_profile(tree(tmp_path, files), [])
    assert [m.tool for m in profile.migrations] == ["prisma"]
    assert any("only the built server" in w for w in profile.warnings)


def test_hostile_release_commands_stay_data_in_compose_and_kubernetes(tmp_path):
    files = dict(DJANGO, Procfile="web: gunicorn proj.wsgi\nrelease: python manage.py migrate && echo \"$(id)\" "
                                  "${HOME} '\"; rm -rf /' \x07\n")
    profile = build_profile(tree(tmp_path, files), [])
    [m] = profile.migrations
    text = render(profile, k8s=True)
    migrate = yaml.safe_load(text["compose.yaml"])["services"]["migrate"]
    assert migrate["command"][:2] == ["sh", "-c"] and "$$(id)" in migrate["command"][2]
    assert "$${HOME}" in migrate["command"][2] and "\x07" not in migrate["command"][2]
    init = yaml.safe_load(text["k8s/deployment.yaml"])["spec"]["template"]["spec"]["initContainers"][0]
    assert init["args"][2] == migrate["command"][2]
    header = text["compose.yaml"].split("services:", 1)[0]
    assert all(line.startswith("#") for line in header.splitlines() if line)


# -- Flyway migrations nothing in the app runs: Flyway's official image -------------------------------
POSTGRES_DEPENDENCY = ("<dependencies>\n    <dependency>\n      <groupId>org.postgresql</groupId>\n"
                       "      <artifactId>postgresql</artifactId>\n      <version>42.7.4</version>\n"
                       "    </dependency>\n  </dependencies>\n  <build>")


def flyway_app(root: Path) -> Path:
    root = tree(root, {"src/main/resources/db/migration/V1__init.sql": "CREATE TABLE note (id int);\n",
                       "src/main/resources/db/migration/V2__more.sql": "ALTER TABLE note ADD body text;\n"},
                base="java-maven")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace("<build>", POSTGRES_DEPENDENCY, 1))
    return root


def test_flyway_sql_nothing_runs_is_run_by_the_official_image(tmp_path):
    from containerize.image_tags import FAMILIES

    profile = build_profile(flyway_app(tmp_path), [])
    [m] = profile.migrations
    assert (m.tool, m.command, m.file) == ("flyway", ["flyway", "migrate"],
                                           "src/main/resources/db/migration/V1__init.sql")
    assert not any("Flyway migrations in" in w for w in profile.warnings)
    assert any("Flyway's official image runs them" in n for n in notes(profile))
    doc = compose_dict(profile, "notes")
    app, migrate = doc["services"]["app"], doc["services"]["migrate"]
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert migrate["image"] == f"flyway/flyway:{FAMILIES['flyway'].default}" and "build" not in migrate
    assert migrate["command"] == ["-url=jdbc:postgresql://postgres:5432/app", "-user=app",
                                  "-locations=filesystem:/flyway/sql", "-connectRetries=10", "migrate"]
    assert migrate["volumes"] == ["./src/main/resources/db/migration:/flyway/sql:ro"]
    # the password: the database's own secret file, read into the variable Flyway reads
    assert migrate["secrets"] == ["postgres_password"] == doc["services"]["postgres"]["secrets"]
    assert migrate["entrypoint"][:2] == ["/bin/sh", "-c"] and migrate["entrypoint"][3] == "flyway"
    assert 'FLYWAY_PASSWORD="$$(cat /run/secrets/postgres_password)"' in migrate["entrypoint"][2]
    assert 'exec flyway "$$@"' in migrate["entrypoint"][2]
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}} and migrate["restart"] == "no"
    assert migrate["cap_drop"] == ["ALL"] and "ports" not in migrate
    files = render(profile)
    assert yaml.safe_load(files["compose.yaml"])["services"]["migrate"] == migrate
    assert "Flyway's official image, the project's folder mounted read-only" in files["README.Docker.md"]
    assert "Flyway's official image" in files["compose.yaml"]
    # Kubernetes: the SQL is not in the app's image, so no init container runs `flyway migrate` from it
    deployment = yaml.safe_load(render_k8s(profile, "notes", files["Dockerfile"])["k8s/deployment.yaml"])
    assert "initContainers" not in deployment["spec"]["template"]["spec"]
    assert "run that image as a Job" in m.why  # said where the answers are shown


def test_flyway_for_one_of_several_apps_mounts_the_sql_of_its_folder(tmp_path):
    profile = build_profile(flyway_app(tmp_path / "api"), [])
    doc = apps_compose_dict("repo", [("api", "api", profile, None)])
    migrate = doc["services"]["api-migrate"]
    assert "build" not in migrate and migrate["image"].startswith("flyway/flyway:")
    assert migrate["volumes"] == ["./api/src/main/resources/db/migration:/flyway/sql:ro"]
    assert doc["services"]["api"]["depends_on"]["api-migrate"] == {"condition": "service_completed_successfully"}


def test_flyway_without_a_database_service_or_with_flyway_core_adds_no_service(tmp_path):
    root = flyway_app(tmp_path / "a")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace("<dependencies>", "<dependencies>\n    <dependency>\n      <groupId>"
                                           "org.flywaydb</groupId>\n      <artifactId>flyway-core</artifactId>\n"
                                           "    </dependency>", 1))
    assert build_profile(root, []).migrations == []  # plain Java with flyway-core: still a warning, no step
    root = tree(tmp_path / "b", {"src/main/resources/db/migration/V1__init.sql": "CREATE TABLE note (id int);\n"},
                base="java-maven")
    profile = build_profile(root, [])
    assert profile.migrations == [] and "migrate" not in compose_dict(profile, "x")["services"]


def test_a_hostile_migration_folder_never_reaches_compose(tmp_path):
    root = flyway_app(tmp_path)
    bad = root / "src/main/resources/db/migration"
    bad.rename(root / "src/main/resources/db/x$y")
    (root / "src/main/resources/db/migration").mkdir()
    (root / "src/main/resources/db/migration/x:y").mkdir()
    (root / "src/main/resources/db/migration/x:y/V1__a.sql").write_text("select 1;\n")
    profile = build_profile(root, [])
    assert profile.migrations == []
    assert any("Flyway migrations in" in w for w in profile.warnings)


def test_a_liquibase_changelog_nothing_runs_is_run_by_the_official_image(tmp_path):
    from containerize.image_tags import FAMILIES

    root = tree(tmp_path, {
        "src/main/resources/db/changelog/db.changelog-master.yaml":
            "databaseChangeLog:\n  - include:\n      file: db/changelog/changes/001-notes.yaml\n",
        "src/main/resources/db/changelog/changes/001-notes.yaml": "databaseChangeLog: []\n"}, base="java-maven")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace("<build>", POSTGRES_DEPENDENCY, 1))
    profile = build_profile(root, [])
    [m] = profile.migrations
    assert (m.tool, m.command, m.file) == ("liquibase", ["liquibase", "update"],
                                           "src/main/resources/db/changelog/db.changelog-master.yaml")
    assert "Liquibase's official image runs them" in m.why and not any("Liquibase" in w for w in profile.warnings)
    migrate = compose_dict(profile, "notes")["services"]["migrate"]
    assert migrate["image"] == f"liquibase/liquibase:{FAMILIES['liquibase'].default}"
    # the resources folder: includes name their files from there (the classpath's root)
    assert migrate["volumes"] == ["./src/main/resources:/liquibase/changelog:ro"]
    assert migrate["command"] == ["--url=jdbc:postgresql://postgres:5432/app", "--username=app",
                                  "--search-path=/liquibase/changelog",
                                  "--changelog-file=db/changelog/db.changelog-master.yaml", "update"]
    assert 'LIQUIBASE_COMMAND_PASSWORD="$$(cat /run/secrets/postgres_password)"' in migrate["entrypoint"][2]
    assert 'exec liquibase "$$@"' in migrate["entrypoint"][2] and migrate["secrets"] == ["postgres_password"]
    assert "Liquibase's official image" in render(profile)["README.Docker.md"]


def test_liquibase_changelogs_without_a_master_stay_a_warning(tmp_path):
    root = tree(tmp_path, {"src/main/resources/db/changelog/a.yaml": "databaseChangeLog: []\n",
                           "src/main/resources/db/changelog/b.yaml": "databaseChangeLog: []\n"}, base="java-maven")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace("<build>", POSTGRES_DEPENDENCY, 1))
    profile = build_profile(root, [])
    assert profile.migrations == []
    assert any("Liquibase migrations in src/main/resources/db/changelog/" in w for w in profile.warnings)


def test_flyway_against_mysql_uses_mariadb_jdbc_and_the_mysql_password(tmp_path):
    root = tree(tmp_path, {"src/main/resources/db/migration/V1__init.sql": "CREATE TABLE note (id int);\n"},
                base="java-maven")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace("<build>", POSTGRES_DEPENDENCY.replace("org.postgresql", "com.mysql")
                                           .replace(">postgresql<", ">mysql-connector-j<"), 1))
    profile = build_profile(root, [])
    doc = compose_dict(profile, "notes")
    migrate = doc["services"]["migrate"]
    db = next(n for n, s in doc["services"].items() if str(s.get("image", "")).startswith("mariadb"))
    assert migrate["command"][:2] == [f"-url=jdbc:mariadb://{db}:3306/app", "-user=app"]
    assert migrate["secrets"] == doc["services"][db]["secrets"]


@pytest.mark.parametrize("config, text", [
    ("flyway.conf", "flyway.url=jdbc:postgresql://localhost/app\nflyway.locations=filesystem:sql/migrations\n"),
    ("flyway.toml", '[environments.default]\nurl = "jdbc:postgresql://localhost/app"\n\n'
                    '[flyway]\nlocations = ["filesystem:./sql/migrations"]\n'),
])
def test_flyway_sql_where_its_configuration_says(tmp_path, config, text):
    root = tree(tmp_path, {config: text, "sql/migrations/V1__init.sql": "CREATE TABLE note (id int);\n",
                           "sql/migrations/v2/V2__more.sql": "ALTER TABLE note ADD body text;\n"}, base="java-maven")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace("<build>", POSTGRES_DEPENDENCY, 1))
    profile = build_profile(root, [])
    [m] = profile.migrations
    assert (m.tool, m.file) == ("flyway", "sql/migrations/V1__init.sql")
    migrate = compose_dict(profile, "notes")["services"]["migrate"]
    assert migrate["volumes"] == ["./sql/migrations:/flyway/sql:ro"]


def test_a_flyway_configuration_that_points_out_of_the_project_is_ignored(tmp_path):
    root = tree(tmp_path, {"flyway.conf": "flyway.locations=filesystem:../elsewhere,classpath:db/x\n",
                           "flyway.toml": "[flyway\nbroken", "V1__init.sql": "select 1;\n"}, base="java-maven")
    pom = root / "pom.xml"
    pom.write_text(pom.read_text().replace("<build>", POSTGRES_DEPENDENCY, 1))
    assert build_profile(root, []).migrations == []


def test_an_alembic_url_fixed_to_another_host_is_a_warning_naming_the_fix(tmp_path):
    """alembic.ini's sqlalchemy.url at the author's own compose service `db`, used as it is by env.py: the
    migrate step can't reach the compose service postgres (testdrivenio's fastapi-sqlmodel-alembic shape)."""
    profile = build_profile(FIXTURES / "migrate-fastapi-alembic-fixed-url", [])
    assert [m.command for m in profile.migrations] == [["alembic", "upgrade", "head"]]
    [warning] = [w for w in profile.warnings if "sqlalchemy.url" in w]
    assert warning == ("alembic.ini:3: sqlalchemy.url names the host db, and migrations/env.py uses it as it is: the "
                       "migrate step can't reach the compose service postgres; set it from DATABASE_URL in "
                       "migrations/env.py: config.set_main_option(\"sqlalchemy.url\", os.environ[\"DATABASE_URL\"])")
    assert "postgres:postgres" not in warning  # the URL's credentials are never repeated


@pytest.mark.parametrize("env_py, ini_url", [
    # env.py sets the URL itself, from an env var or the app's settings
    ('import os\nfrom alembic import context\nconfig = context.config\n'
     'config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])\n', "postgresql://u:p@db/x"),
    ('from alembic import context\nfrom app.core.config import settings\nconfig = context.config\n'
     'configuration = config.get_section(config.config_ini_section)\n'
     'configuration["sqlalchemy.url"] = settings.url\n', "postgresql://u:p@db/x"),
    ('from alembic import context\nfrom sqlalchemy import create_engine\nfrom app.settings import URL\n'
     'engine = create_engine(URL)\n', "postgresql://u:p@db/x"),
    # the ini names the compose service itself, or no URL at all
    ('from alembic import context\nconfig = context.config\n', "postgresql://u:p@postgres/x"),
    ('from alembic import context\nconfig = context.config\n', ""),
])
def test_an_alembic_url_replaced_by_env_py_or_at_the_service_is_no_warning(tmp_path, env_py, ini_url):
    files = {"requirements.txt": "fastapi\nuvicorn\nalembic\nsqlalchemy\npsycopg2-binary\n",
             "main.py": "import os\nfrom fastapi import FastAPI\nURL = os.environ['DATABASE_URL']\napp = FastAPI()\n",
             "alembic.ini": f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {ini_url}\n",
             "migrations/env.py": env_py, "migrations/versions/001_init.py": "revision = '001'\n"}
    profile = build_profile(tree(tmp_path / "app", files), [])
    assert profile.migrations and [s.kind for s in profile.services] == ["postgres"]
    assert not any("sqlalchemy.url" in w for w in profile.warnings)
