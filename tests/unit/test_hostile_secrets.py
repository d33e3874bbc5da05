"""Credentials are recognised by name and by value, and never written as defaults."""
from __future__ import annotations

from pathlib import Path

import yaml

import pytest

from containerize import validate
from containerize.envvars import is_secret, looks_like_credential
from containerize.profile import EnvVar, Profile
from hostile import generate, write_tree

SECRET_NAMES = ["DB_PWD", "SMTP_PW", "GPG_PASSPHRASE", "GITHUB_PAT", "OPENAI", "SESSION_SIGNING", "AUTH_HEADER",
                "TWILIO_AUTH", "SLACK_HOOK", "SMTP_PASSWORD", "SECRET_KEY", "API_TOKEN", "STRIPE_API_KEY",
                "SENTRY_DSN"]
PLAIN_NAMES = ["PORT", "DEBUG", "LOG_LEVEL", "APP_NAME", "REDIS_HOST", "PASSWORD_FILE", "NODE_ENV", "WORKERS",
               "TIMEZONE", "AUTH_URL", "ACCESS_TOKEN_EXPIRE_MINUTES", "EMAIL_RESET_TOKEN_EXPIRE_HOURS",
               "JWT_REFRESH_TOKEN_LIFETIME_DAYS", "SESSION_TOKEN_TTL_SECONDS", "TOKEN_EXP", "JWT_EXPIRES_IN",
               "TOKEN_EXPIRATION", "TOKEN_EXPIRY",
               # Laravel's config/auth.php: a broker's name, a table's name, a timeout
               "AUTH_PASSWORD_BROKER", "AUTH_PASSWORD_RESET_TOKEN_TABLE", "AUTH_PASSWORD_TIMEOUT"]
CREDENTIAL_VALUES = ["redis://:pw@cache:6379", "postgres://user:pw@db/app", "ghp_" + "a1B2" * 9,
                     "sk-" + "x9Y8" * 10, "xoxb-1234-5678-abcdefghij", "AKIAIOSFODNN7EXAMPLE",
                     "9fK2mQ7xLp4Zr8Vt1Wn6Yb3Hc5Jd0Gs"]
PLAIN_VALUES = ["development", "info", "0.0.0.0", "sqlite:///app.db", "redis://cache:6379/0", "/var/lib/app/data",
                "http://localhost:8080/api", "en_US.UTF-8", "abcdefghijklmnopqrstuvwxyz", "30"]


@pytest.mark.parametrize("name, default, secret", [
    ("MESSENGER_TRANSPORT_DSN", "redis://localhost:6379/messages", False),  # Symfony's .env: no credentials
    ("MAILER_DSN", "null://null", False),
    ("MESSENGER_TRANSPORT_DSN", "doctrine://default?auto_setup=0", False),
    ("SENTRY_DSN", None, True),
    ("SENTRY_DSN", "https://0123abcd@o0.ingest.sentry.io/1", True),  # its key is the URL's user
    ("MAILER_DSN", "smtp://user:pass@smtp.example.com:25", True),
    ("DB_DSN", "mysql:host=localhost;dbname=app", True),  # PDO's form, not a URL: the name decides
])
def test_a_dsn_is_a_secret_unless_its_default_shows_no_credentials(name, default, secret):
    assert is_secret(name, default) is secret


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_names(name):
    assert is_secret(name)


@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_plain_names(name):
    assert not is_secret(name)


@pytest.mark.parametrize("value", CREDENTIAL_VALUES)
def test_credential_values(value):
    assert looks_like_credential(value) and is_secret("CACHE_URL" if "://" in value else "SOMETHING", value)


@pytest.mark.parametrize("value", PLAIN_VALUES)
def test_plain_values(value):
    assert not looks_like_credential(value)


def test_code_defaults_of_secrets_are_never_written(tmp_path):
    lines = ["import os", "from flask import Flask", "app = Flask(__name__)"]
    values = {}
    for i, name in enumerate(SECRET_NAMES[:9]):
        values[name] = f"sentinel-{i}-value"
        lines.append(f"{name} = os.getenv({name!r}, {values[name]!r})")
    values["CACHE_URL"] = "redis://:sentinelpw@cache:6379"
    lines.append("CACHE_URL = os.getenv('CACHE_URL', 'redis://:sentinelpw@cache:6379')")
    lines += ["if __name__ == '__main__':", "    app.run(host='0.0.0.0', port=5000)"]
    root = write_tree(tmp_path / "app", {"app.py": "\n".join(lines) + "\n", "requirements.txt": "flask\n"})
    files, _ = generate(root)
    for text in files.values():
        for value in values.values():
            assert value not in text
    env = yaml.safe_load(files["compose.yaml"])["services"]["app"].get("environment") or {}
    for name in values:
        assert ":-" not in str(env.get(name) or ""), (name, env.get(name))


def test_set_env_of_a_secret_is_not_written_as_default(tmp_path):
    root = write_tree(tmp_path / "app", {"app.py": "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
                                         "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n",
                                         "requirements.txt": "flask\n"})
    files, _ = generate(root, ["env.SMTP_PASSWORD=sentinel-set-value"])
    for text in files.values():
        assert "sentinel-set-value" not in text


