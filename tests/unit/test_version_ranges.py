"""Version constraints: node-semver's own range fixtures, Composer's documented examples, and the image-tag uses."""
from __future__ import annotations

import pytest

from containerize.version_ranges import Comparator, matching, parse, parse_version, python_allows, satisfies

# A subset of node-semver's test/fixtures/range-include.js (pre-release and loose-mode cases left out).
NPM_INCLUDE = [
    ("1.0.0 - 2.0.0", "1.2.3"), ("^1.2.3+build", "1.2.3"), ("^1.2.3+build", "1.3.0"),
    ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3"), ("1.2.3+asdf - 2.4.3+asdf", "1.2.3"), ("1.0.0", "1.0.0"),
    (">=*", "0.2.4"), ("", "1.0.0"), ("*", "1.2.3"), (">=1.0.0", "1.0.0"), (">=1.0.0", "1.0.1"),
    (">1.0.0", "1.0.1"), ("<=2.0.0", "2.0.0"), ("<=2.0.0", "1.9999.9999"), ("<2.0.0", "0.2.9"),
    (">= 1.0.0", "1.0.0"), (">=  1.0.0", "1.0.1"), ("<\t2.0.0", "0.2.9"), (">=0.1.97", "0.1.97"),
    ("0.1.20 || 1.2.4", "1.2.4"), (">=0.2.3 || <0.0.1", "0.0.0"), (">=0.2.3 || <0.0.1", "0.2.4"),
    ("||", "1.3.4"), ("2.x.x", "2.1.3"), ("1.2.x", "1.2.3"), ("1.2.x || 2.x", "2.1.3"), ("x", "1.2.3"),
    ("2.*.*", "2.1.3"), ("1.2.* || 2.*", "1.2.3"), ("2", "2.1.2"), ("2.3", "2.3.1"), ("~0.0.1", "0.0.2"),
    ("~x", "0.0.9"), ("~2", "2.0.9"), ("~2.4", "2.4.5"), ("~>3.2.1", "3.2.2"), ("~1", "1.2.3"),
    ("~> 1", "1.2.3"), ("~1.0", "1.0.2"), ("~ 1.0.3", "1.0.12"), (">= 1", "1.0.0"), ("< 1.2", "1.1.1"),
    ("~v0.5.4-pre", "0.5.5"), ("~v0.5.4-pre", "0.5.4"), ("=0.7.x", "0.7.2"), ("<=0.7.x", "0.7.2"),
    (">=0.7.x", "0.7.2"), ("<=0.7.x", "0.6.2"), ("~1.2.1 >=1.2.3", "1.2.3"), ("~1.2.1 =1.2.3", "1.2.3"),
    ("~1.2.1 1.2.3 >=1.2.3", "1.2.3"), (">=1.2.3 >=1.2.1", "1.2.3"), (">=1.2", "1.2.8"), ("^1.2.3", "1.8.1"),
    ("^0.1.2", "0.1.2"), ("^0.1", "0.1.2"), ("^0.0.1", "0.0.1"), ("^1.2", "1.4.2"), ("^1.2 ^1", "1.4.2"),
    ("^x", "1.2.3"), ("x - 1.0.0", "0.9.7"), ("x - 1.x", "0.9.7"), ("1.0.0 - x", "1.9.7"), ("1.x - x", "1.9.7"),
    ("<=7.x", "7.9.9"),
]

