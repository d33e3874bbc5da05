"""Container files from a profile, through the templates of its language.

``languages/<language>/templates/Dockerfile.j2`` makes the Dockerfile (templates
name it ``<language>/...``); every other ``*.j2`` there is an extra file (one
that renders empty is not written). The top-level ``templates/common/`` holds the
.dockerignore, compose.yaml and README.Docker.md that every language shares and
the macros their Dockerfiles share; ``languages/<language>/templates/dockerignore``
adds lines to the .dockerignore.
"""
from __future__ import annotations

import json
import re
import shlex
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import compose, debian
from .images import IMAGES
from .profile import Profile

if TYPE_CHECKING:
    import jinja2


class RenderError(Exception):
    pass


def templates_dir() -> Path:
    """The shared templates (``common/``): in the package once installed, at the top of a checkout."""
    installed = Path(__file__).parent / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"


def language_templates(language: str) -> Path:
    """The templates a language keeps beside its code."""
    return Path(__file__).parent / "languages" / language / "templates"


def _languages_with_templates() -> dict[str, Path]:
    root = Path(__file__).parent / "languages"
    return {d.name: d / "templates" for d in sorted(root.iterdir()) if (d / "templates").is_dir()}


@lru_cache(maxsize=1)
def environment() -> "jinja2.Environment":
    import jinja2  # loaded on first render, not at start-up

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(str(templates_dir())),
            jinja2.PrefixLoader({lang: jinja2.FileSystemLoader(str(path))
                                 for lang, path in _languages_with_templates().items()}),
        ]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["json"] = lambda v: json.dumps(v)
    env.filters["pinned"] = debian.pinned
    env.filters["slug"] = slug
    env.filters["shquote"] = shlex.quote
    env.filters["cell"] = _cell
    env.globals["img"] = IMAGES  # base images by role, for every template and macro
    from .services import example_url, password_secret

    env.globals["service_url"] = example_url  # a backing service's URL as compose wires it
    env.globals["service_secret"] = password_secret
    env.globals["assembled_urls"] = compose.assembled_urls  # URL secrets the entrypoint builds
    from .languages.common import listen_env

    env.globals["listen_env"] = listen_env  # listen-address env vars set to all interfaces
    return env


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "app"


def context(profile: Profile) -> dict:
    return {
        "p": profile,
        "b": profile.build,
        "name": slug(Path(profile.root).name),
        "port": profile.ports[0] if profile.ports else None,
        "volume_dirs": profile.writable_paths,
    }


CI_PROVIDERS = {"github": ".github/workflows/docker.yml"}
README = "README.Docker.md"


def render(profile: Profile, ci: str | None = None, k8s: bool = False) -> dict[str, str]:
    """File name -> content of every file to write (``ci``: also a CI workflow, e.g. "github";
    ``k8s``: also Kubernetes manifests under k8s/)."""
    env = environment()
    lang = profile.language
    if not lang or not (language_templates(lang) / "Dockerfile.j2").exists():
        raise RenderError(f"no templates for language {lang!r}")
    from .validate import check_profile

    check_profile(profile)  # values read from the project are hostile input
    ctx = context(profile)
    files = {"Dockerfile": env.get_template(f"{lang}/Dockerfile.j2").render(ctx)}
    extra_ignore = ""
    if (language_templates(lang) / "dockerignore").exists():
        extra_ignore = (language_templates(lang) / "dockerignore").read_text()
    files[".dockerignore"] = env.get_template("common/dockerignore.j2").render(
        ctx, extra=extra_ignore, gitignore=_gitignore_lines(profile))
    files["compose.yaml"] = compose.render_compose(profile, ctx["name"], files["Dockerfile"])
    for template in sorted(language_templates(lang).glob("*.j2")):
        if template.name == "Dockerfile.j2":
            continue
        text = env.get_template(f"{lang}/{template.name}").render(ctx)
        if text.strip():
            files[template.name[:-3]] = text
    if ci:
        if ci not in CI_PROVIDERS:
            raise RenderError(f"--ci {ci}: not a known CI (known: {', '.join(sorted(CI_PROVIDERS))})")
        files[CI_PROVIDERS[ci]] = env.get_template(f"common/{ci}-workflow.yml.j2").render(ctx)
    if k8s:
        from .k8s import render_k8s

        files.update(render_k8s(profile, ctx["name"], files["Dockerfile"]))
    files[README] = render_readme(profile, files, ctx, workflow=CI_PROVIDERS.get(ci or ""))
    return files


