"""The Node.js analyzer: package managers, versions, start commands, ports, SPAs; rendered Dockerfiles."""
from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest

from containerize import render
from containerize.languages.node.package import pick_major
from containerize.checklist import AnalysisError, build_profile
from projects import lint, stages, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


# -- the fixtures -----------------------------------------------------------------------------

def test_express_fixture():
    p = build_profile(FIXTURES / "node-express")
    assert (p.language, p.framework, p.package_manager) == ("node", "express", "npm")
    assert p.entrypoint == ["node", "server.js"]
    assert p.ports == [3000] and p.port_env == "PORT" and p.health_path == "/health"
    assert p.env_var("API_TOKEN").secret and p.env_var("GREETING").default == "hello from express"
    assert p.runtime_version == "22"  # engines.node ">=20": the preferred LTS it allows
    assert p.dependencies == ["express"]


def test_pnpm_fixture_uses_the_package_manager_field():
    p = build_profile(FIXTURES / "node-pnpm")
    assert p.package_manager == "pnpm" and p.build.corepack and p.build.manager_version == "9.15.9"
    assert p.ports == [8080] and p.health_path == "/healthz"
    assert "is-number" not in p.dependencies  # a dev dependency
    text = render.render(p)["Dockerfile"]
    # corepack installs the pinned release, npm the same one where corepack can't
    assert 'corepack install --global "pnpm@${PNPM_VERSION}"' in text and "ARG PNPM_VERSION=9.15.9" in text
    assert '|| npm install --global --prefix /opt/pm "pnpm@${PNPM_VERSION}"' in text
    assert "pnpm install --frozen-lockfile --prod" in text
    assert "COPY package.json pnpm-lock.yaml ./" in text


def test_yarn_classic_fixture_without_the_field():
    p = build_profile(FIXTURES / "node-yarn")
    assert p.package_manager == "yarn" and not p.build.corepack
    assert p.runtime_version == "20"  # .nvmrc
    assert p.entrypoint == ["node", "src/app.js"] and p.ports == [4000] and p.port_env is None
    assert p.health_path == "/status" and p.env_var("SESSION_SECRET").secret
    text = render.render(p)["Dockerfile"]
    assert 'ARG YARN_VERSION=1.22.22' in text and '"yarn@${YARN_VERSION}"' in text
    assert "yarn install --frozen-lockfile --production" in text


def test_typescript_fixture_builds_then_keeps_production_modules():
    p = build_profile(FIXTURES / "node-typescript")
    assert p.compiled and p.build_command == ["npm", "run", "build"]
    assert p.entrypoint == ["node", "dist/server.js"] and p.ports == [8000]
    assert p.runtime_version == "22" and p.env_var("JWT_SECRET").secret
    text = render.render(p)["Dockerfile"]
    build, deps = text.index("AS build"), text.index("AS deps")
    assert "npm ci --omit=dev" in text[deps:build] and "npm run build" in text[build:]
    final = stages(text)[-1]
    assert "COPY --from=deps /app/node_modules ./node_modules" in final
    assert "COPY --from=build /app ./" in final and "NODE_ENV=production" in final


def test_vite_fixture_is_a_spa_on_nginx():
    p = build_profile(FIXTURES / "node-vite")
    assert p.build.kind == "spa" and p.build.out_dir == "site"  # build.outDir in vite.config.js
    assert p.ports == [8080] and p.entrypoint == ["nginx", "-g", "daemon off;"]
    text = render.render(p)["Dockerfile"]
    final = stages(text)[-1]
    assert final.startswith("FROM nginxinc/nginx-unprivileged:${NGINX_VERSION}-bookworm")
    assert "COPY --from=build /app/site/ /usr/share/nginx/html" in final
    assert "try_files \\$uri \\$uri/ /index.html" in final
    assert "USER 101" in final and "node" not in final.split("CMD", 1)[0].split("HEALTHCHECK")[0]


@pytest.mark.parametrize("fixture", ["node-express", "node-pnpm", "node-yarn", "node-typescript", "node-vite"])
def test_fixture_dockerfiles_pass_hadolint_and_follow_the_rules(fixture, tmp_path):
    files = render.render(build_profile(FIXTURES / fixture))
    text = files["Dockerfile"]
    lint(text, tmp_path)
    assert "# syntax" not in text and "<<" not in text and "--link" not in text and "alpine" not in text
    assert "ARG NODE_VERSION=" in text and "bookworm" in text
    final = stages(text)[-1]
    user = [ln for ln in final.splitlines() if ln.startswith("USER ")][-1]
    assert user in ("USER 1000:1000", "USER 101")
    assert final.splitlines()[-1].startswith('CMD ["')
    assert "HEALTHCHECK" in final and "curl" not in final and "wget" not in final
    # dependencies install before the source is copied
    first_copy_all = text.index("COPY . .")
    assert re.search(r"npm ci|install", text).start() < first_copy_all
    assert "node_modules/" in files[".dockerignore"]


# -- package managers -------------------------------------------------------------------------

def pkg(**extra) -> dict:
    return {"name": "x", "version": "1.0.0", "scripts": {"start": "node server.js"},
            "dependencies": {"express": "^4"}, **extra}


SERVER = "const express = require('express');\nconst app = express();\napp.listen(process.env.PORT || 3000);\n"


@pytest.mark.parametrize("files, manager, install", [
    ({"pnpm-lock.yaml": "lockfileVersion: '6.0'\n"}, "pnpm", 'npm install --global --prefix /opt/pm "pnpm@${PNPM_VERSION}"'),
    ({"yarn.lock": "__metadata:\n  version: 8\n", ".yarnrc.yml": "nodeLinker: node-modules\n"}, "yarn",
     "yarn workspaces focus --all --production"),
    ({"bun.lock": "{}\n"}, "bun", "bun install --frozen-lockfile --production"),
    ({"package-lock.json": "{}\n"}, "npm", "npm ci --omit=dev"),
    ({}, "npm", "npm install --omit=dev"),
])
def test_package_manager_from_lockfiles(tmp_path, files, manager, install):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER, **files})
    p = build_profile(tmp_path)
    assert p.package_manager == manager
    text = render.render(p)["Dockerfile"]
    assert install in text
    lint(text, tmp_path)


def test_pnpm_version_follows_the_lockfile(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER, "pnpm-lock.yaml": "lockfileVersion: '6.0'\n"})
    assert build_profile(tmp_path).build.manager_version.startswith("8.")


def test_yarn_berry_plug_n_play_installs_node_modules(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(packageManager="yarn@4.5.0"), "server.js": SERVER,
                     "yarn.lock": "__metadata:\n  version: 8\n", ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.5.0.cjs\n",
                     ".yarn/releases/yarn-4.5.0.cjs": "// yarn\n"})
    p = build_profile(tmp_path)
    # the committed release (yarnPath) runs: nothing is downloaded
    assert p.build.manager == "yarn-berry" and not p.build.corepack
    assert p.build.yarn_path == ".yarn/releases/yarn-4.5.0.cjs"
    text = render.render(p)["Dockerfile"]
    assert "YARN_NODE_LINKER=node-modules" in text
    assert "node .yarn/releases/yarn-4.5.0.cjs workspaces focus --all --production" in text
    assert "YARN_VERSION" not in text and "corepack" not in text
    assert "COPY .yarn/releases ./.yarn/releases" in text
    assert any("Plug'n'Play" in w for w in p.warnings)
    lint(text, tmp_path)


def test_several_lockfiles_are_a_warning(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER, "yarn.lock": "# yarn lockfile v1\n",
                          "package-lock.json": "{}\n"})
    p = build_profile(tmp_path)
    assert p.package_manager == "yarn"
    assert any("several lockfiles (yarn.lock, package-lock.json)" in w for w in p.warnings)


def test_package_manager_field_beats_lockfiles(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(packageManager="pnpm@9.1.0"), "server.js": SERVER,
                     "pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "yarn.lock": "# yarn lockfile v1\n"})
    p = build_profile(tmp_path)
    assert p.package_manager == "pnpm" and p.build.manager_version == "9.1.0"


def test_no_lockfile_warns(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER})
    assert any("no lockfile" in w for w in build_profile(tmp_path).warnings)


# -- versions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, major", [
    (">=18", "22"), ("^20.11.0", "20"), ("20.x", "20"), (">=18 <21", "20"), ("18 || 20", "20"),
    ("~24.1", "24"), ("*", "22"), (">=16.0.0", "22"), ("14.x", "14"),
])
def test_pick_major(spec, major):
    assert pick_major(spec) == major


@pytest.mark.parametrize("nvmrc, version", [("v20.11.1\n", "20.11.1"), ("lts/iron\n", "20"), ("lts/*\n", "22"),
                                             ("18\n", "18")])
def test_nvmrc(tmp_path, nvmrc, version):
    write_tree(tmp_path, {"package.json": pkg(engines={"node": ">=16"}), "server.js": SERVER, ".nvmrc": nvmrc})
    assert build_profile(tmp_path).runtime_version == version


# -- start commands and ports --------------------------------------------------------------------

@pytest.mark.parametrize("start, argv", [
    ("NODE_ENV=production node --enable-source-maps dist/index.js", ["node", "--enable-source-maps", "dist/index.js"]),
    ("npm run build && node build/server.js", ["node", "build/server.js"]),
    ("cross-env PORT=4000 node app.js", ["node", "app.js"]),
    ("nodemon server.js", ["node", "server.js"]),
    ("fastify start -l info app.js", ["/app/node_modules/.bin/fastify", "start", "-l", "info", "app.js"]),
])
def test_start_script(tmp_path, start, argv):
    write_tree(tmp_path, {"package.json": pkg(scripts={"start": start}), "server.js": SERVER})
    assert build_profile(tmp_path).entrypoint == argv


def test_main_then_entry_files(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "main": "lib/web.js", "dependencies": {"koa": "^2"}},
                     "lib/web.js": "const Koa = require('koa');\nnew Koa().listen(5000);\n"})
    p = build_profile(tmp_path)
    assert p.entrypoint == ["node", "lib/web.js"] and p.ports == [5000] and p.framework == "koa"


def test_port_from_a_constant_and_fastify_options(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "dependencies": {"fastify": "^5"}},
                     "index.js": "const PORT = 7070;\nconst app = require('fastify')();\n"
                                 "app.get('/healthz', async () => 'ok');\napp.listen({ port: PORT, host: '0.0.0.0' });\n"})
    p = build_profile(tmp_path)
    assert p.ports == [7070] and p.health_path == "/healthz" and p.entrypoint == ["node", "index.js"]


def test_server_without_literal_port_defaults_to_3000(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": "require('express')().listen(getPort());\n"})
    p = build_profile(tmp_path)
    assert p.ports == [3000]


def test_env_destructuring_and_services(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(dependencies={"express": "^4", "pg": "^8", "ioredis": "^5"}),
                     "server.js": SERVER + "const { DATABASE_URL, LOG_LEVEL = 'info' } = process.env;\n"
                                           "const key = process.env['STRIPE_API_KEY'];\n"})
    p = build_profile(tmp_path)
    assert {s.kind for s in p.services} == {"postgres", "redis"}
    assert p.env_var("DATABASE_URL").secret and p.env_var("STRIPE_API_KEY").secret
    assert p.env_var("LOG_LEVEL").default == "info"
    compose = render.render(p)["compose.yaml"]
    assert "database_url" in compose and "stripe_api_key" in compose


def test_writable_folder_is_owned_by_the_node_user(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(dependencies={"express": "^4", "multer": "^1"}),
                     "server.js": SERVER + "const upload = require('multer')({ dest: 'uploads/' });\n"})
    p = build_profile(tmp_path)
    assert p.writable_paths == ["/app/uploads"]
    text = render.render(p)["Dockerfile"]
    assert "mkdir -p /app/uploads" in text and "chown 1000:1000 /app/uploads" in text


def test_a_batch_program_has_no_port_or_healthcheck(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "main": "cli.js", "dependencies": {"ms": "^2"}},
                     "cli.js": "console.log(require('ms')(60000));\n", "package-lock.json": "{}\n"})
    p = build_profile(tmp_path)
    assert p.ports == [] and p.entrypoint == ["node", "cli.js"]
    text = render.render(p)["Dockerfile"]
    assert "EXPOSE" not in text and "HEALTHCHECK" not in text
    lint(text, tmp_path)


def test_native_addons_install_on_the_full_image(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(dependencies={"express": "^4", "bcrypt": "^5"}), "server.js": SERVER,
                     "package-lock.json": "{}\n"})
    text = render.render(build_profile(tmp_path))["Dockerfile"]
    assert "FROM node:${NODE_VERSION}-bookworm AS base" in text
    assert stages(text)[-1].startswith("FROM node:${NODE_VERSION}-bookworm-slim")


def test_workspaces_copy_the_tree_before_installing(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(workspaces=["packages/*"]), "server.js": SERVER,
                     "package-lock.json": "{}\n", "packages/a/package.json": {"name": "a"}})
    p = build_profile(tmp_path)
    text = render.render(p)["Dockerfile"]
    deps = text[text.index("AS deps"):]
    assert deps.index("COPY . .") < deps.index("npm ci")
    assert any("workspace" in w for w in p.warnings)
    lint(text, tmp_path)


# -- Next.js and SPAs ----------------------------------------------------------------------------

def test_next_standalone(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "scripts": {"build": "next build", "start": "next start"},
                                      "dependencies": {"next": "15.0.0", "react": "19.0.0"}},
                     "package-lock.json": "{}\n", "next.config.mjs": "export default { output: 'standalone' };\n",
                     "app/page.js": "export default function Page() { return 'hi'; }\n", "public/logo.svg": "<svg/>"})
    p = build_profile(tmp_path)
    assert p.framework == "next" and p.build.kind == "next-standalone"
    assert p.entrypoint == ["node", "server.js"] and p.ports == [3000] and p.port_env == "PORT"
    text = render.render(p)["Dockerfile"]
    final = stages(text)[-1]
    assert "COPY --from=build /app/.next/standalone ./" in final and "COPY --from=build /app/public ./public" in final
    assert "HOSTNAME=0.0.0.0" in final and "AS deps" not in text
    lint(text, tmp_path)


def test_next_without_standalone_runs_next_start(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "scripts": {"build": "next build", "start": "next start -p 4000"},
                                      "dependencies": {"next": "15.0.0"}}, "package-lock.json": "{}\n"})
    p = build_profile(tmp_path)
    assert p.entrypoint == ["node", "node_modules/next/dist/bin/next", "start", "-p", "4000"]
    assert "/app/.next/cache" in p.writable_paths
    lint(render.render(p)["Dockerfile"], tmp_path)


@pytest.mark.parametrize("files, out", [
    ({"package.json": {"name": "x", "scripts": {"start": "react-scripts start", "build": "react-scripts build"},
                       "dependencies": {"react-scripts": "5.0.1"}}}, "build"),
    ({"package.json": {"name": "x", "scripts": {"build": "ng build"}, "devDependencies": {"@angular/cli": "^18"}},
      "angular.json": {"projects": {"shop": {"architect": {"build": {
          "builder": "@angular-devkit/build-angular:application", "options": {"outputPath": "dist/shop"}}}}}}},
     "dist/shop/browser"),
    ({"package.json": {"name": "x", "scripts": {"build": "astro build"}, "dependencies": {"astro": "^4"}}}, "dist"),
    ({"package.json": {"name": "x", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "^7"}},
      "vite.config.ts": "export default { build: { outDir: './public_html' } }\n"}, "public_html"),
])
def test_spa_output_folder(tmp_path, files, out):
    write_tree(tmp_path, {**files, "package-lock.json": "{}\n", "index.html": "<html></html>"})
    p = build_profile(tmp_path)
    assert p.language == "node" and p.build.kind == "spa" and p.build.out_dir == out
    assert f"COPY --from=build /app/{out}/ /usr/share/nginx/html" in render.render(p)["Dockerfile"]


