"""Answers "which files for bundle X": one interface for production and development.

Templates call ``bundle_outputs`` and never learn which resolver runs. Stdlib only:
the live resolver is handed its build and change-detection functions.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Hashable
from typing import Protocol

from .errors import BustAssetsWarning, UnknownAssetError
from .manifest import BundleOutput, ManifestData

Outputs = tuple[BundleOutput, ...]


class Resolver(Protocol):
    """What templates need: the built outputs of a named bundle."""

    def bundle_outputs(self, name: str) -> Outputs:
        """The outputs of bundle ``name``; raise UnknownAssetError if there is none."""
        ...


class ManifestResolver:
    """Production: every answer comes from the manifest loaded once, in memory."""

    def __init__(self, data: ManifestData, *, manifest_path: str) -> None:
        self._bundles = dict(data.bundles)
        self._manifest_path = manifest_path

    def bundle_outputs(self, name: str) -> Outputs:
        """Look ``name`` up in memory; no file-system call."""
        try:
            return self._bundles[name]
        except KeyError:
            raise UnknownAssetError(
                f"Bundle {name!r} is not in the manifest {self._manifest_path}. "
                "Register it with assets.register() and run `flask assets build`."
            ) from None


class LiveResolver:
    """Development: rebuild a bundle when its sources change, then answer from memory.

    ``stamp(name)`` must be cheap (file sizes and mtimes); ``build(name)`` runs
    only when the stamp differs from the one of the last build in this process.
    """

    def __init__(self, *, build: Callable[[str], Outputs], stamp: Callable[[str], Hashable]) -> None:
        self._build = build
        self._stamp = stamp
        self._known: dict[str, tuple[Hashable, Outputs]] = {}
        # The development server is threaded: one build per bundle at a time.
        self._lock = threading.Lock()

    def bundle_outputs(self, name: str) -> Outputs:
        """Return fresh outputs, building first if any source changed."""
        stamp = self._stamp(name)
        known = self._known.get(name)
        if known is not None and known[0] == stamp:
            return known[1]
        with self._lock:
            known = self._known.get(name)
            if known is not None and known[0] == stamp:
                return known[1]
            outputs = self._build(name)
            self._known[name] = (stamp, outputs)
            return outputs


StaticLookup = Callable[[str, str], "tuple[str, str] | None"]


class StaticResolver:
    """Answers ``url_for('static', filename=...)``: the digested filename and query.

    ``lookup(endpoint, filename)`` is a dict lookup in production and a live
    digest in development; ``passes(endpoint, filename)`` says a name is fine
    as it is (already digested, excluded, a bundle output). Anything else is
    handled by the ``missing`` policy: "error" (default) or "warn".
    """

    def __init__(self, lookup: StaticLookup, *, passes: Callable[[str, str], bool], missing: str, hint: str) -> None:
        self._lookup = lookup
        self._passes = passes
        self._missing = missing
        self._hint = hint

    def static_file(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """(filename, query) to build the URL with, or None to leave it as asked."""
        found = self._lookup(endpoint, filename)
        if found is not None or self._passes(endpoint, filename):
            return found
        message = f"Static file {filename!r} (endpoint {endpoint!r}) {self._hint}"
        if self._missing == "warn":
            warnings.warn(message + " Serving it under its plain name.", BustAssetsWarning, stacklevel=4)
            return None
        raise UnknownAssetError(
            message + " Set BUST_ASSETS_MISSING_STATIC = 'warn' to serve such files under their plain name."
        )
