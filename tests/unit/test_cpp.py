"""C/C++ analyzer answers (CMake, Make, Meson) and the Dockerfiles rendered from them."""
from __future__ import annotations

from pathlib import Path

import pytest

from containerize import render
from containerize.checklist import AnalysisError, build_profile
from projects import lint, stages, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

SERVER_C = """
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>
int main(void) {
    const char *token = getenv("API_TOKEN");
    struct sockaddr_in a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_port = htons(9000);
    bind(s, (struct sockaddr *)&a, sizeof a);
    listen(s, 8);
    return token == 0;
}
"""


def test_cmake_http_server_fixture(tmp_path):
    p = build_profile(FIXTURES / "c-cmake")
    assert (p.language, p.package_manager) == ("cpp", "cmake")
    assert p.entrypoint == ["/usr/local/bin/hello-server"]
    assert p.ports == [8080] and p.port_env == "PORT" and p.health_path == "/health"
    assert {e.name for e in p.env} == {"PORT", "GREETING"}
    assert p.system_packages == {"build": ["build-essential", "cmake"], "runtime": []}
    assert p.build.runtime == "distroless" and p.build.shell is False
    df = render.render(p)["Dockerfile"]
    build, runtime = stages(df)
    assert build.startswith("FROM debian:${DEBIAN_RELEASE} AS build")
    assert "build-essential=12.9 cmake=3.25.*" in build
    assert "--target hello-server" in build and "gcc -O2 -static -o healthprobe probe.c" in build
    # the build fails if the binary needs a library distroless/cc lacks
    assert "! ldd /out/hello-server | grep -v -E" in build
    assert runtime.startswith("FROM gcr.io/distroless/cc-debian12:nonroot")
    assert "USER 65532:65532" in runtime and "RUN " not in runtime
    assert 'CMD ["/usr/local/bin/healthprobe", "8080", "/health", "PORT"]' in runtime
    assert df.rstrip().endswith('CMD ["/usr/local/bin/hello-server"]')
    assert "alpine" not in df and "<<" not in df
    lint(df, tmp_path)


def test_make_batch_fixture(tmp_path):
    p = build_profile(FIXTURES / "cpp-make")
    assert (p.package_manager, p.entrypoint) == ("make", ["/usr/local/bin/wordfreq"])
    assert p.ports == [] and p.read_paths == ["/data/text.txt"]
    assert p.build.cxx and p.build.build == 'make -j"$(nproc)" wordfreq'
    files = render.render(p)
    df = files["Dockerfile"]
    assert "HEALTHCHECK" not in df and "EXPOSE" not in df and "probe" not in df
    assert "./data/text.txt:/data/text.txt:ro" in files["compose.yaml"]
    assert "*.o" in files[".dockerignore"]
    lint(df, tmp_path)