VITE_PKG = {"name": "x", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "^7"}}


def test_vite_base_path_is_where_nginx_serves_the_site(tmp_path):
    """base: '/repo/' (a GitHub Pages project site): the assets load from /repo/..., so the site is copied there,
    unknown paths fall back to /repo/index.html and / redirects to /repo/."""
    p, text = render_checked(tmp_path, {
        "package.json": VITE_PKG,
        "vite.config.ts": "import { defineConfig } from 'vite';\nexport default defineConfig({ base: '/qr-app/' });\n"})
    assert p.build.base_path == "/qr-app/" and p.build.spa_fallback == "/qr-app/index.html"
    assert p.health_path == "/qr-app/"
    assert "COPY --from=build /app/dist/ /usr/share/nginx/html/qr-app/" in text
    assert "try_files \\$uri \\$uri/ /qr-app/index.html;" in text
    assert """content="0; url=/qr-app/">' > /usr/share/nginx/html/index.html""" in text


@pytest.mark.parametrize("base, warned", [("'/'", False), ("'./'", False), ("''", False),
                                          ("'https://cdn.example.com/'", True), ("\"/a'b/\"", True),
                                          ("'/../etc/'", True), ("'/a//b/'", True), ("'/./'", True)])
def test_vite_base_that_is_not_a_plain_path_serves_at_the_root(tmp_path, base, warned):
    p, text = render_checked(tmp_path, {"package.json": VITE_PKG,
                                        "vite.config.js": f"export default {{ base: {base} }};\n"})
    assert p.build.base_path is None and p.build.spa_fallback == "/index.html"
    assert "COPY --from=build /app/dist/ /usr/share/nginx/html\n" in text
    assert any("is not a plain path" in w for w in p.warnings) == warned


def test_spa_build_time_variables_are_a_warning(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "^7"}},
                     "src/main.js": "fetch(import.meta.env.VITE_API_URL)\n"})
    assert any("VITE_API_URL" in w for w in build_profile(tmp_path).warnings)


# -- several stacks in one tree ------------------------------------------------------------------

FLASK_WITH_ASSETS = {
    "requirements.txt": "flask==3.0.0\n",
    "app.py": "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'hi'\n",
    "package.json": {"name": "assets", "private": True,
                     "scripts": {"build": "esbuild assets/app.js --bundle --outfile=static/app.js"},
                     "devDependencies": {"esbuild": "^0.24", "tailwindcss": "^3"}},
    "assets/app.js": "console.log('hi')\n",
}


def test_flask_app_with_an_assets_package_json_is_python(tmp_path):
    write_tree(tmp_path, FLASK_WITH_ASSETS)
    p = build_profile(tmp_path)
    assert p.language == "python"
    scores = {c["language"]: c["score"] for c in p.candidates if "language" in c}
    assert scores["node"] == 50 and scores["python"] > scores["node"]
    assert any("ahead of node (50)" in e.why for e in p.evidence["language"])


def test_flask_with_a_vite_asset_build_is_still_python_and_node_can_be_chosen(tmp_path):
    files = dict(FLASK_WITH_ASSETS, **{"package.json": {"name": "assets", "scripts": {"build": "vite build"},
                                                       "devDependencies": {"vite": "^7"}}})
    write_tree(tmp_path, files)
    assert build_profile(tmp_path).language == "python"
    chosen = build_profile(tmp_path, [("language", "node")])
    assert chosen.language == "node" and chosen.build.kind == "spa"


# -- broken input ---------------------------------------------------------------------------------

def test_broken_package_json_is_a_clear_error(tmp_path):
    write_tree(tmp_path, {"package.json": '{"name": "x",\n  "scripts": {\n}', "server.js": SERVER})
    with pytest.raises(AnalysisError, match=r"package.json:\d+: not valid JSON"):
        build_profile(tmp_path)


def test_package_json_that_is_not_an_object(tmp_path):
    write_tree(tmp_path, {"package.json": "[1, 2]\n"})
    with pytest.raises(AnalysisError, match="JSON object"):
        build_profile(tmp_path)


def test_next_without_a_build_script_is_an_error(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "dependencies": {"next": "15"}}})
    with pytest.raises(AnalysisError, match="build script"):
        build_profile(tmp_path)


# -- values through names (parse trees) -------------------------------------------------------------

def evidence(p, key: str) -> set[tuple[str | None, int | None]]:
    return {(e.file, e.line) for e in p.evidence.get(key, [])}


def why_at(p, key: str, file: str, line: int) -> str:
    return next(e.why for e in p.evidence[key] if (e.file, e.line) == (file, line))


def test_values_fixture_constant_port_through_a_name():
    p = build_profile(FIXTURES / "node-values")
    assert p.ports == [8080, 9464] and p.port_env == "PORT"
    # metrics.listen(METRICS_PORT): the literal 9464 is in src/config.js:4
    assert "listen(METRICS_PORT) at src/server.js:46, which is 9464" == why_at(p, "ports", "src/config.js", 4)


def test_values_fixture_default_from_an_imported_constant():
    p = build_profile(FIXTURES / "node-values")
    # const PORT = Number(process.env.PORT ?? DEFAULT_PORT), DEFAULT_PORT imported from ./config.js
    assert p.env_var("PORT").default == "8080"
    assert why_at(p, "env", "src/server.js", 7) == "PORT: read with the default '8080' (written at src/config.js:3)"
    assert ("src/config.js", 3) in evidence(p, "ports")
    assert ("src/server.js", 7) in evidence(p, "port_env")


def test_values_fixture_or_default_and_wrapper_reads():
    p = build_profile(FIXTURES / "node-values")
    assert p.env_var("GREETING").default == "hello from node-values"  # process.env.GREETING || '...'
    assert ("src/server.js", 8) in evidence(p, "env")
    # env('API_URL', 'http://...') where env(name, fallback) returns process.env[name] ?? fallback (src/env.js)
    assert p.env_var("API_URL").default == "http://api.internal:9000"
    assert why_at(p, "env", "src/server.js", 9) == "API_URL: read with the default 'http://api.internal:9000'"
    assert p.env_var("LOG_LEVEL").default == "info" and ("src/server.js", 10) in evidence(p, "env")
    token = p.env_var("NOTES_TOKEN")
    assert token.secret and token.default is None and ("src/server.js", 11) in evidence(p, "env")
    assert [v.name for v in p.env] == ["PORT", "GREETING", "API_URL", "LOG_LEVEL", "NOTES_TOKEN"]


def test_values_fixture_health_route_and_folder_through_imported_constants():
    p = build_profile(FIXTURES / "node-values")
    assert p.health_path == "/healthz" and ("src/server.js", 19) in evidence(p, "health_path")  # HEALTH_PATH
    assert p.writable_paths == ["/app/var/data"]  # path.join(process.cwd(), 'var', 'data')
    assert why_at(p, "writable_paths", "src/server.js", 13) == "creates the folder var/data"
    text = render.render(p)["Dockerfile"]
    assert "EXPOSE 8080 9464" in text and "PORT=8080" in text and "/healthz" in text


APP_TS = """import express from 'express';
import { settings } from './settings';
const app = express();
app.get(settings.health, (req, res) => res.send('ok'));
app.listen(settings.port, '0.0.0.0');
"""


@pytest.mark.parametrize("files, port, port_env, default", [
    ({"src/server.ts": "const PORT: number = 8080;\nexpress().listen(PORT);\n"}, 8080, None, None),
    ({"src/server.ts": "const port = process.env.PORT || 3000;\nexpress().listen(port);\n"}, 3000, "PORT", "3000"),
    ({"src/server.ts": "const { PORT = 4100 } = process.env;\nexpress().listen(PORT);\n"}, 4100, "PORT", "4100"),
    ({"src/server.ts": "const base = 8000;\nexpress().listen(+(process.env.APP_PORT ?? base + 1));\n"},
     8001, "APP_PORT", "8001"),
    ({"src/server.ts": APP_TS, "src/settings.ts": "export const settings = {\n  port: Number(process.env.PORT) || 7001,"
                                                  "\n  health: `/${'health'}z`,\n};\n"}, 7001, "PORT", "7001"),
    ({"server.js": "const { PORT } = require('./config');\nrequire('http').createServer().listen(PORT);\n",
      "config.js": "module.exports = { PORT: 5055 };\n"}, 5055, None, None),
    ({"server.js": "const cfg = require('./lib/cfg');\nrequire('http').createServer().listen(cfg.port);\n",
      "lib/cfg/index.js": "exports.port = parseInt(process.env.HTTP_PORT, 10) || 6060;\n"}, 6060, "HTTP_PORT", "6060"),
    ({"main.mts": "import { PORT } from './c.js';\nserver.listen({ port: PORT, host: '0.0.0.0' });\n",
      "c.mts": "const P = 9100;\nexport { P as PORT };\n"}, 9100, None, None),
])
def test_ports_through_names(tmp_path, files, port, port_env, default):
    main = next(iter(files))
    write_tree(tmp_path, {"package.json": {"name": "x", "main": main, "dependencies": {"express": "^5"}}, **files})
    p = build_profile(tmp_path)
    assert p.ports == [port] and p.port_env == port_env
    if port_env:
        assert p.env_var(port_env).default == default


def test_route_and_port_from_an_object_in_another_module(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "main": "dist/server.js", "scripts": {"build": "tsc"},
                                           "dependencies": {"express": "^5"}},
                          "src/server.ts": APP_TS,
                          "src/settings.ts": "export const settings = { port: 7001, health: '/' + 'ready' };\n"})
    p = build_profile(tmp_path)
    assert p.ports == [7001] and p.health_path == "/ready"
    assert ("src/settings.ts", 1) in evidence(p, "ports") and ("src/server.ts", 4) in evidence(p, "health_path")


@pytest.mark.parametrize("helper, calls", [
    ("export const env = (key: string, fallback = 'dev') => process.env[key] || fallback;\n",
     "const a = env('API_URL', 'http://x');\nconst b = env('MODE');\n"),
    ("function env(name, fallback) {\n  const value = process.env[name];\n  return value;\n}\nmodule.exports = { env };\n",
     "const a = env('API_URL', 'http://x');\nconst b = env('MODE');\n"),
])
def test_env_wrappers(tmp_path, helper, calls):
    importer = "import { env } from './env';\n" if helper.startswith("export") else "const { env } = require('./env');\n"
    suffix = ".ts" if helper.startswith("export") else ".js"
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER,
                          f"env{suffix}": helper, f"app{suffix}": importer + calls})
    p = build_profile(tmp_path)
    api, mode = p.env_var("API_URL"), p.env_var("MODE")
    assert api is not None and mode is not None
    if helper.startswith("export"):  # the fallback is passed, or the parameter's default
        assert (api.default, mode.default) == ("http://x", "dev")
    else:  # this wrapper has no fallback
        assert (api.default, mode.default) == (None, None)
    assert (f"app{suffix}", 2) in evidence(p, "env") and (f"app{suffix}", 3) in evidence(p, "env")
    assert p.env_var("key") is None and p.env_var("name") is None  # the wrapper's own parameter is no env var


def test_env_reads_and_defaults(tmp_path):
    code = ("const a = process.env['DB_HOST'] ?? 'db';\n"
            "const b = process.env.CACHE_TTL || 60;\n"
            "const c = process.env.PRIMARY_URL ?? process.env.FALLBACK_URL ?? 'http://localhost:1';\n"
            "const { LOG_LEVEL: level = 'warn', REGION } = process.env;\n"
            "const d = `${process.env.PREFIX || 'app'}-x`;\n"
            "const e = process.env.NODE_ENV;\n")
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER + code})
    p = build_profile(tmp_path)
    defaults = {v.name: v.default for v in p.env}
    assert defaults == {"PORT": "3000", "DB_HOST": "db", "CACHE_TTL": "60", "PRIMARY_URL": "http://localhost:1",
                        "FALLBACK_URL": "http://localhost:1", "LOG_LEVEL": "warn", "REGION": None, "PREFIX": "app"}


def test_nestjs_controller_routes_and_port(tmp_path):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "scripts": {"build": "nest build", "start": "nest start"},
                         "dependencies": {"@nestjs/core": "^10", "@nestjs/common": "^10"}},
        "src/main.ts": "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n"
                       "  await app.listen(process.env.PORT ?? 3000);\n}\nbootstrap();\n",
        "src/health.controller.ts": "@Controller('health')\nexport class HealthController {\n  @Get()\n"
                                    "  check() { return 'ok'; }\n}\n",
        "src/app.controller.ts": "@Controller()\nexport class AppController {\n  @Get('hello')\n  hi() {}\n}\n"})
    p = build_profile(tmp_path)
    assert p.framework == "nestjs" and p.entrypoint == ["node", "dist/main.js"]
    assert p.ports == [3000] and p.port_env == "PORT" and p.health_path == "/health"
    assert ("src/health.controller.ts", 3) in evidence(p, "health_path")


@pytest.mark.parametrize("start_prod, argv", [
    ("node dist/main", ["node", "dist/main"]),
    ("yarn build && node dist/src/main", ["node", "dist/src/main"]),
    (None, ["node", "dist/main.js"]),
])
def test_nest_start_runs_what_start_prod_names(tmp_path, start_prod, argv):
    scripts = {"build": "nest build", "start": "nest start", **({"start:prod": start_prod} if start_prod else {})}
    write_tree(tmp_path, {"package.json": {"scripts": scripts, "dependencies": {"@nestjs/core": "^11"},
                                           "devDependencies": {"@nestjs/cli": "^11"}},
                          "src/main.ts": "import { NestFactory } from '@nestjs/core';\n"})
    assert build_profile(tmp_path).entrypoint == argv


def test_hand_written_router_routes(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "main": "app.js"},
                          "app.js": "const http = require('http');\nhttp.createServer((req, res) => {\n"
                                    "  switch (req.url) {\n    case '/': return res.end('hi');\n"
                                    "    case '/livez': return res.end('ok');\n  }\n}).listen(8081);\n"})
    p = build_profile(tmp_path)
    assert p.ports == [8081] and p.health_path == "/livez" and ("app.js", 5) in evidence(p, "health_path")


def test_heroku_postbuild_fixture_builds_its_front_end_folder(tmp_path):
    p = build_profile(FIXTURES / "node-heroku-postbuild")
    assert p.entrypoint == ["node", "backend/server"] and p.ports == [5000] and p.port_env == "PORT"
    assert p.build.prefix_installs == ["frontend"]
    assert p.build.prefix_files == ["frontend/package.json", "frontend/package-lock.json"]
    # the routers' routes answer under their mount prefix; the orders' GET needs a login
    assert p.health_path == "/api/products" and ("backend/routes/productRoutes.js", 6) in evidence(p, "health_path")
    assert p.writable_paths == ["/app/uploads"] and ("backend/routes/uploadRoutes.js", 9) in evidence(p, "writable_paths")
    files = render.render(p)
    text = files["Dockerfile"]
    build = next(stage for stage in stages(text) if " AS build\n" in stage)
    # the front end's manifests go in before the source: its install is cached like the root's
    assert build.index("COPY frontend/package.json frontend/package-lock.json ./frontend/") < build.index("COPY . .")
    assert build.index("&& npm ci --prefix frontend --no-audit --no-fund") < build.index("COPY . .")
    assert "RUN npm run build --prefix frontend \\\n && rm -rf node_modules \\\n && rm -rf frontend/node_modules" in build
    assert "NPM_CONFIG_PRODUCTION" not in text and "heroku-postbuild" not in text.split("AS build")[1]
    # the runtime takes the build stage's tree (frontend/build with it) and runs with NODE_ENV=production
    assert "COPY --from=build /app ./" in text and "NODE_ENV=production" in text
    assert "frontend/node_modules/" in files[".dockerignore"].splitlines()
    lint(text, tmp_path)


