"""Prepared responses for digested files: headers computed once per file and variant.

Stdlib and Werkzeug's content-type rules only; the WSGI layer (wsgi.py) picks one
and sends it. Digested names never change their bytes, so everything here can be
computed at start-up and reused for every request.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from email.utils import formatdate

from werkzeug.utils import get_content_type

from ..core.digest import FOREVER
from ..core.files import ENCODINGS

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Variant:
    """One body of a digested file: the identity bytes, or a ``.br`` / ``.gz`` copy."""

    path: str
    size: int
    etag: str  # strong, one per variant: a cache must never answer br bytes to a gzip request
    headers: Headers  # everything but ETag and Content-Length, which a Range changes
    whole: Headers  # the headers of a 200: all of the above, computed once
    body: bytes | None = None  # the bytes, kept in memory when small: no open() per request


@dataclass(frozen=True)
class Asset:
    """A digested file and its variants, keyed by content-coding (None: identity)."""

    variants: dict[str | None, Variant]
    encodings: tuple[str, ...]  # the content-codings available besides identity


def prepare(path: str, digest: str, *, cors: str | None, cache: str = FOREVER, inline: int = 0) -> Asset | None:
    """The prepared responses of the digested file at ``path``; None if it is not a file.

    Variants of at most ``inline`` bytes are read into memory: a digested name's
    bytes never change, and serving them from memory spares an open() and a
    sendfile per request (1.5x the requests per second of a file wrapper for a
    2 KB file under gunicorn gthread, measured in tests/benchmarks/serve.py).
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    common: Headers = [
        ("Content-Type", get_content_type(mimetype, "utf-8")),
        ("Cache-Control", cache),
        ("Last-Modified", formatdate(st.st_mtime, usegmt=True)),
        ("Accept-Ranges", "bytes"),
    ]
    if cors:
        common.append(("Access-Control-Allow-Origin", cors))
    bodies: dict[str | None, tuple[str, int, str]] = {None: (path, st.st_size, f'"{digest}"')}
    for encoding, suffix in ENCODINGS.items():
        try:
            bodies[encoding] = (path + suffix, os.stat(path + suffix).st_size, f'"{digest}-{encoding}"')
        except OSError:
            continue
    if len(bodies) > 1:  # the body depends on Accept-Encoding: caches must know
        common.append(("Vary", "Accept-Encoding"))
    variants: dict[str | None, Variant] = {}
    for coding, (body, size, etag) in bodies.items():
        headers = [*common, ("Content-Encoding", coding)] if coding else common
        whole = [*headers, ("ETag", etag), ("Content-Length", str(size))]
        variants[coding] = Variant(body, size, etag, headers, whole, _read(body) if size <= inline else None)
    return Asset(variants, tuple(e for e in variants if e is not None))


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None  # served from disk, which then answers for itself
