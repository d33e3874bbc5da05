"""Maven: what a pom.xml says about the jar (parsed as XML, no DTDs or entities)."""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from ...scan import SourceTree
from .module import Lines, Module

_JAR_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*\.jar")
_CLASS_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


class _Declared(Exception):
    """The XML declares a DTD or an entity."""


def _refuse(*_args) -> None:
    raise _Declared


def _parse_xml(text: str) -> ET.Element:
    """The XML's root element; a DOCTYPE or ENTITY declaration is refused (no entity expansion, ever)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as exc:
        raise ET.ParseError(str(exc)) from None
    return builder.close()


def _strip_ns(root: ET.Element) -> ET.Element:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _text(el: ET.Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def _interpolate(value: str | None, props: dict[str, str]) -> str | None:
    if value is None:
        return None
    for _ in range(5):
        new = re.sub(r"\$\{([\w.-]+)\}", lambda m: props.get(m.group(1), m.group(0)), value)
        if new == value:
            break
        value = new
    return value


def _java_release(raw: str | None) -> str | None:
    if not raw:
        return None
    m = re.match(r"^(?:1\.)?(\d+)", raw.strip())
    return m.group(1) if m else None


def read_pom(tree: SourceTree, rel: str, parent_props: dict[str, str] | None = None) -> Module:
    text = tree.read(rel)
    if text is None:
        raise ValueError(f"{rel}: can't be read as UTF-8 text")
    try:
        root = _strip_ns(_parse_xml(text))
    except ET.ParseError as exc:
        raise ValueError(f"{rel}: not valid XML ({exc})") from None
    except _Declared:
        raise ValueError(f"{rel}: declares a DTD or entities, which a POM never needs; not read") from None
    if root.tag != "project":
        raise ValueError(f"{rel}: not a Maven POM (the root element is <{root.tag}>, not <project>)")
    mod = Module(posixpath.dirname(rel), rel)
    lines = Lines(text)
    props = dict(parent_props or {})
    for prop in root.findall("properties/*"):
        if isinstance(prop.tag, str) and prop.text:
            props[prop.tag] = prop.text.strip()
    parent = root.find("parent")
    version = _text(root, "version") or _text(parent, "version")
    mod.artifact = _text(root, "artifactId")
    props.update({k: v for k, v in {"project.version": version, "project.artifactId": mod.artifact,
                                     "project.groupId": _text(root, "groupId") or _text(parent, "groupId"),
                                     "project.parent.version": _text(parent, "version"),
                                     "version": version, "pom.version": version}.items() if v})
    mod.packaging = _text(root, "packaging") or "jar"
    mod.modules = [m.text.strip() for m in root.findall("modules/module") if m.text and m.text.strip()]

    for dep in root.findall("dependencies/dependency"):
        group, artifact = _text(dep, "groupId"), _text(dep, "artifactId")
        if not group or not artifact:
            continue
        scope = _text(dep, "scope") or "compile"
        if scope in ("test", "provided", "import"):
            continue
        mod.deps.append((f"{group}:{artifact}", rel, lines.find(f"<artifactId>{artifact}</artifactId>")))

    # The Java release: compiler properties, then the compiler plugin's configuration.
    for key in ("maven.compiler.release", "java.version", "maven.compiler.target", "maven.compiler.source"):
        release = _java_release(_interpolate(props.get(key), props))
        if release:
            mod.java = (release, f"<{key}>{props[key]}</{key}>", lines.find(f"<{key}>"))
            break

    final_name = _interpolate(_text(root, "build/finalName"), props)
    main_props = [k for k in ("start-class", "exec.mainClass", "main.class", "mainClass") if props.get(k)]
    if main_props:
        mod.main_class = _interpolate(props[main_props[0]], props)
        mod.main_evidence = (f"<{main_props[0]}> names the main class", lines.find(f"<{main_props[0]}>"))
    for plugin in list(root.findall("build/plugins/plugin")):
        artifact = _text(plugin, "artifactId") or ""
        config_nodes = [plugin.find("configuration")] + [e.find("configuration") for e in plugin.findall("executions/execution")]
        configs = [c for c in config_nodes if c is not None]
        if artifact == "maven-compiler-plugin" and not mod.java:
            for c in configs:
                for key in ("release", "target", "source"):
                    release = _java_release(_interpolate(_text(c, key), props))
                    if release:
                        mod.java = (release, f"the compiler plugin's <{key}>", lines.find(f"<{key}>"))
                        break
        elif artifact == "spring-boot-maven-plugin" and any(
                (_text(c, "skip") or "").lower() == "true" for c in configs):
            mod.boot_skipped = True  # <skip>true</skip>: a library module that inherits the plugin
        elif artifact == "spring-boot-maven-plugin":
            mod.boot = True
            for c in configs:
                main = _text(c, "mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("spring-boot-maven-plugin names the main class", lines.find("<mainClass>"))
                if _text(c, "classifier"):  # the repackaged jar is attached, the plain one keeps the name
                    mod.fat_classifier = _text(c, "classifier")
        elif artifact == "quarkus-maven-plugin":
            mod.quarkus = True
        elif artifact == "maven-shade-plugin":
            mod.shaded = True
            for c in configs:
                main = _text(c, "transformers/transformer/mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("maven-shade-plugin's ManifestResourceTransformer names the main class",
                                         lines.find("<mainClass>"))
                if (_text(c, "shadedArtifactAttached") or "").lower() == "true":
                    mod.fat_classifier = _text(c, "shadedClassifierName") or "shaded"
                if _text(c, "finalName"):  # the shaded jar's own name, without a classifier
                    final_name = _interpolate(_text(c, "finalName"), props)
                    mod.fat_classifier = None
            if not _bound_to_package(plugin, ("shade",)):
                mod.extra_goals.append("shade:shade")
        elif artifact == "maven-assembly-plugin":
            refs = [r.text.strip() for c in configs for r in c.findall("descriptorRefs/descriptorRef") if r.text]
            if "jar-with-dependencies" in refs:
                mod.shaded = True
                mod.fat_classifier = "jar-with-dependencies"
                # the assembly's own name: <finalName>, and <appendAssemblyId>false</appendAssemblyId> drops the id
                for c in configs:
                    if _text(c, "finalName"):
                        final_name = _interpolate(_text(c, "finalName"), props)
                    if (_text(c, "appendAssemblyId") or "").strip().lower() == "false":
                        mod.fat_classifier = None
                if not _bound_to_package(plugin, ("single", "attached")):
                    mod.extra_goals.append("assembly:single")
            for c in configs:
                main = _text(c, "archive/manifest/mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("maven-assembly-plugin's manifest names the main class",
                                         lines.find("<mainClass>"))
        elif artifact == "maven-jar-plugin":
            for c in configs:
                main = _text(c, "archive/manifest/mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("maven-jar-plugin's manifest names the main class",
                                         lines.find("<mainClass>"))
    # (spring-boot-starter-parent alone doesn't repackage: the plugin has to be declared)
    # a profile that adds the Spring Boot plugin: active by default, or when a file of the module exists
    for prof in root.findall("profiles/profile"):
        if not any(_text(p, "artifactId") == "spring-boot-maven-plugin" for p in prof.findall("build/plugins/plugin")):
            continue
        if (_text(prof, "activation/activeByDefault") or "").lower() == "true":
            mod.boot_when.append("")
        elif (exists := _text(prof, "activation/file/exists")) and "$" not in exists and ".." not in exists:
            mod.boot_when.append(exists.lstrip("/"))

    base = final_name or (f"{mod.artifact}-{version}" if mod.artifact and version else None)
    if base and "${" not in base:
        mod.jar_name = f"{base}-{mod.fat_classifier}.jar" if mod.fat_classifier else f"{base}.jar"
    # both reach the Dockerfile's shell and the start command: plain names only
    if mod.jar_name and not _JAR_NAME.fullmatch(mod.jar_name):
        mod.jar_name = None
    if mod.main_class and not _CLASS_NAME.fullmatch(mod.main_class):
        mod.main_class, mod.main_evidence = None, None
    mod.props = props
    return mod


def _bound_to_package(plugin, goals: tuple[str, ...]) -> bool:
    """Whether one of the plugin's executions runs ``goals`` during ``mvn package`` (its phase is package,
    or unset for goals whose default phase is package)."""
    for execution in plugin.findall("executions/execution"):
        names = {(g.text or "").strip() for g in execution.findall("goals/goal")}
        phase = (_text(execution, "phase") or "package").strip()
        if names & set(goals) and phase in ("package", "prepare-package", "compile", "process-classes"):
            return True
    return False
