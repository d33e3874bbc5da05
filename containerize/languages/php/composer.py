"""composer.json / composer.lock (read as JSON): the PHP version a constraint allows, the framework."""
from __future__ import annotations

import json
from ... import image_tags
from ...scan import SourceTree

DEFAULT_PHP = image_tags.FAMILIES["php"].default or "8.3"
SUPPORTED_MINORS = image_tags.FAMILIES["php"].lines

FRAMEWORKS = (  # composer package -> framework, in order of precedence
    ("laravel/framework", "laravel"),
    ("symfony/framework-bundle", "symfony"),
    ("slim/slim", "slim"),
    ("laminas/laminas-mvc", "laminas"),
    ("cakephp/cakephp", "cakephp"),
    ("codeigniter4/framework", "codeigniter"),
)

def read_json(tree: SourceTree, rel: str, strict: bool = True) -> dict:
    text = tree.read(rel)
    if text is None:
        return {}
    from ...validate import COMPOSER_SHAPE, ShapeError, check_shape, load_json

    try:
        data = load_json(text, rel)
        if rel.endswith("composer.json") and isinstance(data, dict):
            check_shape(data, rel, COMPOSER_SHAPE)
    except ShapeError:
        if strict:
            raise
        return {}
    except json.JSONDecodeError as exc:
        if strict:
            raise ValueError(f"{rel}: invalid JSON (line {exc.lineno}: {exc.msg})") from None
        return {}
    if not isinstance(data, dict):
        if strict:
            raise ValueError(f"{rel}: expected a JSON object at the top")
        return {}
    return data


def line_of_text(tree: SourceTree, rel: str, needle: str) -> int | None:
    for number, line in enumerate(tree.lines(rel), 1):
        if needle in line:
            return number
    return None


def php_version(constraint: str) -> str:
    """The PHP minor to build with for a Composer constraint like ``^8.1``, ``8.*`` or ``>=8.2 <8.4``: the newest
    minor with a published ``php:X-apache-bookworm`` image that the constraint allows."""
    return ".".join(php_choice(constraint).version.split(".")[:2])


def php_choice(constraint: str) -> image_tags.Choice:
    return image_tags.choose("php", constraint)
