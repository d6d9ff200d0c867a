"""The nginx configuration in docs/deployment.md, run by a real nginx in front of gunicorn."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import brotli

from ..helpers import http
from .deployment import Deployment, Server
from .nginx import Nginx

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def documented_server_block() -> str:
    (block,) = re.findall(r"```nginx\n(.*?)```", DOC.read_text(), re.S)
    return block


def documented_nginx(site: Deployment, app: Server, tmp_path: Path) -> Nginx:
    """A real nginx running the server block of docs/deployment.md in front of ``app``."""
    block = documented_server_block()
    for placeholder in (
        "listen 80;",
        "/srv/yourapp/instance/assets;",
        "/srv/yourapp/yourapp/static/",
        "127.0.0.1:8000",
    ):
        assert placeholder in block, f"docs/deployment.md no longer has {placeholder!r}"
    block = (
        block.replace("listen 80;", "listen 127.0.0.1:{port};")
        .replace("/srv/yourapp/instance/assets;", f"{site.output};")
        .replace("/srv/yourapp/yourapp/static/", f"{site.static}/")
        .replace("127.0.0.1:8000", f"127.0.0.1:{app.port}")
    )
    return Nginx(tmp_path / "nginx", block, brotli=True)


def test_documented_nginx_config_serves_digested_files_forever(
    deploy: Callable[..., Deployment], tmp_path: Path
) -> None:
    site = deploy()
    # A stylesheet big enough to be precompressed (the sample's own are under MIN_SIZE).
    (site.static / "css/big.css").write_text("".join(f".big-{i} {{ margin: {i}px }}\n" for i in range(200)))
    site.flask("assets", "build")
    app = site.serve()
    nginx = documented_nginx(site, app, tmp_path)
    try:
        status, _, page = http(nginx.base, "/")
        assert status == 200
        assert re.findall(r'href="(/static/gen/site\.[0-9a-f]{16}\.css)"', page.decode())
        manifest = json.loads((site.output / "assets-manifest.json").read_text())
        css = "/static/" + manifest["files"]["static"]["css/big.css"]["path"]
        original = (site.generated / css.removeprefix("/static/")).read_bytes()
        app.mark()
        for accept, encoding, decode in [("br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress),
                                         ("identity", None, bytes)]:  # fmt: skip
            status, headers, body = http(nginx.base, css, headers={"Accept-Encoding": accept})
            assert status == 200
            assert headers.get("content-encoding") == encoding
            assert decode(body) == original
            assert headers["cache-control"] == "public, max-age=31536000, immutable"
            assert "Accept-Encoding" in headers.get("vary", "")
        status, headers, _ = http(nginx.base, "/static/css/base.css")
        assert status == 200 and headers["cache-control"] == "max-age=60"
        assert http(nginx.base, "/static/gen/site.0123456789abcdef.css")[0] == 404
        assert app.requests() == []  # nginx served every static file itself
    finally:
        nginx.stop()


def test_non_ascii_and_spaced_names_are_served_by_gunicorn_and_the_documented_nginx(
    deploy: Callable[..., Deployment], tmp_path: Path
) -> None:
    site = deploy()
    names = ["données.txt", "img/lögo café.svg", "a+b%c.txt"]
    for n, name in enumerate(names):
        (site.static / name).parent.mkdir(parents=True, exist_ok=True)
        (site.static / name).write_text(f"file {n}\n")
    site.flask("assets", "build")
    app = site.serve()
    nginx = documented_nginx(site, app, tmp_path)
    try:
        files = json.loads((site.output / "assets-manifest.json").read_text())["files"]["static"]
        for name in names:
            digested = files[name]["path"]
            url = "/static/" + quote(digested)  # as url_for renders it
            expected = (site.generated / digested).read_bytes()
            for base in (app.base, nginx.base):
                status, headers, body = http(base, url)
                assert (status, body) == (200, expected), (base, url)
                assert headers["cache-control"] == "public, max-age=31536000, immutable"
            status, _, body = http(nginx.base, "/static/" + quote(name))  # the plain name, from the sources
            assert (status, body) == (200, (site.static / name).read_bytes())
    finally:
        nginx.stop()