_EXTRA_ABOUT = {
    "requirements.txt": "the Python dependencies the Dockerfile installs",
    ".github/workflows/docker.yml": "a GitHub Actions workflow that builds and publishes the image",
    "k8s/kustomization.yaml": "the Kubernetes manifests under k8s/ (`kubectl apply -k k8s/`)",
    "k8s/services/kustomization.yaml": "the backing services, a kustomize component (leave it out for managed ones)",
}


def render_readme(profile: Profile, files: dict[str, str], ctx: dict, workflow: str | None = None) -> str:
    """README.Docker.md: how to build, run and push, where settings/secrets/volumes go, and why each answer."""
    from .services import CATALOG

    rows = answer_rows(profile)
    secret_files = [compose.secret_name(v.name) for v in profile.secrets]
    secret_files += [f"{s.kind}_password" for s in profile.services
                     if s.kind in CATALOG and CATALOG[s.kind].password_env]
    if "compose.yaml" in files:  # the secret files compose mounts (a password file as the code names it)
        import yaml

        found = yaml.safe_load(files["compose.yaml"])
        secret_files = list((found.get("secrets") or {}) if isinstance(found, dict) else secret_files)
    version_args = re.findall(r"^ARG ([A-Z0-9_]*VERSION)=", files.get("Dockerfile", ""), re.M)
    known = {"Dockerfile", ".dockerignore", "compose.yaml", README}
    return environment().get_template(f"common/{README}.j2").render(
        ctx, rows=rows, secret_files=list(dict.fromkeys(secret_files)), version_args=version_args,
        extra_files=[f for f in files if f not in known and not (f.startswith("k8s/") and
                                                                  not f.endswith("kustomization.yaml"))],
        extra_about=_EXTRA_ABOUT, workflow=workflow,
        new_project=profile.new_project,
        catalog=CATALOG, volume_name=compose.volume_name)


def answer_rows(profile: Profile) -> list[dict]:
    """The "why these answers" rows: each answer, its value, why, and where it came from."""
    from . import report
    from .answer_keys import DETECTED
    from .profile import ANSWER_KEYS

    rows = []
    for key in ANSWER_KEYS:
        value = report.value(profile, key)
        notes = profile.evidence.get(key) or []
        origin = profile.origin(key)
        if origin != DETECTED:
            given = [f"{k}={v}" for n in notes if n.origin == origin and n.answer for k, v in [n.answer]]
            why, source = ("answered " + ", ".join(given) if given else ""), origin
        elif notes:
            note = max(notes, key=lambda n: n.confidence)
            why = note.why + (f" ({note.where()})" if note.file else "")
            source = "detected" if note.file or note.confidence >= 0.7 else "default"
        else:
            if value in ("-", "no"):
                continue
            why, source = "", "default"
        rows.append({"key": key, "value": value, "why": why, "origin": source})
    return rows


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ") if value not in (None, "") else "-"


def _gitignore_lines(profile: Profile) -> list[str]:
    path = Path(profile.root) / ".gitignore"
    from .scan import read_capped  # capped, and never through a link out of the tree

    text = read_capped(profile.root, path)
    lines = text.splitlines() if text else []
    lines = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if lines:  # a manifest the Dockerfile copies stays in the build context even when .gitignore matches it
        from .dockerignore import DockerIgnore

        rules = DockerIgnore.from_text("\n".join(lines))
        lines += [f"!{name}" for name in getattr(profile.build, "manifests", None) or []
                  if isinstance(name, str) and rules.ignored(name)]
    return lines


# -- several apps ----------------------------------------------------------------------------
APP_OWN = ("compose.yaml", README)  # files written once at the root for a repository of several apps


