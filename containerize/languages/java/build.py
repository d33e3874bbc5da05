"""How the jar is built and where it lands: Maven goals or the Gradle task, the commands that copy the
jar (and its libraries) out of the build stage, the build files copied before the source."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ...profile import Profile
from ...scan import SourceTree
from .module import SETTINGS_FILES, Module


def copy_jar_cmd(folder: str, exact: str | None) -> str:
    """Shell that puts the runnable jar of `folder` at /out/app.jar."""
    if exact:
        return f"cp {folder}/{exact} /out/app.jar"
    excluded = ["original-*", "*-sources.jar", "*-javadoc.jar", "*-tests.jar", "*-plain.jar"]
    conds = " ".join(f"! -name '{pat}'" for pat in excluded)
    return f"find {folder} -maxdepth 1 -name '*.jar' {conds} -exec cp {{}} /out/app.jar \\;"


QUARKUS_APP = "/app/quarkus-run.jar"  # the fast-jar's launcher, with lib/, app/ and quarkus/ beside it


def quarkus_jar_type(tree: SourceTree, mod_dir: str) -> tuple[str, str | None, int | None]:
    """Quarkus' package type (fast-jar unless application.properties says uber-jar), with where it is said."""
    from .settings import _property

    rel = f"{mod_dir}src/main/resources/application.properties"
    for number, text in enumerate(tree.lines(rel), 1):
        pair = _property(text)
        if pair and pair[0] in ("quarkus.package.jar.type", "quarkus.package.type") and pair[1] in (
                "uber-jar", "fast-jar", "legacy-jar", "mutable-jar"):
            return pair[1], rel, number
    return "fast-jar", None, None


@dataclass
class JarSteps:
    dep_copies: list[tuple[str, str]]
    resolve: str
    package: str
    copy_artifact: str
    jar_mode: str
    has_deps: bool


def jar_steps(tree: SourceTree, profile: Profile, tool: str, manifest: str, mods: list[Module], app: Module,
              wrapper: bool) -> JarSteps:
    """The build of `app`'s jar; records the build command and its evidence on the profile."""
    mod_dir = f"{app.dir}/" if app.dir else ""
    has_deps = bool(app.deps) or any(m.deps for m in mods if m is not app)
    quarkus = uber = False
    if app.quarkus:
        kind, rel, line = quarkus_jar_type(tree, mod_dir)
        uber = kind == "uber-jar"
        quarkus = not uber
        profile.note("build_command", f"Quarkus packages a {kind}" + (
            ": target/*-runner.jar runs" if uber and tool == "maven" else ": build/*-runner.jar runs" if uber else
            ": quarkus-app/quarkus-run.jar runs with the lib/, app/ and quarkus/ folders beside it"),
            rel or app.build_file, line, 0.9)
    if tool == "maven":
        select = f" -pl {app.dir} -am" if app.dir else ""
        goals = "package"
        jar_mode = "jar"
        if app.quarkus:
            pass
        elif not (app.boot or app.shaded) and has_deps:
            goals = "package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib"
            jar_mode = "classpath"
        elif not (app.boot or app.shaded or app.main_class):
            jar_mode = "classpath"  # no Main-Class in the manifest: name the class on the command line
        if app.extra_goals:  # the assembly/shade plugin has no execution bound to package: run its goal too
            goals = " ".join([goals.split()[0], *app.extra_goals, *goals.split()[1:]])
            profile.note("build_command", f"{' and '.join(app.extra_goals)}: the plugin has no execution bound to "
                         "package, so the build runs its goal after package", app.build_file, None, 0.85)
        package = f"mvn -B -q {goals} -DskipTests{select}"
        copy = copy_jar_cmd(f"{mod_dir}target", app.jar_name)
        if quarkus:
            jar_mode, copy = "quarkus", f"cp -r {mod_dir}target/quarkus-app/. /out/ && test -s /out/quarkus-run.jar"
        elif uber:
            copy = f"find {mod_dir}target -maxdepth 1 -name '*-runner.jar' -exec cp {{}} /out/app.jar \\;"
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
        if app.quarkus:
            task, jar_mode = "quarkusBuild", "quarkus" if quarkus else "jar"
            copy = (f"cp -r {mod_dir}build/quarkus-app/. /out/ && test -s /out/quarkus-run.jar" if quarkus else
                    f"find {mod_dir}build -maxdepth 1 -name '*-runner.jar' -exec cp {{}} /out/app.jar \\;")
        elif app.boot:
            task, jar_mode = "bootJar", "jar"
            copy = copy_jar_cmd(libs, None)
        elif app.shaded:
            task, jar_mode = "shadowJar", "jar"
            copy = f"find {libs} -maxdepth 1 -name '*-all.jar' -exec cp {{}} /out/app.jar \\;"
        elif app.application or has_deps:
            task, jar_mode = "installDist", "dist"
            copy = f"cp -r {mod_dir}build/install/*/lib /out/lib"
        else:
            task, jar_mode = "jar", "jar" if app.main_class else "classpath"
            copy = copy_jar_cmd(libs, None)
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
            "quarkusBuild": "the Quarkus plugin's application",
            "shadowJar": "the Shadow plugin's fat jar (-all.jar)",
            "installDist": "the application plugin's distribution (the jar and its libraries)",
            "jar": "a plain jar"}[task], app.build_file, None, 0.9)
    if tool == "maven":
        kind = ("the Quarkus application (target/quarkus-app/)" if quarkus else
                "Quarkus' uber-jar (target/*-runner.jar)" if uber else
                "Spring Boot's repackaged executable jar" if app.boot else
                "the shaded/assembled jar" if app.shaded else
                "the jar (Main-Class in its manifest)" if jar_mode == "jar" else
                "the jar plus its runtime dependencies (target/lib)" if has_deps else "the jar")
        profile.note("build_command", f"mvn package makes {kind}: {app.jar_name or 'found under target/'}",
                     app.build_file, None, 0.9 if app.jar_name else 0.7)
    profile.build_command = build_cmd

    profile.build_command = build_cmd
    return JarSteps(dep_copies, resolve, package, copy, jar_mode, has_deps)
