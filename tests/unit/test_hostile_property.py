"""Random project trees (valid and malformed manifests, sources, odd names, links out of the tree) never crash
containerize, never leak what is outside the tree, and give a Dockerfile and compose.yaml that parse.

At least 500 trees per run (the "ci" profile, the default); `pytest tests/unit/test_hostile_property.py
--hypothesis-profile=long` tries 20,000 (the profiles are registered in tests/conftest.py).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from containerize import answers, checklist, overrides, render
from hostile import assert_no_injection, assert_well_formed

SENTINEL = "PROPERTY_OUTSIDE_9c1e"
OUTSIDE = Path(tempfile.mkdtemp(prefix="hostile-outside-"))
atexit.register(shutil.rmtree, OUTSIDE, True)
(OUTSIDE / "secret").write_text(f"{SENTINEL}\n{SENTINEL}=1\n")

HOSTILE = ["x\nRUN touch /pwned", "x;touch /pwned", "$(touch /pwned)", "/data/x;touch${IFS}pwned", "/etc",
           "../../etc", "a;id", "$(id)", "'\"", "}", "a}b", "\x00", "é", "", "1" * 300, "/data/x y", "ghp_" + "a1B2" * 9]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))

MANIFESTS = {
    "requirements.txt": st.one_of(st.just("flask\n"), st.just("fastapi\nuvicorn\n"), st.just("\ufeffflask\t# web\n"),
                                  TEXT),
    "app.py": st.one_of(
        st.just("from flask import Flask\napp = Flask(__name__)\n"
                "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n"),
        TEXT.map(lambda v: f"import os\nos.makedirs({v!r})\nX = os.getenv('X', {v!r})\n"
                           "from flask import Flask\napp = Flask(__name__)\napp.run(port=8000)\n"),
        TEXT),
    "pyproject.toml": st.one_of(st.just('tool = "x"\n'), st.just('[project]\nname = "a"\ndependencies = ["flask"]\n'),
                                st.just('[tool.poetry]\ndependencies = ["flask"]\n'), TEXT),
    "Pipfile": st.one_of(st.just("packages = [1]\n"), st.just("[packages]\nflask = '*'\n"), TEXT),
    "package.json": st.one_of(
        st.just('{"name": "x", "scripts": {"start": "node index.js"}, "dependencies": {"express": "4"}}'),
        st.just('{"scripts": ["a"]}'), st.just("[1]"), st.just('{"a":' * 3000 + "1" + "}" * 3000), TEXT),
    "index.js": st.one_of(
        TEXT.map(lambda v: f"const fs = require('fs');\nfs.mkdirSync({v!r});\n"
                           f"const app = require('express')();\napp.listen(process.env.PORT || 3000);\n"),
        TEXT),
    "go.mod": st.one_of(st.just("module example.com/x\n\ngo 1.22\n"), TEXT),
    "main.go": st.one_of(st.just('package main\nimport "net/http"\n'
                                 'func main() { http.ListenAndServe(":8080", nil) }\n'), TEXT),
    "Cargo.toml": st.one_of(st.just('package = "x"\n'), st.just('[package]\nname = "x"\nversion = "0.1.0"\n'), TEXT),
    "src/main.rs": st.one_of(st.just("fn main() {}\n"), TEXT),
    "composer.json": st.one_of(st.just('{"config": "x"}'), TEXT.map(
        lambda v: '{"config": {"platform": {"php": %s}}}' % __import__("json").dumps(v))),
    "index.php": st.one_of(st.just("<?php echo 'hi';\n"), TEXT),
    "containerize.toml": TEXT.map(lambda v: f"health_path = {__import__('json').dumps(v)}\n"),
    ".gitignore": st.one_of(st.just("*.log\n"), TEXT),
    ".env.example": TEXT.map(lambda v: f"SECRET_KEY={v}\nMODE={v}\n"),
    "index.html": st.just("<html></html>\n"),
}
LINKABLE = [".gitignore", ".dockerignore", "leak.py", ".env.example", "requirements.txt", "package.json", "Dockerfile"]
ODD_NAMES = st.sampled_from(["a b.py", "x;id.py", "$(id).js", "cmd/x;touch/main.go", "é.py", "-rf.py", ".env"])


@st.composite
def trees(draw):
    files = {}
    for name in draw(st.lists(st.sampled_from(sorted(MANIFESTS)), min_size=1, max_size=6, unique=True)):
        files[name] = draw(MANIFESTS[name])
    for name in draw(st.lists(ODD_NAMES, max_size=2, unique=True)):
        files[name] = draw(TEXT)
    links = draw(st.lists(st.sampled_from(LINKABLE), max_size=2, unique=True))
    dangling = draw(st.booleans())
    return files, links, dangling


def _build(root: Path, files, links, dangling) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    for name in links:
        path = root / name
        if os.path.lexists(path):
            path.unlink()
        os.symlink(OUTSIDE / ("missing" if dangling else "secret"), path)


TRIED = [0]  # trees tried in this run (checked by the test that follows the property test)
EXPECTED = (checklist.AnalysisError, render.RenderError, answers.AnswersError, overrides.OverrideError)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], deadline=None)
@given(trees())
def test_random_trees(tree):
    files, links, dangling = tree
    TRIED[0] += 1
    root = Path(tempfile.mkdtemp(prefix="hostile-tree-"))
    try:
        _build(root, files, links, dangling)
        try:
            profile = checklist.build_profile(root)
            out = render.render(profile)
        except EXPECTED as exc:
            event(f"refused: {type(exc).__name__}")
            assert str(exc).strip(), exc
            return
        event(f"rendered: {profile.language}")
        assert_well_formed(out)
        for text in out.values():
            assert SENTINEL not in text
        assert_no_injection(out)  # "x\nRUN touch /pwned" is among the values: never an instruction or command
        yaml.safe_load(out["compose.yaml"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_at_least_500_trees_per_run():
    """The profile in use (tests/conftest.py: "ci" by default, "long" for a nightly run) asks for 500 or more
    trees, and when the property test ran in this session it really tried that many."""
    assert settings.default.max_examples >= 500
    if TRIED[0]:
        assert TRIED[0] >= settings.default.max_examples, TRIED[0]
