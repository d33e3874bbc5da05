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


# -- interrupts at every step of a write -------------------------------------------------------------------
# Every os call write_all makes is wrapped; the Nth call raises KeyboardInterrupt, before or right after doing
# its work, for every N until a write finishes with no interrupt. Afterwards the tree is exactly as before
# (the write was undone) or exactly the new files (the interrupt came after the last file was in place), and
# no temporary or backup file is left anywhere.
WRAPPED = ("open", "write", "fsync", "close", "chmod", "link", "replace", "unlink", "rmdir", "mkdir", "rename")


class Interrupt:
    def __init__(self, monkeypatch, at: int, after: bool):
        self.at, self.after, self.calls, self.fired = at, after, 0, False
        for name in WRAPPED:
            monkeypatch.setattr(os, name, self.wrap(getattr(os, name)))

    def wrap(self, real):
        def call(*args, **kwargs):
            self.calls += 1
            number = self.calls
            if number == self.at and not self.fired and not self.after:
                self.fired = True
                raise KeyboardInterrupt
            result = real(*args, **kwargs)
            if number == self.at and not self.fired:
                self.fired = True
                raise KeyboardInterrupt
            return result
        return call


def snapshot(root) -> dict[str, object]:
    """Every entry under root: a file's bytes, a link's target, or "dir"."""
    out: dict[str, object] = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                out[rel] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                out[rel] = "dir"
            else:
                with open(path, "rb") as fh:
                    out[rel] = (fh.read(), os.stat(path).st_mode & 0o777)
    return out


def generated_files(tmp_path) -> dict[str, str]:
    """The real file set of a Flask app with --ci github and --k8s."""
    from containerize import checklist, render

    app = write_tree(tmp_path / "src", {"app.py": "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
                                        "X = os.getenv('REDIS_URL', 'redis://cache:6379/0')\n"
                                        "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n",
                                        "requirements.txt": "flask\nredis\n"})
    files = render.render(checklist.build_profile(app), ci="github", k8s=True)
    assert ".github/workflows/docker.yml" in files and any(n.startswith("k8s/") for n in files)
    return files


def _fresh(root):
    root.mkdir()


def _existing(root):
    root.mkdir()
    (root / "Dockerfile").write_text("FROM old\n")
    (root / "README.Docker.md").write_text("old readme\n")
    os.chmod(root / "README.Docker.md", 0o600)
    (root / "k8s").mkdir()
    (root / "k8s" / "mine.yaml").write_text("kind: Mine\n")
    os.symlink("/nonexistent/compose", root / "compose.yaml")
    (root / "app.py").write_text("print(1)\n")


@pytest.mark.parametrize("setup,force", [(_fresh, False), (_existing, True)])
@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
def test_interrupt_at_every_step_leaves_old_or_new_never_half(tmp_path, monkeypatch, setup, force, after):
    files = generated_files(tmp_path)
    finished = False
    at = 0
    while not finished:
        at += 1
        assert at < 2000, "write_all never finished"
        root = tmp_path / f"run{at}"
        setup(root)
        before = snapshot(root)
        with monkeypatch.context() as patch:
            interrupt = Interrupt(patch, at, after)
            try:
                write.write_all(root, files, force=force)
                outcome = "written"
            except KeyboardInterrupt:
                outcome = "interrupted"
        finished = interrupt.calls < at  # the write made fewer calls: every step was tried
        now = snapshot(root)
        leftovers = [rel for rel in now if rel.endswith((".tmp", ".orig")) or ".tmp." in rel]
        assert not leftovers, (at, leftovers)
        if outcome == "interrupted":
            assert now == before, (at, set(now) ^ set(before))
        else:
            for name, text in files.items():
                assert now[name][0] == text.encode(), (at, name)
            assert set(now) - set(before) <= {n for n in files} | {os.path.dirname(n) for n in files} | {
                os.path.dirname(os.path.dirname(n)) for n in files}, at
            if setup is _existing:
                assert now["README.Docker.md"][1] == 0o600 and now["k8s/mine.yaml"] == before["k8s/mine.yaml"]
    assert at > len(files) * 5  # every step of every file was tried


def test_a_temporary_name_that_is_not_ours_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "_token", lambda: "fixed")
    (tmp_path / ".Dockerfile.fixed.tmp").write_text("someone else's\n")
    with pytest.raises(write.WriteError):
        write.write_all(tmp_path, FILES)
    assert (tmp_path / ".Dockerfile.fixed.tmp").read_text() == "someone else's\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".Dockerfile.fixed.tmp"]


def test_text_that_is_not_utf8_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(write.WriteError, match="Dockerfile"):
        write.write_all(tmp_path, {"README.Docker.md": "ok\n", "Dockerfile": "COPY \udcff.py ./\n"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ignore", [".gitignore", ".dockerignore"])
def test_an_ignored_hand_written_requirements_txt_is_never_replaced(tmp_path, ignore):
    from containerize.dockerignore import DockerIgnore

    mine = "flask==3.0.3\t# web\n# pinned by hand\ngunicorn==23.0.0\n"
    root = write_tree(tmp_path / "app", {"app.py": "import flask\nimport requests\napp = flask.Flask(__name__)\n"
                                         "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n",
                                         "requirements.txt": mine, ignore: "*.txt\n", "Dockerfile": "FROM old\n"})
    done = run_cli(str(root), "--yes", "--force")
    assert_clean_exit(done)
    assert done.returncode == 0, done.stderr
    assert (root / "requirements.txt").read_text() == mine
    assert "wrote " + str(root / "requirements.txt") not in done.stdout
    assert "requirements.txt is ignored" in done.stderr
    # the Dockerfile installs the user's list, and the build context keeps it
    assert "pip install -r requirements.txt" in (root / "Dockerfile").read_text()
    assert not DockerIgnore.from_text((root / ".dockerignore").read_text()).ignored("requirements.txt")
