"""Gradle build scripts read through their parse trees: build.gradle with the Groovy grammar,
build.gradle.kts (and settings.gradle.kts) with the Kotlin grammar.

Both become the same small list of calls (``id("x")``, ``implementation 'g:a:v'``,
``mainClass.set("x")``, with positional, ``key: value`` and ``key = value`` arguments and the blocks
they sit in) and assignments (``mainClass = "x"``, ``sourceCompatibility = JavaVersion.VERSION_17``),
from which the plugins, main class, Java release, dependencies and subprojects are read. Only an
already extracted literal is ever matched against a pattern (a coordinate, a version).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from ... import syntax
from ...scan import SourceTree
from .module import Module
from .treewalk import nodes_by_type

BOOT_PLUGIN = "org.springframework.boot"
QUARKUS_PLUGIN = "io.quarkus"
MICRONAUT_PLUGINS = {"io.micronaut.application", "io.micronaut.minimal.application"}
MICRONAUT_SERVERS = {"netty", "jetty", "tomcat", "undertow"}
SHADOW_PLUGINS = {"com.github.johnrengelman.shadow", "com.gradleup.shadow", "io.github.goooler.shadow"}
CONFIGURATIONS = {"implementation", "api", "runtimeOnly", "compile", "runtime"}
IGNORED_CONFIGURATIONS = {"compileOnly", "testImplementation", "testRuntimeOnly", "developmentOnly",
                          "annotationProcessor", "kapt", "ksp", "testCompileOnly", "compileOnlyApi"}
_COORDINATE = re.compile(r"([\w.-]+):([\w.-]+)(?::.*)?", re.S)
_CLASS_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_JAVA_VERSION_CONSTANT = re.compile(r"(?:JavaVersion\.)?VERSION_(?:1_)?(\d+)")
_JAVA_RELEASE = re.compile(r"(?:1\.)?(\d+)(?:\.0)?")
_PROJECT_PATH = re.compile(r":?([\w.:/-]+)")
_COMMENTS = ("comment", "line_comment", "block_comment", "multiline_comment")


@dataclass
class Call:
    name: str
    owner: str | None  # the receiver's text (``mainClass`` in ``mainClass.set(...)``)
    args: list[tuple[str | None, Any]]  # (key or None, expression)
    node: Any
    block: Any = None  # the closure / lambda passed to it


@dataclass
class Script:
    grammar: str
    calls: list[Call] = field(default_factory=list)
    assigns: list[tuple[str, Any, Any]] = field(default_factory=list)  # (target's last name, value, node)
    pairs: list[tuple[Any, Any, Any]] = field(default_factory=list)  # ("key": value / "key" to value, node)

    def literal(self, node) -> str | None:
        """The text of a string or number literal (a string's inner text, ``$`` templates left as they are)."""
        for _ in range(16):  # ("x") and value arguments: the expression inside
            if node is None or node.type not in ("parenthesized_expression", "value_argument") \
                    or not node.named_children:
                break
            node = node.named_children[-1]
        if node is None:
            return None
        kind = node.type
        if kind in ("string_literal", "character_literal", "string"):
            raw = syntax.text(node)
            for quote in ('"""', "'''", '"', "'"):
                if len(raw) >= 2 * len(quote) and raw.startswith(quote) and raw.endswith(quote):
                    return raw[len(quote):-len(quote)]
            return None
        if kind in ("number_literal", "decimal_integer_literal", "decimal_floating_point_literal", "integer_literal",
                    "real_literal"):
            return syntax.text(node)
        return None


def _named(node) -> list:
    return [c for c in node.named_children if c.type not in _COMMENTS] if node is not None else []


# -- Groovy (build.gradle) -------------------------------------------------------------------------
_GROOVY = {"method_invocation": "call", "juxt_function_call": "call", "assignment_expression": "assign",
           "map_item": "pair"}


def _groovy_args(node) -> list[tuple[str | None, Any]]:
    found = []
    for arg in _named(node):
        if arg.type == "map_item":
            key = arg.child_by_field_name("key")
            found.append((syntax.text(key).strip("'\""), arg.child_by_field_name("value")))
        else:
            found.append((None, arg))
    return found


def _groovy(root) -> Script:
    script = Script("groovy")
    caps = nodes_by_type(root, _GROOVY)
    for node in caps.get("call", []):
        name = syntax.text(node.child_by_field_name("name"))
        obj = node.child_by_field_name("object")
        args = node.child_by_field_name("arguments") or node.child_by_field_name("args")
        script.calls.append(Call(name, syntax.text(obj) if obj is not None else None, _groovy_args(args), node,
                                 node.child_by_field_name("body")))
    for node in caps.get("assign", []):
        left = node.child_by_field_name("left")
        target = left.child_by_field_name("field") if left is not None and left.type == "field_access" else left
        script.assigns.append((syntax.text(target), node.child_by_field_name("right"), node))
    for node in caps.get("pair", []):
        script.pairs.append((node.child_by_field_name("key"), node.child_by_field_name("value"), node))
    return script


# -- Kotlin (build.gradle.kts) ---------------------------------------------------------------------
_KOTLIN = {"call_expression": "call", "assignment": "assign", "infix_expression": "infix"}


def _kotlin(root) -> Script:
    script = Script("kotlin")
    caps = nodes_by_type(root, _KOTLIN)
    for node in caps.get("call", []):
        head = node.named_children[0] if node.named_children else None
        owner, name = None, ""
        if head is not None and head.type == "identifier":
            name = syntax.text(head)
        elif head is not None and head.type == "navigation_expression":
            parts = _named(head)
            if len(parts) >= 2 and parts[-1].type == "identifier":
                owner, name = syntax.text(parts[0]), syntax.text(parts[-1])
        args: list[tuple[str | None, Any]] = []
        block = None
        for child in node.named_children[1:]:
            if child.type == "value_arguments":
                for arg in _named(child):
                    parts = _named(arg)
                    if arg.type != "value_argument" or not parts:
                        continue
                    if any(c.type == "=" for c in arg.children) and len(parts) >= 2:
                        args.append((syntax.text(parts[0]), parts[-1]))
                    else:
                        args.append((None, parts[-1]))
            elif child.type == "annotated_lambda":
                block = next((c for c in child.named_children if c.type == "lambda_literal"), None)
        script.calls.append(Call(name, owner, args, node, block))
    for node in caps.get("assign", []):
        left = node.child_by_field_name("left")
        if left is not None and left.type == "navigation_expression" and _named(left):
            target = syntax.text(_named(left)[-1])
        elif left is not None and left.type == "index_expression" and len(_named(left)) == 2:
            key = _named(left)[1]
            script.pairs.append((key, node.child_by_field_name("right"), node))
            continue
        else:
            target = syntax.text(left)
        script.assigns.append((target, node.child_by_field_name("right"), node))
    for node in caps.get("infix", []):
        parts = _named(node)
        if len(parts) == 3 and parts[1].type == "identifier" and syntax.text(parts[1]) == "to":
            script.pairs.append((parts[0], parts[2], node))
    return script


def read_script(tree: SourceTree, rel: str) -> Script:
    grammar = "kotlin" if rel.endswith(".kts") else "groovy"
    parsed = tree.parse(rel, grammar)
    if parsed is None:
        raise ValueError(f"{rel}: can't be read as UTF-8 text")
    return _kotlin(parsed.root_node) if grammar == "kotlin" else _groovy(parsed.root_node)


# -- facts ------------------------------------------------------------------------------------------
def plugins(script: Script) -> list[tuple[str, Any]]:
    """(plugin id, node) of ``plugins { id("x") }``, bare ``plugins { application }`` and ``apply plugin: 'x'``."""
    found = []
    for call in script.calls:
        if call.name == "plugins" and call.block is not None:
            for child in _named(call.block):
                if child.type == "expression_statement" and len(_named(child)) == 1:
                    child = _named(child)[0]
                if child.type == "identifier":
                    found.append((syntax.text(child).strip("`"), child))
        if call.name == "id" and call.owner is None and call.args and call.args[0][0] is None:
            value = script.literal(call.args[0][1])
            if value:
                found.append((value, call.node))
        if call.name == "apply":
            for key, value in call.args:
                if key == "plugin" and script.literal(value):
                    found.append((script.literal(value), call.node))
    return sorted(found, key=lambda p: p[1].start_byte)


def _java_release(script: Script, value) -> str | None:
    if value is None:
        return None
    literal = script.literal(value)
    if literal is not None:
        m = _JAVA_RELEASE.fullmatch(literal.strip())
        return m.group(1) if m else None
    if value.type in ("navigation_expression", "field_access", "identifier"):
        m = _JAVA_VERSION_CONSTANT.fullmatch(syntax.text(value))
        return m.group(1) if m else None
    # JavaVersion.toVersion("17") / JavaVersion.toVersion(17)
    call = next((c for c in script.calls if c.node.id == value.id), None)
    if call is not None and call.name == "toVersion" and (call.owner or "").endswith("JavaVersion") \
            and len(call.args) == 1:
        literal = script.literal(call.args[0][1])
        m = _JAVA_RELEASE.fullmatch(literal.strip()) if literal else None
        return m.group(1) if m else None
    return None


def _short(node) -> str:
    text = " ".join(syntax.text(node).split())
    return text if len(text) <= 80 else text[:77] + "..."


def read_gradle(tree: SourceTree, rel: str) -> Module:
    """What one build.gradle[.kts] says about the jar: plugins, main class, Java release, dependencies."""
    script = read_script(tree, rel)
    mod = Module(posixpath.dirname(rel), rel)
    ids = {name for name, _node in plugins(script)}
    mod.boot = BOOT_PLUGIN in ids or any(c.name == "springBoot" and c.owner is None and c.block is not None
                                         for c in script.calls)
    mod.shaded = bool(ids & SHADOW_PLUGINS)
    mod.quarkus = QUARKUS_PLUGIN in ids
    # Micronaut's application plugin adds the HTTP server its `micronaut { runtime("netty") }` names
    mod.micronaut_server = bool(ids & MICRONAUT_PLUGINS) and any(
        c.name == "runtime" and c.owner is None and len(c.args) == 1
        and (script.literal(c.args[0][1]) or "").lower() in MICRONAUT_SERVERS for c in script.calls)
    mod.application = "application" in ids or any(
        c.name == "application" and c.owner is None and c.block is not None for c in script.calls)

    mains: list[tuple[Any, str]] = []
    for target, value, node in script.assigns:
        if target in ("mainClass", "mainClassName"):
            mains.append((node, script.literal(value) or ""))
    for call in script.calls:
        if call.name == "set" and call.owner is not None and call.owner.rsplit(".", 1)[-1] in ("mainClass", "mainClassName") \
                and len(call.args) == 1:
            mains.append((call.node, script.literal(call.args[0][1]) or ""))
        elif call.name in ("mainClass", "mainClassName") and call.owner is None and len(call.args) == 1:
            mains.append((call.node, script.literal(call.args[0][1]) or ""))
    for key, value, node in script.pairs:
        if script.literal(key) == "Main-Class" or key is not None and key.type == "identifier" and \
                syntax.text(key) == "Main-Class":
            mains.append((node, script.literal(value) or ""))
    for node, name in sorted(mains, key=lambda m: m[0].start_byte):
        if _CLASS_NAME.fullmatch(name):
            mod.main_class = name
            mod.main_evidence = (f"{rel} names the main class", syntax.line(node))
            break

    javas: list[tuple[Any, str]] = []
    for call in script.calls:
        if (call.name == "of" and call.owner is not None and call.owner.endswith("JavaLanguageVersion")
                or call.name == "jvmToolchain" and call.block is None) and len(call.args) == 1:
            release = _java_release(script, call.args[0][1])
            if release:
                javas.append((call.node, release))
    for target, value, node in script.assigns:
        if target in ("sourceCompatibility", "targetCompatibility", "languageVersion"):
            release = _java_release(script, value)
            if release:
                javas.append((node, release))
    if javas:
        node, release = min(javas, key=lambda j: j[0].start_byte)
        mod.java = (release, _short(node), syntax.line(node))

    for call in script.calls:
        if call.owner is not None or call.name in IGNORED_CONFIGURATIONS or call.name not in CONFIGURATIONS:
            continue
        keyed = {key: script.literal(value) for key, value in call.args if key}
        coordinate = script.literal(call.args[0][1]) if call.args and call.args[0][0] is None else None
        m = _COORDINATE.fullmatch(coordinate) if coordinate else None
        if m:
            mod.deps.append((f"{m.group(1)}:{m.group(2)}", rel, syntax.line(call.node)))
        elif keyed.get("group") and keyed.get("name"):
            mod.deps.append((f"{keyed['group']}:{keyed['name']}", rel, syntax.line(call.node)))
    return mod


def gradle_subprojects(tree: SourceTree, settings: str | None) -> list[str]:
    """The folders of the projects a settings.gradle[.kts] includes (``include(":core:api")`` -> core/api)."""
    if not settings:
        return []
    try:
        script = read_script(tree, settings)
    except ValueError:
        return []
    found = []
    for call in script.calls:
        if call.name != "include" or call.owner is not None:
            continue
        for key, value in call.args:
            literal = script.literal(value) if key is None else None
            m = _PROJECT_PATH.fullmatch(literal) if literal else None
            if m:
                found.append(m.group(1).replace(":", "/"))
    return found
