"""Names beyond ASCII, with spaces, ``%``, ``#``, ``?`` or ``+``: every rendered URL fetches its file's bytes.

WSGI hands the path over as latin-1 characters of the request's bytes; the
server must read it as UTF-8, as Werkzeug does, to find ``café.css``. Over a
real HTTP server on 127.0.0.1, with the URLs the templates render.
"""

from __future__ import annotations

import html
import json
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_assets import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_bust_assets import BustAssets
from flask_bust_assets.web import commands

from .helpers import MANIFEST, OUT, http, serve, write

SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def production_app(root: Path) -> Flask:
    """A fresh app over a built ``root``: it reads the manifest at start-up, as a deploy does."""
    app = Flask("site", root_path=str(root), instance_path=str(root / "instance"))
    app.config["TESTING"] = True
    assets = BustAssets(app)
    bundle = Bundle("css/café.css", filters="bust_cssurls,bust_cssmin", output="gen/café.%(version)s.css")
    assets.register("css", bundle)
    return app


def build(root: Path) -> None:
    app = production_app(root)
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert report.ok, [str(e) for e in report.static.errors]


def fetch_back(base: str, url: str, expected: bytes) -> None:
    status, _, body = http(base, url)
    assert (status, body) == (200, expected), url


def test_non_ascii_and_spaced_names_are_served_under_every_rendered_url(tmp_path: Path) -> None:
    css = 'a { background: url(../img/lögo.svg) } b { background: url("../img/my logo.svg") }'
    write(tmp_path, "static/css/café.css", css)
    write(tmp_path, "static/img/lögo.svg", SVG)
    write(tmp_path, "static/img/my logo.svg", SVG + " ")
    write(tmp_path, "static/données.txt", "des données\n")
    build(tmp_path)
    app = production_app(tmp_path)
    with app.test_request_context():
        page = render_template_string("{{ asset_url('css') }} {{ url_for('static', filename='données.txt') }}")
    css_url, text_url = html.unescape(page).split()
    assert css_url.startswith("/static/gen/caf%C3%A9.") and text_url.startswith("/static/donn%C3%A9es.")
    files = json.loads((tmp_path / MANIFEST).read_text())["files"]["static"]
    generated = tmp_path / OUT / "static"
    with serve(app) as base:
        fetch_back(base, text_url, (generated / files["données.txt"]["path"]).read_bytes())
        status, _, css = http(base, css_url)
        assert status == 200
        urls = re.findall(r"url\(([^)]*)\)", css.decode())
        assert len(urls) == 2 and all(u.isascii() and " " not in u for u in urls), urls  # percent-encoded
        for url, logical in zip(urls, ("img/lögo.svg", "img/my logo.svg"), strict=True):
            absolute = urllib.parse.urljoin(css_url, url.strip("\"'"))
            fetch_back(base, absolute, (generated / files[logical]["path"]).read_bytes())


# Every character a Linux file name can hold but "/" and NUL, and "\" (another helper's case):
# letters of every script, spaces, and the characters URLs give a meaning to.
NAME = st.text(
    alphabet=st.one_of(
        st.characters(categories=["L", "N", "Zs", "Sm", "So", "Pd", "Po"], exclude_characters="/\\\0"),
        st.sampled_from(" %#?+&=;@!$'()*,~[]"),
    ),
    min_size=1,
    max_size=20,
).filter(lambda name: not name.startswith(".") and len(name.encode("utf-8")) < 200)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAME, min_size=1, max_size=4, unique_by=lambda n: n.lower()))
def test_every_recorded_name_is_fetched_back_with_its_bytes(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    root = tmp_path_factory.mktemp("names")
    write(root, "static/css/café.css", "a { color: red }")
    for n, name in enumerate(names):
        try:
            (root / "static" / f"{name}.txt").write_bytes(f"file {n}\n".encode())
        except OSError:  # a file system that cannot hold the name: not ours to serve
            continue
    build(root)
    app = production_app(root)
    files = json.loads((root / MANIFEST).read_text())["files"]["static"]
    with app.test_request_context():
        render = render_template_string  # HTML-escaped, as a page has it: read back as a browser does
        urls = {name: html.unescape(render("{{ url_for('static', filename=f) }}", f=name)) for name in files}
    with serve(app) as base:
        for logical, url in urls.items():
            assert os.path.basename(url).isascii(), url  # the template quoted it
            fetch_back(base, url, (root / OUT / "static" / files[logical]["path"]).read_bytes())