def render_apps(repo, ci: str | None = None, k8s: bool = False) -> dict[str, str]:
    """The files of a repository of several apps (``apps.Repo``): each app's Dockerfile, .dockerignore
    and extra files in its folder; one compose.yaml and one README.Docker.md at the root."""
    from . import apps as apps_mod

    if ci and ci not in CI_PROVIDERS:
        raise RenderError(f"--ci {ci}: not a known CI (known: {', '.join(sorted(CI_PROVIDERS))})")
    deployable = repo.deployable
    if not deployable:
        raise RenderError(f"{repo.root}: no app to run among its folders "
                          f"({', '.join(a.path + '/' for a in repo.apps) or 'none'})")
    project = slug(repo.root.name)
    files: dict[str, str] = {}
    services = _service_names(repo)
    entries = []
    depends: dict[str, list[str]] = {}
    by_name = {a.name: a for a in repo.apps}
    builds: dict[str, dict] = {}
    for app in deployable:
        own = render(app.profile)
        if app.members:  # an npm workspace member: built from the root with the packages it uses
            member = apps_mod.member_files(repo, app, own, project)
            if member:
                own = {k: v for k, v in own.items() if k != ".dockerignore"} | member
                app.profile.warnings = [w for w in app.profile.warnings if not w.startswith("no lockfile")]
                builds[services[app.name]] = {"context": ".", "dockerfile": f"{app.path}/Dockerfile"}
            else:
                repo.notes.append(f"{app.path}/: built from its own folder (its Dockerfile has a build step "
                                  "or another package manager); the workspace's lockfile is not used")
        dockerfile = own["Dockerfile"]
        if app.proxy_to and app.proxy_to in by_name and by_name[app.proxy_to].deployable:
            target = by_name[app.proxy_to]
            dockerfile = apps_mod.add_proxy(dockerfile, apps_mod.proxy_lines(app, target, services[target.name]))
            own["Dockerfile"] = dockerfile
            depends.setdefault(services[app.name], []).append(services[target.name])
        for name, text in own.items():
            if name not in APP_OWN:
                files[f"{app.path}/{name}"] = text
        entries.append((services[app.name], app.path, app.profile, dockerfile))
    proxies = _proxies(repo, services)
    wanted = {services[a.name]: a.host_port for a in deployable if a.host_port}  # where a front end calls it
    hosts = compose.host_ports([(e[0], e[2]) for e in entries], wanted)
    for a in deployable:
        if a.build_args and a.proxy_to:
            builds.setdefault(services[a.name], {})["args"] = a.build_args
        elif a.build_args and a.api_origin in by_name and by_name[a.api_origin].deployable:
            api = services[a.api_origin]
            a.build_args = {k: f"http://127.0.0.1:{hosts[api][0]}" for k in a.build_args}
            builds.setdefault(services[a.name], {})["args"] = a.build_args
    files["compose.yaml"] = compose.render_apps_compose(project, entries, depends, proxies, builds, wanted)
    if ci:
        files[CI_PROVIDERS[ci]] = render_apps_workflow(ci, project, entries, builds)
    if k8s:
        from .k8s import render_k8s_apps

        calls = {services[a.name]: services[a.proxy_to] for a in deployable
                 if a.proxy_to and a.proxy_to in by_name and by_name[a.proxy_to].deployable}
        k8s_files, k8s_notes = render_k8s_apps(project, [(e[0], e[2], e[3]) for e in entries], calls)
        files.update(k8s_files)
        k8s_notes += [f"k8s: the repository's own reverse proxy ({p.conf}) is not in k8s/; route to the apps' "
                      "Services with an Ingress" for p in repo.proxies]
        k8s_notes += [f"k8s: {services[a.name]}'s bundle calls {services[a.api_origin]} at "
                      f"{next(iter(a.build_args.values()))} (a build argument); build the image for the cluster "
                      "with the API's public address" for a in deployable
                      if a.api_origin and a.build_args and not a.proxy_to]
        repo.notes.extend(n for n in k8s_notes if n not in repo.notes)
    files[README] = render_apps_readme(repo, project, services, files)
    return files


_CI_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")  # a context, Dockerfile or app name in the workflow


def render_apps_workflow(ci: str, project: str, entries: list, builds: dict[str, dict]) -> str:
    """One workflow that builds every app's image (a matrix over the apps), each with the context and
    Dockerfile compose.yaml gives it (a workspace member's from the root)."""
    rows = []
    for service, path, _profile, _dockerfile in entries:
        build = builds.get(service, {})
        context = build.get("context", path)
        dockerfile = build.get("dockerfile", f"{path}/Dockerfile")
        for value in (service, context, dockerfile):
            if value != "." and (not _CI_VALUE.fullmatch(value) or ".." in value.split("/")):
                raise RenderError(f"--ci {ci}: {value!r} cannot go in a workflow (use letters, digits, . _ - /)")
        args = build.get("args") or {}
        for key, value in args.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) or any(c in value for c in "\n\r$`{}"):
                raise RenderError(f"--ci {ci}: the build argument {key!r} of {service} cannot go in a workflow")
        rows.append({"app": service, "context": "./" + context if context != "." else ".",
                     "dockerfile": "./" + dockerfile,
                     "build_args": "\n".join(f"{k}={v}" for k, v in args.items())})
    return environment().get_template(f"common/{ci}-workflow-apps.yml.j2").render(project=project, apps=rows)


