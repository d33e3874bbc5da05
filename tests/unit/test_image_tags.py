"""The table of published image tags and the choice of the newest one a version constraint allows."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from containerize import image_tags
from containerize.checklist import build_profile
from containerize.image_tags import FAMILIES, allows, choose, exact_pin, gradle_runs_on, published
from containerize.images import IMAGES
from containerize.scan import SourceTree
from projects import write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_every_family_of_the_issue_is_in_the_table_with_its_lines_in_order():
    assert set(FAMILIES) >= {"python", "node", "golang", "rust", "eclipse-temurin", "maven", "gradle", "php",
                             "composer", "ruby", "nginx"}
    for name, fam in FAMILIES.items():
        keys = [image_tags.key(line) for line in fam.lines]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), name
        assert fam.default in fam.lines, name
        assert set(fam.first_patch) <= set(fam.lines), name


def test_every_image_role_names_a_family_and_a_variant_of_the_table():
    by_image = {fam.image: fam for fam in FAMILIES.values()}
    for role, ref in IMAGES.items():
        image, _, tag = ref.partition(":")
        if image not in by_image:
            continue  # debian, distroless and uv are not versioned by the project
        fam = by_image[image]
        suffix = re.sub(r"^\$\{\w+\}-?", "", tag)
        suffix = re.sub(r"\$\{JAVA_VERSION\}", "21", suffix)
        assert suffix in fam.variants, (role, ref)


@pytest.mark.parametrize("family, constraint, minimum, version", [
    ("golang", "1.18", True, "1.25"),          # a go directive is a minimum: a current toolchain
    ("golang", "1.15", True, "1.25"),
    ("golang", "1.23.4", True, "1.25"),
    ("php", "8.*", False, "8.4"),              # never php:8.0-apache-bookworm
    ("php", "8.0.*", False, "8.1"),
    ("php", ">=8.1 <8.3", False, "8.2"),
    ("php", "^7.4", False, "8.1"),             # nothing published: the nearest line above
    ("ruby", "~> 3.4.0", False, "3.4"),
    ("ruby", "3.4.9", False, "3.4.9"),         # a patch pin stays exact
    ("ruby", "3.1.2", False, "3.1"),           # before the bookworm images
    ("ruby", ">= 3.2, < 3.4", False, "3.3"),
    ("eclipse-temurin", "17", False, "17"),
    ("eclipse-temurin", "15", False, "17"),
    ("rust", "1.79.0", False, "1.79.0"),
    ("rust", "1.65", True, "1.90"),
    ("rust", "1.60.0", False, "1.70"),
    ("python", ">=3.9,<3.12", False, "3.11"),
    ("python", "~=3.10", False, "3.14"),
    ("node", ">=18 <21", False, "20"),
    ("node", "18.12.0", False, "18"),          # 18.12 has no bookworm image
    ("composer", "^2.2", False, "2.8"),
    ("nginx", "1.27.3", False, "1.27"),
    ("gradle", "~>7.0", False, "7.6"),
    ("php", "^8.1@stable", False, "8.4"),     # composer stability flags are not part of the range
    ("php", "^7.4 | ^8.2", False, "8.4"),     # composer's single-pipe OR
    ("php", "8.1 - 8.2", False, "8.2"),       # composer hyphen range
    ("php", ">=8.1, <8.3", False, "8.2"),     # comma AND
    ("python", ">=3.10,!=3.14.*", False, "3.13"),  # packaging's specifiers: != with a wildcard excludes a line
    ("python", "==3.11.*", False, "3.11"),
])
def test_the_newest_published_line_a_constraint_allows(family, constraint, minimum, version):
    choice = choose(family, constraint, minimum=minimum)
    assert choice.version == version
    assert published(family, choice.version)


def test_a_choice_that_differs_from_the_ask_says_why():
    assert "has no -slim-bookworm image" in choose("ruby", "3.1.2").note
    assert "newer than the published images" in choose("eclipse-temurin", "99").note
    assert choose("golang", "not a version").note and choose("golang", "").note is None
    assert choose("golang", "").version == FAMILIES["golang"].default


def test_tags_with_variants():
    assert choose("golang", "1.18", minimum=True).tag("golang") == "golang:1.25-bookworm"
    assert choose("php", "8.*").tag("php") == "php:8.4-apache-bookworm"
    assert choose("composer", "2").tag("composer") == "composer:2.8"


def test_allows_and_exact_pins():
    assert allows("~> 3.4.0", "3.4.9") and not allows("~> 3.4.0", "3.5.0")
    assert allows(">= 3.2, < 4.0", "3.4.1") and not allows(">= 3.2, < 4.0", "4.0.0")
    assert exact_pin("3.3.6") == "3.3.6" and exact_pin("= 3.3.6") == "3.3.6" and exact_pin("~> 3.3") is None


def test_gradle_and_the_jdk_it_runs_on():
    assert gradle_runs_on("7.4", 17) and not gradle_runs_on("7.4", 21)
    assert gradle_runs_on("8.5", 21) and not gradle_runs_on("8.4", 21)
    assert not gradle_runs_on("9.0", 11) and gradle_runs_on("6.9", 11)


# Every version an analyzer can produce maps to a published tag: whatever the project asks for.
ASKS = ["", "*", "garbage", "0", "1", "2", "3", "7", "8", "9", "11", "15", "17", "21", "24", "25", "99", "1.0",
        "1.13", "1.18", "1.20.1", "1.21.0", "1.22", "1.26", "1.50", "1.69", "1.70.0", "1.74", "1.95", "2.0",
        "2.1", "3.0.0", "3.0.5", "3.1.2", "3.2.5", "3.3.6", "3.4.9", "3.5", "3.7", "3.9", "3.15", "4.0", "5.6",
        "7.4", "8.0", "8.0.30", "8.1.2", "8.1.20", "8.2.10", "8.5", "18.12.0", "20.11.1", "26"]
OPS = ["", ">=", "^", "~", "~>", "==", "<", "<=", ">"]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_constraint_maps_to_a_published_tag(family):
    for ask in ASKS:
        for op in OPS:
            for minimum in (False, True):
                for constraint in (f"{op}{ask}", f"{op}{ask}.*", f"{op}{ask} || ^8.1"):
                    choice = choose(family, constraint, minimum=minimum)
                    assert published(family, choice.version), (family, constraint, choice)


LANGUAGE_FAMILY = {"go": "golang", "rust": "rust", "java": "eclipse-temurin", "php": "php", "ruby": "ruby",
                   "python": "python", "node": "node", "shell": "python"}


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()
                                           if p.name.split("-")[0] in LANGUAGE_FAMILY))
def test_every_fixture_version_is_a_published_tag(fixture):
    p = build_profile(FIXTURES / fixture)
    if p.runtime_version is None and p.language == "shell":
        return  # Debian slim: no language image
    assert published(LANGUAGE_FAMILY[p.language], p.runtime_version), p.runtime_version
    if p.language == "java":
        tool = "maven" if p.build.tool == "maven" else "gradle"
        if not p.build.wrapper:
            assert published(tool, p.build.tool_version)
            if tool == "maven":
                assert p.runtime_version in image_tags.MAVEN_JDKS[p.build.tool_version]


def test_the_languages_defaults_are_published():
    from containerize.languages.go import DEFAULT_GO
    from containerize.languages.go.starter import NEW_GO
    from containerize.languages.java.starter import DEFAULT_GRADLE, DEFAULT_JAVA, DEFAULT_MAVEN
    from containerize.languages.php import DEFAULT_PHP
    from containerize.languages.ruby.gemfile import DEFAULT_RUBY
    from containerize.languages.rust import DEFAULT_RUST
    assert published("golang", DEFAULT_GO) and published("golang", NEW_GO)
    assert published("rust", DEFAULT_RUST) and published("eclipse-temurin", DEFAULT_JAVA)
    assert published("maven", DEFAULT_MAVEN) and published("gradle", DEFAULT_GRADLE)
    assert published("php", DEFAULT_PHP) and published("ruby", DEFAULT_RUBY)


def test_every_version_arg_of_the_rendered_fixtures_is_a_published_tag():
    from containerize import render
    args = {"GO_VERSION": "golang", "RUST_VERSION": "rust", "JAVA_VERSION": "eclipse-temurin",
            "MAVEN_VERSION": "maven", "GRADLE_VERSION": "gradle", "PHP_VERSION": "php", "COMPOSER_VERSION": "composer",
            "RUBY_VERSION": "ruby", "PYTHON_VERSION": "python"}
    for fixture in sorted(p.name for p in FIXTURES.iterdir() if p.name.split("-")[0] in LANGUAGE_FAMILY):
        dockerfile = render.render(build_profile(FIXTURES / fixture))["Dockerfile"]
        for name, value in re.findall(r"^ARG (\w+_VERSION)=(\S+)$", dockerfile, re.M):
            if name in args:
                assert published(args[name], value), (fixture, name, value)


def test_node_versions_chosen_by_the_node_analyzer_are_published():
    from containerize.languages.node.versions import published_tag
    for ask in ASKS + ["v20.11.1", "lts/iron", "18.12.0", "22.0.0", "23.5.0"]:
        assert published("node", published_tag(ask)[0]), ask


@pytest.mark.parametrize("files, expected", [
    ({"mise.toml": '[tools]\ngo = "1.24.2"\nnode = "22"\n'}, ("1.24.2", "mise.toml", 2)),
    ({".mise.toml": '[tools]\ngolang = ["1.23", "1.22"]\n'}, ("1.23", ".mise.toml", 2)),
    ({"mise.toml": '[tools]\ngo = { version = "prefix:1.22" }\n'}, ("1.22", "mise.toml", 2)),
    ({".tool-versions": "nodejs 22.1.0\ngolang 1.22.5 # pinned\n"}, ("1.22.5", ".tool-versions", 2)),
    ({"mise.toml": '[tools]\ngo = "1.24"\n', ".tool-versions": "golang 1.21.3\n"}, ("1.24", "mise.toml", 2)),
    ({"mise.toml": '[tools]\ngo = "latest"\n'}, None),
    ({".tool-versions": "golang ref:master\n"}, None),
    ({"mise.toml": "[tools\ngo = 1"}, None),
    ({"mise.toml": 'tools = "go"\n'}, None),
    ({}, None),
])
def test_tool_pin_reads_mise_and_asdf(tmp_path, files, expected):
    write_tree(tmp_path, files)
    assert image_tags.tool_pin(SourceTree(tmp_path), "go", "golang") == expected


GO_MAIN = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n'


@pytest.mark.parametrize("files, version, warned", [
    ({"mise.toml": '[tools]\ngo = "1.23"\n'}, "1.23", None),
    ({".tool-versions": "golang 1.24.1\n"}, "1.24.1", None),
    # a pin that can't build a go 1.21 module: the go directive's rule (the newest published Go)
    ({"mise.toml": '[tools]\ngo = "1.19"\n'}, image_tags.FAMILIES["golang"].lines[-1], "older than the go.mod's 1.21"),
    ({}, image_tags.FAMILIES["golang"].lines[-1], None),  # a go directive is a minimum
])
def test_go_builds_with_the_go_mise_or_asdf_pins(tmp_path, files, version, warned):
    write_tree(tmp_path, {"go.mod": "module example.com/hi\n\ngo 1.21\n", "main.go": GO_MAIN, **files})
    p = build_profile(tmp_path)
    assert p.language == "go" and p.runtime_version == version
    assert image_tags.published("golang", p.runtime_version)
    assert any(warned in w for w in p.warnings) if warned else not any("pins go" in w for w in p.warnings)


@pytest.mark.parametrize("files, version", [
    ({"mise.toml": '[tools]\nruby = "3.3.6"\n'}, "3.3.6"),
    ({".tool-versions": "ruby 3.2.4\n"}, "3.2.4"),
    ({".ruby-version": "3.4.1\n", "mise.toml": '[tools]\nruby = "3.3.6"\n'}, "3.4.1"),
    ({"mise.toml": '[tools]\nruby = "3.1.2"\n'}, "3.1"),  # 3.1.2 was never published with -slim-bookworm
])
def test_ruby_version_from_mise_and_asdf(tmp_path, files, version):
    write_tree(tmp_path, {"Gemfile": 'source "https://rubygems.org"\n', "app.rb": 'puts "hi"\n', **files})
    p = build_profile(tmp_path)
    assert p.language == "ruby" and p.runtime_version == version


@pytest.mark.parametrize("files, version", [
    ({"mise.toml": '[tools]\npython = "3.11"\n'}, "3.11"),
    ({"mise.toml": '[tools]\npython = "3.12.4"\n'}, "3.12.4"),
    ({".tool-versions": "python 3.10.14\n"}, "3.10.14"),
    ({".python-version": "3.13\n", "mise.toml": '[tools]\npython = "3.11"\n'}, "3.13"),
    ({"mise.toml": '[tools]\npython = "3"\n'}, image_tags.FAMILIES["python"].default),  # a major only: no pin
])
def test_python_version_from_mise_and_asdf(tmp_path, files, version):
    write_tree(tmp_path, {"requirements.txt": "", "main.py": "print('hi')\n", **files})
    p = build_profile(tmp_path)
    assert p.language == "python" and p.runtime_version == version
