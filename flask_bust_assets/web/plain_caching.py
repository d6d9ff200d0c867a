"""Plain static names: Flask's static view's ``no-cache`` becomes a short public max-age, and nothing else does.

A plain name (``/static/robots.txt``) can change in place, so Flask sends it
``no-cache``; a minute of caching (BUST_ASSETS_PLAIN_MAX_AGE) spares most
revalidations. ``public`` lets shared caches keep the response for everyone,
so it is given only where the bytes are the same for everyone: a response of
Flask's own static view (the ``static`` / ``<blueprint>.static`` endpoint the
request matched) for a file, to a request without credentials, setting no
cookie. A view of the app's own, under any URL, keeps its headers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request

StartResponse = Callable[..., Any]
Headers = Iterable[tuple[str, str]]
# Statuses of a file Flask's static view sent: whole, a range, or "not modified".
FILE_STATUSES = frozenset({"200", "206", "304"})


@dataclass(frozen=True)
class PlainCaching:
    """The Cache-Control of plain static names, and the static endpoints whose responses get it."""

    cache_control: str  # "public, max-age=60"
    endpoints: frozenset[str]  # "static", "admin.static": the static folders Flask serves

    def wrap(self, environ: dict[str, Any], start_response: StartResponse) -> StartResponse:
        """``start_response`` rewriting the header where :meth:`applies` says so."""
        if environ.get("HTTP_AUTHORIZATION"):
            return start_response  # RFC 9111: "public" would let a shared cache store a reply to credentials

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if self.applies(status, headers):
                headers = [(k, self.cache_control if k.lower() == "cache-control" else v) for k, v in headers]
            return start_response(status, headers, exc_info)

        return start

    def applies(self, status: str, headers: Headers) -> bool:
        """True for a response of Flask's static view for a file that it sent as ``no-cache``.

        Flask calls ``start_response`` inside the request context, so the endpoint
        the request matched is known; a response made before the view ran (a
        ``before_request`` hook's) carries no ETag, which send_file always sets.
        """
        if status[:3] not in FILE_STATUSES:
            return False
        names: dict[str, list[str]] = {}
        for key, value in headers:
            names.setdefault(key.lower(), []).append(value)
        if names.get("cache-control") != ["no-cache"] or "etag" not in names or "set-cookie" in names:
            return False
        if any("cookie" in v.lower() or "authorization" in v.lower() for v in names.get("vary", [])):
            return False  # the bytes depend on who asks
        return self._matched_static_view()

    def _matched_static_view(self) -> bool:
        if not has_request_context():  # start_response called late, by a middleware: not known, so not public
            return False
        rule = request.url_rule
        return rule is not None and rule.endpoint in self.endpoints
