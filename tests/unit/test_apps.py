"""Repositories of several apps: discovery, libraries, wiring, --only, scoped --set and inspect."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from containerize import apps
from containerize.answer_keys import parse_set, scope_of
from containerize.cli import app as cli_app
from containerize.render import render_apps

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "fixtures"

GO_MAIN = """package main

import (
\t"net/http"
\t"os"
)

func main() {
\tport := os.Getenv("PORT")
\tif port == "" {
\t\tport = "8000"
\t}
\thttp.HandleFunc("/api/items", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("[]")) })
\thttp.ListenAndServe(":"+port, nil)
}
"""
EXPRESS = """const express = require("express");
const app = express();
app.get("/health", (req, res) => res.json({ ok: true }));
app.listen(process.env.PORT || 3000);
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def go_and_static(root: Path) -> Path:
    return write(root, {
        "README.md": "two apps\n",
        "backend/go.mod": "module example.com/api\n\ngo 1.19\n",
        "backend/main.go": GO_MAIN,
        "frontend/index.html": "<html><body><p id=x></p><script>fetch('/api/items').then(r => r.json())</script>"
                               "</body></html>\n",
    })


def run(*args: str):
    return CliRunner().invoke(cli_app, list(args))


def test_a_root_with_an_app_of_its_own_is_one_app(tmp_path):
    write(tmp_path, {"go.mod": "module example.com/x\n\ngo 1.19\n", "main.go": GO_MAIN,
                     "frontend/index.html": "<html></html>\n"})
    assert apps.discover(tmp_path) is None
    write(tmp_path / "py", {"app.py": "print('hi')\n", "web/package.json": "{}"})
    assert apps.discover(tmp_path / "py") is None


def test_every_single_app_fixture_stays_one_app():
    for fixture in sorted(FIXTURES.iterdir()):
        if fixture.is_dir() and not fixture.name.startswith("multi-"):
            assert apps.discover(fixture, analyze=False) is None, fixture.name


def test_subfolders_with_manifests_are_the_apps_and_the_front_end_calls_the_api(tmp_path):
    repo = apps.discover(go_and_static(tmp_path))
    assert [(a.name, a.path, a.kind) for a in repo.apps] == [("backend", "backend", "app"),
                                                           ("frontend", "frontend", "app")]
    backend, frontend = repo.apps
    assert backend.profile.language == "go" and backend.profile.ports == [8000]
    assert frontend.profile.language == "static"
    assert frontend.calls == ["/api/"] and frontend.calls_from == "index.html:1"
    assert frontend.proxy_to == "backend"
    assert backend.calls == [] and backend.proxy_to is None  # its own routes are not calls


def test_group_folders_list_their_members_and_skip_what_is_not_an_app(tmp_path):
    write(tmp_path, {
        "services/api/package.json": json.dumps({"name": "api", "scripts": {"start": "node index.js"},
                                                 "dependencies": {"express": "^4.19.2"}}),
        "services/api/index.js": EXPRESS,
        "packages/util/package.json": json.dumps({"name": "util", "main": "index.js"}),
        "packages/util/index.js": "module.exports = 1;\n",
        "docs/index.html": "<html></html>\n",
        "db/password.txt": "x\n",
    })
    repo = apps.discover(tmp_path)
    kinds = {a.path: a.kind for a in repo.apps}
    assert kinds == {"services/api": "app", "packages/util": "library"}
    assert [a.name for a in repo.deployable] == ["api"]


def test_a_package_with_no_start_script_whose_server_npm_start_runs_is_an_app(tmp_path):
    # the shape of a voting-app style repo: result/ has "main": "server.js", a test script only, and is a server
    write(tmp_path, {
        "result/package.json": json.dumps({"name": "result", "main": "server.js",
                                           "scripts": {"test": "echo no test && exit 1"},
                                           "dependencies": {"express": "^4.18.2", "pg": "^8.8.0"}}),
        "result/server.js": EXPRESS,
        "api/package.json": json.dumps({"name": "api", "main": "src/main.js",
                                        "dependencies": {"express": "^4.18.2"}}),
        "api/src/main.js": EXPRESS,
        "util/package.json": json.dumps({"name": "util", "main": "index.js"}),
        "util/index.js": "module.exports = (a, b) => a + b;\n",
    })
    repo = apps.discover(tmp_path, analyze=False)
    kinds = {a.path: a.kind for a in repo.apps}
    assert kinds == {"api": "app", "result": "app", "util": "library"}
    result = next(a for a in repo.apps if a.path == "result")
    assert "result/package.json: no start script, but npm start runs server.js" in result.evidence
    api = next(a for a in repo.apps if a.path == "api")
    assert any("its main file starts a server (api/src/main.js:4)" in e for e in api.evidence)


def test_a_folder_of_a_stack_no_analyzer_reads_is_named_in_the_notes(tmp_path):
    write(tmp_path, {
        "vote/requirements.txt": "flask\n",
        "vote/app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "result/package.json": json.dumps({"name": "result", "scripts": {"start": "node server.js"},
                                           "dependencies": {"express": "^4.18.2"}}),
        "result/server.js": EXPRESS,
        "worker/Worker.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n",
        "worker/Program.cs": "class Program { static void Main() {} }\n",
        "docs/book.toml": "",
        "services/mailer/mix.exs": "defmodule Mailer.MixProject do\nend\n",
    })
    repo = apps.discover(tmp_path, analyze=False)
    assert [a.path for a in repo.apps] == ["result", "vote"]
    assert repo.notes == [
        "services/mailer/: an Elixir project (mix.exs), a stack containerize does not read: it gets no image; "
        "write its Dockerfile by hand and add it to compose.yaml",
        "worker/: a C# (.NET) project (Worker.csproj), a stack containerize does not read: it gets no image; "
        "write its Dockerfile by hand and add it to compose.yaml"]


def test_a_src_folder_of_service_folders_is_a_group_and_a_src_of_one_app_is_not(tmp_path):
    # the shape of a microservices demo: src/<service>/ each with its own manifest, nothing at the top
    write(tmp_path / "demo", {
        "README.md": "# demo\n",
        "kubernetes-manifests/frontend.yaml": "kind: Deployment\n",
        "src/frontend/go.mod": "module frontend\n\ngo 1.22\n", "src/frontend/main.go": GO_MAIN,
        "src/currency/package.json": json.dumps({"name": "currency", "scripts": {"start": "node server.js"}}),
        "src/currency/server.js": EXPRESS,
        "src/email/requirements.txt": "flask\n",
        "src/email/app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "src/carts/carts.sln": "\n",
    })
    repo = apps.discover(tmp_path / "demo", analyze=False)
    assert [(a.name, a.path) for a in repo.apps] == [
        ("currency", "src/currency"), ("email", "src/email"), ("frontend", "src/frontend")]
    assert repo.notes[0].startswith("src/carts/: a .NET solution (carts.sln)")
    write(tmp_path / "one", {"src/app/requirements.txt": "flask\n",
                             "src/app/app.py": "from flask import Flask\napp = Flask(__name__)\n",
                             "src/tools/notes.txt": "x\n"})
    assert apps.discover(tmp_path / "one", analyze=False) is None


