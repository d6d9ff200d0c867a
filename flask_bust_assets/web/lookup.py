"""Which generated file a URL path names: the manifest's at start-up, others checked on disk."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping

from werkzeug.security import safe_join

from ..core.digest import content_digest, digests_in_name, split_digested_path
from ..core.manifest import StaticFile
from ..core.stamps import Stamp
from ..core.stamps import of as stamp_of
from ..core.static import StaticRoot
from .responses import Asset, prepare

# Files of the manifest up to this size are served from memory, within a budget per process.
INLINE_MAX = 256 * 1024
INLINE_BUDGET = 64 * 1024 * 1024

Known = tuple[str, str]  # (file on disk, digest); digest "" for a plain name (query-string versioning)


class ServedFiles:
    """URL path -> (file, digest) of what the manifest names: bundle outputs placed at start-up,
    static files looked up by their digested name on first request (one dict per root)."""

    def __init__(
        self, roots: list[StaticRoot], files: Mapping[str, Mapping[str, StaticFile]], bundles: dict[str, Known]
    ):
        self._bundles = bundles
        self._roots = [
            (root, {entry.path: entry.digest for entry in files.get(root.endpoint, {}).values() if not entry.query})
            for root in sorted(roots, key=lambda r: len(r.url_prefix), reverse=True)
        ]

    def get(self, path: str) -> Known | None:
        """The file and digest served at ``path``, or None."""
        found = self._bundles.get(path)
        if found is not None:
            return found
        for root, digests in self._roots:
            if path.startswith(root.url_prefix):
                name = path[len(root.url_prefix) :]
                digest = digests.get(name)
                return None if digest is None else (root.generated(name), digest)
        return None

    def url_paths(self) -> Iterator[str]:
        """Every URL path served under a digested name (what publish uploads)."""
        yield from (path for path, (_, digest) in self._bundles.items() if digest)
        for root, digests in self._roots:
            yield from (root.url_prefix + name for name in digests)


class DigestedLookup:
    """URL path -> the prepared responses of a generated file (a dict lookup in production).

    Generated files live in the output folder, never among the sources. Answers:
    an Asset for a file the manifest names, or a digested name found in a root's
    output folder whose bytes hash to its digest (a newer build's, on a shared
    disk: rolling deploys; checked once per file version); False for a digested
    name there whose bytes do not (a made-up digest is a 404, never other bytes
    under an immutable URL); True for any other name under a static prefix (Flask
    serves the source); None for any other path.
    """

    def __init__(
        self,
        roots: list[StaticRoot],
        known: ServedFiles,
        *,
        verifier: DigestVerifier,
        length: int,
        cors: str | None,
        plain_cache: str,
        live_plain: bool = False,
        output: Callable[[str, str], str | None] = lambda endpoint, filename: None,
    ) -> None:
        self._roots = sorted(roots, key=lambda r: len(r.url_prefix), reverse=True)  # longest prefix first
        self._known = known  # URL path -> (file, digest), for every generated file the manifest names
        self._prepared: dict[str, Asset] = {}
        self._verifier = verifier
        self._length = length
        self._cors = cors
        self._plain_cache = plain_cache  # of generated files under a plain name (query-string versioning)
        self._live_plain = live_plain  # look for such files on disk: development under query versioning
        self._output = output  # (endpoint, plain name of a bundle output) -> its current file
        self._lock = threading.Lock()
        self._inline_left = INLINE_BUDGET

    def __call__(self, path: str) -> Asset | bool | None:
        """See the class docstring."""
        asset = self._prepared.get(path)
        if asset is not None:
            return asset
        known = self._known.get(path)
        if known is not None:
            return self._prepare_known(path, *known) if known[1] else self._prepare_plain(known[0])
        root = next((r for r in self._roots if path.startswith(r.url_prefix)), None)
        if root is None:
            return None
        filename = path[len(root.url_prefix) :]
        if filename.rpartition("/")[2].startswith("."):
            return True  # never a generated file: temp files of a build in progress or killed are dot-names
        split = split_digested_path(filename, self._length)
        # A %(version)s may stand anywhere in an output's name (abilian's style-%(version)s.min.css)
        elsewhere = [] if split is not None else digests_in_name(filename, self._length)
        if split is None:
            output = self._output(root.endpoint, filename)
            if output is not None:  # never a copy an earlier stock build left among the sources
                return self._prepare_plain(output)
        if split is None and not elsewhere and not self._live_plain:
            return True  # a source: Flask serves it, no file-system call here
        candidate = safe_join(root.output, filename)
        if candidate is None or not os.path.isfile(candidate):
            return True  # not generated: the source of that name, if any, is Flask's to serve
        if split is None:
            # Hex in a name is no proof of a digest: unless the bytes hash to one, it is a plain name.
            digest = next((d for d in elsewhere if self._verifier.matches(candidate, d)), None)
            if digest is not None:
                return prepare(candidate, digest, cors=self._cors)
            return self._prepare_plain(candidate) if self._live_plain else True
        if not self._verifier.matches(candidate, split[1]):
            return False
        return prepare(candidate, split[1], cors=self._cors)  # checked per request: it may change

    def _prepare_known(self, path: str, abspath: str, digest: str) -> Asset | None:
        with self._lock:
            prepared = prepare(abspath, digest, cors=self._cors, inline=min(INLINE_MAX, self._inline_left))
            if prepared is None:
                return None
            self._inline_left -= sum(len(v.body) for v in prepared.variants.values() if v.body is not None)
            self._prepared[path] = prepared
        return prepared

    def _prepare_plain(self, abspath: str) -> Asset | None:
        """A generated file under a plain name (query-string versioning): the next build rewrites
        it in place, so it is stat-ed per request and browsers revalidate it."""
        try:
            st = os.stat(abspath)
        except OSError:
            return None
        return prepare(abspath, f"{st.st_mtime_ns:x}-{st.st_size:x}", cors=self._cors, cache=self._plain_cache)


class DigestVerifier:
    """Tells whether a digested name on disk really holds bytes with that digest.

    Names the manifest knows are trusted; any other digested-looking name is
    checked once per file version, so a server can serve files a newer build
    (sharing its disk) wrote, yet a made-up digest never gets other bytes.
    """

    def __init__(self, algorithm: str, length: int) -> None:
        self._algorithm = algorithm
        self._length = length
        self._checked: dict[tuple[Stamp, str], bool] = {}  # one file may be asked about several digests
        self._lock = threading.Lock()

    def matches(self, path: str, digest: str) -> bool:
        """True if the file at ``path`` hashes to ``digest``."""
        try:
            # ctime and inode too: a rewrite keeping mtime and size is seen
            key = (stamp_of(path, os.stat(path)), digest)
        except OSError:
            return False
        with self._lock:
            known = self._checked.get(key)
        if known is None:
            with open(path, "rb") as handle:
                known = content_digest(handle.read(), self._algorithm, self._length) == digest
            with self._lock:
                self._checked[key] = known
        return known
