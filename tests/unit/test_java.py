"""Java analyzer answers (Maven, Gradle, Spring Boot) and the Dockerfiles rendered from them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from containerize import render
from containerize.checklist import AnalysisError, build_profile
from projects import lint, stages, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def check_structure(dockerfile: str, resolve: str) -> None:
    """Dependencies before the source, JDK only in the build stage, JRE at run time, non-root."""
    assert "alpine" not in dockerfile and "# syntax" not in dockerfile and "<<" not in dockerfile
    build, runtime = stages(dockerfile)[0], stages(dockerfile)[-1]
    assert build.index(resolve) < build.index("COPY . .")
    assert "--mount=type=cache,target=/root/" in build
    assert runtime.startswith("FROM eclipse-temurin:${JAVA_VERSION}-jre-jammy")
    assert "mvn" not in runtime and "gradle" not in runtime
    assert "USER 10001:10001" in runtime
    assert dockerfile.rstrip().splitlines()[-1].startswith('CMD ["java"')


# -- fixtures -------------------------------------------------------------------
def test_maven_fixture_without_dependencies(tmp_path):
    p = build_profile(FIXTURES / "java-maven")
    assert (p.language, p.package_manager, p.runtime_version) == ("java", "maven", "17")
    assert p.ports == [8080] and p.port_env == "PORT" and p.health_path == "/health"
    assert p.entrypoint == ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
    assert p.env_var("GREETING").default == "hello from maven"
    assert p.env_var("INSTANCE_NAME").default == "local"
    assert p.env_var("ENV_VAR") is None  # only in a comment
    assert p.build.copy_artifact == "cp target/hello-1.0.0.jar /out/app.jar"
    assert p.build.jar_mode == "jar" and p.dependencies == []
    files = render.render(p)
    df = files["Dockerfile"]
    check_structure(df, "mvn -B -q dependency:resolve")
    assert "FROM maven:${MAVEN_VERSION}-eclipse-temurin-${JAVA_VERSION} AS build" in df
    assert "ARG JAVA_VERSION=17" in df and "ARG MAVEN_VERSION=3.9" in df
    assert 'CMD ["java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", "/opt/probe", "Probe", "8080", "/health", "PORT"]' in df
    assert "javac Probe.java" in stages(df)[0]
    assert "target/" in files[".dockerignore"]
    lint(df, tmp_path)


def test_spring_boot_maven_fixture(tmp_path):
    p = build_profile(FIXTURES / "java-spring-boot")
    assert p.framework == "spring-boot" and p.runtime_version == "21"
    assert p.build.tool_version == "3.9"  # from .mvn/wrapper/maven-wrapper.properties
    assert p.ports == [8081] and p.port_env == "PORT" and p.health_path == "/actuator/health"
    assert [s.kind for s in p.services] == ["postgres"]
    assert p.env_var("DATABASE_URL").secret and p.env_var("DB_PASSWORD").secret
    assert p.env_var("DB_USER").default == "shop" and p.env_var("SHOP_REGION").default == "eu"
    assert "org.postgresql:postgresql" in p.dependencies
    assert "org.springframework.boot:spring-boot-starter-test" not in p.dependencies
    # the repackaged (executable) jar, found by name
    assert p.build.copy_artifact == "cp target/shop-0.0.1-SNAPSHOT.jar /out/app.jar"
    assert p.entrypoint[-2:] == ["-jar", "/app/app.jar"]
    files = render.render(p)
    df = files["Dockerfile"]
    check_structure(df, "mvn -B -q dependency:resolve")
    assert "COPY .mvn .mvn" in df and "COPY pom.xml ./" in df
    assert '"/actuator/health"' in df and "EXPOSE 8081" in df
    compose = yaml.safe_load(files["compose.yaml"])
    assert "postgres" in compose["services"] and "database_url" in compose["secrets"]
    lint(df, tmp_path)


def test_gradle_spring_boot_fixture(tmp_path):
    p = build_profile(FIXTURES / "java-gradle")
    assert (p.package_manager, p.framework, p.runtime_version) == ("gradle", "spring-boot", "21")
    assert p.build.tool_version == "8.10" and not p.build.wrapper
    assert p.ports == [9090] and p.health_path == "/actuator/health"
    assert [s.kind for s in p.services] == ["redis"] and p.env_var("NOTES_API_TOKEN").secret
    assert "bootJar" in p.build.package
    assert "! -name '*-plain.jar'" in p.build.copy_artifact  # not Gradle's plain jar
    df = render.render(p)["Dockerfile"]
    check_structure(df, "gradle --no-daemon -q dependencies")
    assert "FROM gradle:${GRADLE_VERSION}-jdk${JAVA_VERSION}-jammy AS build" in df
    assert "COPY build.gradle.kts settings.gradle.kts ./" in df and "COPY gradle gradle" in df
    lint(df, tmp_path)


# -- variants ---------------------------------------------------------------------
POM = """
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.acme</groupId>
  <artifactId>{artifact}</artifactId>
  <version>2.1</version>
  <properties><maven.compiler.source>1.8</maven.compiler.source><maven.compiler.target>1.8</maven.compiler.target></properties>
  {body}
</project>
"""
MAIN = """
package org.acme;
public class Main {
    public static void main(String[] args) { System.out.println("hi " + System.getenv("TARGET")); }
}
"""


def test_shaded_jar_with_attached_classifier(tmp_path):
    plugins = """
      <dependencies><dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>33.0.0-jre</version></dependency></dependencies>
      <build><plugins><plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-shade-plugin</artifactId>
        <executions><execution><phase>package</phase><goals><goal>shade</goal></goals><configuration>
          <shadedArtifactAttached>true</shadedArtifactAttached>
          <transformers><transformer implementation="org.apache.maven.plugins.shade.resource.ManifestResourceTransformer">
            <mainClass>org.acme.Main</mainClass></transformer></transformers>
        </configuration></execution></executions>
      </plugin></plugins></build>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="tool", body=plugins), "src/main/java/org/acme/Main.java": MAIN})
    p = build_profile(root)
    assert p.runtime_version == "8" and p.build.jar_mode == "jar"
    assert p.build.copy_artifact == "cp target/tool-2.1-shaded.jar /out/app.jar"
    assert p.ports == [] and p.env_var("TARGET") is not None
    df = render.render(p)["Dockerfile"]
    assert "HEALTHCHECK" not in df and "EXPOSE" not in df and "Probe" not in df
    lint(df, tmp_path)


