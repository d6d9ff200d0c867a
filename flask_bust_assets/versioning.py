"""The webassets Version and Manifest this package plugs in, thin over digest.py.

Our own build (build.py) computes versions itself; these classes make the stock
webassets paths (ad-hoc bundles written in templates, ``bundle.urls()``) name
files by content hash too.
"""

from __future__ import annotations

from typing import Any

from webassets.bundle import has_placeholder
from webassets.merge import FileHunk
from webassets.version import Manifest, Version, VersionIndeterminableError

from .digest import DEFAULT_ALGORITHM, DEFAULT_LENGTH, content_digest


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


class MemoryManifest(Manifest):  # type: ignore[misc]
    """Remembers versions the stock webassets paths built in this process.

    The JSON manifest that production reads is written by build.py, which knows
    every output of a build before it writes any of it; this class only serves
    webassets' own ``remember``/``query`` calls for ad-hoc template bundles.
    """

    def __init__(self) -> None:
        self._versions: dict[str, str] = {}

    def remember(self, bundle: Any, ctx: Any, version: str) -> None:
        """Keep ``version`` for the bundle's output pattern."""
        self._versions[bundle.output] = version

    def query(self, bundle: Any, ctx: Any) -> str | None:
        """The version remembered for the bundle's output pattern, if any."""
        return self._versions.get(bundle.output)
