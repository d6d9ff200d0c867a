"""BustAssets: the Flask extension. The one place that reads configuration."""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask
from flask_assets import Environment
from webassets.bundle import ContextWrapper

from . import filters as _filters  # noqa: F401  (registers bust_cssmin / bust_jsmin)
from . import manifest
from .build import BuildSettings, build_bundle, source_stamp, write_files
from .digest import DEFAULT_ALGORITHM, DEFAULT_LENGTH, check_algorithm
from .errors import ConfigError
from .manifest import BundleOutput
from .resolver import LiveResolver, ManifestResolver, Resolver
from .templating import STATE_KEY, BustAssetsExtension, asset_tags, asset_url
from .versioning import BustManifest, ContentHashVersion

VERSIONING_MODES = ("filename", "query")


@dataclass(frozen=True)
class Settings:
    """Everything this package reads from ``app.config``, validated once."""

    build: BuildSettings
    auto_build: bool


class BustState:
    """Per-app state, kept in ``app.extensions["bust_assets"]``."""

    def __init__(self, app: Flask, env: BustAssets) -> None:
        self.env = env
        self._app = app
        self._settings: Settings | None = None
        self._resolver: Resolver | None = None

    @property
    def settings(self) -> Settings:
        """The validated settings, read from config on first use."""
        if self._settings is None:
            self._settings = read_settings(self._app)
        return self._settings

    @property
    def resolver(self) -> Resolver:
        """The manifest resolver in production, the live resolver with auto_build."""
        if self._resolver is None:
            settings = self.settings
            if settings.auto_build:
                self._resolver = LiveResolver(build=self._build_live, stamp=lambda name: source_stamp(self.env, name))
            else:
                path = settings.build.manifest_path
                self._resolver = ManifestResolver(manifest.load(path), manifest_path=path)
        return self._resolver

    def urls(self, name: str) -> list[tuple[str, BundleOutput]]:
        """(URL, manifest entry) for every output of bundle ``name``."""
        ctx = ContextWrapper(self.env)
        result = []
        for entry in self.resolver.bundle_outputs(name):
            url = self.env.resolver.resolve_output_to_url(ctx, entry.path)
            result.append((f"{url}?{entry.query}" if entry.query else url, entry))
        return result

    def _build_live(self, name: str) -> tuple[BundleOutput, ...]:
        result = build_bundle(self.env, name, self.settings.build)
        if result.error is not None:
            raise result.error
        write_files(result, self.settings.build)
        return result.outputs


class BustAssets(Environment):  # type: ignore[misc]
    """A drop-in for ``flask_assets.Environment`` that busts caches by content hash.

    ``BustAssets(app)`` binds to one app as Flask-Assets does; ``BustAssets()``
    plus ``init_app(app)`` serves any number of apps from one set of bundles.
    """

    def __init__(self, app: Flask | None = None) -> None:
        # Initialise unbound so webassets' own defaults (auto_build=True,
        # versions='hash', ...) do not land in app.config before ours.
        super().__init__(None)
        if app is not None:
            self.app = app
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Set config defaults, the template tag and globals, and the CLI on ``app``."""
        if STATE_KEY in app.extensions:
            raise RuntimeError(
                "BustAssets is already initialised on this app. Call init_app() once per app; "
                "use app.extensions['bust_assets'] to reach the existing state."
            )
        config = app.config
        config.setdefault("BUST_ASSETS_MANIFEST", os.path.join(app.root_path, "assets-manifest.json"))
        config.setdefault("BUST_ASSETS_VERSIONING", "filename")
        config.setdefault("BUST_ASSETS_DIGEST_ALGORITHM", DEFAULT_ALGORITHM)
        config.setdefault("BUST_ASSETS_DIGEST_LENGTH", DEFAULT_LENGTH)
        config.setdefault("BUST_ASSETS_KEEP_LICENCE", True)
        # Production unless the app runs in debug mode: a server must not
        # build on request, and must fail loudly when the manifest is missing.
        config.setdefault("ASSETS_AUTO_BUILD", app.debug)
        # webassets' default puts its cache in the static folder, where anyone can download it.
        config.setdefault("ASSETS_CACHE", os.path.join(app.instance_path, "webassets-cache"))
        config.setdefault("ASSETS_MANIFEST", BustManifest())
        config.setdefault("ASSETS_VERSIONS", ContentHashVersion())
        config.setdefault("ASSETS_URL_EXPIRE", config["BUST_ASSETS_VERSIONING"] == "query")

        app.jinja_env.add_extension(BustAssetsExtension)
        app.jinja_env.assets_environment = self  # type: ignore[attr-defined]
        app.jinja_env.globals.update(asset_url=asset_url, asset_tags=asset_tags)
        app.extensions[STATE_KEY] = BustState(app, self)

        from .cli import assets_group

        app.cli.add_command(assets_group)


def read_settings(app: Flask) -> Settings:
    """Read and validate every setting; ConfigError names the key and the fix."""
    config = app.config
    versioning = config["BUST_ASSETS_VERSIONING"]
    if versioning not in VERSIONING_MODES:
        raise ConfigError(f"BUST_ASSETS_VERSIONING is {versioning!r}; use 'filename' (default) or 'query'.")
    algorithm = str(config["BUST_ASSETS_DIGEST_ALGORITHM"])
    try:
        length = int(config["BUST_ASSETS_DIGEST_LENGTH"])
    except (TypeError, ValueError):
        raise ConfigError("BUST_ASSETS_DIGEST_LENGTH must be a whole number, e.g. 16.") from None
    check_algorithm(algorithm, length)
    manifest_path = os.path.abspath(config["BUST_ASSETS_MANIFEST"])
    _refuse_inside_static(app, "BUST_ASSETS_MANIFEST", manifest_path)
    cache = config.get("ASSETS_CACHE")
    if isinstance(cache, str):
        _refuse_inside_static(app, "ASSETS_CACHE", os.path.abspath(cache))
    return Settings(
        build=BuildSettings(manifest_path=manifest_path, versioning=versioning, algorithm=algorithm, length=length),
        auto_build=bool(config["ASSETS_AUTO_BUILD"]),
    )


def _refuse_inside_static(app: Flask, key: str, path: str) -> None:
    folders = [app.static_folder] + [bp.static_folder for bp in app.blueprints.values()]
    for folder in filter(None, folders):
        root = os.path.realpath(folder)
        if os.path.commonpath([root, os.path.realpath(path)]) == root:
            raise ConfigError(
                f"{key} is {path}, inside the static folder {root}, where anyone could download it; "
                "set it to a path outside every static folder."
            )
