"""How a Java app is built and run: the fields ``java/Dockerfile.j2`` reads as ``b.<field>``."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan

WORKDIR = "/app"
APP_JAR = "/app/app.jar"


@dataclass
class JavaPlan(BuildPlan):
    tool: str = "maven"  # maven or gradle
    tool_version: str = ""  # the build image's Maven / Gradle version (a wrapper pins it)
    wrapper: bool = False  # ./gradlew is in the project (and runs the build)
    dep_copies: list[tuple[str, str]] = field(default_factory=list)  # (build files, destination) before the source
    resolve: str = ""  # shell that downloads the dependencies (its own cached layer)
    package: str = ""  # shell that builds the jar
    copy_artifact: str = ""  # shell that puts the jar (and its libraries) under /out
    jar_mode: str = "jar"  # jar (java -jar), classpath (jar + lib/ on -cp), dist (installDist's lib/) or quarkus
    # (the quarkus-app folder: quarkus-run.jar with lib/, app/ and quarkus/ beside it)
    main_class: str | None = None  # the class `java -cp` runs (not for jar mode)
    app_jar: str = APP_JAR
    workdir: str = WORKDIR

