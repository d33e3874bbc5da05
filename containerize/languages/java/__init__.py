"""Java: Maven and Gradle projects (Spring Boot, executable and shaded jars, the application plugin).

What the image needs is read from the build files (maven.py, gradle.py): the build tool and its
version (wrappers name them), the Java release, which task makes the jar that runs and where it
lands, the main class. Ports and env vars come from Spring style ``application.properties``/``.yml``
(settings.py) and from the sources' parse trees (source.py); plan.py is what the Dockerfile reads,
starter.py a new project's defaults.
"""
from __future__ import annotations

import posixpath
import re

from ... import image_tags
from ...envvars import read_dotenv_example
from ...profile import Evidence, Profile
from ...scan import SourceTree
from ...services import add_services_from_dependencies, link_service_env
from ...workers import add_image_procfile_workers, procfile_processes
from ..base import Analyzer, Detection, submodules
from ..common import choose_health_path
from .module import Module, build_tool, read_modules

# loaded when this language's analysis runs, not while the languages of a tree are detected
settings, source, kotlin_source, build, gradle, plan, starter = submodules(
    __name__, "settings", "source", "kotlin", "build", "gradle", "plan", "starter")

__all__ = ["ANALYZER", "Module"]

# artifact (group:artifact or artifact) -> framework name, strongest first
# the static page each framework serves at / when the project has one
STATIC_INDEXES = {"quarkus": ("src/main/resources/META-INF/resources/index.html",),
                  "spring-boot": ("src/main/resources/static/index.html", "src/main/resources/public/index.html")}
FRAMEWORKS = (
    ("spring-boot-starter-web", "spring-boot"), ("spring-boot-starter-webflux", "spring-boot"),
    ("spring-boot-starter", "spring-boot"), ("quarkus-core", "quarkus"), ("micronaut-http-server-netty", "micronaut"),
    ("javalin", "javalin"), ("javalin-bundle", "javalin"), ("spark-core", "spark"), ("vertx-web", "vertx"), ("dropwizard-core", "dropwizard"),
    ("helidon-webserver", "helidon"),
)


def java_sources(tree: SourceTree, module_dir: str = "") -> list[str]:
    prefix = f"{module_dir}/" if module_dir else ""
    files = [f for f in tree.with_suffix(".java", ".kt") if f.startswith(prefix)]
    return [f for f in files if "/src/test/" not in f"/{f}" and "/test/" not in f"/{f}"]


def detect(tree: SourceTree) -> Detection | None:
    tool, manifest = build_tool(tree)
    if not tool:
        return None
    det = Detection("java", 90, [Evidence(f"{manifest} is a {tool.capitalize()} build", manifest, None, 0.9)])
    try:
        mods = read_modules(tree, tool, manifest)
    except ValueError:
        return det
    if any(m.runs for m in mods):
        det.score = 100
        det.evidence.append(Evidence("the build makes a runnable jar (Spring Boot, shaded, main class)",
                                     manifest, None, 0.95))
    elif tool == "maven" and source.find_main_classes(tree, java_sources(tree)):
        det.score = 95
    return det


def _pick_module(tree: SourceTree, mods: list[Module]) -> Module:
    """The module whose jar runs: Spring Boot, then fat jars, then a main class."""
    for test in (lambda m: m.boot, lambda m: m.quarkus, lambda m: m.shaded, lambda m: m.application, lambda m: bool(m.main_class)):
        found = [m for m in mods if test(m) and m.packaging != "pom"]
        if len(found) > 1:  # a library module inherits the parent's plugin too: the one with a main class runs
            found = [m for m in found if m.main_class or source.find_main_classes(tree, java_sources(tree, m.dir))] \
                or found
        if found:
            return found[0]
    leaves = [m for m in mods if m.packaging != "pom"] or mods
    for mod in leaves:
        if source.find_main_classes(tree, java_sources(tree, mod.dir)):
            return mod
    return leaves[0]


