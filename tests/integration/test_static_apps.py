"""A site with a Staticfile (root: dist, pushstate): built, run, and probed for the real pages."""
from __future__ import annotations

import pytest

from harness import built_image, generate, http_get, running

pytestmark = pytest.mark.docker


def test_staticfile_root_and_client_routes(docker, tmp_path):
    project, profile = generate(tmp_path, "static-staticfile")
    assert profile["language"] == "static" and profile["build"]["site_dir"] == "dist"
    with built_image(project, "static-staticfile") as image:
        assert image.user == "101"
        with running(image, "-p", "127.0.0.1::8080") as container:
            base = f"http://127.0.0.1:{container.port(8080)}"
            status, index = http_get(f"{base}/", container=container)
            assert status == 200 and "<h1>Trail log</h1>" in index, index
            status, css = http_get(f"{base}/css/app.css", container=container)
            assert status == 200 and "darkolivegreen" in css, css
            status, route = http_get(f"{base}/trails/ridge", container=container)
            assert status == 200 and route == index  # a client-side route answers index.html
            assert http_get(f"{base}/Staticfile", container=container)[1] == index  # not served as a file
            status, _ = http_get(f"{base}/src/notes.md", container=container)
            assert status == 200 and _ == index  # only dist/ is the site
            assert container.process_uid() == "101"
            assert container.run_healthcheck().returncode == 0
