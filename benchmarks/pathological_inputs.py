#!/usr/bin/env python3
"""How long containerize takes on inputs built to make naive scanners slow, each next to `cat` of the same file.

    python benchmarks/pathological_inputs.py [--runs 3] [--keep DIR] [--only go,ruby]

Each case is a small project with one hostile file: a source file of one 1 MB line and a file of 60,000
blank lines per language, a containerize.toml with 12,000 saved answers, a .dockerignore of patterns with many
wildcards. The work must stay linear: each case prints the median time of `containerize inspect --json` (a
fresh process, as a user runs it) and of `cat` of the same tree, in one run, so the ratio can be compared across
machines. The unit tests feed the same inputs for correctness, never for time.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = 1_000_000
BLANK = 60_000

# language -> (manifest files, source name, a 1 MB line of code, a statement found after the blank lines)
CASES = {
    "python": ({"requirements.txt": "flask==3.0.3\n"}, "app.py",
               "TABLE = [" + ", ".join(f"'{i:06d}'" for i in range(LINE // 10)) + "]",
               "import os\nPORT = int(os.environ.get('PORT', '8080'))\n"),
    "node": ({"package.json": '{"name": "x", "scripts": {"start": "node app.js"}}'}, "app.js",
             "const table = [" + ", ".join(f"'{i:06d}'" for i in range(LINE // 10)) + "];",
             "require('http').createServer().listen(process.env.PORT || 3000);\n"),
    "go": ({"go.mod": "module example.com/x\n\ngo 1.22\n"}, "main.go",
           "package main\nvar table = []string{" + ", ".join(f'"{i:06d}"' for i in range(LINE // 10)) + "}",
           'import ("net/http"; "os")\nfunc main() { http.ListenAndServe(":"+os.Getenv("PORT"), nil) }\n'),
    "rust": ({"Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n'}, "src/main.rs",
             "const TABLE: &[&str] = &[" + ", ".join(f'"{i:06d}"' for i in range(LINE // 10)) + "];",
             'fn main() { let _ = std::env::var("PORT"); }\n'),
    "java": ({"pom.xml": "<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>x</artifactId>"
              "<version>1</version></project>"}, "src/main/java/App.java",
             "class Table { static String[] T = {" + ", ".join(f'"{i:06d}"' for i in range(LINE // 10)) + "}; }",
             'public class App { public static void main(String[] a) { System.getenv("PORT"); } }\n'),
    "php": ({"composer.json": '{"require": {"php": ">=8.1"}}'}, "index.php",
            "<?php $table = [" + ", ".join(f"'{i:06d}'" for i in range(LINE // 10)) + "];",
            "$port = getenv('PORT') ?: '8080';\n"),
    "ruby": ({"Gemfile": 'source "https://rubygems.org"\n'}, "app.rb",
             "TABLE = [" + ", ".join(f"'{i:06d}'" for i in range(LINE // 10)) + "]",
             "port = ENV.fetch('PORT', '4567')\n"),
    "c": ({"Makefile": "app: main.c\n\tcc -o app main.c\n"}, "main.c",
          "static const char *table[] = {" + ", ".join(f'"{i:06d}"' for i in range(LINE // 10)) + "};",
          '#include <stdlib.h>\nint main(void) { return getenv("PORT") == 0; }\n'),
    "shell": ({}, "start.sh", "echo " + " ".join(f"{i:06d}" for i in range(LINE // 7)),
              'exec busybox httpd -f -p "${PORT:-8000}"\n'),
}

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the trees here and keep them")
    parser.add_argument("--only", help="comma-separated case names (or their first word: go, ruby, ...)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="containerize-hostile-"))
    base.mkdir(parents=True, exist_ok=True)
    only = {w.strip() for w in args.only.split(",")} if args.only else None
    try:
        trees = {}
        for lang, (manifests, source, line, after) in CASES.items():
            for shape, text in (("1 MB line", line + "\n" + after), ("60,000 blank lines", "\n" * BLANK + after)):
                root = base / f"{lang}-{'line' if shape.startswith('1') else 'blank'}"
                if not root.exists():
                    write(root, {**manifests, source: text})
                trees[f"{lang}: {shape}"] = root
        answers = base / "saved-answers"
        write(answers, {"app.py": "print('hi')\n", "containerize.toml":
                        "[env]\n" + "".join(f'VAR_{i} = "x"\n' for i in range(12_000))})
        trees["12,000 saved answers"] = answers
        ignore = base / "ignore-patterns"
        write(ignore, {"app.py": "print('hi')\n", ".dockerignore": "**/" * 30 + "x\n" + "a*" * 40 + "b\n",
                       "a" * 200 + ".py": "print(1)\n"})
        trees[".dockerignore wildcards"] = ignore
        print(f"{'case':<28}{'cat':>9}{'inspect':>11}")
        for name, root in trees.items():
            if only and name not in only and name.split(":")[0] not in only and root.name not in only:
                continue
            files = [str(p) for p in root.rglob("*") if p.is_file()]
            cat = median(["cat", *files], args.runs)
            inspect = median([sys.executable, "-m", "containerize", "inspect", "--json", str(root)], args.runs)
            print(f"{name:<28}{cat * 1000:>6.0f} ms{inspect * 1000:>8.0f} ms")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