def test_linked_libraries_map_to_debian_packages(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": """
            cmake_minimum_required(VERSION 3.20)
            project(api CXX)
            find_package(OpenSSL REQUIRED)
            find_package(CURL REQUIRED)
            find_package(PostgreSQL REQUIRED)
            find_package(Threads REQUIRED)
            add_library(core STATIC src/core.cpp)
            add_executable(${PROJECT_NAME} src/main.cpp)
            add_executable(api_tests tests/test.cpp)
            target_link_libraries(${PROJECT_NAME} PRIVATE core OpenSSL::SSL CURL::libcurl PostgreSQL::PostgreSQL Threads::Threads)
            """,
        "src/main.cpp": SERVER_C.replace("getenv(\"API_TOKEN\")", "std::getenv(\"DATABASE_URL\")"),
        "src/core.cpp": "int core() { return 1; }\n",
        "tests/test.cpp": "int main() { return 0; }\n",
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/api"]
    assert p.system_packages["build"] == ["build-essential", "cmake", "libssl-dev", "libcurl4-openssl-dev", "libpq-dev"]
    assert p.system_packages["runtime"] == ["libssl3", "libcurl4", "libpq5"]
    assert [s.kind for s in p.services] == ["postgres"] and p.env_var("DATABASE_URL").secret
    assert p.ports == [9000] and not p.warnings
    df = render.render(p)["Dockerfile"]
    runtime = stages(df)[-1]
    # a shell for the secrets entrypoint, only runtime libraries, and a check that they are all there
    assert runtime.startswith("FROM debian:${DEBIAN_RELEASE}-slim") and p.build.shell
    assert "libssl3=3.0.* libcurl4=7.88.* libpq5=15.*" in runtime and "-dev" not in runtime
    assert '! ldd /usr/local/bin/api | grep "not found"' in runtime
    assert "USER 10001:10001" in runtime
    lint(df, tmp_path)


def test_makefile_libraries_and_unknown_ones(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Makefile": """
            CC = gcc
            LDLIBS = -lz -lm -lfrobnicate
            BIN = bin/server

            all: $(BIN)

            $(BIN): main.o
            \t$(CC) -o $@ $^ $(LDLIBS)

            clean:
            \trm -f $(BIN) *.o
            """.replace("\\t", "\t"),
        "main.c": SERVER_C,
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/server"]
    assert "zlib1g-dev" in p.system_packages["build"] and p.system_packages["runtime"] == ["zlib1g"]
    assert any("frobnicate" in w for w in p.warnings)
    assert "find . -type f -path './bin/server'" in p.build.locate
    assert p.env_var("API_TOKEN").secret
    lint(render.render(p)["Dockerfile"], tmp_path)


def test_meson_project(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "meson.build": """
            project('tool', 'c')
            zdep = dependency('zlib')
            executable('tool', 'main.c', dependencies : [zdep])
            """,
        "main.c": "#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n",
    })
    p = build_profile(root)
    assert p.package_manager == "meson" and p.entrypoint == ["/usr/local/bin/tool"]
    assert p.system_packages["build"] == ["build-essential", "meson", "ninja-build", "zlib1g-dev", "pkg-config"]
    assert "meson setup /tmp/build --buildtype=release" in p.build.build
    lint(render.render(p)["Dockerfile"], tmp_path)


def test_writable_folder_needs_a_shell_image(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": "project(logger C)\nadd_executable(logger main.c)\n",
        "main.c": '#include <stdio.h>\nint main(void) { FILE *f = fopen("/var/lib/logger/out.log", "a"); return !f; }\n',
    })
    p = build_profile(root)
    assert p.writable_paths == ["/var/lib/logger"] and p.build.runtime == "slim"
    df = render.render(p)["Dockerfile"]
    assert "mkdir -p /var/lib/logger" in df and "chown 10001:10001 /var/lib/logger" in df
    lint(df, tmp_path)


def test_library_only_cmake_is_not_an_app(tmp_path):
    root = write_tree(tmp_path / "proj", {"CMakeLists.txt": "project(lib C)\nadd_library(lib lib.c)\n", "lib.c": "int f(void){return 1;}\n"})
    with pytest.raises(AnalysisError, match="no executable target"):
        build_profile(root)


def test_python_project_with_a_makefile_stays_python(tmp_path):
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n",
                           "Makefile": "test:\n\tpytest\n", "ext/speed.c": "int f(void){return 1;}\n"})
    assert build_profile(root).language == "python"


# -- values behind names: #define, const, wrappers --------------------------------------
def _evidence(p, key):
    return [(e.file, e.line) for e in p.evidence.get(key, [])]


def test_c_values_fixture_resolves_names_to_values(tmp_path):
    p = build_profile(FIXTURES / "c-values")
    assert (p.package_manager, p.entrypoint) == ("make", ["/usr/local/bin/c-values"])
    # #define SERVER_PORT 7070 ... htons(SERVER_PORT)
    assert p.ports == [7070] and p.port_env is None and _evidence(p, "ports") == [("src/main.c", 121)]
    # env_or("GREETING", "hello"), a getenv wrapper defined in src/env.c
    assert [(e.name, e.default, e.secret) for e in p.env] == [("GREETING", "hello", False)]
    assert _evidence(p, "env") == [("src/main.c", 108)]
    # snprintf(path, ..., "%s%s", DOC_ROOT, url) then fopen(path, "r"): the folder it reads
    assert p.read_paths == ["/srv/site"] and _evidence(p, "read_paths") == [("src/main.c", 57)]
    # fopen(LOG_DIR "/hits.log", "a") and mkdir(LOG_DIR, 0755)
    assert p.writable_paths == ["/var/lib/c-values"] and _evidence(p, "writable_paths")[0] == ("src/main.c", 69)
    assert p.health_path == "/healthz" and _evidence(p, "health_path") == [("src/main.c", 92)]
    files = render.render(p)
    assert "EXPOSE 7070" in files["Dockerfile"] and "./srv/site:/srv/site:ro" in files["compose.yaml"]
    assert "ENV GREETING=hello" in files["Dockerfile"] or "GREETING" in files["compose.yaml"]
    lint(files["Dockerfile"], tmp_path)


def test_defines_and_constants_reach_the_calls_that_use_them(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": "project(site C)\nadd_executable(site main.c)\n",
        "main.c": """
            #include <stdio.h>
            #include <stdlib.h>
            #include <netinet/in.h>
            #define DOC_ROOT "/var/www/site"
            static const int PORT = 8080;
            static const char *env_or(const char *name, const char *def) {
                const char *v = getenv(name);
                return v ? v : def;
            }
            int main(void) {
                struct sockaddr_in a;
                const char *data = "/srv/data";
                FILE *page = fopen(DOC_ROOT "/index.html", "r");
                FILE *out = fopen(data, "w");
                a.sin_port = htons(PORT);
                bind(0, (void *)&a, sizeof a);
                printf("%s\\n", env_or("GREETING", "hello"));
                return page == 0 || out == 0;
            }
            """,
    })
    p = build_profile(root)
    assert p.ports == [8080] and _evidence(p, "ports") == [("main.c", 15)]
    assert p.read_paths == ["/var/www/site/index.html"] and _evidence(p, "read_paths") == [("main.c", 13)]
    assert p.writable_paths == ["/srv"]
    assert p.env_var("GREETING").default == "hello" and _evidence(p, "env") == [("main.c", 17)]


def test_cpp_server_methods_and_env_fallbacks(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": "project(api CXX)\nadd_executable(api main.cpp)\n",
        "main.cpp": """
            #include <cstdlib>
            #include <string>
            #include "httplib.h"
            constexpr int DEFAULT_PORT = 9090;
            int main() {
                const char *p = std::getenv("LISTEN_PORT");
                int port = p ? std::atoi(p) : DEFAULT_PORT;
                std::string root = std::getenv("ROOT") ? std::getenv("ROOT") : "/srv/files";
                httplib::Server svr;
                svr.Get("/status", [](const auto &, auto &res) { res.set_content("ok", "text/plain"); });
                svr.listen("0.0.0.0", port);
            }
            """,
    })
    p = build_profile(root)
    assert p.ports == [9090] and p.port_env == "LISTEN_PORT" and p.env_var("LISTEN_PORT").default == "9090"
    assert p.env_var("ROOT").default == "/srv/files"
    assert p.health_path == "/status" and _evidence(p, "health_path") == [("main.cpp", 10)]


def test_huge_single_line_and_many_blank_lines_still_give_facts(tmp_path):
    code = 'int main(void) { return htons(6060) + listen(0, 1) + !getenv("WIDE_TOKEN"); }'
    one_line = code + " " + " ".join("static int filler_%d = %d;" % (i, i) for i in range(40000))
    assert len(one_line) > 1_000_000 and "\n" not in one_line  # about 1 MB on one line
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": "project(big C)\nadd_executable(big big.c blank.c)\n",
        "big.c": one_line + "\n",
    })
    (root / "blank.c").write_text("\n" * 60000 + '#define PATH_ROOT "/srv/blank"\n'
                                  'void f(void) { fopen(PATH_ROOT "/a.txt", "r"); }\n')
    p = build_profile(root)
    assert p.ports == [6060] and _evidence(p, "ports") == [("big.c", 1)]
    assert p.env_var("WIDE_TOKEN").secret
    assert p.read_paths == ["/srv/blank/a.txt"] and _evidence(p, "read_paths") == [("blank.c", 60002)]


def test_facts_come_from_the_programs_own_sources(tmp_path):
    """Other programs of the same Makefile (a client, an example) don't speak for the server."""
    root = write_tree(tmp_path / "proj", {
        "Makefile": """
            all: server client
            server: server.c net.c
            \t$(CC) -o $@ $^
            client: client.c
            \t$(CC) -o $@ $^
            """.replace("\\t", "\t"),
        "net.c": "#include <netinet/in.h>\nint open_listener(int port) { struct sockaddr_in a; a.sin_port = htons(port); "
                 "return bind(0, (void *)&a, sizeof a); }\n",
        "server.c": "int open_listener(int port);\nint main(void) { int port = 7000;\n  return open_listener(port); }\n",
        "client.c": '#include <stdlib.h>\nint main(void) { return htons(9999) + listen(0, 1) + !getenv("CLIENT_ONLY"); }\n',
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/server"]
    # open_listener(port) passes its parameter to htons(): the caller's value is the port
    assert p.ports == [7000] and _evidence(p, "ports") == [("server.c", 3)]
    assert p.env_var("CLIENT_ONLY") is None


def test_a_server_bound_to_localhost_is_a_warning(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": "project(api CXX)\nadd_executable(api main.cpp)\n",
        "main.cpp": '#include "httplib.h"\nint main() {\n  httplib::Server svr;\n  svr.listen("localhost", 8081);\n}\n',
    })
    p = build_profile(root)
    assert p.ports == [8081]
    assert any(w.startswith("main.cpp:4 listens on localhost only") for w in p.warnings)


@pytest.mark.parametrize("manifest, text", [
    ("CMakeLists.txt", "project(x C)\nadd_executable(" + "a" * 300_000 + "\n"),
    ("CMakeLists.txt", 'project(x C)\nmessage("' + "(" * 300_000 + "\n"),
    ("Makefile", "X = a" + " " * 300_000 + "b\nprog" + " " * 300_000 + "\n"),
    ("meson.build", "project('x', 'c')\n" + "executable(" * 50_000 + "\n"),
])
def test_hostile_build_files_are_read_in_one_pass(tmp_path, manifest, text):
    """Unclosed calls and very long runs of spaces: no backtracking blow-up, a clear answer."""
    root = write_tree(tmp_path / "proj", {"main.c": "int main(void) { return 0; }\n"})
    (root / manifest).write_text(text)
    with pytest.raises(AnalysisError, match="no executable target"):
        build_profile(root, [("language", "cpp")])


def test_build_files_name_each_programs_sources(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "meson.build": """
            project('pair', 'c')  # two programs
            executable('server', 'src/server.c', 'src/util.c', install : true)
            executable('tool', ['src/tool.c'])
            """,
        "src/server.c": "int main(void) { return htons(7100) + listen(0, 1); }\n",
        "src/util.c": "int util(void) { return 1; }\n",
        "src/tool.c": "int main(void) { return htons(7200) + listen(0, 1); }\n",
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/server"] and p.ports == [7100]
    assert [c["entrypoint"] for c in p.candidates if "entrypoint" in c] == [["/usr/local/bin/server"],
                                                                              ["/usr/local/bin/tool"]]


def test_deeply_nested_names_are_read_without_blowing_up(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": "project(x CXX)\nadd_executable(x main.cpp)\n",
        "main.cpp": "int main() { return " + "a::" * 3000 + "f(1) + htons(8300) + listen(0, 1) + "
                    + "(" * 3000 + "1" + ")" * 3000 + "; }\n",
    })
    assert build_profile(root).ports == [8300]


def test_odd_names_in_the_code_never_reach_the_generated_files(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": 'project(x C)\nFetchContent_Declare("evil\nRUN rm -rf /")\nadd_executable(x main.c)\n',
        "main.c": '#include <stdlib.h>\nint main(void) { return !getenv("A B\\nRUN x") + !getenv("GOOD_NAME"); }\n',
    })
    p = build_profile(root)
    assert [e.name for e in p.env] == ["GOOD_NAME"] and p.dependencies == []
    lint(render.render(p)["Dockerfile"], tmp_path)


def test_getaddrinfo_server_with_a_string_port(tmp_path):
    """The shape of Beej's stream server: #define PORT "3490", getaddrinfo(NULL, PORT, ...), bind, listen."""
    root = write_tree(tmp_path / "proj", {
        "Makefile": "server: server.c\n\tcc -o server server.c\n",
        "server.c": """
            #include <netdb.h>
            #include <sys/socket.h>
            #define PORT "3490"
            int main(void) {
                struct addrinfo hints = {0}, *res;
                hints.ai_flags = AI_PASSIVE;
                getaddrinfo(NULL, PORT, &hints, &res);
                int s = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
                bind(s, res->ai_addr, res->ai_addrlen);
                return listen(s, 10);
            }
            """,
    })
    p = build_profile(root)
    assert p.ports == [3490] and _evidence(p, "ports") == [("server.c", 7)]


# -- build files through their parse trees (cmake and make grammars) ----------------------------
def test_cmake_commands_come_from_the_parse_tree(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "CMakeLists.txt": """
            cmake_minimum_required(VERSION 3.16)
            project(svc C)  # add_executable(commented out)
            #[[ add_executable(old src/old.c)
                target_link_libraries(old ssl) ]]
            message(STATUS "add_executable(in a string)")
            find_package(PkgConfig REQUIRED)
            pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl>=7.0)
            if(UNIX)
              add_executable(${PROJECT_NAME}
                "src/main.c"   # the server
                src/util.c)
            endif()
            target_link_libraries(svc PRIVATE PkgConfig::CURL m $<$<CONFIG:Debug>:asan>)
            install(TARGETS svc DESTINATION bin)
            """,
        "src/main.c": SERVER_C,
        "src/util.c": "int util(void) { return 1; }\n",
        "src/old.c": "int main(void) { return htons(1234) + listen(0, 1); }\n",
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/svc"] and [c["entrypoint"] for c in p.candidates if "entrypoint" in c] \
        == [["/usr/local/bin/svc"]]
    assert _evidence(p, "entrypoint") == [("CMakeLists.txt", 9)]
    assert p.system_packages["build"] == ["build-essential", "cmake", "libcurl4-openssl-dev", "pkg-config"]
    assert p.system_packages["runtime"] == ["libcurl4"] and not p.warnings
    from containerize.languages.cpp.build import target_sources
    from containerize.scan import SourceTree
    assert target_sources(SourceTree(root), "cmake", "CMakeLists.txt", "svc") == ["src/main.c", "src/util.c"]


def test_makefile_rules_and_variables_come_from_the_parse_tree(tmp_path):
    root = write_tree(tmp_path / "proj", {
        "Makefile": """
            CC ?= gcc
            # LDLIBS = -lssl (an old setting)
            LDLIBS = -lz \\
                     $(shell pkg-config --libs libcurl)
            LDLIBS += -lm
            OBJS := main.o util.o # objects

            all: server

            server: $(OBJS) ; $(CC) -o $@ $^ $(LDLIBS)

            main.o: src/main.c
            \t$(CC) -c -o $@ $<

            .PHONY: all
            """.replace("\\t", "\t"),
        "src/main.c": SERVER_C,
        "util.c": "int util(void) { return 1; }\n",
    })
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/server"]  # the recipe after `;` links it
    assert p.system_packages["build"] == ["build-essential", "zlib1g-dev", "libcurl4-openssl-dev", "pkg-config"]
    assert p.system_packages["runtime"] == ["zlib1g", "libcurl4"] and not p.warnings
    assert "libssl-dev" not in p.system_packages["build"]  # only in a comment
    from containerize.languages.cpp.build import make_libraries, target_sources
    from containerize.scan import SourceTree
    tree = SourceTree(root)
    assert make_libraries(tree, "Makefile") == [("z", "Makefile", 3), ("libcurl", "Makefile", 3),
                                                ("m", "Makefile", 5)]
    assert target_sources(tree, "make", "Makefile", "server") == ["src/main.c", "util.c"]


@pytest.mark.parametrize("manifest", ["CMakeLists.txt", "Makefile"])
def test_huge_build_files_are_read_in_linear_time(tmp_path, manifest):
    """A 1 MB single-line build file, and 60,000 blank lines before the target: one parse each
    (the per-test timeout catches a quadratic walk)."""
    if manifest == "CMakeLists.txt":
        one_line = "project(big C) " + " ".join(f"set(V{i} value{i:07d})" for i in range(50_000)) + \
            " add_executable(big main.c)"
        blank = "project(big C)\n" + "\n" * 60_000 + "add_executable(big main.c)\ntarget_link_libraries(big z)\n"
    else:
        one_line = "LDLIBS = " + " ".join(f"-lv{i:07d}" for i in range(100_000))
        blank = "all: big\n" + "\n" * 60_000 + "big: main.o\n\t$(CC) -o $@ $^ -lz\n"
    assert len(one_line) > 1_000_000 and "\n" not in one_line
    from containerize.languages.cpp import build as buildfiles
    from containerize.scan import SourceTree

    root = write_tree(tmp_path / "proj", {manifest: one_line, "main.c": "int main(void) { return 0; }\n"})
    tree = SourceTree(root)
    if manifest == "CMakeLists.txt":
        assert buildfiles.cmake_commands(tree.read(manifest))[0] == ("project", ["big", "C"], 1)
    else:
        assert len(buildfiles.make_libraries(tree, manifest)) > 40_000  # (the first 512 KB are read)
    (root / manifest).write_text(blank)
    p = build_profile(root)
    assert p.entrypoint == ["/usr/local/bin/big"]
    assert _evidence(p, "entrypoint") == [(manifest, 60_002)]
    assert p.system_packages["runtime"] == ["zlib1g"]
