"""Flask-Assets' own FLASK_ASSETS_USE_CDN / _S3 / _AZURE: honoured as BUST_ASSETS_CDN_URL, or refused in one line.

Read by settings.py, the one place that looks at ``app.config``, with the values it checked.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError


def stock_cdn_url(config: Any, own: str | None, output_folder: str) -> str | None:
    """BUST_ASSETS_CDN_URL, or Flask-CDN's domain where Flask-Assets' FLASK_ASSETS_USE_CDN asks for it.

    Flask-CDN is a pull CDN in front of the app, which serves every digested file
    at the path it renders, so stock's setting keeps its meaning. Flask-S3 and
    Flask-Azure-Storage upload the static folder, which holds none of the files a
    build writes: honoured, they would link 404s, so they are refused.
    """
    if config.get("FLASK_ASSETS_USE_S3"):
        bucket = config.get("FLASKS3_BUCKET_NAME") or "yourbucket"
        prefix = str(config.get("FLASKS3_PREFIX") or "").strip("/")
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
            f"and after flask assets build upload the output folder {output_folder} to that container."
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
    url = f"{scheme}://{config.get('FLASKS3_CDN_DOMAIN') or host}/{str(config.get('FLASKS3_PREFIX') or '').strip('/')}"
    return url.rstrip("/")


def _azure_url(config: Any) -> str:
    """The URL Flask-Azure-Storage gives the container's folder."""
    keys = ("AZURE_STORAGE_DOMAIN", "AZURE_STORAGE_CONTAINER_NAME", "AZURE_STORAGE_VIRTUAL_FOLDER_NAME")
    path = "/".join(str(config[key]).strip("/") for key in keys if config.get(key))
    scheme = "https" if config.get("AZURE_STORAGE_USE_HTTPS", True) else "http"
    return f"{scheme}://{path or 'youraccount.blob.core.windows.net/yourcontainer'}"