@pytest.mark.parametrize("files, legacy", [
    ({"web/package.json": {"name": "web", "dependencies": {"react-scripts": "3.4.3"}}}, True),
    ({"web/package.json": {"name": "web", "dependencies": {"react-scripts": "^5.0.1"}}}, False),
    # the lockfile's webpack wins over react-scripts' version
    ({"web/package.json": {"name": "web", "dependencies": {"react-scripts": "^5.0.1"}},
      "web/package-lock.json": {"lockfileVersion": 3, "packages": {"node_modules/webpack": {"version": "4.47.0"}}}},
     True),
    ({"web/package.json": {"name": "web", "dependencies": {"react-scripts": "4.0.3"}},
      "web/package-lock.json": {"lockfileVersion": 1, "dependencies": {"webpack": {"version": "5.98.0"}}}}, False),
])
def test_webpack_4_builds_with_the_legacy_openssl_provider(tmp_path, files, legacy):
    write_tree(tmp_path, {"package.json": pkg(scripts={"start": "node server.js", "heroku-postbuild":
                                                       "npm install --prefix web && npm run build --prefix web"}),
                          "server.js": SERVER, **files})
    p = build_profile(tmp_path)
    assert p.build.prefix_installs == ["web"] and p.build.legacy_openssl is legacy
    text = render.render(p)["Dockerfile"]
    build = next(stage for stage in stages(text) if " AS build\n" in stage)
    assert ("ENV NODE_OPTIONS=--openssl-legacy-provider\n" in build) is legacy
    assert "openssl-legacy-provider" not in stages(text)[-1]  # the build only, not the server


@pytest.mark.parametrize("script, installs, run", [
    # a script that only installs, or installs a package by name, or isn't a plain `a && b`: run as it is
    ("npm install --prefix web", [], "npm run heroku-postbuild"),
    ("npm install left-pad --prefix web && npm run build --prefix web", [], "npm run heroku-postbuild"),
    ("npm install --prefix web || true; npm run build --prefix web", [], "npm run heroku-postbuild"),
    ("npm install --prefix $DIR && npm run build --prefix web", [], "npm run heroku-postbuild"),
    ("npm install --prefix=web --legacy-peer-deps --production=false && npm run build --prefix web",
     ["web"], "npm run build --prefix web"),
    ("npm ci --prefix ./web/ && NODE_OPTIONS=--max-old-space-size=2048 npm run build --prefix web",
     ["web"], "NODE_OPTIONS=--max-old-space-size=2048 npm run build --prefix web"),
    ("npm install --prefix missing && npm run build --prefix missing", [], "npm run heroku-postbuild"),
])
def test_heroku_postbuild_prefix_installs(tmp_path, script, installs, run):
    write_tree(tmp_path, {"package.json": pkg(scripts={"start": "node server.js", "build": "tsc",
                                                       "heroku-postbuild": script}),
                          "server.js": SERVER, "web/package.json": {"name": "web", "scripts": {"build": "vite build"}}})
    p = build_profile(tmp_path)
    assert p.build_command == ["npm", "run", "heroku-postbuild"]  # Heroku runs it instead of build
    assert p.build.prefix_installs == installs
    assert p.build.build_run == run
    if installs:
        assert "--legacy-peer-deps" not in script or "--legacy-peer-deps" in p.build.prefix_run
        assert "--production" not in (p.build.prefix_run or "")


def test_router_mount_prefixes_reach_the_health_path(tmp_path):
    write_tree(tmp_path, {
        "package.json": pkg(),
        "server.js": "const express = require('express');\nconst app = express();\n"
                     "const api = require('./routes/api');\napp.use('/api', api);\n"
                     "app.use('/admin', require('./routes/admin'));\napp.listen(3000);\n",
        "routes/api.js": "const router = require('express').Router();\nconst v1 = require('./v1');\n"
                         "router.use('/v1', v1);\nmodule.exports = router;\n",
        "routes/v1.js": "const router = require('express').Router();\nrouter.route('/').post((q, s) => s.end());\n"
                        "router.get('/health', (q, s) => s.end('ok'));\nmodule.exports = router;\n",
        "routes/admin.js": "const router = require('express').Router();\n"
                           "router.get('/', requireAuth, (q, s) => s.end());\nmodule.exports = router;\n",
    })
    p = build_profile(tmp_path)
    # nested mounts join; `/` of a mounted router isn't the app's root; a POST-only route() is no GET
    assert p.health_path == "/api/v1/health" and ("routes/v1.js", 3) in evidence(p, "health_path")


def test_guarded_routes_are_probed_last(tmp_path):
    write_tree(tmp_path, {
        "package.json": pkg(),
        "server.js": SERVER + "app.get('/', passport.authenticate('jwt'), (q, s) => s.end());\n"
                              "app.get('/public', (q, s) => s.end('hi'));\n",
    })
    assert build_profile(tmp_path).health_path == "/public"


@pytest.mark.parametrize("storage", [
    "multer.diskStorage({ destination(req, file, cb) { cb(null, 'uploads/') } })",
    "multer.diskStorage({ destination: (req, file, done) => done(null, UPLOADS) })",
    "multer.diskStorage({ 'destination': function (req, file, cb) { cb(null, path.join('uploads', 'img')) } })",
])
def test_multer_disk_storage_destination_is_a_volume(tmp_path, storage):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER + "const path = require('path');\n"
                          "const multer = require('multer');\nconst UPLOADS = 'uploads';\n"
                          f"const upload = multer({{ storage: {storage} }});\n"})
    p = build_profile(tmp_path)
    assert p.writable_paths in (["/app/uploads"], ["/app/uploads/img"])
    assert ("server.js", 7) in evidence(p, "writable_paths")


def test_yarn_classic_installs_ignore_engines():
    p = build_profile(FIXTURES / "node-yarn")
    text = render.render(p)["Dockerfile"]
    assert "yarn install --frozen-lockfile --production --non-interactive --ignore-engines" in text
    assert any("--ignore-engines" in e.why for e in p.evidence["package_manager"])


def test_localhost_listen_is_a_warning(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": "const HOST = 'localhost';\n"
                                                              "require('express')().listen(3000, HOST);\n"})
    assert any("server.js:2: the server listens on localhost" in w for w in build_profile(tmp_path).warnings)


def test_written_paths_through_names(tmp_path):
    code = ("const path = require('path');\nconst fs = require('fs');\n"
            "const LOGS = path.join(__dirname, 'logs');\nfs.mkdirSync(LOGS, { recursive: true });\n"
            "fs.writeFileSync(path.resolve('cache', 'state.json'), '{}');\n"
            "const db = new Database(`${'data'}/app.db`);\n"
            "fs.mkdirSync('/tmp/scratch');\nfs.writeFileSync(`${name}.txt`, '');\n"
            "fs.mkdirSync('bad dir; rm -rf /');\n")
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER + code})
    p = build_profile(tmp_path)
    assert p.writable_paths == ["/app/cache", "/app/data", "/app/logs"]
    assert ("server.js", 7) in evidence(p, "writable_paths")


@pytest.mark.parametrize("open_db, writable, warned", [
    ("const db = require('better-sqlite3')('data/app.db');", ["/app/data"], False),
    ("const db = require('better-sqlite3')(process.env.DB_FILE || 'var/app.sqlite');", ["/app/var"], False),
    ("const db = require('better-sqlite3')('ourApp.db');", [], True),
    ("const Database = require('better-sqlite3');\nconst db = new Database('app.db');", [], True),
    ("import sqlite3 from 'better-sqlite3';\nimport { join } from 'path';\n"
     "export const db = sqlite3(join(process.cwd(), 'store', 'app.db'));", ["/app/store"], False),
    ("const BetterSqlite = require('better-sqlite3');\n"
     "const dbPath = process.env.DB_PATH || 'var/data.sqlite';\nconst db = new BetterSqlite(dbPath);",
     ["/app/var"], False),
    ("const other = require('other-lib');\nother('logs/app.db');", [], False),
])
def test_better_sqlite3_database_files(tmp_path, open_db, writable, warned):
    """better-sqlite3 called straight from require(): its file's folder is written at run time; a file in the
    app's own folder can't be created by the app user, which is said."""
    write_tree(tmp_path, {"package.json": pkg(dependencies={"express": "^4", "better-sqlite3": "^11"}),
                          "server.js": SERVER + open_db + "\n"})
    p = build_profile(tmp_path)
    assert p.writable_paths == writable
    assert any("SQLite database" in w and "can't write" in w for w in p.warnings) == warned


def test_next_standalone_and_vite_out_dir_read_from_config_trees(tmp_path):
    write_tree(tmp_path, {"package.json": {"name": "x", "scripts": {"build": "next build", "start": "next start"},
                                           "dependencies": {"next": "15.0.0"}},
                          "next.config.ts": "const mode = 'standalone';\n// output: 'export'\n"
                                            "const config = { output: mode };\nexport default config;\n"})
    assert build_profile(tmp_path).build.kind == "next-standalone"
    spa = tmp_path / "spa"
    write_tree(spa, {"package.json": {"name": "x", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "^7"}},
                     "vite.config.ts": "const OUT = 'www';\nexport default { build: { outDir: `./${OUT}/` } };\n",
                     "src/App.vue": "<template><p/></template>\n<script setup lang=\"ts\">\n"
                                    "const url: string = import.meta.env.VITE_API_URL;\n</script>\n"})
    p = build_profile(spa)
    assert p.build.out_dir == "www" and any("VITE_API_URL" in w for w in p.warnings)


def test_start_script_pipes_and_sequences(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(scripts={"start": "npm run migrate; node server.js | pino-pretty"}),
                          "server.js": SERVER})
    assert build_profile(tmp_path).entrypoint == ["node", "server.js"]


@pytest.mark.parametrize("shape", ["one long line", "many blank lines"])
def test_large_files_still_give_their_facts(tmp_path, shape):
    facts = "const PORT = process.env.PORT || 4321; require('express')().get('/healthz', f).listen(PORT);"
    if shape == "one long line":  # a minified bundle: about 1 MB on one line (read up to 512 KiB)
        code = facts + " const pad = [" + ",".join(["1"] * 500_000) + "];\n"
        line = 1
    else:
        code = "// settings\n" + "\n" * 60_000 + facts + "\n"
        line = 60_002
    write_tree(tmp_path, {"package.json": pkg(), "server.js": code})
    p = build_profile(tmp_path)
    assert p.ports == [4321] and p.port_env == "PORT" and p.health_path == "/healthz"
    assert ("server.js", line) in evidence(p, "env") and ("server.js", line) in evidence(p, "health_path")


def test_express_generator_bin_www_without_an_extension(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(scripts={"start": "node ./bin/www"}),
                          "app.js": "const app = require('express')();\napp.get('/ping', f);\nmodule.exports = app;\n",
                          "bin/www": "#!/usr/bin/env node\nvar app = require('../app');\nvar http = require('http');\n"
                                     "var port = normalizePort(process.env.PORT || '3000');\napp.set('port', port);\n"
                                     "var server = http.createServer(app);\nserver.listen(port);\n"})
    p = build_profile(tmp_path)
    assert p.entrypoint == ["node", "./bin/www"] and p.ports == [3000] and p.port_env == "PORT"
    assert ("bin/www", 4) in evidence(p, "port_env")


def test_hostile_values_stay_out_of_the_generated_files(tmp_path):
    code = ("const app = require('express')();\n"
            "const G = process.env.GREETING || 'two\\nlines';\n"
            "app.get(\"/health'); process.exit(0); ('\", f);\n"
            "app.listen(process.env.PORT || 99999);\n"
            "fs.mkdirSync('data\\n RUN rm -rf /');\nfs.mkdirSync('a b');\n"
            "function env(n, f) { return process.env[n] ?? f }\nenv(1, 2); env(env); env('bad name'); env('OK_NAME');\n")
    write_tree(tmp_path, {"package.json": pkg(), "server.js": code})
    p = build_profile(tmp_path)
    assert p.env_var("GREETING").default is None and p.health_path == "/" and p.writable_paths == []
    assert [v.name for v in p.env] == ["GREETING", "PORT", "OK_NAME"] and p.ports == [3000]
    lint(render.render(p)["Dockerfile"], tmp_path)


def test_a_key_file_the_image_leaves_out_is_a_warning(tmp_path):
    code = ("const fs = require('fs');\nconst path = require('path');\nconst CERTS = path.join(__dirname, 'certs');\n"
            "const key = fs.readFileSync(path.join(CERTS, 'server.key'));\nconst page = fs.readFileSync('index.html');\n")
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER + code})
    p = build_profile(tmp_path)
    assert [w for w in p.warnings if "reads" in w] == [
        "server.js:7: the app reads certs/server.key, which .dockerignore keeps out of the image: give it at run "
        "time (a secret or a mounted file)"]


@pytest.mark.parametrize("listen, warned", [
    ("app.listen({ port: PORT })", True),
    ("app.listen(PORT, () => {})", True),
    ("app.listen({ port: PORT, host: '0.0.0.0' })", False),
    ("app.listen({ port: PORT, host })", False),
    ("app.listen(PORT, '0.0.0.0')", False),
])
def test_fastify_listening_on_localhost_is_a_warning(tmp_path, listen, warned):
    write_tree(tmp_path, {"package.json": pkg(dependencies={"fastify": "^5"}),
                          "server.js": f"const app = require('fastify')();\nconst PORT = 3000, host = '::';\n{listen};\n"})
    warnings = [w for w in build_profile(tmp_path).warnings if "Fastify listens on localhost" in w]
    assert bool(warnings) == warned and all(w.startswith("server.js:3:") for w in warnings)


# -- frameworks as their deployment docs run them ------------------------------------------------------

def render_checked(tmp_path, files: dict) -> tuple:
    write_tree(tmp_path, files)
    p = build_profile(tmp_path)
    text = render.render(p)["Dockerfile"]
    lint(text, tmp_path)
    return p, text


def test_nuxt_runs_its_self_contained_server_output(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "nuxt build", "dev": "nuxt dev", "preview": "nuxt preview"},
                         "dependencies": {"nuxt": "^4.0.0", "vue": "^3.5.0"}},
        "nuxt.config.ts": "export default defineNuxtConfig({ devtools: { enabled: true } })\n",
        "app/app.vue": "<template><h1>hi</h1></template>\n",
        "tsconfig.json": '{"extends": "./.nuxt/tsconfig.json"}\n'})
    assert p.framework == "nuxt" and p.entrypoint == ["node", ".output/server/index.mjs"]
    assert p.ports == [3000] and p.port_env == "PORT"
    final = stages(text)[-1]
    assert "COPY --from=build /app/.output ./.output" in final and "HOST=0.0.0.0" in final
    assert "AS deps" not in text and "node_modules" not in final  # .output carries what it needs


def test_nuxt_generate_is_a_static_site(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "nuxt generate"}, "dependencies": {"nuxt": "^3.12.0"}},
        "nuxt.config.ts": "export default defineNuxtConfig({ ssr: false })\n"})
    assert p.build.kind == "spa" and p.build.out_dir == ".output/public" and p.ports == [8080]
    assert "COPY --from=build /app/.output/public/ /usr/share/nginx/html" in text
    assert "/200.html; }" in text


SVELTE_PKG = {"type": "module", "scripts": {"build": "vite build", "dev": "vite dev", "preview": "vite preview"},
              "devDependencies": {"@sveltejs/kit": "^2.0.0", "svelte": "^5.0.0", "vite": "^6.0.0"}}