def test_check_profile_marks_credentials():
    profile = Profile(language="python", env=[EnvVar("CACHE_URL", "redis://:pw@cache:6379"),
                                              EnvVar("MODE", "ghp_" + "a1B2" * 9), EnvVar("LEVEL", "info")])
    validate.check_profile(profile)
    by_name = {v.name: v for v in profile.env}
    assert by_name["CACHE_URL"].secret and by_name["CACHE_URL"].default is None
    assert by_name["MODE"].default is None
    assert by_name["LEVEL"].default == "info" and not by_name["LEVEL"].secret


def test_dockerignore_keeps_secrets_out_at_any_depth(tmp_path):
    from containerize.dockerignore import DockerIgnore

    root = write_tree(tmp_path / "app", {"app.py": "import flask\napp = flask.Flask(__name__)\n",
                                         "requirements.txt": "flask\n"})
    files, _ = generate(root)
    rules = DockerIgnore.from_text(files[".dockerignore"])
    for path in ["config/.env", ".env", "a/b/.env.local", "certs/server.key", "deploy/tls.pem", "x/secrets/db",
                 "keys/id_rsa", "keys/id_rsa.pub", ".envrc", ".npmrc", ".pypirc", ".netrc", "sub/cert.p12"]:
        assert rules.ignored(path), path
    for path in ["app.py", ".env.example", "config/.env.example", "requirements.txt"]:
        assert not rules.ignored(path), path


# fixtures/python-secret-defaults: code defaults of every new secret class; none may reach a generated file
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "python-secret-defaults"
FIXTURE_SECRETS = ["DB_PWD", "SMTP_PW", "GPG_PASSPHRASE", "GITHUB_PAT", "OPENAI", "SESSION_SIGNING", "AUTH_HEADER",
                   "TWILIO_AUTH", "SLACK_HOOK", "CACHE_URL", "RELEASE_FEED", "COMPLETIONS", "NOTIFY_WITH"]


def fixture_defaults() -> dict[str, str]:
    """name -> default of each os.getenv / os.environ.get call in the fixture (read with ast)."""
    import ast

    defaults = {}
    for node in ast.walk(ast.parse((FIXTURE / "app.py").read_text())):
        if isinstance(node, ast.Call) and len(node.args) == 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args):
            defaults[node.args[0].value] = node.args[1].value
    return defaults


def test_fixture_defaults_of_the_new_secret_classes_are_never_written(tmp_path):
    import shutil

    root = tmp_path / "app"
    shutil.copytree(FIXTURE, root)
    defaults = fixture_defaults()
    assert sorted(defaults) == sorted(FIXTURE_SECRETS + ["LOG_LEVEL", "GREETING"])
    assert all(any(p in defaults[v] for p in ("fixture-default", "fixturedefault", "FxDefault", "Fx7dQ2mR9"))
               for v in FIXTURE_SECRETS)
    from containerize import checklist, render

    files = render.render(checklist.build_profile(root), ci="github", k8s=True)
    for name, text in files.items():
        for var in FIXTURE_SECRETS:
            assert defaults[var] not in text, (name, var)
        # nor a piece of one (the password of the URL, a token's body): each default holds one of these
        for piece in ("fixture-default", "fixturedefault", "FxDefault", "Fx7dQ2mR9"):
            assert piece not in text, (name, piece)
    compose = yaml.safe_load(files["compose.yaml"])["services"]["app"]
    env = compose.get("environment") or {}
    assert env["LOG_LEVEL"] == "${LOG_LEVEL:-info}" and env["GREETING"] == "${GREETING:-hello}"
    assert sorted(compose["secrets"]) == sorted(v.lower() for v in FIXTURE_SECRETS)
    for var in FIXTURE_SECRETS:
        assert var not in env


@pytest.mark.parametrize("name", ["NEXT_PUBLIC_SUPABASE_ANON_KEY", "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
                                  "VITE_MAPBOX_PUBLIC_KEY", "PUBLIC_GOOGLE_CLIENT_ID", "REACT_APP_AUTH0_CLIENT_ID",
                                  "GATSBY_ALGOLIA_PUBLIC_KEY", "EXPO_PUBLIC_SUPABASE_ANON_KEY"])
def test_keys_made_for_the_browser_are_settings(name):
    from containerize.envvars import bundle_env, is_secret_name
    assert not is_secret(name) and not is_secret_name(name)
    assert bundle_env(name, "placeholder") == (True, "placeholder", None)
    # the value is still checked: a credential-looking default is never written
    kept, default, warning = bundle_env(name, "sk_live_51HxYzAbCdEfGhIjKlMnOpQr")
    assert kept and default is None and "looks like a credential" in warning
    assert is_secret(name, "sk_live_51HxYzAbCdEfGhIjKlMnOpQr")


@pytest.mark.parametrize("name", ["NEXT_PUBLIC_SECRET_KEY", "VITE_STRIPE_SECRET_KEY", "REACT_APP_API_TOKEN",
                                  "PUBLIC_PRIVATE_KEY", "VITE_PRIVATE_PUBLIC_KEY", "NEXT_PUBLIC_DB_PASSWORD",
                                  "STRIPE_PUBLISHABLE_KEY", "SUPABASE_ANON_KEY"])
def test_secret_names_under_a_public_prefix_stay_secrets_and_are_warned(name):
    from containerize.envvars import bundle_env
    assert is_secret(name)
    kept, default, warning = bundle_env(name, "x")
    assert not kept and default is None and "a secret in the bundle is a bug" in warning
