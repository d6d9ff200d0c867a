"""The webassets Version and Manifest this package plugs in, thin over digest.py.

Our own build (processor.py) computes versions itself; these classes make the stock
webassets paths (ad-hoc bundles written in templates, ``bundle.urls()``) name
files by content hash too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webassets.bundle import has_placeholder
from webassets.merge import FileHunk
from webassets.version import Manifest, Version, VersionIndeterminableError

from ..core import manifest
from ..core.digest import DEFAULT_ALGORITHM, DEFAULT_LENGTH, content_digest
from ..core.manifest import ManifestData
from ..errors import ManifestError
from .webassets_api import named_bundles


class ContentHashVersion(Version):  # type: ignore[misc]
    """Version = digest of the final output bytes, identical on every machine.

    Algorithm and length come from BUST_ASSETS_DIGEST_ALGORITHM/_LENGTH at call
    time, so one instance serves every app.
    """

    def determine_version(self, bundle: Any, ctx: Any, hunk: Any = None) -> str:
        """Digest ``hunk`` if given, else the existing output file."""
        if hunk is None:
            if has_placeholder(bundle.output):
                raise VersionIndeterminableError(
                    f"the output {bundle.output!r} has a %(version)s placeholder and no "
                    "manifest knows it: run `flask assets build`"
                )
            hunk = FileHunk(bundle.resolve_output(ctx))
        algorithm = ctx.get("BUST_ASSETS_DIGEST_ALGORITHM") or DEFAULT_ALGORITHM
        length = int(ctx.get("BUST_ASSETS_DIGEST_LENGTH") or DEFAULT_LENGTH)
        return content_digest(hunk.data().encode("utf-8"), algorithm, length)


class BustManifest(Manifest):  # type: ignore[misc]
    """webassets' view of our JSON manifest (``BUST_ASSETS_MANIFEST``).

    processor.py writes that file once every output exists; this class lets
    webassets' own paths (``assets["name"].urls()``, ad-hoc template bundles)
    read the digests it holds. Versions webassets builds itself are only
    remembered in memory, so they never race with our atomic manifest writes.
    """

    def __init__(self, locate: Callable[[], str] | None = None) -> None:
        self._locate = locate  # the app's manifest path, as its settings resolve it (relative paths too)
        self._remembered: dict[str, str] = {}
        self._loaded: dict[str, ManifestData] = {}

    def remember(self, bundle: Any, ctx: Any, version: str) -> None:
        """Keep ``version`` for the bundle's output pattern, in this process."""
        self._remembered[bundle.output] = version

    def query(self, bundle: Any, ctx: Any) -> str | None:
        """The digest the JSON manifest holds for this registered bundle, if any."""
        if bundle.output in self._remembered:
            return self._remembered[bundle.output]
        folder = ctx.get("BUST_ASSETS_OUTPUT_FOLDER")
        if not folder:
            return None
        path = self._locate() if self._locate else manifest.manifest_path(folder, ctx.get("BUST_ASSETS_MANIFEST"))
        if ctx.auto_build or path not in self._loaded:
            try:
                self._loaded[path] = manifest.load(path)
            except ManifestError:
                return None  # webassets then asks the versioner; a build replaces the file

        for name, registered in named_bundles(ctx.environment).items():
            if registered is bundle:
                outputs = self._loaded[path].bundles.get(name, ())
                return outputs[0].digest if len(outputs) == 1 else None
        return None
