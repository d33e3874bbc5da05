"""How the code connects to its backing services, and the compose file wired to match."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from containerize.checklist import build_profile
from containerize.compose import compose_dict
from containerize.services import connection_from_url

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "fixtures"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def compose_of(path: Path) -> tuple:
    profile = build_profile(path, [])
    return profile, compose_dict(profile, path.name)


def test_host_fixed_in_code_names_the_service_and_the_password_file_is_mounted_where_the_code_reads_it():
    profile, doc = compose_of(FIXTURES / "conn-flask-db-secret")
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.user, conn.database) == ("postgres", "db", "notes", "notes")
    assert (conn.password_source, conn.password_path) == ("file", "/run/secrets/db-password")
    assert (conn.file, conn.line) == ("app.py", 13)
    services = doc["services"]
    assert set(services) == {"app", "db"}
    db = services["db"]
    assert db["environment"] == {"POSTGRES_USER": "notes", "POSTGRES_DB": "notes",
                                 "POSTGRES_PASSWORD_FILE": "/run/secrets/db-password"}
    assert db["secrets"] == ["db-password"] and services["app"]["secrets"] == ["db-password"]
    assert doc["secrets"] == {"db-password": {"file": "./secrets/db-password"}}
    assert services["app"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    # db-password is no env var name: nothing exports it, the app reads the file itself
    assert "entrypoint" not in services["app"]


def test_an_app_that_logs_in_as_root_gets_roots_password_from_its_file(tmp_path):
    app = write(tmp_path / "blog", {
        "requirements.txt": "flask\nmysql-connector\n",
        "hello.py": "import mysql.connector\nfrom flask import Flask\nserver = Flask(__name__)\n"
                    "class DB:\n    def __init__(self, database='example', host='db', user='root', password_file=None):\n"
                    "        pf = open(password_file, 'r')\n"
                    "        self.c = mysql.connector.connect(user=user, password=pf.read(), host=host, database=database)\n"
                    "@server.route('/')\ndef index():\n    DB(password_file='/run/secrets/db-password')\n    return 'ok'\n",
    })
    profile, doc = compose_of(app)
    assert [s.kind for s in profile.services] == ["mysql"]
    db = doc["services"]["db"]
    assert db["environment"]["MYSQL_DATABASE"] == "example"
    assert db["environment"]["MYSQL_ROOT_PASSWORD_FILE"] == "/run/secrets/db-password"
    assert "MYSQL_USER" not in db["environment"] and "MYSQL_RANDOM_ROOT_PASSWORD" not in db["environment"]


def test_host_from_an_env_var_with_a_localhost_default_is_pointed_at_the_service():
    profile, doc = compose_of(FIXTURES / "conn-redis-env")
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.host_env, conn.port) == ("redis", "localhost", "REDIS_HOST", 6379)
    env = doc["services"]["app"]["environment"]
    assert env["REDIS_HOST"] == "${REDIS_HOST:-redis}"
    assert "redis" in doc["services"] and not profile.warnings


def test_user_and_database_the_code_uses_are_the_images(tmp_path):
    app = write(tmp_path / "shop", {
        "requirements.txt": "flask\npsycopg2-binary\n",
        "app.py": "import os\nimport psycopg2\nfrom flask import Flask\napp = Flask(__name__)\n"
                  "def db():\n    return psycopg2.connect(host=os.environ.get('DB_HOST', 'localhost'), user='shop',\n"
                  "        dbname='orders', password=os.environ['DB_PASSWORD'])\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.user, conn.database, conn.password_source, conn.password_env) == ("shop", "orders", "env", "DB_PASSWORD")
    pg = doc["services"]["postgres"]
    assert pg["environment"]["POSTGRES_USER"] == "shop" and pg["environment"]["POSTGRES_DB"] == "orders"
    # one password file: the app's DB_PASSWORD and the image's password are the same value
    assert pg["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert pg["secrets"] == ["db_password"] and doc["services"]["app"]["secrets"] == ["db_password"]
    assert "pg_isready -U shop -d orders" in pg["healthcheck"]["test"][1]
    assert doc["services"]["app"]["environment"]["DB_HOST"] == "${DB_HOST:-postgres}"


def test_a_mongo_host_in_a_client_string_names_the_service_and_no_credentials_means_no_auth(tmp_path):
    app = write(tmp_path / "todo", {
        "requirements.txt": "flask\npymongo\n",
        "server.py": "from flask import Flask\nfrom pymongo import MongoClient\napp = Flask(__name__)\n"
                     "client = MongoClient('mongo:27017')\n",
    })
    profile, doc = compose_of(app)
    assert profile.connections[0].host == "mongo" and profile.connections[0].port == 27017
    mongo = doc["services"]["mongo"]
    assert "secrets" not in mongo and "MONGO_INITDB_ROOT_USERNAME" not in mongo.get("environment", {})


def test_a_host_fixed_to_localhost_is_a_warning_naming_the_line(tmp_path):
    app = write(tmp_path / "cache", {
        "requirements.txt": "redis\n",
        "main.py": "import redis\n\nr = redis.Redis(host='localhost', port=6379)\nprint(r.ping())\n",
    })
    profile, _ = compose_of(app)
    assert any(w.startswith("main.py:3 ") and "localhost" in w for w in profile.warnings), profile.warnings


def test_a_password_written_in_the_code_is_a_warning_naming_the_secret_file(tmp_path):
    node = write(tmp_path / "result", {
        "package.json": json.dumps({"name": "result", "main": "server.js",
                                    "dependencies": {"express": "^4.18.2", "pg": "^8.8.0"}}),
        "server.js": "const express = require('express'),\n  { Pool } = require('pg');\n"
                     "const pool = new Pool({\n  connectionString: 'postgres://postgres:postgres@db/postgres'\n});\n"
                     "const app = express();\napp.listen(process.env.PORT || 4000);\n",
    })
    profile, doc = compose_of(node)
    assert [w for w in profile.warnings if "password written in the code" in w] == [
        "server.js:3 connects to postgres with a password written in the code: compose gives the postgres service "
        "the password in ./secrets/postgres_password, so put the same value there, or read the password from an "
        "env var (e.g. POSTGRES_PASSWORD)"]
    assert doc["services"]["db"]["environment"]["POSTGRES_USER"] == "postgres"
    python = write(tmp_path / "py", {
        "requirements.txt": "psycopg2-binary\n",
        "main.py": "import os\nimport psycopg2\n\n"
                   "conn = psycopg2.connect(host='db', user='app', password=os.environ['DB_PASSWORD'])\n"
                   "print(conn)\n",
    })
    profile, _ = compose_of(python)
    assert not [w for w in profile.warnings if "password written in the code" in w]  # read from an env var


def test_urls_are_split_into_their_parts():
    conn = connection_from_url("jdbc:postgresql://db:5432/shop")
    assert (conn.kind, conn.host, conn.port, conn.database) == ("postgres", "db", 5432, "shop")
    conn = connection_from_url("amqp://guest:guest@rabbit:5672/")
    assert (conn.kind, conn.host, conn.user, conn.password_source) == ("rabbitmq", "rabbit", "guest", "literal")
    assert connection_from_url("https://example.com/") is None
    assert connection_from_url("postgresql://db:notaport/x") is None
    assert connection_from_url("mysql://${DB_HOST}/x").host is None


def test_a_url_var_with_a_credential_free_default_is_a_setting(tmp_path):
    app = write(tmp_path / "worker", {
        "requirements.txt": "redis\n",
        "main.py": "import os\nimport redis\nr = redis.from_url(os.getenv('REDIS_URL', 'redis://localhost:6379/0'))\n",
    })
    profile, doc = compose_of(app)
    var = profile.env_var("REDIS_URL")
    assert var is not None and not var.secret
    assert profile.connections[0].url_env == "REDIS_URL"
    assert doc["services"]["app"]["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"


def test_rabbitmq_is_a_service_kind(tmp_path):
    app = write(tmp_path / "jobs", {
        "requirements.txt": "pika\n",
        "main.py": "import os\nimport pika\n"
                   "params = pika.ConnectionParameters(host=os.getenv('RABBIT_HOST', 'rabbitmq'))\n",
    })
    profile, doc = compose_of(app)
    assert [s.kind for s in profile.services] == ["rabbitmq"]
    assert doc["services"]["rabbitmq"]["image"].startswith("rabbitmq:")


def test_inspect_json_lists_the_connections():
    out = subprocess.run([sys.executable, "-m", "containerize", "inspect", str(FIXTURES / "conn-redis-env"), "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    (conn,) = json.loads(out.stdout)["connections"]
    assert conn["kind"] == "redis" and conn["host_env"] == "REDIS_HOST" and conn["file"] == "app.py"


def test_weird_values_never_reach_the_compose_file_unquoted(tmp_path):
    app = write(tmp_path / "odd", {
        "requirements.txt": "pymysql\n",
        "app.py": "import pymysql\nc = pymysql.connect(host='db;rm -rf', user='a b: c', database='x\\ny',\n"
                  "    password=open('/run/secrets/../../etc/passwd').read())\n",
    })
    _, doc = compose_of(app)
    text = yaml.safe_dump(doc)
    assert "rm -rf" not in text and "a b: c" not in text and "/etc/passwd" not in text
    assert "mysql" in doc["services"]


def test_kubernetes_names_the_service_after_the_host_the_code_uses_as_compose_does():
    from containerize.k8s.manifests import service_manifests

    profile = build_profile(FIXTURES / "conn-flask-db-secret", [])
    out = service_manifests(profile, "notes")
    assert out["postgres-service.yaml"]["metadata"]["name"] == "db"
    env = {e["name"]: e.get("value") for e in
           out["postgres-statefulset.yaml"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["POSTGRES_USER"] == "notes" and env["POSTGRES_DB"] == "notes"


def test_a_jdbc_url_with_placeholders_names_the_service_and_the_app_gets_the_database_it_reads(tmp_path):
    app = write(tmp_path / "api", {
        "pom.xml": "<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>api</artifactId>"
                   "<version>1</version><dependencies><dependency><groupId>org.postgresql</groupId>"
                   "<artifactId>postgresql</artifactId></dependency></dependencies></project>",
        "src/main/java/x/App.java": "package x;\npublic class App { public static void main(String[] a) {} }\n",
        "src/main/resources/application.properties":
            "spring.datasource.url=jdbc:postgresql://db:5432/${POSTGRES_DB}\n"
            "spring.datasource.username=postgres\nspring.datasource.password=${POSTGRES_PASSWORD:db-wrz2z}\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.host, conn.user, conn.database_env, conn.password_env) == ("db", "postgres", "POSTGRES_DB",
                                                                           "POSTGRES_PASSWORD")
    db = doc["services"]["db"]["environment"]
    assert db["POSTGRES_USER"] == "postgres"
    assert doc["services"]["app"]["environment"]["POSTGRES_DB"] == db["POSTGRES_DB"]
    # the app's POSTGRES_PASSWORD and the image's password are one file
    assert db["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert "postgres_password" in doc["services"]["app"]["secrets"]


def test_node_password_read_from_the_file_an_env_var_names_gets_that_path(tmp_path):
    app = write(tmp_path / "api", {
        "package.json": json.dumps({"name": "api", "main": "src/index.js", "scripts": {"start": "node src/index.js"},
                                    "dependencies": {"express": "^4.19.2", "mysql2": "^3.10.0"}}),
        "src/config.js": 'const fs = require("fs");\n'
                         'const readFileSync = f => fs.readFileSync(f).toString("utf8");\n'
                         "module.exports = { database: {\n"
                         '  host: process.env.DATABASE_HOST || "localhost",\n'
                         "  database: process.env.DATABASE_DB,\n  user: process.env.DATABASE_USER,\n"
                         "  password: process.env.DATABASE_PASSWORD ? readFileSync(process.env.DATABASE_PASSWORD) : null\n"
                         "}, port: process.env.PORT || 8080 };\n",
        "src/index.js": 'const express = require("express");\nconst mysql = require("mysql2");\n'
                        'const config = require("./config");\nconst app = express();\n'
                        "const db = mysql.createPool(config.database);\n"
                        'app.get("/", (req, res) => res.send("ok"));\napp.listen(config.port);\n',
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.host_env, conn.password_source, conn.password_env) == ("DATABASE_HOST", "env-file", "DATABASE_PASSWORD")
    env = doc["services"]["app"]["environment"]
    assert env["DATABASE_HOST"] == "${DATABASE_HOST:-mysql}"
    # the app reads the password from the file DATABASE_PASSWORD names: it gets the path, not the value
    assert env["DATABASE_PASSWORD"] == "/run/secrets/mysql_password"
    assert "database_password" not in doc.get("secrets", {})
    mysql = doc["services"]["mysql"]["environment"]
    assert env["DATABASE_USER"] == mysql["MYSQL_USER"] and env["DATABASE_DB"] == mysql["MYSQL_DATABASE"]


def test_an_indirect_go_module_adds_no_service(tmp_path):
    app = write(tmp_path / "svc", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire (\n"
                  "\tgo.mongodb.org/mongo-driver v1.15.0 // indirect\n)\n",
        "main.go": 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
    })
    profile, doc = compose_of(app)
    assert profile.services == [] and not {"postgres", "db"} & set(doc["services"])


def test_a_pdo_dsn_is_a_connection_and_its_host_names_the_service(tmp_path):
    app = write(tmp_path / "shop", {
        "composer.json": json.dumps({"require": {"php": ">=8.1", "ext-pdo_mysql": "*"}}),
        "public/index.php": "<?php\n$pdo = new PDO('mysql:host=db;dbname=shop', 'shop', getenv('DB_PASSWORD'));\n"
                            "echo 'ok';\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.database, conn.user, conn.line) == ("mysql", "db", "shop", "shop", 2)
    db = doc["services"]["db"]["environment"]
    assert db["MYSQL_USER"] == "shop" and db["MYSQL_DATABASE"] == "shop"


# -- Go, Rust, Ruby, and one fixture per pattern ------------------------------------------------------------

def test_go_dsn_built_with_sprintf_names_the_service_and_the_secret_file_is_mounted_where_the_code_reads_it():
    profile, doc = compose_of(FIXTURES / "conn-go-db-secret")
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.user, conn.database) == ("postgres", "db", "blog", "blog")
    assert (conn.password_source, conn.password_path) == ("file", "/run/secrets/db-password")
    assert (conn.file, conn.line) == ("main.go", 24)
    # go-redis is required // indirect only: no redis service
    assert set(doc["services"]) == {"app", "db"}
    db = doc["services"]["db"]
    assert db["environment"] == {"POSTGRES_USER": "blog", "POSTGRES_DB": "blog",
                                 "POSTGRES_PASSWORD_FILE": "/run/secrets/db-password"}
    assert doc["services"]["app"]["secrets"] == ["db-password"] and "environment" not in doc["services"]["app"]


def test_go_redis_options_and_a_key_value_dsn_read_their_env_vars(tmp_path):
    app = write(tmp_path / "svc", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/redis/go-redis/v9 v9.6.1\n"
                  "\tgithub.com/jackc/pgx/v5 v5.7.1\n)\n",
        "main.go": 'package main\n\nimport (\n\t"context"\n\t"fmt"\n\t"net/http"\n\t"os"\n\n'
                   '\t"github.com/jackc/pgx/v5"\n\t"github.com/redis/go-redis/v9"\n)\n\n'
                   'func getenv(key, fallback string) string {\n\tif v := os.Getenv(key); v != "" {\n\t\treturn v\n\t}\n'
                   '\treturn fallback\n}\n\n'
                   'func main() {\n'
                   '\trdb := redis.NewClient(&redis.Options{Addr: getenv("REDIS_ADDR", "localhost:6379"), '
                   'Password: os.Getenv("REDIS_PASSWORD")})\n'
                   '\tdsn := fmt.Sprintf("host=%s user=%s dbname=shop password=%s sslmode=disable", '
                   'getenv("DB_HOST", "localhost"), getenv("DB_USER", "shop"), os.Getenv("DB_PASSWORD"))\n'
                   '\tconn, _ := pgx.Connect(context.Background(), dsn)\n'
                   '\t_, _ = rdb, conn\n\thttp.ListenAndServe(":8080", nil)\n}\n',
    })
    profile, doc = compose_of(app)
    by_kind = {c.kind: c for c in profile.connections}
    redis_conn, pg = by_kind["redis"], by_kind["postgres"]
    assert (redis_conn.host, redis_conn.host_env, redis_conn.port) == ("localhost", "REDIS_ADDR", 6379)
    assert (redis_conn.password_source, redis_conn.password_env) == ("env", "REDIS_PASSWORD")
    assert (pg.host, pg.host_env, pg.user, pg.user_env, pg.database) == ("localhost", "DB_HOST", "shop", "DB_USER",
                                                                         "shop")
    assert (pg.password_source, pg.password_env) == ("env", "DB_PASSWORD")
    env = doc["services"]["app"]["environment"]
    assert env["DB_HOST"] == "${DB_HOST:-postgres}"
    assert doc["services"]["postgres"]["environment"]["POSTGRES_USER"] == "shop"


def test_rust_sqlx_url_with_a_credential_free_default_sets_the_user_and_a_dev_dependency_adds_nothing():
    profile, doc = compose_of(FIXTURES / "conn-rust-sqlx-url")
    (conn,) = profile.connections
    assert (conn.kind, conn.url_env, conn.user, conn.database) == ("postgres", "DATABASE_URL", "todo", "todo")
    assert conn.why.startswith("PgPoolOptions::new()...connect")
    assert [s.kind for s in profile.services] == ["postgres"]  # redis is a dev-dependency
    pg = doc["services"]["postgres"]["environment"]
    assert pg["POSTGRES_USER"] == "todo" and pg["POSTGRES_DB"] == "todo"


def test_rust_deadpool_config_fields_from_if_let_env_reads(tmp_path):
    app = write(tmp_path / "api", {
        "Cargo.toml": '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
                      'deadpool-postgres = "0.14"\ntokio-postgres = "0.7"\ntokio = "1"\n',
        "src/main.rs": "use deadpool_postgres::{Config, Pool};\nuse tokio_postgres::NoTls;\n\n"
                       "fn create_config() -> Config {\n    let mut cfg = Config::new();\n"
                       '    if let Ok(host) = std::env::var("PG_HOST") {\n        cfg.host = Some(host);\n    }\n'
                       '    if let Ok(dbname) = std::env::var("PG_DBNAME") {\n        cfg.dbname = Some(dbname);\n    }\n'
                       '    if let Ok(user) = std::env::var("PG_USER") {\n        cfg.user = Some(user);\n    }\n'
                       '    if let Ok(password) = std::env::var("PG_PASSWORD") {\n'
                       "        cfg.password = Some(password);\n    }\n    cfg\n}\n\n"
                       "fn main() {\n    let _pool: Pool = create_config().create_pool(None, NoTls).unwrap();\n"
                       '    let l = std::net::TcpListener::bind("0.0.0.0:8000").unwrap();\n}\n',
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.host_env, conn.database_env, conn.user_env, conn.password_env) == (
        "PG_HOST", "PG_DBNAME", "PG_USER", "PG_PASSWORD")
    env = doc["services"]["app"]["environment"]
    pg = doc["services"]["postgres"]["environment"]
    assert env["PG_HOST"] == "${PG_HOST:-postgres}"
    assert env["PG_USER"] == pg["POSTGRES_USER"] and env["PG_DBNAME"] == pg["POSTGRES_DB"]
    assert pg["POSTGRES_PASSWORD_FILE"] == "/run/secrets/pg_password"  # PG_PASSWORD and the image's: one file


def test_a_crate_only_in_cargo_lock_adds_no_service(tmp_path):
    app = write(tmp_path / "tool", {
        "Cargo.toml": '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
                      'some-cache = "1"\n\n[dev-dependencies]\ntokio-postgres = "0.7"\n',
        "Cargo.lock": 'version = 3\n\n[[package]]\nname = "redis"\nversion = "0.27.0"\n\n'
                      '[[package]]\nname = "some-cache"\nversion = "1.0.0"\ndependencies = ["redis"]\n\n'
                      '[[package]]\nname = "tokio-postgres"\nversion = "0.7.12"\n\n'
                      '[[package]]\nname = "tool"\nversion = "0.1.0"\ndependencies = ["some-cache"]\n',
        "src/main.rs": 'fn main() { println!("hi"); }\n',
    })
    profile, doc = compose_of(app)
    assert profile.services == [] and not {"postgres", "db"} & set(doc["services"])


def test_rails_database_yml_erb_settings_are_the_connection_and_test_group_gems_add_nothing():
    profile, doc = compose_of(FIXTURES / "conn-rails-database-yml")
    pg = next(c for c in profile.connections if c.kind == "postgres")
    assert (pg.host, pg.host_env, pg.user, pg.user_env) == ("localhost", "DB_HOST", "shop", "DB_USER")
    assert (pg.database, pg.database_env, pg.password_env) == ("shop_production", "DB_NAME", "DB_PASSWORD")
    assert (pg.file, pg.line) == ("config/database.yml", 17)
    assert sorted(s.kind for s in profile.services) == ["postgres", "redis"]  # mysql2 is in the test group
    assert profile.env_var("DATABASE_URL") is None  # database.yml names the host and user itself
    env = doc["services"]["app"]["environment"]
    db = doc["services"]["postgres"]["environment"]
    assert env["DB_HOST"] == "${DB_HOST:-postgres}"
    assert db["POSTGRES_USER"] == "shop" and db["POSTGRES_DB"] == "shop_production"
    assert db["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    # the code's own Redis URL (database 1), pointed at the service
    assert env["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/1}"


def test_a_gem_only_in_the_lock_adds_no_service(tmp_path):
    app = write(tmp_path / "site", {
        "Gemfile": 'source "https://rubygems.org"\ngem "sinatra"\ngem "sidekiq-lite"\n',
        "Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    redis (5.3.0)\n"
                        "    sidekiq-lite (1.0.0)\n      redis\n    sinatra (4.0.0)\n\n"
                        "PLATFORMS\n  ruby\n\nDEPENDENCIES\n  sidekiq-lite\n  sinatra\n",
        "app.rb": 'require "sinatra"\nget("/") { "ok" }\n',
    })
    profile, _ = compose_of(app)
    assert profile.services == []


def test_spring_jdbc_placeholders_with_defaults_name_the_service_and_a_test_scoped_driver_adds_nothing():
    profile, doc = compose_of(FIXTURES / "conn-spring-jdbc")
    (conn,) = profile.connections
    assert (conn.host, conn.host_env, conn.database, conn.database_env) == ("db", "DB_HOST", "inventory", "POSTGRES_DB")
    assert (conn.user, conn.user_env, conn.password_env) == ("inventory", "POSTGRES_USER", "POSTGRES_PASSWORD")
    assert set(doc["services"]) == {"app", "db"}  # mysql-connector-j is test-scoped
    db = doc["services"]["db"]["environment"]
    assert db["POSTGRES_USER"] == "inventory" and db["POSTGRES_DB"] == "inventory"
    assert db["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert "postgres_password" in doc["services"]["app"]["secrets"]


def test_a_jdbc_host_placeholder_with_a_default_is_the_service_name(tmp_path):
    app = write(tmp_path / "backend", {
        "pom.xml": "<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>b</artifactId>"
                   "<version>1</version><dependencies><dependency><groupId>com.mysql</groupId>"
                   "<artifactId>mysql-connector-j</artifactId></dependency></dependencies></project>",
        "src/main/java/x/App.java": "package x;\npublic class App { public static void main(String[] a) {} }\n",
        "src/main/resources/application.properties":
            "spring.datasource.url=jdbc:mysql://${MYSQL_HOST:db}:3306/example\n"
            "spring.datasource.username=root\nspring.datasource.password=${MYSQL_PASSWORD}\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.host, conn.host_env, conn.database, conn.user) == ("db", "MYSQL_HOST", "example", "root")
    db = doc["services"]["db"]["environment"]
    assert db["MYSQL_DATABASE"] == "example" and "MYSQL_ROOT_PASSWORD_FILE" in db


def test_prisma_datasource_env_url_is_a_connection_and_a_dev_driver_adds_nothing():
    profile, doc = compose_of(FIXTURES / "conn-prisma-url")
    (conn,) = profile.connections
    assert (conn.kind, conn.url_env, conn.file, conn.line) == ("postgres", "DATABASE_URL", "prisma/schema.prisma", 5)
    assert [s.kind for s in profile.services] == ["postgres"]  # mysql2 is a devDependency
    assert profile.env_var("DATABASE_URL").secret


def test_prisma_schema_named_by_package_json_is_the_datasource(tmp_path):
    """package.json's "prisma": {"schema": "src/prisma/schema.prisma"} (the RealWorld Express app): its
    datasource is the database, as prisma/schema.prisma's would be."""
    app = tmp_path / "app"
    (app / "src" / "prisma").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({
        "name": "api", "scripts": {"start": "node dist/main.js", "build": "tsc"},
        "prisma": {"schema": "src/prisma/schema.prisma"},
        "dependencies": {"@prisma/client": "^5.0.0", "express": "^4.18.0"}, "devDependencies": {"prisma": "^5.0.0"}}))
    (app / "src" / "main.ts").write_text("import express from 'express';\nexpress().listen(3000);\n")
    (app / "src" / "prisma" / "schema.prisma").write_text(
        'generator client {\n  provider = "prisma-client-js"\n}\n\n'
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n')
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.kind, conn.url_env, conn.file, conn.line) == ("postgres", "DATABASE_URL", "src/prisma/schema.prisma", 5)
    assert [s.kind for s in profile.services] == ["postgres"] and profile.env_var("DATABASE_URL").secret
    assert "postgres" in doc["services"] and 'export DATABASE_URL="postgresql://' in str(doc["services"]["app"]["entrypoint"])


