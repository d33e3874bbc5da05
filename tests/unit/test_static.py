"""Static sites: detection, the site folder, and the nginx-unprivileged Dockerfile."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from containerize import render
from containerize.checklist import AnalysisError, build_profile
from projects import write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_fixture_is_a_static_site():
    p = build_profile(FIXTURES / "static-site")
    assert p.language == "static" and p.build.site_dir == "."
    assert p.ports == [8080] and p.entrypoint == ["nginx", "-g", "daemon off;"] and p.env == []


def test_rendered_dockerfile(tmp_path):
    files = render.render(build_profile(FIXTURES / "static-site"))
    text = files["Dockerfile"]
    assert "FROM nginxinc/nginx-unprivileged:${NGINX_VERSION}-bookworm" in text
    assert "ARG NGINX_VERSION=" in text
    assert [ln for ln in text.splitlines() if ln.startswith("USER ")][-1] == "USER 101"
    assert "COPY . /usr/share/nginx/html" in text and "=404" in text and "/index.html;" not in text
    assert "EXPOSE 8080" in text and "HEALTHCHECK" in text and "curl" not in text
    assert text.rstrip().splitlines()[-1] == 'CMD ["nginx", "-g", "daemon off;"]'
    assert "README*" in files[".dockerignore"]
    exe = shutil.which("hadolint")
    if exe:
        (tmp_path / "Dockerfile").write_text(text)
        done = subprocess.run([exe, "--no-color", str(tmp_path / "Dockerfile")], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout
    compose = files["compose.yaml"]
    assert "127.0.0.1:${HOST_PORT:-8080}:8080" in compose


def test_site_in_a_sub_folder(tmp_path):
    write_tree(tmp_path, {"public/index.html": "<h1>hi</h1>", "public/app.css": "", "README.md": "# site\n"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "public"
    assert "COPY public/ /usr/share/nginx/html" in render.render(p)["Dockerfile"]


def test_package_json_without_a_build_keeps_it_static(tmp_path):
    write_tree(tmp_path, {"index.html": "<h1>hi</h1>",
                     "package.json": json.dumps({"name": "x", "devDependencies": {"prettier": "^3"},
                                                 "scripts": {"fmt": "prettier -w ."}})})
    assert build_profile(tmp_path).language == "static"


def test_a_package_json_build_hands_it_to_node(tmp_path):
    write_tree(tmp_path, {"index.html": "<h1>hi</h1>",
                     "package.json": json.dumps({"name": "x", "scripts": {"build": "vite build"},
                                                 "devDependencies": {"vite": "^7"}})})
    p = build_profile(tmp_path)
    assert p.language == "node" and p.build.kind == "spa"


def test_python_app_with_an_index_html_stays_python(tmp_path):
    write_tree(tmp_path, {"index.html": "<h1>hi</h1>", "requirements.txt": "flask\n",
                     "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    assert build_profile(tmp_path).language == "python"


def test_forcing_static_without_an_index_is_an_error(tmp_path):
    write_tree(tmp_path, {"page.txt": "hi"})
    with pytest.raises(AnalysisError, match="no index.html"):
        build_profile(tmp_path, [("language", "static")])


def test_pages_without_their_extension_are_found_and_unknown_paths_are_404(tmp_path):
    """/about serves about.html (how static exports link pages); nothing falls back to index.html."""
    write_tree(tmp_path, {"index.html": "<h1>hi</h1>", "about.html": "<h1>about</h1>"})
    text = render.render(build_profile(tmp_path))["Dockerfile"]
    assert "try_files \\$uri \\$uri.html \\$uri/ =404;" in text
    assert "error_page" not in text


def test_a_node_server_beside_an_index_html_is_node(tmp_path):
    write_tree(tmp_path, {"index.html": "<h1>hi</h1>",
                          "server.js": "require('http').createServer((q, s) => s.end('x')).listen(8000);\n"})
    p = build_profile(tmp_path)
    assert p.language == "node" and p.entrypoint == ["node", "server.js"] and p.ports == [8000]


def test_a_static_site_with_a_script_stays_static(tmp_path):
    write_tree(tmp_path, {"index.html": "<script src=app.js></script>", "app.js": "document.title = 'x';\n"})
    assert build_profile(tmp_path).language == "static"


def test_the_staticfile_fixture_serves_its_root_with_the_index_fallback():
    p = build_profile(FIXTURES / "static-staticfile")
    assert p.language == "static" and p.build.site_dir == "dist" and p.build.spa_fallback == "/index.html"
    assert p.warnings == []
    text = render.render(p)["Dockerfile"]
    assert "COPY dist/ /usr/share/nginx/html" in text
    assert "try_files \\$uri \\$uri/ /index.html;" in text and "=404" not in text


@pytest.mark.parametrize("staticfile, fallback", [
    ("root: public\npushstate: enabled\n", "/index.html"),
    ("root: public/\nindex_fallback: true\n", "/index.html"),  # Railpack's spelling
    ("root: ./public\n", None),
    ("root: public\npushstate: disabled\n", None),
])
def test_staticfile_root_and_fallback(tmp_path, staticfile, fallback):
    write_tree(tmp_path, {"Staticfile": staticfile, "public/index.html": "<h1>hi</h1>", "index.html": "draft",
                          "public/404.html": "gone"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "public" and p.build.spa_fallback == fallback


def test_an_empty_staticfile_serves_the_top_and_its_404_page(tmp_path):
    write_tree(tmp_path, {"Staticfile": "status_codes:\n  404: /404.html\n", "index.html": "<h1>hi</h1>",
                          "404.html": "<h1>gone</h1>", "app.py": "print('a helper script')\n"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "." and p.build.not_found == "/404.html"
    assert "error_page 404 /404.html;" in render.render(p)["Dockerfile"]


def test_staticfile_options_nginx_cant_carry_are_named(tmp_path):
    write_tree(tmp_path, {"Staticfile": "force_https: true\nssi: enabled\n", "Staticfile.auth": "bob:$apr1$x\n",
                          "index.html": "<h1>hi</h1>"})
    p = build_profile(tmp_path)
    assert p.language == "static"
    assert any("force_https, ssi, Staticfile.auth (basic auth) not carried over" in w for w in p.warnings)
    ignored = render.render(p)[".dockerignore"].splitlines()
    assert "Staticfile.auth" in ignored and "Staticfile" not in ignored  # a re-run still reads the Staticfile


def test_a_second_run_reads_the_staticfile_again(tmp_path):
    import shutil as sh

    project = tmp_path / "site"
    sh.copytree(FIXTURES / "static-staticfile", project)
    for name, text in render.render(build_profile(project)).items():
        (project / name).write_text(text)
    p = build_profile(project)
    assert p.language == "static" and p.build.site_dir == "dist" and p.build.spa_fallback == "/index.html"


@pytest.mark.parametrize("root", ["../outside", "/etc", "dist; touch /pwned", "missing", "[a, b]", "'a\\nb'"])
def test_a_staticfile_root_that_is_not_a_folder_here_is_not_used(tmp_path, root):
    write_tree(tmp_path, {"Staticfile": f"root: {root}\n", "index.html": "<h1>top</h1>", "dist/index.html": "x"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "."
    text = render.render(p)["Dockerfile"]
    assert [ln for ln in text.splitlines() if ln.startswith("COPY")] == ["COPY . /usr/share/nginx/html"]
    assert "outside" not in text and "pwned" not in text


@pytest.mark.parametrize("text", ["{{{{", "- a\n- b\n", "root: [1, 2]\n", "? [a]\n: b\n", "&a [*a]\n", "\0\0"])
def test_an_unreadable_staticfile_is_an_empty_one(tmp_path, text):
    write_tree(tmp_path, {"Staticfile": text, "index.html": "<h1>hi</h1>"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "." and p.build.spa_fallback is None


def test_static_json_root_routes_and_error_page(tmp_path):
    write_tree(tmp_path, {"static.json": json.dumps({"root": "build/", "routes": {"/**": "index.html"},
                                                     "error_page": "404.html", "https_only": True}),
                          "build/index.html": "<h1>app</h1>", "build/404.html": "gone"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "build"
    assert p.build.spa_fallback == "/index.html" and p.build.not_found == "/404.html"
    assert any("https_only not carried over" in w for w in p.warnings)


def test_a_staticfile_with_visible_directories_and_no_index_page(tmp_path):
    write_tree(tmp_path, {"Staticfile": "directory: visible\n", "find-me.html": "<p>here</p>",
                          "subdir/index.html": "<p>sub</p>"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "." and p.build.autoindex
    assert "'    autoindex on;' \\" in render.render(p)["Dockerfile"]
    assert p.warnings == []


def test_static_json_defaults_to_public_html_and_a_route_object(tmp_path):
    write_tree(tmp_path, {"static.json": json.dumps({"routes": {"/**": {"path": "index.html",
                                                                       "excepts": ["/api/**"]}}}),
                          "public_html/index.html": "<h1>app</h1>", "public_html/api/v1/items.json": "[]"})
    p = build_profile(tmp_path)
    assert p.language == "static" and p.build.site_dir == "public_html" and p.build.spa_fallback == "/index.html"
    assert any("has excepts, which are not carried over" in w for w in p.warnings)


def test_a_staticfile_of_nested_aliases_is_read_without_expanding_them(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    write_tree(tmp_path, {"Staticfile": "\n".join(lines) + "\nroot: public\npushstate: enabled\n",
                          "public/index.html": "<h1>hi</h1>"})
    p = build_profile(tmp_path)  # 10**12 items if expanded
    assert p.build.site_dir == "public" and p.build.spa_fallback == "/index.html"
