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
from collections.abc import Iterator, Mapping
from typing import Any

from webassets.bundle import Bundle, wrap

from ..core.files import write_atomic
from ..core.stamps import still_valid
from ..minify.engines import distribution_version, engine_versions
from .sources import lookup

FILE = "flask-bust-assets-build.json"  # bundles, and what the last build's manifest and trees were
FILES = "flask-bust-assets-files.json"  # one record per static file: read only when a file changed


class BuildCache:
    """Bundle results and static digests of the last build, keyed by stamps."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.path = os.path.join(folder, FILE) if folder else None
        self.bundles: dict[str, Any] = {}
        # [fingerprint of the manifest's contents, *stamp of its file] as the last build wrote it
        self.manifest: list[Any] = []
        # [fingerprint of the static scan, of the output folder's names, of the settings]
        self.tree: list[str] = []
        self.owner = ""  # the app whose build wrote that manifest (core/claims.py), by import name
        self.variants = ""  # the qualities the variants beside the outputs were made at (pipeline.py)
        self.files = Records(os.path.join(folder, FILES) if folder else None)
        self._changed = False
        doc = _read(self.path)
        if doc is not None:
            self.bundles = dict(doc["bundles"])
            self.manifest, self.tree = list(doc.get("manifest", [])), list(doc.get("tree", []))
            self.owner = str(doc.get("owner", ""))
            self.variants = str(doc.get("variants", ""))
        else:
            self.files.path = None  # no header: records of another release, or none
        self._saved = (list(self.manifest), list(self.tree), self.owner, self.variants)

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
        """Write what changed (atomically): the digester's ``files``, then the rest."""
        if self.path is None:
            return
        # Records reused as loaded are the same objects: this compares by identity, cheaply.
        records_changed = not self.files.loaded or files != self.files.as_dict()
        if records_changed:
            write_atomic(os.path.join(str(self.folder), FILES), _dump({"files": files}))
        if records_changed or self._changed or self._saved != (self.manifest, self.tree, self.owner, self.variants):
            doc = {
                "bundles": self.bundles, "manifest": self.manifest, "tree": self.tree, "owner": self.owner,
                "variants": self.variants,
            }  # fmt: skip
            write_atomic(self.path, _dump(doc))


class Records(Mapping[str, Any]):
    """The static-file records of the last build, read from disk on first use: a build that
    finds nothing changed never reads them (a third of a no-op build at 20,000 files)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._records: dict[str, Any] | None = None

    @property
    def loaded(self) -> bool:
        """True once the records were read (or found absent)."""
        return self._records is not None

    def as_dict(self) -> dict[str, Any]:
        """The records, read if need be."""
        return self._load()

    def _load(self) -> dict[str, Any]:
        if self._records is None:
            doc = _read(self.path)
            self._records = dict(doc["files"]) if doc is not None else {}
        return self._records

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The record of ``key`` (one dict lookup: the digester asks once per file)."""
        return self._load().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _read(path: str | None) -> dict[str, Any] | None:
    """A cache document of this release, or None (absent, damaged or another release's)."""
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
        # A new release may build differently: its cache starts empty.
        return doc if doc.get("version") == distribution_version("flask-bust-assets") else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged cache is an empty one


def _dump(doc: dict[str, Any]) -> bytes:
    return json.dumps({"version": distribution_version("flask-bust-assets"), **doc}, sort_keys=True).encode("utf-8")


def definition_key(env: Any, name: str, settings: Any, bundle: Bundle | None = None) -> str:
    """A hash of everything besides file contents that decides a bundle's output.

    Taken before the filters are set up (their options then come from
    ``settings.options``), so a build and the next one compute it alike.
    ``bundle``: this one instead of the registered bundle ``name``.
    """
    bundle = lookup(env, name) if bundle is None else bundle
    leaves = [(_describe(leaf), [f.id() for f in extra]) for leaf, extra, _ in bundle.iterbuild(wrap(env, bundle))]
    # Each engine's release too: installing tdewolff-minify changes what the default engine writes.
    return hashlib.sha256(repr((settings, engine_versions(), leaves)).encode("utf-8")).hexdigest()


def _describe(bundle: Bundle) -> Any:
    contents = [_describe(c) if isinstance(c, Bundle) else c for c in bundle.contents]
    return (contents, bundle.output, [f.id() for f in bundle.filters], bundle.depends)