def svelte_config(adapter: str, options: str = "") -> str:
    return (f"import adapter from '@sveltejs/adapter-{adapter}';\n"
            f"const config = {{ kit: {{ adapter: adapter({options}) }} }};\nexport default config;\n")


def test_sveltekit_adapter_node_runs_node_build(tmp_path):
    pkg_json = {**SVELTE_PKG, "devDependencies": {**SVELTE_PKG["devDependencies"], "@sveltejs/adapter-node": "^5"}}
    p, text = render_checked(tmp_path, {"package.json": pkg_json, "svelte.config.js": svelte_config("node"),
                                        "src/routes/+page.svelte": "<h1>Welcome</h1>\n"})
    assert p.framework == "sveltekit" and p.entrypoint == ["node", "build"]
    assert p.ports == [3000] and p.port_env == "PORT"
    final = stages(text)[-1]
    assert "COPY --from=deps /app/node_modules ./node_modules" in final
    assert "COPY --from=build /app/build ./build" in final and "COPY --from=build /app/package.json" in final
    assert "COPY --from=build /app ./" not in final  # sources and dev tools stay in the build stage


def test_sveltekit_adapter_node_out_option(tmp_path):
    pkg_json = {**SVELTE_PKG, "devDependencies": {**SVELTE_PKG["devDependencies"], "@sveltejs/adapter-node": "^5"}}
    write_tree(tmp_path, {"package.json": pkg_json, "svelte.config.js": svelte_config("node", "{ out: 'server' }")})
    assert build_profile(tmp_path).entrypoint == ["node", "server"]


@pytest.mark.parametrize("options, fallback, not_found", [
    ("{ fallback: '200.html' }", "/200.html", None),
    ("", None, "/404.html"),
])
def test_sveltekit_adapter_static_is_served_by_nginx(tmp_path, options, fallback, not_found):
    p, text = render_checked(tmp_path, {"package.json": SVELTE_PKG, "svelte.config.js": svelte_config("static", options)})
    assert p.build.kind == "spa" and p.build.out_dir == "build" and p.ports == [8080]
    assert (p.build.spa_fallback, p.build.not_found) == (fallback, not_found)
    assert "COPY --from=build /app/build/ /usr/share/nginx/html" in text
    if fallback:
        assert f"try_files \\$uri \\$uri/ {fallback};" in text
    else:
        assert "=404;" in text and "error_page 404 /404.html;" in text


def test_sveltekit_adapter_auto_runs_the_node_server_and_says_what_to_add(tmp_path):
    p, _ = render_checked(tmp_path, {"package.json": SVELTE_PKG, "svelte.config.js": svelte_config("auto")})
    assert p.entrypoint == ["node", "build"] and p.ports == [3000]
    assert any("@sveltejs/adapter-node" in w for w in p.warnings)


def test_nuxt_fixture_runs_the_output_server_only():
    p = build_profile(FIXTURES / "node-nuxt")
    assert p.framework == "nuxt" and p.entrypoint == ["node", ".output/server/index.mjs"]
    assert p.ports == [3000] and p.port_env == "PORT"
    text = render.render(p)["Dockerfile"]
    final = stages(text)[-1]
    assert "COPY --from=build /app/.output ./.output" in final and "node_modules" not in final
    assert "AS deps" not in text and "RUN npm run build" in text


def test_next_export_fixture_is_served_statically_with_its_404_page():
    p = build_profile(FIXTURES / "node-next-export")
    assert p.framework == "next" and p.build.kind == "spa" and p.build.out_dir == "out"
    assert (p.build.spa_fallback, p.build.not_found) == (None, "/404.html") and p.ports == [8080]
    text = render.render(p)["Dockerfile"]
    assert "try_files \\$uri \\$uri.html \\$uri/ =404;" in text and "error_page 404 /404.html;" in text
    assert "next start" not in text and "node_modules/next" not in text


def test_yarn_berry_fixture_runs_its_committed_release():
    p = build_profile(FIXTURES / "node-yarn-berry")
    assert p.package_manager == "yarn" and p.build.yarn_path == ".yarn/releases/yarn-4.9.2.cjs"
    assert not p.build.corepack and p.entrypoint == ["node", "server.js"]
    text = render.render(p)["Dockerfile"]
    assert "node .yarn/releases/yarn-4.9.2.cjs workspaces focus --all --production" in text
    assert "YARN_VERSION" not in text and "cli-dist" not in text and "corepack" not in text
    assert p.dependencies == ["escape-html"]


def test_yarn_files_are_not_read_as_the_app(tmp_path):
    """The committed release and Plug'n'Play's loader are Yarn's code: no ports, env vars or routes from them."""
    yarn_code = "require('http').createServer().listen(9999);\nprocess.env.YARN_SECRET_THING;\n"
    write_tree(tmp_path, {"package.json": pkg(packageManager="yarn@4.9.2"), "yarn.lock": "__metadata:\n  version: 8\n",
                          ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.9.2.cjs\n",
                          ".yarn/releases/yarn-4.9.2.cjs": yarn_code, ".pnp.cjs": yarn_code, "server.js": SERVER})
    p = build_profile(tmp_path)
    assert 9999 not in p.ports and p.env_var("YARN_SECRET_THING") is None
    files = {e.file or "" for notes in p.evidence.values() for e in notes}
    assert not any(f.startswith((".yarn/", ".pnp")) for f in files), files


def test_native_fixture_installs_on_the_full_image_and_runs_slim():
    p = build_profile(FIXTURES / "node-native")
    assert p.framework == "express" and p.health_path == "/healthz" and p.ports == [3000]
    assert any("bcrypt" in e.why for e in p.evidence["system_packages"])
    text = render.render(p)["Dockerfile"]
    deps = next(s for s in stages(text) if " AS deps" in s)
    assert "npm ci --omit=dev" in deps
    assert "FROM node:${NODE_VERSION}-bookworm AS base" in text
    assert stages(text)[-1].startswith("FROM node:${NODE_VERSION}-bookworm-slim")


def test_next_standalone_fixture_probes_its_health_route():
    p = build_profile(FIXTURES / "node-next-standalone")
    assert p.build.kind == "next-standalone" and p.entrypoint == ["node", "server.js"]
    assert p.health_path == "/api/health" and p.ports == [3000]
    text = render.render(p)["Dockerfile"]
    assert "node_modules" not in stages(text)[-1] and "'/api/health'" in text


def test_next_output_export_is_a_static_site(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "next build", "start": "next start"},
                         "dependencies": {"next": "^15.0.0", "react": "^19.0.0", "react-dom": "^19.0.0"}},
        "next.config.mjs": "const nextConfig = { output: 'export' };\nexport default nextConfig;\n",
        "app/page.js": "export default function Page() { return <h1>Hi</h1> }\n"})
    assert p.framework == "next" and p.build.kind == "spa" and p.build.out_dir == "out"
    assert p.entrypoint == ["nginx", "-g", "daemon off;"] and p.ports == [8080]
    assert "COPY --from=build /app/out/ /usr/share/nginx/html" in text and "error_page 404 /404.html;" in text
    assert "next start" not in text


@pytest.mark.parametrize("dist_dir, out", [("'./site-out'", "site-out"), ("'.next'", "out"), ("'./.next/'", "out")])
def test_next_export_goes_to_dist_dir_unless_it_is_dot_next(tmp_path, dist_dir, out):
    """With output: 'export', next build writes the static site to distDir; distDir '.next' keeps out/."""
    write_tree(tmp_path, {
        "package.json": {"scripts": {"build": "next build"}, "dependencies": {"next": "^15.0.0"}},
        "next.config.ts": "import type { NextConfig } from 'next';\n"
                          f"const nextConfig: NextConfig = {{ output: 'export', distDir: {dist_dir} }};\n"
                          "export default nextConfig;\n"})
    assert build_profile(tmp_path).build.out_dir == out


def test_react_router_spa_mode_is_static_with_an_index_fallback(tmp_path):
    rr = {"scripts": {"build": "react-router build", "start": "react-router-serve ./build/server/index.js"},
          "dependencies": {"@react-router/node": "7.6.0", "@react-router/serve": "7.6.0", "react-router": "7.6.0"},
          "devDependencies": {"@react-router/dev": "7.6.0", "vite": "^6.0.0"}}
    p, text = render_checked(tmp_path, {
        "package.json": rr, "react-router.config.ts": "import type { Config } from '@react-router/dev/config';\n"
                                                      "export default { ssr: false } satisfies Config;\n"})
    assert p.framework == "react-router" and p.build.kind == "spa" and p.build.out_dir == "build/client"
    assert "try_files \\$uri \\$uri/ /index.html;" in text and "react-router-serve" not in text


def test_react_router_with_ssr_runs_its_server(tmp_path):
    rr = {"scripts": {"build": "react-router build", "start": "react-router-serve ./build/server/index.js"},
          "dependencies": {"@react-router/serve": "7.6.0", "react-router": "7.6.0"},
          "devDependencies": {"@react-router/dev": "7.6.0"}}
    write_tree(tmp_path, {"package.json": rr, "react-router.config.ts": "export default { ssr: true };\n"})
    p = build_profile(tmp_path)
    assert p.entrypoint == ["/app/node_modules/.bin/react-router-serve", "./build/server/index.js"]
    assert p.ports == [3000]


def test_astro_node_adapter_listens_on_all_interfaces(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"type": "module", "scripts": {"build": "astro build", "preview": "astro preview"},
                         "dependencies": {"astro": "^5.0.0", "@astrojs/node": "^9.0.0"}},
        "astro.config.mjs": "import node from '@astrojs/node';\n"
                            "export default defineConfig({ output: 'server', adapter: node({ mode: 'standalone' }) });\n"})
    assert p.framework == "astro" and p.entrypoint == ["node", "./dist/server/entry.mjs"]
    assert p.ports == [4321] and p.port_env == "PORT"
    final = stages(text)[-1]
    assert "HOST=0.0.0.0" in final and "PORT=4321" in final and "EXPOSE 4321" in final
    assert "COPY --from=build /app/dist ./dist" in final


def test_astro_without_an_adapter_is_static_pages(tmp_path):
    p, text = render_checked(tmp_path, {"package.json": {"scripts": {"build": "astro build"},
                                                         "dependencies": {"astro": "^5.0.0"}}})
    assert p.build.kind == "spa" and p.build.out_dir == "dist" and p.build.spa_fallback is None
    assert "error_page 404 /404.html;" in text


# -- start scripts, package managers at run time, dev dependencies ---------------------------------------

def test_monorepo_start_script_is_kept(tmp_path):
    p, _ = render_checked(tmp_path, {
        "package.json": {"scripts": {"start": "cd apps/web && npm start"}, "workspaces": ["apps/*"]},
        "apps/web/package.json": {"name": "web", "scripts": {"start": "node server.js"},
                                  "dependencies": {"express": "^4"}},
        "apps/web/server.js": SERVER})
    assert p.entrypoint == ["npm", "start"] and not p.build.runtime_pm


def test_a_start_script_calling_pnpm_and_turbo_gets_them_at_run_time(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"packageManager": "pnpm@10.5.2", "scripts": {"start": "turbo run start"},
                         "devDependencies": {"turbo": "^2.0.0"}},
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
        "apps/api/package.json": {"name": "api", "scripts": {"start": "node index.js"}},
        "apps/api/index.js": SERVER})
    assert p.entrypoint == ["pnpm", "start"] and p.build.runtime_pm and p.build.runtime_dev
    final = stages(text)[-1]
    assert 'npm install --global "pnpm@${PNPM_VERSION}"' in final and "ARG PNPM_VERSION=10.5.2" in final
    deps = next(s for s in stages(text) if " AS deps" in s)
    assert "--prod" not in deps  # turbo is a dev dependency the start command runs
    # a workspace: each package's node_modules reaches the runtime image
    assert "COPY --from=deps /app ./" in final


def test_workspace_build_drops_every_node_modules_of_the_build_stage(tmp_path):
    _, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "tsc -b", "start": "node packages/api/dist/index.js"},
                         "workspaces": ["packages/*"], "devDependencies": {"typescript": "^5"}},
        "package-lock.json": "{}\n", "packages/api/package.json": {"name": "api", "dependencies": {"express": "^4"}},
        "packages/api/src/index.ts": SERVER})
    build = next(s for s in stages(text) if " AS build" in s)
    assert "find . -path ./node_modules -prune -o -name node_modules -type d -prune -exec rm -rf {} +" in build
    assert "COPY --from=deps /app ./" in stages(text)[-1]


def test_start_script_without_the_package_manager_does_not_install_it_at_run_time(tmp_path):
    _, text = render_checked(tmp_path, {"package.json": pkg(), "server.js": SERVER,
                                        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"})
    assert "pnpm" not in stages(text)[-1]


def test_every_cache_mount_is_locked(tmp_path):
    _, text = render_checked(tmp_path, {"package.json": {**pkg(), "scripts": {"build": "tsc", "start": "node dist/server.js"}},
                                        "yarn.lock": "# yarn lockfile v1\n", "src/server.ts": SERVER})
    mounts = re.findall(r"--mount=type=cache,\S+", text)
    assert mounts and all(m.endswith(",sharing=locked") for m in mounts), mounts


def test_native_addons_build_tools_stay_in_the_build_stages(tmp_path):
    p, text = render_checked(tmp_path, {"package.json": {**pkg(), "dependencies": {"express": "^4", "canvas": "^2"}},
                                        "server.js": SERVER, "package-lock.json": "{}\n"})
    assert "FROM node:${NODE_VERSION}-bookworm AS base" in text
    final = stages(text)[-1]
    assert final.startswith("FROM node:${NODE_VERSION}-bookworm-slim") and "libcairo2" in final
    assert "g++" not in final and "build-essential" not in final


# -- Prisma ----------------------------------------------------------------------------------------------

def test_prisma_generates_before_tsc_and_keeps_the_client_and_engines(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "tsc", "start": "node dist/index.js"},
                         "dependencies": {"@prisma/client": "^6.0.0", "express": "^4"},
                         "devDependencies": {"prisma": "^6.0.0", "typescript": "^5"}},
        "package-lock.json": "{}\n", "prisma/schema.prisma": "datasource db {\n  provider = \"postgresql\"\n}\n",
        "src/index.ts": SERVER})
    assert p.build.prisma
    build = next(s for s in stages(text) if " AS build" in s)
    assert build.index("npx --no-install prisma generate") < build.index("npm run build")
    assert "! -name .prisma" in build and "rm -rf node_modules" not in build
    final = stages(text)[-1]
    assert "openssl" in final and "COPY --from=build /app ./" in final


# -- manifests ---------------------------------------------------------------------------------------------

def test_package_json5_is_read_and_installed_by_pnpm(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json5": "// pnpm reads this\n{\n  name: 'five',\n  scripts: { start: 'node server.js' },\n"
                         "  dependencies: { express: '^4.21.0', },\n}\n",
        "server.js": SERVER})
    assert p.language == "node" and p.package_manager == "pnpm" and p.framework == "express"
    assert p.entrypoint == ["node", "server.js"] and "express" in p.dependencies
    assert "COPY package.json5 ./" in text and "pnpm install --prod" in text


def test_json5_fixture_installs_the_pnpm_its_package_manager_field_pins():
    p = build_profile(FIXTURES / "node-json5")
    assert p.package_manager == "pnpm" and p.build.manager_version == "10.18.0" and p.build.corepack
    assert p.entrypoint == ["node", "server.js"] and p.dependencies == ["escape-html"]
    text = render.render(p)["Dockerfile"]
    assert "ARG PNPM_VERSION=10.18.0" in text and "COPY package.json5 pnpm-lock.yaml ./" in text
    assert ("package.json5", 6) in evidence(p, "package_manager") and ("package.json5", 8) in evidence(p, "entrypoint")
    assert "package.json" not in {f for f, _ in evidence(p, "package_manager") | evidence(p, "entrypoint")}


