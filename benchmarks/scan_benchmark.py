#!/usr/bin/env python3
"""How long `containerize inspect --json` takes, as a ratio to `find` + `cat` on the same tree in the same run.

    python benchmarks/scan_benchmark.py [--runs 5] [--keep DIR]

Trees (made in a temporary folder, removed afterwards):
- 20k: a Flask project of 20,000 files with a realistic amount of noise: most files sit in node_modules/,
  .venv/ and .git/, which the scan must never walk, plus a few thousand source, template and asset files that it
  indexes (2,000 Python modules that each read an env var).
- 100k: the same shape with 100,000 files (five times the work: the cost must grow linearly).
- long-line: a small Python app and a small Go module, each with a source file of one 1 MB line.

For each tree the baseline is `find ROOT -type f` followed by `cat` of the files containerize indexes (the ones
not pruned or ignored), the least any tool must do to read the project. Times are medians over several runs after
one warm-up run (the file cache is warm and Python loads the package from its bytecode, as after `pip install`).
Goals: 20k inspect at most 2.5 times the baseline; 100k and long-line inspect under a second each.
The read+ast column is a second reference: a bare Python process that reads the same files and parses the Python
ones with `ast`, which is the least any analysis through `ast` costs. The +libs column is the same process after it
imports the libraries the command cannot run without (typer for the command line, packaging for requirements,
pathspec for .gitignore, json for the output): the least this program costs before it walks or analyses anything.
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

APP = ("import os\nfrom flask import Flask\napp = Flask(__name__)\n"
       "DATABASE_URL = os.environ['DATABASE_URL']\n"
       "@app.route('/health')\ndef health():\n    return 'ok'\n"
       "if __name__ == '__main__':\n    app.run(port=int(os.environ.get('PORT', 5000)))\n")


def make_tree(root: Path, total: int) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\npsycopg2==2.9.9\n")
    (root / ".gitignore").write_text("*.log\n/tmp/\n")
    (root / "app.py").write_text(APP)
    shares = {"node_modules": 0.45, ".venv/lib/python3.12/site-packages": 0.25, ".git/objects": 0.1,
              "pkg": 0.1, "static": 0.05, "templates": 0.05}
    made = 3
    for folder, share in shares.items():
        count = int(total * share)
        for i in range(count):
            sub = root / folder / f"d{i // 100}"
            sub.mkdir(parents=True, exist_ok=True)
            if folder == "pkg":
                (sub / f"mod{i}.py").write_text(f"import os\nVALUE_{i} = os.getenv('SETTING_{i % 50}', '{i}')\n")
            elif folder == "templates":
                (sub / f"page{i}.html").write_text("<html><body>{{ x }}</body></html>\n")
            else:
                (sub / f"f{i}.js").write_text("module.exports = 1;\n")
        made += count
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    extra = root / "misc"
    extra.mkdir(exist_ok=True)
    for i in range(max(0, total - made)):
        (extra / f"note{i}.txt").write_text("x\n")


def make_long_lines(root: Path) -> None:
    """A Python app and a Go module, each with one source file that is a single 1 MB line."""
    py = root / "py"
    py.mkdir(parents=True)
    (py / "requirements.txt").write_text("flask==3.0.3\n")
    (py / "app.py").write_text(APP)
    (py / "data.py").write_text("TABLE = [" + ", ".join(f"'{i:06d}'" for i in range(1_000_000 // 10)) + "]\n")
    go = root / "go"
    go.mkdir(parents=True)
    (go / "go.mod").write_text("module example.com/app\n\ngo 1.22\n")
    (go / "main.go").write_text(
        'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n'
        '\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "8080"\n\t}\n'
        '\thttp.ListenAndServe(":"+port, nil)\n}\n')
    (go / "table.go").write_text(
        "package main\n\nvar table = []string{" + ", ".join(f'"{i:06d}"' for i in range(1_000_000 // 10)) + "}\n")


# As installed: modules load from their cached bytecode (pip writes it at install time), so a
# PYTHONDONTWRITEBYTECODE in this shell must not make every run compile the package again.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_time(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def indexed_files(root: Path) -> list[str]:
    from containerize.scan import SourceTree

    tree = SourceTree(root)
    return [str(tree.root / f) for f in tree.files]


# The least a Python tool that reads Python source through `ast` can do: start the interpreter, read every indexed
# file and parse the Python ones, nothing else (no walk, no analysis, no output).
FLOOR = """
import ast, sys
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".py"):
        ast.parse(data)