def test_a_front_end_calling_the_api_on_a_localhost_port_gets_the_api_published_there(tmp_path):
    # the shape of a Flask + Vue CRUD tutorial: the Vue component calls the Flask dev server at localhost:5001
    write(tmp_path, {
        "client/package.json": json.dumps({"name": "client", "scripts": {"dev": "vite", "build": "vite build"},
                                           "dependencies": {"vue": "^3.4.0", "axios": "^1.6.0"},
                                           "devDependencies": {"vite": "^5.0.0"}}),
        "client/index.html": "<div id=\"app\"></div><script type=\"module\" src=\"/src/main.js\"></script>\n",
        "client/src/main.js": "import { createApp } from 'vue';\n",
        "client/src/components/Books.vue": "<template><div>{{ books }}</div></template>\n<script>\n"
                                           "import axios from 'axios';\nexport default {\n  methods: {\n"
                                           "    getBooks() {\n      const path = 'http://localhost:5001/books';\n"
                                           "      axios.get(path);\n    },\n  },\n};\n</script>\n",
        "server/requirements.txt": "Flask==3.0.3\nFlask-Cors==4.0.1\n",
        "server/app.py": "from flask import Flask, jsonify\napp = Flask(__name__)\n\n\n@app.route('/books')\n"
                         "def books():\n    return jsonify([])\n\n\nif __name__ == '__main__':\n    app.run()\n",
    })
    repo = apps.discover(tmp_path)
    server = next(a for a in repo.apps if a.name == "server")
    assert server.host_port == 5001
    assert "published on 127.0.0.1:5001: client calls http://localhost:5001 (src/components/Books.vue:7)" \
        in server.evidence
    doc = yaml.safe_load(render_apps(repo)["compose.yaml"])
    assert doc["services"]["server"]["ports"] == ["127.0.0.1:${SERVER_HOST_PORT:-5001}:8000"]
    assert doc["services"]["client"]["ports"] == ["127.0.0.1:${CLIENT_HOST_PORT:-8080}:8080"]


def test_workspace_members_come_from_the_manifest(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["apps/*", "tools/*"]}),
        "apps/one/package.json": json.dumps({"name": "one", "scripts": {"start": "node index.js"}}),
        "apps/one/index.js": EXPRESS,
        "apps/two/package.json": json.dumps({"name": "two", "scripts": {"start": "node index.js"}}),
        "apps/two/index.js": EXPRESS,
        "tools/lint/package.json": json.dumps({"name": "lint", "main": "index.js"}),
        "tools/lint/index.js": "module.exports = 1;\n",
    })
    repo = apps.discover(tmp_path, analyze=False)
    assert repo.workspace == "package.json workspaces"
    assert [(a.path, a.kind) for a in repo.apps] == [("apps/one", "app"), ("apps/two", "app"),
                                                     ("tools/lint", "library")]


def test_a_workspace_app_that_imports_a_shared_package_builds_from_the_root_as_before():
    # node-pnpm-workspace: apps/api imports packages/greeting, so the root context is needed
    assert apps.discover(FIXTURES / "node-pnpm-workspace", analyze=False) is None


def test_go_work_and_cargo_workspaces(tmp_path):
    write(tmp_path / "go", {"go.work": "go 1.21\n\nuse (\n\t./api // the API\n\t./worker\n)\n",
                            "api/go.mod": "module a\n", "worker/go.mod": "module w\n"})
    assert apps.workspace_members(apps.SourceTree(tmp_path / "go")) == ("go.work", ["api", "worker"])
    write(tmp_path / "rs", {"Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
                            "crates/core/Cargo.toml": '[package]\nname = "core"\n[lib]\n',
                            "crates/core/src/lib.rs": "", "crates/srv/Cargo.toml": '[package]\nname = "srv"\n',
                            "crates/srv/src/main.rs": "fn main() {}\n"})
    repo = apps.discover(tmp_path / "rs", analyze=False)
    assert repo is None  # one binary and the library it uses: a single app, as before
    source, members = apps.workspace_members(apps.SourceTree(tmp_path / "rs"))
    assert source == "Cargo.toml [workspace]" and members == ["crates/core", "crates/srv"]


def test_the_files_one_compose_at_the_root_and_each_dockerfile_in_its_folder(tmp_path):
    repo = apps.discover(go_and_static(tmp_path))
    files = render_apps(repo)
    assert sorted(files) == ["README.Docker.md", "backend/.dockerignore", "backend/Dockerfile", "compose.yaml",
                             "frontend/.dockerignore", "frontend/Dockerfile"]
    doc = yaml.safe_load(files["compose.yaml"])
    assert list(doc["services"]) == ["backend", "frontend"]
    assert doc["services"]["backend"]["build"] == {"context": "./backend"}
    assert doc["services"]["frontend"]["ports"] == ["127.0.0.1:${FRONTEND_HOST_PORT:-8080}:8080"]
    assert doc["services"]["frontend"]["depends_on"] == {"backend": {"condition": "service_started"}}
    assert doc["services"]["backend"]["read_only"] is True
    assert "http://backend:8000" in files["frontend/Dockerfile"]
    assert "location /api/" in files["frontend/Dockerfile"]
    assert "location /api/" not in files["backend/Dockerfile"]
    assert "`frontend` is served by nginx, which passes `/api/` to `backend`" in files["README.Docker.md"]


def test_two_apps_on_one_port_get_different_host_ports_and_a_shared_service_appears_once(tmp_path):
    pkg = json.dumps({"name": "x", "scripts": {"start": "node index.js"},
                      "dependencies": {"express": "^4.19.2", "redis": "^4.6.0"}})
    code = EXPRESS + "const { createClient } = require('redis');\ncreateClient({ url: process.env.REDIS_URL });\n"
    write(tmp_path, {"api/package.json": pkg, "api/index.js": code,
                     "web/package.json": pkg, "web/index.js": code})
    files = render_apps(apps.discover(tmp_path))
    doc = yaml.safe_load(files["compose.yaml"])
    assert "| web | `web/` | node (express) | 3001 (`WEB_HOST_PORT`) |" in files["README.Docker.md"]
    assert list(doc["services"]) == ["api", "web", "redis"]
    assert doc["services"]["api"]["ports"] == ["127.0.0.1:${API_HOST_PORT:-3000}:3000"]
    assert doc["services"]["web"]["ports"] == ["127.0.0.1:${WEB_HOST_PORT:-3001}:3000"]
    assert doc["services"]["web"]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_scoped_answers(tmp_path):
    assert scope_of("api.port") == ("api", "port")
    assert scope_of("port") == (None, "port")
    assert scope_of("env.DEBUG") == (None, "env.DEBUG")
    assert parse_set("backend.port=9000") == ("backend.port", "9000")
    with pytest.raises(ValueError):
        parse_set("backend.nope=1")
    repo = apps.discover(go_and_static(tmp_path), [("backend.port", "9000")])
    assert repo.apps[0].profile.ports == [9000]
    assert "http://backend:9000" in render_apps(repo)["frontend/Dockerfile"]
    with pytest.raises(apps.AppsError, match="no app named 'api'"):
        apps.discover(tmp_path, [("api.port", "1")])
    with pytest.raises(apps.AppsError, match="this folder is one app"):
        apps.split_answers([("api.port", "1")], None)


