"""Published tags of the official images the Dockerfiles build from, and the newest one a constraint allows.

A version a project asks for is a constraint (``go 1.18`` is a minimum, composer's ``"php": "8.*"`` a range,
``ruby "~> 3.4.0"`` a pessimistic range, ``.ruby-version``'s ``3.3.6`` an exact pin). The image the
Dockerfile names must exist: :func:`choose` picks the newest release line of a family that satisfies the
constraint *and* was published with the variants the templates use (``-bookworm``, ``-slim-bookworm``,
``-jdk-jammy`` ...). An exact patch pin stays exact when its line has that patch with those variants
(the bookworm variants began in June 2023: older patches exist only for bullseye/buster).

The table lists release lines, oldest first, with the first patch published with the variants. It is
updated by hand when a family publishes a new line; tests/unit/test_image_tags.py checks that every version
an analyzer can produce maps to a tag listed here.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .version_ranges import Comparator, Range, parse, python_range

if TYPE_CHECKING:
    from .scan import SourceTree

Version = tuple[int, ...]


@dataclass(frozen=True)
class Family:
    image: str                       # repository name: "golang", "nginxinc/nginx-unprivileged"
    lines: tuple[str, ...]           # published release lines with the variants, oldest first
    variants: tuple[str, ...]        # the tag suffixes the templates use
    first_patch: dict[str, str] = field(default_factory=dict)  # line -> first patch with these variants
    default: str | None = None       # the line chosen when a project asks for nothing
    patch_tags: bool = True          # whether X.Y.Z tags are published (composer and nginx lines are enough)


FAMILIES: dict[str, Family] = {
    "python": Family("python", ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"),
                     ("slim-bookworm", "bookworm"),
                     {"3.8": "3.8.17", "3.9": "3.9.17", "3.10": "3.10.12", "3.11": "3.11.4"}, default="3.12"),
    "node": Family("node", ("18", "20", "21", "22", "23", "24", "25"), ("bookworm-slim", "bookworm"),
                   {"18": "18.17.0", "20": "20.4.0"}, default="22"),
    "golang": Family("golang", ("1.20", "1.21", "1.22", "1.23", "1.24", "1.25"), ("bookworm",),
                     {"1.20": "1.20.5", "1.21": "1.21.0"}, default="1.25"),
    "rust": Family("rust", tuple(f"1.{n}" for n in range(70, 91)), ("bookworm", "slim-bookworm"),
                   default="1.90"),
    "eclipse-temurin": Family("eclipse-temurin", ("8", "11", "17", "21"), ("jdk-jammy", "jre-jammy"),
                              default="21", patch_tags=False),  # patches are tagged 21.0.5_11, not 21.0.5
    "maven": Family("maven", ("3.8", "3.9"), ("eclipse-temurin-8", "eclipse-temurin-11", "eclipse-temurin-17",
                                              "eclipse-temurin-21"), default="3.9"),
    "gradle": Family("gradle", ("7.6", "8.0", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "8.9", "8.10",
                                "8.11", "8.12", "8.13", "8.14"),
                     ("jdk8-jammy", "jdk11-jammy", "jdk17-jammy", "jdk21-jammy"), default="8.14"),
    "php": Family("php", ("8.1", "8.2", "8.3", "8.4"), ("apache-bookworm", "cli-bookworm"),
                  {"8.1": "8.1.20", "8.2": "8.2.7"}, default="8.3"),
    "composer": Family("composer", ("1", "2", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8"), ("",), default="2",
                       patch_tags=False),  # "2" follows the newest 2.x (the PHP Dockerfile's COMPOSER_VERSION)
    "ruby": Family("ruby", ("3.0", "3.1", "3.2", "3.3", "3.4"), ("slim-bookworm", "bookworm"),
                   {"3.0": "3.0.6", "3.1": "3.1.4", "3.2": "3.2.2"}, default="3.3"),
    "nginx": Family("nginxinc/nginx-unprivileged", ("1.25", "1.26", "1.27", "1.28", "1.29"), ("bookworm",),
                    {"1.25": "1.25.1"}, default="1.28", patch_tags=False),
    # the one-shot services that run Flyway/Liquibase migrations nothing in a Java app runs (its compose.yaml names a line)
    "flyway": Family("flyway/flyway", ("9", "10", "11"), ("",), default="11", patch_tags=False),
    "liquibase": Family("liquibase/liquibase", ("4.29", "4.30", "4.31"), ("",), default="4.31", patch_tags=False),
}

# Which JDKs each build tool's images are published with, and the JDKs a Gradle line can run on.
MAVEN_JDKS = {"3.8": ("8", "11", "17"), "3.9": ("8", "11", "17", "21")}
# The first Gradle that runs on each JDK (docs.gradle.org compatibility matrix).
GRADLE_MIN_FOR_JDK = {11: "5.0", 12: "5.4", 13: "6.0", 14: "6.3", 15: "6.7", 16: "7.0", 17: "7.3", 18: "7.5",
                      19: "7.6", 20: "8.3", 21: "8.5", 22: "8.8", 23: "8.10", 24: "8.14", 25: "9.1"}


def key(version: str) -> Version:
    """(1, 25) for "1.25"; non-numeric parts end the key."""
    parts = []
    for part in version.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


@dataclass(frozen=True)
class Choice:
    version: str            # what the Dockerfile's version ARG gets ("1.25", "3.4.9")
    note: str | None = None  # why it differs from what was asked, when it does

    def tag(self, family: str, variant: str | None = None) -> str:
        fam = FAMILIES[family]
        suffix = fam.variants[0] if variant is None else variant
        return f"{fam.image}:{self.version}" + (f"-{suffix}" if suffix else "")


def _range(constraint: str, minimum: bool, family: str | None = None) -> Range | None:
    """The constraint as a range: Python's specifiers through ``packaging``, else the Composer grammar (which also
    reads Ruby's ``~>`` and Go/Rust minimums); None when unreadable."""
    if family == "python":
        rng = python_range(constraint)
        if rng is not None:
            return rng
    return parse(constraint, "composer", minimum=minimum)