def _framework(deps: list[str], boot: bool, quarkus: bool = False) -> str | None:
    if boot:
        return "spring-boot"
    if quarkus or any(d.startswith("io.quarkus:") for d in deps):
        return "quarkus"
    names = {d.split(":", 1)[1] for d in deps}
    return next((fw for artifact, fw in FRAMEWORKS if artifact in names), None)


def analyze(tree: SourceTree, profile: Profile) -> None:
    tool, manifest = build_tool(tree)
    if not tool:
        raise ValueError(f"{tree.root}: no pom.xml or build.gradle[.kts]: not a Maven or Gradle project")
    mods = read_modules(tree, tool, manifest)
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
        choice = image_tags.choose("eclipse-temurin", java[0])
        profile.runtime_version = choice.version
        profile.note("runtime_version", f"Java {java[0]} ({java[1]})" + (f"; {choice.note}" if choice.note else ""),
                     app.build_file if app.java else manifest, java[2], 1.0)
        if choice.note:
            profile.warnings.append(f"Java {java[0]}: {choice.note} (the image's JDK compiles with --release "
                                    "only up to its own version)")
    else:
        profile.runtime_version = starter.DEFAULT_JAVA
        profile.note("runtime_version",
                     f"no Java release in the build; the current LTS ({starter.DEFAULT_JAVA}) assumed", confidence=0.5)

    # the build tool's version: the wrapper pins it
    wrapper = False
    tool_version = starter.DEFAULT_MAVEN if tool == "maven" else starter.DEFAULT_GRADLE
    props_file = ".mvn/wrapper/maven-wrapper.properties" if tool == "maven" else "gradle/wrapper/gradle-wrapper.properties"
    pinned = gradle.wrapper_version(tree.read(props_file) or "", tool == "maven")
    if pinned:
        tool_version = pinned[0]
        profile.note("package_manager", f"the wrapper pins {tool.capitalize()} {pinned[0]}", props_file,
                     pinned[1], 1.0)
    if tool == "gradle" and tree.exists("gradlew") and tree.exists("gradle/wrapper/gradle-wrapper.jar"):
        wrapper = True
    tool_version = _published_tool(profile, tool, tool_version, pinned is not None, wrapper, props_file)

    # framework, main class
    profile.framework = _framework(profile.dependencies, app.boot, app.quarkus) or (
        "micronaut" if app.micronaut_server else None)
    if profile.framework:
        plugin = app.boot or app.quarkus or profile.framework == "micronaut" and app.micronaut_server
        profile.note("framework", f"{profile.framework} ({'its build plugin' if plugin else 'a dependency'})",
                     app.build_file, None, 0.95)
    if profile.framework == "quarkus" and not app.quarkus:
        profile.warnings.append("Quarkus builds target/quarkus-app/, not one jar: set quarkus.package.jar.type="
                                "uber-jar so the image can run the jar")
    if app.packaging == "war" and not app.boot:
        profile.warnings.append(f"{app.build_file} packages a war: it needs a servlet container, which this "
                                "image does not provide")
    sources = java_sources(tree, app.dir) or java_sources(tree)
    src = source.JavaSource(tree, sources)
    mains = src.main_classes()
    main_class = app.main_class
    if main_class and app.main_evidence:
        profile.note("entrypoint", app.main_evidence[0] + f" ({main_class})", app.build_file, app.main_evidence[1], 1.0)
    elif mains:
        main_class = mains[0][0]
        profile.note("entrypoint", f"{main_class} has a main method", mains[0][1], mains[0][2],
                     0.9 if len(mains) == 1 else 0.5)

    # jar and how it runs
    steps = build.jar_steps(tree, profile, tool, manifest, mods, app, wrapper)
    jar_mode, has_deps = steps.jar_mode, steps.has_deps

    if jar_mode not in ("jar", "quarkus") and not main_class:
        raise ValueError(f"{app.build_file}: no main class found (no Spring Boot plugin, no Main-Class in a "
                         "manifest, no `public static void main` under src/main/java); "
                         "use --set entrypoint='java -cp /app/app.jar:/app/lib/* com.example.Main'")
    if jar_mode == "quarkus":
        entry = ["java", *starter.JVM_FLAGS, "-jar", build.QUARKUS_APP]
    elif jar_mode == "jar":
        entry = ["java", *starter.JVM_FLAGS, "-jar", plan.APP_JAR]
    elif jar_mode == "dist":
        entry = ["java", *starter.JVM_FLAGS, "-cp", "/app/lib/*", main_class]
    else:
        cp = plan.APP_JAR + (":/app/lib/*" if has_deps else "")
        entry = ["java", *starter.JVM_FLAGS, "-cp", cp, main_class]
    profile.entrypoint = entry
    # a Procfile process that runs the app's jar (or one of its classes) with other arguments: a worker
    add_image_procfile_workers(tree, profile, _runs_the_jar(tree, entry, jar_mode, profile.framework))

    # ports, env, paths
    config = settings.config_files(tree, app.dir) or settings.config_files(tree)
    settings.read_settings(tree, config, profile)
    source.read_source(profile, src)
    kotlin = kotlin_source.read_kotlin(tree, sources, profile)
    read_dotenv_example(tree, profile)
    settings.inactive_profile_services(tree, config, profile.dependencies, profile)
    settings.datasource_env(tree, config, profile)
    if not profile.ports and profile.framework in starter.DEFAULT_PORTS:
        port = starter.DEFAULT_PORTS[profile.framework]
        profile.add_port(port, f"{profile.framework}'s default port", None, None, 0.7)
    if profile.framework == "quarkus" and profile.ports and not profile.port_env:
        profile.port_env = "QUARKUS_HTTP_PORT"  # Quarkus maps it to quarkus.http.port by itself
        profile.note("port_env", "Quarkus reads quarkus.http.port from QUARKUS_HTTP_PORT", confidence=0.9)
    if profile.framework == "micronaut" and profile.ports and not profile.port_env:
        profile.port_env = "MICRONAUT_SERVER_PORT"  # Micronaut's environment property source maps it
        profile.note("port_env", "Micronaut reads micronaut.server.port from MICRONAUT_SERVER_PORT", confidence=0.85)
    if profile.port_env and profile.ports:
        var = profile.add_env(profile.port_env, str(profile.ports[0]))
        var.default = var.default or str(profile.ports[0])
    link_service_env(profile)
    if profile.ports:
        actuator = next((d for d in deps if d[0].endswith(":spring-boot-starter-actuator")), None)
        health = next((d for d in deps if d[0] == "io.quarkus:quarkus-smallrye-health"), None)
        if actuator:
            profile.health_path = "/actuator/health"
            profile.note("health_path", "Spring Boot Actuator's health endpoint", actuator[1], actuator[2], 0.85)
        elif health and profile.framework == "quarkus":
            profile.health_path = "/q/health"
            profile.note("health_path", "SmallRye Health's endpoint (quarkus-smallrye-health)", health[1], health[2],
                         0.85)
        else:
            # a static index page the framework serves at / (Quarkus' META-INF/resources/, Spring Boot's static/)
            index = [f for f in (posixpath.join(app.dir, p) for p in STATIC_INDEXES.get(profile.framework or "", ()))
                     if tree.exists(f)]
            choose_health_path(profile, [("/", f, None) for f in index[:1]] + src.routes() + kotlin.routes())

    profile.build = plan.JavaPlan(
        tool=tool, tool_version=tool_version, wrapper=wrapper, dep_copies=steps.dep_copies, resolve=steps.resolve,
        package=steps.package, copy_artifact=steps.copy_artifact, jar_mode=jar_mode, main_class=main_class,
        app_jar=build.QUARKUS_APP if jar_mode == "quarkus" else plan.APP_JAR)
    from . import migrations  # Flyway/Liquibase: run by the app itself, or said in a warning
    migrations.detect(tree, profile)



