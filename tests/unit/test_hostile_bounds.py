"""Big and deep inputs end within fixed memory and CPU bounds: each case runs containerize in a child process
limited to MEMORY_LIMIT of address space and CPU_LIMIT seconds of CPU (tests/hostile.py), and must exit 0, 1 or 2
with at most a one-line error and no traceback. The limits are generous on purpose: these are bounds, not timings.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hostile import CPU_LIMIT, MEMORY_LIMIT, assert_clean_exit, run_bounded

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MB = 1 << 20


def one_line(head: str, unit: str, tail: str, size: int = MB) -> str:
    """``head`` + ``unit`` repeated to ``size`` characters + ``tail``, with no newline before the end."""
    return head + unit * (size // len(unit) + 1) + tail + "\n"


# language -> (fixture it's added to, file, its one 1 MB line): calls that read settings, many on one line,
# so the parse-tree queries and every value check see a huge node list on a single line
LONG_LINES = {
    "python": ("python-flask", "big.py",
               one_line("import os; big = [", 'os.getenv("BIG_A", "x"), ', "]")),
    "javascript": ("node-express", "big.js",
                   one_line("const big = [", 'process.env.BIG_A || "x", ', "];")),
    "typescript": ("node-typescript", "src/big.ts",
                   one_line("export const big: string[] = [", 'process.env.BIG_A ?? "x", ', "];")),
    "go": ("go-http", "big.go",
           one_line('package main; import "os"; var big = []string{', 'os.Getenv("BIG_A"), ', "}")),
    "rust": ("rust-http", "src/big.rs",
             one_line("pub fn big() -> Vec<String> { vec![", 'std::env::var("BIG_A").unwrap_or_default(), ',
                      "] }")),
    "java": ("java-maven", "src/main/java/com/example/Big.java",
             one_line("package com.example; class Big { String[] big = {", 'System.getenv("BIG_A"), ', "}; }")),
    "php": ("php-plain", "src/Big.php", one_line("<?php $big = [", 'getenv("BIG_A") ?: "x", ', "];")),
    "ruby": ("ruby-stdlib", "big.rb", one_line("BIG = [", 'ENV.fetch("BIG_A", "x"), ', "]")),
    "c": ("c-cmake", "src/big.c",
          one_line("#include <stdlib.h>\nvoid big(void) { ", 'const char *a = getenv("BIG_A"); ', "}")),
    "cpp": ("cpp-make", "src/big.cpp",
            one_line("#include <cstdlib>\nvoid big() { ", 'auto a = std::getenv("BIG_A"); ', "}")),
    "shell": ("shell-script", "big.sh", one_line("#!/bin/sh\n", 'echo "${BIG_A:-x}"; ', "")),
}


def copy_fixture(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root, symlinks=True)
    return root


@pytest.mark.parametrize("language", sorted(LONG_LINES))
def test_a_one_megabyte_line_of_source_is_bounded(tmp_path, language):
    fixture, name, text = LONG_LINES[language]
    root = copy_fixture(tmp_path, fixture)
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)
    assert (root / name).stat().st_size > MB and text.count("\n") <= 2
    done = run_bounded(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert done.returncode == 0, done.stderr[-2000:]


# 200 MB files the scan or the answers loader meets first: real text (not a sparse file of NUL bytes), made
# from a 1 MB block so writing them takes a moment
BIG = 200 * MB
BIG_FILES = {
    ".gitignore": ("", "build-output-folder/\n*.tmp\n"),
    ".dockerignore": ("", "node_modules/\n**/*.log\n"),
    "pyproject.toml": ('[project]\nname = "app"\ndependencies = [\n', '    "flask>=3",\n'),
    "containerize.toml": ("port = 5000\n", "# a comment that goes on and on\n"),
}


def write_big(path: Path, head: str, unit: str) -> None:
    block = (unit * (MB // len(unit) + 1))[:MB].encode()
    with open(path, "wb") as fh:
        fh.write(head.encode())
        for _ in range(BIG // MB):
            fh.write(block)


@pytest.mark.parametrize("name", sorted(BIG_FILES))
def test_a_200_megabyte_settings_file_is_bounded(tmp_path, name):
    root = copy_fixture(tmp_path, "python-flask")
    try:
        write_big(root / name, *BIG_FILES[name])
        assert (root / name).stat().st_size >= BIG
        done = run_bounded(str(root), "--dry-run", "--yes")
        assert_clean_exit(done)
        if name.endswith(".toml"):  # a settings file read whole or not at all: refused, naming the file
            assert done.returncode == 2 and name in done.stderr and "larger than" in done.stderr, done.stderr
        else:  # an ignore file is read up to its cap, with a warning
            assert done.returncode == 0, done.stderr[-2000:]
            assert f"{name}" in done.stderr and "larger than" in done.stderr, done.stderr[-2000:]
    finally:
        (root / name).unlink(missing_ok=True)


DEEP = 100_000
DEEP_PACKAGE_JSON = {
    "objects": '{"a":' * DEEP + "1" + "}" * DEEP,
    "arrays": '{"name": "x", "a": ' + "[" * DEEP + "]" * DEEP + "}",
    "mixed": '{"name": "x", "dependencies": ' + '{"a": [' * (DEEP // 2) + "]}" * (DEEP // 2) + "}",
}


@pytest.mark.parametrize("shape", sorted(DEEP_PACKAGE_JSON))
def test_a_100000_deep_package_json_is_bounded(tmp_path, shape):
    root = copy_fixture(tmp_path, "node-express")
    (root / "package.json").write_text(DEEP_PACKAGE_JSON[shape])
    done = run_bounded(str(root), "--dry-run", "--yes")
    assert_clean_exit(done)
    assert done.returncode == 2 and "package.json" in done.stderr, done.stderr[-2000:]


def test_the_bounds_are_enforced():
    """A child that goes past the memory bound fails; the bounds are what the module says."""
    import subprocess
    import sys

    from hostile import _limit_resources

    done = subprocess.run([sys.executable, "-c", f"b = bytearray({MEMORY_LIMIT})"], capture_output=True,
                          text=True, preexec_fn=_limit_resources, timeout=60)
    assert done.returncode != 0 and "MemoryError" in done.stderr
    assert MEMORY_LIMIT == 1 << 30 and CPU_LIMIT == 60
