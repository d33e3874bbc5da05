"""Which Node.js and package manager versions a project asks for, kept within published releases.

Node: ``.nvmrc``, ``.node-version``, ``.tool-versions``, ``mise.toml``, package.json's ``volta.node``, then
``engines.node``; the answer is a tag the official ``node:<tag>-bookworm-slim`` images publish.
pnpm: ``packageManager`` (read in :mod:`.package`), ``engines.pnpm``, ``mise.toml`` / ``.tool-versions``,
then the lockfile.
"""
from __future__ import annotations

import tomllib

from ... import image_tags
from ...profile import Profile
from ...scan import SourceTree
from ...version_ranges import parse, parse_version

DEFAULT_NODE = image_tags.FAMILIES["node"].default or "22"
# Long-term-support majors, in the order one is preferred when a range allows several.
LTS_PREFERENCE = (22, 24, 20, 18)
LTS_NAMES = {"argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14, "gallium": 16,
             "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24}

# The newest release of each pnpm major (installed when only the major is known).
PNPM_LATEST = {"7": "7.33.7", "8": "8.15.9", "9": "9.15.9", "10": "10.34.9", "11": "11.28.11", "12": "12.23.0"}
PNPM_BY_LOCKFILE = {"5": "7", "6": "8", "9": "9"}
PNPM_DEFAULT = PNPM_LATEST["10"]


def _release(text: str, parts: tuple[int, ...] = (1, 2, 3), *, v: bool = True) -> tuple[int, ...] | None:
    """(20, 11, 1) for ``20.11.1`` (or ``v20.11.1`` when ``v``) with one of ``parts`` components, else None."""
    text = text.strip()
    if not v and text[:1] in ("v", "V"):
        return None
    found = parse_version(text)
    return found if found is not None and len(found) in parts else None


def published_tag(version: str) -> tuple[str, str | None]:
    """A node image tag for ``version`` (``20``, ``20.11``, ``20.11.1``), and why it differs when it does: the
    release lines and the first patch each published with bookworm are :mod:`containerize.image_tags`' table."""
    parts = _release(version)
    if parts is None:
        return DEFAULT_NODE, f"{version!r} is not a Node version: {DEFAULT_NODE} (LTS)"
    asked = ".".join(map(str, parts))
    family = image_tags.FAMILIES["node"]
    if image_tags.published("node", asked):
        return asked, None
    lines = [int(ln) for ln in family.lines]
    major = parts[0]
    if major in lines:
        first = family.first_patch.get(str(major), f"{major}.0.0")
        return str(major), f"node {version} has no bookworm image (they start at {first}): node {major}"
    newer = [v for v in lines if v > major]
    if newer:
        lts = next((v for v in newer if v % 2 == 0), newer[0])
        return str(lts), f"node {version} has no bookworm image: the next published LTS, {lts}"
    choice = image_tags.choose("node", str(major), minimum=True)
    return choice.version, f"node {version} is newer than the published images: {choice.version}"


def _tool_pin(tree: SourceTree, *names: str) -> tuple[str, str] | None:
    """(version, file) a mise file or .tool-versions pins ``names`` to: a number (through
    :func:`image_tags.tool_pin`), else an LTS alias (``lts/iron``) that the shared reader treats as no pin."""
    pin = image_tags.tool_pin(tree, *names)
    if pin is not None:
        return pin[0], pin[1]
    for rel in image_tags.MISE_FILES:
        text = tree.read(rel)
        if not text:
            continue
        try:
            tools = tomllib.loads(text).get("tools")
        except (tomllib.TOMLDecodeError, RecursionError):
            continue
        value = next((tools.get(n) for n in names if n in tools), None) if isinstance(tools, dict) else None
        value = value[0] if isinstance(value, list) and value else value
        value = value.get("version") if isinstance(value, dict) else value
        if isinstance(value, str):
            return value.strip(), rel
    for line in (tree.read(".tool-versions") or "").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and words[0] in names:
            return words[1], ".tool-versions"
    return None


def node_version(tree: SourceTree, data: dict, line_of: dict[str, int], profile: Profile) -> str:
    """The Node version the image runs: what developers pin first, then engines.node, else the LTS."""
    asked = _asked(tree, data, line_of, profile)
    if asked is None:
        profile.note("runtime_version", f"no .nvmrc, version file or engines.node: Node {DEFAULT_NODE} (LTS)",
                     confidence=0.5)
        return DEFAULT_NODE
    tag, why = published_tag(asked)
    if why:
        profile.warnings.append(why)
    return tag


def _asked(tree: SourceTree, data: dict, line_of: dict[str, int], profile: Profile) -> str | None:
    for rel in (".nvmrc", ".node-version"):
        raw = (tree.read(rel) or "").strip().splitlines()
        if not raw:
            continue
        version = _named(raw[0].strip())
        if version:
            profile.note("runtime_version", f"{rel} says {raw[0].strip()}", rel, 1, 1.0)
            return version
    pin = _tool_pin(tree, "node", "nodejs")
    if pin is not None:
        value, rel = pin
        version = _named(value) or pick_major(value)
        if version:
            profile.note("runtime_version", f"{rel} asks for node {value}", rel, None, 1.0)
            return version
    volta = data.get("volta")
    if isinstance(volta, dict) and isinstance(volta.get("node"), str):
        version = _named(volta["node"])
        if version:
            profile.note("runtime_version", f"volta.node is {volta['node']}", "package.json",
                         line_of.get("volta"), 1.0)
            return version
    engines = data.get("engines")
    wanted = engines.get("node") if isinstance(engines, dict) else None
    if isinstance(wanted, str) and wanted.strip():
        exact = wanted.strip().removeprefix("=").strip()
        version = exact.removeprefix("v") if _release(exact, (3,)) else pick_major(wanted)
        if version:
            profile.note("runtime_version", f'engines.node is "{wanted}"', "package.json", line_of.get("node"), 0.9)
            return version
    return None


def _named(value: str) -> str | None:
    """A version file's value: ``20``, ``v20.11.1``, ``lts/iron``, ``node``; None when unreadable."""
    value = value.strip().lower().removeprefix("v")
    if value.startswith("lts/"):
        return str(LTS_NAMES.get(value[4:], int(DEFAULT_NODE)))
    if value in ("node", "stable", "latest", "current", "lts", "lts/*"):
        return DEFAULT_NODE
    return value if _release(value, v=False) else None


def pnpm_version(tree: SourceTree, data: dict, lockfile_major: str | None) -> tuple[str, str]:
    """The pnpm release to install when packageManager doesn't name one, and why."""
    engines = data.get("engines")
    wanted = engines.get("pnpm") if isinstance(engines, dict) else None
    if isinstance(wanted, str) and wanted.strip():
        version = _pnpm_release(wanted)
        if version:
            return version, f'engines.pnpm is "{wanted}"'
    pin = image_tags.tool_pin(tree, "pnpm")
    if pin is not None:
        value, rel = pin[0], pin[1]
        version = _pnpm_release(value)
        if version:
            return version, f"{rel} asks for pnpm {value}"
    major = PNPM_BY_LOCKFILE.get(lockfile_major or "")
    if major == "9" and _workspace_settings_only(tree):
        return PNPM_LATEST["10"], "pnpm-workspace.yaml holds settings without packages (pnpm 10 and later)"
    if major:
        return PNPM_LATEST[major], f"pnpm-lock.yaml v{lockfile_major}: pnpm {major}"
    return PNPM_DEFAULT, "pnpm " + PNPM_DEFAULT.split(".")[0]


def _pnpm_release(spec: str) -> str | None:
    spec = spec.strip()
    exact = spec.removeprefix("=").removeprefix("v")
    if _release(exact, (3,), v=False):
        return exact
    majors = [m for m in PNPM_LATEST if _allows(spec, int(m))]
    return PNPM_LATEST[max(majors, key=int)] if majors else None


def _workspace_settings_only(tree: SourceTree) -> bool:
    import yaml

    if not tree.exists("pnpm-workspace.yaml"):
        return False
    try:
        data = yaml.safe_load(tree.read("pnpm-workspace.yaml") or "")
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "packages" not in data


def pick_major(spec: str) -> str | None:
    """The preferred LTS major a semver range allows (``>=18`` -> 22, ``^20.11`` -> 20)."""
    for major in LTS_PREFERENCE:
        if _allows(spec, major):
            return str(major)
    rng = parse(spec, "npm")
    bounds = [c.version[0] for alt in (rng.alternatives if rng else ()) for c in alt if c.op in ("==", ">=", ">")]
    return str(bounds[0]) if bounds else _first_number(spec)


def _allows(spec: str, major: int) -> bool:
    """Whether the npm range ``spec`` allows some release of Node (or pnpm) ``major``."""
    if spec.strip().lower() == "latest":
        return True
    rng = parse(spec, "npm")
    return rng is not None and rng.allows_line((major,))


def _first_number(text: str) -> str | None:
    start = next((i for i, c in enumerate(text) if c.isascii() and c.isdigit()), None)
    if start is None:
        return None
    end = start
    while end < len(text) and text[end].isascii() and text[end].isdigit():
        end += 1
    return text[start:end]