def test_plain_jar_with_dependencies_runs_on_a_classpath(tmp_path):
    deps = """<dependencies><dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.9</version></dependency></dependencies>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="batch", body=deps), "src/main/java/org/acme/Main.java": MAIN})
    p = build_profile(root)
    assert p.build.jar_mode == "classpath"
    assert "dependency:copy-dependencies" in p.build.package
    assert p.entrypoint == ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/app.jar:/app/lib/*", "org.acme.Main"]
    assert "cp -r target/lib /out/lib" in p.build.copy_artifact


def test_multi_module_maven_builds_the_app_module(tmp_path):
    parent = POM.format(artifact="parent", body="<packaging>pom</packaging><modules><module>lib</module><module>web</module></modules>")
    web = POM.format(artifact="web", body="""<build><plugins><plugin><groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>""")
    root = write_tree(tmp_path / "proj", {"pom.xml": parent, "lib/pom.xml": POM.format(artifact="lib", body=""),
                           "web/pom.xml": web, "web/src/main/java/org/acme/Main.java": MAIN,
                           "lib/src/main/java/org/acme/Util.java": "package org.acme; class Util {}"})
    p = build_profile(root)
    assert p.build.dep_copies == [("pom.xml", "./"), ("lib/pom.xml", "lib/"), ("web/pom.xml", "web/")]
    assert p.build.package.endswith("-pl web -am")
    assert p.build.copy_artifact == "cp web/target/web-2.1.jar /out/app.jar"
    lint(render.render(p)["Dockerfile"], tmp_path)


def test_gradle_wrapper_and_application_plugin(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "settings.gradle": "rootProject.name = 'cli'\n",
        "build.gradle": """
            plugins { id 'application' }
            java { sourceCompatibility = JavaVersion.VERSION_17 }
            repositories { mavenCentral() }
            dependencies { implementation 'io.javalin:javalin:6.1.3' }
            application { mainClass = 'org.acme.Main' }
            """,
        "gradlew": "#!/bin/sh\n",
        "gradle/wrapper/gradle-wrapper.properties": "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.7-bin.zip\n",
        "gradle/wrapper/gradle-wrapper.jar": "jar",
        "src/main/java/org/acme/Main.java": MAIN.replace('System.out.println("hi " + System.getenv("TARGET"));',
                                                         "io.javalin.Javalin.create().start(7000);"),
    })
    p = build_profile(root)
    assert p.build.wrapper and p.build.tool_version == "8.7" and p.runtime_version == "17"
    assert p.framework == "javalin" and p.ports == [7000]
    assert p.build.jar_mode == "dist" and "installDist" in p.build.package
    assert p.entrypoint == ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "org.acme.Main"]
    df = render.render(p)["Dockerfile"]
    assert "FROM eclipse-temurin:${JAVA_VERSION}-jdk-jammy AS build" in df
    assert "COPY gradlew build.gradle settings.gradle ./" in df
    assert "chmod +x gradlew && ./gradlew --no-daemon -q dependencies" in df
    assert "GRADLE_VERSION" not in df
    lint(df, tmp_path)


def test_jar_from_a_volume(tmp_path):
    """--set read_paths=/app/app.jar: no build in the image, the JRE runs the mounted jar."""
    project = tmp_path / "java-maven"
    shutil.copytree(FIXTURES / "java-maven", project)
    p = build_profile(project, [("read_paths", "/app/app.jar")])
    files = render.render(p)
    df = files["Dockerfile"]
    assert "mvn" not in df and "COPY . ." not in df and "/out/" not in df
    assert "FROM eclipse-temurin:${JAVA_VERSION}-jdk-jammy AS build" in df  # only for the probe
    assert stages(df)[-1].startswith("FROM eclipse-temurin:${JAVA_VERSION}-jre-jammy")
    assert df.rstrip().endswith('CMD ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]')
    compose = yaml.safe_load(files["compose.yaml"])
    assert "./app/app.jar:/app/app.jar:ro" in compose["services"]["app"]["volumes"]
    lint(df, tmp_path)
    # another mount point: the command follows it
    p = build_profile(project, [("read_paths", "/opt/jars/service.jar")])
    assert 'CMD ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/jars/service.jar"]' in render.render(p)["Dockerfile"]


def test_detection_beats_loose_files(tmp_path):
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="x", body=""), "src/main/java/org/acme/Main.java": MAIN,
                           "scripts/tool.py": "print('hi')\n"})
    p = build_profile(root)
    assert p.language == "java"


def test_malformed_pom(tmp_path):
    root = write_tree(tmp_path / "proj", {"pom.xml": "<project><artifactId>x</artifactId>", "src/Main.java": MAIN})
    with pytest.raises(AnalysisError, match="pom.xml: not valid XML"):
        build_profile(root)


def test_not_a_pom(tmp_path):
    root = write_tree(tmp_path / "proj", {"pom.xml": "<settings/>", "src/Main.java": MAIN})
    with pytest.raises(AnalysisError, match="not a Maven POM"):
        build_profile(root)


def test_no_main_class(tmp_path):
    deps = """<dependencies><dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.9</version></dependency></dependencies>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="lib", body=deps),
                           "src/main/java/org/acme/Util.java": "package org.acme; public class Util {}"})
    with pytest.raises(AnalysisError, match="no main class found"):
        build_profile(root)


# -- values through names (parse trees) ---------------------------------------------------
def evidence(p, key: str, start: str):
    """(file, line, why) of the first evidence for `key` whose reason starts with `start`."""
    found = next(e for e in p.evidence[key] if e.why.startswith(start))
    return found.file, found.line, found.why


def test_values_fixture_resolves_names_across_classes(tmp_path):
    p = build_profile(FIXTURES / "java-values")
    server, config = "src/main/java/com/example/values/Server.java", "src/main/java/com/example/values/Config.java"
    # Integer.parseInt(Config.env("PORT", String.valueOf(Config.PORT))) with Config.PORT = 8081
    assert p.ports == [8081] and p.port_env == "PORT"
    assert evidence(p, "ports", "PORT defaults to 8081")[:2] == (server, 28)
    assert p.env_var("PORT").default == "8081"
    assert p.env_var("GREETING").default == "hello"
    assert evidence(p, "env", "GREETING")[:2] == (server, 29)
    assert p.env_var("API_KEY").secret and p.env_var("API_KEY").default is None  # env("API_KEY", "")
    assert evidence(p, "env", "API_KEY")[:2] == (server, 30)
    # "jdbc:postgresql://db:5432/" + DB_NAME
    assert [s.kind for s in p.services] == ["postgres"]
    file, line, why = evidence(p, "services", "a JDBC URL")
    assert (file, line) == (config, 7)
    assert "jdbc:postgresql://db:5432/inventory" in why and "host db, port 5432, database inventory" in why
    assert p.writable_paths == ["/var/lib/values"]  # Path.of(Config.DATA_DIR)
    assert p.health_path == "/healthz" and evidence(p, "health_path", "a health route")[:2] == (server, 34)
    assert p.entrypoint == ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
    df = render.render(p)["Dockerfile"]
    assert "EXPOSE 8081" in df and '"Probe", "8081", "/healthz", "PORT"' in df
    lint(df, tmp_path)


VALUES_POM = POM.format(artifact="values", body="")


def java_profile(tmp_path, sources: dict[str, str], extra: dict[str, str] | None = None):
    files = {"pom.xml": VALUES_POM, **{f"src/main/java/org/acme/{name}": text for name, text in sources.items()},
             **(extra or {})}
    return build_profile(write_tree(tmp_path / "proj", files))


def test_a_static_final_port_in_the_same_class(tmp_path):
    p = java_profile(tmp_path, {"Main.java": """
package org.acme;
public class Main {
    static final int PORT = 8082;
    public static void main(String[] args) throws Exception {
        com.sun.net.httpserver.HttpServer server =
            com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(PORT), 0);
        server.createContext("/", ex -> {});
    }
}
"""})
    assert p.ports == [8082] and p.port_env is None and p.health_path == "/"
    assert evidence(p, "ports", "a port in the source")[:2] == ("src/main/java/org/acme/Main.java", 6)


