"""Small real apps on disk, built by the real `flask assets build`, checked through the test client."""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import brotli
from flask import Flask

from ..helpers import run_flask, write

SOURCES = {
    "static/css/base.css": "/* base */\nbody {\n  background : url(../img/logo.svg) no-repeat;\n  margin : 0;\n}\n",
    "static/css/app.css": ".card  >  .title {\n  color : #ff0000;\n  padding: 0px 1rem;\n}\n",
    "static/css/vendor/lib.css": ".lib {\n  background: url('../../img/logo.svg');\n}\n",
    "static/js/app.js": "// app\nfunction greet(name) {\n  return 'Hello, ' + name + '!';\n}\nwindow.greet = greet;\n",
    "static/img/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
}

# The template every app renders: the tag, a helper and url_for, as users write them.
PAGE = """<!doctype html><html><head><title>compat</title>
{% assets "css" %}<link rel="stylesheet" href="{{ ASSET_URL }}" integrity="{{ ASSET_SRI }}">{% endassets %}
</head><body><img src="{{ url_for('static', filename='img/logo.svg') }}" alt="">
{{ asset_tags("js") }}</body></html>"""

APP = '''
from flask import Flask, redirect, render_template_string, request, url_for
from flask_assets import Bundle
from flask_bust_assets import BustAssets
{imports}

app = Flask(__name__)
app.config["SECRET_KEY"] = "compat-tests"
{setup}
assets = BustAssets(app)
assets.register(
    "css", Bundle("css/base.css", "css/app.css", filters="cssrewrite,bust_cssmin", output="gen/site.%(version)s.css")
)
assets.register("js", Bundle("js/app.js", filters="rjsmin", output="gen/site.js"))

PAGE = """{page}"""


@app.route("/")
{decorators}def index():
    return render_template_string(PAGE)
{routes}
'''


def project(root: Path, app_source: str, files: dict[str, str] | None = None) -> Path:
    """Write the shared sources, ``app.py`` and any extra ``files`` under ``root``."""
    for rel, text in {**SOURCES, **(files or {})}.items():
        write(root, rel, text)
    write(root, "app.py", app_source)
    return root


def extension_app(imports: str = "", setup: str = "", routes: str = "", decorators: str = "") -> str:
    """The source of the shared app with one extension's imports, set-up, routes and view decorators."""
    return APP.format(imports=imports, setup=setup, routes=routes, decorators=decorators, page=PAGE)


def flask(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `flask` executable in ``root``, as a user runs it."""
    return run_flask(root, *args)


def build(root: Path) -> subprocess.CompletedProcess[str]:
    """`flask assets build`; fails the test unless it exits 0."""
    result = flask(root, "assets", "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def load_app(root: Path, factory: str | None = None) -> Flask:
    """Import ``root/app.py`` under a fresh module name (each test has its own app) and return its app."""
    name = f"compat_app_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, root / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    app = getattr(module, factory)() if factory else module.app
    assert isinstance(app, Flask)
    return app


def sri(data: bytes) -> str:
    """The integrity attribute a browser checks these bytes against."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def decoded(response: Any) -> bytes:
    """The body as the browser sees it, after Content-Encoding."""
    encoding = response.headers.get("Content-Encoding")
    data = bytes(response.data)
    if encoding == "br":
        return bytes(brotli.decompress(data))
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding in (None, "identity"), encoding
    return data


def asset_tags(html: str) -> list[tuple[str, str | None]]:
    """(URL, integrity or None) of every stylesheet, script and image the page links."""
    found = []
    for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", html):
        url = re.search(r'\b(?:href|src)="([^"]+)"', tag)
        integrity = re.search(r'\bintegrity="([^"]+)"', tag)
        if url:
            found.append((url.group(1).replace("&amp;", "&"), integrity.group(1) if integrity else None))
    return found


def fetch(client: Any, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request, its response closed (a file response holds the file open)."""
    response = client.get(url, headers=headers or {})
    try:
        return response.status_code, dict(response.headers), bytes(response.data)
    finally:
        response.close()


def check_page(client: Any, path: str = "/", headers: dict[str, str] | None = None) -> str:
    """GET ``path``; every asset it links answers 200 three times in a row, with matching integrity."""
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, (path, response.status_code, response.data[:500])
    html = decoded(response).decode()
    tags = asset_tags(html)
    assert tags, html
    for url, integrity in tags:
        for attempt in range(3):  # the regression: the first request worked, the next ones answered 500
            served = client.get(url, headers=headers or {})
            assert served.status_code == 200, (url, attempt, served.status_code, served.data[:500])
            if integrity:
                assert sri(decoded(served)) == integrity, url
            served.close()
    return html
