"""`containerize verify --k8s` against a real Docker engine: the pod spec of each server fixture runs
as Kubernetes would run it (its uid, a read-only root, emptyDirs, Secret files, no capabilities)
and passes the probes it declares; a batch program's Job exits 0; a postgres app starts its
StatefulSet first. Every run leaves nothing behind."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from harness import containerize, copy_fixture, run

pytestmark = pytest.mark.docker

LABEL = "containerize.verify"
SERVERS = ["python-flask", "node-express", "go-http", "java-maven", "static-site"]


def verify_k8s(project, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    done = run([sys.executable, "-m", "containerize", "verify", str(project), "--k8s", "--json", *args],
               check=False, timeout=1200)
    try:
        return done, json.loads(done.stdout)
    except ValueError:
        raise AssertionError(f"not JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}") from None


def generated(tmp_path, fixture: str):
    project = copy_fixture(fixture, tmp_path)
    containerize(str(project), "--yes", "--k8s")
    assert (project / "k8s" / "kustomization.yaml").is_file()
    return project


def leftovers(run_id: str) -> list[str]:
    label = f"label={LABEL}={run_id}"
    found = []
    for cmd in (["ps", "-aq"], ["network", "ls", "-q"], ["volume", "ls", "-q"], ["images", "-q"]):
        found += run(["docker", *cmd, "--filter", label]).stdout.split()
    return found


def statuses(data: dict) -> dict[str, str]:
    return {c["name"]: c["status"] for c in data["checks"]}


@pytest.mark.parametrize("fixture", SERVERS)
def test_server_pod_spec_runs_hardened_and_passes_its_probes(docker, tmp_path, fixture):
    project = generated(tmp_path, fixture)
    done, data = verify_k8s(project)
    assert done.returncode == 0, json.dumps(data, indent=1)[-4000:]
    checks = statuses(data)
    assert checks["pod security"] == "pass"
    assert checks["startupProbe (the app)"] == "pass"
    assert checks["readinessProbe (the app)"] == "pass" and checks["livenessProbe (the app)"] == "pass"
    assert checks["non-root"] == "pass" and data["run"]["uid"] not in (0, None)
    assert leftovers(data["run_id"]) == []


def test_postgres_statefulset_starts_first_and_the_app_reaches_it(docker, tmp_path):
    project = generated(tmp_path, "python-postgres")
    done, data = verify_k8s(project)
    assert done.returncode == 0, json.dumps(data, indent=1)[-4000:]
    checks = statuses(data)
    service = [name for name in checks if name.startswith("startupProbe (") and "postgres" in name]
    assert service and checks[service[0]] == "pass"
    assert checks["startupProbe (the app)"] == "pass"
    assert leftovers(data["run_id"]) == []


def test_batch_job_exits_zero_on_a_read_only_root(docker, tmp_path):
    project = generated(tmp_path, "python-batch")
    done, data = verify_k8s(project, "--expect", "words=12")
    assert done.returncode == 0, json.dumps(data, indent=1)[-4000:]
    checks = statuses(data)
    assert data["kind"] == "batch" and checks["exit code"] == "pass" and checks["expected output"] == "pass"
    assert checks["pod security"] == "pass"
    assert leftovers(data["run_id"]) == []


def test_an_app_that_writes_outside_its_volumes_fails_before_a_cluster_would(docker, tmp_path):
    project = generated(tmp_path, "python-flask")
    deployment = project / "k8s" / "deployment.yaml"
    text = deployment.read_text()
    # drop the /tmp emptyDir: gunicorn needs a writable temporary folder
    text = text.replace("        - name: scratch-tmp\n          mountPath: /tmp\n", "")
    text = text.replace("      - name: scratch-tmp\n        emptyDir:\n          sizeLimit: 64Mi\n", "")
    assert "scratch-tmp" not in text
    deployment.write_text(text)
    done, data = verify_k8s(project, "--timeout", "40")
    assert done.returncode != 0
    assert data["error"] is not None, json.dumps(data, indent=1)[-3000:]
    assert "temporary directory" in data["error"]["details"] or "Read-only file system" in data["error"]["details"]
    assert leftovers(data["run_id"]) == []