def test_no_manifest_fixture_copies_the_program_and_runs_it():
    p = build_profile(FIXTURES / "node-no-manifest")
    assert p.entrypoint == ["node", "main.js"] and p.ports == [8000] and p.port_env == "PORT"
    text = render.render(p)["Dockerfile"]
    assert "npm" not in text and "AS base" not in text


def test_broken_package_json5_is_a_clear_error(tmp_path):
    write_tree(tmp_path, {"package.json5": "{ name: 'x', scripts: { start: }\n", "server.js": SERVER})
    with pytest.raises(AnalysisError, match="package.json5"):
        build_profile(tmp_path)


def test_main_js_without_package_json_is_a_node_program(tmp_path):
    p, text = render_checked(tmp_path, {"main.js": "const http = require('http');\n"
                                                   "http.createServer((q, s) => s.end('hi')).listen(8000);\n"})
    assert p.language == "node" and p.entrypoint == ["node", "main.js"] and p.ports == [8000]
    assert "npm" not in text and "COPY . ." in text and "AS base" not in text


# -- build-time variables ---------------------------------------------------------------------------------

def test_public_build_variables_become_build_args_with_their_safe_defaults(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "vite build"}, "devDependencies": {"vite": "^6"}},
        "index.html": "<div id=app></div>\n",
        "src/main.js": "fetch(import.meta.env.VITE_API_URL + import.meta.env.VITE_TITLE)\n",
        ".env": "VITE_API_URL=https://api.example.com/v1\nVITE_TITLE=\"a $(whoami)\"\nVITE_STRIPE_SECRET_KEY=sk_live_x\n"
                "DATABASE_URL=postgres://u:p@db/x\n"})
    build = next(s for s in stages(text) if " AS build" in s)
    assert 'ARG VITE_API_URL="https://api.example.com/v1"' in build
    assert "\nARG VITE_TITLE\n" in build and "whoami" not in text  # kept out: not a plain value
    assert "VITE_STRIPE_SECRET_KEY" not in text and "sk_live_x" not in text  # a secret in a public bundle: warned
    assert any("VITE_STRIPE_SECRET_KEY" in w for w in p.warnings)
    assert "DATABASE_URL" not in text
    assert build.index("ARG VITE_API_URL") < build.index("npm run build")


def test_next_public_variables_are_build_args(tmp_path):
    _, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "next build", "start": "next start"}, "dependencies": {"next": "15"}},
        "app/page.js": "export default () => process.env.NEXT_PUBLIC_SITE_NAME\n",
        ".env.production": "NEXT_PUBLIC_SITE_NAME=Shop\n"})
    assert 'ARG NEXT_PUBLIC_SITE_NAME="Shop"' in text


def test_public_variables_read_only_in_code_are_build_args_with_the_codes_default(tmp_path):
    p, text = render_checked(tmp_path / "next", {
        "package.json": {"scripts": {"build": "next build", "start": "next start"}, "dependencies": {"next": "15"}},
        "app/page.tsx": "const API = process.env.NEXT_PUBLIC_API_URL || 'http://localhost:8000';\n"
                        "export default function Page() {\n"
                        "  return <p>{process.env.NEXT_PUBLIC_SITE_NAME ?? 'Shop'} {process.env.NEXT_PUBLIC_PLAN}</p>;\n}\n"
                        "export const key = process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;\n"
                        "export const db = process.env.DATABASE_URL || 'postgres://u:p@db/x';\n"})
    build = next(s for s in stages(text) if " AS build" in s)
    assert 'ARG NEXT_PUBLIC_API_URL="http://localhost:8000"' in build and 'ARG NEXT_PUBLIC_SITE_NAME="Shop"' in build
    assert "\nARG NEXT_PUBLIC_PLAN\n" in build  # read with no default: an ARG without one
    assert build.index("ARG NEXT_PUBLIC_API_URL") < build.index("npm run build")
    assert "NEXT_PUBLIC_STRIPE_SECRET_KEY" not in text and any("NEXT_PUBLIC_STRIPE_SECRET_KEY" in w for w in p.warnings)
    assert "DATABASE_URL" not in text and "postgres://" not in text  # a server-side variable: no build arg
    # next build inlines them: not run-time settings, nor secret files the container would read for nothing
    assert not [e.name for e in p.env if e.name.startswith("NEXT_PUBLIC_")] and p.env_var("DATABASE_URL")

    p, text = render_checked(tmp_path / "vite", {
        "package.json": {"scripts": {"build": "vite build"}, "devDependencies": {"vite": "^6"}},
        "index.html": "<div id=app></div>\n",
        "src/api.ts": "export const base = (import.meta.env.VITE_API_URL as string) ?? '/api';\n"
                      "export const title = import.meta.env.VITE_TITLE || 'a $(whoami)';\n"
                      "export const n = import.meta.env.VITE_PAGE_SIZE || 20;\n",
        ".env.production": "VITE_PAGE_SIZE=50\n"})
    assert p.build.build_args == [("VITE_API_URL", "/api"), ("VITE_PAGE_SIZE", "50"), ("VITE_TITLE", None)]
    assert "whoami" not in text  # not a plain value: an ARG without a default, and a warning
    assert any(w.startswith("VITE_TITLE: the default") for w in p.warnings)

    p, text = render_checked(tmp_path / "cra", {
        "package.json": {"scripts": {"build": "react-scripts build"}, "dependencies": {"react-scripts": "5.0.1"}},
        "src/App.js": "export const api = process.env.REACT_APP_API_URL || 'https://api.example.com';\n"})
    assert 'ARG REACT_APP_API_URL="https://api.example.com"' in text


# -- versions within published image tags ------------------------------------------------------------------

@pytest.mark.parametrize("asked, tag, warned", [
    ("22", "22", False), ("20.11.1", "20.11.1", False), ("24.1", "24.1", False),
    ("18.12.0", "18", True),  # before bookworm images
    ("16", "18", True), ("19", "20", True), ("26", "25", True), ("nope", "22", True),
])
def test_published_node_tags(asked, tag, warned):
    from containerize.languages.node.versions import published_tag

    got, why = published_tag(asked)
    assert got == tag and bool(why) == warned


@pytest.mark.parametrize("files, version", [
    ({".tool-versions": "python 3.12.1\nnodejs 20.11.0\n"}, "20.11.0"),
    ({"mise.toml": "[tools]\nnode = \"24\"\n"}, "24"),
    ({".mise.toml": "[tools]\nnode = [\"lts/iron\"]\n"}, "20"),
    ({}, "22"),
])
def test_node_version_files(tmp_path, files, version):
    write_tree(tmp_path, {"package.json": pkg(), "server.js": SERVER, **files})
    assert build_profile(tmp_path).runtime_version == version


@pytest.mark.parametrize("files, extra, version, warned", [
    ({}, {"engines": {"node": "23.5.0"}}, "23.5.0", False),
    ({}, {"engines": {"node": "=v22.12.0"}}, "22.12.0", False),
    ({".nvmrc": "v23.5.0\n"}, {"engines": {"node": ">=18"}}, "23.5.0", False),
    ({".node-version": "22.12.0\n"}, {}, "22.12.0", False),
    ({}, {"volta": {"node": "23.5.0"}}, "23.5.0", False),
    ({"mise.toml": "[tools]\nnode = { version = \"prefix:22.12.0\" }\n"}, {}, "22.12.0", False),
    ({".tool-versions": "nodejs 23.5.0 # pinned\n"}, {}, "23.5.0", False),
    ({}, {"engines": {"node": "20.3.1"}}, "20", True),  # before bookworm images of 20 (20.4.0)
    ({".nvmrc": "16.20.2\n"}, {}, "18", True),
])
def test_exact_node_pins_are_the_image_tag_within_published_tags(tmp_path, files, extra, version, warned):
    from containerize import image_tags

    write_tree(tmp_path, {"package.json": pkg(**extra), "server.js": SERVER, **files})
    p = build_profile(tmp_path)
    assert p.runtime_version == version and image_tags.published("node", version)
    assert any("bookworm image" in w for w in p.warnings) == warned
    assert f"ARG NODE_VERSION={version}\n" in render.render(p)["Dockerfile"]


def test_volta_and_exact_engines_pins(tmp_path):
    write_tree(tmp_path, {"package.json": pkg(volta={"node": "20.10.0"}, engines={"node": ">=18"}), "server.js": SERVER})
    assert build_profile(tmp_path).runtime_version == "20.10.0"
    write_tree(tmp_path, {"package.json": pkg(engines={"node": "20.11.1"})})
    assert build_profile(tmp_path).runtime_version == "20.11.1"
    write_tree(tmp_path, {"package.json": pkg(engines={"node": "14.x"})})
    p = build_profile(tmp_path)
    assert p.runtime_version == "18" and any("no bookworm image" in w for w in p.warnings)


@pytest.mark.parametrize("files, extra, version", [
    ({"pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}, {}, "9.15.9"),
    ({"pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "pnpm-workspace.yaml": "onlyBuiltDependencies:\n  - esbuild\n"},
     {}, "10.34.9"),
    ({"pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}, {"engines": {"pnpm": "^10.2.0"}}, "10.34.9"),
    ({"pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}, {"engines": {"pnpm": "10.5.2"}}, "10.5.2"),
    ({"pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "mise.toml": "[tools]\npnpm = \"11\"\n"}, {}, "11.28.11"),
    ({"pnpm-lock.yaml": "lockfileVersion: '6.0'\n"}, {}, "8.15.9"),
])
def test_pnpm_version_sources(tmp_path, files, extra, version):
    write_tree(tmp_path, {"package.json": pkg(**extra), "server.js": SERVER, **files})
    p = build_profile(tmp_path)
    assert p.package_manager == "pnpm" and p.build.manager_version == version
    assert f"ARG PNPM_VERSION={version}" in render.render(p)["Dockerfile"]


def test_prisma_with_pnpm_says_how_to_keep_the_generated_client(tmp_path):
    write_tree(tmp_path, {"package.json": {"scripts": {"build": "tsc", "start": "node dist/index.js"},
                                           "dependencies": {"@prisma/client": "^6.0.0"},
                                           "devDependencies": {"prisma": "^6.0.0"}},
                          "pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "prisma/schema.prisma": "\n",
                          "src/index.ts": SERVER})
    p = build_profile(tmp_path)
    assert p.build.build_run.startswith("pnpm exec prisma generate")
    assert any("node-linker=hoisted" in w for w in p.warnings)


# -- build arguments in compose.yaml, public keys ----------------------------------------------------------

def test_single_app_compose_sets_the_build_arguments_with_their_defaults(tmp_path):
    import yaml
    p, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "vite build"}, "devDependencies": {"vite": "^6"}},
        "index.html": "<div id=app></div>\n",
        "src/main.js": "fetch(import.meta.env.VITE_API_URL + import.meta.env.VITE_TITLE + import.meta.env.VITE_PLAN)\n",
        ".env": "VITE_API_URL=https://api.example.com/v1\nVITE_TITLE=50%-off\nVITE_STRIPE_SECRET_KEY=sk_live_x\n"})
    compose = render.render(p)["compose.yaml"]
    args = yaml.safe_load(compose)["services"]["app"]["build"]["args"]
    assert args == {"VITE_API_URL": "${VITE_API_URL:-https://api.example.com/v1}",
                    "VITE_PLAN": None,  # no default: passed through from the shell running compose
                    "VITE_TITLE": "${VITE_TITLE:-50%-off}"}
    assert "VITE_STRIPE_SECRET_KEY" not in compose and "sk_live_x" not in compose
    # the same names as the Dockerfile's ARGs
    assert [n for n, _ in p.build.build_args] == sorted(args)


def test_build_argument_defaults_are_escaped_for_compose(tmp_path):
    from containerize.compose import build_args
    p = build_profile(write_tree(tmp_path, {
        "package.json": {"scripts": {"build": "vite build"}, "devDependencies": {"vite": "^6"}},
        "index.html": "<div id=app></div>\n", "src/main.js": "console.log(1)\n"}))
    p.build.build_args = [("VITE_A", "x{y}z"), ("VITE_B", "cost 5"), ("VITE_C", "")]
    assert build_args(p) == {"VITE_A": None, "VITE_B": "${VITE_B:-cost 5}", "VITE_C": "${VITE_C:-}"}
    p.build.build_args = [("VITE_D", "a$b")]  # never from an analyzer (kept out of the Dockerfile), still escaped
    assert build_args(p) == {"VITE_D": "${VITE_D:-a$$b}"}


def test_browser_public_keys_are_build_arguments_and_secrets_under_a_public_prefix_are_warned(tmp_path):
    import yaml
    jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiIsImV4cCI6MTk4MzgxMjk5Nn0.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
    p, text = render_checked(tmp_path, {
        "package.json": {"scripts": {"build": "next build", "start": "next start"}, "dependencies": {"next": "15"}},
        "app/page.js": "export default () => [process.env.NEXT_PUBLIC_SUPABASE_URL,\n"
                       "  process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY, process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY,\n"
                       "  process.env.NEXT_PUBLIC_GOOGLE_CLIENT_ID, process.env.NEXT_PUBLIC_SECRET_KEY]\n",
        ".env.example": "NEXT_PUBLIC_SUPABASE_URL=http://localhost:54321\n"
                        f"NEXT_PUBLIC_SUPABASE_ANON_KEY={jwt}\n"
                        "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_test_placeholder\n"
                        "NEXT_PUBLIC_GOOGLE_CLIENT_ID=your-client-id.apps.googleusercontent.com\n"
                        "NEXT_PUBLIC_SECRET_KEY=changeme\n"})
    args = dict(p.build.build_args)
    # a key made for the browser is a setting: a build argument, its default written unless it looks like one
    assert args["NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY"] == "pk_test_placeholder"
    assert args["NEXT_PUBLIC_GOOGLE_CLIENT_ID"] == "your-client-id.apps.googleusercontent.com"
    assert "NEXT_PUBLIC_SUPABASE_ANON_KEY" in args and args["NEXT_PUBLIC_SUPABASE_ANON_KEY"] is None
    assert "\nARG NEXT_PUBLIC_SUPABASE_ANON_KEY\n" in text and jwt not in text
    assert any(w.startswith("NEXT_PUBLIC_SUPABASE_ANON_KEY: its default looks like a credential") for w in p.warnings)
    # a secret under a public prefix: left out, and the warning says it is a bug
    assert "NEXT_PUBLIC_SECRET_KEY" not in args and "NEXT_PUBLIC_SECRET_KEY" not in text
    (warning,) = [w for w in p.warnings if w.startswith("NEXT_PUBLIC_SECRET_KEY")]
    assert "a secret in the bundle is a bug" in warning and "NEXT_PUBLIC_ prefix" in warning
    compose = render.render(p)["compose.yaml"]
    built = yaml.safe_load(compose)["services"]["app"]["build"]["args"]
    assert built["NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY"] == "${NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY:-pk_test_placeholder}"
    assert built["NEXT_PUBLIC_SUPABASE_ANON_KEY"] is None and jwt not in compose
    assert "NEXT_PUBLIC_SECRET_KEY" not in compose and "changeme" not in compose


# -- shapes seen in public apps: production start scripts, tsx, AdonisJS, dotenv comments ---------------

def test_start_prod_script_runs_the_bundle_without_env_file():
    """No start script; start:prod runs the tsup bundle with node --env-file=.env (the .env stays out of the
    image); .env.template's quoted values and inline comments are values, and its development NODE_ENV is not
    the image's."""
    p = build_profile(FIXTURES / "node-start-prod")
    assert p.entrypoint == ["node", "dist/index.js"]
    assert p.ports == [8080] and p.port_env == "PORT"
    assert p.env_var("CORS_ORIGIN").default == "http://localhost:*"
    assert p.env_var("RATE_LIMIT_MAX").default == "20"
    assert p.env_var("NODE_ENV").default == "production"
    text = render.render(p)["Dockerfile"]
    assert 'CMD ["node", "dist/index.js"]' in text and "--env-file" not in text
    assert "PORT=8080" in text and "EXPOSE 8080" in text


@pytest.mark.parametrize("start, argv", [
    ("node --env-file=.env server.js", ["node", "server.js"]),
    ("node --env-file .env.production --enable-source-maps server.js", ["node", "--enable-source-maps", "server.js"]),
    ("node --env-file-if-exists=.env server.js", ["node", "server.js"]),
])
def test_node_env_file_flags_are_dropped(tmp_path, start, argv):
    p, text = render_checked(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": start}, "dependencies": {"express": "^4"}},
        "server.js": "require('express')().listen(process.env.PORT || 3000)\n"})
    assert p.entrypoint == argv and "--env-file" not in text


def test_tsx_start_runs_the_typescript_source_with_every_dependency():
    """start: tsx --env-file=.env src/server.ts, no build: tsx (a dev dependency) runs in the image."""
    p = build_profile(FIXTURES / "node-hono-tsx")
    assert p.framework == "hono"
    assert p.entrypoint == ["/app/node_modules/.bin/tsx", "src/server.ts"]
    assert p.ports == [8787] and p.port_env == "PORT" and p.health_path == "/healthz"
    assert p.build.runtime_dev and p.build.install_prod == p.build.install_all
    assert any("tsx (a dev dependency)" in w for w in p.warnings)
    text = render.render(p)["Dockerfile"]
    assert "--omit=dev" not in text and "npm ci --no-audit --no-fund" in text


def test_tsx_start_with_tsx_as_a_dependency_keeps_production_install(tmp_path):
    p, text = render_checked(tmp_path, {
        "package.json": {"name": "x", "type": "module", "scripts": {"start": "tsx src/main.ts"},
                         "dependencies": {"tsx": "^4", "hono": "^4", "@hono/node-server": "^1"}},
        "src/main.ts": "import { serve } from '@hono/node-server'\nserve({ fetch: () => new Response('x'), port: 3000 })\n"})
    assert p.entrypoint == ["/app/node_modules/.bin/tsx", "src/main.ts"] and not p.build.runtime_dev
    assert "--omit=dev" in text


def test_tsx_watch_start_is_not_the_production_command(tmp_path):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": "tsx watch src/main.ts", "build": "tsc",
                                                  "serve:prod": "node build/main.js"},
                         "dependencies": {"express": "^4"}, "devDependencies": {"tsx": "^4", "typescript": "^5"}},
        "src/main.ts": "import express from 'express'\nexpress().listen(3000)\n"})
    p = build_profile(tmp_path)
    assert p.entrypoint == ["node", "build/main.js"]


