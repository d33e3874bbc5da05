"""`containerize init` for new Java and C/C++ projects: the answers, the rendered files, hadolint."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from containerize import render, scaffold
from containerize.checklist import AnalysisError
from projects import lint, stages

JAVA_CHOICES = ["spring-boot", "none", "gradle"]
CPP_CHOICES = ["cmake", "make", "meson"]


def new(tmp_path: Path, *pairs: tuple[str, str], name: str = "app", asked=None):
    """(profile, rendered files) of a new project in tmp_path/name."""
    profile = scaffold.new_profile(tmp_path / name, list(pairs), asked)
    return profile, scaffold.render_new(profile)


def cmd(dockerfile: str) -> list[str]:
    return yaml.safe_load(re.search(r"^CMD (.*)$", dockerfile, re.M).group(1))


def before_build(readme: str) -> str:
    assert "## Before the first build" in readme
    return readme.split("## Before the first build", 1)[1].split("\n## ", 1)[0]


def test_java_and_cpp_can_start_new_projects():
    assert {"java", "cpp"} <= set(scaffold.languages())
    assert [name for name, _ in scaffold.frameworks("java")] == JAVA_CHOICES
    assert [name for name, _ in scaffold.frameworks("cpp")] == CPP_CHOICES


# -- Java -------------------------------------------------------------------------------
@pytest.mark.parametrize("framework", JAVA_CHOICES)
def test_every_java_choice_renders_a_clean_multi_stage_dockerfile(tmp_path, framework):
    profile, files = new(tmp_path, ("language", "java"), ("framework", framework))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    build, runtime = stages(dockerfile)
    assert "AS build" in build.splitlines()[0] and "-jre-" in runtime.splitlines()[0]
    assert "USER 10001:10001" in runtime and "mvn" not in runtime and "gradle" not in runtime
    assert "ARG JAVA_VERSION=21" in dockerfile
    # build files and the dependency step come before the source
    deps = build.index("dependency:resolve" if profile.package_manager == "maven" else "dependencies >")
    assert deps < build.index("COPY . .")
    assert "--mount=type=cache,target=/root/" in build
    assert scaffold.starter_files(profile) == {}  # the pom / build script is the app's own
    assert profile.compiled and profile.new_project
    assert before_build(files["README.Docker.md"])


def test_a_new_spring_boot_app_runs_its_jar_and_binds_the_port_from_server_port(tmp_path):
    profile, files = new(tmp_path, ("language", "java"), ("framework", "spring-boot"), ("port", "9000"))
    dockerfile = files["Dockerfile"]
    assert profile.framework == "spring-boot" and profile.package_manager == "maven"
    assert cmd(dockerfile) == ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
    assert "COPY pom.xml ./" in dockerfile and "mvn -B -q package -DskipTests" in dockerfile
    assert "ENV SERVER_PORT=9000" in dockerfile and "EXPOSE 9000" in dockerfile
    assert '"Probe", "9000", "/", "SERVER_PORT"]' in dockerfile  # the HEALTHCHECK
    assert "test -s /out/app.jar" in dockerfile
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["environment"]["SERVER_PORT"] == "9000"
    steps = before_build(files["README.Docker.md"])
    assert "spring-boot-maven-plugin" in steps and "`SERVER_PORT` env var (9000 in the image)" in steps


def test_spring_boot_on_gradle_builds_the_boot_jar(tmp_path):
    profile, files = new(tmp_path, ("language", "java"), ("framework", "spring-boot"),
                         ("package_manager", "gradle"))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "FROM gradle:${GRADLE_VERSION}-jdk${JAVA_VERSION}" in dockerfile
    assert "COPY build.gradle* settings.gradle* gradle.properties* ./" in dockerfile
    assert "gradle --no-daemon -q bootJar" in dockerfile and "! -name '*-plain.jar'" in dockerfile
    assert cmd(dockerfile)[-2:] == ["-jar", "/app/app.jar"]
    assert "org.springframework.boot" in before_build(files["README.Docker.md"])


def test_a_plain_maven_app_runs_its_main_class_with_its_libraries(tmp_path):
    profile, files = new(tmp_path, ("language", "java"))  # no framework: plain Java, Maven
    dockerfile = files["Dockerfile"]
    assert profile.framework is None and profile.package_manager == "maven" and profile.ports == []
    assert cmd(dockerfile) == ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/app.jar:/app/lib/*",
                               "com.example.App"]
    assert "dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib" in dockerfile
    assert "cp -r target/lib /out/lib" in dockerfile
    assert "EXPOSE" not in dockerfile and "HEALTHCHECK" not in dockerfile  # not a server unless a port is given
    steps = before_build(files["README.Docker.md"])
    assert "`src/main/java/com/example/App.java`" in steps and "<maven.compiler.release>21<" in steps


def test_a_gradle_app_runs_the_application_plugins_distribution(tmp_path):
    profile, files = new(tmp_path, ("language", "java"), ("framework", "gradle"), ("port", "8080"),
                         ("runtime_version", "17"))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert profile.framework is None and profile.package_manager == "gradle"
    assert "gradle --no-daemon -q installDist" in dockerfile and "cp -r build/install/*/lib /out/lib" in dockerfile
    assert cmd(dockerfile) == ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "com.example.App"]
    assert "ARG JAVA_VERSION=17" in dockerfile and "ENV PORT=8080" in dockerfile and "HEALTHCHECK" in dockerfile
    assert 'mainClass = "com.example.App"' in before_build(files["README.Docker.md"])


def test_a_given_main_class_is_the_one_the_readme_asks_for(tmp_path):
    entry = "java -cp /app/app.jar:/app/lib/* org.acme.Server --verbose"
    profile, files = new(tmp_path, ("language", "java"), ("entrypoint", entry))
    assert cmd(files["Dockerfile"])[-2:] == ["org.acme.Server", "--verbose"]
    assert profile.build.main_class == "org.acme.Server"
    assert "`src/main/java/org/acme/Server.java`" in before_build(files["README.Docker.md"])


def test_a_default_start_command_follows_a_changed_framework(tmp_path):
    # the questionnaire answered the start command for a plain app, then the framework changed
    plain = ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/app.jar:/app/lib/*", "com.example.App"]
    asked = [("language", "java"), ("framework", ""), ("entrypoint", " ".join(plain)),
             ("framework", "spring-boot")]
    profile, _ = new(tmp_path, asked=asked)
    assert profile.entrypoint[-2:] == ["-jar", "/app/app.jar"]
    profile, _ = new(tmp_path, asked=[("language", "java"), ("framework", ""), ("port", "8080")])
    assert profile.framework is None and profile.entrypoint == plain and profile.port_env == "PORT"


def test_java_answers_that_cant_build_are_refused(tmp_path):
    with pytest.raises(AnalysisError, match="package_manager=ant"):
        scaffold.new_profile(tmp_path, [("language", "java"), ("package_manager", "ant")])
    with pytest.raises(AnalysisError, match="runtime_version=latest"):
        scaffold.new_profile(tmp_path, [("language", "java"), ("runtime_version", "latest")])


def test_a_new_java_app_with_a_database_gets_its_secret_and_service(tmp_path):
    profile, files = new(tmp_path, ("language", "java"), ("framework", "spring-boot"), ("services", "postgres"))
    lint(files["Dockerfile"], tmp_path)
    compose = yaml.safe_load(files["compose.yaml"])
    assert "postgres" in compose["services"] and "database_url" in compose["services"]["app"]["secrets"]


# -- C / C++ ---------------------------------------------------------------------------
@pytest.mark.parametrize("system", CPP_CHOICES)
def test_every_build_system_renders_a_clean_dockerfile(tmp_path, system):
    profile, files = new(tmp_path, ("language", "cpp"), ("framework", system), name="my tool")
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    build, runtime = stages(dockerfile)
    assert profile.framework is None and profile.package_manager == system
    assert profile.entrypoint == ["/usr/local/bin/my-tool"] and cmd(dockerfile) == profile.entrypoint
    assert "build-essential=" in build and "build-essential" not in runtime
    assert {"cmake": "cmake=", "meson": "meson=", "make": "make -j"}[system] in build
    assert "test -x /out/my-tool" in build
    # nothing but libc/libstdc++: distroless, no shell, non-root
    assert runtime.startswith("FROM gcr.io/distroless/cc-debian12:nonroot") and "USER 65532:65532" in runtime
    assert profile.build.shell is False
    assert "EXPOSE" not in dockerfile
    assert scaffold.starter_files(profile) == {}
    steps = before_build(files["README.Docker.md"])
    assert "my-tool" in steps and "`/usr/local/bin/my-tool`" in steps


def test_a_new_c_server_tells_its_port_and_is_probed(tmp_path):
    profile, files = new(tmp_path, ("language", "cpp"), ("framework", "make"), ("port", "8081"), name="srv")
    dockerfile = files["Dockerfile"]
    assert "make -j\"$(nproc)\" srv" in dockerfile and "find . -type f -path './srv'" in dockerfile
    assert "ENV PORT=8081" in dockerfile and "EXPOSE 8081" in dockerfile
    assert 'CMD ["/usr/local/bin/healthprobe", "8081", "/", "PORT"]' in dockerfile
    assert profile.health_path == "/" and profile.port_env == "PORT"
    assert "`PORT` env var (8081 in the image)" in before_build(files["README.Docker.md"])


def test_the_start_command_names_the_binary(tmp_path):
    profile, files = new(tmp_path, ("language", "cpp"), ("entrypoint", "/opt/bin/server --threads 4"))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "--target server" in dockerfile and "COPY --from=build /out/server /opt/bin/server" in dockerfile
    assert cmd(dockerfile) == ["/opt/bin/server", "--threads", "4"]
    assert "add_executable(server ...)" in before_build(files["README.Docker.md"])


def test_a_c_app_with_postgres_gets_libpq_and_a_slim_runtime(tmp_path):
    profile, files = new(tmp_path, ("language", "cpp"), ("services", "postgres"), ("port", "8080"))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    build, runtime = stages(dockerfile)
    assert "libpq-dev=" in build and "libpq5=" in runtime and "libpq-dev" not in runtime
    assert runtime.startswith("FROM debian:${DEBIAN_RELEASE}-slim") and "USER 10001:10001" in runtime
    assert profile.build.shell is True  # the secrets entrypoint needs /bin/sh
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["entrypoint"][0] == "/bin/sh"


def test_c_answers_that_cant_build_are_refused_or_warned(tmp_path):
    with pytest.raises(AnalysisError, match="package_manager=bazel"):
        scaffold.new_profile(tmp_path, [("language", "cpp"), ("package_manager", "bazel")])
    profile = scaffold.new_profile(tmp_path, [("language", "cpp"), ("runtime_version", "gcc-14")])
    assert any("GCC 12" in w for w in profile.warnings)


def test_a_readme_for_existing_code_has_no_before_the_first_build(tmp_path):
    profile, files = new(tmp_path, ("language", "cpp"))
    profile.new_project = False
    assert "Before the first build" not in render.render(profile)["README.Docker.md"]
