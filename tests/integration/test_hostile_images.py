"""Credentials of the secret classes that were once missed (fixtures/python-secret-defaults: DB_PWD, SMTP_PW,
GPG_PASSPHRASE, GITHUB_PAT, OPENAI, SESSION_SIGNING, AUTH_HEADER, TWILIO_AUTH, SLACK_HOOK by name; a Redis URL
with a password and ghp_/sk-/xoxb- tokens by value) stay out of the generated files and the image.

The values given at run time (compose secret files) reach the app, and appear nowhere in the image: not in
`docker history --no-trunc`, not in its config, not in any file of `docker save`. The development defaults
written in the app's code are in the image only inside the copied source itself, so for them the history and
the image config are checked (a Dockerfile ENV/ARG/LABEL would put them there).
"""
from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from harness import Image, compose_project, generate, http_get

pytestmark = pytest.mark.docker

FIXTURE = "python-secret-defaults"
SECRETS = ["DB_PWD", "SMTP_PW", "GPG_PASSPHRASE", "GITHUB_PAT", "OPENAI", "SESSION_SIGNING", "AUTH_HEADER",
           "TWILIO_AUTH", "SLACK_HOOK", "CACHE_URL", "RELEASE_FEED", "COMPLETIONS", "NOTIFY_WITH"]
# every code default of the fixture holds one of these
DEFAULT_PIECES = ("fixture-default", "fixturedefault", "FxDefault", "Fx7dQ2mR9")


def test_secret_defaults_and_run_time_values_stay_out_of_the_image(docker, tmp_path):
    project, profile = generate(tmp_path, FIXTURE)
    assert profile["ports"] == [8000]
    for path in project.rglob("*"):
        if path.is_file() and path.name not in ("app.py", "README.md"):
            text = path.read_text(errors="replace")
            for piece in DEFAULT_PIECES:
                assert piece not in text, f"{path.name} holds a credential default ({piece})"
    base = f"sentinel-{uuid.uuid4().hex}"
    given = {var: f"{base}-{var.lower()}" for var in SECRETS}
    (project / "secrets").mkdir()
    for var, value in given.items():
        (project / "secrets" / var.lower()).write_text(value)
    assert base not in (project / "compose.yaml").read_text()
    with compose_project(project) as compose:
        compose("up", "-d", "--build", env={"HOST_PORT": "0"})
        port = compose.port("app", 8000)
        status, body = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200, body
        data = json.loads(body)
        assert data["greeting"] == "hello" and data["log_level"] == "info"
        for var, value in given.items():  # each run-time value reached the app (its digest, never the value)
            assert data["digests"][var] == hashlib.sha256(value.encode()).hexdigest()[:16], var
        assert base not in body
        uid = compose("exec", "-T", "app", "id", "-u").stdout.strip()
        assert uid not in ("", "0"), f"the app runs as uid {uid!r}"
        image = Image(compose("config", "--images").stdout.split()[0])
        assert image.user not in ("", "root", "0", "0:0")
        history = image.history()
        config = json.dumps(image.inspect()["Config"])
        for piece in DEFAULT_PIECES:
            assert piece not in history, f"a credential default ({piece}) is in the image history"
            assert piece not in config, f"a credential default ({piece}) is in the image config"
        assert base not in history and base not in config
        assert not image.contains(base), "a secret given at run time ended up in the image"


def test_an_ignored_requirements_txt_is_built_from(docker, tmp_path):
    """`*.txt` in .gitignore: the hand-written requirements.txt is the one installed (and left as it was)."""
    from harness import built_image, copy_fixture, containerize, running

    project = copy_fixture("python-flask", tmp_path)
    mine = (project / "requirements.txt").read_text()
    (project / ".gitignore").write_text("*.txt\n")
    done = containerize(str(project), "--yes", "--force")
    assert "requirements.txt is ignored" in done.stderr
    assert (project / "requirements.txt").read_text() == mine
    with built_image(project, "ignored-requirements") as image:
        with running(image, "-p", "127.0.0.1::5050") as container:
            status, body = http_get(f"http://127.0.0.1:{container.port(5050)}/", container=container)
            assert status == 200 and "hello" in body, body
            pinned = container.exec("pip", "show", "flask").stdout
            assert "Version: " + mine.split("==")[1].strip() in pinned, pinned