def test_adonis_runs_from_its_build_folder():
    """node ace build writes build/ (with package.json and public/); the server runs from inside it."""
    p = build_profile(FIXTURES / "node-adonis")
    assert p.framework == "adonis" and p.entrypoint == ["node", "bin/server.js"]
    assert p.ports == [3333] and p.port_env == "PORT" and p.health_path == "/health"
    assert p.build.runtime_copy == ["build/"] and p.build.runtime_env == {"HOST": "0.0.0.0"}
    assert p.env_var("APP_KEY").secret and p.env_var("NODE_ENV").default == "production"
    text = render.render(p)["Dockerfile"]
    assert "COPY --from=build /app/build/ ./\n" in text and 'CMD ["node", "bin/server.js"]' in text
    assert "COPY --from=deps /app/node_modules ./node_modules" in text and "npm run build" in text


def test_adonis_v5_layout_starts_build_server_js(tmp_path):
    p, _ = render_checked(tmp_path, {
        "package.json": {"name": "x", "scripts": {"build": "node ace build --production", "start": "node server.js"},
                         "dependencies": {"@adonisjs/core": "^5.9.0"}},
        "ace": "require('@adonisjs/core/build/standalone')\n", ".adonisrc.json": {"typescript": True},
        "server.ts": "import { Ignitor } from '@adonisjs/core/build/standalone'\nnew Ignitor(__dirname).httpServer().start()\n"})
    assert p.framework == "adonis" and p.entrypoint == ["node", "server.js"]


def test_vue_cli_spa_is_named(tmp_path):
    p, _ = render_checked(tmp_path, {
        "package.json": {"name": "x", "scripts": {"build": "vue-cli-service build"},
                         "devDependencies": {"@vue/cli-service": "^5"}}, "public/index.html": "<html></html>"})
    assert p.framework == "vue-cli" and p.build.kind == "spa" and p.build.out_dir == "dist"
    assert not any("not a name" in w for w in p.warnings)


def test_port_default_in_the_config_module_that_reads_the_port_env(tmp_path):
    """listen(config.port) where config.port = +process.env.APP_PORT || defaults.port: the `port:` literal of
    that config module, not a client's `port: 443` elsewhere."""
    p, _ = render_checked(tmp_path, {
        "package.json": {"name": "x", "type": "module", "scripts": {"start": "node app.js"},
                         "dependencies": {"express": "^4"}},
        "app.js": "import express from 'express'\nimport run from './src/server.js'\nrun(express())\n",
        "src/a-client.js": "import https from 'node:https'\nexport const get = (u) => https.request(new URL(u), "
                           "{ method: 'POST', port: 443 })\n",
        "src/server.js": "import config from './load-config.js'\n"
                         "export default function run(app) { app.listen(config.port, config.hostname) }\n",
        "src/load-config.js": "let defaults = { port: 5006, hostname: '::' }\nlet config = defaults\n"
                              "if (process.env.CONFIG) { config = { ...defaults } }\n"
                              "export default { port: +process.env.APP_PORT || config.port, hostname: config.hostname }\n"})
    assert p.ports == [5006] and p.port_env == "APP_PORT"


def test_medusa_runs_its_standalone_build_with_postgres_and_migrations():
    """medusa build writes .medusa/server; medusa start runs from inside it on PORT 9000, /health answers;
    PostgreSQL is its database (DATABASE_URL), medusa db:migrate runs before the app."""
    p = build_profile(FIXTURES / "node-medusa")
    assert p.framework == "medusa" and p.entrypoint == ["/app/node_modules/.bin/medusa", "start"]
    assert p.ports == [9000] and p.port_env == "PORT" and p.health_path == "/health"
    assert p.build.runtime_copy == [".medusa/server/"]
    assert [s.kind for s in p.services] == ["postgres"] and p.env_var("DATABASE_URL").secret
    assert [m.command for m in p.migrations] == [["/app/node_modules/.bin/medusa", "db:migrate"]]
    text = render.render(p)["Dockerfile"]
    assert "COPY --from=build /app/.medusa/server/ ./\n" in text and "npm run build" in text


def test_medusa_v1_without_the_framework_package_is_a_plain_server(tmp_path):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "scripts": {"build": "tsc", "start": "medusa start"},
                         "dependencies": {"@medusajs/medusa": "^1.20.0", "@medusajs/medusa-cli": "^1.3.0"}},
        "medusa-config.js": "module.exports = { projectConfig: { database_url: process.env.DATABASE_URL } }\n"})
    p = build_profile(tmp_path)
    assert p.framework != "medusa" and not p.build.runtime_copy


def test_fastify_env_config_names_are_env_vars_the_database_pool_reads():
    """@fastify/env puts the schema's env vars on fastify.config: the MySQL pool built from them is the
    connection, so compose points MYSQL_HOST at the mysql service; .env.example's inline comments are no values."""
    p = build_profile(FIXTURES / "node-fastify-env")
    assert p.framework == "fastify" and p.ports == [3000] and p.port_env == "PORT"
    (conn,) = p.connections
    assert (conn.kind, conn.host_env, conn.user_env, conn.database_env, conn.password_env) == \
        ("mysql", "MYSQL_HOST", "MYSQL_USER", "MYSQL_DATABASE", "MYSQL_PASSWORD")
    assert p.env_var("MYSQL_DATABASE").default == "shop_db" and p.env_var("RATE_LIMIT_MAX").default == "4"
    compose = render.render(p)["compose.yaml"]
    assert 'MYSQL_HOST: "${MYSQL_HOST:-mysql}"' in compose
    assert "MYSQL_DATABASE: shop_db" in compose and "MYSQL_USER: shop_user" in compose


def test_config_members_are_not_env_vars_without_fastify_env(tmp_path):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": "node server.js"},
                         "dependencies": {"fastify": "^5", "mysql2": "^3"}},
        "server.js": "import mysql from 'mysql2/promise'\nexport function pool(app) {\n"
                     "  return mysql.createPool({ host: app.config.DB_HOST, user: 'u', database: 'd' })\n}\n"})
    p = build_profile(tmp_path)
    assert all(c.host_env != "DB_HOST" for c in p.connections)


def test_static_field_set_in_a_method_is_the_folder_the_app_creates(tmp_path):
    """Database.dataDir = process.env.DATA_DIR || args.dir || './data/' in an init method, then
    fs.mkdirSync(Database.dataDir): data/ is a volume; a release script bumping package.json is no app data."""
    p, _ = render_checked(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": "node server/server.js"},
                         "dependencies": {"express": "^4"}},
        "server/server.js": "const express = require('express')\nconst Database = require('./database')\n"
                            "Database.init({})\nexpress().listen(process.env.PORT || 3001)\n",
        "server/database.js": "const fs = require('fs')\nclass Database {\n  static dataDir;\n"
                              "  static init(args) {\n"
                              "    Database.dataDir = process.env.DATA_DIR || args['data-dir'] || './data/'\n"
                              "    if (!fs.existsSync(Database.dataDir)) {\n"
                              "      fs.mkdirSync(Database.dataDir, { recursive: true })\n    }\n  }\n}\n"
                              "module.exports = Database\n",
        "extra/bump.js": "const fs = require('fs')\nfs.writeFileSync('package.json', '{}')\n"
                         "fs.writeFileSync('README.md', '')\n"})
    assert "/app/data" in p.writable_paths
    assert not any("inside its own folder" in w for w in p.warnings)


def test_clients_of_every_database_kind_add_no_service(tmp_path):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": "node index.js"},
                         "dependencies": {"express": "^4", "pg": "^8", "mysql2": "^3", "mongodb": "^6",
                                          "sqlite3": "^5"}},
        "index.js": "require('express')().listen(3000)\n"})
    p = build_profile(tmp_path)
    assert [s.kind for s in p.services] == []
    assert any("clients of mongodb, mysql, postgres" in w for w in p.warnings)


def test_cloudflare_workers_app_says_the_start_command_is_a_guess(tmp_path):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "type": "module", "scripts": {"dev": "vite", "build": "vite build",
                                                                    "deploy": "npm run build && wrangler deploy"},
                         "dependencies": {"hono": "^4", "@hono/node-server": "^1"},
                         "devDependencies": {"vite": "^6", "@cloudflare/vite-plugin": "^1"}},
        "wrangler.jsonc": '{ "name": "x", "main": "./api/index.ts" }\n', "tsconfig.json": "{}\n",
        "api/index.ts": "import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/api', (c) => c.text('x'))\n"
                        "export default app\n"})
    p = build_profile(tmp_path)
    assert any(w.startswith("wrangler.jsonc: a Cloudflare Workers app") for w in p.warnings)


def test_prisma_sqlite_file_moves_to_the_data_volume():
    """file:./data.db is relative to prisma/, which the app user can't write: DATABASE_URL points at /app/data
    (a volume), for the app and for the migrate step."""
    p = build_profile(FIXTURES / "node-remix-prisma-sqlite")
    assert p.framework == "remix" and p.entrypoint == ["/app/node_modules/.bin/remix-serve", "./build/index.js"]
    var = p.env_var("DATABASE_URL")
    assert var.default == "file:/app/data/data.db?connection_limit=1" and not var.secret
    assert p.writable_paths == ["/app/data"] and p.services == []
    assert [m.command for m in p.migrations] == [["npx", "prisma", "migrate", "deploy"]]
    compose = render.render(p)["compose.yaml"]
    assert compose.count('"app-data:/app/data"') == 2  # the app and the migrate step


@pytest.mark.parametrize("env, url, writable, warned", [
    ('DATABASE_URL="file:/data/sqlite.db"\n', 'env("DATABASE_URL")', ["/data"], False),
    ("", 'env("DATABASE_URL")', ["/app/data"], False),
    ("", '"file:./dev.db"', [], True),
])
def test_prisma_sqlite_urls(tmp_path, env, url, writable, warned):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": "node server.js"},
                         "dependencies": {"express": "^4", "@prisma/client": "^5"}, "devDependencies": {"prisma": "^5"}},
        ".env.example": env, "server.js": "require('express')().listen(3000)\n",
        "prisma/schema.prisma": f'datasource db {{\n  provider = "sqlite"\n  url = {url}\n}}\n'})
    p = build_profile(tmp_path)
    assert p.writable_paths == writable
    assert any("Prisma SQLite database 'file:./dev.db'" in w for w in p.warnings) == warned


@pytest.mark.parametrize("scripts, argv", [
    ({"start": "npm run serve", "serve": "node dist/server.js"}, ["node", "dist/server.js"]),
    ({"start": "yarn serve", "serve": "node --env-file=.env dist/server.js"}, ["node", "dist/server.js"]),
    ({"start": "npm run serve", "serve": "node dist/server.js", "preserve": "npm run build"}, ["npm", "start"]),
    ({"start": "npm run serve", "serve": "node dist/a.js && node dist/b.js"}, ["npm", "start"]),
    ({"start": "npm run build && npm run serve", "serve": "node dist/server.js"}, ["npm", "start"]),
])
def test_start_running_a_node_script_runs_node(tmp_path, scripts, argv):
    write_tree(tmp_path, {"package.json": {"name": "x", "scripts": {**scripts, "build": "tsc"},
                                           "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5"}},
                          "tsconfig.json": "{}\n",
                          "src/server.ts": "import express from 'express'\nexpress().listen(3000)\n"})
    assert build_profile(tmp_path).entrypoint == argv


def test_strapi_keeps_its_sqlite_and_uploads_folders():
    p = build_profile(FIXTURES / "node-strapi")
    assert p.framework == "strapi" and p.entrypoint == ["/app/node_modules/.bin/strapi", "start"]
    assert p.ports == [1337] and p.port_env == "PORT" and p.health_path == "/_health"
    assert p.writable_paths == ["/app/.tmp", "/app/public/uploads"]
    assert p.build.runtime_env == {"HOST": "0.0.0.0"} and p.build.native  # better-sqlite3
    text = render.render(p)["Dockerfile"]
    assert "mkdir -p /app/.tmp /app/public/uploads" in text and "npm run build" in text


@pytest.mark.parametrize("start, dev, runtime_dev", [
    ("node --import tsx src/server.ts", {"tsx": "^4"}, True),
    ("node --loader ts-node/esm src/server.ts", {"ts-node": "^10"}, True),
    ("node -r dotenv/config server.js", {}, False),
    ("node --env-file .env --import=tsx/esm src/server.ts", {"tsx": "^4"}, True),
])
def test_node_preloading_a_dev_dependency_installs_every_dependency(tmp_path, start, dev, runtime_dev):
    write_tree(tmp_path, {
        "package.json": {"name": "x", "type": "module", "scripts": {"start": start},
                         "dependencies": {"express": "^4", "dotenv": "^16"}, "devDependencies": dev},
        "src/server.ts": "import express from 'express'\nexpress().listen(3000)\n",
        "server.js": "import express from 'express'\nexpress().listen(3000)\n"})
    p = build_profile(tmp_path)
    assert p.entrypoint[0] == "node" and "--env-file" not in p.entrypoint
    assert p.build.runtime_dev == runtime_dev


