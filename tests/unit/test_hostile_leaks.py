"""Nothing outside the project reaches a generated file; reads of ignore and answer files are capped."""
from __future__ import annotations

import os

import pytest

from containerize import scan
from hostile import assert_clean_exit, generate, run_bounded, run_cli, write_tree

SENTINEL = "OUTSIDE_SENTINEL_7f3a"
FLASK = ("import os\nfrom flask import Flask\napp = Flask(__name__)\n"
         "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n")


@pytest.fixture
def outside(tmp_path):
    path = tmp_path / "outside"
    path.mkdir()
    (path / "secret.txt").write_text(f"{SENTINEL}\n{SENTINEL}_KEY=1\n/{SENTINEL}\n")
    (path / "package.json").write_text('{"name": "%s", "dependencies": {"express": "4"}}' % SENTINEL)
    (path / "leak.py").write_text(f"import os\nX = os.getenv('{SENTINEL}', '{SENTINEL}')\n")
    return path


def app(tmp_path):
    return write_tree(tmp_path / "app", {"app.py": FLASK, "requirements.txt": "flask\n"})


@pytest.mark.parametrize("name,target", [(".gitignore", "secret.txt"), (".dockerignore", "secret.txt"),
                                         ("leak.py", "leak.py"), (".env.example", "secret.txt"),
                                         ("sub/.gitignore", "secret.txt")])
def test_links_out_of_the_tree_are_never_read(tmp_path, outside, name, target):
    root = app(tmp_path)
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / target, root / name)
    files, _ = generate(root)
    for text in files.values():
        assert SENTINEL not in text


def test_package_json_link_out_of_the_tree_is_not_read(tmp_path, outside):
    root = write_tree(tmp_path / "node", {"index.js": "require('http').createServer().listen(3000)\n"})
    os.symlink(outside / "package.json", root / "package.json")
    done = run_cli(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert SENTINEL not in done.stdout + done.stderr


def test_requirements_link_out_of_the_tree_shows_nothing_of_it(tmp_path, outside):
    root = write_tree(tmp_path / "py", {"app.py": FLASK})
    os.symlink(outside / "secret.txt", root / "requirements.txt")
    done = run_cli(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert SENTINEL not in done.stdout + done.stderr


def test_links_inside_the_tree_are_still_read(tmp_path):
    root = app(tmp_path)
    (root / "real.gitignore").write_text("local-data/\n")
    os.symlink("real.gitignore", root / ".gitignore")
    files, _ = generate(root)
    assert "local-data/" in files[".dockerignore"]
    tree = scan.SourceTree(root)
    assert tree.read(".gitignore") == "local-data/\n"


def test_read_through_a_folder_link_out_of_the_tree(tmp_path, outside):
    root = app(tmp_path)
    os.symlink(outside, root / "linked")
    tree = scan.SourceTree(root)
    assert tree.read("linked/secret.txt") is None
    assert not any(f.startswith("linked/") for f in tree.files)


def test_read_capped_cuts_and_warns(tmp_path):
    path = tmp_path / ".gitignore"
    path.write_text("a\n" * 10 + "x" * 10_000 + "\n")
    warnings: list[str] = []
    text = scan.read_capped(tmp_path, path, cap=1024, warnings=warnings)
    assert text.splitlines() == ["a"] * 10
    assert any("larger than 1 KB" in w for w in warnings)
    warnings.clear()
    text = scan.read_capped(tmp_path, path, warnings=warnings)
    assert "x" * 100 not in text and any("longer than" in w for w in warnings)


@pytest.mark.parametrize("name", [".gitignore", ".dockerignore", "containerize.toml", "pyproject.toml"])
def test_huge_files_are_read_in_bounded_time_and_memory(tmp_path, name):
    root = app(tmp_path)
    with open(root / name, "wb") as fh:  # 64 MB: one long line, then many short ones
        fh.write(b"#" * (16 << 20) + b"\n")
        fh.write(b"a\n" * (24 << 20))
    done = run_bounded(str(root), "--dry-run", "--yes")  # 1 GB of address space, 60 s of CPU
    assert_clean_exit(done)
    if name.endswith(".toml"):
        assert done.returncode == 2 and "larger than" in done.stderr, done.stderr
