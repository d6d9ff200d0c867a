"""The WSGI layer that answers digested URLs before Flask; everything else falls through.

A request for a digested file is a dictionary lookup of a prepared response
(responses.py) and a ``wsgi.file_wrapper``: no routing, no view, no stat in
production. Flask's view table is never touched, so extensions that look at view
functions (CSRFProtect, Flask-Limiter, ...) see Flask's own static view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

from .plain_caching import PlainCaching
from .responses import Asset, Variant

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Finder = Callable[
    [str], "Asset | bool | None"
]  # URL path -> Asset; False: a made-up digest (404); True: a plain static file; None: not ours

CHUNK = 64 * 1024
ACCEPT_CACHE_LIMIT = 256  # distinct Accept-Encoding values remembered (browsers send a handful)
NOT_FOUND = b"Not Found: no file has this digest."
UNSATISFIABLE = (-1, -1)


class BustMiddleware:
    """Wraps ``app.wsgi_app``: digested files answered here, immutable; the rest by the app.

    ``find(path)`` is built from the app on the first request (``prepare``), when
    every blueprint is registered. Usable by hand too:
    ``app.wsgi_app = BustMiddleware(app.wsgi_app, prepare=...)`` (see docs/deployment.md).
    """

    def __init__(self, app: WSGIApp, *, prepare: Callable[[], tuple[Finder, PlainCaching | None]]) -> None:
        self.app = app
        self._prepare = prepare
        self._find: Finder | None = None
        self._plain: PlainCaching | None = None  # for plain static names Flask's static view sends as no-cache
        self._lock = threading.Lock()
        self._accept: dict[str, dict[str, float]] = {}

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        find = self._find
        if find is None:
            with self._lock:
                if self._find is None:
                    self._find, self._plain = self._prepare()
                find = self._find
        method = environ["REQUEST_METHOD"]
        if method != "GET" and method != "HEAD":
            return self.app(environ, start_response)
        asset = find(request_path(environ))
        if asset is None:
            return self.app(environ, start_response)
        if asset is True:  # a plain name: Flask's, which may send a short max-age for it (plain_caching.py)
            plain = self._plain
            return self.app(environ, start_response if plain is None else plain.wrap(environ, start_response))
        if asset is False:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(NOT_FOUND)))])
            return [] if method == "HEAD" else [NOT_FOUND]
        assert isinstance(asset, Asset)
        variant = self._variant(asset, environ.get("HTTP_ACCEPT_ENCODING", ""))
        try:
            return _respond(variant, environ, start_response, head=method == "HEAD")
        except FileNotFoundError:
            identity = asset.variants[None]
            if variant is not identity:  # a .br/.gz deleted since the table was made (allowed any time)
                try:
                    return _respond(identity, environ, start_response, head=method == "HEAD")
                except FileNotFoundError:
                    pass
            return self.app(environ, start_response)  # retired by `flask assets clean` since then

    def _variant(self, asset: Asset, accept: str) -> Variant:
        """The client's most preferred encoding it accepts (q > 0), the smallest on a tie."""
        variants = asset.variants
        if not accept or len(variants) == 1:
            return variants[None]
        quality = self._accept.get(accept)
        if quality is None:
            parsed = parse_accept_header(accept, Accept)
            quality = {enc: parsed.quality(enc) for enc in ("br", "gzip")}
            if len(self._accept) >= ACCEPT_CACHE_LIMIT:
                self._accept.clear()
            self._accept[accept] = quality
        best: Variant | None = None
        best_key = (0.0, 0)
        for encoding in asset.encodings:
            q = quality[encoding]
            if q > 0:
                candidate = variants[encoding]
                key = (-q, candidate.size)
                if best is None or key < best_key:
                    best, best_key = candidate, key
        return best if best is not None else variants[None]  # identity: always acceptable


def request_path(environ: Environ) -> str:
    """The URL path as text: WSGI hands over the request's bytes as latin-1 characters (PEP 3333),
    which name ``café.css`` only once read as UTF-8, as Werkzeug reads them for Flask's routing."""
    path: str = environ.get("PATH_INFO", "")
    if path.isascii():
        return path
    try:
        return path.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a server that passed text already
        return path


def _respond(variant: Variant, environ: Environ, start_response: StartResponse, *, head: bool) -> Iterable[bytes]:
    if _matches(environ.get("HTTP_IF_NONE_MATCH"), variant.etag):
        start_response("304 Not Modified", [("ETag", variant.etag), *_revalidation(variant.headers)])
        return []
    size = variant.size
    span = _range(environ, variant, size)
    if span == UNSATISFIABLE:
        start_response("416 Range Not Satisfiable", [("Content-Range", f"bytes */{size}"), ("Content-Length", "0")])
        return []
    if span is None:
        if head or variant.body is not None:
            start_response("200 OK", variant.whole)
            return [] if head else [variant.body]  # type: ignore[list-item]
        handle = open(variant.path, "rb")  # noqa: SIM115 - before start_response: a missing file is not ours
        start_response("200 OK", variant.whole)
        wrapper = environ.get("wsgi.file_wrapper")
        return wrapper(handle, CHUNK) if wrapper else _chunks(handle, size)
    start, end = span
    headers = [
        *variant.headers,
        ("ETag", variant.etag),
        ("Content-Range", f"bytes {start}-{end}/{size}"),
        ("Content-Length", str(end - start + 1)),
    ]
    if head or variant.body is not None:
        start_response("206 Partial Content", headers)
        return [] if head else [variant.body[start : end + 1]]  # type: ignore[index]
    handle = open(variant.path, "rb")  # noqa: SIM115 - closed by _chunks
    start_response("206 Partial Content", headers)
    handle.seek(start)
    return _chunks(handle, end - start + 1)


def _chunks(handle: Any, length: int) -> Iterator[bytes]:
    with handle:
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def _matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match names this variant (weak comparison, as for GET)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


REVALIDATION = frozenset({"Cache-Control", "Vary", "Last-Modified", "Access-Control-Allow-Origin"})


def _revalidation(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers a 304 repeats: those that describe caching, not the body."""
    return [(k, v) for k, v in headers if k in REVALIDATION]


def _range(environ: Environ, variant: Variant, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single satisfiable range, UNSATISFIABLE, or None for the whole file.

    Several ranges, or an If-Range naming another version, get the whole file (RFC 9110 allows it).
    """
    header = environ.get("HTTP_RANGE")
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    if_range = environ.get("HTTP_IF_RANGE")
    if if_range and if_range.strip() != variant.etag:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(size - int(last), 0), size - 1
    except ValueError:
        return None
    if start >= size or start > end:
        return UNSATISFIABLE
    return start, end