"""


# The libraries `containerize inspect` needs whatever the project: the command line, requirement parsing,
# .gitignore matching and the JSON output.
LIBRARIES = "import typer, packaging.requirements, pathspec, json\n"


def measure(root: Path, runs: int, workdir: Path) -> tuple[float, float, float, float, int, int]:
    """(baseline, floor, floor with the libraries, inspect: seconds; files in the tree, files indexed)."""
    listing = workdir / f"{root.name}.files"
    files = indexed_files(root)
    listing.write_text("\n".join(files) + "\n")
    baseline = median_time(["sh", "-c", 'find "$1" -type f > /dev/null && xargs -d "\\n" -a "$2" cat > /dev/null',
                            "sh", str(root), str(listing)], runs)
    floor = median_time([sys.executable, "-c", FLOOR, str(listing)], runs)
    libs = median_time([sys.executable, "-c", LIBRARIES + FLOOR, str(listing)], runs)
    inspect = median_time([sys.executable, "-m", "containerize", "inspect", "--json", str(root)], runs)
    count = sum(len(names) for _, _, names in os.walk(root))
    return baseline, floor, libs, inspect, count, len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the trees here and keep them")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="containerize-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        trees = {"20k": base / "t20k", "100k": base / "t100k"}
        for name, total in (("20k", 20_000), ("100k", 100_000)):
            if not trees[name].exists():
                trees[name].mkdir()
                make_tree(trees[name], total)
        long_root = base / "long"
        if not long_root.exists():
            make_long_lines(long_root)
        # `--version` is answered before the command line loads; `inspect --help` loads it
        startup = median_time([sys.executable, "-m", "containerize", "inspect", "--help"], args.runs)
        print(f"process start-up with the command line (containerize inspect --help): {startup * 1000:.0f} ms")
        print(f"{'tree':<12}{'files':>8}{'indexed':>9}{'find+cat':>11}{'read+ast':>11}{'+libs':>9}{'inspect':>10}{'ratio':>8}")
        results = {}
        for name, root in (("20k", trees["20k"]), ("100k", trees["100k"]),
                           ("long-line py", long_root / "py"), ("long-line go", long_root / "go")):
            baseline, floor, libs, inspect, count, indexed = measure(root, args.runs, base)
            results[name] = (baseline, inspect, floor, libs)
            print(f"{name:<12}{count:>8}{indexed:>9}{baseline * 1000:>8.0f} ms{floor * 1000:>8.0f} ms"
                  f"{libs * 1000:>6.0f} ms{inspect * 1000:>7.0f} ms{inspect / baseline:>7.1f}x")
        ratio = results["20k"][1] / results["20k"][0]
        print(f"goal: 20k inspect at most 2.5x find+cat: {'met' if ratio <= 2.5 else 'NOT met'} ({ratio:.1f}x)")
        floor = results["20k"][2] / results["20k"][0]
        print(f"read+ast (interpreter start, read every indexed file, ast.parse the Python ones) on 20k: "
              f"{floor:.1f}x find+cat")
        libs = results["20k"][3] / results["20k"][0]
        print(f"read+ast after importing typer, packaging, pathspec and json on 20k: {libs:.1f}x find+cat")
        slow = [n for n in ("100k", "long-line py", "long-line go") if results[n][1] >= 1.0]
        print("goal: 100k and long-line trees under a second:", "met" if not slow else f"NOT met ({', '.join(slow)})")
        scale = (results["100k"][1] - startup) / max(results["20k"][1] - startup, 1e-6)
        print(f"work beyond start-up, 100k against 20k: {scale:.1f}x (5x the files: linear is about 5x)")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
