"""Cache busting for Flask-Assets: content-hashed bundles, a manifest, safe minifiers."""

from __future__ import annotations

from .errors import BuildError, BustAssetsError, ConfigError, ManifestError, MinifyWarning, UnknownAssetError
from .web.bundles import Bundle
from .web.extension import BustAssets

__all__ = [
    "BuildError",
    "Bundle",
    "BustAssets",
    "BustAssetsError",
    "ConfigError",
    "ManifestError",
    "MinifyWarning",
    "UnknownAssetError",
]
