"""`containerize init` for a new Java or C project, then the app is written there: the files build and run.

The apps use only the JDK / the C standard library (builds here reach no Maven
Central); Spring Boot and Gradle starters are covered by tests/unit/test_init_java_cpp.py.
"""
from __future__ import annotations

import textwrap

import pytest

from harness import built_image, containerize, hadolint, http_get, run, running

pytestmark = pytest.mark.docker

POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>newjava</artifactId>
  <version>0.1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
</project>
"""

APP_JAVA = """\
package com.example;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public class App {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String greeting = System.getenv().getOrDefault("GREETING", "unset");
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", exchange -> {
            byte[] body = greeting.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
"""

CMAKE = """\
cmake_minimum_required(VERSION 3.16)
project(hello_c C)
add_executable(hello-c main.c)
"""

MAIN_C = r"""
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    const char *port = getenv("PORT");
    const char *greeting = getenv("GREETING");
    struct sockaddr_in addr = {0};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(port ? port : "8080"));
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0) {
        perror("listen");
        return 1;
    }
    printf("listening on %s\n", port ? port : "8080");
    fflush(stdout);
    for (;;) {
        char request[1024];
        int client = accept(fd, NULL, NULL);
        if (client < 0) continue;
        if (read(client, request, sizeof request) > 0) {
            const char *body = greeting ? greeting : "unset";
            dprintf(client, "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
        }
        close(client);
    }
}
"""


def _serves(image, port: int, greeting: str) -> None:
    """The image answers `greeting` on `port`, as a non-root user, and its HEALTHCHECK passes."""
    assert image.user not in ("", "root", "0", "0:0")
    with running(image, "-p", f"127.0.0.1::{port}", f"-eGREETING={greeting}") as container:
        status, body = http_get(f"http://127.0.0.1:{container.port(port)}/", container=container)
        assert status == 200 and body == greeting
        assert container.process_uid() not in ("", "0", "root")
        health = container.run_healthcheck()
        assert health.returncode == 0, health.stdout + health.stderr


def test_a_new_plain_maven_app_builds_and_answers(docker, tmp_path):
    app = tmp_path / "newjava"
    containerize("init", str(app), "--yes", "--set", "language=java", "--set", "port=8080",
                 "--set", "runtime_version=17", "--set", "env.GREETING=hello")
    hadolint(app / "Dockerfile")
    readme = (app / "README.Docker.md").read_text()
    assert "`src/main/java/com/example/App.java`" in readme and "<maven.compiler.release>17" in readme
    # the app the person writes next: the pom and the class the README names
    (app / "pom.xml").write_text(POM)
    source = app / "src/main/java/com/example/App.java"
    source.parent.mkdir(parents=True)
    source.write_text(APP_JAVA)
    with built_image(app, "newjava") as image:
        _serves(image, 8080, "hello from a new java app")


def test_a_new_cmake_c_server_builds_and_answers(docker, tmp_path):
    app = tmp_path / "hello-c"
    containerize("init", str(app), "--yes", "--set", "language=cpp", "--set", "framework=cmake",
                 "--set", "port=8080")
    hadolint(app / "Dockerfile")
    assert "`CMakeLists.txt` with `add_executable(hello-c ...)`" in (app / "README.Docker.md").read_text()
    (app / "CMakeLists.txt").write_text(CMAKE)
    (app / "main.c").write_text(textwrap.dedent(MAIN_C).lstrip())
    with built_image(app, "hello-c") as image:
        _serves(image, 8080, "hello from a new c app")
        # distroless: no shell in the runtime image
        probe = run(["docker", "run", "--rm", "--entrypoint", "/bin/sh", image.tag, "-c", "true"], check=False)
        assert probe.returncode != 0
