"""Building the image: ``docker build`` with its log streamed into buildlog (progress shows the
running step), a failed build reported at its Dockerfile line with the log kept, and what the
built image is made of (size, user, ports, layers over the base image)."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .. import render
from . import buildlog, docker
from .record import BUILD_FAILED, Run, VerifyError


def new_tag(run: Run, n: int) -> str:
    tag = f"containerize-verify/{render.slug(run.root.name)}:{run.run_id}-{n}"
    run.created.tags.append(tag)
    return tag


def image(run: Run, ctx: Path) -> str:
    """The first build: the image's tag, its steps and layers in the record."""
    tag = new_tag(run, 1)
    log = build(run, ctx, tag, "Building the image")
    run.result.build = {"tag": tag, "seconds": log.seconds,
                        "steps": in_order(log.instruction_steps(), stage_order(ctx / "Dockerfile"))}
    run.result.check("build", "pass", f"built in {log.seconds:.1f}s")
    run.progress.done(f"Built {tag} in {log.seconds:.1f}s")
    describe(run, tag, log)
    return tag


def build(run: Run, ctx: Path, tag: str, verb: str) -> buildlog.BuildLog:
    """Build the context as ``tag``; the parsed log (VerifyError when the build fails)."""
    assert run.created.workdir is not None
    log = buildlog.BuildLog()
    log_path = run.created.workdir / f"build-{len(run.created.tags)}.log"
    args = ["build", "--progress=plain", "--label", run.label, "-t", tag, "-f", str(ctx / "Dockerfile"), str(ctx)]
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    started = time.monotonic()
    run.progress.update(verb)
    with open(log_path, "w", encoding="utf-8") as fh:
        def on_line(line: str) -> None:
            fh.write(line + "\n")
            step = log.feed(line)
            if step is not None and step.is_instruction and not step.done:
                run.progress.update(f"{verb}: {short(step.label(), 90)}")
        code = docker.stream(args, on_line, env=env)
    log.seconds = round(time.monotonic() - started, 1)
    if code != 0:
        run.result.build_log = _keep_log(run, log_path)
        raise _failure(run, log, ctx)
    return log


def _failure(run: Run, log: buildlog.BuildLog, ctx: Path) -> VerifyError:
    step = log.failed_step()
    if step is None or not step.is_instruction:
        details = "\n".join(log.lines[-25:])
        return VerifyError("build", "the build failed: " + (log.error_summary().splitlines() or ["?"])[-1],
                           details, BUILD_FAILED)
    where = dockerfile_line(ctx / "Dockerfile", step.instruction)
    at = f"Dockerfile:{where}: " if where else ""
    output = "\n".join(step.output[-30:])
    details = f"{at}{step.instruction}\n--- its output (last lines)\n{output}\n--- {step.error}"
    run.result.build = {"steps": [s.to_dict() for s in log.instruction_steps()], "failed": step.to_dict()}
    return VerifyError("build", f"the build failed at step {step.stage} {step.index}/{step.total}: "
                       f"{short(step.instruction, 120)}", details, BUILD_FAILED)


def _keep_log(run: Run, path: Path) -> str | None:
    """Failed builds keep their log (outside the project) for a closer look."""
    try:
        fd, kept = tempfile.mkstemp(prefix=f"containerize-verify-{run.run_id}-", suffix=".log")
        os.close(fd)
        shutil.copyfile(path, kept)
        return kept
    except OSError:
        return None


def describe(run: Run, tag: str, log: buildlog.BuildLog) -> None:
    info = docker.inspect("image", tag)
    config = info.get("Config") or {}
    layers = docker.history(tag)
    base_ref, base_count = base_of(layers, log)
    rows = []
    for i, layer in enumerate(layers):
        rows.append({"instruction": clean_created_by(layer.get("CreatedBy", "")), "size": layer["Size"],
                     "base": i < base_count})
    health = config.get("Healthcheck") or {}
    run.result.image = {
        "tag": tag, "id": info.get("Id"), "size": info.get("Size"), "user": config.get("User") or "",
        "exposed_ports": sorted(int(p.split("/")[0]) for p in (config.get("ExposedPorts") or {})),
        "healthcheck": bool(health.get("Test")) and health.get("Test") != ["NONE"],
        "base": base_ref, "layers": rows,
    }


# -- reading the Dockerfile and the image history ------------------------------

def _instructions(path: Path) -> list[tuple[int, str]]:
    """(first line number, text with its continuation lines joined) of each line or instruction."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    i = 0
    while i < len(lines):
        start, parts = i, [lines[i]]
        while parts[-1].rstrip().endswith("\\") and i + 1 < len(lines):
            parts[-1] = parts[-1].rstrip()[:-1]
            i += 1
            parts.append(lines[i])
        found.append((start + 1, " ".join(parts)))
        i += 1
    return found


def dockerfile_line(path: Path, instruction: str) -> int | None:
    """The line where an instruction (as BuildKit names it, whitespace collapsed) starts."""
    want = "".join(instruction.split())
    for number, text in _instructions(path):
        squeezed = "".join(text.split())
        if squeezed and not text.lstrip().startswith("#") and squeezed.lower().startswith(want.lower()[:4]):
            if squeezed == want or squeezed.startswith(want) or want.startswith(squeezed):
                return number
    return None


def stage_order(dockerfile: Path) -> list[str]:
    """Stage names in Dockerfile order, as BuildKit names them (``AS name``, else ``stage-N``)."""
    names = []
    for _, text in _instructions(dockerfile):
        words = text.split()
        if not words or words[0].upper() != "FROM":
            continue
        words = words[1:]
        while words and words[0].startswith("--"):
            words = words[1:]
        if not words:
            continue
        name = words[2] if len(words) > 2 and words[1].upper() == "AS" else None
        names.append(name or f"stage-{len(names)}")
    return names


def in_order(steps: list[buildlog.Step], order: list[str]) -> list[dict]:
    rank = {name: i for i, name in enumerate(order)}
    ordered = sorted(steps, key=lambda s: (rank.get(s.stage or "", len(rank)), s.index or 0))
    return [s.to_dict() for s in ordered]


def base_of(layers: list[dict], log: buildlog.BuildLog) -> tuple[str | None, int]:
    """The FROM image whose layers the final image starts with, and how many they are."""
    refs = []
    for step in log.instruction_steps():
        if step.keyword == "FROM" and len(step.instruction.split()) > 1:
            refs.append(step.instruction.split()[1])
    ours = [layer.get("CreatedBy", "") for layer in layers]
    best: tuple[str | None, int] = (None, 0)
    for ref in dict.fromkeys(refs):
        try:
            theirs = [layer.get("CreatedBy", "") for layer in docker.history(ref)]
        except docker.DockerError:
            continue
        if len(theirs) > best[1] and ours[: len(theirs)] == theirs:
            best = (ref, len(theirs))
    return best


def clean_created_by(text: str) -> str:
    """A history row's CreatedBy as the instruction it was (one string, not a file)."""
    text = text.strip()
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    text = re.sub(r"^/bin/sh -c #\(nop\)\s*", "", text)
    text = re.sub(r"^RUN /bin/sh -c ", "RUN ", text)
    text = re.sub(r"^/bin/sh -c ", "RUN ", text)
    return re.sub(r"\s+", " ", text)


def short(text: str, width: int) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[: width - 1] + "…"
