"""Cargo manifests: Cargo.toml (packages, binary targets, workspaces, path dependencies), Cargo.lock and
rust-toolchain(.toml), read with tomllib. Line numbers for evidence come from one pass over a manifest's lines."""
from __future__ import annotations

import posixpath
import re
import tomllib
from functools import lru_cache

from ...scan import SourceTree


class CargoError(ValueError):
    pass


def _toml(tree: SourceTree, rel: str) -> dict:
    text = tree.read(rel)
    if text is None:
        raise CargoError(f"{rel}: can't read it")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CargoError(f"{rel}: not valid TOML ({exc})") from None
    if rel.endswith("Cargo.toml"):
        from ...validate import CARGO_SHAPE, ShapeError, check_shape

        try:
            check_shape(data, rel, CARGO_SHAPE)
        except ShapeError as exc:
            raise CargoError(str(exc)) from None
    return data


def key_line(tree: SourceTree, rel: str, key: str) -> int | None:
    """The first line of a TOML file that sets ``key`` (``key = ...`` or ``key.workspace = true``)."""
    return _key_lines(tree.read(rel) or "").get(key)


@lru_cache(maxsize=64)
def _key_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        key = raw.split("=", 1)[0].strip().strip('"').split(".", 1)[0] if "=" in raw else ""
        if key and key not in lines:
            lines[key] = number
    return lines


def first_line(tree: SourceTree, rel: str, start: str) -> int | None:
    """The first line of a file that starts with ``start`` (after indentation)."""
    for number, raw in enumerate(tree.lines(rel), 1):
        if raw.lstrip().startswith(start):
            return number
    return None


def lock_line(tree: SourceTree, crate: str) -> int | None:
    return first_line(tree, "Cargo.lock", f'name = "{crate}"')


class Package:
    """One Cargo package: its manifest, name and binary targets."""

    def __init__(self, tree: SourceTree, manifest: str, data: dict):
        self.manifest = manifest
        self.dir = posixpath.dirname(manifest)
        self.data = data
        pkg = data.get("package") if isinstance(data.get("package"), dict) else {}
        name = pkg.get("name")
        self.name = name if isinstance(name, str) and name else posixpath.basename(self.dir) or "app"
        self.default_run = pkg.get("default-run")
        self.edition = pkg.get("edition")
        self.rust_version = pkg.get("rust-version")
        self.bins: list[dict] = []  # {"name", "path"}
        self.targets: list[str] = []  # every target source cargo needs to see (for the fetch stand-ins)
        self._targets(tree, pkg)

    def rel(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.dir, path)) if self.dir else posixpath.normpath(path)

    def _targets(self, tree: SourceTree, pkg: dict) -> None:
        autobins = pkg.get("autobins", True)
        explicit = self.data.get("bin") or []
        if not isinstance(explicit, list):
            raise CargoError(f"{self.manifest}: [bin] must be an array of tables ([[bin]])")
        found: dict[str, str] = {}
        if autobins:
            if tree.exists(self.rel("src/main.rs")):
                found[self.name] = self.rel("src/main.rs")
            for f in tree.glob(self.rel("src/bin") + "/*"):
                sub = f[len(self.rel("src/bin")) + 1:]
                if re.fullmatch(r"[\w-]+\.rs", sub):
                    found.setdefault(sub[:-3], f)
                elif re.fullmatch(r"[\w-]+/main\.rs", sub):
                    found.setdefault(sub.split("/")[0], f)
        declared: set[str] = set()
        for entry in explicit:
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name:
                raise CargoError(f"{self.manifest}: a [[bin]] without a name")
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", name):  # cargo refuses any other target name too
                raise CargoError(f"{self.manifest}: [[bin]] name {name!r}: a target name is letters, digits, - and _")
            path = entry.get("path")
            if isinstance(path, str) and path:
                path = self.rel(path)
            elif name == self.name and tree.exists(self.rel("src/main.rs")):
                path = self.rel("src/main.rs")
            else:
                path = next((p for p in (self.rel(f"src/bin/{name}.rs"), self.rel(f"src/bin/{name}/main.rs"))
                             if tree.exists(p)), self.rel(f"src/bin/{name}.rs"))
            # a [[bin]] that names an inferred target's file replaces it (cargo infers no second binary from it)
            for other in [n for n, p in found.items() if p == path and n != name and n not in declared]:
                del found[other]
            found[name] = path
            declared.add(name)
        self.bins = [{"name": n, "path": p} for n, p in found.items()]
        lib = self.data.get("lib") if isinstance(self.data.get("lib"), dict) else {}
        has_path = isinstance(lib.get("path"), str) and lib["path"]
        lib_path = self.rel(lib["path"]) if has_path else self.rel("src/lib.rs")
        targets = [p for p in found.values()]
        if tree.exists(lib_path) or has_path:
            targets.append(lib_path)
        for kind in ("example", "test", "bench"):
            for entry in self.data.get(kind) or []:
                if isinstance(entry, dict) and isinstance(entry.get("path"), str) and entry["path"]:
                    targets.append(self.rel(entry["path"]))
        build = pkg.get("build")
        if isinstance(build, str):
            targets.append(self.rel(build))
        if not targets:  # cargo needs one target to read the manifest
            targets.append(self.rel("src/lib.rs"))
        self.targets = list(dict.fromkeys(targets))

    def dependencies(self) -> dict[str, dict]:
        """Every dependency table of the manifest (incl. target-specific ones): crate -> spec."""
        deps: dict[str, dict] = {}
        tables = [self.data.get(k) or {} for k in ("dependencies", "build-dependencies")]
        for target in (self.data.get("target") or {}).values():
            if isinstance(target, dict):
                tables += [target.get(k) or {} for k in ("dependencies", "build-dependencies")]
        for table in tables:
            for name, spec in table.items() if isinstance(table, dict) else ():
                spec = spec if isinstance(spec, dict) else {"version": spec}
                crate = spec.get("package", name)
                deps[crate if isinstance(crate, str) else name] = spec
        return deps


