"""``containerize verify [PATH]``: build, run and check the project's container files."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer


def verify(
    path: Path = typer.Argument(Path("."), help="The project folder (with its Dockerfile and compose.yaml)."),
    expect: Optional[str] = typer.Option(None, "--expect", metavar="TEXT",
                                         help="Text the output must contain (batch: stdout; server: the answer)."),
    health_path: Optional[str] = typer.Option(None, "--path", metavar="URL_PATH",
                                              help="The path to request (default: the detected health path, or /)."),
    timeout: float = typer.Option(120.0, "--timeout", metavar="SECONDS",
                                  help="How long to wait for the app to answer, turn healthy, or finish."),
    cache_check: bool = typer.Option(True, "--cache-check/--no-cache-check",
                                     help="Build a second time after editing a source file, to check that "
                                          "the dependency steps come from the cache."),
    generate: bool = typer.Option(False, "--generate",
                                  help="Write the missing container files first (never overwrites)."),
    keep: bool = typer.Option(False, "--keep", help="Keep the images, containers, networks and volumes."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable result on stdout; no progress."),
    k8s: bool = typer.Option(False, "--k8s", help="Run the pod spec of k8s/ (Deployment or Job) as Kubernetes "
                                                  "would, with the local Docker engine, and run its probes."),
) -> None:
    """Build the image, run it with the compose settings and check that it works."""
    from . import apps as apps_run, report, run  # rich and the docker phases load only when verify runs
    from .record import Options

    options = Options(path=path, expect=expect, health_path=health_path, timeout=timeout,
                      cache_check=cache_check, keep=keep, generate=generate)
    with report.Progress(enabled=not as_json) as progress:
        if k8s:
            from . import k8s as k8s_run

            result = k8s_run.verify(options, progress)
        elif apps_run.applies(path):  # the root of a repository of several apps: the whole stack
            result = apps_run.verify(options, progress)
        else:
            result = run.verify(options, progress)
    if as_json:
        typer.echo(report.to_json(result))
    else:
        if result.image or result.checks:
            report.print_table(result)
        report.print_error(result)
    sys.stdout.flush()
    raise typer.Exit(result.exit_code)
