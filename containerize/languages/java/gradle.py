"""Gradle: what a build.gradle[.kts] says about the jar, and which version a wrapper pins.

The build scripts are read through their parse trees (gradle_script.py: Groovy for build.gradle,
Kotlin for build.gradle.kts); the wrapper's gradle-wrapper.properties / maven-wrapper.properties is
a properties file, whose distributionUrl is matched with a pattern.
"""
from __future__ import annotations

import re

from .gradle_script import gradle_subprojects, read_gradle
from .module import Lines

__all__ = ["gradle_subprojects", "read_gradle", "wrapper_version"]

_WRAPPER_GRADLE = re.compile(r"gradle-(\d+\.\d+)(?:\.\d+)?(?:-[\w.-]+)?-(?:bin|all)\.zip")
_WRAPPER_MAVEN = re.compile(r"apache-maven-(\d+\.\d+)(?:\.\d+)?-bin\.zip")


def wrapper_version(text: str, maven: bool) -> tuple[str, int] | None:
    """(Maven or Gradle version, line) from a wrapper's distributionUrl."""
    m = (_WRAPPER_MAVEN if maven else _WRAPPER_GRADLE).search(text)
    return (m.group(1), Lines(text).at(m.start())) if m else None
