"""Kotlin sources (a Gradle project's src/main/kotlin): env vars read with ``System.getenv``.

There is no Kotlin grammar among the tree-sitter wheels here, so this one fact is read with a
pattern over each line (linear: one pass, line numbers counted as it goes); ports and routes
of Kotlin apps come from their Spring settings and framework defaults.
"""
from __future__ import annotations

import re

from ...profile import Profile
from ...scan import SourceTree
from .source import SYSTEM_ENV, record_env

_GETENV = re.compile(r"""System\.getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)(?:\s*\?:\s*"([^"\n]*)")?""")


def read_kotlin(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for rel in files:
        if not rel.endswith(".kt"):
            continue
        for number, line in enumerate((tree.read(rel) or "").splitlines(), 1):
            for m in _GETENV.finditer(line):
                if m.group(1) not in SYSTEM_ENV:
                    record_env(profile, m.group(1), m.group(2), rel, number, "System.getenv (Kotlin)")
