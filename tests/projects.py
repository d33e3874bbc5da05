"""Helpers for tests that analyze or render projects without Docker."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from containerize.checklist import build_profile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def profile_of(name: str, **sets):
    """The profile of a fixture, with `--set` answers given as keyword arguments."""
    return build_profile(FIXTURES / name, list(sets.items()))


def write_tree(root: Path, files: dict[str, str | dict]) -> Path:
    """Write files under `root` (text is dedented; a dict is written as JSON); returns root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            path.write_text(json.dumps(content, indent=2))
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"))
    return root


def lint(dockerfile: str, tmp_path: Path) -> None:
    """hadolint the Dockerfile text with no ignores; skip (or fail, when Docker tests are required) without it."""
    exe = shutil.which("hadolint")
    if not exe:
        if os.environ.get("CONTAINERIZE_REQUIRE_DOCKER") == "1":
            pytest.fail("hadolint is not on PATH")
        pytest.skip("hadolint is not on PATH")
    path = tmp_path / "Dockerfile.lint"
    path.write_text(dockerfile)
    done = subprocess.run([exe, "--no-color", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr + "\n" + dockerfile


def stages(dockerfile: str) -> list[str]:
    """The text of each stage, from its FROM line."""
    return ["FROM " + part for part in dockerfile.split("\nFROM ")[1:]]
