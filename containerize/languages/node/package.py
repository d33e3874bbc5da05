"""What package.json, the lockfiles and the version files say."""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field

from ... import syntax
from ...profile import Profile
from ...scan import SourceTree
from .versions import DEFAULT_NODE, PNPM_DEFAULT, pick_major, pnpm_version  # noqa: F401 (re-exported)
from . import versions

# Package manager versions installed when package.json has no `packageManager` field.
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
    manifest: str | None = "package.json"  # package.json, package.json5 (pnpm), or None (a lone script)
    yarn_path: str | None = None  # .yarnrc.yml's yarnPath: the committed Yarn release that runs

    @property
    def scripts(self) -> dict[str, str]:
        scripts = self.data.get("scripts")
        return {k: v for k, v in scripts.items() if isinstance(v, str)} if isinstance(scripts, dict) else {}

    def prisma_schema(self, tree: SourceTree) -> str | None:
        """The Prisma schema: package.json's ``prisma.schema`` when that file exists, else prisma/schema.prisma
        or schema.prisma (a folder of schema files, prisma/schema/, is "prisma")."""
        settings = self.data.get("prisma")
        configured = settings.get("schema") if isinstance(settings, dict) else None
        if isinstance(configured, str) and configured and not configured.startswith(("/", "../")):
            normal = posixpath.normpath(configured)
            if tree.exists(normal) and not normal.startswith("../"):
                return normal
        return next((f for f in ("prisma/schema.prisma", "schema.prisma") if tree.exists(f)), None) \
            or ("prisma" if tree.isdir("prisma/schema") else None)

    def deps(self, dev: bool = True) -> dict[str, str]:
        found: dict[str, str] = {}
        for key in ("dependencies", "devDependencies") if dev else ("dependencies",):
            section = self.data.get(key)
            if isinstance(section, dict):
                found.update({k: str(v) for k, v in section.items()})
        return found


def read_package_json(tree: SourceTree) -> Package:
    if not tree.exists("package.json"):
        if tree.exists("package.json5"):
            return _read_json5(tree)
        return Package({}, {}, manifest=None)
    text = tree.read("package.json")
    if text is None:
        raise ValueError("package.json: can't be read (binary or not UTF-8)")
    from ...validate import PACKAGE_JSON_SHAPE, check_shape, load_json

    try:
        data = load_json(text, "package.json")
    except json.JSONDecodeError as exc:
        raise ValueError(f"package.json:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("package.json: expected a JSON object at the top level")
    check_shape(data, "package.json", PACKAGE_JSON_SHAPE)
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r'\s*"([^"]+)"\s*:', line)
        if m:
            lines.setdefault(m.group(1), number)
    return Package(data, lines)


def _read_json5(tree: SourceTree) -> Package:
    """package.json5 (pnpm reads it): a JavaScript object literal, read from its parse tree."""
    text = tree.read("package.json5")
    if text is None:
        raise ValueError("package.json5: can't be read (binary or not UTF-8)")
    root = syntax.parse("javascript", "(" + text + "\n)").root_node
    found = syntax.captures("javascript", "(program (expression_statement (parenthesized_expression (object) @o)))",
                            root).get("o")
    if not found or root.has_error:
        raise ValueError("package.json5: not a valid JSON5 object")
    lines: dict[str, int] = {}
    data = _literal(found[0], lines)
    return Package(data if isinstance(data, dict) else {}, lines, manifest="package.json5")


def _literal(node, lines: dict[str, int]):
    """The value of a JSON5 literal node (objects, arrays, strings, numbers, true/false/null)."""
    kind = node.type
    if kind == "object":
        out = {}
        for pair in node.named_children:
            if pair.type != "pair":
                continue
            key_node = pair.child_by_field_name("key")
            key = syntax.text(key_node)
            if key_node.type == "string":
                key = _literal(key_node, lines)
            lines.setdefault(str(key), syntax.line(pair))
            out[str(key)] = _literal(pair.child_by_field_name("value"), lines)
        return out
    if kind == "array":
        return [_literal(c, lines) for c in node.named_children if c.type != "comment"]
    if kind == "string":
        return "".join(syntax.text(c) if c.type == "string_fragment" else
                       syntax.text(c)[1:] for c in node.named_children)
    if kind == "number":
        raw = syntax.text(node)
        try:
            return int(raw, 0) if raw.isdigit() or raw.lower().startswith("0x") else float(raw)
        except ValueError:
            return raw
    return {"true": True, "false": False, "null": None}.get(kind)


