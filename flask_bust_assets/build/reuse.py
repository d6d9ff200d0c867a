"""What the last build learnt, so the next one redoes only what changed.

Kept in webassets' cache folder (``ASSETS_CACHE``): deleting it only costs time.
A bundle is reused when its definition and settings (its definition key), the
size and mtime of every source and every file its CSS references, and its
outputs on disk are all as the last build left them; the static-file digests
are reused the same way (see Digester(remembered=...)).
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from webassets.bundle import Bundle, wrap

from ..core.files import write_atomic
from ..core.stamps import still_valid
from ..minify.engines import distribution_version
from .sources import lookup

FILE = "flask-bust-assets-build.json"


class BuildCache:
    """Bundle results and static digests of the last build, keyed by stamps."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.path = os.path.join(folder, FILE) if folder else None
        self.bundles: dict[str, Any] = {}
        self.files: dict[str, Any] = {}
        # [fingerprint of the manifest's contents, *stamp of its file] as the last build wrote it
        self.manifest: list[Any] = []
        self._changed = False
        if self.path and os.path.isfile(self.path):
            try:
                with open(self.path, encoding="utf-8") as handle:
                    doc = json.load(handle)
                # A new release may build differently: its cache starts empty.
                if doc.get("version") == distribution_version("flask-bust-assets"):
                    self.bundles, self.files = dict(doc["bundles"]), dict(doc["files"])
                    self.manifest = list(doc.get("manifest", []))
            except (OSError, ValueError, KeyError, TypeError):
                pass  # a damaged cache is an empty one
        self._loaded_manifest = list(self.manifest)

    def bundle(self, name: str, definition_key: str) -> dict[str, Any] | None:
        """The last build of ``name`` if nothing it depends on changed, else None."""
        entry = self.bundles.get(name)
        if entry is None or entry["definition_key"] != definition_key:
            return None
        if not still_valid(entry["stamps"]):
            return None
        if not all(os.path.isfile(path) for path in entry["abspaths"]):
            return None
        return dict(entry)

    def remember(self, name: str, entry: dict[str, Any]) -> None:
        """Record a successful build of ``name``."""
        self.bundles[name] = entry
        self._changed = True

    def save(self, files: dict[str, Any]) -> None:
        """Write the cache (atomically), with the digester's ``files``, unless nothing changed."""
        if self.path is None or (not self._changed and files == self.files and self.manifest == self._loaded_manifest):
            return
        doc = {
            "version": distribution_version("flask-bust-assets"),
            "bundles": self.bundles,
            "files": files,
            "manifest": self.manifest,
        }
        write_atomic(self.path, json.dumps(doc, sort_keys=True).encode("utf-8"))


def definition_key(env: Any, name: str, settings: Any) -> str:
    """A hash of everything besides file contents that decides a bundle's output.

    Taken before the filters are set up (their options then come from
    ``settings.options``), so a build and the next one compute it alike.
    """
    bundle = lookup(env, name)
    leaves = [(_describe(leaf), [f.id() for f in extra]) for leaf, extra, _ in bundle.iterbuild(wrap(env, bundle))]
    return hashlib.sha256(repr((settings, leaves)).encode("utf-8")).hexdigest()


def _describe(bundle: Bundle) -> Any:
    contents = [_describe(c) if isinstance(c, Bundle) else c for c in bundle.contents]
    return (contents, bundle.output, [f.id() for f in bundle.filters], bundle.depends)
