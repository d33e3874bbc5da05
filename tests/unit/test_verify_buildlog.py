"""Reading `docker build --progress=plain` output: steps, cache hits, the failing step,
and which steps install dependencies."""
from __future__ import annotations

from pathlib import Path

from containerize.verify import buildlog, context
from containerize.verify.build import base_of, clean_created_by, dockerfile_line, in_order, stage_order

# A rebuild of the generated python-flask Dockerfile after app.py changed (docker 20.10, BuildKit).
REBUILD = """\
#1 [internal] load build definition from Dockerfile
#1 sha256:6efcdebf74a2dddc45fe2a0f09167b345b20a2adcfae7e4f4d1602769e37facb
#1 transferring dockerfile: 32B done
#1 DONE 0.0s

#3 [internal] load metadata for docker.io/library/python:3.12-slim-bookworm
#3 DONE 0.0s

#4 [build 1/5] FROM docker.io/library/python:3.12-slim-bookworm
#4 DONE 0.0s

#9 [internal] load build context
#9 transferring context: 1.15kB done
#9 DONE 0.0s

#5 [stage-1 2/6] RUN groupadd --system --gid 10001 app  && useradd --system --uid 10001 --gid app app
#5 CACHED

#7 [build 2/5] RUN python -m venv /opt/venv
#7 CACHED

#8 [build 3/5] WORKDIR /app
#8 CACHED

#10 [build 4/5] COPY requirements.txt ./
#10 CACHED

#11 [build 5/5] RUN --mount=type=cache,target=/root/.cache/pip     pip install -r requirements.txt  && pip install "gunicorn>=23,<24"
#11 sha256:e74f5d0dcf95dbaa2e0622da22c3e8c891b7a14db644f30d3d8a567cc20b9f3a
#11 CACHED

#6 [stage-1 3/6] WORKDIR /app
#6 CACHED

#12 [stage-1 4/6] COPY --from=build /opt/venv /opt/venv
#12 CACHED

#13 [stage-1 5/6] COPY . .
#13 DONE 0.0s

#14 [stage-1 6/6] RUN mkdir -p /app/uploads  && chown 10001:10001 /app/uploads
#14 DONE 0.3s

#15 exporting to image
#15 exporting layers 0.0s done
#15 naming to docker.io/library/cverify-exp:2 done
#15 DONE 0.0s
"""

FAILED = """\
#4 [build 1/5] FROM docker.io/library/python:3.12-slim-bookworm
#4 DONE 0.0s

#7 [build 2/5] RUN python -m venv /opt/venv
#7 CACHED

#10 [build 4/5] COPY requirements.txt ./
#10 DONE 0.0s

#11 [build 5/5] RUN --mount=type=cache,target=/root/.cache/pip     pip install -r requirements.txt
#11 0.833 ERROR: Could not find a version that satisfies the requirement nope==1.0.0 (from versions: none)
#11 0.833 ERROR: No matching distribution found for nope==1.0.0
#11 ERROR: executor failed running [/bin/sh -c pip install -r requirements.txt]: exit code: 1
------
 > [build 5/5] RUN --mount=type=cache,target=/root/.cache/pip     pip install -r requirements.txt:
------
executor failed running [/bin/sh -c pip install -r requirements.txt]: exit code: 1
"""

FLASK_DOCKERFILE = """\
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip \\
    pip install -r requirements.txt \\
 && pip install "gunicorn>=23,<24"

FROM python:${PYTHON_VERSION}-slim-bookworm
RUN groupadd --system --gid 10001 app \\
 && useradd --system --uid 10001 --gid app app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY . .
"""


def flask_context(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "Dockerfile").write_text(FLASK_DOCKERFILE)
    return tmp_path


def test_steps_cache_hits_and_instructions():
    log = buildlog.parse(REBUILD)
    steps = {s.number: s for s in log.instruction_steps()}
    assert sorted(steps) == [4, 5, 6, 7, 8, 10, 11, 12, 13, 14]
    pip = steps[11]
    assert (pip.stage, pip.index, pip.total, pip.keyword) == ("build", 5, 5, "RUN")
    assert pip.instruction == ('RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt '
                               '&& pip install "gunicorn>=23,<24"')
    assert pip.cached and pip.done
    assert not steps[13].cached and steps[13].instruction == "COPY . ."
    assert steps[14].seconds == 0.3 and not steps[14].cached
    assert not any(s.stage == "internal" for s in log.instruction_steps())
    assert log.failed_step() is None


