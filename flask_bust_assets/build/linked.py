"""Bundles without ``output=``: each source is linked on its own, under its digested name.

Stock Flask-Assets renders one URL per source for such a bundle, unfiltered.
So do we, but each URL is the source's digested static URL (the same one
``url_for('static', ...)`` gives), with its integrity.
"""

from __future__ import annotations

import os

from ..core.manifest import BundleOutput
from ..errors import BuildError
from .digester import Digester


def link_hint(name: str, filters: object) -> str:
    """The build warning for a bundle without output, naming what it costs and the fix."""
    ignored = f"; its filters ({filters}) are not applied" if filters else ""
    return (
        f"bundle {name!r} has no output, so each source is linked on its own{ignored}. "
        f"Give it one to merge them into one file, e.g. output='gen/{name}.%(version)s.css'."
    )


def link_source(path: str, digester: Digester, name: str) -> tuple[str, bytes | None, BundleOutput]:
    """(where the digested copy goes, its bytes or None to leave the file be, manifest entry)."""
    try:
        digested = digester.file(path, for_bundle=True)
    except BuildError as exc:
        raise BuildError(
            f"{exc}; a bundle without output can only link files of a static folder", bundle=name
        ) from None
    root = digested.root
    # Flask-Assets names a blueprint's files "<blueprint>/<path>" (its resolver's split_prefix).
    prefix = "" if root.endpoint == "static" else root.endpoint.removesuffix(".static") + "/"
    entry = BundleOutput(
        path=prefix + digested.path,
        digest=digested.digest,
        integrity=digested.integrity,
        size=digested.size,
        source_size=os.path.getsize(path),
        query=digested.query,
    )
    # Under query-string versioning the source itself is served: nothing to write.
    data = digested.read() if digested.path != digested.logical else None
    return digested.abspath, data, entry
