"""Read and validate configuration: the one place that looks at ``app.config``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask import Flask

from ..build.bundle import BuildSettings
from ..build.variants import DEFAULT_BROTLI_QUALITY
from ..core.digest import check_algorithm
from ..core.manifest import manifest_path
from ..core.static import StaticRoot
from ..errors import ConfigError

VERSIONING_MODES = ("filename", "query")
POLICIES = ("error", "warn")
# Read by the filters straight from config; listed here so that a change rebuilds.
OUTPUT_KEYS = ("BUST_ASSETS_CSS_ENGINE", "BUST_ASSETS_JS_ENGINE", "BUST_ASSETS_KEEP_LICENCE", "BUST_ASSETS_INVALID_JS")


@dataclass(frozen=True)
class StaticSettings:
    """How ``url_for('static')`` URLs and CSS references are busted."""

    enabled: bool
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    missing_static: str
    missing_reference: str
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


def output_folder(config: Any) -> str:
    """BUST_ASSETS_OUTPUT_FOLDER as an absolute path."""
    return os.path.abspath(str(config["BUST_ASSETS_OUTPUT_FOLDER"]))


def configured_manifest(config: Any) -> str:
    """BUST_ASSETS_MANIFEST, by default ``assets-manifest.json`` in the output folder."""
    return manifest_path(output_folder(config), config.get("BUST_ASSETS_MANIFEST"))


def cache_folder(app: Flask) -> str | None:
    """The folder of webassets' cache: ASSETS_CACHE as a path, or the default for ``True``.

    webassets puts a cache set to ``True`` in the static folder, where anyone can
    download it (and the sources it holds): ``True`` means the instance folder's,
    as the default does. A cache object of webassets' kinds counts by its folder.
    """
    value = app.config.get("ASSETS_CACHE")
    if value is True:
        return os.path.join(app.instance_path, "webassets-cache")
    if isinstance(value, str):
        return os.path.abspath(value)
    folder = getattr(value, "directory", None)
    return os.path.abspath(folder) if isinstance(folder, str) else None


def is_strict(app: Flask) -> bool:
    """BUST_ASSETS_STRICT in production, read alone: at start-up, before the rest is validated."""
    return bool(app.config.get("BUST_ASSETS_STRICT")) and not app.config.get("ASSETS_AUTO_BUILD")


def read_settings(app: Flask) -> Settings:
    """Read and validate every setting; ConfigError names the key and the fix."""
    config = app.config
    strict = bool(config.get("BUST_ASSETS_STRICT", False))
    versioning = _choice(config, "BUST_ASSETS_VERSIONING", VERSIONING_MODES)
    algorithm = str(config["BUST_ASSETS_DIGEST_ALGORITHM"])
    try:
        length = int(config["BUST_ASSETS_DIGEST_LENGTH"])
    except (TypeError, ValueError):
        raise ConfigError("BUST_ASSETS_DIGEST_LENGTH must be a whole number, e.g. 16.") from None
    check_algorithm(algorithm, length)
    output = output_folder(config)
    _check_output_folder(app, output)
    manifest = configured_manifest(config)
    _refuse_inside_static(app, "BUST_ASSETS_MANIFEST", manifest)
    cache = cache_folder(app)
    if cache is not None:
        _refuse_inside_static(app, "ASSETS_CACHE", cache)
    static = StaticSettings(
        enabled=bool(config["BUST_ASSETS_STATIC"]),
        include=_globs(config, "BUST_ASSETS_STATIC_INCLUDE"),
        exclude=_globs(config, "BUST_ASSETS_STATIC_EXCLUDE"),
        missing_static=_choice(config, "BUST_ASSETS_MISSING_STATIC", POLICIES, "error" if strict else "warn"),
        missing_reference=_choice(config, "BUST_ASSETS_MISSING_REFERENCE", POLICIES),
        invalid_js=_choice(config, "BUST_ASSETS_INVALID_JS", POLICIES, "error"),
        serve=bool(config["BUST_ASSETS_SERVE"]),
        plain_max_age=_seconds(config, "BUST_ASSETS_PLAIN_MAX_AGE"),
        allow_origin=str(config.get("BUST_ASSETS_ALLOW_ORIGIN") or "") or None,
    )
    return Settings(
        build=BuildSettings(
            manifest_path=manifest,
            output_folder=output,
            versioning=versioning,
            algorithm=algorithm,
            length=length,
            options=(
                *((key, config.get(key)) for key in OUTPUT_KEYS),
                ("BUST_ASSETS_MISSING_REFERENCE", static.missing_reference),
            ),
            brotli_quality=_brotli_quality(config),
            modules=_globs(config, "BUST_ASSETS_MODULES", kind="logical paths", example="['js/app.js']"),
            imports=_imports(config),
        ),
        static=static,
        auto_build=bool(config["ASSETS_AUTO_BUILD"]),
        cache_folder=cache,
        strict=strict,
        debug=bool(config.get("ASSETS_DEBUG", False)),
        publish=PublishSettings(
            bucket=config.get("BUST_ASSETS_S3_BUCKET") or None,
            prefix=_prefix(config.get("BUST_ASSETS_S3_PREFIX") or ""),
            endpoint_url=config.get("BUST_ASSETS_S3_ENDPOINT_URL") or None,
            region=config.get("BUST_ASSETS_S3_REGION") or None,
            cdn_url=_cdn_url(config),
            workers=max(1, int(config.get("BUST_ASSETS_PUBLISH_WORKERS", 8))),
        ),
    )


def _cdn_url(config: Any) -> str | None:
    """BUST_ASSETS_CDN_URL, or Flask-CDN's domain where Flask-Assets' FLASK_ASSETS_USE_CDN asks for it.

    Flask-CDN is a pull CDN in front of the app, which serves every digested file
    at the path it renders, so stock's setting keeps its meaning. Flask-S3 and
    Flask-Azure-Storage upload the static folder, which holds none of the files a
    build writes: honoured, they would link 404s, so they are refused.
    """
    own = (config.get("BUST_ASSETS_CDN_URL") or "").rstrip("/") or None
    if config.get("FLASK_ASSETS_USE_S3"):
        bucket = config.get("FLASKS3_BUCKET_NAME") or "yourbucket"
        prefix = _prefix(config.get("FLASKS3_PREFIX") or "").rstrip("/")
        ours = f"BUST_ASSETS_S3_BUCKET = {bucket!r}" + (f", BUST_ASSETS_S3_PREFIX = {prefix!r}" if prefix else "")
        raise ConfigError(
            "FLASK_ASSETS_USE_S3 is on, but Flask-S3 uploads the static folder, which holds none of the digested "
            f"files a build writes: drop it, set {ours} and BUST_ASSETS_CDN_URL = "
            f"{own or _flask_s3_url(config, bucket)!r}, and run flask assets publish after flask assets build."
        )
    if config.get("FLASK_ASSETS_USE_AZURE"):
        raise ConfigError(
            "FLASK_ASSETS_USE_AZURE is on, but Flask-Azure-Storage uploads the static folder, which holds none of "
            f"the digested files a build writes: drop it, set BUST_ASSETS_CDN_URL = {own or _azure_url(config)!r}, "
            f"and after flask assets build upload the output folder {output_folder(config)} to that container."
        )
    if not config.get("FLASK_ASSETS_USE_CDN"):
        return own
    domain = str(config.get("CDN_DOMAIN") or "").strip("/")
    if not domain:
        raise ConfigError(
            "FLASK_ASSETS_USE_CDN is on but CDN_DOMAIN is not set; set BUST_ASSETS_CDN_URL = "
            "'https://cdn.example.com' (and drop FLASK_ASSETS_USE_CDN) to serve assets from a CDN."
        )
    # As Flask-Assets renders Flask-CDN's URLs: https only when CDN_HTTPS is True, else
    # scheme-relative; none at all under CDN_DEBUG (Flask-CDN's default: the app's debug).
    stock = ("https:" if config.get("CDN_HTTPS") is True else "") + f"//{domain}"
    if own is not None and own != stock:
        raise ConfigError(
            f"BUST_ASSETS_CDN_URL is {own!r} but FLASK_ASSETS_USE_CDN points at {stock!r}; "
            "drop FLASK_ASSETS_USE_CDN and keep BUST_ASSETS_CDN_URL."
        )
    return None if config.get("CDN_DEBUG", config.get("DEBUG")) else stock


def _flask_s3_url(config: Any, bucket: str) -> str:
    """The URL Flask-S3 gives the bucket, by its settings and defaults: what our publish mirrors."""
    domain = config.get("FLASKS3_BUCKET_DOMAIN") or "s3.amazonaws.com"
    host = f"{domain}/{bucket}" if config.get("FLASKS3_URL_STYLE") == "path" else f"{bucket}.{domain}"
    scheme = "https" if config.get("FLASKS3_USE_HTTPS", True) else "http"
    url = f"{scheme}://{config.get('FLASKS3_CDN_DOMAIN') or host}/{_prefix(config.get('FLASKS3_PREFIX') or '')}"
    return url.rstrip("/")


def _azure_url(config: Any) -> str:
    """The URL Flask-Azure-Storage gives the container's folder."""
    keys = ("AZURE_STORAGE_DOMAIN", "AZURE_STORAGE_CONTAINER_NAME", "AZURE_STORAGE_VIRTUAL_FOLDER_NAME")
    path = "/".join(str(config[key]).strip("/") for key in keys if config.get(key))
    scheme = "https" if config.get("AZURE_STORAGE_USE_HTTPS", True) else "http"
    return f"{scheme}://{path or 'youraccount.blob.core.windows.net/yourcontainer'}"


