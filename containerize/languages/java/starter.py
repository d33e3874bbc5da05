"""A new Java project (containerize init): Spring Boot or plain Java, built with Maven or Gradle."""
from __future__ import annotations

import re

from ...checklist import DETECTED, AnalysisError, origin_of
from ...profile import Profile
from ..base import Starter
from .build import copy_jar_cmd
from .plan import APP_JAR, JavaPlan

DEFAULT_JAVA = "21"
DEFAULT_MAVEN = "3.9"
DEFAULT_GRADLE = "8.10"
JVM_FLAGS = ["-XX:MaxRAMPercentage=75"]
DEFAULT_PORTS = {"spring-boot": 8080, "quarkus": 8080, "micronaut": 8080, "javalin": 7070, "spark": 4567,
                 "dropwizard": 8080}


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
    profile.build = JavaPlan(tool=tool)


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
        copy = copy_jar_cmd("target", None)
        if not boot:
            copy += " && test -s /out/app.jar && mkdir -p target/lib && cp -r target/lib /out/lib"
        steps = {"dep_copies": [("pom.xml", "./")], "resolve": "mvn -B -q dependency:resolve",
                 "package": f"mvn -B -q {goals} -DskipTests", "copy_artifact": copy}
        profile.build_command = ["mvn", "-B", *goals.split(), "-DskipTests"]
    else:
        task = "bootJar" if boot else "installDist"
        copy = copy_jar_cmd("build/libs", None) if boot else "cp -r build/install/*/lib /out/lib"
        steps = {"dep_copies": [(GRADLE_BUILD_FILES, "./")],
                 "resolve": "gradle --no-daemon -q dependencies > /dev/null",
                 "package": f"gradle --no-daemon -q {task}", "copy_artifact": copy}
        profile.build_command = ["gradle", "--no-daemon", task]
    profile.build = JavaPlan(tool=tool, tool_version=DEFAULT_MAVEN if tool == "maven" else DEFAULT_GRADLE,
                             wrapper=False, jar_mode=mode, main_class=None if mode == "jar" else main,
                             next_steps=_new_steps(profile, tool, main), **steps)


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
