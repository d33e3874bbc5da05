"""Generate container files for each Node.js and static-site fixture, build them, run them, probe them."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest

from harness import assert_dependency_step_cached, built_image, generate, http_get, rebuild_steps, running

pytestmark = pytest.mark.docker


@dataclass
class App:
    fixture: str
    port: int
    path: str  # a path that must answer 200
    body: str  # text the answer must contain
    user: str  # the uid the image runs as
    secret: str | None = None  # env var that carries a secret at run time
    absent: tuple[str, ...] = ()  # paths that must not be in the final image (dev dependencies, sources)
    also: tuple[tuple[str, str], ...] = ()  # more (path, text) probes: API routes, client routes
    present: tuple[str, ...] = ()  # paths that must be in the final image
    missing: tuple[tuple[str, str], ...] = ()  # (path, text) probes that must answer 404 with that page


APPS = [
    App("node-express", 3000, "/health", '"ok":true', "1000", secret="API_TOKEN"),
    App("node-pnpm", 8080, "/?name=pnpm", "hello, pnpm", "1000", absent=("/app/node_modules/is-number",
                                                                         "/app/node_modules/.pnpm/is-number@7.0.0")),
    App("node-yarn", 4000, "/status", '"up"', "1000", secret="SESSION_SECRET", absent=("/app/node_modules/is-number",)),
    App("node-typescript", 8000, "/", "hello from typescript", "1000", secret="JWT_SECRET",
        absent=("/app/node_modules/typescript",)),
    App("node-vite", 8080, "/about", '<div id="app">', "101", absent=("/usr/share/nginx/html/src",)),
    App("static-site", 8080, "/about.html", "Plain HTML and CSS", "101",
        absent=("/usr/share/nginx/html/README.md", "/usr/share/nginx/html/Dockerfile")),
    App("node-values", 8080, "/", "hello from node-values", "1000", secret="NOTES_TOKEN",
        also=(("/healthz", '"ok":true'),)),
    # Next.js output: "standalone": .next/standalone + .next/static + public, no full node_modules
    App("node-next-standalone", 3000, "/", "Rendered on the server by Next.js", "1000",
        absent=("/app/node_modules/is-number", "/app/node_modules/typescript", "/app/app/page.js"),
        also=(("/api/health", '"ok":true'), ("/robots.txt", "User-agent")),
        present=("/app/server.js", "/app/.next/static", "/app/public/robots.txt")),
    # SvelteKit adapter-node: node build, PORT; vite and the sources stay in the build stage
    App("node-sveltekit", 3000, "/", "Rendered by SvelteKit on the server", "1000",
        absent=("/app/node_modules/vite", "/app/node_modules/@sveltejs/kit", "/app/src"),
        also=(("/api/items", '"items":["one","two"]'),), present=("/app/build/index.js",)),
    # pnpm workspace: the start script calls pnpm; each package's own node_modules is in the image
    App("node-pnpm-workspace", 3000, "/api/items", '"greeting":"hello, workspace"', "1000",
        absent=("/app/apps/api/node_modules/is-number",),
        also=(("/api/items?name=%3Cb%3E", "hello, &lt;b&gt;"),),
        present=("/app/packages/greeting/node_modules/escape-html",)),
    # React Router v7 in SPA mode: static files, every client route answers index.html
    App("node-react-router-spa", 8080, "/", "Client-routes-by-React-Router", "101",
        absent=("/usr/share/nginx/html/app",),
        also=(("/about", "Client-routes-by-React-Router"), ("/no/such/route", "Client-routes-by-React-Router"))),
    # Astro with the Node adapter: HOST=0.0.0.0 and PORT 4321 in the image
    App("node-astro", 4321, "/", "Rendered by Astro on the server", "1000",
        absent=("/app/node_modules/is-number", "/app/src"),
        also=(("/api/status.json", '"status":"up"'),)),
    # Nuxt: node .output/server/index.mjs; the page is rendered with the API's answer in it; .output only
    App("node-nuxt", 3000, "/", "Rendered by Nuxt on the server", "1000",
        absent=("/app/node_modules", "/app/app", "/app/server"),
        also=(("/", "hello from Nitro"), ("/api/hello", '"greeting":"hello from Nitro"')),
        present=("/app/.output/server/index.mjs",)),
    # Next.js output: "export": nginx serves out/; a path the site doesn't have is its exported 404 page
    App("node-next-export", 8080, "/", "Exported to static HTML by Next.js", "101",
        absent=("/usr/share/nginx/html/app", "/usr/share/nginx/html/package.json"),
        also=(("/about", "About this statically exported site"), ("/robots.txt", "User-agent")),
        missing=(("/no/such/page", "No page at this address"),)),
    # Yarn Berry: the committed .yarn/releases/yarn-4.9.2.cjs installs (Plug'n'Play turned into node_modules)
    App("node-yarn-berry", 3000, "/?name=%3Ci%3E", "Installed by the committed Yarn release, &lt;i&gt;", "1000",
        absent=("/app/node_modules/is-number", "/app/.pnp.cjs"),
        also=(("/api/greeting", '"greeting":"hello from yarn berry"'),),
        present=("/app/node_modules/escape-html",)),
    # a native addon (bcrypt) installed on the full image; the runtime is slim, without the build tools
    App("node-native", 3000, "/api/verify?password=correct%20horse%20battery%20staple", '"verified":true', "1000",
        absent=("/app/node_modules/is-number", "/usr/bin/g++", "/usr/bin/make"),
        also=(("/api/verify?password=wrong", '"verified":false'),),
        present=("/app/node_modules/bcrypt",)),
    # package.json5: pnpm (the version packageManager pins) installs from it
    App("node-json5", 3000, "/?name=%3Cb%3E", "Installed from package.json5, &lt;b&gt;", "1000",
        absent=("/app/node_modules/is-number",), also=(("/api/info", '"manifest":"package.json5"'),),
        present=("/app/node_modules/escape-html",)),
    # Eleventy: the build script writes the site to www/ (dir.output of its config); nginx serves it, with
    # the site's own 404 page; the start script (Eleventy's dev server) is not used
    App("node-eleventy", 8080, "/", "Built by Eleventy into www/", "101",
        absent=("/usr/share/nginx/html/content", "/usr/share/nginx/html/package.json"),
        also=(("/notes/first/", "The first note of this static site"), ("/style.css", "font-family")),
        missing=(("/no/such/note", "No note at this address"),)),
    # a main.js with no package.json: nothing installed, node main.js
    App("node-no-manifest", 8000, "/", "a lone main.js, no package.json", "1000",
        also=(("/api/time", '"source":"main.js without package.json"'),), absent=("/app/node_modules",)),
    # an ES module Hono server started by tsx (a dev dependency) from its TypeScript, without --env-file
    App("node-hono-tsx", 8787, "/?name=docker", "hello from Hono under tsx, docker", "1000",
        also=(("/healthz", '"ok":true'),), present=("/app/node_modules/.bin/tsx", "/app/src/server.ts")),
    # an Nx workspace whose start script is `nx serve`: the image runs the build's dist/api (its package.json
    # names main.cjs) with node, without nx or the other dev dependencies
    App("node-nx-express", 3000, "/", "hello from an Nx-built Express API", "1000",
        also=(("/api/health", '"status":"ok"'),), absent=("/app/node_modules/nx", "/app/node_modules/esbuild"),
        present=("/app/dist/api/package.json", "/app/node_modules/express")),
    # node-config: the port is config/production.yml's (NODE_ENV=production), PORT maps onto it
    App("node-koa-config", 8074, "/", "hello from node-config", "1000", also=(("/health", '"ok":true'),),
        present=("/app/config/custom-environment-variables.yml",)),
    # heroku-postbuild installs and builds frontend/ (its own package.json and lockfile); the server serves
    # frontend/build with NODE_ENV=production; frontend's node_modules and the dev dependencies stay out
    App("node-heroku-postbuild", 5000, "/", "The shop's front end, &lt;built by heroku-postbuild&gt;", "1000",
        secret="JWT_SECRET", also=(("/api/products", '"name":"Mechanical keyboard"'),
                                   ("/cart/checkout", "The shop's front end")),
        absent=("/app/frontend/node_modules", "/app/node_modules/is-number"),
        present=("/app/frontend/build/index.html", "/app/node_modules/multer")),
]


@pytest.mark.parametrize("app", APPS, ids=lambda a: a.fixture)
def test_app_builds_runs_and_answers(docker, tmp_path, app: App):
    project, profile = generate(tmp_path, app.fixture)
    assert profile["ports"][0] == app.port
    dockerfile = (project / "Dockerfile").read_text()
    assert f"EXPOSE {app.port}" in dockerfile and "HEALTHCHECK" in dockerfile

    sentinel = f"sentinel-{uuid.uuid4().hex}"
    env = [f"-e{app.secret}={sentinel}"] if app.secret else []
    with built_image(project, app.fixture) as image:
        assert image.user.split(":")[0] == app.user, f"image runs as {image.user!r}"
        with running(image, "-p", f"127.0.0.1::{app.port}", *env) as container:
            host_port = container.port(app.port)
            status, body = http_get(f"http://127.0.0.1:{host_port}{app.path}", container=container)
            assert status == 200, body
            assert app.body in body
            for path, text in app.also:
                status, body = http_get(f"http://127.0.0.1:{host_port}{path}", container=container)
                assert status == 200 and text in body, f"{path}: {status} {body[:500]}"
            for path, text in app.missing:
                status, body = http_get(f"http://127.0.0.1:{host_port}{path}", container=container)
                assert status == 404 and text in body, f"{path}: {status} {body[:500]}"
            for path in app.present:
                assert container.exec("test", "-e", path, check=False).returncode == 0, f"{path} is not in the image"
            assert container.exec("id", "-u").stdout.strip() == app.user
            health = container.run_healthcheck()
            assert health.returncode == 0, f"HEALTHCHECK failed: {health.stdout}{health.stderr}"
            for path in app.absent:
                assert container.exec("test", "!", "-e", path, check=False).returncode == 0, f"{path} is in the image"
            if app.user == "1000":
                env_of_node = container.exec("cat", "/proc/1/environ").stdout.split("\0")
                assert "NODE_ENV=production" in env_of_node
                # PID 1 is node itself (exec form; next-server renames its process title, so read the binary)
                assert container.exec("readlink", "/proc/1/exe").stdout.strip().endswith("/node")
        if app.secret:
            assert not image.contains(sentinel), "a secret given at run time ended up in the image"


def test_vite_spa_serves_index_for_client_routes_and_404_stays_static(docker, tmp_path):
    """The SPA fallback: any route answers index.html; a missing asset of the plain site is a 404."""
    spa, _ = generate(tmp_path, "node-vite")
    site_root = tmp_path / "static"
    site_root.mkdir()
    site, _ = generate(site_root, "static-site")
    with built_image(spa, "node-vite") as spa_image, built_image(site, "static-site") as site_image:
        with running(spa_image, "-p", "127.0.0.1::8080") as c1, running(site_image, "-p", "127.0.0.1::8080") as c2:
            index = http_get(f"http://127.0.0.1:{c1.port(8080)}/", container=c1)
            deep = http_get(f"http://127.0.0.1:{c1.port(8080)}/some/client/route", container=c1)
            assert index[0] == deep[0] == 200 and index[1] == deep[1]
            assert re.search(r'src="/assets/index-[\w-]+\.js"', index[1]), index[1]
            missing = http_get(f"http://127.0.0.1:{c2.port(8080)}/nope.html", container=c2)
            assert missing[0] == 404


def test_code_edit_keeps_the_dependency_install_cached(docker, tmp_path):
    project, _ = generate(tmp_path, "node-express")
    with built_image(project, "node-express") as first:
        (project / "server.js").write_text((project / "server.js").read_text() + f"\n// edited {uuid.uuid4().hex}\n")
        steps, cached = rebuild_steps(project, first.tag + "-edited")
    assert_dependency_step_cached(steps, cached, "npm ci --omit=dev")


def test_compose_files_are_valid(docker, tmp_path):
    from harness import Compose

    for fixture in ("node-express", "node-typescript", "node-vite", "static-site"):
        project, _ = generate(tmp_path, fixture)
        Compose(project)("config", "--quiet")
    text = (tmp_path / "node-express" / "compose.yaml").read_text()
    assert "./secrets/api_token" in text and "/run/secrets" in text


def test_grpc_server_turns_healthy_and_answers_a_call(docker, tmp_path):
    """A gRPC server with no start script is a server: its HEALTHCHECK connects to the port, and a real call
    (a client run in the container) gets its reply."""
    project, profile = generate(tmp_path, "node-grpc")
    assert profile["entrypoint"] == ["node", "server.js"] and profile["ports"] == [50051]
    assert profile["health_path"] is None
    with built_image(project, "node-grpc") as image:
        with running(image, "-p", "127.0.0.1::50051", "--health-interval", "1s",
                     "--health-start-period", "30s") as container:
            container.wait_healthy()
            reply = container.exec("node", "client.js", "Grace Hopper")
            assert reply.stdout.strip() == "Hello, Grace Hopper!"
            assert container.process_uid() not in ("", "0")