def _choice(config: Any, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
    """``config[key]``, one of ``choices``; None (unset) gives ``default``."""
    value = config.get(key)
    if value is None and default is not None:
        return default
    if value not in choices:
        listed = " or ".join(repr(c) for c in choices)
        hint = f"the default is {default!r}" if default else "the first is the default"
        raise ConfigError(f"{key} is {value!r}; use {listed} ({hint}).")
    return str(value)


def _prefix(value: str) -> str:
    """``assets`` / ``/assets/`` -> ``assets/``: keys never start with a slash."""
    value = str(value).strip("/")
    return f"{value}/" if value else ""


def _brotli_quality(config: Any) -> int:
    value = config.get("BUST_ASSETS_BROTLI_QUALITY", DEFAULT_BROTLI_QUALITY)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 11:
        raise ConfigError(f"BUST_ASSETS_BROTLI_QUALITY is {value!r}; use a whole number from 0 to 11.")
    return value


def _seconds(config: Any, key: str) -> int:
    try:
        value = int(config[key])
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise ConfigError(f"{key} must be a whole number of seconds, 0 or more (it is {config[key]!r}).")
    return value


def _globs(
    config: Any, key: str, kind: str = "glob patterns", example: str = "['img/*', '*.woff2']"
) -> tuple[str, ...]:
    value = config.get(key, ())
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of {kind}, e.g. {example}.")
    return tuple(value)


def _imports(config: Any) -> tuple[tuple[str, str], ...]:
    value = config.get("BUST_ASSETS_IMPORTS") or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConfigError(
            "BUST_ASSETS_IMPORTS must map bare import names to logical paths, e.g. {'htmx.org': 'vendor/htmx.esm.js'}."
        )
    return tuple(sorted(value.items()))


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