def test_inspect_lists_the_apps_and_json_has_an_apps_list(tmp_path):
    go_and_static(tmp_path)
    result = run("inspect", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(a["name"], a["path"], a["language"], a["ports"]) for a in data["apps"]] == [
        ("backend", "backend", "go", [8000]), ("frontend", "frontend", "static", [8080])]
    assert data["apps"][1]["calls"] == {"paths": ["/api/"], "where": "index.html:1", "proxied_to": "backend"}
    assert {"entrypoint", "evidence", "origin", "server"} <= set(data["apps"][0])
    text = run("inspect", str(tmp_path))
    assert "2 app(s) to run" in text.output and "calls /api/" in text.output
    one = json.loads(run("inspect", str(tmp_path), "--json", "--only", "backend").output)
    assert one["name"] == "backend" and one["language"] == "go" and "apps" not in one


def test_a_single_app_keeps_its_inspect_keys_and_refuses_only_and_scoped_sets():
    single = json.loads(run("inspect", str(FIXTURES / "go-http"), "--json").output)
    assert "apps" not in single and "language" in single
    result = run("inspect", str(FIXTURES / "go-http"), "--only", "api")
    assert result.exit_code == 2 and "holds one app" in result.output
    result = run("inspect", str(FIXTURES / "go-http"), "--set", "api.port=1")
    assert result.exit_code == 2 and "names an app" in result.output


def test_only_writes_one_app_and_generate_writes_them_all(tmp_path):
    go_and_static(tmp_path)
    result = run("generate", str(tmp_path), "--yes", "--only", "frontend", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "frontend/Dockerfile <==" in result.output and "backend/Dockerfile" not in result.output
    assert "location /api/" not in result.output  # the API is not part of this run
    result = run("generate", str(tmp_path), "--yes")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "compose.yaml").is_file() and (tmp_path / "backend" / "Dockerfile").is_file()
    assert not (tmp_path / "Dockerfile").exists()
    again = run("generate", str(tmp_path), "--yes")
    assert again.exit_code == 1 and "already there" in again.output
    assert run("generate", str(tmp_path), "--yes", "--k8s", "--force").exit_code == 0  # one k8s/ for every app
    assert (tmp_path / "k8s" / "kustomization.yaml").is_file() and (tmp_path / "k8s" / "backend").is_dir()
    assert run("generate", str(tmp_path), "--yes", "--only", "nope").exit_code == 2


def test_hostile_folder_names_never_reach_the_files(tmp_path):
    write(tmp_path, {"we b$(x)/index.html": "<script>fetch('/api/x')</script>\n",
                     "api/go.mod": "module a\n\ngo 1.19\n", "api/main.go": GO_MAIN})
    files = render_apps(apps.discover(tmp_path))
    doc = yaml.safe_load(files["compose.yaml"])
    assert "we-b-x" in doc["services"]
    assert doc["services"]["we-b-x"]["build"] == {"context": "./we b$$(x)"}  # compose reads $$ as $
    assert doc["services"]["we-b-x"]["ports"] == ["127.0.0.1:${WE_B_X_HOST_PORT:-8080}:8080"]
    assert "http://api:8000" in files["we b$(x)/Dockerfile"]


def test_a_worker_whose_code_names_no_port_publishes_none_and_redis_appears_once():
    repo = apps.discover(FIXTURES / "multi-express-worker")
    by_name = {a.name: a for a in repo.apps}
    assert by_name["worker"].profile.ports == [] and by_name["api"].profile.ports == [3000]
    assert by_name["web"].proxy_to == "api" and by_name["web"].calls_from == "index.html:15"
    files = render_apps(repo)
    assert "EXPOSE" not in files["worker/Dockerfile"] and "HEALTHCHECK" not in files["worker/Dockerfile"]
    doc = yaml.safe_load(files["compose.yaml"])
    assert list(doc["services"]) == ["api", "web", "worker", "redis"]
    assert "ports" not in doc["services"]["worker"]
    # an answer for the worker's port wins over the rule
    repo = apps.discover(FIXTURES / "multi-express-worker", [("worker.port", "9000")])
    assert {a.name: a for a in repo.apps}["worker"].profile.ports == [9000]


def test_a_vite_dev_proxy_names_the_paths_the_front_end_calls(tmp_path):
    write(tmp_path, {
        "api/go.mod": "module a\n\ngo 1.19\n", "api/main.go": GO_MAIN,
        "web/package.json": json.dumps({"name": "web", "scripts": {"dev": "vite", "build": "vite build"},
                                        "devDependencies": {"vite": "^5.4.0"}}),
        "web/index.html": "<div id=app></div><script type=module src=/src/main.js></script>\n",
        "web/src/main.js": "document.getElementById('app').textContent = 'hi';\n",
        "web/vite.config.js": "export default {\n  server: {\n    proxy: {\n"
                              "      '/graphql': 'http://localhost:8000',\n"
                              "      '/auth/login': { target: 'http://localhost:8000' },\n    },\n  },\n};\n",
    })
    calls, where = apps.api_calls(tmp_path / "web")
    assert calls == ["/graphql/", "/auth/"] and where == "vite.config.js:4 (server.proxy)"


