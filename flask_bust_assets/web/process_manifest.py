"""The manifest one server process answers from: read once at start-up, never switched."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from ..core import manifest
from ..core.manifest import ManifestData
from ..errors import ManifestError

logger = logging.getLogger("flask_bust_assets")

# True while a `flask assets` command loads the app: BUST_ASSETS_STRICT must not
# stop the very command that writes the missing manifest.
LOADING_FOR_COMMAND: ContextVar[bool] = ContextVar("flask_bust_assets_loading_for_command", default=False)


class ProcessManifest:
    """Each server process keeps answering from the manifest it started with: a worker
    that first renders after a new build must not switch while its siblings still
    serve the old one (rolling deploys, invariant 4)."""

    def __init__(self) -> None:
        self._data: ManifestData | None = None
        self._path = ""

    def preload(self, path: str, *, strict: bool) -> None:
        """Read the manifest now, at start-up, if there is one; under strict mode, insist.

        Absent or corrupt, URLs are resolved live (see ``usable``); a `flask assets`
        command, which loads the app too, must always be able to write a new one.
        """
        try:
            self.data(path)
        except ManifestError as exc:
            if strict and not LOADING_FOR_COMMAND.get():
                raise ManifestError(f"{exc} BUST_ASSETS_STRICT is on, so the app does not start without it.") from None

    def check_registered(self, names: list[str], *, strict: bool) -> None:
        """Under strict mode, refuse bundles the preloaded manifest does not know (a build is missing)."""
        if self._data is None or not strict or LOADING_FOR_COMMAND.get():
            return
        missing = [name for name in names if name not in self._data.bundles]
        if missing:
            raise ManifestError(
                f"Bundle {missing[0]!r} is registered but not in the manifest {self._path}. "
                "BUST_ASSETS_STRICT is on: run `flask assets build` before starting the app."
            )

    def data(self, path: str) -> ManifestData:
        """The manifest at ``path``, read once (again only if the setting names another file)."""
        if self._data is None or self._path != path:
            self._data = manifest.load(path)
            self._path = path
        return self._data

    def usable(self, path: str, *, quiet: bool) -> bool:
        """False without a readable manifest (a fresh checkout, a test suite): URLs are then computed live.

        One warning says so, naming the manifest and the fix; none when ``quiet``
        (``app.testing``, where this is the expected way to run).
        """
        try:
            self.data(path)
        except ManifestError as exc:
            if not quiet:
                logger.warning(
                    "%s Until then asset URLs are computed from the sources on each change, "
                    "as in development (set BUST_ASSETS_STRICT = True to refuse to start instead).",
                    exc,
                )
            return False
        return True
