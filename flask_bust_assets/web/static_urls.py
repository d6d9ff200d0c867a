"""``url_for('static', filename=...)``: the digested name, one class per mode."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from ..core.manifest import StaticFile
from ..errors import UnknownStaticFileError

logger = logging.getLogger("flask_bust_assets")
WARNED_LIMIT = 10_000  # names asked for by requests must not grow memory forever

Files = Mapping[str, Mapping[str, StaticFile]]  # the manifest's files: endpoint -> logical path -> entry
Passes = Callable[[str, str], bool]  # (endpoint, filename) is fine as it is: digested already, excluded, an output


class StaticUrls(Protocol):
    """What the url_defaults hook asks."""

    def static_file(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """(filename, query) for ``url_for(endpoint, filename=...)``, or None to leave it as asked."""
        ...


class MissingStatic:
    """A selected file nobody knows: "warn" (the plain URL, as Flask links it, and one
    logged warning per name) or "error" (BUST_ASSETS_STRICT)."""

    def __init__(self, policy: str, hint: str) -> None:
        self._policy = policy
        self._hint = hint
        self._warned: set[tuple[str, str]] = set()

    def __call__(self, endpoint: str, filename: str, detail: str = "") -> None:
        """Warn once per name (or raise); ``detail`` says why, in place of the hint."""
        message = f"Static file {filename!r} (endpoint {endpoint!r}) {detail or self._hint}"
        if self._policy == "error":
            raise UnknownStaticFileError(
                message + " Set BUST_ASSETS_MISSING_STATIC = 'warn' to link such files under their plain name."
            )
        if (endpoint, filename) not in self._warned and len(self._warned) < WARNED_LIMIT:
            self._warned.add((endpoint, filename))
            logger.warning("%s Linking it under its plain name.", message)


class ManifestStaticUrls:
    """Production: one dictionary lookup for every name the manifest knows."""

    def __init__(
        self, files: Mapping[str, Mapping[str, StaticFile]], *, passes: Passes, missing: MissingStatic
    ) -> None:
        self._files = {
            (ep, logical): (f.path, f.query) for ep, entries in files.items() for logical, f in entries.items()
        }
        self._passes = passes
        self._missing = missing

    def static_file(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """The manifest's answer; anything else passes as it is or is missing."""
        found = self._files.get((endpoint, filename))
        if found is None and not self._passes(endpoint, filename):
            self._missing(endpoint, filename)
        return found


class LiveStaticUrls:
    """Development, or no manifest yet: digest the file when asked (again whenever it changes)."""

    def __init__(
        self, digest: Callable[[str, str], tuple[str, str] | None], *, passes: Passes, missing: MissingStatic
    ) -> None:
        self._digest = digest
        self._passes = passes
        self._missing = missing

    def static_file(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """Never digests what passes as it is: a bundle output would get a second digest."""
        if self._passes(endpoint, filename):
            return None
        found = self._digest(endpoint, filename)
        if found is None:
            self._missing(endpoint, filename)
        return found


class PlainStaticUrls:
    """BUST_ASSETS_STATIC = False: url_for is left alone."""

    def static_file(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """Always None: the plain URL."""
        return None
