"""Answers "which files for bundle X": one interface for production and development.

Templates call ``bundle_outputs`` and never learn which resolver runs. The live
resolver is handed its build and change-detection functions.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Protocol

from ..core.manifest import BundleOutput, ManifestData
from ..errors import UnknownBundleError, closest
from ..pipeline.template_bundles import named

Outputs = tuple[BundleOutput, ...]
logger = logging.getLogger("flask_bust_assets")
WARNED_LIMIT = 10_000  # names asked for by requests must not grow memory forever


class Resolver(Protocol):
    """What templates need: the built outputs of a named bundle."""

    def bundle_outputs(self, name: str) -> Outputs:
        """The outputs of bundle ``name``; raise UnknownAssetError if there is none."""
        ...


class ManifestResolver:
    """Production: every answer comes from the manifest loaded once, in memory."""

    def __init__(self, data: ManifestData, *, manifest_path: str, registered: Callable[[], list[str]]) -> None:
        self._bundles = dict(data.bundles)
        self._manifest_path = manifest_path
        self._registered = registered

    def bundle_outputs(self, name: str) -> Outputs:
        """Look ``name`` up in memory; no file-system call."""
        try:
            return self._bundles[name]
        except KeyError:
            registered = self._registered()
            if name in registered:
                fix = "It was registered after the last build: run `flask assets build`."
            else:
                fix = "Register it with assets.register() and run `flask assets build`."
            raise UnknownBundleError(
                f"Bundle {name!r} is not in the manifest {self._manifest_path}."
                f"{closest(name, [*named(self._bundles), *registered])} {fix}"
            ) from None


class LiveResolver:
    """Development: rebuild a bundle when its sources change, then answer from memory.

    ``snapshot(name)`` must be cheap (the stamps of its sources); ``build(name)``
    runs only when the snapshot differs from the one of the last build in this process.
    """

    def __init__(self, *, build: Callable[[str], Outputs], snapshot: Callable[[str], Hashable]) -> None:
        self._build = build
        self._snapshot = snapshot
        self._built: dict[str, tuple[Hashable, Outputs]] = {}
        # The development server is threaded: one build per bundle at a time.
        self._lock = threading.Lock()

    def bundle_outputs(self, name: str) -> Outputs:
        """Return fresh outputs, building first if any source changed."""
        snapshot = self._snapshot(name)
        built = self._built.get(name)
        if built is not None and built[0] == snapshot:
            return built[1]
        with self._lock:
            built = self._built.get(name)
            if built is not None and built[0] == snapshot:
                return built[1]
            outputs = self._build(name)
            self._built[name] = (snapshot, outputs)
            return outputs
