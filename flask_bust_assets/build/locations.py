"""Where each file the manifest names lives on disk, and which URL serves it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from webassets.bundle import ContextWrapper

from ..core.manifest import ManifestData
from ..core.static import StaticRoot
from .webassets_api import flask_location


@dataclass(frozen=True)
class ManifestFile:
    """A file the manifest names: where it is on disk and where it is served."""

    abspath: str
    endpoint: str | None  # the static endpoint serving it; None for ASSETS_DIRECTORY outputs
    filename: str  # its name under that endpoint
    url_path: str  # for ASSETS_DIRECTORY outputs: the path under ASSETS_URL


def manifest_files(data: ManifestData, env: Any, roots: list[StaticRoot]) -> list[ManifestFile]:
    """Every file the manifest names, bundle outputs included."""
    ctx = ContextWrapper(env)
    found = []
    for outputs in data.bundles.values():
        for out in outputs:
            abspath = env.resolver.resolve_output_to_path(ctx, out.path, None)
            location = flask_location(ctx, out.path)
            if location is not None:
                found.append(ManifestFile(abspath, location[2], location[1], ""))
            else:  # ASSETS_DIRECTORY / ASSETS_URL: served where webassets says
                url = urlsplit(env.resolver.resolve_output_to_url(ctx, out.path)).path
                found.append(ManifestFile(abspath, None, out.path, url))
    folders = {root.endpoint: root.folder for root in roots}
    for endpoint, entries in data.files.items():
        for entry in entries.values():
            if endpoint in folders:
                abspath = os.path.join(folders[endpoint], *entry.path.split("/"))
                found.append(ManifestFile(abspath, endpoint, entry.path, ""))
    return found
