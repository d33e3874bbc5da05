"""The compose file runs the app hardened: read-only root with tmpfs for the scratch folders the
image's user owns, volumes for the folders it keeps, no capabilities, no privilege escalation,
an init process unless the command reaps its children, resource limits; backing services keep
only the capabilities their entrypoints need."""
from __future__ import annotations

from pathlib import Path

import yaml

from containerize.checklist import build_profile
from containerize.compose import SERVICE_CAPABILITIES, compose_dict
from containerize.profile import Profile
from containerize.render import render

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"


def compose_of(name: str) -> tuple[Profile, dict, str]:
    profile = build_profile(FIXTURES / name, [])
    files = render(profile)
    return profile, yaml.safe_load(files["compose.yaml"]), files["compose.yaml"]


def test_every_app_service_is_hardened():
    for name in ("python-flask", "node-express", "go-http", "java-maven", "static-site", "php-laravel"):
        profile, doc, text = compose_of(name)
        app = doc["services"]["app"]
        assert app["read_only"] is True, name
        assert "/tmp" in app["tmpfs"], name
        assert app["cap_drop"] == ["ALL"] and "cap_add" not in app, name
        assert app["security_opt"] == ["no-new-privileges:true"], name
        limits = app["deploy"]["resources"]["limits"]
        assert float(limits["cpus"]) > 0 and limits["memory"].endswith(("M", "G")), name
        assert "Hardened:" in text, name
        # the folders the app keeps stay volumes, never tmpfs
        for path in profile.writable_paths:
            assert any(v.endswith(":" + path) for v in app["volumes"]) and path not in app["tmpfs"], name


def test_scratch_folders_come_from_the_folders_the_image_gives_its_user():
    _, doc, _ = compose_of("ruby-rails")
    app = doc["services"]["app"]
    assert app["tmpfs"] == ["/tmp", "/app/tmp", "/app/log"]  # chowned in the final stage, not volumes
    assert "app-storage:/app/storage" in app["volumes"]
    assert "init" not in app  # puma reaps its own workers
    _, doc, _ = compose_of("php-laravel")
    tmpfs = doc["services"]["app"]["tmpfs"]
    assert "/var/run/apache2" in tmpfs and "/var/www/html/bootstrap/cache" in tmpfs
    assert "/var/www/html/storage" not in tmpfs


def test_init_only_where_the_command_does_not_reap_children():
    assert compose_of("node-express")[1]["services"]["app"]["init"] is True
    assert compose_of("go-http")[1]["services"]["app"]["init"] is True
    assert "init" not in compose_of("python-flask")[1]["services"]["app"]  # gunicorn
    assert "init" not in compose_of("static-site")[1]["services"]["app"]  # nginx


def test_backing_services_keep_only_what_their_entrypoints_need_and_say_so():
    _, doc, text = compose_of("python-postgres")
    pg = doc["services"]["postgres"]
    assert pg["cap_drop"] == ["ALL"] and pg["cap_add"] == SERVICE_CAPABILITIES
    assert pg["security_opt"] == ["no-new-privileges:true"]
    assert "read_only" not in pg
    assert "Backing services keep the capabilities" in text and ", ".join(SERVICE_CAPABILITIES) in text


def test_memory_limits_follow_the_stack():
    java = compose_of("java-maven")[1]["services"]["app"]["deploy"]["resources"]["limits"]["memory"]
    go = compose_of("go-http")[1]["services"]["app"]["deploy"]["resources"]["limits"]["memory"]
    assert java == "1G" and go == "256M"


def test_without_a_dockerfile_the_app_still_gets_tmp_and_its_volumes():
    profile = Profile(root="/x/app", language="python", ports=[8000], entrypoint=["python", "app.py"],
                      writable_paths=["/tmp/cache", "/app/data"])
    app = compose_dict(profile, "app")["services"]["app"]
    assert app["tmpfs"] == ["/tmp"]  # Docker mounts the /tmp/cache volume over the tmpfs
    assert [v.split(":", 1)[1] for v in app["volumes"]] == ["/tmp/cache", "/app/data"]
    assert app["read_only"] is True and app["init"] is True


def test_folders_given_to_the_app_user_are_read_from_the_run_lines_parse_tree():
    from containerize.k8s.runtime import _chowned

    run = ('mkdir -p /data && { mv db.sqlite3 /data/; chown -R 1000:1000 /data; } '
           '&& chown app:app cache logs; if [ -d x ]; then chown 1000 "/q r"; fi')
    assert _chowned(run, "/app") == ["/data", "/app/cache", "/app/logs", "/q r"]
    assert _chowned("chown -R 1000:1000 /data;", "/app") == ["/data"]
    assert _chowned("echo chown 1000 /etc", "/app") == []
