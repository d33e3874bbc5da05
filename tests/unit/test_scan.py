"""SourceTree's queries give the same answers as the plain definitions they speed up."""
from __future__ import annotations

import fnmatch
import os

import pytest

from containerize import scan
from containerize.scan import SourceTree

FILES = ["manage.py", "a/manage.py", "a/b/manage.py", "a/xmanage.py", "alembic.ini", "x/alembic.ini",
         "[x]/y.py", "requirements.txt", "requirements-dev.txt", "src/app/main.py", "notes.md"]


@pytest.fixture
def tree(tmp_path):
    for rel in FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x\n")
    return SourceTree(tmp_path)


@pytest.mark.parametrize("pattern", ["*/manage.py", "manage.py", "alembic.ini", "*/alembic.ini", "requirements*.txt",
                                     "*.py", "[x]/y.py", "*/[x]/y.py", "src/*/main.py", "nope.txt", "*/nope.txt",
                                     "a/?manage.py", "*"])
def test_glob_is_fnmatch_on_the_whole_path(tree, pattern):
    assert tree.glob(pattern) == [f for f in tree.files if fnmatch.fnmatchcase(f, pattern)]


def test_a_read_is_capped_and_small_files_are_whole(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(scan, "MAX_READ", 10)
    (tmp_path / "big.txt").write_text("0123456789abcdef")
    (tmp_path / "small.txt").write_text("0123")
    (tmp_path / "empty.txt").write_text("")
    again = SourceTree(tmp_path)
    assert (again.read("big.txt"), again.read("small.txt"), again.read("empty.txt")) == ("0123456789", "0123", "")


def test_a_dockerignore_that_allows_only_build_outputs_does_not_hide_the_source(tmp_path):
    """`*` then exceptions (Quarkus's generated .dockerignore): made for a Dockerfile that copies build outputs;
    the scan reads the whole tree and says why."""
    (tmp_path / ".dockerignore").write_text("*\n!target/*-runner\n!target/quarkus-app/*\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.py").write_text("X = 1\n")
    tree = SourceTree(tmp_path)
    assert {"app.py", "src/lib.py"} <= set(tree.files)
    assert any("leaves out everything but a few paths" in w for w in tree.warnings)


def test_an_ordinary_dockerignore_still_leaves_files_out(tmp_path):
    (tmp_path / ".dockerignore").write_text("*.log\nsecrets/\n")
    for rel in ("app.py", "debug.log", "secrets/key.txt"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text("x\n")
    tree = SourceTree(tmp_path)
    assert tree.files == [".dockerignore", "app.py"] and not tree.warnings


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("name", [".gitignore", ".dockerignore", "app.py"])
def test_a_fifo_in_place_of_a_file_is_read_as_empty_not_waited_on(tmp_path, name):
    (tmp_path / "main.py").write_text("print(1)\n")
    os.mkfifo(tmp_path / name)
    tree = SourceTree(tmp_path)  # would wait for a writer for ever if the FIFO were opened blocking
    assert tree.files == ["main.py"] and tree.read(name) == ""