def test_a_constant_of_another_class(tmp_path):
    p = java_profile(tmp_path, {
        "Settings.java": "package org.acme;\nfinal class Settings {\n    static final int HTTP_PORT = 7001;\n}\n",
        "Main.java": """package org.acme;
public class Main {
    public static void main(String[] args) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("0.0.0.0", Settings.HTTP_PORT), 0);
    }
}
"""})
    assert p.ports == [7001]


def test_get_or_default_inside_parse_int(tmp_path):
    p = java_profile(tmp_path, {"Main.java": """package org.acme;
public class Main {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        new java.net.ServerSocket(port);
    }
}
"""})
    assert p.ports == [8080] and p.port_env == "PORT" and p.env_var("PORT").default == "8080"


def test_env_defaults_in_their_common_forms(tmp_path):
    p = java_profile(tmp_path, {"Main.java": """package org.acme;
import java.util.Objects;
import java.util.Optional;
public class Main {
    static String env(String k, String d) { String v = System.getenv(k); return v == null ? d : v; }
    static String setting(String name) { return env(name, "unset"); }
    static final String HOST = "mysql";
    @org.springframework.beans.factory.annotation.Value("${FEATURE_FLAG:off}") String flag;
    public static void main(String[] args) {
        String a = Optional.ofNullable(System.getenv("REGION")).orElse("eu");
        String b = Objects.requireNonNullElse(System.getenv("QUEUE"), "jobs");
        String c = System.getenv("MODE") != null ? System.getenv("MODE") : "blue";
        String d = env("API_KEY", "");
        String e = setting("COLOR");
        String url = "jdbc:mysql://" + HOST + ":3306/" + env("DB_NAME", "shop");
        String name = System.getenv(args[0]);  // not a literal name: nothing to record
    }
}
"""})
    defaults = {v.name: v.default for v in p.env}
    assert defaults == {"REGION": "eu", "QUEUE": "jobs", "MODE": "blue", "API_KEY": None, "COLOR": "unset",
                        "DB_NAME": "shop", "FEATURE_FLAG": "off"}
    assert p.env_var("API_KEY").secret
    assert [s.kind for s in p.services] == ["mysql"]
    why = evidence(p, "services", "a JDBC URL")[2]
    assert "jdbc:mysql://mysql:3306/${DB_NAME:shop}" in why and "host mysql" in why


def test_spring_routes_with_a_class_prefix(tmp_path):
    p = java_profile(tmp_path, {"Api.java": """package org.acme;
@RestController
@RequestMapping("/api")
class Api {
    @GetMapping("/items") String items() { return ""; }
    @GetMapping(path = {"/health", "/ping"}) String health() { return "ok"; }
}
""", "Main.java": "package org.acme;\npublic class Main { public static void main(String[] a) {} }\n"},
        {"src/main/resources/application.properties": "server.port = 8090\n"})
    assert p.ports == [8090] and p.health_path == "/api/health"
    assert evidence(p, "health_path", "a health route")[:2] == ("src/main/java/org/acme/Api.java", 6)


def test_a_pom_with_a_dtd_is_refused(tmp_path):
    pom = '<?xml version="1.0"?>\n<!DOCTYPE project [<!ENTITY x "y">]>\n<project><artifactId>&x;</artifactId></project>'
    root = write_tree(tmp_path / "proj", {"pom.xml": pom, "src/Main.java": MAIN})
    with pytest.raises(AnalysisError, match="declares a DTD or entities"):
        build_profile(root)


def test_huge_sources_are_read_in_linear_time(tmp_path):
    """A 1 MB single-line source and 60,000 blank lines: analysed in one pass each (no timing here,
    the per-test timeout catches a quadratic walk)."""
    one_line = "package org.acme; public class Big { " + " ".join(
        f'static final String S{i} = "{i:06d}";' for i in range(30_000)) + " }"
    assert len(one_line) > 1_000_000 and "\n" not in one_line
    blank = "package org.acme;\n" + "\n" * 60_000 + """public class Main {
    public static void main(String[] args) { System.out.println(System.getenv().getOrDefault("LAST", "x")); }
}
"""
    p = java_profile(tmp_path, {"Big.java": one_line, "Main.java": blank},
                     {"src/main/resources/application.properties": "# settings\n" + "\n" * 60_000 + "app.v=${TAIL:t}\n"})
    assert p.env_var("LAST").default == "x" and evidence(p, "env", "LAST")[1] == 60_003
    assert evidence(p, "env", "TAIL")[1] == 60_002
    assert p.entrypoint[-1] == "org.acme.Main"


def test_odd_paths_in_the_source_stay_out_of_the_generated_files(tmp_path):
    p = java_profile(tmp_path, {"Main.java": r"""package org.acme;
public class Main {
    public static void main(String[] args) throws Exception {
        new java.io.File("/data/x y\n/../../etc/passwd").mkdirs();
        new java.io.FileOutputStream("/srv/$(id)/out.txt");
        java.nio.file.Files.readString(java.nio.file.Path.of("/run/secrets/token"));
        new java.io.File("/var/lib/app/uploads").mkdirs();
    }
}
"""})
    assert p.writable_paths == ["/var/lib/app/uploads"]
    lint(render.render(p)["Dockerfile"], tmp_path)


def test_odd_names_in_a_pom_stay_out_of_the_shell(tmp_path):
    body = """<build><finalName>app; touch /pwned</finalName><plugins><plugin>
        <artifactId>maven-jar-plugin</artifactId><configuration><archive><manifest>
        <mainClass>org.acme.Main $(id)</mainClass></manifest></archive></configuration></plugin></plugins></build>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="odd", body=body),
                                          "src/main/java/org/acme/Main.java": MAIN})
    p = build_profile(root)
    assert "pwned" not in p.build.copy_artifact and p.build.copy_artifact.startswith("find target ")
    assert p.entrypoint[-1] == "org.acme.Main"  # the main method found in the source instead
    lint(render.render(p)["Dockerfile"], tmp_path)


ASSEMBLY = """
      <build><plugins><plugin>
        <artifactId>maven-assembly-plugin</artifactId>
        <configuration>
          <archive><manifest><mainClass>org.acme.Main</mainClass></manifest></archive>
          <descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs>
          {extra}
        </configuration>{executions}
      </plugin></plugins></build>"""


@pytest.mark.parametrize("extra, executions, jar, goals", [
    # the awesome-compose sparkjava shape: a named assembly, no id, no execution bound to package
    ("<finalName>app</finalName><appendAssemblyId>false</appendAssemblyId>", "", "app.jar",
     "package assembly:single"),
    ("", "", "tool-2.1-jar-with-dependencies.jar", "package assembly:single"),
    ("<finalName>svc</finalName>", "<executions><execution><id>make</id><phase>package</phase>"
     "<goals><goal>single</goal></goals></execution></executions>", "svc-jar-with-dependencies.jar", "package"),
])
def test_assembly_jar_name_and_whether_it_runs_at_package(tmp_path, extra, executions, jar, goals):
    pom = POM.format(artifact="tool", body=ASSEMBLY.format(extra=extra, executions=executions))
    root = write_tree(tmp_path / "proj", {"pom.xml": pom, "src/main/java/org/acme/Main.java": MAIN})
    p = build_profile(root)
    assert p.build.copy_artifact == f"cp target/{jar} /out/app.jar"
    assert p.build.package == f"mvn -B -q {goals} -DskipTests"
    assert p.build.jar_mode == "jar" and p.entrypoint[-2:] == ["-jar", "/app/app.jar"]


def test_shade_without_an_execution_runs_its_goal_and_a_final_name_drops_the_classifier(tmp_path):
    shade = """<build><plugins><plugin><artifactId>maven-shade-plugin</artifactId><configuration>
        <finalName>fat</finalName><shadedArtifactAttached>true</shadedArtifactAttached>
        <transformers><transformer implementation="org.apache.maven.plugins.shade.resource.ManifestResourceTransformer">
        <mainClass>org.acme.Main</mainClass></transformer></transformers></configuration></plugin></plugins></build>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="tool", body=shade),
                                          "src/main/java/org/acme/Main.java": MAIN})
    p = build_profile(root)
    assert p.build.package == "mvn -B -q package shade:shade -DskipTests"
    assert p.build.copy_artifact == "cp target/fat.jar /out/app.jar"


