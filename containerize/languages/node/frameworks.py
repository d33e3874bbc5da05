"""Meta-frameworks that build their own server or static site, as their deployment docs run them.

Nuxt (``.output/server/index.mjs``), SvelteKit (the adapter in svelte.config.js decides: node -> ``node build``,
static -> files from ``build/``), Next.js ``output: "export"`` (static files from ``out/``), React Router v7 /
Remix in SPA mode (``ssr: false`` -> ``build/client`` with an index fallback), Astro (the node adapter's
``dist/server/entry.mjs`` on ``HOST=0.0.0.0``, else static files from ``dist/``).
Config files are read from their parse trees (:func:`source.config_value`, import sources).
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from ... import syntax
from ...scan import SourceTree
from . import source
from .values import Dir, Env, Obj, grammar_of

IMPORTS = """
(import_statement source: (string (string_fragment) @source))
(call_expression function: (identifier) @fn arguments: (arguments . (string (string_fragment) @source))
  (#any-of? @fn "require" "import"))
"""
CONFIG_PAIRS = """
(pair key: [(property_identifier) (string)] @key value: (_) @value) @pair
"""
SVELTE_CONFIGS = ("svelte.config.js", "svelte.config.mjs", "svelte.config.ts", "svelte.config.cjs")
NEXT_CONFIGS = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs")
ASTRO_CONFIGS = ("astro.config.mjs", "astro.config.ts", "astro.config.js", "astro.config.mts", "astro.config.cjs")
RR_CONFIGS = ("react-router.config.ts", "react-router.config.js", "react-router.config.mjs", "react-router.config.mts")
VITE_CONFIGS = ("vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts")
NUXT_CONFIGS = ("nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs")
MEDUSA_CONFIGS = ("medusa-config.ts", "medusa-config.js", "medusa-config.mjs")
ELEVENTY_CONFIGS = ("eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs", "eleventy.config.ts",
                    ".eleventy.js", ".eleventy.mjs", ".eleventy.cjs")
SOLID_CONFIGS = ("app.config.ts", "app.config.js", "app.config.mjs", "vite.config.ts", "vite.config.js",
                 "vite.config.mjs")


@dataclass
class Framework:
    name: str  # nuxt, sveltekit, next, react-router, remix, astro
    kind: str  # "server": a built server the image runs; "static": files nginx serves
    why: str
    file: str | None = None
    argv: list[str] = field(default_factory=list)  # server: the start command
    port: int | None = None
    env: dict[str, str] = field(default_factory=dict)  # server: run-time settings (HOST=0.0.0.0)
    copy: list[str] = field(default_factory=list)  # server: what the runtime image takes from the build stage
    modules: bool = True  # server: the production node_modules are needed beside the output
    out_dir: str | None = None  # static: the built site
    fallback: str | None = None  # static: the page unknown paths answer with (client-side routes)
    not_found: str | None = None  # static: the page a 404 shows
    warning: str | None = None
    health: str | None = None  # server: a health route the framework itself answers
    services: list[str] = field(default_factory=list)  # server: backing services the framework always needs
    writable: list[str] = field(default_factory=list)  # server: folders (relative) it writes at run time


def detect(tree: SourceTree, deps: dict[str, str], scripts: dict[str, str]) -> Framework | None:
    if "nuxt" in deps:
        return _nuxt(tree, scripts)
    if "@sveltejs/kit" in deps:
        return _sveltekit(tree, deps)
    if "next" in deps:
        return _next_export(tree)
    if "@react-router/dev" in deps or "@remix-run/dev" in deps:
        return _react_router(tree, "react-router" if "@react-router/dev" in deps else "remix")
    if "astro" in deps:
        return _astro(tree, deps)
    if "@builder.io/qwik-city" in deps or "@qwik.dev/router" in deps:
        return _qwik(tree, scripts)
    if "@solidjs/start" in deps:
        return _solid_start(tree)
    if "@11ty/eleventy" in deps:
        return _eleventy(tree, scripts)
    if "@medusajs/medusa" in deps and "@medusajs/framework" in deps and _first_config(tree, MEDUSA_CONFIGS):
        return _medusa(tree)
    if "@strapi/strapi" in deps:
        return _strapi(tree, deps)
    if "@adonisjs/core" in deps and (tree.exists("ace.js") or tree.exists("adonisrc.ts") or tree.exists(".adonisrc.json")):
        return _adonis(tree)
    return None


def _first_config(tree: SourceTree, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if tree.exists(n)), None)


def _value(tree: SourceTree, rel: str | None, key: str):
    """The literal value of the first ``key: ...`` property of a config file's parse tree (names folded)."""
    if rel is None or grammar_of(rel) is None:
        return None
    prog = source.program(tree)
    module = prog.module(rel)
    if module is None:
        return None
    for m in module.matches(CONFIG_PAIRS):
        key_node = m["key"][0]
        name = syntax.text(key_node)
        if key_node.type == "string":
            name = name[1:-1]
        if name == key:
            value = prog.value(module, m["value"][0])
            return None if value is None or isinstance(value.value, (Obj, Env, Dir)) else value.value
    return None


def _dir(value, default: str) -> str:
    if isinstance(value, str):
        out = value.strip().removeprefix("./").rstrip("/")
        if out and safe_dir(out):
            return out
    return default


def safe_dir(path: str) -> bool:
    """A folder of the build stage that a COPY line can name as it is."""
    return not path.startswith(("/", "../")) and ".." not in path.split("/") and \
        all(c.isalnum() or c in "/._-@+" for c in path)


def imports(tree: SourceTree, rel: str) -> list[str]:
    grammar = grammar_of(rel)
    parsed = tree.parse(rel, grammar) if grammar else None
    if parsed is None:
        return []
    return [syntax.text(n) for n in syntax.captures(grammar, IMPORTS, parsed.root_node).get("source", [])]


def _nuxt(tree: SourceTree, scripts: dict[str, str]) -> Framework:
    build = scripts.get("build", "")
    config = _first_config(tree, NUXT_CONFIGS)
    if "generate" in build.split():
        return Framework("nuxt", "static", f"scripts.build runs {build!r}: Nuxt writes a static site to "
                         ".output/public", "package.json", out_dir=".output/public", fallback="/200.html",
                         not_found="/404.html")
    return Framework("nuxt", "server", "Nuxt builds a self-contained server: node .output/server/index.mjs "
                     "(Nitro reads PORT and HOST)", config or "package.json",
                     argv=["node", ".output/server/index.mjs"], port=3000, env={"HOST": "0.0.0.0"},
                     copy=[".output"], modules=False)


def _sveltekit(tree: SourceTree, deps: dict[str, str]) -> Framework:
    config = _first_config(tree, SVELTE_CONFIGS)
    adapters = [s for s in (imports(tree, config) if config else []) if s.startswith("@sveltejs/adapter-")]
    adapter = adapters[0].removeprefix("@sveltejs/adapter-") if adapters else None
    where = config or "package.json"
    if adapter == "static":
        pages = _dir(_value(tree, config, "pages"), "build")
        fallback = _value(tree, config, "fallback")
        fallback = "/" + fallback if isinstance(fallback, str) and safe_dir(fallback) else None
        return Framework("sveltekit", "static", f"{config} uses @sveltejs/adapter-static: the site is {pages}/",
                         where, out_dir=pages, fallback=fallback, not_found=None if fallback else "/404.html")
    out = _dir(_value(tree, config, "out"), "build") if adapter == "node" else "build"
    warning = None
    if adapter != "node":
        what = f"@sveltejs/adapter-{adapter}" if adapter else "no adapter"
        warning = (f"SvelteKit with {what}: the image runs the Node server (node {out}); add "
                   "@sveltejs/adapter-node to devDependencies and use it in svelte.config.js so the build "
                   f"writes {out}/")
    why = f"{config} uses @sveltejs/adapter-node: node {out}" if adapter == "node" else \
        f"SvelteKit ({adapter or 'no adapter'}): run as a Node server, node {out}"
    return Framework("sveltekit", "server", why, where, argv=["node", out], port=3000,
                     copy=[out, "package.json"], modules=True, warning=warning)


def _next_export(tree: SourceTree) -> Framework | None:
    config = _first_config(tree, NEXT_CONFIGS)
    if _value(tree, config, "output") != "export":
        return None
    # next build writes the export to distDir, unless distDir is Next's own .next (then out/ as usual)
    out = _dir(_value(tree, config, "distDir"), "out")
    if out == ".next":
        out = "out"
    return Framework("next", "static", f"output: 'export' in {config}: next build writes a static site to {out}/",
                     config, out_dir=out, not_found="/404.html")


def _react_router(tree: SourceTree, name: str) -> Framework | None:
    config = _first_config(tree, RR_CONFIGS) if name == "react-router" else _first_config(tree, VITE_CONFIGS)
    if config is None or _value(tree, config, "ssr") is not False:
        return None
    out = _dir(_value(tree, config, "buildDirectory"), "build")
    return Framework(name, "static", f"ssr: false in {config}: SPA mode, static files in {out}/client with "
                     "index.html for every client route", config, out_dir=f"{out}/client", fallback="/index.html")


def _astro(tree: SourceTree, deps: dict[str, str]) -> Framework:
    config = _first_config(tree, ASTRO_CONFIGS)
    out = _dir(_value(tree, config, "outDir"), "dist")
    adapter_node = "@astrojs/node" in deps
    if adapter_node and _value(tree, config, "output") != "static":
        port = _value(tree, config, "port")
        port = port if isinstance(port, int) and 0 < port < 65536 else 4321
        return Framework("astro", "server", f"@astrojs/node: node ./{out}/server/entry.mjs, listening on HOST and "
                         "PORT", config or "package.json", argv=["node", f"./{out}/server/entry.mjs"], port=port,
                         env={"HOST": "0.0.0.0"}, copy=[out, "package.json"], modules=True)
    return Framework("astro", "static", f"Astro without a server adapter: static pages in {out}/",
                     config or "package.json", out_dir=out, not_found="/404.html")


def _eleventy(tree: SourceTree, scripts: dict[str, str]) -> Framework | None:
    """Eleventy writes a static site to _site/, or to ``--output`` of the build script, or to ``dir.output`` of
    its config (``export const config = {dir: {output: ...}}`` or the object the config function returns)."""
    build = scripts.get("build")
    if not build or "eleventy" not in build:
        return None  # no build script that runs Eleventy: the start script decides (e.g. an Express app)
    config = _first_config(tree, ELEVENTY_CONFIGS)
    out, where = "_site", "Eleventy's default output folder"
    try:
        words = shlex.split(build)
    except ValueError:
        words = []
    flag = next((w.split("=", 1)[1] if "=" in w else (words[i + 1] if i + 1 < len(words) else "")
                 for i, w in enumerate(words) if w == "--output" or w.startswith("--output=")), None)
    if flag is not None:
        out, where = _dir(flag, "_site"), f"--output in scripts.build ({build!r})"
    elif config and isinstance(_value(tree, config, "output"), str):
        out, where = _dir(_value(tree, config, "output"), "_site"), f"dir.output in {config}"
    return Framework("eleventy", "static", f"Eleventy builds a static site to {out}/ ({where})",
                     config or "package.json", out_dir=out, not_found="/404.html")


QWIK_NODE_ADAPTERS = ("express", "fastify", "node-server")


def _qwik(tree: SourceTree, scripts: dict[str, str]) -> Framework:
    """Qwik City: ``qwik build`` builds the client to dist/ and, with a server adapter added (``npm run qwik add``,
    adapters/<name>/vite.config.ts), the server: the node adapters write server/entry.<name>.js, started as
    scripts.serve runs it (it serves dist/ too, on PORT, 3000); the static adapter writes every page to dist/."""
    adapters = sorted({rel.split("/")[1] for rel in tree.glob("adapters/*/vite.config.*") if rel.count("/") == 2})
    if "static" in adapters and not any(a in adapters for a in QWIK_NODE_ADAPTERS):
        return Framework("qwik", "static", "Qwik City with the static adapter (adapters/static): every page is "
                         "written to dist/", "adapters/static", out_dir="dist", not_found="/404.html")
    node = next((a for a in QWIK_NODE_ADAPTERS if a in adapters), None)
    if node is None:
        what = f"only the {', '.join(adapters)} adapter{'s' if len(adapters) > 1 else ''}" if adapters else \
            "no server adapter"
        return Framework("qwik", "static", f"Qwik City with {what}: dist/ is served as static files",
                         "package.json", out_dir="dist", not_found="/404.html",
                         warning=f"Qwik City with {what} (adapters/): its pages are rendered by a server, so dist/ "
                         "alone has none; add a Node adapter (npm run qwik add express) or the static one")
    try:
        serve = shlex.split(scripts.get("serve", ""))
    except ValueError:
        serve = []
    entry = next((w for w in serve[1:] if w.startswith(("server/", "./server/"))), None) if serve[:1] == ["node"] \
        else None
    if entry is None or not safe_dir(entry.removeprefix("./")):
        entry = f"server/entry.{node}.js"
    entry = entry.removeprefix("./")
    return Framework("qwik", "server", f"Qwik City with the {node} adapter (adapters/{node}): node {entry} serves "
                     "the pages and dist/ on PORT", f"adapters/{node}", argv=["node", entry], port=3000,
                     copy=["dist", "server", "package.json"], modules=True)


def _solid_start(tree: SourceTree) -> Framework:
    """SolidStart builds a Nitro server (``.output/server/index.mjs``, reading HOST and PORT) like Nuxt; with
    the static preset, a static site in .output/public."""
    config = _first_config(tree, SOLID_CONFIGS)
    preset = _value(tree, config, "preset")
    if preset == "static":
        return Framework("solid-start", "static", f"SolidStart with preset 'static' in {config}: static pages in "
                         ".output/public", config or "package.json",
                         out_dir=".output/public", fallback="/index.html")
    warning = None
    if isinstance(preset, str) and preset not in ("node", "node-server", "node_server"):
        warning = (f"{config} builds SolidStart for the {preset!r} preset, not a Node server: set "
                   "preset: 'node-server' (or NITRO_PRESET=node-server for the build) so .output/server/index.mjs "
                   "is a server the image can run")
    return Framework("solid-start", "server", "SolidStart builds a Nitro server: node .output/server/index.mjs "
                     "(HOST and PORT)", config or "package.json", argv=["node", ".output/server/index.mjs"],
                     port=3000, env={"HOST": "0.0.0.0"}, copy=[".output"], modules=False, warning=warning)


def _adonis(tree: SourceTree) -> Framework:
    """AdonisJS: ``node ace build`` compiles the app to build/ (with its package.json and public/); the server
    starts from inside it (paths such as the Vite manifest are relative to the working folder), so build/'s
    contents are the runtime's /app: node bin/server.js (v6, bin/server.ts) or node server.js (v5, server.ts).
    It reads HOST and PORT."""
    entry = "bin/server.js" if tree.exists("bin/server.ts") or tree.exists("bin/server.js") else "server.js"
    source_file = entry.replace(".js", ".ts")
    return Framework("adonis", "server", f"AdonisJS: node ace build compiles {source_file} and the app to build/, "
                     f"which is the image's app folder; node {entry} starts it (HOST and PORT)",
                     "adonisrc.ts" if tree.exists("adonisrc.ts") else "package.json", argv=["node", entry],
                     port=3333, env={"HOST": "0.0.0.0"}, copy=["build/"], modules=True)


def _medusa(tree: SourceTree) -> Framework:
    """Medusa v2: ``medusa build`` writes a standalone server (compiled code, package.json, the admin under
    public/admin) to .medusa/server, which starts with ``medusa start`` from inside it, on PORT (9000), with
    PostgreSQL behind DATABASE_URL; /health answers when it is up."""
    config = _first_config(tree, MEDUSA_CONFIGS)
    return Framework("medusa", "server", "Medusa: medusa build writes the server to .medusa/server, the image's app "
                     "folder; medusa start runs it on PORT (9000)", config, argv=["/app/node_modules/.bin/medusa", "start"],
                     port=9000, copy=[".medusa/server/"], modules=True, health="/health", services=["postgres"])


def _strapi(tree: SourceTree, deps: dict[str, str]) -> Framework:
    """Strapi: ``strapi build`` compiles the app and its admin panel to dist/; ``strapi start`` serves them on HOST
    and PORT (1337); /_health answers. Its default database is SQLite in .tmp/data.db and the local upload
    provider writes public/uploads: both are folders it keeps."""
    writable = ["public/uploads"]
    if "better-sqlite3" in deps or "sqlite3" in deps:
        writable.insert(0, ".tmp")
    config = next((f for f in ("config/server.ts", "config/server.js") if tree.exists(f)), "package.json")
    return Framework("strapi", "server", "Strapi: strapi build compiles the app and its admin panel; strapi start "
                     "serves them on HOST and PORT (1337)", config, argv=["/app/node_modules/.bin/strapi", "start"],
                     port=1337, env={"HOST": "0.0.0.0"}, modules=True, health="/_health", writable=writable)
