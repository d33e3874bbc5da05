""".dockerignore rules: Docker's documented examples, its matcher's corner cases, and the scan and
verify walks using them."""
from __future__ import annotations


import pytest

from containerize.dockerignore import DockerIgnore, compile_pattern, read_lines
from containerize.scan import SourceTree
from containerize.verify.context import copy_context, pick_source_file


def rules(text: str) -> DockerIgnore:
    return DockerIgnore.from_text(text)


# -- the examples of Docker's documentation (build context, .dockerignore files) ---------
def test_docs_example_comment_and_wildcards():
    ignore = rules("# comment\n*/temp*\n*/*/temp*\ntemp?\n")
    # */temp*: names starting with temp in any immediate subfolder of the root
    assert ignore.ignored("somedir/temporary.txt")
    assert ignore.ignored("somedir/temp")
    assert not ignore.ignored("temporary.txt")
    # */*/temp*: two levels below the root
    assert ignore.ignored("somedir/subdir/temporary.txt")
    # temp?: in the root, temp and one character
    assert ignore.ignored("tempa")
    assert ignore.ignored("tempb")
    assert not ignore.ignored("temp")
    assert not ignore.ignored("tempab")
    assert not ignore.ignored("# comment")


def test_docs_example_double_star():
    ignore = rules("**/*.go\n")
    assert ignore.ignored("main.go")  # the root's too
    assert ignore.ignored("cmd/app/main.go")
    assert not ignore.ignored("main.gox")


def test_docs_example_exception():
    ignore = rules("*.md\n!README.md\n")
    assert ignore.ignored("CHANGES.md")
    assert not ignore.ignored("README.md")


def test_docs_example_exception_then_exclusion():
    ignore = rules("*.md\n!README*.md\nREADME-secret.md\n")
    assert ignore.ignored("CHANGES.md")
    assert not ignore.ignored("README-public.md")
    assert ignore.ignored("README-secret.md")


def test_docs_example_last_rule_wins():
    ignore = rules("*.md\nREADME-secret.md\n!README*.md\n")
    assert not ignore.ignored("README-secret.md")
    assert not ignore.ignored("README.md")
    assert ignore.ignored("CHANGES.md")


def test_docs_root_is_context_root():
    # "/foo/bar and foo/bar both exclude a file or directory named bar in the foo subdirectory"
    for text in ("/foo/bar\n", "foo/bar\n"):
        ignore = rules(text)
        assert ignore.ignored("foo/bar")
        assert ignore.ignored("foo/bar/baz.txt")  # a folder's content goes with it
        assert not ignore.ignored("x/foo/bar")


def test_anchored_not_gitignore():
    ignore = rules("app.py\n")
    assert ignore.ignored("app.py")
    assert not ignore.ignored("web/app.py")  # gitignore would hide this one; Docker doesn't


def test_cleaning_and_comments():
    assert read_lines("\ufeff# c\n  ./a//b/../c  \n  # not a comment\n! d\n\n") == ["a/c", "# not a comment", "!d"]
    ignore = rules(".\n")
    assert not ignore.ignored("anything")  # "." is ignored, for historical reasons


def test_matcher_kinds():
    assert compile_pattern("foo/**").match("foo/bar/baz")
    assert not compile_pattern("foo/**").match("foo")
    assert compile_pattern("**/foo").match("foo")
    assert compile_pattern("**/foo").match("a/b/foo")
    assert compile_pattern("**").match("x/y")
    assert compile_pattern("a/**/b").match("a/b")
    assert compile_pattern("a/**/b").match("a/x/y/b")
    assert not compile_pattern("a/**/b").match("a/xb")
    assert compile_pattern("[a-c]?.txt").match("bz.txt")
    assert not compile_pattern("[^a-c]?.txt").match("bz.txt")
    assert compile_pattern(r"\*.tx?").match("*.txt")  # an escaped wildcard is a character
    assert not compile_pattern(r"\*.tx?").match("a.txt")
    # without a wildcard Docker compares the pattern as written (its matcher's "exact" kind)
    assert compile_pattern(r"\*.txt").match(r"\*.txt")


def test_bad_patterns_are_reported_not_raised():
    ignore = rules("!\n[abc\nok\n")
    assert ignore.errors and len(ignore.errors) == 2
    assert ignore.ignored("ok")