@pytest.mark.parametrize("gradle, java, warned", [("7.4", "21", True), ("7.4", "17", False), ("8.5", "21", False)])
def test_a_gradle_wrapper_that_cant_run_on_the_jdk_is_a_warning(tmp_path, gradle, java, warned):
    root = write_tree(tmp_path / "proj", {
        "settings.gradle": "rootProject.name = 'cli'\n",
        "build.gradle": f"plugins {{ id 'application' }}\njava {{ toolchain {{ languageVersion = JavaLanguageVersion.of({java}) }} }}\n"
                        "application { mainClass = 'org.acme.Main' }\n",
        "gradlew": "#!/bin/sh\n", "gradle/wrapper/gradle-wrapper.jar": "jar",
        "gradle/wrapper/gradle-wrapper.properties":
            f"distributionUrl=https\\://services.gradle.org/distributions/gradle-{gradle}-bin.zip\n",
        "src/main/java/org/acme/Main.java": MAIN,
    })
    p = build_profile(root)
    assert p.runtime_version == java and p.build.tool_version == gradle
    assert any(f"Gradle {gradle} can't run on JDK {java}" in w for w in p.warnings) == warned


def test_a_java_release_without_a_published_image_moves_to_the_next_lts(tmp_path):
    pom = POM.format(artifact="tool", body="").replace("1.8", "15")
    root = write_tree(tmp_path / "proj", {"pom.xml": pom, "src/main/java/org/acme/Main.java": MAIN})
    p = build_profile(root)
    assert p.runtime_version == "17" and any("eclipse-temurin 17" in w for w in p.warnings)


# -- Kotlin sources and Gradle scripts (parse trees) ------------------------------------------
KTOR_BUILD = """
plugins {
    kotlin("jvm") version "1.9.22"
    application
}
java { toolchain { languageVersion.set(JavaLanguageVersion.of(17)) } }
repositories { mavenCentral() }
dependencies {
    implementation("io.ktor:ktor-server-netty:$ktorVersion")
    implementation(platform("io.ktor:ktor-bom:2.3.7"))
    runtimeOnly("org.postgresql:postgresql:42.7.1")
    testImplementation(kotlin("test"))
    testImplementation("io.ktor:ktor-server-test-host:2.3.7")
}
application {
    // mainClass.set("com.example.Wrong")
    mainClass.set("com.example.ApplicationKt")
}
"""
KTOR_APP = """package com.example

import io.ktor.server.engine.*
import io.ktor.server.netty.*
import java.io.File

const val DEFAULT_PORT = 8085
private const val DATA_DIR = "/var/lib/ktor"

fun env(name: String, fallback: String): String = System.getenv(name) ?: fallback

object Settings {
    val greeting = System.getenv("GREETING") ?: "hello from ktor"
    val region = env("APP_REGION", "eu")
    val dbUrl = "jdbc:postgresql://db:5432/" + (System.getenv().getOrDefault("DB_NAME", "shop"))
}

fun main() {
    val port = System.getenv("PORT")?.toIntOrNull() ?: DEFAULT_PORT
    val token = System.getenv("API_TOKEN")
    File("$DATA_DIR/cache").mkdirs()
    embeddedServer(Netty, port = port, host = "0.0.0.0") {
        routing {
            route("/api") {
                get("/health") { call.respondText("ok") }
            }
            get("/") { call.respondText(Settings.greeting) }
        }
    }.start(wait = true)
}
"""


def test_a_ktor_app_in_kotlin_with_a_kotlin_gradle_script(tmp_path):
    root = write_tree(tmp_path / "proj", {"settings.gradle.kts": 'rootProject.name = "ktor-sample"\n',
                                          "build.gradle.kts": KTOR_BUILD,
                                          "src/main/kotlin/com/example/Application.kt": KTOR_APP})
    p = build_profile(root)
    app = "src/main/kotlin/com/example/Application.kt"
    assert (p.language, p.package_manager, p.runtime_version) == ("java", "gradle", "17")
    assert p.dependencies == ["io.ktor:ktor-server-netty", "org.postgresql:postgresql"]
    assert evidence(p, "dependencies", "org.postgresql:postgresql")[:2] == ("build.gradle.kts", 10)
    assert evidence(p, "runtime_version", "Java 17")[:2] == ("build.gradle.kts", 5)
    # mainClass.set(...) (the commented one is not read), the application plugin's distribution
    assert p.entrypoint == ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "com.example.ApplicationKt"]
    assert evidence(p, "entrypoint", "build.gradle.kts names the main class")[1] == 16
    assert "installDist" in p.build.package
    # System.getenv("PORT")?.toIntOrNull() ?: DEFAULT_PORT, with const val DEFAULT_PORT = 8085
    assert p.ports == [8085] and p.port_env == "PORT" and p.env_var("PORT").default == "8085"
    assert evidence(p, "port_env", "the port is read from PORT")[:2] == (app, 19)
    assert p.env_var("GREETING").default == "hello from ktor"
    assert p.env_var("APP_REGION").default == "eu"  # through fun env(name, fallback)
    assert p.env_var("DB_NAME").default == "shop" and p.env_var("API_TOKEN").secret
    assert evidence(p, "env", "API_TOKEN")[:2] == (app, 20)
    assert [s.kind for s in p.services] == ["postgres"]
    assert "jdbc:postgresql://db:5432/${DB_NAME:shop}" in evidence(p, "services", "a JDBC URL")[2]
    assert p.writable_paths == ["/var/lib/ktor/cache"]  # File("$DATA_DIR/cache")
    assert p.health_path == "/api/health" and evidence(p, "health_path", "a health route")[:2] == (app, 25)
    df = render.render(p)["Dockerfile"]
    assert "EXPOSE 8085" in df
    lint(df, tmp_path)


