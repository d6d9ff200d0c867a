"""The compat check's own instruments: the driver records what each URL served, and CSS is
compared by the files its url()s load, however they are spelled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .exercise import HASHED, resolved
from .harness import DRIVER

APP = """
from flask import Flask
app = Flask(__name__)
PAGE = '<link rel="stylesheet" href="/static/a.css"><link rel="alternate" href="/feed">'
PAGE += '<script src="/static/b.js"></script>'
@app.route("/")
def one(): return PAGE
@app.route("/two")
def two(): return PAGE
@app.route("/feed")
def feed(): return "changes each time"
"""


def test_each_url_keeps_its_own_body_when_pages_share_it(tmp_path: Path) -> None:
    """Two pages linking the same files: every URL's recorded body is what it served (the branch
    base's driver wrote each re-fetched URL's bytes under one shared name, so all compared alike),
    and a feed, whose bytes hold the time it was made, is no asset to compare (main's records it)."""
    (tmp_path / "static").mkdir()
    (tmp_path / "static/a.css").write_text("a { background: url(img/x.png) }")
    (tmp_path / "static/img").mkdir()
    (tmp_path / "static/img/x.png").write_bytes(b"PNG")
    (tmp_path / "static/b.js").write_text("var b = 1;")
    (tmp_path / "shop.py").write_text(APP)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(DRIVER), str(out), "--app", "shop:app", "/", "/two", "--also", "/static/gone.css"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads((out / "result.json").read_text())
    bodies = {url: (out / "bodies" / info["body"]).read_bytes() for url, info in result["urls"].items()}
    assert bodies == {
        "/static/a.css": b"a { background: url(img/x.png) }",
        "/static/img/x.png": b"PNG",
        "/static/b.js": b"var b = 1;",
        "/static/gone.css": bodies["/static/gone.css"],  # a 404 page, as a URL and not a page
    }
    assert result["urls"]["/static/gone.css"]["status"] == 404
    assert list(result["pages"]) == ["/", "/two"]


def test_css_is_compared_by_the_files_its_urls_load() -> None:
    stock = 'i{background:url("/static/img/x.png")} j{src:url(data:font/woff2;base64,AA)}'
    ours = 'i{background:url("../img/x.0123456789abcdef.png")} j{src:url(data:font/woff2;base64,AA)}'
    assert HASHED.sub("", resolved(ours, "/static/css/s.fedcba9876543210.css")) == resolved(stock, "/static/css/s.css")