_JAVA_CLASS = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")  # a class name from a Procfile command line
_OPTIONS_WITH_VALUE = {"-cp", "-classpath", "--class-path", "-p", "--module-path"}


def _runs_the_jar(tree: SourceTree, entry: list[str], jar_mode: str, framework: str | None):
    """A Procfile `java ... -jar target/x.jar ARGS` runs the image's jar with ARGS; `java -cp ... com.x.Worker ARGS`
    runs that class from the image's class path (not in a Spring Boot jar, whose classes sit under BOOT-INF/).
    Options and words with a variable ($JAVA_OPTS, $PORT) are the Procfile's own and are left out. The jar must be
    the one the web process runs (another jar is another build, not in the image)."""
    web = next((argv for kind, argv, _ in procfile_processes(tree) if kind == "web"), [])
    web_jar = web[web.index("-jar") + 1] if "-jar" in web[:-1] else None
    def translate(argv: list[str]) -> list[str] | None:
        if not argv or argv[0].rsplit("/", 1)[-1] != "java":
            return None
        words, skip, jar, main = argv[1:], False, None, None
        for at, word in enumerate(words):
            if skip:
                skip = False
            elif word == "-jar":
                jar = at + 1
                break
            elif word in _OPTIONS_WITH_VALUE:
                skip = True
            elif not word.startswith("-") and "$" not in word:
                main = at
                break
        if jar is not None and jar < len(words) and jar_mode in ("jar", "quarkus") and web_jar in (None, words[jar]):
            rest = words[jar + 1:]
            return entry + rest if not any("$" in a for a in rest) else None
        if main is not None and "-cp" in entry and framework != "spring-boot" and _JAVA_CLASS.fullmatch(words[main]):
            rest = words[main + 1:]
            if any("$" in a for a in rest):
                return None
            at = entry.index("-cp")
            return entry[:at + 2] + [words[main]] + rest
        if main is not None and jar_mode == "jar" and framework != "spring-boot" and _JAVA_CLASS.fullmatch(words[main]):
            at = entry.index("-jar")  # a plain or shaded jar: its classes are on its class path
            rest = words[main + 1:]
            return None if any("$" in a for a in rest) else entry[:at] + ["-cp", entry[at + 1], words[main]] + rest
        return None
    return translate

