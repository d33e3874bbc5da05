"""The PHP analyzer's answers on the fixtures and on hand-made inputs, and its rendered files."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from containerize import render
from containerize.languages.php import php_version
from containerize.checklist import AnalysisError, build_profile
from projects import lint, profile_of, stages, write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


# -- analysis -------------------------------------------------------------------
def test_plain_site_with_composer_autoload_and_an_extension():
    p = profile_of("php-plain")
    assert p.language == "php" and p.framework is None and p.package_manager == "composer"
    assert p.runtime_version == "8.4"  # ">=8.1": the newest published minor within the range
    assert p.ports == [8080] and p.entrypoint == ["apache2-foreground"]
    assert p.health_path == "/health.php"
    assert p.build.docroot == "public"
    assert p.build.extensions == ["bcmath"]  # mbstring is compiled into the php images
    assert p.build.composer and not p.build.composer_install  # an autoloader, no packages
    env = {e.name: e for e in p.env}
    assert env["GREETING"].default == "hello" and not env["GREETING"].secret
    assert env["API_TOKEN"].secret and env["API_TOKEN"].default is None
    where = next(e for e in p.evidence["env"] if e.why.startswith("API_TOKEN"))
    assert where.file == "public/index.php" and where.line
    assert p.services == [] and p.build_command is None


def test_root_index_and_superglobals():
    p = profile_of("php-root")
    assert p.package_manager is None and p.build.docroot == ""
    assert not p.build.composer and p.build.extensions == []
    assert {e.name for e in p.env} == {"GREETING", "REGION", "APP_MODE"}
    assert p.build.env_superglobal  # $_ENV needs variables_order with E
    assert p.build.pass_env == ["GREETING", "REGION", "APP_MODE"]
    assert p.health_path == "/"


def test_laravel_app():
    p = profile_of("php-laravel")
    assert p.framework == "laravel" and p.runtime_version == "8.4"  # ^8.2: the newest published 8.x
    assert p.build.docroot == "public" and p.health_path == "/up"
    assert p.build.composer_install and p.build.composer_files == ["composer.json", "composer.lock"]
    assert p.build.extensions == ["intl", "pdo_pgsql"]
    assert p.system_packages == {"build": ["libicu-dev", "libpq-dev"], "runtime": ["libicu72", "libpq5"]}
    assert [s.kind for s in p.services] == ["postgres"]
    env = {e.name: e for e in p.env}
    assert env["APP_KEY"].secret and env["DB_PASSWORD"].secret
    assert env["DB_HOST"].default == "postgres" and env["DB_DATABASE"].default == "app"
    assert "DB_URL" not in env  # optional in Laravel; DB_PASSWORD is the one secret
    assert p.writable_paths == ["/var/www/html/storage"]  # bootstrap/cache/ is scratch space (the template's)
    assert p.build.scratch_dirs == []
    assert "laravel/framework" in p.dependencies and "league/flysystem" in p.dependencies
    assert p.build_command[:2] == ["composer", "install"]


def test_symfony_app_runs_prod_with_its_dotenv_settings_and_a_scratch_var(tmp_path):
    p = profile_of("php-symfony")  # composer.json's auto-scripts is a table (Symfony Flex)
    assert p.framework == "symfony" and p.build.docroot == "public" and p.health_path == "/healthz"
    env = {e.name: e for e in p.env}
    assert env["APP_ENV"].default == "prod"  # .env says dev: the image has no dev packages
    assert env["APP_SECRET"].secret and env["APP_SECRET"].default is None
    assert env["NOTES_TITLE"].default == "My notes"  # the .env's value, not the code's fallback
    assert env["DATABASE_URL"].default == "sqlite:///%kernel.project_dir%/data/notes.db"
    # var/ (cache, logs) is scratch space; the SQLite folder and the kept-empty uploads folder are volumes
    assert p.build.scratch_dirs == ["/var/www/html/var"]
    assert p.writable_paths == ["/var/www/html/public/uploads", "/var/www/html/data"]
    assert p.build.dotenv_stub
    assert not any("asset-mapper" in w for w in p.warnings)  # no AssetMapper front end here
    files = render.render(p)
    df = files["Dockerfile"]
    assert "touch /var/www/html/.env" in df
    assert "chown -R 33:33 /var/www/html/var /var/www/html/public/uploads /var/www/html/data" in df
    app = yaml.safe_load(files["compose.yaml"])["services"]["app"]
    assert "/var/www/html/var" in app["tmpfs"]
    assert sorted(v.split(":")[1] for v in app["volumes"]) == ["/var/www/html/data", "/var/www/html/public/uploads"]
    assert app["environment"]["APP_ENV"].endswith("prod}") or app["environment"]["APP_ENV"] == "prod"
    lint(df, tmp_path)


def test_folders_kept_empty_in_git_are_written(tmp_path):
    root = write_tree(tmp_path, {
        "composer.json": '{"require": {"slim/slim": "^4.0"}, "scripts": {"start": "php -S 0.0.0.0:8080 -t public"}}',
        "public/index.php": "<?php require __DIR__ . '/../vendor/autoload.php';",
        "logs/README.md": "logs go here\n", "var/cache/.gitignore": "*\n!.gitignore\n", "src/App.php": "<?php\n"})
    p = build_profile(root)
    assert p.writable_paths == ["/var/www/html/logs"]  # logs are kept (a volume)
    assert p.build.scratch_dirs == ["/var/www/html/var/cache"]  # a cache is not


def test_cakephp_writes_tmp_and_logs_and_request_headers_are_not_settings(tmp_path):
    root = write_tree(tmp_path, {
        "composer.json": '{"require": {"php": ">=8.1", "cakephp/cakephp": "5.1.*"}}',
        "webroot/index.php": "<?php require dirname(__DIR__) . '/vendor/autoload.php';",
        "config/app.php": "<?php return ['App' => ['base' => false, 'fullBaseUrl' => env('HTTPS') ? 'https' : 'http',"
                          " 'host' => env('HTTP_HOST')], 'Security' => ['salt' => env('SECURITY_SALT')],"
                          " 'debug' => filter_var(env('DEBUG', false), FILTER_VALIDATE_BOOLEAN)];",
        "tmp/cache/models/.gitkeep": "", "src/Application.php": "<?php\nnamespace App;\n"})
    p = build_profile(root)
    assert p.framework == "cakephp" and p.build.docroot == "webroot"
    assert p.writable_paths == ["/var/www/html/logs"] and p.build.scratch_dirs == ["/var/www/html/tmp"]
    names = [e.name for e in p.env]
    assert "SECURITY_SALT" in names and "DEBUG" in names
    assert "HTTPS" not in names and "HTTP_HOST" not in names


@pytest.mark.parametrize("lock, install", [
    ("package-lock.json", "npm ci"), ("pnpm-lock.yaml", "corepack enable && pnpm install --frozen-lockfile"),
    (None, "npm install"),
])
def test_laravel_vite_front_end_is_built_in_a_node_stage(tmp_path, lock, install):
    files = {
        "composer.json": '{"require": {"php": "^8.2", "laravel/framework": "^11.0"}}', "artisan": "<?php\n",
        "public/index.php": "<?php require __DIR__.'/../vendor/autoload.php';",
        "package.json": '{"private": true, "type": "module", "scripts": {"build": "vite build", "dev": "vite"},'
                        ' "devDependencies": {"laravel-vite-plugin": "^1.0", "vite": "^5.0"}}',
        "vite.config.js": "import laravel from 'laravel-vite-plugin';\nexport default { plugins: [laravel(['resources/js/app.js'])] };\n",
        "resources/js/app.js": "console.log('hi');\n", ".nvmrc": "20\n"}
    if lock:
        files[lock] = "{}\n" if lock.endswith(".json") else "lockfileVersion: '9.0'\n"
    p = build_profile(write_tree(tmp_path / "app", files))
    assert p.build.assets_install == install and p.build.assets_output == "public/build"
    assert p.build.assets_files == ["package.json"] + ([lock] if lock else [])
    assert p.build.node_version == "20"  # .nvmrc
    df = render.render(p)["Dockerfile"]
    assets = stages(df)[1]
    assert assets.startswith("FROM node:${NODE_VERSION}-bookworm-slim AS assets") and "ARG NODE_VERSION=20" in df
    assert "COPY --from=vendor /app/vendor ./vendor" in assets
    assert "COPY --from=assets /app/public/build /var/www/html/public/build/" in stages(df)[-1]
    assert "node" not in stages(df)[-1].split("COPY --from=assets")[0].lower()
    lint(df, tmp_path)


def test_a_package_json_without_a_front_end_plugin_builds_nothing(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "composer.json": '{"require": {"slim/slim": "^4.0"}}', "public/index.php": "<?php echo 1;",
        "package.json": '{"scripts": {"build": "tsc"}, "devDependencies": {"typescript": "^5.0"}}'}))
    assert p.build.assets_build == "" and "AS assets" not in render.render(p)["Dockerfile"]


@pytest.mark.parametrize("constraint, version", [
    ("^8.1", "8.4"), (">=8.1", "8.4"), ("~8.2.0", "8.2"), ("8.2.*", "8.2"), ("^8.4", "8.4"), ("8.*", "8.4"),
    (">=8.1 <8.3", "8.2"), ("^7.4|^8.0", "8.4"), ("^7.4 || ^8.1", "8.4"), ("8.1.2", "8.1"), ("*", "8.3"),
    ("^7.4", "8.1"), ("~8.0", "8.4"), ("8.0.*", "8.1"),
])
def test_php_version_from_constraint(constraint, version):
    assert php_version(constraint) == version


def test_platform_php_wins(tmp_path):
    root = write_tree(tmp_path, {
        "composer.json": '{"require": {"php": "^8.1"}, "config": {"platform": {"php": "8.2.10"}}}',
        "index.php": "<?php echo 'hi';",
    })
    assert build_profile(root).runtime_version == "8.2"


def test_packages_without_a_lock_warn_and_copy_only_the_manifest(tmp_path):
    root = write_tree(tmp_path, {
        "composer.json": '{"require": {"php": "^8.2", "slim/slim": "^4.12", "ext-gd": "*", "ext-redis": "*"}}',
        "public/index.php": "<?php require __DIR__ . '/../vendor/autoload.php';\n$dsn = $_SERVER['DATABASE_URL'] ?? '';",
    })
    p = build_profile(root)
    assert p.framework == "slim" and p.build.composer_files == ["composer.json"]
    assert any("composer.lock" in w for w in p.warnings)
    assert p.build.extensions == ["gd"] and p.build.pecl == ["redis"]
    assert [s.kind for s in p.services] == ["redis"]
    dockerfile = render.render(p)["Dockerfile"]
    assert "COPY composer.json ./" in dockerfile
    assert "docker-php-ext-configure gd --with-freetype --with-jpeg" in dockerfile
    assert "pecl install redis" in dockerfile and "docker-php-ext-enable opcache redis" in dockerfile
    assert "HTTP_HOST" not in p.build.pass_env
    lint(dockerfile, tmp_path)


def test_server_variables_are_not_settings(tmp_path):
    root = write_tree(tmp_path, {"index.php": "<?php echo $_SERVER['REQUEST_URI'], $_SERVER['HTTP_HOST'], getenv('HOME');"})
    assert build_profile(root).env == []


def test_unknown_extension_is_a_warning(tmp_path):
    root = write_tree(tmp_path, {"composer.json": '{"require": {"ext-frobnicate": "*"}}', "index.php": "<?php"})
    p = build_profile(root)
    assert any("frobnicate" in w for w in p.warnings)


@pytest.mark.parametrize("text, message", [
    ("{not json", "composer.json: invalid JSON"),
    ('["a list"]', "composer.json: expected a JSON object"),
    ('{"require": ["php"]}', 'composer.json: "require" must be an object'),
])
def test_broken_composer_json_is_a_clear_error(tmp_path, text, message):
    root = write_tree(tmp_path, {"composer.json": text, "index.php": "<?php"})
    with pytest.raises(AnalysisError, match=message.replace("[", r"\[").replace('"', '"')):
        build_profile(root, [("language", "php")])


def test_broken_composer_lock_is_a_clear_error(tmp_path):
    root = write_tree(tmp_path, {"composer.json": '{"require": {"monolog/monolog": "^3"}}', "composer.lock": "{",
                           "index.php": "<?php"})
    with pytest.raises(AnalysisError, match="composer.lock: invalid JSON"):
        build_profile(root)


# -- rendering --------------------------------------------------------------------
@pytest.mark.parametrize("fixture", ["php-plain", "php-root", "php-laravel"])
def test_rendered_dockerfile_is_hadolint_clean(tmp_path, fixture):
    files = render.render(profile_of(fixture))
    dockerfile = files["Dockerfile"]
    lint(dockerfile, tmp_path)
    assert "# syntax=" not in dockerfile and "alpine" not in dockerfile and "<<" not in dockerfile
    runtime = stages(dockerfile)[-1]
    assert runtime.startswith("FROM php:${PHP_VERSION}-apache-bookworm")
    assert "USER 33:33" in runtime and "EXPOSE 8080" in runtime
    assert "Listen 8080" in runtime and "<VirtualHost *:8080>" in runtime
    assert 'cp "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"' in runtime
    assert 'HEALTHCHECK' in runtime and 'CMD ["php", "-r", ' in runtime and "file_get_contents" in runtime
    assert "curl" not in runtime and "wget" not in runtime
    assert runtime.rstrip().endswith('CMD ["apache2-foreground"]')
    assert "vendor/" in files[".dockerignore"]


def test_laravel_dockerfile_structure(tmp_path):
    dockerfile = render.render(profile_of("php-laravel"))["Dockerfile"]
    vendor, runtime = stages(dockerfile)
    assert vendor.startswith("FROM composer:${COMPOSER_VERSION} AS vendor")
    # the lockfile and manifest are installed before the source is copied
    copy_manifests = vendor.index("COPY composer.json composer.lock ./")
    install = vendor.index("composer install --no-dev --no-scripts --no-autoloader --prefer-dist --no-interaction")
    copy_source = vendor.index("COPY . .")
    dump = vendor.index("composer dump-autoload --optimize")
    assert copy_manifests < install < copy_source < dump
    assert "--mount=type=cache,target=/tmp/cache" in vendor
    # extensions with their headers, which are purged again in the same layer
    assert "libicu-dev=72.* libpq-dev=15.* libicu72=72.* libpq5=15.*" in runtime
    assert 'docker-php-ext-install -j"$(nproc)" intl pdo_pgsql' in runtime
    assert "apt-get purge -y --auto-remove libicu-dev libpq-dev" in runtime
    assert "DocumentRoot)\\s.*$#\\1 /var/www/html/public#" in runtime
    assert "'<Directory /var/www/html/public>' '    AllowOverride All' '</Directory>'" in runtime
    assert "a2enmod rewrite" in runtime
    assert "COPY --from=vendor /app/vendor /var/www/html/vendor/" in runtime
    assert runtime.index("COPY . /var/www/html/") < runtime.index("COPY --from=vendor")
    assert "chown -R 33:33 /var/www/html/storage /var/www/html/bootstrap/cache" in runtime
    assert "'http://127.0.0.1:8080/up'" in runtime
    assert "PassEnv APP_NAME" in runtime and "DB_PASSWORD" in runtime


def test_laravel_compose_runs_postgres_with_secrets():
    files = render.render(profile_of("php-laravel"))
    doc = yaml.safe_load(files["compose.yaml"])
    app = doc["services"]["app"]
    assert "postgres" in doc["services"] and app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert set(app["secrets"]) == {"app_key", "db_password"}
    assert app["environment"]["DB_HOST"] == "${DB_HOST:-postgres}"
    assert app["command"] == ["apache2-foreground"] and app["ports"] == ["127.0.0.1:${HOST_PORT:-8080}:8080"]
    assert "var-www-html-storage:/var/www/html/storage" in app["volumes"]


def test_plain_site_without_packages_skips_composer_install():
    dockerfile = render.render(profile_of("php-plain"))["Dockerfile"]
    assert "composer install" not in dockerfile
    assert "composer dump-autoload --optimize" in dockerfile  # the PSR-4 autoloader is still built
    assert 'docker-php-ext-install -j"$(nproc)" bcmath' in dockerfile and "apt-get" not in dockerfile
    assert "PassEnv GREETING API_TOKEN" in dockerfile and "variables_order" not in dockerfile


def test_no_composer_json_is_a_single_stage():
    dockerfile = render.render(profile_of("php-root"))["Dockerfile"]
    assert len(stages(dockerfile)) == 1 and "composer" not in dockerfile.lower()
    assert "php_value variables_order \"EGPCS\"" in dockerfile
    assert "DocumentRoot)\\s.*$#\\1 /var/www/html#" in dockerfile


def test_inspect_json_round_trips():
    data = json.loads(json.dumps(profile_of("php-laravel").to_dict()))
    assert data["language"] == "php" and data["server"] is True


# -- values through names (parse trees) ---------------------------------------------------
def evidence(p, key: str, start: str):
    """(file, line, why) of the first evidence for `key` whose reason starts with `start`."""
    found = next(e for e in p.evidence[key] if e.why.startswith(start))
    return found.file, found.line, found.why


def test_values_fixture_resolves_names(tmp_path):
    p = profile_of("php-values")
    assert p.language == "php" and p.package_manager is None and p.build.docroot == "public"
    assert p.ports == [8080] and p.health_path == "/health.php"
    # $host = getenv('DB_HOST') ?: 'db'
    file, line, why = evidence(p, "env", "DB_HOST")
    assert (file, line) == ("lib/config.php", 17) and "default 'db'" in why
    # env_or('DB_PORT', DB_PORT_DEFAULT) with define('DB_PORT_DEFAULT', '3306')
    file, line, why = evidence(p, "env", "DB_PORT")
    assert (file, line) == ("lib/config.php", 18) and "env_or()" in why and "'3306'" in why
    # env_or('GREETING', DEFAULT_GREETING) with const DEFAULT_GREETING = 'hello'
    assert p.env_var("GREETING").default == "hello"
    assert evidence(p, "env", "GREETING")[:2] == ("public/index.php", 13)
    assert p.env_var("API_KEY").secret and p.env_var("DB_PASSWORD").secret
    # new PDO($dsn, ...) with $dsn = "mysql:host={$host};port=$port;dbname=$db"
    assert [s.kind for s in p.services] == ["mysql"]
    file, line, why = evidence(p, "services", "a PDO DSN")
    assert (file, line) == ("lib/config.php", 26)
    assert "mysql:host=${DB_HOST:db};port=${DB_PORT:3306};dbname=${DB_NAME:inventory}" in why
    assert "host from env DB_HOST (default db)" in why and "user from env DB_USER (default app)" in why
    # in compose the DSN's env vars point at the mysql service
    assert (p.env_var("DB_HOST").default, p.env_var("DB_NAME").default) == ("mysql", "app")
    assert p.build.extensions == ["pdo_mysql"]
    # file_put_contents(DATA_DIR . '/visits.txt') with const DATA_DIR = __DIR__ . '/../data'
    assert p.writable_paths == ["/var/www/html/data"]
    assert evidence(p, "writable_paths", "file_put_contents()")[:2] == ("public/index.php", 10)
    files = render.render(p)
    dockerfile = files["Dockerfile"]
    assert "PassEnv DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD GREETING API_KEY" in dockerfile
    assert "chown -R 33:33 /var/www/html/data" in dockerfile
    assert "mysql" in yaml.safe_load(files["compose.yaml"])["services"]
    lint(dockerfile, tmp_path)


def test_env_reads_in_their_common_forms(tmp_path):
    root = write_tree(tmp_path, {"index.php": """<?php
        namespace App;
        final class Config { const QUEUE = 'JOB_QUEUE'; }
        function setting($name, $fallback = 'none') { return $_ENV[$name] ?? $fallback; }
        $a = $_ENV['REGION'] ?? 'eu';
        $b = isset($_SERVER['MODE']) ? $_SERVER['MODE'] : 'blue';
        $c = getenv('LEVEL') !== false ? getenv('LEVEL') : 'info';
        $d = env('APP_DEBUG', false);
        $e = getenv(Config::QUEUE) ?: "jobs";
        $f = setting('COLOR', 'red');
        $g = (int) (getenv('WORKERS') ?: 4);
        $h = getenv($name);  // not a literal name
        $i = $_SERVER['REQUEST_METHOD'] ?? 'GET';  // set by the web server
        """})
    p = build_profile(root)
    defaults = {v.name: v.default for v in p.env}
    assert defaults == {"REGION": "eu", "MODE": "blue", "LEVEL": "info", "APP_DEBUG": "false",
                        "JOB_QUEUE": "jobs", "COLOR": "red", "WORKERS": "4"}
    assert p.build.env_superglobal  # $_ENV is read (also through setting())
    assert "setting()" in evidence(p, "env", "COLOR")[2]


def test_routes_and_connections(tmp_path):
    root = write_tree(tmp_path, {
        "composer.json": '{"require": {"php": "^8.2", "slim/slim": "^4.12"}}',
        "public/index.php": """<?php
            require __DIR__ . '/../vendor/autoload.php';
            $app->get('/', fn() => 'home');
            $app->get('/healthz', fn() => 'ok');
            $db = new \\mysqli(getenv('MYSQL_HOST') ?: 'mysql', 'app', getenv('MYSQL_PASSWORD'), 'shop');
            """,
    })
    p = build_profile(root)
    assert p.health_path == "/healthz"
    assert evidence(p, "health_path", "a health route")[:2] == ("public/index.php", 4)
    assert [s.kind for s in p.services] == ["mysql"] and p.build.extensions == ["mysqli"]
    assert "host from env MYSQL_HOST (default mysql), dbname shop" in evidence(p, "services", "mysqli")[2]


def test_laravel_health_route_from_with_routing(tmp_path):
    root = write_tree(tmp_path, {"artisan": "", "composer.json": '{"require": {"laravel/framework": "^11"}}',
                                 "bootstrap/app.php": """<?php
        return Application::configure(basePath: dirname(__DIR__))
            ->withRouting(web: __DIR__.'/../routes/web.php', health: '/up')
            ->create();
        """, "public/index.php": "<?php\n"})
    p = build_profile(root)
    assert p.health_path == "/up" and evidence(p, "health_path", "a health route")[0] == "bootstrap/app.php"


def test_huge_sources_are_read_in_linear_time(tmp_path):
    """A 1 MB single-line source and 60,000 blank lines: analysed in one pass each (no timing here,
    the per-test timeout catches a quadratic walk)."""
    one_line = "<?php " + " ".join(f"define('C{i}', '{i:06d}');" for i in range(45_000))
    assert len(one_line) > 1_000_000 and "\n" not in one_line
    blank = "<?php\n" + "\n" * 60_000 + "$x = getenv('LAST') ?: C12345;\n"
    p = build_profile(write_tree(tmp_path, {"big.php": one_line, "index.php": blank}))
    assert p.env_var("LAST").default == "012345"
    assert evidence(p, "env", "LAST")[:2] == ("index.php", 60_002)


def test_odd_paths_in_the_source_stay_out_of_the_generated_files(tmp_path):
    root = write_tree(tmp_path, {"index.php": r"""<?php
        file_put_contents("/srv/da ta\n/x.txt", 'a');
        mkdir('/srv/$(id)');
        mkdir(__DIR__ . '/../../etc');
        $log = fopen(__DIR__ . '/logs/app.log', 'a');
        $cfg = fopen('/srv/config.ini', 'r');  // only read
        """})
    p = build_profile(root)
    assert p.writable_paths == ["/var/www/html/logs"]
    lint(render.render(p)["Dockerfile"], tmp_path)


@pytest.mark.parametrize("procfile, docroot", [
    ("web: heroku-php-apache2 web/\n", "web"),                     # heroku php-getting-started
    ("web: vendor/bin/heroku-php-apache2 -C apache.conf site/\n", "site"),
    ("web: heroku-php-nginx -F fpm.conf\n", ""),                    # no folder: the project folder
    ("worker: php worker.php\nweb: heroku-php-apache2 ../etc\n", "public"),  # outside the project: ignored
])
def test_document_root_from_the_procfile(tmp_path, procfile, docroot):
    root = write_tree(tmp_path, {
        "composer.json": '{"require": {"php": "^8.1", "slim/slim": "^4.0"}}', "Procfile": procfile,
        "web/index.php": "<?php echo 'web';", "site/index.php": "<?php echo 'site';",
        "public/index.php": "<?php echo 'public';", "index.php": "<?php echo 'root';",
    })
    p = build_profile(root)
    assert p.build.docroot == docroot
    if docroot != "public":
        assert any(e.file == "Procfile" for e in p.evidence["entrypoint"])
    assert f"DocumentRoot)\\s.*$#\\1 /var/www/html{'/' + docroot if docroot else ''}#" in render.render(p)["Dockerfile"]


def test_a_framework_without_public_keeps_the_project_folder(tmp_path):
    root = write_tree(tmp_path, {"composer.json": '{"require": {"slim/slim": "^4.0"}}', "index.php": "<?php echo 1;"})
    p = build_profile(root)
    assert p.framework == "slim" and p.build.docroot == ""
    assert any("public/" in w for w in p.warnings)


def test_the_image_works_on_a_read_only_root(tmp_path):
    df = render.render(profile_of("php-plain"))["Dockerfile"]
    assert "ln -sfT /dev/stdout /var/log/apache2/other_vhosts_access.log" in df
    assert "chmod 1777 /var/run/apache2 /var/lock/apache2" in df


@pytest.mark.parametrize("status, healthy", [(200, True), (302, True), (401, True), (403, True), (404, False),
                                             (410, False), (500, False)])
def test_the_probe_treats_4xx_other_than_401_403_as_failure(status, healthy):
    import re as _re
    df = render.render(profile_of("php-plain"))["Dockerfile"]
    cond = _re.search(r"exit\(\$b !== false && (.*?) \? 0 : 1\)", df).group(1)
    expr = cond.replace("$s", str(status)).replace("||", " or ").replace("&&", " and ").replace("==", "==")
    assert eval(expr) is healthy  # the PHP condition is also a Python expression over integers


def test_symfony_asset_mapper_front_end_is_a_warning(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        "composer.json": '{"require": {"symfony/framework-bundle": "7.1.*", "symfony/asset-mapper": "7.1.*"}}',
        "public/index.php": "<?php\\n", ".env": "APP_ENV=dev\\nAPP_SECRET=\\n", "importmap.php": "<?php return [];\\n"}))
    assert p.framework == "symfony"
    assert any("asset-map:compile" in w and "importmap:install" in w for w in p.warnings)


# -- workers: queue, scheduler, Messenger, the Procfile's other processes ----------------------------
LARAVEL = {
    "artisan": "#!/usr/bin/env php\n<?php\n",
    "composer.json": '{"require": {"php": "^8.2", "laravel/framework": "^11.0"}}',
    "public/index.php": "<?php\n",
}


def test_a_laravel_app_with_a_database_queue_and_a_schedule_runs_a_worker_and_the_scheduler():
    p = profile_of("php-laravel-queue")
    assert [(w.name, w.command, w.file, w.line) for w in p.workers] == [
        ("queue", ["php", "artisan", "queue:work", "--tries=3"], ".env.example", 14),
        ("scheduler", ["php", "artisan", "schedule:work"], "routes/console.php", 10)]
    services = yaml.safe_load(render.render(p)["compose.yaml"])["services"]
    assert set(services) == {"app", "queue", "scheduler", "postgres"}
    for name in ("queue", "scheduler"):
        assert "ports" not in services[name] and services[name]["healthcheck"] == {"disable": True}
        assert services[name]["environment"] == services["app"]["environment"]


def test_a_sync_queue_has_no_worker_and_horizon_replaces_queue_work(tmp_path):
    sync = build_profile(write_tree(tmp_path / "sync", {**LARAVEL, ".env.example": "QUEUE_CONNECTION=sync\n"}))
    assert sync.workers == [] and any("jobs run in the request" in n.why for n in sync.evidence["workers"])
    literal = build_profile(write_tree(tmp_path / "literal", {
        **LARAVEL, "config/queue.php": "<?php\nreturn [\n    'default' => 'redis',\n];\n"}))
    assert [(w.name, w.file, w.line) for w in literal.workers] == [("queue", "config/queue.php", 3)]
    driver = build_profile(write_tree(tmp_path / "driver", {  # an older app's QUEUE_DRIVER
        **LARAVEL, "config/queue.php": "<?php\nreturn [\n    'default' => env('QUEUE_DRIVER', 'sync'),\n];\n"}))
    assert driver.workers == [] and any(n.why.startswith("the queue connection (QUEUE_DRIVER) is sync")
                                        and n.line == 3 for n in driver.evidence["workers"])
    nested = build_profile(write_tree(tmp_path / "nested", {
        **LARAVEL, "config/queue.php": "<?php\nreturn [\n    'default' => env('QUEUE_CONNECTION', "
                                       "env('QUEUE_DRIVER', 'redis')),\n];\n"}))
    assert [(w.name, w.why) for w in nested.workers] == [
        ("queue", "the queue connection is redis: a worker runs the queued jobs")]
    horizon = build_profile(write_tree(tmp_path / "horizon", {
        **LARAVEL, "composer.json": '{"require": {"php": "^8.2", "laravel/framework": "^11.0", '
                                    '"laravel/horizon": "^5.0"}}',
        ".env.example": "QUEUE_CONNECTION=redis\n"}))
    assert [(w.name, w.command) for w in horizon.workers] == [("horizon", ["php", "artisan", "horizon"])]


def test_the_console_kernels_schedule_and_a_procfile_worker(tmp_path):
    p = build_profile(write_tree(tmp_path, {
        **LARAVEL, ".env.example": "QUEUE_CONNECTION=database\n",
        "Procfile": "web: vendor/bin/heroku-php-apache2 public/\nworker: php artisan queue:work --queue=high,default\n",
        "app/Console/Kernel.php": "<?php\nnamespace App\\Console;\nclass Kernel extends ConsoleKernel\n{\n"
                                  "    protected function schedule(Schedule $schedule): void\n    {\n"
                                  "        $schedule->command('reports:send')->dailyAt('02:00');\n    }\n}\n"}))
    assert [(w.name, w.command, w.file, w.line) for w in p.workers] == [
        ("worker", ["php", "artisan", "queue:work", "--queue=high,default"], "Procfile", 2),
        ("scheduler", ["php", "artisan", "schedule:work"], "app/Console/Kernel.php", 7)]


def test_symfony_messenger_consumes_its_routed_asynchronous_transports(tmp_path):
    p = profile_of("php-symfony-messenger")
    assert [(w.name, w.command, w.file, w.line) for w in p.workers] == [
        ("messenger", ["php", "bin/console", "messenger:consume", "async"], "config/packages/messenger.yaml", 5)]
    services = yaml.safe_load(render.render(p)["compose.yaml"])["services"]
    assert services["messenger"]["secrets"] == services["app"]["secrets"]
    root = tmp_path / "sync"
    shutil.copytree(FIXTURES / "php-symfony-messenger", root)
    (root / "config/packages/messenger.yaml").write_text(
        "framework:\n    messenger:\n        transports:\n            async: 'sync://'\n"
        "            later: '%env(MESSENGER_TRANSPORT_DSN)%'\n"
        "        routing:\n            App\\Message\\NoteAdded: async\n")
    assert build_profile(root).workers == []  # `later` is no message's transport


def test_a_symfony_schedule_is_consumed_beside_the_messenger_transports(tmp_path):
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "php-symfony-messenger", root)
    composer = json.loads((root / "composer.json").read_text())
    composer["require"]["symfony/scheduler"] = "7.1.*"
    (root / "composer.json").write_text(json.dumps(composer))
    (root / "src/Scheduler").mkdir()
    (root / "src/Scheduler/Nightly.php").write_text(
        "<?php\nnamespace App\\Scheduler;\n\nuse Symfony\\Component\\Scheduler\\Attribute\\AsSchedule;\n\n"
        "#[AsSchedule('nightly')]\nfinal class Nightly\n{\n}\n")
    p = build_profile(root)
    assert [(w.command, w.file, w.line) for w in p.workers] == [
        (["php", "bin/console", "messenger:consume", "async", "scheduler_nightly"], "config/packages/messenger.yaml", 5)]
    assert p.workers[0].why == ("Symfony Messenger's async transport and the Scheduler's nightly schedule: handled "
                                "outside the request")
    (root / "config/packages/messenger.yaml").unlink()
    (root / "src/Scheduler/Nightly.php").write_text("<?php\n#[\\Symfony\\Component\\Scheduler\\Attribute\\AsSchedule]\n"
                                                    "final class Main\n{\n}\n")
    assert [(w.command, w.file, w.line) for w in build_profile(root).workers] == [
        (["php", "bin/console", "messenger:consume", "scheduler_default"], "src/Scheduler/Nightly.php", 2)]


# define('DB_PASS', ...) with a literal: the secret file compose gives the mysql service must hold it
PASSWORD_IN_CODE = ("application/core/Model.php:9 connects to mysql with a password written in the code: compose "
                    "gives the mysql service the password in ./secrets/mysql_password, so put the same value there, "
                    "or read the password from an env var (e.g. MYSQL_PASSWORD)")


def test_a_database_host_fixed_by_a_config_constant_is_warned_about(tmp_path):
    # define('DB_HOST', '127.0.0.1') in application/config/config.php, the DSN built in application/core/Model.php
    p = profile_of("php-mvc-config")
    assert p.framework is None and p.build.docroot == "public" and p.build.extensions == ["pdo_mysql"]
    assert [s.kind for s in p.services] == ["mysql"]
    conn = p.connections[0]
    assert (conn.host, conn.host_env, conn.database, conn.user) == ("127.0.0.1", None, "music", "music")
    assert p.warnings == ["application/core/Model.php:9 connects to mysql on 127.0.0.1 with no env var to change "
                          "it: in compose the mysql service is another host; read the host from an env var (e.g. "
                          "MYSQL_HOST)", PASSWORD_IN_CODE]
    lint(render.render(p)["Dockerfile"], tmp_path)


def test_a_database_host_from_the_environment_is_not_warned_about(tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "php-mvc-config", root)
    config = root / "application/config/config.php"
    config.write_text(config.read_text().replace("define('DB_HOST', '127.0.0.1');",
                                                 "define('DB_HOST', getenv('DB_HOST') ?: 'mysql');"))
    p = build_profile(root, [])
    assert [s.kind for s in p.services] == ["mysql"] and p.warnings == [PASSWORD_IN_CODE]  # no host warning


def test_laravel_optional_redis_url_and_auth_password_settings_are_no_secrets(tmp_path):
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "php-laravel-sqlite", root)
    write_tree(root, {"config/auth.php": """<?php

