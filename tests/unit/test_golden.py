"""The files generated for each fixture, compared with the copies kept under tests/golden/<fixture>/.

A change to an analyzer or a template shows up here as a readable diff of the generated files.
After checking the diff, `pytest tests/unit/test_golden.py --update-golden` rewrites the copies.
Fixtures that are meant to fail (broken-*) are left out: their tests are about verify.
"""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from containerize.apps import discover
from containerize.checklist import build_profile
from containerize.render import render, render_apps

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("broken-"))


def generated(name: str) -> dict[str, str]:
    repo = discover(FIXTURES / name)
    if repo is not None:  # a repository of several apps (multi-*)
        return render_apps(repo)
    return render(build_profile(FIXTURES / name, []))


@pytest.mark.parametrize("name", NAMES)
def test_generated_files_match_the_golden_copies(name: str, request):
    files = generated(name)
    folder = GOLDEN / name
    if request.config.getoption("--update-golden"):
        shutil.rmtree(folder, ignore_errors=True)
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
        return
    assert folder.is_dir(), f"no golden copies for {name}: run pytest {__file__} --update-golden"
    kept = {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*") if p.is_file()}
    assert sorted(kept) == sorted(files), "a different set of files is generated"
    for rel, text in files.items():
        if kept[rel] != text:
            diff = "".join(difflib.unified_diff(kept[rel].splitlines(True), text.splitlines(True),
                                                f"golden/{name}/{rel}", f"generated/{rel}"))
            pytest.fail(f"{name}/{rel} differs from its golden copy:\n{diff}")


def test_every_fixture_has_golden_copies_and_no_stale_ones_remain():
    kept = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()) if GOLDEN.is_dir() else []
    assert kept == NAMES