def test_the_repository_reverse_proxy_runs_with_its_own_configuration(tmp_path):
    write(tmp_path, {
        "backend/go.mod": "module a\n\ngo 1.19\n", "backend/main.go": GO_MAIN,
        "proxy/nginx.conf": "server {\n    listen       80;\n    # proxy_pass http://old:1;\n"
                            "    location / {\n        proxy_pass http://backend:8000;\n    }\n}\n",
        "gateway/Dockerfile": "FROM nginx\nCOPY conf /etc/nginx/conf.d/default.conf\n",
        "gateway/conf": "server { listen 8443; location / { proxy_pass http://nowhere:9000; } }\n",
    })
    repo = apps.discover(tmp_path)
    assert [(p.name, p.conf, p.dockerfile, p.ports, p.upstreams) for p in repo.proxies] == [
        ("gateway", "gateway/conf", True, [8443], ["nowhere"]),
        ("proxy", "proxy/nginx.conf", False, [80], ["backend"])]
    files = render_apps(repo)
    doc = yaml.safe_load(files["compose.yaml"])
    proxy = doc["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["volumes"] == ["./proxy/nginx.conf:/etc/nginx/conf.d/default.conf:ro"]
    assert proxy["ports"] == ["127.0.0.1:${PROXY_HOST_PORT:-80}:80"]
    assert proxy["depends_on"] == {"backend": {"condition": "service_started"}}
    assert "NET_BIND_SERVICE" in proxy["cap_add"] and proxy["read_only"] is True
    assert doc["services"]["gateway"]["build"] == {"context": "./gateway"}
    assert "gateway/conf passes to 'nowhere', which no service here is named" in files["README.Docker.md"]
    listing = json.loads(run("inspect", str(tmp_path), "--json").output)
    assert [p["name"] for p in listing["proxies"]] == ["gateway", "proxy"]
    assert "reverse proxy" in run("inspect", str(tmp_path)).output


def test_hosts_of_an_upstream_block_no_service_is_named_are_aliases_of_the_app_on_their_port(tmp_path):
    # the shape of a load-balancing sample: nginx passes to an upstream of web1 and web2, both on web's port
    write(tmp_path, {
        "web/package.json": json.dumps({"name": "web", "scripts": {"start": "node server.js"},
                                        "dependencies": {"express": "^4.17.2"}}),
        "web/server.js": EXPRESS.replace("process.env.PORT || 3000", "5000"),
        "nginx/nginx.conf": "upstream loadbalancer {\n  server web1:5000;\n  server web2:5000;\n}\n"
                            "server {\n  listen 80;\n  location / {\n    proxy_pass http://loadbalancer;\n  }\n"
                            "  location /other/ {\n    proxy_pass http://elsewhere:7000;\n  }\n}\n",
    })
    repo = apps.discover(tmp_path)
    (proxy,) = repo.proxies
    assert proxy.upstreams == ["web1", "web2", "elsewhere"]
    assert proxy.ports_of == {"web1": 5000, "web2": 5000, "elsewhere": 7000}
    files = render_apps(repo)
    doc = yaml.safe_load(files["compose.yaml"])
    assert doc["services"]["web"]["networks"] == {"default": {"aliases": ["web1", "web2"]}}
    assert doc["services"]["nginx"]["depends_on"] == {"web": {"condition": "service_started"}}
    readme = files["README.Docker.md"]
    assert "nginx/nginx.conf passes to 'web1' on port 5000: web answers to that name too (a network alias)" in readme
    assert "nginx/nginx.conf passes to 'elsewhere', which no service here is named" in readme


@pytest.mark.parametrize("files", [
    {"package.json": "[1, 2]", "a/package.json": "{"},
    {"package.json": json.dumps({"workspaces": {"packages": [1, None, "!x", "**"]}})},
    {"pnpm-workspace.yaml": "packages: [: bad", "a/package.json": "{}"},
    {"pnpm-workspace.yaml": "- just\n- a list\n"},
    {"go.work": "use (\n\n", "a/go.mod": "module a\n"},
    {"Cargo.toml": "[workspace\nmembers = 1", "b/Cargo.toml": "not toml ["},
    {"Cargo.toml": '[workspace]\nmembers = "crates/*"\n'},
    {"proxy/nginx.conf": "listen 99999999; proxy_pass http://;\n", "api/package.json": "{}"},
    {"pyproject.toml": "[tool.uv.workspace]\nmembers = 5\n", "uv.lock": "", "a/pyproject.toml": "[project\n"},
    {"pyproject.toml": '[tool.uv]\nworkspace = "x"\n', "uv.lock": "", "a/requirements.txt": "flask\n"},
    {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["*"]\n', "uv.lock": "",
     "a b/pyproject.toml": '[project]\nname = "x y"\n[tool.uv.sources]\nz = 3\n', "a b/app.py": "print(1)\n",
     "c/pyproject.toml": '[project]\nname = 7\n', "c/app.py": "print(1)\n"},
    {"package.json": json.dumps({"workspaces": ["*"]}), "package-lock.json": "{}",
     "x$y/package.json": json.dumps({"name": "x", "scripts": {"start": "node i.js"}, "dependencies": {"y": 1}}),
     "x$y/i.js": "require('http').createServer().listen(3000);\n",
     "y/package.json": json.dumps({"name": "y", "scripts": {"start": "node i.js"}, "dependencies": ["x"]}),
     "y/i.js": "require('http').createServer().listen(3001);\n"},
    {"pnpm-workspace.yaml": "packages: ['*']\n", "pnpm-lock.yaml": ": :",
     "package.json": json.dumps({"packageManager": "pnpm@9; rm -rf /"}),
     "a/package.json": json.dumps({"name": "A B", "scripts": {"start": "node i.js"}}), "a/i.js": "",
     "b/package.json": json.dumps({"name": "b", "scripts": {"start": "node i.js"}}), "b/i.js": ""},
])
def test_weird_manifests_never_crash_discovery(tmp_path, files):
    write(tmp_path, files)
    repo = apps.discover(tmp_path)
    if repo is not None:
        result = run("inspect", str(tmp_path), "--json")
        assert result.exit_code in (0, 2), result.output
        result = run("generate", str(tmp_path), "--dry-run", "--yes")
        assert result.exit_code in (0, 2), result.output
        for line in result.output.splitlines():  # nothing unvalidated reaches a COPY or RUN line
            assert not (line.startswith(("COPY", "RUN")) and ("$y" in line or "rm -rf /" in line)), line


def vite_front(root: Path, main_js: str, env: str = "VITE_API_URL=http://localhost:8000\n") -> None:
    write(root, {
        "web/package.json": json.dumps({"name": "web", "scripts": {"dev": "vite", "build": "vite build"},
                                        "devDependencies": {"vite": "^5.4.0"}}),
        "web/index.html": "<div id=app></div><script type=module src=/src/main.js></script>\n",
        "web/src/main.js": main_js,
        "web/.env": env,
    })


def test_an_api_url_variable_with_api_paths_in_the_code_is_the_front_ends_own_origin(tmp_path):
    write(tmp_path, {"api/go.mod": "module a\n\ngo 1.19\n", "api/main.go": GO_MAIN})
    vite_front(tmp_path, "const base = import.meta.env.VITE_API_URL;\nfetch(base + '/api/items');\n")
    repo = apps.discover(tmp_path)
    web = repo.get("web")
    assert web.proxy_to == "api" and web.calls == ["/api/"] and not web.strip_prefix
    assert web.build_args == {"VITE_API_URL": ""}
    files = render_apps(repo)
    doc = yaml.safe_load(files["compose.yaml"])
    assert doc["services"]["web"]["build"] == {"context": "./web", "args": {"VITE_API_URL": ""}}
    assert 'ARG VITE_API_URL="http://localhost:8000"' in files["web/Dockerfile"]  # the default compose overrides
    assert "rewrite" not in files["web/Dockerfile"]
    assert "`VITE_API_URL` (compiled into its bundle) is set to ''" in files["README.Docker.md"]


def test_an_api_url_variable_alone_becomes_the_proxied_path_and_nginx_drops_the_prefix(tmp_path):
    write(tmp_path, {"backend/go.mod": "module a\n\ngo 1.19\n", "backend/main.go": GO_MAIN})
    vite_front(tmp_path, "fetch(`${import.meta.env.VITE_API_URL}/items`);\n")
    repo = apps.discover(tmp_path)
    web = repo.get("web")
    assert (web.proxy_to, web.calls, web.strip_prefix) == ("backend", ["/api/"], True)
    assert web.calls_from == "VITE_API_URL (a build-time variable)"
    files = render_apps(repo)
    doc = yaml.safe_load(files["compose.yaml"])
    assert doc["services"]["web"]["build"]["args"] == {"VITE_API_URL": "/api"}
    assert r"rewrite ^/api/(.*)\$ /\$1 break; proxy_pass \$upstream;" in files["web/Dockerfile"]


def test_a_variable_that_is_not_an_api_url_is_left_to_the_dockerfile_default(tmp_path):
    write(tmp_path, {"api/go.mod": "module a\n\ngo 1.19\n", "api/main.go": GO_MAIN})
    vite_front(tmp_path, "document.title = import.meta.env.VITE_TITLE;\n", env="VITE_TITLE=Shop\n")
    repo = apps.discover(tmp_path)
    assert repo.get("web").calls == [] and repo.get("web").build_args == {}
    assert "args" not in yaml.safe_load(render_apps(repo)["compose.yaml"])["services"]["web"]["build"]


PG_APP = """import os
import psycopg2
from flask import Flask
app = Flask(__name__)
conn = psycopg2.connect(host=os.environ.get("{var}", "{host}"), user="app", dbname="app",
                        password=os.environ["DB_PASSWORD"])
"""


def test_two_apps_that_reach_postgres_under_two_host_names_share_one_service_with_an_alias(tmp_path):
    for folder, var, host in (("api", "DB_HOST", "db"), ("jobs", "PGHOST", "postgres")):
        write(tmp_path / folder, {"requirements.txt": "flask\npsycopg2-binary\n",
                                  "app.py": PG_APP.format(var=var, host=host)})
    doc = yaml.safe_load(render_apps(apps.discover(tmp_path))["compose.yaml"])
    postgres = [n for n, s in doc["services"].items() if str(s.get("image", "")).startswith("postgres:")]
    assert postgres == ["db"]
    assert doc["services"]["db"]["networks"] == {"default": {"aliases": ["postgres"]}}
    assert doc["services"]["jobs"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "postgres-data" not in doc["volumes"] and "db-data" in doc["volumes"]


def test_the_fastapi_and_vite_fixture_runs_the_api_from_its_folder_with_postgres():
    repo = apps.discover(FIXTURES / "multi-fastapi-vite")
    backend, frontend = repo.get("backend"), repo.get("frontend")
    assert backend.profile.package_manager == "uv" and backend.profile.framework == "fastapi"
    assert backend.profile.entrypoint[:2] == ["uvicorn", "app.main:app"]  # run from backend/: `from app...`
    assert [s.kind for s in backend.profile.services] == ["postgres"]
    assert frontend.proxy_to == "backend" and frontend.build_args == {"VITE_API_URL": ""}
    doc = yaml.safe_load(render_apps(repo)["compose.yaml"])
    assert doc["services"]["backend"]["environment"]["POSTGRES_SERVER"] == "${POSTGRES_SERVER:-db}"
    assert doc["services"]["db"]["environment"]["POSTGRES_USER"] == "notes"


def test_an_npm_workspace_builds_each_app_from_the_root_with_only_the_members_it_needs():
    repo = apps.discover(FIXTURES / "multi-npm-workspace")
    assert [(a.name, a.path, a.kind) for a in repo.apps] == [
        ("server", "apps/server", "app"), ("web", "apps/web", "app"), ("shared", "packages/shared", "library")]
    assert repo.get("server").members == ["apps/server", "packages/shared"]
    files = render_apps(repo)
    assert sorted(files) == ["README.Docker.md", "apps/server/Dockerfile", "apps/server/Dockerfile.dockerignore",
                             "apps/web/Dockerfile", "apps/web/Dockerfile.dockerignore", "compose.yaml"]
    server = files["apps/server/Dockerfile"]
    manifests = [ln for ln in server.splitlines() if ln.startswith("COPY") and "json" in ln]
    assert manifests == ["COPY package.json package-lock.json ./", "COPY apps/server/package.json apps/server/",
                         "COPY packages/shared/package.json packages/shared/"]
    assert server.index("npm ci --omit=dev --workspace apps/server") < server.index("COPY apps/server apps/server/")
    assert "apps/web" not in server and "WORKDIR /app/apps/server" in server
    assert server.rstrip().endswith('CMD ["node", "index.js"]')
    ignore = files["apps/server/Dockerfile.dockerignore"].splitlines()
    assert ignore[1:6] == ["*", "!package.json", "!package-lock.json", "!apps/server", "!packages/shared"]
    assert "**/node_modules" in ignore and "**/.env" in ignore
    doc = yaml.safe_load(files["compose.yaml"])
    assert doc["services"]["server"]["build"] == {"context": ".", "dockerfile": "apps/server/Dockerfile"}
    assert doc["services"]["web"]["build"] == {"context": ".", "dockerfile": "apps/web/Dockerfile"}
    assert "docker build -f apps/web/Dockerfile -t multi-npm-workspace-web ." in files["README.Docker.md"]
    assert not any(w.startswith("no lockfile") for a in repo.deployable for w in a.profile.warnings)


def test_a_folder_beside_the_workspace_is_an_app_too(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["frontend"]}),
        "frontend/package.json": json.dumps({"name": "frontend", "scripts": {"build": "vite build"},
                                             "devDependencies": {"vite": "^5.4.0"}}),
        "frontend/index.html": "<script type=module src=/src/main.js></script>\n",
        "frontend/src/main.js": "fetch('/api/v1/items');\n",
        "backend/requirements.txt": "fastapi\nuvicorn\n",
        "backend/app/__init__.py": "", "backend/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        # a package.json the workspace leaves out is left out on purpose
        "tooling/package.json": json.dumps({"name": "tooling", "scripts": {"start": "node i.js"}}),
        "tooling/i.js": EXPRESS,
    })
    repo = apps.discover(tmp_path)
    assert [(a.path, a.kind) for a in repo.apps] == [("frontend", "app"), ("backend", "app")]
    assert repo.get("frontend").proxy_to == "backend"


