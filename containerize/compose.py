"""The compose.yaml of a profile: the app, its settings, secrets, volumes and backing services."""
from __future__ import annotations

import copy
import re
import shlex

import yaml

from . import workers
from .k8s.runtime import Runtime, runtime
from .languages.common import listen_env
from .migrations import MIGRATE_SERVICE, SHARED_KEYS, command_of, compose_service
from .profile import Profile
from .services import CATALOG, AssembledUrl, assembled_url, local_url_to_service, wire

SECRETS_DIR = "./secrets"
PROXY_IMAGE = "nginx:1.27-bookworm"  # a repository's own nginx configuration runs on the official image
# Reads each secret file mounted under /run/secrets into the env var of the
# same name in upper case, then starts the app: apps that read DATABASE_URL
# from the environment get it without the value ever being in the image or
# in this file.
SECRETS_SHIM = ('for f in /run/secrets/*; do [ -f "$$f" ] || continue; '
                'n=$$(basename "$$f" | tr "[:lower:]" "[:upper:]"); export "$$n=$$(cat "$$f")"; done; exec "$$@"')

# the same, for secret files whose names are not env var names (db-password): those are left to the app
SECRETS_SHIM_GUARDED = ('for f in /run/secrets/*; do [ -f "$$f" ] || continue; '
                        'n=$$(basename "$$f" | tr "[:lower:]" "[:upper:]"); '
                        'case "$$n" in ""|[0-9]*|*[!A-Z0-9_]*) continue;; esac; '
                        'export "$$n=$$(cat "$$f")"; done; exec "$$@"')
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")

# percent-encodes its argument (RFC 3986 unreserved characters kept), in POSIX sh: a password in a URL
_URL_ENCODE = ('u() { s=$1; o=; while [ -n "$s" ]; do r=${s#?}; c=${s%"$r"}; s=$r; case $c in '
               '[A-Za-z0-9._~-]) o=$o$c;; *) o=$o$(printf %%%02X "\'$c");; esac; done; printf %s "$o"; }')


def assembled_urls(profile: Profile) -> dict[str, AssembledUrl]:
    """Env var -> the URL compose gives the app for a backing service it starts (``services.assembled_url``):
    one with a password only when the image has a shell to build it from the password file at start."""
    found = (assembled_url(profile, s.kind) for s in profile.services if s.kind in CATALOG)
    return {a.env: a for a in found if a and (a.password_secret is None or _has_shell(profile))}


def entrypoint_script(exported: bool, guarded: bool, skip: list[str], urls: list[AssembledUrl]) -> str:
    """The app's /bin/sh entrypoint: each secret file as the env var of its name (``exported``; ``guarded``
    skips names that are no env var names, ``skip`` the password files only read into a URL), then each URL
    with its password read from the service's password file, percent-encoded; as compose writes it."""
    if not urls:
        return SECRETS_SHIM_GUARDED if guarded else SECRETS_SHIM
    parts = []
    if exported:
        cases = "|".join(['""', "[0-9]*", "*[!A-Z0-9_]*"] + [n.upper() for n in skip])
        parts.append('for f in /run/secrets/*; do [ -f "$f" ] || continue; '
                     'n=$(basename "$f" | tr "[:lower:]" "[:upper:]"); '
                     f'case "$n" in {cases}) continue;; esac; export "$n=$(cat "$f")"; done')
    parts.append(_URL_ENCODE)
    for url in urls:
        parts.append(f'export {url.env}="{url.prefix}$(u "$(cat /run/secrets/{url.password_secret})"){url.suffix}"')
    parts.append('exec "$@"')
    return _escape("; ".join(parts))


def secret_name(env_name: str) -> str:
    return env_name.lower()


def volume_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "data"


def read_mount_source(profile: Profile, path: str) -> str:
    return "." + path


# what the images of the backing services need: their entrypoints start as root, give the data
# folder to the service's own user (chown) and switch to it (setuid/setgid)
SERVICE_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"]


def harden(app: dict, rt: Runtime) -> None:
    """A read-only root filesystem with tmpfs for scratch folders, no capabilities, no privilege
    escalation, an init process when the command doesn't reap its children, resource limits."""
    app["read_only"] = True
    app["tmpfs"] = list(rt.scratch)
    app["cap_drop"] = ["ALL"]
    app["security_opt"] = ["no-new-privileges:true"]
    if rt.init:
        app["init"] = True
    app["deploy"] = {"resources": {"limits": {"cpus": "1.0", "memory": rt.memory_limit_compose}}}