def test_test_tools_do_not_download_their_binaries_in_the_image(tmp_path):
    """cypress (a dev dependency) downloads its ~500 MB binary from its own host at install: skipped."""
    p, text = render_checked(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4"},
                         "devDependencies": {"cypress": "^13", "electron": "^33"}},
        "server.js": "require('express')().listen(3000)\n"})
    assert "CYPRESS_INSTALL_BINARY=0 ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --omit=dev" in text
    assert "CYPRESS_INSTALL_BINARY=0 ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit" not in text  # no build


def test_puppeteer_as_a_runtime_dependency_keeps_its_browser(tmp_path):
    _, text = render_checked(tmp_path, {
        "package.json": {"name": "x", "scripts": {"start": "node server.js", "build": "tsc"},
                         "dependencies": {"express": "^4", "puppeteer": "^23"}, "devDependencies": {"cypress": "^13"}},
        "server.js": "require('express')().listen(3000)\n"})
    assert "PUPPETEER_SKIP_DOWNLOAD" not in text and "CYPRESS_INSTALL_BINARY=0 npm install --no-audit" in text


def test_data_folder_used_when_it_exists_is_kept(tmp_path):
    """let dataDir = fs.existsSync('/data') ? '/data' : projectRoot: the image gives the app /data (a volume)."""
    p, text = render_checked(tmp_path, {
        "package.json": {"name": "x", "type": "module", "scripts": {"start": "node app.js"},
                         "dependencies": {"express": "^4"}},
        "app.js": "import fs from 'node:fs'\nimport express from 'express'\n"
                  "let dataDir = fs.existsSync('/data') ? '/data' : process.cwd()\n"
                  "let other = fs.existsSync('/') ? '/' : '.'\n"
                  "express().listen(5006)\nexport { dataDir, other }\n"})
    assert p.writable_paths == ["/data"] and not any("not a folder" in w for w in p.warnings)
    assert "mkdir -p /data" in text


# -- Eleventy and SolidStart ------------------------------------------------------------------

def test_eleventy_fixture_is_a_static_site_from_its_config_output_folder():
    p = build_profile(FIXTURES / "node-eleventy")
    assert p.framework == "eleventy" and p.build.kind == "spa" and p.build.out_dir == "www"
    assert p.entrypoint == ["nginx", "-g", "daemon off;"] and p.ports == [8080]
    assert (p.build.spa_fallback, p.build.not_found) == (None, "/404.html")
    text = render.render(p)["Dockerfile"]
    assert "RUN npm run build" in text and "COPY --from=build /app/www/ /usr/share/nginx/html" in text
    assert "--serve" not in text  # the start script is Eleventy's dev server


@pytest.mark.parametrize("build, config, out", [
    ("npx @11ty/eleventy", None, "_site"),
    ("eleventy --output=public_html", None, "public_html"),
    ("npx @11ty/eleventy --output dist --quiet", "export const config = {dir: {output: 'www'}};", "dist"),
    ("eleventy", "module.exports = function (c) { return {dir: {input: 'src', output: 'build'}}; };", "build"),
    ("eleventy --output=../outside", None, "_site"),
])
def test_eleventy_output_folder(tmp_path, build, config, out):
    files = {"package.json": '{"name": "blog", "scripts": {"build": "%s", "start": "eleventy --serve"}, '
                             '"devDependencies": {"@11ty/eleventy": "^3.0.0"}}' % build}
    if config:
        files["eleventy.config.js" if "export" in config else ".eleventy.js"] = config
    p = build_profile(write_tree(tmp_path, files))
    assert p.framework == "eleventy" and p.build.kind == "spa" and p.build.out_dir == out


def test_eleventy_used_by_a_server_without_a_build_script_stays_a_server(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "s", "scripts": {"start": "node server.js"}, '
                        '"dependencies": {"express": "^4.0.0", "@11ty/eleventy": "^3.0.0"}}',
        "server.js": "const app = require('express')();\napp.listen(process.env.PORT || 3000);\n"}))
    assert p.build.kind == "server" and p.entrypoint == ["node", "server.js"]


def test_solid_start_fixture_runs_the_nitro_server():
    p = build_profile(FIXTURES / "node-solid-start")
    assert p.framework == "solid-start" and p.build.kind == "server"
    assert p.entrypoint == ["node", ".output/server/index.mjs"] and p.ports == [3000] and p.port_env == "PORT"
    assert not p.warnings or all("preset" not in w for w in p.warnings)
    text = render.render(p)["Dockerfile"]
    final = stages(text)[-1]
    assert "HOST=0.0.0.0" in final and "COPY --from=build /app/.output ./.output" in final
    assert "node_modules" not in final and "vinxi" not in final


def test_solid_start_with_another_nitro_preset_is_warned_about(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "s", "scripts": {"build": "vite build", "start": "vite serve"}, '
                        '"dependencies": {"@solidjs/start": "^2.0.0", "solid-js": "^1.9.0"}}',
        "vite.config.ts": "import { nitro } from 'nitro/vite';\nexport default { plugins: [nitro({ preset: 'netlify' })] };\n"}))
    assert p.entrypoint == ["node", ".output/server/index.mjs"]
    assert any("'netlify' preset" in w for w in p.warnings)


def test_solid_start_static_preset_is_served_by_nginx(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "s", "scripts": {"build": "vinxi build", "start": "vinxi start"}, '
                        '"dependencies": {"@solidjs/start": "^1.0.0", "vinxi": "^0.5.0"}}',
        "app.config.ts": "export default { ssr: false, server: { preset: 'static' } };\n"}))
    assert p.build.kind == "spa" and p.build.out_dir == ".output/public" and p.build.spa_fallback == "/index.html"


# -- fastify-cli, env-cmd, plugins that carry a database client -----------------------------

def test_fastify_cli_fixture_listens_on_all_addresses_without_env_cmd():
    p = build_profile(FIXTURES / "node-fastify-cli")
    assert p.framework == "fastify"
    assert p.entrypoint == ["/app/node_modules/.bin/fastify", "start", "-l", "info", "app.js"]
    assert p.ports == [3000] and p.port_env == "PORT"
    assert p.build.runtime_env == {"FASTIFY_ADDRESS": "0.0.0.0"}
    # local.env's settings: the secret without its value, the rest with theirs
    assert p.env_var("API_TOKEN").secret and p.env_var("API_TOKEN").default is None
    assert p.env_var("NOTES_PAGE_SIZE").default == "20"
    # @fastify/mongodb brings its own client: the service is added and tied to the URL it reads
    assert [s.kind for s in p.services] == ["mongodb"] and p.services[0].env_var == "MONGODB_URL"
    assert any("local.env" in w and ".dockerignore" in w for w in p.warnings)
    text = render.render(p)["Dockerfile"]
    assert "FASTIFY_ADDRESS=0.0.0.0" in stages(text)[-1] and "env-cmd" not in text


@pytest.mark.parametrize("start, argv, files", [
    ("env-cmd local.env node server.js", ["node", "server.js"], ["local.env"]),
    ("env-cmd -f ./config/prod.env --no-override node server.js", ["node", "server.js"], ["./config/prod.env"]),
    ("env-cmd --file=.env.prod node server.js", ["node", "server.js"], [".env.prod"]),
    ("env-cmd node server.js", ["node", "server.js"], []),
    ("dotenv -e .env.local -- node server.js", ["node", "server.js"], [".env.local"]),
    ("NODE_ENV=production dotenv -- node server.js", ["node", "server.js"], []),
])
def test_env_file_wrappers_are_unwrapped(start, argv, files):
    from containerize.languages.node import _command, _unwrap_env_file
    assert _command(start) == argv
    words = start.split()
    words = words[next(i for i, w in enumerate(words) if w in ("env-cmd", "dotenv")):]
    assert _unwrap_env_file(words)[1] == files


def test_fastify_start_with_its_own_port_and_address_flags(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "f", "scripts": {"start": "fastify start --address 0.0.0.0 -p 8080 app.js"}, '
                        '"dependencies": {"fastify": "^5.0.0", "fastify-cli": "^7.0.0"}}',
        "app.js": "module.exports = async function (app) { app.get('/', async () => 'hi') }\n"}))
    assert p.entrypoint[1:] == ["start", "--address", "0.0.0.0", "-p", "8080", "app.js"]
    assert "FASTIFY_ADDRESS" not in p.build.runtime_env
    assert p.ports == [8080] and p.port_env is None


@pytest.mark.parametrize("dep, kind", [
    ("@payloadcms/db-mongodb", "mongodb"), ("@payloadcms/db-postgres", "postgres"), ("fastify-redis", "redis"),
    ("@fastify/postgres", "postgres"), ("@nestjs/mongoose", "mongodb"),
])
def test_plugins_with_their_own_database_client_add_the_service(tmp_path, dep, kind):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "p", "scripts": {"start": "node server.js"}, '
                        '"dependencies": {"express": "^4.0.0", "%s": "^1.0.0"}}' % dep,
        "server.js": "const app = require('express')();\nconst db = require('%s');\n"
                     "app.listen(process.env.PORT || 3000);\n" % dep}))
    assert [s.kind for s in p.services] == [kind]


def test_a_database_adapter_the_code_does_not_import_adds_no_service(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "cms", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4.0.0", '
                        '"payload": "^2.0.0", "@payloadcms/db-mongodb": "^1.0.0", "@payloadcms/db-postgres": "^0.8.0"}}',
        "payload.config.ts": "// import { postgresAdapter } from '@payloadcms/db-postgres'\n"
                             "import { mongooseAdapter } from '@payloadcms/db-mongodb'\n"
                             "export default { db: mongooseAdapter({ url: process.env.DATABASE_URI }) }\n",
        "server.js": "const app = require('express')();\napp.listen(process.env.PORT || 3000);\n"}))
    assert [s.kind for s in p.services] == ["mongodb"]


# -- hapi without listen(), programs without package.json ------------------------------------

def test_hapi_fixture_takes_the_port_env_from_the_server_options():
    p = build_profile(FIXTURES / "node-hapi")
    assert p.framework == "hapi" and p.entrypoint == ["node", "lib/start.js"]
    assert p.ports == [8000] and p.port_env == "PORT"
    assert p.health_path == "/status"
    # @hapi/catbox-redis carries the Redis client
    assert [(s.kind, s.env_var) for s in p.services] == [("redis", "REDIS_URL")]


def test_hapi_with_tls_options_is_probed_over_https():
    p = build_profile(FIXTURES / "node-hapi-tls")
    assert p.tls and p.ports == [8443] and p.health_path == "/health"
    assert any(w.startswith("lib/server.js:14: the app answers HTTPS itself") for w in p.warnings)
    files = render.render(p)
    health = next(line for line in files["Dockerfile"].splitlines() if "127.0.0.1" in line)
    assert "require('https').get(" in health and "rejectUnauthorized: false" in health and "fetch(" not in health
    assert "https://127.0.0.1:8443" in files["compose.yaml"] and "<https://127.0.0.1:8443/>" in files["README.Docker.md"]
    from containerize.k8s.manifests import _probes
    assert _probes(p)["readinessProbe"]["httpGet"] == {"path": "/health", "port": "http", "scheme": "HTTPS"}


@pytest.mark.parametrize("server", [
    "const https = require('https');\nhttps.createServer({ key, cert }, app).listen(3443);\n",
    "import { createSecureServer } from 'node:http2';\ncreateSecureServer({ key, cert }, app).listen(3443);\n",
])
def test_node_https_servers_are_probed_over_https(tmp_path, server):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "s", "scripts": {"start": "node server.mjs"}, "dependencies": {"express": "^4.19.0"}}',
        "server.mjs": "import express from 'express';\nconst app = express();\nconst key = 'k', cert = 'c';\n"
                      "app.get('/', (req, res) => res.send('hi'));\n" + server}))
    assert p.tls and p.ports == [3443]


@pytest.mark.parametrize("tls, served", [
    ("tls: true", True), ("tls: false", False), ("tls: undefined", False), ("port: 1", False),
])
def test_hapi_tls_option_values(tmp_path, tls, served):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "h", "scripts": {"start": "node server.js"}, "dependencies": {"@hapi/hapi": "^21.0.0"}}',
        "server.js": "const Hapi = require('@hapi/hapi');\n"
                     f"const options = {{ port: 4000, {tls} }};\nconst server = new Hapi.Server(options);\nserver.start();\n"}))
    assert p.tls is served
    assert not any("HTTPS" in w for w in p.warnings) or served


def test_hapi_tls_set_at_run_time_is_a_warning_not_an_https_probe(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "h", "scripts": {"start": "node server.js"}, "dependencies": {"@hapi/hapi": "^21.0.0"}}',
        "server.js": "const Hapi = require('@hapi/hapi');\nconst fs = require('fs');\n"
                     "const server = Hapi.server({ port: 4000, tls: process.env.TLS_KEY ? { key: "
                     "fs.readFileSync(process.env.TLS_KEY) } : false });\nserver.start();\n"}))
    assert not p.tls
    assert any("server.js:3: the server may answer HTTPS" in w for w in p.warnings)


def test_catbox_redis_with_no_url_nor_host_connects_to_127_0_0_1():
    p = build_profile(FIXTURES / "node-hapi-catbox-local")
    assert [s.kind for s in p.services] == ["redis"]
    (conn,) = [c for c in p.connections if c.kind == "redis"]
    assert conn.host == "127.0.0.1" and not conn.host_env and (conn.file, conn.line) == ("server.js", 14)
    assert any(w.startswith("server.js:14 connects to redis on 127.0.0.1 with no env var") for w in p.warnings)


@pytest.mark.parametrize("cache", [
    "provider: { constructor: CatboxRedis, options: { host: process.env.REDIS_HOST || '127.0.0.1', port: 6379 } }",
    "engine: new CatboxRedis({ host: process.env.REDIS_HOST || '127.0.0.1' })",
    "engine: require('catbox-redis'), host: process.env.REDIS_HOST || '127.0.0.1', partition: 'p'",
])
def test_catbox_redis_host_env_is_wired_to_the_redis_service(tmp_path, cache):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "h", "scripts": {"start": "node server.js"}, "dependencies": {"@hapi/hapi": '
                        '"^21.0.0", "@hapi/catbox-redis": "^7.0.0", "catbox-redis": "^4.0.0"}}',
        "server.js": "const Hapi = require('@hapi/hapi');\nconst { Engine: CatboxRedis } = require('@hapi/catbox-redis');\n"
                     f"const server = Hapi.server({{ port: 4000, cache: [{{ name: 'c', {cache} }}] }});\n"
                     "server.start();\n"}))
    (conn,) = [c for c in p.connections if c.kind == "redis"]
    assert conn.host_env == "REDIS_HOST"
    assert not any("connects to redis on" in w for w in p.warnings)
    assert 'REDIS_HOST: "${REDIS_HOST:-redis}"' in render.render(p)["compose.yaml"]


# -- Nx: `nx serve` is the watching dev server; the image runs what the build target writes ---------------

def test_nx_serve_runs_the_build_output_with_node():
    p = build_profile(FIXTURES / "node-nx-express")
    assert p.entrypoint == ["node", "dist/api"] and p.build_command is not None
    assert p.evidence["entrypoint"][0].file == "project.json"
    assert not p.build.runtime_dev and not any("nx" in w for w in p.warnings if "dev dependencies" in w)
    assert p.health_path == "/api/health"


NX_PKG = '{"name": "ws", "scripts": {"start": "%s", "build": "nx build api"}, "dependencies": {"express": "^4.21.0"}, ' \
    '"devDependencies": {"nx": "19.8.4"}}'


