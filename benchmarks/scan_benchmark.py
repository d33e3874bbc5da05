#!/usr/bin/env python3
"""Time `containerize inspect` on a synthetic 20,000-file tree against `find`.

    python benchmarks/scan_benchmark.py [--files 20000] [--runs 5] [--keep DIR]

The tree is a Flask project with a realistic amount of noise: most files sit
in node_modules/, .venv/ and .git/, which the scan must never walk, plus a few
thousand source, template and asset files that it must index. Reports the
median wall time of each command over several runs, after one warm-up run
(the file cache is warm and Python loads the package from its bytecode, as
after `pip install`).
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


def make_tree(root: Path, total: int) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\npsycopg2==2.9.9\n")
    (root / ".gitignore").write_text("*.log\n/tmp/\n")
    (root / "app.py").write_text(
        "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
        "DATABASE_URL = os.environ['DATABASE_URL']\n"
        "@app.route('/health')\ndef health():\n    return 'ok'\n"
        "if __name__ == '__main__':\n    app.run(port=int(os.environ.get('PORT', 5000)))\n")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the tree here and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="containerize-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        make_tree(root, args.files)
        count = sum(len(files) for _, _, files in os.walk(root))
        find = median_time(["find", str(root), "-type", "f"], args.runs)
        inspect = median_time([sys.executable, "-m", "containerize", "inspect", "--json", str(root)], args.runs)
        startup = median_time([sys.executable, "-m", "containerize", "--version"], args.runs)

        from containerize.checklist import build_profile
        from containerize.scan import SourceTree

        scans, analyses = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            tree = SourceTree(root)
            scans.append(time.perf_counter() - start)
            start = time.perf_counter()
            build_profile(root, tree=tree)
            analyses.append(time.perf_counter() - start)
        print(f"tree: {count} files ({len(tree.files)} indexed after pruning and ignore rules)")
        print(f"find -type f                      {find * 1000:7.0f} ms")
        print(f"containerize inspect --json       {inspect * 1000:7.0f} ms  (process start-up alone: {startup * 1000:.0f} ms)")
        print(f"  scan (in process)               {statistics.median(scans) * 1000:7.0f} ms")
        print(f"  analysis (in process)           {statistics.median(analyses) * 1000:7.0f} ms")
        print("goal: inspect under 500 ms:", "met" if inspect < 0.5 else "NOT met")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