def _exact(clauses: tuple[Comparator, ...]) -> Version | None:
    pins = [c.version for c in clauses if c.op == "=="]
    return pins[0] if len(pins) == 1 else None


def choose(family: str, constraint: str | None, *, minimum: bool = False, within: tuple[str, ...] | None = None
           ) -> Choice:
    """The newest published line of ``family`` that ``constraint`` allows.

    ``minimum``: a bare version is a lower bound (a go directive, rust-version), not a pin. ``within``
    narrows the lines (e.g. the Gradle lines published with a JDK). A patch pin (``3.4.9``) whose line
    published it with the variants stays exact. When nothing published satisfies the constraint, the
    nearest line above it (else the newest) is chosen and the note says so.
    """
    fam = FAMILIES[family]
    lines = [ln for ln in fam.lines if within is None or ln in within]
    default = fam.default if fam.default in lines else lines[-1]
    asked = (constraint or "").strip()
    if not asked:
        return Choice(default)
    rng = _range(asked, minimum, family)
    if rng is None:
        return Choice(default, f"{asked!r} is not a version: {fam.image} {default}")
    if rng.anything:  # "*": anything goes
        return Choice(default)
    best: tuple[Version, str] | None = None
    for alternative in rng.alternatives:
        for ln in lines:
            if all(c.allows_line(key(ln)) for c in alternative):
                pin = _exact(alternative)
                version = ln
                if pin is not None and len(pin) > len(key(ln)) and fam.patch_tags:
                    first = fam.first_patch.get(ln)
                    if first is None or pin >= key(first):
                        version = ".".join(map(str, pin))
                    else:
                        note = (f"{fam.image} {'.'.join(map(str, pin))} has no -{fam.variants[0]} image (they "
                                f"start at {first}): {fam.image} {ln}")
                        return Choice(ln, note)
                cand = (key(version), version)
                if best is None or cand[0] > best[0]:
                    best = cand
    if best:
        return Choice(best[1])
    # nothing published satisfies it: the nearest line above its lower bound, else the newest
    lows = [c.version for alternative in rng.alternatives for c in alternative if c.op in (">=", ">", "==")]
    low = min(lows) if lows else ()
    above = [ln for ln in lines if key(ln) > low[:len(key(ln))]]
    pick = above[0] if above and low else lines[-1]
    where = "newer than the published images" if not above else f"not published with -{fam.variants[0]}"
    return Choice(pick, f"{fam.image} {asked} is {where}: {fam.image} {pick}")


