"""Reading ``docker build --progress=plain`` output: the steps, which came from the cache,
which failed and what it printed.

BuildKit prints every step ("vertex") as ``#N <name>`` followed by lines
``#N <seconds> <output>``, ``#N CACHED``, ``#N DONE 1.2s`` or ``#N ERROR: ...``;
steps of parallel stages interleave, so everything is keyed by N.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field

_LINE = re.compile(r"^#(\d+) (.*)$")
# "[build 2/5] RUN ...", "[2/5] RUN ..." (a single stage), "[internal] load build context"
_NAME = re.compile(r"^\[(?:(?P<stage>[^\]\s]+) )?(?P<index>\d+)/(?P<total>\d+)\] (?P<instruction>.*)$"
                   r"|^\[(?P<other>[^\]\s]+)\] (?P<text>.*)$", re.S)
_OUTPUT = re.compile(r"^(\d+\.\d+) ?(.*)$", re.S)
_DONE = re.compile(r"^DONE (\d+(?:\.\d+)?)s$")


@dataclass
class Step:
    number: int
    name: str
    stage: str | None = None  # "build", "stage-1", "internal"; None for "exporting to image"
    index: int | None = None  # position in its stage (FROM is 1)
    total: int | None = None
    instruction: str = ""     # e.g. "RUN pip install -r requirements.txt"
    cached: bool = False
    done: bool = False
    seconds: float | None = None
    error: str | None = None
    output: list[str] = field(default_factory=list)

    @property
    def keyword(self) -> str:
        return self.instruction.split(" ", 1)[0].upper() if self.instruction else ""

    @property
    def is_instruction(self) -> bool:
        """A step that comes from a Dockerfile instruction (not [internal] nor the export)."""
        return self.index is not None and self.stage != "internal"

    def label(self) -> str:
        if self.is_instruction:
            return f"[{self.stage} {self.index}/{self.total}] {self.instruction}"
        return self.name

    def to_dict(self) -> dict:
        return {"number": self.number, "stage": self.stage, "index": self.index, "instruction": self.instruction,
                "cached": self.cached, "seconds": self.seconds, "error": self.error}


class BuildLog:
    """Fed line by line (as the build runs); ``steps`` in the order they started."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.by_number: dict[int, Step] = {}
        self.trailer: list[str] = []  # what follows the steps: the error summary
        self.current: Step | None = None
        self.seconds: float = 0.0  # wall time of the build, set by whoever ran it

    def feed(self, line: str) -> Step | None:
        """Read one line; the step it concerns, if any."""
        self.lines.append(line)
        m = _LINE.match(line)
        if not m:
            if line.strip() and not line.startswith(("------", " > ")):
                self.trailer.append(line)
            return None
        number, text = int(m.group(1)), m.group(2)
        step = self.by_number.get(number)
        if step is None:
            step = Step(number, text)
            named = _NAME.match(text)
            if named and named.group("index"):
                step.stage = named.group("stage") or "stage-0"
                step.instruction = _collapse(named.group("instruction"))
                step.index, step.total = int(named.group("index")), int(named.group("total"))
            elif named:
                step.stage = named.group("other")
                step.instruction = _collapse(named.group("text"))
            self.by_number[number] = step
            self.current = step
            return step
        self.current = step
        if text == step.name or text.startswith("sha256:"):
            return step
        if text == "CACHED":
            step.cached = step.done = True
        elif _DONE.match(text):
            step.done = True
            step.seconds = float(_DONE.match(text).group(1))
        elif text.startswith("ERROR"):
            step.error = text.split(":", 1)[1].strip() if ":" in text else text
        else:
            out = _OUTPUT.match(text)
            step.output.append(out.group(2) if out else text)
        return step

    @property
    def steps(self) -> list[Step]:
        return list(self.by_number.values())

    def instruction_steps(self) -> list[Step]:
        return [s for s in self.steps if s.is_instruction]

    def failed_step(self) -> Step | None:
        failed = [s for s in self.steps if s.error]
        return failed[0] if failed else None

    def error_summary(self) -> str:
        """The final error line(s) docker printed (``failed to solve: ...``)."""
        return "\n".join(self.trailer[-5:]).strip()