SPRING_KOTLIN_BUILD = """
plugins {
    id 'org.springframework.boot' version '3.2.0'
    id 'org.jetbrains.kotlin.jvm' version '1.9.20'
}
/* sourceCompatibility = '11' */
java { sourceCompatibility = JavaVersion.VERSION_21 }
dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web'
    implementation group: 'org.jetbrains.kotlin', name: 'kotlin-reflect'
    compileOnly 'org.projectlombok:lombok'
    testImplementation 'org.springframework.boot:spring-boot-starter-test'
}
"""
SPRING_KOTLIN_APP = """package com.example.demo

import org.springframework.beans.factory.annotation.Value
import org.springframework.boot.autoconfigure.SpringBootApplication
import org.springframework.boot.runApplication
import org.springframework.web.bind.annotation.*

@SpringBootApplication
class DemoApplication

fun main(args: Array<String>) {
    runApplication<DemoApplication>(*args)
}

@RestController
@RequestMapping("/api")
class StatusController(@Value("\\${APP_MODE:demo}") private val mode: String) {
    companion object {
        const val STATUS = "/status"
    }

    @GetMapping(STATUS)
    fun status() = mode

    @GetMapping(value = ["/health"])
    fun health() = "ok"
}
"""


def test_a_spring_boot_app_in_kotlin_with_a_groovy_gradle_script(tmp_path):
    root = write_tree(tmp_path / "proj", {"settings.gradle": "rootProject.name = 'demo'\n",
                                          "build.gradle": SPRING_KOTLIN_BUILD,
                                          "src/main/kotlin/com/example/demo/DemoApplication.kt": SPRING_KOTLIN_APP})
    p = build_profile(root)
    app = "src/main/kotlin/com/example/demo/DemoApplication.kt"
    assert (p.framework, p.runtime_version) == ("spring-boot", "21")  # not the commented-out '11'
    assert p.dependencies == ["org.springframework.boot:spring-boot-starter-web", "org.jetbrains.kotlin:kotlin-reflect"]
    assert "bootJar" in p.build.package and p.ports == [8080]
    assert p.env_var("APP_MODE").default == "demo" and evidence(p, "env", "APP_MODE")[:2] == (app, 17)
    # the class's @RequestMapping("/api") prefixes the method mappings
    assert p.health_path == "/api/health" and evidence(p, "health_path", "a health route")[:2] == (app, 25)


def test_gradle_scripts_in_groovy_and_kotlin_say_the_same(tmp_path):
    from containerize.languages.java.gradle import gradle_subprojects, read_gradle
    from containerize.scan import SourceTree

    root = write_tree(tmp_path / "proj", {
        "settings.gradle": "rootProject.name = 'x'\ninclude ':app', 'lib'\ninclude(\":core:api\") // include 'no'\n",
        "settings.gradle.kts": 'include(":app")\ninclude("tools:cli", ":lib")\n',
        "build.gradle": """
            apply plugin: 'application'
            apply plugin: 'com.github.johnrengelman.shadow'
            targetCompatibility = 1.8
            mainClassName = "org.acme.${name}"
            jar { manifest { attributes 'Main-Class': 'org.acme.Main' } }
            dependencies {
                api "com.google.guava:guava:33.0.0-jre"
                annotationProcessor 'org.projectlombok:lombok:1.18.30'
                implementation(project(':lib'))
            }
            """,
        "build.gradle.kts": """
            plugins { id("com.gradleup.shadow") version "8.3.0"; `java-library` }
            kotlin { jvmToolchain(11) }
            tasks.jar { manifest { attributes("Main-Class" to "org.acme.Main") } }
            dependencies { api("com.google.guava:guava:33.0.0-jre"); implementation(project(":lib")) }
            """,
    })
    tree = SourceTree(root)
    groovy, kotlin = read_gradle(tree, "build.gradle"), read_gradle(tree, "build.gradle.kts")
    assert groovy.application and groovy.shaded and not groovy.boot and not kotlin.application and kotlin.shaded
    # "org.acme.${name}" is not a class name; the manifest's Main-Class is
    assert groovy.main_class == kotlin.main_class == "org.acme.Main"
    assert groovy.java[0] == "8" and kotlin.java[:2] == ("11", "jvmToolchain(11)")
    assert [d[0] for d in groovy.deps] == [d[0] for d in kotlin.deps] == ["com.google.guava:guava"]
    assert gradle_subprojects(tree, "settings.gradle") == ["app", "lib", "core/api"]
    assert gradle_subprojects(tree, "settings.gradle.kts") == ["app", "tools/cli", "lib"]


def test_huge_gradle_scripts_and_kotlin_sources_are_read_in_linear_time(tmp_path):
    """A 1 MB single-line build script (Groovy and Kotlin) and Kotlin source, and 60,000 blank lines before
    the facts: one parse each (the per-test timeout catches a quadratic walk)."""
    deps = " ".join(f'implementation("org.acme:lib{i}:1.0");' for i in range(30_000))
    assert len(deps) > 1_000_000
    one_line_kts = 'plugins { application }; application { mainClass.set("big.MainKt") }; dependencies { ' + deps + " }"
    one_line_kt = "package big; " + " ".join(f'val S{i} = "{i:06d}"' + ";" for i in range(60_000))
    assert len(one_line_kt) > 1_000_000 and "\n" not in one_line_kt + one_line_kts
    blank_groovy = "// build\n" + "\n" * 60_000 + "plugins { id 'application' }\napplication { mainClass = 'big.MainKt' }\n"
    blank_kt = "package big\n" + "\n" * 60_000 + 'fun main() { println(System.getenv("LAST") ?: "x") }\n'
    from containerize.languages.java.gradle import read_gradle
    from containerize.scan import SourceTree

    root = write_tree(tmp_path / "proj", {"build.gradle.kts": one_line_kts, "b/build.gradle": blank_groovy,
                                          "src/main/kotlin/big/Big.kt": one_line_kt,
                                          "src/main/kotlin/big/Main.kt": blank_kt})
    tree = SourceTree(root)
    deps = read_gradle(tree, "build.gradle.kts").deps  # (only the first 512 KB of a file are read)
    assert len(deps) > 10_000 and deps[-1] == (f"org.acme:lib{len(deps) - 1}", "build.gradle.kts", 1)
    assert read_gradle(tree, "b/build.gradle").main_evidence[1] == 60_003
    p = build_profile(root)
    assert p.env_var("LAST").default == "x" and evidence(p, "env", "LAST")[1] == 60_002


def test_deeply_nested_kotlin_is_read_in_linear_time(tmp_path):
    """Thousands of nested lambdas, a long f()()() chain and a deeply parenthesized string: one walk of
    the tree (no .parent walks, no query over the recovered tree), no recursion error."""
    n = 5_000
    source = ("package a\nconst val PORT = 8080\nfun main() {\n" + 'run { get("/x") { ' * n
              + 'val x = System.getenv("DEEP_PORT") ?: PORT\n' + "} }" * n + "\n}\n"
              + "val y = f" + "()" * n + "\n" + "val z = " + "(" * n + '"jdbc:postgresql://db/app"' + ")" * n + "\n")
    root = write_tree(tmp_path / "proj", {
        "build.gradle.kts": 'plugins { application }\napplication { mainClass.set("a.MainKt") }\n',
        "src/main/kotlin/a/Main.kt": source})
    p = build_profile(root)
    assert p.env_var("DEEP_PORT").default == "8080" and p.ports == [8080]
    assert [s.kind for s in p.services] == ["postgres"]


def test_a_ktor_connector_block_names_the_port(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "build.gradle.kts": 'plugins { application }\napplication { mainClass.set("a.MainKt") }\n',
        "src/main/kotlin/a/Main.kt": """package a

            object Net { const val HTTP = 8181 }

            fun main() {
                embeddedServer(Netty, configure = {
                    connector {
                        port = Net.HTTP
                        host = "0.0.0.0"
                    }
                }, module = Application::module).start(wait = true)
            }
            """})
    p = build_profile(root)
    assert p.ports == [8181] and p.port_env is None
    assert evidence(p, "ports", "a port in the source: connector")[:2] == ("src/main/kotlin/a/Main.kt", 8)


