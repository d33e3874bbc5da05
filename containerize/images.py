"""The base images every generated Dockerfile names, in one place.

Templates refer to them by role (``FROM {{ img.go_build }} AS build``); the tag
carries the Dockerfile's version ARG (``${GO_VERSION}``) so the user can change a
version at build time. Debian-based everywhere: bookworm for the language images,
debian12 for distroless. Which versions each family publishes with these variants, and the newest one
a project's constraint allows, is in :mod:`containerize.image_tags` (``image_tags.choose("golang", "1.18",
minimum=True)``): analyzers choose ``runtime_version`` through it so every tag named here exists.
"""
from __future__ import annotations

IMAGES: dict[str, str] = {
    # Python
    "python_build": "python:${PYTHON_VERSION}-slim-bookworm",
    "python_build_full": "python:${PYTHON_VERSION}-bookworm",  # headers and compilers for native packages
    "python_runtime": "python:${PYTHON_VERSION}-slim-bookworm",
    "uv": "ghcr.io/astral-sh/uv:${UV_VERSION}",
    # Node.js
    "node": "node:${NODE_VERSION}-bookworm-slim",
    "node_full": "node:${NODE_VERSION}-bookworm",
    # Go
    "go_build": "golang:${GO_VERSION}-bookworm",
    # Rust
    "rust_build": "rust:${RUST_VERSION}-bookworm",
    # C/C++
    "cpp_build": "debian:${DEBIAN_RELEASE}",
    "cpp_runtime": "debian:${DEBIAN_RELEASE}-slim",
    # Java
    "jdk": "eclipse-temurin:${JAVA_VERSION}-jdk-jammy",
    "jre": "eclipse-temurin:${JAVA_VERSION}-jre-jammy",
    "maven": "maven:${MAVEN_VERSION}-eclipse-temurin-${JAVA_VERSION}",
    "gradle": "gradle:${GRADLE_VERSION}-jdk${JAVA_VERSION}-jammy",
    # PHP
    "composer": "composer:${COMPOSER_VERSION}",
    "php_apache": "php:${PHP_VERSION}-apache-bookworm",
    # Ruby
    "ruby": "ruby:${RUBY_VERSION}-slim-bookworm",
    # static files
    "nginx": "nginxinc/nginx-unprivileged:${NGINX_VERSION}-bookworm",
    # database migrations run by their tool's own image (compose.yaml's one-shot service)
    "flyway": "flyway/flyway:${FLYWAY_VERSION}",
    "liquibase": "liquibase/liquibase:${LIQUIBASE_VERSION}",
    # runtimes shared by compiled languages
    "debian_slim": "debian:bookworm-slim",
    "distroless_static": "gcr.io/distroless/static-debian12:nonroot",
    "distroless_base": "gcr.io/distroless/base-debian12:nonroot",
    "distroless_cc": "gcr.io/distroless/cc-debian12:nonroot",
}