def parse(text: str) -> BuildLog:
    log = BuildLog()
    for line in text.splitlines():
        log.feed(line)
    return log


def _collapse(instruction: str) -> str:
    return re.sub(r"\s+", " ", instruction).strip()


# -- dependency steps ---------------------------------------------------------

def copy_sources(instruction: str) -> tuple[list[str], str | None] | None:
    """(sources, the stage or image of --from) of a COPY/ADD instruction; None for other instructions."""
    words = instruction.split(None, 1)
    if not words or words[0].upper() not in ("COPY", "ADD"):
        return None
    rest = words[1] if len(words) > 1 else ""
    from_stage = None
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        if flag.startswith("--from="):
            from_stage = flag.split("=", 1)[1]
        rest = rest.lstrip()
    args: list[str]
    if rest.startswith("["):
        try:
            args = [str(a) for a in json.loads(rest)]
        except ValueError:
            args = rest.split()
    else:
        try:
            args = shlex.split(rest)
        except ValueError:
            args = rest.split()
    return args[:-1], from_stage


def dependency_steps(steps: list[Step], is_source_copy) -> tuple[list[Step], list[Step]]:
    """(RUN steps that come before the source code in their stage, dependency installs that come
    after it). The first must come from the cache when only a source file changed; the second
    (``pip install`` after ``COPY . .`` with no install before it in that stage) can't.

    ``is_source_copy(sources)`` tells a COPY of source code from a COPY of dependency
    manifests (package.json, requirements.txt, ...). A COPY --from a stage that has the
    source code brings source too.
    """
    by_stage: dict[str, list[Step]] = {}
    for step in steps:
        if step.is_instruction:
            by_stage.setdefault(step.stage or "", []).append(step)
    for stage_steps in by_stage.values():
        stage_steps.sort(key=lambda s: s.index or 0)
    names = list(by_stage)

    def stage_of(ref: str) -> str:
        return f"stage-{ref}" if ref.isdigit() else ref

    # first source-bearing position of each stage, until nothing changes
    cut: dict[str, int | None] = {name: None for name in names}
    changed = True
    while changed:
        changed = False
        for name in names:
            for pos, step in enumerate(by_stage[name]):
                copied = copy_sources(step.instruction)
                if copied is None:
                    continue
                sources, origin = copied
                brings_source = (origin is None and is_source_copy(sources)) or (
                    origin is not None and cut.get(stage_of(origin)) is not None)
                if brings_source:
                    if cut[name] is None or pos < cut[name]:
                        cut[name] = pos
                        changed = True
                    break
    found: list[Step] = []
    late: list[Step] = []
    for name in names:
        end = cut[name] if cut[name] is not None else len(by_stage[name])
        before = [s for s in by_stage[name][:end] if s.keyword == "RUN"]
        found += before
        if not any(installs_dependencies(s.instruction) for s in before):
            late += [s for s in by_stage[name][end:] if s.keyword == "RUN" and installs_dependencies(s.instruction)]
    return sorted(found, key=lambda s: s.number), sorted(late, key=lambda s: s.number)


_INSTALL = re.compile(
    r"\b(?:pip3?|python3? -m pip) install\b(?!.*--no-deps)|\bpoetry install\b|\bpipenv (?:install|sync)\b"
    r"|\bpdm (?:install|sync)\b|\buv (?:sync|pip install)\b|\bnpm (?:ci|install|i)\b"
    r"|\byarn(?:\s+install)?(?=\s*(?:$|&&|;|\|\||--))|\bpnpm (?:install|i)\b|\bbun install\b"
    r"|\bgo mod download\b|\bbundle install\b|\bcomposer install\b|\bcargo fetch\b")


def installs_dependencies(instruction: str) -> bool:
    """A RUN that installs the project's dependencies (pip, npm, yarn, go mod download, ...)."""
    return bool(_INSTALL.search(instruction))
