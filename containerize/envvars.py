"""Env vars, whatever the language: which are secrets, which name a port, and the ones a
project documents in its .env example file."""
from __future__ import annotations

import functools
import math
import re
from typing import Iterator

from .profile import Profile
from .scan import SourceTree

_SECRET_WORDS = re.compile(
    r"(PASSWORD|PASSWD|PASS$|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_KEY|"
    r"SIGNING_KEY|ENCRYPTION_KEY|_KEY$|^KEY$|DSN$|WEBHOOK)", re.I)
# names of settings about a credential, not the credential: where it is, how long it lasts (a token's lifetime:
# ACCESS_TOKEN_EXPIRE_MINUTES, EMAIL_RESET_TOKEN_EXPIRE_HOURS, TOKEN_EXP, JWT_EXPIRES_IN), its algorithm or length, the table that keeps it
# or the timeout of asking for it again (Laravel's AUTH_PASSWORD_RESET_TOKEN_TABLE, AUTH_PASSWORD_TIMEOUT,
# AUTH_PASSWORD_BROKER: the name of a broker in config/auth.php)
_NOT_SECRET = re.compile(r"(_PATH|_FILE|_DIR|_ID$|PUBLIC|_HOST|_PORT|KEY_NAME|_TTL|_EXP|_EXPIRES?(_IN)?|_EXPIRATION"
                         r"|_EXPIRY|_ALGORITHM|_LENGTH"
                         r"|_TABLE|_TIMEOUT|_BROKER"
                         r"|_(EXPIRES?|EXPIRY|LIFETIME|TTL|AGE|TIMEOUT)_(IN_)?(SECONDS|SECS|MINUTES|MINS|HOURS|DAYS))$",
                         re.I)
_URL_WITH_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@", re.I)
# URLs of databases and brokers carry credentials even when the default doesn't show them.
_CREDENTIAL_URL_NAMES = re.compile(
    r"^(DATABASE|DB|POSTGRES(QL)?|PG|MYSQL|MARIADB|MONGO(DB)?|REDIS|AMQP|RABBITMQ|BROKER|CELERY_BROKER|SQLALCHEMY_DATABASE)_?(URL|URI|DSN)$",
    re.I)

PORT_NAMES = ("PORT", "HTTP_PORT", "APP_PORT", "SERVER_PORT", "LISTEN_PORT", "WEB_PORT")


# name tokens (split on `_`) that mark a credential wherever they stand
_SECRET_TOKENS = frozenset({"PWD", "PW", "PASS", "PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "SECRET",
                            "SECRETS", "TOKEN", "TOKENS", "APIKEY", "CREDENTIAL", "CREDENTIALS", "SIGNING",
                            "WEBHOOK", "PRIVATE"})
# tokens that mark a credential as the last word (GITHUB_PAT, TWILIO_AUTH, SLACK_HOOK) or before these
_SECRET_LAST = frozenset({"PAT", "AUTH", "HOOK", "KEY", "DSN", "SALT", "CERT"})
# a DSN names a service and may carry its credentials (SENTRY_DSN's key is its user): a secret unless its default
# shows none (Symfony's MESSENGER_TRANSPORT_DSN=doctrine://default, MAILER_DSN=null://null)
_DSN_NAME = re.compile(r"(^|_)DSN$", re.I)
_AUTH_NEXT = frozenset({"HEADER", "TOKEN", "KEY", "SECRET", "PASSWORD", "PASS"})
# a vendor's name alone is its API key (OPENAI=sk-...)
_VENDOR_KEYS = frozenset({"OPENAI", "ANTHROPIC", "STRIPE", "TWILIO", "SENDGRID", "MAILGUN", "GITHUB", "GITLAB",
                          "SLACK", "HUGGINGFACE", "HF", "COHERE", "MISTRAL", "GROQ"})
# a URL with a password, with or without a user (redis://:pw@host)
_URL_WITH_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@", re.I)
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_", "glpat-", "sk-", "sk_live_",
                   "sk_test_", "rk_live_", "pk_live_", "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-",
                   "AKIA", "ASIA", "AIza", "hf_", "npm_", "pypi-", "SG.", "-----BEGIN")


def _entropy(value: str) -> float:
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_like_credential(value: str | None) -> bool:
    """True when a value itself looks like a credential: a URL with a password, a known token
    prefix, or a long random-looking string."""
    if not value:
        return False
    value = value.strip()
    if _URL_WITH_PASSWORD.match(value):
        return True
    if len(value) >= 12 and value.startswith(_TOKEN_PREFIXES):
        return True
    if len(value) >= 24 and not any(c in value for c in " /:\\") and "." not in value[:1]:
        classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value),
                       any(c.isdigit() for c in value)))
        if classes >= 2 and _entropy(value) >= 4.0:
            return True
    return False


def _secret_name(name: str) -> bool:
    tokens = [t for t in name.upper().replace("-", "_").split("_") if t]
    if not tokens:
        return False
    if any(t in _SECRET_TOKENS for t in tokens):
        return True
    if tokens[-1] in _SECRET_LAST:
        return True
    if any(t == "AUTH" and nxt in _AUTH_NEXT for t, nxt in zip(tokens, tokens[1:])):
        return True
    return len(tokens) == 1 and tokens[0] in _VENDOR_KEYS


def is_secret_name(name: str) -> bool:
    """True when the name alone says the variable holds a credential (SMTP_PASSWORD, GITHUB_PAT)."""
    if is_browser_public_key(name):
        return False  # a key made for the browser (NEXT_PUBLIC_SUPABASE_ANON_KEY)
    return not _NOT_SECRET.search(name) and (bool(_SECRET_WORDS.search(name)) or _secret_name(name))


