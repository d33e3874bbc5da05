"""Java: Maven and Gradle projects (Spring Boot, executable and shaded jars, the application plugin).

What the image needs is read from the build files: the build tool and its
version (wrappers name them), the Java release, which task makes the jar that
runs and where it lands, the main class. Ports and env vars come from Spring
style ``application.properties``/``.yml`` (``server.port=${PORT:8080}``) and
from ``System.getenv`` in the sources.
"""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import yaml

from ...checklist import DETECTED, AnalysisError, origin_of
from ...profile import Evidence, Profile
from ...scan import SourceTree, line_of
from ..base import Analyzer, Detection, Starter
from ...envvars import is_port_name, is_secret, read_dotenv_example
from ...services import add_services_from_dependencies, link_service_env
from ..common import choose_health_path

WORKDIR = "/app"
APP_JAR = "/app/app.jar"
DEFAULT_JAVA = "21"
DEFAULT_MAVEN = "3.9"
DEFAULT_GRADLE = "8.10"
JVM_FLAGS = ["-XX:MaxRAMPercentage=75"]
GRADLE_FILES = ("build.gradle.kts", "build.gradle")
SETTINGS_FILES = ("settings.gradle.kts", "settings.gradle")
SYSTEM_ENV = {"HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "TZ", "HOSTNAME", "JAVA_HOME",
              "JAVA_OPTS", "JAVA_TOOL_OPTIONS", "CLASSPATH", "TMPDIR"}

_BOOT_GRADLE = re.compile(r"""(?:id\s*\(?\s*["']org\.springframework\.boot["']|apply\s+plugin\s*:\s*["']org\.springframework\.boot["']|\bspringBoot\s*\{)""")
_APPLICATION_GRADLE = re.compile(r"""(?:^\s*application\s*$|id\s*\(?\s*["']application["']|apply\s+plugin\s*:\s*["']application["']|^\s*`?application`?\s*$)""", re.M)
_SHADOW_GRADLE = re.compile(r"""id\s*\(?\s*["'](?:com\.github\.johnrengelman\.shadow|com\.gradleup\.shadow|io\.github\.goooler\.shadow)["']""")
_GRADLE_MAIN = re.compile(r"""(?:mainClass(?:Name)?\s*(?:=|\.set\s*\()\s*|["']Main-Class["']\s*(?::|to)\s*)["']([\w.$]+)["']""")
_GRADLE_JAVA = re.compile(r"""(?:JavaLanguageVersion\.of\(\s*["']?(\d+)|jvmToolchain\(\s*(\d+)|(?:source|target)Compatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?(\d+)|["']?(?:1\.)?(\d+)))""")
_GRADLE_DEP = re.compile(r"""(?<![\w.])(implementation|api|runtimeOnly|compile|runtime|compileOnly|testImplementation|testRuntimeOnly|developmentOnly|annotationProcessor)\s*\(?\s*["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']""", re.M)
_GRADLE_INCLUDE = re.compile(r"""^\s*include\s*\(?([^)\n]*)\)?""", re.M)
_WRAPPER_GRADLE = re.compile(r"gradle-(\d+\.\d+)(?:\.\d+)?(?:-[\w.-]+)?-(?:bin|all)\.zip")
_WRAPPER_MAVEN = re.compile(r"apache-maven-(\d+\.\d+)(?:\.\d+)?-bin\.zip")

_MAIN_METHOD = re.compile(r"public\s+static\s+void\s+main\s*\(\s*(?:final\s+)?String")
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.M)
_GETENV = re.compile(r"""System\.getenv\(\s*\)\.getOrDefault\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*,\s*"([^"\n]*)"|System\.getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)""")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::([^}\n]*))?\}")
_SERVER_PORT_PROP = re.compile(r"^\s*server\.port\s*[=:]\s*(.+?)\s*$", re.M)
_YAML_PORT_LINE = re.compile(r"^[ \t]+port:[ \t]*(.+?)[ \t]*$", re.M)
_PORT_LITERAL = re.compile(r"""(?:new\s+InetSocketAddress\(\s*(?:"[^"]*"\s*,\s*)?(\d{2,5})\s*\)|\.start\(\s*(\d{4,5})\s*\)|\bport\(\s*(\d{2,5})\s*\)|\b(?:int|final int)\s+\w*[pP]ort\w*\s*=\s*(\d{2,5})\s*;|getOrDefault\(\s*"\w*PORT\w*"\s*,\s*"(\d{2,5})"\s*\))""")
_ABS_FILE = re.compile(r"""(?:new\s+File(?:OutputStream|Writer)?|Paths\.get|Path\.of)\(\s*"(/[\w.@/-]+)"\s*""")

