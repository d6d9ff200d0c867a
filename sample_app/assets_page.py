"""``/_assets``: what the build made of each bundle and static file, for development only.

Each row: the logical path, the URL the page links, its integrity, its sizes raw,
minified, gzip and brotli, and the headers it is served with (asked of the app
itself, through the same WSGI layer a browser meets).
"""

from __future__ import annotations

import gzip
import os
from typing import Any

import brotli
from flask import Flask, current_app, render_template, url_for

HEADERS = ("Content-Type", "Cache-Control", "ETag", "Vary", "Access-Control-Allow-Origin")
BUNDLES = ("site_css", "site_js")


def register(app: Flask) -> None:
    """Add the page (call it only in development: it reads every file on each request)."""
    app.add_url_rule("/_assets", "assets_page", _page)


def _page() -> str:
    state = current_app.extensions["bust_assets"]
    rows = []
    for name in BUNDLES:
        for url, entry in state.urls(name):
            rows.append(_row(f"bundle {name}", url, entry.integrity, entry.source_size))
    static = current_app.static_folder or ""
    for folder, dirs, names in sorted(os.walk(static)):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file_name in sorted(n for n in names if not n.startswith(".")):
            logical = os.path.relpath(os.path.join(folder, file_name), static).replace(os.sep, "/")
            url = url_for("static", filename=logical)
            raw = os.path.getsize(os.path.join(folder, file_name))
            rows.append(_row(logical, url, state.integrity_of("static", logical), raw))
    return render_template("assets.html", rows=rows)


def _row(what: str, url: str, integrity: str, raw: int) -> dict[str, Any]:
    served = current_app.test_client().get(url, headers={"Accept-Encoding": "identity"})
    body = served.get_data()
    return {
        "what": what,
        "url": url,
        "integrity": integrity,
        "status": served.status_code,
        "raw": raw,
        "size": len(body),
        "gzip": len(gzip.compress(body, 9, mtime=0)),
        "brotli": len(brotli.compress(body, quality=10)),
        "headers": {name: served.headers[name] for name in HEADERS if name in served.headers},
    }