def _proxies(repo, services: dict[str, str]) -> list:
    """The repository's own reverse proxies, named apart from the apps; a note for each host they pass
    to that no service answers to."""
    import copy

    names = set(services.values())
    out = []
    for proxy in repo.proxies:
        proxy = copy.copy(proxy)
        if proxy.name in names:
            proxy.name += "-proxy"
        names.add(proxy.name)
        proxy.aliases = {}
        for host in proxy.upstreams:
            if host in services.values():
                continue
            port = proxy.ports_of.get(host)
            answers = [a for a in repo.deployable if port in a.profile.ports] if port else []
            if len(answers) == 1:  # the one app on that port answers to the name too (a network alias)
                proxy.aliases[host] = services[answers[0].name]
                note = (f"{proxy.conf} passes to {host!r} on port {port}: {services[answers[0].name]} answers to "
                        "that name too (a network alias)")
            else:
                note = f"{proxy.conf} passes to {host!r}, which no service here is named"
            if note not in repo.notes:
                repo.notes.append(note)
        out.append(proxy)
    return out


def _service_names(repo) -> dict[str, str]:
    """App name -> its compose service (an app named like a backing service gets ``-app``)."""
    from .services import CATALOG

    kinds = {s.kind for a in repo.deployable for s in a.profile.services} | set(CATALOG)
    return {a.name: (a.name + "-app" if a.name in kinds else a.name) for a in repo.apps}


def _apps_migrations(apps, services: dict[str, str]) -> list[str]:
    """README lines for each app's one-shot migrations service (``<app>-migrate``)."""
    from .migrations import MIGRATE_SERVICE, describe

    out = []
    for app in apps:
        what = describe(app.profile)
        if what:
            name = f"{services[app.name]}-{MIGRATE_SERVICE}"
            out += [f"Migrations of `{services[app.name]}`: the one-shot service `{name}` runs {what}, and "
                    f"`{services[app.name]}` starts only after it succeeds. After deploying a new release, "
                    f"`docker compose run --rm {name}` runs it again.", ""]
    return out


