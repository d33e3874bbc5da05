"""Manifests of the wrong shape end in one line naming the file and key (exit 2), never a traceback."""
from __future__ import annotations

import json

import pytest

from containerize import validate
from hostile import assert_clean_exit, run_cli, write_tree

CASES = {
    "pyproject-tool-string": ({"pyproject.toml": 'tool = "x"\n[project]\nname = "a"\n', "app.py": "import flask\n"},
                              "pyproject.toml: tool"),
    "poetry-deps-list": ({"pyproject.toml": '[tool.poetry]\nname = "a"\ndependencies = [1]\n',
                          "app.py": "import flask\n"}, "pyproject.toml: tool.poetry.dependencies"),
    "pipfile-packages-ints": ({"Pipfile": "packages = [1]\n", "app.py": "import flask\n"}, "Pipfile: packages"),
    "cargo-package-string": ({"Cargo.toml": 'package = "x"\n', "src/main.rs": "fn main() {}\n"},
                             "Cargo.toml: package"),
    "composer-config-string": ({"composer.json": '{"config": "x"}', "index.php": "<?php echo 1;\n"},
                               "composer.json: config"),
    "package-scripts-list": ({"package.json": '{"name": "x", "scripts": ["a"]}', "index.js": "console.log(1)\n"},
                             "package.json: scripts"),
    "package-deep-objects": ({"package.json": '{"a":' * 100_000 + "1" + "}" * 100_000,
                              "index.js": "console.log(1)\n"}, "package.json"),
    "package-deep-arrays": ({"package.json": '{"name":"x","a":' + "[" * 100_000 + "]" * 100_000 + "}",
                             "index.js": "console.log(1)\n"}, "package.json"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_wrong_shape_is_one_line_and_exit_2(tmp_path, case):
    files, where = CASES[case]
    root = write_tree(tmp_path / case, files)
    done = run_cli(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert done.returncode == 2, done.stderr
    assert where in done.stderr, done.stderr


def test_poetry_dependencies_as_a_list_of_names_does_not_crash(tmp_path):
    root = write_tree(tmp_path / "p", {"pyproject.toml": '[tool.poetry]\nname = "a"\ndependencies = ["flask"]\n',
                                       "app.py": "import flask\n"})
    assert_clean_exit(run_cli(str(root), "--dry-run", "--yes"))


def test_check_shape_names_the_key():
    with pytest.raises(validate.ShapeError, match=r"x.json: config.platform must be"):
        validate.check_shape({"config": {"platform": "8.2"}}, "x.json", validate.COMPOSER_SHAPE)
    validate.check_shape({"config": {"platform": {"php": "8.2"}}, "other": 1}, "x.json", validate.COMPOSER_SHAPE)


def test_too_deep_json_is_a_shape_error():
    with pytest.raises(validate.ShapeError):
        validate.load_json("[" * 100_000 + "]" * 100_000, "a.json")
    assert validate.load_json(json.dumps({"a": [1]}), "a.json") == {"a": [1]}


VALID_BUT_ODD = {
    "bom-package-json": {"package.json": '\ufeff{"name": "x", "scripts": {"start": "node index.js"}}',
                         "index.js": "require('http').createServer().listen(3000)\n"},
    "bom-and-tab-comment-requirements": {
        "requirements.txt": "\ufeffflask\t# web\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n"
                  "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n"},
    "one-mb-package-json": {"package.json": json.dumps({"name": "x", "scripts": {"start": "node index.js"},
                                                        "description": "a" * 1_100_000}),
                            "index.js": "require('http').createServer().listen(3000)\n"},
}


@pytest.mark.parametrize("case", sorted(VALID_BUT_ODD))
def test_valid_files_of_odd_form_are_read(tmp_path, case):
    root = write_tree(tmp_path / case, VALID_BUT_ODD[case])
    done = run_cli(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert done.returncode == 0, done.stderr


# The read cap of a manifest is 4 MB (scan.MAX_MANIFEST_READ): a valid package.json of 1 MB (rejected when the
# cap was 512 KB) is read; past the cap, one line says the file is too large rather than "not valid JSON".
def _package_json(size: int) -> str:
    head = {"name": "x", "scripts": {"start": "node index.js"}, "description": ""}
    return json.dumps({**head, "description": "a" * (size - len(json.dumps(head)))})


@pytest.mark.parametrize("size", [1 << 20, (4 << 20) - 64])
def test_a_package_json_up_to_the_cap_is_read(tmp_path, size):
    from containerize.scan import MAX_MANIFEST_READ

    assert size < MAX_MANIFEST_READ
    root = write_tree(tmp_path / "n", {"package.json": _package_json(size),
                                       "index.js": "require('http').createServer().listen(3000)\n"})
    done = run_cli(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert done.returncode == 0, done.stderr


def test_a_lockfile_past_the_read_cap_of_other_files_is_read_whole(tmp_path):
    # a real Laravel app's composer.lock is about 600 KB: cut at 512 KB it was "not valid JSON", exit 2
    packages = [{"name": f"vendor/package-{i}", "version": "1.0.0", "description": "d" * 200,
                 "require": {"php": "^8.1", "ext-intl": "*"}} for i in range(2600)]
    lock = json.dumps({"packages": packages, "packages-dev": []}, indent=4)
    assert len(lock) > 600 * 1024
    root = write_tree(tmp_path / "p", {"composer.json": json.dumps({"require": {"php": "^8.2"}}),
                                       "composer.lock": lock, "index.php": "<?php echo 'hi';\n"})
    done = run_cli("inspect", str(root), "--json")
    assert_clean_exit(done)
    assert done.returncode == 0, done.stderr
    assert "intl" in json.loads(done.stdout)["build"]["extensions"]


@pytest.mark.parametrize("name,other", [("package.json", {"index.js": "console.log(1)\n"}),
                                        ("composer.json", {"index.php": "<?php echo 1;\n"})])
def test_a_manifest_past_the_cap_is_refused_as_too_large(tmp_path, name, other):
    root = write_tree(tmp_path / "n", {name: _package_json(5 << 20), **other})
    done = run_cli(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert done.returncode == 2 and f"{name}: larger than 4 MB" in done.stderr, done.stderr
