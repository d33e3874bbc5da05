"""`containerize --k8s`: the manifests of every fixture pass kubernetes-validate (strict), checkov
(no failed check; every skip carries its reason) and `kubectl kustomize`; and what they say
matches the profile (labels and selectors, probes, secrets as files, security context)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from containerize.plan import BuildPlan
from containerize.checklist import build_profile
from containerize.k8s import render_k8s, resource_name
from containerize.k8s.runtime import runtime
from containerize.profile import EnvVar, Profile, Service
from containerize.render import render

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "fixtures"
# multi-*: repositories of several apps, tested in their own section below
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith(("broken-", "multi-")))
K8S_VERSIONS = ("1.30.0", "1.37.0")


def generated(name: str) -> tuple[Profile, dict[str, str]]:
    profile = build_profile(FIXTURES / name, [])
    return profile, render(profile, k8s=True)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        if rel.startswith("k8s/"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
    return root / "k8s"


def kustomize(folder: Path) -> list[dict]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed to render the kustomization"
    done = subprocess.run([kubectl, "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


@pytest.fixture(scope="module")
def all_manifests(tmp_path_factory) -> dict[str, tuple[Profile, Path]]:
    root = tmp_path_factory.mktemp("k8s")
    out = {}
    for name in NAMES:
        profile, files = generated(name)
        out[name] = (profile, write(root / name, files))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_kustomize_renders_and_every_resource_validates_strictly(all_manifests, name):
    import kubernetes_validate

    profile, folder = all_manifests[name]
    docs = kustomize(folder)
    kinds = sorted(d["kind"] for d in docs)
    runs = bool(profile.ports) or profile.long_running  # a server, or a program that runs until stopped
    assert ("Deployment" in kinds) == runs and ("Job" in kinds) == (not runs)
    assert ("Service" in kinds) == bool(profile.ports)
    assert "NetworkPolicy" in kinds and "ConfigMap" in kinds and "Namespace" in kinds
    for doc in docs:
        for version in K8S_VERSIONS:
            kubernetes_validate.validate(doc, version, strict=True)  # raises on any error


def test_checkov_finds_no_failed_check_and_every_skip_has_a_reason(all_manifests, tmp_path):
    folder = next(iter(all_manifests.values()))[1].parent.parent
    checkov = Path(sys.executable).parent / "checkov"
    done = subprocess.run([str(checkov), "--framework", "kubernetes", "-d", str(folder), "-o", "json",
                           "--skip-download", "--compact"], capture_output=True, text=True, timeout=600)
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [(c["check_id"], c["file_path"], c["resource"]) for r in reports
              for c in r["results"]["failed_checks"]]
    assert failed == []
    passed = sum(r["summary"]["passed"] for r in reports)
    assert passed > 50 * len(all_manifests)  # it really read every fixture's manifests
    for r in reports:
        for check in r["results"]["skipped_checks"]:
            assert len((check["check_result"].get("suppress_comment") or "").strip()) > 20, check
    assert done.returncode == 0, done.stdout[-3000:]


def _docs(folder: Path) -> dict[str, dict]:
    return {str(p.relative_to(folder)): yaml.safe_load(p.read_text()) for p in folder.rglob("*.yaml")}


def test_flask_deployment_matches_the_profile(all_manifests):
    profile, folder = all_manifests["python-flask"]
    docs = _docs(folder)
    deploy = docs["deployment.yaml"]
    labels = deploy["spec"]["template"]["metadata"]["labels"]
    assert set(deploy["spec"]["selector"]["matchLabels"].items()) <= set(labels.items())
    assert docs["service.yaml"]["spec"]["selector"] == deploy["spec"]["selector"]["matchLabels"]
    assert docs["networkpolicy.yaml"]["spec"]["podSelector"]["matchLabels"] == deploy["spec"]["selector"]["matchLabels"]
    for key in ("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of",
                "app.kubernetes.io/managed-by"):
        assert key in labels
    pod = deploy["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["ports"] == [{"name": "http", "containerPort": 5050, "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"] == {"path": profile.health_path, "port": "http"}
    assert pod["securityContext"]["runAsUser"] == 10001 and pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    sec = container["securityContext"]
    assert sec["readOnlyRootFilesystem"] and not sec["allowPrivilegeEscalation"]
    assert sec["capabilities"] == {"drop": ["ALL"]}
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert "/tmp" in mounts and "/app/uploads" in mounts and mounts["/run/secrets"]["readOnly"]
    assert "pvc-app-uploads.yaml" in docs
    # the secret has no value in the manifest; the app reads it as a file the shim exports
    assert "data" not in docs["secret.yaml"] and "stringData" not in docs["secret.yaml"]
    assert container["args"] == profile.entrypoint and container["command"][:2] == ["/bin/sh", "-c"]
    assert not any("secretKeyRef" in json.dumps(e) for e in container.get("env", []))
    assert docs["configmap.yaml"]["data"]["PORT"] == "5050"
    assert "SECRET_KEY" not in docs["configmap.yaml"]["data"]
    assert "kubectl -n python-flask create secret generic python-flask-secrets --from-literal=SECRET_KEY=" in \
        (folder / "secret.yaml").read_text()
    ingress = docs["networkpolicy.yaml"]["spec"]["ingress"][0]
    assert ingress["ports"] == [{"protocol": "TCP", "port": 5050}]


def test_postgres_is_a_statefulset_in_a_component_the_app_may_reach(all_manifests):
    _, folder = all_manifests["python-postgres"]
    docs = _docs(folder)
    kust = docs["kustomization.yaml"]
    assert kust["components"] == ["services"] and docs["services/kustomization.yaml"]["kind"] == "Component"
    sts = docs["services/postgres-statefulset.yaml"]
    svc = docs["services/postgres-service.yaml"]
    assert svc["spec"]["clusterIP"] == "None" and sts["spec"]["serviceName"] == svc["metadata"]["name"]
    assert sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"
    policy = docs["services/postgres-networkpolicy.yaml"]["spec"]
    app_selector = docs["deployment.yaml"]["spec"]["selector"]["matchLabels"]
    assert policy["ingress"][0]["from"] == [{"podSelector": {"matchLabels": app_selector}}]
    egress = docs["networkpolicy.yaml"]["spec"]["egress"]
    assert {"protocol": "TCP", "port": 5432} in [p for rule in egress for p in rule["ports"]]
    # leaving the component out still renders a valid set
    without = dict(kust)
    del without["components"]
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(without))
    try:
        kinds = [d["kind"] for d in kustomize(folder)]
    finally:
        (folder / "kustomization.yaml").write_text(yaml.safe_dump(kust))
    assert "StatefulSet" not in kinds and "Deployment" in kinds


def test_a_batch_program_is_a_job_with_no_ingress(all_manifests):
    _, folder = all_manifests["python-batch"]
    docs = _docs(folder)
    assert "deployment.yaml" not in docs and "service.yaml" not in docs
    job = docs["job.yaml"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert docs["networkpolicy.yaml"]["spec"]["ingress"] == []
    mounts = job["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert any(m["mountPath"] == "/data/words.txt" and m["readOnly"] for m in mounts)


def test_low_uid_images_skip_the_high_uid_check_with_the_reason(all_manifests):
    _, folder = all_manifests["static-site"]
    meta = _docs(folder)["deployment.yaml"]["metadata"]
    reasons = dict(v.split("=", 1) for v in meta["annotations"].values())
    assert "uid 101" in reasons["CKV_K8S_40"] and "CKV_K8S_43" in reasons


def test_no_shell_image_gets_file_paths_in_env():
    profile = Profile(root="/x/go", language="go", ports=[8080], entrypoint=["/usr/local/bin/app"],
                      env=[EnvVar("API_TOKEN", secret=True), EnvVar("MODE", "a: b $(X)")])
    profile.build = BuildPlan(shell=False)
    files = render_k8s(profile, "go", "FROM scratch\nUSER 65532:65532\n")
    docs = {k: yaml.safe_load(v) for k, v in files.items()}
    container = docs["k8s/deployment.yaml"]["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "API_TOKEN_FILE", "value": "/run/secrets/api_token"} in container["env"]
    assert "command" not in container
    assert docs["k8s/configmap.yaml"]["data"]["MODE"] == "a: b $(X)"
    assert "CKV_K8S_40" not in json.dumps(docs["k8s/deployment.yaml"]["metadata"])


def test_names_that_kubernetes_refuses_are_made_valid():
    assert resource_name("2048-game") == "app-2048-game"
    assert resource_name("My_App") == "my-app"
    assert len(resource_name("x" * 200)) <= 40
    profile = Profile(root="/x/9", language="python", ports=[80], entrypoint=["python", "a.py"],
                      services=[Service("redis", "REDIS_URL")], env=[EnvVar("REDIS_URL")])
    files = render_k8s(profile, "9lives", "FROM python\nUSER 10001:10001\n")
    assert all(yaml.safe_load(t)["metadata"].get("name", "").startswith("app-9lives")
               for k, t in files.items() if not k.endswith("kustomization.yaml") and "namespace" not in k)
    config = yaml.safe_load(files["k8s/configmap.yaml"])["data"]
    assert config["REDIS_URL"] == "redis://app-9lives-redis:6379/0"


def test_runtime_reads_the_final_stage_and_its_parents():
    dockerfile = ("FROM ruby:3 AS base\nWORKDIR /app\nFROM base AS build\nRUN make\n"
                  "FROM base\nRUN mkdir -p tmp log /app/storage \\\n && chown -R 10001:10001 tmp log /app/storage\n"
                  "USER 10001:10001\n")
    profile = Profile(language="ruby", writable_paths=["/app/storage"], entrypoint=["bundle", "exec", "puma"])
    rt = runtime(profile, dockerfile)
    assert (rt.uid, rt.gid, rt.base, rt.workdir) == (10001, 10001, "ruby:3", "/app")
    assert rt.scratch == ["/tmp", "/app/tmp", "/app/log"]
    assert rt.init is False  # puma reaps its workers
    assert runtime(Profile(language="node", entrypoint=["node", "a.js"]), "FROM node\nUSER 1000\n").init is True


def test_cli_writes_k8s_only_when_asked(tmp_path):
    import subprocess as sp

    def cz(*args):
        return sp.run([sys.executable, "-m", "containerize", *args], capture_output=True, text=True, timeout=120)

    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "python-flask", plain)
    assert cz("init", str(plain), "--yes").returncode == 0  # an existing project: generate, without k8s
    assert not (plain / "k8s").exists()
    asked = tmp_path / "asked"
    shutil.copytree(FIXTURES / "python-flask", asked)
    done = cz(str(asked), "--yes", "--k8s")
    assert done.returncode == 0, done.stderr
    assert (asked / "k8s" / "deployment.yaml").is_file() and (asked / "k8s" / "kustomization.yaml").is_file()
    assert "k8s/kustomization.yaml" in (asked / "README.Docker.md").read_text()
    new = tmp_path / "new"
    done = cz("init", str(new), "--yes", "--k8s", "--set", "language=python", "--set", "framework=flask",
              "--set", "port=8000")
    assert done.returncode == 0, done.stderr
    assert (new / "k8s" / "service.yaml").is_file()


def test_hostile_names_and_values_stay_valid_yaml_and_valid_resources():
    import kubernetes_validate

    profile = Profile(root="/x/a", language="python", ports=[8000], entrypoint=["python", "a.py", "$(HOME)"],
                      health_path="/health",
                      env=[EnvVar("GOOD", "x\ny: 1 # not a key"), EnvVar("bad name;rm", "1"),
                           EnvVar("TOKEN", secret=True), EnvVar("ba d", secret=True)])
    files = render_k8s(profile, "a", "FROM python\nUSER 10001:10001\n")
    docs = {k: yaml.safe_load(v) for k, v in files.items()}
    assert docs["k8s/configmap.yaml"]["data"] == {"GOOD": "x\ny: 1 # not a key"}
    container = docs["k8s/deployment.yaml"]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["python", "a.py", "$$(HOME)"]  # Kubernetes does not expand it
    items = docs["k8s/deployment.yaml"]["spec"]["template"]["spec"]["volumes"][0]["secret"]["items"]
    assert items == [{"key": "TOKEN", "path": "token"}]
    for name, doc in docs.items():
        if not name.endswith("kustomization.yaml"):
            kubernetes_validate.validate(doc, K8S_VERSIONS[-1], strict=True)


# -- repositories of several apps (multi-*): one k8s/ at the root, one workflow for every image ---------
MULTI = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name.startswith("multi-"))


def generated_apps(name: str) -> tuple[dict, dict[str, str]]:
    from containerize.apps import discover
    from containerize.render import render_apps

    repo = discover(FIXTURES / name)
    assert repo is not None
    files = render_apps(repo, ci="github", k8s=True)
    return yaml.safe_load(files["compose.yaml"]), files


@pytest.fixture(scope="module")
def multi_manifests(tmp_path_factory) -> dict[str, tuple[dict, dict[str, str], Path]]:
    root = tmp_path_factory.mktemp("k8s-multi")
    out = {}
    for name in MULTI:
        compose_doc, files = generated_apps(name)
        out[name] = (compose_doc, files, write(root / name, files))
    return out


def _apps_of(compose_doc: dict) -> dict[str, dict]:
    """The compose services that are built here (the apps), by name."""
    return {k: v for k, v in compose_doc["services"].items() if "build" in v}


@pytest.mark.parametrize("name", MULTI)
def test_multi_app_kustomize_renders_every_app_and_validates_strictly(multi_manifests, name):
    import kubernetes_validate

    compose_doc, _files, folder = multi_manifests[name]
    docs = kustomize(folder)
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {name}
    assert [d["metadata"]["name"] for d in docs if d["kind"] == "Namespace"] == [name]
    for service, spec in _apps_of(compose_doc).items():
        mine = [d for d in docs if d["metadata"]["name"].startswith(service)]
        kinds = {d["kind"] for d in mine}
        assert {"ConfigMap", "NetworkPolicy"} <= kinds, service
        if spec.get("ports"):  # a server: a Deployment and a Service named as in compose
            assert any(d["kind"] == "Deployment" and d["metadata"]["name"] == service for d in mine)
            assert any(d["kind"] == "Service" and d["metadata"]["name"] == service for d in mine)
        elif spec.get("restart"):  # runs until stopped (a queue worker): a Deployment with no Service
            assert any(d["kind"] == "Deployment" and d["metadata"]["name"] == service for d in mine)
            assert not any(d["kind"] == "Service" for d in mine)
        else:  # a batch program: a Job
            assert any(d["kind"] == "Job" and d["metadata"]["name"] == service for d in mine)
        for d in mine:
            assert d["metadata"]["labels"]["app.kubernetes.io/part-of"] == name
    # the backing services once, named as the apps reach them
    backing = [k for k, v in compose_doc["services"].items() if "build" not in v]
    sts = [d["metadata"]["name"] for d in docs if d["kind"] == "StatefulSet"]
    assert len(sts) == len(backing) and len(set(sts)) == len(sts)
    for doc in docs:
        for version in K8S_VERSIONS:
            kubernetes_validate.validate(doc, version, strict=True)


def test_multi_app_checkov_finds_no_failed_check(multi_manifests):
    folder = next(iter(multi_manifests.values()))[2].parent.parent
    checkov = Path(sys.executable).parent / "checkov"
    done = subprocess.run([str(checkov), "--framework", "kubernetes", "-d", str(folder), "-o", "json",
                           "--skip-download", "--compact"], capture_output=True, text=True, timeout=600)
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [(c["check_id"], c["file_path"], c["resource"]) for r in reports
              for c in r["results"]["failed_checks"]]
    assert failed == []
    assert sum(r["summary"]["passed"] for r in reports) > 50 * len(multi_manifests)
    for r in reports:
        for check in r["results"]["skipped_checks"]:
            assert len((check["check_result"].get("suppress_comment") or "").strip()) > 20, check
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("name", ["multi-go-static", "multi-fastapi-vite"])
def test_the_front_ends_nginx_reaches_the_api_by_its_compose_name(multi_manifests, name):
    compose_doc, files, folder = multi_manifests[name]
    docs = _docs(folder)
    frontend = docs["frontend/deployment.yaml"]["spec"]["template"]["spec"]
    conf = docs["frontend/nginx-configmap.yaml"]["data"]["default.conf"]
    api_port = docs["backend/service.yaml"]["spec"]["ports"][0]["port"]
    # the image's own server block, but the calls go straight to the Service (Docker's DNS is not there)
    assert "127.0.0.11" in files["frontend/Dockerfile"] and "127.0.0.11" not in conf
    assert f"proxy_pass http://backend:{api_port};" in conf and "listen 8080;" in conf
    assert "$upstream" not in conf and "location /api/" in conf and "root /usr/share/nginx/html;" in conf
    mounts = frontend["containers"][0]["volumeMounts"]
    assert {"name": "nginx-conf", "mountPath": "/etc/nginx/conf.d", "readOnly": True} in mounts
    assert {"name": "nginx-conf", "configMap": {"name": "frontend-nginx"}} in frontend["volumes"]
    # the API lets the front end in; the front end may reach the API
    api_in = docs["backend/networkpolicy.yaml"]["spec"]["ingress"]
    front_selector = docs["frontend/deployment.yaml"]["spec"]["selector"]["matchLabels"]
    assert {"from": [{"podSelector": {"matchLabels": front_selector}}],
            "ports": [{"protocol": "TCP", "port": api_port}]} in api_in
    api_selector = docs["backend/deployment.yaml"]["spec"]["selector"]["matchLabels"]
    assert {"to": [{"podSelector": {"matchLabels": api_selector}}],
            "ports": [{"protocol": "TCP", "port": api_port}]} in docs["frontend/networkpolicy.yaml"]["spec"]["egress"]


def test_a_backing_service_shared_by_two_apps_is_written_once_and_lets_both_in(multi_manifests):
    _compose, _files, folder = multi_manifests["multi-express-worker"]
    docs = _docs(folder)
    assert "services/redis-statefulset.yaml" in docs and "worker/deployment.yaml" in docs  # a queue worker: for ever
    assert not any(k.startswith(("api/redis", "worker/redis")) for k in docs)
    allowed = docs["services/redis-networkpolicy.yaml"]["spec"]["ingress"][0]["from"]
    assert [f["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for f in allowed] == ["api", "worker"]
    host = docs["services/redis-service.yaml"]["metadata"]["name"]
    for app in ("api", "worker"):
        assert docs[f"{app}/configmap.yaml"]["data"]["REDIS_URL"] == f"redis://{host}:6379/0"
        egress = docs[f"{app}/networkpolicy.yaml"]["spec"]["egress"]
        assert {"protocol": "TCP", "port": 6379} in [p for rule in egress for p in rule["ports"]]


def test_the_postgres_host_the_code_names_is_the_service_and_its_secret_has_no_value(multi_manifests):
    _compose, _files, folder = multi_manifests["multi-fastapi-vite"]
    docs = _docs(folder)
    assert docs["services/postgres-service.yaml"]["metadata"]["name"] == "db"  # POSTGRES_SERVER=db, as in compose
    assert docs["backend/configmap.yaml"]["data"]["POSTGRES_SERVER"] == "db"
    secret = docs["services/postgres-secret.yaml"]
    assert "data" not in secret and "stringData" not in secret
    assert "create secret generic db-password" in (folder / "services" / "postgres-secret.yaml").read_text()


@pytest.mark.parametrize("name", MULTI)
def test_multi_app_workflow_builds_every_app_as_compose_does(multi_manifests, name):
    compose_doc, files, _folder = multi_manifests[name]
    workflow = yaml.safe_load(files[".github/workflows/docker.yml"])
    rows = workflow["jobs"]["image"]["strategy"]["matrix"]["include"]
    apps = _apps_of(compose_doc)
    assert [r["app"] for r in rows] == list(apps)
    for row in rows:
        build = apps[row["app"]]["build"]
        context = build["context"]
        assert row["context"] in (context, "./" + context.removeprefix("./"))
        dockerfile = build.get("dockerfile", "Dockerfile")
        expected = dockerfile if "dockerfile" in build else f"{context.removeprefix('./')}/Dockerfile"
        assert row["dockerfile"] == "./" + expected
        args = build.get("args") or {}
        assert row["build-args"] == "\n".join(f"{k}={v}" for k, v in args.items())
    steps = workflow["jobs"]["image"]["steps"]
    build_step = next(s for s in steps if s.get("uses", "").startswith("docker/build-push-action"))
    assert build_step["with"]["context"] == "${{ matrix.context }}"
    assert build_step["with"]["file"] == "${{ matrix.dockerfile }}"
    assert "${{ matrix.app }}" in next(s for s in steps if s.get("id") == "meta")["with"]["images"]
    readme = files["README.Docker.md"]
    assert "`.github/workflows/docker.yml`" in readme and "`k8s/kustomization.yaml`" in readme
    assert "`k8s/" + list(apps)[0] + "/deployment.yaml`" not in readme


def test_workspace_members_build_from_the_root_in_the_workflow(multi_manifests):
    _compose, files, _folder = multi_manifests["multi-npm-workspace"]
    rows = yaml.safe_load(files[".github/workflows/docker.yml"])["jobs"]["image"]["strategy"]["matrix"]["include"]
    assert {(r["app"], r["context"], r["dockerfile"]) for r in rows} == {
        ("server", ".", "./apps/server/Dockerfile"), ("web", ".", "./apps/web/Dockerfile")}


def test_multi_app_without_flags_writes_no_k8s_nor_workflow():
    from containerize.apps import discover
    from containerize.render import render_apps

    files = render_apps(discover(FIXTURES / "multi-go-static"))
    assert not any(f.startswith(("k8s/", ".github/")) for f in files)


def test_a_folder_name_that_cannot_go_in_a_workflow_is_one_error(tmp_path):
    from containerize.apps import discover
    from containerize.render import RenderError, render_apps

    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "multi-go-static", root)
    (root / "backend").rename(root / "back end${{ x }}")
    repo = discover(root)
    assert repo is not None
    assert render_apps(repo)  # without --ci nothing is refused
    repo = discover(root)
    with pytest.raises(RenderError, match="cannot go in a workflow"):
        render_apps(repo, ci="github")


def test_cli_writes_k8s_and_the_workflow_at_a_repository_root(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "multi-express-worker", root)
    done = subprocess.run([sys.executable, "-m", "containerize", str(root), "--yes", "--k8s", "--ci", "github"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (root / "k8s" / "kustomization.yaml").is_file() and (root / "k8s" / "api" / "deployment.yaml").is_file()
    assert (root / "k8s" / "worker" / "deployment.yaml").is_file()  # a queue worker runs until stopped
    assert (root / ".github" / "workflows" / "docker.yml").is_file()


def test_compose_names_kubernetes_refuses_become_distinct_valid_names():
    from containerize.k8s import render_k8s_apps

    def app(port):
        return Profile(root="/x", language="node", ports=[port], entrypoint=["node", "a.js"])

    files, notes = render_k8s_apps("Repo", [("my_api", app(3000), "FROM node\nUSER 1000\n"),
                                            ("my-api", app(3001), "FROM node\nUSER 1000\n"),
                                            ("web", app(8080), "FROM nginx\nUSER 101\n")], {"web": "my_api"})
    deployments = sorted(yaml.safe_load(t)["metadata"]["name"] for k, t in files.items()
                         if k.endswith("/deployment.yaml"))
    assert deployments == ["my-api", "my-api-2", "web"]
    assert any("'my_api'" in n and "will not reach" in n for n in notes)
    assert any("nginx configuration was not found" in n for n in notes)  # web's Dockerfile has none
    assert yaml.safe_load(files["k8s/namespace.yaml"])["metadata"]["name"] == "repo"
