"""Writes never go through a dangling link without --force, and a failed write leaves nothing behind."""
from __future__ import annotations

import os

import pytest

from containerize import write
from hostile import assert_clean_exit, run_cli, write_tree

FILES = {"Dockerfile": "FROM scratch\n", ".github/workflows/docker.yml": "on: push\n", "README.Docker.md": "x\n"}


def test_dangling_dockerfile_link_is_an_existing_file(tmp_path):
    os.symlink(tmp_path / "nowhere" / "target", tmp_path / "Dockerfile")
    assert write.existing(tmp_path, FILES) == ["Dockerfile"]
    with pytest.raises(write.WriteError, match="already there: Dockerfile"):
        write.write_all(tmp_path, FILES)
    assert not (tmp_path / "nowhere").exists() and not (tmp_path / ".github").exists()


def test_dangling_link_replaced_only_with_force(tmp_path):
    os.symlink("/nonexistent/target", tmp_path / "Dockerfile")
    write.write_all(tmp_path, FILES, force=True)
    assert not os.path.islink(tmp_path / "Dockerfile")
    assert (tmp_path / "Dockerfile").read_text() == "FROM scratch\n"


def test_failed_write_leaves_no_new_folders(tmp_path):
    (tmp_path / "README.Docker.md").mkdir()
    (tmp_path / "Dockerfile").write_text("mine\n")
    with pytest.raises(write.WriteError, match="README.Docker.md is a folder"):
        write.write_all(tmp_path, FILES, force=True)
    assert not (tmp_path / ".github").exists()
    assert (tmp_path / "Dockerfile").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "README.Docker.md"]


def test_cli_ci_force_with_readme_folder(tmp_path):
    root = write_tree(tmp_path / "app", {"app.py": "from flask import Flask\napp = Flask(__name__)\n"
                                         "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n",
                                         "requirements.txt": "flask\n"})
    (root / "README.Docker.md").mkdir()
    done = run_cli(str(root), "--yes", "--force", "--ci", "github")
    assert_clean_exit(done)
    assert done.returncode != 0
    assert not (root / ".github").exists() and not (root / "Dockerfile").exists()


def test_cli_dangling_dockerfile_without_force(tmp_path):
    root = write_tree(tmp_path / "app", {"app.py": "from flask import Flask\napp = Flask(__name__)\n"
                                         "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n",
                                         "requirements.txt": "flask\n"})
    os.symlink(tmp_path / "elsewhere", root / "Dockerfile")
    done = run_cli(str(root), "--yes")
    assert_clean_exit(done)
    assert done.returncode == 1 and "already there: Dockerfile" in done.stderr
    assert not (tmp_path / "elsewhere").exists() and os.path.islink(root / "Dockerfile")
