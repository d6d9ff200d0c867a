"""Read and validate configuration: the one place that looks at ``app.config``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask import Flask

from ..core.digest import check_algorithm
from ..core.manifest import manifest_path
from ..core.static import StaticRoot, installed
from ..errors import ConfigError, closest
from ..pipeline.bundle import BuildSettings
from ..pipeline.variants import DEFAULT_BROTLI_QUALITY, DEFAULT_STATIC_BROTLI_QUALITY
from .checks import check_all, checked
from .stock_settings import stock_cdn_url

# Read by the filters straight from config; listed here so that a change rebuilds.
OUTPUT_KEYS = ("BUST_ASSETS_CSS_ENGINE", "BUST_ASSETS_JS_ENGINE", "BUST_ASSETS_KEEP_LICENCE", "BUST_ASSETS_INVALID_JS")


@dataclass(frozen=True)
class StaticSettings:
    """How ``url_for('static')`` URLs and CSS references are busted."""

    enabled: bool
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    lazy_folders: tuple[str, ...]  # folder names whose files are digested only when referenced
    lazy_roots: tuple[str, ...]  # endpoints of static folders digested only when referenced
    missing_static: str
    missing_reference: str
    static_problems: str  # a static file digested for no bundle: its problems are warnings, or errors
    invalid_js: str  # a JavaScript syntax error fails the build ("error") or is served unminified ("warn")
    serve: bool  # the WSGI layer answers digested files (immutable headers, variants)
    plain_max_age: int  # seconds, for static files served under their plain name
    allow_origin: str | None  # Access-Control-Allow-Origin of digested files; None sends none


@dataclass(frozen=True)
class PublishSettings:
    """Where `flask assets publish` puts files, and the CDN URL that serves them."""

    bucket: str | None
    prefix: str
    endpoint_url: str | None
    region: str | None
    cdn_url: str | None  # e.g. https://cdn.example.com/assets: asset URLs become absolute to it
    workers: int


@dataclass(frozen=True)
class Settings:
    """Everything this package reads from ``app.config``, validated once."""

    build: BuildSettings
    static: StaticSettings
    auto_build: bool
    cache_folder: str | None  # ASSETS_CACHE when it is a folder path (our build cache lives there too)
    strict: bool  # BUST_ASSETS_STRICT: no start without a manifest; missing static files are errors
    debug: bool  # ASSETS_DEBUG: source URLs, through webassets' own path
    publish: PublishSettings


def static_roots(app: Flask, output_folder: str) -> list[StaticRoot]:
    """The app's static folder and every blueprint's, with the URL prefix serving each
    and the folder of ``output_folder`` its generated files go to."""
    candidates = [("static", app.static_folder)] + [
        (f"{name}.static", bp.static_folder) for name, bp in app.blueprints.items()
    ]
    roots = []
    for endpoint, folder in candidates:
        rules = list(app.url_map.iter_rules(endpoint)) if endpoint in app.view_functions else []
        if folder and rules:
            prefix = rules[0].rule.split("<", 1)[0]
            prefix = prefix if prefix.endswith("/") else prefix + "/"
            output = os.path.join(output_folder, *filter(None, prefix.split("/")))
            roots.append(StaticRoot(endpoint, os.path.realpath(folder), prefix, os.path.realpath(output)))
    return roots


def config_relative(config: Any, path: str) -> str:
    """``path`` made absolute as Flask's ``config.from_pyfile`` does: against the app's root
    folder (the instance folder with ``instance_relative_config``), never the current
    directory, so a build run from the repository root and a server started in the app's
    folder agree on where the files are."""
    return os.path.abspath(os.path.join(getattr(config, "root_path", None) or os.getcwd(), path))


def output_folder(config: Any) -> str:
    """BUST_ASSETS_OUTPUT_FOLDER as an absolute path."""
    folder: str = checked(config, "BUST_ASSETS_OUTPUT_FOLDER")
    return config_relative(config, folder)


def configured_manifest(config: Any) -> str:
    """BUST_ASSETS_MANIFEST, by default ``assets-manifest.json`` in the output folder."""
    configured = checked(config, "BUST_ASSETS_MANIFEST")
    return manifest_path(output_folder(config), configured and config_relative(config, configured))


def cache_folder(app: Flask) -> str | None:
    """The folder of webassets' cache: ASSETS_CACHE as a path, or the default for ``True``.

    webassets puts a cache set to ``True`` in the static folder, where anyone can
    download it (and the sources it holds): ``True`` means the instance folder's,
    as the default does. A cache object of webassets' kinds counts by its folder.
    """
    value = checked(app.config, "ASSETS_CACHE")
    if value is True:
        return os.path.join(app.instance_path, "webassets-cache")
    if isinstance(value, str):
        return os.path.abspath(value)
    folder = getattr(value, "directory", None)
    return os.path.abspath(folder) if isinstance(folder, str) else None


def is_strict(app: Flask) -> bool:
    """BUST_ASSETS_STRICT in production, read alone: at start-up, before the rest is validated."""
    config = app.config
    return checked(config, "BUST_ASSETS_STRICT", False) and not checked(config, "ASSETS_AUTO_BUILD", False)


def read_settings(app: Flask) -> Settings:
    """Read and validate every setting; ConfigError names the key, the value and what is accepted."""
    config = app.config
    check_all(config)
    strict = checked(config, "BUST_ASSETS_STRICT", False)
    algorithm = checked(config, "BUST_ASSETS_DIGEST_ALGORITHM")
    length = checked(config, "BUST_ASSETS_DIGEST_LENGTH")
    check_algorithm(algorithm, length)
    output = output_folder(config)
    _check_output_folder(app, output)
    manifest = configured_manifest(config)
    _refuse_inside_static(app, "BUST_ASSETS_MANIFEST", manifest)
    cache = cache_folder(app)
    if cache is not None:
        _refuse_inside_static(app, "ASSETS_CACHE", cache)
    static = StaticSettings(
        enabled=checked(config, "BUST_ASSETS_STATIC"),
        include=checked(config, "BUST_ASSETS_STATIC_INCLUDE", ()),
        exclude=checked(config, "BUST_ASSETS_STATIC_EXCLUDE", ()),
        lazy_folders=_folder_names(config),
        lazy_roots=_lazy_roots(app),
        missing_static=checked(config, "BUST_ASSETS_MISSING_STATIC") or ("error" if strict else "warn"),
        missing_reference=checked(config, "BUST_ASSETS_MISSING_REFERENCE"),
        static_problems=checked(config, "BUST_ASSETS_STATIC_PROBLEMS"),
        invalid_js=checked(config, "BUST_ASSETS_INVALID_JS"),
        serve=checked(config, "BUST_ASSETS_SERVE"),
        plain_max_age=checked(config, "BUST_ASSETS_PLAIN_MAX_AGE"),
        allow_origin=checked(config, "BUST_ASSETS_ALLOW_ORIGIN"),
    )
    return Settings(
        build=BuildSettings(
            manifest_path=manifest,
            output_folder=output,
            versioning=checked(config, "BUST_ASSETS_VERSIONING"),
            algorithm=algorithm,
            length=length,
            options=(
                *((key, config.get(key)) for key in OUTPUT_KEYS),
                ("BUST_ASSETS_MISSING_REFERENCE", static.missing_reference),
            ),
            brotli_quality=checked(config, "BUST_ASSETS_BROTLI_QUALITY", DEFAULT_BROTLI_QUALITY),
            static_brotli_quality=checked(config, "BUST_ASSETS_STATIC_BROTLI_QUALITY", DEFAULT_STATIC_BROTLI_QUALITY),
            modules=checked(config, "BUST_ASSETS_MODULES", ()),
            imports=checked(config, "BUST_ASSETS_IMPORTS", {}),
        ),
        static=static,
        auto_build=checked(config, "ASSETS_AUTO_BUILD"),
        cache_folder=cache,
        strict=strict,
        debug=bool(checked(config, "ASSETS_DEBUG", False)),
        publish=PublishSettings(
            bucket=checked(config, "BUST_ASSETS_S3_BUCKET"),
            prefix=_prefix(checked(config, "BUST_ASSETS_S3_PREFIX") or ""),
            endpoint_url=checked(config, "BUST_ASSETS_S3_ENDPOINT_URL"),
            region=checked(config, "BUST_ASSETS_S3_REGION"),
            cdn_url=stock_cdn_url(config, checked(config, "BUST_ASSETS_CDN_URL"), output),
            workers=checked(config, "BUST_ASSETS_PUBLISH_WORKERS", 8),
        ),
    )


def _prefix(value: str) -> str:
    """``assets`` / ``/assets/`` -> ``assets/``: keys never start with a slash."""
    value = str(value).strip("/")
    return f"{value}/" if value else ""


def _folder_names(config: Any) -> tuple[str, ...]:
    key = "BUST_ASSETS_STATIC_LAZY_FOLDERS"
    names: tuple[str, ...] = checked(config, key, ("node_modules", "bower_components"))
    bad = [n for n in names if not n or "/" in n or "\\" in n or n in (".", "..")]
    if bad:
        raise ConfigError(f"{key} holds {bad[0]!r}; list folder names without slashes, e.g. ['node_modules'].")
    return names


def _lazy_roots(app: Flask) -> tuple[str, ...]:
    """Endpoints of the static folders digested only when referenced: by default those of
    blueprints that installed packages bring (Bootstrap-Flask's, Flask-DebugToolbar's), not the app's own."""
    key = "BUST_ASSETS_STATIC_LAZY_BLUEPRINTS"
    value = checked(app.config, key)
    with_static = {name: bp for name, bp in app.blueprints.items() if bp.static_folder}
    if value is None:
        own = app.import_name.split(".", 1)[0]
        names = [
            name
            for name, bp in with_static.items()
            if bp.import_name.split(".", 1)[0] != own and installed(str(bp.static_folder))
        ]
        return tuple(f"{name}.static" for name in names)
    names = list(value)
    for name in names:
        if name not in with_static:
            hint = closest(name, with_static) or f" Blueprints with a static folder: {', '.join(sorted(with_static))}."
            raise ConfigError(f"{key} names {name!r}, which is no blueprint with a static folder.{hint}")
    return tuple(f"{name}.static" for name in names)