def build_args(profile: Profile) -> dict[str, str | None]:
    """The build arguments of the image (a front end's ``VITE_*``, ``NEXT_PUBLIC_*`` compiled into its bundle):
    each with the default the Dockerfile's ``ARG`` has, overridable from the shell running compose; one with
    no default (or one ``${V:-...}`` can't carry) is passed through when set there."""
    out: dict[str, str | None] = {}
    for name, default in getattr(profile.build, "build_args", None) or []:
        out[name] = None if default is None or "}" in default else f"${{{name}:-{_escape(default)}}}"
    return out


def compose_dict(profile: Profile, name: str, dockerfile: str | None = None) -> dict:
    rt = runtime(profile, dockerfile)
    app: dict = {"build": {"context": "."}, "image": f"{name}:latest"}
    args = build_args(profile)
    if args:
        app["build"]["args"] = args
    if profile.ports:
        first, *rest = profile.ports
        app["ports"] = [f"127.0.0.1:${{HOST_PORT:-{first}}}:{first}"] + [f"127.0.0.1:{p}:{p}" for p in rest]
    environment: dict[str, str | None] = {}
    listening = listen_env(profile)
    for var in profile.env:
        if var.secret:
            continue
        if profile.port_env and var.name == profile.port_env and profile.ports:
            environment[var.name] = str(profile.ports[0])
            continue
        if var.name in listening:  # a loopback listen address: all interfaces (languages.common.listen_env)
            environment[var.name] = listening[var.name]
            continue
        # no default: passed through from the shell running compose when set there, else left unset
        # a default with `}` can't be carried by ${V:-...}: left unset, the app falls back on its own default
        environment[var.name] = (None if var.default is None or "}" in var.default
                                 else f"${{{var.name}:-{_escape(var.default)}}}")
    wiring = {service.kind: wire(profile, service.kind) for service in profile.services if service.kind in CATALOG}
    for service in profile.services:
        spec = CATALOG.get(service.kind)
        var = profile.env_var(service.env_var) if service.env_var else None
        if spec and var and not var.secret:
            host = wiring[service.kind].name
            # the code's own default pointed at the service, else the service's address (no credentials in it)
            url = wiring[service.kind].url or (f"{spec.url.split('://', 1)[0]}://{host}:{spec.port}/"
                                               if spec.password_env else spec.url.format(host=host, password=''))
            environment[var.name] = f"${{{var.name}:-{_escape(url)}}}"
    linked = {service.env_var for service in profile.services}
    hosts = {kind: w.name for kind, w in wiring.items() if not CATALOG[kind].password_env}
    for var in profile.env:  # another URL default at localhost for a service compose starts (a result backend)
        url = None if var.secret or var.name in linked else local_url_to_service(var.default, hosts)
        if url and "}" not in url:
            environment[var.name] = f"${{{var.name}:-{_escape(url)}}}"
    for w in wiring.values():
        environment.update(w.app_env)
    urls = assembled_urls(profile)  # a URL secret assembled from the service's password file
    for url in urls.values():
        if url.password_secret is None:  # no credentials in it: a setting
            environment[url.env] = f"${{{url.env}:-{_escape(url.prefix)}}}"
    if environment:
        app["environment"] = environment
    path_vars = {v for w in wiring.values() for v in w.app_env}
    app_secrets: list = [secret_name(v.name) for v in profile.secrets if v.name not in path_vars | set(urls)]
    for url in urls.values():
        if url.password_secret and url.password_secret not in app_secrets:
            app_secrets.append(url.password_secret)
    top_secrets = {s: {"file": f"{SECRETS_DIR}/{s}"} for s in app_secrets}
    for w in wiring.values():
        for source, target in w.app_files:
            app_secrets.append(source if target == f"/run/secrets/{source}" else {"source": source, "target": target})
            top_secrets[source] = {"file": f"{SECRETS_DIR}/{source}"}
    if app_secrets:
        app["secrets"] = [s if isinstance(s, str) else s["source"] for s in app_secrets] \
            if all(isinstance(s, str) for s in app_secrets) else app_secrets
        # a password file the app reads by its path is not exported (unless the app also reads it as a var)
        by_path = {s for w in wiring.values() for s, _ in w.app_files} - {secret_name(v.name) for v in profile.secrets}
        # a password file read only to build a URL is not exported either
        url_only = {u.password_secret for u in urls.values() if u.password_secret} - {
            secret_name(v.name) for v in profile.secrets}
        exported = [s for s in app_secrets if isinstance(s, str) and _IDENTIFIER.fullmatch(s) and s not in by_path
                    and s not in url_only]
        built = [u for u in urls.values() if u.password_secret]
        if _has_shell(profile) and (exported or built):
            plain = len(exported) == len(app_secrets)
            app["entrypoint"] = ["/bin/sh", "-c", entrypoint_script(bool(exported), not plain, sorted(url_only),
                                                                    built), "--"]
            app["command"] = [_escape(a) for a in profile.entrypoint]
        elif not _has_shell(profile):
            # no shell in the image to export the files: tell the app where they are
            for var in profile.secrets:
                if var.name not in urls:  # a URL compose gives as a setting has no file
                    environment[f"{var.name}_FILE"] = f"/run/secrets/{secret_name(var.name)}"
            if environment:
                app["environment"] = environment
    volumes: dict[str, dict] = {}
    mounts = []
    for path in profile.writable_paths:
        vol = volume_name(path)
        volumes[vol] = {}
        mounts.append(f"{vol}:{path}")
    for path in profile.read_paths:
        mounts.append(f"{read_mount_source(profile, path)}:{path}:ro")
    if mounts:
        app["volumes"] = mounts
    harden(app, rt)
    depends = {}
    services: dict[str, dict] = {"app": app}
    for service in profile.services:
        spec = CATALOG.get(service.kind)
        if not spec:
            continue
        w = wiring[service.kind]
        svc: dict = {"image": spec.image}
        env = dict(w.environment)
        if w.password_secret:
            pw = w.password_secret
            env[w.password_env] = f"/run/secrets/{pw}"
            top_secrets[pw] = {"file": f"{SECRETS_DIR}/{pw}"}
        if env:
            svc["environment"] = env
        if w.password_secret:
            svc["secrets"] = [w.password_secret]
        vol = f"{w.name}-data"
        volumes[vol] = {}
        svc["volumes"] = [f"{vol}:{spec.data_path}"]
        svc["healthcheck"] = {"test": list(w.healthcheck), "interval": "5s", "timeout": "5s",
                              "retries": 20, "start_period": "10s"}
        svc["restart"] = "unless-stopped"
        svc["cap_drop"] = ["ALL"]
        svc["cap_add"] = list(SERVICE_CAPABILITIES)
        svc["security_opt"] = ["no-new-privileges:true"]
        services[w.name] = svc
        depends[w.name] = {"condition": "service_healthy"}
    if depends:
        app["depends_on"] = depends
    migrate = compose_service(profile, app)  # migrations: a one-shot service the app waits for
    if migrate:
        services = {"app": app, MIGRATE_SERVICE: migrate, **{k: v for k, v in services.items() if k != "app"}}
        app.setdefault("depends_on", {})[MIGRATE_SERVICE] = {"condition": "service_completed_successfully"}
    for key, svc in workers.compose_services(profile, app, SHARED_KEYS).items():
        services[key if key not in services else f"app-{key}"] = svc
    if profile.ports or profile.long_running:
        app["restart"] = "unless-stopped"
    doc: dict = {"services": services}
    if volumes:
        doc["volumes"] = volumes
    if top_secrets:
        doc["secrets"] = top_secrets
    return doc


