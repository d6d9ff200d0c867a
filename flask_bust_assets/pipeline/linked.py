"""Bundles without ``output=``: each source is linked on its own, under its digested name.

Stock Flask-Assets renders one URL per source for such a bundle, unfiltered.
So do we, but each URL is the source's digested static URL (the same one
``url_for('static', ...)`` gives), with its integrity.
"""

from __future__ import annotations

import os

from ..core.manifest import BundleOutput
from ..core.static import StaticRoot, locate, url_of
from ..errors import BuildError
from .digester import Digester


def link_hint(name: str, filters: object) -> str:
    """The build warning for a bundle without output, naming what it costs and the fix."""
    ignored = f"; its filters ({filters}) are not applied" if filters else ""
    return (
        f"bundle {name!r} has no output, so each source is linked on its own{ignored}. "
        f"Give it one to merge them into one file, e.g. output='gen/{name}.%(version)s.css'."
    )


def link_missing(path: str, roots: list[StaticRoot], name: str) -> tuple[BundleOutput, str]:
    """(manifest entry, warning) of a source that does not exist: linked under its plain name,
    as stock Flask-Assets and Flask link it; the entry's empty digest says nothing was written."""
    located = locate(roots, path)
    if located is None:  # outside every static folder (ASSETS_LOAD_PATH): stock fails too
        raise BuildError(
            f"source file {path} does not exist; fix the path in the bundle or create the file", bundle=name
        )
    root, logical = located
    prefix = _prefix(root)
    warning = (
        f"bundle {name!r}: source file {prefix + logical} does not exist in its static folder; linked under "
        f"its plain URL, {url_of(root, logical)}, which answers 404 until it does"
    )
    return BundleOutput(path=prefix + logical, digest="", integrity="", size=0, source_size=0), warning


def _prefix(root: StaticRoot) -> str:
    """Flask-Assets names a blueprint's files "<blueprint>/<path>" (its resolver's split_prefix)."""
    return "" if root.endpoint == "static" else root.endpoint.removesuffix(".static") + "/"


def link_source(path: str, digester: Digester, name: str) -> tuple[str, bytes | None, BundleOutput]:
    """(where the digested copy goes, its bytes or None to leave the file be, manifest entry)."""
    try:
        digested = digester.file(path, for_bundle=True)
    except BuildError as exc:
        raise BuildError(
            f"{exc}; a bundle without output can only link files of a static folder", bundle=name
        ) from None
    entry = BundleOutput(
        path=_prefix(digested.root) + digested.path,
        digest=digested.digest,
        integrity=digested.integrity,
        size=digested.size,
        source_size=os.path.getsize(path),
        query=digested.query,
    )
    # Under query-string versioning the source itself is served: nothing to write.
    data = digested.read() if digested.path != digested.logical else None
    return digested.abspath, data, entry