return [
    'defaults' => [
        'guard' => env('AUTH_GUARD', 'web'),
        'passwords' => env('AUTH_PASSWORD_BROKER', 'users'),
    ],
    'passwords' => [
        'users' => [
            'table' => env('AUTH_PASSWORD_RESET_TOKEN_TABLE', 'password_reset_tokens'),
        ],
    ],
    'password_timeout' => env('AUTH_PASSWORD_TIMEOUT', 10800),
];
""", "config/cache.php": """<?php

return [
    'redis' => [
        'url' => env('REDIS_URL'),
        'host' => env('REDIS_HOST', '127.0.0.1'),
        'password' => env('REDIS_PASSWORD'),
    ],
];
"""})
    p = build_profile(root, [])
    env = {e.name: e for e in p.env}
    assert env["AUTH_PASSWORD_BROKER"].default == "users" and not env["AUTH_PASSWORD_BROKER"].secret
    assert env["AUTH_PASSWORD_RESET_TOKEN_TABLE"].default == "password_reset_tokens"
    assert env["AUTH_PASSWORD_TIMEOUT"].default == "10800" and not env["AUTH_PASSWORD_TIMEOUT"].secret
    assert "REDIS_URL" not in env and env["REDIS_PASSWORD"].secret  # REDIS_HOST and friends are used without it
    assert {s.name for s in p.secrets} == {"APP_KEY", "DB_PASSWORD", "REDIS_PASSWORD"}


def test_symfony_messenger_dsn_without_credentials_is_a_setting_pointed_at_the_service():
    p = profile_of("php-symfony-messenger")
    var = p.env_var("MESSENGER_TRANSPORT_DSN")
    assert not var.secret and var.default == "redis://localhost:6379/messages"
    doc = yaml.safe_load(render.render(p)["compose.yaml"])
    assert doc["services"]["app"]["environment"]["MESSENGER_TRANSPORT_DSN"] == \
        "${MESSENGER_TRANSPORT_DSN:-redis://redis:6379/messages}"
    assert "messenger_transport_dsn" not in doc.get("secrets", {})