def _escape(value: str) -> str:
    return value.replace("$", "$$")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = '"' if (":" in value or "$" in value or value == "" or value.isdigit()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000)


def render_compose(profile: Profile, name: str, dockerfile: str | None = None) -> str:
    from .render import environment

    doc = compose_dict(profile, name, dockerfile)
    secrets = [s for s in doc.get("secrets", {})]
    return environment().get_template("common/compose.yaml.j2").render(
        p=profile, name=name, body=to_yaml(doc), secrets=secrets, secrets_dir=SECRETS_DIR, catalog=CATALOG,
        urls=assembled_urls(profile), build_args=list(build_args(profile)),
        service_caps=SERVICE_CAPABILITIES, migrate_command=shlex.join(command_of(profile)).replace("\n", " "))


def _has_shell(profile: Profile) -> bool:
    return profile.build.shell


# -- several apps ----------------------------------------------------------------------------
def env_prefix(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_") or "APP"


def host_ports(apps: list[tuple[str, Profile]], wanted: dict[str, int] | None = None) -> dict[str, list[int]]:
    """Service -> the host port of each of its ports: its own (or, for its first, the one ``wanted`` names:
    the port a front end calls it on), or the next free one when an app before it took that port already."""
    wanted = wanted or {}
    taken: set[int] = set(wanted.values())
    out: dict[str, list[int]] = {}
    for service, profile in apps:
        hosts = []
        for i, port in enumerate(profile.ports):
            if i == 0 and service in wanted:
                hosts.append(wanted[service])
                continue
            host = port
            while host in taken:
                host += 1
            taken.add(host)
            hosts.append(host)
        out[service] = hosts
    return out


PROXY_CAPABILITIES = ["CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID"]  # nginx's master binds, then drops to nginx
PROXY_SCRATCH = ["/var/cache/nginx", "/var/lib/nginx", "/var/run", "/tmp"]  # the official image, Debian's nginx


def proxy_service(project: str, proxy, hosts: list[int], services: set[str], image: str) -> dict:
    """The repository's own reverse proxy (``apps.Proxy``): its image (or the official nginx image with
    its configuration mounted read-only), its ports, and the apps it passes to."""
    svc: dict = {}
    if proxy.dockerfile:
        svc["build"] = {"context": f"./{_escape(proxy.path)}"}
        svc["image"] = f"{project}-{proxy.name}:latest"
    else:
        svc["image"] = image
        target = "/etc/nginx/nginx.conf" if proxy.main_conf else "/etc/nginx/conf.d/default.conf"
        svc["volumes"] = [f"./{_escape(proxy.conf)}:{target}:ro"]
    if proxy.ports:
        first, *rest = proxy.ports
        svc["ports"] = [f"127.0.0.1:${{{env_prefix(proxy.name)}_HOST_PORT:-{hosts[0]}}}:{first}"] + [
            f"127.0.0.1:{h}:{p}" for h, p in zip(hosts[1:], rest)]
    upstreams = list(dict.fromkeys(proxy.aliases.get(u, u) for u in proxy.upstreams))
    upstreams = [u for u in upstreams if u in services]
    if upstreams:
        svc["depends_on"] = {u: {"condition": "service_started"} for u in upstreams}
    svc["read_only"] = True
    svc["tmpfs"] = list(PROXY_SCRATCH)
    svc["cap_drop"] = ["ALL"]
    svc["cap_add"] = list(PROXY_CAPABILITIES)
    svc["security_opt"] = ["no-new-privileges:true"]
    svc["restart"] = "unless-stopped"
    return svc


def apps_compose_dict(project: str, apps: list[tuple[str, str, Profile, str | None]],
                      depends: dict[str, list[str]] | None = None, proxies: list | None = None,
                      builds: dict[str, dict] | None = None, wanted: dict[str, int] | None = None) -> dict:
    """One compose file for several apps: ``apps`` is (service name, folder, profile, Dockerfile) each.

    Every app is the service its own compose would have (built from its folder, hardened the same
    way); its host port is ``<NAME>_HOST_PORT`` (the next free one when two apps listen on the same
    port); its volumes are named after it; backing services and secrets several apps use appear once."""
    services: dict[str, dict] = {}
    backing: dict[str, dict] = {}
    by_image: dict[str | None, str] = {}  # a backing service's image -> the first service of it
    volumes: dict[str, dict] = {}
    secrets: dict[str, dict] = {}
    hosts = host_ports([(a[0], a[2]) for a in apps] + [(p.name, p) for p in proxies or []], wanted)
    for service, folder, profile, dockerfile in apps:
        doc = compose_dict(profile, f"{project}-{service}", dockerfile)
        app = doc["services"].pop("app")
        app["build"] = {"context": f"./{_escape(folder)}"}  # a folder's name is never interpolated
        for key, value in (builds or {}).get(service, {}).items():  # a workspace root context, build args
            app["build"][key] = {k: _escape(v) for k, v in value.items()} if key == "args" else _escape(value)
        renamed: dict[str, str] = {}
        for vol in profile.writable_paths:
            renamed[volume_name(vol)] = f"{service}-{volume_name(vol)}"
        if "volumes" in app:
            mounts = []
            for mount in app["volumes"]:
                source, _, rest = mount.partition(":")
                if source in renamed:
                    mounts.append(f"{renamed[source]}:{rest}")
                elif source.startswith("./"):
                    mounts.append(f"./{_escape(folder)}/{source[2:]}:{rest}")
                else:
                    mounts.append(mount)
            app["volumes"] = mounts
        for vol, spec in doc.get("volumes", {}).items():
            volumes[renamed.get(vol, vol)] = spec
        if profile.ports:
            (first, *rest), (host, *extra) = profile.ports, hosts[service]
            app["ports"] = [f"127.0.0.1:${{{env_prefix(service)}_HOST_PORT:-{host}}}:{first}"] + [
                f"127.0.0.1:{h}:{p}" for h, p in zip(extra, rest)]
        for other in (depends or {}).get(service, []):
            app.setdefault("depends_on", {})[other] = {"condition": "service_started"}
        services[service] = app
        migrate = doc["services"].pop(MIGRATE_SERVICE, None)
        if migrate and "build" not in migrate:  # a tool's own image (Flyway) with a folder of the app mounted
            migrate["volumes"] = [f"./{_escape(folder)}/{m[2:]}" if m.startswith("./") else m
                                  for m in migrate.get("volumes", [])]
        if migrate:  # <app>-migrate: the app's own one-shot migrations, from its folder and with its volumes
            if "build" in migrate:
                migrate.update({k: copy.deepcopy(app[k]) for k in ("build", "volumes") if k in app})
            services[f"{service}-{MIGRATE_SERVICE}"] = migrate
            app["depends_on"][f"{service}-{MIGRATE_SERVICE}"] = app["depends_on"].pop(MIGRATE_SERVICE)
        helpers = [services.get(f"{service}-{MIGRATE_SERVICE}", {})]
        for worker in profile.workers:  # <app>-<worker>: from the app's folder, with its volumes and order
            key = workers.service_name(worker)
            spec = doc["services"].pop(key, None) or doc["services"].pop(f"app-{key}", None)
            if spec is None:
                continue
            spec.update({k: copy.deepcopy(app[k]) for k in ("build", "volumes", "depends_on") if k in app})
            services[f"{service}-{key}"] = spec
            helpers.append(spec)
        for name, spec in doc["services"].items():
            first = by_image.setdefault(spec.get("image"), name)
            if first == name:
                backing.setdefault(name, spec)
                continue
            # the same backing service another app reaches under another host name: one service that
            # answers to both names (a network alias), its data in one volume
            aliases = backing[first].setdefault("networks", {"default": {"aliases": []}})["default"]["aliases"]
            if name not in aliases:
                aliases.append(name)
            volumes.pop(f"{name}-data", None)
            for user in (app, *helpers):
                if name in user.get("depends_on", {}):
                    user["depends_on"][first] = user["depends_on"].pop(name)
        secrets.update(doc.get("secrets", {}))
    for proxy in proxies or []:
        for host, service in proxy.aliases.items():  # a host the proxy passes to, answered by an app
            aliases = services[service].setdefault("networks", {"default": {"aliases": []}})["default"]["aliases"]
            if host not in aliases:
                aliases.append(host)
        services[proxy.name] = proxy_service(project, proxy, hosts[proxy.name], set(services), PROXY_IMAGE)
    services.update(backing)
    out: dict = {"services": services}
    if volumes:
        out["volumes"] = volumes
    if secrets:
        out["secrets"] = secrets
    return out


def render_apps_compose(project: str, apps: list[tuple[str, str, Profile, str | None]],
                        depends: dict[str, list[str]] | None = None, proxies: list | None = None,
                        builds: dict[str, dict] | None = None, wanted: dict[str, int] | None = None) -> str:
    doc = apps_compose_dict(project, apps, depends, proxies, builds, wanted)
    lines = [f"# Compose file for {project}: {len(apps)} app{'s' if len(apps) != 1 else ''} "
             f"({', '.join(a[0] for a in apps)}), made by containerize.",
             "#   docker compose up --build"]
    for service, _folder, profile, _df in apps:
        ports = doc["services"][service].get("ports")
        if ports:
            host = ports[0].split(":-", 1)[1].split("}", 1)[0]
            where = f"listens on 127.0.0.1:{host}, speaking no HTTP/1" if profile.health_path is None else \
                f"answers on {'https' if profile.tls else 'http'}://127.0.0.1:{host}"
            lines.append(f"# {service} {where} (set {env_prefix(service)}_HOST_PORT to publish it elsewhere).")
        else:
            lines.append(f"# {service} publishes no port.")
    for proxy in proxies or []:
        ports = doc["services"][proxy.name].get("ports")
        where = f" on http://127.0.0.1:{ports[0].split(':-', 1)[1].split('}', 1)[0]}" if ports else ""
        lines.append(f"# {proxy.name}: the repository's own reverse proxy ({proxy.conf}){where}.")
    if doc.get("secrets"):
        lines += ["#", "# Secrets are never written here nor baked into the images. Put each value in",
                  "# its own file before the first `up` (and keep ./secrets/ out of git):"]
        lines += [f"#   {spec['file']}" for spec in doc["secrets"].values()]
    lines += ["#", "# Hardened: each app runs with a read-only root filesystem (tmpfs for its",
              "# scratch folders, volumes for the folders it keeps), no Linux capabilities,",
              "# no privilege escalation and resource limits (change them under deploy:)."]
    return "\n".join(lines) + "\n" + to_yaml(doc)