def test_a_package_whose_start_command_is_only_a_guess_is_not_run(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["apps/*", "packages/*"]}),
        "apps/api/package.json": json.dumps({"name": "api", "scripts": {"start": "node index.js"},
                                             "dependencies": {"express": "^4.19.2"}}),
        "apps/api/index.js": EXPRESS,
        "apps/site/index.html": "<h1>site</h1>\n",
        "apps/site/package.json": json.dumps({"name": "site", "scripts": {"start": "node index.js"}}),
        "apps/site/index.js": EXPRESS,
        "packages/emails/package.json": json.dumps({"name": "emails", "scripts": {"build": "email build",
                                                                                  "dev": "email dev"}}),
        "packages/emails/tsconfig.json": json.dumps({"compilerOptions": {"outDir": "dist"}}),
        "packages/emails/src/welcome.tsx": "export default function Welcome() { return null; }\n",
    })
    repo = apps.discover(tmp_path)
    emails = repo.get("emails")
    assert emails.kind == "library" and emails.profile is None
    assert "only a guess" in emails.evidence[-1]
    assert [a.name for a in repo.deployable] == ["api", "site"]


def test_a_root_that_is_no_app_names_the_apps_in_its_subfolders(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "scripts": {"start": "next start"},
                                    "dependencies": {"next": "^14.0.0"}}),
        "basics/demo/package.json": json.dumps({"scripts": {"build": "next build", "start": "next start"}}),
        "dashboard/final/package.json": json.dumps({"scripts": {"build": "next build", "start": "next start"}}),
    })
    result = run("inspect", str(tmp_path))
    assert result.exit_code == 2
    assert "its subfolders hold apps of their own: basics/demo/, dashboard/final/" in result.output