# -- Quarkus ---------------------------------------------------------------------------
def test_quarkus_maven_fixture_runs_the_fast_jar(tmp_path):
    p = build_profile(FIXTURES / "java-quarkus")
    assert p.framework == "quarkus" and p.runtime_version == "21"
    assert p.entrypoint == ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/quarkus-run.jar"]
    assert p.build.jar_mode == "quarkus" and p.build.main_class is None
    assert p.build.copy_artifact == "cp -r target/quarkus-app/. /out/ && test -s /out/quarkus-run.jar"
    assert p.ports == [8081]  # quarkus.http.port
    assert p.port_env == "QUARKUS_HTTP_PORT" and p.env_var("QUARKUS_HTTP_PORT").default == "8081"
    assert p.health_path == "/q/health"  # quarkus-smallrye-health
    assert p.env_var("GREETING_WORD").default == "hello"
    assert not any("quarkus-app" in w for w in p.warnings)
    df = render.render(p)["Dockerfile"]
    check_structure(df, "mvn -B -q dependency:resolve")
    assert "COPY --from=build /out/ /app/" in df and "test -s /out/app.jar" not in df
    lint(df, tmp_path)


QUARKUS_GRADLE = """plugins {
    java
    id("io.quarkus")
}

dependencies {
    implementation(enforcedPlatform("io.quarkus.platform:quarkus-bom:3.15.1"))
    implementation("io.quarkus:quarkus-rest")
}
"""


@pytest.mark.parametrize("props, mode", [("", "quarkus"), ("quarkus.package.jar.type=uber-jar\n", "jar")])
def test_quarkus_gradle_kotlin_dsl_fast_jar_or_uber_jar(tmp_path, props, mode):
    root = write_tree(tmp_path / "proj", {
        "build.gradle.kts": QUARKUS_GRADLE, "settings.gradle.kts": 'rootProject.name = "svc"\n',
        "src/main/resources/application.properties": props,
        "src/main/java/org/acme/Hello.java": 'package org.acme;\n@jakarta.ws.rs.Path("/hello")\npublic class Hello {}\n'})
    p = build_profile(root)
    assert p.framework == "quarkus" and p.build.jar_mode == mode
    assert p.build.package.endswith("quarkusBuild")
    if mode == "quarkus":
        assert p.entrypoint[-2:] == ["-jar", "/app/quarkus-run.jar"]
        assert p.build.copy_artifact == "cp -r build/quarkus-app/. /out/ && test -s /out/quarkus-run.jar"
    else:
        assert p.entrypoint[-2:] == ["-jar", "/app/app.jar"]
        assert "-name '*-runner.jar'" in p.build.copy_artifact
    assert p.ports == [8080] and p.port_env == "QUARKUS_HTTP_PORT"


JAVALIN_ASSEMBLY = """
  <dependencies><dependency><groupId>io.javalin</groupId><artifactId>javalin</artifactId><version>6.3.0</version></dependency></dependencies>
  <build><plugins><plugin>
    <artifactId>maven-assembly-plugin</artifactId>
    <configuration>
      <descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs>
      <archive><manifest><mainClass>org.acme.Shop</mainClass></manifest></archive>
    </configuration>
    <executions><execution><phase>package</phase><goals><goal>single</goal></goals></execution></executions>
  </plugin></plugins></build>"""

JAVALIN_SHOP = """
package org.acme;
import io.javalin.Javalin;
public class Shop {
    public static void main(String[] args) {
        Javalin.create().get("/ping", ctx -> ctx.result("pong")).start(assignedPort());
    }
    private static int assignedPort() {
        ProcessBuilder processBuilder = new ProcessBuilder();
        if (processBuilder.environment().get("PORT") != null) {
            return Integer.parseInt(processBuilder.environment().get("PORT"));
        }
        return 7000;
    }
}
"""


def test_javalin_port_from_a_process_builder_environment_with_a_guarded_default(tmp_path):
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="shop", body=JAVALIN_ASSEMBLY),
                                          "src/main/java/org/acme/Shop.java": JAVALIN_SHOP})
    p = build_profile(root)
    assert p.framework == "javalin" and p.build.jar_mode == "jar"
    assert p.build.copy_artifact == "cp target/shop-2.1-jar-with-dependencies.jar /out/app.jar"
    assert p.ports == [7000] and p.port_env == "PORT"  # not Javalin's default 7070
    assert p.env_var("PORT").default == "7000" and p.health_path == "/ping"


@pytest.mark.parametrize("yml, port, env", [
    ("micronaut:\n  application:\n    name: vets\n  server:\n    port: ${VETS_PORT:8085}\n", 8085, "VETS_PORT"),
    # a literal port: Micronaut also reads micronaut.server.port from MICRONAUT_SERVER_PORT
    ("micronaut.server.port: 8086\n", 8086, "MICRONAUT_SERVER_PORT"),
    ("quarkus:\n  http:\n    port: 8087\n", 8087, "MICRONAUT_SERVER_PORT"),
])
def test_micronaut_and_quarkus_ports_in_yaml(tmp_path, yml, port, env):
    deps = """<dependencies><dependency><groupId>io.micronaut</groupId><artifactId>micronaut-http-server-netty</artifactId>
      <version>4.6.0</version></dependency></dependencies>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="vets", body=deps),
                                          "src/main/java/org/acme/Main.java": MAIN,
                                          "src/main/resources/application.yml": yml})
    p = build_profile(root)
    assert p.ports == [port] and p.port_env == env


GUESTBOOK = """
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.*;
import static spark.Spark.*;
public class Guestbook {
    public static void main(String[] args) {
        port(8080);
        get("/", (req, res) -> count());
    }
    static int count() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://db/guests?useSSL=false", "root",
                Files.lines(Paths.get("/run/secrets/db-password")).findFirst().get())) {
            return 1;
        }
    }
}
"""


def test_jdbc_login_as_root_with_a_password_file_reaches_the_compose_files(tmp_path):
    deps = """<dependencies>
      <dependency><groupId>com.sparkjava</groupId><artifactId>spark-core</artifactId><version>2.9.4</version></dependency>
      <dependency><groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId><version>8.4.0</version></dependency>
    </dependencies>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": POM.format(artifact="guestbook", body=deps),
                                          "src/main/java/Guestbook.java": GUESTBOOK})
    p = build_profile(root)
    [conn] = p.connections
    assert (conn.kind, conn.host, conn.database, conn.user) == ("mysql", "db", "guests", "root")
    assert conn.password_source == "file" and conn.password_path == "/run/secrets/db-password"
    compose = yaml.safe_load(render.render(p)["compose.yaml"])
    assert compose["services"]["app"]["secrets"] == ["db-password"]
    db = compose["services"]["db"]["environment"]
    assert db["MYSQL_ROOT_PASSWORD_FILE"] == "/run/secrets/db-password" and "MYSQL_USER" not in db