def render_apps_readme(repo, project: str, services: dict[str, str], files: dict[str, str]) -> str:
    from .services import CATALOG

    apps = repo.deployable
    out = [f"# Running {project} in containers", "",
           f"These files were made by containerize from what it read in the code of {len(apps)} "
           f"app{'s' if len(apps) != 1 else ''}:", "",
           "| File | What it is |", "|------|------------|",
           "| `compose.yaml` | runs every app and the backing services together |"]
    for name in files:
        if name.endswith("/Dockerfile"):
            out.append(f"| `{name}` | how the image of `{name.rsplit('/', 1)[0]}/` is built |")
        elif name.endswith("/.dockerignore"):
            out.append(f"| `{name}` | what stays out of that app's build context |")
        elif name.endswith("/Dockerfile.dockerignore"):
            out.append(f"| `{name}` | what of the workspace root goes into that app's build context |")
        elif name in _EXTRA_ABOUT and (name.startswith("k8s/") or name in CI_PROVIDERS.values()):
            about = _EXTRA_ABOUT[name].replace("the image", "the image of each app")
            out.append(f"| `{name}` | {about} |")
        elif name.startswith("k8s/"):
            continue  # one line for the whole set: its kustomization
        elif name not in ("compose.yaml", README):
            out.append(f"| `{name}` | generated alongside that app's Dockerfile |")
    out += ["| `README.Docker.md` | this file |", "",
            "Run `containerize inspect` to see every app and every answer with the line of code it was read from.",
            "", "## Run", "", "```sh", "docker compose up --build", "```", ""]
    kinds = list(dict.fromkeys(s.kind for a in apps for s in a.profile.services if s.kind in CATALOG))
    secret_files = [f"{k}_password" for k in kinds if CATALOG[k].password_env]
    secret_files += [compose.secret_name(v.name) for a in apps for v in a.profile.secrets]
    secret_files = list(dict.fromkeys(secret_files))
    if secret_files:
        out += ["Create the secret files first (keep `secrets/` out of git):", "", "```sh", "mkdir -p secrets"]
        out += [f"printf '%s' '...' > secrets/{f}" for f in secret_files]
        out += ["```", ""]
    out += ["| App | Folder | Language | Port on this machine | Start command |",
            "|-----|--------|----------|----------------------|---------------|"]
    hosts = compose.host_ports([(services[a.name], a.profile) for a in apps],
                               {services[a.name]: a.host_port for a in apps if a.host_port})
    for app in apps:
        p = app.profile
        host = "-"
        if p.ports:
            host = f"{hosts[services[app.name]][0]} (`{compose.env_prefix(services[app.name])}_HOST_PORT`)"
        lang = p.language + (f" ({p.framework})" if p.framework else "")
        out.append(f"| {_cell(services[app.name])} | `{app.path}/` | {_cell(lang)} | {_cell(host)} "
                   f"| {_cell(' '.join(p.entrypoint))} |")
    out.append("")
    if kinds:
        from .services import wire as wire_service

        names = {k: wire_service(a.profile, k).name for a in reversed(apps) for s in a.profile.services
                 if (k := s.kind) in CATALOG}
        out += [f"Backing services, shared by the apps that use them: {', '.join(kinds)} "
                f"(data in the named volumes {', '.join(names[k] + '-data' for k in kinds)}; "
                "`docker compose down --volumes` deletes them).", ""]
    out += _apps_migrations(apps, services)
    for proxy in repo.proxies:
        how = (f"built from `{proxy.path}/`" if proxy.dockerfile
               else f"the official nginx image with `{proxy.conf}` mounted read-only")
        out += [f"The repository's own reverse proxy runs as `{proxy.name}` ({how}); it passes requests to "
                f"{', '.join('`' + u + '`' for u in proxy.upstreams) or 'the hosts its configuration names'}.", ""]
    wired = [a for a in apps if a.proxy_to]
    if wired:
        out += ["## How the apps reach each other", ""]
        for app in wired:
            out.append(f"- `{services[app.name]}` is served by nginx, which passes "
                       f"{', '.join('`' + c + '`' for c in app.calls)} to `{services[app.proxy_to]}` "
                       f"(its code calls them: {app.calls_from}); the browser talks to one origin, so no CORS "
                       "setting is needed.")
            if app.build_args:
                out.append(f"  {', '.join('`' + k + '`' for k in app.build_args)} (compiled into its bundle) is "
                           f"set to {repr(next(iter(app.build_args.values())))} by the build arguments in "
                           "compose.yaml, so the bundle calls its own origin.")
        out.append("")
    for app in apps:
        if app.api_origin and app.build_args and not app.proxy_to:
            out += [f"`{services[app.name]}` has no nginx in front: its bundle calls `{services[app.api_origin]}` "
                    f"where compose publishes it ({', '.join('`' + k + '`' for k in app.build_args)} = "
                    f"`{next(iter(app.build_args.values()))}`, a build argument in compose.yaml); allow that "
                    "origin in the API's CORS settings, and change the argument if you move its host port.", ""]
    unwired = [a for a in apps if a.calls and not a.proxy_to]
    for app in unwired:
        out += [f"`{services[app.name]}` calls {', '.join(app.calls)} ({app.calls_from}), but no single app "
                "was found to serve it: add a proxy location to its nginx configuration.", ""]
    others = [a for a in repo.apps if not a.deployable]
    if others:
        out += ["Not run as services:", ""]
        out += [f"- `{a.path}/`: {a.kind}" + (f" ({a.evidence[-1]})" if a.evidence else "") for a in others]
        out.append("")
    from_root = any(name.endswith("/Dockerfile.dockerignore") for name in files)
    out += ["## Build one app", "", "Each app's image builds from its own folder"
            + (" (a workspace member's from the workspace root):" if from_root else ":"), "", "```sh"]
    out += [f"docker build -f {a.path}/Dockerfile -t {project}-{services[a.name]} ."
            if f"{a.path}/Dockerfile.dockerignore" in files else
            f"docker build -t {project}-{services[a.name]} {a.path}" for a in apps]
    out += ["```", "", "`containerize --only NAME` writes the files of one app; `--set NAME.KEY=VALUE` "
            "(e.g. `--set " + apps[0].name + ".port=8000`) changes one app's answer.", ""]
    for app in apps:
        out += [f"## {services[app.name]} (`{app.path}/`)", "",
                "| Answer | Value | Why | From |", "|--------|-------|-----|------|"]
        for row in answer_rows(app.profile):
            out.append(f"| {row['key']} | {_cell(row['value'])} | {_cell(row['why'])} | {_cell(row['origin'])} |")
        if app.profile.warnings:
            out += ["", "Warnings:"] + [f"- {w}" for w in app.profile.warnings]
        out.append("")
    if repo.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in repo.notes] + [""]
    return "\n".join(out)