ANALYZER = Analyzer("java", detect, analyze, starter=lambda: starter.STARTER)


def _published_tool(profile: Profile, tool: str, version: str, pinned: bool, wrapper: bool, props_file: str) -> str:
    """The Maven/Gradle version of a published image for the chosen JDK; a Gradle the JDK can't run is a warning."""
    jdk = int(profile.runtime_version or starter.DEFAULT_JAVA)
    if tool == "maven":
        lines = tuple(line for line, jdks in image_tags.MAVEN_JDKS.items() if str(jdk) in jdks)
        # Maven 3 builds what an older 3.x built: the newest published line at or above the pin
        return image_tags.choose("maven", ".".join(version.split(".")[:2]), minimum=True, within=lines).version
    if wrapper or pinned:
        if not image_tags.gradle_runs_on(version, jdk):
            need = image_tags.GRADLE_MIN_FOR_JDK.get(jdk, "a newer release")
            profile.warnings.append(f"{props_file}: Gradle {version} can't run on JDK {jdk} (Java {jdk} needs Gradle "
                                    f"{need} or newer): update the wrapper (./gradlew wrapper --gradle-version "
                                    f"{image_tags.FAMILIES['gradle'].default}) or build for an older Java")
        if wrapper:
            return version
    lines = tuple(line for line in image_tags.FAMILIES["gradle"].lines if image_tags.gradle_runs_on(line, jdk))
    if not lines:
        return version
    line = ".".join(version.split(".")[:2])
    if line in lines:
        return line
    # else the same major as the pin (a new major removes APIs builds use), newest published that runs on the JDK
    choice = image_tags.choose("gradle", f"~>{version.split('.')[0]}.0" if pinned else None, within=lines)
    return choice.version