@pytest.mark.parametrize("base, services", [
    ("spring.application.name=clinic\n", []),  # H2 by default: the mysql profile's database is not started
    ("spring.profiles.active=mysql\n", ["mysql"]),  # the profile is the default one
])
def test_a_database_only_an_inactive_profile_uses_is_not_a_service(tmp_path, base, services):
    deps = """<dependencies>
      <dependency><groupId>com.h2database</groupId><artifactId>h2</artifactId><version>2.2.224</version></dependency>
      <dependency><groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId><version>8.4.0</version></dependency>
    </dependencies>"""
    root = write_tree(tmp_path / "proj", {
        "pom.xml": POM.format(artifact="clinic", body=deps), "src/main/java/org/acme/Main.java": MAIN,
        "src/main/resources/application.properties": base,
        "src/main/resources/application-mysql.properties":
            "spring.datasource.url=${MYSQL_URL:jdbc:mysql://localhost/clinic}\nspring.datasource.password=${MYSQL_PASS:x}\n"})
    p = build_profile(root)
    assert [s.kind for s in p.services] == services
    assert (p.env_var("MYSQL_PASS") is not None) == bool(services)
    warned = any("--set services=mysql and --set env.SPRING_PROFILES_ACTIVE=mysql" in w for w in p.warnings)
    assert warned != bool(services)


def test_modules_inherit_the_parents_spring_boot_plugin(tmp_path):
    p = build_profile(FIXTURES / "java-maven-modules")
    assert p.framework == "spring-boot" and p.runtime_version == "21"
    # the app module's repackaged jar runs with java -jar (not on a classpath: its classes are in BOOT-INF/)
    assert p.entrypoint == ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
    assert p.build.package == "mvn -B -q package -DskipTests -pl app -am"
    assert p.build.copy_artifact == "cp app/target/app-1.0.jar /out/app.jar"
    assert p.ports == [8090] and p.port_env == "PORT" and p.health_path == "/healthz"
    df = render.render(p)["Dockerfile"]
    check_structure(df, "mvn -B -q dependency:resolve -pl app -am")
    assert "COPY lib/pom.xml lib/" in df and "COPY app/pom.xml app/" in df
    lint(df, tmp_path)


@pytest.mark.parametrize("activation, boot", [
    ("<activeByDefault>true</activeByDefault>", True),
    ("<file><exists>src/main/resources/application.yml</exists></file>", True),
    ("<file><exists>src/main/resources/bootstrap.yml</exists></file>", False),
])
def test_a_profile_of_the_parent_adds_the_spring_boot_plugin(tmp_path, activation, boot):
    parent = f"""<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
      <groupId>org.acme</groupId><artifactId>shop</artifactId><version>1.0</version><packaging>pom</packaging>
      <modules><module>orders</module></modules>
      <profiles><profile><id>boot</id><activation>{activation}</activation>
        <build><plugins><plugin><groupId>org.springframework.boot</groupId>
          <artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></profile></profiles>
    </project>"""
    child = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
      <parent><groupId>org.acme</groupId><artifactId>shop</artifactId><version>1.0</version></parent>
      <artifactId>orders</artifactId>
      <dependencies><dependency><groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-starter-web</artifactId><version>3.3.4</version></dependency></dependencies>
    </project>"""
    root = write_tree(tmp_path / "proj", {"pom.xml": parent, "orders/pom.xml": child,
                                          "orders/src/main/java/org/acme/Main.java": MAIN,
                                          "orders/src/main/resources/application.yml": "server:\n  port: 8081\n"})
    p = build_profile(root)
    assert (p.build.jar_mode == "jar") == boot
    assert (p.entrypoint[-2:] == ["-jar", "/app/app.jar"]) == boot


def _with_procfile(tmp_path, fixture: str, procfile: str):
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    (root / "Procfile").write_text(procfile)
    return build_profile(root)


def test_a_procfile_process_that_runs_the_apps_jar_is_a_worker(tmp_path):
    p = _with_procfile(tmp_path, "java-spring-boot",
                       "web: java -Dserver.port=$PORT $JAVA_OPTS -jar target/app.jar\n"
                       "worker: java $JAVA_OPTS -jar target/app.jar --spring.profiles.active=worker\n"
                       "report: java -cp target/classes com.example.Report\n"
                       "other: java -jar other/target/other.jar\n")
    assert [(w.name, w.command, w.line) for w in p.workers] == [
        ("worker", ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar", "--spring.profiles.active=worker"], 2)]
    assert any("the Procfile's report, other processes run something the image doesn't hold" in w for w in p.warnings)


def test_a_procfile_process_that_runs_a_class_of_a_plain_jar_runs_it_from_the_images_jar(tmp_path):
    p = _with_procfile(tmp_path, "java-maven", "clock: java -cp target/classes com.example.hello.Clock --every 60\n")
    assert [(w.name, w.command) for w in p.workers] == [
        ("clock", ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/app.jar", "com.example.hello.Clock", "--every", "60"])]


def test_a_relative_sqlite_file_moves_into_a_data_volume_through_spring_relaxed_binding(tmp_path):
    p = build_profile(FIXTURES / "java-spring-sqlite", [])
    files = render.render(p)
    lint(files["Dockerfile"], tmp_path)
    assert p.framework == "spring-boot" and p.build.tool == "gradle"
    # jdbc:sqlite:journal.db would be /app/journal.db, beside the jar on the read-only root
    assert p.env_var("SPRING_DATASOURCE_URL").default == "jdbc:sqlite:/app/data/journal.db"
    assert not p.env_var("SPRING_DATASOURCE_URL").secret
    assert p.writable_paths == ["/app/data"] and not p.services  # the test profile's :memory: is not read
    app = yaml.safe_load(files["compose.yaml"])["services"]["app"]
    assert "app-data:/app/data" in app["volumes"] and app["read_only"] is True
    assert "jdbc:sqlite:/app/data/journal.db" in app["environment"]["SPRING_DATASOURCE_URL"]
    _, runtime = stages(files["Dockerfile"])
    assert "/app/data" in runtime


@pytest.mark.parametrize("url, writable, env", [
    ("jdbc:sqlite:/var/lib/journal/journal.db", ["/var/lib/journal"], None),  # absolute: its folder
    ("jdbc:sqlite::memory:", [], None),
    ("jdbc:sqlite:${DB_FILE:journal.db}", [], None),  # the env var decides
])
def test_sqlite_urls_of_other_shapes(tmp_path, url, writable, env):
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "java-spring-sqlite", root)
    (root / "src/main/resources/application.properties").write_text(f"spring.datasource.url={url}\n")
    p = build_profile(root, [])
    assert p.writable_paths == writable and p.env_var("SPRING_DATASOURCE_URL") is env


def test_micronaut_gradle_plugin_runtime_is_the_framework_with_its_routes(tmp_path):
    # the server comes from `micronaut { runtime("netty") }` of the io.micronaut.application plugin, not a
    # dependency; the release from JavaVersion.toVersion("17"); the probe from @Controller("/todo") + bare @Get
    p = build_profile(FIXTURES / "java-micronaut-gradle", [])
    files = render.render(p)
    lint(files["Dockerfile"], tmp_path)
    assert p.framework == "micronaut" and p.runtime_version == "17"
    assert p.ports == [8080] and p.port_env == "MICRONAUT_SERVER_PORT"
    assert p.env_var("MICRONAUT_SERVER_PORT").default == "8080"
    assert p.health_path == "/todo" and p.evidence["health_path"][0].line == 14
    assert p.build.copy_artifact == "find build/libs -maxdepth 1 -name '*-all.jar' -exec cp {} /out/app.jar \\;"
    assert not p.warnings  # Gradle vs JDK 21 is not in question: the app asks for 17


MARKER_GET = """package demo;
import org.springframework.web.bind.annotation.*;
@RestController
@RequestMapping(path = "/user")
public class UserApi {
    @GetMapping
    public String me() { return "me"; }
    @PostMapping("/login")
    public String login() { return "t"; }
}
"""


def test_a_bare_get_mapping_is_its_class_path(tmp_path):
    from containerize.languages.java.source import JavaSource
    from containerize.scan import SourceTree
    root = write_tree(tmp_path / "proj", {"src/main/java/demo/UserApi.java": MARKER_GET})
    src = JavaSource(SourceTree(root), ["src/main/java/demo/UserApi.java"])
    assert [r[0] for r in src.routes()] == ["/user"]


def test_javalin_bundle_is_javalin(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "settings.gradle": "rootProject.name = 'web'\n",
        "build.gradle": "plugins { id 'application' }\nrepositories { mavenCentral() }\n"
                        "dependencies { implementation 'io.javalin:javalin-bundle:6.3.0' }\n"
                        "application { mainClass = 'org.acme.Main' }\n",
        "src/main/java/org/acme/Main.java": "package org.acme;\npublic class Main {\n"
                                            "    public static void main(String[] args) {\n"
                                            "        io.javalin.Javalin.create().get(\"/health\", ctx -> ctx.result(\"ok\"))"
                                            ".start(7070);\n    }\n}\n"})
    p = build_profile(root)
    assert p.framework == "javalin" and p.ports == [7070] and p.health_path == "/health"


def test_quarkus_prod_datasource_fixed_at_localhost_is_pointed_at_the_service():
    # the hibernate-orm-panache quickstart's shape: %prod. user, password and then the URL, all literal
    p = build_profile(FIXTURES / "java-quarkus-postgres")
    assert [s.kind for s in p.services] == ["postgres"]
    assert p.env_var("QUARKUS_DATASOURCE_JDBC_URL").default == "jdbc:postgresql://postgres:5432/fruits"
    assert p.env_var("QUARKUS_DATASOURCE_PASSWORD").secret
    assert p.env_var("QUARKUS_DATASOURCE_USERNAME") is None  # the settings' own user is the service's
    assert p.health_path == "/fruits"  # the Jakarta REST resource: / answers 404 in prod
    doc = yaml.safe_load(render.render(p)["compose.yaml"])
    app, db = doc["services"]["app"], doc["services"]["postgres"]
    assert app["environment"]["QUARKUS_DATASOURCE_JDBC_URL"] == \
        "${QUARKUS_DATASOURCE_JDBC_URL:-jdbc:postgresql://postgres:5432/fruits}"
    assert db["environment"]["POSTGRES_USER"] == "fruits" and db["environment"]["POSTGRES_DB"] == "fruits"
    # one secret file: the password the image sets and the one the app logs in with
    assert db["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/quarkus_datasource_password"
    assert app["secrets"] == ["quarkus_datasource_password"]


def test_spring_yaml_datasource_fixed_at_localhost_without_a_user_is_given_the_services(tmp_path):
    root = tmp_path / "shop"
    shutil.copytree(FIXTURES / "java-spring-boot", root)
    (root / "src/main/resources/application.properties").unlink()
    (root / "src/main/resources/application.yml").write_text(
        "server:\n  port: 8081\nspring:\n  datasource:\n    url: jdbc:postgresql://127.0.0.1/shop\n"
        "---\nspring:\n  config:\n    activate:\n      on-profile: test\n  datasource:\n"
        "    url: jdbc:postgresql://localhost/other\n")
    p = build_profile(root)
    assert p.env_var("SPRING_DATASOURCE_URL").default == "jdbc:postgresql://postgres:5432/shop"
    assert p.env_var("SPRING_DATASOURCE_PASSWORD").secret
    doc = yaml.safe_load(render.render(p)["compose.yaml"])
    assert doc["services"]["app"]["environment"]["SPRING_DATASOURCE_USERNAME"] == "app"  # what the image is told
    assert doc["services"]["postgres"]["environment"]["POSTGRES_USER"] == "app"


def test_a_datasource_the_settings_read_from_the_environment_is_left_alone():
    p = build_profile(FIXTURES / "java-spring-boot")  # ${DATABASE_URL:jdbc:postgresql://localhost:5432/shop}
    assert p.env_var("SPRING_DATASOURCE_URL") is None and p.env_var("SPRING_DATASOURCE_PASSWORD") is None


JAXRS = """package org.acme;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

