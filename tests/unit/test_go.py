"""Go analyzer answers (go.mod, main packages, cgo, env/ports) and the Dockerfiles rendered from them."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from containerize import render
from containerize.languages import detect_all
from containerize.checklist import AnalysisError, build_profile
from containerize.scan import SourceTree
from projects import lint, stages, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

SERVER = """
package main

import (
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9000"
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	http.ListenAndServe(":"+port, nil)
}
"""


def rendered(tmp_path: Path, root: Path, *sets: tuple[str, str]):
    profile = build_profile(root, list(sets))
    files = render.render(profile)
    lint(files["Dockerfile"], tmp_path)
    return profile, files


# -- fixtures ----------------------------------------------------------------------
def test_root_main_package_with_a_secret_gets_a_slim_runtime(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-http")
    assert (p.language, p.framework, p.package_manager, p.runtime_version) == ("go", "net/http", "go modules", "1.25")
    assert p.entrypoint == ["/usr/local/bin/greeter"] and p.compiled
    assert p.ports == [8080] and p.port_env == "PORT" and p.health_path == "/healthz"
    assert p.env_var("GREETING").default == "hello from go"
    assert p.env_var("API_TOKEN").secret and p.env_var("API_TOKEN").default is None
    assert p.build.package == "." and not p.build.cgo and p.build.runtime == "slim" and p.build.shell
    build, runtime = stages(files["Dockerfile"])
    assert build.startswith("FROM golang:${GO_VERSION}-bookworm AS build")
    assert "ARG GO_VERSION=1.25" in files["Dockerfile"]  # `go 1.22` is a minimum: the newest published Go
    assert "ENV CGO_ENABLED=0" in build
    assert build.index("COPY go.mod ./") < build.index("go mod download") < build.index("COPY . .")
    assert "--mount=type=cache,target=/go/pkg/mod" in build and "--mount=type=cache,target=/root/.cache/go-build" in build
    assert "go build -trimpath -ldflags=\"-s -w\" -o /out/greeter ." in build
    assert runtime.startswith("FROM debian:bookworm-slim") and "USER 10001:10001" in runtime
    assert "apt-get" not in runtime  # nothing to install for a stdlib server that makes no TLS calls
    assert 'CMD ["/usr/local/bin/healthprobe", "8080", "/healthz", "PORT"]' in runtime
    assert runtime.rstrip().endswith('CMD ["/usr/local/bin/greeter"]')
    assert "golang" not in runtime and "go build" not in runtime
    # the secrets entrypoint needs the shell the slim image has
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["entrypoint"][0] == "/bin/sh"
    assert compose["services"]["app"]["secrets"] == ["api_token"]
    assert "main_test.go" not in str(p.evidence) and "handlers_test.go" not in str(p.evidence)


def test_cmd_layout_on_distroless_static_with_a_writable_folder(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-cmd")
    assert p.entrypoint == ["/usr/local/bin/counter"] and p.build.package == "./cmd/counter"
    assert [c["entrypoint"] for c in p.candidates if "entrypoint" in c] == [
        ["/usr/local/bin/counter"], ["/usr/local/bin/countctl"]]
    assert p.ports == [8090] and p.port_env is None and p.health_path == "/health"
    assert p.writable_paths == ["/data"] and p.read_paths == []
    assert p.build.runtime == "distroless-static" and p.build.shell is False
    build, runtime = stages(files["Dockerfile"])
    assert "go build -trimpath -ldflags=\"-s -w\" -o /out/counter ./cmd/counter" in build
    assert "mkdir -p /rootfs/data" in build
    assert runtime.startswith("FROM gcr.io/distroless/static-debian12:nonroot")
    assert "COPY --from=build --chown=65532:65532 /rootfs/ /" in runtime
    assert "USER 65532:65532" in runtime and "EXPOSE 8090" in runtime
    assert "RUN " not in runtime  # no shell to run anything in
    compose = yaml.safe_load(files["compose.yaml"])
    assert compose["services"]["app"]["volumes"] == ["data:/data"]


def test_dependencies_are_downloaded_from_go_mod_and_go_sum_before_the_source(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-postgres")
    assert p.runtime_version == "1.25"  # toolchain go1.23.4 (newer than `go 1.22.0`) is a minimum too
    assert any("toolchain" in e.why for e in p.evidence["runtime_version"])
    assert p.entrypoint == ["/usr/local/bin/notes"] and p.build.package == "./cmd/notes"
    assert ["/usr/local/bin/migrate"] in [c["entrypoint"] for c in p.candidates if "entrypoint" in c]
    assert p.dependencies == ["github.com/lib/pq"]
    assert [(s.kind, s.env_var) for s in p.services] == [("postgres", "DATABASE_URL")]
    assert p.env_var("DATABASE_URL").secret
    assert p.ports == [8000] and p.env_var("PORT").default == "8000" and p.health_path == "/healthz"
    build, runtime = stages(files["Dockerfile"])
    assert build.index("COPY go.mod go.sum ./") < build.index("go mod download") < build.index("COPY . .") \
        < build.index("-o /out/notes ./cmd/notes")
    assert runtime.startswith("FROM debian:bookworm-slim")
    assert "ca-certificates=20230311*" in runtime  # the driver may talk TLS
    compose = yaml.safe_load(files["compose.yaml"])
    assert "postgres" in compose["services"] and compose["services"]["app"]["secrets"] == ["postgres_password"]  # DATABASE_URL built from it


def test_detection_scores():
    claims = {c.language: c.score for c in detect_all(SourceTree(FIXTURES / "go-cmd"))}
    assert claims["go"] == 95


# -- variations -----------------------------------------------------------------------
def test_cgo_from_import_c_uses_glibc_runtime(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/native\n\ngo 1.21\n",
        "main.go": """
            package main

            // #include <stdlib.h>
            import "C"

            import "fmt"

            func main() { fmt.Println(C.abs(-3)) }
        """,
    })
    p, files = rendered(tmp_path, root)
    assert p.build.cgo and p.build.runtime == "distroless-base" and p.ports == []
    build, runtime = stages(files["Dockerfile"])
    assert "ENV CGO_ENABLED=1" in build
    assert runtime.startswith("FROM gcr.io/distroless/base-debian12:nonroot")
    assert "EXPOSE" not in files["Dockerfile"] and "HEALTHCHECK" not in files["Dockerfile"]
    assert p.entrypoint == ["/usr/local/bin/native"]


def test_cgo_dependency_and_gin_default_port(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": """
            module github.com/acme/shop/v2

            go 1.22

            require (
            	github.com/gin-gonic/gin v1.10.0
            	github.com/mattn/go-sqlite3 v1.14.22
            	golang.org/x/net v0.25.0 // indirect
            )
        """,
        "go.sum": "",
        "main.go": """
            package main

            import (
            	"database/sql"
            	"github.com/gin-gonic/gin"
            	_ "github.com/mattn/go-sqlite3"
            )

            func main() {
            	db, _ := sql.Open("sqlite3", "/var/lib/shop/shop.db")
            	_ = db
            	r := gin.Default()
            	r.GET("/ping", func(c *gin.Context) { c.String(200, "pong") })
            	r.Run()
            }
        """,
    })
    p, files = rendered(tmp_path, root)
    assert p.framework == "gin" and p.ports == [8080] and p.port_env == "PORT" and p.health_path == "/ping"
    assert p.dependencies == ["github.com/gin-gonic/gin", "github.com/mattn/go-sqlite3"]
    assert p.build.cgo and p.writable_paths == ["/var/lib/shop"]
    assert p.entrypoint == ["/usr/local/bin/shop"]  # /v2 is not the name
    build, runtime = stages(files["Dockerfile"])
    assert "ENV CGO_ENABLED=1" in build and "CGO_ENABLED=0 go build" in build  # the probe stays static
    assert runtime.startswith("FROM gcr.io/distroless/base-debian12:nonroot")
    assert "COPY --from=build --chown=65532:65532 /rootfs/ /" in runtime


def test_picks_the_serving_main_package_then_the_one_named_like_the_module(tmp_path):
    tool = "package main\n\nfunc main() {}\n"
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/billing\n\ngo 1.22\n",
        "cmd/aaa-tool/main.go": tool,
        "cmd/billing/main.go": tool,
        "cmd/worker/main.go": tool,
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/billing"] and p.ports == []
    (root / "cmd/worker/main.go").write_text(SERVER)
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/worker"] and p.ports == [9000] and p.health_path == "/healthz"
    assert len([c for c in p.candidates if "entrypoint" in c]) == 3


def test_env_helpers_and_fallbacks(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n",
        "main.go": """
            package main

            import (
            	"cmp"
            	"net/http"
            	"os"
            )

            func envOr(k, d string) string { return cmp.Or(os.Getenv(k), d) }

            func main() {
            	region := cmp.Or(os.Getenv("REGION"), "eu-west-1")
            	secret, ok := os.LookupEnv("SESSION_SECRET")
            	if !ok {
            		secret = "dev"
            	}
            	_, _ = region, secret
            	http.ListenAndServe(":"+envOr("HTTP_PORT", "7000"), nil)
            }
        """,
        "main_test.go": 'package main\nimport "os"\nvar _ = os.Getenv("TEST_ONLY")\n',
    })
    p = build_profile(root)
    assert p.env_var("REGION").default == "eu-west-1"
    assert p.env_var("SESSION_SECRET").secret and p.env_var("SESSION_SECRET").default is None
    assert p.port_env == "HTTP_PORT" and p.ports == [7000]
    assert p.env_var("TEST_ONLY") is None


def test_vendored_modules_build_without_download(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/v\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n",
        "go.sum": "",
        "main.go": 'package main\n\nimport "github.com/google/uuid"\n\nfunc main() { println(uuid.NewString()) }\n',
        "vendor/modules.txt": "# github.com/google/uuid v1.6.0\n## explicit\ngithub.com/google/uuid\n",
    })
    p, files = rendered(tmp_path, root)
    assert p.build.vendored
    assert "go mod download" not in files["Dockerfile"] and "go build -mod=vendor" in files["Dockerfile"]


def test_local_replace_is_copied_before_download(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n",
        "go.sum": "",
        "main.go": "package main\n\nfunc main() {}\n",
        "lib/go.mod": "module example.com/lib\n\ngo 1.22\n",
        "lib/lib.go": "package lib\n",
    })
    p, files = rendered(tmp_path, root)
    text = files["Dockerfile"]
    assert text.index("COPY lib lib") < text.index("go mod download") < text.index("COPY . .")


def test_no_go_version_defaults_and_is_unsure(tmp_path):
    root = write_tree(tmp_path / "proj", {"go.mod": "module x\n", "main.go": "package main\n\nfunc main() {}\n"})
    p = build_profile(root)
    assert p.runtime_version == "1.25" and p.confidence("runtime_version") < 0.5


@pytest.mark.parametrize("files, message", [
    ({"go.mod": "module x\n\ngo 1.22\n", "lib.go": "package x\n"}, "no main package"),
    ({"go.mod": "go 1.22\n", "main.go": "package main\nfunc main() {}\n"}, "no `module` directive"),
    ({"go.mod": "module x\n\nrequire (\n\tgithub.com/a/b\n)\n", "main.go": "package main\nfunc main() {}\n"},
     "can't read the requirement"),
    ({"main.go": 'package main\n\nimport "github.com/a/b"\n\nfunc main() { b.Run() }\n'},
     "main.go imports github.com/a/b but there is no go.mod: run `go mod init <module> && go mod tidy`"),
    ({"cmd/tool/main.go": "package main\n\nfunc main() {}\n", "util.go": "package util\n"}, "no main package at the top"),
])
def test_broken_projects_fail_clearly(tmp_path, files, message):
    root = write_tree(tmp_path / "proj", files)
    with pytest.raises(AnalysisError, match=re.escape(message)):
        build_profile(root, [("language", "go")])


def test_loose_go_files_are_a_weak_claim(tmp_path):
    root = write_tree(tmp_path / "proj", {"main.go": "package main\n\nfunc main() {}\n"})
    claims = {c.language: c.score for c in detect_all(SourceTree(root))}
    assert claims["go"] < 50


def test_gorm_and_redigo_imply_services(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module x\n\ngo 1.22\n\nrequire (\n\tgorm.io/driver/postgres v1.5.9\n\tgithub.com/gomodule/redigo v1.9.2\n)\n",
        "go.sum": "",
        "main.go": 'package main\n\nimport "os"\n\nfunc main() { _ = os.Getenv("DATABASE_URL") }\n',
    })
    p = build_profile(root)
    assert [s.kind for s in p.services] == ["postgres", "redis"]
    assert p.env_var("DATABASE_URL").secret


# -- names resolved to literal values (parse trees, not patterns) ------------------------
def test_a_port_through_a_constant_and_a_concatenation(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/values\n\ngo 1.22\n",
        "main.go": """
            package main

            import "net/http"

            const listenPort = "9000"

            func main() {
            	addr := ":" + listenPort
            	http.HandleFunc(healthPath, func(w http.ResponseWriter, r *http.Request) {})
            	http.ListenAndServe(addr, nil)
            }
        """,
        # a name from another file of the same package
        "routes.go": 'package main\n\nconst healthPath = "/livez"\n',
    })
    p = build_profile(root)
    assert p.ports == [9000] and p.port_env is None and p.health_path == "/livez"
    assert any("':9000'" in e.why for e in p.evidence["ports"])


def test_a_numeric_constant_formatted_into_the_address_of_a_server_struct(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/values\n\ngo 1.22\n",
        "main.go": """
            package main

            import (
            	"fmt"
            	"net/http"
            )

            func main() {
            	srv := &http.Server{Addr: fmt.Sprintf(":%d", defaultPort), Handler: http.NotFoundHandler()}
            	srv.ListenAndServe()
            }
        """,
        "config.go": "package main\n\nconst (\n\tdefaultPort = 8181\n\tother = 1\n)\n",
    })
    p = build_profile(root)
    assert p.ports == [8181] and p.framework == "net/http"


def test_env_reads_through_a_wrapper_in_another_package(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n",
        "internal/config/config.go": """
            package config

            import "os"

            // Getenv is os.LookupEnv with a fallback.
            func Getenv(key, fallback string) string {
            	if v, ok := os.LookupEnv(key); ok {
            		return v
            	}
            	return fallback
            }

            func MustEnv(name string) string {
            	v := os.Getenv(name)
            	if v == "" {
            		panic(name)
            	}
            	return v
            }
        """,
        "main.go": """
            package main

            import (
            	"net"
            	"net/http"

            	"example.com/svc/internal/config"
            )

            const hostKey = "DB_HOST"

            func main() {
            	_ = config.Getenv(hostKey, "localhost")
            	_ = config.MustEnv("API_KEY")
            	addr := net.JoinHostPort("", config.Getenv("APP_PORT", "7100"))
            	http.ListenAndServe(addr, nil)
            }
        """,
    })
    p = build_profile(root)
    assert p.env_var("DB_HOST").default == "localhost"
    assert p.env_var("API_KEY").secret and p.env_var("API_KEY").default is None
    assert p.port_env == "APP_PORT" and p.ports == [7100]
    assert not any(v.name in ("key", "name", "hostKey") for v in p.env)


def test_a_getenv_fallback_returned_from_a_function_and_a_flag_default(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n",
        "main.go": """
            package main

            import (
            	"flag"
            	"net/http"
            	"os"
            )

            func region() string {
            	r := os.Getenv("REGION")
            	if r == "" {
            		return "eu-north-1"
            	}
            	return r
            }

            var addr = flag.String("addr", ":6060", "listen address")

            func main() {
            	flag.Parse()
            	_ = region()
            	http.ListenAndServe(*addr, nil)
            }
        """,
    })
    p = build_profile(root)
    assert p.env_var("REGION").default == "eu-north-1"
    assert p.ports == [6060] and p.port_env is None


def test_a_long_line_and_many_blank_lines_are_read_in_linear_time(tmp_path):
    # one 64,000-character line (a generated table) and a file of 60,000 blank lines: the facts are still found
    table = "var table = []string{" + ", ".join(f'"k{i:05d}"' for i in range(7800)) + "}\n"
    assert len(table) > 64_000
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/big\n\ngo 1.22\n",
        "table.go": "package main\n\n" + table,
        "blank.go": "package main\n" + "\n" * 60_000 + 'const greetingDefault = "hi"\n',
        "main.go": """
            package main

            import (
            	"net/http"
            	"os"
            )

            func main() {
            	port := os.Getenv("PORT")
            	if port == "" {
            		port = "8123"
            	}
            	greeting, ok := os.LookupEnv("GREETING")
            	if !ok {
            		greeting = greetingDefault
            	}
            	_ = greeting
            	http.ListenAndServe(":"+port, nil)
            }
        """,
    })
    (root / "oneline.go").write_text('package main; import "os"; var x = []string{'
                                     + ", ".join(f'"v{i:05d}"' for i in range(7800))
                                     + '}; var token = os.Getenv("SESSION_TOKEN")\n')
    assert len((root / "oneline.go").read_text().splitlines()[0]) > 64_000
    p = build_profile(root)
    assert p.ports == [8123] and p.port_env == "PORT"
    assert p.env_var("GREETING").default == "hi"
    assert p.env_var("SESSION_TOKEN").secret


def test_values_fixture_port_constant_and_wrapped_default(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-values")
    assert p.ports == [8095] and p.port_env is None and p.health_path == "/ready"
    assert p.env_var("GREETING").default == "values from go" and p.build.runtime == "distroless-static"
    runtime = stages(files["Dockerfile"])[1]
    assert "EXPOSE 8095" in runtime and 'CMD ["/usr/local/bin/healthprobe", "8095", "/ready"' in runtime
    assert "ENV PORT" not in runtime


def test_an_address_passed_as_an_argument_and_a_port_returned_by_a_function(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n",
        "main.go": """
            package main

            import (
            	"net/http"
            	"os"
            )

            func port() string {
            	if p := os.Getenv("PORT"); p != "" {
            		return p
            	}
            	return "7400"
            }

            func serve(addr string) error { return http.ListenAndServe(addr, nil) }

            func main() { serve("127.0.0.1:" + port()) }
        """,
    })
    p = build_profile(root)
    assert p.port_env == "PORT" and p.ports == [7400]
    assert any("localhost only" in w for w in p.warnings)


def test_an_address_env_var_is_not_the_port_env_and_a_database_port_is_not_either(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire github.com/labstack/echo/v4 v4.12.0\n",
        "go.sum": "",
        "main.go": """
            package main

            import (
            	"os"

            	"github.com/labstack/echo/v4"
            )

            const defaultAddress = ":9090"

            func main() {
            	_ = os.Getenv("DATABASE_PORT")
            	e := echo.New()
            	address := os.Getenv("SERVER_ADDRESS")
            	if address == "" {
            		address = defaultAddress
            	}
            	e.Start(address)
            }
        """,
    })
    p = build_profile(root)
    assert p.ports == [9090] and p.port_env is None and p.framework == "echo"
    assert p.env_var("SERVER_ADDRESS").default == ":9090"


def test_a_standard_library_main_go_without_go_mod_gets_one_in_the_build(tmp_path):
    root = write_tree(tmp_path / "My App", {"main.go": 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\n'
                                            'func main() {\n\thttp.Handle("/", http.FileServer(http.Dir("static")))\n'
                                            '\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)\n}\n',
                                            "static/index.html": "<h1>hi</h1>\n"})
    p, files = rendered(tmp_path, root)
    assert p.build.mod_init and p.build.module == "my-app" and p.build.binary == "my-app"
    assert any("no go.mod" in w for w in p.warnings)
    build = stages(files["Dockerfile"])[0]
    assert "RUN go mod init my-app" in build and "go mod download" not in build
    assert build.index("COPY . .") < build.index("go mod init") < build.index("-o /out/my-app")
    assert "COPY --from=build /src/static /app/static" in files["Dockerfile"]  # read at run time


# -- route groups, serving through the module's packages, struct-tag settings --------
def test_gin_route_groups_give_full_paths_and_a_ping_route_under_a_group(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-gin-groups")
    assert p.framework == "gin" and p.entrypoint == ["/usr/local/bin/bookshelf"]
    # Run(opts.Host + ":" + opts.Port): the struct tags' defaults and env vars (go-flags)
    assert p.ports == [8070] and p.port_env == "BOOKSHELF_PORT"
    # "/" is only served under /api/v1/books/ and /api/v1/authors/: the ping route under /system
    assert p.health_path == "/system/ping" and p.evidence["health_path"][0].line == 30
    from containerize.languages.go import source
    program = source.Program(SourceTree(FIXTURES / "go-gin-groups"), ["main.go", "api/books.go"])
    assert [r[0] for r in program.routes()] == ["/system/ping", "/api/v1/books/", "/api/v1/books/:id",
                                                "/api/v1/authors/"]
    assert program.bare_runs() == []  # exec.Cmd's Run() is not gin's
    _, runtime = stages(files["Dockerfile"])
    assert 'CMD ["/usr/local/bin/healthprobe", "8070", "/system/ping", "BOOKSHELF_PORT"]' in runtime


def test_the_daemon_that_serves_through_a_module_package_beats_a_serving_example(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-cmd-daemon")
    assert p.entrypoint == ["/usr/local/bin/ledgerd"] and p.build.package == "./cmd/ledgerd"
    assert "serves (through ./httpapi)" in p.evidence["entrypoint"][0].why
    assert p.ports == [9400] and p.port_env == "PORT" and p.health_path == "/healthz"
    assert [c["package"] for c in p.candidates if "entrypoint" in c] == [
        "./cmd/ledgerd", "./cmd/ledger", "./examples/inmemory"]
    assert p.build.runtime == "distroless-static"
    assert "go build -trimpath -ldflags=\"-s -w\" -o /out/ledgerd ./cmd/ledgerd" in files["Dockerfile"]


@pytest.mark.parametrize("code, health", [
    # echo: a group variable, routes on it
    ('e := echo.New()\n\tg := e.Group("/v2")\n\tg.GET("/", h)\n\tg.GET("/status", h)\n\te.Start(":8000")', "/v2/status"),
    # a route with an empty path serves the group's own path
    ('e := echo.New()\n\tg := e.Group("/v2/items")\n\tg.GET("", h)\n\tg.GET("/:id", h)\n\te.Start(":8000")',
     "/v2/items"),
    # chi: Route with a closure whose parameter is the sub-router
    ('r := chi.NewRouter()\n\tr.Route("/admin", func(r chi.Router) {\n\t\tr.Get("/ping", h)\n\t})\n'
     '\tr.Get("/", h)\n\thttp.ListenAndServe(":8000", r)', "/"),
    ('r := chi.NewRouter()\n\tr.Route("/admin", func(r chi.Router) {\n\t\tr.Get("/", h)\n\t\tr.Get("/stats", h)\n\t})\n'
     '\thttp.ListenAndServe(":8000", r)', "/admin/"),
    # gorilla: PathPrefix(...).Subrouter()
    ('r := mux.NewRouter()\n\tapi := r.PathPrefix("/api").Subrouter()\n\tapi.HandleFunc("/health", h)\n'
     '\thttp.ListenAndServe(":8000", r)', "/api/health"),
    # a group from a parameter nobody passes: its routes are left out, "/" is a guess
    ('http.ListenAndServe(":8000", nil)\n}\n\nfunc register(g *echo.Group) {\n\tg.GET("/", h)', "/"),
])
def test_route_prefixes_of_groups(tmp_path, code, health):
    main = ("package main\n\nimport (\n\t\"net/http\"\n\t\"github.com/go-chi/chi/v5\"\n"
            "\t\"github.com/gorilla/mux\"\n\t\"github.com/labstack/echo/v4\"\n)\n\nvar h = func() {}\n\n"
            "func main() {\n\t" + code + "\n}\n")
    root = write_tree(tmp_path / "proj", {"go.mod": "module example.com/r\n\ngo 1.22\n", "main.go": main})
    p = build_profile(root)
    assert p.ports == [8000] and p.health_path == health


def test_struct_tag_reader():
    from containerize.languages.go.source import struct_tag
    assert struct_tag('long:"listen" env:"PORT" default:"8081" description:"a \\"port\\""') == {
        "long": "listen", "env": "PORT", "default": "8081", "description": 'a \\"port\\"'}
    assert struct_tag('json:"name,omitempty"') == {"json": "name,omitempty"}
    assert struct_tag("broken:\"x") == {} and struct_tag("") == {} and struct_tag("a b:\"c\"") == {}


def test_fiber_template_engine_and_static_middleware_folders_are_copied(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-fiber-files")
    assert p.framework == "fiber" and p.ports == [3300] and p.port_env == "GUESTBOOK_PORT"
    assert p.health_path == "/livez"
    assert p.build.assets == ["views", "public"]  # html.New("./views", ".html"), static.New("./public")
    _, runtime = stages(files["Dockerfile"])
    assert "COPY --from=build /src/views /app/views" in runtime
    assert "COPY --from=build /src/public /app/public" in runtime


def test_viper_settings_from_the_environment_and_a_walked_templates_folder(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-chi-viper")
    # viper.AutomaticEnv(): viper.GetString("port") reads PORT, SetDefault gives its fallback
    assert p.ports == [3000] and p.port_env == "PORT"
    assert p.env_var("LOG_LEVEL").default == "info"
    assert p.health_path == "/api/healthz"  # inside r.Route("/api", func(r chi.Router) {...})
    assert p.build.assets == ["templates"]  # filepath.Walk("./templates", ...)
    assert "COPY --from=build /src/templates /app/templates" in files["Dockerfile"]


def test_viper_prefix_and_bound_names(tmp_path):
    main = """
        package main

        import (
        	"net/http"
        	"github.com/spf13/viper"
        )

        func main() {
        	viper.SetEnvPrefix("shop")
        	viper.BindEnv("listen", "SHOP_LISTEN_PORT")
        	viper.SetDefault("listen", "8123")
        	viper.AutomaticEnv()
        	_ = viper.GetString("region")
        	http.ListenAndServe(":"+viper.GetString("listen"), nil)
        }
    """
    root = write_tree(tmp_path / "proj", {"go.mod": "module example.com/shop\n\ngo 1.22\n", "main.go": main})
    p = build_profile(root)
    assert p.ports == [8123] and p.port_env == "SHOP_LISTEN_PORT"
    assert p.env_var("SHOP_REGION") is not None
    # without AutomaticEnv or BindEnv, viper reads no env var
    (root / "main.go").write_text(main.replace('viper.AutomaticEnv()', '').replace(
        'viper.BindEnv("listen", "SHOP_LISTEN_PORT")', ''))
    p = build_profile(root)
    assert p.port_env is None and p.env_var("SHOP_REGION") is None


def test_embed_patterns_are_relative_to_their_package_folder(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/site\n\ngo 1.22\n",
        "web/css/site.css": "body {}",
        "web/assets.go": """
            package web

            import (
            	"embed"
            	"net/http"
            	"os"
            )

            //go:embed css/* index.html
            var files embed.FS

            func Handler() http.Handler {
            	if os.Getenv("DEV") == "1" {
            		return http.FileServer(http.Dir("./web"))
            	}
            	return http.FileServer(http.FS(files))
            }
        """,
        "main.go": """
            package main

            import (
            	"net/http"
            	"example.com/site/web"
            )

            func main() { http.ListenAndServe(":8000", web.Handler()) }
        """,
    })
    p = build_profile(root)
    assert p.ports == [8000] and p.build.assets == []  # web/ is in the binary: nothing to copy


def test_a_tcp_server_of_its_own_protocol_gets_a_connect_only_health_check(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/kv\n\ngo 1.22\n",
        "main.go": """
            package main

            import (
            	"bufio"
            	"fmt"
            	"net"
            	"os"
            )

            func main() {
            	port := os.Getenv("KV_PORT")
            	if port == "" {
            		port = "7379"
            	}
            	ln, err := net.Listen("tcp", ":"+port)
            	if err != nil {
            		panic(err)
            	}
            	for {
            		conn, err := ln.Accept()
            		if err != nil {
            			continue
            		}
            		go func(c net.Conn) {
            			defer c.Close()
            			for s := bufio.NewScanner(c); s.Scan(); {
            				fmt.Fprintln(c, "+PONG")
            			}
            		}(conn)
            	}
            }
        """,
    })
    p, files = rendered(tmp_path, root)
    assert p.ports == [7379] and p.port_env == "KV_PORT" and p.health_path is None
    build, runtime = stages(files["Dockerfile"])
    assert "net.DialTimeout" in build
    assert 'CMD ["/usr/local/bin/healthprobe", "7379", "-", "KV_PORT"]' in runtime
    # the same listener handing its connections to net/http is an HTTP server
    (root / "main.go").write_text("package main\n\nimport (\n\t\"net\"\n\t\"net/http\"\n)\n\nfunc main() {\n"
                                  "\tln, _ := net.Listen(\"tcp\", \":7379\")\n\thttp.Serve(ln, nil)\n}\n")
    assert build_profile(root).health_path == "/"


def test_a_route_registered_under_a_condition_is_not_probed(tmp_path):
    main = """
        package main

        import (
        	"net/http"
        	"os"
        )

        func main() {
        	mux := http.NewServeMux()
        	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {})
        	if os.Getenv("ENABLE_STATUS") == "1" {
        		mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {})
        	}
        	http.ListenAndServe(":8000", mux)
        }
    """
    root = write_tree(tmp_path / "proj", {"go.mod": "module example.com/c\n\ngo 1.22\n", "main.go": main})
    assert build_profile(root).health_path == "/"


def test_a_procfile_process_that_runs_the_apps_binary_is_a_worker_and_another_program_a_warning(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module github.com/acme/shop\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport (\n\t"flag"\n\t"net/http"\n)\n\nfunc main() {\n'
                   '\tworker := flag.Bool("worker", false, "run the queue")\n\tflag.Parse()\n'
                   '\tif *worker {\n\t\tselect {}\n\t}\n\thttp.ListenAndServe(":8080", nil)\n}\n',
        "Procfile": "web: bin/shop\nworker: bin/shop -worker\nmailer: bin/mailer --every 5m\n",
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/shop"]
    assert [(w.name, w.command, w.file, w.line) for w in p.workers] == [
        ("worker", ["/usr/local/bin/shop", "-worker"], "Procfile", 2)]
    assert any("the Procfile's mailer process runs something the image doesn't hold" in w for w in p.warnings)
    services = yaml.safe_load(render.render(p)["compose.yaml"])["services"]
    assert services["worker"]["command"] == ["/usr/local/bin/shop", "-worker"] and "ports" not in services["worker"]


# -- config files loaded at run time --------------------------------------------------
def test_the_runtime_folder_an_ini_file_names_is_a_volume(tmp_path):
    """[app] RuntimeRootPath = runtime/, read as setting.AppSetting.RuntimeRootPath and joined before
    LogSavePath where the log file is made: runtime/ is a volume (LogSavePath is inside it, not another one)."""
    p, files = rendered(tmp_path, FIXTURES / "go-gin-ini")
    assert p.writable_paths == ["/app/runtime"]
    note = p.evidence["writable_paths"][0]
    assert (note.file, note.line) == ("internal/logging/file.go", 14)
    assert "conf/app.ini sets app.RuntimeRootPath = runtime/" in note.why and "internal/logging/file.go:24" in note.why
    assert p.build.assets == ["conf"]  # nothing committed under runtime/
    _, runtime = stages(files["Dockerfile"])
    assert "COPY --from=build --chown=65532:65532 /rootfs/ /" in runtime
    assert "mkdir -p /rootfs/app/runtime" in files["Dockerfile"]
    assert yaml.safe_load(files["compose.yaml"])["services"]["app"]["volumes"] == ["app-runtime:/app/runtime"]


def test_a_runtime_folder_with_committed_files_is_copied_before_it_becomes_a_volume(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-json-runtime")
    assert p.writable_paths == ["/app/runtime"] and p.build.assets == ["conf", "runtime"]
    _, runtime = stages(files["Dockerfile"])
    assert runtime.index("COPY --from=build --chown=65532:65532 /rootfs/ /") < \
        runtime.index("COPY --from=build /src/runtime /app/runtime")


GO_MOD = "module example.com/app\n\ngo 1.22\n"


def test_files_written_relative_to_the_working_directory(tmp_path):
    """os.MkdirAll("notes"): a volume under WORKDIR; ./guestbook.db at its top: kept in /var/lib/app, linked."""
    p, files = rendered(tmp_path, FIXTURES / "go-relative-writes")
    assert p.writable_paths == ["/app/notes", "/var/lib/app"] and p.build.state_files == ["guestbook.db"]
    assert p.build.chdir and p.build.assets == []
    build, runtime = stages(files["Dockerfile"])
    assert "mkdir -p /rootfs/app/notes /rootfs/var/lib/app /rootfs/app \\\n" \
           " && ln -s /var/lib/app/guestbook.db /rootfs/app/guestbook.db" in build
    assert "WORKDIR /app" in runtime and "COPY --from=build --chown=65532:65532 /rootfs/ /" in runtime
    assert yaml.safe_load(files["compose.yaml"])["services"]["app"]["volumes"] == [
        "app-notes:/app/notes", "var-lib-app:/var/lib/app"]


@pytest.mark.parametrize("call, volumes, state", [
    ('gorm.Open("sqlite3", "./realworld.db")', ["/var/lib/app"], ["realworld.db"]),
    ('gorm.Open(sqlite.Open("data/app.db"), nil)', ["/app/data"], []),
    ('gorm.Open("mysql", "user:pw@tcp(db:3306)/app")', [], []),
    ('gorm.Open("sqlite3", ":memory:")', [], []),
    ('gorm.Open("sqlite3", "../outside.db")', [], []),
])
def test_gorm_sqlite_files(tmp_path, call, volumes, state):
    p = build_profile(write_tree(tmp_path, {
        "go.mod": GO_MOD, "main.go": "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/jinzhu/gorm\"\n"
        "\t\"gorm.io/driver/sqlite\"\n)\n\nfunc main() {\n\t_ = sqlite.Open\n\tgorm.Open(" + call.split("(", 1)[1] +
        "\n\thttp.ListenAndServe(\":8080\", nil)\n}\n"}))
    assert p.writable_paths == volumes and p.build.state_files == state


def test_a_state_file_on_the_slim_runtime_is_linked_in_its_run_step(tmp_path):
    p, files = rendered(tmp_path, write_tree(tmp_path / "app", {
        "go.mod": GO_MOD, "main.go": 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\t'
        'os.WriteFile("state.json", []byte(os.Getenv("API_TOKEN")), 0o600)\n\thttp.ListenAndServe(":8080", nil)\n}\n'}))
    assert p.build.runtime == "slim" and p.build.state_files == ["state.json"]
    _, runtime = stages(files["Dockerfile"])
    assert " && mkdir -p /app \\\n && ln -s /var/lib/app/state.json /app/state.json" in runtime


@pytest.mark.parametrize("config, code, volumes", [
    # the folder is only read (a template path): no volume
    ('{"app": {"TemplatePath": "views/", "DataDir": "data"}}',
     "os.MkdirAll(cfg.App.DataDir, 0o755)\n_ = cfg.App.TemplatePath", ["/app/data"]),
    # a key the code doesn't read is not the app's folder
    ('{"app": {"UploadDir": "uploads/"}}', "os.MkdirAll(\"/tmp/x\", 0o755)", []),
    # read, but the program writes nothing
    ('{"app": {"UploadDir": "uploads/"}}', "_ = cfg.App.UploadDir", []),
    # a file's path gives its folder; absolute and parent paths are left alone
    ('{"app": {"LogPath": "var/log/app.log", "CacheDir": "/var/cache/app", "TmpDir": "../tmp"}}',
     "os.WriteFile(cfg.App.LogPath, nil, 0o644)\n_, _ = cfg.App.CacheDir, cfg.App.TmpDir", ["/app/var/log"]),
    # only joined after another folder (through a function): inside it
    ('{"app": {"RootPath": "storage/", "ImageSavePath": "images/"}}',
     "os.MkdirAll(filepath.Join(cfg.App.RootPath, imagePath()), 0o755)", ["/app/storage"]),
])
def test_config_folders_that_become_volumes(tmp_path, config, code, volumes):
    main = ("package main\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n\t\"os\"\n\t\"path/filepath\"\n)\n\n"
            "type App struct {\n\tTemplatePath, DataDir, UploadDir, LogPath, CacheDir, TmpDir, RootPath, "
            "ImageSavePath string\n}\n\nvar cfg struct {\n\tApp App `json:\"app\"`\n}\n\n"
            "func imagePath() string {\n\treturn cfg.App.ImageSavePath\n}\n\n"
            "func main() {\n\tdata, _ := os.ReadFile(\"config.json\")\n\t_ = json.Unmarshal(data, &cfg)\n\t"
            + code.replace("\n", "\n\t") + "\n\t_ = filepath.Join\n\thttp.ListenAndServe(\":8080\", nil)\n}\n")
    p = build_profile(write_tree(tmp_path, {"go.mod": GO_MOD, "config.json": config, "main.go": main}))
    assert p.writable_paths == volumes


def test_a_viper_key_names_the_folder(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "go.mod": GO_MOD + "\nrequire github.com/spf13/viper v1.19.0\n",
        "config.yaml": "server:\n  port: 8090\nlog:\n  dir: ./logs\n",
        "main.go": 'package main\n\nimport (\n\t"net/http"\n\t"os"\n\n\t"github.com/spf13/viper"\n)\n\n'
                   'func main() {\n\tviper.SetConfigFile("config.yaml")\n\t_ = viper.ReadInConfig()\n\t'
                   'os.MkdirAll(viper.GetString("log.dir"), 0o755)\n\thttp.ListenAndServe(":8090", nil)\n}\n'}))
    assert p.writable_paths == ["/app/logs"] and p.ports == [8090]


def test_ini_config_loaded_at_run_time_is_copied_and_sets_the_port(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-gin-ini")
    assert p.framework == "gin" and p.build.package == "./cmd/server"
    # [server] HttpPort, not [database] Port; go-ini's import path gopkg.in/ini.v1 is package ini
    assert p.ports == [8000] and p.evidence["ports"][0].file == "conf/app.ini"
    assert p.build.assets == ["conf"] and p.evidence["read_paths"][0].file == "internal/setting/setting.go"
    _, runtime = stages(files["Dockerfile"])
    assert "COPY --from=build /src/conf /app/conf" in runtime and "WORKDIR /app" in runtime
    assert "EXPOSE 8000" in runtime
    assert 'CMD ["/usr/local/bin/healthprobe", "8000", "/api/v1/ping"]' in runtime
    # gorm v1's mysql dialect, imported for its side effect, is the mysql service (its driver is indirect)
    assert [s.kind for s in p.services] == ["mysql"]
    assert p.evidence["services"][0].file == "internal/models/models.go"
    assert p.warnings == ["conf/app.ini sets database.Host = 127.0.0.1:3306: in compose the mysql service is "
                          "another host; set it to mysql (or read the host from an env var)"]


VIPER_MAIN = """package main