# A subset of node-semver's test/fixtures/range-exclude.js (loose-mode and includePrerelease cases left out).
NPM_EXCLUDE = [
    ("1.0.0 - 2.0.0", "2.2.3"), ("^1.2.3+build", "2.0.0"), ("^1.2.3+build", "1.2.0"), ("^1.2.3", "1.2.3-pre"),
    ("^1.2", "1.2.0-pre"), (">1.2", "1.3.0-beta"), ("<=1.2.3", "1.2.3-beta"), ("=0.7.x", "0.7.0-asdf"),
    ("1.0.0", "1.0.1"), (">=1.0.0", "0.0.0"), (">=1.0.0", "0.1.0"), (">1.0.0", "0.0.1"), ("<=2.0.0", "3.0.0"),
    ("<=2.0.0", "2.9999.9999"), ("<2.0.0", "2.2.9"), (">=0.1.97", "0.1.93"), ("0.1.20 || 1.2.4", "1.2.3"),
    (">=0.2.3 || <0.0.1", "0.0.3"), (">=0.2.3 || <0.0.1", "0.2.2"), ("2.x.x", "1.1.3"), ("2.x.x", "3.1.3"),
    ("1.2.x", "1.3.3"), ("1.2.x || 2.x", "3.1.3"), ("1.2.x || 2.x", "1.1.3"), ("2.*.*", "1.1.3"),
    ("1.2.* || 2.*", "3.1.3"), ("2", "1.1.2"), ("2.3", "2.4.1"), ("~0.0.1", "0.1.0-alpha"), ("~0.0.1", "0.1.0"),
    ("~2.4", "2.5.0"), ("~2.4", "2.3.9"), ("~>3.2.1", "3.3.2"), ("~>3.2.1", "3.2.0"), ("~1", "0.2.3"),
    ("~>1", "2.2.3"), ("~1.0", "1.1.0"), ("<1", "1.0.0"), (">=1.2", "1.1.1"), ("=0.7.x", "0.8.2"),
    (">=0.7.x", "0.6.2"), ("<0.7.x", "0.7.2"), ("<1.2.3", "1.2.3-beta"), ("=1.2.3", "1.2.3-beta"), (">1.2", "1.2.8"),
    ("^0.0.1", "0.0.2"), ("^1.2.3", "2.0.0-alpha"), ("^1.2.3", "1.2.2"), ("^1.2", "1.1.9"), ("*", "not a version"),
    (">=2", "glorp"), ("1 - 2", "2.0.0-pre"), ("1.1.x", "1.0.0-a"), ("1.x", "1.2.0-a"), (">=1.0.0 <1.1.0", "1.1.0"),
    (">=1.0.0 <1.1.0", "1.1.0-pre"), (">=1.0.0 <1.1.0-pre", "1.1.0-pre"),
]


@pytest.mark.parametrize("constraint, version", NPM_INCLUDE)
def test_node_semver_range_include(constraint, version):
    assert satisfies(version, constraint, "npm"), (constraint, version)


@pytest.mark.parametrize("constraint, version", NPM_EXCLUDE)
def test_node_semver_range_exclude(constraint, version):
    assert not satisfies(version, constraint, "npm"), (constraint, version)


@pytest.mark.parametrize("text", ["latest", "lts/iron", "node", ">=foo", "1 | 2", "== 1.0.0 || foo", "1.2.3 ~="])
def test_words_and_foreign_operators_are_not_npm_ranges(text):
    assert parse(text, "npm") is None


# getcomposer.org/doc/articles/versions.md: "Writing Version Constraints".
COMPOSER = [
    ("1.0.2", "1.0.2", True), ("1.0.2", "1.0.3", False),
    (">=1.0", "1.0.0", True), (">=1.0", "0.9.9", False),
    (">=1.0 <2.0", "1.9.9", True), (">=1.0 <2.0", "2.0.0", False),
    (">=1.0,<2.0", "1.5.0", True), (">=1.0, <2.0", "2.1.0", False),
    (">=1.0 <1.1 || >=1.2", "1.0.5", True), (">=1.0 <1.1 || >=1.2", "1.1.5", False),
    (">=1.0 <1.1 || >=1.2", "1.2.0", True), (">=1.0 <1.1 | >=1.2", "1.1.5", False),
    ("1.0 - 2.0", "2.0.9", True), ("1.0 - 2.0", "2.1.0", False),    # >=1.0.0 <2.1
    ("1.0.0 - 2.1.0", "2.1.0", True), ("1.0.0 - 2.1.0", "2.1.1", False),
    ("1.0.*", "1.0.9", True), ("1.0.*", "1.1.0", False),           # >=1.0 <1.1
    ("~1.2", "1.9.0", True), ("~1.2", "2.0.0", False), ("~1.2", "1.1.9", False),  # >=1.2 <2.0.0
    ("~1.2.3", "1.2.9", True), ("~1.2.3", "1.3.0", False),       # >=1.2.3 <1.3.0
    ("~1", "1.9.9", True), ("~1", "2.0.0", False),               # ~1 is ~1.0
    ("^1.2.3", "1.9.0", True), ("^1.2.3", "2.0.0", False), ("^1.2.3", "1.2.2", False),
    ("^0.3", "0.3.9", True), ("^0.3", "0.4.0", False),           # >=0.3.0 <0.4.0
    ("^8.1", "8.4.1", True), ("~8.1", "8.4.1", True), ("8.*", "8.0.30", True), ("8.*", "9.0.0", False),
    (">=7.4 <8.3", "8.2.10", True), (">=7.4 <8.3", "8.3.0", False), ("^7.4 || ^8.0", "8.3.1", True),
    ("^8.1@stable", "8.2.0", True), ("@stable", "8.2.0", True), ("*", "7.1.0", True),
    (">1.0", "1.0.0", False), ("!=1.0.1", "1.0.1", False), ("!=1.0.1", "1.0.2", True),
]


