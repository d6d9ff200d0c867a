"""Digested-file responses: immutable caching, precompressed variants, strict names.

Replaces the view of each static endpoint (``static``, ``<blueprint>.static``),
so URLs, ``SCRIPT_NAME`` and blueprint prefixes keep working as Flask routes them.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, request, send_file
from werkzeug.security import safe_join

from ..core.digest import FOREVER, content_digest, split_digested_path
from ..core.files import ENCODINGS
from ..core.static import StaticRoot


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


def send_static(
    root: StaticRoot,
    filename: str,
    *,
    in_manifest: Callable[[str, str], bool],
    verifier: DigestVerifier,
    length: int,
    plain_max_age: int,
) -> Response:
    """The response for ``filename`` in ``root``: immutable if digested, revalidated if not."""
    path = safe_join(root.folder, filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    split = split_digested_path(filename, length)
    if split is None:
        return send_file(path, conditional=True, etag=True, max_age=plain_max_age)
    digest = split[1]
    if not in_manifest(root.endpoint, filename) and not verifier.matches(path, digest):
        abort(404)  # never other bytes under a hashed URL
    available = {enc: path + suffix for enc, suffix in ENCODINGS.items() if os.path.isfile(path + suffix)}
    quality = {enc: request.accept_encodings.quality(enc) for enc in available}
    accepted = {enc: p for enc, p in available.items() if quality[enc] > 0}
    # The client's preference first, then the smaller file.
    encoding = min(accepted, key=lambda enc: (-quality[enc], os.path.getsize(accepted[enc])), default=None)
    response = send_file(
        accepted[encoding] if encoding else path,
        mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        download_name=os.path.basename(filename),
        conditional=True,
        etag=f"{digest}-{encoding}" if encoding else digest,  # one strong ETag per variant
    )
    response.headers["Cache-Control"] = FOREVER
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if available:
        response.vary.add("Accept-Encoding")
    return response


def install_views(
    app: Flask,
    roots: list[StaticRoot],
    *,
    in_manifest: Callable[[str, str], bool],
    verifier: DigestVerifier,
    length: int,
    plain_max_age: int,
) -> None:
    """Serve every static endpoint (``static``, ``<blueprint>.static``) through ``send_static``."""
    for root in roots:
        serve = functools.partial(
            send_static, root, in_manifest=in_manifest, verifier=verifier, length=length, plain_max_age=plain_max_age
        )
        app.view_functions[root.endpoint] = _view_like(app.view_functions[root.endpoint], serve)


def _view_like(original: Callable[..., Any], serve: Callable[[str], Any]) -> Callable[..., Any]:
    """A view function that serves through ``serve`` yet looks like ``original``.

    CSRFProtect, Flask-Limiter, login and admin extensions identify views by
    ``__module__`` and ``__name__`` (exempt lists, per-view limits) on every
    request: the replacement must answer to the same names as Flask's own view.
    """

    @functools.wraps(original)
    def view(filename: str, **_: Any) -> Any:
        return serve(filename)

    return view