def test_a_uv_workspace_member_builds_from_the_root_with_the_lockfile_and_the_members_it_uses(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["backend", "libs/*"]\n',
        "uv.lock": "version = 1\n",
        "backend/pyproject.toml": '[project]\nname = "Notes_API"\nversion = "0.1.0"\n'
                                  'dependencies = ["fastapi>=0.115", "uvicorn>=0.30", "notes-core"]\n'
                                  '[tool.uv.sources]\nnotes-core = { workspace = true }\n',
        "backend/app/__init__.py": "",
        "backend/app/main.py": "from fastapi import FastAPI\nfrom notes_core import NAME\napp = FastAPI(title=NAME)\n",
        "libs/core/pyproject.toml": '[project]\nname = "notes-core"\nversion = "0.1.0"\n',
        "libs/core/notes_core/__init__.py": "NAME = 'notes'\n",
        "libs/other/pyproject.toml": '[project]\nname = "other"\nversion = "0.1.0"\n',
        "frontend/index.html": "<script>fetch('/api/notes')</script>\n",
    })
    repo = apps.discover(tmp_path)
    assert repo.workspace == "pyproject.toml [tool.uv.workspace]"
    assert [a.path for a in repo.deployable] == ["backend", "frontend"]  # a front end beside it is an app
    backend = repo.get("backend")
    assert backend.members == ["backend", "libs/core"] and backend.uv_package == "notes-api"
    assert backend.profile.package_manager == "uv"  # as the Dockerfile installs it, not the member's own pip
    assert backend.profile.evidence["package_manager"][0].why == (
        "a member of the uv workspace: `uv sync --package notes-api` with the root's uv.lock")
    files = render_apps(repo)
    dockerfile = files["backend/Dockerfile"]
    assert [ln for ln in dockerfile.splitlines() if ln.startswith("COPY") and "pyproject" in ln] == [
        "COPY pyproject.toml uv.lock ./", "COPY backend/pyproject.toml backend/", "COPY libs/core/pyproject.toml libs/core/",
        "COPY libs/other/pyproject.toml libs/other/"]
    assert "uv sync --frozen --no-dev --no-install-workspace --package notes-api" in dockerfile
    assert dockerfile.index("uv sync") < dockerfile.index("COPY backend backend/")
    assert "COPY libs/core libs/core/" in dockerfile and "COPY libs/other libs/other/" not in dockerfile
    assert "WORKDIR /app/backend" in dockerfile and "app.main:app" in dockerfile
    ignore = files["backend/Dockerfile.dockerignore"].splitlines()
    assert "!libs/core" in ignore and "!libs/other" not in ignore and "!libs/other/pyproject.toml" in ignore
    doc = yaml.safe_load(files["compose.yaml"])
    assert doc["services"]["backend"]["build"] == {"context": ".", "dockerfile": "backend/Dockerfile"}


def test_a_pnpm_workspace_member_installs_with_a_filter_on_its_name(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "packageManager": "pnpm@9.15.9"}),
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "apps/api/package.json": json.dumps({"name": "@shop/api", "scripts": {"start": "node index.js"},
                                             "dependencies": {"express": "^4.19.2", "@shop/util": "workspace:*"}}),
        "apps/api/index.js": EXPRESS,
        "apps/admin/package.json": json.dumps({"name": "@shop/admin", "scripts": {"start": "node index.js"},
                                               "dependencies": {"express": "^4.19.2"}}),
        "apps/admin/index.js": EXPRESS,
        "packages/util/package.json": json.dumps({"name": "@shop/util", "main": "index.js"}),
        "packages/util/index.js": "module.exports = {};\n",
    })
    repo = apps.discover(tmp_path)
    api = repo.get("api")
    assert (api.members, api.node_manager, api.manager_version) == (["apps/api", "packages/util"], "pnpm", "9.15.9")
    files = render_apps(repo)
    dockerfile = files["apps/api/Dockerfile"]
    assert 'pnpm install --frozen-lockfile --prod --filter "@shop/api..." --store-dir /pnpm/store' in dockerfile
    assert "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./" in dockerfile
    assert "ARG PNPM_VERSION=9.15.9" in dockerfile and "packages/util" not in files["apps/admin/Dockerfile"]
    assert "!pnpm-lock.yaml" in files["apps/api/Dockerfile.dockerignore"].splitlines()


def test_a_next_front_end_calls_the_api_where_compose_publishes_it(tmp_path):
    write(tmp_path, {"api/package.json": json.dumps({"name": "api", "scripts": {"start": "node index.js"},
                                                     "dependencies": {"express": "^4.19.2"}}),
                     "api/index.js": EXPRESS.replace("3000", "4000"),
                     "web/package.json": json.dumps({"name": "web", "scripts": {"build": "next build",
                                                                                "start": "next start"},
                                                     "dependencies": {"next": "^14.2.0", "react": "^18.3.0"}}),
                     "web/app/page.js": "export default async function Page() {\n"
                                        "  const r = await fetch(`${process.env.NEXT_PUBLIC_API_URL}/items`);\n"
                                        "  return null;\n}\n",
                     "web/.env.example": "NEXT_PUBLIC_API_URL=http://localhost:4000\n"})
    repo = apps.discover(tmp_path)
    web = repo.get("web")
    assert web.api_origin == "api" and web.proxy_to is None
    files = render_apps(repo)
    doc = yaml.safe_load(files["compose.yaml"])
    api_host = doc["services"]["api"]["ports"][0].split(":-", 1)[1].split("}", 1)[0]
    assert doc["services"]["web"]["build"]["args"] == {"NEXT_PUBLIC_API_URL": f"http://127.0.0.1:{api_host}"}
    assert "its bundle calls `api` where compose publishes it" in files["README.Docker.md"]


def test_verify_takes_a_repository_root_as_a_stack_and_maps_services_to_app_folders(tmp_path):
    from containerize.verify import apps as verify_apps
    from containerize.verify.record import Options, new_run

    root = go_and_static(tmp_path / "repo")
    assert verify_apps.applies(root)
    assert not verify_apps.applies(FIXTURES / "python-flask")
    repo = apps.discover(root)
    run_ = new_run(Options(path=root))
    run_.compose_file = root / "compose.yaml"
    config = {"services": {
        "api": {"build": {"context": str(root / "backend")}},
        "api-migrate": {"build": {"context": str(root / "backend")}},
        "site": {"build": {"context": "frontend"}},
        "db": {"image": "postgres:16-bookworm"}}}
    found = verify_apps._services_of(run_, repo, config)
    assert {name: app.path for name, app in found.items()} == {"api": "backend", "site": "frontend"}


def _instructions(dockerfile: str) -> list[str]:
    return [ln for ln in dockerfile.splitlines() if ln and not ln.startswith(("#", " "))]


def test_npm_workspace_members_with_a_build_step_build_from_the_root():
    repo = apps.discover(FIXTURES / "multi-npm-build")
    assert [(a.name, a.kind) for a in repo.apps] == [("api", "app"), ("web", "app"), ("shared", "library")]
    assert repo.get("web").members == ["apps/web", "packages/shared"]
    files = render_apps(repo)
    assert not any("built from its own folder" in n for n in repo.notes)
    web = files["apps/web/Dockerfile"]
    steps = _instructions(web)
    build = steps[steps.index("FROM base AS build"):]
    assert build[:8] == ["FROM base AS build", "COPY package.json package-lock.json ./",
                         "COPY apps/web/package.json apps/web/", "COPY packages/shared/package.json packages/shared/",
                         "RUN --mount=type=cache,target=/root/.npm,sharing=locked \\",
                         "COPY apps/web apps/web/", "COPY packages/shared packages/shared/", "WORKDIR /app/apps/web"]
    assert "    npm ci --workspace apps/web --no-audit --no-fund" in web.splitlines()
    # nginx serves the member's dist, with the /api proxy to the API service
    assert "COPY --from=build /app/apps/web/dist/ /usr/share/nginx/html" in steps
    assert "set \\$upstream http://api:3000" in web
    api = files["apps/api/Dockerfile"]
    steps = _instructions(api)
    assert "    npm ci --omit=dev --workspace apps/api --no-audit --no-fund \\" in api.splitlines()
    assert " && rm -rf /app/apps/api/node_modules /app/packages/shared/node_modules" in api.splitlines()
    runtime = steps[steps.index("FROM node:${NODE_VERSION}-bookworm-slim"):]
    assert runtime[3:8] == ["COPY --from=deps /app ./", "COPY --from=build /app/apps/api apps/api/",
                            "COPY --from=build /app/packages/shared packages/shared/", "WORKDIR /app/apps/api",
                            "USER 1000:1000"]
    assert "apps/web" not in api
    ignore = files["apps/web/Dockerfile.dockerignore"].splitlines()
    assert ignore[1:6] == ["*", "!package.json", "!package-lock.json", "!apps/web", "!packages/shared"]
    assert "**/dist" in ignore and "**/node_modules" in ignore
    doc = yaml.safe_load(files["compose.yaml"])
    assert doc["services"]["web"]["build"] == {"context": ".", "dockerfile": "apps/web/Dockerfile"}


