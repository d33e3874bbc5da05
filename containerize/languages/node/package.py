"""What package.json, the lockfiles and the version files say."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ...profile import Profile
from ...scan import SourceTree

DEFAULT_NODE = "22"
# Long-term-support majors, in the order one is preferred when a range allows several.
LTS_PREFERENCE = (22, 24, 20, 18)
LTS_NAMES = {"argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14, "gallium": 16,
             "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24}

# Package manager versions installed when package.json has no `packageManager` field.
PNPM_BY_LOCKFILE = (("9", "9.15.9"), ("6", "8.15.9"), ("5", "7.33.7"))
PNPM_DEFAULT = "9.15.9"
YARN_CLASSIC = "1.22.22"
YARN_BERRY_BY_LOCKFILE = (("8", "4.9.2"), ("7", "3.8.7"), ("6", "3.8.7"), ("4", "2.4.3"))
YARN_BERRY_DEFAULT = "4.9.2"
BUN_DEFAULT = "1.2.22"

LOCKFILES = ("pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb", "package-lock.json", "npm-shrinkwrap.json")
# Files the install step reads besides package.json and the lockfile.
INSTALL_FILES = (".npmrc", ".yarnrc", ".yarnrc.yml", "pnpm-workspace.yaml", ".pnpmfile.cjs", "bunfig.toml")


@dataclass
class Package:
    data: dict
    line_of: dict[str, int]
    manager: str = "npm"  # npm | pnpm | yarn | yarn-berry | bun
    manager_version: str | None = None
    corepack: bool = False  # the packageManager field names it: corepack runs that exact version
    lockfile: str | None = None
    install_files: list[str] = field(default_factory=list)
    install_dirs: list[str] = field(default_factory=list)  # copied with their path (yarn releases, patches)
    workspaces: bool = False

    @property
    def scripts(self) -> dict[str, str]:
        scripts = self.data.get("scripts")
        return {k: v for k, v in scripts.items() if isinstance(v, str)} if isinstance(scripts, dict) else {}

    def deps(self, dev: bool = True) -> dict[str, str]:
        found: dict[str, str] = {}
        for key in ("dependencies", "devDependencies") if dev else ("dependencies",):
            section = self.data.get(key)
            if isinstance(section, dict):
                found.update({k: str(v) for k, v in section.items()})
        return found


def read_package_json(tree: SourceTree) -> Package:
    text = tree.read("package.json")
    if text is None:
        raise ValueError("package.json: can't be read (binary or not UTF-8)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"package.json:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("package.json: expected a JSON object at the top level")
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r'\s*"([^"]+)"\s*:', line)
        if m:
            lines.setdefault(m.group(1), number)
    return Package(data, lines)


def package_manager(tree: SourceTree, pkg: Package, profile: Profile) -> None:
    """pnpm / yarn (classic or Berry) / bun / npm: the packageManager field first, then the lockfiles."""
    pkg.lockfile = next((f for f in LOCKFILES if tree.exists(f)), None)
    pkg.install_files = [f for f in INSTALL_FILES if tree.exists(f)]
    pkg.install_dirs = [d for d in (".yarn/releases", ".yarn/plugins", ".yarn/patches", "patches") if tree.isdir(d)]
    pkg.workspaces = bool(pkg.data.get("workspaces")) or tree.exists("pnpm-workspace.yaml")
    field_value = pkg.data.get("packageManager")
    if isinstance(field_value, str) and "@" in field_value:
        name, _, version = field_value.partition("@")
        version_only = version.split("+", 1)[0]
        if name in ("npm", "pnpm", "yarn", "bun"):
            pkg.manager = name
            pkg.manager_version = version_only
            pkg.corepack = name in ("pnpm", "yarn")
            if name == "yarn" and not version_only.startswith("1."):
                pkg.manager = "yarn-berry"
            profile.note("package_manager", f"packageManager is {name}@{version_only}", "package.json",
                         pkg.line_of.get("packageManager"), 1.0)
            _check_lockfile(pkg, profile)
            return
    lock = pkg.lockfile
    if lock == "pnpm-lock.yaml":
        pkg.manager = "pnpm"
        major = _first(r"^lockfileVersion:\s*['\"]?(\d+)", tree.read(lock) or "")
        pkg.manager_version = dict(PNPM_BY_LOCKFILE).get(major or "", PNPM_DEFAULT)
        profile.note("package_manager", f"pnpm-lock.yaml (lockfile v{major or '?'}: pnpm {pkg.manager_version})", lock)
    elif lock == "yarn.lock":
        text = tree.read(lock) or ""
        if "__metadata:" in text or tree.exists(".yarnrc.yml"):
            pkg.manager = "yarn-berry"
            major = _first(r"^\s+version:\s*(\d+)", text.split("__metadata:", 1)[-1][:200])
            pkg.manager_version = dict(YARN_BERRY_BY_LOCKFILE).get(major or "", YARN_BERRY_DEFAULT)
            profile.note("package_manager", f"yarn.lock in the Berry format (Yarn {pkg.manager_version})", lock)
        else:
            pkg.manager = "yarn"
            pkg.manager_version = YARN_CLASSIC
            profile.note("package_manager", "yarn.lock v1 (Yarn classic)", lock)
    elif lock in ("bun.lock", "bun.lockb"):
        pkg.manager = "bun"
        pkg.manager_version = BUN_DEFAULT
        profile.note("package_manager", f"{lock} is Bun's lockfile", lock)
    elif lock:
        pkg.manager = "npm"
        profile.note("package_manager", f"{lock} is npm's lockfile", lock)
    else:
        pkg.manager = "npm"
        profile.note("package_manager", "no lockfile: npm", "package.json", confidence=0.6)
        if pkg.deps():
            profile.warnings.append("no lockfile (package-lock.json, pnpm-lock.yaml, yarn.lock): dependency versions "
                                    "are resolved at build time; commit a lockfile for repeatable builds")


def _check_lockfile(pkg: Package, profile: Profile) -> None:
    expected = {"npm": ("package-lock.json", "npm-shrinkwrap.json"), "pnpm": ("pnpm-lock.yaml",),
                "yarn": ("yarn.lock",), "yarn-berry": ("yarn.lock",), "bun": ("bun.lock", "bun.lockb")}[pkg.manager]
    if pkg.lockfile and pkg.lockfile not in expected:
        profile.warnings.append(f"packageManager says {pkg.manager.split('-')[0]} but the lockfile is {pkg.lockfile}")
        pkg.lockfile = None
    if not pkg.lockfile and pkg.deps():
        profile.warnings.append(f"no {expected[0]}: dependency versions are resolved at build time; "
                                "commit the lockfile for repeatable builds")


def yarnrc(tree: SourceTree) -> dict:
    """.yarnrc.yml (Yarn Berry's settings), or {} when missing or not a YAML mapping."""
    import yaml

    try:
        data = yaml.safe_load(tree.read(".yarnrc.yml") or "")
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def tsconfig(tree: SourceTree) -> dict:
    """tsconfig.json's compilerOptions (JSON with comments and trailing commas), or {}."""
    try:
        data = json.loads(strip_jsonc(tree.read("tsconfig.json") or "{}"))
    except json.JSONDecodeError:
        return {}
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    return options if isinstance(options, dict) else {}


def strip_jsonc(text: str) -> str:
    """JSON with comments (// and /* */) and trailing commas, as plain JSON: one pass over the text."""
    out: list[str] = []
    i, n = 0, len(text)
    pending_comma = -1  # index in out of a comma that may be trailing
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            pending_comma = -1
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "}]" and pending_comma >= 0:
            out[pending_comma] = ""
            pending_comma = -1
            out.append(c)
            i += 1
        else:
            if c == ",":
                pending_comma = len(out)
            elif not c.isspace():
                pending_comma = -1
            out.append(c)
            i += 1
    return "".join(out)


def _first(pattern: str, text: str) -> str | None:
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else None


def node_version(tree: SourceTree, pkg: Package, profile: Profile) -> str:
    """.nvmrc / .node-version (what developers run), else engines.node, else the current LTS."""
    for rel in (".nvmrc", ".node-version"):
        raw = (tree.read(rel) or "").strip().splitlines()
        if not raw:
            continue
        value = raw[0].strip().lower().removeprefix("v")
        if value.startswith("lts/"):
            name = value[4:]
            version = str(LTS_NAMES.get(name, int(DEFAULT_NODE)))
        elif value in ("node", "stable", "latest", "current"):
            version = DEFAULT_NODE
        elif re.fullmatch(r"\d+(\.\d+){0,2}", value):
            version = value
        else:
            continue
        profile.note("runtime_version", f"{rel} says {raw[0].strip()}", rel, 1, 1.0)
        return version
    engines = pkg.data.get("engines")
    wanted = engines.get("node") if isinstance(engines, dict) else None
    if isinstance(wanted, str) and wanted.strip():
        version = pick_major(wanted)
        if version:
            profile.note("runtime_version", f'engines.node is "{wanted}"', "package.json", pkg.line_of.get("node"), 0.9)
            return version
    profile.note("runtime_version", f"no .nvmrc or engines.node: Node {DEFAULT_NODE} (LTS)", confidence=0.5)
    return DEFAULT_NODE


def pick_major(spec: str) -> str | None:
    """The preferred LTS major a semver range allows (``>=18`` -> 22, ``^20.11`` -> 20)."""
    alternatives = [a.strip() for a in spec.split("||")]
    for major in LTS_PREFERENCE:
        if any(_allows(a, major) for a in alternatives):
            return str(major)
    m = re.search(r"\d+", spec)
    return m.group(0) if m else None


def _allows(spec: str, major: int) -> bool:
    spec = re.sub(r"\s*-\s*", " - ", spec.strip())
    if spec in ("", "*", "x", "latest"):
        return True
    if " - " in spec:
        low, _, high = spec.partition(" - ")
        return _major(low) <= major <= _major(high)
    for part in spec.split():
        m = re.fullmatch(r"(>=|<=|>|<|=|\^|~)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?", part)
        if not m:
            return False
        op, want = m.group(1) or "", int(m.group(2))
        minor_zero = (m.group(3) in (None, "0", "x", "*")) and (m.group(4) in (None, "0", "x", "*"))
        ok = {
            "": major == want, "=": major == want, "^": major == want, "~": major == want,
            ">=": major >= want, ">": major > want or (major == want and not minor_zero),
            "<": major < want or (major == want and not minor_zero), "<=": major <= want,
        }[op]
        if not ok:
            return False
    return True


def _major(text: str) -> int:
    m = re.search(r"\d+", text)
    return int(m.group(0)) if m else 0
