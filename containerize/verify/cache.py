"""The cache check: build a second time after a harmless edit to one source file (in the
temporary copy of the context, never the project) and see whether the dependency steps came
from the build cache."""
from __future__ import annotations

from pathlib import Path

from . import build, buildlog, context
from .record import Run, VerifyError


def check(run: Run, ctx: Path) -> None:
    preferred = []
    if run.profile:
        preferred = [e.file for e in run.profile.evidence.get("entrypoint", []) if e.file]
    rel = context.pick_source_file(ctx, preferred)
    if rel is None:
        run.result.check("dependency cache", "skip", "no source file to edit in the build context")
        return
    context.touch(ctx / rel, f"containerize verify: cache check {run.run_id}")
    try:
        log = build.build(run, ctx, build.new_tag(run, 2), f"Rebuilding after editing {rel}")
    except VerifyError as exc:
        run.result.check("dependency cache", "fail", f"the second build failed: {exc.message}")
        return
    deps, late = buildlog.dependency_steps(log.instruction_steps(), context.source_copy_check(ctx))
    rebuilt = [s for s in deps if not s.cached]
    late_rebuilt = [s for s in late if not s.cached]
    run.progress.done(f"Rebuilt after editing {rel} in {log.seconds:.1f}s")
    run.result.rebuild = {
        "touched": rel, "seconds": log.seconds,
        "steps": build.in_order(log.instruction_steps(), build.stage_order(ctx / "Dockerfile")),
        "dependency_steps": [s.to_dict() for s in deps + late],
        "dependencies_cached": not rebuilt and not late_rebuilt,
    }
    if late_rebuilt:
        names = "; ".join(build.short(s.instruction, 80) for s in late_rebuilt)
        run.result.check("dependency cache", "fail",
                         f"NOT CACHED: editing {rel} reinstalled the dependencies ({names}): the install "
                         "runs after the source is copied, so every code edit reinstalls them. Copy only "
                         "the dependency manifests, install, then COPY . .")
    elif rebuilt:
        names = "; ".join(build.short(s.instruction, 80) for s in rebuilt)
        run.result.check("dependency cache", "fail",
                         f"NOT CACHED: editing {rel} re-ran the dependency steps ({names}). Copy only the "
                         "dependency manifests and install before copying the source (COPY . .).")
    elif not deps:
        run.result.check("dependency cache", "pass", f"after editing {rel}: no dependency step to cache")
    else:
        run.result.check("dependency cache", "pass",
                         f"after editing {rel}, all {len(deps)} dependency step(s) came from the cache "
                         f"(rebuilt in {log.seconds:.1f}s)")