# prefixes of env vars a front end's bundler (or framework) compiles into the code the browser downloads
BROWSER_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "PUBLIC_", "GATSBY_", "EXPO_PUBLIC_", "NUXT_PUBLIC_")
# the last words of a key made to be handed to browsers (Supabase's anon key, Stripe's publishable key)
_BROWSER_KEY_ENDINGS = (("ANON", "KEY"), ("PUBLISHABLE", "KEY"), ("PUBLIC", "KEY"), ("CLIENT", "ID"))


def browser_prefix(name: str) -> str | None:
    """The prefix that puts an env var in the browser bundle (``NEXT_PUBLIC_``), or None."""
    upper = name.upper()
    return next((p for p in sorted(BROWSER_PREFIXES, key=len, reverse=True) if upper.startswith(p)), None)


def is_browser_public_key(name: str) -> bool:
    """True for a key meant for the browser under a bundled prefix (``NEXT_PUBLIC_SUPABASE_ANON_KEY``,
    ``VITE_STRIPE_PUBLISHABLE_KEY``): it ends up in the bundle by design, so it is a setting, not a secret."""
    prefix = browser_prefix(name)
    if not prefix:
        return False
    tokens = tuple(t for t in name.upper()[len(prefix):].replace("-", "_").split("_") if t)
    return any(tokens[-len(end):] == end for end in _BROWSER_KEY_ENDINGS) and not any(
        t in _SECRET_TOKENS for t in tokens)


def bundle_env(name: str, default: str | None) -> tuple[bool, str | None, str | None]:
    """How a variable the bundler compiles in becomes a build argument: (kept, default to write, warning).
    A public key (``is_browser_public_key``) is kept, without its default when the value itself looks like a
    credential; any other secret-looking name is left out: a secret in the bundle is readable by anyone."""
    credential = bool(default) and bool(_URL_WITH_CREDENTIALS.match(default) or looks_like_credential(default))
    if is_browser_public_key(name):
        if credential:
            return True, None, (f"{name}: its default looks like a credential and is not written into the "
                                "Dockerfile nor compose.yaml; pass the public key with --build-arg")
        return True, default, None
    if is_secret(name, default):
        prefix = browser_prefix(name)
        where = f"the {prefix} prefix compiles it" if prefix else "the bundler compiles it"
        return False, None, (f"{name} looks like a secret, but {where} into the public bundle, where anyone can "
                             "read it: a secret in the bundle is a bug. Left out of the Dockerfile (move it to the "
                             "server side, or rename it if it is a public key)")
    return True, default, None


def is_secret(name: str, default: str | None = None) -> bool:
    """True when an env var (by its name or its default) holds a credential."""
    if default and (_URL_WITH_CREDENTIALS.match(default) or looks_like_credential(default)):
        return True
    verdict = _name_verdict(name)
    if verdict is None:  # a URL's name: a default with no credentials in it (redis://localhost:6379) is a setting
        return not default or bool(_DSN_NAME.search(name)) and ("://" not in default or "@" in default)
    return verdict


@functools.lru_cache(maxsize=4096)
def _name_verdict(name: str) -> bool | None:
    """What the name alone says (True: a secret, False: not one, None: a URL that is one unless its default
    shows otherwise); judged once a name: a large project reads the same names in many files."""
    if is_browser_public_key(name):
        return False  # compiled into the browser bundle by design (its value is checked in is_secret)
    if _CREDENTIAL_URL_NAMES.match(name) or _DSN_NAME.search(name):
        return None
    if _NOT_SECRET.search(name):
        return False
    return bool(_SECRET_WORDS.search(name)) or _secret_name(name)


def is_port_name(name: str) -> bool:
    return name.upper() in PORT_NAMES or name.upper().endswith("_PORT") and "DB" not in name.upper()


def dotenv_value(raw: str) -> str:
    """The value of a dotenv line's right-hand side as dotenv reads it: a quoted value up to its closing quote,
    else the text before an inline `` # comment``."""
    value = raw.strip()
    if value[:1] in ("'", '"', "`"):
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    cut = value.find(" #")
    cut = min(c for c in (cut, value.find("\t#")) if c >= 0) if " #" in value or "\t#" in value else -1
    return (value[:cut] if cut >= 0 else value).strip()


# the files that document a project's env vars, with example values
DOTENV_EXAMPLES = (".env.example", ".env.sample", ".env.template", "env.example", ".env.dist")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def dotenv_lines(tree: SourceTree, rel: str) -> Iterator[tuple[int, str, str]]:
    """(line number, name, value as written) of each ``NAME=value`` line of a .env-style file: blank lines,
    comments and names that can't be env var names are skipped, an ``export`` prefix is dropped (the value
    reads through ``dotenv_value``)."""
    for number, raw in enumerate(tree.lines(rel), 1):
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        name = name.strip()
        if _ENV_NAME.fullmatch(name):
            yield number, name, value


def read_dotenv_example(tree: SourceTree, profile: Profile) -> None:
    """Env vars documented in .env.example / .env.sample / .env.template."""
    for rel in DOTENV_EXAMPLES:
        for number, name, value in dotenv_lines(tree, rel):
            value = dotenv_value(value) or None
            secret = is_secret(name, value)
            profile.add_env(name, None if secret else value, secret)
            profile.note("env", f"{name} is listed in {rel}", rel, number)