def test_steps_are_shown_in_dockerfile_order(tmp_path):
    flask_context(tmp_path)
    order = stage_order(tmp_path / "Dockerfile")
    assert order == ["build", "stage-1"]
    rows = in_order(buildlog.parse(REBUILD).instruction_steps(), order)
    assert [(r["stage"], r["index"]) for r in rows][:6] == [("build", 1), ("build", 2), ("build", 3), ("build", 4),
                                                             ("build", 5), ("stage-1", 2)]


def test_stage_names_follow_buildkit(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("# FROM commented AS out\n"
                          "FROM --platform=$BUILDPLATFORM \\\n    golang:1.23 AS build\n"
                          "RUN go build\n"
                          "from --platform=linux/amd64 node:20 as web\n"
                          "FROM b AS\n"
                          "FROM build\n")
    assert stage_order(dockerfile) == ["build", "web", "stage-2", "stage-3"]
    assert dockerfile_line(dockerfile, "RUN go build") == 4
    assert dockerfile_line(dockerfile, "FROM --platform=$BUILDPLATFORM golang:1.23 AS build") == 2
    assert stage_order(tmp_path / "missing") == [] and dockerfile_line(tmp_path / "missing", "RUN x") is None


def test_reading_a_huge_dockerfile(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM a AS one\n" + "\n" * 200_000 + "RUN x \\\n" + "  && echo hi \\\n" * 50_000
                          + "  && done\nFROM b\n")
    assert stage_order(dockerfile) == ["one", "stage-1"]
    assert dockerfile_line(dockerfile, "RUN nothing") is None


def test_the_failing_step_and_its_output(tmp_path):
    log = buildlog.parse(FAILED)
    step = log.failed_step()
    assert step is not None and step.number == 11 and step.index == 5
    assert step.error.startswith("executor failed running")
    assert step.output == ["ERROR: Could not find a version that satisfies the requirement nope==1.0.0 "
                           "(from versions: none)", "ERROR: No matching distribution found for nope==1.0.0"]
    assert "exit code: 1" in log.error_summary()
    flask_context(tmp_path)
    assert dockerfile_line(tmp_path / "Dockerfile", step.instruction.replace(' && pip install "gunicorn>=23,<24"',
                                                                              "")) == 7
    assert dockerfile_line(tmp_path / "Dockerfile", "COPY . .") == 16


def test_feeding_line_by_line_reports_each_step():
    log = buildlog.BuildLog()
    seen = [log.feed(line) for line in REBUILD.splitlines()]
    assert seen[0].name == "[internal] load build definition from Dockerfile"
    assert log.feed("not a step line") is None


def test_copy_sources():
    assert buildlog.copy_sources("COPY requirements.txt ./") == (["requirements.txt"], None)
    assert buildlog.copy_sources("COPY --from=build --chown=1:1 /opt/venv /opt/venv") == (["/opt/venv"], "build")
    assert buildlog.copy_sources('COPY ["package.json", "package-lock.json", "./"]') == (
        ["package.json", "package-lock.json"], None)
    assert buildlog.copy_sources("RUN echo") is None


def test_dependency_steps_of_a_good_dockerfile(tmp_path):
    is_source = context.source_copy_check(flask_context(tmp_path))
    deps, late = buildlog.dependency_steps(buildlog.parse(REBUILD).instruction_steps(), is_source)
    assert [s.number for s in deps] == [5, 7, 11]  # groupadd, venv, pip install; not the mkdir after COPY . .
    assert all(s.cached for s in deps) and late == []


def test_install_after_the_source_copy_is_reported(tmp_path):
    (tmp_path / "app.py").write_text("")
    (tmp_path / "requirements.txt").write_text("")
    bad = """\
#4 [1/4] FROM docker.io/library/python:3.12-slim-bookworm
#4 CACHED

#5 [2/4] WORKDIR /app
#5 CACHED

#6 [3/4] COPY . .
#6 DONE 0.1s

#7 [4/4] RUN pip install -r requirements.txt
#7 DONE 9.1s
"""
    deps, late = buildlog.dependency_steps(buildlog.parse(bad).instruction_steps(),
                                           context.source_copy_check(tmp_path))
    assert deps == [] and [s.number for s in late] == [7]
    assert buildlog.parse(bad).by_number[7].stage == "stage-0"


def test_project_install_after_the_dependencies_is_fine(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    log = """\
#5 [build 2/5] COPY pyproject.toml ./
#5 CACHED

#6 [build 3/5] RUN pip install -r /tmp/requirements.txt
#6 CACHED

#7 [build 4/5] COPY . .
#7 DONE 0.1s

#8 [build 5/5] RUN pip install --no-deps .
#8 DONE 2.0s
"""
    deps, late = buildlog.dependency_steps(buildlog.parse(log).instruction_steps(),
                                           context.source_copy_check(tmp_path))
    assert [s.number for s in deps] == [6] and late == []


def test_copy_from_a_stage_with_the_source_brings_source(tmp_path):
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "src").mkdir()
    log = """\
#3 [build 2/4] COPY package.json ./
#3 CACHED

#4 [build 3/4] RUN npm ci
#4 CACHED

#5 [build 4/4] COPY src ./src
#5 DONE 0.1s

#6 [stage-1 2/3] COPY --from=build /app/dist ./dist
#6 DONE 0.1s

#7 [stage-1 3/3] RUN chown -R 101 ./dist
#7 DONE 0.1s
"""
    deps, late = buildlog.dependency_steps(buildlog.parse(log).instruction_steps(),
                                           context.source_copy_check(tmp_path))
    assert [s.number for s in deps] == [4] and late == []


def test_installs_dependencies():
    yes = ["RUN pip install -r requirements.txt", "RUN npm ci --omit=dev", "RUN yarn install --frozen-lockfile",
           "RUN yarn", "RUN go mod download", "RUN bundle install", "RUN uv sync --frozen",
           "RUN composer install --no-dev"]
    no = ["RUN pip install --no-deps .", "RUN yarn build", "RUN go build ./...", "RUN npm run build"]
    assert all(buildlog.installs_dependencies(x) for x in yes)
    assert not any(buildlog.installs_dependencies(x) for x in no)


def test_history_rows_are_cleaned_and_the_base_is_found(monkeypatch):
    assert clean_created_by("RUN /bin/sh -c groupadd app # buildkit") == "RUN groupadd app"
    assert clean_created_by("/bin/sh -c #(nop)  CMD [\"python3\"]") == 'CMD ["python3"]'
    assert clean_created_by("COPY . . # buildkit") == "COPY . ."
    base = [{"CreatedBy": "ADD rootfs", "Size": 100}, {"CreatedBy": "CMD python3", "Size": 0}]
    ours = base + [{"CreatedBy": "COPY . . # buildkit", "Size": 5}]
    from containerize.verify import docker
    monkeypatch.setattr(docker, "history", lambda ref: base if "python" in ref else [{"CreatedBy": "x"}])
    log = buildlog.parse("#4 [build 1/2] FROM docker.io/library/golang:1.23\n#4 DONE 0.0s\n"
                         "#5 [stage-1 1/2] FROM docker.io/library/python:3.12-slim\n#5 DONE 0.0s\n")
    assert base_of(ours, log) == ("docker.io/library/python:3.12-slim", 2)


def test_docker_history_parsing(monkeypatch):
    import subprocess

    from containerize.verify import docker
    out = ('{"CreatedBy":"CMD [\\"app\\"]","ID":"sha256:1","Size":"0"}\n'
           '{"CreatedBy":"COPY . . # buildkit","ID":"<missing>","Size":"2048"}\n'
           '{"CreatedBy":"","ID":"<missing>","Size":"74800000"}\n')
    monkeypatch.setattr(docker, "run", lambda args, **kw: subprocess.CompletedProcess(args, 0, out, ""))
    rows = docker.history("x")
    assert [r["Size"] for r in rows] == [74800000, 2048, 0]  # oldest first
    assert rows[-1]["CreatedBy"] == 'CMD ["app"]'
