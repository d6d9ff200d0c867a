"""Cache busting for Flask-Assets: content-hashed bundles, a manifest, safe minifiers."""

from __future__ import annotations

from . import cli as _cli  # noqa: F401  (our `flask assets` commands, on Flask-Assets' group)
from .errors import (
    BuildError,
    BustAssetsError,
    BustAssetsWarning,
    ConfigError,
    ManifestError,
    MinifyWarning,
    UnknownAssetError,
    UnknownBundleError,
    UnknownStaticFileError,
)
from .web.bundles import Bundle
from .web.extension import BustAssets

__all__ = [
    "BuildError",
    "Bundle",
    "BustAssets",
    "BustAssetsError",
    "BustAssetsWarning",
    "ConfigError",
    "ManifestError",
    "MinifyWarning",
    "UnknownAssetError",
    "UnknownBundleError",
    "UnknownStaticFileError",
]