# artifact (group:artifact or artifact) -> framework name, strongest first
FRAMEWORKS = (
    ("spring-boot-starter-web", "spring-boot"), ("spring-boot-starter-webflux", "spring-boot"),
    ("spring-boot-starter", "spring-boot"), ("quarkus-core", "quarkus"), ("micronaut-http-server-netty", "micronaut"),
    ("javalin", "javalin"), ("spark-core", "spark"), ("vertx-web", "vertx"), ("dropwizard-core", "dropwizard"),
    ("helidon-webserver", "helidon"),
)
DEFAULT_PORTS = {"spring-boot": 8080, "quarkus": 8080, "micronaut": 8080, "javalin": 7070, "spark": 4567,
                 "dropwizard": 8080}


@dataclass
class Module:
    """One Maven module or Gradle project: the build file and what it says about the jar."""

    dir: str  # "" for the root
    build_file: str
    artifact: str | None = None
    jar_name: str | None = None  # file name under target/ or build/libs, when it can be known
    boot: bool = False
    shaded: bool = False
    fat_classifier: str | None = None  # shade/assembly attached classifier
    application: bool = False  # Gradle application plugin
    main_class: str | None = None
    main_evidence: tuple[str, int | None] | None = None
    deps: list[tuple[str, str, int | None]] = field(default_factory=list)
    java: tuple[str, str, int | None] | None = None
    packaging: str = "jar"
    modules: list[str] = field(default_factory=list)

    @property
    def runs(self) -> bool:
        return self.boot or self.shaded or self.application or bool(self.main_class)


# -- Maven --------------------------------------------------------------------
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