def package_manager(tree: SourceTree, pkg: Package, profile: Profile) -> None:
    """pnpm / yarn (classic or Berry) / bun / npm: the packageManager field first, then the lockfiles."""
    lockfiles = [f for f in LOCKFILES if tree.exists(f)]
    pkg.lockfile = lockfiles[0] if lockfiles else None
    if len(lockfiles) > 1 and not (set(lockfiles) <= {"package-lock.json", "npm-shrinkwrap.json"}):
        profile.warnings.append(f"several lockfiles ({', '.join(lockfiles)}): the package manager is chosen from "
                                f"packageManager, else {lockfiles[0]}; delete the lockfiles of the managers the "
                                "project doesn't use")
    pkg.install_files = [f for f in INSTALL_FILES if tree.exists(f)]
    pkg.install_dirs = [d for d in (".yarn/releases", ".yarn/plugins", ".yarn/patches", "patches") if tree.isdir(d)]
    pkg.workspaces = bool(pkg.data.get("workspaces")) or _pnpm_workspace(tree)
    if pkg.manifest is None:
        pkg.manager = "npm"
        profile.note("package_manager", "no package.json: nothing to install", confidence=0.9)
        return
    field_value = pkg.data.get("packageManager")
    if pkg.manifest == "package.json5" and pkg.lockfile in (None, "pnpm-lock.yaml") and \
            not (isinstance(field_value, str) and field_value.startswith("pnpm@")):
        pkg.manager, pkg.lockfile = "pnpm", pkg.lockfile
        pkg.manager_version, why = pnpm_version(tree, pkg.data, _lockfile_major(tree) if pkg.lockfile else None)
        profile.note("package_manager", f"package.json5 is read by pnpm only ({why})", "package.json5")
        return
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
            if pkg.manager == "yarn-berry":
                _yarn_path(tree, pkg, profile)
            return
    lock = pkg.lockfile
    if lock == "pnpm-lock.yaml":
        pkg.manager = "pnpm"
        pkg.manager_version, why = pnpm_version(tree, pkg.data, _lockfile_major(tree))
        profile.note("package_manager", f"pnpm-lock.yaml: pnpm {pkg.manager_version} ({why})", lock)
    elif lock == "yarn.lock":
        text = tree.read(lock) or ""
        if "__metadata:" in text or tree.exists(".yarnrc.yml"):
            pkg.manager = "yarn-berry"
            major = _first(r"^\s+version:\s*(\d+)", text.split("__metadata:", 1)[-1][:200])
            pkg.manager_version = dict(YARN_BERRY_BY_LOCKFILE).get(major or "", YARN_BERRY_DEFAULT)
            profile.note("package_manager", f"yarn.lock in the Berry format (Yarn {pkg.manager_version})", lock)
            _yarn_path(tree, pkg, profile)
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


def _lockfile_major(tree: SourceTree) -> str | None:
    return _first(r"^lockfileVersion:\s*['\"]?(\d+)", (tree.read("pnpm-lock.yaml") or "")[:2000])


def _pnpm_workspace(tree: SourceTree) -> bool:
    import yaml

    if not tree.exists("pnpm-workspace.yaml"):
        return False
    try:
        data = yaml.safe_load(tree.read("pnpm-workspace.yaml") or "")
    except yaml.YAMLError:
        return True
    return not isinstance(data, dict) or bool(data.get("packages"))


def _yarn_path(tree: SourceTree, pkg: Package, profile: Profile) -> None:
    """A committed Yarn release (.yarnrc.yml's yarnPath) runs instead of a downloaded one."""
    value = yarnrc(tree).get("yarnPath")
    if not isinstance(value, str):
        return
    rel = value.strip().removeprefix("./")
    if not re.fullmatch(r"[A-Za-z0-9._/@+-]+\.c?js", rel) or ".." in rel.split("/") or not tree.exists(rel):
        profile.warnings.append(f".yarnrc.yml's yarnPath {value!r} is not a file of the project: Yarn "
                                f"{pkg.manager_version} is installed instead")
        return
    pkg.yarn_path = rel
    pkg.corepack = False
    folder = rel.rsplit("/", 1)[0] if "/" in rel else None
    if folder and folder not in pkg.install_dirs:
        pkg.install_dirs.append(folder)
    profile.note("package_manager", f".yarnrc.yml's yarnPath: the committed {rel} runs Yarn", ".yarnrc.yml",
                 None, 1.0)


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
    except (json.JSONDecodeError, RecursionError):
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
    return versions.node_version(tree, pkg.data, pkg.line_of, profile)
