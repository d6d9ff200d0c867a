"""Which digested file a URL path names: the manifest's at start-up, others checked on disk."""

from __future__ import annotations

import os
import threading

from werkzeug.security import safe_join

from ..core.digest import content_digest, split_digested_path
from ..core.static import StaticRoot
from .responses import Asset, prepare

# Files of the manifest up to this size are served from memory, within a budget per process.
INLINE_MAX = 256 * 1024
INLINE_BUDGET = 64 * 1024 * 1024


class DigestedLookup:
    """URL path -> the prepared responses of a digested file (a dict lookup in production).

    Answers for the static URL prefixes only: an Asset; False for a digested-looking
    name whose bytes on disk do not hash to its digest (a made-up digest is a 404,
    never other bytes under an immutable URL); True for a plain static name (Flask
    serves it); None for any other path. A name the manifest does not know, such
    as a newer build's on a shared disk (rolling deploys), is served once its bytes
    are checked (once per file version).
    """

    def __init__(
        self,
        roots: list[StaticRoot],
        known: dict[str, str],
        *,
        verifier: DigestVerifier,
        length: int,
        cors: str | None,
    ) -> None:
        self._roots = sorted(roots, key=lambda r: len(r.url_prefix), reverse=True)  # longest prefix first
        self._known = known  # URL path -> file on disk, for every digested file the manifest names
        self._prepared: dict[str, Asset] = {}
        self._verifier = verifier
        self._length = length
        self._cors = cors
        self._lock = threading.Lock()
        self._inline_left = INLINE_BUDGET

    def __call__(self, path: str) -> Asset | bool | None:
        """See the class docstring."""
        asset = self._prepared.get(path)
        if asset is not None:
            return asset
        root = next((r for r in self._roots if path.startswith(r.url_prefix)), None)
        if root is None:
            return None
        filename = path[len(root.url_prefix) :]
        split = split_digested_path(filename, self._length)
        if split is None:
            return True
        abspath = self._known.get(path)
        if abspath is None:
            candidate = safe_join(root.folder, filename)
            if candidate is None or not os.path.isfile(candidate):
                return None  # Flask's static view answers 404 as usual
            if not self._verifier.matches(candidate, split[1]):
                return False
            return prepare(candidate, split[1], cors=self._cors)  # checked per request: it may change
        with self._lock:
            prepared = prepare(abspath, split[1], cors=self._cors, inline=min(INLINE_MAX, self._inline_left))
            if prepared is None:
                return None
            self._inline_left -= sum(len(v.body) for v in prepared.variants.values() if v.body is not None)
            self._prepared[path] = prepared
        return prepared


class DigestVerifier:
    """Tells whether a digested name on disk really holds bytes with that digest.

    Names the manifest knows are trusted; any other digested-looking name is
    checked once per file version, so a server can serve files a newer build
    (sharing its disk) wrote, yet a made-up digest never gets other bytes.
    """

    def __init__(self, algorithm: str, length: int) -> None:
        self._algorithm = algorithm
        self._length = length
        self._checked: dict[tuple[str, int, int], bool] = {}
        self._lock = threading.Lock()

    def matches(self, path: str, digest: str) -> bool:
        """True if the file at ``path`` hashes to ``digest``."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        key = (path, st.st_mtime_ns, st.st_size)
        with self._lock:
            known = self._checked.get(key)
        if known is None:
            with open(path, "rb") as handle:
                known = content_digest(handle.read(), self._algorithm, self._length) == digest
            with self._lock:
                self._checked[key] = known
        return known