@pytest.mark.parametrize("start, build, where, argv", [
    ("nx serve api", '"executor": "@nx/webpack:webpack", "options": {"outputPath": "dist/apps/api", "main": '
     '"apps/api/src/main.ts"}', "apps/api/project.json", ["node", "dist/apps/api/main.js"]),
    ("nx run api:serve", '"executor": "@nx/js:tsc", "options": {"outputPath": "dist/api", "main": "src/main.ts"}',
     "project.json", ["node", "dist/api/src/main.js"]),
    ("nx serve", '"executor": "@nx/esbuild:esbuild", "options": {"outputPath": "dist/api", "main": "src/main.ts", '
     '"esbuildOptions": {"outExtension": {".js": ".js"}}}', "project.json", ["node", "dist/api/main.js"]),
    # esbuild's extension without outExtension or a generated package.json is not known: as the project starts it
    ("nx serve", '"executor": "@nx/esbuild:esbuild", "options": {"outputPath": "dist/api", "main": "src/main.ts"}',
     "project.json", ["npm", "start"]),
    # a path out of the project is not run
    ("nx serve", '"executor": "@nx/webpack:webpack", "options": {"outputPath": "../dist", "main": "src/main.ts"}',
     "project.json", ["npm", "start"]),
])
def test_nx_serve_targets(tmp_path, start, build, where, argv):
    p = build_profile(write_tree(tmp_path, {
        "package.json": NX_PKG % start,
        where: '{"name": "api", "targets": {"build": {%s}, "serve": {"executor": "@nx/js:node", '
               '"options": {"buildTarget": "api:build"}}}}' % build,
        "e2e/project.json": '{"name": "e2e", "targets": {}}',
        (posixpath.dirname(where) + "/" if "/" in where else "") + "src/main.ts":
            "import express from 'express';\nexpress().listen(3000);\n"}))
    assert p.entrypoint == argv


# -- node-config: env vars mapped onto settings in config/custom-environment-variables.* ---------------------

def test_node_config_env_mapping_gives_the_port_and_settings():
    p = build_profile(FIXTURES / "node-koa-config")
    assert p.ports == [8074] and p.port_env == "PORT"  # production.yml overrides default.yml's 3000
    assert [(e.name, e.default, e.secret) for e in p.env] == [
        ("HOST", "0.0.0.0", False), ("PORT", "8074", False), ("GREETING", "hello from node-config", False),
        ("SESSION_SECRET", None, True)]
    assert "change-me" not in render.render(p)["compose.yaml"]


@pytest.mark.parametrize("deps, mapping, env", [
    ('{"config": "^3.3.0", "express": "^4.21.0"}',
     '{"db": {"url": "DATABASE_URL", "pool": {"__name": "DB_POOL", "__format": "json"}}, "api": {"port": "API_PORT"}}',
     [("DATABASE_URL", None, True), ("DB_POOL", "5", False), ("API_PORT", "4000", False)]),
    ('{"express": "^4.21.0"}', '{"db": {"url": "DATABASE_URL"}}', []),  # not node-config's folder
])
def test_node_config_json_mapping(tmp_path, deps, mapping, env):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "c", "scripts": {"start": "node app.js"}, "dependencies": %s}' % deps,
        "config/custom-environment-variables.json": mapping,
        "config/default.json": '{"db": {"pool": 5}, "api": {"port": 4000}}',
        "app.js": "const express = require('express');\nexpress().listen(require('config').get('api.port'));\n"}))
    assert [(e.name, e.default, e.secret) for e in p.env] == env
    assert (p.ports, p.port_env) == (([4000], "API_PORT") if env else ([3000], None))


def test_what_a_setup_script_writes_is_no_folder_of_the_app(tmp_path):
    """next-saas-starter's "db:setup": "npx tsx lib/db/setup.ts" writes .env and docker-compose.yml: a one-off
    tool, so no warning about the app writing in its own folder; the server's own writes still count."""
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "s", "scripts": {"start": "node server.js", "db:setup": "npx tsx lib/db/setup.ts"},'
                        ' "dependencies": {"express": "^4.21.0"}}',
        "lib/db/setup.ts": "import fs from 'node:fs';\nfs.writeFileSync('.env', 'A=1');\n"
                           "fs.mkdirSync('backups');\n",
        "server.js": "const fs = require('fs');\nconst express = require('express');\n"
                     "fs.mkdirSync('uploads', { recursive: true });\nexpress().listen(3000);\n"}))
    assert p.writable_paths == ["/app/uploads"]
    assert not any("inside its own folder" in w for w in p.warnings)


def test_a_client_port_option_is_not_the_server_port_env(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "h", "scripts": {"start": "node server.js"}, "dependencies": {"@hapi/hapi": "^21.0.0"}}',
        "server.js": "const Hapi = require('@hapi/hapi');\n"
                     "const mail = { port: process.env.SMTP_PORT || 587 };\n"
                     "const server = Hapi.server({ port: 4000 });\nserver.start();\n"}))
    assert p.ports == [4000] and p.port_env is None


def test_a_program_without_package_json_that_imports_packages_is_warned_about(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "app.js": "const Koa = require('koa');\nconst fs = require('node:fs');\nconst path = require('path');\n"
                  "const Router = require('@koa/router');\nconst views = require('./lib/views');\n"
                  "const app = new Koa();\napp.listen(3000);\n"}))
    assert p.entrypoint == ["node", "app.js"] and p.ports == [3000]
    warning = next(w for w in p.warnings if "no package.json" in w)
    assert "@koa/router, koa but" in warning and "npm install @koa/router koa" in warning
    assert "path" not in warning.split(" but")[0] and "./lib" not in warning


def test_a_program_without_package_json_using_only_builtins_has_no_warning():
    p = build_profile(FIXTURES / "node-no-manifest")
    assert not any("no package.json" in w for w in p.warnings)


# -- Nest's monorepo mode ----------------------------------------------------------------------

def test_nest_monorepo_fixture_runs_the_default_project():
    p = build_profile(FIXTURES / "node-nest-monorepo")
    assert p.framework == "nestjs" and p.entrypoint == ["node", "dist/apps/gateway/main.js"]
    # the other application's port and settings are not this image's
    assert p.ports == [3000] and p.port_env == "GATEWAY_PORT" and p.env_var("ORDERS_PORT") is None
    assert p.health_path == "/health"
    assert "RUN npm run build" in render.render(p)["Dockerfile"]


def test_nest_monorepo_start_script_names_the_project(tmp_path):
    src = FIXTURES / "node-nest-monorepo"
    files = {str(f.relative_to(src)): f.read_text() for f in src.rglob("*") if f.is_file()}
    files["package.json"] = files["package.json"].replace('"start": "nest start"', '"start": "nest start orders"')
    p = build_profile(write_tree(tmp_path, files))
    assert p.entrypoint == ["node", "dist/apps/orders/main.js"]
    assert p.ports == [3001] and p.port_env == "ORDERS_PORT" and p.env_var("GATEWAY_PORT") is None


def test_nest_without_monorepo_mode_keeps_dist_main(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "n", "scripts": {"build": "nest build", "start": "nest start"}, '
                        '"dependencies": {"@nestjs/core": "^10.0.0"}}',
        "nest-cli.json": '{"collection": "@nestjs/schematics", "sourceRoot": "src"}',
        "src/main.ts": "import { NestFactory } from '@nestjs/core';\n"
                       "async function bootstrap() { const app = await NestFactory.create(AppModule); "
                       "await app.listen(3000); }\nbootstrap();\n"}))
    assert p.entrypoint == ["node", "dist/main.js"]


# -- Qwik City ---------------------------------------------------------------------------------

def test_qwik_fixture_runs_the_express_adapter_server():
    p = build_profile(FIXTURES / "node-qwik")
    assert p.framework == "qwik" and p.build.kind == "server"
    assert p.entrypoint == ["node", "server/entry.express"]  # as scripts.serve starts it
    assert p.ports == [3000] and p.port_env == "PORT"
    # express is a devDependency, as in Qwik's starters: the runtime keeps every package
    assert p.build.runtime_dev and any("express" in w and "dev dependencies" in w for w in p.warnings)
    final = stages(render.render(p)["Dockerfile"])[-1]
    assert "COPY --from=build /app/dist ./dist" in final and "COPY --from=build /app/server ./server" in final
    assert "vite --open" not in final and "nginx" not in final


def test_qwik_with_the_static_adapter_is_served_by_nginx(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "q", "scripts": {"build": "qwik build", "start": "vite --open --mode ssr"}, '
                        '"devDependencies": {"@builder.io/qwik": "^1.9.0", "@builder.io/qwik-city": "^1.9.0", '
                        '"vite": "^5.0.0"}}',
        "adapters/static/vite.config.ts": "export default {};\n"}))
    assert p.framework == "qwik" and p.build.kind == "spa" and p.build.out_dir == "dist"
    assert p.build.not_found == "/404.html"


def test_qwik_without_a_server_adapter_is_warned_about(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "q", "scripts": {"build": "qwik build", "start": "vite --open --mode ssr"}, '
                        '"devDependencies": {"@builder.io/qwik": "^1.9.0", "@builder.io/qwik-city": "^1.9.0", '
                        '"vite": "^5.0.0"}}',
        "adapters/cloudflare-pages/vite.config.ts": "export default {};\n"}))
    assert p.framework == "qwik"
    assert any("cloudflare-pages" in w and "qwik add express" in w for w in p.warnings)


def test_the_service_is_tied_to_the_url_var_the_adapter_connects_with(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "cms", "scripts": {"start": "node dist/server.js", "build": "tsc"}, '
                        '"dependencies": {"express": "^4.0.0", "payload": "^2.0.0", "@payloadcms/db-mongodb": "^1.0.0"}}',
        "src/payload.config.ts": "import { mongooseAdapter } from '@payloadcms/db-mongodb'\n"
                                 "export default { db: mongooseAdapter({ url: process.env.DATABASE_URI }) }\n",
        "src/scripts/migrate.ts": "const { MONGODB_URI } = process.env\nconsole.log(MONGODB_URI)\n",
        "src/server.ts": "import express from 'express'\nconst app = express()\napp.listen(process.env.PORT || 3000)\n"}))
    assert [(s.kind, s.env_var) for s in p.services] == [("mongodb", "DATABASE_URI")]
    assert p.env_var("DATABASE_URI").secret


# -- Procfile ----------------------------------------------------------------------------------

def test_procfile_fixture_runs_the_web_process_and_the_worker_beside_it():
    p = build_profile(FIXTURES / "node-procfile")
    assert p.entrypoint == ["node", "build/server.js"]  # not main (index.js), which the app doesn't have
    assert p.ports == [5000] and p.port_env == "PORT" and p.health_path == "/healthz"
    assert [(w.name, w.command) for w in p.workers] == [("worker", ["node", "build/jobs.js"])]
    compose = render.render(p)["compose.yaml"]
    assert "  worker:\n" in compose and "build/jobs.js" in compose


@pytest.mark.parametrize("web, argv", [
    ("web: node --env-file=.env dist/index.js", ["node", "dist/index.js"]),
    ("web: NODE_ENV=production node server.js", ["node", "server.js"]),
    ("web: env-cmd -f prod.env node server.js", ["node", "server.js"]),
    ("web: npm start", ["node", "app.js"]),  # the start script decides
    ("web: node -e \"require('./app')\"", ["node", "app.js"]),
])
def test_procfile_web_process(tmp_path, web, argv):
    p = build_profile(write_tree(tmp_path, {
        "package.json": '{"name": "w", "scripts": {"start": "node app.js"}, "dependencies": {"express": "^4.0.0"}}',
        "Procfile": web + "\n",
        "app.js": "const app = require('express')();\napp.listen(process.env.PORT || 3000);\n",
        "server.js": "require('./app');\n", "dist/index.js": "require('../app');\n"}))
    assert p.entrypoint == argv and not p.workers


# -- gRPC servers ---------------------------------------------------------------------------------

def test_grpc_server_with_no_start_script_is_a_server_that_speaks_no_http():
    p = build_profile(FIXTURES / "node-grpc")
    assert p.entrypoint == ["node", "server.js"] and p.build.kind == "server"
    assert p.ports == [50051] and p.port_env == "PORT"
    assert p.evidence["ports"][0].why.startswith("the gRPC server binds `0.0.0.0:${PORT}` (at server.js:19)")
    assert p.health_path is None and "speaks no HTTP/1" in p.evidence["health_path"][-1].why
    dockerfile = render.render(p)["Dockerfile"]
    healthcheck = dockerfile.split("HEALTHCHECK", 1)[1].split("\nCMD", 1)[0]
    assert "require('net').connect(Number((process.env.PORT || 50051)), '127.0.0.1'" in healthcheck
    assert "fetch(" not in healthcheck and "http" not in healthcheck
    assert "    PORT=50051\n" in dockerfile  # the ENV the image sets


GRPC_PACKAGE = '{"name": "g", "dependencies": {"@grpc/grpc-js": "^1.12.5"}}'
GRPC_SHAPES = {
    # ESM names, a literal address
    "esm-literal": ({"server.mjs": """\
        import { Server, ServerCredentials } from '@grpc/grpc-js';
        const server = new Server();
        server.bindAsync('0.0.0.0:50052', ServerCredentials.createInsecure(), () => {});
        """}, "server.mjs", [50052], None),
    # `+` with an env read that has a default, bound through a name
    "concat-name": ({"index.js": """\
        const grpc = require('@grpc/grpc-js');
        const port = process.env.GRPC_PORT || '7000';
        const address = '0.0.0.0:' + port;
        const server = new grpc.Server();
        server.bindAsync(address, grpc.ServerCredentials.createInsecure(), () => server.start());
        """}, "index.js", [7000], "GRPC_PORT"),
    # a class that keeps the port in this.port (the address doesn't show it): the PORT the app reads
    "class-this-port": ({"index.js": """\
        const GreeterServer = require('./server');
        const PORT = process.env['PORT'];
        const server = new GreeterServer(PORT);
        server.listen();
        """, "server.js": """\
        const grpc = require('@grpc/grpc-js');
        class GreeterServer {
          constructor(port) {
            this.port = port;
            this.server = new grpc.Server();
          }
          listen() {
            const port = this.port;
            this.server.bindAsync(`[::]:${port}`, grpc.ServerCredentials.createInsecure(), () => {});
          }
          static handler(call, callback) { callback(null, {}); }
        }
        GreeterServer.bound = GreeterServer.handler.bind(GreeterServer);
        module.exports = GreeterServer;
        """}, "index.js", [50051], "PORT"),
}


@pytest.mark.parametrize("shape", GRPC_SHAPES)
def test_grpc_server_shapes(tmp_path, shape):
    files, entry, ports, port_env = GRPC_SHAPES[shape]
    package = dict(json.loads(GRPC_PACKAGE), main=entry)
    p = build_profile(write_tree(tmp_path, {"package.json": package, **files}))
    assert p.entrypoint == ["node", entry] and p.build.kind == "server"
    assert p.ports == ports and p.port_env == port_env
    assert p.health_path is None


def test_grpc_beside_an_http_server_keeps_the_http_probe(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "package.json": {"name": "g", "main": "server.js",
                         "dependencies": {"@grpc/grpc-js": "^1.12.5", "express": "^4.21.2"}},
        "server.js": """\
            const express = require('express');
            const grpc = require('@grpc/grpc-js');
            const app = express();
            app.get('/healthz', (req, res) => res.send('ok'));
            app.listen(8080);
            const server = new grpc.Server();
            server.bindAsync('0.0.0.0:50051', grpc.ServerCredentials.createInsecure(), () => {});
            """}))
    assert p.ports == [8080, 50051] and p.health_path == "/healthz"
