"""Gradle: what a build.gradle[.kts] says about the jar.

Gradle build scripts are Groovy or Kotlin programs, and there is no grammar for either here:
the plugins, main class, Java release and dependencies are read from the script's text with
patterns for the usual DSL forms (comments removed first). Line numbers come from one index
of line starts, so a long script stays linear.
"""
from __future__ import annotations

import posixpath
import re

from ...scan import SourceTree
from .module import Lines, Module

_BOOT_GRADLE = re.compile(r"""(?:id\s*\(?\s*["']org\.springframework\.boot["']|apply\s+plugin\s*:\s*["']org\.springframework\.boot["']|\bspringBoot\s*\{)""")
_APPLICATION_GRADLE = re.compile(r"""(?:^\s*application\s*$|id\s*\(?\s*["']application["']|apply\s+plugin\s*:\s*["']application["']|^\s*`?application`?\s*$)""", re.M)
_SHADOW_GRADLE = re.compile(r"""id\s*\(?\s*["'](?:com\.github\.johnrengelman\.shadow|com\.gradleup\.shadow|io\.github\.goooler\.shadow)["']""")
_GRADLE_MAIN = re.compile(r"""(?:mainClass(?:Name)?\s*(?:=|\.set\s*\()\s*|["']Main-Class["']\s*(?::|to)\s*)["']([\w.$]+)["']""")
_GRADLE_JAVA = re.compile(r"""(?:JavaLanguageVersion\.of\(\s*["']?(\d+)|jvmToolchain\(\s*(\d+)|(?:source|target)Compatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?(\d+)|["']?(?:1\.)?(\d+)))""")
_GRADLE_DEP = re.compile(r"""(?<![\w.])(implementation|api|runtimeOnly|compile|runtime|compileOnly|testImplementation|testRuntimeOnly|developmentOnly|annotationProcessor)\s*\(?\s*["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']""", re.M)
_GRADLE_INCLUDE = re.compile(r"""^\s*include\s*\(?([^)\n]*)\)?""", re.M)
_WRAPPER_GRADLE = re.compile(r"gradle-(\d+\.\d+)(?:\.\d+)?(?:-[\w.-]+)?-(?:bin|all)\.zip")
_WRAPPER_MAVEN = re.compile(r"apache-maven-(\d+\.\d+)(?:\.\d+)?-bin\.zip")


def read_gradle(tree: SourceTree, rel: str) -> Module:
    text = tree.read(rel)
    if text is None:
        raise ValueError(f"{rel}: can't be read as UTF-8 text")
    mod = Module(posixpath.dirname(rel), rel)
    code = strip_comments(text)
    lines = Lines(code)
    mod.boot = bool(_BOOT_GRADLE.search(code))
    mod.shaded = bool(_SHADOW_GRADLE.search(code))
    mod.application = bool(_APPLICATION_GRADLE.search(code))
    m = _GRADLE_MAIN.search(code)
    if m:
        mod.main_class = m.group(1)
        mod.main_evidence = (f"{rel} names the main class", lines.at(m.start()))
    m = _GRADLE_JAVA.search(code)
    if m:
        release = next(g for g in m.groups() if g)
        mod.java = (release, f"{m.group(0).strip()}", lines.at(m.start()))
    for m in _GRADLE_DEP.finditer(code):
        if m.group(1) in ("compileOnly", "testImplementation", "testRuntimeOnly", "developmentOnly",
                          "annotationProcessor"):
            continue
        mod.deps.append((f"{m.group(2)}:{m.group(3)}", rel, lines.at(m.start())))
    return mod


def gradle_subprojects(tree: SourceTree, settings: str | None) -> list[str]:
    if not settings:
        return []
    found = []
    for m in _GRADLE_INCLUDE.finditer(strip_comments(tree.read(settings) or "")):
        for name in re.findall(r"""["']:?([\w.:/-]+)["']""", m.group(1)):
            found.append(name.replace(":", "/"))
    return found


def strip_comments(text: str) -> str:
    """The script without // and /* */ comments (newlines kept, so line numbers stay), in one pass.
    Quoted strings are kept whole: a URL's // is not a comment."""
    out: list[str] = []
    i, n, start = 0, len(text), 0
    while i < n:
        c = text[i]
        if c in "\"'":
            end = i + 1
            while end < n and text[end] != c and text[end] != "\n":
                end += 2 if text[end] == "\\" else 1
            i = end + 1
        elif c == "/" and text.startswith("//", i):
            out.append(text[start:i])
            end = text.find("\n", i)
            i = start = n if end < 0 else end
        elif c == "/" and text.startswith("/*", i):
            out.append(text[start:i])
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = start = end
        else:
            i += 1
    out.append(text[start:])
    return "".join(out)


def wrapper_version(text: str, maven: bool) -> tuple[str, int] | None:
    """(Maven or Gradle version, line) from a wrapper's distributionUrl."""
    m = (_WRAPPER_MAVEN if maven else _WRAPPER_GRADLE).search(text)
    return (m.group(1), Lines(text).at(m.start())) if m else None
