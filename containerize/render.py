"""Container files from a profile, through the templates of its language.

``templates/<language>/Dockerfile.j2`` makes the Dockerfile; every other
``*.j2`` there is an extra file (one that renders empty is not written).
``templates/common/`` holds the .dockerignore and compose.yaml that every
language shares; ``templates/<language>/dockerignore`` adds lines to it.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jinja2

from . import compose, debian
from .profile import Profile


class RenderError(Exception):
    pass


def templates_dir() -> Path:
    installed = Path(__file__).parent / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["json"] = lambda v: json.dumps(v)
    env.filters["pinned"] = debian.pinned
    env.filters["slug"] = slug
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


def render(profile: Profile) -> dict[str, str]:
    """File name -> content of every file to write."""
    env = environment()
    lang = profile.language
    if not lang or not (templates_dir() / lang / "Dockerfile.j2").exists():
        raise RenderError(f"no templates for language {lang!r}")
    ctx = context(profile)
    files = {"Dockerfile": env.get_template(f"{lang}/Dockerfile.j2").render(ctx)}
    extra_ignore = ""
    if (templates_dir() / lang / "dockerignore").exists():
        extra_ignore = (templates_dir() / lang / "dockerignore").read_text()
    files[".dockerignore"] = env.get_template("common/dockerignore.j2").render(
        ctx, extra=extra_ignore, gitignore=_gitignore_lines(profile))
    files["compose.yaml"] = compose.render_compose(profile, ctx["name"])
    for template in sorted((templates_dir() / lang).glob("*.j2")):
        if template.name == "Dockerfile.j2":
            continue
        text = env.get_template(f"{lang}/{template.name}").render(ctx)
        if text.strip():
            files[template.name[:-3]] = text
    return files


def _gitignore_lines(profile: Profile) -> list[str]:
    path = Path(profile.root) / ".gitignore"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