def test_a_shared_package_with_a_build_script_is_built_before_the_app(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["apps/*", "packages/*"]}),
        "package-lock.json": "{}",
        "apps/web/package.json": json.dumps({"name": "web", "scripts": {"build": "vite build"},
                                             "dependencies": {"@x/ui": "*"}, "devDependencies": {"vite": "^7"}}),
        "apps/web/index.html": "<html><script type=module src=/src/main.js></script></html>",
        "apps/web/src/main.js": "import '@x/ui';\n",
        "apps/api/package.json": json.dumps({"name": "api", "scripts": {"start": "node index.js"},
                                             "dependencies": {"express": "^4"}}),
        "apps/api/index.js": EXPRESS,
        "packages/ui/package.json": json.dumps({"name": "@x/ui", "main": "dist/index.js",
                                                "scripts": {"build": "tsc"}}),
    })
    files = render_apps(apps.discover(tmp_path))
    steps = _instructions(files["apps/web/Dockerfile"])
    at = steps.index("COPY packages/ui packages/ui/")
    assert steps[at + 1:at + 4] == ["RUN npm run build --workspace packages/ui", "WORKDIR /app/apps/web",
                                    "RUN npm run build"]


def test_a_yarn_classic_workspace_member_installs_from_the_root_with_every_manifest(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["apps/*", "packages/*"]}),
        "yarn.lock": "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n",
        "apps/api/package.json": json.dumps({"name": "api", "scripts": {"start": "node index.js"},
                                             "dependencies": {"express": "^4", "@x/util": "1.0.0"}}),
        "apps/api/index.js": EXPRESS,
        "apps/admin/package.json": json.dumps({"name": "admin", "scripts": {"start": "node index.js"},
                                               "dependencies": {"express": "^4"}}),
        "apps/admin/index.js": EXPRESS,
        "packages/util/package.json": json.dumps({"name": "@x/util", "version": "1.0.0", "main": "index.js"}),
        "packages/util/index.js": "module.exports = {};\n",
    })
    repo = apps.discover(tmp_path)
    api = repo.get("api")
    assert (api.members, api.node_manager) == (["apps/api", "packages/util"], "yarn")
    files = render_apps(repo)
    dockerfile = files["apps/api/Dockerfile"]
    steps = _instructions(dockerfile)
    assert steps[steps.index("FROM base AS deps") + 1:][:4] == [
        "COPY package.json yarn.lock ./", "COPY apps/admin/package.json apps/admin/",
        "COPY apps/api/package.json apps/api/", "COPY packages/util/package.json packages/util/"]
    assert "    yarn install --frozen-lockfile --production --non-interactive --ignore-engines \\" in dockerfile.splitlines()
    assert 'npm install --global --prefix /opt/pm "yarn@${YARN_VERSION}"' in dockerfile
    runtime = steps[steps.index("COPY --from=deps /app ./"):]
    assert runtime[:4] == ["COPY --from=deps /app ./", "COPY apps/api apps/api/", "COPY packages/util packages/util/",
                           "WORKDIR /app/apps/api"]
    assert "COPY apps/admin apps/admin/" not in dockerfile
    ignore = files["apps/api/Dockerfile.dockerignore"].splitlines()
    assert "!yarn.lock" in ignore and "!apps/admin/package.json" in ignore and "!apps/admin" not in ignore


def test_a_yarn_berry_workspace_member_focuses_its_workspace_with_the_committed_release(tmp_path):
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": ["apps/*", "packages/*"],
                                    "packageManager": "yarn@4.9.2"}),
        "yarn.lock": "__metadata:\n  version: 8\n  cacheKey: 10c0\n",
        ".yarnrc.yml": "nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.9.2.cjs\n",
        ".yarn/releases/yarn-4.9.2.cjs": "// yarn\n",
        "apps/api/package.json": json.dumps({"name": "api", "scripts": {"start": "node index.js"},
                                             "dependencies": {"express": "^4", "@x/util": "workspace:*"}}),
        "apps/api/index.js": EXPRESS,
        "apps/admin/package.json": json.dumps({"name": "admin", "scripts": {"start": "node index.js"},
                                               "dependencies": {"express": "^4"}}),
        "apps/admin/index.js": EXPRESS,
        "packages/util/package.json": json.dumps({"name": "@x/util", "main": "index.js"}),
        "packages/util/index.js": "module.exports = {};\n",
    })
    repo = apps.discover(tmp_path)
    files = render_apps(repo)
    dockerfile = files["apps/api/Dockerfile"]
    assert "COPY package.json yarn.lock .yarnrc.yml ./" in dockerfile.splitlines()
    assert "COPY .yarn/releases/yarn-4.9.2.cjs ./.yarn/releases/yarn-4.9.2.cjs" in dockerfile.splitlines()
    assert "    node .yarn/releases/yarn-4.9.2.cjs workspaces focus api --production \\" in dockerfile.splitlines()
    assert "YARN_NODE_LINKER=node-modules" in dockerfile
    assert "!.yarn/releases/yarn-4.9.2.cjs" in files["apps/api/Dockerfile.dockerignore"].splitlines()


def test_go_work_modules_build_from_the_root_with_the_modules_they_use():
    repo = apps.discover(FIXTURES / "multi-go-work")
    assert [(a.name, a.kind) for a in repo.apps] == [("admin", "app"), ("api", "app"), ("greet", "library")]
    assert repo.get("api").members == ["api", "greet"]  # required and replaced with ../greet
    assert repo.get("admin").members == ["admin"]
    files = render_apps(repo)
    assert not (set(files) & {"greet/Dockerfile", "greet/Dockerfile.dockerignore"})
    steps = _instructions(files["api/Dockerfile"])
    at = steps.index("COPY go.work ./")
    assert steps[at:at + 8] == ["COPY go.work ./", "COPY admin/go.mod admin/", "COPY api/go.mod api/",
                                "COPY greet/go.mod greet/", "RUN --mount=type=cache,target=/go/pkg/mod \\",
                                "COPY api api/", "COPY greet greet/", "WORKDIR /src/api"]
    assert "COPY admin admin/" not in steps
    assert steps[-1] == 'CMD ["/usr/local/bin/api"]'
    assert "COPY --from=build /out/api /usr/local/bin/api" in steps
    ignore = files["api/Dockerfile.dockerignore"].splitlines()
    assert ignore[1:3] == ["*", "!go.work"] and "!admin/go.mod" in ignore and "!admin" not in ignore
    assert not any("go.work found" in w for w in repo.get("api").profile.warnings)
    assert yaml.safe_load(files["compose.yaml"])["services"]["api"]["build"] == {"context": ".",
                                                                                "dockerfile": "api/Dockerfile"}


def test_cargo_workspace_binaries_build_from_the_root_with_the_crates_they_use():
    repo = apps.discover(FIXTURES / "multi-cargo-workspace")
    assert [(a.name, a.kind) for a in repo.apps] == [("admin", "app"), ("api", "app"), ("greet", "library")]
    assert repo.get("api").members == ["api", "greet"]  # greet = { workspace = true }, a path in the root
    files = render_apps(repo)
    dockerfile = files["api/Dockerfile"]
    steps = _instructions(dockerfile)
    at = steps.index("COPY Cargo.toml Cargo.lock ./")
    assert steps[at:at + 4] == ["COPY Cargo.toml Cargo.lock ./", "COPY admin/Cargo.toml admin/",
                                "COPY api/Cargo.toml api/", "COPY greet/Cargo.toml greet/"]
    assert " && touch admin/src/main.rs api/src/main.rs greet/src/lib.rs \\" in dockerfile.splitlines()
    assert " && cargo fetch --locked" in dockerfile.splitlines()
    assert ["COPY api api/", "COPY greet greet/"] == [s for s in steps if s.startswith("COPY ") and s.endswith("/")
                                                      and "Cargo.toml" not in s and "--from" not in s]
    assert "    cargo build --release --locked --bin greet-api \\" in dockerfile.splitlines()
    assert "COPY --from=build /out/greet-api /usr/local/bin/greet-api" in steps
    assert "**/target" in files["api/Dockerfile.dockerignore"].splitlines()
    assert not any(w.startswith("no Cargo.lock") for w in repo.get("api").profile.warnings)


