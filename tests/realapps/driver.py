"""Serve a real app on 127.0.0.1, GET its pages and every URL they reference; write what came back.

Runs inside the app's own venv (not ours), as a script:

    python driver.py RESULT_DIR --app abilian.wsgi:app / /login [--also URL...]

RESULT_DIR/result.json maps each page to its status and the local URLs it references
(``<link href>``, ``<script src>``, ``<img src>``, and the ``url()`` references of the
stylesheets it links), and each URL to its status, content type and the file under
RESULT_DIR/bodies/ that holds its bytes. URLs after ``--also`` are fetched as URLs, not pages
(a file an earlier build linked: is it still served?). Standard library plus Flask only.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from flask.cli import ScriptInfo
from werkzeug.serving import make_server

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


# <link rel> values naming another document, not a file the page loads (dribdat's RSS feed,
# whose bytes hold the time it was made)
DOCUMENTS = {"alternate", "canonical", "author", "help", "license", "search", "next", "prev", "me", "preconnect"}


class References(html.parser.HTMLParser):
    """The URLs a page's tags load: stylesheets, scripts, images, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"link": "href", "script": "src", "img": "src", "source": "src"}.get(tag)
        if tag == "link" and DOCUMENTS & set((dict(attrs).get("rel") or "").lower().split()):
            return
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def local(base: str, ref: str) -> str | None:
    """``ref`` as a path on this server, or None for another host, a data: URL or a fragment."""
    absolute = urllib.parse.urljoin(base, ref.strip())
    parts = urllib.parse.urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.hostname not in ("127.0.0.1", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get(root: str, path: str) -> tuple[int, str, bytes, str]:
    """Status, content type, body and final URL of one GET (redirects followed, as a browser does).

    As from behind a TLS-terminating proxy (``X-Forwarded-Proto: https``: apps with Talisman
    redirect plain HTTP), with the Host header of REALAPP_HOST when set (apps with SERVER_NAME)."""
    headers = {"X-Forwarded-Proto": "https"}
    if os.environ.get("REALAPP_HOST"):
        headers["Host"] = os.environ["REALAPP_HOST"]
    try:
        with urllib.request.urlopen(urllib.request.Request(root + path, headers=headers), timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read(), root + path


def main() -> None:
    result_dir, app_path, rest = Path(sys.argv[1]), sys.argv[3], sys.argv[4:]
    assert sys.argv[2] == "--app", "usage: driver.py RESULT_DIR --app IMPORT PAGE... [--also URL...]"
    pages, also = (rest[: rest.index("--also")], rest[rest.index("--also") + 1 :]) if "--also" in rest else (rest, [])
    bodies = result_dir / "bodies"
    bodies.mkdir(parents=True, exist_ok=True)
    app = ScriptInfo(app_import_path=app_path).load_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_port}"
    result: dict[str, dict[str, object]] = {"pages": {}, "urls": {}}

    def fetch(url: str) -> None:
        """GET ``url`` once per drive (pages share stylesheets), and what a stylesheet loads."""
        if url in result["urls"]:
            return
        code, kind, data, _ = get(root, url)
        name = f"{len(result['urls'])}"  # unique: each URL is added once, right here
        (bodies / name).write_bytes(data)
        result["urls"][url] = {"status": code, "type": kind, "body": name}
        if "css" in kind:  # what the stylesheet loads is referenced too
            for nested in CSS_URL.findall(data.decode("utf-8", "replace")):
                inner = local(root + url, nested)
                if inner:
                    fetch(inner)

    try:
        for page in pages:
            status, _, body, final = get(root, page)
            parser = References()
            parser.feed(body.decode("utf-8", "replace"))
            refs = [p for p in (local(final, r) for r in parser.urls) if p]
            for ref in refs:
                fetch(ref)
            result["pages"][page] = {"status": status, "refs": refs}
        for url in also:
            fetch(url)
    finally:
        server.shutdown()
    (result_dir / "result.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
