"""The nginx configuration in docs/deployment.md, run by a real nginx in front of gunicorn."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path

import brotli

from ..helpers import http
from .deployment import Deployment
from .nginx import Nginx

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def documented_server_block() -> str:
    (block,) = re.findall(r"```nginx\n(.*?)```", DOC.read_text(), re.S)
    return block


def test_documented_nginx_config_serves_digested_files_forever(
    deploy: Callable[..., Deployment], tmp_path: Path
) -> None:
    site = deploy()
    # A stylesheet big enough to be precompressed (the sample's own are under MIN_SIZE).
    (site.static / "css/big.css").write_text("".join(f".big-{i} {{ margin: {i}px }}\n" for i in range(200)))
    site.flask("assets", "build")
    app = site.serve()
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
    nginx = Nginx(tmp_path / "nginx", block, brotli=True)
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