def _refuse_inside_static(app: Flask, key: str, path: str) -> None:
    folders = [app.static_folder] + [bp.static_folder for bp in app.blueprints.values()]
    for folder in filter(None, folders):
        root = os.path.realpath(folder)
        if os.path.commonpath([root, os.path.realpath(path)]) == root:
            raise ConfigError(
                f"{key} is {path}, inside the static folder {root}, where anyone could download it; "
                "set it to a path outside every static folder."
            )


def _check_output_folder(app: Flask, output: str) -> None:
    """The output folder holds only what builds write: apart from every static folder and the code."""
    real = os.path.realpath(output)
    folders = [app.static_folder] + [bp.static_folder for bp in app.blueprints.values()]
    for folder in filter(None, folders):
        root = os.path.realpath(folder)
        common = os.path.commonpath([root, real])
        if common in (root, real):
            raise ConfigError(
                f"BUST_ASSETS_OUTPUT_FOLDER is {output}, which overlaps the static folder {root}; a build "
                "never writes into the sources. Set it to a folder of its own, e.g. "
                "os.path.join(app.instance_path, 'assets').",
            )
    code = os.path.realpath(app.root_path)
    if os.path.commonpath([code, real]) == real:
        raise ConfigError(
            f"BUST_ASSETS_OUTPUT_FOLDER is {output}, which holds the app's code ({code}); set it to a folder "
            "of its own, e.g. os.path.join(app.instance_path, 'assets')."
        )