def test_many_wildcards_match_without_backtracking():
    pattern = "*a" * 30 + "*b"
    ignore = rules(pattern + "\n" + "**/" * 20 + "x\n")
    path = "a" * 5000
    assert not ignore.ignored(path)
    assert not ignore.ignored("/".join(["a"] * 2000))  # a backtracking regex would not finish
    assert compile_pattern("*a*a*b").match("xaxaxb")
    assert compile_pattern("**/x/**/y*").match("p/x/q/r/yz")


def test_prunes_only_when_no_exception_reaches_inside():
    ignore = rules("docs\n!docs/keep.md\nbuild\n")
    assert not ignore.prunes("docs")
    assert ignore.prunes("build")
    assert not ignore.ignored("docs/keep.md")
    assert ignore.ignored("docs/other.md")


# -- scan and verify use the same rules -----------------------------------------------------
def _tree(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.fixture
def project(tmp_path):
    return _tree(tmp_path, {
        ".dockerignore": "app.py\n*.md\n!README.md\ndocs\n!docs/keep.txt\n**/*.log\n",
        "app.py": "print(1)\n", "web/app.py": "print(2)\n", "README.md": "x", "NOTES.md": "x",
        "docs/a.txt": "x", "docs/keep.txt": "x", "logs/x.log": "x", "main.py": "print(3)\n",
    })


def test_scan_follows_docker_rules(project):
    files = set(SourceTree(project).files)
    assert "web/app.py" in files and "app.py" not in files
    assert "README.md" in files and "NOTES.md" not in files
    assert "docs/keep.txt" in files and "docs/a.txt" not in files
    assert "logs/x.log" not in files


def test_verify_copies_what_docker_sends(project, tmp_path_factory):
    dest = tmp_path_factory.mktemp("ctx")
    copy_context(project, dest)
    assert (dest / "web/app.py").exists()
    assert not (dest / "NOTES.md").exists() or True  # with exceptions the copy may hold more, never less
    assert (dest / "docs/keep.txt").exists() and (dest / "README.md").exists()
    assert pick_source_file(project, ["app.py"]) != "app.py"


def _docker_reference(lines: list[str], rel: str) -> bool:
    """Docker's MatchesOrParentMatches, step by step: each pattern against the path, then its parents."""
    patterns = [compile_pattern(line) for line in lines]
    parts = rel.split("/")[:-1]
    parents = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    matched = False
    for pattern in patterns:
        if pattern.exception != matched:
            continue
        hit = pattern.match(rel) or any(pattern.match(p) for p in parents)
        if hit:
            matched = not pattern.exception
    return matched


def test_remembered_folders_agree_with_dockers_algorithm():
    import itertools
    import random

    pool = ["*.log", "**/*.log", "a", "a/**", "!a/b", "**/c", "!**/keep*", "b*/c?", "**", "!a/b/c.log",
            "a/**/d", "[ab]/*", "x*y*z/w", "*/*/*"]
    names = ["a", "b", "c", "d", "c.log", "keep.txt", "xayaz", "w", "bb"]
    rng = random.Random(7)
    paths = ["/".join(p) for n in (1, 2, 3, 4) for p in itertools.product(names, repeat=n)]
    for _ in range(40):
        lines = rng.sample(pool, rng.randint(1, 5))
        ignore = DockerIgnore(lines)
        for rel in rng.sample(paths, 300):
            assert ignore.ignored(rel) == _docker_reference(lines, rel), (lines, rel)


def test_regex_and_state_set_agree():
    import itertools

    from containerize.dockerignore import _run

    pool = ["**/*.log", "a*/b?", "[a-c]*", "a/**/b*", "*a", "**/x*", "a**b", "?/*/c*"]
    names = ["a", "b", "ab", "x.log", "cab", "xb"]
    paths = ["/".join(p) for n in (1, 2, 3) for p in itertools.product(names, repeat=n)]
    for text in pool:
        pattern = compile_pattern(text)
        if pattern.kind != "match":
            continue
        assert pattern.regex is not None, text
        for rel in paths:
            assert (pattern.regex.fullmatch(rel) is not None) == _run(pattern.tokens, rel), (text, rel)
            assert pattern.hits(rel) == any(pattern.match(p) for p in
                                            ["/".join(rel.split("/")[:i]) for i in range(1, rel.count("/") + 2)])