def _line(tree: SourceTree, rel: str, needle: str) -> int | None:
    text = tree.read(rel) or ""
    pos = text.find(needle)
    return line_of(text, pos) if pos >= 0 else None


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
        root = _strip_ns(ET.fromstring(text.encode("utf-8")))
    except ET.ParseError as exc:
        raise ValueError(f"{rel}: not valid XML ({exc})") from None
    if root.tag != "project":
        raise ValueError(f"{rel}: not a Maven POM (the root element is <{root.tag}>, not <project>)")
    mod = Module(posixpath.dirname(rel), rel)
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
        mod.deps.append((f"{group}:{artifact}", rel, _line(tree, rel, f"<artifactId>{artifact}</artifactId>")))

    # The Java release: compiler properties, then the compiler plugin's configuration.
    for key in ("maven.compiler.release", "java.version", "maven.compiler.target", "maven.compiler.source"):
        release = _java_release(_interpolate(props.get(key), props))
        if release:
            mod.java = (release, f"<{key}>{props[key]}</{key}>", _line(tree, rel, f"<{key}>"))
            break

    final_name = _interpolate(_text(root, "build/finalName"), props)
    main_props = [k for k in ("start-class", "exec.mainClass", "main.class", "mainClass") if props.get(k)]
    if main_props:
        mod.main_class = _interpolate(props[main_props[0]], props)
        mod.main_evidence = (f"<{main_props[0]}> names the main class", _line(tree, rel, f"<{main_props[0]}>"))
    for plugin in list(root.findall("build/plugins/plugin")):
        artifact = _text(plugin, "artifactId") or ""
        config_nodes = [plugin.find("configuration")] + [e.find("configuration") for e in plugin.findall("executions/execution")]
        configs = [c for c in config_nodes if c is not None]
        if artifact == "maven-compiler-plugin" and not mod.java:
            for c in configs:
                for key in ("release", "target", "source"):
                    release = _java_release(_interpolate(_text(c, key), props))
                    if release:
                        mod.java = (release, f"the compiler plugin's <{key}>", _line(tree, rel, f"<{key}>"))
                        break
        elif artifact == "spring-boot-maven-plugin":
            mod.boot = True
            for c in configs:
                main = _text(c, "mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("spring-boot-maven-plugin names the main class", _line(tree, rel, "<mainClass>"))
                if _text(c, "classifier"):  # the repackaged jar is attached, the plain one keeps the name
                    mod.fat_classifier = _text(c, "classifier")
        elif artifact == "maven-shade-plugin":
            mod.shaded = True
            for c in configs:
                main = _text(c, "transformers/transformer/mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("maven-shade-plugin's ManifestResourceTransformer names the main class",
                                         _line(tree, rel, "<mainClass>"))
                if (_text(c, "shadedArtifactAttached") or "").lower() == "true":
                    mod.fat_classifier = _text(c, "shadedClassifierName") or "shaded"
                if _text(c, "finalName"):
                    final_name = _interpolate(_text(c, "finalName"), props)
        elif artifact == "maven-assembly-plugin":
            refs = [r.text.strip() for c in configs for r in c.findall("descriptorRefs/descriptorRef") if r.text]
            if "jar-with-dependencies" in refs:
                mod.shaded = True
                mod.fat_classifier = "jar-with-dependencies"
            for c in configs:
                main = _text(c, "archive/manifest/mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("maven-assembly-plugin's manifest names the main class",
                                         _line(tree, rel, "<mainClass>"))
        elif artifact == "maven-jar-plugin":
            for c in configs:
                main = _text(c, "archive/manifest/mainClass")
                if main:
                    mod.main_class = _interpolate(main, props)
                    mod.main_evidence = ("maven-jar-plugin's manifest names the main class",
                                         _line(tree, rel, "<mainClass>"))
    # (spring-boot-starter-parent alone doesn't repackage: the plugin has to be declared)

    base = final_name or (f"{mod.artifact}-{version}" if mod.artifact and version else None)
    if base and "${" not in base:
        mod.jar_name = f"{base}-{mod.fat_classifier}.jar" if mod.fat_classifier else f"{base}.jar"
    mod.props = props  # type: ignore[attr-defined]
    return mod


# -- Gradle -------------------------------------------------------------------
def read_gradle(tree: SourceTree, rel: str) -> Module:
    text = tree.read(rel)
    if text is None:
        raise ValueError(f"{rel}: can't be read as UTF-8 text")
    mod = Module(posixpath.dirname(rel), rel)
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    code = re.sub(r"(?m)^\s*//.*$", "", code)
    mod.boot = bool(_BOOT_GRADLE.search(code))
    mod.shaded = bool(_SHADOW_GRADLE.search(code))
    mod.application = bool(_APPLICATION_GRADLE.search(code))
    m = _GRADLE_MAIN.search(text)
    if m:
        mod.main_class = m.group(1)
        mod.main_evidence = (f"{rel} names the main class", line_of(text, m.start()))
    m = _GRADLE_JAVA.search(code)
    if m:
        release = next(g for g in m.groups() if g)
        mod.java = (release, f"{m.group(0).strip()}", _line(tree, rel, m.group(0)))
    for m in _GRADLE_DEP.finditer(text):
        if m.group(1) in ("compileOnly", "testImplementation", "testRuntimeOnly", "developmentOnly",
                          "annotationProcessor"):
            continue
        mod.deps.append((f"{m.group(2)}:{m.group(3)}", rel, line_of(text, m.start())))
    return mod


def gradle_subprojects(tree: SourceTree, settings: str | None) -> list[str]:
    if not settings:
        return []
    found = []
    for m in _GRADLE_INCLUDE.finditer(tree.read(settings) or ""):
        for name in re.findall(r"""["']:?([\w.:/-]+)["']""", m.group(1)):
            found.append(name.replace(":", "/"))
    return found


# -- source facts ----------------------------------------------------------------
def java_sources(tree: SourceTree, module_dir: str = "") -> list[str]:
    prefix = f"{module_dir}/" if module_dir else ""
    files = [f for f in tree.with_suffix(".java", ".kt") if f.startswith(prefix)]
    return [f for f in files if "/src/test/" not in f"/{f}" and "/test/" not in f"/{f}"]


def find_main_classes(tree: SourceTree, files: list[str]) -> list[tuple[str, str, int]]:
    found = []
    for rel, line, _ in tree.grep(_MAIN_METHOD, [f for f in files if f.endswith(".java")]):
        pkg = _PACKAGE.search(tree.read(rel) or "")
        cls = posixpath.splitext(posixpath.basename(rel))[0]
        found.append(((pkg.group(1) + "." if pkg else "") + cls, rel, line))
    return found


def config_files(tree: SourceTree, module_dir: str = "") -> list[str]:
    prefix = f"{module_dir}/" if module_dir else ""
    return [f for f in tree.files if f.startswith(prefix) and "/src/main/resources/" in f"/{f}"
            and re.search(r"/(application|bootstrap)(-[\w]+)?\.(properties|ya?ml)$", f"/{f}")]


def _port_value(profile: Profile, raw: str, rel: str, line: int, why: str) -> bool:
    raw = raw.strip().strip("'\"")
    m = re.fullmatch(r"\$\{([A-Za-z_][\w.]*)(?::(\d{2,5}))?\}", raw)
    if m:
        if m.group(2):
            profile.add_port(int(m.group(2)), f"{why}: {raw}", rel, line, 0.9)
        if re.fullmatch(r"[A-Z_][A-Z0-9_]*", m.group(1)):
            profile.port_env = m.group(1)
            profile.note("port_env", f"{why} takes {m.group(1)} from the environment", rel, line)
        return bool(m.group(2))
    if raw.isdigit():
        profile.add_port(int(raw), f"{why}: {raw}", rel, line, 0.95)
        return True
    return False


def read_settings(tree: SourceTree, files: list[str], profile: Profile) -> None:
    """server.port and ${ENV:default} placeholders of application.properties / .yml."""
    for rel in sorted(files, key=lambda f: (("-" in posixpath.basename(f)), f)):  # the base profile first
        # comments out, keeping the line numbers
        text = re.sub(r"(?m)^[ \t]*[#!].*$", "", tree.read(rel) or "")
        if rel.endswith((".yml", ".yaml")):
            raw = _yaml_server_port(text)
            line = next((line_of(text, m.start()) for m in _YAML_PORT_LINE.finditer(text)
                         if raw is not None and m.group(1).strip("'\"") == raw), None)
            if raw is not None and not profile.ports:
                _port_value(profile, raw, rel, line or 1, f"server.port in {rel}")
        for m in _SERVER_PORT_PROP.finditer(text):
            if not profile.ports:
                _port_value(profile, m.group(1), rel, line_of(text, m.start(1)), f"server.port in {rel}")
        for m in _PLACEHOLDER.finditer(text):
            name, default = m.group(1), m.group(2)
            if name in SYSTEM_ENV:
                continue
            _record(profile, name, default, rel, line_of(text, m.start()), "a ${...} placeholder in " + rel)


def _yaml_server_port(text: str) -> str | None:
    """server.port of a Spring YAML file (any of its documents), as written."""
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        server = doc.get("server")
        port = server.get("port") if isinstance(server, dict) else doc.get("server.port")
        if port is not None:
            return str(port)
    return None


def _record(profile: Profile, name: str, default: str | None, rel: str, line: int, why: str) -> None:
    secret = is_secret(name, default)
    if default == "":
        default = None
    profile.add_env(name, None if secret else default, secret)
    profile.note("env", f"{name}: {why}" + (" (a secret)" if secret else ""), rel, line)


def read_source(tree: SourceTree, files: list[str], profile: Profile) -> None:
    for rel, line, m in tree.grep(_GETENV, files):
        name = m.group(1) or m.group(3)
        if name in SYSTEM_ENV:
            continue
        _record(profile, name, m.group(2), rel, line, "System.getenv" + (" with a default" if m.group(2) else ""))
        if is_port_name(name) and not profile.port_env:
            profile.port_env = name
            profile.note("port_env", f"the port is read from {name}", rel, line)
            if m.group(2) and m.group(2).isdigit():
                profile.add_port(int(m.group(2)), f"{name} defaults to {m.group(2)}", rel, line, 0.9)
    if not profile.ports:
        for rel, line, m in tree.grep(_PORT_LITERAL, files):
            port = next(int(g) for g in m.groups() if g)
            profile.add_port(port, f"a literal port in the source: {m.group(0).strip()}", rel, line, 0.8)
            break
    for rel, line, m in tree.grep(_ABS_FILE, files):
        path = m.group(1)
        if path.startswith(("/etc/", "/proc/", "/sys/", "/dev/", "/tmp", "/usr/")):
            continue
        folder = path if "." not in posixpath.basename(path) else posixpath.dirname(path)
        if folder and folder != "/" and folder not in profile.writable_paths:
            profile.writable_paths.append(folder)
            profile.note("writable_paths", f"the app uses files under {folder}", rel, line, 0.6)


# -- the analyzer ----------------------------------------------------------------
def _build_tool(tree: SourceTree) -> tuple[str | None, str | None]:
    gradle = tree.first(*GRADLE_FILES)
    if tree.exists("pom.xml"):
        return "maven", "pom.xml"
    if gradle:
        return "gradle", gradle
    return None, None


def detect(tree: SourceTree) -> Detection | None:
    tool, manifest = _build_tool(tree)
    if not tool:
        return None
    det = Detection("java", 90, [Evidence(f"{manifest} is a {tool.capitalize()} build", manifest, None, 0.9)])
    try:
        mods = _modules(tree, tool, manifest)
    except ValueError:
        return det
    if any(m.runs for m in mods):
        det.score = 100
        det.evidence.append(Evidence("the build makes a runnable jar (Spring Boot, shaded, main class)",
                                     manifest, None, 0.95))
    elif tool == "maven" and find_main_classes(tree, java_sources(tree)):
        det.score = 95
    return det


def _modules(tree: SourceTree, tool: str, manifest: str) -> list[Module]:
    if tool == "maven":
        root = read_pom(tree, manifest)
        mods = [root]
        for name in root.modules:
            rel = f"{name.rstrip('/')}/pom.xml"
            if tree.exists(rel):
                mods.append(read_pom(tree, rel, root.props))  # type: ignore[attr-defined]
        return mods
    root = read_gradle(tree, manifest)
    mods = [root]
    for sub in gradle_subprojects(tree, tree.first(*SETTINGS_FILES)):
        rel = tree.first(f"{sub}/build.gradle.kts", f"{sub}/build.gradle")
        if rel:
            mods.append(read_gradle(tree, rel))
    return mods


def _pick_module(tree: SourceTree, mods: list[Module]) -> Module:
    """The module whose jar runs: Spring Boot, then fat jars, then a main class."""
    for test in (lambda m: m.boot, lambda m: m.shaded, lambda m: m.application, lambda m: bool(m.main_class)):
        found = [m for m in mods if test(m) and m.packaging != "pom"]
        if found:
            return found[0]
    leaves = [m for m in mods if m.packaging != "pom"] or mods
    for mod in leaves:
        if find_main_classes(tree, java_sources(tree, mod.dir)):
            return mod
    return leaves[0]


def _framework(deps: list[str], boot: bool) -> str | None:
    if boot:
        return "spring-boot"
    names = {d.split(":", 1)[1] for d in deps}
    return next((fw for artifact, fw in FRAMEWORKS if artifact in names), None)


def _copy_jar_cmd(folder: str, exact: str | None, tool: str) -> str:
    """Shell that puts the runnable jar of `folder` at /out/app.jar."""
    if exact:
        return f"cp {folder}/{exact} /out/app.jar"
    excluded = ["original-*", "*-sources.jar", "*-javadoc.jar", "*-tests.jar", "*-plain.jar"]
    conds = " ".join(f"! -name '{pat}'" for pat in excluded)
    return f"find {folder} -maxdepth 1 -name '*.jar' {conds} -exec cp {{}} /out/app.jar \\;"


def analyze(tree: SourceTree, profile: Profile) -> None:
    tool, manifest = _build_tool(tree)
    if not tool:
        raise ValueError(f"{tree.root}: no pom.xml or build.gradle[.kts]: not a Maven or Gradle project")
    mods = _modules(tree, tool, manifest)
    app = _pick_module(tree, mods)
    profile.package_manager = tool
    profile.note("package_manager", f"{manifest} is a {tool.capitalize()} build", manifest, None, 1.0)
    profile.compiled = True

    # dependencies (all modules: libraries of sibling modules end up in the app)
    deps = [d for m in mods for d in m.deps]
    profile.dependencies = list(dict.fromkeys(d[0] for d in deps))
    for name, rel, line in deps:
        profile.note("dependencies", f"{name} is declared", rel, line, 1.0)
    add_services_from_dependencies(profile, deps)

    # Java release
    java = app.java or next((m.java for m in mods if m.java), None)
    if java:
        profile.runtime_version = java[0]
        profile.note("runtime_version", f"Java {java[0]} ({java[1]})", app.build_file if app.java else manifest,
                     java[2], 1.0)
    else:
        profile.runtime_version = DEFAULT_JAVA
        profile.note("runtime_version", f"no Java release in the build; the current LTS ({DEFAULT_JAVA}) assumed",
                     confidence=0.5)

    # the build tool's version: the wrapper pins it
    wrapper = False
    tool_version = DEFAULT_MAVEN if tool == "maven" else DEFAULT_GRADLE
    props_file = ".mvn/wrapper/maven-wrapper.properties" if tool == "maven" else "gradle/wrapper/gradle-wrapper.properties"
    m = (_WRAPPER_MAVEN if tool == "maven" else _WRAPPER_GRADLE).search(tree.read(props_file) or "")
    if m:
        tool_version = m.group(1)
        profile.note("package_manager", f"the wrapper pins {tool.capitalize()} {m.group(1)}", props_file,
                     _line(tree, props_file, "distributionUrl"), 1.0)
    if tool == "gradle" and tree.exists("gradlew") and tree.exists("gradle/wrapper/gradle-wrapper.jar"):
        wrapper = True

    # framework, main class
    profile.framework = _framework(profile.dependencies, app.boot)
    if profile.framework:
        profile.note("framework", f"{profile.framework} ({'its build plugin' if app.boot else 'a dependency'})",
                     app.build_file, None, 0.95)
    if profile.framework == "quarkus":
        profile.warnings.append("Quarkus builds target/quarkus-app/, not one jar: set quarkus.package.jar.type="
                                "uber-jar so the image can run the jar")
    if app.packaging == "war" and not app.boot:
        profile.warnings.append(f"{app.build_file} packages a war: it needs a servlet container, which this "
                                "image does not provide")
    sources = java_sources(tree, app.dir) or java_sources(tree)
    mains = find_main_classes(tree, sources)
    main_class = app.main_class
    if main_class and app.main_evidence:
        profile.note("entrypoint", app.main_evidence[0] + f" ({main_class})", app.build_file, app.main_evidence[1], 1.0)
    elif mains:
        main_class = mains[0][0]
        profile.note("entrypoint", f"{main_class} has a main method", mains[0][1], mains[0][2],
                     0.9 if len(mains) == 1 else 0.5)

    # jar and how it runs
    mod_dir = f"{app.dir}/" if app.dir else ""
    has_deps = bool(app.deps) or any(m.deps for m in mods if m is not app)
    if tool == "maven":
        select = f" -pl {app.dir} -am" if app.dir else ""
        goals = "package"
        jar_mode = "jar"
        if not (app.boot or app.shaded) and has_deps:
            goals = "package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib"
            jar_mode = "classpath"
        elif not (app.boot or app.shaded or app.main_class):
            jar_mode = "classpath"  # no Main-Class in the manifest: name the class on the command line
        package = f"mvn -B -q {goals} -DskipTests{select}"
        copy = _copy_jar_cmd(f"{mod_dir}target", app.jar_name, tool)
        if jar_mode == "classpath" and has_deps:
            copy += f" && cp -r {mod_dir}target/lib /out/lib"
        dep_copies = [(m.build_file, posixpath.dirname(m.build_file) + "/" if m.dir else "./") for m in mods]
        if tree.isdir(".mvn"):
            dep_copies.insert(0, (".mvn", ".mvn"))
        resolve = f"mvn -B -q dependency:resolve{select}"
        build_cmd = ["mvn", "-B", *goals.split(), "-DskipTests"]
    else:
        gradle = "./gradlew" if wrapper else "gradle"
        task_prefix = f":{app.dir.replace('/', ':')}:" if app.dir else ""
        libs = f"{mod_dir}build/libs"
        if app.boot:
            task, jar_mode = "bootJar", "jar"
            copy = _copy_jar_cmd(libs, None, tool)
        elif app.shaded:
            task, jar_mode = "shadowJar", "jar"
            copy = f"find {libs} -maxdepth 1 -name '*-all.jar' -exec cp {{}} /out/app.jar \\;"
        elif app.application or has_deps:
            task, jar_mode = "installDist", "dist"
            copy = f"cp -r {mod_dir}build/install/*/lib /out/lib"
        else:
            task, jar_mode = "jar", "jar" if app.main_class else "classpath"
            copy = _copy_jar_cmd(libs, None, tool)
        chmod = "chmod +x gradlew && " if wrapper else ""
        package = f"{chmod}{gradle} --no-daemon -q {task_prefix}{task}"
        resolve = f"{chmod}{gradle} --no-daemon -q {task_prefix}dependencies > /dev/null"
        settings = tree.first(*SETTINGS_FILES)
        roots = [f for f in (manifest, settings, "gradle.properties") if f and tree.exists(f)]
        if wrapper:
            roots.insert(0, "gradlew")
        dep_copies = [(" ".join(roots), "./")]
        if tree.isdir("gradle"):
            dep_copies.append(("gradle", "gradle"))
        if tree.isdir("buildSrc"):
            dep_copies.append(("buildSrc", "buildSrc"))
        dep_copies += [(m.build_file, posixpath.dirname(m.build_file) + "/") for m in mods if m.dir]
        build_cmd = [gradle, "--no-daemon", f"{task_prefix}{task}"]
        profile.note("build_command", f"{task}: " + {
            "bootJar": "the Spring Boot plugin's executable jar (not the -plain.jar)",
            "shadowJar": "the Shadow plugin's fat jar (-all.jar)",
            "installDist": "the application plugin's distribution (the jar and its libraries)",
            "jar": "a plain jar"}[task], app.build_file, None, 0.9)
    if tool == "maven":
        kind = ("Spring Boot's repackaged executable jar" if app.boot else
                "the shaded/assembled jar" if app.shaded else
                "the jar (Main-Class in its manifest)" if jar_mode == "jar" else
                "the jar plus its runtime dependencies (target/lib)" if has_deps else "the jar")
        profile.note("build_command", f"mvn package makes {kind}: {app.jar_name or 'found under target/'}",
                     app.build_file, None, 0.9 if app.jar_name else 0.7)
    profile.build_command = build_cmd

    if jar_mode != "jar" and not main_class:
        raise ValueError(f"{app.build_file}: no main class found (no Spring Boot plugin, no Main-Class in a "
                         "manifest, no `public static void main` under src/main/java); "
                         "use --set entrypoint='java -cp /app/app.jar:/app/lib/* com.example.Main'")
    if jar_mode == "jar":
        entry = ["java", *JVM_FLAGS, "-jar", APP_JAR]
    elif jar_mode == "dist":
        entry = ["java", *JVM_FLAGS, "-cp", "/app/lib/*", main_class]
    else:
        cp = APP_JAR + (":/app/lib/*" if has_deps else "")
        entry = ["java", *JVM_FLAGS, "-cp", cp, main_class]
    profile.entrypoint = entry

    # ports, env, paths
    read_settings(tree, config_files(tree, app.dir) or config_files(tree), profile)
    read_source(tree, sources, profile)
    read_dotenv_example(tree, profile)
    if not profile.ports and profile.framework in DEFAULT_PORTS:
        port = DEFAULT_PORTS[profile.framework]
        profile.add_port(port, f"{profile.framework}'s default port", None, None, 0.7)
    if profile.port_env and profile.ports:
        var = profile.add_env(profile.port_env, str(profile.ports[0]))
        var.default = var.default or str(profile.ports[0])
    link_service_env(profile)
    if profile.ports:
        actuator = next((d for d in deps if d[0].endswith(":spring-boot-starter-actuator")), None)
        if actuator:
            profile.health_path = "/actuator/health"
            profile.note("health_path", "Spring Boot Actuator's health endpoint", actuator[1], actuator[2], 0.85)
        else:
            choose_health_path(profile, _routes(tree, sources))

    profile.build = {
        "tool": tool,
        "tool_version": tool_version,
        "wrapper": wrapper,
        "dep_copies": dep_copies,
        "resolve": resolve,
        "package": package,
        "copy_artifact": copy,
        "jar_mode": jar_mode,
        "main_class": main_class,
        "app_jar": APP_JAR,
        "workdir": WORKDIR,
    }


_ROUTE = re.compile(r'(?:createContext|@(?:Get|Request)Mapping|\.get)\(\s*(?:value\s*=\s*|path\s*=\s*)?"(/[\w/.-]*)"')


def _routes(tree: SourceTree, files: list[str]) -> list[tuple[str, str, int]]:
    return [(m.group(1), rel, line) for rel, line, m in tree.grep(_ROUTE, files)]


# -- a new project (containerize init) -------------------------------------------------
NEW_MAIN = "com.example.App"
# the framework answer -> (framework, build tool); other frameworks build like a plain Maven app
NEW_KINDS = {"spring-boot": ("spring-boot", "maven"), "none": (None, "maven"), "maven": (None, "maven"),
             "gradle": (None, "gradle")}
# Spring Boot binds server.port from SERVER_PORT; a plain app is told its port in PORT
NEW_PORT_ENV = {"spring-boot": "SERVER_PORT"}
GRADLE_BUILD_FILES = "build.gradle* settings.gradle* gradle.properties*"  # whichever of them the project has
COPY_DEPS = "dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib"


def _answered(profile: Profile, key: str) -> bool:
    """True when an answer (--set, saved, asked) set ``key``, not the new project's defaults."""
    return origin_of(profile, key) != DETECTED


def _new_main_class(argv: list[str]) -> str | None:
    """The class a `java -cp ... CLASS` command runs (None for `java -jar`)."""
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-jar", "--jar"):
            return None
        if arg in ("-cp", "-classpath", "--class-path"):
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _new_shape(profile: Profile) -> tuple[str, str]:
    """(build tool, jar mode) of the new project."""
    tool = profile.package_manager or "maven"
    if tool not in ("maven", "gradle"):
        raise AnalysisError(f"package_manager={tool}: a new Java project is built with maven or gradle")
    if profile.framework == "spring-boot":
        return tool, "jar"
    return tool, "classpath" if tool == "maven" else "dist"


def _new_entry(mode: str, main: str) -> list[str]:
    return {"jar": ["java", *JVM_FLAGS, "-jar", APP_JAR],
            "classpath": ["java", *JVM_FLAGS, "-cp", f"{APP_JAR}:/app/lib/*", main],
            "dist": ["java", *JVM_FLAGS, "-cp", "/app/lib/*", main]}[mode]


def _new_defaults(profile: Profile, framework: str | None) -> None:
    fw, tool = NEW_KINDS.get(framework or "none", (framework, "maven"))
    profile.framework = fw
    profile.package_manager = tool
    profile.note("package_manager", f"a new project: {tool.capitalize()}"
                 + (" builds the Spring Boot jar" if fw == "spring-boot" else ""), confidence=0.5)
    profile.compiled = True
    profile.runtime_version = DEFAULT_JAVA
    profile.note("runtime_version", f"a new project: the current LTS, Java {DEFAULT_JAVA}", confidence=0.5)
    port = DEFAULT_PORTS.get(fw or "")
    if port:
        profile.ports = [port]
        profile.note("ports", f"a new {fw} app: {fw}'s default port {port}", confidence=0.5)
        profile.health_path = "/"
        profile.note("health_path", "a new web app: probing / (any answer below 500 is healthy)", confidence=0.5)
    profile.entrypoint = _new_entry(_new_shape(profile)[1], NEW_MAIN)
    profile.note("entrypoint", "a new project: " + ("the executable jar" if fw == "spring-boot" else
                 f"the jar and its libraries, main class {NEW_MAIN}"), confidence=0.5)
    profile.build = {"tool": tool, "workdir": WORKDIR, "app_jar": APP_JAR}


def _new_finish(profile: Profile) -> None:
    """The build follows the answers: framework, build tool, Java version, port, start command."""
    if profile.framework in NEW_KINDS and NEW_KINDS[profile.framework][0] is None:
        profile.framework = None  # "none", "maven", "gradle" name the build, not a framework
    tool, mode = _new_shape(profile)
    if not re.fullmatch(r"\d+", profile.runtime_version or ""):
        raise AnalysisError(f"runtime_version={profile.runtime_version}: a Java release, e.g. 17 or 21")
    main = _new_main_class(profile.entrypoint) or NEW_MAIN
    # a start command that is one of the defaults follows the build (e.g. after the framework changed)
    if not _answered(profile, "entrypoint") or profile.entrypoint in [_new_entry(m, main) for m in
                                                                   ("jar", "classpath", "dist")]:
        profile.entrypoint = _new_entry(mode, main)
    boot = profile.framework == "spring-boot"
    if profile.ports and not profile.port_env and not _answered(profile, "port_env"):
        profile.port_env = NEW_PORT_ENV.get(profile.framework or "", "PORT")
        profile.note("port_env", f"a new server: it listens on the port in {profile.port_env}"
                     + (" (Spring Boot reads it as server.port)" if boot else ""), confidence=0.5)
    if profile.ports and profile.port_env:
        profile.add_env(profile.port_env).default = str(profile.ports[0])
    if tool == "maven":
        goals = "package" if boot else f"package {COPY_DEPS}"
        copy = _copy_jar_cmd("target", None, tool)
        if not boot:
            copy += " && test -s /out/app.jar && mkdir -p target/lib && cp -r target/lib /out/lib"
        steps = {"dep_copies": [("pom.xml", "./")], "resolve": "mvn -B -q dependency:resolve",
                 "package": f"mvn -B -q {goals} -DskipTests", "copy_artifact": copy}
        profile.build_command = ["mvn", "-B", *goals.split(), "-DskipTests"]
    else:
        task = "bootJar" if boot else "installDist"
        copy = _copy_jar_cmd("build/libs", None, tool) if boot else "cp -r build/install/*/lib /out/lib"
        steps = {"dep_copies": [(GRADLE_BUILD_FILES, "./")],
                 "resolve": "gradle --no-daemon -q dependencies > /dev/null",
                 "package": f"gradle --no-daemon -q {task}", "copy_artifact": copy}
        profile.build_command = ["gradle", "--no-daemon", task]
    profile.build.update(steps, tool=tool, tool_version=DEFAULT_MAVEN if tool == "maven" else DEFAULT_GRADLE,
                         wrapper=False, jar_mode=mode, main_class=None if mode == "jar" else main,
                         next_steps=_new_steps(profile, tool, main))


def _new_steps(profile: Profile, tool: str, main: str) -> list[str]:
    """What the person writes before the first build (README.Docker.md lists it)."""
    boot = profile.framework == "spring-boot"
    release = profile.runtime_version
    if tool == "maven" and boot:
        steps = ["`pom.xml`: a Spring Boot project (parent `spring-boot-starter-parent`, `spring-boot-starter-web`) "
                 "that declares the `spring-boot-maven-plugin`, which makes the executable jar the image runs "
                 f"(<https://start.spring.io> makes one; Java {release})"]
    elif tool == "maven":
        steps = [f"`pom.xml`: a Maven project with `<maven.compiler.release>{release}</maven.compiler.release>`; "
                 "`mvn package` makes its jar, and its runtime dependencies are copied next to it"]
    elif boot:
        steps = ["`build.gradle.kts` (or `build.gradle`) with the `org.springframework.boot` plugin: "
                 f"`gradle bootJar` makes the jar the image runs (Java toolchain {release})"]
    else:
        steps = ["`build.gradle.kts` (or `build.gradle`) with the `application` plugin and "
                 f"`application {{ mainClass = \"{main}\" }}`: `gradle installDist` makes the jars the image runs "
                 f"(Java toolchain {release}); a `settings.gradle.kts` names the project"]
    if boot:
        steps.append("`src/main/java/.../Application.java`: the `@SpringBootApplication` class")
    else:
        steps.append(f"`src/main/java/{main.replace('.', '/')}.java`: the class `{main}` with "
                     "`public static void main(String[] args)`")
    if profile.ports:
        port = profile.ports[0]
        if profile.port_env:
            steps.append(f"the server listens on the port in the `{profile.port_env}` env var ({port} in the image)"
                         + (": Spring Boot reads it by itself" if profile.port_env == "SERVER_PORT" else ""))
        else:
            steps.append(f"the server listens on port {port}")
    return steps


STARTER = Starter(
    [("spring-boot", "Spring Boot (Maven; --set package_manager=gradle for Gradle)"),
     ("none", "none: plain Java on the JDK, built with Maven"),
     ("gradle", "none: plain Java on the JDK, built with Gradle (application plugin)")],
    _new_defaults, _new_finish)

ANALYZER = Analyzer("java", detect, analyze, starter=STARTER)