def test_a_workspace_member_path_outside_the_root_is_not_followed(tmp_path):
    write(tmp_path, {"go.work": "go 1.21\n\nuse (\n\t./a\n\t./b\n)\n",
                     "a/go.mod": "module a\n\ngo 1.21\n\nreplace x => ../../x\n", "a/main.go": GO_MAIN,
                     "b/go.mod": "module b\n\ngo 1.21\n", "b/main.go": GO_MAIN})
    repo = apps.discover(tmp_path)
    assert repo.get("a").members == ["a"] and repo.get("b").members == ["b"]


def test_a_pnpm_member_with_a_build_step_and_a_tsup_library_it_uses(tmp_path):
    # the shape of a Turborepo kitchen sink: packages/logger has build/dev scripts (tsup) but is a library
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "packageManager": "pnpm@8.15.6"}),
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
        "pnpm-lock.yaml": "lockfileVersion: '6.0'\n",
        "apps/api/package.json": json.dumps({"name": "api", "scripts": {"start": "node dist/index.js",
                                                                        "build": "tsup"},
                                             "dependencies": {"express": "^4", "@repo/logger": "workspace:*"},
                                             "devDependencies": {"tsup": "^8", "typescript": "5.7.3"}}),
        "apps/api/src/index.ts": 'import express from "express";\nconst app = express();\n'
                                 'app.get("/status", (_, res) => res.json({ ok: true }));\n'
                                 "app.listen(process.env.PORT || 5001);\n",
        "apps/api/tsconfig.json": "{}",
        "apps/admin/package.json": json.dumps({"name": "admin", "scripts": {"build": "vite build"},
                                               "devDependencies": {"vite": "^6"}}),
        "apps/admin/index.html": "<html><script type=module src=/src/main.js></script></html>",
        "apps/admin/src/main.js": "console.log(1);\n",
        "packages/logger/package.json": json.dumps({"name": "@repo/logger", "main": "./dist/index.cjs",
                                                    "scripts": {"build": "tsup", "dev": "tsup --watch"}}),
        "packages/logger/src/index.ts": "export const log = console.log;\n",
    })
    repo = apps.discover(tmp_path)
    assert [(a.name, a.kind) for a in repo.apps] == [("admin", "app"), ("api", "app"), ("logger", "library")]
    files = render_apps(repo)
    steps = _instructions(files["apps/api/Dockerfile"])
    assert "ARG PNPM_VERSION=8.15.6" in steps
    at = steps.index("COPY packages/logger packages/logger/")
    assert steps[at + 1:at + 3] == ["RUN pnpm --dir packages/logger run build", "WORKDIR /app/apps/api"]
    assert "COPY --from=build /app/packages/logger packages/logger/" in steps
    assert 'pnpm install --frozen-lockfile --prod --filter "api..." --store-dir /pnpm/store \\' in \
        files["apps/api/Dockerfile"]
    assert "COPY --from=build /app/apps/admin/dist/ /usr/share/nginx/html" in _instructions(files["apps/admin/Dockerfile"])


def test_a_go_work_module_imported_without_a_require_is_built_with_the_app(tmp_path):
    write(tmp_path, {"go.work": "go 1.22\n\nuse (\n\t./gateway\n\t./pkg\n\t./services/auth\n)\n",
                     "pkg/go.mod": "module example.com/fn/pkg\n\ngo 1.22\n",
                     "pkg/log/log.go": "package log\n\nfunc Info(s string) {}\n",
                     "gateway/go.mod": "module example.com/fn/gateway\n\ngo 1.22\n", "gateway/main.go": GO_MAIN,
                     "services/auth/go.mod": "module example.com/fn/services/auth\n\ngo 1.22\n",
                     "services/auth/main.go": GO_MAIN.replace('\t"os"\n', '\t"os"\n\n\t"example.com/fn/pkg/log"\n')
                                                     .replace("http.ListenAndServe", "log.Info(port)\n\thttp.ListenAndServe")})
    repo = apps.discover(tmp_path)
    assert [(a.name, a.kind) for a in repo.apps] == [("gateway", "app"), ("pkg", "library"), ("auth", "app")]
    assert repo.get("auth").members == ["services/auth", "pkg"] and repo.get("gateway").members == ["gateway"]
    steps = _instructions(render_apps(repo)["services/auth/Dockerfile"])
    assert steps[steps.index("COPY services/auth services/auth/") + 1:][:2] == ["COPY pkg pkg/",
                                                                              "WORKDIR /src/services/auth"]


def test_a_cargo_member_with_several_bins_and_a_path_out_of_the_workspace(tmp_path):
    write(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["ws", "web", "core"]\n',
        "ws/Cargo.toml": '[package]\nname = "ws"\nversion = "0.1.0"\n\n[[bin]]\nname = "ws"\npath = "src/main.rs"\n\n'
                         '[[bin]]\nname = "client"\npath = "src/client.rs"\n\n[dependencies]\ncore = { path = "../core" }\n',
        "ws/src/main.rs": "fn main() {}\n", "ws/src/client.rs": "fn main() {}\n",
        "web/Cargo.toml": '[package]\nname = "web"\nversion = "0.1.0"\n\n[dependencies]\nlib = { path = "../../lib" }\n',
        "web/src/main.rs": "fn main() {}\n",
        "core/Cargo.toml": '[package]\nname = "core"\nversion = "0.1.0"\n', "core/src/lib.rs": "",
    })
    repo = apps.discover(tmp_path)
    assert [(a.name, a.kind) for a in repo.apps] == [("ws", "app"), ("web", "app"), ("core", "library")]
    assert repo.get("ws").members == ["ws", "core"] and repo.get("web").members is None
    assert any(n.startswith("web/: a path dependency leads out") for n in repo.notes)
    dockerfile = render_apps(repo)["ws/Dockerfile"]
    assert " && touch ws/src/main.rs ws/src/client.rs web/src/main.rs core/src/lib.rs \\" in dockerfile.splitlines()
    assert "COPY web web/" not in dockerfile and "COPY core core/" in dockerfile