def exact_pin(constraint: str) -> str | None:
    """The version when ``constraint`` names exactly one (``3.3.6``, ``= 3.3.6``), else None."""
    rng = _range(constraint, False)
    pin = rng.exact() if rng is not None else None
    return ".".join(map(str, pin)) if pin else None


def allows(constraint: str, version: str) -> bool:
    """Whether the exact ``version`` (``3.4.9``) satisfies ``constraint`` (``~> 3.4.0``, ``>= 3.2, < 4.0``)."""
    v = key(version)
    rng = _range(constraint, False)
    return bool(v) and rng is not None and rng.allows(v)


def published(family: str, version: str) -> bool:
    """Whether ``family:version-<variant>`` is a published tag (a line, or a patch of one from its first)."""
    fam = FAMILIES[family]
    v = key(version)
    if not v or ".".join(map(str, v)) != version:
        return False
    for ln in fam.lines:
        lk = key(ln)
        if v == lk:
            return True
        if fam.patch_tags and v[:len(lk)] == lk and len(lk) < len(v) <= 3:
            first = fam.first_patch.get(ln)
            return first is None or v + (0,) * (3 - len(v)) >= key(first)
    return False


def gradle_runs_on(gradle: str, jdk: int) -> bool:
    """Whether Gradle ``gradle`` can run on JDK ``jdk`` (Gradle's compatibility matrix: 7.3 added 17, 8.5 added 21;
    Gradle 9 needs 17 or newer)."""
    v = key(gradle)
    if not v:
        return True
    if v >= (9,) and jdk < 17:
        return False
    needed = GRADLE_MIN_FOR_JDK.get(jdk)
    if needed is None:
        newer = [j for j in GRADLE_MIN_FOR_JDK if j > jdk]
        needed = GRADLE_MIN_FOR_JDK[min(newer)] if newer and jdk > 10 else None
        if needed is None and jdk > max(GRADLE_MIN_FOR_JDK):
            needed = "99"
    return needed is None or v >= key(needed)


# mise's configuration files, in the order mise reads them (the nearest first), then asdf's .tool-versions
MISE_FILES = ("mise.toml", ".mise.toml", "mise/config.toml", ".config/mise.toml", ".mise/config.toml")
_TOOL_VERSION = re.compile(r"(?:prefix:)?v?(\d+(?:\.\d+){0,2})")


def tool_pin(tree: SourceTree, *names: str) -> tuple[str, str, int | None] | None:
    """(version, file, line) of the first of ``names`` (``go``, ``golang``) a mise file's ``[tools]`` or asdf's
    ``.tool-versions`` pins to a number; "latest", "lts", "ref:..." and the like are no pin."""
    for rel in MISE_FILES + (".tool-versions",):
        text = tree.read(rel)
        if not text:
            continue
        if rel == ".tool-versions":
            for number, line in enumerate(text.splitlines(), 1):
                words = line.split("#", 1)[0].split()
                if len(words) >= 2 and words[0] in names:
                    m = _TOOL_VERSION.fullmatch(words[1])
                    return (m.group(1), rel, number) if m else None
            continue
        try:
            tools = tomllib.loads(text).get("tools")
        except (tomllib.TOMLDecodeError, RecursionError):
            continue
        if not isinstance(tools, dict):
            continue
        for name in names:
            value = tools.get(name)
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, dict):
                value = value.get("version")
            if value is None:
                continue
            m = _TOOL_VERSION.fullmatch(str(value).strip()) if isinstance(value, (str, int, float)) else None
            line = next((n for n, ln in enumerate(text.splitlines(), 1)
                         if ln.split("=", 1)[0].strip().strip('"\'') == name), None)
            return (m.group(1), rel, line) if m else None
    return None