@Path("/fruits")
public class FruitResource {
    @GET
    @Path("{id}")
    public String one(String id) { return id; }

    @GET
    @Path("/count")
    public long count() { return 1; }
}
"""


@pytest.mark.parametrize("index", [False, True])
def test_quarkus_jakarta_rest_routes_and_static_index_choose_the_probe(tmp_path, index):
    root = tmp_path / "svc"
    shutil.copytree(FIXTURES / "java-quarkus", root)
    (root / "pom.xml").write_text((root / "pom.xml").read_text().replace("quarkus-smallrye-health", "quarkus-arc"))
    write_tree(root, {"src/main/java/org/acme/FruitResource.java": JAXRS})
    if index:
        write_tree(root, {"src/main/resources/META-INF/resources/index.html": "<h1>fruits</h1>\n"})
    p = build_profile(root)
    # the class's @Path joined with the method's: /fruits/{id} has a parameter, /fruits/count is plain
    assert p.health_path == ("/" if index else "/fruits/count")
    assert p.evidence["health_path"][-1].file == (
        "src/main/resources/META-INF/resources/index.html" if index else "src/main/java/org/acme/FruitResource.java")


@pytest.mark.parametrize("fixture, settings, url_env, user_env", [
    # Quarkus Dev Services: the database exists in dev and test mode only
    ("java-quarkus-postgres", "src/main/resources/application.properties", "QUARKUS_DATASOURCE_JDBC_URL",
     "QUARKUS_DATASOURCE_USERNAME"),
    ("java-spring-boot", "src/main/resources/application.properties", "SPRING_DATASOURCE_URL",
     "SPRING_DATASOURCE_USERNAME"),
])
def test_a_driver_with_no_datasource_url_is_given_the_service(tmp_path, fixture, settings, url_env, user_env):
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / fixture, root)
    path = root / settings
    path.write_text("".join(line for line in path.read_text().splitlines(True)
                            if "datasource" not in line and not line.startswith("%prod")))
    p = build_profile(root)
    assert [s.kind for s in p.services] == ["postgres"]
    assert p.env_var(url_env).default == "jdbc:postgresql://postgres:5432/app"
    doc = yaml.safe_load(render.render(p)["compose.yaml"])
    app, db = doc["services"]["app"], doc["services"]["postgres"]
    assert app["environment"][user_env] == "app" == db["environment"]["POSTGRES_USER"]
    assert db["environment"]["POSTGRES_DB"] == "app"
    secret = url_env.split("_")[0].lower() + "_datasource_password"
    assert app["secrets"] == [secret] and db["environment"]["POSTGRES_PASSWORD_FILE"] == f"/run/secrets/{secret}"
