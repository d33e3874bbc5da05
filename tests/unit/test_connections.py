"""How the code connects to its backing services, and the compose file wired to match."""
from __future__ import annotations

import json
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
    assert profile.services == [] and set(doc["services"]) == {"app"}


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
