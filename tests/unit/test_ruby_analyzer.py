"""The Ruby analyzer's answers on the fixtures and on hand-made inputs, and its rendered files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from containerize import render
from containerize.checklist import AnalysisError, build_profile
from projects import lint, profile_of, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def stages(dockerfile: str) -> dict[str, str]:
    """Stage name (or "final") -> its text."""
    out = {}
    for part in dockerfile.split("\nFROM ")[1:]:
        first = part.splitlines()[0]
        out[first.split(" AS ")[1] if " AS " in first else "final"] = "FROM " + part
    return out


GEMS = """\
    source "https://rubygems.org"
    gem "sinatra"
    gem "puma"
    """
LOCK = """\
    GEM
      remote: https://rubygems.org/
      specs:
        puma (6.4.3)
        sinatra (4.0.0)

    PLATFORMS
      ruby

    DEPENDENCIES
      puma
      sinatra

    BUNDLED WITH
       2.5.10
    """


# -- analysis -------------------------------------------------------------------
def test_stdlib_server():
    p = profile_of("ruby-stdlib")
    assert p.language == "ruby" and p.package_manager is None and p.framework is None
    assert p.runtime_version == "3.3.6"
    assert p.entrypoint == ["ruby", "server.rb"]
    assert p.ports == [8080] and p.port_env == "PORT" and p.health_path == "/health"
    env = {e.name: e for e in p.env}
    assert env["GREETING"].default == "hello" and env["API_TOKEN"].secret
    assert not p.build.gems and p.system_packages == {"build": [], "runtime": []}


def test_batch_script():
    p = profile_of("ruby-batch")
    assert p.entrypoint == ["ruby", "wordfreq.rb"] and p.ports == [] and p.health_path is None
    assert p.runtime_version == "3.3"
    assert {e.name for e in p.env} == {"INPUT_FILE", "TOP"}


def test_rails_app():
    p = profile_of("ruby-rails")
    assert p.framework == "rails" and p.package_manager == "bundler"
    assert p.runtime_version == "3.3.6" and p.build.bundler == "2.5.16"
    assert p.entrypoint == ["bundle", "exec", "puma", "-C", "config/puma.rb"]
    assert p.ports == [3000] and p.port_env == "PORT" and p.health_path == "/up"
    assert [s.kind for s in p.services] == ["postgres"] and p.services[0].env_var == "DATABASE_URL"
    env = {e.name: e for e in p.env}
    assert env["DATABASE_URL"].secret and env["SECRET_KEY_BASE"].secret
    assert env["TIME_ZONE"].default == "UTC"
    assert "RAILS_MAX_THREADS" not in env and "PIDFILE" not in env
    assert p.dependencies == ["rails", "propshaft", "pg", "puma", "bootsnap", "tzinfo-data"]  # no dev/test gems
    assert p.system_packages["build"] == ["build-essential", "pkg-config", "libpq-dev", "libyaml-dev"]
    assert p.system_packages["runtime"] == ["libpq5", "libyaml-0-2"]
    assert p.build.assets and p.build.bootsnap and p.writable_paths == ["/app/storage"]


def test_rack_app():
    p = profile_of("ruby-rack")
    assert p.framework == "rack" and p.runtime_version == "3.2.5"  # from "ruby-3.2.5"
    assert p.entrypoint == ["bundle", "exec", "puma", "-b", "tcp://0.0.0.0:9292"]
    assert p.ports == [9292] and p.health_path == "/healthz"
    assert [s.kind for s in p.services] == ["postgres"]
    assert p.env_var("DATABASE_URL").secret
    assert "rack-test" not in p.dependencies and not p.build.assets


def test_sinatra_laid_out_like_rails_migrates_with_rake():
    # config/application.rb and db/migrate/ without the rails gem: sinatra-activerecord's rake tasks, and the
    # routes of config/application.rb are the app's
    p = profile_of("ruby-sinatra-activerecord")
    assert p.framework == "sinatra"
    assert [m.command for m in p.migrations] == [["bundle", "exec", "rake", "db:migrate"]]
    assert p.migrations[0].tool == "activerecord"
    assert p.health_path == "/status"
    assert [s.kind for s in p.services] == ["postgres"] and p.services[0].env_var == "DATABASE_URL"
    migrate = yaml.safe_load(render.render(p)["compose.yaml"])["services"]["migrate"]
    assert "db:migrate" in str(migrate["command"]) and "rails" not in str(migrate["command"])


def test_rails_credentials_ask_for_the_master_key(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": 'gem "rails"\ngem "puma"\n', "config/application.rb": "module X; end\n",
        "config/credentials.yml.enc": "abc", "bin/rails": "#!/usr/bin/env ruby\n",
    })
    p = build_profile(root)
    assert p.env_var("RAILS_MASTER_KEY").secret and p.env_var("SECRET_KEY_BASE") is None
    assert p.entrypoint == ["bundle", "exec", "puma", "-b", "tcp://0.0.0.0:3000"]
    assert any("Gemfile.lock" in w for w in p.warnings)


def test_sinatra_classic_app(tmp_path):
    root = write_tree(tmp_path, {"Gemfile": GEMS, "Gemfile.lock": LOCK,
                           "app.rb": "require 'sinatra'\nset :port, 4567\nget('/ping') { 'pong' }\n"})
    p = build_profile(root)
    assert p.framework == "sinatra" and p.entrypoint == ["bundle", "exec", "ruby", "app.rb"]
    assert p.ports == [4567] and p.health_path == "/ping" and p.build.bundler == "2.5.10"


def test_procfile_web_process_wins(tmp_path):
    root = write_tree(tmp_path, {"Gemfile": GEMS, "Gemfile.lock": LOCK, "config.ru": "run ->(e) { [200, {}, ['ok']] }\n",
                           "Procfile": "web: bundle exec puma -p 5000\n"})
    p = build_profile(root)
    assert p.entrypoint == ["bundle", "exec", "puma", "-p", "5000"] and p.ports == [5000]


@pytest.mark.parametrize("env_example, entrypoint, port", [
    # every variable has a documented default: the Procfile's command runs through sh, each default overridable
    ("PORT=9393\nWEB_CONCURRENCY=2\n",
     ["sh", "-c", 'exec bundle exec iodine -p "${PORT:-9393}" -w "${WEB_CONCURRENCY:-2}" -www ./public'], 9393),
    # WEB_CONCURRENCY has none: the Procfile can't be run as it is, puma serves config.ru
    ("PORT=9393\n", ["bundle", "exec", "puma", "-b", "tcp://0.0.0.0:9292"], None),
])
def test_a_procfile_web_process_with_variables(tmp_path, env_example, entrypoint, port):
    root = write_tree(tmp_path, {"Gemfile": GEMS, "Gemfile.lock": LOCK, "config.ru": "run ->(e) { [200, {}, ['ok']] }\n",
                                 "Procfile": "web: bundle exec iodine -p $PORT -w ${WEB_CONCURRENCY} -www ./public\n",
                                 ".env.example": env_example})
    p = build_profile(root)
    assert p.entrypoint == entrypoint and p.port_env == "PORT"
    if port:
        assert p.ports == [port]
    (tmp_path / "lint").mkdir()
    lint(render.render(p)["Dockerfile"], tmp_path / "lint")


@pytest.mark.parametrize("files, version", [
    ({".ruby-version": "ruby-3.2.4\n"}, "3.2.4"),
    ({".tool-versions": "nodejs 20.1.0\nruby 3.4.1\n"}, "3.4.1"),
    ({"Gemfile": 'source "https://rubygems.org"\nruby "~> 3.3.0"\ngem "rack"\n'}, "3.3"),  # the newest 3.3.x
    ({"Gemfile": 'ruby "~> 3.4.0"\ngem "rack"\n', "Gemfile.lock": "DEPENDENCIES\n  rack\n\nRUBY VERSION\n   ruby 3.4.9p1\n"},
     "3.4.9"),  # the lock's patch within the Gemfile's range
    ({"Gemfile": 'ruby "3.3.6"\ngem "rack"\n'}, "3.3.6"),
    ({".ruby-version": "3.1.2\n"}, "3.1"),  # 3.1.2 has no bookworm image
    ({"Gemfile": 'gem "rack"\n', "Gemfile.lock": "DEPENDENCIES\n  rack\n\nRUBY VERSION\n   ruby 3.1.4p223\n"}, "3.1.4"),
])
def test_ruby_version_sources(tmp_path, files, version):
    root = write_tree(tmp_path, {"main.rb": "puts 1\n", **files})
    assert build_profile(root, [("language", "ruby")]).runtime_version == version


def test_broken_lockfile_is_a_clear_error(tmp_path):
    root = write_tree(tmp_path, {"Gemfile": 'gem "rack"\n', "Gemfile.lock": "<<<<<<< HEAD\nnot a lock\n", "config.ru": ""})
    with pytest.raises(AnalysisError, match="Gemfile.lock: not a Bundler lockfile"):
        build_profile(root)


# -- rendering --------------------------------------------------------------------
@pytest.mark.parametrize("fixture", ["ruby-stdlib", "ruby-batch", "ruby-rails", "ruby-rack", "ruby-sinatra-activerecord"])
def test_rendered_dockerfile_is_hadolint_clean(tmp_path, fixture):
    files = render.render(profile_of(fixture))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "# syntax=" not in dockerfile and "alpine" not in dockerfile and "<<" not in dockerfile
    final = stages(dockerfile)["final"]
    assert "USER 10001:10001" in final and "build-essential" not in final
    assert "curl" not in dockerfile and "wget" not in dockerfile
    assert dockerfile.startswith("# Dockerfile") and "FROM ruby:${RUBY_VERSION}-slim-bookworm AS base" in dockerfile
    assert ".bundle/" in files[".dockerignore"] and "config/master.key" in files[".dockerignore"]


def test_rails_dockerfile_structure():
    dockerfile = render.render(profile_of("ruby-rails"))["Dockerfile"]
    parts = stages(dockerfile)
    base, build, final = parts["base"], parts["build"], parts["final"]
    for setting in ("RAILS_ENV=production", "BUNDLE_DEPLOYMENT=1", "BUNDLE_WITHOUT=development:test", "PORT=3000"):
        assert setting in base
    assert "ARG BUNDLER_VERSION=2.5.16" in build and 'gem install bundler -v "${BUNDLER_VERSION}"' in build
    assert "build-essential=12.9" in build and "libpq-dev=15.*" in build
    # Gemfile + lockfile, then the install, then the source, then the assets
    copy_gems = build.index("COPY Gemfile Gemfile.lock ./")
    install = build.index("bundle install")
    copy_source = build.index("COPY . .")
    assets = build.index("SECRET_KEY_BASE_DUMMY=1 SECRET_KEY_BASE=precompile-only-not-used-at-run-time ./bin/rails assets:precompile")
    assert "ENV SECRET_KEY_BASE" not in build  # the throwaway key lives only in that RUN
    assert copy_gems < install < copy_source < assets
    assert "RUN --mount=type=cache,target=/root/.bundle/cache" in build
    assert "libpq5=15.*" in final and "libpq-dev" not in final
    assert "COPY --from=build /usr/local/bundle /usr/local/bundle" in final
    assert "chown -R 10001:10001 tmp log /app/storage" in final
    assert "EXPOSE 3000" in final and "h.get('/up')" in final and "ENV.fetch('PORT', '3000')" in final
    assert final.rstrip().endswith('CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]')


def test_rack_dockerfile_and_compose():
    files = render.render(profile_of("ruby-rack"))
    parts = stages(files["Dockerfile"])
    assert "RACK_ENV=production" in parts["base"] and "assets:precompile" not in files["Dockerfile"]
    assert parts["build"].index("COPY Gemfile Gemfile.lock ./") < parts["build"].index("COPY . .")
    assert parts["final"].rstrip().endswith('CMD ["bundle", "exec", "puma", "-b", "tcp://0.0.0.0:9292"]')
    doc = yaml.safe_load(files["compose.yaml"])
    assert "postgres" in doc["services"] and doc["services"]["app"]["secrets"] == ["postgres_password"]  # DATABASE_URL built from it
    assert doc["services"]["app"]["command"][:3] == ["bundle", "exec", "puma"]


def test_no_gems_is_a_single_stage():
    dockerfile = render.render(profile_of("ruby-stdlib"))["Dockerfile"]
    assert set(stages(dockerfile)) == {"base", "final"} and "bundle" not in dockerfile
    assert "EXPOSE 8080" in dockerfile and 'CMD ["ruby", "server.rb"]' in dockerfile
    batch = render.render(profile_of("ruby-batch"))["Dockerfile"]
    assert "EXPOSE" not in batch and "HEALTHCHECK" not in batch and "RACK_ENV" not in batch


def test_gemfile_without_lock_copies_only_the_gemfile(tmp_path):
    root = write_tree(tmp_path, {"Gemfile": GEMS, "config.ru": "run ->(e) { [200, {}, ['ok']] }\n"})
    p = build_profile(root)
    dockerfile = render.render(p)["Dockerfile"]
    assert "COPY Gemfile ./" in dockerfile and "BUNDLER_VERSION" not in dockerfile
    assert "BUNDLE_DEPLOYMENT" not in dockerfile  # deployment mode needs a lockfile
    lint(dockerfile, tmp_path)


# -- values behind names, wrappers, tree-sitter facts ---------------------------------------
def _evidence(p, key):
    return [(e.file, e.line) for e in p.evidence.get(key, [])]


def test_values_fixture_resolves_constants_and_wrappers():
    p = profile_of("ruby-values")
    assert p.entrypoint == ["ruby", "server.rb"] and _evidence(p, "entrypoint") == [("server.rb", 54)]
    # PORT = 4567 ... TCPServer.new("0.0.0.0", PORT)
    assert p.ports == [4567] and p.port_env is None and _evidence(p, "ports") == [("server.rb", 54)]
    env = {e.name: e for e in p.env}
    # env(name, default) = ENV.fetch(name, default) and ENV[name] || fallback, defined in lib/settings.rb
    assert env["GREETING"].default == "hello" and env["MOTTO"].default == "small is fine"
    assert env["API_TOKEN"].secret and set(env) == {"GREETING", "MOTTO", "API_TOKEN"}
    assert _evidence(p, "env") == [("server.rb", 14), ("server.rb", 15), ("server.rb", 16)]
    # DATA_DIR = File.join("/data", "ruby-values"); File.open(VISITS, "a") and FileUtils.mkdir_p(DATA_DIR)
    assert p.writable_paths == ["/data/ruby-values"] and _evidence(p, "writable_paths") == [("server.rb", 35)]
    assert p.health_path == "/healthz" and _evidence(p, "health_path") == [("server.rb", 37)]
    assert not p.build.gems and p.build.env_name == "RACK_ENV"


def test_env_reads_in_every_form(tmp_path):
    root = write_tree(tmp_path, {
        "main.rb": """
            A = ENV["PLAIN"]
            B = ENV["WITH_OR"] || "or-default"
            C = ENV.fetch("FETCHED", "fetch-default")
            D = ENV.fetch("BLOCK") { "block-default" }
            E = ENV.fetch("NO_DEFAULT")
            F = ENV.fetch("COUNT", 3)
            def setting(name, default = nil)
              ENV.fetch(name) { default }
            end
            G = setting("WRAPPED", "wrapped-default")
            puts [A, B, C, D, E, F, G].inspect
            """,
    })
    p = build_profile(root)
    assert {e.name: e.default for e in p.env} == {
        "PLAIN": None, "WITH_OR": "or-default", "FETCHED": "fetch-default", "BLOCK": "block-default",
        "NO_DEFAULT": None, "COUNT": "3", "WRAPPED": "wrapped-default"}
    lines = {e.why.split(":")[0]: e.line for e in p.evidence["env"]}
    assert lines == {"PLAIN": 1, "WITH_OR": 2, "FETCHED": 3, "BLOCK": 4, "NO_DEFAULT": 5, "COUNT": 6, "WRAPPED": 10}


def test_sinatra_port_constant_routes_and_paths(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": GEMS, "Gemfile.lock": LOCK,
        "app.rb": """
            require "sinatra"
            require "fileutils"
            PORT = 4600
            UPLOADS = File.join("/srv", "uploads")
            set :port, PORT
            FileUtils.mkdir_p(UPLOADS)
            get "/" do
              "home"
            end
            get "/healthz" do
              File.write("/var/lib/app/last.txt", Time.now.to_s)
              File.read("/config/app.json")
            end
            """,
    })
    p = build_profile(root)
    assert p.framework == "sinatra" and p.ports == [4600] and _evidence(p, "ports") == [("app.rb", 5)]
    assert p.health_path == "/healthz" and _evidence(p, "health_path") == [("app.rb", 10)]
    assert p.writable_paths == ["/srv/uploads", "/var/lib/app"]
    assert p.read_paths == ["/config/app.json"] and _evidence(p, "read_paths") == [("app.rb", 12)]


def test_puma_config_port_and_rack_routes(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "rack"\ngem "puma"\n', "Gemfile.lock": LOCK,
        "config/puma.rb": 'port ENV.fetch("APP_PORT", 9400)\nworkers 0\n',
        "config.ru": 'map "/ping" do\n  run ->(env) { [200, {}, ["pong"]] }\nend\nrun ->(env) { [200, {}, ["ok"]] }\n',
    })
    p = build_profile(root)
    assert p.entrypoint == ["bundle", "exec", "puma", "-C", "config/puma.rb"]
    assert p.ports == [9400] and p.port_env == "APP_PORT" and _evidence(p, "port_env")[0] == ("config/puma.rb", 1)
    assert p.health_path == "/ping"


def test_gemfile_groups_are_read_from_the_tree(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": """
            source "https://rubygems.org"
            gem "rack"  # gem "commented-out"
            gem "rspec", group: :test
            gem "pry", groups: [:development, :test]
            group :development, :test do
              gem "rubocop"
              if ENV["CI"]
                gem "simplecov"
              end
            end
            gem "puma"
            """,
        "config.ru": "run ->(e) { [200, {}, ['ok']] }\n",
    })
    p = build_profile(root)
    assert p.dependencies == ["rack", "puma"]
    assert [e.line for e in p.evidence["dependencies"]] == [2, 11]


def test_erb_in_config_yaml_is_ruby(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": GEMS, "Gemfile.lock": LOCK, "config.ru": "run ->(e) { [200, {}, ['ok']] }\n",
        "config/settings.yml": "production:\n  name: x\n\n  url: <%= ENV.fetch(\"SERVICE_URL\", \"http://svc\") %>\n"
                               "  key: <%= ENV['SIGNING_KEY'] %>\n",
    })
    p = build_profile(root)
    assert p.env_var("SERVICE_URL").default == "http://svc" and p.env_var("SIGNING_KEY").secret
    assert _evidence(p, "env") == [("config/settings.yml", 4), ("config/settings.yml", 5)]


def test_huge_single_line_and_many_blank_lines_still_give_facts(tmp_path):
    code = 'server = TCPServer.new("0.0.0.0", Integer(ENV.fetch("PORT", "5151")));'
    one_line = code + " " + "; ".join(f"x{i} = {i}" for i in range(100000))
    assert len(one_line) > 1_000_000 and "\n" not in one_line
    (tmp_path / "server.rb").write_text(one_line + "\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "paths.rb").write_text("\n" * 60000 + 'FileUtils.mkdir_p("/srv/tall")\n')
    p = build_profile(tmp_path, [("language", "ruby")])
    assert p.entrypoint == ["ruby", "server.rb"] and p.ports == [5151] and p.port_env == "PORT"
    assert _evidence(p, "ports") == [("server.rb", 1)]
    assert p.writable_paths == ["/srv/tall"] and _evidence(p, "writable_paths") == [("lib/paths.rb", 60001)]


def test_a_gemfile_lower_bound_gives_way_to_the_locked_ruby(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\nruby ">= 3.2", "< 4.0"\ngem "rack"\n',
        "Gemfile.lock": "DEPENDENCIES\n  rack\n\nRUBY VERSION\n   ruby 3.4.1p0\n", "config.ru": "",
    })
    assert build_profile(root).runtime_version == "3.4.1"
    (root / "Gemfile.lock").write_text("DEPENDENCIES\n  rack\n")
    assert build_profile(root).runtime_version == "3.4"  # the newest published Ruby the range allows


def test_a_server_bound_to_localhost_is_a_warning(tmp_path):
    root = write_tree(tmp_path, {"server.rb": 'require "socket"\nserver = TCPServer.new("127.0.0.1", 9000)\n'})
    p = build_profile(root)
    assert p.ports == [9000] and any(w.startswith("server.rb:2 listens on 127.0.0.1 only") for w in p.warnings)


@pytest.mark.parametrize("files", [
    {"Gemfile": "group :a do\n" * 2000 + 'gem "rack"\n' * 50 + "end\n" * 2000 + 'gem "puma"\n',
     "config.ru": "run 1\n"},
    {"Gemfile": 'gem "rack", group: ' + "[" * 2000 + ":a" + "]" * 2000 + "\n", "config.ru": "run 1\n"},
    {"server.rb": 'require "socket"\nTCPServer.new("0.0.0.0", 8200)\nx = ' + "ENV[" * 2000 + '"A"' + "]" * 2000 + "\n"},
])
def test_deeply_nested_code_is_read_without_blowing_up(tmp_path, files):
    p = build_profile(write_tree(tmp_path, files))
    assert p.language == "ruby" and p.ports


def test_force_ssl_is_documented_and_a_service_url_with_a_plain_default_is_a_setting(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "puma"\n', "config.ru": "run Rails.application\n",
        "config/application.rb": "module App; class Application < Rails::Application; end; end\n",
        "bin/rails": "#!/usr/bin/env ruby\n",
        "config/environments/production.rb": "Rails.application.configure do\n  config.force_ssl = true\nend\n",
        "config/cable.yml": 'production:\n  adapter: redis\n  url: <%= ENV.fetch("REDIS_URL") { "redis://localhost:6379/1" } %>\n'
                            '  password: <%= ENV.fetch("CACHE_URL") { "redis://u:pw@cache:6379" } %>\n',
    })
    p = build_profile(root)
    assert any("config/environments/production.rb:2 sets config.force_ssl = true" in w for w in p.warnings)
    redis = p.env_var("REDIS_URL")
    assert not redis.secret and redis.default == "redis://localhost:6379/1"
    assert p.env_var("CACHE_URL").secret  # a default that carries credentials stays a secret
    (root / "config/environments/production.rb").write_text("Rails.application.configure do\n  config.force_ssl = false\nend\n")
    assert not any("force_ssl" in w for w in build_profile(root).warnings)


def test_roda_sequel_app(tmp_path):
    p = profile_of("ruby-roda")
    assert p.framework == "rack" and p.entrypoint == ["bundle", "exec", "puma", "-b", "tcp://0.0.0.0:9292"]
    assert p.health_path == "/health"  # r.get 'health' in the route block
    # sequel_pg is Sequel's pg adapter: libpq to build and run, and a postgres service
    assert "libpq-dev" in p.system_packages["build"] and p.system_packages["runtime"] == ["libpq5"]
    assert [s.kind for s in p.services] == ["postgres"]
    env = {e.name: e for e in p.env}
    assert env["DATABASE_URL"].secret  # ENV.delete('DATABASE_URL') reads it
    assert "APP_DATABASE_URL" in env
    assert env["APP_SESSION_SECRET"].secret  # ENV.send(cond ? :[] : :delete, 'APP_SESSION_SECRET')
    assert env["BOARD_TITLE"].default == "Pinboard"
    # Sequel's migrator over migrate/, on the DB that db.rb connects: a one-shot step before the app
    [migration] = p.migrations
    assert migration.tool == "sequel" and migration.file == "migrate/001_pins.rb"
    assert migration.command == ["bundle", "exec", "ruby", "-r", "./db.rb", "-e",
                                 'Sequel.extension :migration; Sequel::Migrator.run(DB, "migrate")']
    # stack-spec/stack_spec.rb is a test: its env vars and the files it writes are not the app's
    assert "PUMA" not in env and "RUBY" not in env
    assert p.writable_paths == []
    df = render.render(p)["Dockerfile"]
    assert "libpq5" in stages(df)["final"]
    lint(df, tmp_path)


@pytest.mark.parametrize("code, name, default", [
    ("x = ENV.delete('TOKEN_A') { 'none' }\n", "TOKEN_A", None),
    ("x = ENV.delete('PLAIN_VALUE') { 'none' }\n", "PLAIN_VALUE", "none"),
    ("x = ENV.public_send(:fetch, 'MODE')\n", "MODE", None),
])
def test_env_delete_and_send_are_reads(tmp_path, code, name, default):
    root = write_tree(tmp_path, {"Gemfile": 'source "https://rubygems.org"\ngem "puma"\n', "config.ru": "run ->(e) { [200, {}, ['ok']] }\n",
                                 "lib/settings.rb": code, "lib/settings_test.rb": "ENV['ONLY_IN_TESTS']\n"})
    p = build_profile(root)
    assert p.env_var(name) is not None and p.env_var(name).default == default
    assert p.env_var("ONLY_IN_TESTS") is None


@pytest.mark.parametrize("database, writable, warned", [
    ("db/production.sqlite3", ["/app/storage"], True),  # among the code: a warning, not a volume over db/migrate
    ("data/production.sqlite3", ["/app/data", "/app/storage"], False),
    ("storage/production.sqlite3", ["/app/storage"], False),
])
def test_a_production_sqlite_database_is_written_or_warned_about(tmp_path, database, writable, warned):
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "sqlite3"\ngem "puma"\n',
        "config/application.rb": "require 'rails/all'\nmodule Blog\n  class Application < Rails::Application\n  end\nend\n",
        "config/database.yml": f"default: &default\n  adapter: sqlite3\n\nproduction:\n  <<: *default\n  database: {database}\n",
        "config.ru": "run Rails.application\n", "storage/.keep": ""})
    p = build_profile(root)
    assert p.writable_paths == writable
    assert any("production SQLite database" in w for w in p.warnings) == warned


@pytest.mark.parametrize("config, argv, port", [
    ("worker_processes 4\ntimeout 10\npreload_app true\n",
     ["bundle", "exec", "unicorn", "-c", "config/unicorn.rb", "-l", "0.0.0.0:8080"], 8080),
    ("worker_processes 2\nlisten Integer(ENV.fetch('PORT', 5000))\n",
     ["bundle", "exec", "unicorn", "-c", "config/unicorn.rb"], 5000),
    ("listen '0.0.0.0:4000', backlog: 64\n", ["bundle", "exec", "unicorn", "-c", "config/unicorn.rb"], 4000),
])
def test_unicorn_keeps_its_config_file(tmp_path, config, argv, port):
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "sinatra"\ngem "unicorn"\n',
        "config.ru": "require './app'\nrun Sinatra::Application\n",
        "app.rb": "require 'sinatra'\nget('/') { 'hi' }\n", "config/unicorn.rb": config})
    p = build_profile(root)
    assert p.entrypoint == argv and p.ports == [port]


def test_erb_tags_of_the_development_and_test_sections_are_not_the_containers_settings(tmp_path):
    yml = ("default: &default\n  adapter: postgresql\n  pool: <%= ENV.fetch('DB_POOL', 5) %>\n\n"
           "development:\n  <<: *default\n  database: <%= ENV.fetch('DEV_DB', 'app_dev') %>\n\n"
           "test:\n  <<: *default\n  database: <%= ENV.fetch('TEST_DB', 'app_test') %>\n\n"
           "production:\n  <<: *default\n  url: <%= ENV['DATABASE_URL'] %>\n"
           "  timeout: <%= ENV.fetch('PROD_DB_TIMEOUT', 5000) %>\n")
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\ngem "puma"\n',
        "config/application.rb": "require 'rails/all'\nmodule Api\n  class Application < Rails::Application\n  end\nend\n",
        "config/database.yml": yml, "config.ru": "run Rails.application\n"})
    p = build_profile(root)
    names = {e.name for e in p.env}
    assert {"DB_POOL", "PROD_DB_TIMEOUT", "DATABASE_URL"} <= names
    assert not names & {"DEV_DB", "TEST_DB"}


@pytest.mark.parametrize("lock, install", [
    ("yarn.lock", "corepack enable && yarn install --frozen-lockfile"), ("package-lock.json", "npm ci")])
def test_jsbundling_rails_builds_with_node_in_the_build_stage_only(tmp_path, lock, install):
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "puma"\ngem "jsbundling-rails"\ngem "propshaft"\n',
        "config/application.rb": "require 'rails/all'\nmodule Shop\n  class Application < Rails::Application\n  end\nend\n",
        "config.ru": "run Rails.application\n", "bin/rails": "#!/usr/bin/env ruby\n",
        "app/javascript/application.js": "console.log('shop')\n", ".node-version": "20.11.0\n",
        "package.json": '{"name": "shop", "private": true, "scripts": {"build": "esbuild app/javascript/*.* --bundle --outdir=app/assets/builds"}, "devDependencies": {"esbuild": "^0.20.0"}}',
        lock: "{}\n" if lock.endswith(".json") else "# yarn lockfile v1\n"})
    p = build_profile(root)
    assert p.build.assets and p.build.node_version == "20"
    assert p.build.js_files == ["package.json", lock] and p.build.js_install == install
    df = render.render(p)["Dockerfile"]
    parts = stages(df)
    assert parts["node"].startswith("FROM node:${NODE_VERSION}-bookworm-slim AS node") and "ARG NODE_VERSION=20" in df
    build = parts["build"]
    assert "COPY --from=node /usr/local/bin/node /usr/local/bin/" in build
    assert build.index(install) < build.index("COPY . .") < build.index("./bin/rails assets:precompile")
    assert "rm -rf node_modules" in build
    assert "node" not in parts["final"].replace("node_modules", "")
    lint(df, tmp_path)


def test_hanami_2_app(tmp_path):
    root = write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "hanami", "~> 2.2"\ngem "hanami-router"\ngem "hanami-db"\n'
                   'gem "pg"\ngem "puma"\ngem "sidekiq"\n',
        "config.ru": 'require "hanami/boot"\nrun Hanami.app\n',
        "config/app.rb": 'require "hanami"\nmodule Board\n  class App < Hanami::App\n  end\nend\n',
        "config/settings.rb": 'module Board\n  class Settings < Hanami::Settings\n'
                              '    setting :board_title, constructor: Types::String, default: "Pins"\n'
                              '    setting :page_size, constructor: Types::Params::Integer, default: 2_5\n'
                              '    setting :api_secret, constructor: Types::String\n  end\nend\n',
        "config/puma.rb": 'port ENV.fetch("HANAMI_PORT", 2300)\nenvironment ENV.fetch("HANAMI_ENV", "development")\n',
        "config/routes.rb": 'module Board\n  class Routes < Hanami::Routes\n    get "/health", to: "health.show"\n  end\nend\n',
        "config/db/migrate/20240101000000_create_pins.rb": "ROM::SQL.migration do\nend\n"})
    p = build_profile(root)
    assert p.framework == "hanami" and p.build.env_name == "HANAMI_ENV"
    assert p.entrypoint == ["bundle", "exec", "puma", "-C", "config/puma.rb"]
    assert p.ports == [2300] and p.port_env == "HANAMI_PORT" and p.health_path == "/health"
    env = {e.name: e for e in p.env}
    assert "HANAMI_ENV" not in env  # the image sets it to production; not a setting with the code's development
    assert env["BOARD_TITLE"].default == "Pins" and env["PAGE_SIZE"].default == "25"
    assert env["API_SECRET"].secret and env["DATABASE_URL"].secret
    assert sorted(s.kind for s in p.services) == ["postgres", "redis"]  # pg, and sidekiq's Redis
    assert [m.command for m in p.migrations] == [["bundle", "exec", "hanami", "db", "migrate"]]
    df = render.render(p)["Dockerfile"]
    assert "HANAMI_ENV=production" in df and "RACK_ENV" not in df
    lint(df, tmp_path)


# -- workers: the job processes that run beside the app -------------------------------------------
def _workers(profile) -> list[tuple[str, list[str], str | None, int | None]]:
    return [(w.name, w.command, w.file, w.line) for w in profile.workers]


def test_a_rails_app_on_sidekiq_runs_sidekiq_with_its_config_beside_puma():
    p = profile_of("ruby-rails-sidekiq")
    assert _workers(p) == [("sidekiq", ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"], "Gemfile", 10)]
    assert any(n.why == "Active Job's queue adapter is sidekiq" and n.file == "config/environments/production.rb"
               and n.line == 11 for n in p.evidence["workers"])
    services = yaml.safe_load(render.render(p)["compose.yaml"])["services"]
    worker = services["sidekiq"]
    assert worker["command"] == ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"]
    assert worker["image"] == services["app"]["image"] and "ports" not in worker
    assert worker["environment"]["REDIS_URL"] == services["app"]["environment"]["REDIS_URL"]
    assert set(worker["depends_on"]) == {"postgres", "redis"}


def test_a_sinatra_app_runs_its_procfile_clock_and_sidekiq_loading_the_file_of_its_jobs():
    p = profile_of("ruby-sinatra-sidekiq")
    assert p.entrypoint == ["bundle", "exec", "puma", "-b", "tcp://0.0.0.0:9292", "config.ru"]
    assert _workers(p) == [
        ("clock", ["bundle", "exec", "ruby", "clock.rb"], "Procfile", 2),
        ("sidekiq", ["bundle", "exec", "sidekiq", "-r", "./lib/thumbnail_job.rb"], "Gemfile", 6)]
    assert "lib/thumbnail_job.rb:13 defines the Sidekiq jobs" in p.workers[1].why
    assert set(yaml.safe_load(render.render(p)["compose.yaml"])["services"]) == {"app", "clock", "sidekiq", "redis"}


def test_solid_queue_runs_bin_jobs_unless_puma_runs_it(tmp_path):
    p = profile_of("ruby-rails-solid-queue")
    assert _workers(p) == [("solid-queue", ["./bin/jobs"], "Gemfile", 10)]
    assert any(n.why == 'Puma runs Solid Queue only when ENV["SOLID_QUEUE_IN_PUMA"] (not in the container)' and n.line == 10
               for n in p.evidence["workers"])
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "ruby-rails-solid-queue", root)
    puma = root / "config/puma.rb"
    puma.write_text(puma.read_text().replace('plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]', "plugin :solid_queue"))
    in_puma = build_profile(root)
    assert in_puma.workers == [] and any(n.why.startswith("config/puma.rb runs Solid Queue inside Puma")
                                         for n in in_puma.evidence["workers"])
    for condition, in_process in [  # evaluated as the container sees it: production, compose.yaml's settings
            ('if Rails.env.production? && ENV.fetch("DISABLE_SOLID_QUEUE", "false") != "true"', True),
            ('unless ENV["JOBS_ELSEWHERE"].present?', True), ('if Rails.env.development?', False),
            ("if ENV.fetch('WORKERS_IN_PUMA', 'no') == 'yes'", False), ("if defined?(SolidQueue)", False)]:
        puma.write_text(f"port 3000\nplugin :solid_queue {condition}\n")
        assert (build_profile(root).workers == []) is in_process, condition


RAILS_APP = {
    "config/application.rb": 'require_relative "boot"\nrequire "rails/all"\nmodule Shop\n'
                             '  class Application < Rails::Application\n  end\nend\n',
    "config.ru": 'require_relative "config/environment"\nrun Rails.application\n',
    "Rakefile": 'require_relative "config/application"\nRails.application.load_tasks\n',
}


def _rails(tmp_path, gems: str, **files):
    return build_profile(write_tree(tmp_path, {
        **RAILS_APP, "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "puma"\n' + gems, **files}))


def test_good_job_runs_its_own_process_unless_it_executes_jobs_in_the_app(tmp_path):
    p = _rails(tmp_path / "a", 'gem "good_job", "~> 4.0"\n')
    assert _workers(p) == [("good-job", ["bundle", "exec", "good_job", "start"], "Gemfile", 4)]
    assert set(yaml.safe_load(render.render(p)["compose.yaml"])["services"]) >= {"app", "good-job"}
    for setting in ("config.good_job.execution_mode = :async", "config.good_job = { execution_mode: :async }"):
        inline = _rails(tmp_path / str(len(setting)), 'gem "good_job"\n', **{
            "config/environments/production.rb": f"Rails.application.configure do\n  {setting}\nend\n"})
        assert inline.workers == []
        assert any("execution_mode = :async" in n.why and n.line == 2 for n in inline.evidence["workers"])


def test_delayed_job_works_off_its_table_unless_another_adapter_is_set(tmp_path):
    p = _rails(tmp_path / "a", 'gem "delayed_job_active_record"\n')
    assert [(w.name, w.command, w.line) for w in p.workers] == [
        ("delayed-job", ["bundle", "exec", "rake", "jobs:work"], 4)]
    other = _rails(tmp_path / "b", 'gem "delayed_job_active_record"\n', **{
        "config/application.rb": RAILS_APP["config/application.rb"].replace(
            "  end\nend", "    config.active_job.queue_adapter = :async\n  end\nend")})
    assert other.workers == []


def test_resque_works_every_queue_and_a_dev_group_gem_is_no_worker(tmp_path):
    p = _rails(tmp_path / "a", 'gem "resque"\ngroup :development do\n  gem "sidekiq"\nend\n')
    assert _workers(p) == [("resque", ["env", "QUEUE=*", "bundle", "exec", "rake", "resque:work"], "Gemfile", 4)]
    command = yaml.safe_load(render.render(p)["compose.yaml"])["services"]["resque"]["command"]
    assert command == ["env", "QUEUE=*", "bundle", "exec", "rake", "resque:work"]


def test_the_active_job_adapter_picks_the_backend_and_a_procfile_worker_is_not_doubled(tmp_path):
    production = {"config/environments/production.rb":
                  "Rails.application.configure do\n  config.active_job.queue_adapter = :sidekiq\nend\n"}
    p = _rails(tmp_path / "a", 'gem "solid_queue"\ngem "sidekiq"\n', **production, **{"bin/jobs": "#!/usr/bin/env ruby\n"})
    assert [w.name for w in p.workers] == ["sidekiq"]
    assert any("adapter is sidekiq: no solid_queue worker" in n.why for n in p.evidence["workers"])
    procfile = _rails(tmp_path / "b", 'gem "sidekiq"\n', **{
        "Procfile": "web: bundle exec puma -p $PORT\nworker: bundle exec sidekiq -q default -q mailers\n"})
    assert _workers(procfile) == [
        ("worker", ["bundle", "exec", "sidekiq", "-q", "default", "-q", "mailers"], "Procfile", 2)]
    assert procfile.entrypoint[:3] == ["bundle", "exec", "puma"]  # web reads $PORT: the app's own start command


def test_sidekiq_without_rails_and_without_a_job_class_says_what_to_set(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "Gemfile": 'source "https://rubygems.org"\ngem "sinatra"\ngem "sidekiq"\n',
        "app.rb": 'require "sinatra"\nget("/") { "hi" }\n'}))
    assert p.workers == []
    assert any("--set workers.sidekiq=" in w for w in p.warnings)


def test_sidekiq_without_rails_loads_the_app_that_loads_its_jobs(tmp_path):
    gemfile = 'source "https://rubygems.org"\ngem "sinatra"\ngem "puma"\ngem "sidekiq"\n'
    job = "class PingJob\n  include Sidekiq::Worker\n  def perform; end\nend\n"
    classic = build_profile(write_tree(tmp_path / "classic", {
        "Gemfile": gemfile, "workers/ping_job.rb": job,
        "config/initializers/sidekiq.rb": "require 'sidekiq'\n",
        "web.rb": "require 'sinatra'\nrequire 'sidekiq'\nDir['./workers/*.rb'].each { |f| require f }\n"
                  "get('/') { PingJob.perform_async; 'ok' }\n",
        "config.ru": "require_relative 'web'\nrun Sinatra::Application\n"}))
    assert [w.command for w in classic.workers] == [["bundle", "exec", "sidekiq", "-r", "./web.rb"]]
    assert "web.rb requires sidekiq and loads the jobs (workers/ping_job.rb:2)" in classic.workers[0].why
    loader = build_profile(write_tree(tmp_path / "loader", {  # a Sinatra + ActiveRecord app's loader
        "Gemfile": gemfile, "app/jobs/ping_job.rb": job,
        "config/environment.rb": "require 'bundler/setup'\nBundler.require\nrequire_all 'app'\n",
        "config.ru": "require_relative 'config/environment'\nrun ApplicationController\n"}))
    assert [w.command for w in loader.workers] == [["bundle", "exec", "sidekiq", "-r", "./config/environment.rb"]]


def test_sidekiq_with_another_active_job_adapter_runs_only_for_its_own_job_classes(tmp_path):
    production = {"config/environments/production.rb":
                  "Rails.application.configure do\n  config.active_job.queue_adapter = :solid_queue\nend\n"}
    idle = _rails(tmp_path / "a", 'gem "solid_queue"\ngem "sidekiq"\n', **production)
    assert [w.name for w in idle.workers] == ["solid-queue"]
    assert any("adapter is solid_queue: no sidekiq worker" in n.why for n in idle.evidence["workers"])
    native = _rails(tmp_path / "b", 'gem "solid_queue"\ngem "sidekiq"\n', **production, **{
        "app/sidekiq/ping_job.rb": "class PingJob\n  include Sidekiq::Job\n  def perform; end\nend\n"})
    assert [w.name for w in native.workers] == ["sidekiq", "solid-queue"]


@pytest.mark.parametrize("database, keep, volumes, warned", [
    # a folder of its own under db/ (byos_sinatra's db/sqlite/): a volume
    ("db/sqlite/app.sqlite3", "db/sqlite/.keep", ["/app/db/sqlite"], False),
    # beside the migrations and schema: a warning, no volume over the code
    ("db/production.sqlite3", "db/sqlite/.keep", [], True),
    # a db/ subfolder that holds code is not one
    ("db/data/app.sqlite3", "db/data/seed.rb", [], True),
])
def test_sqlite_database_under_db(tmp_path, database, keep, volumes, warned):
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "ruby-sinatra-activerecord", root)
    (root / "config" / "database.yml").write_text(
        f"production:\n  adapter: sqlite3\n  database: {database}\n")
    write_tree(root, {keep: ""})
    p = build_profile(root, [])
    assert p.writable_paths == volumes
    assert any("among the code" in w for w in p.warnings) is warned


def test_rails_app_made_for_one_container_is_told_where_its_redis_clients_still_point():
    # Campfire's shape: redis-server and resque-pool in the Procfile, Action Cable on a fixed localhost URL,
    # Resque on its default, uploads and the SQLite database under a storage/ that git doesn't hold
    p = profile_of("ruby-rails-resque")
    assert [s.kind for s in p.services] == ["redis"]
    assert p.writable_paths == ["/app/storage"]  # one volume: the database's storage/db/ is inside it
    assert any(e.file == "config/storage.yml" and "storage/files/" in e.why for e in p.evidence["writable_paths"])
    assert any(w.startswith("config/cable.yml:12 connects to redis on localhost") for w in p.warnings)
    assert any(w.startswith("resque: nothing sets Resque.redis") for w in p.warnings)
    doc = yaml.safe_load(render.render(p)["compose.yaml"])
    assert doc["services"]["workers"]["volumes"] == doc["services"]["app"]["volumes"] == ["app-storage:/app/storage"]


def test_resque_and_action_cable_reading_redis_url_are_pointed_at_the_service(tmp_path):
    root = tmp_path / "chat"
    shutil.copytree(FIXTURES / "ruby-rails-resque", root)
    write_tree(root, {
        "config/initializers/resque.rb": 'Resque.redis = ENV.fetch("REDIS_URL", "redis://localhost:6379")\n',
        "config/cable.yml": 'production:\n  adapter: redis\n  url: <%= ENV.fetch("REDIS_URL") { "redis://localhost:6379/1" } %>\n'})
    p = build_profile(root)
    assert not any("Resque.redis" in w or "cable.yml" in w for w in p.warnings)
    doc = yaml.safe_load(render.render(p)["compose.yaml"])
    assert doc["services"]["app"]["environment"]["REDIS_URL"].endswith("redis://redis:6379}")


@pytest.mark.parametrize("storage, production, volumes", [
    ('local:\n  service: Disk\n  root: <%= Rails.root.join("public/uploads") %>\n', ":local",
     ["/app/storage/db", "/app/public/uploads"]),  # beside the SQLite database's folder
    ('amazon:\n  service: S3\n  bucket: x\nlocal:\n  service: Disk\n  root: <%= Rails.root.join("files") %>\n',
     ":amazon", ["/app/storage/db"]),  # uploads go to S3: no folder of theirs
    ('local:\n  service: Disk\n  root: <%= ENV["UPLOADS"] %>\n', '"local"', ["/app/storage/db"]),  # no known path
])
def test_active_storage_disk_root_is_a_volume(tmp_path, storage, production, volumes):
    root = tmp_path / "chat"
    shutil.copytree(FIXTURES / "ruby-rails-resque", root)
    prod = (root / "config/environments/production.rb").read_text().replace(":local", production)
    write_tree(root, {"config/storage.yml": storage, "config/environments/production.rb": prod})
    assert build_profile(root).writable_paths == volumes