def test_pdo_dsn_with_a_password_file_env_var_gets_the_mounted_path():
    profile, doc = compose_of(FIXTURES / "conn-php-pdo-pgsql")
    (conn,) = profile.connections
    assert (conn.kind, conn.user, conn.database, conn.host_env) == ("postgres", "guestbook", "guestbook", "DB_HOST")
    assert (conn.password_source, conn.password_env) == ("env-file", "DB_PASSWORD_FILE")
    assert set(doc["services"]) == {"app", "postgres"}  # predis is a dev requirement
    app = doc["services"]["app"]
    assert app["environment"]["DB_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert app["environment"]["DB_HOST"] == "${DB_HOST:-postgres}"
    assert "entrypoint" not in app  # the file is read by its path: nothing to export
    pg = doc["services"]["postgres"]["environment"]
    assert pg["POSTGRES_USER"] == "guestbook" and pg["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"


def test_node_pg_password_file_env_var_and_a_dev_driver():
    profile, doc = compose_of(FIXTURES / "conn-node-pg-password-file")
    (conn,) = profile.connections
    assert (conn.host_env, conn.user, conn.password_source, conn.password_env) == (
        "DATABASE_HOST", "visits", "env-file", "DATABASE_PASSWORD_FILE")
    assert set(doc["services"]) == {"app", "postgres"}  # mysql2 is a devDependency
    env = doc["services"]["app"]["environment"]
    assert env["DATABASE_HOST"] == "${DATABASE_HOST:-postgres}"
    assert env["DATABASE_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert doc["services"]["postgres"]["environment"]["POSTGRES_USER"] == "visits"


def test_python_dev_only_driver_adds_no_service(tmp_path):
    app = write(tmp_path / "api", {
        "pyproject.toml": '[project]\nname = "api"\nversion = "0.1.0"\ndependencies = ["flask"]\n\n'
                          '[project.optional-dependencies]\ntest = ["psycopg2-binary"]\n\n'
                          '[dependency-groups]\ndev = ["redis"]\n',
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    profile, _ = compose_of(app)
    assert profile.services == []


def test_php_require_dev_driver_adds_no_service(tmp_path):
    app = write(tmp_path / "site", {
        "composer.json": json.dumps({"require": {"php": ">=8.1"}, "require-dev": {"predis/predis": "^2.2",
                                                                                  "ext-pdo_mysql": "*"}}),
        "public/index.php": "<?php echo 'ok';\n",
    })
    profile, _ = compose_of(app)
    assert profile.services == []


def test_redis_url_default_names_the_service_after_its_host():
    profile, doc = compose_of(FIXTURES / "conn-flask-redis-url")
    (conn,) = profile.connections
    assert (conn.host, conn.url_env) == ("cache", "REDIS_URL")
    assert set(doc["services"]) == {"app", "cache"}
    assert doc["services"]["app"]["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://cache:6379/0}"
    assert not profile.env_var("REDIS_URL").secret and "secrets" not in doc


def test_an_in_memory_fallback_adds_no_service_unless_asked_and_inspect_says_why():
    profile, doc = compose_of(FIXTURES / "conn-flask-cache-fallback")
    assert profile.services == [] and not {"postgres", "db"} & set(doc["services"])
    why = [e for e in profile.evidence["services"] if "not added" in e.why]
    assert why and "REDIS_URL defaults to memory://" in why[0].why and (why[0].file, why[0].line) == ("app.py", 8)
    out = subprocess.run([sys.executable, "-m", "containerize", "inspect", str(FIXTURES / "conn-flask-cache-fallback")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, "COLUMNS": "250"})
    assert out.returncode == 0 and "redis not added: REDIS_URL defaults to memory://" in " ".join(out.stdout.split())
    given = build_profile(FIXTURES / "conn-flask-cache-fallback", [("services", "redis")])
    doc = compose_dict(given, "fallback")
    assert set(doc["services"]) == {"app", "redis"}
    assert doc["services"]["app"]["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"


def test_a_sqlite_memory_default_makes_the_database_optional(tmp_path):
    app = write(tmp_path / "notes", {
        "requirements.txt": "flask\nsqlalchemy\npsycopg2-binary\n",
        "app.py": "import os\nfrom flask import Flask\nfrom sqlalchemy import create_engine\napp = Flask(__name__)\n"
                  "engine = create_engine(os.environ.get('DATABASE_URL', 'sqlite:///:memory:'))\n",
    })
    profile, doc = compose_of(app)
    assert profile.services == [] and not {"postgres", "db"} & set(doc["services"])
    assert any("postgres not added" in e.why for e in profile.evidence["services"])


def test_placeholders_and_dsns_are_split_into_their_parts():
    from containerize.services import connection_from_dsn

    conn = connection_from_url("postgresql://${DB_USER:-app}:${DB_PASSWORD}@${DB_HOST:-localhost}:${DB_PORT:-5432}/"
                               "${DB_NAME:-shop}")
    assert (conn.host, conn.host_env, conn.port, conn.user, conn.user_env) == ("localhost", "DB_HOST", 5432, "app",
                                                                               "DB_USER")
    assert (conn.database, conn.database_env, conn.password_env) == ("shop", "DB_NAME", "DB_PASSWORD")
    conn = connection_from_url("postgres://postgres:${?}@db:5432/example?sslmode=disable")
    assert (conn.host, conn.user, conn.database, conn.password_source) == ("db", "postgres", "example", None)
    conn = connection_from_dsn("root:${DB_PASSWORD}@tcp(${DB_HOST:db}:3306)/example?parseTime=true")
    assert (conn.kind, conn.host, conn.host_env, conn.port, conn.user, conn.database) == (
        "mysql", "db", "DB_HOST", 3306, "root", "example")
    conn = connection_from_dsn("host=db port=5433 user=app dbname=shop sslmode=disable")
    assert (conn.kind, conn.host, conn.port, conn.user, conn.database) == ("postgres", "db", 5433, "app", "shop")
    assert connection_from_dsn("just some text") is None
    connection_from_url("mysql://${" + "A" * 5000)  # an unclosed placeholder: never raises


def test_hostile_connection_sources_never_crash_or_leak(tmp_path):
    app = write(tmp_path / "odd", {
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\n',
        "config/application.rb": "module Odd\n  class Application < Rails::Application\n  end\nend\n",
        "config/database.yml": "production: [unclosed\n  host: <%= ENV.fetch('X' %>\n<%= %>\n",
        "app.rb": 'R = Redis.new(url: "redis://a b;rm -rf/:x@$(id)/0")\nPG.connect(host: "db\\n x", user: 1)\n',
    })
    profile, doc = compose_of(app)
    text = yaml.safe_dump(doc)
    assert "rm -rf" not in text and "$(id)" not in text and "db\n x" not in text
    go = write(tmp_path / "gosvc", {
        "go.mod": "module x\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n",
        "main.go": 'package main\n\nimport (\n\t"database/sql"\n\t"fmt"\n\t"net/http"\n\t_ "github.com/lib/pq"\n)\n\n'
                   'func main() {\n\tsql.Open("postgres", fmt.Sprintf("postgres://u:%s@db;x$(id):5432/a b", x))\n'
                   '\tsql.Open("postgres", "${" + "}")\n\thttp.ListenAndServe(":8080", nil)\n}\n',
    })
    _, doc = compose_of(go)
    assert "$(id)" not in yaml.safe_dump(doc)


def test_go_amqp_and_mongo_urls_and_a_fixed_localhost_is_a_warning(tmp_path):
    app = write(tmp_path / "worker", {
        "go.mod": "module example.com/worker\n\ngo 1.22\n\nrequire (\n\tgithub.com/rabbitmq/amqp091-go v1.10.0\n"
                  "\tgo.mongodb.org/mongo-driver v1.17.1\n)\n",
        "main.go": 'package main\n\nimport (\n\t"context"\n\t"os"\n\n\tamqp "github.com/rabbitmq/amqp091-go"\n'
                   '\t"go.mongodb.org/mongo-driver/mongo"\n\t"go.mongodb.org/mongo-driver/mongo/options"\n)\n\n'
                   'func main() {\n\turl := os.Getenv("AMQP_URL")\n\tif url == "" {\n'
                   '\t\turl = "amqp://guest:guest@rabbit:5672/"\n\t}\n\tconn, _ := amqp.Dial(url)\n'
                   '\tclient, _ := mongo.Connect(context.TODO(), options.Client().ApplyURI("mongodb://localhost:27017"))\n'
                   '\t_, _ = conn, client\n}\n',
    })
    profile, doc = compose_of(app)
    by_kind = {c.kind: c for c in profile.connections}
    assert (by_kind["rabbitmq"].host, by_kind["rabbitmq"].url_env) == ("rabbit", "AMQP_URL")
    assert "rabbit" in doc["services"]
    assert by_kind["mongodb"].host == "localhost" and by_kind["mongodb"].line == 18
    assert any(w.startswith("main.go:18 ") and "mongodb" in w for w in profile.warnings), profile.warnings


def test_rust_and_ruby_hosts_fixed_to_localhost_are_warnings(tmp_path):
    rust = write(tmp_path / "r", {
        "Cargo.toml": '[package]\nname = "r"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nredis = "0.27"\n',
        "src/main.rs": 'fn main() {\n    let client = redis::Client::open("redis://127.0.0.1:6379/").unwrap();\n}\n',
    })
    profile, _ = compose_of(rust)
    assert any(w.startswith("src/main.rs:2 ") for w in profile.warnings), profile.warnings
    ruby = write(tmp_path / "rb", {
        "Gemfile": 'source "https://rubygems.org"\ngem "sinatra"\ngem "pg"\n',
        "app.rb": 'require "sinatra"\nrequire "pg"\nDB = PG.connect(host: "localhost", dbname: "app", user: "app")\n'
                  'get("/") { "ok" }\n',
    })
    profile, doc = compose_of(ruby)
    (conn,) = profile.connections
    assert (conn.host, conn.database, conn.user, conn.line) == ("localhost", "app", "app", 3)
    assert any(w.startswith("app.rb:3 ") for w in profile.warnings), profile.warnings


def test_a_client_made_only_when_its_env_var_is_set_is_optional(tmp_path):
    app = write(tmp_path / "counter", {
        "requirements.txt": "flask\nredis\n",
        "app.py": "import os\n\nimport redis\nfrom flask import Flask\n\n"
                  "REDIS_URL = os.environ.get('REDIS_URL')\n"
                  "cache = redis.Redis.from_url(REDIS_URL) if REDIS_URL else {}\napp = Flask(__name__)\n",
    })
    profile, doc = compose_of(app)
    assert profile.connections[0].optional == "app.py:7 connects only when REDIS_URL is set"
    assert profile.services == [] and not {"postgres", "db"} & set(doc["services"])
    assert any("redis not added: app.py:7 connects only when REDIS_URL is set" in e.why
               for e in profile.evidence["services"])
    assert not profile.env_var("REDIS_URL").secret and "secrets" not in doc  # optional: never a required file
    given = compose_dict(build_profile(app, [("services", "redis")]), "counter")
    assert given["services"]["app"]["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"
    # a client made unconditionally is not optional
    write(app, {"app.py": "import os\nimport redis\nr = redis.Redis.from_url(os.environ['REDIS_URL'])\n"})
    profile, _ = compose_of(app)
    assert [s.kind for s in profile.services] == ["redis"]


def test_the_example_url_beside_compose_names_the_wired_user_database_and_service():
    from containerize.compose import render_compose
    from containerize.services import example_url

    profile = build_profile(FIXTURES / "conn-rust-sqlx-url", [])
    assert example_url(profile, "postgres", "PW") == "postgresql://todo:PW@postgres:5432/todo"
    # the app's DATABASE_URL is built from the password file at start, in the scheme the code uses
    assert "#   postgres://todo:<the password>@postgres:5432/todo" in render_compose(profile, "todo")
    profile = build_profile(FIXTURES / "conn-spring-jdbc", [])
    assert example_url(profile, "postgres", "<{secret}>") == \
        "postgresql://inventory:<postgres_password>@db:5432/inventory"


# -- a URL secret built from the service's one password file ------------------------------------

SENTINEL_PW = "s3ntinel p@ss/w:rd%é"


def _run_entrypoint(script: str, secrets: dict[str, str], tmp_path: Path) -> str:
    """The app's compose entrypoint as the container runs it (compose's $$ -> $), with secret files under a
    temporary folder: the env the app starts with."""
    folder = tmp_path / "run-secrets"
    folder.mkdir()
    for name, value in secrets.items():
        (folder / name).write_text(value + "\n")
    script = script.replace("$$", "$").replace("/run/secrets", str(folder))
    shell = "dash" if subprocess.run(["sh", "-c", "command -v dash"], capture_output=True).returncode == 0 else "sh"
    done = subprocess.run([shell, "-c", script, "--", sys.executable, "-c",
                           "import json, os; print(json.dumps(dict(os.environ)))"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_database_url_secret_is_built_from_the_one_password_file(tmp_path):
    from urllib.parse import unquote, urlsplit

    from containerize.compose import render_compose, to_yaml

    profile, doc = compose_of(FIXTURES / "conn-url-secret")
    app = doc["services"]["app"]
    assert app["secrets"] == ["postgres_password"] and set(doc["secrets"]) == {"postgres_password"}
    assert "DATABASE_URL" not in app.get("environment", {})
    assert doc["services"]["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    env = _run_entrypoint(app["entrypoint"][2], {"postgres_password": SENTINEL_PW}, tmp_path)
    url = urlsplit(env["DATABASE_URL"])
    assert (url.scheme, url.username, url.hostname, url.port, url.path) == ("postgresql", "app", "postgres", 5432,
                                                                            "/app")
    assert unquote(url.password) == SENTINEL_PW  # percent-encoded: @ / : % and spaces can't break the URL
    assert "POSTGRES_PASSWORD" not in env  # read only into the URL, not exported on its own
    text = render_compose(profile, "conn-url-secret")
    assert "#   postgresql://app:<the password>@postgres:5432/app" in text and "secrets/database_url" not in text
    assert SENTINEL_PW not in to_yaml(doc)


def test_the_built_url_keeps_the_scheme_user_and_database_the_code_uses(tmp_path):
    from containerize.compose import assembled_urls
    from containerize.profile import Connection, EnvVar, Profile, Service

    def url_of(kind: str, scheme: str | None, **conn) -> str:
        profile = Profile(language="python", ports=[8000])
        profile.env.append(EnvVar("DATABASE_URL", None, True))
        profile.services.append(Service(kind, "DATABASE_URL"))
        profile.connections.append(Connection(kind, url_env="DATABASE_URL", scheme=scheme, **conn))
        return assembled_urls(profile)["DATABASE_URL"].example("PW")

    assert url_of("postgres", "postgresql+psycopg") == "postgresql+psycopg://app:PW@postgres:5432/app"
    assert url_of("postgres", "postgres", user="todo", database="todo") == "postgres://todo:PW@postgres:5432/todo"
    assert url_of("postgres", "bad scheme;rm") == "postgresql://app:PW@postgres:5432/app"
    assert url_of("mysql", "mysql+pymysql", host="db", user="root") == "mysql+pymysql://root:PW@db:3306/app"
    assert url_of("mongodb", "mongodb+srv", user="app") == "mongodb://app:PW@mongodb:27017/?authSource=admin"
    # no credentials in a redis URL compose runs: a plain setting, no secret file
    profile = Profile(language="python", ports=[8000])
    profile.env.append(EnvVar("REDIS_URL", None, True))
    profile.services.append(Service("redis", "REDIS_URL"))
    profile.connections.append(Connection("redis", url_env="REDIS_URL", scheme="rediss"))
    doc = compose_dict(profile, "cache")
    assert doc["services"]["app"]["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"
    assert "secrets" not in doc


def test_without_a_shell_the_url_stays_a_file_written_by_hand(tmp_path):
    from containerize.render import render

    profile = build_profile(FIXTURES / "conn-url-secret", [])
    profile.build.shell = False
    doc = compose_dict(profile, "guests")
    app = doc["services"]["app"]
    assert "entrypoint" not in app and set(doc["secrets"]) == {"database_url", "postgres_password"}
    assert app["environment"]["DATABASE_URL_FILE"] == "/run/secrets/database_url"
    readme = render(profile)["README.Docker.md"]
    assert "the image has no shell" in readme and "percent-encoded" in readme


# -- a listen address read from an env var with a loopback default ------------------------------

def test_a_loopback_listen_address_from_an_env_var_is_set_to_all_interfaces():
    from containerize.k8s.manifests import app_manifests
    from containerize.k8s.runtime import runtime
    from containerize.render import render

    profile, doc = compose_of(FIXTURES / "listen-loopback-env")
    assert profile.env_var("HOST").default == "127.0.0.1"  # the code's default, as read
    assert doc["services"]["app"]["environment"]["HOST"] == "0.0.0.0"
    assert any(e.why.startswith("HOST: falls back to 127.0.0.1") and "HOST=0.0.0.0" in e.why
               and (e.file, e.line) == ("server.py", 7) for e in profile.evidence["env"])
    files = render(profile)
    assert "\nENV HOST=0.0.0.0\n" in files["Dockerfile"]
    assert "-e HOST=" not in files["README.Docker.md"]  # docker run keeps the image's value
    config = app_manifests(profile, "status", runtime(profile, files["Dockerfile"]))["configmap.yaml"]["data"]
    assert config["HOST"] == "0.0.0.0"
    # an answer wins
    given = build_profile(FIXTURES / "listen-loopback-env", [("env.HOST", "127.0.0.1")])
    assert compose_dict(given, "status")["services"]["app"]["environment"]["HOST"] == "${HOST:-127.0.0.1}"


def test_listen_address_forms_and_what_is_not_a_listen_address(tmp_path):
    from containerize.languages.common import _all_interfaces

    assert _all_interfaces("localhost", 3000) == "0.0.0.0"
    assert _all_interfaces("127.0.0.1:8000", 8000) == "0.0.0.0:8000"
    assert _all_interfaces("[::1]:9000", None) == "0.0.0.0:9000"
    assert _all_interfaces("0.0.0.0", 80) is None and _all_interfaces("db.internal:80", 80) is None
    app = write(tmp_path / "api", {
        "requirements.txt": "psycopg2-binary\n",
        "app.py": "import os\nfrom http.server import HTTPServer, BaseHTTPRequestHandler\nimport psycopg2\n\n"
                  "DB_HOST = os.environ.get('DB_HOST', 'localhost')\n"
                  "BIND_ADDRESS = os.environ.get('BIND_ADDRESS', 'localhost:8000')\n"
                  "host, port = BIND_ADDRESS.rsplit(':', 1)\n"
                  "HTTPServer((host, int(port)), BaseHTTPRequestHandler).serve_forever()\n",
    })
    profile, doc = compose_of(app)
    env = doc["services"]["app"]["environment"]
    assert profile.ports == [8000] and env["BIND_ADDRESS"] == "0.0.0.0:8000"  # host:port, as the code parses it
    assert env["DB_HOST"] == "${DB_HOST:-localhost}"  # a service's host is never a listen address


def test_go_listen_address_env_with_a_loopback_default_is_overridden_and_a_fixed_one_warns(tmp_path):
    app = write(tmp_path / "goapi", {
        "go.mod": "module example.com/goapi\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n'
                   '\taddr := os.Getenv("ADDR")\n\tif addr == "" {\n\t\taddr = "127.0.0.1:8080"\n\t}\n'
                   '\thttp.ListenAndServe(addr, nil)\n}\n',
    })
    profile, doc = compose_of(app)
    assert profile.env_var("ADDR").default == "127.0.0.1:8080"
    assert doc["services"]["app"]["environment"]["ADDR"] == "0.0.0.0:8080"
    assert not any("ADDR" in w for w in profile.warnings), profile.warnings
    fixed = write(tmp_path / "gofixed", {
        "go.mod": "module example.com/gofixed\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n'
                   '\thttp.ListenAndServe("127.0.0.1:8080", nil)\n}\n',
    })
    profile, doc = compose_of(fixed)
    assert any(w.startswith("main.go:6") and "localhost only" in w for w in profile.warnings), profile.warnings


# -- Node.js: the drivers' own calls -------------------------------------------------------------------

def _node_app(root: Path, deps: dict[str, str], files: dict[str, str], main: str = "server.js") -> Path:
    return write(root, {"package.json": json.dumps({"name": root.name, "main": main,
                                                    "scripts": {"start": f"node {main}"},
                                                    "dependencies": {"express": "^4.21.2", **deps}}),
                        **files})


def test_node_mongoose_uri_from_a_config_module_names_the_service_and_needs_no_credentials(tmp_path):
    # the shape of awesome-compose react-express-mongodb/backend, with the URI in a config module
    app = _node_app(tmp_path / "backend", {"mongoose": "^6.0.9"}, {
        "config/config.js": 'module.exports = {\n  db: { uri: process.env.MONGODB_URI || "mongodb://mongo:27017/TodoApp" },\n'
                            "  port: process.env.PORT || 3000,\n};\n",
        "db/index.js": 'const mongoose = require("mongoose");\nconst config = require("../config/config");\n\n'
                       "exports.connect = (app) => {\n  const options = { autoIndex: false, maxPoolSize: 10 };\n"
                       "  mongoose\n    .connect(config.db.uri, options)\n"
                       '    .then(() => app.emit("ready"));\n};\n',
        "server.js": 'const express = require("express");\nconst db = require("./db");\nconst config = require("./config/config");\n'
                     "const app = express();\ndb.connect(app);\n"
                     'app.get("/", (req, res) => res.json({ ok: true }));\napp.listen(config.port);\n',
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.database, conn.url_env) == ("mongodb", "mongo", "TodoApp", "MONGODB_URI")
    assert (conn.file, conn.line, conn.why) == ("db/index.js", 7, "mongoose.connect(...)")
    assert set(doc["services"]) == {"app", "mongo"}  # named after the host the URI names
    # the default carries no credentials and the service runs without authentication: a setting, no secret
    assert not profile.env_var("MONGODB_URI").secret
    app = doc["services"]["app"]
    assert app["environment"]["MONGODB_URI"] == "${MONGODB_URI:-mongodb://mongo:27017/TodoApp}"
    assert "secrets" not in app and "entrypoint" not in app and "secrets" not in doc
    mongo = doc["services"]["mongo"]
    assert "secrets" not in mongo and "MONGO_INITDB_ROOT_USERNAME" not in mongo.get("environment", {})


def test_node_mongoose_uri_with_no_default_is_a_secret_built_from_the_password_file(tmp_path):
    # awesome-compose react-express-mongodb/backend as it is: mongoose.connect(process.env.MONGODB_URI, options)
    app = _node_app(tmp_path / "backend", {"mongoose": "^6.0.9", "mongodb": "^3.0.7"}, {
        "db/index.js": 'const mongoose = require("mongoose");\nexports.connect = (app) => {\n'
                       "  const connectWithRetry = () => {\n    mongoose\n      .connect(process.env.MONGODB_URI, {})\n"
                       "      .catch(() => setTimeout(connectWithRetry, 2000));\n  };\n  connectWithRetry();\n};\n",
        "server.js": 'const express = require("express");\nconst db = require("./db");\nconst app = express();\n'
                     "db.connect(app);\napp.listen(3000);\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.kind, conn.url_env, conn.line) == ("mongodb", "MONGODB_URI", 5)
    assert [s.kind for s in profile.services] == ["mongodb"]  # mongoose and mongodb: one service
    assert profile.env_var("MONGODB_URI").secret
    app_service = doc["services"]["app"]
    assert "MONGODB_URI" in " ".join(app_service["entrypoint"])  # built when the app starts
    assert app_service["secrets"] == ["mongodb_password"]


def test_node_mysql2_through_knex_with_a_password_file_path_and_database_env(tmp_path):
    # the shape of awesome-compose react-express-mysql/backend
    app = _node_app(tmp_path / "backend", {"knex": "^0.95.11", "mysql2": "^2.1.0"}, {
        "src/config.js": 'const fs = require("fs");\n'
                         'const readFileSync = filename => fs.readFileSync(filename).toString("utf8");\n'
                         "module.exports = {\n  database: {\n"
                         '    host: process.env.DATABASE_HOST || "localhost",\n    port: process.env.DATABASE_PORT,\n'
                         "    database: process.env.DATABASE_DB,\n    user: process.env.DATABASE_USER,\n"
                         "    password: process.env.DATABASE_PASSWORD\n      ? readFileSync(process.env.DATABASE_PASSWORD)\n"
                         "      : null\n  },\n  port: process.env.PORT || 8080\n};\n",
        "src/database.js": "const knex = require('knex');\nconst { database } = require('./config');\n\n"
                           "module.exports = knex({\n  client: 'mysql2',\n  connection: database,\n});\n",
        "src/server.js": 'const express = require("express");\nconst database = require("./database");\n'
                         "const app = express();\napp.get('/', async (req, res) => res.json(await database.raw('select 1')));\n"
                         "module.exports = app;\n",
        "src/index.js": 'const app = require("./server");\nconst { port } = require("./config");\napp.listen(port);\n',
    }, main="src/index.js")
    profile, doc = compose_of(app)
    (conn,) = profile.connections  # knex's connection: the options object is read once
    assert (conn.kind, conn.why, conn.file, conn.line) == ("mysql", "knex(...)", "src/database.js", 4)
    assert (conn.host_env, conn.user_env, conn.database_env) == ("DATABASE_HOST", "DATABASE_USER", "DATABASE_DB")
    assert (conn.password_source, conn.password_env) == ("env-file", "DATABASE_PASSWORD")
    env = doc["services"]["app"]["environment"]
    assert env["DATABASE_HOST"] == "${DATABASE_HOST:-mysql}"
    assert env["DATABASE_PASSWORD"] == "/run/secrets/mysql_password"  # the path, as the code reads it
    mysql = doc["services"]["mysql"]["environment"]
    assert env["DATABASE_USER"] == mysql["MYSQL_USER"] and env["DATABASE_DB"] == mysql["MYSQL_DATABASE"]


def test_node_redis_counter_url_with_a_default_names_the_service_after_its_host(tmp_path):
    app = _node_app(tmp_path / "counter", {"redis": "^4.7.0"}, {
        "server.js": "import express from 'express';\nimport { createClient } from 'redis';\n\n"
                     "const REDIS_URL = process.env.REDIS_URL || 'redis://cache:6379';\n"
                     "const client = createClient({ url: REDIS_URL });\nawait client.connect();\n"
                     "const app = express();\n"
                     "app.get('/', async (req, res) => res.json({ hits: await client.incr('hits') }));\n"
                     "app.listen(process.env.PORT || 3000);\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.port, conn.url_env, conn.line) == ("redis", "cache", 6379, "REDIS_URL", 5)
    assert set(doc["services"]) == {"app", "cache"}
    assert doc["services"]["app"]["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://cache:6379}"
    assert not profile.env_var("REDIS_URL").secret and "secrets" not in doc


def test_node_redis_v3_host_option_and_a_client_with_no_options_warns(tmp_path):
    # awesome-compose nginx-nodejs-redis/web: redis 3's createClient({ host, port })
    app = _node_app(tmp_path / "web", {"redis": "3.1.2"}, {
        "server.js": "const express = require('express');\nconst redis = require('redis');\n"
                     "const redisClient = redis.createClient({\n  host: 'redis',\n  port: 6379\n});\n"
                     "express().listen(5000);\n",
    })
    profile, doc = compose_of(app)
    assert [(c.host, c.port) for c in profile.connections] == [("redis", 6379)]
    assert set(doc["services"]) == {"app", "redis"} and not profile.warnings[1:]
    bare = _node_app(tmp_path / "bare", {"ioredis": "^5.4.1"}, {
        "server.js": "import Redis from 'ioredis';\nimport express from 'express';\nconst redis = new Redis();\n"
                     "express().listen(3000);\n",
    })
    profile, _ = compose_of(bare)
    assert [(c.kind, c.host) for c in profile.connections] == [("redis", "localhost")]
    assert any(w.startswith("server.js:3 connects to redis on localhost") for w in profile.warnings)


def test_node_ioredis_forms(tmp_path):
    app = _node_app(tmp_path / "io", {"ioredis": "^5.4.1"}, {
        "server.js": "const Redis = require('ioredis');\n"
                     "const a = new Redis(process.env.REDIS_URL);\n"
                     "const b = new Redis({ host: process.env.REDIS_HOST || 'localhost', port: 6379 });\n"
                     "const c = new Redis(Number(process.env.REDIS_PORT || 6380), 'queue');\n"
                     "require('express')().listen(3000);\n",
    })
    profile, _ = compose_of(app)
    got = [(c.url_env, c.host, c.host_env, c.port) for c in profile.connections]
    assert got == [("REDIS_URL", None, None, None), (None, "localhost", "REDIS_HOST", 6379), (None, "queue", None, 6380)]


def test_node_pg_connection_string_without_a_default_is_a_secret_url_built_for_the_app(tmp_path):
    app = _node_app(tmp_path / "api", {"pg": "^8.13.1"}, {
        "db.js": "import pg from 'pg';\nconst { Pool } = pg;\n"
                 "export const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });\n",
        "server.js": "import express from 'express';\nimport { pool } from './db.js';\nexpress().listen(3000);\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.kind, conn.url_env, conn.file, conn.line, conn.why) == ("postgres", "DATABASE_URL", "db.js", 3,
                                                                          "pg.Pool(...)")
    assert profile.env_var("DATABASE_URL").secret
    app_service = doc["services"]["app"]
    assert "postgresql://app:" in " ".join(app_service["entrypoint"]) and "@postgres:5432/app" in " ".join(
        app_service["entrypoint"])
    assert app_service["secrets"] == ["postgres_password"] and "database_url" not in doc["secrets"]


def test_node_pg_options_and_pg_env_vars(tmp_path):
    app = _node_app(tmp_path / "opts", {"pg": "^8.13.1"}, {
        "config.js": "export default {\n  db: {\n    host: process.env.DB_HOST ?? 'db',\n"
                     "    port: Number(process.env.DB_PORT ?? 5432),\n    user: process.env.DB_USER || 'shop',\n"
                     "    database: 'shop',\n    password: process.env.DB_PASSWORD,\n  },\n};\n",
        "server.js": "import { Client } from 'pg';\nimport config from './config.js';\n"
                     "const client = new Client({ ...config.db, ssl: false });\n"
                     "import('express').then(({ default: e }) => e().listen(3000));\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections  # the config object is read once, through the spread
    assert (conn.host, conn.host_env, conn.port, conn.user, conn.database) == ("db", "DB_HOST", 5432, "shop", "shop")
    assert (conn.password_source, conn.password_env) == ("env", "DB_PASSWORD")
    assert set(doc["services"]) == {"app", "db"}
    assert doc["services"]["db"]["environment"]["POSTGRES_USER"] == "shop"
    implicit = _node_app(tmp_path / "implicit", {"pg": "^8.13.1"}, {
        "server.js": "const { Pool } = require('pg');\nconst pool = new Pool();\nrequire('express')().listen(3000);\n",
    })
    profile, doc = compose_of(implicit)
    (conn,) = profile.connections
    assert (conn.host_env, conn.user_env, conn.database_env, conn.password_env) == (
        "PGHOST", "PGUSER", "PGDATABASE", "PGPASSWORD")
    env = doc["services"]["app"]["environment"]
    assert env["PGHOST"] == "${PGHOST:-postgres}" and env["PGUSER"] == "app" and env["PGDATABASE"] == "app"
    assert profile.env_var("PGPASSWORD").secret


def test_node_mongo_client_template_url_mysql_pool_and_amqp(tmp_path):
    app = _node_app(tmp_path / "many", {"mongodb": "^6.0.0", "mysql2": "^3.11.5", "amqplib": "^0.10.4"}, {
        "settings.mjs": "export const mongoHost = process.env.MONGO_HOST || 'mongo';\n"
                        "export const db = { host: 'mariadb', user: 'shop', password: process.env.MYSQL_PASSWORD, "
                        "database: 'shop' };\n",
        "server.js": "import { MongoClient } from 'mongodb';\nimport mysql from 'mysql2/promise';\nimport amqp from 'amqplib';\n"
                     "import { mongoHost, db } from './settings.mjs';\n"
                     "const mongo = new MongoClient(`mongodb://${mongoHost}:27017/shop`);\n"
                     "const pool = mysql.createPool(db);\n"
                     "const rabbit = await amqp.connect(process.env.AMQP_URL ?? 'amqp://rabbitmq:5672');\n",
    })
    profile, doc = compose_of(app)
    got = {c.kind: (c.host, c.host_env, c.database, c.url_env) for c in profile.connections}
    assert got == {"mongodb": ("mongo", "MONGO_HOST", "shop", None), "mysql": ("mariadb", None, "shop", None),
                   "rabbitmq": ("rabbitmq", None, None, "AMQP_URL")}
    assert {"mongo", "mariadb", "rabbitmq"} <= set(doc["services"])
    assert "MONGO_INITDB_ROOT_USERNAME" not in doc["services"]["mongo"]["environment"]  # no credentials in the URL


def test_node_a_redis_client_made_only_when_its_url_is_set_is_optional(tmp_path):
    app = _node_app(tmp_path / "opt", {"redis": "^4.7.0"}, {
        "server.js": "const { createClient } = require('redis');\nlet cache = null;\n"
                     "if (process.env.REDIS_URL) {\n  cache = createClient({ url: process.env.REDIS_URL });\n}\n"
                     "require('express')().listen(3000);\n",
    })
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert conn.optional == "server.js:4 connects only when REDIS_URL is set"
    assert profile.services == [] and not {"postgres", "db"} & set(doc["services"])


def test_node_hostile_driver_arguments_never_crash(tmp_path):
    app = _node_app(tmp_path / "weird", {"pg": "^8", "ioredis": "^5", "knex": "^3"}, {
        "server.js": "const { Pool } = require('pg');\nconst Redis = require('ioredis');\nconst knex = require('knex');\n"
                     "const a = {...a};\nnew Pool({ ...a, connectionString: `${`${x}`}://\\u0000` });\n"
                     "new Redis(...[1, 2]);\nnew Pool(null, undefined);\nknex({ client: 42, connection: () => 1 });\n"
                     "new Pool({ host: 'db; rm -rf /', user: '$(id)', password: `x${y}` });\n"
                     "require('express')().listen(3000);\n",
    })
    profile, doc = compose_of(app)
    assert all(c.kind == "postgres" or c.kind == "redis" for c in profile.connections)
    assert "rm -rf" not in yaml.safe_dump(doc) and "$(id)" not in yaml.safe_dump(doc)


def test_an_sqlalchemy_app_gets_the_driver_it_installs_in_the_built_url(tmp_path):
    from containerize.compose import assembled_urls

    app = write(tmp_path / "orm", {
        "requirements.txt": "flask\nflask-sqlalchemy\npsycopg2-binary\ngunicorn\n",
        "app.py": "import os\nfrom flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\n"
                  "app = Flask(__name__)\napp.config['SQLALCHEMY_DATABASE_URI'] = os.environ['DATABASE_URL']\n"
                  "db = SQLAlchemy(app)\n",
    })
    profile = build_profile(app, [])
    assert [s.kind for s in profile.services] == ["postgres"]
    # SQLAlchemy 2.1 reads postgresql:// as psycopg 3: the URL names the psycopg2 the project installs
    assert assembled_urls(profile)["DATABASE_URL"].example("PW") == "postgresql+psycopg2://app:PW@postgres:5432/app"
    plain = build_profile(FIXTURES / "conn-url-secret", [])  # psycopg.connect(url): libpq's own scheme
    assert assembled_urls(plain)["DATABASE_URL"].example("PW") == "postgresql://app:PW@postgres:5432/app"


def test_node_pg_shorthand_connection_string_fixture():
    profile, doc = compose_of(FIXTURES / "conn-express-pg")
    (conn,) = profile.connections  # new Pool({ connectionString, ... }): the const it repeats
    assert (conn.kind, conn.url_env, conn.file, conn.line) == ("postgres", "DATABASE_URL", "src/db.js", 9)
    assert profile.env_var("DATABASE_URL").secret and profile.env_var("PGHOST") is None
    app = doc["services"]["app"]
    assert app["secrets"] == ["postgres_password"] and "@postgres:5432/app" in " ".join(app["entrypoint"])
    assert doc["services"]["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"


def test_a_listen_address_keeps_the_code_port_unless_the_port_is_answered():
    profile = build_profile(FIXTURES / "conn-url-secret", [])
    profile.env.append(__import__("containerize.profile", fromlist=["EnvVar"]).EnvVar("ADDRESS", "127.0.0.1:9000"))
    assert compose_dict(profile, "x")["services"]["app"]["environment"]["ADDRESS"] == "0.0.0.0:9000"
    given = build_profile(FIXTURES / "listen-loopback-env", [("port", "8500")])
    given.env.append(__import__("containerize.profile", fromlist=["EnvVar"]).EnvVar("ADDRESS", "localhost:8000"))
    assert compose_dict(given, "x")["services"]["app"]["environment"]["ADDRESS"] == "0.0.0.0:8500"


def test_node_the_same_connection_made_in_several_files_is_one_record_and_one_warning(tmp_path):
    files = {f"jobs/job{i}.js": "import { createClient } from 'redis';\nconst client = createClient();\n"
             for i in range(5)}
    app = _node_app(tmp_path / "jobs", {"redis": "^4.7.0"}, {
        **files, "server.js": "import express from 'express';\nimport './jobs/job0.js';\nexpress().listen(3000);\n"})
    profile, _ = compose_of(app)
    assert [(c.host, c.file, c.line) for c in profile.connections] == [("localhost", "jobs/job0.js", 2)]
    assert len([w for w in profile.warnings if "connects to redis on localhost" in w]) == 1
    assert len(profile.evidence["connections"]) == 5  # every place is still evidence


def test_without_a_shell_a_redis_url_with_no_credentials_is_a_setting_with_no_file():
    from containerize.profile import Connection, EnvVar, Profile, Service

    profile = Profile(language="go", ports=[8080])
    profile.build.shell = False
    profile.env += [EnvVar("REDIS_URL", None, True), EnvVar("API_TOKEN", None, True)]
    profile.services.append(Service("redis", "REDIS_URL"))
    profile.connections.append(Connection("redis", url_env="REDIS_URL", scheme="redis"))
    app = compose_dict(profile, "cache")["services"]["app"]
    assert app["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"
    assert "REDIS_URL_FILE" not in app["environment"] and app["environment"]["API_TOKEN_FILE"] == \
        "/run/secrets/api_token"
    assert app["secrets"] == ["api_token"]


# -- credential-free database URL defaults ------------------------------------------------------------

def test_credential_free_url():
    from containerize.services import credential_free_url
    assert credential_free_url("mongodb", "mongodb://mongo:27017/db")
    assert credential_free_url("mongodb", "mongodb+srv://cluster.example.com/db")
    assert credential_free_url("postgres", "postgresql://db/app") and credential_free_url("postgres", "postgres://db")
    assert not credential_free_url("mongodb", "mongodb://app:pw@mongo:27017/db")
    assert not credential_free_url("mongodb", "mongodb://app@mongo:27017/db")  # a user: the image's credentials
    assert not credential_free_url("postgres", "mongodb://mongo/db")  # another kind's scheme
    assert not credential_free_url("mongodb", None) and not credential_free_url("mongodb", "mongo:27017")
    assert not credential_free_url("mongodb", "mongodb://[::1")  # never raises on a malformed URL


def test_a_mongodb_url_default_with_no_credentials_is_a_setting_and_mongo_runs_without_auth(tmp_path):
    app = write(tmp_path / "shop", {
        "requirements.txt": "flask\npymongo\nredis\n",
        "app.py": "import os\nfrom flask import Flask\nfrom pymongo import MongoClient\nimport redis\n\n"
                  "app = Flask(__name__)\n"
                  'client = MongoClient(os.getenv("MONGODB_URI", "mongodb://localhost:27017/shop?retryWrites=true"))\n'
                  'cache = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))\n\n\n'
                  '@app.get("/")\ndef index():\n    return {"n": client.shop.items.count_documents({})}\n'})
    profile, doc = compose_of(app)
    assert not profile.env_var("MONGODB_URI").secret and not profile.secrets
    services = doc["services"]
    env = services["app"]["environment"]
    # pointed at the service compose starts, the code's database and options kept
    assert env["MONGODB_URI"] == "${MONGODB_URI:-mongodb://mongodb:27017/shop?retryWrites=true}"
    assert env["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"
    assert "secrets" not in doc and "secrets" not in services["app"] and "entrypoint" not in services["app"]
    mongo = services["mongodb"]
    assert "secrets" not in mongo and "MONGO_INITDB_ROOT_USERNAME" not in mongo.get("environment", {})
    (note,) = [e for e in profile.evidence["env"] if e.why.startswith("MONGODB_URI: its default")]
    assert "without authentication" in note.why and (note.file, note.line) == ("app.py", 7)


def test_a_mongodb_url_default_with_credentials_stays_a_secret_built_from_the_password_file(tmp_path):
    app = write(tmp_path / "shop", {
        "requirements.txt": "flask\npymongo\n",
        "app.py": "import os\nfrom flask import Flask\nfrom pymongo import MongoClient\n\napp = Flask(__name__)\n"
                  'client = MongoClient(os.getenv("MONGODB_URI", "mongodb://root:example@mongo:27017/"))\n'})
    profile, doc = compose_of(app)
    assert profile.env_var("MONGODB_URI").secret and profile.env_var("MONGODB_URI").default is None
    text = yaml.safe_dump(doc)
    assert "example" not in text  # the code's password is never written
    assert doc["services"]["mongo"]["secrets"] == ["mongodb_password"]
    assert "MONGODB_URI" in " ".join(doc["services"]["app"]["entrypoint"])


def test_a_postgres_url_default_with_no_password_is_still_built_with_the_services_password(tmp_path):
    # trust authentication in the code's default; the postgres service compose starts always has a password
    app = write(tmp_path / "notes", {
        "requirements.txt": "flask\npsycopg2-binary\n",
        "app.py": "import os\nfrom flask import Flask\nimport psycopg2\n\napp = Flask(__name__)\n"
                  'conn = psycopg2.connect(os.environ.get("DATABASE_URL", "postgresql://db/app"))\n'})
    profile, doc = compose_of(app)
    assert profile.env_var("DATABASE_URL").secret
    app_service = doc["services"]["app"]
    assert "DATABASE_URL" not in app_service.get("environment", {})
    assert "DATABASE_URL=" in " ".join(app_service["entrypoint"])  # built when the app starts
    assert "POSTGRES_PASSWORD_FILE" in doc["services"]["db"]["environment"]
    (note,) = [e for e in profile.evidence["env"] if e.why.startswith("DATABASE_URL: its default")]
    assert "carries no password" in note.why and "always has one" in note.why


def test_the_notes_of_compose_yaml_ask_for_no_password_in_a_credential_free_mongodb_url(tmp_path):
    from containerize.compose import render_compose
    app = write(tmp_path / "shop", {
        "requirements.txt": "flask\npymongo\n",
        "app.py": "import os\nfrom flask import Flask\nfrom pymongo import MongoClient\n\napp = Flask(__name__)\n"
                  'TOKEN = os.environ["API_TOKEN"]\n'
                  'client = MongoClient(os.getenv("MONGODB_URI", "mongodb://mongo:27017/shop"))\n'})
    profile = build_profile(app, [])
    text = render_compose(profile, "shop")
    assert "./secrets/api_token" in text and "mongodb_password" not in text
    assert "MONGODB_URI must use" not in text
    assert '"${MONGODB_URI:-mongodb://mongo:27017/shop}"' in text


def test_a_credential_free_url_setting_with_no_connection_found_keeps_the_codes_database_and_needs_no_auth():
    from containerize.profile import EnvVar, Profile, Service

    profile = Profile(language="node", ports=[3000])
    profile.env += [EnvVar("MONGO_URL", "mongodb://localhost:27017/shop", False),
                    EnvVar("REDIS_URL", "redis://localhost:6379/2", False)]
    profile.services += [Service("mongodb", "MONGO_URL"), Service("redis", "REDIS_URL")]
    doc = compose_dict(profile, "shop")
    env = doc["services"]["app"]["environment"]
    assert env["MONGO_URL"] == "${MONGO_URL:-mongodb://mongodb:27017/shop}"
    assert env["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/2}"
    mongo = doc["services"]["mongodb"]
    assert "secrets" not in mongo and "MONGO_INITDB_ROOT_USERNAME" not in mongo.get("environment", {})
    assert "secrets" not in doc
    # nothing says how the code connects and no URL setting: the image's credentials, in a secret file
    bare = Profile(language="node", ports=[3000])
    bare.services.append(Service("mongodb"))
    assert compose_dict(bare, "shop")["services"]["mongodb"]["secrets"] == ["mongodb_password"]


def test_a_credential_free_srv_or_tls_url_default_points_at_the_plain_service():
    from containerize.profile import EnvVar, Profile, Service

    profile = Profile(language="node", ports=[3000])
    profile.env += [EnvVar("MONGODB_URI", "mongodb+srv://cluster0.example.net/shop?retryWrites=true", False),
                    EnvVar("REDIS_URL", "rediss://cache.example.net:6380/1", False)]
    profile.services += [Service("mongodb", "MONGODB_URI"), Service("redis", "REDIS_URL")]
    env = compose_dict(profile, "shop")["services"]["app"]["environment"]
    assert env["MONGODB_URI"] == "${MONGODB_URI:-mongodb://mongodb/shop?retryWrites=true}"
    assert env["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/1}"  # the port the service listens on


_SETTINGS_APP = {
    "pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\n'
                      'dependencies = ["fastapi[standard]", "pydantic-settings", "psycopg[binary]", "sqlmodel"]\n',
    "app/core/config.py": "from pydantic import PostgresDsn, computed_field\nfrom pydantic_core import MultiHostUrl\n"
                          "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n"
                          "class Settings(BaseSettings):\n"
                          "    model_config = SettingsConfigDict(env_file='../.env', extra='ignore')\n"
                          "    POSTGRES_SERVER: str\n    POSTGRES_PORT: int = 5432\n"
                          "    POSTGRES_USER: str = 'shop'\n    POSTGRES_PASSWORD: str = ''\n"
                          "    POSTGRES_DB: str = 'orders'\n\n"
                          "    @computed_field\n    @property\n"
                          "    def SQLALCHEMY_DATABASE_URI(self) -> PostgresDsn:\n"
                          "        return MultiHostUrl.build(scheme='postgresql+psycopg', username=self.POSTGRES_USER,\n"
                          "            password=self.POSTGRES_PASSWORD, host=self.POSTGRES_SERVER,\n"
                          "            port=self.POSTGRES_PORT, path=self.POSTGRES_DB)\n\n"
                          "settings = Settings()\n",
    "app/main.py": "from fastapi import FastAPI\nfrom sqlmodel import create_engine\nfrom app.core.config import settings\n"
                   "engine = create_engine(str(settings.SQLALCHEMY_DATABASE_URI))\napp = FastAPI()\n"
                   "@app.get('/')\ndef root():\n    return {}\n",
}


def test_a_settings_class_that_builds_the_database_url_from_its_fields_is_the_connection(tmp_path):
    profile, doc = compose_of(write(tmp_path / "backend", _SETTINGS_APP))
    (conn,) = profile.connections
    assert (conn.kind, conn.host_env, conn.port, conn.user, conn.user_env, conn.database, conn.database_env) == \
        ("postgres", "POSTGRES_SERVER", 5432, "shop", "POSTGRES_USER", "orders", "POSTGRES_DB")
    assert (conn.password_source, conn.password_env) == ("env", "POSTGRES_PASSWORD")
    assert (conn.file, conn.line) == ("app/core/config.py", 16)  # the build(...) call
    app_env = doc["services"]["app"]["environment"]
    assert app_env["POSTGRES_SERVER"] == "${POSTGRES_SERVER:-postgres}"
    pg = doc["services"]["postgres"]["environment"]
    assert (pg["POSTGRES_USER"], pg["POSTGRES_DB"]) == ("shop", "orders")
    # the app's password and the image's come from the one secret file
    assert pg["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert doc["services"]["app"]["secrets"] == ["postgres_password"]
    assert "POSTGRES_PASSWORD" not in app_env


def test_a_settings_field_typed_as_a_postgres_dsn_is_the_url_the_app_connects_through(tmp_path):
    files = dict(_SETTINGS_APP)
    files["app/core/config.py"] = ("from pydantic import PostgresDsn\nfrom pydantic_settings import BaseSettings\n\n"
                                   "class Settings(BaseSettings):\n    SECRET_KEY: str\n    DATABASE_URL: PostgresDsn\n\n"
                                   "settings = Settings()\n")
    files["app/main.py"] = files["app/main.py"].replace("SQLALCHEMY_DATABASE_URI", "DATABASE_URL")
    profile, doc = compose_of(write(tmp_path / "backend", files))
    (conn,) = profile.connections
    assert (conn.kind, conn.url_env, conn.file, conn.line) == ("postgres", "DATABASE_URL", "app/core/config.py", 6)
    assert "postgres" in doc["services"]


def _django(settings: str, requirements: str = "django\npsycopg[binary]\ngunicorn\n") -> dict[str, str]:
    return {"requirements.txt": requirements,
            "manage.py": "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_conf.settings')\n"
                         "from django.core.management import execute_from_command_line\n"
                         "execute_from_command_line(sys.argv)\n",
            "site_conf/__init__.py": "", "site_conf/wsgi.py": "from django.core.wsgi import get_wsgi_application\n"
                                                             "application = get_wsgi_application()\n",
            "site_conf/settings.py": "import os\nfrom pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n"
                                     "ROOT_URLCONF = 'site_conf.urls'\nINSTALLED_APPS = ['django.contrib.auth']\n" + settings}


def test_django_on_sqlite_gets_no_postgres_service_for_psycopg_in_its_requirements(tmp_path):
    app = write(tmp_path / "djangox", _django(
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n"
        "        'NAME': BASE_DIR / 'db.sqlite3',\n    }\n}\n"))
    profile, doc = compose_of(app)
    assert profile.services == [] and not {"postgres", "db"} & set(doc["services"])
    assert any("DATABASES use SQLite" in e.why and e.file == "site_conf/settings.py" for e in profile.evidence["services"])
    # asked for, it is there
    profile = build_profile(app, [("services", "postgres")])
    assert [s.kind for s in profile.services] == ["postgres"]


def test_django_with_a_sqlite_default_url_gets_no_postgres_service(tmp_path):
    app = write(tmp_path / "site", _django(
        "import dj_database_url\nDATABASES = {'default': dj_database_url.config(default='sqlite:///db.sqlite3')}\n",
        "django\ndj-database-url\npsycopg2-binary\n"))
    profile, doc = compose_of(app)
    assert profile.services == [] and "postgres" not in doc["services"]


def test_django_postgres_settings_from_env_vars_are_the_connection(tmp_path):
    app = write(tmp_path / "site", _django(
        "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n"
        "        'HOST': os.environ.get('DB_HOST', 'localhost'),\n        'PORT': os.environ.get('DB_PORT', '5432'),\n"
        "        'NAME': os.environ.get('DB_NAME', 'blog'),\n        'USER': os.environ.get('DB_USER', 'blogger'),\n"
        "        'PASSWORD': os.environ['DB_PASSWORD'],\n    }\n}\n"))
    profile, doc = compose_of(app)
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.host_env, conn.port) == ("postgres", "localhost", "DB_HOST", 5432)
    assert (conn.database, conn.database_env, conn.user, conn.user_env) == ("blog", "DB_NAME", "blogger", "DB_USER")
    assert (conn.password_source, conn.password_env) == ("env", "DB_PASSWORD")
    assert (conn.file, conn.line) == ("site_conf/settings.py", 7)  # the "default" entry
    app_env = doc["services"]["app"]["environment"]
    assert app_env["DB_HOST"] == "${DB_HOST:-postgres}"
    pg = doc["services"]["postgres"]["environment"]
    assert (pg["POSTGRES_USER"], pg["POSTGRES_DB"]) == ("blogger", "blog")
    assert pg["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert doc["services"]["app"]["secrets"] == ["db_password"]


def test_django_engine_chosen_by_an_env_var_keeps_the_driver_service(tmp_path):
    app = write(tmp_path / "site", _django(
        "DATABASES = {'default': {'ENGINE': os.environ.get('SQL_ENGINE', 'django.db.backends.sqlite3'),\n"
        "    'NAME': os.environ.get('SQL_DATABASE', BASE_DIR / 'db.sqlite3')}}\n"))
    profile, _ = compose_of(app)
    assert [s.kind for s in profile.services] == ["postgres"]


_SQL_ENGINE_SETTINGS = (
    "import os\nfrom pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n"
    "DATABASES = {'default': {\n"
    "    'ENGINE': os.environ.get('SQL_ENGINE', 'django.db.backends.sqlite3'),\n"
    "    'NAME': os.environ.get('SQL_DATABASE', BASE_DIR / 'db.sqlite3'),\n"
    "    'USER': os.environ.get('SQL_USER', 'user'),\n"
    "    'PASSWORD': os.environ.get('SQL_PASSWORD', 'password'),\n"
    "    'HOST': os.environ.get('SQL_HOST', 'localhost'),\n"
    "    'PORT': os.environ.get('SQL_PORT', '5432'),\n}}\n"
    "WSGI_APPLICATION = 'site_/wsgi.application'\n")


def test_a_django_engine_from_an_env_var_is_the_one_database_service_s():
    """SQLite by default for development, SQL_ENGINE/SQL_HOST/... in deployment (testdriven's Dockerizing
    Django shape): compose points every one of them at its postgres service."""
    profile, doc = compose_of(FIXTURES / "python-django-sql-engine")
    assert {e.name: e.default for e in profile.env}["SQL_ENGINE"] == "django.db.backends.postgresql"
    [conn] = [c for c in profile.connections if c.kind == "postgres"]
    assert (conn.host_env, conn.database, conn.database_env) == ("SQL_HOST", None, "SQL_DATABASE")
    app = doc["services"]["app"]["environment"]
    assert (app["SQL_HOST"], app["SQL_DATABASE"]) == ("${SQL_HOST:-postgres}", "app")


def test_a_django_engine_from_an_env_var_without_one_database_driver_is_left_alone(tmp_path):
    for requirements in ("Django\n", "Django\npsycopg2-binary\nmysqlclient\n"):
        files = {"requirements.txt": requirements, "manage.py": "import django\n", "site_/__init__.py": "",
                 "site_/settings.py": _SQL_ENGINE_SETTINGS}
        for rel, text in files.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text)
        profile = build_profile(tmp_path, [])
        assert {e.name: e.default for e in profile.env}["SQL_ENGINE"] == "django.db.backends.sqlite3"