import (
\t"net/http"

\t"github.com/spf13/viper"
)

func main() {
\tcfg := viper.New()
\tcfg.SetConfigName("%s")
\tcfg.AddConfigPath("%s")
\tif err := cfg.ReadInConfig(); err != nil {
\t\tpanic(err)
\t}
\thttp.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {})
\thttp.ListenAndServe(cfg.GetString("server.address"), nil)
}
"""


@pytest.mark.parametrize("name, folder, files, port, assets", [
    # viper's folder and name: config/default.yaml, its server.address
    ("default", "config/", {"config/default.yaml": "server:\n  address: \":9000\"\n",
                            "config/test.yaml": "server:\n  port: 1\n"}, 9000, ["config"]),
    # the working directory itself: only the named file is copied
    ("settings", ".", {"settings.toml": "[http]\nport = 7100\n", "other.toml": "port = 1\n"}, 7100,
     ["settings.toml"]),
    # a config that doesn't parse: copied, the port is not guessed from it
    ("app", "./conf", {"conf/app.json": "{not json"}, 8080, ["conf"]),
])
def test_viper_config_folder_is_copied_and_its_port_read(tmp_path, name, folder, files, port, assets):
    root = write_tree(tmp_path / "proj", {
        "go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire github.com/spf13/viper v1.18.2\n",
        "go.sum": "", "main.go": VIPER_MAIN % (name, folder), **files})
    p = build_profile(root, [])
    assert p.ports == [port] and p.build.assets == assets and p.health_path == "/health"


# -- cobra CLIs and embedded folders ---------------------------------------------------
def test_cobra_cli_runs_its_server_subcommand_on_the_flag_default_port(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-cobra-server")
    assert p.build.package == "./cmd/thing" and p.framework == "net/http"
    assert p.entrypoint == ["/usr/local/bin/thing", "server"]  # not the bare CLI, which prints its help
    assert any(e.file == "internal/cli/root.go" and e.line == 40 for e in p.evidence["entrypoint"])
    assert p.ports == [3000] and p.evidence["ports"][0].file == "internal/cli/root.go"  # UintP's default
    assert p.build.assets == [] and not p.warnings  # ui/dist is embedded and committed
    _, runtime = stages(files["Dockerfile"])
    assert "EXPOSE 3000" in runtime and '"/usr/local/bin/thing", "server"' in runtime


def test_an_embedded_folder_the_build_makes_is_warned_about(tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "go-cobra-server", root)
    shutil.rmtree(root / "ui/dist")
    (root / "ui/package.json").write_text('{"scripts": {"build": "vite build"}}\n')
    p = build_profile(root, [])
    assert p.warnings == ["ui/embed.go: //go:embed all:dist names ui/dist, which is not in the source: `go build` "
                          "fails until it exists (build it first: npm run build in ui, then commit it or add a "
                          "Node build stage)"]


def test_a_json_config_read_with_os_readfile_sets_the_port_and_is_copied(tmp_path):
    p, files = rendered(tmp_path, FIXTURES / "go-json-config")
    assert p.build.package == "./cmd/server" and p.build.runtime == "distroless-static"
    assert p.ports == [8071] and p.evidence["ports"][0].file == "config/app.json"
    assert p.build.assets == ["config"] and p.health_path == "/healthz"
    _, runtime = stages(files["Dockerfile"])
    assert "COPY --from=build /src/config /app/config" in runtime and "EXPOSE 8071" in runtime


def test_asynq_is_a_redis_client_whose_address_is_not_a_listen_address(tmp_path):
    # gofiber's asynq recipe: a fiber API enqueues through asynq.NewClient(asynq.RedisClientOpt{Addr: ...})
    profile, files = rendered(tmp_path, FIXTURES / "go-asynq")
    assert profile.ports == [3000] and profile.port_env is None
    assert [s.kind for s in profile.services] == ["redis"]
    (conn,) = profile.connections
    assert (conn.kind, conn.host, conn.host_env, conn.port) == ("redis", "localhost", "REDIS_ADDR", 6379)
    assert conn.why == "a asynq.RedisClientOpt literal"
    # the client's Addr is the service's address: no "listens on localhost" warning about it
    assert not any("listens on" in w for w in profile.warnings), profile.warnings
    doc = yaml.safe_load(files["compose.yaml"])
    # the var holds host:port, so the service's port stays in it (go-redis would refuse a bare "redis")
    assert doc["services"]["app"]["environment"]["REDIS_ADDR"] == "${REDIS_ADDR:-redis:6379}"
    assert "redis" in doc["services"]


def test_an_addr_field_of_a_server_struct_is_still_the_listen_address(tmp_path):
    write_tree(tmp_path, {
        "go.mod": "module example.com/api\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n'
                   '\tsrv := &http.Server{Addr: "127.0.0.1:9090"}\n\tsrv.ListenAndServe()\n}\n',
    })
    profile = build_profile(tmp_path, [])
    assert profile.ports == [9090]
    assert any("listens on 127.0.0.1:9090" in w for w in profile.warnings)


def test_a_websocket_route_is_not_probed_and_a_page_served_from_a_top_level_file_is_copied(tmp_path):
    # gofiber's websocket-chat recipe: app.Get("/ws", websocket.New(...)) and app.Get("/*", static.New("./home.html"))
    profile, files = rendered(tmp_path, FIXTURES / "go-fiber-websocket")
    assert profile.health_path == "/"  # /ws answers a plain GET with 426 Upgrade Required
    assert profile.build.assets == ["home.html"]
    assert "COPY --from=build /src/home.html /app/home.html" in files["Dockerfile"]
    assert "WORKDIR /app" in files["Dockerfile"]


def test_the_binary_is_read_from_the_packages_it_imports_not_another_commands(tmp_path):
    # cmd/api imports internal/api; cmd/worker imports internal/worker, which reads QUEUE_DIR and serves
    # metrics on 127.0.0.1:9100: none of that is in the api binary
    profile, files = rendered(tmp_path, FIXTURES / "go-cmd-api-worker")
    assert profile.entrypoint == ["/usr/local/bin/api"]
    assert (profile.ports, profile.port_env, profile.health_path) == ([8080], "API_PORT", "/healthz")
    assert [e.name for e in profile.env] == ["API_PORT"]
    assert not profile.warnings, profile.warnings
    assert not profile.read_paths and "/metrics" not in files["Dockerfile"]


def test_a_command_that_works_off_an_asynq_queue_is_built_and_run_as_a_worker(tmp_path):
    # gofiber's asynq recipe: ./worker runs asynq.NewServer(asynq.RedisClientOpt{Addr: ...}, ...).Run(mux)
    profile, files = rendered(tmp_path, FIXTURES / "go-asynq")
    assert [(w.name, w.command, w.file) for w in profile.workers] == [
        ("worker", ["/usr/local/bin/worker"], "worker/main.go")]
    assert profile.entrypoint == ["/usr/local/bin/mailer"]
    dockerfile = files["Dockerfile"]
    assert "&& go build -trimpath -ldflags=\"-s -w\" -o /out/worker ./worker" in dockerfile
    assert "COPY --from=build /out/worker /usr/local/bin/worker" in dockerfile
    doc = yaml.safe_load(files["compose.yaml"])
    worker = doc["services"]["worker"]
    assert worker["command"] == ["/usr/local/bin/worker"] and "ports" not in worker
    assert worker["environment"]["REDIS_ADDR"] == "${REDIS_ADDR:-redis:6379}"
    assert "redis" in worker["depends_on"]


def test_a_queue_workers_own_settings_are_env_vars_and_a_plain_command_is_not_a_worker(tmp_path):
    write_tree(tmp_path, {
        "go.mod": "module example.com/jobs\n\ngo 1.22\n\nrequire github.com/hibiken/asynq v0.26.0\n",
        "go.sum": "",
        "cmd/api/main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n'
                           '\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})\n'
                           '\thttp.ListenAndServe(":8080", nil)\n}\n',
        "cmd/consumer/main.go": 'package main\n\nimport (\n\t"os"\n\n\t"github.com/hibiken/asynq"\n)\n\n'
                                'func main() {\n\tsrv := asynq.NewServer(asynq.RedisClientOpt{Addr: os.Getenv("REDIS_ADDR")}, '
                                'asynq.Config{})\n\t_ = os.Getenv("MAIL_FROM")\n\tsrv.Run(asynq.NewServeMux())\n}\n',
        "cmd/seed/main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("seeded") }\n',
    })
    profile = build_profile(tmp_path, [])
    assert [w.name for w in profile.workers] == ["consumer"]
    assert {e.name for e in profile.env} >= {"MAIL_FROM", "REDIS_ADDR"}
    assert profile.build.worker_binaries == [("consumer", "./cmd/consumer")]
    assert build_profile(tmp_path, [("workers", "none")]).workers == []


@pytest.mark.parametrize("register", [
    'app.Post("/enqueue", func(c fiber.Ctx) error { return nil })',  # gofiber's asynq recipe
    'app.Put("/items/:id", func(c fiber.Ctx) error { return nil })',
])
def test_a_server_with_only_write_routes_gets_a_connect_only_health_check(tmp_path, register):
    write_tree(tmp_path, {
        "go.mod": "module example.com/api\n\ngo 1.22\n\nrequire github.com/gofiber/fiber/v3 v3.5.0\n",
        "go.sum": "",
        "main.go": 'package main\n\nimport "github.com/gofiber/fiber/v3"\n\nfunc main() {\n\tapp := fiber.New()\n'
                   f'\t{register}\n\tapp.Listen(":3000")\n}}\n',
    })
    profile, files = rendered(tmp_path, tmp_path)
    assert profile.ports == [3000] and profile.health_path is None
    assert '"3000", "-"]' in files["Dockerfile"]


def test_a_method_pattern_other_than_get_is_not_probed(tmp_path):
    # Go 1.22's patterns: "POST /orders" refuses a GET (405); "GET /orders" is the probe
    write_tree(tmp_path, {
        "go.mod": "module example.com/api\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n\tmux := http.NewServeMux()\n'
                   '\tmux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {})\n'
                   '\tmux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {})\n'
                   '\tmux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {})\n'
                   '\thttp.ListenAndServe(":8080", mux)\n}\n',
    })
    assert build_profile(tmp_path, []).health_path == "/stats"
    (tmp_path / "main.go").write_text((tmp_path / "main.go").read_text().replace(
        '\tmux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {})\n'
        '\tmux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {})\n', ""))
    assert build_profile(tmp_path, []).health_path is None
