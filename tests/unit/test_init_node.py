"""`containerize init` for Node.js and static sites: the profile from the answers, the rendered files,
the starter package.json, and agreement with the analyzer once the app is written."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from containerize import scaffold
from containerize.languages.node.starter import STARTS
from containerize.checklist import build_profile
from projects import lint, stages, write_tree

# The smallest app of each shape, as its author writes it after `containerize init`.
APPS = {
    "express": {"server.js": """
        const express = require("express");
        const app = express();
        app.get("/", (req, res) => res.send("hi"));
        app.listen(process.env.PORT || 3000);
        """},
    "fastify": {"server.js": """
        const app = require("fastify")();
        app.get("/", async () => "hi");
        app.listen({ port: Number(process.env.PORT) || 3000, host: "0.0.0.0" });
        """},
    "typescript": {"src/server.ts": """
        import express from "express";
        const app = express();
        app.listen(Number(process.env.PORT) || 3000);
        """},
    "vite": {"index.html": '<div id="app"></div><script type="module" src="/src/main.js"></script>\n',
             "src/main.js": "document.querySelector('#app').textContent = 'hi';\n"},
    "next": {"app/layout.js": "export default function Layout({ children }) { return children; }\n",
             "app/page.js": "export default function Page() { return 'hi'; }\n"},
    "none": {"index.js": "console.log('hi');\n"},
}
LOCK = '{"name": "app", "lockfileVersion": 3, "requires": true, "packages": {}}\n'


def new(tmp_path: Path, *pairs: tuple[str, str], name: str = "shop"):
    profile = scaffold.new_profile(tmp_path / name, [("language", "node"), *pairs])
    return profile, scaffold.render_new(profile)


def package_of(files: dict[str, str]) -> dict:
    return json.loads(files["package.json"])


def test_node_and_static_can_start_a_new_project():
    assert {"node", "static"} <= set(scaffold.languages())
    assert [key for key, _ in scaffold.frameworks("node")] == ["express", "fastify", "typescript", "vite", "next",
                                                                "none"]
    assert [key for key, _ in scaffold.frameworks("static")] == ["none"]


@pytest.mark.parametrize("framework", list(STARTS))
def test_each_framework_renders_a_clean_dockerfile(tmp_path, framework):
    profile, files = new(tmp_path, ("framework", framework))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    start = STARTS[framework]
    assert f"CMD {json.dumps(start.argv)}" in dockerfile
    # the lockfile is installed from before the code is copied, with npm's cache mounted
    assert dockerfile.index("COPY package.json package-lock.json ./") < dockerfile.index("COPY . .")
    assert "RUN --mount=type=cache,target=/root/.npm" in dockerfile
    assert "ARG NODE_VERSION=22" in dockerfile and "FROM node:${NODE_VERSION}-bookworm-slim AS base" in dockerfile
    final = stages(dockerfile)[-1]
    if framework == "vite":
        assert final.startswith("FROM nginxinc/nginx-unprivileged:${NGINX_VERSION}-bookworm")
        assert "COPY --from=build /app/dist/ /usr/share/nginx/html" in final and "USER 101" in final
        assert profile.ports == [8080] and profile.port_env is None
    else:
        assert final.startswith("FROM node:${NODE_VERSION}-bookworm-slim") and "USER 1000:1000" in final
        assert ("EXPOSE 3000" in final) == (start.port is not None) == ("HEALTHCHECK" in final)
    assert ("RUN npm run build" in dockerfile) == bool(start.build)
    package = package_of(files)
    assert package["engines"] == {"node": "22.x"} and package["private"] is True and package["name"] == "shop"
    assert package.get("scripts", {}).get("start") == (start.start if start.port else None)
    assert package.get("scripts", {}).get("build") == start.build
    assert ("tsconfig.json" in files) == (framework == "typescript")
    readme = files["README.Docker.md"]
    assert "the answers given for a new project" in readme and "| `package.json` |" in readme
    steps = readme.split("## Before the first build", 1)[1].split("##", 1)[0]
    assert f"- Write `{start.write}`: {start.about}" in steps
    assert "- Run `npm install`: it installs what package.json lists and writes `package-lock.json`" in steps
    assert ("the port in the `PORT` env var (3000 in the image" in steps) == (start.kind == "server")


@pytest.mark.parametrize("framework", list(STARTS))
def test_the_analyzer_agrees_once_the_app_is_written(tmp_path, framework):
    """Run on the written app, plain `containerize` gives the answers and Dockerfile init gave."""
    profile, files = new(tmp_path, ("framework", framework))
    root = Path(profile.root)
    write_tree(root, {**files, **APPS[framework], "package-lock.json": LOCK})
    found = build_profile(root, [], saved=False)
    for key in ("language", "entrypoint", "ports", "port_env", "health_path", "runtime_version", "package_manager",
                "compiled", "build_command", "writable_paths", "dependencies"):
        assert getattr(found, key) == getattr(profile, key), key
    assert found.framework == ("express" if framework == "typescript" else profile.framework)
    assert found.build == dataclasses.replace(profile.build, starter=None, next_steps=[])
    again = scaffold.render_new(found)["Dockerfile"]
    assert again.split("\n", 1)[1] == files["Dockerfile"].split("\n", 1)[1]  # all but the title line


def test_the_port_answer_reaches_the_image_compose_and_the_health_check(tmp_path):
    profile, files = new(tmp_path, ("framework", "fastify"), ("port", "8081"))
    assert profile.ports == [8081] and profile.env_var("PORT").default == "8081"
    assert "PORT=8081" in files["Dockerfile"] and "EXPOSE 8081" in files["Dockerfile"]
    assert "(process.env.PORT || 8081)" in files["Dockerfile"]
    app = yaml.safe_load(files["compose.yaml"])["services"]["app"]
    assert app["environment"]["PORT"] == "8081" and app["ports"] == ["127.0.0.1:${HOST_PORT:-8081}:8081"]


def test_a_plain_program_is_a_server_once_it_has_a_port(tmp_path):
    script, files = new(tmp_path, name="job")
    assert script.framework is None and script.ports == [] and script.build.kind == "script"
    assert "EXPOSE" not in files["Dockerfile"] and package_of(files)["main"] == "index.js"
    assert "start" not in package_of(files)["scripts"]  # a start script would read as a server
    server, files = new(tmp_path, ("framework", "none"), ("port", "4000"), name="api")
    assert server.framework is None and server.ports == [4000] and server.port_env == "PORT"
    assert server.build.kind == "server" and server.health_path == "/"
    assert package_of(files)["scripts"]["start"] == "node index.js" and "EXPOSE 4000" in files["Dockerfile"]
    quiet, files = new(tmp_path, ("framework", "express"), ("port", ""), name="quiet")
    assert quiet.ports == [] and quiet.env_var("PORT") is None and "HEALTHCHECK" not in files["Dockerfile"]


def test_a_start_command_answer_becomes_the_start_script(tmp_path):
    profile, files = new(tmp_path, ("framework", "express"), ("entrypoint", "node src/app.js"))
    assert 'CMD ["node", "src/app.js"]' in files["Dockerfile"]
    assert package_of(files)["scripts"]["start"] == "node src/app.js" and package_of(files)["main"] == "src/app.js"
    assert profile.build.next_steps[0].startswith("Write `src/app.js`: the Express app; it listens")
    ts, _ = new(tmp_path, ("framework", "typescript"), ("entrypoint", "node dist/main.js"), name="ts")
    assert ts.build.next_steps[0].startswith("Write `src/main.ts`")
    _, files = new(tmp_path, ("framework", "express"), ("entrypoint", "npm start"), name="npm")
    assert package_of(files)["scripts"]["start"] == "node server.js"  # not a script that calls itself


@pytest.mark.parametrize("manager,lockfile,install", [
    ("pnpm", "pnpm-lock.yaml", "pnpm install --frozen-lockfile --prod --store-dir /pnpm/store"),
    ("yarn", "yarn.lock", "yarn install --frozen-lockfile --production --non-interactive"),
    ("bun", "bun.lock", "bun install --frozen-lockfile --production"),
])
def test_another_package_manager(tmp_path, manager, lockfile, install):
    profile, files = new(tmp_path, ("framework", "typescript"), ("package_manager", manager))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert f"COPY package.json {lockfile} ./" in dockerfile and install in dockerfile
    assert f"RUN {manager} run build" in dockerfile and profile.build_command == [manager, "run", "build"]
    assert f"- Run `{manager} install`: it installs what package.json lists and writes `{lockfile}`" \
        in files["README.Docker.md"]


def test_an_unknown_package_manager_falls_back_to_npm(tmp_path):
    profile, files = new(tmp_path, ("package_manager", "deno"))
    assert profile.package_manager == "npm" and any("deno" in w for w in profile.warnings)
    assert "COPY package.json package-lock.json ./" in files["Dockerfile"]


def test_services_add_their_client_library(tmp_path):
    profile, files = new(tmp_path, ("framework", "express"), ("services", "postgres,redis"))
    assert package_of(files)["dependencies"] == {"express": "^5.1.0", "pg": "^8.13.0", "redis": "^5.0.0"}
    assert profile.dependencies == ["express", "pg", "redis"]
    assert {"postgres", "redis"} <= set(yaml.safe_load(files["compose.yaml"])["services"])
    _, spa = new(tmp_path, ("framework", "vite"), ("services", "redis"), name="spa")
    assert "dependencies" not in package_of(spa)  # a static bundle has no server to connect


def test_the_node_version_answer(tmp_path):
    profile, files = new(tmp_path, ("framework", "typescript"), ("runtime_version", "20"))
    assert "ARG NODE_VERSION=20" in files["Dockerfile"]
    package = package_of(files)
    assert package["engines"] == {"node": "20.x"} and package["devDependencies"]["@types/node"] == "^20.0.0"


def test_a_vite_app_stays_on_nginx_port(tmp_path):
    profile, files = new(tmp_path, ("framework", "vite"), ("port", "3000"))
    assert profile.ports == [8080] and "EXPOSE 8080" in files["Dockerfile"]
    assert any("HOST_PORT" in w for w in profile.warnings)
    package = package_of(files)
    assert package["type"] == "module" and package["scripts"]["build"] == "vite build"
    assert package["devDependencies"] == {"vite": "^7.1.0"}


def test_next_keeps_its_cache_writable(tmp_path):
    profile, files = new(tmp_path, ("framework", "next"))
    assert profile.writable_paths == ["/app/.next/cache"] and profile.port_env == "PORT"
    assert "chown 1000:1000 /app/.next/cache" in files["Dockerfile"]
    assert package_of(files)["scripts"] == {"build": "next build", "dev": "next dev", "start": "next start"}


def test_an_unknown_framework_is_a_plain_program_with_a_warning(tmp_path):
    profile, _ = new(tmp_path, ("framework", "sails"))
    assert profile.entrypoint == ["node", "index.js"] and any("sails" in w for w in profile.warnings)


def test_starter_files_never_overwrite(tmp_path):
    profile, _ = new(tmp_path, ("framework", "typescript"))
    root = Path(profile.root)
    root.mkdir()
    (root / "package.json").write_text("{}\n")
    assert set(scaffold.starter_files(profile)) == {"tsconfig.json"}


# -- static sites ------------------------------------------------------------------------------
def test_a_new_static_site(tmp_path):
    profile = scaffold.new_profile(tmp_path / "site", [("language", "static")])
    files = scaffold.render_new(profile)
    assert set(files) == {"Dockerfile", ".dockerignore", "compose.yaml", "README.Docker.md"}  # nothing to start from
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "COPY . /usr/share/nginx/html" in dockerfile and "USER 101" in dockerfile and "EXPOSE 8080" in dockerfile
    assert profile.entrypoint == ["nginx", "-g", "daemon off;"] and profile.health_path == "/"
    assert "## Before the first build\n\n- Write `index.html` (and the rest of the site)" in files["README.Docker.md"]
    write_tree(Path(profile.root), {**files, "index.html": "<h1>hi</h1>\n"})
    found = build_profile(profile.root, [], saved=False)
    assert (found.language, found.ports, found.build.site_dir) == ("static", [8080], ".")
    assert scaffold.render_new(found)["Dockerfile"] == dockerfile


def test_a_static_site_stays_on_nginx_port(tmp_path):
    profile = scaffold.new_profile(tmp_path, [("language", "static"), ("port", "80")])
    assert profile.ports == [8080] and any("HOST_PORT" in w for w in profile.warnings)


def test_init_from_the_command_line(tmp_path):
    app = tmp_path / "api"
    done = subprocess.run([sys.executable, "-m", "containerize", "init", str(app), "--yes", "--set", "language=node",
                           "--set", "framework=express", "--set", "port=8080"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in app.iterdir()) == [".dockerignore", "Dockerfile", "README.Docker.md",
                                                      "compose.yaml", "package.json"]
    assert "- Write `server.js`: the Express app; it listens on the port in the `PORT` env var (8080 in the image" \
        in (app / "README.Docker.md").read_text()
    assert json.loads((app / "package.json").read_text())["dependencies"] == {"express": "^5.1.0"}