def members(tree: SourceTree, data: dict) -> list[str]:
    """Manifests of the workspace members (globs expanded), root excluded."""
    ws = data.get("workspace") or {}
    excluded = {posixpath.normpath(e) for e in ws.get("exclude") or []}
    found = []
    for pattern in ws.get("members") or []:
        pattern = posixpath.normpath(pattern)
        depth = pattern.count("/") + 1
        for manifest in tree.glob(pattern + "/Cargo.toml"):
            d = posixpath.dirname(manifest)
            if d.count("/") + 1 == depth and d not in excluded and manifest not in found:
                found.append(manifest)
    return found


def load_packages(tree: SourceTree) -> tuple[dict, list[Package], list[Package]]:
    """(root manifest data, packages, manifests of path dependencies outside the workspace)."""
    root = _toml(tree, "Cargo.toml")
    if "package" not in root and "workspace" not in root:
        raise CargoError("Cargo.toml: neither [package] nor [workspace]")
    packages = []
    if "package" in root:
        packages.append(Package(tree, "Cargo.toml", root))
    for manifest in members(tree, root):
        packages.append(Package(tree, manifest, _toml(tree, manifest)))
    if "workspace" in root and not packages:
        raise CargoError("Cargo.toml: a workspace whose members have no Cargo.toml")
    # path dependencies inside the tree that aren't members: the fetch step needs their manifests too
    seen = {p.manifest for p in packages}
    queue = list(packages)
    extra: list[Package] = []
    while queue:
        pkg = queue.pop()
        for spec in pkg.dependencies().values():
            path = spec.get("path")
            if not isinstance(path, str) or not path:
                continue
            manifest = posixpath.normpath(posixpath.join(pkg.dir, path, "Cargo.toml")) if pkg.dir else \
                posixpath.normpath(posixpath.join(path, "Cargo.toml"))
            if manifest in seen or manifest.startswith("..") or not tree.exists(manifest):
                continue
            seen.add(manifest)
            dep = Package(tree, manifest, _toml(tree, manifest))
            extra.append(dep)
            queue.append(dep)
    return root, packages, extra


def parse_lock(tree: SourceTree) -> dict[str, list[str]]:
    """Crate name -> versions, from Cargo.lock."""
    if not tree.exists("Cargo.lock"):
        return {}
    data = _toml(tree, "Cargo.lock")
    crates: dict[str, list[str]] = {}
    for entry in data.get("package") or []:
        if not isinstance(entry, dict) or "name" not in entry:
            raise CargoError("Cargo.lock: a [[package]] without a name")
        crates.setdefault(entry["name"], []).append(str(entry.get("version", "")))
    return crates


def toolchain_version(tree: SourceTree) -> tuple[str | None, str | None, int | None]:
    """(version, file, line) from rust-toolchain.toml / rust-toolchain; "" for a named channel."""
    for rel in ("rust-toolchain.toml", "rust-toolchain"):
        text = tree.read(rel)
        if text is None:
            continue
        channel = None
        if "[toolchain]" in text:
            try:
                channel = (tomllib.loads(text).get("toolchain") or {}).get("channel")
            except tomllib.TOMLDecodeError as exc:
                raise CargoError(f"{rel}: not valid TOML ({exc})") from None
        else:
            channel = text.strip().splitlines()[0].strip() if text.strip() else None
        if not channel:
            continue
        line = first_line(tree, rel, "channel") if "[toolchain]" in text else 1
        m = re.fullmatch(r"(\d+\.\d+(?:\.\d+)?)", str(channel).strip())
        return (m.group(1) if m else ""), rel, line
    return None, None, None
