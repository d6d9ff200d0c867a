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
        self.path = os.path.join(folder, FILE) if folder else None
        self.bundles: dict[str, Any] = {}
        self.files: dict[str, Any] = {}
        if self.path and os.path.isfile(self.path):
            try:
                with open(self.path, encoding="utf-8") as handle:
                    doc = json.load(handle)
                # A new release may build differently: its cache starts empty.
                if doc.get("version") == distribution_version("flask-bust-assets"):
                    self.bundles, self.files = dict(doc["bundles"]), dict(doc["files"])
            except (OSError, ValueError, KeyError, TypeError):
                pass  # a damaged cache is an empty one

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

    def save(self, files: dict[str, Any]) -> None:
        """Write the cache (atomically), with the digester's ``files``."""
        if self.path is None:
            return
        doc = {"version": distribution_version("flask-bust-assets"), "bundles": self.bundles, "files": files}
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
