"""One Maven module or Gradle project, and which of a build's modules makes the jar that runs."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ...scan import SourceTree

GRADLE_FILES = ("build.gradle.kts", "build.gradle")
SETTINGS_FILES = ("settings.gradle.kts", "settings.gradle")


@dataclass
class Module:
    """One Maven module or Gradle project: the build file and what it says about the jar."""

    dir: str  # "" for the root
    build_file: str
    artifact: str | None = None
    jar_name: str | None = None  # file name under target/ or build/libs, when it can be known
    boot: bool = False
    shaded: bool = False
    fat_classifier: str | None = None  # shade/assembly attached classifier
    application: bool = False  # Gradle application plugin
    main_class: str | None = None
    main_evidence: tuple[str, int | None] | None = None
    deps: list[tuple[str, str, int | None]] = field(default_factory=list)
    java: tuple[str, str, int | None] | None = None
    packaging: str = "jar"
    modules: list[str] = field(default_factory=list)
    props: dict[str, str] = field(default_factory=dict)  # Maven properties (inherited by sub-modules)
    extra_goals: list[str] = field(default_factory=list)  # plugin goals `mvn package` doesn't run by itself
    quarkus: bool = False  # the Quarkus build plugin: target/quarkus-app/ (or build/quarkus-app/) runs
    micronaut_server: bool = False  # Micronaut's Gradle application plugin with an HTTP server runtime
    # a Maven profile adds the Spring Boot plugin: "" when active by default, else the file whose existence
    # activates it (relative to each module that inherits it)
    boot_when: list[str] = field(default_factory=list)
    boot_skipped: bool = False  # the module's own Spring Boot plugin says <skip>true</skip>


    @property
    def runs(self) -> bool:
        return self.boot or self.shaded or self.application or self.quarkus or bool(self.main_class)


class Lines:
    """Line numbers of positions in one text, found in O(log n) each."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def at(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def find(self, needle: str) -> int | None:
        pos = self.text.find(needle)
        return self.at(pos) if pos >= 0 else None


def build_tool(tree: SourceTree) -> tuple[str | None, str | None]:
    gradle = tree.first(*GRADLE_FILES)
    if tree.exists("pom.xml"):
        return "maven", "pom.xml"
    if gradle:
        return "gradle", gradle
    return None, None


def _inherit_boot(tree: SourceTree, parent: Module, mod: Module) -> None:
    """A module inherits the Spring Boot plugin its parent POM declares in build/plugins (or in a profile that
    is active for it): its jar is repackaged too."""
    if mod.boot or mod.boot_skipped or mod.packaging == "pom":
        return
    prefix = f"{mod.dir}/" if mod.dir else ""
    if parent.boot and parent.packaging == "pom" or any(
            not when or tree.exists(prefix + when) for when in parent.boot_when):
        mod.boot = True
        if mod.main_class is None and parent.main_class:
            mod.main_class, mod.main_evidence = parent.main_class, parent.main_evidence


def read_modules(tree: SourceTree, tool: str, manifest: str) -> list[Module]:
    from .gradle import gradle_subprojects, read_gradle
    from .maven import read_pom

    if tool == "maven":
        root = read_pom(tree, manifest)
        mods = [root]
        for name in root.modules:
            rel = f"{name.rstrip('/')}/pom.xml"
            if tree.exists(rel):
                mod = read_pom(tree, rel, root.props)
                _inherit_boot(tree, root, mod)
                mods.append(mod)
        return mods
    root = read_gradle(tree, manifest)
    mods = [root]
    for sub in gradle_subprojects(tree, tree.first(*SETTINGS_FILES)):
        rel = tree.first(f"{sub}/build.gradle.kts", f"{sub}/build.gradle")
        if rel:
            mods.append(read_gradle(tree, rel))
    return mods