@pytest.mark.parametrize("constraint, version, expected", COMPOSER)
def test_composer_documented_constraints(constraint, version, expected):
    assert satisfies(version, constraint, "composer") is expected


def test_ruby_pessimistic_and_go_rust_minimums():
    assert satisfies("3.4.9", "~> 3.4.0", "composer") and not satisfies("3.5.0", "~> 3.4.0", "composer")
    assert satisfies("3.9.0", "~> 3.4", "composer") and not satisfies("4.0.0", "~> 3.4", "composer")
    go = parse("1.21", "composer", minimum=True)
    assert go is not None and go.allows("1.25.0") and not go.allows("1.20.9")
    pin = parse("1.79.0", "composer")
    assert pin is not None and pin.exact() == (1, 79, 0) and not pin.allows("1.80.0")
    assert parse("3.3", "composer").allows("3.3.6")  # a bare line is that line's releases


def test_which_published_versions_satisfy():
    published = ["18.20.4", "20.18.0", "21.7.3", "22.11.0", "23.3.0"]
    assert matching(published, ">=20 <23", "npm") == ["20.18.0", "21.7.3", "22.11.0"]
    assert matching(published, "^18 || ^22.1", "npm") == ["18.20.4", "22.11.0"]
    assert matching(published, "latest", "npm") == []
    assert matching(["8.1.0", "8.2.3", "8.3.1"], ">=8.1,<8.3", "composer") == ["8.1.0", "8.2.3"]


def test_typed_form_and_lines():
    rng = parse("^20.11 || 22.x", "npm")
    assert rng is not None
    assert rng.alternatives == ((Comparator(">=", (20, 11)), Comparator("<", (21,))), (Comparator("==", (22,)),))
    assert rng.allows_line((20,)) and rng.allows_line((22,)) and not rng.allows_line((21,))
    assert parse_version("v1.2.3") == (1, 2, 3) and parse_version("1.2.3-beta") is None
    assert parse_version("") is None and parse_version("1..2") is None


@pytest.mark.parametrize("text", ["", "   ", "||||", "^^1", ">=", "1.2.3 -", "- 1", "\x00", "٣.١", "1" * 5000,
                                  "~>" * 500, "1.2.3" + " || 1" * 2000])
def test_weird_input_never_crashes(text):
    for dialect in ("npm", "composer"):
        rng = parse(text, dialect)
        if rng is not None:
            rng.allows("1.2.3")


def test_python_specifiers_go_to_packaging():
    assert python_allows(">=3.9,<3.13", "3.12.1") and not python_allows(">=3.9,<3.13", "3.13.0")
    assert python_allows("3.11", "3.11.4") and not python_allows("3.11", "3.12.0")
    assert python_allows("~=3.10", "3.14.0") and not python_allows("not a spec", "3.12.0")


def test_node_versions_read_ranges_through_the_module():
    from containerize.languages.node.versions import _pnpm_release, pick_major, published_tag

    assert pick_major(">= 18") == "22" and pick_major(">= 20.9.0 <21") == "20" and pick_major("14.x") == "14"
    assert pick_major("latest") == "22" and pick_major("^16 || ^18") == "18"
    assert _pnpm_release("^8.15.0 || ^9") == "9.15.9" and _pnpm_release("=9.1.0") == "9.1.0"
    assert published_tag("\u0663")[1] and published_tag("v20.11.1") == ("20.11.1", None)
