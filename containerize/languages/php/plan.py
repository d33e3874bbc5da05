"""How a PHP app is served: the fields ``php/Dockerfile.j2`` reads as ``b.<field>``."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...plan import BuildPlan

WORKDIR = "/var/www/html"


@dataclass
class PhpPlan(BuildPlan):
    workdir: str = WORKDIR
    docroot: str = ""  # Apache's document root under workdir: "", public, web or webroot
    composer: bool = False  # a Composer stage builds vendor/ (packages and/or the autoloader)
    composer_install: bool = False  # composer.json requires packages
    composer_files: list[str] = field(default_factory=list)  # composer.json and composer.lock, as present
    extensions: list[str] = field(default_factory=list)  # docker-php-ext-install
    pecl: list[str] = field(default_factory=list)  # pecl install
    configure: dict[str, str] = field(default_factory=dict)  # docker-php-ext-configure options
    pass_env: list[str] = field(default_factory=list)  # env vars Apache passes to PHP (PassEnv)
    env_superglobal: bool = False  # $_ENV is read: variables_order needs E
    htaccess: bool = False  # AllowOverride All and mod_rewrite
    laravel: bool = False  # storage/ and bootstrap/cache/ writable
    scratch_dirs: list[str] = field(default_factory=list)  # written, not kept: owned by www-data, tmpfs in compose
    # the front end built by Node in its own stage (Laravel's Vite plugin, Symfony's Webpack Encore): its
    # install and build commands, the manifests copied first, the folder copied into the image, Node's version
    assets_install: str = ""
    assets_build: str = ""
    assets_files: list[str] = field(default_factory=list)
    assets_output: str = ""
    node_version: str = ""
    dotenv_stub: bool = False  # Symfony's runtime needs a .env file; the settings come from the environment

